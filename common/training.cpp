#include "common/training.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "common/errors.hpp"

namespace nn {

Trainer::Trainer(Trainable& model, UpdateRule update, TrainerOptions options)
    : model_(model), update_(std::move(update)), options_(options), epochs_(options.first_epoch - 1) {
    if (options_.batch == 0) throw UsageError("a mini-batch needs at least one example");
}

long Trainer::steps_per_epoch() const {
    size_t n = model_.examples();
    return long((n + options_.batch - 1) / options_.batch);
}

double Trainer::epoch(const StepObserver& observe) {
    size_t n = model_.examples();
    std::vector<size_t> order(n);
    if (options_.shuffle) order = options_.shuffle->permutation(n);
    else std::iota(order.begin(), order.end(), size_t(0));
    ++epochs_;
    double total = 0.0;
    Step step;
    step.epoch = epochs_;
    for (size_t start = 0; start < n; start += options_.batch, ++step.in_epoch, ++steps_) {
        step.t = steps_;
        step.rows = std::span<const size_t>(order.data() + start, std::min(options_.batch, n - start));
        step.loss = model_.loss_and_gradients(step.rows);
        check_not_diverged(step.loss, step.epoch, step.in_epoch, options_.eta, options_.eta_option);
        total += step.loss * double(step.rows.size());
        if (observe) observe(step);
        std::vector<Parameter> parameters = model_.parameters();
        update_(step, parameters);
    }
    return n == 0 ? 0.0 : total / double(n);
}

}  // namespace nn
