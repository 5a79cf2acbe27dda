#include "common/tools/book.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/errors.hpp"
#include "common/tools/report.hpp"

namespace fs = std::filesystem;

namespace nn::tools {

namespace {

bool can_run(const fs::path& file) {
    std::error_code ec;
    return fs::is_regular_file(file, ec) && access(file.c_str(), X_OK) == 0;
}

// An href from the page's folder to `target`, ending in '/' when `target` is a folder.
std::string href_from(const fs::path& page_dir, const fs::path& target, bool folder) {
    std::string relative = fs::relative(fs::absolute(target), fs::absolute(page_dir)).generic_string();
    if (relative.empty()) relative = ".";
    return url_path_escape(relative) + (folder ? "/" : "");
}

std::string link(const std::string& href, const std::string& text, const std::string& rel = "") {
    return "<a href=\"" + html_escape(href) + "\"" + (rel.empty() ? "" : " rel=\"" + rel + "\"") + ">" +
           html_escape(text) + "</a>";
}

// Above and below the text: the previous and the next chapter, the gallery, the source.
std::string page_nav(const BookPlaces& places, const std::vector<BookChapter>& chapters, size_t i) {
    const fs::path page_dir = places.out / "book";
    const std::string folder = chapters[i].folder;
    std::string nav = "<nav class=\"pages\"><span class=\"prev\">";
    if (i > 0) nav += link(chapters[i - 1].folder + ".html", "\u2190 " + chapters[i - 1].title, "prev");
    nav += "</span><span class=\"here\">" + link(href_from(page_dir, places.out / "index.html", false), "the gallery") +
           " \u00b7 " + link(href_from(page_dir, places.out / "index.html", false) + "#" + folder, "this chapter's figures") +
           " \u00b7 " + link(href_from(page_dir, places.chapters / folder / "README.md", false), "Markdown source") +
           "</span><span class=\"next\">";
    if (i + 1 < chapters.size()) nav += link(chapters[i + 1].folder + ".html", chapters[i + 1].title + " \u2192", "next");
    return nav + "</span></nav>";
}

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string::npos) return can_run(name) ? std::optional(name) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
        if (can_run(candidate)) return candidate.string();
    }
    return std::nullopt;
}

std::string book_page(const std::string& folder) { return "book/" + folder + ".html"; }

void write_book_style(const BookPlaces& places) {
    std::error_code ec;
    fs::create_directories(places.out / "book", ec);
    fs::copy_file(places.assets / "book.css", places.out / "book" / "book.css", fs::copy_options::overwrite_existing, ec);
    if (ec) throw DataError("cannot copy " + (places.assets / "book.css").string() + " to " +
                            (places.out / "book").string() + ": " + ec.message());
}

std::string render_chapter(const BookPlaces& places, const std::vector<BookChapter>& chapters, size_t i,
                           std::vector<std::string>& warnings) {
    const std::string folder = chapters[i].folder;
    const fs::path page_dir = places.out / "book";
    const fs::path page = places.out / book_page(folder);
    const fs::path partial = page.string() + ".partial";
    const fs::path log = page_dir / (folder + ".log");
    const fs::path readme = places.chapters / folder / "README.md";
    const std::string nav = page_nav(places, chapters, i);
    // GitHub's Markdown with $...$ and $$...$$; the README's "# Chapter ..." becomes the
    // page's title, so that its "##" sections head the table of contents.
    const std::vector<std::string> args{
        readme.string(), "--from=gfm+tex_math_dollars", "--to=html5", "--standalone", "--mathml",
        "--toc", "--toc-depth=2", "--shift-heading-level-by=-1", "--wrap=none", "--css=book.css",
        "--lua-filter=" + (places.assets / "book.lua").string(),
        "--metadata=lang:en", "--metadata=toc-title:Contents",
        "--metadata=nn-source:" + href_from(page_dir, places.chapters / folder, true),
        "--metadata=nn-figures:" + href_from(page_dir, places.out / folder, true),
        "--metadata=nn-figures-dir:" + fs::absolute(places.out / folder).string(),
        "--metadata=nn-out:" + href_from(page_dir, places.out, true),
        "--metadata=nn-out-dir:" + fs::absolute(places.out).string(),
        "--variable=include-before:" + nav, "--variable=include-after:" + nav,
        "--output=" + partial.string()};

    std::error_code ec;
    fs::create_directories(page_dir, ec);
    const int status = run_command(places.pandoc, args, log.string());
    const std::string messages = read_text(log);
    if (!succeeded(status)) {
        fs::remove(partial, ec);
        fs::remove(page, ec);
        std::string first = messages.substr(0, messages.find('\n'));
        return places.pandoc + " could not render " + readme.string() + " (" + status_text(status) +
               (first.empty() ? "" : ": " + first) + "); all it said is in " + log.string();
    }
    fs::rename(partial, page, ec);
    if (ec) return "cannot write " + page.string() + ": " + ec.message();
    if (messages.empty()) {
        fs::remove(log, ec);
    } else {
        std::istringstream lines(messages);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty()) warnings.push_back(readme.string() + ": " + line);
    }
    return "";
}

}  // namespace nn::tools
