#include "common/tensor.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "common/gemm.hpp"

namespace nn {

namespace {

// An empty shape is a scalar: one element, as in every framework.
size_t element_count(const std::vector<size_t>& shape) {
    size_t count = 1;
    for (size_t extent : shape) count *= extent;
    return count;
}

std::string to_string(const std::vector<size_t>& shape) {
    std::string text = "[";
    for (size_t axis = 0; axis < shape.size(); ++axis) {
        if (axis > 0) text += ", ";
        text += std::to_string(shape[axis]);
    }
    return text + "]";
}

}  // namespace

Tensor::Tensor(std::vector<size_t> shape, float fill)
    : shape_(std::move(shape)), data_(element_count(shape_), fill) {}

std::span<float> Tensor::row(size_t i) {
    assert(!shape_.empty() && i < shape_[0]);
    size_t stride = data_.size() / shape_[0];
    return std::span<float>(data_).subspan(i * stride, stride);
}

std::span<const float> Tensor::row(size_t i) const {
    assert(!shape_.empty() && i < shape_[0]);
    size_t stride = data_.size() / shape_[0];
    return std::span<const float>(data_).subspan(i * stride, stride);
}

Tensor Tensor::from_rows(std::initializer_list<std::initializer_list<float>> rows) {
    size_t cols = rows.size() ? rows.begin()->size() : 0;
    Tensor M({rows.size(), cols});
    float* out = M.data();
    for (const auto& row : rows) {
        if (row.size() != cols) throw std::invalid_argument("Tensor::from_rows: rows of different lengths");
        out = std::copy(row.begin(), row.end(), out);
    }
    return M;
}

void gather_rows(const Tensor& X, std::span<const size_t> indices, Tensor& out) {
    assert(X.rank() == 2);
    const size_t d = X.dim(1);
    if (out.rank() != 2 || out.dim(0) != indices.size() || out.dim(1) != d) out = Tensor({indices.size(), d});
    // X [n, d] -> out [m, d], row k of out = row indices[k] of X.
    for (size_t k = 0; k < indices.size(); ++k) {
        if (indices[k] >= X.dim(0))
            throw std::out_of_range("gather_rows: index " + std::to_string(indices[k]) +
                                    " is past the last row of a " + X.shape_string() + " tensor");
        auto src = X.row(indices[k]);
        std::copy(src.begin(), src.end(), out.row(k).begin());
    }
}

Tensor gather_rows(const Tensor& X, std::span<const size_t> indices) {
    Tensor out;
    gather_rows(X, indices, out);
    return out;
}

size_t argmax(std::span<const float> values) {
    return size_t(std::max_element(values.begin(), values.end()) - values.begin());
}

std::vector<int> argmax_rows(const Tensor& scores) {
    std::vector<int> classes(scores.dim(0));
    for (size_t i = 0; i < classes.size(); ++i) classes[i] = int(argmax(scores.row(i)));
    return classes;
}

void Tensor::reshape(std::vector<size_t> shape) {
    if (element_count(shape) != data_.size())
        throw std::invalid_argument("cannot reshape a tensor of shape " + shape_string() + " (" +
                                    std::to_string(data_.size()) + " elements) to " +
                                    to_string(shape));
    shape_ = std::move(shape);
}

void Tensor::fill(float value) {
    for (float& x : data_) x = value;
}

std::string Tensor::shape_string() const { return to_string(shape_); }

Tensor affine(const Tensor& X, const Tensor& W, std::span<const float> b) {
    assert(X.rank() == 2 && W.rank() == 2 && X.dim(1) == W.dim(1) && b.size() == W.dim(0));
    const int n = int(X.dim(0)), k = int(W.dim(0)), d = int(X.dim(1));
    Tensor Z({X.dim(0), W.dim(0)});
    if (n == 0 || k == 0) return Z;
    // Z [n, k] = X [n, d] W^T [d, k]; beta = 0 since Z is about to be overwritten.
    gemm(Trans::No, Trans::Yes, n, k, d, 1.0f, X.data(), d, W.data(), d, 0.0f, Z.data(), k);
    // Z [n, k] += b [k], the same bias on every row.
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < k; ++c) Z(i, c) += b[c];
    return Z;
}

}  // namespace nn
