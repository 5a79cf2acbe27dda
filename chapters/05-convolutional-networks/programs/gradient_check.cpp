// Chapter 5, program: gradient checking of every layer of the chapter. Each backward
// pass is compared with central differences, dL/dp ~ (L(p + eps) - L(p - eps)) / (2 eps),
// on small random inputs at the geometries that catch the classic slips: stride 2,
// padding 2, odd widths, a non-square kernel, windows that overlap.
//
// The loss is L = sum G (.) Y for a fixed random G, so that dL/dY = G is the dY handed to
// the backward pass. The layers return the parameters' gradients as means over the B
// examples (chapter 3's convention) and dX per example, so the checker compares B dK with
// dL/dK and dX with dL/dX.
//
//   build/release/bin/05-convolutional-networks/gradient_check [--eps 1e-3]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "05-convolutional-networks/conv.hpp"
#include "common/cli.hpp"
#include "common/gradcheck.hpp"
#include "common/plot.hpp"
#include "common/random.hpp"

namespace {

using cnn::Tensor;

// fp32 with eps = 1e-3 leaves relative errors of 1e-4 .. 1e-2 (chapter 3's program says
// why); a wrong backward pass gives errors of order 1.
const double kTolerance = 1e-2;

// Every check below measures each difference against the largest entry of its gradient
// (floored at 1e-4), not against itself: L sums hundreds of float products, whose
// rounding swamps the small entries, batch norm's dX among them
// (nn::check_gradient_against_largest in common/gradcheck.hpp says more).

struct Row {
    std::string layer, geometry, gradient;
    nn::GradCheckResult check;
};

// L = sum G (.) Y in double.
double weighted_sum(const Tensor& G, const Tensor& Y) {
    double sum = 0;
    for (size_t i = 0; i < Y.size(); ++i) sum += double(G[i]) * Y[i];
    return sum;
}

std::vector<float> scaled(std::span<const float> values, float factor) {
    std::vector<float> out(values.begin(), values.end());
    for (float& v : out) v *= factor;
    return out;
}

// A convolution layer with the geometry, checked through its loops (exercises 5.2 and 5.3)
// or its fast path (im2col + gemm, given).
struct ConvCase {
    size_t B, C, H, W, C_out, kh, kw, stride, padding;
    std::string geometry() const {
        return std::to_string(B) + "x" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W) +
               ", " + std::to_string(C_out) + " kernels " + std::to_string(kh) + "x" + std::to_string(kw) +
               ", s " + std::to_string(stride) + ", p " + std::to_string(padding);
    }
};

void check_conv(const ConvCase& c, bool fast, double eps, nn::Rng& rng, std::vector<Row>& rows) {
    cnn::Conv2d conv;
    conv.K = nn::normal_tensor({c.C_out, c.C, c.kh, c.kw}, rng);
    conv.b.resize(c.C_out);
    for (float& b : conv.b) b = rng.normal();
    conv.stride = c.stride;
    conv.padding = c.padding;
    Tensor X = nn::normal_tensor({c.B, c.C, c.H, c.W}, rng);
    Tensor G = nn::normal_tensor(cnn::output_shape(conv, X.shape()), rng);

    cnn::ConvWorkspace work;
    Tensor Y, dK, dX;
    std::vector<float> db;
    auto forward = [&] {
        if (fast) cnn::conv2d_forward(conv, X, Y, work);
        else cnn::conv2d_forward_loops(conv, X, Y);
    };
    forward();
    if (fast) cnn::conv2d_backward(conv, G, dK, db, &dX, work);
    else cnn::conv2d_backward_loops(conv, X, G, dK, db, &dX);
    auto loss = [&] { forward(); return weighted_sum(G, Y); };
    const float B = float(c.B);
    const std::string layer = fast ? "conv, im2col + gemm" : "conv, loops";
    rows.push_back({layer, c.geometry(), "dK",
                    nn::check_gradient_against_largest(loss, conv.K.span(), scaled(dK.span(), B), eps)});
    rows.push_back({layer, c.geometry(), "db",
                    nn::check_gradient_against_largest(loss, conv.b, scaled(db, B), eps)});
    rows.push_back({layer, c.geometry(), "dX",
                    nn::check_gradient_against_largest(loss, X.span(), dX.span(), eps)});
}

// Inputs whose values are all at least 0.01 apart, so that no nudge of eps <= 1e-3 changes
// which cell of a window is the largest (the kink of max pooling, as ReLU's in chapter 3).
Tensor separated_tensor(std::vector<size_t> shape, nn::Rng& rng) {
    Tensor T(std::move(shape));
    std::vector<size_t> order(T.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (size_t i = 0; i < T.size(); ++i) T[i] = 0.01f * float(order[i]) - 0.005f * float(T.size());
    return T;
}

void check_pool(bool max, size_t H, size_t W, size_t size, size_t stride, double eps, nn::Rng& rng,
                std::vector<Row>& rows) {
    Tensor X = separated_tensor({2, 3, H, W}, rng);
    Tensor Y, dX(X.shape());
    std::vector<uint32_t> argmax;
    auto forward = [&] {
        if (max) cnn::max_pool_forward(X, size, stride, Y, argmax);
        else cnn::avg_pool_forward(X, size, stride, Y);
    };
    forward();
    Tensor G = nn::normal_tensor(Y.shape(), rng);
    if (max) cnn::max_pool_backward(G, argmax, dX);
    else cnn::avg_pool_backward(G, size, stride, dX);
    auto loss = [&] { forward(); return weighted_sum(G, Y); };
    std::string geometry = "2x3x" + std::to_string(H) + "x" + std::to_string(W) + ", window " +
                           std::to_string(size) + ", s " + std::to_string(stride);
    rows.push_back({max ? "max pool" : "average pool", geometry, "dX",
                    nn::check_gradient_against_largest(loss, X.span(), dX.span(), eps)});
}

void check_batch_norm(size_t B, size_t C, size_t H, size_t W, double eps, nn::Rng& rng, std::vector<Row>& rows) {
    cnn::BatchNorm bn = cnn::make_batch_norm(C);
    for (size_t c = 0; c < C; ++c) {
        bn.gamma[c] = rng.uniform(0.5f, 2.0f);
        bn.beta[c] = rng.normal();
    }
    Tensor X = nn::normal_tensor({B, C, H, W}, rng);
    for (float& x : X.span()) x = 3.0f * x + 1.0f;  // a mean and a spread to take out
    Tensor G = nn::normal_tensor(X.shape(), rng), Y, dX;
    cnn::BatchNormCache cache;
    std::vector<float> dgamma, dbeta;
    cnn::batch_norm_forward(bn, X, cnn::Mode::Train, Y, cache);
    cnn::batch_norm_backward(bn, cache, G, dX, dgamma, dbeta);
    // The batch's own statistics: the running ones move at every forward pass, but
    // Mode::Train does not read them.
    auto loss = [&] { cnn::batch_norm_forward(bn, X, cnn::Mode::Train, Y, cache); return weighted_sum(G, Y); };
    std::string geometry = std::to_string(B) + "x" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W);
    rows.push_back({"batch norm", geometry, "dgamma",
                    nn::check_gradient_against_largest(loss, bn.gamma, scaled(dgamma, float(B)), eps)});
    rows.push_back({"batch norm", geometry, "dbeta",
                    nn::check_gradient_against_largest(loss, bn.beta, scaled(dbeta, float(B)), eps)});
    rows.push_back({"batch norm", geometry, "dX",
                    nn::check_gradient_against_largest(loss, X.span(), dX.span(), eps)});
}

std::vector<Row> check_every_layer(double eps, nn::Rng& rng) {
    const std::vector<ConvCase> convs{
        {2, 1, 6, 6, 3, 3, 3, 1, 0},  // the plain case
        {2, 3, 7, 5, 4, 3, 3, 2, 1},  // stride 2 over odd sizes, padding 1
        {1, 2, 5, 6, 2, 2, 3, 1, 2},  // a non-square kernel, padding 2, batch 1
        {3, 4, 4, 4, 2, 1, 1, 1, 0},  // 1x1 kernels: a dense layer at every pixel
    };
    std::vector<Row> rows;
    for (bool fast : {false, true})
        for (const ConvCase& c : convs) check_conv(c, fast, eps, rng, rows);
    check_pool(true, 6, 6, 2, 2, eps, rng, rows);
    check_pool(true, 7, 5, 3, 2, eps, rng, rows);  // windows that overlap
    check_pool(false, 6, 6, 2, 2, eps, rng, rows);
    check_pool(false, 7, 5, 3, 2, eps, rng, rows);
    check_batch_norm(4, 3, 3, 5, eps, rng, rows);
    check_batch_norm(1, 2, 4, 4, eps, rng, rows);  // one image: the statistics are over its pixels
    return rows;
}

void print_table(const std::vector<Row>& rows) {
    std::printf("%-20s %-36s %-7s %12s %12s %12s  %s\n", "layer", "input, geometry", "grad", "max rel err",
                "analytic", "numeric", "");
    for (const Row& r : rows)
        std::printf("%-20s %-36s %-7s %12.2e %12.5f %12.5f  %s\n", r.layer.c_str(), r.geometry.c_str(),
                    r.gradient.c_str(), r.check.max_relative_error, r.check.analytic, r.check.numeric,
                    r.check.passed(kTolerance) ? "ok" : "WRONG");
    std::printf("(analytic and numeric: the two gradients where the error is largest)\n");
}

// One point per check, coloured by layer, on a log scale with the tolerance above them.
nn::Figure error_figure(const std::vector<Row>& rows) {
    nn::Figure fig({.title = "Every backward pass of chapter 5 against central differences",
                    .xlabel = "check (the rows of the table, in order)",
                    .ylabel = "largest |a - n| / max |a|", .logy = true, .yrange = {{1e-8, 1}}});
    std::vector<std::string> layers;
    for (const Row& r : rows)
        if (std::find(layers.begin(), layers.end(), r.layer) == layers.end()) layers.push_back(r.layer);
    for (size_t l = 0; l < layers.size(); ++l) {
        nn::Series points{.title = layers[l], .style = "points pt 7 ps 1.5 lc rgb '" + nn::ordered_color(l, layers.size()) + "'"};
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i].layer == layers[l]) {
                points.x.push_back(double(i + 1));
                points.y.push_back(std::max(rows[i].check.max_relative_error, 1e-8));
            }
        fig.add(points);
    }
    fig.add_hline(kTolerance, "tolerance");
    return fig;
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli("gradient_check", "Every layer of chapter 5 against central differences",
                    "out/05-convolutional-networks");
        double eps = 1e-3;
        cli.option("eps", eps, "the nudge of the central differences", nn::between(1e-6, 1e-2));
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::Outputs out(opt, "gradient_check");

        nn::Rng rng(opt.seed);
        std::printf("Central differences with eps = %s on L = sum G (.) Y: the largest relative error\n"
                    "|a - n| / max(|a|, |n|, max |a|) of each backward pass a against the difference n\n"
                    "(measured against the gradient's largest entry: the float rounding of L reaches\n"
                    "about 1e-3 in every numeric derivative, small ones included).\n\n",
                    nn::significant(eps).c_str());
        std::vector<Row> rows = check_every_layer(eps, rng);
        print_table(rows);
        double worst = 0;
        size_t failed = 0;
        for (const Row& r : rows) {
            worst = std::max(worst, r.check.max_relative_error);
            failed += !r.check.passed(kTolerance);
        }
        std::printf("\n%zu of %zu gradients within %s.\n", rows.size() - failed, rows.size(),
                    nn::significant(kTolerance).c_str());
        nn::save_png(error_figure(rows), out.path("gradient_check.png"), {1000, 600});
        out.figure("gradient_check.png",
                   "The largest error of each gradient of the table, measured against the gradient's "
                   "largest entry. fp32 and eps = 1e-3 leave 1e-5 to 1e-3; a backward pass with a wrong "
                   "formula lands near 1, far above the tolerance. Max pooling's errors are the smallest: "
                   "its gradient is a copy of dY, and a sum of G's alone is exact to rounding.");
        out.result({{"worst_error", nn::significant(worst, 3)},
                    {"tolerance", nn::significant(kTolerance)},
                    {"checks", std::to_string(rows.size())},
                    {"failed", std::to_string(failed)}});
    });
}
