#include "common/toy_data.hpp"

#include <array>
#include <cassert>
#include <cmath>
#include <numbers>

#include "common/errors.hpp"

// The generators follow TensorFlow Playground's src/dataset.ts (classifyCircleData,
// classifyXORData, classifyTwoGaussData, classifySpiralData) and scikit-learn's
// make_moons, with two changes: each class gets exactly half the points (class 0
// the odd one), and the rows come shuffled. Playground label 1 is our 1, its -1 our 0.
namespace nn {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;
constexpr std::array<const char*, 5> kNames = {"circle", "xor", "gauss", "spiral", "moons"};

struct Example {
    float x, y;
    int label;
};

// Circle and XOR add noise the Playground's way: the point stays put and its label
// is read at a jittered copy of it, so noise flips labels near the boundary. To keep
// the classes balanced we draw Playground examples until one has the wanted label,
// which samples exactly the Playground's points of that label.
template <class DrawExample>
Example draw_with_label(int wanted, DrawExample draw) {
    for (;;) {
        Example e = draw();
        if (e.label == wanted) return e;
    }
}

// Class 1 inside radius 2.5, class 0 in the ring from 3.5 to 5.
Example circle_example(Rng& rng, float noise) {
    const float radius = 5.0f;
    const bool inner = rng.below(2) == 0;
    const float r = inner ? rng.uniform(0.0f, 0.5f * radius) : rng.uniform(0.7f * radius, radius);
    const float angle = rng.uniform(0.0f, 2.0f * kPi);
    const float x = r * std::sin(angle), y = r * std::cos(angle);
    const float jitter_x = x + rng.uniform(-radius, radius) * noise;
    const float jitter_y = y + rng.uniform(-radius, radius) * noise;
    const bool inside = std::hypot(jitter_x, jitter_y) < 0.5f * radius;
    return {x, y, inside ? 1 : 0};
}

// Uniform in [-5, 5], pushed 0.3 away from 0 so no point sits on an axis.
float padded_coordinate(Rng& rng) {
    const float padding = 0.3f;
    const float v = rng.uniform(-5.0f, 5.0f);
    return v > 0 ? v + padding : v - padding;
}

// Class 1 where x and y have the same sign (quadrants I and III).
Example xor_example(Rng& rng, float noise) {
    const float x = padded_coordinate(rng), y = padded_coordinate(rng);
    const float jitter_x = x + rng.uniform(-5.0f, 5.0f) * noise;
    const float jitter_y = y + rng.uniform(-5.0f, 5.0f) * noise;
    return {x, y, jitter_x * jitter_y >= 0 ? 1 : 0};
}

// Class 1 around (2, 2), class 0 around (-2, -2); the variance grows from 0.5 to 4
// as the Playground's noise goes from 0 to 0.5.
Example gauss_example(Rng& rng, float noise, int label) {
    const float stddev = std::sqrt(0.5f + 7.0f * noise);
    const float centre = label == 1 ? 2.0f : -2.0f;
    const float x = rng.normal(centre, stddev);
    return {x, rng.normal(centre, stddev), label};
}

// Point i of `count` on one arm: radius up to 5 over 1.75 turns; class 0's arm is
// class 1's turned by half a turn.
Example spiral_example(Rng& rng, float noise, int label, size_t i, size_t count) {
    const float fraction = float(i) / float(count);
    const float r = 5.0f * fraction;
    const float t = 1.75f * fraction * 2.0f * kPi + (label == 1 ? 0.0f : kPi);
    const float x = r * std::sin(t) + rng.uniform(-1.0f, 1.0f) * noise;
    return {x, r * std::cos(t) + rng.uniform(-1.0f, 1.0f) * noise, label};
}

// make_moons: class 0 on the upper half circle, class 1 on the lower one shifted to
// (1, 0.5), evenly spaced, plus Gaussian noise; then scaled by 4 about the centre
// (0.5, 0.25) so x fills [-6, 6] and y [-3, 3].
Example moon_example(Rng& rng, float noise, int label, size_t i, size_t count) {
    const float angle = count > 1 ? kPi * float(i) / float(count - 1) : 0.0f;
    float x = std::cos(angle), y = std::sin(angle);
    if (label == 1) x = 1.0f - x, y = 0.5f - y;
    x += rng.normal(0.0f, noise);
    y += rng.normal(0.0f, noise);
    return {4.0f * (x - 0.5f), 4.0f * (y - 0.25f), label};
}

Example make_example(Toy kind, Rng& rng, float noise, int label, size_t i, size_t count) {
    switch (kind) {
        case Toy::Circle: return draw_with_label(label, [&] { return circle_example(rng, noise); });
        case Toy::Xor: return draw_with_label(label, [&] { return xor_example(rng, noise); });
        case Toy::Gauss: return gauss_example(rng, noise, label);
        case Toy::Spiral: return spiral_example(rng, noise, label, i, count);
        case Toy::Moons: return moon_example(rng, noise, label, i, count);
    }
    return {};
}

}  // namespace

Dataset2D make_toy(Toy kind, size_t n, float noise, Rng& rng) {
    if (!(noise >= 0.0f && noise <= 1.0f))
        throw UsageError("noise must be in [0, 1], got " + std::to_string(noise));
    // The Playground's slider goes to 50%, which its generators receive as 0.5.
    const float playground_noise = 0.5f * noise;
    const size_t counts[2] = {(n + 1) / 2, n / 2};

    std::vector<Example> examples;
    examples.reserve(n);
    for (int label = 0; label < 2; ++label)
        for (size_t i = 0; i < counts[label]; ++i)
            examples.push_back(make_example(kind, rng, playground_noise, label, i, counts[label]));
    rng.shuffle(examples);

    Dataset2D data{Tensor({n, 2}), std::vector<int>(n)};
    for (size_t i = 0; i < n; ++i) {
        data.X(i, 0) = examples[i].x;
        data.X(i, 1) = examples[i].y;
        data.y[i] = examples[i].label;
    }
    return data;
}

Toy parse_toy(const std::string& name) {
    for (size_t k = 0; k < kNames.size(); ++k)
        if (name == kNames[k]) return static_cast<Toy>(k);
    throw UsageError("unknown data set '" + name + "'; choose circle, xor, gauss, spiral or moons");
}

std::string toy_name(Toy kind) { return kNames[static_cast<size_t>(kind)]; }

double friedman1(std::span<const float> x) {
    assert(x.size() >= 5);
    const double pi = std::numbers::pi;
    return 10.0 * std::sin(pi * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5) + 10.0 * x[3] + 5.0 * x[4];
}

RegressionSet make_friedman1(size_t n, size_t d, float sigma, Rng& rng) {
    if (d < 5) throw UsageError("Friedman #1 needs at least 5 features, got " + std::to_string(d));
    if (!(sigma >= 0.0f)) throw UsageError("the noise sigma must be 0 or more, got " + std::to_string(sigma));
    RegressionSet data{Tensor({n, d}), std::vector<float>(n)};
    for (size_t i = 0; i < n; ++i) {
        for (float& x : data.X.row(i)) x = rng.uniform();
        data.y[i] = float(friedman1(data.X.row(i)) + double(sigma) * rng.normal());
    }
    return data;
}

}  // namespace nn
