#include "common/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

TEST(WriteFileAtomically, WritesTheContentAndLeavesNoTemporary) {
    ScratchDir dir;
    nn::write_file_atomically(dir / "a.txt", [](std::ostream& out) { out << "hello\n"; });
    EXPECT_EQ(dir.read("a.txt"), "hello\n");
    EXPECT_FALSE(fs::exists(dir / "a.txt.tmp"));
}

TEST(WriteFileAtomically, ThrowingWriterLeavesNeitherTheFileNorTheTemporary) {
    ScratchDir dir;
    auto half_then_fail = [](std::ostream& out) {
        out << "half of it";
        throw std::runtime_error("disk on fire");
    };
    EXPECT_THROW(nn::write_file_atomically(dir / "a.txt", half_then_fail), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir / "a.txt"));
    EXPECT_FALSE(fs::exists(dir / "a.txt.tmp"));
}

TEST(WriteFileAtomically, ThrowingWriterKeepsTheOlderFileIntact) {
    ScratchDir dir;
    nn::write_file_atomically(dir / "a.txt", [](std::ostream& out) { out << "complete\n"; });
    EXPECT_THROW(nn::write_file_atomically(dir / "a.txt",
                                           [](std::ostream& out) {
                                               out << "partial";
                                               throw std::logic_error("stop");
                                           }),
                 std::logic_error);
    EXPECT_EQ(dir.read("a.txt"), "complete\n");
}

TEST(WriteFileAtomically, FolderThatDoesNotExistThrowsNamingThePath) {
    ScratchDir dir;
    std::string path = dir / "missing/a.txt";
    try {
        nn::write_file_atomically(path, [](std::ostream& out) { out << "x"; });
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(MakeDirectories, CreatesNestedFolders) {
    ScratchDir dir;
    nn::make_directories(dir / "a/b/c");
    EXPECT_TRUE(fs::is_directory(dir / "a/b/c"));
    nn::make_directories(dir / "a/b/c");  // existing: nothing to do
    EXPECT_TRUE(fs::is_directory(dir / "a/b/c"));
}

TEST(MakeDirectories, PathUnderARegularFileThrowsUsageErrorNamingItAndTheFix) {
    ScratchDir dir;
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
    ScratchDir dir;
    std::ofstream(dir / "file") << "not a folder";
    EXPECT_THROW(nn::make_directories(dir / "file"), nn::UsageError);
}
