#include "common/stopwatch.hpp"

#include <gtest/gtest.h>

#include <thread>

TEST(Stopwatch, CountsTheSecondsSinceItStartedOrRestarted) {
    nn::Stopwatch watch;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const double slept = watch.seconds();
    EXPECT_GE(slept, 0.03);
    EXPECT_LT(slept, 30.0);  // seconds, not milliseconds
    watch.restart();
    EXPECT_LT(watch.seconds(), slept);
}
