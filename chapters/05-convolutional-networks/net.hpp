#pragma once
// Chapter 5: a convolutional network, the layers of conv.hpp stacked and trained by the
// one training loop (nn::Trainer) with chapter 2's optimizers. Written in the notation
// of the textbooks' figures, layers separated by '-':
//
//   conv5x5x20-pool2-conv5x5x40-pool2-dense100-dense10          (the chapter's LeNet)
//
//   convKxKxC   C kernels of K x K, stride 1 (add sS for stride S, pP for padding P:
//               conv3x3x32p1), followed by a ReLU
//   bn          batch normalization of the previous convolution's channels, before its
//               ReLU (conv5x5x20-bn-pool2)
//   poolN       max pooling, windows of N every N cells;  avgpoolN  the same, averaging
//   denseN      a dense layer of N units (chapter 3's bp::Dense) on the flattened maps,
//               followed by a ReLU, except the last, whose N outputs are the logits
//   dropoutP    inverted dropout of the previous layer's outputs with probability P
//
// The last dense layer's logits go through the softmax, and the cost is chapter 3's
// cross-entropy, C = -(1/B) sum_x ln a_y(x). The error each layer passes down is per
// example (no 1/B), and every parameter gradient is a mean over the batch, as in
// chapter 3; so the backward pass is chapter 3's, layer by layer, with the layers of
// conv.hpp in it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "03-backpropagation/network.hpp"
#include "05-convolutional-networks/conv.hpp"
#include "common/random.hpp"
#include "common/training.hpp"

namespace cnn {

// The chapter's LeNet-style net (section 9), the default of its programs.
inline constexpr const char* kLeNet = "conv5x5x20-pool2-conv5x5x40-pool2-dense100-dense10";

enum class Kind { Conv, BatchNorm, ReLU, MaxPool, AvgPool, Flatten, Dense, Dropout };

struct Layer {
    Kind kind = Kind::ReLU;
    Conv2d conv{};     // Kind::Conv
    BatchNorm bn{};    // Kind::BatchNorm
    bp::Dense dense{}; // Kind::Dense (its f is Linear: the ReLU is a layer of its own)
    size_t pool = 0;   // Kind::MaxPool, Kind::AvgPool: the window and the stride
    float p = 0;       // Kind::Dropout
};

struct Net {
    std::vector<size_t> input;  // one example's shape [C, H, W]
    std::vector<Layer> layers;
    std::string spec;           // as given to make_net
    size_t parameter_count() const;
    size_t classes() const;     // the last dense layer's outputs
};

// The network of the spec for inputs of shape [C, H, W], weights drawn He-scaled
// (make_conv, bp::Init::He), biases 0. Throws nn::UsageError naming the token for a
// word it does not know, a number out of range, a kernel that does not fit in the maps
// it gets, bn not after a convolution, or a spec that does not end with a dense layer.
Net make_net(const std::string& spec, const std::vector<size_t>& input, nn::Rng& rng);

// Each layer's output shape for one example: [C, H, W] for the maps, [n] after the
// flatten. shapes[0] is the input, shapes[l + 1] the output of layers[l].
std::vector<std::vector<size_t>> layer_shapes(const Net& net);

// A table like those of mainstream frameworks (torchinfo's, Keras' model.summary()):
// one row per layer with its output shape, its parameters and its multiply-adds per
// example, then the totals.
//   layer            output shape     parameters   mult-adds
//   conv 5x5x20      [20, 24, 24]            520     288,000
std::string summary(const Net& net);
// The multiply-adds of one example's forward pass, summed over the layers.
size_t multiply_adds(const Net& net);

// What a forward pass keeps for the backward pass, one entry per layer, reused from
// mini-batch to mini-batch so that training allocates nothing after its first step.
struct Pass {
    std::vector<Tensor> acts;  // acts[0] = X [B, C, H, W]; acts[l + 1] = layers[l]'s output
    std::vector<ConvWorkspace> work;
    std::vector<std::vector<uint32_t>> argmax;
    std::vector<BatchNormCache> bn;
    std::vector<Tensor> masks;  // dropout
    Tensor delta, d_in;         // the backward pass's error at a layer's output and input
    Tensor probs;               // the softmax of the logits
};

struct Gradients {
    std::vector<Tensor> dW;             // dK of a convolution, nabla_W of a dense layer
    std::vector<std::vector<float>> db; // db, nabla_b; dgamma of a batch norm
    std::vector<std::vector<float>> dbeta;
};

// The forward pass of X [B, C, H, W] (or [B, C H W]: it is reshaped). Mode::Train uses
// the batch's statistics in batch norm and, with rng, draws dropout masks; Mode::Infer
// the running statistics and no dropout. The logits are pass.acts.back() [B, classes].
void forward(Net& net, const Tensor& X, Mode mode, Pass& pass, nn::Rng* rng = nullptr);

// The mean cross-entropy of the softmax of the logits against the labels, and the
// backward pass from it: every parameter's gradient into grads (resized).
double backward(const Net& net, Pass& pass, std::span<const int> labels, Gradients& grads);

// The logits of X [N, C H W] in slices (Mode::Infer): [N, classes].
Tensor predict(Net& net, const Tensor& X);
// The fraction of rows of X whose largest logit is the label, and the mean cost.
double accuracy(Net& net, const Tensor& X, std::span<const int> labels);
double mean_cost(Net& net, const Tensor& X, std::span<const int> labels);

// Data augmentation: each example of X [B, C H W] (each of shape [C, H, W]) mirrored
// left to right with probability 1/2, one draw of rng per example. A garment seen in a
// mirror is the same garment, so a net trained on both sides learns no side it must not.
void mirror_at_random(Tensor& X, const std::vector<size_t>& shape, nn::Rng& rng);

// What NetTraining does to each mini-batch before its forward pass.
struct Augment {
    bool mirror = false;  // mirror_at_random
};

// The net bound to its training set X [n, C H W] and labels, for nn::Trainer: every
// kernel, bias, gamma, beta and weight with its gradient. Dropout masks and the
// augmentation's draws come from rng (no draw without augmentation).
class NetTraining : public nn::Trainable {
public:
    NetTraining(Net& net, const Tensor& X, std::span<const int> labels, nn::Rng& rng, Augment augment = {});
    size_t examples() const override { return X_.dim(0); }
    double loss_and_gradients(std::span<const size_t> rows) override;
    std::vector<nn::Parameter> parameters() override;
    const Pass& pass() const { return pass_; }

private:
    Net& net_;
    const Tensor& X_;
    std::span<const int> labels_;
    nn::Rng& rng_;
    Augment augment_;
    Pass pass_;
    Gradients grads_;
    Tensor batch_;
    std::vector<int> batch_labels_;
};

// Every parameter of the net with the gradient backward() leaves in grads, in the
// order of NetTraining::parameters(): for the gradient check and the optimizers.
std::vector<nn::Parameter> parameters(Net& net, const Gradients& grads);

// Weight decay, chapter 3's L2 as a step of its own: every kernel K and dense weight W
// shrinks, w <- (1 - eta lambda) w (biases, gamma and beta are not decayed). Called after
// the optimizer's step, with that step's learning rate.
void decay_weights(Net& net, float eta, float lambda);

// ---------------------------------------------------------------- looking inside
// What a trained net computes for its inputs, in Mode::Infer (batch norm's running
// statistics, no dropout). x is one example, [C, H, W] or [C H W].

// Every layer's output for x, without the batch axis: maps[0] is x [C, H, W],
// maps[l + 1] the output of layers[l] (its shape layer_shapes(net)[l + 1]).
std::vector<Tensor> feature_maps(Net& net, const Tensor& x);

// The saliency map of class c (Simonyan, Vedaldi and Zisserman, 2014): the gradient of
// the class score, the logit z_c, with respect to the pixels of x, [C, H, W]. Large
// |entries| mark the pixels whose change would move the score most.
Tensor saliency(Net& net, const Tensor& x, size_t c);

// For each example of X [N, C H W] and each channel of layers[l]'s output, the largest
// cell of that channel's map: [N, channels]. The examples that excite a filter most
// are those with its largest peaks. Throws nn::UsageError for a layer without maps.
Tensor channel_peaks(Net& net, const Tensor& X, size_t l);

}  // namespace cnn
