// Appendix A, the program: every rung of the ladder timed on square n x n products,
// n = 64, 128, ..., 2048, in GFLOP/s (2 n^3 floating-point operations per product), with
// the library's nn::gemm beside them and the FMA peak of this machine as the ceiling.
// OpenBLAS, the reference the library is measured against, is not linked into any
// chapter: its line comes from the CSV that `make bench` writes (out/bench/gemm.csv).
//
//   build/release/bin/A-matrix-multiply/ladder_bench [--max-n 2048] [--openblas FILE]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "A-matrix-multiply/ladder.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"
#include "common/fma_peak.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

struct Timing {
    int repetitions;     // best of this many
    double min_seconds;  // each at least this long (one call at least)
};

// GFLOP/s of C = A B (n x n) by `multiply`: the best of the repetitions.
double gflops(ladder::Multiply multiply, int n, const Timing& timing, nn::Rng& rng) {
    std::vector<float> A(size_t(n) * n), B(size_t(n) * n), C(size_t(n) * n);
    for (float& a : A) a = rng.uniform(-1, 1);
    for (float& b : B) b = rng.uniform(-1, 1);
    double best = 0;
    for (int rep = 0; rep < timing.repetitions; ++rep) {
        long calls = 0;
        double seconds = 0;
        const nn::Stopwatch watch;
        do {
            multiply(n, n, n, A.data(), B.data(), C.data());
            ++calls;
            seconds = watch.seconds();
        } while (seconds < timing.min_seconds);
        best = std::max(best, 2.0 * n * n * n * calls / seconds / 1e9);
        if (seconds > 2.0) break;  // one slow call is measurement enough (naive at n = 1024)
    }
    return best;
}

// The library's kernel as one more rung, with every core (gemm's default).
void library_gemm(int M, int N, int K, const float* A, const float* B, float* C) {
    nn::gemm(nn::Trans::No, nn::Trans::No, M, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
}

std::vector<ladder::Rung> rungs_and_library() {
    std::vector<ladder::Rung> list = ladder::rungs();
    list.push_back({"nn::gemm (common/gemm.cpp)", library_gemm, 1 << 30});
    return list;
}

// One row per (n, rung): columns n, rung (1, 2, ...), gflops. Prints the table as it goes.
nn::MetricsLog measure(const std::vector<ladder::Rung>& rungs, const std::vector<int>& sizes,
                       const Timing& timing, nn::Rng& rng) {
    nn::MetricsLog log({"n", "rung", "gflops"}, false);
    std::printf("%-32s", "GFLOP/s at n =");
    for (int n : sizes) std::printf(" %7d", n);
    std::printf("\n");
    for (size_t r = 0; r < rungs.size(); ++r) {
        std::printf("%-32s", rungs[r].name);
        for (int n : sizes) {
            if (n > rungs[r].max_n) {
                std::printf(" %7s", "-");
                continue;
            }
            const double rate = gflops(rungs[r].multiply, n, timing, rng);
            log.add({double(n), double(r + 1), rate});
            std::printf(" %7.1f", rate);
            std::fflush(stdout);
        }
        std::printf("\n");
    }
    return log;
}

// The rows of one rung: its n and GFLOP/s.
nn::Series series_of(const nn::MetricsLog& log, int rung, const std::string& title, const std::string& style) {
    nn::Series s{title, {}, {}, style};
    for (const auto& row : log.rows()) {
        if (int(row[1]) != rung) continue;
        s.x.push_back(row[0]);
        s.y.push_back(row[2]);
    }
    return s;
}

// OpenBLAS's GFLOP/s against n from `make bench`'s CSV, when the file exists; a file that
// exists but lacks the columns is an error (DataError: one line, exit status 2).
std::optional<nn::MetricsLog> read_openblas(const std::string& path) {
    if (!std::filesystem::exists(path)) return std::nullopt;
    nn::MetricsLog log = nn::read_metrics_csv(path);
    for (const char* column : {"n", "openblas_1", "openblas_2"}) {
        const auto& names = log.columns();
        if (std::find(names.begin(), names.end(), column) == names.end())
            throw nn::DataError(path + " has no column '" + column + "': is it the gemm.csv of make bench?");
    }
    return log;
}

void plot(const std::vector<ladder::Rung>& rungs, const nn::MetricsLog& log, double peak,
          const std::optional<nn::MetricsLog>& blas, const std::string& path) {
    nn::Figure figure({.title = std::string("Appendix A: the ladder (") + nn::gemm_kernel_name() + " micro-kernel)",
                       .xlabel = "n (square n x n x n product)", .ylabel = "GFLOP/s", .logx = true, .logy = true,
                       .xrange = std::pair{48.0, 2800.0}});
    for (size_t r = 0; r < rungs.size(); ++r) {
        std::string title = rungs[r].name;
        if (rungs[r].max_n < 2048) title += " (to n = " + std::to_string(rungs[r].max_n) + ": slow)";
        figure.add(series_of(log, int(r + 1), title, "linespoints lw 2 pt " + std::to_string(5 + int(r))));
    }
    if (blas) {
        figure.add({"OpenBLAS, 1 thread (make bench)", blas->column("n"), blas->column("openblas_1"), "lines lw 2 dt 2 lc rgb '#555555'"});
        figure.add({"OpenBLAS, 2 threads (make bench)", blas->column("n"), blas->column("openblas_2"), "lines lw 2 dt 3 lc rgb '#555555'"});
    }
    const int cores = std::max(1u, std::thread::hardware_concurrency());
    figure.add_hline(peak, "FMA peak, 1 core");
    if (cores > 1) figure.add_hline(cores * peak, "FMA peak, " + std::to_string(cores) + " cores");
    nn::save_png(figure, path, {1000, 700});
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("ladder_bench", "every rung of the matrix-multiply ladder against n", "out/A-matrix-multiply");
        int max_n = 2048;
        std::string openblas_csv = "out/bench/gemm.csv";
        cli.option("max-n", max_n, "largest n (64 to 4096; --quick: at most 512)", nn::between(64, 4096));
        cli.option("openblas", openblas_csv, "OpenBLAS GFLOP/s written by `make bench`; drawn when the file exists",
                   {}, "FILE");
        nn::CommonOptions opt = cli.parse(argc, argv);
        if (opt.quick) max_n = std::min(max_n, 512);
        const std::optional<nn::MetricsLog> blas = read_openblas(openblas_csv);
        nn::Outputs out(opt, "ladder_bench");
        nn::Rng rng(opt.seed);
        const Timing timing{opt.quick ? 2 : 3, opt.quick ? 0.02 : 0.2};

        const double peak = nn::fma_peak_gflops(opt.quick ? 0.1 : 0.5);
        std::printf("FMA peak of one core: %.1f GFLOP/s (%s); best of %d runs\n\n", peak,
                    nn::gemm_kernel_name(), timing.repetitions);
        std::vector<int> sizes;
        for (int n = 64; n <= max_n; n *= 2) sizes.push_back(n);
        const auto rungs = rungs_and_library();
        const nn::MetricsLog log = measure(rungs, sizes, timing, rng);
        log.write_csv(out.path("ladder.csv"));

        if (!blas) std::printf("\n(no OpenBLAS line: %s does not exist; `make bench` writes it)\n", openblas_csv.c_str());
        plot(rungs, log, peak, blas, out.path("ladder.png"));
        out.figure("ladder.png", "GFLOP/s of each rung against n, log-log, with the FMA peak" +
                                     std::string(blas ? " and OpenBLAS (from make bench)." : "."));

        // GFLOP/s of every rung at the largest n they all ran at.
        const int n_all = std::min(sizes.back(), 1024);
        std::vector<std::pair<std::string, std::string>> result{{"n", std::to_string(n_all)}};
        for (const auto& row : log.rows()) {
            if (int(row[0]) != n_all) continue;
            const int rung = int(row[1]);
            const bool library = rung == int(rungs.size());
            result.push_back({library ? "gemm_gflops" : "rung" + std::to_string(rung) + "_gflops", nn::fixed(row[2], 1)});
        }
        result.push_back({"fma_peak_gflops", nn::fixed(peak, 1)});
        out.result(result);
    });
}
