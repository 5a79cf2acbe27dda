#include "common/tensor.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {

TEST(Tensor, ConstructorSizesTheBufferAndFillsIt) {
    nn::Tensor t({2, 3, 4}, 1.5f);
    EXPECT_EQ(t.rank(), 3u);
    EXPECT_EQ(t.size(), 24u);
    EXPECT_EQ(t.dim(1), 3u);
    for (float x : t.span()) EXPECT_EQ(x, 1.5f);
}

TEST(Tensor, DefaultTensorIsEmpty) {
    nn::Tensor t;
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.rank(), 0u);
    EXPECT_EQ(t.shape_string(), "[]");
}

TEST(Tensor, ElementsAreStoredRowMajor) {
    nn::Tensor m({2, 3});
    m(1, 2) = 7.0f;
    EXPECT_EQ(m[1 * 3 + 2], 7.0f);
    nn::Tensor cube({2, 3, 4});
    cube(1, 2, 3) = 9.0f;
    EXPECT_EQ(cube[(1 * 3 + 2) * 4 + 3], 9.0f);
}

TEST(Tensor, RowIsTheSliceAlongTheFirstAxis) {
    nn::Tensor images({3, 2, 2});
    for (size_t i = 0; i < images.size(); ++i) images[i] = float(i);
    std::span<float> second = images.row(1);
    ASSERT_EQ(second.size(), 4u);
    EXPECT_EQ(second[0], 4.0f);
    EXPECT_EQ(second[3], 7.0f);
    second[0] = -1.0f;  // a view into the tensor, not a copy
    EXPECT_EQ(images(1, 0, 0), -1.0f);
    const nn::Tensor& view = images;
    EXPECT_EQ(view.row(2)[0], 8.0f);
}

TEST(Tensor, ReshapeKeepsTheDataInOrder) {
    nn::Tensor t({2, 3});
    for (size_t i = 0; i < t.size(); ++i) t[i] = float(i);
    t.reshape({3, 2});
    EXPECT_EQ(t.shape_string(), "[3, 2]");
    EXPECT_EQ(t(2, 1), 5.0f);
    EXPECT_EQ(t(1, 0), 2.0f);
}

TEST(Tensor, ReshapeToADifferentElementCountThrows) {
    nn::Tensor t({2, 3});
    EXPECT_THROW(t.reshape({4, 2}), std::invalid_argument);
    EXPECT_EQ(t.shape_string(), "[2, 3]");  // unchanged after the failed reshape
}

TEST(Tensor, FillSetsEveryElement) {
    nn::Tensor t({5, 5}, 3.0f);
    t.fill(-2.0f);
    for (float x : t.span()) EXPECT_EQ(x, -2.0f);
}

TEST(Tensor, ShapeStringListsTheDimensions) {
    EXPECT_EQ(nn::Tensor({6, 784}).shape_string(), "[6, 784]");
    EXPECT_EQ(nn::Tensor({7}).shape_string(), "[7]");
}

TEST(Tensor, MemoryStartsOnACacheLine) {
    for (size_t n : {1, 3, 784, 10 * 784}) {  // whatever malloc would have given
        nn::Tensor t({n});
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % 64, 0u) << n;
    }
}

TEST(GatherRows, CopiesTheChosenRowsInOrder) {
    nn::Tensor X = nn::Tensor::from_rows({{0, 1}, {2, 3}, {4, 5}});
    std::vector<size_t> indices{2, 0, 2};
    nn::Tensor batch = nn::gather_rows(X, indices);
    ASSERT_EQ(batch.shape(), (std::vector<size_t>{3, 2}));
    std::vector<float> expected{4, 5, 0, 1, 4, 5};
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(batch[i], expected[i]) << i;
    std::vector<size_t> past_the_end{3};
    EXPECT_THROW(nn::gather_rows(X, past_the_end), std::out_of_range);
}

TEST(GatherRows, ReusesTheOutputWhenItHasTheShape) {
    nn::Tensor X = nn::Tensor::from_rows({{0, 1}, {2, 3}, {4, 5}});
    nn::Tensor out({2, 2}, -1.0f);
    const float* memory = out.data();
    std::vector<size_t> indices{1, 2};
    nn::gather_rows(X, indices, out);
    EXPECT_EQ(out.data(), memory);  // no new allocation in a training loop
    EXPECT_EQ(out(0, 0), 2.0f);
    EXPECT_EQ(out(1, 1), 5.0f);
    std::vector<size_t> three{0, 1, 2};
    nn::gather_rows(X, three, out);  // another shape: resized
    ASSERT_EQ(out.shape(), (std::vector<size_t>{3, 2}));
    EXPECT_EQ(out(2, 0), 4.0f);
}

TEST(Argmax, FirstLargestValueWins) {
    std::vector<float> v{0.5f, 2.0f, -1.0f, 2.0f};
    EXPECT_EQ(nn::argmax(v), 1u);  // the tie at 3 goes to the first
    std::vector<float> last{0.0f, 1.0f, 3.0f};
    EXPECT_EQ(nn::argmax(last), 2u);
    std::vector<float> first{3.0f, 1.0f, 2.0f};
    EXPECT_EQ(nn::argmax(first), 0u);
}

TEST(Argmax, OfEachRowIsThatRowsClass) {
    nn::Tensor scores({3, 3});
    const float values[] = {0, 5, 1, /**/ 9, 2, 3, /**/ 1, 1, 4};
    std::copy(std::begin(values), std::end(values), scores.data());
    EXPECT_EQ(nn::argmax_rows(scores), (std::vector<int>{1, 0, 2}));
    EXPECT_TRUE(nn::argmax_rows(nn::Tensor({0, 3})).empty());
}

}  // namespace

TEST(Tensor, FromRowsLaysTheRowsOutOneAfterAnother) {
    nn::Tensor M = nn::Tensor::from_rows({{1, 2, 3}, {4, 5, 6}});
    ASSERT_EQ(M.shape(), (std::vector<size_t>{2, 3}));
    EXPECT_EQ(M(0, 2), 3.0f);
    EXPECT_EQ(M(1, 0), 4.0f);
    EXPECT_THROW(nn::Tensor::from_rows({{1, 2}, {3}}), std::invalid_argument);
}

TEST(Affine, IsXTimesWTransposedPlusTheBiasOnEveryRow) {
    // X [3, 2], W [2, 2] (two outputs), b [2]: every entry of Z checked by hand, so a
    // transposed W, a bias added to columns by row or a skipped row fails.
    const nn::Tensor X = nn::Tensor::from_rows({{1, 2}, {3, 4}, {5, 6}});
    const nn::Tensor W = nn::Tensor::from_rows({{1, 0}, {2, -1}});
    const std::vector<float> b{10, 20};
    const nn::Tensor Z = nn::affine(X, W, b);
    ASSERT_EQ(Z.dim(0), 3u);
    ASSERT_EQ(Z.dim(1), 2u);
    const float expected[3][2] = {{11, 20}, {13, 22}, {15, 24}};
    for (size_t i = 0; i < 3; ++i)
        for (size_t c = 0; c < 2; ++c) EXPECT_FLOAT_EQ(Z(i, c), expected[i][c]) << i << "," << c;
}

TEST(Affine, OfNoRowsIsEmpty) {
    const nn::Tensor Z = nn::affine(nn::Tensor({0, 3}), nn::Tensor({2, 3}), std::vector<float>{1, 2});
    EXPECT_EQ(Z.dim(0), 0u);
    EXPECT_EQ(Z.dim(1), 2u);
}
