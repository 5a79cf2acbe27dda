#pragma once
// Figures over gnuplot (through gnuplot-iostream), rendered to PNG with pngcairo
// or to an animated GIF. Rendering never needs a display and never blocks: no
// -persist, no pause. Every file is written under a temporary name and renamed
// once gnuplot has finished, so a failed plot leaves nothing behind.
//
// A Figure is a description (axes, layers of data); the same Figure can be
// saved as a PNG, be one frame of a GIF, or one panel of a grid.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/idx.hpp"
#include "common/tensor.hpp"

namespace nn {

struct Axes {
    std::string title{}, xlabel{}, ylabel{};
    bool logx = false, logy = false;
    std::optional<std::pair<double, double>> xrange{}, yrange{};
    bool square = false;     // equal units on both axes (2-D data)
    bool key = true;         // show the legend
    bool frame = true;       // false: no border, tics or grid (a diagram, a small panel)
    // x counts whole things: tics at whole numbers only, never at 1.5 and 2.5. An x axis
    // whose label starts with "epoch" gets this without asking.
    bool integer_x = false;
};

// A curve or a point set: style is a gnuplot "with" clause, e.g. "lines lw 2",
// "points pt 7 ps 0.6", "linespoints". Empty title: not in the legend.
struct Series {
    std::string title{};
    std::vector<double> x{}, y{};
    std::string style = "lines lw 2";
};

// The colour ("#RRGGBB") of item i of n ordered items (layers of a network, widths), from
// dark purple through blue and green to yellow-green (viridis, stopped short of its pale
// yellow): neighbours differ in lightness as well as hue, and the order reads as one.
std::string ordered_color(size_t i, size_t n);

// Axes for points of the plane (x1, x2) in the square [lo, hi]^2, with equal units on
// both axes: the frame of every 2-D data set and decision boundary.
Axes plane_axes(std::string title, double lo, double hi);

// The part of the line w1 x + w2 y + b = 0 inside the square [lo, hi]^2, as a two-point
// Series from its left end (lower one if vertical) to its right end: a decision
// boundary. nullopt when the line misses the square, or w1 = w2 = 0 (no line at all).
std::optional<Series> line_in_square(double w1, double w2, double b, double lo, double hi,
                                     std::string title, std::string style);

// A scalar field sampled on a regular grid, drawn as a heatmap:
// values[iy * nx + ix] at x = x0 + ix * (x1 - x0) / (nx - 1), likewise y.
struct Grid {
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    size_t nx = 0, ny = 0;
    std::vector<float> values{};
};

// Marching squares (common/contour.cpp): the segments, {x0, y0, x1, y1} each, where the
// field sampled on the grid crosses `level`, interpolated linearly along the cell edges.
// A cell whose diagonal corners lie on the same side (a saddle) is resolved by the
// average of its four corners. None when the level is outside the field's range.
std::vector<std::array<double, 4>> contour_segments(const Grid& grid, double level);

// count levels from lo to hi (both included), equally spaced in log scale: contours of
// a loss that spans decades. lo > 0, hi >= lo, count >= 1 (count 1 gives {lo}).
std::vector<double> log_levels(double lo, double hi, int count);

// A grayscale or signed image, rows x cols, row 0 at the top.
struct Image {
    size_t rows = 0, cols = 0;
    std::vector<float> pixels{};  // rows * cols
    std::string title{};
};

enum class Palette {
    Gray,       // 0 black .. 1 white (pixels)
    Diverging,  // negative blue, 0 white, positive red, symmetric about 0 (weights)
    Heat,       // low white .. high dark red (counts, confusion matrices)
    TwoClass    // class 0 blue, class 1 orange, soft in between (decision fields)
};

class Figure {
public:
    explicit Figure(Axes axes = {});

    Figure& add(Series series);  // drawn in the order added
    // 2-D points colored by label (0..9), one legend entry per class.
    Figure& add_points(const Tensor& X, std::span<const int> labels,
                       const std::vector<std::string>& class_names = {});
    Figure& add_heatmap(Grid grid, Palette palette, std::optional<std::pair<double, double>> range = {});
    // The level lines of a sampled field (contour_segments for each level), all in one
    // style and out of the legend; drawn over what was added before, e.g. a heatmap.
    Figure& add_contours(const Grid& grid, const std::vector<double>& levels,
                         const std::string& style = "lines lw 1 lc rgb '#999999'");
    // An annotated matrix: cell (r, c) colored by value, its number printed in it;
    // row r labelled row_labels[r] on the y axis, column c col_labels[c] on the x axis.
    Figure& add_matrix(const Tensor& M, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels, Palette palette = Palette::Heat);
    // One image filling the plot (for a grid of images use image_grid()).
    Figure& add_image(const Image& image, Palette palette = Palette::Gray);
    // A vertical or horizontal reference line with a label, e.g. the bound of a theorem:
    // dashed grey, or `style` (gnuplot line options, e.g. "dt 4 lw 2 lc rgb '#2166AC'") where
    // two reference lines in one plot must be told apart.
    Figure& add_hline(double y, const std::string& label, const std::string& style = "");
    Figure& add_vline(double x, const std::string& label, const std::string& style = "");
    // A legend entry with nothing drawn, e.g. what a marker used by several layers means.
    // style is a gnuplot "with" clause, as for a Series.
    Figure& add_key_entry(const std::string& title, const std::string& style);
    // Series on a log y axis that may hold exact zeros. A log axis has no place for 0, and
    // a zero drawn at a stand-in such as 1e-16 spends empty decades of axis and reads as a
    // measured value. So the zeros get a row of their own with the tic "0", half a decade
    // to a decade under the lowest power of 10 that the positive values reach, and the axis
    // ends just under it (its top, if set, is kept); each series is drawn without its zeros
    // (a line breaks there); each zero is a marker on that row in its series' colour (a run
    // of zeros a dashed line from its first marker), named once in the legend by zero_label.
    // Without zeros this is add() of each series.
    Figure& add_with_zeros(std::vector<Series> series, const std::string& zero_label = "exactly 0");
    // Text centred at points, out of the legend: texts[i] at (x[i], y[i]), e.g. the names
    // of a graph's nodes. style adds gnuplot label options, e.g. "offset 0,1.2 font ',9'".
    // Each text is one line, printed as written (no enhanced-text markup).
    Figure& add_labels(const std::vector<double>& x, const std::vector<double>& y,
                       const std::vector<std::string>& texts, const std::string& style = "");

    // The gnuplot script that draws this figure (data inline). Used by the
    // renderers; tests read it without running gnuplot.
    std::string script() const;

    const Axes& axes() const { return axes_; }

private:
    struct Layer;
    Axes axes_;
    std::vector<std::string> layers_;  // each a pair of plot clause and inline data, serialized
    std::vector<std::string> setup_;   // extra "set ..." lines the layers need
    double x_lo_ = 0, x_hi_ = -1;      // the x extent of the series added (lo > hi: none yet)
    friend struct FigureAccess;
};

// counts [k, k] of examples by true class (row) and predicted class (column), as a heatmap
// with the classes' names on both axes; `predicted` names the columns ("guessed class").
Figure confusion_figure(const Tensor& counts, const std::vector<std::string>& names, std::string title,
                        std::string predicted = "predicted class");
// The counts [k, k] that confusion_figure draws: counts(labels[i], guesses[i]) for every
// example i. Throws std::invalid_argument for lengths that differ or a class outside [0, k).
Tensor confusion_counts(std::span<const int> labels, std::span<const int> guesses, size_t classes);
// The first `shown` examples of the set whose guess is not their label, in the set's
// order, each titled "true class -> the guess" from names (for save_image_grid).
std::vector<Image> misclassified_images(const ImageSet& set, std::span<const int> guesses,
                                        const std::vector<std::string>& names, size_t shown = 24);

// The name of the image set in `--data DIR` as figure titles print it: "Fashion-MNIST" for
// Debian's folder (the default, kFashionMnistDir in common/idx.hpp), else the folder's own
// name ("mnist" for data/mnist/), so that a run on another set never claims Fashion-MNIST.
std::string data_set_name(const std::string& data_dir);

struct Size { int width = 800, height = 600; };

// Render to PNG at path (pngcairo). Throws std::runtime_error when gnuplot fails.
void save_png(const Figure& figure, const std::string& path, Size size = {});
// Panels side by side in a grid of `columns` columns (multiplot), e.g. AND, OR, NAND, XOR.
void save_png(const std::vector<Figure>& panels, int columns, const std::string& path, Size size = {});
// An animated GIF, one frame per figure, delay in 1/100 s, the last frame held longer.
void save_gif(const std::vector<Figure>& frames, const std::string& path, Size size = {},
              int delay_centiseconds = 20);
// Images in a grid with their titles (learned weights, misclassified examples).
void save_image_grid(const std::vector<Image>& images, int columns, const std::string& path,
                     Palette palette = Palette::Gray, const std::string& title = "", Size size = {});

// --show: opens the PNG in a gnuplot window when DISPLAY is set; otherwise says
// once on stderr that there is no display and where the file is. Never blocks
// the program beyond the window's own life.
void show_png(const std::string& path);

}  // namespace nn
