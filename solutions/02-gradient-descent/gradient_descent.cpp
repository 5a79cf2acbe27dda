// Chapter 2, reference solutions of exercises 2.1 to 2.7. The symbols are the
// chapter's: theta the parameters, g the gradient, eta the learning rate, v the
// velocity of momentum, m and s Adam's running moments, r the residuals.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "02-gradient-descent/gradient_descent.hpp"

namespace gd {

// ---------------------------------------------------------------- 2.1 a gradient

void quadratic_gradient(const Quadratic& q, std::span<const float> x, std::span<float> grad) {
    size_t n = q.b.size();
    assert(q.A.rank() == 2 && q.A.dim(0) == n && q.A.dim(1) == n);
    assert(x.size() == n && grad.size() == n);
    // A [n, n], x [n], b [n] -> g [n]. The 1/2 of f is cancelled by the derivative of
    // x^T A x, which is (A + A^T) x = 2 A x for a symmetric A.
    for (size_t i = 0; i < n; ++i) {
        float gi = -q.b[i];
        for (size_t j = 0; j < n; ++j) gi += q.A(i, j) * x[j];
        grad[i] = gi;
    }
}

// ---------------------------------------------------------------- 2.2 to 2.4 update rules

void gradient_step(std::span<float> theta, std::span<const float> g, float eta) {
    assert(theta.size() == g.size());
    // theta [n], g [n]: downhill is minus the gradient.
    for (size_t i = 0; i < theta.size(); ++i) theta[i] -= eta * g[i];
}

void Momentum::step(std::span<float> theta, std::span<const float> g) {
    assert(theta.size() == g.size());
    // The ball starts at rest.
    if (v.size() != theta.size()) v.assign(theta.size(), 0.0f);
    // theta [n], g [n], v [n]: v sums the past gradients, each beta times older than the
    // next, so steps grow along a steady slope and cancel across a zig-zag.
    for (size_t i = 0; i < theta.size(); ++i) {
        v[i] = beta * v[i] + g[i];
        theta[i] -= eta * v[i];
    }
}

void Adam::step(std::span<float> theta, std::span<const float> g) {
    assert(theta.size() == g.size());
    if (m.size() != theta.size()) {
        m.assign(theta.size(), 0.0f);
        s.assign(theta.size(), 0.0f);
    }
    // t counts steps from 1: at t = 1 the corrections divide by (1 - beta), which undoes
    // the pull of the zero start toward 0.
    ++t;
    float correction1 = 1.0f - std::pow(beta1, static_cast<float>(t));
    float correction2 = 1.0f - std::pow(beta2, static_cast<float>(t));
    // theta [n], g [n], m [n], s [n]
    for (size_t i = 0; i < theta.size(); ++i) {
        m[i] = beta1 * m[i] + (1.0f - beta1) * g[i];
        s[i] = beta2 * s[i] + (1.0f - beta2) * g[i] * g[i];
        float m_hat = m[i] / correction1;
        float s_hat = s[i] / correction2;
        // Dividing by the root mean square of g makes the step about eta whatever the
        // gradient's scale; eps only guards against a zero s_hat.
        theta[i] -= eta * m_hat / (std::sqrt(s_hat) + eps);
    }
}

// ---------------------------------------------------------------- 2.7 schedules

float learning_rate(Schedule schedule, float eta0, long t, long T) {
    assert(T > 0 && t >= 0);
    const double pi = std::numbers::pi;
    switch (schedule) {
    case Schedule::Constant:
        return eta0;
    case Schedule::Step: {
        // Integer division: the thirds of the run already done, 0, 1 or 2 since t < T, so
        // the rate drops exactly twice, at a third and at two thirds, whatever T is.
        long thirds = 3 * t / T;
        return static_cast<float>(eta0 * std::pow(0.1, static_cast<double>(thirds)));
    }
    case Schedule::Cosine:
        // Half a cosine wave, from eta0 at t = 0 down toward 0 at t = T.
        return static_cast<float>(eta0 * (1.0 + std::cos(pi * double(t) / double(T))) / 2.0);
    case Schedule::WarmupCosine: {
        long W = std::max(1L, T / 10);
        // t + 1 so that the very first step already moves (t = 0 gives eta0 / W).
        if (t < W) return static_cast<float>(eta0 * double(t + 1) / double(W));
        // Then the cosine, restarted at t = W over the T - W steps that remain.
        double phase = double(t - W) / double(T - W);
        return static_cast<float>(eta0 * (1.0 + std::cos(pi * phase)) / 2.0);
    }
    }
    return eta0;
}

// ---------------------------------------------------------------- 2.5 linear regression

void linear_gradient(const LinearModel& model, const Tensor& X, std::span<const float> y,
                     std::vector<float>& grad_w, float& grad_b) {
    assert(X.rank() == 2 && y.size() == X.dim(0) && model.w.size() == X.dim(1));
    size_t n = X.dim(0), d = X.dim(1);
    grad_w.assign(d, 0.0f);
    grad_b = 0.0f;
    if (n == 0) return;
    // X [n, d], w [d], y [n]; one residual r_i at a time, added into X^T r and sum(r).
    for (size_t i = 0; i < n; ++i) {
        float r = model.b - y[i];
        for (size_t j = 0; j < d; ++j) r += model.w[j] * X(i, j);
        for (size_t j = 0; j < d; ++j) grad_w[j] += r * X(i, j);
        grad_b += r;
    }
    // The 1/n of the mean; the 1/2 of L cancels the 2 of the square's derivative.
    float inv_n = 1.0f / static_cast<float>(n);
    for (size_t j = 0; j < d; ++j) grad_w[j] *= inv_n;
    grad_b *= inv_n;
}

// ---------------------------------------------------------------- 2.6 softmax cross-entropy

double softmax_cross_entropy(const Tensor& Z, std::span<const int> labels, Tensor& dZ) {
    assert(Z.rank() == 2 && labels.size() == Z.dim(0));
    size_t n = Z.dim(0), k = Z.dim(1);
    if (dZ.shape() != Z.shape()) dZ = Tensor(Z.shape());
    if (n == 0) return 0.0;
    double loss = 0.0;
    // Z [n, k], labels [n] -> dZ [n, k]
    for (size_t i = 0; i < n; ++i) {
        // Subtracting the row max changes no probability but keeps exp() <= 1: e^1000
        // would overflow to inf.
        float z_max = Z(i, 0);
        for (size_t c = 1; c < k; ++c) z_max = std::max(z_max, Z(i, c));
        double sum = 0.0;
        for (size_t c = 0; c < k; ++c) sum += std::exp(double(Z(i, c)) - z_max);
        auto y = static_cast<size_t>(labels[i]);
        // -log p_y = log(sum_c e^(z_c - max)) - (z_y - max), with no exp of z_y needed.
        loss += std::log(sum) - (double(Z(i, y)) - z_max);
        for (size_t c = 0; c < k; ++c) {
            double p = std::exp(double(Z(i, c)) - z_max) / sum;
            double one_hot = c == y ? 1.0 : 0.0;
            dZ(i, c) = static_cast<float>((p - one_hot) / double(n));
        }
    }
    return loss / double(n);
}

}  // namespace gd
