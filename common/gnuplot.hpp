#pragma once
// Running gnuplot: a script to a file, atomically, and a window for --show.
// plot.cpp builds the scripts; this is the only place that starts gnuplot.
#include <string>

namespace nn::gnuplot {

// Runs gnuplot on terminal + body with its output set to "<path>.tmp", then renames
// that to path. Throws std::runtime_error with gnuplot's own complaint when gnuplot
// fails or writes nothing, and leaves no file behind.
void render(const std::string& terminal, const std::string& body, const std::string& path);

// A gnuplot double-quoted string: only backslash, quote and newline need escaping.
std::string quote(const std::string& text);
// A gnuplot single-quoted file name ('' escapes a quote).
std::string quote_path(const std::string& path);

}  // namespace nn::gnuplot
