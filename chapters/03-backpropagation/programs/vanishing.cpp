// Chapter 3, program: vanishing gradients. By BP2 the error of a layer is the error
// of the layer above, multiplied by W^T and by f'(z): delta^l = ((W^{l+1})^T delta^{l+1}) (.) f'(z^l).
// A sigmoid's f' is at most 1/4, so in a deep sigmoid network delta shrinks layer after
// layer on its way down, and the first layers hardly learn (Nielsen, chapter 5). A ReLU's
// f' is 1 where it is active, and He's initialization (W ~ N(0, 2/n_in)) keeps the size
// of delta about constant from layer to layer.
//
// Two networks [784, 30 x depth, 10] with softmax outputs and the cross-entropy cost,
// sigmoid (W ~ N(0, 1/n_in)) and ReLU (He), measured on the same Fashion-MNIST images:
// the gradient norms |nabla_W^l| and |nabla_b^l| of every layer l at initialization,
// over the first epoch, and after training. |nabla_b^l| = |mean of delta^l| is what
// Nielsen calls the speed at which layer l learns.
//
//   build/release/bin/03-backpropagation/vanishing [--depth 7] [--epochs 3] [--train 10000]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/trace.hpp"

namespace {

using bp::Activation;
using nn::Tensor;

const size_t kClasses = 10;

struct Settings {
    size_t depth = 7, width = 30, train = 10000, probe = 500, batch = 10;
    float eta = 0.05f;
    int epochs = 3;
};

// The Euclidean norm of each layer's gradients: |nabla_W^l| (all entries) and |nabla_b^l|.
struct Norms {
    std::vector<double> w, b;
};

double norm(std::span<const float> values) {
    double square = 0;
    for (float v : values) square += double(v) * v;
    return std::sqrt(square);
}

// The gradient of the mean cost over the probe batch (the same images for every
// measurement, so the curves differ only because the network does).
Norms gradient_norms(const bp::Network& net, const Tensor& X, const Tensor& Y) {
    bp::Pass pass;
    bp::Gradients grads;
    bp::forward(net, X, pass);
    bp::backprop(net, pass, Y, grads);
    Norms n;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        n.w.push_back(norm(grads.nabla_w[l].span()));
        n.b.push_back(norm(grads.nabla_b[l]));
    }
    return n;
}

// The record of one network's run.
struct Run {
    std::string name;
    Norms at_start, at_end;
    std::vector<double> seen;   // examples seen at each measurement of the first epoch
    std::vector<Norms> during;  // the norms then
    std::vector<double> test_accuracy;  // after each epoch
};

struct Data {
    Tensor X, Y;                // training set
    Tensor probe_X, probe_Y;    // its first examples, where the gradients are measured
    nn::ImageSet test;
};

// One epoch of mini-batch SGD, measuring the probe gradient `measurements` times
// along the way, after the update, when run != nullptr.
void train_epoch(bp::Network& net, const Data& data, const Settings& s, nn::Rng& rng, int epoch, Run* run,
                 size_t measurements, nn::Trace& trace) {
    bp::NetworkTraining training(net, data.X, data.Y);
    size_t n = data.X.dim(0), steps = (n + s.batch - 1) / s.batch;
    size_t every = std::max<size_t>(1, steps / measurements);
    auto sgd_and_measure = [&](const nn::Step& step, std::span<const nn::Parameter>) {
        bp::sgd_step(net, training.gradients(), s.eta, 0.0f, n);
        size_t done = size_t(step.in_epoch) + 1;
        if (run && done % every == 0) {
            run->seen.push_back(double(done * s.batch));
            run->during.push_back(gradient_norms(net, data.probe_X, data.probe_Y));
        }
    };
    nn::Trainer trainer(training, sgd_and_measure, {.batch = s.batch, .shuffle = &rng, .eta = s.eta,
                                                    .first_epoch = epoch});
    trainer.epoch([&](const nn::Step& step) {
        if (run && trace.wants(int(step.in_epoch)))
            for (size_t l = 0; l < training.gradients().nabla_w.size(); ++l)
                trace.record(int(step.in_epoch), run->name + ".nabla_w" + std::to_string(l),
                             training.gradients().nabla_w[l].span());
    });
}

Run train_and_measure(Activation f, const Data& data, const Settings& s, uint64_t seed, nn::ProgressMode mode,
                      nn::Trace& trace) {
    nn::Rng rng(seed);  // the same seed for both networks: same data order, same normal draws
    std::vector<size_t> sizes{data.X.dim(1)};
    for (size_t l = 0; l < s.depth; ++l) sizes.push_back(s.width);
    sizes.push_back(kClasses);
    bp::Init init = f == Activation::ReLU ? bp::Init::He : bp::Init::Scaled;
    bp::Network net = bp::make_network(sizes, f, Activation::Softmax, bp::Cost::CrossEntropy, init, rng);
    Run run{bp::name_of(f), gradient_norms(net, data.probe_X, data.probe_Y), {}, {}, {}, {}};
    run.seen.push_back(0);
    run.during.push_back(run.at_start);
    nn::Progress progress(run.name, size_t(s.epochs), mode);
    for (int epoch = 1; epoch <= s.epochs; ++epoch) {
        nn::Trace off;
        train_epoch(net, data, s, rng, epoch, epoch == 1 ? &run : nullptr, 25, epoch == 1 ? trace : off);
        run.test_accuracy.push_back(bp::accuracy(net, data.test.images, data.test.labels));
        std::printf("%-8s epoch %d  test_accuracy=%.4f\n", run.name.c_str(), epoch, run.test_accuracy.back());
        progress.tick();
    }
    run.at_end = gradient_norms(net, data.probe_X, data.probe_Y);
    return run;
}

// First hidden layer against last hidden layer: the output layer is left out, since
// its delta comes from the cost directly and its activation differs.
double first_to_last(const std::vector<double>& norms) { return norms.front() / norms[norms.size() - 2]; }

void print_table(const Run& sigmoid, const Run& relu) {
    std::printf("\nGradient norms on the probe batch at initialization (|nabla_b| = the speed of learning):\n");
    std::printf("%-8s %14s %14s %14s %14s\n", "layer", "sigmoid |dW|", "sigmoid |db|", "relu |dW|", "relu |db|");
    for (size_t l = 0; l < sigmoid.at_start.w.size(); ++l)
        std::printf("%-8s %14.3e %14.3e %14.3e %14.3e\n",
                    (std::to_string(l + 1) + (l + 1 == sigmoid.at_start.w.size() ? " (out)" : "")).c_str(),
                    sigmoid.at_start.w[l], sigmoid.at_start.b[l], relu.at_start.w[l], relu.at_start.b[l]);
    std::printf("first / last hidden layer:  |dW| sigmoid %.3g, relu %.3g;  |db| sigmoid %.3g, relu %.3g\n",
                first_to_last(sigmoid.at_start.w), first_to_last(relu.at_start.w), first_to_last(sigmoid.at_start.b),
                first_to_last(relu.at_start.b));
}

std::vector<double> layer_numbers(size_t count) {
    std::vector<double> x;
    for (size_t l = 1; l <= count; ++l) x.push_back(double(l));
    return x;
}

nn::Figure layers_panel(const Run& sigmoid, const Run& relu, bool weights, const std::string& data_set) {
    nn::Figure figure({.title = weights ? "|nabla_W| of each layer, on " + data_set
                                        : "|nabla_b| of each layer: the speed of learning",
                       .xlabel = "layer l (the last is the softmax output)",
                       .ylabel = weights ? "|nabla_W^l|" : "|nabla_b^l|",
                       .logy = true});
    auto pick = [&](const Norms& n) { return weights ? n.w : n.b; };
    std::vector<double> x = layer_numbers(sigmoid.at_start.w.size());
    figure.add({"sigmoid at initialization", x, pick(sigmoid.at_start), "linespoints lw 3 pt 7 ps 1.3 lc rgb '#4E79A7'"});
    figure.add({"relu at initialization", x, pick(relu.at_start), "linespoints lw 3 pt 5 ps 1.3 lc rgb '#E15759'"});
    figure.add({"sigmoid after training", x, pick(sigmoid.at_end), "linespoints lw 2 dt 2 pt 6 ps 1.3 lc rgb '#4E79A7'"});
    figure.add({"relu after training", x, pick(relu.at_end), "linespoints lw 2 dt 2 pt 4 ps 1.3 lc rgb '#E15759'"});
    return figure;
}

nn::Figure training_panel(const Run& run, double low, double high, const std::string& data_set) {
    nn::Figure figure({.title = run.name + ": |nabla_W^l| over the first epoch on " + data_set,
                       .xlabel = "training examples seen",
                       .ylabel = "|nabla_W^l| on the probe batch",
                       .logy = true,
                       .yrange = std::pair{low, high}});
    // The layers are ordered, and neighbours must stay apart where their curves cross (the
    // ReLU panel): one sequential palette, dark for the first layer, and solid and dashed
    // lines in turn, so that two neighbours differ in lightness, hue and dashes.
    size_t layers = run.at_start.w.size();
    for (size_t l = 0; l < layers; ++l) {
        std::vector<double> y;
        for (const Norms& n : run.during) y.push_back(n.w[l]);
        std::string name = "layer " + std::to_string(l + 1) + (l + 1 == layers ? " (out)" : "");
        figure.add({name, run.seen, y,
                    std::string(l % 2 ? "lines lw 2.5 dt (6,3)" : "lines lw 2.5") + " lc rgb '" +
                        nn::ordered_color(l, layers) + "'"});
    }
    return figure;
}

// One range for both panels of the training figure, so that their heights compare.
std::pair<double, double> shared_range(const Run& a, const Run& b) {
    double low = INFINITY, high = 0;
    for (const Run* run : {&a, &b})
        for (const Norms& n : run->during)
            for (double v : n.w) low = std::min(low, v), high = std::max(high, v);
    return {low / 2, high * 2};
}

Data load(const std::string& dir, const Settings& s, bool quick) {
    nn::TrainTest sets = nn::load_train_test(dir);
    nn::ImageSet train = nn::first_images(sets.train, s.train);
    nn::ImageSet test = nn::first_images(sets.test, quick ? 2000 : 10000);
    Data data{train.images, bp::one_hot(train.labels, kClasses), {}, {}, std::move(test)};
    std::vector<size_t> first(std::min(s.probe, train.size()));
    for (size_t i = 0; i < first.size(); ++i) first[i] = i;
    nn::gather_rows(data.X, first, data.probe_X);
    nn::gather_rows(data.Y, first, data.probe_Y);
    return data;
}

void write_csv(const Run& sigmoid, const Run& relu, const std::string& path) {
    nn::MetricsLog log({"layer", "sigmoid_w_start", "sigmoid_b_start", "relu_w_start", "relu_b_start", "sigmoid_w_end",
                        "sigmoid_b_end", "relu_w_end", "relu_b_end"},
                       false);
    for (size_t l = 0; l < sigmoid.at_start.w.size(); ++l)
        log.add({double(l + 1), sigmoid.at_start.w[l], sigmoid.at_start.b[l], relu.at_start.w[l], relu.at_start.b[l],
                 sigmoid.at_end.w[l], sigmoid.at_end.b[l], relu.at_end.w[l], relu.at_end.b[l]});
    log.write_csv(path);
}

void plot_runs(const Run& sigmoid, const Run& relu, const std::string& data_set, nn::Outputs& out) {
    nn::save_png({layers_panel(sigmoid, relu, true, data_set), layers_panel(sigmoid, relu, false, data_set)}, 2,
                 out.path("vanishing_layers.png"), {1300, 600});
    out.figure("vanishing_layers.png",
               "The size of the gradient in each layer, on a log scale, at initialization (solid) and "
               "after training (dashed). Going down the sigmoid network (right to left) every layer "
               "multiplies delta by W^T and by sigma'(z) <= 1/4, and the gradient shrinks by a "
               "constant factor per layer: a straight line on this scale. The ReLU network with He's "
               "initialization keeps it about level. Right: |nabla_b^l|, Nielsen's speed of learning.");
    auto [low, high] = shared_range(sigmoid, relu);
    nn::save_png({training_panel(sigmoid, low, high, data_set), training_panel(relu, low, high, data_set)}, 2,
                 out.path("vanishing_training.png"), {1300, 600});
    out.figure("vanishing_training.png",
               "|nabla_W^l| of every layer during the first epoch (same scale in both panels). In the "
               "sigmoid network the layers stay ordered, the first ones learning far more slowly than "
               "the last, for the whole epoch; in the ReLU network all layers learn at a similar pace.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("vanishing", "Vanishing gradients: per-layer gradient norms of deep sigmoid and ReLU networks",
                    "out/03-backpropagation");
        Settings s;
        cli.add_epochs(s.epochs);
        cli.add_data();
        cli.option("depth", s.depth, "hidden layers", nn::between(1, 50));
        cli.option("width", s.width, "units in each hidden layer", nn::between(1, 4096));
        cli.option("train", s.train, "training images (the first ones)", nn::between(100, 60000));
        cli.option("eta", s.eta, "learning rate", nn::learning_rate());
        cli.option("batch", s.batch, "examples per mini-batch");
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::require_in_range("--batch", double(s.batch), 1, double(s.train));  // --train as given, before --quick
        // --quick: 2000 images, one epoch.
        s.epochs = opt.quick ? 1 : opt.epochs;
        if (opt.quick) s.train = std::min<size_t>(s.train, 2000);
        Data data = load(opt.data, s, opt.quick);
        const std::string data_set = nn::data_set_name(opt.data);
        std::printf("%s: %zu training images, %zu test images; [%zu, %zu x %zu, 10], %d epoch(s), "
                    "eta %s, batch %zu; gradients measured on the first %zu images\n",
                    data_set.c_str(), data.X.dim(0), data.test.size(), data.X.dim(1), s.width, s.depth, s.epochs,
                    nn::significant(s.eta).c_str(),
                    s.batch, data.probe_X.dim(0));
        nn::Outputs out(opt, "vanishing");
        nn::Trace trace(opt.trace);

        nn::Stopwatch watch;
        Run sigmoid = train_and_measure(Activation::Sigmoid, data, s, opt.seed, opt.progress, trace);
        Run relu = train_and_measure(Activation::ReLU, data, s, opt.seed, opt.progress, trace);
        trace.close();
        double seconds = watch.seconds();
        print_table(sigmoid, relu);
        write_csv(sigmoid, relu, out.path("vanishing.csv"));
        plot_runs(sigmoid, relu, data_set, out);

        out.result({{"sigmoid_ratio", nn::significant(first_to_last(sigmoid.at_start.w), 3)},
                    {"relu_ratio", nn::significant(first_to_last(relu.at_start.w), 3)},
                    {"sigmoid_speed_ratio", nn::significant(first_to_last(sigmoid.at_start.b), 3)},
                    {"relu_speed_ratio", nn::significant(first_to_last(relu.at_start.b), 3)},
                    {"sigmoid_test_accuracy", nn::fixed(sigmoid.test_accuracy.back(), 4)},
                    {"relu_test_accuracy", nn::fixed(relu.test_accuracy.back(), 4)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
