// Chapter 3, program: regression on tabular data. Friedman's #1 benchmark,
//   y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, sigma^2),  x ~ U[0, 1]^d,
// fitted by a multilayer perceptron with a linear output and the quadratic cost, and
// by linear regression in closed form (the normal equations of chapter 2). The sine
// and the square are out of a linear model's reach; the noise is out of anyone's:
// sigma is the smallest root-mean-square error any model can reach on new data.
//
//   build/release/bin/03-backpropagation/regression [--epochs 100] [--train 5000] [--activation tanh]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/toy_data.hpp"
#include "common/trace.hpp"

namespace {

using nn::Tensor;

// Shifts and scales that give each column of the training set mean 0 and variance 1;
// the test set gets the same ones (it must not be looked at to choose them).
struct Standardizer {
    std::vector<double> mean, sd;

    static Standardizer fit(const Tensor& X) {
        size_t n = X.dim(0), d = X.dim(1);
        Standardizer s{std::vector<double>(d, 0.0), std::vector<double>(d, 0.0)};
        // X [n, d]: column means, then column standard deviations.
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < d; ++j) s.mean[j] += X(i, j) / double(n);
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < d; ++j) s.sd[j] += (X(i, j) - s.mean[j]) * (X(i, j) - s.mean[j]) / double(n);
        for (double& v : s.sd) v = v > 0 ? std::sqrt(v) : 1.0;
        return s;
    }
    Tensor apply(const Tensor& X) const {
        Tensor out(X.shape());
        for (size_t i = 0; i < X.dim(0); ++i)
            for (size_t j = 0; j < X.dim(1); ++j) out(i, j) = float((X(i, j) - mean[j]) / sd[j]);
        return out;
    }
    double undo(float value, size_t column) const { return value * sd[column] + mean[column]; }
};

Tensor column(std::span<const float> y) {
    Tensor Y({y.size(), 1});
    std::copy(y.begin(), y.end(), Y.data());
    return Y;
}

double rmse(std::span<const double> predicted, std::span<const float> y) {
    double square = 0;
    for (size_t i = 0; i < y.size(); ++i) square += (predicted[i] - y[i]) * (predicted[i] - y[i]);
    return std::sqrt(square / double(y.size()));
}

// The network's outputs in the units of y.
std::vector<double> mlp_predict(const bp::Network& net, const Tensor& X_std, const Standardizer& target) {
    Tensor out = bp::predict(net, X_std);
    std::vector<double> y(out.dim(0));
    for (size_t i = 0; i < y.size(); ++i) y[i] = target.undo(out[i], 0);
    return y;
}

std::vector<double> linear_predict(const gd::LinearModel& model, const Tensor& X) {
    std::vector<double> y(X.dim(0));
    for (size_t i = 0; i < y.size(); ++i) {
        double sum = model.b;
        for (size_t j = 0; j < X.dim(1); ++j) sum += double(model.w[j]) * X(i, j);
        y[i] = sum;
    }
    return y;
}

// What the best possible model, the noise-free formula itself, scores.
double noise_rmse(const nn::RegressionSet& set) {
    std::vector<double> truth(set.size());
    for (size_t i = 0; i < set.size(); ++i) truth[i] = nn::friedman1(set.X.row(i));
    return rmse(truth, set.y);
}

// A horizontal reference line across the epochs, in a color of its own.
nn::Series level(std::string title, double y, double x0, double x1, const char* style) {
    return {std::move(title), {x0, x1}, {y, y}, style};
}

nn::Figure curves_figure(const nn::MetricsLog& log, double linear_test, double noise, const std::string& model) {
    std::vector<double> epochs = log.column("epoch"), train = log.column("train_rmse"), test = log.column("test_rmse");
    double top = std::max({linear_test, *std::max_element(train.begin(), train.end()),
                           *std::max_element(test.begin(), test.end())});
    nn::Figure figure({.title = "Friedman #1: root-mean-square error of " + model,
                       .xlabel = "epoch",
                       .ylabel = "RMSE (units of y)",
                       .yrange = std::pair{0.0, 1.1 * top}});
    figure.add({"MLP, training set", epochs, train, "lines lw 3"});
    figure.add({"MLP, test set", epochs, test, "lines lw 3"});
    figure.add(level("linear regression, test set", linear_test, epochs.front(), epochs.back(),
                     "lines lw 3 dt 2 lc rgb '#E15759'"));
    figure.add(level("noise floor (the true formula)", noise, epochs.front(), epochs.back(),
                     "lines lw 3 dt 3 lc rgb '#333333'"));
    return figure;
}

nn::Figure scatter_panel(const std::string& title, std::span<const double> predicted, std::span<const float> y) {
    auto [lo, hi] = std::minmax_element(y.begin(), y.end());
    double a = std::floor(*lo) - 1, b = std::ceil(*hi) + 1;
    nn::Figure figure({.title = title,
                       .xlabel = "true y (test set); the line: predicted = true",
                       .ylabel = "predicted y",
                       .xrange = std::pair{a, b},
                       .yrange = std::pair{a, b},
                       .square = true,
                       .key = false});
    figure.add({"", std::vector<double>(y.begin(), y.end()), std::vector<double>(predicted.begin(), predicted.end()),
                "points pt 7 ps 0.5 lc rgb '#4E79A7'"});
    figure.add({"", {a, b}, {a, b}, "lines lw 2 lc rgb '#333333'"});
    return figure;
}

struct Settings {
    size_t train = 5000, test = 2000, features = 10, hidden = 64, layers = 2, batch = 16;
    float noise = 1.0f, eta = 0.05f;
    std::string activation = "tanh";
};

std::vector<size_t> layer_sizes(const Settings& s) {
    std::vector<size_t> sizes{s.features};
    for (size_t l = 0; l < s.layers; ++l) sizes.push_back(s.hidden);
    sizes.push_back(1);
    return sizes;
}

std::string sizes_text(const std::vector<size_t>& sizes) {
    std::string text;
    for (size_t n : sizes) text += (text.empty() ? "" : ", ") + std::to_string(n);
    return "[" + text + "]";
}

void declare_options(nn::Cli& cli, Settings& s) {
    cli.option("train", s.train, "training examples", nn::between(20, 1e6));
    cli.option("test", s.test, "test examples", nn::between(1, 1e6));
    cli.option("features", s.features, "inputs d, at least 5 (only the first five matter)", nn::between(5, 1000));
    cli.option("noise", s.noise, "standard deviation sigma of the noise on y", nn::between(0, 100));
    cli.option("hidden", s.hidden, "units in each hidden layer", nn::between(1, 4096));
    cli.option("layers", s.layers, "hidden layers", nn::between(1, 10));
    cli.option("activation", s.activation, "hidden units: tanh, sigmoid or relu",
               nn::one_of({"tanh", "sigmoid", "relu"}));
    cli.option("eta", s.eta, "learning rate", nn::learning_rate());
    cli.option("batch", s.batch, "examples per mini-batch");
}

// A model's predictions on the test set, in the units of y, and their error.
struct Fit {
    std::vector<double> test_predictions;
    double test_rmse = 0;
};

// Linear regression in closed form, on the raw features.
Fit fit_linear(const nn::RegressionSet& train, const nn::RegressionSet& test, double noise) {
    gd::LinearModel linear = gd::solve_normal_equations(train.X, train.y);
    Fit fit{linear_predict(linear, test.X), 0};
    fit.test_rmse = rmse(fit.test_predictions, test.y);
    std::printf("linear regression (normal equations): train RMSE %.4f, test RMSE %.4f; noise floor %.4f\n",
                rmse(linear_predict(linear, train.X), train.y), fit.test_rmse, noise);
    return fit;
}

// The MLP on standardized inputs and target; `log` gets its RMSE after each epoch.
Fit fit_mlp(const nn::RegressionSet& train, const nn::RegressionSet& test, const Settings& s, int epochs,
            nn::Rng& rng, nn::ProgressMode mode, nn::Trace& trace, nn::MetricsLog& log) {
    Standardizer inputs = Standardizer::fit(train.X), target = Standardizer::fit(column(train.y));
    Tensor X_train = inputs.apply(train.X), X_test = inputs.apply(test.X);
    Tensor Y_train = target.apply(column(train.y));
    bp::Activation hidden = bp::parse_activation(s.activation);
    bp::Init init = hidden == bp::Activation::ReLU ? bp::Init::He : bp::Init::Scaled;
    bp::Network net = bp::make_network(layer_sizes(s), hidden, bp::Activation::Linear, bp::Cost::Quadratic, init, rng);
    std::printf("\n%s", bp::summary(net).c_str());
    std::printf("%d epochs of mini-batches of %zu, eta %s\n", epochs, s.batch, nn::significant(s.eta).c_str());
    bp::TrainOptions train_options{s.eta, s.batch, 0.0f, 0.0f};
    nn::Progress progress("training", size_t(epochs), mode);
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        bp::train_epoch(net, X_train, Y_train, train_options, rng, epoch);
        if (trace.wants(epoch - 1)) trace.record(epoch - 1, "W_out", net.layers.back().W.span());
        log.add({double(epoch), rmse(mlp_predict(net, X_train, target), train.y),
                 rmse(mlp_predict(net, X_test, target), test.y)});
        progress.tick();
    }
    trace.close();
    Fit fit{mlp_predict(net, X_test, target), 0};
    fit.test_rmse = rmse(fit.test_predictions, test.y);
    return fit;
}

void plot_fits(const nn::MetricsLog& log, const Fit& mlp, const Fit& linear, double noise,
               const nn::RegressionSet& test, const std::string& model, nn::Outputs& out) {
    nn::save_png(curves_figure(log, linear.test_rmse, noise, model), out.path("regression_curves.png"), {900, 650});
    out.figure("regression_curves.png",
               "Root-mean-square error of the MLP after each epoch, on the training and the test "
               "set, against the test error of linear regression (dashed red) and the noise floor "
               "(dotted): the error of the true formula, which no model can beat on new data. The "
               "MLP is below the linear model after the first epoch and then closes most of the gap "
               "to the floor; the gap between its training and test curves is overfitting.");
    nn::save_png({scatter_panel("MLP: test RMSE " + nn::fixed(mlp.test_rmse, 3), mlp.test_predictions, test.y),
                  scatter_panel("Linear regression: test RMSE " + nn::fixed(linear.test_rmse, 3),
                                linear.test_predictions, test.y)},
                 2, out.path("regression_scatter.png"), {1200, 620});
    out.figure("regression_scatter.png",
               "Predicted against true y on the test set. Even the true formula would scatter "
               "about the diagonal by the noise (sigma = 1); the MLP's cloud is not much wider. "
               "The linear model's cloud is twice as wide and tilted: the sine and the square it "
               "cannot represent make it overestimate small y and underestimate large y.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("regression", "An MLP against linear regression on Friedman #1, a nonlinear tabular benchmark",
                    "out/03-backpropagation");
        cli.add_epochs(100);
        Settings s;
        declare_options(cli, s);
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::require_in_range("--batch", double(s.batch), 1, double(s.train));  // bounded by --train
        // --quick: a fifth of the epochs, at most 20, on the same data.
        int epochs = opt.quick ? std::min(20, std::max(1, opt.epochs / 5)) : opt.epochs;
        nn::Outputs out(opt, "regression");
        nn::Trace trace(opt.trace);

        nn::Rng rng(opt.seed);
        // The test set first, so that runs with another --train are scored on the same examples.
        nn::RegressionSet test = nn::make_friedman1(s.test, s.features, s.noise, rng);
        nn::RegressionSet train = nn::make_friedman1(s.train, s.features, s.noise, rng);
        nn::Stopwatch watch;
        double noise = noise_rmse(test);
        std::printf("Friedman #1: %zu training and %zu test examples, d = %zu, sigma = %s\n", s.train, s.test,
                    s.features, nn::significant(s.noise).c_str());
        Fit linear = fit_linear(train, test, noise);
        nn::MetricsLog log({"epoch", "train_rmse", "test_rmse"});
        Fit mlp = fit_mlp(train, test, s, epochs, rng, opt.progress, trace, log);
        double seconds = watch.seconds();
        log.write_csv(out.path("regression.csv"));
        double mlp_train_rmse = log.rows().back()[1];
        std::printf("MLP: train RMSE %.4f, test RMSE %.4f (linear %.4f, noise floor %.4f)\n", mlp_train_rmse,
                    mlp.test_rmse, linear.test_rmse, noise);

        plot_fits(log, mlp, linear, noise, test, "an MLP " + sizes_text(layer_sizes(s)) + " " + s.activation, out);
        out.result({{"mlp_test_rmse", nn::fixed(mlp.test_rmse, 4)},
                    {"mlp_train_rmse", nn::fixed(mlp_train_rmse, 4)},
                    {"linear_test_rmse", nn::fixed(linear.test_rmse, 4)},
                    {"noise_rmse", nn::fixed(noise, 4)},
                    {"epochs", std::to_string(epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
