// Chapter 3, the scalar differentiator of value.hpp (given code, linked in every build).
// Each operation states its value and, on the next line, the chain rule's local factor.
#include "03-backpropagation/value.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace bp::ad {

namespace {

std::string number(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", x);
    return text;
}

Value make(Value like, std::string op, double value, std::vector<Edge> edges) {
    return like.graph().make(std::move(op), value, std::move(edges));
}

}  // namespace

// ---------------------------------------------------------------- handles and the arena

const Node& Value::node() const { return graph_->node(id_); }

Value Value::named(std::string label) const {
    graph_->node(id_).label = std::move(label);
    return *this;
}

Value Graph::leaf(double value, std::string label) {
    nodes_.push_back(Node{value, 0.0, "leaf", std::move(label), {}, {}});
    return Value(*this, nodes_.size() - 1);
}

Value Graph::make(std::string op, double value, std::vector<Edge> edges) {
    Node node{value, 0.0, std::move(op), "", {}, {}};
    for (const Edge& edge : edges) {
        if (&edge.input.graph() != this)
            throw std::invalid_argument("operation '" + node.op + "' mixes values of two graphs");
        node.inputs.push_back(edge.input.id());
        node.local.push_back(edge.local);
    }
    nodes_.push_back(std::move(node));
    return Value(*this, nodes_.size() - 1);
}

std::string Graph::name(size_t id) const {
    return node(id).label.empty() ? "#" + std::to_string(id) : node(id).label;
}

// Inputs have smaller ids than their users, so one sweep from root down to 0 marks
// everything root depends on, and increasing ids are a topological order.
std::vector<size_t> Graph::topological_order(Value root) const {
    if (&root.graph() != this) throw std::invalid_argument("topological_order: root is in another graph");
    std::vector<bool> needed(root.id() + 1, false);
    needed[root.id()] = true;
    for (size_t id = root.id() + 1; id-- > 0;)
        if (needed[id])
            for (size_t input : nodes_[id].inputs) needed[input] = true;
    std::vector<size_t> order;
    for (size_t id = 0; id <= root.id(); ++id)
        if (needed[id]) order.push_back(id);
    return order;
}

// A node's grad is complete once every node that uses it has passed its share down;
// walking the topological order backwards guarantees that.
void Graph::backward(Value root) {
    std::vector<size_t> order = topological_order(root);
    for (size_t id : order) nodes_[id].grad = 0.0;
    nodes_[root.id()].grad = 1.0;  // d root / d root
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const Node& node = nodes_[*it];
        for (size_t k = 0; k < node.inputs.size(); ++k)
            nodes_[node.inputs[k]].grad += node.local[k] * node.grad;  // the chain rule
    }
}

std::string Graph::listing(Value root) const {
    std::string text;
    char line[256];
    std::snprintf(line, sizeof line, "%4s  %-6s %-8s %-14s %-22s %12s %12s\n", "id", "name", "op", "inputs",
                  "local d/d(inputs)", "value", "grad");
    text += line;
    for (size_t id : topological_order(root)) {
        const Node& n = nodes_[id];
        std::string inputs, local;
        for (size_t k = 0; k < n.inputs.size(); ++k) {
            inputs += (k ? ", " : "") + name(n.inputs[k]);
            local += (k ? ", " : "") + number(n.local[k]);
        }
        std::snprintf(line, sizeof line, "%4zu  %-6s %-8s %-14s %-22s %12s %12s\n", id, name(id).c_str(),
                      n.op.c_str(), inputs.c_str(), local.c_str(), number(n.value).c_str(),
                      number(n.grad).c_str());
        text += line;
    }
    return text;
}

std::string Graph::tree(Value root) const {
    std::string text;
    std::vector<bool> shown(nodes_.size(), false);
    // prefix: the bars of the ancestors still to be continued; last: the final input of its user.
    std::function<void(size_t, const std::string&, bool, bool)> draw = [&](size_t id, const std::string& prefix,
                                                                           bool is_root, bool last) {
        const Node& n = nodes_[id];
        text += prefix + (is_root ? "" : last ? "`-- " : "|-- ") + name(id) + ": " + n.op +
                "  value=" + number(n.value) + "  grad=" + number(n.grad);
        if (shown[id] && !n.inputs.empty()) {
            text += "  (again, see above)\n";
            return;
        }
        text += "\n";
        shown[id] = true;
        std::string below = prefix + (is_root ? "" : last ? "    " : "|   ");
        for (size_t k = 0; k < n.inputs.size(); ++k) draw(n.inputs[k], below, false, k + 1 == n.inputs.size());
    };
    draw(root.id(), "", true, true);
    return text;
}

// ---------------------------------------------------------------- the operations

Value operator+(Value a, Value b) {
    return make(a, "+", a.value() + b.value(),
                {{a, 1.0}, {b, 1.0}});  // d(a+b)/da = 1, d(a+b)/db = 1
}
Value operator+(Value a, double c) {
    return make(a, "+ " + number(c), a.value() + c,
                {{a, 1.0}});  // d(a+c)/da = 1
}
Value operator+(double c, Value a) { return a + c; }

Value operator-(Value a, Value b) {
    return make(a, "-", a.value() - b.value(),
                {{a, 1.0}, {b, -1.0}});  // d(a-b)/da = 1, d(a-b)/db = -1
}
Value operator-(Value a, double c) {
    return make(a, "- " + number(c), a.value() - c,
                {{a, 1.0}});  // d(a-c)/da = 1
}
Value operator-(double c, Value a) {
    return make(a, number(c) + " -", c - a.value(),
                {{a, -1.0}});  // d(c-a)/da = -1
}

Value operator*(Value a, Value b) {
    return make(a, "*", a.value() * b.value(),
                {{a, b.value()}, {b, a.value()}});  // d(ab)/da = b, d(ab)/db = a
}
Value operator*(Value a, double c) {
    return make(a, "* " + number(c), a.value() * c,
                {{a, c}});  // d(ca)/da = c
}
Value operator*(double c, Value a) { return a * c; }

Value operator/(Value a, Value b) {
    if (b.value() == 0.0) throw std::domain_error("division by zero (by node " + b.graph().name(b.id()) + ")");
    double q = a.value() / b.value();
    return make(a, "/", q,
                {{a, 1.0 / b.value()}, {b, -q / b.value()}});  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
}
Value operator/(Value a, double c) {
    if (c == 0.0) throw std::domain_error("division by the constant 0");
    return make(a, "/ " + number(c), a.value() / c,
                {{a, 1.0 / c}});  // d(a/c)/da = 1/c
}
Value operator/(double c, Value a) {
    if (a.value() == 0.0) throw std::domain_error("division by zero (by node " + a.graph().name(a.id()) + ")");
    double q = c / a.value();
    return make(a, number(c) + " /", q,
                {{a, -q / a.value()}});  // d(c/a)/da = -c/a^2
}

Value operator-(Value a) { return neg(a); }
Value neg(Value a) {
    return make(a, "neg", -a.value(),
                {{a, -1.0}});  // d(-a)/da = -1
}

Value pow(Value x, double p) {
    if (x.value() < 0.0 && p != std::round(p))
        throw std::domain_error("pow: " + number(x.value()) + " to the non-integer power " + number(p));
    return make(x, "pow " + number(p), std::pow(x.value(), p),
                {{x, p * std::pow(x.value(), p - 1.0)}});  // d x^p/dx = p x^(p-1)
}

Value exp(Value x) {
    double e = std::exp(x.value());
    return make(x, "exp", e,
                {{x, e}});  // d e^x/dx = e^x
}

Value log(Value x) {
    if (x.value() <= 0.0) throw std::domain_error("log of " + number(x.value()) + " (it needs x > 0)");
    return make(x, "log", std::log(x.value()),
                {{x, 1.0 / x.value()}});  // d ln x/dx = 1/x
}

Value tanh(Value x) {
    double t = std::tanh(x.value());
    return make(x, "tanh", t,
                {{x, 1.0 - t * t}});  // d tanh x/dx = 1 - tanh^2 x
}

Value sigmoid(Value x) {
    // Written so that e^(-x) never overflows: for x < 0 use e^x / (1 + e^x).
    double z = x.value();
    double s = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
    return make(x, "sigmoid", s,
                {{x, s * (1.0 - s)}});  // d sigma(x)/dx = sigma (1 - sigma)
}

Value relu(Value x) {
    bool active = x.value() > 0.0;
    return make(x, "relu", active ? x.value() : 0.0,
                {{x, active ? 1.0 : 0.0}});  // d max(0,x)/dx = 1 if x > 0 else 0
}

// ---------------------------------------------------------------- checking by central differences

std::vector<Value> make_leaves(Graph& graph, const std::vector<std::string>& names,
                               const std::vector<double>& values) {
    if (names.size() != values.size())
        throw std::invalid_argument("make_leaves: " + std::to_string(names.size()) + " names but " +
                                    std::to_string(values.size()) + " values");
    std::vector<Value> leaves;
    for (size_t i = 0; i < names.size(); ++i) leaves.push_back(graph.leaf(values[i], names[i]));
    return leaves;
}

double relative_error(double analytic, double numeric) {
    double scale = std::max({std::fabs(analytic), std::fabs(numeric), 1e-8});
    return std::fabs(analytic - numeric) / scale;
}

std::vector<LeafCheck> check_leaves(const Expression& f, const std::vector<std::string>& names,
                                    const std::vector<double>& values, double eps) {
    auto root_value = [&](std::vector<double> at) {
        Graph graph;
        return f(make_leaves(graph, names, at)).value();
    };
    Graph graph;
    std::vector<Value> leaves = make_leaves(graph, names, values);
    graph.backward(f(leaves));
    std::vector<LeafCheck> checks;
    for (size_t i = 0; i < leaves.size(); ++i) {
        std::vector<double> up = values, down = values;
        up[i] += eps;
        down[i] -= eps;
        double numeric = (root_value(up) - root_value(down)) / (2.0 * eps);
        checks.push_back({names[i], leaves[i].grad(), numeric, relative_error(leaves[i].grad(), numeric)});
    }
    return checks;
}

}  // namespace bp::ad
