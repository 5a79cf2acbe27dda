#pragma once
// Running a chapter's programs as a learner meets them: as processes, with their
// stdout and stderr captured, and checking what every program promises (run_program in
// common/cli.hpp): bad input is one line on stderr, exit status 2 and no output files;
// a run writes its figures, a manifest and exactly one `result:` line.
//
// The binaries' folder comes from NN_BIN_DIR (set by `make test`), with the
// chapter's folder appended when it exists; without it the tests are skipped:
//
//   TEST(Programs02_Quick, ...) {
//       REQUIRE_PROGRAMS(dir, "02-gradient-descent", "one_dimension");
//       ScratchDir tmp;
//       programs::expect_quick_run(*dir, "one_dimension", tmp / "out", tmp.path());
//   }
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/scratch_dir.hpp"

namespace programs {

namespace fs = std::filesystem;

inline const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

// Writes dir/<split>-images-idx3-ubyte and its labels: n images of rows x cols pixels,
// gray levels and labels counting up. split is "train" or "t10k".
inline void write_idx_split(const fs::path& dir, const std::string& split, uint32_t n, uint32_t rows, uint32_t cols) {
    auto header = [](std::ofstream& out, std::vector<uint32_t> dims) {
        out.put(0), out.put(0), out.put(8), out.put(char(dims.size()));
        for (uint32_t d : dims)
            for (int shift = 24; shift >= 0; shift -= 8) out.put(char((d >> shift) & 0xFF));
    };
    fs::create_directories(dir);
    std::ofstream images(dir / (split + "-images-idx3-ubyte"), std::ios::binary);
    header(images, {n, rows, cols});
    for (uint32_t i = 0; i < n * rows * cols; ++i) images.put(char(i % 256));
    std::ofstream labels(dir / (split + "-labels-idx1-ubyte"), std::ios::binary);
    header(labels, {n});
    for (uint32_t i = 0; i < n; ++i) labels.put(char(i % 10));
}

// Where a chapter's programs are: NN_BIN_DIR/<chapter> if it holds `probe`, else NN_BIN_DIR.
inline std::optional<fs::path> program_dir(const std::string& chapter, const std::string& probe) {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) return std::nullopt;
    fs::path dir(env);
    if (fs::exists(dir / chapter / probe)) return dir / chapter;
    return dir;
}

#define REQUIRE_PROGRAMS(dir, chapter, probe)                                          \
    auto dir = programs::program_dir(chapter, probe);                                  \
    if (!dir) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder"

// For the shell: 'text', with each ' inside written as '\''.
inline std::string quoted(const std::string& text) {
    std::string q = "'";
    for (char c : text) {
        if (c == '\'') q.append("'\\''");
        else q.push_back(c);
    }
    q.push_back('\'');
    return q;
}

inline std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> lines_of(const std::string& text) {
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
inline ProcessRun run_program(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
                              const fs::path& scratch) {
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
inline std::vector<std::string> outputs_in(const fs::path& folder) {
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

// Expects exit status 2, one line on stderr mentioning each of `mentions`, and no
// output files. Returns that line.
inline std::string expect_rejected_naming(const fs::path& dir, const std::string& program,
                                          std::vector<std::string> args, const std::vector<std::string>& mentions) {
    ScratchDir tmp;
    fs::path out = tmp.path() / "out";
    args.insert(args.end(), {"--out", out.string(), "--progress", "never"});
    ProcessRun run = run_program(dir, program, args, tmp.path());
    EXPECT_EQ(run.status, 2) << program << " stderr: " << run.err;
    auto lines = lines_of(run.err);
    EXPECT_EQ(lines.size(), 1u) << program << " stderr: " << run.err;
    if (lines.empty()) return "";
    for (const std::string& mention : mentions)
        EXPECT_NE(lines[0].find(mention), std::string::npos)
            << program << ": the error line should name " << mention << ": " << lines[0];
    EXPECT_TRUE(outputs_in(out).empty()) << program << " left " << outputs_in(out).front();
    return lines[0];
}

inline std::string expect_rejected(const fs::path& dir, const std::string& program, std::vector<std::string> args,
                                   const std::string& mention) {
    return expect_rejected_naming(dir, program, std::move(args), {mention});
}

// A stand-in for the Python that runs a benchmark's PyTorch peer: tmp/peers/<script>
// (never run) and tmp/python, which answers the import probe with version 9.9-fake and
// otherwise prints `line`, with $1 the script, $2, $3 ... its arguments.
inline void write_fake_peer(const fs::path& tmp, const std::string& script, const std::string& line) {
    fs::create_directories(tmp / "peers");
    std::ofstream(tmp / "peers" / script) << "# not run: the fake python beside it answers for it\n";
    const fs::path python = tmp / "python";
    std::ofstream(python) << "#!/bin/sh\n"
                             "if [ \"$1\" = -c ]; then echo 9.9-fake; exit 0; fi\n"
                             "echo \"" << line << "\"\n";
    fs::permissions(python, fs::perms::owner_all);
}

struct Manifest {
    std::vector<std::string> figures;
    std::vector<std::string> results;  // "key=value"
};

inline Manifest read_manifest(const fs::path& file) {
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

inline bool has_image_signature(const fs::path& file) {
    std::string head = read_text(file).substr(0, 8);
    return head == "\x89PNG\r\n\x1a\n" || head.rfind("GIF89a", 0) == 0 || head.rfind("GIF87a", 0) == 0;
}

// Runs the program in quick mode into out/ and checks what every program promises:
// exit 0, exactly one result line, a manifest whose figures exist as PNG or GIF.
inline ProcessRun expect_quick_run(const fs::path& dir, const std::string& program, const fs::path& out,
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
        EXPECT_TRUE(has_image_signature(out / figure)) << program << ": " << figure << " is missing or not a PNG/GIF";
    return run;
}

inline std::string result_line(const std::string& out) {
    for (const std::string& line : lines_of(out))
        if (line.rfind("result: ", 0) == 0) return line;
    return "";
}

// The value of `key` in a result line "result: a=1 b=2"; "" when absent.
inline std::string result_value(const std::string& line, const std::string& key) {
    std::istringstream in(line);
    for (std::string field; in >> field;)
        if (field.rfind(key + "=", 0) == 0) return field.substr(key.size() + 1);
    return "";
}

// The number `key` holds in a result line. When the key is absent: a failed expectation,
// and NaN, which fails every comparison made with it afterwards.
inline double result_number(const std::string& line, const std::string& key) {
    std::string text = result_value(line, key);
    EXPECT_FALSE(text.empty()) << "no " << key << " in: " << line;
    return text.empty() ? std::nan("") : std::stod(text);
}

}  // namespace programs
