// Chapter 1, program 3: the perceptron convergence theorem. On linearly
// separable data with margin gamma, Rosenblatt's rule stops after at most
// (R / gamma)^2 updates (Novikoff 1962). We watch one run update by update,
// then measure the number of updates for many margins against the bound.
//
//   build/release/bin/01-perceptron/convergence [--margin 0.1] [--points 100] [--eta 1]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "01-perceptron/perceptron.hpp"
#include "common/cli.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/trace.hpp"

namespace {

using perceptron::Perceptron;

const double kLo = -1.0, kHi = 1.0;  // the data fill the square [-1, 1]^2

struct Separable {
    nn::Tensor X;               // [n, 2]
    std::vector<int> t;         // n targets: 1 on the side w* points to
    std::vector<float> w_star;  // [2] a unit vector
    float b_star = 0;
};

// n points, uniform in the square, none closer than `margin` to the line
// w* . x + b* = 0: a random direction through a random point c, off centre so
// that the bias has to be learned too, but close enough to the centre that
// both sides keep room for points at the largest margins. Rejection sampling.
Separable make_separable(size_t n, float margin, nn::Rng& rng) {
    Separable data;
    const float pi = 3.14159265f;
    float angle = rng.uniform(0.0f, 2.0f * pi);
    data.w_star = {std::cos(angle), std::sin(angle)};
    float reach = 0.5f * (1.0f - margin);
    float cx = rng.uniform(-reach, reach), cy = rng.uniform(-reach, reach);
    data.b_star = -(data.w_star[0] * cx + data.w_star[1] * cy);
    data.X = nn::Tensor({n, 2});
    size_t count = 0;
    while (count < n) {
        float x1 = rng.uniform(float(kLo), float(kHi)), x2 = rng.uniform(float(kLo), float(kHi));
        // |w*| = 1, so this is the signed distance to the line.
        float distance = data.w_star[0] * x1 + data.w_star[1] * x2 + data.b_star;
        if (std::abs(distance) < margin) continue;
        data.X(count, 0) = x1;
        data.X(count, 1) = x2;
        data.t.push_back(distance > 0 ? 1 : 0);
        ++count;
    }
    return data;
}

// The state after one update, and the example that caused it.
struct Snapshot {
    Perceptron p;
    size_t example = 0;
    int epoch = 0;
};

nn::Figure data_figure(const Separable& data, const std::string& title) {
    nn::Figure figure(nn::plane_axes(title, kLo, kHi));
    // Plain discs without the rings of add_points, which blacken small points in a GIF.
    for (int target : {0, 1}) {
        nn::Series points{"t = " + std::to_string(target), {}, {},
                          std::string("points pt 7 ps 0.9 lc rgb '") +
                              (target == 0 ? "#4E79A7" : "#F28E2B") + "'"};
        for (size_t i = 0; i < data.t.size(); ++i)
            if (data.t[i] == target) {
                points.x.push_back(data.X(i, 0));
                points.y.push_back(data.X(i, 1));
            }
        figure.add(std::move(points));
    }
    if (auto line = nn::line_in_square(data.w_star[0], data.w_star[1], data.b_star, kLo, kHi,
                                       "a separating line w*", "lines lw 2 dt 2 lc rgb 'gray40'"))
        figure.add(std::move(*line));
    return figure;
}

nn::Figure frame(const Separable& data, const Snapshot& s, size_t k, size_t total) {
    nn::Figure figure = data_figure(data, "update " + std::to_string(k + 1) + " of " +
                                              std::to_string(total) + " (epoch " +
                                              std::to_string(s.epoch) + ")");
    double x1 = data.X(s.example, 0), x2 = data.X(s.example, 1);
    figure.add({"the misclassified example", {x1}, {x2}, "points pt 6 ps 4 lw 3 lc rgb 'red'"});
    if (auto line = nn::line_in_square(s.p.w[0], s.p.w[1], s.p.b, kLo, kHi, "w . x + b = 0",
                                       "lines lw 3 lc rgb 'black'"))
        figure.add(std::move(*line));
    return figure;
}

struct Run {
    Perceptron p{{0.0f, 0.0f}, 0.0f};
    int updates = 0, epochs = 0;
    bool converged = false;
};

// The watched run: train_epoch over one example at a time is the same pass as
// over the whole order, but lets us keep the weights after every update.
Run watch_training(const Separable& data, float eta, int max_epochs, nn::Rng& rng,
                   nn::Trace& trace, nn::MetricsLog& log, std::vector<Snapshot>& snapshots) {
    Run run;
    while (!run.converged && run.epochs < max_epochs) {
        ++run.epochs;
        std::vector<size_t> order = rng.permutation(data.t.size());
        int mistakes = 0;
        for (size_t k = 0; k < order.size(); ++k) {
            size_t i = order[k];
            // z and o as the example meets them, before the update it causes.
            float z = perceptron::weighted_sum(run.p, data.X.row(i));
            int o = perceptron::step(z);
            if (perceptron::train_epoch(run.p, data.X, data.t, std::span(order).subspan(k, 1), eta) == 0)
                continue;
            if (trace.wants(run.updates)) {
                trace.record(run.updates, "example", float(i));
                trace.record(run.updates, "z", z);
                trace.record(run.updates, "o", float(o));
                trace.record(run.updates, "w", run.p.w);
                trace.record(run.updates, "b", run.p.b);
            }
            snapshots.push_back({run.p, i, run.epochs});
            ++mistakes;
            ++run.updates;
        }
        log.add({double(run.epochs), double(mistakes), double(run.updates)});
        run.converged = mistakes == 0;
    }
    return run;
}

// One run of the sweep: whole epochs, shuffled, until one has no mistake.
Run train_until_clean(const Separable& data, float eta, int max_epochs, nn::Rng& rng) {
    Run run;
    while (!run.converged && run.epochs < max_epochs) {
        std::vector<size_t> order = rng.permutation(data.t.size());
        int mistakes = perceptron::train_epoch(run.p, data.X, data.t, order, eta);
        run.updates += mistakes;
        ++run.epochs;
        run.converged = mistakes == 0;
    }
    return run;
}

// Picks at most `cap` of n frames, evenly, always keeping the last.
std::vector<size_t> sample_frames(size_t n, size_t cap) {
    std::vector<size_t> picked;
    if (n == 0) return picked;
    size_t count = std::min(n, cap);
    for (size_t j = 0; j < count; ++j) picked.push_back(j * (n - 1) / std::max<size_t>(count - 1, 1));
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    return picked;
}

const std::vector<float> kMargins{0.05f, 0.1f, 0.2f, 0.3f, 0.5f, 0.8f};

struct Sweep {
    nn::MetricsLog log{{"run", "margin", "R", "gamma", "bound", "updates", "epochs"}, false};
    bool bound_held = true;
    int converged = 0;
};

// Fresh data sets for every margin, each trained until an epoch has no mistake.
Sweep run_sweep(size_t points, float eta, int max_epochs, int runs_per_margin, uint64_t seed,
                nn::ProgressMode mode) {
    Sweep sweep;
    nn::Rng rng(seed);
    nn::Progress progress("sweep", kMargins.size() * size_t(runs_per_margin), mode);
    for (float margin : kMargins) {
        double total = 0, most = 0, bound = INFINITY;
        for (int r = 0; r < runs_per_margin; ++r) {
            Separable d = make_separable(points, margin, rng);
            Run run = train_until_clean(d, eta, max_epochs, rng);
            auto cb = perceptron::novikoff_bound(d.X, d.t, d.w_star, d.b_star);
            sweep.bound_held = sweep.bound_held && run.updates <= cb.bound;
            sweep.converged += run.converged ? 1 : 0;
            sweep.log.add({double(sweep.log.rows().size() + 1), margin, cb.R, cb.gamma, cb.bound,
                           double(run.updates), double(run.epochs)});
            total += run.updates;
            most = std::max(most, double(run.updates));
            bound = std::min(bound, cb.bound);
            progress.tick();
        }
        std::printf("margin %.2f: updates mean %.1f, max %.0f; smallest bound (R/gamma)^2 %.1f\n",
                    margin, total / runs_per_margin, most, bound);
    }
    return sweep;
}

// Measured updates against each run's own bound, one color per margin: every
// point must lie under the diagonal, where updates = (R/gamma)^2.
nn::Figure sweep_figure(const nn::MetricsLog& log, size_t points) {
    nn::Figure figure({.title = "Updates until convergence vs Novikoff's bound (" + std::to_string(points) +
                                " points, " + std::to_string(log.rows().size()) + " runs)",
                       .xlabel = "bound (R/gamma)^2 of the run",
                       .ylabel = "updates until an epoch without mistakes",
                       .logx = true,
                       .logy = true});
    std::vector<double> margin = log.column("margin"), bound = log.column("bound"),
                        updates = log.column("updates");
    auto [lo, hi] = std::minmax_element(bound.begin(), bound.end());
    figure.add({"updates = (R/gamma)^2, the bound", {*lo / 2, *hi * 2}, {*lo / 2, *hi * 2},
                "lines lw 3 lc rgb 'black'"});
    for (float m : kMargins) {
        nn::Series runs{"margin " + nn::fixed(m, 2), {}, {}, "points pt 7 ps 1.3"};
        for (size_t i = 0; i < margin.size(); ++i)
            if (float(margin[i]) == m) {
                runs.x.push_back(bound[i]);
                runs.y.push_back(std::max(updates[i], 1.0));  // log axis: 0 updates drawn at 1
            }
        figure.add(std::move(runs));
    }
    return figure;
}

// The watched run as an animation, one frame per update (at most `max_frames`), and its
// last line beside the one that generated the data.
void plot_watched_run(nn::Outputs& out, const Separable& data, const std::vector<Snapshot>& snapshots,
                      const Run& run, double bound, size_t max_frames) {
    std::vector<nn::Figure> frames;
    for (size_t k : sample_frames(snapshots.size(), max_frames))
        frames.push_back(frame(data, snapshots[k], k, snapshots.size()));
    if (!frames.empty()) {
        nn::save_gif(frames, out.path("convergence.gif"), {900, 600}, 25);
        out.figure("convergence.gif",
                   "Each frame is one update: the misclassified example (red ring) pulls the "
                   "line w . x + b = 0 toward its own side, until no example is misclassified.");
    }
    nn::Figure final_figure = data_figure(
        data, (run.converged ? "converged after " : "stopped after ") + std::to_string(run.updates) +
                  " updates, bound (R/gamma)^2 = " + nn::fixed(bound, 0));
    if (auto line = nn::line_in_square(run.p.w[0], run.p.w[1], run.p.b, kLo, kHi,
                                       "learned w . x + b = 0", "lines lw 3 lc rgb 'black'"))
        final_figure.add(std::move(*line));
    nn::save_png(final_figure, out.path("convergence_final.png"), {900, 600});
    out.figure("convergence_final.png",
               "The learned line separates the classes but is not the dashed one that generated "
               "them: the perceptron stops at the first separating line it finds.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("convergence",
                    "Watches the perceptron converge on separable data and checks Novikoff's bound",
                    "out/01-perceptron");
        cli.add_epochs(1000);
        float eta = 1.0f, margin = 0.05f;
        int points = 500;
        cli.option("eta", eta, "learning rate eta", nn::learning_rate());
        // Declared positive and range-checked after parse() so that --margin 0 still says
        // "must be positive" before "must be between".
        cli.option("margin", margin, "smallest distance of a point to the separating line, in (0, 0.9]",
                   nn::positive());
        cli.option("points", points, "number of points, up to a million", nn::positive_up_to(1e6));
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::require_in_range("--margin", margin, 1e-3, 0.9);
        nn::Outputs out(opt, "convergence");
        nn::Trace trace(opt.trace, 10);

        // ---- one run, watched update by update
        nn::Rng rng(opt.seed);
        Separable data = make_separable(size_t(points), margin, rng);
        std::vector<Snapshot> snapshots;
        nn::MetricsLog log({"epoch", "mistakes", "updates_so_far"});
        Run run = watch_training(data, eta, opt.epochs, rng, trace, log, snapshots);
        trace.close();
        log.write_csv(out.path("convergence.csv"));
        auto theorem = perceptron::novikoff_bound(data.X, data.t, data.w_star, data.b_star);
        plot_watched_run(out, data, snapshots, run, theorem.bound, opt.quick ? 30 : 60);

        // ---- the sweep: updates until convergence against the bound
        Sweep sweep = run_sweep(size_t(points), eta, opt.epochs, opt.quick ? 3 : 10, opt.seed + 1,
                                opt.progress);
        sweep.log.write_csv(out.path("updates_vs_bound.csv"));
        nn::save_png(sweep_figure(sweep.log, size_t(points)), out.path("updates_vs_bound.png"),
                     {800, 650});
        out.figure("updates_vs_bound.png",
                   "Each point is one run: its updates until convergence against its bound "
                   "(R/gamma)^2. All lie under the diagonal, most far under it: the bound is a "
                   "worst case.");

        out.result({{"updates", std::to_string(run.updates)},
                    {"epochs", std::to_string(run.epochs)},
                    {"converged", run.converged ? "yes" : "no"},
                    {"gamma", nn::fixed(theorem.gamma, 4)},
                    {"R", nn::fixed(theorem.R, 4)},
                    {"bound", nn::fixed(theorem.bound, 1)},
                    {"sweep_converged", std::to_string(sweep.converged) + "/" +
                                            std::to_string(sweep.log.rows().size())},
                    {"bound_held", sweep.bound_held ? "yes" : "no"}});
    });
}
