// Chapter 1, program 2: Rosenblatt's rule on the logic gates AND, OR, NAND and
// XOR. The first three are linearly separable and are learned in a few epochs;
// XOR is not, and the perceptron keeps making mistakes forever.
//
//   build/release/bin/01-perceptron/logic_gates [--epochs 20] [--eta 1] [--trace FILE]
#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "01-perceptron/perceptron.hpp"
#include "common/cli.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/trace.hpp"

namespace {

using perceptron::Perceptron;

struct Gate {
    std::string name;
    std::array<int, 4> targets;  // for the inputs 00, 01, 10, 11
};

const std::array<Gate, 4> kGates{{
    {"AND", {0, 0, 0, 1}},
    {"OR", {0, 1, 1, 1}},
    {"NAND", {1, 1, 1, 0}},
    {"XOR", {0, 1, 1, 0}},
}};

// The four inputs {0, 1}^2, one per row: X [4, 2].
nn::Tensor gate_inputs() {
    nn::Tensor X({4, 2});
    for (size_t i = 0; i < 4; ++i) {
        X(i, 0) = float(i / 2);
        X(i, 1) = float(i % 2);
    }
    return X;
}

struct GateRun {
    Perceptron p{{0.0f, 0.0f}, 0.0f};
    std::vector<int> mistakes;  // per epoch
    // The first epoch without a mistake (1-based), if any.
    std::optional<int> converged_at() const {
        auto it = std::find(mistakes.begin(), mistakes.end(), 0);
        if (it == mistakes.end()) return std::nullopt;
        return int(it - mistakes.begin()) + 1;
    }
};

// What the learner's code produces for one gate after an epoch: the weights,
// and z and o on the four inputs.
void trace_gate(nn::Trace& trace, int epoch, const Gate& gate, const GateRun& run,
                const nn::Tensor& X) {
    if (!trace.wants(epoch)) return;
    std::vector<float> z, o;
    for (size_t i = 0; i < 4; ++i) {
        z.push_back(perceptron::weighted_sum(run.p, X.row(i)));
        o.push_back(float(perceptron::predict(run.p, X.row(i))));
    }
    trace.record(epoch, gate.name + ".w", run.p.w);
    trace.record(epoch, gate.name + ".b", run.p.b);
    trace.record(epoch, gate.name + ".mistakes", float(run.mistakes.back()));
    trace.record(epoch, gate.name + ".z", z);
    trace.record(epoch, gate.name + ".o", o);
}

// One panel: the output o over the square as a field, the four points colored by their
// target, and the learned line, with a legend of its own beside it. The points are drawn
// over the line, with a dark ring. A learned line often passes exactly through a point:
// the rule stops changing w once every point is on its right side, and a point with
// target 0 on the line (z = 0) already is, since o = step(0) = 0. Such points get a
// second, wider ring, named in the legend, rather than being nudged off the line.
nn::Figure gate_panel(const Gate& gate, const GateRun& run, const nn::Tensor& X) {
    const double lo = -0.5, hi = 1.5;
    char weights[80];
    std::snprintf(weights, sizeof weights, ": w = (%g, %g), b = %g", run.p.w[0], run.p.w[1], run.p.b);
    nn::Figure figure(
        nn::plane_axes(gate.name + (run.converged_at() ? " (learned)" : " (not learned)") + weights, lo, hi));
    nn::Grid field{lo, hi, lo, hi, 101, 101, {}};
    // field.values [ny, nx]
    for (size_t iy = 0; iy < field.ny; ++iy)
        for (size_t ix = 0; ix < field.nx; ++ix) {
            float x[2] = {float(lo + (hi - lo) * double(ix) / 100.0),
                          float(lo + (hi - lo) * double(iy) / 100.0)};
            field.values.push_back(float(perceptron::predict(run.p, x)));
        }
    // Kept pale (range wider than 0..1) so that the points stand out.
    figure.add_heatmap(std::move(field), nn::Palette::TwoClass, std::pair{-1.5, 2.5});
    if (auto line = nn::line_in_square(run.p.w[0], run.p.w[1], run.p.b, lo, hi, "", "lines lw 3 lc rgb 'black'"))
        figure.add(std::move(*line));
    // Big discs, blue for target 0 and orange for target 1: four points only.
    const char* const colors[2] = {"#4E79A7", "#F28E2B"};
    nn::Series on_line{"", {}, {}, "points pt 6 ps 5 lw 2 lc rgb '#222222'"};
    for (int target : {0, 1}) {
        nn::Series points{"", {}, {}, std::string("points pt 7 ps 3.5 lc rgb '") + colors[target] + "'"};
        for (size_t i = 0; i < 4; ++i) {
            if (gate.targets[i] != target) continue;
            points.x.push_back(X(i, 0));
            points.y.push_back(X(i, 1));
            if (perceptron::weighted_sum(run.p, X.row(i)) == 0.0f) {
                on_line.x.push_back(X(i, 0));
                on_line.y.push_back(X(i, 1));
            }
        }
        nn::Series ring{"", points.x, points.y, "points pt 6 ps 3.5 lw 1 lc rgb '#333333'"};
        figure.add(std::move(points)).add(std::move(ring));
    }
    const bool any_on_line = !on_line.x.empty();
    if (any_on_line) figure.add(std::move(on_line));
    // The legend from samples smaller than the discs, so that it stays narrow beside a square panel.
    figure.add_key_entry("w . x + b = 0", "lines lw 3 lc rgb 'black'")
        .add_key_entry("target 0", std::string("points pt 7 ps 1.8 lc rgb '") + colors[0] + "'")
        .add_key_entry("target 1", std::string("points pt 7 ps 1.8 lc rgb '") + colors[1] + "'");
    if (any_on_line) figure.add_key_entry("on the line (z = 0): o = 0", "points pt 6 ps 2.4 lw 2 lc rgb '#222222'");
    // The shading: the colour the field has where o = 1 (TwoClass at 1 on the range -1.5 .. 2.5).
    return figure.add_key_entry("o = 1 (shaded)", "boxes fill solid 1.0 border lc rgb '#999999' lc rgb '#FDF0E3'");
}

void print_truth_table(const Gate& gate, const GateRun& run, const nn::Tensor& X) {
    std::printf("%s: w = (%g, %g), b = %g\n", gate.name.c_str(), run.p.w[0], run.p.w[1], run.p.b);
    std::printf("  x1 x2 | target  o\n");
    for (size_t i = 0; i < 4; ++i)
        std::printf("   %d  %d |   %d     %d%s\n", int(X(i, 0)), int(X(i, 1)), gate.targets[i],
                    perceptron::predict(run.p, X.row(i)),
                    perceptron::predict(run.p, X.row(i)) == gate.targets[i] ? "" : "  <- wrong");
}

std::string epochs_text(const GateRun& run) {
    auto at = run.converged_at();
    return at ? std::to_string(*at) : "never";
}

// Every gate trained side by side, one epoch at a time, in the classic presentation
// order 00, 01, 10, 11, the same every epoch: with four examples there is nothing to
// gain from shuffling. log gets each epoch's mistakes per gate.
std::array<GateRun, 4> train_gates(const nn::Tensor& X, int epochs, float eta, nn::Trace& trace,
                                   nn::MetricsLog& log) {
    const std::vector<size_t> order{0, 1, 2, 3};
    std::array<GateRun, 4> runs;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        std::vector<double> row{double(epoch + 1)};
        for (size_t g = 0; g < kGates.size(); ++g) {
            runs[g].mistakes.push_back(perceptron::train_epoch(runs[g].p, X, kGates[g].targets,
                                                               order, eta));
            row.push_back(runs[g].mistakes.back());
            trace_gate(trace, epoch, kGates[g], runs[g], X);
        }
        log.add(row);
    }
    return runs;
}

nn::Figure errors_figure(const nn::MetricsLog& log, float eta) {
    nn::Figure errors({.title = "Mistakes per epoch (eta = " + nn::fixed(eta, 2) + ")",
                       .xlabel = "epoch",
                       .ylabel = "mistakes in the epoch (of 4)",
                       .yrange = std::pair{-0.2, 4.2}});
    const std::array<std::string, 4> styles{"linespoints lw 3 pt 7 ps 1.6",
                                            "linespoints lw 3 pt 5 ps 1.2",
                                            "linespoints lw 3 pt 9 ps 1.0",
                                            "linespoints lw 3 pt 13 ps 1.4"};
    for (size_t g = 0; g < kGates.size(); ++g)
        errors.add({kGates[g].name, log.column("epoch"), log.column(log.columns()[g + 1]),
                    styles[g]});
    return errors;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("logic_gates", "Rosenblatt's rule on AND, OR, NAND and XOR", "out/01-perceptron");
        cli.add_epochs(20);
        float eta = 1.0f;
        cli.option("eta", eta, "learning rate eta in w <- w + eta (t - o) x", nn::learning_rate());
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "logic_gates");
        nn::Trace trace(opt.trace);

        nn::Tensor X = gate_inputs();
        nn::MetricsLog log({"epoch", "and", "or", "nand", "xor"});
        std::array<GateRun, 4> runs = train_gates(X, opt.epochs, eta, trace, log);
        trace.close();
        for (size_t g = 0; g < kGates.size(); ++g) print_truth_table(kGates[g], runs[g], X);

        log.write_csv(out.path("gates_errors.csv"));
        nn::save_png(errors_figure(log, eta), out.path("gates_errors.png"));
        out.figure("gates_errors.png",
                   "AND, OR and NAND reach zero mistakes within a few epochs and stay there (AND's "
                   "curve hides under NAND's from epoch 2); XOR never does: no line separates its points.");

        std::vector<nn::Figure> panels;
        for (size_t g = 0; g < kGates.size(); ++g) panels.push_back(gate_panel(kGates[g], runs[g], X));
        nn::save_png(panels, 2, out.path("gates_boundaries.png"), {1500, 1100});
        out.figure("gates_boundaries.png",
                   "Each gate's four inputs, colored by target (blue 0, orange 1), the learned "
                   "line w . x + b = 0 and the half-plane where o = 1 (pale orange). A second ring "
                   "marks a point exactly on the line: there z = 0 and o = step(0) = 0, right for "
                   "target 0, so the rule has no reason to move the line off it. For XOR the "
                   "last line still misclassifies two points, one of them the orange point on the line.");

        int xor_min = *std::min_element(runs[3].mistakes.begin(), runs[3].mistakes.end());
        out.result({{"and_epochs", epochs_text(runs[0])},
                    {"or_epochs", epochs_text(runs[1])},
                    {"nand_epochs", epochs_text(runs[2])},
                    {"xor_min_mistakes", std::to_string(xor_min)},
                    {"xor_last_mistakes", std::to_string(runs[3].mistakes.back())}});
    });
}
