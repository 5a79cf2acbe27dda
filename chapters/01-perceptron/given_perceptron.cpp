// Chapter 1, the functions that are not exercises. Linked in every build, the
// learner's included, so it may call the exercise functions but defines none.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "01-perceptron/perceptron.hpp"
#include "common/errors.hpp"

namespace perceptron {

int predict(const Perceptron& p, std::span<const float> x) {
    return step(weighted_sum(p, x));
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

float relu(float z) { return std::max(0.0f, z); }

MulticlassPerceptron::MulticlassPerceptron(size_t classes, size_t inputs)
    : W({classes, inputs}), b(classes, 0.0f) {}

AveragedPerceptron::AveragedPerceptron(size_t classes, size_t inputs)
    : current(classes, inputs), u(classes, inputs) {}

Tensor scores(const MulticlassPerceptron& m, const Tensor& X) {
    return nn::affine(X, m.W, m.b);  // [n, k] = X [n, d] W^T [d, k] + b
}

double accuracy(const MulticlassPerceptron& m, const Tensor& X, std::span<const int> labels,
                Tensor* confusion) {
    assert(X.rank() == 2 && labels.size() == X.dim(0));
    size_t n = X.dim(0), k = m.W.dim(0);
    if (confusion) *confusion = Tensor({k, k});
    if (n == 0) return 0.0;
    Tensor S = scores(m, X);
    size_t correct = 0;
    // S [n, k]: the prediction is the first argmax of each row, as in predict_class.
    for (size_t i = 0; i < n; ++i) {
        size_t predicted = nn::argmax(S.row(i));
        if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= k)
            throw nn::DataError("label " + std::to_string(labels[i]) + " of example " +
                                std::to_string(i) + " is not a class in [0, " +
                                std::to_string(k) + ")");
        auto truth = static_cast<size_t>(labels[i]);
        if (predicted == truth) ++correct;
        if (confusion) (*confusion)(truth, predicted) += 1.0f;
    }
    return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace perceptron
