#pragma once
// A progress bar on a terminal; silence otherwise, because the program prints one
// plain metrics line per epoch anyway (see MetricsLog). The bar goes to stderr so
// that stdout stays clean for logs and for `make compare`.
#include <chrono>
#include <cstddef>
#include <string>

namespace nn {

enum class ProgressMode { Auto, Always, Never };  // Auto: a bar only when stderr is a TTY

ProgressMode parse_progress_mode(const std::string& text);  // throws UsageError

class Progress {
public:
    // label like "epoch 3/10"; total steps in this pass.
    Progress(std::string label, size_t total, ProgressMode mode);
    ~Progress();  // clears the bar line

    void tick(size_t steps = 1);  // redraws at most about 10 times a second
    bool drawing() const { return drawing_; }

    // The bar itself, e.g. "epoch 3/10 [#########.........] 512/1000 0.4s", width in chars of the bar.
    static std::string render(const std::string& label, size_t done, size_t total,
                              double seconds, int width = 30);

private:
    std::string label_;
    size_t total_, done_ = 0;
    bool drawing_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nn
