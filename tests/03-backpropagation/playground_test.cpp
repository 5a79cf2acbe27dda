// The playground program as a learner meets it (run as a process, tests/program_runner.hpp)
// and the network diagram it draws (diagram.hpp, checked through the gnuplot script).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "03-backpropagation/diagram.hpp"
#include "common/random.hpp"
#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

#define REQUIRE_PLAYGROUND(dir) REQUIRE_PROGRAMS(dir, "03-backpropagation", "playground")

bool has(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

// Three round clouds in the plane, labelled 2, 5 and 9 (not 0..2: the program maps them).
std::string three_clouds_csv(size_t rows) {
    const float centres[3][2] = {{0, 0}, {3, 1}, {1, 4}};
    const int labels[3] = {2, 5, 9};
    nn::Rng rng(11);
    std::string text = "height,width,kind\n";
    char line[96];
    for (size_t i = 0; i < rows; ++i) {
        size_t c = i % 3;
        std::snprintf(line, sizeof line, "%.4f,%.4f,%d\n", centres[c][0] + 0.5f * rng.normal(),
                      centres[c][1] + 0.5f * rng.normal(), labels[c]);
        text += line;
    }
    return text;
}

// y = sin(a) + b^2 / 2 - c over [-2, 2]^3: smooth, and out of reach of a linear model.
std::string smooth_function_csv(size_t rows) {
    nn::Rng rng(12);
    std::string text = "a,b,c,y\n";
    char line[128];
    for (size_t i = 0; i < rows; ++i) {
        float a = rng.uniform(-2, 2), b = rng.uniform(-2, 2), c = rng.uniform(-2, 2);
        std::snprintf(line, sizeof line, "%.5f,%.5f,%.5f,%.5f\n", a, b, c, std::sin(a) + 0.5f * b * b - c);
        text += line;
    }
    return text;
}

}  // namespace

// ---------------------------------------------------------------- the toy sets

struct ToyCase {
    std::string set;
    std::vector<std::string> args;
    double min_test_accuracy;  // what seed 7 gives, less a margin
};

class Playground_Toy : public testing::TestWithParam<ToyCase> {};

TEST_P(Playground_Toy, ReachesItsAccuracyAndDrawsEveryFigure) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    std::vector<std::string> args{"--set", GetParam().set};
    args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
    ProcessRun run = expect_quick_run(*dir, "playground", tmp / "out", tmp.path(), args);
    EXPECT_GE(result_number(result_line(run.out), "test_accuracy"), GetParam().min_test_accuracy) << run.out;
    EXPECT_EQ(result_value(result_line(run.out), "data_set"), GetParam().set);
    Manifest manifest = read_manifest(tmp / "out" / "playground.manifest");
    for (const char* figure : {"playground_boundary.gif", "playground_boundary.png", "playground_hidden.png",
                               "playground_curves.png", "playground_network.png"})
        EXPECT_TRUE(has(manifest.figures, figure)) << "no " << figure << " in the manifest";
    EXPECT_NE(run.out.find("dense 3 + sigmoid"), std::string::npos) << "summary() missing:\n" << run.out;
    EXPECT_NE(read_text(tmp / "out" / "playground.csv").find("epoch,train_loss,test_loss"), std::string::npos);
}

// circle, xor and gauss are learned in 200 epochs; the spiral needs the default 1000.
INSTANTIATE_TEST_SUITE_P(Chapter3, Playground_Toy,
                         testing::Values(ToyCase{"circle", {"--epochs", "200"}, 0.93},
                                         ToyCase{"xor", {"--epochs", "200"}, 0.93},
                                         ToyCase{"gauss", {"--epochs", "200"}, 0.95},
                                         ToyCase{"spiral", {}, 0.90}),
                         [](const testing::TestParamInfo<ToyCase>& info) { return info.param.set; });

TEST(Playground_Trace, RecordsTheFirstGradientsAndTheWeightsAfterEachEpoch) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    fs::path trace = tmp / "playground.trace";
    expect_quick_run(*dir, "playground", tmp / "out", tmp.path(),
                     {"--set", "xor", "--epochs", "2", "--trace", trace.string()});
    std::string traced = read_text(trace);
    for (const char* name : {"\tlayer1.nabla_w\t", "\tlayer3.nabla_b\t", "\tlayer1.W\t"})
        EXPECT_NE(traced.find(name), std::string::npos) << "trace lacks" << name;
}

// ---------------------------------------------------------------- your own data

TEST(Playground_Csv, ThreeClassesInThePlaneAreLearnedAndDrawnAsRegions) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    write(tmp / "clouds.csv", three_clouds_csv(240));
    ProcessRun run = expect_quick_run(*dir, "playground", tmp / "out", tmp.path(),
                                      {"--csv", (tmp / "clouds.csv").string(), "--target", "kind", "--epochs", "100"});
    EXPECT_GE(result_number(result_line(run.out), "test_accuracy"), 0.95) << run.out;
    EXPECT_NE(run.out.find("3 classes of 'kind'"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("dense 3 + softmax"), std::string::npos) << run.out;
    Manifest manifest = read_manifest(tmp / "out" / "playground.manifest");
    EXPECT_TRUE(has(manifest.figures, "playground_boundary.png"));
    EXPECT_TRUE(has(manifest.figures, "playground_hidden.png"));
}

TEST(Playground_Csv, SmoothRegressionIsFittedAndDrawnAsPredictionsAgainstTruth) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    write(tmp / "smooth.csv", smooth_function_csv(300));
    ProcessRun run = expect_quick_run(*dir, "playground", tmp / "out", tmp.path(),
                                      {"--csv", (tmp / "smooth.csv").string(), "--target", "y", "--epochs", "200"});
    // The target's standard deviation is 1.57 (a constant's RMSE); the best linear model's
    // RMSE is about 0.6, since b^2 / 2 alone varies that much. Seed 7 gives 0.11.
    EXPECT_LT(result_number(result_line(run.out), "test_rmse"), 0.25) << run.out;
    EXPECT_NE(run.out.find("dense 3 + linear"), std::string::npos) << run.out;
    Manifest manifest = read_manifest(tmp / "out" / "playground.manifest");
    EXPECT_TRUE(has(manifest.figures, "playground_predictions.png"));
    EXPECT_FALSE(has(manifest.figures, "playground_boundary.gif")) << "three features: no plane to draw";
}

TEST(Playground_Csv, TaskOptionTurnsIntegerTargetsIntoARegression) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    write(tmp / "clouds.csv", three_clouds_csv(60));
    ProcessRun run = expect_quick_run(*dir, "playground", tmp / "out", tmp.path(),
                                      {"--csv", (tmp / "clouds.csv").string(), "--target", "kind", "--epochs", "5",
                                       "--task", "regression"});
    EXPECT_FALSE(result_value(result_line(run.out), "test_rmse").empty()) << run.out;
}

struct BadCsv {
    std::string name, text, target;
    std::vector<std::string> mentions;
};

TEST(Playground_Csv, MalformedFileExitsTwoNamingTheLineAndLeavesNothing) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    const std::vector<BadCsv> cases{
        {"ragged", "a,b,y\n1,2,0\n3,4,1\n5,6\n", "y", {"ragged.csv line 4", "2 cells, the header has 3"}},
        {"word", "a,b,y\n1,2,0\n3,abc,1\n", "y", {"word.csv line 3", "column 'b'", "'abc' is not a number"}},
        {"no_target", "a,b,y\n1,2,0\n", "price", {"no column 'price'", "columns: a, b, y"}},
        {"empty", "", "y", {"empty.csv", "empty"}},
        {"header_only", "a,b,y\n", "y", {"header_only.csv", "no rows"}},
    };
    for (const BadCsv& bad : cases) {
        SCOPED_TRACE(bad.name);
        fs::path file = tmp / (bad.name + ".csv");
        write(file, bad.text);
        expect_rejected_naming(*dir, "playground", {"--csv", file.string(), "--target", bad.target}, bad.mentions);
    }
}

// ---------------------------------------------------------------- the command line

TEST(Playground_Options, HelpListsTheDataOptions) {
    REQUIRE_PLAYGROUND(dir);
    ScratchDir tmp;
    ProcessRun run = run_program(*dir, "playground", {"--help"}, tmp.path());
    EXPECT_EQ(run.status, 0) << run.err;
    for (const char* option : {"--seed", "--csv", "--target", "--task", "--hidden", "--test-fraction"})
        EXPECT_NE(run.out.find(option), std::string::npos) << option;
}

TEST(Playground_Options, BadValuesAreOneLineAndExitTwo) {
    REQUIRE_PLAYGROUND(dir);
    expect_rejected(*dir, "playground", {"--set", "donut"}, "donut");
    expect_rejected(*dir, "playground", {"--hidden", "8,x"}, "--hidden");
    expect_rejected(*dir, "playground", {"--hidden", "0"}, "--hidden");
    expect_rejected(*dir, "playground", {"--activation", "softmax"}, "softmax");
    expect_rejected(*dir, "playground", {"--eta", "0"}, "--eta");
    expect_rejected(*dir, "playground", {"--batch", "0"}, "--batch");
    expect_rejected(*dir, "playground", {"--noise", "2"}, "--noise");
    expect_rejected(*dir, "playground", {"--test-fraction", "1"}, "--test-fraction");
    expect_rejected(*dir, "playground", {"--csv", "data.csv"}, "--target");
    expect_rejected(*dir, "playground", {"--target", "y"}, "--csv");
    expect_rejected(*dir, "playground", {"--set", "xor", "--csv", "data.csv", "--target", "y"}, "--set");
    expect_rejected(*dir, "playground", {"--csv", "no-such-file.csv", "--target", "y"}, "no-such-file.csv");
    expect_rejected(*dir, "playground", {"--csv", "data.csv", "--target", "y", "--task", "guess"}, "guess");
}

// ---------------------------------------------------------------- the diagram

namespace {

// [2, 3, 1] with every weight set by hand: the largest |w| of layer 1 is 2 (positive), of layer 2 it is 4 (negative).
bp::Network small_network() {
    nn::Rng rng(1);
    bp::Network net = bp::make_network({2, 3, 1}, bp::Activation::Tanh, bp::Activation::Sigmoid,
                                       bp::Cost::CrossEntropy, bp::Init::Scaled, rng);
    net.layers[0].W = nn::Tensor::from_rows({{2, -1}, {0.5f, 1}, {-1, 0.1f}});
    net.layers[1].W = nn::Tensor::from_rows({{-4, 1, 2}});
    return net;
}

}  // namespace

TEST(NetworkDiagram, EachConnectionIsOneLineAndTheStrongestAreThickest) {
    std::string script = bp::network_diagram(small_network(), "small").script();
    EXPECT_EQ(count(script, "with lines lw"), 6u + 3u);
    // The largest |w| of each layer gets the full width and the full colour of its sign.
    EXPECT_EQ(count(script, "with lines lw 4.00 lc rgb '#B2182B'"), 1u);  // w = 2 in layer 1
    EXPECT_EQ(count(script, "with lines lw 4.00 lc rgb '#2166AC'"), 1u);  // w = -4 in layer 2
    EXPECT_EQ(count(script, "with lines lw 2.20 lc rgb"), 4u);            // |w| = 1 of 2 (three), 2 of 4 (one)
    EXPECT_NE(script.find("title \"w > 0\""), std::string::npos);
    EXPECT_NE(script.find("title \"w < 0\""), std::string::npos);
    EXPECT_NE(script.find("unset border"), std::string::npos) << "a diagram needs no axes";
}

TEST(NetworkDiagram, LayersAreLabelledWithTheirSizeAndActivation) {
    std::string script = bp::network_diagram(small_network(), "small").script();
    for (const char* label : {"input: 2 units", "hidden 1: 3 units, tanh", "output: 1 unit, sigmoid"})
        EXPECT_NE(script.find(label), std::string::npos) << label;
    // Each layer's discs, then a dark ring around each.
    EXPECT_EQ(count(script, "with points pt 7 ps"), 3u);
    EXPECT_EQ(count(script, "with points pt 6 ps"), 3u);
}

TEST(NetworkDiagram, WideLayersShowTheirFirstAndLastUnitsOnly) {
    nn::Rng rng(2);
    bp::Network net = bp::make_network({784, 30, 10}, bp::Activation::Sigmoid, bp::Activation::Sigmoid,
                                       bp::Cost::CrossEntropy, bp::Init::Scaled, rng);
    std::string script = bp::network_diagram(net, "mnist", 16).script();
    EXPECT_EQ(count(script, "with lines lw"), 16u * 16u + 16u * 10u);
    EXPECT_NE(script.find("input: 784 units (16 shown)"), std::string::npos);
    EXPECT_NE(script.find("hidden 1: 30 units, sigmoid (16 shown)"), std::string::npos);
    EXPECT_NE(script.find("output: 10 units, sigmoid\""), std::string::npos) << "10 units fit: none left out";
    EXPECT_EQ(count(script, "with points pt 7 ps 0.5 lc"), 2u) << "one \"...\" per cut layer";
}
