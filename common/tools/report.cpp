#include "common/tools/report.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "common/cli.hpp"
#include "common/errors.hpp"

namespace nn::tools {

void parse_tool_options(int argc, char** argv, const std::string& usage,
                        const boost::program_options::options_description& options) {
    namespace po = boost::program_options;
    po::options_description all(options);
    all.add_options()("help", "show this help and exit");
    po::variables_map values;
    try {
        po::store(po::parse_command_line(argc, argv, all), values);
        if (values.count("help")) {
            std::cout << "usage: " << usage << "\n" << all;
            throw HelpRequested{};
        }
        po::notify(values);
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
}

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
        fields.push_back(line.substr(start, tab - start));
    fields.push_back(line.substr(start));
    return fields;
}

// A figure path must stay inside the output folder the gallery links to.
bool is_safe_relative_path(const std::string& file) {
    if (file.empty() || file.front() == '/') return false;
    for (const auto& part : std::filesystem::path(file))
        if (part == "..") return false;
    return true;
}

std::optional<double> parse_number(const std::string& text) {
    double value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || text.empty()) return std::nullopt;
    return value;
}

std::string format_number(double value, const char* format) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

// One problem with line `number` of a manifest, or nothing when the line is fine.
std::optional<std::string> add_record(Manifest& m, const std::vector<std::string>& f) {
    const std::string& kind = f[0];
    if (kind == "program") {
        if (f.size() != 2 || f[1].empty()) return "expected program<TAB>name";
        if (!m.program.empty() && m.program != f[1]) return "a second program name '" + f[1] + "'";
        m.program = f[1];
    } else if (kind == "figure") {
        if (f.size() != 3) return "expected figure<TAB>file<TAB>caption";
        if (!is_safe_relative_path(f[1])) return "figure file '" + f[1] + "' is not a relative path inside the folder";
        m.figures.push_back({f[1], f[2]});
    } else if (kind == "result") {
        if (f.size() != 3 || f[1].empty()) return "expected result<TAB>key<TAB>value";
        m.results.emplace_back(f[1], f[2]);
    } else if (kind == "file") {
        if (f.size() != 2) return "expected file<TAB>name";
        if (!is_safe_relative_path(f[1])) return "file '" + f[1] + "' is not a relative path inside the folder";
        m.files.push_back(f[1]);
    } else {
        return "unknown record '" + kind + "' (expected program, figure, file or result)";
    }
    return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- manifests

Manifest parse_manifest(std::istream& in, const std::string& source, std::vector<std::string>& warnings) {
    Manifest manifest;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty()) continue;
        if (auto problem = add_record(manifest, split_tabs(line)))
            warnings.push_back(source + ":" + std::to_string(number) + ": " + *problem + "; line skipped");
    }
    return manifest;
}

std::optional<Manifest> read_manifest(const std::string& path, std::vector<std::string>& warnings) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    Manifest manifest = parse_manifest(in, path, warnings);
    if (manifest.program.empty()) {
        manifest.program = std::filesystem::path(path).stem().string();
        warnings.push_back(path + ": no program line; named after the file");
    }
    return manifest;
}

// ---------------------------------------------------------------- chapters

std::vector<std::string> parse_tour(std::istream& in) {
    std::vector<std::string> programs;
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (!line.empty() && line.front() != '#') programs.push_back(line);
    }
    return programs;
}

std::vector<std::string> read_tour(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw DataError("cannot read " + path + " (each chapter lists its programs there, one a line)");
    return parse_tour(in);
}

std::optional<std::string> chapter_title(std::istream& readme) {
    std::string line;
    while (std::getline(readme, line)) {
        line = trim(line);
        if (line.rfind("# ", 0) == 0 && !trim(line.substr(2)).empty()) return trim(line.substr(2));
    }
    return std::nullopt;
}

std::optional<std::string> read_chapter_title(const std::string& readme_path) {
    std::ifstream in(readme_path);
    if (!in) return std::nullopt;
    return chapter_title(in);
}

// ---------------------------------------------------------------- HTML

std::string html_escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            case '\'': escaped += "&#39;"; break;
            default: escaped += c;
        }
    }
    return escaped;
}

std::string url_path_escape(std::string_view path) {
    const std::string_view keep = "-._~/";
    std::string escaped;
    for (unsigned char c : path) {
        if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
            escaped += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            escaped += hex;
        }
    }
    return escaped;
}

// ---------------------------------------------------------------- side by side

bool is_timing_metric(std::string_view key) {
    auto ends_with = [&](std::string_view suffix) { return key.ends_with(suffix); };
    // A speed (gflops) is a timing too: it changes with the machine's load.
    return key.find("seconds") != std::string_view::npos || key == "time" || ends_with("_time") ||
           key == "ms" || ends_with("_ms") || key.find("gflops") != std::string_view::npos;
}

bool values_differ(const std::string& yours, const std::string& solution, double relative) {
    auto a = parse_number(yours), b = parse_number(solution);
    if (!a || !b) return yours != solution;
    if (std::isnan(*a) || std::isnan(*b)) return std::isnan(*a) != std::isnan(*b);
    if (*a == *b) return false;  // also equal infinities
    return std::fabs(*a - *b) > relative * std::max(std::fabs(*a), std::fabs(*b));
}

namespace {

std::optional<std::string> find_value(const std::vector<std::pair<std::string, std::string>>& values,
                                      const std::string& key) {
    for (const auto& [k, v] : values)
        if (k == key) return v;
    return std::nullopt;
}

std::string difference(const std::optional<std::string>& yours, const std::optional<std::string>& solution) {
    if (!yours || !solution) return "";
    auto a = parse_number(*yours), b = parse_number(*solution);
    if (!a || !b) return "";
    double d = *a - *b;
    return d == 0 ? "0" : format_number(d, "%+.6g");
}

}  // namespace

std::vector<SideBySideRow> side_by_side(const std::vector<std::pair<std::string, std::string>>& yours,
                                        const std::vector<std::pair<std::string, std::string>>& solution,
                                        double relative) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : solution) keys.push_back(k);
    for (const auto& [k, v] : yours)
        if (!find_value(solution, k)) keys.push_back(k);

    std::vector<SideBySideRow> rows;
    for (const std::string& key : keys) {
        SideBySideRow row{key, find_value(yours, key), find_value(solution, key), "", false};
        row.difference = difference(row.yours, row.solution);
        bool missing = !row.yours || !row.solution;
        row.differs = !is_timing_metric(key) &&
                      (missing || values_differ(*row.yours, *row.solution, relative));
        rows.push_back(row);
    }
    return rows;
}

std::string format_side_by_side(const std::vector<SideBySideRow>& rows, const std::string& indent) {
    // cells[r][c]: the header then one line per row, four columns
    std::vector<std::vector<std::string>> cells = {{"metric", "yours", "solution", "difference"}};
    for (const auto& row : rows)
        cells.push_back({row.metric, row.yours.value_or("(missing)"), row.solution.value_or("(missing)"),
                         row.difference});
    size_t width[4] = {0, 0, 0, 0};
    for (const auto& line : cells)
        for (size_t c = 0; c < 4; ++c) width[c] = std::max(width[c], line[c].size());

    std::string table;
    for (size_t r = 0; r < cells.size(); ++r) {
        std::string line = indent;
        for (size_t c = 0; c < 4; ++c) {
            line += cells[r][c] + std::string(width[c] - cells[r][c].size(), ' ');
            if (c < 3) line += " | ";
        }
        if (r > 0 && rows[r - 1].differs) line += "  <-";
        line.erase(line.find_last_not_of(' ') + 1);
        table += line + "\n";
    }
    return table;
}

bool series_differ(const std::vector<double>& yours, const std::vector<double>& solution, double relative) {
    if (yours.size() != solution.size()) return true;
    for (size_t i = 0; i < yours.size(); ++i) {
        double a = yours[i], b = solution[i];
        if (std::isnan(a) || std::isnan(b)) {
            if (std::isnan(a) != std::isnan(b)) return true;
        } else if (a != b && std::fabs(a - b) > relative * std::max(std::fabs(a), std::fabs(b))) {
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------- CSV files

namespace {

std::string_view first_word(std::string_view stem) { return stem.substr(0, stem.find('_')); }

template <typename Claims>
std::optional<size_t> first_claiming(const std::vector<ProgramFiles>& programs, Claims claims) {
    for (size_t i = 0; i < programs.size(); ++i)
        if (claims(programs[i])) return i;
    return std::nullopt;
}

bool any_figure_stem(const ProgramFiles& p, auto matches) {
    return std::any_of(p.figures.begin(), p.figures.end(), [&](const std::string& file) {
        return matches(std::filesystem::path(file).stem().string());
    });
}

}  // namespace

std::optional<size_t> csv_owner(std::string_view csv_stem, const std::vector<ProgramFiles>& programs) {
    auto same_stem = [&](const ProgramFiles& p) {
        return any_figure_stem(p, [&](const std::string& stem) { return stem == csv_stem; });
    };
    auto named_after = [&](const ProgramFiles& p) {
        return csv_stem == p.program || csv_stem.starts_with(p.program + "_");
    };
    auto same_first_word = [&](const ProgramFiles& p) {
        return any_figure_stem(p, [&](const std::string& stem) { return first_word(stem) == first_word(csv_stem); });
    };
    if (auto i = first_claiming(programs, same_stem)) return i;
    if (auto i = first_claiming(programs, named_after)) return i;
    return first_claiming(programs, same_first_word);
}

// ---------------------------------------------------------------- traces

namespace {

// first_divergence() speaks of "the learner"; the compare tool speaks to them.
std::string addressed_to_learner(std::string text) {
    const std::pair<std::string, std::string> words[] = {
        {"the learner's", "your"}, {"the learner", "your program"}, {"learner ", "yours "}};
    for (const auto& [from, to] : words)
        for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    return text;
}

}  // namespace

std::string describe_divergence(const Divergence& d) {
    bool values_disagree = std::isnan(d.learner) != std::isnan(d.solution) ||
                           (!std::isnan(d.learner) && d.learner != d.solution);
    // Records whose names or lengths disagree carry no values: their sentence says it.
    if (!values_disagree) return "first difference: " + addressed_to_learner(d.what);
    return "first difference: step " + std::to_string(d.step) + ", tensor " + d.name + ", index " +
           std::to_string(d.index) + ": yours " + format_number(d.learner, "%.7g") + ", solution " +
           format_number(d.solution, "%.7g");
}

std::string describe_agreement(const std::vector<TraceRecord>& records) {
    if (records.empty()) return "both traces are empty (this program traces nothing)";
    std::set<int> steps;
    for (const auto& record : records) steps.insert(record.step);
    auto plural = [](size_t n, const char* word) {
        return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    return "traces agree over the first " + plural(steps.size(), "step") + " (" +
           plural(records.size(), "record") + ")";
}

std::string safe_file_part(std::string_view text) {
    std::string safe;
    for (unsigned char c : text)
        safe += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? static_cast<char>(c) : '_';
    return safe;
}

namespace {
volatile pid_t running_group = 0;  // the process group a time-limited run_command waits for
}  // namespace

int run_command(const std::string& program, const std::vector<std::string>& args, const std::string& log) {
    return run_command(program, args, log, RunLimits{}, nullptr);
}

int run_command(const std::string& program, const std::vector<std::string>& args, const std::string& log,
                const RunLimits& limits, bool* timed_out) {
    if (timed_out) *timed_out = false;
    // posix_spawn, not std::system: no shell to quote for, and a program that crashes is
    // reported as killed by its signal rather than as the shell's exit status 139.
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const std::string& entry : limits.environment) envp.push_back(const_cast<char*>(entry.c_str()));
    for (char** entry = environ; *entry; ++entry) envp.push_back(*entry);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!log.empty()) {
        posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    }
    // Its own process group, so that a time limit stops whatever it started too.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    if (limits.seconds > 0) {
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);
    }
    std::fflush(stdout);  // what we printed comes before what the program prints
    std::cerr << std::flush;
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, program.c_str(), &files, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
    if (failed) return -1;
    int status = 0;
    if (limits.seconds <= 0) {
        while (waitpid(pid, &status, 0) == -1)
            if (errno != EINTR) return -1;
        return status;
    }
    // A Ctrl-C reaches only the terminal's process group, not the child's own: pass it on,
    // so that an endless loop does not go on spinning after we are gone.
    struct ForwardSignals {
        struct sigaction old_int {}, old_term {}, old_hup {};
        explicit ForwardSignals(pid_t group) {
            running_group = group;
            struct sigaction forward {};
            forward.sa_handler = [](int signal) {
                kill(-running_group, SIGKILL);
                std::signal(signal, SIG_DFL);
                std::raise(signal);
            };
            sigaction(SIGINT, &forward, &old_int);
            sigaction(SIGTERM, &forward, &old_term);
            sigaction(SIGHUP, &forward, &old_hup);
        }
        ~ForwardSignals() {
            sigaction(SIGINT, &old_int, nullptr);
            sigaction(SIGTERM, &old_term, nullptr);
            sigaction(SIGHUP, &old_hup, nullptr);
        }
    } forward(pid);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done == -1 && errno != EINTR) return -1;
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {}
            if (timed_out) *timed_out = true;
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trim(const std::string& text) {
    const char* space = " \t\r\n\f\v";  // every std::isspace character
    size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::string fold_spaces(const std::string& text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) { space = !out.empty(); continue; }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::optional<std::string> last_line(const std::string& path) {
    std::ifstream in(path);
    std::optional<std::string> last;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        // A progress bar redraws itself with '\r' on one line: keep what it drew last.
        if (size_t cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
        if (line.find_first_not_of(" \t") != std::string::npos) last = line;
    }
    return last;
}

std::string status_text(int status) {
    if (status == -1) return "could not be started";
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "ended abnormally";
}

bool succeeded(int status) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string chapter_prefix(const std::string& id) {
    std::string chapter = id.substr(0, id.find('.'));
    return chapter.size() == 1 && std::isdigit(static_cast<unsigned char>(chapter[0])) ? "0" + chapter : chapter;
}

}  // namespace nn::tools
