#include "common/gemm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
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

const Sizes kSizes[] = {{1, 1, 1},    {7, 7, 7},   {17, 17, 17}, {63, 63, 63}, {100, 100, 100},
                        {1, 100, 7},  {17, 63, 1}, {100, 7, 63}, {63, 1, 17},  {7, 17, 100}};

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
