// Chapter 4, program: the visual proof that one hidden layer can approximate any
// continuous function, in four pictures (Nielsen's chapter 4):
//   1. a sigmoid neuron sigma(w (x - s)) becomes a step at s as its weight w grows;
//   2. two steps, subtracted, make a bump of height h;
//   3. bumps at the heights f(midpoint), summed, approximate f with no training at all;
//   4. the maximum error against the number of bumps N, on a log-log plot: about 1 / N.
//
//   build/release/bin/04-universal-approximation/visual_proof [--quick]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "04-universal-approximation/approximation.hpp"
#include "common/cli.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/stopwatch.hpp"

namespace {

using ua::Function1D;

constexpr double kStepAt = 0.4;                 // s of the step figures
constexpr double kBumpLeft = 0.3, kBumpRight = 0.6, kBumpHeight = 0.8, kBumpWeight = 100;
// The error is measured on [kLo, kHi], not [0, 1]: at x = 0 and x = 1 only half of the
// first and last step is up, whatever N (the README explains it).
constexpr double kLo = 0.05, kHi = 0.95;

// "1000", "5.62": whole weights without an exponent.
std::string weight_text(double w) { return w >= 10 ? nn::fixed(w, 0) : nn::significant(w); }

std::vector<double> grid(double lo, double hi, int points) {
    std::vector<double> x(points);
    for (int i = 0; i < points; ++i) x[i] = lo + (hi - lo) * i / (points - 1);
    return x;
}

nn::Series curve(std::string title, const std::vector<double>& x, const Function1D& f, std::string style) {
    nn::Series s{std::move(title), x, {}, std::move(style)};
    for (double xi : x) s.y.push_back(f(xi));
    return s;
}

nn::Figure step_figure(const std::vector<double>& weights, const std::string& title) {
    nn::Figure figure({.title = title, .xlabel = "x", .ylabel = "sigma(w (x - s))", .xrange = std::pair{0.0, 1.0},
                       .yrange = std::pair{-0.05, 1.1}});
    std::vector<double> x = grid(0, 1, 801);
    for (double w : weights)
        figure.add(curve("w = " + weight_text(w) + ", b = -w s = " + nn::significant(-w * kStepAt), x,
                         [w](double xi) { return ua::step_neuron(xi, kStepAt, w); }, "lines lw 3"));
    figure.add_vline(kStepAt, "s = -b/w = " + nn::significant(kStepAt));
    return figure;
}

// Frames of w growing geometrically from 1 to 1000: the step forming.
std::vector<nn::Figure> step_frames(int count) {
    std::vector<nn::Figure> frames;
    for (int i = 0; i < count; ++i) {
        double w = std::pow(1000.0, double(i) / (count - 1));
        frames.push_back(step_figure({w}, "A sigmoid neuron with weight w = " + weight_text(w) + " and bias -w s"));
    }
    return frames;
}

// Two panels: the two steps, each scaled by h, then their difference.
std::vector<nn::Figure> bump_panels() {
    std::vector<double> x = grid(0, 1, 801);
    auto step = [](double s) { return [s](double xi) { return kBumpHeight * ua::step_neuron(xi, s, kBumpWeight); }; };
    nn::Figure steps({.title = "Two hidden neurons: steps at s1 and s2 (w = " + weight_text(kBumpWeight) +
                               "), output weights +h and -h",
                      .xlabel = "x", .ylabel = "output", .xrange = std::pair{0.0, 1.0},
                      .yrange = std::pair{-0.05, 1.0}});
    steps.add(curve("h sigma(w (x - s1)), s1 = " + nn::significant(kBumpLeft), x, step(kBumpLeft),
                    "lines lw 3 lc rgb '#4E79A7'"));
    steps.add(curve("h sigma(w (x - s2)), s2 = " + nn::significant(kBumpRight), x, step(kBumpRight),
                    "lines lw 3 dt 2 lc rgb '#F28E2B'"));
    nn::Figure difference({.title = "Their difference h [sigma(w (x - s1)) - sigma(w (x - s2))]: a bump of height h = " +
                                    nn::significant(kBumpHeight),
                           .xlabel = "x", .ylabel = "output", .xrange = std::pair{0.0, 1.0},
                           .yrange = std::pair{-0.05, 1.0}});
    difference.add(curve("the bump", x,
                         [](double xi) { return ua::bump(xi, kBumpLeft, kBumpRight, kBumpHeight, kBumpWeight); },
                         "lines lw 4 lc rgb '#E15759'"));
    return {steps, difference};
}

double interior_error(const ua::Shallow& net, int bumps) {
    // At least 20 samples per interval, so that the worst point of each is seen.
    int samples = std::max(2001, 20 * bumps + 1);
    return ua::max_error(ua::nielsen_f, [&](double x) { return ua::evaluate(net, x); }, kLo, kHi, samples);
}

nn::Figure approximation_panel(int bumps) {
    ua::Shallow net = ua::bumps_network(ua::nielsen_f, bumps, ua::sharp_weight(bumps));
    nn::Figure figure({.title = std::to_string(bumps) + " bumps (" + std::to_string(net.units()) +
                                " hidden units): max error " + nn::fixed(interior_error(net, bumps), 3),
                       .xlabel = "x", .ylabel = "y", .xrange = std::pair{0.0, 1.0}, .yrange = std::pair{-0.05, 1.05}});
    std::vector<double> x = grid(0, 1, 1001);
    figure.add(curve("f(x)", x, ua::nielsen_f, "lines lw 3 lc rgb '#333333'"));
    figure.add(curve("the network, no training", x, [&](double xi) { return ua::evaluate(net, xi); },
                     "lines lw 2 lc rgb '#E15759'"));
    return figure;
}

struct Fit { double slope, intercept; };  // log10 error = intercept + slope log10 N

Fit fit_log_log(const std::vector<double>& n, const std::vector<double>& error) {
    double mx = 0, my = 0, sxx = 0, sxy = 0, count = double(n.size());
    for (size_t i = 0; i < n.size(); ++i) mx += std::log10(n[i]) / count, my += std::log10(error[i]) / count;
    for (size_t i = 0; i < n.size(); ++i) {
        double dx = std::log10(n[i]) - mx;
        sxx += dx * dx;
        sxy += dx * (std::log10(error[i]) - my);
    }
    return {sxy / sxx, my - sxy / sxx * mx};
}

// N = 2, 4, ..., 1024 and 10, 100, 1000 (the numbers the result line reports).
std::vector<int> bump_counts() {
    std::vector<int> n{10, 100, 1000};
    for (int k = 2; k <= 1024; k *= 2) n.push_back(k);
    std::sort(n.begin(), n.end());
    return n;
}

nn::Figure error_figure(const std::vector<double>& n, const std::vector<double>& error, const Fit& fit,
                        size_t first_fitted) {
    nn::Figure figure({.title = "Maximum error on [0.05, 0.95] against the number of bumps",
                       .xlabel = "number of bumps N", .ylabel = "max |f(x) - y(x)|", .logx = true, .logy = true,
                       .xrange = std::pair{1.5, 1500.0}, .yrange = std::pair{1e-3, 1.0}});
    figure.add({"measured", n, error, "points pt 7 ps 1.5 lc rgb '#4E79A7'"});
    std::vector<double> fx{n[first_fitted], n.back()}, fy;
    for (double x : fx) fy.push_back(std::pow(10.0, fit.intercept) * std::pow(x, fit.slope));
    figure.add({"least-squares fit for N >= " + nn::significant(n[first_fitted]) + ": " +
                    "error = " + nn::significant(std::pow(10.0, fit.intercept)) + " / N^" + nn::fixed(-fit.slope, 3),
                fx, fy, "lines lw 2 lc rgb '#E15759'"});
    return figure;
}

// ---- 1. the step
void plot_steps(int frames, nn::Outputs& out) {
    nn::save_png(step_figure({1, 5, 20, 100, 1000}, "A sigmoid neuron becomes a step at s = -b/w as w grows"),
                 out.path("visual_proof_step.png"), {900, 600});
    out.figure("visual_proof_step.png",
               "sigma(w x + b) with b = -w s, s = 0.4, for w = 1, 5, 20, 100, 1000. Every curve passes "
               "through 1/2 at x = s; the larger w, the steeper the rise: at w = 1000 it is a step "
               "from 0 to 1 within a few thousandths of s.");
    nn::save_gif(step_frames(frames), out.path("visual_proof_step.gif"), {900, 600}, 15);
    out.figure("visual_proof_step.gif", "The same neuron as w grows from 1 to 1000, one frame per step.");
}

// ---- 2. the bump
void plot_bump(nn::Outputs& out) {
    nn::save_png(bump_panels(), 1, out.path("visual_proof_bump.png"), {900, 900});
    out.figure("visual_proof_bump.png",
               "Top: two hidden neurons, steps at s1 = 0.3 and s2 = 0.6 with weight w = 100, scaled "
               "by the output weights +h and -h (the second drawn with its sign flipped). Bottom: "
               "their sum, about h = 0.8 on (s1, s2) and about 0 elsewhere.");
}

// ---- 3. sums of bumps against f
void plot_sums_of_bumps(nn::Outputs& out) {
    std::vector<nn::Figure> panels;
    for (int bumps : {5, 10, 20, 50}) panels.push_back(approximation_panel(bumps));
    nn::save_png(panels, 2, out.path("visual_proof_bumps.png"), {1300, 900});
    out.figure("visual_proof_bumps.png",
               "f(x) = 0.2 + 0.4 x^2 + 0.3 x sin(15 x) + 0.05 cos(50 x) (black) and the network of "
               "N bumps at the heights f(midpoint) (red), for N = 5, 10, 20, 50. Nothing is trained: "
               "every weight is written down. At x = 0 and x = 1 the first and last step are only "
               "half up, so the red curve starts and ends at half height.");
}

// ---- 4. the error against N
struct ErrorCurve {
    std::vector<double> n, error;  // error[i]: the max error of n[i] bumps

    double at(double bumps) const { return error[size_t(std::find(n.begin(), n.end(), bumps) - n.begin())]; }
};

// The network of N bumps for every N of bump_counts(), printed as a table.
ErrorCurve error_against_bumps() {
    ErrorCurve curve;
    std::printf("%8s %12s\n", "bumps", "max_error");
    for (int bumps : bump_counts()) {
        ua::Shallow net = ua::bumps_network(ua::nielsen_f, bumps, ua::sharp_weight(bumps));
        curve.n.push_back(bumps);
        curve.error.push_back(interior_error(net, bumps));
        std::printf("%8d %12.6f\n", bumps, curve.error.back());
    }
    return curve;
}

void write_errors(const ErrorCurve& curve, const std::string& path) {
    nn::MetricsLog log({"bumps", "max_error"}, false);
    for (size_t i = 0; i < curve.n.size(); ++i) log.add({curve.n[i], curve.error[i]});
    log.write_csv(path);
}

void plot_errors(const ErrorCurve& curve, const Fit& fit, size_t first_fitted, nn::Outputs& out) {
    nn::save_png(error_figure(curve.n, curve.error, fit, first_fitted), out.path("visual_proof_error.png"),
                 {900, 650});
    out.figure("visual_proof_error.png",
               "The maximum error of the N-bump network on [0.05, 0.95], N = 2 .. 1024, on log-log "
               "axes, and the least-squares line through N >= 16. Within one interval of width 1/N "
               "a smooth f moves by at most max|f'| / (2N) from its midpoint value, so the error "
               "falls like 1/N: slope -1. Halving the error costs twice the hidden units.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("visual_proof", "Steps, bumps and sums of bumps: one hidden layer approximating f, no training",
                    "out/04-universal-approximation");
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "visual_proof");
        nn::Stopwatch watch;

        plot_steps(opt.quick ? 12 : 30, out);
        plot_bump(out);
        plot_sums_of_bumps(out);

        ErrorCurve curve = error_against_bumps();
        // Small N is not yet in the 1/N regime (one bump cannot follow the wiggles at all).
        size_t first_fitted = size_t(std::find(curve.n.begin(), curve.n.end(), 16.0) - curve.n.begin());
        Fit fit = fit_log_log({curve.n.begin() + long(first_fitted), curve.n.end()},
                              {curve.error.begin() + long(first_fitted), curve.error.end()});
        std::printf("fitted slope for N >= 16: %.3f (a piecewise-constant approximation of a smooth f: -1)\n",
                    fit.slope);
        write_errors(curve, out.path("visual_proof_error.csv"));
        plot_errors(curve, fit, first_fitted, out);

        out.result({{"max_error_10", nn::fixed(curve.at(10), 4)},
                    {"max_error_100", nn::fixed(curve.at(100), 5)},
                    {"max_error_1000", nn::fixed(curve.at(1000), 6)},
                    {"slope", nn::fixed(fit.slope, 3)},
                    {"seconds", nn::fixed(watch.seconds(), 1)}});
    });
}
