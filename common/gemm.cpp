#include "common/gemm.hpp"

#include <cassert>
#include <cstddef>

namespace nn {

namespace {

// Cheap sanity checks on the BLAS-style arguments, for assert().
[[maybe_unused]] bool arguments_valid(Trans trans_a, Trans trans_b, int M, int N, int K, int lda, int ldb,
                     int ldc) {
    int a_width = trans_a == Trans::No ? K : M;  // A's stored row length
    int b_width = trans_b == Trans::No ? N : K;
    return M >= 0 && N >= 0 && K >= 0 && lda >= a_width && ldb >= b_width && ldc >= N;
}

// op(A)[i][p] for either layout of A.
float op_element(Trans trans, const float* A, int lda, int i, int p) {
    return trans == Trans::No ? A[size_t(i) * lda + p] : A[size_t(p) * lda + i];
}

// c = beta * c, without reading c when beta == 0 (it may hold NaN).
void scale_row(float* c, int n, float beta) {
    if (beta == 0.0f) {
        for (int j = 0; j < n; ++j) c[j] = 0.0f;
    } else if (beta != 1.0f) {
        for (int j = 0; j < n; ++j) c[j] *= beta;
    }
}

}  // namespace

void gemm_naive(Trans trans_a, Trans trans_b, int M, int N, int K, float alpha, const float* A,
                int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    assert(arguments_valid(trans_a, trans_b, M, N, K, lda, ldb, ldc));
    // C[i][j] = alpha * sum_p op(A)[i][p] * op(B)[p][j] + beta * C[i][j]
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float sum = 0.0f;
            for (int p = 0; p < K; ++p)
                sum += op_element(trans_a, A, lda, i, p) * op_element(trans_b, B, ldb, p, j);
            float& c = C[size_t(i) * ldc + j];
            c = beta == 0.0f ? alpha * sum : alpha * sum + beta * c;
        }
    }
}

// A plain cache-friendly loop for now; the packed, blocked kernel with a register
// micro-kernel (see chapters/A-matrix-multiply) replaces this body in its own issue.
void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, float alpha, const float* A,
          int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    assert(arguments_valid(trans_a, trans_b, M, N, K, lda, ldb, ldc));
    for (int i = 0; i < M; ++i) {
        float* c = C + size_t(i) * ldc;  // row i of C, N wide
        scale_row(c, N, beta);
        if (trans_b == Trans::No) {
            // i-k-j: add alpha * op(A)[i][p] times row p of B, so the inner loop is contiguous.
            for (int p = 0; p < K; ++p) {
                float a = alpha * op_element(trans_a, A, lda, i, p);
                const float* b = B + size_t(p) * ldb;
                for (int j = 0; j < N; ++j) c[j] += a * b[j];
            }
        } else {
            // op(B)[p][j] = B[j][p]: each C[i][j] is a dot product with row j of B.
            for (int j = 0; j < N; ++j) {
                const float* b = B + size_t(j) * ldb;
                float sum = 0.0f;
                for (int p = 0; p < K; ++p) sum += op_element(trans_a, A, lda, i, p) * b[p];
                c[j] += alpha * sum;
            }
        }
    }
}

}  // namespace nn
