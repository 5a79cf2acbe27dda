#pragma once
// A contiguous row-major buffer of floats with a shape. Nothing more: no views,
// no broadcasting, no expression templates. Element access is bounds-checked with
// assert, so a debug or sanitizer build catches an index past the end.
#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace nn {

// Memory for a Tensor's floats, on a 64-byte boundary (a cache line; malloc gives 16).
// A matrix whose rows are a multiple of 64 bytes long, [n, 784] for one, then has every
// row on a cache line of its own, so the 32- and 64-byte vector loads of the matrix
// multiply never straddle two lines (measured: unaligned rows made chapter 1's scores,
// 1000 x 10 x 784, about 10% slower).
template <class T>
struct CacheLineAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};
    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
    void deallocate(T* p, size_t) { ::operator delete(p, kAlignment); }
    friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
};

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(std::vector<size_t> shape, float fill = 0.0f);
    // A [rows, cols] matrix written out row by row: from_rows({{1, 2}, {3, 4}}).
    // Every row must have the same length (std::invalid_argument otherwise).
    static Tensor from_rows(std::initializer_list<std::initializer_list<float>> rows);

    const std::vector<size_t>& shape() const { return shape_; }
    size_t rank() const { return shape_.size(); }
    size_t dim(size_t axis) const { assert(axis < shape_.size()); return shape_[axis]; }
    size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }

    float* data() { return data_.data(); }
    const float* data() const { return data_.data(); }
    std::span<float> span() { return data_; }
    std::span<const float> span() const { return data_; }

    float& operator[](size_t i) { assert(i < data_.size()); return data_[i]; }
    float operator[](size_t i) const { assert(i < data_.size()); return data_[i]; }

    // Rank 2: element (i, j) of a [rows, cols] tensor.
    float& operator()(size_t i, size_t j) { return data_[index(i, j)]; }
    float operator()(size_t i, size_t j) const { return data_[index(i, j)]; }
    // Rank 3: element (i, j, k).
    float& operator()(size_t i, size_t j, size_t k) { return data_[index(i, j, k)]; }
    float operator()(size_t i, size_t j, size_t k) const { return data_[index(i, j, k)]; }
    // Rank 4: element (b, c, i, j) of a batch of images [B, C, H, W].
    float& operator()(size_t b, size_t c, size_t i, size_t j) { return data_[index(b, c, i, j)]; }
    float operator()(size_t b, size_t c, size_t i, size_t j) const { return data_[index(b, c, i, j)]; }

    // The i-th slice along axis 0 (row i of a matrix, image i of a batch).
    std::span<float> row(size_t i);
    std::span<const float> row(size_t i) const;

    // Same data, new shape with the same number of elements.
    void reshape(std::vector<size_t> shape);
    void fill(float value);

    // "[60000, 784]", for error messages and summaries.
    std::string shape_string() const;

private:
    size_t index(size_t i, size_t j) const {
        assert(shape_.size() == 2 && i < shape_[0] && j < shape_[1]);
        return i * shape_[1] + j;
    }
    size_t index(size_t i, size_t j, size_t k) const {
        assert(shape_.size() == 3 && i < shape_[0] && j < shape_[1] && k < shape_[2]);
        return (i * shape_[1] + j) * shape_[2] + k;
    }
    size_t index(size_t b, size_t c, size_t i, size_t j) const {
        assert(shape_.size() == 4 && b < shape_[0] && c < shape_[1] && i < shape_[2] && j < shape_[3]);
        return ((b * shape_[1] + c) * shape_[2] + i) * shape_[3] + j;
    }

    std::vector<size_t> shape_;
    std::vector<float, CacheLineAllocator<float>> data_;
};

// The rows of X [n, d] at the given indices, in order, into out [m, d] (a mini-batch).
// out is resized only when its shape differs, so a training loop reuses its memory. An
// index past the last row throws std::out_of_range.
void gather_rows(const Tensor& X, std::span<const size_t> indices, Tensor& out);
Tensor gather_rows(const Tensor& X, std::span<const size_t> indices);

// The index of the largest value, the first one on a tie (a row's predicted class).
size_t argmax(std::span<const float> values);
// argmax of each row of scores [n, k]: the predicted class of every example.
std::vector<int> argmax_rows(const Tensor& scores);

// Z [n, k] = X [n, d] W^T + b: a dense layer's weighted input, or a linear model's scores,
// for the n rows of X at once (W is [k, d], one row per output; b is [k]).
Tensor affine(const Tensor& X, const Tensor& W, std::span<const float> b);

}  // namespace nn
