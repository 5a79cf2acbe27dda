#include <gtest/gtest.h>

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
