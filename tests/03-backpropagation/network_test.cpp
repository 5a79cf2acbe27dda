// Chapter 3 exercise tests of the pieces: 3.1 - 3.5, 3.7 and 3.8. Suites named
// Ex3_<n>_... check exercise 3.<n> (make check groups them by that prefix). The
// network as a whole (3.6 backprop, 3.9 the checker) and the given code are tested in
// backprop_test.cpp.
//
// Each exercise is tested on its own, without calling the others: activations and
// costs are recomputed here in double by plain loops. Values worked out by hand are
// in comments; where they are exact in float the comparisons are exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "tests/03-backpropagation/reference.hpp"
#include "common/errors.hpp"
#include "common/gradcheck.hpp"
#include "common/random.hpp"

using namespace bp;

namespace {

using namespace reference;

}  // namespace

// ---------------------------------------------------------------- 3.1

TEST(Ex3_1_Derivative, SigmoidIsAOneMinusA) {
    // At z = 0, a = 1/2 and a (1 - a) = 1/4 exactly (z (1 - z) would give 0).
    EXPECT_FLOAT_EQ(derivative(Activation::Sigmoid, 0.0f, 0.5f), 0.25f);
    for (float z : {-2.0f, 0.5f, 3.0f}) {
        double a = sigmoid(z), slope = derivative(Activation::Sigmoid, z, float(a));
        EXPECT_NEAR(slope, a * (1 - a), 1e-6) << "at z = " << z;
    }
}

TEST(Ex3_1_Derivative, TanhIsOneMinusASquaredNotOneMinusZSquared) {
    // z = 1.5: a = 0.905148, 1 - a^2 = 0.180707 (1 - z^2 would be -1.25).
    for (float z : {1.5f, -1.0f, 0.0f}) {
        double a = std::tanh(z), slope = derivative(Activation::Tanh, z, float(a));
        EXPECT_NEAR(slope, 1 - a * a, 1e-6) << "at z = " << z;
    }
}

TEST(Ex3_1_Derivative, ReluIsOneForPositiveZAndZeroElsewhereKinkIncluded) {
    EXPECT_EQ(derivative(Activation::ReLU, 2.0f, 2.0f), 1.0f);
    EXPECT_EQ(derivative(Activation::ReLU, 0.25f, 0.25f), 1.0f);
    EXPECT_EQ(derivative(Activation::ReLU, -0.5f, 0.0f), 0.0f);
    EXPECT_EQ(derivative(Activation::ReLU, 0.0f, 0.0f), 0.0f);  // the header's choice at the kink
}

TEST(Ex3_1_Derivative, LinearIsOneWhateverZ) {
    for (float z : {-3.0f, 0.0f, 5.0f}) EXPECT_EQ(derivative(Activation::Linear, z, z), 1.0f) << "z = " << z;
}

TEST(Ex3_1_Derivative, AgreesWithCentralDifferencesOfEachActivation) {
    for (Activation f : {Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Linear})
        for (double z : {-1.7, -0.3, 0.4, 2.2}) {
            double h = 1e-4, numeric = (apply(f, {z + h})[0] - apply(f, {z - h})[0]) / (2 * h);
            EXPECT_NEAR(derivative(f, float(z), float(apply(f, {z})[0])), numeric, 1e-5)
                << name_of(f) << " at z = " << z;
        }
}

TEST(Ex3_1_Derivative, RefusesSoftmaxWithALogicError) {
    try {
        derivative(Activation::Softmax, 0.0f, 0.5f);
        ADD_FAILURE() << "derivative(Softmax, ...) returned; it must throw std::logic_error";
    } catch (const nn::NotImplemented&) {
        throw;  // the stub: let make check see "not started"
    } catch (const std::logic_error&) {
    }
}

// ---------------------------------------------------------------- 3.2

namespace {
// W [2, 3], b [2]; A_prev [2, 3] below. Every product is exact in float.
Dense small_layer() { return Dense{matrix({{1, 2, 3}, {-1, 0, 2}}), {0.5f, -1.0f}, Activation::Sigmoid}; }
}  // namespace

TEST(Ex3_2_DenseForward, ComputesZByHand) {
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}}), Z;
    // Row 0: (1 + 2 + 3 + 0.5, -1 + 0 + 2 - 1) = (6.5, 0); row 1: (2 - 3 + 0.5, -2 - 2 - 1) = (-0.5, -5).
    dense_forward(small_layer(), A_prev, Z);
    expect_tensor_near(Z, matrix({{6.5f, 0}, {-0.5f, -5}}), 0, "Z");
}

TEST(Ex3_2_DenseForward, MatchesPlainLoopsOnNonSquareShapes) {
    nn::Rng rng(32);
    Dense layer{random_matrix(3, 7, rng), {0.1f, -0.2f, 0.3f}, Activation::Tanh};
    Tensor A_prev = random_matrix(5, 7, rng), Z, expected({5, 3});
    // expected [5, 3]: z_ij = sum_k A_prev(i, k) W(j, k) + b_j
    for (size_t i = 0; i < 5; ++i)
        for (size_t j = 0; j < 3; ++j) {
            double z = layer.b[j];
            for (size_t k = 0; k < 7; ++k) z += double(A_prev(i, k)) * layer.W(j, k);
            expected(i, j) = float(z);
        }
    dense_forward(layer, A_prev, Z);
    expect_tensor_near(Z, expected, 1e-5, "Z");
}

TEST(Ex3_2_DenseForward, AddsTheBiasToEveryRow) {
    Dense layer{Tensor({3, 2}), {1, 2, 3}, Activation::Linear};  // W = 0: z = b for every example
    Tensor A_prev = matrix({{1, 2}, {3, 4}, {5, 6}, {7, 8}}), Z;
    dense_forward(layer, A_prev, Z);
    expect_tensor_near(Z, matrix({{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}}), 0, "Z");
}

TEST(Ex3_2_DenseForward, ResizesZAndOverwritesWhatItHeld) {
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}}), Z({1, 1}, 99.0f);
    dense_forward(small_layer(), A_prev, Z);
    dense_forward(small_layer(), A_prev, Z);  // again, into a Z of the right shape
    expect_tensor_near(Z, matrix({{6.5f, 0}, {-0.5f, -5}}), 0, "Z");
}

TEST(Ex3_2_DenseForward, ResizesAZWhoseHeightOrWhoseWidthAloneIsWrong) {
    // A Z left by a batch of 3 has the right width and the wrong height; a Z of a layer
    // with 3 outputs has the right height and the wrong width. Either must become [2, 2].
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}});
    for (Tensor Z : {Tensor({3, 2}, 99.0f), Tensor({2, 3}, 99.0f)}) {
        dense_forward(small_layer(), A_prev, Z);
        ASSERT_EQ(Z.shape(), (std::vector<size_t>{2, 2})) << "Z is [B, n_out] whatever it was";
        expect_tensor_near(Z, matrix({{6.5f, 0}, {-0.5f, -5}}), 0, "Z");
    }
}

// ---------------------------------------------------------------- 3.3

TEST(Ex3_3_DenseBackward, ComputesTheThreeGradientsByHand) {
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}}), delta = matrix({{1, -2}, {0.5f, 4}});
    Tensor nabla_W, dA;
    Vec nabla_b;
    dense_backward(small_layer(), A_prev, delta, nabla_W, nabla_b, &dA);
    // delta^T A_prev / 2: (1 (1,1,1) + 0.5 (2,0,-1)) / 2 = (1, 0.5, 0.25),
    //                     (-2 (1,1,1) + 4 (2,0,-1)) / 2 = (3, -1, -3).
    expect_tensor_near(nabla_W, matrix({{1, 0.5f, 0.25f}, {3, -1, -3}}), 0, "nabla_W");
    // The column means of delta: ((1 + 0.5) / 2, (-2 + 4) / 2).
    EXPECT_EQ(nabla_b, (Vec{0.75f, 1}));
    // delta W: 1 (1,2,3) - 2 (-1,0,2) = (3, 2, -1);  0.5 (1,2,3) + 4 (-1,0,2) = (-3.5, 1, 9.5).
    expect_tensor_near(dA, matrix({{3, 2, -1}, {-3.5f, 1, 9.5f}}), 0, "dA");
}

TEST(Ex3_3_DenseBackward, MatchesPlainLoopsOnNonSquareShapes) {
    nn::Rng rng(33);
    size_t B = 5, n_in = 4, n_out = 3;
    Dense layer{random_matrix(n_out, n_in, rng), Vec(n_out), Activation::Sigmoid};
    Tensor A_prev = random_matrix(B, n_in, rng), delta = random_matrix(B, n_out, rng);
    Tensor nabla_W, dA, W_expected({n_out, n_in}), dA_expected({B, n_in});
    Vec nabla_b, b_expected(n_out);
    // W_expected [n_out, n_in], b_expected [n_out], dA_expected [B, n_in]: sums over the batch
    for (size_t i = 0; i < B; ++i)
        for (size_t j = 0; j < n_out; ++j) {
            b_expected[j] += delta(i, j) / float(B);
            for (size_t k = 0; k < n_in; ++k) {
                W_expected(j, k) += delta(i, j) * A_prev(i, k) / float(B);
                dA_expected(i, k) += delta(i, j) * layer.W(j, k);
            }
        }
    dense_backward(layer, A_prev, delta, nabla_W, nabla_b, &dA);
    expect_tensor_near(nabla_W, W_expected, 1e-5, "nabla_W");
    expect_tensor_near(dA, dA_expected, 1e-5, "dA");
    ASSERT_EQ(nabla_b.size(), n_out);
    for (size_t j = 0; j < n_out; ++j) EXPECT_NEAR(nabla_b[j], b_expected[j], 1e-5) << "nabla_b " << j;
}

TEST(Ex3_3_DenseBackward, SkipsTheInputGradientWhenGivenNull) {
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}}), delta = matrix({{1, -2}, {0.5f, 4}}), nabla_W;
    Vec nabla_b;
    dense_backward(small_layer(), A_prev, delta, nabla_W, nabla_b, nullptr);
    expect_tensor_near(nabla_W, matrix({{1, 0.5f, 0.25f}, {3, -1, -3}}), 0, "nabla_W");
    EXPECT_EQ(nabla_b, (Vec{0.75f, 1}));
}

TEST(Ex3_3_DenseBackward, OverwritesGradientsLeftFromAnEarlierCall) {
    Tensor A_prev = matrix({{1, 1, 1}, {2, 0, -1}}), delta = matrix({{1, -2}, {0.5f, 4}});
    Tensor nabla_W({2, 3}, 7.0f), dA({2, 3}, 7.0f);
    Vec nabla_b{7, 7};
    dense_backward(small_layer(), A_prev, delta, nabla_W, nabla_b, &dA);
    expect_tensor_near(nabla_W, matrix({{1, 0.5f, 0.25f}, {3, -1, -3}}), 0, "nabla_W");
    EXPECT_EQ(nabla_b, (Vec{0.75f, 1}));
    expect_tensor_near(dA, matrix({{3, 2, -1}, {-3.5f, 1, 9.5f}}), 0, "dA");
}

// ---------------------------------------------------------------- 3.4

TEST(Ex3_4_Softmax, GivesTheProbabilitiesByHand) {
    // Equal logits share equally; logits ln 1 .. ln 4 give (1, 2, 3, 4) / 10.
    Tensor Z = matrix({{0, 0, 0, 0}, {0, std::log(2.0f), std::log(3.0f), std::log(4.0f)}}), A;
    softmax_rows(Z, A);
    expect_tensor_near(A, matrix({{0.25f, 0.25f, 0.25f, 0.25f}, {0.1f, 0.2f, 0.3f, 0.4f}}), 1e-6, "A");
}

TEST(Ex3_4_Softmax, EachRowSumsToOneOnItsOwn) {
    nn::Rng rng(34);
    Tensor Z = random_matrix(4, 6, rng, -3, 3), A({1, 1});
    softmax_rows(Z, A);
    ASSERT_EQ(A.shape(), Z.shape());
    for (size_t i = 0; i < 4; ++i) {
        double sum = 0;
        for (size_t j = 0; j < 6; ++j) sum += A(i, j);
        EXPECT_NEAR(sum, 1.0, 1e-6) << "row " << i;
        std::vector<double> expected = apply(Activation::Softmax, {Z.row(i).begin(), Z.row(i).end()});
        for (size_t j = 0; j < 6; ++j) EXPECT_NEAR(A(i, j), expected[j], 1e-6) << "row " << i << ", column " << j;
    }
}

TEST(Ex3_4_Softmax, SurvivesLogitsOfAThousandInRowsOfDifferentScales) {
    // exp(1000) is inf in float and double; only the shifted logits stay finite.
    // The rows' maxima differ by 2000, so each row needs its own maximum; the last row's
    // is in its last column, which the maximum must include.
    Tensor Z = matrix({{1000, 1001, 1002}, {-1000, -1001, -999}, {0, 1000, 0}, {0, 0, 1000}}), A;
    softmax_rows(Z, A);
    std::vector<double> p = apply(Activation::Softmax, {0, 1, 2});  // (0.0900, 0.2447, 0.6652)
    expect_tensor_near(A, to_tensor({p, {p[1], p[0], p[2]}, {0, 1, 0}, {0, 0, 1}}), 1e-6, "A");
}

// ---------------------------------------------------------------- 3.5

namespace {
// A = f(Z) row by row, in float, without the exercises.
Tensor activated(Activation f, const Tensor& Z) {
    Tensor A(Z.shape());
    for (size_t i = 0; i < Z.dim(0); ++i) {
        std::vector<double> a = apply(f, {Z.row(i).begin(), Z.row(i).end()});
        std::copy(a.begin(), a.end(), A.row(i).begin());
    }
    return A;
}
}  // namespace

TEST(Ex3_5_OutputDelta, QuadraticIsTheErrorTimesFPrime) {
    // Sigmoid: z = 0, a = 1/2, y = 1: (1/2 - 1) 1/4 = -0.125. Linear: f' = 1, delta = a - y.
    Tensor Z = matrix({{0, 2}}), Y = matrix({{1, 0}}), delta;
    output_delta(Cost::Quadratic, Activation::Sigmoid, Z, activated(Activation::Sigmoid, Z), Y, delta);
    double a = sigmoid(2);
    expect_tensor_near(delta, to_tensor({{-0.125, a * a * (1 - a)}}), 1e-6, "delta");
    Tensor Z_lin = matrix({{1.5f, -2}, {0, 4}});
    output_delta(Cost::Quadratic, Activation::Linear, Z_lin, Z_lin, matrix({{0.5f, 1}, {0, 1}}), delta);
    expect_tensor_near(delta, matrix({{1, -3}, {0, 3}}), 0, "delta");
}

TEST(Ex3_5_OutputDelta, CrossEntropyCancelsTheDerivativeOfSigmoidAndSoftmax) {
    Tensor Z = matrix({{0, 2, -1}, {-3, 1, 0.5f}}), Y = matrix({{1, 0, 0}, {0, 1, 0}}), delta;
    for (Activation f : {Activation::Sigmoid, Activation::Softmax}) {
        Tensor A = activated(f, Z), expected = A;
        for (size_t i = 0; i < A.size(); ++i) expected[i] -= Y[i];
        output_delta(Cost::CrossEntropy, f, Z, A, Y, delta);
        SCOPED_TRACE(name_of(f));
        expect_tensor_near(delta, expected, 1e-7, "delta");
    }
}

TEST(Ex3_5_OutputDelta, IsEachExamplesCostDifferentiatedByZ) {
    // delta(i, j) = dC_x/dz_j for example i, by central differences, for every pair;
    // no 1/B (three examples here).
    nn::Rng rng(35);
    Tensor Z = random_matrix(3, 4, rng, -2, 2), Y = matrix({{0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}}), delta;
    const std::pair<Cost, Activation> pairs[] = {
        {Cost::Quadratic, Activation::Sigmoid}, {Cost::Quadratic, Activation::Tanh},
        {Cost::Quadratic, Activation::ReLU},    {Cost::Quadratic, Activation::Linear},
        {Cost::CrossEntropy, Activation::Sigmoid}, {Cost::CrossEntropy, Activation::Softmax}};
    for (auto [cost, f] : pairs) {
        output_delta(cost, f, Z, activated(f, Z), Y, delta);
        ASSERT_EQ(delta.shape(), Z.shape());
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 4; ++j) {
                std::vector<double> up(Z.row(i).begin(), Z.row(i).end()), down = up;
                up[j] += 1e-4;
                down[j] -= 1e-4;
                double numeric = (example_cost(cost, f, apply(f, up), Y.row(i)) -
                                  example_cost(cost, f, apply(f, down), Y.row(i))) / 2e-4;
                EXPECT_NEAR(delta(i, j), numeric, 1e-4) << name_of(cost) << " + " << name_of(f) << " at (" << i
                                                        << ", " << j << ")";
            }
    }
}

TEST(Ex3_5_OutputDelta, RefusesPairsThatDoNotGoTogether) {
    Tensor Z = matrix({{0.5f, -0.5f}}), Y = matrix({{1, 0}}), delta;
    EXPECT_THROW(output_delta(Cost::Quadratic, Activation::Softmax, Z, Z, Y, delta), nn::UsageError);
    for (Activation f : {Activation::Tanh, Activation::ReLU, Activation::Linear})
        EXPECT_THROW(output_delta(Cost::CrossEntropy, f, Z, Z, Y, delta), nn::UsageError) << name_of(f);
}

// ---------------------------------------------------------------- 3.7

namespace {
// One layer W [2, 2], b [2] and its gradients; every update below is exact in float.
Network one_layer() {
    Network net;
    net.layers.push_back(Dense{matrix({{1, 2}, {3, 4}}), {1, -1}, Activation::Sigmoid});
    return net;
}
Gradients one_layer_gradients() { return Gradients{{matrix({{0.5f, -1}, {2, 0}})}, {{1, 2}}}; }
}  // namespace

TEST(Ex3_7_SgdStep, StepsAgainstTheGradientWhenLambdaIsZero) {
    Network net = one_layer();
    // W - 0.5 nabla_W = (1 - 0.25, 2 + 0.5; 3 - 1, 4); b - 0.5 nabla_b = (0.5, -2).
    sgd_step(net, one_layer_gradients(), 0.5f, 0.0f, 4);
    expect_tensor_near(net.layers[0].W, matrix({{0.75f, 2.5f}, {2, 4}}), 0, "net.layers[0].W");
    EXPECT_EQ(net.layers[0].b, (Vec{0.5f, -2}));
}

TEST(Ex3_7_SgdStep, DecaysTheWeightsByEtaLambdaOverNButNotTheBiases) {
    Network net = one_layer();
    // eta = 0.5, lambda = 2, n = 4: decay 1 - 0.5 * 2 / 4 = 0.75 (eta lambda alone would give 0).
    // 0.75 W - 0.5 nabla_W = (0.75 - 0.25, 1.5 + 0.5; 2.25 - 1, 3); b as without decay.
    sgd_step(net, one_layer_gradients(), 0.5f, 2.0f, 4);
    expect_tensor_near(net.layers[0].W, matrix({{0.5f, 2}, {1.25f, 3}}), 0, "net.layers[0].W");
    EXPECT_EQ(net.layers[0].b, (Vec{0.5f, -2}));
}

TEST(Ex3_7_SgdStep, UpdatesEveryLayer) {
    Network net = one_layer();
    net.layers.push_back(Dense{matrix({{1, -1}}), {2}, Activation::Linear});
    Gradients grads = one_layer_gradients();
    grads.nabla_w.push_back(matrix({{4, 8}}));
    grads.nabla_b.push_back({-4});
    sgd_step(net, grads, 0.25f, 0.0f, 10);
    expect_tensor_near(net.layers[0].W, matrix({{0.875f, 2.25f}, {2.5f, 4}}), 0, "net.layers[0].W");
    EXPECT_EQ(net.layers[0].b, (Vec{0.75f, -1.5f}));
    expect_tensor_near(net.layers[1].W, matrix({{0, -3}}), 0, "net.layers[1].W");
    EXPECT_EQ(net.layers[1].b, (Vec{3}));
}

// ---------------------------------------------------------------- 3.8

TEST(Ex3_8_Dropout, DrawsOneUniformPerUnitInRowMajorOrderAndScalesTheKeptOnes) {
    nn::Rng rng(38), same(38);
    Tensor A = matrix({{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, {-1, -2, -3, -4, -5}}), A0 = A, mask;
    dropout_forward(A, 0.4f, rng, mask);
    ASSERT_EQ(mask.shape(), A0.shape());
    size_t kept = 0;
    for (size_t i = 0; i < A0.size(); ++i) {
        bool keep = same.uniform(0.0f, 1.0f) >= 0.4f;
        kept += keep;
        EXPECT_FLOAT_EQ(mask[i], keep ? 1.0f / 0.6f : 0.0f) << "unit " << i;
        EXPECT_FLOAT_EQ(A[i], keep ? A0[i] / 0.6f : 0.0f) << "unit " << i;
    }
    EXPECT_GT(kept, 0u);
    EXPECT_LT(kept, A0.size());
}

TEST(Ex3_8_Dropout, KeepsAUnitWhoseDrawEqualsP) {
    // p is exactly the first draw u of the generator, so that unit has u >= p: kept.
    nn::Rng rng(38), same(38);
    const float p = same.uniform(0.0f, 1.0f);
    Tensor A = matrix({{2}}), mask;
    dropout_forward(A, p, rng, mask);
    EXPECT_FLOAT_EQ(mask[0], 1.0f / (1.0f - p)) << "a unit is kept when u >= p, equality included";
}

TEST(Ex3_8_Dropout, KeepsAboutOneMinusPOfTheUnitsAndTheMeanActivation) {
    nn::Rng rng(39);
    Tensor A({100, 100}, 1.0f), mask({1});
    dropout_forward(A, 0.3f, rng, mask);
    double kept = 0, mean = 0;
    for (size_t i = 0; i < A.size(); ++i) {
        kept += mask[i] != 0.0f;
        mean += A[i] / double(A.size());
    }
    // 10000 units: the standard deviation of the kept fraction is 0.0046.
    EXPECT_NEAR(kept / double(A.size()), 0.7, 0.02);
    EXPECT_NEAR(mean, 1.0, 0.03);
}

TEST(Ex3_8_Dropout, KeepsEverythingUnchangedWhenPIsZero) {
    nn::Rng rng(40);
    Tensor A = matrix({{1, -2}, {0.5f, 3}}), A0 = A, mask;
    dropout_forward(A, 0.0f, rng, mask);
    expect_tensor_near(A, A0, 0, "A");
    expect_tensor_near(mask, Tensor({2, 2}, 1.0f), 0, "mask");
}

TEST(Ex3_8_Dropout, BackwardLetsTheGradientThroughTheKeptUnitsScaled) {
    Tensor dA = matrix({{1, 2}, {3, 4}}), mask = matrix({{2, 0}, {0, 2}});
    dropout_backward(dA, mask);
    expect_tensor_near(dA, matrix({{2, 0}, {0, 8}}), 0, "dA");
}
