// Chapter 1's programs as a learner meets them: run as processes, with bad input
// and in quick mode (tests/program_runner.hpp). The binaries' folder comes from
// NN_BIN_DIR (set by `make test`); without it these tests are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

const std::vector<std::string> kPrograms{"activations", "logic_gates", "convergence", "fashion"};

// ---------------------------------------------------------------- help and bad options

class Programs_CommandLine : public testing::TestWithParam<std::string> {};

TEST_P(Programs_CommandLine, HelpExitsZeroAndListsTheSeed) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, GetParam(), {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--seed"), std::string::npos) << run.out;
}

TEST_P(Programs_CommandLine, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    expect_rejected(*dir, GetParam(), {"--no-such-option", "1"}, "--no-such-option");
}

TEST_P(Programs_CommandLine, NonNumericSeedIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    expect_rejected(*dir, GetParam(), {"--seed", "abc"}, "--seed");
}

TEST_P(Programs_CommandLine, ZeroEpochsIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    expect_rejected(*dir, GetParam(), {"--epochs", "0"}, "--epochs");
}

TEST_P(Programs_CommandLine, NegativeEpochsIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    expect_rejected(*dir, GetParam(), {"--epochs", "-3"}, "--epochs");
}

INSTANTIATE_TEST_SUITE_P(Chapter1, Programs_CommandLine, testing::ValuesIn(kPrograms),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Programs_LearningRate, NegativeEtaIsRejectedByLogicGatesAndConvergence) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    for (const char* program : {"logic_gates", "convergence"}) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--eta", "-0.5"}, "--eta");
        expect_rejected(*dir, program, {"--eta", "fast"}, "--eta");
        // inf trained to NaN weights and 1e30 to chance, both with exit status 0.
        expect_rejected(*dir, program, {"--eta", "inf"}, "--eta must be a finite number (got inf)");
        expect_rejected(*dir, program, {"--eta", "1e30"}, "--eta must be positive and at most 100 (got 1e+30)");
    }
    expect_rejected(*dir, "convergence", {"--points", "2147483647"}, "--points must be positive and at most 1000000 (got 2147483647)");
    expect_rejected(*dir, "logic_gates", {"--eta", "100.5"}, "at most 100");
}

TEST(Programs_Convergence, MarginOutsideItsRangeIsRejected) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    expect_rejected(*dir, "convergence", {"--margin", "0"}, "--margin");
    expect_rejected(*dir, "convergence", {"--margin", "2"}, "--margin");
}

// ---------------------------------------------------------------- fashion's data

TEST(Programs_FashionData, MissingDataFolderIsOneLineNamingIt) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    std::string missing = (tmp.path() / "no-such-folder").string();
    expect_rejected(*dir, "fashion", {"--data", missing}, "no-such-folder");
}

// An IDX header announcing 60000 images of 28x28 but followed by only 100 bytes.
void write_truncated_images(const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out << std::string(100, '\x7f');
}

// A valid labels file for 60000 images, so that only the images file is at fault.
void write_labels(const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 1, 0, 0, 0xEA, 0x60};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out << std::string(60000, '\0');
}

TEST(Programs_FashionData, TruncatedImagesFileIsOneLineNamingIt) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    fs::path data = tmp.path() / "data";
    fs::create_directories(data);
    write_truncated_images(data / "train-images-idx3-ubyte");
    write_labels(data / "train-labels-idx1-ubyte");
    expect_rejected(*dir, "fashion", {"--data", data.string()}, "train-images-idx3-ubyte");
}

TEST(Programs_FashionData, WrongMagicNumberIsOneLineNamingTheFile) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    fs::path data = tmp.path() / "data";
    fs::create_directories(data);
    std::ofstream(data / "train-images-idx3-ubyte", std::ios::binary) << "PK\x03\x04 not an IDX file";
    write_labels(data / "train-labels-idx1-ubyte");
    expect_rejected(*dir, "fashion", {"--data", data.string()}, "train-images-idx3-ubyte");
}

// ---------------------------------------------------------------- quick runs

TEST(Programs_Quick, ActivationsDrawsItsTwoFigures) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    expect_quick_run(*dir, "activations", tmp.path() / "out", tmp.path());
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "activations.png"));
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "neuron_field.png"));
}

TEST(Programs_Quick, LogicGatesLearnsAndOrNandButNotXor) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "logic_gates", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    EXPECT_EQ(result.find("and_epochs=never"), std::string::npos) << result;
    EXPECT_EQ(result.find("xor_min_mistakes=0"), std::string::npos) << result;
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "gates_errors.csv"));
}

TEST(Programs_Quick, ConvergenceStaysUnderNovikoffsBoundAndWritesItsTrace) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    ScratchDir tmp;
    fs::path trace = tmp.path() / "convergence.trace";
    ProcessRun run = expect_quick_run(*dir, "convergence", tmp.path() / "out", tmp.path(),
                               {"--trace", trace.string()});
    EXPECT_NE(result_line(run.out).find("bound_held=yes"), std::string::npos) << run.out;
    EXPECT_NE(read_text(trace).find("\tw\t2\t"), std::string::npos) << "trace lacks w records";
}

TEST(Programs_Quick, FashionRunsAndTheSameSeedGivesTheSameCsv) {
    REQUIRE_PROGRAMS(dir, "01-perceptron", "activations");
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir;
    ScratchDir tmp;
    fs::path first = tmp.path() / "first", second = tmp.path() / "second";
    expect_quick_run(*dir, "fashion", first, tmp.path());
    expect_quick_run(*dir, "fashion", second, tmp.path());
    std::string csv = read_text(first / "fashion.csv");
    EXPECT_FALSE(csv.empty());
    EXPECT_EQ(csv, read_text(second / "fashion.csv"));
}

}  // namespace
