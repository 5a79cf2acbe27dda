#pragma once
// What `make reproduce` reads and checks: the tables of a chapter's README marked
// with a comment on the line right above them,
//
//   <!-- reproduce: test_accuracy 0.01, test_cost 0.02 -->
//   | step | command | test_accuracy | seconds |
//   |---|---|---|---|
//   | 1. sigmoid, quadratic cost | `fashion_mlp --eta 3` | 0.8512 | 12.3 |
//
// Each listed key is a column header that is also a key of the program's `result:`
// line; the README value must lie within +- its tolerance of what the command prints
// now. Other columns that are result keys (seconds) are shown, not checked.
// Kept apart from the tool's main file so the tests can reach it.
#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nn::tools {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Band {
    std::string key;
    double tolerance = 0;  // absolute
};

struct TableRow {
    int line = 0;               // in the README, counted from 1
    std::string label;          // the first column's cell, or "line N" when that is the command or a key
    std::string program;        // the command's first word: a program of the chapter
    std::vector<std::string> args;  // the rest of the command, one option or value each
    KeyValues cells;            // header -> cell, for every column but the command
};

struct ReproduceTable {
    int line = 0;  // of the marking comment
    std::vector<Band> bands;
    std::vector<std::string> headers;
    std::vector<TableRow> rows;
};

// The "key tolerance, key tolerance" list inside "<!-- reproduce: ... -->".
// Throws std::invalid_argument saying what is wrong.
std::vector<Band> parse_bands(const std::string& list);

// A backticked command split at blanks into words. Plain words only: quotes, pipes,
// redirections and the like are refused, and so are --out and --progress, which the
// tool adds itself. Throws std::invalid_argument saying what is wrong.
std::vector<std::string> split_command(const std::string& command);

// Every marked table of a README, in order; unmarked tables and anything inside
// ``` fences are ignored. Throws DataError "<source>:<line>: <what is wrong>" on the
// first malformed marker, table, row or command.
std::vector<ReproduceTable> parse_reproduce_tables(std::istream& readme, const std::string& source);

// The key=value pairs of the last "result: ..." line of a program's output; nullopt
// when it printed none.
std::optional<KeyValues> parse_result_line(const std::string& program_output);

// ---------------------------------------------------------------- the comparison

enum class Verdict { Ok, Fail, Shown };

struct CheckedValue {
    std::string row, key;
    std::string readme, now;  // as written and as printed; now is "(missing)", "(failed)" ...
    std::string difference;   // now - readme, "" when either is not a number
    Verdict verdict = Verdict::Shown;
};

// One line per band of the table (ok when |now - readme| <= tolerance, else FAIL,
// also when the key is missing from the result or not a number), then one per other
// column that is a key of the result (shown). result == nullopt: the command failed,
// and every band FAILs.
std::vector<CheckedValue> check_row(const ReproduceTable& table, const TableRow& row,
                                    const std::optional<KeyValues>& result);

// The table "row | key | README | now | difference | ok/FAIL", columns aligned.
std::string format_checks(const std::vector<CheckedValue>& checks);

}  // namespace nn::tools
