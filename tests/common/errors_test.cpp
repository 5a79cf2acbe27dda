#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/errors.hpp"

// `make check` tells "not started" from "wrong" by finding the marker and the id in
// the failure message of a test that hit a stub, so the wording is part of the contract.
TEST(NotImplemented, NamesTheExerciseAndCarriesTheMarker) {
    nn::NotImplemented stub("1.2");
    std::string what = stub.what();
    EXPECT_EQ(stub.exercise_id, "1.2");
    EXPECT_NE(what.find(std::string("exercise 1.2 ") + nn::kNotImplementedMarker), std::string::npos) << what;
    EXPECT_NE(what.find("make hint EX=1.2"), std::string::npos) << what;
}

TEST(NotImplemented, IsALogicErrorSoGenericHandlersCatchIt) {
    EXPECT_THROW(throw nn::NotImplemented("3.4"), std::logic_error);
}

TEST(CheckNotDiverged, AcceptsAFiniteLoss) {
    EXPECT_NO_THROW(nn::check_not_diverged(1e30, 1, 10, 0.1));
}

TEST(CheckNotDiverged, NamesEpochStepRateAndASmallerRateForInfinity) {
    try {
        nn::check_not_diverged(std::numeric_limits<double>::infinity(), 3, 120, 5.0);
        FAIL() << "an infinite loss must throw";
    } catch (const nn::Diverged& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("epoch 3, step 120"), std::string::npos) << what;
        EXPECT_NE(what.find("inf with learning rate 5"), std::string::npos) << what;
        EXPECT_NE(what.find("try --eta 2.5 or smaller"), std::string::npos) << what;
    }
}

TEST(CheckNotDiverged, SaysNanAndUsesTheGivenOption) {
    try {
        nn::check_not_diverged(std::nan(""), 1, 7, 0.5, "--lr");
        FAIL() << "a NaN loss must throw";
    } catch (const nn::Diverged& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("the loss is nan"), std::string::npos) << what;
        EXPECT_NE(what.find("try --lr 0.25"), std::string::npos) << what;
    }
}

TEST(CheckNotDiverged, StopsALossThatGrewPastAHundredTimesItsStart) {
    EXPECT_NO_THROW(nn::check_not_climbing(229.0, 2.3, 1, 5, 0.5));
    try {
        nn::check_not_climbing(231.0, 2.3, 1, 6, 0.5);
        FAIL() << "a loss over 100 times its start must throw";
    } catch (const nn::Diverged& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("epoch 1, step 6"), std::string::npos) << what;
        EXPECT_NE(what.find("over 100 times its start 2.3"), std::string::npos) << what;
        EXPECT_NE(what.find("try --eta 0.25 or smaller"), std::string::npos) << what;
    }
}

TEST(CheckNotDiverged, WithAStartStillStopsNan) {
    EXPECT_THROW(nn::check_not_climbing(std::nan(""), 2.3, 1, 1, 0.5), nn::Diverged);
}
