// Appendix A, the program: every rung of the ladder timed on square n x n products,
// n = 64, 128, ..., 2048, in GFLOP/s (2 n^3 floating-point operations per product), with
// the library's nn::gemm beside them and the FMA peak of this machine as the ceiling,
// measured alternately with the rungs, so that both see the same load.
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
    double peak_window;  // seconds of the FMA chains before each repetition
};

// A rung and the threads it runs on: the ceiling it is drawn against is the FMA peak of as many.
struct Entry {
    ladder::Rung rung;
    int threads;
};

// One measurement: the rung's GFLOP/s at n and the FMA peak taken beside it.
struct Point {
    double gflops = 0, peak = 0;
};

// GFLOP/s of C = A B (n x n) by `multiply`, the best of the repetitions; before each one, a
// window of FMA chains on as many threads as the rung uses, the best of which is the peak
// beside it. A peak measured once at the start and rungs later is no ceiling on a shared
// machine: a rung timed while another program rests beats a peak timed while it runs.
// Alternating the two puts both under the same load, and the same statistic (the best of
// the runs: load only ever slows a run down) takes them both.
Point measure_point(const Entry& entry, int n, const Timing& timing, nn::Rng& rng) {
    std::vector<float> A(size_t(n) * n), B(size_t(n) * n), C(size_t(n) * n);
    for (float& a : A) a = rng.uniform(-1, 1);
    for (float& b : B) b = rng.uniform(-1, 1);
    Point best;
    for (int rep = 0; rep < timing.repetitions; ++rep) {
        best.peak = std::max(best.peak, nn::fma_peak_gflops(0, entry.threads, timing.peak_window));
        long calls = 0;
        double seconds = 0;
        const nn::Stopwatch watch;
        do {
            entry.rung.multiply(n, n, n, A.data(), B.data(), C.data());
            ++calls;
            seconds = watch.seconds();
        } while (seconds < timing.min_seconds);
        best.gflops = std::max(best.gflops, 2.0 * n * n * n * calls / seconds / 1e9);
        if (seconds > 2.0) break;  // one slow call is measurement enough (naive at n = 1024)
    }
    return best;
}

// The library's kernel as one more rung, with every core (gemm's default).
void library_gemm(int M, int N, int K, const float* A, const float* B, float* C) {
    nn::gemm(nn::Trans::No, nn::Trans::No, M, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
}

// Rungs 1 to 5 run on one thread; rung 6 on every core (matmul_threads), as does nn::gemm.
std::vector<Entry> rungs_and_library() {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<Entry> list;
    for (const ladder::Rung& rung : ladder::rungs()) list.push_back({rung, rung.multiply == ladder::matmul_threads ? cores : 1});
    list.push_back({{"nn::gemm (common/gemm.cpp)", library_gemm, 1 << 30}, nn::gemm_threads()});
    return list;
}

// One row per (n, rung): columns n, rung (1, 2, ...), gflops, the rung's threads and the
// FMA peak on as many threads measured beside it. Prints the table as it goes.
nn::MetricsLog measure(const std::vector<Entry>& entries, const std::vector<int>& sizes, const Timing& timing,
                       nn::Rng& rng) {
    nn::MetricsLog log({"n", "rung", "gflops", "threads", "peak_gflops"}, false);
    std::printf("%-32s", "GFLOP/s at n =");
    for (int n : sizes) std::printf(" %7d", n);
    std::printf("\n");
    for (size_t r = 0; r < entries.size(); ++r) {
        std::printf("%-32s", entries[r].rung.name);
        for (int n : sizes) {
            if (n > entries[r].rung.max_n) {
                std::printf(" %7s", "-");
                continue;
            }
            const Point point = measure_point(entries[r], n, timing, rng);
            log.add({double(n), double(r + 1), point.gflops, double(entries[r].threads), point.peak});
            std::printf(" %7.1f", point.gflops);
            std::fflush(stdout);
        }
        std::printf("\n");
    }
    return log;
}

// The FMA peak on `threads` threads over the whole run, from the peaks beside the points of
// the rungs on that many threads: the best (the ceiling at the quietest moment, which no
// rung passes) and the median (how loaded the machine was). Count 0: no rung ran on that many.
struct Peak {
    double best = 0, median = 0;
    size_t count = 0;
};

Peak peak_of(const nn::MetricsLog& log, int threads) {
    std::vector<double> peaks;
    for (const auto& row : log.rows())
        if (int(row[3]) == threads) peaks.push_back(row[4]);
    Peak p;
    p.count = peaks.size();
    if (peaks.empty()) return p;
    std::sort(peaks.begin(), peaks.end());
    p.best = peaks.back();
    p.median = peaks.size() % 2 ? peaks[peaks.size() / 2] : (peaks[peaks.size() / 2 - 1] + peaks[peaks.size() / 2]) / 2;
    return p;
}

// The thread counts of the rungs, fewest first.
std::vector<int> thread_counts(const std::vector<Entry>& entries) {
    std::vector<int> counts;
    for (const Entry& e : entries)
        if (std::find(counts.begin(), counts.end(), e.threads) == counts.end()) counts.push_back(e.threads);
    std::sort(counts.begin(), counts.end());
    return counts;
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

void plot(const std::vector<Entry>& entries, const nn::MetricsLog& log, const Timing& timing,
          const std::optional<nn::MetricsLog>& blas, const std::string& path) {
    const std::string windows = nn::significant(timing.peak_window * 1000) + " ms";
    nn::Figure figure({.title = std::string("Appendix A: the ladder (") + nn::gemm_kernel_name() + " micro-kernel)\n" +
                                "FMA peak: chains of FMAs in " + windows + " windows, one before each run of a rung, " +
                                "on as many threads; rungs and peak: the best of their runs",
                       .xlabel = "n (square n x n x n product)", .ylabel = "GFLOP/s", .logx = true, .logy = true,
                       .xrange = std::pair{48.0, 2800.0}});
    for (size_t r = 0; r < entries.size(); ++r) {
        std::string title = entries[r].rung.name;
        if (entries[r].rung.max_n < 2048) title += " (to n = " + std::to_string(entries[r].rung.max_n) + ": slow)";
        if (entries[r].threads > 1) title += " - on " + std::to_string(entries[r].threads) + " threads";
        figure.add(series_of(log, int(r + 1), title, "linespoints lw 2 pt " + std::to_string(5 + int(r))));
    }
    if (blas) {
        figure.add({"OpenBLAS, 1 thread (make bench)", blas->column("n"), blas->column("openblas_1"), "lines lw 2 dt 2 lc rgb '#555555'"});
        figure.add({"OpenBLAS, 2 threads (make bench)", blas->column("n"), blas->column("openblas_2"), "lines lw 2 dt 3 lc rgb '#555555'"});
    }
    // One line per thread count, each in its own dashes: the ceiling of the rungs on that many.
    const char* const styles[2] = {"dt 2 lw 2 lc rgb '#333333'", "dt (8,3,2,3) lw 2 lc rgb '#8C2D04'"};
    std::vector<int> counts = thread_counts(entries);
    for (size_t i = 0; i < counts.size(); ++i) {
        const Peak p = peak_of(log, counts[i]);
        if (p.count == 0) continue;
        std::string who = counts[i] == 1 ? "1 thread" : std::to_string(counts[i]) + " threads at once";
        figure.add_hline(p.best, "FMA peak, " + who + ": best " + nn::fixed(p.best, 0) + " (median " +
                                     nn::fixed(p.median, 0) + ")",
                         styles[std::min<size_t>(i, 1)]);
    }
    nn::save_png(figure, path, {1100, 750});
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
        const Timing timing{opt.quick ? 2 : 3, opt.quick ? 0.02 : 0.2, opt.quick ? 0.02 : 0.05};

        std::printf("%s micro-kernel; each rung: best of %d runs, each run after %s ms of FMA chains on as many "
                    "threads (the FMA peak beside it)\n\n",
                    nn::gemm_kernel_name(), timing.repetitions, nn::significant(timing.peak_window * 1000).c_str());
        std::vector<int> sizes;
        for (int n = 64; n <= max_n; n *= 2) sizes.push_back(n);
        const auto entries = rungs_and_library();
        const nn::MetricsLog log = measure(entries, sizes, timing, rng);
        log.write_csv(out.path("ladder.csv"));
        for (int threads : thread_counts(entries)) {
            const Peak p = peak_of(log, threads);
            std::printf("FMA peak on %d thread(s): best %.1f GFLOP/s, median %.1f, beside its rungs' %zu points\n",
                        threads, p.best, p.median, p.count);
        }

        if (!blas) std::printf("\n(no OpenBLAS line: %s does not exist; `make bench` writes it)\n", openblas_csv.c_str());
        plot(entries, log, timing, blas, out.path("ladder.png"));
        out.figure("ladder.png", "GFLOP/s of each rung against n, log-log, with the FMA peak of one thread and of "
                                 "every core (measured in windows alternating with the rungs' runs, the best of them)" +
                                     std::string(blas ? " and OpenBLAS (from make bench)." : "."));

        // GFLOP/s of every rung at the largest n they all ran at.
        const int n_all = std::min(sizes.back(), 1024);
        std::vector<std::pair<std::string, std::string>> result{{"n", std::to_string(n_all)}};
        for (const auto& row : log.rows()) {
            if (int(row[0]) != n_all) continue;
            const int rung = int(row[1]);
            const bool library = rung == int(entries.size());
            result.push_back({library ? "gemm_gflops" : "rung" + std::to_string(rung) + "_gflops", nn::fixed(row[2], 1)});
        }
        for (int threads : thread_counts(entries))
            result.push_back({threads == 1 ? std::string("fma_peak_gflops")
                                           : "fma_peak_" + std::to_string(threads) + "_threads_gflops",
                              nn::fixed(peak_of(log, threads).best, 1)});
        out.result(result);
    });
}
