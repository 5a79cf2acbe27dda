// Chapter 5, the reference solutions of exercises 5.1 - 5.9.
#include "05-convolutional-networks/conv.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "common/errors.hpp"

namespace cnn {

// Exercise 5.1
size_t output_size(size_t input, size_t kernel, size_t stride, size_t padding) {
    if (kernel == 0 || stride == 0)
        throw nn::UsageError("a kernel of " + std::to_string(kernel) + " and a stride of " +
                             std::to_string(stride) + ": both must be at least 1");
    if (kernel > input + 2 * padding)
        throw nn::UsageError("a kernel of " + std::to_string(kernel) + " does not fit in " +
                             std::to_string(input) + " cells padded by " + std::to_string(padding) +
                             ": the output would be empty");
    return (input + 2 * padding - kernel) / stride + 1;
}

// Exercise 5.2
void conv2d_forward_loops(const Conv2d& conv, const Tensor& X, Tensor& Y) {
    std::vector<size_t> shape = output_shape(conv, X.shape());
    if (Y.shape() != shape) Y = Tensor(shape);
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Co = shape[1], Ho = shape[2], Wo = shape[3];
    const size_t kh = conv.kernel_rows(), kw = conv.kernel_cols(), s = conv.stride, p = conv.padding;
    // X [B, C, H, W], K [C', C, kh, kw] -> Y [B, C', H', W']
    for (size_t n = 0; n < B; ++n)
        for (size_t co = 0; co < Co; ++co)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    float sum = conv.b[co];
                    for (size_t c = 0; c < C; ++c)
                        for (size_t u = 0; u < kh; ++u)
                            for (size_t v = 0; v < kw; ++v) {
                                // The input cell under kernel cell (u, v): (y, x), outside the
                                // image (a zero of the padding) when negative or too large.
                                const ptrdiff_t y = ptrdiff_t(i * s + u) - ptrdiff_t(p);
                                const ptrdiff_t x = ptrdiff_t(j * s + v) - ptrdiff_t(p);
                                if (y < 0 || x < 0 || y >= ptrdiff_t(H) || x >= ptrdiff_t(W)) continue;
                                sum += conv.K(co, c, u, v) * X(n, c, size_t(y), size_t(x));
                            }
                    Y(n, co, i, j) = sum;
                }
}

// Exercise 5.3
void conv2d_backward_loops(const Conv2d& conv, const Tensor& X, const Tensor& dY,
                           Tensor& dK, std::vector<float>& db, Tensor* dX) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Co = dY.dim(1), Ho = dY.dim(2), Wo = dY.dim(3);
    const size_t kh = conv.kernel_rows(), kw = conv.kernel_cols(), s = conv.stride, p = conv.padding;
    dK = Tensor(conv.K.shape());
    db.assign(Co, 0.0f);
    if (dX) *dX = Tensor(X.shape());
    // dY [B, C', H', W'] -> dK [C', C, kh, kw], db [C'], dX [B, C, H, W]
    for (size_t n = 0; n < B; ++n)
        for (size_t co = 0; co < Co; ++co)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    const float g = dY(n, co, i, j);
                    db[co] += g;
                    for (size_t c = 0; c < C; ++c)
                        for (size_t u = 0; u < kh; ++u)
                            for (size_t v = 0; v < kw; ++v) {
                                const ptrdiff_t y = ptrdiff_t(i * s + u) - ptrdiff_t(p);
                                const ptrdiff_t x = ptrdiff_t(j * s + v) - ptrdiff_t(p);
                                if (y < 0 || x < 0 || y >= ptrdiff_t(H) || x >= ptrdiff_t(W)) continue;
                                dK(co, c, u, v) += g * X(n, c, size_t(y), size_t(x));
                                if (dX) (*dX)(n, c, size_t(y), size_t(x)) += g * conv.K(co, c, u, v);
                            }
                }
    // The mean over the batch, as dense_backward's nabla_W.
    const float inv_B = 1.0f / float(B);
    for (float& g : dK.span()) g *= inv_B;
    for (float& g : db) g *= inv_B;
}

// Exercise 5.4
void im2col(const Tensor& X, size_t kernel_rows, size_t kernel_cols, size_t stride,
            size_t padding, Tensor& cols) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t kh = kernel_rows, kw = kernel_cols, s = stride, p = padding;
    const size_t Ho = output_size(H, kh, s, p), Wo = output_size(W, kw, s, p);
    const std::vector<size_t> shape{C * kh * kw, B * Ho * Wo};
    if (cols.shape() != shape) cols = Tensor(shape);
    // X [B, C, H, W] -> cols [C kh kw, B H' W']. The innermost loop walks one image row
    // (y fixed), so it reads X and writes cols contiguously: the time of the fast path
    // is in this loop as much as in the product.
    for (size_t c = 0; c < C; ++c)
        for (size_t u = 0; u < kh; ++u)
            for (size_t v = 0; v < kw; ++v) {
                float* to = cols.row((c * kh + u) * kw + v).data();
                for (size_t n = 0; n < B; ++n)
                    for (size_t i = 0; i < Ho; ++i, to += Wo) {
                        const ptrdiff_t y = ptrdiff_t(i * s + u) - ptrdiff_t(p);
                        if (y < 0 || y >= ptrdiff_t(H)) {  // a row of the padding
                            std::fill(to, to + Wo, 0.0f);
                            continue;
                        }
                        const float* from = X.data() + ((n * C + c) * H + size_t(y)) * W;
                        for (size_t j = 0; j < Wo; ++j) {
                            const ptrdiff_t x = ptrdiff_t(j * s + v) - ptrdiff_t(p);
                            to[j] = x >= 0 && x < ptrdiff_t(W) ? from[x] : 0.0f;
                        }
                    }
            }
}

// Exercise 5.5
void col2im(const Tensor& dcols, size_t kernel_rows, size_t kernel_cols, size_t stride,
            size_t padding, Tensor& dX) {
    const size_t B = dX.dim(0), C = dX.dim(1), H = dX.dim(2), W = dX.dim(3);
    const size_t kh = kernel_rows, kw = kernel_cols, s = stride, p = padding;
    const size_t Ho = output_size(H, kh, s, p), Wo = output_size(W, kw, s, p);
    dX.fill(0.0f);
    // dcols [C kh kw, B H' W'] -> dX [B, C, H, W], summed where receptive fields overlap;
    // the loops of im2col, with the copy turned around.
    for (size_t c = 0; c < C; ++c)
        for (size_t u = 0; u < kh; ++u)
            for (size_t v = 0; v < kw; ++v) {
                const float* from = dcols.row((c * kh + u) * kw + v).data();
                for (size_t n = 0; n < B; ++n)
                    for (size_t i = 0; i < Ho; ++i, from += Wo) {
                        const ptrdiff_t y = ptrdiff_t(i * s + u) - ptrdiff_t(p);
                        if (y < 0 || y >= ptrdiff_t(H)) continue;  // the padding has no gradient
                        float* to = dX.data() + ((n * C + c) * H + size_t(y)) * W;
                        for (size_t j = 0; j < Wo; ++j) {
                            const ptrdiff_t x = ptrdiff_t(j * s + v) - ptrdiff_t(p);
                            if (x >= 0 && x < ptrdiff_t(W)) to[x] += from[j];
                        }
                    }
            }
}

// Exercise 5.6
void max_pool_forward(const Tensor& X, size_t size, size_t stride, Tensor& Y,
                      std::vector<uint32_t>& argmax) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Ho = output_size(H, size, stride, 0), Wo = output_size(W, size, stride, 0);
    const std::vector<size_t> shape{B, C, Ho, Wo};
    if (Y.shape() != shape) Y = Tensor(shape);
    argmax.resize(Y.size());
    // X [B, C, H, W] -> Y [B, C, H', W'], argmax [B C H' W'] flat indices into X
    size_t t = 0;
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j, ++t) {
                    size_t best = ((n * C + c) * H + i * stride) * W + j * stride;
                    for (size_t u = 0; u < size; ++u)
                        for (size_t v = 0; v < size; ++v) {
                            size_t at = ((n * C + c) * H + i * stride + u) * W + j * stride + v;
                            if (X[at] > X[best]) best = at;  // strictly greater: the first max wins a tie
                        }
                    Y[t] = X[best];
                    argmax[t] = uint32_t(best);
                }
}

void max_pool_backward(const Tensor& dY, const std::vector<uint32_t>& argmax, Tensor& dX) {
    dX.fill(0.0f);
    for (size_t t = 0; t < dY.size(); ++t) dX[argmax[t]] += dY[t];
}

// Exercise 5.7
void avg_pool_forward(const Tensor& X, size_t size, size_t stride, Tensor& Y) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Ho = output_size(H, size, stride, 0), Wo = output_size(W, size, stride, 0);
    const std::vector<size_t> shape{B, C, Ho, Wo};
    if (Y.shape() != shape) Y = Tensor(shape);
    const float inv_area = 1.0f / float(size * size);
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    float sum = 0.0f;
                    for (size_t u = 0; u < size; ++u)
                        for (size_t v = 0; v < size; ++v) sum += X(n, c, i * stride + u, j * stride + v);
                    Y(n, c, i, j) = sum * inv_area;
                }
}

void avg_pool_backward(const Tensor& dY, size_t size, size_t stride, Tensor& dX) {
    const size_t B = dY.dim(0), C = dY.dim(1), Ho = dY.dim(2), Wo = dY.dim(3);
    const float inv_area = 1.0f / float(size * size);
    dX.fill(0.0f);
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    const float share = dY(n, c, i, j) * inv_area;
                    for (size_t u = 0; u < size; ++u)
                        for (size_t v = 0; v < size; ++v) dX(n, c, i * stride + u, j * stride + v) += share;
                }
}

// Exercise 5.8
void batch_norm_forward(BatchNorm& bn, const Tensor& X, Mode mode, Tensor& Y, BatchNormCache& cache) {
    if (X.rank() != 4 || X.dim(1) != bn.channels())
        throw nn::UsageError("batch norm of " + std::to_string(bn.channels()) + " channels given a " +
                             X.shape_string() + " input");
    const size_t B = X.dim(0), C = X.dim(1), HW = X.dim(2) * X.dim(3);
    const size_t N = B * HW;
    if (mode == Mode::Train && N < 2)
        throw nn::UsageError("batch norm in training needs more than one value per channel, given a " +
                             X.shape_string() + " batch");
    if (Y.shape() != X.shape()) Y = Tensor(X.shape());
    if (mode == Mode::Train) {
        if (cache.xhat.shape() != X.shape()) cache.xhat = Tensor(X.shape());
        cache.inv_std.resize(C);  // every channel's is written below
    }
    // X [B, C, H, W]: channel c of image n is the HW floats from (n C + c) HW.
    for (size_t c = 0; c < C; ++c) {
        double mu = bn.running_mean[c], var = bn.running_var[c];
        if (mode == Mode::Train) {
            double sum = 0, sum_sq = 0;
            for (size_t n = 0; n < B; ++n)
                for (size_t k = 0; k < HW; ++k) sum += X[(n * C + c) * HW + k];
            mu = sum / double(N);
            for (size_t n = 0; n < B; ++n)
                for (size_t k = 0; k < HW; ++k) {
                    double d = X[(n * C + c) * HW + k] - mu;
                    sum_sq += d * d;
                }
            var = sum_sq / double(N);
            const double unbiased = var * double(N) / double(N - 1);
            bn.running_mean[c] = float((1 - bn.momentum) * bn.running_mean[c] + bn.momentum * mu);
            bn.running_var[c] = float((1 - bn.momentum) * bn.running_var[c] + bn.momentum * unbiased);
        }
        const float inv_std = float(1.0 / std::sqrt(var + bn.eps));
        if (mode == Mode::Train) cache.inv_std[c] = inv_std;
        for (size_t n = 0; n < B; ++n)
            for (size_t k = 0; k < HW; ++k) {
                const size_t at = (n * C + c) * HW + k;
                const float xhat = float(X[at] - mu) * inv_std;
                if (mode == Mode::Train) cache.xhat[at] = xhat;
                Y[at] = bn.gamma[c] * xhat + bn.beta[c];
            }
    }
}

// Exercise 5.9
void batch_norm_backward(const BatchNorm& bn, const BatchNormCache& cache, const Tensor& dY,
                         Tensor& dX, std::vector<float>& dgamma, std::vector<float>& dbeta) {
    const size_t B = dY.dim(0), C = dY.dim(1), HW = dY.dim(2) * dY.dim(3);
    const double N = double(B * HW);
    if (dX.shape() != dY.shape()) dX = Tensor(dY.shape());
    dgamma.resize(C);  // every channel's is written below, with =
    dbeta.resize(C);
    for (size_t c = 0; c < C; ++c) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t k = 0; k < HW; ++k) {
                const size_t at = (n * C + c) * HW + k;
                sum_dy += dY[at];
                sum_dy_xhat += double(dY[at]) * cache.xhat[at];
            }
        dgamma[c] = float(sum_dy_xhat / double(B));
        dbeta[c] = float(sum_dy / double(B));
        const double scale = bn.gamma[c] * cache.inv_std[c] / N;
        for (size_t n = 0; n < B; ++n)
            for (size_t k = 0; k < HW; ++k) {
                const size_t at = (n * C + c) * HW + k;
                dX[at] = float(scale * (N * dY[at] - sum_dy - cache.xhat[at] * sum_dy_xhat));
            }
    }
}

}  // namespace cnn
