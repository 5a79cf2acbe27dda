// Chapter 1, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=01` to see which exercises pass, and `make hint EX=1.1` when stuck.
// predict(), scores() and the other given functions are in chapters/01-perceptron/given_perceptron.cpp.
#include "01-perceptron/perceptron.hpp"
#include "common/errors.hpp"

namespace perceptron {

// ---------------------------------------------------------------- 1.1 the neuron

float weighted_sum(const Perceptron& /*p*/, std::span<const float> /*x*/) {
    // TODO(1.1): return z = w . x + b, summing p.w[j] * x[j] over the d inputs.
    throw nn::NotImplemented("1.1");
}

int step(float /*z*/) {
    // TODO(1.1): return 1 if z > 0, else 0 (a point exactly on the boundary, z = 0, gives 0).
    throw nn::NotImplemented("1.1");
}

// ---------------------------------------------------------------- 1.2 and 1.3 learning

bool update(Perceptron& /*p*/, std::span<const float> /*x*/, int /*t*/, float /*eta*/) {
    // TODO(1.2): o = predict(p, x); if o != t: w += eta (t - o) x, b += eta (t - o).
    // Return whether p changed.
    throw nn::NotImplemented("1.2");
}

int train_epoch(Perceptron& /*p*/, const Tensor& /*X*/, std::span<const int> /*t*/,
                std::span<const size_t> /*order*/, float /*eta*/) {
    // TODO(1.3): for each i in `order` (not 0..n-1), update(p, X.row(i), t[i], eta);
    // return how many of those calls changed p (the mistakes of the pass).
    throw nn::NotImplemented("1.3");
}

// ---------------------------------------------------------------- 1.4 many classes

int predict_class(const MulticlassPerceptron& /*m*/, std::span<const float> /*x*/) {
    // TODO(1.4): return argmax_c s_c with s_c = W_c . x + b_c (W is [k, d]);
    // on a tie keep the lowest c.
    throw nn::NotImplemented("1.4");
}

bool update_multiclass(MulticlassPerceptron& /*m*/, std::span<const float> /*x*/, int /*y*/) {
    // TODO(1.4): y_hat = predict_class(m, x); if y_hat != y:
    // W_y += x, b_y += 1, W_y_hat -= x, b_y_hat -= 1. Return whether m changed.
    throw nn::NotImplemented("1.4");
}

// ---------------------------------------------------------------- 1.5 averaged perceptron

bool update_averaged(AveragedPerceptron& /*a*/, std::span<const float> /*x*/, int /*y*/) {
    // TODO(1.5): on a mistake, apply the update of 1.4 to a.current and the same update
    // times a.c to a.u; then a.c += 1 after every example. Return whether current changed.
    throw nn::NotImplemented("1.5");
}

MulticlassPerceptron averaged(const AveragedPerceptron& /*a*/) {
    // TODO(1.5): return a copy of a.current with W -= u.W / c and b -= u.b / c.
    throw nn::NotImplemented("1.5");
}

// ---------------------------------------------------------------- 1.6 convergence theorem

ConvergenceBound novikoff_bound(const Tensor& /*X*/, std::span<const int> /*t*/,
                                std::span<const float> /*w_star*/, float /*b_star*/) {
    // TODO(1.6): in double, with x~ = (x, 1), w~* = (w*, b*), y = 2t - 1:
    // R = max_i |x~_i|, gamma = min_i y_i (w~* . x~_i) / |w~*|, bound = (R / gamma)^2.
    throw nn::NotImplemented("1.6");
}

}  // namespace perceptron
