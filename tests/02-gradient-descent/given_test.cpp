// Chapter 2 tests of the given functions (not exercises: these suites do not start
// with Ex) and one whole run. Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"
#include "common/training.hpp"

using namespace gd;

namespace {

using Vec = std::vector<float>;

// A [rows, cols] tensor from its rows.
Tensor matrix(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }

void expect_gradcheck(const nn::GradCheckResult& r, double tolerance) {
    EXPECT_TRUE(r.passed(tolerance)) << "max relative error " << r.max_relative_error << " at "
                                     << r.worst_index << ": analytic " << r.analytic
                                     << ", numeric " << r.numeric;
}

}  // namespace

// ---------------------------------------------------------------- functions to minimize

TEST(Functions_Given, QuadraticValueByHand) {
    // A = (2 1; 1 3), b = (1, -1), x = (1, 2): A x = (4, 7),
    // f = 1/2 (1*4 + 2*7) - (1 - 2) = 9 + 1 = 10.
    Quadratic q{matrix({{2, 1}, {1, 3}}), {1, -1}};
    EXPECT_DOUBLE_EQ(quadratic_value(q, Vec{1, 2}), 10.0);
    EXPECT_DOUBLE_EQ(quadratic_value(q, Vec{0, 0}), 0.0);
}

TEST(Functions_Given, RosenbrockValueAndGradientByHand) {
    Vec grad(2);
    // The minimum (1, 1): f = 0, gradient 0.
    EXPECT_DOUBLE_EQ(rosenbrock_value(Vec{1, 1}), 0.0);
    rosenbrock_gradient(Vec{1, 1}, grad);
    EXPECT_EQ(grad, (Vec{0, 0}));
    // (-1, 2): f = 2^2 + 100 (2 - 1)^2 = 104;
    // df/dx = -2 (1 + 1) - 400 (-1) (2 - 1) = 396, df/dy = 200 (2 - 1) = 200.
    EXPECT_DOUBLE_EQ(rosenbrock_value(Vec{-1, 2}), 104.0);
    rosenbrock_gradient(Vec{-1, 2}, grad);
    EXPECT_EQ(grad, (Vec{396, 200}));
}

TEST(Functions_Given, RosenbrockGradientMatchesCentralDifferences) {
    Vec p{-0.7f, 0.3f}, grad(2);
    rosenbrock_gradient(p, grad);
    expect_gradcheck(nn::check_gradient([&] { return rosenbrock_value(p); }, p, grad), 1e-3);
}

// ---------------------------------------------------------------- optimizers

TEST(Optimizers_Given, NesterovStepsLookAheadAlongTheVelocity) {
    Nesterov opt{0.25f, 0.5f, {}};
    Vec theta{1};
    // v = 2; theta = 1 - 0.25 (2 + 0.5 * 2) = 0.25.
    opt.step(theta, Vec{2});
    EXPECT_EQ(opt.v, (Vec{2}));
    EXPECT_EQ(theta[0], 0.25f);
    // v = 0.5 * 2 + 2 = 3; theta = 0.25 - 0.25 (2 + 1.5) = -0.625.
    opt.step(theta, Vec{2});
    EXPECT_EQ(theta[0], -0.625f);
}

TEST(Optimizers_Given, AdaGradDividesBySquareRootOfSummedSquares) {
    AdaGrad opt{0.5f, 0.0f, {}};
    Vec theta{0, 0};
    // G = (4, 16); theta -= 0.5 g / sqrt(G) = 0.5 sign(g): (-0.5, 0.5).
    opt.step(theta, Vec{2, -4});
    EXPECT_EQ(theta, (Vec{-0.5f, 0.5f}));
    // G = (8, 16); theta_0 -= 0.5 * 2 / sqrt(8) = 0.3535534; theta_1 stays.
    opt.step(theta, Vec{2, 0});
    EXPECT_NEAR(theta[0], -0.5 - 0.3535534, 1e-6);
    EXPECT_EQ(theta[1], 0.5f);
    EXPECT_EQ(opt.G, (Vec{8, 16}));
}

TEST(Optimizers_Given, RMSPropUsesARunningMeanOfSquares) {
    RMSProp opt{0.1f, 0.75f, 0.0f, {}};
    Vec theta{1};
    // s = 0.25 * 4 = 1; theta = 1 - 0.1 * 2 / 1 = 0.8.
    opt.step(theta, Vec{2});
    EXPECT_EQ(opt.s, (Vec{1}));
    EXPECT_FLOAT_EQ(theta[0], 0.8f);
    // s = 0.75 + 0.25 * 16 = 4.75; theta = 0.8 - 0.1 * 4 / sqrt(4.75) = 0.6164674.
    opt.step(theta, Vec{4});
    EXPECT_NEAR(theta[0], 0.6164674, 1e-6);
}

TEST(Optimizers_Given, MakeBuildsEveryNamedRuleWithItsLearningRate) {
    ASSERT_EQ(Optimizer::names().size(), 6u);
    for (const std::string& name : Optimizer::names()) {
        Optimizer opt = Optimizer::make(name, 0.05f);
        EXPECT_EQ(opt.name(), name);
        EXPECT_EQ(opt.eta(), 0.05f) << name;
        opt.set_eta(0.02f);
        EXPECT_EQ(opt.eta(), 0.02f) << name;
        // A positive gradient moves theta down, whatever the rule.
        Vec theta{1, -1};
        opt.step(theta, Vec{3, -2});
        EXPECT_LT(theta[0], 1.0f) << name;
        EXPECT_GT(theta[1], -1.0f) << name;
    }
}

TEST(Optimizers_Given, MakeKeepsTheRuleStateBetweenSteps) {
    // Momentum with the default beta 0.9, eta 0.25, g = 1 twice: v = 1, 1.9;
    // theta = -0.25 (1 + 1.9) = -0.725.
    Optimizer opt = Optimizer::make("momentum", 0.25f);
    Vec theta{0};
    opt.step(theta, Vec{1});
    opt.step(theta, Vec{1});
    EXPECT_FLOAT_EQ(theta[0], -0.725f);
    // sgd is one gradient_step: 1 - 0.5 * 2 = 0.
    Optimizer sgd = Optimizer::make("sgd", 0.5f);
    Vec p{1};
    sgd.step(p, Vec{2});
    EXPECT_EQ(p[0], 0.0f);
}

TEST(Optimizers_Given, StepsAListWithOneStatePerTensor) {
    // Momentum (beta 0.9, eta 1) on a = (0, 0) with g = (1, 2) and b = (0) with g = (10),
    // twice. Per tensor: v_a = (1, 2) then (1.9, 3.8), a = -(2.9, 5.8); v_b = 10, 19, b = -29.
    // One velocity shared by the list, or the first tensor's reused for the second,
    // would give other numbers.
    Optimizer opt = Optimizer::make("momentum", 1.0f);
    Vec a{0, 0}, b{0}, ga{1, 2}, gb{10};
    std::vector<nn::Parameter> list{{a, ga}, {b, gb}};
    opt.step(list);
    opt.step(list);
    EXPECT_FLOAT_EQ(a[0], -2.9f);
    EXPECT_FLOAT_EQ(a[1], -5.8f);
    EXPECT_FLOAT_EQ(b[0], -29.0f);
    // The same two steps with a rule per tensor, by hand: identical.
    Momentum for_a{1.0f, 0.9f, {}}, for_b{1.0f, 0.9f, {}};
    Vec a2{0, 0}, b2{0};
    for (int k = 0; k < 2; ++k) {
        for_a.step(a2, ga);
        for_b.step(b2, gb);
    }
    EXPECT_EQ(a, a2);
    EXPECT_EQ(b, b2);
}

TEST(Optimizers_Given, SetEtaReachesTheRulesAlreadyStepping) {
    // sgd on two tensors at eta 1, then eta 0.25: 4 - 1*2 - 0.25*2 = 1.5 in both.
    Optimizer opt = Optimizer::make("sgd", 1.0f);
    Vec a{4}, b{4}, g{2};
    std::vector<nn::Parameter> list{{a, g}, {b, g}};
    opt.step(list);
    opt.set_eta(0.25f);
    opt.step(list);
    EXPECT_EQ(a[0], 1.5f);
    EXPECT_EQ(b[0], 1.5f);
    EXPECT_EQ(opt.eta(), 0.25f);
}

TEST(Optimizers_Given, MakeRejectsAnUnknownNameListingTheChoices) {
    try {
        Optimizer::make("foo", 0.1f);
        FAIL() << "no exception for an unknown optimizer";
    } catch (const nn::UsageError& e) {
        EXPECT_STREQ(e.what(),
                     "unknown optimizer 'foo'; choose sgd, momentum, nesterov, adagrad, rmsprop or adam");
    }
    EXPECT_THROW(Optimizer::make("SGD", 0.1f), nn::UsageError);
}

TEST(Schedules_Given, ParsesTheFourNamesAndRejectsOthers) {
    EXPECT_EQ(parse_schedule("constant"), Schedule::Constant);
    EXPECT_EQ(parse_schedule("step"), Schedule::Step);
    EXPECT_EQ(parse_schedule("cosine"), Schedule::Cosine);
    EXPECT_EQ(parse_schedule("warmup-cosine"), Schedule::WarmupCosine);
    EXPECT_THROW(parse_schedule("linear"), nn::UsageError);
    EXPECT_THROW(parse_schedule(""), nn::UsageError);
}

// ---------------------------------------------------------------- linear regression

TEST(NormalEquations, RecoverTheWeightsOfExactData) {
    // y = 2 x_0 - 3 x_1 + 0.5 on five points that span the plane.
    Tensor X = matrix({{0, 0}, {1, 0}, {0, 1}, {2, 3}, {-1, 4}});
    Vec y{0.5f, 2.5f, -2.5f, -4.5f, -13.5f};
    LinearModel model = solve_normal_equations(X, y);
    ASSERT_EQ(model.w.size(), 2u);
    EXPECT_NEAR(model.w[0], 2.0f, 1e-5);
    EXPECT_NEAR(model.w[1], -3.0f, 1e-5);
    EXPECT_NEAR(model.b, 0.5f, 1e-5);
    EXPECT_NEAR(linear_loss(model, X, y), 0.0, 1e-10);
}

TEST(NormalEquations, SingularSystemsThrow) {
    // Two equal columns: [X 1]^T [X 1] has two equal rows.
    Tensor twins = matrix({{1, 1}, {2, 2}, {3, 3}, {5, 5}});
    Vec y{1, 2, 3, 4};
    EXPECT_THROW(solve_normal_equations(twins, y), std::runtime_error);
    // A constant column is 3 times the bias's column of ones.
    Tensor constant = matrix({{1, 3}, {2, 3}, {4, 3}, {0, 3}});
    EXPECT_THROW(solve_normal_equations(constant, y), std::runtime_error);
}

TEST(LinearLoss_Given, IsHalfTheMeanSquaredResidual) {
    // w = (1), b = 0 on x = (1, 2, 3), y = (1, 1, 1): r = (0, 1, 2), L = (0 + 1 + 4) / 6.
    LinearModel model{{1}, 0.0f};
    EXPECT_DOUBLE_EQ(linear_loss(model, matrix({{1}, {2}, {3}}), Vec{1, 1, 1}), 5.0 / 6.0);
}

TEST(LinearRegression_EndToEnd, GradientDescentReachesTheNormalEquationsSolution) {
    // Eight points, two roughly centered features, noisy targets: a well-conditioned
    // least-squares problem whose minimum is the normal-equations solution.
    Tensor X = matrix({{-1.5f, 0.5f}, {-1, -1}, {-0.5f, 1}, {0, -0.5f},
                       {0.5f, 0}, {1, 1.5f}, {1.5f, -1}, {2, 0.5f}});
    Vec y{-2, -0.5f, -3, 1.5f, 0.5f, -1, 4.5f, 2.5f};
    LinearModel best = solve_normal_equations(X, y);
    // theta = (w_0, w_1, b), from zero, with the chapter's rule and a fixed eta. About
    // 25 steps reach 1e-4 here; 200 leave a wide margin and still take microseconds.
    Vec theta{0, 0, 0}, grad_w;
    float grad_b = 0;
    for (int step = 0; step < 200; ++step) {
        LinearModel model{{theta[0], theta[1]}, theta[2]};
        linear_gradient(model, X, y, grad_w, grad_b);
        Vec g{grad_w[0], grad_w[1], grad_b};
        gradient_step(theta, g, 0.5f);
    }
    EXPECT_NEAR(theta[0], best.w[0], 1e-4);
    EXPECT_NEAR(theta[1], best.w[1], 1e-4);
    EXPECT_NEAR(theta[2], best.b, 1e-4);
}

// ---------------------------------------------------------------- softmax regression

TEST(Softmax, RowsArePositiveAndSumToOne) {
    // Row 1 has equal logits: 1/3 each. Row 0: e^c / (e + e^2 + e^3).
    Tensor P = softmax(matrix({{1, 2, 3}, {0, 0, 0}}));
    double S = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    for (size_t c = 0; c < 3; ++c) {
        EXPECT_NEAR(P(0, c), std::exp(double(c + 1)) / S, 1e-6);
        EXPECT_NEAR(P(1, c), 1.0 / 3.0, 1e-6);
    }
    for (size_t i = 0; i < 2; ++i) EXPECT_NEAR(P(i, 0) + P(i, 1) + P(i, 2), 1.0, 1e-6);
}

TEST(Softmax, IsStableForLogitsOfAThousand) {
    Tensor P = softmax(matrix({{1000, 1000}, {1000, 0}, {-1000, -1000}}));
    EXPECT_FLOAT_EQ(P(0, 0), 0.5f);
    EXPECT_FLOAT_EQ(P(0, 1), 0.5f);
    EXPECT_FLOAT_EQ(P(1, 0), 1.0f);
    EXPECT_EQ(P(1, 1), 0.0f);  // e^-1000 underflows to exactly 0, not NaN
    EXPECT_FLOAT_EQ(P(2, 0), 0.5f);
    EXPECT_FLOAT_EQ(P(2, 1), 0.5f);
}

TEST(SoftmaxModel_Given, LogitsAgreeWithALoop) {
    // n = 5, d = 7, k = 3, small integers so the sums are exact.
    size_t n = 5, d = 7, k = 3;
    SoftmaxModel model(k, d);
    ASSERT_EQ(model.W.shape(), (std::vector<size_t>{k, d}));
    EXPECT_EQ(model.b, Vec(k, 0.0f));
    Tensor X({n, d});
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) X(i, j) = float(int(i * 7 + j * 3) % 5 - 2);
    for (size_t c = 0; c < k; ++c) {
        model.b[c] = float(c) - 1.0f;
        for (size_t j = 0; j < d; ++j) model.W(c, j) = float(int(c * 5 + j * 2) % 7 - 3);
    }
    Tensor Z = logits(model, X);
    ASSERT_EQ(Z.shape(), (std::vector<size_t>{n, k}));
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < k; ++c) {
            float z = model.b[c];
            for (size_t j = 0; j < d; ++j) z += model.W(c, j) * X(i, j);
            EXPECT_EQ(Z(i, c), z) << "row " << i << ", class " << c;
        }
    }
}

TEST(SoftmaxModel_Given, WeightAndBiasGradientsMatchCentralDifferences) {
    nn::Rng rng(27);
    size_t n = 6, d = 5, k = 3;
    SoftmaxModel model(k, d);
    Tensor X({n, d});
    for (size_t i = 0; i < X.size(); ++i) X[i] = rng.uniform(-1, 1);
    for (size_t i = 0; i < model.W.size(); ++i) model.W[i] = rng.normal(0, 0.5f);
    for (float& b : model.b) b = rng.normal(0, 0.5f);
    std::vector<int> labels{0, 2, 1, 1, 0, 2};
    Tensor dW, scratch_W;
    std::vector<float> db, scratch_b;
    softmax_loss_and_gradient(model, X, labels, dW, db);
    ASSERT_EQ(dW.shape(), model.W.shape());
    ASSERT_EQ(db.size(), k);
    auto loss = [&] { return softmax_loss_and_gradient(model, X, labels, scratch_W, scratch_b); };
    expect_gradcheck(nn::check_gradient(loss, model.W.span(), dW.span()), 1e-2);
    expect_gradcheck(nn::check_gradient(loss, model.b, db), 1e-2);
}

TEST(SoftmaxModel_Given, RejectsALabelOutsideTheClasses) {
    SoftmaxModel model(3, 2);
    Tensor dW;
    std::vector<float> db;
    std::vector<int> labels{0, 3};
    EXPECT_THROW(softmax_loss_and_gradient(model, matrix({{1, 0}, {0, 1}}), labels, dW, db),
                 nn::DataError);
}

TEST(SoftmaxModel_Given, AccuracyCountsFirstArgmaxMatches) {
    // Class c scores x_c for c = 0, 1 and 0.5 for class 2 (its bias).
    SoftmaxModel model(3, 2);
    model.W = matrix({{1, 0}, {0, 1}, {0, 0}});
    model.b = {0, 0, 0.5f};
    // Predictions 0, 1, 2, 0 (a tie goes to the first); labels 0, 1, 2, 1: 3 of 4.
    std::vector<int> labels{0, 1, 2, 1};
    EXPECT_DOUBLE_EQ(softmax_accuracy(model, matrix({{2, 0}, {0, 2}, {0, 0}, {1, 1}}), labels), 0.75);
}

TEST(SoftmaxTraining_Given, GivesTheLossAndGradientsOfTheGatheredRowsAndPointsAtWAndB) {
    nn::Rng rng(8);
    SoftmaxModel model(3, 4);
    for (float& w : model.W.span()) w = rng.normal(0, 0.5f);
    model.b = {0.1f, -0.2f, 0.3f};
    Tensor X({5, 4});
    for (float& x : X.span()) x = rng.uniform(-1, 1);
    std::vector<int> labels{0, 2, 1, 1, 0};
    SoftmaxTraining training(model, X, labels);
    EXPECT_EQ(training.examples(), 5u);
    std::vector<size_t> rows{4, 1, 2};  // the last row, out of order
    double loss = training.loss_and_gradients(rows);
    // The same rows by hand.
    Tensor X_rows = nn::gather_rows(X, rows), dW;
    std::vector<int> labels_rows{0, 2, 1};
    std::vector<float> db;
    EXPECT_DOUBLE_EQ(loss, softmax_loss_and_gradient(model, X_rows, labels_rows, dW, db));
    std::vector<nn::Parameter> parameters = training.parameters();
    ASSERT_EQ(parameters.size(), 2u);
    EXPECT_EQ(parameters[0].value.data(), model.W.data());
    EXPECT_EQ(parameters[1].value.data(), model.b.data());
    ASSERT_EQ(parameters[0].gradient.size(), dW.size());
    ASSERT_EQ(parameters[1].gradient.size(), db.size());
    for (size_t i = 0; i < dW.size(); ++i) EXPECT_EQ(parameters[0].gradient[i], dW[i]) << i;
    for (size_t c = 0; c < db.size(); ++c) EXPECT_EQ(parameters[1].gradient[c], db[c]) << c;
    EXPECT_EQ(training.batch_labels()[0], 0);
    EXPECT_EQ(training.batch().row(0)[0], X(4, 0));
}

TEST(SoftmaxTraining_Given, AnEpochOfTheTrainerLowersTheLoss) {
    // Two separable classes in 2-D, mini-batches of 3, sgd at eta 1.
    Tensor X = matrix({{2, 0}, {0, 2}, {1.5f, 0.2f}, {0.1f, 1.8f}, {2.5f, 0.5f}, {0.3f, 2.2f}});
    std::vector<int> labels{0, 1, 0, 1, 0, 1};
    SoftmaxModel model(2, 2);
    SoftmaxTraining training(model, X, labels);
    Optimizer sgd = Optimizer::make("sgd", 1.0f);
    nn::Rng rng(1);
    nn::Trainer trainer(training, [&](const nn::Step&, std::span<const nn::Parameter> p) { sgd.step(p); },
                        {.batch = 3, .shuffle = &rng});
    Tensor dW;
    std::vector<float> db;
    double before = softmax_loss_and_gradient(model, X, labels, dW, db);
    EXPECT_NEAR(before, std::log(2.0), 1e-9);  // W = 0: p = 1/2 for both classes
    for (int e = 0; e < 5; ++e) trainer.epoch();
    EXPECT_LT(softmax_loss_and_gradient(model, X, labels, dW, db), 0.5 * before);
    EXPECT_EQ(softmax_accuracy(model, X, labels), 1.0);
}

// ---------------------------------------------------------------- logistic regression

TEST(Logistic, ZeroModelGivesLogTwoAndHalfResiduals) {
    // w = 0, b = 0: p = 1/2 everywhere, so L = log 2 and p - t = (-0.5, 0.5, -0.5).
    Tensor X = matrix({{2, 4}, {2, 1}, {3, 0}});
    std::vector<int> t{1, 0, 1};
    LinearModel model{{0, 0}, 0.0f};
    std::vector<float> grad_w;
    float grad_b = 0;
    double loss = logistic_loss_and_gradient(model, X, t, grad_w, grad_b);
    EXPECT_NEAR(loss, std::log(2.0), 1e-7);
    // X^T (p - t) / 3: grad_w_0 = (-1 + 1 - 1.5) / 3 = -0.5, grad_w_1 = (-2 + 0.5 + 0) / 3 = -0.5;
    // grad_b = (-0.5 + 0.5 - 0.5) / 3 = -1/6.
    ASSERT_EQ(grad_w.size(), 2u);
    EXPECT_FLOAT_EQ(grad_w[0], -0.5f);
    EXPECT_FLOAT_EQ(grad_w[1], -0.5f);
    EXPECT_FLOAT_EQ(grad_b, -1.0f / 6.0f);
}

TEST(Logistic, GradientMatchesCentralDifferences) {
    nn::Rng rng(28);
    size_t n = 8, d = 3;
    Tensor X({n, d});
    for (size_t i = 0; i < X.size(); ++i) X[i] = rng.uniform(-2, 2);
    std::vector<int> t{1, 0, 0, 1, 1, 0, 1, 0};
    Vec p{0.5f, -1.2f, 0.8f, 0.3f};  // (w, b)
    auto model_of = [&] { return LinearModel{{p[0], p[1], p[2]}, p[3]}; };
    std::vector<float> grad_w, scratch_w;
    float grad_b = 0, scratch_b = 0;
    logistic_loss_and_gradient(model_of(), X, t, grad_w, grad_b);
    Vec analytic{grad_w[0], grad_w[1], grad_w[2], grad_b};
    auto loss = [&] { return logistic_loss_and_gradient(model_of(), X, t, scratch_w, scratch_b); };
    expect_gradcheck(nn::check_gradient(loss, p, analytic), 1e-3);
}

TEST(Logistic, LossStaysFiniteForLogitsOfAHundred) {
    // z = 100, -100, 100, -100 with t = 1, 0, 0, 1: the first two are right with
    // certainty (loss ~ e^-100 ~ 0), the last two wrong (loss 100 each): mean 50.
    // p - t = (0, 0, 1, -1): grad_w = (100 + 100) / 4 = 50, grad_b = 0.
    Tensor X = matrix({{100}, {-100}, {100}, {-100}});
    std::vector<int> t{1, 0, 0, 1};
    LinearModel model{{1}, 0.0f};
    std::vector<float> grad_w;
    float grad_b = 1;
    double loss = logistic_loss_and_gradient(model, X, t, grad_w, grad_b);
    ASSERT_TRUE(std::isfinite(loss));
    EXPECT_NEAR(loss, 50.0, 1e-9);
    EXPECT_FLOAT_EQ(grad_w[0], 50.0f);
    EXPECT_EQ(grad_b, 0.0f);
}


TEST(LogisticTraining_Given, GivesTheGatheredRowsGradientsAndPointsAtWAndB) {
    Tensor X = matrix({{1, 2}, {-1, 0.5f}, {0.3f, -2}});
    std::vector<int> t{1, 0, 1};
    LinearModel model{{0.5f, -0.25f}, 0.1f};
    LogisticTraining training(model, X, t);
    std::vector<size_t> rows{2, 0};
    double loss = training.loss_and_gradients(rows);
    std::vector<float> grad_w;
    float grad_b = 0;
    EXPECT_DOUBLE_EQ(loss, logistic_loss_and_gradient(model, matrix({{0.3f, -2}, {1, 2}}), std::vector<int>{1, 1},
                                                      grad_w, grad_b));
    std::vector<nn::Parameter> parameters = training.parameters();
    ASSERT_EQ(parameters.size(), 2u);
    EXPECT_EQ(parameters[0].value.data(), model.w.data());
    EXPECT_EQ(parameters[1].value.data(), &model.b);
    EXPECT_EQ(std::vector<float>(parameters[0].gradient.begin(), parameters[0].gradient.end()), grad_w);
    ASSERT_EQ(parameters[1].gradient.size(), 1u);
    EXPECT_EQ(parameters[1].gradient[0], grad_b);
}
