// Chapter 3, program: a playground after TensorFlow Playground. A small multilayer
// perceptron learns a two-dimensional toy set (or a CSV file of your own) by
// backpropagation and mini-batch SGD, and every picture of the Playground is drawn:
// the decision boundary as training goes (GIF) and at the end, what each hidden unit
// computes over the input plane, the loss curves, and the network with its weights.
//
//   build/release/bin/03-backpropagation/playground [--set spiral] [--hidden 8,8] [--activation tanh]
//   build/release/bin/03-backpropagation/playground --csv data.csv --target label [--task auto]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "03-backpropagation/diagram.hpp"
#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"
#include "common/toy_data.hpp"
#include "common/trace.hpp"

namespace {

using bp::Network;
using nn::Tensor;

struct Settings {
    std::string set, csv, target, task = "auto", hidden = "8,8", activation = "tanh";
    bp::TrainOptions train{0.1f, 10, 0.0f, 0.0f};
    int batch = 10, points = 500;
    float noise = 0.2f, test_fraction = 0.5f;
};

// ---------------------------------------------------------------- the data

// A toy set in the CSV's terms: features x1, x2, a label 0 or 1.
nn::CsvDataset from_toy(const nn::Dataset2D& toy) {
    return {toy.X, {"x1", "x2"}, "class", nn::Task::Classification, toy.y, {0.0f, 1.0f}, {}};
}

// The data (both splits as given and as the network sees them) and the targets of the output layer.
struct Problem : nn::PreparedData {
    std::string name;
    bool toy = false;
    Tensor Y_train, Y_test;
    bool regression() const { return train.task == nn::Task::Regression; }
    // One sigmoid for two classes (as in the Playground), a softmax for more.
    size_t outputs() const { return regression() || train.classes() == 2 ? 1 : train.classes(); }
    bool plane() const { return train.X.dim(1) == 2 && (regression() || train.classes() <= 10); }
};

// What the output layer is trained toward: a standardized target, a 0/1 label, or one-hot rows.
Tensor targets_of(const Problem& p, const nn::CsvDataset& part, const Tensor& y) {
    if (p.regression()) return y;
    if (p.outputs() > 1) return bp::one_hot(part.labels, p.outputs());
    Tensor Y({part.size(), 1});
    for (size_t i = 0; i < part.size(); ++i) Y[i] = float(part.labels[i]);
    return Y;
}

Problem load_problem(const Settings& s, nn::Rng& rng) {
    Problem p;
    p.toy = s.csv.empty();
    p.name = p.toy ? s.set : std::filesystem::path(s.csv).filename().string();
    nn::CsvDataset all = p.toy ? from_toy(nn::make_toy(nn::parse_toy(s.set), size_t(s.points), s.noise, rng))
                               : nn::split_target(nn::read_csv(s.csv), s.target, nn::parse_task(s.task), s.csv);
    static_cast<nn::PreparedData&>(p) = nn::prepare(all, s.test_fraction, rng);
    p.Y_train = targets_of(p, p.train, p.y_train);
    p.Y_test = targets_of(p, p.test, p.y_test);
    return p;
}

std::string class_name(const nn::CsvDataset& d, size_t c) {
    return d.target_name + " " + nn::significant(d.class_values[c], 6);
}

std::string describe(const Problem& p, const Settings& s) {
    std::string what = p.regression() ? "regression of '" + p.train.target_name + "'"
                                      : std::to_string(p.train.classes()) + " classes of '" + p.train.target_name + "'";
    std::string origin = p.toy ? ", noise " + nn::significant(s.noise)
                               : ", " + std::to_string(p.train.X.dim(1)) + " features";
    return p.name + ": " + what + origin + "; " + std::to_string(p.train.size()) + " training and " +
           std::to_string(p.test.size()) + " test rows";
}

// ---------------------------------------------------------------- evaluation

int predicted_class(std::span<const float> out) {
    if (out.size() == 1) return out[0] >= 0.5f ? 1 : 0;
    return int(nn::argmax(out));
}

double accuracy_of(const Tensor& A, const std::vector<int>& labels) {
    size_t right = 0;
    for (size_t i = 0; i < labels.size(); ++i) right += predicted_class(A.row(i)) == labels[i];
    return double(right) / double(labels.size());
}

// Root mean square error in the target's own units (the network predicts it standardized).
double rmse_of(const Tensor& A, const Problem& p, const std::vector<float>& targets) {
    double total = 0;
    for (size_t i = 0; i < targets.size(); ++i) {
        double e = A[i] * p.y_scale.sd[0] + p.y_scale.mean[0] - targets[i];
        total += e * e;
    }
    return std::sqrt(total / double(targets.size()));
}

// One row of the metrics: loss on both splits, then accuracy or RMSE on both.
std::vector<double> metrics_row(const Network& net, const Problem& p, int epoch) {
    Tensor A_train = bp::predict(net, p.X_train), A_test = bp::predict(net, p.X_test);
    bp::Activation f = net.layers.back().f;
    std::vector<double> row{double(epoch), bp::cost_value(net.cost, f, A_train, p.Y_train),
                            bp::cost_value(net.cost, f, A_test, p.Y_test)};
    for (auto [A, part] : {std::pair{&A_train, &p.train}, std::pair{&A_test, &p.test}})
        row.push_back(p.regression() ? rmse_of(*A, p, part->targets) : accuracy_of(*A, part->labels));
    return row;
}

// ---------------------------------------------------------------- pictures of the plane

// The window the plane plots show, in the features' own units.
struct Window {
    double x0, x1, y0, y1;
};

Window window_of(const Problem& p) {
    if (p.toy) return {-6, 6, -6, 6};
    double lo[2] = {1e30, 1e30}, hi[2] = {-1e30, -1e30};
    for (const Tensor* X : {&p.train.X, &p.test.X})
        for (size_t i = 0; i < X->dim(0); ++i)
            for (size_t j = 0; j < 2; ++j) {
                lo[j] = std::min(lo[j], double((*X)(i, j)));
                hi[j] = std::max(hi[j], double((*X)(i, j)));
            }
    double mx = 0.05 * (hi[0] - lo[0]) + 1e-6, my = 0.05 * (hi[1] - lo[1]) + 1e-6;
    return {lo[0] - mx, hi[0] + mx, lo[1] - my, hi[1] + my};
}

// The network's input at the n x n points of the window, standardized: [n * n, 2], row iy * n + ix.
Tensor grid_inputs(const Window& w, size_t n, const Problem& p) {
    Tensor G({n * n, 2});
    for (size_t iy = 0; iy < n; ++iy)
        for (size_t ix = 0; ix < n; ++ix) {
            G(iy * n + ix, 0) = float(w.x0 + (w.x1 - w.x0) * double(ix) / double(n - 1));
            G(iy * n + ix, 1) = float(w.y0 + (w.y1 - w.y0) * double(iy) / double(n - 1));
        }
    nn::standardize(p.x_scale, G);
    return G;
}

nn::Grid grid_of(const Window& w, size_t n, std::vector<float> values) {
    return {w.x0, w.x1, w.y0, w.y1, n, n, std::move(values)};
}

// The classes' point colours (plot.cpp's Tableau 10), and pale versions for the regions.
const char* const kClassColors[10] = {"#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
                                      "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"};
const char* const kRegionColors[10] = {"#C9D7E5", "#FAD2AE", "#F3BCBD", "#D0E6E4", "#C2DDBE",
                                       "#F7EBB9", "#DFCDDA", "#FFD9DE", "#D7C9BF", "#E3DFDD"};

// Training rows with the given label (all of them for label -1) as plain discs: the dark
// rings of add_points blacken small points in a GIF.
void add_rows(nn::Figure& figure, const nn::CsvDataset& d, int label, const std::string& title, const char* color) {
    nn::Series points{title, {}, {}, std::string("points pt 7 ps 0.9 lc rgb '") + color + "'"};
    for (size_t i = 0; i < d.size(); ++i)
        if (label < 0 || d.labels[i] == label) points.x.push_back(d.X(i, 0)), points.y.push_back(d.X(i, 1));
    figure.add(std::move(points));
}

nn::Figure plane_figure(const Network& net, const Problem& p, const std::string& title) {
    Window w = window_of(p);
    nn::Axes axes = nn::plane_axes(title, w.x0, w.x1);
    if (!p.toy) axes.square = false, axes.yrange = {w.y0, w.y1};
    axes.xlabel = p.train.feature_names[0], axes.ylabel = p.train.feature_names[1];
    nn::Figure figure(axes);
    const size_t n = 61;
    bool regions = !p.regression() && p.outputs() > 1;
    // A field is sampled at the corners of an n x n grid; regions at the centres of its
    // cells, each drawn as a square a little larger than the cell so that no gaps show.
    double hx = regions ? (w.x1 - w.x0) / (2.0 * n) : 0, hy = regions ? (w.y1 - w.y0) / (2.0 * n) : 0;
    Window at{w.x0 + hx, w.x1 - hx, w.y0 + hy, w.y1 - hy};
    Tensor A = bp::predict(net, grid_inputs(at, n, p));
    if (p.regression()) {
        std::vector<float> values(n * n);
        for (size_t i = 0; i < n * n; ++i) values[i] = A[i] * p.y_scale.sd[0] + p.y_scale.mean[0];
        auto [lo, hi] = std::minmax_element(p.train.targets.begin(), p.train.targets.end());
        figure.add_heatmap(grid_of(w, n, values), nn::Palette::Heat, std::pair{double(*lo), double(*hi)});
        add_rows(figure, p.train, -1, "training rows", "#333333");
        return figure;
    }
    if (p.outputs() == 1) {  // the probability of class 1, and where it crosses 1/2
        nn::Grid field = grid_of(w, n, {A.span().begin(), A.span().end()});
        figure.add_heatmap(field, nn::Palette::TwoClass, std::pair{0.0, 1.0});
        figure.add_contours(field, {0.5}, "lines lw 2 lc rgb '#333333'");
    } else {  // each cell in the pale colour of the class the network picks there
        std::vector<nn::Series> cells(p.outputs());
        for (size_t i = 0; i < n * n; ++i) {
            nn::Series& cell = cells[size_t(predicted_class(A.row(i)))];
            cell.x.push_back(at.x0 + (at.x1 - at.x0) * double(i % n) / double(n - 1));
            cell.y.push_back(at.y0 + (at.y1 - at.y0) * double(i / n) / double(n - 1));
        }
        for (size_t c = 0; c < cells.size(); ++c)
            figure.add({"", cells[c].x, cells[c].y,
                        std::string("points pt 5 ps 2.4 lc rgb '") + kRegionColors[c] + "'"});
    }
    for (size_t c = 0; c < p.train.classes(); ++c) add_rows(figure, p.train, int(c), class_name(p.train, c), kClassColors[c]);
    return figure;
}

// The colour scale of a unit: its activation's range; ReLU from 0 (blue: the unit is
// silent) to its largest value; linear symmetric about 0.
std::pair<double, double> range_of(bp::Activation f, float biggest) {
    if (f == bp::Activation::Sigmoid) return {0.0, 1.0};
    if (f == bp::Activation::Tanh) return {-1.0, 1.0};
    return {f == bp::Activation::ReLU ? 0.0 : -double(biggest), double(biggest)};
}

// One small heatmap per hidden unit: its activation over the plane, blue low, orange
// high. Each layer starts a row; at most 16 units of a layer are shown.
std::vector<nn::Figure> hidden_panels(const Network& net, const Problem& p, size_t& columns) {
    Window w = window_of(p);
    const size_t n = 41, L = net.layers.size();
    bp::Pass pass;
    bp::forward(net, grid_inputs(w, n, p), pass);
    columns = 1;
    for (size_t l = 0; l + 1 < L; ++l) columns = std::max(columns, std::min<size_t>(8, net.layers[l].outputs()));
    std::vector<nn::Figure> panels;
    const nn::Axes blank{.key = false, .frame = false};
    for (size_t l = 0; l + 1 < L; ++l) {
        const Tensor& A = pass.activations[l + 1];  // [n * n, units of layer l + 1]
        for (size_t u = 0; u < std::min<size_t>(16, A.dim(1)); ++u) {
            std::vector<float> values(n * n);
            float biggest = 1e-6f;
            for (size_t i = 0; i < n * n; ++i) values[i] = A(i, u), biggest = std::max(biggest, std::fabs(A(i, u)));
            nn::Axes axes = blank;
            axes.title = "layer " + std::to_string(l + 1) + ", unit " + std::to_string(u + 1);
            axes.square = p.toy;
            panels.push_back(nn::Figure(axes).add_heatmap(grid_of(w, n, values), nn::Palette::TwoClass,
                                                          range_of(net.layers[l].f, biggest)));
        }
        while (panels.size() % columns) panels.push_back(nn::Figure(blank));
    }
    return panels;
}

// ---------------------------------------------------------------- other pictures

nn::Figure curves_panel(const nn::MetricsLog& log, bool loss, const Problem& p, const Network& net) {
    std::string column = loss ? "loss" : p.regression() ? "rmse" : "accuracy";
    nn::Figure figure({.title = loss ? "Cost (" + bp::name_of(net.cost) + ") on " + p.name
                                     : p.regression() ? "RMSE of '" + p.train.target_name + "'" : "Accuracy",
                       .xlabel = "epoch",
                       .ylabel = loss ? "mean cost"
                                      : p.regression() ? "root mean square error" : "fraction classified right"});
    figure.add({"train", log.column("epoch"), log.column("train_" + column), "lines lw 3"});
    figure.add({"test", log.column("epoch"), log.column("test_" + column), "lines lw 3 dt 2"});
    return figure;
}

nn::Figure predictions_figure(const Network& net, const Problem& p) {
    nn::Figure figure({.title = "Test rows: the prediction against the true '" + p.train.target_name + "'",
                       .xlabel = "true " + p.train.target_name,
                       .ylabel = "predicted " + p.train.target_name});
    Tensor A = bp::predict(net, p.X_test);
    nn::Series rows{"test rows", {}, {}, "points pt 7 ps 0.8"};
    for (size_t i = 0; i < p.test.size(); ++i) {
        rows.x.push_back(p.test.targets[i]);
        rows.y.push_back(A[i] * p.y_scale.sd[0] + p.y_scale.mean[0]);
    }
    auto [lo, hi] = std::minmax_element(rows.x.begin(), rows.x.end());
    figure.add({"predicted = true", {*lo, *hi}, {*lo, *hi}, "lines lw 2 dt 2 lc rgb '#555555'"});
    return figure.add(std::move(rows));
}

// ---------------------------------------------------------------- training

// What `make compare` reads to find where a learner's backprop departs from the solution:
// at step 0 the output and gradients on the first ten training rows, before any update.
void trace_gradients(nn::Trace& trace, const Network& net, const Problem& p) {
    std::vector<size_t> first(std::min<size_t>(10, p.train.size()));
    std::iota(first.begin(), first.end(), size_t(0));
    Tensor x, y;
    nn::gather_rows(p.X_train, first, x);  // [10, d]
    nn::gather_rows(p.Y_train, first, y);  // [10, outputs]
    bp::Pass pass;
    bp::Gradients grads;
    bp::forward(net, x, pass);
    bp::backprop(net, pass, y, grads);
    trace.record(0, "output", pass.activations.back().span());
    for (size_t l = 0; l < grads.nabla_w.size(); ++l) {
        trace.record(0, "layer" + std::to_string(l + 1) + ".nabla_w", grads.nabla_w[l].span());
        trace.record(0, "layer" + std::to_string(l + 1) + ".nabla_b", grads.nabla_b[l]);
    }
}

// Then, as step e, the weights after epoch e (a wrong update rule shows here).
void trace_weights(nn::Trace& trace, int step, const Network& net) {
    for (size_t l = 0; l < net.layers.size(); ++l) {
        trace.record(step, "layer" + std::to_string(l + 1) + ".W", net.layers[l].W.span());
        trace.record(step, "layer" + std::to_string(l + 1) + ".b", net.layers[l].b);
    }
}

Network make_model(const Problem& p, const std::vector<size_t>& hidden, bp::Activation f, nn::Rng& rng) {
    std::vector<size_t> sizes{p.train.X.dim(1)};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(p.outputs());
    bp::Activation output = p.regression() ? bp::Activation::Linear
                            : p.outputs() == 1 ? bp::Activation::Sigmoid : bp::Activation::Softmax;
    bp::Cost cost = p.regression() ? bp::Cost::Quadratic : bp::Cost::CrossEntropy;
    return bp::make_network(sizes, f, output, cost, f == bp::Activation::ReLU ? bp::Init::He : bp::Init::Scaled, rng);
}

// "epoch 40  train_loss=0.3120  test_loss=0.3301  train_accuracy=0.8800  test_accuracy=0.8750"
std::string metrics_line(const nn::MetricsLog& log) {
    const std::vector<double>& row = log.rows().back();
    std::string line = "epoch " + std::to_string(int(row[0]));
    for (size_t c = 1; c < row.size(); ++c) line += "  " + log.columns()[c] + "=" + nn::fixed(row[c], 4);
    return line;
}

std::string frame_title(const Problem& p, const nn::MetricsLog& log) {
    const std::vector<double>& row = log.rows().back();
    return p.name + ", epoch " + std::to_string(int(row[0])) + ": train loss " + nn::fixed(row[1], 3) +
           (p.regression() ? ", test RMSE " + nn::significant(row[4], 3) : ", test accuracy " + nn::fixed(row[4], 3));
}

// The metrics after each epoch (epoch 0: the untrained network) and the frames of the GIF.
struct Training {
    nn::MetricsLog log;
    std::vector<nn::Figure> frames;
};

Training train_network(Network& net, const Problem& p, const Settings& s, int epochs, bool quick, nn::Rng& rng,
                       nn::Trace& trace) {
    std::string metric = p.regression() ? "rmse" : "accuracy";
    Training run{nn::MetricsLog({"epoch", "train_loss", "test_loss", "train_" + metric, "test_" + metric}, false), {}};
    int frame_every = std::max(1, epochs / (quick ? 10 : 30)), print_every = std::max(1, epochs / 20);
    auto record = [&](int epoch) {
        run.log.add(metrics_row(net, p, epoch));
        if (epoch % print_every == 0 || epoch == epochs) std::printf("%s\n", metrics_line(run.log).c_str());
        if (p.plane() && (epoch % frame_every == 0 || epoch == epochs))
            run.frames.push_back(plane_figure(net, p, frame_title(p, run.log)));
    };
    record(0);
    if (trace.enabled()) trace_gradients(trace, net, p);
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        bp::train_epoch(net, p.X_train, p.Y_train, s.train, rng, epoch);
        if (trace.wants(epoch)) trace_weights(trace, epoch, net);
        record(epoch);
    }
    trace.close();
    return run;
}

void write_figures(const Network& net, const Problem& p, const nn::MetricsLog& log,
                   const std::vector<nn::Figure>& frames, nn::Outputs& out) {
    std::string what = p.regression() ? "the prediction of '" + p.train.target_name + "' (dark red high)"
                       : p.outputs() == 1 ? "the probability of class 1 (blue 0, orange 1; the line is p = 1/2)"
                                          : "the class the network picks at each point";
    if (p.plane()) {
        nn::save_gif(frames, out.path("playground_boundary.gif"), {760, 600}, 25);
        out.figure("playground_boundary.gif", "Training as it goes: " + what + " over the input plane, with the "
                   "training points. The boundary starts as nearly a line and bends as the hidden units specialize.");
        nn::save_png(frames.back(), out.path("playground_boundary.png"), {900, 720});
        out.figure("playground_boundary.png", "After training: " + what + ", with the training points.");
        size_t columns = 1;
        std::vector<nn::Figure> panels = hidden_panels(net, p, columns);
        if (!panels.empty()) {
            int width = int(150 * columns) + 20, height = int(160 * (panels.size() / columns)) + 20;
            nn::save_png(panels, int(columns), out.path("playground_hidden.png"), {width, height});
            out.figure("playground_hidden.png", "What each hidden unit computes over the same plane, one row per "
                       "layer (blue low, orange high). The first layer can only draw soft lines; the next layers "
                       "combine them into the curved regions of the output.");
        }
    }
    nn::save_png({curves_panel(log, true, p, net), curves_panel(log, false, p, net)}, 2,
                 out.path("playground_curves.png"), {1300, 550});
    out.figure("playground_curves.png", "The mean cost and the " + std::string(p.regression() ? "RMSE" : "accuracy") +
               " on the training and the test rows after each epoch (epoch 0: the untrained network).");
    if (p.regression()) {
        nn::save_png(predictions_figure(net, p), out.path("playground_predictions.png"), {800, 700});
        out.figure("playground_predictions.png", "Each test row's prediction against its true value; a perfect "
                   "model puts every point on the dashed diagonal.");
    }
    nn::save_png(bp::network_diagram(net, "The network after training on " + p.name),
                 out.path("playground_network.png"), {1000, 650});
    out.figure("playground_network.png", "The trained network: red weights are positive, blue negative, and a "
               "line is thicker and darker the larger |w| is against the largest |w| of its layer.");
}

// --set and --target have no default: check() tells whether they were given.
void declare_options(nn::Cli& cli, Settings& s) {
    cli.word_option("set", s.set, "circle, xor, gauss, spiral or moons (default spiral)");
    cli.file_option("csv", s.csv, "learn this CSV file instead: a header line, then rows of numbers");
    cli.word_option("target", s.target, "with --csv: the column to predict");
    cli.option("task", s.task, "with --csv: auto, classification or regression");
    cli.option("hidden", s.hidden, "sizes of the hidden layers, or none", {}, "SIZES");
    cli.option("activation", s.activation, "of the hidden units: tanh, relu, sigmoid or linear");
    cli.option("eta", s.train.eta, "learning rate", nn::learning_rate());
    cli.option("batch", s.batch, "examples per mini-batch", nn::positive());
    cli.option("lambda", s.train.lambda, "L2 regularization strength", nn::between(0, 1e6));
    cli.option("points", s.points, "toy set: points in all (train and test)", nn::between(4, 1e7));
    cli.option("noise", s.noise, "toy set: noise, 0 to 1", nn::between(0, 1));
    cli.option("test-fraction", s.test_fraction, "share of the rows kept for the test", nn::between(0.05, 0.95));
}

void check(Settings& s) {
    if (!s.csv.empty() && !s.set.empty())
        throw nn::UsageError("--set and --csv exclude each other: choose one data set");
    if (s.csv.empty() && !s.target.empty()) throw nn::UsageError("--target only goes with --csv FILE");
    if (!s.csv.empty() && s.target.empty()) throw nn::UsageError("--csv needs --target COLUMN, the column to predict");
    if (s.csv.empty() && s.set.empty()) s.set = "spiral";
    if (s.csv.empty()) nn::parse_toy(s.set);
    nn::parse_task(s.task);
    s.train.batch = size_t(s.batch);
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("playground", "A small MLP on a 2-D toy set or on your own CSV file, drawn as TensorFlow "
                    "Playground draws it", "out/03-backpropagation");
        cli.add_epochs(1000);
        Settings s;
        declare_options(cli, s);
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        check(s);
        std::vector<size_t> hidden = nn::parse_sizes("--hidden", s.hidden);
        bp::Activation f = bp::parse_activation(s.activation);

        nn::Rng rng(opt.seed);
        Problem p = load_problem(s, rng);
        Network net = make_model(p, hidden, f, rng);
        std::printf("%s\n%s", describe(p, s).c_str(), bp::summary(net).c_str());
        int epochs = opt.epochs;  // training is cheap here: --quick draws fewer frames instead
        nn::Outputs out(opt, "playground");
        nn::Trace trace(opt.trace);

        nn::Stopwatch watch;
        Training run = train_network(net, p, s, epochs, opt.quick, rng, trace);
        double seconds = watch.seconds();
        run.log.write_csv(out.path("playground.csv"));
        write_figures(net, p, run.log, run.frames, out);

        std::string metric = p.regression() ? "rmse" : "accuracy";
        const std::vector<double>& last = run.log.rows().back();
        out.result({{"data_set", p.toy ? p.name : "csv"},
                    {"test_" + metric, nn::fixed(last[4], 4)},
                    {"train_" + metric, nn::fixed(last[3], 4)},
                    {"test_loss", nn::fixed(last[2], 4)},
                    {"epochs", std::to_string(epochs)},
                    {"seconds", nn::fixed(seconds, 1)}});
    });
}
