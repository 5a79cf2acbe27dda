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

// What the learner's code produces on the first mini-batches: the gradient with
// respect to the logits (exercise 2.6), and the gradients of W and b it gives.
void trace_step(nn::Trace& trace, int step, const SoftmaxModel& model, const gd::SoftmaxTraining& training) {
    Tensor dZ;
    gd::softmax_cross_entropy(gd::logits(model, training.batch()), training.batch_labels(), dZ);
    trace.record(step, "dZ", dZ.span());
    trace.record(step, "dW", training.dW().span());
    trace.record(step, "db", training.db());
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
        gd::Optimizer optimizer = gd::Optimizer::make(optimizer_name, eta);
        gd::Schedule schedule = gd::parse_schedule(schedule_name);
        nn::ImageSet train = nn::load_image_set(opt.data, nn::Split::Train);
        nn::ImageSet test = nn::load_image_set(opt.data, nn::Split::Test);
        // --quick: the first 10000 training images and at most 3 epochs; the test set stays whole.
        int epochs = opt.quick ? std::min(opt.epochs, 3) : opt.epochs;
        if (opt.quick) train = nn::first_images(train, 10000);
        std::printf("train %s, test %s, %d epochs of mini-batches of %d, %s with eta %s\n",
                    train.images.shape_string().c_str(), test.images.shape_string().c_str(), epochs, batch,
                    optimizer_name.c_str(), nn::significant(eta).c_str());
        nn::Outputs out(opt, "softmax_fashion");
        nn::Trace trace(opt.trace);

        SoftmaxModel model(kClasses, train.images.dim(1));
        nn::Rng rng(opt.seed);
        gd::SoftmaxTraining training(model, train.images, train.labels);
        long total_steps = long(epochs) * long((train.size() + size_t(batch) - 1) / size_t(batch));
        nn::Trainer trainer(training, [&](const nn::Step& s, std::span<const nn::Parameter> parameters) {
            optimizer.set_eta(gd::learning_rate(schedule, eta, s.t, total_steps));
            optimizer.step(parameters);
        }, {.batch = size_t(batch), .shuffle = &rng, .eta = eta});
        nn::MetricsLog log({"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"});
        double first_loss = 0;
        auto start = std::chrono::steady_clock::now();
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), train.size(),
                                  opt.progress);
            trainer.epoch([&](const nn::Step& s) {
                if (s.t == 0) first_loss = s.loss;
                nn::check_not_climbing(s.loss, first_loss, s.epoch, s.t, eta);  // the rate chosen with --eta
                if (trace.wants(int(s.t))) trace_step(trace, int(s.t), model, training);
                progress.tick(s.rows.size());
            });
            if (epoch == 1) trace.close();
            log.add({double(epoch), mean_loss(model, train), gd::softmax_accuracy(model, train.images, train.labels),
                     mean_loss(model, test), gd::softmax_accuracy(model, test.images, test.labels)});
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
            auto w = model.W.row(c);
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
