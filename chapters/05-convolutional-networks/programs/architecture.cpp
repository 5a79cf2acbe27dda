// Chapter 5, program: a network of `--net` drawn as the textbooks draw LeNet-5, each
// activation a stack of feature maps with its shape under it, each dense layer a bar,
// the operations between them; and its summary table (output shapes, parameters,
// multiply-adds). No data set and no training: the net is only built.
//
//   build/release/bin/05-convolutional-networks/architecture [--net conv3x3x32p1-bn-pool2-...]
#include <cstdio>
#include <string>

#include "05-convolutional-networks/diagram.hpp"
#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"

namespace {

const char* const kProgram = "architecture";

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli(kProgram, "A convolutional network drawn as stacks of feature maps, with its summary table",
                    "out/05-convolutional-networks");
        std::string spec = cnn::kLeNet;
        cli.option("net", spec, "the network, e.g. conv3x3x32p1-bn-pool2-dense128-dropout0.5-dense10", {}, "SPEC");
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Rng rng(opt.seed);
        // Built before nn::Outputs creates the folder and clears the last run's files, so
        // that a bad spec is refused with the folder as it was.
        cnn::Net net = cnn::make_net(spec, {1, 28, 28}, rng);
        nn::Outputs out(opt, kProgram);
        std::printf("%s\n%s", spec.c_str(), cnn::summary(net).c_str());

        nn::save_png(cnn::architecture_figure(net, spec + " on 28x28 images"), out.path("architecture.png"),
                     cnn::architecture_size(net));
        out.figure("architecture.png",
                   "The network " + spec + " from its input (left) to its logits (right). Each stack is the "
                   "activation after a layer, one sheet per channel (at most 8 drawn), as tall and as wide as "
                   "its maps, its shape C @ HxW under it; after the flatten each dense layer is a bar, its "
                   "width under it. Between two of them, the operation that makes the second from the first.");
        out.result({{"parameters", std::to_string(net.parameter_count())},
                    {"multiply_adds", std::to_string(cnn::multiply_adds(net))}});
    });
}
