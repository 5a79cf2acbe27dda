#include "common/files.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

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

// Writes 1 MB through write_file_atomically with files capped at 1000 bytes (what a full
// disk looks like to the writer) and exits 0 when it is refused as a DataError naming
// the file, leaving neither it nor its temporary file. Run by a death test's child.
[[noreturn]] void write_past_a_full_disk(const std::string& path) {
    std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = 1000;
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
        nn::write_file_atomically(path, [](std::ostream& out) { out << std::string(1 << 20, 'x'); });
    } catch (const nn::DataError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::exit(std::filesystem::exists(path) || std::filesystem::exists(path + ".tmp") ? 3 : 0);
    }
    std::exit(4);
}

TEST(WriteFileAtomically, AFullDiskIsADataErrorAndLeavesNoFile) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    ScratchDir dir;
    const std::string path = (dir / "big.csv").string();
    EXPECT_EXIT(write_past_a_full_disk(path), testing::ExitedWithCode(0), "cannot write .*big.csv");
}

// The file a death test's child guards: named after the test process, which is the
// child's parent (a threadsafe death test re-runs the test in a new process, so a
// ScratchDir there would be another folder).
std::string guarded_file(pid_t test_process) {
    return (std::filesystem::path(testing::TempDir()) / ("nn-guarded-" + std::to_string(test_process) + ".tmp")).string();
}

TEST(RemovedOnSignal, ACtrlCWhileAFileIsGuardedRemovesIt) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const std::string path = guarded_file(getpid());
    std::ofstream(path) << "half";
    EXPECT_EXIT(
        {
            nn::RemovedOnSignal guard(guarded_file(getppid()));
            std::raise(SIGINT);
        },
        testing::KilledBySignal(SIGINT), "");
    EXPECT_FALSE(std::filesystem::exists(path)) << "the guarded file survived the signal";
    // Once the guard is gone, the file is its owner's again: a signal leaves it alone.
    std::ofstream(path) << "kept";
    EXPECT_EXIT(
        {
            { nn::RemovedOnSignal guard(guarded_file(getppid())); }
            std::raise(SIGTERM);
        },
        testing::KilledBySignal(SIGTERM), "");
    EXPECT_TRUE(std::filesystem::exists(path));
    std::filesystem::remove(path);
}
