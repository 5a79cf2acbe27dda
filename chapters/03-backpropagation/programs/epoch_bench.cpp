// Chapter 3: how long does one epoch take? Two networks trained by bp::train_epoch on
// ONE thread for one epoch over the 60,000 Fashion-MNIST training images, beside
// PyTorch on the CPU doing the same work (torch_peers.py, beside this file):
//
//   mlp30   [784,30,10] sigmoid, quadratic cost, mini-batches of 10, eta 3    (Nielsen, ch. 1)
//   mlp100  [784,100,10] sigmoid hidden, softmax + cross-entropy, eta 0.5    (Nielsen, ch. 3)
//
// The machine is shared and noisy, so the two take turns: in each round, our epoch of a
// model, then PyTorch's, then the next model; each time reported is the best of the
// rounds. Every epoch starts from a fresh network, so every round does the same work.
// Neither side's time includes loading the data or the test evaluation.
//
//   build/release/bin/03-backpropagation/epoch_bench [--rounds 3] [--peers chapters/03-backpropagation]
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/gemm.hpp"
#include "common/gnuplot.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/stopwatch.hpp"

namespace {

namespace fs = std::filesystem;
using bp::Activation;

struct Model {
    std::string name;  // torch_peers.py's name for it
    std::string description;
    std::vector<size_t> sizes;
    Activation output;
    bp::Cost cost;
    float eta;
};

const std::vector<Model> kModels = {
    {"mlp30", "[784,30,10] sigmoid, quadratic, eta 3", {784, 30, 10}, Activation::Sigmoid, bp::Cost::Quadratic, 3.0f},
    {"mlp100", "[784,100,10] softmax, cross-entropy, eta 0.5", {784, 100, 10}, Activation::Softmax,
     bp::Cost::CrossEntropy, 0.5f},
};
const size_t kBatch = 10;
const size_t kTorchImages = 60000;  // torch_peers.py always trains on the whole set

struct Epoch {
    double seconds = 0, accuracy = 0;
};

// ---------------------------------------------------------------- ours

struct Data {
    nn::Tensor X, Y;  // [n, 784], one-hot [n, 10]
    nn::ImageSet test;
};

Epoch our_epoch(const Model& m, const Data& data, uint64_t seed) {
    nn::Rng rng(seed);
    // Scaled init, N(0, 1/n_in), is closer to PyTorch's default than Nielsen's N(0, 1);
    // the time of an epoch does not depend on it, the accuracy after one does.
    bp::Network net = bp::make_network(m.sizes, Activation::Sigmoid, m.output, m.cost, bp::Init::Scaled, rng);
    bp::TrainOptions options;
    options.eta = m.eta;
    options.batch = kBatch;
    nn::Stopwatch watch;
    bp::train_epoch(net, data.X, data.Y, options, rng);
    double seconds = watch.seconds();
    return {seconds, bp::accuracy(net, data.test.images, data.test.labels)};
}

// ---------------------------------------------------------------- PyTorch's

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

struct Peer {
    std::string python;
    fs::path script;
    std::string version;
};

// PyTorch when it can run here; otherwise nullopt and the reason in `why`.
std::optional<Peer> find_peer(const std::string& peers, const std::string& python, std::string& why) {
    const std::string install = " (install it: sudo apt-get install python3-torch python3-numpy)";
    fs::path script = fs::path(peers) / "torch_peers.py";
    if (!fs::is_regular_file(script)) {
        why = "no torch_peers.py in " + peers + " (give its folder with --peers DIR)";
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

// The value of key in "mlp30 threads=1 epoch=1 seconds=2.90 ... test_acc=0.8155".
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

// One epoch of torch_peers.py, on one thread: the script sets torch's own threads,
// the environment those of the BLAS and OpenMP libraries under it.
Epoch torch_epoch(const Peer& peer, const Model& m) {
    std::string command = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 " + shell_quoted(peer.python) +
                          " " + shell_quoted(peer.script.string()) + " " + m.name + " 1 2>&1";
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

// ---------------------------------------------------------------- the report

struct Best {
    Epoch ours;
    std::optional<Epoch> torch;
};

void print_table(const std::vector<Best>& best) {
    std::printf("\n%-52s %8s %10s %7s %9s %12s\n", "model (one epoch, 1 thread)", "ours s", "PyTorch s", "ratio",
                "ours acc", "PyTorch acc");
    for (size_t i = 0; i < kModels.size(); ++i) {
        char name[80];
        std::snprintf(name, sizeof name, "%-7s %s", kModels[i].name.c_str(), kModels[i].description.c_str());
        std::printf("%-52s %8.3f", name, best[i].ours.seconds);
        if (best[i].torch)
            std::printf(" %10.3f %7.2f %9.4f %12.4f\n", best[i].torch->seconds,
                        best[i].torch->seconds / best[i].ours.seconds, best[i].ours.accuracy, best[i].torch->accuracy);
        else
            std::printf(" %10s %7s %9.4f %12s\n", "-", "-", best[i].ours.accuracy, "-");
    }
    std::printf("ratio = PyTorch's seconds / ours: above 1, ours is faster. Accuracy: on the 10,000 test "
                "images after the one epoch.\n");
}

// plot.hpp draws no bars with named categories: a few gnuplot lines added to a Figure's
// script give the bars, the model names under them and each bar's seconds above it.
void save_bar_chart(const std::vector<Best>& best, size_t images, const std::string& data_set, const std::string& path) {
    double top = 0;
    for (const Best& b : best) top = std::max({top, b.ours.seconds, b.torch ? b.torch->seconds : 0.0});
    nn::Figure figure(nn::Axes{.title = "One epoch over " + std::to_string(images) + " " + data_set +
                                        " training images, 1 thread, mini-batches of 10",
                               .ylabel = "seconds (best of the rounds)",
                               .xrange = std::pair{0.4, double(best.size()) + 0.6},
                               .yrange = std::pair{0.0, top * 1.25}});
    nn::Series ours{"ours (bp::train_epoch)", {}, {}, "boxes lc rgb '#1f77b4'"};
    nn::Series torch{"PyTorch", {}, {}, "boxes lc rgb '#ff7f0e'"};
    std::string tics, labels;
    auto bar = [&](nn::Series& series, double x, double seconds) {
        series.x.push_back(x);
        series.y.push_back(seconds);
        labels += "set label " + nn::gnuplot::quote(nn::significant(seconds, 3) + " s") + " at " + std::to_string(x) +
                  ", " + std::to_string(seconds) + " center offset 0,0.8 noenhanced\n";
    };
    for (size_t i = 0; i < best.size(); ++i) {
        double x = double(i + 1);
        std::string name = kModels[i].name + "\n" + kModels[i].description;
        if (best[i].torch) name += "\nPyTorch / ours = " + nn::fixed(best[i].torch->seconds / best[i].ours.seconds, 2);
        tics += (i ? ", " : "") + nn::gnuplot::quote(name) + " " + std::to_string(x);
        bar(ours, x - 0.19, best[i].ours.seconds);
        if (best[i].torch) bar(torch, x + 0.19, best[i].torch->seconds);
    }
    figure.add(ours);
    if (!torch.x.empty()) figure.add(torch);
    std::string script = figure.script();
    script.insert(script.rfind("\nplot ") + 1, "set boxwidth 0.36\nset style fill solid 0.85 noborder\nset xtics (" +
                                                   tics + ") scale 0 noenhanced\nset grid noxtics\nset bmargin 5\n" + labels);
    nn::gnuplot::render("set terminal pngcairo size 900,560 enhanced font 'DejaVu Sans,11'", script, path);
}

// Debian's python3-torch is installed for /usr/bin/python3, which a python3 earlier in
// PATH (pyenv, a virtual environment) may hide.
std::string default_python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

Data load_data(const std::string& dir, size_t images) {
    // The benchmark's networks are the textbook's: 784 inputs, whatever the folder holds.
    nn::TrainTest sets = nn::load_train_test(dir);
    nn::require_pixels(sets.train, 784, "epoch_bench", dir);
    nn::ImageSet train = nn::first_images(sets.train, images);
    Data data{train.images, bp::one_hot(train.labels, 10), std::move(sets.test)};
    return data;
}

std::vector<std::pair<std::string, std::string>> result_values(const std::vector<Best>& best, size_t images,
                                                               int rounds) {
    std::vector<std::pair<std::string, std::string>> values{{"images", std::to_string(images)},
                                                            {"rounds", std::to_string(rounds)}};
    for (size_t i = 0; i < best.size(); ++i) {
        const std::string& m = kModels[i].name;
        values.emplace_back("ours_" + m + "_seconds", nn::fixed(best[i].ours.seconds, 3));
        if (best[i].torch) {
            values.emplace_back("torch_" + m + "_seconds", nn::fixed(best[i].torch->seconds, 3));
            values.emplace_back("ratio_" + m, nn::fixed(best[i].torch->seconds / best[i].ours.seconds, 2));
        }
        values.emplace_back("ours_" + m + "_accuracy", nn::fixed(best[i].ours.accuracy, 4));
        if (best[i].torch) values.emplace_back("torch_" + m + "_accuracy", nn::fixed(best[i].torch->accuracy, 4));
    }
    return values;
}

std::vector<std::string> csv_columns(bool with_torch) {
    std::vector<std::string> columns{"round"};
    for (const Model& m : kModels) {
        columns.push_back("ours_" + m.name + "_seconds");
        if (with_torch) columns.push_back("torch_" + m.name + "_seconds");
    }
    return columns;
}

// The rounds: in each, per model, our epoch and then PyTorch's. Returns the best of each.
std::vector<Best> race(const Data& data, std::optional<Peer>& peer, int rounds, uint64_t seed, nn::MetricsLog& log) {
    std::vector<Best> best(kModels.size());
    for (int round = 1; round <= rounds; ++round) {
        std::vector<double> row{double(round)};
        for (size_t i = 0; i < kModels.size(); ++i) {
            Epoch ours = our_epoch(kModels[i], data, seed);
            if (round == 1 || ours.seconds < best[i].ours.seconds) best[i].ours = ours;
            row.push_back(ours.seconds);
            if (!peer) continue;
            Epoch theirs = torch_epoch(*peer, kModels[i]);
            if (!best[i].torch || theirs.seconds < best[i].torch->seconds) best[i].torch = theirs;
            row.push_back(theirs.seconds);
        }
        log.add(row);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("epoch_bench", "One epoch of training on one thread, beside PyTorch on the CPU",
                    "out/03-backpropagation");
        cli.add_data();
        std::string peers = "chapters/03-backpropagation/programs", python = default_python();
        int rounds = 3, images = int(kTorchImages);
        cli.option("rounds", rounds, "epochs per model and side, taking turns; the best counts (--quick: 1)",
                   nn::positive());
        cli.option("images", images, "train on the first N images (PyTorch runs only when that is all 60000)",
                   nn::positive());
        cli.option("peers", peers, "the folder of torch_peers.py", {}, "DIR");
        cli.option("python", python, "the Python that imports torch", {}, "FILE");
        nn::CommonOptions opt = cli.parse(argc, argv);
        if (opt.quick) rounds = 1;
        nn::gemm_set_threads(1);
        Data data = load_data(opt.data, size_t(images));
        nn::Outputs out(opt, "epoch_bench");

        std::string why;
        std::optional<Peer> peer = find_peer(peers, python, why);
        if (peer && data.X.dim(0) != kTorchImages) {
            why = "it always trains on all " + std::to_string(kTorchImages) + " images, and --images is " +
                  std::to_string(images);
            peer.reset();
        }
        std::printf("one epoch over %zu training images, mini-batches of %zu, 1 thread (gemm() %s); the test set: "
                    "%zu images\n",
                    data.X.dim(0), kBatch, nn::gemm_kernel_name(), data.test.size());
        if (peer)
            std::printf("PyTorch %s: %s %s MODEL 1, on 1 thread\n", peer->version.c_str(), python.c_str(),
                        peer->script.string().c_str());
        else
            std::printf("PyTorch comparison skipped: %s\n", why.c_str());
        std::printf("%d round(s); in each, per model, our epoch and then PyTorch's, each from a fresh network; "
                    "the best of the rounds counts; data loading and test evaluation are not timed\n\n",
                    rounds);

        nn::MetricsLog log(csv_columns(peer.has_value()));
        std::vector<Best> best = race(data, peer, rounds, opt.seed, log);
        print_table(best);
        log.write_csv(out.path("epoch_bench.csv"));
        save_bar_chart(best, data.X.dim(0), nn::data_set_name(opt.data), out.path("epoch_bench.png"));
        out.figure("epoch_bench.png",
                   "Seconds for one epoch of mini-batch SGD (batch 10) on one thread, ours and PyTorch's, for "
                   "the [784,30,10] and [784,100,10] networks: the best of the rounds, taken in turns.");
        out.result(result_values(best, data.X.dim(0), rounds));
    });
}
