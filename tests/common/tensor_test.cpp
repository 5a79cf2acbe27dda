#include "common/tensor.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

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

}  // namespace

TEST(Tensor, FromRowsLaysTheRowsOutOneAfterAnother) {
    nn::Tensor M = nn::Tensor::from_rows({{1, 2, 3}, {4, 5, 6}});
    ASSERT_EQ(M.shape(), (std::vector<size_t>{2, 3}));
    EXPECT_EQ(M(0, 2), 3.0f);
    EXPECT_EQ(M(1, 0), 4.0f);
    EXPECT_THROW(nn::Tensor::from_rows({{1, 2}, {3}}), std::invalid_argument);
}
