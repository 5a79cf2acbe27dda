// Appendix A, the exercises' reference bodies: rungs 2 and 3 and the plain micro-kernel.
#include <algorithm>
#include <cstddef>

#include "A-matrix-multiply/ladder.hpp"

namespace ladder {

// ---------------------------------------------------------------- A.1 loop order

void matmul_ikj(int M, int N, int K, const float* A, const float* B, float* C) {
    std::fill(C, C + size_t(M) * N, 0.0f);
    for (int i = 0; i < M; ++i) {
        float* c = C + size_t(i) * N;  // row i of C
        for (int p = 0; p < K; ++p) {
            const float a = A[size_t(i) * K + p];
            const float* b = B + size_t(p) * N;  // row p of B
            for (int j = 0; j < N; ++j) c[j] += a * b[j];
        }
    }
}

// ---------------------------------------------------------------- A.2 cache blocking

void matmul_blocked(int M, int N, int K, const float* A, const float* B, float* C) {
    std::fill(C, C + size_t(M) * N, 0.0f);
    for (int j0 = 0; j0 < N; j0 += kBlockN) {
        const int j1 = std::min(j0 + kBlockN, N);
        for (int p0 = 0; p0 < K; p0 += kBlockK) {
            const int p1 = std::min(p0 + kBlockK, K);
            // B block [p0, p1) x [j0, j1): in L2 for all the rows of A.
            for (int i = 0; i < M; ++i) {
                float* c = C + size_t(i) * N;  // row i of C; c[j0 .. j1) stays in L1
                for (int p = p0; p < p1; ++p) {
                    const float a = A[size_t(i) * K + p];
                    const float* b = B + size_t(p) * N;
                    for (int j = j0; j < j1; ++j) c[j] += a * b[j];
                }
            }
        }
    }
}

// ---------------------------------------------------------------- A.3 the plain micro-kernel

void micro_kernel_plain(int kc, const float* a, const float* b, float* c, int ldc) {
    float acc[kTileRows][kTileCols] = {};
    for (int p = 0; p < kc; ++p, a += kTileRows, b += kTileCols) {
        // Unrolled, every acc[r] has a constant index and the compiler can keep (some of)
        // the tile in vector registers; the j loop is what it vectorizes.
#pragma GCC unroll 16
        for (int r = 0; r < kTileRows; ++r)
            for (int j = 0; j < kTileCols; ++j) acc[r][j] += a[r] * b[j];
    }
    for (int r = 0; r < kTileRows; ++r)
        for (int j = 0; j < kTileCols; ++j) c[size_t(r) * ldc + j] += acc[r][j];
}

}  // namespace ladder
