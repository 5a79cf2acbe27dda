#include "common/files.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "common/errors.hpp"

namespace nn {

namespace fs = std::filesystem;

namespace {

// The guarded paths, for a signal handler: fixed storage, no allocation, and unlink(),
// which is safe to call there.
constexpr int kSlots = 16;
constexpr size_t kPathBytes = 4096;
char guarded_paths[kSlots][kPathBytes];
std::atomic<bool> slot_used[kSlots];

void remove_guarded_and_die(int signal) {
    for (int i = 0; i < kSlots; ++i)
        if (slot_used[i].load()) ::unlink(guarded_paths[i]);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void install_handlers_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
            struct sigaction current {};
            sigaction(signal, nullptr, &current);
            if (current.sa_handler != SIG_DFL) continue;  // the program's own, or ignored
            struct sigaction handler {};
            handler.sa_handler = remove_guarded_and_die;
            sigaction(signal, &handler, nullptr);
        }
    });
}

}  // namespace

RemovedOnSignal::RemovedOnSignal(const std::string& path) : slot_(-1) {
    if (path.size() >= kPathBytes) return;
    install_handlers_once();
    static std::mutex taking;
    std::lock_guard<std::mutex> lock(taking);
    for (int i = 0; i < kSlots; ++i) {
        if (slot_used[i].load()) continue;
        std::memcpy(guarded_paths[i], path.c_str(), path.size() + 1);
        slot_used[i].store(true);
        slot_ = i;
        return;
    }
}

RemovedOnSignal::~RemovedOnSignal() {
    if (slot_ >= 0) slot_used[slot_].store(false);
}

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
    const std::string tmp = path + ".tmp";
    RemovedOnSignal guard(tmp);
    std::ofstream out(tmp, std::ios::out | std::ios::trunc | std::ios::binary);
    // DataError, so that a program says it in one line and exits 2 (a full disk, a
    // folder made read-only during the run), like any other problem outside the program.
    if (!out) throw DataError("cannot write " + path + ": " + std::strerror(errno));
    try {
        write(out);
        out.close();  // flushes; a full disk shows up here
        if (!out) throw DataError("cannot write " + path + ": " + std::strerror(errno ? errno : EIO) +
                                  " (a full disk?)");
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) throw DataError("cannot rename " + tmp + " to " + path + ": " + ec.message());
    } catch (...) {
        if (out.is_open()) out.close();
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw;
    }
}

void make_directories(const std::string& dir) {
    if (dir.empty()) return;  // the current folder
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec && !fs::is_directory(dir, ec) && !ec) ec = std::make_error_code(std::errc::not_a_directory);
    if (ec)
        throw UsageError("cannot create output folder " + dir + ": " + ec.message() +
                         "; choose another with --out");
}

}  // namespace nn
