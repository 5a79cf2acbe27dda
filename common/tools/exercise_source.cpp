#include "common/tools/exercise_source.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <initializer_list>

#include "common/errors.hpp"
#include "common/tools/report.hpp"

namespace nn::tools {

namespace {

// Index just past the comment or literal starting at i, or i when there is none there.
size_t skip_comment_or_literal(const std::string& s, size_t i) {
    if (s.compare(i, 2, "//") == 0) {
        size_t end = s.find('\n', i);
        return end == std::string::npos ? s.size() : end;
    }
    if (s.compare(i, 2, "/*") == 0) {
        size_t end = s.find("*/", i + 2);
        return end == std::string::npos ? s.size() : end + 2;
    }
    if (s[i] == '"' || s[i] == '\'') {
        const char quote = s[i];
        size_t j = i + 1;
        while (j < s.size() && s[j] != quote) j += s[j] == '\\' ? 2 : 1;
        return std::min(j + 1, s.size());
    }
    return i;
}

// The source with comments replaced by spaces, so that the text before a brace can be
// read as a declaration. Literals stay (they never hold a declaration's text).
std::string without_comments(const std::string& s) {
    std::string out = s;
    for (size_t i = 0; i < s.size();) {
        size_t end = skip_comment_or_literal(s, i);
        if (end == i) { ++i; continue; }
        if (s[i] == '/') std::fill(out.begin() + i, out.begin() + end, ' ');
        i = end;
    }
    return out;
}

// The declaration in front of the brace at `brace` (from the last ';', '{' or '}'
// before it), and its function's name: the identifier before the outer '(' , or ""
// when it is not a function (a namespace, a class, an initializer).
std::pair<std::string, std::string> declaration_before(const std::string& code, size_t brace) {
    size_t start = code.find_last_of(";{}", brace == 0 ? 0 : brace - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string head = code.substr(start, brace - start);
    // Preprocessor lines (an #include right after the previous item) are not part of it.
    for (size_t hash; (hash = head.find('#')) != std::string::npos;) {
        size_t line_end = head.find('\n', hash);
        head.erase(hash, line_end == std::string::npos ? std::string::npos : line_end - hash);
    }
    std::string declaration = fold_spaces(head);
    size_t open = declaration.find('(');
    if (open == std::string::npos || declaration.rfind("namespace", 0) == 0) return {declaration, ""};
    size_t name_end = open;
    while (name_end > 0 && declaration[name_end - 1] == ' ') --name_end;
    size_t name_start = name_end;
    while (name_start > 0 && (std::isalnum(static_cast<unsigned char>(declaration[name_start - 1])) ||
                              declaration[name_start - 1] == '_' || declaration[name_start - 1] == ':'))
        --name_start;
    return {declaration, declaration.substr(name_start, name_end - name_start)};
}

// The number of parameters of a folded declaration "f(int a, std::map<int, int> b)": 2.
size_t parameter_count(const std::string& declaration) {
    size_t open = declaration.find('(');
    if (open == std::string::npos) return 0;
    int depth = 0;
    size_t commas = 0;
    bool any = false;
    for (size_t i = open + 1; i < declaration.size(); ++i) {
        const char c = declaration[i];
        if (c == '(' || c == '<' || c == '[') ++depth;
        else if (c == ')' || c == '>' || c == ']') {
            if (depth == 0) break;
            --depth;
        } else if (c == ',' && depth == 0) ++commas;
        else if (c != ' ') any = true;
    }
    return any ? commas + 1 : 0;
}

}  // namespace

std::vector<FunctionDefinition> function_definitions(const std::string& source) {
    const std::string code = without_comments(source);
    std::vector<FunctionDefinition> found;
    // Braces open either a namespace (the level where functions are defined) or
    // something else, whose inside is not looked at.
    std::vector<bool> namespace_levels;
    size_t body_start = std::string::npos;
    std::string name, signature;
    for (size_t i = 0; i < code.size();) {
        size_t end = skip_comment_or_literal(code, i);
        if (end != i) { i = end; continue; }
        const char c = code[i];
        if (c == '{') {
            const bool at_namespace_scope =
                std::all_of(namespace_levels.begin(), namespace_levels.end(), [](bool ns) { return ns; });
            auto [declaration, function] = at_namespace_scope ? declaration_before(code, i)
                                                              : std::pair<std::string, std::string>{};
            const bool is_namespace = at_namespace_scope && declaration.rfind("namespace", 0) == 0;
            if (at_namespace_scope && !is_namespace && !function.empty()) {
                body_start = i;
                name = function;
                signature = declaration;
            }
            namespace_levels.push_back(is_namespace);
        } else if (c == '}' && !namespace_levels.empty()) {
            namespace_levels.pop_back();
            const bool back_at_namespace_scope =
                std::all_of(namespace_levels.begin(), namespace_levels.end(), [](bool ns) { return ns; });
            if (back_at_namespace_scope && body_start != std::string::npos) {
                found.push_back({name, signature, body_start, i + 1});
                body_start = std::string::npos;
            }
        }
        ++i;
    }
    return found;
}

std::vector<FunctionDefinition> stubs_of(const std::string& stub_source, const std::string& id) {
    std::vector<FunctionDefinition> stubs;
    const std::string marker = "NotImplemented(\"" + id + "\")";
    for (const FunctionDefinition& f : function_definitions(stub_source)) {
        const std::string body = stub_source.substr(f.body_begin, f.body_end - f.body_begin);
        if (body.find(marker) != std::string::npos) stubs.push_back(f);
    }
    return stubs;
}

std::string restore_stubs(const std::string& learner_source, const std::string& stub_source,
                          const std::string& id, std::vector<std::string>* replaced) {
    const std::vector<FunctionDefinition> stubs = stubs_of(stub_source, id);
    if (stubs.empty()) throw DataError("exercise " + id + " has no stub in the original file");
    const std::vector<FunctionDefinition> learner = function_definitions(learner_source);
    struct Replacement {
        size_t begin, end;
        std::string body;
    };
    std::vector<Replacement> replacements;
    for (const FunctionDefinition& stub : stubs) {
        // The same declaration; else the only one of that name and number of parameters
        // (a learner names the parameters the stub leaves unnamed); else the only one of
        // that name.
        const FunctionDefinition* target = nullptr;
        for (auto same : std::initializer_list<std::function<bool(const FunctionDefinition&)>>{
                 [&](const FunctionDefinition& f) { return f.signature == stub.signature; },
                 [&](const FunctionDefinition& f) {
                     return f.name == stub.name && parameter_count(f.signature) == parameter_count(stub.signature);
                 },
                 [&](const FunctionDefinition& f) { return f.name == stub.name; }}) {
            if (std::count_if(learner.begin(), learner.end(), same) != 1) continue;
            target = &*std::find_if(learner.begin(), learner.end(), same);
            break;
        }
        if (!target)
            throw DataError("cannot find the function " + stub.name + " of exercise " + id +
                            " in your file (renamed, or there twice?); nothing was changed");
        replacements.push_back({target->body_begin, target->body_end,
                                stub_source.substr(stub.body_begin, stub.body_end - stub.body_begin)});
        if (replaced) replaced->push_back(stub.name);
    }
    // From the end, so that the earlier positions stay right.
    std::sort(replacements.begin(), replacements.end(),
              [](const Replacement& a, const Replacement& b) { return a.begin > b.begin; });
    std::string result = learner_source;
    for (const Replacement& r : replacements) result.replace(r.begin, r.end - r.begin, r.body);
    return result;
}

std::filesystem::path exercise_folder(const std::filesystem::path& exercises, const std::string& id) {
    namespace fs = std::filesystem;
    const std::string prefix = chapter_prefix(id) + "-";
    std::vector<fs::path> candidates;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(exercises, error))
        if (entry.path().filename().string().starts_with(prefix) && fs::is_directory(entry.path()))
            candidates.push_back(entry.path());
    if (candidates.empty())
        throw UsageError("no chapter " + chapter_prefix(id) + " with exercises in " + exercises.string() + "/");
    std::sort(candidates.begin(), candidates.end());
    return candidates.front();
}

}  // namespace nn::tools
