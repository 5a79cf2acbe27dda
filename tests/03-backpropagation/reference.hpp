#pragma once
// Reference computations the chapter 3 tests compare against, written independently of
// the code under test: activations and costs in double by plain loops, and small helpers
// to build matrices. Shared by network_test.cpp and backprop_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/random.hpp"

namespace reference {

using bp::Activation;
using bp::Cost;
using bp::Tensor;

using Vec = std::vector<float>;
using Rows = std::vector<std::vector<double>>;  // [B][n]

inline Tensor matrix(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }

inline Tensor random_matrix(size_t rows, size_t cols, nn::Rng& rng, float lo = -1, float hi = 1) {
    return nn::uniform_tensor({rows, cols}, rng, lo, hi);
}

inline void expect_tensor_near(const Tensor& actual, const Tensor& expected, double tolerance, const std::string& name) {
    ASSERT_EQ(actual.shape(), expected.shape()) << name;
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(actual[i], expected[i], tolerance) << name << "[" << i << "] of " << expected.shape_string();
}

inline double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// f of one row, in double; softmax with the row's maximum taken out.
inline std::vector<double> apply(Activation f, std::vector<double> z) {
    double m = *std::max_element(z.begin(), z.end()), sum = 0.0;
    for (double& v : z) switch (f) {
            case Activation::Sigmoid: v = sigmoid(v); break;
            case Activation::Tanh: v = std::tanh(v); break;
            case Activation::ReLU: v = std::max(v, 0.0); break;
            case Activation::Linear: break;
            case Activation::Softmax: sum += v = std::exp(v - m); break;
        }
    if (f == Activation::Softmax)
        for (double& v : z) v /= sum;
    return z;
}

// C_x of one example, in double.
inline double example_cost(Cost cost, Activation output, const std::vector<double>& a, std::span<const float> y) {
    double c = 0.0;
    for (size_t j = 0; j < a.size(); ++j) {
        if (cost == Cost::Quadratic) c += 0.5 * (a[j] - y[j]) * (a[j] - y[j]);
        else if (output == Activation::Softmax) c -= y[j] * std::log(a[j]);
        else c -= y[j] * std::log(a[j]) + (1 - y[j]) * std::log(1 - a[j]);
    }
    return c;
}

inline Tensor to_tensor(const Rows& rows) {
    Tensor t({rows.size(), rows[0].size()});
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[i].size(); ++j) t(i, j) = float(rows[i][j]);
    return t;
}


}  // namespace reference
