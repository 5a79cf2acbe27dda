// Chapter 2, program 5: softmax regression on Fashion-MNIST, trained by mini-batch
// gradient descent on the cross-entropy. Ten weight vectors, one per class, as
// the multi-class perceptron of chapter 1 had, but trained on a smooth loss whose
// gradient with respect to the logits is simply softmax(Z) - Y.
//
//   build/release/bin/02-gradient-descent/softmax_fashion [--epochs 10] [--eta 0.5] [--schedule cosine]
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
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

using gd::SoftmaxModel;
using nn::Tensor;

const size_t kClasses = 10;

// The mean cross-entropy over a whole set, in slices so the logits stay small.
double mean_loss(const SoftmaxModel& model, const nn::ImageSet& set) {
    double total = 0;
    const size_t slice = 10000;
    for (size_t start = 0; start < set.size(); start += slice) {
        std::vector<size_t> idx;
        for (size_t i = start; i < std::min(set.size(), start + slice); ++i) idx.push_back(i);
        Tensor Z = gd::logits(model, nn::gather_rows(set.images, idx)), dZ;
        std::vector<int> labels(set.labels.begin() + long(start), set.labels.begin() + long(start + idx.size()));
        total += gd::softmax_cross_entropy(Z, labels, dZ) * double(idx.size());
    }
    return total / double(set.size());
}

// What the learner's code produces on the first mini-batches: the gradient with
// respect to the logits (exercise 2.6), and the gradients of W and b it gives.
void trace_step(nn::Trace& trace, int step, const SoftmaxModel& model, const gd::SoftmaxTraining& training) {
    Tensor dZ;
    gd::softmax_cross_entropy(gd::logits(model, training.batch()), training.batch_labels(), dZ);
    trace.record(step, "dZ", dZ.span());
    trace.record(step, "dW", training.dW().span());
    trace.record(step, "db", training.db());
}

nn::Figure curves_panel(const nn::MetricsLog& log, bool losses, const std::string& data_set, const std::string& optimizer,
                        float eta, size_t batch) {
    nn::Figure figure({.title = losses ? "Cross-entropy on " + data_set + " (" + optimizer + ", eta " +
                                             nn::significant(eta) + ", batch " + std::to_string(batch) + ")"
                                       : "Accuracy",
                       .xlabel = "epoch",
                       .ylabel = losses ? "mean loss" : "fraction classified right"});
    if (losses) {
        figure.add({"train", log.column("epoch"), log.column("train_loss"), "linespoints lw 3 pt 7"});
        figure.add({"test", log.column("epoch"), log.column("test_loss"), "linespoints lw 3 pt 5"});
    } else {
        figure.add({"train", log.column("epoch"), log.column("train_accuracy"), "linespoints lw 3 pt 7"});
        figure.add({"test", log.column("epoch"), log.column("test_accuracy"), "linespoints lw 3 pt 5"});
    }
    return figure;
}

struct Settings {
    nn::CommonOptions opt;
    std::string optimizer = "sgd", schedule = "cosine";
    float eta = 0.5f;
    int batch = 100;
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("softmax_fashion", "Softmax regression on Fashion-MNIST by mini-batch gradient descent",
                "out/02-gradient-descent");
    cli.add_epochs(10);
    cli.add_data();
    Settings s;
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam");
    cli.option("eta", s.eta, "learning rate", nn::learning_rate());
    cli.option("batch", s.batch, "examples per mini-batch", nn::positive());
    cli.option("schedule", s.schedule, "learning rate over the run: constant, step, cosine or warmup-cosine");
    cli.add_trace();
    s.opt = cli.parse(argc, argv);
    return s;
}

// Mini-batch gradient descent for `epochs` passes, the rate following `schedule` from
// eta down; one row of the log per epoch. The trace covers the first epoch's steps.
nn::MetricsLog fit(SoftmaxModel& model, const nn::ImageSet& train, const nn::ImageSet& test, gd::Optimizer& optimizer,
                   gd::Schedule schedule, const Settings& s, int epochs, nn::Trace& trace) {
    nn::Rng rng(s.opt.seed);
    gd::SoftmaxTraining training(model, train.images, train.labels);
    size_t batch = size_t(s.batch);
    long total_steps = long(epochs) * long((train.size() + batch - 1) / batch);
    nn::Trainer trainer(training, [&](const nn::Step& step, std::span<const nn::Parameter> parameters) {
        optimizer.set_eta(gd::learning_rate(schedule, s.eta, step.t, total_steps));
        optimizer.step(parameters);
    }, {.batch = batch, .shuffle = &rng, .eta = s.eta});
    nn::MetricsLog log({"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"});
    double first_loss = 0;
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), train.size(),
                              s.opt.progress);
        trainer.epoch([&](const nn::Step& step) {
            if (step.t == 0) first_loss = step.loss;
            nn::check_not_climbing(step.loss, first_loss, step.epoch, step.t, s.eta);  // the rate chosen with --eta
            if (trace.wants(int(step.t))) trace_step(trace, int(step.t), model, training);
            progress.tick(step.rows.size());
        });
        if (epoch == 1) trace.close();
        log.add({double(epoch), mean_loss(model, train), gd::softmax_accuracy(model, train.images, train.labels),
                 mean_loss(model, test), gd::softmax_accuracy(model, test.images, test.labels)});
    }
    return log;
}

void plot_curves(nn::Outputs& out, const nn::MetricsLog& log, const Settings& s) {
    const std::string data_set = nn::data_set_name(s.opt.data);
    nn::save_png({curves_panel(log, true, data_set, s.optimizer, s.eta, size_t(s.batch)),
                  curves_panel(log, false, data_set, s.optimizer, s.eta, size_t(s.batch))},
                 2, out.path("softmax_fashion_curves.png"), {1300, 550});
    out.figure("softmax_fashion_curves.png",
               "Loss and accuracy on the training and the test set after each epoch. While the "
               "rate is high the curves jump from epoch to epoch; as the schedule lowers it they "
               "settle. The small gap between train and test says a linear model is too simple "
               "for this data rather than too flexible.");
}

void plot_weights(nn::Outputs& out, const SoftmaxModel& model, const nn::ImageSet& train, const std::string& data) {
    std::vector<std::string> names = nn::class_names_of(data);
    std::vector<nn::Image> images;
    for (size_t c = 0; c < kClasses; ++c) {
        auto w = model.W.row(c);
        images.push_back(nn::Image{train.rows, train.cols, {w.begin(), w.end()}, names[c]});
    }
    nn::save_image_grid(images, 5, out.path("softmax_fashion_weights.png"), nn::Palette::Diverging,
                        "Softmax regression weights W_c on " + nn::data_set_name(data) +
                            " (red: pixel raises the class's logit, blue: lowers it)",
                        {1200, 600});
    out.figure("softmax_fashion_weights.png",
               "Each class's weight vector as a 28x28 image, red where ink raises the class's logit, "
               "blue where it lowers it. The images are noisy (nothing makes neighbouring weights "
               "agree), but the shapes show: trouser penalizes ink in the gap between the legs, "
               "sneaker penalizes ink above the shoe, where an ankle boot has it.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        Settings s = read_settings(argc, argv);
        gd::Optimizer optimizer = gd::Optimizer::make(s.optimizer, s.eta);
        gd::Schedule schedule = gd::parse_schedule(s.schedule);
        auto [train, test] = nn::load_train_test(s.opt.data);
        // --quick: the first 10000 training images and at most 3 epochs; the test set stays whole.
        int epochs = s.opt.quick ? std::min(s.opt.epochs, 3) : s.opt.epochs;
        if (s.opt.quick) train = nn::first_images(train, 10000);
        std::printf("train %s, test %s, %d epochs of mini-batches of %d, %s with eta %s\n",
                    train.images.shape_string().c_str(), test.images.shape_string().c_str(), epochs, s.batch,
                    s.optimizer.c_str(), nn::significant(s.eta).c_str());
        nn::Outputs out(s.opt, "softmax_fashion");
        nn::Trace trace(s.opt.trace);

        SoftmaxModel model(kClasses, train.images.dim(1));
        nn::Stopwatch watch;
        nn::MetricsLog log = fit(model, train, test, optimizer, schedule, s, epochs, trace);
        double seconds = watch.seconds();
        log.write_csv(out.path("softmax_fashion.csv"));
        plot_curves(out, log, s);
        plot_weights(out, model, train, s.opt.data);

        out.result({{"test_accuracy", nn::fixed(log.rows().back()[4], 4)},
                    {"test_loss", nn::fixed(log.rows().back()[3], 4)},
                    {"train_loss", nn::fixed(log.rows().back()[1], 4)},
                    {"epochs", std::to_string(epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
