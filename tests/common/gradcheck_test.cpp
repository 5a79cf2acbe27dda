#include "common/gradcheck.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace {

double sum_of_squares(const std::vector<float>& p) {
    double sum = 0;
    for (float x : p) sum += double(x) * x;
    return sum;
}

TEST(NumericalGradient, OfASumOfSquaresIsTwiceTheParameters) {
    std::vector<float> p = {0.5f, -1.25f, 2.0f, 0.0f};
    std::vector<double> g = nn::numerical_gradient([&] { return sum_of_squares(p); }, p);
    ASSERT_EQ(g.size(), p.size());
    for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(g[i], 2.0 * p[i], 1e-4) << "index " << i;
}

TEST(CheckGradient, PassesForAProductWithItsKnownGradient) {
    std::vector<float> p = {1.5f, -2.0f, 0.75f};
    auto product = [&] { return double(p[0]) * p[1] * p[2]; };
    std::vector<float> analytic = {p[1] * p[2], p[0] * p[2], p[0] * p[1]};
    nn::GradCheckResult result = nn::check_gradient(product, p, analytic);
    EXPECT_TRUE(result.passed(1e-4)) << "max relative error " << result.max_relative_error;
}

TEST(CheckGradient, FailsAndNamesTheComponentThatIsWrong) {
    std::vector<float> p = {0.3f, -0.7f, 1.1f, 2.5f, -1.9f};
    std::vector<float> analytic(p.size());
    for (size_t i = 0; i < p.size(); ++i) analytic[i] = 2.0f * p[i];
    analytic[3] = 1.0f;  // should be 5
    nn::GradCheckResult result = nn::check_gradient([&] { return sum_of_squares(p); }, p, analytic);
    EXPECT_FALSE(result.passed(1e-2));
    EXPECT_EQ(result.worst_index, 3u);
    EXPECT_DOUBLE_EQ(result.analytic, 1.0);
    EXPECT_NEAR(result.numeric, 5.0, 1e-3);
    EXPECT_NEAR(result.max_relative_error, 0.8, 1e-3);  // |1 - 5| / 5
}

// A gradient with one large and one tiny entry: the tiny one's float noise is a large
// part of itself, but a small part of the largest entry, which is what is measured.
TEST(CheckGradientAgainstLargest, MeasuresEachDifferenceAgainstTheLargestEntry) {
    std::vector<float> p = {2.0f, 1.0f};
    auto loss = [&] { return 100.0 * p[0] + 1e-3 * p[1]; };
    std::vector<float> off_by_half_of_small = {100.0f, 1.5e-3f};  // the small entry 50% wrong
    nn::GradCheckResult own = nn::check_gradient(loss, p, off_by_half_of_small, 1e-3, 1e-6);
    nn::GradCheckResult largest = nn::check_gradient_against_largest(loss, p, off_by_half_of_small);
    EXPECT_GT(own.max_relative_error, 0.3);
    EXPECT_LT(largest.max_relative_error, 1e-4) << "0.0005 against 100";
    std::vector<float> large_wrong = {101.0f, 1e-3f};
    EXPECT_NEAR(nn::check_gradient_against_largest(loss, p, large_wrong).max_relative_error, 1.0 / 101, 1e-3);
    // All zeros: the floor, not 0, divides.
    std::vector<float> zeros = {0.0f, 0.0f};
    auto flat = [&] { return 0.0 * p[0]; };
    EXPECT_EQ(nn::check_gradient_against_largest(flat, p, zeros, 1e-3, 1e-4).max_relative_error, 0.0);
}

TEST(CheckGradient, RestoresTheParametersExactly) {
    std::vector<float> p = {0.1f, 1e-7f, -3.3f, 12345.678f};
    const std::vector<float> before = p;
    std::vector<float> analytic = {0, 0, 0, 0};
    nn::check_gradient([&] { return sum_of_squares(p); }, p, analytic);
    EXPECT_EQ(p, before);
}

TEST(CheckGradient, RejectsAGradientOfTheWrongLength) {
    std::vector<float> p = {1.0f, 2.0f};
    std::vector<float> analytic = {1.0f};
    EXPECT_THROW(nn::check_gradient([&] { return sum_of_squares(p); }, p, analytic),
                 std::invalid_argument);
}

}  // namespace
