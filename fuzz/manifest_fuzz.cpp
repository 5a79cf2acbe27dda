// Fuzzes nn::tools::parse_manifest (common/tools/report.hpp), the reader of the
// out/C/<program>.manifest files that the gallery and `make compare` read, and the HTML
// escapes the gallery writes their text with. A manifest is a text file in the
// learner's own out/ folder: anything may be in it.
//
// Promises checked beyond "no crash, no leak, no undefined behaviour":
// - parsing never throws (its header says so: a bad line is a warning);
// - each warning is "<source>:<N>: ...; line skipped" for a non-blank line N, at most
//   one a line, and every non-blank line is a warning or at most one record;
// - every figure and file is a relative path inside the folder (not empty, not
//   absolute, no ".." part): the gallery links it, `make tour` may remove it;
// - every result has a key;
// - the text the gallery puts in a page, escaped, holds no markup (< > " ' stay
//   escaped) and a figure's escaped path only URL-safe characters.
#include <cassert>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/tools/report.hpp"
#include "fuzz/fuzz.hpp"

namespace {

const std::string kSource = "logic_gates.manifest";

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The lines as parse_manifest counts them, from 1 (lines[0] is unused).
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines = {""};
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void check_warnings(const std::vector<std::string>& warnings, const std::vector<std::string>& lines) {
    size_t previous = 0;
    for (const std::string& warning : warnings) {
        assert(warning.starts_with(kSource + ":") && warning.ends_with("; line skipped"));
        const size_t number = std::stoul(warning.substr(kSource.size() + 1));
        assert(number > previous && number < lines.size() && !is_blank(lines[number]));
        previous = number;
    }
}

void check_inside_folder(const std::string& file) {
    assert(!file.empty() && file.front() != '/');
    for (const auto& part : std::filesystem::path(file)) assert(part != "..");
}

void check_escaped(const std::string& text) {
    const std::string html = nn::tools::html_escape(text);
    assert(html.find_first_of("<>\"'") == std::string::npos);
}

void check_url(const std::string& file) {
    for (unsigned char c : nn::tools::url_path_escape(file))
        assert(std::isalnum(c) || std::string_view("-._~/%").find(char(c)) != std::string_view::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::istringstream in(text);
    std::vector<std::string> warnings;
    const nn::tools::Manifest manifest = nn::tools::parse_manifest(in, kSource, warnings);

    const std::vector<std::string> lines = lines_of(text);
    check_warnings(warnings, lines);
    size_t filled = 0;
    for (size_t n = 1; n < lines.size(); ++n) filled += !is_blank(lines[n]);
    assert(manifest.figures.size() + manifest.results.size() + manifest.files.size() + warnings.size() <= filled);

    check_escaped(manifest.program);
    for (const auto& figure : manifest.figures) {
        check_inside_folder(figure.file);
        check_escaped(figure.file);
        check_escaped(figure.caption);
        check_url(figure.file);
    }
    for (const std::string& file : manifest.files) check_inside_folder(file);
    for (const auto& [key, value] : manifest.results) {
        assert(!key.empty());
        check_escaped(key);
        check_escaped(value);
    }
    return 0;
}
