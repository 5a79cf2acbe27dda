// Chapter 2, program 2: six update rules on two functions of the plane, from the
// same start: an ill-conditioned quadratic (a long, tilted valley, condition
// number 25) and Rosenbrock's curved banana valley. Plain gradient descent
// zig-zags across the valley; momentum rolls along it; the adaptive rules rescale
// each coordinate.
//
//   build/release/bin/02-gradient-descent/optimizers_2d [--quick] [--trace FILE]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/cli.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/trace.hpp"

namespace {

// ---------------------------------------------------------------- the two functions

struct Problem {
    std::string name, title;
    std::function<double(std::span<const float>)> f;
    std::function<void(std::span<const float>, std::span<float>)> grad;
    double f_min;                     // the value at the minimum
    std::array<float, 2> start, minimum;
    double x0, x1, y0, y1;            // the window the figures show
    double level_lo, level_hi;        // contour levels of f - f_min, log-spaced
    int steps;
    std::vector<float> etas;          // per rule, in the order of kRules
};

const std::vector<std::string> kRules{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};

// f(x) = 1/2 x^T A x with the eigenvalues 1 and kappa of A along axes turned by 30
// degrees: curvature kappa across the valley, 1 along it; kappa is the condition number.
gd::Quadratic tilted_valley(double kappa) {
    const double angle = 3.14159265358979 / 6, lo = 1, hi = kappa;
    double c = std::cos(angle), s = std::sin(angle);
    gd::Quadratic q{nn::Tensor({2, 2}), {0.0f, 0.0f}};
    // A = R diag(lo, hi) R^T, R the rotation by angle.
    q.A(0, 0) = float(lo * c * c + hi * s * s);
    q.A(0, 1) = q.A(1, 0) = float((lo - hi) * c * s);
    q.A(1, 1) = float(lo * s * s + hi * c * c);
    return q;
}

Problem quadratic_problem(float kappa) {
    gd::Quadratic q = tilted_valley(kappa);
    Problem p{"quadratic", "f = 1/2 x^T A x, eigenvalues 1 and " + nn::significant(kappa) + " (condition number " + nn::significant(kappa) + ")",
              [q](std::span<const float> x) { return gd::quadratic_value(q, x); },
              [q](std::span<const float> x, std::span<float> g) { gd::quadratic_gradient(q, x, g); },
              0.0, {-3.53f, -0.88f}, {0.0f, 0.0f}, -4.2, 1.2, -2.6, 1.2, 1e-2, 1e2, 300, {}};
    // The start is 3.5 along the valley and 1 across it. Plain steps are stable for
    // eta < 2/kappa; at 1.75/kappa each step across flips the sign and shrinks it to 0.75.
    // The adaptive rules need no kappa: they rescale each coordinate themselves.
    p.etas = {1.75f / kappa, 0.25f / kappa, 0.25f / kappa, 1.0f, 0.015f, 0.1f};
    return p;
}

Problem rosenbrock_problem() {
    Problem p{"rosenbrock", "Rosenbrock f = (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1)",
              [](std::span<const float> x) { return gd::rosenbrock_value(x); },
              [](std::span<const float> x, std::span<float> g) { gd::rosenbrock_gradient(x, g); },
              0.0, {-1.5f, 2.0f}, {1.0f, 1.0f}, -2, 1.5, -0.5, 3, 0.5, 1e3, 4000, {}};
    // Near (1, 1) the largest curvature is about 1000: plain steps need eta < 0.002.
    p.etas = {0.0015f, 0.001f, 0.001f, 0.5f, 0.002f, 0.03f};
    return p;
}

// ---------------------------------------------------------------- the rules, with their state

// The update rules as their own structs rather than through gd::Optimizer, so that
// the trace can record their state (v, G, s, m) for `make compare`.
using Rule = std::variant<gd::Sgd, gd::Momentum, gd::Nesterov, gd::AdaGrad, gd::RMSProp, gd::Adam>;

Rule make_rule(const std::string& name, float eta) {
    Rule rule;
    if (name == "sgd") rule = gd::Sgd{};
    if (name == "momentum") rule = gd::Momentum{};
    if (name == "nesterov") rule = gd::Nesterov{};
    if (name == "adagrad") rule = gd::AdaGrad{};
    if (name == "rmsprop") rule = gd::RMSProp{};
    if (name == "adam") rule = gd::Adam{};
    std::visit([eta](auto& r) { r.eta = eta; }, rule);
    return rule;
}

void record_state(nn::Trace& trace, int t, const std::string& prefix, const Rule& rule) {
    if (auto* r = std::get_if<gd::Momentum>(&rule)) trace.record(t, prefix + ".v", r->v);
    if (auto* r = std::get_if<gd::Nesterov>(&rule)) trace.record(t, prefix + ".v", r->v);
    if (auto* r = std::get_if<gd::AdaGrad>(&rule)) trace.record(t, prefix + ".G", r->G);
    if (auto* r = std::get_if<gd::RMSProp>(&rule)) trace.record(t, prefix + ".s", r->s);
    if (auto* r = std::get_if<gd::Adam>(&rule)) {
        trace.record(t, prefix + ".m", r->m);
        trace.record(t, prefix + ".s", r->s);
    }
}

struct Path {
    std::string rule;
    float eta = 0;
    std::vector<std::array<float, 2>> points;  // theta_0 .. theta_steps
    std::vector<double> gap;                   // f(theta_t) - f_min
};

Path descend(const Problem& p, const std::string& name, float eta, nn::Trace* trace) {
    Rule rule = make_rule(name, eta);
    Path path{name, eta, {p.start}, {p.f(p.start) - p.f_min}};
    std::array<float, 2> theta = p.start, g{};
    for (int t = 0; t < p.steps; ++t) {
        p.grad(theta, g);
        std::visit([&](auto& r) { r.step(theta, g); }, rule);
        if (trace && trace->wants(t)) {
            std::string prefix = p.name + "." + name;
            trace->record(t, prefix + ".g", g);
            trace->record(t, prefix + ".theta", theta);
            record_state(*trace, t, prefix, rule);
        }
        path.points.push_back(theta);
        path.gap.push_back(p.f(theta) - p.f_min);
    }
    return path;
}

// ---------------------------------------------------------------- figures

const char* const kColors[6] = {"#E15759", "#4E79A7", "#76B7B2", "#B07AA1", "#F28E2B", "#59A14F"};

nn::Grid sampled(const Problem& p) {
    nn::Grid grid{p.x0, p.x1, p.y0, p.y1, 301, 301, {}};
    // grid.values [ny, nx]
    for (size_t iy = 0; iy < grid.ny; ++iy)
        for (size_t ix = 0; ix < grid.nx; ++ix) {
            float x[2] = {float(p.x0 + (p.x1 - p.x0) * double(ix) / 300.0),
                          float(p.y0 + (p.y1 - p.y0) * double(iy) / 300.0)};
            grid.values.push_back(float(p.f(x) - p.f_min));
        }
    return grid;
}

// The first `upto` + 1 points of a path, without the ones closer than `spacing` to the
// last point kept (thousands of tiny steps add nothing to a picture), and always its end.
nn::Series path_series(const Path& path, size_t upto, double spacing, std::string title, const char* color) {
    nn::Series s{std::move(title), {}, {}, std::string("lines lw 2 lc rgb '") + color + "'"};
    upto = std::min(upto, path.points.size() - 1);
    for (size_t t = 0; t <= upto; ++t) {
        const auto& q = path.points[t];
        bool far = s.x.empty() || std::hypot(q[0] - s.x.back(), q[1] - s.y.back()) >= spacing;
        if (far || t == upto) {
            s.x.push_back(q[0]);
            s.y.push_back(q[1]);
        }
    }
    return s;
}

nn::Figure paths_figure(const Problem& p, const nn::Grid& grid, const std::vector<Path>& paths, size_t upto,
                        const std::string& title) {
    nn::Figure figure({.title = title,
                       .xlabel = "x",
                       .ylabel = "y",
                       .xrange = {{p.x0, p.x1}},
                       .yrange = {{p.y0, p.y1}},
                       .square = true});
    figure.add_contours(grid, nn::log_levels(p.level_lo, p.level_hi, 9));
    double spacing = (p.x1 - p.x0) / 400;
    for (size_t k = 0; k < paths.size(); ++k) {
        nn::Series s = path_series(paths[k], upto, spacing, paths[k].rule + ", eta " + nn::significant(paths[k].eta), kColors[k]);
        // Where the rule has got to: in a shared valley the lines overlap, the ends do not.
        figure.add({"", {s.x.back()}, {s.y.back()}, std::string("points pt 7 ps 1.6 lc rgb '") + kColors[k] + "'"});
        figure.add(std::move(s));
    }
    figure.add({"start", {p.start[0]}, {p.start[1]}, "points pt 6 ps 2.5 lw 2 lc rgb 'black'"});
    figure.add({"minimum", {p.minimum[0]}, {p.minimum[1]}, "points pt 3 ps 2.5 lw 2 lc rgb 'black'"});
    return figure;
}

nn::Figure loss_panel(const Problem& p, const std::vector<Path>& paths) {
    nn::Figure figure({.title = p.title, .xlabel = "iteration t", .ylabel = "f(theta_t) - f(theta*)", .logy = true});
    std::vector<nn::Series> curves;
    for (size_t k = 0; k < paths.size(); ++k) {
        nn::Series s{paths[k].rule, {}, paths[k].gap, std::string("lines lw 2 lc rgb '") + kColors[k] + "'"};
        for (size_t t = 0; t < paths[k].gap.size(); ++t) s.x.push_back(double(t));
        curves.push_back(std::move(s));
    }
    // A rule can land exactly on the minimum in float numbers (adam on Rosenbrock does):
    // f - f* is then exactly 0, which the log axis shows on its floor, not as a tiny value.
    return figure.add_with_zeros(std::move(curves), "reached exactly 0");
}

// Frame k of n shows the iterations up to about steps^(k/n): early steps move most.
std::vector<nn::Figure> growing_paths(const Problem& p, const nn::Grid& grid, const std::vector<Path>& paths,
                                      int frames) {
    std::vector<nn::Figure> gif;
    size_t last = 0;
    for (int k = 1; k <= frames; ++k) {
        auto upto = size_t(std::lround(std::pow(double(p.steps), double(k) / frames)));
        if (upto <= last && k < frames) continue;
        last = upto;
        gif.push_back(paths_figure(p, grid, paths, upto, "Rosenbrock, iteration " + std::to_string(upto)));
    }
    return gif;
}

// ---------------------------------------------------------------- one function, every rule

// One CSV per function: f - f* of every rule, every iteration.
void write_gaps(const nn::Outputs& out, const Problem& p, const std::vector<Path>& paths) {
    std::vector<std::string> columns{"iteration"};
    for (const auto& rule : kRules) columns.push_back(rule);
    nn::MetricsLog log(columns, false);
    for (int t = 0; t <= p.steps; ++t) {
        std::vector<double> row{double(t)};
        for (const Path& path : paths) row.push_back(path.gap[size_t(t)]);
        log.add(row);
    }
    log.write_csv(out.path("optimizers_" + p.name + ".csv"));
}

// Prints where each rule ended and adds its f - f* to the result.
void report_ends(const Problem& p, const std::vector<Path>& paths,
                 std::vector<std::pair<std::string, std::string>>& result) {
    for (const Path& path : paths) {
        const auto& end = path.points.back();
        std::printf("%s %-8s eta %-7s after %d steps: (%.5f, %.5f), f - f* = %s\n", p.name.c_str(), path.rule.c_str(),
                    nn::significant(path.eta).c_str(), p.steps, end[0], end[1], nn::significant(path.gap.back()).c_str());
        result.push_back({p.name + "_" + path.rule, nn::significant(path.gap.back())});
    }
}

// The paths over the contours of f; for Rosenbrock also the animation of them growing.
void plot_paths(const nn::Outputs& out, const Problem& p, const std::vector<Path>& paths, bool quick) {
    nn::Grid grid = sampled(p);
    nn::save_png(paths_figure(p, grid, paths, size_t(p.steps), p.title + ", " + std::to_string(p.steps) + " steps"),
                 out.path("optimizers_" + p.name + ".png"), {1100, 800});
    if (p.name == "rosenbrock")
        nn::save_gif(growing_paths(p, grid, paths, quick ? 30 : 60), out.path("optimizers_rosenbrock.gif"), {900, 700},
                     12);
}

void describe_paths(nn::Outputs& out, float kappa) {
    out.figure("optimizers_quadratic.png",
               "A long tilted valley (condition number " + nn::significant(kappa) + ") from the circled start, 300 "
               "steps of each rule. sgd, at a step near the largest stable one, zig-zags across the "
               "valley; momentum and nesterov overshoot and swing, yet arrive first (see "
               "optimizers_loss.png); the adaptive rules move about eta per coordinate and head "
               "more directly down the valley.");
    out.figure("optimizers_rosenbrock.png",
               "Rosenbrock's curved valley, 4000 steps: the first steps bounce between the steep "
               "walls, then every rule follows the valley floor. The dots mark where each one got "
               "to: momentum, nesterov and adam reach the minimum (cross); sgd, adagrad and "
               "rmsprop are still on their way.");
    out.figure("optimizers_rosenbrock.gif",
               "The Rosenbrock paths growing on a logarithmic clock (the iteration count grows by "
               "the same factor from frame to frame): all rules reach the valley within a few "
               "dozen steps; the walk along its floor takes thousands.");
}

void plot_losses(nn::Outputs& out, const std::vector<nn::Figure>& loss_panels) {
    nn::save_png(loss_panels, 2, out.path("optimizers_loss.png"), {1500, 600});
    out.figure("optimizers_loss.png",
               "f - f* against the iteration, log scale. On the quadratic sgd is a straight line "
               "(a constant factor per step, 1 - eta mu), momentum and nesterov fall faster in "
               "ripples, rmsprop stalls at a distance of about eta. On Rosenbrock the slow part is "
               "the walk along the valley; momentum, nesterov and adam reach the precision of "
               "float numbers, and adam lands exactly on the minimum: f - f* = 0, drawn on the "
               "row marked 0 at the bottom (a log axis has no 0).");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("optimizers_2d",
                    "sgd, momentum, nesterov, adagrad, rmsprop and adam on a tilted quadratic and on Rosenbrock",
                    "out/02-gradient-descent");
        float kappa = 50;
        cli.option("condition", kappa, "condition number of the quadratic, 1 to 1000", nn::between(1, 1000));
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "optimizers_2d");
        nn::Trace trace(opt.trace);

        std::vector<std::pair<std::string, std::string>> result;
        std::vector<nn::Figure> loss_panels;
        for (const Problem& p : {quadratic_problem(kappa), rosenbrock_problem()}) {
            std::vector<Path> paths;
            for (size_t k = 0; k < kRules.size(); ++k) paths.push_back(descend(p, kRules[k], p.etas[k], &trace));
            write_gaps(out, p, paths);
            report_ends(p, paths, result);
            plot_paths(out, p, paths, opt.quick);
            loss_panels.push_back(loss_panel(p, paths));
        }
        trace.close();
        describe_paths(out, kappa);
        plot_losses(out, loss_panels);
        out.result(result);
    });
}
