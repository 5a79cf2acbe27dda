#pragma once
// Chapter 3: backpropagation through a feedforward network. The symbols are those of
// the chapter's README (and of Nielsen's network.py):
//
//   l = 1 .. L      the layers; layer l maps a^{l-1} (n_{l-1} values) to a^l (n_l values)
//   W^l [n_l, n_{l-1}], b^l [n_l]       weights and biases
//   z^l = W^l a^{l-1} + b^l             the weighted input
//   a^l = f(z^l)                        the activation (a^0 = x, the input)
//   delta^l = dC/dz^l                   the error of layer l
//
//   delta^L = dC/da^L (.) f'(z^L)                          (BP1, output error)
//   delta^l = ((W^{l+1})^T delta^{l+1}) (.) f'(z^l)        (BP2, one layer back)
//   dC/db^l = delta^l                                      (BP3)
//   dC/dW^l = delta^l (a^{l-1})^T                          (BP4)
//
// Where the code differs from the formulas: it works on a mini-batch of B examples at
// once, one example per ROW, so a^l is stored as a [B, n_l] matrix A and
//   Z = A_prev W^T + b  [B, n_l],   nabla_W = delta^T A_prev / B,   nabla_b = mean of delta's rows.
// Layers are numbered from 0 in the code: layers[0] is l = 1 of the text.
//
// The cost of a mini-batch is the mean over its examples, C = (1/B) sum_x C_x:
//   Quadratic      C_x = 1/2 ||a^L - y||^2
//   CrossEntropy   C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)]    with sigmoid outputs
//                  C_x = -sum_j y_j ln a_j                             with softmax outputs
// Each row of delta holds the error of one example, delta_x = dC_x/dz_x (no 1/B);
// dense_backward() divides by B when it averages the weight gradients.
//
// Functions marked "Exercise 3.N" are yours to write in
// exercises/03-backpropagation/network.cpp; the reference bodies live in
// solutions/03-backpropagation/network.cpp. The others are given, in
// chapters/03-backpropagation/given_*.cpp, and are linked in every build.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/gradcheck.hpp"
#include "common/random.hpp"
#include "common/tensor.hpp"
#include "common/training.hpp"

namespace bp {

using nn::Tensor;

// ---------------------------------------------------------------- activations and costs

// Linear is the identity (the output of a regression network). Softmax only makes
// sense as the output layer, with the cross-entropy cost.
enum class Activation { Sigmoid, Tanh, ReLU, Linear, Softmax };
enum class Cost { Quadratic, CrossEntropy };

// "sigmoid", "tanh", "relu", "linear", "softmax"; "quadratic", "cross-entropy".
Activation parse_activation(const std::string& name);  // throws nn::UsageError
Cost parse_cost(const std::string& name);
std::string name_of(Activation f);
std::string name_of(Cost cost);

// Exercise 3.1: f'(z) for an elementwise activation, given z and a = f(z) (using a is
// cheaper where the derivative is a function of the value):
//   Sigmoid  a (1 - a)      Tanh  1 - a^2      ReLU  1 if z > 0 else 0      Linear  1
// Softmax is not elementwise: output_delta() handles it; calling this for it throws
// std::logic_error.
float derivative(Activation f, float z, float a);

// a = f(z) elementwise, or row by row for Softmax. Z, A [B, n]; A is resized.
void activate(Activation f, const Tensor& Z, Tensor& A);

// Exercise 3.4: the softmax of each row, a_j = exp(z_j - m) / sum_k exp(z_k - m) with
// m the row's maximum, so that large logits do not overflow. Z [B, n] -> A [B, n].
void softmax_rows(const Tensor& Z, Tensor& A);

// The mean cost of a mini-batch, C = (1/B) sum_x C_x, in double. A, Y [B, n]. The
// logarithms are clamped at ln(1e-12) (softmax or sigmoid can round to exactly 0 or 1).
double cost_value(Cost cost, Activation output, const Tensor& A, const Tensor& Y);

// Exercise 3.5: the output error delta^L [B, n] (one row per example, no 1/B):
//   Quadratic                  (a - y) (.) f'(z)     any elementwise output f
//   CrossEntropy + Sigmoid     a - y                  the sigma' cancels (the README shows why)
//   CrossEntropy + Softmax     a - y                  likewise
// Other pairs (Quadratic + Softmax, CrossEntropy + Tanh/ReLU/Linear) throw nn::UsageError.
void output_delta(Cost cost, Activation output, const Tensor& Z, const Tensor& A,
                  const Tensor& Y, Tensor& delta);

// ---------------------------------------------------------------- the dense layer

struct Dense {
    Tensor W;              // [n_out, n_in]
    std::vector<float> b;  // [n_out]
    Activation f = Activation::Sigmoid;
    size_t inputs() const { return W.dim(1); }
    size_t outputs() const { return W.dim(0); }
};

// Exercise 3.2: the weighted input of a mini-batch, Z = A_prev W^T + b.
// A_prev [B, n_in] -> Z [B, n_out] (resized). The product goes through nn::gemm.
void dense_forward(const Dense& layer, const Tensor& A_prev, Tensor& Z);

// Exercise 3.3: the gradients of one dense layer from its error delta [B, n_out]:
//   nabla_W = delta^T A_prev / B    [n_out, n_in]   (BP4, averaged over the batch)
//   nabla_b = column means of delta [n_out]         (BP3)
//   dA_prev = delta W               [B, n_in]       (the first half of BP2; the caller
//                                                    multiplies by f'(z) of the layer below)
// dA_prev == nullptr skips the last product (the first layer needs no gradient for x).
// Outputs are resized.
void dense_backward(const Dense& layer, const Tensor& A_prev, const Tensor& delta,
                    Tensor& nabla_W, std::vector<float>& nabla_b, Tensor* dA_prev);

// ---------------------------------------------------------------- the network

enum class Init {
    Large,   // W ~ N(0, 1): Nielsen's first network; saturates sigmoids of wide layers
    Scaled,  // W ~ N(0, 1/n_in): keeps z of order 1 (Nielsen's improved initialization)
    He       // W ~ N(0, 2/n_in): the same idea for ReLU, which zeroes half its inputs
};
Init parse_init(const std::string& name);  // "large", "scaled", "he"
std::string name_of(Init init);

struct Network {
    std::vector<Dense> layers;  // layers[0] reads the input
    Cost cost = Cost::Quadratic;
    // sizes = {n_0, n_1, ..., n_L}, e.g. {784, 30, 10}.
    std::vector<size_t> sizes() const;
    size_t parameter_count() const;
};

// Hidden layers use `hidden`, the last layer `output`. Biases are drawn N(0, 1) for
// Init::Large (as in Nielsen's network.py) and 0 otherwise. Throws nn::UsageError for
// fewer than two sizes, a zero size, or an output/cost pair output_delta() refuses.
Network make_network(const std::vector<size_t>& sizes, Activation hidden, Activation output,
                     Cost cost, Init init, nn::Rng& rng);

// A table like those of mainstream frameworks: one row per layer (its name, output
// shape, parameter count), then the total.
//   layer        output shape   parameters
//   dense+sigmoid [B, 30]        23550
std::string summary(const Network& net);

// What a forward pass keeps for the backward pass, in Nielsen's names. Reused from
// step to step so that a training loop allocates nothing after the first step.
struct Pass {
    std::vector<Tensor> zs;           // zs[l] = z of layers[l]            [B, n_{l+1}]
    std::vector<Tensor> activations;  // activations[0] = x, activations[l+1] = f(zs[l])
                                      // (times masks[l] under dropout)
    std::vector<Tensor> masks;        // dropout masks of the hidden layers (empty when off)
};

// Inverted dropout, applied to the hidden activations during training only.
struct Dropout {
    float p = 0.0f;  // probability of dropping a unit, in [0, 1)
    nn::Rng* rng = nullptr;
};

// Exercise 3.8: inverted dropout. Each unit is kept with probability 1 - p: the mask
// holds 1/(1 - p) where kept (u >= p for u = rng.uniform(0, 1), drawn in row-major
// order) and 0 where dropped, and A is multiplied by it, so the expected activation is
// unchanged and nothing needs rescaling at test time. A, mask [B, n]; mask is resized.
void dropout_forward(Tensor& A, float p, nn::Rng& rng, Tensor& mask);
// The gradient flows only through the kept units: dA (.)= mask.
void dropout_backward(Tensor& dA, const Tensor& mask);

// The forward pass of a mini-batch X [B, n_0], filling pass (zs, activations and, when
// dropout.p > 0, masks). The output is pass.activations.back() [B, n_L].
void forward(const Network& net, const Tensor& X, Pass& pass, Dropout dropout = {});

struct Gradients {
    std::vector<Tensor> nabla_w;             // nabla_w[l] like layers[l].W
    std::vector<std::vector<float>> nabla_b; // nabla_b[l] like layers[l].b
};

// Exercise 3.6: backpropagation. From a forward pass of X and the targets Y [B, n_L],
// the gradients of the mean cost with respect to every W and b: output_delta() for
// delta^L, then for each layer from the last to the first dense_backward(), and, below
// it, delta = dA_prev (.) dropout mask (.) f'(z) (BP2). grads is resized.
void backprop(const Network& net, const Pass& pass, const Tensor& Y, Gradients& grads);

// Exercise 3.7: one step of gradient descent with L2 regularization (weight decay).
// For the cost C + lambda/(2n) sum w^2 over a training set of n examples:
//   W <- (1 - eta lambda / n) W - eta nabla_W        b <- b - eta nabla_b
// (the biases are not decayed). lambda = 0 is plain SGD.
void sgd_step(Network& net, const Gradients& grads, float eta, float lambda, size_t n);

// ---------------------------------------------------------------- training and evaluation

// Outputs of the network for X [N, n_0] in slices (no dropout): [N, n_L].
Tensor predict(const Network& net, const Tensor& X);
// The mean cost over a whole set, and the fraction of rows whose largest output is
// the label (classification). Y [N, n_L].
double mean_cost(const Network& net, const Tensor& X, const Tensor& Y);
double accuracy(const Network& net, const Tensor& X, std::span<const int> labels);

// One-hot targets: Y [N, classes] with Y(i, labels[i]) = 1.
Tensor one_hot(std::span<const int> labels, size_t classes);

struct TrainOptions {
    float eta = 3.0f;
    size_t batch = 10;
    float lambda = 0.0f;   // L2
    float dropout = 0.0f;  // p of the hidden units
};

// A network bound to its training set X [n, n_0], Y [n, n_L], for the one training
// loop, nn::Trainer (common/training.hpp): every layer's W and b are its parameters.
// Under dropout (dropout.p > 0) the hidden units of each mini-batch are dropped with
// masks drawn from dropout.rng.
class NetworkTraining : public nn::Trainable {
public:
    NetworkTraining(Network& net, const Tensor& X, const Tensor& Y, Dropout dropout = {});
    size_t examples() const override { return X_.dim(0); }
    // forward() of the rows, cost_value() of the output, backprop().
    double loss_and_gradients(std::span<const size_t> rows) override;
    // W^1, b^1, W^2, b^2, ... with their gradients.
    std::vector<nn::Parameter> parameters() override;
    // The last mini-batch's pass and gradients, for a --trace or a measurement.
    const Pass& pass() const { return pass_; }
    const Gradients& gradients() const { return grads_; }

private:
    Network& net_;
    const Tensor& X_;
    const Tensor& Y_;
    Dropout dropout_;
    Pass pass_;
    Gradients grads_;
    Tensor Y_batch_;
};

// Called at every step of train_epoch() after backprop() and before the update, with the
// step's number (from 0), its mini-batch cost and size, the pass and the gradients: for a
// progress bar or a --trace of the first steps.
using StepObserver = std::function<void(long step, double cost, size_t rows, const Pass& pass,
                                        const Gradients& grads)>;

// One epoch of mini-batch SGD over X [n, n_0], Y [n, n_L] in the order of a fresh
// permutation from rng (which also draws the dropout masks): nn::Trainer with
// NetworkTraining and sgd_step() (exercise 3.7) as the update. Returns the mean training
// cost of the mini-batches as they were seen. Throws nn::Diverged on a non-finite cost.
double train_epoch(Network& net, const Tensor& X, const Tensor& Y, const TrainOptions& options,
                   nn::Rng& rng, int epoch = 1, const StepObserver& observe = {});

// ---------------------------------------------------------------- gradient checking

// Exercise 3.9: check backprop() against central differences with nn::check_gradient,
// for each layer's W and b in turn, on the mini-batch X, Y (no dropout). The loss the
// checker nudges is cost_value() of a forward pass. The parameters are left as found.
struct LayerCheck {
    size_t layer = 0;
    nn::GradCheckResult weights, biases;
};
std::vector<LayerCheck> check_network_gradients(Network& net, const Tensor& X, const Tensor& Y,
                                                double eps = 1e-3);

// ---------------------------------------------------------------- saving and loading

// A binary file: the magic bytes "NNBP", a uint32 version (2), the cost, the number of
// layers, then per layer n_out, n_in, the activation (uint32 each), W and b as
// little-endian float32, and last the CRC-32 of every byte before it. Written to
// "<path>.tmp" and renamed, so a crash never leaves a half-written model under the real
// name. Throws std::invalid_argument for a network whose file load_network would refuse
// (shapes that do not chain, a parameter that is NaN or infinite).
void save_network(const Network& net, const std::string& path);
// Throws nn::DataError naming the file and the problem: not a model file (wrong magic),
// an unknown version, a truncated file, trailing bytes, impossible shapes (a layer
// whose n_in differs from the previous layer's n_out), a parameter that is NaN or
// infinite, or a checksum that does not match (a byte changed since it was saved).
// Version 1 files (the same without the checksum) still load.
Network load_network(const std::string& path);
// Throws nn::DataError when the network's input or output size is not what the data needs.
void require_shape(const Network& net, size_t inputs, size_t outputs, const std::string& what);

}  // namespace bp
