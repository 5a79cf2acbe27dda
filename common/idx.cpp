#include "common/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/errors.hpp"

namespace nn {

namespace {

const char* const kInstallHint =
    "install Debian's dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist) "
    "or pass --data DIR with IDX files";

constexpr int kMaxDims = 4;
constexpr uint64_t kMaxBytes = uint64_t{1} << 31;  // more than any real IDX file holds

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw DataError(path + ": " + problem);
}

std::string hex_byte(unsigned value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", value & 0xFFu);
    return text;
}

struct GzCloser {
    void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads up to `size` bytes; fewer only at the end of the data. A corrupt or cut
// gzip stream is an error of its own, not a short read.
size_t read_bytes(gzFile file, const std::string& path, uint8_t* out, size_t size) {
    size_t total = 0;
    while (total < size) {
        unsigned chunk = static_cast<unsigned>(std::min<size_t>(size - total, 1u << 30));
        int got = gzread(file, out + total, chunk);
        int status = Z_OK;
        const char* message = gzerror(file, &status);
        if (got < 0 || (status != Z_OK && status != Z_STREAM_END))
            fail(path, std::string("corrupt or cut-off gzip data (zlib: ") + message + ")");
        if (got == 0) break;
        total += static_cast<size_t>(got);
    }
    return total;
}

GzFile open_idx(const std::string& path) {
    std::error_code ignored;
    if (!std::filesystem::exists(path, ignored)) fail(path, std::string("no such file; ") + kInstallHint);
    if (std::filesystem::is_directory(path, ignored)) fail(path, "is a directory, not an IDX file");
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file) fail(path, "cannot be opened for reading");
    return file;
}

// The header: 0x00 0x00, the element type, the number of dimensions, then each
// dimension as a big-endian 32-bit integer.
std::vector<size_t> read_header(gzFile file, const std::string& path) {
    uint8_t magic[4];
    if (read_bytes(file, path, magic, 4) < 4) fail(path, "too short to hold an IDX header");
    if (magic[0] != 0 || magic[1] != 0)
        fail(path, "not an IDX file: its magic number starts " + hex_byte(magic[0]) + " " +
                       hex_byte(magic[1]) + ", expected 0x00 0x00");
    if (magic[2] != 0x08)
        fail(path, "unsupported element type " + hex_byte(magic[2]) +
                       ", only unsigned bytes (0x08) are supported");
    const int rank = magic[3];
    if (rank < 1 || rank > kMaxDims)
        fail(path, "has " + std::to_string(rank) + " dimensions, expected 1 to " +
                       std::to_string(kMaxDims));
    std::vector<size_t> dims(rank);
    for (int axis = 0; axis < rank; ++axis) {
        uint8_t be[4];
        if (read_bytes(file, path, be, 4) < 4) fail(path, "truncated in its header");
        dims[axis] = (size_t{be[0]} << 24) | (size_t{be[1]} << 16) | (size_t{be[2]} << 8) | be[3];
        if (dims[axis] == 0) fail(path, "dimension " + std::to_string(axis) + " is 0");
    }
    return dims;
}

std::string dims_string(const std::vector<size_t>& dims) {
    std::string text = "[";
    for (size_t axis = 0; axis < dims.size(); ++axis)
        text += (axis ? ", " : "") + std::to_string(dims[axis]);
    return text + "]";
}

size_t checked_product(const std::vector<size_t>& dims, const std::string& path) {
    uint64_t product = 1;
    for (size_t extent : dims) {
        product *= extent;  // each extent < 2^32 and product < 2^31 so far: no overflow
        if (product >= kMaxBytes)
            fail(path, "dimensions " + dims_string(dims) + " announce 2^31 bytes or more");
    }
    return static_cast<size_t>(product);
}

size_t count_remaining_bytes(gzFile file, const std::string& path) {
    uint8_t buffer[4096];
    size_t count = 0;
    while (size_t got = read_bytes(file, path, buffer, sizeof buffer)) count += got;
    return count;
}

}  // namespace

IdxArray read_idx(const std::string& path) {
    GzFile file = open_idx(path);
    IdxArray array;
    array.dims = read_header(file.get(), path);
    const size_t expected = checked_product(array.dims, path);
    // The header's count is not trusted with memory: the data is read in chunks that
    // double from 64 KB (up to 16 MB) and the buffer grows only as far as the data really
    // goes, so a 16-byte file that announces 2 GB of images fails as truncated after
    // allocating 64 KB, not 2 GB.
    constexpr size_t kFirstChunk = size_t{1} << 16, kLargestChunk = size_t{1} << 24;
    size_t found = 0;
    while (found < expected) {
        const size_t want = std::min({std::max(kFirstChunk, found), kLargestChunk, expected - found});
        array.bytes.resize(found + want);
        const size_t got = read_bytes(file.get(), path, array.bytes.data() + found, want);
        found += got;
        if (got < want) break;
    }
    array.bytes.resize(found);
    if (found < expected)
        fail(path, "truncated: expected " + std::to_string(expected) + " bytes of data, found " +
                       std::to_string(found));
    if (size_t extra = count_remaining_bytes(file.get(), path))
        fail(path, "has " + std::to_string(extra) + " bytes after the data its header announces");
    return array;
}

ImageSet load_idx_images(const std::string& images_path, const std::string& labels_path) {
    IdxArray images = read_idx(images_path);
    IdxArray labels = read_idx(labels_path);
    if (images.dims.size() != 3)
        fail(images_path, "expected 3 dimensions (images, rows, columns), found " +
                              dims_string(images.dims));
    if (labels.dims.size() != 1)
        fail(labels_path, "expected 1 dimension (labels), found " + dims_string(labels.dims));
    const size_t n = images.dims[0];
    if (labels.dims[0] != n)
        fail(labels_path, "holds " + std::to_string(labels.dims[0]) + " labels but " +
                              images_path + " holds " + std::to_string(n) + " images");

    ImageSet set;
    set.rows = images.dims[1];
    set.cols = images.dims[2];
    set.images = Tensor({n, set.rows * set.cols});
    for (size_t i = 0; i < images.bytes.size(); ++i) set.images[i] = images.bytes[i] / 255.0f;
    set.labels.resize(n);
    for (size_t i = 0; i < n; ++i) {
        if (labels.bytes[i] >= 10)
            fail(labels_path, "label " + std::to_string(labels.bytes[i]) + " at index " +
                                  std::to_string(i) + " is out of range, expected 0 to 9");
        set.labels[i] = labels.bytes[i];
    }
    return set;
}

namespace {

// dir/name.gz if it exists, else dir/name (plain IDX), else an error with the install hint.
std::string find_idx_file(const std::string& dir, const std::string& name) {
    const std::filesystem::path base = std::filesystem::path(dir) / name;
    std::error_code ignored;
    for (const std::string& candidate : {base.string() + ".gz", base.string()})
        if (std::filesystem::is_regular_file(candidate, ignored)) return candidate;
    fail(base.string() + ".gz", std::string("no such file (nor without .gz); ") + kInstallHint);
}

}  // namespace

ImageSet load_image_set(const std::string& dir, Split split) {
    std::error_code ignored;
    if (!std::filesystem::is_directory(dir, ignored))
        fail(dir, std::string("no such data folder; ") + kInstallHint);
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    const std::string images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
    const std::string labels = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
    return load_idx_images(images, labels);
}

TrainTest load_train_test(const std::string& dir) {
    TrainTest sets{load_image_set(dir, Split::Train), load_image_set(dir, Split::Test)};
    if (sets.train.rows != sets.test.rows || sets.train.cols != sets.test.cols)
        fail(dir, "its test images are " + std::to_string(sets.test.rows) + "x" + std::to_string(sets.test.cols) +
                      " but its training images " + std::to_string(sets.train.rows) + "x" +
                      std::to_string(sets.train.cols) + ": a data folder must hold one data set");
    return sets;
}

void require_pixels(const ImageSet& set, size_t pixels, const std::string& program, const std::string& dir) {
    if (set.rows * set.cols != pixels)
        fail(dir, "holds " + std::to_string(set.rows) + "x" + std::to_string(set.cols) + " images, but " + program +
                      " is built for images of " + std::to_string(pixels) + " pixels (28x28, as Fashion-MNIST and MNIST)");
}

const std::array<std::string, 10>& fashion_mnist_class_names() {
    static const std::array<std::string, 10> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

std::vector<std::string> class_names_of(const std::string& data_dir) {
    if (data_dir.find("fashion") != std::string::npos) {
        const auto& names = fashion_mnist_class_names();
        return {names.begin(), names.end()};
    }
    std::vector<std::string> digits;
    for (int c = 0; c < 10; ++c) digits.push_back(std::to_string(c));
    return digits;
}

ImageSet first_images(const ImageSet& set, size_t n) { return rows_of(set, 0, std::min(n, set.size())); }

ImageSet rows_of(const ImageSet& set, size_t begin, size_t end) {
    if (begin > end || end > set.size())
        throw std::out_of_range("rows_of: examples [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") of a set of " + std::to_string(set.size()));
    const size_t d = set.images.dim(1);
    ImageSet part;
    part.rows = set.rows;
    part.cols = set.cols;
    part.images = Tensor({end - begin, d});
    std::copy(set.images.data() + begin * d, set.images.data() + end * d, part.images.data());
    part.labels.assign(set.labels.begin() + long(begin), set.labels.begin() + long(end));
    return part;
}

}  // namespace nn
