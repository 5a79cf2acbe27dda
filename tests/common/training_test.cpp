// Tests of the one training loop, nn::Trainer, on a model small enough to follow by
// hand: one parameter theta and the loss of a mini-batch R, L = 1/|R| sum_{i in R}
// (theta - x_i)^2 / 2, whose gradient is theta - mean_{i in R} x_i.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/random.hpp"
#include "common/training.hpp"

namespace {

struct MeanModel : nn::Trainable {
    std::vector<float> x;         // the training set
    float theta = 0, gradient = 0;
    std::vector<std::vector<size_t>> batches;  // the rows of every call, in order
    std::vector<float> theta_seen;             // theta at every call

    explicit MeanModel(std::vector<float> values) : x(std::move(values)) {}
    size_t examples() const override { return x.size(); }
    double loss_and_gradients(std::span<const size_t> rows) override {
        batches.emplace_back(rows.begin(), rows.end());
        theta_seen.push_back(theta);
        double loss = 0, mean = 0;
        for (size_t i : rows) {
            loss += 0.5 * (theta - x[i]) * (theta - x[i]);
            mean += x[i];
        }
        gradient = float(theta - mean / double(rows.size()));
        return loss / double(rows.size());
    }
    std::vector<nn::Parameter> parameters() override {
        return {{std::span(&theta, 1), std::span(&gradient, 1)}};
    }
};

// theta <- theta - eta g on every parameter of the list.
nn::UpdateRule sgd(float eta) {
    return [eta](const nn::Step&, std::span<const nn::Parameter> parameters) {
        for (const nn::Parameter& p : parameters)
            for (size_t i = 0; i < p.value.size(); ++i) p.value[i] -= eta * p.gradient[i];
    };
}

}  // namespace

TEST(Trainer, WithoutShuffleTakesTheRowsInOrderInBatchesAndTheLastTakesWhatIsLeft) {
    MeanModel model({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    nn::Trainer trainer(model, sgd(0), {.batch = 4});
    trainer.epoch();
    ASSERT_EQ(model.batches.size(), 3u);
    EXPECT_EQ(model.batches[0], (std::vector<size_t>{0, 1, 2, 3}));
    EXPECT_EQ(model.batches[1], (std::vector<size_t>{4, 5, 6, 7}));
    EXPECT_EQ(model.batches[2], (std::vector<size_t>{8, 9}));
    EXPECT_EQ(trainer.steps_per_epoch(), 3);
}

TEST(Trainer, ShufflesWithTheGivenGeneratorAndSeesEveryExampleOncePerEpoch) {
    MeanModel model(std::vector<float>(23, 1.0f));
    nn::Rng rng(5), same(5);
    nn::Trainer trainer(model, sgd(0), {.batch = 5, .shuffle = &rng});
    for (int epoch = 0; epoch < 2; ++epoch) {
        size_t first = model.batches.size();
        trainer.epoch();
        std::vector<size_t> seen;
        for (size_t b = first; b < model.batches.size(); ++b)
            seen.insert(seen.end(), model.batches[b].begin(), model.batches[b].end());
        // The order is the generator's next permutation, cut into batches of 5, 5, 5, 5, 3.
        EXPECT_EQ(seen, same.permutation(23)) << "epoch " << epoch + 1;
        EXPECT_EQ(model.batches.back().size(), 3u);
    }
    EXPECT_NE(model.batches[0], model.batches[5]);  // a fresh order every epoch
}

TEST(Trainer, ReturnsTheMeanLossWeightedByRowsSoEveryExampleCountsOnce) {
    // theta stays 0 (eta 0): losses x^2/2 = 0.5, 2, 4.5, 8, 12.5 in batches {0,1}, {2,3}, {4}.
    // Weighted: (0.5 + 2 + 4.5 + 8 + 12.5) / 5 = 5.5; the mean of the three batch means
    // (1.25 + 6.25 + 12.5) / 3 = 6.67 would be wrong.
    MeanModel model({1, 2, 3, 4, 5});
    nn::Trainer trainer(model, sgd(0), {.batch = 2});
    EXPECT_DOUBLE_EQ(trainer.epoch(), 5.5);
}

TEST(Trainer, ObservesEachStepBeforeItsUpdateWithItsLossAndCounters) {
    // x = (2, 4, 6), batch 2, eta 0.5: step 0 sees rows {0, 1} at theta 0, loss (4 + 16)/4 = 5,
    // gradient -3, theta -> 1.5; step 1 sees row {2} at theta 1.5, loss 4.5^2/2 = 10.125.
    MeanModel model({2, 4, 6});
    nn::Trainer trainer(model, sgd(0.5f), {.batch = 2, .first_epoch = 3});
    std::vector<nn::Step> steps;
    std::vector<float> theta_observed;
    for (int e = 0; e < 2; ++e)
        trainer.epoch([&](const nn::Step& s) {
            steps.push_back(s);
            theta_observed.push_back(model.theta);
        });
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_DOUBLE_EQ(steps[0].loss, 5.0);
    EXPECT_DOUBLE_EQ(steps[1].loss, 10.125);
    EXPECT_EQ(theta_observed[0], 0.0f);  // the observer runs before the update
    EXPECT_EQ(theta_observed[1], 1.5f);
    EXPECT_EQ(steps[1].rows.size(), 1u);
    long t[] = {0, 1, 2, 3}, in_epoch[] = {0, 1, 0, 1};
    int epoch[] = {3, 3, 4, 4};
    for (size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(steps[k].t, t[k]) << k;
        EXPECT_EQ(steps[k].in_epoch, in_epoch[k]) << k;
        EXPECT_EQ(steps[k].epoch, epoch[k]) << k;
    }
    EXPECT_EQ(trainer.steps(), 4);
    EXPECT_EQ(trainer.epoch_number(), 4);
}

TEST(Trainer, HandsTheUpdateTheModelsParametersWithTheGradientOfThisStep) {
    MeanModel model({2, 4, 6});
    std::vector<float> gradients;
    nn::Trainer trainer(model, [&](const nn::Step&, std::span<const nn::Parameter> parameters) {
        ASSERT_EQ(parameters.size(), 1u);
        EXPECT_EQ(parameters[0].value.data(), &model.theta);
        gradients.push_back(parameters[0].gradient[0]);
        parameters[0].value[0] -= 0.5f * parameters[0].gradient[0];
    }, {.batch = 2});
    trainer.epoch();
    // Step 0: theta 0, gradient 0 - 3 = -3; step 1: theta 1.5, gradient 1.5 - 6 = -4.5.
    EXPECT_EQ(gradients, (std::vector<float>{-3.0f, -4.5f}));
    EXPECT_FLOAT_EQ(model.theta, 1.5f + 2.25f);
}

TEST(Trainer, StopsWithDivergedNamingTheEpochStepAndRateBeforeUpdating) {
    MeanModel model({1, std::numeric_limits<float>::infinity(), 3});
    int updates = 0;
    nn::Trainer trainer(model, [&](const nn::Step&, std::span<const nn::Parameter>) { ++updates; },
                        {.batch = 1, .eta = 0.25, .eta_option = "--rate"});
    try {
        trainer.epoch();
        FAIL() << "no nn::Diverged for an infinite loss";
    } catch (const nn::Diverged& e) {
        EXPECT_EQ(std::string(e.what()),
                  "training diverged at epoch 1, step 1: the loss is inf with learning rate 0.25; try --rate "
                  "0.125 or smaller");
    }
    EXPECT_EQ(updates, 1);
}

TEST(Trainer, RefusesABatchOfNothingAndTrainsAnEmptySetToZero) {
    MeanModel model({1, 2});
    EXPECT_THROW(nn::Trainer(model, sgd(0.1f), {.batch = 0}), nn::UsageError);
    MeanModel empty({});
    nn::Trainer trainer(empty, sgd(0.1f), {.batch = 3});
    EXPECT_EQ(trainer.epoch(), 0.0);
    EXPECT_TRUE(empty.batches.empty());
}
