// The scalar differentiator of value.hpp (given code: these suites do not start with Ex)
// and the chain_rule program. Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "03-backpropagation/value.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"
#include "tests/program_runner.hpp"

using namespace bp::ad;

namespace {

struct OpCase {
    std::string name;
    Expression f;        // of two leaves a, b
    double a = 0, b = 0;
};

std::vector<OpCase> op_cases() {
    using V = const std::vector<Value>&;
    return {
        {"add", [](V v) { return v[0] + v[1]; }, 1.3, -0.7},
        {"add_scalar_right", [](V v) { return v[0] + 2.0; }, 1.3, 0},
        {"add_scalar_left", [](V v) { return 2.0 + v[0]; }, 1.3, 0},
        {"sub", [](V v) { return v[0] - v[1]; }, 1.3, -0.7},
        {"sub_scalar_right", [](V v) { return v[0] - 2.0; }, 1.3, 0},
        {"sub_scalar_left", [](V v) { return 2.0 - v[0]; }, 1.3, 0},
        {"mul", [](V v) { return v[0] * v[1]; }, 1.3, -0.7},
        {"mul_scalar_right", [](V v) { return v[0] * -3.0; }, 1.3, 0},
        {"mul_scalar_left", [](V v) { return -3.0 * v[0]; }, 1.3, 0},
        {"div", [](V v) { return v[0] / v[1]; }, 1.3, -0.7},
        {"div_scalar_right", [](V v) { return v[0] / 4.0; }, 1.3, 0},
        {"div_scalar_left", [](V v) { return 4.0 / v[0]; }, 1.3, 0},
        {"neg", [](V v) { return neg(v[0]); }, 1.3, 0},
        {"unary_minus", [](V v) { return -v[0]; }, 1.3, 0},
        {"pow_cube", [](V v) { return pow(v[0], 3.0); }, -0.7, 0},
        {"pow_square_root", [](V v) { return pow(v[0], 0.5); }, 1.3, 0},
        {"pow_inverse", [](V v) { return pow(v[0], -1.0); }, -0.7, 0},
        {"exp", [](V v) { return exp(v[0]); }, -0.7, 0},
        {"log", [](V v) { return log(v[0]); }, 1.3, 0},
        {"tanh", [](V v) { return tanh(v[0]); }, -0.7, 0},
        {"sigmoid_positive", [](V v) { return sigmoid(v[0]); }, 1.3, 0},
        {"sigmoid_negative", [](V v) { return sigmoid(v[0]); }, -0.7, 0},
        {"relu_active", [](V v) { return relu(v[0]); }, 1.3, 0},
        {"relu_inactive", [](V v) { return relu(v[0]); }, -0.7, 0},
    };
}

void expect_checks_pass(const std::vector<LeafCheck>& checks, double tolerance) {
    for (const LeafCheck& c : checks)
        EXPECT_LE(c.relative_error, tolerance)
            << c.leaf << ": backprop " << c.backprop << ", numeric " << c.numeric;
}

// The chapter's neuron: leaves x1, x2, w1, w2, b, y; L = 1/2 (sigma(w1 x1 + w2 x2 + b) - y)^2.
Value neuron(const std::vector<Value>& v) {
    Value z = (v[2] * v[0] + v[3] * v[1] + v[4]).named("z");
    Value a = sigmoid(z).named("a");
    return (0.5 * pow(a - v[5], 2)).named("L");
}

}  // namespace

// ---------------------------------------------------------------- each operation

class Value_EachOp : public testing::TestWithParam<OpCase> {};

TEST_P(Value_EachOp, GradientAgreesWithCentralDifferences) {
    const OpCase& op = GetParam();
    expect_checks_pass(check_leaves(op.f, {"a", "b"}, {op.a, op.b}), 1e-7);
}

INSTANTIATE_TEST_SUITE_P(EveryOperation, Value_EachOp, testing::ValuesIn(op_cases()),
                         [](const testing::TestParamInfo<OpCase>& info) { return info.param.name; });

TEST(Value_Ops, ValuesAndLocalDerivativesByHand) {
    Graph g;
    Value a = g.leaf(2.0, "a"), b = g.leaf(-3.0, "b");
    Value product = a * b;  // -6; d/da = b = -3, d/db = a = 2
    EXPECT_EQ(product.value(), -6.0);
    EXPECT_EQ(product.node().local, (std::vector<double>{-3.0, 2.0}));
    Value quotient = a / b;  // -2/3; d/da = 1/b = -1/3, d/db = -a/b^2 = -2/9
    EXPECT_DOUBLE_EQ(quotient.node().local[0], -1.0 / 3.0);
    EXPECT_DOUBLE_EQ(quotient.node().local[1], -2.0 / 9.0);
    Value s = sigmoid(g.leaf(0.0, "zero"));  // 1/2, and sigma' = 1/2 * 1/2
    EXPECT_EQ(s.value(), 0.5);
    EXPECT_EQ(s.node().local[0], 0.25);
    EXPECT_EQ(relu(g.leaf(0.0, "kink")).node().local[0], 0.0);  // as bp::derivative takes it
    EXPECT_EQ((a * 0.5).node().op, "* 0.5");
    EXPECT_EQ((a * 0.5).node().inputs.size(), 1u);  // a constant is not a node
    EXPECT_EQ(sigmoid(g.leaf(-800.0, "x")).value(), 0.0);  // e^800 would overflow: not computed
    EXPECT_EQ(sigmoid(g.leaf(800.0, "x")).value(), 1.0);
}

TEST(Value_Ops, UndefinedValuesAndMixedGraphsThrow) {
    Graph g, other;
    Value zero = g.leaf(0.0, "zero"), minus = g.leaf(-1.0, "minus"), one = g.leaf(1.0, "one");
    EXPECT_THROW(log(zero), std::domain_error);
    EXPECT_THROW(one / zero, std::domain_error);
    EXPECT_THROW(2.0 / zero, std::domain_error);
    EXPECT_THROW(pow(minus, 0.5), std::domain_error);
    EXPECT_NO_THROW(pow(minus, 2.0));
    EXPECT_THROW(one + other.leaf(1.0, "elsewhere"), std::invalid_argument);
    EXPECT_EQ(g.size(), 4u);  // the pow(minus, 2) node; nothing half-made by the failures
}

TEST(Value_Check, CentralDifferencesCatchAWrongLocalDerivative) {
    // "square" with the local derivative x instead of 2x: backprop says 3, the truth is 6.
    auto wrong_square = [](const std::vector<Value>& v) {
        return v[0].graph().make("square", v[0].value() * v[0].value(), {{v[0], v[0].value()}});
    };
    std::vector<LeafCheck> checks = check_leaves(wrong_square, {"x"}, {3.0});
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_DOUBLE_EQ(checks[0].backprop, 3.0);
    EXPECT_NEAR(checks[0].numeric, 6.0, 1e-6);
    EXPECT_NEAR(checks[0].relative_error, 0.5, 1e-6);
}

TEST(Value_Check, RelativeErrorIsScaledByTheLargerGradientAndFloored) {
    EXPECT_DOUBLE_EQ(relative_error(1.0, 0.9), 0.1);
    EXPECT_DOUBLE_EQ(relative_error(-2.0, -1.0), 0.5);
    EXPECT_DOUBLE_EQ(relative_error(0.0, 1e-12), 1e-4);  // both ~0: the floor 1e-8 decides
    EXPECT_EQ(relative_error(0.0, 0.0), 0.0);
}

// ---------------------------------------------------------------- backward

TEST(Value_Backward, ANodeUsedTwiceGetsBothContributions) {
    Graph g;
    Value x = g.leaf(3.0, "x");
    g.backward(x * x);  // d(x^2)/dx = 2x = 6, not 3 (one contribution overwriting the other)
    EXPECT_EQ(x.grad(), 6.0);
    g.backward(x + x);
    EXPECT_EQ(x.grad(), 2.0);
    // a = 2x used twice: y = a^2 + a, dy/dx = (2a + 1) * 2 = 14 at x = 1.5.
    Graph h;
    Value u = h.leaf(1.5, "u");
    Value a = u * 2.0;
    Value y = a * a + a;
    h.backward(y);
    EXPECT_EQ(a.grad(), 7.0);
    EXPECT_EQ(u.grad(), 14.0);
}

TEST(Value_Backward, CallingItAgainStartsAfreshInsteadOfAddingUp) {
    Graph g;
    Value x = g.leaf(3.0, "x");
    Value y = x * x;
    g.backward(y);
    g.backward(y);
    EXPECT_EQ(x.grad(), 6.0);
    EXPECT_EQ(y.grad(), 1.0);
}

TEST(Value_Backward, LeavesNodesTheRootDoesNotDependOnAlone) {
    Graph g;
    Value x = g.leaf(2.0, "x"), unused = g.leaf(5.0, "unused");
    Value other = unused * 3.0;
    g.backward(other);
    Value y = tanh(x);
    g.backward(y);
    EXPECT_EQ(unused.grad(), 3.0);  // from the first backward, untouched by the second
    EXPECT_EQ(g.topological_order(y), (std::vector<size_t>{x.id(), y.id()}));
}

TEST(Value_Backward, SigmoidNeuronMatchesTheClosedFormOfTheChapter) {
    // dL/dz = (a - y) sigma'(z) (BP1 with one output), dL/dw_i = dL/dz x_i, dL/db = dL/dz.
    const double x1 = 0.8, x2 = -1.5, w1 = 0.3, w2 = 0.7, b = -0.2, y = 1.0;
    Graph g;
    std::vector<Value> v = make_leaves(g, {"x1", "x2", "w1", "w2", "b", "y"}, {x1, x2, w1, w2, b, y});
    g.backward(neuron(v));
    double z = w1 * x1 + w2 * x2 + b, a = 1.0 / (1.0 + std::exp(-z));
    double delta = (a - y) * bp::derivative(bp::Activation::Sigmoid, float(z), float(a));  // float: 1e-7
    EXPECT_NEAR(v[2].grad(), delta * x1, 1e-6);
    EXPECT_NEAR(v[3].grad(), delta * x2, 1e-6);
    EXPECT_NEAR(v[4].grad(), delta, 1e-6);
    EXPECT_DOUBLE_EQ(v[4].grad(), (a - y) * a * (1 - a));  // the same in double
    EXPECT_DOUBLE_EQ(v[5].grad(), -(a - y));
    expect_checks_pass(check_leaves(neuron, {"x1", "x2", "w1", "w2", "b", "y"}, {x1, x2, w1, w2, b, y}), 1e-7);
}

TEST(Value_Backward, TwoTwoOneTanhNetworkMatchesBackpropOfNetworkHpp) {
    nn::Rng rng(3);
    bp::Network net = bp::make_network({2, 2, 1}, bp::Activation::Tanh, bp::Activation::Linear,
                                       bp::Cost::Quadratic, bp::Init::Large, rng);
    const bp::Dense &hidden = net.layers[0], &output = net.layers[1];
    nn::Tensor X = nn::Tensor::from_rows({{0.5f, -1.2f}}), Y = nn::Tensor::from_rows({{0.3f}});
    bp::Pass pass;
    bp::Gradients grads;
    bp::forward(net, X, pass);
    bp::backprop(net, pass, Y, grads);

    Graph g;
    Value x1 = g.leaf(X(0, 0), "x1"), x2 = g.leaf(X(0, 1), "x2");
    std::vector<Value> W, B, h;
    for (size_t j = 0; j < 2; ++j) {
        W.push_back(g.leaf(hidden.W(j, 0), "w" + std::to_string(j) + "0"));
        W.push_back(g.leaf(hidden.W(j, 1), "w" + std::to_string(j) + "1"));
        B.push_back(g.leaf(hidden.b[j], "b" + std::to_string(j)));
        h.push_back(tanh(W[2 * j] * x1 + W[2 * j + 1] * x2 + B[j]));
    }
    Value v1 = g.leaf(output.W(0, 0), "v1"), v2 = g.leaf(output.W(0, 1), "v2"), c = g.leaf(output.b[0], "c");
    Value L = 0.5 * pow(v1 * h[0] + v2 * h[1] + c - double(Y(0, 0)), 2);
    g.backward(L);

    EXPECT_NEAR(L.value(), bp::cost_value(net.cost, bp::Activation::Linear, pass.activations.back(), Y), 1e-6);
    for (size_t j = 0; j < 2; ++j) {
        EXPECT_NEAR(W[2 * j].grad(), grads.nabla_w[0](j, 0), 1e-5) << "unit " << j;
        EXPECT_NEAR(W[2 * j + 1].grad(), grads.nabla_w[0](j, 1), 1e-5) << "unit " << j;
        EXPECT_NEAR(B[j].grad(), grads.nabla_b[0][j], 1e-5) << "unit " << j;
    }
    EXPECT_NEAR(v1.grad(), grads.nabla_w[1](0, 0), 1e-5);
    EXPECT_NEAR(v2.grad(), grads.nabla_w[1](0, 1), 1e-5);
    EXPECT_NEAR(c.grad(), grads.nabla_b[1][0], 1e-5);
    // x1 feeds both hidden units: its gradient is the sum of the two paths.
    double path0 = W[0].value() * h[0].node().local[0] * h[0].grad();
    double path1 = W[2].value() * h[1].node().local[0] * h[1].grad();
    EXPECT_DOUBLE_EQ(x1.grad(), path0 + path1);
}

// ---------------------------------------------------------------- printing

TEST(Value_Printing, ListingHasAHeaderAndOneLinePerNodeInTopologicalOrder) {
    Graph g;
    std::vector<Value> v = make_leaves(g, {"x1", "x2", "w1", "w2", "b", "y"}, {1, 2, 0.5, -0.5, 0.25, 1});
    Value unused = g.leaf(7.0, "unused");
    Value L = neuron(v);
    g.backward(L);
    std::vector<std::string> lines = programs::lines_of(g.listing(L));
    std::vector<size_t> order = g.topological_order(L);
    ASSERT_EQ(lines.size(), order.size() + 1);
    EXPECT_EQ(order.size(), 14u);  // 6 leaves, 2 products, 2 sums, sigmoid, -, pow, * 0.5
    EXPECT_NE(lines[0].find("grad"), std::string::npos) << lines[0];
    for (size_t i = 0; i < order.size(); ++i) {
        std::string id = std::to_string(order[i]), name = g.name(order[i]);
        EXPECT_NE(lines[i + 1].find(id), std::string::npos) << lines[i + 1];
        EXPECT_NE(lines[i + 1].find(name), std::string::npos) << lines[i + 1];
        for (size_t input : g.node(order[i]).inputs) EXPECT_LT(input, order[i]);
    }
    for (const char* name : {"z", "a", "L", "sigmoid", "pow 2", "* 0.5", "0.158021"})
        EXPECT_NE(g.listing(L).find(name), std::string::npos) << name;
    EXPECT_EQ(g.listing(L).find("unused"), std::string::npos);
    EXPECT_EQ(g.name(unused.id() + 1), "#" + std::to_string(unused.id() + 1));
}

TEST(Value_Printing, TreeShowsEveryNodeAndMarksOneReachedAgain) {
    Graph g;
    Value u = g.leaf(1.5, "u");
    Value a = (u * 2.0).named("a");
    Value y = (a * a).named("y");
    g.backward(y);
    std::string tree = g.tree(y);
    std::vector<std::string> lines = programs::lines_of(tree);
    // y, its first input a, a's input u, then a again without its inputs. dy/du = 2a * 2 = 12.
    ASSERT_EQ(lines.size(), 4u) << tree;
    EXPECT_EQ(lines[0].rfind("y: *", 0), 0u) << tree;
    EXPECT_EQ(lines[1].rfind("|-- a: * 2", 0), 0u) << tree;
    EXPECT_EQ(lines[2].rfind("|   `-- u: leaf  value=1.5  grad=12", 0), 0u) << tree;
    EXPECT_NE(lines[3].find("`-- a: * 2"), std::string::npos) << tree;
    EXPECT_NE(lines[3].find("again"), std::string::npos) << tree;
}

// ---------------------------------------------------------------- the program

namespace {
const char* const kChapter = "03-backpropagation";
}  // namespace

#define REQUIRE_CHAIN_RULE(dir) REQUIRE_PROGRAMS(dir, kChapter, "chain_rule")

TEST(Programs03_ChainRule, RunsAndEveryLeafGradientAgreesWithCentralDifferences) {
    REQUIRE_CHAIN_RULE(dir);
    ScratchDir tmp;
    programs::ProcessRun run = programs::expect_quick_run(*dir, "chain_rule", tmp.path() / "out", tmp.path());
    std::string result = programs::result_line(run.out);
    ASSERT_FALSE(programs::result_value(result, "max_relative_error").empty()) << run.out;
    EXPECT_LT(std::stod(programs::result_value(result, "max_relative_error")), 1e-6) << result;
    EXPECT_EQ(programs::result_value(result, "nodes"), "14") << result;
    EXPECT_EQ(programs::result_value(result, "network_nodes"), "29") << result;
    // The table: a header, then the 6 leaves of the neuron and the 12 of the network.
    std::vector<std::string> csv = programs::lines_of(programs::read_text(tmp.path() / "out" / "chain_rule.csv"));
    ASSERT_EQ(csv.size(), 19u);
    EXPECT_EQ(csv[0], "expression,leaf,backprop,numeric,relative_error");
    // The graphs are printed, and the reused inputs' shares add up to their gradients.
    for (const char* text : {"sigmoid", "z: +", "x1 is used by", "x2 is used by", "(backward gave"})
        EXPECT_NE(run.out.find(text), std::string::npos) << text << " missing from: " << run.out;
}

TEST(Programs03_ChainRule, BadOptionsAreOneLineAndExitTwo) {
    REQUIRE_CHAIN_RULE(dir);
    programs::expect_rejected(*dir, "chain_rule", {"--no-such-option", "1"}, "--no-such-option");
    programs::expect_rejected(*dir, "chain_rule", {"--eps", "0"}, "--eps");
    programs::expect_rejected(*dir, "chain_rule", {"--x1", "abc"}, "--x1");
    programs::expect_rejected(*dir, "chain_rule", {"--y", "1e9"}, "--y");
}
