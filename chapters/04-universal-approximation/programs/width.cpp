// Chapter 4, program: the theorem seen from training. The universal approximation
// theorem promises that one hidden layer of enough units can come within any eps of a
// continuous function on an interval; it does not say how many units, nor that
// training finds them. Here networks [1, m, 1] (tanh hidden units, a linear output,
// the quadratic cost of chapter 3) of width m = 1, 2, 4, ..., 256 are trained on four
// targets, and their largest and root-mean-square errors are measured on a fine grid:
//
//   sin(2 pi x) on [-1, 1]    smooth, two periods
//   |x|         on [-1, 1]    continuous, with a kink
//   step        on [-1, 1]    0 left of 0, 1 right of it: not continuous, out of the theorem
//   nielsen_f   on [0, 1]     the chapter's running example
//
// Training is Adam (chapter 2's gd::Adam, one per W and b) on chapter 3's backprop
// gradients: plain SGD takes far longer to fit these curves well.
//
//   build/release/bin/04-universal-approximation/width [--widest 256] [--epochs 600]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "03-backpropagation/network.hpp"
#include "04-universal-approximation/approximation.hpp"
#include "04-universal-approximation/fit.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

using ua::spread_hidden_units;

using nn::Tensor;

struct Target {
    std::string key, title;
    double lo, hi;
    std::function<double(double)> f;
};

std::vector<Target> targets() {
    return {{"sin", "sin(2 pi x)", -1, 1, [](double x) { return std::sin(2 * std::numbers::pi * x); }},
            {"abs", "|x|", -1, 1, [](double x) { return std::abs(x); }},
            {"step", "step at 0", -1, 1, [](double x) { return x < 0 ? 0.0 : 1.0; }},
            {"nielsen", "nielsen f", 0, 1, ua::nielsen_f}};
}

struct Settings {
    nn::CommonOptions common;
    size_t widest = 256, points = 256, batch = 32;
    float eta = 0.01f, spread = 4.0f;
    std::string activation = "tanh";
    int epochs = 0;              // after --quick
    std::vector<size_t> widths;  // 1 to widest, after --quick
};

// The network sees t = 2 (x - lo) / (hi - lo) - 1 in [-1, 1], whatever the target's interval.
double to_input(const Target& target, double x) { return 2 * (x - target.lo) / (target.hi - target.lo) - 1; }

// n equally spaced points of [lo, hi], both ends included: X [n, 1] the inputs t, Y [n, 1] f(x).
std::pair<Tensor, Tensor> sample(const Target& target, size_t n) {
    Tensor X({n, 1}), Y({n, 1});
    for (size_t i = 0; i < n; ++i) {
        double x = target.lo + (target.hi - target.lo) * double(i) / double(n - 1);
        X[i] = float(to_input(target, x));
        Y[i] = float(target.f(x));
    }
    return {X, Y};
}

bp::Network train_network(const Target& target, size_t width, int epochs, const Settings& s, nn::Rng& rng) {
    bp::Network net = bp::make_network({1, width, 1}, bp::parse_activation(s.activation), bp::Activation::Linear,
                                       bp::Cost::Quadratic, bp::Init::Scaled, rng);
    spread_hidden_units(net, s.spread, rng);
    auto [X, Y] = sample(target, s.points);
    ua::fit_with_adam(net, X, Y, s.batch, epochs, s.eta, rng);
    return net;
}

struct Curve {
    std::vector<double> x, y;
};

// The network on a fine grid of the target's interval (finer than the training points,
// so that the errors include what happens between them).
Curve network_curve(const bp::Network& net, const Target& target, size_t n = 1001) {
    auto [X, Y] = sample(target, n);
    Tensor out = bp::predict(net, X);
    Curve curve;
    for (size_t i = 0; i < n; ++i) {
        curve.x.push_back(target.lo + (target.hi - target.lo) * double(i) / double(n - 1));
        curve.y.push_back(out[i]);
    }
    return curve;
}

struct Errors {
    double max = 0, rms = 0;
};

Errors errors_of(const Curve& curve, const Target& target) {
    Errors e;
    for (size_t i = 0; i < curve.x.size(); ++i) {
        double d = std::abs(curve.y[i] - target.f(curve.x[i]));
        e.max = std::max(e.max, d);
        e.rms += d * d;
    }
    e.rms = std::sqrt(e.rms / double(curve.x.size()));
    return e;
}

std::vector<size_t> widths_up_to(size_t widest, bool quick) {
    std::vector<size_t> widths;
    for (size_t m = 1; m <= widest; m *= quick ? 4 : 2) widths.push_back(m);
    if (widths.back() != widest) widths.push_back(widest);
    return widths;
}

// The widths whose fits are drawn: a few, from the narrowest to the widest.
bool drawn(size_t width, const std::vector<size_t>& widths) {
    return width == widths.front() || width == widths.back() || width == 4 || width == 16;
}

const char* const kColors[] = {"#E15759", "#F28E2B", "#59A14F", "#4E79A7", "#B07AA1"};

nn::Figure fits_panel(const Target& target, const std::vector<std::pair<size_t, Curve>>& fits) {
    nn::Figure figure({.title = "target " + target.title, .xlabel = "x", .ylabel = "y"});
    Curve truth;
    for (size_t i = 0; i <= 1000; ++i) {
        truth.x.push_back(target.lo + (target.hi - target.lo) * double(i) / 1000.0);
        truth.y.push_back(target.f(truth.x.back()));
    }
    figure.add({"target", truth.x, truth.y, "lines lw 5 lc rgb '#BBBBBB'"});
    for (size_t k = 0; k < fits.size(); ++k)
        figure.add({"m = " + std::to_string(fits[k].first), fits[k].second.x, fits[k].second.y,
                    "lines lw 2 lc rgb '" + std::string(kColors[k % 5]) + "'"});
    return figure;
}

nn::Figure error_panel(const std::string& what, const std::vector<Target>& all, const std::vector<size_t>& widths,
                       const std::vector<std::vector<Errors>>& errors, bool max) {
    nn::Figure figure({.title = what + " error against width", .xlabel = "hidden units m",
                       .ylabel = what + " error on a fine grid", .logx = true, .logy = true,
                       .xrange = std::pair{0.8, 1.25 * double(widths.back())}});
    std::vector<double> x(widths.begin(), widths.end());
    for (size_t t = 0; t < all.size(); ++t) {
        std::vector<double> y;
        for (const Errors& e : errors[t]) y.push_back(std::max(max ? e.max : e.rms, 1e-6));
        figure.add({all[t].title, x, y, "linespoints lw 2 pt 7 lc rgb '" + std::string(kColors[t % 5]) + "'"});
    }
    return figure;
}

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("width", "Trained one-hidden-layer networks of growing width against four targets",
                "out/04-universal-approximation");
    cli.add_epochs(600);
    Settings s;
    cli.option("widest", s.widest, "the largest width m (1 to 1024)", nn::between(1, 1024));
    cli.option("points", s.points, "training points per target", nn::between(2, 1e5));
    cli.option("batch", s.batch, "examples per mini-batch");
    cli.option("eta", s.eta, "Adam's first learning rate (falls to 1/100 of it)", nn::between(1e-6, 1));
    cli.option("spread", s.spread, "standard deviation of the first weights", nn::between(1e-3, 1e3));
    cli.option("activation", s.activation, "hidden units: tanh or sigmoid", nn::one_of({"tanh", "sigmoid"}));
    s.common = cli.parse(argc, argv);
    nn::require_in_range("--batch", double(s.batch), 1, double(s.points));  // its range depends on --points
    // --quick: widths 1, 4, 16, 64 at most, and a third of the epochs.
    s.epochs = s.common.quick ? std::max(1, s.common.epochs / 3) : s.common.epochs;
    s.widths = widths_up_to(s.common.quick ? std::min<size_t>(s.widest, 64) : s.widest, s.common.quick);
    return s;
}

// Every target's networks of every width: their errors (errors[t], one per width), the
// curves drawn (fits[t]), and both errors of every target in one row per width (log).
struct Results {
    nn::MetricsLog log;
    std::vector<std::vector<Errors>> errors;
    std::vector<std::vector<std::pair<size_t, Curve>>> fits;
};

Results train_every_width(const std::vector<Target>& all, const Settings& s, nn::Rng& rng) {
    std::vector<std::string> columns{"width"};
    for (const Target& t : all) columns.insert(columns.end(), {t.key + "_max", t.key + "_rms"});
    Results r{nn::MetricsLog(columns), std::vector<std::vector<Errors>>(all.size()),
              std::vector<std::vector<std::pair<size_t, Curve>>>(all.size())};
    std::printf("%zu training points per target, %d epochs of Adam, batches of %zu, %s units\n", s.points,
                s.epochs, s.batch, s.activation.c_str());
    nn::Progress progress("widths", s.widths.size(), s.common.progress);
    for (size_t width : s.widths) {
        std::vector<double> row{double(width)};
        for (size_t t = 0; t < all.size(); ++t) {
            bp::Network net = train_network(all[t], width, s.epochs, s, rng);
            Curve curve = network_curve(net, all[t]);
            r.errors[t].push_back(errors_of(curve, all[t]));
            row.insert(row.end(), {r.errors[t].back().max, r.errors[t].back().rms});
            if (drawn(width, s.widths)) r.fits[t].emplace_back(width, std::move(curve));
        }
        r.log.add(row);
        progress.tick();
    }
    return r;
}

void plot_fits(const std::vector<Target>& all, const std::vector<std::vector<std::pair<size_t, Curve>>>& fits,
               nn::Outputs& out) {
    std::vector<nn::Figure> panels;
    for (size_t t = 0; t < all.size(); ++t) panels.push_back(fits_panel(all[t], fits[t]));
    nn::save_png(panels, 2, out.path("width_fits.png"), {1200, 900});
    out.figure("width_fits.png",
               "Trained networks [1, m, 1] of a few widths m (colors) over each target (thick gray). "
               "One unit is one tanh: it can only make one bend. With more units the fit follows "
               "sin and |x| closely; the step, which is not continuous, is approached but never met: "
               "a sum of smooth units always climbs from 0 to 1 over some width.");
}

void plot_errors(const std::vector<Target>& all, const std::vector<size_t>& widths,
                 const std::vector<std::vector<Errors>>& errors, nn::Outputs& out) {
    nn::save_png({error_panel("max", all, widths, errors, true), error_panel("RMS", all, widths, errors, false)}, 2,
                 out.path("width_errors.png"), {1300, 560});
    out.figure("width_errors.png",
               "Largest (left) and root-mean-square (right) error of each target on 1001 points, "
               "against the width m, on log-log axes. Both fall with width for the continuous "
               "targets until training, not the width, limits them. For the step the largest error "
               "stays near 1/2 (at the jump) though the RMS error falls; for nielsen f both level "
               "off early: training misses its fast ripple 0.05 cos(50 x) (see the program limits).");
}

void report(const std::vector<Target>& all, const Settings& s, const std::vector<std::vector<Errors>>& errors,
            double seconds, nn::Outputs& out) {
    std::vector<std::pair<std::string, std::string>> result{{"widest", std::to_string(s.widths.back())}};
    for (size_t t = 0; t < all.size(); ++t) {
        result.emplace_back(all[t].key + "_max", nn::fixed(errors[t].back().max, 4));
        result.emplace_back(all[t].key + "_rms", nn::fixed(errors[t].back().rms, 4));
        result.emplace_back(all[t].key + "_rms_narrowest", nn::fixed(errors[t].front().rms, 4));
    }
    result.emplace_back("epochs", std::to_string(s.epochs));
    result.emplace_back("seconds", nn::fixed(seconds, 1));
    out.result(result);
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        const Settings s = read_settings(argc, argv);
        nn::Outputs out(s.common, "width");

        nn::Rng rng(s.common.seed);
        nn::Stopwatch watch;
        std::vector<Target> all = targets();
        Results results = train_every_width(all, s, rng);
        double seconds = watch.seconds();
        results.log.write_csv(out.path("width.csv"));

        plot_fits(all, results.fits, out);
        plot_errors(all, s.widths, results.errors, out);
        report(all, s, results.errors, seconds, out);
    });
}
