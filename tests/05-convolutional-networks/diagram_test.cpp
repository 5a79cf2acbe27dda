// Chapter 5's architecture drawing (diagram.hpp), read from the gnuplot script it makes,
// without running gnuplot: which labels it writes and where, how many sheets each stack
// has, and how tall and wide they are.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "05-convolutional-networks/diagram.hpp"
#include "05-convolutional-networks/net.hpp"
#include "common/random.hpp"

namespace {

const char* const kPadded = "conv3x3x32p1-bn-pool2-conv3x3x64p1-bn-pool2-dense128-dropout0.5-dense10";

struct Point {
    double x, y;
};

struct Label {
    double x, y;
    std::string text;
};

// What the script draws, in the order it draws it: each plot clause's style and data.
struct Drawn {
    std::vector<std::string> styles;
    std::vector<std::vector<std::string>> rows;  // the data lines of each clause
};

Drawn drawn_by(const std::string& script) {
    std::map<std::string, std::vector<std::string>> blocks;  // "$d3" -> its data lines
    std::istringstream in(script);
    std::string line, name;
    bool in_block = false;
    while (std::getline(in, line) && line.rfind("plot ", 0) != 0) {
        if (in_block && line == "EOD") in_block = false;
        else if (in_block) blocks[name].push_back(line);
        else if (line.size() > 7 && line.substr(line.size() - 7) == " << EOD") {
            name = line.substr(0, line.size() - 7);
            in_block = true;
        }
    }
    // The plot command, its clauses separated by ", \" and a new line.
    std::string plot = line.substr(5);
    for (std::string more; std::getline(in, more);) plot += "\n" + more;
    Drawn drawn;
    for (size_t start = 0; start < plot.size();) {
        size_t end = plot.find(", \\\n", start);
        std::string clause = plot.substr(start, end == std::string::npos ? std::string::npos : end - start);
        clause.erase(0, clause.find_first_not_of(' '));
        std::string block = clause.substr(0, clause.find(' '));
        drawn.styles.push_back(clause);
        drawn.rows.push_back(blocks[block]);
        start = end == std::string::npos ? plot.size() : end + 4;
    }
    return drawn;
}

std::string script_of(const std::string& spec, const std::vector<size_t>& input = {1, 28, 28}) {
    nn::Rng rng(1);
    return cnn::architecture_figure(cnn::make_net(spec, input, rng), spec).script();
}

// The filled polygons, in drawing order: each stack's sheets back to front, then each bar.
std::vector<std::vector<Point>> polygons(const std::string& script) {
    Drawn drawn = drawn_by(script);
    std::vector<std::vector<Point>> found;
    for (size_t i = 0; i < drawn.styles.size(); ++i) {
        if (drawn.styles[i].find("with filledcurves") == std::string::npos) continue;
        std::vector<Point> corners;
        for (const std::string& row : drawn.rows[i]) {
            std::istringstream values(row);
            Point p{};
            values >> p.x >> p.y;
            corners.push_back(p);
        }
        found.push_back(corners);
    }
    return found;
}

std::vector<Label> labels(const std::string& script) {
    Drawn drawn = drawn_by(script);
    std::vector<Label> found;
    for (size_t i = 0; i < drawn.styles.size(); ++i) {
        if (drawn.styles[i].find("with labels") == std::string::npos) continue;
        for (const std::string& row : drawn.rows[i]) {
            std::istringstream values(row);
            Label label{};
            values >> label.x >> label.y;
            size_t open = row.find('"'), close = row.rfind('"');
            label.text = row.substr(open + 1, close - open - 1);
            found.push_back(label);
        }
    }
    return found;
}

// Every label's text, left to right.
std::vector<std::string> texts_left_to_right(std::vector<Label> all) {
    std::stable_sort(all.begin(), all.end(), [](const Label& a, const Label& b) { return a.x < b.x; });
    std::vector<std::string> texts;
    for (const Label& label : all) texts.push_back(label.text);
    return texts;
}

std::vector<std::string> shape_labels(const std::vector<std::string>& texts) {
    std::vector<std::string> shapes;
    for (const std::string& text : texts)
        if (text.find('@') != std::string::npos || text.find_first_not_of("0123456789") == std::string::npos)
            shapes.push_back(text);
    return shapes;
}

// A sheet's left edge is vertical: its height is H's share of the drawing.
double left_edge_height(const std::vector<Point>& sheet) {
    double left = sheet[0].x, lo = 1e9, hi = -1e9;
    for (const Point& p : sheet) left = std::min(left, p.x);
    for (const Point& p : sheet)
        if (p.x < left + 1e-6) lo = std::min(lo, p.y), hi = std::max(hi, p.y);
    return hi - lo;
}

double horizontal_extent(const std::vector<Point>& polygon) {
    auto [lo, hi] = std::minmax_element(polygon.begin(), polygon.end(),
                                        [](const Point& a, const Point& b) { return a.x < b.x; });
    return hi->x - lo->x;
}

}  // namespace

TEST(ArchitectureDiagram, LeNetsShapesAreLabelledLeftToRightFromEachLayersOutput) {
    const std::vector<std::string> shapes{"1 @ 28x28", "20 @ 24x24", "20 @ 12x12", "40 @ 8x8", "40 @ 4x4", "100", "10"};
    EXPECT_EQ(shape_labels(texts_left_to_right(labels(script_of(cnn::kLeNet)))), shapes);
}

TEST(ArchitectureDiagram, EachOperationIsNamedBetweenTheShapesItJoins) {
    // A ReLU is named with the layer it follows, never drawn on its own; the flatten
    // neither.
    const std::vector<std::string> texts{"1 @ 28x28",  "conv 5x5, ReLU", "20 @ 24x24",  "max pool 2",
                                         "20 @ 12x12", "conv 3x3, stride 2, ReLU",     "40 @ 5x5",
                                         "avg pool 2", "40 @ 2x2",       "dense, ReLU", "100",
                                         "dense",      "10"};
    EXPECT_EQ(texts_left_to_right(labels(script_of("conv5x5x20-pool2-conv3x3x40s2-avgpool2-dense100-dense10"))),
              texts);
}

TEST(ArchitectureDiagram, APaddedSpecKeepsItsMapsSizeAndNamesBatchNormAndDropout) {
    // The ReLU follows the batch norm, not the convolution; the convolution and its batch
    // norm both give 32 maps of 28x28, two stacks; the dropout's 128 outputs a bar too.
    const std::vector<std::string> texts{
        "1 @ 28x28",  "conv 3x3, pad 1", "32 @ 28x28", "bn, ReLU",    "32 @ 28x28",  "max pool 2",
        "32 @ 14x14", "conv 3x3, pad 1", "64 @ 14x14", "bn, ReLU",    "64 @ 14x14",  "max pool 2",
        "64 @ 7x7",   "dense, ReLU",     "128",        "dropout 0.5", "128",         "dense",
        "10"};
    EXPECT_EQ(texts_left_to_right(labels(script_of(kPadded))), texts);
}

TEST(ArchitectureDiagram, AStackHasOneSheetPerChannelUpToEight) {
    for (size_t channels : {1, 2, 7, 8, 9, 40}) {
        // The input's single sheet, the convolution's stack, the logits' bar.
        size_t expected = 1 + std::min<size_t>(channels, 8) + 1;
        EXPECT_EQ(polygons(script_of("conv3x3x" + std::to_string(channels) + "-dense10")).size(), expected)
            << channels << " channels";
    }
    EXPECT_EQ(polygons(script_of(cnn::kLeNet)).size(), 1u + 4 * 8 + 2) << "four stacks of 20 or 40 channels, two bars";
}

TEST(ArchitectureDiagram, ASheetIsAsTallAsItsMapHasRows) {
    std::vector<std::vector<Point>> drawn = polygons(script_of(cnn::kLeNet));
    ASSERT_EQ(drawn.size(), 35u);
    // drawn: the input's sheet, then 8 sheets for each of the maps [20, 24, 24],
    // [20, 12, 12], [40, 8, 8], [40, 4, 4], then the bars of 100 and 10.
    const double input = left_edge_height(drawn[0]);
    const std::vector<double> rows{24, 12, 8, 4};
    for (size_t stack = 0; stack < rows.size(); ++stack)
        for (size_t sheet = 0; sheet < 8; ++sheet)
            EXPECT_NEAR(left_edge_height(drawn[1 + 8 * stack + sheet]) / input, rows[stack] / 28, 1e-4)
                << "stack " << stack + 1 << ", sheet " << sheet;
    EXPECT_GT(left_edge_height(drawn[33]), left_edge_height(drawn[34])) << "the bar of 100 above the bar of 10";
}

TEST(ArchitectureDiagram, ASheetIsAsWideAsItsMapHasColumns) {
    // Maps of 28 x 14 in, [2, 24, 10] out: a sheet's width to height is W to H.
    std::vector<std::vector<Point>> drawn = polygons(script_of("conv5x5x2-dense10", {1, 28, 14}));
    ASSERT_EQ(drawn.size(), 4u);
    const double in = horizontal_extent(drawn[0]) / left_edge_height(drawn[0]);
    const double out = horizontal_extent(drawn[1]) / left_edge_height(drawn[1]);
    EXPECT_NEAR(in / out, (14.0 / 28) / (10.0 / 24), 1e-4);
    const std::vector<std::string> shapes{"1 @ 28x14", "2 @ 24x10", "10"};
    EXPECT_EQ(shape_labels(texts_left_to_right(labels(script_of("conv5x5x2-dense10", {1, 28, 14})))), shapes)
        << "C @ HxW: rows first";
}

TEST(ArchitectureDiagram, LabelsAreNotEnhancedText) {
    // gnuplot 5.4 forgets a "noenhanced" at the next label option, and "@" in enhanced
    // text is a phantom box: "20 @ 24x24" would print as "20 24x24". So it must come
    // after the options.
    Drawn drawn = drawn_by(script_of(cnn::kLeNet));
    size_t clauses = 0;
    for (const std::string& style : drawn.styles) {
        if (style.find("with labels") == std::string::npos) continue;
        ++clauses;
        EXPECT_NE(style.find("center noenhanced notitle"), std::string::npos) << style;
    }
    EXPECT_GT(clauses, 0u);
}

TEST(ArchitectureDiagram, LabelsOfNeighboursDoNotOverlap) {
    // Each label's width at the 7.5 pixels a character the layout allows: the shape
    // labels are side by side on no common line, so only x is compared, label to label.
    for (const char* spec : {cnn::kLeNet, kPadded}) {
        std::vector<Label> all = labels(script_of(spec));
        std::sort(all.begin(), all.end(), [](const Label& a, const Label& b) { return a.x < b.x; });
        for (size_t i = 1; i < all.size(); ++i) {
            double half_widths = 3.75 * double(all[i - 1].text.size() + all[i].text.size());
            EXPECT_GT(all[i].x - all[i - 1].x, half_widths) << spec << ": \"" << all[i - 1].text << "\" and \""
                                                            << all[i].text << "\"";
        }
    }
}

namespace {

// "set xrange [lo:hi]" of the script, as {lo, hi}.
std::pair<double, double> range_of(const std::string& script, const std::string& axis) {
    size_t at = script.find("set " + axis + "range [");
    EXPECT_NE(at, std::string::npos) << axis;
    if (at == std::string::npos) return {0, 0};
    std::istringstream in(script.substr(at + 12));
    std::pair<double, double> range;
    char colon = 0;
    in >> range.first >> colon >> range.second;
    return range;
}

}  // namespace

TEST(ArchitectureDiagram, BothSpecsFitAReadablePictureWithEverythingInside) {
    for (const char* spec : {cnn::kLeNet, kPadded}) {
        nn::Rng rng(1);
        cnn::Net net = cnn::make_net(spec, {1, 28, 28}, rng);
        const std::string script = cnn::architecture_figure(net, spec).script();
        // Pixels: the 28 rows of the input some 200 tall, the 4 or 7 rows of the last
        // maps still a few lines of text tall, the whole no taller than a page is wide.
        double tallest = 0, lowest = 1e9;
        for (const auto& polygon : polygons(script)) {
            tallest = std::max(tallest, left_edge_height(polygon));
            lowest = std::min(lowest, left_edge_height(polygon));
        }
        EXPECT_GT(tallest, 150) << spec;
        EXPECT_LT(tallest, 300) << spec;
        EXPECT_GT(lowest, 20) << spec;
        const nn::Size size = cnn::architecture_size(net);
        EXPECT_LT(size.height, 600) << spec;
        EXPECT_LT(size.width, 2400) << spec;
        auto [x0, x1] = range_of(script, "x");
        auto [y0, y1] = range_of(script, "y");
        EXPECT_LT(x1 - x0, size.width) << spec << ": a unit is a pixel";
        EXPECT_LT(y1 - y0, size.height) << spec;
        for (const auto& polygon : polygons(script))
            for (const Point& p : polygon) {
                EXPECT_TRUE(p.x > x0 && p.x < x1 && p.y > y0 && p.y < y1) << spec << ": (" << p.x << ", " << p.y << ")";
            }
        for (const Label& label : labels(script))
            EXPECT_TRUE(label.x > x0 && label.x < x1 && label.y > y0 && label.y < y1) << spec << ": " << label.text;
    }
}
