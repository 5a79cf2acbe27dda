// Chapter 3, program: a multilayer perceptron on Fashion-MNIST, trained by
// backpropagation and mini-batch SGD. The defaults are Nielsen's first network,
// [784, 30, 10] with sigmoids everywhere, the quadratic cost, N(0, 1) weights,
// eta = 3.0 and mini-batches of 10; each option is one step of the book's
// progression (cross-entropy, softmax, scaled initialization, L2, dropout, ReLU).
//
//   build/release/bin/03-backpropagation/fashion_mlp [--hidden 30] [--cost cross-entropy]
//       [--output softmax] [--init scaled] [--lambda 5] [--dropout 0.2] [--activation relu]
//       [--save model.nnbp] [--load model.nnbp]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "03-backpropagation/diagram.hpp"
#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/trace.hpp"

namespace {

using bp::Network;
using nn::Tensor;

const size_t kClasses = 10;
const size_t kPixels = 28 * 28;  // the network is built before the data is read; require_shape() checks it
const char* const kProgram = "fashion_mlp";

struct Settings {
    std::string hidden = "30", activation = "sigmoid", output = "sigmoid", cost = "quadratic", init = "large";
    bp::TrainOptions train;  // eta 3, batch 10, no L2, no dropout: Nielsen's first network
    int batch = 10;
    int validation = 0;
    std::string save, load;
};

// "[784, 30, 10]"
std::string shape_of(const Network& net) {
    std::string shape;
    for (size_t n : net.sizes()) shape += (shape.empty() ? "[" : ", ") + std::to_string(n);
    return shape + "]";
}

// "[784, 30, 10], sigmoid hidden, sigmoid output, large init"
std::string describe_network(const Network& net, const Settings& s) {
    std::string hidden = net.layers.size() > 1 ? s.activation + " hidden" : "no hidden layer";
    return shape_of(net) + ", " + hidden + ", " + bp::name_of(net.layers.back().f) + " output, " + s.init + " init";
}

// "quadratic, eta 3, batch 10" and the regularization, if any.
std::string describe_training(const Network& net, const Settings& s) {
    std::string text = bp::name_of(net.cost) + ", eta " + nn::significant(s.train.eta) + ", batch " +
                       std::to_string(s.batch);
    if (s.train.lambda > 0) text += ", lambda " + nn::significant(s.train.lambda);
    if (s.train.dropout > 0) text += ", dropout " + nn::significant(s.train.dropout);
    return text;
}

// What the learner's backprop() produces on the first mini-batches: the cost, the
// output a^L and every layer's gradients, so `make compare` finds the first layer
// whose gradient departs from the solution's.
void trace_step(nn::Trace& trace, int step, double cost, const bp::Pass& pass, const bp::Gradients& grads) {
    trace.record(step, "cost", float(cost));
    trace.record(step, "output", pass.activations.back().span());
    for (size_t l = 0; l < grads.nabla_w.size(); ++l) {
        trace.record(step, "layer" + std::to_string(l + 1) + ".nabla_w", grads.nabla_w[l].span());
        trace.record(step, "layer" + std::to_string(l + 1) + ".nabla_b", grads.nabla_b[l]);
    }
}

// One epoch of bp::train_epoch(), with a progress bar and the trace of the first steps.
void train_one_epoch(Network& net, const Tensor& X, const Tensor& Y, const bp::TrainOptions& options,
                     nn::Rng& rng, int epoch, int epochs, nn::ProgressMode mode, nn::Trace& trace) {
    nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), X.dim(0), mode);
    bp::train_epoch(net, X, Y, options, rng, epoch,
                    [&](long step, double cost, size_t rows, const bp::Pass& pass, const bp::Gradients& grads) {
                        if (epoch == 1 && trace.wants(int(step))) trace_step(trace, int(step), cost, pass, grads);
                        progress.tick(rows);
                    });
}

void plot_misclassified(const nn::ImageSet& test, const std::vector<int>& guess, const std::string& data_set,
                        const std::vector<std::string>& names, nn::Outputs& out) {
    std::vector<nn::Image> images = nn::misclassified_images(test, guess, names);
    if (images.empty()) return;
    nn::save_image_grid(images, 8, out.path("fashion_mlp_misclassified.png"), nn::Palette::Gray,
                        "The first misclassified " + data_set + " test images (true class -> the network's guess)",
                        {1700, 800});
    out.figure("fashion_mlp_misclassified.png",
               "The first test images the network gets wrong, each titled with its true class and the "
               "network's guess. Most mistakes are between shirts, T-shirts, pullovers and coats, or "
               "between the three kinds of shoes: images that a person also finds hard at 28x28.");
}

void plot_confusion(const nn::ImageSet& test, const std::vector<int>& guess, const std::string& data_set,
                    const std::vector<std::string>& names, nn::Outputs& out) {
    Tensor confusion = nn::confusion_counts(test.labels, guess, kClasses);
    nn::save_png(nn::confusion_figure(confusion, names,
                                      data_set + " test confusion matrix (rows: true class, columns: the network's guess)",
                                      "guessed class"),
                 out.path("fashion_mlp_confusion.png"), {1000, 850});
    out.figure("fashion_mlp_confusion.png",
               "Counts of test images by true class (row) and guessed class (column); the diagonal "
               "holds the right answers. Shirt is the hardest class.");
}

// The network through its strongest paths: a path from pixel k counts the pixel's ink
// (its root-mean-square over `images`) times the |w| along it, so that the pixels of the
// border, never inked and so never trained, do not fill the picture with their weights.
// Its units are named: the pixels by row and column, the hidden units by number (as in
// fashion_mlp_hidden.png), the outputs by class.
void plot_network(const Network& net, const nn::ImageSet& images, const std::string& data_set,
                  const std::vector<std::string>& classes, nn::Outputs& out) {
    size_t n = images.size(), d = images.images.dim(1);
    std::vector<float> ink(d, 0.0f);
    std::vector<std::vector<std::string>> names(1);
    for (size_t k = 0; k < d; ++k) {
        double sum = 0;
        for (size_t i = 0; i < n; ++i) sum += double(images.images(i, k)) * images.images(i, k);
        ink[k] = float(std::sqrt(sum / double(std::max<size_t>(n, 1))));
        names[0].push_back("pixel (" + std::to_string(k / images.cols) + ", " + std::to_string(k % images.cols) + ")");
    }
    for (size_t l = 0; l + 1 < net.layers.size(); ++l) {
        names.emplace_back();
        for (size_t j = 0; j < net.layers[l].outputs(); ++j) names.back().push_back(std::to_string(j + 1));
    }
    names.push_back(classes);
    std::string title = "The trained network " + shape_of(net) + " through its strongest paths on " + data_set +
                        " (ink x |w| along the path)";
    nn::save_png(bp::strongest_paths_diagram(net, ink, title, names), out.path("fashion_mlp_network.png"), {1300, 750});
    out.figure("fashion_mlp_network.png",
               "The trained network through its strongest paths: a path from a pixel to an output is as strong "
               "as the pixel's ink (root-mean-square over the images) times the |w| of its connections. Each "
               "layer shows the 16 units the strongest paths pass through (the pixels named by row and column, "
               "all near the middle of the image, where the clothes are), and each pair of layers its 40 "
               "strongest connections among them: red for w > 0, blue for w < 0, thicker and darker for a "
               "stronger path.");
}

// The first layer's weights less their start, W - W_0, one image per unit (at most 40: the
// first ones), each the 28 x 28 pixels it weighs, red positive, blue negative, white 0 (each
// image scaled to its own largest |value|). Without W_0 subtracted Nielsen's N(0, 1) start
// would be all one saw: noise, under which training's changes are small. (So --load, whose
// file holds no W_0, draws no such figure.)
void plot_first_layer(const Network& net, const Tensor& W0, const nn::ImageSet& images, const std::string& data_set,
                      const std::vector<std::string>& names, nn::Outputs& out) {
    const bp::Dense& first = net.layers.front();
    const bool hidden = net.layers.size() > 1;
    std::vector<nn::Image> pictures;
    for (size_t j = 0; j < first.outputs() && j < 40; ++j) {
        auto w = first.W.row(j), w0 = W0.row(j);
        std::vector<float> change(w.size());
        for (size_t k = 0; k < w.size(); ++k) change[k] = w[k] - w0[k];
        pictures.push_back(nn::Image{images.rows, images.cols, std::move(change),
                                     hidden ? "unit " + std::to_string(j + 1) : names[j]});
    }
    std::string title = "What training wrote into the " + std::string(hidden ? "hidden" : "output") +
                        " units' input weights, W - W_0, on " + data_set + " (red > 0, blue < 0, white 0)";
    if (first.outputs() > pictures.size()) title += "; the first 40 units";
    size_t columns = pictures.size() <= 10 ? 5 : 10, rows = (pictures.size() + columns - 1) / columns;
    nn::save_image_grid(pictures, int(columns), out.path("fashion_mlp_hidden.png"), nn::Palette::Diverging, title,
                        {1500, int(150 + 165 * rows)});
    out.figure("fashion_mlp_hidden.png",
               "Each unit's input weights as a 28x28 image, less their random start (W - W_0): what training "
               "changed. Units have become detectors of shapes (a sole, a collar, the gap between trouser "
               "legs); the border stays white: a pixel that is never inked gets no gradient from the cost, so "
               "its weights move only by L2's shrinking (--lambda), if at all.");
}

nn::Figure curves_panel(const nn::MetricsLog& log, const std::string& what, const std::string& title,
                        bool validation) {
    nn::Figure figure({.title = title,
                       .xlabel = "epoch",
                       .ylabel = what == "cost" ? "mean cost (no L2 term)" : "fraction classified right"});
    figure.add({"train", log.column("epoch"), log.column("train_" + what), "linespoints lw 3 pt 7"});
    if (validation)
        figure.add({"validation", log.column("epoch"), log.column("validation_" + what), "linespoints lw 3 pt 9"});
    figure.add({"test", log.column("epoch"), log.column("test_" + what), "linespoints lw 3 pt 5"});
    return figure;
}

struct Sets {
    nn::ImageSet train, validation, test;
    Tensor train_Y, validation_Y, test_Y;
};

Sets load_sets(const nn::CommonOptions& opt, const Settings& s) {
    Sets sets;
    auto [full, test] = nn::load_train_test(opt.data);
    sets.test = std::move(test);
    size_t held_out = size_t(s.validation);
    if (held_out >= full.size())
        throw nn::UsageError("--validation " + std::to_string(held_out) + " leaves no training images (the set has " +
                             std::to_string(full.size()) + ")");
    // The validation images are the last ones, so --quick trains on the same first 10000.
    sets.validation = nn::rows_of(full, full.size() - held_out, full.size());
    sets.train = nn::rows_of(full, 0, full.size() - held_out);
    if (opt.quick) sets.train = nn::first_images(sets.train, 10000);
    sets.train_Y = bp::one_hot(sets.train.labels, kClasses);
    sets.validation_Y = bp::one_hot(sets.validation.labels, kClasses);
    sets.test_Y = bp::one_hot(sets.test.labels, kClasses);
    return sets;
}

// --load: the saved network on the test set, no training.
void evaluate_saved(const nn::CommonOptions& opt, const Settings& s) {
    Network net = bp::load_network(s.load);
    Sets sets = load_sets(opt, s);
    bp::require_shape(net, sets.test.images.dim(1), kClasses, "the test set in " + opt.data);
    std::printf("%s network loaded from %s\n%s", shape_of(net).c_str(), s.load.c_str(), bp::summary(net).c_str());
    nn::Outputs out(opt, kProgram);
    double test_cost = bp::mean_cost(net, sets.test.images, sets.test_Y);
    std::vector<int> guess = nn::argmax_rows(bp::predict(net, sets.test.images));
    std::vector<std::string> names = nn::class_names_of(opt.data);
    const std::string data_set = nn::data_set_name(opt.data);
    plot_misclassified(sets.test, guess, data_set, names, out);
    plot_confusion(sets.test, guess, data_set, names, out);
    plot_network(net, sets.test, data_set, names, out);
    out.result({{"test_accuracy", nn::fixed(bp::accuracy(net, sets.test.images, sets.test.labels), 4)},
                {"test_cost", nn::fixed(test_cost, 4)},
                {"parameters", std::to_string(net.parameter_count())}});
}

void declare_options(nn::Cli& cli, Settings& s) {
    cli.option("hidden", s.hidden, "hidden layer sizes, comma-separated (e.g. 256,128), or none", {}, "SIZES");
    cli.option("activation", s.activation, "hidden activation: sigmoid, tanh or relu",
               nn::one_of({"sigmoid", "tanh", "relu"}));
    cli.option("output", s.output, "output activation: sigmoid or softmax", nn::one_of({"sigmoid", "softmax"}));
    cli.option("cost", s.cost, "quadratic or cross-entropy");
    cli.option("init", s.init, "weights: large N(0,1), scaled N(0,1/n_in) or he N(0,2/n_in)");
    cli.option("eta", s.train.eta, "learning rate", nn::learning_rate());
    cli.option("batch", s.batch, "examples per mini-batch", nn::positive());
    cli.option("lambda", s.train.lambda, "L2 regularization: W <- (1 - eta lambda / n) W - eta nabla_W",
               nn::between(0, 1e6));
    cli.option("dropout", s.train.dropout, "probability of dropping a hidden unit while training, in [0, 0.95]",
               nn::between(0, 0.95));
    cli.option("validation", s.validation,
               "hold out the last N training images as a validation set (for tuning eta and lambda)",
               nn::between(0, 1e9));
    cli.output_file_option("save", s.save, "write the trained network to FILE");
    cli.file_option("load", s.load, "evaluate the network saved in FILE on the test set, no training");
}

// What the declarations cannot check: the options that go together.
void check_settings(Settings& s) {
    if (s.output == "softmax" && s.cost != "cross-entropy")
        throw nn::UsageError("--output softmax goes with --cost cross-entropy (got --cost " + s.cost + ")");
    s.train.batch = size_t(s.batch);
    if (!s.load.empty() && !s.save.empty())
        throw nn::UsageError("--load evaluates a saved network without training; it cannot be combined with --save");
    if (!s.save.empty()) {
        std::filesystem::path folder = std::filesystem::path(s.save).parent_path();
        std::error_code ec;
        if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
            throw nn::UsageError("--save " + s.save + ": there is no folder " + folder.string() + " to write it in");
    }
}

// The metrics of one epoch, in the order of the log's columns: whole sets, no dropout.
std::vector<double> epoch_metrics(const Network& net, const Sets& sets, int epoch, bool validation) {
    std::vector<double> row{double(epoch),
                            bp::mean_cost(net, sets.train.images, sets.train_Y),
                            bp::accuracy(net, sets.train.images, sets.train.labels),
                            bp::mean_cost(net, sets.test.images, sets.test_Y),
                            bp::accuracy(net, sets.test.images, sets.test.labels)};
    if (validation)
        row.insert(row.end(), {bp::mean_cost(net, sets.validation.images, sets.validation_Y),
                               bp::accuracy(net, sets.validation.images, sets.validation.labels)});
    return row;
}

// "epoch 3  train_cost=0.1727 ... seconds=0.10": the seconds are printed but kept out of
// the main CSV, so that the same seed gives the same CSV.
void print_epoch(const nn::MetricsLog& log, double seconds) {
    const std::vector<double>& row = log.rows().back();
    std::string line = "epoch " + std::to_string(int(row[0]));
    for (size_t c = 1; c < row.size(); ++c) line += "  " + log.columns()[c] + "=" + nn::significant(row[c], 4);
    std::printf("%s  seconds=%s\n", line.c_str(), nn::fixed(seconds, 2).c_str());
    std::fflush(stdout);
}

void plot_run(const Network& net, const Tensor& W0, const Settings& s, const nn::MetricsLog& log, const Sets& sets,
              const nn::CommonOptions& opt, nn::Outputs& out) {
    bool validation = s.validation > 0;
    const std::string data_set = nn::data_set_name(opt.data);
    nn::save_png({curves_panel(log, "cost", "Cost on " + data_set + ": " + describe_network(net, s), validation),
                  curves_panel(log, "accuracy", "Accuracy: " + describe_training(net, s), validation)},
                 2, out.path("fashion_mlp_curves.png"), {1500, 600});
    out.figure("fashion_mlp_curves.png",
               "The mean cost (left) and the accuracy (right) on the training and the test set after each "
               "epoch. Where the training curves keep improving and the test curves stop, the network "
               "has begun to learn its training images rather than clothes: it overfits.");
    std::vector<int> guess = nn::argmax_rows(bp::predict(net, sets.test.images));
    std::vector<std::string> names = nn::class_names_of(opt.data);
    plot_misclassified(sets.test, guess, data_set, names, out);
    plot_confusion(sets.test, guess, data_set, names, out);
    plot_network(net, sets.train, data_set, names, out);
    plot_first_layer(net, W0, sets.train, data_set, names, out);
}

// The last epoch's numbers (what the README quotes), and the best epoch for curiosity.
std::vector<std::pair<std::string, std::string>> result_of(const nn::MetricsLog& log, bool validation, double seconds) {
    const std::vector<double>& last = log.rows().back();
    std::vector<double> test_accuracy = log.column("test_accuracy");
    size_t best = size_t(std::max_element(test_accuracy.begin(), test_accuracy.end()) - test_accuracy.begin());
    std::vector<std::pair<std::string, std::string>> result{
        {"test_accuracy", nn::fixed(last[4], 4)}, {"test_cost", nn::fixed(last[3], 4)},
        {"train_accuracy", nn::fixed(last[2], 4)}};
    if (validation) result.push_back({"validation_accuracy", nn::fixed(last[6], 4)});
    result.insert(result.end(), {{"best_test_accuracy", nn::fixed(test_accuracy[best], 4)},
                                 {"best_epoch", std::to_string(best + 1)},
                                 {"epochs", std::to_string(log.rows().size())},
                                 {"seconds", nn::fixed(seconds, 1)}});
    return result;
}

void train_and_report(const nn::CommonOptions& opt, const Settings& s) {
    std::vector<size_t> sizes{kPixels};
    for (size_t n : nn::parse_sizes("--hidden", s.hidden)) sizes.push_back(n);
    sizes.push_back(kClasses);
    nn::Rng rng(opt.seed);
    Network net = bp::make_network(sizes, bp::parse_activation(s.activation), bp::parse_activation(s.output),
                                   bp::parse_cost(s.cost), bp::parse_init(s.init), rng);
    Tensor W0 = net.layers.front().W;  // the first layer's start, for plot_first_layer()
    Sets sets = load_sets(opt, s);
    bp::require_shape(net, sets.train.images.dim(1), kClasses, "the training set in " + opt.data);
    bool validation = s.validation > 0;
    int epochs = opt.quick ? std::min(opt.epochs, 3) : opt.epochs;
    std::string held_out = validation ? ", validation " + sets.validation.images.shape_string() : "";
    std::printf("%s, %s\ntrain %s%s, test %s, %d epochs\n%s", describe_network(net, s).c_str(),
                describe_training(net, s).c_str(), sets.train.images.shape_string().c_str(), held_out.c_str(),
                sets.test.images.shape_string().c_str(), epochs, bp::summary(net).c_str());
    nn::Outputs out(opt, kProgram);
    nn::Trace trace(opt.trace);

    std::vector<std::string> columns{"epoch", "train_cost", "train_accuracy", "test_cost", "test_accuracy"};
    if (validation) columns.insert(columns.end(), {"validation_cost", "validation_accuracy"});
    nn::MetricsLog log(columns, false), times({"epoch", "seconds"}, false);
    double seconds = 0;  // training only, not the evaluations
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        nn::Stopwatch watch;
        train_one_epoch(net, sets.train.images, sets.train_Y, s.train, rng, epoch, epochs, opt.progress, trace);
        double epoch_seconds = watch.seconds();
        seconds += epoch_seconds;
        if (epoch == 1) trace.close();
        log.add(epoch_metrics(net, sets, epoch, validation));
        times.add({double(epoch), epoch_seconds});
        print_epoch(log, epoch_seconds);
    }
    if (!s.save.empty()) {
        bp::save_network(net, s.save);
        std::printf("saved the network to %s\n", s.save.c_str());
    }
    log.write_csv(out.path("fashion_mlp.csv"));
    times.write_csv(out.path("fashion_mlp_seconds.csv"));
    plot_run(net, W0, s, log, sets, opt, out);
    out.result(result_of(log, validation, seconds));
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli(kProgram, "A multilayer perceptron on Fashion-MNIST, trained by backpropagation",
                    "out/03-backpropagation");
        cli.add_epochs(30);
        cli.add_data();
        Settings s;
        declare_options(cli, s);
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::gemm_set_threads(1);  // one thread: the same seed gives the same bits
        check_settings(s);
        if (!s.load.empty()) return evaluate_saved(opt, s);
        train_and_report(opt, s);
    });
}
