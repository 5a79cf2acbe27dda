#pragma once
// The one random generator. xoshiro256** seeded through splitmix64, with every
// distribution written out here (not std::normal_distribution & co., whose output
// differs between standard libraries), so the same seed gives the same numbers
// with any compiler on any machine.
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "common/tensor.hpp"

namespace nn {

class Rng {
public:
    explicit Rng(uint64_t seed);

    uint64_t next_u64();
    float uniform();                      // [0, 1), 24 random bits
    float uniform(float lo, float hi);    // [lo, hi)
    float normal();                       // mean 0, standard deviation 1 (Box-Muller)
    float normal(float mean, float stddev);
    size_t below(size_t n);               // uniform integer in [0, n), unbiased; n > 0

    // Fisher-Yates, using below().
    template <class T>
    void shuffle(std::span<T> items) {
        for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
    }
    template <class T>
    void shuffle(std::vector<T>& items) { shuffle(std::span<T>(items)); }

    std::vector<size_t> permutation(size_t n);  // a shuffled 0, 1, ..., n-1

private:
    uint64_t s_[4];
    bool has_spare_normal_ = false;
    float spare_normal_ = 0.0f;
};

// A tensor of the shape whose entries, in row-major order, are independent draws of
// rng.normal(): mean 0, standard deviation 1. One call of normal() per entry, so the
// same generator state gives the same tensor.
Tensor normal_tensor(std::vector<size_t> shape, Rng& rng);

// The same with rng.uniform(lo, hi): independent and uniform on [lo, hi).
Tensor uniform_tensor(std::vector<size_t> shape, Rng& rng, float lo, float hi);

}  // namespace nn
