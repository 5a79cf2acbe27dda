// Chapter 2, program 4: logistic regression on a two-dimensional toy set, trained
// by full-batch gradient descent on the cross-entropy. The model is one smooth
// neuron, p = sigmoid(w . x + b): its decision boundary p = 1/2 is a line, which
// fits two Gaussian blobs and cannot fit a circle or XOR.
//
//   build/release/bin/02-gradient-descent/logistic_regression [--data-set gauss] [--eta 0.1]
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
#include "common/random.hpp"
#include "common/toy_data.hpp"
#include "common/trace.hpp"
#include "common/training.hpp"

namespace {

using gd::LinearModel;

const double kLo = -6.0, kHi = 6.0;  // the toy sets lie in about [-6, 6]^2

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

double accuracy(const LinearModel& m, const nn::Dataset2D& data) {
    size_t right = 0;
    for (size_t i = 0; i < data.size(); ++i) {
        double z = m.w[0] * data.X(i, 0) + m.w[1] * data.X(i, 1) + m.b;
        right += (z >= 0 ? 1 : 0) == data.y[i];  // p >= 1/2 exactly when z >= 0
    }
    return double(right) / double(data.size());
}

// p = sigmoid(w . x + b) over the square: the model's probability of class 1.
nn::Grid probability_field(const LinearModel& m) {
    nn::Grid grid{kLo, kHi, kLo, kHi, 121, 121, {}};
    // grid.values [ny, nx]
    for (size_t iy = 0; iy < grid.ny; ++iy)
        for (size_t ix = 0; ix < grid.nx; ++ix) {
            double x = kLo + (kHi - kLo) * double(ix) / 120.0, y = kLo + (kHi - kLo) * double(iy) / 120.0;
            grid.values.push_back(float(sigmoid(m.w[0] * x + m.w[1] * y + m.b)));
        }
    return grid;
}

nn::Figure boundary_figure(const LinearModel& m, const nn::Dataset2D& train, const std::string& set,
                           double train_accuracy) {
    nn::Figure figure(
        nn::plane_axes(set + ": p = sigmoid(w . x + b), train accuracy " + nn::fixed(train_accuracy, 3), kLo, kHi));
    nn::Grid field = probability_field(m);
    figure.add_heatmap(field, nn::Palette::TwoClass, std::pair{0.0, 1.0});
    figure.add_contours(field, {0.1, 0.25, 0.75, 0.9}, "lines lw 1 dt 3 lc rgb '#666666'");
    figure.add_points(train.X, train.y, {"class 0", "class 1"});
    if (auto line = nn::line_in_square(m.w[0], m.w[1], m.b, kLo, kHi, "p = 1/2", "lines lw 3 lc rgb 'black'"))
        figure.add(std::move(*line));
    return figure;
}

// Full-batch gradient descent for `epochs` steps. Row `epoch` of the log is the model
// after that many steps (epoch 0: w = 0, p = 1/2 everywhere).
nn::MetricsLog fit(LinearModel& model, const nn::Dataset2D& train, const nn::Dataset2D& test,
                     gd::Optimizer& optimizer, int epochs, float eta, nn::Trace& trace) {
    gd::LogisticTraining training(model, train.X, train.y);
    nn::Trainer trainer(training, [&](const nn::Step& s, std::span<const nn::Parameter> parameters) {
        optimizer.step(parameters);
        if (trace.wants(int(s.t))) {
            const std::vector<float>& gw = training.grad_w();
            trace.record(int(s.t), "g", std::vector<float>{gw[0], gw[1], training.grad_b()});
            trace.record(int(s.t), "theta", std::vector<float>{model.w[0], model.w[1], model.b});
        }
    }, {.batch = train.size(), .eta = eta});  // full batch, in order
    nn::MetricsLog log({"epoch", "loss", "train_accuracy", "test_accuracy"}, false);
    double first_loss = 0;
    auto add_row = [&](int epoch, double loss) {
        if (epoch == 0) first_loss = loss;
        nn::check_not_climbing(loss, first_loss, epoch, epoch, eta);
        log.add({double(epoch), loss, accuracy(model, train), accuracy(model, test)});
        const auto& row = log.rows().back();
        if (epoch % 20 == 0 || epoch == epochs)
            std::printf("epoch %d  loss=%.4f  train_accuracy=%.4f  test_accuracy=%.4f\n", epoch, row[1], row[2],
                        row[3]);
    };
    for (int epoch = 0; epoch < epochs; ++epoch) trainer.epoch([&](const nn::Step& s) { add_row(epoch, s.loss); });
    std::vector<size_t> all(train.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    add_row(epochs, training.loss_and_gradients(all));
    return log;
}

bool hopeless_for_a_line(nn::Toy kind) { return kind == nn::Toy::Circle || kind == nn::Toy::Xor || kind == nn::Toy::Spiral; }

struct Settings {
    nn::CommonOptions opt;
    std::string set = "gauss", optimizer = "sgd";
    float eta = 0.1f, noise = 0.2f;
    int points = 400;
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("logistic_regression", "Logistic regression by gradient descent on a 2-D toy set",
                "out/02-gradient-descent");
    cli.add_epochs(200);
    Settings s;
    cli.option("data-set", s.set, "circle, xor, gauss, spiral or moons");
    cli.option("points", s.points, "training points (as many for the test), up to a million",
               nn::positive_up_to(1e6));
    cli.option("noise", s.noise, "noise of the toy set, 0 to 1", nn::between(0, 1));
    cli.option("eta", s.eta, "learning rate", nn::learning_rate());
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam (full batch)");
    cli.add_trace();
    s.opt = cli.parse(argc, argv);
    return s;
}

void plot_boundary(nn::Outputs& out, const LinearModel& model, const nn::Dataset2D& train, const std::string& set,
                   nn::Toy kind, double train_accuracy) {
    nn::save_png(boundary_figure(model, train, set, train_accuracy), out.path("logistic_boundary.png"), {900, 700});
    std::string verdict = hopeless_for_a_line(kind)
                              ? "On " + set + " no line separates the classes, so the model fails "
                                "visibly: p stays near 1/2 and the accuracy near chance."
                              : "On " + set + " a line separates the classes well.";
    out.figure("logistic_boundary.png",
               "The probability p of class 1 (blue 0, orange 1), its level lines at 0.1, 0.25, 0.75 "
               "and 0.9 (dotted) and the boundary p = 1/2 (black), a straight line whatever the data. " +
                   verdict);
}

void plot_loss(nn::Outputs& out, const nn::MetricsLog& log, const std::string& optimizer, float eta) {
    nn::Figure loss_panel({.title = "Cross-entropy, " + optimizer + " with eta = " + nn::significant(eta),
                           .xlabel = "epoch (one full-batch step)",
                           .ylabel = "training loss"});
    loss_panel.add({"training loss", log.column("epoch"), log.column("loss"), "lines lw 3"});
    nn::Figure accuracy_panel(
        {.title = "Accuracy", .xlabel = "epoch", .ylabel = "fraction classified right", .yrange = {{0.0, 1.02}}});
    accuracy_panel.add({"train", log.column("epoch"), log.column("train_accuracy"), "lines lw 3"});
    accuracy_panel.add({"test", log.column("epoch"), log.column("test_accuracy"), "lines lw 3 dt 2"});
    accuracy_panel.add_hline(0.5, "chance");
    nn::save_png({loss_panel, accuracy_panel}, 2, out.path("logistic_loss.png"), {1300, 550});
    out.figure("logistic_loss.png",
               "The loss falls fast and then slowly: on separable data it keeps falling as |w| "
               "grows, sharpening p without moving the boundary much. The accuracies settle early.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        Settings s = read_settings(argc, argv);
        nn::Toy kind = nn::parse_toy(s.set);
        gd::Optimizer optimizer = gd::Optimizer::make(s.optimizer, s.eta);
        nn::Outputs out(s.opt, "logistic_regression");
        nn::Trace trace(s.opt.trace);

        nn::Rng rng(s.opt.seed);
        nn::Dataset2D train = nn::make_toy(kind, size_t(s.points), s.noise, rng);
        nn::Dataset2D test = nn::make_toy(kind, size_t(s.points), s.noise, rng);
        LinearModel model{{0.0f, 0.0f}, 0.0f};
        nn::MetricsLog log = fit(model, train, test, optimizer, s.opt.epochs, s.eta, trace);
        trace.close();
        log.write_csv(out.path("logistic_regression.csv"));
        std::printf("w = (%.4f, %.4f), b = %.4f\n", model.w[0], model.w[1], model.b);

        double train_accuracy = log.rows().back()[2], test_accuracy = log.rows().back()[3];
        plot_boundary(out, model, train, s.set, kind, train_accuracy);
        plot_loss(out, log, s.optimizer, s.eta);

        out.result({{"data_set", s.set},
                    {"loss", nn::fixed(log.rows().back()[1], 4)},
                    {"train_accuracy", nn::fixed(train_accuracy, 4)},
                    {"test_accuracy", nn::fixed(test_accuracy, 4)}});
    });
}
