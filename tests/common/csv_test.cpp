#include "common/csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "tests/scratch_dir.hpp"

namespace {

nn::CsvTable parse(const std::string& text) {
    std::istringstream in(text);
    return nn::parse_csv(in, "data.csv");
}

// The message of the DataError that parsing text throws, or "" if none.
std::string parse_error(const std::string& text) {
    try {
        parse(text);
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

std::string split_error(const std::string& text, const std::string& target, nn::Task task = nn::Task::Auto) {
    try {
        nn::split_target(parse(text), target, task, "data.csv");
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

// A table with columns x and y: x = 0, 1, ..., y as given.
nn::CsvTable xy_table(const std::vector<float>& y) {
    std::string text = "x,y\n";
    for (size_t i = 0; i < y.size(); ++i) text += std::to_string(i) + "," + std::to_string(y[i]) + "\n";
    return parse(text);
}

}  // namespace

// ---------------------------------------------------------------- reading

TEST(CsvRead, HeaderNamesTheColumnsAndRowsFillTheMatrix) {
    nn::CsvTable t = parse("a,b,c\n1,2,3\n4,5.5,-6e-1\n");
    EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b", "c"}));
    ASSERT_EQ(t.values.shape(), (std::vector<size_t>{2, 3}));
    EXPECT_EQ(t.rows(), 2u);
    EXPECT_FLOAT_EQ(t.values(0, 2), 3.0f);
    EXPECT_FLOAT_EQ(t.values(1, 1), 5.5f);
    EXPECT_FLOAT_EQ(t.values(1, 2), -0.6f);
}

TEST(CsvRead, SpacesQuotedNamesWindowsLineEndsAndBlankLinesAreAccepted) {
    nn::CsvTable t = parse("\xEF\xBB\xBF \"first name\" , \"b\"\"q\"\r\n 1 , +2 \r\n\n3,4\n\n\n");
    EXPECT_EQ(t.columns, (std::vector<std::string>{"first name", "b\"q"}));
    ASSERT_EQ(t.rows(), 2u);
    EXPECT_FLOAT_EQ(t.values(0, 1), 2.0f);
    EXPECT_FLOAT_EQ(t.values(1, 0), 3.0f);
}

TEST(CsvRead, QuotedCellsMayHoldCommas) {
    nn::CsvTable t = parse("\"a,b\",c\n\"1\",2\n");
    EXPECT_EQ(t.columns, (std::vector<std::string>{"a,b", "c"}));
    EXPECT_FLOAT_EQ(t.values(0, 0), 1.0f);
}

TEST(CsvRead, ReadsAFileAndNamesItInErrors) {
    ScratchDir dir;
    std::string path = (dir / "points.csv").string();
    std::ofstream(path) << "x,y\n1,2\n";
    EXPECT_EQ(nn::read_csv(path).rows(), 1u);
    std::string missing = (dir / "absent.csv").string();
    try {
        nn::read_csv(missing);
        FAIL() << "a missing file was read";
    } catch (const nn::DataError& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
}

TEST(CsvErrors, RaggedRowNamesItsLineAndBothCounts) {
    EXPECT_EQ(parse_error("a,b,c,d\n1,2,3,4\n1,2,3\n"), "data.csv line 3: 3 cells, the header has 4");
    EXPECT_EQ(parse_error("a,b\n1,2,3\n"), "data.csv line 2: 3 cells, the header has 2");
}

TEST(CsvErrors, LineNumbersCountBlankLinesAndTheHeader) {
    EXPECT_EQ(parse_error("a,b\n\n1,2\n\n3\n"), "data.csv line 5: 1 cell, the header has 2");
}

TEST(CsvErrors, NonNumericCellNamesLineColumnAndText) {
    EXPECT_EQ(parse_error("id,age\n1,30\n2,abc\n"), "data.csv line 3, column 'age': 'abc' is not a number");
    EXPECT_NE(parse_error("a\n1.5x\n").find("'1.5x' is not a number"), std::string::npos);
    EXPECT_NE(parse_error("a\n0x10\n").find("'0x10' is not a number"), std::string::npos);
}

// One '+' is skipped before from_chars, which reads no '+': the sign after it must not
// then be read as the number's own ("+-5" was -5).
TEST(CsvErrors, APlusBeforeAnotherSignIsNotANumber) {
    EXPECT_EQ(parse_error("a\n+-5\n"), "data.csv line 2, column 'a': '+-5' is not a number");
    EXPECT_NE(parse_error("a\n++5\n").find("'++5' is not a number"), std::string::npos);
    EXPECT_EQ(parse("a\n+5\n").values(0, 0), 5.0f);
}

TEST(CsvErrors, EmptyCellsAndNonFiniteNumbersAreRefused) {
    EXPECT_NE(parse_error("a,b\n1,\n").find("line 2, column 'b': an empty cell"), std::string::npos);
    EXPECT_NE(parse_error("a\nnan\n").find("'nan' is not a finite number"), std::string::npos);
    EXPECT_NE(parse_error("a\n-inf\n").find("'-inf' is not a finite number"), std::string::npos);
    EXPECT_NE(parse_error("a\n1e99\n").find("'1e99' is out of float range"), std::string::npos);
}

TEST(CsvErrors, EmptyFileAndHeaderWithoutRowsAreRefused) {
    EXPECT_EQ(parse_error(""), "data.csv: the file is empty (a CSV needs a header line of column names)");
    EXPECT_EQ(parse_error("\n  \n"), "data.csv: the file is empty (a CSV needs a header line of column names)");
    EXPECT_EQ(parse_error("a,b\n\n"), "data.csv: a header line but no rows of data");
}

TEST(CsvErrors, BadHeadersAreRefused) {
    EXPECT_EQ(parse_error("a,,c\n1,2,3\n"), "data.csv line 1: column 2 of the header has no name");
    EXPECT_EQ(parse_error("a,b,a\n1,2,3\n"), "data.csv line 1: two columns are named 'a'");
    EXPECT_NE(parse_error("\"a,b\n1\n").find("line 1: a quote"), std::string::npos);
}

// ---------------------------------------------------------------- the target

TEST(CsvTarget, MissingTargetListsTheColumns) {
    EXPECT_EQ(split_error("a,b,c\n1,2,3\n", "price"), "data.csv: no column 'price' (columns: a, b, c)");
}

TEST(CsvTarget, TargetIsTakenOutAndTheOtherColumnsKeepTheirOrder) {
    nn::CsvDataset d = nn::split_target(parse("a,label,b\n1,0,2\n3,1,4\n"), "label", nn::Task::Auto, "data.csv");
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(d.X.shape(), (std::vector<size_t>{2, 2}));
    EXPECT_FLOAT_EQ(d.X(1, 0), 3.0f);
    EXPECT_FLOAT_EQ(d.X(1, 1), 4.0f);
    EXPECT_EQ(d.target_name, "label");
}

TEST(CsvTarget, AutoPicksClassificationForFewIntegerValues) {
    nn::CsvDataset d = nn::split_target(xy_table({7, -1, 3, 7, 3}), "y", nn::Task::Auto, "data.csv");
    EXPECT_EQ(d.task, nn::Task::Classification);
    EXPECT_EQ(d.class_values, (std::vector<float>{-1, 3, 7}));  // ascending: label c is class_values[c]
    EXPECT_EQ(d.labels, (std::vector<int>{2, 0, 1, 2, 1}));
    EXPECT_EQ(d.classes(), 3u);
    EXPECT_TRUE(d.targets.empty());
}

TEST(CsvTarget, AutoPicksRegressionForFractionsOrManyValues) {
    EXPECT_EQ(nn::split_target(xy_table({0, 1, 0.5f}), "y", nn::Task::Auto, "d").task, nn::Task::Regression);
    std::vector<float> many(21);
    std::iota(many.begin(), many.end(), 0.0f);
    EXPECT_EQ(nn::split_target(xy_table(many), "y", nn::Task::Auto, "d").task, nn::Task::Regression);
    many.pop_back();  // 20 distinct integers: still classes
    EXPECT_EQ(nn::split_target(xy_table(many), "y", nn::Task::Auto, "d").task, nn::Task::Classification);
}

TEST(CsvTarget, ForcedTaskOverridesTheGuess) {
    nn::CsvDataset r = nn::split_target(xy_table({0, 1, 1}), "y", nn::Task::Regression, "d");
    EXPECT_EQ(r.task, nn::Task::Regression);
    EXPECT_EQ(r.targets, (std::vector<float>{0, 1, 1}));
    EXPECT_TRUE(r.labels.empty());
    nn::CsvDataset c = nn::split_target(xy_table({0.5f, 2.5f, 0.5f}), "y", nn::Task::Classification, "d");
    EXPECT_EQ(c.labels, (std::vector<int>{0, 1, 0}));
    EXPECT_EQ(c.class_values, (std::vector<float>{0.5f, 2.5f}));
}

TEST(CsvTarget, ImpossibleTargetsAreRefused) {
    EXPECT_NE(split_error("x,y\n1,4\n2,4\n", "y").find("holds a single value"), std::string::npos);
    EXPECT_NE(split_error("y\n1\n2\n", "y").find("leaves no features"), std::string::npos);
    std::string text = "x,y\n";
    for (int i = 0; i <= int(nn::kMaxClasses); ++i) text += "0," + std::to_string(i) + "\n";
    EXPECT_NE(split_error(text, "y", nn::Task::Classification).find("too many classes"), std::string::npos);
}

TEST(CsvTask, NamesRoundTripAndUnknownNamesAreUsageErrors) {
    for (nn::Task t : {nn::Task::Auto, nn::Task::Classification, nn::Task::Regression})
        EXPECT_EQ(nn::parse_task(nn::task_name(t)), t);
    EXPECT_THROW(nn::parse_task("clustering"), nn::UsageError);
}

// ---------------------------------------------------------------- splits and scaling

TEST(CsvSplit, TrainAndTestPartitionTheRowsInTheAskedProportion) {
    std::vector<float> y(10);
    std::iota(y.begin(), y.end(), 0.0f);
    nn::CsvDataset all = nn::split_target(xy_table(y), "y", nn::Task::Regression, "d"), train, test;
    nn::Rng rng(3);
    nn::train_test_split(all, 0.3, rng, train, test);
    EXPECT_EQ(test.size(), 3u);
    EXPECT_EQ(train.size(), 7u);
    std::set<float> seen;
    for (const nn::CsvDataset* part : {&train, &test})
        for (size_t i = 0; i < part->size(); ++i) {
            EXPECT_FLOAT_EQ(part->X(i, 0), part->targets[i]);  // a row's cells stay together
            seen.insert(part->targets[i]);
        }
    EXPECT_EQ(seen.size(), 10u);
}

TEST(CsvSplit, SplitThatLeavesAPartEmptyIsRefused) {
    nn::CsvDataset all = nn::split_target(xy_table({0, 1, 2}), "y", nn::Task::Regression, "d"), train, test;
    nn::Rng rng(1);
    EXPECT_THROW(nn::train_test_split(all, 0.1, rng, train, test), nn::DataError);
    EXPECT_THROW(nn::train_test_split(all, 0.9, rng, train, test), nn::DataError);
}

TEST(CsvSplit, SubsetKeepsLabelsAndClassValues) {
    nn::CsvDataset all = nn::split_target(xy_table({5, 9, 5, 9}), "y", nn::Task::Auto, "d");
    nn::CsvDataset part = nn::subset(all, {3, 0});
    EXPECT_EQ(part.labels, (std::vector<int>{1, 0}));
    EXPECT_EQ(part.class_values, (std::vector<float>{5, 9}));
    EXPECT_FLOAT_EQ(part.X(0, 0), 3.0f);
}

TEST(CsvStandardize, TrainingColumnsGetMeanZeroAndUnitDeviation) {
    nn::Tensor X = nn::Tensor::from_rows({{1, 10}, {3, 10}, {5, 10}});
    nn::Standardizer s = nn::fit_standardizer(X);
    EXPECT_FLOAT_EQ(s.mean[0], 3.0f);
    EXPECT_NEAR(s.sd[0], std::sqrt(8.0f / 3.0f), 1e-6);
    EXPECT_FLOAT_EQ(s.sd[1], 1.0f);  // a constant column is centred, not divided by 0
    nn::Tensor Z = X;
    nn::standardize(s, Z);
    EXPECT_NEAR(Z(0, 0) + Z(1, 0) + Z(2, 0), 0.0, 1e-6);
    EXPECT_NEAR(Z(0, 0) * Z(0, 0) + Z(1, 0) * Z(1, 0) + Z(2, 0) * Z(2, 0), 3.0, 1e-5);
    EXPECT_FLOAT_EQ(Z(2, 1), 0.0f);
    nn::unstandardize(s, Z);
    EXPECT_NEAR(Z(2, 0), 5.0f, 1e-6);
}

TEST(CsvStandardize, TestRowsUseTheTrainingStatistics) {
    nn::Standardizer s = nn::fit_standardizer(nn::Tensor::from_rows({{0}, {2}}));  // mean 1, sd 1
    nn::Tensor test = nn::Tensor::from_rows({{5}});
    nn::standardize(s, test);
    EXPECT_FLOAT_EQ(test(0, 0), 4.0f);
}

TEST(CsvStandardize, LargeOffsetsLoseNoPrecision) {
    nn::Standardizer s = nn::fit_standardizer(nn::Tensor::from_rows({{100000}, {100002}}));
    EXPECT_FLOAT_EQ(s.sd[0], 1.0f);
}
