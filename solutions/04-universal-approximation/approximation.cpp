// Chapter 4, the reference bodies of exercises 4.1 - 4.4. The symbols are those of
// chapters/04-universal-approximation/approximation.hpp.
#include <stdexcept>
#include <utility>

#include "04-universal-approximation/approximation.hpp"

namespace ua {

// ---------------------------------------------------------------- 4.1 the step

double step_neuron(double x, double s, double w) {
    double b = -w * s;  // the step sits where w x + b = 0, at x = -b / w = s
    return sigmoid(w * x + b);
}

// ---------------------------------------------------------------- 4.2 the bump

double bump(double x, double s1, double s2, double h, double w) {
    return h * (step_neuron(x, s1, w) - step_neuron(x, s2, w));
}

// ---------------------------------------------------------------- 4.3 the constructive approximator

Shallow bumps_network(const Function1D& f, int bumps, double w) {
    if (bumps < 1) throw std::invalid_argument("bumps_network: bumps must be at least 1");
    if (!(w > 0)) throw std::invalid_argument("bumps_network: the step weight w must be positive");
    Shallow net;
    // bumps intervals, 2 units each: [2 * bumps] weights, biases and output weights.
    for (int i = 0; i < bumps; ++i) {
        double s_left = double(i) / bumps, s_right = double(i + 1) / bumps;
        double h = f((s_left + s_right) / 2);
        for (auto [s, v] : {std::pair{s_left, h}, std::pair{s_right, -h}}) {
            net.w.push_back(w);
            net.b.push_back(-w * s);
            net.v.push_back(v);
        }
    }
    net.c = 0.0;
    return net;
}

// ---------------------------------------------------------------- 4.4 depth: the tent map

double tent(double x) { return 2 * relu(x) - 4 * relu(x - 0.5); }

double sawtooth(double x, int k) {
    if (k < 0) throw std::invalid_argument("sawtooth: k must be at least 0");
    for (int layer = 0; layer < k; ++layer) x = tent(x);
    return x;
}

}  // namespace ua
