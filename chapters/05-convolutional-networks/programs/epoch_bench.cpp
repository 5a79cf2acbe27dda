// Chapter 5: how long does one epoch of the chapter's LeNet-style net take? Ours (the
// layers of conv.hpp through net.hpp and the one training loop) and PyTorch on the CPU
// (torch_lenet.py, beside this file) doing the same work: conv 5x5x20 - pool 2 -
// conv 5x5x40 - pool 2 - dense 100 - dense 10, mini-batches of 64, SGD with momentum
// 0.9 at eta 0.01, one thread, the 60,000 Fashion-MNIST training images.
//
// The machine is shared and noisy, so the two take turns: in each round our epoch, then
// PyTorch's; each time reported is the best of the rounds. Every epoch starts from a
// fresh network. Neither side's time includes loading the data or the test evaluation.
// The share of the FMA peak counts the multiply-adds of the definition: the forward
// pass, and in the backward pass dK of both convolutions, dX of the second (the input
// needs none) and both products of each dense layer.
//
//   build/release/bin/05-convolutional-networks/epoch_bench [--rounds 3] [--peers DIR]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/fma_peak.hpp"
#include "common/gemm.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/peer.hpp"
#include "common/plot.hpp"
#include "common/stopwatch.hpp"

namespace {

namespace fs = std::filesystem;

const size_t kBatch = 64;

// The multiply-adds of one example's training step: forward, then the backward products.
size_t training_multiply_adds(const cnn::Net& net) {
    std::vector<std::vector<size_t>> shapes = cnn::layer_shapes(net);
    size_t total = cnn::multiply_adds(net);
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const cnn::Layer& layer = net.layers[l];
        size_t forward = layer.kind == cnn::Kind::Conv ? cnn::conv_multiply_adds(layer.conv, shapes[l][1], shapes[l][2])
                         : layer.kind == cnn::Kind::Dense ? layer.dense.W.size() : 0;
        total += forward * (l == 0 ? 1 : 2);  // the gradient of the weights, and of the input but for the first layer
    }
    return total;
}

nn::PeerEpoch our_epoch(const nn::ImageSet& train, const nn::ImageSet& test, uint64_t seed) {
    nn::Rng rng(seed);
    cnn::Net net = cnn::make_net(cnn::kLeNet, {1, 28, 28}, rng);
    cnn::NetTraining training(net, train.images, train.labels, rng);
    gd::Optimizer optimizer = gd::Optimizer::make("momentum", 0.01f);
    nn::Trainer trainer(training, [&](const nn::Step&, std::span<const nn::Parameter> parameters) {
        optimizer.step(parameters);
    }, {.batch = kBatch, .shuffle = &rng, .eta = 0.01});
    nn::Stopwatch watch;
    trainer.epoch();
    const double seconds = watch.seconds();
    return {seconds, cnn::accuracy(net, test.images, test.labels)};
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("epoch_bench", "One epoch of the chapter's CNN on one thread, beside PyTorch on the CPU",
                    "out/05-convolutional-networks");
        cli.add_data();
        std::string peers = "chapters/05-convolutional-networks/programs", python = nn::default_python();
        int rounds = 3, images = 60000;
        cli.option("rounds", rounds, "epochs per side, taking turns; the best counts (--quick: 1)", nn::between(1, 100));
        cli.option("images", images, "train on the first N images (both sides)",
                   nn::between(1, 1e9));
        cli.option("peers", peers, "the folder of torch_lenet.py", {}, "DIR");
        cli.option("python", python, "the Python that imports torch", {}, "FILE");
        nn::CommonOptions opt = cli.parse(argc, argv);
        if (opt.quick) rounds = 1;
        nn::gemm_set_threads(1);
        nn::TrainTest sets = nn::load_train_test(opt.data);
        nn::require_pixels(sets.train, 784, "epoch_bench", opt.data);
        nn::ImageSet train = nn::first_images(sets.train, size_t(images));
        nn::Outputs out(opt, "epoch_bench");

        std::string why;
        std::optional<nn::Peer> peer = nn::find_peer(fs::path(peers) / "torch_lenet.py", python, why);
        nn::Rng rng(opt.seed);
        const cnn::Net net = cnn::make_net(cnn::kLeNet, {1, 28, 28}, rng);
        const double flops = 2.0 * double(training_multiply_adds(net)) * double(train.size());
        std::printf("%s: one epoch over %zu images, mini-batches of %zu, momentum, 1 thread (gemm() %s)\n", cnn::kLeNet,
                    train.size(), kBatch, nn::gemm_kernel_name());
        if (peer)
            std::printf("PyTorch %s: %s %s 1 %zu\n", peer->version.c_str(), python.c_str(), peer->script.c_str(),
                        train.size());
        else std::printf("PyTorch comparison skipped: %s\n", why.c_str());

        nn::MetricsLog log(peer ? std::vector<std::string>{"round", "ours_seconds", "torch_seconds"}
                                : std::vector<std::string>{"round", "ours_seconds"});
        std::optional<nn::PeerEpoch> ours, theirs;
        for (int round = 1; round <= rounds; ++round) {
            nn::PeerEpoch mine = our_epoch(train, sets.test, opt.seed);
            if (!ours || mine.seconds < ours->seconds) ours = mine;
            std::vector<double> row{double(round), mine.seconds};
            if (peer) {
                nn::PeerEpoch other = nn::run_peer_epoch(*peer, {"1", std::to_string(train.size())});
                if (!theirs || other.seconds < theirs->seconds) theirs = other;
                row.push_back(other.seconds);
            }
            log.add(row);
        }
        const double peak = nn::fma_peak_gflops(opt.quick ? 0.3 : 1.0);
        const double gflops = flops / ours->seconds / 1e9;
        std::printf("\n%-10s %10s %9s %9s %10s\n", "", "seconds", "GFLOP/s", "of peak", "test acc");
        std::printf("%-10s %10.2f %9.1f %8.1f%% %10.4f\n", "ours", ours->seconds, gflops, 100 * gflops / peak, ours->accuracy);
        if (theirs)
            std::printf("%-10s %10.2f %9.1f %8.1f%% %10.4f\nratio = PyTorch's seconds / ours = %.2f (above 1: ours is faster)\n",
                        "PyTorch", theirs->seconds, flops / theirs->seconds / 1e9,
                        100 * flops / theirs->seconds / 1e9 / peak, theirs->accuracy, theirs->seconds / ours->seconds);
        std::printf("(%.1f GFLOP an epoch; this core's FMA peak %.1f GFLOP/s; best of %d round(s))\n", flops / 1e9, peak,
                    rounds);

        log.write_csv(out.path("epoch_bench.csv"));
        nn::save_epoch_bars({{"LeNet-style CNN\n" + std::string(cnn::kLeNet), ours->seconds,
                              theirs ? std::optional(theirs->seconds) : std::nullopt}},
                            "One epoch over " + std::to_string(train.size()) + " " + nn::data_set_name(opt.data) +
                                " images, 1 thread, mini-batches of 64",
                            "ours (cnn::NetTraining)", out.path("epoch_bench.png"));
        out.figure("epoch_bench.png", "Seconds for one epoch of the chapter's LeNet-style net, ours and PyTorch's, "
                                      "on one thread: the best of the rounds, taken in turns.");
        std::vector<std::pair<std::string, std::string>> result{
            {"images", std::to_string(train.size())}, {"ours_seconds", nn::fixed(ours->seconds, 2)},
            {"ours_gflops", nn::fixed(gflops, 1)}, {"peak_share", nn::fixed(gflops / peak, 3)},
            {"ours_accuracy", nn::fixed(ours->accuracy, 4)}};
        if (theirs)
            result.insert(result.end(), {{"torch_seconds", nn::fixed(theirs->seconds, 2)},
                                         {"ratio", nn::fixed(theirs->seconds / ours->seconds, 2)},
                                         {"torch_accuracy", nn::fixed(theirs->accuracy, 4)}});
        out.result(result);
    });
}
