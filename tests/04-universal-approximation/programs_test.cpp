// Chapter 4's programs as a learner meets them: run as processes in quick mode and with
// bad input (tests/program_runner.hpp). The binaries' folder comes from NN_BIN_DIR (set
// by `make test`); without it these tests are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/program_runner.hpp"

using namespace programs;

TEST(Programs04_VisualProof, QuickRunWritesEveryFigureAndAnErrorFallingLikeOneOverN) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "visual_proof");
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "visual_proof", tmp.path() / "out", tmp.path());
    for (const char* figure : {"visual_proof_step.png", "visual_proof_step.gif", "visual_proof_bump.png",
                               "visual_proof_bumps.png", "visual_proof_error.png"})
        EXPECT_TRUE(has_image_signature(tmp.path() / "out" / figure)) << figure;
    std::string result = result_line(run.out);
    double e10 = result_number(result, "max_error_10"), e100 = result_number(result, "max_error_100");
    double e1000 = result_number(result, "max_error_1000");
    // Ten times the bumps, about a tenth of the error.
    EXPECT_LT(e100, 0.2 * e10) << result;
    EXPECT_LT(e1000, 0.2 * e100) << result;
    EXPECT_LT(e1000, 0.005) << result;
    EXPECT_NEAR(result_number(result, "slope"), -1.0, 0.1) << result;
    EXPECT_NE(read_text(tmp.path() / "out" / "visual_proof_error.csv").find("bumps,max_error"), std::string::npos);
}

TEST(Programs04_VisualProof, SameRunTwiceGivesTheSameErrors) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "visual_proof");
    ScratchDir tmp;
    expect_quick_run(*dir, "visual_proof", tmp.path() / "first", tmp.path());
    expect_quick_run(*dir, "visual_proof", tmp.path() / "second", tmp.path());
    std::string first = read_text(tmp.path() / "first" / "visual_proof_error.csv");
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, read_text(tmp.path() / "second" / "visual_proof_error.csv"));
}

TEST(Programs04_VisualProof, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "visual_proof");
    expect_rejected(*dir, "visual_proof", {"--no-such-option", "1"}, "--no-such-option");
    expect_rejected(*dir, "visual_proof", {"--seed", "many"}, "--seed");
    // A program that records no trace does not offer --trace (it took it and wrote nothing).
    for (const char* program : {"visual_proof", "towers", "width", "depth", "limits"})
        expect_rejected(*dir, program, {"--trace", "t.trace"}, "unknown option --trace");
}

TEST(Programs04_VisualProof, HelpExitsZeroAndListsQuick) {
    REQUIRE_PROGRAMS(dir, "04-universal-approximation", "visual_proof");
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, "visual_proof", {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--quick"), std::string::npos) << run.out;
}
