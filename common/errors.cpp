#include "common/errors.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace nn {

NotImplemented::NotImplemented(const std::string& exercise_id)
    : std::logic_error("exercise " + exercise_id + " " + kNotImplementedMarker +
                       " (see its TODO; make hint EX=" + exercise_id + ")"),
      exercise_id(exercise_id) {}

void check_not_diverged(double loss, int epoch, long step, double eta, const std::string& option) {
    if (std::isfinite(loss)) return;
    std::ostringstream message;
    message << "training diverged at epoch " << epoch << ", step " << step << ": the loss is "
            << (std::isnan(loss) ? "nan" : "inf") << " with learning rate " << eta << "; try " << option
            << " " << eta / 2 << " or smaller";
    throw Diverged(message.str());
}

void check_not_climbing(double loss, double first_loss, int epoch, long step, double eta,
                        const std::string& option) {
    check_not_diverged(loss, epoch, step, eta, option);
    if (loss <= 100 * first_loss) return;
    char text[240];
    std::snprintf(text, sizeof text,
                  "training diverged at epoch %d, step %ld: the loss is %.3g, over 100 times its start %.3g, "
                  "with learning rate %g; try %s %g or smaller",
                  epoch, step, loss, first_loss, eta, option.c_str(), eta / 2);
    throw Diverged(text);
}

}  // namespace nn
