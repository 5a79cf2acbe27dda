#pragma once
// Per-epoch metrics: each row is printed as one plain line on stdout as it comes
// ("epoch 3  train_errors=12  test_accuracy=0.8123") and all rows are written as
// CSV next to the plots, which `make compare` overlays.
#include <string>
#include <vector>

namespace nn {

class MetricsLog {
public:
    // columns[0] is the step column, usually "epoch".
    explicit MetricsLog(std::vector<std::string> columns, bool print = true);

    void add(const std::vector<double>& row);  // row.size() == columns.size()

    const std::vector<std::string>& columns() const { return columns_; }
    const std::vector<std::vector<double>>& rows() const { return rows_; }
    std::vector<double> column(const std::string& name) const;  // throws std::out_of_range

    void write_csv(const std::string& path) const;  // atomically; header line, then rows

private:
    std::vector<std::string> columns_;
    std::vector<std::vector<double>> rows_;
    bool print_;
};

// Reads a CSV written by write_csv (header + numeric rows); throws DataError. With
// drop_text_columns, a column holding any cell that is not a number (a label, an
// expression) is left out instead, and when that is the first one, a column "row"
// (1, 2, ...) takes its place as the step column.
MetricsLog read_metrics_csv(const std::string& path, bool drop_text_columns = false);

}  // namespace nn
