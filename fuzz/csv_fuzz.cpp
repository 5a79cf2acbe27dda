// Fuzzes nn::parse_csv (common/csv.hpp), the reader of a learner's own data for the
// playground, and nn::split_target on what it accepts, with the last column as the
// target and each of the three tasks.
//
// Promises checked beyond "no crash, no leak, no undefined behaviour":
// - the only exception is nn::DataError;
// - an accepted table has named, distinct columns and [rows >= 1, columns] finite values;
// - split_target refuses exactly what its header says: a regression only when no
//   feature is left, a classification also when the target has fewer than 2 or more
//   than kMaxClasses values; auto picks classification exactly when every target is
//   an integer and there are at most kAutoMaxClasses of them;
// - an accepted split is the table: X is its other columns in order, a regression's
//   targets are the target column, a classification's labels number the sorted
//   distinct values (class_values[label] is the row's target).
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "common/csv.hpp"
#include "fuzz/fuzz.hpp"

namespace {

void check_table(const nn::CsvTable& table) {
    const size_t n = table.rows(), columns = table.columns.size();
    assert(columns >= 1 && n >= 1);
    assert(table.values.rank() == 2 && table.values.dim(1) == columns);
    std::set<std::string> names(table.columns.begin(), table.columns.end());
    assert(names.size() == columns && !names.count(""));
    for (float v : table.values.span()) assert(std::isfinite(v));
}

void check_split(const nn::CsvTable& table, nn::Task task) {
    const size_t n = table.rows(), d = table.columns.size() - 1;
    const std::string& target = table.columns.back();
    std::set<float> distinct;
    for (size_t i = 0; i < n; ++i) distinct.insert(table.values(i, d));
    bool integers = true;
    for (float v : distinct) integers = integers && v == std::round(v);
    const nn::Task expected =
        task != nn::Task::Auto ? task
        : integers && distinct.size() <= nn::kAutoMaxClasses ? nn::Task::Classification : nn::Task::Regression;
    const bool refusable = d == 0 || (expected == nn::Task::Classification &&
                                      (distinct.size() < 2 || distinct.size() > nn::kMaxClasses));

    nn::CsvDataset data;
    if (auto why = fuzz::refusal([&] { data = nn::split_target(table, target, task, "data.csv"); })) {
        if (!refusable) fuzz::fail("split_target (" + nn::task_name(task) + ") refused a good table: " + *why);
        return;
    }
    if (refusable) fuzz::fail("split_target (" + nn::task_name(task) + ") accepted a table it must refuse");
    assert(data.task == expected && data.target_name == target && data.size() == n);
    assert(data.X.rank() == 2 && data.X.dim(1) == d && data.feature_names.size() == d);
    for (size_t j = 0; j < d; ++j) assert(data.feature_names[j] == table.columns[j]);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) assert(data.X(i, j) == table.values(i, j));
    if (expected == nn::Task::Regression) {
        assert(data.targets.size() == n && data.labels.empty() && data.class_values.empty());
        for (size_t i = 0; i < n; ++i) assert(data.targets[i] == table.values(i, d));
        return;
    }
    assert(data.targets.empty() && data.labels.size() == n && data.classes() == distinct.size());
    assert(std::set<float>(data.class_values.begin(), data.class_values.end()) == distinct);
    for (size_t k = 1; k < data.classes(); ++k) assert(data.class_values[k - 1] < data.class_values[k]);
    for (size_t i = 0; i < n; ++i) {
        const int label = data.labels[i];
        assert(label >= 0 && size_t(label) < data.classes());
        assert(data.class_values[size_t(label)] == table.values(i, d));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    nn::CsvTable table;
    if (fuzz::refusal([&] { table = nn::parse_csv(in, "data.csv"); })) return 0;
    check_table(table);
    for (nn::Task task : {nn::Task::Auto, nn::Task::Classification, nn::Task::Regression}) check_split(table, task);
    return 0;
}
