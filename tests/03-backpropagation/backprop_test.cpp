// Chapter 3 tests of the network as a whole. Exercises 3.6 (backprop) and 3.9 (the
// gradient checker) are checked here against gradients computed independently, by
// central differences of a forward pass in double written in this file; exercises
// 3.1 - 3.5, 3.7 and 3.8 are in network_test.cpp. The suites that do not start with
// Ex check the given code and the solutions together: every layer and cost against
// nn::check_gradient, a network that learns xor, make_network(), summary(), parse_*().
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "tests/03-backpropagation/reference.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"

using namespace bp;

namespace {

using namespace reference;


// A network built by hand, one activation per layer: W ~ U(-1, 1), b ~ U(-0.5, 0.5).
Network hand_network(const std::vector<size_t>& sizes, const std::vector<Activation>& fs, Cost cost,
                     nn::Rng& rng) {
    Network net;
    net.cost = cost;
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
        Dense layer{random_matrix(sizes[l + 1], sizes[l], rng), Vec(sizes[l + 1]), fs[l]};
        for (float& b : layer.b) b = rng.uniform(-0.5f, 0.5f);
        net.layers.push_back(layer);
    }
    return net;
}

// The forward pass in double: zs[l] of layers[l], acts[0] = X, acts[l+1] = f(zs[l]),
// times masks[l] for a hidden layer when masks are given (fixed dropout masks).
struct ReferencePass {
    std::vector<Rows> zs, acts;
};

ReferencePass reference_forward(const Network& net, const Tensor& X, const std::vector<Tensor>& masks = {}) {
    ReferencePass pass;
    pass.acts.emplace_back();
    for (size_t i = 0; i < X.dim(0); ++i) pass.acts[0].emplace_back(X.row(i).begin(), X.row(i).end());
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Dense& layer = net.layers[l];
        Rows z, a;
        for (const std::vector<double>& in : pass.acts[l]) {
            // z_j = sum_k W_jk a_k + b_j for one example
            std::vector<double> zi(layer.outputs());
            for (size_t j = 0; j < zi.size(); ++j) {
                zi[j] = layer.b[j];
                for (size_t k = 0; k < in.size(); ++k) zi[j] += double(layer.W(j, k)) * in[k];
            }
            z.push_back(zi);
            a.push_back(apply(layer.f, zi));
            if (l < masks.size())
                for (size_t j = 0; j < zi.size(); ++j) a.back()[j] *= masks[l](a.size() - 1, j);
        }
        pass.zs.push_back(z);
        pass.acts.push_back(a);
    }
    return pass;
}

double reference_cost(const Network& net, const Tensor& X, const Tensor& Y, const std::vector<Tensor>& masks = {}) {
    Rows out = reference_forward(net, X, masks).acts.back();
    double total = 0.0;
    for (size_t i = 0; i < out.size(); ++i) total += example_cost(net.cost, net.layers.back().f, out[i], Y.row(i));
    return total / double(out.size());
}

// What forward() would fill, computed without the exercises.
Pass reference_pass(const Network& net, const Tensor& X, const std::vector<Tensor>& masks = {}) {
    ReferencePass ref = reference_forward(net, X, masks);
    Pass pass;
    for (const Rows& z : ref.zs) pass.zs.push_back(to_tensor(z));
    for (const Rows& a : ref.acts) pass.activations.push_back(to_tensor(a));
    pass.masks = masks;
    return pass;
}

// Central differences of the double-precision cost: the gradients backprop must give.
Gradients reference_gradients(Network& net, const Tensor& X, const Tensor& Y, const std::vector<Tensor>& masks = {}) {
    Gradients g;
    auto cost = [&] { return reference_cost(net, X, Y, masks); };
    for (Dense& layer : net.layers) {
        std::vector<double> w = nn::numerical_gradient(cost, layer.W.span(), 1e-3);
        std::vector<double> b = nn::numerical_gradient(cost, layer.b, 1e-3);
        g.nabla_w.push_back(Tensor(layer.W.shape()));
        std::copy(w.begin(), w.end(), g.nabla_w.back().data());
        g.nabla_b.emplace_back(b.begin(), b.end());
    }
    return g;
}

// Backprop's float gradients against the reference: within 1e-4 + 1e-3 of their size.
void expect_near(std::span<const float> actual, std::span<const float> expected, const std::string& what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    for (size_t i = 0; i < expected.size(); ++i) {
        double got = actual[i], want = expected[i];
        EXPECT_TRUE(std::abs(got - want) <= 1e-4 + 1e-3 * std::abs(want))
            << what << "[" << i << "] is " << got << ", central differences give " << want;
    }
}

void expect_gradients_near(const Gradients& actual, const Gradients& expected) {
    ASSERT_EQ(actual.nabla_w.size(), expected.nabla_w.size());
    ASSERT_EQ(actual.nabla_b.size(), expected.nabla_b.size());
    for (size_t l = 0; l < expected.nabla_w.size(); ++l) {
        expect_near(actual.nabla_w[l].span(), expected.nabla_w[l].span(), "nabla_w of layer " + std::to_string(l));
        expect_near(actual.nabla_b[l], expected.nabla_b[l], "nabla_b of layer " + std::to_string(l));
    }
}

// Fixed dropout masks for the hidden layers of net, p = 1/2: every other unit kept, times 2.
std::vector<Tensor> checkerboard_masks(const Network& net, size_t B) {
    std::vector<Tensor> masks;
    for (size_t l = 0; l + 1 < net.layers.size(); ++l) {
        masks.emplace_back(std::vector<size_t>{B, net.layers[l].outputs()});
        for (size_t i = 0; i < B; ++i)
            for (size_t j = 0; j < masks.back().dim(1); ++j) masks.back()(i, j) = (i + j + l) % 2 == 0 ? 2.0f : 0.0f;
    }
    return masks;
}

}  // namespace

// ---------------------------------------------------------------- 3.6

TEST(Ex3_6_Backprop, MatchesCentralDifferencesOnASigmoidNetworkWithQuadraticCost) {
    nn::Rng rng(36);
    Network net = hand_network({3, 4, 2}, {Activation::Sigmoid, Activation::Sigmoid}, Cost::Quadratic, rng);
    Tensor X = random_matrix(3, 3, rng), Y = matrix({{1, 0}, {0, 1}, {1, 1}});
    Gradients grads;
    backprop(net, reference_pass(net, X), Y, grads);
    expect_gradients_near(grads, reference_gradients(net, X, Y));
}

TEST(Ex3_6_Backprop, MatchesCentralDifferencesThroughLayersOfDifferentActivations) {
    // Each layer's f' must be its own: tanh, then sigmoid, then relu, below the output.
    nn::Rng rng(37);
    Network net = hand_network({4, 5, 4, 3, 3},
                               {Activation::Tanh, Activation::Sigmoid, Activation::ReLU, Activation::Softmax},
                               Cost::CrossEntropy, rng);
    Tensor X = random_matrix(4, 4, rng), Y = matrix({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0}});
    Gradients grads;
    backprop(net, reference_pass(net, X), Y, grads);
    expect_gradients_near(grads, reference_gradients(net, X, Y));
}

TEST(Ex3_6_Backprop, GoesThroughTheDropoutMaskOfEachHiddenLayer) {
    // With dropout, pass.activations of a hidden layer hold f(z) (.) mask, not f(z).
    for (Activation hidden : {Activation::Sigmoid, Activation::Tanh, Activation::ReLU}) {
        SCOPED_TRACE(name_of(hidden));
        nn::Rng rng(38);
        Network net = hand_network({3, 5, 4, 2}, {hidden, hidden, Activation::Sigmoid}, Cost::CrossEntropy, rng);
        Tensor X = random_matrix(3, 3, rng), Y = matrix({{1, 0}, {0, 1}, {1, 1}});
        std::vector<Tensor> masks = checkerboard_masks(net, 3);
        Gradients grads;
        backprop(net, reference_pass(net, X, masks), Y, grads);
        expect_gradients_near(grads, reference_gradients(net, X, Y, masks));
    }
}

TEST(Ex3_6_Backprop, ResizesTheGradientsItIsGiven) {
    nn::Rng rng(39);
    Network net = hand_network({2, 3, 2}, {Activation::Tanh, Activation::Linear}, Cost::Quadratic, rng);
    Tensor X = random_matrix(2, 2, rng), Y = matrix({{0.5f, -1}, {2, 0}});
    Gradients grads{{Tensor({7, 7}, 1.0f)}, {{1, 2, 3}, {4}, {5}}};  // the shapes of another network
    backprop(net, reference_pass(net, X), Y, grads);
    expect_gradients_near(grads, reference_gradients(net, X, Y));
}

// ---------------------------------------------------------------- 3.9

namespace {
Network network_to_check(nn::Rng& rng) {
    return hand_network({3, 4, 2}, {Activation::Tanh, Activation::Sigmoid}, Cost::CrossEntropy, rng);
}
const Tensor kCheckY = matrix({{1, 0}, {0, 1}, {1, 1}, {0, 0}});
}  // namespace

TEST(Ex3_9_CheckNetworkGradients, GivesOnePassingCheckPerLayerForACorrectBackprop) {
    nn::Rng rng(91);
    Network net = network_to_check(rng);
    Tensor X = random_matrix(4, 3, rng);
    std::vector<LayerCheck> checks = check_network_gradients(net, X, kCheckY, 1e-2);
    ASSERT_EQ(checks.size(), 2u);
    for (size_t l = 0; l < 2; ++l) {
        EXPECT_EQ(checks[l].layer, l);
        EXPECT_LT(checks[l].weights.max_relative_error, 1e-2) << "layer " << l;
        EXPECT_LT(checks[l].biases.max_relative_error, 1e-2) << "layer " << l;
    }
}

TEST(Ex3_9_CheckNetworkGradients, LeavesEveryParameterBitForBitAsItFoundIt) {
    nn::Rng rng(92);
    Network net = network_to_check(rng), before = net;
    Tensor X = random_matrix(4, 3, rng);
    check_network_gradients(net, X, kCheckY, 1e-2);
    auto expect_unchanged = [](std::span<const float> now, std::span<const float> was, const std::string& what) {
        for (size_t i = 0; i < was.size(); ++i)
            ASSERT_EQ(now[i], was[i]) << what << "[" << i << "] moved by " << double(now[i]) - was[i]
                                      << ": put back the saved float, p - eps + eps is not p";
    };
    for (size_t l = 0; l < 2; ++l) {
        expect_unchanged(net.layers[l].W.span(), before.layers[l].W.span(), "W of layer " + std::to_string(l));
        expect_unchanged(net.layers[l].b, before.layers[l].b, "b of layer " + std::to_string(l));
    }
}

TEST(Ex3_9_CheckNetworkGradients, ReportsBothGradientsAtTheWorstIndexOfWAndOfB) {
    nn::Rng rng(93);
    Network net = network_to_check(rng);
    Tensor X = random_matrix(4, 3, rng);
    std::vector<LayerCheck> checks = check_network_gradients(net, X, kCheckY, 1e-2);
    Gradients expected = reference_gradients(net, X, kCheckY);
    ASSERT_EQ(checks.size(), 2u);
    for (size_t l = 0; l < 2; ++l) {
        SCOPED_TRACE("layer " + std::to_string(l));
        const nn::GradCheckResult &w = checks[l].weights, &b = checks[l].biases;
        ASSERT_LT(w.worst_index, expected.nabla_w[l].size());
        ASSERT_LT(b.worst_index, expected.nabla_b[l].size());
        double w_ref = expected.nabla_w[l][w.worst_index], b_ref = expected.nabla_b[l][b.worst_index];
        EXPECT_NEAR(w.analytic, w_ref, 1e-4 + 1e-3 * std::abs(w_ref));
        EXPECT_NEAR(w.numeric, w_ref, 1e-3 + 1e-2 * std::abs(w_ref));
        EXPECT_NEAR(b.analytic, b_ref, 1e-4 + 1e-3 * std::abs(b_ref));
        EXPECT_NEAR(b.numeric, b_ref, 1e-3 + 1e-2 * std::abs(b_ref));
    }
}

TEST(Ex3_9_CheckNetworkGradients, UsesCentralDifferencesExactOnAQuadraticCost) {
    // With a linear output and the quadratic cost, C is a quadratic function of the last
    // layer's W and b: central differences are exact whatever eps, one-sided ones are
    // off by eps C''/2 (here about 10 %).
    nn::Rng rng(94);
    Network net = hand_network({3, 4, 2}, {Activation::Tanh, Activation::Linear}, Cost::Quadratic, rng);
    Tensor X = random_matrix(4, 3, rng), Y = matrix({{2, -1}, {1, 1}, {-2, 0}, {0, 3}});
    std::vector<LayerCheck> checks = check_network_gradients(net, X, Y, 0.1);
    ASSERT_EQ(checks.size(), 2u);
    EXPECT_LT(checks[1].weights.max_relative_error, 1e-3);
    EXPECT_LT(checks[1].biases.max_relative_error, 1e-3);
}

// ---------------------------------------------------------------- every layer and cost, checked

namespace {

// Checks backprop() for every W and b of net against nn::check_gradient on the mean cost
// of X, Y. With dropout each evaluation draws the same masks (a fresh Rng of the same
// seed), so the cost is a fixed function of the parameters. ReLU's kink would give false
// alarms: the test first makes sure no z is within reach of it.
const float kEps = 1e-2f;

void expect_backprop_checks(Network& net, const Tensor& X, const Tensor& Y, float dropout = 0.0f) {
    auto run = [&](Pass& pass) {
        nn::Rng masks(5);
        forward(net, X, pass, Dropout{dropout, &masks});
    };
    Pass pass;
    run(pass);
    for (size_t l = 0; l < net.layers.size(); ++l) {
        // Nudging a weight by eps moves z by eps |a| at most (a: the layer's input).
        float a_max = 0, reach;
        for (float a : pass.activations[l].span()) a_max = std::max(a_max, std::abs(a));
        reach = 2 * kEps * a_max;
        for (size_t i = 0; i < pass.zs[l].size(); ++i) {
            bool dropped = l < pass.masks.size() && pass.masks[l][i] == 0.0f;  // its kink changes nothing
            float z = pass.zs[l][i];
            ASSERT_TRUE(net.layers[l].f != Activation::ReLU || dropped || std::abs(z) > reach)
                << "z = " << z << " is within " << reach << " of the kink: choose another seed";
        }
    }
    Gradients grads;
    backprop(net, pass, Y, grads);
    auto cost = [&] {
        Pass nudged;
        run(nudged);
        return cost_value(net.cost, net.layers.back().f, nudged.activations.back(), Y);
    };
    auto check = [&](std::span<float> params, std::span<const float> analytic, const std::string& what) {
        nn::GradCheckResult r = nn::check_gradient(cost, params, analytic, kEps, 1e-3);
        EXPECT_LT(r.max_relative_error, 1e-2)
            << what << ": at " << r.worst_index << " analytic " << r.analytic << ", numeric " << r.numeric;
    };
    for (size_t l = 0; l < net.layers.size(); ++l) {
        check(net.layers[l].W.span(), grads.nabla_w[l].span(), "W of layer " + std::to_string(l));
        check(net.layers[l].b, grads.nabla_b[l], "b of layer " + std::to_string(l));
    }
}

const Tensor kTargets3 = matrix({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}});

}  // namespace

class LayersGradient : public testing::TestWithParam<Activation> {};

TEST_P(LayersGradient, DenseLayerWithThisActivationAgreesWithCentralDifferences) {
    nn::Rng rng(16);
    Network net = make_network({4, 6, 3}, GetParam(), Activation::Sigmoid, Cost::CrossEntropy, Init::Scaled, rng);
    expect_backprop_checks(net, random_matrix(5, 4, rng), kTargets3);
}

INSTANTIATE_TEST_SUITE_P(EveryHiddenActivation, LayersGradient,
                         testing::Values(Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Linear),
                         [](const auto& info) { return name_of(info.param); });

class CostsGradient : public testing::TestWithParam<std::pair<Activation, Cost>> {};

TEST_P(CostsGradient, OutputAndCostAgreeWithCentralDifferences) {
    nn::Rng rng(12);
    auto [output, cost] = GetParam();
    Network net = make_network({4, 5, 3}, Activation::Tanh, output, cost, Init::Scaled, rng);
    expect_backprop_checks(net, random_matrix(5, 4, rng), kTargets3);
}

INSTANTIATE_TEST_SUITE_P(EveryPair, CostsGradient,
                         testing::Values(std::pair{Activation::Softmax, Cost::CrossEntropy},
                                         std::pair{Activation::Sigmoid, Cost::CrossEntropy},
                                         std::pair{Activation::Sigmoid, Cost::Quadratic},
                                         std::pair{Activation::Linear, Cost::Quadratic}),
                         [](const auto& info) {
                             return name_of(info.param.first) + "_" +
                                    (info.param.second == Cost::Quadratic ? "quadratic" : "cross_entropy");
                         });

TEST(NetworkGradient, ThreeHiddenLayersAgreeWithCentralDifferences) {
    nn::Rng rng(13);
    Network net = make_network({4, 6, 5, 4, 3}, Activation::Tanh, Activation::Softmax, Cost::CrossEntropy,
                               Init::Scaled, rng);
    expect_backprop_checks(net, random_matrix(5, 4, rng), kTargets3);
}

TEST(NetworkGradient, DropoutWithFixedMasksAgreesWithCentralDifferences) {
    for (Activation hidden : {Activation::Sigmoid, Activation::Tanh, Activation::ReLU}) {
        SCOPED_TRACE(name_of(hidden));
        nn::Rng rng(21);
        Network net = make_network({4, 8, 6, 3}, hidden, Activation::Softmax, Cost::CrossEntropy, Init::Scaled, rng);
        expect_backprop_checks(net, random_matrix(5, 4, rng), kTargets3, 0.5f);
    }
}

// ---------------------------------------------------------------- learning xor

namespace {

// The four points of xor and their targets; returns how many the network gets right
// after training (output > 1/2 means 1).
int xor_right_after_training(const std::vector<size_t>& sizes, int epochs) {
    Tensor X = matrix({{0, 0}, {0, 1}, {1, 0}, {1, 1}}), Y = matrix({{0}, {1}, {1}, {0}});
    nn::Rng rng(3);
    Network net = make_network(sizes, Activation::Tanh, Activation::Sigmoid, Cost::CrossEntropy, Init::Large, rng);
    TrainOptions options;
    options.eta = 1.0f;
    options.batch = 4;
    for (int epoch = 1; epoch <= epochs; ++epoch) train_epoch(net, X, Y, options, rng, epoch);
    Tensor out = predict(net, X);
    int right = 0;
    for (size_t i = 0; i < 4; ++i) right += (out[i] > 0.5f) == (Y[i] > 0.5f);
    return right;
}

}  // namespace

TEST(NetworkLearns, XorWithOneHiddenLayerOfFour) { EXPECT_EQ(xor_right_after_training({2, 4, 1}, 1000), 4); }

TEST(NetworkLearns, NotXorWithoutAHiddenLayer) {
    // One sigmoid neuron draws one line: no line puts (0, 1) and (1, 0) on one side and
    // (0, 0) and (1, 1) on the other, however long it trains.
    EXPECT_LE(xor_right_after_training({2, 1}, 1000), 3);
}

// ---------------------------------------------------------------- the training loop

TEST(NetworkTraining, GivesTheCostAndGradientsOfTheGatheredRowsForEveryLayer) {
    nn::Rng rng(12);
    Network net = make_network({3, 4, 2}, Activation::Tanh, Activation::Softmax, Cost::CrossEntropy, Init::Scaled, rng);
    Tensor X = random_matrix(5, 3, rng), Y = matrix({{1, 0}, {0, 1}, {0, 1}, {1, 0}, {1, 0}});
    NetworkTraining training(net, X, Y);
    std::vector<size_t> rows{4, 0, 2};
    double cost = training.loss_and_gradients(rows);
    // The same by hand.
    Tensor X_rows = nn::gather_rows(X, rows), Y_rows = nn::gather_rows(Y, rows);
    Pass pass;
    Gradients grads;
    forward(net, X_rows, pass);
    backprop(net, pass, Y_rows, grads);
    EXPECT_DOUBLE_EQ(cost, cost_value(net.cost, Activation::Softmax, pass.activations.back(), Y_rows));
    std::vector<nn::Parameter> parameters = training.parameters();
    ASSERT_EQ(parameters.size(), 4u);  // W^1, b^1, W^2, b^2
    for (size_t l = 0; l < 2; ++l) {
        SCOPED_TRACE(l);
        EXPECT_EQ(parameters[2 * l].value.data(), net.layers[l].W.data());
        EXPECT_EQ(parameters[2 * l + 1].value.data(), net.layers[l].b.data());
        std::span<const float> w = grads.nabla_w[l].span(), b = grads.nabla_b[l];
        EXPECT_TRUE(std::equal(w.begin(), w.end(), parameters[2 * l].gradient.begin(), parameters[2 * l].gradient.end()));
        EXPECT_TRUE(std::equal(b.begin(), b.end(), parameters[2 * l + 1].gradient.begin(),
                               parameters[2 * l + 1].gradient.end()));
    }
}

TEST(NetworkTraining, TrainEpochIsTheLoopOfTheChapterStepForStep) {
    // train_epoch against the loop written out: a permutation from the generator, batches
    // of 3 (the last of 1), forward with dropout from the same generator, backprop,
    // sgd_step. Identical to the last bit, and the returned cost weighted by rows.
    auto make = [] {
        nn::Rng init(4);
        return make_network({3, 5, 2}, Activation::Sigmoid, Activation::Sigmoid, Cost::CrossEntropy, Init::Scaled, init);
    };
    nn::Rng data(9);
    Tensor X = random_matrix(7, 3, data), Y = random_matrix(7, 2, data);
    for (float& y : Y.span()) y = y > 0 ? 1.0f : 0.0f;
    TrainOptions options{0.5f, 3, 0.1f, 0.25f};
    Network ours = make(), by_hand = make();
    nn::Rng rng(17), rng_by_hand(17);
    double returned = train_epoch(ours, X, Y, options, rng);
    std::vector<size_t> order = rng_by_hand.permutation(7);
    double total = 0;
    for (size_t start = 0; start < 7; start += 3) {
        std::span<const size_t> idx(order.data() + start, std::min<size_t>(3, 7 - start));
        Tensor x = nn::gather_rows(X, idx), y = nn::gather_rows(Y, idx);
        Pass pass;
        Gradients grads;
        forward(by_hand, x, pass, Dropout{options.dropout, &rng_by_hand});
        total += cost_value(by_hand.cost, Activation::Sigmoid, pass.activations.back(), y) * double(idx.size());
        backprop(by_hand, pass, y, grads);
        sgd_step(by_hand, grads, options.eta, options.lambda, 7);
    }
    EXPECT_DOUBLE_EQ(returned, total / 7);
    for (size_t l = 0; l < 2; ++l) {
        EXPECT_EQ(ours.layers[l].W.span().size(), by_hand.layers[l].W.span().size());
        for (size_t i = 0; i < ours.layers[l].W.size(); ++i) EXPECT_EQ(ours.layers[l].W[i], by_hand.layers[l].W[i]);
        EXPECT_EQ(ours.layers[l].b, by_hand.layers[l].b);
    }
}

// ---------------------------------------------------------------- make_network, summary, names

TEST(NetworkMake, BuildsLayersOfTheGivenSizesAndActivations) {
    nn::Rng rng(1);
    Network net = make_network({5, 4, 3}, Activation::ReLU, Activation::Softmax, Cost::CrossEntropy, Init::He, rng);
    ASSERT_EQ(net.layers.size(), 2u);
    EXPECT_EQ(net.sizes(), (std::vector<size_t>{5, 4, 3}));
    EXPECT_EQ(net.layers[0].W.shape(), (std::vector<size_t>{4, 5}));
    EXPECT_EQ(net.layers[0].f, Activation::ReLU);
    EXPECT_EQ(net.layers[1].f, Activation::Softmax);
    EXPECT_EQ(net.layers[1].b, Vec(3, 0.0f));  // only Init::Large draws biases
    EXPECT_EQ(net.parameter_count(), 4u * 5 + 4 + 3 * 4 + 3);
}

TEST(NetworkMake, RefusesWhatCannotBeTrained) {
    nn::Rng rng(1);
    auto make = [&](std::vector<size_t> sizes, Activation hidden, Activation output, Cost cost) {
        return make_network(sizes, hidden, output, cost, Init::Scaled, rng);
    };
    EXPECT_THROW(make({2, 3, 2}, Activation::Softmax, Activation::Softmax, Cost::CrossEntropy), nn::UsageError);
    EXPECT_THROW(make({2, 3, 2}, Activation::Tanh, Activation::Softmax, Cost::Quadratic), nn::UsageError);
    EXPECT_THROW(make({2, 3, 2}, Activation::Tanh, Activation::Tanh, Cost::CrossEntropy), nn::UsageError);
    EXPECT_THROW(make({2, 3, 2}, Activation::Tanh, Activation::Linear, Cost::CrossEntropy), nn::UsageError);
    EXPECT_THROW(make({2}, Activation::Tanh, Activation::Sigmoid, Cost::Quadratic), nn::UsageError);
    EXPECT_THROW(make({2, 0, 1}, Activation::Tanh, Activation::Sigmoid, Cost::Quadratic), nn::UsageError);
}

TEST(NetworkSummary, HasARowPerLayerAndTheTotal) {
    nn::Rng rng(1);
    Network net = make_network({784, 30, 10}, Activation::Sigmoid, Activation::Sigmoid, Cost::Quadratic,
                               Init::Large, rng);
    std::string table = summary(net);
    EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 5) << table;  // header, input, 2 layers, total
    for (const char* part : {"layer", "output shape", "parameters", "input", "dense 1 + sigmoid", "[B, 30]",
                             "23550", "dense 2 + sigmoid", "[B, 10]", "310", "total (cost: quadratic)", "23860"})
        EXPECT_NE(table.find(part), std::string::npos) << "no '" << part << "' in\n" << table;
}

TEST(NetworkNames, ParseAndNameRoundTripAndUnknownNamesListTheChoices) {
    for (const char* name : {"sigmoid", "tanh", "relu", "linear", "softmax"})
        EXPECT_EQ(name_of(parse_activation(name)), name);
    for (const char* name : {"quadratic", "cross-entropy"}) EXPECT_EQ(name_of(parse_cost(name)), name);
    for (const char* name : {"large", "scaled", "he"}) EXPECT_EQ(name_of(parse_init(name)), name);
    try {
        parse_activation("Sigmoid");
        ADD_FAILURE() << "parse_activation accepted 'Sigmoid'";
    } catch (const nn::UsageError& e) {
        EXPECT_STREQ(e.what(), "unknown activation 'Sigmoid' (choose sigmoid, tanh, relu, linear, softmax)");
    }
    EXPECT_THROW(parse_cost("crossentropy"), nn::UsageError);
    EXPECT_THROW(parse_init("xavier"), nn::UsageError);
}
