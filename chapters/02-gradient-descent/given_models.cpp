// Chapter 2, the given parts of the models: the linear loss and its closed-form
// solution, softmax regression around exercise 2.6, logistic regression, mini-batches.
// Linked in every build, the learner's included, so it may call the exercise
// functions but defines none.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "02-gradient-descent/gradient_descent.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"

namespace gd {

// ---------------------------------------------------------------- linear regression

double linear_loss(const LinearModel& model, const Tensor& X, std::span<const float> y) {
    assert(X.rank() == 2 && y.size() == X.dim(0) && model.w.size() == X.dim(1));
    size_t n = X.dim(0), d = X.dim(1);
    if (n == 0) return 0.0;
    double sum = 0.0;
    // X [n, d], w [d], y [n]: L = 1/(2n) sum_i r_i^2, in double.
    for (size_t i = 0; i < n; ++i) {
        double r = double(model.b) - y[i];
        for (size_t j = 0; j < d; ++j) r += double(model.w[j]) * X(i, j);
        sum += r * r;
    }
    return sum / (2.0 * double(n));
}

namespace {

// Solves M u = rhs in place (M [p, p] row-major, rhs [p]) by Gaussian elimination
// with partial pivoting; u ends up in rhs.
void solve_in_place(std::vector<double>& M, std::vector<double>& rhs) {
    size_t p = rhs.size();
    double scale = 0.0;
    for (double a : M) scale = std::max(scale, std::abs(a));
    // A pivot this small next to the largest entry means a dependent column.
    const double tiny = 1e-12 * scale;
    for (size_t col = 0; col < p; ++col) {
        // The row with the largest |entry| in this column, so we never divide by a small number.
        size_t pivot = col;
        for (size_t r = col + 1; r < p; ++r)
            if (std::abs(M[r * p + col]) > std::abs(M[pivot * p + col])) pivot = r;
        if (!(std::abs(M[pivot * p + col]) > tiny))
            throw nn::DataError("the normal equations are singular: some features are linearly "
                                "dependent (or constant, like the bias column)");
        if (pivot != col) {
            for (size_t j = 0; j < p; ++j) std::swap(M[col * p + j], M[pivot * p + j]);
            std::swap(rhs[col], rhs[pivot]);
        }
        // Eliminate the column below the pivot.
        for (size_t r = col + 1; r < p; ++r) {
            double factor = M[r * p + col] / M[col * p + col];
            for (size_t j = col; j < p; ++j) M[r * p + j] -= factor * M[col * p + j];
            rhs[r] -= factor * rhs[col];
        }
    }
    // Back substitution, last unknown first.
    for (size_t col = p; col-- > 0;) {
        double sum = rhs[col];
        for (size_t j = col + 1; j < p; ++j) sum -= M[col * p + j] * rhs[j];
        rhs[col] = sum / M[col * p + col];
    }
}

}  // namespace

LinearModel solve_normal_equations(const Tensor& X, std::span<const float> y) {
    assert(X.rank() == 2 && y.size() == X.dim(0));
    size_t n = X.dim(0), d = X.dim(1), p = d + 1;
    // The bias is the weight of a constant column: X~ = [X 1], [n, p].
    auto x_tilde = [&](size_t i, size_t j) { return j < d ? double(X(i, j)) : 1.0; };
    // M = X~^T X~ [p, p], rhs = X~^T y [p].
    std::vector<double> M(p * p, 0.0), rhs(p, 0.0);
    for (size_t i = 0; i < n; ++i) {
        for (size_t a = 0; a < p; ++a) {
            for (size_t c = 0; c < p; ++c) M[a * p + c] += x_tilde(i, a) * x_tilde(i, c);
            rhs[a] += x_tilde(i, a) * y[i];
        }
    }
    solve_in_place(M, rhs);
    LinearModel model;
    model.w.resize(d);
    for (size_t j = 0; j < d; ++j) model.w[j] = static_cast<float>(rhs[j]);
    model.b = static_cast<float>(rhs[d]);
    return model;
}

// ---------------------------------------------------------------- softmax regression

Tensor softmax(const Tensor& Z) {
    assert(Z.rank() == 2);
    size_t n = Z.dim(0), k = Z.dim(1);
    Tensor P(Z.shape());
    // Z [n, k] -> P [n, k], one row at a time; the row max keeps exp() <= 1.
    for (size_t i = 0; i < n; ++i) {
        float z_max = Z(i, 0);
        for (size_t c = 1; c < k; ++c) z_max = std::max(z_max, Z(i, c));
        double sum = 0.0;
        for (size_t c = 0; c < k; ++c) sum += std::exp(double(Z(i, c)) - z_max);
        for (size_t c = 0; c < k; ++c)
            P(i, c) = static_cast<float>(std::exp(double(Z(i, c)) - z_max) / sum);
    }
    return P;
}

SoftmaxModel::SoftmaxModel(size_t classes, size_t inputs)
    : W({classes, inputs}), b(classes, 0.0f) {}

Tensor logits(const SoftmaxModel& model, const Tensor& X) {
    return nn::affine(X, model.W, model.b);  // [n, k] = X [n, d] W^T [d, k] + b
}

namespace {

void check_labels(std::span<const int> labels, size_t k) {
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= k)
            throw nn::DataError("label " + std::to_string(labels[i]) + " of example " +
                                std::to_string(i) + " is not a class in [0, " +
                                std::to_string(k) + ")");
}

}  // namespace

double softmax_loss_and_gradient(const SoftmaxModel& model, const Tensor& X,
                                 std::span<const int> labels, Tensor& dW, std::vector<float>& db) {
    assert(X.rank() == 2 && labels.size() == X.dim(0));
    size_t k = model.W.dim(0);
    check_labels(labels, k);
    Tensor Z = logits(model, X);
    Tensor dZ(Z.shape());
    double loss = softmax_cross_entropy(Z, labels, dZ);
    int n = static_cast<int>(X.dim(0)), d = static_cast<int>(X.dim(1)), ki = static_cast<int>(k);
    dW = Tensor({k, X.dim(1)});
    db.assign(k, 0.0f);
    if (n == 0) return loss;
    // Z = X W^T + b, so dW [k, d] = dZ^T [k, n] X [n, d] (dZ is stored [n, k]).
    nn::gemm(nn::Trans::Yes, nn::Trans::No, ki, d, n, 1.0f, dZ.data(), ki, X.data(), d,
             0.0f, dW.data(), d);
    // Every example adds b to its logits, so db [k] = the column sums of dZ [n, k].
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < ki; ++c) db[c] += dZ(i, c);
    return loss;
}

double softmax_accuracy(const SoftmaxModel& model, const Tensor& X, std::span<const int> labels) {
    assert(labels.size() == X.dim(0));
    size_t n = X.dim(0);
    if (n == 0) return 0.0;
    Tensor Z = logits(model, X);
    size_t correct = 0;
    // Z [n, k]: the prediction is the first argmax of each row.
    for (size_t i = 0; i < n; ++i) {
        if (long(nn::argmax(Z.row(i))) == labels[i]) ++correct;
    }
    return static_cast<double>(correct) / static_cast<double>(n);
}

namespace {

// The rows of a set of labels or targets, in the order of `rows`.
void gather(std::span<const int> all, std::span<const size_t> rows, std::vector<int>& out) {
    out.clear();
    for (size_t i : rows) out.push_back(all[i]);
}

}  // namespace

SoftmaxTraining::SoftmaxTraining(SoftmaxModel& model, const Tensor& X, std::span<const int> labels)
    : model_(model), X_(X), labels_(labels) {
    assert(X.rank() == 2 && labels.size() == X.dim(0));
}

double SoftmaxTraining::loss_and_gradients(std::span<const size_t> rows) {
    nn::gather_rows(X_, rows, X_batch_);
    gather(labels_, rows, labels_batch_);
    return softmax_loss_and_gradient(model_, X_batch_, labels_batch_, dW_, db_);
}

std::vector<nn::Parameter> SoftmaxTraining::parameters() {
    return {{model_.W.span(), dW_.span()}, {model_.b, db_}};
}

// ---------------------------------------------------------------- logistic regression

double logistic_loss_and_gradient(const LinearModel& model, const Tensor& X, std::span<const int> t,
                                  std::vector<float>& grad_w, float& grad_b) {
    assert(X.rank() == 2 && t.size() == X.dim(0) && model.w.size() == X.dim(1));
    size_t n = X.dim(0), d = X.dim(1);
    grad_w.assign(d, 0.0f);
    grad_b = 0.0f;
    if (n == 0) return 0.0;
    double loss = 0.0;
    // X [n, d], w [d], t [n]
    for (size_t i = 0; i < n; ++i) {
        double z = model.b;
        for (size_t j = 0; j < d; ++j) z += double(model.w[j]) * X(i, j);
        // -[t log p + (1-t) log(1-p)] with p = sigmoid(z) is softplus(z) - t z, and
        // softplus(z) = max(z, 0) + log1p(e^-|z|) never overflows.
        loss += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - t[i] * z;
        // sigmoid through e^-|z| <= 1, for the same reason.
        double e = std::exp(-std::abs(z));
        double p = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        auto delta = static_cast<float>(p - t[i]);
        for (size_t j = 0; j < d; ++j) grad_w[j] += delta * X(i, j);
        grad_b += delta;
    }
    float inv_n = 1.0f / static_cast<float>(n);
    for (size_t j = 0; j < d; ++j) grad_w[j] *= inv_n;
    grad_b *= inv_n;
    return loss / double(n);
}

LogisticTraining::LogisticTraining(LinearModel& model, const Tensor& X, std::span<const int> t)
    : model_(model), X_(X), t_(t) {
    assert(X.rank() == 2 && t.size() == X.dim(0));
}

double LogisticTraining::loss_and_gradients(std::span<const size_t> rows) {
    nn::gather_rows(X_, rows, X_batch_);
    gather(t_, rows, t_batch_);
    return logistic_loss_and_gradient(model_, X_batch_, t_batch_, grad_w_, grad_b_);
}

std::vector<nn::Parameter> LogisticTraining::parameters() {
    return {{model_.w, grad_w_}, {std::span(&model_.b, 1), std::span(&grad_b_, 1)}};
}

}  // namespace gd
