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
