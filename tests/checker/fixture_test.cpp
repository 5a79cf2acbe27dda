// The tests of the checker's test subject: each is right about the function it
// tests, so the mistakes in exercises/fixture.cpp show as failures, crashes and time-outs.
#include <gtest/gtest.h>

#include "tests/checker/fixture.hpp"

TEST(Ex9_1_SumThatWarns, AddsEveryElement) { EXPECT_EQ(fixture::sum_all({1, 2, 3}), 6); }
TEST(Ex9_2_LastElement, IsTheLastOne) { EXPECT_EQ(fixture::last_element({1, 2, 3}), 3); }
TEST(Ex9_3_CountingUp, ReachesAnOddNumber) { EXPECT_EQ(fixture::count_to(7), 7); }
TEST(Ex9_4_Doubling, DoublesThree) { EXPECT_EQ(fixture::double_it(3), 6); }
TEST(Ex9_5_Quadrupling, QuadruplesThree) { EXPECT_EQ(fixture::quadruple(3), 12); }
TEST(Ex9_6_Triangle, OfALargeNumber) { EXPECT_GT(fixture::triangle(100000), 0); }
TEST(Ex9_7_Corner, OfATwoByTwo) {
    nn::Tensor m({2, 2});
    EXPECT_EQ(fixture::corner(m), 0);
}
TEST(Ex9_8_NotStarted, ReturnsIt) { EXPECT_EQ(fixture::not_started(1), 1); }
TEST(Ex9_9_Waiting, AddsOne) { EXPECT_EQ(fixture::waits(1), 2); }
