// Chapter 5, the given network of net.hpp: the spec parser, the summary, and the forward
// and backward passes that chain the layers of conv.hpp and chapter 3's dense layers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>
#include <string>

#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"

namespace cnn {

namespace {

std::vector<std::string> tokens_of(const std::string& spec) {
    std::vector<std::string> tokens;
    size_t start = 0;
    for (size_t dash; (dash = spec.find('-', start)) != std::string::npos; start = dash + 1)
        tokens.push_back(spec.substr(start, dash - start));
    tokens.push_back(spec.substr(start));
    return tokens;
}

[[noreturn]] void refuse(const std::string& spec, const std::string& token, const std::string& why) {
    throw nn::UsageError("--net " + spec + ": '" + token + "' " + why);
}

size_t number(const std::ssub_match& match, size_t lo, size_t hi, const std::string& spec,
              const std::string& token) {
    size_t value = match.matched ? std::stoul(match.str()) : lo;
    if (value < lo || value > hi)
        refuse(spec, token, "needs numbers from " + std::to_string(lo) + " to " + std::to_string(hi));
    return value;
}

std::string shape_text(const std::vector<size_t>& shape) {
    std::string text;
    for (size_t d : shape) text += (text.empty() ? "[" : ", ") + std::to_string(d);
    return text + "]";
}

// One layer's output shape for one example.
std::vector<size_t> shape_after(const Layer& layer, const std::vector<size_t>& in) {
    switch (layer.kind) {
    case Kind::Conv: {
        std::vector<size_t> out = output_shape(layer.conv, {1, in[0], in[1], in[2]});
        return {out[1], out[2], out[3]};
    }
    case Kind::MaxPool:
    case Kind::AvgPool:
        return {in[0], output_size(in[1], layer.pool, layer.pool, 0), output_size(in[2], layer.pool, layer.pool, 0)};
    case Kind::Flatten: return {in[0] * in[1] * in[2]};
    case Kind::Dense: return {layer.dense.outputs()};
    default: return in;
    }
}

bp::Dense make_dense(size_t inputs, size_t outputs, nn::Rng& rng) {
    bp::Dense dense;
    dense.W = Tensor({outputs, inputs});
    const float stddev = std::sqrt(2.0f / float(inputs));  // He, as make_conv
    for (float& w : dense.W.span()) w = rng.normal(0.0f, stddev);
    dense.b.assign(outputs, 0.0f);
    dense.f = bp::Activation::Linear;
    return dense;
}

Layer relu() { return Layer{.kind = Kind::ReLU}; }

}  // namespace

Net make_net(const std::string& spec, const std::vector<size_t>& input, nn::Rng& rng) {
    if (input.size() != 3 || input[0] == 0 || input[1] == 0 || input[2] == 0)
        throw nn::UsageError("a network's input is one example's [C, H, W], given " + shape_text(input));
    static const std::regex conv_word(R"(conv(\d{1,4})x(\d{1,4})x(\d{1,5})(?:s(\d{1,3}))?(?:p(\d{1,3}))?)");
    static const std::regex pool_word(R"((avg)?pool(\d{1,3}))");
    static const std::regex dense_word(R"(dense(\d{1,6}))");
    static const std::regex dropout_word(R"(dropout(0(?:\.\d{1,6})?))");
    Net net;
    net.input = input;
    net.spec = spec;
    std::vector<std::string> tokens = tokens_of(spec);
    size_t last_dense = tokens.size();
    for (size_t t = 0; t < tokens.size(); ++t)
        if (tokens[t].starts_with("dense")) last_dense = t;
    if (last_dense == tokens.size()) throw nn::UsageError("--net " + spec + ": must end with a dense layer (the logits)");
    std::vector<size_t> shape = input;
    for (size_t t = 0; t < tokens.size(); ++t) {
        const std::string& token = tokens[t];
        if (t > last_dense) refuse(spec, token, "comes after the last dense layer, whose outputs are the logits");
        // Each layer's output shape as it is added, so that a kernel or a window that
        // does not fit is named here rather than at the first forward pass.
        auto add = [&](Layer layer) {
            try {
                shape = shape_after(layer, shape);
            } catch (const nn::UsageError& e) {
                refuse(spec, token, "does not fit the " + shape_text(shape) + " maps it gets: " + e.what());
            }
            net.layers.push_back(std::move(layer));
        };
        std::smatch m;
        const bool maps = shape.size() == 3;
        if (std::regex_match(token, m, conv_word)) {
            if (!maps) refuse(spec, token, "comes after the flatten: a convolution needs feature maps");
            size_t kh = number(m[1], 1, 64, spec, token), kw = number(m[2], 1, 64, spec, token);
            if (kh != kw) refuse(spec, token, "is not square: the chapter's kernels are K x K");
            size_t channels = number(m[3], 1, 4096, spec, token), stride = number(m[4], 1, 64, spec, token);
            size_t padding = m[5].matched ? number(m[5], 0, 64, spec, token) : 0;
            add(Layer{.kind = Kind::Conv, .conv = make_conv(shape[0], channels, kh, stride, padding, rng)});
            if (t + 1 == tokens.size() || tokens[t + 1] != "bn") add(relu());
        } else if (token == "bn") {
            if (net.layers.empty() || net.layers.back().kind != Kind::Conv)
                refuse(spec, token, "must come right after a convolution");
            add(Layer{.kind = Kind::BatchNorm, .bn = make_batch_norm(shape[0])});
            add(relu());
        } else if (std::regex_match(token, m, pool_word)) {
            if (!maps) refuse(spec, token, "comes after the flatten: pooling needs feature maps");
            add(Layer{.kind = m[1].matched ? Kind::AvgPool : Kind::MaxPool, .pool = number(m[2], 1, 64, spec, token)});
        } else if (std::regex_match(token, m, dense_word)) {
            if (maps) add(Layer{.kind = Kind::Flatten});
            add(Layer{.kind = Kind::Dense, .dense = make_dense(shape[0], number(m[1], 1, 100000, spec, token), rng)});
            if (t != last_dense) add(relu());
        } else if (std::regex_match(token, m, dropout_word)) {
            add(Layer{.kind = Kind::Dropout, .p = std::stof(m[1].str())});
        } else {
            refuse(spec, token, "is not a layer: convKxKxC[sS][pP], bn, poolN, avgpoolN, denseN, dropoutP (0 <= P < 1)");
        }
    }
    return net;
}

std::vector<std::vector<size_t>> layer_shapes(const Net& net) {
    std::vector<std::vector<size_t>> shapes{net.input};
    for (const Layer& layer : net.layers) shapes.push_back(shape_after(layer, shapes.back()));
    return shapes;
}

size_t Net::classes() const {
    for (size_t l = layers.size(); l-- > 0;)
        if (layers[l].kind == Kind::Dense) return layers[l].dense.outputs();
    return 0;
}

namespace {

size_t parameters_of(const Layer& layer) {
    switch (layer.kind) {
    case Kind::Conv: return layer.conv.K.size() + layer.conv.b.size();
    case Kind::BatchNorm: return 2 * layer.bn.channels();  // gamma and beta; the running statistics are not learned
    case Kind::Dense: return layer.dense.W.size() + layer.dense.b.size();
    default: return 0;
    }
}

size_t multiply_adds_of(const Layer& layer, const std::vector<size_t>& in) {
    if (layer.kind == Kind::Conv) return conv_multiply_adds(layer.conv, in[1], in[2]);
    if (layer.kind == Kind::Dense) return layer.dense.W.size();
    return 0;
}

std::string name_of(const Layer& layer) {
    auto n = [](size_t v) { return std::to_string(v); };
    switch (layer.kind) {
    case Kind::Conv: {
        const Conv2d& c = layer.conv;
        std::string name = "conv " + n(c.kernel_rows()) + "x" + n(c.kernel_cols()) + "x" + n(c.out_channels());
        if (c.stride != 1) name += " s" + n(c.stride);
        if (c.padding != 0) name += " p" + n(c.padding);
        return name;
    }
    case Kind::BatchNorm: return "batch norm";
    case Kind::ReLU: return "relu";
    case Kind::MaxPool: return "max pool " + n(layer.pool);
    case Kind::AvgPool: return "avg pool " + n(layer.pool);
    case Kind::Flatten: return "flatten";
    case Kind::Dense: return "dense " + n(layer.dense.outputs());
    case Kind::Dropout: return "dropout " + nn::significant(layer.p);
    }
    return "?";
}

// 1633000 -> "1,633,000"
std::string grouped(size_t value) {
    std::string digits = std::to_string(value), text;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
        text += digits[i];
    }
    return text;
}

}  // namespace

size_t Net::parameter_count() const {
    size_t total = 0;
    for (const Layer& layer : layers) total += parameters_of(layer);
    return total;
}

size_t multiply_adds(const Net& net) {
    std::vector<std::vector<size_t>> shapes = layer_shapes(net);
    size_t total = 0;
    for (size_t l = 0; l < net.layers.size(); ++l) total += multiply_adds_of(net.layers[l], shapes[l]);
    return total;
}

std::string summary(const Net& net) {
    std::vector<std::vector<size_t>> shapes = layer_shapes(net);
    char line[160];
    std::snprintf(line, sizeof line, "%-16s %-16s %12s %14s\n", "layer", "output shape", "parameters", "mult-adds");
    std::string text = line;
    std::snprintf(line, sizeof line, "%-16s %-16s %12s %14s\n", "input", shape_text(net.input).c_str(), "", "");
    text += line;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        size_t params = parameters_of(layer), madds = multiply_adds_of(layer, shapes[l]);
        std::snprintf(line, sizeof line, "%-16s %-16s %12s %14s\n", name_of(layer).c_str(),
                      shape_text(shapes[l + 1]).c_str(), params ? grouped(params).c_str() : "",
                      madds ? grouped(madds).c_str() : "");
        text += line;
    }
    std::snprintf(line, sizeof line, "%-16s %-16s %12s %14s\n", "total", "", grouped(net.parameter_count()).c_str(),
                  grouped(multiply_adds(net)).c_str());
    return text + line;
}

// ---------------------------------------------------------------- forward and backward

void forward(Net& net, const Tensor& X, Mode mode, Pass& pass, nn::Rng* rng) {
    const size_t L = net.layers.size(), B = X.dim(0);
    pass.acts.resize(L + 1);
    pass.work.resize(L);
    pass.argmax.resize(L);
    pass.bn.resize(L);
    pass.masks.resize(L);
    const std::vector<size_t> shape{B, net.input[0], net.input[1], net.input[2]};
    if (X.size() != B * net.input[0] * net.input[1] * net.input[2])
        throw nn::UsageError("the network takes " + shape_text(net.input) + " examples, given a " + X.shape_string() +
                             " batch");
    pass.acts[0] = X;
    pass.acts[0].reshape(shape);
    for (size_t l = 0; l < L; ++l) {
        Layer& layer = net.layers[l];
        const Tensor& in = pass.acts[l];
        Tensor& out = pass.acts[l + 1];
        switch (layer.kind) {
        case Kind::Conv: conv2d_forward(layer.conv, in, out, pass.work[l]); break;
        case Kind::BatchNorm: batch_norm_forward(layer.bn, in, mode, out, pass.bn[l]); break;
        case Kind::ReLU:
            out = in;
            for (float& v : out.span()) v = std::max(v, 0.0f);
            break;
        case Kind::MaxPool: max_pool_forward(in, layer.pool, layer.pool, out, pass.argmax[l]); break;
        case Kind::AvgPool: avg_pool_forward(in, layer.pool, layer.pool, out); break;
        case Kind::Flatten:
            out = in;
            out.reshape({B, in.size() / B});
            break;
        case Kind::Dense: bp::dense_forward(layer.dense, in, out); break;
        case Kind::Dropout:
            out = in;
            if (mode == Mode::Train && rng && layer.p > 0) bp::dropout_forward(out, layer.p, *rng, pass.masks[l]);
            else pass.masks[l] = Tensor();
            break;
        }
    }
}

namespace {

// Mode::Infer's batch norm is the fixed affine map y = gamma_c (x - mean_c) / sqrt(var_c + eps)
// + beta_c of the running statistics, so its dX is dY gamma_c / sqrt(var_c + eps).
// dY, dX [B, C, H, W].
void batch_norm_infer_backward(const BatchNorm& bn, const Tensor& dY, Tensor& dX) {
    const size_t B = dY.dim(0), C = dY.dim(1), HW = dY.dim(2) * dY.dim(3);
    if (dX.shape() != dY.shape()) dX = Tensor(dY.shape());
    for (size_t b = 0; b < B; ++b)
        for (size_t c = 0; c < C; ++c) {
            const float scale = bn.gamma[c] / std::sqrt(bn.running_var[c] + bn.eps);
            const float* dy = dY.data() + (b * C + c) * HW;
            float* dx = dX.data() + (b * C + c) * HW;
            for (size_t i = 0; i < HW; ++i) dx[i] = dy[i] * scale;
        }
}

// The backward pass from pass.delta, the error at the logits [B, classes], down the
// layers: every parameter's gradient into grads. With to_input, pass.delta ends as the
// error at the input X [B, C, H, W] (the first layer's dX, which training does not
// need); mode is the forward pass's, since a batch norm of Mode::Infer has no cache.
void propagate_back(const Net& net, Pass& pass, Mode mode, Gradients& grads, bool to_input) {
    const size_t L = net.layers.size();
    grads.dW.resize(L);
    grads.db.resize(L);
    grads.dbeta.resize(L);
    for (size_t l = L; l-- > 0;) {
        const Layer& layer = net.layers[l];
        const Tensor& in = pass.acts[l];
        Tensor& d_in = pass.d_in;
        Tensor* below = l > 0 || to_input ? &d_in : nullptr;
        switch (layer.kind) {
        case Kind::Conv: conv2d_backward(layer.conv, pass.delta, grads.dW[l], grads.db[l], below, pass.work[l]); break;
        case Kind::BatchNorm:
            if (mode == Mode::Infer) batch_norm_infer_backward(layer.bn, pass.delta, d_in);
            else batch_norm_backward(layer.bn, pass.bn[l], pass.delta, d_in, grads.db[l], grads.dbeta[l]);
            break;
        case Kind::ReLU:
            d_in = pass.delta;
            for (size_t i = 0; i < d_in.size(); ++i)
                if (!(in[i] > 0)) d_in[i] = 0;
            break;
        case Kind::MaxPool:
            if (d_in.shape() != in.shape()) d_in = Tensor(in.shape());
            max_pool_backward(pass.delta, pass.argmax[l], d_in);
            break;
        case Kind::AvgPool:
            if (d_in.shape() != in.shape()) d_in = Tensor(in.shape());
            avg_pool_backward(pass.delta, layer.pool, layer.pool, d_in);
            break;
        case Kind::Flatten:
            d_in = pass.delta;
            d_in.reshape(in.shape());
            break;
        case Kind::Dense: bp::dense_backward(layer.dense, in, pass.delta, grads.dW[l], grads.db[l], below); break;
        case Kind::Dropout:
            d_in = pass.delta;
            if (!pass.masks[l].empty()) bp::dropout_backward(d_in, pass.masks[l]);
            break;
        }
        if (below) std::swap(pass.delta, pass.d_in);
    }
}

}  // namespace

double backward(const Net& net, Pass& pass, std::span<const int> labels, Gradients& grads) {
    const Tensor& logits = pass.acts.back();
    const size_t B = logits.dim(0), K = logits.dim(1);
    // delta^L = softmax(z) - y for each example (chapter 3, cross-entropy + softmax).
    bp::softmax_rows(logits, pass.probs);
    double cost = 0;
    pass.delta = pass.probs;
    for (size_t i = 0; i < B; ++i) {
        const size_t y = size_t(labels[i]);
        if (y >= K) throw nn::DataError("label " + std::to_string(labels[i]) + " of a " + std::to_string(K) + "-class network");
        cost -= std::log(std::max(double(pass.probs(i, y)), 1e-12));
        pass.delta(i, y) -= 1.0f;
    }
    propagate_back(net, pass, Mode::Train, grads, false);
    return cost / double(B);
}

std::vector<nn::Parameter> parameters(Net& net, const Gradients& grads) {
    std::vector<nn::Parameter> list;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        Layer& layer = net.layers[l];
        if (layer.kind == Kind::Conv) {
            list.push_back({layer.conv.K.span(), grads.dW[l].span()});
            list.push_back({layer.conv.b, grads.db[l]});
        } else if (layer.kind == Kind::BatchNorm) {
            list.push_back({layer.bn.gamma, grads.db[l]});
            list.push_back({layer.bn.beta, grads.dbeta[l]});
        } else if (layer.kind == Kind::Dense) {
            list.push_back({layer.dense.W.span(), grads.dW[l].span()});
            list.push_back({layer.dense.b, grads.db[l]});
        }
    }
    return list;
}

void decay_weights(Net& net, float eta, float lambda) {
    const float keep = 1.0f - eta * lambda;
    for (Layer& layer : net.layers) {
        if (layer.kind == Kind::Conv) for (float& k : layer.conv.K.span()) k *= keep;
        if (layer.kind == Kind::Dense) for (float& w : layer.dense.W.span()) w *= keep;
    }
}

// ---------------------------------------------------------------- evaluation and training

namespace {

const size_t kSlice = 500;  // rows per forward pass when evaluating: the buffers stay small

// Rows [begin, end) of X [N, d] into out [end - begin, d].
void slice_rows(const Tensor& X, size_t begin, size_t end, Tensor& out) {
    const size_t d = X.size() / X.dim(0);
    if (out.rank() != 2 || out.dim(0) != end - begin || out.dim(1) != d) out = Tensor({end - begin, d});
    std::copy(X.data() + begin * d, X.data() + end * d, out.data());
}

// Mode::Infer's forward pass over X [N, C H W], kSlice rows at a time so that the
// buffers stay small: use(begin, end, pass) sees each slice's pass.
template <typename Use>
void infer_in_slices(Net& net, const Tensor& X, Use use) {
    Tensor slice;
    Pass pass;
    for (size_t begin = 0; begin < X.dim(0); begin += kSlice) {
        const size_t end = std::min(X.dim(0), begin + kSlice);
        slice_rows(X, begin, end, slice);
        forward(net, slice, Mode::Infer, pass);
        use(begin, end, pass);
    }
}

}  // namespace

Tensor predict(Net& net, const Tensor& X) {
    const size_t K = net.classes();
    Tensor logits({X.dim(0), K});
    infer_in_slices(net, X, [&](size_t begin, size_t end, const Pass& pass) {
        std::copy(pass.acts.back().data(), pass.acts.back().data() + (end - begin) * K, logits.data() + begin * K);
    });
    return logits;
}

double accuracy(Net& net, const Tensor& X, std::span<const int> labels) {
    Tensor logits = predict(net, X);
    size_t right = 0;
    for (size_t i = 0; i < X.dim(0); ++i) right += int(nn::argmax(logits.row(i))) == labels[i];
    return X.dim(0) ? double(right) / double(X.dim(0)) : 0.0;
}

double mean_cost(Net& net, const Tensor& X, std::span<const int> labels) {
    Tensor logits = predict(net, X), probs;
    bp::softmax_rows(logits, probs);
    double cost = 0;
    for (size_t i = 0; i < X.dim(0); ++i) cost -= std::log(std::max(double(probs(i, size_t(labels[i]))), 1e-12));
    return X.dim(0) ? cost / double(X.dim(0)) : 0.0;
}

void mirror_at_random(Tensor& X, const std::vector<size_t>& shape, nn::Rng& rng) {
    const size_t rows = shape[0] * shape[1], W = shape[2], d = rows * W;
    if (X.size() != X.dim(0) * d)
        throw nn::UsageError("mirror_at_random: examples of " + shape_text(shape) + ", given " + X.shape_string());
    for (size_t b = 0; b < X.dim(0); ++b) {
        if (rng.uniform() >= 0.5f) continue;
        for (size_t r = 0; r < rows; ++r) {  // every row of every channel
            float* row = X.data() + b * d + r * W;
            std::reverse(row, row + W);
        }
    }
}

NetTraining::NetTraining(Net& net, const Tensor& X, std::span<const int> labels, nn::Rng& rng, Augment augment)
    : net_(net), X_(X), labels_(labels), rng_(rng), augment_(augment) {
    if (labels.size() != X.dim(0))
        throw nn::DataError(std::to_string(X.dim(0)) + " examples with " + std::to_string(labels.size()) + " labels");
}

double NetTraining::loss_and_gradients(std::span<const size_t> rows) {
    nn::gather_rows(X_, rows, batch_);
    batch_labels_.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) batch_labels_[i] = labels_[rows[i]];
    if (augment_.mirror) mirror_at_random(batch_, net_.input, rng_);
    forward(net_, batch_, Mode::Train, pass_, &rng_);
    return backward(net_, pass_, batch_labels_, grads_);
}

std::vector<nn::Parameter> NetTraining::parameters() {
    if (grads_.dW.empty()) {  // before the first step: gradients of zeros, with the right sizes
        grads_.dW.resize(net_.layers.size());
        grads_.db.resize(net_.layers.size());
        grads_.dbeta.resize(net_.layers.size());
        for (size_t l = 0; l < net_.layers.size(); ++l) {
            const Layer& layer = net_.layers[l];
            if (layer.kind == Kind::Conv) {
                grads_.dW[l] = Tensor(layer.conv.K.shape());
                grads_.db[l].assign(layer.conv.b.size(), 0.0f);
            } else if (layer.kind == Kind::BatchNorm) {
                grads_.db[l].assign(layer.bn.channels(), 0.0f);
                grads_.dbeta[l].assign(layer.bn.channels(), 0.0f);
            } else if (layer.kind == Kind::Dense) {
                grads_.dW[l] = Tensor(layer.dense.W.shape());
                grads_.db[l].assign(layer.dense.b.size(), 0.0f);
            }
        }
    }
    return cnn::parameters(net_, grads_);
}

// ---------------------------------------------------------------- looking inside

namespace {

// x as a batch of one, [1, C, H, W], or a clear refusal of another shape.
Tensor one_example(const Net& net, const Tensor& x) {
    if (x.size() != net.input[0] * net.input[1] * net.input[2])
        throw nn::UsageError("the network takes " + shape_text(net.input) + " examples, given " + x.shape_string());
    Tensor batch = x;
    batch.reshape({1, net.input[0], net.input[1], net.input[2]});
    return batch;
}

}  // namespace

std::vector<Tensor> feature_maps(Net& net, const Tensor& x) {
    Pass pass;
    forward(net, one_example(net, x), Mode::Infer, pass);
    std::vector<Tensor> maps = std::move(pass.acts);
    for (Tensor& map : maps) {
        std::vector<size_t> shape(map.shape().begin() + 1, map.shape().end());
        map.reshape(shape);
    }
    return maps;
}

Tensor saliency(Net& net, const Tensor& x, size_t c) {
    if (c >= net.classes())
        throw nn::UsageError("class " + std::to_string(c) + " of a " + std::to_string(net.classes()) + "-class network");
    Pass pass;
    forward(net, one_example(net, x), Mode::Infer, pass);
    pass.delta = Tensor({1, net.classes()});
    pass.delta(0, c) = 1.0f;  // d z_c / d z: the score alone, not the softmax's cost
    Gradients unused;
    propagate_back(net, pass, Mode::Infer, unused, true);
    pass.delta.reshape(net.input);
    return pass.delta;
}

Tensor channel_peaks(Net& net, const Tensor& X, size_t l) {
    const std::vector<std::vector<size_t>> shapes = layer_shapes(net);
    if (l >= net.layers.size() || shapes[l + 1].size() != 3)
        throw nn::UsageError("layer " + std::to_string(l) + " has no feature maps");
    const size_t N = X.dim(0), C = shapes[l + 1][0], HW = shapes[l + 1][1] * shapes[l + 1][2];
    Tensor peaks({N, C});
    infer_in_slices(net, X, [&](size_t begin, size_t end, const Pass& pass) {
        // maps [end - begin, C, H, W]: the largest cell of each channel of each example
        const Tensor& maps = pass.acts[l + 1];
        for (size_t i = 0; i < end - begin; ++i)
            for (size_t c = 0; c < C; ++c) {
                const float* map = maps.data() + (i * C + c) * HW;
                peaks(begin + i, c) = *std::max_element(map, map + HW);
            }
    });
    return peaks;
}

}  // namespace cnn
