// Chapter 2, program 5: softmax regression on Fashion-MNIST, trained by mini-batch
// gradient descent on the cross-entropy. Ten weight vectors, one per class, as
// the multi-class perceptron of chapter 1 had, but trained on a smooth loss whose
// gradient with respect to the logits is simply softmax(Z) - Y.
//
//   build/release/bin/02-gradient-descent/softmax_fashion [--epochs 10] [--eta 0.5] [--schedule cosine]
#include <algorithm>
#include <chrono>
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

struct Training {
    SoftmaxModel model;
    gd::Optimizer for_W, for_b;  // one per parameter tensor, each with its own state
    gd::Schedule schedule;
    float eta0;
    long total_steps;
    double first_loss = 0;
    long step = 0;
};

// What the learner's code produces on the first mini-batches: the gradient with
// respect to the logits (exercise 2.6), the weight gradient, and the weights after the step.
void trace_step(nn::Trace& trace, int step, const Training& t, const Tensor& X, std::span<const int> labels,
                const Tensor& dW, const std::vector<float>& db) {
    Tensor dZ;
    gd::softmax_cross_entropy(gd::logits(t.model, X), labels, dZ);
    trace.record(step, "dZ", dZ.span());
    trace.record(step, "dW", dW.span());
    trace.record(step, "db", db);
}

void train_epoch(Training& t, const nn::ImageSet& train, size_t batch, int epoch, int epochs, nn::Rng& rng,
                 nn::ProgressMode mode, nn::Trace& trace) {
    std::vector<size_t> order = rng.permutation(train.size());
    nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), order.size(), mode);
    Tensor dW;
    std::vector<float> db;
    // Mini-batches of `batch` examples; the last one takes what is left.
    for (size_t start = 0; start < order.size(); start += batch) {
        std::span<const size_t> idx(order.data() + start, std::min(batch, order.size() - start));
        Tensor X = nn::gather_rows(train.images, idx);
        std::vector<int> labels;
        for (size_t i : idx) labels.push_back(train.labels[i]);
        float eta = gd::learning_rate(t.schedule, t.eta0, t.step, t.total_steps);
        t.for_W.set_eta(eta);
        t.for_b.set_eta(eta);
        double loss = gd::softmax_loss_and_gradient(t.model, X, labels, dW, db);
        if (t.step == 0) t.first_loss = loss;
        nn::check_not_climbing(loss, t.first_loss, epoch, t.step, t.eta0);  // the rate the user chose with --eta
        if (trace.wants(int(t.step))) trace_step(trace, int(t.step), t, X, labels, dW, db);
        t.for_W.step(t.model.W.span(), dW.span());
        t.for_b.step(t.model.b, db);
        ++t.step;
        progress.tick(idx.size());
    }
}

nn::Figure curves_panel(const nn::MetricsLog& log, bool losses, const std::string& optimizer, float eta, size_t batch) {
    nn::Axes axes;
    axes.title = losses ? "Cross-entropy (" + optimizer + ", eta " + nn::significant(eta) + ", batch " + std::to_string(batch) + ")"
                        : "Accuracy";
    axes.xlabel = "epoch";
    axes.ylabel = losses ? "mean loss" : "fraction classified right";
    nn::Figure figure(axes);
    if (losses) {
        figure.add({"train", log.column("epoch"), log.column("train_loss"), "linespoints lw 3 pt 7"});
        figure.add({"test", log.column("epoch"), log.column("test_loss"), "linespoints lw 3 pt 5"});
    } else {
        figure.add({"train", log.column("epoch"), log.column("train_accuracy"), "linespoints lw 3 pt 7"});
        figure.add({"test", log.column("epoch"), log.column("test_accuracy"), "linespoints lw 3 pt 5"});
    }
    return figure;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("softmax_fashion", "Softmax regression on Fashion-MNIST by mini-batch gradient descent",
                    "out/02-gradient-descent");
        cli.add_epochs(10);
        cli.add_data();
        std::string optimizer_name = "sgd", schedule_name = "cosine";
        float eta = 0.5f;
        int batch = 100;
        cli.options().add_options()
            ("optimizer", nn::po::value(&optimizer_name)->default_value(optimizer_name),
             "sgd, momentum, nesterov, adagrad, rmsprop or adam")
            ("eta", nn::po::value(&eta)->default_value(eta), "learning rate")
            ("batch", nn::po::value(&batch)->default_value(batch), "examples per mini-batch")
            ("schedule", nn::po::value(&schedule_name)->default_value(schedule_name),
             "learning rate over the run: constant, step, cosine or warmup-cosine");
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::require_positive("--eta", eta);
        nn::require_positive("--batch", batch);
        Training t{SoftmaxModel(), gd::Optimizer::make(optimizer_name, eta), gd::Optimizer::make(optimizer_name, eta),
                   gd::parse_schedule(schedule_name), eta, 0};
        nn::ImageSet train = nn::load_image_set(opt.data, nn::Split::Train);
        nn::ImageSet test = nn::load_image_set(opt.data, nn::Split::Test);
        // --quick: the first 10000 training images and at most 3 epochs; the test set stays whole.
        int epochs = opt.quick ? std::min(opt.epochs, 3) : opt.epochs;
        if (opt.quick) train = nn::first_images(train, 10000);
        std::printf("train %s, test %s, %d epochs of mini-batches of %d, %s with eta %s\n",
                    train.images.shape_string().c_str(), test.images.shape_string().c_str(), epochs, batch,
                    optimizer_name.c_str(), nn::significant(eta).c_str());
        nn::Outputs out(opt, "softmax_fashion");
        nn::Trace trace = opt.trace.empty() ? nn::Trace() : nn::Trace(opt.trace);

        t.model = SoftmaxModel(kClasses, train.images.dim(1));
        t.total_steps = long(epochs) * long((train.size() + size_t(batch) - 1) / size_t(batch));
        nn::Rng rng(opt.seed);
        nn::MetricsLog log({"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"});
        auto start = std::chrono::steady_clock::now();
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            train_epoch(t, train, size_t(batch), epoch, epochs, rng, opt.progress, trace);
            if (epoch == 1) trace.close();
            log.add({double(epoch), mean_loss(t.model, train), gd::softmax_accuracy(t.model, train.images, train.labels),
                     mean_loss(t.model, test), gd::softmax_accuracy(t.model, test.images, test.labels)});
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        log.write_csv(out.path("softmax_fashion.csv"));

        nn::save_png({curves_panel(log, true, optimizer_name, eta, size_t(batch)),
                      curves_panel(log, false, optimizer_name, eta, size_t(batch))},
                     2, out.path("softmax_fashion_curves.png"), {1300, 550});
        out.figure("softmax_fashion_curves.png",
                   "Loss and accuracy on the training and the test set after each epoch. While the "
                   "rate is high the curves jump from epoch to epoch; as the schedule lowers it they "
                   "settle. The small gap between train and test says a linear model is too simple "
                   "for this data rather than too flexible.");

        std::vector<std::string> names = nn::class_names_of(opt.data);
        std::vector<nn::Image> images;
        for (size_t c = 0; c < kClasses; ++c) {
            auto w = t.model.W.row(c);
            images.push_back(nn::Image{train.rows, train.cols, {w.begin(), w.end()}, names[c]});
        }
        nn::save_image_grid(images, 5, out.path("softmax_fashion_weights.png"), nn::Palette::Diverging,
                            "Softmax regression weights W_c (red: pixel raises the class's logit, blue: lowers it)",
                            {1200, 600});
        out.figure("softmax_fashion_weights.png",
                   "Each class's weight vector as a 28x28 image, red where ink raises the class's logit, "
                   "blue where it lowers it. The images are noisy (nothing makes neighbouring weights "
                   "agree), but the shapes show: trouser penalizes ink in the gap between the legs, "
                   "sneaker penalizes ink above the shoe, where an ankle boot has it.");

        out.result({{"test_accuracy", nn::fixed(log.rows().back()[4], 4)},
                    {"test_loss", nn::fixed(log.rows().back()[3], 4)},
                    {"train_loss", nn::fixed(log.rows().back()[1], 4)},
                    {"epochs", std::to_string(epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
