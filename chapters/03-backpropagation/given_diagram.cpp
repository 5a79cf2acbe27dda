// Chapter 3, given: the network drawn as neurons and connections (diagram.hpp).
// Everything is a plain nn::Series: each connection a two-point line with its own
// width and colour, each layer's neurons a set of filled discs with a dark ring.
#include "03-backpropagation/diagram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace bp {

namespace {

// The units of one layer that are drawn, and the vertical slot of each. A layer wider
// than max_units shows its first and last max_units / 2 units with a gap slot between.
struct Column {
    std::vector<size_t> units;  // unit indices drawn
    std::vector<double> y;      // their heights, top to bottom
    bool cut = false;           // some units left out
    bool gap = false;           // a "..." slot between the first and the last units drawn
    double gap_y = 0;           // its height
};

Column layout(size_t n, size_t max_units) {
    Column col;
    size_t half = std::max<size_t>(1, max_units / 2);
    col.cut = col.gap = n > 2 * half && n > max_units;
    if (!col.cut)
        for (size_t i = 0; i < n; ++i) col.units.push_back(i);
    else {
        for (size_t i = 0; i < half; ++i) col.units.push_back(i);
        for (size_t i = n - half; i < n; ++i) col.units.push_back(i);
    }
    size_t slots = col.units.size() + (col.cut ? 1 : 0);
    double top = (double(slots) - 1) / 2;
    for (size_t s = 0; s < slots; ++s) {
        if (col.cut && s == half) col.gap_y = top - double(s);
        else col.y.push_back(top - double(s));
    }
    return col;
}

struct Connection {
    double x0, y0, x1, y1;
    float w, strength;  // strength = |w| / max |w| of its layer, in [0, 1]
};

// Red for w > 0, blue for w < 0, from a pale tint (weak) to the full colour (strong).
std::string connection_color(float w, float strength) {
    const int strong[2][3] = {{0xB2, 0x18, 0x2B}, {0x21, 0x66, 0xAC}};
    const int* c = strong[w < 0 ? 1 : 0];
    double t = 0.2 + 0.8 * strength;  // never quite white: a weak link stays visible
    char hex[8];
    auto mix = [&](int channel) { return int(std::lround(235 + (channel - 235) * t)); };
    std::snprintf(hex, sizeof hex, "#%02X%02X%02X", mix(c[0]), mix(c[1]), mix(c[2]));
    return hex;
}

std::string layer_label(const Network& net, size_t l, const Column& col, const std::string& which = "shown") {
    size_t n = l == 0 ? net.layers.front().inputs() : net.layers[l - 1].outputs();
    std::string name = l == 0 ? "input" : l == net.layers.size() ? "output" : "hidden " + std::to_string(l);
    std::string text = name + ": " + std::to_string(n) + (n == 1 ? " unit" : " units");
    if (l > 0) text += ", " + name_of(net.layers[l - 1].f);
    if (col.cut) text += " (" + std::to_string(col.units.size()) + " " + which + ")";
    return text;
}

// Connections into layer l + 1 from layer l, between drawn units only.
void collect(const Dense& layer, double x, const Column& from, const Column& to, std::vector<Connection>& out) {
    float biggest = 0;
    for (size_t j : to.units)
        for (size_t k : from.units) biggest = std::max(biggest, std::fabs(layer.W(j, k)));
    // W [n_out, n_in]: W(j, k) joins input unit k to output unit j.
    for (size_t a = 0; a < to.units.size(); ++a)
        for (size_t b = 0; b < from.units.size(); ++b) {
            float w = layer.W(to.units[a], from.units[b]);
            out.push_back({x, from.y[b], x + 1, to.y[a], w, biggest > 0 ? std::fabs(w) / biggest : 0.0f});
        }
}

void add_connections(nn::Figure& figure, std::vector<Connection> links) {
    // Weak links first, so the strong ones are drawn on top of them.
    std::stable_sort(links.begin(), links.end(),
                     [](const Connection& a, const Connection& b) { return a.strength < b.strength; });
    // The strongest positive and then the strongest negative link go last and are named
    // in the legend, whose samples are then the thickest lines of each colour.
    std::vector<Connection> named;
    for (bool negative : {false, true}) {
        auto strongest = std::find_if(links.rbegin(), links.rend(),
                                      [&](const Connection& c) { return (c.w < 0) == negative; });
        if (strongest == links.rend()) continue;
        named.push_back(*strongest);
        links.erase(std::next(strongest).base());
    }
    size_t first_named = links.size();
    links.insert(links.end(), named.begin(), named.end());
    for (size_t i = 0; i < links.size(); ++i) {
        const Connection& c = links[i];
        char width[16];
        std::snprintf(width, sizeof width, "%.2f", 0.4 + 3.6 * c.strength);
        std::string title = i < first_named ? "" : c.w < 0 ? "w < 0" : "w > 0";
        figure.add({title, {c.x0, c.x1}, {c.y0, c.y1},
                    std::string("lines lw ") + width + " lc rgb '" + connection_color(c.w, c.strength) + "'"});
    }
}

void add_neurons(nn::Figure& figure, double x, const Column& col, const std::string& label, const char* fill,
                 double size) {
    char ps[16];
    std::snprintf(ps, sizeof ps, "%.2f", size);
    std::vector<double> xs(col.y.size(), x);
    figure.add({label, xs, col.y, std::string("points pt 7 ps ") + ps + " lc rgb '" + fill + "'"});
    figure.add({"", xs, col.y, std::string("points pt 6 ps ") + ps + " lw 1.5 lc rgb '#333333'"});
    if (col.gap)
        figure.add({"", {x, x, x}, {col.gap_y - 0.25, col.gap_y, col.gap_y + 0.25}, "points pt 7 ps 0.5 lc rgb '#333333'"});
}

// Units chosen from n, in index order, one slot each from the top; cut when some are left out.
Column chosen(std::vector<size_t> units, size_t n) {
    std::sort(units.begin(), units.end());
    Column col = layout(units.size(), units.size());
    col.units = std::move(units);
    col.cut = col.units.size() < n;
    return col;
}

// The strongest path from the inputs to every unit (forward) and from every unit to the
// outputs (backward), each the largest product of |w| along a path: the forward and the
// backward pass with max in place of the sum and |w| in place of w, layer by layer.
struct PathStrengths {
    std::vector<std::vector<double>> to, from;  // [layer][unit]; layer 0 is the input
};

PathStrengths path_strengths(const Network& net, const std::vector<float>& input_scale) {
    const size_t L = net.layers.size();
    PathStrengths p{std::vector<std::vector<double>>(L + 1), std::vector<std::vector<double>>(L + 1)};
    p.to[0].assign(input_scale.begin(), input_scale.end());
    for (size_t l = 0; l < L; ++l) {
        const Dense& layer = net.layers[l];
        p.to[l + 1].assign(layer.outputs(), 0.0);
        for (size_t j = 0; j < layer.outputs(); ++j)
            for (size_t k = 0; k < layer.inputs(); ++k)
                p.to[l + 1][j] = std::max(p.to[l + 1][j], p.to[l][k] * std::fabs(layer.W(j, k)));
    }
    p.from[L].assign(net.layers.back().outputs(), 1.0);
    for (size_t l = L; l-- > 0;) {
        const Dense& layer = net.layers[l];
        p.from[l].assign(layer.inputs(), 0.0);
        for (size_t j = 0; j < layer.outputs(); ++j)
            for (size_t k = 0; k < layer.inputs(); ++k)
                p.from[l][k] = std::max(p.from[l][k], std::fabs(layer.W(j, k)) * p.from[l + 1][j]);
    }
    return p;
}

// The max_units strongest units of a layer (all of them when it has no more).
std::vector<size_t> strongest_units(const std::vector<double>& to, const std::vector<double>& from, size_t max_units) {
    std::vector<size_t> order(to.size());
    for (size_t u = 0; u < order.size(); ++u) order[u] = u;
    auto strength = [&](size_t u) { return to[u] * from[u]; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return strength(a) > strength(b); });
    order.resize(std::min(order.size(), max_units));
    return order;
}

}  // namespace

nn::Figure network_diagram(const Network& net, const std::string& title, size_t max_units) {
    std::vector<size_t> sizes = net.sizes();
    std::vector<Column> columns;
    size_t tallest = 1;
    for (size_t n : sizes) {
        columns.push_back(layout(n, max_units));
        tallest = std::max(tallest, columns.back().y.size() + (columns.back().cut ? 1 : 0));
    }
    const double half_height = double(tallest) / 2 + 0.1;
    nn::Figure figure({.title = title,
                       .xrange = std::pair{-0.35, double(sizes.size() - 1) + 0.35},
                       .yrange = std::pair{-half_height, half_height},
                       .frame = false});

    std::vector<Connection> links;
    for (size_t l = 0; l < net.layers.size(); ++l) collect(net.layers[l], double(l), columns[l], columns[l + 1], links);
    add_connections(figure, std::move(links));

    // A disc about half a slot across, for a plot some 450 pixels high (pt 7 at ps 1 is ~7 px).
    double size = std::clamp(0.5 * 450.0 / (double(tallest) + 0.2) / 7.0, 0.8, 4.0);
    for (size_t l = 0; l < sizes.size(); ++l) {
        const char* fill = l == 0 ? "#A6A6A6" : l + 1 == sizes.size() ? "#8FBC8F" : "#E8D39A";
        add_neurons(figure, double(l), columns[l], layer_label(net, l, columns[l]), fill, size);
    }
    return figure;
}

nn::Figure strongest_paths_diagram(const Network& net, const std::vector<float>& input_scale, const std::string& title,
                                   const std::vector<std::vector<std::string>>& names, size_t max_units,
                                   size_t links) {
    std::vector<size_t> sizes = net.sizes();
    if (input_scale.size() != sizes.front())
        throw std::invalid_argument("strongest_paths_diagram: " + std::to_string(input_scale.size()) +
                                    " input scales for " + std::to_string(sizes.front()) + " inputs");
    PathStrengths p = path_strengths(net, input_scale);
    std::vector<Column> columns;
    size_t tallest = 1;
    for (size_t l = 0; l < sizes.size(); ++l) {
        columns.push_back(chosen(strongest_units(p.to[l], p.from[l], max_units), sizes[l]));
        tallest = std::max(tallest, columns.back().y.size());
    }
    const double half_height = double(tallest) / 2 + 0.1;
    auto named = [&](size_t l) { return l < names.size() && !names[l].empty(); };
    // Names need room: left of the inputs, right of the outputs.
    const double left = named(0) ? -0.75 : -0.35, right = double(sizes.size() - 1) + (named(sizes.size() - 1) ? 0.6 : 0.35);
    nn::Figure figure({.title = title,
                       .xrange = std::pair{left, right},
                       .yrange = std::pair{-half_height, half_height},
                       .frame = false});

    // Between two layers, the `links` strongest connections among the drawn units, each
    // as strong as the strongest path through it, relative to the strongest of the pair.
    std::vector<Connection> drawn;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Column &from = columns[l], &to = columns[l + 1];
        std::vector<Connection> pair;
        for (size_t a = 0; a < to.units.size(); ++a)
            for (size_t b = 0; b < from.units.size(); ++b) {
                size_t j = to.units[a], k = from.units[b];
                float w = net.layers[l].W(j, k);
                double path = p.to[l][k] * std::fabs(w) * p.from[l + 1][j];
                pair.push_back({double(l), from.y[b], double(l + 1), to.y[a], w, float(path)});
            }
        std::stable_sort(pair.begin(), pair.end(),
                         [](const Connection& x, const Connection& y) { return x.strength > y.strength; });
        pair.resize(std::min(pair.size(), links));
        float strongest = pair.empty() ? 0.0f : pair.front().strength;
        for (Connection& c : pair) c.strength = strongest > 0 ? c.strength / strongest : 0.0f;
        drawn.insert(drawn.end(), pair.begin(), pair.end());
    }
    add_connections(figure, std::move(drawn));

    double size = std::clamp(0.5 * 450.0 / (double(tallest) + 0.2) / 7.0, 0.8, 4.0);
    for (size_t l = 0; l < sizes.size(); ++l) {
        const char* fill = l == 0 ? "#A6A6A6" : l + 1 == sizes.size() ? "#8FBC8F" : "#E8D39A";
        add_neurons(figure, double(l), columns[l], layer_label(net, l, columns[l], "on the strongest paths"), fill,
                    size);
    }
    for (size_t l = 0; l < sizes.size(); ++l) {
        if (!named(l)) continue;
        bool first = l == 0, last = l + 1 == sizes.size();
        double x = double(l) + (first ? -0.06 : last ? 0.06 : 0.0);
        std::vector<std::string> texts;
        for (size_t u : columns[l].units) texts.push_back(u < names[l].size() ? names[l][u] : "");
        figure.add_labels(std::vector<double>(texts.size(), x), columns[l].y, texts,
                          first ? "right font ',9'" : last ? "left font ',9'" : "center offset 0,1.1 font ',8'");
    }
    return figure;
}

}  // namespace bp
