#include "common/errors.hpp"

#include <cmath>
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

}  // namespace nn
