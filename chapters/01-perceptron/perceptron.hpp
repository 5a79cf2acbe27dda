#pragma once
// Chapter 1: the perceptron. The symbols are those of the chapter's README:
//
//   z = w . x + b                 the weighted sum
//   o = step(z) = 1 if z > 0,     the output (Rosenblatt's threshold unit)
//               0 otherwise
//   w <- w + eta (t - o) x        the learning rule, t the target in {0, 1}
//   b <- b + eta (t - o)
//
// Functions marked "Exercise N.M" are yours to write in
// exercises/01-perceptron/perceptron.cpp; the reference bodies live in
// solutions/01-perceptron/perceptron.cpp. The others are given, in
// chapters/01-perceptron/given_perceptron.cpp, and are linked in every build.
#include <cstddef>
#include <span>
#include <vector>

#include "common/tensor.hpp"

namespace perceptron {

using nn::Tensor;

// ---------------------------------------------------------------- the neuron

// A perceptron with d inputs.
struct Perceptron {
    std::vector<float> w;  // [d] weights
    float b = 0.0f;        // bias (minus the threshold)
};

// Exercise 1.1: the weighted sum z = w . x + b. x has d entries.
float weighted_sum(const Perceptron& p, std::span<const float> x);

// Exercise 1.1: the threshold, 1 if z > 0, else 0 (note: step(0) = 0).
int step(float z);

// The perceptron's output o = step(w . x + b).
int predict(const Perceptron& p, std::span<const float> x);

// Activations plotted in the chapter, beside the step.
float sigmoid(float z);  // 1 / (1 + e^-z)
float relu(float z);     // max(0, z)
// (tanh is std::tanh)

// ---------------------------------------------------------------- learning

// Exercise 1.2: Rosenblatt's rule for one example (x, t), t in {0, 1}:
// o = predict(p, x); w += eta (t - o) x; b += eta (t - o).
// Returns true when p changed (the example was misclassified).
bool update(Perceptron& p, std::span<const float> x, int t, float eta);

// Exercise 1.3: one pass over the examples in the order given by `order`
// (indices into the rows of X, [n, d]; t holds n targets), applying update()
// to each. Returns the number of mistakes made during the pass, which is the
// number of updates.
int train_epoch(Perceptron& p, const Tensor& X, std::span<const int> t,
                std::span<const size_t> order, float eta);

// ---------------------------------------------------------------- convergence theorem

// The quantities of Novikoff's theorem for data separated by (w_star, b_star),
// with the bias folded into the weights (x~ = (x, 1), w~ = (w, b)) and y = 2t - 1:
//   R     = max_i |x~_i|
//   gamma = min_i y_i (w~* . x~_i) / |w~*|        (the margin, > 0 when separable)
//   bound = (R / gamma)^2                          (at most this many updates)
struct ConvergenceBound {
    double R = 0, gamma = 0, bound = 0;
};

// Exercise 1.6: compute R, gamma and the bound as above, in double.
ConvergenceBound novikoff_bound(const Tensor& X, std::span<const int> t,
                                std::span<const float> w_star, float b_star);

// ---------------------------------------------------------------- many classes

// k classes, one weight vector per class: scores s_c = W_c . x + b_c.
struct MulticlassPerceptron {
    Tensor W;              // [k, d]
    std::vector<float> b;  // [k]
    MulticlassPerceptron() = default;
    MulticlassPerceptron(size_t classes, size_t inputs);  // all zeros
};

// Exercise 1.4: the predicted class argmax_c (W_c . x + b_c); ties go to the lowest c.
int predict_class(const MulticlassPerceptron& m, std::span<const float> x);

// Exercise 1.4: the multi-class rule for one example of class y: if the
// prediction y_hat differs from y, W_y += x, b_y += 1, W_y_hat -= x, b_y_hat -= 1.
// Returns true when m changed.
bool update_multiclass(MulticlassPerceptron& m, std::span<const float> x, int y);

// The averaged perceptron (Freund and Schapire, 1999): predict with the average
// of the weights after every example seen, which generalizes better than the
// final weights. Kept cheaply with the trick of Daume (2006):
//   after each example, c += 1;  on an update by +-x at time c, u += +-c x.
//   average = current - u / c
struct AveragedPerceptron {
    MulticlassPerceptron current;  // the ordinary perceptron
    MulticlassPerceptron u;        // time-weighted sum of the updates
    long c = 1;                    // examples seen + 1
    AveragedPerceptron() = default;
    AveragedPerceptron(size_t classes, size_t inputs);
};

// Exercise 1.5: one example of class y: the update of update_multiclass on
// `current`, the same update scaled by c added to `u`, then c += 1.
// Returns true when `current` changed.
bool update_averaged(AveragedPerceptron& a, std::span<const float> x, int y);

// Exercise 1.5: the averaged weights, current - u / c (for W and b).
MulticlassPerceptron averaged(const AveragedPerceptron& a);

// Scores of many examples at once, S = X W^T + b, through the shared kernel
// (common/gemm): X [n, d], result [n, k].
Tensor scores(const MulticlassPerceptron& m, const Tensor& X);

// Accuracy of m on (X, labels) and, if confusion is given, the confusion matrix
// [k, k]: confusion(true, predicted) counts.
double accuracy(const MulticlassPerceptron& m, const Tensor& X, std::span<const int> labels,
                Tensor* confusion = nullptr);

}  // namespace perceptron
