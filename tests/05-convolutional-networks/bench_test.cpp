// Chapter 5's epoch_bench without PyTorch: its own times when the peer is missing, and
// the side by side line when a stand-in for Python prints what torch_lenet.py prints.
// No timing is asserted (the machine is shared); only what the program reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

#define REQUIRE_CNN_BENCH(dir)                                                         \
    REQUIRE_PROGRAMS(dir, "05-convolutional-networks", "epoch_bench");                 \
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

}  // namespace

TEST(CnnEpochBench, WithoutPyTorchSaysSoAndReportsItsOwnEpochAndShareOfPeak) {
    REQUIRE_CNN_BENCH(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", "/nonexistent", "--images", "300"});
    std::string line = result_line(run.out);
    EXPECT_EQ(result_value(line, "images"), "300") << line;
    EXPECT_GT(result_number(line, "ours_seconds"), 0) << line;
    EXPECT_GT(result_number(line, "peak_share"), 0) << line;
    EXPECT_TRUE(result_value(line, "ratio").empty()) << line;
    EXPECT_NE(run.out.find("PyTorch comparison skipped: no /nonexistent/torch_lenet.py"), std::string::npos) << run.out;
    // 2 x (forward 1,633,000 + backward 2,978,000) multiply-adds per image, 300 images.
    EXPECT_NE(run.out.find("2.8 GFLOP an epoch"), std::string::npos) << run.out;
}

// The fake peer answers with seconds = its second argument, the number of images it was
// asked to train on: 300.00 shows epoch_bench passed its --images along.
TEST(CnnEpochBench, PutsThePeersSecondsBesideOursWithTheirRatioOnTheSameImages) {
    REQUIRE_CNN_BENCH(dir);
    ScratchDir tmp;
    write_fake_peer(tmp.path(), "torch_lenet.py", "lenet threads=$2 epoch=1 seconds=$3 samples_per_s=1 test_acc=0.8500");
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", (tmp / "peers").string(), "--python", (tmp / "python").string(),
                                       "--images", "300"});
    std::string line = result_line(run.out);
    EXPECT_NE(run.out.find("PyTorch 9.9-fake"), std::string::npos) << run.out;
    EXPECT_EQ(result_value(line, "torch_seconds"), "300.00") << line;
    EXPECT_EQ(result_value(line, "torch_accuracy"), "0.8500") << line;
    // ours_seconds is rounded to 0.01 in the line, which moves 300 / ours by a lot when an
    // epoch of 300 images takes a tenth of a second: the ratio must lie within that rounding.
    double ours = result_number(line, "ours_seconds"), ratio = result_number(line, "ratio");
    ASSERT_GT(ours, 0) << line;
    EXPECT_GE(ratio, 300.0 / (ours + 0.005) - 0.01) << line;
    EXPECT_LE(ratio, 300.0 / std::max(ours - 0.005, 1e-3) + 0.01) << line;
}

TEST(CnnEpochBench, APythonWithoutTorchIsNamedWithTheInstallCommand) {
    REQUIRE_CNN_BENCH(dir);
    ScratchDir tmp;
    write_fake_peer(tmp.path(), "torch_lenet.py", "unused");
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", (tmp / "peers").string(), "--python", "/nonexistent/python3",
                                       "--images", "200"});
    EXPECT_NE(run.out.find("apt-get install python3-torch"), std::string::npos) << run.out;
    EXPECT_TRUE(result_value(result_line(run.out), "ratio").empty()) << run.out;
}

TEST(CnnEpochBench, RefusesZeroRoundsOrImages) {
    REQUIRE_PROGRAMS(dir, "05-convolutional-networks", "epoch_bench");
    expect_rejected(*dir, "epoch_bench", {"--rounds", "0"}, "--rounds");
    expect_rejected(*dir, "epoch_bench", {"--images", "0"}, "--images");
}
