#include "common/peer.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "common/cli.hpp"
#include "common/gnuplot.hpp"
#include "common/plot.hpp"

namespace nn {

namespace {

std::string shell_quoted(const std::string& text) {
    std::string q = "'";
    for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct ShellRun {
    int status = -1;
    std::string output;
};

ShellRun run_shell(const std::string& command) {
    ShellRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) run.output += buffer;
    int raw = pclose(pipe);
    run.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

}  // namespace

std::string default_python() {
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

std::optional<Peer> find_peer(const std::filesystem::path& script, const std::string& python, std::string& why) {
    const std::string install = " (install it: sudo apt-get install python3-torch python3-numpy)";
    if (!std::filesystem::is_regular_file(script)) {
        why = "no " + script.string() + " (give its folder with --peers DIR)";
        return std::nullopt;
    }
    if (run_shell("command -v " + shell_quoted(python) + " >/dev/null 2>&1").status != 0) {
        why = "no " + python + " here" + install;
        return std::nullopt;
    }
    ShellRun probe = run_shell(shell_quoted(python) + " -c 'import numpy, torch; print(torch.__version__)' 2>/dev/null");
    if (probe.status != 0) {
        why = python + " cannot import torch and numpy" + install;
        return std::nullopt;
    }
    return Peer{python, script, probe.output.substr(0, probe.output.find('\n'))};
}

std::optional<double> field(const std::string& line, const std::string& key) {
    std::istringstream in(line);
    for (std::string word; in >> word;)
        if (word.starts_with(key + "=")) {
            const char* text = word.c_str() + key.size() + 1;
            char* end = nullptr;
            double value = std::strtod(text, &end);
            if (end != text && *end == '\0') return value;
        }
    return std::nullopt;
}

PeerEpoch run_peer_epoch(const Peer& peer, const std::vector<std::string>& args) {
    // The script sets torch's own threads; the environment those of the BLAS and OpenMP
    // libraries under it.
    std::string command = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 " + shell_quoted(peer.python) +
                          " " + shell_quoted(peer.script.string());
    for (const std::string& arg : args) command += " " + shell_quoted(arg);
    command += " 2>&1";
    ShellRun run = run_shell(command);
    std::string last;
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) last = line;
    auto seconds = field(last, "seconds"), accuracy = field(last, "test_acc");
    if (run.status != 0 || !seconds || !accuracy)
        throw std::runtime_error("PyTorch's run failed (exit status " + std::to_string(run.status) + ", last line '" +
                                 last + "'); run it alone to see why: " + command);
    return {*seconds, *accuracy};
}

// plot.hpp draws no bars with named categories: a few gnuplot lines added to a Figure's
// script give the bars, the names under them and each bar's seconds above it.
void save_epoch_bars(const std::vector<EpochBars>& bars, const std::string& title, const std::string& ours_name,
                     const std::string& path) {
    double top = 0;
    for (const EpochBars& b : bars) top = std::max({top, b.ours, b.theirs.value_or(0.0)});
    Figure figure(Axes{.title = title,
                       .ylabel = "seconds (best of the rounds)",
                       .xrange = std::pair{0.4, double(bars.size()) + 0.6},
                       .yrange = std::pair{0.0, top * 1.25}});
    Series ours{ours_name, {}, {}, "boxes lc rgb '#1f77b4'"};
    Series torch{"PyTorch", {}, {}, "boxes lc rgb '#ff7f0e'"};
    std::string tics, labels;
    auto bar = [&](Series& series, double x, double seconds) {
        series.x.push_back(x);
        series.y.push_back(seconds);
        labels += "set label " + gnuplot::quote(significant(seconds, 3) + " s") + " at " + std::to_string(x) + ", " +
                  std::to_string(seconds) + " center offset 0,0.8 noenhanced\n";
    };
    for (size_t i = 0; i < bars.size(); ++i) {
        double x = double(i + 1);
        std::string name = bars[i].name;
        if (bars[i].theirs) name += "\nPyTorch / ours = " + fixed(*bars[i].theirs / bars[i].ours, 2);
        tics += (i ? ", " : "") + gnuplot::quote(name) + " " + std::to_string(x);
        bar(ours, x - 0.19, bars[i].ours);
        if (bars[i].theirs) bar(torch, x + 0.19, *bars[i].theirs);
    }
    figure.add(ours);
    if (!torch.x.empty()) figure.add(torch);
    std::string script = figure.script();
    script.insert(script.rfind("\nplot ") + 1, "set boxwidth 0.36\nset style fill solid 0.85 noborder\nset xtics (" +
                                                   tics + ") scale 0 noenhanced\nset grid noxtics\nset bmargin 5\n" + labels);
    gnuplot::render("set terminal pngcairo size 900,560 enhanced font 'DejaVu Sans,11'", script, path);
}

}  // namespace nn
