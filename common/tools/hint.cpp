// hint --exercise 1.2 [--exercises exercises]
//
// The tool behind `make hint EX=1.2`: prints the section "## 1.2 ..." of the chapter's
// exercises/NN-name/HINTS.md, up to the next "## " heading. An exercise that is not
// there is a usage error that lists the ones that are.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

// exercises/01-perceptron/HINTS.md for "1.2" (the first folder of that chapter).
fs::path hints_file(const fs::path& exercises, const std::string& id) {
    const std::string prefix = tools::chapter_prefix(id) + "-";
    std::vector<fs::path> candidates;
    if (fs::is_directory(exercises))
        for (const auto& entry : fs::directory_iterator(exercises))
            if (entry.path().filename().string().starts_with(prefix) && fs::is_regular_file(entry.path() / "HINTS.md"))
                candidates.push_back(entry.path() / "HINTS.md");
    if (candidates.empty())
        throw nn::UsageError("no chapter " + tools::chapter_prefix(id) + " with exercises (" +
                             (exercises / (prefix + "*/HINTS.md")).string() + ")");
    std::sort(candidates.begin(), candidates.end());
    return candidates.front();
}

// The id of a "## 1.2 Title" heading, "" for any other line (sections are exercises).
std::string heading_id(const std::string& line) {
    if (!line.starts_with("## ")) return "";
    const std::string rest = line.substr(3);
    return rest.substr(0, rest.find(' '));
}

void print_hint(const fs::path& file, const std::string& id) {
    std::ifstream in(file);
    if (!in) throw nn::DataError("cannot read " + file.string());
    std::vector<std::string> ids, section;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        const std::string heading = heading_id(line);
        if (!heading.empty()) {
            ids.push_back(heading);
            inside = heading == id;
        }
        if (inside) section.push_back(line);
    }
    if (section.empty()) {
        std::string listed;
        for (const std::string& known : ids) listed += " " + known;
        throw nn::UsageError("no exercise " + id + " in " + file.string() + "; there are:" + listed);
    }
    while (section.back().empty()) section.pop_back();
    for (const std::string& line : section) std::cout << line << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        namespace po = boost::program_options;
        std::string id, exercises = "exercises";
        po::options_description options("options");
        options.add_options()
            ("exercise", po::value(&id), "the exercise, e.g. 1.2 or A.3")
            ("exercises", po::value(&exercises)->default_value(exercises), "the exercises folder");
        tools::parse_tool_options(argc, argv, "hint --exercise 1.2", options);
        if (id.empty()) throw nn::UsageError("say which exercise, e.g. make hint EX=1.2");
        print_hint(hints_file(exercises, id), id);
    });
}
