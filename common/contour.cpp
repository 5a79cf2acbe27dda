// Marching squares: level lines of a field sampled on a regular grid, one cell at a
// time. Each corner is "above" (value >= level) or below; an edge whose two corners
// disagree is crossed by the level line, at the point found by linear interpolation.
// A cell has 0, 2 or 4 crossed edges: 2 make one segment, 4 (a saddle) make two, and
// which pairs go together is decided by the value at the cell's centre.
#include <cmath>
#include <stdexcept>

#include "common/plot.hpp"

namespace nn {

namespace {

struct Corner {
    double x, y, value;
};

// Where the level crosses the edge from a to b (one above, one below, so their values differ).
std::array<double, 2> crossing(const Corner& a, const Corner& b, double level) {
    double t = (level - a.value) / (b.value - a.value);
    return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
}

void add_segment(std::vector<std::array<double, 4>>& out, std::array<double, 2> p, std::array<double, 2> q) {
    out.push_back({p[0], p[1], q[0], q[1]});
}

// Corners counter-clockwise from the lower left: c[0] (ix, iy), c[1] (ix+1, iy),
// c[2] (ix+1, iy+1), c[3] (ix, iy+1). Edge e joins c[e] and c[(e+1) % 4]: 0 bottom,
// 1 right, 2 top, 3 left.
void march_cell(const Corner (&c)[4], double level, std::vector<std::array<double, 4>>& out) {
    bool above[4];
    for (int k = 0; k < 4; ++k) above[k] = c[k].value >= level;
    std::array<double, 2> point[4];
    int crossed[4], count = 0;
    for (int e = 0; e < 4; ++e) {
        const Corner &a = c[e], &b = c[(e + 1) % 4];
        if (above[e] == above[(e + 1) % 4]) continue;
        point[e] = crossing(a, b, level);
        crossed[count++] = e;
    }
    if (count == 2) {
        add_segment(out, point[crossed[0]], point[crossed[1]]);
    } else if (count == 4) {
        // A saddle: diagonal corners agree. If the centre sides with c[0] and c[2], the
        // line cuts off c[1] (edges 0, 1) and c[3] (edges 2, 3); else c[0] (3, 0) and c[2] (1, 2).
        double centre = (c[0].value + c[1].value + c[2].value + c[3].value) / 4;
        if ((centre >= level) == above[0]) {
            add_segment(out, point[0], point[1]);
            add_segment(out, point[2], point[3]);
        } else {
            add_segment(out, point[3], point[0]);
            add_segment(out, point[1], point[2]);
        }
    }
}

}  // namespace

std::vector<std::array<double, 4>> contour_segments(const Grid& grid, double level) {
    if (grid.values.size() != grid.nx * grid.ny)
        throw std::invalid_argument("contour_segments: values must hold nx * ny numbers");
    std::vector<std::array<double, 4>> segments;
    if (grid.nx < 2 || grid.ny < 2 || !std::isfinite(level)) return segments;
    double dx = (grid.x1 - grid.x0) / double(grid.nx - 1), dy = (grid.y1 - grid.y0) / double(grid.ny - 1);
    auto corner = [&](size_t ix, size_t iy) {
        return Corner{grid.x0 + double(ix) * dx, grid.y0 + double(iy) * dy, grid.values[iy * grid.nx + ix]};
    };
    // Cells [ny - 1, nx - 1], cell (ix, iy) between grid points ix..ix+1 and iy..iy+1.
    for (size_t iy = 0; iy + 1 < grid.ny; ++iy)
        for (size_t ix = 0; ix + 1 < grid.nx; ++ix) {
            Corner c[4] = {corner(ix, iy), corner(ix + 1, iy), corner(ix + 1, iy + 1), corner(ix, iy + 1)};
            march_cell(c, level, segments);
        }
    return segments;
}

std::vector<double> log_levels(double lo, double hi, int count) {
    if (!(lo > 0) || !(hi >= lo) || count < 1)
        throw std::invalid_argument("log_levels: need 0 < lo <= hi and count >= 1");
    std::vector<double> levels;
    double ratio = count > 1 ? std::log(hi / lo) / double(count - 1) : 0;
    for (int k = 0; k < count; ++k) levels.push_back(lo * std::exp(ratio * k));
    if (count > 1) levels.back() = hi;  // exactly, not up to rounding
    return levels;
}

}  // namespace nn
