// Chapter 2's programs as a learner meets them: run as processes, with bad input
// and in quick mode (tests/program_runner.hpp). The binaries' folder comes from
// NN_BIN_DIR (set by `make test`); without it these tests are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

const char* const kChapter = "02-gradient-descent";

#define REQUIRE_CHAPTER2(dir) REQUIRE_PROGRAMS(dir, kChapter, "one_dimension")
#define REQUIRE_FASHION()                                                              \
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

const std::vector<std::string> kPrograms{"one_dimension",       "optimizers_2d",   "linear_regression",
                                         "logistic_regression", "softmax_fashion", "batch_sizes",
                                         "schedules"};
// The programs whose training runs at a learning rate the user chooses.
const std::vector<std::string> kWithEta{"linear_regression", "logistic_regression", "softmax_fashion",
                                        "batch_sizes", "schedules"};
const std::vector<std::string> kWithOptimizer{"logistic_regression", "softmax_fashion", "batch_sizes",
                                              "schedules"};

// ---------------------------------------------------------------- help and bad options

class Programs02_CommandLine : public testing::TestWithParam<std::string> {};

TEST_P(Programs02_CommandLine, HelpExitsZeroAndListsTheSeed) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, GetParam(), {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--seed"), std::string::npos) << run.out;
}

TEST_P(Programs02_CommandLine, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_CHAPTER2(dir);
    expect_rejected(*dir, GetParam(), {"--no-such-option", "1"}, "--no-such-option");
}

TEST_P(Programs02_CommandLine, NonNumericSeedIsOneLineAndExitTwo) {
    REQUIRE_CHAPTER2(dir);
    expect_rejected(*dir, GetParam(), {"--seed", "abc"}, "--seed");
}

INSTANTIATE_TEST_SUITE_P(Chapter2, Programs02_CommandLine, testing::ValuesIn(kPrograms),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Programs02_BadValues, ZeroNegativeOrNonNumericEtaIsRefused) {
    REQUIRE_CHAPTER2(dir);
    for (const std::string& program : kWithEta) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--eta", "0"}, "--eta");
        expect_rejected(*dir, program, {"--eta", "-1"}, "--eta");
        expect_rejected(*dir, program, {"--eta", "fast"}, "--eta");
    }
}

TEST(Programs02_BadValues, ZeroBatchIsRefused) {
    REQUIRE_CHAPTER2(dir);
    for (const char* program : {"softmax_fashion", "schedules"}) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--batch", "0"}, "--batch");
    }
}

TEST(Programs02_BadValues, UnknownOptimizerIsRefusedWithTheChoices) {
    REQUIRE_CHAPTER2(dir);
    for (const std::string& program : kWithOptimizer) {
        SCOPED_TRACE(program);
        expect_rejected_naming(*dir, program, {"--optimizer", "foo"}, {"optimizer 'foo'", "adam"});
    }
}

TEST(Programs02_BadValues, ProgramSpecificOptionsAreChecked) {
    REQUIRE_CHAPTER2(dir);
    expect_rejected(*dir, "one_dimension", {"--start", "0"}, "--start");
    expect_rejected(*dir, "one_dimension", {"--steps", "0"}, "--steps");
    expect_rejected(*dir, "optimizers_2d", {"--condition", "0.5"}, "--condition");
    expect_rejected(*dir, "linear_regression", {"--steps", "0"}, "--steps");
    expect_rejected(*dir, "logistic_regression", {"--data-set", "donut"}, "donut");
    expect_rejected(*dir, "logistic_regression", {"--epochs", "0"}, "--epochs");
    expect_rejected(*dir, "softmax_fashion", {"--schedule", "sometimes"}, "sometimes");
    expect_rejected(*dir, "batch_sizes", {"--train", "10"}, "--train");
}

TEST(Programs02_BadValues, MissingDataFolderIsOneLineNamingIt) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    std::string missing = (tmp.path() / "no-such-folder").string();
    for (const char* program : {"softmax_fashion", "batch_sizes", "schedules"}) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--data", missing}, "no-such-folder");
    }
}

// ---------------------------------------------------------------- divergence

TEST(Programs02_Diverged, SoftmaxWithAHugeRateStopsWithOneLineAndNoOutput) {
    REQUIRE_CHAPTER2(dir);
    REQUIRE_FASHION();
    std::string line = expect_rejected_naming(*dir, "softmax_fashion", {"--quick", "--eta", "100"},
                                              {"diverged", "learning rate 100", "--eta 50"});
    EXPECT_NE(line.find("epoch 1"), std::string::npos) << line;
}

TEST(Programs02_Diverged, LinearRegressionWithAHugeRateStopsWithOneLine) {
    REQUIRE_CHAPTER2(dir);
    expect_rejected_naming(*dir, "linear_regression", {"--quick", "--eta", "100"}, {"diverged", "learning rate 100"});
}

// ---------------------------------------------------------------- quick runs

TEST(Programs02_Quick, OneDimensionDivergesPastTwoOverLAndRecordsTheIterates) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    fs::path trace = tmp.path() / "one_dimension.trace";
    ProcessRun run = expect_quick_run(*dir, "one_dimension", tmp.path() / "out", tmp.path(), {"--trace", trace.string()});
    std::string result = result_line(run.out);
    // |x_20| = 1.5 * 1.1^20 past 2/L, 1.5 * 0.9^20 below it.
    EXPECT_NEAR(std::stod(result_value(result, "x20_eta_1.05")), 10.09, 0.01) << result;
    EXPECT_NEAR(std::stod(result_value(result, "x20_eta_0.05")), 0.1824, 0.001) << result;
    EXPECT_NE(read_text(trace).find("\teta_0.40.theta\t1\t"), std::string::npos) << "trace lacks theta";
}

TEST(Programs02_Quick, OptimizersTwoDDrawsContoursAGifAndTracesTheOptimizerState) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    fs::path trace = tmp.path() / "optimizers_2d.trace";
    ProcessRun run = expect_quick_run(*dir, "optimizers_2d", tmp.path() / "out", tmp.path(), {"--trace", trace.string()});
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "optimizers_rosenbrock.gif"));
    std::string result = result_line(run.out);
    for (const char* rule : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"})
        EXPECT_LT(std::stod(result_value(result, std::string("quadratic_") + rule)), 0.01) << rule << ": " << result;
    std::string traced = read_text(trace);
    for (const char* name : {"\tquadratic.momentum.v\t", "\tquadratic.adam.m\t", "\trosenbrock.adagrad.G\t"})
        EXPECT_NE(traced.find(name), std::string::npos) << "trace lacks" << name;
}

TEST(Programs02_Quick, LinearRegressionAgreesWithTheNormalEquations) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "linear_regression", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    std::string difference = result_value(result, "max_abs_difference");
    ASSERT_FALSE(difference.empty()) << result;
    EXPECT_LT(std::stod(difference), 1e-4) << result;
    // A feature scaled by 100 makes plain gradient descent slower; standardizing undoes it.
    EXPECT_GT(std::stol(result_value(result, "steps_s100")),
              10 * std::stol(result_value(result, "standardized_steps_s100")))
        << result;
}

TEST(Programs02_Quick, LogisticRegressionSeparatesGaussButNotXor) {
    REQUIRE_CHAPTER2(dir);
    ScratchDir tmp;
    ProcessRun gauss = expect_quick_run(*dir, "logistic_regression", tmp.path() / "gauss", tmp.path());
    EXPECT_GT(std::stod(result_value(result_line(gauss.out), "test_accuracy")), 0.9) << gauss.out;
    ProcessRun xor_run = expect_quick_run(*dir, "logistic_regression", tmp.path() / "xor", tmp.path(),
                                          {"--data-set", "xor"});
    EXPECT_LT(std::stod(result_value(result_line(xor_run.out), "test_accuracy")), 0.7) << xor_run.out;
}

TEST(Programs02_Quick, SoftmaxFashionLearnsAndTheSameSeedGivesTheSameCsv) {
    REQUIRE_CHAPTER2(dir);
    REQUIRE_FASHION();
    ScratchDir tmp;
    fs::path first = tmp.path() / "first", second = tmp.path() / "second", trace = tmp.path() / "softmax.trace";
    ProcessRun run = expect_quick_run(*dir, "softmax_fashion", first, tmp.path(), {"--trace", trace.string()});
    EXPECT_GT(std::stod(result_value(result_line(run.out), "test_accuracy")), 0.75) << run.out;
    expect_quick_run(*dir, "softmax_fashion", second, tmp.path());
    std::string csv = read_text(first / "softmax_fashion.csv");
    EXPECT_FALSE(csv.empty());
    EXPECT_EQ(csv, read_text(second / "softmax_fashion.csv"));
    // dZ of the first mini-batch: 100 examples x 10 classes.
    EXPECT_NE(read_text(trace).find("0\tdZ\t1000\t"), std::string::npos) << "trace lacks dZ";
}

TEST(Programs02_Quick, BatchSizesWritesLossesAndTimesSeparately) {
    REQUIRE_CHAPTER2(dir);
    REQUIRE_FASHION();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "batch_sizes", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    // After the same examples, 32 at a time beats the few full-batch steps.
    EXPECT_LT(std::stod(result_value(result, "loss_batch_32")), std::stod(result_value(result, "loss_batch_10000")))
        << result;
    EXPECT_EQ(read_text(tmp.path() / "out" / "batch_sizes.csv").find("seconds"), std::string::npos);
    EXPECT_NE(read_text(tmp.path() / "out" / "batch_sizes_seconds.csv").find("seconds_batch_1"), std::string::npos);
}

TEST(Programs02_Quick, SchedulesThatDecayEndBelowTheConstantRate) {
    REQUIRE_CHAPTER2(dir);
    REQUIRE_FASHION();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "schedules", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    double constant = std::stod(result_value(result, "constant"));
    EXPECT_LT(std::stod(result_value(result, "cosine")), constant) << result;
    EXPECT_LT(std::stod(result_value(result, "warmup-cosine")), constant) << result;
}

}  // namespace
