// Chapter 2, program 1: gradient descent in one dimension. On f(x) = x^2 (L = 2)
// each step multiplies x by 1 - eta L, so it converges exactly when eta < 2/L = 1:
// slowly for a small step, in one jump at eta = 1/L, oscillating above it,
// diverging past 2/L. On a non-convex f the minimum reached depends on the start
// and on the step.
//
//   build/release/bin/02-gradient-descent/one_dimension [--start 1.5] [--steps 20]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/trace.hpp"

namespace {

const double kL = 2.0;        // f(x) = x^2: f'' = 2 everywhere, the smoothness constant L
const double kEscape = 1e6;   // iterates beyond this are gone: stop following them
const std::vector<float> kShownEtas{0.05f, 0.4f, 0.95f, 1.05f};

// f(x) = 1/2 A x^2 - b x with A = 2, b = 0: x^2, through the chapter's Quadratic.
gd::Quadratic parabola() { return gd::Quadratic{nn::Tensor({1, 1}, float(kL)), {0.0f}}; }

std::string eta_name(float eta) { return nn::fixed(eta, 2); }

// Up to `steps` steps of theta <- theta - eta g on x^2 from x0; the iterates
// x_0, x_1, ... (fewer if they pass kEscape). Traces theta and g of the first steps.
std::vector<double> descend_parabola(float eta, float x0, int steps, nn::Trace* trace) {
    gd::Quadratic q = parabola();
    std::vector<float> theta{x0}, g(1);
    std::vector<double> xs{x0};
    for (int t = 0; t < steps && std::fabs(theta[0]) <= kEscape; ++t) {
        gd::quadratic_gradient(q, theta, g);
        gd::gradient_step(theta, g, eta);
        if (trace && trace->wants(t)) {
            trace->record(t, "eta_" + eta_name(eta) + ".g", g);
            trace->record(t, "eta_" + eta_name(eta) + ".theta", theta);
        }
        xs.push_back(theta[0]);
    }
    return xs;
}

// ---------------------------------------------------------------- the non-convex f

double wiggly(double x) { return x * x * x * x - 3 * x * x + x; }
double wiggly_slope(double x) { return 4 * x * x * x - 6 * x + 1; }
const double kLeftMin = -1.3008395, kRightMin = 1.1309332;  // the roots of f' with f'' > 0

std::vector<double> descend_wiggly(float eta, float x0, int steps) {
    std::vector<float> theta{x0}, g(1);
    std::vector<double> xs{x0};
    for (int t = 0; t < steps && std::fabs(theta[0]) <= kEscape; ++t) {
        g[0] = float(wiggly_slope(theta[0]));
        gd::gradient_step(theta, g, eta);
        xs.push_back(theta[0]);
    }
    return xs;
}

// 0 near the left (global) minimum, 1 near the right one, 0.5 anywhere else.
float where_it_ends(const std::vector<double>& xs) {
    double x = xs.back();
    if (std::fabs(x - kLeftMin) < 1e-3) return 0.0f;
    if (std::fabs(x - kRightMin) < 1e-3) return 1.0f;
    return 0.5f;
}

// ---------------------------------------------------------------- figures

nn::Series curve(double (*f)(double), double lo, double hi, std::string title) {
    nn::Series s{std::move(title), {}, {}, "lines lw 2 lc rgb '#AAAAAA'"};
    for (int i = 0; i <= 400; ++i) {
        double x = lo + (hi - lo) * i / 400.0;
        s.x.push_back(x);
        s.y.push_back(f(x));
    }
    return s;
}

double square(double x) { return x * x; }

// The iterates on the curve, joined in order, and the start marked.
void add_path(nn::Figure& figure, double (*f)(double), const std::vector<double>& xs,
              const std::string& title, const std::string& color) {
    nn::Series path{title, {}, {}, "linespoints lw 1.5 pt 7 ps 0.9 lc rgb '" + color + "'"};
    for (double x : xs) {
        path.x.push_back(x);
        path.y.push_back(f(x));
    }
    figure.add(std::move(path));
    figure.add({"", {xs.front()}, {f(xs.front())}, "points pt 6 ps 2.5 lw 2 lc rgb '" + color + "'"});
}

std::string behaviour(float eta) {
    double factor = 1 - eta * kL;
    if (std::fabs(factor) == 1) return "bounces forever";
    if (std::fabs(factor) > 1) return "diverges";
    if (factor < 0) return "oscillates";
    return eta < 0.2f ? "too small" : "about right";
}

nn::Figure path_panel(float eta, const std::vector<double>& xs) {
    double largest = 1.0;  // the panel shows at least [-1.1, 1.1]
    for (double x : xs) largest = std::max(largest, std::fabs(x));
    double reach = 1.1 * largest;
    nn::Figure figure({.title = "eta = " + eta_name(eta) + ": " + behaviour(eta) + ", x <- (1 - eta L) x = " +
                                nn::fixed(1 - eta * kL, 2) + " x",
                       .xlabel = "x",
                       .ylabel = "f(x) = x^2",
                       .key = false});
    figure.add(curve(square, -reach, reach, "f"));
    add_path(figure, square, xs, "iterates", "#E15759");
    return figure;
}

// |x_t - x*| = |1 - eta L|^t |x_0| on a log scale: straight lines whose slope is
// log |1 - eta L|, falling only while |1 - eta L| < 1.
nn::Figure distance_panel(float x0, int steps) {
    nn::Figure figure(
        {.title = "Distance to the minimum, f(x) = x^2", .xlabel = "step t", .ylabel = "|x_t - x*|", .logy = true});
    for (float eta : {0.05f, 0.2f, 0.4f, 0.7f, 0.95f, 1.0f, 1.05f}) {
        std::vector<double> xs = descend_parabola(eta, x0, 2 * steps, nullptr);
        // 0.95 has the same |1 - eta L| = 0.9 as 0.05: dashed, so both lines show.
        nn::Series s{"eta = " + eta_name(eta), {}, {}, eta == 0.95f ? "lines lw 3 dt 2" : "linespoints lw 2 pt 7 ps 0.5"};
        for (size_t t = 0; t < xs.size(); ++t)
            if (xs[t] != 0) {  // log scale: x = 0 exactly cannot be drawn
                s.x.push_back(double(t));
                s.y.push_back(std::fabs(xs[t]));
            }
        figure.add(std::move(s));
    }
    return figure;
}

nn::Figure factor_panel(float x0) {
    nn::Figure figure({.title = "Contraction per step on x^2: |x_1| / |x_0| against eta",
                       .xlabel = "learning rate eta",
                       .ylabel = "|x_(t+1) - x*| / |x_t - x*|",
                       .yrange = {{0.0, 1.5}}});
    nn::Series theory{"|1 - eta L|", {}, {}, "lines lw 2 lc rgb '#AAAAAA'"};
    for (int i = 0; i <= 240; ++i) {
        theory.x.push_back(i * 1.2 / 240);
        theory.y.push_back(std::fabs(1 - i * 1.2 / 240 * kL));
    }
    figure.add(std::move(theory));
    nn::Series measured{"measured, one step of your gradient_step", {}, {}, "points pt 7 ps 1.2"};
    for (int i = 1; i <= 24; ++i) {
        float eta = 0.05f * float(i);
        std::vector<double> xs = descend_parabola(eta, x0, 1, nullptr);
        measured.x.push_back(eta);
        measured.y.push_back(std::fabs(xs[1] / xs[0]));
    }
    figure.add(std::move(measured));
    figure.add_vline(2 / kL, "eta = 2/L: above it every step grows |x|");
    figure.add_hline(1.0, "factor 1");
    return figure;
}

struct Landing {
    nn::Grid map;
    double left = 0, right = 0, neither = 0;  // shares of the (start, eta) pairs
};

// Where gradient descent on the non-convex f ends, for every start and step size.
Landing landing_map() {
    Landing l;
    l.map = nn::Grid{-2.2, 2.2, 0.005, 0.25, 221, 99, {}};
    // map.values [ny = etas, nx = starts]
    for (size_t iy = 0; iy < l.map.ny; ++iy)
        for (size_t ix = 0; ix < l.map.nx; ++ix) {
            float x0 = float(l.map.x0 + (l.map.x1 - l.map.x0) * double(ix) / double(l.map.nx - 1));
            float eta = float(l.map.y0 + (l.map.y1 - l.map.y0) * double(iy) / double(l.map.ny - 1));
            float end = where_it_ends(descend_wiggly(eta, x0, 1000));
            l.map.values.push_back(end);
            (end == 0.0f ? l.left : end == 1.0f ? l.right : l.neither) += 1;
        }
    double total = double(l.map.values.size());
    l.left /= total, l.right /= total, l.neither /= total;
    return l;
}

nn::Figure nonconvex_paths() {
    nn::Figure figure({.title = "f(x) = x^4 - 3x^2 + x: same start, different steps",
                       .xlabel = "x",
                       .ylabel = "f(x)",
                       .yrange = {{-4.5, 7.0}}});
    figure.add(curve(wiggly, -2.2, 2.2, ""));
    const struct { float x0, eta; const char* color; } runs[] = {
        {2.0f, 0.01f, "#F28E2B"}, {2.0f, 0.1f, "#4E79A7"}, {-0.4f, 0.03f, "#59A14F"}};
    for (const auto& run : runs) {
        std::vector<double> xs = descend_wiggly(run.eta, run.x0, 60);
        add_path(figure, wiggly, xs,
                 "x_0 = " + nn::fixed(run.x0, 1) + ", eta = " + nn::fixed(run.eta, 2) + " -> x = " +
                     nn::fixed(xs.back(), 2),
                 run.color);
    }
    return figure;
}

nn::Figure nonconvex_map(const Landing& l) {
    nn::Figure figure({.title = "Where 1000 steps end: blue global min -1.30, orange local min 1.13, white neither",
                       .xlabel = "start x_0",
                       .ylabel = "learning rate eta"});
    figure.add_heatmap(l.map, nn::Palette::TwoClass, std::pair{0.0, 1.0});
    // Past 2 / f''(x*) a minimum repels the iterates, as x* = 0 does for x^2 past 2/L. Each
    // line in a dark shade of its minimum's colour and its own dashes, so that the legend
    // tells which bound is which: the blue region ends at the first, the orange at the second.
    figure.add_hline(2 / (12 * kLeftMin * kLeftMin - 6), "eta = 2 / f''(-1.30): the global minimum repels above",
                     "dt 2 lw 2.5 lc rgb '#2166AC'");
    figure.add_hline(2 / (12 * kRightMin * kRightMin - 6), "eta = 2 / f''(1.13): the local minimum repels above",
                     "dt (2,3) lw 3 lc rgb '#B35806'");
    return figure;
}

struct Settings {
    nn::CommonOptions opt;
    float x0 = 1.5f;
    int steps = 20;
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("one_dimension", "Gradient descent on x^2 and on a non-convex f, for several step sizes",
                "out/02-gradient-descent");
    Settings s;
    cli.option("start", s.x0, "the starting point x_0 on x^2, in [-100, 100], not 0", nn::between(-100, 100));
    cli.option("steps", s.steps, "steps of gradient descent shown, 1 to 1000", nn::between(1, 1000));
    cli.add_trace();
    s.opt = cli.parse(argc, argv);
    if (s.x0 == 0) throw nn::UsageError("--start must not be 0: x^2 has its minimum there, nothing would move");
    return s;
}

// One row per step: x_t under each of the shown step sizes.
void write_paths(const nn::Outputs& out, const std::vector<std::vector<double>>& paths, int steps) {
    std::vector<std::string> columns{"step"};
    for (float eta : kShownEtas) columns.push_back("x_eta_" + eta_name(eta));
    nn::MetricsLog log(columns);
    for (int t = 0; t <= steps; ++t) {
        std::vector<double> row{double(t)};
        // A path that escaped stops early: its last value stands for the rest.
        for (const auto& xs : paths) row.push_back(xs[std::min<size_t>(size_t(t), xs.size() - 1)]);
        log.add(row);
    }
    log.write_csv(out.path("one_dimension.csv"));
}

void plot_parabola(nn::Outputs& out, const std::vector<std::vector<double>>& paths, float x0, int steps) {
    std::vector<nn::Figure> panels;
    for (size_t k = 0; k < kShownEtas.size(); ++k) panels.push_back(path_panel(kShownEtas[k], paths[k]));
    nn::save_png(panels, 2, out.path("one_dimension_paths.png"), {1200, 900});
    out.figure("one_dimension_paths.png",
               "Gradient descent on x^2 from the circled start, L = 2: eta = 0.05 creeps, 0.4 "
               "lands in a few steps, 0.95 jumps from side to side and slowly closes in, 1.05 "
               "(past 2/L = 1) jumps farther out every step.");
    nn::save_png({distance_panel(x0, steps), factor_panel(x0)}, 2, out.path("one_dimension_rates.png"), {1300, 550});
    out.figure("one_dimension_rates.png",
               "Left: |x_t - x*| on a log scale is a straight line of slope log|1 - eta L|, "
               "falling for eta < 1 and rising for eta = 1.05 (flat at eta = 1); 0.05 and 0.95 "
               "fall together, both at |1 - eta L| = 0.9. Right: the "
               "factor per step is |1 - eta L|, below 1 exactly when eta < 2/L.");
}

void print_landing(const Landing& landing) {
    for (double x : {kLeftMin, kRightMin}) {
        double curvature = 12 * x * x - 6;  // f''(x)
        std::printf("non-convex f: minimum at x = %.4f, f = %.4f, f'' = %.3f, stable for eta < 2/f'' = %.4f\n", x,
                    wiggly(x), curvature, 2 / curvature);
    }
    std::printf("of %zu (start, eta) pairs: %.3f reach the global minimum, %.3f the local one, %.3f neither\n",
                landing.map.values.size(), landing.left, landing.right, landing.neither);
}

void plot_nonconvex(nn::Outputs& out, const Landing& landing) {
    nn::save_png({nonconvex_paths(), nonconvex_map(landing)}, 2, out.path("one_dimension_nonconvex.png"), {1400, 600});
    out.figure("one_dimension_nonconvex.png",
               "A non-convex f has two minima. Left: from x_0 = 2 a small step settles in the "
               "nearer, local minimum; a larger first step jumps over the bump into the global "
               "one. Right: which minimum every (start, step size) pair reaches; above its line "
               "(dashed blue: the global one, dotted orange: the local one) a minimum is unstable, "
               "and white marks runs that settle nowhere.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        Settings s = read_settings(argc, argv);
        nn::Outputs out(s.opt, "one_dimension");
        nn::Trace trace(s.opt.trace);

        // ---- x^2 with the four step sizes, step by step
        std::vector<std::vector<double>> paths;
        for (float eta : kShownEtas) paths.push_back(descend_parabola(eta, s.x0, s.steps, &trace));
        trace.close();
        write_paths(out, paths, s.steps);
        plot_parabola(out, paths, s.x0, s.steps);

        // ---- the non-convex f: which minimum, from every start and step size
        Landing landing = landing_map();
        print_landing(landing);
        plot_nonconvex(out, landing);

        std::vector<std::pair<std::string, std::string>> result;
        for (size_t k = 0; k < kShownEtas.size(); ++k)
            result.push_back({"x" + std::to_string(s.steps) + "_eta_" + eta_name(kShownEtas[k]),
                              nn::significant(paths[k].back(), 4)});
        result.push_back({"global_min_share", nn::fixed(landing.left, 3)});
        result.push_back({"local_min_share", nn::fixed(landing.right, 3)});
        result.push_back({"neither_share", nn::fixed(landing.neither, 3)});
        out.result(result);
    });
}
