// Chapter 4, the given functions: the activations, the running example, evaluating a
// one-hidden-layer network, the sharp step weight, the maximum error and the tower.
// The exercises (step_neuron, bump, bumps_network, tent, sawtooth) are in approximation.cpp.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "04-universal-approximation/approximation.hpp"

namespace ua {

double sigmoid(double z) {
    // exp of a large positive number overflows; use the form whose exp is at most 1.
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    double e = std::exp(z);
    return e / (1.0 + e);
}

double relu(double z) { return z > 0 ? z : 0.0; }

double nielsen_f(double x) {
    return 0.2 + 0.4 * x * x + 0.3 * x * std::sin(15 * x) + 0.05 * std::cos(50 * x);
}

double evaluate(const Shallow& net, double x) {
    if (net.b.size() != net.units() || net.v.size() != net.units())
        throw std::invalid_argument("evaluate: w, b and v must have one entry per hidden unit");
    double y = net.c;
    // units j = 0 .. units-1: y = c + sum_j v_j sigma(w_j x + b_j)
    for (size_t j = 0; j < net.units(); ++j) y += net.v[j] * sigmoid(net.w[j] * x + net.b[j]);
    return y;
}

double sharp_weight(int bumps) {
    if (bumps < 1) throw std::invalid_argument("sharp_weight: bumps must be at least 1");
    return 20.0 * bumps * std::log(99.0);
}

double max_error(const Function1D& f, const Function1D& g, double lo, double hi, int samples) {
    if (samples < 2 || !(hi > lo)) throw std::invalid_argument("max_error: need samples >= 2 and hi > lo");
    double worst = 0.0;
    for (int i = 0; i < samples; ++i) {
        double x = lo + (hi - lo) * i / (samples - 1);
        worst = std::max(worst, std::abs(f(x) - g(x)));
    }
    return worst;
}

double tower(double x, double y, double sx1, double sx2, double sy1, double sy2, double h, double w,
             double w2) {
    double bump_x = sigmoid(w * (x - sx1)) - sigmoid(w * (x - sx2));
    double bump_y = sigmoid(w * (y - sy1)) - sigmoid(w * (y - sy2));
    // The sum is about 2 inside the square, 1 on the arms of the cross, 0 elsewhere:
    // thresholding at 3/2 keeps only the square.
    return h * sigmoid(w2 * (bump_x + bump_y - 1.5));
}

}  // namespace ua
