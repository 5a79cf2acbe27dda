#pragma once
// The two-dimensional data sets of TensorFlow Playground (circle, xor, gauss,
// spiral) and scikit-learn's two moons, generated from the seed. Coordinates lie
// in about [-6, 6] as in the Playground; labels are 0 and 1.
#include <cstddef>
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

}  // namespace nn
