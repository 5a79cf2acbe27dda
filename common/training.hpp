#pragma once
// The one training loop of the companion. Every model that learns by mini-batches
// (softmax regression in chapter 2, the networks of chapters 3 and 4, and those of
// the chapters after them) is trained by nn::Trainer:
//
//   for each epoch:  a fresh order of the n training examples (shuffle->permutation)
//     for each mini-batch of `batch` rows (the last takes what is left):
//       loss = model.loss_and_gradients(rows)        the forward and backward pass
//       check that loss is finite                    nn::Diverged otherwise
//       observe(step)                                a progress bar, a --trace, a curve
//       update(step, model.parameters())             theta <- theta - eta g, or Adam, ...
//
// A model says what its parameters are (nn::Parameter: a tensor and its gradient),
// so any update rule that steps a list of them (gd::Optimizer) trains any model.
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "common/random.hpp"

namespace nn {

// One parameter tensor of a model, flattened, and the gradient of the mini-batch's
// loss with respect to it: two views of the same length.
struct Parameter {
    std::span<float> value;
    std::span<const float> gradient;
};

// A model bound to its training set, as the loop sees it.
class Trainable {
public:
    virtual ~Trainable() = default;
    // n, the number of training examples.
    virtual size_t examples() const = 0;
    // The mean loss of the mini-batch made of the training examples `rows`, leaving
    // its gradients where parameters() points.
    virtual double loss_and_gradients(std::span<const size_t> rows) = 0;
    // Every parameter tensor with its gradient from the last loss_and_gradients(), in
    // an order that does not change (optimizers keep one state per entry).
    virtual std::vector<Parameter> parameters() = 0;
};

// One step of the loop, as the observer and the update rule see it.
struct Step {
    int epoch = 1;                  // counted from 1
    long t = 0;                     // steps before this one, over the whole run
    long in_epoch = 0;              // steps before this one, in this epoch
    std::span<const size_t> rows;   // the mini-batch: indices into the training set
    double loss = 0;                // its mean loss, before the update
};

using StepObserver = std::function<void(const Step&)>;
using UpdateRule = std::function<void(const Step&, std::span<const Parameter>)>;

struct TrainerOptions {
    size_t batch = 10;
    // Draws a fresh order of the examples every epoch; nullptr keeps them in their
    // order (full-batch gradient descent needs none).
    Rng* shuffle = nullptr;
    // Only for the message of a diverged run: the learning rate and the option that set it.
    double eta = 0;
    const char* eta_option = "--eta";
    int first_epoch = 1;  // the number of the first epoch run, for a loop made mid-run
};

class Trainer {
public:
    Trainer(Trainable& model, UpdateRule update, TrainerOptions options);

    // One epoch; returns the mean loss of its mini-batches weighted by their rows (so
    // every example counts once), as they were seen. Throws nn::Diverged, naming the
    // epoch, the step and the learning rate, when a loss is not finite.
    double epoch(const StepObserver& observe = {});

    long steps() const { return steps_; }         // taken so far, over all epochs
    int epoch_number() const { return epochs_; } // of the last epoch run, from first_epoch
    long steps_per_epoch() const;
    void set_eta(double eta) { options_.eta = eta; }  // for the message, under a schedule

private:
    Trainable& model_;
    UpdateRule update_;
    TrainerOptions options_;
    long steps_ = 0;
    int epochs_ = 0;
};

}  // namespace nn
