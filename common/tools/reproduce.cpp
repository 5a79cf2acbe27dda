// reproduce --chapter 03-backpropagation [--chapter ...] [--chapters chapters] [--bin build/release/bin]
//           [--out out/reproduce] [--if-marked]
//
// The tool behind `make reproduce CH=..`: reads the chapter's README, finds every
// table marked <!-- reproduce: key tolerance, ... --> (common/tools/readme_table.hpp),
// runs each row's command as a learner would type it (plus --out and --progress
// never), one after another, and checks every marked value against the `result:`
// line the program prints now. Exit status 0 when all agree, 1 when a value is
// outside its band or a command fails, 2 when a table is malformed. A README with no
// marked table is an error, unless --if-marked (make run: reproduce what there is).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "common/cli.hpp"
#include "common/files.hpp"
#include "common/stopwatch.hpp"
#include "common/tools/readme_table.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

struct Settings {
    std::string chapter;
    fs::path readme, programs, scratch;  // programs: <bin>/<chapter>
    bool dry_run = false, if_marked = false;
};

// What the learner would type, with the two options the tool adds.
std::vector<std::string> full_command(const tools::TableRow& row, const fs::path& out) {
    std::vector<std::string> words{row.program};
    words.insert(words.end(), row.args.begin(), row.args.end());
    words.insert(words.end(), {"--out", out.string(), "--progress", "never"});
    return words;
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
}

// The last n lines of a program's output: where its error is.
std::vector<std::string> last_lines(const std::string& text, size_t n) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return {lines.end() - std::ptrdiff_t(std::min(n, lines.size())), lines.end()};
}

// Every program a table names must exist before anything runs: a typo found after
// an hour of training would be a waste.
void require_programs(const std::vector<tools::ReproduceTable>& tables, const Settings& s) {
    for (const auto& table : tables)
        for (const auto& row : table.rows)
            if (!fs::is_regular_file(s.programs / row.program))
                throw nn::DataError(s.readme.string() + ":" + std::to_string(row.line) + ": no program '" +
                                    row.program + "' in " + s.programs.string() +
                                    " (a typo in the command, or the chapter is not built: make reproduce builds it)");
}

// Runs one row's command, its output in its own folder; nullopt when it fails or
// prints no result line (its stderr is shown).
std::optional<tools::KeyValues> run_row(const tools::TableRow& row, const Settings& s, size_t number, size_t total) {
    fs::path out = s.scratch / ("line-" + std::to_string(row.line));
    std::vector<std::string> words = full_command(row, out);
    std::cout << "\n== [" << number << "/" << total << "] " << s.readme.string() << ":" << row.line << "  "
              << joined(words) << std::endl;
    if (s.dry_run) return std::nullopt;
    fs::remove_all(out);  // nothing of an earlier run may pass for this one's output
    nn::make_directories(out.string());

    nn::Stopwatch watch;
    const int status = tools::run_command((s.programs / row.program).string(),
                                          {words.begin() + 1, words.end()}, (out / "output.txt").string());
    const double seconds = watch.seconds();
    std::string output = tools::read_text(out / "output.txt");
    auto result = tools::parse_result_line(output);
    bool ok = tools::succeeded(status);
    if (ok && result) {
        std::printf("   %.1f s; result:", seconds);
        for (const auto& [key, value] : *result) std::printf(" %s=%s", key.c_str(), value.c_str());
        std::printf("\n");
        std::fflush(stdout);
        return result;
    }
    std::cout << "   FAILED after " << nn::fixed(seconds, 1) << " s: "
              << (ok ? "it printed no result: line" : tools::status_text(status)) << "; its last lines ("
              << (out / "output.txt").string() << "):\n";
    for (const std::string& line : last_lines(output, 5)) std::cout << "   | " << line << "\n";
    return std::nullopt;
}

int reproduce(const Settings& s) {
    std::ifstream in(s.readme);
    if (!in) throw nn::DataError("cannot read " + s.readme.string());
    std::vector<tools::ReproduceTable> tables = tools::parse_reproduce_tables(in, s.readme.string());
    if (tables.empty() && s.if_marked) return 0;
    if (tables.empty())
        throw nn::DataError(s.readme.string() + " has no table marked <!-- reproduce: key tolerance, ... --> "
                            "on the line above it: nothing to reproduce");
    require_programs(tables, s);
    size_t total = 0, number = 0, failed_commands = 0;
    for (const auto& table : tables) total += table.rows.size();
    std::cout << "reproduce: " << total << " commands from " << tables.size() << " table(s) of " << s.readme.string()
              << ", one after another; outputs in " << s.scratch.string() << "/line-N" << std::endl;

    std::vector<tools::CheckedValue> checks;
    for (const auto& table : tables) {
        for (const auto& row : table.rows) {
            auto result = run_row(row, s, ++number, total);
            if (s.dry_run) continue;
            if (!result) ++failed_commands;
            auto row_checks = tools::check_row(table, row, result);
            checks.insert(checks.end(), row_checks.begin(), row_checks.end());
        }
    }
    if (s.dry_run) return 0;

    size_t ok = 0, failed = 0;
    for (const auto& c : checks) {
        ok += c.verdict == tools::Verdict::Ok;
        failed += c.verdict == tools::Verdict::Fail;
    }
    std::cout << "\nThe README's values and this run's (ok: within the tolerance of its marker; "
                 "shown: not checked)\n\n"
              << tools::format_checks(checks) << "\n"
              << "reproduce: " << ok + failed << " values checked, " << ok << " ok, " << failed << " FAIL; "
              << failed_commands << " of " << total << " commands failed\n";
    if (failed == 0 && failed_commands == 0) {
        std::cout << "reproduce: " << s.readme.string() << " agrees with what the programs print now\n";
        return 0;
    }
    std::cout << "reproduce: " << s.readme.string() << " and the code disagree: "
              << "fix the code, or update the table with the new values and say why\n";
    return 1;
}

std::vector<Settings> parse(int argc, char** argv) {
    namespace po = boost::program_options;
    std::vector<std::string> chapter_names;
    std::string chapters = "chapters", bin = "build/release/bin", out = "out/reproduce";
    bool dry_run = false, if_marked = false;
    po::options_description options("options");
    options.add_options()
        ("chapter", po::value(&chapter_names)->composing()->value_name("CHAPTER"),
         "chapter folder name, e.g. 03-backpropagation (repeatable)")
        ("chapters", po::value(&chapters)->default_value(chapters)->value_name("DIR"),
         "the chapters folder (for README.md)")
        ("bin", po::value(&bin)->default_value(bin)->value_name("DIR"), "the built programs, in <bin>/<chapter>/")
        ("out", po::value(&out)->default_value(out)->value_name("DIR"),
         "scratch folder: each run writes to <out>/<chapter>/line-N")
        ("dry-run", po::bool_switch(&dry_run), "check the tables and print the commands; run nothing")
        ("if-marked", po::bool_switch(&if_marked), "a README without marked tables is not an error");
    tools::parse_tool_options(argc, argv, "reproduce --chapter CHAPTER [--bin DIR] [--out DIR]", options);
    if (chapter_names.empty()) throw nn::UsageError("--chapter is required, e.g. --chapter 03-backpropagation");
    std::vector<Settings> settings;
    for (const std::string& chapter : chapter_names) {
        fs::path chapter_dir = fs::path(chapters) / chapter;
        if (!fs::is_directory(chapter_dir)) throw nn::UsageError("--chapter: no folder " + chapter_dir.string());
        settings.push_back({chapter, chapter_dir / "README.md", fs::path(bin) / chapter, fs::path(out) / chapter,
                            dry_run, if_marked});
    }
    return settings;
}

}  // namespace

int main(int argc, char** argv) {
    int status = 0;
    int error = nn::run_program(argc, argv, [&] {
        for (const Settings& chapter : parse(argc, argv)) status = std::max(status, reproduce(chapter));
    });
    return error != 0 ? error : status;
}
