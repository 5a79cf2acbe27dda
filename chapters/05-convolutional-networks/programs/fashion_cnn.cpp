// Chapter 5, program: a convolutional network on Fashion-MNIST. The default is the
// chapter's LeNet-style net, conv 5x5x20 - pool 2 - conv 5x5x40 - pool 2 - dense 100 -
// dense 10 (ReLU, softmax, cross-entropy, mini-batch 64), trained by SGD with momentum
// under a cosine schedule with weight decay, one thread, for 15 epochs: the settings
// that did best on a validation split of 10,000 training images (the README's table).
// --net takes any stack of net.hpp's layers.
//
//   build/release/bin/05-convolutional-networks/fashion_cnn [--net conv5x5x20-bn-pool2-...]
//       [--epochs 15] [--eta 0.05] [--weight-decay 0.005] [--optimizer momentum]
//       [--schedule cosine] [--validation 10000]
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

using nn::Tensor;

const char* const kProgram = "fashion_cnn";
const char* const kLeNet = "conv5x5x20-pool2-conv5x5x40-pool2-dense100-dense10";

struct Settings {
    std::string net = kLeNet, optimizer = "momentum", schedule = "cosine";
    float eta = 0.05f;
    float weight_decay = 0.005f;
    int batch = 64;
    int validation = 0;
};

struct Sets {
    nn::ImageSet train, validation, test;
};

// Rows [begin, end) of a set, copied.
nn::ImageSet rows_of(const nn::ImageSet& set, size_t begin, size_t end) {
    nn::ImageSet part;
    part.rows = set.rows;
    part.cols = set.cols;
    const size_t d = set.images.dim(1);
    part.images = Tensor({end - begin, d});
    std::copy(set.images.data() + begin * d, set.images.data() + end * d, part.images.data());
    part.labels.assign(set.labels.begin() + long(begin), set.labels.begin() + long(end));
    return part;
}

// The validation images are the last ones of the training set, never the test set's:
// what --validation tunes, the test set only reports.
Sets load_sets(const nn::CommonOptions& opt, const Settings& s) {
    Sets sets;
    auto [full, test] = nn::load_train_test(opt.data);
    nn::require_pixels(full, 28 * 28, kProgram, opt.data);
    const size_t held_out = size_t(s.validation);
    if (held_out >= full.size())
        throw nn::UsageError("--validation " + std::to_string(held_out) + " leaves no training images (the set has " +
                             std::to_string(full.size()) + ")");
    sets.validation = rows_of(full, full.size() - held_out, full.size());
    sets.train = rows_of(full, 0, full.size() - held_out);
    sets.test = std::move(test);
    if (opt.quick) {
        sets.train = nn::first_images(sets.train, 4000);
        sets.test = nn::first_images(sets.test, 1000);
    }
    return sets;
}

// Resident set size at its peak, in MB (Linux reports ru_maxrss in KiB).
double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

std::vector<int> guesses(cnn::Net& net, const Tensor& X) {
    Tensor logits = cnn::predict(net, X);
    std::vector<int> guess(X.dim(0));
    for (size_t i = 0; i < X.dim(0); ++i) guess[i] = int(nn::argmax(logits.row(i)));
    return guess;
}

// The first convolution's kernels, one image each (channel 0 of each: the input is gray).
void plot_filters(const cnn::Net& net, nn::Outputs& out) {
    const cnn::Conv2d& conv = net.layers.front().conv;
    const size_t k = conv.kernel_rows();
    std::vector<nn::Image> images;
    for (size_t c = 0; c < conv.out_channels(); ++c) {
        std::vector<float> pixels(k * k);
        for (size_t u = 0; u < k; ++u)
            for (size_t v = 0; v < k; ++v) pixels[u * k + v] = conv.K(c, 0, u, v);
        images.push_back({k, k, std::move(pixels), "kernel " + std::to_string(c + 1)});
    }
    nn::save_image_grid(images, 10, out.path("fashion_cnn_filters.png"), nn::Palette::Diverging,
                        "The first layer's " + std::to_string(images.size()) + " learned kernels (red > 0, blue < 0)",
                        {1500, int(120 + 170 * ((images.size() + 9) / 10))});
    out.figure("fashion_cnn_filters.png",
               "The kernels of the first convolution after training, each a small image of the weights it "
               "slides over the picture: red weights add the pixel, blue ones subtract it. Most are edge "
               "detectors (a red band beside a blue one, at some angle) or blob detectors.");
}

void plot_confusion(const nn::ImageSet& test, const std::vector<int>& guess, const std::vector<std::string>& names,
                    nn::Outputs& out) {
    Tensor confusion({names.size(), names.size()});
    for (size_t i = 0; i < test.size(); ++i) confusion(size_t(test.labels[i]), size_t(guess[i])) += 1.0f;
    nn::save_png(nn::confusion_figure(confusion, names, "Test confusion matrix (rows: true class, columns: the guess)",
                                      "guessed class"),
                 out.path("fashion_cnn_confusion.png"), {1000, 850});
    out.figure("fashion_cnn_confusion.png",
               "Counts of test images by true class (row) and the network's guess (column); the diagonal "
               "holds the right answers.");
}

void plot_misclassified(const nn::ImageSet& test, const std::vector<int>& guess,
                        const std::vector<std::string>& names, nn::Outputs& out) {
    std::vector<nn::Image> images;
    for (size_t i = 0; i < test.size() && images.size() < 24; ++i) {
        if (guess[i] == test.labels[i]) continue;
        auto pixels = test.images.row(i);
        images.push_back({test.rows, test.cols, {pixels.begin(), pixels.end()},
                          names[size_t(test.labels[i])] + " -> " + names[size_t(guess[i])]});
    }
    if (images.empty()) return;
    nn::save_image_grid(images, 8, out.path("fashion_cnn_misclassified.png"), nn::Palette::Gray,
                        "The first misclassified test images (true class -> the guess)", {1700, 800});
    out.figure("fashion_cnn_misclassified.png",
               "The first test images the network gets wrong, each titled with its true class and its guess.");
}

void plot_curves(const nn::MetricsLog& log, bool validation, nn::Outputs& out) {
    nn::Figure figure({.title = "Accuracy after each epoch", .xlabel = "epoch", .ylabel = "fraction classified right",
                       .integer_x = true});
    figure.add({"train (the mini-batches as seen)", log.column("epoch"), log.column("train_accuracy"), "linespoints lw 3 pt 7"});
    if (validation)
        figure.add({"validation", log.column("epoch"), log.column("validation_accuracy"), "linespoints lw 3 pt 9"});
    figure.add({"test", log.column("epoch"), log.column("test_accuracy"), "linespoints lw 3 pt 5"});
    nn::save_png(figure, out.path("fashion_cnn_curves.png"), {1000, 600});
    out.figure("fashion_cnn_curves.png",
               "The accuracy on the training mini-batches (as they were seen during the epoch) and on the "
               "test set after each epoch.");
}

void declare_options(nn::Cli& cli, Settings& s) {
    cli.option("net", s.net, "the layers, '-' between them: convKxKxC[sS][pP], bn, poolN, avgpoolN, denseN, dropoutP",
               {}, "SPEC");
    cli.option("eta", s.eta, "learning rate (its peak under a schedule)", nn::learning_rate());
    cli.option("weight-decay", s.weight_decay, "lambda: each step shrinks kernels and weights, w <- (1 - eta lambda) w",
               nn::between(0, 1));
    cli.option("batch", s.batch, "examples per mini-batch", nn::between(1, 4096));
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam",
               nn::one_of(gd::Optimizer::names()));
    cli.option("schedule", s.schedule, "learning rate over the run: constant, step, cosine or warmup-cosine",
               nn::one_of({"constant", "step", "cosine", "warmup-cosine"}));
    cli.option("validation", s.validation, "hold out the last N training images as a validation set",
               nn::between(0, 1e9));
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli(kProgram, "A convolutional network on Fashion-MNIST", "out/05-convolutional-networks");
        cli.add_epochs(15);
        cli.add_data();
        Settings s;
        declare_options(cli, s);
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::gemm_set_threads(1);  // one thread: the same seed gives the same bits
        nn::Rng rng(opt.seed);
        cnn::Net net = cnn::make_net(s.net, {1, 28, 28}, rng);  // a bad --net is refused before the data is read
        const gd::Schedule schedule = gd::parse_schedule(s.schedule);
        Sets sets = load_sets(opt, s);
        const bool validation = s.validation > 0;
        const int epochs = opt.quick ? std::min(opt.epochs, 2) : opt.epochs;
        std::printf("%s\ntrain %s, test %s, %d epochs, %s, eta %s (%s), weight decay %s, batch %d\n%s",
                    s.net.c_str(), sets.train.images.shape_string().c_str(), sets.test.images.shape_string().c_str(),
                    epochs, s.optimizer.c_str(), nn::significant(s.eta).c_str(), s.schedule.c_str(),
                    nn::significant(s.weight_decay).c_str(), s.batch, cnn::summary(net).c_str());
        nn::Outputs out(opt, kProgram);

        cnn::NetTraining training(net, sets.train.images, sets.train.labels, rng);
        gd::Optimizer optimizer = gd::Optimizer::make(s.optimizer, s.eta);
        long T = 0;
        size_t right = 0;
        nn::Trainer trainer(training, [&](const nn::Step& step, std::span<const nn::Parameter> parameters) {
            const float eta = gd::learning_rate(schedule, s.eta, step.t, T);
            optimizer.set_eta(eta);
            optimizer.step(parameters);
            if (s.weight_decay > 0) cnn::decay_weights(net, eta, s.weight_decay);
        }, {.batch = size_t(s.batch), .shuffle = &rng, .eta = s.eta});
        T = trainer.steps_per_epoch() * epochs;

        std::vector<std::string> columns{"epoch", "train_cost", "train_accuracy", "test_accuracy"};
        if (validation) columns.push_back("validation_accuracy");
        nn::MetricsLog log(columns, false), times({"epoch", "seconds"}, false);
        double seconds = 0;
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), sets.train.size(),
                                  opt.progress);
            right = 0;
            nn::Stopwatch watch;
            double cost = trainer.epoch([&](const nn::Step& step) {
                // The mini-batch's guesses, from the logits the loss was computed on.
                const Tensor& logits = training.pass().acts.back();
                for (size_t i = 0; i < step.rows.size(); ++i)
                    right += int(nn::argmax(logits.row(i))) == sets.train.labels[step.rows[i]];
                progress.tick(step.rows.size());
            });
            const double epoch_seconds = watch.seconds();
            seconds += epoch_seconds;
            std::vector<double> row{double(epoch), cost, double(right) / double(sets.train.size()),
                                    cnn::accuracy(net, sets.test.images, sets.test.labels)};
            if (validation) row.push_back(cnn::accuracy(net, sets.validation.images, sets.validation.labels));
            log.add(row);
            times.add({double(epoch), epoch_seconds});
            std::printf("epoch %d  train_cost=%.4f  train_accuracy=%.4f  test_accuracy=%.4f%s  seconds=%.1f\n", epoch,
                        row[1], row[2], row[3],
                        validation ? ("  validation_accuracy=" + nn::fixed(row[4], 4)).c_str() : "", epoch_seconds);
            std::fflush(stdout);
        }
        log.write_csv(out.path("fashion_cnn.csv"));
        times.write_csv(out.path("fashion_cnn_seconds.csv"));
        plot_curves(log, validation, out);
        std::vector<int> guess = guesses(net, sets.test.images);
        std::vector<std::string> names = nn::class_names_of(opt.data);
        plot_filters(net, out);
        plot_confusion(sets.test, guess, names, out);
        plot_misclassified(sets.test, guess, names, out);

        const std::vector<double>& last = log.rows().back();
        std::vector<std::pair<std::string, std::string>> result{
            {"test_accuracy", nn::fixed(last[3], 4)}, {"train_accuracy", nn::fixed(last[2], 4)}};
        if (validation) result.push_back({"validation_accuracy", nn::fixed(last[4], 4)});
        result.insert(result.end(), {{"parameters", std::to_string(net.parameter_count())},
                                     {"multiply_adds", std::to_string(cnn::multiply_adds(net))},
                                     {"epochs", std::to_string(epochs)},
                                     {"seconds_per_epoch", nn::fixed(seconds / epochs, 1)},
                                     {"peak_rss_mb", nn::fixed(peak_rss_mb(), 0)}});
        std::printf("peak resident memory: %.0f MB\n", peak_rss_mb());
        out.result(result);
    });
}
