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
// gemm() is the kernel the chapters call: packed, cache-blocked, one register-tile
// micro-kernel, threads over blocks of C (common/gemm.cpp; the appendix
// chapters/A-matrix-multiply builds it step by step). gemm_naive() is the triple loop
// that states the definition and the reference every test compares against.
//
// Same inputs, same bits: gemm() splits C between threads but never K, so every
// element is summed in the same order on 1 thread or on many.
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

// How many threads gemm() uses for products large enough to share: threads > 0 sets
// it; 0 (the default) means OMP_NUM_THREADS when that is set, else every core this
// process may run on. The results are the same bits on any number.
void gemm_set_threads(int threads);
int gemm_threads();  // the number a large product will use now

// Which micro-kernel this build compiled in, e.g. "AVX-512 12x32" or "AVX2 6x16".
const char* gemm_kernel_name();

}  // namespace nn
