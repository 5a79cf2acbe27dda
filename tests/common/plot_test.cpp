#include "common/plot.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

// The data blocks of a script in order: "$d1 << EOD" ... "EOD", as their row counts.
std::vector<size_t> block_rows(const std::string& script) {
    std::vector<size_t> rows;
    std::istringstream in(script);
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (!inside && line.find(" << EOD") != std::string::npos) {
            inside = true;
            rows.push_back(0);
        } else if (inside && line == "EOD") {
            inside = false;
        } else if (inside) {
            ++rows.back();
        }
    }
    return rows;
}

std::string head(const std::string& path, size_t bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string text(bytes, '\0');
    in.read(text.data(), bytes);
    text.resize(in.gcount());
    return text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

nn::Series line(std::string title, size_t n) {
    nn::Series s;
    s.title = std::move(title);
    for (size_t i = 0; i < n; ++i) {
        s.x.push_back(double(i + 1));
        s.y.push_back(1.0 / double(i + 1));
    }
    return s;
}

nn::Figure curves() {
    nn::Axes axes;
    axes.title = "Loss curve";
    axes.xlabel = "epoch";
    axes.ylabel = "loss";
    axes.logy = true;
    return nn::Figure(axes).add(line("train", 5)).add(line("test", 3));
}

}  // namespace

TEST(FigureScript, HasTitleAxisLabelsAndTheLogscaleAsked) {
    std::string script = curves().script();
    EXPECT_TRUE(contains(script, "set title \"Loss curve\"")) << script;
    EXPECT_TRUE(contains(script, "set xlabel \"epoch\"")) << script;
    EXPECT_TRUE(contains(script, "set ylabel \"loss\"")) << script;
    EXPECT_TRUE(contains(script, "set logscale y")) << script;
    EXPECT_FALSE(contains(script, "set logscale x")) << script;
}

TEST(FigureScript, OneDataBlockPerLayerWithOneRowPerPoint) {
    std::string script = curves().script();
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{5, 3}));
    EXPECT_TRUE(contains(script, "title \"train\"")) << script;
    EXPECT_TRUE(contains(script, "title \"test\"")) << script;
}

TEST(FigureScript, QuotesInTextAreEscaped) {
    nn::Axes axes;
    axes.title = "he said \"hi";
    std::string script = nn::Figure(axes).script();
    EXPECT_TRUE(contains(script, "set title \"he said \\\"hi\"")) << script;
}

TEST(FigureScript, PointsGetOneBlockAndOneLegendEntryPerClass) {
    nn::Tensor X({5, 2});
    for (size_t i = 0; i < 5; ++i) X(i, 0) = float(i), X(i, 1) = float(i * i);
    std::vector<int> labels = {0, 1, 1, 0, 1};
    std::string script = nn::Figure().add_points(X, labels, {"no", "yes"}).script();
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{2, 3}));
    EXPECT_TRUE(contains(script, "title \"no\"")) << script;
    EXPECT_TRUE(contains(script, "title \"yes\"")) << script;
}

TEST(FigureScript, HeatmapBlockHasOneRowPerGridRow) {
    nn::Grid grid;
    grid.nx = 4;
    grid.ny = 3;
    grid.values.assign(12, 0.5f);
    std::string script = nn::Figure().add_heatmap(grid, nn::Palette::TwoClass).script();
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{3}));
    EXPECT_TRUE(contains(script, "with image")) << script;
}

TEST(FigureScript, MatrixHasOneRowPerCellAndItsLabels) {
    nn::Tensor M({2, 3});
    for (size_t i = 0; i < 6; ++i) M[i] = float(i);
    std::string script = nn::Figure().add_matrix(M, {"cat", "dog"}, {"a", "b", "c"}).script();
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{6}));
    EXPECT_TRUE(contains(script, "\"dog\" 1")) << script;
    EXPECT_TRUE(contains(script, "\"c\" 2")) << script;
    EXPECT_TRUE(contains(script, "'%.0f'")) << "integer cells print without decimals\n" << script;
}

TEST(FigureScript, ReferenceLinesAreNamedDashedLayers) {
    std::string script = curves().add_hline(0.5, "bound").add_vline(2, "switch").script();
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{5, 3, 2, 2}));
    EXPECT_TRUE(contains(script, "title \"bound\"")) << script;
    EXPECT_TRUE(contains(script, "title \"switch\"")) << script;
    EXPECT_TRUE(contains(script, "dt 2")) << script;
}

TEST(FigureScript, EmptyFigureStillHasAPlotCommand) {
    std::string script = nn::Figure().script();
    EXPECT_TRUE(contains(script, "\nplot ")) << script;
    EXPECT_TRUE(block_rows(script).empty());
}

TEST(FigureScript, RejectsMismatchedData) {
    nn::Series s;
    s.x = {1, 2};
    s.y = {1};
    EXPECT_THROW(nn::Figure().add(s), std::invalid_argument);
    nn::Grid grid;
    grid.nx = 2;
    grid.ny = 2;
    grid.values = {1, 2, 3};
    EXPECT_THROW(nn::Figure().add_heatmap(grid, nn::Palette::Heat), std::invalid_argument);
}

TEST(LineInSquare, LineThroughTheSquareGivesItsTwoEndsLeftToRight) {
    // x + 2y = 0 in [-1, 1]^2 enters at the left edge and leaves at the right one.
    auto line = nn::line_in_square(1, 2, 0, -1, 1, "boundary", "lines lw 3");
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(line->x, (std::vector<double>{-1, 1}));
    EXPECT_EQ(line->y, (std::vector<double>{0.5, -0.5}));
    EXPECT_EQ(line->title, "boundary");
    EXPECT_EQ(line->style, "lines lw 3");
}

TEST(LineInSquare, LineThroughTheTopAndRightEdgesGivesThoseCrossings) {
    // x + y - 6 = 0 in [0, 4]^2 crosses y = 4 at x = 2 and x = 4 at y = 2.
    auto line = nn::line_in_square(1, 1, -6, 0, 4, "", "lines");
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(line->x, (std::vector<double>{2, 4}));
    EXPECT_EQ(line->y, (std::vector<double>{4, 2}));
}

TEST(LineInSquare, LineThatMissesTheSquareOrNoLineGivesNothing) {
    EXPECT_FALSE(nn::line_in_square(1, 1, 10, -1, 1, "", "lines").has_value());  // x + y = -10
    EXPECT_FALSE(nn::line_in_square(0, 0, 1, -1, 1, "", "lines").has_value());   // w = 0: no line
}

TEST(LineInSquare, VerticalAndHorizontalLinesSpanTheSquare) {
    auto vertical = nn::line_in_square(2, 0, -1, -1, 1, "", "lines");  // x = 0.5
    ASSERT_TRUE(vertical.has_value());
    EXPECT_EQ(vertical->x, (std::vector<double>{0.5, 0.5}));
    EXPECT_EQ(vertical->y, (std::vector<double>{-1, 1}));
    auto horizontal = nn::line_in_square(0, 4, 1, -1, 1, "", "lines");  // y = -0.25
    ASSERT_TRUE(horizontal.has_value());
    EXPECT_EQ(horizontal->x, (std::vector<double>{-1, 1}));
    EXPECT_EQ(horizontal->y, (std::vector<double>{-0.25, -0.25}));
}

TEST(SavePng, WritesAPngAndNoTemporary) {
    ScratchDir dir;
    nn::save_png(curves().add_hline(0.5, "half").add_vline(2, "two"), dir / "a.png", {320, 240});
    EXPECT_EQ(head(dir / "a.png", 4), "\x89PNG");
    EXPECT_FALSE(fs::exists(dir / "a.png.tmp"));
}

TEST(SavePng, PanelsAndImageGridsArePngs) {
    ScratchDir dir;
    nn::save_png({curves(), curves(), nn::Figure()}, 2, dir / "panels.png", {400, 300});
    EXPECT_EQ(head(dir / "panels.png", 4), "\x89PNG");

    std::vector<nn::Image> images;
    for (int k = 0; k < 3; ++k) {
        nn::Image image;
        image.rows = 2, image.cols = 3, image.title = "w" + std::to_string(k);
        image.pixels = {-1, 0, 1, 0.5f, -0.5f, 0};
        images.push_back(image);
    }
    nn::save_image_grid(images, 2, dir / "grid.png", nn::Palette::Diverging, "weights", {300, 200});
    EXPECT_EQ(head(dir / "grid.png", 4), "\x89PNG");
}

TEST(SaveImageGrid, RejectsAnImageWhosePixelsDoNotMatchItsSize) {
    ScratchDir dir;
    nn::Image image;
    image.rows = 2, image.cols = 2, image.pixels = {1, 2, 3};
    EXPECT_THROW(nn::save_image_grid({image}, 1, dir / "g.png"), std::invalid_argument);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SavePng, TitleWithAnUnbalancedQuoteStillRenders) {
    ScratchDir dir;
    nn::Axes axes;
    axes.title = "it's \"odd";
    nn::save_png(nn::Figure(axes).add(line("a'b", 3)), dir / "q.png", {200, 150});
    EXPECT_EQ(head(dir / "q.png", 4), "\x89PNG");
}

TEST(SaveGif, WritesAnAnimatedGif) {
    ScratchDir dir;
    nn::save_gif({curves(), curves(), curves()}, dir / "a.gif", {200, 150}, 10);
    EXPECT_EQ(head(dir / "a.gif", 6), "GIF89a");
    EXPECT_FALSE(fs::exists(dir / "a.gif.tmp"));
}

TEST(SavePng, FailingGnuplotScriptThrowsAndLeavesNoFile) {
    ScratchDir dir;
    nn::Series bad = line("bad", 3);
    bad.style = "no_such_style";  // gnuplot rejects the plot command
    nn::Figure figure;
    figure.add(bad);
    try {
        nn::save_png(figure, dir / "bad.png", {200, 150});
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_TRUE(contains(e.what(), dir / "bad.png")) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir.path())) << "left a file behind";
}

TEST(SavePng, MissingFolderThrowsAndLeavesNoFile) {
    ScratchDir dir;
    EXPECT_THROW(nn::save_png(curves(), dir / "missing/a.png", {200, 150}), std::runtime_error);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SaveGif, FailingFrameThrowsAndLeavesNoFile) {
    ScratchDir dir;
    nn::Series bad = line("bad", 3);
    bad.style = "no_such_style";
    EXPECT_THROW(nn::save_gif({curves(), nn::Figure().add(bad)}, dir / "a.gif", {200, 150}), std::runtime_error);
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(PlaneAxes, FramesTheSquareWithEqualUnitsAndNamesX1X2) {
    nn::Axes axes = nn::plane_axes("data", -1.5, 2.0);
    EXPECT_EQ(axes.title, "data");
    EXPECT_EQ(axes.xlabel, "x1");
    EXPECT_EQ(axes.ylabel, "x2");
    EXPECT_EQ(axes.xrange, (std::pair<double, double>{-1.5, 2.0}));
    EXPECT_EQ(axes.yrange, (std::pair<double, double>{-1.5, 2.0}));
    EXPECT_TRUE(axes.square);
}

TEST(FigureScript, LabelsAreQuotedOneLineEachAndStayOutOfTheLegend) {
    nn::Figure figure;
    figure.add_labels({0, 1}, {2, 3}, {"z = +", "say \"hi\"\nthere"}, "offset 0,1");
    std::string script = figure.script();
    EXPECT_NE(script.find("0 2 \"z = +\"\n"), std::string::npos) << script;
    EXPECT_NE(script.find("1 3 \"say 'hi' there\"\n"), std::string::npos) << script;
    EXPECT_NE(script.find("using 1:2:3 with labels offset 0,1 noenhanced notitle"), std::string::npos) << script;
    EXPECT_THROW(figure.add_labels({0}, {0, 1}, {"a"}), std::invalid_argument);
}

TEST(FigureScript, AnEpochAxisHasWholeNumberTicsOnly) {
    // Three epochs: gnuplot alone would put tics at 1.5 and 2.5.
    nn::Figure three({.xlabel = "epoch"});
    three.add(line("train", 3));
    EXPECT_TRUE(contains(three.script(), "set xtics 1\n")) << three.script();
    nn::Figure sixty({.xlabel = "epoch (one full-batch step)"});
    sixty.add(line("train", 60));
    EXPECT_TRUE(contains(sixty.script(), "set xtics 10\n")) << sixty.script();
    nn::Figure asked({.xlabel = "layer", .xrange = std::pair{0.0, 4.0}, .integer_x = true});
    EXPECT_TRUE(contains(asked.script(), "set xtics 1\n")) << asked.script();
    nn::Figure other({.xlabel = "x"});
    other.add(line("f", 3));
    EXPECT_FALSE(contains(other.script(), "set xtics")) << other.script();
}

TEST(DataSetName, IsFashionMnistForDebiansFolderElseTheFolderName) {
    EXPECT_EQ(nn::data_set_name("/usr/share/datasets/fashion-mnist"), "Fashion-MNIST");
    EXPECT_EQ(nn::data_set_name("/usr/share/datasets/fashion-mnist/"), "Fashion-MNIST");
    EXPECT_EQ(nn::data_set_name("/usr/share/datasets//fashion-mnist/."), "Fashion-MNIST");
    EXPECT_EQ(nn::data_set_name("data/mnist"), "mnist");
    EXPECT_EQ(nn::data_set_name("data/mnist/"), "mnist");
    EXPECT_EQ(nn::data_set_name("/home/me/kmnist/./"), "kmnist");
    EXPECT_EQ(nn::data_set_name("data/fashion-mnist"), "fashion-mnist") << "another copy: its folder's name";
}

TEST(DataSetName, OfTheCurrentFolderIsThatFolderName) {
    ScratchDir dir;
    fs::create_directories(dir / "emnist");
    fs::path before = fs::current_path();
    fs::current_path(dir / "emnist");
    std::string dot = nn::data_set_name("."), dot_slash = nn::data_set_name("./");
    fs::current_path(before);
    EXPECT_EQ(dot, "emnist");
    EXPECT_EQ(dot_slash, "emnist");
}

TEST(FigureScript, AReferenceLineTakesTheStyleItIsGiven) {
    std::string script = curves().add_hline(0.5, "one", "dt 4 lw 2 lc rgb '#2166AC'").add_hline(0.7, "two").script();
    EXPECT_TRUE(contains(script, "with lines dt 4 lw 2 lc rgb '#2166AC' title \"one\"")) << script;
    EXPECT_TRUE(contains(script, "with lines dt 2 lw 1.5 lc rgb '#555555' title \"two\"")) << script;
}

TEST(FigureScript, AKeyEntryIsALegendLineWithoutData) {
    std::string script = curves().add_key_entry("what it means", "points pt 11").script();
    EXPECT_TRUE(contains(script, "keyentry with points pt 11 title \"what it means\"")) << script;
    EXPECT_EQ(block_rows(script), (std::vector<size_t>{5, 3})) << "no data block for it";
}

TEST(FigureScript, ExactZerosOnALogAxisSitOnARowOfTheirOwnNotAtAStandIn) {
    nn::Figure figure({.xlabel = "t", .logy = true});
    nn::Series loss{"adam", {0, 1, 2, 3, 4}, {0.5, 0.03, 0, 0, 0}, "lines lw 2 lc rgb '#59A14F'"};
    nn::Series error{"best", {1, 2}, {0, 0.2}, "points pt 7"};
    std::string script = figure.add_with_zeros({loss, error}, "reached exactly 0").script();
    // The smallest positive value is 0.03: its decade is 0.01, the zeros' row half a decade under it.
    EXPECT_TRUE(contains(script, "set ytics add (\"0\" 0.003162278)")) << script;
    EXPECT_TRUE(contains(script, "set yrange [0.001778279:*]")) << script;
    // The line breaks at its zeros; the run of three is one marker and a dashed line, in its colour.
    EXPECT_TRUE(contains(script, "0.03\n2 NaN\n3 NaN\n4 NaN\n")) << script;
    EXPECT_TRUE(contains(script, "2 0.003162278\n4 0.003162278\n")) << script;
    EXPECT_TRUE(contains(script, "with points pt 11 ps 1.5 lc rgb '#59A14F' notitle")) << script;
    EXPECT_TRUE(contains(script, "keyentry with points pt 11 ps 1.5 lc rgb '#555555' title \"reached exactly 0\""));
    // "best" has no colour of its own: its marker gets the one add() gave its points.
    EXPECT_TRUE(contains(script, "with points pt 7 lc rgb '#F28E2B' title \"best\"")) << script;
    EXPECT_TRUE(contains(script, "1 0.003162278\n")) << script;

    std::string none = nn::Figure({.logy = true}).add_with_zeros({error, loss}).script();
    nn::Figure plain({.logy = true});
    error.y = {0.1, 0.2};
    EXPECT_FALSE(contains(plain.add_with_zeros({error}).script(), "set ytics add")) << "no zeros: nothing changes";
    EXPECT_TRUE(contains(none, "title \"exactly 0\"")) << none;
}

TEST(OrderedColor, RunsFromDarkPurpleWithEveryNeighbourDistinct) {
    EXPECT_EQ(nn::ordered_color(0, 8), "#440154");
    EXPECT_EQ(nn::ordered_color(0, 1), "#440154") << "one item: the first colour";
    std::set<std::string> seen;
    for (size_t i = 0; i < 8; ++i) seen.insert(nn::ordered_color(i, 8));
    EXPECT_EQ(seen.size(), 8u);
    EXPECT_NE(nn::ordered_color(7, 8), "#FDE725") << "stops short of viridis' pale yellow";
}

TEST(ConfusionCounts, CountTrueClassByRowAndGuessByColumn) {
    const std::vector<int> labels{0, 0, 1, 2, 2, 2}, guesses{0, 1, 1, 2, 0, 2};
    nn::Tensor counts = nn::confusion_counts(labels, guesses, 3);
    ASSERT_EQ(counts.shape(), (std::vector<size_t>{3, 3}));
    const float expected[3][3] = {{1, 1, 0}, {0, 1, 0}, {1, 0, 2}};
    for (size_t r = 0; r < 3; ++r)
        for (size_t c = 0; c < 3; ++c) EXPECT_EQ(counts(r, c), expected[r][c]) << "row " << r << ", column " << c;
    EXPECT_THROW(nn::confusion_counts(labels, std::vector<int>{0, 1}, 3), std::invalid_argument);
    EXPECT_THROW(nn::confusion_counts(std::vector<int>{3}, std::vector<int>{0}, 3), std::invalid_argument);
    EXPECT_THROW(nn::confusion_counts(std::vector<int>{0}, std::vector<int>{-1}, 3), std::invalid_argument);
}

TEST(MisclassifiedImages, AreTheFirstWrongOnesInOrderTitledTrueThenGuess) {
    nn::ImageSet set;
    set.rows = 1, set.cols = 1;
    set.images = nn::Tensor({5, 1});
    for (size_t i = 0; i < 5; ++i) set.images[i] = float(i);
    set.labels = {0, 1, 1, 0, 1};
    const std::vector<int> guesses{1, 1, 0, 0, 0};  // wrong: examples 0, 2 and 4
    const std::vector<std::string> names{"cat", "dog"};
    std::vector<nn::Image> wrong = nn::misclassified_images(set, guesses, names, 2);
    ASSERT_EQ(wrong.size(), 2u);
    EXPECT_EQ(wrong[0].pixels, std::vector<float>{0.0f});
    EXPECT_EQ(wrong[0].title, "cat -> dog");
    EXPECT_EQ(wrong[1].pixels, std::vector<float>{2.0f});
    EXPECT_EQ(wrong[1].title, "dog -> cat");
    EXPECT_EQ(nn::misclassified_images(set, guesses, names).size(), 3u) << "the last example counts too";
}
