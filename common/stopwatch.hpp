#pragma once
// Wall-clock seconds since a point in time: what a program reports as its `seconds=`
// result and what a benchmark divides the work by.
#include <chrono>

namespace nn {

class Stopwatch {
public:
    Stopwatch() : start_(Clock::now()) {}
    double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    void restart() { start_ = Clock::now(); }

private:
    using Clock = std::chrono::steady_clock;  // never jumps when the system clock is set
    Clock::time_point start_;
};

}  // namespace nn
