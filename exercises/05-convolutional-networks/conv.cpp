// Chapter 5, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=05` to see which exercises pass, and `make hint EX=5.1` when stuck.
// The symbols (X, K, b, s, p, Y, dY) and the shapes are those of
// chapters/05-convolutional-networks/conv.hpp: images are [B, C, H, W], row-major, so
// X(n, c, y, x) is the float at ((n C + c) H + y) W + x. The layers' constructors, the
// fast path (im2col + nn::gemm) and the networks are given, in
// chapters/05-convolutional-networks/given_*.cpp.
#include "05-convolutional-networks/conv.hpp"
#include "common/errors.hpp"

namespace cnn {

// ---------------------------------------------------------------- 5.1 the output size

size_t output_size(size_t /*input*/, size_t /*kernel*/, size_t /*stride*/, size_t /*padding*/) {
    // TODO(5.1): floor((input + 2 padding - kernel) / stride) + 1. Throw nn::UsageError
    // when kernel or stride is 0, or when the kernel does not fit in the padded input
    // (mind that the sizes are unsigned: a negative difference wraps around).
    throw nn::NotImplemented("5.1");
}

// ---------------------------------------------------------------- 5.2 and 5.3 the convolution by loops

void conv2d_forward_loops(const Conv2d& /*conv*/, const Tensor& /*X*/, Tensor& /*Y*/) {
    // TODO(5.2): give Y the shape output_shape(conv, X.shape()) [B, C', H', W'], then
    // for every n, c', i, j:
    //   Y(n, c', i, j) = b(c') + sum over c, u, v of K(c', c, u, v) X(n, c, i s + u - p, j s + v - p)
    // where a cell outside the image (the padding) counts as 0.
    throw nn::NotImplemented("5.2");
}

void conv2d_backward_loops(const Conv2d& /*conv*/, const Tensor& /*X*/, const Tensor& /*dY*/,
                           Tensor& /*dK*/, std::vector<float>& /*db*/, Tensor* /*dX*/) {
    // TODO(5.3): dK [C', C, kh, kw], db [C'] and (unless dX is null) dX [B, C, H, W], all
    // started from 0. Walk the same loops as the forward pass; where it added
    // K(c', c, u, v) X(n, c, y, x) to Y(n, c', i, j), add
    //   dY(n, c', i, j) X(n, c, y, x)        to dK(c', c, u, v)
    //   dY(n, c', i, j) K(c', c, u, v)       to dX(n, c, y, x)
    //   dY(n, c', i, j)                      to db(c')
    // Then divide dK and db (not dX) by B.
    throw nn::NotImplemented("5.3");
}

// ---------------------------------------------------------------- 5.4 and 5.5 im2col, col2im

void im2col(const Tensor& /*X*/, size_t /*kernel_rows*/, size_t /*kernel_cols*/, size_t /*stride*/,
            size_t /*padding*/, Tensor& /*cols*/) {
    // TODO(5.4): cols [C kh kw, B H' W'] (resize only when its shape differs):
    //   cols((c kh + u) kw + v, (n H' + i) W' + j) = X(n, c, i s + u - p, j s + v - p), 0 in the padding.
    throw nn::NotImplemented("5.4");
}

void col2im(const Tensor& /*dcols*/, size_t /*kernel_rows*/, size_t /*kernel_cols*/, size_t /*stride*/,
            size_t /*padding*/, Tensor& /*dX*/) {
    // TODO(5.5): dX already has the input's shape [B, C, H, W]. Set it to 0, then add
    // every entry of dcols to the cell im2col read it from (skip the padding's cells).
    throw nn::NotImplemented("5.5");
}

// ---------------------------------------------------------------- 5.6 max pooling

void max_pool_forward(const Tensor& /*X*/, size_t /*size*/, size_t /*stride*/, Tensor& /*Y*/,
                      std::vector<uint32_t>& /*argmax*/) {
    // TODO(5.6): Y [B, C, H', W'] with H' = output_size(H, size, stride, 0). For each
    // window, Y = its largest X and argmax[t] (t the flat index of Y) = the flat index of
    // that X, the first one in row-major window order on a tie.
    throw nn::NotImplemented("5.6");
}

void max_pool_backward(const Tensor& /*dY*/, const std::vector<uint32_t>& /*argmax*/, Tensor& /*dX*/) {
    // TODO(5.6): dX (already the input's shape) = 0, then dX[argmax[t]] += dY[t].
    throw nn::NotImplemented("5.6");
}

// ---------------------------------------------------------------- 5.7 average pooling

void avg_pool_forward(const Tensor& /*X*/, size_t /*size*/, size_t /*stride*/, Tensor& /*Y*/) {
    // TODO(5.7): Y [B, C, H', W'], each the mean of its size x size window.
    throw nn::NotImplemented("5.7");
}

void avg_pool_backward(const Tensor& /*dY*/, size_t /*size*/, size_t /*stride*/, Tensor& /*dX*/) {
    // TODO(5.7): dX (already the input's shape) = 0, then every cell of a window gets
    // dY / size^2 added.
    throw nn::NotImplemented("5.7");
}

// ---------------------------------------------------------------- 5.8 and 5.9 batch normalization

void batch_norm_forward(BatchNorm& /*bn*/, const Tensor& /*X*/, Mode /*mode*/, Tensor& /*Y*/,
                        BatchNormCache& /*cache*/) {
    // TODO(5.8): throw nn::UsageError unless X is [B, bn.channels(), H, W], and in
    // Mode::Train when B H W = 1 (no variance). Per channel c,
    // over its N = B H W values: in Mode::Train, mu and sigma2 (1/N) of the batch, cache
    // xhat and inv_std = 1 / sqrt(sigma2 + eps), and move the running statistics
    // (running_var toward the unbiased sigma2 N / (N - 1)); in Mode::Infer, mu and sigma2
    // are the running ones and nothing is written to bn or cache. Y = gamma xhat + beta.
    throw nn::NotImplemented("5.8");
}

void batch_norm_backward(const BatchNorm& /*bn*/, const BatchNormCache& /*cache*/, const Tensor& /*dY*/,
                         Tensor& /*dX*/, std::vector<float>& /*dgamma*/, std::vector<float>& /*dbeta*/) {
    // TODO(5.9): per channel, with S1 = sum dY and S2 = sum dY xhat over its N values:
    //   dgamma = S2 / B,  dbeta = S1 / B,  dX = gamma inv_std / N (N dY - S1 - xhat S2).
    throw nn::NotImplemented("5.9");
}

}  // namespace cnn
