#pragma once
// The reference a benchmark measures our training against: a script (PyTorch on the
// CPU) run as a process, one epoch at a time, on one thread; and the bar chart that
// shows both side by side. Used by the chapters' epoch_bench programs, which `make
// bench` runs.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nn {

// Debian's python3-torch is installed for /usr/bin/python3, which a python3 earlier in
// PATH (pyenv, a virtual environment) may hide.
std::string default_python();

struct Peer {
    std::string python;
    std::filesystem::path script;
    std::string version;  // torch.__version__
};

// The peer when it can run here; otherwise nullopt and the reason, with how to install
// what is missing, in `why`.
std::optional<Peer> find_peer(const std::filesystem::path& script, const std::string& python, std::string& why);

struct PeerEpoch {
    double seconds = 0, accuracy = 0;
};

// Runs `python script args...` with every library under it held to one thread, and reads
// seconds= and test_acc= from the last line it prints ("lenet threads=1 epoch=1
// seconds=30.1 ... test_acc=0.8512"). Throws std::runtime_error with the command to run
// by hand when the script fails or prints no such line.
PeerEpoch run_peer_epoch(const Peer& peer, const std::vector<std::string>& args);

// The value of key in a line of "key=value" words, when it is a number.
std::optional<double> field(const std::string& line, const std::string& key);

// One category of the chart: our seconds and, when the peer ran, theirs.
struct EpochBars {
    std::string name;  // printed under the bars; may hold newlines
    double ours = 0;
    std::optional<double> theirs;
};

// Bars of seconds, ours and the peer's side by side for each category, each bar with its
// seconds above it and each category with the ratio theirs / ours under its name.
void save_epoch_bars(const std::vector<EpochBars>& bars, const std::string& title, const std::string& ours_name,
                     const std::string& path);

}  // namespace nn
