#pragma once
// Running gnuplot: a script to a file, atomically, and a window for --show.
// plot.cpp builds the scripts; this is the only place that starts gnuplot.
#include <string>

namespace nn::gnuplot {

// Runs gnuplot on terminal + body with its output set to "<path>.tmp", then renames
// that to path. Throws DataError with gnuplot's own complaint when gnuplot fails, writes
// nothing or writes a file cut short, and leaves no file behind (nor on a Ctrl-C).
void render(const std::string& terminal, const std::string& body, const std::string& path);

// Why `file` is not a complete image of the format path's extension names (.png must
// end in its IEND chunk, .gif in its trailer byte), or "" when it is (or the format is
// another one).
std::string not_complete(const std::string& file, const std::string& format_of);

// A gnuplot double-quoted string: only backslash, quote and newline need escaping.
std::string quote(const std::string& text);
// A gnuplot single-quoted file name ('' escapes a quote).
std::string quote_path(const std::string& path);

}  // namespace nn::gnuplot
