// Chapter 4, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=04` to see which exercises pass, and `make hint EX=4.1` when stuck.
// The symbols (w, b, s, h, v, c) are those of chapters/04-universal-approximation/approximation.hpp.
// sigmoid(), relu(), evaluate(), sharp_weight(), max_error() and tower() are given, in
// chapters/04-universal-approximation/given_approximation.cpp: use them.
#include <stdexcept>

#include "04-universal-approximation/approximation.hpp"
#include "common/errors.hpp"

namespace ua {

// ---------------------------------------------------------------- 4.1 the step

double step_neuron(double /*x*/, double /*s*/, double /*w*/) {
    // TODO(4.1): a neuron with weight w and bias b = -w s: return sigma(w x + b),
    // that is sigma(w (x - s)). Exactly 1/2 at x = s.
    throw nn::NotImplemented("4.1");
}

// ---------------------------------------------------------------- 4.2 the bump

double bump(double /*x*/, double /*s1*/, double /*s2*/, double /*h*/, double /*w*/) {
    // TODO(4.2): h [sigma(w (x - s1)) - sigma(w (x - s2))]: the step up at s1 minus the
    // step up at s2, scaled by h. Use step_neuron().
    throw nn::NotImplemented("4.2");
}

// ---------------------------------------------------------------- 4.3 the constructive approximator

Shallow bumps_network(const Function1D& /*f*/, int /*bumps*/, double /*w*/) {
    // TODO(4.3): throw std::invalid_argument unless bumps >= 1 and w > 0. Then for each
    // interval i = 0 .. bumps-1, with s_i = i / bumps and h_i = f((s_i + s_{i+1}) / 2),
    // append two hidden units, in this order:
    //   unit 2i:    w_j = w, b_j = -w s_i,      v_j = +h_i   (the step up at s_i)
    //   unit 2i+1:  w_j = w, b_j = -w s_{i+1},  v_j = -h_i   (the step down at s_{i+1})
    // and c = 0. evaluate(net, x) then sums the bumps.
    throw nn::NotImplemented("4.3");
}

// ---------------------------------------------------------------- 4.4 depth: the tent map

double tent(double /*x*/) {
    // TODO(4.4): t(x) = 2 relu(x) - 4 relu(x - 1/2), with relu(), not an if.
    throw nn::NotImplemented("4.4");
}

double sawtooth(double /*x*/, int /*k*/) {
    // TODO(4.4): apply tent() k times: sawtooth(x, 0) = x, sawtooth(x, k) = t(sawtooth(x, k - 1)).
    // Throw std::invalid_argument for k < 0.
    throw nn::NotImplemented("4.4");
}

}  // namespace ua
