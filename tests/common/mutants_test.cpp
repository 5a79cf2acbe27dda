// The mutation generator of `make mutants` (common/tools/mutation.hpp) on small texts.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/tools/mutation.hpp"

namespace {

using nn::tools::Mutant;
using KindAndLine = std::pair<std::string, std::string>;

// The mutants of one line as (kind, mutated line), sorted.
std::vector<KindAndLine> mutants_of(const std::string& line, const std::string& return_type = "") {
    std::vector<Mutant> mutants = return_type.empty()
                                      ? nn::tools::mutate_line(line)
                                      : nn::tools::mutate_line(line, std::string(line.size(), 'c'), return_type);
    std::vector<KindAndLine> out;
    for (const Mutant& m : mutants) {
        EXPECT_EQ(m.original, line);
        out.push_back({m.kind, m.mutated});
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool has(const std::vector<KindAndLine>& mutants, const std::string& kind, const std::string& line) {
    return std::find(mutants.begin(), mutants.end(), KindAndLine{kind, line}) != mutants.end();
}

}  // namespace

TEST(Mutants, AForLoopGetsItsBoundaryComparisonStartAndBound) {
    std::vector<KindAndLine> expected{
        {"boundary", "for (size_t k = 0; k <= n; ++k) g(k);"},
        {"comparison", "for (size_t k = 0; k > n; ++k) g(k);"},
        {"loop bound", "for (size_t k = 0; k + 1 < n; ++k) g(k);"},
        {"loop start", "for (size_t k = 1; k < n; ++k) g(k);"},
    };
    EXPECT_EQ(mutants_of("for (size_t k = 0; k < n; ++k) g(k);"), expected);
}

TEST(Mutants, AReverseLoopStopsOneEarly) {
    auto m = mutants_of("for (size_t l = L; l-- > 0;) {");
    EXPECT_TRUE(has(m, "loop bound", "for (size_t l = L; l-- > 1;) {"));
    EXPECT_TRUE(has(m, "boundary", "for (size_t l = L; l-- >= 0;) {"));
}

TEST(Mutants, ARangeForSkipsItsFirstOrItsLastElement) {
    std::vector<KindAndLine> expected{
        {"loop bound", "for (size_t i : std::span(order).first(order.size() - 1)) {"},
        {"loop bound", "for (size_t i : std::span(order).subspan(1)) {"},
    };
    EXPECT_EQ(mutants_of("for (size_t i : order) {"), expected);
}

TEST(Mutants, ACompoundAssignmentFlipsItsSignOrIsDropped) {
    std::vector<KindAndLine> expected{
        {"dropped statement", "    {}"},
        {"sign", "    z -= w[j] * x[j];"},
    };
    EXPECT_EQ(mutants_of("    z += w[j] * x[j];"), expected);
    EXPECT_TRUE(has(mutants_of("g *= inv_n;"), "operator", "g /= inv_n;"));
    EXPECT_TRUE(has(mutants_of("if (wrong) ++mistakes;"), "dropped statement", "if (wrong) {}"));
}

TEST(Mutants, ATermIsDroppedWholeWithWhatBindsTighter) {
    auto m = mutants_of("m = beta * m + (1 - beta) * g;");
    EXPECT_TRUE(has(m, "sign", "m = beta * m - (1 - beta) * g;"));
    EXPECT_TRUE(has(m, "dropped term", "m = beta * m;"));
    EXPECT_TRUE(has(m, "dropped term", "m = (1 - beta) * g;"));
    EXPECT_TRUE(has(m, "dropped term", "m = beta * m + (1) * g;"));
    // A minus keeps its left operand only: dropping that would flip the sign instead.
    auto minus = mutants_of("r = a - b * c + d;");
    EXPECT_TRUE(has(minus, "dropped term", "r = a + d;"));
    EXPECT_FALSE(has(minus, "dropped term", "r = b * c + d;"));
}

TEST(Mutants, EitherSideOfALogicalOperatorIsDropped) {
    auto m = mutants_of("if (c == 0 || s > best) {");
    EXPECT_TRUE(has(m, "dropped term", "if (s > best) {"));
    EXPECT_TRUE(has(m, "dropped term", "if (c == 0) {"));
    EXPECT_TRUE(has(m, "comparison", "if (c != 0 || s > best) {"));
}

TEST(Mutants, TemplateBracketsAndAUnaryMinusAreNoBinaryOperators) {
    std::vector<KindAndLine> expected{{"sign", "y = static_cast<float>(x);"}};
    EXPECT_EQ(mutants_of("y = static_cast<float>(-x);"), expected);
}

TEST(Mutants, TwoIndicesAreSwapped) {
    EXPECT_TRUE(has(mutants_of("s += W(c, j) * x[j];"), "swapped indices", "s += W(j, c) * x[j];"));
    EXPECT_TRUE(has(mutants_of("acc[r][j] += a;"), "swapped indices", "acc[j][r] += a;"));
    // A library function's arguments are not indices.
    EXPECT_FALSE(has(mutants_of("m = std::max(m, z);"), "swapped indices", "m = std::max(z, m);"));
}

TEST(Mutants, InitialValuesChange) {
    EXPECT_TRUE(has(mutants_of("float best = 0.0f;"), "initial value", "float best = 1.0f;"));
    EXPECT_TRUE(has(mutants_of("double n2 = 1.0, z = b;"), "initial value", "double n2 = 0.0, z = b;"));
    EXPECT_TRUE(has(mutants_of("g = std::numeric_limits<double>::infinity();"), "initial value", "g = 0;"));
    EXPECT_TRUE(has(mutants_of("v.assign(n, 0.0f);"), "initial value", "v.assign(n, 1.0f);"));
    EXPECT_TRUE(has(mutants_of("float acc[R][C] = {};"), "initial value", "float acc[R][C] = {1};"));
    EXPECT_TRUE(has(mutants_of("float m = Z(i, 0);"), "initial value", "float m = 0;"));
    // The start of a loop is the loop start's business, not an initial value's.
    EXPECT_FALSE(has(mutants_of("for (int i = 0; i < n; ++i) f(i);"), "initial value",
                     "for (int i = 1; i < n; ++i) f(i);"));
}

TEST(Mutants, AGuardThatReturnsOnNothingRefusesOneElement) {
    auto m = mutants_of("if (n == 0) return;");
    EXPECT_TRUE(has(m, "edge guard", "if (n <= 1) return;"));
    EXPECT_TRUE(has(m, "comparison", "if (n != 0) return;"));
}

TEST(Mutants, AResultIsNegatedByItsFunctionsType) {
    EXPECT_TRUE(has(mutants_of("return a * b;", "float"), "negated result", "return -(a * b);"));
    EXPECT_TRUE(has(mutants_of("return z;", "double"), "negated result", "return -z;"));
    EXPECT_TRUE(has(mutants_of("return false;", "bool"), "negated result", "return true;"));
    EXPECT_TRUE(has(mutants_of("return mistake;", "bool"), "negated result", "return !mistake;"));
    EXPECT_TRUE(mutants_of("return net;", "Shallow").empty());
}

TEST(Mutants, StringsAndCommentsAreLeftAlone) {
    EXPECT_TRUE(mutants_of("throw Error(\"a < b: \" + name);  // x < y").empty());
}

TEST(Mutants, OnlyFunctionBodiesAreMutatedAndAssertsAreSkipped) {
    const std::string file =
        "#include <vector>\n"          // 1
        "// a < b in a comment\n"      // 2
        "namespace n {\n"              // 3
        "int add(int a, int b) {\n"    // 4
        "    assert(a < b);\n"         // 5
        "    return a + b;\n"          // 6
        "}\n"                          // 7
        "/* c < d\n"                   // 8
        "   e < f */\n"                // 9
        "}  // namespace n\n";         // 10
    nn::tools::ScannedSource source = nn::tools::scan_source(file);
    ASSERT_EQ(source.functions.size(), 1u);
    EXPECT_EQ(source.functions[0].name, "add");
    EXPECT_EQ(source.functions[0].return_type, "int");
    std::vector<std::string> mutated;
    for (const Mutant& m : nn::tools::generate_mutants(source)) {
        EXPECT_EQ(m.line, 6);
        EXPECT_EQ(m.function, "add");
        mutated.push_back(m.mutated);
    }
    std::sort(mutated.begin(), mutated.end());
    EXPECT_EQ(mutated, (std::vector<std::string>{"    return -(a + b);", "    return a - b;", "    return a;",
                                                 "    return b;"}));
    Mutant first = nn::tools::generate_mutants(source).front();
    std::string text = nn::tools::apply_mutant(source, first);
    EXPECT_NE(text.find(first.mutated + "\n}\n"), std::string::npos);
    EXPECT_EQ(text.find("    return a + b;"), std::string::npos);
}

TEST(Mutants, AFunctionBelongsToItsExerciseAndAHelperToThoseOfItsCallers) {
    auto exercises = nn::tools::scan_source(
        "float step(float z) {\n    throw nn::NotImplemented(\"1.1\");\n}\n"
        "void Model::train(int n) {\n    throw nn::NotImplemented(\"1.3\");\n}\n");
    auto ids = nn::tools::exercise_ids(exercises);
    EXPECT_EQ(ids, (std::map<std::string, std::string>{{"Model::train", "1.3"}, {"step", "1.1"}}));
    auto solution = nn::tools::scan_source(
        "namespace {\nvoid helper(int n) {\n    ++n;\n}\n}  // namespace\n"
        "float step(float z) {\n    return z > 0 ? 1 : 0;\n}\n"
        "void Model::train(int n) {\n    helper(n);\n}\n");
    EXPECT_EQ(nn::tools::exercise_of("step", solution, ids), "1.1");
    EXPECT_EQ(nn::tools::exercise_of("helper", solution, ids), "1.3");
    EXPECT_EQ(nn::tools::exercise_of("unused", solution, ids), "");
}
