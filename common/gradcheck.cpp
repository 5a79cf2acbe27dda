#include "common/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nn {

std::vector<double> numerical_gradient(const std::function<double()>& loss,
                                       std::span<float> params, double eps) {
    std::vector<double> gradient(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        const float saved = params[i];
        params[i] = static_cast<float>(saved + eps);
        const float up = params[i];
        const double loss_up = loss();
        params[i] = static_cast<float>(saved - eps);
        const float down = params[i];
        const double loss_down = loss();
        params[i] = saved;
        // Divide by the step actually taken: p +- eps is rounded to float.
        gradient[i] = (loss_up - loss_down) / (double(up) - double(down));
    }
    return gradient;
}

GradCheckResult check_gradient(const std::function<double()>& loss, std::span<float> params,
                               std::span<const float> analytic, double eps, double floor) {
    if (analytic.size() != params.size())
        throw std::invalid_argument("check_gradient: " + std::to_string(analytic.size()) +
                                    " analytic gradients for " + std::to_string(params.size()) +
                                    " parameters");
    const std::vector<double> numeric = numerical_gradient(loss, params, eps);
    GradCheckResult result;
    for (size_t i = 0; i < params.size(); ++i) {
        const double a = analytic[i], n = numeric[i];
        const double error = std::abs(a - n) / std::max({std::abs(a), std::abs(n), floor});
        // `!(error <= ...)` so that a NaN gradient counts as the worst.
        if (i == 0 || !(error <= result.max_relative_error)) {
            result = {error, i, a, n};
            if (std::isnan(error)) break;
        }
    }
    return result;
}

GradCheckResult check_gradient_against_largest(const std::function<double()>& loss,
                                               std::span<float> params,
                                               std::span<const float> analytic, double eps,
                                               double floor) {
    double largest = 0;
    for (float a : analytic) largest = std::max(largest, double(std::fabs(a)));
    return check_gradient(loss, params, analytic, eps, std::max(largest, floor));
}

}  // namespace nn
