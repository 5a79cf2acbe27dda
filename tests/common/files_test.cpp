#include "common/files.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        std::string pattern = ::testing::TempDir() + "nn-files-XXXXXX";
        path = mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST(WriteFileAtomically, WritesTheContentAndLeavesNoTemporary) {
    TempDir dir;
    nn::write_file_atomically(dir / "a.txt", [](std::ostream& out) { out << "hello\n"; });
    EXPECT_EQ(read(dir / "a.txt"), "hello\n");
    EXPECT_FALSE(fs::exists(dir / "a.txt.tmp"));
}

TEST(WriteFileAtomically, ThrowingWriterLeavesNeitherTheFileNorTheTemporary) {
    TempDir dir;
    auto half_then_fail = [](std::ostream& out) {
        out << "half of it";
        throw std::runtime_error("disk on fire");
    };
    EXPECT_THROW(nn::write_file_atomically(dir / "a.txt", half_then_fail), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir / "a.txt"));
    EXPECT_FALSE(fs::exists(dir / "a.txt.tmp"));
}

TEST(WriteFileAtomically, ThrowingWriterKeepsTheOlderFileIntact) {
    TempDir dir;
    nn::write_file_atomically(dir / "a.txt", [](std::ostream& out) { out << "complete\n"; });
    EXPECT_THROW(nn::write_file_atomically(dir / "a.txt",
                                           [](std::ostream& out) {
                                               out << "partial";
                                               throw std::logic_error("stop");
                                           }),
                 std::logic_error);
    EXPECT_EQ(read(dir / "a.txt"), "complete\n");
}

TEST(WriteFileAtomically, FolderThatDoesNotExistThrowsNamingThePath) {
    TempDir dir;
    std::string path = dir / "missing/a.txt";
    try {
        nn::write_file_atomically(path, [](std::ostream& out) { out << "x"; });
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(MakeDirectories, CreatesNestedFolders) {
    TempDir dir;
    nn::make_directories(dir / "a/b/c");
    EXPECT_TRUE(fs::is_directory(dir / "a/b/c"));
    nn::make_directories(dir / "a/b/c");  // existing: nothing to do
    EXPECT_TRUE(fs::is_directory(dir / "a/b/c"));
}

TEST(MakeDirectories, PathUnderARegularFileThrowsUsageErrorNamingItAndTheFix) {
    TempDir dir;
    std::ofstream(dir / "file") << "not a folder";
    try {
        nn::make_directories(dir / "file/sub");
        FAIL() << "expected nn::UsageError";
    } catch (const nn::UsageError& e) {
        std::string message = e.what();
        EXPECT_NE(message.find(dir / "file/sub"), std::string::npos) << message;
        EXPECT_NE(message.find("--out"), std::string::npos) << message;
    }
}

TEST(MakeDirectories, ExistingRegularFileIsNotAFolder) {
    TempDir dir;
    std::ofstream(dir / "file") << "not a folder";
    EXPECT_THROW(nn::make_directories(dir / "file"), nn::UsageError);
}
