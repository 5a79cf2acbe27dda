#include "common/tools/check.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "common/errors.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;

namespace nn::tools::check {

// ---------------------------------------------------------------- one test's outcome

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

std::string title_from_suite(const std::string& suite) {
    std::string camel = suite.substr(suite.find('_', suite.find('_') + 1) + 1), title;
    for (char c : camel) {
        if (std::isupper(static_cast<unsigned char>(c)) && !title.empty()) title += ' ';
        title += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return title;
}

std::string fold(const std::string& text, size_t limit) {
    std::string out = fold_spaces(text);
    if (out.size() > limit) out = out.substr(0, limit - 3) + "...";
    return out;
}

std::string not_implemented_id(const std::string& message) {
    size_t marker = message.find(std::string(" ") + nn::kNotImplementedMarker);
    if (marker == std::string::npos) return "";
    size_t word = message.rfind("exercise ", marker);
    if (word == std::string::npos) return "";
    size_t start = word + std::strlen("exercise ");
    return message.substr(start, marker - start);
}

std::string start_line(const std::string& suite, const std::string& name) {
    return "start\t" + suite + "\t" + name;
}

std::string outcome_line(const TestOutcome& t) {
    // fold() has turned tabs and newlines into spaces, so the fields cannot run together.
    return "test\t" + t.suite + "\t" + t.name + "\t" + (t.passed ? "pass" : "fail") + "\t" +
           t.not_implemented_id + "\t" + fold(t.first_failure, 400);
}

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
    if (!line.empty() && line.back() == '\t') fields.emplace_back();
    return fields;
}

std::string signal_name(int signal) {
    switch (signal) {
        case SIGSEGV: return "a segmentation fault (signal 11: memory it may not touch)";
        case SIGABRT: return "an abort (signal 6)";
        case SIGFPE: return "an arithmetic error (signal 8: an integer division by zero?)";
        case SIGBUS: return "a bus error (signal 7)";
        case SIGILL: return "an illegal instruction (signal 4)";
        case SIGKILL: return "killed (signal 9)";
        default: return "signal " + std::to_string(signal);
    }
}

// "    #3 0x55d1 in perceptron::train_epoch(Perceptron&, ...) /src/exercises/01-p/p.cpp:33:17"
// -> {"perceptron::train_epoch", "exercises/01-p/p.cpp:33"} when the file is a learner's.
struct Frame {
    std::string function, where;
};
std::optional<Frame> learner_frame(const std::string& line) {
    size_t hash = line.find_first_not_of(' ');
    if (hash == std::string::npos || line[hash] != '#') return std::nullopt;
    size_t in = line.find(" in ");
    if (in == std::string::npos) return std::nullopt;
    size_t path = std::string::npos;
    for (const char* folder : {"exercises/", "checker/"}) path = std::min(path, line.find(folder, in));
    if (path == std::string::npos) return std::nullopt;
    if (line.rfind("tests/", path) == path - 6) path -= 6;  // tests/checker/...
    std::string where = line.substr(path);
    // file:line:column -> file:line
    size_t first_colon = where.find(':');
    if (first_colon != std::string::npos) {
        size_t second = where.find(':', first_colon + 1);
        if (second != std::string::npos) where = where.substr(0, second);
    }
    std::string function = line.substr(in + 4, line.rfind(' ', path) - (in + 4));
    function = function.substr(0, function.find('('));
    size_t scope = function.rfind("::");
    if (scope != std::string::npos) function = function.substr(scope + 2);
    return Frame{function, where};
}

// What a sanitizer's "ERROR: AddressSanitizer: <kind> on address" means to a learner.
std::string explain_asan(const std::string& kind) {
    if (kind.find("buffer-overflow") != std::string::npos)
        return kind + " (a read or write past the end, or before the start, of an array: an index out of range?)";
    if (kind == "SEGV") return "a segmentation fault (memory it may not touch: an index far out of range?)";
    if (kind == "stack-overflow") return "a stack overflow (a function that calls itself without end?)";
    if (kind.find("use-after") != std::string::npos) return kind + " (memory used after it was freed)";
    return kind;
}

}  // namespace

std::string describe_crash(const std::string& log, int wait_status) {
    std::string what, learner_where, other_where;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        size_t asan = line.find("ERROR: AddressSanitizer: ");
        if (asan != std::string::npos && what.empty()) {
            std::string kind = line.substr(asan + std::strlen("ERROR: AddressSanitizer: "));
            what = explain_asan(kind.substr(0, kind.find(' ')));
            continue;
        }
        size_t ub = line.find(": runtime error: ");
        if (ub != std::string::npos && what.empty()) {
            what = "undefined behaviour: " + line.substr(ub + std::strlen(": runtime error: "));
            std::optional<Frame> frame = learner_frame("#0 0x0 in ? " + line.substr(0, ub));
            if (frame) learner_where = frame->where;
            continue;
        }
        size_t assertion = line.find("Assertion `");
        if (assertion != std::string::npos && what.empty()) {
            // "tests/all: common/tensor.hpp:56: float& nn::Tensor::at(size_t): Assertion `i < n' failed."
            size_t file_start = line.find(": ") == std::string::npos ? 0 : line.find(": ") + 2;
            size_t line_end = line.find(':', line.find(':', file_start) + 1);
            std::string at = line.substr(file_start, line_end - file_start);
            if (at.rfind("./", 0) == 0) at = at.substr(2);
            size_t condition = assertion + std::strlen("Assertion `");
            what = "an assertion failed in " + at + " (" +
                   line.substr(condition, line.rfind("' failed") - condition) + ")";
            continue;
        }
        if (learner_where.empty()) {
            if (std::optional<Frame> frame = learner_frame(line))
                learner_where = frame->function + ", " + frame->where;
        }
    }
    if (what.empty()) {
        if (WIFSIGNALED(wait_status)) what = signal_name(WTERMSIG(wait_status));
        else what = "it stopped with " + status_text(wait_status) + " before the tests ended";
    }
    if (!learner_where.empty()) what += ", in " + learner_where;
    return what;
}

ExerciseRun read_run(const std::string& outcomes_text, int wait_status, bool timed_out,
                     const std::string& log) {
    ExerciseRun run;
    bool ended = false;
    std::istringstream in(outcomes_text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> f = split_tabs(line);
        if (f.empty()) continue;
        if (f[0] == "start" && f.size() >= 3) run.running = f[1] + "." + f[2];
        if (f[0] == "test" && f.size() >= 6) {
            TestOutcome t{f[1], f[2], f[3] == "pass", f[5], f[4]};
            run.tests.push_back(t);
            run.running.clear();
        }
        if (f[0] == kEndLine) ended = true;
    }
    if (timed_out) run.ending = Ending::TimedOut;
    else if (!ended) {
        run.ending = Ending::Crashed;
        run.crash = describe_crash(log, wait_status);
    }
    return run;
}

// ---------------------------------------------------------------- HINTS.md

ExerciseInfo parse_hints(const std::string& text) {
    ExerciseInfo info;
    std::istringstream in(text);
    std::string current;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) {
            std::istringstream heading(line.substr(3));
            std::string id, title;
            heading >> id;
            std::getline(heading >> std::ws, title);
            current = id.find('.') != std::string::npos ? id : "";
            if (!current.empty()) info.titles[current] = title;
            continue;
        }
        if (current.empty() || line.rfind("Uses: ", 0) != 0) continue;
        // "Uses: 1.1 (predict), 1.2." -> 1.1, 1.2: the words that look like exercise ids.
        std::string list = line.substr(6);
        for (char& c : list)
            if (c == ',' || c == '(' || c == ')' || c == ';') c = ' ';
        std::istringstream words(list);
        for (std::string word; words >> word;) {
            while (!word.empty() && word.back() == '.') word.pop_back();
            size_t dot = word.find('.');
            if (dot == std::string::npos || dot == 0 || dot + 1 == word.size()) continue;
            if (word.find_first_not_of("0123456789", dot + 1) != std::string::npos) continue;
            if (word != current) info.uses[current].push_back(word);
        }
    }
    return info;
}

// ---------------------------------------------------------------- verdicts

const char* status_label(Status s) {
    switch (s) {
        case Status::Done: return "done";
        case Status::Wrong: return "wrong";
        case Status::NotStarted: return "not started";
        case Status::Waiting: return "waiting";
        case Status::Crashed: return "crashed";
        case Status::TimedOut: return "timed out (an endless loop?)";
    }
    return "?";
}

bool id_less(const std::string& a, const std::string& b) {
    auto key = [](const std::string& id) {
        std::string chapter = id.substr(0, id.find('.'));
        std::string number = id.find('.') == std::string::npos ? "" : id.substr(id.find('.') + 1);
        bool numeric = !number.empty() && number.find_first_not_of("0123456789") == std::string::npos;
        bool chapter_numeric = !chapter.empty() && chapter.find_first_not_of("0123456789") == std::string::npos;
        return std::make_tuple(!chapter_numeric, chapter_numeric ? std::stoi(chapter) : 0, chapter,
                               numeric ? std::stoi(number) : 0, number);
    };
    return key(a) < key(b);
}

namespace {

// Status and the lines under it, from the run alone (what it uses is looked at after).
Verdict own_verdict(const std::string& id, const ExerciseRun& run) {
    Verdict v;
    v.id = id;
    const TestOutcome* first_wrong = nullptr;
    std::string waiting_on;
    bool own_stub = false;
    for (const TestOutcome& t : run.tests) {
        if (t.passed) continue;
        if (t.not_implemented_id == id) own_stub = true;
        else if (!t.not_implemented_id.empty()) waiting_on = t.not_implemented_id;
        else if (!first_wrong) first_wrong = &t;
    }
    if (run.ending == Ending::Crashed) {
        v.status = Status::Crashed;
        v.details.push_back(run.crash);
        if (!run.running.empty()) v.details.push_back("in the test " + run.running);
    } else if (run.ending == Ending::TimedOut) {
        v.status = Status::TimedOut;
        if (!run.running.empty()) v.details.push_back("the test that did not end: " + run.running);
    } else if (own_stub) {
        v.status = Status::NotStarted;
    } else if (first_wrong) {
        v.status = Status::Wrong;
        v.details.push_back(first_wrong->suite + "." + first_wrong->name);
        v.details.push_back(first_wrong->first_failure);
    } else if (!waiting_on.empty()) {
        v.status = Status::Waiting;
        v.details.push_back("it uses exercise " + waiting_on + ", which is not done yet");
    } else if (run.tests.empty()) {
        v.status = Status::Wrong;
        v.details.push_back("no test of it ran");
    }
    return v;
}

// Every exercise `id` uses, directly or through others, in id order.
std::vector<std::string> used_by(const std::string& id, const ExerciseInfo& info) {
    std::set<std::string> seen;
    std::function<void(const std::string&)> visit = [&](const std::string& e) {
        auto it = info.uses.find(e);
        if (it == info.uses.end()) return;
        for (const std::string& used : it->second)
            if (seen.insert(used).second) visit(used);
    };
    visit(id);
    std::vector<std::string> all(seen.begin(), seen.end());
    std::sort(all.begin(), all.end(), id_less);
    return all;
}

}  // namespace

std::vector<Verdict> judge(const std::map<std::string, ExerciseRun>& runs, const ExerciseInfo& info) {
    std::vector<std::string> ids;
    for (const auto& [id, run] : runs) ids.push_back(id);
    std::sort(ids.begin(), ids.end(), id_less);
    std::map<std::string, Verdict> by_id;
    for (const std::string& id : ids) {
        Verdict v = own_verdict(id, runs.at(id));
        auto title = info.titles.find(id);
        const ExerciseRun& run = runs.at(id);
        v.title = title != info.titles.end() ? title->second
                  : !run.tests.empty()      ? title_from_suite(run.tests.front().suite)
                                            : id;
        by_id[id] = v;
    }
    for (const std::string& id : ids) {
        Verdict& v = by_id[id];
        for (const std::string& used : used_by(id, info)) {
            auto it = by_id.find(used);
            if (it != by_id.end() && it->second.status != Status::Done) v.blamed.push_back(used);
        }
        if (v.blamed.empty() || v.status == Status::Done || v.status == Status::NotStarted ||
            v.status == Status::Waiting)
            continue;
        const Verdict& culprit = by_id[v.blamed.front()];
        std::string state = culprit.status == Status::Wrong     ? "which is wrong too"
                            : culprit.status == Status::Crashed ? "which crashes"
                            : culprit.status == Status::TimedOut ? "which does not end"
                                                                 : "which is not done yet";
        v.details.insert(v.details.begin(), "but it uses " + culprit.id + ", " + state + ": fix " +
                                                culprit.id + " first (its own first failing check follows)");
    }
    std::vector<Verdict> verdicts;
    for (const std::string& id : ids) verdicts.push_back(by_id[id]);
    return verdicts;
}

const Verdict* next_exercise(const std::vector<Verdict>& verdicts) {
    for (const Verdict& v : verdicts)
        if (v.status != Status::Done && v.blamed.empty()) return &v;
    for (const Verdict& v : verdicts)
        if (v.status != Status::Done) return &v;
    return nullptr;
}

// ---------------------------------------------------------------- the command

namespace {

std::string progress_bar(size_t done, size_t total, size_t width = 24) {
    size_t filled = total ? done * width / total : 0;
    return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
           std::to_string(done) + "/" + std::to_string(total);
}

// The learner's file that holds exercise id: the one with its "TODO(id)" or its
// NotImplemented("id"), else the folder's only .cpp file, else the folder.
std::string file_of_exercise(const fs::path& folder, const std::string& id) {
    std::error_code error;
    std::vector<std::string> sources;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        if (entry.path().extension() != ".cpp") continue;
        sources.push_back(entry.path().string());
        std::string text = read_text(entry.path());
        if (text.find("TODO(" + id + ")") != std::string::npos ||
            text.find("NotImplemented(\"" + id + "\")") != std::string::npos)
            return sources.back();
    }
    return sources.size() == 1 ? sources.front() : folder.string();
}

ExerciseRun run_exercise(const Options& o, const std::string& id, const std::vector<std::string>& suites) {
    std::string filter;
    for (const std::string& suite : suites)
        if (exercise_id(suite) == id) filter += (filter.empty() ? "" : ":") + suite + ".*";
    const fs::path outcomes = fs::path(o.work) / (safe_file_part(id) + ".outcomes");
    const fs::path log = fs::path(o.work) / (safe_file_part(id) + ".log");
    fs::remove(outcomes);
    RunLimits limits;
    limits.seconds = o.timeout_seconds;
    // handle_abort: an assert's abort gets a stack too, so it names the learner's line.
    // No leak check: a leak is not what the exercises are about, and LeakSanitizer
    // cannot run where ptrace is forbidden (some containers).
    limits.environment = {"ASAN_OPTIONS=handle_abort=1:detect_leaks=0:abort_on_error=0",
                          "UBSAN_OPTIONS=print_stacktrace=1"};
    bool timed_out = false;
    int status = run_command(o.self, {"--outcomes", outcomes.string(), "--gtest_filter=" + filter},
                             log.string(), limits, &timed_out);
    return read_run(read_text(outcomes), status, timed_out, read_text(log));
}

void print_verdict(const Verdict& v, const Options& o) {
    std::string label = status_label(v.status);
    std::printf("  %-5s %-44s %s\n", v.id.c_str(), fold(v.title, 44).c_str(), label.c_str());
    for (const std::string& line : v.details) std::printf("        %s\n", line.c_str());
    if (v.status == Status::Crashed)
        std::printf("        (what it printed: %s)\n", (fs::path(o.work) / (safe_file_part(v.id) + ".log")).c_str());
    if (v.status == Status::TimedOut)
        std::printf("        no end after %g s; look for a loop whose condition never becomes false\n",
                    o.timeout_seconds);
}

void print_next(const Verdict* next, const std::vector<Verdict>& verdicts, const fs::path& folder) {
    if (next)
        std::printf("  next: %s %s\n        edit %s, then `make check CH=%s`; stuck? `make hint EX=%s`\n",
                    next->id.c_str(), next->title.c_str(), file_of_exercise(folder, next->id).c_str(),
                    chapter_prefix(next->id).c_str(), next->id.c_str());
    else if (!verdicts.empty())
        std::printf("  all done. Compare your runs with the solution's: `make compare CH=%s`\n",
                    chapter_prefix(verdicts.front().id).c_str());
}

}  // namespace

int run_check(const Options& o, const std::vector<std::string>& suites) {
    std::set<std::string> ids;
    for (const std::string& suite : suites)
        if (!exercise_id(suite).empty()) ids.insert(exercise_id(suite));
    if (ids.empty()) {
        std::fprintf(stderr, "check: no exercise tests (suites named Ex<chapter>_<n>_...) in %s\n", o.self.c_str());
        return 1;
    }
    if (!o.exercise.empty() && !ids.count(o.exercise)) {
        std::string known;
        for (const std::string& id : ids) known += " " + id;
        std::fprintf(stderr, "check: no exercise %s here; there are:%s\n", o.exercise.c_str(), known.c_str());
        return 2;
    }
    std::error_code error;
    fs::create_directories(o.work, error);
    const ExerciseInfo info = parse_hints(read_text(o.hints));
    std::map<std::string, ExerciseRun> runs;
    for (const std::string& id : ids) runs[id] = run_exercise(o, id, suites);
    const std::vector<Verdict> verdicts = judge(runs, info);
    const fs::path folder = fs::path(o.hints).parent_path();
    size_t done = std::count_if(verdicts.begin(), verdicts.end(),
                                [](const Verdict& v) { return v.status == Status::Done; });
    const Verdict* next = next_exercise(verdicts);
    if (o.brief) {
        std::printf("  %-30s %s%s%s\n", folder.filename().c_str(), progress_bar(done, verdicts.size()).c_str(),
                    next ? "   next: " : "   all done", next ? (next->id + " " + next->title).c_str() : "");
    } else if (!o.exercise.empty() || o.focus) {
        const Verdict* shown = nullptr;
        for (const Verdict& v : verdicts)
            if (v.id == (o.exercise.empty() ? (next ? next->id : "") : o.exercise)) shown = &v;
        auto before = std::find_if(verdicts.begin(), verdicts.end(), [&](const Verdict& v) { return v.id == o.after; });
        if (before != verdicts.end() && before->status == Status::Done && (!shown || shown->id != o.after))
            std::printf("  %s %s: done. On to the next one.\n\n", before->id.c_str(), before->title.c_str());
        if (shown) print_verdict(*shown, o);
        std::printf("  progress %s exercises done\n", progress_bar(done, verdicts.size()).c_str());
        if (!shown || shown->status == Status::Done) print_next(next, verdicts, folder);
    } else {
        for (const Verdict& v : verdicts) print_verdict(v, o);
        std::printf("  progress %s exercises done\n", progress_bar(done, verdicts.size()).c_str());
        print_next(next, verdicts, folder);
    }
    // The last lines are for the Makefile, which adds the chapters up, and for make watch.
    if (o.focus && next) std::printf("check-focus %s\n", next->id.c_str());
    std::printf("check-summary %zu %zu\n", done, verdicts.size());
    return 0;
}

}  // namespace nn::tools::check
