#include "common/toy_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/errors.hpp"

namespace {

const nn::Toy kAllKinds[] = {nn::Toy::Circle, nn::Toy::Xor, nn::Toy::Gauss, nn::Toy::Spiral,
                             nn::Toy::Moons};

TEST(ToyData, SameSeedGivesTheSameData) {
    for (nn::Toy kind : kAllKinds) {
        nn::Rng a(11), b(11);
        nn::Dataset2D first = nn::make_toy(kind, 50, 0.3f, a);
        nn::Dataset2D second = nn::make_toy(kind, 50, 0.3f, b);
        EXPECT_EQ(first.y, second.y) << nn::toy_name(kind);
        EXPECT_TRUE(std::equal(first.X.span().begin(), first.X.span().end(),
                               second.X.span().begin()))
            << nn::toy_name(kind);
    }
}

TEST(ToyData, EachClassGetsHalfThePointsAndClassZeroTheOddOne) {
    for (nn::Toy kind : kAllKinds) {
        nn::Rng rng(12);
        nn::Dataset2D data = nn::make_toy(kind, 101, 0.5f, rng);
        ASSERT_EQ(data.size(), 101u);
        EXPECT_EQ(data.X.shape_string(), "[101, 2]");
        EXPECT_EQ(std::count(data.y.begin(), data.y.end(), 0), 51) << nn::toy_name(kind);
        EXPECT_EQ(std::count(data.y.begin(), data.y.end(), 1), 50) << nn::toy_name(kind);
    }
}

TEST(ToyData, RowsComeShuffledNotSortedByClass) {
    nn::Rng rng(13);
    nn::Dataset2D data = nn::make_toy(nn::Toy::Gauss, 100, 0.0f, rng);
    EXPECT_FALSE(std::is_sorted(data.y.begin(), data.y.end()));
}

TEST(ToyData, NoiseFreeCircleLabelsTheInnerDiscOne) {
    nn::Rng rng(14);
    nn::Dataset2D data = nn::make_toy(nn::Toy::Circle, 400, 0.0f, rng);
    for (size_t i = 0; i < data.size(); ++i) {
        float r = std::hypot(data.X(i, 0), data.X(i, 1));
        EXPECT_EQ(data.y[i], r < 2.5f ? 1 : 0) << "r = " << r;
        EXPECT_TRUE(r < 2.5f || (r >= 3.49f && r <= 5.01f)) << "r = " << r;  // the gap and the rim
    }
}

TEST(ToyData, NoisyCircleHasSomeLabelsAgainstTheRadiusRule) {
    nn::Rng rng(15);
    nn::Dataset2D data = nn::make_toy(nn::Toy::Circle, 400, 1.0f, rng);
    int against = 0;
    for (size_t i = 0; i < data.size(); ++i)
        against += data.y[i] != (std::hypot(data.X(i, 0), data.X(i, 1)) < 2.5f ? 1 : 0);
    EXPECT_GT(against, 0);
    EXPECT_LT(against, 200);
}

TEST(ToyData, NoiseFreeXorLabelsByTheSignOfTheProduct) {
    nn::Rng rng(16);
    nn::Dataset2D data = nn::make_toy(nn::Toy::Xor, 400, 0.0f, rng);
    for (size_t i = 0; i < data.size(); ++i) {
        float x = data.X(i, 0), y = data.X(i, 1);
        EXPECT_EQ(data.y[i], x * y >= 0 ? 1 : 0) << x << ", " << y;
        EXPECT_GE(std::abs(x), 0.3f);  // the Playground's padding off the axes
        EXPECT_LE(std::abs(x), 5.3f);
    }
}

TEST(ToyData, NoiseFreePointsLieInAboutMinusSixToSix) {
    for (nn::Toy kind : {nn::Toy::Circle, nn::Toy::Xor, nn::Toy::Spiral, nn::Toy::Moons}) {
        nn::Rng rng(17);
        nn::Dataset2D data = nn::make_toy(kind, 200, 0.0f, rng);
        auto [lowest, highest] = std::minmax_element(data.X.span().begin(), data.X.span().end());
        EXPECT_GE(*lowest, -6.01f) << nn::toy_name(kind);
        EXPECT_LE(*highest, 6.01f) << nn::toy_name(kind);
        EXPECT_GT(*highest - *lowest, 8.0f) << nn::toy_name(kind);  // and fill most of it
    }
}

TEST(ToyData, GaussClassesSitAroundTheirCentres) {
    nn::Rng rng(18);
    nn::Dataset2D data = nn::make_toy(nn::Toy::Gauss, 2000, 0.0f, rng);
    double sum_x[2] = {0, 0};
    for (size_t i = 0; i < data.size(); ++i) sum_x[data.y[i]] += data.X(i, 0);
    EXPECT_NEAR(sum_x[0] / 1000, -2.0, 0.1);
    EXPECT_NEAR(sum_x[1] / 1000, 2.0, 0.1);
}

TEST(ToyData, NoiseOutsideTheUnitIntervalIsAUsageError) {
    nn::Rng rng(19);
    EXPECT_THROW(nn::make_toy(nn::Toy::Circle, 10, 1.5f, rng), nn::UsageError);
}

TEST(ToyData, ParseToyRoundTripsEveryName) {
    for (nn::Toy kind : kAllKinds) EXPECT_EQ(nn::parse_toy(nn::toy_name(kind)), kind);
    EXPECT_EQ(nn::toy_name(nn::Toy::Spiral), "spiral");
}

TEST(ToyData, ParseToyRejectsAnUnknownNameListingTheChoices) {
    try {
        nn::parse_toy("foo");
        FAIL() << "no UsageError";
    } catch (const nn::UsageError& e) {
        EXPECT_STREQ(e.what(), "unknown data set 'foo'; choose circle, xor, gauss, spiral or moons");
    }
}

// ---------------------------------------------------------------- Friedman #1

TEST(Friedman1, TargetFollowsTheFormulaAtKnownPoints) {
    // sin(pi/4) = 0.7071; (0.5 - 0.5)^2 = 0: 7.0711 + 0 + 2 + 1.5.
    const float x[] = {0.5f, 0.5f, 0.5f, 0.2f, 0.3f, 0.9f};
    EXPECT_NEAR(nn::friedman1(x), 10 * std::sqrt(0.5) + 2 + 1.5, 1e-5);
    const float corner[] = {1.0f, 0.5f, 0.0f, 1.0f, 1.0f};  // 10 + 5 + 10 + 5
    EXPECT_NEAR(nn::friedman1(corner), 30.0, 1e-5);
}

TEST(Friedman1, FeaturesPastTheFifthDoNotChangeTheTarget) {
    const float a[] = {0.1f, 0.7f, 0.3f, 0.4f, 0.6f, 0.0f, 0.0f};
    const float b[] = {0.1f, 0.7f, 0.3f, 0.4f, 0.6f, 0.9f, 0.2f};
    EXPECT_EQ(nn::friedman1(a), nn::friedman1(b));
}

TEST(Friedman1, SameSeedGivesTheSameDataInTheUnitCube) {
    nn::Rng a(21), b(21);
    nn::RegressionSet first = nn::make_friedman1(300, 10, 1.0f, a);
    nn::RegressionSet second = nn::make_friedman1(300, 10, 1.0f, b);
    EXPECT_EQ(first.X.shape_string(), "[300, 10]");
    ASSERT_EQ(first.size(), 300u);
    EXPECT_EQ(first.y, second.y);
    EXPECT_TRUE(std::equal(first.X.span().begin(), first.X.span().end(), second.X.span().begin()));
    auto [lowest, highest] = std::minmax_element(first.X.span().begin(), first.X.span().end());
    EXPECT_GE(*lowest, 0.0f);
    EXPECT_LT(*highest, 1.0f);
    EXPECT_GT(*highest - *lowest, 0.95f);  // and fill it
}

TEST(Friedman1, NoiseFreeTargetsAreTheFormulaAndNoiseHasTheRequestedSpread) {
    nn::Rng quiet_rng(22), noisy_rng(22);
    nn::RegressionSet quiet = nn::make_friedman1(4000, 6, 0.0f, quiet_rng);
    nn::RegressionSet noisy = nn::make_friedman1(4000, 6, 2.0f, noisy_rng);
    double square = 0, mean = 0;
    for (size_t i = 0; i < quiet.size(); ++i) {
        EXPECT_FLOAT_EQ(quiet.y[i], float(nn::friedman1(quiet.X.row(i))));
        double residual = noisy.y[i] - nn::friedman1(noisy.X.row(i));
        square += residual * residual;
        mean += quiet.y[i];
    }
    EXPECT_NEAR(std::sqrt(square / 4000), 2.0, 0.1);
    // E[y] = 10 E[sin(pi x1 x2)] + 20/12 + 5 + 2.5, with E[sin(pi x1 x2)] = 0.5247.
    EXPECT_NEAR(mean / 4000, 5.247 + 20.0 / 12 + 7.5, 0.25);
}

TEST(Friedman1, FewerThanFiveFeaturesOrNegativeNoiseIsAUsageError) {
    nn::Rng rng(23);
    EXPECT_THROW(nn::make_friedman1(10, 4, 1.0f, rng), nn::UsageError);
    EXPECT_THROW(nn::make_friedman1(10, 5, -1.0f, rng), nn::UsageError);
    EXPECT_NO_THROW(nn::make_friedman1(10, 5, 0.0f, rng));
}

}  // namespace
