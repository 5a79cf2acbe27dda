// The harnesses' first inputs, written at build time into <out>/<harness>/: small
// files of each format, made by the project's own writers where it has one
// (save_network for models, nn::Outputs for manifests), so that libFuzzer starts from
// what real files look like instead of finding the magic bytes by chance.
//
//   seeds <out> <chapters>
//
// Real files join them in the Makefile: the chapters' README.md files and the
// manifests of out/. Small seeds fuzz faster than big ones, so besides the whole
// READMEs each marked table is a seed of its own, and the IDX seeds are two images of
// Fashion-MNIST (when it is installed) rather than ten thousand.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/cli.hpp"
#include "common/idx.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

void write(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

void write(const fs::path& path, const std::string& text) { write(path, Bytes(text.begin(), text.end())); }

void write_gzipped(const fs::path& path, const Bytes& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    if (!file || gzwrite(file, bytes.data(), unsigned(bytes.size())) != int(bytes.size()) || gzclose(file) != Z_OK)
        throw std::runtime_error("cannot write " + path.string());
}

Bytes read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------- IDX

Bytes idx(const std::vector<uint32_t>& dims, const Bytes& data) {
    Bytes bytes = {0, 0, 0x08, uint8_t(dims.size())};
    for (uint32_t d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(d >> shift));
    bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
}

// The first `count` bytes of data of a Fashion-MNIST file, or nothing when it is not installed.
Bytes fashion_data(const std::string& name, size_t header, size_t count) {
    const std::string path = std::string(nn::kFashionMnistDir) + "/" + name;
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) return {};
    Bytes bytes(header + count);
    const int got = gzread(file, bytes.data(), unsigned(bytes.size()));
    gzclose(file);
    if (got != int(bytes.size())) return {};
    return Bytes(bytes.begin() + long(header), bytes.end());
}

void idx_seeds(const fs::path& dir) {
    Bytes pixels = fashion_data("t10k-images-idx3-ubyte.gz", 16, 2 * 28 * 28);
    Bytes labels = fashion_data("t10k-labels-idx1-ubyte.gz", 8, 16);
    std::vector<uint32_t> image_dims = {2, 28, 28};
    if (pixels.empty()) {  // no Fashion-MNIST here: two 4 x 4 gradients
        image_dims = {2, 4, 4};
        for (int i = 0; i < 32; ++i) pixels.push_back(uint8_t(i * 8));
    }
    if (labels.empty()) labels = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1};
    for (const auto& [name, bytes] : {std::pair{"images", idx(image_dims, pixels)},
                                      std::pair{"labels", idx({uint32_t(labels.size())}, labels)},
                                      std::pair{"matrix", idx({3, 2}, {1, 2, 3, 4, 5, 6})},
                                      std::pair{"rank4", idx({1, 2, 1, 2}, {7, 8, 9, 10})}}) {
        write(dir / name, bytes);
        write_gzipped(dir / (std::string(name) + ".gz"), bytes);
    }
}

// ---------------------------------------------------------------- CSV

void csv_seeds(const fs::path& dir) {
    // The README's tiny.csv, then what a spreadsheet or a learner's script writes.
    write(dir / "tiny.csv", "x1,x2,label\n0.5,1.2,0\n-1.0,0.3,1\n2.2,-0.7,0\n");
    write(dir / "excel.csv", "\xEF\xBB\xBF\"body mass\",\"height, cm\",species\r\n70.5, 180,1\r\n\r\n"
                             "55,162.5,2\r\n80,175,3\r\n");
    write(dir / "regression.csv", "a,b,c,price\n1,2,3,10.25\n4,5,6,-3.5e2\n+7,8e-3,.9,1e10\n0,0,0,0.001\n");
    std::string classes = "x,y\n";
    for (int i = 0; i < 30; ++i) classes += std::to_string(i) + "," + std::to_string(i % 25) + "\n";
    write(dir / "many_classes.csv", classes);
}

// ---------------------------------------------------------------- model files

void model_seeds(const fs::path& dir) {
    using bp::Activation, bp::Cost, bp::Init;
    nn::Rng rng(1);
    bp::save_network(bp::make_network({2, 3, 1}, Activation::Sigmoid, Activation::Sigmoid, Cost::Quadratic,
                                      Init::Large, rng), (dir / "xor.nnbp").string());
    bp::save_network(bp::make_network({4, 5, 3}, Activation::ReLU, Activation::Softmax, Cost::CrossEntropy,
                                      Init::He, rng), (dir / "softmax.nnbp").string());
    bp::save_network(bp::make_network({3, 2, 2, 1}, Activation::Tanh, Activation::Linear, Cost::Quadratic,
                                      Init::Scaled, rng), (dir / "regression.nnbp").string());
    // Version 1, which still loads: the same bytes with version 1 and no checksum.
    Bytes v1 = read(dir / "xor.nnbp");
    v1[4] = 1;
    v1.resize(v1.size() - 4);
    write(dir / "xor_v1.nnbp", v1);
}

// ---------------------------------------------------------------- manifests

void manifest_seeds(const fs::path& dir) {
    const fs::path out = dir / "run";
    nn::CommonOptions options;
    options.out = out.string();
    {
        nn::Outputs outputs(options, "logic_gates");
        write(outputs.path("gates_errors.csv"), "epoch,errors\n1,2\n");
        write(outputs.path("gates_errors.png"), "");
        outputs.figure("gates_errors.png", "Errors per epoch of the AND, OR and NAND perceptrons");
        outputs.figure("sub folder/xor boundary.png", "XOR: no line separates it");
        outputs.result({{"and_epochs", "3"}, {"xor_last_mistakes", "2"}, {"seconds", "0.01"}});
    }
    fs::rename(out / "logic_gates.manifest", dir / "logic_gates.manifest");
    fs::remove_all(out);
}

// ---------------------------------------------------------------- README tables

// Every "<!-- reproduce: ... -->" line with the table below it, one seed each.
void table_seeds(const fs::path& dir, const fs::path& chapters) {
    for (const auto& chapter : fs::directory_iterator(chapters)) {
        std::ifstream in(chapter.path() / "README.md");
        int count = 0;
        std::string table;
        for (std::string line; std::getline(in, line);) {
            const bool marker = line.starts_with("<!-- reproduce"), row = line.starts_with("|");
            if (!table.empty() && !row) {
                write(dir / (chapter.path().filename().string() + "_table" + std::to_string(++count) + ".md"), table);
                table.clear();
            }
            if (marker || (row && !table.empty())) table += line + "\n";
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: seeds <out> <chapters>\n";
        return 2;
    }
    try {
        const fs::path out = argv[1];
        for (const char* harness : {"idx", "csv", "model_file", "manifest", "readme_table"})
            fs::create_directories(out / harness);
        idx_seeds(out / "idx");
        csv_seeds(out / "csv");
        model_seeds(out / "model_file");
        manifest_seeds(out / "manifest");
        table_seeds(out / "readme_table", argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "seeds: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
