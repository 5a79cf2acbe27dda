#pragma once
// What the harnesses of fuzz/ share. Each harness is a libFuzzer entry point,
// LLVMFuzzerTestOneInput, that hands its input to one reader of outside data and checks
// the reader's promises about it. A broken promise aborts (assert(), or fail() below,
// which also prints what was found): libFuzzer reports the abort as a crash and saves
// the input that caused it. The fuzz build never defines NDEBUG, so assert() is on.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <typeinfo>

#include "common/errors.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz: broken promise: %s\n", what.c_str());
    std::abort();
}

// Runs read() and returns the message of the nn::DataError it threw, or nullopt when it
// threw nothing: it accepted the input. A DataError is a reader's one answer to bad
// data (the programs turn it into a line on stderr and exit status 2); any other
// exception, a std::out_of_range from a forgotten check say, would reach the learner as
// an internal error, so it aborts.
template <typename Read>
std::optional<std::string> refusal(Read&& read) {
    try {
        read();
        return std::nullopt;
    } catch (const nn::DataError& e) {
        return e.what();
    } catch (const std::exception& e) {
        fail(std::string("an exception that is not nn::DataError: ") + typeid(e).name() + ": " + e.what());
    } catch (...) {
        fail("an exception that is not a std::exception");
    }
}

// A folder of this process's own for the readers that take a path: made once in
// $TMPDIR, else in /dev/shm, which is memory (a file written and read on disk for every
// input made the model file's harness four times slower), else in /tmp; removed when
// the process exits normally (a crash leaves it, with a few small files, for a look).
class Scratch {
public:
    static const Scratch& get() {
        static const Scratch scratch;
        return scratch;
    }
    // Writes the bytes to <folder>/name, replacing what was there, and returns its path.
    std::string write(const std::string& name, const uint8_t* data, size_t size) const {
        const std::string path = (folder_ / name).string();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
        if (!out.flush()) fail("cannot write the scratch file " + path);
        return path;
    }
    std::filesystem::path operator/(const std::string& name) const { return folder_ / name; }

private:
    Scratch() {
        const char* tmp = std::getenv("TMPDIR");
        std::error_code ignored;
        std::string parent = "/tmp";
        if (tmp && *tmp)
            parent = tmp;
        else if (std::filesystem::is_directory("/dev/shm", ignored))
            parent = "/dev/shm";
        std::string pattern = parent + "/nn-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data())) fail("cannot make a scratch folder like " + pattern);
        folder_ = pattern;
    }
    ~Scratch() {
        std::error_code ignored;
        std::filesystem::remove_all(folder_, ignored);
    }
    std::filesystem::path folder_;
};

}  // namespace fuzz
