// watch --chapter 01-perceptron [--exercises exercises] [--log FILE]
//
// The tool behind `make watch CH=01`: checks the exercise being worked on (the first
// one not done) each time a file of exercises/C/ is saved, and shows only that one;
// once it is done it says so and moves on to the next. Each check is
// `make check CH=C FOCUS=1`, so it rebuilds what changed and shows the first compile
// error as `make check` does. Ctrl-C stops it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "common/cli.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

// Every file of the folder with when it last changed: a save changes one of them.
std::map<std::string, fs::file_time_type> snapshot(const fs::path& folder) {
    std::map<std::string, fs::file_time_type> times;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error))
        if (entry.is_regular_file(error)) times[entry.path().string()] = entry.last_write_time(error);
    return times;
}

// Runs one check and prints what it said; returns the exercise it focused on.
std::string check_once(const std::string& chapter, const std::string& after, const fs::path& log) {
    std::vector<std::string> args{"--no-print-directory", "-s", "check", "CH=" + chapter, "FOCUS=1"};
    if (!after.empty()) args.push_back("AFTER=" + after);
    const int status = tools::run_command("/usr/bin/env", [&] {
        std::vector<std::string> all{"make"};
        all.insert(all.end(), args.begin(), args.end());
        return all;
    }(), log.string());
    if (isatty(STDOUT_FILENO)) std::cout << "\033[2J\033[H";  // a clean screen for each check
    std::cout << "make watch: exercises/" << chapter << "/ is checked each time you save a file there"
              << " (Ctrl-C to stop)\n\n";
    std::ifstream in(log);
    std::string focus;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("check-focus ", 0) == 0) focus = line.substr(12);
        else if (line.rfind("check-", 0) != 0) std::cout << line << "\n";
    }
    if (!tools::succeeded(status)) std::cout << "\n(the check stopped: " << tools::status_text(status) << ")\n";
    std::cout << std::flush;
    return focus;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        namespace po = boost::program_options;
        std::string chapter, exercises = "exercises", log = "watch.log";
        po::options_description options("options");
        options.add_options()
            ("chapter", po::value(&chapter)->value_name("NAME"), "the chapter's folder name, e.g. 01-perceptron")
            ("exercises", po::value(&exercises)->default_value(exercises)->value_name("DIR"), "the exercises folder")
            ("log", po::value(&log)->default_value(log)->value_name("FILE"), "where each check's output goes");
        tools::parse_tool_options(argc, argv, "watch --chapter CHAPTER", options);
        const fs::path folder = fs::path(exercises) / chapter;
        if (chapter.empty() || !fs::is_directory(folder))
            throw nn::UsageError("say which chapter with exercises, e.g. make watch CH=01");
        std::string focus = check_once(chapter, "", log);
        auto seen = snapshot(folder);
        for (;;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            auto now = snapshot(folder);
            if (now == seen) continue;
            // An editor may write a file in several steps: let it finish.
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            seen = snapshot(folder);
            focus = check_once(chapter, focus, log);
        }
    });
}
