// Chapter 3, the given parts of the network: names, activations, costs, building a
// network, the forward pass, evaluation and the training loop around the exercises.
// Linked in every build, the learner's included, so it may call the exercise
// functions but defines none.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <string>

#include "03-backpropagation/network.hpp"
#include "common/errors.hpp"

namespace bp {

namespace {

template <typename Enum>
struct Named {
    Enum value;
    const char* name;
};

const Named<Activation> kActivations[] = {{Activation::Sigmoid, "sigmoid"}, {Activation::Tanh, "tanh"},
                                          {Activation::ReLU, "relu"},       {Activation::Linear, "linear"},
                                          {Activation::Softmax, "softmax"}};
const Named<Cost> kCosts[] = {{Cost::Quadratic, "quadratic"}, {Cost::CrossEntropy, "cross-entropy"}};
const Named<Init> kInits[] = {{Init::Large, "large"}, {Init::Scaled, "scaled"}, {Init::He, "he"}};

template <typename Enum, size_t N>
Enum parse(const Named<Enum> (&table)[N], const std::string& name, const std::string& what) {
    std::string choices;
    for (const auto& entry : table) {
        if (name == entry.name) return entry.value;
        choices += std::string(choices.empty() ? "" : ", ") + entry.name;
    }
    throw nn::UsageError("unknown " + what + " '" + name + "' (choose " + choices + ")");
}

template <typename Enum, size_t N>
std::string name_in(const Named<Enum> (&table)[N], Enum value) {
    for (const auto& entry : table)
        if (entry.value == value) return entry.name;
    return "?";
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

}  // namespace

Activation parse_activation(const std::string& name) { return parse(kActivations, name, "activation"); }
Cost parse_cost(const std::string& name) { return parse(kCosts, name, "cost"); }
Init parse_init(const std::string& name) { return parse(kInits, name, "initialization"); }
std::string name_of(Activation f) { return name_in(kActivations, f); }
std::string name_of(Cost cost) { return name_in(kCosts, cost); }
std::string name_of(Init init) { return name_in(kInits, init); }

void activate(Activation f, const Tensor& Z, Tensor& A) {
    if (f == Activation::Softmax) return softmax_rows(Z, A);
    if (A.shape() != Z.shape()) A = Tensor(Z.shape());
    for (size_t i = 0; i < Z.size(); ++i) {
        float z = Z[i];
        switch (f) {
            case Activation::Sigmoid: A[i] = sigmoid(z); break;
            case Activation::Tanh: A[i] = std::tanh(z); break;
            case Activation::ReLU: A[i] = z > 0.0f ? z : 0.0f; break;
            default: A[i] = z; break;
        }
    }
}

double cost_value(Cost cost, Activation output, const Tensor& A, const Tensor& Y) {
    assert(A.shape() == Y.shape() && A.rank() == 2);
    const double log_floor = std::log(1e-12);
    // !(x <= ..) rather than x > ..: a NaN output must give a NaN cost (and a Diverged
    // error), not the floor.
    auto ln = [&](double x) { return !(x <= 1e-12) ? std::log(x) : log_floor; };
    double total = 0.0;
    for (size_t i = 0; i < A.size(); ++i) {
        double a = A[i], y = Y[i];
        if (cost == Cost::Quadratic) total += 0.5 * (a - y) * (a - y);
        else if (output == Activation::Softmax) total -= y * ln(a);
        else total -= y * ln(a) + (1.0 - y) * ln(1.0 - a);
    }
    return A.dim(0) == 0 ? 0.0 : total / double(A.dim(0));
}

std::vector<size_t> Network::sizes() const {
    std::vector<size_t> s;
    if (!layers.empty()) s.push_back(layers.front().inputs());
    for (const Dense& layer : layers) s.push_back(layer.outputs());
    return s;
}

size_t Network::parameter_count() const {
    size_t count = 0;
    for (const Dense& layer : layers) count += layer.W.size() + layer.b.size();
    return count;
}

Network make_network(const std::vector<size_t>& sizes, Activation hidden, Activation output, Cost cost,
                     Init init, nn::Rng& rng) {
    if (sizes.size() < 2) throw nn::UsageError("a network needs at least an input and an output size");
    for (size_t n : sizes)
        if (n == 0) throw nn::UsageError("every layer needs at least one unit");
    if (hidden == Activation::Softmax) throw nn::UsageError("softmax can only be the output activation");
    {   // output_delta() decides which cost goes with which output; ask it once, here.
        Tensor probe({1, 1}, 0.5f), delta;
        output_delta(cost, output, probe, probe, probe, delta);
    }
    Network net;
    net.cost = cost;
    for (size_t l = 1; l < sizes.size(); ++l) {
        Dense layer{Tensor({sizes[l], sizes[l - 1]}), std::vector<float>(sizes[l], 0.0f),
                    l + 1 == sizes.size() ? output : hidden};
        double fan_in = double(sizes[l - 1]);
        float sd = init == Init::Large ? 1.0f : float(std::sqrt((init == Init::He ? 2.0 : 1.0) / fan_in));
        // Weights first, then biases, layer by layer: the order fixes what a seed gives.
        for (float& w : layer.W.span()) w = rng.normal(0.0f, sd);
        if (init == Init::Large)
            for (float& b : layer.b) b = rng.normal(0.0f, 1.0f);
        net.layers.push_back(std::move(layer));
    }
    return net;
}

std::string summary(const Network& net) {
    std::string table;
    char line[160];
    std::snprintf(line, sizeof line, "%-22s %-14s %12s\n", "layer", "output shape", "parameters");
    table += line;
    std::snprintf(line, sizeof line, "%-22s [B, %zu]%*s %12d\n", "input", net.sizes().front(),
                  int(9 - std::to_string(net.sizes().front()).size()), "", 0);
    table += line;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Dense& layer = net.layers[l];
        std::string name = "dense " + std::to_string(l + 1) + " + " + name_of(layer.f);
        std::string shape = "[B, " + std::to_string(layer.outputs()) + "]";
        std::snprintf(line, sizeof line, "%-22s %-14s %12zu\n", name.c_str(), shape.c_str(),
                      layer.W.size() + layer.b.size());
        table += line;
    }
    std::snprintf(line, sizeof line, "%-37s %12zu\n", ("total (cost: " + name_of(net.cost) + ")").c_str(),
                  net.parameter_count());
    return table + line;
}

void forward(const Network& net, const Tensor& X, Pass& pass, Dropout dropout) {
    size_t L = net.layers.size();
    pass.zs.resize(L);
    pass.activations.resize(L + 1);
    pass.masks.resize(dropout.p > 0.0f ? L - 1 : 0);
    if (&X != &pass.activations[0]) pass.activations[0] = X;  // train_epoch() gathers in place
    for (size_t l = 0; l < L; ++l) {
        dense_forward(net.layers[l], pass.activations[l], pass.zs[l]);
        activate(net.layers[l].f, pass.zs[l], pass.activations[l + 1]);
        bool hidden = l + 1 < L;
        if (hidden && dropout.p > 0.0f) dropout_forward(pass.activations[l + 1], dropout.p, *dropout.rng, pass.masks[l]);
    }
}

namespace {

const size_t kSlice = 2000;  // rows per forward pass when evaluating a whole set

// Calls visit(first_row, outputs) for consecutive slices of X.
template <typename Visit>
void in_slices(const Network& net, const Tensor& X, Visit visit) {
    Pass pass;
    Tensor slice;
    std::vector<size_t> idx;
    for (size_t start = 0; start < X.dim(0); start += kSlice) {
        idx.clear();
        for (size_t i = start; i < std::min(X.dim(0), start + kSlice); ++i) idx.push_back(i);
        nn::gather_rows(X, idx, slice);
        forward(net, slice, pass);
        visit(start, pass.activations.back());
    }
}

}  // namespace

Tensor predict(const Network& net, const Tensor& X) {
    Tensor out({X.dim(0), net.layers.back().outputs()});
    in_slices(net, X, [&](size_t start, const Tensor& A) {
        std::copy(A.data(), A.data() + A.size(), out.data() + start * A.dim(1));
    });
    return out;
}

double mean_cost(const Network& net, const Tensor& X, const Tensor& Y) {
    double total = 0.0;
    Tensor Y_slice;
    std::vector<size_t> idx;
    in_slices(net, X, [&](size_t start, const Tensor& A) {
        idx.clear();
        for (size_t i = start; i < start + A.dim(0); ++i) idx.push_back(i);
        nn::gather_rows(Y, idx, Y_slice);
        total += cost_value(net.cost, net.layers.back().f, A, Y_slice) * double(A.dim(0));
    });
    return X.dim(0) == 0 ? 0.0 : total / double(X.dim(0));
}

double accuracy(const Network& net, const Tensor& X, std::span<const int> labels) {
    size_t right = 0;
    in_slices(net, X, [&](size_t start, const Tensor& A) {
        for (size_t i = 0; i < A.dim(0); ++i) {
            if (long(nn::argmax(A.row(i))) == labels[start + i]) ++right;
        }
    });
    return X.dim(0) == 0 ? 0.0 : double(right) / double(X.dim(0));
}

Tensor one_hot(std::span<const int> labels, size_t classes) {
    Tensor Y({labels.size(), classes});
    for (size_t i = 0; i < labels.size(); ++i) {
        assert(labels[i] >= 0 && size_t(labels[i]) < classes);
        Y(i, size_t(labels[i])) = 1.0f;
    }
    return Y;
}

NetworkTraining::NetworkTraining(Network& net, const Tensor& X, const Tensor& Y, Dropout dropout)
    : net_(net), X_(X), Y_(Y), dropout_(dropout) {
    assert(X.rank() == 2 && Y.rank() == 2 && X.dim(0) == Y.dim(0));
}

double NetworkTraining::loss_and_gradients(std::span<const size_t> rows) {
    // The mini-batch goes straight into the pass's input slot: no copy of it per step.
    pass_.activations.resize(net_.layers.size() + 1);
    nn::gather_rows(X_, rows, pass_.activations[0]);
    nn::gather_rows(Y_, rows, Y_batch_);
    forward(net_, pass_.activations[0], pass_, dropout_);
    double cost = cost_value(net_.cost, net_.layers.back().f, pass_.activations.back(), Y_batch_);
    backprop(net_, pass_, Y_batch_, grads_);
    return cost;
}

std::vector<nn::Parameter> NetworkTraining::parameters() {
    std::vector<nn::Parameter> list;
    for (size_t l = 0; l < net_.layers.size(); ++l) {
        list.push_back({net_.layers[l].W.span(), grads_.nabla_w[l].span()});
        list.push_back({net_.layers[l].b, grads_.nabla_b[l]});
    }
    return list;
}

double train_epoch(Network& net, const Tensor& X, const Tensor& Y, const TrainOptions& options, nn::Rng& rng,
                   int epoch, const StepObserver& observe) {
    NetworkTraining training(net, X, Y, Dropout{options.dropout, &rng});
    auto sgd = [&](const nn::Step&, std::span<const nn::Parameter>) {
        sgd_step(net, training.gradients(), options.eta, options.lambda, X.dim(0));
    };
    nn::Trainer trainer(training, sgd, {.batch = options.batch, .shuffle = &rng, .eta = options.eta,
                                        .first_epoch = epoch});
    if (!observe) return trainer.epoch();
    return trainer.epoch([&](const nn::Step& s) {
        observe(s.in_epoch, s.loss, s.rows.size(), training.pass(), training.gradients());
    });
}

void require_shape(const Network& net, size_t inputs, size_t outputs, const std::string& what) {
    std::vector<size_t> s = net.sizes();
    if (s.front() != inputs || s.back() != outputs)
        throw nn::DataError("the network takes " + std::to_string(s.front()) + " inputs and gives " +
                            std::to_string(s.back()) + " outputs, but " + what + " has " +
                            std::to_string(inputs) + " inputs and " + std::to_string(outputs) + " outputs");
}

}  // namespace bp
