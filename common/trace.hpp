#pragma once
// --trace FILE: the named tensors of the first training steps (weights,
// activations, gradients), so `make compare` can say where a learner's run first
// departs from the solution's: "step 3, tensor w, index 17: 0.25 vs 0.5".
//
// File format, one record per line:  step<TAB>name<TAB>count<TAB>v0 v1 ... (%.9g)
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nn {

class Trace {
public:
    Trace() = default;  // disabled: record() does nothing
    // Records steps 0 .. max_steps-1. Written to "<path>.tmp", renamed by close(). An
    // empty path (no --trace given) is the disabled trace, so a program writes
    // nn::Trace trace(opt.trace) whether or not the option was given.
    explicit Trace(const std::string& path, int max_steps = 5);
    ~Trace();  // closes if still open
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;

    bool enabled() const { return !path_.empty(); }
    bool wants(int step) const { return enabled() && step < max_steps_; }
    void record(int step, const std::string& name, std::span<const float> values);
    void record(int step, const std::string& name, float value);
    void close();

private:
    std::string path_;
    int max_steps_ = 0;
    struct Impl;
    Impl* impl_ = nullptr;
};

struct TraceRecord {
    int step = 0;
    std::string name{};
    std::vector<float> values{};
};

std::vector<TraceRecord> read_trace(const std::string& path);  // throws DataError

struct Divergence {
    int step = 0;
    std::string name{};
    size_t index = 0;
    float learner = 0, solution = 0;
    std::string what{};  // one sentence, e.g. "step 3, tensor w, index 17: learner 0.25, solution 0.5"
};

// The first record, in order, whose name, length or a value differs by more than
// tolerance * max(1, |solution value|). nullopt when the traces agree.
std::optional<Divergence> first_divergence(const std::vector<TraceRecord>& learner,
                                           const std::vector<TraceRecord>& solution,
                                           double tolerance = 1e-4);

}  // namespace nn
