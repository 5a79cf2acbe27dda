// Chapter 2, program 6: batch, mini-batch and stochastic gradient descent on the
// same task (softmax regression on 10000 Fashion-MNIST images), each seeing the
// same number of examples. Small batches take many cheap, noisy steps; the full
// batch takes few exact, expensive ones. Per example seen, small batches win;
// per second, the middle sizes do, because a bigger batch costs less per example.
//
//   build/release/bin/02-gradient-descent/batch_sizes [--epochs 5] [--eta 0.02]
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
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/trace.hpp"

namespace {

using gd::SoftmaxModel;
using nn::Tensor;

const size_t kClasses = 10, kEvaluated = 2000, kEvery = 500;

double loss_on(const SoftmaxModel& model, const nn::ImageSet& s) {
    Tensor dZ;
    return gd::softmax_cross_entropy(gd::logits(model, s.images), s.labels, dZ);
}

struct Curve {
    size_t batch = 0;
    long steps = 0;
    std::vector<double> examples, loss, seconds;  // one point every kEvery examples
};

// Training with mini-batches of `batch` for `epochs` passes. Before each step, the
// points x in [seen, seen + batch) get the loss of the current parameters: a full
// batch keeps the starting loss until its first step is complete.
Curve train(const nn::ImageSet& train, const nn::ImageSet& evaluated, size_t batch, int epochs, const std::string& optimizer,
            float eta, uint64_t seed, nn::Trace* trace) {
    Curve curve{batch, 0, {}, {}, {}};
    SoftmaxModel model(kClasses, train.images.dim(1));
    nn::Rng rng(seed);
    gd::SoftmaxTraining training(model, train.images, train.labels);
    gd::Optimizer rule = gd::Optimizer::make(optimizer, eta);
    nn::Trainer trainer(training, [&](const nn::Step&, std::span<const nn::Parameter> parameters) {
        rule.step(parameters);
    }, {.batch = batch, .shuffle = &rng, .eta = eta});
    size_t seen = 0, next = 0;
    double first_loss = 0, evaluating = 0;  // seconds spent on the evaluation, not counted
    nn::Stopwatch since_begin;
    auto record_until = [&](size_t end, int epoch) {
        nn::Stopwatch evaluation;
        double training_seconds = since_begin.seconds() - evaluating;
        if (next >= end) return;
        double loss = loss_on(model, evaluated);  // the same for every point of this step
        if (curve.loss.empty()) first_loss = loss;
        nn::check_not_climbing(loss, first_loss, epoch, trainer.steps(), eta);
        for (; next < end; next += kEvery) {
            curve.examples.push_back(double(next));
            curve.loss.push_back(loss);
            curve.seconds.push_back(training_seconds);
        }
        evaluating += evaluation.seconds();
    };
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        trainer.epoch([&](const nn::Step& s) {
            // The parameters are those before the step until the update that follows.
            record_until(seen + s.rows.size(), s.epoch);
            if (trace && trace->wants(int(s.t))) {
                // dZ = (softmax(Z) - Y) / n (exercise 2.6) and the gradients it gives.
                Tensor dZ;
                gd::softmax_cross_entropy(gd::logits(model, training.batch()), training.batch_labels(), dZ);
                trace->record(int(s.t), "dZ", dZ.span());
                trace->record(int(s.t), "dW", training.dW().span());
                trace->record(int(s.t), "db", training.db());
            }
            seen += s.rows.size();
        });
    }
    curve.steps = trainer.steps();
    record_until(seen + 1, epochs);
    return curve;
}

std::string batch_name(size_t batch, size_t n) {
    if (batch >= n) return "full batch (" + std::to_string(n) + ")";
    if (batch == 1) return "stochastic (batch 1)";
    return "mini-batch " + std::to_string(batch);
}

nn::Figure panel(const std::vector<Curve>& curves, bool by_time, size_t n, float eta, const std::string& data_set) {
    nn::Figure figure({.title = by_time ? "Against training time (evaluation not counted)"
                                        : "Against examples seen (same eta = " + nn::significant(eta) + " for all)",
                       .xlabel = by_time ? "seconds of training" : "examples seen",
                       .ylabel = "loss on 2000 fixed " + data_set + " training images"});
    // Staircases: a step's loss holds until the next step is complete.
    for (const Curve& c : curves)
        figure.add({batch_name(c.batch, n), by_time ? c.seconds : c.examples, c.loss, "steps lw 2"});
    return figure;
}

struct Settings {
    nn::CommonOptions opt;
    std::string optimizer = "sgd";
    float eta = 0.02f;  // small enough for batch 1, whose single-example steps are the noisiest
    int subset = 10000;
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("batch_sizes", "Batch, mini-batch and stochastic gradient descent, same examples seen",
                "out/02-gradient-descent");
    cli.add_epochs(5);
    cli.add_data();
    Settings s;
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam");
    cli.option("eta", s.eta, "learning rate, the same for every batch size", nn::learning_rate());
    cli.option("train", s.subset, "training images used (the first ones)", nn::between(2000, 60000));
    cli.add_trace();
    s.opt = cli.parse(argc, argv);
    gd::Optimizer::make(s.optimizer, s.eta);  // an unknown name is refused before any work
    return s;
}

// The losses (deterministic) and the clock (not) in separate files.
void write_curves(const nn::Outputs& out, const std::vector<Curve>& curves) {
    std::vector<std::string> loss_columns{"examples"}, time_columns{"examples"};
    for (const Curve& c : curves) {
        loss_columns.push_back("loss_batch_" + std::to_string(c.batch));
        time_columns.push_back("seconds_batch_" + std::to_string(c.batch));
    }
    nn::MetricsLog losses(loss_columns, false), times(time_columns, false);
    for (size_t k = 0; k < curves.front().examples.size(); ++k) {
        std::vector<double> loss_row{curves.front().examples[k]}, time_row{curves.front().examples[k]};
        for (const Curve& c : curves) {
            loss_row.push_back(c.loss[k]);
            time_row.push_back(c.seconds[k]);
        }
        losses.add(loss_row);
        times.add(time_row);
    }
    losses.write_csv(out.path("batch_sizes.csv"));
    times.write_csv(out.path("batch_sizes_seconds.csv"));
}

void plot_curves(nn::Outputs& out, const std::vector<Curve>& curves, size_t n, float eta, const std::string& data_set) {
    nn::save_png({panel(curves, false, n, eta, data_set), panel(curves, true, n, eta, data_set)}, 2,
                 out.path("batch_sizes.png"), {1400, 600});
    out.figure("batch_sizes.png",
               "Left: per example seen, stochastic and small mini-batches go down fastest but jitter "
               "(each step follows one or a few examples); the full batch takes one exact step per "
               "pass and is far behind. Right: the same against seconds; batch 1 pays for its many "
               "tiny steps, and the mini-batches come out ahead.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        Settings s = read_settings(argc, argv);
        nn::ImageSet images = nn::load_image_set(s.opt.data, nn::Split::Train);
        int epochs = s.opt.quick ? std::min(s.opt.epochs, 2) : s.opt.epochs;
        nn::ImageSet train_set = nn::first_images(images, size_t(s.subset)), evaluated = nn::first_images(images, kEvaluated);
        size_t n = train_set.labels.size();
        std::printf("softmax regression on %zu images, %d epochs (%zu examples) per batch size, %s with eta %s\n", n,
                    epochs, n * size_t(epochs), s.optimizer.c_str(), nn::significant(s.eta).c_str());
        nn::Outputs out(s.opt, "batch_sizes");
        nn::Trace trace(s.opt.trace);

        std::vector<Curve> curves;
        for (size_t batch : {n, size_t(256), size_t(32), size_t(1)}) {
            curves.push_back(train(train_set, evaluated, batch, epochs, s.optimizer, s.eta, s.opt.seed,
                                   batch == 32 ? &trace : nullptr));
            const Curve& c = curves.back();
            std::printf("%-22s %6ld steps, loss %.4f after %zu examples, %.2f s of training\n",
                        batch_name(batch, n).c_str(), c.steps, c.loss.back(), n * size_t(epochs), c.seconds.back());
        }
        trace.close();
        write_curves(out, curves);
        plot_curves(out, curves, n, s.eta, nn::data_set_name(s.opt.data));

        std::vector<std::pair<std::string, std::string>> result;
        for (const Curve& c : curves) result.push_back({"loss_batch_" + std::to_string(c.batch), nn::fixed(c.loss.back(), 4)});
        result.push_back({"examples", std::to_string(n * size_t(epochs))});
        out.result(result);
    });
}
