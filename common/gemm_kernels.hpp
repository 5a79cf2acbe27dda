#pragma once
// The register-tile micro-kernel behind nn::gemm (common/gemm.cpp), one of three chosen
// at compile time from what -march=native says the CPU has:
//
//   AVX-512   MR x NR = 12 x 32   24 zmm accumulators (of 32 registers), 2 x 16 columns
//   AVX2+FMA  MR x NR =  6 x 16   12 ymm accumulators (of 16 registers), 2 x 8 columns
//   neither   MR x NR =  4 x 16   plain C++; the compiler vectorizes the 16 columns
//
// A micro-kernel computes one MR x NR tile of C from two packed micro-panels:
//
//   a: MR x kc of op(A), stored column by column: a[p * MR + r] = op(A)[r][p]
//   b: kc x NR of op(B), stored row by row:       b[p * ldb + j] = op(B)[p][j]
//      (ldb = NR when packed; B's own row stride when read in place)
//
//   acc[r][j] = sum over p = 0 .. kc-1 of a[p][r] * b[p][j]     (in this order, with FMAs)
//   c[r][j]   = alpha * acc[r][j]                 when beta == 0 (c is not read)
//             = fma(alpha, acc[r][j], beta * c)   otherwise
//
// for the m x n corner of the tile that lies inside C (m <= MR, n <= NR: less at the
// bottom and right edges of C, where the packed panels are padded with zeros).
//
// Each step p loads one row of the B micro-panel (NR floats, in vector registers),
// broadcasts the MR values of the A micro-panel's column p, and does MR x NR/width FMAs
// into the accumulators, which stay in registers for all kc steps: 2 * MR * NR flops for
// MR + NR floats read. The tile is as large as the registers allow, since that ratio is
// what lets the FMA units, not the loads, set the pace.
//
// Every element is summed in the same order (p = 0 .. kc-1) and updated by the same
// formula wherever its tile falls and whichever kernel this is, so how gemm splits C
// between threads never changes a bit of the result, and neither does the kernel (on
// CPUs with FMA: without it the portable kernel rounds each product separately).
#include <algorithm>
#include <cmath>
#include <cstddef>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace nn::kernel {

#if defined(__AVX512F__)

inline constexpr int MR = 12, NR = 32;
inline constexpr const char* kName = "AVX-512 12x32";
inline constexpr int kVectorFloats = 16;
inline constexpr int kVectorRegisters = 32;  // zmm0 .. zmm31

// The lanes of the v-th 16-float vector of a tile row that lie inside C's n columns.
inline __mmask16 lanes(int n, int v) {
    const int inside = n - 16 * v;
    return inside >= 16 ? 0xFFFF : inside <= 0 ? 0 : __mmask16((1u << inside) - 1);
}

// One row of the tile, V vectors of accumulators, into the n columns of C at c.
template <int V>
inline void update_row(float* c, int n, const __m512 (&sums)[V], float alpha, float beta) {
    for (int v = 0; v < V; ++v) {
        const __mmask16 inside = lanes(n, v);
        const __m512 alpha_sum = _mm512_mul_ps(_mm512_set1_ps(alpha), sums[v]);
        const __m512 out =
            beta == 0.0f ? alpha_sum
                         : _mm512_fmadd_ps(_mm512_set1_ps(alpha), sums[v],
                                           _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(inside, c + 16 * v)));
        _mm512_mask_storeu_ps(c + 16 * v, inside, out);
    }
}

// An R x (16 V) tile: R x V accumulators + V registers for the row of B + 1 broadcast,
// 27 of the 32 zmm registers for the full 12 x 32. The edges of C need no scalar code:
// masked loads and stores skip the columns past n (and never touch their memory).
template <int R, int V>
inline void tile_kernel(int n, int kc, const float* a, const float* b, int ldb, float* c, int ldc,
                        float alpha, float beta) {
    __m512 acc[R][V];
    for (auto& row : acc)
        for (auto& sum : row) sum = _mm512_setzero_ps();
    for (int p = 0; p < kc; ++p, a += MR, b += ldb) {
        __m512 row_b[V];
        for (int v = 0; v < V; ++v) row_b[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 12
        for (int r = 0; r < R; ++r) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(ar, row_b[v], acc[r][v]);
        }
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) update_row<V>(c + size_t(r) * ldc, n, acc[r], alpha, beta);
}

// The tile that fits the m x n corner: the full 12 x 32 inside C, fewer rows and one
// vector of columns at its edges (rather than multiplying the zeros of the padding).
template <int R = MR>
inline void micro_kernel(int m, int n, int kc, const float* a, const float* b, int ldb, float* c,
                         int ldc, float alpha, float beta) {
    if constexpr (R > 1)
        if (m < R) return micro_kernel<R - 1>(m, n, kc, a, b, ldb, c, ldc, alpha, beta);
    if (n > 16)
        tile_kernel<R, 2>(n, kc, a, b, ldb, c, ldc, alpha, beta);
    else
        tile_kernel<R, 1>(n, kc, a, b, ldb, c, ldc, alpha, beta);
}
#elif defined(__AVX2__) && defined(__FMA__)

inline constexpr int MR = 6, NR = 16;
inline constexpr const char* kName = "AVX2 6x16";
inline constexpr int kVectorFloats = 8;
inline constexpr int kVectorRegisters = 16;  // ymm0 .. ymm15

// The lanes of the v-th 8-float vector of a tile row that lie inside C's n columns,
// as AVX2's masked loads and stores want them (all bits set: inside).
inline __m256i lanes(int n, int v) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8 * v), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// One row of the tile, V vectors of sums, into the n columns of C at c.
template <int V>
inline void update_row(float* c, int n, const __m256 (&sums)[V], float alpha, float beta) {
    for (int v = 0; v < V; ++v) {
        const __m256i inside = lanes(n, v);
        const __m256 alpha_sum = _mm256_mul_ps(_mm256_set1_ps(alpha), sums[v]);
        const __m256 out =
            beta == 0.0f ? alpha_sum
                         : _mm256_fmadd_ps(_mm256_set1_ps(alpha), sums[v],
                                           _mm256_mul_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(c + 8 * v, inside)));
        if (n == 8 * V)
            _mm256_storeu_ps(c + 8 * v, out);
        else
            _mm256_maskstore_ps(c + 8 * v, inside, out);
    }
}

// Where a tile's sums go: read only once its kc steps are done.
struct TileOutput {
    float* c;
    int ldc, n;  // C's row stride, and its columns inside the tile
    float alpha, beta;
};

// An R x (8 V) tile: for the full 6 x 16, 12 accumulators + 2 registers for the row of
// B + 1 broadcast, 15 of the 16 ymm registers (the tile BLIS uses on Haswell and Zen).
// So tight that g++ spills an accumulator at the smallest provocation (alpha kept live
// across the loop, a prefetch), which halves the speed; hence a function of its own that
// holds nothing else during the kc steps and reads where the sums go only after them
// (the asm "memory" barrier keeps g++ from loading alpha, beta or n any earlier). The
// empty asm in the loop keeps the row of B in registers: without it, g++ reads b + 8
// from memory in each of its 6 FMAs (13 loads per 12 FMAs, measured 10% slower on a Zen 3).
template <int R, int V>
[[gnu::noinline]] void tile_kernel(int kc, const float* a, const float* b, int ldb, const TileOutput* out) {
    __m256 acc[R][V];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) acc[r][v] = _mm256_setzero_ps();
#pragma GCC unroll 2
    for (int p = 0; p < kc; ++p, a += MR, b += ldb) {
        __m256 row_b[V];
        for (int v = 0; v < V; ++v) {
            row_b[v] = _mm256_loadu_ps(b + 8 * v);
            asm("" : "+x"(row_b[v]));
        }
#pragma GCC unroll 6
        for (int r = 0; r < R; ++r) {
            const __m256 ar = _mm256_broadcast_ss(a + r);
            for (int v = 0; v < V; ++v) acc[r][v] = _mm256_fmadd_ps(ar, row_b[v], acc[r][v]);
        }
    }
    asm volatile("" ::: "memory");
    const TileOutput o = *out;
    // (Every loop over acc is unrolled, or g++ keeps acc in memory.)
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) update_row<V>(o.c + size_t(r) * o.ldc, o.n, acc[r], o.alpha, o.beta);
}

// The tile that fits the m x n corner: the full 6 x 16 inside C, fewer rows and one
// vector of columns at its edges (rather than multiplying the zeros of the padding).
// The rows of C it updates are asked for before the kc steps, so that they are in L1
// when the sums arrive (they are ldc apart: the prefetchers do not guess them).
template <int R = MR>
inline void micro_kernel(int m, int n, int kc, const float* a, const float* b, int ldb, float* c,
                         int ldc, float alpha, float beta) {
    if constexpr (R > 1)
        if (m < R) return micro_kernel<R - 1>(m, n, kc, a, b, ldb, c, ldc, alpha, beta);
    for (int r = 0; r < R; ++r) {
        _mm_prefetch(reinterpret_cast<const char*>(c + size_t(r) * ldc), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(c + size_t(r) * ldc + n - 1), _MM_HINT_T0);
    }
    const TileOutput out{c, ldc, n, alpha, beta};
    if (n > 8)
        tile_kernel<R, 2>(kc, a, b, ldb, &out);
    else
        tile_kernel<R, 1>(kc, a, b, ldb, &out);
}

#else

inline constexpr int MR = 4, NR = 16;
inline constexpr const char* kName = "portable C++ 4x16";
inline constexpr int kVectorFloats = 4;  // what the compiler can assume at least (SSE)
inline constexpr int kVectorRegisters = 16;  // xmm0 .. xmm15

// No intrinsics: the j loops have a constant trip count, which the compiler vectorizes
// for whatever SIMD the target has (how much of acc it keeps in registers is its choice).
inline void micro_kernel(int m, int n, int kc, const float* a, const float* b, int ldb, float* c,
                         int ldc, float alpha, float beta) {
    float acc[MR][NR] = {};
    for (int p = 0; p < kc; ++p, a += MR, b += ldb)
        for (int r = 0; r < MR; ++r)
            for (int j = 0; j < NR; ++j) acc[r][j] += a[r] * b[j];
    for (int r = 0; r < m; ++r) {
        for (int j = 0; j < n; ++j) {
            float& out = c[r * ldc + j];
            out = beta == 0.0f ? alpha * acc[r][j] : std::fma(alpha, acc[r][j], beta * out);
        }
    }
}

#endif

}  // namespace nn::kernel
