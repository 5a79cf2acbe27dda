// The chapters as web pages (common/tools/book.hpp) and the gallery that links them
// (common/tools/gallery.cpp). Rendering needs pandoc, and the filter and stylesheet in
// common/tools/ of the folder the tests run from (the top folder, as `make test` runs them);
// without either those tests are skipped and say why.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/tools/book.hpp"
#include "tests/program_runner.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

const fs::path kAssets = "common/tools";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two chapters in tmp/chapters, the first with a figure the tour wrote in tmp/out.
void write_chapters(const ScratchDir& tmp) {
    fs::create_directories(tmp / "chapters/01-perceptron");
    fs::create_directories(tmp / "chapters/02-gradient-descent");
    fs::create_directories(tmp / "out/01-perceptron");
    std::ofstream(tmp / "chapters/01-perceptron/README.md")
        << "# Chapter 1: The perceptron\n\n"
           "The API is in [`perceptron.hpp`](perceptron.hpp); gradients come in\n"
           "[chapter 2](../02-gradient-descent/README.md#the-rule).\n\n"
           "## The rule\n\n"
           "It computes $f(z^L)$ with $\\mathrm{step}(z)$:\n\n"
           "$$\\frac{\\partial C}{\\partial b^l_j} = \\delta^l_j, \\qquad \\left(\\frac{a}{b}\\right)$$\n\n"
           "| epochs | errors |\n|---|---|\n| 1 | 3 |\n\n"
           "`gates_errors.png` shows the errors; `not_made.png` is not made in quick mode.\n";
    std::ofstream(tmp / "chapters/02-gradient-descent/README.md") << "# Chapter 2: Gradient descent\n\n## The rule\n\nDown.\n";
    std::ofstream(tmp / "out/01-perceptron/gates_errors.png") << "\x89PNG\r\n\x1a\n";
}

tools::BookPlaces places_in(const ScratchDir& tmp, const std::string& pandoc) {
    return {tmp / "chapters", tmp / "out", fs::absolute(kAssets), pandoc};
}

const std::vector<tools::BookChapter> kChapters{{"01-perceptron", "Chapter 1: The perceptron"},
                                                {"02-gradient-descent", "Chapter 2: Gradient descent"}};

}  // namespace

// pandoc, and the filter beside the stylesheet; else the test is skipped, saying which is missing.
#define REQUIRE_PANDOC(pandoc)                                                  \
    auto pandoc = tools::find_program("pandoc");                               \
    if (!pandoc) GTEST_SKIP() << "pandoc is not installed (make deps installs it)"; \
    if (!fs::exists(kAssets / "book.lua"))                                      \
        GTEST_SKIP() << "no " << (kAssets / "book.lua").string() << " here: run the tests from the top folder"

TEST(FindProgram, LooksAlongThePathUnlessTheNameHasASlash) {
    auto sh = tools::find_program("sh");
    ASSERT_TRUE(sh.has_value());
    EXPECT_EQ(fs::path(*sh).filename(), "sh");
    EXPECT_TRUE(fs::path(*sh).has_parent_path()) << *sh;
    EXPECT_EQ(tools::find_program("/bin/sh"), std::optional<std::string>("/bin/sh"));
    EXPECT_FALSE(tools::find_program("no-such-program-nn").has_value());
    EXPECT_FALSE(tools::find_program("/no/such/pandoc").has_value());
    EXPECT_FALSE(tools::find_program("").has_value());
}

TEST(BookPage, IsTheChaptersFolderInBook) {
    EXPECT_EQ(tools::book_page("03-backpropagation"), "book/03-backpropagation.html");
}

TEST(RenderChapter, WritesFormulasAsMathMLWithContentsAndTables) {
    REQUIRE_PANDOC(pandoc);
    ScratchDir tmp;
    write_chapters(tmp);
    std::vector<std::string> warnings;
    ASSERT_EQ(tools::render_chapter(places_in(tmp, *pandoc), kChapters, 0, warnings), "");
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    const std::string page = programs::read_text(tmp / "out/book/01-perceptron.html");
    EXPECT_TRUE(contains(page, "<math display=\"block\"")) << page;
    EXPECT_TRUE(contains(page, "<math display=\"inline\"")) << page;
    EXPECT_FALSE(contains(page, "$$")) << "a formula was left as TeX: " << page;
    EXPECT_TRUE(contains(page, "<title>Chapter 1: The perceptron</title>")) << page;
    EXPECT_TRUE(contains(page, "id=\"TOC\"")) << "no table of contents: " << page;
    EXPECT_TRUE(contains(page, "<table")) << page;
    EXPECT_TRUE(contains(page, "href=\"book.css\"")) << page;
    EXPECT_FALSE(fs::exists(tmp / "out/book/01-perceptron.log")) << "pandoc said nothing, so no log stays";
    EXPECT_FALSE(fs::exists(tmp / "out/book/01-perceptron.html.partial"));
}

// The README's links are written for chapters/C/; from out/book/C.html they must still arrive.
TEST(RenderChapter, LeadsTheLinksToTheSourcesFiguresAndOtherPages) {
    REQUIRE_PANDOC(pandoc);
    ScratchDir tmp;
    write_chapters(tmp);
    std::vector<std::string> warnings;
    ASSERT_EQ(tools::render_chapter(places_in(tmp, *pandoc), kChapters, 0, warnings), "");
    const std::string page = programs::read_text(tmp / "out/book/01-perceptron.html");
    EXPECT_TRUE(contains(page, "href=\"../../chapters/01-perceptron/perceptron.hpp\"")) << page;
    EXPECT_TRUE(contains(page, "href=\"02-gradient-descent.html#the-rule\"")) << page;
    EXPECT_TRUE(contains(page, "<a href=\"../01-perceptron/gates_errors.png\"><code>gates_errors.png</code></a>")) << page;
    EXPECT_TRUE(contains(page, "<code>not_made.png</code>")) << page;
    EXPECT_FALSE(contains(page, "not_made.png\"")) << "a link to a figure that does not exist: " << page;
    EXPECT_TRUE(contains(page, "href=\"../index.html#01-perceptron\"")) << "no way back to the figures: " << page;
    EXPECT_TRUE(contains(page, "rel=\"next\"")) << page;
    EXPECT_FALSE(contains(page, "rel=\"prev\"")) << "the first chapter has no previous one: " << page;
}

// Bare parentheses are drawn at text size (old texmath stretched every one); \left( \right) stretch.
TEST(RenderChapter, StretchesOnlyTheSizedParentheses) {
    REQUIRE_PANDOC(pandoc);
    ScratchDir tmp;
    write_chapters(tmp);
    std::vector<std::string> warnings;
    ASSERT_EQ(tools::render_chapter(places_in(tmp, *pandoc), kChapters, 0, warnings), "");
    const std::string page = programs::read_text(tmp / "out/book/01-perceptron.html");
    size_t inline_math = page.find("<math display=\"inline\"");
    ASSERT_NE(inline_math, std::string::npos);
    const std::string first = page.substr(inline_math, page.find("</math>", inline_math) - inline_math);
    EXPECT_FALSE(contains(first, "stretchy=\"true\"")) << first;
    EXPECT_TRUE(contains(page, "<mo stretchy=\"true\" form=\"prefix\">(</mo>")) << "\\left( should stretch: " << page;
}

TEST(RenderChapter, AFailingPandocLeavesNoPageAndSaysWhere) {
    ScratchDir tmp;
    write_chapters(tmp);
    fs::create_directories(tmp / "out/book");
    std::ofstream(tmp / "out/book/01-perceptron.html") << "an old page";
    std::vector<std::string> warnings;
    const std::string failure = tools::render_chapter(places_in(tmp, "/bin/false"), kChapters, 0, warnings);
    EXPECT_TRUE(contains(failure, "chapters/01-perceptron/README.md")) << failure;
    EXPECT_TRUE(contains(failure, "exit status 1")) << failure;
    EXPECT_TRUE(contains(failure, "01-perceptron.log")) << failure;
    EXPECT_FALSE(fs::exists(tmp / "out/book/01-perceptron.html")) << "a page of an older README was left";
}

// ---------------------------------------------------------------- the gallery tool

namespace {

std::optional<fs::path> tools_dir() {
    const char* env = std::getenv("NN_BIN_DIR");
    if (!env || !*env) return std::nullopt;
    return fs::path(env).parent_path() / "tools";
}

programs::ProcessRun gallery(const fs::path& dir, const ScratchDir& tmp, const std::string& pandoc) {
    fs::create_directories(tmp / "log");
    return programs::run_program(dir, "gallery",
                                 {"--out", (tmp / "out").string(), "--chapters", (tmp / "chapters").string(),
                                  "--assets", fs::absolute(kAssets).string(), "--pandoc", pandoc},
                                 tmp / "log");
}

}  // namespace

#define REQUIRE_GALLERY(dir) \
    auto dir = tools_dir();  \
    if (!dir) GTEST_SKIP() << "NN_BIN_DIR is not set; `make test` sets it to the programs' folder"

TEST(GalleryTool, LinksEachChapterToItsRenderedPage) {
    REQUIRE_GALLERY(dir);
    REQUIRE_PANDOC(pandoc);
    ScratchDir tmp;
    write_chapters(tmp);
    std::ofstream(tmp / "out/01-perceptron/logic_gates.manifest")
        << "program\tlogic_gates\nfigure\tgates_errors.png\tErrors per epoch\nresult\tand_epochs\t3\n";
    auto run = gallery(*dir, tmp, *pandoc);
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    const std::string index = programs::read_text(tmp / "out/index.html");
    EXPECT_TRUE(contains(index, "<a href=\"book/01-perceptron.html\">Read the chapter</a>")) << index;
    EXPECT_TRUE(contains(index, "href=\"../chapters/01-perceptron/README.md\"")) << "the source is linked too: " << index;
    EXPECT_TRUE(contains(index, "href=\"book/02-gradient-descent.html\"")) << "a chapter not run has its page too: " << index;
    EXPECT_TRUE(contains(programs::read_text(tmp / "out/book/01-perceptron.html"), "<math"));
    EXPECT_TRUE(fs::exists(tmp / "out/book/book.css"));
}

TEST(GalleryTool, WithoutPandocLinksTheMarkdownAndSaysHowToGetThePages) {
    REQUIRE_GALLERY(dir);
    ScratchDir tmp;
    write_chapters(tmp);
    std::ofstream(tmp / "out/01-perceptron/logic_gates.manifest") << "program\tlogic_gates\nresult\tand_epochs\t3\n";
    auto run = gallery(*dir, tmp, "/no/such/pandoc");
    EXPECT_EQ(run.status, 0) << run.out << run.err;
    const std::string index = programs::read_text(tmp / "out/index.html");
    EXPECT_TRUE(contains(index, "<a href=\"../chapters/01-perceptron/README.md\">Read the chapter</a>")) << index;
    EXPECT_TRUE(contains(index, "pandoc is not installed (make deps installs it")) << index;
    EXPECT_FALSE(contains(index, "book/01-perceptron.html")) << index;
    EXPECT_FALSE(fs::exists(tmp / "out/book"));
    EXPECT_TRUE(contains(run.err, "pandoc")) << run.err;
}
