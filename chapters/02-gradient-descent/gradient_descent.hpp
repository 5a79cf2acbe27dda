#pragma once
// Chapter 2: gradient descent. The symbols are those of the chapter's README:
//
//   theta            the parameters, a point in R^n (x in the 1-D and 2-D demos)
//   f(theta), L      the function or loss being minimized
//   g = grad f       its gradient at the current point
//   eta              the learning rate (step size)
//
//   theta <- theta - eta g                          gradient descent
//   v <- beta v + g;       theta <- theta - eta v   momentum (heavy ball)
//   m <- b1 m + (1-b1) g;  s <- b2 s + (1-b2) g^2   Adam, with bias correction
//
// Functions marked "Exercise 2.N" are yours to write in
// exercises/02-gradient-descent/gradient_descent.cpp; the reference bodies live in
// solutions/02-gradient-descent/gradient_descent.cpp. The others are given, in
// chapters/02-gradient-descent/given_*.cpp, and are linked in every build.
#include <cstddef>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/tensor.hpp"
#include "common/training.hpp"

namespace gd {

using nn::Tensor;

// ---------------------------------------------------------------- functions to minimize

// f(x) = 1/2 x^T A x - b^T x, with A symmetric positive definite [n, n], b [n].
// Its minimum is at A x = b; its curvature along an eigenvector of A is the eigenvalue.
struct Quadratic {
    Tensor A;              // [n, n]
    std::vector<float> b;  // [n]
};

double quadratic_value(const Quadratic& q, std::span<const float> x);

// Exercise 2.1: the gradient g = A x - b, written into grad [n].
void quadratic_gradient(const Quadratic& q, std::span<const float> x, std::span<float> grad);

// Rosenbrock's banana f(x, y) = (a - x)^2 + c (y - x^2)^2 (a = 1, c = 100): a curved
// valley with its minimum at (1, 1), the classic hard case for plain gradient descent.
double rosenbrock_value(std::span<const float> p);
void rosenbrock_gradient(std::span<const float> p, std::span<float> grad);

// ---------------------------------------------------------------- the update rules

// Exercise 2.2: one step of gradient descent, theta <- theta - eta g.
void gradient_step(std::span<float> theta, std::span<const float> g, float eta);

// Plain gradient descent as an optimizer (calls gradient_step).
struct Sgd {
    float eta = 0.01f;
    void step(std::span<float> theta, std::span<const float> g);
};

// Exercise 2.3: momentum, v <- beta v + g; theta <- theta - eta v. v starts at 0 and
// is sized on the first step.
struct Momentum {
    float eta = 0.01f, beta = 0.9f;
    std::vector<float> v;
    void step(std::span<float> theta, std::span<const float> g);
};

// Nesterov's accelerated gradient in the form PyTorch uses (only the gradient at the
// current point is needed): v <- beta v + g; theta <- theta - eta (g + beta v).
struct Nesterov {
    float eta = 0.01f, beta = 0.9f;
    std::vector<float> v;
    void step(std::span<float> theta, std::span<const float> g);
};

// AdaGrad: G <- G + g^2; theta <- theta - eta g / (sqrt(G) + eps), per coordinate.
struct AdaGrad {
    float eta = 0.1f, eps = 1e-8f;
    std::vector<float> G;
    void step(std::span<float> theta, std::span<const float> g);
};

// RMSProp: s <- rho s + (1 - rho) g^2; theta <- theta - eta g / (sqrt(s) + eps).
struct RMSProp {
    float eta = 0.01f, rho = 0.9f, eps = 1e-8f;
    std::vector<float> s;
    void step(std::span<float> theta, std::span<const float> g);
};

// Exercise 2.4: Adam (Kingma and Ba, 2015), per coordinate, with t counting steps from 1:
//   m <- b1 m + (1 - b1) g;   s <- b2 s + (1 - b2) g^2
//   m_hat = m / (1 - b1^t);   s_hat = s / (1 - b2^t)
//   theta <- theta - eta m_hat / (sqrt(s_hat) + eps)
struct Adam {
    float eta = 0.001f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    std::vector<float> m, s;
    long t = 0;
    void step(std::span<float> theta, std::span<const float> g);
};

// Any of the above, chosen by name in the programs' --optimizer option, for a whole
// model: one rule per parameter tensor, each with its own state (momentum's v, Adam's
// m, s and t), all with the same constants.
class Optimizer {
public:
    // "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam", with learning rate
    // eta and the other constants at their defaults. Throws nn::UsageError naming the
    // choices for any other name.
    static Optimizer make(const std::string& name, float eta);
    static const std::vector<std::string>& names();

    // One step of every tensor of the list, always given in the same order (entry i
    // keeps rule i's state). The first step sizes the list of rules.
    void step(std::span<const nn::Parameter> parameters);
    // The same for a model with one parameter vector.
    void step(std::span<float> theta, std::span<const float> g);
    const std::string& name() const { return name_; }
    float eta() const;
    void set_eta(float eta);  // for learning-rate schedules

private:
    using Rule = std::variant<Sgd, Momentum, Nesterov, AdaGrad, RMSProp, Adam>;
    Rule fresh_;               // the rule with its constants and no state yet
    std::vector<Rule> rules_;  // one per parameter tensor
    std::string name_;
};

// ---------------------------------------------------------------- learning-rate schedules

enum class Schedule { Constant, Step, Cosine, WarmupCosine };
Schedule parse_schedule(const std::string& name);  // throws nn::UsageError

// Exercise 2.7: the learning rate at step t of T (t = 0 .. T-1) for base rate eta0:
//   Constant       eta0
//   Step           eta0 * 0.1^floor(3t / T)          (divided by 10 at a third and at two thirds;
//                                                      3t / T in integer arithmetic: 0, 1 or 2)
//   Cosine         eta0 * (1 + cos(pi t / T)) / 2
//   WarmupCosine   eta0 * (t + 1) / W for t < W = max(1, T/10) (linear warm-up), then
//                  the cosine over the remaining steps: eta0 * (1 + cos(pi (t - W) / (T - W))) / 2
float learning_rate(Schedule schedule, float eta0, long t, long T);

// ---------------------------------------------------------------- linear regression

// Data: X [n, d], y [n]. Model: y_hat = X w + b. Loss: L = 1/(2n) sum_i (y_hat_i - y_i)^2.
struct LinearModel {
    std::vector<float> w;  // [d]
    float b = 0.0f;
};

double linear_loss(const LinearModel& model, const Tensor& X, std::span<const float> y);

// Exercise 2.5: the gradient of L: with residuals r = X w + b - y,
//   dL/dw = X^T r / n  [d],   dL/db = sum(r) / n.
void linear_gradient(const LinearModel& model, const Tensor& X, std::span<const float> y,
                     std::vector<float>& grad_w, float& grad_b);

// The closed form: solves the normal equations [X 1]^T [X 1] [w; b] = [X 1]^T y by
// Gaussian elimination with partial pivoting, in double. Throws std::runtime_error
// when the system is singular.
LinearModel solve_normal_equations(const Tensor& X, std::span<const float> y);

// ---------------------------------------------------------------- softmax regression

// Row-wise softmax of logits Z [n, k], computed stably (the row max subtracted first).
Tensor softmax(const Tensor& Z);

// Exercise 2.6: the mean cross-entropy of logits Z [n, k] against labels [n] (class
// ids), L = -1/n sum_i log softmax(Z)_i,labels[i], returned; and its gradient with
// respect to the logits written into dZ [n, k]:  dZ = (softmax(Z) - Y) / n, Y one-hot.
double softmax_cross_entropy(const Tensor& Z, std::span<const int> labels, Tensor& dZ);

// k classes, d inputs: logits Z = X W^T + b.
struct SoftmaxModel {
    Tensor W;              // [k, d]
    std::vector<float> b;  // [k]
    SoftmaxModel() = default;
    SoftmaxModel(size_t classes, size_t inputs);  // zeros
};

Tensor logits(const SoftmaxModel& model, const Tensor& X);  // [n, k], through common/gemm

// Loss on a batch X [n, d], labels [n], and the gradients dW [k, d] = dZ^T X, db [k] =
// column sums of dZ (with dZ from softmax_cross_entropy).
double softmax_loss_and_gradient(const SoftmaxModel& model, const Tensor& X,
                                 std::span<const int> labels, Tensor& dW, std::vector<float>& db);

double softmax_accuracy(const SoftmaxModel& model, const Tensor& X, std::span<const int> labels);

// Softmax regression bound to its training set X [n, d], labels [n], for the one
// training loop, nn::Trainer (common/training.hpp): W and b are its parameters.
class SoftmaxTraining : public nn::Trainable {
public:
    SoftmaxTraining(SoftmaxModel& model, const Tensor& X, std::span<const int> labels);
    size_t examples() const override { return X_.dim(0); }
    // softmax_loss_and_gradient() on the rows, gathered.
    double loss_and_gradients(std::span<const size_t> rows) override;
    std::vector<nn::Parameter> parameters() override;
    // The last mini-batch and its gradients, for a --trace.
    const Tensor& batch() const { return X_batch_; }
    std::span<const int> batch_labels() const { return labels_batch_; }
    const Tensor& dW() const { return dW_; }
    const std::vector<float>& db() const { return db_; }

private:
    SoftmaxModel& model_;
    const Tensor& X_;
    std::span<const int> labels_;
    Tensor X_batch_, dW_;
    std::vector<int> labels_batch_;
    std::vector<float> db_;
};

// Logistic regression is the two-class case with one weight vector: p = sigmoid(w . x + b),
// L = -1/n sum [t log p + (1 - t) log(1 - p)], dL/dw = X^T (p - t) / n, dL/db = mean(p - t).
double logistic_loss_and_gradient(const LinearModel& model, const Tensor& X, std::span<const int> t,
                                  std::vector<float>& grad_w, float& grad_b);

// Logistic regression bound to its training set X [n, d], targets t [n] in {0, 1},
// for nn::Trainer: w and b are its parameters.
class LogisticTraining : public nn::Trainable {
public:
    LogisticTraining(LinearModel& model, const Tensor& X, std::span<const int> t);
    size_t examples() const override { return X_.dim(0); }
    // logistic_loss_and_gradient() on the rows, gathered.
    double loss_and_gradients(std::span<const size_t> rows) override;
    std::vector<nn::Parameter> parameters() override;
    const std::vector<float>& grad_w() const { return grad_w_; }
    float grad_b() const { return grad_b_; }

private:
    LinearModel& model_;
    const Tensor& X_;
    std::span<const int> t_;
    Tensor X_batch_;
    std::vector<int> t_batch_;
    std::vector<float> grad_w_;
    float grad_b_ = 0;
};


}  // namespace gd
