// Chapter 1, program 4: the multi-class perceptron and the averaged perceptron on
// Fashion-MNIST, ten classes of 28x28 grayscale clothes. One weight vector per
// class; the averaged weights generalize better than the last ones.
//
//   build/release/bin/01-perceptron/fashion [--epochs 10] [--data DIR] [--quick]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "01-perceptron/perceptron.hpp"
#include "common/cli.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/trace.hpp"

namespace {

using perceptron::AveragedPerceptron;
using perceptron::MulticlassPerceptron;

const size_t kClasses = 10;

// What the learner's code produces on the first examples: the prediction, the
// weights of both perceptrons after the update, and the averaged biases.
void trace_step(nn::Trace& trace, int step, int y, int y_hat, const MulticlassPerceptron& plain,
                const AveragedPerceptron& avg) {
    trace.record(step, "y", float(y));
    trace.record(step, "y_hat", float(y_hat));
    trace.record(step, "plain.W", plain.W.span());
    trace.record(step, "plain.b", plain.b);
    trace.record(step, "avg.u.W", avg.u.W.span());
    trace.record(step, "avg.u.b", avg.u.b);
    trace.record(step, "avg.c", float(avg.c));
    trace.record(step, "averaged.b", perceptron::averaged(avg).b);
}

struct Models {
    MulticlassPerceptron plain;
    AveragedPerceptron avg;
};

// One shuffled pass; both perceptrons see the same examples in the same order.
// Returns the number of mistakes of the plain one.
int train_one_epoch(Models& m, const nn::ImageSet& train, int epoch, int epochs, nn::Rng& rng,
                    nn::ProgressMode mode, nn::Trace& trace) {
    std::vector<size_t> order = rng.permutation(train.size());
    nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs),
                          order.size(), mode);
    int mistakes = 0;
    int step = 0;
    for (size_t i : order) {
        auto x = train.images.row(i);
        int y = train.labels[i];
        bool traced = epoch == 1 && trace.wants(step);
        int y_hat = traced ? perceptron::predict_class(m.plain, x) : 0;
        if (perceptron::update_multiclass(m.plain, x, y)) ++mistakes;
        perceptron::update_averaged(m.avg, x, y);
        if (traced) trace_step(trace, step, y, y_hat, m.plain, m.avg);
        ++step;
        if (step % 1000 == 0) progress.tick(1000);
    }
    progress.tick(order.size() % 1000);
    return mistakes;
}

nn::Image weight_image(std::span<const float> w, size_t rows, size_t cols, std::string title) {
    return nn::Image{rows, cols, {w.begin(), w.end()}, std::move(title)};
}

// Both perceptrons for `epochs` epochs, evaluated on the test set after each one; the
// averaged perceptron's test counts of the last epoch go to `confusion`.
nn::MetricsLog train_and_test(Models& m, const nn::ImageSet& train, const nn::ImageSet& test, int epochs,
                              const nn::CommonOptions& opt, nn::Trace& trace, nn::Tensor& confusion) {
    nn::Rng rng(opt.seed);
    nn::MetricsLog log({"epoch", "train_mistakes", "train_accuracy", "test_accuracy",
                        "averaged_test_accuracy"});
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        int mistakes = train_one_epoch(m, train, epoch, epochs, rng, opt.progress, trace);
        if (epoch == 1) trace.close();
        double test_accuracy = perceptron::accuracy(m.plain, test.images, test.labels);
        double averaged_accuracy = perceptron::accuracy(perceptron::averaged(m.avg), test.images,
                                                        test.labels, &confusion);
        // Mistakes made while learning, so "train accuracy" is an online one.
        log.add({double(epoch), double(mistakes), 1.0 - double(mistakes) / double(train.size()),
                 test_accuracy, averaged_accuracy});
    }
    return log;
}

void plot_accuracy(nn::Outputs& out, const nn::MetricsLog& log, const std::string& data_set, size_t train_size) {
    nn::Figure curves({.title = "Perceptrons on " + data_set + " (" + std::to_string(train_size) +
                                " training images)",
                       .xlabel = "epoch",
                       .ylabel = "accuracy"});
    curves.add({"train (online, during the epoch)", log.column("epoch"),
                log.column("train_accuracy"), "linespoints lw 3 pt 7"});
    curves.add({"test, last weights", log.column("epoch"), log.column("test_accuracy"),
                "linespoints lw 3 pt 5"});
    curves.add({"test, averaged weights", log.column("epoch"),
                log.column("averaged_test_accuracy"), "linespoints lw 3 pt 9"});
    nn::save_png(curves, out.path("fashion_accuracy.png"));
    out.figure("fashion_accuracy.png",
               "The last weights jump around from epoch to epoch; the averaged weights give "
               "a steadier and higher test accuracy.");
}

void plot_weights(nn::Outputs& out, const MulticlassPerceptron& average, const std::string& data_set,
                  const std::vector<std::string>& names, size_t rows, size_t cols) {
    std::vector<nn::Image> images;
    for (size_t c = 0; c < kClasses; ++c)
        images.push_back(weight_image(average.W.row(c), rows, cols, names[c]));
    nn::save_image_grid(images, 5, out.path("fashion_weights.png"), nn::Palette::Diverging,
                        "Averaged perceptron weights on " + data_set + " (red: pixel votes for the class, blue: against)",
                        {1200, 600});
    out.figure("fashion_weights.png",
               "Each class's averaged weights as a 28x28 image: red pixels raise its score, "
               "blue ones lower it. Trouser penalizes ink in the gap between the legs; the "
               "shoes weigh the lower half of the image.");
}

void plot_confusion(nn::Outputs& out, const nn::Tensor& confusion, const std::string& data_set,
                    const std::vector<std::string>& names) {
    nn::save_png(nn::confusion_figure(confusion, names,
                                      data_set + " test confusion matrix, averaged perceptron (rows: true class)"),
                 out.path("fashion_confusion.png"), {1000, 850});
    out.figure("fashion_confusion.png",
               "Counts of test images by true (row) and predicted (column) class: shirts, "
               "T-shirts, pullovers and coats are confused with each other.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("fashion", "The multi-class and the averaged perceptron on Fashion-MNIST",
                    "out/01-perceptron");
        cli.add_epochs(10);
        cli.add_data();
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        auto [train, test] = nn::load_train_test(opt.data);
        // --quick: the first 10000 training images and at most 3 epochs; the
        // test set stays whole, so the accuracies remain comparable.
        int epochs = opt.quick ? std::min(opt.epochs, 3) : opt.epochs;
        if (opt.quick) train = nn::first_images(train, 10000);
        std::printf("train %s, test %s, %d epochs\n", train.images.shape_string().c_str(),
                    test.images.shape_string().c_str(), epochs);
        nn::Outputs out(opt, "fashion");
        nn::Trace trace(opt.trace);

        size_t d = train.images.dim(1);
        Models m{MulticlassPerceptron(kClasses, d), AveragedPerceptron(kClasses, d)};
        nn::Stopwatch watch;
        nn::Tensor confusion;
        nn::MetricsLog log = train_and_test(m, train, test, epochs, opt, trace, confusion);
        double seconds = watch.seconds();
        log.write_csv(out.path("fashion.csv"));

        std::vector<std::string> names = nn::class_names_of(opt.data);
        const std::string data_set = nn::data_set_name(opt.data);
        plot_accuracy(out, log, data_set, train.size());
        plot_weights(out, perceptron::averaged(m.avg), data_set, names, train.rows, train.cols);
        plot_confusion(out, confusion, data_set, names);

        out.result({{"test_accuracy", nn::fixed(log.rows().back()[3], 4)},
                    {"averaged_test_accuracy", nn::fixed(log.rows().back()[4], 4)},
                    {"epochs", std::to_string(epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
