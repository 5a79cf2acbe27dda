// Appendix A tests. Suites named ExA_<n>_... check exercise A.<n> (make check groups them
// by that prefix); LadderRungs runs every rung against rung 1, the definition.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "A-matrix-multiply/ladder.hpp"
#include "common/random.hpp"

using namespace ladder;

namespace {

struct Sizes {
    int M, N, K;
};

std::vector<float> random_matrix(int rows, int cols, nn::Rng& rng) {
    std::vector<float> X(size_t(rows) * cols);
    for (float& x : X) x = rng.uniform(-1.0f, 1.0f);
    return X;
}

// C = A B by `multiply`, from a C full of `before` (NaN: C must be overwritten, not read).
std::vector<float> product(Multiply multiply, const Sizes& s, const std::vector<float>& A,
                           const std::vector<float>& B,
                           float before = std::numeric_limits<float>::quiet_NaN()) {
    std::vector<float> C(size_t(s.M) * s.N, before);
    multiply(s.M, s.N, s.K, A.data(), B.data(), C.data());
    return C;
}

// Every element of `multiply`'s product within a K-proportional fp32 bound of rung 1's
// (entries of A and B are at most 1 in size); stops at the first one that is not.
// C starts full of `before` (NaN by default: C must be overwritten, never read).
void expect_matches_naive(Multiply multiply, const Sizes& s, uint64_t seed = 1,
                          float before = std::numeric_limits<float>::quiet_NaN()) {
    nn::Rng rng(seed);
    const auto A = random_matrix(s.M, s.K, rng), B = random_matrix(s.K, s.N, rng);
    const auto expected = product(matmul_naive, s, A, B);
    const auto got = product(multiply, s, A, B, before);
    const double tolerance = 2e-6 * (s.K + 1);
    for (int i = 0; i < s.M; ++i)
        for (int j = 0; j < s.N; ++j)
            ASSERT_NEAR(got[size_t(i) * s.N + j], expected[size_t(i) * s.N + j], tolerance)
                << "C[" << i << "][" << j << "] of a " << s.M << " x " << s.N << " x " << s.K << " product";
}

// 2 x 3 times 3 x 2, worked out by hand: every term of every sum matters.
void expect_small_example(Multiply multiply) {
    const std::vector<float> A{1, 2, 3,     //
                               4, 5, 6},
                             B{7, 8,        //
                               9, 10,       //
                               11, 12};
    // Row 0: 1*7 + 2*9 + 3*11 = 58, 1*8 + 2*10 + 3*12 = 64; row 1: 139, 154.
    EXPECT_EQ(product(multiply, {2, 2, 3}, A, B), (std::vector<float>{58, 64, 139, 154}));
}

}  // namespace

// ---------------------------------------------------------------- A.1

TEST(ExA_1_LoopOrder, GivesTheHandWorkedProduct) { expect_small_example(matmul_ikj); }

TEST(ExA_1_LoopOrder, MatchesTheNaiveProductOnAwkwardSizes) {
    for (Sizes s : {Sizes{1, 1, 1}, Sizes{7, 17, 63}, Sizes{63, 7, 17}, Sizes{17, 63, 7}, Sizes{100, 100, 100}})
        expect_matches_naive(matmul_ikj, s);
}

TEST(ExA_1_LoopOrder, OverwritesCInsteadOfAddingToIt) {
    expect_matches_naive(matmul_ikj, {5, 6, 7}, 3, /*before=*/5.0f);
}

// ---------------------------------------------------------------- A.2

TEST(ExA_2_Blocked, GivesTheHandWorkedProduct) { expect_small_example(matmul_blocked); }

TEST(ExA_2_Blocked, MatchesTheNaiveProductWhenTheLastBlocksAreSmaller) {
    // N and K just past one block, then just short of two: the edge blocks are partial.
    expect_matches_naive(matmul_blocked, {3, kBlockN + 5, kBlockK + 3});
    expect_matches_naive(matmul_blocked, {4, 2 * kBlockN - 1, 2 * kBlockK - 1});
}

TEST(ExA_2_Blocked, MatchesTheNaiveProductOnWholeBlocksAndOnLessThanOne) {
    expect_matches_naive(matmul_blocked, {2, 2 * kBlockN, 2 * kBlockK});
    expect_matches_naive(matmul_blocked, {9, 7, 11});
}

TEST(ExA_2_Blocked, OverwritesCInsteadOfAddingToIt) {
    expect_matches_naive(matmul_blocked, {3, kBlockN + 1, kBlockK + 1}, 4, /*before=*/5.0f);
}

// ---------------------------------------------------------------- A.3

namespace {

// One call of micro_kernel_plain on random panels, against sums in double.
void expect_tile_sum(int kc, uint64_t seed) {
    constexpr int ldc = kTileCols + 3;  // the 3 columns past the tile must stay as they are
    nn::Rng rng(seed);
    const auto a = random_matrix(kc, kTileRows, rng), b = random_matrix(kc, kTileCols, rng);
    std::vector<float> c = random_matrix(kTileRows, ldc, rng), before = c;
    micro_kernel_plain(kc, a.data(), b.data(), c.data(), ldc);
    for (int r = 0; r < kTileRows; ++r) {
        for (int j = 0; j < ldc; ++j) {
            double expected = before[r * ldc + j];
            for (int p = 0; p < kc && j < kTileCols; ++p)
                expected += double(a[p * kTileRows + r]) * b[p * kTileCols + j];
            ASSERT_NEAR(c[r * ldc + j], expected, 2e-6 * (kc + 2))
                << "c[" << r << "][" << j << "] after kc = " << kc
                << (j >= kTileCols ? " (a column past the tile: must not change)" : "");
        }
    }
}

}  // namespace

TEST(ExA_3_MicroKernel, AddsOneStepsOuterProductToTheTile) { expect_tile_sum(1, 5); }

TEST(ExA_3_MicroKernel, AddsTheSumOfEveryStep) {
    expect_tile_sum(7, 6);
    expect_tile_sum(300, 7);
}

TEST(ExA_3_MicroKernel, MakesThePackedRungRightAtRaggedEdges) {
    // Not multiples of the tile (edge tiles), and K over two cache blocks of depth.
    expect_matches_naive(matmul_packed, {2 * kTileRows + 5, 3 * kTileCols - 1, 600});
    expect_matches_naive(matmul_packed, {kTileRows, kTileCols, 1});
}

// ---------------------------------------------------------------- every rung

class LadderRungs : public ::testing::TestWithParam<std::tuple<int, Sizes>> {};

TEST_P(LadderRungs, MatchRungOneOnAwkwardSizes) {
    const auto [rung, sizes] = GetParam();
    expect_matches_naive(rungs()[rung].multiply, sizes, 7 + rung);
}

const Sizes kSizes[] = {{1, 1, 1},     {7, 7, 7},   {17, 17, 17}, {63, 63, 63}, {100, 100, 100},
                        {257, 257, 257}, {1, 100, 7}, {17, 63, 1},  {100, 7, 63}, {63, 1, 17},
                        {7, 17, 100},  {13, 600, 300}, {40, 33, 1000}};

std::string case_name(const ::testing::TestParamInfo<std::tuple<int, Sizes>>& info) {
    const auto [rung, s] = info.param;
    return "rung" + std::to_string(rung + 1) + "_" + std::to_string(s.M) + "x" + std::to_string(s.N) + "x" +
           std::to_string(s.K);
}

INSTANTIATE_TEST_SUITE_P(AllRungs, LadderRungs,
                         ::testing::Combine(::testing::Range(1, int(rungs().size())), ::testing::ValuesIn(kSizes)),
                         case_name);

TEST(LadderList, HasSixRungsFromTheDefinitionToThreads) {
    ASSERT_EQ(rungs().size(), 6u);
    EXPECT_EQ(rungs()[0].multiply, matmul_naive);
    EXPECT_EQ(rungs()[5].multiply, matmul_threads);
}
