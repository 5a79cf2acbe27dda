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

// A temporary file that a Ctrl-C, a kill or a hang-up must not leave behind: while the
// object lives, SIGINT, SIGTERM and SIGHUP remove the file before the program dies as
// the signal says (where the program has no handler of its own for them). The object
// does not remove the file itself; its owner renames or removes it.
class RemovedOnSignal {
public:
    explicit RemovedOnSignal(const std::string& path);
    ~RemovedOnSignal();
    RemovedOnSignal(const RemovedOnSignal&) = delete;
    RemovedOnSignal& operator=(const RemovedOnSignal&) = delete;

private:
    int slot_;  // -1 when every slot was taken (then the file is not guarded)
};

// Creates dir and its parents; throws UsageError naming dir if it cannot.
void make_directories(const std::string& dir);

}  // namespace nn
