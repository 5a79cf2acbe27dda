#include "common/trace.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/errors.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

nn::TraceRecord record(int step, std::string name, std::vector<float> values) {
    nn::TraceRecord r;
    r.step = step;
    r.name = std::move(name);
    r.values = std::move(values);
    return r;
}

std::vector<nn::TraceRecord> sample() {
    return {record(0, "w", {0.5f, -1.25f, 3.0f}), record(0, "loss", {0.7f}), record(1, "w", {0.25f, -1.0f, 2.5f})};
}

}  // namespace

TEST(Trace, RoundTripKeepsStepsNamesAndValues) {
    ScratchDir dir;
    std::vector<float> w = {0.1f, -2.5e-8f, 1e10f, 0.333333343f};
    {
        nn::Trace trace(dir / "t.trace", 5);
        trace.record(0, "w", w);
        trace.record(0, "loss", 0.693147182f);
        trace.record(1, "empty", std::vector<float>{});
        trace.close();
    }
    std::vector<nn::TraceRecord> back = nn::read_trace(dir / "t.trace");
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[0].step, 0);
    EXPECT_EQ(back[0].name, "w");
    EXPECT_EQ(back[0].values, w);
    EXPECT_EQ(back[1].name, "loss");
    EXPECT_EQ(back[1].values, std::vector<float>{0.693147182f});
    EXPECT_EQ(back[2].step, 1);
    EXPECT_TRUE(back[2].values.empty());
}

TEST(Trace, RecordsOnlyStepsBelowMaxSteps) {
    ScratchDir dir;
    nn::Trace trace(dir / "t.trace", 2);
    EXPECT_TRUE(trace.wants(1));
    EXPECT_FALSE(trace.wants(2));
    for (int step = 0; step < 5; ++step) trace.record(step, "loss", float(step));
    trace.close();
    std::vector<nn::TraceRecord> back = nn::read_trace(dir / "t.trace");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].step, 0);
    EXPECT_EQ(back[1].step, 1);
}

TEST(Trace, FileAppearsUnderItsNameOnlyWhenClosed) {
    ScratchDir dir;
    {
        nn::Trace trace(dir / "t.trace");
        trace.record(0, "x", 1.0f);
        EXPECT_FALSE(fs::exists(dir / "t.trace"));
        EXPECT_TRUE(fs::exists(dir / "t.trace.tmp"));
    }  // the destructor closes
    EXPECT_TRUE(fs::exists(dir / "t.trace"));
    EXPECT_FALSE(fs::exists(dir / "t.trace.tmp"));
}

TEST(Trace, DisabledTraceRecordsNothing) {
    nn::Trace trace;
    EXPECT_FALSE(trace.enabled());
    EXPECT_FALSE(trace.wants(0));
    trace.record(0, "x", 1.0f);  // must not crash
    trace.close();
}

TEST(Trace, UnwritablePathIsAUsageError) {
    ScratchDir dir;
    EXPECT_THROW(nn::Trace(dir / "missing/t.trace"), nn::UsageError);
}

TEST(ReadTrace, MalformedLineIsADataErrorNamingFileAndLine) {
    ScratchDir dir;
    std::ofstream(dir / "t.trace") << "0\tw\t2\t1 2\n1\tw\t3\t1 2\n";
    try {
        nn::read_trace(dir / "t.trace");
        FAIL() << "expected nn::DataError";
    } catch (const nn::DataError& e) {
        std::string message = e.what();
        EXPECT_NE(message.find(dir / "t.trace"), std::string::npos) << message;
        EXPECT_NE(message.find("line 2"), std::string::npos) << message;
    }
}

TEST(ReadTrace, NonNumericValueAndMissingFileAreDataErrors) {
    ScratchDir dir;
    std::ofstream(dir / "t.trace") << "0\tw\t2\t1 x\n";
    EXPECT_THROW(nn::read_trace(dir / "t.trace"), nn::DataError);
    EXPECT_THROW(nn::read_trace(dir / "none.trace"), nn::DataError);
}

TEST(FirstDivergence, EqualTracesAgree) {
    EXPECT_FALSE(nn::first_divergence(sample(), sample()).has_value());
}

TEST(FirstDivergence, DifferencesWithinToleranceAgree) {
    auto learner = sample();
    learner[2].values[2] = 2.5f * (1 + 5e-5f);  // relative to |solution| > 1
    learner[0].values[0] = 0.5f + 5e-5f;        // absolute below 1
    EXPECT_FALSE(nn::first_divergence(learner, sample(), 1e-4).has_value());
    EXPECT_TRUE(nn::first_divergence(learner, sample(), 1e-6).has_value());
}

TEST(FirstDivergence, FindsTheFirstDifferingValue) {
    auto learner = sample();
    learner[2].values[1] = -0.5f;
    learner[2].values[2] = 9.0f;  // later in the same record: not the first
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->step, 1);
    EXPECT_EQ(d->name, "w");
    EXPECT_EQ(d->index, 1u);
    EXPECT_EQ(d->learner, -0.5f);
    EXPECT_EQ(d->solution, -1.0f);
    EXPECT_EQ(d->what, "step 1, tensor w, index 1: learner -0.5, solution -1");
}

TEST(FirstDivergence, NanInTheLearnerIsADifference) {
    auto learner = sample();
    learner[1].values[0] = std::nanf("");
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->name, "loss");
}

TEST(FirstDivergence, DifferentNameAtTheSamePositionIsADivergence) {
    auto learner = sample();
    learner[1].name = "cost";
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->step, 0);
    EXPECT_EQ(d->name, "loss");
    EXPECT_NE(d->what.find("cost"), std::string::npos) << d->what;
}

TEST(FirstDivergence, DifferentLengthIsADivergence) {
    auto learner = sample();
    learner[0].values.push_back(1.0f);
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->name, "w");
    EXPECT_NE(d->what.find("4 values"), std::string::npos) << d->what;
}

TEST(FirstDivergence, MissingRecordIsReported) {
    auto learner = sample();
    learner.pop_back();
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->step, 1);
    EXPECT_EQ(d->name, "w");
    EXPECT_NE(d->what.find("missing"), std::string::npos) << d->what;
}

TEST(FirstDivergence, ExtraRecordInTheLearnerIsReported) {
    auto learner = sample();
    learner.push_back(record(2, "w", {1}));
    auto d = nn::first_divergence(learner, sample());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->step, 2);
}

TEST(Trace, AnEmptyPathIsTheDisabledTraceAndWritesNothing) {
    // What a program gets from nn::Trace trace(opt.trace) when --trace was not given.
    ScratchDir tmp;
    fs::path before = fs::current_path();
    fs::current_path(tmp.path());
    {
        nn::Trace trace(std::string(""));
        EXPECT_FALSE(trace.enabled());
        EXPECT_FALSE(trace.wants(0));
        trace.record(0, "w", std::vector<float>{1, 2});
        trace.close();
    }
    fs::current_path(before);
    EXPECT_TRUE(fs::is_empty(tmp.path()));
}
