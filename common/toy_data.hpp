#pragma once
// The two-dimensional data sets of TensorFlow Playground (circle, xor, gauss,
// spiral) and scikit-learn's two moons, generated from the seed. Coordinates lie
// in about [-6, 6] as in the Playground; labels are 0 and 1. And Friedman's #1, a
// nonlinear regression benchmark on tabular data.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "common/random.hpp"
#include "common/tensor.hpp"

namespace nn {

enum class Toy { Circle, Xor, Gauss, Spiral, Moons };

struct Dataset2D {
    Tensor X;            // [n, 2]
    std::vector<int> y;  // n labels, 0 or 1
    size_t size() const { return y.size(); }
};

// noise in [0, 1]: the Playground's noise slider (0 to 50%) divided by 50.
Dataset2D make_toy(Toy kind, size_t n, float noise, Rng& rng);

Toy parse_toy(const std::string& name);  // "circle" ...; throws UsageError listing the names
std::string toy_name(Toy kind);

// Friedman #1 (J. Friedman, "Multivariate adaptive regression splines", 1991; scikit-learn's
// make_friedman1): x ~ U[0, 1]^d, d >= 5, and
//   y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise,   noise ~ N(0, sigma^2).
// Only the first five features matter; the other d - 5 are noise the model must learn to ignore.
struct RegressionSet {
    Tensor X;              // [n, d]
    std::vector<float> y;  // [n]
    size_t size() const { return y.size(); }
};

// The noise-free target of one row x (at least 5 values), in double.
double friedman1(std::span<const float> x);
// Each row draws its d features, then its noise. Throws UsageError for d < 5 or sigma < 0.
RegressionSet make_friedman1(size_t n, size_t d, float sigma, Rng& rng);

}  // namespace nn
