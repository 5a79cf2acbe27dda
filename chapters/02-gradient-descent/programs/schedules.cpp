// Chapter 2, program 7: learning-rate schedules. The same training (softmax
// regression on 10000 Fashion-MNIST images, mini-batches, the same shuffles) with
// the rate held constant, divided by 10 twice, decayed along a cosine, and warmed
// up linearly before the cosine. A large rate makes fast progress but leaves the
// parameters jittering around the minimum; decaying it at the end lets them settle.
//
//   build/release/bin/02-gradient-descent/schedules [--eta 0.5] [--epochs 10] [--batch 100]
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
#include "common/trace.hpp"

namespace {

using gd::SoftmaxModel;
using nn::Tensor;

const size_t kClasses = 10, kEvaluated = 2000;
const long kEvery = 10;  // steps between two evaluations of the loss

struct Named {
    gd::Schedule schedule;
    std::string name;
};
const std::vector<Named> kSchedules{{gd::Schedule::Constant, "constant"},
                                    {gd::Schedule::Step, "step"},
                                    {gd::Schedule::Cosine, "cosine"},
                                    {gd::Schedule::WarmupCosine, "warmup-cosine"}};

double loss_on(const SoftmaxModel& model, const nn::ImageSet& s) {
    Tensor dZ;
    return gd::softmax_cross_entropy(gd::logits(model, s.images), s.labels, dZ);
}

struct Run {
    std::vector<double> rate;                 // per step
    std::vector<double> evaluated_at, loss;   // every kEvery steps, and at the end
};

struct Setup {
    const nn::ImageSet& train;
    const nn::ImageSet& evaluated;
    std::string optimizer;
    float eta0;
    size_t batch;
    int epochs;
    uint64_t seed;
};

// One training run under `schedule`; the same seed gives every schedule the same batches.
Run train(const Setup& s, gd::Schedule schedule, nn::Trace* trace) {
    Run run;
    SoftmaxModel model(kClasses, s.train.images.dim(1));
    nn::Rng rng(s.seed);
    gd::SoftmaxTraining training(model, s.train.images, s.train.labels);
    gd::Optimizer rule = gd::Optimizer::make(s.optimizer, s.eta0);
    long T = 0;
    nn::Trainer trainer(training, [&](const nn::Step& step, std::span<const nn::Parameter> parameters) {
        // t = 0 .. T-1: exercise 2.7 gives the rate of this step.
        float eta = gd::learning_rate(schedule, s.eta0, step.t, T);
        rule.set_eta(eta);
        run.rate.push_back(eta);
        rule.step(parameters);
        if (trace && trace->wants(int(step.t))) {
            trace->record(int(step.t), "eta", eta);
            trace->record(int(step.t), "db", training.db());
            trace->record(int(step.t), "b", model.b);
        }
    }, {.batch = s.batch, .shuffle = &rng, .eta = s.eta0});
    T = trainer.steps_per_epoch() * s.epochs;
    auto evaluate = [&](int epoch, long t) {
        double loss = loss_on(model, s.evaluated);
        nn::check_not_climbing(loss, run.loss.empty() ? loss : run.loss.front(), epoch, t, s.eta0);
        run.evaluated_at.push_back(double(t));
        run.loss.push_back(loss);
    };
    for (int epoch = 1; epoch <= s.epochs; ++epoch) {
        trainer.epoch([&](const nn::Step& step) {
            if (step.t % kEvery == 0) evaluate(step.epoch, step.t);  // before the step's update
        });
    }
    evaluate(s.epochs, trainer.steps());
    return run;
}

nn::Figure rate_panel(const std::vector<Run>& runs, float eta0) {
    nn::Figure figure(
        {.title = "Learning rate (eta0 = " + nn::significant(eta0) + ")", .xlabel = "step t", .ylabel = "eta_t"});
    for (size_t k = 0; k < runs.size(); ++k) {
        nn::Series s{kSchedules[k].name, {}, {}, k == 0 ? "lines lw 4" : "lines lw 2.5"};
        for (size_t t = 0; t < runs[k].rate.size(); ++t) {
            s.x.push_back(double(t));
            s.y.push_back(runs[k].rate[t]);
        }
        figure.add(std::move(s));
    }
    return figure;
}

nn::Figure loss_panel(const std::vector<Run>& runs, const std::string& data_set) {
    nn::Figure figure({.title = "Training loss (2000 fixed " + data_set + " training images, every " +
                                std::to_string(kEvery) + " steps)",
                       .xlabel = "step t",
                       .ylabel = "cross-entropy",
                       .logy = true});
    for (size_t k = 0; k < runs.size(); ++k)
        figure.add({kSchedules[k].name, runs[k].evaluated_at, runs[k].loss, "lines lw 2"});
    return figure;
}

struct Settings {
    nn::CommonOptions opt;
    std::string optimizer = "sgd";
    float eta = 0.5f;
    int batch = 100, subset = 10000;
};

Settings read_settings(int argc, char** argv) {
    nn::Cli cli("schedules", "Constant, step, cosine and warm-up + cosine learning rates on the same training",
                "out/02-gradient-descent");
    cli.add_epochs(10);
    cli.add_data();
    Settings s;
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam");
    cli.option("eta", s.eta, "base learning rate eta0 of every schedule", nn::learning_rate());
    cli.option("batch", s.batch, "examples per mini-batch", nn::positive());
    cli.option("train", s.subset, "training images used (the first ones)", nn::between(2000, 60000));
    cli.add_trace();
    s.opt = cli.parse(argc, argv);
    gd::Optimizer::make(s.optimizer, s.eta);  // an unknown name is refused before any work
    return s;
}

void write_losses(const nn::Outputs& out, const std::vector<Run>& runs) {
    std::vector<std::string> columns{"step"};
    for (const Named& s : kSchedules) columns.push_back("loss_" + s.name);
    nn::MetricsLog log(columns, false);
    for (size_t k = 0; k < runs.front().loss.size(); ++k) {
        std::vector<double> row{runs.front().evaluated_at[k]};
        for (const Run& r : runs) row.push_back(r.loss[k]);
        log.add(row);
    }
    log.write_csv(out.path("schedules.csv"));
}

void plot_runs(nn::Outputs& out, const std::vector<Run>& runs, float eta0, const std::string& data_set) {
    nn::save_png({rate_panel(runs, eta0), loss_panel(runs, data_set)}, 2, out.path("schedules.png"), {1400, 600});
    out.figure("schedules.png",
               "Left: the four schedules from the same eta0. Right: the training loss under each, "
               "the same batches in the same order. At a constant rate the loss stops improving "
               "and jitters; every decaying schedule ends lower, the step schedule flattening at "
               "its first division by 10. The warm-up avoids the spike of the first steps, "
               "where the full rate meets the largest gradients.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        Settings s = read_settings(argc, argv);
        nn::ImageSet images = nn::load_image_set(s.opt.data, nn::Split::Train);
        int epochs = s.opt.quick ? std::min(s.opt.epochs, 5) : s.opt.epochs;
        nn::ImageSet train_set = nn::first_images(images, size_t(s.subset)), evaluated = nn::first_images(images, kEvaluated);
        Setup setup{train_set, evaluated, s.optimizer, s.eta, size_t(s.batch), epochs, s.opt.seed};
        std::printf("softmax regression on %zu images, %d epochs of mini-batches of %d, %s with eta0 %s\n",
                    train_set.labels.size(), epochs, s.batch, s.optimizer.c_str(), nn::significant(s.eta).c_str());
        nn::Outputs out(s.opt, "schedules");
        nn::Trace trace(s.opt.trace);

        std::vector<Run> runs;
        for (const Named& named : kSchedules) {
            // The trace follows the schedule of exercise 2.7 with the most going on.
            runs.push_back(train(setup, named.schedule, named.schedule == gd::Schedule::WarmupCosine ? &trace : nullptr));
            const Run& r = runs.back();
            double lowest = *std::min_element(r.loss.begin(), r.loss.end());
            std::printf("%-14s final loss %.4f (lowest %.4f), last rate %s\n", named.name.c_str(), r.loss.back(),
                        lowest, nn::significant(r.rate.back()).c_str());
        }
        trace.close();
        write_losses(out, runs);
        plot_runs(out, runs, s.eta, nn::data_set_name(s.opt.data));

        std::vector<std::pair<std::string, std::string>> result;
        for (size_t k = 0; k < runs.size(); ++k) result.push_back({kSchedules[k].name, nn::fixed(runs[k].loss.back(), 4)});
        out.result(result);
    });
}
