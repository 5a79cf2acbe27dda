#include "common/trace.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"

namespace nn {

namespace {

std::string number(double value, int digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

std::string where(int step, const std::string& name) {
    return "step " + std::to_string(step) + ", tensor " + name;
}

}  // namespace

struct Trace::Impl {
    std::ofstream out;
    // Exceptions in flight when the trace was opened: if there are more when it is
    // destroyed, the run failed and its trace must not look complete.
    int uncaught_at_open = std::uncaught_exceptions();
};

Trace::Trace(const std::string& path, int max_steps) : path_(path), max_steps_(max_steps) {
    if (path_.empty()) return;
    impl_ = new Impl;
    impl_->out.open(path_ + ".tmp", std::ios::out | std::ios::trunc);
    if (!impl_->out) {
        std::string reason = std::strerror(errno);
        delete impl_;
        impl_ = nullptr;
        throw UsageError("cannot write the trace file " + path_ + ": " + reason +
                         "; choose another with --trace");
    }
}

Trace::~Trace() {
    if (!impl_) return;
    if (std::uncaught_exceptions() > impl_->uncaught_at_open) {
        impl_->out.close();
        std::error_code ignored;
        std::filesystem::remove(path_ + ".tmp", ignored);
        delete impl_;
        impl_ = nullptr;
        return;
    }
    try {
        close();
    } catch (const std::exception&) {
        // A destructor cannot report; close() already removed the temporary file.
    }
}

void Trace::record(int step, const std::string& name, std::span<const float> values) {
    if (!wants(step) || !impl_) return;
    if (name.empty() || name.find_first_of("\t\n\r") != std::string::npos)
        throw std::invalid_argument("trace name must be non-empty, without tabs or newlines: '" +
                                    name + "'");
    std::ostream& out = impl_->out;
    out << step << '\t' << name << '\t' << values.size() << '\t';
    for (size_t i = 0; i < values.size(); ++i) out << (i ? " " : "") << number(values[i], 9);
    out << '\n';
}

void Trace::record(int step, const std::string& name, float value) {
    record(step, name, std::span<const float>(&value, 1));
}

void Trace::close() {
    if (!impl_) return;
    const std::string tmp = path_ + ".tmp";
    impl_->out.close();
    bool written = !impl_->out.fail();
    delete impl_;
    impl_ = nullptr;
    std::error_code ec;
    if (written) std::filesystem::rename(tmp, path_, ec);
    if (!written || ec) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw std::runtime_error("cannot write the trace file " + path_ +
                                 (ec ? ": " + ec.message() : std::string()));
    }
}

std::vector<TraceRecord> read_trace(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw DataError("cannot read trace file " + path);
    std::vector<TraceRecord> records;
    size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        auto fail = [&](const std::string& problem) {
            return DataError(path + ", line " + std::to_string(line_number) + ": " + problem);
        };
        if (line.empty()) continue;
        // step<TAB>name<TAB>count<TAB>values
        size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1), t3 = line.find('\t', t2 + 1);
        if (t1 == std::string::npos || t2 == std::string::npos || t3 == std::string::npos)
            throw fail("expected step, name, count and values separated by tabs");
        TraceRecord record;
        char* end = nullptr;
        std::string step = line.substr(0, t1), count = line.substr(t2 + 1, t3 - t2 - 1);
        long step_value = std::strtol(step.c_str(), &end, 10);
        if (step.empty() || *end != '\0' || step_value < 0) throw fail("bad step '" + step + "'");
        record.step = static_cast<int>(step_value);
        record.name = line.substr(t1 + 1, t2 - t1 - 1);
        if (record.name.empty()) throw fail("empty tensor name");
        unsigned long long n = std::strtoull(count.c_str(), &end, 10);
        if (count.empty() || *end != '\0' || count[0] == '-') throw fail("bad count '" + count + "'");

        std::istringstream values(line.substr(t3 + 1));
        for (std::string token; values >> token;) {
            float v = std::strtof(token.c_str(), &end);
            if (*end != '\0') throw fail("'" + token + "' is not a number");
            record.values.push_back(v);
        }
        if (record.values.size() != n)
            throw fail("count says " + count + " values, found " + std::to_string(record.values.size()));
        records.push_back(std::move(record));
    }
    return records;
}

std::optional<Divergence> first_divergence(const std::vector<TraceRecord>& learner,
                                           const std::vector<TraceRecord>& solution,
                                           double tolerance) {
    size_t common = std::min(learner.size(), solution.size());
    for (size_t r = 0; r < common; ++r) {
        const TraceRecord& l = learner[r];
        const TraceRecord& s = solution[r];
        Divergence d;
        d.step = s.step;
        d.name = s.name;
        if (l.step != s.step || l.name != s.name) {
            d.what = "record " + std::to_string(r + 1) + ": the learner traced step " +
                     std::to_string(l.step) + ", tensor " + l.name + " where the solution traced " +
                     where(s.step, s.name);
            return d;
        }
        if (l.values.size() != s.values.size()) {
            d.what = where(s.step, s.name) + ": learner has " + std::to_string(l.values.size()) +
                     " values, solution " + std::to_string(s.values.size());
            return d;
        }
        for (size_t i = 0; i < s.values.size(); ++i) {
            double lv = l.values[i], sv = s.values[i];
            bool both_nan = std::isnan(lv) && std::isnan(sv);
            // Written so that a NaN on one side counts as a difference.
            if (both_nan || std::fabs(lv - sv) <= tolerance * std::max(1.0, std::fabs(sv))) continue;
            d.index = i;
            d.learner = l.values[i];
            d.solution = s.values[i];
            d.what = where(s.step, s.name) + ", index " + std::to_string(i) + ": learner " +
                     number(lv, 7) + ", solution " + number(sv, 7);
            return d;
        }
    }
    if (learner.size() == solution.size()) return std::nullopt;
    Divergence d;
    if (learner.size() < solution.size()) {
        const TraceRecord& s = solution[common];
        d.step = s.step;
        d.name = s.name;
        d.what = where(s.step, s.name) + ": missing from the learner's trace";
    } else {
        const TraceRecord& l = learner[common];
        d.step = l.step;
        d.name = l.name;
        d.what = where(l.step, l.name) + ": in the learner's trace but not in the solution's";
    }
    return d;
}

}  // namespace nn
