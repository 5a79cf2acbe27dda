// What `make compare` leaves out as noise and what it says when a run stopped
// (common/tools/report.hpp, common/metrics.hpp).
#include <gtest/gtest.h>

#include <fstream>

#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/tools/report.hpp"
#include "tests/scratch_dir.hpp"

namespace tools = nn::tools;

TEST(CompareNoise, SpeedsAndTimesAreTimingsButResultsAreNot) {
    EXPECT_TRUE(tools::is_timing_metric("seconds"));
    EXPECT_TRUE(tools::is_timing_metric("train_seconds"));
    EXPECT_TRUE(tools::is_timing_metric("load_ms"));
    EXPECT_TRUE(tools::is_timing_metric("gemm_gflops"));
    EXPECT_TRUE(tools::is_timing_metric("gflops"));
    EXPECT_FALSE(tools::is_timing_metric("test_accuracy"));
    EXPECT_FALSE(tools::is_timing_metric("mistakes"));
}

TEST(CompareNoise, TextColumnsAreLeftOutAndARowNumberStandsForATextStepColumn) {
    ScratchDir dir;
    std::ofstream(dir / "chain.csv") << "expression,leaf,backprop,numeric\n(a*b)+c,a,2,2.0000001\nsin(a),a,0.5,0.5\n";
    EXPECT_THROW(nn::read_metrics_csv((dir / "chain.csv").string()), nn::DataError);
    nn::MetricsLog log = nn::read_metrics_csv((dir / "chain.csv").string(), true);
    EXPECT_EQ(log.columns(), (std::vector<std::string>{"row", "backprop", "numeric"}));
    EXPECT_EQ(log.column("row"), (std::vector<double>{1, 2}));
    EXPECT_EQ(log.column("backprop"), (std::vector<double>{2, 0.5}));
    std::ofstream(dir / "plain.csv") << "epoch,loss\n1,0.5\n2,0.25\n";
    EXPECT_EQ(nn::read_metrics_csv((dir / "plain.csv").string(), true).columns(),
              (std::vector<std::string>{"epoch", "loss"}));
}

TEST(CompareStopped, TheLogsLastLineSaysWhy) {
    ScratchDir dir;
    std::ofstream(dir / "run.log") << "epoch 1 loss 0.3\r epoch 2 loss 0.2\nlogic_gates: error: exercise 1.6 is not implemented yet\n\n  \n";
    EXPECT_EQ(tools::last_line((dir / "run.log").string()), "logic_gates: error: exercise 1.6 is not implemented yet");
    std::ofstream(dir / "bar.log") << "epoch 1\r epoch 2\r epoch 3";
    EXPECT_EQ(tools::last_line((dir / "bar.log").string()), " epoch 3");
    std::ofstream(dir / "empty.log") << "\n \n";
    EXPECT_EQ(tools::last_line((dir / "empty.log").string()), std::nullopt);
    EXPECT_EQ(tools::last_line((dir / "missing.log").string()), std::nullopt);
}
