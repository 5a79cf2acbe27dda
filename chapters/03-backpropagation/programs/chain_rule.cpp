// Chapter 3, program 1: the chain rule on a graph. A single sigmoid neuron with a
// quadratic cost, written as an expression of scalars,
//
//   z = w1 x1 + w2 x2 + b,   a = sigma(z),   L = 1/2 (a - y)^2,
//
// is differentiated by value.hpp's reverse mode: every node keeps its value and the
// local derivatives of its inputs, and backward() multiplies them from L down. The graph
// is printed with values and gradients, and every leaf's gradient is checked against
// central differences. Then a 2-2-1 tanh network on one example, where each input feeds
// both hidden units: its gradient is the sum of what the two paths pass down.
//
//   build/release/bin/03-backpropagation/chain_rule [--x1 1 --x2 2 --y 1] [--eps 1e-5]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "03-backpropagation/value.hpp"
#include "common/cli.hpp"
#include "common/files.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"

namespace {

using namespace bp::ad;

// Leaves: x1, x2, w1, w2, b, y.
const std::vector<std::string> kNeuronLeaves{"x1", "x2", "w1", "w2", "b", "y"};
// w1 x1 + w2 x2 + b, one statement per node: in `w1 * x1 + w2 * x2` C++ may compute
// either product first, and the node ids would depend on the compiler.
Value weighted_sum(Value w1, Value x1, Value w2, Value x2, Value b) {
    Value first = w1 * x1;
    Value second = w2 * x2;
    Value sum = first + second;
    return sum + b;
}

Value neuron(const std::vector<Value>& v) {
    Value z = weighted_sum(v[2], v[0], v[3], v[1], v[4]).named("z");
    Value a = sigmoid(z).named("a");
    Value e = (a - v[5]).named("e");
    return (0.5 * pow(e, 2)).named("L");
}

// Leaves: x1, x2, the hidden layer's w11 w12 b1 (unit 1) and w21 w22 b2 (unit 2), the
// output's v1 v2 c, and the target y. yhat = v1 h1 + v2 h2 + c is linear.
const std::vector<std::string> kNetworkLeaves{"x1", "x2", "w11", "w12", "b1", "w21",
                                              "w22", "b2", "v1", "v2", "c", "y"};
Value network(const std::vector<Value>& v) {
    Value h1 = tanh(weighted_sum(v[2], v[0], v[3], v[1], v[4])).named("h1");
    Value h2 = tanh(weighted_sum(v[5], v[0], v[6], v[1], v[7])).named("h2");
    Value yhat = weighted_sum(v[8], h1, v[9], h2, v[10]).named("yhat");
    return (0.5 * pow(yhat - v[11], 2)).named("L");
}

struct Row {
    std::string expression;
    LeafCheck check;
};

void print_checks(const std::vector<LeafCheck>& checks) {
    std::printf("%-6s %14s %14s %14s\n", "leaf", "backprop", "numeric", "rel. error");
    for (const LeafCheck& c : checks)
        std::printf("%-6s %14.9f %14.9f %14.2e\n", c.leaf.c_str(), c.backprop, c.numeric, c.relative_error);
}

// What each user of a node passes down to it, local derivative times the user's grad:
// the node's grad is their sum.
void print_contributions(const Graph& g, Value node, Value root) {
    std::printf("%s is used by", g.name(node.id()).c_str());
    double total = 0;
    std::string sum;
    for (size_t id : g.topological_order(root)) {
        const Node& user = g.node(id);
        for (size_t k = 0; k < user.inputs.size(); ++k) {
            if (user.inputs[k] != node.id()) continue;
            double share = user.local[k] * user.grad;
            std::printf(" %s (%s: %.6g x %.6g = %.6g)", g.name(id).c_str(), user.op.c_str(), user.local[k],
                        user.grad, share);
            sum += (sum.empty() ? "" : " + ") + nn::significant(share, 6);
            total += share;
        }
    }
    std::printf("\n  grad = %s = %.6g (backward gave %.6g)\n", sum.c_str(), total, node.grad());
}

// ---------------------------------------------------------------- the figure

// A tidy tree: the root at the right, each node one column left of the first node that
// uses it, the tree's leaves stacked top to bottom in the order met, every other node at
// the mean height of the inputs it placed. A node used twice stays where it was first
// placed, and its second user ignores it: the long edge back to it shows the reuse.
struct Layout {
    std::vector<double> x, y;
    std::vector<bool> placed;
    double next_row = 0;
};

void place(const Graph& g, size_t id, double column, Layout& at) {
    at.placed[id] = true;
    at.x[id] = column;
    const Node& n = g.node(id);
    if (n.inputs.empty()) {
        at.y[id] = at.next_row--;
        return;
    }
    double own = 0, all = 0;
    size_t owned = 0;
    for (size_t input : n.inputs) {
        if (!at.placed[input]) {
            place(g, input, column - 1, at);
            own += at.y[input];
            ++owned;
        }
        all += at.y[input];
    }
    at.y[id] = owned ? own / double(owned) : all / double(n.inputs.size());
}

nn::Figure graph_figure(const Graph& g, Value root, const std::string& title) {
    Layout at{std::vector<double>(g.size()), std::vector<double>(g.size()), std::vector<bool>(g.size()), 0};
    place(g, root.id(), 0, at);
    std::vector<size_t> order = g.topological_order(root);
    double left = 0, bottom = 0;
    for (size_t id : order) left = std::min(left, at.x[id]), bottom = std::min(bottom, at.y[id]);
    nn::Figure figure({.title = title, .xrange = std::pair{left - 0.6, 0.6}, .yrange = std::pair{bottom - 0.8, 0.8},
                       .key = false, .frame = false});
    // Edges from each input to its user, red where the input has more than one user.
    std::vector<int> users(g.size(), 0);
    for (size_t id : order)
        for (size_t input : g.node(id).inputs) ++users[input];
    for (size_t id : order)
        for (size_t input : g.node(id).inputs)
            figure.add({"", {at.x[input], at.x[id]}, {at.y[input], at.y[id]},
                        users[input] > 1 ? "lines lw 2 lc rgb '#E15759'" : "lines lw 1.5 lc rgb '#9A9A9A'"});
    nn::Series leaves{"", {}, {}, "points pt 7 ps 2.2 lc rgb '#4E79A7'"};
    nn::Series ops{"", {}, {}, "points pt 7 ps 2.2 lc rgb '#F28E2B'"};
    std::vector<double> xs, ys;
    std::vector<std::string> names, numbers;
    for (size_t id : order) {
        const Node& n = g.node(id);
        nn::Series& kind = n.inputs.empty() ? leaves : ops;
        kind.x.push_back(at.x[id]);
        kind.y.push_back(at.y[id]);
        xs.push_back(at.x[id]);
        ys.push_back(at.y[id]);
        names.push_back(n.inputs.empty() ? g.name(id) : g.name(id) + " = " + n.op);
        numbers.push_back(nn::significant(n.value, 3) + " | " + nn::significant(n.grad, 3));
    }
    figure.add(leaves).add(ops);
    figure.add_labels(xs, ys, names, "offset 0,1.1 font ',10'");
    figure.add_labels(xs, ys, numbers, "offset 0,-1.1 font ',9' tc rgb '#555555'");
    return figure;
}

// ---------------------------------------------------------------- one expression

struct Shown {
    size_t nodes = 0;
    double max_error = 0;
};

Shown show(const std::string& title, const Expression& f, const std::vector<std::string>& names,
           const std::vector<double>& values, double eps, bool print_tree, std::vector<Row>& rows, Graph& g) {
    std::printf("== %s\n", title.c_str());
    Value root = f(make_leaves(g, names, values));
    g.backward(root);
    std::printf("%s\n", g.listing(root).c_str());
    if (print_tree) std::printf("The same graph as a tree, root first:\n%s\n", g.tree(root).c_str());
    std::printf("Every leaf's gradient against central differences (eps %s):\n", nn::significant(eps).c_str());
    std::vector<LeafCheck> checks = check_leaves(f, names, values, eps);
    print_checks(checks);
    Shown shown{g.topological_order(root).size(), 0};
    for (const LeafCheck& c : checks) {
        rows.push_back({title, c});
        shown.max_error = std::max(shown.max_error, c.relative_error);
    }
    std::printf("\n");
    return shown;
}

void write_table(const std::string& path, const std::vector<Row>& rows) {
    nn::write_file_atomically(path, [&](std::ostream& out) {
        out << "expression,leaf,backprop,numeric,relative_error\n";
        char line[200];
        for (const Row& r : rows) {
            std::snprintf(line, sizeof line, "%s,%s,%.12g,%.12g,%.3e\n", r.expression.c_str(),
                          r.check.leaf.c_str(), r.check.backprop, r.check.numeric, r.check.relative_error);
            out << line;
        }
    });
}

// The inputs of both expressions, and the step of the central differences.
struct Settings {
    double x1 = 1.0, x2 = 2.0, y = 1.0, eps = 1e-5;
};

// The neuron's weights are fixed, so that its numbers can be followed by hand.
Shown show_neuron(const Settings& s, std::vector<Row>& rows, Graph& g) {
    const double w1 = 0.5, w2 = -0.5, b = 0.25;
    Shown shown = show("sigmoid neuron", neuron, kNeuronLeaves, {s.x1, s.x2, w1, w2, b, s.y}, s.eps, true, rows, g);
    double z = w1 * s.x1 + w2 * s.x2 + b, a = 1.0 / (1.0 + std::exp(-z));
    double delta = (a - s.y) * a * (1 - a);
    std::printf("By hand: dL/dz = (a - y) a (1 - a) = %.6g, dL/dw1 = dL/dz x1 = %.6g, "
                "dL/dw2 = dL/dz x2 = %.6g, dL/db = dL/dz\n\n", delta, delta * s.x1, delta * s.x2);
    return shown;
}

// The network's parameters come from the seed.
Shown show_network(const Settings& s, nn::Rng& rng, std::vector<Row>& rows, Graph& g) {
    std::vector<double> values{s.x1, s.x2};
    for (size_t i = 2; i + 1 < kNetworkLeaves.size(); ++i) values.push_back(rng.normal(0.0f, 0.5f));
    values.push_back(s.y);
    Shown shown = show("2-2-1 tanh network", network, kNetworkLeaves, values, s.eps, false, rows, g);
    Value root(g, g.size() - 1);
    std::printf("Each input feeds both hidden units, so its gradient accumulates two shares:\n");
    print_contributions(g, Value(g, 0), root);
    print_contributions(g, Value(g, 1), root);
    std::printf("\n");
    return shown;
}

// The root of each graph is its last node (a Value needs its graph mutable, though nothing changes).
void plot_graphs(Graph& neuron_graph, Graph& net_graph, nn::Outputs& out) {
    nn::save_png(graph_figure(neuron_graph, Value(neuron_graph, neuron_graph.size() - 1),
                              "L = 1/2 (sigma(w1 x1 + w2 x2 + b) - y)^2: value | dL/d(node) under each node"),
                 out.path("chain_rule_neuron.png"), {1400, 650});
    out.figure("chain_rule_neuron.png",
               "The sigmoid neuron as a graph of scalar operations, inputs and parameters in blue, "
               "operations in orange. Under each node: its value from the forward pass, then its "
               "gradient dL/d(node) from the backward pass, which runs right to left.");
    nn::save_png(graph_figure(net_graph, Value(net_graph, net_graph.size() - 1),
                              "A 2-2-1 tanh network on one example: value | dL/d(node); "
                              "red: the edges of an input used twice"),
                 out.path("chain_rule_network.png"), {1500, 900});
    out.figure("chain_rule_network.png",
               "The 2-2-1 network as a graph. x1 and x2 each feed both hidden units: two edges (red) "
               "leave each, and its gradient is the sum of what comes back along the two.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("chain_rule", "The chain rule on a graph: reverse mode on scalars, checked by central differences",
                    "out/03-backpropagation");
        Settings s;
        cli.option("x1", s.x1, "first input of the neuron and the network", nn::between(-100, 100));
        cli.option("x2", s.x2, "second input", nn::between(-100, 100));
        cli.option("y", s.y, "the target", nn::between(-100, 100));
        cli.option("eps", s.eps, "step of the central differences", nn::between(1e-9, 0.1));
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "chain_rule");

        std::vector<Row> rows;
        Graph neuron_graph, net_graph;
        Shown first = show_neuron(s, rows, neuron_graph);
        nn::Rng rng(opt.seed);
        Shown second = show_network(s, rng, rows, net_graph);

        write_table(out.path("chain_rule.csv"), rows);
        plot_graphs(neuron_graph, net_graph, out);
        out.result({{"max_relative_error", nn::significant(std::max(first.max_error, second.max_error), 3)},
                    {"nodes", std::to_string(first.nodes)},
                    {"network_nodes", std::to_string(second.nodes)}});
    });
}
