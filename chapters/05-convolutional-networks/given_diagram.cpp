// Chapter 5, given: the architecture drawing of diagram.hpp. Every sheet, bar and arrow
// is a plain nn::Series, every text an nn::Figure label, in pixel coordinates, so that
// the room a label needs can be reckoned from its length.
#include "05-convolutional-networks/diagram.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/cli.hpp"

namespace cnn {

namespace {

// The tallest map's sheet, in pixels: the other maps get the same pixels per row, so
// that a pooled map is visibly half as tall as the map it came from.
const double kTallest = 200;
// Oblique projection: a map's W recedes up and to the right, shortened, as a card seen
// from the side; the stack's channels step right and down, like LeNet-5's figure.
const double kRecede = 0.45, kRise = 0.3;
const double kStepX = 7, kStepY = 4;
const size_t kMaxSheets = 8;  // more channels would only widen the stack, not say more
const double kBarWidth = 16;
// A label's width in pixels, for DejaVu Sans at 11 points: generous, since too wide a gap
// costs only whitespace and too narrow one an overlap.
const double kCharWidth = 7.5;
const double kPad = 14;        // between a label and what is beside it
const double kLabelDrop = 16;  // from a drawing's bottom to its label's centre

const char* const kOutline = "#333333";
const char* const kLabelStyle = "center";

struct Element {
    std::vector<size_t> shape;  // [C, H, W]: a stack of sheets; [n]: a bar
    std::string op;             // the operation that made it ("" for the input)
    std::string fill;
    bool maps() const { return shape.size() == 3; }
};

std::string operation_name(const Layer& layer) {
    auto n = [](size_t v) { return std::to_string(v); };
    switch (layer.kind) {
    case Kind::Conv: {
        const Conv2d& c = layer.conv;
        std::string name = "conv " + n(c.kernel_rows()) + "x" + n(c.kernel_cols());
        if (c.stride != 1) name += ", stride " + n(c.stride);
        if (c.padding != 0) name += ", pad " + n(c.padding);
        return name;
    }
    case Kind::BatchNorm: return "bn";
    case Kind::MaxPool: return "max pool " + n(layer.pool);
    case Kind::AvgPool: return "avg pool " + n(layer.pool);
    case Kind::Dense: return "dense";
    case Kind::Dropout: return "dropout " + nn::significant(layer.p);
    default: return "";
    }
}

// Light fills, one per kind of layer, so that the eye groups the convolutions apart
// from the poolings; the outline is dark on all of them.
std::string fill_of(Kind kind) {
    switch (kind) {
    case Kind::Conv: return "#C6DBEF";
    case Kind::BatchNorm: return "#DADAEB";
    case Kind::MaxPool:
    case Kind::AvgPool: return "#C7E9C0";
    case Kind::Dropout: return "#FDD0A2";
    case Kind::Dense: return "#FEE6A8";
    default: return "#E0E0E0";
    }
}

// The input, then one element per layer that changes the values' shape or meaning. A
// ReLU keeps the shape (it is named with the layer it follows), and a flatten only
// renumbers: neither is drawn.
std::vector<Element> elements_of(const Net& net) {
    const std::vector<std::vector<size_t>> shapes = layer_shapes(net);  // shapes[l + 1]: layers[l]'s output
    std::vector<Element> elements{{shapes[0], "", fill_of(Kind::Flatten)}};
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        if (layer.kind == Kind::ReLU) elements.back().op += ", ReLU";
        else if (layer.kind != Kind::Flatten) elements.push_back({shapes[l + 1], operation_name(layer), fill_of(layer.kind)});
    }
    return elements;
}

std::string shape_label(const Element& e) {
    if (!e.maps()) return std::to_string(e.shape[0]);
    return std::to_string(e.shape[0]) + " @ " + std::to_string(e.shape[1]) + "x" + std::to_string(e.shape[2]);
}

double text_width(const std::string& text) { return kCharWidth * double(text.size()); }

// A bar's height: the log of the width, so that 10 and 4096 units both fit beside the
// maps, and 100 is still visibly taller than 10.
double bar_height(size_t n) { return std::clamp(30 + 45 * std::log10(double(n)), 24.0, kTallest); }

// One sheet's sides: height h from H rows, horizontal extent w and rise r from W columns.
struct Sheet {
    double h, w, r;
};

Sheet sheet_of(const Element& e, double pixels_per_row) {
    return {pixels_per_row * double(e.shape[1]), kRecede * pixels_per_row * double(e.shape[2]),
            kRise * pixels_per_row * double(e.shape[2])};
}

size_t sheets_of(const Element& e) { return std::min(e.shape[0], kMaxSheets); }

// Where an element is drawn: its left edge, its width, and its lowest and highest point
// (the drawings are centred on y = 0).
struct Placed {
    double x, width, bottom, top;
};

Placed extent(const Element& e, double pixels_per_row) {
    if (!e.maps()) {
        double h = bar_height(e.shape[0]);
        return {0, kBarWidth, -h / 2, h / 2};
    }
    Sheet s = sheet_of(e, pixels_per_row);
    double steps = double(sheets_of(e) - 1);
    double height = s.h + s.r + steps * kStepY;
    return {0, s.w + steps * kStepX, -height / 2, height / 2};
}

struct Layout {
    std::vector<Element> elements;
    std::vector<Placed> placed;
    std::vector<double> gap_centres;  // gap_centres[i]: between elements i and i + 1
    double pixels_per_row = 1, right = 0, bottom = 0, top = 0;
};

// Left to right: each element in a slot as wide as its drawing or its label, whichever is
// wider, and between two slots a gap as wide as the operation's name.
Layout layout(const Net& net) {
    Layout L;
    L.elements = elements_of(net);
    size_t tallest = 1;
    for (const Element& e : L.elements)
        if (e.maps()) tallest = std::max(tallest, e.shape[1]);
    L.pixels_per_row = kTallest / double(tallest);
    double x = 0;
    for (size_t i = 0; i < L.elements.size(); ++i) {
        const Element& e = L.elements[i];
        if (i > 0) {
            double gap = std::max(60.0, text_width(e.op) + 2 * kPad);
            L.gap_centres.push_back(x + gap / 2);
            x += gap;
        }
        Placed p = extent(e, L.pixels_per_row);
        double slot = std::max(p.width, text_width(shape_label(e)) + kPad);
        p.x = x + (slot - p.width) / 2;
        x += slot;
        L.placed.push_back(p);
        L.bottom = std::min(L.bottom, p.bottom - kLabelDrop - 12);
        L.top = std::max(L.top, p.top);
    }
    L.right = x;
    return L;
}

void add_polygon(nn::Figure& figure, const std::vector<double>& xs, const std::vector<double>& ys,
                 const std::string& fill) {
    figure.add({"", xs, ys, "filledcurves closed fc rgb '" + fill + "' fs solid 1.0"});
    std::vector<double> cx = xs, cy = ys;
    cx.push_back(xs.front()), cy.push_back(ys.front());
    figure.add({"", cx, cy, std::string("lines lw 1.2 lc rgb '") + kOutline + "'"});
}

// Back to front: sheet 0 up and to the left, each next one a step right and down, drawn
// over the one before.
void add_stack(nn::Figure& figure, const Element& e, const Placed& p, double pixels_per_row) {
    const Sheet s = sheet_of(e, pixels_per_row);
    const double first_bottom = p.top - s.h - s.r;  // sheet 0's lower left corner
    for (size_t i = 0; i < sheets_of(e); ++i) {
        double x = p.x + double(i) * kStepX, y = first_bottom - double(i) * kStepY;
        add_polygon(figure, {x, x + s.w, x + s.w, x}, {y, y + s.r, y + s.r + s.h, y + s.h}, e.fill);
    }
}

void add_bar(nn::Figure& figure, const Element& e, const Placed& p) {
    add_polygon(figure, {p.x, p.x + kBarWidth, p.x + kBarWidth, p.x}, {p.bottom, p.bottom, p.top, p.top}, e.fill);
}

// An arrow along y = 0 across the gap, clear of the drawings on either side, and the
// operation's name above it.
void add_arrow(nn::Figure& figure, double centre, const std::string& op) {
    const double half = std::max(20.0, text_width(op) / 2);
    const double from = centre - half + 4, to = centre + half - 4;
    const std::string style = std::string("lines lw 1.2 lc rgb '") + kOutline + "'";
    figure.add({"", {from, to}, {0, 0}, style});
    figure.add({"", {to - 7, to, to - 7}, {4, 0, -4}, style});
    figure.add_labels({centre}, {13}, {op}, kLabelStyle);
}

}  // namespace

nn::Figure architecture_figure(const Net& net, const std::string& title) {
    const Layout L = layout(net);
    nn::Figure figure({.title = title,
                       .xrange = std::pair{-kPad, L.right + kPad},
                       .yrange = std::pair{L.bottom, L.top + kPad},
                       .key = false,
                       .frame = false});
    std::vector<double> label_x, label_y;
    std::vector<std::string> labels;
    for (size_t i = 0; i < L.elements.size(); ++i) {
        const Element& e = L.elements[i];
        const Placed& p = L.placed[i];
        if (e.maps()) add_stack(figure, e, p, L.pixels_per_row);
        else add_bar(figure, e, p);
        if (i > 0) add_arrow(figure, L.gap_centres[i - 1], e.op);
        label_x.push_back(p.x + p.width / 2);
        label_y.push_back(p.bottom - kLabelDrop);
        labels.push_back(shape_label(e));
    }
    figure.add_labels(label_x, label_y, labels, kLabelStyle);
    return figure;
}

nn::Size architecture_size(const Net& net) {
    const Layout L = layout(net);
    // The plot's margins and title, which gnuplot adds around the ranges.
    const double margin_x = 24, margin_y = 60;
    return {int(std::lround(L.right + 2 * kPad + margin_x)), int(std::lround(L.top + kPad - L.bottom + margin_y))};
}

}  // namespace cnn
