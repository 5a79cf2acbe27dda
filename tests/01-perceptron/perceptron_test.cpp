// Chapter 1 tests. Suites named Ex1_<n>_... check exercise 1.<n> (make check groups
// them by that prefix); the others check the given functions and whole runs.
// Expected values are worked out by hand in the comments, with numbers chosen to be
// exact in float, so most comparisons are exact.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "01-perceptron/perceptron.hpp"
#include "common/errors.hpp"

using namespace perceptron;

namespace {

// A [rows, cols] tensor from its rows.
Tensor matrix(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }

using Vec = std::vector<float>;

Vec row_of(const Tensor& W, size_t c) {
    auto r = W.row(c);
    return {r.begin(), r.end()};
}

// Exact comparison: every expected value below is exact in float.
void expect_perceptron(const Perceptron& p, const Vec& w, float b) {
    EXPECT_EQ(p.w, w);
    EXPECT_EQ(p.b, b);
}

void expect_model(const MulticlassPerceptron& m, const Tensor& W, const Vec& b) {
    ASSERT_EQ(m.W.shape(), W.shape());
    for (size_t c = 0; c < W.dim(0); ++c) EXPECT_EQ(row_of(m.W, c), row_of(W, c)) << "row " << c;
    EXPECT_EQ(m.b, b);
}

// Data for 1.3, rows (1,0) t=1, (0,1) t=0, (2,0) t=1.
const Tensor kEpochX = matrix({{1, 0}, {0, 1}, {2, 0}});
const std::vector<int> kEpochT{1, 0, 1};

// A stream of six examples of three classes, for 1.5.
const Tensor kStreamX = matrix({{1, 0}, {0, 1}, {-1, -1}, {2, 1}, {1, -2}, {0, 3}});
const std::vector<int> kStreamY{0, 1, 2, 2, 0, 1};

}  // namespace

// ---------------------------------------------------------------- 1.1

TEST(Ex1_1_Neuron, WeightedSumIsDotProductPlusBias) {
    Perceptron p{{1, 2, 3}, 0.5f};
    Vec x{4, 5, 6};
    // 1*4 + 2*5 + 3*6 + 0.5 = 4 + 10 + 18 + 0.5
    EXPECT_FLOAT_EQ(weighted_sum(p, x), 32.5f);
    // A negative bias: 1 * 4 + 1 * 0 - 1.5.
    EXPECT_FLOAT_EQ(weighted_sum(Perceptron{{1, 1}, -1.5f}, Vec{4, 0}), 2.5f);
}

TEST(Ex1_1_Neuron, WeightedSumUsesEveryInputIncludingTheLast) {
    Perceptron p{{0, 0, 0, 2}, 0.0f};
    Vec x{1, 1, 1, 3};
    // Only the last input has a weight: 2 * 3.
    EXPECT_FLOAT_EQ(weighted_sum(p, x), 6.0f);
}

TEST(Ex1_1_Neuron, WeightedSumStopsAtTheLastInput) {
    // x is the first 2 entries of a buffer of 3 whose third is NaN: a loop one past the
    // end would add w[2] * NaN and return NaN.
    Perceptron p{{1, 2}, 0.0f};
    const float buffer[3] = {3, 4, std::numeric_limits<float>::quiet_NaN()};
    EXPECT_FLOAT_EQ(weighted_sum(p, std::span<const float>(buffer, 2)), 11.0f) << "z sums j = 0 .. d-1, no further";
}

TEST(Ex1_1_Neuron, StepFiresOnlyAboveZero) {
    EXPECT_EQ(step(3.0f), 1);
    EXPECT_EQ(step(1e-6f), 1);
    EXPECT_EQ(step(-1e-6f), 0);
    EXPECT_EQ(step(-3.0f), 0);
}

TEST(Ex1_1_Neuron, StepOfZeroIsZero) {
    EXPECT_EQ(step(0.0f), 0);
    EXPECT_EQ(step(-0.0f), 0);
}

// ---------------------------------------------------------------- 1.2

TEST(Ex1_2_UpdateRule, MissedPositiveMovesWeightsTowardX) {
    Perceptron p{{0, 0}, 0.0f};
    Vec x{1, 2};
    // z = 0, o = 0, t = 1: t - o = +1, so w += 0.5 * (1, 2) and b += 0.5.
    EXPECT_TRUE(update(p, x, 1, 0.5f));
    expect_perceptron(p, {0.5f, 1.0f}, 0.5f);
}

TEST(Ex1_2_UpdateRule, FalsePositiveMovesWeightsAwayFromX) {
    Perceptron p{{1, 1}, 0.0f};
    Vec x{1, 2};
    // z = 3, o = 1, t = 0: t - o = -1, so w -= 0.25 * (1, 2) and b -= 0.25.
    EXPECT_TRUE(update(p, x, 0, 0.25f));
    expect_perceptron(p, {0.75f, 0.5f}, -0.25f);
}

TEST(Ex1_2_UpdateRule, CorrectOutputLeavesPerceptronUnchanged) {
    Perceptron p{{1, 1}, -1.0f};
    // x = (1, 2): z = 2, o = 1 = t.   x = (-1, -2): z = -4, o = 0 = t.
    EXPECT_FALSE(update(p, Vec{1, 2}, 1, 0.5f));
    EXPECT_FALSE(update(p, Vec{-1, -2}, 0, 0.5f));
    expect_perceptron(p, {1, 1}, -1.0f);
}

TEST(Ex1_2_UpdateRule, PointOnTheBoundaryCountsAsNegative) {
    Perceptron p{{1, -1}, 0.0f};
    Vec x{2, 2};
    // z = 0, so o = step(0) = 0: right for t = 0, wrong for t = 1.
    EXPECT_FALSE(update(p, x, 0, 1.0f));
    EXPECT_TRUE(update(p, x, 1, 1.0f));
    // w = (1, -1) + (2, 2), b = 0 + 1.
    expect_perceptron(p, {3, 1}, 1.0f);
}

// ---------------------------------------------------------------- 1.3

TEST(Ex1_3_TrainEpoch, CountsMistakesAndKeepsGoingAfterOne) {
    // X rows (1,0) t=1, (0,1) t=0, (2,0) t=1; eta = 1, from zero; order 0, 1, 2:
    //   (1,0): z = 0,     o = 0, t = 1  mistake  w = (1, 0),  b = 1
    //   (0,1): z = 0 + 1, o = 1, t = 0  mistake  w = (1, -1), b = 0
    //   (2,0): z = 2,     o = 1, t = 1  right
    // Two mistakes, one right.
    std::vector<size_t> order{0, 1, 2};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, kEpochX, kEpochT, order, 1.0f), 2);
    expect_perceptron(p, {1, -1}, 0.0f);
}

TEST(Ex1_3_TrainEpoch, VisitsExamplesInTheGivenOrder) {
    // Same data, order 2, 1, 0:
    //   (2,0): z = 0,     o = 0, t = 1  mistake  w = (2, 0),  b = 1
    //   (0,1): z = 0 + 1, o = 1, t = 0  mistake  w = (2, -1), b = 0
    //   (1,0): z = 2,     o = 1, t = 1  right
    std::vector<size_t> order{2, 1, 0};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, kEpochX, kEpochT, order, 1.0f), 2);
    expect_perceptron(p, {2, -1}, 0.0f);
}

TEST(Ex1_3_TrainEpoch, OrderDecidesWhichExampleIsLearned) {
    // X rows (1,0), (0,1), both t = 1; eta = 1, from zero. The first one visited is
    // a mistake (z = 0) and sets b = 1, after which the other has z = 1: right.
    // Order 1, 0 learns w = (0, 1); order 0, 1 would learn w = (1, 0).
    Tensor X = matrix({{1, 0}, {0, 1}});
    std::vector<int> t{1, 1};
    std::vector<size_t> order{1, 0};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, X, t, order, 1.0f), 1);
    expect_perceptron(p, {0, 1}, 1.0f);
}

TEST(Ex1_3_TrainEpoch, PassesTheLearningRateToEachUpdate) {
    // The first epoch of the first test with eta = 0.5: every step halves.
    std::vector<size_t> order{0, 1, 2};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, kEpochX, kEpochT, order, 0.5f), 2);
    expect_perceptron(p, {0.5f, -0.5f}, 0.0f);
}

TEST(Ex1_3_TrainEpoch, LearnsFromTheLastExampleOfTheOrder) {
    // Same data, order 2, 0, 1: this time the last example visited is a mistake.
    //   (2,0): z = 0,     o = 0, t = 1  mistake  w = (2, 0),  b = 1
    //   (1,0): z = 2 + 1, o = 1, t = 1  right
    //   (0,1): z = 0 + 1, o = 1, t = 0  mistake  w = (2, -1), b = 0
    std::vector<size_t> order{2, 0, 1};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, kEpochX, kEpochT, order, 1.0f), 2) << "the last example of the order is visited too";
    expect_perceptron(p, {2, -1}, 0.0f);
}

TEST(Ex1_3_TrainEpoch, OneExampleIsAWholeEpoch) {
    // A single example, (1,0) with t = 1, is a mistake from zero: w = (1, 0), b = 1.
    std::vector<int> t{1};
    std::vector<size_t> order{0};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(train_epoch(p, matrix({{1, 0}}), t, order, 1.0f), 1) << "an epoch of one example is one update";
    expect_perceptron(p, {1, 0}, 1.0f);
}

TEST(Ex1_3_TrainEpoch, SeparatedDataGiveZeroMistakesAndNoChange) {
    // w = (1, -1), b = 0 classifies all three: z = 1, -1, 2.
    std::vector<size_t> order{1, 2, 0};
    Perceptron p{{1, -1}, 0.0f};
    EXPECT_EQ(train_epoch(p, kEpochX, kEpochT, order, 1.0f), 0);
    expect_perceptron(p, {1, -1}, 0.0f);
}

// ---------------------------------------------------------------- 1.4

TEST(Ex1_4_Multiclass, ZeroModelPredictsClassZero) {
    MulticlassPerceptron m(3, 2);
    // All three scores are 0: a tie, which goes to the lowest class.
    EXPECT_EQ(predict_class(m, Vec{1, 2}), 0);
}

TEST(Ex1_4_Multiclass, TieBetweenLaterClassesGoesToTheLowest) {
    MulticlassPerceptron m(3, 2);
    m.W = matrix({{0, 0}, {1, 0}, {1, 0}});
    // x = (1, 5): scores 0, 1, 1, classes 1 and 2 tie.
    EXPECT_EQ(predict_class(m, Vec{1, 5}), 1);
}

TEST(Ex1_4_Multiclass, PredictsTheLargestScoreBiasIncluded) {
    MulticlassPerceptron m(3, 2);
    m.W = matrix({{1, 0}, {0, 1}, {0, 0}});
    m.b = {0, 0, 2.5f};
    // x = (2, 1): scores 2, 1, 2.5.   x = (3, 1): scores 3, 1, 2.5.
    EXPECT_EQ(predict_class(m, Vec{2, 1}), 2);
    EXPECT_EQ(predict_class(m, Vec{3, 1}), 0);
    // x = (0, 4): scores 0, 4, 2.5.
    EXPECT_EQ(predict_class(m, Vec{0, 4}), 1);
}

TEST(Ex1_4_Multiclass, AllNegativeScoresStillGiveTheLargest) {
    MulticlassPerceptron m(3, 1);
    m.b = {-3, -1, -2};
    // Scores -3, -1, -2: class 1, although no score is above 0.
    EXPECT_EQ(predict_class(m, Vec{0}), 1) << "the running best starts at class 0's score, not at 0";
}

TEST(Ex1_4_Multiclass, OneClassIsAlwaysPredicted) {
    MulticlassPerceptron m(1, 2);
    m.b = {-5};
    EXPECT_EQ(predict_class(m, Vec{1, 2}), 0) << "with a single class, class 0 whatever its score";
}

TEST(Ex1_4_Multiclass, MistakeRaisesTrueClassAndLowersPredicted) {
    MulticlassPerceptron m(3, 2);
    Vec x{1, 2};
    // Predicted 0 (tie), true 2: W_2 += x, b_2 += 1, W_0 -= x, b_0 -= 1; W_1 untouched.
    EXPECT_TRUE(update_multiclass(m, x, 2));
    expect_model(m, matrix({{-1, -2}, {0, 0}, {1, 2}}), {-1, 0, 1});
}

TEST(Ex1_4_Multiclass, CorrectPredictionLeavesModelUnchanged) {
    MulticlassPerceptron m(2, 2);
    m.W = matrix({{1, 0}, {0, 1}});
    m.b = {0.5f, 0};
    Vec x{1, 1};
    // Scores 1.5, 1: predicted 0 = y.
    EXPECT_FALSE(update_multiclass(m, x, 0));
    expect_model(m, matrix({{1, 0}, {0, 1}}), {0.5f, 0});
}

TEST(Ex1_4_Multiclass, UpdateUsesTheCurrentPrediction) {
    MulticlassPerceptron m(3, 1);
    m.W = matrix({{0}, {2}, {1}});
    Vec x{1};
    // Scores 0, 2, 1: predicted 1, true 2. W_2 = 1 + 1, W_1 = 2 - 1; b_2 = 1, b_1 = -1.
    EXPECT_TRUE(update_multiclass(m, x, 2));
    expect_model(m, matrix({{0}, {1}, {2}}), {0, -1, 1});
    // Now the scores are 0, 0, 3: class 2 is learned.
    EXPECT_EQ(predict_class(m, x), 2);
}

// ---------------------------------------------------------------- 1.5

TEST(Ex1_5_Averaged, AverageIsCurrentMinusUOverC) {
    AveragedPerceptron a(2, 2);
    a.current.W = matrix({{1, 2}, {3, 4}});
    a.current.b = {1, -1};
    a.u.W = matrix({{2, 4}, {6, 8}});
    a.u.b = {2, 0};
    a.c = 4;
    // W = (1,2;3,4) - (2,4;6,8)/4 = (0.5,1;1.5,2), b = (1,-1) - (2,0)/4 = (0.5,-1).
    expect_model(averaged(a), matrix({{0.5f, 1}, {1.5f, 2}}), {0.5f, -1});
}

TEST(Ex1_5_Averaged, UpdatesCurrentUAndCounterStepByStep) {
    AveragedPerceptron a(2, 2);
    // c = 1, x = (1,0), y = 1: predicted 0 (tie), a mistake.
    //   current: W_1 = (1,0), b_1 = 1, W_0 = (-1,0), b_0 = -1; u: the same times c = 1.
    EXPECT_TRUE(update_averaged(a, Vec{1, 0}, 1));
    EXPECT_EQ(a.c, 2);
    EXPECT_EQ(row_of(a.u.W, 1), (Vec{1, 0}));
    // c = 2, x = (1,0), y = 1: scores -2, 2, predicted 1, right: only c moves.
    EXPECT_FALSE(update_averaged(a, Vec{1, 0}, 1));
    EXPECT_EQ(a.c, 3);
    // c = 3, x = (0,1), y = 0: scores -1, 1, predicted 1, a mistake.
    //   current: W_0 = (-1,1), b_0 = 0, W_1 = (1,-1), b_1 = 0.
    //   u += 3 (x, 1) on class 0 and -3 (x, 1) on class 1:
    //   u.W_0 = (-1,3), u.b_0 = 2, u.W_1 = (1,-3), u.b_1 = -2.
    EXPECT_TRUE(update_averaged(a, Vec{0, 1}, 0));
    EXPECT_EQ(a.c, 4);
    expect_model(a.current, matrix({{-1, 1}, {1, -1}}), {0, 0});
    expect_model(a.u, matrix({{-1, 3}, {1, -3}}), {2, -2});
    // The average of the four states (start, after each example):
    //   W_0 = (0 + (-1,0) + (-1,0) + (-1,1)) / 4 = (-0.75, 0.25), b_0 = (0-1-1+0)/4 = -0.5
    //   and the opposite for class 1.
    expect_model(averaged(a), matrix({{-0.75f, 0.25f}, {0.75f, -0.25f}}), {-0.5f, 0.5f});
}

TEST(Ex1_5_Averaged, CurrentFollowsThePlainMulticlassRule) {
    // The same stream through update_multiclass and update_averaged.
    MulticlassPerceptron m(3, 2);
    AveragedPerceptron a(3, 2);
    for (int pass = 0; pass < 3; ++pass) {
        for (size_t i = 0; i < kStreamY.size(); ++i) {
            auto x = kStreamX.row(i);
            EXPECT_EQ(update_averaged(a, x, kStreamY[i]), update_multiclass(m, x, kStreamY[i]));
        }
    }
    for (size_t i = 0; i < m.W.size(); ++i) EXPECT_EQ(a.current.W[i], m.W[i]);
    EXPECT_EQ(a.current.b, m.b);
    EXPECT_EQ(a.c, 1 + 3 * 6);
}

TEST(Ex1_5_Averaged, AverageEqualsTheMeanOfEveryStateSeen) {
    // Keep every state by brute force and compare its mean with averaged().
    AveragedPerceptron a(3, 2);
    MulticlassPerceptron sum(3, 2);  // sum of the states, starting with the zero one
    int states = 1;
    for (int pass = 0; pass < 4; ++pass) {
        for (size_t i = 0; i < kStreamY.size(); ++i) {
            update_averaged(a, kStreamX.row(i), kStreamY[i]);
            for (size_t j = 0; j < sum.W.size(); ++j) sum.W[j] += a.current.W[j];
            for (size_t c = 0; c < 3; ++c) sum.b[c] += a.current.b[c];
            ++states;
        }
    }
    ASSERT_EQ(a.c, states);
    MulticlassPerceptron avg = averaged(a);
    for (size_t j = 0; j < sum.W.size(); ++j) EXPECT_NEAR(avg.W[j], sum.W[j] / states, 1e-5);
    for (size_t c = 0; c < 3; ++c) EXPECT_NEAR(avg.b[c], sum.b[c] / states, 1e-5);
}

// ---------------------------------------------------------------- 1.6

TEST(Ex1_6_ConvergenceBound, HandWorkedExample) {
    // w* = (3, 0), b* = -4, so |w~*| = |(3, 0, -4)| = 5.
    //   x = (2,0) t=1: y = +1, w*.x + b* = 2,  |x~| = sqrt(5)
    //   x = (0,0) t=0: y = -1, w*.x + b* = -4, |x~| = 1
    //   x = (2,2) t=1: y = +1, w*.x + b* = 2,  |x~| = sqrt(4 + 4 + 1) = 3
    // R = 3, gamma = min(2, 4, 2) / 5 = 0.4, bound = (3 / 0.4)^2 = 56.25.
    std::vector<int> t{1, 0, 1};
    ConvergenceBound cb = novikoff_bound(matrix({{2, 0}, {0, 0}, {2, 2}}), t, Vec{3, 0}, -4.0f);
    EXPECT_NEAR(cb.R, 3.0, 1e-12);
    EXPECT_NEAR(cb.gamma, 0.4, 1e-12);
    EXPECT_NEAR(cb.bound, 56.25, 1e-9);
}

TEST(Ex1_6_ConvergenceBound, RadiusCountsTheConstantInput) {
    // One point at the origin: x~ = (0, 0, 1), so R = 1, not 0.
    // w* = (0, 0), b* = 2: y (w~*.x~) / |w~*| = 2 / 2 = 1; bound = 1.
    std::vector<int> t{1};
    ConvergenceBound cb = novikoff_bound(matrix({{0, 0}}), t, Vec{0, 0}, 2.0f);
    EXPECT_NEAR(cb.R, 1.0, 1e-12);
    EXPECT_NEAR(cb.gamma, 1.0, 1e-12);
    EXPECT_NEAR(cb.bound, 1.0, 1e-12);
}

TEST(Ex1_6_ConvergenceBound, MarginIsUnchangedByScalingTheSeparator) {
    // The hand-worked example with (w*, b*) doubled: |w~*| = 10, margins 4, 8, 4.
    std::vector<int> t{1, 0, 1};
    ConvergenceBound cb = novikoff_bound(matrix({{2, 0}, {0, 0}, {2, 2}}), t, Vec{6, 0}, -8.0f);
    EXPECT_NEAR(cb.gamma, 0.4, 1e-12);
    EXPECT_NEAR(cb.bound, 56.25, 1e-9);
}

TEST(Ex1_6_ConvergenceBound, SeparatorNormCountsEveryWeight) {
    // w* = (0, 4), b* = -3: |w~*| = |(0, 4, -3)| = 5, the last weight included.
    //   x = (0,2) t=1: y = +1, w*.x + b* = 5,  |x~| = sqrt(5)
    //   x = (0,0) t=0: y = -1, w*.x + b* = -3, |x~| = 1
    // R = sqrt(5), gamma = min(5, 3) / 5 = 0.6, bound = 5 / 0.36.
    std::vector<int> t{1, 0};
    ConvergenceBound cb = novikoff_bound(matrix({{0, 2}, {0, 0}}), t, Vec{0, 4}, -3.0f);
    EXPECT_NEAR(cb.gamma, 0.6, 1e-12) << "|w~*| is the root of the squares of every weight and the bias";
    EXPECT_NEAR(cb.bound, 5.0 / 0.36, 1e-9);
}

TEST(Ex1_6_ConvergenceBound, ReadsTheDWeightsOfWStarAndNoMore) {
    // The hand-worked example with w* the first 2 entries of a buffer of 3 ending in NaN.
    std::vector<int> t{1, 0, 1};
    const float w_star[3] = {3, 0, std::numeric_limits<float>::quiet_NaN()};
    ConvergenceBound cb = novikoff_bound(matrix({{2, 0}, {0, 0}, {2, 2}}), t, std::span<const float>(w_star, 2), -4.0f);
    EXPECT_NEAR(cb.bound, 56.25, 1e-9) << "|w~*| sums the squares of the d weights and the bias, no further";
}

TEST(Ex1_6_ConvergenceBound, NegativeExamplesCountWithSignMinusOne) {
    // w* = (1, 0), b* = 0, |w~*| = 1. The negative (-1, 0) is nearest the boundary:
    //   x = (4,0) t=1: margin 4, |x~| = sqrt(17)
    //   x = (-1,0) t=0: margin -1 * -1 = 1, |x~| = sqrt(2)
    // R = sqrt(17), gamma = 1, bound = 17.
    std::vector<int> t{1, 0};
    ConvergenceBound cb = novikoff_bound(matrix({{4, 0}, {-1, 0}}), t, Vec{1, 0}, 0.0f);
    EXPECT_NEAR(cb.R, std::sqrt(17.0), 1e-12);
    EXPECT_NEAR(cb.gamma, 1.0, 1e-12);
    EXPECT_NEAR(cb.bound, 17.0, 1e-9);
}

// ---------------------------------------------------------------- given functions

TEST(Perceptron_Given, PredictIsTheStepOfTheWeightedSum) {
    Perceptron p{{1, 1}, -1.5f};
    // AND: z = -1.5, -0.5, -0.5, 0.5.
    EXPECT_EQ(predict(p, Vec{0, 0}), 0);
    EXPECT_EQ(predict(p, Vec{0, 1}), 0);
    EXPECT_EQ(predict(p, Vec{1, 0}), 0);
    EXPECT_EQ(predict(p, Vec{1, 1}), 1);
}

TEST(Perceptron_Given, SigmoidAndReluAtAFewPoints) {
    EXPECT_FLOAT_EQ(sigmoid(0.0f), 0.5f);
    EXPECT_NEAR(sigmoid(2.0f), 1.0 / (1.0 + std::exp(-2.0)), 1e-6);
    EXPECT_NEAR(sigmoid(-2.0f) + sigmoid(2.0f), 1.0f, 1e-6);
    EXPECT_FLOAT_EQ(relu(-3.0f), 0.0f);
    EXPECT_FLOAT_EQ(relu(0.0f), 0.0f);
    EXPECT_FLOAT_EQ(relu(2.5f), 2.5f);
}

TEST(Perceptron_Given, ConstructorsStartFromZero) {
    MulticlassPerceptron m(4, 3);
    EXPECT_EQ(m.W.shape(), (std::vector<size_t>{4, 3}));
    EXPECT_EQ(m.b, (Vec(4, 0.0f)));
    for (size_t i = 0; i < m.W.size(); ++i) EXPECT_EQ(m.W[i], 0.0f);
    AveragedPerceptron a(4, 3);
    EXPECT_EQ(a.current.W.shape(), (std::vector<size_t>{4, 3}));
    EXPECT_EQ(a.u.W.shape(), (std::vector<size_t>{4, 3}));
    EXPECT_EQ(a.u.b.size(), 4u);
    EXPECT_EQ(a.c, 1);
}

TEST(Perceptron_Given, ScoresAgreeWithALoop) {
    // Awkward sizes: n = 5, d = 7, k = 3, small integers so sums are exact.
    size_t n = 5, d = 7, k = 3;
    MulticlassPerceptron m(k, d);
    Tensor X({n, d});
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) X(i, j) = float(int(i * 7 + j * 3) % 5 - 2);
    for (size_t c = 0; c < k; ++c) {
        m.b[c] = float(c) - 1.0f;
        for (size_t j = 0; j < d; ++j) m.W(c, j) = float(int(c * 5 + j * 2) % 7 - 3);
    }
    Tensor S = scores(m, X);
    ASSERT_EQ(S.shape(), (std::vector<size_t>{n, k}));
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < k; ++c) {
            float s = m.b[c];
            for (size_t j = 0; j < d; ++j) s += m.W(c, j) * X(i, j);
            EXPECT_FLOAT_EQ(S(i, c), s) << "row " << i << ", class " << c;
        }
    }
}

TEST(Perceptron_Given, AccuracyAndConfusionOnATinyExample) {
    // Class 0 scores x_0, class 1 scores x_1, class 2 scores 0.5 (its bias).
    MulticlassPerceptron m(3, 2);
    m.W = matrix({{1, 0}, {0, 1}, {0, 0}});
    m.b = {0, 0, 0.5f};
    // Predictions: 0, 1, 2, 0 (tie 1 vs 1 goes to 0), 2; labels: 0, 1, 2, 1, 0.
    Tensor X = matrix({{2, 0}, {0, 2}, {0, 0}, {1, 1}, {0.25f, 0}});
    std::vector<int> labels{0, 1, 2, 1, 0};
    Tensor confusion;
    EXPECT_DOUBLE_EQ(accuracy(m, X, labels, &confusion), 3.0 / 5.0);
    // confusion(true, predicted): (0,0), (1,1), (2,2), (1,0), (0,2).
    Tensor expected = matrix({{1, 0, 1}, {1, 1, 0}, {0, 0, 1}});
    ASSERT_EQ(confusion.shape(), expected.shape());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(confusion[i], expected[i]) << i;
    // Without a confusion matrix, the same accuracy.
    EXPECT_DOUBLE_EQ(accuracy(m, X, labels), 3.0 / 5.0);
}

TEST(Perceptron_Given, AccuracyRejectsALabelOutsideTheClasses) {
    MulticlassPerceptron m(3, 2);
    std::vector<int> labels{0, 3};
    EXPECT_THROW(accuracy(m, matrix({{1, 0}, {0, 1}}), labels), nn::DataError);
}

// ---------------------------------------------------------------- whole runs

namespace {

const Tensor kGateInputs = matrix({{0, 0}, {0, 1}, {1, 0}, {1, 1}});

// Epochs until an epoch without mistakes, or -1 if none within max_epochs.
int epochs_to_converge(Perceptron& p, std::span<const int> t, int max_epochs,
                       int* total_mistakes = nullptr) {
    std::vector<size_t> order{0, 1, 2, 3};
    for (int epoch = 1; epoch <= max_epochs; ++epoch) {
        int mistakes = train_epoch(p, kGateInputs, t, order, 1.0f);
        if (total_mistakes) *total_mistakes += mistakes;
        if (mistakes == 0) return epoch;
    }
    return -1;
}

}  // namespace

TEST(Perceptron_EndToEnd, LearnsAndOrNandWithinAFewEpochs) {
    const std::vector<std::pair<const char*, std::vector<int>>> gates{
        {"AND", {0, 0, 0, 1}}, {"OR", {0, 1, 1, 1}}, {"NAND", {1, 1, 1, 0}}};
    for (const auto& [name, t] : gates) {
        Perceptron p{{0, 0}, 0.0f};
        int epochs = epochs_to_converge(p, t, 10);
        EXPECT_GT(epochs, 0) << name << " not learned in 10 epochs";
        for (size_t i = 0; i < 4; ++i) EXPECT_EQ(predict(p, kGateInputs.row(i)), t[i]) << name;
    }
}

TEST(Perceptron_EndToEnd, NeverSeparatesXorIn100Epochs) {
    std::vector<int> t{0, 1, 1, 0};
    Perceptron p{{0, 0}, 0.0f};
    EXPECT_EQ(epochs_to_converge(p, t, 100), -1);
}

TEST(Perceptron_EndToEnd, MistakesStayWithinTheNovikoffBound) {
    // AND is separated by w* = (1, 1), b* = -1.5: R^2 = 3, gamma = 0.5 / sqrt(4.25),
    // bound = 3 * 4.25 / 0.25 = 51.
    std::vector<int> t{0, 0, 0, 1};
    Vec w_star{1, 1};
    ConvergenceBound cb = novikoff_bound(kGateInputs, t, w_star, -1.5f);
    EXPECT_NEAR(cb.bound, 51.0, 1e-9);
    Perceptron p{{0, 0}, 0.0f};
    int total = 0;
    EXPECT_GT(epochs_to_converge(p, t, 100, &total), 0);
    EXPECT_LE(total, cb.bound);
}
