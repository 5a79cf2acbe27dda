#pragma once
// Appendix A: the fast matrix multiply, built one rung at a time. Every rung computes
// the same product,
//
//     C = A B       A is M x K, B is K x N, C is M x N, all row-major and contiguous
//                   (row strides K, N and N), C overwritten,
//
// the plain case of nn::gemm (common/gemm.hpp): transposes, alpha, beta and leading
// dimensions are bookkeeping that gemm adds around the same loops. Every rung is checked
// against rung 1 by tests/A-matrix-multiply/ladder_test.cpp, and timed against n by the
// program ladder_bench (see README.md).
//
// Functions marked "Exercise A.n" are yours to write in exercises/A-matrix-multiply/
// ladder.cpp (reference bodies: solutions/A-matrix-multiply/ladder.cpp); the others are
// given in chapters/A-matrix-multiply/given_ladder.cpp and linked in every build.
#include <vector>

#include "common/gemm_kernels.hpp"

namespace ladder {

// Every rung has this signature: C = A B as above.
using Multiply = void (*)(int M, int N, int K, const float* A, const float* B, float* C);

// Rung 1, the definition, loops i-j-k: C[i][j] = sum over p of A[i][p] B[p][j].
// The inner loop walks down a column of B, N floats apart: one cache line per multiply.
void matmul_naive(int M, int N, int K, const float* A, const float* B, float* C);

// Rung 2, exercise A.1: the same sums with the loops in the order i-k-j. For each row i
// and each p, add A[i][p] times row p of B to row i of C: every inner loop walks two
// rows contiguously, and the compiler vectorizes it. Each C[i][j] still adds its K terms
// in the order p = 0, 1, ..., K-1.
void matmul_ikj(int M, int N, int K, const float* A, const float* B, float* C);

// Rung 3, exercise A.2: i-k-j on blocks, so that what the inner loops reuse stays in
// cache. For each block of columns [j0, j0 + kBlockN) and each block of rows of B
// [p0, p0 + kBlockK), every row i of A runs the i-k-j loops of rung 2 restricted to the
// block: the B block (kBlockK x kBlockN floats = 512 KiB) stays in L2 while all M rows
// use it, and the row piece of C (kBlockN floats = 2 KiB) stays in L1 across the p loop.
// Blocks at the right and bottom edges are smaller when N or K is not a multiple.
inline constexpr int kBlockK = 256, kBlockN = 512;
void matmul_blocked(int M, int N, int K, const float* A, const float* B, float* C);

// The register tile of rungs 4 and 5: MR x NR of C, as in common/gemm_kernels.hpp
// (12 x 32 with AVX-512, 6 x 16 with AVX2, 4 x 16 otherwise).
inline constexpr int kTileRows = nn::kernel::MR, kTileCols = nn::kernel::NR;

// Exercise A.3: the micro-kernel in plain C++, for the compiler to vectorize:
//
//   c[r * ldc + j] += sum over p < kc of a[p * kTileRows + r] * b[p * kTileCols + j]
//
// for r < kTileRows, j < kTileCols: a is a packed A micro-panel (kTileRows values per
// step p), b a packed B micro-panel (kTileCols values per step p), c a full tile of C
// with row stride ldc >= kTileCols. Sum each element's kc terms in a local tile first,
// then add it to c once.
void micro_kernel_plain(int kc, const float* a, const float* b, float* c, int ldc);

// Rung 4: packing. Cache blocks at the levels of common/gemm.cpp (an A micro-panel in
// L1, a B block in L2, an A block in L3), each block of A and B copied into contiguous zero-padded
// micro-panels, and micro_kernel_plain (exercise A.3) for every tile of C.
void matmul_packed(int M, int N, int K, const float* A, const float* B, float* C);

// Rung 5: rung 4 with the register-tile micro-kernel of common/gemm_kernels.hpp, written
// with intrinsics so that the tile's accumulators never leave the registers.
void matmul_register_tile(int M, int N, int K, const float* A, const float* B, float* C);

// Rung 6: rung 5 on every core: C cut into one slab of columns per thread (at multiples
// of kTileCols), each slab multiplied by its own std::thread, started for this call.
void matmul_threads(int M, int N, int K, const float* A, const float* B, float* C);

// The rungs in order, with what the benchmark needs to know about them.
struct Rung {
    const char* name;   // "naive i-j-k", ...
    Multiply multiply;
    int max_n;          // the benchmark stops this rung above this n: slower rungs would take minutes
};
const std::vector<Rung>& rungs();

}  // namespace ladder
