// Chapter 4, the given fitting of chapters/04-universal-approximation/fit.hpp: chapter 3's
// network in the one training loop, nn::Trainer, with chapter 2's Adam as the update.
#include "04-universal-approximation/fit.hpp"

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

void fit_with_adam(bp::Network& net, const nn::Tensor& X, const nn::Tensor& Y, size_t batch, int epochs,
                   float eta, nn::Rng& rng, const std::function<void(int epoch)>& after_epoch) {
    bp::NetworkTraining training(net, X, Y);
    gd::Optimizer adam = gd::Optimizer::make("adam", eta);
    nn::Trainer trainer(training, [&](const nn::Step&, std::span<const nn::Parameter> parameters) {
        adam.step(parameters);
    }, {.batch = batch, .shuffle = &rng, .eta = eta});
    for (int epoch = 0; epoch < epochs; ++epoch) {
        adam.set_eta(eta_at(epoch, epochs, eta));
        trainer.set_eta(adam.eta());
        trainer.epoch();
        if (after_epoch) after_epoch(epoch);
    }
}

float eta_at(int epoch, int epochs, float eta) { return eta * float(std::pow(0.01, double(epoch) / epochs)); }

}  // namespace ua
