#pragma once
// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// a magic number 0x0000 0x08 D (unsigned bytes, D dimensions), D big-endian
// 32-bit sizes, then the bytes. Files may be gzipped or plain; zlib reads both.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/tensor.hpp"

namespace nn {

struct IdxArray {
    std::vector<size_t> dims;
    std::vector<uint8_t> bytes;  // product(dims) of them
};

// Throws DataError naming the file and the problem: missing, wrong magic,
// unsupported element type, truncated, or longer than its dimensions say.
IdxArray read_idx(const std::string& path);

struct ImageSet {
    Tensor images;            // [n, rows * cols], pixel / 255 in [0, 1]
    std::vector<int> labels;  // n labels in [0, 10)
    size_t rows = 0, cols = 0;
    size_t size() const { return labels.size(); }
};

// An images file (3 dimensions) with its labels file (1 dimension, same n).
ImageSet load_idx_images(const std::string& images_path, const std::string& labels_path);

enum class Split { Train, Test };

// Loads train-images-idx3-ubyte[.gz] / t10k-... from dir. A missing dir or file
// throws DataError that says how to get the data (apt-get install
// dataset-fashion-mnist, or --data DIR for any IDX set such as MNIST).
ImageSet load_image_set(const std::string& dir, Split split);

// Both splits of dir, which must hold images of one size: a test set of 32x32 images
// beside 28x28 training images is a DataError that names both sizes, not a network
// fed the wrong number of inputs.
struct TrainTest {
    ImageSet train, test;
};
TrainTest load_train_test(const std::string& dir);

// Throws DataError unless the set's images have `pixels` pixels ("<program> is built for
// 28x28 images (784 pixels); <dir> holds 32x32"): for a program whose networks are fixed.
void require_pixels(const ImageSet& set, size_t pixels, const std::string& program, const std::string& dir);

// Where Debian's dataset-fashion-mnist puts the files.
inline const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

const std::array<std::string, 10>& fashion_mnist_class_names();

// Fashion-MNIST's names when data_dir looks like Fashion-MNIST's, else the digits
// "0" .. "9" (MNIST and the other IDX sets given with --data).
std::vector<std::string> class_names_of(const std::string& data_dir);

// The first n examples of a set (all of them if it has fewer), copied: the subsets
// that --quick and the smaller demos train on.
ImageSet first_images(const ImageSet& set, size_t n);
// Examples [begin, end) of a set, copied: a validation split held out of the training
// images. Throws std::out_of_range unless begin <= end <= set.size().
ImageSet rows_of(const ImageSet& set, size_t begin, size_t end);

}  // namespace nn
