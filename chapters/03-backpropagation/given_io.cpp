// Chapter 3, saving and loading a trained network (the format is in network.hpp):
//
//   "NNBP"  version  cost  layers          4 bytes, then uint32 x 3
//   per layer:  n_out  n_in  activation    uint32 x 3
//               W [n_out, n_in]  b [n_out] float32, row-major
//   crc                                    uint32: CRC-32 of every byte before it
//
// Version 1 had no checksum, so a flipped bit in a weight loaded unnoticed; version 2
// adds it (zlib's crc32), and version 1 files still load.
//
// Every number is written byte by byte, least significant first, so a file means the
// same on any machine; nothing writes a struct as it lies in memory. The codes of
// the enums are fixed here, not taken from their order in network.hpp, so adding an
// activation never changes what an old file means.
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"

namespace bp {

namespace {

const char kMagic[4] = {'N', 'N', 'B', 'P'};
const uint32_t kVersion = 2;           // what save_network writes
const uint32_t kVersionWithoutCrc = 1;  // still read
// Wider than any network this companion trains, narrow enough that n_out * n_in * 4
// cannot overflow 64 bits: a corrupt size is refused before anything is allocated.
const uint32_t kMaxUnits = 1u << 24;
const uint32_t kMaxLayers = 1u << 16;

const Activation kActivationCodes[] = {Activation::Sigmoid, Activation::Tanh, Activation::ReLU,
                                       Activation::Linear, Activation::Softmax};
const Cost kCostCodes[] = {Cost::Quadratic, Cost::CrossEntropy};

template <typename Enum, size_t N>
uint32_t code_of(const Enum (&codes)[N], Enum value) {
    for (size_t i = 0; i < N; ++i)
        if (codes[i] == value) return uint32_t(i);
    throw std::logic_error("save_network: a value without a file code");
}

void put_u32(std::ostream& out, uint32_t value) {
    char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = char((value >> (8 * i)) & 0xFFu);
    out.write(bytes, 4);
}

void put_floats(std::ostream& out, std::span<const float> values) {
    for (float v : values) put_u32(out, std::bit_cast<uint32_t>(v));
}

// Refuses, before a byte of the layer is written, a network whose shapes do not chain:
// its file would be one load_network() rejects.
void check_layer(const Network& net, size_t l) {
    const Dense& layer = net.layers[l];
    bool chained = l == 0 || layer.inputs() == net.layers[l - 1].outputs();
    if (layer.W.rank() != 2 || layer.outputs() == 0 || layer.inputs() == 0 ||
        layer.b.size() != layer.outputs() || !chained || layer.outputs() > kMaxUnits ||
        layer.inputs() > kMaxUnits)
        throw std::invalid_argument("save_network: layer " + std::to_string(l + 1) + " has W " +
                                    layer.W.shape_string() + " and " + std::to_string(layer.b.size()) +
                                    " biases, which do not make a network");
}

// NaN or infinity in a parameter: a file of it would be refused on load.
void check_finite(const Dense& layer, size_t l) {
    auto finite = [](std::span<const float> values) {
        return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
    };
    if (!finite(layer.W.span()) || !finite(layer.b))
        throw std::invalid_argument("save_network: layer " + std::to_string(l + 1) +
                                    " has a parameter that is NaN or infinite (did training diverge?)");
}

void write_layers(std::ostream& out, const Network& net) {
    out.write(kMagic, 4);
    put_u32(out, kVersion);
    put_u32(out, code_of(kCostCodes, net.cost));
    put_u32(out, uint32_t(net.layers.size()));
    for (size_t l = 0; l < net.layers.size(); ++l) {
        check_layer(net, l);
        check_finite(net.layers[l], l);
        const Dense& layer = net.layers[l];
        put_u32(out, uint32_t(layer.outputs()));
        put_u32(out, uint32_t(layer.inputs()));
        put_u32(out, code_of(kActivationCodes, layer.f));
        put_floats(out, layer.W.span());
        put_floats(out, layer.b);
    }
}

void write_network(std::ostream& out, const Network& net) {
    if (net.layers.empty()) throw std::invalid_argument("save_network: the network has no layers");
    std::ostringstream body;
    write_layers(body, net);
    const std::string bytes = body.str();
    out.write(bytes.data(), std::streamsize(bytes.size()));
    put_u32(out, uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size()))));
}

// Reads a model file front to back, knowing its length, so that every size in the
// header is checked against the bytes that are really there before it is trusted.
class Reader {
public:
    explicit Reader(const std::string& path) : path_(path) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) fail("no such file");
        if (!std::filesystem::is_regular_file(path, ec)) fail("not a regular file");
        length_ = std::filesystem::file_size(path, ec);
        if (ec) fail("cannot read its size: " + ec.message());
        in_.open(path, std::ios::binary);
        if (!in_) fail("cannot open it for reading");
    }

    [[noreturn]] void fail(const std::string& problem) const {
        throw nn::DataError("model file " + path_ + ": " + problem);
    }

    uint64_t remaining() const { return length_ - position_; }
    uint64_t length() const { return length_; }

    // Makes sure `count` more bytes exist; `what` names them in the error.
    void need(uint64_t count, const std::string& what) const {
        if (count > remaining())
            fail("truncated: expected at least " + std::to_string(position_ + count) + " bytes to read " + what +
                 ", but the file has " + std::to_string(length_) + " bytes");
    }

    void bytes(char* into, uint64_t count, const std::string& what) {
        need(count, what);
        in_.read(into, std::streamsize(count));
        if (!in_) fail("read error at byte " + std::to_string(position_));
        position_ += count;
        crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(into), uInt(count));
    }

    // The CRC-32 of every byte read so far.
    uint32_t crc() const { return uint32_t(crc_); }

    uint32_t u32(const std::string& what) {
        unsigned char b[4];
        bytes(reinterpret_cast<char*>(b), 4, what);
        return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    }

    void floats(std::span<float> into, const std::string& what) {
        std::vector<unsigned char> raw(into.size() * 4);
        bytes(reinterpret_cast<char*>(raw.data()), raw.size(), what);
        for (size_t i = 0; i < into.size(); ++i) {
            const unsigned char* b = raw.data() + 4 * i;
            uint32_t bits = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
            into[i] = std::bit_cast<float>(bits);
        }
    }

private:
    std::string path_;
    std::ifstream in_;
    uint64_t length_ = 0, position_ = 0;
    uLong crc_ = crc32(0L, Z_NULL, 0);
};

template <typename Enum, size_t N>
Enum decode(const Reader& reader, const Enum (&codes)[N], uint32_t code, const std::string& what) {
    if (code >= N)
        reader.fail("unknown " + what + " code " + std::to_string(code) + " (this program knows 0 to " +
                    std::to_string(N - 1) + ")");
    return codes[code];
}

// The same pairs make_network() accepts, checked without calling the exercises.
void check_output(const Reader& reader, const Network& net) {
    Activation output = net.layers.back().f;
    bool cross_entropy = net.cost == Cost::CrossEntropy;
    if (cross_entropy && output != Activation::Sigmoid && output != Activation::Softmax)
        reader.fail("the cross-entropy cost with a " + name_of(output) +
                    " output is not a network this program trains");
    if (!cross_entropy && output == Activation::Softmax)
        reader.fail("a softmax output with the quadratic cost is not a network this program trains");
}

Dense read_layer(Reader& reader, size_t l, std::optional<size_t> previous_outputs) {
    std::string name = "layer " + std::to_string(l + 1);
    uint32_t n_out = reader.u32(name + "'s header");
    uint32_t n_in = reader.u32(name + "'s header");
    uint32_t f_code = reader.u32(name + "'s header");
    std::string shape = "[" + std::to_string(n_out) + ", " + std::to_string(n_in) + "]";
    if (n_out == 0 || n_in == 0) reader.fail(name + " has a zero size " + shape);
    if (n_out > kMaxUnits || n_in > kMaxUnits)
        reader.fail(name + " has an absurd size " + shape + " (at most " + std::to_string(kMaxUnits) +
                    " units per layer): the file is corrupt");
    if (previous_outputs && n_in != *previous_outputs)
        reader.fail(name + " takes " + std::to_string(n_in) + " inputs but layer " + std::to_string(l) +
                    " gives " + std::to_string(*previous_outputs) + " outputs");
    Activation f = decode(reader, kActivationCodes, f_code, "activation");
    // Checked against the file's length before the tensor is allocated.
    reader.need((uint64_t(n_out) * n_in + n_out) * 4, name + " (W " + shape + " and b)");
    Dense layer{Tensor({n_out, n_in}), std::vector<float>(n_out), f};
    reader.floats(layer.W.span(), name + "'s weights");
    reader.floats(layer.b, name + "'s biases");
    // The index of the first parameter that is NaN or infinite, or the size when none is.
    auto first_not_finite = [](std::span<const float> values) {
        return size_t(std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }) -
                      values.begin());
    };
    auto refuse = [&](std::span<const float> values, const std::string& what) {
        const size_t at = first_not_finite(values);
        if (at == values.size()) return;
        reader.fail(name + "'s " + what + " " + std::to_string(at) + " is " + (std::isnan(values[at]) ? "NaN" : "infinite") +
                    ": a network of it computes nothing");
    };
    refuse(layer.W.span(), "weight");
    refuse(layer.b, "bias");
    return layer;
}

std::string hex(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

}  // namespace

void save_network(const Network& net, const std::string& path) {
    nn::write_file_atomically(path, [&](std::ostream& out) { write_network(out, net); });
}

Network load_network(const std::string& path) {
    Reader reader(path);
    // A short file that does not even start like one is "not a network file", not "truncated".
    char magic[4];
    uint64_t head = std::min<uint64_t>(4, reader.length());
    reader.bytes(magic, head, "the magic bytes");
    if (!std::equal(magic, magic + head, kMagic))
        reader.fail("not a network file (it does not start with the bytes NNBP that save_network writes)");
    reader.need(4 - head, "the magic bytes");
    uint32_t version = reader.u32("the version");
    if (version != kVersion && version != kVersionWithoutCrc)
        reader.fail("unknown version " + std::to_string(version) + " (this program reads versions " +
                    std::to_string(kVersionWithoutCrc) + " and " + std::to_string(kVersion) + ")");
    Network net;
    net.cost = decode(reader, kCostCodes, reader.u32("the cost"), "cost");
    uint32_t layers = reader.u32("the number of layers");
    if (layers == 0) reader.fail("the network has zero layers");
    if (layers > kMaxLayers)
        reader.fail("an absurd number of layers (" + std::to_string(layers) + "): the file is corrupt");
    for (size_t l = 0; l < layers; ++l) {
        std::optional<size_t> previous;
        if (l > 0) previous = net.layers.back().outputs();
        net.layers.push_back(read_layer(reader, l, previous));
        if (l + 1 < layers && net.layers.back().f == Activation::Softmax)
            reader.fail("layer " + std::to_string(l + 1) +
                        " is a hidden softmax layer; softmax can only be the output");
    }
    if (version == kVersion) {
        const uint32_t computed = reader.crc();
        const uint32_t stored = reader.u32("the checksum after the last layer");
        if (stored != computed)
            reader.fail("checksum mismatch: a byte changed since the file was saved (CRC-32 " + hex(computed) +
                        ", the file says " + hex(stored) + ")");
    }
    if (reader.remaining() > 0)
        reader.fail(std::to_string(reader.remaining()) + " trailing bytes after the " +
                    (version == kVersion ? "checksum" : "last layer") + " (expected exactly " +
                    std::to_string(reader.length() - reader.remaining()) + " bytes)");
    check_output(reader, net);
    return net;
}

}  // namespace bp
