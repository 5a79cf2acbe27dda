#pragma once
// Gradient checking by central differences: the test every backward pass must pass.
//
//     dL/dp_i  ~  (L(p + eps e_i) - L(p - eps e_i)) / (2 eps)
//
// The loss is evaluated in double by the caller's closure, which reads the
// parameters in place; the checker nudges each parameter and puts it back.
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace nn {

// The numerical gradient of loss() with respect to params (same length as params).
std::vector<double> numerical_gradient(const std::function<double()>& loss,
                                       std::span<float> params, double eps = 1e-3);

struct GradCheckResult {
    double max_relative_error = 0;  // max over i of |a - n| / max(|a|, |n|, floor)
    size_t worst_index = 0;         // the i where it is reached
    double analytic = 0;            // a and n at that index
    double numeric = 0;
    bool passed(double tolerance) const { return max_relative_error <= tolerance; }
};

// Compares an analytic gradient with central differences. `floor` keeps the
// relative error meaningful where both gradients are near zero (fp32 rounding
// alone gives differences of about 1e-4 there).
GradCheckResult check_gradient(const std::function<double()>& loss,
                               std::span<float> params,
                               std::span<const float> analytic,
                               double eps = 1e-3, double floor = 1e-4);

// The same with every difference measured against the largest entry of the analytic
// gradient (floored at `floor`), not against itself: check_gradient with floor =
// max(max_i |analytic_i|, floor). For a loss that sums hundreds of float products, the
// fp32 rounding of the loss, amplified by 1/(2 eps), reaches about 1e-3 in every numeric
// derivative, a large part of the small ones (batch norm's dX, nearly invariant to a
// shift of its input, has entries of 1e-4). Against the largest entry, fp32 leaves
// about 1e-3 and a wrong formula still gives about 1.
GradCheckResult check_gradient_against_largest(const std::function<double()>& loss,
                                               std::span<float> params,
                                               std::span<const float> analytic,
                                               double eps = 1e-3, double floor = 1e-4);

}  // namespace nn
