#pragma once
// What every program shares: its options (through Boost.Program_options), its
// output folder with the manifest the gallery reads, its `result:` line, and the
// wrapper that turns bad input into one line on stderr and exit status 2.
//
//   int main(int argc, char** argv) {
//       return nn::run_program(argc, argv, [&] {
//           nn::Cli cli("logic_gates", "Rosenblatt's rule on AND, OR, NAND and XOR",
//                       "out/01-perceptron");
//           cli.add_epochs(20);
//           float eta = 1.0f;
//           cli.option("eta", eta, "learning rate", nn::learning_rate());  // default: eta's value
//           nn::CommonOptions opt = cli.parse(argc, argv);            // checks 0 < eta <= 100
//           nn::Outputs out(opt, "logic_gates");
//           ...
//           out.result({{"and_epochs", "3"}});
//       });
//   }
#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "common/progress.hpp"

namespace nn {

namespace po = boost::program_options;

// The values an option accepts, which Cli::parse() checks as it reads them, so that no
// program can forget: nn::positive(), nn::between(1, 7), nn::one_of({"tanh", "relu"}).
class Accepts {
public:
    Accepts() = default;  // any value of the option's type
    friend Accepts positive();
    friend Accepts positive_up_to(double hi);
    friend Accepts learning_rate();
    friend Accepts between(double lo, double hi);
    friend Accepts one_of(std::vector<std::string> choices);
    // Throws UsageError("--k must be between 1 and 7 (got 9)") and the like.
    void check(const std::string& option, double value) const;
    void check(const std::string& option, const std::string& value) const;

private:
    enum class Kind { Any, Positive, PositiveUpTo, Between, OneOf } kind_ = Kind::Any;
    double lo_ = 0, hi_ = 0;
    std::vector<std::string> choices_;
};

// Throws UsageError("--eta must be a finite number (got inf)"): no range holds NaN or inf.
void require_finite(const std::string& option, double value);

Accepts positive();                             // > 0
Accepts positive_up_to(double hi);              // 0 < value <= hi: for what sizes memory or time
// A learning rate: 0 < eta <= 100. Every model of these chapters diverges in its first
// steps long before 100, so a larger value is a typo (--eta 1e30 trained to chance).
Accepts learning_rate();
Accepts between(double lo, double hi);          // lo <= value <= hi
Accepts one_of(std::vector<std::string> choices);  // one of the words

struct CommonOptions {
    uint64_t seed = 1;
    int epochs = 0;                 // only when add_epochs() was called
    std::string out;                // output folder for plots, CSV, manifest
    std::string data;               // only when add_data() was called
    bool quick = false;             // smaller runs for `make tour` and tests
    ProgressMode progress = ProgressMode::Auto;
    bool show = false;              // also open plots in a window, where a display exists
    std::string trace;              // empty: no trace
};

// The shortest text that reads back as the same value: "0.1" for 0.1f (whose exact value
// is 0.100000001490116...), "1e-05" for 1e-5, "3" for 3.0.
std::string shortest(float value);
std::string shortest(double value);

class Cli {
public:
    // Registers --help, --seed, --out (default default_out), --quick, --progress, --show.
    Cli(std::string program, std::string summary, std::string default_out);
    // The registered options point into this object: a copy would fill the original.
    Cli(const Cli&) = delete;
    Cli& operator=(const Cli&) = delete;

    void add_epochs(int default_epochs);  // --epochs, must be > 0
    void add_data();                      // --data DIR, default kFashionMnistDir
    void add_trace();                     // --trace FILE: only a program that records one offers it

    // --name VALUE: a program-specific option. Its default is what `value` holds now;
    // parse() stores the value given there and checks it against `accepts`. --help shows
    // VALUE as N, X or WORD by its type, or as `shown_as` ("SIZES"), and the default as
    // written ("(=0.1)", not the float's "(=0.100000001)").
    template <class T>
    void option(const std::string& name, T& value, const std::string& help, Accepts accepts = {},
                const char* shown_as = nullptr) {
        auto* semantic = po::value(&value)->default_value(value, default_text(value));
        options_.add_options()(name.c_str(), semantic->value_name(shown_as ? shown_as : metavar<T>()), help.c_str());
        checks_.push_back([&value, name, accepts] {
            if constexpr (std::is_floating_point_v<T>) require_finite("--" + name, double(value));
            if constexpr (std::is_arithmetic_v<T>)
                accepts.check("--" + name, double(value));
            else
                accepts.check("--" + name, value);
        });
    }
    // --name FILE, --name WORD with no default: `value` stays empty unless given (a
    // program that tells "not given" from any value, e.g. a data set that --csv replaces).
    void file_option(const std::string& name, std::string& value, const std::string& help);
    // --name FILE that the program will write (--save): parse() makes sure it can, before
    // any work, so a bad path is one line and exit 2, not an error after training.
    void output_file_option(const std::string& name, std::string& value, const std::string& help);
    void word_option(const std::string& name, std::string& value, const std::string& help);
    // --name with no value: `value` becomes true when given (it starts false).
    void switch_option(const std::string& name, bool& value, const std::string& help);

    po::options_description& options() { return options_; }  // for what option() cannot say

    // Throws UsageError on an unknown option or a bad value. On --help prints the
    // usage to stdout and throws HelpRequested (run_program exits 0).
    CommonOptions parse(int argc, char** argv);

    std::string usage() const;

private:
    // How --help shows the value: --epochs N, --eta X, --activation WORD.
    template <class T>
    static const char* metavar() {
        if constexpr (std::is_integral_v<T>) return "N";
        else if constexpr (std::is_floating_point_v<T>) return "X";
        else return "WORD";
    }
    template <class T>
    static std::string default_text(const T& value) {
        if constexpr (std::is_floating_point_v<T>) return shortest(value);
        else if constexpr (std::is_integral_v<T>) return std::to_string(value);
        else return value;
    }

    std::string program_, summary_, default_out_;
    po::options_description options_;
    std::vector<std::function<void()>> checks_;  // one per option(), in declaration order
    CommonOptions parsed_;
    bool has_epochs_ = false, has_data_ = false;
    int default_epochs_ = 0;
};

struct HelpRequested {};

// The layer sizes of an option such as --hidden: "30,30" -> {30, 30}, "none" -> {} (no
// hidden layer), each from 1 to 4096; otherwise UsageError naming the option.
std::vector<size_t> parse_sizes(const std::string& option, const std::string& text);

// Throws UsageError when a file cannot be written at path: it is a folder, its folder
// does not exist, or a file there cannot be created (tried, not guessed).
void require_writable_file(const std::string& option, const std::string& path);

// Throws UsageError("--eta must be positive (got -1)") and the like.
void require_positive(const std::string& option, double value);
void require_in_range(const std::string& option, double value, double lo, double hi);

// A program's output folder. Records every figure (file and caption), every other file
// asked for through path(), and the result in "<out>/<program>.manifest", which
// `make tour` turns into the gallery.
class Outputs {
public:
    // Creates the folder and makes sure a file can be written there (a UsageError naming
    // --out otherwise), before any work; then removes what the program's previous run in
    // this folder wrote (the files of its manifest, then the manifest), so that a run
    // cut short never leaves its files beside another run's as if they were one.
    Outputs(const CommonOptions& options, std::string program);

    std::string path(const std::string& file) const;  // "<out>/<file>", recorded
    // Records a figure already written under path(file).
    void figure(const std::string& file, const std::string& caption);
    // Prints "result: k1=v1 k2=v2" on stdout and writes the manifest atomically.
    void result(const std::vector<std::pair<std::string, std::string>>& values);

    const CommonOptions& options() const { return options_; }

private:
    CommonOptions options_;
    std::string program_;
    std::vector<std::pair<std::string, std::string>> figures_;
    mutable std::vector<std::string> files_;  // every name path() was asked for
};

std::string fixed(double value, int decimals);  // "0.8921" for a result value
std::string significant(double value, int digits = 3);  // "0.0033", "1.19e-06": printf's %.<digits>g

// Runs body. UsageError, DataError and Diverged print "<program>: error: <message>" on one
// line on stderr and return 2; NotImplemented prints what to do and returns 1;
// HelpRequested returns 0; any other exception prints one line and returns 1.
int run_program(int argc, char** argv, const std::function<void()>& body);

}  // namespace nn
