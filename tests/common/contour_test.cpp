// Marching squares (common/contour.cpp) and the contour layer of a Figure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <sstream>
#include <string>

#include "common/plot.hpp"

namespace {

// f sampled on n x n points over [lo, hi]^2.
nn::Grid sample(const std::function<double(double, double)>& f, size_t n, double lo, double hi) {
    nn::Grid grid{lo, hi, lo, hi, n, n, {}};
    for (size_t iy = 0; iy < n; ++iy)
        for (size_t ix = 0; ix < n; ++ix) {
            double x = lo + (hi - lo) * double(ix) / double(n - 1), y = lo + (hi - lo) * double(iy) / double(n - 1);
            grid.values.push_back(float(f(x, y)));
        }
    return grid;
}

double circle(double x, double y) { return x * x + y * y; }

TEST(ContourSegments, CircleLevelGivesEndsAtTheRadiusAllAround) {
    const double r = 1.5, spacing = 4.0 / 40;
    auto segments = nn::contour_segments(sample(circle, 41, -2, 2), r * r);
    ASSERT_GE(segments.size(), 40u);
    // Linear interpolation of r^2 across a cell of this spacing is off by less than spacing^2.
    bool quadrant[4] = {false, false, false, false};
    for (const auto& s : segments)
        for (int end = 0; end < 2; ++end) {
            double x = s[2 * end], y = s[2 * end + 1];
            EXPECT_NEAR(std::hypot(x, y), r, spacing * spacing) << x << ", " << y;
            quadrant[(x >= 0 ? 0 : 1) + (y >= 0 ? 0 : 2)] = true;
        }
    for (bool seen : quadrant) EXPECT_TRUE(seen);
}

TEST(ContourSegments, CircleSegmentsAddUpToItsCircumference) {
    const double r = 1.5;
    double length = 0;
    for (const auto& s : nn::contour_segments(sample(circle, 81, -2, 2), r * r))
        length += std::hypot(s[2] - s[0], s[3] - s[1]);
    EXPECT_NEAR(length, 2 * std::numbers::pi * r, 0.01 * 2 * std::numbers::pi * r);
}

TEST(ContourSegments, LevelOutsideTheFieldsRangeGivesNone) {
    nn::Grid grid = sample(circle, 21, -1, 1);  // values in [0, 2]
    EXPECT_TRUE(nn::contour_segments(grid, 2.5).empty());
    EXPECT_TRUE(nn::contour_segments(grid, -0.5).empty());
}

TEST(ContourSegments, LinearFieldGivesOneStraightLine) {
    // f = x + 2y: the level 1 is the line y = (1 - x) / 2.
    auto segments = nn::contour_segments(sample([](double x, double y) { return x + 2 * y; }, 11, -1, 1), 1.0);
    ASSERT_FALSE(segments.empty());
    for (const auto& s : segments)
        for (int end = 0; end < 2; ++end) EXPECT_NEAR(s[2 * end] + 2 * s[2 * end + 1], 1.0, 1e-5);
    double min_x = 1e9, max_x = -1e9;
    for (const auto& s : segments) min_x = std::min({min_x, s[0], s[2]}), max_x = std::max({max_x, s[0], s[2]});
    EXPECT_NEAR(min_x, -1.0, 1e-6);  // from the left edge (y = 1) ...
    EXPECT_NEAR(max_x, 1.0, 1e-6);   // ... to the right edge (y = 0)
}

TEST(ContourSegments, SaddleIsResolvedByTheCentreValue) {
    // One cell, corners 1 at (0,0) and (1,1), 0 at the others: a saddle at level 0.5.
    nn::Grid grid{0, 1, 0, 1, 2, 2, {1, 0, 0, 1}};
    auto centre_above = nn::contour_segments(grid, 0.4);  // centre 0.5 >= 0.4, sides with the 1s
    ASSERT_EQ(centre_above.size(), 2u);
    // The two segments cut off the low corners (1,0) and (0,1): each ends near one of them.
    for (const auto& s : centre_above) {
        double mx = (s[0] + s[2]) / 2, my = (s[1] + s[3]) / 2;
        EXPECT_TRUE((mx > 0.5 && my < 0.5) || (mx < 0.5 && my > 0.5)) << mx << ", " << my;
    }
    auto centre_below = nn::contour_segments(grid, 0.6);  // centre 0.5 < 0.6: cut off the 1s
    ASSERT_EQ(centre_below.size(), 2u);
    for (const auto& s : centre_below) {
        double mx = (s[0] + s[2]) / 2, my = (s[1] + s[3]) / 2;
        EXPECT_TRUE((mx < 0.5 && my < 0.5) || (mx > 0.5 && my > 0.5)) << mx << ", " << my;
    }
}

TEST(ContourSegments, RejectsValuesThatDoNotFillTheGrid) {
    nn::Grid grid{0, 1, 0, 1, 3, 3, {1, 2, 3}};
    EXPECT_THROW(nn::contour_segments(grid, 1.5), std::invalid_argument);
}

TEST(LogLevels, AreGeometricFromLoToHi) {
    auto levels = nn::log_levels(0.01, 100, 5);
    ASSERT_EQ(levels.size(), 5u);
    const double expected[] = {0.01, 0.1, 1, 10, 100};
    for (size_t k = 0; k < 5; ++k) EXPECT_NEAR(levels[k], expected[k], 1e-12 * expected[k]);
    EXPECT_EQ(nn::log_levels(3, 3, 1), std::vector<double>{3});
}

TEST(LogLevels, RejectsANonPositiveOrReversedRange) {
    EXPECT_THROW(nn::log_levels(0, 1, 3), std::invalid_argument);
    EXPECT_THROW(nn::log_levels(2, 1, 3), std::invalid_argument);
    EXPECT_THROW(nn::log_levels(1, 2, 0), std::invalid_argument);
}

// The script's data blocks as lists of lines, "$d1 << EOD" to "EOD".
std::vector<std::vector<std::string>> blocks(const std::string& script) {
    std::vector<std::vector<std::string>> found;
    std::istringstream in(script);
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (!inside && line.find(" << EOD") != std::string::npos) inside = true, found.emplace_back();
        else if (inside && line == "EOD") inside = false;
        else if (inside) found.back().push_back(line);
    }
    return found;
}

TEST(FigureContours, ScriptHasOneBlockOfSegmentsSeparatedByBlankLines) {
    nn::Grid grid = sample(circle, 21, -2, 2);
    size_t segments = nn::contour_segments(grid, 1).size() + nn::contour_segments(grid, 2).size();
    nn::Figure figure;
    figure.add_contours(grid, {1, 2}, "lines lc rgb '#123456'");
    std::string script = figure.script();
    auto data = blocks(script);
    ASSERT_EQ(data.size(), 1u);
    ASSERT_EQ(data[0].size(), 3 * segments);  // two ends and a blank line per segment
    for (size_t i = 0; i < data[0].size(); ++i) EXPECT_EQ(data[0][i].empty(), i % 3 == 2) << i;
    EXPECT_NE(script.find("$d1 using 1:2 with lines lc rgb '#123456' notitle"), std::string::npos) << script;
}

TEST(FigureContours, LevelsOutsideTheRangeAddNoLayer) {
    nn::Figure figure;
    figure.add_contours(sample(circle, 11, -1, 1), {5, 6});
    EXPECT_TRUE(blocks(figure.script()).empty());
}

}  // namespace
