// hint --exercise 1.2 [--exercises exercises] [--seen DIR] [--all]
//
// The tool behind `make hint EX=1.2`: the section "## 1.2 ..." of the chapter's
// exercises/NN-name/HINTS.md, one step at a time. The first call prints the section's
// opening (what the function computes), each next call one more of its "- " points,
// the mistakes people make; --all prints everything. How far a learner got is kept
// in DIR/1.2. An exercise that is not there is a usage error that lists the ones that are.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/tools/exercise_source.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

// The id of a "## 1.2 Title" heading, "" for any other line (sections are exercises).
std::string heading_id(const std::string& line) {
    if (!line.starts_with("## ")) return "";
    const std::string rest = line.substr(3);
    return rest.substr(0, rest.find(' '));
}

// The section of exercise id cut into steps: the heading and opening, then one step
// per "- " point (with its continuation lines).
std::vector<std::vector<std::string>> hint_steps(const fs::path& file, const std::string& id) {
    std::ifstream in(file);
    if (!in) throw nn::DataError("cannot read " + file.string());
    std::vector<std::string> ids;
    std::vector<std::vector<std::string>> steps;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        const std::string heading = heading_id(line);
        if (!heading.empty()) {
            ids.push_back(heading);
            inside = heading == id;
            if (inside) steps.push_back({});
        }
        if (!inside) continue;
        if (line.starts_with("- ")) steps.push_back({});
        steps.back().push_back(line);
    }
    if (steps.empty()) {
        std::string listed;
        for (const std::string& known : ids) listed += " " + known;
        throw nn::UsageError("no exercise " + id + " in " + file.string() + "; there are:" + listed);
    }
    for (auto& step : steps)
        while (!step.empty() && step.back().empty()) step.pop_back();
    return steps;
}

// How many steps of id were shown before, kept in seen/<id>.
size_t steps_seen(const fs::path& seen, const std::string& id) {
    std::ifstream in(seen / id);
    size_t n = 0;
    return in >> n ? n : 0;
}

void remember(const fs::path& seen, const std::string& id, size_t n) {
    std::error_code error;
    fs::create_directories(seen, error);
    std::ofstream(seen / id) << n << "\n";
}

void print_hint(const fs::path& file, const std::string& id, const fs::path& seen, bool all) {
    const std::vector<std::vector<std::string>> steps = hint_steps(file, id);
    const size_t before = seen.empty() || all ? 0 : steps_seen(seen, id);
    // Once every step has been shown, each call shows them all again.
    const size_t shown = all || before >= steps.size() ? steps.size() : before + 1;
    for (size_t s = 0; s < shown; ++s) {
        if (s > 0) std::cout << "\n";
        if (s > 0 && !all && steps.size() > 1) std::cout << "(hint " << s << " of " << steps.size() - 1 << ")\n";
        for (const std::string& line : steps[s]) std::cout << line << "\n";
    }
    if (!seen.empty()) remember(seen, id, std::max(before, shown));
    const size_t left = steps.size() - shown;
    if (left > 0)
        std::cout << "\n(" << left << " more hint" << (left == 1 ? "" : "s") << ": `make hint EX=" << id
                  << "` again shows the next; ALL=1 shows them all)\n";
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        namespace po = boost::program_options;
        std::string id, exercises = "exercises", seen;
        bool all = false;
        po::options_description options("options");
        options.add_options()
            ("exercise", po::value(&id)->value_name("ID"), "the exercise, e.g. 1.2 or A.3")
            ("exercises", po::value(&exercises)->default_value(exercises)->value_name("DIR"), "the exercises folder")
            ("seen", po::value(&seen)->value_name("DIR"), "where to remember how many hints were shown")
            ("all", po::bool_switch(&all), "every hint of the exercise at once");
        tools::parse_tool_options(argc, argv, "hint --exercise ID", options);
        if (id.empty()) throw nn::UsageError("say which exercise, e.g. make hint EX=1.2");
        const fs::path hints = tools::exercise_folder(exercises, id) / "HINTS.md";
        if (!fs::is_regular_file(hints)) throw nn::UsageError("no hints for chapter " + tools::chapter_prefix(id) + " (" + hints.string() + ")");
        print_hint(hints, id, seen, all);
    });
}
