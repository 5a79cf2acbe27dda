// Chapter 4, two inputs and depth against width: the sawtooth's pieces counted from its
// slopes, and the programs towers and depth run as processes in quick mode and with bad
// input (tests/program_runner.hpp; skipped without NN_BIN_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "04-universal-approximation/approximation.hpp"
#include "tests/program_runner.hpp"

namespace {

using namespace programs;

// Samples at (i + 1/2) / 3^7: no sample interval has a corner j / 2^k at its middle, where
// the slope across it would be 0.
constexpr int kSamples = 2187;

struct SlopeCount {
    int sign_changes = 0, flat = 0;
    double steepest = 0;
};

SlopeCount slopes_of_sawtooth(int k) {
    SlopeCount count;
    double h = 1.0 / kSamples, previous = 0;
    for (int i = 0; i + 1 < kSamples; ++i) {
        double x = (i + 0.5) * h, slope = (ua::sawtooth(x + h, k) - ua::sawtooth(x, k)) / h;
        if (slope == 0) ++count.flat;
        if (i > 0 && slope * previous < 0) ++count.sign_changes;
        count.steepest = std::max(count.steepest, std::fabs(slope));
        previous = slope;
    }
    return count;
}

}  // namespace

// Between two corners the slope is +-2^k; a sawtooth with the right peaks and valleys but
// extra wiggles (or a tent that is not piecewise linear) changes sign more often.
TEST(Ex4_4_SawtoothPieces, HasTwoToTheKLinearPiecesBySlopeSignChanges) {
    for (int k = 1; k <= 6; ++k) {
        SlopeCount count = slopes_of_sawtooth(k);
        EXPECT_EQ(count.sign_changes + 1, 1 << k) << "k = " << k;
        EXPECT_EQ(count.flat, 0) << "k = " << k;
        EXPECT_NEAR(count.steepest, std::ldexp(1.0, k), 1e-6) << "k = " << k;
    }
}

// ---------------------------------------------------------------- towers

TEST(Programs04_Towers, QuickRunShrinksTheErrorInsideCellsButNotInTheCornerPits) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "towers");
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "towers", tmp.path() / "out", tmp.path());
    for (const char* figure : {"towers_one.png", "towers_grid.png", "towers_error.png"})
        EXPECT_TRUE(has_image_signature(tmp.path() / "out" / figure)) << figure;
    std::string result = result_line(run.out);
    double inside5 = result_number(result, "interior_max_error_n5"), inside20 = result_number(result, "interior_max_error_n20");
    // Four times the towers per side, about a quarter of the error; below the slope bound 1.5 / n.
    EXPECT_LT(inside20, 0.4 * inside5) << result;
    EXPECT_LT(inside20, 1.5 / 20) << result;
    EXPECT_LT(result_number(result, "rms_error_n20"), 0.5 * result_number(result, "rms_error_n5")) << result;
    // At an inner corner all four towers are off: the error is f there, up to about 1.
    EXPECT_GT(result_number(result, "corner_error_n20"), 0.8) << result;
    EXPECT_EQ(result_value(result, "units_n20"), "2000") << result;
    EXPECT_NE(read_text(tmp.path() / "out" / "towers_error.csv").find("n,units,corner_error"), std::string::npos);
}

TEST(Programs04_Towers, BadOptionsAreOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "towers");
    expect_rejected(*dir, "towers", {"--no-such-option", "1"}, "--no-such-option");
    expect_rejected(*dir, "towers", {"--resolution", "5"}, "--resolution");
    expect_rejected(*dir, "towers", {"--max-n", "500"}, "--max-n");
    expect_rejected(*dir, "towers", {"--max-n", "many"}, "--max-n");
}

// ---------------------------------------------------------------- depth

TEST(Programs04_Depth, QuickRunBuildsBothExactNetworksAndNeedsTwoToTheKShallowUnits) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "depth");
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "depth", tmp.path() / "out", tmp.path());
    for (const char* figure : {"depth_sawtooth.png", "depth_fits.png", "depth_error.png"})
        EXPECT_TRUE(has_image_signature(tmp.path() / "out" / figure)) << figure;
    std::string result = result_line(run.out);
    EXPECT_EQ(result_value(result, "k"), "4") << result;
    EXPECT_EQ(result_value(result, "deep_units"), "8") << result;
    EXPECT_EQ(result_value(result, "shallow_exact_units"), "16") << result;
    EXPECT_LT(result_number(result, "deep_max_error"), 1e-5) << result;
    EXPECT_LT(result_number(result, "shallow_exact_max_error"), 1e-5) << result;
    // 15 units make at most 16 pieces with corners at j/15, not the sawtooth's: far off.
    EXPECT_GT(result_number(result, "best_max_error_m15"), 0.2) << result;
    EXPECT_EQ(result_value(result, "best_width_for_max_error_0.1"), "16") << result;
    // SGD does not find the exact 16-unit network (what the README says of the right panel).
    EXPECT_GT(result_number(result, "trained_max_error_m16"), 0.1) << result;
    ProcessRun again = expect_quick_run(*dir, "depth", tmp.path() / "again", tmp.path());
    std::string csv = read_text(tmp.path() / "out" / "depth_error.csv");
    EXPECT_NE(csv.find("width,best_max_error"), std::string::npos);
    EXPECT_EQ(csv, read_text(tmp.path() / "again" / "depth_error.csv"));
}

TEST(Programs04_Depth, BadOptionsAreOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "depth");
    expect_rejected(*dir, "depth", {"--no-such-option", "1"}, "--no-such-option");
    expect_rejected(*dir, "depth", {"--k", "0"}, "--k");
    expect_rejected(*dir, "depth", {"--k", "9"}, "--k");
    expect_rejected(*dir, "depth", {"--eta", "0"}, "--eta");
    expect_rejected(*dir, "depth", {"--points", "3"}, "--points");
    expect_rejected(*dir, "depth", {"--epochs", "0"}, "--epochs");
}
