#pragma once
// Chapter 3: the chain rule on a graph. A tiny scalar reverse-mode differentiator in
// the style of micrograd. Every operation computes its value and, right beside it,
// its local derivatives: d out / d input for each input, at this point. backward()
// then applies the chain rule from the root down, one node at a time:
//
//   dL/du = sum over the nodes v that use u of  dL/dv * dv/du
//
// backprop() in network.hpp does the same a layer at a time, with delta^l = dC/dz^l
// as the "dL/dv" it hands down. Here every scalar is its own node, so the chain rule
// can be followed by hand, and a node used twice visibly gets both contributions.
//
//   bp::ad::Graph g;
//   Value x = g.leaf(2.0, "x"), y = g.leaf(3.0, "y");
//   Value f = (x * y + tanh(x)).named("f");
//   g.backward(f);          // x.grad() = y + 1 - tanh(x)^2, y.grad() = x
//   std::cout << g.listing(f);
//
// The nodes live in a Graph, an arena (a vector of nodes); a Value is a handle: the
// graph and an index into it. An input always exists before the node that uses it, so
// it has a smaller index: the arena's order is already a topological order.
// Values are doubles, so that central differences can check gradients to ~1e-9.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace bp::ad {

struct Node {
    double value = 0;
    double grad = 0;             // d root / d this node, after backward(root)
    std::string op;              // "leaf", "+", "*", "tanh", "pow 2", "* 0.5", "1 -", ...
    std::string label;           // a name to print ("z", "w1"); may be empty
    std::vector<size_t> inputs;  // the ids of its operands: none for a leaf, one or two
    std::vector<double> local;   // local[k] = d value / d inputs[k], at the forward's values
};

class Graph;

class Value {
public:
    Value(Graph& graph, size_t id) : graph_(&graph), id_(id) {}
    size_t id() const { return id_; }
    Graph& graph() const { return *graph_; }
    const Node& node() const;
    double value() const { return node().value; }
    double grad() const { return node().grad; }
    // Gives the node a name for printing; returns the same handle, so that
    // `Value z = (w * x + b).named("z");` reads like the formula.
    Value named(std::string label) const;

private:
    Graph* graph_;
    size_t id_;
};

// An input of a new node and d(new node)/d(input).
struct Edge {
    Value input;
    double local;
};

class Graph {
public:
    Graph() = default;
    // Values point at their graph: it must stay where it is.
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    Value leaf(double value, std::string label);  // an input or a parameter
    // Appends a node; the operations below call it. Throws std::invalid_argument when an
    // input belongs to another graph.
    Value make(std::string op, double value, std::vector<Edge> edges);

    size_t size() const { return nodes_.size(); }
    const Node& node(size_t id) const { return nodes_.at(id); }
    Node& node(size_t id) { return nodes_.at(id); }
    // The label, or "#id" for a node without one.
    std::string name(size_t id) const;

    // The ids of root and of every node it depends on, inputs before the nodes that use them.
    std::vector<size_t> topological_order(Value root) const;
    // Sets grad = d root / d node for every node in topological_order(root) (root's is 1),
    // walking that order backwards; the other nodes are left alone. Calling it again
    // starts afresh: grads are zeroed first, then accumulated over a node's users.
    void backward(Value root);

    // One line per node of topological_order(root) under a header:
    //   id  name  op  inputs  local derivatives  value  grad
    std::string listing(Value root) const;
    // The expression as an ASCII tree, root first, each node above its inputs:
    //   L: * 0.5  value=0.158  grad=1
    //   `-- #12: pow 2  value=0.316  grad=0.5
    // A node reached a second time is printed once more, marked "(again, see above)".
    std::string tree(Value root) const;

private:
    std::vector<Node> nodes_;
};

// ---------------------------------------------------------------- the operations
// Each is one small function in given_value.cpp: the value, and beside it the local
// derivative of each input. A scalar operand is a constant, not a node: `x * 0.5` is
// one node "* 0.5" with one input. Mixing Values of two graphs throws std::invalid_argument.

Value operator+(Value a, Value b);
Value operator+(Value a, double c);
Value operator+(double c, Value a);
Value operator-(Value a, Value b);
Value operator-(Value a, double c);
Value operator-(double c, Value a);
Value operator*(Value a, Value b);
Value operator*(Value a, double c);
Value operator*(double c, Value a);
Value operator/(Value a, Value b);  // throws std::domain_error when b is 0
Value operator/(Value a, double c);
Value operator/(double c, Value a);
Value operator-(Value a);           // the same as neg(a)
Value neg(Value a);
Value pow(Value x, double p);       // x^p; throws std::domain_error for x < 0 and p not an integer
Value exp(Value x);
Value log(Value x);                 // throws std::domain_error for x <= 0
Value tanh(Value x);
Value sigmoid(Value x);             // 1 / (1 + e^-x)
Value relu(Value x);                // max(0, x); its derivative at 0 is taken as 0

// ---------------------------------------------------------------- checking by central differences

// An expression of its leaves: builds the root from leaves (all in one graph) and returns it.
using Expression = std::function<Value(const std::vector<Value>& leaves)>;

// Leaves names[i] = values[i] in graph, in order.
std::vector<Value> make_leaves(Graph& graph, const std::vector<std::string>& names,
                               const std::vector<double>& values);

struct LeafCheck {
    std::string leaf;
    double backprop = 0;        // from backward()
    double numeric = 0;         // (f(v + eps) - f(v - eps)) / (2 eps)
    double relative_error = 0;  // relative_error(backprop, numeric)
};

// |a - n| / max(|a|, |n|, 1e-8): the floor keeps two gradients that are both ~0 from
// looking far apart (central differences of a double carry ~1e-10 of rounding).
double relative_error(double analytic, double numeric);

// Builds f on leaves names = values, runs backward(), then nudges each leaf by +-eps in
// fresh graphs and compares its gradient with the central difference of the root.
std::vector<LeafCheck> check_leaves(const Expression& f, const std::vector<std::string>& names,
                                    const std::vector<double>& values, double eps = 1e-5);

}  // namespace bp::ad
