// Chapter 5, program: a convolutional network on Fashion-MNIST. The default is the
// chapter's LeNet-style net, conv 5x5x20 - pool 2 - conv 5x5x40 - pool 2 - dense 100 -
// dense 10 (ReLU, softmax, cross-entropy, mini-batch 64), trained by SGD with momentum
// under a cosine schedule with weight decay, one thread, for 15 epochs: the settings
// that did best on a validation split of 10,000 training images (the README's table).
// --net takes any stack of net.hpp's layers.
//
//   build/release/bin/05-convolutional-networks/fashion_cnn [--net conv5x5x20-bn-pool2-...]
//       [--epochs 15] [--eta 0.05] [--weight-decay 0.005] [--optimizer momentum]
//       [--schedule cosine] [--validation 10000] [--mirror]
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "02-gradient-descent/gradient_descent.hpp"
#include "05-convolutional-networks/net.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/gemm.hpp"
#include "common/idx.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/stopwatch.hpp"

namespace {

using nn::Tensor;

const char* const kProgram = "fashion_cnn";

struct Settings {
    std::string net = cnn::kLeNet, optimizer = "momentum", schedule = "cosine";
    float eta = 0.05f;
    float weight_decay = 0.005f;
    int batch = 64;
    int validation = 0;
    bool mirror = false;
};

struct Sets {
    nn::ImageSet train, validation, test;
};

// The validation images are the last ones of the training set, never the test set's:
// what --validation tunes, the test set only reports.
Sets load_sets(const nn::CommonOptions& opt, const Settings& s) {
    Sets sets;
    auto [full, test] = nn::load_train_test(opt.data);
    nn::require_pixels(full, 28 * 28, kProgram, opt.data);
    const size_t held_out = size_t(s.validation);
    if (held_out >= full.size())
        throw nn::UsageError("--validation " + std::to_string(held_out) + " leaves no training images (the set has " +
                             std::to_string(full.size()) + ")");
    sets.validation = nn::rows_of(full, full.size() - held_out, full.size());
    sets.train = nn::rows_of(full, 0, full.size() - held_out);
    sets.test = std::move(test);
    if (opt.quick) {
        sets.train = nn::first_images(sets.train, 4000);
        sets.test = nn::first_images(sets.test, 1000);
    }
    return sets;
}

// Resident set size at its peak, in MB (Linux reports ru_maxrss in KiB).
double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

// The first convolution's kernels, one image each (channel 0 of each: the input is gray).
void plot_filters(const cnn::Net& net, nn::Outputs& out) {
    const cnn::Conv2d& conv = net.layers.front().conv;
    const size_t k = conv.kernel_rows();
    std::vector<nn::Image> images;
    for (size_t c = 0; c < conv.out_channels(); ++c) {
        std::vector<float> pixels(k * k);
        for (size_t u = 0; u < k; ++u)
            for (size_t v = 0; v < k; ++v) pixels[u * k + v] = conv.K(c, 0, u, v);
        images.push_back({k, k, std::move(pixels), "kernel " + std::to_string(c + 1)});
    }
    nn::save_image_grid(images, 10, out.path("fashion_cnn_filters.png"), nn::Palette::Diverging,
                        "The first layer's " + std::to_string(images.size()) + " learned kernels (red > 0, blue < 0)",
                        {1500, int(120 + 170 * ((images.size() + 9) / 10))});
    out.figure("fashion_cnn_filters.png",
               "The kernels of the first convolution after training, each a small image of the weights it "
               "slides over the picture: red weights add the pixel, blue ones subtract it. Most are edge "
               "detectors (a red band beside a blue one, at some angle) or blob detectors.");
}

void plot_confusion(const nn::ImageSet& test, const std::vector<int>& guess, const std::vector<std::string>& names,
                    nn::Outputs& out) {
    Tensor confusion = nn::confusion_counts(test.labels, guess, names.size());
    nn::save_png(nn::confusion_figure(confusion, names, "Test confusion matrix (rows: true class, columns: the guess)",
                                      "guessed class"),
                 out.path("fashion_cnn_confusion.png"), {1000, 850});
    out.figure("fashion_cnn_confusion.png",
               "Counts of test images by true class (row) and the network's guess (column); the diagonal "
               "holds the right answers.");
}

void plot_misclassified(const nn::ImageSet& test, const std::vector<int>& guess,
                        const std::vector<std::string>& names, nn::Outputs& out) {
    std::vector<nn::Image> images = nn::misclassified_images(test, guess, names);
    if (images.empty()) return;
    nn::save_image_grid(images, 8, out.path("fashion_cnn_misclassified.png"), nn::Palette::Gray,
                        "The first misclassified test images (true class -> the guess)", {1700, 800});
    out.figure("fashion_cnn_misclassified.png",
               "The first test images the network gets wrong, each titled with its true class and its guess.");
}

// ---------------------------------------------------------------- looking inside

// A map [H, W] as an image scaled to [0, 1] by its own largest |value| (each map has its
// own range, and a dark map would otherwise hide its pattern), enlarged by whole pixels to
// about `side` so that a 4 x 4 map is as visible as a 24 x 24 one: its cells show as blocks.
nn::Image map_image(const float* map, size_t H, size_t W, size_t side, std::string title) {
    float biggest = 0;
    for (size_t i = 0; i < H * W; ++i) biggest = std::max(biggest, std::fabs(map[i]));
    const size_t zoom = std::max<size_t>(1, side / std::max(H, W));
    nn::Image image{H * zoom, W * zoom, std::vector<float>(H * W * zoom * zoom), std::move(title)};
    for (size_t r = 0; r < image.rows; ++r)
        for (size_t c = 0; c < image.cols; ++c)
            image.pixels[r * image.cols + c] = biggest > 0 ? std::fabs(map[(r / zoom) * W + c / zoom]) / biggest : 0;
    return image;
}

// The layers whose outputs are worth a look, with their names: each convolution's
// output after its ReLU (and batch norm), "conv 1", and each pooling's, "pool 1". Their
// indices l are for maps[l + 1].
std::vector<std::pair<size_t, std::string>> map_layers(const cnn::Net& net) {
    std::vector<std::pair<size_t, std::string>> shown;
    int convs = 0, pools = 0;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const cnn::Kind kind = net.layers[l].kind;
        if (kind == cnn::Kind::Conv) ++convs;
        if (kind == cnn::Kind::Dense) break;  // the ReLUs of dense layers have no maps
        if (kind == cnn::Kind::ReLU) shown.push_back({l, "conv " + std::to_string(convs)});
        if (kind == cnn::Kind::MaxPool || kind == cnn::Kind::AvgPool)
            shown.push_back({l, "pool " + std::to_string(++pools)});
    }
    return shown;
}

// One test image through the net: a row per layer, its first channels side by side.
void plot_feature_maps(cnn::Net& net, const nn::ImageSet& test, const std::vector<std::string>& names,
                       nn::Outputs& out) {
    const size_t columns = 10, example = 0;
    Tensor x({test.images.dim(1)});
    std::copy_n(test.images.row(example).data(), x.size(), x.data());
    const std::vector<Tensor> maps = cnn::feature_maps(net, x);
    std::vector<nn::Image> images;
    auto pad_row = [&] { while (images.size() % columns) images.push_back({1, 1, {0.0f}, ""}); };
    images.push_back(map_image(x.data(), test.rows, test.cols, 24, "input: " + names[size_t(test.labels[example])]));
    pad_row();
    for (const auto& [l, layer] : map_layers(net)) {
        const Tensor& map = maps[l + 1];  // [C, H, W]
        const size_t C = map.dim(0), H = map.dim(1), W = map.dim(2);
        for (size_t c = 0; c < std::min(C, columns); ++c)
            images.push_back(map_image(map.data() + c * H * W, H, W, 24,
                                       c == 0 ? layer + ": " + std::to_string(C) + "@" + std::to_string(H) + "x" +
                                                    std::to_string(W)
                                              : "ch " + std::to_string(c + 1)));
        pad_row();
    }
    nn::save_image_grid(images, int(columns), out.path("fashion_cnn_feature_maps.png"), nn::Palette::Gray,
                        "One test image through the net: the first " + std::to_string(columns) +
                            " channels of each layer (white: strong)",
                        {1500, int(150 * (images.size() / columns) + 80)});
    out.figure("fashion_cnn_feature_maps.png",
               "The first test image and what each layer makes of it: a row per layer (each convolution after its "
               "ReLU, each pooling), its first channels side by side, each scaled to its own largest value. The "
               "first layer's maps are the image seen through edge detectors; each pooling halves the maps; the "
               "second convolution's 8 x 8 maps no longer look like the image, but like where its parts are.");
}

// The layer l of the second convolution's output (after its ReLU), or of the first's in
// a net with one.
size_t second_convolution(const cnn::Net& net) {
    std::vector<size_t> convs;
    for (const auto& [l, name] : map_layers(net))
        if (name.starts_with("conv")) convs.push_back(l);
    return convs.at(std::min<size_t>(1, convs.size() - 1));
}

// For the first live filters of the second convolution (a filter whose ReLU is 0 on every
// test image has nothing to show), the test images whose map has the largest cell: what
// the filter looks for, shown by the examples that excite it most.
void plot_most_exciting(cnn::Net& net, const nn::ImageSet& test, nn::Outputs& out) {
    const size_t l = second_convolution(net), filters = 8, top = 8;
    const Tensor peaks = cnn::channel_peaks(net, test.images, l);  // [N, C]
    const size_t N = peaks.dim(0), k = std::min(top, N);
    std::vector<nn::Image> images;
    std::vector<size_t> order(N);
    size_t silent = 0;  // filters no test image turns on: their ReLU is 0 everywhere
    for (size_t c = 0; c < peaks.dim(1); ++c) {
        bool fires = false;
        for (size_t i = 0; i < N && !fires; ++i) fires = peaks(i, c) > 0;
        silent += !fires;
    }
    std::printf("filters of conv %d that no test image turns on: %zu of %zu\n", l == map_layers(net).front().first ? 1 : 2,
                silent, peaks.dim(1));
    for (size_t c = 0, shown = 0; c < peaks.dim(1) && shown < filters; ++c) {
        std::iota(order.begin(), order.end(), size_t(0));
        std::partial_sort(order.begin(), order.begin() + long(k), order.end(),
                          [&](size_t a, size_t b) { return peaks(a, c) > peaks(b, c); });
        if (!(peaks(order[0], c) > 0)) continue;
        ++shown;
        for (size_t j = 0; j < k; ++j) {
            auto pixels = test.images.row(order[j]);
            images.push_back({test.rows, test.cols, {pixels.begin(), pixels.end()},
                              (j == 0 ? "filter " + std::to_string(c + 1) + ": " : "") + nn::fixed(peaks(order[j], c), 1)});
        }
    }
    if (images.empty()) return;
    nn::save_image_grid(images, int(top), out.path("fashion_cnn_exciting.png"), nn::Palette::Gray,
                        "The test images that excite the second convolution's filters most "
                        "(a row per filter, its peak activation above each)",
                        {1400, int(170 * (images.size() / top) + 80)});
    out.figure("fashion_cnn_exciting.png",
               "For the first filters of the second convolution that some test image excites, the 8 test images "
               "(of all of them) whose map has the largest cell. A filter of the second layer sees 14 x 14 pixels of "
               "the input and is no longer an edge detector: its rows hold one kind of garment, or one part that "
               "several kinds share (a sole, a sleeve, a strap).");
}

// SmoothGrad (Smilkov et al., 2017): the saliency map averaged over copies of x with
// Gaussian noise added (standard deviation sigma, in pixel units of [0, 1]). The raw
// gradient of a ReLU net jumps from pixel to pixel, since each pixel switches other ReLUs
// on and off; the average keeps what the neighbourhood of x agrees on.
Tensor smooth_saliency(cnn::Net& net, const Tensor& x, size_t c, nn::Rng& rng, int copies = 32, float sigma = 0.15f) {
    Tensor sum(x.shape()), noisy(x.shape());
    for (int k = 0; k < copies; ++k) {
        for (size_t i = 0; i < x.size(); ++i) noisy[i] = x[i] + rng.normal(0.0f, sigma);
        const Tensor map = cnn::saliency(net, noisy, c);
        for (size_t i = 0; i < x.size(); ++i) sum[i] += std::fabs(map[i]) / float(copies);
    }
    return sum;
}

// Saliency maps of the class the net guesses, |d z_c / d x| raw and smoothed, for the first
// right and the first wrong guesses: which pixels that guess rests on.
void plot_saliency(cnn::Net& net, const nn::ImageSet& test, const std::vector<int>& guess,
                   const std::vector<std::string>& names, nn::Rng& rng, nn::Outputs& out) {
    const size_t per_kind = 4, columns = 6;  // two examples of three panels a row
    std::vector<nn::Image> images;
    for (bool right : {true, false}) {
        size_t found = 0;
        for (size_t i = 0; i < test.size() && found < per_kind; ++i) {
            if ((guess[i] == test.labels[i]) != right) continue;
            ++found;
            Tensor x({test.images.dim(1)});
            std::copy_n(test.images.row(i).data(), x.size(), x.data());
            const size_t c = size_t(guess[i]);
            const std::string& truth = names[size_t(test.labels[i])];
            images.push_back(map_image(x.data(), test.rows, test.cols, 28, right ? truth : truth + " -> " + names[c]));
            images.push_back(map_image(cnn::saliency(net, x, c).data(), test.rows, test.cols, 28, "gradient"));
            images.push_back(map_image(smooth_saliency(net, x, c, rng).data(), test.rows, test.cols, 28, "SmoothGrad"));
        }
        while (images.size() % columns) images.push_back({1, 1, {0.0f}, ""});
    }
    nn::save_image_grid(images, int(columns), out.path("fashion_cnn_saliency.png"), nn::Palette::Gray,
                        "Saliency of the guessed class: right guesses (top two rows), wrong ones (bottom two)",
                        {1300, 1000});
    out.figure("fashion_cnn_saliency.png",
               "Each test image, then its saliency map: the size of the gradient of the guessed class's score with "
               "respect to each pixel (white: the pixels whose change would move the score most), raw and averaged "
               "over 32 noisy copies of the image (SmoothGrad, noise of standard deviation 0.15). Top two rows: the "
               "first right guesses; bottom two: the first wrong ones, with the class they were taken for.");
}

void plot_curves(const nn::MetricsLog& log, bool validation, nn::Outputs& out) {
    nn::Figure figure({.title = "Accuracy after each epoch", .xlabel = "epoch", .ylabel = "fraction classified right",
                       .integer_x = true});
    figure.add({"train (the mini-batches as seen)", log.column("epoch"), log.column("train_accuracy"), "linespoints lw 3 pt 7"});
    if (validation)
        figure.add({"validation", log.column("epoch"), log.column("validation_accuracy"), "linespoints lw 3 pt 9"});
    figure.add({"test", log.column("epoch"), log.column("test_accuracy"), "linespoints lw 3 pt 5"});
    nn::save_png(figure, out.path("fashion_cnn_curves.png"), {1000, 600});
    out.figure("fashion_cnn_curves.png",
               "The accuracy on the training mini-batches (as they were seen during the epoch) and on the "
               "test set after each epoch.");
}

void declare_options(nn::Cli& cli, Settings& s) {
    cli.option("net", s.net, "the layers, '-' between them: convKxKxC[sS][pP], bn, poolN, avgpoolN, denseN, dropoutP",
               {}, "SPEC");
    cli.option("eta", s.eta, "learning rate (its peak under a schedule)", nn::learning_rate());
    cli.option("weight-decay", s.weight_decay, "lambda: each step shrinks kernels and weights, w <- (1 - eta lambda) w",
               nn::between(0, 1));
    cli.option("batch", s.batch, "examples per mini-batch", nn::between(1, 4096));
    cli.option("optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam",
               nn::one_of(gd::Optimizer::names()));
    cli.option("schedule", s.schedule, "learning rate over the run: constant, step, cosine or warmup-cosine",
               nn::one_of({"constant", "step", "cosine", "warmup-cosine"}));
    cli.option("validation", s.validation, "hold out the last N training images as a validation set",
               nn::between(0, 1e9));
    cli.switch_option("mirror", s.mirror, "mirror each training image left to right with probability 1/2, anew each step");
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] {
        nn::Cli cli(kProgram, "A convolutional network on Fashion-MNIST", "out/05-convolutional-networks");
        cli.add_epochs(15);
        cli.add_data();
        Settings s;
        declare_options(cli, s);
        nn::CommonOptions opt = cli.parse(argc, argv);
        nn::gemm_set_threads(1);  // one thread: the same seed gives the same bits
        nn::Rng rng(opt.seed);
        cnn::Net net = cnn::make_net(s.net, {1, 28, 28}, rng);  // a bad --net is refused before the data is read
        const gd::Schedule schedule = gd::parse_schedule(s.schedule);
        Sets sets = load_sets(opt, s);
        const bool validation = s.validation > 0;
        const int epochs = opt.quick ? std::min(opt.epochs, 2) : opt.epochs;
        std::printf("%s\ntrain %s, test %s, %d epochs, %s, eta %s (%s), weight decay %s, batch %d%s\n%s",
                    s.net.c_str(), sets.train.images.shape_string().c_str(), sets.test.images.shape_string().c_str(),
                    epochs, s.optimizer.c_str(), nn::significant(s.eta).c_str(), s.schedule.c_str(),
                    nn::significant(s.weight_decay).c_str(), s.batch, s.mirror ? ", mirrored at random" : "",
                    cnn::summary(net).c_str());
        nn::Outputs out(opt, kProgram);

        cnn::NetTraining training(net, sets.train.images, sets.train.labels, rng, {.mirror = s.mirror});
        gd::Optimizer optimizer = gd::Optimizer::make(s.optimizer, s.eta);
        long T = 0;
        size_t right = 0;
        nn::Trainer trainer(training, [&](const nn::Step& step, std::span<const nn::Parameter> parameters) {
            const float eta = gd::learning_rate(schedule, s.eta, step.t, T);
            optimizer.set_eta(eta);
            optimizer.step(parameters);
            if (s.weight_decay > 0) cnn::decay_weights(net, eta, s.weight_decay);
        }, {.batch = size_t(s.batch), .shuffle = &rng, .eta = s.eta});
        T = trainer.steps_per_epoch() * epochs;

        std::vector<std::string> columns{"epoch", "train_cost", "train_accuracy", "test_accuracy"};
        if (validation) columns.push_back("validation_accuracy");
        nn::MetricsLog log(columns, false), times({"epoch", "seconds"}, false);
        double seconds = 0;
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            nn::Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), sets.train.size(),
                                  opt.progress);
            right = 0;
            nn::Stopwatch watch;
            double cost = trainer.epoch([&](const nn::Step& step) {
                // The mini-batch's guesses, from the logits the loss was computed on.
                const Tensor& logits = training.pass().acts.back();
                for (size_t i = 0; i < step.rows.size(); ++i)
                    right += int(nn::argmax(logits.row(i))) == sets.train.labels[step.rows[i]];
                progress.tick(step.rows.size());
            });
            const double epoch_seconds = watch.seconds();
            seconds += epoch_seconds;
            std::vector<double> row{double(epoch), cost, double(right) / double(sets.train.size()),
                                    cnn::accuracy(net, sets.test.images, sets.test.labels)};
            if (validation) row.push_back(cnn::accuracy(net, sets.validation.images, sets.validation.labels));
            log.add(row);
            times.add({double(epoch), epoch_seconds});
            std::printf("epoch %d  train_cost=%.4f  train_accuracy=%.4f  test_accuracy=%.4f%s  seconds=%.1f\n", epoch,
                        row[1], row[2], row[3],
                        validation ? ("  validation_accuracy=" + nn::fixed(row[4], 4)).c_str() : "", epoch_seconds);
            std::fflush(stdout);
        }
        log.write_csv(out.path("fashion_cnn.csv"));
        times.write_csv(out.path("fashion_cnn_seconds.csv"));
        plot_curves(log, validation, out);
        std::vector<int> guess = nn::argmax_rows(cnn::predict(net, sets.test.images));
        std::vector<std::string> names = nn::class_names_of(opt.data);
        plot_confusion(sets.test, guess, names, out);
        plot_misclassified(sets.test, guess, names, out);
        if (net.layers.front().kind == cnn::Kind::Conv) {  // a net of dense layers alone has no maps to show
            plot_filters(net, out);
            plot_feature_maps(net, sets.test, names, out);
            plot_most_exciting(net, sets.test, out);
        }
        nn::Rng noise(opt.seed);  // apart from the training's generator: the figures change no training bit
        plot_saliency(net, sets.test, guess, names, noise, out);

        const std::vector<double>& last = log.rows().back();
        std::vector<std::pair<std::string, std::string>> result{
            {"test_accuracy", nn::fixed(last[3], 4)}, {"train_accuracy", nn::fixed(last[2], 4)}};
        if (validation) result.push_back({"validation_accuracy", nn::fixed(last[4], 4)});
        result.insert(result.end(), {{"parameters", std::to_string(net.parameter_count())},
                                     {"multiply_adds", std::to_string(cnn::multiply_adds(net))},
                                     {"epochs", std::to_string(epochs)},
                                     {"seconds_per_epoch", nn::fixed(seconds / epochs, 1)},
                                     {"peak_rss_mb", nn::fixed(peak_rss_mb(), 0)}});
        std::printf("peak resident memory: %.0f MB\n", peak_rss_mb());
        out.result(result);
    });
}
