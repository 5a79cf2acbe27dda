#pragma once
// The exceptions every program turns into one line on stderr (see run_program in cli.hpp).
#include <stdexcept>
#include <string>

namespace nn {

// A bad command line: unknown option, value out of range. Exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A missing, truncated or malformed input file. Exit status 2.
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A training run whose loss became NaN or infinite: the learning rate was too large
// for this problem. Exit status 2, like any other bad value of an option.
struct Diverged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws Diverged when loss is NaN or infinite, with a message naming where and what
// to do: "training diverged at epoch 3, step 120: the loss is inf with learning rate 5;
// try --eta 2.5 or smaller". option is the flag that sets the learning rate.
void check_not_diverged(double loss, int epoch, long step, double eta,
                        const std::string& option = "--eta");

// The same, and also when the loss has climbed past 100 times first_loss, its value at
// the start: a stable loss (such as softmax cross-entropy) may never become inf, but
// a learning rate that is too large still makes it climb. (A name of its own: as an
// overload, a call that forgot first_loss would silently pick the other one.)
void check_not_climbing(double loss, double first_loss, int epoch, long step, double eta,
                        const std::string& option = "--eta");

// Thrown by the bodies in exercises/ until the learner writes them.
// what() reads: "exercise 1.2 is not implemented yet (see its TODO; make hint EX=1.2)".
struct NotImplemented : std::logic_error {
    explicit NotImplemented(const std::string& exercise_id);
    std::string exercise_id;
};

// The marker `make check` looks for in a failure message to tell "not started" from "wrong".
inline constexpr const char* kNotImplementedMarker = "is not implemented yet";

}  // namespace nn
