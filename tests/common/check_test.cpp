// `make check`'s checker (common/tools/check.hpp): first on its test subject, a binary
// built as a learner's chapter is, whose exercises crash, loop, warn and fail on purpose
// (tests/checker/), then piece by piece.
#include "common/tools/check.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/tools/exercise_source.hpp"
#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace check = nn::tools::check;

namespace {

// The fixture binary lives beside the test binaries: NN_BIN_DIR is <build>/bin.
std::optional<fs::path> fixture_dir() {
    const char* bin = std::getenv("NN_BIN_DIR");
    if (!bin || !*bin) return std::nullopt;
    fs::path dir = fs::path(bin).parent_path() / "tests";
    if (!fs::exists(dir / "checker_fixture")) return std::nullopt;
    return dir;
}

#define REQUIRE_FIXTURE(dir)  \
    auto dir = fixture_dir(); \
    if (!dir) GTEST_SKIP() << "NN_BIN_DIR is not set or has no ../tests/checker_fixture; `make test` builds it"

const char* const kHints = "tests/checker/exercises/HINTS.md";

// What `make check` shows for the fixture, with a 1-second time limit.
programs::ProcessRun check_fixture(const fs::path& dir, const ScratchDir& scratch,
                                   std::vector<std::string> more = {}) {
    std::vector<std::string> args{"--check", "--hints", kHints, "--work", (scratch / "work").string(),
                                  "--timeout", "1"};
    args.insert(args.end(), more.begin(), more.end());
    return programs::run_program(dir, "checker_fixture", args, scratch.path());
}

// The line of exercise id in the report: "  9.4   Doubling    wrong".
std::string line_of(const std::string& report, const std::string& id) {
    for (const std::string& line : programs::lines_of(report))
        if (line.rfind("  " + id + " ", 0) == 0) return line;
    return "";
}

// The report's lines after exercise id's line, up to the next exercise's.
std::string details_of(const std::string& report, const std::string& id) {
    std::string details;
    bool inside = false;
    for (const std::string& line : programs::lines_of(report)) {
        if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') inside = line.rfind("  " + id + " ", 0) == 0;
        else if (inside) details += line + "\n";
    }
    return details;
}

}  // namespace

TEST(Checker, EveryExerciseGetsItsOwnStatusWhateverTheOthersDo) {
    REQUIRE_FIXTURE(dir);
    ScratchDir scratch;
    programs::ProcessRun run = check_fixture(*dir, scratch);
    ASSERT_EQ(run.status, 0) << run.out << run.err;
    const std::string& r = run.out;
    // 9.1 compiled with a -Wsign-compare warning (built with WERROR=1 in CI): not an error.
    EXPECT_NE(line_of(r, "9.1").find("done"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.2").find("crashed"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.3").find("timed out (an endless loop?)"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.4").find("wrong"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.5").find("wrong"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.6").find("crashed"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.7").find("crashed"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.8").find("not started"), std::string::npos) << r;
    EXPECT_NE(line_of(r, "9.9").find("waiting"), std::string::npos) << r;
    EXPECT_NE(r.find("progress [##......................] 1/9 exercises done"), std::string::npos) << r;
    EXPECT_NE(r.find("check-summary 1 9"), std::string::npos) << r;
}

TEST(Checker, ACrashNamesWhatAndTheLearnersLine) {
    REQUIRE_FIXTURE(dir);
    ScratchDir scratch;
    const std::string r = check_fixture(*dir, scratch).out;
    // AddressSanitizer: the read one past the end, at its line.
    EXPECT_NE(details_of(r, "9.2").find("heap-buffer-overflow"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.2").find("last_element, tests/checker/exercises/fixture.cpp:16"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.2").find("in the test Ex9_2_LastElement.IsTheLastOne"), std::string::npos) << r;
    // UBSan: the overflow, at its line.
    EXPECT_NE(details_of(r, "9.6").find("undefined behaviour: signed integer overflow"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.6").find("tests/checker/exercises/fixture.cpp:31"), std::string::npos) << r;
    // An assert in the given code, traced back to the learner's call.
    EXPECT_NE(details_of(r, "9.7").find("an assertion failed in common/tensor.hpp"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.7").find("corner, tests/checker/exercises/fixture.cpp:35"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.3").find("the test that did not end: Ex9_3_CountingUp.ReachesAnOddNumber"),
              std::string::npos) << r;
}

TEST(Checker, AFailureIsBlamedOnTheWrongExerciseItUses) {
    REQUIRE_FIXTURE(dir);
    ScratchDir scratch;
    const std::string r = check_fixture(*dir, scratch).out;
    EXPECT_NE(details_of(r, "9.5").find("but it uses 9.4, which is wrong too: fix 9.4 first"), std::string::npos) << r;
    EXPECT_EQ(details_of(r, "9.4").find("but it uses"), std::string::npos) << r;
    EXPECT_NE(details_of(r, "9.9").find("it uses exercise 9.8, which is not done yet"), std::string::npos) << r;
    // The next exercise is the first not done: 9.2 (and never 9.5 before 9.4).
    EXPECT_NE(r.find("next: 9.2 The last element"), std::string::npos) << r;
}

TEST(Checker, OneExerciseAloneAndTheBriefLine) {
    REQUIRE_FIXTURE(dir);
    ScratchDir scratch;
    const std::string one = check_fixture(*dir, scratch, {"--exercise", "9.4"}).out;
    EXPECT_NE(line_of(one, "9.4").find("wrong"), std::string::npos) << one;
    EXPECT_EQ(line_of(one, "9.2"), "") << one;
    EXPECT_EQ(line_of(one, "9.5"), "") << one;
    programs::ProcessRun unknown = check_fixture(*dir, scratch, {"--exercise", "9.10"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("no exercise 9.10 here; there are: 9.1 9.2"), std::string::npos) << unknown.err;
    const std::string brief = check_fixture(*dir, scratch, {"--brief"}).out;
    EXPECT_EQ(brief.rfind("  exercises ", 0), 0u) << brief;  // the folder's name, then its bar
    EXPECT_NE(brief.find("[##......................] 1/9   next: 9.2 The last element"), std::string::npos) << brief;
    EXPECT_EQ(line_of(brief, "9.4"), "") << brief;
}

TEST(Checker, FocusShowsTheExerciseBeingWorkedOnAndSaysWhenOneIsDone) {
    REQUIRE_FIXTURE(dir);
    ScratchDir scratch;
    const std::string focus = check_fixture(*dir, scratch, {"--focus"}).out;
    EXPECT_NE(line_of(focus, "9.2").find("crashed"), std::string::npos) << focus;
    EXPECT_EQ(line_of(focus, "9.4"), "") << focus;
    EXPECT_NE(focus.find("check-focus 9.2"), std::string::npos) << focus;
    const std::string after = check_fixture(*dir, scratch, {"--focus", "--after", "9.1"}).out;
    EXPECT_NE(after.find("9.1 A sum that warns: done."), std::string::npos) << after;
    const std::string not_done = check_fixture(*dir, scratch, {"--focus", "--after", "9.4"}).out;
    EXPECT_EQ(not_done.find(": done."), std::string::npos) << not_done;
}

// ---------------------------------------------------------------- the pieces

TEST(CheckPieces, ExerciseIdsAndTheirOrder) {
    EXPECT_EQ(check::exercise_id("Ex1_2_UpdateRule"), "1.2");
    EXPECT_EQ(check::exercise_id("ExA_3_MicroKernel"), "A.3");
    EXPECT_EQ(check::exercise_id("Ex1_x_Bad"), "");
    EXPECT_EQ(check::exercise_id("Experiments03_Quick"), "");
    EXPECT_TRUE(check::id_less("1.2", "1.10"));
    EXPECT_FALSE(check::id_less("1.10", "1.2"));
    EXPECT_TRUE(check::id_less("4.4", "A.1"));
    EXPECT_TRUE(check::id_less("2.7", "10.1"));
}

TEST(CheckPieces, HintsGiveTitlesAndWhatEachExerciseUses) {
    check::ExerciseInfo info = check::parse_hints(
        "# hints\n\n## 3.5 The output error\n\nUses: 3.1 (`derivative`).\n\ntext 1.2 here\n"
        "## 3.6 Backpropagation\n\nUses: 3.1, 3.3 (`dense_backward`), 3.5.\n## 3.7 Alone\n");
    EXPECT_EQ(info.titles["3.5"], "The output error");
    EXPECT_EQ(info.uses["3.5"], (std::vector<std::string>{"3.1"}));
    EXPECT_EQ(info.uses["3.6"], (std::vector<std::string>{"3.1", "3.3", "3.5"}));
    EXPECT_TRUE(info.uses["3.7"].empty());
}

TEST(CheckPieces, BlameFollowsUsesThroughOthersAndNextWaitsForThem) {
    check::ExerciseInfo info = check::parse_hints("## 1.1 A\n## 1.2 B\nUses: 1.1.\n## 1.3 C\nUses: 1.2.\n");
    auto failing = [](const std::string& suite) {
        check::ExerciseRun run;
        run.tests.push_back({suite, "T", false, "x_test.cpp:3: wrong", ""});
        return run;
    };
    check::ExerciseRun passing;
    passing.tests.push_back({"Ex1_2_B", "T", true, "", ""});
    std::map<std::string, check::ExerciseRun> runs{{"1.1", failing("Ex1_1_A")}, {"1.2", passing}, {"1.3", failing("Ex1_3_C")}};
    // 1.2 passes although 1.1 is wrong (its tests do not reach the mistake): not blamed.
    std::vector<check::Verdict> v = check::judge(runs, info);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].status, check::Status::Wrong);
    EXPECT_TRUE(v[0].blamed.empty());
    EXPECT_EQ(v[1].status, check::Status::Done);
    EXPECT_EQ(v[2].status, check::Status::Wrong);
    EXPECT_EQ(v[2].blamed, (std::vector<std::string>{"1.1"}));  // through 1.2
    EXPECT_EQ(v[2].details.front(), "but it uses 1.1, which is wrong too: fix 1.1 first (its own first failing check follows)");
    EXPECT_EQ(check::next_exercise(v)->id, "1.1");
}

TEST(CheckPieces, ARunThatNeverWroteItsEndCrashed) {
    check::ExerciseRun run = check::read_run("start\tEx1_1_A\tFirst\n", 11 /* killed by SIGSEGV */, false, "");
    EXPECT_EQ(run.ending, check::Ending::Crashed);
    EXPECT_EQ(run.running, "Ex1_1_A.First");
    EXPECT_NE(run.crash.find("segmentation fault"), std::string::npos) << run.crash;
    check::ExerciseRun ended = check::read_run(
        check::start_line("Ex1_1_A", "T") + "\n" + check::outcome_line({"Ex1_1_A", "T", false, "f.cpp:1: no", "1.1"}) +
            "\n" + check::kEndLine + "\n",
        256, false, "");
    EXPECT_EQ(ended.ending, check::Ending::Finished);
    ASSERT_EQ(ended.tests.size(), 1u);
    EXPECT_EQ(ended.tests[0].not_implemented_id, "1.1");
    EXPECT_EQ(ended.tests[0].first_failure, "f.cpp:1: no");
    EXPECT_EQ(check::read_run("", 0, true, "").ending, check::Ending::TimedOut);
}

TEST(CheckPieces, CrashReportsNameTheFirstFrameInTheLearnersFile) {
    const std::string asan =
        "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6 at pc 0x5\n"
        "WRITE of size 4 at 0x6 thread T0\n"
        "    #0 0x55 in nn::gemm(...) common/gemm.cpp:10\n"
        "    #1 0x56 in perceptron::update(perceptron::Perceptron&, std::span<float const, 18446744073709551615ul>, int, float) "
        "/home/me/nn/exercises/01-perceptron/perceptron.cpp:38:41\n"
        "    #2 0x57 in perceptron::train_epoch(...) /home/me/nn/exercises/01-perceptron/perceptron.cpp:50\n";
    EXPECT_EQ(check::describe_crash(asan, 256),
              "heap-buffer-overflow (a read or write past the end, or before the start, of an array: an index out "
              "of range?), in update, exercises/01-perceptron/perceptron.cpp:38");
    EXPECT_EQ(check::describe_crash("#0 0x1 in f() /x/y.cpp:3\n", 6 /* SIGABRT */), "an abort (signal 6)");
    EXPECT_EQ(check::describe_crash("", 8 /* SIGFPE */),
              "an arithmetic error (signal 8: an integer division by zero?)");
}

// ---------------------------------------------------------------- make reset

namespace {
const char* const kStub =
    "#include \"common/errors.hpp\"\n"
    "namespace opt {\n"
    "void Momentum::step(std::span<float> /*theta*/, std::span<const float> /*g*/) {\n"
    "    // TODO(2.3): v = beta v + g\n"
    "    throw nn::NotImplemented(\"2.3\");\n"
    "}\n"
    "void Adam::step(std::span<float> /*theta*/, std::span<const float> /*g*/) {\n"
    "    throw nn::NotImplemented(\"2.4\");  // a } in a comment\n"
    "}\n"
    "}  // namespace opt\n";
}  // namespace

TEST(ExerciseSource, FindsFunctionsInsideNamespacesButNotTheirInsides) {
    std::vector<nn::tools::FunctionDefinition> f = nn::tools::function_definitions(kStub);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].name, "Momentum::step");
    EXPECT_EQ(f[1].name, "Adam::step");
    EXPECT_EQ(std::string(kStub).substr(f[1].body_end - 1, 1), "}");
    EXPECT_EQ(nn::tools::stubs_of(kStub, "2.4").size(), 1u);
    EXPECT_TRUE(nn::tools::stubs_of(kStub, "2.5").empty());
}

TEST(ExerciseSource, RestoresOneExercisesStubAndKeepsTheRest) {
    const std::string learner =
        "#include \"common/errors.hpp\"\n"
        "namespace opt {\n"
        "void Momentum::step(std::span<float> theta, std::span<const float> g) {\n"
        "    for (size_t i = 0; i < theta.size(); ++i) { v[i] = beta * v[i] + g[i]; theta[i] -= eta * v[i]; }\n"
        "}\n"
        "void Adam::step(std::span<float> theta, std::span<const float> g) {\n"
        "    const char* s = \"}\";  // my Adam\n"
        "}\n"
        "}  // namespace opt\n";
    std::vector<std::string> replaced;
    const std::string reset = nn::tools::restore_stubs(learner, kStub, "2.3", &replaced);
    EXPECT_EQ(replaced, (std::vector<std::string>{"Momentum::step"}));
    EXPECT_NE(reset.find("void Momentum::step(std::span<float> theta, std::span<const float> g) {\n"
                         "    // TODO(2.3): v = beta v + g\n    throw nn::NotImplemented(\"2.3\");\n}"),
              std::string::npos)
        << reset;
    EXPECT_NE(reset.find("const char* s = \"}\";  // my Adam"), std::string::npos) << reset;
    EXPECT_EQ(reset.find("beta * v[i]"), std::string::npos) << reset;
    EXPECT_THROW(nn::tools::restore_stubs(learner, kStub, "2.7"), nn::DataError);
    EXPECT_THROW(nn::tools::restore_stubs("namespace opt {}\n", kStub, "2.3"), nn::DataError);
}
