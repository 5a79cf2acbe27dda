#include "common/progress.hpp"

#include <gtest/gtest.h>

#include "common/errors.hpp"

TEST(ProgressRender, ShowsTheProportionDoneAndTheCounts) {
    EXPECT_EQ(nn::Progress::render("epoch 3/10", 512, 1000, 0.4, 30),
              "epoch 3/10 [###############...............] 512/1000 0.4s");
}

TEST(ProgressRender, EmptyAndFullBars) {
    EXPECT_EQ(nn::Progress::render("x", 0, 4, 0.0, 8), "x [........] 0/4 0.0s");
    EXPECT_EQ(nn::Progress::render("x", 4, 4, 12.34, 8), "x [########] 4/4 12.3s");
}

TEST(ProgressRender, MoreStepsThanTotalShowsAFullBar) {
    EXPECT_EQ(nn::Progress::render("x", 7, 4, 1.0, 4), "x [####] 4/4 1.0s");
}

TEST(ProgressRender, ZeroTotalCountsAsDone) {
    EXPECT_EQ(nn::Progress::render("x", 0, 0, 0.0, 3), "x [###] 0/0 0.0s");
}

TEST(ParseProgressMode, AcceptsTheThreeModes) {
    EXPECT_EQ(nn::parse_progress_mode("auto"), nn::ProgressMode::Auto);
    EXPECT_EQ(nn::parse_progress_mode("always"), nn::ProgressMode::Always);
    EXPECT_EQ(nn::parse_progress_mode("never"), nn::ProgressMode::Never);
}

TEST(ParseProgressMode, RejectsAnythingElseNamingTheOption) {
    for (const char* bad : {"sometimes", "", "Always", "yes"}) {
        try {
            nn::parse_progress_mode(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const nn::UsageError& e) {
            EXPECT_NE(std::string(e.what()).find("--progress"), std::string::npos) << e.what();
        }
    }
}

TEST(Progress, NeverDrawsNothing) {
    testing::internal::CaptureStderr();
    {
        nn::Progress bar("epoch 1/2", 10, nn::ProgressMode::Never);
        EXPECT_FALSE(bar.drawing());
        bar.tick(10);
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(Progress, AlwaysDrawsOnStderrAndClearsTheLineAtTheEnd) {
    testing::internal::CaptureStderr();
    {
        nn::Progress bar("epoch 1/2", 10, nn::ProgressMode::Always);
        EXPECT_TRUE(bar.drawing());
        bar.tick(10);  // the last step is always drawn
    }
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("epoch 1/2 ["), std::string::npos);
    EXPECT_NE(err.find("10/10"), std::string::npos);
    EXPECT_EQ(err.find('\n'), std::string::npos) << "a bar redraws in place, it prints no lines";
    ASSERT_FALSE(err.empty());
    EXPECT_EQ(err.back(), '\r');  // cleared: the cursor is back at the start of an empty line
}
