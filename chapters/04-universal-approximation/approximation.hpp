#pragma once
// Chapter 4: universal approximation, by construction. The symbols are those of the
// chapter's README (and of Nielsen's chapter 4):
//
//   sigma(z) = 1 / (1 + e^{-z})           the sigmoid
//   sigma(w (x - s))                       a neuron with weight w and bias b = -w s: as w
//                                          grows it becomes a step from 0 to 1 at x = s
//   h [sigma(w (x - s1)) - sigma(w (x - s2))]   a bump of height h on [s1, s2]
//   y(x) = c + sum_j v_j sigma(w_j x + b_j)     a network with one hidden layer
//
// Everything here is in double: the point is the mathematics, not the speed.
// Functions marked "Exercise 4.N" are yours to write in
// exercises/04-universal-approximation/approximation.cpp; the reference bodies live in
// solutions/04-universal-approximation/approximation.cpp. The others are given, in
// chapters/04-universal-approximation/given_approximation.cpp, and are linked in every build.
#include <functional>
#include <vector>

namespace ua {

using Function1D = std::function<double(double)>;
using Function2D = std::function<double(double, double)>;

double sigmoid(double z);  // overflow-safe for large |z|
double relu(double z);

// The chapter's running example, Nielsen's:
//   f(x) = 0.2 + 0.4 x^2 + 0.3 x sin(15 x) + 0.05 cos(50 x)   on [0, 1].
double nielsen_f(double x);

// Exercise 4.1: a sigmoid neuron written as a step: sigma(w (x - s)), i.e. weight w and
// bias b = -w s. For large w it is 0 left of s and 1 right of s, and exactly 1/2 at s.
double step_neuron(double x, double s, double w);

// Exercise 4.2: two steps make a bump: h [sigma(w (x - s1)) - sigma(w (x - s2))], about h
// on (s1, s2) and about 0 elsewhere, for s1 < s2 and large w.
double bump(double x, double s1, double s2, double h, double w);

// One hidden layer of sigmoid units and a linear output:
//   y(x) = c + sum_j v_j sigma(w_j x + b_j),   j = 0 .. units-1.
struct Shallow {
    std::vector<double> w, b, v;  // [units] each
    double c = 0.0;
    size_t units() const { return w.size(); }
};
double evaluate(const Shallow& net, double x);

// Exercise 4.3: the constructive approximator, with no training at all. Split [0, 1]
// into `bumps` equal intervals [s_i, s_{i+1}], s_i = i / bumps; on interval i put a
// bump of height h_i = f(midpoint of the interval) built from two step neurons of
// weight w: hidden unit 2i is the step at s_i with output weight +h_i, unit 2i+1 the
// step at s_{i+1} with output weight -h_i (units in that order), c = 0.
// 2 * bumps hidden units in all. bumps >= 1 and w > 0 (std::invalid_argument otherwise).
Shallow bumps_network(const Function1D& f, int bumps, double w);

// The step weight that makes each step of a network of `bumps` bumps sharp: the
// sigmoid goes from 0.01 to 0.99 within a tenth of an interval: 2 ln 99 / w = 1 / (10 bumps),
// so w = 20 bumps ln 99.
double sharp_weight(int bumps);

// max over `samples` equally spaced points of [lo, hi] (both included) of |f - g|.
double max_error(const Function1D& f, const Function1D& g, double lo = 0.0, double hi = 1.0,
                 int samples = 2001);

// ---------------------------------------------------------------- two inputs

// A tower: about h on the square [sx1, sx2] x [sy1, sy2] and about 0 elsewhere, from
// four steps and one more sigmoid that thresholds their sum (Nielsen's construction):
//   h sigma(w2 [bump_x(x) + bump_y(y) - 3/2]),  bump_x(x) = sigma(w (x - sx1)) - sigma(w (x - sx2)).
double tower(double x, double y, double sx1, double sx2, double sy1, double sy2, double h,
             double w, double w2);

// ---------------------------------------------------------------- depth against width

// Exercise 4.4: the tent map on [0, 1], t(x) = 2x for x <= 1/2 and 2 - 2x above, as a
// ReLU layer of two units: t(x) = 2 relu(x) - 4 relu(x - 1/2). Use relu(), not an if:
// the point is that a network computes it.
double tent(double x);
// Exercise 4.4 (continued): the tent map composed k times, t(t(...t(x))): a sawtooth with
// 2^(k-1) teeth, that is 2^k linear pieces, from only 2k ReLU units in k layers.
// sawtooth(x, 0) = x.
double sawtooth(double x, int k);

}  // namespace ua
