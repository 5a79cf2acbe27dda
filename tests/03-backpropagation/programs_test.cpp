// Chapter 3's drawings of a trained network: the strongest-paths diagram (given_diagram.cpp)
// on a network whose every weight is set by hand, and fashion_mlp's figures of its first
// layer, run as a process (tests/program_runner.hpp; skipped without NN_BIN_DIR).
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "03-backpropagation/diagram.hpp"
#include "03-backpropagation/network.hpp"
#include "common/random.hpp"
#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// [4, 3, 2]. Input 3 has the largest weight of all (9, into hidden unit 2) but is never
// inked (scale 0), so no strong path starts there. The strongest paths: input 0 -> unit 0
// (5) and input 1 -> unit 1 (2); unit 2 is weak both ways.
bp::Network paths_network() {
    nn::Rng rng(1);
    bp::Network net = bp::make_network({4, 3, 2}, bp::Activation::Sigmoid, bp::Activation::Sigmoid,
                                       bp::Cost::CrossEntropy, bp::Init::Scaled, rng);
    net.layers[0].W = nn::Tensor::from_rows({{5, 0.1f, 0.1f, 0.1f}, {0.1f, 2, 0.1f, 0.1f}, {0.1f, 0.1f, 0.1f, 9}});
    net.layers[1].W = nn::Tensor::from_rows({{1, 1, 0.1f}, {1, 0.5f, 0.1f}});
    return net;
}

const std::vector<float> kInk{1, 1, 1, 0};

}  // namespace

TEST(StrongestPathsDiagram, ShowsTheUnitsOfTheStrongestPathsNotTheWidestWeights) {
    std::string script =
        bp::strongest_paths_diagram(paths_network(), kInk, "paths", {{"a", "b", "c", "d"}, {}, {"yes", "no"}}, 2, 3)
            .script();
    EXPECT_NE(script.find("input: 4 units (2 on the strongest paths)"), std::string::npos) << script;
    EXPECT_NE(script.find("hidden 1: 3 units, sigmoid (2 on the strongest paths)"), std::string::npos) << script;
    EXPECT_NE(script.find("output: 2 units, sigmoid\""), std::string::npos) << "2 outputs fit: none left out";
    // Inputs 0 and 1 are drawn and named; input 3, with the largest weight but no ink, is not.
    EXPECT_NE(script.find(" \"a\"\n"), std::string::npos) << script;
    EXPECT_NE(script.find(" \"b\"\n"), std::string::npos) << script;
    EXPECT_EQ(script.find(" \"d\"\n"), std::string::npos) << script;
    EXPECT_NE(script.find(" \"yes\"\n"), std::string::npos) << script;
    EXPECT_EQ(count(script, "with points pt 7 ps 0.5"), 0u) << "no \"...\": the units shown are not a run";
}

TEST(StrongestPathsDiagram, DrawsOnlyTheStrongestLinksOfEachPairOfLayers) {
    std::string script = bp::strongest_paths_diagram(paths_network(), kInk, "paths", {}, 2, 3).script();
    EXPECT_EQ(count(script, "with lines lw"), 3u + 3u);
    // Layer 1: paths 5 (0 -> 0), 2 (1 -> 1) and 0.1: widths 0.4 + 3.6 x (1, 0.4, 0.02).
    // Layer 2: paths 5, 5 (unit 0 -> both outputs) and 2 (unit 1 -> output 0).
    EXPECT_EQ(count(script, "with lines lw 4.00"), 3u) << script;
    EXPECT_EQ(count(script, "with lines lw 1.84"), 2u) << script;
    EXPECT_EQ(count(script, "with lines lw 0.47"), 1u) << script;
}

TEST(StrongestPathsDiagram, RejectsAScaleForEveryInputButOne) {
    EXPECT_THROW(bp::strongest_paths_diagram(paths_network(), {1, 1, 1}, "paths"), std::invalid_argument);
}

TEST(Programs03_FashionMlpFigures, TrainingDrawsTheFirstLayersChangeAndLoadingDoesNot) {
    REQUIRE_PROGRAMS(dir, "03-backpropagation", "fashion_mlp");
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir;
    ScratchDir tmp;
    fs::path model = tmp / "model.nnbp";
    expect_quick_run(*dir, "fashion_mlp", tmp / "train", tmp.path(), {"--epochs", "1", "--save", model.string()});
    for (const char* figure : {"fashion_mlp_network.png", "fashion_mlp_hidden.png"})
        EXPECT_TRUE(has_image_signature(tmp / "train" / figure)) << figure;
    expect_quick_run(*dir, "fashion_mlp", tmp / "load", tmp.path(), {"--load", model.string()});
    EXPECT_TRUE(has_image_signature(tmp / "load" / "fashion_mlp_network.png"));
    EXPECT_FALSE(fs::exists(tmp / "load" / "fashion_mlp_hidden.png")) << "the file holds no W_0";
}
