#pragma once
// Reading a learner's exercise file as C++ just far enough to find its functions'
// bodies: what `make reset EX=1.2` needs to put one exercise's stubs back and keep
// the rest of the learner's work. Comments, string and character literals are
// skipped; a body is the brace block after a function's parameter list.
#include <filesystem>
#include <string>
#include <vector>

namespace nn::tools {

struct FunctionDefinition {
    std::string name;       // "update" for `bool update(Perceptron& p, ...) {`, "Adam::step" for a member
    std::string signature;  // its declaration, whitespace folded to single spaces
    size_t body_begin = 0;  // the '{'
    size_t body_end = 0;    // one past the matching '}'
};

// The function definitions at namespace scope, in file order.
std::vector<FunctionDefinition> function_definitions(const std::string& source);

// The definitions whose body throws NotImplemented("<id>"): the stubs of exercise id.
std::vector<FunctionDefinition> stubs_of(const std::string& stub_source, const std::string& id);

// The learner's source with the body of every function of exercise `id` replaced by its
// body in `stub_source`, the file as given. A function is found by its signature, else
// by its name when only one has it. Throws DataError naming a function it cannot find,
// and when `id` has no stub at all. `replaced` receives the functions' names.
std::string restore_stubs(const std::string& learner_source, const std::string& stub_source,
                          const std::string& id, std::vector<std::string>* replaced = nullptr);

// The folder of exercise id's chapter: exercises/01-perceptron for "1.2". Throws
// UsageError when there is none.
std::filesystem::path exercise_folder(const std::filesystem::path& exercises, const std::string& id);

}  // namespace nn::tools
