// Fuzzes the readers of a chapter's README.md, a file the learner may edit:
// nn::tools::parse_reproduce_tables (common/tools/readme_table.hpp), which finds the
// tables `make reproduce` checks, with check_row and format_checks on what it finds,
// and nn::tools::chapter_title (common/tools/report.hpp), which names the chapter in
// the gallery.
//
// Promises checked beyond "no crash, no leak, no undefined behaviour":
// - the only exception is nn::DataError; chapter_title throws nothing;
// - a table has bands with distinct word keys and finite tolerances >= 0, a header with
//   one "command" column and one column per band, and at least one row; tables and
//   rows come in the README's order, each row below its table's |---| line;
// - a row has a cell per column but the command, a program name without a path or a
//   leading '-', no word a shell would read otherwise and no --out or --progress;
// - check_row FAILs every band of a command that failed, and finds every band ok when
//   the program prints the README's own values;
// - format_checks writes a header line and one line per check;
// - a title is the text of a "# " line, not empty, without blanks around it.
#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/tools/readme_table.hpp"
#include "common/tools/report.hpp"
#include "fuzz/fuzz.hpp"

namespace {

namespace tools = nn::tools;

void check_bands(const std::vector<tools::Band>& bands) {
    assert(!bands.empty());
    for (size_t i = 0; i < bands.size(); ++i) {
        const tools::Band& band = bands[i];
        assert(!band.key.empty() && std::all_of(band.key.begin(), band.key.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_';
        }));
        assert(std::isfinite(band.tolerance) && band.tolerance >= 0);
        for (size_t j = 0; j < i; ++j) assert(bands[j].key != band.key);
    }
}

void check_command(const tools::TableRow& row) {
    assert(!row.program.empty() && row.program.find('/') == std::string::npos && row.program.front() != '-');
    std::vector<std::string> words = row.args;
    words.push_back(row.program);
    for (const std::string& word : words) {
        assert(!word.empty() && word.find_first_of("'\"\\`$;|&<>()*?{}[]~!# \t") == std::string::npos);
        assert(word != "--out" && !word.starts_with("--out=") && word != "--progress" && !word.starts_with("--progress="));
    }
}

void check_checks(const tools::ReproduceTable& table, const tools::TableRow& row) {
    const std::vector<tools::CheckedValue> failed = tools::check_row(table, row, std::nullopt);
    assert(failed.size() == table.bands.size());
    // The README's values as the program's result: every band must be ok.
    tools::KeyValues printed;
    for (const tools::CheckedValue& check : failed) {
        assert(check.verdict == tools::Verdict::Fail && check.now == "(failed)");
        printed.emplace_back(check.key, check.readme);
    }
    const std::vector<tools::CheckedValue> agreed = tools::check_row(table, row, printed);
    assert(agreed.size() == table.bands.size());
    for (const tools::CheckedValue& check : agreed) assert(check.verdict == tools::Verdict::Ok);
    const std::string text = tools::format_checks(agreed);
    assert(size_t(std::count(text.begin(), text.end(), '\n')) == agreed.size() + 1);
}

void check_table(const tools::ReproduceTable& table, int previous_end) {
    assert(table.line > previous_end);
    check_bands(table.bands);
    const auto& headers = table.headers;
    assert(std::count(headers.begin(), headers.end(), "command") == 1);
    for (const tools::Band& band : table.bands) assert(std::count(headers.begin(), headers.end(), band.key) == 1);
    assert(!table.rows.empty());
    int previous_line = table.line + 2;  // the header and its |---| line
    for (const tools::TableRow& row : table.rows) {
        assert(row.line == previous_line + 1);
        previous_line = row.line;
        assert(row.cells.size() + 1 == headers.size() && !row.label.empty());
        for (size_t c = 0, h = 0; c < row.cells.size(); ++c, ++h) {
            if (headers[h] == "command") ++h;
            assert(row.cells[c].first == headers[h]);
        }
        check_command(row);
        check_checks(table, row);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);

    std::istringstream readme(text);
    std::vector<tools::ReproduceTable> tables;
    if (!fuzz::refusal([&] { tables = tools::parse_reproduce_tables(readme, "README.md"); })) {
        int previous_end = 0;
        for (const tools::ReproduceTable& table : tables) {
            check_table(table, previous_end);
            previous_end = table.rows.back().line;
        }
    }

    std::istringstream again(text);
    if (std::optional<std::string> title = tools::chapter_title(again)) {
        assert(!title->empty() && text.find("# ") != std::string::npos && text.find(*title) != std::string::npos);
        assert(!std::isspace(static_cast<unsigned char>(title->front())) &&
               !std::isspace(static_cast<unsigned char>(title->back())));
    }
    return 0;
}
