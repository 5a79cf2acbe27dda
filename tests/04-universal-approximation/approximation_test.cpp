// Chapter 4 exercise tests: 4.1 the step, 4.2 the bump, 4.3 the constructive
// approximator, 4.4 the tent map and the sawtooth. Suites named Ex4_<n>_... check
// exercise 4.<n> (make check groups them by that prefix). Each is written to fail on
// the stub and on the plausible wrong answer named in its comment. The given functions
// and the error bound the issue asks for (the approximator gets better with more bumps)
// are in the suites Approximation04_*.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "04-universal-approximation/approximation.hpp"

using namespace ua;

namespace {

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

// ---------------------------------------------------------------- 4.1

TEST(Ex4_1_StepNeuron, IsExactlyOneHalfAtTheStep) {
    // sigma(w (s - s)) = sigma(0); a bias of +w s would give sigma(2 w s) instead.
    for (double s : {0.3, 0.7, -0.4}) EXPECT_DOUBLE_EQ(step_neuron(s, s, 5.0), 0.5) << "s = " << s;
}

TEST(Ex4_1_StepNeuron, IsTheSigmoidOfWTimesXMinusS) {
    for (double x : {-1.0, 0.0, 0.25, 0.9})
        for (double w : {1.0, 3.0, 20.0})
            EXPECT_NEAR(step_neuron(x, 0.4, w), logistic(w * (x - 0.4)), 1e-12) << "x = " << x << ", w = " << w;
}

TEST(Ex4_1_StepNeuron, BecomesAStepFromZeroToOneAsTheWeightGrows) {
    EXPECT_LT(step_neuron(0.45, 0.5, 1000.0), 1e-15);
    EXPECT_GT(step_neuron(0.55, 0.5, 1000.0), 1 - 1e-15);
    // Far from overflowing: w (x - s) = +-5000 still gives 0 and 1, never NaN.
    EXPECT_EQ(step_neuron(-4.5, 0.5, 1000.0), 0.0);
    EXPECT_EQ(step_neuron(5.5, 0.5, 1000.0), 1.0);
}

// ---------------------------------------------------------------- 4.2

TEST(Ex4_2_Bump, IsAboutHInsideAndAboutZeroOutside) {
    // Steps swapped (the step at s2 minus the one at s1) give -h inside.
    EXPECT_NEAR(bump(0.5, 0.2, 0.8, 2.5, 500.0), 2.5, 1e-6);
    EXPECT_NEAR(bump(0.1, 0.2, 0.8, 2.5, 500.0), 0.0, 1e-6);
    EXPECT_NEAR(bump(0.9, 0.2, 0.8, 2.5, 500.0), 0.0, 1e-6);
}

TEST(Ex4_2_Bump, IsHTimesTheDifferenceOfTwoSigmoids) {
    for (double x : {0.0, 0.3, 0.55, 1.0}) {
        double expected = -1.5 * (logistic(4 * (x - 0.25)) - logistic(4 * (x - 0.6)));
        EXPECT_NEAR(bump(x, 0.25, 0.6, -1.5, 4.0), expected, 1e-12) << "x = " << x;
    }
}

TEST(Ex4_2_Bump, IsHalfHeightAtEachEdge) {
    // sigma(0) - sigma(-w (s2 - s1)) is about 1/2 when the bump is wide compared with 1 / w.
    EXPECT_NEAR(bump(0.2, 0.2, 0.8, 1.0, 200.0), 0.5, 1e-6);
    EXPECT_NEAR(bump(0.8, 0.2, 0.8, 1.0, 200.0), 0.5, 1e-6);
}

// ---------------------------------------------------------------- 4.3

TEST(Ex4_3_BumpsNetwork, HasTwoUnitsPerBumpInOrderWithBiasMinusWS) {
    // f(x) = 1 + x on 4 bumps: heights f(midpoints) = 1.125, 1.375, 1.625, 1.875.
    Shallow net = bumps_network([](double x) { return 1 + x; }, 4, 10.0);
    ASSERT_EQ(net.units(), 8u);
    ASSERT_EQ(net.b.size(), 8u);
    ASSERT_EQ(net.v.size(), 8u);
    const std::vector<double> heights{1.125, 1.375, 1.625, 1.875};
    for (size_t i = 0; i < 4; ++i) {
        double s_left = i / 4.0, s_right = (i + 1) / 4.0;
        EXPECT_DOUBLE_EQ(net.w[2 * i], 10.0);
        EXPECT_DOUBLE_EQ(net.w[2 * i + 1], 10.0);
        EXPECT_NEAR(net.b[2 * i], -10.0 * s_left, 1e-12) << "unit " << 2 * i << ": the step up at s_" << i;
        EXPECT_NEAR(net.b[2 * i + 1], -10.0 * s_right, 1e-12) << "unit " << 2 * i + 1 << ": the step down at s_" << i + 1;
        EXPECT_NEAR(net.v[2 * i], heights[i], 1e-12) << "h_" << i << " = f(midpoint), not f(left end)";
        EXPECT_NEAR(net.v[2 * i + 1], -heights[i], 1e-12);
    }
    EXPECT_EQ(net.c, 0.0);
}

TEST(Ex4_3_BumpsNetwork, TakesTheHeightsAtTheMidpoints) {
    // On 5 bumps of x^2 every height is ((2i + 1) / 10)^2; the left end would give (i / 5)^2.
    Shallow net = bumps_network([](double x) { return x * x; }, 5, 1.0);
    ASSERT_EQ(net.v.size(), 10u);
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(net.v[2 * i], (2 * i + 1) * (2 * i + 1) / 100.0, 1e-12) << "bump " << i;
}

TEST(Ex4_3_BumpsNetwork, ReproducesAPiecewiseConstantFunctionAwayFromTheSteps) {
    auto staircase = [](double x) { return x < 0.5 ? 0.3 : 0.8; };
    Shallow net = bumps_network(staircase, 2, 2000.0);
    for (double x : {0.1, 0.4, 0.6, 0.95}) EXPECT_NEAR(evaluate(net, x), staircase(x), 1e-9) << "x = " << x;
}

TEST(Ex4_3_BumpsNetwork, OneBumpCoversTheWholeInterval) {
    // One bump: a step up at 0 and down at 1, of height f(1/2) = 0.25.
    Shallow net = bumps_network([](double x) { return x * x; }, 1, 10.0);
    ASSERT_EQ(net.units(), 2u) << "one bump is a valid network of two units";
    EXPECT_NEAR(net.b[0], 0.0, 1e-12);
    EXPECT_NEAR(net.b[1], -10.0, 1e-12);
    EXPECT_NEAR(net.v[0], 0.25, 1e-12);
    EXPECT_NEAR(net.v[1], -0.25, 1e-12);
}

TEST(Ex4_3_BumpsNetwork, RefusesNoBumpsAndANonPositiveWeight) {
    auto f = [](double x) { return x; };
    EXPECT_THROW(bumps_network(f, 0, 10.0), std::invalid_argument);
    EXPECT_THROW(bumps_network(f, -3, 10.0), std::invalid_argument);
    EXPECT_THROW(bumps_network(f, 3, 0.0), std::invalid_argument);
    EXPECT_THROW(bumps_network(f, 3, -1.0), std::invalid_argument);
}

// ---------------------------------------------------------------- 4.4

TEST(Ex4_4_Tent, IsTwoXThenTwoMinusTwoX) {
    // Without the -4 relu(x - 1/2), t(3/4) = 3/2; with -2 instead of -4, t(3/4) = 1.
    for (double x : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0}) {
        double expected = x <= 0.5 ? 2 * x : 2 - 2 * x;
        EXPECT_NEAR(tent(x), expected, 1e-15) << "x = " << x;
    }
}

TEST(Ex4_4_Sawtooth, ZeroCompositionsIsTheIdentity) {
    for (double x : {0.0, 0.3, 1.0}) EXPECT_DOUBLE_EQ(sawtooth(x, 0), x);
}

TEST(Ex4_4_Sawtooth, ComposesTheTentKTimes) {
    // x = 0.3: 0.6, 0.8, 0.4, 0.8 (composing k - 1 times would lag one step behind).
    EXPECT_NEAR(sawtooth(0.3, 1), 0.6, 1e-12);
    EXPECT_NEAR(sawtooth(0.3, 2), 0.8, 1e-12);
    EXPECT_NEAR(sawtooth(0.3, 3), 0.4, 1e-12);
    EXPECT_NEAR(sawtooth(0.3, 4), 0.8, 1e-12);
}

TEST(Ex4_4_Sawtooth, HasTwoToTheKMinusOneTeeth) {
    // The peaks (value 1) of t^k are at x = (2 j + 1) / 2^k, the valleys (0) at j / 2^(k-1).
    for (int k : {1, 3, 5}) {
        double pieces = std::ldexp(1.0, k);
        for (int j = 0; j < int(pieces) / 2; ++j) {
            EXPECT_NEAR(sawtooth((2 * j + 1) / pieces, k), 1.0, 1e-12) << "k = " << k << ", peak " << j;
            EXPECT_NEAR(sawtooth(2 * j / pieces, k), 0.0, 1e-12) << "k = " << k << ", valley " << j;
        }
    }
}

// ---------------------------------------------------------------- given functions

TEST(Approximation04_Given, SigmoidIsOverflowSafeAndSymmetric) {
    EXPECT_DOUBLE_EQ(sigmoid(0.0), 0.5);
    EXPECT_EQ(sigmoid(-1000.0), 0.0);
    EXPECT_EQ(sigmoid(1000.0), 1.0);
    for (double z : {0.3, 2.0, 12.0}) EXPECT_NEAR(sigmoid(z) + sigmoid(-z), 1.0, 1e-15);
}

TEST(Approximation04_Given, EvaluateSumsTheUnitsAndTheConstant) {
    Shallow net{{1.0, -2.0}, {0.0, 1.0}, {3.0, 0.5}, 0.25};
    // x = 0.5: 0.25 + 3 sigma(0.5) + 0.5 sigma(0).
    EXPECT_NEAR(evaluate(net, 0.5), 0.25 + 3 * logistic(0.5) + 0.25, 1e-12);
    EXPECT_DOUBLE_EQ(evaluate(Shallow{}, 0.7), 0.0);
}

TEST(Approximation04_Given, SharpWeightTakesTheSigmoidFromOnePercentTo99WithinATenthOfAnInterval) {
    double w = sharp_weight(10);
    EXPECT_NEAR(logistic(w * 0.005), 0.99, 1e-12);  // half of 1 / (10 * 10) to the right of s
    EXPECT_NEAR(nielsen_f(0.0), 0.25, 1e-15);
}

TEST(Approximation04_Given, MaxErrorFindsTheLargestGapIncludingTheEnds) {
    auto zero = [](double) { return 0.0; };
    EXPECT_DOUBLE_EQ(max_error([](double x) { return x; }, zero), 1.0);
    EXPECT_DOUBLE_EQ(max_error([](double x) { return -x; }, zero, -2.0, 1.0, 4), 2.0);
}

TEST(Approximation04_Tower, IsAboutHInsideTheSquareAndAboutZeroOutside) {
    const double h = 0.7, w = 200, w2 = 40;
    EXPECT_NEAR(tower(0.5, 0.5, 0.3, 0.7, 0.4, 0.6, h, w, w2), h, 1e-6);
    // Outside, on the arms of the cross (one bump about 1) and far from both.
    for (auto [x, y] : {std::pair{0.5, 0.9}, std::pair{0.1, 0.5}, std::pair{0.05, 0.05}, std::pair{0.9, 0.1}})
        EXPECT_NEAR(tower(x, y, 0.3, 0.7, 0.4, 0.6, h, w, w2), 0.0, 1e-6) << "(" << x << ", " << y << ")";
}

// ---------------------------------------------------------------- the error bound

TEST(Approximation04_ErrorBound, MaxErrorOnNielsensFunctionShrinksAsBumpsAreAdded) {
    // Piecewise constant with heights at the midpoints: the error is about max|f'| / (2 N)
    // (max|f'| on [0, 1] is about 7; measured, about 3 / N). It is measured on [0.05, 0.95]:
    // at x = 0 and x = 1 only half of the first and last step is up (see the next test).
    double previous = 1e9;
    for (int bumps : {10, 20, 40, 80}) {
        Shallow net = bumps_network(nielsen_f, bumps, sharp_weight(bumps));
        double error = max_error(nielsen_f, [&](double x) { return evaluate(net, x); }, 0.05, 0.95);
        EXPECT_LT(error, previous) << bumps << " bumps";
        EXPECT_LT(error, 4.0 / bumps) << bumps << " bumps";
        previous = error;
    }
    EXPECT_LT(previous, 0.05) << "80 bumps";
}

TEST(Approximation04_ErrorBound, TheEndsOfTheIntervalGetHalfTheHeight) {
    // sigma(w (1 - 1)) = 1/2: at x = 1 the last bump is half down whatever N is.
    Shallow net = bumps_network(nielsen_f, 80, sharp_weight(80));
    double last_height = net.v[2 * 80 - 2];
    EXPECT_NEAR(evaluate(net, 1.0), last_height / 2, 1e-6);
    EXPECT_NEAR(evaluate(net, 0.0), net.v[0] / 2, 1e-6);
}
