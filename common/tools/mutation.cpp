#include "common/tools/mutation.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

namespace nn::tools {

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool op_char(char c) { return std::string_view("<>=!+-*/%&|^").find(c) != std::string_view::npos; }
bool opening(char c) { return c == '(' || c == '[' || c == '{'; }
bool closing(char c) { return c == ')' || c == ']' || c == '}'; }

// Plain string tests rather than <regex>, which trips a false -Wmaybe-uninitialized in
// g++ 12 at -O1 (the SANITIZE=1 build).
bool is_word(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), ident_char); }
bool is_identifier(std::string_view s) { return is_word(s) && !std::isdigit(static_cast<unsigned char>(s[0])); }
// "order", "a.u.W": an operand that needs no parentheses.
bool is_plain(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return ident_char(c) || c == '.'; });
}
// "i", "0", "size_t(j)": an index.
bool is_index(std::string_view s) {
    for (std::string_view cast : {"size_t(", "int(", "long("})
        if (s.starts_with(cast) && s.ends_with(")")) return is_word(s.substr(cast.size(), s.size() - cast.size() - 1));
    return is_word(s);
}
// The length of the identifier at the start of s (0 when there is none).
size_t identifier_length(std::string_view s) {
    size_t n = 0;
    while (n < s.size() && ident_char(s[n])) ++n;
    return n > 0 && !std::isdigit(static_cast<unsigned char>(s[0])) ? n : 0;
}

std::string trim(std::string_view text) {
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return "";
    size_t last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

bool has_word(const std::string& text, const std::string& word) {
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
        bool starts = at == 0 || !ident_char(text[at - 1]);
        bool ends = at + word.size() >= text.size() || !ident_char(text[at + word.size()]);
        if (starts && ends) return true;
    }
    return false;
}

// ---------------------------------------------------------------- scanning

// "float weighted_sum(const Perceptron& p, ...)" -> name and return type.
FunctionBody function_from(const std::string& declaration, int line) {
    FunctionBody f;
    f.first_line = line;
    std::string decl = trim(declaration);
    size_t paren = decl.find('(');
    size_t end = paren;
    while (end > 0 && decl[end - 1] == ' ') --end;
    size_t start = end;
    while (start > 0 && (ident_char(decl[start - 1]) || decl[start - 1] == ':' || decl[start - 1] == '~')) --start;
    f.name = decl.substr(start, end - start);
    f.return_type = trim(decl.substr(0, start));
    for (const char* prefix : {"static ", "inline ", "constexpr ", "[[nodiscard]] "})
        if (f.return_type.starts_with(prefix)) f.return_type = trim(f.return_type.substr(std::strlen(prefix)));
    return f;
}

// The index one past the ')' that closes the '(' at `open`, or npos.
size_t after_matching(const std::string& line, const std::string& mask, size_t open) {
    int depth = 0;
    for (size_t k = open; k < line.size(); ++k) {
        if (mask[k] != 'c') continue;
        if (opening(line[k])) ++depth;
        if (closing(line[k]) && --depth == 0) return k + 1;
    }
    return std::string::npos;
}

// Splits [from, to) of the line at the commas (or semicolons) outside brackets.
std::vector<std::pair<size_t, size_t>> split_at(const std::string& line, const std::string& mask, size_t from,
                                                size_t to, char separator) {
    std::vector<std::pair<size_t, size_t>> parts;
    int depth = 0;
    size_t start = from;
    for (size_t k = from; k < to; ++k) {
        if (mask[k] != 'c') continue;
        if (opening(line[k])) ++depth;
        else if (closing(line[k])) --depth;
        else if (depth == 0 && line[k] == separator) {
            parts.push_back({start, k});
            start = k + 1;
        }
    }
    parts.push_back({start, to});
    return parts;
}

// ---------------------------------------------------------------- the operators

int precedence(const std::string& op) {
    static const std::map<std::string, int> table{
        {"*", 10}, {"/", 10}, {"%", 10}, {"+", 9}, {"-", 9}, {"<<", 8}, {">>", 8},
        {"<", 7}, {"<=", 7}, {">", 7}, {">=", 7}, {"==", 6}, {"!=", 6}, {"&", 5}, {"^", 4}, {"|", 3},
        {"&&", 2}, {"||", 1}, {"=", 0}, {"+=", 0}, {"-=", 0}, {"*=", 0}, {"/=", 0}, {"%=", 0}};
    auto it = table.find(op);
    return it == table.end() ? -1 : it->second;
}

bool numeric_type(const std::string& type) {
    static const std::set<std::string> types{"float", "double", "long double", "int", "long", "size_t",
                                             "std::size_t", "unsigned", "int64_t", "std::int64_t"};
    return types.count(type) > 0;
}

const std::set<std::string> kZeros{"0", "0.0", "0.0f"};
const std::set<std::string> kOnes{"1", "1.0", "1.0f"};

std::string other_constant(const std::string& value) {
    if (kZeros.count(value)) return value == "0" ? "1" : value == "0.0" ? "1.0" : "1.0f";
    if (kOnes.count(value)) return value == "1" ? "0" : value == "1.0" ? "0.0" : "0.0f";
    return "";
}

// A binary operator written with a space on either side (or at the end of the line).
struct Token {
    size_t at = 0, end = 0;  // [at, end) in the line
    std::string text;
};

class LineMutator {
public:
    LineMutator(const std::string& line, const std::string& mask, const std::string& return_type)
        : L(line), M(mask), return_type_(return_type) {
        find_tokens();
        find_for_headers();
    }

    std::vector<Mutant> run() {
        operators();
        loops();
        swapped_indices();
        initial_values();
        results();
        unary_minus();
        edge_guard();
        dropped_statement();
        return out_;
    }

private:
    const std::string& L;
    const std::string& M;
    std::string return_type_;
    std::vector<Token> tokens_;
    std::vector<std::pair<size_t, size_t>> for_headers_;  // [open, close] of each for ( ... )
    std::vector<Mutant> out_;
    std::set<std::string> seen_;

    bool code(size_t i) const { return i < L.size() && M[i] == 'c'; }

    void add(const std::string& kind, const std::string& mutated) {
        if (mutated == L || !seen_.insert(mutated).second) return;
        Mutant m;
        m.kind = kind;
        m.original = L;
        m.mutated = mutated;
        out_.push_back(m);
    }
    void replace(const std::string& kind, size_t at, size_t length, const std::string& text) {
        add(kind, L.substr(0, at) + text + L.substr(at + length));
    }

    void find_tokens() {
        for (size_t i = 1; i < L.size(); ++i) {
            if (!code(i) || !op_char(L[i]) || L[i - 1] != ' ') continue;
            size_t j = i;
            while (j < L.size() && code(j) && op_char(L[j])) ++j;
            if (j == L.size() || L[j] == ' ') tokens_.push_back({i, j, L.substr(i, j - i)});
            i = j;
        }
    }
    const Token* token_starting(size_t at) const {
        for (const Token& t : tokens_)
            if (t.at == at) return &t;
        return nullptr;
    }
    const Token* token_ending(size_t end) const {
        for (const Token& t : tokens_)
            if (t.end == end) return &t;
        return nullptr;
    }
    bool in_for_header(size_t i) const {
        for (auto [open, close] : for_headers_)
            if (i > open && i < close) return true;
        return false;
    }
    bool word_before(size_t end, const std::string& word) const {
        return end >= word.size() && L.compare(end - word.size(), word.size(), word) == 0 &&
               (end == word.size() || !ident_char(L[end - word.size() - 1]));
    }
    // The first non-blank character left of i (exclusive) and right of i (inclusive).
    std::optional<size_t> left_of(size_t i) const {
        while (i > 0 && L[i - 1] == ' ') --i;
        return i > 0 ? std::optional<size_t>(i - 1) : std::nullopt;
    }
    std::optional<size_t> right_of(size_t i) const {
        while (i < L.size() && L[i] == ' ') ++i;
        return i < L.size() ? std::optional<size_t>(i) : std::nullopt;
    }
    bool next_to_string(const Token& t) const {
        auto l = left_of(t.at), r = right_of(t.end);
        return (l && M[*l] == 's') || (r && M[*r] == 's');
    }

    // One past the end of the operand that starts at `from`, for an operator of
    // precedence p: up to a bracket it did not open, a comma, or an operator that binds
    // no tighter than p.
    size_t operand_end(size_t from, int p) const {
        int depth = 0;
        size_t k = from;
        for (; k < L.size(); ++k) {
            char c = L[k];
            if (M[k] == ' ') break;
            if (M[k] == 's') continue;
            if (opening(c)) { ++depth; continue; }
            if (closing(c)) {
                if (depth == 0) break;
                --depth;
                continue;
            }
            if (depth > 0) continue;
            if (c == ',' || c == ';' || c == '?') break;
            if (c == ':' && L.compare(k, 2, "::") != 0 && (k == 0 || L[k - 1] != ':')) break;
            if (c == ' ') {
                const Token* t = token_starting(k + 1);
                if (t && precedence(t->text) <= p) break;
            }
        }
        while (k > from && L[k - 1] == ' ') --k;
        return k;
    }
    // The start of the operand that ends at `end` (exclusive), the mirror of operand_end.
    size_t operand_start(size_t end, int p) const {
        int depth = 0;
        size_t k = end;
        for (; k > 0; --k) {
            size_t i = k - 1;
            char c = L[i];
            if (M[i] == ' ') break;
            if (M[i] == 's') continue;
            if (closing(c)) { ++depth; continue; }
            if (opening(c)) {
                if (depth == 0) break;
                --depth;
                continue;
            }
            if (depth > 0) continue;
            if (c == ',' || c == ';' || c == '?') break;
            if (c == ':' && (i + 1 >= L.size() || L[i + 1] != ':') && (i == 0 || L[i - 1] != ':')) break;
            if (c == ' ') {
                const Token* t = token_ending(i);
                if (t && precedence(t->text) <= p) break;
                if (word_before(i, "return") || word_before(i, "case")) break;
            }
        }
        while (k < end && L[k] == ' ') ++k;
        return k;
    }

    // ---- boundary, comparison, sign, operator, dropped term
    void operators() {
        static const std::map<std::string, std::pair<std::string, std::string>> relational{
            {"<", {"<=", ">"}}, {"<=", {"<", ">="}}, {">", {">=", "<"}}, {">=", {">", "<="}}};
        for (const Token& t : tokens_) {
            const size_t length = t.end - t.at;
            if (auto r = relational.find(t.text); r != relational.end()) {
                replace("boundary", t.at, length, r->second.first);
                replace("comparison", t.at, length, r->second.second);
            }
            if (t.text == "==") replace("comparison", t.at, length, "!=");
            if (t.text == "!=") replace("comparison", t.at, length, "==");
            if (t.text == "+=") replace("sign", t.at, length, "-=");
            if (t.text == "-=") replace("sign", t.at, length, "+=");
            if (t.text == "*=") replace("operator", t.at, length, "/=");
            if (t.text == "/=") replace("operator", t.at, length, "*=");
            const bool additive = t.text == "+" || t.text == "-";
            if (additive && !next_to_string(t)) {
                replace("sign", t.at, length, t.text == "+" ? "-" : "+");
                drop_operands(t, t.text == "+");
            }
            if (t.text == "||" || t.text == "&&") drop_operands(t, true);
        }
        for (size_t at = L.find("std::max("); at != std::string::npos; at = L.find("std::max(", at + 1))
            if (code(at)) replace("comparison", at, 8, "std::min");
        for (size_t at = L.find("std::min("); at != std::string::npos; at = L.find("std::min(", at + 1))
            if (code(at)) replace("comparison", at, 8, "std::max");
    }
    void drop_operands(const Token& t, bool left_too) {
        const int p = precedence(t.text);
        if (t.end + 1 < L.size()) {
            size_t end = operand_end(t.end + 1, p);
            if (end > t.end + 1) add("dropped term", L.substr(0, t.at - 1) + L.substr(end));
        }
        if (left_too && t.at >= 1) {
            size_t start = operand_start(t.at - 1, p);
            if (start < t.at - 1) add("dropped term", L.substr(0, start) + L.substr(std::min(t.end + 1, L.size())));
        }
    }

    // ---- loop start, loop bound
    void find_for_headers() {
        for (size_t at = L.find("for ("); at != std::string::npos; at = L.find("for (", at + 1)) {
            if (!code(at) || (at > 0 && ident_char(L[at - 1]))) continue;
            size_t end = after_matching(L, M, at + 4);
            if (end != std::string::npos) for_headers_.push_back({at + 4, end - 1});
        }
    }
    void loops() {
        for (auto [open, close] : for_headers_) {
            auto parts = split_at(L, M, open + 1, close, ';');
            if (parts.size() == 3) {
                auto [init_from, init_to] = parts[0];
                std::string init = trim(L.substr(init_from, init_to - init_from));
                if (init.ends_with(" = 0")) {
                    size_t zero = L.rfind('0', init_to - 1);
                    replace("loop start", zero, 1, "1");
                }
                auto [cond_from, cond_to] = parts[1];
                size_t cond_at = L.find_first_not_of(' ', cond_from);
                std::string cond = trim(L.substr(cond_from, cond_to - cond_from));
                // k < n -> k + 1 < n;  l-- > 0 -> l-- > 1
                size_t k = identifier_length(cond);
                if (k > 0 && cond.compare(k, 3, " < ") == 0)
                    replace("loop bound", cond_at + k, 0, " + 1");
                else if (k > 0 && cond.substr(k) == "-- > 0")
                    replace("loop bound", cond_at + cond.size() - 1, 1, "1");
                continue;
            }
            // for (decl : range): skip its first or its last element.
            size_t colon = L.find(" : ", open);
            if (colon == std::string::npos || colon >= close) continue;
            size_t range_at = L.find_first_not_of(' ', colon + 3);
            std::string range = trim(L.substr(range_at, close - range_at));
            if (range.empty() || range[0] == '{') continue;
            std::string sized = is_plain(range) ? range : "(" + range + ")";
            replace("loop bound", range_at, range.size(), "std::span(" + range + ").subspan(1)");
            replace("loop bound", range_at, range.size(),
                    "std::span(" + range + ").first(" + sized + ".size() - 1)");
        }
    }

    // ---- swapped indices: X(i, j) -> X(j, i), a[i][j] -> a[j][i]
    void swapped_indices() {
        for (size_t i = 1; i < L.size(); ++i) {
            if (!code(i) || L[i] != '(' || !ident_char(L[i - 1])) continue;
            size_t k = i;
            while (k > 0 && (ident_char(L[k - 1]) || L[k - 1] == '.' || L[k - 1] == ':')) --k;
            if (L.substr(k, i - k).find("::") != std::string::npos) continue;
            size_t end = after_matching(L, M, i);
            if (end == std::string::npos) continue;
            auto args = split_at(L, M, i + 1, end - 1, ',');
            if (args.size() != 2) continue;
            std::string a = trim(L.substr(args[0].first, args[0].second - args[0].first));
            std::string b = trim(L.substr(args[1].first, args[1].second - args[1].first));
            if (a != b && is_index(a) && is_index(b))
                replace("swapped indices", i + 1, end - 1 - (i + 1), b + ", " + a);
        }
        for (size_t at = L.find('['); at != std::string::npos; at = L.find('[', at + 1)) {
            size_t close1 = L.find(']', at), close2 = close1 == std::string::npos ? close1 : L.find(']', close1 + 1);
            if (!code(at) || close2 == std::string::npos || L.compare(close1, 2, "][") != 0) continue;
            std::string a = L.substr(at + 1, close1 - at - 1), b = L.substr(close1 + 2, close2 - close1 - 2);
            if (a != b && is_word(a) && is_word(b))
                replace("swapped indices", at, close2 + 1 - at, "[" + b + "][" + a + "]");
        }
    }

    // ---- initial value
    // "-std::numeric_limits<float>::infinity()", "std::numeric_limits<double>::lowest()"
    static bool is_limit(std::string_view value) {
        if (value.starts_with("-")) value.remove_prefix(1);
        if (!value.starts_with("std::numeric_limits<")) return false;
        for (std::string_view end : {">::infinity()", ">::lowest()", ">::max()", ">::min()"})
            if (value.ends_with(end)) return true;
        return false;
    }
    // "float s", "const double y": a numeric variable being declared.
    static bool is_declaration(std::string_view text) {
        if (text.starts_with("const ")) text.remove_prefix(6);
        for (std::string_view type : {"float ", "double ", "int ", "long ", "size_t "})
            if (text.starts_with(type)) return is_identifier(text.substr(type.size()));
        return false;
    }
    void initial_values() {
        size_t code_start = L.find_first_not_of(' ');
        for (const Token& t : tokens_) {
            if (t.text != "=" || in_for_header(t.at)) continue;
            size_t from = t.end + 1;
            if (from >= L.size()) continue;
            size_t end = operand_end(from, 0);
            if (end >= L.size() || (L[end] != ';' && L[end] != ',')) continue;
            std::string value = L.substr(from, end - from);
            if (std::string other = other_constant(value); !other.empty())
                replace("initial value", from, value.size(), other);
            else if (value == "{}")
                replace("initial value", from, value.size(), "{1}");
            else if (is_limit(value))
                replace("initial value", from, value.size(), "0");
            else if (L[end] == ';' && is_declaration(trim(L.substr(code_start, t.at - code_start))))
                replace("initial value", from, value.size(), "0");
        }
        for (size_t at = L.find(".assign("); at != std::string::npos; at = L.find(".assign(", at + 1)) {
            if (!code(at)) continue;
            size_t open = at + 7, end = after_matching(L, M, open);
            if (end == std::string::npos) continue;
            auto args = split_at(L, M, open + 1, end - 1, ',');
            if (args.size() != 2) continue;
            size_t value_at = L.find_first_not_of(' ', args[1].first);
            std::string value = trim(L.substr(value_at, args[1].second - value_at));
            if (kZeros.count(value)) replace("initial value", value_at, value.size(), other_constant(value));
        }
    }

    // ---- negated result: return e -> return -(e), or !(e) for a bool
    void results() {
        const bool numeric = numeric_type(return_type_), boolean = return_type_ == "bool";
        if (!numeric && !boolean) return;
        for (size_t at = L.find("return "); at != std::string::npos; at = L.find("return ", at + 1)) {
            if (!code(at) || (at > 0 && ident_char(L[at - 1]))) continue;
            size_t from = at + 7, end = from;
            int depth = 0;
            for (; end < L.size(); ++end) {
                if (M[end] != 'c') continue;
                if (opening(L[end])) ++depth;
                if (closing(L[end])) --depth;
                if (depth == 0 && L[end] == ';') break;
            }
            if (end >= L.size()) continue;
            std::string e = L.substr(from, end - from);
            std::string wrapped = is_plain(e) ? e : "(" + e + ")";
            if (boolean && e == "true") replace("negated result", from, e.size(), "false");
            else if (boolean && e == "false") replace("negated result", from, e.size(), "true");
            else if (boolean) replace("negated result", from, e.size(), "!" + wrapped);
            else if (!kZeros.count(e)) replace("negated result", from, e.size(), "-" + wrapped);
        }
    }

    // ---- sign: a unary minus dropped
    void unary_minus() {
        for (size_t i = 0; i + 1 < L.size(); ++i) {
            if (!code(i) || L[i] != '-' || !(ident_char(L[i + 1]) || L[i + 1] == '(')) continue;
            if (i > 0 && (L[i - 1] == '-' || ident_char(L[i - 1]) || closing(L[i - 1]))) continue;
            auto before = left_of(i);
            bool after_operator = before && std::string_view("(,=?:").find(L[*before]) != std::string_view::npos;
            if (after_operator || word_before(before ? *before + 1 : 0, "return")) replace("sign", i, 1, "");
        }
    }

    // ---- edge guard: if (n == 0) return -> if (n <= 1) return
    void edge_guard() {
        size_t at = L.find_first_not_of(' ');
        if (at == std::string::npos || L.compare(at, 4, "if (") != 0 || !code(at)) return;
        size_t end = after_matching(L, M, at + 3);
        if (end == std::string::npos) return;
        std::string rest = trim(L.substr(end));
        bool leaves = rest.starts_with("return") || rest.starts_with("throw") || rest.starts_with("break") ||
                      rest.starts_with("continue");
        if (!leaves) return;
        for (const Token& t : tokens_) {
            if (t.text != "==" || t.at > end) continue;
            size_t value = t.end + 1;
            if (value + 1 < L.size() && L[value] == '0' && (L[value + 1] == ')' || L[value + 1] == ' '))
                replace("edge guard", t.at, value + 1 - t.at, "<= 1");
        }
    }

    // ---- dropped statement: `x += e;`, `++x;` removed
    // "++a.c", "k--"
    static bool is_increment(std::string_view statement) {
        std::string_view target;
        if (statement.starts_with("++") || statement.starts_with("--")) target = statement.substr(2);
        else if (statement.ends_with("++") || statement.ends_with("--")) target = statement.substr(0, statement.size() - 2);
        return !target.empty() && std::all_of(target.begin(), target.end(), [](char c) {
            return ident_char(c) || c == '.' || c == '[' || c == ']';
        });
    }
    void dropped_statement() {
        size_t s = L.find_first_not_of(' ');
        while (s != std::string::npos && code(s)) {
            bool header = false;
            for (const char* keyword : {"for (", "if (", "while ("}) {
                if (L.compare(s, std::strlen(keyword), keyword) != 0) continue;
                size_t end = after_matching(L, M, s + std::strlen(keyword) - 1);
                if (end == std::string::npos) return;
                s = L.find_first_not_of(' ', end);
                header = true;
                break;
            }
            if (!header && L.compare(s, 5, "else ") == 0) {
                s = L.find_first_not_of(' ', s + 5);
                header = true;
            }
            if (!header) break;
        }
        if (s == std::string::npos || !code(s)) return;
        size_t end = s;
        int depth = 0;
        bool compound = false;
        for (; end < L.size(); ++end) {
            if (M[end] != 'c') continue;
            if (opening(L[end])) ++depth;
            if (closing(L[end])) --depth;
            if (depth == 0 && L[end] == ';') break;
        }
        if (end >= L.size()) return;
        for (const Token& t : tokens_)
            if (t.at > s && t.end < end && precedence(t.text) == 0 && t.text != "=") compound = true;
        std::string statement = L.substr(s, end - s);
        if (compound || is_increment(statement)) replace("dropped statement", s, end + 1 - s, "{}");
    }
};

// A mask for a line on its own: everything code, except string literals and a // comment.
std::string plain_mask(const std::string& line) {
    std::string mask(line.size(), 'c');
    for (size_t i = 0; i < line.size(); ++i) {
        if (line.compare(i, 2, "//") == 0) {
            std::fill(mask.begin() + std::ptrdiff_t(i), mask.end(), ' ');
            break;
        }
        if (line[i] != '"' && line[i] != '\'') continue;
        size_t j = i + 1;
        while (j < line.size() && line[j] != line[i]) j += line[j] == '\\' ? 2 : 1;
        j = std::min(j, line.size() - 1);
        std::fill(mask.begin() + std::ptrdiff_t(i), mask.begin() + std::ptrdiff_t(j) + 1, 's');
        i = j;
    }
    return mask;
}

}  // namespace

ScannedSource scan_source(const std::string& text) {
    ScannedSource s;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) s.lines.push_back(line);

    enum class Brace { Namespace, Function, Other };
    std::vector<Brace> stack;
    int function = -1;           // the body we are in
    size_t function_depth = 0;   // the stack's size just after its opening brace
    std::string declaration;     // the code at namespace scope since the last ; { or }
    int paren = 0;               // ( depth inside that declaration
    bool block_comment = false;
    for (size_t li = 0; li < s.lines.size(); ++li) {
        const std::string& L = s.lines[li];
        std::string mask(L.size(), ' ');
        int line_function = -1;
        size_t first = L.find_first_not_of(" \t");
        bool preprocessor = !block_comment && first != std::string::npos && L[first] == '#';
        for (size_t i = 0; i < L.size() && !preprocessor; ++i) {
            char c = L[i];
            if (block_comment) {
                if (L.compare(i, 2, "*/") == 0) {
                    block_comment = false;
                    ++i;
                }
                continue;
            }
            if (L.compare(i, 2, "//") == 0) break;
            if (L.compare(i, 2, "/*") == 0) {
                block_comment = true;
                ++i;
                continue;
            }
            const bool in_body = function >= 0;
            if (in_body && line_function < 0 && c != '}') line_function = function;
            if (c == '"' || c == '\'') {
                size_t j = i + 1;
                while (j < L.size() && L[j] != c) j += L[j] == '\\' ? 2 : 1;
                j = std::min(j, L.size() - 1);
                std::string literal = L.substr(i, j - i + 1);
                if (in_body) {
                    std::fill(mask.begin() + std::ptrdiff_t(i), mask.begin() + std::ptrdiff_t(j) + 1, 's');
                    s.functions[size_t(function)].code += literal;
                } else {
                    declaration += literal;
                }
                i = j;
                continue;
            }
            if (in_body) {
                if (c == '}' && stack.size() == function_depth) {
                    s.functions[size_t(function)].last_line = int(li) + 1;
                    stack.pop_back();
                    function = -1;
                    declaration.clear();
                    continue;
                }
                if (c == '{') stack.push_back(Brace::Other);
                if (c == '}') stack.pop_back();
                mask[i] = 'c';
                s.functions[size_t(function)].code += c;
                continue;
            }
            if (c == '{') {
                std::string decl = trim(declaration);
                Brace kind = Brace::Other;
                if (paren == 0 && has_word(decl, "namespace")) kind = Brace::Namespace;
                else if (paren == 0 && decl.find('(') != std::string::npos && !decl.ends_with("=")) kind = Brace::Function;
                stack.push_back(kind);
                if (kind == Brace::Function) {
                    s.functions.push_back(function_from(decl, int(li) + 1));
                    function = int(s.functions.size()) - 1;
                    function_depth = stack.size();
                }
                if (paren == 0) declaration.clear();
                continue;
            }
            if (c == '}') {
                if (!stack.empty()) stack.pop_back();
                if (paren == 0) declaration.clear();
                continue;
            }
            if (c == '(') ++paren;
            if (c == ')') --paren;
            if (c == ';' && paren == 0) {
                declaration.clear();
                continue;
            }
            declaration += c;
        }
        if (function >= 0) s.functions[size_t(function)].code += '\n';
        else declaration += ' ';
        s.masks.push_back(mask);
        s.function_of_line.push_back(line_function);
    }
    return s;
}

std::vector<Mutant> mutate_line(const std::string& line, const std::string& mask, const std::string& return_type) {
    return LineMutator(line, mask, return_type).run();
}

std::vector<Mutant> mutate_line(const std::string& line) { return mutate_line(line, plain_mask(line)); }

std::vector<Mutant> generate_mutants(const ScannedSource& source) {
    std::vector<Mutant> mutants;
    for (size_t li = 0; li < source.lines.size(); ++li) {
        int f = source.function_of_line[li];
        const std::string& mask = source.masks[li];
        if (f < 0 || mask.find('c') == std::string::npos) continue;
        std::string code;
        for (size_t i = 0; i < mask.size(); ++i)
            if (mask[i] != ' ') code += source.lines[li][i];
        code = trim(code);
        if (code.starts_with("assert(") || code.starts_with("static_assert(")) continue;
        const FunctionBody& function = source.functions[size_t(f)];
        for (Mutant m : mutate_line(source.lines[li], mask, function.return_type)) {
            m.line = int(li) + 1;
            m.function = function.name;
            mutants.push_back(m);
        }
    }
    return mutants;
}

std::string apply_mutant(const ScannedSource& source, const Mutant& mutant) {
    std::string text;
    for (size_t li = 0; li < source.lines.size(); ++li)
        text += (int(li) + 1 == mutant.line ? mutant.mutated : source.lines[li]) + "\n";
    return text;
}

std::map<std::string, std::string> exercise_ids(const ScannedSource& exercises) {
    std::map<std::string, std::string> ids;
    const std::string marker = "NotImplemented(\"";
    for (const FunctionBody& f : exercises.functions) {
        size_t at = f.code.find(marker);
        if (at == std::string::npos) continue;
        size_t from = at + marker.size();
        ids[f.name] = f.code.substr(from, f.code.find('"', from) - from);
    }
    return ids;
}

std::string exercise_of(const std::string& function, const ScannedSource& solution,
                        const std::map<std::string, std::string>& ids) {
    if (auto it = ids.find(function); it != ids.end()) return it->second;
    const std::string name = function.substr(function.rfind(':') == std::string::npos ? 0 : function.rfind(':') + 1);
    std::set<std::string> callers;
    for (const FunctionBody& f : solution.functions) {
        auto id = ids.find(f.name);
        if (f.name == function || id == ids.end()) continue;
        for (size_t at = f.code.find(name + "("); at != std::string::npos; at = f.code.find(name + "(", at + 1))
            if (at == 0 || !ident_char(f.code[at - 1])) callers.insert(id->second);
    }
    std::string joined;
    for (const std::string& id : callers) joined += (joined.empty() ? "" : "/") + id;
    return joined;
}

}  // namespace nn::tools
