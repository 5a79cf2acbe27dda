// tour --bin build/release/bin --out out [--chapter 01-perceptron ...] [--quick] [--trace]
//
// The tool behind `make tour`, `make run CH=..` and `make compare`: runs the programs
// each chapter lists in its tour.txt, in reading order, with the outputs of chapter C
// in <out>/C.
//
//   --quick   as `make tour` and `make compare` run them: each program's output goes to
//             <out>/C/<program>.log and only its last line (the result) is shown; a
//             program that fails is reported and the tour goes on; the exit status is
//             1 at the end when any failed.
//   (full)    as `make run` runs them: each program prints to the terminal as usual,
//             and the first that fails stops the tour.
//   --trace   also --seed 1 and --trace <out>/C/<program>.trace, so that `compare` can
//             find the first step where two runs part.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/stopwatch.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

struct Settings {
    fs::path chapters, bin, out;
    std::vector<std::string> chapter_names;  // empty: every chapter with a tour.txt
    bool quick = false, trace = false;
};

std::vector<std::string> chapters_to_run(const Settings& s) {
    if (!s.chapter_names.empty()) return s.chapter_names;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(s.chapters))
        if (fs::is_regular_file(entry.path() / "tour.txt")) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Whether the program offers --trace: only those that record one do, so its --help says.
bool offers_trace(const fs::path& binary, const fs::path& out) {
    const fs::path help = out / ".help.txt";
    tools::run_command(binary.string(), {"--help"}, help.string());
    const bool offered = tools::read_text(help.string()).find("--trace") != std::string::npos;
    fs::remove(help);
    return offered;
}

std::vector<std::string> arguments(const Settings& s, const fs::path& binary, const fs::path& out,
                                   const std::string& program) {
    std::vector<std::string> args{"--out", out.string()};
    if (s.quick) args.insert(args.end(), {"--quick", "--progress", "never"});
    if (s.trace) {
        args.insert(args.end(), {"--seed", "1"});
        if (offers_trace(binary, out)) args.insert(args.end(), {"--trace", (out / (program + ".trace")).string()});
    }
    return args;
}

// One chapter's programs; the names of those that failed ("01-perceptron/fashion").
std::vector<std::string> run_chapter(const Settings& s, const std::string& chapter) {
    const fs::path out = s.out / chapter;
    fs::create_directories(out);
    std::vector<std::string> failed;
    nn::Stopwatch watch;
    for (const std::string& program : tools::read_tour((s.chapters / chapter / "tour.txt").string())) {
        std::cout << "== " << chapter << "/" << program << std::endl;
        const fs::path binary = s.bin / chapter / program;
        const fs::path log = s.quick ? out / (program + ".log") : fs::path();
        const int status = tools::run_command(binary.string(), arguments(s, binary, out, program), log.string());
        if (s.quick) std::cout << tools::last_line(log.string()).value_or("") << "\n";
        if (tools::succeeded(status)) continue;
        failed.push_back(chapter + "/" + program);
        std::cout << "   FAILED (" << tools::status_text(status) << ")"
                  << (s.quick ? ": see " + log.string() : "") << std::endl;
        if (!s.quick) return failed;
    }
    std::cout << "   " << chapter << ": " << nn::fixed(watch.seconds() * 1000, 0) << " ms" << std::endl;
    return failed;
}

int tour(const Settings& s) {
    std::vector<std::string> failed;
    for (const std::string& chapter : chapters_to_run(s)) {
        std::vector<std::string> failed_here = run_chapter(s, chapter);
        failed.insert(failed.end(), failed_here.begin(), failed_here.end());
        if (!s.quick && !failed.empty()) break;
    }
    if (failed.empty()) return 0;
    std::cerr << "tour: failed:";
    for (const std::string& name : failed) std::cerr << " " << name;
    std::cerr << "\n";
    return 1;
}

Settings parse(int argc, char** argv) {
    namespace po = boost::program_options;
    Settings s;
    std::string chapters = "chapters", bin = "build/release/bin", out = "out";
    po::options_description options("options");
    options.add_options()
        ("chapter", po::value(&s.chapter_names)->composing()->value_name("CHAPTER"),
         "a chapter folder name (repeatable); none: every chapter")
        ("chapters", po::value(&chapters)->default_value(chapters)->value_name("DIR"),
         "the chapters folder (for each tour.txt)")
        ("bin", po::value(&bin)->default_value(bin)->value_name("DIR"), "the built programs, in <bin>/<chapter>/")
        ("out", po::value(&out)->default_value(out)->value_name("DIR"), "outputs of chapter C go to <out>/C")
        ("quick", po::bool_switch(&s.quick), "the quick runs of make tour, each program's output in its log")
        ("trace", po::bool_switch(&s.trace), "also --seed 1 and --trace <out>/C/<program>.trace");
    tools::parse_tool_options(argc, argv, "tour [--chapter CHAPTER ...] [--bin DIR] [--out DIR] [--quick] [--trace]",
                              options);
    s.chapters = chapters;
    s.bin = bin;
    s.out = out;
    for (const std::string& chapter : s.chapter_names)
        if (!fs::is_regular_file(s.chapters / chapter / "tour.txt"))
            throw nn::UsageError("--chapter: no " + (s.chapters / chapter / "tour.txt").string());
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int status = 0;
    int error = nn::run_program(argc, argv, [&] { status = tour(parse(argc, argv)); });
    return error != 0 ? error : status;
}
