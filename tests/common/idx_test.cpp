#include "common/idx.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <new>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/errors.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// An IDX file's bytes: magic 0x00 0x00 type rank, big-endian dimensions, data.
Bytes idx_bytes(const std::vector<uint32_t>& dims, const Bytes& data, uint8_t type = 0x08) {
    Bytes out = {0, 0, type, uint8_t(dims.size())};
    for (uint32_t d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(d >> shift));
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

Bytes counting(size_t n) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) data[i] = uint8_t(i);
    return data;
}

class IdxFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::path(::testing::TempDir()) / "idx_test_XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write_plain(const std::string& name, const Bytes& bytes) {
        std::string path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        return path;
    }
    std::string write_gzipped(const std::string& name, const Bytes& bytes) {
        std::string path = (dir_ / name).string();
        gzFile file = gzopen(path.c_str(), "wb");
        EXPECT_NE(file, nullptr);
        EXPECT_EQ(gzwrite(file, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
        gzclose(file);
        return path;
    }

    fs::path dir_;
};

// The message of the DataError that `read` throws, or "" if it throws none.
std::string data_error(const std::function<void()>& read) {
    try {
        read();
    } catch (const nn::DataError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST_F(IdxFiles, ReadsAPlainFile) {
    std::string path = write_plain("a.idx", idx_bytes({2, 3}, counting(6)));
    nn::IdxArray array = nn::read_idx(path);
    EXPECT_EQ(array.dims, (std::vector<size_t>{2, 3}));
    EXPECT_EQ(array.bytes, counting(6));
}

TEST_F(IdxFiles, ReadsAGzippedFile) {
    std::string path = write_gzipped("a.idx.gz", idx_bytes({4, 2, 300}, counting(2400)));
    nn::IdxArray array = nn::read_idx(path);
    EXPECT_EQ(array.dims, (std::vector<size_t>{4, 2, 300}));
    EXPECT_EQ(array.bytes, counting(2400));
}

TEST_F(IdxFiles, MissingFileIsNamedWithTheInstallHint) {
    std::string path = (dir_ / "nothing.gz").string();
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": no such file")) << message;
    EXPECT_TRUE(contains(message, "apt-get install dataset-fashion-mnist")) << message;
}

TEST_F(IdxFiles, WrongMagicIsRejected) {
    Bytes bytes = idx_bytes({3}, counting(3));
    bytes[0] = 0x1f;
    std::string path = write_plain("magic.idx", bytes);
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": not an IDX file")) << message;
}

TEST_F(IdxFiles, UnsupportedElementTypeIsRejected) {
    std::string path = write_plain("float.idx", idx_bytes({3}, counting(12), 0x0D));
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": unsupported element type 0x0D")) << message;
}

TEST_F(IdxFiles, BadDimensionsAreRejected) {
    std::string zero = write_plain("zero.idx", idx_bytes({2, 0}, {}));
    EXPECT_TRUE(contains(data_error([&] { nn::read_idx(zero); }), "dimension 1 is 0"));
    std::string five = write_plain("five.idx", idx_bytes({1, 1, 1, 1, 1}, counting(1)));
    EXPECT_TRUE(contains(data_error([&] { nn::read_idx(five); }), "has 5 dimensions"));
    std::string huge = write_plain("huge.idx", idx_bytes({65536, 65536}, {}));
    EXPECT_TRUE(contains(data_error([&] { nn::read_idx(huge); }), huge + ": dimensions"));
}

TEST_F(IdxFiles, TruncatedDataIsRejected) {
    std::string path = write_gzipped("short.idx.gz", idx_bytes({2, 3}, counting(4)));
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": truncated: expected 6 bytes of data, found 4"))
        << message;
}

// Reads an IDX file with the address space capped at 1 GB and exits: 0 with the
// DataError's message on stderr, 3 on std::bad_alloc. Run by a death test's child.
[[noreturn]] void read_with_one_gigabyte(const std::string& path) {
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = rlim_t{1} << 30;
    setrlimit(RLIMIT_AS, &limit);
    try {
        nn::read_idx(path);
    } catch (const nn::DataError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::exit(0);
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "bad_alloc\n");
        std::exit(3);
    }
    std::exit(4);
}

TEST_F(IdxFiles, AHeaderAnnouncingMoreThanTheFileHoldsIsRefusedWithoutAllocatingIt) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: no room for a memory limit";
#else
    // 16 bytes that announce 2,700,000 images of 28 x 28: 2.1 GB the file does not have.
    // Read in a child process whose address space is capped at 1 GB: a reader that
    // trusted the header would die of std::bad_alloc there.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    for (const std::string& path : {write_plain("huge.idx", idx_bytes({2700000, 28, 28}, {})),
                                    write_gzipped("huge.idx.gz", idx_bytes({2700000, 28, 28}, counting(100)))}) {
        EXPECT_EXIT(read_with_one_gigabyte(path),
            testing::ExitedWithCode(0), "truncated: expected 2116800000 bytes of data");
    }
#endif
}

TEST_F(IdxFiles, CutOffGzipStreamIsRejected) {
    std::string path = write_gzipped("cut.idx.gz", idx_bytes({100, 100}, counting(10000)));
    fs::resize_file(path, fs::file_size(path) / 2);
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": corrupt or cut-off gzip data")) << message;
}

TEST_F(IdxFiles, BytesAfterTheDataAreRejected) {
    std::string path = write_plain("long.idx", idx_bytes({2, 3}, counting(8)));
    std::string message = data_error([&] { nn::read_idx(path); });
    EXPECT_TRUE(contains(message, path + ": has 2 bytes after the data its header announces"))
        << message;
}

TEST_F(IdxFiles, ImagesAreScaledToTheUnitInterval) {
    std::string images = write_plain("i.idx", idx_bytes({2, 1, 2}, {0, 255, 51, 102}));
    std::string labels = write_plain("l.idx", idx_bytes({2}, {9, 0}));
    nn::ImageSet set = nn::load_idx_images(images, labels);
    EXPECT_EQ(set.size(), 2u);
    EXPECT_EQ(set.rows, 1u);
    EXPECT_EQ(set.cols, 2u);
    EXPECT_EQ(set.images.shape_string(), "[2, 2]");
    EXPECT_FLOAT_EQ(set.images(0, 1), 1.0f);
    EXPECT_FLOAT_EQ(set.images(1, 0), 0.2f);
    EXPECT_EQ(set.labels, (std::vector<int>{9, 0}));
}

TEST_F(IdxFiles, LabelCountMustMatchImageCount) {
    std::string images = write_plain("i.idx", idx_bytes({3, 2, 2}, counting(12)));
    std::string labels = write_plain("l.idx", idx_bytes({2}, {1, 2}));
    std::string message = data_error([&] { nn::load_idx_images(images, labels); });
    EXPECT_TRUE(contains(message, labels + ": holds 2 labels but")) << message;
}

TEST_F(IdxFiles, LabelsOutOfRangeAreRejected) {
    std::string images = write_plain("i.idx", idx_bytes({2, 1, 1}, counting(2)));
    std::string labels = write_plain("l.idx", idx_bytes({2}, {3, 10}));
    std::string message = data_error([&] { nn::load_idx_images(images, labels); });
    EXPECT_TRUE(contains(message, labels + ": label 10 at index 1 is out of range")) << message;
}

TEST_F(IdxFiles, ImagesMustHaveThreeDimensions) {
    std::string images = write_plain("i.idx", idx_bytes({2, 4}, counting(8)));
    std::string labels = write_plain("l.idx", idx_bytes({2}, {1, 2}));
    std::string message = data_error([&] { nn::load_idx_images(images, labels); });
    EXPECT_TRUE(contains(message, images + ": expected 3 dimensions")) << message;
}

TEST_F(IdxFiles, ImageSetFindsPlainFilesWhenNoGzippedOnesExist) {
    write_plain("t10k-images-idx3-ubyte", idx_bytes({1, 2, 2}, counting(4)));
    write_plain("t10k-labels-idx1-ubyte", idx_bytes({1}, {7}));
    nn::ImageSet set = nn::load_image_set(dir_.string(), nn::Split::Test);
    EXPECT_EQ(set.labels, (std::vector<int>{7}));
    std::string message = data_error([&] { nn::load_image_set(dir_.string(), nn::Split::Train); });
    EXPECT_TRUE(contains(message, "train-images-idx3-ubyte.gz: no such file")) << message;
}

TEST_F(IdxFiles, TrainingAndTestImagesMustBeOfOneSize) {
    write_plain("train-images-idx3-ubyte", idx_bytes({2, 2, 2}, counting(8)));
    write_plain("train-labels-idx1-ubyte", idx_bytes({2}, {1, 2}));
    write_plain("t10k-images-idx3-ubyte", idx_bytes({1, 3, 3}, counting(9)));
    write_plain("t10k-labels-idx1-ubyte", idx_bytes({1}, {7}));
    std::string message = data_error([&] { nn::load_train_test(dir_.string()); });
    EXPECT_TRUE(contains(message, "its test images are 3x3 but its training images 2x2")) << message;
    write_plain("t10k-images-idx3-ubyte", idx_bytes({1, 2, 2}, counting(4)));
    nn::TrainTest sets = nn::load_train_test(dir_.string());
    EXPECT_EQ(sets.train.size(), 2u);
    EXPECT_EQ(sets.test.labels, (std::vector<int>{7}));
    message = data_error([&] { nn::require_pixels(sets.train, 784, "epoch_bench", dir_.string()); });
    EXPECT_TRUE(contains(message, "holds 2x2 images, but epoch_bench is built for images of 784 pixels")) << message;
}

TEST_F(IdxFiles, MissingDataFolderSaysHowToGetTheData) {
    std::string missing = (dir_ / "no-such-folder").string();
    std::string message = data_error([&] { nn::load_image_set(missing, nn::Split::Train); });
    EXPECT_TRUE(contains(message, missing + ": no such data folder")) << message;
    EXPECT_TRUE(contains(message, "--data DIR")) << message;
}

TEST(FashionMnist, TestSplitHasTenThousandImagesOfTwentyEightSquare) {
    if (!fs::is_directory(nn::kFashionMnistDir)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
    nn::ImageSet set = nn::load_image_set(nn::kFashionMnistDir, nn::Split::Test);
    EXPECT_EQ(set.size(), 10000u);
    EXPECT_EQ(set.rows, 28u);
    EXPECT_EQ(set.cols, 28u);
    EXPECT_EQ(set.images.shape_string(), "[10000, 784]");
    for (int label : set.labels) ASSERT_TRUE(label >= 0 && label < 10);
    float lowest = 1, highest = 0;
    for (float x : set.images.span()) lowest = std::min(lowest, x), highest = std::max(highest, x);
    EXPECT_EQ(lowest, 0.0f);
    EXPECT_EQ(highest, 1.0f);
}

TEST(FashionMnist, ClassNamesAreTheTenClothingKinds) {
    const auto& names = nn::fashion_mnist_class_names();
    EXPECT_EQ(names[0], "T-shirt/top");
    EXPECT_EQ(names[9], "Ankle boot");
}

}  // namespace

TEST(ImageSets, FirstImagesCopiesTheFirstRowsAndLabels) {
    nn::ImageSet set;
    set.rows = 1, set.cols = 2;
    set.images = nn::Tensor({3, 2});
    for (size_t i = 0; i < 6; ++i) set.images[i] = float(i);
    set.labels = {7, 8, 9};
    nn::ImageSet head = nn::first_images(set, 2);
    ASSERT_EQ(head.images.shape(), (std::vector<size_t>{2, 2}));
    EXPECT_EQ(head.images[3], 3.0f);
    EXPECT_EQ(head.labels, (std::vector<int>{7, 8}));
    EXPECT_EQ(head.rows, 1u);
    EXPECT_EQ(head.cols, 2u);
    EXPECT_EQ(nn::first_images(set, 10).size(), 3u) << "asking for more than there are gives all";
}

TEST(ImageSets, RowsOfCopiesAMiddleRangeAndRefusesOneOutsideTheSet) {
    nn::ImageSet set;
    set.rows = 1, set.cols = 2;
    set.images = nn::Tensor({4, 2});
    for (size_t i = 0; i < 8; ++i) set.images[i] = float(i);
    set.labels = {6, 7, 8, 9};
    nn::ImageSet middle = nn::rows_of(set, 1, 3);
    ASSERT_EQ(middle.images.shape(), (std::vector<size_t>{2, 2}));
    EXPECT_EQ(middle.images[0], 2.0f);  // row 1 first, not row 0
    EXPECT_EQ(middle.images[3], 5.0f);  // row 2 last, not row 3
    EXPECT_EQ(middle.labels, (std::vector<int>{7, 8}));
    EXPECT_EQ(middle.rows, 1u);
    EXPECT_EQ(middle.cols, 2u);
    EXPECT_EQ(nn::rows_of(set, 4, 4).size(), 0u);
    EXPECT_EQ(nn::rows_of(set, 0, 4).labels, set.labels);
    EXPECT_THROW(nn::rows_of(set, 2, 5), std::out_of_range);
    EXPECT_THROW(nn::rows_of(set, 3, 2), std::out_of_range);
}

TEST(ImageSets, ClassNamesAreFashionsOnlyForAFashionFolder) {
    EXPECT_EQ(nn::class_names_of(nn::kFashionMnistDir)[9], "Ankle boot");
    std::vector<std::string> digits = nn::class_names_of("/data/mnist");
    ASSERT_EQ(digits.size(), 10u);
    EXPECT_EQ(digits[0], "0");
    EXPECT_EQ(digits[9], "9");
}
