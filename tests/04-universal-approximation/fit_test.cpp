// Chapter 4's given fitting, ua::fit_with_adam: chapter 3's network in the one training
// loop with chapter 2's Adam, held step for step against the loop written out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "04-universal-approximation/fit.hpp"
#include "common/errors.hpp"

namespace {

// 20 points of sin(3x) on [-1, 1]: X [20, 1], Y [20, 1].
void sine(nn::Tensor& X, nn::Tensor& Y) {
    X = nn::Tensor({20, 1});
    Y = nn::Tensor({20, 1});
    for (size_t i = 0; i < 20; ++i) {
        X[i] = -1.0f + 2.0f * float(i) / 19.0f;
        Y[i] = std::sin(3.0f * X[i]);
    }
}

bp::Network tanh_net(size_t width) {
    nn::Rng rng(2);
    return bp::make_network({1, width, 1}, bp::Activation::Tanh, bp::Activation::Linear, bp::Cost::Quadratic,
                            bp::Init::Scaled, rng);
}

}  // namespace

TEST(FitWithAdam, IsAdamOnEveryTensorWithTheFallingRateStepForStep) {
    nn::Tensor X, Y;
    sine(X, Y);
    const int epochs = 4;
    const size_t batch = 6;  // 20 rows: batches of 6, 6, 6, 2
    const float eta = 0.05f;
    bp::Network ours = tanh_net(8), by_hand = tanh_net(8);
    nn::Rng rng(3), rng_by_hand(3);
    std::vector<int> seen;
    ua::fit_with_adam(ours, X, Y, batch, epochs, eta, rng, [&](int epoch) { seen.push_back(epoch); });
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));

    std::vector<gd::Adam> rules(4);  // W^1, b^1, W^2, b^2, each with its own m, s and t
    bp::Pass pass;
    bp::Gradients grads;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        for (gd::Adam& rule : rules) rule.eta = ua::eta_at(epoch, epochs, eta);
        std::vector<size_t> order = rng_by_hand.permutation(20);
        for (size_t start = 0; start < 20; start += batch) {
            std::span<const size_t> idx(order.data() + start, std::min<size_t>(batch, 20 - start));
            bp::forward(by_hand, nn::gather_rows(X, idx), pass);
            bp::backprop(by_hand, pass, nn::gather_rows(Y, idx), grads);
            for (size_t l = 0; l < 2; ++l) {
                rules[2 * l].step(by_hand.layers[l].W.span(), grads.nabla_w[l].span());
                rules[2 * l + 1].step(by_hand.layers[l].b, grads.nabla_b[l]);
            }
        }
    }
    for (size_t l = 0; l < 2; ++l) {
        SCOPED_TRACE(l);
        for (size_t i = 0; i < ours.layers[l].W.size(); ++i) EXPECT_EQ(ours.layers[l].W[i], by_hand.layers[l].W[i]);
        EXPECT_EQ(ours.layers[l].b, by_hand.layers[l].b);
    }
}

TEST(FitWithAdam, FitsASineAndStopsOnADivergedRate) {
    nn::Tensor X, Y;
    sine(X, Y);
    bp::Network net = tanh_net(16);
    double before = bp::mean_cost(net, X, Y);
    nn::Rng rng(5);
    ua::spread_hidden_units(net, 4.0f, rng);
    ua::fit_with_adam(net, X, Y, 5, 300, 0.02f, rng);
    EXPECT_LT(bp::mean_cost(net, X, Y), 0.02 * before);
    bp::Network wild = tanh_net(16);
    nn::Tensor Y_broken = Y;
    Y_broken[7] = std::numeric_limits<float>::infinity();  // a cost of inf on its batch
    EXPECT_THROW(ua::fit_with_adam(wild, X, Y_broken, 5, 3, 0.02f, rng), nn::Diverged);
}
