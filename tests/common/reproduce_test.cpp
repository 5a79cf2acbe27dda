// The README tables `make reproduce` checks (common/tools/readme_table.hpp), and one
// run of the tool itself on a scratch README whose command is a fast chapter 1 program.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "common/tools/readme_table.hpp"
#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nn::tools::CheckedValue;
using nn::tools::KeyValues;
using nn::tools::ReproduceTable;
using nn::tools::Verdict;

std::vector<ReproduceTable> parse(const std::string& text) {
    std::istringstream in(text);
    return nn::tools::parse_reproduce_tables(in, "README.md");
}

// The message of the DataError that parsing `text` throws; "" when it throws none.
std::string parse_error(const std::string& text) {
    try {
        parse(text);
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

const std::string kTable =
    "# Chapter 3\n"                                                          // 1
    "\n"                                                                     // 2
    "<!-- reproduce: test_accuracy 0.01, test_cost 0.02 -->\n"               // 3
    "| step | command | test_accuracy | test_cost | seconds |\n"             // 4
    "|---|---|:---:|---:|---|\n"                                             // 5
    "| 1. sigmoid | `fashion_mlp --eta 3` | 0.8512 | 0.0231 | 12.3 |\n"      // 6
    "| 2. softmax | `fashion_mlp  --output softmax` | **0.8610** | 0.41 | 13 |\n";  // 7

const CheckedValue& check_of(const std::vector<CheckedValue>& checks, const std::string& key) {
    for (const auto& c : checks)
        if (c.key == key) return c;
    throw std::out_of_range("no check of " + key);
}

}  // namespace

// ---------------------------------------------------------------- parsing

TEST(ReproduceTable, ReadsTheBandsHeadersAndEveryRowsCommand) {
    auto tables = parse(kTable);
    ASSERT_EQ(tables.size(), 1u);
    const ReproduceTable& t = tables[0];
    EXPECT_EQ(t.line, 3);
    ASSERT_EQ(t.bands.size(), 2u);
    EXPECT_EQ(t.bands[0].key, "test_accuracy");
    EXPECT_DOUBLE_EQ(t.bands[0].tolerance, 0.01);
    EXPECT_EQ(t.bands[1].key, "test_cost");
    EXPECT_DOUBLE_EQ(t.bands[1].tolerance, 0.02);
    EXPECT_EQ(t.headers, (std::vector<std::string>{"step", "command", "test_accuracy", "test_cost", "seconds"}));
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[0].line, 6);
    EXPECT_EQ(t.rows[0].label, "1. sigmoid");
    EXPECT_EQ(t.rows[0].program, "fashion_mlp");
    EXPECT_EQ(t.rows[0].args, (std::vector<std::string>{"--eta", "3"}));
    EXPECT_EQ(t.rows[1].line, 7);
    EXPECT_EQ(t.rows[1].args, (std::vector<std::string>{"--output", "softmax"}));
    ASSERT_EQ(t.rows[1].cells.size(), 4u);  // every column but the command
    EXPECT_EQ(t.rows[1].cells[1], (std::pair<std::string, std::string>{"test_accuracy", "**0.8610**"}));
}

TEST(ReproduceTable, IgnoresUnmarkedTablesAndExamplesInCode) {
    std::string text = "| step | command | test_accuracy |\n|---|---|---|\n| a | `x` | 0.5 |\n\n"
                       "```\n<!-- reproduce: test_accuracy 0.01 -->\n| not | a table |\n```\n"
                       "    <!-- reproduce: indented, so an example -->\n"
                       "<!-- reproduced from the book -->\n"
                       "<!-- an ordinary comment -->\n\n" +
                       kTable;
    auto tables = parse(text);
    ASSERT_EQ(tables.size(), 1u);
    EXPECT_EQ(tables[0].rows.size(), 2u);
    EXPECT_EQ(tables[0].rows[0].program, "fashion_mlp");
    EXPECT_TRUE(parse("no tables here\n| a | b |\n|---|---|\n").empty());
}

TEST(ReproduceTable, ReadsTwoMarkedTablesEachWithItsOwnBands) {
    auto tables = parse(kTable + "\ntext\n\n<!-- reproduce: test_rmse 0.05 -->\n"
                                 "| command | test_rmse |\n|---|---|\n| `regression --hidden 8` | 0.12 |\n");
    ASSERT_EQ(tables.size(), 2u);
    EXPECT_EQ(tables[1].bands[0].key, "test_rmse");
    EXPECT_EQ(tables[1].rows[0].line, 14);
    EXPECT_EQ(tables[1].rows[0].label, "line 14");  // the first column is the command
}

TEST(ReproduceTable, TolerancesArePairsOfAKeyAndANonNegativeNumber) {
    auto bands = nn::tools::parse_bands(" test_accuracy 0.01 ,test_cost 0 , seconds 1e3");
    ASSERT_EQ(bands.size(), 3u);
    EXPECT_DOUBLE_EQ(bands[0].tolerance, 0.01);
    EXPECT_DOUBLE_EQ(bands[1].tolerance, 0.0);
    EXPECT_DOUBLE_EQ(bands[2].tolerance, 1000.0);
    EXPECT_THROW(nn::tools::parse_bands("test_accuracy"), std::invalid_argument);
    EXPECT_THROW(nn::tools::parse_bands("test_accuracy -0.1"), std::invalid_argument);
    EXPECT_THROW(nn::tools::parse_bands("test_accuracy 1%"), std::invalid_argument);
    EXPECT_THROW(nn::tools::parse_bands("test_accuracy 0.1 test_cost 0.2"), std::invalid_argument);
    EXPECT_THROW(nn::tools::parse_bands("a 1, a 2"), std::invalid_argument);
    EXPECT_THROW(nn::tools::parse_bands("  "), std::invalid_argument);
}

TEST(ReproduceTable, CommandsArePlainWordsWithoutTheOptionsTheToolAdds) {
    EXPECT_EQ(nn::tools::split_command(" fashion_mlp  --hidden 256,128 --dropout 0.2 "),
              (std::vector<std::string>{"fashion_mlp", "--hidden", "256,128", "--dropout", "0.2"}));
    for (const char* bad : {"fashion_mlp | tee log", "fashion_mlp > log", "fashion_mlp --data $HOME",
                            "fashion_mlp --name 'a b'", "./fashion_mlp", "--eta 3", "", "fashion_mlp --out x",
                            "fashion_mlp --progress=always"})
        EXPECT_THROW(nn::tools::split_command(bad), std::invalid_argument) << bad;
}

TEST(ReproduceTable, AMalformedMarkerNamesItsLine) {
    const std::string table = "| command | a |\n|---|---|\n| `p` | 1 |\n";
    EXPECT_NE(parse_error("\n<!-- reproduce: a -->\n" + table).find("README.md:2:"), std::string::npos);
    EXPECT_NE(parse_error("<!-- reproduce a 0.1 -->\n" + table).find("README.md:1:"), std::string::npos);
    EXPECT_NE(parse_error("<!-- reproduce: a 0.1\n" + table).find("README.md:1:"), std::string::npos);
    std::string apart = parse_error("<!-- reproduce: a 0.1 -->\n\n" + table);
    EXPECT_NE(apart.find("README.md:1:"), std::string::npos) << apart;
    EXPECT_NE(apart.find("right above"), std::string::npos) << apart;
}

TEST(ReproduceTable, AMalformedHeaderOrRowNamesItsLine) {
    const std::string marker = "<!-- reproduce: a 0.1 -->\n";
    std::string no_column = parse_error(marker + "| command | b |\n|---|---|\n| `p` | 1 |\n");
    EXPECT_NE(no_column.find("README.md:2:"), std::string::npos) << no_column;
    EXPECT_NE(no_column.find("no column 'a'"), std::string::npos) << no_column;
    std::string no_command = parse_error(marker + "| program | a |\n|---|---|\n| `p` | 1 |\n");
    EXPECT_NE(no_command.find("no column 'command'"), std::string::npos) << no_command;
    std::string no_separator = parse_error(marker + "| command | a |\n| `p` | 1 |\n");
    EXPECT_NE(no_separator.find("README.md:3:"), std::string::npos) << no_separator;
    std::string cells = parse_error(marker + "| command | a |\n|---|---|\n| `p` | 1 |\n| `p` | 1 | 2 |\n");
    EXPECT_NE(cells.find("README.md:5:"), std::string::npos) << cells;
    EXPECT_NE(cells.find("3 cells"), std::string::npos) << cells;
    std::string not_number = parse_error(marker + "| command | a |\n|---|---|\n| `p` | n/a |\n");
    EXPECT_NE(not_number.find("README.md:4:"), std::string::npos) << not_number;
    EXPECT_NE(not_number.find("not a number"), std::string::npos) << not_number;
    std::string no_rows = parse_error(marker + "| command | a |\n|---|---|\n\nafter\n");
    EXPECT_NE(no_rows.find("README.md:1:"), std::string::npos) << no_rows;
    // The fuzzer's find: a tolerance on the command column itself once read a missing cell.
    std::string on_command = parse_error("<!-- reproduce: command 0 -->\n| command | a |\n|---|---|\n| `p` | 1 |\n");
    EXPECT_NE(on_command.find("README.md:1:"), std::string::npos) << on_command;
    EXPECT_NE(on_command.find("command column is run, not checked"), std::string::npos) << on_command;
}

TEST(ReproduceTable, AMalformedCommandNamesItsLine) {
    const std::string head = "<!-- reproduce: a 0.1 -->\n| command | a |\n|---|---|\n| `p` | 1 |\n";
    std::string no_ticks = parse_error(head + "| p --eta 3 | 1 |\n");
    EXPECT_NE(no_ticks.find("README.md:5:"), std::string::npos) << no_ticks;
    EXPECT_NE(no_ticks.find("backticks"), std::string::npos) << no_ticks;
    std::string two = parse_error(head + "| `p` or `q` | 1 |\n");
    EXPECT_NE(two.find("README.md:5:"), std::string::npos) << two;
    std::string redirect = parse_error(head + "| `p > log` | 1 |\n");
    EXPECT_NE(redirect.find("README.md:5:"), std::string::npos) << redirect;
    EXPECT_NE(redirect.find("'>'"), std::string::npos) << redirect;
    std::string out = parse_error(head + "| `p --out here` | 1 |\n");
    EXPECT_NE(out.find("--out"), std::string::npos) << out;
}

TEST(ReproduceTable, ResultIsTheLastResultLineOfTheOutput) {
    auto result = nn::tools::parse_result_line("epoch 1 cost=3\nresult: a=1 b=x\nmore\nresult: test_accuracy=0.85 seconds=12.5\n");
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, (KeyValues{{"test_accuracy", "0.85"}, {"seconds", "12.5"}}));
    EXPECT_FALSE(nn::tools::parse_result_line("epoch 1\nno result\n").has_value());
}

// ---------------------------------------------------------------- the comparison

TEST(ReproduceCheck, AValueInsideItsBandIsOkEvenAtTheEdge) {
    auto table = parse(kTable)[0];
    auto checks = nn::tools::check_row(table, table.rows[0], KeyValues{{"test_accuracy", "0.8612"},
                                                                       {"test_cost", "0.0031"}, {"seconds", "11.1"}});
    EXPECT_EQ(check_of(checks, "test_accuracy").verdict, Verdict::Ok);  // 0.01 away, the tolerance
    EXPECT_EQ(check_of(checks, "test_accuracy").difference, "+0.01");
    EXPECT_EQ(check_of(checks, "test_cost").verdict, Verdict::Ok);      // 0.02 away
    EXPECT_EQ(check_of(checks, "seconds").verdict, Verdict::Shown);     // a column, not a band
    EXPECT_EQ(check_of(checks, "seconds").difference, "-1.2");
    // A highlighted README value counts as its number.
    auto second = nn::tools::check_row(table, table.rows[1], KeyValues{{"test_accuracy", "0.8610"}, {"test_cost", "0.41"}});
    EXPECT_EQ(check_of(second, "test_accuracy").verdict, Verdict::Ok);
    EXPECT_EQ(check_of(second, "test_accuracy").readme, "0.8610");
}

TEST(ReproduceCheck, AValueOutsideItsBandFails) {
    auto table = parse(kTable)[0];
    auto checks = nn::tools::check_row(table, table.rows[0], KeyValues{{"test_accuracy", "0.8401"}, {"test_cost", "0.0231"}});
    EXPECT_EQ(check_of(checks, "test_accuracy").verdict, Verdict::Fail);
    EXPECT_EQ(check_of(checks, "test_accuracy").now, "0.8401");
    EXPECT_EQ(check_of(checks, "test_cost").verdict, Verdict::Ok);
    std::string text = nn::tools::format_checks(checks);
    std::istringstream lines(text);
    std::string header, first, second;
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_NE(header.find("README"), std::string::npos) << text;
    EXPECT_NE(first.find("1. sigmoid"), std::string::npos) << text;
    EXPECT_TRUE(first.ends_with("FAIL")) << text;
    EXPECT_TRUE(second.ends_with("ok")) << text;
    EXPECT_EQ(first.find('|'), header.find('|')) << text;
}

TEST(ReproduceCheck, AKeyMissingFromTheResultOrAFailedCommandFails) {
    auto table = parse(kTable)[0];
    auto missing = nn::tools::check_row(table, table.rows[0], KeyValues{{"test_accuracy", "0.8512"}});
    EXPECT_EQ(check_of(missing, "test_accuracy").verdict, Verdict::Ok);
    EXPECT_EQ(check_of(missing, "test_cost").verdict, Verdict::Fail);
    EXPECT_EQ(check_of(missing, "test_cost").now, "(missing)");
    EXPECT_EQ(missing.size(), 2u);  // seconds is not in the result: not shown
    auto text = nn::tools::check_row(table, table.rows[0], KeyValues{{"test_accuracy", "high"}, {"test_cost", "0.0231"}});
    EXPECT_EQ(check_of(text, "test_accuracy").verdict, Verdict::Fail);
    auto failed = nn::tools::check_row(table, table.rows[0], std::nullopt);
    ASSERT_EQ(failed.size(), 2u);
    for (const auto& c : failed) {
        EXPECT_EQ(c.verdict, Verdict::Fail) << c.key;
        EXPECT_EQ(c.now, "(failed)");
    }
}

// ---------------------------------------------------------------- the tool

namespace {

struct ToolSetup {
    fs::path bin;   // NN_BIN_DIR: the programs, in bin/<chapter>/
    fs::path tool;  // the reproduce tool, built next to them in ../tools/
};

std::optional<ToolSetup> find_tool() {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) return std::nullopt;
    fs::path bin(env);
    return ToolSetup{bin, bin.parent_path() / "tools"};
}

void write_readme(const ScratchDir& tmp, const std::string& text) {
    fs::create_directories(tmp / "chapters/01-perceptron");
    std::ofstream(tmp / "chapters/01-perceptron/README.md") << text;
}

programs::ProcessRun run_tool(const ToolSetup& setup, const ScratchDir& tmp) {
    return programs::run_program(setup.tool, "reproduce",
                                 {"--chapter", "01-perceptron", "--chapters", (tmp / "chapters").string(), "--bin",
                                  setup.bin.string(), "--out", (tmp / "out").string()},
                                 tmp.path());
}

// and_epochs as logic_gates --quick prints it now, so the test does not repeat chapter 1's numbers.
std::string and_epochs_now(const ToolSetup& setup, const ScratchDir& tmp) {
    auto run = programs::run_program(setup.bin / "01-perceptron", "logic_gates",
                                     {"--quick", "--progress", "never", "--out", (tmp / "direct").string()}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    return programs::result_value(programs::result_line(run.out), "and_epochs");
}

std::string readme_with(const std::string& and_epochs, const std::string& tolerance) {
    return "# Chapter 1\n\n<!-- reproduce: and_epochs " + tolerance + " -->\n"
           "| run | command | and_epochs |\n|---|---|---|\n"
           "| logic gates, quick | `logic_gates --quick` | " + and_epochs + " |\n";
}

}  // namespace

#define REQUIRE_TOOL(setup)                                                                  \
    auto setup = find_tool();                                                                \
    if (!setup) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder"

TEST(ReproduceTool, ExitsZeroWhenTheReadmeAgreesWithTheProgram) {
    REQUIRE_TOOL(setup);
    ScratchDir tmp;
    std::string now = and_epochs_now(*setup, tmp);
    ASSERT_FALSE(now.empty());
    write_readme(tmp, readme_with(now, "0"));
    auto run = run_tool(*setup, tmp);
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("logic_gates --quick --out "), std::string::npos) << run.out;  // echoed before it runs
    EXPECT_NE(run.out.find("1 values checked, 1 ok, 0 FAIL"), std::string::npos) << run.out;
}

TEST(ReproduceTool, ExitsOneAndShowsFailWhenTheReadmeDisagrees) {
    REQUIRE_TOOL(setup);
    ScratchDir tmp;
    std::string now = and_epochs_now(*setup, tmp);
    ASSERT_FALSE(now.empty());
    write_readme(tmp, readme_with(std::to_string(std::stoi(now) + 5), "1"));
    auto run = run_tool(*setup, tmp);
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    EXPECT_NE(run.out.find("| FAIL"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("and the code disagree"), std::string::npos) << run.out;
}

TEST(ReproduceTool, ExitsTwoNamingTheLineOfAMalformedTableBeforeRunningAnything) {
    REQUIRE_TOOL(setup);
    ScratchDir tmp;
    write_readme(tmp, "# Chapter 1\n\n<!-- reproduce: and_epochs 0 -->\n| run | command | and_epochs |\n|---|---|---|\n"
                      "| quick | `logic_gates --quick | tee log` | 6 |\n");
    auto run = run_tool(*setup, tmp);
    EXPECT_EQ(run.status, 2) << run.out << run.err;
    EXPECT_NE(run.err.find("README.md:6:"), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(tmp / "out")) << "nothing should have run";
}

TEST(ReproduceTool, AReadmeWithoutMarkedTablesIsAnErrorUnlessIfMarked) {
    REQUIRE_TOOL(setup);
    ScratchDir tmp;
    write_readme(tmp, "# Chapter 1\n\n| run | epochs |\n|---|---|\n| a | 3 |\n");
    auto strict = run_tool(*setup, tmp);
    EXPECT_EQ(strict.status, 2) << strict.out << strict.err;
    EXPECT_NE(strict.err.find("nothing to reproduce"), std::string::npos) << strict.err;
    auto lenient = programs::run_program(setup->tool, "reproduce",
                                         {"--chapter", "01-perceptron", "--chapters", (tmp / "chapters").string(),
                                          "--if-marked"},
                                         tmp.path());
    EXPECT_EQ(lenient.status, 0) << lenient.out << lenient.err;
}
