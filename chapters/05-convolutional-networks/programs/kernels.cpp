// Chapter 5, program: what a convolution does, with kernels set by hand rather than
// learned. Three experiments on Fashion-MNIST test images:
//
//   kernels        edge detectors (Prewitt, Sobel), a blur and a sharpen applied by
//                  conv2d_forward, the images they make shown side by side
//   equivariance   the convolution of a shifted image is the shifted convolution, to
//                  the last bit away from the border; after a max pool of 2, only for
//                  shifts by a multiple of 2: measured
//   receptive      the input pixels that can move one unit of each layer of the
//                  chapter's LeNet, found by nudging every pixel, drawn on an image
//
//   build/release/bin/05-convolutional-networks/kernels [--image 0] [--shift 3]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/idx.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"

namespace {

using cnn::Tensor;

const size_t kSide = 28;

struct HandKernel {
    std::string name;
    std::vector<float> weights;  // 3 x 3, row-major
    bool signed_response;        // an edge detector: shown as |response|
};

const std::vector<HandKernel>& hand_kernels() {
    static const std::vector<HandKernel> all{
        {"Prewitt, vertical edges", {-1, 0, 1, -1, 0, 1, -1, 0, 1}, true},
        {"Prewitt, horizontal edges", {-1, -1, -1, 0, 0, 0, 1, 1, 1}, true},
        {"Sobel x", {-1, 0, 1, -2, 0, 2, -1, 0, 1}, true},
        {"Sobel y", {-1, -2, -1, 0, 0, 0, 1, 2, 1}, true},
        {"blur (box 3x3)", {1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f}, false},
        {"sharpen", {0, -1, 0, -1, 5, -1, 0, -1, 0}, false},
    };
    return all;
}

// One 3 x 3 kernel as a layer: one input channel, one output, padding 1 keeps 28 x 28.
cnn::Conv2d conv_of(const std::vector<float>& weights) {
    cnn::Conv2d conv;
    conv.K = Tensor({1, 1, 3, 3});
    std::copy(weights.begin(), weights.end(), conv.K.data());
    conv.b = {0.0f};
    conv.padding = 1;
    return conv;
}

Tensor image_batch(const nn::ImageSet& set, size_t i) {
    Tensor X({1, 1, kSide, kSide});
    auto pixels = set.images.row(i);
    std::copy(pixels.begin(), pixels.end(), X.data());
    return X;
}

// For the gray palette (0 black .. 1 white): |response| scaled to the largest for an
// edge detector, the response clamped to [0, 1] otherwise.
nn::Image shown(const Tensor& Y, bool signed_response, const std::string& title) {
    std::vector<float> pixels(Y.span().begin(), Y.span().end());
    if (signed_response) {
        float largest = 1e-6f;
        for (float& p : pixels) largest = std::max(largest, p = std::fabs(p));
        for (float& p : pixels) p /= largest;
    } else {
        for (float& p : pixels) p = std::clamp(p, 0.0f, 1.0f);
    }
    return {Y.dim(2), Y.dim(3), std::move(pixels), title};
}

void plot_kernels(const nn::ImageSet& test, const std::vector<size_t>& images, const std::vector<std::string>& names,
                  nn::Outputs& out) {
    std::vector<nn::Image> grid;
    cnn::ConvWorkspace work;
    Tensor Y;
    for (size_t i : images) {
        Tensor X = image_batch(test, i);
        grid.push_back(shown(X, false, names[size_t(test.labels[i])]));
        for (const HandKernel& k : hand_kernels()) {
            cnn::conv2d_forward(conv_of(k.weights), X, Y, work);
            grid.push_back(shown(Y, k.signed_response, k.name));
        }
    }
    const int columns = int(hand_kernels().size() + 1);
    nn::save_image_grid(grid, columns, out.path("kernels.png"), nn::Palette::Gray,
                        "Six kernels set by hand, slid over Fashion-MNIST test images (edge detectors: |response|)",
                        {1600, int(120 + 230 * images.size())});
    out.figure("kernels.png",
               "Each row: a test image, then what six 3x3 kernels make of it. The Prewitt and Sobel kernels "
               "respond where the brightness changes across their axis (white: a strong edge, of either "
               "sign): vertical edges light up the sides of a trouser leg, horizontal ones a hem or a "
               "shoulder. The blur averages each pixel with its neighbours; the sharpen adds the pixel's "
               "difference from them.");
}

// X shifted down by dy and right by dx, zeros coming in.
Tensor shifted(const Tensor& X, size_t dy, size_t dx) {
    Tensor S(X.shape());
    for (size_t y = dy; y < kSide; ++y)
        for (size_t x = dx; x < kSide; ++x) S(0, 0, y, x) = X(0, 0, y - dy, x - dx);
    return S;
}

// The largest |A(y + dy, x + dx) - B(y, x)| over the cells of A that have both (a shift
// of `step` in B's cells is dy / step in A's), leaving out `margin` cells at each border,
// where zeros came in and where the padding differs.
double shift_error(const Tensor& shifted_output, const Tensor& output, size_t dy, size_t dx, size_t margin) {
    const size_t H = output.dim(2), W = output.dim(3);
    double worst = 0;
    for (size_t y = margin; y + dy + margin < H; ++y)
        for (size_t x = margin; x + dx + margin < W; ++x)
            worst = std::max(worst, double(std::fabs(shifted_output(0, 0, y + dy, x + dx) - output(0, 0, y, x))));
    return worst;
}

struct Equivariance {
    double conv = 0, pooled_even = 0, pooled_odd = 0;
};

// Sobel x on an image and on its shifts: the convolution commutes with the shift; after a
// max pool of 2, a shift by 2 pixels is a shift by 1 cell of the pooled map, but a shift
// by 1 pixel regroups the windows and is no shift of it at all.
Equivariance measure_equivariance(const Tensor& X, size_t shift, nn::Outputs& out) {
    const cnn::Conv2d sobel = conv_of(hand_kernels()[2].weights);
    cnn::ConvWorkspace work;
    Tensor Y, Y_shifted, P, P_even, P_odd;
    std::vector<uint32_t> argmax;
    const Tensor X_shifted = shifted(X, shift, shift);
    cnn::conv2d_forward(sobel, X, Y, work);
    cnn::conv2d_forward(sobel, X_shifted, Y_shifted, work);
    Equivariance e;
    e.conv = shift_error(Y_shifted, Y, shift, shift, 1);

    Tensor Y_even, Y_odd;
    cnn::conv2d_forward(sobel, shifted(X, 2, 2), Y_even, work);
    cnn::conv2d_forward(sobel, shifted(X, 1, 1), Y_odd, work);
    cnn::max_pool_forward(Y, 2, 2, P, argmax);
    cnn::max_pool_forward(Y_even, 2, 2, P_even, argmax);
    cnn::max_pool_forward(Y_odd, 2, 2, P_odd, argmax);
    e.pooled_even = shift_error(P_even, P, 1, 1, 1);
    e.pooled_odd = std::min(shift_error(P_odd, P, 0, 0, 1), shift_error(P_odd, P, 1, 1, 1));

    Tensor difference(Y.shape());
    for (size_t y = shift; y < kSide; ++y)
        for (size_t x = shift; x < kSide; ++x)
            difference(0, 0, y, x) = Y_shifted(0, 0, y, x) - Y(0, 0, y - shift, x - shift);
    const std::string by = std::to_string(shift);
    nn::save_image_grid({shown(X, false, "the image x"), shown(X_shifted, false, "x shifted by (" + by + ", " + by + ")"),
                         shown(Y, true, "Sobel x of x"), shown(Y_shifted, true, "Sobel x of the shifted x"),
                         shown(difference, true, "the second less the first, shifted")},
                        5, out.path("kernels_equivariance.png"), nn::Palette::Gray,
                        "Convolution commutes with shifts: conv(shift(x)) = shift(conv(x))", {1600, 420});
    out.figure("kernels_equivariance.png",
               "An image, the image shifted " + by + " pixels down and right, the Sobel x response of each, and "
               "the difference between the second response and the first one shifted: black (0) everywhere "
               "but along the border where zeros came in, because every output cell computes the same "
               "weighted sum of the cells under it, wherever it is.");
    return e;
}

// The receptive field of the unit at the centre of each layer's maps: the input pixels
// whose nudge changes it. Pooling averages here and every weight is made positive, so
// that no ReLU is off, no two paths cancel and no maximum hides a pixel: the field is the
// geometry, which max pooling shares (it reads the same cells and keeps one).
struct Field {
    std::string layer;
    size_t rows = 0, cols = 0;  // the extent of the changed pixels
    std::vector<float> mask;    // 784, 1 where a nudge moved the unit
};

std::vector<Field> receptive_fields(nn::Rng& rng) {
    cnn::Net net = cnn::make_net("conv5x5x20-avgpool2-conv5x5x40-avgpool2-dense10", {1, kSide, kSide}, rng);
    for (cnn::Layer& layer : net.layers)
        if (layer.kind == cnn::Kind::Conv)
            for (float& k : layer.conv.K.span()) k = std::fabs(k);
    const std::vector<size_t> layers{0, 2, 3, 5};  // conv1, pool1, conv2, pool2: indices into net.layers
    const std::vector<std::string> names{"conv1 (5x5)", "pool1", "conv2 (5x5)", "pool2"};
    Tensor X({1, kSide * kSide}, 0.5f);
    cnn::Pass base, nudged;
    cnn::forward(net, X, cnn::Mode::Infer, base);
    std::vector<Field> fields(layers.size());
    for (size_t f = 0; f < layers.size(); ++f) fields[f] = {names[f], 0, 0, std::vector<float>(kSide * kSide, 0.0f)};
    for (size_t pixel = 0; pixel < kSide * kSide; ++pixel) {
        X[pixel] += 1.0f;
        cnn::forward(net, X, cnn::Mode::Infer, nudged);
        X[pixel] -= 1.0f;
        for (size_t f = 0; f < layers.size(); ++f) {
            const Tensor& a = base.acts[layers[f] + 1];
            const Tensor& b = nudged.acts[layers[f] + 1];
            const size_t centre = (a.dim(2) / 2) * a.dim(3) + a.dim(3) / 2;  // channel 0, the middle unit
            if (a[centre] != b[centre]) fields[f].mask[pixel] = 1.0f;
        }
    }
    for (Field& field : fields) {
        size_t top = kSide, bottom = 0, left = kSide, right = 0;
        for (size_t p = 0; p < kSide * kSide; ++p)
            if (field.mask[p] > 0) {
                top = std::min(top, p / kSide), bottom = std::max(bottom, p / kSide);
                left = std::min(left, p % kSide), right = std::max(right, p % kSide);
            }
        field.rows = bottom >= top ? bottom - top + 1 : 0;
        field.cols = right >= left ? right - left + 1 : 0;
    }
    return fields;
}

void plot_fields(const std::vector<Field>& fields, const Tensor& X, nn::Outputs& out) {
    std::vector<nn::Image> panels;
    for (const Field& field : fields) {
        std::vector<float> pixels(kSide * kSide);
        for (size_t p = 0; p < pixels.size(); ++p) pixels[p] = 0.25f * X[p] + 0.75f * field.mask[p];
        panels.push_back({kSide, kSide, std::move(pixels),
                          field.layer + ": " + std::to_string(field.rows) + "x" + std::to_string(field.cols)});
    }
    nn::save_image_grid(panels, int(panels.size()), out.path("kernels_receptive_field.png"), nn::Palette::Gray,
                        "The input pixels that reach the middle unit of each layer of the LeNet-style net", {1500, 480});
    out.figure("kernels_receptive_field.png",
               "The receptive field of one unit, the middle one of its maps, after each layer of the chapter's "
               "net: the bright square is every input pixel whose change moves that unit (found by nudging "
               "the pixels one at a time). A 5x5 convolution sees 5x5 pixels; pooling by 2 adds one pixel and "
               "doubles the step, so the second 5x5 convolution sees 6 + 4 x 2 = 14, and its pooling 16: "
               "more than half the image, from kernels of 25 weights.");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("kernels", "Kernels set by hand on Fashion-MNIST, equivariance and receptive fields",
                    "out/05-convolutional-networks");
        cli.add_data();
        int first = 0, shift = 3;
        cli.option("image", first, "the first of the test images shown", nn::between(0, 9990));
        cli.option("shift", shift, "pixels to shift the image by in the equivariance experiment", nn::between(1, 10));
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::TrainTest sets = nn::load_train_test(opt.data);
        nn::require_pixels(sets.test, kSide * kSide, "kernels", opt.data);
        if (size_t(first) + 4 > sets.test.size())
            throw nn::UsageError("--image " + std::to_string(first) + ": the test set has " +
                                 std::to_string(sets.test.size()) + " images, and 4 are shown");
        nn::Outputs out(opt, "kernels");
        nn::Rng rng(opt.seed);
        const std::vector<std::string> names = nn::class_names_of(opt.data);
        std::vector<size_t> images;
        for (size_t i = 0; i < 4; ++i) images.push_back(size_t(first) + i);

        plot_kernels(sets.test, images, names, out);
        Equivariance e = measure_equivariance(image_batch(sets.test, size_t(first)), size_t(shift), out);
        std::printf("equivariance, the largest |conv(shift(x)) - shift(conv(x))| away from the border:\n"
                    "  convolution, shift by %d:          %g\n"
                    "  after max pool 2, shift by 2:      %g\n"
                    "  after max pool 2, shift by 1:      %g  (no shift of the pooled map matches)\n",
                    shift, e.conv, e.pooled_even, e.pooled_odd);
        std::vector<Field> fields = receptive_fields(rng);
        std::printf("receptive field of the middle unit:");
        for (const Field& f : fields) std::printf("  %s %zux%zu", f.layer.c_str(), f.rows, f.cols);
        std::printf("\n");
        Tensor X = image_batch(sets.test, size_t(first));
        plot_fields(fields, X, out);
        out.result({{"conv_shift_error", nn::significant(e.conv)},
                    {"pooled_even_shift_error", nn::significant(e.pooled_even)},
                    {"pooled_odd_shift_error", nn::significant(e.pooled_odd, 3)},
                    {"field_conv1", std::to_string(fields[0].rows)},
                    {"field_pool1", std::to_string(fields[1].rows)},
                    {"field_conv2", std::to_string(fields[2].rows)},
                    {"field_pool2", std::to_string(fields[3].rows)}});
    });
}
