// nn::fma_peak_gflops (common/fma_peak.hpp): the ceiling of the matrix multiply,
// measured with vectors of the width the micro-kernel uses (common/gemm_kernels.hpp).
#include "common/fma_peak.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "common/gemm_kernels.hpp"

namespace nn {

namespace {
// Why this many chains: see fma_peak.hpp.
constexpr int kPeakChains = kernel::kVectorRegisters - 4;
static_assert(kPeakChains >= 2 * 5, "enough chains to hide the FMA latency on two units");

// One window on the calling thread: the chains for at least `window` seconds, in GFLOP/s.
[[gnu::noinline]] double chains_gflops(double window) {
    constexpr int kVectorFloats = kernel::kVectorFloats;
    typedef float Vec __attribute__((vector_size(kVectorFloats * sizeof(float))));
    constexpr int kChains = kPeakChains, kSteps = 10000;
    using Clock = std::chrono::steady_clock;
    Vec acc[kChains], b, c;
    for (int i = 0; i < kVectorFloats; ++i) b[i] = 0.999999f, c[i] = 1e-7f;
    for (Vec& a : acc) a = b;
    long steps = 0;
    double elapsed = 0;
    const auto start = Clock::now();
    do {
        for (int s = 0; s < kSteps; ++s) {
#pragma GCC unroll 32
            for (int i = 0; i < kChains; ++i) acc[i] = acc[i] * b + c;  // one FMA each
        }
        steps += kSteps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < window);
    float sum = 0;
    for (Vec& a : acc) sum += a[0];
    volatile float keep = sum;  // the chains' results are used, so they are computed
    (void)keep;
    return 2.0 * kVectorFloats * kChains * steps / elapsed / 1e9;
}

}  // namespace

double fma_peak_gflops(double seconds, int threads, double window) {
    threads = std::max(threads, 1);
    double best = 0;
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    do {
        // The helpers start together with the caller's own window; each window's threads are new.
        std::vector<double> rates(size_t(threads), 0.0);
        std::vector<std::thread> helpers;
        for (int t = 1; t < threads; ++t)
            helpers.emplace_back([&rates, t, window] { rates[size_t(t)] = chains_gflops(window); });
        rates[0] = chains_gflops(window);
        for (std::thread& helper : helpers) helper.join();
        double total = 0;
        for (double rate : rates) total += rate;
        best = std::max(best, total);
    } while (Clock::now() < end);
    return best;
}

}  // namespace nn
