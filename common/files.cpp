#include "common/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "common/errors.hpp"

namespace nn {

namespace fs = std::filesystem;

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
    const std::string tmp = path + ".tmp";
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
