// Chapter 4, the given training loop of chapters/04-universal-approximation/fit.hpp.
#include "04-universal-approximation/fit.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "common/errors.hpp"

namespace ua {

void spread_hidden_units(bp::Network& net, float spread, nn::Rng& rng) {
    bp::Dense& first = net.layers.front();
    for (size_t j = 0; j < first.outputs(); ++j) {
        first.W(j, 0) = spread * rng.normal();
        first.b[j] = -first.W(j, 0) * rng.uniform(-1.0f, 1.0f);
    }
}

double AdamTrainer::epoch(bp::Network& net, const nn::Tensor& X, const nn::Tensor& Y, size_t batch, float eta,
                          nn::Rng& rng) {
    if (rules.empty()) rules.resize(2 * net.layers.size());
    for (gd::Adam& rule : rules) rule.eta = eta;
    std::vector<size_t> order = rng.permutation(X.dim(0));
    double cost = 0;
    size_t batches = 0;
    for (size_t start = 0; start < order.size(); start += batch, ++batches) {
        std::span<const size_t> indices(order.data() + start, std::min(batch, order.size() - start));
        nn::gather_rows(X, indices, X_batch);
        nn::gather_rows(Y, indices, Y_batch);
        bp::forward(net, X_batch, pass);
        cost += bp::cost_value(net.cost, net.layers.back().f, pass.activations.back(), Y_batch);
        bp::backprop(net, pass, Y_batch, grads);
        for (size_t l = 0; l < net.layers.size(); ++l) {
            rules[2 * l].step(net.layers[l].W.span(), grads.nabla_w[l].span());
            rules[2 * l + 1].step(net.layers[l].b, grads.nabla_b[l]);
        }
    }
    if (!std::isfinite(cost)) throw nn::Diverged("the training cost is not finite: lower --eta");
    return batches == 0 ? 0.0 : cost / double(batches);
}

float eta_at(int epoch, int epochs, float eta) { return eta * float(std::pow(0.01, double(epoch) / epochs)); }

}  // namespace ua
