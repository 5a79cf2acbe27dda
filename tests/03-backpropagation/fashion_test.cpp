// fashion_mlp as a learner meets it (tests/program_runner.hpp): a quick run learns,
// a saved network evaluates to the same accuracy when loaded, and bad options or a
// model of the wrong shape stop with one line and exit status 2. The binaries' folder
// comes from NN_BIN_DIR (set by `make test`); without it these tests are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/random.hpp"
#include "tests/program_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace programs;

const char* const kProgram = "fashion_mlp";

#define REQUIRE_FASHION_MLP(dir) REQUIRE_PROGRAMS(dir, "03-backpropagation", kProgram)
#define REQUIRE_FASHION_DATA()                                                         \
    if (!fs::is_directory(kFashionDir)) GTEST_SKIP() << "no Fashion-MNIST in " << kFashionDir

TEST(Programs03_FashionMlp, QuickRunLearnsAndItsSavedNetworkLoadsToTheSameAccuracy) {
    REQUIRE_FASHION_MLP(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    fs::path model = tmp / "model.nnbp", trace = tmp / "trace.txt";
    // Nielsen's first network, one epoch on 10000 images: 0.7051 with seed 7 when this
    // was written. Saturated sigmoids make one epoch fragile (seeds 1 to 5 gave 0.58 to
    // 0.75, and a change in the kernel's rounding moves them too), so the bar is set well
    // below that, and far above chance (0.1).
    ProcessRun trained = expect_quick_run(*dir, kProgram, tmp / "train", tmp.path(),
                                          {"--epochs", "1", "--save", model.string(), "--trace", trace.string()});
    std::string result = result_line(trained.out);
    EXPECT_GT(std::stod(result_value(result, "test_accuracy")), 0.5) << result;
    EXPECT_EQ(result_value(result, "epochs"), "1") << result;
    EXPECT_FALSE(fs::exists(model.string() + ".tmp"));
    // Step 0 of the trace: layer 1's gradient has 30 x 784 entries.
    EXPECT_NE(read_text(trace).find("0\tlayer1.nabla_w\t23520\t"), std::string::npos) << "trace lacks layer1.nabla_w";

    ProcessRun loaded = expect_quick_run(*dir, kProgram, tmp / "load", tmp.path(), {"--load", model.string()});
    std::string reloaded = result_line(loaded.out);
    EXPECT_EQ(result_value(reloaded, "test_accuracy"), result_value(result, "test_accuracy")) << reloaded;
    EXPECT_EQ(result_value(reloaded, "test_cost"), result_value(result, "test_cost")) << reloaded;
    EXPECT_FALSE(fs::exists(tmp / "load" / "fashion_mlp_curves.png")) << "--load trains nothing, so it has no curves";
}

TEST(Programs03_FashionMlp, TheSameSeedGivesTheSameMetrics) {
    REQUIRE_FASHION_MLP(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    // Two ReLU layers with dropout: the dropout masks come from the seed too.
    std::vector<std::string> small{"--epochs", "1", "--hidden", "20,10", "--activation", "relu", "--init", "he"};
    small.insert(small.end(), {"--output", "softmax", "--cost", "cross-entropy", "--eta", "0.1", "--dropout", "0.2"});
    expect_quick_run(*dir, kProgram, tmp / "first", tmp.path(), small);
    expect_quick_run(*dir, kProgram, tmp / "second", tmp.path(), small);
    std::string csv = read_text(tmp / "first" / "fashion_mlp.csv");
    EXPECT_NE(csv.find("test_accuracy"), std::string::npos) << csv;
    EXPECT_EQ(csv, read_text(tmp / "second" / "fashion_mlp.csv"));
}

TEST(Programs03_FashionMlp, LoadingANetworkOfTheWrongShapeExitsTwoNamingBothShapes) {
    REQUIRE_FASHION_MLP(dir);
    REQUIRE_FASHION_DATA();
    ScratchDir tmp;
    nn::Rng rng(1);
    bp::Network tiny = bp::make_network({2, 3, 1}, bp::Activation::Sigmoid, bp::Activation::Sigmoid,
                                        bp::Cost::Quadratic, bp::Init::Scaled, rng);
    std::string model = (tmp / "tiny.nnbp").string();
    bp::save_network(tiny, model);
    expect_rejected_naming(*dir, kProgram, {"--load", model}, {"takes 2 inputs", "has 784 inputs and 10 outputs"});
}

TEST(Programs03_FashionMlp, ACorruptOrMissingModelFileExitsTwoNamingTheProblem) {
    REQUIRE_FASHION_MLP(dir);
    ScratchDir tmp;
    std::string garbage = (tmp / "garbage.nnbp").string();
    std::ofstream(garbage) << "this is not a network\n";
    expect_rejected_naming(*dir, kProgram, {"--load", garbage}, {"garbage.nnbp", "not a network file"});
    expect_rejected_naming(*dir, kProgram, {"--load", (tmp / "absent.nnbp").string()}, {"absent.nnbp", "no such file"});
}

TEST(Programs03_FashionMlp, BadOptionsExitTwoWithOneLineNamingThem) {
    REQUIRE_FASHION_MLP(dir);
    expect_rejected(*dir, kProgram, {"--no-such-option"}, "--no-such-option");
    expect_rejected(*dir, kProgram, {"--hidden", "30,,10"}, "--hidden");
    expect_rejected(*dir, kProgram, {"--hidden", "wide"}, "--hidden");
    expect_rejected(*dir, kProgram, {"--hidden", "0"}, "--hidden");
    expect_rejected_naming(*dir, kProgram, {"--activation", "softmax"}, {"--activation", "relu"});
    expect_rejected_naming(*dir, kProgram, {"--output", "relu"}, {"--output", "softmax"});
    expect_rejected(*dir, kProgram, {"--cost", "hinge"}, "hinge");
    expect_rejected(*dir, kProgram, {"--init", "zeros"}, "zeros");
    expect_rejected(*dir, kProgram, {"--output", "softmax", "--cost", "quadratic"}, "softmax");
    expect_rejected(*dir, kProgram, {"--eta", "0"}, "--eta");
    expect_rejected(*dir, kProgram, {"--batch", "0"}, "--batch");
    expect_rejected(*dir, kProgram, {"--lambda", "-1"}, "--lambda");
    expect_rejected(*dir, kProgram, {"--dropout", "1"}, "--dropout");
    expect_rejected(*dir, kProgram, {"--epochs", "0"}, "--epochs");
    expect_rejected(*dir, kProgram, {"--load", "a.nnbp", "--save", "b.nnbp"}, "--load");
    expect_rejected(*dir, kProgram, {"--save", "/no/such/folder/m.nnbp"}, "/no/such/folder");
}

TEST(Programs03_FashionMlp, AnOutputThatCannotBeWrittenIsRefusedBeforeTraining) {
    REQUIRE_FASHION_MLP(dir);
    ScratchDir tmp;
    // A folder as --save, a file in /proc (no file can be made there, even by root), and
    // an --out that cannot be written: each one line, exit 2, and not one epoch trained.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--save", tmp.path().string()}, {"--save", "/proc/self/m.nnbp"},
          {"--out", "/proc/self"}}) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--quick", "--progress", "never"});
        if (args[0] != "--out") all.insert(all.end(), {"--out", (tmp / "out").string()});
        ProcessRun run = run_program(*dir, kProgram, all, tmp.path());
        EXPECT_EQ(run.status, 2) << args[0] << " " << args[1] << ": " << run.err;
        EXPECT_EQ(lines_of(run.err).size(), 1u) << run.err;
        EXPECT_NE(run.err.find(args[0] + " " + args[1]), std::string::npos) << run.err;
        EXPECT_EQ(run.out.find("epoch 1 "), std::string::npos) << "it trained first:\n" << run.out;
    }
}

TEST(Programs03_DataSets, ATestSetOfAnotherImageSizeIsOneLineAndExitTwo) {
    // 28x28 training images beside 32x32 test images: every program that reads both
    // splits says so (it aborted on an assertion), and epoch_bench, whose networks take
    // 784 inputs, refuses any other size.
    REQUIRE_FASHION_MLP(dir);
    ScratchDir tmp;
    programs::write_idx_split(tmp / "mixed", "train", 20, 28, 28);
    programs::write_idx_split(tmp / "mixed", "t10k", 10, 32, 32);
    programs::write_idx_split(tmp / "small", "train", 20, 32, 32);
    programs::write_idx_split(tmp / "small", "t10k", 10, 32, 32);
    const std::string mixed = (tmp / "mixed").string(), small = (tmp / "small").string();
    expect_rejected(*dir, kProgram, {"--data", mixed, "--quick", "--validation", "5"},
                    "its test images are 32x32 but its training images 28x28");
    expect_rejected(*dir, "vanishing", {"--data", mixed, "--quick"}, "its test images are 32x32");
    expect_rejected(*dir, "epoch_bench", {"--data", mixed, "--images", "20", "--rounds", "1"}, "its test images are 32x32");
    expect_rejected(*dir, "epoch_bench", {"--data", small, "--images", "20", "--rounds", "1"},
                    "epoch_bench is built for images of 784 pixels");
    auto chapter = [&](const char* name) { return dir->parent_path() / name; };
    expect_rejected(chapter("01-perceptron"), "fashion", {"--data", mixed, "--quick"}, "its test images are 32x32");
    expect_rejected(chapter("02-gradient-descent"), "softmax_fashion", {"--data", mixed, "--quick"},
                    "its test images are 32x32");
}

TEST(Programs03_FashionMlp, AValidationSetLargerThanTheTrainingSetIsRefused) {
    REQUIRE_FASHION_MLP(dir);
    REQUIRE_FASHION_DATA();
    expect_rejected(*dir, kProgram, {"--validation", "60000"}, "--validation 60000");
}

}  // namespace
