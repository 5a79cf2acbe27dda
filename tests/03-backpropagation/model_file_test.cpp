// Saving and loading a network (chapters/03-backpropagation/given_io.cpp): a round
// trip gives the same bits, the bytes are those network.hpp documents, and every kind
// of bad file is refused with a message that says what is wrong.
#include <gtest/gtest.h>
#include <zlib.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "common/errors.hpp"
#include "common/random.hpp"
#include "tests/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
using bp::Activation;
using bp::Cost;
using bp::Network;

// Offsets in a saved file: the header, then layer 1's n_out, n_in, activation and W.
const size_t kVersionAt = 4, kCostAt = 8, kLayersAt = 12, kNOutAt = 16, kNInAt = 20, kActivationAt = 24,
             kWeightsAt = 28;

Network small_network(uint64_t seed = 3) {
    nn::Rng rng(seed);
    return bp::make_network({5, 4, 3}, Activation::Tanh, Activation::Softmax, Cost::CrossEntropy,
                            bp::Init::Scaled, rng);
}

std::vector<unsigned char> bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::vector<unsigned char>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

uint32_t u32_at(const std::vector<unsigned char>& bytes, size_t at) {
    return uint32_t(bytes[at]) | uint32_t(bytes[at + 1]) << 8 | uint32_t(bytes[at + 2]) << 16 |
           uint32_t(bytes[at + 3]) << 24;
}

void put_u32_at(std::vector<unsigned char>& bytes, size_t at, uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes[at + size_t(i)] = static_cast<unsigned char>(value >> (8 * i));
}

// Writes the CRC-32 of all bytes before the last four into the last four, as
// save_network does: a damaged file that a buggy writer would have sealed as good.
void reseal(std::vector<unsigned char>& bytes) {
    put_u32_at(bytes, bytes.size() - 4, uint32_t(crc32(0L, bytes.data(), uInt(bytes.size() - 4))));
}

// The message load_network() throws for the file, or "" when it loads.
std::string load_error(const fs::path& file) {
    try {
        bp::load_network(file.string());
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

// Saves a small network, lets `damage` change its bytes, and returns the load error.
template <typename Damage>
std::string error_after(Damage damage) {
    ScratchDir dir;
    fs::path file = dir / "model.nnbp";
    bp::save_network(small_network(), file.string());
    std::vector<unsigned char> bytes = bytes_of(file);
    damage(bytes);
    write_bytes(file, bytes);
    return load_error(file);
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// ---------------------------------------------------------------- round trip

TEST(ModelFile, RoundTripGivesTheSameParametersAndOutputsBitForBit) {
    ScratchDir dir;
    Network net = small_network();
    bp::save_network(net, (dir / "model.nnbp").string());
    Network loaded = bp::load_network((dir / "model.nnbp").string());
    ASSERT_EQ(loaded.sizes(), net.sizes());
    EXPECT_EQ(loaded.cost, net.cost);
    for (size_t l = 0; l < net.layers.size(); ++l) {
        EXPECT_EQ(loaded.layers[l].f, net.layers[l].f) << "layer " << l;
        EXPECT_TRUE(same_bits(loaded.layers[l].W.span(), net.layers[l].W.span())) << "layer " << l;
        EXPECT_TRUE(same_bits(loaded.layers[l].b, net.layers[l].b)) << "layer " << l;
    }
    nn::Rng rng(9);
    nn::Tensor X({7, 5});
    for (float& x : X.span()) x = rng.normal();
    EXPECT_TRUE(same_bits(bp::predict(loaded, X).span(), bp::predict(net, X).span()));
}

TEST(ModelFile, RoundTripKeepsEveryActivationAndCost) {
    ScratchDir dir;
    nn::Rng rng(5);
    for (Activation hidden : {Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Linear}) {
        Network net = bp::make_network({3, 2, 2, 1}, hidden, Activation::Linear, Cost::Quadratic, bp::Init::Large, rng);
        bp::save_network(net, (dir / "m").string());
        Network loaded = bp::load_network((dir / "m").string());
        EXPECT_EQ(loaded.layers[0].f, hidden) << bp::name_of(hidden);
        EXPECT_EQ(loaded.layers[2].f, Activation::Linear);
        EXPECT_EQ(loaded.cost, Cost::Quadratic);
        EXPECT_TRUE(same_bits(loaded.layers[1].b, net.layers[1].b)) << "Init::Large draws the biases too";
    }
}

TEST(ModelFile, TheBytesAreTheDocumentedLittleEndianLayout) {
    ScratchDir dir;
    Network net = small_network();
    bp::save_network(net, (dir / "m").string());
    std::vector<unsigned char> bytes = bytes_of(dir / "m");
    // 16 header bytes, then per layer 12 bytes and 4 per parameter, then the CRC-32.
    ASSERT_EQ(bytes.size(), 16u + 2 * 12 + 4 * net.parameter_count() + 4);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "NNBP");
    EXPECT_EQ(u32_at(bytes, kVersionAt), 2u);
    EXPECT_EQ(u32_at(bytes, bytes.size() - 4), uint32_t(crc32(0L, bytes.data(), uInt(bytes.size() - 4))))
        << "the last 4 bytes are the CRC-32 of all the others";
    EXPECT_EQ(u32_at(bytes, kCostAt), 1u) << "cross-entropy is cost code 1";
    EXPECT_EQ(u32_at(bytes, kLayersAt), 2u);
    EXPECT_EQ(u32_at(bytes, kNOutAt), 4u);
    EXPECT_EQ(u32_at(bytes, kNInAt), 5u);
    EXPECT_EQ(u32_at(bytes, kActivationAt), 1u) << "tanh is activation code 1";
    EXPECT_EQ(u32_at(bytes, kWeightsAt), std::bit_cast<uint32_t>(net.layers[0].W[0]));
    EXPECT_EQ(uint32_t(bytes[kWeightsAt]), std::bit_cast<uint32_t>(net.layers[0].W[0]) & 0xFFu)
        << "least significant byte first";
    size_t layer2 = kWeightsAt + 4 * (20 + 4);
    EXPECT_EQ(u32_at(bytes, layer2 + 8), 4u) << "softmax is activation code 4";
}

// ---------------------------------------------------------------- refusals

TEST(ModelFile, AMissingFileIsRefusedNamingIt) {
    ScratchDir dir;
    std::string error = load_error(dir / "nowhere.nnbp");
    EXPECT_NE(error.find("nowhere.nnbp"), std::string::npos) << error;
    EXPECT_NE(error.find("no such file"), std::string::npos) << error;
}

TEST(ModelFile, AFileWithoutTheMagicBytesIsNotANetworkFile) {
    std::string error = error_after([](auto& bytes) { bytes[0] = 'P'; });
    EXPECT_NE(error.find("not a network file"), std::string::npos) << error;
    EXPECT_NE(error.find("model.nnbp"), std::string::npos) << error;
}

TEST(ModelFile, AnUnknownVersionIsRefused) {
    std::string error = error_after([](auto& bytes) { put_u32_at(bytes, kVersionAt, 3); });
    EXPECT_NE(error.find("unknown version 3"), std::string::npos) << error;
}

TEST(ModelFile, AVersionOneFileWithoutAChecksumStillLoads) {
    ScratchDir dir;
    Network net = small_network();
    bp::save_network(net, (dir / "m").string());
    std::vector<unsigned char> bytes = bytes_of(dir / "m");
    put_u32_at(bytes, kVersionAt, 1);
    bytes.resize(bytes.size() - 4);
    write_bytes(dir / "v1", bytes);
    Network loaded = bp::load_network((dir / "v1").string());
    EXPECT_TRUE(same_bits(loaded.layers[1].W.span(), net.layers[1].W.span()));
    bytes.push_back(0);
    write_bytes(dir / "v1", bytes);
    EXPECT_NE(load_error(dir / "v1").find("1 trailing bytes after the last layer"), std::string::npos)
        << load_error(dir / "v1");
}

TEST(ModelFile, AFlippedBitAnywhereIsRefusedByTheChecksum) {
    ScratchDir dir;
    bp::save_network(small_network(), (dir / "m").string());
    const size_t size = bytes_of(dir / "m").size();
    // In a weight, a bias of the last layer, and the checksum itself.
    for (size_t at : {kWeightsAt + 5, size - 6, size - 1}) {
        std::string error = error_after([&](auto& bytes) { bytes[at] ^= 0x10; });
        EXPECT_NE(error.find("checksum mismatch: a byte changed since the file was saved"), std::string::npos)
            << "byte " << at << ": " << error;
    }
}

TEST(ModelFile, NaNAndInfiniteParametersAreRefusedOnLoadAndOnSave) {
    std::string error = error_after([](auto& bytes) {
        put_u32_at(bytes, kWeightsAt + 4, std::bit_cast<uint32_t>(std::numeric_limits<float>::quiet_NaN()));
        reseal(bytes);
    });
    EXPECT_NE(error.find("layer 1's weight 1 is NaN"), std::string::npos) << error;
    error = error_after([](auto& bytes) {
        size_t bias0 = kWeightsAt + 4 * 20;
        put_u32_at(bytes, bias0 + 8, std::bit_cast<uint32_t>(std::numeric_limits<float>::infinity()));
        reseal(bytes);
    });
    EXPECT_NE(error.find("layer 1's bias 2 is infinite"), std::string::npos) << error;
    ScratchDir dir;
    Network diverged = small_network();
    diverged.layers[1].W[3] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(bp::save_network(diverged, (dir / "m").string()), std::invalid_argument);
    EXPECT_FALSE(fs::exists(dir / "m"));
}

TEST(ModelFile, ATruncatedFileSaysHowManyBytesWereExpected) {
    ScratchDir dir;
    bp::save_network(small_network(), (dir / "m").string());
    size_t full = bytes_of(dir / "m").size();
    for (size_t keep : {size_t(0), size_t(2), size_t(10), size_t(kWeightsAt + 8), full - 1}) {
        std::string error = error_after([&](auto& bytes) { bytes.resize(keep); });
        SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(full) + " bytes");
        EXPECT_NE(error.find("truncated"), std::string::npos) << error;
        EXPECT_NE(error.find("has " + std::to_string(keep) + " bytes"), std::string::npos) << error;
    }
    // Cut inside layer 1's weights: its 4 x 5 weights and 4 biases end at byte 28 + 96.
    std::string error = error_after([](auto& bytes) { bytes.resize(kWeightsAt + 8); });
    std::string expected = "expected at least " + std::to_string(kWeightsAt + 96) + " bytes";
    EXPECT_NE(error.find(expected), std::string::npos) << error;
}

TEST(ModelFile, TrailingBytesAreRefused) {
    std::string error = error_after([](auto& bytes) { bytes.insert(bytes.end(), {1, 2, 3}); });
    EXPECT_NE(error.find("3 trailing bytes"), std::string::npos) << error;
}

TEST(ModelFile, ZeroSizesAndZeroLayersAreRefused) {
    std::string error = error_after([](auto& bytes) { put_u32_at(bytes, kNOutAt, 0); });
    EXPECT_NE(error.find("layer 1 has a zero size"), std::string::npos) << error;
    error = error_after([](auto& bytes) { put_u32_at(bytes, kLayersAt, 0); });
    EXPECT_NE(error.find("zero layers"), std::string::npos) << error;
}

TEST(ModelFile, AbsurdSizesAreRefusedBeforeAnythingIsAllocated) {
    // A million by a million floats would be 4 TB: refused because the file is too short.
    std::string error = error_after([](auto& bytes) {
        put_u32_at(bytes, kNOutAt, 1000000);
        put_u32_at(bytes, kNInAt, 1000000);
    });
    EXPECT_NE(error.find("truncated: expected at least 4000004000028 bytes to read layer 1"), std::string::npos)
        << error;
    error = error_after([](auto& bytes) { put_u32_at(bytes, kNInAt, 0xFFFFFFFFu); });
    EXPECT_NE(error.find("absurd size [4, 4294967295]"), std::string::npos) << error;
    error = error_after([](auto& bytes) { put_u32_at(bytes, kLayersAt, 0xFFFFFFFFu); });
    EXPECT_NE(error.find("absurd number of layers"), std::string::npos) << error;
}

TEST(ModelFile, UnknownActivationAndCostCodesAreRefused) {
    std::string error = error_after([](auto& bytes) { put_u32_at(bytes, kActivationAt, 9); });
    EXPECT_NE(error.find("unknown activation code 9"), std::string::npos) << error;
    error = error_after([](auto& bytes) { put_u32_at(bytes, kCostAt, 7); });
    EXPECT_NE(error.find("unknown cost code 7"), std::string::npos) << error;
}

TEST(ModelFile, ALayerWhoseInputsDifferFromThePreviousOutputsIsRefused) {
    std::string error = error_after([](auto& bytes) {
        size_t layer2 = kWeightsAt + 4 * (20 + 4);
        put_u32_at(bytes, layer2 + 4, 6);  // n_in of layer 2: 6 instead of 4
    });
    EXPECT_NE(error.find("layer 2 takes 6 inputs but layer 1 gives 4 outputs"), std::string::npos) << error;
}

TEST(ModelFile, PairsMakeNetworkRefusesAreRefusedOnLoad) {
    std::string error = error_after([](auto& bytes) {
        put_u32_at(bytes, kCostAt, 0);  // softmax + quadratic
        reseal(bytes);
    });
    EXPECT_NE(error.find("softmax output with the quadratic cost"), std::string::npos) << error;
    error = error_after([](auto& bytes) { put_u32_at(bytes, kActivationAt, 4); });  // hidden softmax
    EXPECT_NE(error.find("hidden softmax"), std::string::npos) << error;
}

// ---------------------------------------------------------------- writing atomically

TEST(ModelFile, ASuccessfulSaveLeavesNoTemporaryFileAndReplacesTheOldOne) {
    ScratchDir dir;
    std::string path = (dir / "m").string();
    bp::save_network(small_network(1), path);
    Network second = small_network(2);
    bp::save_network(second, path);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    EXPECT_TRUE(same_bits(bp::load_network(path).layers[0].W.span(), second.layers[0].W.span()));
}

TEST(ModelFile, AFailedSaveKeepsTheOldFileAndLeavesNoTemporaryFile) {
    ScratchDir dir;
    std::string path = (dir / "m").string();
    bp::save_network(small_network(), path);
    std::vector<unsigned char> before = bytes_of(path);
    Network broken = small_network(2);
    broken.layers[1].b.pop_back();  // 2 biases for 3 units: found while writing layer 2
    EXPECT_THROW(bp::save_network(broken, path), std::invalid_argument);
    EXPECT_EQ(bytes_of(path), before);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    EXPECT_THROW(bp::save_network(Network{}, path), std::invalid_argument) << "a network without layers";
    EXPECT_EQ(bytes_of(path), before);
}

TEST(ModelFile, ASaveThatCannotRenameLeavesNoTemporaryFile) {
    ScratchDir dir;
    fs::create_directories(dir / "taken" / "inside");  // a non-empty folder under the target name
    std::string path = (dir / "taken").string();
    EXPECT_THROW(bp::save_network(small_network(), path), std::runtime_error);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    EXPECT_TRUE(fs::is_directory(dir / "taken" / "inside"));
}

TEST(ModelFile, RequireShapeNamesBothShapes) {
    Network net = small_network();
    EXPECT_NO_THROW(bp::require_shape(net, 5, 3, "the data"));
    try {
        bp::require_shape(net, 784, 10, "the test set");
        FAIL() << "a [5, 4, 3] network accepted 784 inputs";
    } catch (const nn::DataError& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("takes 5 inputs"), std::string::npos) << message;
        EXPECT_NE(message.find("the test set has 784 inputs"), std::string::npos) << message;
    }
}

}  // namespace
