// Chapter 5's programs as a learner meets them, run as processes (tests/program_runner.hpp;
// skipped without NN_BIN_DIR, which `make test` sets).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/program_runner.hpp"

namespace {

using namespace programs;

#define REQUIRE_CHAPTER5(dir) REQUIRE_PROGRAMS(dir, "05-convolutional-networks", "gradient_check")

const std::vector<std::string> kPrograms{"architecture", "gradient_check", "conv_speed", "fashion_cnn", "kernels"};

}  // namespace

class Programs05_CommandLine : public testing::TestWithParam<std::string> {};

TEST_P(Programs05_CommandLine, HelpExitsZeroAndListsTheSeed) {
    REQUIRE_CHAPTER5(dir);
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, GetParam(), {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--seed"), std::string::npos) << run.out;
}

TEST_P(Programs05_CommandLine, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_CHAPTER5(dir);
    expect_rejected(*dir, GetParam(), {"--no-such-option", "1"}, "--no-such-option");
}

INSTANTIATE_TEST_SUITE_P(Chapter5, Programs05_CommandLine, testing::ValuesIn(kPrograms),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

// Needs no data set: the net is only built, summed up and drawn.
TEST(Programs05_Architecture, QuickRunDrawsLeNetAndCountsWhatFashionCnnTrains) {
    REQUIRE_CHAPTER5(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "architecture", tmp / "out", tmp.path());
    std::string result = result_line(run.out);
    EXPECT_EQ(result_value(result, "parameters"), "85670") << run.out;
    EXPECT_EQ(result_value(result, "multiply_adds"), "1633000") << run.out;
    EXPECT_NE(run.out.find("85,670"), std::string::npos) << "the summary table:\n" << run.out;
    Manifest manifest = read_manifest(tmp / "out" / "architecture.manifest");
    EXPECT_EQ(manifest.figures, std::vector<std::string>{"architecture.png"});
}

TEST(Programs05_Architecture, ANetWhoseKernelDoesNotFitIsOneLineAndExitTwo) {
    REQUIRE_CHAPTER5(dir);
    // 28 -> conv 9: 20 -> pool 2: 10 cells, which a kernel of 11 does not fit (one of 9 would).
    expect_rejected_naming(*dir, "architecture", {"--net", "conv9x9x2-pool2-conv11x11x4-dense10"},
                           {"'conv11x11x4'", "does not fit"});
    expect_rejected_naming(*dir, "architecture", {"--net", "conv5x5x20-pool2"}, {"--net", "dense"});
}

TEST(Programs05_GradientCheck, EveryLayerAgreesWithCentralDifferences) {
    REQUIRE_CHAPTER5(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "gradient_check", tmp / "out", tmp.path());
    std::string result = result_line(run.out);
    EXPECT_EQ(result_value(result, "failed"), "0") << run.out;
    EXPECT_EQ(result_value(result, "checks"), "34") << run.out;
    // fp32 leaves about 1e-4 against the gradient's largest entry; a wrong formula about 1.
    EXPECT_LT(result_number(result, "worst_error"), 1e-2) << run.out;
    for (const char* layer : {"conv, loops", "conv, im2col + gemm", "max pool", "average pool", "batch norm"})
        EXPECT_NE(run.out.find(layer), std::string::npos) << "no row for " << layer << ":\n" << run.out;
}

TEST(Programs05_GradientCheck, RefusesAnEpsOutsideWhatFloatsCanUse) {
    REQUIRE_CHAPTER5(dir);
    expect_rejected(*dir, "gradient_check", {"--eps", "0"}, "--eps");
    expect_rejected(*dir, "gradient_check", {"--eps", "0.5"}, "--eps");
    expect_rejected(*dir, "gradient_check", {"--eps", "tiny"}, "--eps");
}

// Timings are not tested (the machine is shared); that the program measures both ways
// of every layer and pass, and refuses what it cannot run, is.
TEST(Programs05_ConvSpeed, TimesBothWaysOfEveryLayerAndPass) {
    REQUIRE_CHAPTER5(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "conv_speed", tmp / "out", tmp.path());
    std::string result = result_line(run.out);
    for (const char* key : {"conv1_forward_speedup", "conv1_backward_speedup", "conv2_forward_speedup",
                            "conv2_backward_speedup", "peak_gflops"})
        EXPECT_GT(result_number(result, key), 0) << key << " in " << result;
    for (const char* method : {"loops", "im2col + gemm", "col2im + gemm"})
        EXPECT_NE(run.out.find(method), std::string::npos) << method << ":\n" << run.out;
}

TEST(Programs05_ConvSpeed, RefusesAnEmptyBatchOrNoRepeats) {
    REQUIRE_CHAPTER5(dir);
    expect_rejected(*dir, "conv_speed", {"--batch", "0"}, "--batch");
    expect_rejected(*dir, "conv_speed", {"--repeats", "0"}, "--repeats");
    expect_rejected(*dir, "conv_speed", {"--batch", "1e9"}, "--batch");
}

#define REQUIRE_FASHION_DATA()                                                         \
    if (!std::filesystem::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

TEST(Programs05_FashionCnn, QuickRunLearnsWithinItsMemoryAndTheSameSeedRepeatsIt) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    ProcessRun first = expect_quick_run(*dir, "fashion_cnn", tmp / "a", tmp.path());
    std::string result = result_line(first.out);
    // Two epochs on 4000 images: well above the 0.1 of a guess, below what 10 epochs give.
    EXPECT_GT(result_number(result, "test_accuracy"), 0.7) << first.out;
    EXPECT_EQ(result_value(result, "parameters"), "85670");
    EXPECT_EQ(result_value(result, "multiply_adds"), "1633000");
    EXPECT_LT(result_number(result, "peak_rss_mb"), 1024) << "the issue's bound: under 1 GB";
    EXPECT_NE(first.out.find("85,670"), std::string::npos) << "the summary table:\n" << first.out;
    const std::string manifest = read_text(tmp / "a" / "fashion_cnn.manifest");
    for (const char* figure : {"fashion_cnn_filters.png", "fashion_cnn_feature_maps.png", "fashion_cnn_exciting.png",
                               "fashion_cnn_saliency.png", "fashion_cnn_confusion.png", "fashion_cnn_misclassified.png"}) {
        EXPECT_NE(manifest.find(figure), std::string::npos) << figure << " is not in the manifest:\n" << manifest;
        EXPECT_TRUE(std::filesystem::is_regular_file(tmp / "a" / figure)) << figure;
    }
    ProcessRun second = expect_quick_run(*dir, "fashion_cnn", tmp / "b", tmp.path());
    EXPECT_EQ(read_text(tmp / "a" / "fashion_cnn.csv"), read_text(tmp / "b" / "fashion_cnn.csv"));
}

// Chapter 3's MLP as a spec of dense layers: trained the same way, drawn without the
// figures of feature maps that it does not have.
TEST(Programs05_FashionCnn, ANetOfDenseLayersAloneTrainsAndDrawsWhatItHas) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "fashion_cnn", tmp / "out", tmp.path(),
                                      {"--net", "dense256-dropout0.2-dense128-dropout0.2-dense10", "--mirror"});
    std::string result = result_line(run.out);
    EXPECT_EQ(result_value(result, "parameters"), "235146") << run.out;
    EXPECT_GT(result_number(result, "test_accuracy"), 0.6) << run.out;
    const std::string manifest = read_text(tmp / "out" / "fashion_cnn.manifest");
    EXPECT_NE(manifest.find("fashion_cnn_saliency.png"), std::string::npos) << manifest;
    EXPECT_EQ(manifest.find("fashion_cnn_feature_maps.png"), std::string::npos) << manifest;
}

TEST(Programs05_FashionCnn, ABadNetIsOneLineAndExitTwoNamingTheToken) {
    REQUIRE_CHAPTER5(dir);
    expect_rejected_naming(*dir, "fashion_cnn", {"--net", "conv5x5x20-pool2"}, {"--net", "dense"});
    expect_rejected_naming(*dir, "fashion_cnn", {"--net", "conv5x5x20-relu-dense10"}, {"'relu'", "not a layer"});
    expect_rejected_naming(*dir, "fashion_cnn", {"--net", "conv29x29x4-dense10"}, {"'conv29x29x4'", "does not fit"});
    expect_rejected(*dir, "fashion_cnn", {"--optimizer", "lion"}, "--optimizer");
    expect_rejected(*dir, "fashion_cnn", {"--batch", "0"}, "--batch");
    expect_rejected(*dir, "fashion_cnn", {"--eta", "1e30"}, "--eta");
}

TEST(Programs05_FashionCnn, AValidationSetAsLargeAsTheTrainingSetIsRefused) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    expect_rejected(*dir, "fashion_cnn", {"--validation", "60000"}, "--validation");
}

TEST(Programs05_Kernels, ConvolutionCommutesWithShiftsAndPoolingOnlyWithEvenOnes) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "kernels", tmp / "out", tmp.path());
    std::string result = result_line(run.out);
    // Every interior output cell is the same 9 products in the same order: exactly equal.
    EXPECT_EQ(result_value(result, "conv_shift_error"), "0") << result;
    EXPECT_EQ(result_value(result, "pooled_even_shift_error"), "0") << result;
    EXPECT_GT(result_number(result, "pooled_odd_shift_error"), 0.1) << result;
}

TEST(Programs05_Kernels, TheReceptiveFieldsOfLeNetAre5_6_14And16Pixels) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "kernels", tmp / "out", tmp.path());
    std::string result = result_line(run.out);
    // r = r + (k - 1) j, j = j s, layer by layer: 5; 5 + 1 = 6; 6 + 4 x 2 = 14; 14 + 1 x 2 = 16.
    EXPECT_EQ(result_value(result, "field_conv1"), "5") << result;
    EXPECT_EQ(result_value(result, "field_pool1"), "6") << result;
    EXPECT_EQ(result_value(result, "field_conv2"), "14") << result;
    EXPECT_EQ(result_value(result, "field_pool2"), "16") << result;
}

TEST(Programs05_Kernels, RefusesAnImagePastTheTestSetOrAShiftOutOfRange) {
    REQUIRE_CHAPTER5(dir);
    REQUIRE_FASHION_DATA();
    expect_rejected(*dir, "kernels", {"--image", "9999"}, "--image");
    expect_rejected(*dir, "kernels", {"--shift", "0"}, "--shift");
}
