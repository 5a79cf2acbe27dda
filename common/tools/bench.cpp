// `make bench`: the shared kernel gemm() against the naive triple loop, measured
// side by side in one run, on square sizes and on the shapes the chapters use.
// The ratio column is what matters: absolute GFLOP/s move with the machine's load.
// (The optimized kernel and the OpenBLAS comparison come with the kernel's own issue.)
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/gemm.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"

namespace {

using nn::Trans;
using GemmFn = void (*)(Trans, Trans, int, int, int, float, const float*, int, const float*, int,
                        float, float*, int);

struct Shape {
    std::string name;
    Trans ta, tb;
    int M, N, K;
};

// Best of several timed repetitions, each at least min_seconds long, in GFLOP/s.
double gflops(GemmFn gemm, const Shape& s, double min_seconds, nn::Rng& rng) {
    std::vector<float> A(size_t(s.M) * s.K), B(size_t(s.K) * s.N), C(size_t(s.M) * s.N);
    for (float& a : A) a = rng.uniform(-1, 1);
    for (float& b : B) b = rng.uniform(-1, 1);
    int lda = s.ta == Trans::No ? s.K : s.M, ldb = s.tb == Trans::No ? s.N : s.K;
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        long calls = 0;
        auto start = std::chrono::steady_clock::now();
        double seconds = 0;
        do {
            gemm(s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N);
            ++calls;
            seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        } while (seconds < min_seconds);
        best = std::max(best, 2.0 * s.M * s.N * s.K * calls / seconds / 1e9);
    }
    return best;
}

std::vector<Shape> shapes(bool quick) {
    std::vector<Shape> list;
    for (int n : {64, 128, 256, 512}) {
        if (quick && n > 256) break;
        list.push_back({"square " + std::to_string(n), Trans::No, Trans::No, n, n, n});
    }
    // Chapter 1 scores a batch against ten weight vectors: S = X W^T.
    list.push_back({"ch1 scores 1000x10x784 (B^T)", Trans::No, Trans::Yes, 1000, 10, 784});
    list.push_back({"dense 64x100x784 (B^T)", Trans::No, Trans::Yes, 64, 100, 784});
    list.push_back({"dense grad 100x784x64 (A^T)", Trans::Yes, Trans::No, 100, 784, 64});
    list.push_back({"dense 10x30x784 (B^T)", Trans::No, Trans::Yes, 10, 30, 784});
    return list;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("bench", "gemm() against the naive triple loop, side by side", "out/bench");
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "bench");
        nn::Rng rng(opt.seed);
        double min_seconds = opt.quick ? 0.02 : 0.1;

        std::printf("%-32s %12s %12s %8s\n", "shape (M x N x K)", "gemm GF/s", "naive GF/s", "ratio");
        nn::MetricsLog log({"n", "gemm_gflops", "naive_gflops"}, false);
        double worst_ratio = 1e9;
        for (const Shape& s : shapes(opt.quick)) {
            double fast = gflops(nn::gemm, s, min_seconds, rng);
            double naive = gflops(nn::gemm_naive, s, min_seconds, rng);
            std::printf("%-32s %12.2f %12.2f %8.2f\n", s.name.c_str(), fast, naive, fast / naive);
            if (s.name.rfind("square", 0) == 0) log.add({double(s.M), fast, naive});
            worst_ratio = std::min(worst_ratio, fast / naive);
        }
        log.write_csv(out.path("gemm.csv"));

        nn::Axes axes{.title = "fp32 matrix multiply, one thread", .xlabel = "n (square n x n x n)",
                      .ylabel = "GFLOP/s", .logx = true};
        nn::Figure figure(axes);
        figure.add({"gemm()", log.column("n"), log.column("gemm_gflops"), "linespoints lw 2 pt 7"});
        figure.add({"naive triple loop", log.column("n"), log.column("naive_gflops"), "linespoints lw 2 pt 5"});
        nn::save_png(figure, out.path("gemm.png"));
        out.figure("gemm.png", "GFLOP/s of the shared kernel and of the naive loop against the size n.");
        out.result({{"worst_ratio_vs_naive", nn::fixed(worst_ratio, 2)}});
    });
}
