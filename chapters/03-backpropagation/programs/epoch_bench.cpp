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
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/gemm.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/peer.hpp"
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

// One epoch of torch_peers.py, on one thread.
Epoch torch_epoch(const nn::Peer& peer, const Model& m) {
    nn::PeerEpoch epoch = nn::run_peer_epoch(peer, {m.name, "1"});
    return {epoch.seconds, epoch.accuracy};
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

void save_bar_chart(const std::vector<Best>& best, size_t images, const std::string& data_set, const std::string& path) {
    std::vector<nn::EpochBars> bars;
    for (size_t i = 0; i < best.size(); ++i)
        bars.push_back({kModels[i].name + "\n" + kModels[i].description, best[i].ours.seconds,
                        best[i].torch ? std::optional(best[i].torch->seconds) : std::nullopt});
    nn::save_epoch_bars(bars, "One epoch over " + std::to_string(images) + " " + data_set +
                                  " training images, 1 thread, mini-batches of 10",
                        "ours (bp::train_epoch)", path);
}

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
std::vector<Best> race(const Data& data, std::optional<nn::Peer>& peer, int rounds, uint64_t seed, nn::MetricsLog& log) {
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
        std::string peers = "chapters/03-backpropagation/programs", python = nn::default_python();
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
        std::optional<nn::Peer> peer = nn::find_peer(fs::path(peers) / "torch_peers.py", python, why);
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
