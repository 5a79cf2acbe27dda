// Chapter 2, the given functions to minimize, the optimizers that are not exercises,
// the Optimizer chosen by name, and the schedule names. Linked in every build, the
// learner's included, so it may call the exercise functions but defines none.
#include <cassert>
#include <cmath>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/errors.hpp"

namespace gd {

// ---------------------------------------------------------------- functions to minimize

double quadratic_value(const Quadratic& q, std::span<const float> x) {
    size_t n = q.b.size();
    assert(q.A.rank() == 2 && q.A.dim(0) == n && q.A.dim(1) == n && x.size() == n);
    // A [n, n], x [n], b [n]: f = 1/2 x^T A x - b^T x, in double.
    double f = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double Ax_i = 0.0;
        for (size_t j = 0; j < n; ++j) Ax_i += double(q.A(i, j)) * x[j];
        f += 0.5 * x[i] * Ax_i - double(q.b[i]) * x[i];
    }
    return f;
}

namespace {
constexpr double kRosenbrockA = 1.0, kRosenbrockC = 100.0;
}

double rosenbrock_value(std::span<const float> p) {
    assert(p.size() == 2);
    double x = p[0], y = p[1];
    return (kRosenbrockA - x) * (kRosenbrockA - x) + kRosenbrockC * (y - x * x) * (y - x * x);
}

void rosenbrock_gradient(std::span<const float> p, std::span<float> grad) {
    assert(p.size() == 2 && grad.size() == 2);
    double x = p[0], y = p[1];
    // d/dx: -2 (a - x) + c 2 (y - x^2) (-2x);   d/dy: 2 c (y - x^2).
    grad[0] = static_cast<float>(-2.0 * (kRosenbrockA - x) - 4.0 * kRosenbrockC * x * (y - x * x));
    grad[1] = static_cast<float>(2.0 * kRosenbrockC * (y - x * x));
}

// ---------------------------------------------------------------- the other update rules

void Sgd::step(std::span<float> theta, std::span<const float> g) { gradient_step(theta, g, eta); }

void Nesterov::step(std::span<float> theta, std::span<const float> g) {
    assert(theta.size() == g.size());
    if (v.size() != theta.size()) v.assign(theta.size(), 0.0f);
    // theta [n], g [n], v [n]: the step looks ahead along the new velocity.
    for (size_t i = 0; i < theta.size(); ++i) {
        v[i] = beta * v[i] + g[i];
        theta[i] -= eta * (g[i] + beta * v[i]);
    }
}

void AdaGrad::step(std::span<float> theta, std::span<const float> g) {
    assert(theta.size() == g.size());
    if (G.size() != theta.size()) G.assign(theta.size(), 0.0f);
    // theta [n], g [n], G [n]: G only grows, so every coordinate's step shrinks, the
    // most where the gradients have been large.
    for (size_t i = 0; i < theta.size(); ++i) {
        G[i] += g[i] * g[i];
        theta[i] -= eta * g[i] / (std::sqrt(G[i]) + eps);
    }
}

void RMSProp::step(std::span<float> theta, std::span<const float> g) {
    assert(theta.size() == g.size());
    if (s.size() != theta.size()) s.assign(theta.size(), 0.0f);
    // theta [n], g [n], s [n]: AdaGrad with a running mean of g^2 that forgets,
    // so the steps do not die out.
    for (size_t i = 0; i < theta.size(); ++i) {
        s[i] = rho * s[i] + (1.0f - rho) * g[i] * g[i];
        theta[i] -= eta * g[i] / (std::sqrt(s[i]) + eps);
    }
}

// ---------------------------------------------------------------- Optimizer

const std::vector<std::string>& Optimizer::names() {
    static const std::vector<std::string> names{"sgd", "momentum", "nesterov",
                                                "adagrad", "rmsprop", "adam"};
    return names;
}

Optimizer Optimizer::make(const std::string& name, float eta) {
    Optimizer opt;
    if (name == "sgd") opt.fresh_ = Sgd{};
    else if (name == "momentum") opt.fresh_ = Momentum{};
    else if (name == "nesterov") opt.fresh_ = Nesterov{};
    else if (name == "adagrad") opt.fresh_ = AdaGrad{};
    else if (name == "rmsprop") opt.fresh_ = RMSProp{};
    else if (name == "adam") opt.fresh_ = Adam{};
    else
        throw nn::UsageError("unknown optimizer '" + name +
                             "'; choose sgd, momentum, nesterov, adagrad, rmsprop or adam");
    opt.name_ = name;
    opt.set_eta(eta);
    return opt;
}

void Optimizer::step(std::span<const nn::Parameter> parameters) {
    if (rules_.size() != parameters.size()) rules_.assign(parameters.size(), fresh_);
    for (size_t i = 0; i < parameters.size(); ++i) {
        assert(parameters[i].value.size() == parameters[i].gradient.size());
        std::visit([&](auto& rule) { rule.step(parameters[i].value, parameters[i].gradient); }, rules_[i]);
    }
}

void Optimizer::step(std::span<float> theta, std::span<const float> g) {
    const nn::Parameter only{theta, g};
    step(std::span(&only, 1));
}

float Optimizer::eta() const {
    return std::visit([](const auto& rule) { return rule.eta; }, fresh_);
}

void Optimizer::set_eta(float eta) {
    std::visit([eta](auto& rule) { rule.eta = eta; }, fresh_);
    for (Rule& rule : rules_) std::visit([eta](auto& r) { r.eta = eta; }, rule);
}

// ---------------------------------------------------------------- schedules

Schedule parse_schedule(const std::string& name) {
    if (name == "constant") return Schedule::Constant;
    if (name == "step") return Schedule::Step;
    if (name == "cosine") return Schedule::Cosine;
    if (name == "warmup-cosine") return Schedule::WarmupCosine;
    throw nn::UsageError("unknown schedule '" + name +
                         "'; choose constant, step, cosine or warmup-cosine");
}

}  // namespace gd
