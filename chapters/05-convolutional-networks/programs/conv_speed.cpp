// Chapter 5, program: the two ways of computing a convolution layer, timed side by side
// on the layers of the chapter's LeNet-style net with a mini-batch of 64 (one thread):
// the seven loops of the definition (exercises 5.2 and 5.3) and im2col + the shared
// nn::gemm (given_conv.cpp). For each layer and pass it prints the seconds of a
// mini-batch, the GFLOP/s (2 flops per multiply-add), the share of this core's FMA peak,
// and, for the fast path, where the time goes: unrolling, the products, the rest.
//
//   build/release/bin/05-convolutional-networks/conv_speed [--batch 64] [--repeats 5]
#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "05-convolutional-networks/conv.hpp"
#include "common/cli.hpp"
#include "common/fma_peak.hpp"
#include "common/gemm.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

using cnn::Tensor;

struct Layer {
    std::string name;
    size_t C, H, W, C_out, k;
};

// The two convolutions of conv 5x5x20 - pool 2 - conv 5x5x40 - pool 2 on 28 x 28 images.
const std::vector<Layer> kLayers{{"conv1 5x5x20 on 1x28x28", 1, 28, 28, 20, 5},
                                 {"conv2 5x5x40 on 20x12x12", 20, 12, 12, 40, 5}};

// The best of `repeats` runs: load from other programs can only make a run slower.
double best_seconds(int repeats, const std::function<void()>& run) {
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        nn::Stopwatch watch;
        run();
        best = std::max(std::min(best, watch.seconds()), 1e-9);
    }
    return best;
}

struct Timing {
    std::string layer, pass, method;
    double seconds = 0, gflops = 0, unroll_share = 0;  // unroll: im2col or col2im
};

void time_layer(const Layer& L, size_t B, int repeats, nn::Rng& rng, std::vector<Timing>& timings) {
    cnn::Conv2d conv = cnn::make_conv(L.C, L.C_out, L.k, 1, 0, rng);
    Tensor X = nn::normal_tensor({B, L.C, L.H, L.W}, rng);
    Tensor Y, dK, dX;
    std::vector<float> db;
    cnn::ConvWorkspace work;
    cnn::conv2d_forward(conv, X, Y, work);  // sizes the buffers, shapes Y
    Tensor dY = nn::normal_tensor(Y.shape(), rng);
    // Forward: K cols; backward: dK = dY cols^T and dcols = K^T dY, twice the work.
    const double flops = 2.0 * double(B) * double(cnn::conv_multiply_adds(conv, L.H, L.W));

    double loops_fwd = best_seconds(std::max(1, repeats / 3), [&] { cnn::conv2d_forward_loops(conv, X, Y); });
    double loops_bwd = best_seconds(std::max(1, repeats / 3), [&] { cnn::conv2d_backward_loops(conv, X, dY, dK, db, &dX); });
    double fast_fwd = best_seconds(repeats, [&] { cnn::conv2d_forward(conv, X, Y, work); });
    double fast_bwd = best_seconds(repeats, [&] { cnn::conv2d_backward(conv, dY, dK, db, &dX, work); });
    double unroll = best_seconds(repeats, [&] { cnn::im2col(X, L.k, L.k, 1, 0, work.cols); });
    double fold = best_seconds(repeats, [&] { cnn::col2im(work.dcols, L.k, L.k, 1, 0, dX); });

    timings.push_back({L.name, "forward", "loops", loops_fwd, flops / loops_fwd / 1e9, 0});
    timings.push_back({L.name, "forward", "im2col + gemm", fast_fwd, flops / fast_fwd / 1e9, unroll / fast_fwd});
    timings.push_back({L.name, "backward", "loops", loops_bwd, 2 * flops / loops_bwd / 1e9, 0});
    timings.push_back({L.name, "backward", "col2im + gemm", fast_bwd, 2 * flops / fast_bwd / 1e9, fold / fast_bwd});
}

nn::Figure speed_figure(const std::vector<Timing>& timings, double peak) {
    nn::Figure fig({.title = "One mini-batch through a convolution layer, one thread",
                    .xlabel = "1: conv1 forward, 2: conv1 backward, 3: conv2 forward, 4: conv2 backward", .ylabel = "GFLOP/s", .logy = true,
                    .xrange = {{0.3, 4.7}}, .integer_x = true});
    nn::Series loops{.title = "the seven loops", .style = "impulses lw 40 lc rgb '#b2182b'"};
    nn::Series fast{.title = "im2col + gemm", .style = "impulses lw 40 lc rgb '#2166ac'"};
    for (size_t i = 0; i < timings.size(); i += 2) {
        double x = double(i / 2 + 1);
        loops.x.push_back(x - 0.2);
        loops.y.push_back(timings[i].gflops);
        fast.x.push_back(x + 0.2);
        fast.y.push_back(timings[i + 1].gflops);
    }
    fig.add(loops).add(fast);
    fig.add_hline(peak, "this core's FMA peak");
    return fig;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("conv_speed", "A convolution layer by its loops and by im2col + gemm, timed side by side",
                    "out/05-convolutional-networks");
        int batch = 64, repeats = 5;
        cli.option("batch", batch, "images in the mini-batch", nn::between(1, 1024));
        cli.option("repeats", repeats, "runs of each measurement; the best is kept", nn::between(1, 100));
        nn::CommonOptions opt = cli.parse(argc, argv);
        if (opt.quick) batch = std::min(batch, 8), repeats = std::min(repeats, 2);
        nn::Outputs out(opt, "conv_speed");
        nn::gemm_set_threads(1);

        nn::Rng rng(opt.seed);
        std::vector<Timing> timings;
        for (const Layer& L : kLayers) time_layer(L, size_t(batch), repeats, rng, timings);
        const double peak = nn::fma_peak_gflops(0.5);

        std::printf("Mini-batch of %d, one thread, %s kernel; this core's FMA peak: %.1f GFLOP/s.\n\n", batch,
                    nn::gemm_kernel_name(), peak);
        std::printf("%-26s %-9s %-14s %12s %9s %8s %8s\n", "layer", "pass", "method", "seconds", "GFLOP/s",
                    "of peak", "unroll");
        for (const Timing& t : timings)
            std::printf("%-26s %-9s %-14s %12.6f %9.2f %7.1f%% %8s\n", t.layer.c_str(), t.pass.c_str(),
                        t.method.c_str(), t.seconds, t.gflops, 100 * t.gflops / peak,
                        t.unroll_share > 0 ? (nn::fixed(100 * t.unroll_share, 0) + "%").c_str() : "");
        std::printf("(unroll: the share of the pass spent in im2col, or in col2im for the backward pass)\n");

        nn::save_png(speed_figure(timings, peak), out.path("conv_speed.png"), {1000, 600});
        out.figure("conv_speed.png",
                   "GFLOP/s of the two convolutions of the chapter's net, forward and backward (pairs "
                   "left to right: conv1 forward, conv1 backward, conv2 forward, conv2 backward). The "
                   "loops read the kernel and the image once per multiply-add, one float at a time; "
                   "im2col lays the receptive fields out as a matrix so that the packed, vectorized "
                   "gemm does the multiply-adds.");
        std::vector<std::pair<std::string, std::string>> result;
        const char* keys[] = {"conv1_forward", "conv1_backward", "conv2_forward", "conv2_backward"};
        for (size_t i = 0; i < timings.size(); i += 2)
            result.push_back({std::string(keys[i / 2]) + "_speedup", nn::fixed(timings[i].seconds / timings[i + 1].seconds, 1)});
        result.push_back({"peak_gflops", nn::fixed(peak, 1)});
        out.result(result);
    });
}
