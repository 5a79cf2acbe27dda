// Chapter 3, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=03` to see which exercises pass, and `make hint EX=3.1` when stuck.
// The symbols (z, a, delta, nabla_W, ...) and the shapes are those of
// chapters/03-backpropagation/network.hpp: one example per ROW, B examples in a batch.
// Activations, costs, make_network(), forward(), the training loop and the rest are
// given, in chapters/03-backpropagation/given_network.cpp.
#include "03-backpropagation/network.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"

namespace bp {

// ---------------------------------------------------------------- 3.1 f'(z)

float derivative(Activation /*f*/, float /*z*/, float /*a*/) {
    // TODO(3.1): return f'(z), using a = f(z) where that is cheaper:
    //   Sigmoid  a (1 - a)      Tanh  1 - a^2      ReLU  1 if z > 0 else 0      Linear  1.
    // For Softmax (not elementwise) throw std::logic_error.
    throw nn::NotImplemented("3.1");
}

// ---------------------------------------------------------------- 3.4 softmax

void softmax_rows(const Tensor& /*Z*/, Tensor& /*A*/) {
    // TODO(3.4): Z, A [B, n] (give A Z's shape if it has another). For each row i, with
    // m = max_j Z(i, j): A(i, j) = exp(Z(i, j) - m) / sum_k exp(Z(i, k) - m).
    throw nn::NotImplemented("3.4");
}

// ---------------------------------------------------------------- 3.5 the output error

void output_delta(Cost /*cost*/, Activation /*output*/, const Tensor& /*Z*/, const Tensor& /*A*/,
                  const Tensor& /*Y*/, Tensor& /*delta*/) {
    // TODO(3.5): delta^L = dC_x/dz^L for every example (no 1/B), Z, A, Y, delta [B, n]
    // (give delta A's shape):
    //   Quadratic                 delta = (a - y) (.) f'(z)   (BP1, f elementwise)
    //   CrossEntropy + Sigmoid    delta = a - y
    //   CrossEntropy + Softmax    delta = a - y
    // Quadratic + Softmax and CrossEntropy + Tanh/ReLU/Linear throw nn::UsageError.
    throw nn::NotImplemented("3.5");
}

// ---------------------------------------------------------------- 3.2 and 3.3 the dense layer

void dense_forward(const Dense& /*layer*/, const Tensor& /*A_prev*/, Tensor& /*Z*/) {
    // TODO(3.2): z = W a + b for each example, as a batch: Z = A_prev W^T + b, with
    // A_prev [B, n_in], W [n_out, n_in], b [n_out] added to every row, Z [B, n_out]
    // (resize Z if its shape differs). The product goes through nn::gemm.
    throw nn::NotImplemented("3.2");
}

void dense_backward(const Dense& /*layer*/, const Tensor& /*A_prev*/, const Tensor& /*delta*/,
                    Tensor& /*nabla_W*/, std::vector<float>& /*nabla_b*/, Tensor* /*dA_prev*/) {
    // TODO(3.3): from delta [B, n_out] and A_prev [B, n_in], overwriting the outputs:
    //   nabla_W = delta^T A_prev / B      [n_out, n_in]   (BP4, averaged over the batch)
    //   nabla_b = mean of delta's rows    [n_out]         (BP3)
    //   *dA_prev = delta W                [B, n_in]       (BP2 before f'; skip when null)
    throw nn::NotImplemented("3.3");
}

// ---------------------------------------------------------------- 3.8 dropout

void dropout_forward(Tensor& /*A*/, float /*p*/, nn::Rng& /*rng*/, Tensor& /*mask*/) {
    // TODO(3.8): A, mask [B, n] (give mask A's shape). In row-major order draw
    // u = rng.uniform(0, 1): mask = 1/(1 - p) if u >= p (kept), else 0; then A (.)= mask.
    throw nn::NotImplemented("3.8");
}

void dropout_backward(Tensor& /*dA*/, const Tensor& /*mask*/) {
    // TODO(3.8): dA (.)= mask, elementwise; dA and mask [B, n].
    throw nn::NotImplemented("3.8");
}

// ---------------------------------------------------------------- 3.6 backpropagation

void backprop(const Network& /*net*/, const Pass& /*pass*/, const Tensor& /*Y*/,
              Gradients& /*grads*/) {
    // TODO(3.6): size grads.nabla_w and grads.nabla_b to L = net.layers.size().
    // delta^L [B, n_L] = output_delta(cost, f of the last layer, zs[L-1], activations[L], Y) (BP1).
    // Then for l = L-1 down to 0 (layers[l] reads activations[l] [B, n_l]):
    //   dense_backward(layers[l], activations[l], delta) -> nabla_w[l], nabla_b[l], dA [B, n_l]
    //   (no dA for l = 0), and for l > 0 the error of the layer below (BP2):
    //   delta = dA (.) masks[l-1] (when pass.masks is not empty) (.) f'(zs[l-1]) of layers[l-1]
    //   (with dropout activations[l] holds f(z) (.) mask, and f' wants f(z) itself).
    throw nn::NotImplemented("3.6");
}

// ---------------------------------------------------------------- 3.7 the update

void sgd_step(Network& /*net*/, const Gradients& /*grads*/, float /*eta*/, float /*lambda*/,
              size_t /*n*/) {
    // TODO(3.7): for every layer l, with n the size of the training set:
    //   W <- (1 - eta lambda / n) W - eta nabla_w[l]      [n_out, n_in]
    //   b <- b - eta nabla_b[l]                          [n_out]   (no decay on b)
    throw nn::NotImplemented("3.7");
}

// ---------------------------------------------------------------- 3.9 gradient checking

std::vector<LayerCheck> check_network_gradients(Network& /*net*/, const Tensor& /*X*/,
                                                const Tensor& /*Y*/, double /*eps*/) {
    // TODO(3.9): forward (no dropout) and backprop once for the analytic gradients. The
    // loss for the checker: a fresh forward pass of X, then cost_value(net.cost, f of the
    // last layer, output, Y). For each layer l, one LayerCheck {l,
    // nn::check_gradient(loss, W^l, nabla_w[l], eps), the same for b^l and nabla_b[l]}.
    // The parameters must be as found afterwards (check_gradient puts each one back).
    throw nn::NotImplemented("3.9");
}

}  // namespace bp
