#pragma once
// The one matrix multiply every chapter shares, in fp32, row-major:
//
//     C = alpha * op(A) * op(B) + beta * C
//
// op(A) is M x K: A itself (M rows of K, row stride lda >= K) or, with Trans::Yes,
// the transpose of a K x M matrix A (row stride lda >= M). Likewise op(B) is K x N.
// C is M x N with row stride ldc >= N. When beta == 0, C is written without being
// read, so it may hold garbage (even NaN) on entry.
//
// gemm() is the kernel the chapters call; gemm_naive() is the triple loop that
// states the definition, the reference every test compares against, and the
// fallback for tiny shapes. (The optimized kernel behind gemm() is its own issue.)
namespace nn {

enum class Trans { No, Yes };

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K,
          float alpha, const float* A, int lda,
          const float* B, int ldb,
          float beta, float* C, int ldc);

void gemm_naive(Trans trans_a, Trans trans_b, int M, int N, int K,
                float alpha, const float* A, int lda,
                const float* B, int ldb,
                float beta, float* C, int ldc);

}  // namespace nn
