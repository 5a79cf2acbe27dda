// The one main of every test binary. Besides GoogleTest's usual run it has three
// modes that look at the exercise suites (named Ex<chapter>_<n>_<Title>):
//
//   --check --hints FILE --work DIR [--exercise ID] [--focus] [--brief] [--after ID]
//   [--timeout SECONDS]    what `make check` prints: each exercise run alone, in a
//                          process of its own with a time limit, and reported done /
//                          wrong (with the first failing check) / not started /
//                          crashed (where) / timed out (common/tools/check.hpp).
//   --outcomes FILE        the run each exercise gets from --check: one line per test
//                          as it starts and ends, written at once.
//   --stubs-must-fail      what `make test` runs against exercises/: every
//                          exercise test must fail on the stubs, since a test
//                          that passes on a stub checks nothing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/tools/check.hpp"

namespace check = nn::tools::check;

namespace {

// Records each test's outcome; with a file, writes it there as soon as it is known.
class OutcomeRecorder : public testing::EmptyTestEventListener {
public:
    explicit OutcomeRecorder(const std::string& path = "") {
        if (!path.empty()) file_ = std::fopen(path.c_str(), "w");
    }
    ~OutcomeRecorder() override {
        if (file_) std::fclose(file_);
    }
    bool failed_to_open(const std::string& path) const { return !path.empty() && !file_; }
    std::vector<check::TestOutcome> outcomes;

private:
    std::FILE* file_ = nullptr;
    void write(const std::string& line) {
        if (!file_) return;
        std::fprintf(file_, "%s\n", line.c_str());
        std::fflush(file_);  // a crash right after must not lose it
    }
    void OnTestStart(const testing::TestInfo& info) override {
        check::TestOutcome outcome;
        outcome.suite = info.test_suite_name();
        outcome.name = info.name();
        outcomes.push_back(outcome);
        write(check::start_line(outcome.suite, outcome.name));
    }
    void OnTestPartResult(const testing::TestPartResult& part) override {
        if (!part.failed() || outcomes.empty()) return;
        check::TestOutcome& t = outcomes.back();
        t.passed = false;
        std::string stub = check::not_implemented_id(part.message());
        if (!stub.empty() && t.not_implemented_id.empty()) t.not_implemented_id = stub;
        if (t.first_failure.empty()) {
            std::string where = part.file_name() ? std::string(part.file_name()) + ":" +
                                                       std::to_string(part.line_number()) + ": "
                                                 : "";
            t.first_failure = where + check::fold(part.message(), 240);
        }
    }
    void OnTestEnd(const testing::TestInfo&) override {
        if (!outcomes.empty()) write(check::outcome_line(outcomes.back()));
    }
    void OnTestProgramEnd(const testing::UnitTest&) override { write(check::kEndLine); }
};

int report_stubs(const std::vector<check::TestOutcome>& outcomes) {
    size_t exercise_tests = 0;
    std::vector<std::string> passing;
    for (const check::TestOutcome& t : outcomes) {
        if (check::exercise_id(t.suite).empty()) continue;
        ++exercise_tests;
        if (t.passed) passing.push_back(t.suite + "." + t.name);
    }
    if (exercise_tests == 0) {
        std::printf("stubs: no exercise tests ran; a chapter with exercises must have Ex* suites\n");
        return 1;
    }
    for (const std::string& name : passing)
        std::printf("stubs: %s PASSES on the stub, so it checks nothing: fix the test\n", name.c_str());
    if (!passing.empty()) return 1;
    std::printf("stubs: all %zu exercise tests fail on the stubs, as they must\n", exercise_tests);
    return 0;
}

// Removes "--name" (and "--name VALUE" when value is given) from argv.
bool take_flag(int& argc, char** argv, const char* name, std::string* value = nullptr) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) != 0) continue;
        int width = value ? 2 : 1;
        if (value) {
            if (i + 1 >= argc) return false;
            *value = argv[i + 1];
        }
        for (int j = i; j + width <= argc; ++j) argv[j] = argv[j + width];
        argc -= width;
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    check::Options options;
    std::string outcomes, timeout;
    bool run_check = take_flag(argc, argv, "--check");
    take_flag(argc, argv, "--hints", &options.hints);
    take_flag(argc, argv, "--work", &options.work);
    take_flag(argc, argv, "--exercise", &options.exercise);
    take_flag(argc, argv, "--after", &options.after);
    options.focus = take_flag(argc, argv, "--focus");
    options.brief = take_flag(argc, argv, "--brief");
    if (take_flag(argc, argv, "--timeout", &timeout)) options.timeout_seconds = std::atof(timeout.c_str());
    take_flag(argc, argv, "--outcomes", &outcomes);
    bool stubs_must_fail = take_flag(argc, argv, "--stubs-must-fail");
    testing::InitGoogleTest(&argc, argv);

    if (run_check) {
        // The exercises' runs are this same binary, found through /proc so that it does
        // not matter from where it was started.
        options.self = std::filesystem::read_symlink("/proc/self/exe").string();
        std::vector<std::string> suites;
        const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
        for (int i = 0; i < unit.total_test_suite_count(); ++i) suites.push_back(unit.GetTestSuite(i)->name());
        return check::run_check(options, suites);
    }
    if (outcomes.empty() && !stubs_must_fail) return RUN_ALL_TESTS();

    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    auto* recorder = new OutcomeRecorder(outcomes);
    if (recorder->failed_to_open(outcomes)) {
        std::fprintf(stderr, "cannot write %s\n", outcomes.c_str());
        return 2;
    }
    listeners.Append(recorder);  // owned by GoogleTest from here
    // Failures are expected here: the reports explain them per exercise.
    int failed = RUN_ALL_TESTS();
    if (!outcomes.empty()) return failed;
    return report_stubs(recorder->outcomes);
}
