// Chapter 3's experiments as a learner meets them: gradient_check, regression and
// vanishing, run as processes in quick mode and with bad input (tests/program_runner.hpp).
// The binaries' folder comes from NN_BIN_DIR (set by `make test`); without it these
// tests are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

#define REQUIRE_EXPERIMENTS(dir) REQUIRE_PROGRAMS(dir, "03-backpropagation", "gradient_check")
#define REQUIRE_FASHION()                                                              \
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

const std::vector<std::string> kPrograms{"gradient_check", "regression", "vanishing"};

// ---------------------------------------------------------------- help and bad options

class Experiments03_CommandLine : public testing::TestWithParam<std::string> {};

TEST_P(Experiments03_CommandLine, HelpExitsZeroAndListsTheSeed) {
    REQUIRE_EXPERIMENTS(dir);
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, GetParam(), {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--seed"), std::string::npos) << run.out;
}

TEST_P(Experiments03_CommandLine, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_EXPERIMENTS(dir);
    expect_rejected(*dir, GetParam(), {"--no-such-option", "1"}, "--no-such-option");
}

INSTANTIATE_TEST_SUITE_P(Chapter3, Experiments03_CommandLine, testing::ValuesIn(kPrograms),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Experiments03_BadValues, GradientCheckRefusesAnEpsOutsideWhatFloatsCanUse) {
    REQUIRE_EXPERIMENTS(dir);
    expect_rejected(*dir, "gradient_check", {"--eps", "0"}, "--eps");
    expect_rejected(*dir, "gradient_check", {"--eps", "0.5"}, "--eps");
    expect_rejected(*dir, "gradient_check", {"--eps", "small"}, "--eps");
    expect_rejected(*dir, "gradient_check", {"--batch", "0"}, "--batch");
}

TEST(Experiments03_BadValues, RegressionRefusesTooFewFeaturesAndOutputOnlyActivations) {
    REQUIRE_EXPERIMENTS(dir);
    expect_rejected(*dir, "regression", {"--features", "4"}, "--features");
    expect_rejected(*dir, "regression", {"--eta", "0"}, "--eta");
    expect_rejected(*dir, "regression", {"--train", "5"}, "--train");
    expect_rejected(*dir, "regression", {"--activation", "softmax"}, "--activation");
    expect_rejected_naming(*dir, "regression", {"--activation", "swish"}, {"--activation", "swish", "tanh"});
}

TEST(Experiments03_BadValues, VanishingRefusesZeroDepthAndAMissingDataFolder) {
    REQUIRE_EXPERIMENTS(dir);
    expect_rejected(*dir, "vanishing", {"--depth", "0"}, "--depth");
    expect_rejected(*dir, "vanishing", {"--eta", "-1"}, "--eta");
    ScratchDir tmp;
    expect_rejected(*dir, "vanishing", {"--data", (tmp.path() / "no-such-folder").string()}, "no-such-folder");
}

// ---------------------------------------------------------------- quick runs

TEST(Experiments03_Quick, GradientCheckPassesEveryLayerAndCatchesTheBugAndTheKink) {
    REQUIRE_EXPERIMENTS(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "gradient_check", tmp.path() / "first", tmp.path());
    std::string result = result_line(run.out);
    double tolerance = result_number(result, "tolerance");
    EXPECT_LT(result_number(result, "worst_error"), tolerance) << result;
    // A missing f' is off by order 1; a nudge across a ReLU's kink by about 0.35.
    EXPECT_GT(result_number(result, "bug_error"), 0.3) << result;
    EXPECT_GT(result_number(result, "kink_error"), 5 * tolerance) << result;
    EXPECT_LT(result_number(result, "kink_avoided_error"), tolerance) << result;
    // Theory says (3 u)^(1/3) = 6e-3 for float costs.
    EXPECT_GE(result_number(result, "best_eps"), 1e-3) << result;
    EXPECT_LE(result_number(result, "best_eps"), 3e-2) << result;
    ProcessRun again = expect_quick_run(*dir, "gradient_check", tmp.path() / "second", tmp.path());
    std::string csv = read_text(tmp.path() / "first" / "gradient_check_eps.csv");
    EXPECT_NE(csv.find("eps,float_error,double_error"), std::string::npos);
    EXPECT_EQ(csv, read_text(tmp.path() / "second" / "gradient_check_eps.csv"));
}

TEST(Experiments03_Quick, RegressionMlpBeatsTheLinearModelAndStaysAboveTheNoise) {
    REQUIRE_EXPERIMENTS(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "regression", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    double mlp = result_number(result, "mlp_test_rmse"), linear = result_number(result, "linear_test_rmse");
    double noise = result_number(result, "noise_rmse");
    EXPECT_NEAR(noise, 1.0, 0.1) << result;  // sigma = 1 on 2000 test examples
    EXPECT_GT(linear, 2.0) << result;        // the sine and the square are out of its reach
    EXPECT_LT(mlp, 0.65 * linear) << result;
    EXPECT_GT(mlp, 0.9 * noise) << result;   // nothing beats the true formula by much
    EXPECT_NE(read_text(tmp.path() / "out" / "regression.csv").find("epoch,train_rmse,test_rmse"),
              std::string::npos);
}

TEST(Experiments03_Quick, VanishingSigmoidGradientsShrinkDownTheLayersAndReluOnesDoNot) {
    REQUIRE_EXPERIMENTS(dir);
    REQUIRE_FASHION();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "vanishing", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    // Seven sigmoid layers, each multiplying delta by W^T sigma' (about 1/4 or less).
    EXPECT_LT(result_number(result, "sigmoid_ratio"), 0.01) << result;
    EXPECT_LT(result_number(result, "sigmoid_speed_ratio"), 0.01) << result;
    EXPECT_GT(result_number(result, "relu_ratio"), 0.3) << result;
    EXPECT_GT(result_number(result, "relu_speed_ratio"), 0.3) << result;
    EXPECT_GT(result_number(result, "relu_test_accuracy"), result_number(result, "sigmoid_test_accuracy") + 0.1) << result;
}

}  // namespace
