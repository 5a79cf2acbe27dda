// Fuzzes nn::read_idx (common/idx.hpp), the reader of MNIST-format files, plain or
// gzipped, and nn::load_idx_images on the files it accepts. read_idx takes a path, so
// the input is written to a scratch file first (a few microseconds on a temporary
// folder; a reader over memory would need a second way in to the same code).
//
// Promises checked beyond "no crash, no leak, no undefined behaviour":
// - the only exception is nn::DataError;
// - an accepted file has 1 to 4 dimensions, none of them 0, and exactly their product
//   of bytes, fewer than 2^31;
// - the same bytes read alike plain and gzipped: the same array, or the same message;
// - an accepted 3-dimensional file loads as [n, rows * cols] images of bytes / 255 with a
//   labels file of n zeros; an accepted 1-dimensional file loads as labels with a file
//   of n blank 1 x 1 images exactly when every byte is below 10, the labels being those bytes.
#include <zlib.h>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/idx.hpp"
#include "fuzz/fuzz.hpp"

namespace {

struct Outcome {
    nn::IdxArray array;                // when accepted
    std::optional<std::string> error;  // the DataError's message when refused
};

Outcome read(const std::string& path) {
    Outcome outcome;
    outcome.error = fuzz::refusal([&] { outcome.array = nn::read_idx(path); });
    return outcome;
}

bool same(const Outcome& a, const Outcome& b) {
    if (a.error || b.error) return a.error == b.error;
    return a.array.dims == b.array.dims && a.array.bytes == b.array.bytes;
}

void write_gzipped(const std::string& path, const uint8_t* data, size_t size) {
    gzFile file = gzopen(path.c_str(), "wb");
    if (!file) fuzz::fail("cannot write " + path);
    bool written = size == 0 || gzwrite(file, data, unsigned(size)) == int(size);
    if (gzclose(file) != Z_OK || !written) fuzz::fail("cannot gzip into " + path);
}

std::string write_idx(const std::string& name, const std::vector<uint32_t>& dims, uint8_t fill) {
    std::vector<uint8_t> bytes = {0, 0, 0x08, uint8_t(dims.size())};
    size_t count = 1;
    for (uint32_t d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(d >> shift));
        count *= d;
    }
    bytes.resize(bytes.size() + count, fill);
    return fuzz::Scratch::get().write(name, bytes.data(), bytes.size());
}

void check_array(const nn::IdxArray& array) {
    assert(array.dims.size() >= 1 && array.dims.size() <= 4);
    uint64_t product = 1;
    for (size_t d : array.dims) {
        assert(d > 0);
        product *= d;
    }
    assert(product == array.bytes.size() && product < (uint64_t{1} << 31));
}

// The images of an accepted 3-dimensional file, with labels that cannot be wrong.
void check_as_images(const std::string& path, const nn::IdxArray& array) {
    const size_t n = array.dims[0], rows = array.dims[1], cols = array.dims[2];
    const std::string labels = write_idx("labels", {uint32_t(n)}, 0);
    nn::ImageSet set;
    if (auto why = fuzz::refusal([&] { set = nn::load_idx_images(path, labels); }))
        fuzz::fail("an accepted 3-dimensional file was refused as images: " + *why);
    assert(set.size() == n && set.rows == rows && set.cols == cols);
    assert(set.images.rank() == 2 && set.images.dim(0) == n && set.images.dim(1) == rows * cols);
    for (size_t i = 0; i < array.bytes.size(); ++i) assert(set.images[i] == array.bytes[i] / 255.0f);
    for (int label : set.labels) assert(label == 0);
}

// The labels of an accepted 1-dimensional file, with images that cannot be wrong.
void check_as_labels(const std::string& path, const nn::IdxArray& array) {
    const size_t n = array.dims[0];
    const std::string images = write_idx("images", {uint32_t(n), 1, 1}, 0);
    bool in_range = true;
    for (uint8_t b : array.bytes) in_range = in_range && b < 10;
    nn::ImageSet set;
    const bool loaded = !fuzz::refusal([&] { set = nn::load_idx_images(images, path); });
    if (loaded != in_range) fuzz::fail(loaded ? "a label of 10 or more was accepted" : "labels 0 to 9 were refused");
    if (!loaded) return;
    assert(set.size() == n);
    for (size_t i = 0; i < n; ++i) assert(set.labels[i] == array.bytes[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::Scratch::get().write("input", data, size);
    const Outcome plain = read(path);
    if (!plain.error) {
        check_array(plain.array);
        if (plain.array.dims.size() == 3) check_as_images(path, plain.array);
        if (plain.array.dims.size() == 1) check_as_labels(path, plain.array);
    }
    // Input that is already gzip data would be read through one layer of it, not as itself.
    const bool is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!is_gzip) {
        write_gzipped(path, data, size);
        const Outcome gzipped = read(path);
        if (!same(plain, gzipped))
            fuzz::fail("the bytes read differently gzipped: '" + plain.error.value_or("accepted") + "' plain, '" +
                       gzipped.error.value_or("accepted") + "' gzipped");
    }
    return 0;
}
