#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The message of the DataError that reading path throws, or "" if none.
std::string read_error(const std::string& path) {
    try {
        nn::read_metrics_csv(path);
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(MetricsLog, AddPrintsOnePlainLinePerRow) {
    nn::MetricsLog log({"epoch", "train_errors", "test_accuracy"});
    testing::internal::CaptureStdout();
    log.add({3, 12, 0.81234});
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "epoch 3  train_errors=12  test_accuracy=0.8123\n");
}

TEST(MetricsLog, QuietLogPrintsNothing) {
    nn::MetricsLog log({"epoch", "loss"}, false);
    testing::internal::CaptureStdout();
    log.add({1, 0.5});
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
    EXPECT_EQ(log.rows().size(), 1u);
}

TEST(MetricsLog, RowOfTheWrongWidthIsRejected) {
    nn::MetricsLog log({"epoch", "loss"}, false);
    EXPECT_THROW(log.add({1}), std::invalid_argument);
    EXPECT_THROW(log.add({1, 2, 3}), std::invalid_argument);
}

TEST(MetricsLog, ColumnReturnsOneValuePerRow) {
    nn::MetricsLog log({"epoch", "loss"}, false);
    log.add({1, 0.5});
    log.add({2, 0.25});
    EXPECT_EQ(log.column("epoch"), (std::vector<double>{1, 2}));
    EXPECT_EQ(log.column("loss"), (std::vector<double>{0.5, 0.25}));
    EXPECT_THROW(log.column("accuracy"), std::out_of_range);
}

TEST(MetricsCsv, RoundTripKeepsColumnsAndValues) {
    ScratchDir dir;
    nn::MetricsLog log({"epoch", "loss", "test_accuracy"}, false);
    // %.9g keeps every float exactly: each value read back rounds to the float written.
    log.add({1, double(0.693147182f), double(0.1f)});
    log.add({2, double(1.5e-7f), double(0.987654321f)});
    log.add({3, -2, 1e6});
    log.write_csv(dir / "m.csv");
    EXPECT_FALSE(fs::exists(dir / "m.csv.tmp"));

    nn::MetricsLog back = nn::read_metrics_csv(dir / "m.csv");
    EXPECT_EQ(back.columns(), log.columns());
    ASSERT_EQ(back.rows().size(), log.rows().size());
    for (size_t r = 0; r < log.rows().size(); ++r)
        for (size_t c = 0; c < log.columns().size(); ++c)
            EXPECT_EQ(float(back.rows()[r][c]), float(log.rows()[r][c])) << "row " << r << " column " << c;
}

TEST(MetricsCsv, WritesAHeaderThenOneLinePerRow) {
    ScratchDir dir;
    nn::MetricsLog log({"epoch", "loss"}, false);
    log.add({1, 0.5});
    log.write_csv(dir / "m.csv");
    std::ifstream in(dir / "m.csv");
    std::string header, row, extra;
    std::getline(in, header);
    std::getline(in, row);
    EXPECT_EQ(header, "epoch,loss");
    EXPECT_EQ(row, "1,0.5");
    EXPECT_FALSE(std::getline(in, extra));
}

TEST(MetricsCsv, NonNumericValueIsADataErrorNamingFileAndLine) {
    ScratchDir dir;
    write(dir / "m.csv", "epoch,loss\n1,0.5\n2,abc\n");
    std::string message = read_error(dir / "m.csv");
    EXPECT_NE(message.find(dir / "m.csv"), std::string::npos) << message;
    EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

TEST(MetricsCsv, RowWithMissingValuesIsADataErrorNamingTheLine) {
    ScratchDir dir;
    write(dir / "m.csv", "epoch,loss\n1\n");
    std::string message = read_error(dir / "m.csv");
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

TEST(MetricsCsv, EmptyOrMissingFileIsADataError) {
    ScratchDir dir;
    write(dir / "empty.csv", "");
    EXPECT_THROW(nn::read_metrics_csv(dir / "empty.csv"), nn::DataError);
    EXPECT_THROW(nn::read_metrics_csv(dir / "nothing.csv"), nn::DataError);
}
