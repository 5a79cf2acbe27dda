#include "common/random.hpp"

#include <cassert>
#include <cmath>
#include <numbers>
#include <numeric>

namespace nn {

namespace {

// splitmix64 (Steele, Lea, Flood 2014): spreads one 64-bit seed over xoshiro's
// 256-bit state, as Blackman and Vigna recommend, so seeds 1, 2, 3 start far apart.
uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// 53 random bits as a double in [0, 1): finer than uniform() for Box-Muller's tails.
double uniform53(Rng& rng) { return static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53; }

}  // namespace

Rng::Rng(uint64_t seed) {
    uint64_t state = seed;
    for (uint64_t& word : s_) word = splitmix64(state);
}

// xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c).
uint64_t Rng::next_u64() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

// The top 24 bits, because a float's significand holds exactly 24: every value
// k / 2^24 is representable, so the result is never rounded up to 1.
float Rng::uniform() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }

float Rng::uniform(float lo, float hi) {
    float x = lo + (hi - lo) * uniform();
    // lo + (hi - lo) * u can round up to hi; keep the interval half-open.
    return x < hi ? x : std::nextafter(hi, lo);
}

// Box-Muller: two uniforms give two independent normals; keep the second for the next call.
float Rng::normal() {
    if (has_spare_normal_) {
        has_spare_normal_ = false;
        return spare_normal_;
    }
    double u1 = 1.0 - uniform53(*this);  // in (0, 1], so log(u1) is finite
    double u2 = uniform53(*this);
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    spare_normal_ = static_cast<float>(radius * std::sin(angle));
    has_spare_normal_ = true;
    return static_cast<float>(radius * std::cos(angle));
}

float Rng::normal(float mean, float stddev) { return mean + stddev * normal(); }

// Lemire's multiply-shift ("Fast random integer generation in an interval", 2019):
// the high word of x * n is uniform in [0, n) once the few low words below
// 2^64 mod n, which would favour small results, are rejected.
size_t Rng::below(size_t n) {
    assert(n > 0);
    uint64_t bound = n;
    unsigned __int128 product = static_cast<unsigned __int128>(next_u64()) * bound;
    if (static_cast<uint64_t>(product) < bound) {
        uint64_t threshold = (0 - bound) % bound;  // 2^64 mod n
        while (static_cast<uint64_t>(product) < threshold)
            product = static_cast<unsigned __int128>(next_u64()) * bound;
    }
    return static_cast<size_t>(product >> 64);
}

Tensor normal_tensor(std::vector<size_t> shape, Rng& rng) {
    Tensor t(std::move(shape));
    for (float& x : t.span()) x = rng.normal();
    return t;
}

Tensor uniform_tensor(std::vector<size_t> shape, Rng& rng, float lo, float hi) {
    Tensor t(std::move(shape));
    for (float& x : t.span()) x = rng.uniform(lo, hi);
    return t;
}

std::vector<size_t> Rng::permutation(size_t n) {
    std::vector<size_t> items(n);
    std::iota(items.begin(), items.end(), size_t{0});
    shuffle(items);
    return items;
}

}  // namespace nn
