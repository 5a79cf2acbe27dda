// The one main of every test binary. Besides GoogleTest's usual run it has two
// modes that look at the exercise suites (named Ex<chapter>_<n>_<Title>):
//
//   --check --hints FILE   what `make check` prints: per exercise done / wrong
//                          (with the first failing check) / not started, a
//                          progress bar, and the next exercise to do.
//   --stubs-must-fail      what `make test` runs against exercises/: every
//                          exercise test must fail on the stubs, since a test
//                          that passes on a stub checks nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/tools/report.hpp"

namespace {

struct TestOutcome {
    std::string suite, name;
    bool passed = true;
    std::string first_failure;  // location and message, folded to one line
    std::string not_implemented_id;  // set when the failure is a stub's NotImplemented
};

struct Exercise {
    std::string id, title;
    std::vector<TestOutcome> tests;
};

// "Ex1_2_UpdateRule" -> "1.2"; empty when the suite is not an exercise's.
// (Plain string handling: <regex> trips a false -Wmaybe-uninitialized in g++ 12 at -O1.)
std::string exercise_id(const std::string& suite) {
    if (suite.rfind("Ex", 0) != 0) return "";
    size_t chapter_end = suite.find('_', 2);
    if (chapter_end == std::string::npos || chapter_end == 2) return "";
    size_t number_end = suite.find('_', chapter_end + 1);
    std::string number = suite.substr(chapter_end + 1, number_end - chapter_end - 1);
    if (number.empty() || number_end == std::string::npos ||
        number.find_first_not_of("0123456789") != std::string::npos)
        return "";
    return suite.substr(2, chapter_end - 2) + "." + number;
}

// "Ex1_2_UpdateRule" -> "update rule", when HINTS.md has no title for it.
std::string title_from_suite(const std::string& suite) {
    std::string camel = suite.substr(suite.find('_', suite.find('_') + 1) + 1), title;
    for (char c : camel) {
        if (std::isupper(static_cast<unsigned char>(c)) && !title.empty()) title += ' ';
        title += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return title;
}

std::string fold(const std::string& text, size_t limit) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) { space = !out.empty(); continue; }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    if (out.size() > limit) out = out.substr(0, limit - 3) + "...";
    return out;
}

// The id in "exercise 1.2 is not implemented yet", or empty.
std::string not_implemented_id(const std::string& message) {
    size_t marker = message.find(std::string(" ") + nn::kNotImplementedMarker);
    if (marker == std::string::npos) return "";
    size_t word = message.rfind("exercise ", marker);
    if (word == std::string::npos) return "";
    size_t start = word + std::strlen("exercise ");
    return message.substr(start, marker - start);
}

class OutcomeRecorder : public testing::EmptyTestEventListener {
public:
    std::vector<TestOutcome> outcomes;

private:
    void OnTestStart(const testing::TestInfo& info) override {
        TestOutcome outcome;
        outcome.suite = info.test_suite_name();
        outcome.name = info.name();
        outcomes.push_back(outcome);
    }
    void OnTestPartResult(const testing::TestPartResult& part) override {
        if (!part.failed() || outcomes.empty()) return;
        TestOutcome& t = outcomes.back();
        t.passed = false;
        std::string stub = not_implemented_id(part.message());
        if (!stub.empty() && t.not_implemented_id.empty()) t.not_implemented_id = stub;
        if (t.first_failure.empty()) {
            std::string where = part.file_name() ? std::string(part.file_name()) + ":" +
                                                       std::to_string(part.line_number()) + ": "
                                                 : "";
            t.first_failure = where + fold(part.message(), 240);
        }
    }
};

// "## 1.2 The update rule" headings of HINTS.md -> {"1.2": "The update rule"}.
std::map<std::string, std::string> read_titles(const std::string& hints_path) {
    std::map<std::string, std::string> titles;
    std::ifstream in(hints_path);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) != 0) continue;
        std::istringstream heading(line.substr(3));
        std::string id, title;
        heading >> id;
        std::getline(heading >> std::ws, title);
        if (id.find('.') != std::string::npos) titles[id] = title;
    }
    return titles;
}

// Exercises in the order of their ids (1.2 before 1.10), with their outcomes.
std::vector<Exercise> group_by_exercise(const std::vector<TestOutcome>& outcomes,
                                        const std::map<std::string, std::string>& titles) {
    std::map<std::pair<std::string, int>, Exercise> by_id;
    for (const TestOutcome& t : outcomes) {
        std::string id = exercise_id(t.suite);
        if (id.empty()) continue;
        std::string chapter = id.substr(0, id.find('.'));
        int number = std::stoi(id.substr(id.find('.') + 1));
        Exercise& e = by_id[{chapter, number}];
        e.id = id;
        auto title = titles.find(id);
        e.title = title != titles.end() ? title->second : title_from_suite(t.suite);
        e.tests.push_back(t);
    }
    std::vector<Exercise> exercises;
    for (auto& [key, e] : by_id) exercises.push_back(e);
    return exercises;
}

enum class Status { Done, Wrong, NotStarted, Waiting };

Status status_of(const Exercise& e, std::string* detail) {
    const TestOutcome* first_wrong = nullptr;
    std::string waiting_on;
    for (const TestOutcome& t : e.tests) {
        if (t.passed) continue;
        if (t.not_implemented_id == e.id) return Status::NotStarted;
        if (!t.not_implemented_id.empty()) waiting_on = t.not_implemented_id;
        else if (!first_wrong) first_wrong = &t;
    }
    if (first_wrong) {
        *detail = first_wrong->suite + "." + first_wrong->name + "\n        " + first_wrong->first_failure;
        return Status::Wrong;
    }
    if (!waiting_on.empty()) {
        *detail = "uses exercise " + waiting_on + ", which is not done yet";
        return Status::Waiting;
    }
    return Status::Done;
}

std::string progress_bar(size_t done, size_t total, size_t width = 24) {
    size_t filled = total ? done * width / total : 0;
    return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
           std::to_string(done) + "/" + std::to_string(total);
}

// The learner's file that holds exercise id: the one with its "TODO(id)", else the
// folder's only .cpp file, else the folder.
std::string file_of_exercise(const std::string& folder, const std::string& id) {
    std::error_code error;
    std::vector<std::string> sources;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        if (entry.path().extension() != ".cpp") continue;
        sources.push_back(entry.path().string());
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        if (text.str().find("TODO(" + id + ")") != std::string::npos) return sources.back();
    }
    return sources.size() == 1 ? sources.front() : folder;
}

int report_check(const std::vector<TestOutcome>& outcomes, const std::string& hints_path) {
    std::vector<Exercise> exercises = group_by_exercise(outcomes, read_titles(hints_path));
    std::string folder = hints_path.substr(0, hints_path.rfind('/') + 1);
    size_t done = 0;
    const Exercise* next = nullptr;
    for (const Exercise& e : exercises) {
        std::string detail;
        Status s = status_of(e, &detail);
        const char* label = s == Status::Done         ? "done"
                            : s == Status::Wrong      ? "wrong"
                            : s == Status::NotStarted ? "not started"
                                                      : "waiting";
        std::printf("  %-5s %-44s %s\n", e.id.c_str(), fold(e.title, 44).c_str(), label);
        if (!detail.empty()) std::printf("        %s\n", detail.c_str());
        if (s == Status::Done) ++done;
        else if (!next) next = &e;
    }
    std::printf("  progress %s exercises done\n", progress_bar(done, exercises.size()).c_str());
    if (next)
        std::printf("  next: %s %s\n        edit %s, then `make check CH=%s`; stuck? `make hint EX=%s`\n",
                    next->id.c_str(), next->title.c_str(), file_of_exercise(folder, next->id).c_str(),
                    nn::tools::chapter_prefix(next->id).c_str(), next->id.c_str());
    else if (!exercises.empty())
        std::printf("  all done. Compare your runs with the solution's: `make compare CH=%s`\n",
                    nn::tools::chapter_prefix(exercises.front().id).c_str());
    // The last line is for the Makefile, which adds the chapters up.
    std::printf("check-summary %zu %zu\n", done, exercises.size());
    return 0;
}

int report_stubs(const std::vector<TestOutcome>& outcomes) {
    size_t exercise_tests = 0;
    std::vector<std::string> passing;
    for (const TestOutcome& t : outcomes) {
        if (exercise_id(t.suite).empty()) continue;
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
    std::string hints;
    bool check = take_flag(argc, argv, "--check");
    take_flag(argc, argv, "--hints", &hints);
    bool stubs_must_fail = take_flag(argc, argv, "--stubs-must-fail");
    testing::InitGoogleTest(&argc, argv);
    if (!check && !stubs_must_fail) return RUN_ALL_TESTS();

    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    auto* recorder = new OutcomeRecorder;
    listeners.Append(recorder);  // owned by GoogleTest from here
    // Failures are expected here: the reports below explain them per exercise.
    int failed = RUN_ALL_TESTS();
    (void)failed;
    return check ? report_check(recorder->outcomes, hints) : report_stubs(recorder->outcomes);
}
