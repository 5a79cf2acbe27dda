// What gnuplot's files must be before they get their final names (common/gnuplot.hpp):
// complete PNGs and GIFs only, even when the disk fills under a gnuplot that exits 0.
#include "common/gnuplot.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.hpp"
#include "common/plot.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

std::string bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
}

nn::Figure a_figure() {
    nn::Figure figure(nn::Axes{.title = "a line", .xlabel = "x", .ylabel = "y"});
    figure.add({"y = x", {0, 1, 2, 3}, {0, 1, 2, 3}, "lines"});
    return figure;
}

// Draws a figure with files capped at 2000 bytes (a full disk, to gnuplot, which still
// exits 0) and exits 0 when save_png refuses it as a DataError and leaves no file.
[[noreturn]] void draw_on_a_full_disk(const std::string& path) {
    std::signal(SIGXFSZ, SIG_IGN);  // inherited by gnuplot: its writes fail with EFBIG
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = 2000;
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
        nn::save_png(a_figure(), path);
    } catch (const nn::DataError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::exit(fs::exists(path) || fs::exists(path + ".tmp") ? 3 : 0);
    }
    std::exit(4);
}

}  // namespace

TEST(CompleteImages, APngWithoutItsIendChunkOrAGifWithoutItsTrailerIsRefused) {
    ScratchDir dir;
    nn::save_png(a_figure(), (dir / "whole.png").string());
    const std::string png = bytes_of(dir / "whole.png");
    EXPECT_EQ(nn::gnuplot::not_complete((dir / "whole.png").string(), "x.png"), "");
    write_bytes(dir / "cut.tmp", png.substr(0, png.size() - 1));
    EXPECT_EQ(nn::gnuplot::not_complete((dir / "cut.tmp").string(), "x.png"),
              "the PNG gnuplot wrote is cut short (no IEND chunk: a full disk?)");
    write_bytes(dir / "half.tmp", png.substr(0, png.size() / 2));
    EXPECT_NE(nn::gnuplot::not_complete((dir / "half.tmp").string(), "x.png"), "");
    write_bytes(dir / "text.tmp", "plot sin(x)\n");
    EXPECT_EQ(nn::gnuplot::not_complete((dir / "text.tmp").string(), "x.png"), "the file gnuplot wrote is not a PNG");
    write_bytes(dir / "gif.tmp", std::string("GIF89a") + std::string(30, '\1') + ";");
    EXPECT_EQ(nn::gnuplot::not_complete((dir / "gif.tmp").string(), "x.gif"), "");
    write_bytes(dir / "gif.tmp", std::string("GIF89a") + std::string(30, '\1'));
    EXPECT_EQ(nn::gnuplot::not_complete((dir / "gif.tmp").string(), "x.gif"),
              "the GIF gnuplot wrote is cut short (no trailer byte: a full disk?)");
}

TEST(CompleteImages, AFigureDrawnOnAFullDiskIsRefusedAndLeavesNoFile) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    ScratchDir dir;
    EXPECT_EXIT(draw_on_a_full_disk((dir / "full.png").string()), testing::ExitedWithCode(0),
                "could not draw .*full.png");
}
