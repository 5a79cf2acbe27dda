#include "common/errors.hpp"

namespace nn {

NotImplemented::NotImplemented(const std::string& exercise_id)
    : std::logic_error("exercise " + exercise_id + " " + kNotImplementedMarker +
                       " (see its TODO; make hint EX=" + exercise_id + ")"),
      exercise_id(exercise_id) {}

}  // namespace nn
