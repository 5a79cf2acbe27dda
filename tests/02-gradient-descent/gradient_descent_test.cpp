// Chapter 2 exercise tests. Suites named Ex2_<n>_... check exercise 2.<n> (make check
// groups them by that prefix); the given functions and whole runs are checked in
// given_test.cpp. Expected values are worked out by hand in the comments; where the
// numbers are exact in float the comparisons are exact, elsewhere EXPECT_NEAR.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"

using namespace gd;

namespace {

using Vec = std::vector<float>;

// A [rows, cols] tensor from its rows.
Tensor matrix(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }

void expect_near(const Vec& actual, const Vec& expected, double tolerance) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(actual[i], expected[i], tolerance) << "coordinate " << i;
}

void expect_rows_near(const Tensor& actual, const Tensor& expected, double tolerance) {
    ASSERT_EQ(actual.shape(), expected.shape());
    for (size_t i = 0; i < expected.dim(0); ++i)
        for (size_t c = 0; c < expected.dim(1); ++c)
            EXPECT_NEAR(actual(i, c), expected(i, c), tolerance) << "row " << i << ", column " << c;
}

// The mean cross-entropy in double, written independently of exercise 2.6, for the
// gradient check: -1/n sum_i (z_iy - log sum_c e^z_ic), with the row max taken out.
double reference_cross_entropy(const Tensor& Z, std::span<const int> labels) {
    double loss = 0.0;
    for (size_t i = 0; i < Z.dim(0); ++i) {
        double z_max = Z(i, 0);
        for (size_t c = 1; c < Z.dim(1); ++c) z_max = std::max(z_max, double(Z(i, c)));
        double sum = 0.0;
        for (size_t c = 0; c < Z.dim(1); ++c) sum += std::exp(Z(i, c) - z_max);
        loss += z_max + std::log(sum) - Z(i, static_cast<size_t>(labels[i]));
    }
    return loss / double(Z.dim(0));
}

// theta and g of the "stops at the end" tests: their first 2 entries are the spans given,
// and a loop one past the end reads g's NaN and writes it over theta's last entry.
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// A = (2 1; 1 3), symmetric positive definite (eigenvalues (5 +- sqrt 5) / 2), b = (1, -1).
const Quadratic kQuadratic{matrix({{2, 1}, {1, 3}}), {1, -1}};

}  // namespace

// ---------------------------------------------------------------- 2.1

TEST(Ex2_1_QuadraticGradient, IsAxMinusBOnA2x2Example) {
    Vec x{1, 2}, grad(2, 99.0f);
    // A x = (2 + 2, 1 + 6) = (4, 7); minus b = (1, -1): g = (3, 8).
    quadratic_gradient(kQuadratic, x, grad);
    EXPECT_EQ(grad, (Vec{3, 8}));
}

TEST(Ex2_1_QuadraticGradient, UsesTheOffDiagonalEntries) {
    // A tridiagonal 3x3 SPD matrix, b = (1, 2, 3), x = (1, -1, 2):
    //   A x = (4 - 1 + 0, 1 - 3 - 2, 0 + 1 + 4) = (3, -4, 5);  g = (2, -6, 2).
    // With the diagonal only, A x would be (4, -3, 4) and g = (3, -5, 1).
    Quadratic q{matrix({{4, 1, 0}, {1, 3, -1}, {0, -1, 2}}), {1, 2, 3}};
    Vec x{1, -1, 2}, grad(3, -7.0f);
    quadratic_gradient(q, x, grad);
    EXPECT_EQ(grad, (Vec{2, -6, 2}));
}

TEST(Ex2_1_QuadraticGradient, VanishesAtTheMinimumWhereAxEqualsB) {
    // b = A (1, 1) = (3, 4), so x = (1, 1) is the minimum and g = 0 there.
    Quadratic q{matrix({{2, 1}, {1, 3}}), {3, 4}};
    Vec x{1, 1}, grad(2, 5.0f);
    quadratic_gradient(q, x, grad);
    EXPECT_EQ(grad, (Vec{0, 0}));
    // At x = 0 the gradient is -b: downhill points toward b.
    Vec origin{0, 0};
    quadratic_gradient(q, origin, grad);
    EXPECT_EQ(grad, (Vec{-3, -4}));
}

TEST(Ex2_1_QuadraticGradient, AgreesWithCentralDifferencesOfTheValue) {
    // A random SPD matrix A = M M^T + I [4, 4], random b and x.
    nn::Rng rng(21);
    size_t n = 4;
    Tensor M({n, n});
    for (size_t i = 0; i < M.size(); ++i) M[i] = rng.uniform(-1, 1);
    Quadratic q{Tensor({n, n}), Vec(n)};
    for (size_t i = 0; i < n; ++i) {
        q.b[i] = rng.uniform(-1, 1);
        for (size_t j = 0; j < n; ++j) {
            float a = i == j ? 1.0f : 0.0f;
            for (size_t k = 0; k < n; ++k) a += M(i, k) * M(j, k);
            q.A(i, j) = a;
        }
    }
    Vec x(n), grad(n);
    for (float& v : x) v = rng.uniform(-2, 2);
    quadratic_gradient(q, x, grad);
    nn::GradCheckResult r = nn::check_gradient([&] { return quadratic_value(q, x); }, x, grad);
    EXPECT_TRUE(r.passed(1e-3)) << "max relative error " << r.max_relative_error << " at "
                                << r.worst_index << ": analytic " << r.analytic << ", numeric "
                                << r.numeric;
}

// ---------------------------------------------------------------- 2.2

TEST(Ex2_2_GradientStep, MovesAgainstTheGradientScaledByEta) {
    Vec theta{1, 2, 3}, g{0.5f, -1, 2};
    // theta - 0.5 g = (1 - 0.25, 2 + 0.5, 3 - 1).
    gradient_step(theta, g, 0.5f);
    EXPECT_EQ(theta, (Vec{0.75f, 2.5f, 2}));
}

TEST(Ex2_2_GradientStep, UpdatesEveryCoordinateIncludingTheFirstAndLast) {
    Vec theta(5, 0.0f), g{1, 2, 3, 4, 5};
    // eta = 0.25: theta = -(0.25, 0.5, 0.75, 1, 1.25).
    gradient_step(theta, g, 0.25f);
    EXPECT_EQ(theta, (Vec{-0.25f, -0.5f, -0.75f, -1, -1.25f}));
}

TEST(Ex2_2_GradientStep, StopsAtTheEndOfTheSpans) {
    float theta[3] = {1, 2, 7};
    const float g[3] = {2, -2, kNaN};
    gradient_step(std::span<float>(theta, 2), std::span<const float>(g, 2), 0.5f);
    EXPECT_EQ(theta[2], 7.0f) << "theta[n], past the end of the span, is left alone";
    EXPECT_EQ(theta[0], 0.0f);
    EXPECT_EQ(theta[1], 3.0f);
}

TEST(Ex2_2_GradientStep, RepeatedStepsDescendAParabola) {
    // f(theta) = theta^2 has g = 2 theta; with eta = 0.25 each step halves theta:
    // theta <- theta - 0.25 * 2 theta = theta / 2. From 8: 4, 2, 1.
    Vec theta{8};
    for (int k = 0; k < 3; ++k) {
        Vec g{2 * theta[0]};
        gradient_step(theta, g, 0.25f);
    }
    EXPECT_EQ(theta[0], 1.0f);
}

// ---------------------------------------------------------------- 2.3

TEST(Ex2_3_Momentum, FirstStepSizesVelocityAndEqualsGradientDescent) {
    Momentum opt{0.25f, 0.5f, {}};
    Vec theta{1, -2}, g{2, 4};
    // v = 0.5 * 0 + g = (2, 4); theta = (1, -2) - 0.25 (2, 4) = (0.5, -3).
    opt.step(theta, g);
    EXPECT_EQ(opt.v, (Vec{2, 4}));
    EXPECT_EQ(theta, (Vec{0.5f, -3}));
}

TEST(Ex2_3_Momentum, SecondStepMovesAlongTheAccumulatedVelocity) {
    Momentum opt{0.25f, 0.5f, {}};
    Vec theta{1, -2};
    opt.step(theta, Vec{2, 4});
    // v = 0.5 (2, 4) + (1, -2) = (2, 0); theta = (0.5, -3) - 0.25 (2, 0) = (0, -3).
    // (Stepping along g instead would give (0.25, -2.5).)
    opt.step(theta, Vec{1, -2});
    EXPECT_EQ(opt.v, (Vec{2, 0}));
    EXPECT_EQ(theta, (Vec{0, -3}));
}

TEST(Ex2_3_Momentum, ConstantGradientBuildsUpSpeed) {
    Momentum opt{0.25f, 0.5f, {}};
    Vec theta{0}, g{1};
    // v = 1, 1.5, 1.75; theta = -0.25 (1 + 1.5 + 1.75) = -1.0625.
    for (int k = 0; k < 3; ++k) opt.step(theta, g);
    EXPECT_EQ(opt.v, (Vec{1.75f}));
    EXPECT_EQ(theta[0], -1.0625f);
}

TEST(Ex2_3_Momentum, StopsAtTheEndOfTheSpans) {
    Momentum momentum{0.5f, 0.9f, {}};
    float theta[3] = {1, 2, 7};
    const float g[3] = {2, -2, kNaN};
    momentum.step(std::span<float>(theta, 2), std::span<const float>(g, 2));
    EXPECT_EQ(theta[2], 7.0f) << "theta[n], past the end of the span, is left alone";
    EXPECT_EQ(momentum.v, (Vec{2, -2}));
}

TEST(Ex2_3_Momentum, KeepsAVelocityItAlreadyHas) {
    Momentum opt{0.5f, 0.75f, {4, -8}};
    Vec theta{0, 0}, g{1, 1};
    // v = 0.75 (4, -8) + (1, 1) = (4, -5); theta = -0.5 v = (-2, 2.5).
    opt.step(theta, g);
    EXPECT_EQ(opt.v, (Vec{4, -5}));
    EXPECT_EQ(theta, (Vec{-2, 2.5f}));
}

// ---------------------------------------------------------------- 2.4

TEST(Ex2_4_Adam, FirstStepIsAboutEtaWhateverTheGradientScale) {
    Adam opt;  // beta1 = 0.9, beta2 = 0.999, eps = 1e-8
    opt.eta = 0.1f;
    Vec theta{1, 1, 1}, g{2, -0.5f, 100};
    // t = 1: m = 0.1 g, s = 0.001 g^2, m_hat = g, s_hat = g^2, so each coordinate moves
    // by eta g / |g| = 0.1 against the sign of g (eps changes the 7th digit at most).
    opt.step(theta, g);
    EXPECT_EQ(opt.t, 1);
    expect_near(theta, {0.9f, 1.1f, 0.9f}, 1e-6);
    // m and s to 1e-4 relative: 1 - 0.9f and 1 - 0.999f are not exact in float.
    ASSERT_EQ(opt.m.size(), 3u);
    ASSERT_EQ(opt.s.size(), 3u);
    const float m[3] = {0.2f, -0.05f, 10}, s[3] = {0.004f, 0.00025f, 10};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_NEAR(opt.m[i], m[i], 1e-4 * std::abs(m[i])) << "m " << i;
        EXPECT_NEAR(opt.s[i], s[i], 1e-4 * std::abs(s[i])) << "s " << i;
    }
}

TEST(Ex2_4_Adam, SecondStepUsesBothMomentsWithTheirOwnBetas) {
    Adam opt;
    opt.eta = 0.1f;
    opt.beta1 = 0.5f;
    opt.beta2 = 0.75f;
    opt.eps = 0.0f;
    Vec theta{1, -1};
    // Step 1, g = (2, -1): m_hat = g, s_hat = g^2, theta = (0.9, -0.9).
    opt.step(theta, Vec{2, -1});
    expect_near(theta, {0.9f, -0.9f}, 1e-6);
    // Step 2, g = (4, 3): m = 0.5 m + 0.5 g = (2.5, 1.25), s = 0.75 s + 0.25 g^2 = (4.75, 2.4375);
    // corrections 1 - 0.5^2 = 0.75 and 1 - 0.75^2 = 0.4375:
    //   theta_0 = 0.9 - 0.1 (2.5 / 0.75) / sqrt(4.75 / 0.4375)     = 0.7988372
    //   theta_1 = -0.9 - 0.1 (1.25 / 0.75) / sqrt(2.4375 / 0.4375) = -0.9706099
    // (with the betas swapped: 0.8092735 and -0.9510891).
    opt.step(theta, Vec{4, 3});
    EXPECT_EQ(opt.t, 2);
    expect_near(opt.m, {2.5f, 1.25f}, 1e-6);
    expect_near(opt.s, {4.75f, 2.4375f}, 1e-6);
    expect_near(theta, {0.7988372f, -0.9706099f}, 1e-6);
}

TEST(Ex2_4_Adam, EpsIsAddedOutsideTheSquareRoot) {
    Adam opt;
    opt.eta = 0.1f;
    opt.eps = 1.0f;
    Vec theta{0, 0}, g{3, -1};
    // t = 1: m_hat = g, s_hat = g^2, step = 0.1 g / (|g| + 1) = (0.075, -0.05).
    // (With eps under the root: 0.1 * 3 / sqrt(10) = 0.0949 and 0.0707.)
    opt.step(theta, g);
    expect_near(theta, {-0.075f, 0.05f}, 1e-6);
}

TEST(Ex2_4_Adam, StopsAtTheEndOfTheSpans) {
    Adam adam;
    float theta[3] = {1, 2, 7};
    const float g[3] = {2, -2, kNaN};
    adam.step(std::span<float>(theta, 2), std::span<const float>(g, 2));
    EXPECT_EQ(theta[2], 7.0f) << "theta[n], past the end of the span, is left alone";
    ASSERT_EQ(adam.m.size(), 2u);
    ASSERT_EQ(adam.s.size(), 2u);
}

TEST(Ex2_4_Adam, ZeroGradientLeavesACoordinateInPlace) {
    Adam opt;
    Vec theta{3, 3}, g{0, 1};
    // m = s = 0 in coordinate 0: 0 / (0 + eps) = 0, no move and no NaN.
    opt.step(theta, g);
    EXPECT_EQ(theta[0], 3.0f);
    EXPECT_NEAR(theta[1], 3.0f - 0.001f, 1e-6);
}

// ---------------------------------------------------------------- 2.5

namespace {

// X [4, 2] (more rows than columns, so X^T r and X r differ in shape), y [4].
const Tensor kX = matrix({{1, 2}, {3, -1}, {0, 1}, {2, 0}});
const Vec kY{1, 2, 3, 3};

}  // namespace

TEST(Ex2_5_LinearGradient, IsXTransposeResidualsOverN) {
    LinearModel model{{1, 1}, 0.5f};
    // y_hat = X w + b = (3.5, 2.5, 1.5, 2.5); r = y_hat - y = (2.5, 0.5, -1.5, -0.5).
    // X^T r = (2.5 + 1.5 + 0 - 1, 5 - 0.5 - 1.5 + 0) = (3, 3); sum r = 1.
    // Divided by n = 4: grad_w = (0.75, 0.75), grad_b = 0.25.
    Vec grad_w(2, 42.0f);
    float grad_b = 42.0f;
    linear_gradient(model, kX, kY, grad_w, grad_b);
    EXPECT_EQ(grad_w, (Vec{0.75f, 0.75f}));
    EXPECT_EQ(grad_b, 0.25f);
}

TEST(Ex2_5_LinearGradient, SignFollowsPredictionMinusTarget) {
    LinearModel model{{0, 2}, -1.0f};
    // y_hat = (3, -3, 1, -1); r = (2, -5, -2, -4).
    // X^T r = (2 - 15 + 0 - 8, 4 + 5 - 2 + 0) = (-21, 7); sum r = -9.
    // Divided by 4: grad_w = (-5.25, 1.75), grad_b = -2.25.
    Vec grad_w(7, 1.0f);  // stale contents of the wrong size: must be replaced
    float grad_b = 0;
    linear_gradient(model, kX, kY, grad_w, grad_b);
    EXPECT_EQ(grad_w, (Vec{-5.25f, 1.75f}));
    EXPECT_EQ(grad_b, -2.25f);
}

TEST(Ex2_5_LinearGradient, VanishesOnDataTheModelFitsExactly) {
    // y = 2 x_0 - x_1 + 1 exactly: every residual is 0.
    LinearModel model{{2, -1}, 1.0f};
    Vec y{1, 8, 0, 5};
    Vec grad_w;
    float grad_b = 3;
    linear_gradient(model, kX, y, grad_w, grad_b);
    EXPECT_EQ(grad_w, (Vec{0, 0}));
    EXPECT_EQ(grad_b, 0.0f);
}

TEST(Ex2_5_LinearGradient, OneExampleIsItsOwnMean) {
    // n = 1: x = (2, -1), y = 0, w = (1, 1), b = 0.5: y_hat = 1.5, r = 1.5.
    // grad_w = r x / 1 = (3, -1.5), grad_b = r / 1 = 1.5.
    LinearModel model{{1, 1}, 0.5f};
    Vec y{0}, grad_w;
    float grad_b = 0;
    linear_gradient(model, matrix({{2, -1}}), y, grad_w, grad_b);
    EXPECT_EQ(grad_w, (Vec{3, -1.5f})) << "a single example is a valid data set";
    EXPECT_EQ(grad_b, 1.5f);
}

TEST(Ex2_5_LinearGradient, AgreesWithCentralDifferencesOfTheLoss) {
    nn::Rng rng(25);
    size_t n = 7, d = 3;
    Tensor X({n, d});
    Vec y(n);
    for (size_t i = 0; i < X.size(); ++i) X[i] = rng.uniform(-1, 1);
    for (float& v : y) v = rng.normal();
    // The parameters in one array, so the checker can nudge b too: p = (w, b).
    Vec p{0.3f, -0.7f, 1.1f, 0.4f};
    auto model_of = [&] { return LinearModel{{p[0], p[1], p[2]}, p[3]}; };
    Vec grad_w;
    float grad_b = 0;
    linear_gradient(model_of(), X, y, grad_w, grad_b);
    ASSERT_EQ(grad_w.size(), d);
    Vec analytic{grad_w[0], grad_w[1], grad_w[2], grad_b};
    nn::GradCheckResult r =
        nn::check_gradient([&] { return linear_loss(model_of(), X, y); }, p, analytic);
    EXPECT_TRUE(r.passed(1e-3)) << "max relative error " << r.max_relative_error << " at "
                                << r.worst_index << ": analytic " << r.analytic << ", numeric "
                                << r.numeric;
}

// ---------------------------------------------------------------- 2.6

TEST(Ex2_6_SoftmaxCrossEntropy, HandWorkedTwoRows) {
    // Row 0: equal logits, p = 1/4 each, label 2: -log p = log 4,
    //        dZ row = (1/4, 1/4, 1/4 - 1, 1/4) / 2.
    // Row 1: logits (2, 0, 0, 0), S = e^2 + 3, p = (e^2, 1, 1, 1) / S, label 1:
    //        -log p_1 = log(e^2 + 3) = 2.3407530, p_0 = 0.7112346, p_1..3 = 0.0962551.
    // L = (log 4 + 2.3407530) / 2 = 1.8634969.
    Tensor Z = matrix({{0, 0, 0, 0}, {2, 0, 0, 0}});
    std::vector<int> labels{2, 1};
    Tensor dZ({2, 4}, 9.0f);
    double loss = softmax_cross_entropy(Z, labels, dZ);
    EXPECT_NEAR(loss, (std::log(4.0) + 2.3407530) / 2, 1e-6);
    float p0 = 0.7112346f, p1 = 0.0962551f;
    Tensor expected = matrix({{0.125f, 0.125f, -0.375f, 0.125f},
                              {p0 / 2, (p1 - 1) / 2, p1 / 2, p1 / 2}});
    expect_rows_near(dZ, expected, 1e-6);
}

TEST(Ex2_6_SoftmaxCrossEntropy, UsesTheProbabilityOfTheTrueClass) {
    // One row, logits (0, 1, 3), label 0 then label 1 (the log of class 0, or of the
    // argmax 2, cannot be right for both): -log p_0 = log(1 + e + e^3) - 0 = 3.1698460.
    Tensor Z = matrix({{0, 1, 3}});
    std::vector<int> labels{0};
    Tensor dZ({1, 3});
    EXPECT_NEAR(softmax_cross_entropy(Z, labels, dZ), 3.1698460, 1e-6);
    // Label 1 on the same row: log(1 + e + e^3) - 1.
    labels = {1};
    EXPECT_NEAR(softmax_cross_entropy(Z, labels, dZ), 2.1698460, 1e-6);
    // dZ = p - e_1 with p = (1, e, e^3) / (1 + e + e^3).
    double S = 1 + std::exp(1.0) + std::exp(3.0);
    EXPECT_NEAR(dZ(0, 0), 1 / S, 1e-6);
    EXPECT_NEAR(dZ(0, 1), std::exp(1.0) / S - 1, 1e-6);
    EXPECT_NEAR(dZ(0, 2), std::exp(3.0) / S, 1e-6);
}

TEST(Ex2_6_SoftmaxCrossEntropy, LargeLogitsGiveAFiniteLossAndGradient) {
    // Row 0: (1000, 1000), label 0: p = (1/2, 1/2), -log p = log 2, dZ = (-1/2, 1/2) / 2.
    // Row 1: (1000, 0), label 1: p = (1, e^-1000 = 0), -log p_1 = 1000, dZ = (1, -1) / 2.
    // Without the max subtracted, e^1000 is inf and everything becomes NaN.
    Tensor Z = matrix({{1000, 1000}, {1000, 0}});
    std::vector<int> labels{0, 1};
    Tensor dZ({2, 2});
    double loss = softmax_cross_entropy(Z, labels, dZ);
    ASSERT_TRUE(std::isfinite(loss));
    EXPECT_NEAR(loss, (std::log(2.0) + 1000) / 2, 1e-4);
    expect_rows_near(dZ, matrix({{-0.25f, 0.25f}, {0.5f, -0.5f}}), 1e-6);
}

TEST(Ex2_6_SoftmaxCrossEntropy, EachRowIsShiftedByTheMaximumOfItsOwnColumns) {
    // Row 0: (0, 1000), label 1: its maximum is in its last column; p = (e^-1000 = 0, 1),
    //   -log p_1 = 0, dZ = (0, 0). Row 1: (0, 0), label 0: p = (1/2, 1/2), -log p_0 = log 2,
    //   dZ = (-1/2, 1/2) / 2. Any other row's or column's maximum makes e^1000 = inf, or
    //   e^-1000 = 0 in every column, and log 0.
    Tensor Z = matrix({{0, 1000}, {0, 0}});
    std::vector<int> labels{1, 0};
    Tensor dZ({2, 2});
    EXPECT_NEAR(softmax_cross_entropy(Z, labels, dZ), std::log(2.0) / 2, 1e-6)
        << "the maximum taken out of row i is max_c Z(i, c) over every column c";
    expect_rows_near(dZ, matrix({{0, 0}, {-0.25f, 0.25f}}), 1e-6);
}

TEST(Ex2_6_SoftmaxCrossEntropy, GivesAnEmptyDZTheShapeOfZ) {
    // Z = 0 [2, 2], labels 0 and 1: p = 1/2 everywhere, loss log 2, dZ = (p - Y) / 2.
    Tensor Z({2, 2}), dZ;
    std::vector<int> labels{0, 1};
    EXPECT_NEAR(softmax_cross_entropy(Z, labels, dZ), std::log(2.0), 1e-6);
    ASSERT_EQ(dZ.shape(), Z.shape()) << "dZ is made [n, k] when it is not";
    expect_rows_near(dZ, matrix({{-0.25f, 0.25f}, {0.25f, -0.25f}}), 1e-6);
}

TEST(Ex2_6_SoftmaxCrossEntropy, GradientRowsSumToZeroAndMatchCentralDifferences) {
    nn::Rng rng(26);
    size_t n = 3, k = 4;
    Tensor Z({n, k});
    for (size_t i = 0; i < Z.size(); ++i) Z[i] = rng.uniform(-2, 2);
    std::vector<int> labels{3, 0, 2};
    Tensor dZ({n, k});
    double loss = softmax_cross_entropy(Z, labels, dZ);
    EXPECT_NEAR(loss, reference_cross_entropy(Z, labels), 1e-6);
    // sum_c (p_c - Y_c) = 1 - 1 = 0 in every row.
    for (size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (size_t c = 0; c < k; ++c) sum += dZ(i, c);
        EXPECT_NEAR(sum, 0.0, 1e-6) << "row " << i;
    }
    nn::GradCheckResult r = nn::check_gradient([&] { return reference_cross_entropy(Z, labels); },
                                               Z.span(), dZ.span());
    EXPECT_TRUE(r.passed(1e-3)) << "max relative error " << r.max_relative_error << " at "
                                << r.worst_index << ": analytic " << r.analytic << ", numeric "
                                << r.numeric;
}

// ---------------------------------------------------------------- 2.7

TEST(Ex2_7_Schedules, ConstantNeverChanges) {
    for (long t : {0L, 5L, 99L}) EXPECT_EQ(learning_rate(Schedule::Constant, 0.3f, t, 100), 0.3f);
}

TEST(Ex2_7_Schedules, StepDividesByTenAtEachThird) {
    // T = 9: 3t / 9 is 0, 1, 2 for t = 0..2, 3..5, 6..8: eta0, eta0/10, eta0/100.
    const float expected[9] = {2, 2, 2, 0.2f, 0.2f, 0.2f, 0.02f, 0.02f, 0.02f};
    for (long t = 0; t < 9; ++t)
        EXPECT_FLOAT_EQ(learning_rate(Schedule::Step, 2.0f, t, 9), expected[t]) << "t = " << t;
    // T = 2: 3t / T = 0, 1: t = 1 -> eta0/10.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::Step, 2.0f, 1, 2), 0.2f);
    // T = 1: the only step has the base rate.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::Step, 2.0f, 0, 1), 2.0f);
}

TEST(Ex2_7_Schedules, StepDropsExactlyTwiceWhenTIsNoMultipleOfThree) {
    // T = 10: 3t / 10 in integers is 0 for t = 0..3, 1 for t = 4..6, 2 for t = 7..9.
    // (0.1^(t / (T/3)) with T/3 = 3 would give the last step a fourth "third": eta0/1000.)
    const float expected[10] = {2, 2, 2, 2, 0.2f, 0.2f, 0.2f, 0.02f, 0.02f, 0.02f};
    for (long t = 0; t < 10; ++t)
        EXPECT_FLOAT_EQ(learning_rate(Schedule::Step, 2.0f, t, 10), expected[t])
            << "t = " << t << " of 10: the rate is eta0 0.1^(3t / T), so the last third has eta0/100";
}

TEST(Ex2_7_Schedules, CosineFallsFromEta0ToHalfAtMidpointTowardZero) {
    // eta0 (1 + cos(pi t / 10)) / 2: t = 0 -> eta0, t = 5 -> eta0 / 2,
    // t = 9 -> (1 + cos(0.9 pi)) / 2 = 0.0244717 eta0.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::Cosine, 0.5f, 0, 10), 0.5f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::Cosine, 0.5f, 5, 10), 0.25f);
    EXPECT_NEAR(learning_rate(Schedule::Cosine, 0.5f, 9, 10), 0.5 * 0.0244717, 1e-7);
    // t = 2 of 8: (1 + cos(pi/4)) / 2 = 0.8535534.
    EXPECT_NEAR(learning_rate(Schedule::Cosine, 1.0f, 2, 8), 0.8535534, 1e-6);
}

TEST(Ex2_7_Schedules, WarmupRisesLinearlyThenFollowsTheCosine) {
    // T = 20: W = 2. Warm-up: t = 0 -> eta0 / 2, t = 1 -> eta0.
    // Then the cosine over T - W = 18 steps: t = 2 -> eta0, t = 11 -> eta0 / 2,
    // t = 19 -> (1 + cos(17 pi / 18)) / 2 = 0.0075961 eta0.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 2.0f, 0, 20), 1.0f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 2.0f, 1, 20), 2.0f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 2.0f, 2, 20), 2.0f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 2.0f, 11, 20), 1.0f);
    EXPECT_NEAR(learning_rate(Schedule::WarmupCosine, 2.0f, 19, 20), 2 * 0.0075961, 1e-6);
}

TEST(Ex2_7_Schedules, WarmupLastsAtLeastOneStep) {
    // T = 5: T/10 = 0, so W = 1: t = 0 -> eta0 (1/1); then the cosine over 4 steps:
    // t = 1 -> eta0, t = 3 -> (1 + cos(pi/2)) / 2 = eta0 / 2.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 0.8f, 0, 5), 0.8f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 0.8f, 1, 5), 0.8f);
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 0.8f, 3, 5), 0.4f);
    // T = 100: W = 10, t = 4 -> 5/10 eta0.
    EXPECT_FLOAT_EQ(learning_rate(Schedule::WarmupCosine, 0.8f, 4, 100), 0.4f);
}
