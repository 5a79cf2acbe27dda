// Chapter 1, reference solutions of exercises 1.1 to 1.6. The symbols are the
// chapter's: z the weighted sum, o the output, t the target, w and b the weights
// and bias, eta the learning rate, R and gamma the quantities of Novikoff's theorem.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "01-perceptron/perceptron.hpp"

namespace perceptron {

// ---------------------------------------------------------------- 1.1 the neuron

float weighted_sum(const Perceptron& p, std::span<const float> x) {
    assert(x.size() == p.w.size());
    // w [d], x [d]
    float z = p.b;
    for (size_t j = 0; j < x.size(); ++j) z += p.w[j] * x[j];
    return z;
}

int step(float z) {
    // Strictly greater: a point on the boundary (z = 0) is classified 0.
    return z > 0.0f ? 1 : 0;
}

// ---------------------------------------------------------------- 1.2 and 1.3 learning

bool update(Perceptron& p, std::span<const float> x, int t, float eta) {
    int o = predict(p, x);
    // t - o is 0 when the output is right (nothing to learn), +1 when the neuron
    // fired too little (move w toward x), -1 when it fired too much (away from x).
    int error = t - o;
    if (error == 0) return false;
    float delta = eta * static_cast<float>(error);
    // w [d], x [d]
    for (size_t j = 0; j < x.size(); ++j) p.w[j] += delta * x[j];
    // The bias is the weight of a constant input 1.
    p.b += delta;
    return true;
}

int train_epoch(Perceptron& p, const Tensor& X, std::span<const int> t,
                std::span<const size_t> order, float eta) {
    assert(X.rank() == 2 && t.size() == X.dim(0));
    int mistakes = 0;
    // X [n, d], t [n], order [n]: the caller shuffles, so one seed gives one run.
    for (size_t i : order) {
        if (update(p, X.row(i), t[i], eta)) ++mistakes;
    }
    return mistakes;
}

// ---------------------------------------------------------------- 1.4 many classes

int predict_class(const MulticlassPerceptron& m, std::span<const float> x) {
    size_t k = m.W.dim(0), d = m.W.dim(1);
    assert(x.size() == d && m.b.size() == k);
    int best = 0;
    float best_score = 0.0f;
    // W [k, d], b [k], x [d]
    for (size_t c = 0; c < k; ++c) {
        float s = m.b[c];
        for (size_t j = 0; j < d; ++j) s += m.W(c, j) * x[j];
        // Strictly greater, so a tie keeps the lowest class.
        if (c == 0 || s > best_score) {
            best = static_cast<int>(c);
            best_score = s;
        }
    }
    return best;
}

namespace {

// Adds scale * (x, 1) to the weights and bias of class c.
void add_to_class(MulticlassPerceptron& m, size_t c, std::span<const float> x, float scale) {
    // W [k, d], x [d]
    for (size_t j = 0; j < x.size(); ++j) m.W(c, j) += scale * x[j];
    m.b[c] += scale;
}

}  // namespace

bool update_multiclass(MulticlassPerceptron& m, std::span<const float> x, int y) {
    int y_hat = predict_class(m, x);
    if (y_hat == y) return false;
    // Raise the score of the true class and lower the one that won, each by |x|^2 + 1.
    add_to_class(m, static_cast<size_t>(y), x, +1.0f);
    add_to_class(m, static_cast<size_t>(y_hat), x, -1.0f);
    return true;
}

// ---------------------------------------------------------------- 1.5 averaged perceptron

bool update_averaged(AveragedPerceptron& a, std::span<const float> x, int y) {
    int y_hat = predict_class(a.current, x);
    bool mistake = y_hat != y;
    if (mistake) {
        add_to_class(a.current, static_cast<size_t>(y), x, +1.0f);
        add_to_class(a.current, static_cast<size_t>(y_hat), x, -1.0f);
        // An update made at time c is absent from the first c states of the
        // average, which u remembers by weighting it with c.
        float c = static_cast<float>(a.c);
        add_to_class(a.u, static_cast<size_t>(y), x, +c);
        add_to_class(a.u, static_cast<size_t>(y_hat), x, -c);
    }
    // Every example counts in the average, right or wrong.
    ++a.c;
    return mistake;
}

MulticlassPerceptron averaged(const AveragedPerceptron& a) {
    MulticlassPerceptron avg = a.current;
    float c = static_cast<float>(a.c);
    // W [k, d] as one flat array, b [k]
    for (size_t i = 0; i < avg.W.size(); ++i) avg.W[i] -= a.u.W[i] / c;
    for (size_t i = 0; i < avg.b.size(); ++i) avg.b[i] -= a.u.b[i] / c;
    return avg;
}

// ---------------------------------------------------------------- 1.6 convergence theorem

ConvergenceBound novikoff_bound(const Tensor& X, std::span<const int> t,
                                std::span<const float> w_star, float b_star) {
    assert(X.rank() == 2 && t.size() == X.dim(0) && w_star.size() == X.dim(1));
    size_t n = X.dim(0), d = X.dim(1);
    // |w~*| includes the bias, since w~* = (w*, b*).
    double norm_w = double(b_star) * b_star;
    for (size_t j = 0; j < d; ++j) norm_w += double(w_star[j]) * w_star[j];
    norm_w = std::sqrt(norm_w);

    ConvergenceBound cb;
    cb.gamma = std::numeric_limits<double>::infinity();
    // X [n, d]; x~_i = (x_i, 1), so every |x~_i|^2 starts at 1.
    for (size_t i = 0; i < n; ++i) {
        auto x = X.row(i);
        double norm_x2 = 1.0, z = b_star;
        for (size_t j = 0; j < d; ++j) {
            norm_x2 += double(x[j]) * x[j];
            z += double(w_star[j]) * x[j];
        }
        // y = 2t - 1 maps the targets {0, 1} to the signs {-1, +1}.
        double y = 2.0 * t[i] - 1.0;
        cb.R = std::max(cb.R, std::sqrt(norm_x2));
        cb.gamma = std::min(cb.gamma, y * z / norm_w);
    }
    // At most (R / gamma)^2 updates, whatever the order of the examples.
    cb.bound = (cb.R / cb.gamma) * (cb.R / cb.gamma);
    return cb;
}

}  // namespace perceptron
