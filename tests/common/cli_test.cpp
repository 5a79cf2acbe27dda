#include "common/cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "common/idx.hpp"
#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

// An argv that stays valid as long as this object lives.
struct Argv {
    std::vector<std::string> words;
    std::vector<char*> pointers;
    explicit Argv(std::vector<std::string> w) : words(std::move(w)) {
        for (auto& word : words) pointers.push_back(word.data());
        pointers.push_back(nullptr);
    }
    int argc() const { return int(words.size()); }
    char** argv() { return pointers.data(); }
};

// The logic_gates program's command line: epochs, data and the common options.
struct GatesCli : nn::Cli {
    GatesCli() : nn::Cli("logic_gates", "Rosenblatt's rule on AND, OR, NAND and XOR", "out/01-perceptron") {
        add_epochs(20);
        add_data();
        add_trace();
    }
};

// The UsageError message parse() throws for these arguments, or "" when it does not throw.
std::string usage_error(std::vector<std::string> args) {
    args.insert(args.begin(), "logic_gates");
    Argv argv(args);
    GatesCli cli;
    float eta = 1;
    cli.options().add_options()("eta", nn::po::value(&eta)->default_value(1.0f), "learning rate");
    try {
        cli.parse(argv.argc(), argv.argv());
    } catch (const nn::UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Cli, DefaultsWithoutArguments) {
    Argv argv({"logic_gates"});
    GatesCli cli;
    nn::CommonOptions opt = cli.parse(argv.argc(), argv.argv());
    EXPECT_EQ(opt.seed, 1u);
    EXPECT_EQ(opt.epochs, 20);
    EXPECT_EQ(opt.out, "out/01-perceptron");
    EXPECT_EQ(opt.data, nn::kFashionMnistDir);
    EXPECT_FALSE(opt.quick);
    EXPECT_FALSE(opt.show);
    EXPECT_EQ(opt.progress, nn::ProgressMode::Auto);
    EXPECT_EQ(opt.trace, "");
}

TEST(Cli, ParsesEveryCommonOption) {
    Argv argv({"logic_gates", "--seed", "18446744073709551615", "--epochs=3", "--out", "/tmp/x", "--data", "/d",
               "--quick", "--progress", "never", "--show", "--trace", "run.trace", "--eta", "0.5"});
    GatesCli cli;
    float eta = 1;
    cli.options().add_options()("eta", nn::po::value(&eta)->default_value(1.0f), "learning rate");
    nn::CommonOptions opt = cli.parse(argv.argc(), argv.argv());
    EXPECT_EQ(opt.seed, 18446744073709551615u);
    EXPECT_EQ(opt.epochs, 3);
    EXPECT_EQ(opt.out, "/tmp/x");
    EXPECT_EQ(opt.data, "/d");
    EXPECT_TRUE(opt.quick);
    EXPECT_TRUE(opt.show);
    EXPECT_EQ(opt.progress, nn::ProgressMode::Never);
    EXPECT_EQ(opt.trace, "run.trace");
    EXPECT_EQ(eta, 0.5f);
}

TEST(Cli, UnknownOptionIsNamed) {
    EXPECT_EQ(usage_error({"--epoch", "3"}), "unknown option --epoch; see --help");
    EXPECT_EQ(usage_error({"-x"}), "unknown option -x; see --help");
}

TEST(Cli, NonNumericEpochsIsNamedWithTheValue) {
    EXPECT_EQ(usage_error({"--epochs", "ten"}), "--epochs must be a whole number (got 'ten')");
    EXPECT_EQ(usage_error({"--epochs=2.5"}), "--epochs must be a whole number (got '2.5')");
}

TEST(Cli, NonPositiveEpochsIsNamedWithTheValue) {
    EXPECT_EQ(usage_error({"--epochs", "0"}), "--epochs must be positive (got 0)");
    EXPECT_EQ(usage_error({"--epochs=-2"}), "--epochs must be positive (got -2)");
}

TEST(Cli, BadProgramSpecificNumberIsNamed) {
    EXPECT_EQ(usage_error({"--eta", "fast"}), "--eta must be a number (got 'fast')");
}

TEST(Cli, NegativeSeedIsRejected) {
    EXPECT_NE(usage_error({"--seed=-1"}).find("--seed"), std::string::npos);
    EXPECT_NE(usage_error({"--seed", "x"}).find("--seed"), std::string::npos);
}

TEST(Cli, BadProgressModeIsNamed) {
    std::string message = usage_error({"--progress", "sometimes"});
    EXPECT_NE(message.find("--progress"), std::string::npos) << message;
    EXPECT_NE(message.find("sometimes"), std::string::npos) << message;
}

TEST(Cli, MissingValueIsNamed) {
    std::string message = usage_error({"--epochs"});
    EXPECT_NE(message.find("--epochs"), std::string::npos) << message;
}

TEST(Cli, PositionalArgumentIsRejectedByName) {
    std::string message = usage_error({"--quick", "extra"});
    EXPECT_NE(message.find("'extra'"), std::string::npos) << message;
}

TEST(Cli, MessagesAreOneLine) {
    for (auto args : std::vector<std::vector<std::string>>{{"--epoch"}, {"--epochs", "x"}, {"a"}, {"--quick=maybe"}})
        EXPECT_EQ(usage_error(args).find('\n'), std::string::npos);
}

TEST(Cli, HelpPrintsUsageOnStdoutAndThrowsHelpRequested) {
    Argv argv({"logic_gates", "--help"});
    GatesCli cli;
    testing::internal::CaptureStdout();
    EXPECT_THROW(cli.parse(argv.argc(), argv.argv()), nn::HelpRequested);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("logic_gates"), std::string::npos);
    EXPECT_NE(out.find("Rosenblatt's rule"), std::string::npos);
    for (const char* option : {"--seed", "--epochs", "--out", "--data", "--quick", "--progress", "--show", "--trace"})
        EXPECT_NE(out.find(option), std::string::npos) << option;
    EXPECT_EQ(out.find("positional"), std::string::npos) << "the hidden option leaked into --help";
}

TEST(Cli, TraceOnlyWhenAdded) {
    // A program that records no trace does not offer --trace (eight of them took it and
    // wrote nothing).
    Argv argv({"tool", "--trace", "run.trace"});
    nn::Cli cli("tool", "no trace here", "out");
    EXPECT_THROW(cli.parse(argv.argc(), argv.argv()), nn::UsageError);
}

TEST(Cli, EpochsAndDataOnlyWhenAdded) {
    Argv argv({"tool", "--epochs", "3"});
    nn::Cli cli("tool", "no epochs here", "out");
    EXPECT_THROW(cli.parse(argv.argc(), argv.argv()), nn::UsageError);
}

TEST(RequireRange, MessagesNameTheOptionAndTheValue) {
    EXPECT_NO_THROW(nn::require_positive("--eta", 0.1));
    try {
        nn::require_positive("--eta", -1);
        FAIL();
    } catch (const nn::UsageError& e) {
        EXPECT_STREQ(e.what(), "--eta must be positive (got -1)");
    }
    EXPECT_NO_THROW(nn::require_in_range("--momentum", 0.9, 0, 1));
    EXPECT_THROW(nn::require_in_range("--momentum", 1.5, 0, 1), nn::UsageError);
}

// A program with one option of each kind, as a chapter declares them.
struct OptionsCli : nn::Cli {
    float eta = 0.5f;
    int k = 3;
    std::string activation = "tanh";
    std::string save;
    OptionsCli() : nn::Cli("tool", "options with ranges", "out") {
        option("eta", eta, "learning rate", nn::positive());
        option("k", k, "tent maps", nn::between(1, 7));
        option("activation", activation, "hidden units", nn::one_of({"sigmoid", "tanh", "relu"}));
        file_option("save", save, "write the network to FILE");
        word_option("set", set, "a toy data set");
        switch_option("mirror", mirror, "mirror the images");
    }
    std::string set;
    bool mirror = false;
};

// What parse() throws for these arguments to OptionsCli ("" when it accepts them).
std::string option_error(std::vector<std::string> args, OptionsCli* parsed = nullptr) {
    args.insert(args.begin(), "tool");
    Argv argv(args);
    OptionsCli cli;
    try {
        cli.parse(argv.argc(), argv.argv());
    } catch (const nn::UsageError& e) {
        return e.what();
    }
    if (parsed) {
        parsed->eta = cli.eta;
        parsed->k = cli.k;
        parsed->activation = cli.activation;
        parsed->save = cli.save;
        parsed->mirror = cli.mirror;
    }
    return "";
}

TEST(CliOption, DefaultsToTheVariablesValueAndStoresWhatIsGiven) {
    OptionsCli defaults;
    EXPECT_EQ(option_error({}, &defaults), "");
    EXPECT_FLOAT_EQ(defaults.eta, 0.5f);
    EXPECT_EQ(defaults.k, 3);
    EXPECT_EQ(defaults.save, "");
    EXPECT_FALSE(defaults.mirror);
    OptionsCli given;
    EXPECT_EQ(option_error({"--eta", "0.25", "--k", "7", "--activation", "relu", "--save", "net.txt", "--mirror"}, &given),
              "");
    EXPECT_TRUE(given.mirror);
    EXPECT_NE(option_error({"--mirror=yes"}).find("--mirror"), std::string::npos) << "a switch takes no value";
    EXPECT_FLOAT_EQ(given.eta, 0.25f);
    EXPECT_EQ(given.k, 7);
    EXPECT_EQ(given.activation, "relu");
    EXPECT_EQ(given.save, "net.txt");
}

TEST(CliOption, ChecksTheRangeAtParseWithTheRequireMessages) {
    EXPECT_EQ(option_error({"--eta", "0"}), "--eta must be positive (got 0)");
    EXPECT_EQ(option_error({"--eta", "-1"}), "--eta must be positive (got -1)");
    EXPECT_EQ(option_error({"--k", "0"}), "--k must be between 1 and 7 (got 0)");
    EXPECT_EQ(option_error({"--k", "8"}), "--k must be between 1 and 7 (got 8)");
    EXPECT_EQ(option_error({"--k", "1"}), "");
    EXPECT_EQ(option_error({"--activation", "tahn"}), "--activation must be sigmoid, tanh or relu (got 'tahn')");
    EXPECT_EQ(option_error({"--activation", "sigmoid"}), "");
    EXPECT_EQ(option_error({"--k", "two"}), "--k must be a whole number (got 'two')");
}

TEST(CliOption, ALearningRateAndASizeHaveAnUpperBound) {
    struct Bounded : nn::Cli {
        float eta = 0.1f;
        int points = 500;
        Bounded() : nn::Cli("tool", "bounded", "out") {
            option("eta", eta, "learning rate", nn::learning_rate());
            option("points", points, "points", nn::positive_up_to(1e6));
        }
    };
    auto error = [](std::vector<std::string> args) {
        args.insert(args.begin(), "tool");
        Argv argv(args);
        Bounded cli;
        try {
            cli.parse(argv.argc(), argv.argv());
        } catch (const nn::UsageError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(error({"--eta", "100"}), "");
    EXPECT_EQ(error({"--eta", "1e30"}), "--eta must be positive and at most 100 (got 1e+30)");
    EXPECT_EQ(error({"--eta", "0"}), "--eta must be positive and at most 100 (got 0)");
    EXPECT_EQ(error({"--points", "1000000"}), "");
    EXPECT_EQ(error({"--points", "2147483647"}), "--points must be positive and at most 1000000 (got 2147483647)");
}

TEST(CliOption, ARealValueMustBeFiniteWhateverItsRange) {
    EXPECT_EQ(option_error({"--eta", "inf"}), "--eta must be a finite number (got inf)");
    EXPECT_EQ(option_error({"--eta", "nan"}), "--eta must be a finite number (got nan)");
    EXPECT_EQ(option_error({"--eta", "1e39"}).find("--eta"), 0u) << "beyond float: not taken as inf";
}

TEST(CliOption, HelpShowsTheKindOfValueAndTheDefault) {
    OptionsCli cli;
    const std::string usage = cli.usage();
    for (const char* shown : {"--eta X (=0.5)", "--k N (=3)", "--activation WORD (=tanh)", "--save FILE", "--set WORD "})
        EXPECT_NE(usage.find(shown), std::string::npos) << shown << " in\n" << usage;
}

TEST(CliOption, HelpShowsDefaultsAsWrittenAndNamesEveryValue) {
    nn::Cli cli("tool", "defaults as written", "out");
    float eta = 0.1f, noise = 0.2f, three = 3;
    double eps = 1e-5, margin = 0.05;
    size_t images = 60000;
    cli.option("eta", eta, "learning rate");
    cli.option("noise", noise, "noise");
    cli.option("three", three, "a whole float");
    cli.option("eps", eps, "nudge");
    cli.option("margin", margin, "margin");
    cli.option("images", images, "images");
    const std::string usage = cli.usage();
    for (const char* shown : {"--eta X (=0.1) ", "--noise X (=0.2) ", "--three X (=3) ", "--eps X (=1e-05) ",
                              "--margin X (=0.05) ", "--images N (=60000) ", "--progress WHEN (=auto) "})
        EXPECT_NE(usage.find(shown), std::string::npos) << shown << " in\n" << usage;
    EXPECT_EQ(usage.find(" arg"), std::string::npos) << usage;
    EXPECT_FALSE(std::regex_search(usage, std::regex("[0-9]\\.[0-9]{7,}"))) << usage;
}

TEST(Shortest, IsTheShortestTextThatReadsBackAsTheValue) {
    EXPECT_EQ(nn::shortest(0.1f), "0.1");
    EXPECT_EQ(nn::shortest(0.1), "0.1");
    EXPECT_EQ(nn::shortest(0.0500000007f), "0.05");
    EXPECT_EQ(nn::shortest(1e-5), "1e-05");
    EXPECT_EQ(nn::shortest(3.0f), "3");
    EXPECT_EQ(nn::shortest(-2.5), "-2.5");
    EXPECT_EQ(std::stof(nn::shortest(1.0f / 3)), 1.0f / 3);
}

// Every built program and tool, as a learner meets its --help: each value named (no
// Boost "arg"), each default as written (no float noise such as 0.100000001).
TEST(ProgramsHelp, NamesEveryValueAndShowsDefaultsAsWritten) {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder";
    std::vector<fs::path> binaries;
    for (const auto& dir : {fs::path(env), fs::path(env).parent_path() / "tools"}) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_regular_file() && (it->status().permissions() & fs::perms::owner_exec) != fs::perms::none)
                binaries.push_back(it->path());
    }
    ASSERT_GE(binaries.size(), 5u) << "no programs in " << env;
    const std::regex noise("[0-9]\\.[0-9]{7,}|[0-9]e-0[0-9]{2}");
    const std::regex unnamed("\\n +--[a-z0-9-]+ (arg|\\(=)");
    for (const auto& binary : binaries) {
        ScratchDir tmp;
        auto run = programs::run_program(binary.parent_path(), binary.filename().string(), {"--help"}, tmp.path());
        EXPECT_EQ(run.status, 0) << binary << ": " << run.err;
        EXPECT_NE(run.out.find("--help"), std::string::npos) << binary << ":\n" << run.out;
        EXPECT_FALSE(std::regex_search(run.out, unnamed)) << binary << " has an unnamed value:\n" << run.out;
        EXPECT_EQ(run.out.find(" arg "), std::string::npos) << binary << ":\n" << run.out;
        EXPECT_FALSE(std::regex_search(run.out, noise)) << binary << " shows float noise:\n" << run.out;
    }
}

TEST(ProgramsOut, AnOutFolderThatCannotBeWrittenIsOneLineAndExitTwoBeforeAnyEpoch) {
    // Every program exited 1 there, and only after training.
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder";
    size_t programs_run = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(env, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file() || (it->status().permissions() & fs::perms::owner_exec) == fs::perms::none) continue;
        ScratchDir tmp;
        auto run = programs::run_program(it->path().parent_path(), it->path().filename().string(),
                                         {"--out", "/proc/self", "--quick", "--progress", "never"}, tmp.path());
        ++programs_run;
        EXPECT_EQ(run.status, 2) << it->path() << ": " << run.err;
        EXPECT_EQ(programs::lines_of(run.err).size(), 1u) << it->path() << ": " << run.err;
        EXPECT_NE(run.err.find("--out /proc/self: cannot write there"), std::string::npos) << it->path() << ": " << run.err;
        EXPECT_EQ(run.out.find("epoch 1 "), std::string::npos) << it->path() << " trained first:\n" << run.out;
    }
    EXPECT_GE(programs_run, 20u);
}

TEST(ParseSizes, ReadsACommaSeparatedListOrNone) {
    EXPECT_EQ(nn::parse_sizes("--hidden", "30"), (std::vector<size_t>{30}));
    EXPECT_EQ(nn::parse_sizes("--hidden", "256,128,1"), (std::vector<size_t>{256, 128, 1}));
    EXPECT_EQ(nn::parse_sizes("--hidden", "4096"), (std::vector<size_t>{4096}));
    EXPECT_TRUE(nn::parse_sizes("--hidden", "none").empty());
    for (const char* bad : {"", "0", "4097", "8,", ",8", "8,,8", "8 8", "-8", "8.5", "eight", "8,x"})
        EXPECT_THROW(nn::parse_sizes("--hidden", bad), nn::UsageError) << "'" << bad << "'";
    try {
        nn::parse_sizes("--layers", "8,0");
        FAIL();
    } catch (const nn::UsageError& e) {
        EXPECT_STREQ(e.what(), "--layers '8,0' is not a list of layer sizes from 1 to 4096 (e.g. 30,30) or none");
    }
}

TEST(Fixed, FormatsWithTheGivenDecimals) {
    EXPECT_EQ(nn::fixed(0.89213, 4), "0.8921");
    EXPECT_EQ(nn::fixed(41.25, 1), "41.2");
    EXPECT_EQ(nn::fixed(3, 0), "3");
    EXPECT_EQ(nn::significant(0.0033012), "0.0033");
    EXPECT_EQ(nn::significant(1.19e-6), "1.19e-06");
    EXPECT_EQ(nn::significant(0.84523, 4), "0.8452");
}

TEST(Outputs, CreatesTheFolderAndWritesTheManifestInTheExactFormat) {
    ScratchDir dir;
    nn::CommonOptions opt;
    opt.out = dir / "out/01-perceptron";
    nn::Outputs out(opt, "logic_gates");
    EXPECT_TRUE(fs::is_directory(opt.out));
    EXPECT_EQ(out.path("gates_errors.png"), opt.out + "/gates_errors.png");
    out.figure("gates_errors.png", "the caption");
    testing::internal::CaptureStdout();
    out.result({{"and_epochs", "3"}, {"xor_errors", "2"}});
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "result: and_epochs=3 xor_errors=2\n");
    EXPECT_EQ(dir.read("out/01-perceptron/logic_gates.manifest"),
              "program\tlogic_gates\n"
              "figure\tgates_errors.png\tthe caption\n"
              "result\tand_epochs\t3\n"
              "result\txor_errors\t2\n");
    EXPECT_FALSE(fs::exists(opt.out + "/logic_gates.manifest.tmp"));
}

TEST(Outputs, TabsAndNewlinesInACaptionCannotBreakTheManifest) {
    ScratchDir dir;
    nn::CommonOptions opt;
    opt.out = dir.path();
    nn::Outputs out(opt, "p");
    out.figure("a.png", "two\tparts\nand lines");
    testing::internal::CaptureStdout();
    out.result({});
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(dir.read("p.manifest"), "program\tp\nfigure\ta.png\ttwo parts and lines\n");
}

TEST(Outputs, FolderThatCannotBeCreatedIsAUsageError) {
    ScratchDir dir;
    std::ofstream(dir / "file") << "x";
    nn::CommonOptions opt;
    opt.out = dir / "file/out";
    EXPECT_THROW(nn::Outputs(opt, "p"), nn::UsageError);
}

TEST(RequireWritableFile, RefusesAFolderAMissingFolderAndAnUnwritablePlace) {
    ScratchDir dir;
    auto error = [](const std::string& path) {
        try {
            nn::require_writable_file("--save", path);
        } catch (const nn::UsageError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(error((dir / "m.nnbp").string()), "");
    EXPECT_FALSE(fs::exists(dir / "m.nnbp.tmp")) << "the try leaves nothing";
    EXPECT_EQ(error(dir.path().string()), "--save " + dir.path().string() + ": is a folder; give a file's name in it");
    EXPECT_NE(error((dir / "no/m.nnbp").string()).find(": there is no folder "), std::string::npos);
    EXPECT_EQ(error("/proc/self/m.nnbp").rfind("--save /proc/self/m.nnbp: cannot write there (", 0), 0u);
}

TEST(Outputs, AFolderThatCannotBeWrittenIsAUsageErrorBeforeAnyWork) {
    nn::CommonOptions opt;
    opt.out = "/proc/self";  // exists, and no file can be made there, even by root
    try {
        nn::Outputs out(opt, "p");
        ADD_FAILURE() << "no error for an unwritable --out";
    } catch (const nn::UsageError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("--out /proc/self: cannot write there (", 0), 0u) << e.what();
    }
}

TEST(Outputs, ARunFirstRemovesWhatThePreviousRunOfTheProgramWrote) {
    ScratchDir dir;
    for (const char* name : {"a.png", "b.csv", "other.png", "q.manifest"}) std::ofstream(dir / name) << "old";
    std::ofstream(dir / "p.manifest") << "program\tp\nfigure\ta.png\tcaption\nfile\tb.csv\nfile\t../escape\n"
                                         "result\tk\t1\n";
    std::ofstream(dir.path().parent_path() / "escape") << "outside";
    nn::CommonOptions opt;
    opt.out = dir.path();
    nn::Outputs out(opt, "p");
    EXPECT_FALSE(fs::exists(dir / "a.png"));
    EXPECT_FALSE(fs::exists(dir / "b.csv"));
    EXPECT_FALSE(fs::exists(dir / "p.manifest"));
    EXPECT_TRUE(fs::exists(dir / "other.png")) << "not the program's";
    EXPECT_TRUE(fs::exists(dir / "q.manifest")) << "another program's";
    EXPECT_TRUE(fs::exists(dir.path().parent_path() / "escape")) << "never outside the folder";
    fs::remove(dir.path().parent_path() / "escape");
}

TEST(Outputs, TheManifestListsEveryOtherFileTheRunWrote) {
    ScratchDir dir;
    nn::CommonOptions opt;
    opt.out = dir.path();
    nn::Outputs out(opt, "p");
    std::ofstream(out.path("curve.csv")) << "epoch,loss\n";
    std::ofstream(out.path("a.png")) << "png";
    out.path("never_written.csv");
    out.figure("a.png", "A");
    testing::internal::CaptureStdout();
    out.result({});
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(dir.read("p.manifest"), "program\tp\nfigure\ta.png\tA\nfile\tcurve.csv\n");
    // And the next run removes it.
    nn::Outputs next(opt, "p");
    EXPECT_FALSE(fs::exists(dir / "curve.csv"));
}

namespace {

// Runs body under run_program; returns the status, stores stderr.
int run(const std::function<void()>& body, std::string* err) {
    Argv argv({"/some/build/bin/logic_gates"});
    testing::internal::CaptureStderr();
    int status = nn::run_program(argv.argc(), argv.argv(), body);
    *err = testing::internal::GetCapturedStderr();
    return status;
}

}  // namespace

TEST(RunProgram, DivergedTrainingIsOneLineAndStatus2) {
    std::string err;
    EXPECT_EQ(run([] { nn::check_not_diverged(std::nan(""), 2, 40, 8.0); }, &err), 2);
    EXPECT_EQ(err, "logic_gates: error: training diverged at epoch 2, step 40: the loss is nan with "
                   "learning rate 8; try --eta 4 or smaller\n");
}

TEST(RunProgram, UsageErrorIsOneLineAndStatus2) {
    std::string err;
    EXPECT_EQ(run([] { throw nn::UsageError("--eta must be positive (got -1)"); }, &err), 2);
    EXPECT_EQ(err, "logic_gates: error: --eta must be positive (got -1)\n");
}

TEST(RunProgram, DataErrorIsOneLineAndStatus2) {
    std::string err;
    EXPECT_EQ(run([] { throw nn::DataError("x.gz: truncated\nat byte 12"); }, &err), 2);
    EXPECT_EQ(err, "logic_gates: error: x.gz: truncated at byte 12\n");
}

TEST(RunProgram, NotImplementedSaysWhatToDoAndStatus1) {
    std::string err;
    EXPECT_EQ(run([] { throw nn::NotImplemented("1.2"); }, &err), 1);
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(err.back(), '\n');
    EXPECT_NE(err.find("exercise 1.2 is not implemented yet"), std::string::npos) << err;
    EXPECT_NE(err.find("make check"), std::string::npos) << err;
}

TEST(RunProgram, HelpRequestedIsStatus0AndSilent) {
    std::string err;
    EXPECT_EQ(run([] { throw nn::HelpRequested{}; }, &err), 0);
    EXPECT_EQ(err, "");
}

TEST(RunProgram, OtherExceptionsAreStatus1) {
    std::string err;
    EXPECT_EQ(run([] { throw std::runtime_error("gnuplot could not draw a.png"); }, &err), 1);
    EXPECT_EQ(err, "logic_gates: error: gnuplot could not draw a.png\n");
}

TEST(RunProgram, NormalEndIsStatus0) {
    std::string err;
    bool ran = false;
    EXPECT_EQ(run([&] { ran = true; }, &err), 0);
    EXPECT_TRUE(ran);
    EXPECT_EQ(err, "");
}

TEST(RunProgram, BadCommandLineEndToEnd) {
    std::string err;
    Argv argv({"logic_gates", "--epochs", "ten"});
    testing::internal::CaptureStderr();
    int status = nn::run_program(argv.argc(), argv.argv(), [&] { GatesCli().parse(argv.argc(), argv.argv()); });
    err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(status, 2);
    EXPECT_EQ(err, "logic_gates: error: --epochs must be a whole number (got 'ten')\n");
}
