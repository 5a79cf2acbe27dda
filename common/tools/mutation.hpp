#pragma once
// What `make mutants` (common/tools/mutants.cpp) does to a solution file: finds the code
// inside its function bodies and makes, line by line, the small mistakes a learner makes,
// each one a "mutant" the exercise tests should catch:
//
//   boundary          k < n  ->  k <= n,  z > 0.0f  ->  z >= 0.0f
//   comparison        a < b  ->  a > b,  == -> !=,  std::max -> std::min,  true -> false
//   loop start        for (size_t k = 0; ...)  ->  for (size_t k = 1; ...)
//   loop bound        k < n  ->  k + 1 < n,  l-- > 0  ->  l-- > 1 (in a for),
//                     for (x : v)  ->  skip its first or its last element
//   sign              a + b <-> a - b,  += <-> -=,  -x -> x
//   operator          *= <-> /=
//   dropped term      a + b -> a,  a + b -> b,  a - b -> a,  a || b -> a,  a || b -> b
//   dropped statement an `x += e;`, `x *= e;` or `++x;` statement removed
//   swapped indices   X(i, j) -> X(j, i),  a[i][j] -> a[j][i]
//   initial value     = 0.0f -> = 1.0f,  = 1 -> = 0,  assign(n, 0.0f) -> assign(n, 1.0f),
//                     = {} -> = {1},  numeric_limits<T>::infinity() -> 0,  float s = e -> = 0
//   edge guard        if (n == 0) return  ->  if (n <= 1) return (refuses one element)
//   negated result    return e  ->  return -(e) in a numeric function, !(e) in a bool one
//
// Comments, preprocessor lines (#include, #pragma), assert() lines and anything outside
// a function body are left alone. Binary operators are found as the project writes them,
// with a space on either side, which tells `a < b` from `static_cast<float>` and a binary
// minus from a unary one. Kept apart from the tool's main file so the tests can reach it.
#include <map>
#include <string>
#include <vector>

namespace nn::tools {

// A function defined in a source file.
struct FunctionBody {
    std::string name;         // as defined: "train_epoch", "Momentum::step"
    std::string return_type;  // "int", "void", "std::vector<LayerCheck>"
    int first_line = 0, last_line = 0;  // the lines of its braces, counted from 1
    std::string code;         // the body without comments, for finding calls and ids
};

// A source file as the generator sees it.
struct ScannedSource {
    std::vector<std::string> lines;
    // Per line, one character per character of the line: 'c' code inside a function
    // body, 's' a string or character literal there, ' ' anything else.
    std::vector<std::string> masks;
    std::vector<int> function_of_line;  // index into functions, -1 outside every body
    std::vector<FunctionBody> functions;
};

ScannedSource scan_source(const std::string& text);

struct Mutant {
    int line = 0;           // counted from 1
    std::string kind;       // "boundary", "loop bound", ... (the list above)
    std::string original;   // the whole line, before
    std::string mutated;    // and after
    std::string function;   // the function it is in
};

// The mutants of one line whose mask says which characters are body code ('c'). With
// return_type, a `return e;` of a numeric or bool function is negated too.
std::vector<Mutant> mutate_line(const std::string& line, const std::string& mask,
                                const std::string& return_type = "");

// The same line with every character taken as body code (string literals excepted).
std::vector<Mutant> mutate_line(const std::string& line);

// Every mutant of the file, in line order; no two of a line are the same text.
std::vector<Mutant> generate_mutants(const ScannedSource& source);

// The whole file with the mutant's line replaced.
std::string apply_mutant(const ScannedSource& source, const Mutant& mutant);

// The exercise of each function of an exercises/ file: {"train_epoch": "1.3"}, from the
// NotImplemented("1.3") its body throws.
std::map<std::string, std::string> exercise_ids(const ScannedSource& exercises);

// The exercise a function of the solution file belongs to: its own id when the exercises
// file has it, else the ids of the functions that call it ("1.4/1.5" for a helper both
// use), else "".
std::string exercise_of(const std::string& function, const ScannedSource& solution,
                        const std::map<std::string, std::string>& ids);

}  // namespace nn::tools
