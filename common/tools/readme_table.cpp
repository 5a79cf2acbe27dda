#include "common/tools/readme_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "common/tools/report.hpp"

namespace nn::tools {

namespace {

std::optional<double> parse_number(const std::string& text) {
    double value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::vector<std::string> words_of(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

// A README cell as a number: "0.8512", or "**0.8512**" in a highlighted row.
std::string cell_value(const std::string& cell) {
    std::string value = trim(cell);
    if (value.size() >= 4 && value.starts_with("**") && value.ends_with("**"))
        value = trim(value.substr(2, value.size() - 4));
    return value;
}

std::string signed_difference(double d) {
    if (d == 0) return "0";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%+.3g", d);
    return buffer;
}

const std::string* find_value(const KeyValues& values, const std::string& key) {
    for (const auto& [k, v] : values)
        if (k == key) return &v;
    return nullptr;
}

bool is_key_word(const std::string& word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

}  // namespace

// ---------------------------------------------------------------- markers and commands

std::vector<Band> parse_bands(const std::string& list) {
    std::vector<Band> bands;
    std::istringstream in(list);
    for (std::string pair; std::getline(in, pair, ',');) {
        std::vector<std::string> words = words_of(pair);
        if (words.size() != 2)
            throw std::invalid_argument("expected \"key tolerance\" pairs separated by commas, got '" + trim(pair) + "'");
        if (!is_key_word(words[0])) throw std::invalid_argument("'" + words[0] + "' is not a result key");
        auto tolerance = parse_number(words[1]);
        if (!tolerance || *tolerance < 0)
            throw std::invalid_argument("the tolerance of " + words[0] + " must be a number >= 0, got '" + words[1] + "'");
        for (const Band& band : bands)
            if (band.key == words[0]) throw std::invalid_argument(words[0] + " is listed twice");
        bands.push_back({words[0], *tolerance});
    }
    if (bands.empty()) throw std::invalid_argument("no \"key tolerance\" pair: which columns should be checked?");
    return bands;
}

std::vector<std::string> split_command(const std::string& command) {
    // Characters a shell would read differently from the tool, which runs the words as they are.
    const std::string special = "'\"\\`$;|&<>()*?{}[]~!#";
    size_t bad = command.find_first_of(special);
    if (bad != std::string::npos)
        throw std::invalid_argument("the command holds '" + std::string(1, command[bad]) +
                                    "': write plain words (no quotes, pipes, redirections or variables)");
    std::vector<std::string> words = words_of(command);
    if (words.empty()) throw std::invalid_argument("the command is empty");
    if (words[0].find('/') != std::string::npos || words[0].front() == '-')
        throw std::invalid_argument("the command must start with a program's name, without a path; got '" +
                                    words[0] + "'");
    for (const std::string& word : words)
        if (word == "--out" || word.starts_with("--out=") || word == "--progress" || word.starts_with("--progress="))
            throw std::invalid_argument("the command sets " + word.substr(0, word.find('=')) +
                                        ", which the tool adds itself (--out <scratch> --progress never)");
    return words;
}

// ---------------------------------------------------------------- tables

namespace {

struct Lines {
    std::vector<std::string> text;
    std::string source;
    [[noreturn]] void fail(size_t index, const std::string& what) const {
        throw DataError(source + ":" + std::to_string(index + 1) + ": " + what);
    }
};

// The cells of "| a | b |" (outer pipes optional), trimmed.
std::vector<std::string> cells_of(std::string line) {
    line = trim(line);
    if (line.starts_with("|")) line.erase(0, 1);
    if (line.ends_with("|")) line.pop_back();
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, '|');) cells.push_back(trim(cell));
    if (line.ends_with("|") || line.empty()) cells.push_back("");
    return cells;
}

bool is_table_line(const std::string& line) { return trim(line).starts_with("|"); }

bool is_separator_cell(const std::string& cell) {
    std::string dashes = cell;
    if (dashes.starts_with(":")) dashes.erase(0, 1);
    if (dashes.ends_with(":")) dashes.pop_back();
    return !dashes.empty() && dashes.find_first_not_of('-') == std::string::npos;
}

// "<!-- reproduce ..." opens a marker; nullopt for any other line.
std::optional<std::string> marker_body(const std::string& trimmed) {
    if (!trimmed.starts_with("<!--")) return std::nullopt;
    std::string inside = trim(trimmed.substr(4));
    const std::string word = "reproduce";
    if (!inside.starts_with(word)) return std::nullopt;
    std::string rest = inside.substr(word.size());
    if (!rest.empty() && (std::isalnum(static_cast<unsigned char>(rest[0])) || rest[0] == '_'))
        return std::nullopt;  // "reproduced", another word
    return rest;
}

std::vector<Band> parse_marker(const Lines& lines, size_t at, const std::string& body) {
    std::string rest = trim(body);
    if (!rest.starts_with(":") || !rest.ends_with("-->"))
        lines.fail(at, "a marker reads <!-- reproduce: key tolerance, key tolerance -->");
    try {
        return parse_bands(rest.substr(1, rest.size() - 4));
    } catch (const std::invalid_argument& e) {
        lines.fail(at, e.what());
    }
}

size_t column_of(const std::vector<std::string>& headers, const std::string& name, const Lines& lines, size_t at) {
    auto count = std::count(headers.begin(), headers.end(), name);
    if (count == 0) lines.fail(at, "the table has no column '" + name + "'");
    if (count > 1) lines.fail(at, "the table has two columns '" + name + "'");
    return size_t(std::find(headers.begin(), headers.end(), name) - headers.begin());
}

void read_header(const Lines& lines, size_t at, ReproduceTable& table) {
    if (at >= lines.text.size() || !is_table_line(lines.text[at]))
        lines.fail(at - 1, "the marker must be on the line right above its table");
    table.headers = cells_of(lines.text[at]);
    column_of(table.headers, "command", lines, at);
    for (const Band& band : table.bands) {
        if (band.key == "command") lines.fail(at - 1, "the command column is run, not checked: no tolerance for it");
        column_of(table.headers, band.key, lines, at);
    }
    if (at + 1 >= lines.text.size()) lines.fail(at, "the header has no |---| line below it");
    std::vector<std::string> separator = cells_of(lines.text[at + 1]);
    if (separator.size() != table.headers.size() ||
        !std::all_of(separator.begin(), separator.end(), is_separator_cell))
        lines.fail(at + 1, "expected the |---|---| line below the header, one cell per column");
}

TableRow read_row(const Lines& lines, size_t at, const ReproduceTable& table) {
    std::vector<std::string> cells = cells_of(lines.text[at]);
    if (cells.size() != table.headers.size())
        lines.fail(at, "the row has " + std::to_string(cells.size()) + " cells, the header " +
                           std::to_string(table.headers.size()));
    TableRow row;
    row.line = int(at + 1);
    size_t command_column = column_of(table.headers, "command", lines, at);
    const std::string& command = cells[command_column];
    if (command.size() < 2 || !command.starts_with("`") || !command.ends_with("`") ||
        command.find('`', 1) != command.size() - 1)
        lines.fail(at, "the command cell must hold one `command` in backticks, got '" + command + "'");
    try {
        row.args = split_command(command.substr(1, command.size() - 2));
    } catch (const std::invalid_argument& e) {
        lines.fail(at, e.what());
    }
    row.program = row.args.front();
    row.args.erase(row.args.begin());
    for (size_t c = 0; c < cells.size(); ++c)
        if (c != command_column) row.cells.emplace_back(table.headers[c], cells[c]);
    for (const Band& band : table.bands)
        if (!parse_number(cell_value(*find_value(row.cells, band.key))))
            lines.fail(at, "the " + band.key + " cell '" + *find_value(row.cells, band.key) + "' is not a number");
    bool first_is_label = command_column != 0 && std::none_of(table.bands.begin(), table.bands.end(),
                                                              [&](const Band& b) { return b.key == table.headers[0]; });
    row.label = first_is_label && !cells[0].empty() ? cells[0] : "line " + std::to_string(row.line);
    return row;
}

}  // namespace

std::vector<ReproduceTable> parse_reproduce_tables(std::istream& readme, const std::string& source) {
    Lines lines{{}, source};
    for (std::string line; std::getline(readme, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.text.push_back(line);
    }
    std::vector<ReproduceTable> tables;
    bool in_fence = false;
    for (size_t at = 0; at < lines.text.size(); ++at) {
        const std::string& line = lines.text[at];
        std::string trimmed = trim(line);
        if (trimmed.starts_with("```") || trimmed.starts_with("~~~")) in_fence = !in_fence;
        // Examples of the format in fenced or indented code are text, not tables.
        bool indented_code = line.find_first_not_of(' ') >= 4;
        auto body = marker_body(trimmed);
        if (in_fence || indented_code || !body) continue;
        ReproduceTable table;
        table.line = int(at + 1);
        table.bands = parse_marker(lines, at, *body);
        read_header(lines, at + 1, table);
        size_t row_at = at + 3;
        for (; row_at < lines.text.size() && is_table_line(lines.text[row_at]); ++row_at)
            table.rows.push_back(read_row(lines, row_at, table));
        if (table.rows.empty()) lines.fail(at, "the marked table has no rows");
        tables.push_back(table);
        at = row_at - 1;
    }
    return tables;
}

std::optional<KeyValues> parse_result_line(const std::string& program_output) {
    std::optional<KeyValues> result;
    std::istringstream in(program_output);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("result:")) continue;
        result.emplace();
        for (const std::string& field : words_of(line.substr(7))) {
            size_t equals = field.find('=');
            if (equals != std::string::npos && equals > 0)
                result->emplace_back(field.substr(0, equals), field.substr(equals + 1));
        }
    }
    return result;
}

// ---------------------------------------------------------------- the comparison

namespace {

CheckedValue check_band(const TableRow& row, const Band& band, const std::optional<KeyValues>& result) {
    CheckedValue check{row.label, band.key, cell_value(*find_value(row.cells, band.key)), "", "", Verdict::Fail};
    const std::string* now = result ? find_value(*result, band.key) : nullptr;
    check.now = !result ? "(failed)" : now ? *now : "(missing)";
    auto readme_number = parse_number(check.readme);
    auto now_number = now ? parse_number(*now) : std::nullopt;
    if (!readme_number || !now_number) return check;
    double d = *now_number - *readme_number;
    check.difference = signed_difference(d);
    // A little slack so that a value printed with the README's rounding counts as inside.
    double slack = 1e-9 * std::max(1.0, std::fabs(*readme_number));
    check.verdict = std::fabs(d) <= band.tolerance + slack ? Verdict::Ok : Verdict::Fail;
    return check;
}

}  // namespace

std::vector<CheckedValue> check_row(const ReproduceTable& table, const TableRow& row,
                                    const std::optional<KeyValues>& result) {
    std::vector<CheckedValue> checks;
    for (const Band& band : table.bands) checks.push_back(check_band(row, band, result));
    if (!result) return checks;
    for (const auto& [header, cell] : row.cells) {
        // (A projection, not a lambda: clang before 16 cannot capture a structured binding.)
        bool banded = std::ranges::find(table.bands, header, &Band::key) != table.bands.end();
        const std::string* now = find_value(*result, header);
        if (banded || !now) continue;
        CheckedValue shown{row.label, header, cell_value(cell), *now, "", Verdict::Shown};
        auto a = parse_number(shown.readme), b = parse_number(*now);
        if (a && b) shown.difference = signed_difference(*b - *a);
        checks.push_back(shown);
    }
    return checks;
}

std::string format_checks(const std::vector<CheckedValue>& checks) {
    const size_t kLabelWidth = 40;
    auto shorten = [&](const std::string& label) {
        return label.size() <= kLabelWidth ? label : label.substr(0, kLabelWidth - 3) + "...";
    };
    // cells[r][c]: the header, then one line per check; a row's label only on its first line
    std::vector<std::vector<std::string>> cells = {{"row", "key", "README", "now", "difference", "ok/FAIL"}};
    for (size_t i = 0; i < checks.size(); ++i) {
        const CheckedValue& c = checks[i];
        bool same_row = i > 0 && checks[i - 1].row == c.row;
        const char* verdict = c.verdict == Verdict::Ok ? "ok" : c.verdict == Verdict::Fail ? "FAIL" : "shown";
        cells.push_back({same_row ? "" : shorten(c.row), c.key, c.readme, c.now, c.difference, verdict});
    }
    std::vector<size_t> width(6, 0);
    for (const auto& line : cells)
        for (size_t c = 0; c < 6; ++c) width[c] = std::max(width[c], line[c].size());
    std::string table;
    for (const auto& line : cells) {
        std::string text;
        for (size_t c = 0; c < 6; ++c)
            text += line[c] + std::string(width[c] - line[c].size(), ' ') + (c < 5 ? " | " : "");
        text.erase(text.find_last_not_of(' ') + 1);
        table += text + "\n";
    }
    return table;
}

}  // namespace nn::tools
