// Chapter 4, program: depth against width. The tent map t(x) = 2 relu(x) - 4 relu(x - 1/2)
// is a layer of two ReLU units; composed k times it is a sawtooth with 2^k linear pieces,
// from 2k units in k layers. One hidden layer of m ReLU units computes a function with at
// most m + 1 linear pieces (each unit bends it at one point), so it needs m >= 2^k - 1
// units for the same sawtooth: exponentially many. Here both are built by hand as
// chapter 3 networks, and shallow networks of growing width are trained on the sawtooth.
//
//   build/release/bin/04-universal-approximation/depth [--k 4] [--epochs 3000] [--eta 0.05]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "04-universal-approximation/approximation.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

using nn::Tensor;

// x [n, 1] at the midpoints of n equal intervals of [0, 1].
Tensor inputs(size_t n) {
    Tensor X({n, 1});
    for (size_t i = 0; i < n; ++i) X[i] = float((i + 0.5) / double(n));
    return X;
}

Tensor sawtooth_of(const Tensor& X, int k) {
    Tensor Y({X.dim(0), 1});
    for (size_t i = 0; i < X.dim(0); ++i) Y[i] = float(ua::sawtooth(X[i], k));
    return Y;
}

struct Errors {
    double max = 0, rms = 0;
};

// The network's error against the sawtooth on X.
Errors errors(const bp::Network& net, const Tensor& X, int k) {
    Tensor out = bp::predict(net, X);
    Errors e;
    for (size_t i = 0; i < X.dim(0); ++i) {
        double d = std::fabs(double(out[i]) - ua::sawtooth(X[i], k));
        e.max = std::max(e.max, d);
        e.rms += d * d;
    }
    e.rms = std::sqrt(e.rms / double(X.dim(0)));
    return e;
}

bp::Network blank(const std::vector<size_t>& sizes) {
    nn::Rng unused(0);
    return bp::make_network(sizes, bp::Activation::ReLU, bp::Activation::Linear, bp::Cost::Quadratic, bp::Init::He,
                            unused);
}

// The deep construction: k hidden layers of the two units relu(t) and relu(t - 1/2),
// where t = 2 a_1 - 4 a_2 is the previous layer's tent (x itself for the first layer),
// and the output is the last tent. [1, 2, ..., 2, 1]: 2k hidden units.
bp::Network deep_sawtooth(int k) {
    std::vector<size_t> sizes{1};
    for (int l = 0; l < k; ++l) sizes.push_back(2);
    sizes.push_back(1);
    bp::Network net = blank(sizes);
    for (int l = 0; l < k; ++l) {
        bp::Dense& layer = net.layers[size_t(l)];
        float from_previous[2] = {2.0f, -4.0f};  // the tent of the units below
        for (size_t u = 0; u < 2; ++u) {
            for (size_t j = 0; j < layer.inputs(); ++j) layer.W(u, j) = l == 0 ? 1.0f : from_previous[j];
            layer.b[u] = u == 0 ? 0.0f : -0.5f;
        }
    }
    bp::Dense& output = net.layers.back();
    output.W(0, 0) = 2.0f, output.W(0, 1) = -4.0f, output.b[0] = 0.0f;
    return net;
}

// A shallow network [1, m, 1] for the continuous piecewise-linear function through
// (j / m, values[j]), j = 0 .. m: unit 0 is relu(x) with the first slope, unit j > 0 is
// relu(x - j/m) with the turn of the slope at j/m, and the output bias is values[0].
// m corners need m units, one of them at x = 0: every unit is flat on one side of its corner.
bp::Network piecewise_linear(const std::vector<double>& values) {
    size_t m = values.size() - 1;
    bp::Network net = blank({1, m, 1});
    bp::Dense &hidden = net.layers[0], &output = net.layers[1];
    double previous_slope = 0;
    for (size_t j = 0; j < m; ++j) {
        double slope = (values[j + 1] - values[j]) * double(m);
        hidden.W(j, 0) = 1.0f;
        hidden.b[j] = -float(double(j) / double(m));
        output.W(0, j) = float(slope - previous_slope);
        previous_slope = slope;
    }
    output.b[0] = float(values[0]);
    return net;
}

// The shallow construction: the sawtooth through its own corners j / 2^k, 2^k units.
bp::Network shallow_sawtooth(int k) {
    size_t m = size_t(1) << k;
    std::vector<double> values(m + 1);
    for (size_t j = 0; j <= m; ++j) values[j] = ua::sawtooth(double(j) / double(m), k);
    return piecewise_linear(values);
}

// The best shallow network of m units with corners at j / m, j = 0 .. m-1: the least-squares
// fit of the values at the knots j / m on the samples X. In the basis of hat functions
// (phi_j = 1 at knot j, 0 at the others, linear between) the normal equations are
// tridiagonal, G c = r with G = Phi^T Phi and r = Phi^T y: solved by elimination (Thomas).
std::vector<double> best_knot_values(const Tensor& X, int k, size_t m) {
    std::vector<double> lower(m + 1, 0), diagonal(m + 1, 0), upper(m + 1, 0), r(m + 1, 0);
    for (size_t i = 0; i < X.dim(0); ++i) {
        double u = X[i] * double(m), y = ua::sawtooth(X[i], k);
        size_t j = std::min(size_t(u), m - 1);
        double right = u - double(j), left = 1 - right;  // phi_j and phi_{j+1} at x
        diagonal[j] += left * left, diagonal[j + 1] += right * right;
        upper[j] += left * right, lower[j + 1] += left * right;
        r[j] += left * y, r[j + 1] += right * y;
    }
    for (size_t j = 1; j <= m; ++j) {
        double factor = lower[j] / diagonal[j - 1];
        diagonal[j] -= factor * upper[j - 1];
        r[j] -= factor * r[j - 1];
    }
    std::vector<double> c(m + 1);
    c[m] = r[m] / diagonal[m];
    for (size_t j = m; j-- > 0;) c[j] = (r[j] - upper[j] * c[j + 1]) / diagonal[j];
    return c;
}

// A trained shallow network [1, m, 1]: He-initialized weights, and biases that put the
// corners of the units at random places of [0, 1] (with zero biases they would all sit at
// x = 0, and the network would start as one straight line on the whole interval).
bp::Network train_shallow(size_t m, const Tensor& X, const Tensor& Y, int epochs, float eta, nn::Rng& rng) {
    bp::Network net =
        bp::make_network({1, m, 1}, bp::Activation::ReLU, bp::Activation::Linear, bp::Cost::Quadratic, bp::Init::He, rng);
    bp::Dense& hidden = net.layers[0];
    for (size_t j = 0; j < m; ++j) hidden.b[j] = -hidden.W(j, 0) * rng.uniform();
    bp::TrainOptions options{eta, 16, 0.0f, 0.0f};
    for (int epoch = 1; epoch <= epochs; ++epoch) bp::train_epoch(net, X, Y, options, rng, epoch);
    return net;
}

nn::Figure sawtooth_panel(int k) {
    int pieces = 1 << k;
    nn::Figure figure({.title = "k = " + std::to_string(k) + ": " + std::to_string(pieces) + " pieces from " +
                                std::to_string(2 * k) + " ReLU units",
                       .xlabel = "x", .ylabel = "t^k(x)", .xrange = std::pair{0.0, 1.0},
                       .yrange = std::pair{-0.05, 1.1}, .key = false});
    Tensor X = inputs(2000);
    std::vector<double> x(X.span().begin(), X.span().end()), y;
    for (double v : x) y.push_back(ua::sawtooth(v, k));
    figure.add({"", x, y, "lines lw 2 lc rgb '#4E79A7'"});
    return figure;
}

// A shallow network of a given width, its error against the sawtooth, and its curve.
struct Fit {
    size_t width;
    Errors error;
    std::vector<double> curve;  // on the plotting grid
};

Fit fit_of(const bp::Network& net, size_t width, const Tensor& X_test, const Tensor& X_plot, int k) {
    Tensor curve = bp::predict(net, X_plot);
    return {width, errors(net, X_test, k), std::vector<double>(curve.span().begin(), curve.span().end())};
}

nn::Figure fits_panel(const std::string& title, const std::vector<Fit>& fits, const std::vector<size_t>& shown,
                      const Tensor& X, int k) {
    nn::Figure figure({.title = title, .xlabel = "x", .ylabel = "y", .xrange = std::pair{0.0, 1.0},
                       .yrange = std::pair{-0.3, 1.5}});
    std::vector<double> x(X.span().begin(), X.span().end()), y;
    for (double v : x) y.push_back(ua::sawtooth(v, k));
    figure.add({"target: sawtooth, k = " + std::to_string(k), x, y, "lines lw 5 lc rgb '#BBBBBB'"});
    for (const Fit& f : fits)
        if (std::find(shown.begin(), shown.end(), f.width) != shown.end())
            figure.add({"m = " + std::to_string(f.width) + ": max error " + nn::fixed(f.error.max, 3), x, f.curve,
                        "lines lw 2"});
    return figure;
}

std::vector<double> column(const std::vector<Fit>& fits, double (*get)(const Fit&)) {
    std::vector<double> values;
    for (const Fit& f : fits) values.push_back(get(f));
    return values;
}

// The exact networks' errors are exactly 0 (every weight and corner is a short binary
// fraction, so float computes them without rounding): add_with_zeros() draws those on a
// row "0" of their own under the nonzero errors, rather than at a stand-in such as 1e-8
// that would stretch the log axis over eight empty decades and read as a measured error.
nn::Figure error_panel(const std::vector<Fit>& best, const std::vector<Fit>& trained, int k, double deep_error) {
    nn::Figure figure({.title = "Max error against hidden units, sawtooth k = " + std::to_string(k),
                       .xlabel = "hidden units m", .ylabel = "max error against the sawtooth", .logx = true,
                       .logy = true,
                       .xrange = std::pair{0.8, 1.5 * double(std::max(best.back().width, trained.back().width))}});
    auto width = [](const Fit& f) { return double(f.width); };
    auto max_error = [](const Fit& f) { return f.error.max; };
    figure.add_with_zeros(
        {{"one hidden layer, best fit (corners at j/m)", column(best, width), column(best, max_error),
          "points pt 7 ps 0.8"},
         {"one hidden layer, trained by SGD", column(trained, width), column(trained, max_error),
          "linespoints lw 3 pt 5 ps 1.2"},
         {"deep: " + std::to_string(k) + " layers of 2 units", {double(2 * k)}, {deep_error},
          "points pt 11 ps 1.5 lc rgb '#59A14F'"}});
    figure.add_vline((1 << k) - 1, "m = 2^k - 1");
    return figure;
}

nn::Figure units_panel(int k_max) {
    nn::Figure figure({.title = "Hidden units for an exact sawtooth of 2^k pieces", .xlabel = "k (tent maps composed)",
                       .ylabel = "hidden units", .logy = true, .xrange = std::pair{0.5, k_max + 0.5}});
    std::vector<double> k, deep, shallow;
    for (int i = 1; i <= k_max; ++i) {
        k.push_back(i);
        deep.push_back(2 * i);
        shallow.push_back(std::pow(2.0, i));
    }
    figure.add({"deep: 2k units in k layers", k, deep, "linespoints lw 3 pt 9 lc rgb '#59A14F'"});
    figure.add({"one hidden layer: 2^k units", k, shallow, "linespoints lw 3 pt 11 lc rgb '#E15759'"});
    return figure;
}

// The narrowest width whose max error is below `error` (0: none).
size_t width_for(const std::vector<Fit>& fits, double error) {
    for (const Fit& f : fits)
        if (f.error.max < error) return f.width;
    return 0;
}

struct Settings {
    nn::CommonOptions common;
    int k = 4;  // tent maps composed in the target sawtooth
    float eta = 0.05f;
    size_t points = 256;
    int epochs = 0;
    size_t max_trained = 0, max_best = 0;  // the widest trained and best-fit networks
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("depth", "A deep ReLU sawtooth against the width a shallow network needs",
                "out/04-universal-approximation");
    cli.add_epochs(2000);
    Settings s;
    cli.option("k", s.k, "tent maps composed in the target sawtooth, 1 to 7", nn::between(1, 7));
    cli.option("eta", s.eta, "learning rate of the trained networks", nn::learning_rate());
    cli.option("points", s.points, "training points on [0, 1]", nn::between(16, 100000));
    s.common = cli.parse(argc, argv);
    // --quick: a tenth of the epochs, and no trained width above 64.
    s.epochs = s.common.quick ? std::max(1, s.common.epochs / 10) : s.common.epochs;
    s.max_trained = s.common.quick ? 64 : 256;
    s.max_best = size_t(4) << s.k;
    return s;
}

void plot_sawtooths(nn::Outputs& out) {
    std::vector<nn::Figure> panels;
    for (int i = 1; i <= 6; ++i) panels.push_back(sawtooth_panel(i));
    nn::save_png(panels, 3, out.path("depth_sawtooth.png"), {1350, 750});
    out.figure("depth_sawtooth.png",
               "The tent map composed k times, k = 1 to 6: each composition doubles the number of "
               "linear pieces (2^k) and adds one layer of two ReLU units (2k in all).");
}

// The best shallow networks of each width m = 1 .. max_best, corners at j/m; into depth_best.csv.
std::vector<Fit> best_fits(const Settings& s, const Tensor& X_test, const Tensor& X_plot, nn::Outputs& out) {
    std::vector<Fit> best;
    nn::MetricsLog best_log({"width", "max_error", "rms_error"}, false);
    for (size_t m = 1; m <= s.max_best; ++m) {
        best.push_back(fit_of(piecewise_linear(best_knot_values(X_test, s.k, m)), m, X_test, X_plot, s.k));
        best_log.add({double(m), best.back().error.max, best.back().error.rms});
    }
    best_log.write_csv(out.path("depth_best.csv"));
    return best;
}

// Shallow networks of widths 1, 2, 4, ..., max_trained trained on the sawtooth; their errors
// beside the best fit's of the same width into depth_error.csv.
std::vector<Fit> trained_fits(const Settings& s, const std::vector<Fit>& best, const Tensor& X_test,
                              const Tensor& X_plot, nn::Outputs& out) {
    nn::Rng rng(s.common.seed);
    Tensor X = inputs(s.points), Y = sawtooth_of(X, s.k);
    nn::MetricsLog log({"width", "best_max_error", "best_rms_error", "trained_max_error", "trained_rms_error"});
    std::printf("training [1, m, 1] ReLU networks, %d epochs of mini-batches of 16, eta %s\n", s.epochs,
                nn::significant(s.eta).c_str());
    std::vector<Fit> trained;
    std::vector<size_t> widths;
    for (size_t m = 1; m <= s.max_trained; m *= 2) widths.push_back(m);
    nn::Progress progress("widths", widths.size(), s.common.progress);
    for (size_t m : widths) {
        trained.push_back(fit_of(train_shallow(m, X, Y, s.epochs, s.eta, rng), m, X_test, X_plot, s.k));
        const Fit& b = best[std::min(m, s.max_best) - 1];
        log.add({double(m), b.error.max, b.error.rms, trained.back().error.max, trained.back().error.rms});
        progress.tick();
    }
    log.write_csv(out.path("depth_error.csv"));
    return trained;
}

void plot_fits(const std::vector<Fit>& best, const std::vector<Fit>& trained, const Tensor& X_plot, int k,
               nn::Outputs& out) {
    size_t exact = size_t(1) << k;
    nn::save_png({fits_panel("Best fits with m units (least squares)", best, {exact / 4, exact - 1, exact}, X_plot, k),
                  fits_panel("Trained by SGD from random corners", trained, {4, 16, 64}, X_plot, k)},
                 2, out.path("depth_fits.png"), {1500, 600});
    out.figure("depth_fits.png",
               "Left: the best shallow networks of m units with corners at j/m, for the sawtooth of "
               "2^k pieces. With fewer than 2^k - 1 units there are fewer pieces than the sawtooth has "
               "and the fit cuts through its teeth; with 2^k the corners fall on the sawtooth's own "
               "and the fit is exact. Right: the same architecture trained by SGD (chapter 3) from "
               "random corners. For k = 4 (the default) even 64 units, four times what an exact fit "
               "needs, stay near the mean line: the exact network exists, training does not find it.");
}

void plot_errors(const std::vector<Fit>& best, const std::vector<Fit>& trained, int k, double deep_error,
                 nn::Outputs& out) {
    nn::save_png({error_panel(best, trained, k, deep_error), units_panel(10)}, 2, out.path("depth_error.png"),
                 {1500, 650});
    out.figure("depth_error.png",
               "Left: max error against width m (log-log; an error of exactly 0 is drawn on the row "
               "marked 0 at the bottom, a log axis having no 0). The best "
               "fits stay about 1/2 off until m reaches 2^k, where they become exact (and again at "
               "every multiple of 2^k; in between the error falls slowly as m grows). For k = 4 SGD "
               "stays near the mean at every width. The deep network is exact with 2k units. Right: "
               "units for an exact sawtooth against k (log scale): 2k in k layers, 2^k in one layer.");
}

void report(int k, double deep_error, double shallow_error, const std::vector<Fit>& best,
            const std::vector<Fit>& trained, double seconds, nn::Outputs& out) {
    size_t exact = size_t(1) << k;
    std::vector<std::pair<std::string, std::string>> result{
        {"k", std::to_string(k)},
        {"deep_units", std::to_string(2 * k)},
        {"deep_max_error", nn::significant(deep_error)},
        {"shallow_exact_units", std::to_string(exact)},
        {"shallow_exact_max_error", nn::significant(shallow_error)},
        {"best_max_error_m" + std::to_string(exact - 1), nn::fixed(best[exact - 2].error.max, 4)},
        {"best_width_for_max_error_0.1", std::to_string(width_for(best, 0.1))},
        {"trained_width_for_max_error_0.1", std::to_string(width_for(trained, 0.1))}};
    for (const Fit& f : trained)
        if (f.width == 16 || f.width == 64)
            result.push_back({"trained_max_error_m" + std::to_string(f.width), nn::fixed(f.error.max, 4)});
    result.push_back({"seconds", nn::fixed(seconds, 1)});
    out.result(result);
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        const Settings s = read_settings(argc, argv);
        const int k = s.k;
        nn::Outputs out(s.common, "depth");
        nn::Stopwatch watch;

        plot_sawtooths(out);

        // ---- the deep construction, as a chapter 3 network, and the shallow one through the corners
        Tensor X_test = inputs(4096), X_plot = inputs(1000);
        double deep_error = errors(deep_sawtooth(k), X_test, k).max;
        double shallow_error = errors(shallow_sawtooth(k), X_test, k).max;
        std::printf("sawtooth k = %d (%d pieces): deep network, %d units: max error %s; "
                    "shallow network through its corners, %d units: max error %s\n",
                    k, 1 << k, 2 * k, nn::significant(deep_error).c_str(), 1 << k,
                    nn::significant(shallow_error).c_str());

        // ---- shallow networks: the best of each width, and trained ones
        std::vector<Fit> best = best_fits(s, X_test, X_plot, out);
        std::vector<Fit> trained = trained_fits(s, best, X_test, X_plot, out);

        plot_fits(best, trained, X_plot, k, out);
        plot_errors(best, trained, k, deep_error, out);
        report(k, deep_error, shallow_error, best, trained, watch.seconds(), out);
    });
}
