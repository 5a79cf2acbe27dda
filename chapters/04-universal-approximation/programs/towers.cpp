// Chapter 4, program: two inputs. A tower is about h on a square and about 0 elsewhere,
// made of four step neurons (two bumps, one in x and one in y) and one more sigmoid that
// fires only where both bumps are on:
//   h sigma(w2 [bump_x(x) + bump_y(y) - 3/2]).
// An n x n grid of towers, each as high as the target at the centre of its cell,
// approximates a surface on [0, 1]^2 with no training at all, from 5 n^2 units.
//
//   build/release/bin/04-universal-approximation/towers [--resolution 200] [--max-n 40]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "04-universal-approximation/approximation.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/stopwatch.hpp"

namespace {

// The surface to approximate: a smooth hill and valley, values in [0, 1].
double target(double x, double y) { return 0.5 + 0.5 * std::sin(3 * x) * std::cos(3 * y); }

// The threshold of the fifth unit: sigma(w2 * 0.5) = 0.99995 inside a square, and
// sigma(-w2 * 0.5) = 0.00005 where only one of the two bumps is on.
constexpr double kThresholdWeight = 20.0;

// f at the centres of an r x r raster of [0, 1]^2, (ix + 1/2) / r, so that no sample sits
// exactly on a cell edge of the towers (n < r): values[iy * r + ix], as nn::Grid wants.
template <class F>
nn::Grid sample(int r, F f) {
    double half = 0.5 / r;
    nn::Grid grid{half, 1 - half, half, 1 - half, size_t(r), size_t(r), {}};
    grid.values.resize(grid.nx * grid.ny);
    for (int iy = 0; iy < r; ++iy)
        for (int ix = 0; ix < r; ++ix)
            grid.values[size_t(iy) * grid.nx + size_t(ix)] = float(f((ix + 0.5) / r, (iy + 0.5) / r));
    return grid;
}

// The tower heights: heights[i * n + j] = f at the centre of cell (i, j).
std::vector<double> cell_heights(int n) {
    std::vector<double> heights(size_t(n * n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) heights[size_t(i * n + j)] = target((i + 0.5) / n, (j + 0.5) / n);
    return heights;
}

// The sum of the n x n towers, tower (i, j) on [i/n, (i+1)/n] x [j/n, (j+1)/n].
double towers_sum(double x, double y, int n, const std::vector<double>& heights) {
    double w = ua::sharp_weight(n), sum = 0.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            sum += ua::tower(x, y, double(i) / n, double(i + 1) / n, double(j) / n, double(j + 1) / n,
                             heights[size_t(i * n + j)], w, kThresholdWeight);
    return sum;
}

// The towers of an n x n grid sampled like the target.
nn::Grid towers_grid(int resolution, int n) {
    std::vector<double> heights = cell_heights(n);
    return sample(resolution, [&](double x, double y) { return towers_sum(x, y, n, heights); });
}

// How far t is from the nearest cell edge, in units of the cell width 1/n.
double edge_distance(double t, int n) {
    double u = t * n;
    return std::fabs(u - std::round(u));
}

struct Errors {
    double corner = 0, interior_max = 0, rms = 0;
};

// At a corner where four cells meet each tower sees half of each of its bumps, sum 1 < 3/2,
// so all four are off: a pit as deep as f, only about 0.02 / n wide, which a raster
// mostly misses. Its depth, measured where it is: the largest |error| at the inner corners.
double corner_error(int n, const std::vector<double>& heights) {
    double worst = 0;
    for (int i = 1; i < n; ++i)
        for (int j = 1; j < n; ++j) {
            double x = double(i) / n, y = double(j) / n;
            worst = std::max(worst, std::fabs(towers_sum(x, y, n, heights) - target(x, y)));
        }
    return worst;
}

// The error over the raster: its root mean square, and its maximum more than a tenth of a
// cell from every edge (out of the failure windows where the steps are still climbing).
Errors measure(const nn::Grid& approximation, const nn::Grid& truth, int n) {
    Errors e;
    e.corner = corner_error(n, cell_heights(n));
    int r = int(approximation.nx);
    for (int iy = 0; iy < r; ++iy)
        for (int ix = 0; ix < r; ++ix) {
            size_t k = size_t(iy) * approximation.nx + size_t(ix);
            double d = std::fabs(double(approximation.values[k]) - double(truth.values[k]));
            e.rms += d * d;
            double x = (ix + 0.5) / r, y = (iy + 0.5) / r;
            if (edge_distance(x, n) > 0.1 && edge_distance(y, n) > 0.1) e.interior_max = std::max(e.interior_max, d);
        }
    e.rms = std::sqrt(e.rms / double(r * r));
    return e;
}

nn::Figure heatmap(const std::string& title, const nn::Grid& grid, nn::Palette palette, std::pair<double, double> range) {
    nn::Figure figure({.title = title, .xlabel = "x", .ylabel = "y", .xrange = std::pair{0.0, 1.0},
                       .yrange = std::pair{0.0, 1.0}, .square = true, .key = false});
    figure.add_heatmap(grid, palette, range);
    return figure;
}

nn::Grid difference(const nn::Grid& a, const nn::Grid& b) {
    nn::Grid d = a;
    for (size_t k = 0; k < d.values.size(); ++k) d.values[k] = a.values[k] - b.values[k];
    return d;
}

nn::Figure error_figure(const nn::MetricsLog& log) {
    std::vector<double> n = log.column("n");
    nn::Figure figure({.title = "Towers: error against the grid size n (n x n towers, 5 n^2 units)",
                       .xlabel = "n (towers per side)", .ylabel = "error", .logx = true, .logy = true,
                       .xrange = std::pair{1.0, 1.5 * n.back()}, .yrange = std::pair{0.005, 1.5}});
    figure.add({"error at the inner cell corners (the pits)", n, log.column("corner_error"), "linespoints lw 3 pt 7"});
    figure.add({"max error away from cell edges", n, log.column("interior_max_error"), "linespoints lw 3 pt 5"});
    figure.add({"root-mean-square error", n, log.column("rms_error"), "linespoints lw 3 pt 9"});
    // The tower heights are the target at cell centres, so inside a cell the error is at
    // most the slope times half a cell diagonal: |grad f| sqrt(2) / (2 n) <= 1.5 / n.
    std::vector<double> bound;
    for (double v : n) bound.push_back(1.5 / v);
    figure.add({"1.5 / n (slope bound inside cells)", n, bound, "lines lw 2 dt 2 lc rgb '#333333'"});
    return figure;
}

// The options, and what --quick makes of them.
struct Settings {
    nn::CommonOptions common;
    int resolution = 200;  // samples per side of the heatmaps and the error
    int max_n = 40;        // the largest grid of towers in the error curve
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("towers", "Towers of sigmoid units approximate a surface of two inputs, with no training",
                "out/04-universal-approximation");
    Settings s;
    cli.option("resolution", s.resolution, "samples per side of the heatmaps and the error", nn::between(11, 1001));
    cli.option("max-n", s.max_n, "largest grid of towers in the error curve, 20 to 80 (slow)", nn::between(20, 80));
    s.common = cli.parse(argc, argv);
    // --quick: coarser heatmaps and no grid beyond 20 x 20.
    if (s.common.quick) s.resolution = std::min(s.resolution, 100), s.max_n = 20;
    return s;
}

// One tower, and the two bumps it is made of.
void plot_one_tower(int resolution, nn::Outputs& out) {
    double w = ua::sharp_weight(5);
    nn::Grid one = sample(resolution, [&](double x, double y) {
        return ua::tower(x, y, 0.3, 0.6, 0.4, 0.8, 1.0, w, kThresholdWeight);
    });
    nn::Grid bumps = sample(resolution, [&](double x, double y) {
        return ua::bump(x, 0.3, 0.6, 1.0, w) + ua::bump(y, 0.4, 0.8, 1.0, w);
    });
    nn::save_png({heatmap("bump_x(x) + bump_y(y): 2 on the rectangle, 1 on the cross", bumps, nn::Palette::Heat, {0, 2}),
                  heatmap("tower: sigma(w2 [bump_x + bump_y - 3/2]), h = 1", one, nn::Palette::Heat, {0, 1})},
                 2, out.path("towers_one.png"), {1200, 560});
    out.figure("towers_one.png",
               "Left: the sum of a bump in x on [0.3, 0.6] and a bump in y on [0.4, 0.8], each from two "
               "step neurons: 2 on the rectangle, 1 on the arms of the cross, 0 elsewhere. Right: a fifth "
               "sigmoid with threshold 3/2 keeps only the rectangle: a tower of height 1.");
}

// Grids of 5 x 5, 10 x 10 and 20 x 20 towers against the target, and their differences.
void plot_grids(const nn::Grid& truth, int resolution, nn::Outputs& out) {
    std::vector<nn::Figure> panels;
    for (int n : {5, 10, 20}) {
        nn::Grid approximation = towers_grid(resolution, n);
        Errors e = measure(approximation, truth, n);
        std::string units = std::to_string(5 * n * n);
        panels.push_back(heatmap("target f(x, y)", truth, nn::Palette::Heat, {0, 1}));
        panels.push_back(heatmap(std::to_string(n) + " x " + std::to_string(n) + " towers (" + units + " units)",
                                 approximation, nn::Palette::Heat, {0, 1}));
        panels.push_back(heatmap("towers - f; away from edges max |error| " + nn::fixed(e.interior_max, 3),
                                 difference(approximation, truth), nn::Palette::Diverging, {-0.25, 0.25}));
    }
    nn::save_png(panels, 3, out.path("towers_grid.png"), {1500, 1450});
    out.figure("towers_grid.png",
               "Rows: 5 x 5, 10 x 10 and 20 x 20 towers. Left the target f(x, y) = 1/2 + sin(3x) cos(3y) / 2, "
               "middle the towers, each as high as f at the centre of its cell, right their difference "
               "(colors clipped at +-0.25). Inside the cells the error shrinks like 1/n. At every corner "
               "where four cells meet all four towers are off (each sees only half of each bump): a "
               "pit as deep as f, narrower than a pixel here, so it shows as a dot at most.");
}

// The errors of n x n towers for n up to max_n: one row per n.
nn::MetricsLog errors_against_n(const nn::Grid& truth, int resolution, int max_n) {
    std::vector<int> sizes{2, 3, 5, 7, 10, 14, 20, 28, 40, 56, 80};
    nn::MetricsLog log({"n", "units", "corner_error", "interior_max_error", "rms_error"});
    for (int n : sizes) {
        if (n > max_n) break;
        nn::Grid approximation = towers_grid(resolution, n);
        Errors e = measure(approximation, truth, n);
        log.add({double(n), double(5 * n * n), e.corner, e.interior_max, e.rms});
    }
    return log;
}

void plot_errors(const nn::MetricsLog& log, nn::Outputs& out) {
    nn::save_png(error_figure(log), out.path("towers_error.png"), {900, 650});
    out.figure("towers_error.png",
               "Error of n x n towers against n, log-log. Away from the cell edges the error falls like "
               "1/n, as the slope bound (dashed) says, and the root-mean-square error over the square "
               "falls with it. The error at the inner cell corners does not fall at all: there all four "
               "towers are off, a pit as deep as f. The pits narrow as the steps sharpen (about "
               "0.02 / n wide) but never fill in, so the worst-case error of this construction stays "
               "near max f.");
}

const std::vector<double>& row_of(const nn::MetricsLog& log, int n) {
    for (const auto& row : log.rows())
        if (int(row[0]) == n) return row;
    throw nn::UsageError("no row for n = " + std::to_string(n));
}

void report(const nn::MetricsLog& log, double seconds, nn::Outputs& out) {
    const std::vector<double>& last = log.rows().back();
    const std::vector<double>& r20 = row_of(log, 20);
    const std::vector<double>& r5 = row_of(log, 5);
    std::printf("20 x 20 towers: %d units, error at the corners %.4f, away from the edges %.4f, rms %.4f\n", 5 * 400,
                r20[2], r20[3], r20[4]);
    out.result({{"interior_max_error_n5", nn::fixed(r5[3], 4)},
                {"interior_max_error_n20", nn::fixed(r20[3], 4)},
                {"rms_error_n5", nn::fixed(r5[4], 4)},
                {"rms_error_n20", nn::fixed(r20[4], 4)},
                {"corner_error_n20", nn::fixed(r20[2], 4)},
                {"units_n20", "2000"},
                {"largest_n", std::to_string(int(last[0]))},
                {"seconds", nn::fixed(seconds, 1)}});
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        const Settings s = read_settings(argc, argv);
        nn::Outputs out(s.common, "towers");
        nn::Stopwatch watch;

        plot_one_tower(s.resolution, out);
        nn::Grid truth = sample(s.resolution, target);
        plot_grids(truth, s.resolution, out);

        nn::MetricsLog log = errors_against_n(truth, s.resolution, s.max_n);
        log.write_csv(out.path("towers_error.csv"));
        plot_errors(log, out);

        report(log, watch.seconds(), out);
    });
}
