#pragma once
// A learner's own data: a CSV file with a header line of column names and one row of
// numbers per example, split into features and a target, and made ready for a network.
//
//   x1,x2,label          header: the column names (may be "quoted")
//   0.5,-1.2,0           every row as many cells as the header, every cell a number
//   1.5, 2.0, 1          spaces around a cell are fine; blank lines are skipped
//
// Every problem is a DataError naming the file and the line, for example
//   "data.csv line 7: 3 cells, the header has 4"
//   "data.csv line 12, column 'age': 'abc' is not a number"
//   "data.csv: no column 'price' (columns: a, b, c)"
#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "common/random.hpp"
#include "common/tensor.hpp"

namespace nn {

struct CsvTable {
    std::vector<std::string> columns;  // the header's names, in file order
    Tensor values;                     // [rows, columns.size()]
    size_t rows() const { return values.rank() == 2 ? values.dim(0) : 0; }
};

// Reads the file at path; its name in error messages is path as given.
CsvTable read_csv(const std::string& path);
// The same from a stream; `name` stands for the file in error messages.
CsvTable parse_csv(std::istream& in, const std::string& name);

enum class Task { Auto, Classification, Regression };
Task parse_task(const std::string& name);  // "auto", "classification", "regression"; UsageError
std::string task_name(Task task);

// Task::Auto picks classification when every target value is an integer and there are
// at most this many distinct values; --task classification allows up to kMaxClasses.
inline constexpr size_t kAutoMaxClasses = 20;
inline constexpr size_t kMaxClasses = 100;

// The table split into features and one target column.
struct CsvDataset {
    Tensor X;                                // [n, d], the other columns in file order
    std::vector<std::string> feature_names;  // d names
    std::string target_name;
    Task task = Task::Regression;            // never Auto once decided
    std::vector<int> labels;                 // classification: n labels in 0..k-1
    std::vector<float> class_values;         // classification: the k original values, ascending
    std::vector<float> targets;              // regression: n target values
    size_t size() const { return X.rank() == 2 ? X.dim(0) : 0; }
    size_t classes() const { return class_values.size(); }
};

// Throws DataError when the target column is missing (listing the columns), when no
// feature column is left, when a classification target has one value only or more
// than kMaxClasses, and UsageError for nothing (task is already parsed). `file` names
// the data in the messages.
CsvDataset split_target(const CsvTable& table, const std::string& target, Task task,
                        const std::string& file);

// The given rows of a data set, in that order (a train or test split).
CsvDataset subset(const CsvDataset& data, const std::vector<size_t>& rows);

// A random split: round(test_fraction * n) rows for the test, the rest for training,
// drawn with rng. Throws DataError when either part would be empty.
void train_test_split(const CsvDataset& data, double test_fraction, Rng& rng, CsvDataset& train,
                      CsvDataset& test);

// Per-column mean and standard deviation, computed on the training split only, so that
// nothing about the test set leaks into training. A constant column gets sd 1.
struct Standardizer {
    std::vector<float> mean, sd;
};
Standardizer fit_standardizer(const Tensor& X);  // X [n, d]
void standardize(const Standardizer& s, Tensor& X);         // x <- (x - mean) / sd, in place
void unstandardize(const Standardizer& s, Tensor& X);       // x <- x sd + mean

// A data set made ready for a network: split at random (train_test_split), then the
// features, and a regression's target, standardized with the training statistics.
struct PreparedData {
    CsvDataset train, test;         // as given, in the data's own units (for plots and errors)
    Tensor X_train, X_test;         // standardized features [n, d]
    Tensor y_train, y_test;         // regression: standardized targets [n, 1]; else empty
    Standardizer x_scale, y_scale;  // y_scale: regression only
};
PreparedData prepare(const CsvDataset& all, double test_fraction, Rng& rng);

}  // namespace nn
