// Appendix A's program as a learner meets it: run as a process, on bad input and in
// quick mode (at n = 64 only, to stay fast). Skipped without NN_BIN_DIR (make test sets it).
#include <gtest/gtest.h>

#include <string>

#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

using namespace programs;

namespace {

const char* const kChapter = "A-matrix-multiply";

}  // namespace

TEST(ProgramsA_LadderBench, MaxNOutsideItsRangeIsRejected) {
    REQUIRE_PROGRAMS(dir, kChapter, "ladder_bench");
    expect_rejected(*dir, "ladder_bench", {"--max-n", "32"}, "--max-n");
}

TEST(ProgramsA_LadderBench, AnOpenblasFileWithoutItsColumnsIsRejected) {
    REQUIRE_PROGRAMS(dir, kChapter, "ladder_bench");
    ScratchDir tmp;
    std::ofstream(tmp / "other.csv") << "epoch,loss\n1,0.5\n";
    expect_rejected(*dir, "ladder_bench", {"--openblas", (tmp / "other.csv").string()}, "other.csv");
}

TEST(ProgramsA_LadderBench, TimesEveryRungAndDrawsTheOpenblasLineWhenGiven) {
    REQUIRE_PROGRAMS(dir, kChapter, "ladder_bench");
    ScratchDir tmp;
    std::ofstream(tmp / "gemm.csv") << "n,ours_1,openblas_1,ours_2,openblas_2\n64,50,60,70,80\n";
    ProcessRun run = expect_quick_run(*dir, "ladder_bench", tmp / "out", tmp.path(),
                                      {"--max-n", "64", "--openblas", (tmp / "gemm.csv").string()});
    const std::string result = result_line(run.out);
    for (const char* key : {"rung1_gflops", "rung6_gflops", "gemm_gflops", "fma_peak_gflops"})
        EXPECT_FALSE(result_value(result, key).empty()) << key << " missing from: " << result;
    EXPECT_EQ(result_value(result, "n"), "64");
    // Beside every point, the threads it ran on and the FMA peak on as many, measured alternately with it.
    EXPECT_NE(read_text(tmp / "out" / "ladder.csv").find("n,rung,gflops,threads,peak_gflops\n"), std::string::npos);
    EXPECT_EQ(run.out.find("no OpenBLAS line"), std::string::npos) << run.out;
}
