// gallery --out out --chapters chapters
//
// The last step of `make tour`: one self-contained page, out/index.html, with
// every chapter that has output in out/<chapter>/, its programs in the order of
// its tour.txt, their result values and their figures with captions. The page
// loads nothing from a network; images are linked by relative paths.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <set>

#include "common/cli.hpp"
#include "common/files.hpp"
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

void write_page(std::ostream& page, const std::vector<ChapterView>& chapters, const fs::path& out) {
    const char* title = "Neural networks from scratch, in C++: the tour";
    page << "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
         << "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
         << "<title>" << title << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
         << "<h1>" << title << "</h1>\n"
         << "<p>Every figure and result of the chapters' programs, as the last <code>make tour</code> "
            "wrote them (quick mode). Each chapter links to its text.</p>\n";
    if (chapters.empty()) page << "<p>Nothing has run yet: <code>make tour</code> fills this page.</p>\n";
    else write_contents(page, chapters);
    for (const auto& chapter : chapters) {
        page << "<h2 id=\"" << html_escape(chapter.folder) << "\">" << html_escape(chapter.title) << "</h2>\n"
             << "<p><a href=\"" << html_escape(nn::tools::url_path_escape(chapter.readme_href))
             << "\">Read the chapter</a> (" << html_escape(chapter.readme_href) << ")</p>\n";
        for (const auto& program : chapter.programs) write_program(page, program, out, chapter.folder);
    }
    page << "<footer>Written by <code>gallery</code> from the manifests in this folder.</footer>\n"
         << "</body>\n</html>\n";
}

void run(int argc, char** argv) {
    std::string out = "out", chapters = "chapters";
    boost::program_options::options_description options("options");
    options.add_options()
        ("out", boost::program_options::value(&out)->default_value(out), "output folder of the tour; the page goes there")
        ("chapters", boost::program_options::value(&chapters)->default_value(chapters), "the chapters folder");
    nn::tools::parse_tool_options(argc, argv, "gallery [--out DIR] [--chapters DIR]", options);
    if (!fs::is_directory(chapters)) throw nn::UsageError("--chapters " + chapters + " is not a folder");
    if (!fs::is_directory(out))
        throw nn::UsageError("--out " + out + " is not a folder; run the programs first (make tour)");

    std::vector<ChapterView> views = read_chapters(out, chapters);
    fs::path index = fs::path(out) / "index.html";
    nn::write_file_atomically(index.string(), [&](std::ostream& page) { write_page(page, views, out); });
    size_t run_count = 0, total = 0;
    for (const auto& chapter : views) run_count += programs_run(chapter), total += chapter.programs.size();
    std::cout << "gallery: " << index.string() << " (" << views.size() << " chapters, " << run_count << " of "
              << total << " programs run)\n";
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] { run(argc, argv); });
}
