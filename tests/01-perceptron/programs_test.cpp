// Chapter 1's programs as a learner meets them: run as processes, with bad input
// and in quick mode. The binaries' folder comes from NN_BIN_DIR (set by `make test`);
// without it these tests are skipped.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;

const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

// Where the chapter's programs are: NN_BIN_DIR itself or its 01-perceptron/.
std::optional<fs::path> program_dir() {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) return std::nullopt;
    fs::path dir(env);
    if (fs::exists(dir / "01-perceptron" / "activations")) return dir / "01-perceptron";
    return dir;
}

#define REQUIRE_PROGRAMS(dir)                                                          \
    auto dir = program_dir();                                                          \
    if (!dir) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder"

// For the shell: 'text', with each ' inside written as '\''.
std::string quoted(const std::string& text) {
    std::string q = "'";
    for (char c : text) {
        if (c == '\'') q.append("'\\''");
        else q.push_back(c);
    }
    q.push_back('\'');
    return q;
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

struct ProcessRun {
    int status = -1;
    std::string out, err;
};

// Runs `program args...` with stdout and stderr captured in files under scratch.
ProcessRun run_program(const fs::path& dir, const std::string& program,
                       const std::vector<std::string>& args, const fs::path& scratch) {
    std::ostringstream command;
    command << quoted((dir / program).string());
    for (const std::string& arg : args) command << ' ' << quoted(arg);
    command << " >" << quoted((scratch / "stdout.txt").string()) << " 2>"
            << quoted((scratch / "stderr.txt").string()) << " </dev/null";
    int raw = std::system(command.str().c_str());
    ProcessRun run;
    run.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.out = read_text(scratch / "stdout.txt");
    run.err = read_text(scratch / "stderr.txt");
    return run;
}

// Plots, data or manifests a failed run must not leave behind.
std::vector<std::string> outputs_in(const fs::path& folder) {
    std::vector<std::string> found;
    std::error_code ignored;
    if (!fs::is_directory(folder, ignored)) return found;
    for (const auto& entry : fs::directory_iterator(folder)) {
        std::string ext = entry.path().extension().string();
        if (ext == ".png" || ext == ".gif" || ext == ".csv" || ext == ".manifest")
            found.push_back(entry.path().filename().string());
    }
    return found;
}

// Expects exit status 2, one line on stderr mentioning `mention`, and no output files.
void expect_rejected(const fs::path& dir, const std::string& program, std::vector<std::string> args,
                     const std::string& mention) {
    ScratchDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    fs::path out = tmp.path() / "out";
    args.insert(args.end(), {"--out", out.string(), "--progress", "never"});
    ProcessRun run = run_program(dir, program, args, tmp.path());
    EXPECT_EQ(run.status, 2) << program << " stderr: " << run.err;
    auto lines = lines_of(run.err);
    ASSERT_EQ(lines.size(), 1u) << program << " stderr: " << run.err;
    EXPECT_NE(lines[0].find(mention), std::string::npos)
        << program << ": the error line should name " << mention << ": " << lines[0];
    EXPECT_TRUE(outputs_in(out).empty()) << program << " left " << outputs_in(out).front();
}

const std::vector<std::string> kPrograms{"activations", "logic_gates", "convergence", "fashion"};

// ---------------------------------------------------------------- help and bad options

class Programs_CommandLine : public testing::TestWithParam<std::string> {};

TEST_P(Programs_CommandLine, HelpExitsZeroAndListsTheSeed) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, GetParam(), {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("--seed"), std::string::npos) << run.out;
}

TEST_P(Programs_CommandLine, UnknownOptionIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir);
    expect_rejected(*dir, GetParam(), {"--no-such-option", "1"}, "--no-such-option");
}

TEST_P(Programs_CommandLine, NonNumericSeedIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir);
    expect_rejected(*dir, GetParam(), {"--seed", "abc"}, "--seed");
}

TEST_P(Programs_CommandLine, ZeroEpochsIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir);
    expect_rejected(*dir, GetParam(), {"--epochs", "0"}, "--epochs");
}

TEST_P(Programs_CommandLine, NegativeEpochsIsOneLineAndExitTwo) {
    REQUIRE_PROGRAMS(dir);
    expect_rejected(*dir, GetParam(), {"--epochs", "-3"}, "--epochs");
}

INSTANTIATE_TEST_SUITE_P(Chapter1, Programs_CommandLine, testing::ValuesIn(kPrograms),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Programs_LearningRate, NegativeEtaIsRejectedByLogicGatesAndConvergence) {
    REQUIRE_PROGRAMS(dir);
    for (const char* program : {"logic_gates", "convergence"}) {
        SCOPED_TRACE(program);
        expect_rejected(*dir, program, {"--eta", "-0.5"}, "--eta");
        expect_rejected(*dir, program, {"--eta", "fast"}, "--eta");
    }
}

TEST(Programs_Convergence, MarginOutsideItsRangeIsRejected) {
    REQUIRE_PROGRAMS(dir);
    expect_rejected(*dir, "convergence", {"--margin", "0"}, "--margin");
    expect_rejected(*dir, "convergence", {"--margin", "2"}, "--margin");
}

// ---------------------------------------------------------------- fashion's data

TEST(Programs_FashionData, MissingDataFolderIsOneLineNamingIt) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    std::string missing = (tmp.path() / "no-such-folder").string();
    expect_rejected(*dir, "fashion", {"--data", missing}, "no-such-folder");
}

// An IDX header announcing 60000 images of 28x28 but followed by only 100 bytes.
void write_truncated_images(const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out << std::string(100, '\x7f');
}

// A valid labels file for 60000 images, so that only the images file is at fault.
void write_labels(const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 1, 0, 0, 0xEA, 0x60};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out << std::string(60000, '\0');
}

TEST(Programs_FashionData, TruncatedImagesFileIsOneLineNamingIt) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    fs::path data = tmp.path() / "data";
    fs::create_directories(data);
    write_truncated_images(data / "train-images-idx3-ubyte");
    write_labels(data / "train-labels-idx1-ubyte");
    expect_rejected(*dir, "fashion", {"--data", data.string()}, "train-images-idx3-ubyte");
}

TEST(Programs_FashionData, WrongMagicNumberIsOneLineNamingTheFile) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    fs::path data = tmp.path() / "data";
    fs::create_directories(data);
    std::ofstream(data / "train-images-idx3-ubyte", std::ios::binary) << "PK\x03\x04 not an IDX file";
    write_labels(data / "train-labels-idx1-ubyte");
    expect_rejected(*dir, "fashion", {"--data", data.string()}, "train-images-idx3-ubyte");
}

// ---------------------------------------------------------------- quick runs

struct Manifest {
    std::vector<std::string> figures;
    std::vector<std::string> results;  // "key=value"
};

Manifest read_manifest(const fs::path& file) {
    Manifest m;
    for (const std::string& line : lines_of(read_text(file))) {
        std::vector<std::string> fields;
        std::istringstream in(line);
        for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
        if (fields.size() >= 2 && fields[0] == "figure") m.figures.push_back(fields[1]);
        if (fields.size() >= 3 && fields[0] == "result") m.results.push_back(fields[1] + "=" + fields[2]);
    }
    return m;
}

bool has_image_signature(const fs::path& file) {
    std::string head = read_text(file).substr(0, 8);
    return head == "\x89PNG\r\n\x1a\n" || head.rfind("GIF89a", 0) == 0 || head.rfind("GIF87a", 0) == 0;
}

// Runs the program in quick mode into out/ and checks what every program promises.
ProcessRun expect_quick_run(const fs::path& dir, const std::string& program, const fs::path& out,
                     const fs::path& scratch, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--quick", "--seed", "7", "--progress", "never", "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessRun run = run_program(dir, program, args, scratch);
    EXPECT_EQ(run.status, 0) << program << " stderr: " << run.err;
    int result_lines = 0;
    for (const std::string& line : lines_of(run.out)) result_lines += line.rfind("result: ", 0) == 0;
    EXPECT_EQ(result_lines, 1) << program << " stdout: " << run.out;
    Manifest manifest = read_manifest(out / (program + ".manifest"));
    EXPECT_FALSE(manifest.figures.empty()) << program << ": no figure in the manifest";
    EXPECT_FALSE(manifest.results.empty()) << program << ": no result in the manifest";
    for (const std::string& figure : manifest.figures)
        EXPECT_TRUE(has_image_signature(out / figure)) << program << ": " << figure
                                                       << " is missing or not a PNG/GIF";
    return run;
}

std::string result_line(const std::string& out) {
    for (const std::string& line : lines_of(out))
        if (line.rfind("result: ", 0) == 0) return line;
    return "";
}

TEST(Programs_Quick, ActivationsDrawsItsTwoFigures) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    expect_quick_run(*dir, "activations", tmp.path() / "out", tmp.path());
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "activations.png"));
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "neuron_field.png"));
}

TEST(Programs_Quick, LogicGatesLearnsAndOrNandButNotXor) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    ProcessRun run = expect_quick_run(*dir, "logic_gates", tmp.path() / "out", tmp.path());
    std::string result = result_line(run.out);
    EXPECT_EQ(result.find("and_epochs=never"), std::string::npos) << result;
    EXPECT_EQ(result.find("xor_min_mistakes=0"), std::string::npos) << result;
    EXPECT_TRUE(fs::exists(tmp.path() / "out" / "gates_errors.csv"));
}

TEST(Programs_Quick, ConvergenceStaysUnderNovikoffsBoundAndWritesItsTrace) {
    REQUIRE_PROGRAMS(dir);
    ScratchDir tmp;
    fs::path trace = tmp.path() / "convergence.trace";
    ProcessRun run = expect_quick_run(*dir, "convergence", tmp.path() / "out", tmp.path(),
                               {"--trace", trace.string()});
    EXPECT_NE(result_line(run.out).find("bound_held=yes"), std::string::npos) << run.out;
    EXPECT_NE(read_text(trace).find("\tw\t2\t"), std::string::npos) << "trace lacks w records";
}

TEST(Programs_Quick, FashionRunsAndTheSameSeedGivesTheSameCsv) {
    REQUIRE_PROGRAMS(dir);
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir;
    ScratchDir tmp;
    fs::path first = tmp.path() / "first", second = tmp.path() / "second";
    expect_quick_run(*dir, "fashion", first, tmp.path());
    expect_quick_run(*dir, "fashion", second, tmp.path());
    std::string csv = read_text(first / "fashion.csv");
    EXPECT_FALSE(csv.empty());
    EXPECT_EQ(csv, read_text(second / "fashion.csv"));
}

}  // namespace
