#include "common/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "common/files.hpp"

namespace nn {

namespace {

// For the per-epoch line a person reads: counts as integers, the rest to 4 significant digits.
std::string readable(double value) {
    char text[64];
    if (std::isfinite(value) && value == std::round(value) && std::fabs(value) < 1e15)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

// Full float-and-a-bit precision, so a CSV read back gives the same numbers.
std::string exact(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

std::vector<std::string> split(const std::string& line, char separator) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, separator);) fields.push_back(field);
    if (!line.empty() && line.back() == separator) fields.push_back("");
    return fields;
}

bool parse_number(const std::string& text, double* value) {
    if (text.empty()) return false;
    char* end = nullptr;
    *value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

}  // namespace

MetricsLog::MetricsLog(std::vector<std::string> columns, bool print)
    : columns_(std::move(columns)), print_(print) {
    if (columns_.empty()) throw std::invalid_argument("MetricsLog needs at least one column");
}

void MetricsLog::add(const std::vector<double>& row) {
    if (row.size() != columns_.size())
        throw std::invalid_argument("MetricsLog::add: " + std::to_string(row.size()) +
                                    " values for " + std::to_string(columns_.size()) + " columns");
    rows_.push_back(row);
    if (!print_) return;
    std::string line = columns_[0] + " " + readable(row[0]);
    for (size_t i = 1; i < row.size(); ++i) line += "  " + columns_[i] + "=" + readable(row[i]);
    std::cout << line << std::endl;  // flushed: the line is the progress report when piped
}

std::vector<double> MetricsLog::column(const std::string& name) const {
    for (size_t c = 0; c < columns_.size(); ++c) {
        if (columns_[c] != name) continue;
        std::vector<double> values;
        values.reserve(rows_.size());
        for (const auto& row : rows_) values.push_back(row[c]);
        return values;
    }
    throw std::out_of_range("no metrics column named '" + name + "'");
}

void MetricsLog::write_csv(const std::string& path) const {
    write_file_atomically(path, [&](std::ostream& out) {
        for (size_t c = 0; c < columns_.size(); ++c) out << (c ? "," : "") << columns_[c];
        out << '\n';
        for (const auto& row : rows_) {
            for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << exact(row[c]);
            out << '\n';
        }
    });
}

MetricsLog read_metrics_csv(const std::string& path, bool drop_text_columns) {
    std::ifstream in(path);
    if (!in) throw DataError("cannot read metrics file " + path);
    auto fail = [&](size_t line, const std::string& problem) {
        return DataError(path + ", line " + std::to_string(line) + ": " + problem);
    };
    std::string line;
    size_t number = 1;
    if (!std::getline(in, line)) throw fail(number, "empty file, expected a header line");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> columns = split(line, ',');
    for (const auto& name : columns)
        if (name.empty()) throw fail(number, "empty column name in header '" + line + "'");
    if (columns.empty()) throw fail(number, "empty header");

    std::vector<std::vector<double>> rows;
    std::vector<bool> numeric(columns.size(), true);
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> fields = split(line, ',');
        if (fields.size() != columns.size())
            throw fail(number, "expected " + std::to_string(columns.size()) + " values, got " +
                                   std::to_string(fields.size()) + " in '" + line + "'");
        std::vector<double> row(fields.size());
        for (size_t c = 0; c < fields.size(); ++c) {
            if (parse_number(fields[c], &row[c])) continue;
            if (!drop_text_columns)
                throw fail(number, "'" + fields[c] + "' in column " + columns[c] + " is not a number");
            numeric[c] = false;
        }
        rows.push_back(row);
    }
    std::vector<std::string> kept;
    if (!numeric[0]) kept.push_back("row");
    for (size_t c = 0; c < columns.size(); ++c)
        if (numeric[c]) kept.push_back(columns[c]);
    MetricsLog log(kept, false);
    for (size_t r = 0; r < rows.size(); ++r) {
        std::vector<double> row;
        if (!numeric[0]) row.push_back(static_cast<double>(r + 1));
        for (size_t c = 0; c < columns.size(); ++c)
            if (numeric[c]) row.push_back(rows[r][c]);
        log.add(row);
    }
    return log;
}

}  // namespace nn
