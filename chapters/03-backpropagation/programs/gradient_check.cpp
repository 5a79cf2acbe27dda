// Chapter 3, program: gradient checking. Backpropagation is compared with central
// differences, dC/dp ~ (C(p + eps) - C(p - eps)) / (2 eps), for every layer type and
// every cost, on small random networks; then three experiments explain the numbers a
// float check gives: the error against eps (rounding against truncation), what a real
// bug looks like, and the false alarm of a ReLU whose z lies within eps of its kink.
//
//   build/release/bin/03-backpropagation/gradient_check [--eps 1e-3] [--batch 8]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/trace.hpp"

namespace {

using bp::Activation;
using bp::Cost;
using nn::Tensor;

// fp32 with eps = 1e-3 leaves 1e-4 .. 1e-2 of relative error (print_theory says why);
// a wrong backward pass gives errors of order 1.
const double kTolerance = 1e-2;
const double kUnitRoundoff = 5.96e-8;  // 2^-24: half the gap between floats near 1
// u |C| / eps is the typical rounding error; the worst of a hundred parameters reaches
// about twice that.
const double kRoundingMargin = 3;

struct Case {
    std::string name;
    std::vector<size_t> sizes;
    std::vector<Activation> f;  // one per layer, the output's last
    Cost cost;
};

const std::vector<Case>& cases() {
    using enum Activation;
    static const std::vector<Case> all{
        {"sigmoid, quadratic [5,6,4]", {5, 6, 4}, {Sigmoid, Sigmoid}, Cost::Quadratic},
        {"tanh, quadratic [5,6,4]", {5, 6, 4}, {Tanh, Tanh}, Cost::Quadratic},
        {"relu + linear, quadratic [5,6,4]", {5, 6, 4}, {ReLU, Linear}, Cost::Quadratic},
        {"linear, quadratic [5,6,4]", {5, 6, 4}, {Linear, Linear}, Cost::Quadratic},
        {"sigmoid, cross-entropy [5,6,4]", {5, 6, 4}, {Sigmoid, Sigmoid}, Cost::CrossEntropy},
        {"tanh + softmax, cross-entropy [5,6,4]", {5, 6, 4}, {Tanh, Softmax}, Cost::CrossEntropy},
        {"sigmoid+tanh+relu + softmax, c-e [5,6,6,6,4]", {5, 6, 6, 6, 4}, {Sigmoid, Tanh, ReLU, Softmax},
         Cost::CrossEntropy},
    };
    return all;
}

struct Problem {
    bp::Network net;
    Tensor X, Y;
};

// A small network with the case's activations, weights N(0, 1/n_in) and biases
// N(0, 0.5^2) (zero biases would leave their gradients less tested).
bp::Network make_case_network(const Case& c, nn::Rng& rng) {
    bp::Network net = bp::make_network(c.sizes, Activation::Sigmoid, c.f.back(), c.cost, bp::Init::Scaled, rng);
    for (size_t l = 0; l < net.layers.size(); ++l) {
        net.layers[l].f = c.f[l];
        for (float& b : net.layers[l].b) b = rng.normal(0.0f, 0.5f);
    }
    return net;
}

// Targets the output can reach: one-hot for softmax, (0, 1) for sigmoid, (-1, 1) for
// tanh, N(0, 1) otherwise.
Tensor make_targets(Activation output, size_t B, size_t n, nn::Rng& rng) {
    Tensor Y({B, n});
    for (size_t i = 0; i < B; ++i)
        for (size_t j = 0; j < n; ++j) {
            if (output == Activation::Softmax) Y(i, j) = j == i % n ? 1.0f : 0.0f;
            else if (output == Activation::Sigmoid) Y(i, j) = rng.uniform(0.05f, 0.95f);
            else if (output == Activation::Tanh) Y(i, j) = rng.uniform(-0.9f, 0.9f);
            else Y(i, j) = rng.normal();
        }
    return Y;
}

// The smallest |z| over the ReLU units of the batch (infinity without ReLUs).
double closest_to_kink(const bp::Network& net, const Tensor& X) {
    bp::Pass pass;
    bp::forward(net, X, pass);
    double closest = INFINITY;
    for (size_t l = 0; l < net.layers.size(); ++l)
        if (net.layers[l].f == Activation::ReLU)
            for (float z : pass.zs[l].span()) closest = std::min(closest, double(std::fabs(z)));
    return closest;
}

// The inputs are drawn again until no ReLU's z lies within `margin` of its kink (the
// kink has its own experiment); a few draws suffice for these small batches.
Problem make_problem(const Case& c, size_t B, nn::Rng& rng, double margin = 0) {
    Problem p{make_case_network(c, rng), Tensor({B, c.sizes.front()}), {}};
    for (int draw = 0; draw == 0 || (draw < 10000 && closest_to_kink(p.net, p.X) < margin); ++draw)
        for (float& x : p.X.span()) x = rng.normal();
    p.Y = make_targets(c.f.back(), B, c.sizes.back(), rng);
    return p;
}

double cost_of(const Problem& p) {
    bp::Pass pass;
    bp::forward(p.net, p.X, pass);
    return bp::cost_value(p.net.cost, p.net.layers.back().f, pass.activations.back(), p.Y);
}

bp::Gradients backprop_of(const Problem& p) {
    bp::Pass pass;
    bp::Gradients grads;
    bp::forward(p.net, p.X, pass);
    bp::backprop(p.net, pass, p.Y, grads);
    return grads;
}

// Central differences in float err by about u |C| / eps. A gradient smaller than that
// error over tol cannot be resolved to tol: there the relative error measures rounding,
// not backprop. The floor of the relative error is that gradient size.
double fp32_floor(const Problem& p, double eps) {
    return kRoundingMargin * kUnitRoundoff * std::fabs(cost_of(p)) / (eps * kTolerance);
}

// The largest relative error, with the given floor, of grads against central
// differences, over W and b of every layer. The parameters are left as found.
double floored_error(Problem& p, const bp::Gradients& grads, double eps, double floor) {
    auto cost = [&] { return cost_of(p); };
    double worst = 0;
    for (size_t l = 0; l < p.net.layers.size(); ++l) {
        bp::Dense& layer = p.net.layers[l];
        double w = nn::check_gradient(cost, layer.W.span(), grads.nabla_w[l].span(), eps, floor).max_relative_error;
        double b = nn::check_gradient(cost, layer.b, grads.nabla_b[l], eps, floor).max_relative_error;
        worst = std::max({worst, w, b});
    }
    return worst;
}

struct CaseCheck {
    double raw_w = 0, raw_b = 0;  // bp::check_network_gradients (the floor 1e-4)
    double floor = 0;             // fp32_floor()
    double floored = 0;           // floored_error() of backprop
};

CaseCheck check_problem(Problem& p, double eps) {
    CaseCheck c;
    for (const bp::LayerCheck& layer : bp::check_network_gradients(p.net, p.X, p.Y, eps)) {
        c.raw_w = std::max(c.raw_w, layer.weights.max_relative_error);
        c.raw_b = std::max(c.raw_b, layer.biases.max_relative_error);
    }
    c.floor = fp32_floor(p, eps);
    c.floored = floored_error(p, backprop_of(p), eps, c.floor);
    return c;
}

// The table: one row per case. Returns the worst floored error.
double check_every_case(size_t B, double eps, nn::Rng& rng, nn::Trace& trace) {
    std::printf("\n%-46s %-21s %-29s %s\n", "", "    floor 1e-4", "   floor 3 u|C| / (eps tol)", "ReLU");
    std::printf("%-46s %9s %9s | %8s %9s %-8s | %s\n", "case: hidden + output, cost [sizes]", "err W", "err b",
                "floor", "err W, b", "verdict", "min |z|");
    double worst = 0;
    for (const Case& c : cases()) {
        Problem p = make_problem(c, B, rng, 20 * eps);
        if (trace.enabled()) {  // backprop's gradients, for make compare
            bp::Gradients grads = backprop_of(p);
            for (size_t l = 0; l < grads.nabla_w.size(); ++l)
                trace.record(0, "case" + std::to_string(&c - cases().data()) + ".nabla_w" + std::to_string(l),
                             grads.nabla_w[l].span());
        }
        CaseCheck check = check_problem(p, eps);
        double kink = closest_to_kink(p.net, p.X);
        std::printf("%-46s %9.2e %9.2e | %8.1e %9.2e %-8s | %s\n", c.name.c_str(), check.raw_w, check.raw_b, check.floor, check.floored, check.floored <= kTolerance ? "pass" : "FAIL",
                    std::isinf(kink) ? "-" : nn::significant(kink, 2).c_str());
        worst = std::max(worst, check.floored);
    }
    return worst;
}

void print_theory(double eps) {
    std::printf(
        "\nWhy fp32 gives 1e-4 .. 1e-2, not 1e-10: a cost from float activations is off by about u |C|\n"
        "(u = 2^-24 = 6e-8); divided by 2 eps that is an error of u |C| / eps in the gradient (%.0e for\n"
        "|C| ~ 1), besides the truncation eps^2 |C'''| / 6 (%.0e). Relative to gradients of 1e-2 .. 1e-1\n"
        "that is 1e-4 .. 1e-2; on a gradient of 1e-4 it is 0.1 .. 1 of pure rounding, which 'floor 1e-4'\n"
        "(as check_network_gradients) reports. The fp32 columns raise the floor to 3 u |C| / (eps tol):\n"
        "gradients below it cannot be resolved to tol = %.0e in float. Each ReLU z stays 20 eps from 0.\n",
        kUnitRoundoff / eps, eps * eps / 6, kTolerance);
}

// A deliberate bug, to see what a wrong backward pass looks like: f' left out of BP2.
// backprop() reads each hidden layer's activation to compute f'(z); on a copy whose
// hidden layers say "linear" it multiplies by 1 instead of sigma'(z), while the forward
// pass, and the cost the checker nudges, are those of the real sigmoid network.
double bug_error(size_t B, double eps, nn::Rng& rng) {
    Problem p = make_problem(cases()[0], B, rng);
    bp::Pass pass;
    bp::Gradients wrong;
    bp::forward(p.net, p.X, pass);
    bp::Network careless = p.net;
    for (size_t l = 0; l + 1 < careless.layers.size(); ++l) careless.layers[l].f = Activation::Linear;
    bp::backprop(careless, pass, p.Y, wrong);
    return floored_error(p, wrong, eps, fp32_floor(p, eps));
}

// ---------------------------------------------------------------- the error against eps

// All parameters as one list, layer by layer, W row by row then b.
using Params = std::vector<double>;

void append(Params& p, std::span<const float> values) { p.insert(p.end(), values.begin(), values.end()); }

// The quadratic cost of a tanh/linear network with every step in double, for the
// parameters p: a cost's rounding error falls from ~1e-7 to ~1e-16.
double cost_in_double(const bp::Network& net, const Params& p, const Tensor& X, const Tensor& Y) {
    double total = 0;
    for (size_t i = 0; i < X.dim(0); ++i) {
        std::vector<double> a(X.row(i).begin(), X.row(i).end());
        size_t offset = 0;
        for (const bp::Dense& layer : net.layers) {
            size_t n_out = layer.outputs(), n_in = a.size();
            std::vector<double> next(n_out);
            // W [n_out, n_in] at offset, b [n_out] right after it.
            for (size_t j = 0; j < n_out; ++j) {
                double z = p[offset + n_out * n_in + j];
                for (size_t k = 0; k < n_in; ++k) z += p[offset + j * n_in + k] * a[k];
                next[j] = layer.f == Activation::Tanh ? std::tanh(z) : z;
            }
            offset += n_out * n_in + n_out;
            a = std::move(next);
        }
        for (size_t j = 0; j < a.size(); ++j) total += 0.5 * (a[j] - Y(i, j)) * (a[j] - Y(i, j));
    }
    return total / double(X.dim(0));
}

Params differences_in_double(const Problem& pr, double eps) {
    Params p;
    for (const bp::Dense& layer : pr.net.layers) append(p, layer.W.span()), append(p, layer.b);
    Params gradient(p.size());
    for (size_t i = 0; i < p.size(); ++i) {
        double saved = p[i];
        p[i] = saved + eps;
        double up = cost_in_double(pr.net, p, pr.X, pr.Y);
        p[i] = saved - eps;
        gradient[i] = (up - cost_in_double(pr.net, p, pr.X, pr.Y)) / (2 * eps);
        p[i] = saved;
    }
    return gradient;
}

Params differences_in_float(Problem& pr, double eps) {
    auto cost = [&] { return cost_of(pr); };
    Params gradient;
    for (bp::Dense& layer : pr.net.layers)
        for (std::span<float> params : {layer.W.span(), std::span<float>(layer.b)}) {
            std::vector<double> part = nn::numerical_gradient(cost, params, eps);
            gradient.insert(gradient.end(), part.begin(), part.end());
        }
    return gradient;
}

// The error of a whole gradient, |x - truth| / |truth| (Euclidean norms): unlike the
// largest relative error of one entry it is not decided by the tiniest gradients, so
// the curves show the two error terms cleanly.
double relative_error(const Params& x, const Params& truth) {
    double difference = 0, size = 0;
    for (size_t i = 0; i < x.size(); ++i) difference += (x[i] - truth[i]) * (x[i] - truth[i]), size += truth[i] * truth[i];
    return std::sqrt(difference / size);
}

struct Sweep {
    std::vector<double> eps, in_float, in_double;  // in_float is NaN below 1e-6: not computed
    double backprop = 0;                          // backprop's own error
    static size_t best(const std::vector<double>& errors) {
        size_t best = 0;
        for (size_t i = 1; i < errors.size(); ++i)
            if (errors[i] < errors[best] || std::isnan(errors[best])) best = i;
        return best;
    }
};

// Central differences in float and in double against the true gradient of the tanh
// network (smooth everywhere), eps from 1e-8 to 1, four a decade; in float from 1e-6 on
// (a smaller nudge vanishes in the spacing of the weights, 1.2e-7 near 1). The truth, to
// ~1e-12: Richardson's (4 D(h/2) - D(h)) / 3 of differences D in double cancels their
// eps^2 term.
Sweep sweep_eps(size_t B, nn::Rng& rng) {
    Problem p = make_problem(cases()[1], B, rng);
    Params coarse = differences_in_double(p, 2e-3), truth = differences_in_double(p, 1e-3);
    for (size_t i = 0; i < truth.size(); ++i) truth[i] = (4 * truth[i] - coarse[i]) / 3;
    bp::Gradients grads = backprop_of(p);
    Params by_backprop;
    for (size_t l = 0; l < grads.nabla_w.size(); ++l)
        append(by_backprop, grads.nabla_w[l].span()), append(by_backprop, grads.nabla_b[l]);
    Sweep s;
    s.backprop = relative_error(by_backprop, truth);
    for (int k = -32; k <= 0; ++k) {
        double eps = std::pow(10.0, k / 4.0);
        s.eps.push_back(eps);
        s.in_float.push_back(k < -24 ? NAN : relative_error(differences_in_float(p, eps), truth));
        s.in_double.push_back(relative_error(differences_in_double(p, eps), truth));
    }
    return s;
}

// A line of the theory's slope through the data's points with eps in [lo, hi] (through
// the geometric mean of their heights), drawn where it lies between 1e-12 and 1.
nn::Series theory_line(const Sweep& s, const std::vector<double>& errors, double slope, double lo, double hi,
                       std::string title, const char* color) {
    double log_height = 0;
    int count = 0;
    for (size_t i = 0; i < s.eps.size(); ++i)
        if (s.eps[i] >= lo && s.eps[i] <= hi) log_height += std::log(errors[i]) - slope * std::log(s.eps[i]), ++count;
    nn::Series line{std::move(title), {}, {}, std::string("lines lw 2 dt 2 lc rgb '") + color + "'"};
    for (double e : s.eps) {
        double y = std::exp(log_height / std::max(count, 1)) * std::pow(e, slope);
        if (y > 1e-12 && y < 1) line.x.push_back(e), line.y.push_back(y);
    }
    return line;
}

nn::Figure sweep_figure(const Sweep& s, double eps) {
    nn::Figure figure({.title = "Central differences on the tanh network: the error of the gradient against eps",
                       .xlabel = "eps (the nudge of each parameter)",
                       .ylabel = "|numeric - true| / |true|",
                       .logx = true,
                       .logy = true});
    nn::Series in_float{"costs in float (the network)", {}, {}, "linespoints lw 3 pt 7 ps 1.2"};
    for (size_t i = 0; i < s.eps.size(); ++i)
        if (!std::isnan(s.in_float[i])) in_float.x.push_back(s.eps[i]), in_float.y.push_back(s.in_float[i]);
    figure.add(std::move(in_float));
    figure.add({"costs in double", s.eps, s.in_double, "linespoints lw 3 pt 5 ps 1.2"});
    figure.add(theory_line(s, s.in_float, -1, 1e-6, 1e-4, "rounding ~ u|C|/eps: slope -1", "#E15759"));
    figure.add(theory_line(s, s.in_double, -1, 1e-8, 1e-7, "", "#E15759"));
    figure.add(theory_line(s, s.in_double, 2, 1e-3, 3e-2, "truncation ~ eps^2: slope 2", "#4E79A7"));
    figure.add({"backprop in float", {s.eps.front(), s.eps.back()}, {s.backprop, s.backprop},
                "lines lw 3 lc rgb '#59A14F'"});
    figure.add_vline(eps, "eps of the table");
    return figure;
}

// ---------------------------------------------------------------- the ReLU kink

// One example through the relu + linear network, its first hidden unit's z placed at
// z0 exactly (the bias absorbs the difference).
CaseCheck kink_check(double z0, double eps, uint64_t seed) {
    nn::Rng rng(seed);
    Problem p = make_problem(cases()[2], 1, rng);
    bp::Pass pass;
    bp::forward(p.net, p.X, pass);
    p.net.layers[0].b[0] += float(z0 - pass.zs[0](0, 0));
    return check_problem(p, eps);
}

void print_kink_row(const char* what, const CaseCheck& c, const char* failure) {
    std::printf("  %-52s %9.2e | %8.1e %9.2e %s\n", what, std::max(c.raw_w, c.raw_b), c.floor, c.floored,
                c.floored <= kTolerance ? "pass" : failure);
}

struct Kink {
    CaseCheck crossed, smaller_eps, moved_away;
};

Kink kink_experiment(uint64_t seed) {
    Kink k{kink_check(3e-4, 1e-3, seed), kink_check(3e-4, 1e-4, seed), kink_check(0.1, 1e-3, seed)};
    std::printf("\nThe ReLU kink: one example through a relu + linear network, the first hidden unit's z\n"
                "placed near 0. Errors as in the table (floor 1e-4 | fp32 floor, error, verdict):\n");
    print_kink_row("z = 3e-4, eps = 1e-3 (C(b - eps) sees the flat side)", k.crossed, "FALSE ALARM");
    print_kink_row("z = 3e-4, eps = 1e-4 (both nudges on one side)", k.smaller_eps, "FAIL");
    print_kink_row("z = 0.1,  eps = 1e-3 (the kink moved away)", k.moved_away, "FAIL");
    std::printf("Backprop uses the slope on z's side of the kink (1 here); a nudge across it averages the\n"
                "slopes 1 and 0, so the two disagree although backprop is right. A smaller eps avoids the\n"
                "kink but multiplies the rounding error (see the floor).\n");
    return k;
}

void report_sweep(const Sweep& s, double eps, nn::Outputs& out) {
    nn::MetricsLog log({"eps", "float_error", "double_error"}, false);
    for (size_t i = 0; i < s.eps.size(); ++i) log.add({s.eps[i], s.in_float[i], s.in_double[i]});
    log.write_csv(out.path("gradient_check_eps.csv"));
    size_t f = Sweep::best(s.in_float), d = Sweep::best(s.in_double);
    std::printf("\nThe error |n - g| / |g| of the whole gradient against the true g (tanh network): smallest at\n"
                "eps = %s with float costs (%.1e), at eps = %s with double costs (%.1e); backprop in float:\n"
                "%.1e. Theory: the best eps is about (3 u)^(1/3), 6e-3 in float and 7e-6 in double.\n",
                nn::significant(s.eps[f], 2).c_str(), s.in_float[f], nn::significant(s.eps[d], 2).c_str(),
                s.in_double[d], s.backprop);
    nn::save_png(sweep_figure(s, eps), out.path("gradient_check_eps.png"), {1000, 700});
    out.figure("gradient_check_eps.png",
               "The error of the gradient by central differences against the true gradient, as eps "
               "varies. Too large an eps and the Taylor remainder dominates (slope 2, the same in "
               "float and double); too small and the rounding of the costs, amplified by 1/eps, does "
               "(slope -1). With float costs the valley is at eps ~ 5e-3 and ~1e-5 deep; with double "
               "costs the rounding is a billion times smaller, so the valley moves to 1e-5 and sinks "
               "to ~1e-10. Backprop in float (green) is more accurate than any float difference.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("gradient_check",
                    "Backpropagation against central differences for every layer and cost; eps and the ReLU kink",
                    "out/03-backpropagation");
        double eps = 1e-3;
        int batch = 8;
        cli.option("eps", eps, "the nudge of the central differences in the table", nn::between(1e-6, 1e-2));
        cli.option("batch", batch, "examples in each check's mini-batch", nn::between(1, 1000));
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "gradient_check");
        nn::Trace trace(opt.trace);
        nn::Stopwatch watch;

        nn::Rng rng(opt.seed);
        std::printf("Central differences with eps = %s on mini-batches of %d: the largest relative error\n"
                    "|a - n| / max(|a|, |n|, floor) of backprop's a against the difference n.\n",
                    nn::significant(eps).c_str(), batch);
        double worst = check_every_case(size_t(batch), eps, rng, trace);
        trace.close();
        print_theory(eps);
        double bug = bug_error(size_t(batch), eps, rng);
        std::printf("\nA deliberate bug, f' left out of BP2 (sigmoid, quadratic): error %.2e with the fp32 floor: %s\n",
                    bug, bug <= kTolerance ? "missed" : "caught");

        Sweep sweep = sweep_eps(size_t(batch), rng);
        report_sweep(sweep, eps, out);
        Kink kink = kink_experiment(opt.seed);
        double seconds = watch.seconds();
        out.result({{"worst_error", nn::significant(worst, 3)},
                    {"tolerance", nn::significant(kTolerance)},
                    {"bug_error", nn::significant(bug, 3)},
                    {"kink_error", nn::significant(kink.crossed.floored, 3)},
                    {"kink_avoided_error", nn::significant(std::max(kink.smaller_eps.floored, kink.moved_away.floored), 3)},
                    {"best_eps", nn::significant(sweep.eps[Sweep::best(sweep.in_float)], 2)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
