// gallery --out out --chapters chapters [--assets common/tools] [--pandoc pandoc]
//
// The last step of `make tour`: one self-contained page, out/index.html, with
// every chapter that has output in out/<chapter>/, its programs in the order of
// its tour.txt, their result values and their figures with captions. The page
// loads nothing from a network; images are linked by relative paths.
//
// And the book: every chapter's README.md as a web page, out/book/<chapter>.html,
// formulas drawn (common/tools/book.hpp), which the gallery links to. Without pandoc
// the gallery links the Markdown and says how to get the pages.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <set>

#include "common/cli.hpp"
#include "common/files.hpp"
#include "common/tools/book.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;
using nn::tools::html_escape;
using nn::tools::Manifest;

namespace {

struct ProgramView {
    std::string name;
    std::optional<Manifest> manifest;  // nullopt: not run
};

struct ChapterView {
    std::string folder;       // "01-perceptron"
    std::string title;        // from the README's first heading
    std::string readme_href;  // relative to the page
    std::vector<ProgramView> programs;
};

// The chapters' pages: what was rendered, or why nothing was.
struct Book {
    std::vector<nn::tools::BookChapter> chapters;  // every chapter with a README.md
    std::set<std::string> rendered;                // their folders whose page was written
    std::string missing;                           // why there are no pages at all; "" when there are
};

void warn(const std::string& message) { std::cerr << "gallery: warning: " << message << "\n"; }

void warn_all(std::vector<std::string>& warnings) {
    for (const auto& w : warnings) warn(w);
    warnings.clear();
}

bool has_files(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

// The tour's programs first, then any other program that left a manifest.
std::vector<std::string> program_order(const fs::path& chapter_dir, const fs::path& output_dir) {
    std::vector<std::string> order;
    try {
        order = nn::tools::read_tour((chapter_dir / "tour.txt").string());
    } catch (const nn::DataError& e) {
        warn(e.what());
    }
    std::vector<std::string> extra;
    for (const auto& entry : fs::directory_iterator(output_dir)) {
        std::string name = entry.path().stem().string();
        if (entry.path().extension() == ".manifest" && std::find(order.begin(), order.end(), name) == order.end())
            extra.push_back(name);
    }
    std::sort(extra.begin(), extra.end());
    for (const auto& name : extra) warn(name + " has a manifest in " + output_dir.string() + " but is not in tour.txt");
    order.insert(order.end(), extra.begin(), extra.end());
    return order;
}

ChapterView read_chapter(const fs::path& chapter_dir, const fs::path& output_dir, const fs::path& page_dir) {
    ChapterView chapter;
    chapter.folder = chapter_dir.filename().string();
    fs::path readme = chapter_dir / "README.md";
    auto title = nn::tools::read_chapter_title(readme.string());
    if (!title) warn(readme.string() + " has no \"# \" heading; the chapter is titled after its folder");
    chapter.title = title.value_or(chapter.folder);
    chapter.readme_href = fs::relative(readme, page_dir).generic_string();
    std::vector<std::string> warnings;
    for (const auto& name : program_order(chapter_dir, output_dir)) {
        auto manifest = nn::tools::read_manifest((output_dir / (name + ".manifest")).string(), warnings);
        warn_all(warnings);
        chapter.programs.push_back({name, manifest});
    }
    return chapter;
}

std::vector<ChapterView> read_chapters(const fs::path& out, const fs::path& chapters) {
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(chapters))
        if (entry.is_directory() && has_files(out / entry.path().filename())) folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    std::vector<ChapterView> views;
    for (const auto& folder : folders) views.push_back(read_chapter(folder, out / folder.filename(), out));
    return views;
}

// Every chapter's README.md as out/book/<chapter>.html, when pandoc can be found.
Book render_book(const fs::path& out, const fs::path& chapters, const fs::path& assets, const std::string& pandoc) {
    Book book;
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(chapters))
        if (fs::is_regular_file(entry.path() / "README.md")) folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) {
        std::string name = folder.filename().string();
        book.chapters.push_back({name, nn::tools::read_chapter_title((folder / "README.md").string()).value_or(name)});
    }

    auto program = nn::tools::find_program(pandoc);
    if (!program) {
        book.missing = "pandoc is not installed (make deps installs it, or sudo apt-get install pandoc; then make tour "
                       "again)";
        warn("no " + pandoc + " found, so the chapters are linked as Markdown: " + book.missing);
        return book;
    }
    for (const char* file : {"book.css", "book.lua"})
        if (!fs::is_regular_file(assets / file)) {
            book.missing = (assets / file).string() + " is missing (run make tour from the top folder)";
            warn("the chapters are linked as Markdown: " + book.missing);
            return book;
        }
    nn::tools::BookPlaces places{chapters, out, assets, *program};
    nn::tools::write_book_style(places);
    std::vector<std::string> warnings;
    for (size_t i = 0; i < book.chapters.size(); ++i) {
        std::string failure = nn::tools::render_chapter(places, book.chapters, i, warnings);
        warn_all(warnings);
        if (failure.empty()) book.rendered.insert(book.chapters[i].folder);
        else warn(failure);
    }
    return book;
}

// ---------------------------------------------------------------- the page

const char* kStyle = R"(
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 0 auto; padding: 1em 2em; color: #222; background: #fdfdfd; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.5em; }
h3 { margin: 1.6em 0 0.4em; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.1em; }
nav ol { columns: 2; }
nav .count { color: #777; font-size: 0.9em; }
.notrun h3, .notrun { color: #999; }
.notrun .label { font-family: system-ui, sans-serif; font-weight: normal; font-size: 0.85em; }
table.results { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.95em; }
table.results td, table.results th { border: 1px solid #ddd; padding: 0.15em 0.7em; text-align: left; }
table.results td.value { font-family: ui-monospace, Menlo, Consolas, monospace; text-align: right; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2em; }
figure { margin: 0; max-width: 520px; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; }
.missing { color: #b00; font-size: 0.9em; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
)";

size_t programs_run(const ChapterView& chapter) {
    return std::count_if(chapter.programs.begin(), chapter.programs.end(),
                         [](const ProgramView& p) { return p.manifest.has_value(); });
}

void write_contents(std::ostream& page, const std::vector<ChapterView>& chapters) {
    page << "<nav><h2>Contents</h2>\n<ol>\n";
    for (const auto& chapter : chapters)
        page << "<li><a href=\"#" << html_escape(chapter.folder) << "\">" << html_escape(chapter.title)
             << "</a> <span class=count>" << programs_run(chapter) << " of " << chapter.programs.size()
             << " programs run</span></li>\n";
    page << "</ol></nav>\n";
}

void write_results(std::ostream& page, const Manifest& manifest) {
    if (manifest.results.empty()) return;
    page << "<table class=results><tr><th>result</th><th>value</th></tr>\n";
    for (const auto& [key, value] : manifest.results)
        page << "<tr><td>" << html_escape(key) << "</td><td class=value>" << html_escape(value) << "</td></tr>\n";
    page << "</table>\n";
}

void write_figures(std::ostream& page, const Manifest& manifest, const fs::path& out, const std::string& folder) {
    if (manifest.figures.empty()) return;
    page << "<div class=figures>\n";
    for (const auto& figure : manifest.figures) {
        std::string relative = folder + "/" + figure.file;
        if (!fs::exists(out / relative)) {
            warn(manifest.program + " lists " + relative + ", which does not exist");
            page << "<p class=missing>missing figure: " << html_escape(relative) << "</p>\n";
            continue;
        }
        page << "<figure><img loading=lazy src=\"" << html_escape(nn::tools::url_path_escape(relative))
             << "\" alt=\"" << html_escape(figure.caption) << "\"><figcaption>" << html_escape(figure.caption)
             << "</figcaption></figure>\n";
    }
    page << "</div>\n";
}

void write_program(std::ostream& page, const ProgramView& program, const fs::path& out, const std::string& folder) {
    if (!program.manifest) {
        page << "<section class=notrun><h3>" << html_escape(program.name)
             << " <span class=label>not run</span></h3></section>\n";
        return;
    }
    page << "<section class=program><h3>" << html_escape(program.name) << "</h3>\n";
    write_results(page, *program.manifest);
    write_figures(page, *program.manifest, out, folder);
    page << "</section>\n";
}

// The pages of the book in a line, or why there are none.
void write_book_links(std::ostream& page, const Book& book) {
    if (!book.missing.empty()) {
        page << "<p class=nobook>The chapters are linked as Markdown, their formulas as LaTeX source: "
             << html_escape(book.missing) << ".</p>\n";
        return;
    }
    page << "<p class=book>The chapters as web pages, formulas drawn:";
    const char* separator = " ";
    for (const auto& chapter : book.chapters) {
        if (!book.rendered.count(chapter.folder)) continue;
        page << separator << "<a href=\"" << html_escape(nn::tools::url_path_escape(nn::tools::book_page(chapter.folder)))
             << "\">" << html_escape(chapter.title) << "</a>";
        separator = " &middot; ";
    }
    page << "</p>\n";
}

// "Read the chapter": its page when it was rendered, else its Markdown.
void write_chapter_link(std::ostream& page, const ChapterView& chapter, const Book& book) {
    std::string markdown = html_escape(nn::tools::url_path_escape(chapter.readme_href));
    if (book.rendered.count(chapter.folder))
        page << "<p><a href=\"" << html_escape(nn::tools::url_path_escape(nn::tools::book_page(chapter.folder)))
             << "\">Read the chapter</a> (or its <a href=\"" << markdown << "\">Markdown source</a>)</p>\n";
    else
        page << "<p><a href=\"" << markdown << "\">Read the chapter</a> (" << html_escape(chapter.readme_href)
             << ")</p>\n";
}

void write_page(std::ostream& page, const std::vector<ChapterView>& chapters, const Book& book, const fs::path& out) {
    const char* title = "Neural networks from scratch, in C++: the tour";
    page << "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
         << "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
         << "<title>" << title << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
         << "<h1>" << title << "</h1>\n"
         << "<p>Every figure and result of the chapters' programs, as the last <code>make tour</code> "
            "wrote them (quick mode). Each chapter links to its text.</p>\n";
    write_book_links(page, book);
    if (chapters.empty()) page << "<p>Nothing has run yet: <code>make tour</code> fills this page.</p>\n";
    else write_contents(page, chapters);
    for (const auto& chapter : chapters) {
        page << "<h2 id=\"" << html_escape(chapter.folder) << "\">" << html_escape(chapter.title) << "</h2>\n";
        write_chapter_link(page, chapter, book);
        for (const auto& program : chapter.programs) write_program(page, program, out, chapter.folder);
    }
    page << "<footer>Written by <code>gallery</code> from the manifests in this folder.</footer>\n"
         << "</body>\n</html>\n";
}

void run(int argc, char** argv) {
    std::string out = "out", chapters = "chapters", assets = "common/tools", pandoc = "pandoc";
    boost::program_options::options_description options("options");
    options.add_options()
        ("out", boost::program_options::value(&out)->default_value(out)->value_name("DIR"),
         "output folder of the tour; the page goes there")
        ("chapters", boost::program_options::value(&chapters)->default_value(chapters)->value_name("DIR"),
         "the chapters folder")
        ("assets", boost::program_options::value(&assets)->default_value(assets)->value_name("DIR"),
         "folder of book.css and book.lua, the chapters' pages' stylesheet and pandoc filter")
        ("pandoc", boost::program_options::value(&pandoc)->default_value(pandoc)->value_name("FILE"),
         "the pandoc that renders the chapters (looked up on PATH); none found: the Markdown is linked");
    nn::tools::parse_tool_options(argc, argv, "gallery [--out DIR] [--chapters DIR] [--assets DIR] [--pandoc FILE]",
                                  options);
    if (!fs::is_directory(chapters)) throw nn::UsageError("--chapters " + chapters + " is not a folder");
    if (!fs::is_directory(out))
        throw nn::UsageError("--out " + out + " is not a folder; run the programs first (make tour)");

    std::vector<ChapterView> views = read_chapters(out, chapters);
    Book book = render_book(out, chapters, assets, pandoc);
    fs::path index = fs::path(out) / "index.html";
    nn::write_file_atomically(index.string(), [&](std::ostream& page) { write_page(page, views, book, out); });
    size_t run_count = 0, total = 0;
    for (const auto& chapter : views) run_count += programs_run(chapter), total += chapter.programs.size();
    std::cout << "gallery: " << index.string() << " (" << views.size() << " chapters, " << run_count << " of "
              << total << " programs run; " << book.rendered.size() << " of " << book.chapters.size()
              << " chapters' pages in " << (fs::path(out) / "book").string() << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] { run(argc, argv); });
}
