#include "common/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>

#include "common/errors.hpp"

namespace nn {

namespace {

std::string trim(const std::string& text) {
    size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::string at_line(const std::string& name, size_t line) { return name + " line " + std::to_string(line); }

// The cells of one line. A cell may be "quoted" (then it may hold commas, and "" stands
// for one quote); spaces around a cell are dropped.
std::vector<std::string> split_cells(const std::string& line, const std::string& where) {
    std::vector<std::string> cells;
    std::string cell;
    bool in_quotes = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (in_quotes) {
            bool doubled = c == '"' && i + 1 < line.size() && line[i + 1] == '"';
            if (doubled) cell += '"', ++i;
            else if (c == '"') in_quotes = false;
            else cell += c;
        } else if (c == '"' && trim(cell).empty()) {
            in_quotes = true;
            cell.clear();
        } else if (c == ',') {
            cells.push_back(trim(cell));
            cell.clear();
        } else {
            cell += c;
        }
    }
    if (in_quotes) throw DataError(where + ": a quote (\") opens and never closes");
    cells.push_back(trim(cell));
    return cells;
}

float parse_number(const std::string& cell, const std::string& where) {
    if (cell.empty())
        throw DataError(where + ": an empty cell (missing values are not supported: fill it in or delete the row)");
    // from_chars reads no '+', so one is skipped; a sign after it is not a number ("+-5").
    if (cell.starts_with("+-")) throw DataError(where + ": '" + cell + "' is not a number");
    const char* first = cell.data() + (cell[0] == '+' ? 1 : 0);
    const char* last = cell.data() + cell.size();
    float value = 0;
    auto [end, error] = std::from_chars(first, last, value);
    if (error == std::errc::result_out_of_range) throw DataError(where + ": '" + cell + "' is out of float range");
    if (error != std::errc() || end != last) throw DataError(where + ": '" + cell + "' is not a number");
    if (!std::isfinite(value)) throw DataError(where + ": '" + cell + "' is not a finite number");
    return value;
}

void check_header(const std::vector<std::string>& columns, const std::string& where) {
    std::set<std::string> seen;
    for (size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].empty())
            throw DataError(where + ": column " + std::to_string(c + 1) + " of the header has no name");
        if (!seen.insert(columns[c]).second) throw DataError(where + ": two columns are named '" + columns[c] + "'");
    }
}

bool blank(const std::string& line) { return trim(line).empty(); }

std::string column_list(const std::vector<std::string>& columns) {
    std::string list;
    for (size_t c = 0; c < columns.size() && c < 20; ++c) list += (c ? ", " : "") + columns[c];
    return columns.size() > 20 ? list + ", ..." : list;
}

}  // namespace

CsvTable parse_csv(std::istream& in, const std::string& name) {
    CsvTable table;
    std::vector<float> values;
    bool have_header = false;
    size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();  // a file from Windows
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 mark from Excel
        if (blank(line)) continue;
        std::string where = at_line(name, number);
        std::vector<std::string> cells = split_cells(line, where);
        if (!have_header) {
            check_header(cells, where);
            table.columns = std::move(cells);
            have_header = true;
            continue;
        }
        if (cells.size() != table.columns.size())
            throw DataError(where + ": " + std::to_string(cells.size()) + (cells.size() == 1 ? " cell" : " cells") +
                            ", the header has " + std::to_string(table.columns.size()));
        for (size_t c = 0; c < cells.size(); ++c)
            values.push_back(parse_number(cells[c], where + ", column '" + table.columns[c] + "'"));
    }
    if (!have_header) throw DataError(name + ": the file is empty (a CSV needs a header line of column names)");
    if (values.empty()) throw DataError(name + ": a header line but no rows of data");
    size_t rows = values.size() / table.columns.size();
    table.values = Tensor({rows, table.columns.size()});
    std::copy(values.begin(), values.end(), table.values.data());
    return table;
}

CsvTable read_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open the file (does it exist?)");
    return parse_csv(in, path);
}

Task parse_task(const std::string& name) {
    if (name == "auto") return Task::Auto;
    if (name == "classification") return Task::Classification;
    if (name == "regression") return Task::Regression;
    throw UsageError("unknown task '" + name + "' (choose auto, classification or regression)");
}

std::string task_name(Task task) {
    switch (task) {
        case Task::Auto: return "auto";
        case Task::Classification: return "classification";
        case Task::Regression: return "regression";
    }
    return "?";
}

namespace {

Task decide_task(Task asked, const std::set<float>& distinct) {
    if (asked != Task::Auto) return asked;
    bool integers = std::all_of(distinct.begin(), distinct.end(), [](float v) { return v == std::round(v); });
    return integers && distinct.size() <= kAutoMaxClasses ? Task::Classification : Task::Regression;
}

}  // namespace

CsvDataset split_target(const CsvTable& table, const std::string& target, Task task, const std::string& file) {
    auto found = std::find(table.columns.begin(), table.columns.end(), target);
    if (found == table.columns.end())
        throw DataError(file + ": no column '" + target + "' (columns: " + column_list(table.columns) + ")");
    size_t t = size_t(found - table.columns.begin()), n = table.rows(), d = table.columns.size() - 1;
    if (d == 0) throw DataError(file + ": '" + target + "' is the only column, which leaves no features to learn from");

    CsvDataset data;
    data.target_name = target;
    for (size_t c = 0; c < table.columns.size(); ++c)
        if (c != t) data.feature_names.push_back(table.columns[c]);
    data.X = Tensor({n, d});
    std::vector<float> y(n);
    std::set<float> distinct;
    // X [n, d]: row i of the table without its target cell.
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0, j = 0; c <= d; ++c)
            if (c != t) data.X(i, j++) = table.values(i, c);
        y[i] = table.values(i, t);
        distinct.insert(y[i]);
    }
    data.task = decide_task(task, distinct);
    if (data.task == Task::Regression) {
        data.targets = std::move(y);
        return data;
    }
    if (distinct.size() < 2)
        throw DataError(file + ": column '" + target + "' holds a single value, so there is nothing to classify");
    if (distinct.size() > kMaxClasses)
        throw DataError(file + ": column '" + target + "' has " + std::to_string(distinct.size()) +
                        " distinct values, too many classes (at most " + std::to_string(kMaxClasses) +
                        "); is it a regression target?");
    data.class_values.assign(distinct.begin(), distinct.end());
    for (float v : y)
        data.labels.push_back(int(std::lower_bound(data.class_values.begin(), data.class_values.end(), v) -
                                  data.class_values.begin()));
    return data;
}

CsvDataset subset(const CsvDataset& data, const std::vector<size_t>& rows) {
    CsvDataset part;
    part.feature_names = data.feature_names;
    part.target_name = data.target_name;
    part.task = data.task;
    part.class_values = data.class_values;
    size_t d = data.X.dim(1);
    part.X = Tensor({rows.size(), d});
    for (size_t r = 0; r < rows.size(); ++r) {
        auto src = data.X.row(rows[r]);
        std::copy(src.begin(), src.end(), part.X.row(r).begin());
        if (!data.labels.empty()) part.labels.push_back(data.labels[rows[r]]);
        if (!data.targets.empty()) part.targets.push_back(data.targets[rows[r]]);
    }
    return part;
}

void train_test_split(const CsvDataset& data, double test_fraction, Rng& rng, CsvDataset& train, CsvDataset& test) {
    size_t n = data.size(), n_test = size_t(std::lround(test_fraction * double(n)));
    if (n_test == 0 || n_test >= n)
        throw DataError(std::to_string(n) + " rows with a test fraction of " + std::to_string(test_fraction) +
                        " leave " + (n_test == 0 ? "no test row" : "no training row") +
                        "; give more rows or change --test-fraction");
    std::vector<size_t> order = rng.permutation(n);
    test = subset(data, {order.begin(), order.begin() + long(n_test)});
    train = subset(data, {order.begin() + long(n_test), order.end()});
}

Standardizer fit_standardizer(const Tensor& X) {
    size_t n = X.dim(0), d = X.dim(1);
    std::vector<double> mean(d, 0.0), variance(d, 0.0);
    // X [n, d], two passes in double: the means, then the squared deviations from them
    // (one pass of sum x^2 - n mean^2 cancels badly when the mean is large).
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) mean[j] += X(i, j);
    for (double& m : mean) m = n ? m / double(n) : 0.0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) variance[j] += (X(i, j) - mean[j]) * (X(i, j) - mean[j]);
    Standardizer s{std::vector<float>(d), std::vector<float>(d)};
    for (size_t j = 0; j < d; ++j) {
        double sd = n ? std::sqrt(variance[j] / double(n)) : 0.0;
        s.mean[j] = float(mean[j]);
        s.sd[j] = sd > 0 ? float(sd) : 1.0f;
    }
    return s;
}

void standardize(const Standardizer& s, Tensor& X) {
    for (size_t i = 0; i < X.dim(0); ++i)
        for (size_t j = 0; j < X.dim(1); ++j) X(i, j) = (X(i, j) - s.mean[j]) / s.sd[j];
}

void unstandardize(const Standardizer& s, Tensor& X) {
    for (size_t i = 0; i < X.dim(0); ++i)
        for (size_t j = 0; j < X.dim(1); ++j) X(i, j) = X(i, j) * s.sd[j] + s.mean[j];
}

namespace {

Tensor column_of(const std::vector<float>& values) {
    Tensor T({values.size(), 1});
    std::copy(values.begin(), values.end(), T.data());
    return T;
}

}  // namespace

PreparedData prepare(const CsvDataset& all, double test_fraction, Rng& rng) {
    PreparedData d;
    train_test_split(all, test_fraction, rng, d.train, d.test);
    d.x_scale = fit_standardizer(d.train.X);
    d.X_train = d.train.X;
    d.X_test = d.test.X;
    standardize(d.x_scale, d.X_train);
    standardize(d.x_scale, d.X_test);
    if (all.task == Task::Regression) {
        d.y_train = column_of(d.train.targets);
        d.y_test = column_of(d.test.targets);
        d.y_scale = fit_standardizer(d.y_train);
        standardize(d.y_scale, d.y_train);
        standardize(d.y_scale, d.y_test);
    }
    return d;
}

}  // namespace nn
