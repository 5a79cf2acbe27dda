#pragma once
// `make check`: a chapter's exercise tests, one exercise at a time, each in its own
// process with a time limit, so that a crash or an endless loop in one exercise is
// reported as that exercise's status and every other exercise still gets its own.
//
// The test binary (tests/main.cpp) plays both parts: run with --check it lists its
// Ex<chapter>_<n>_<Title> suites and runs itself once per exercise with --outcomes
// FILE and a --gtest_filter for that exercise; the child writes one line per test as
// it starts and ends, so that even a run that never ends says which test it was in.
// Kept in the tool library so that the tests reach every piece.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nn::tools::check {

// ---------------------------------------------------------------- one test's outcome

struct TestOutcome {
    std::string suite, name;
    bool passed = true;
    std::string first_failure;       // file:line: message, folded to one line
    std::string not_implemented_id;  // set when a stub's NotImplemented was thrown
};

// "Ex1_2_UpdateRule" -> "1.2"; empty when the suite is not an exercise's.
std::string exercise_id(const std::string& suite);

// "Ex1_2_UpdateRule" -> "update rule", for an exercise that HINTS.md does not name.
std::string title_from_suite(const std::string& suite);

// Whitespace runs become one space; longer texts end in "...".
std::string fold(const std::string& text, size_t limit);

// The id in "exercise 1.2 is not implemented yet", or "".
std::string not_implemented_id(const std::string& message);

// The lines of an --outcomes file: "start<TAB>suite<TAB>name" when a test starts,
// "test<TAB>suite<TAB>name<TAB>pass|fail<TAB>stub id<TAB>first failure" when it ends,
// and "end" when the whole run ended normally.
std::string start_line(const std::string& suite, const std::string& name);
std::string outcome_line(const TestOutcome& t);
inline constexpr const char* kEndLine = "end";

// ---------------------------------------------------------------- one exercise's run

enum class Ending { Finished, Crashed, TimedOut };

struct ExerciseRun {
    std::vector<TestOutcome> tests;  // the tests that ended
    Ending ending = Ending::Finished;
    std::string running;             // "Suite.Name" of a test that started and never ended
    std::string crash;               // what the crash was and where, for Ending::Crashed
};

// Reads an --outcomes file and the run's wait() status (or that it timed out); `log`
// is what the run printed, searched for the sanitizers' and assert's reports.
ExerciseRun read_run(const std::string& outcomes_text, int wait_status, bool timed_out,
                     const std::string& log);

// One sentence for a crash, from the log of the run: what went wrong and, when a frame
// of the stack is in a learner's file (a path with "exercises/" or "checker/"), where:
//   "heap-buffer-overflow (a read or write past the end of an array) in
//    train_epoch, exercises/01-perceptron/perceptron.cpp:33"
// Falls back to the assert's message or the signal's name.
std::string describe_crash(const std::string& log, int wait_status);

// ---------------------------------------------------------------- HINTS.md

// What a chapter's HINTS.md says about its exercises: the titles of the "## 1.2 Title"
// headings and the "Uses: 1.1, 1.2." line of a section (the exercises whose functions
// this one calls, so that a failure there is blamed first).
struct ExerciseInfo {
    std::map<std::string, std::string> titles;
    std::map<std::string, std::vector<std::string>> uses;
};
ExerciseInfo parse_hints(const std::string& text);

// ---------------------------------------------------------------- verdicts

enum class Status { Done, Wrong, NotStarted, Waiting, Crashed, TimedOut };
const char* status_label(Status s);

struct Verdict {
    std::string id, title;
    Status status = Status::Done;
    std::vector<std::string> details;  // lines shown under the status
    std::vector<std::string> blamed;   // exercises it uses that are not done
};

// Every exercise's verdict, in id order (1.2 before 1.10), from its isolated run.
// An exercise that fails while one it uses (directly or not) is not done names that
// one: "it uses 3.3, which is wrong too: fix 3.3 first".
std::vector<Verdict> judge(const std::map<std::string, ExerciseRun>& runs, const ExerciseInfo& info);

// The exercise to do next: the first not done whose every used exercise is done.
const Verdict* next_exercise(const std::vector<Verdict>& verdicts);

// Orders exercise ids as numbers within a chapter: "1.2" < "1.10" < "2.1".
bool id_less(const std::string& a, const std::string& b);

// ---------------------------------------------------------------- the command

struct Options {
    std::string self;         // the test binary, run once per exercise
    std::string hints;        // exercises/C/HINTS.md
    std::string work;         // where the runs' outcomes and logs go
    std::string exercise;     // only this one (make check EX=1.2); "" for all
    bool focus = false;       // only the exercise to do next (make watch)
    bool brief = false;       // one line for the chapter (make check without CH)
    std::string after;        // the exercise focused on last time: say so when it is done now
    double timeout_seconds = 10;
};

// Runs each exercise of the test binary alone and prints the report. Returns 0 unless
// the runs could not be made at all (a missing work folder, no exercise suites).
int run_check(const Options& options, const std::vector<std::string>& suites);

}  // namespace nn::tools::check
