// Chapter 4's trained networks, run as a learner runs them (tests/program_runner.hpp):
// width and limits in quick mode, their result lines held to what the chapter claims,
// and bad options refused. The binaries' folder comes from NN_BIN_DIR; without it the
// tests are skipped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/program_runner.hpp"

namespace {

using namespace programs;

const char* const kChapter = "04-universal-approximation";

#define REQUIRE_CHAPTER4(dir) REQUIRE_PROGRAMS(dir, kChapter, "width")

TEST(Ch4Width, ErrorFallsWithWidthForTheContinuousTargets) {
    REQUIRE_CHAPTER4(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "width", tmp / "out", tmp.path());
    std::string line = result_line(run.out);
    EXPECT_EQ(result_value(line, "widest"), "64") << line;
    for (const std::string target : {"sin", "abs", "nielsen"}) {
        SCOPED_TRACE(target);
        EXPECT_LT(result_number(line, target + "_rms"), 0.5 * result_number(line, target + "_rms_narrowest")) << line;
    }
    EXPECT_LT(result_number(line, "sin_max"), 0.6) << line;
    // The step is not continuous: no sum of tanh units meets it at the jump.
    EXPECT_GT(result_number(line, "step_max"), 0.3) << line;
}

TEST(Ch4Limits, FitLeavesTheTargetOutsideTheTrainingInterval) {
    REQUIRE_CHAPTER4(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "limits", tmp / "out", tmp.path());
    std::string line = result_line(run.out);
    EXPECT_LT(result_number(line, "inside_max"), 0.3) << line;
    EXPECT_GT(result_number(line, "outside_max"), 1.0) << line;
    EXPECT_GT(result_number(line, "outside_max"), 5 * result_number(line, "inside_max")) << line;
}

TEST(Ch4Limits, TrainingStallsAboveTheConstructedNetworkOfAsManyUnits) {
    REQUIRE_CHAPTER4(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "limits", tmp / "out", tmp.path());
    std::string line = result_line(run.out);
    EXPECT_EQ(result_value(line, "units"), "100") << line;
    EXPECT_GT(result_number(line, "trained_cost"), 2 * result_number(line, "constructed_cost")) << line;
    EXPECT_LT(result_number(line, "constructed_cost"), 2e-4) << line;
}

TEST(Ch4Training, BadOptionsAreOneLineAndExitTwo) {
    REQUIRE_CHAPTER4(dir);
    for (const char* program : {"width", "limits"}) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--no-such-option", "1"}, "--no-such-option");
        expect_rejected(*dir, program, {"--eta", "0"}, "--eta");
        expect_rejected(*dir, program, {"--batch", "0"}, "--batch");
        expect_rejected(*dir, program, {"--seed", "abc"}, "--seed");
    }
    expect_rejected(*dir, "width", {"--widest", "0"}, "--widest");
    expect_rejected(*dir, "width", {"--activation", "relu"}, "--activation");
    expect_rejected(*dir, "limits", {"--bumps", "0"}, "--bumps");
}

}  // namespace
