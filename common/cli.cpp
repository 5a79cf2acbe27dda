#include "common/cli.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "common/files.hpp"
#include "common/idx.hpp"
#include "common/plot.hpp"

namespace nn {

namespace {

// Positional arguments are collected under this hidden name only to be rejected by name.
const char* const kPositional = "nn-positional-argument";

// Boost's default style minus guessing: "--epoch" must not silently mean "--epochs".
constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// A whole number as written (2147483647, not %g's 2.14748e+09), anything else as %g.
std::string shown(double value) {
    char text[64];
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, "%g", value);
    return text;
}

template <class... T>
bool semantic_is(const po::value_semantic* semantic) {
    return (... || (dynamic_cast<const po::typed_value<T>*>(semantic) != nullptr));
}

bool is_unsigned(const po::value_semantic* semantic) {
    return semantic_is<unsigned, unsigned long, unsigned long long, unsigned short>(semantic);
}

// "a whole number" for --epochs, "a number" for --eta, from the type the option was declared with.
std::string expected_kind(const po::options_description& options, const std::string& name) {
    const po::option_description* option = options.find_nothrow(name, false);
    if (!option) return "a valid value";
    const po::value_semantic* semantic = option->semantic().get();
    if (is_unsigned(semantic)) return "a whole number, 0 or more";
    if (semantic_is<int, long, long long, short>(semantic)) return "a whole number";
    if (semantic_is<float, double, long double>(semantic)) return "a number";
    return "a valid value";
}

// What the user typed after the option (the first occurrence's value).
std::string raw_value(const po::parsed_options& parsed, const std::string& name) {
    for (const auto& option : parsed.options)
        if (option.string_key == name && !option.value.empty()) return option.value.front();
    return "";
}

std::string without_dashes(std::string name) {
    while (!name.empty() && name.front() == '-') name.erase(name.begin());
    return name;
}

std::string with_dashes(const std::string& name) {
    return name.rfind("-", 0) == 0 ? name : "--" + name;
}

// One clear line for each way Boost can reject a command line.
std::string describe(const po::error& error, const po::options_description& options,
                     const po::parsed_options* parsed) {
    if (auto* e = dynamic_cast<const po::unknown_option*>(&error))
        return "unknown option " + e->get_option_name() + "; see --help";
    if (auto* e = dynamic_cast<const po::validation_error*>(&error)) {
        std::string name = with_dashes(e->get_option_name());
        if (e->kind() == po::validation_error::invalid_option_value) {
            std::string value = parsed ? raw_value(*parsed, without_dashes(name)) : "";
            return name + " must be " + expected_kind(options, without_dashes(name)) + " (got '" +
                   value + "')";
        }
        if (e->kind() == po::validation_error::multiple_values_not_allowed)
            return name + " takes one value; see --help";
    }
    if (auto* e = dynamic_cast<const po::invalid_command_line_syntax*>(&error)) {
        std::string name = with_dashes(e->get_option_name());
        if (e->kind() == po::invalid_syntax::missing_parameter) return name + " needs a value; see --help";
        if (e->kind() == po::invalid_syntax::extra_parameter) return name + " takes no value; see --help";
    }
    if (auto* e = dynamic_cast<const po::multiple_occurrences*>(&error))
        return with_dashes(e->get_option_name()) + " is given more than once";
    return std::string(error.what()) + "; see --help";
}

// Boost's lexical_cast turns "-1" into a huge unsigned number; say what was meant instead.
void reject_negative_unsigned(const po::parsed_options& parsed, const po::options_description& options) {
    for (const auto& option : parsed.options) {
        const po::option_description* d = options.find_nothrow(option.string_key, false);
        if (!d || !is_unsigned(d->semantic().get())) continue;
        for (const auto& value : option.value)
            if (value.find('-') != std::string::npos)
                throw UsageError("--" + option.string_key + " must be a whole number, 0 or more (got '" +
                                 value + "')");
    }
}

// One line: a message that spans lines would break "exactly one line on stderr".
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

}  // namespace

Cli::Cli(std::string program, std::string summary, std::string default_out)
    : program_(std::move(program)),
      summary_(std::move(summary)),
      default_out_(std::move(default_out)),
      options_("Options", 100, 50) {
    options_.add_options()
        ("help", "show this help and exit")
        ("seed", po::value(&parsed_.seed)->default_value(1)->value_name("N"), "random seed; same seed, same output")
        ("out", po::value(&parsed_.out)->default_value(default_out_)->value_name("DIR"),
         "folder for plots, CSV and the manifest")
        ("quick", po::bool_switch(&parsed_.quick), "a smaller, faster run")
        ("progress", po::value<std::string>()->default_value("auto")->value_name("WHEN"),
         "progress bar: auto (on a terminal), always or never")
        ("show", po::bool_switch(&parsed_.show), "also open each plot in a window, if there is a display");
}

void Cli::add_trace() {
    options_.add_options()("trace", po::value(&parsed_.trace)->value_name("FILE"),
                           "write the named tensors of the first steps to FILE (for make compare)");
}

void Cli::add_epochs(int default_epochs) {
    has_epochs_ = true;
    default_epochs_ = default_epochs;
    options_.add_options()("epochs", po::value(&parsed_.epochs)->default_value(default_epochs)->value_name("N"),
                           "number of passes over the training data");
}

void Cli::add_data() {
    has_data_ = true;
    options_.add_options()("data", po::value(&parsed_.data)->default_value(kFashionMnistDir)->value_name("DIR"),
                           "folder with the IDX files (train-images-idx3-ubyte.gz, ...)");
}

CommonOptions Cli::parse(int argc, char** argv) {
    po::options_description all;
    all.add(options_);
    all.add_options()(kPositional, po::value<std::vector<std::string>>(), "");
    po::positional_options_description positional;
    positional.add(kPositional, -1);

    po::parsed_options parsed(nullptr);
    try {
        parsed = po::command_line_parser(argc, argv).options(all).positional(positional).style(kStyle).run();
    } catch (const po::error& e) {
        throw UsageError(describe(e, options_, nullptr));
    }
    for (const auto& option : parsed.options) {
        if (option.string_key == "help") {
            std::cout << usage() << std::flush;
            throw HelpRequested{};
        }
        if (option.string_key == kPositional)
            throw UsageError("unexpected argument '" + option.value.front() +
                             "' (options start with --); see --help");
    }

    po::variables_map vm;
    try {
        reject_negative_unsigned(parsed, options_);
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(describe(e, options_, &parsed));
    }
    parsed_.progress = parse_progress_mode(vm["progress"].as<std::string>());
    if (has_epochs_) require_positive("--epochs", parsed_.epochs);
    for (const auto& check : checks_) check();
    return parsed_;
}

std::string Cli::usage() const {
    std::ostringstream text;
    text << program_ << ": " << summary_ << "\n\n"
         << "usage: " << program_ << " [options]\n\n"
         << options_;
    return text.str();
}

void Cli::file_option(const std::string& name, std::string& value, const std::string& help) {
    options_.add_options()(name.c_str(), po::value(&value)->value_name("FILE"), help.c_str());
}

void Cli::output_file_option(const std::string& name, std::string& value, const std::string& help) {
    options_.add_options()(name.c_str(), po::value(&value)->value_name("FILE"), help.c_str());
    checks_.push_back([&value, name] {
        if (!value.empty()) require_writable_file("--" + name, value);
    });
}

void require_writable_file(const std::string& option, const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string said = option + " " + path + ": ";
    if (fs::is_directory(path, ec)) throw UsageError(said + "is a folder; give a file's name in it");
    const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    if (!fs::is_directory(folder, ec)) throw UsageError(said + "there is no folder " + folder.string());
    // The name write_file_atomically() writes first; it is rewritten from scratch there.
    const std::string probe = path + ".tmp";
    std::FILE* file = std::fopen(probe.c_str(), "w");
    const int error = errno;
    bool written = file && std::fputc('x', file) != EOF;
    written = file && std::fclose(file) == 0 && written;
    fs::remove(probe, ec);
    if (!written) throw UsageError(said + "cannot write there (" + std::strerror(file ? ENOSPC : error) + ")");
}

void Cli::word_option(const std::string& name, std::string& value, const std::string& help) {
    options_.add_options()(name.c_str(), po::value(&value)->value_name("WORD"), help.c_str());
}

void Cli::switch_option(const std::string& name, bool& value, const std::string& help) {
    options_.add_options()(name.c_str(), po::bool_switch(&value), help.c_str());
}

Accepts positive() {
    Accepts a;
    a.kind_ = Accepts::Kind::Positive;
    return a;
}

Accepts positive_up_to(double hi) {
    Accepts a;
    a.kind_ = Accepts::Kind::PositiveUpTo;
    a.hi_ = hi;
    return a;
}

Accepts learning_rate() { return positive_up_to(100); }

Accepts between(double lo, double hi) {
    Accepts a;
    a.kind_ = Accepts::Kind::Between;
    a.lo_ = lo;
    a.hi_ = hi;
    return a;
}

Accepts one_of(std::vector<std::string> choices) {
    Accepts a;
    a.kind_ = Accepts::Kind::OneOf;
    a.choices_ = std::move(choices);
    return a;
}

void Accepts::check(const std::string& option, double value) const {
    if (kind_ == Kind::Positive) require_positive(option, value);
    if (kind_ == Kind::PositiveUpTo && !(value > 0 && value <= hi_))
        throw UsageError(option + " must be positive and at most " + shown(hi_) + " (got " + shown(value) + ")");
    if (kind_ == Kind::Between) require_in_range(option, value, lo_, hi_);
}

// "--activation must be sigmoid, tanh or relu (got 'tahn')".
void Accepts::check(const std::string& option, const std::string& value) const {
    if (kind_ != Kind::OneOf) return;
    std::string listed;
    for (size_t i = 0; i < choices_.size(); ++i) {
        if (value == choices_[i]) return;
        listed += (i == 0 ? "" : i + 1 == choices_.size() ? " or " : ", ") + choices_[i];
    }
    throw UsageError(option + " must be " + listed + " (got '" + value + "')");
}

std::vector<size_t> parse_sizes(const std::string& option, const std::string& text) {
    std::vector<size_t> sizes;
    std::stringstream in(text == "none" ? "" : text + ",");  // "8,8," fails on its empty last item
    for (std::string item; std::getline(in, item, ',');) {
        size_t value = 0;
        auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (error != std::errc() || end != item.data() + item.size() || value == 0 || value > 4096)
            throw UsageError(option + " '" + text + "' is not a list of layer sizes from 1 to 4096 (e.g. 30,30) or none");
        sizes.push_back(value);
    }
    return sizes;
}

void require_finite(const std::string& option, double value) {
    if (!std::isfinite(value)) throw UsageError(option + " must be a finite number (got " + shown(value) + ")");
}

void require_positive(const std::string& option, double value) {
    if (!(value > 0)) throw UsageError(option + " must be positive (got " + shown(value) + ")");
}

void require_in_range(const std::string& option, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi))
        throw UsageError(option + " must be between " + shown(lo) + " and " + shown(hi) + " (got " +
                         shown(value) + ")");
}

namespace {

// A file can be created in dir: tried, not guessed from permission bits (root, ACLs,
// read-only mounts and full disks all answer only to a try).
void require_writable_folder(const std::string& dir) {
    namespace fs = std::filesystem;
    const fs::path probe = fs::path(dir.empty() ? "." : dir) / ".nn-write-test";
    std::FILE* file = std::fopen(probe.c_str(), "w");
    const int error = errno;
    bool written = file && std::fputc('x', file) != EOF;
    written = file && std::fclose(file) == 0 && written;
    std::error_code ignored;
    fs::remove(probe, ignored);
    if (!written)
        throw UsageError("--out " + (dir.empty() ? std::string(".") : dir) + ": cannot write there (" +
                         std::strerror(file ? ENOSPC : error) + "); choose another folder with --out");
}

// The files the previous run of `program` listed in its manifest, then the manifest.
void remove_previous_run(const std::string& dir, const std::string& program) {
    namespace fs = std::filesystem;
    const fs::path manifest = fs::path(dir) / (program + ".manifest");
    std::ifstream in(manifest);
    if (!in) return;
    std::error_code ignored;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string kind, name;
        std::getline(fields, kind, '\t');
        std::getline(fields, name, '\t');
        // Only names inside the folder: a damaged manifest must not delete elsewhere.
        if ((kind == "figure" || kind == "file") && !name.empty() && name.find("..") == std::string::npos &&
            name.front() != '/')
            fs::remove(fs::path(dir) / name, ignored);
    }
    in.close();
    fs::remove(manifest, ignored);
}

}  // namespace

Outputs::Outputs(const CommonOptions& options, std::string program)
    : options_(options), program_(std::move(program)) {
    make_directories(options_.out);
    require_writable_folder(options_.out);
    remove_previous_run(options_.out, program_);
}

std::string Outputs::path(const std::string& file) const {
    files_.push_back(file);
    if (options_.out.empty()) return file;
    return (std::filesystem::path(options_.out) / file).string();
}

void Outputs::figure(const std::string& file, const std::string& caption) {
    figures_.emplace_back(file, caption);
    if (options_.show && std::filesystem::path(file).extension() == ".png") show_png(path(file));
}

void Outputs::result(const std::vector<std::pair<std::string, std::string>>& values) {
    // Fields are tab-separated, one record a line: neither may appear inside a field.
    auto field = [](std::string text) {
        for (char& c : text)
            if (c == '\t' || c == '\n' || c == '\r') c = ' ';
        return text;
    };
    write_file_atomically(path(program_ + ".manifest"), [&](std::ostream& out) {
        out << "program\t" << field(program_) << '\n';
        for (const auto& [file, caption] : figures_)
            out << "figure\t" << field(file) << '\t' << field(caption) << '\n';
        std::set<std::string> listed{program_ + ".manifest"};
        for (const auto& [file, caption] : figures_) listed.insert(file);
        for (const std::string& file : files_) {
            std::error_code missing;
            const auto where = options_.out.empty() ? std::filesystem::path(file) : std::filesystem::path(options_.out) / file;
            if (listed.insert(file).second && std::filesystem::exists(where, missing))
                out << "file\t" << field(file) << '\n';
        }
        for (const auto& [key, value] : values) out << "result\t" << field(key) << '\t' << field(value) << '\n';
    });
    std::string line = "result:";
    for (const auto& [key, value] : values) line += " " + key + "=" + value;
    std::cout << one_line(line) << std::endl;
}

namespace {

template <class T>
std::string shortest_text(T value) {
    char text[64];
    auto [end, error] = std::to_chars(text, text + sizeof text, value);
    return error == std::errc() ? std::string(text, end) : std::string("?");
}

}  // namespace

std::string shortest(float value) { return shortest_text(value); }
std::string shortest(double value) { return shortest_text(value); }

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string significant(double value, int digits) {
    char text[40];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

int run_program(int argc, char** argv, const std::function<void()>& body) {
    std::string program = argc > 0 && argv[0] ? std::filesystem::path(argv[0]).filename().string() : "program";
    auto fail = [&](const std::string& message, int status) {
        std::cout.flush();
        std::cerr << program << ": error: " << one_line(message) << std::endl;
        return status;
    };
    try {
        body();
        return 0;
    } catch (const HelpRequested&) {
        return 0;
    } catch (const UsageError& e) {
        return fail(e.what(), 2);
    } catch (const DataError& e) {
        return fail(e.what(), 2);
    } catch (const Diverged& e) {
        return fail(e.what(), 2);
    } catch (const NotImplemented& e) {
        return fail(std::string(e.what()) + "; run `make check` to see your progress", 1);
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    } catch (...) {
        return fail("unknown exception", 1);
    }
}

}  // namespace nn
