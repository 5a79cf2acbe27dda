#pragma once
// The chapters as web pages, which the gallery of `make tour` writes and links to: pandoc
// turns chapters/C/README.md into <out>/book/C.html, the formulas as MathML (which Chromium
// and Firefox draw themselves: no script, no network), with a table of contents, the
// stylesheet book.css and the filter book.lua (both in common/tools/), which makes the
// README's links lead, from the page's place, to the chapter's source files and to the
// figures the tour wrote in <out>/C/.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nn::tools {

// The program `name` as run_command wants it: a name with a '/' as it is when it can be
// run, else the first <dir>/<name> along $PATH that can. nullopt when there is none.
std::optional<std::string> find_program(const std::string& name);

struct BookChapter {
    std::string folder;  // "03-backpropagation"
    std::string title;   // "Chapter 3: Backpropagation"
};

struct BookPlaces {
    std::filesystem::path chapters;  // chapters/C/README.md are the texts
    std::filesystem::path out;       // <out>/C/ the figures, <out>/book/ the pages, <out>/index.html the gallery
    std::filesystem::path assets;    // book.css and book.lua
    std::string pandoc;              // the program, as find_program() found it
};

// "book/03-backpropagation.html": a chapter's page, relative to <out>.
std::string book_page(const std::string& folder);

// Copies book.css into <out>/book/. Throws DataError when it cannot.
void write_book_style(const BookPlaces& places);

// Writes the page of chapters[i]; the pages link to each other in this order, and to the
// gallery. A page is written whole or not at all: on failure the old one is removed too.
// Returns "" on success, else why not, in one line. What pandoc printed while succeeding (a
// formula it could not convert) goes to `warnings`, and stays in <out>/book/<folder>.log.
std::string render_chapter(const BookPlaces& places, const std::vector<BookChapter>& chapters, size_t i,
                           std::vector<std::string>& warnings);

}  // namespace nn::tools
