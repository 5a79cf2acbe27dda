#pragma once
// Writing output files so that an interrupted or failed run never leaves a
// half-written file behind under the final name: write to "<path>.tmp", then rename.
#include <functional>
#include <ostream>
#include <string>

namespace nn {

// Calls write(stream) on "<path>.tmp", then renames it to path. If write throws
// or the stream fails, the temporary file is removed and the error propagates; the
// file's own failures (cannot create, a full disk, cannot rename) are DataErrors.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write);

// Creates dir and its parents; throws UsageError naming dir if it cannot.
void make_directories(const std::string& dir);

}  // namespace nn
