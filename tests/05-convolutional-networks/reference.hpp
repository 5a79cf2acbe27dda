#pragma once
// Reference computations the chapter 5 tests compare against, written from the formulas
// of conv.hpp and independently of the code under test: everything in double, by plain
// loops, with signed coordinates so that the padding is a bounds test and not unsigned
// arithmetic. Where the code under test scatters (the backward passes, col2im) the
// reference gathers: each cell of dX sums the terms that reach it, found by solving
// i s + u - p = y for i, so that the two are not the same loops written twice.
// Shared by conv_test.cpp and fast_path_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "05-convolutional-networks/conv.hpp"
#include "common/random.hpp"
#include "common/tensor.hpp"

namespace reference5 {

using nn::Tensor;

// A row-major array of doubles with a shape: the reference's results.
struct Grid {
    std::vector<size_t> shape;
    std::vector<double> v;

    Grid() = default;
    explicit Grid(std::vector<size_t> s, double fill = 0.0) : shape(std::move(s)) {
        size_t n = 1;
        for (size_t d : shape) n *= d;
        v.assign(n, fill);
    }
    size_t size() const { return v.size(); }
    double& operator[](size_t i) { return v[i]; }
    double operator[](size_t i) const { return v[i]; }
    size_t at(size_t a, size_t b, size_t c, size_t d) const {
        return ((a * shape[1] + b) * shape[2] + c) * shape[3] + d;
    }
    double& operator()(size_t a, size_t b, size_t c, size_t d) { return v[at(a, b, c, d)]; }
    double operator()(size_t a, size_t b, size_t c, size_t d) const { return v[at(a, b, c, d)]; }
    double& operator()(size_t r, size_t c) { return v[r * shape[1] + c]; }
    double operator()(size_t r, size_t c) const { return v[r * shape[1] + c]; }
};

// ---------------------------------------------------------------- helpers

// Uniform on [lo, hi), the tests' default range.
inline Tensor random_tensor(const std::vector<size_t>& shape, nn::Rng& rng, float lo = -1, float hi = 1) {
    return nn::uniform_tensor(shape, rng, lo, hi);
}

// A [B, C, H, W] tensor from its values in row-major order.
inline Tensor tensor4(const std::vector<size_t>& shape, const std::vector<float>& values) {
    Tensor t(shape);
    EXPECT_EQ(t.size(), values.size()) << "tensor4: the shape and the number of values differ";
    for (size_t i = 0; i < values.size() && i < t.size(); ++i) t[i] = values[i];
    return t;
}

inline Tensor to_tensor(const Grid& g) {
    Tensor t(g.shape);
    for (size_t i = 0; i < g.size(); ++i) t[i] = float(g[i]);
    return t;
}

// Within abs_tol + rel_tol |expected| of the reference, element by element (and the
// same shape). The message names the element by its flat index and the shape.
inline void expect_near(const Tensor& actual, const Grid& expected, const std::string& what,
                        double abs_tol = 2e-5, double rel_tol = 1e-5) {
    ASSERT_EQ(actual.shape(), expected.shape) << what << ": shape";
    int reported = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const double got = actual[i], want = expected[i];
        if (!(std::abs(got - want) <= abs_tol + rel_tol * std::abs(want))) {
            ADD_FAILURE() << what << "[" << i << "] of " << actual.shape_string() << " is " << got
                          << ", the reference gives " << want;
            if (++reported == 5) {
                ADD_FAILURE() << what << ": further differences not shown";
                return;
            }
        }
    }
}

inline void expect_near(const std::vector<float>& actual, const std::vector<double>& expected,
                        const std::string& what, double abs_tol = 2e-5, double rel_tol = 1e-5) {
    ASSERT_EQ(actual.size(), expected.size()) << what << ": size";
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(std::abs(actual[i] - expected[i]) <= abs_tol + rel_tol * std::abs(expected[i]))
            << what << "[" << i << "] is " << actual[i] << ", the reference gives " << expected[i];
}

// ---------------------------------------------------------------- the output size

// floor((n + 2p - k) / s) + 1, in signed arithmetic; 0 when the kernel does not fit.
inline size_t out_size(size_t n, size_t k, size_t s, size_t p) {
    const long span = long(n) + 2 * long(p) - long(k);
    if (span < 0) return 0;
    return size_t(span / long(s)) + 1;
}

// X(n, c, y, x), 0 outside the image (the padding).
inline double pixel(const Tensor& X, size_t n, size_t c, long y, long x) {
    if (y < 0 || x < 0 || y >= long(X.dim(2)) || x >= long(X.dim(3))) return 0.0;
    return X(n, c, size_t(y), size_t(x));
}

// ---------------------------------------------------------------- the convolution

struct ConvSpec {
    Tensor K;               // [C', C, kh, kw]
    std::vector<float> b;   // [C']
    size_t s = 1, p = 0;
};

inline cnn::Conv2d to_conv(const ConvSpec& spec) {
    cnn::Conv2d conv;
    conv.K = spec.K;
    conv.b = spec.b;
    conv.stride = spec.s;
    conv.padding = spec.p;
    return conv;
}

// Y(n, c', i, j) = b(c') + sum_c sum_u sum_v K(c', c, u, v) X(n, c, i s + u - p, j s + v - p)
inline Grid conv_forward(const ConvSpec& L, const Tensor& X) {
    const size_t B = X.dim(0), C = X.dim(1), Co = L.K.dim(0), kh = L.K.dim(2), kw = L.K.dim(3);
    const size_t Ho = out_size(X.dim(2), kh, L.s, L.p), Wo = out_size(X.dim(3), kw, L.s, L.p);
    Grid Y({B, Co, Ho, Wo});
    const long s = long(L.s), p = long(L.p);
    for (size_t n = 0; n < B; ++n)
        for (size_t o = 0; o < Co; ++o)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    double sum = L.b[o];
                    for (size_t c = 0; c < C; ++c)
                        for (size_t u = 0; u < kh; ++u)
                            for (size_t v = 0; v < kw; ++v)
                                sum += double(L.K(o, c, u, v)) *
                                       pixel(X, n, c, long(i) * s + long(u) - p, long(j) * s + long(v) - p);
                    Y(n, o, i, j) = sum;
                }
    return Y;
}

// sum of dY * Y over the whole batch: the loss whose gradient with respect to X is dX
// (per example), and, divided by B, whose gradient with respect to K and b is dK, db.
inline double dot(const Tensor& dY, const Grid& Y) {
    double sum = 0;
    for (size_t i = 0; i < Y.size(); ++i) sum += double(dY[i]) * Y[i];
    return sum;
}

struct ConvGrads {
    Grid dK;
    std::vector<double> db;
    Grid dX;
};

// The backward pass of the header, dK and db gathered per kernel cell, dX per input cell.
inline ConvGrads conv_backward(const ConvSpec& L, const Tensor& X, const Tensor& dY) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Co = L.K.dim(0), kh = L.K.dim(2), kw = L.K.dim(3), Ho = dY.dim(2), Wo = dY.dim(3);
    const long s = long(L.s), p = long(L.p);
    ConvGrads g{Grid(L.K.shape()), std::vector<double>(Co, 0.0), Grid(X.shape())};
    for (size_t o = 0; o < Co; ++o) {
        double sum = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) sum += dY(n, o, i, j);
        g.db[o] = sum / double(B);
        for (size_t c = 0; c < C; ++c)
            for (size_t u = 0; u < kh; ++u)
                for (size_t v = 0; v < kw; ++v) {
                    double k = 0;
                    for (size_t n = 0; n < B; ++n)
                        for (size_t i = 0; i < Ho; ++i)
                            for (size_t j = 0; j < Wo; ++j)
                                k += double(dY(n, o, i, j)) *
                                     pixel(X, n, c, long(i) * s + long(u) - p, long(j) * s + long(v) - p);
                    g.dK(o, c, u, v) = k / double(B);
                }
    }
    // dX(n, c, y, x): every (o, u, v) whose i = (y + p - u) / s is a whole output row, and j likewise.
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) {
                    double sum = 0;
                    for (size_t o = 0; o < Co; ++o)
                        for (size_t u = 0; u < kh; ++u)
                            for (size_t v = 0; v < kw; ++v) {
                                const long ri = long(y) + p - long(u), rj = long(x) + p - long(v);
                                if (ri < 0 || rj < 0 || ri % s != 0 || rj % s != 0) continue;
                                const long i = ri / s, j = rj / s;
                                if (i >= long(Ho) || j >= long(Wo)) continue;
                                sum += double(dY(n, o, size_t(i), size_t(j))) * double(L.K(o, c, u, v));
                            }
                    g.dX(n, c, y, x) = sum;
                }
    return g;
}

// ---------------------------------------------------------------- im2col, col2im

// cols((c kh + u) kw + v, (n H' + i) W' + j) = X(n, c, i s + u - p, j s + v - p)
inline Grid im2col(const Tensor& X, size_t kh, size_t kw, size_t s, size_t p) {
    const size_t B = X.dim(0), C = X.dim(1);
    const size_t Ho = out_size(X.dim(2), kh, s, p), Wo = out_size(X.dim(3), kw, s, p);
    Grid cols({C * kh * kw, B * Ho * Wo});
    for (size_t c = 0; c < C; ++c)
        for (size_t u = 0; u < kh; ++u)
            for (size_t v = 0; v < kw; ++v)
                for (size_t n = 0; n < B; ++n)
                    for (size_t i = 0; i < Ho; ++i)
                        for (size_t j = 0; j < Wo; ++j)
                            cols((c * kh + u) * kw + v, (n * Ho + i) * Wo + j) =
                                pixel(X, n, c, long(i * s + u) - long(p), long(j * s + v) - long(p));
    return cols;
}

// The adjoint of im2col: dX(n, c, y, x) = the sum of the entries of dcols read from it.
inline Grid col2im(const Tensor& dcols, const std::vector<size_t>& x_shape, size_t kh, size_t kw, size_t s,
                   size_t p) {
    const size_t B = x_shape[0], C = x_shape[1], H = x_shape[2], W = x_shape[3];
    const size_t Ho = out_size(H, kh, s, p), Wo = out_size(W, kw, s, p);
    Grid dX(x_shape);
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) {
                    double sum = 0;
                    for (size_t u = 0; u < kh; ++u)
                        for (size_t v = 0; v < kw; ++v) {
                            const long ri = long(y + p) - long(u), rj = long(x + p) - long(v);
                            if (ri < 0 || rj < 0 || ri % long(s) != 0 || rj % long(s) != 0) continue;
                            const size_t i = size_t(ri) / s, j = size_t(rj) / s;
                            if (i >= Ho || j >= Wo) continue;
                            sum += dcols((c * kh + u) * kw + v, (n * Ho + i) * Wo + j);
                        }
                    dX(n, c, y, x) = sum;
                }
    return dX;
}

// ---------------------------------------------------------------- pooling

struct MaxPool {
    Grid Y;
    std::vector<uint32_t> argmax;  // flat indices into X
};

// The largest value of each window, and where it is: the first in row-major window
// order on a tie (a later cell must be strictly larger to take its place).
inline MaxPool max_pool(const Tensor& X, size_t size, size_t stride) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const size_t Ho = out_size(H, size, stride, 0), Wo = out_size(W, size, stride, 0);
    MaxPool r{Grid({B, C, Ho, Wo}), {}};
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    double best = -std::numeric_limits<double>::infinity();
                    size_t where = 0;
                    for (size_t u = 0; u < size; ++u)
                        for (size_t v = 0; v < size; ++v) {
                            const size_t y = i * stride + u, x = j * stride + v;
                            if (X(n, c, y, x) > best) {
                                best = X(n, c, y, x);
                                where = ((n * C + c) * H + y) * W + x;
                            }
                        }
                    r.Y(n, c, i, j) = best;
                    r.argmax.push_back(uint32_t(where));
                }
    return r;
}

// dX of max pooling: each dY goes to its window's (first) largest cell, summed.
inline Grid max_pool_backward(const Tensor& X, const Tensor& dY, size_t size, size_t stride) {
    MaxPool r = max_pool(X, size, stride);
    Grid dX(X.shape());
    for (size_t t = 0; t < r.argmax.size(); ++t) dX[r.argmax[t]] += dY[t];
    return dX;
}

inline Grid avg_pool(const Tensor& X, size_t size, size_t stride) {
    const size_t B = X.dim(0), C = X.dim(1);
    const size_t Ho = out_size(X.dim(2), size, stride, 0), Wo = out_size(X.dim(3), size, stride, 0);
    Grid Y({B, C, Ho, Wo});
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < Ho; ++i)
                for (size_t j = 0; j < Wo; ++j) {
                    double sum = 0;
                    for (size_t u = 0; u < size; ++u)
                        for (size_t v = 0; v < size; ++v) sum += X(n, c, i * stride + u, j * stride + v);
                    Y(n, c, i, j) = sum / double(size * size);
                }
    return Y;
}

// dX(n, c, y, x) = the sum over the windows that hold (y, x) of dY / size^2, gathered.
inline Grid avg_pool_backward(const Tensor& dY, const std::vector<size_t>& x_shape, size_t size, size_t stride) {
    const size_t Ho = dY.dim(2), Wo = dY.dim(3);
    Grid dX(x_shape);
    for (size_t n = 0; n < x_shape[0]; ++n)
        for (size_t c = 0; c < x_shape[1]; ++c)
            for (size_t y = 0; y < x_shape[2]; ++y)
                for (size_t x = 0; x < x_shape[3]; ++x) {
                    double sum = 0;
                    for (size_t i = 0; i < Ho; ++i)
                        for (size_t j = 0; j < Wo; ++j)
                            if (y >= i * stride && y < i * stride + size && x >= j * stride && x < j * stride + size)
                                sum += dY(n, c, i, j);
                    dX(n, c, y, x) = sum / double(size * size);
                }
    return dX;
}

// ---------------------------------------------------------------- batch normalization

struct BatchNormPass {
    Grid Y, xhat;
    std::vector<double> mean, var, inv_std;  // var with 1/N
};

// Training mode: each channel normalized by its own mean and 1/N variance over B H W values.
inline BatchNormPass batch_norm_train(const Tensor& X, const std::vector<float>& gamma,
                                      const std::vector<float>& beta, double eps) {
    const size_t B = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
    const double N = double(B * H * W);
    BatchNormPass r{Grid(X.shape()), Grid(X.shape()), {}, {}, {}};
    for (size_t c = 0; c < C; ++c) {
        double sum = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) sum += X(n, c, y, x);
        const double mu = sum / N;
        double sq = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) sq += (X(n, c, y, x) - mu) * (X(n, c, y, x) - mu);
        const double var = sq / N, inv_std = 1.0 / std::sqrt(var + eps);
        r.mean.push_back(mu);
        r.var.push_back(var);
        r.inv_std.push_back(inv_std);
        for (size_t n = 0; n < B; ++n)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) {
                    const double xhat = (X(n, c, y, x) - mu) * inv_std;
                    r.xhat(n, c, y, x) = xhat;
                    r.Y(n, c, y, x) = gamma[c] * xhat + beta[c];
                }
    }
    return r;
}

// Inference mode: the given statistics instead of the batch's.
inline Grid batch_norm_infer(const Tensor& X, const cnn::BatchNorm& bn) {
    Grid Y(X.shape());
    for (size_t n = 0; n < X.dim(0); ++n)
        for (size_t c = 0; c < X.dim(1); ++c)
            for (size_t y = 0; y < X.dim(2); ++y)
                for (size_t x = 0; x < X.dim(3); ++x)
                    Y(n, c, y, x) = bn.gamma[c] * (X(n, c, y, x) - bn.running_mean[c]) /
                                        std::sqrt(double(bn.running_var[c]) + bn.eps) +
                                    bn.beta[c];
    return Y;
}

struct BatchNormGrads {
    Grid dX;
    std::vector<double> dgamma, dbeta;
};

// The header's formulas, in double: dgamma = (1/B) sum dY xhat, dbeta = (1/B) sum dY,
// dX = gamma inv_std / N (N dY - sum dY - xhat sum dY xhat).
inline BatchNormGrads batch_norm_backward(const Grid& xhat, const std::vector<double>& inv_std,
                                          const std::vector<float>& gamma, const Tensor& dY) {
    const size_t B = dY.dim(0), C = dY.dim(1), H = dY.dim(2), W = dY.dim(3);
    const double N = double(B * H * W);
    BatchNormGrads g{Grid(dY.shape()), std::vector<double>(C), std::vector<double>(C)};
    for (size_t c = 0; c < C; ++c) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x) {
                    sum_dy += dY(n, c, y, x);
                    sum_dy_xhat += dY(n, c, y, x) * xhat(n, c, y, x);
                }
        g.dgamma[c] = sum_dy_xhat / double(B);
        g.dbeta[c] = sum_dy / double(B);
        for (size_t n = 0; n < B; ++n)
            for (size_t y = 0; y < H; ++y)
                for (size_t x = 0; x < W; ++x)
                    g.dX(n, c, y, x) = gamma[c] * inv_std[c] / N *
                                       (N * dY(n, c, y, x) - sum_dy - xhat(n, c, y, x) * sum_dy_xhat);
    }
    return g;
}

}  // namespace reference5
