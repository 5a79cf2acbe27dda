// Fuzzes bp::load_network (chapters/03-backpropagation/given_io.cpp), the reader of the
// model files that fashion_mlp --save writes and --load reads. load_network takes a
// path, so the input is written to a scratch file first.
//
// Promises checked beyond "no crash, no leak, no undefined behaviour":
// - the only exception is nn::DataError;
// - an accepted network is one this chapter trains: at least one layer, every W
//   [n_out, n_in] with n_out biases, each layer's inputs the previous one's outputs,
//   every parameter finite, softmax only as the output, an output the cost goes with;
// - it saves again (save_network refuses nothing load_network accepts), to the same
//   bytes: the input itself for a version 2 file, for a version 1 file the input with
//   version 2 and the checksum appended (one network, one file);
// - it computes: predict() on a row of zeros gives [1, n_out].
#include <zlib.h>

#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "fuzz/fuzz.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

void check_network(const bp::Network& net) {
    assert(!net.layers.empty());
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const bp::Dense& layer = net.layers[l];
        assert(layer.W.rank() == 2 && layer.outputs() >= 1 && layer.inputs() >= 1);
        assert(layer.b.size() == layer.outputs());
        assert(l == 0 || layer.inputs() == net.layers[l - 1].outputs());
        for (float w : layer.W.span()) assert(std::isfinite(w));
        for (float b : layer.b) assert(std::isfinite(b));
        assert(layer.f != bp::Activation::Softmax || l + 1 == net.layers.size());
    }
    const bp::Activation output = net.layers.back().f;
    if (net.cost == bp::Cost::CrossEntropy)
        assert(output == bp::Activation::Sigmoid || output == bp::Activation::Softmax);
    else
        assert(output != bp::Activation::Softmax);
}

// The file save_network writes for the network of an accepted input.
Bytes as_version_2(const uint8_t* data, size_t size) {
    Bytes bytes(data, data + size);
    const uint32_t version = uint32_t(bytes[4]) | uint32_t(bytes[5]) << 8 | uint32_t(bytes[6]) << 16 |
                             uint32_t(bytes[7]) << 24;
    if (version == 2) return bytes;
    assert(version == 1);
    bytes[4] = 2;
    const uint32_t crc = uint32_t(crc32(0L, bytes.data(), uInt(bytes.size())));
    for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(crc >> (8 * i)));
    return bytes;
}

Bytes file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const fuzz::Scratch& scratch = fuzz::Scratch::get();
    bp::Network net;
    if (fuzz::refusal([&] { net = bp::load_network(scratch.write("input.nnbp", data, size)); })) return 0;
    check_network(net);

    const std::string saved = (scratch / "saved.nnbp").string();
    try {
        bp::save_network(net, saved);
    } catch (const std::invalid_argument& e) {
        fuzz::fail(std::string("save_network refused a network load_network accepted: ") + e.what());
    }
    if (file_bytes(saved) != as_version_2(data, size))
        fuzz::fail("the network saves to other bytes than the file it was loaded from");

    const bp::Tensor outputs = bp::predict(net, bp::Tensor({1, net.layers.front().inputs()}));
    assert(outputs.rank() == 2 && outputs.dim(0) == 1 && outputs.dim(1) == net.layers.back().outputs());
    return 0;
}
