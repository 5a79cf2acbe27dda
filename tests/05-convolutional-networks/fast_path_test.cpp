// Chapter 5 tests of the given code (chapters/05-convolutional-networks/given_conv.cpp):
// the fast path, im2col + nn::gemm, against the loops of exercises 5.2 and 5.3 at
// awkward sizes; the workspace kept from one mini-batch to the next; output_shape,
// conv_multiply_adds, make_conv and make_batch_norm. The suite is not named Ex5_: it
// tests the given code together with the solutions, not an exercise (make check leaves
// it out).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "05-convolutional-networks/conv.hpp"
#include "common/errors.hpp"
#include "common/random.hpp"
#include "tests/05-convolutional-networks/reference.hpp"

using namespace cnn;

namespace {

using reference5::random_tensor;

struct Case {
    size_t B, C, Co, H, W, kh, kw, s, p;
};

std::string describe(const Case& c) {
    return "X [" + std::to_string(c.B) + ", " + std::to_string(c.C) + ", " + std::to_string(c.H) + ", " +
           std::to_string(c.W) + "], K [" + std::to_string(c.Co) + ", " + std::to_string(c.C) + ", " +
           std::to_string(c.kh) + ", " + std::to_string(c.kw) + "], stride " + std::to_string(c.s) +
           ", padding " + std::to_string(c.p);
}

// Odd widths, stride 2 and 3, padding 1 and 2, one channel, 17 channels, batch 1 and 5,
// a 1x1 kernel, non-square kernels, and kernels as large as the padded image.
const Case kCases[] = {
    {2, 3, 4, 5, 7, 2, 3, 1, 0},  {1, 1, 1, 9, 7, 3, 3, 2, 1},  {5, 2, 3, 6, 5, 3, 3, 1, 2},
    {1, 17, 5, 7, 9, 3, 3, 2, 2}, {5, 3, 4, 6, 5, 1, 1, 1, 0},  {2, 4, 3, 5, 5, 1, 1, 2, 1},
    {1, 2, 3, 3, 4, 7, 8, 1, 2},  {3, 2, 2, 5, 7, 5, 7, 1, 0},  {2, 3, 17, 8, 6, 3, 2, 3, 1},
    {1, 1, 2, 1, 1, 1, 1, 1, 0},  {4, 5, 6, 11, 13, 5, 3, 2, 2},
};

Conv2d random_conv(const Case& c, nn::Rng& rng) {
    Conv2d conv;
    conv.K = random_tensor({c.Co, c.C, c.kh, c.kw}, rng);
    conv.b.resize(c.Co);
    for (float& b : conv.b) b = rng.uniform(-0.5f, 0.5f);
    conv.stride = c.s;
    conv.padding = c.p;
    return conv;
}

// The same shape and, element by element, within 1e-4 relative (1e-4 absolute near 0):
// the two paths add the same products in a different order.
void expect_close(const Tensor& fast, const Tensor& loops, const std::string& what) {
    ASSERT_EQ(fast.shape(), loops.shape()) << what;
    for (size_t i = 0; i < loops.size(); ++i)
        ASSERT_NEAR(fast[i], loops[i], 1e-4 * (1 + std::abs(loops[i]))) << what << "[" << i << "] of "
                                                                          << loops.shape_string();
}

void expect_close(const std::vector<float>& fast, const std::vector<float>& loops, const std::string& what) {
    ASSERT_EQ(fast.size(), loops.size()) << what;
    for (size_t i = 0; i < loops.size(); ++i)
        EXPECT_NEAR(fast[i], loops[i], 1e-4 * (1 + std::abs(loops[i]))) << what << "[" << i << "]";
}

void expect_same(const Tensor& a, const Tensor& b, const std::string& what) {
    ASSERT_EQ(a.shape(), b.shape()) << what;
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << what << "[" << i << "]";
}

template <class F>
void expect_usage_error(F f, const std::string& what) {
    try {
        f();
        ADD_FAILURE() << what << " returned; it must throw nn::UsageError";
    } catch (const nn::UsageError&) {
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << " threw " << e.what() << ", not an nn::UsageError";
    }
}

}  // namespace

// ---------------------------------------------------------------- the fast path against the loops

TEST(ConvFastPath, ForwardMatchesTheLoopsAtAwkwardSizes) {
    nn::Rng rng(501);
    for (const Case& c : kCases) {
        SCOPED_TRACE(describe(c));
        Conv2d conv = random_conv(c, rng);
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y, Y_loops;
        ConvWorkspace work;
        conv2d_forward(conv, X, Y, work);
        conv2d_forward_loops(conv, X, Y_loops);
        expect_close(Y, Y_loops, "Y");
        // And both against the double reference, so that agreeing is not agreeing on a mistake.
        reference5::expect_near(Y, reference5::conv_forward({conv.K, conv.b, c.s, c.p}, X), "Y", 1e-4, 1e-4);
    }
}

TEST(ConvFastPath, BackwardMatchesTheLoopsAtAwkwardSizes) {
    nn::Rng rng(502);
    for (const Case& c : kCases) {
        SCOPED_TRACE(describe(c));
        Conv2d conv = random_conv(c, rng);
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y;
        ConvWorkspace work;
        conv2d_forward(conv, X, Y, work);
        Tensor dY = random_tensor(Y.shape(), rng);
        // The fast path does not see X: dX comes with X's shape, which col2im reads.
        Tensor dK, dX(X.shape()), dK_loops, dX_loops;
        std::vector<float> db, db_loops;
        conv2d_backward(conv, dY, dK, db, &dX, work);
        conv2d_backward_loops(conv, X, dY, dK_loops, db_loops, &dX_loops);
        expect_close(dK, dK_loops, "dK");
        expect_close(db, db_loops, "db");
        expect_close(dX, dX_loops, "dX");
        // Without dX, the same dK and db.
        Tensor dK_only;
        std::vector<float> db_only;
        conv2d_backward(conv, dY, dK_only, db_only, nullptr, work);
        expect_close(dK_only, dK_loops, "dK without dX");
        expect_close(db_only, db_loops, "db without dX");
    }
}

TEST(ConvFastPath, OverwritesTheOutputsItIsGiven) {
    nn::Rng rng(503);
    const Case c{2, 3, 4, 5, 6, 3, 3, 1, 1};
    Conv2d conv = random_conv(c, rng);
    Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y({2, 4, 5, 6}, 7.0f), Y_loops;
    ConvWorkspace work;
    conv2d_forward(conv, X, Y, work);
    conv2d_forward_loops(conv, X, Y_loops);
    expect_close(Y, Y_loops, "Y given filled with 7");
    Tensor dY = random_tensor(Y.shape(), rng);
    Tensor dK(conv.K.shape(), 7.0f), dX(X.shape(), 7.0f), dK_loops, dX_loops;
    std::vector<float> db(4, 7.0f), db_loops;
    conv2d_backward(conv, dY, dK, db, &dX, work);
    conv2d_backward_loops(conv, X, dY, dK_loops, db_loops, &dX_loops);
    expect_close(dK, dK_loops, "dK given filled with 7");
    expect_close(db, db_loops, "db given filled with 7");
    expect_close(dX, dX_loops, "dX given filled with 7");
}

TEST(ConvFastPath, ReusesItsWorkspaceAcrossBatchesOfDifferentSizes) {
    // One workspace through batches of 5, 2, 1 and 5 again gives, bit for bit, what a
    // fresh workspace gives for each: nothing of an earlier batch leaks into a later one.
    nn::Rng rng(504);
    const Case c{5, 3, 4, 7, 6, 3, 2, 2, 1};
    Conv2d conv = random_conv(c, rng);
    ConvWorkspace kept;
    for (size_t B : {5u, 2u, 1u, 5u}) {
        SCOPED_TRACE("batch of " + std::to_string(B));
        Tensor X = random_tensor({B, c.C, c.H, c.W}, rng);
        Tensor Y, dK, dX(X.shape());
        std::vector<float> db;
        conv2d_forward(conv, X, Y, kept);
        Tensor dY = random_tensor(Y.shape(), rng);
        conv2d_backward(conv, dY, dK, db, &dX, kept);
        ConvWorkspace fresh;
        Tensor Y2, dK2, dX2(X.shape());
        std::vector<float> db2;
        conv2d_forward(conv, X, Y2, fresh);
        conv2d_backward(conv, dY, dK2, db2, &dX2, fresh);
        expect_same(Y, Y2, "Y");
        expect_same(dK, dK2, "dK");
        expect_same(dX, dX2, "dX");
        EXPECT_EQ(db, db2);
        // And the loops agree.
        Tensor Y_loops, dK_loops, dX_loops;
        std::vector<float> db_loops;
        conv2d_forward_loops(conv, X, Y_loops);
        conv2d_backward_loops(conv, X, dY, dK_loops, db_loops, &dX_loops);
        expect_close(Y, Y_loops, "Y");
        expect_close(dK, dK_loops, "dK");
        expect_close(db, db_loops, "db");
        expect_close(dX, dX_loops, "dX");
    }
}

TEST(ConvFastPath, KeepsTheWorkspaceBuffersOfTheSameBatchSize) {
    // A second step of the same shapes allocates nothing: the buffers are where they were.
    nn::Rng rng(505);
    const Case c{4, 2, 3, 6, 6, 3, 3, 1, 1};
    Conv2d conv = random_conv(c, rng);
    ConvWorkspace work;
    Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y, dK, dX(X.shape());
    std::vector<float> db;
    conv2d_forward(conv, X, Y, work);
    Tensor dY = random_tensor(Y.shape(), rng);
    conv2d_backward(conv, dY, dK, db, &dX, work);
    const float* cols = work.cols.data();
    const float* Y_cm = work.Y_cm.data();
    const float* dY_cm = work.dY_cm.data();
    const float* dcols = work.dcols.data();
    EXPECT_EQ(work.cols.shape(), (std::vector<size_t>{2 * 3 * 3, 4 * 6 * 6}));
    EXPECT_EQ(work.Y_cm.shape(), (std::vector<size_t>{3, 4 * 6 * 6}));
    conv2d_forward(conv, X, Y, work);
    conv2d_backward(conv, dY, dK, db, &dX, work);
    EXPECT_EQ(work.cols.data(), cols);
    EXPECT_EQ(work.Y_cm.data(), Y_cm);
    EXPECT_EQ(work.dY_cm.data(), dY_cm);
    EXPECT_EQ(work.dcols.data(), dcols);
}

// ---------------------------------------------------------------- output_shape, conv_multiply_adds

TEST(ConvFastPath, OutputShapeGivesBatchOutputChannelsAndBothSizes) {
    Conv2d conv;
    conv.K = Tensor({4, 3, 2, 3});
    conv.b.assign(4, 0.0f);
    EXPECT_EQ(output_shape(conv, {2, 3, 5, 7}), (std::vector<size_t>{2, 4, 4, 5}));
    conv.stride = 2;
    conv.padding = 2;
    // rows (5 + 4 - 2) / 2 + 1 = 4, columns (7 + 4 - 3) / 2 + 1 = 5
    EXPECT_EQ(output_shape(conv, {1, 3, 5, 7}), (std::vector<size_t>{1, 4, 4, 5}));
    // H and W swapped: rows (7 + 4 - 2) / 2 + 1 = 5, columns (5 + 4 - 3) / 2 + 1 = 4
    EXPECT_EQ(output_shape(conv, {1, 3, 7, 5}), (std::vector<size_t>{1, 4, 5, 4}));
}

TEST(ConvFastPath, OutputShapeThrowsUsageErrorForAWrongRankOrChannelCountOrAnEmptyOutput) {
    Conv2d conv;
    conv.K = Tensor({4, 3, 2, 3});
    conv.b.assign(4, 0.0f);
    expect_usage_error([&] { output_shape(conv, {3, 5, 7}); }, "rank 3");
    expect_usage_error([&] { output_shape(conv, {1, 1, 3, 5, 7}); }, "rank 5");
    expect_usage_error([&] { output_shape(conv, {}); }, "rank 0");
    expect_usage_error([&] { output_shape(conv, {2, 2, 5, 7}); }, "2 channels for 3");
    expect_usage_error([&] { output_shape(conv, {2, 4, 5, 7}); }, "4 channels for 3");
    expect_usage_error([&] { output_shape(conv, {2, 3, 1, 7}); }, "1 row for a kernel of 2");
    expect_usage_error([&] { output_shape(conv, {2, 3, 5, 2}); }, "2 columns for a kernel of 3");
    // and the convolutions refuse such inputs through it
    ConvWorkspace work;
    Tensor Y;
    expect_usage_error([&] { conv2d_forward(conv, Tensor({1, 2, 5, 7}), Y, work); }, "conv2d_forward");
}

TEST(ConvFastPath, CountsTheMultiplyAddsOfLeNetsConvolutions) {
    nn::Rng rng(506);
    // conv 5x5, 20 maps on 1x28x28: 20 * 24 * 24 * 25 = 288000.
    EXPECT_EQ(conv_multiply_adds(make_conv(1, 20, 5, 1, 0, rng), 28, 28), 288000u);
    // conv 5x5, 40 maps on 20x12x12: 40 * 8 * 8 * 500 = 1280000.
    EXPECT_EQ(conv_multiply_adds(make_conv(20, 40, 5, 1, 0, rng), 12, 12), 1280000u);
    // K [2, 3, 2, 3] on 5x7: 2 * 4 * 5 * (3 * 2 * 3) = 720; on 7x5: 2 * 6 * 3 * 18 = 648.
    Conv2d conv;
    conv.K = Tensor({2, 3, 2, 3});
    conv.b.assign(2, 0.0f);
    EXPECT_EQ(conv_multiply_adds(conv, 5, 7), 720u);
    EXPECT_EQ(conv_multiply_adds(conv, 7, 5), 648u);
}

// ---------------------------------------------------------------- make_conv, make_batch_norm

TEST(ConvFastPath, MakeConvGivesTheShapesAndZeroBiases) {
    nn::Rng rng(507);
    Conv2d conv = make_conv(3, 8, 5, 2, 1, rng);
    EXPECT_EQ(conv.K.shape(), (std::vector<size_t>{8, 3, 5, 5}));
    EXPECT_EQ(conv.b, std::vector<float>(8, 0.0f));
    EXPECT_EQ(conv.stride, 2u);
    EXPECT_EQ(conv.padding, 1u);
    EXPECT_EQ(conv.in_channels(), 3u);
    EXPECT_EQ(conv.out_channels(), 8u);
    EXPECT_EQ(conv.kernel_rows(), 5u);
    EXPECT_EQ(conv.kernel_cols(), 5u);
}

TEST(ConvFastPath, MakeConvDrawsHeScaledKernels) {
    // N(0, 2 / (C k k)): for C = 20, k = 5, a standard deviation of sqrt(2 / 500) = 0.0632
    // over 40 * 500 = 20000 draws (the sample's is within 0.5% of it, one sigma); for
    // C = 3, k = 3, sqrt(2 / 27) = 0.272 over 64 * 27 = 1728 draws (1.7%).
    struct Draw { size_t C, Co, k; double tolerance; };
    for (Draw d : {Draw{20, 40, 5, 0.03}, Draw{3, 64, 3, 0.1}}) {
        nn::Rng rng(508);
        Conv2d conv = make_conv(d.C, d.Co, d.k, 1, 0, rng);
        const double want = std::sqrt(2.0 / double(d.C * d.k * d.k));
        double sum = 0, sq = 0;
        for (float k : conv.K.span()) sum += k;
        const double n = double(conv.K.size()), mean = sum / n;
        for (float k : conv.K.span()) sq += (k - mean) * (k - mean);
        const double std = std::sqrt(sq / (n - 1));
        EXPECT_NEAR(std / want, 1.0, d.tolerance) << "C = " << d.C << ", k = " << d.k;
        EXPECT_LT(std::abs(mean), 6 * want / std::sqrt(n)) << "C = " << d.C << ", k = " << d.k;
    }
}

TEST(ConvFastPath, MakeConvIsTheSameForTheSameSeed) {
    nn::Rng a(509), b(509);
    Conv2d one = make_conv(2, 3, 3, 1, 1, a), two = make_conv(2, 3, 3, 1, 1, b);
    expect_same(one.K, two.K, "K");
}

TEST(ConvFastPath, MakeConvThrowsUsageErrorForAZeroSize) {
    nn::Rng rng(510);
    expect_usage_error([&] { make_conv(0, 4, 3, 1, 0, rng); }, "0 input channels");
    expect_usage_error([&] { make_conv(3, 0, 3, 1, 0, rng); }, "0 output channels");
    expect_usage_error([&] { make_conv(3, 4, 0, 1, 0, rng); }, "a kernel of 0");
    expect_usage_error([&] { make_conv(3, 4, 3, 0, 0, rng); }, "a stride of 0");
}

TEST(ConvFastPath, MakeBatchNormStartsAtTheIdentityWithUnitRunningVariance) {
    BatchNorm bn = make_batch_norm(3);
    EXPECT_EQ(bn.channels(), 3u);
    EXPECT_EQ(bn.gamma, std::vector<float>(3, 1.0f));
    EXPECT_EQ(bn.beta, std::vector<float>(3, 0.0f));
    EXPECT_EQ(bn.running_mean, std::vector<float>(3, 0.0f));
    EXPECT_EQ(bn.running_var, std::vector<float>(3, 1.0f));
    EXPECT_EQ(bn.eps, 1e-5f);
    EXPECT_EQ(bn.momentum, 0.1f);
    expect_usage_error([] { make_batch_norm(0); }, "make_batch_norm(0)");
}
