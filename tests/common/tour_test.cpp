// The tools that run programs for the Makefile: tour (make tour, run, compare), hint
// (make hint) and what they share in common/tools/report.hpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "common/tools/report.hpp"
#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

TEST(RunCommand, PassesEachArgumentAsOneWordAndReportsTheStatus) {
    ScratchDir tmp;
    const std::string log = (tmp / "log.txt").string();
    // Quotes, spaces and a $ reach the program untouched: the shell does not split or expand them.
    const int status = tools::run_command("/bin/sh", {"-c", "printf '%s|' \"$@\"; exit 3", "sh", "it's", "a b", "$HOME"}, log);
    EXPECT_FALSE(tools::succeeded(status));
    EXPECT_EQ(tools::status_text(status), "exit status 3");
    EXPECT_EQ(programs::read_text(log), "it's|a b|$HOME|");
    EXPECT_TRUE(tools::succeeded(tools::run_command("/bin/true", {}, log)));
    EXPECT_EQ(tools::status_text(tools::run_command("/bin/sh", {"-c", "kill -SEGV $$"}, log)), "killed by signal 11");
}

TEST(RunCommand, SendsStderrToTheLogToo) {
    ScratchDir tmp;
    const std::string log = (tmp / "log.txt").string();
    tools::run_command("/bin/sh", {"-c", "echo out; echo err >&2"}, log);
    EXPECT_EQ(programs::read_text(log), "out\nerr\n");
}

TEST(ChapterPrefix, IsTheFolderPrefixOfAnExerciseOrChapter) {
    EXPECT_EQ(tools::chapter_prefix("1.2"), "01");
    EXPECT_EQ(tools::chapter_prefix("1"), "01");
    EXPECT_EQ(tools::chapter_prefix("9.10"), "09");
    EXPECT_EQ(tools::chapter_prefix("12.1"), "12");
    EXPECT_EQ(tools::chapter_prefix("A.3"), "A");
    EXPECT_EQ(tools::chapter_prefix("A"), "A");
}

// ---------------------------------------------------------------- the tools themselves

namespace {

struct Tools {
    fs::path bin;    // NN_BIN_DIR: the programs, in bin/<chapter>/
    fs::path tools;  // built next to them in ../tools/
};

std::optional<Tools> find_tools() {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) return std::nullopt;
    return Tools{env, fs::path(env).parent_path() / "tools"};
}

// chapters/01-perceptron/tour.txt with these lines, in a scratch folder.
void write_tour(const ScratchDir& tmp, const std::string& lines) {
    fs::create_directories(tmp / "chapters/01-perceptron");
    std::ofstream(tmp / "chapters/01-perceptron/tour.txt") << lines;
}

programs::ProcessRun tour(const Tools& t, const ScratchDir& tmp, std::vector<std::string> extra) {
    std::vector<std::string> args{"--chapters", (tmp / "chapters").string(), "--bin", t.bin.string(),
                                  "--out", (tmp / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return programs::run_program(t.tools, "tour", args, tmp.path());
}

}  // namespace

#define REQUIRE_TOOLS(t)  \
    auto t = find_tools(); \
    if (!t) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder"

TEST(TourTool, QuickRunsEveryListedProgramIntoItsLogAndSkipsComments) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    write_tour(tmp, "# the gates first\n\nactivations\nlogic_gates\n");
    auto run = tour(*t, tmp, {"--quick"});
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    for (const char* program : {"activations", "logic_gates"}) {
        EXPECT_NE(run.out.find(std::string("== 01-perceptron/") + program), std::string::npos) << run.out;
        const std::string log = programs::read_text(tmp / "out/01-perceptron" / (std::string(program) + ".log"));
        EXPECT_NE(log.find("result:"), std::string::npos) << program << ": " << log;
        EXPECT_TRUE(fs::exists(tmp / "out/01-perceptron" / (std::string(program) + ".manifest"))) << program;
    }
    EXPECT_EQ(run.out.find("# the gates"), std::string::npos) << "a comment was run as a program";
}

TEST(TourTool, QuickGoesOnAfterAFailureAndExitsOneNamingIt) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    write_tour(tmp, "no_such_program\nactivations\n");
    auto run = tour(*t, tmp, {"--quick"});
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    EXPECT_NE(run.out.find("FAILED"), std::string::npos) << run.out;
    EXPECT_TRUE(fs::exists(tmp / "out/01-perceptron/activations.manifest")) << "the tour stopped at the failure";
    EXPECT_NE(run.err.find("tour: failed: 01-perceptron/no_such_program"), std::string::npos) << run.err;
}

TEST(TourTool, FullRunStopsAtTheFirstFailure) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    write_tour(tmp, "no_such_program\nactivations\n");
    auto run = tour(*t, tmp, {});
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    EXPECT_FALSE(fs::exists(tmp / "out/01-perceptron/activations.manifest")) << "ran on after a failure";
}

TEST(TourTool, TraceAddsTheSeedAndATraceFilePerProgram) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    write_tour(tmp, "logic_gates\n");
    auto run = tour(*t, tmp, {"--quick", "--trace"});
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    EXPECT_GT(fs::file_size(tmp / "out/01-perceptron/logic_gates.trace"), 0u);
}

TEST(TourTool, AnUnknownChapterIsAUsageError) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    write_tour(tmp, "activations\n");
    auto run = tour(*t, tmp, {"--chapter", "09-nothing"});
    EXPECT_EQ(run.status, 2) << run.out << run.err;
    EXPECT_NE(run.err.find("09-nothing"), std::string::npos) << run.err;
}

namespace {

programs::ProcessRun hint(const Tools& t, const ScratchDir& tmp, const std::string& id) {
    fs::create_directories(tmp / "exercises/01-perceptron");
    std::ofstream(tmp / "exercises/01-perceptron/HINTS.md")
        << "# Hints\n\n## 1.1 Predict\n\nA dot product.\n\nThen a step.\n\n## 1.2 Update\n\nOnly when wrong.\n";
    return programs::run_program(t.tools, "hint", {"--exercise", id, "--exercises", (tmp / "exercises").string()},
                                 tmp.path());
}

}  // namespace

TEST(HintTool, PrintsTheExercisesSectionUpToTheNextOne) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    auto first = hint(*t, tmp, "1.1");
    EXPECT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, "## 1.1 Predict\n\nA dot product.\n\nThen a step.\n");
    auto last = hint(*t, tmp, "1.2");
    EXPECT_EQ(last.out, "## 1.2 Update\n\nOnly when wrong.\n");
}

TEST(HintTool, AnUnknownExerciseListsTheKnownOnesAndExitsTwo) {
    REQUIRE_TOOLS(t);
    ScratchDir tmp;
    auto run = hint(*t, tmp, "1.3");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("no exercise 1.3"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("there are: 1.1 1.2"), std::string::npos) << run.err;
    auto chapter = hint(*t, tmp, "2.1");
    EXPECT_EQ(chapter.status, 2);
    EXPECT_NE(chapter.err.find("no chapter 02"), std::string::npos) << chapter.err;
}
