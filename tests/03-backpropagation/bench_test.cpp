// epoch_bench without PyTorch: its own times when the peer is missing, and the side by
// side table when a stand-in for Python prints what torch_peers.py prints. No timing is
// asserted (the machine is shared); only what the program reports and writes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

#define REQUIRE_EPOCH_BENCH(dir)                                                       \
    REQUIRE_PROGRAMS(dir, "03-backpropagation", "epoch_bench");                        \
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

// torch_peers.py's line: 2 seconds and accuracy 0.8 for every model.
void write_fake_peer(const ScratchDir& tmp) {
    programs::write_fake_peer(tmp.path(), "torch_peers.py",
                              "$2 threads=$3 epoch=1 seconds=2.00 samples_per_s=30000 test_acc=0.8000");
}

}  // namespace

TEST(EpochBench, WithoutPyTorchSaysSoInOneLineAndReportsItsOwnTimes) {
    REQUIRE_EPOCH_BENCH(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", "/nonexistent", "--images", "200"});
    std::string line = result_line(run.out);
    EXPECT_FALSE(result_value(line, "ours_mlp30_seconds").empty()) << line;
    EXPECT_FALSE(result_value(line, "ours_mlp100_accuracy").empty()) << line;
    EXPECT_EQ(result_value(line, "images"), "200") << line;
    EXPECT_TRUE(result_value(line, "torch_mlp30_seconds").empty()) << line;
    EXPECT_TRUE(result_value(line, "ratio_mlp30").empty()) << line;
    int skipped = 0;
    for (const std::string& l : lines_of(run.out)) skipped += l.find("PyTorch comparison skipped") != std::string::npos;
    EXPECT_EQ(skipped, 1) << run.out;
    EXPECT_NE(run.out.find("/nonexistent"), std::string::npos) << run.out;
    EXPECT_TRUE(fs::exists(tmp / "out/epoch_bench.csv"));
}

TEST(EpochBench, APythonWithoutTorchIsNamedWithTheInstallCommand) {
    REQUIRE_EPOCH_BENCH(dir);
    ScratchDir tmp;
    write_fake_peer(tmp);
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", (tmp / "peers").string(), "--python", "/nonexistent/python3",
                                       "--images", "200"});
    EXPECT_NE(run.out.find("apt-get install python3-torch"), std::string::npos) << run.out;
    EXPECT_TRUE(result_value(result_line(run.out), "torch_mlp30_seconds").empty()) << run.out;
}

TEST(EpochBench, FewerImagesThanPyTorchTrainsOnSkipTheComparison) {
    REQUIRE_EPOCH_BENCH(dir);
    ScratchDir tmp;
    write_fake_peer(tmp);
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", (tmp / "peers").string(), "--python", (tmp / "python").string(),
                                       "--images", "200"});
    EXPECT_NE(run.out.find("all 60000 images"), std::string::npos) << run.out;
    EXPECT_TRUE(result_value(result_line(run.out), "ratio_mlp30").empty()) << run.out;
}

TEST(EpochBench, PutsThePeersSecondsAndAccuracyBesideOursWithTheirRatio) {
    REQUIRE_EPOCH_BENCH(dir);
#ifdef __SANITIZE_ADDRESS__
    GTEST_SKIP() << "two full epochs take a minute under AddressSanitizer; the release build runs this test";
#endif
    ScratchDir tmp;
    write_fake_peer(tmp);
    ProcessRun run = expect_quick_run(*dir, "epoch_bench", tmp / "out", tmp.path(),
                                      {"--peers", (tmp / "peers").string(), "--python", (tmp / "python").string()});
    std::string line = result_line(run.out);
    EXPECT_NE(run.out.find("PyTorch 9.9-fake"), std::string::npos) << run.out;
    for (const char* model : {"mlp30", "mlp100"}) {
        SCOPED_TRACE(model);
        std::string m = model;
        EXPECT_EQ(result_value(line, "torch_" + m + "_seconds"), "2.000") << line;
        EXPECT_EQ(result_value(line, "torch_" + m + "_accuracy"), "0.8000") << line;
        double ours = result_number(line, "ours_" + m + "_seconds"), ratio = result_number(line, "ratio_" + m);
        ASSERT_GT(ours, 0) << line;
        EXPECT_NEAR(ratio, 2.0 / ours, 0.02 * ratio + 0.01) << line;  // both rounded in the result line
    }
}

TEST(EpochBench, RefusesZeroRoundsOrImages) {
    REQUIRE_PROGRAMS(dir, "03-backpropagation", "epoch_bench");
    expect_rejected(*dir, "epoch_bench", {"--rounds", "0"}, "--rounds");
    expect_rejected(*dir, "epoch_bench", {"--images", "0"}, "--images");
}
