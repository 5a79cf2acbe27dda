// Chapter 4, program: what the theorem does not promise. Two experiments:
//
// 1. Extrapolation. The theorem is about an interval: a network trained on [-1, 1] to
//    fit sin(2 pi x) owes nothing to the target outside it. Evaluated on [-3, 3], the
//    fit follows the sine inside and flattens outside, where every tanh unit has
//    saturated to +-1: y(x) = c + sum_j v_j tanh(w_j x + b_j) tends to a constant.
// 2. Training that stalls. The theorem says some weights exist; gradient descent need
//    not find them. Nielsen's f(x) = 0.2 + 0.4 x^2 + 0.3 x sin(15 x) + 0.05 cos(50 x)
//    has a fast ripple of amplitude 0.05; a trained network with 2 n units learns the
//    slow part and its training cost levels off, while bumps_network, which builds n
//    bumps by hand with the same 2 n units and no training at all, gets a lower cost.
//
// Training is Adam (chapter 2's gd::Adam) on chapter 3's backprop gradients, as in width.
//
//   build/release/bin/04-universal-approximation/limits [--epochs 600] [--bumps 50]
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
using Map = std::function<double(double)>;

struct Settings {
    nn::CommonOptions common;
    size_t width = 64, bumps = 50, wide = 256, points = 256, batch = 32;
    float eta = 0.01f, spread = 4.0f;
    int epochs = 0;  // after --quick
};

std::vector<double> grid(double lo, double hi, size_t n) {
    std::vector<double> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = lo + (hi - lo) * double(i) / double(n - 1);
    return x;
}

// X [n, 1] the network inputs input(x), Y [n, 1] the targets f(x).
std::pair<Tensor, Tensor> sample(const std::vector<double>& xs, const Map& input, const Map& f) {
    Tensor X({xs.size(), 1}), Y({xs.size(), 1});
    for (size_t i = 0; i < xs.size(); ++i) {
        X[i] = float(input(xs[i]));
        Y[i] = float(f(xs[i]));
    }
    return {X, Y};
}

// Trains [1, width, 1] tanh on (X, Y); returns the training cost after each epoch.
std::vector<double> train(bp::Network& net, const Tensor& X, const Tensor& Y, int epochs, const Settings& s,
                          nn::Rng& rng) {
    spread_hidden_units(net, s.spread, rng);
    std::vector<double> costs;
    ua::fit_with_adam(net, X, Y, s.batch, epochs, s.eta, rng, [&](int) {
        costs.push_back(bp::mean_cost(net, X, Y));
        nn::check_not_diverged(costs.back(), int(costs.size()), 0, s.eta);
    });
    return costs;
}

bp::Network tanh_network(size_t width, nn::Rng& rng) {
    return bp::make_network({1, width, 1}, bp::Activation::Tanh, bp::Activation::Linear, bp::Cost::Quadratic,
                            bp::Init::Scaled, rng);
}

std::vector<double> outputs(const bp::Network& net, const Tensor& X) {
    Tensor out = bp::predict(net, X);
    return std::vector<double>(out.data(), out.data() + out.size());
}

// The largest |fit - target| over the points of xs inside (or outside) [-1, 1].
double max_error_where(const std::vector<double>& xs, const std::vector<double>& fit, const Map& f, bool inside) {
    double worst = 0;
    for (size_t i = 0; i < xs.size(); ++i)
        if ((std::abs(xs[i]) <= 1) == inside) worst = std::max(worst, std::abs(fit[i] - f(xs[i])));
    return worst;
}

double quadratic_cost(const std::vector<double>& fit, const Tensor& Y) {
    double sum = 0;
    for (size_t i = 0; i < fit.size(); ++i) sum += 0.5 * (fit[i] - Y[i]) * (fit[i] - Y[i]);
    return sum / double(fit.size());
}

struct Extrapolation {
    std::vector<double> x, target, fit;
    double inside = 0, outside = 0;
};

Extrapolation extrapolate(const Settings& s, int epochs, nn::Rng& rng) {
    Map f = [](double x) { return std::sin(2 * std::numbers::pi * x); };
    Map identity = [](double x) { return x; };
    auto [X, Y] = sample(grid(-1, 1, s.points), identity, f);
    bp::Network net = tanh_network(s.width, rng);
    train(net, X, Y, epochs, s, rng);
    Extrapolation e;
    e.x = grid(-3, 3, 1201);
    auto [X_wide, Y_wide] = sample(e.x, identity, f);
    e.fit = outputs(net, X_wide);
    for (double x : e.x) e.target.push_back(f(x));
    e.inside = max_error_where(e.x, e.fit, f, true);
    e.outside = max_error_where(e.x, e.fit, f, false);
    return e;
}

nn::Figure extrapolation_figure(const Extrapolation& e, size_t width) {
    nn::Figure figure({.title = "A network [1, " + std::to_string(width) + ", 1] trained on [-1, 1] only",
                       .xlabel = "x", .ylabel = "y", .yrange = std::pair{-2.0, 2.5}});
    figure.add({"target sin(2 pi x)", e.x, e.target, "lines lw 5 lc rgb '#BBBBBB'"});
    figure.add({"trained network", e.x, e.fit, "lines lw 2 lc rgb '#E15759'"});
    figure.add_vline(-1, "training interval");
    figure.add_vline(1, "");
    return figure;
}

struct Stall {
    std::vector<double> trained, wide;  // training cost after each epoch
    double constructed = 0;
    std::vector<double> x, target, trained_fit, constructed_fit;
};

Stall stall(const Settings& s, int epochs, nn::Rng& rng) {
    Map to_input = [](double x) { return 2 * x - 1; };  // [0, 1] -> [-1, 1] for the network
    Stall st;
    // Midpoints of n equal cells, not the ends 0 and 1: there bumps_network's outermost
    // steps are only half way up (sigma(0) = 1/2), a flaw of the construction at the edges.
    st.x = grid(0.5 / double(s.points), 1 - 0.5 / double(s.points), s.points);
    auto [X, Y] = sample(st.x, to_input, ua::nielsen_f);
    bp::Network net = tanh_network(2 * s.bumps, rng);
    st.trained = train(net, X, Y, epochs, s, rng);
    bp::Network wide = tanh_network(s.wide, rng);
    st.wide = train(wide, X, Y, epochs, s, rng);
    ua::Shallow built = ua::bumps_network(ua::nielsen_f, int(s.bumps), ua::sharp_weight(int(s.bumps)));
    st.trained_fit = outputs(net, X);
    for (double x : st.x) {
        st.target.push_back(ua::nielsen_f(x));
        st.constructed_fit.push_back(ua::evaluate(built, x));
    }
    st.constructed = quadratic_cost(st.constructed_fit, Y);
    return st;
}

nn::Figure loss_figure(const Stall& st, const Settings& s) {
    std::string units = std::to_string(2 * s.bumps);
    nn::Figure figure({.title = "Training nielsen f: cost (1/2n) sum (y - f)^2 on the training points",
                       .xlabel = "epoch", .ylabel = "cost", .logy = true});
    std::vector<double> epochs;
    for (size_t e = 1; e <= st.trained.size(); ++e) epochs.push_back(double(e));
    figure.add({"trained, " + units + " units", epochs, st.trained, "lines lw 2 lc rgb '#E15759'"});
    figure.add({"trained, " + std::to_string(s.wide) + " units", epochs, st.wide, "lines lw 2 lc rgb '#4E79A7'"});
    figure.add({"bumps_network, " + units + " units, no training", {epochs.front(), epochs.back()},
                {st.constructed, st.constructed}, "lines lw 3 dt 2 lc rgb '#333333'"});
    return figure;
}

nn::Figure stall_fits_figure(const Stall& st, const Settings& s) {
    std::string units = std::to_string(2 * s.bumps);
    nn::Figure figure({.title = "nielsen f and two networks of " + units + " units", .xlabel = "x", .ylabel = "y"});
    figure.add({"target", st.x, st.target, "lines lw 5 lc rgb '#BBBBBB'"});
    figure.add({"trained", st.x, st.trained_fit, "lines lw 2 lc rgb '#E15759'"});
    figure.add({"bumps_network", st.x, st.constructed_fit, "lines lw 2 lc rgb '#333333'"});
    return figure;
}

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("limits", "Extrapolation and stalled training: what the universal approximation theorem does not say",
                "out/04-universal-approximation");
    cli.add_epochs(600);
    Settings s;
    cli.option("width", s.width, "hidden units of the extrapolating network", nn::between(1, 4096));
    cli.option("bumps", s.bumps, "bumps of the constructed network; the trained one gets the same 2 x bumps units",
               nn::between(1, 1000));
    cli.option("wide", s.wide, "hidden units of the wider trained network", nn::between(1, 4096));
    cli.option("points", s.points, "training points", nn::between(2, 1e5));
    cli.option("batch", s.batch, "examples per mini-batch");
    cli.option("eta", s.eta, "Adam's first learning rate (falls to 1/100 of it)", nn::between(1e-6, 1));
    s.common = cli.parse(argc, argv);
    nn::require_in_range("--batch", double(s.batch), 1, double(s.points));  // its range depends on --points
    // --quick: a third of the epochs.
    s.epochs = s.common.quick ? std::max(1, s.common.epochs / 3) : s.common.epochs;
    return s;
}

// The training cost of both trained networks after each epoch.
nn::MetricsLog cost_log(const Stall& st) {
    nn::MetricsLog log({"epoch", "trained_cost", "wide_cost"}, false);
    for (size_t i = 0; i < st.trained.size(); ++i) log.add({double(i + 1), st.trained[i], st.wide[i]});
    return log;
}

void print_stall(const Stall& st, const Settings& s) {
    std::printf("stalled training: nielsen f on [0, 1], %zu training points\n", s.points);
    std::printf("  trained, %zu units: cost %.3g after %d epochs\n", 2 * s.bumps, st.trained.back(), s.epochs);
    std::printf("  trained, %zu units: cost %.3g\n", s.wide, st.wide.back());
    std::printf("  bumps_network, %zu bumps = %zu units, no training: cost %.3g\n", s.bumps, 2 * s.bumps,
                st.constructed);
}

void plot_extrapolation(const Extrapolation& e, size_t width, nn::Outputs& out) {
    nn::save_png(extrapolation_figure(e, width), out.path("limits_extrapolation.png"), {1000, 560});
    out.figure("limits_extrapolation.png",
               "A network trained on [-1, 1] (between the vertical lines) to fit sin(2 pi x), drawn on "
               "[-3, 3]. Inside, the fit and the target agree; outside, every tanh unit saturates, so "
               "the network tends to a constant while the sine goes on. The theorem is about the "
               "interval it was given, and so is training.");
}

void plot_stall(const Stall& st, const Settings& s, nn::Outputs& out) {
    nn::save_png({loss_figure(st, s), stall_fits_figure(st, s)}, 2, out.path("limits_stall.png"), {1400, 600});
    out.figure("limits_stall.png",
               "Left: the training cost of two trained networks on nielsen f (log scale), against the "
               "cost of bumps_network with as many units as the narrower one, built by hand and never "
               "trained (dashed). Training levels off above it: gradient descent fits the slow part of "
               "f and leaves the ripple 0.05 cos(50 x). Right: the fits of the two networks with the "
               "same number of units.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        const Settings s = read_settings(argc, argv);
        nn::Outputs out(s.common, "limits");

        nn::Rng rng(s.common.seed);
        nn::Stopwatch watch;
        Extrapolation e = extrapolate(s, s.epochs, rng);
        std::printf("extrapolation: sin(2 pi x), trained on [-1, 1], %zu units, %d epochs\n", s.width, s.epochs);
        std::printf("  max error inside [-1, 1] %.4f, outside (on [-3, 3]) %.4f\n", e.inside, e.outside);
        Stall st = stall(s, s.epochs, rng);
        nn::MetricsLog log = cost_log(st);
        double seconds = watch.seconds();
        log.write_csv(out.path("limits.csv"));
        print_stall(st, s);

        plot_extrapolation(e, s.width, out);
        plot_stall(st, s, out);

        out.result({{"inside_max", nn::fixed(e.inside, 4)},
                    {"outside_max", nn::fixed(e.outside, 4)},
                    {"trained_cost", nn::significant(st.trained.back(), 3)},
                    {"wide_cost", nn::significant(st.wide.back(), 3)},
                    {"constructed_cost", nn::significant(st.constructed, 3)},
                    {"units", std::to_string(2 * s.bumps)},
                    {"epochs", std::to_string(s.epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
