#include "common/gemm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/random.hpp"


namespace {

using nn::Trans;

struct Sizes {
    int M, N, K;
};

// Sizes, op(A) transposed?, op(B) transposed?, beta.
using GemmCase = std::tuple<Sizes, Trans, Trans, float>;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int kPadding = 3;  // every leading dimension is 3 wider than its rows

// A rows x cols matrix with row stride cols + kPadding; the padding holds NaN so
// that reading it poisons the result.
struct Stored {
    int rows, cols, ld;
    std::vector<float> data;
    Stored(int rows, int cols, nn::Rng& rng, bool nan_inside = false)
        : rows(rows), cols(cols), ld(cols + kPadding), data(size_t(rows) * ld, kNaN) {
        if (nan_inside) return;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) at(r, c) = rng.uniform(-1.0f, 1.0f);
    }
    float& at(int r, int c) { return data[size_t(r) * ld + c]; }
    float at(int r, int c) const { return data[size_t(r) * ld + c]; }
};

class GemmMatchesReference : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmMatchesReference, OnAwkwardShapesStridesAndScalars) {
    const auto [sizes, trans_a, trans_b, beta] = GetParam();
    const auto [M, N, K] = sizes;
    const float alpha = -1.5f;
    nn::Rng rng(uint64_t(M) * 10007 + N * 101 + K);
    const Stored A = trans_a == Trans::No ? Stored(M, K, rng) : Stored(K, M, rng);
    const Stored B = trans_b == Trans::No ? Stored(K, N, rng) : Stored(N, K, rng);
    const Stored C0(M, N, rng, /*nan_inside=*/beta == 0.0f);  // beta == 0 must not read C

    auto op_a = [&](int i, int p) { return trans_a == Trans::No ? A.at(i, p) : A.at(p, i); };
    auto op_b = [&](int p, int j) { return trans_b == Trans::No ? B.at(p, j) : B.at(j, p); };

    Stored c_naive = C0, c_fast = C0;
    nn::gemm_naive(trans_a, trans_b, M, N, K, alpha, A.data.data(), A.ld, B.data.data(), B.ld,
                   beta, c_naive.data.data(), c_naive.ld);
    nn::gemm(trans_a, trans_b, M, N, K, alpha, A.data.data(), A.ld, B.data.data(), B.ld, beta,
             c_fast.data.data(), c_fast.ld);

    // fp32 rounding of a K-term sum grows with K; entries of A, B, C are at most 1.
    const double tolerance = 1e-6 * (K + 1) * (std::abs(alpha) + std::abs(beta));
    // (the first failure stops the test: a wrong kernel would print a million lines)
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            double sum = 0;
            for (int p = 0; p < K; ++p) sum += double(op_a(i, p)) * op_b(p, j);
            const double expected = alpha * sum + (beta == 0.0f ? 0.0 : beta * double(C0.at(i, j)));
            ASSERT_NEAR(c_naive.at(i, j), expected, tolerance) << "naive at (" << i << ", " << j << ")";
            ASSERT_NEAR(c_fast.at(i, j), c_naive.at(i, j), 2 * tolerance)
                << "gemm at (" << i << ", " << j << ")";
        }
        for (int j = N; j < c_fast.ld; ++j) {
            ASSERT_TRUE(std::isnan(c_naive.at(i, j))) << "naive wrote past column N";
            ASSERT_TRUE(std::isnan(c_fast.at(i, j))) << "gemm wrote past column N";
        }
    }
}

// Awkward sizes: 1 and primes around the micro-tiles (MR x NR is at most 12 x 32),
// 100 and 257 across several tiles with ragged edges, 1000 across the cache blocks
// (K > KC = 512 sums in two blocks, N > NC = 480 makes three B blocks). The big
// ones are few, since the reference below is a double-precision triple loop.
const Sizes kSizes[] = {{1, 1, 1},     {7, 7, 7},       {17, 17, 17},   {63, 63, 63},
                        {100, 100, 100}, {257, 257, 257}, {1, 100, 7},    {17, 63, 1},
                        {100, 7, 63},  {63, 1, 17},      {7, 17, 100},   {1000, 17, 63},
                        {17, 1000, 100}, {63, 100, 1000}, {13, 257, 1000}, {10, 30, 784}};

std::string case_name(const ::testing::TestParamInfo<GemmCase>& info) {
    const auto [sizes, trans_a, trans_b, beta] = info.param;
    const std::string beta_name = beta == 0.0f ? "0" : beta == 1.0f ? "1" : "minus_half";
    return std::to_string(sizes.M) + "x" + std::to_string(sizes.N) + "x" +
           std::to_string(sizes.K) + (trans_a == Trans::Yes ? "_At" : "_A") +
           (trans_b == Trans::Yes ? "_Bt" : "_B") + "_beta_" + beta_name;
}

INSTANTIATE_TEST_SUITE_P(AllVariants, GemmMatchesReference,
                         ::testing::Combine(::testing::ValuesIn(kSizes),
                                            ::testing::Values(Trans::No, Trans::Yes),
                                            ::testing::Values(Trans::No, Trans::Yes),
                                            ::testing::Values(0.0f, 1.0f, -0.5f)),
                         case_name);

}  // namespace

namespace {

// gemm(op(A), op(B)) with alpha = 0.75, beta = 0.5 on a fresh copy of C0, on `threads` threads.
std::vector<float> product_on(int threads, Trans trans_a, Trans trans_b, const Sizes& s,
                              const Stored& A, const Stored& B, const Stored& C0) {
    nn::gemm_set_threads(threads);
    Stored C = C0;
    nn::gemm(trans_a, trans_b, s.M, s.N, s.K, 0.75f, A.data.data(), A.ld, B.data.data(), B.ld,
             0.5f, C.data.data(), C.ld);
    nn::gemm_set_threads(0);
    return C.data;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(GemmThreads, GiveTheSameBitsOnOneTwoAndThreeThreads) {
    // Tall and wide shapes (C split by rows or by columns), K over several KC blocks,
    // M over two MC blocks of rows on one thread, and few rows (B read in place).
    const Sizes shapes[] = {{300, 1000, 700}, {1000, 300, 1100}, {3100, 40, 30}, {257, 257, 257}, {20, 3000, 100}};
    nn::Rng rng(7);
    for (const Sizes& s : shapes) {
        for (Trans trans_a : {Trans::No, Trans::Yes}) {
            for (Trans trans_b : {Trans::No, Trans::Yes}) {
                const Stored A = trans_a == Trans::No ? Stored(s.M, s.K, rng) : Stored(s.K, s.M, rng);
                const Stored B = trans_b == Trans::No ? Stored(s.K, s.N, rng) : Stored(s.N, s.K, rng);
                const Stored C0(s.M, s.N, rng);
                const auto one = product_on(1, trans_a, trans_b, s, A, B, C0);
                EXPECT_TRUE(same_bits(one, product_on(2, trans_a, trans_b, s, A, B, C0)))
                    << s.M << "x" << s.N << "x" << s.K << " on 2 threads";
                EXPECT_TRUE(same_bits(one, product_on(3, trans_a, trans_b, s, A, B, C0)))
                    << s.M << "x" << s.N << "x" << s.K << " on 3 threads";
            }
        }
    }
}

TEST(GemmThreads, ComeFromSetThreadsThenOmpNumThreadsThenTheCores) {
    const char* saved = std::getenv("OMP_NUM_THREADS");
    const std::string saved_value = saved ? saved : "";
    setenv("OMP_NUM_THREADS", "5", 1);
    nn::gemm_set_threads(3);
    EXPECT_EQ(nn::gemm_threads(), 3);
    nn::gemm_set_threads(0);
    EXPECT_EQ(nn::gemm_threads(), 5);
    unsetenv("OMP_NUM_THREADS");
    EXPECT_GE(nn::gemm_threads(), 1);
    EXPECT_LE(nn::gemm_threads(), int(std::max(1u, std::thread::hardware_concurrency())));
    if (saved) setenv("OMP_NUM_THREADS", saved_value.c_str(), 1);
}

TEST(GemmKernel, NamesTheMicroKernelThisBuildUses) {
    const std::string name = nn::gemm_kernel_name();
#if defined(__AVX512F__)
    EXPECT_EQ(name, "AVX-512 12x32");
#elif defined(__AVX2__) && defined(__FMA__)
    EXPECT_EQ(name, "AVX2 6x16");
#else
    EXPECT_EQ(name, "portable C++ 4x16");
#endif
}

TEST(GemmKernel, LeavesCUnchangedWhenMOrNIsZeroAndScalesItWhenKIsZero) {
    std::vector<float> C{1, 2, 3, 4}, none;
    nn::gemm(Trans::No, Trans::No, 0, 2, 3, 1.0f, none.data(), 3, none.data(), 2, 0.0f, C.data(), 2);
    EXPECT_EQ(C, (std::vector<float>{1, 2, 3, 4}));
    // K = 0: op(A) op(B) is a zero matrix, so C = beta * C.
    nn::gemm(Trans::No, Trans::No, 2, 2, 0, 1.0f, none.data(), 1, none.data(), 2, 0.5f, C.data(), 2);
    EXPECT_EQ(C, (std::vector<float>{0.5f, 1, 1.5f, 2}));
}

namespace {

// FNV-1a over the bits of every element of C, for the products below.
[[maybe_unused]] uint64_t hash_of_products() {  // (unused where there is no FMA)
    struct Product {
        int M, N, K;
        Trans ta, tb;
        float alpha, beta;
    };
    const Trans No = Trans::No, Yes = Trans::Yes;
    // Every path of gemm(): the naive loop, a row or two, dot products (with and without a
    // tail past the last 16 of K), the packed product with ragged edges and with K in two
    // blocks of K_C; alpha and beta plain and not.
    const Product products[] = {
        {3, 5, 7, No, No, 1, 0},        {1, 9, 70, No, Yes, 0.5f, -0.5f}, {2, 300, 50, No, No, 1, 1},
        {10, 30, 784, No, Yes, 1, 1},   {1000, 10, 784, No, Yes, 1, 0},   {7, 13, 100, No, Yes, 0.5f, 1},
        {13, 7, 93, No, Yes, 1, -0.5f}, {64, 784, 100, No, No, 1, 0},     {64, 784, 100, No, Yes, 1, 1},
        {64, 784, 100, Yes, No, 0.1f, 0}, {64, 784, 100, Yes, Yes, 1, -0.5f}, {30, 784, 10, Yes, No, 0.1f, 0},
        {100, 100, 600, No, No, 1, 1},  {33, 47, 29, Yes, Yes, 0.5f, 0},  {129, 65, 1031, No, Yes, 1, 0},
    };
    nn::Rng rng(2026);
    // A value in [-1, 1) with 24 random bits, made without arithmetic the compiler could
    // contract (rng.uniform(lo, hi) may become an FMA in one build and not in another).
    auto value = [&] { return float(int32_t(rng.next_u64() >> 40) - (1 << 23)) / float(1 << 23); };
    uint64_t hash = 14695981039346656037ull;
    for (const Product& p : products) {
        std::vector<float> A(size_t(p.M) * p.K), B(size_t(p.K) * p.N), C(size_t(p.M) * p.N);
        for (float& x : A) x = value();
        for (float& x : B) x = value();
        for (float& x : C) x = value();
        nn::gemm(p.ta, p.tb, p.M, p.N, p.K, p.alpha, A.data(), p.ta == No ? p.K : p.M, B.data(),
                 p.tb == No ? p.N : p.K, p.beta, C.data(), p.N);
        for (float c : C) {
            uint32_t bits;
            std::memcpy(&bits, &c, sizeof bits);
            hash = (hash ^ bits) * 1099511628211ull;
        }
    }
    return hash;
}

}  // namespace

// What README.md promises: the AVX-512 and the AVX2 kernels (any machine with FMA) give
// the same bits, at any optimisation level. CI runs this on both builds (and `make test
// SANITIZE=1` at -O1), so a change that sums in another order on one of them, or leaves
// the compiler free to contract a * b + c differently, fails here.
// A deliberate change of the order changes the constant, on every FMA build alike.
TEST(GemmBits, AreTheSameOnEveryKernelWithFma) {
#if defined(__FMA__)
    EXPECT_EQ(hash_of_products(), 0x7f56289caabdb9e2u) << "printed in hex: " << std::hex << hash_of_products();
#else
    GTEST_SKIP() << "the portable kernel, without FMA, rounds each product before adding it";
#endif
}
