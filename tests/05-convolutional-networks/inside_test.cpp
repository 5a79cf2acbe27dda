// Chapter 5, looking inside a net (given_net.cpp): the feature maps of one example, the
// saliency map against central differences of the class score, and the peaks that
// pick the images exciting a filter most.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "05-convolutional-networks/net.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"

namespace {

using cnn::Kind;
using nn::Tensor;

// A net with every layer kind, batch norm's running statistics and gamma, beta moved
// off their first values (in Mode::Infer, the affine map they make is what is tested),
// and an eps large enough that a map without it differs past float rounding.
cnn::Net every_kind_of_layer(nn::Rng& rng) {
    cnn::Net net = cnn::make_net("conv3x3x3p1-bn-pool2-conv3x3x4-avgpool1-dense6-dropout0.5-dense3", {2, 8, 8}, rng);
    for (cnn::Layer& layer : net.layers)
        if (layer.kind == Kind::BatchNorm) {
            layer.bn.eps = 0.25f;
            for (size_t c = 0; c < layer.bn.channels(); ++c) {
                layer.bn.gamma[c] = rng.uniform(0.5f, 1.5f);
                layer.bn.beta[c] = rng.normal(0.0f, 0.3f);
                layer.bn.running_mean[c] = rng.normal(0.0f, 0.3f);
                layer.bn.running_var[c] = rng.uniform(0.3f, 3.0f);
            }
        }
    return net;
}

}  // namespace

TEST(CnnInside, FeatureMapsAreEachLayersOutputForOneExample) {
    nn::Rng rng(11);
    cnn::Net net = every_kind_of_layer(rng);
    Tensor x = nn::normal_tensor({2 * 8 * 8}, rng);
    std::vector<Tensor> maps = cnn::feature_maps(net, x);
    const std::vector<std::vector<size_t>> shapes = cnn::layer_shapes(net);
    ASSERT_EQ(maps.size(), net.layers.size() + 1);
    for (size_t l = 0; l < maps.size(); ++l) EXPECT_EQ(maps[l].shape(), shapes[l]) << "maps[" << l << "]";
    for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(maps[0][i], x[i]) << "maps[0] is the example itself";
    Tensor batch = x;
    batch.reshape({1, 2 * 8 * 8});
    Tensor logits = cnn::predict(net, batch);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(maps.back()[k], logits(0, k)) << "the last map is the logits";
    EXPECT_THROW(cnn::feature_maps(net, nn::normal_tensor({2 * 8 * 7}, rng)), nn::UsageError);
}

// The saliency map is d z_c / d x: checked against central differences of the logit,
// every layer kind on the way (batch norm in Mode::Infer, dropout as the identity), down
// to the pixels through the first convolution's dX, which training never computes.
TEST(CnnInside, SaliencyIsTheGradientOfTheClassScoreWithRespectToThePixels) {
    nn::Rng rng(13);
    cnn::Net net = every_kind_of_layer(rng);
    Tensor x = nn::normal_tensor({2, 8, 8}, rng);
    for (size_t c = 0; c < 3; ++c) {
        Tensor map = cnn::saliency(net, x, c);
        ASSERT_EQ(map.shape(), (std::vector<size_t>{2, 8, 8}));
        auto score = [&] { return double(cnn::feature_maps(net, x).back()[c]); };
        std::vector<float> analytic(map.span().begin(), map.span().end());
        ASSERT_TRUE(std::any_of(analytic.begin(), analytic.end(), [](float a) { return a != 0; }))
            << "class " << c << ": a map of zeros";
        nn::GradCheckResult check = nn::check_gradient_against_largest(score, x.span(), analytic);
        EXPECT_LT(check.max_relative_error, 1e-2) << "class " << c << ", pixel " << check.worst_index << ": analytic "
                                                  << check.analytic << ", numeric " << check.numeric;
    }
    EXPECT_THROW(cnn::saliency(net, x, 3), nn::UsageError);
}

TEST(CnnInside, ChannelPeaksAreTheLargestCellOfEachMapOfEachExample) {
    nn::Rng rng(17);
    cnn::Net net = every_kind_of_layer(rng);
    const size_t N = 5;
    Tensor X = nn::normal_tensor({N, 2 * 8 * 8}, rng);
    const std::vector<std::vector<size_t>> shapes = cnn::layer_shapes(net);
    for (size_t l : {0, 1, 2, 3, 4}) {  // conv, bn, ReLU, max pool, conv: each its own shape or values
        const size_t C = shapes[l + 1][0], HW = shapes[l + 1][1] * shapes[l + 1][2];
        Tensor peaks = cnn::channel_peaks(net, X, l);
        ASSERT_EQ(peaks.shape(), (std::vector<size_t>{N, C})) << "layer " << l;
        for (size_t i = 0; i < N; ++i) {
            Tensor x({2 * 8 * 8});
            std::copy(X.data() + i * x.size(), X.data() + (i + 1) * x.size(), x.data());
            const Tensor map = cnn::feature_maps(net, x)[l + 1];  // [C, H, W]
            for (size_t c = 0; c < C; ++c) {
                const float* cells = map.data() + c * HW;
                EXPECT_EQ(peaks(i, c), *std::max_element(cells, cells + HW))
                    << "layer " << l << ", example " << i << ", channel " << c;
            }
        }
    }
    EXPECT_THROW(cnn::channel_peaks(net, X, net.layers.size() - 1), nn::UsageError) << "the logits have no maps";
    EXPECT_THROW(cnn::channel_peaks(net, X, net.layers.size()), nn::UsageError);
}

// Mirroring, the augmentation of --mirror: each example reversed along its rows, in every
// channel, or left as it was, one draw per example, and nothing else touched.
TEST(CnnAugment, MirrorAtRandomReversesEveryRowOfAboutHalfTheExamples) {
    nn::Rng rng(19), replay(19);
    const std::vector<size_t> shape{2, 3, 4};  // C, H, W
    const size_t B = 200, d = 24;
    Tensor X = nn::normal_tensor({B, d}, rng), before = X;
    cnn::mirror_at_random(X, shape, rng);
    size_t mirrored = 0;
    for (size_t b = 0; b < B; ++b) {
        bool same = true, reversed = true;
        for (size_t r = 0; r < 6; ++r)
            for (size_t w = 0; w < 4; ++w) {
                same = same && X(b, r * 4 + w) == before(b, r * 4 + w);
                reversed = reversed && X(b, r * 4 + w) == before(b, r * 4 + (3 - w));
            }
        ASSERT_TRUE(same || reversed) << "example " << b << " is neither itself nor its mirror";
        mirrored += reversed;
    }
    EXPECT_GT(mirrored, 70u);
    EXPECT_LT(mirrored, 130u);
    // One draw per example: the generator is where the same tensor and B draws leave it.
    nn::normal_tensor({B, d}, replay);
    for (size_t b = 0; b < B; ++b) replay.uniform();
    EXPECT_EQ(rng.uniform(), replay.uniform());
    EXPECT_THROW(cnn::mirror_at_random(X, {2, 3, 5}, rng), nn::UsageError);
}
