// mutants --chapter 01-perceptron [--chapter ...] --compile 'g++ FLAGS' --link 'g++' --libs '-lgtest ...'
//         --objects '01-perceptron=OBJECT ...' [--solutions solutions] [--exercises exercises]
//         [--scratch build/release/mutants] [--jobs N] [--timeout 60] [--list] [--match TEXT]
//
// The tool behind `make mutants [CH=01]`: measures whether a chapter's exercise tests
// can tell a wrong answer from a right one. It makes, line by line, the small mistakes
// of common/tools/mutation.hpp in each solutions/C/*.cpp ("mutants"), and for each one
// writes the mutated file into a scratch copy of exercises/C/ under --scratch, compiles
// it with --compile (the Makefile passes a learner's flags plus the sanitizers), links it
// with the chapter's test objects (--objects) in place of the solution's, and runs the
// chapter's exercise suites (Ex1_*, ExA_*). A mutant is killed when a test fails,
// crashes or runs past --timeout seconds (a mutated loop that never ends), survives when
// every test passes, and is counted apart when it does not compile. Mutants that mean
// the same as the solution are listed below with the reason, and counted as
// "equivalent" rather than built. The unmutated solution goes through the same steps
// first, and must pass.
//
// The exit status is 1 when a mutant survives, so that a test suite weakened by a change
// shows. Each survivor's mutated file and test output stay in <scratch>/C/<n>/.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/cli.hpp"
#include "common/stopwatch.hpp"
#include "common/tools/mutation.hpp"
#include "common/tools/report.hpp"

extern char** environ;

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

// ---------------------------------------------------------------- known equivalent mutants

// Mutants no test can kill, because the mutated program means the same thing as the
// solution for every input the exercise allows. Each is named by its file, its line
// before and after (blanks at either end aside) and, where the same line occurs twice,
// the line above it. An entry that no longer matches any mutant is reported, so that
// the list follows the code.
struct KnownEquivalent {
    const char* file;      // under solutions/
    const char* above;     // the line above, or "" for any
    const char* original;
    const char* mutated;
    const char* reason;
};

const KnownEquivalent kEquivalent[] = {
    {"01-perceptron/perceptron.cpp", "", "int best = 0;", "int best = 1;",
     "the loop's first pass (c == 0) sets best whatever it held, and a model has at least one class"},
    {"01-perceptron/perceptron.cpp", "", "float best_score = 0.0f;", "float best_score = 1.0f;",
     "the loop's first pass (c == 0) sets best_score whatever it held, and a model has at least one class"},
    {"02-gradient-descent/gradient_descent.cpp", "",
     "for (size_t j = 0; j < n; ++j) gi += q.A(i, j) * x[j];", "for (size_t j = 0; j < n; ++j) gi += q.A(j, i) * x[j];",
     "A is symmetric (the Quadratic's contract: only then is A x - b the gradient of f), so A(j, i) = A(i, j)"},
    {"02-gradient-descent/gradient_descent.cpp", "}", "return eta0;", "return -eta0;",
     "after the switch: every Schedule returns inside it, so this line is never reached"},
    {"03-backpropagation/network.cpp", "", "for (size_t l = L; l-- > 0;) {", "for (size_t l = L; l-- >= 0;) {",
     "the loop always leaves by its break at l == 0 before testing the condition again; only a network "
     "without layers would reach it, and backprop cannot take one (it starts at layers.back())"},
    {"03-backpropagation/network.cpp", "", "l > 0 ? &dA : nullptr);", "l >= 0 ? &dA : nullptr);",
     "at l = 0 it also computes dA for the input, which the break right after never reads: more work, "
     "the same gradients"},
    {"A-matrix-multiply/ladder.cpp", "", "for (int j0 = 0; j0 < N; j0 += kBlockN) {",
     "for (int j0 = 0; j0 <= N; j0 += kBlockN) {",
     "the one extra pass has j0 = N, so j1 = min(N + kBlockN, N) = N: an empty block"},
    {"A-matrix-multiply/ladder.cpp", "", "for (int p0 = 0; p0 < K; p0 += kBlockK) {",
     "for (int p0 = 0; p0 <= K; p0 += kBlockK) {",
     "the one extra pass has p0 = K, so p1 = min(K + kBlockK, K) = K: an empty block"},
};

std::string trimmed(const std::string& text) {
    size_t first = text.find_first_not_of(' '), last = text.find_last_not_of(' ');
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

const KnownEquivalent* known_equivalent(const std::string& file, const tools::ScannedSource& source,
                                        const tools::Mutant& m) {
    const std::string above = m.line >= 2 ? trimmed(source.lines[size_t(m.line) - 2]) : "";
    for (const KnownEquivalent& e : kEquivalent)
        if (file == e.file && trimmed(m.original) == e.original && trimmed(m.mutated) == e.mutated &&
            (*e.above == '\0' || above == e.above))
            return &e;
    return nullptr;
}

// ---------------------------------------------------------------- settings

struct Settings {
    std::vector<std::string> chapters;
    fs::path solutions, exercises, scratch;
    std::vector<std::string> compile, link, libs;
    std::map<std::string, std::vector<std::string>> objects;  // chapter -> its test binary's objects
    unsigned jobs = 1;
    double timeout = 60;
    bool list = false;
    std::string match;
};

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

// posix_spawn takes a path: "g++" is looked up in PATH as a shell would.
std::string program_path(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
    throw nn::UsageError("no program " + name + " in PATH");
}

// "01-perceptron" -> "Ex1_*", "A-matrix-multiply" -> "ExA_*": the chapter's exercise suites.
std::string exercise_filter(const std::string& chapter) {
    std::string prefix = chapter.substr(0, chapter.find('-'));
    while (prefix.size() > 1 && prefix[0] == '0') prefix.erase(0, 1);
    return "Ex" + prefix + "_*";
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw nn::DataError("cannot read " + file.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out.flush()) throw nn::DataError("cannot write " + file.string());
}

// ---------------------------------------------------------------- running one mutant

enum class Outcome { Pending, Equivalent, NotCompiled, Killed, TimedOut, Survived };

struct Job {
    std::string chapter;
    std::string file;      // "01-perceptron/perceptron.cpp", under solutions/
    std::string exercise;  // "1.3", "1.4/1.5", "" when unknown
    tools::Mutant mutant;
    std::string text;      // the mutated file
    const KnownEquivalent* equivalent = nullptr;
    Outcome outcome = Outcome::Pending;
    std::string detail;    // how it was killed, or where its output is
};

// Like tools::run_command, with a time limit: a program still running after `seconds`
// is killed. Returns its wait() status; *timed_out says why. (It stays in our process
// group, so that Ctrl-C stops it with us.)
int run_with_limit(const std::string& program, const std::vector<std::string>& args, const std::string& log,
                   double seconds, bool* timed_out) {
    *timed_out = false;
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, program.c_str(), &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (failed) return -1;
    nn::Stopwatch watch;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done == -1 && errno != EINTR) return -1;
        if (watch.seconds() > seconds) {
            *timed_out = true;
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {}
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// The objects of the chapter's test binary with the solution's object of `file` replaced.
std::vector<std::string> objects_with(const Settings& s, const std::string& chapter, const std::string& file,
                                      const std::string& replacement) {
    const std::string solution_object = "obj/solutions/" + fs::path(file).replace_extension(".o").string();
    std::vector<std::string> objects;
    bool replaced = false;
    for (const std::string& object : s.objects.at(chapter)) {
        bool match = object.ends_with(solution_object);
        objects.push_back(match ? replacement : object);
        replaced = replaced || match;
    }
    if (!replaced)
        throw nn::UsageError("--objects for " + chapter + " has no " + solution_object + " to replace");
    return objects;
}

// Compiles `text` as exercises/<file> in `dir`, links the chapter's tests with it and runs
// the exercise suites. Outcome and detail are set in job.
void build_and_test(const Settings& s, const fs::path& dir, Job& job) {
    const fs::path source = dir / "exercises" / job.file;
    fs::create_directories(source.parent_path());
    write_text(source, job.text);
    const std::string object = (dir / "mutant.o").string(), binary = (dir / "tests").string();

    std::vector<std::string> compile(s.compile.begin() + 1, s.compile.end());
    compile.insert(compile.end(), {"-c", source.string(), "-o", object});
    if (!tools::succeeded(tools::run_command(s.compile[0], compile, (dir / "compile.log").string()))) {
        job.outcome = Outcome::NotCompiled;
        job.detail = (dir / "compile.log").string();
        return;
    }
    std::vector<std::string> link(s.link.begin() + 1, s.link.end());
    for (const std::string& o : objects_with(s, job.chapter, job.file, object)) link.push_back(o);
    link.insert(link.end(), s.libs.begin(), s.libs.end());
    link.insert(link.end(), {"-o", binary});
    if (!tools::succeeded(tools::run_command(s.link[0], link, (dir / "link.log").string()))) {
        job.outcome = Outcome::NotCompiled;
        job.detail = "link failed: " + (dir / "link.log").string();
        return;
    }
    bool timed_out = false;
    const int status = run_with_limit(binary, {"--gtest_filter=" + exercise_filter(job.chapter), "--gtest_brief=1"},
                                      (dir / "tests.log").string(), s.timeout, &timed_out);
    if (timed_out) {
        job.outcome = Outcome::TimedOut;
        job.detail = "still running after " + nn::fixed(s.timeout, 0) + " s";
    } else if (tools::succeeded(status)) {
        job.outcome = Outcome::Survived;
        job.detail = (dir / "tests.log").string();
    } else {
        job.outcome = Outcome::Killed;
        job.detail = tools::status_text(status);
    }
}

// ---------------------------------------------------------------- a chapter

std::vector<Job> chapter_jobs(const Settings& s, const std::string& chapter) {
    std::vector<fs::path> files;
    if (fs::is_directory(s.solutions / chapter))
        for (const auto& entry : fs::directory_iterator(s.solutions / chapter))
            if (entry.path().extension() == ".cpp") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw nn::UsageError("--chapter " + chapter + ": no " + (s.solutions / chapter / "*.cpp").string());

    std::vector<Job> jobs;
    for (const fs::path& path : files) {
        const std::string file = chapter + "/" + path.filename().string();
        tools::ScannedSource solution = tools::scan_source(read_text(path));
        std::map<std::string, std::string> ids;
        if (fs::is_regular_file(s.exercises / file)) ids = tools::exercise_ids(tools::scan_source(read_text(s.exercises / file)));
        for (const tools::Mutant& m : tools::generate_mutants(solution)) {
            if (!s.match.empty() && (file + ":" + std::to_string(m.line) + ": " + m.mutated).find(s.match) == std::string::npos)
                continue;
            Job job;
            job.chapter = chapter;
            job.file = file;
            job.exercise = tools::exercise_of(m.function, solution, ids);
            job.mutant = m;
            job.text = tools::apply_mutant(solution, m);
            job.equivalent = known_equivalent(file, solution, m);
            if (job.equivalent) job.outcome = Outcome::Equivalent;
            jobs.push_back(job);
        }
    }
    return jobs;
}

std::string where(const Job& job) {
    return "solutions/" + job.file + ":" + std::to_string(job.mutant.line) + " (" +
           (job.exercise.empty() ? "" : job.exercise + " ") + job.mutant.function + ", " + job.mutant.kind + ")";
}

// The unmutated solutions through the same steps: they must pass, or the setup is wrong.
void check_baseline(const Settings& s, const std::string& chapter, const std::vector<Job>& jobs) {
    std::vector<std::string> checked;
    for (const Job& mutant : jobs) {
        if (std::find(checked.begin(), checked.end(), mutant.file) != checked.end()) continue;
        checked.push_back(mutant.file);
        Job job = mutant;
        job.text = read_text(s.solutions / job.file);
        const fs::path dir = s.scratch / chapter / "solution";
        build_and_test(s, dir, job);
        if (job.outcome != Outcome::Survived)
            throw nn::DataError("the unmutated solutions/" + job.file + " does not pass " + exercise_filter(chapter) +
                                " this way (" + job.detail + "): the build commands are wrong, or --timeout is too short");
        const std::string log = read_text(dir / "tests.log");
        if (log.find("[  PASSED  ] ") == std::string::npos || log.find("[  PASSED  ] 0 tests") != std::string::npos)
            throw nn::DataError("no test matches " + exercise_filter(chapter) + " in " + (dir / "tests.log").string());
        fs::remove_all(dir);
    }
}

void run_jobs(const Settings& s, std::vector<Job>& jobs) {
    std::atomic<size_t> next{0}, finished{0};
    std::mutex print;
    std::exception_ptr error;  // the first a worker met, thrown again once all have stopped
    const size_t to_build = std::count_if(jobs.begin(), jobs.end(), [](const Job& j) { return !j.equivalent; });
    auto run_one = [&](size_t i) {
        Job& job = jobs[i];
        const fs::path dir = s.scratch / job.chapter / std::to_string(i + 1);
        fs::remove_all(dir);
        build_and_test(s, dir, job);
        if (job.outcome == Outcome::Survived) {
            fs::remove(dir / "tests");
            fs::remove(dir / "mutant.o");
        } else {
            fs::remove_all(dir);
        }
        const size_t done = ++finished;
        std::lock_guard<std::mutex> lock(print);
        if (job.outcome == Outcome::Survived)
            std::cout << "   SURVIVED " << where(job) << ": " << trimmed(job.mutant.mutated) << std::endl;
        if (done % 25 == 0 || done == to_build) std::cout << "   " << done << "/" << to_build << " built and tested" << std::endl;
    };
    auto worker = [&] {
        for (size_t i; (i = next++) < jobs.size();) {
            if (jobs[i].equivalent) continue;
            try {
                run_one(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(print);
                if (!error) error = std::current_exception();
                next = jobs.size();  // the others stop after their current mutant
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < std::max(1u, s.jobs); ++t) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

// ---------------------------------------------------------------- the report

struct Score {
    std::string chapter;
    size_t generated = 0, compiled = 0, killed = 0, timed_out = 0, equivalent = 0, survived = 0, not_compiled = 0;
    double seconds = 0;
};

Score score(const std::string& chapter, const std::vector<Job>& jobs, double seconds) {
    Score sc;
    sc.chapter = chapter;
    sc.seconds = seconds;
    for (const Job& job : jobs) {
        ++sc.generated;
        sc.equivalent += job.outcome == Outcome::Equivalent;
        sc.not_compiled += job.outcome == Outcome::NotCompiled;
        sc.killed += job.outcome == Outcome::Killed || job.outcome == Outcome::TimedOut;
        sc.timed_out += job.outcome == Outcome::TimedOut;
        sc.survived += job.outcome == Outcome::Survived;
    }
    sc.compiled = sc.killed + sc.survived;
    return sc;
}

void print_scores(const std::vector<Score>& scores) {
    std::printf("\n%-28s %9s %9s %7s %11s %9s %16s %9s\n", "chapter", "generated", "compiled", "killed", "equivalent",
                "survived", "did not compile", "seconds");
    Score total;
    total.chapter = "all";
    for (const Score& sc : scores) {
        std::printf("%-28s %9zu %9zu %7zu %11zu %9zu %16zu %9.0f\n", sc.chapter.c_str(), sc.generated, sc.compiled,
                    sc.killed, sc.equivalent, sc.survived, sc.not_compiled, sc.seconds);
        total.generated += sc.generated, total.compiled += sc.compiled, total.killed += sc.killed;
        total.equivalent += sc.equivalent, total.survived += sc.survived, total.not_compiled += sc.not_compiled;
        total.timed_out += sc.timed_out, total.seconds += sc.seconds;
    }
    if (scores.size() > 1)
        std::printf("%-28s %9zu %9zu %7zu %11zu %9zu %16zu %9.0f\n", "all", total.generated, total.compiled,
                    total.killed, total.equivalent, total.survived, total.not_compiled, total.seconds);
    std::printf("(killed: a test failed or crashed, or ran past the time limit: %zu of them)\n", total.timed_out);
}

void list_jobs(const std::vector<Job>& jobs) {
    for (const Job& job : jobs)
        std::cout << "   " << where(job) << (job.equivalent ? " [equivalent]" : "") << ": "
                  << trimmed(job.mutant.mutated) << "\n";
}

int mutants(const Settings& s) {
    std::vector<Score> scores;
    std::vector<Job> survivors, equivalents, not_compiled;
    std::vector<const KnownEquivalent*> used;
    for (const std::string& chapter : s.chapters) {
        std::vector<Job> jobs = chapter_jobs(s, chapter);
        for (const Job& job : jobs)
            if (job.equivalent) used.push_back(job.equivalent);
        size_t equivalent = std::count_if(jobs.begin(), jobs.end(), [](const Job& j) { return j.equivalent; });
        std::cout << "== " << chapter << ": " << jobs.size() << " mutants of solutions/" << chapter << "/ ("
                  << equivalent << " known equivalent), tests " << exercise_filter(chapter) << ", "
                  << s.jobs << " at a time" << std::endl;
        if (s.list) {
            list_jobs(jobs);
            continue;
        }
        nn::Stopwatch watch;
        fs::remove_all(s.scratch / chapter);
        check_baseline(s, chapter, jobs);
        run_jobs(s, jobs);
        scores.push_back(score(chapter, jobs, watch.seconds()));
        for (const Job& job : jobs) {
            if (job.outcome == Outcome::Survived) survivors.push_back(job);
            if (job.equivalent) equivalents.push_back(job);
            if (job.outcome == Outcome::NotCompiled) not_compiled.push_back(job);
        }
    }
    if (s.list) return 0;
    print_scores(scores);
    if (!equivalents.empty()) std::cout << "\nequivalent, not built (the reasons are in kEquivalent, common/tools/mutants.cpp):\n";
    for (const Job& job : equivalents)
        std::cout << "  " << where(job) << ": " << trimmed(job.mutant.mutated) << "\n      " << job.equivalent->reason
                  << "\n";
    if (!not_compiled.empty()) std::cout << "\ndid not compile (not counted as killed):\n";
    for (const Job& job : not_compiled) std::cout << "  " << where(job) << ": " << trimmed(job.mutant.mutated) << "\n";
    if (s.match.empty()) {
        for (const KnownEquivalent& e : kEquivalent) {
            bool in_run = std::any_of(s.chapters.begin(), s.chapters.end(), [&](const std::string& c) {
                return std::string(e.file).starts_with(c + "/");
            });
            if (in_run && std::find(used.begin(), used.end(), &e) == used.end())
                std::cout << "note: the known-equivalent entry for solutions/" << e.file << " \"" << e.mutated
                          << "\" matches no mutant now: update the list in common/tools/mutants.cpp\n";
        }
    }
    if (survivors.empty()) {
        std::cout << "mutants: every mutant that compiled was killed by the exercise tests\n";
        return 0;
    }
    std::cout << "\n" << survivors.size() << " mutant(s) survived: the exercise tests pass on these wrong answers\n";
    for (const Job& job : survivors)
        std::cout << "  " << where(job) << "\n      was: " << trimmed(job.mutant.original)
                  << "\n      now: " << trimmed(job.mutant.mutated) << "\n";
    std::cout << "Add a test that fails on each, or, when the mutant means the same as the solution, list it "
                 "with the reason in kEquivalent (common/tools/mutants.cpp). The mutated files are in "
              << s.scratch.string() << "/<chapter>/<n>/\n";
    return 1;
}

Settings parse(int argc, char** argv) {
    namespace po = boost::program_options;
    Settings s;
    std::string solutions = "solutions", exercises = "exercises", scratch = "build/release/mutants";
    std::string compile, link, libs;
    std::vector<std::string> objects;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    po::options_description options("options");
    options.add_options()
        ("chapter", po::value(&s.chapters)->composing()->value_name("CHAPTER"), "a chapter with exercises (repeatable); none: every chapter given --objects")
        ("solutions", po::value(&solutions)->default_value(solutions)->value_name("DIR"), "the solutions folder, mutated")
        ("exercises", po::value(&exercises)->default_value(exercises)->value_name("DIR"), "the exercises folder, read for the exercise ids")
        ("scratch", po::value(&scratch)->default_value(scratch)->value_name("DIR"), "each mutant is built in <scratch>/<chapter>/<n>")
        ("compile", po::value(&compile)->value_name("CMD"), "the compiler and flags of a learner's object, e.g. 'g++ -I. -std=c++20 -O3'")
        ("link", po::value(&link)->value_name("CMD"), "the linker command and its flags, e.g. 'g++'")
        ("libs", po::value(&libs)->default_value("")->value_name("LIBS"), "the libraries, after the objects: '-lgtest -pthread'")
        ("objects", po::value(&objects)->composing()->value_name("CHAPTER=OBJECTS"), "CHAPTER=OBJECTS: the objects of the chapter's test binary (repeatable)")
        ("jobs", po::value(&s.jobs)->default_value(jobs)->value_name("N"), "mutants built and tested at a time (default: every core)")
        ("timeout", po::value(&s.timeout)->default_value(s.timeout)->value_name("SECONDS"), "seconds the tests may run before the mutant counts as killed")
        ("list", po::bool_switch(&s.list), "print the mutants; build nothing")
        ("match", po::value(&s.match)->value_name("TEXT"), "only the mutants whose \"file:line: mutated line\" contains TEXT");
    tools::parse_tool_options(argc, argv,
                              "mutants --chapter NN-name --compile CMD --link CMD --libs LIBS --objects NN-name=OBJECTS",
                              options);
    s.solutions = solutions;
    s.exercises = exercises;
    s.scratch = scratch;
    for (const std::string& entry : objects) {
        size_t eq = entry.find('=');
        if (eq == std::string::npos) throw nn::UsageError("--objects wants CHAPTER=OBJECTS (got " + entry + ")");
        s.objects[entry.substr(0, eq)] = words(entry.substr(eq + 1));
    }
    if (s.chapters.empty())
        for (const auto& [chapter, list] : s.objects) s.chapters.push_back(chapter);
    if (s.chapters.empty()) throw nn::UsageError("say which chapter: --chapter 01-perceptron (make mutants CH=01)");
    if (!(s.timeout > 0)) throw nn::UsageError("--timeout must be positive");
    if (s.list) return s;
    s.compile = words(compile);
    s.link = words(link);
    s.libs = words(libs);
    if (s.compile.empty() || s.link.empty()) throw nn::UsageError("--compile and --link are required (make mutants passes them)");
    s.compile[0] = program_path(s.compile[0]);
    s.link[0] = program_path(s.link[0]);
    for (const std::string& chapter : s.chapters)
        if (!s.objects.count(chapter)) throw nn::UsageError("no --objects for chapter " + chapter);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int status = 0;
    int error = nn::run_program(argc, argv, [&] { status = mutants(parse(argc, argv)); });
    return error != 0 ? error : status;
}
