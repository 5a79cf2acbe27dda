// Chapter 2, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=02` to see which exercises pass, and `make hint EX=2.1` when stuck.
// The other optimizers, softmax(), the normal equations and the rest are given, in
// chapters/02-gradient-descent/given_*.cpp.
#include "02-gradient-descent/gradient_descent.hpp"
#include "common/errors.hpp"

namespace gd {

// ---------------------------------------------------------------- 2.1 a gradient

void quadratic_gradient(const Quadratic& /*q*/, std::span<const float> /*x*/,
                        std::span<float> /*grad*/) {
    // TODO(2.1): write g = A x - b into grad: grad[i] = sum_j q.A(i, j) x[j] - q.b[i],
    // for i = 0 .. n-1 (n = q.b.size()).
    throw nn::NotImplemented("2.1");
}

// ---------------------------------------------------------------- 2.2 to 2.4 update rules

void gradient_step(std::span<float> /*theta*/, std::span<const float> /*g*/, float /*eta*/) {
    // TODO(2.2): theta <- theta - eta g, for every coordinate i: theta[i] -= eta * g[i].
    throw nn::NotImplemented("2.2");
}

void Momentum::step(std::span<float> /*theta*/, std::span<const float> /*g*/) {
    // TODO(2.3): size v to theta with zeros if it does not match yet; then per coordinate
    // v[i] = beta v[i] + g[i] and theta[i] -= eta v[i]. v must keep its value for the next step.
    throw nn::NotImplemented("2.3");
}

void Adam::step(std::span<float> /*theta*/, std::span<const float> /*g*/) {
    // TODO(2.4): size m and s with zeros on the first step; t += 1; per coordinate
    // m = b1 m + (1-b1) g, s = b2 s + (1-b2) g^2, m_hat = m / (1 - b1^t), s_hat = s / (1 - b2^t),
    // theta -= eta m_hat / (sqrt(s_hat) + eps).
    throw nn::NotImplemented("2.4");
}

// ---------------------------------------------------------------- 2.7 schedules

float learning_rate(Schedule /*schedule*/, float /*eta0*/, long /*t*/, long /*T*/) {
    // TODO(2.7): switch on the schedule and return the rate of the header's table: eta0;
    // eta0 0.1^(3t / T) (integer division: 0, 1 or 2); eta0 (1 + cos(pi t/T)) / 2;
    // with W = max(1, T/10), eta0 (t+1)/W for t < W, then eta0 (1 + cos(pi (t-W)/(T-W))) / 2.
    throw nn::NotImplemented("2.7");
}

// ---------------------------------------------------------------- 2.5 linear regression

void linear_gradient(const LinearModel& /*model*/, const Tensor& /*X*/,
                     std::span<const float> /*y*/, std::vector<float>& /*grad_w*/,
                     float& /*grad_b*/) {
    // TODO(2.5): reset grad_w to d zeros and grad_b to 0; for each row i, r_i = w . x_i + b - y_i,
    // grad_w += r_i x_i, grad_b += r_i; finally divide both by n (so dL/dw = X^T r / n).
    throw nn::NotImplemented("2.5");
}

// ---------------------------------------------------------------- 2.6 softmax cross-entropy

double softmax_cross_entropy(const Tensor& /*Z*/, std::span<const int> /*labels*/,
                             Tensor& /*dZ*/) {
    // TODO(2.6): per row i, with m = max_c Z(i, c) and S = sum_c e^(Z(i, c) - m):
    // loss += log S - (Z(i, y_i) - m), dZ(i, c) = (e^(Z(i, c) - m) / S - [c == y_i]) / n.
    // dZ has Z's shape (make it so if it does not); return loss / n.
    throw nn::NotImplemented("2.6");
}

}  // namespace gd
