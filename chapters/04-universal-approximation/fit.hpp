#pragma once
// Training the one-hidden-layer networks of this chapter: chapter 3's forward and
// backprop for the gradients, chapter 2's Adam for the steps (plain SGD needs thousands
// of epochs to fit a curve this closely). Given code, shared by width and limits.
#include <cstddef>
#include <functional>

#include "02-gradient-descent/gradient_descent.hpp"
#include "03-backpropagation/network.hpp"
#include "common/random.hpp"
#include "common/tensor.hpp"

namespace ua {

// Chapter 3's initialization puts every first-layer bias at 0, so all units of a network
// with one input would turn at t = 0. Instead: slopes w_j ~ N(0, spread^2) and turning
// points -b_j / w_j spread uniformly over [-1, 1], so each unit bends the curve elsewhere.
void spread_hidden_units(bp::Network& net, float spread, nn::Rng& rng);

// Fits net to X [n, 1], Y [n, 1]: `epochs` epochs of mini-batches in a fresh order from
// rng, each step Adam on every W and b (one state per tensor), the rate at epoch e
// eta_at(e, epochs, eta). after_epoch(e) is called after each (e from 0). Throws
// nn::Diverged when a cost is not finite.
void fit_with_adam(bp::Network& net, const nn::Tensor& X, const nn::Tensor& Y, size_t batch, int epochs,
                   float eta, nn::Rng& rng, const std::function<void(int epoch)>& after_epoch = {});

// The learning rate falls geometrically from eta to eta / 100 over the run: large steps
// find the shape, small ones polish it.
float eta_at(int epoch, int epochs, float eta);

}  // namespace ua
