#pragma once
// ScratchDir: a fresh, empty folder for one test, made under ::testing::TempDir()
// and removed, with everything in it, when the object goes out of scope at the end
// of the test. If the folder cannot be made the constructor throws, which fails the
// test before it writes anything anywhere else (never into the working directory).
//
//   ScratchDir dir;
//   nn::save_png(figure, dir / "a.png");   // <folder>/a.png
//   EXPECT_EQ(dir.read("notes.txt"), "hello\n");
//   EXPECT_TRUE(fs::is_empty(dir.path()));
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

class ScratchDir {
public:
    ScratchDir() {
        std::filesystem::path parent = ::testing::TempDir();
        std::string pattern = (parent / "nn-test-XXXXXX").string();
        if (!mkdtemp(pattern.data())) {
            int error = errno;
            throw std::runtime_error("ScratchDir: cannot make a folder in " + parent.string() + ": " +
                                     std::strerror(error));
        }
        path_ = pattern;
    }
    // A destructor must not throw: a folder left behind in the temporary area is harmless.
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // A path inside the folder; it converts to std::string where a function wants one.
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    // The whole text of the file `name` in the folder; "" when there is no such file.
    std::string read(const std::string& name) const {
        std::ifstream in(path_ / name, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    std::filesystem::path path_;
};
