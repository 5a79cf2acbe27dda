#pragma once
// Pictures of a network: its architecture drawn as neurons and connections.
#include <string>

#include "03-backpropagation/network.hpp"
#include "common/plot.hpp"

namespace bp {

// The network drawn left to right: each unit a circle, each connection a line colored
// by the sign of its weight (red positive, blue negative) and drawn thicker and darker
// for larger |w|. A layer wider than max_units shows its first max_units / 2 and last
// max_units / 2 units with a "..." between (their connections likewise), and is labelled
// with its true size and activation.
nn::Figure network_diagram(const Network& net, const std::string& title, size_t max_units = 16);

}  // namespace bp
