// Chapter 3, the reference solutions of exercises 3.1 - 3.9.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include "03-backpropagation/network.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"

namespace bp {

// Exercise 3.1
float derivative(Activation f, float z, float a) {
    switch (f) {
        case Activation::Sigmoid: return a * (1.0f - a);
        case Activation::Tanh: return 1.0f - a * a;
        case Activation::ReLU: return z > 0.0f ? 1.0f : 0.0f;
        case Activation::Linear: return 1.0f;
        case Activation::Softmax: break;
    }
    throw std::logic_error("softmax is not elementwise: its delta comes from output_delta()");
}

// Exercise 3.4
void softmax_rows(const Tensor& Z, Tensor& A) {
    assert(Z.rank() == 2);
    size_t B = Z.dim(0), n = Z.dim(1);
    if (A.shape() != Z.shape()) A = Tensor(Z.shape());
    // Z, A [B, n]: each row on its own; subtracting the row's maximum changes nothing
    // mathematically and keeps exp() from overflowing.
    for (size_t i = 0; i < B; ++i) {
        float m = Z(i, 0);
        for (size_t j = 1; j < n; ++j) m = std::max(m, Z(i, j));
        float sum = 0.0f;
        for (size_t j = 0; j < n; ++j) sum += A(i, j) = std::exp(Z(i, j) - m);
        for (size_t j = 0; j < n; ++j) A(i, j) /= sum;
    }
}

// Exercise 3.5
void output_delta(Cost cost, Activation output, const Tensor& Z, const Tensor& A,
                  const Tensor& Y, Tensor& delta) {
    assert(A.shape() == Y.shape() && Z.shape() == A.shape());
    if (delta.shape() != A.shape()) delta = Tensor(A.shape());
    bool cancels = cost == Cost::CrossEntropy &&
                   (output == Activation::Sigmoid || output == Activation::Softmax);
    if (cost == Cost::CrossEntropy && !cancels)
        throw nn::UsageError("the cross-entropy cost needs a sigmoid or softmax output (got " +
                             name_of(output) + ")");
    if (cost == Cost::Quadratic && output == Activation::Softmax)
        throw nn::UsageError("a softmax output goes with the cross-entropy cost, not the quadratic one");
    // delta, A, Y, Z [B, n]
    for (size_t i = 0; i < A.size(); ++i) {
        float error = A[i] - Y[i];
        delta[i] = cancels ? error : error * derivative(output, Z[i], A[i]);
    }
}

// Exercise 3.2
void dense_forward(const Dense& layer, const Tensor& A_prev, Tensor& Z) {
    assert(A_prev.rank() == 2 && A_prev.dim(1) == layer.inputs());
    int B = int(A_prev.dim(0)), n_in = int(layer.inputs()), n_out = int(layer.outputs());
    if (Z.rank() != 2 || Z.dim(0) != size_t(B) || Z.dim(1) != size_t(n_out)) Z = Tensor({size_t(B), size_t(n_out)});
    // Z [B, n_out] = b broadcast over the rows, then += A_prev [B, n_in] W^T [n_in, n_out].
    for (int i = 0; i < B; ++i) std::copy(layer.b.begin(), layer.b.end(), Z.row(size_t(i)).begin());
    nn::gemm(nn::Trans::No, nn::Trans::Yes, B, n_out, n_in, 1.0f, A_prev.data(), n_in,
             layer.W.data(), n_in, 1.0f, Z.data(), n_out);
}

// Exercise 3.3
void dense_backward(const Dense& layer, const Tensor& A_prev, const Tensor& delta,
                    Tensor& nabla_W, std::vector<float>& nabla_b, Tensor* dA_prev) {
    int B = int(delta.dim(0)), n_in = int(layer.inputs()), n_out = int(layer.outputs());
    assert(delta.dim(1) == size_t(n_out) && A_prev.dim(0) == size_t(B) && A_prev.dim(1) == size_t(n_in));
    if (nabla_W.shape() != layer.W.shape()) nabla_W = Tensor(layer.W.shape());
    nabla_b.assign(size_t(n_out), 0.0f);
    float inv_B = 1.0f / float(B);
    // nabla_W [n_out, n_in] = delta^T [n_out, B] A_prev [B, n_in] / B   (BP4)
    nn::gemm(nn::Trans::Yes, nn::Trans::No, n_out, n_in, B, inv_B, delta.data(), n_out,
             A_prev.data(), n_in, 0.0f, nabla_W.data(), n_in);
    // nabla_b [n_out] = mean over the rows of delta                        (BP3)
    for (int i = 0; i < B; ++i)
        for (int j = 0; j < n_out; ++j) nabla_b[size_t(j)] += delta(size_t(i), size_t(j));
    for (float& g : nabla_b) g *= inv_B;
    if (dA_prev == nullptr) return;
    // dA_prev [B, n_in] = delta [B, n_out] W [n_out, n_in]                (BP2, before f')
    if (dA_prev->shape() != A_prev.shape()) *dA_prev = Tensor(A_prev.shape());
    nn::gemm(nn::Trans::No, nn::Trans::No, B, n_in, n_out, 1.0f, delta.data(), n_out,
             layer.W.data(), n_in, 0.0f, dA_prev->data(), n_in);
}

// Exercise 3.8
void dropout_forward(Tensor& A, float p, nn::Rng& rng, Tensor& mask) {
    if (mask.shape() != A.shape()) mask = Tensor(A.shape());
    float keep_scale = 1.0f / (1.0f - p);
    // A, mask [B, n]
    for (size_t i = 0; i < A.size(); ++i) {
        mask[i] = rng.uniform(0.0f, 1.0f) >= p ? keep_scale : 0.0f;
        A[i] *= mask[i];
    }
}

void dropout_backward(Tensor& dA, const Tensor& mask) {
    assert(dA.shape() == mask.shape());
    for (size_t i = 0; i < dA.size(); ++i) dA[i] *= mask[i];
}

// Exercise 3.6
void backprop(const Network& net, const Pass& pass, const Tensor& Y, Gradients& grads) {
    size_t L = net.layers.size();
    grads.nabla_w.resize(L);
    grads.nabla_b.resize(L);
    const Dense& last = net.layers.back();
    Tensor delta, dA;
    output_delta(net.cost, last.f, pass.zs.back(), pass.activations.back(), Y, delta);  // BP1
    for (size_t l = L; l-- > 0;) {
        // activations[l] is the input of layers[l]; the first layer needs no dA.
        dense_backward(net.layers[l], pass.activations[l], delta, grads.nabla_w[l], grads.nabla_b[l],
                       l > 0 ? &dA : nullptr);
        if (l == 0) break;
        // delta^{l-1} = dA (.) mask (.) f'(z^{l-1})                         (BP2)
        const Tensor* mask = pass.masks.empty() ? nullptr : &pass.masks[l - 1];
        if (mask) dropout_backward(dA, *mask);
        const Tensor& z = pass.zs[l - 1];
        const Tensor& a = pass.activations[l];
        Activation f = net.layers[l - 1].f;
        // Under dropout a holds f(z) (.) mask, but f' wants f(z): divide the mask back out
        // (where it is 0, dA already is 0).
        for (size_t i = 0; i < dA.size(); ++i) {
            float fz = mask && (*mask)[i] != 0.0f ? a[i] / (*mask)[i] : a[i];
            dA[i] *= derivative(f, z[i], fz);
        }
        std::swap(delta, dA);
    }
}

// Exercise 3.7
void sgd_step(Network& net, const Gradients& grads, float eta, float lambda, size_t n) {
    float decay = 1.0f - eta * lambda / float(n);
    for (size_t l = 0; l < net.layers.size(); ++l) {
        // Raw pointers: this loop runs over every weight at every step, and Tensor's
        // bounds-checked operator[] would make it the slowest part of training.
        float* W = net.layers[l].W.data();
        const float* nabla_W = grads.nabla_w[l].data();
        for (size_t i = 0; i < net.layers[l].W.size(); ++i) W[i] = decay * W[i] - eta * nabla_W[i];
        std::vector<float>& b = net.layers[l].b;
        for (size_t j = 0; j < b.size(); ++j) b[j] -= eta * grads.nabla_b[l][j];
    }
}

// Exercise 3.9
std::vector<LayerCheck> check_network_gradients(Network& net, const Tensor& X, const Tensor& Y,
                                                double eps) {
    Pass pass;
    Gradients grads;
    forward(net, X, pass);
    backprop(net, pass, Y, grads);
    // The checker nudges one parameter in place and calls this to see the cost move.
    auto cost = [&] {
        Pass nudged;
        forward(net, X, nudged);
        return cost_value(net.cost, net.layers.back().f, nudged.activations.back(), Y);
    };
    std::vector<LayerCheck> checks;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        LayerCheck check;
        check.layer = l;
        check.weights = nn::check_gradient(cost, net.layers[l].W.span(), grads.nabla_w[l].span(), eps);
        check.biases = nn::check_gradient(cost, net.layers[l].b, grads.nabla_b[l], eps);
        checks.push_back(check);
    }
    return checks;
}

}  // namespace bp
