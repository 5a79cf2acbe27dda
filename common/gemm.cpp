// nn::gemm: C = alpha * op(A) * op(B) + beta * C in fp32, row-major, built as BLIS builds it
// (chapters/A-matrix-multiply/README.md takes it apart step by step):
//
//   threads        C is cut into one slab per core; each core packs its own panels, so
//                  nothing is shared and no sum is split between threads.
//   cache blocks   M in steps of MC, K in steps of KC, N in steps of NC, sized so that
//                  each packed block stays in the cache level that reuses it.
//   packing        each block of op(A) and op(B) is copied, transposed as needed, into
//                  contiguous zero-padded micro-panels in the order the micro-kernel reads.
//   micro-kernel   one MR x NR tile of C in registers (common/gemm_kernels.hpp).
//
// Small or skinny products, which would spend more time packing than multiplying, take a
// plain loop instead. gemm_naive() states the definition and is what the tests compare to.
// The numbers in the comments were measured with `make bench` on an Intel Xeon (AVX-512,
// 2 cores); chapters/A-matrix-multiply/README.md has the whole table.
#include "common/gemm.hpp"

#include <sched.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/gemm_kernels.hpp"

namespace nn {

namespace {

using kernel::MR;
using kernel::NR;

// ---------------------------------------------------------------- cache blocking
//
// The loops around the micro-kernel, from the inside out (sizes in floats):
//
//   KC  one A micro-panel, MR x KC, is reused by every B micro-panel of the B block,
//       so it stays in L1 while they stream past it from L2: MR x KC x 4 bytes about
//       half of L1, the other half for the rows of B and the tile of C in flight. KC is
//       also how many terms each element sums in registers before it goes back to C,
//       so the larger the better, as long as the panel fits.
//   NC  the packed B block, KC x NC, is reused by every A micro-panel of the A block,
//       so it stays in L2: about half of it, leaving room for C and the A micro-panels.
//   MC  the packed A block, MC x KC, is reused by every B block, so it stays in L3; the
//       larger MC, the fewer times each B block is packed again.
//
// The micro-kernel walks along the rows of C (ir outer, jr inner), so the 12 rows of C
// it updates move through memory in order, which the prefetchers follow.
#if defined(__AVX512F__)
// Measured on an Intel Xeon with 48 KiB L1d and 2 MiB L2 per core: A micro-panel
// 12 x 512 x 4 = 24 KiB, B block 512 x 480 x 4 = 960 KiB, A block 3072 x 512 x 4 = 6 MiB.
constexpr int KC = 512, NC = 480, MC = 3072;
#else
// For 32 KiB L1d and 512 KiB L2 per core (AMD Zen 3): A micro-panel 6 x 512 x 4 = 12 KiB,
// B block 512 x 192 x 4 = 384 KiB, A block 3072 x 512 x 4 = 6 MiB (of a 32 MiB L3).
// Measured there against NC = 128 and 256 and MC = 384 and 768: a few percent, no more.
constexpr int KC = 512, NC = 192, MC = 3072;
#endif
// The same KC everywhere: every element sums the same blocks of K in the same order
// with FMAs on any of the kernels, so AVX-512 and AVX2 machines give the same bits.
static_assert(MC % MR == 0 && NC % NR == 0, "blocks hold whole micro-panels");

// For at most two A micro-panels, each element of B is used too few times to pay for
// packing it, so op(B) = B is read in place, when its micro-panels are at most 256 rows
// deep: deeper, their rows (ldb apart) fall out of L1 between uses, and packing wins
// (measured: 24 x 1024 x K at 135 GFLOP/s in place for K <= 256, 39 for K = 1024).
constexpr int kInPlaceRows = 2 * MR, kInPlaceDepth = 256;
// Below this many multiply-adds (M x N x K), the naive loop is as fast as anything.
constexpr double kTinyWork = 8.0 * 8 * 8;
// Up to this many rows of A (or of B), A B^T is faster as dot products than packed (a
// forward pass on a mini-batch of 10: 10 x 30 x 784 took 16 us packed, see gemm_dot_products).
constexpr int kDotRows = 16;
// Below this many, a second thread costs more than it saves.
constexpr double kThreadedWork = 128.0 * 128 * 128;

std::atomic<int> requested_threads{0};  // 0: default_threads()

// ---------------------------------------------------------------- arguments

// op(X) of a gemm call: element (r, c) of the (possibly transposed) stored matrix X.
struct Operand {
    Trans trans;
    const float* data;
    int ld;
    // Distances in memory from op(X)[r][c] to op(X)[r + 1][c] and to op(X)[r][c + 1].
    size_t row_step() const { return trans == Trans::No ? size_t(ld) : 1; }
    size_t column_step() const { return trans == Trans::No ? 1 : size_t(ld); }
    const float* address(int r, int c) const { return data + r * row_step() + c * column_step(); }
    float at(int r, int c) const { return *address(r, c); }
};

// Cheap sanity checks on the BLAS-style arguments, for assert().
[[maybe_unused]] bool arguments_valid(Trans trans_a, Trans trans_b, int M, int N, int K, int lda,
                                      int ldb, int ldc) {
    int a_width = trans_a == Trans::No ? K : M;  // A's stored row length
    int b_width = trans_b == Trans::No ? N : K;
    return M >= 0 && N >= 0 && K >= 0 && lda >= a_width && ldb >= b_width && ldc >= N;
}

int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

// a * b + c, rounded once where the CPU has FMA, as the micro-kernels compute it. Written
// out because g++ contracts a * b + c into an FMA as it sees fit, which is not the same
// choice on every target (the loops below gave other last bits on AVX2 than on AVX-512)
// nor at every optimisation level.
inline float multiply_add(float a, float b, float c) {
#if defined(__FMA__)
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

// alpha * sum + beta * c, the update every path of gemm makes (c is not read when beta == 0).
inline float updated(float sum, float alpha, float beta, float c) {
    return beta == 0.0f ? alpha * sum : multiply_add(alpha, sum, beta * c);
}

// c = beta * c, without reading c when beta == 0 (it may hold NaN).
void scale_row(float* c, int n, float beta) {
    if (beta == 0.0f) {
        std::fill(c, c + n, 0.0f);
    } else if (beta != 1.0f) {
        for (int j = 0; j < n; ++j) c[j] *= beta;
    }
}

// ---------------------------------------------------------------- packing

// A 64-byte aligned float buffer that keeps its memory between calls: each thread packs
// into its own pair, so a training loop does not allocate on every product.
class PackBuffer {
public:
    float* get(size_t floats) {
        if (floats > capacity_) {
            size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
            memory_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
            capacity_ = floats;
        }
        return memory_.get();
    }

private:
    struct Free {
        void operator()(float* p) const { std::free(p); }
    };
    std::unique_ptr<float, Free> memory_;
    size_t capacity_ = 0;
};

// One micro-panel, W values wide and kc deep: dst[p * W + w] = x[p * step_p + w * step_w]
// for w < width, zeros for width <= w < W. Each row of the panel is written contiguously
// (measured faster than reading contiguously when the two disagree). When they disagree
// (step_p == 1: A's rows, or B^T's), 8 steps of p go at a time through a small tile in
// L1, W contiguous reads of 8 floats then 8 rows of W written: one float at a time from
// W rows, 10 x 784 x 30 A B^T reached 0.93 of OpenBLAS, through the tile 1.0-1.2.
template <int W>
void pack_panel(const float* x, size_t step_p, size_t step_w, int kc, int width, float* dst) {
    int p = 0;
    if (step_p == 1 && width == W) {
        constexpr int T = 8;
        for (; p + T <= kc; p += T, dst += T * W) {
            float tile[W][T];
            for (int w = 0; w < W; ++w) std::memcpy(tile[w], x + w * step_w + p, sizeof tile[w]);
            for (int q = 0; q < T; ++q)
                for (int w = 0; w < W; ++w) dst[q * W + w] = tile[w][q];
        }
    }
    for (; p < kc; ++p, dst += W) {
        const float* row = x + size_t(p) * step_p;
        if (step_w == 1 && width == W)
            std::memcpy(dst, row, sizeof(float) * W);  // a constant size: a few vector moves, no call
        else if (step_w == 1)
            std::copy(row, row + width, dst);
        else
            for (int w = 0; w < width; ++w) dst[w] = row[w * step_w];
        std::fill(dst + width, dst + W, 0.0f);
    }
}

// Rows [i0, i0 + mc) and columns [p0, p0 + kc) of op(A), as MR-row micro-panels: panel q
// holds rows i0 + q*MR ..., column by column (MR values per column), rows past mc zero.
void pack_a(const Operand& A, int i0, int mc, int p0, int kc, float* dst) {
    for (int ir = 0; ir < mc; ir += MR, dst += size_t(MR) * kc)
        pack_panel<MR>(A.address(i0 + ir, p0), A.column_step(), A.row_step(), kc, std::min(MR, mc - ir), dst);
}

// Rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), as NR-column micro-panels:
// panel q holds columns j0 + q*NR ..., row by row (NR values per row), columns past nc zero.
void pack_b(const Operand& B, int p0, int kc, int j0, int nc, float* dst) {
    for (int jr = 0; jr < nc; jr += NR, dst += size_t(NR) * kc)
        pack_panel<NR>(B.address(p0, j0 + jr), B.row_step(), B.column_step(), kc, std::min(NR, nc - jr), dst);
}

// ---------------------------------------------------------------- the blocked product

// Where the micro-kernel finds the B micro-panels of a block: packed, or op(B) = B read in
// place (for few rows of A, each element of B is used too few times to pay for a copy).
struct BPanels {
    const float* data;
    int row_stride;       // from row p to p + 1 of a micro-panel: NR packed, ldb in place
    size_t panel_stride;  // from one micro-panel to the next: kc x NR packed, NR in place
};

// C block (mc x nc) = alpha * packed A block (mc x kc) * B block (kc x nc) + beta * C.
void multiply_block(int mc, int nc, int kc, const float* a, const BPanels& b, float alpha,
                    float beta, float* C, int ldc) {
    for (int ir = 0; ir < mc; ir += MR) {      // A micro-panel MR x kc: in L1 for the jr loop
        const float* a_panel = a + size_t(ir) * kc;
        for (int jr = 0; jr < nc; jr += NR) {  // B micro-panel kc x NR: streams from L2
            const float* b_panel = b.data + jr / NR * b.panel_stride;
            const int m = std::min(MR, mc - ir), n = std::min(NR, nc - jr);
            kernel::micro_kernel(m, n, kc, a_panel, b_panel, b.row_stride, C + size_t(ir) * ldc + jr,
                                 ldc, alpha, beta);
        }
    }
}

// The product of a packed A block (mc x kc) with the B block at rows [p0, p0 + kc) and
// columns [j0, j0 + nc) of op(B), into the C block (mc x nc).
void multiply_b_block(const Operand& B, int p0, int kc, int j0, int nc, int mc, const float* a,
                      float alpha, float beta, float* C, int ldc) {
    thread_local PackBuffer b_buffer;
    int in_place = 0;  // columns read straight from B: whole micro-panels only
    if (B.trans == Trans::No && mc <= kInPlaceRows && kc <= kInPlaceDepth) {
        in_place = nc / NR * NR;
        const BPanels b{B.data + size_t(p0) * B.ld + j0, B.ld, size_t(NR)};
        multiply_block(mc, in_place, kc, a, b, alpha, beta, C, ldc);
    }
    if (in_place == nc) return;
    float* packed = b_buffer.get(size_t(kc) * round_up(nc - in_place, NR));
    pack_b(B, p0, kc, j0 + in_place, nc - in_place, packed);
    const BPanels b{packed, NR, size_t(kc) * NR};
    multiply_block(mc, nc - in_place, kc, a, b, alpha, beta, C + in_place, ldc);
}

// The three cache-blocking loops on one thread, for the M x N product into C.
void gemm_blocked(const Operand& A, const Operand& B, int M, int N, int K, float alpha,
                  float beta, float* C, int ldc) {
    thread_local PackBuffer a_buffer;
    for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        for (int p0 = 0; p0 < K; p0 += KC) {
            // K is never split between threads: every element's KC-long partial sums
            // reach C in this order, p0 = 0, KC, 2 KC, ..., on any number of threads.
            const int kc = std::min(KC, K - p0);
            const float beta_here = p0 == 0 ? beta : 1.0f;  // later blocks add to C
            float* a = a_buffer.get(size_t(kc) * round_up(mc, MR));
            pack_a(A, i0, mc, p0, kc, a);
            for (int j0 = 0; j0 < N; j0 += NC) {
                const int nc = std::min(NC, N - j0);
                multiply_b_block(B, p0, kc, j0, nc, mc, a, alpha, beta_here, C + size_t(i0) * ldc + j0, ldc);
            }
        }
    }
}

// ---------------------------------------------------------------- simple paths

// The definition, C[i][j] = alpha * sum_p op(A)[i][p] op(B)[p][j] + beta * C[i][j]:
// gemm_naive(), and gemm() for products too small for anything else to pay.
void naive_product(const Operand& A, const Operand& B, int M, int N, int K, float alpha,
                   float beta, float* C, int ldc) {
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float sum = 0.0f;
            for (int p = 0; p < K; ++p) sum = multiply_add(A.at(i, p), B.at(p, j), sum);
            float& c = C[size_t(i) * ldc + j];
            c = updated(sum, alpha, beta, c);
        }
    }
}

// A row or two of C from a long op(B) = B (a vector times a matrix): i-k-j, each row of B
// read once and contiguously, which beats packing B for so few rows of A.
void gemm_few_rows(const Operand& A, const float* B, int ldb, int M, int N, int K, float alpha,
                   float beta, float* C, int ldc) {
    for (int i = 0; i < M; ++i) {
        float* c = C + size_t(i) * ldc;  // row i of C, N wide
        scale_row(c, N, beta);
        for (int p = 0; p < K; ++p) {
            const float a = alpha * A.at(i, p);
            const float* b = B + size_t(p) * ldb;
            for (int j = 0; j < N; ++j) c[j] = multiply_add(a, b[j], c[j]);
        }
    }
}

// A few rows of op(A) = A times op(B) = B^T, or a few rows of B^T (both read along K
// contiguously): each element of C is one dot product. This is a network's forward pass
// on a small mini-batch, Z = A W^T, or chapter 1's scores of many images for 10 classes,
// where packing at every step would cost more than the product.
//
// Each dot product keeps 16 partial sums, lane l summing the terms p = l, l + 16, ...;
// then the lanes are added in order l = 0 .. 15 and the tail past the last full 16 after
// them. Sixteen whatever the machine's vector width (one AVX-512 register, two AVX2 ones,
// four SSE ones), so that AVX-512 and AVX2 machines add in the same order. The lanes are
// held as kSplit vectors of the machine's own width, never as one 64-byte vector: a
// 64-byte vector passed to a function on a machine without AVX-512 goes through memory.
using kernel::kVectorFloats;
typedef float Vec __attribute__((vector_size(kVectorFloats * sizeof(float))));
constexpr int kLanes = 16, kSplit = kLanes / kVectorFloats;
static_assert(kLanes % kVectorFloats == 0, "16 lanes are whole vectors");

// A tile of DA rows of A by DB rows of B: DA x DB x kSplit accumulators, DA vectors of A
// and one of B in flight, as many as the registers hold (AVX-512: 5 x 5 + 6 = 31 of 32
// registers; AVX2: 1 x 6 x 2 + 2 = 14 of 16; SSE: 1 x 3 x 4 + 2 = 14 of 16). Each step
// loads DA + DB vectors for DA x DB FMAs, and when the rows do not fit in L1 the loads
// set the pace: on a Zen 4, 10 x 30 x 784 went from 50 to 82 GFLOP/s from 2 x 4 to 5 x 5.
// On AVX2, where each dot product takes two registers, 1 x 6 beat 2 x 3 by 10% on both
// chapter 1's 1000 x 10 x 784 and chapter 3's 10 x 30 x 784.
#if defined(__AVX512F__)
constexpr int kDotA = 5, kDotB = 5;
#elif defined(__AVX2__)
constexpr int kDotA = 1, kDotB = 6;
#else
constexpr int kDotA = 1, kDotB = 3;
#endif

// x * y + s lane by lane, rounded once where the CPU has FMA: written out, like
// multiply_add, so that the bits do not depend on whether the optimiser contracts it
// (g++ does at -O2 and above, not at the -O1 of the sanitizer build).
Vec multiply_add(Vec x, Vec y, Vec s) {
#if defined(__AVX512F__)
    return Vec(_mm512_fmadd_ps(__m512(x), __m512(y), __m512(s)));
#elif defined(__AVX2__) && defined(__FMA__)
    return Vec(_mm256_fmadd_ps(__m256(x), __m256(y), __m256(s)));
#else
    return x * y + s;
#endif
}

Vec load_vec(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);  // unaligned load
    return v;
}

// The 16 lanes of one dot product of length K, added in order, then its tail.
float finish_dot(const Vec (&lanes)[kSplit], const float* a, const float* b, int from, int K) {
    float sum = 0.0f;
    for (int h = 0; h < kSplit; ++h)
        for (int l = 0; l < kVectorFloats; ++l) sum += lanes[h][l];
    for (int p = from; p < K; ++p) sum = multiply_add(a[p], b[p], sum);
    return sum;
}

// Where the dot products go: C[i][j] for row i of A and row j of B is at
// c + i * i_step + j * j_step (A and B may be swapped, so C is walked transposed).
struct DotOutput {
    float* c;
    size_t i_step, j_step;
    float alpha, beta;
    void store(int i, int j, float sum) const {
        float& out = c[i * i_step + j * j_step];
        out = updated(sum, alpha, beta, out);
    }
};

// Rows i .. i + DA - 1 of A against rows j .. j + DB - 1 of B (rows K long).
template <int DA, int DB>
void dot_tile(const float* A, int lda, const float* B, int ldb, int i, int j, int K, const DotOutput& out) {
    const int K_lanes = K - K % kLanes;
    const float* a[DA];
    const float* b[DB];
    for (int r = 0; r < DA; ++r) a[r] = A + size_t(i + r) * lda;
    for (int q = 0; q < DB; ++q) b[q] = B + size_t(j + q) * ldb;
    Vec s[DA][DB][kSplit] = {};
    for (int p = 0; p < K_lanes; p += kLanes) {
#pragma GCC unroll 4
        for (int h = 0; h < kSplit; ++h) {
            const int at = p + h * kVectorFloats;
            Vec x[DA];
            for (int r = 0; r < DA; ++r) x[r] = load_vec(a[r] + at);
            for (int q = 0; q < DB; ++q) {
                const Vec y = load_vec(b[q] + at);
                for (int r = 0; r < DA; ++r) s[r][q][h] = multiply_add(x[r], y, s[r][q][h]);
            }
        }
    }
    for (int r = 0; r < DA; ++r)
        for (int q = 0; q < DB; ++q) out.store(i + r, j + q, finish_dot(s[r][q], a[r], b[q], K_lanes, K));
}

// The tile of da rows of A by db rows of B (da <= DA, db <= DB) at rows i of A and j of B.
template <int DA, int DB>
void dot_corner(int da, int db, const float* A, int lda, const float* B, int ldb, int i, int j, int K,
                const DotOutput& out) {
    if constexpr (DA > 1)
        if (da < DA) return dot_corner<DA - 1, DB>(da, db, A, lda, B, ldb, i, j, K, out);
    if constexpr (DB > 1)
        if (db < DB) return dot_corner<DA, DB - 1>(da, db, A, lda, B, ldb, i, j, K, out);
    dot_tile<DA, DB>(A, lda, B, ldb, i, j, K, out);
}

// Rows [i0, i1) of A against rows [j0, j1) of B in tiles of kDotA x kDotB, smaller ones
// at the edges. Rows of B outermost: each tile's rows of B come from L2 once and are
// reused from L1 by every row of A (the few rows of A stay in cache throughout).
void dot_rows(const float* A, int lda, const float* B, int ldb, int i0, int i1, int j0, int j1, int K,
              const DotOutput& out) {
    for (int j = j0; j < j1; j += kDotB)
        for (int i = i0; i < i1; i += kDotA)
            dot_corner<kDotA, kDotB>(std::min(kDotA, i1 - i), std::min(kDotB, j1 - j), A, lda, B, ldb, i, j, K, out);
}

// ---------------------------------------------------------------- threads
//
// Helper threads that live as long as the program, so that a product does not pay for
// starting them. (Not OpenMP: its threads wait for each other by spinning for about 3 ms
// without giving up their core, so on a machine busy with other programs every product
// waited a time slice for a helper that had lost its core: measured n = 128 at 1 GFLOP/s
// on 2 threads against 127 on 1.) Here a waiting thread yields its core at every check,
// and sleeps after a millisecond.

// Returns once `value` differs from `old`.
template <class T>
void wait_while_equal(const std::atomic<T>& value, T old) {
    const auto sleep_after = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    while (value.load(std::memory_order_acquire) == old) {
        if (std::chrono::steady_clock::now() < sleep_after)
            std::this_thread::yield();
        else
            value.wait(old, std::memory_order_acquire);
    }
}

class Team {
public:
    // Runs job(t) for t = 0 .. threads-1, job(0) on the calling thread. If another thread is
    // using the team, runs them all on the calling thread instead (same results, slower).
    void run(int threads, const std::function<void(int)>& job) {
        std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
        if (!lock || threads == 1) {
            for (int t = 0; t < threads; ++t) job(t);
            return;
        }
        while (int(helpers_.size()) < threads - 1)  // each waits for the next generation
            helpers_.emplace_back(&Team::helper, this, int(helpers_.size()) + 1, generation_.load());
        job_ = &job;
        threads_ = threads;
        waiting_.store(int(helpers_.size()), std::memory_order_relaxed);  // every helper reports back
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        job(0);
        for (int left; (left = waiting_.load(std::memory_order_acquire)) > 0;) wait_while_equal(waiting_, left);
    }

    ~Team() {
        quit_ = true;
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (std::thread& helper : helpers_) helper.join();
    }

private:
    void helper(int index, unsigned seen) {
        for (;;) {
            wait_while_equal(generation_, seen);
            seen = generation_.load(std::memory_order_acquire);
            if (quit_) return;
            if (index < threads_) (*job_)(index);
            if (waiting_.fetch_sub(1, std::memory_order_acq_rel) == 1) waiting_.notify_all();
        }
    }

    std::mutex busy_;
    std::vector<std::thread> helpers_;
    const std::function<void(int)>* job_ = nullptr;  // written before generation_ moves
    int threads_ = 0;
    bool quit_ = false;
    std::atomic<unsigned> generation_{0};  // one more for each job
    std::atomic<int> waiting_{0};          // helpers yet to finish the current job
};

Team& team() {
    static Team team;
    return team;
}

// OMP_NUM_THREADS when set (the usual way to say it), else the cores this process may use.
int default_threads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS"); env && std::atoi(env) > 0) return std::atoi(env);
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) return std::max(1, CPU_COUNT(&cpus));
    return std::max(1u, std::thread::hardware_concurrency());
}

int thread_count(double work) {
    if (work < kThreadedWork) return 1;
    const int requested = requested_threads.load();
    return requested > 0 ? requested : default_threads();
}

// The columns (or rows) [first, last) of C: its part of a product shared between threads.
void gemm_slab(const Operand& A, const Operand& B, int M, int N, int K, float alpha, float beta,
               float* C, int ldc, bool columns, int first, int last) {
    if (columns) {
        const Operand B_slab{B.trans, B.trans == Trans::No ? B.data + first : B.data + size_t(first) * B.ld, B.ld};
        gemm_blocked(A, B_slab, M, last - first, K, alpha, beta, C + first, ldc);
    } else {
        const Operand A_slab{A.trans, A.trans == Trans::No ? A.data + size_t(first) * A.ld : A.data + first, A.ld};
        gemm_blocked(A_slab, B, last - first, N, K, alpha, beta, C + size_t(first) * ldc, ldc);
    }
}

// One slab of C per thread: columns when C is wider than tall, else rows, cut at multiples
// of NR (or MR) so that every thread count lays the same tiles over C. K is never split.
void gemm_threaded(const Operand& A, const Operand& B, int M, int N, int K, float alpha,
                   float beta, float* C, int ldc, int threads) {
    const bool columns = N >= M;
    const int unit = columns ? NR : MR, size = columns ? N : M;
    const int units = (size + unit - 1) / unit;
    threads = std::max(1, std::min(threads, units));
    if (threads == 1) return gemm_blocked(A, B, M, N, K, alpha, beta, C, ldc);
    team().run(threads, [&](int t) {
        const int first = units * t / threads * unit;
        const int last = std::min(units * (t + 1) / threads * unit, size);
        gemm_slab(A, B, M, N, K, alpha, beta, C, ldc, columns, first, last);
    });
}

// A B^T with few rows on one side (at most kDotRows), as dot products: the few rows take
// the inner loop of dot_rows, so they stay in cache while the many rows stream past once.
// With few rows of B (chapter 1's scores: 1000 images by 10 classes), A and B swap roles
// and C is written transposed. Threads split the many rows: each element is the same dot
// product on any number of threads.
void gemm_dot_products(const float* A, int lda, const float* B, int ldb, int M, int N, int K,
                       float alpha, float beta, float* C, int ldc, int threads) {
    const bool swap = M > N;
    const float* few = swap ? B : A;
    const float* many = swap ? A : B;
    const int ld_few = swap ? ldb : lda, ld_many = swap ? lda : ldb;
    const int n_few = swap ? N : M, n_many = swap ? M : N;
    const DotOutput out{C, swap ? 1 : size_t(ldc), swap ? size_t(ldc) : 1, alpha, beta};
    const int units = (n_many + kDotB - 1) / kDotB;
    threads = std::max(1, std::min(threads, units));
    auto slab = [&](int t) {
        const int first = units * t / threads * kDotB;
        const int last = std::min(units * (t + 1) / threads * kDotB, n_many);
        dot_rows(few, ld_few, many, ld_many, 0, n_few, first, last, K, out);
    };
    if (threads == 1) return slab(0);
    team().run(threads, slab);
}

}  // namespace

void gemm_naive(Trans trans_a, Trans trans_b, int M, int N, int K, float alpha, const float* A,
                int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    assert(arguments_valid(trans_a, trans_b, M, N, K, lda, ldb, ldc));
    naive_product({trans_a, A, lda}, {trans_b, B, ldb}, M, N, K, alpha, beta, C, ldc);
}

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, float alpha, const float* A,
          int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    assert(arguments_valid(trans_a, trans_b, M, N, K, lda, ldb, ldc));
    if (M == 0 || N == 0) return;
    const Operand a{trans_a, A, lda}, b{trans_b, B, ldb};
    const double work = double(M) * N * K;  // multiply-adds
    // Products that do not pay for packing: tiny ones, a matrix times one column, and
    // nothing to sum (then C = beta C): the definition itself is as fast as anything.
    if (work < kTinyWork || N == 1 || K == 0)
        return naive_product(a, b, M, N, K, alpha, beta, C, ldc);
    if (M <= 2 && trans_b == Trans::No) return gemm_few_rows(a, B, ldb, M, N, K, alpha, beta, C, ldc);
    if (std::min(M, N) <= kDotRows && K >= 4 * kLanes && trans_a == Trans::No && trans_b == Trans::Yes)
        return gemm_dot_products(A, lda, B, ldb, M, N, K, alpha, beta, C, ldc, thread_count(work));
    gemm_threaded(a, b, M, N, K, alpha, beta, C, ldc, thread_count(work));
}

void gemm_set_threads(int threads) { requested_threads.store(std::max(0, threads)); }

int gemm_threads() {
    const int requested = requested_threads.load();
    return requested > 0 ? requested : default_threads();
}

const char* gemm_kernel_name() { return kernel::kName; }

}  // namespace nn
