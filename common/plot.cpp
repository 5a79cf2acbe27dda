#include "common/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "common/gnuplot.hpp"
#include "common/idx.hpp"

namespace nn {

namespace fs = std::filesystem;

namespace {

using gnuplot::quote;
using gnuplot::quote_path;
using gnuplot::render;

// Tableau 10: distinct, readable on white, kind to colour-blind readers.
// Class 0 is blue and class 1 orange, as in the TwoClass palette.
const char* const kColors[10] = {"#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
                                 "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"};

const char* const kFont = "DejaVu Sans";
const char* const kReference = " dt 2 lw 1.5 lc rgb '#555555'";  // style of reference lines


std::string num(double value) {
    if (!std::isfinite(value)) return "NaN";
    char text[32];
    std::snprintf(text, sizeof text, "%.7g", value);
    return text;
}

// One line of a matrix data block: the values separated by spaces.
void append_row(std::string& data, std::span<const float> values) {
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) data += ' ';
        data += num(values[i]);
    }
    data += '\n';
}

std::string range(double lo, double hi) { return "[" + num(lo) + ":" + num(hi) + "]"; }

// The colour of a series: the "lc rgb '...'" its style names, else the index-th of the
// palette, as Figure::add() gives it.
std::string colour_clause(const std::string& style, size_t index) {
    size_t at = style.find("lc rgb '");
    if (at != std::string::npos) {
        size_t end = style.find('\'', at + 8);
        if (end != std::string::npos) return style.substr(at, end + 1 - at);
    }
    return std::string("lc rgb '") + kColors[index % 10] + "'";
}

bool counts_epochs(const Axes& axes) { return axes.xlabel.rfind("epoch", 0) == 0; }

// The tic step of an axis of whole numbers spanning `span`: 1, 2, 5, 10, 20, ... whichever
// first gives at most 8 steps. gnuplot's own choice for 3 epochs would be 0.5.
long whole_step(double span) {
    for (long decade = 1;; decade *= 10)
        for (long step : {decade, 2 * decade, 5 * decade})
            if (span / double(step) <= 8 || step > (1L << 40)) return step;
}

std::string title_clause(const std::string& title) {
    return title.empty() ? " notitle" : " title " + quote(title) + " noenhanced";
}

// A layer is serialized as "kind\nclause\ndata rows"; $dK in the clause names its data block.
std::string layer(const std::string& kind, const std::string& clause, const std::string& data) {
    return kind + "\n" + clause + "\n" + data;
}

struct LayerParts {
    std::string kind, clause, data;
};

LayerParts split_layer(const std::string& serialized) {
    size_t a = serialized.find('\n'), b = serialized.find('\n', a + 1);
    return {serialized.substr(0, a), serialized.substr(a + 1, b - a - 1), serialized.substr(b + 1)};
}

std::string block_name(size_t layers_before) { return "$d" + std::to_string(layers_before + 1); }

std::pair<double, double> default_range(std::span<const float> values, Palette palette) {
    auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    float lo = values.empty() ? 0 : *mn, hi = values.empty() ? 0 : *mx;
    float biggest = std::max(std::fabs(lo), std::fabs(hi)) > 0 ? std::max(std::fabs(lo), std::fabs(hi)) : 1;
    switch (palette) {
        case Palette::Gray: return {0.0, 1.0};
        case Palette::Diverging: return {-biggest, biggest};  // zero stays white
        case Palette::Heat: return {std::min(0.0f, lo), hi > std::min(0.0f, lo) ? hi : lo + 1};
        case Palette::TwoClass:  // a probability in [0, 1], else a score whose sign is the class
            if (lo >= 0 && hi <= 1) return {0.0, 1.0};
            return {-biggest, biggest};
    }
    return {lo, hi};
}

std::string palette_line(Palette palette) {
    switch (palette) {
        case Palette::Gray: return "set palette gray";
        case Palette::Diverging:
            return "set palette defined (-1 '#2166AC', -0.5 '#92C5DE', 0 '#FFFFFF', 0.5 '#F4A582', 1 '#B2182B')";
        case Palette::Heat:
            return "set palette defined (0 '#FFFFFF', 0.3 '#FCBBA1', 0.6 '#FB6A4A', 0.85 '#CB181D', 1 '#67000D')";
        case Palette::TwoClass: return "set palette defined (0 '#AFC3D7', 0.5 '#FFFFFF', 1 '#F9CCA0')";
    }
    return "";
}

// Whether a number printed on a cell of this colour needs white ink.
bool dark_cell(double value, std::pair<double, double> r, Palette palette) {
    double t = r.second > r.first ? (value - r.first) / (r.second - r.first) : 0;
    return palette == Palette::Gray ? t < 0.5 : palette == Palette::Heat ? t > 0.6
                                              : palette == Palette::Diverging && std::fabs(2 * t - 1) > 0.7;
}

// While writing to gnuplot: if it dies, write() must fail with EPIPE, not kill us.

std::string png_terminal(Size size) {
    return "set terminal pngcairo size " + std::to_string(size.width) + "," + std::to_string(size.height) +
           " enhanced font '" + kFont + ",11'";
}

std::string panels_body(const std::vector<Figure>& panels, int columns) {
    if (panels.empty() || columns < 1) throw std::invalid_argument("save_png: no panels, or columns < 1");
    size_t cols = std::min<size_t>(columns, panels.size()), rows = (panels.size() + cols - 1) / cols;
    std::string body = "set multiplot layout " + std::to_string(rows) + "," + std::to_string(cols) + "\n";
    for (const Figure& panel : panels) body += panel.script();
    return body + "unset multiplot\n";
}

// Images (rows x cols at most h x w) sit in a grid of cells, in one plot with y
// pointing down; between rows, a gap for the titles. The gap, in image pixels, must
// come to about 26 screen pixels at the scale the plot ends up with.
struct GridLayout {
    size_t h = 0, w = 0, columns = 0, rows = 0;
    double gap_x = 0, gap_y = 0;
    double cell_w() const { return w + gap_x; }
    double cell_h() const { return h + gap_y; }
};

GridLayout grid_layout(const std::vector<Image>& images, int columns, bool title, Size size) {
    GridLayout g;
    for (const Image& image : images) g.h = std::max(g.h, image.rows), g.w = std::max(g.w, image.cols);
    g.columns = std::min<size_t>(columns, images.size());
    g.rows = (images.size() + g.columns - 1) / g.columns;
    g.gap_x = 0.1 * g.w;
    g.gap_y = 0.25 * g.h;
    double width = size.width - 20.0, height = size.height - (title ? 40.0 : 10.0);
    for (int i = 0; i < 8; ++i) {
        double scale = std::min(width / (g.columns * g.cell_w()), height / (g.rows * g.cell_h()));
        g.gap_y = std::max(0.15 * g.h, 26 / scale);
    }
    return g;
}

}  // namespace

Figure::Figure(Axes axes) : axes_(std::move(axes)) {}

Figure& Figure::add(Series series) {
    if (series.x.size() != series.y.size())
        throw std::invalid_argument("Series '" + series.title + "': x and y differ in length");
    size_t index = std::count_if(layers_.begin(), layers_.end(),
                                 [](const std::string& l) { return split_layer(l).kind == "series"; });
    std::string style = series.style;
    if (style.find("lc ") == std::string::npos && style.find("linecolor") == std::string::npos)
        style += " " + colour_clause(style, index);
    std::string data;
    for (size_t i = 0; i < series.x.size(); ++i) data += num(series.x[i]) + " " + num(series.y[i]) + "\n";
    for (double x : series.x) {
        if (!std::isfinite(x)) continue;
        bool first = x_lo_ > x_hi_;
        x_lo_ = first ? x : std::min(x_lo_, x), x_hi_ = first ? x : std::max(x_hi_, x);
    }
    std::string clause = block_name(layers_.size()) + " using 1:2 with " + style + title_clause(series.title);
    layers_.push_back(layer("series", clause, data));
    return *this;
}

Figure& Figure::add_points(const Tensor& X, std::span<const int> labels,
                           const std::vector<std::string>& class_names) {
    if (X.rank() != 2 || X.dim(1) < 2 || X.dim(0) != labels.size())
        throw std::invalid_argument("add_points: X must be [n, 2] with n labels, got " + X.shape_string());
    size_t n = labels.size();
    std::string size = n <= 200 ? "1.2" : n <= 1000 ? "0.8" : "0.5";
    for (int c = 0; c < 10; ++c) {
        std::string data;
        for (size_t i = 0; i < n; ++i) {
            if (labels[i] < 0 || labels[i] > 9)
                throw std::invalid_argument("add_points: label " + std::to_string(labels[i]) + " not in 0..9");
            if (labels[i] == c) data += num(X(i, 0)) + " " + num(X(i, 1)) + "\n";
        }
        if (data.empty()) continue;
        std::string name = size_t(c) < class_names.size() ? class_names[c] : "class " + std::to_string(c);
        std::string block = block_name(layers_.size());
        // A filled disc, then a thin dark ring around it so overlapping points stay apart.
        std::string clause = block + " using 1:2 with points pt 7 ps " + size + " lc rgb '" + kColors[c] + "'" +
                             title_clause(name) + ", " + block + " using 1:2 with points pt 6 ps " + size +
                             " lw 0.6 lc rgb '#333333' notitle";
        layers_.push_back(layer("points", clause, data));
    }
    return *this;
}

Figure& Figure::add_heatmap(Grid grid, Palette palette, std::optional<std::pair<double, double>> range_) {
    if (grid.nx == 0 || grid.ny == 0 || grid.values.size() != grid.nx * grid.ny)
        throw std::invalid_argument("add_heatmap: values must hold nx * ny numbers");
    double dx = grid.nx > 1 ? (grid.x1 - grid.x0) / double(grid.nx - 1) : 1;
    double dy = grid.ny > 1 ? (grid.y1 - grid.y0) / double(grid.ny - 1) : 1;
    auto r = range_ ? *range_ : default_range(grid.values, palette);
    setup_.push_back(palette_line(palette));
    setup_.push_back("set cbrange " + range(r.first, r.second));
    if (palette == Palette::TwoClass) setup_.push_back("unset colorbox");
    if (!axes_.xrange) setup_.push_back("set xrange " + range(grid.x0, grid.x1));
    if (!axes_.yrange) setup_.push_back("set yrange " + range(grid.y0, grid.y1));
    // Shape [ny, nx]: one data line per grid row, iy = 0 first (the bottom of the plot).
    std::string data;
    for (size_t iy = 0; iy < grid.ny; ++iy)
        append_row(data, std::span<const float>(grid.values).subspan(iy * grid.nx, grid.nx));
    std::string clause = block_name(layers_.size()) + " matrix using (" + num(grid.x0) + "+$1*" + num(dx) +
                         "):(" + num(grid.y0) + "+$2*" + num(dy) + "):3 with image notitle";
    layers_.push_back(layer("heatmap", clause, data));
    return *this;
}

// All levels in one data block, each segment its two ends and a blank line: gnuplot
// lifts the pen at a blank line, so the segments stay separate pieces.
Figure& Figure::add_contours(const Grid& grid, const std::vector<double>& levels, const std::string& style) {
    std::string data;
    for (double level : levels)
        for (const auto& s : contour_segments(grid, level))
            data += num(s[0]) + " " + num(s[1]) + "\n" + num(s[2]) + " " + num(s[3]) + "\n\n";
    if (data.empty()) return *this;  // no level inside the field's range: nothing to draw
    layers_.push_back(layer("contours", block_name(layers_.size()) + " using 1:2 with " + style + " notitle", data));
    return *this;
}

Figure& Figure::add_matrix(const Tensor& M, const std::vector<std::string>& row_labels,
                           const std::vector<std::string>& col_labels, Palette palette) {
    if (M.rank() != 2) throw std::invalid_argument("add_matrix: M must be a matrix, got " + M.shape_string());
    size_t rows = M.dim(0), cols = M.dim(1);
    bool integers = std::all_of(M.data(), M.data() + M.size(), [](float v) { return v == std::round(v); });
    auto r = default_range(M.span(), palette);
    size_t longest = 0;
    std::string xtics, ytics;
    for (size_t c = 0; c < cols; ++c) {
        std::string label = c < col_labels.size() ? col_labels[c] : std::to_string(c);
        longest = std::max(longest, label.size());
        if (c) xtics += ", ";
        xtics += quote(label) + " " + std::to_string(c);
    }
    for (size_t row = 0; row < rows; ++row) {
        if (row) ytics += ", ";
        ytics += quote(row < row_labels.size() ? row_labels[row] : std::to_string(row)) + " " + std::to_string(row);
    }
    for (const std::string& line :
         {palette_line(palette), "set cbrange " + range(r.first, r.second), std::string("unset colorbox"),
          "set xrange " + range(-0.5, cols - 0.5), "set yrange " + range(rows - 0.5, -0.5),  // row 0 on top
          "set xtics (" + xtics + ") noenhanced" + (longest > 3 ? " rotate by 40 right" : ""),
          "set ytics (" + ytics + ") noenhanced", std::string("set tics scale 0"), std::string("unset grid"),
          std::string("set size ratio -1"), std::string("unset key")})
        setup_.push_back(line);
    // One row per cell: column, row, value, ink colour of its number.
    std::string data;
    for (size_t row = 0; row < rows; ++row)
        for (size_t c = 0; c < cols; ++c) {
            float v = M(row, c);
            data += std::to_string(c) + " " + std::to_string(row) + " " + num(v) +
                    (dark_cell(v, r, palette) ? " 0xFFFFFF\n" : " 0x222222\n");
        }
    std::string block = block_name(layers_.size());
    std::string format = integers ? "%.0f" : "%.2f";
    std::string font = rows * cols > 64 ? "9" : "11";
    std::string clause = block + " using 1:2:3 with image notitle, " + block + " using 1:2:(sprintf('" + format +
                         "', $3)):4 with labels tc rgb variable font '," + font + "' notitle";
    layers_.push_back(layer("matrix", clause, data));
    return *this;
}

Figure& Figure::add_image(const Image& image, Palette palette) {
    if (image.rows == 0 || image.cols == 0 || image.pixels.size() != image.rows * image.cols)
        throw std::invalid_argument("add_image: pixels must hold rows * cols values");
    if (axes_.title.empty()) axes_.title = image.title;
    auto r = default_range(image.pixels, palette);
    for (const std::string& line :
         {palette_line(palette), "set cbrange " + range(r.first, r.second),
          "set xrange " + range(-0.5, image.cols - 0.5), "set yrange " + range(image.rows - 0.5, -0.5),
          std::string("set size ratio -1"), std::string("unset xtics"), std::string("unset ytics"),
          std::string("unset border"), std::string("unset colorbox"), std::string("unset grid"),
          std::string("unset key"), std::string("unset xlabel"), std::string("unset ylabel"),
          std::string("set margins 1, 1, 0.5, 2")})  // l, r, b, t: room for the title only
        setup_.push_back(line);
    // Shape [rows, cols]: one data line per image row, row 0 first (drawn at the top).
    std::string data;
    for (size_t row = 0; row < image.rows; ++row)
        append_row(data, std::span<const float>(image.pixels).subspan(row * image.cols, image.cols));
    layers_.push_back(layer("image", block_name(layers_.size()) + " matrix with image notitle", data));
    return *this;
}

// Reference lines are dashed grey and named in the legend. Each is drawn against the
// other axis pair scaled to [0, 1] (x2 for a horizontal line, y2 for a vertical one),
// so it spans the whole plot whatever the ranges, and its value still counts in autoscale.
Figure& Figure::add_hline(double y, const std::string& label, const std::string& style) {
    setup_.push_back("set x2range [0:1]");
    std::string clause = block_name(layers_.size()) + " using 1:2 axes x2y1 with lines" +
                         (style.empty() ? kReference : " " + style) + title_clause(label);
    layers_.push_back(layer("hline", clause, "0 " + num(y) + "\n1 " + num(y) + "\n"));
    return *this;
}

Figure& Figure::add_vline(double x, const std::string& label, const std::string& style) {
    setup_.push_back("set y2range [0:1]");
    std::string clause = block_name(layers_.size()) + " using 1:2 axes x1y2 with lines" +
                         (style.empty() ? kReference : " " + style) + title_clause(label);
    layers_.push_back(layer("vline", clause, num(x) + " 0\n" + num(x) + " 1\n"));
    return *this;
}

// gnuplot's keyentry: a legend sample and its title, no data (so no data block either).
Figure& Figure::add_key_entry(const std::string& title, const std::string& style) {
    layers_.push_back(layer("keyentry", "keyentry with " + style + title_clause(title), ""));
    return *this;
}

Figure& Figure::add_with_zeros(std::vector<Series> series, const std::string& zero_label) {
    double smallest = INFINITY, largest = 0;
    bool zeros = false;
    for (const Series& s : series)
        for (double y : s.y) {
            if (y > 0) smallest = std::min(smallest, y), largest = std::max(largest, y);
            zeros = zeros || y == 0;
        }
    if (!zeros) {
        for (Series& s : series) add(std::move(s));
        return *this;
    }
    // The zeros' row, labelled "0" on the axis: under the lowest power of 10 at or below the
    // data (a value tic may be there), by half a decade on an axis of a few decades and up to
    // a whole one on a tall axis, where decades are short, so that the labels never touch.
    // The axis ends a little under the row.
    double decade = std::isfinite(smallest) ? std::pow(10.0, std::floor(std::log10(smallest))) : 1;
    double span = std::isfinite(smallest) ? std::log10(largest / decade) : 0;
    double gap = std::clamp(span / 8, 0.5, 1.0);
    double row = decade / std::pow(10.0, gap);
    std::string top = axes_.yrange ? num(axes_.yrange->second) : "*";
    setup_.push_back("set yrange [" + num(row / std::pow(10.0, gap / 2)) + ":" + top + "]");
    setup_.push_back("set ytics add (\"0\" " + num(row) + ")");

    // Each series' colour as add() gives it, for its markers: they are added after all the series.
    size_t index = std::count_if(layers_.begin(), layers_.end(),
                                 [](const std::string& l) { return split_layer(l).kind == "series"; });
    std::vector<Series> markers;
    for (Series& s : series) {
        std::string colour = colour_clause(s.style, index++);
        for (size_t i = 0; i < s.y.size(); ++i) {
            if (s.y[i] != 0) continue;
            size_t last = i;
            while (last + 1 < s.y.size() && s.y[last + 1] == 0) ++last;
            markers.push_back({"", {s.x[i]}, {row}, "points pt 11 ps 1.5 " + colour});
            if (last > i) markers.push_back({"", {s.x[i], s.x[last]}, {row, row}, "lines lw 2 dt (4,3) " + colour});
            for (size_t j = i; j <= last; ++j) s.y[j] = NAN;
            i = last;
        }
        add(std::move(s));
    }
    for (Series& m : markers) add(std::move(m));
    return add_key_entry(zero_label, "points pt 11 ps 1.5 lc rgb '#555555'");
}

// A text is a quoted string in the data block, so it may hold spaces; a double quote
// or a line break inside would end it early, so they become a single quote and a space.
Figure& Figure::add_labels(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<std::string>& texts, const std::string& style) {
    if (x.size() != y.size() || x.size() != texts.size())
        throw std::invalid_argument("add_labels: x, y and texts differ in length");
    std::string data;
    for (size_t i = 0; i < x.size(); ++i) {
        std::string text = texts[i];
        std::replace(text.begin(), text.end(), '"', '\'');
        std::replace(text.begin(), text.end(), '\n', ' ');
        data += num(x[i]) + " " + num(y[i]) + " \"" + text + "\"\n";
    }
    // noenhanced last: gnuplot 5.4 turns enhanced text back on at a label option after it,
    // and "20 @ 24x24" would lose its "@".
    std::string clause = block_name(layers_.size()) + " using 1:2:3 with labels " + style + " noenhanced notitle";
    layers_.push_back(layer("labels", clause, data));
    return *this;
}

std::string Figure::script() const {
    std::ostringstream s;
    s << "reset\n"
      << "set border lw 1 lc rgb '#444444'\n"
      << "set tics nomirror textcolor rgb '#222222'\n"
      << "set grid back lt 1 lc rgb '#E3E3E3' lw 1\n";
    if (!axes_.frame) s << "unset border\nunset tics\nunset grid\n";
    if (!axes_.title.empty()) s << "set title " << quote(axes_.title) << " noenhanced\n";
    if (!axes_.xlabel.empty()) s << "set xlabel " << quote(axes_.xlabel) << " noenhanced\n";
    if (!axes_.ylabel.empty()) s << "set ylabel " << quote(axes_.ylabel) << " noenhanced\n";
    if (axes_.logx) s << "set logscale x\nset format x '10^{%L}'\n";
    if (axes_.logy) s << "set logscale y\nset format y '10^{%L}'\n";
    if (axes_.xrange) s << "set xrange " << range(axes_.xrange->first, axes_.xrange->second) << "\n";
    if (axes_.yrange) s << "set yrange " << range(axes_.yrange->first, axes_.yrange->second) << "\n";
    if ((axes_.integer_x || counts_epochs(axes_)) && !axes_.logx && axes_.frame) {
        double lo = axes_.xrange ? axes_.xrange->first : x_lo_, hi = axes_.xrange ? axes_.xrange->second : x_hi_;
        s << "set xtics " << (lo <= hi ? whole_step(hi - lo) : 1) << "\n";
    }
    if (axes_.square) s << "set size ratio -1\n";
    // Outside the plot so it never hides data: beside a square plot, which leaves room
    // there, else in a row above (gnuplot 5.4 lets a key below collide with the xlabel).
    if (!axes_.key) s << "unset key\n";
    else if (axes_.square) s << "set key outside right top vertical Left reverse samplen 2 noautotitle\n";
    else s << "set key tmargin center horizontal Left reverse samplen 2 width 2 noautotitle\n";
    for (const std::string& line : setup_) s << line << "\n";

    std::vector<std::string> clauses;
    for (size_t i = 0; i < layers_.size(); ++i) {
        LayerParts parts = split_layer(layers_[i]);
        if (parts.kind != "keyentry") s << block_name(i) << " << EOD\n" << parts.data << "EOD\n";
        clauses.push_back(parts.clause);
    }
    // Without a single data point gnuplot cannot autoscale and refuses to draw: give it
    // ranges, so an empty panel (or one with only reference lines) still renders.
    bool has_points = std::any_of(layers_.begin(), layers_.end(), [](const std::string& l) {
        LayerParts parts = split_layer(l);
        return parts.kind != "hline" && parts.kind != "vline" && !parts.data.empty();
    });
    if (!has_points) {
        if (!axes_.xrange) s << "set xrange [0:1]\n";
        if (!axes_.yrange) s << "set yrange [0:1]\n";
    }
    if (clauses.empty()) clauses.push_back("NaN notitle");
    s << "plot ";
    for (size_t i = 0; i < clauses.size(); ++i) s << (i ? ", \\\n     " : "") << clauses[i];
    s << "\n";
    return s.str();
}

Figure confusion_figure(const Tensor& counts, const std::vector<std::string>& names, std::string title,
                        std::string predicted) {
    Figure figure({.title = std::move(title), .xlabel = std::move(predicted), .ylabel = "true class", .key = false});
    figure.add_matrix(counts, names, names, Palette::Heat);
    return figure;
}

Tensor confusion_counts(std::span<const int> labels, std::span<const int> guesses, size_t classes) {
    if (labels.size() != guesses.size())
        throw std::invalid_argument("confusion_counts: " + std::to_string(labels.size()) + " labels and " +
                                    std::to_string(guesses.size()) + " guesses");
    Tensor counts({classes, classes});
    for (size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || size_t(labels[i]) >= classes || guesses[i] < 0 || size_t(guesses[i]) >= classes)
            throw std::invalid_argument("confusion_counts: example " + std::to_string(i) + " has a class outside [0, " +
                                        std::to_string(classes) + ")");
        counts(size_t(labels[i]), size_t(guesses[i])) += 1.0f;
    }
    return counts;
}

std::vector<Image> misclassified_images(const ImageSet& set, std::span<const int> guesses,
                                        const std::vector<std::string>& names, size_t shown) {
    std::vector<Image> images;
    for (size_t i = 0; i < set.size() && i < guesses.size() && images.size() < shown; ++i) {
        if (guesses[i] == set.labels[i]) continue;
        auto pixels = set.images.row(i);
        images.push_back({set.rows, set.cols, {pixels.begin(), pixels.end()},
                          names.at(size_t(set.labels[i])) + " -> " + names.at(size_t(guesses[i]))});
    }
    return images;
}

std::string ordered_color(size_t i, size_t n) {
    // viridis at 0, 1/4, 1/2, 3/4 and 1, interpolated in RGB between them.
    const int stops[5][3] = {{0x44, 0x01, 0x54}, {0x3B, 0x52, 0x8B}, {0x21, 0x91, 0x8C}, {0x5E, 0xC9, 0x62},
                             {0xFD, 0xE7, 0x25}};
    double t = n > 1 ? 0.88 * double(std::min(i, n - 1)) / double(n - 1) : 0;  // 0.88: still dark enough on white
    size_t k = std::min<size_t>(size_t(t * 4), 3);
    double f = t * 4 - double(k);
    char hex[8];
    auto channel = [&](int c) { return int(std::lround(stops[k][c] + f * (stops[k + 1][c] - stops[k][c]))); };
    std::snprintf(hex, sizeof hex, "#%02X%02X%02X", channel(0), channel(1), channel(2));
    return hex;
}

Axes plane_axes(std::string title, double lo, double hi) {
    Axes axes;
    axes.title = std::move(title);
    axes.xlabel = "x1";
    axes.ylabel = "x2";
    axes.xrange = {lo, hi};
    axes.yrange = {lo, hi};
    axes.square = true;
    return axes;
}

std::optional<Series> line_in_square(double w1, double w2, double b, double lo, double hi,
                                     std::string title, std::string style) {
    // Where the line crosses the edges x = lo, x = hi, y = lo, y = hi (a corner may be
    // found twice); the first and last of these in (x, y) order are the segment's ends.
    std::vector<std::pair<double, double>> hits;
    for (double e : {lo, hi}) {
        if (w2 != 0)
            if (double y = -(w1 * e + b) / w2; y >= lo && y <= hi) hits.push_back({e, y});
        if (w1 != 0)
            if (double x = -(w2 * e + b) / w1; x >= lo && x <= hi) hits.push_back({x, e});
    }
    if (hits.size() < 2) return std::nullopt;
    auto [first, last] = std::minmax_element(hits.begin(), hits.end());
    return Series{std::move(title), {first->first, last->first}, {first->second, last->second}, std::move(style)};
}

std::string data_set_name(const std::string& data_dir) {
    // "a/b/" and "a/b/." name the folder b: drop the empty and "." last parts first.
    fs::path dir = fs::path(data_dir).lexically_normal();
    while (dir.has_relative_path() && (dir.filename().empty() || dir.filename() == "."))
        dir = dir.parent_path();
    std::error_code ec;
    bool fashion = dir == fs::path(kFashionMnistDir) || fs::equivalent(dir, kFashionMnistDir, ec);
    if (fashion) return "Fashion-MNIST";
    // "." or ".." name no folder by themselves: the folder they stand for does.
    if (dir.empty() || dir.filename() == "..") dir = fs::weakly_canonical(fs::absolute(dir.empty() ? "." : dir), ec);
    std::string name = dir.filename().string();
    return name.empty() ? data_dir : name;
}

void save_png(const Figure& figure, const std::string& path, Size size) {
    render(png_terminal(size), figure.script(), path);
}

void save_png(const std::vector<Figure>& panels, int columns, const std::string& path, Size size) {
    render(png_terminal(size), panels_body(panels, columns), path);
}

void save_gif(const std::vector<Figure>& frames, const std::string& path, Size size, int delay_centiseconds) {
    if (frames.empty()) throw std::invalid_argument("save_gif: no frames");
    std::string terminal = "set terminal gif animate delay " + std::to_string(std::max(delay_centiseconds, 1)) +
                           " loop 0 size " + std::to_string(size.width) + "," + std::to_string(size.height) +
                           " font '" + kFont + ",10'";
    std::string body;
    for (const Figure& frame : frames) body += frame.script();
    // The gif terminal has one delay for all frames: hold the last by repeating it.
    for (int i = 0; i < 4; ++i) body += frames.back().script();
    render(terminal, body, path);
}

void save_image_grid(const std::vector<Image>& images, int columns, const std::string& path, Palette palette,
                     const std::string& title, Size size) {
    if (images.empty() || columns < 1) throw std::invalid_argument("save_image_grid: no images, or columns < 1");
    std::vector<float> all;
    for (const Image& image : images) {
        if (image.pixels.size() != image.rows * image.cols)
            throw std::invalid_argument("save_image_grid: pixels must hold rows * cols values");
        all.insert(all.end(), image.pixels.begin(), image.pixels.end());
    }
    GridLayout g = grid_layout(images, columns, !title.empty(), size);
    auto r = default_range(all, palette);
    std::ostringstream s;
    s << "reset\nunset border\nunset tics\nunset key\nunset colorbox\nset size ratio -1\n"
      << "set margins 1, 1, 0.5, " << (title.empty() ? "0.5" : "2.5") << "\n"
      << (title.empty() ? "" : "set title " + quote(title) + " noenhanced\n") << palette_line(palette) << "\n"
      << "set cbrange " << (palette == Palette::Diverging ? "[-1:1]" : range(r.first, r.second)) << "\n"
      << "set xrange " << range(0, g.columns * g.cell_w()) << "\nset yrange " << range(g.rows * g.cell_h(), 0)
      << "\n";
    std::string plot = "plot ";
    for (size_t k = 0; k < images.size(); ++k) {
        const Image& image = images[k];
        // Diverging: each image symmetric about its own largest |value|, so 0 stays white.
        float biggest = 0;
        for (float v : image.pixels) biggest = std::max(biggest, std::fabs(v));
        float scale = palette == Palette::Diverging && biggest > 0 ? 1 / biggest : 1;
        std::string data;
        for (size_t row = 0; row < image.rows; ++row) {
            std::vector<float> line(image.pixels.begin() + row * image.cols,
                                    image.pixels.begin() + (row + 1) * image.cols);
            for (float& v : line) v *= scale;
            append_row(data, line);
        }
        double cell_left = (k % g.columns) * g.cell_w() + g.gap_x / 2, cell_top = (k / g.columns) * g.cell_h() + g.gap_y;
        double left = cell_left + (g.w - image.cols) / 2.0, top = cell_top + (g.h - image.rows) / 2.0;
        s << "set label " << quote(image.title) << " at " << num(left + image.cols / 2.0) << ", "
          << num(top - g.gap_y / 2) << " center noenhanced\n"
          << block_name(k) << " << EOD\n" << data << "EOD\n";
        plot += (k ? ", " : "") + block_name(k) + " matrix using ($1+" + num(left + 0.5) + "):($2+" +
                num(top + 0.5) + "):3 with image notitle";
    }
    render(png_terminal(size), s.str() + plot + "\n", path);
}


}  // namespace nn
