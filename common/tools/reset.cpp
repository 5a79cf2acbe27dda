// reset --exercise 1.2 [--exercises exercises] [--yes]
//
// The tool behind `make reset EX=1.2`: puts back the stub of every function of
// exercise 1.2 in the learner's file, as the repository first had it, and keeps the
// rest of the file as it is. It asks first, and saves the file as it was beside it
// (perceptron.cpp.before-reset-1.2). The stubs come from git: the newest version of
// the file in the history that still has them.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/tools/exercise_source.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

// What `git args...` prints, or nullopt when it fails.
std::optional<std::string> git(const std::vector<std::string>& args) {
    char name[] = "/tmp/nn-reset-XXXXXX";
    const int fd = mkstemp(name);
    if (fd == -1) return std::nullopt;
    close(fd);
    std::vector<std::string> all{"git"};
    all.insert(all.end(), args.begin(), args.end());
    const int status = tools::run_command("/usr/bin/env", all, name);
    std::string output = tools::read_text(name);
    fs::remove(name);
    if (!tools::succeeded(status)) return std::nullopt;
    return output;
}

// The file as the newest commit that still has exercise id's stub holds it.
std::optional<std::string> original_with_stub(const fs::path& file, const std::string& id) {
    const std::optional<std::string> revisions = git({"log", "--format=%H", "--", file.string()});
    if (!revisions) return std::nullopt;
    std::istringstream lines(*revisions);
    for (std::string revision; std::getline(lines, revision);) {
        std::optional<std::string> text = git({"show", revision + ":" + file.string()});
        if (text && !tools::stubs_of(*text, id).empty()) return text;
    }
    return std::nullopt;
}

bool confirmed(const std::string& question) {
    std::cout << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    return answer == "y" || answer == "Y" || answer == "yes";
}

void write_file(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.string() + ".writing";
    {
        std::ofstream out(temporary);
        out << text;
        if (!out.flush()) throw nn::DataError("cannot write " + temporary.string());
    }
    fs::rename(temporary, path);
}

void reset(const fs::path& exercises, const std::string& id, bool yes) {
    const fs::path folder = tools::exercise_folder(exercises, id);
    struct Change {
        fs::path file;
        std::string text;
        std::vector<std::string> functions;
    };
    std::vector<Change> changes;
    bool any_stub = false;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() != ".cpp") continue;
        const std::string current = tools::read_text(entry.path());
        std::optional<std::string> original = original_with_stub(entry.path(), id);
        if (!original) continue;
        any_stub = true;
        Change change{entry.path(), "", {}};
        change.text = tools::restore_stubs(current, *original, id, &change.functions);
        if (change.text != current) changes.push_back(change);
    }
    if (!any_stub)
        throw nn::DataError("no version of " + folder.string() + "/*.cpp in git's history has the stub of " + id +
                            " (is this a git clone?)");
    if (changes.empty()) {
        std::cout << "reset: exercise " << id << " is the stub already; nothing to do\n";
        return;
    }
    for (const Change& c : changes) {
        std::string names;
        for (const std::string& f : c.functions) names += (names.empty() ? "" : ", ") + f;
        const fs::path backup = c.file.string() + ".before-reset-" + id;
        if (!yes && !confirmed("Put the stub of " + id + " back in " + c.file.string() + " (your " + names +
                               " goes; the file as it is now is kept as " + backup.filename().string() + ")?")) {
            std::cout << "reset: nothing changed\n";
            return;
        }
        write_file(backup, tools::read_text(c.file));
        write_file(c.file, c.text);
        std::cout << "reset: " << names << " in " << c.file.string() << " is the stub again; your version is in "
                  << backup.string() << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        namespace po = boost::program_options;
        std::string id, exercises = "exercises";
        bool yes = false;
        po::options_description options("options");
        options.add_options()
            ("exercise", po::value(&id)->value_name("ID"), "the exercise, e.g. 1.2 or A.3")
            ("exercises", po::value(&exercises)->default_value(exercises)->value_name("DIR"), "the exercises folder")
            ("yes", po::bool_switch(&yes), "do not ask");
        tools::parse_tool_options(argc, argv, "reset --exercise ID", options);
        if (id.empty()) throw nn::UsageError("say which exercise, e.g. make reset EX=1.2");
        reset(exercises, id, yes);
    });
}
