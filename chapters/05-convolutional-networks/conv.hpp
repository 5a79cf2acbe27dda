#pragma once
// Chapter 5: the layers of a convolutional network. The symbols are those of the
// chapter's README:
//
//   X [B, C, H, W]          a mini-batch of B images of C channels, H rows, W columns
//   K [C', C, k_h, k_w]     the kernels: one [C, k_h, k_w] stack per output channel c'
//   b [C']                  one bias per output channel
//   s, p                    the stride and the zero padding, the same along rows and columns
//   Y [B, C', H', W']       the feature maps, with the output size (exercise 5.1)
//                             H' = floor((H + 2p - k_h) / s) + 1,  W' likewise
//
//   Y(n, c', i, j) = b(c') + sum_c sum_u sum_v K(c', c, u, v) X(n, c, i s + u - p, j s + v - p)
//
// where X is 0 outside the image (the padding). This is a cross-correlation: the kernel
// slides over the image unflipped. The convolution of signal processing flips it,
// K(c', c, k_h - 1 - u, k_w - 1 - v); a learned kernel does not care which (it learns
// the flipped one instead), and every framework computes the cross-correlation and
// calls it convolution, as this code does. The README shows the difference.
//
// The backward pass, from dY [B, C', H', W'], the error of each example as chapter 3's
// delta is (no 1/B in it):
//   db(c')          = (1/B) sum_n sum_i sum_j dY(n, c', i, j)
//   dK(c', c, u, v) = (1/B) sum_n sum_i sum_j dY(n, c', i, j) X(n, c, i s + u - p, j s + v - p)
//   dX(n, c, y, x)  = sum over every (c', i, j, u, v) with i s + u - p = y, j s + v - p = x
//                     of dY(n, c', i, j) K(c', c, u, v)
// As in chapter 3's dense_backward, the parameters' gradients are means over the batch
// (the gradients of the mean cost) and dX is per example, ready for the layer below.
//
// Each function is written twice: as the loops of the definition (conv2d_forward_loops,
// the reference every test compares against), and as im2col + the shared nn::gemm, the
// way the chapter's networks run (conv2d_forward: 30 to 80 times faster on the
// chapter's layers, measured by the program conv_speed).
//
// Functions marked "Exercise 5.N" are yours to write in
// exercises/05-convolutional-networks/conv.cpp; the reference bodies live in
// solutions/05-convolutional-networks/conv.cpp. The others are given, in
// chapters/05-convolutional-networks/given_conv.cpp.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/random.hpp"
#include "common/tensor.hpp"

namespace cnn {

using nn::Tensor;

// ---------------------------------------------------------------- the output size

// Exercise 5.1: the number of positions a kernel of `kernel` cells takes along an input
// of `input` cells, with `padding` zeros at each end and steps of `stride`:
//   floor((input + 2 padding - kernel) / stride) + 1.
// Throws nn::UsageError naming the numbers when the output would be empty (the kernel
// is larger than the padded input), the kernel or the stride is 0.
size_t output_size(size_t input, size_t kernel, size_t stride, size_t padding);

// ---------------------------------------------------------------- the convolution layer

struct Conv2d {
    Tensor K;              // [C', C, k_h, k_w]
    std::vector<float> b;  // [C']
    size_t stride = 1;
    size_t padding = 0;
    size_t in_channels() const { return K.dim(1); }
    size_t out_channels() const { return K.dim(0); }
    size_t kernel_rows() const { return K.dim(2); }
    size_t kernel_cols() const { return K.dim(3); }
};

// K [C', C, k, k] drawn N(0, 2 / (C k k)) (He, for the ReLU that follows), b = 0.
Conv2d make_conv(size_t in_channels, size_t out_channels, size_t kernel, size_t stride,
                 size_t padding, nn::Rng& rng);

// The shape of Y for an input of shape [B, C, H, W]: {B, C', H', W'}. Throws
// nn::UsageError when the input is not of rank 4, has other than C channels, or would
// give an empty output.
std::vector<size_t> output_shape(const Conv2d& conv, const std::vector<size_t>& input_shape);

// Exercise 5.2: the forward pass as the seven loops of the definition above (batch n,
// output channel c', output row i, output column j, input channel c, kernel row u,
// kernel column v). X [B, C, H, W] -> Y [B, C', H', W'] (resized).
void conv2d_forward_loops(const Conv2d& conv, const Tensor& X, Tensor& Y);

// Exercise 5.3: the backward pass as loops: from X and dY [B, C', H', W'], the gradients
// dK [C', C, k_h, k_w], db [C'] and, unless dX is null, dX [B, C, H, W] (the formulas
// above; every output is resized and overwritten).
void conv2d_backward_loops(const Conv2d& conv, const Tensor& X, const Tensor& dY,
                           Tensor& dK, std::vector<float>& db, Tensor* dX);

// ---------------------------------------------------------------- the fast path

// Exercise 5.4: unrolls every receptive field of the batch into a column, so that the
// convolution becomes one matrix product, Y = K cols, with K seen as [C', C k_h k_w]:
//   cols [C k_h k_w, B H' W'],   cols(row (c, u, v), column (n, i, j)) = X(n, c, i s + u - p, j s + v - p)
// (0 in the padding), rows in the order (c, u, v) and columns in the order (n, i, j),
// each row-major: row = (c k_h + u) k_w + v, column = (n H' + i) W' + j. cols is resized
// only when its shape differs.
void im2col(const Tensor& X, size_t kernel_rows, size_t kernel_cols, size_t stride,
            size_t padding, Tensor& cols);

// Exercise 5.5: the adjoint of im2col, for the backward pass: every entry of dcols
// [C k_h k_w, B H' W'] is added to the cell of dX it was read from (cells of the padding
// are dropped). A cell that several receptive fields share (stride < kernel) receives
// the sum of all of them. dX gives the input's shape [B, C, H, W]; its values are
// overwritten.
void col2im(const Tensor& dcols, size_t kernel_rows, size_t kernel_cols, size_t stride,
            size_t padding, Tensor& dX);

// The buffers of the fast path, kept from one mini-batch to the next so that training
// allocates nothing after its first step. Their size follows the mini-batch, never the
// data set: cols holds C k_h k_w x B H' W' floats (for the second layer of the
// chapter's LeNet and B = 64, 500 x 4096, 8 MB).
struct ConvWorkspace {
    std::vector<size_t> input_shape;  // X's [B, C, H, W], for the shape of dX
    Tensor cols;   // im2col(X)                   [C k_h k_w, B H' W']
    Tensor Y_cm;   // K cols, channel-major       [C', B H' W']
    Tensor dY_cm;  // dY in the same order        [C', B H' W']
    Tensor dcols;  // K^T dY_cm                   [C k_h k_w, B H' W']
};

// The same layer as the loops, through im2col and nn::gemm:
//   forward    Y_cm = K cols + b, then Y = Y_cm with its first two axes swapped
//   backward   dK = dY_cm cols^T,  db = row sums of dY_cm,  dcols = K^T dY_cm,  dX = col2im(dcols)
// The backward pass reads work.cols and work.input_shape from the forward pass of the
// same X; dX, dK and db are resized.
void conv2d_forward(const Conv2d& conv, const Tensor& X, Tensor& Y, ConvWorkspace& work);
void conv2d_backward(const Conv2d& conv, const Tensor& dY, Tensor& dK, std::vector<float>& db,
                     Tensor* dX, ConvWorkspace& work);

// Multiply-adds of one forward pass per example: C' H' W' C k_h k_w.
size_t conv_multiply_adds(const Conv2d& conv, size_t height, size_t width);

// ---------------------------------------------------------------- pooling

// Pooling windows of size x size cells, taken every `stride` cells (no padding), on each
// channel of each image alone: X [B, C, H, W] -> Y [B, C, H', W'] with H' =
// output_size(H, size, stride, 0). Y is resized.

// Exercise 5.6: max pooling. Y(n, c, i, j) is the largest X in its window;
// argmax[flat index of Y] = the flat index in X of that cell (the first in row-major
// window order on a tie), which the backward pass routes the gradient to:
//   dX = 0, then dX[argmax[t]] += dY[t] for every t
// (+= : windows that overlap, stride < size, can pick the same cell). dX gives the
// input's shape [B, C, H, W]; its values are overwritten. argmax is resized.
void max_pool_forward(const Tensor& X, size_t size, size_t stride, Tensor& Y,
                      std::vector<uint32_t>& argmax);
void max_pool_backward(const Tensor& dY, const std::vector<uint32_t>& argmax, Tensor& dX);

// Exercise 5.7: average pooling. Y(n, c, i, j) is the mean of its size^2 cells; each cell
// of a window receives dY / size^2 (summed over the windows that hold it). dX gives the
// input's shape; its values are overwritten.
void avg_pool_forward(const Tensor& X, size_t size, size_t stride, Tensor& Y);
void avg_pool_backward(const Tensor& dY, size_t size, size_t stride, Tensor& dX);

// ---------------------------------------------------------------- batch normalization

// Per channel c, over the N = B H W values of that channel in the mini-batch:
//   mu_c = (1/N) sum x,   sigma2_c = (1/N) sum (x - mu_c)^2     (1/N: the batch's own variance)
//   xhat = (x - mu_c) / sqrt(sigma2_c + eps),   y = gamma_c xhat + beta_c
// Training normalizes by the batch's statistics and moves the running ones toward them,
//   running_mean <- (1 - momentum) running_mean + momentum mu_c
//   running_var  <- (1 - momentum) running_var  + momentum sigma2_c N / (N - 1)
// (the unbiased variance there, as PyTorch's BatchNorm2d does); inference normalizes by
// the running statistics, so an example's output does not depend on its batch.
struct BatchNorm {
    std::vector<float> gamma, beta;                // [C], learned; 1 and 0 at first
    std::vector<float> running_mean, running_var;  // [C]; 0 and 1 at first
    float eps = 1e-5f;
    float momentum = 0.1f;
    size_t channels() const { return gamma.size(); }
};
BatchNorm make_batch_norm(size_t channels);

// What the training forward pass keeps for the backward pass.
struct BatchNormCache {
    Tensor xhat;                   // [B, C, H, W]
    std::vector<float> inv_std;    // [C], 1 / sqrt(sigma2_c + eps)
};

enum class Mode { Train, Infer };

// Exercise 5.8: the forward pass above. X, Y [B, C, H, W] (Y resized). In Mode::Train it
// fills cache and updates the running statistics; in Mode::Infer it uses them and
// leaves bn and cache unchanged. Throws nn::UsageError when X has other than C channels,
// or, in Mode::Train, only one value per channel (B H W = 1: no variance to divide by;
// PyTorch refuses it too).
void batch_norm_forward(BatchNorm& bn, const Tensor& X, Mode mode, Tensor& Y, BatchNormCache& cache);

// Exercise 5.9: the backward pass of Mode::Train, per channel over its N = B H W values,
// with dY per example as for the convolution (the parameters' gradients are means over
// the B examples):
//   dgamma_c = (1/B) sum dY xhat,   dbeta_c = (1/B) sum dY,
//   dX = gamma_c inv_std_c / N * (N dY - sum dY - xhat sum dY xhat)
// (mu and sigma2 depend on every x of the channel: the two sums are their share).
// dX [B, C, H, W], dgamma, dbeta [C], all resized.
void batch_norm_backward(const BatchNorm& bn, const BatchNormCache& cache, const Tensor& dY,
                         Tensor& dX, std::vector<float>& dgamma, std::vector<float>& dbeta);

}  // namespace cnn
