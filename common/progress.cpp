#include "common/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "common/errors.hpp"

namespace nn {

namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

bool should_draw(ProgressMode mode) {
    if (mode == ProgressMode::Always) return true;
    if (mode == ProgressMode::Never) return false;
    return isatty(STDERR_FILENO) == 1;
}

}  // namespace

ProgressMode parse_progress_mode(const std::string& text) {
    if (text == "auto") return ProgressMode::Auto;
    if (text == "always") return ProgressMode::Always;
    if (text == "never") return ProgressMode::Never;
    throw UsageError("--progress must be auto, always or never (got '" + text + "')");
}

Progress::Progress(std::string label, size_t total, ProgressMode mode)
    : label_(std::move(label)),
      total_(total),
      drawing_(should_draw(mode)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
    if (drawing_) std::cerr << '\r' << render(label_, 0, total_, 0.0) << std::flush;
}

Progress::~Progress() {
    if (!drawing_) return;
    // The widest bar this pass can have drawn: all steps done, the longest time.
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    size_t width = render(label_, total_, total_, seconds).size() + 2;
    std::cerr << '\r' << std::string(width, ' ') << '\r' << std::flush;
}

void Progress::tick(size_t steps) {
    done_ += steps;
    if (!drawing_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < kRedrawInterval && done_ < total_) return;
    last_draw_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    std::cerr << '\r' << render(label_, done_, total_, seconds) << std::flush;
}

std::string Progress::render(const std::string& label, size_t done, size_t total,
                             double seconds, int width) {
    size_t bar = static_cast<size_t>(std::max(width, 0));
    size_t shown = std::min(done, total);
    size_t filled = total ? shown * bar / total : bar;
    char tail[64];
    std::snprintf(tail, sizeof tail, "] %zu/%zu %.1fs", shown, total, seconds);
    return label + " [" + std::string(filled, '#') + std::string(bar - filled, '.') + tail;
}

}  // namespace nn
