// Chapter 1, program 1: the activation functions, and what one neuron with two
// inputs computes over the plane. No training.
//
//   build/release/bin/01-perceptron/activations [--w1 2 --w2 1 --b -1] [--out DIR]
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "01-perceptron/perceptron.hpp"
#include "common/cli.hpp"
#include "common/plot.hpp"
#include "common/trace.hpp"

namespace {

using perceptron::Perceptron;

// The square [lo, hi]^2 of the plane that the field panels show.
struct Square {
    double lo, hi;
};

nn::Figure activations_figure() {
    nn::Figure figure({.title = "Activation functions",
                       .xlabel = "z = w . x + b",
                       .ylabel = "output",
                       .yrange = std::pair{-1.2, 2.2}});
    struct Curve {
        std::string title, style;
        std::function<float(float)> f;
    };
    // ReLU dashed: for z < 0 it lies on top of the step.
    const std::vector<Curve> curves{
        {"step(z), step(0) = 0", "lines lw 3", [](float z) { return float(perceptron::step(z)); }},
        {"sigmoid(z) = 1 / (1 + e^-z)", "lines lw 3", perceptron::sigmoid},
        {"tanh(z)", "lines lw 3", [](float z) { return std::tanh(z); }},
        {"ReLU(z) = max(0, z)", "lines lw 3 dt 2", perceptron::relu},
    };
    for (const Curve& curve : curves) {
        nn::Series s{curve.title, {}, {}, curve.style};
        // 801 samples on [-4, 4]: dense enough that the step's jump looks vertical.
        for (int i = 0; i <= 800; ++i) {
            float z = -4.0f + 8.0f * float(i) / 800.0f;
            s.x.push_back(z);
            s.y.push_back(curve.f(z));
        }
        figure.add(std::move(s));
    }
    return figure;
}

// "2 x1 + 1 x2 - 1" for w = (2, 1), b = -1.
std::string linear_form(const Perceptron& p) {
    char text[96];
    std::snprintf(text, sizeof text, "%g x1 %c %g x2 %c %g", p.w[0], p.w[1] < 0 ? '-' : '+',
                  std::abs(p.w[1]), p.b < 0 ? '-' : '+', std::abs(p.b));
    return text;
}

// One panel: activation(w . x + b) over the square, with the line w . x + b = 0 and
// the vector w drawn from the point of the line closest to the origin.
nn::Figure field_panel(const Perceptron& p, const Square& box, const std::string& name,
                       const std::function<float(float)>& activation) {
    nn::Axes axes = nn::plane_axes(name + "(z),  z = " + linear_form(p), box.lo, box.hi);
    axes.key = false;  // two panels side by side: the caption says what the lines are
    nn::Figure figure(axes);
    nn::Grid grid{box.lo, box.hi, box.lo, box.hi, 161, 161, {}};
    // grid.values [ny, nx], row iy at x_2 = lo + iy * step
    for (size_t iy = 0; iy < grid.ny; ++iy)
        for (size_t ix = 0; ix < grid.nx; ++ix) {
            float x[2] = {float(box.lo + (box.hi - box.lo) * double(ix) / double(grid.nx - 1)),
                          float(box.lo + (box.hi - box.lo) * double(iy) / double(grid.ny - 1))};
            grid.values.push_back(activation(perceptron::weighted_sum(p, x)));
        }
    figure.add_heatmap(std::move(grid), nn::Palette::TwoClass, std::pair{0.0, 1.0});
    if (auto line = nn::line_in_square(p.w[0], p.w[1], p.b, box.lo, box.hi, "w . x + b = 0",
                                       "lines lw 3 lc rgb 'black'"))
        figure.add(std::move(*line));
    double w1 = p.w[0], w2 = p.w[1], norm2 = w1 * w1 + w2 * w2;
    if (norm2 > 0) {
        // The foot of the perpendicular from the origin: x0 = -b w / |w|^2.
        double fx = -p.b * w1 / norm2, fy = -p.b * w2 / norm2, len = std::sqrt(norm2);
        figure.add(nn::Series{"direction of w (toward o = 1)", {fx, fx + w1 / len}, {fy, fy + w2 / len},
                              "linespoints lw 3 pt 7 ps 1.2 lc rgb 'dark-green'"});
    }
    return figure;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("activations",
                    "Plots step, sigmoid, tanh and ReLU, and one neuron's output over the plane",
                    "out/01-perceptron");
        float w1 = 2.0f, w2 = 1.0f, b = -1.0f;
        cli.option("w1", w1, "weight w1 of input x1");
        cli.option("w2", w2, "weight w2 of input x2");
        cli.option("b", b, "bias b");
        cli.add_trace();
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "activations");
        // Nothing trains here, so a trace (if asked for) stays empty.
        nn::Trace trace(opt.trace);

        nn::save_png(activations_figure(), out.path("activations.png"));
        out.figure("activations.png",
                   "The step of Rosenblatt's perceptron beside the smooth activations of later "
                   "chapters: sigmoid and tanh saturate, ReLU does not for z > 0.");

        Perceptron p{{w1, w2}, b};
        Square box{-2, 2};
        std::vector<nn::Figure> panels{
            field_panel(p, box, "step", [](float z) { return float(perceptron::step(z)); }),
            field_panel(p, box, "sigmoid", perceptron::sigmoid)};
        nn::save_png(panels, 2, out.path("neuron_field.png"), {1200, 600});
        out.figure("neuron_field.png",
                   "One neuron with two inputs, its output as color (blue 0, orange 1): constant "
                   "along lines parallel to w . x + b = 0 (black); the green segment points along "
                   "w. The step cuts the plane in two, the sigmoid fades across the line.");

        trace.close();
        out.result({{"w1", nn::fixed(w1, 2)}, {"w2", nn::fixed(w2, 2)}, {"b", nn::fixed(b, 2)},
                    {"figures", "2"}});
    });
}
