// Appendix A, the rungs that are not exercises: 1 (naive), 4 (packing), 5 (register tile)
// and 6 (threads). Linked in every build, the learner's included: rung 4 calls the
// learner's micro_kernel_plain (exercise A.3).
//
// Rungs 4 to 6 are common/gemm.cpp with the bookkeeping taken out: no transposes, no
// alpha or beta, no leading dimensions beyond the slabs of rung 6, no small-shape paths.
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include "A-matrix-multiply/ladder.hpp"

namespace ladder {

constexpr int MR = kTileRows, NR = kTileCols;

// ---------------------------------------------------------------- rung 1

void matmul_naive(int M, int N, int K, const float* A, const float* B, float* C) {
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float sum = 0.0f;
            for (int p = 0; p < K; ++p) sum += A[size_t(i) * K + p] * B[size_t(p) * N + j];
            C[size_t(i) * N + j] = sum;
        }
    }
}

// ---------------------------------------------------------------- rungs 4 and 5

namespace {

// Cache blocks at the same three levels as common/gemm.cpp (sizes in floats; see
// README.md, "Rung 4"): an A micro-panel MR x KC in L1, the packed B block KC x NC in L2,
// the packed A block MC x KC in L3. On AVX-512 the sizes are gemm's; elsewhere they are
// round numbers, not gemm's tuned KC = 512, NC = 192 (with gemm's kernel on a Zen 3,
// 256 x 256 measured 5-8% slower).
#if defined(__AVX512F__)
constexpr int KC = 512, NC = 480, MC = 3072;
#else
constexpr int KC = 256, NC = 256, MC = 3072;
#endif

// A row-major matrix view: rows of `ld` floats.
struct View {
    const float* data;
    int ld;
    const float* at(int r, int c) const { return data + size_t(r) * ld + c; }
};

// The m x n corner of a tile of C (m <= MR, n <= NR, row stride ldc) += a b, from the
// packed micro-panels a (MR x kc) and b (kc x NR).
using TileKernel = void (*)(int m, int n, int kc, const float* a, const float* b, float* c, int ldc);

// A rows [0, mc) x columns [0, kc) of `a` into MR-row micro-panels, column by column:
// panel q holds rows q*MR ..., MR values per column, rows past mc zero.
void pack_a(View a, int mc, int kc, float* dst) {
    for (int ir = 0; ir < mc; ir += MR) {
        const int rows = std::min(MR, mc - ir);
        for (int p = 0; p < kc; ++p, dst += MR) {
            for (int r = 0; r < rows; ++r) dst[r] = *a.at(ir + r, p);
            std::fill(dst + rows, dst + MR, 0.0f);
        }
    }
}

// B rows [0, kc) x columns [0, nc) of `b` into NR-column micro-panels, row by row:
// panel q holds columns q*NR ..., NR values per row, columns past nc zero.
void pack_b(View b, int kc, int nc, float* dst) {
    for (int jr = 0; jr < nc; jr += NR) {
        const int cols = std::min(NR, nc - jr);
        for (int p = 0; p < kc; ++p, dst += NR) {
            std::copy(b.at(p, jr), b.at(p, jr) + cols, dst);
            std::fill(dst + cols, dst + NR, 0.0f);
        }
    }
}

// C block (mc x nc, row stride ldc) += packed A block (mc x kc) * packed B block (kc x nc).
void multiply_block(int mc, int nc, int kc, const float* a, const float* b, float* C, int ldc,
                    TileKernel kernel) {
    for (int ir = 0; ir < mc; ir += MR)      // A micro-panel MR x kc: in L1 for the jr loop
        for (int jr = 0; jr < nc; jr += NR)  // B micro-panel kc x NR: streams from L2
            kernel(std::min(MR, mc - ir), std::min(NR, nc - jr), kc, a + size_t(ir) * kc,
                   b + size_t(jr) * kc, C + size_t(ir) * ldc + jr, ldc);
}

// C (M x N, row stride ldc) = A (M x K) B (K x N): the three cache-blocking loops.
void packed_product(int M, int N, int K, View A, View B, float* C, int ldc, TileKernel kernel) {
    for (int i = 0; i < M; ++i) std::fill(C + size_t(i) * ldc, C + size_t(i) * ldc + N, 0.0f);
    // The packing buffers stay allocated between calls (per thread): allocating and
    // touching megabytes of fresh memory on every call would cost more than packing.
    thread_local std::vector<float> a_block, b_block;
    a_block.resize(std::max(a_block.size(), size_t(std::min(MC, M) + MR) * KC));
    b_block.resize(std::max(b_block.size(), size_t(std::min(NC, N) + NR) * KC));
    for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        for (int p0 = 0; p0 < K; p0 += KC) {
            const int kc = std::min(KC, K - p0);
            pack_a({A.at(i0, p0), A.ld}, mc, kc, a_block.data());
            for (int j0 = 0; j0 < N; j0 += NC) {
                const int nc = std::min(NC, N - j0);
                pack_b({B.at(p0, j0), B.ld}, kc, nc, b_block.data());
                multiply_block(mc, nc, kc, a_block.data(), b_block.data(), C + size_t(i0) * ldc + j0, ldc, kernel);
            }
        }
    }
}

// Rung 4's tile: micro_kernel_plain on a full tile; at the edges of C into a local tile,
// of which only the part inside C is added.
void plain_tile(int m, int n, int kc, const float* a, const float* b, float* c, int ldc) {
    if (m == MR && n == NR) return micro_kernel_plain(kc, a, b, c, ldc);
    float tile[MR * NR] = {};
    micro_kernel_plain(kc, a, b, tile, NR);
    for (int r = 0; r < m; ++r)
        for (int j = 0; j < n; ++j) c[size_t(r) * ldc + j] += tile[r * NR + j];
}

// Rung 5's tile: the library's intrinsics kernel, c = 1 * (a b) + 1 * c, edges masked.
void register_tile(int m, int n, int kc, const float* a, const float* b, float* c, int ldc) {
    nn::kernel::micro_kernel(m, n, kc, a, b, NR, c, ldc, 1.0f, 1.0f);
}

}  // namespace

void matmul_packed(int M, int N, int K, const float* A, const float* B, float* C) {
    packed_product(M, N, K, {A, K}, {B, N}, C, N, plain_tile);
}

void matmul_register_tile(int M, int N, int K, const float* A, const float* B, float* C) {
    packed_product(M, N, K, {A, K}, {B, N}, C, N, register_tile);
}

// ---------------------------------------------------------------- rung 6

void matmul_threads(int M, int N, int K, const float* A, const float* B, float* C) {
    const int tiles = (N + NR - 1) / NR;
    const int threads = std::clamp(int(std::thread::hardware_concurrency()), 1, std::max(1, tiles));
    // Thread t takes the columns [first, last) of B and C, whole tiles; all of A.
    auto slab = [&](int t) {
        const int first = tiles * t / threads * NR, last = std::min(tiles * (t + 1) / threads * NR, N);
        if (first < last)
            packed_product(M, last - first, K, {A, K}, {B + first, N}, C + first, N, register_tile);
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) helpers.emplace_back(slab, t);
    slab(0);
    for (std::thread& helper : helpers) helper.join();
}

// ---------------------------------------------------------------- the ladder

const std::vector<Rung>& rungs() {
    static const std::vector<Rung> list = {
        {"1 naive i-j-k", matmul_naive, 1024},
        {"2 loop order i-k-j", matmul_ikj, 2048},
        {"3 cache blocking", matmul_blocked, 2048},
        {"4 packing, plain C++ tile", matmul_packed, 2048},
        {"5 register tile (intrinsics)", matmul_register_tile, 2048},
        {"6 threads", matmul_threads, 2048},
    };
    return list;
}

}  // namespace ladder
