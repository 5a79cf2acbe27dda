// Chapter 5, the given half of conv.hpp: making layers, their shapes, and the fast path
// of the convolution (im2col + nn::gemm). The loops it must agree with are exercises
// 5.2 and 5.3.
#include <algorithm>
#include <cmath>
#include <string>

#include "05-convolutional-networks/conv.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"

namespace cnn {

Conv2d make_conv(size_t in_channels, size_t out_channels, size_t kernel, size_t stride,
                 size_t padding, nn::Rng& rng) {
    if (in_channels == 0 || out_channels == 0 || kernel == 0 || stride == 0)
        throw nn::UsageError("a convolution needs at least one input and one output channel, "
                             "and a kernel and a stride of at least 1");
    Conv2d conv;
    conv.K = Tensor({out_channels, in_channels, kernel, kernel});
    const float stddev = std::sqrt(2.0f / float(in_channels * kernel * kernel));
    for (float& k : conv.K.span()) k = rng.normal(0.0f, stddev);
    conv.b.assign(out_channels, 0.0f);
    conv.stride = stride;
    conv.padding = padding;
    return conv;
}

std::vector<size_t> output_shape(const Conv2d& conv, const std::vector<size_t>& input_shape) {
    if (input_shape.size() != 4 || input_shape[1] != conv.in_channels()) {
        std::string given = "[";
        for (size_t d : input_shape) given += (given.size() > 1 ? ", " : "") + std::to_string(d);
        throw nn::UsageError("a convolution of " + std::to_string(conv.in_channels()) +
                             " input channels needs [B, " + std::to_string(conv.in_channels()) +
                             ", H, W] images, given " + given + "]");
    }
    return {input_shape[0], conv.out_channels(),
            output_size(input_shape[2], conv.kernel_rows(), conv.stride, conv.padding),
            output_size(input_shape[3], conv.kernel_cols(), conv.stride, conv.padding)};
}

void conv2d_forward(const Conv2d& conv, const Tensor& X, Tensor& Y, ConvWorkspace& work) {
    const std::vector<size_t> shape = output_shape(conv, X.shape());
    const size_t B = shape[0], Co = shape[1], HWo = shape[2] * shape[3];
    const size_t rows = conv.in_channels() * conv.kernel_rows() * conv.kernel_cols();
    work.input_shape = X.shape();
    im2col(X, conv.kernel_rows(), conv.kernel_cols(), conv.stride, conv.padding, work.cols);
    // Y_cm [C', B H' W'] = K [C', C kh kw] cols [C kh kw, B H' W']: one product for the batch.
    const std::vector<size_t> cm_shape{Co, B * HWo};
    if (work.Y_cm.shape() != cm_shape) work.Y_cm = Tensor(cm_shape);
    nn::gemm(nn::Trans::No, nn::Trans::No, int(Co), int(B * HWo), int(rows), 1.0f, conv.K.data(),
             int(rows), work.cols.data(), int(B * HWo), 0.0f, work.Y_cm.data(), int(B * HWo));
    // Y [B, C', H' W'] = Y_cm [C', B, H' W'] with its first two axes swapped, plus b.
    if (Y.shape() != shape) Y = Tensor(shape);
    for (size_t n = 0; n < B; ++n)
        for (size_t co = 0; co < Co; ++co) {
            const float* from = work.Y_cm.data() + (co * B + n) * HWo;
            float* to = Y.data() + (n * Co + co) * HWo;
            for (size_t k = 0; k < HWo; ++k) to[k] = from[k] + conv.b[co];
        }
}

void conv2d_backward(const Conv2d& conv, const Tensor& dY, Tensor& dK, std::vector<float>& db,
                     Tensor* dX, ConvWorkspace& work) {
    const size_t B = dY.dim(0), Co = dY.dim(1), HWo = dY.dim(2) * dY.dim(3);
    const size_t rows = conv.in_channels() * conv.kernel_rows() * conv.kernel_cols();
    // dY_cm [C', B, H' W'] = dY [B, C', H' W'] with its first two axes swapped.
    const std::vector<size_t> cm_shape{Co, B * HWo};
    if (work.dY_cm.shape() != cm_shape) work.dY_cm = Tensor(cm_shape);
    for (size_t n = 0; n < B; ++n)
        for (size_t co = 0; co < Co; ++co) {
            const float* from = dY.data() + (n * Co + co) * HWo;
            std::copy(from, from + HWo, work.dY_cm.data() + (co * B + n) * HWo);
        }
    // dK [C', C kh kw] = dY_cm [C', B H' W'] cols^T / B;  db = row sums of dY_cm / B.
    if (dK.shape() != conv.K.shape()) dK = Tensor(conv.K.shape());
    const float inv_B = 1.0f / float(B);
    nn::gemm(nn::Trans::No, nn::Trans::Yes, int(Co), int(rows), int(B * HWo), inv_B, work.dY_cm.data(),
             int(B * HWo), work.cols.data(), int(B * HWo), 0.0f, dK.data(), int(rows));
    db.assign(Co, 0.0f);
    for (size_t co = 0; co < Co; ++co) {
        double sum = 0;
        for (float g : work.dY_cm.row(co)) sum += g;
        db[co] = float(sum) * inv_B;
    }
    if (!dX) return;
    // dcols [C kh kw, B H' W'] = K^T [C kh kw, C'] dY_cm [C', B H' W'], folded back by col2im.
    const std::vector<size_t> cols_shape{rows, B * HWo};
    if (work.dcols.shape() != cols_shape) work.dcols = Tensor(cols_shape);
    nn::gemm(nn::Trans::Yes, nn::Trans::No, int(rows), int(B * HWo), int(Co), 1.0f, conv.K.data(),
             int(rows), work.dY_cm.data(), int(B * HWo), 0.0f, work.dcols.data(), int(B * HWo));
    if (dX->shape() != work.input_shape) *dX = Tensor(work.input_shape);
    col2im(work.dcols, conv.kernel_rows(), conv.kernel_cols(), conv.stride, conv.padding, *dX);
}

size_t conv_multiply_adds(const Conv2d& conv, size_t height, size_t width) {
    std::vector<size_t> shape = output_shape(conv, {1, conv.in_channels(), height, width});
    return shape[1] * shape[2] * shape[3] * conv.in_channels() * conv.kernel_rows() * conv.kernel_cols();
}

BatchNorm make_batch_norm(size_t channels) {
    if (channels == 0) throw nn::UsageError("batch norm needs at least one channel");
    BatchNorm bn;
    bn.gamma.assign(channels, 1.0f);
    bn.beta.assign(channels, 0.0f);
    bn.running_mean.assign(channels, 0.0f);
    bn.running_var.assign(channels, 1.0f);
    return bn;
}

}  // namespace cnn
