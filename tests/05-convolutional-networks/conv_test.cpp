// Chapter 5 exercise tests, 5.1 - 5.9. Suites named Ex5_<n>_... check exercise 5.<n>
// (make check groups them by that prefix). The given fast path (im2col + gemm, make_conv,
// output_shape) is tested in fast_path_test.cpp.
//
// Each exercise is tested on its own, without calling the others: the references are
// recomputed here in double by plain loops (tests/05-convolutional-networks/reference.hpp),
// shapes included, and the batch-norm backward pass is fed a cache computed by the
// reference rather than by exercise 5.8. Values worked out by hand are in comments. The
// backward passes are also checked against central differences (nn::check_gradient) of
// the loss sum dY * Y, in double, whose gradient is dY pulled back through the layer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "05-convolutional-networks/conv.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"
#include "tests/05-convolutional-networks/reference.hpp"

using namespace cnn;

namespace {

using namespace reference5;

// f() must throw nn::UsageError, whose message names `must_name` when it is given. The
// stub's NotImplemented goes through, so that make check sees "not started".
void expect_usage_error(const std::function<void()>& f, const std::string& what, const std::string& must_name = "") {
    try {
        f();
        ADD_FAILURE() << what << " returned; it must throw nn::UsageError";
    } catch (const nn::NotImplemented&) {
        throw;
    } catch (const nn::UsageError& e) {
        if (!must_name.empty()) {
            EXPECT_NE(std::string(e.what()).find(must_name), std::string::npos)
                << what << ": the message \"" << e.what() << "\" does not name " << must_name;
        }
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << " threw " << e.what() << ", not an nn::UsageError";
    }
}

// The awkward shapes every convolution exercise is tried on: rectangular images
// (H != W, so swapped axes show), non-square kernels, batch 1, one channel, many
// channels, odd widths, stride 2, padding 1 and 2, a 1x1 kernel, a kernel larger
// than the image (it fits in the padded one), stride larger than the kernel.
struct ConvCase {
    size_t B, C, Co, H, W, kh, kw, s, p;
};
const ConvCase kConvCases[] = {
    {2, 3, 4, 5, 7, 2, 3, 1, 0},   // K [4, 3, 2, 3] on 5x7: 4x5
    {1, 1, 1, 6, 5, 3, 3, 2, 1},   // batch 1, one channel, stride 2, padding 1: 3x3
    {2, 2, 3, 4, 6, 3, 3, 1, 2},   // padding 2: 6x8
    {3, 5, 2, 7, 4, 3, 2, 2, 2},   // stride 2 and padding 2: 4x4
    {2, 9, 3, 3, 5, 1, 1, 1, 0},   // many channels, a 1x1 kernel
    {1, 17, 2, 3, 4, 2, 3, 1, 0},  // 17 channels: a sum that stops early shows
    {1, 2, 2, 2, 3, 4, 5, 1, 1},   // the kernel is larger than the image: 1x1
    {2, 2, 2, 7, 9, 2, 2, 3, 1},   // stride 3 > kernel 2: cells that no window reads
    {2, 3, 2, 5, 5, 3, 3, 1, 1},   // square, the LeNet-like "same" convolution
};

std::string describe(const ConvCase& c) {
    return "X [" + std::to_string(c.B) + ", " + std::to_string(c.C) + ", " + std::to_string(c.H) + ", " +
           std::to_string(c.W) + "], K [" + std::to_string(c.Co) + ", " + std::to_string(c.C) + ", " +
           std::to_string(c.kh) + ", " + std::to_string(c.kw) + "], stride " + std::to_string(c.s) +
           ", padding " + std::to_string(c.p);
}

ConvSpec random_spec(const ConvCase& c, nn::Rng& rng) {
    ConvSpec spec{random_tensor({c.Co, c.C, c.kh, c.kw}, rng), std::vector<float>(c.Co), c.s, c.p};
    for (float& b : spec.b) b = rng.uniform(-0.5f, 0.5f);
    return spec;
}

std::vector<size_t> y_shape(const ConvCase& c) {
    return {c.B, c.Co, out_size(c.H, c.kh, c.s, c.p), out_size(c.W, c.kw, c.s, c.p)};
}

// The 3x3 image 1..9 and the 2x2 kernel [[1, 2], [3, 4]] of the hand-worked examples:
// the kernel is not symmetric, so a flipped one shows.
const Tensor kNine = tensor4({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
const Tensor kFour = tensor4({1, 1, 2, 2}, {1, 2, 3, 4});

}  // namespace

// ---------------------------------------------------------------- 5.1

TEST(Ex5_1_OutputSize, GivesTheSizesOfLeNet) {
    EXPECT_EQ(output_size(28, 5, 1, 0), 24u);  // 28 - 5 + 1
    EXPECT_EQ(output_size(24, 2, 2, 0), 12u);  // 22 / 2 + 1
    EXPECT_EQ(output_size(12, 5, 1, 0), 8u);
    EXPECT_EQ(output_size(8, 2, 2, 0), 4u);
}

TEST(Ex5_1_OutputSize, FloorsWhenTheStrideDoesNotDivideTheSpan) {
    EXPECT_EQ(output_size(7, 3, 2, 1), 4u);   // (7 + 2 - 3) / 2 + 1 = 3 + 1
    EXPECT_EQ(output_size(6, 3, 2, 0), 2u);   // 3 / 2 = 1, + 1
    EXPECT_EQ(output_size(8, 3, 3, 0), 2u);   // 5 / 3 = 1, + 1
    EXPECT_EQ(output_size(10, 2, 3, 0), 3u);  // stride > kernel: 8 / 3 = 2, + 1
    EXPECT_EQ(output_size(9, 2, 3, 1), 4u);   // (9 + 2 - 2) / 3 = 3, + 1
}

TEST(Ex5_1_OutputSize, CountsThePaddingAtBothEnds) {
    EXPECT_EQ(output_size(5, 3, 1, 1), 5u);  // "same": 5 + 2 - 3 + 1
    EXPECT_EQ(output_size(5, 3, 1, 2), 7u);  // 5 + 4 - 3 + 1 (padding once would give 5)
    EXPECT_EQ(output_size(4, 5, 1, 1), 2u);  // 4 + 2 - 5 + 1
    EXPECT_EQ(output_size(6, 4, 2, 2), 4u);  // (6 + 4 - 4) / 2 + 1
}

TEST(Ex5_1_OutputSize, FitsAKernelAsLargeAsThePaddedInputOnce) {
    EXPECT_EQ(output_size(5, 5, 1, 0), 1u);
    EXPECT_EQ(output_size(3, 7, 1, 2), 1u);  // 3 + 4 = 7 cells padded
    EXPECT_EQ(output_size(3, 7, 4, 2), 1u);  // whatever the stride
    EXPECT_EQ(output_size(1, 1, 1, 0), 1u);
    EXPECT_EQ(output_size(1, 3, 5, 1), 1u);
}

TEST(Ex5_1_OutputSize, IsTheInputItselfForAOneCellKernelAndStrideOne) {
    for (size_t n : {1u, 2u, 7u, 28u}) EXPECT_EQ(output_size(n, 1, 1, 0), n) << "input " << n;
    EXPECT_EQ(output_size(7, 1, 2, 0), 4u);  // 6 / 2 + 1: cells 0, 2, 4, 6
}

TEST(Ex5_1_OutputSize, ThrowsUsageErrorForAKernelOfZero) {
    expect_usage_error([] { output_size(5, 0, 1, 0); }, "output_size(5, 0, 1, 0)");
    expect_usage_error([] { output_size(5, 0, 1, 2); }, "output_size(5, 0, 1, 2)");
}

TEST(Ex5_1_OutputSize, ThrowsUsageErrorForAStrideOfZero) {
    expect_usage_error([] { output_size(5, 3, 0, 0); }, "output_size(5, 3, 0, 0)");
    expect_usage_error([] { output_size(5, 3, 0, 1); }, "output_size(5, 3, 0, 1)");
}

TEST(Ex5_1_OutputSize, ThrowsUsageErrorNamingTheNumbersWhenTheKernelDoesNotFit) {
    // Unsigned 6 + 0 - 7 wraps around to a huge number: the check must come first.
    expect_usage_error([] { output_size(6, 7, 1, 0); }, "output_size(6, 7, 1, 0)", "7");
    expect_usage_error([] { output_size(3, 8, 1, 2); }, "output_size(3, 8, 1, 2)", "8");  // 7 padded cells
    expect_usage_error([] { output_size(4, 9, 2, 1); }, "output_size(4, 9, 2, 1)", "9");
    expect_usage_error([] { output_size(0, 1, 1, 0); }, "output_size(0, 1, 1, 0)");
    // 23 cells padded by 31 at each end are 85 < 97: the message names all three.
    for (const char* number : {"97", "23", "31"})
        expect_usage_error([] { output_size(23, 97, 1, 31); }, "output_size(23, 97, 1, 31)", number);
}

// ---------------------------------------------------------------- 5.2

TEST(Ex5_2_ConvForward, CrossCorrelatesByHandWithoutFlippingTheKernel) {
    // X = [[1 2 3] [4 5 6] [7 8 9]], K = [[1 2] [3 4]], b = 0.5:
    //   Y(0, 0) = 1*1 + 2*2 + 3*4 + 4*5 + 0.5 = 37.5,  Y(0, 1) = 2 + 6 + 15 + 24 + 0.5 = 47.5
    //   Y(1, 0) = 4 + 10 + 21 + 32 + 0.5 = 67.5,      Y(1, 1) = 5 + 12 + 24 + 36 + 0.5 = 77.5
    // (the flipped kernel, a convolution, would give 27.5 first).
    Conv2d conv{kFour, {0.5f}, 1, 0};
    Tensor Y;
    conv2d_forward_loops(conv, kNine, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 2, 2}));
    EXPECT_EQ(Y[0], 37.5f);
    EXPECT_EQ(Y[1], 47.5f);
    EXPECT_EQ(Y[2], 67.5f);
    EXPECT_EQ(Y[3], 77.5f);
}

TEST(Ex5_2_ConvForward, SumsOverEveryInputChannel) {
    // Channel c of X is the constant c + 1; the 1x1 kernel weighs the channels 1, 10, 100:
    // Y = 1*1 + 10*2 + 100*3 = 321 everywhere (channel 0 alone gives 1, the last alone 300).
    Tensor X({1, 3, 2, 3});
    for (size_t c = 0; c < 3; ++c)
        for (size_t y = 0; y < 2; ++y)
            for (size_t x = 0; x < 3; ++x) X(0, c, y, x) = float(c + 1);
    Conv2d conv{tensor4({1, 3, 1, 1}, {1, 10, 100}), {0.0f}, 1, 0};
    Tensor Y;
    conv2d_forward_loops(conv, X, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 2, 3}));
    for (size_t i = 0; i < Y.size(); ++i) EXPECT_EQ(Y[i], 321.0f) << "Y[" << i << "]";
}

TEST(Ex5_2_ConvForward, ReadsThePaddingAsZeros) {
    // X = [[1 2] [3 4]], a 3x3 kernel of ones but for its centre 10, padding 1: each output
    // cell is 10 times its own cell plus the other three, which every window holds:
    //   Y = [[10 + 9, 20 + 8] [30 + 7, 40 + 6]] = [[19 28] [37 46]]
    Conv2d conv{tensor4({1, 1, 3, 3}, {1, 1, 1, 1, 10, 1, 1, 1, 1}), {0.0f}, 1, 1};
    Tensor Y;
    conv2d_forward_loops(conv, kFour, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 2, 2}));
    EXPECT_EQ(Y[0], 19.0f);
    EXPECT_EQ(Y[1], 28.0f);
    EXPECT_EQ(Y[2], 37.0f);
    EXPECT_EQ(Y[3], 46.0f);
}

TEST(Ex5_2_ConvForward, StepsByTheStrideAndPadsBothEndsByTwo) {
    // The 1x1 kernel 1 on 1..9 with stride 2 and padding 2 reads X at rows and columns
    // -2, 0, 2, 4: Y is 4x4, with X's cells 1 3 / 7 9 at its centre and zeros around.
    Conv2d conv{tensor4({1, 1, 1, 1}, {1}), {0.0f}, 2, 2};
    Tensor Y;
    conv2d_forward_loops(conv, kNine, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 4, 4}));
    const float want[16] = {0, 0, 0, 0, 0, 1, 3, 0, 0, 7, 9, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(Y[i], want[i]) << "Y[" << i << "]";
}

TEST(Ex5_2_ConvForward, AddsEachOutputChannelsOwnBias) {
    // A zero kernel: Y(n, c', i, j) = b(c').
    Conv2d conv{Tensor({3, 2, 2, 2}), {1.5f, -2.0f, 0.25f}, 1, 0};
    nn::Rng rng(52);
    Tensor X = random_tensor({2, 2, 3, 4}, rng), Y;
    conv2d_forward_loops(conv, X, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{2, 3, 2, 3}));
    for (size_t n = 0; n < 2; ++n)
        for (size_t o = 0; o < 3; ++o)
            for (size_t k = 0; k < 6; ++k) EXPECT_EQ(Y[(n * 3 + o) * 6 + k], conv.b[o]) << "n " << n << ", c' " << o;
}

TEST(Ex5_2_ConvForward, MatchesTheReferenceAtAwkwardShapes) {
    nn::Rng rng(520);
    for (const ConvCase& c : kConvCases) {
        SCOPED_TRACE(describe(c));
        ConvSpec spec = random_spec(c, rng);
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng);
        Tensor Y;
        conv2d_forward_loops(to_conv(spec), X, Y);
        expect_near(Y, conv_forward(spec, X), "Y");
    }
}

TEST(Ex5_2_ConvForward, ResizesAndOverwritesTheYItIsGiven) {
    nn::Rng rng(521);
    const ConvCase c{2, 3, 2, 5, 4, 3, 2, 1, 1};
    ConvSpec spec = random_spec(c, rng);
    Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng);
    Tensor wrong({3, 3}, 7.0f), right(y_shape(c), 7.0f);
    conv2d_forward_loops(to_conv(spec), X, wrong);
    expect_near(wrong, conv_forward(spec, X), "Y given [3, 3]");
    conv2d_forward_loops(to_conv(spec), X, right);
    expect_near(right, conv_forward(spec, X), "Y given its shape, filled with 7");
}

// ---------------------------------------------------------------- 5.3

namespace {

struct ConvBackward {
    Tensor dK, dX;
    std::vector<float> db;
};

ConvBackward run_backward(const ConvSpec& spec, const Tensor& X, const Tensor& dY) {
    ConvBackward r;
    conv2d_backward_loops(to_conv(spec), X, dY, r.dK, r.db, &r.dX);
    return r;
}

}  // namespace

TEST(Ex5_3_ConvBackward, RoutesOneErrorByHand) {
    // X = 1..9, K = [[1 2] [3 4]], dY = [[1 0] [0 0]]: only Y(0, 0) matters, which read
    // X's top-left 2x2 through K. So dK = [[1 2] [4 5]], db = 1, and dX is K laid on the
    // top-left corner, unflipped: [[1 2 0] [3 4 0] [0 0 0]].
    ConvSpec spec{kFour, {0.5f}, 1, 0};
    ConvBackward r = run_backward(spec, kNine, tensor4({1, 1, 2, 2}, {1, 0, 0, 0}));
    ASSERT_EQ(r.dK.shape(), (std::vector<size_t>{1, 1, 2, 2}));
    ASSERT_EQ(r.dX.shape(), (std::vector<size_t>{1, 1, 3, 3}));
    ASSERT_EQ(r.db.size(), 1u);
    const float dK[4] = {1, 2, 4, 5}, dX[9] = {1, 2, 0, 3, 4, 0, 0, 0, 0};
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(r.dK[i], dK[i]) << "dK[" << i << "]";
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(r.dX[i], dX[i]) << "dX[" << i << "]";
    EXPECT_EQ(r.db[0], 1.0f);
    // dY = [[0 0] [0 2]]: dK = 2 [[5 6] [8 9]], db = 2, dX = 2 K on the bottom-right corner.
    r = run_backward(spec, kNine, tensor4({1, 1, 2, 2}, {0, 0, 0, 2}));
    const float dK2[4] = {10, 12, 16, 18}, dX2[9] = {0, 0, 0, 0, 2, 4, 0, 6, 8};
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(r.dK[i], dK2[i]) << "dK[" << i << "]";
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(r.dX[i], dX2[i]) << "dX[" << i << "]";
    EXPECT_EQ(r.db[0], 2.0f);
}

TEST(Ex5_3_ConvBackward, AveragesDkAndDbOverTheBatchButNotDx) {
    // Two copies of the same image and the same dY: dK and db are those of one image
    // (the mean of two equal ones), dX is the one image's dX for each copy, not half of it.
    Tensor X({2, 1, 3, 3}), dY({2, 1, 2, 2});
    for (size_t n = 0; n < 2; ++n) {
        for (size_t k = 0; k < 9; ++k) X[n * 9 + k] = kNine[k];
        dY[n * 4] = 1;  // dY = [[1 0] [0 0]] for both
    }
    ConvBackward r = run_backward({kFour, {0.0f}, 1, 0}, X, dY);
    const float dK[4] = {1, 2, 4, 5}, dX[9] = {1, 2, 0, 3, 4, 0, 0, 0, 0};
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(r.dK[i], dK[i]) << "dK[" << i << "]";
    ASSERT_EQ(r.db.size(), 1u);
    EXPECT_EQ(r.db[0], 1.0f);
    for (size_t n = 0; n < 2; ++n)
        for (size_t i = 0; i < 9; ++i) EXPECT_EQ(r.dX[n * 9 + i], dX[i]) << "image " << n << ", dX[" << i << "]";
}

TEST(Ex5_3_ConvBackward, MatchesTheReferenceAtAwkwardShapes) {
    nn::Rng rng(530);
    for (const ConvCase& c : kConvCases) {
        SCOPED_TRACE(describe(c));
        ConvSpec spec = random_spec(c, rng);
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), dY = random_tensor(y_shape(c), rng);
        ConvBackward r = run_backward(spec, X, dY);
        ConvGrads want = conv_backward(spec, X, dY);
        expect_near(r.dK, want.dK, "dK");
        expect_near(r.db, want.db, "db");
        expect_near(r.dX, want.dX, "dX");
    }
}

TEST(Ex5_3_ConvBackward, GivesTheSameDkAndDbWithoutDx) {
    nn::Rng rng(531);
    const ConvCase c{2, 2, 3, 5, 4, 3, 2, 2, 1};
    ConvSpec spec = random_spec(c, rng);
    Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), dY = random_tensor(y_shape(c), rng);
    Tensor dK;
    std::vector<float> db;
    conv2d_backward_loops(to_conv(spec), X, dY, dK, db, nullptr);
    ConvGrads want = conv_backward(spec, X, dY);
    expect_near(dK, want.dK, "dK");
    expect_near(db, want.db, "db");
}

TEST(Ex5_3_ConvBackward, ResizesAndOverwritesEveryOutput) {
    nn::Rng rng(532);
    const ConvCase c{3, 2, 2, 4, 5, 2, 3, 1, 1};
    ConvSpec spec = random_spec(c, rng);
    Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), dY = random_tensor(y_shape(c), rng);
    ConvGrads want = conv_backward(spec, X, dY);
    // Wrong shapes first, then the right shapes filled with 7: nothing is added to what was there.
    Tensor dK({2, 2}, 7.0f), dX({1}, 7.0f);
    std::vector<float> db(5, 7.0f);
    conv2d_backward_loops(to_conv(spec), X, dY, dK, db, &dX);
    expect_near(dK, want.dK, "dK given [2, 2]");
    expect_near(db, want.db, "db given 5 values");
    expect_near(dX, want.dX, "dX given [1]");
    dK = Tensor(spec.K.shape(), 7.0f);
    dX = Tensor(X.shape(), 7.0f);
    db.assign(2, 7.0f);
    conv2d_backward_loops(to_conv(spec), X, dY, dK, db, &dX);
    expect_near(dK, want.dK, "dK given filled with 7");
    expect_near(db, want.db, "db given filled with 7");
    expect_near(dX, want.dX, "dX given filled with 7");
}

TEST(Ex5_3_ConvBackward, AgreesWithCentralDifferencesForDkDbAndDx) {
    // L = (1/B) sum dY * Y for K and b (the mean over the batch), sum dY * Y for X (per
    // example), Y by the reference forward pass in double.
    nn::Rng rng(533);
    for (const ConvCase& c : {ConvCase{2, 2, 3, 5, 4, 3, 2, 2, 1}, ConvCase{3, 1, 2, 4, 4, 2, 2, 1, 2}}) {
        SCOPED_TRACE(describe(c));
        ConvSpec spec = random_spec(c, rng);
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), dY = random_tensor(y_shape(c), rng);
        ConvBackward r = run_backward(spec, X, dY);
        auto mean_loss = [&] { return dot(dY, conv_forward(spec, X)) / double(c.B); };
        auto sum_loss = [&] { return dot(dY, conv_forward(spec, X)); };
        auto check = [](const std::function<double()>& loss, std::span<float> params, std::span<const float> grad,
                        const std::string& what) {
            nn::GradCheckResult g = nn::check_gradient(loss, params, grad, 1e-2, 1e-3);
            EXPECT_LT(g.max_relative_error, 1e-3)
                << what << ": at " << g.worst_index << " analytic " << g.analytic << ", numeric " << g.numeric;
        };
        check(mean_loss, spec.K.span(), r.dK.span(), "dK");
        check(mean_loss, spec.b, r.db, "db");
        check(sum_loss, X.span(), r.dX.span(), "dX");
    }
}

// ---------------------------------------------------------------- 5.4

TEST(Ex5_4_Im2col, UnrollsEachWindowIntoAColumnByHand) {
    // 1..9, a 2x2 kernel, stride 1: four windows (columns), four kernel cells (rows).
    //   row (u, v) = (0, 0): 1 2 4 5   (0, 1): 2 3 5 6   (1, 0): 4 5 7 8   (1, 1): 5 6 8 9
    Tensor cols;
    im2col(kNine, 2, 2, 1, 0, cols);
    ASSERT_EQ(cols.shape(), (std::vector<size_t>{4, 4}));
    const float want[16] = {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9};
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(cols[i], want[i]) << "cols(" << i / 4 << ", " << i % 4 << ")";
}

TEST(Ex5_4_Im2col, PutsZerosWhereAWindowHangsOverThePadding) {
    // [[1 2] [3 4]], a 3x3 kernel, padding 1: four windows of nine cells. Column (0, 0)
    // is the window centred on 1: 0 0 0 / 0 1 2 / 0 3 4.
    Tensor cols;
    im2col(kFour, 3, 3, 1, 1, cols);
    ASSERT_EQ(cols.shape(), (std::vector<size_t>{9, 4}));
    const float first[9] = {0, 0, 0, 0, 1, 2, 0, 3, 4}, last[9] = {1, 2, 0, 3, 4, 0, 0, 0, 0};
    for (size_t r = 0; r < 9; ++r) {
        EXPECT_EQ(cols(r, 0), first[r]) << "row " << r << " of the first column";
        EXPECT_EQ(cols(r, 3), last[r]) << "row " << r << " of the last column";
    }
}

TEST(Ex5_4_Im2col, MatchesTheReferenceAtAwkwardShapes) {
    nn::Rng rng(540);
    for (const ConvCase& c : kConvCases) {
        SCOPED_TRACE(describe(c));
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), cols;
        im2col(X, c.kh, c.kw, c.s, c.p, cols);
        expect_near(cols, reference5::im2col(X, c.kh, c.kw, c.s, c.p), "cols", 0, 0);  // copies: exact
    }
}

TEST(Ex5_4_Im2col, KeepsTheBufferWhenItsShapeIsRightAndResizesItOtherwise) {
    nn::Rng rng(541);
    Tensor X = random_tensor({2, 3, 4, 5}, rng);
    Tensor cols({3 * 2 * 3, 2 * 3 * 3}, 7.0f);  // the right shape, filled with 7
    const float* before = cols.data();
    im2col(X, 2, 3, 1, 0, cols);
    EXPECT_EQ(cols.data(), before) << "cols had the right shape: it must be reused, not reallocated";
    expect_near(cols, reference5::im2col(X, 2, 3, 1, 0), "cols", 0, 0);
    Tensor small({2, 2}, 7.0f);
    im2col(X, 3, 3, 2, 1, small);
    expect_near(small, reference5::im2col(X, 3, 3, 2, 1), "cols given [2, 2]", 0, 0);
    // A reused buffer's old values must not show through the padding: with padding 2 whole
    // rows of a window hang outside the image, and each of their cells must be written 0.
    Tensor padded({3 * 3 * 3, 2 * 6 * 7}, 7.0f);
    im2col(X, 3, 3, 1, 2, padded);
    expect_near(padded, reference5::im2col(X, 3, 3, 1, 2), "a reused cols, padding 2", 0, 0);
}

// ---------------------------------------------------------------- 5.5

TEST(Ex5_5_Col2im, SumsTheWindowsThatShareACellByHand) {
    // dcols of ones, a 2x2 kernel, stride 1 on 3x3: each cell gets the number of windows
    // that hold it, [[1 2 1] [2 4 2] [1 2 1]] (with = instead of +=, all ones).
    Tensor dcols({4, 4}, 1.0f), dX({1, 1, 3, 3}, 7.0f);
    col2im(dcols, 2, 2, 1, 0, dX);
    ASSERT_EQ(dX.shape(), (std::vector<size_t>{1, 1, 3, 3}));
    const float want[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_5_Col2im, DropsThePaddingsCells) {
    // Ones through a 3x3 kernel with padding 1 on 2x2: each of the 4 windows holds all 4
    // cells, so each gets 4; the other 5 entries of each column are padding and go nowhere.
    Tensor dcols({9, 4}, 1.0f), dX({1, 1, 2, 2}, 7.0f);
    col2im(dcols, 3, 3, 1, 1, dX);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(dX[i], 4.0f) << "dX[" << i << "]";
    // Row 4, the kernel's centre, read cell k in column k: dcols = 10 there moves each by 9.
    for (size_t k = 0; k < 4; ++k) dcols(4, k) = 10.0f;
    col2im(dcols, 3, 3, 1, 1, dX);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(dX[i], 13.0f) << "dX[" << i << "]";
}

TEST(Ex5_5_Col2im, LeavesZeroInTheCellsNoWindowReads) {
    // A 2x2 kernel with stride 3 on 2x5: windows at columns 0-1 and 3-4, column 2 unread.
    // Rows are (u, v): with H = 2, every row of X is read by u = 0 or u = 1 once.
    Tensor dcols({4, 2}, 1.0f), dX({1, 1, 2, 5}, 7.0f);
    col2im(dcols, 2, 2, 3, 0, dX);
    const float want[10] = {1, 1, 0, 1, 1, 1, 1, 0, 1, 1};
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_5_Col2im, MatchesTheReferenceAtAwkwardShapes) {
    nn::Rng rng(550);
    for (const ConvCase& c : kConvCases) {
        SCOPED_TRACE(describe(c));
        const size_t Ho = out_size(c.H, c.kh, c.s, c.p), Wo = out_size(c.W, c.kw, c.s, c.p);
        Tensor dcols = random_tensor({c.C * c.kh * c.kw, c.B * Ho * Wo}, rng);
        Tensor dX({c.B, c.C, c.H, c.W}, 7.0f);
        col2im(dcols, c.kh, c.kw, c.s, c.p, dX);
        expect_near(dX, reference5::col2im(dcols, dX.shape(), c.kh, c.kw, c.s, c.p), "dX");
    }
}

TEST(Ex5_5_Col2im, IsTheAdjointOfIm2col) {
    // <im2col(X), D> = <X, col2im(D)> for every X and D, im2col by the reference.
    nn::Rng rng(551);
    for (const ConvCase& c : kConvCases) {
        SCOPED_TRACE(describe(c));
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng);
        Grid cols = reference5::im2col(X, c.kh, c.kw, c.s, c.p);
        Tensor D = random_tensor(cols.shape, rng), dX(X.shape());
        col2im(D, c.kh, c.kw, c.s, c.p, dX);
        double left = dot(D, cols), right = 0;
        for (size_t i = 0; i < X.size(); ++i) right += double(X[i]) * dX[i];
        EXPECT_NEAR(right, left, 1e-4 * (1 + std::abs(left)));
    }
}

// ---------------------------------------------------------------- 5.6

TEST(Ex5_6_MaxPool, TakesTheLargestOfEachWindowByHand) {
    //  1 3 | 2 0
    //  4 2 | 8 1      2x2 windows, stride 2: Y = [[4 8] [6 9]],
    //  ----+----      at the flat indices 4, 6, 12, 15 of X
    //  0 5 | 1 1
    //  6 1 | 2 9
    Tensor X = tensor4({1, 1, 4, 4}, {1, 3, 2, 0, 4, 2, 8, 1, 0, 5, 1, 1, 6, 1, 2, 9}), Y;
    std::vector<uint32_t> argmax;
    max_pool_forward(X, 2, 2, Y, argmax);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 2, 2}));
    ASSERT_EQ(argmax.size(), 4u);
    const float want[4] = {4, 8, 6, 9};
    const uint32_t where[4] = {4, 6, 12, 15};
    for (size_t t = 0; t < 4; ++t) {
        EXPECT_EQ(Y[t], want[t]) << "Y[" << t << "]";
        EXPECT_EQ(argmax[t], where[t]) << "argmax[" << t << "]";
    }
}

TEST(Ex5_6_MaxPool, PicksTheFirstLargestCellOnATie) {
    // [[3 7] [7 1]]: the 7 at index 1 comes first in row-major order, not the one at 2.
    Tensor Y;
    std::vector<uint32_t> argmax;
    max_pool_forward(tensor4({1, 1, 2, 2}, {3, 7, 7, 1}), 2, 2, Y, argmax);
    ASSERT_EQ(argmax.size(), 1u);
    EXPECT_EQ(Y[0], 7.0f);
    EXPECT_EQ(argmax[0], 1u);
    // Four equal cells: the first one, 0. [[1 5] [5 5]]: 1.
    max_pool_forward(tensor4({1, 1, 2, 2}, {2, 2, 2, 2}), 2, 2, Y, argmax);
    EXPECT_EQ(argmax[0], 0u);
    max_pool_forward(tensor4({1, 1, 2, 2}, {1, 5, 5, 5}), 2, 2, Y, argmax);
    EXPECT_EQ(argmax[0], 1u);
}

TEST(Ex5_6_MaxPool, FindsTheMaximumOfANegativeWindow) {
    // All below 0: a maximum started at 0 instead of a cell of the window would win.
    Tensor Y;
    std::vector<uint32_t> argmax;
    max_pool_forward(tensor4({1, 1, 2, 3}, {-5, -2, -9, -4, -3, -1}), 2, 1, Y, argmax);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 1, 2}));
    EXPECT_EQ(Y[0], -2.0f);
    EXPECT_EQ(Y[1], -1.0f);
    EXPECT_EQ(argmax[0], 1u);
    EXPECT_EQ(argmax[1], 5u);
}

TEST(Ex5_6_MaxPool, GivesFlatIndicesIntoTheWholeBatch) {
    // Image n, channel c of a [2, 3, 2, 2] batch starts at (n 3 + c) 4; with the largest
    // cell always the last of its 2x2 window, argmax[t] = 4 t + 3.
    Tensor X({2, 3, 2, 2}), Y;
    for (size_t i = 0; i < X.size(); ++i) X[i] = float(i % 4);
    std::vector<uint32_t> argmax;
    max_pool_forward(X, 2, 2, Y, argmax);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{2, 3, 1, 1}));
    ASSERT_EQ(argmax.size(), 6u);
    for (size_t t = 0; t < 6; ++t) EXPECT_EQ(argmax[t], 4 * t + 3) << "argmax[" << t << "]";
}

TEST(Ex5_6_MaxPool, MatchesTheReferenceAtAwkwardShapes) {
    // Random, increasing and decreasing values, which put the maximum first, last and
    // anywhere in the window; odd sizes whose last row or column no window reaches.
    nn::Rng rng(560);
    struct Case { size_t B, C, H, W, size, stride; };
    for (Case c : {Case{2, 3, 5, 7, 2, 2}, Case{1, 1, 6, 4, 2, 2}, Case{2, 2, 7, 5, 3, 2},
                   Case{1, 2, 4, 6, 2, 1}, Case{3, 1, 5, 5, 3, 3}, Case{1, 1, 3, 7, 3, 1}})
        for (int order = 0; order < 3; ++order) {
            SCOPED_TRACE("X [" + std::to_string(c.B) + ", " + std::to_string(c.C) + ", " + std::to_string(c.H) +
                         ", " + std::to_string(c.W) + "], size " + std::to_string(c.size) + ", stride " +
                         std::to_string(c.stride) + ", order " + std::to_string(order));
            Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y;
            if (order == 1)
                for (size_t i = 0; i < X.size(); ++i) X[i] = float(i);
            if (order == 2)
                for (size_t i = 0; i < X.size(); ++i) X[i] = -float(i);
            std::vector<uint32_t> argmax;
            max_pool_forward(X, c.size, c.stride, Y, argmax);
            MaxPool want = max_pool(X, c.size, c.stride);
            expect_near(Y, want.Y, "Y", 0, 0);
            EXPECT_EQ(argmax, want.argmax);
        }
}

TEST(Ex5_6_MaxPool, RoutesEachErrorToItsCellAndAddsWhereWindowsPickTheSameOne) {
    // argmax {0, 0, 3, 5} into a [1, 1, 2, 3] input: dX = [[1 + 2, 0, 0] [3, 0, 4]]
    // (with = instead of +=, 2 at index 0). dX comes filled with 7: it is overwritten.
    Tensor dY = tensor4({1, 1, 2, 2}, {1, 2, 3, 4}), dX({1, 1, 2, 3}, 7.0f);
    max_pool_backward(dY, {0, 0, 3, 5}, dX);
    ASSERT_EQ(dX.shape(), (std::vector<size_t>{1, 1, 2, 3}));
    const float want[6] = {3, 0, 0, 3, 0, 4};
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_6_MaxPool, SendsEveryOverlappingWindowsErrorToTheSharedMaximum) {
    // 9 at the centre of a 3x3, 2x2 windows with stride 1: all four pick index 4, which
    // gets 1 + 2 + 3 + 4 = 10.
    Tensor X = tensor4({1, 1, 3, 3}, {1, 2, 3, 4, 9, 5, 6, 7, 8}), Y, dX({1, 1, 3, 3}, 7.0f);
    std::vector<uint32_t> argmax;
    max_pool_forward(X, 2, 1, Y, argmax);
    EXPECT_EQ(argmax, (std::vector<uint32_t>{4, 4, 4, 4}));
    max_pool_backward(tensor4({1, 1, 2, 2}, {1, 2, 3, 4}), argmax, dX);
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(dX[i], i == 4 ? 10.0f : 0.0f) << "dX[" << i << "]";
}

TEST(Ex5_6_MaxPool, AgreesWithCentralDifferences) {
    // Values a permutation of 0, 0.05, 0.1, ...: no two within the step of each other.
    nn::Rng rng(561);
    for (size_t stride : {1u, 2u}) {
        Tensor X({2, 2, 5, 4});
        std::vector<size_t> order = rng.permutation(X.size());
        for (size_t i = 0; i < X.size(); ++i) X[i] = 0.05f * float(order[i]) - 2.0f;
        Tensor Y, dX(X.shape());
        std::vector<uint32_t> argmax;
        max_pool_forward(X, 2, stride, Y, argmax);
        Tensor dY = random_tensor(Y.shape(), rng);
        max_pool_backward(dY, argmax, dX);
        nn::GradCheckResult g =
            nn::check_gradient([&] { return dot(dY, max_pool(X, 2, stride).Y); }, X.span(), dX.span(), 1e-2, 1e-3);
        EXPECT_LT(g.max_relative_error, 1e-3) << "stride " << stride << ": at " << g.worst_index << " analytic "
                                              << g.analytic << ", numeric " << g.numeric;
    }
}

// ---------------------------------------------------------------- 5.7

TEST(Ex5_7_AvgPool, AveragesEachWindowByHand) {
    // [[1 2 3 4] [5 6 7 8]], 2x2 windows, stride 2: (1 + 2 + 5 + 6) / 4 = 3.5, (3 + 4 + 7 + 8) / 4 = 5.5.
    Tensor Y;
    avg_pool_forward(tensor4({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), 2, 2, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 1, 2}));
    EXPECT_EQ(Y[0], 3.5f);
    EXPECT_EQ(Y[1], 5.5f);
}

TEST(Ex5_7_AvgPool, SharesEachErrorAmongItsWindowsCells) {
    // dY = [1 2] back through the same windows: a quarter of each to its four cells.
    Tensor dX({1, 1, 2, 4}, 7.0f);
    avg_pool_backward(tensor4({1, 1, 1, 2}, {1, 2}), 2, 2, dX);
    const float want[8] = {0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f};
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_7_AvgPool, AddsTheSharesOfOverlappingWindows) {
    // 2x2 windows with stride 1 on 2x3, dY = [1 3]: the middle column is in both windows,
    // (1 + 3) / 4 = 1; the left 1/4, the right 3/4.
    Tensor dX({1, 1, 2, 3}, 7.0f);
    avg_pool_backward(tensor4({1, 1, 1, 2}, {1, 3}), 2, 1, dX);
    const float want[6] = {0.25f, 1.0f, 0.75f, 0.25f, 1.0f, 0.75f};
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_7_AvgPool, GivesNothingToTheCellsNoWindowReaches) {
    // 3x3, 2x2 windows, stride 2: one window; the last row and column get 0.
    Tensor Y, dX({1, 1, 3, 3}, 7.0f);
    avg_pool_forward(kNine, 2, 2, Y);
    ASSERT_EQ(Y.shape(), (std::vector<size_t>{1, 1, 1, 1}));
    EXPECT_EQ(Y[0], 3.0f);  // (1 + 2 + 4 + 5) / 4
    avg_pool_backward(tensor4({1, 1, 1, 1}, {4}), 2, 2, dX);
    const float want[9] = {1, 1, 0, 1, 1, 0, 0, 0, 0};
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(dX[i], want[i]) << "dX[" << i << "]";
}

TEST(Ex5_7_AvgPool, MatchesTheReferenceAtAwkwardShapes) {
    nn::Rng rng(570);
    struct Case { size_t B, C, H, W, size, stride; };
    for (Case c : {Case{2, 3, 5, 7, 2, 2}, Case{1, 1, 6, 4, 2, 2}, Case{2, 2, 7, 5, 3, 2},
                   Case{1, 2, 4, 6, 2, 1}, Case{3, 1, 5, 5, 3, 3}, Case{1, 1, 3, 7, 3, 1}}) {
        SCOPED_TRACE("X [" + std::to_string(c.B) + ", " + std::to_string(c.C) + ", " + std::to_string(c.H) + ", " +
                     std::to_string(c.W) + "], size " + std::to_string(c.size) + ", stride " +
                     std::to_string(c.stride));
        Tensor X = random_tensor({c.B, c.C, c.H, c.W}, rng), Y;
        avg_pool_forward(X, c.size, c.stride, Y);
        expect_near(Y, avg_pool(X, c.size, c.stride), "Y", 1e-6, 1e-6);
        Tensor dY = random_tensor(Y.shape(), rng), dX(X.shape(), 7.0f);
        avg_pool_backward(dY, c.size, c.stride, dX);
        expect_near(dX, avg_pool_backward(dY, X.shape(), c.size, c.stride), "dX", 1e-6, 1e-6);
    }
}

TEST(Ex5_7_AvgPool, ResizesY) {
    nn::Rng rng(571);
    Tensor X = random_tensor({2, 2, 4, 5}, rng), Y({3}, 7.0f);
    avg_pool_forward(X, 2, 2, Y);
    expect_near(Y, avg_pool(X, 2, 2), "Y given [3]", 1e-6, 1e-6);
}

TEST(Ex5_7_AvgPool, AgreesWithCentralDifferences) {
    nn::Rng rng(572);
    for (size_t stride : {1u, 2u}) {
        Tensor X = random_tensor({2, 2, 5, 4}, rng), Y, dX(X.shape());
        avg_pool_forward(X, 2, stride, Y);
        Tensor dY = random_tensor(Y.shape(), rng);
        avg_pool_backward(dY, 2, stride, dX);
        nn::GradCheckResult g =
            nn::check_gradient([&] { return dot(dY, avg_pool(X, 2, stride)); }, X.span(), dX.span(), 1e-2, 1e-3);
        EXPECT_LT(g.max_relative_error, 1e-3) << "stride " << stride << ": at " << g.worst_index << " analytic "
                                              << g.analytic << ", numeric " << g.numeric;
    }
}

// ---------------------------------------------------------------- 5.8

namespace {

// A batch norm of C channels with gamma, beta and running statistics away from their
// initial values, and a momentum other than the default, so that each one shows.
BatchNorm shifted_batch_norm(size_t C) {
    BatchNorm bn;
    for (size_t c = 0; c < C; ++c) {
        bn.gamma.push_back(1.5f - 0.5f * float(c));
        bn.beta.push_back(0.25f * float(c) - 0.5f);
        bn.running_mean.push_back(0.5f - float(c));
        bn.running_var.push_back(2.0f + 0.5f * float(c));
    }
    bn.momentum = 0.25f;
    return bn;
}

// X [B, C, H, W] with channel c around 3 c - 2, spread 1 + c: channels of their own statistics.
Tensor channel_data(const std::vector<size_t>& shape, nn::Rng& rng) {
    Tensor X(shape);
    for (size_t n = 0; n < shape[0]; ++n)
        for (size_t c = 0; c < shape[1]; ++c)
            for (size_t y = 0; y < shape[2]; ++y)
                for (size_t x = 0; x < shape[3]; ++x)
                    X(n, c, y, x) = 3.0f * float(c) - 2.0f + (1.0f + float(c)) * rng.uniform(-1, 1);
    return X;
}

}  // namespace

TEST(Ex5_8_BatchNormForward, NormalizesOneChannelByHand) {
    // 1 2 3 4: mu = 2.5, sigma2 = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25 (1/(N-1) would give
    // 1.667), so xhat = (x - 2.5) / sqrt(1.25 + 1e-5) = -1.341635, -0.447212, 0.447212,
    // 1.341635; with gamma 2 and beta 0.5, y = 2 xhat + 0.5.
    BatchNorm bn = make_batch_norm(1);
    bn.gamma = {2.0f};
    bn.beta = {0.5f};
    Tensor Y;
    BatchNormCache cache;
    batch_norm_forward(bn, kFour, Mode::Train, Y, cache);
    ASSERT_EQ(Y.shape(), kFour.shape());
    const double xhat[4] = {-1.341635, -0.447212, 0.447212, 1.341635};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_NEAR(Y[i], 2 * xhat[i] + 0.5, 2e-6) << "Y[" << i << "]";
        EXPECT_NEAR(cache.xhat[i], xhat[i], 1e-6) << "xhat[" << i << "]";
    }
    ASSERT_EQ(cache.inv_std.size(), 1u);
    EXPECT_NEAR(cache.inv_std[0], 0.894424, 1e-6);  // 1 / sqrt(1.25001)
    // running_mean = 0.9 * 0 + 0.1 * 2.5; running_var = 0.9 * 1 + 0.1 * 1.25 * 4 / 3 (unbiased).
    EXPECT_NEAR(bn.running_mean[0], 0.25, 1e-7);
    EXPECT_NEAR(bn.running_var[0], 0.9 + 0.1 * 5.0 / 3.0, 1e-6);
}

TEST(Ex5_8_BatchNormForward, NormalizesEachChannelOverTheBatchAndItsCells) {
    // Statistics per channel over B H W values, not per image nor over every channel.
    nn::Rng rng(580);
    for (std::vector<size_t> shape : {std::vector<size_t>{2, 3, 2, 3}, std::vector<size_t>{3, 2, 3, 1},
                                      std::vector<size_t>{1, 4, 3, 5}, std::vector<size_t>{4, 1, 1, 1}}) {
        SCOPED_TRACE(Tensor(shape).shape_string());
        BatchNorm bn = shifted_batch_norm(shape[1]);
        const BatchNorm before = bn;
        Tensor X = channel_data(shape, rng), Y({2}, 7.0f);
        BatchNormCache cache;
        batch_norm_forward(bn, X, Mode::Train, Y, cache);
        BatchNormPass want = batch_norm_train(X, before.gamma, before.beta, before.eps);
        expect_near(Y, want.Y, "Y");
        expect_near(cache.xhat, want.xhat, "cache.xhat");
        expect_near(cache.inv_std, want.inv_std, "cache.inv_std", 1e-6, 1e-5);
        EXPECT_EQ(bn.gamma, before.gamma);
        EXPECT_EQ(bn.beta, before.beta);
    }
}

TEST(Ex5_8_BatchNormForward, MovesTheRunningStatisticsByTheMomentumWithTheUnbiasedVariance) {
    nn::Rng rng(581);
    const std::vector<size_t> shape{3, 3, 2, 2};  // N = 12 per channel
    BatchNorm bn = shifted_batch_norm(3);
    const BatchNorm before = bn;
    Tensor X = channel_data(shape, rng), Y;
    BatchNormCache cache;
    batch_norm_forward(bn, X, Mode::Train, Y, cache);
    BatchNormPass pass = batch_norm_train(X, bn.gamma, bn.beta, bn.eps);
    std::vector<double> mean, var;
    for (size_t c = 0; c < 3; ++c) {
        // m = 0.25: running <- 0.75 running + 0.25 batch, sigma2 times 12 / 11.
        mean.push_back(0.75 * before.running_mean[c] + 0.25 * pass.mean[c]);
        var.push_back(0.75 * before.running_var[c] + 0.25 * pass.var[c] * 12.0 / 11.0);
    }
    expect_near(bn.running_mean, mean, "running_mean", 1e-6, 1e-6);
    expect_near(bn.running_var, var, "running_var", 1e-6, 1e-6);
    // A second step moves them again, from where they are now.
    const BatchNorm after_one = bn;
    batch_norm_forward(bn, X, Mode::Train, Y, cache);
    for (size_t c = 0; c < 3; ++c) {
        mean[c] = 0.75 * after_one.running_mean[c] + 0.25 * pass.mean[c];
        var[c] = 0.75 * after_one.running_var[c] + 0.25 * pass.var[c] * 12.0 / 11.0;
    }
    expect_near(bn.running_mean, mean, "running_mean after two steps", 1e-6, 1e-6);
    expect_near(bn.running_var, var, "running_var after two steps", 1e-6, 1e-6);
}

TEST(Ex5_8_BatchNormForward, AddsEpsilonInsideTheSquareRoot) {
    // Channel 0 is constant: sigma2 = 0, xhat = 0, y = beta, inv_std = 1 / sqrt(1e-5) = 316.2278
    // (without eps, 0 / 0). Channel 1 spreads by 1e-3: sigma2 = 5.5e-6, the size of eps.
    BatchNorm bn = shifted_batch_norm(2);
    Tensor X = tensor4({1, 2, 2, 2}, {3, 3, 3, 3, -0.004f, 0.002f, 0.001f, 0.001f}), Y;
    BatchNormCache cache;
    batch_norm_forward(bn, X, Mode::Train, Y, cache);
    ASSERT_EQ(cache.inv_std.size(), 2u);
    EXPECT_NEAR(cache.inv_std[0], 316.2278, 1e-3);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(Y[i], bn.beta[0]) << "Y[" << i << "] of the constant channel";
    BatchNormPass want = batch_norm_train(X, bn.gamma, bn.beta, bn.eps);
    EXPECT_NEAR(cache.inv_std[1], want.inv_std[1], 1e-5 * want.inv_std[1]);  // 1 / sqrt(1.55e-5) = 254.0
    expect_near(Y, want.Y, "Y");
}

TEST(Ex5_8_BatchNormForward, RefusesOneValuePerChannelInTrainingButNotInInference) {
    // B = 1, H = W = 1: N = 1, no variance to normalize by and no unbiased one (N - 1 = 0)
    // for the running statistics. Training refuses it, as PyTorch does, before it writes
    // anything; inference needs no batch statistics and takes it.
    BatchNorm bn = shifted_batch_norm(2);
    const BatchNorm before = bn;
    Tensor X = tensor4({1, 2, 1, 1}, {4, -1}), Y;
    BatchNormCache cache;
    EXPECT_THROW(batch_norm_forward(bn, X, Mode::Train, Y, cache), nn::UsageError);
    EXPECT_EQ(bn.running_mean, before.running_mean);
    EXPECT_EQ(bn.running_var, before.running_var);
    batch_norm_forward(bn, X, Mode::Infer, Y, cache);
    ASSERT_EQ(Y.size(), 2u);
    for (float y : Y.span()) EXPECT_TRUE(std::isfinite(y));
    // Two values per channel are enough: [2, 1, 1, 1].
    BatchNorm two = shifted_batch_norm(1);
    Tensor X2 = tensor4({2, 1, 1, 1}, {1, 3});
    EXPECT_NO_THROW(batch_norm_forward(two, X2, Mode::Train, Y, cache));
}

TEST(Ex5_8_BatchNormForward, UsesTheRunningStatisticsInInferModeAndChangesNothing) {
    nn::Rng rng(582);
    BatchNorm bn = shifted_batch_norm(3);
    const BatchNorm before = bn;
    Tensor X = channel_data({2, 3, 2, 3}, rng), Y({1}, 7.0f);
    BatchNormCache cache;
    cache.xhat = Tensor({1, 2}, 42.0f);
    cache.inv_std = {42.0f};
    batch_norm_forward(bn, X, Mode::Infer, Y, cache);
    expect_near(Y, batch_norm_infer(X, before), "Y");
    EXPECT_EQ(bn.running_mean, before.running_mean);
    EXPECT_EQ(bn.running_var, before.running_var);
    EXPECT_EQ(bn.gamma, before.gamma);
    EXPECT_EQ(bn.beta, before.beta);
    EXPECT_EQ(cache.xhat.shape(), (std::vector<size_t>{1, 2}));
    EXPECT_EQ(cache.xhat[0], 42.0f);
    EXPECT_EQ(cache.inv_std, (std::vector<float>{42.0f}));
}

TEST(Ex5_8_BatchNormForward, GivesAnExampleTheSameOutputInAnyBatchInInferMode) {
    nn::Rng rng(583);
    BatchNorm bn = shifted_batch_norm(2);
    Tensor big = channel_data({3, 2, 2, 2}, rng), one({1, 2, 2, 2});
    for (size_t k = 0; k < 8; ++k) one[k] = big[8 + k];  // image 1 alone
    Tensor Y_big, Y_one;
    BatchNormCache cache;
    batch_norm_forward(bn, big, Mode::Infer, Y_big, cache);
    batch_norm_forward(bn, one, Mode::Infer, Y_one, cache);
    for (size_t k = 0; k < 8; ++k) EXPECT_EQ(Y_one[k], Y_big[8 + k]) << "cell " << k;
}

TEST(Ex5_8_BatchNormForward, ThrowsUsageErrorForTheWrongNumberOfChannels) {
    BatchNorm bn = make_batch_norm(3);
    Tensor Y;
    BatchNormCache cache;
    expect_usage_error([&] { batch_norm_forward(bn, Tensor({1, 2, 2, 2}), Mode::Train, Y, cache); },
                       "batch norm of 3 channels on [1, 2, 2, 2]");
    expect_usage_error([&] { batch_norm_forward(bn, Tensor({2, 4, 1, 1}), Mode::Infer, Y, cache); },
                       "batch norm of 3 channels on [2, 4, 1, 1]");
}

TEST(Ex5_8_BatchNormForward, ThrowsUsageErrorForAnInputNotOfRankFour) {
    // X is [B, C, H, W]: a [2, 3, 4] or a [1, 3, 2, 2, 2] has 3 in the channels' place, but
    // is not a batch of images.
    BatchNorm bn = make_batch_norm(3);
    Tensor Y;
    BatchNormCache cache;
    expect_usage_error([&] { batch_norm_forward(bn, Tensor({2, 3, 4}), Mode::Train, Y, cache); },
                       "batch norm of 3 channels on [2, 3, 4]");
    expect_usage_error([&] { batch_norm_forward(bn, Tensor({1, 3, 2, 2, 2}), Mode::Infer, Y, cache); },
                       "batch norm of 3 channels on [1, 3, 2, 2, 2]");
}

// ---------------------------------------------------------------- 5.9

namespace {

// The cache the training forward pass would leave, computed by the reference.
BatchNormCache reference_cache(const BatchNormPass& pass) {
    BatchNormCache cache;
    cache.xhat = to_tensor(pass.xhat);
    for (double s : pass.inv_std) cache.inv_std.push_back(float(s));
    return cache;
}

struct BatchNormBackward {
    Tensor dX;
    std::vector<float> dgamma, dbeta;
};

BatchNormBackward run_backward(const BatchNorm& bn, const BatchNormCache& cache, const Tensor& dY) {
    BatchNormBackward r;
    batch_norm_backward(bn, cache, dY, r.dX, r.dgamma, r.dbeta);
    return r;
}

}  // namespace

TEST(Ex5_9_BatchNormBackward, GivesNoDxForAShiftAndAveragesDbetaOverTheBatch) {
    // dY = 1 everywhere asks every x to rise together, which the mean takes back: dX = 0.
    // dbeta = (1/B) sum dY = 8 / 2 = 4 per channel; dgamma = (1/B) sum xhat = 0.
    nn::Rng rng(590);
    BatchNorm bn = shifted_batch_norm(2);
    Tensor X = channel_data({2, 2, 2, 2}, rng);
    BatchNormCache cache = reference_cache(batch_norm_train(X, bn.gamma, bn.beta, bn.eps));
    BatchNormBackward r = run_backward(bn, cache, Tensor(X.shape(), 1.0f));
    ASSERT_EQ(r.dX.shape(), X.shape());
    for (size_t i = 0; i < r.dX.size(); ++i) EXPECT_NEAR(r.dX[i], 0.0, 1e-5) << "dX[" << i << "]";
    ASSERT_EQ(r.dbeta.size(), 2u);
    ASSERT_EQ(r.dgamma.size(), 2u);
    for (size_t c = 0; c < 2; ++c) {
        EXPECT_NEAR(r.dbeta[c], 4.0, 1e-6) << "dbeta[" << c << "]";
        EXPECT_NEAR(r.dgamma[c], 0.0, 1e-5) << "dgamma[" << c << "]";
    }
}

TEST(Ex5_9_BatchNormBackward, GivesTheErrorsOfTwoAndOfThreeValuesByHand) {
    // One channel of N = 2 values in B = 2 images of one cell, gamma 3, xhat = (-1, 1) (as
    // for x = 0, 2 without eps), inv_std 0.5, dY = (0, 1): sum dY = 1, sum dY xhat = 1, so
    //   dX = 3 * 0.5 / 2 (2 dY - 1 - xhat) = 0.75 (0 - 1 + 1, 2 - 1 - 1) = (0, 0)
    // (two values only ever normalize to -1, 1), dgamma = (1/2) 1 = 0.5, dbeta = (1/2) 1 = 0.5.
    BatchNorm bn = make_batch_norm(1);
    bn.gamma = {3.0f};
    BatchNormCache cache{tensor4({2, 1, 1, 1}, {-1, 1}), {0.5f}};
    BatchNormBackward r = run_backward(bn, cache, tensor4({2, 1, 1, 1}, {0, 1}));
    EXPECT_FLOAT_EQ(r.dgamma[0], 0.5f);
    EXPECT_FLOAT_EQ(r.dbeta[0], 0.5f);
    EXPECT_NEAR(r.dX[0], 0.0, 1e-7);
    EXPECT_NEAR(r.dX[1], 0.0, 1e-7);
    // Three values, xhat = (-1, 0, 1) (not normalized; the formula does not care), dY = (0, 1, 0):
    // sum dY = 1, sum dY xhat = 0: dX = 3 * 0.5 / 3 (3 dY - 1) = 0.5 (-1, 2, -1).
    cache = BatchNormCache{tensor4({1, 1, 1, 3}, {-1, 0, 1}), {0.5f}};
    r = run_backward(bn, cache, tensor4({1, 1, 1, 3}, {0, 1, 0}));
    EXPECT_FLOAT_EQ(r.dX[0], -0.5f);
    EXPECT_FLOAT_EQ(r.dX[1], 1.0f);
    EXPECT_FLOAT_EQ(r.dX[2], -0.5f);
    EXPECT_FLOAT_EQ(r.dbeta[0], 1.0f);  // B = 1
    EXPECT_FLOAT_EQ(r.dgamma[0], 0.0f);
}

TEST(Ex5_9_BatchNormBackward, MatchesTheFormulasPerChannel) {
    nn::Rng rng(591);
    for (std::vector<size_t> shape : {std::vector<size_t>{3, 2, 2, 3}, std::vector<size_t>{1, 3, 3, 2},
                                      std::vector<size_t>{5, 1, 1, 1}}) {
        SCOPED_TRACE(Tensor(shape).shape_string());
        BatchNorm bn = shifted_batch_norm(shape[1]);
        Tensor X = channel_data(shape, rng), dY = random_tensor(shape, rng);
        BatchNormPass pass = batch_norm_train(X, bn.gamma, bn.beta, bn.eps);
        BatchNormCache cache = reference_cache(pass);
        BatchNormBackward r;
        r.dX = Tensor({2}, 7.0f);
        r.dgamma.assign(7, 7.0f);
        r.dbeta.assign(1, 7.0f);
        batch_norm_backward(bn, cache, dY, r.dX, r.dgamma, r.dbeta);
        std::vector<double> inv_std(cache.inv_std.begin(), cache.inv_std.end());
        BatchNormGrads want = reference5::batch_norm_backward(pass.xhat, inv_std, bn.gamma, dY);
        expect_near(r.dX, want.dX, "dX");
        expect_near(r.dgamma, want.dgamma, "dgamma");
        expect_near(r.dbeta, want.dbeta, "dbeta");
    }
}

TEST(Ex5_9_BatchNormBackward, AgreesWithCentralDifferencesForDxDgammaAndDbeta) {
    // L = sum dY * y for X (per example), (1/B) sum dY * y for gamma and beta, y by the
    // reference training pass in double: dX includes the share through mu and sigma2.
    nn::Rng rng(592);
    const std::vector<size_t> shape{3, 2, 2, 2};
    BatchNorm bn = shifted_batch_norm(2);
    Tensor X = channel_data(shape, rng), dY = random_tensor(shape, rng);
    BatchNormBackward r = run_backward(bn, reference_cache(batch_norm_train(X, bn.gamma, bn.beta, bn.eps)), dY);
    auto sum_loss = [&] { return dot(dY, batch_norm_train(X, bn.gamma, bn.beta, bn.eps).Y); };
    auto mean_loss = [&] { return sum_loss() / 3.0; };
    auto check = [](const std::function<double()>& loss, std::span<float> params, std::span<const float> grad,
                    const std::string& what) {
        nn::GradCheckResult g = nn::check_gradient(loss, params, grad, 1e-3, 1e-3);
        EXPECT_LT(g.max_relative_error, 1e-2)
            << what << ": at " << g.worst_index << " analytic " << g.analytic << ", numeric " << g.numeric;
    };
    check(sum_loss, X.span(), r.dX.span(), "dX");
    check(mean_loss, bn.gamma, r.dgamma, "dgamma");
    check(mean_loss, bn.beta, r.dbeta, "dbeta");
}
