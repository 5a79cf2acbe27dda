// Chapter 5's network (given_net.cpp): the spec and its refusals, the summary against
// the counts of mainstream frameworks, the backward pass of a whole net against central
// differences, inference that does not depend on the batch, and training that learns.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "05-convolutional-networks/net.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"
#include "common/training.hpp"

namespace {

using cnn::Kind;
using nn::Tensor;


std::vector<Kind> kinds(const cnn::Net& net) {
    std::vector<Kind> all;
    for (const cnn::Layer& layer : net.layers) all.push_back(layer.kind);
    return all;
}

std::string refusal(const std::string& spec, std::vector<size_t> input = {1, 28, 28}) {
    nn::Rng rng(1);
    try {
        cnn::make_net(spec, input, rng);
    } catch (const nn::UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST(CnnSpec, LeNetIsTheLayersOfTheTextWithTheReLUsAndTheFlattenBetween) {
    nn::Rng rng(1);
    cnn::Net net = cnn::make_net(cnn::kLeNet, {1, 28, 28}, rng);
    EXPECT_EQ(kinds(net), (std::vector<Kind>{Kind::Conv, Kind::ReLU, Kind::MaxPool, Kind::Conv, Kind::ReLU,
                                             Kind::MaxPool, Kind::Flatten, Kind::Dense, Kind::ReLU, Kind::Dense}));
    std::vector<std::vector<size_t>> shapes = cnn::layer_shapes(net);
    EXPECT_EQ(shapes[1], (std::vector<size_t>{20, 24, 24}));
    EXPECT_EQ(shapes[3], (std::vector<size_t>{20, 12, 12}));
    EXPECT_EQ(shapes[4], (std::vector<size_t>{40, 8, 8}));
    EXPECT_EQ(shapes[7], (std::vector<size_t>{640}));
    EXPECT_EQ(shapes.back(), (std::vector<size_t>{10}));
    EXPECT_EQ(net.classes(), 10u);
}

TEST(CnnSpec, CountsParametersAndMultiplyAddsAsTorchinfoDoes) {
    nn::Rng rng(1);
    cnn::Net net = cnn::make_net(cnn::kLeNet, {1, 28, 28}, rng);
    // conv1 20*25 + 20, conv2 40*20*25 + 40, dense 640*100 + 100, dense 100*10 + 10:
    // torchinfo's "Total params" for the same nn.Sequential.
    EXPECT_EQ(net.parameter_count(), 520u + 20040u + 64100u + 1010u);
    // conv: C' H' W' C k k per example; dense: n_in n_out.
    EXPECT_EQ(cnn::multiply_adds(net), 288000u + 1280000u + 64000u + 1000u);
    std::string table = cnn::summary(net);
    for (const char* row : {"conv 5x5x20", "[20, 24, 24]", "288,000", "20,040", "85,670", "1,633,000", "flatten"})
        EXPECT_NE(table.find(row), std::string::npos) << row << " in\n" << table;
}

TEST(CnnSpec, BatchNormSitsBetweenItsConvolutionAndTheReLUAndCountsGammaAndBeta) {
    nn::Rng rng(1);
    cnn::Net net = cnn::make_net("conv3x3x8p1-bn-pool2-dropout0.25-dense10", {1, 28, 28}, rng);
    EXPECT_EQ(kinds(net), (std::vector<Kind>{Kind::Conv, Kind::BatchNorm, Kind::ReLU, Kind::MaxPool, Kind::Dropout,
                                             Kind::Flatten, Kind::Dense}));
    EXPECT_EQ(cnn::layer_shapes(net)[1], (std::vector<size_t>{8, 28, 28})) << "padding 1 keeps 28";
    EXPECT_FLOAT_EQ(net.layers[4].p, 0.25f);
    EXPECT_EQ(net.parameter_count(), (8u * 9 + 8) + 2 * 8 + (8 * 14 * 14 * 10 + 10));
}

TEST(CnnSpec, StrideAndPaddingAreRead) {
    nn::Rng rng(1);
    cnn::Net net = cnn::make_net("conv3x3x4s2p1-avgpool2-dense3", {2, 9, 7}, rng);
    EXPECT_EQ(net.layers[0].conv.stride, 2u);
    EXPECT_EQ(net.layers[0].conv.padding, 1u);
    EXPECT_EQ(net.layers[0].conv.in_channels(), 2u);
    EXPECT_EQ(cnn::layer_shapes(net)[1], (std::vector<size_t>{4, 5, 4}));  // (9+2-3)/2+1, (7+2-3)/2+1
    EXPECT_EQ(net.layers[2].kind, Kind::AvgPool);
}

TEST(CnnSpec, RefusesWhatItCannotBuildNamingTheToken) {
    EXPECT_NE(refusal("conv5x5x20-pool2").find("must end with a dense layer"), std::string::npos);
    EXPECT_NE(refusal("conv30x30x4-dense10").find("'conv30x30x4' does not fit the [1, 28, 28] maps"), std::string::npos)
        << refusal("conv30x30x4-dense10");
    EXPECT_NE(refusal("conv5x5x4-pool2-pool2-pool2-pool2-pool2-dense10").find("'pool2' does not fit"), std::string::npos)
        << refusal("conv5x5x4-pool2-pool2-pool2-pool2-pool2-dense10");  // 24, 12, 6, 3, 1, then nothing
    EXPECT_NE(refusal("bn-dense10").find("'bn' must come right after a convolution"), std::string::npos);
    EXPECT_NE(refusal("conv5x5x4-pool2-bn-dense10").find("'bn'"), std::string::npos);
    EXPECT_NE(refusal("conv5x3x4-dense10").find("not square"), std::string::npos);
    EXPECT_NE(refusal("dense10-conv3x3x2-dense10").find("'conv3x3x2' comes after the flatten"), std::string::npos);
    EXPECT_NE(refusal("conv3x3x2-dense10-dropout0.5").find("after the last dense layer"), std::string::npos);
    EXPECT_NE(refusal("conv3x3x0-dense10").find("'conv3x3x0' needs numbers from 1"), std::string::npos);
    EXPECT_NE(refusal("dropout1.5-dense10").find("'dropout1.5' is not a layer"), std::string::npos);
    EXPECT_NE(refusal("relu-dense10").find("'relu' is not a layer"), std::string::npos);
    EXPECT_NE(refusal("conv3x3x2--dense10").find("'' is not a layer"), std::string::npos);
    EXPECT_NE(refusal("dense10", {1, 0, 28}).find("[1, 0, 28]"), std::string::npos);
}

// The backward pass of a whole net, every layer kind but dropout in it, against central
// differences of its mean cost. The error is measured against the largest entry of each
// gradient, as the chapter's gradient_check program does (and says why).
TEST(CnnBackward, EveryParameterOfAWholeNetAgreesWithCentralDifferences) {
    nn::Rng rng(3);
    cnn::Net net = cnn::make_net("conv3x3x4-bn-pool2-conv3x3x3p1-avgpool2-dense5-dense3", {2, 10, 10}, rng);
    for (cnn::Layer& layer : net.layers)  // biases off 0, gamma off 1: their gradients are tested too
        if (layer.kind == Kind::Conv) for (float& b : layer.conv.b) b = rng.normal(0.0f, 0.1f);
        else if (layer.kind == Kind::BatchNorm) for (float& g : layer.bn.gamma) g = rng.uniform(0.5f, 1.5f);
    Tensor X = nn::normal_tensor({4, 2 * 10 * 10}, rng);
    const std::vector<int> labels{0, 2, 1, 2};
    cnn::Pass pass;
    cnn::Gradients grads;
    cnn::forward(net, X, cnn::Mode::Train, pass);
    cnn::backward(net, pass, labels, grads);
    std::vector<nn::Parameter> params = cnn::parameters(net, grads);
    ASSERT_EQ(params.size(), 10u);  // K, b twice; gamma, beta; W, b twice
    auto cost = [&] {
        cnn::Pass p;
        cnn::Gradients g;
        cnn::forward(net, X, cnn::Mode::Train, p);
        return cnn::backward(net, p, labels, g);
    };
    // A bias right before batch norm is subtracted again with the channel's mean: its
    // gradient is 0 (the README's question 5), up to rounding.
    for (float g : params[1].gradient) EXPECT_NEAR(g, 0.0f, 1e-6);
    for (size_t i = 0; i < params.size(); ++i) {
        std::vector<float> analytic(params[i].gradient.begin(), params[i].gradient.end());
        // The floor 5e-3: the cost's float rounding over 2 eps leaves about 1e-5 in every
        // numeric derivative, the whole of one whose true value is 0.
        nn::GradCheckResult check = nn::check_gradient_against_largest(cost, params[i].value, analytic, 1e-3, 5e-3);
        EXPECT_LT(check.max_relative_error, 1e-2)
            << "parameter " << i << ": analytic " << check.analytic << ", numeric " << check.numeric;
    }
}

TEST(CnnInference, AnExamplesLogitsDoNotDependOnItsBatch) {
    nn::Rng rng(5);
    cnn::Net net = cnn::make_net("conv3x3x4-bn-pool2-dense3", {1, 8, 8}, rng);
    Tensor X = nn::normal_tensor({6, 64}, rng);
    cnn::Pass pass;
    cnn::forward(net, X, cnn::Mode::Train, pass);  // moves the running statistics off 0 and 1
    Tensor all = cnn::predict(net, X);
    Tensor first({1, 64});
    std::copy(X.data(), X.data() + 64, first.data());
    Tensor alone = cnn::predict(net, first);
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(alone(0, k), all(0, k), 1e-5) << "class " << k;
}

// Vertical against horizontal bars at random places on 8 x 8 images: a task a
// convolution learns in a few epochs, and a dense layer on pixels cannot shortcut.
TEST(CnnTraining, LearnsToTellVerticalFromHorizontalBars) {
    nn::Rng rng(7);
    const size_t n = 256;
    Tensor X({n, 64});
    std::vector<int> labels(n);
    for (size_t i = 0; i < n; ++i) {
        labels[i] = int(i % 2);
        size_t at = rng.below(8);
        for (size_t k = 0; k < 8; ++k) X(i, labels[i] ? k * 8 + at : at * 8 + k) = 1.0f;
        for (size_t k = 0; k < 64; ++k) X(i, k) += rng.normal(0.0f, 0.1f);
    }
    cnn::Net net = cnn::make_net("conv3x3x4-pool2-dense2", {1, 8, 8}, rng);
    const double before = cnn::mean_cost(net, X, labels);
    cnn::NetTraining training(net, X, labels, rng);
    nn::Trainer trainer(training, [](const nn::Step&, std::span<const nn::Parameter> params) {
        for (const nn::Parameter& p : params)
            for (size_t k = 0; k < p.value.size(); ++k) p.value[k] -= 0.1f * p.gradient[k];
    }, {.batch = 16, .shuffle = &rng});
    for (int epoch = 0; epoch < 10; ++epoch) trainer.epoch();
    EXPECT_LT(cnn::mean_cost(net, X, labels), 0.2 * before);
    EXPECT_GT(cnn::accuracy(net, X, labels), 0.97);
}

TEST(CnnTraining, RefusesLabelsOfAnotherLengthOrPastTheClasses) {
    nn::Rng rng(1);
    cnn::Net net = cnn::make_net("conv3x3x2-dense3", {1, 5, 5}, rng);
    Tensor X({2, 25});
    std::vector<int> one{0};
    EXPECT_THROW(cnn::NetTraining(net, X, one, rng), nn::DataError);
    cnn::Pass pass;
    cnn::Gradients grads;
    cnn::forward(net, X, cnn::Mode::Train, pass);
    std::vector<int> past{0, 3};
    EXPECT_THROW(cnn::backward(net, pass, past, grads), nn::DataError);
    Tensor wrong({2, 24});
    EXPECT_THROW(cnn::forward(net, wrong, cnn::Mode::Infer, pass), nn::UsageError);
}
