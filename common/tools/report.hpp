#pragma once
// What the two tools behind `make tour` (gallery) and `make compare` (compare)
// share: reading a program's manifest and a chapter's tour.txt, escaping text
// for HTML, and the side-by-side table of result values with its "differs" rule.
// Kept apart from the tools' main files so the tests can reach it.
#include <boost/program_options.hpp>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/trace.hpp"

namespace nn::tools {

// Parses a tool's own options (the tools have none of the programs' --seed or
// --epochs). On --help prints "usage: <usage>" and the options to stdout and
// throws HelpRequested; an unknown option or missing value throws UsageError.
void parse_tool_options(int argc, char** argv, const std::string& usage,
                        const boost::program_options::options_description& options);

// ---------------------------------------------------------------- manifests

// "<out>/<program>.manifest", written by nn::Outputs, one tab-separated record a line:
//   program<TAB>logic_gates
//   figure<TAB>gates_errors.png<TAB>caption text
//   result<TAB>and_epochs<TAB>3
//   file<TAB>gates_errors.csv        (every other file the run wrote)
struct FigureEntry {
    std::string file;  // relative to the manifest's folder
    std::string caption;
};

struct Manifest {
    std::string program;
    std::vector<FigureEntry> figures;
    std::vector<std::pair<std::string, std::string>> results;  // in the order written
    std::vector<std::string> files;                             // the other files it wrote
};

// Parses a manifest. A malformed or unknown line is skipped and described in
// `warnings` as "<source>:<line>: <what>"; parsing never throws.
Manifest parse_manifest(std::istream& in, const std::string& source,
                        std::vector<std::string>& warnings);

// nullopt when the file does not exist (the program did not finish).
std::optional<Manifest> read_manifest(const std::string& path, std::vector<std::string>& warnings);

// ---------------------------------------------------------------- chapters

// The program names of chapters/NN-name/tour.txt in reading order; blank lines
// and lines starting with '#' are skipped. Throws DataError if it cannot be read.
std::vector<std::string> parse_tour(std::istream& in);
std::vector<std::string> read_tour(const std::string& path);

// The text of the first "# " heading of a chapter's README.md, e.g.
// "Chapter 1: The perceptron"; nullopt when there is none or no file.
std::optional<std::string> chapter_title(std::istream& readme);
std::optional<std::string> read_chapter_title(const std::string& readme_path);

// ---------------------------------------------------------------- HTML

// Escapes & < > " ' so text can go in an element or a quoted attribute.
std::string html_escape(std::string_view text);

// Percent-encodes a relative path for an href or src ("my plot.png" ->
// "my%20plot.png"); '/' and unreserved characters stay as they are.
std::string url_path_escape(std::string_view path);

// ---------------------------------------------------------------- side by side

// Result values that measure time or speed ("seconds", "train_seconds", "load_ms",
// "gemm_gflops") differ from run to run; they are shown but never count as a difference,
// and their curves are not overlaid.
bool is_timing_metric(std::string_view key);

// Two result values differ when both are numbers and |a - b| > relative * max(|a|, |b|),
// or when either is not a number and the texts differ.
bool values_differ(const std::string& yours, const std::string& solution, double relative = 1e-4);

struct SideBySideRow {
    std::string metric;
    std::optional<std::string> yours, solution;  // nullopt: missing on that side
    std::string difference;                      // "yours - solution", or "" when not numeric
    bool differs = false;                        // marked with "<-"
};

// One row per key, in the solution's order, then keys only the learner has.
// A key missing on one side differs; a timing metric never does.
std::vector<SideBySideRow> side_by_side(const std::vector<std::pair<std::string, std::string>>& yours,
                                        const std::vector<std::pair<std::string, std::string>>& solution,
                                        double relative = 1e-4);

// The table "metric | yours | solution | difference", columns aligned, each
// line starting with `indent`, differing rows ending in "  <-".
std::string format_side_by_side(const std::vector<SideBySideRow>& rows, const std::string& indent = "  ");

// True when any value in yours differs from the one at the same place in
// solution by the rule of values_differ, or the lengths differ.
bool series_differ(const std::vector<double>& yours, const std::vector<double>& solution,
                   double relative = 1e-4);

// ---------------------------------------------------------------- CSV files

// A program of the tour with the figure files its manifest lists.
struct ProgramFiles {
    std::string program;
    std::vector<std::string> figures;
};

// The index of the program a metrics CSV belongs to, since the manifests do not
// list CSV files: the first program, in tour order, with a figure of the same
// stem ("gates_errors.csv" and "gates_errors.png"); else the first whose name
// the stem is or starts with ("logic_gates_log.csv"); else the first with a
// figure whose stem shares the CSV's first word ("gates_weights" and
// "gates_errors"). nullopt when no program claims it.
std::optional<size_t> csv_owner(std::string_view csv_stem, const std::vector<ProgramFiles>& programs);

// ---------------------------------------------------------------- traces

// "first difference: step 3, tensor w, index 1: yours 0.25, solution 0.5", or
// for records whose names or lengths disagree, the divergence's own sentence.
std::string describe_divergence(const Divergence& d);

// "traces agree over the first N steps (M records)", N the distinct steps of the
// records; a different sentence when there are none.
std::string describe_agreement(const std::vector<TraceRecord>& records);

// ---------------------------------------------------------------- running programs

// Runs the program at path `program` with args and waits for it; returns its wait()
// status, -1 when it could not be started. Its stdout and stderr go to the file `log`
// when that is not empty (else to ours), and its stdin is /dev/null.
int run_command(const std::string& program, const std::vector<std::string>& args, const std::string& log = "");

// The same with a time limit and more environment: after `seconds` (0: none) the program
// and every process it started are killed and `timed_out` is set; `environment` holds
// "NAME=value" entries that go before ours (so they win).
struct RunLimits {
    double seconds = 0;
    std::vector<std::string> environment;
};
int run_command(const std::string& program, const std::vector<std::string>& args, const std::string& log,
                const RunLimits& limits, bool* timed_out);

// A file's whole content, "" when it cannot be read.
std::string read_text(const std::string& path);

// The text without whitespace (any std::isspace character) at either end.
std::string trim(const std::string& text);

// Runs of whitespace become one space, none at either end.
std::string fold_spaces(const std::string& text);

// The last line of a text file that is not blank, or nullopt when there is none.
std::optional<std::string> last_line(const std::string& path);

// "exit status 2", "killed by signal 11", "could not be started": a run_command status.
std::string status_text(int status);
bool succeeded(int status);

// "1.2" -> "01", "A.3" -> "A", "1" -> "01": an exercise id's or a CH= value's chapter as
// the prefix of its folder name (01-perceptron).
std::string chapter_prefix(const std::string& id);

// A file name made of the given parts: characters other than letters, digits,
// '-', '_' and '.' become '_' ("gates errors" -> "gates_errors").
std::string safe_file_part(std::string_view text);

}  // namespace nn::tools
