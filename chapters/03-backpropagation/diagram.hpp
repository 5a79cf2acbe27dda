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

// The same drawing for a network too wide to show whole (784 pixels in): each layer shows
// the max_units units that its strongest paths pass through, and each pair of layers only
// its `links` strongest connections between them. The strength of a path from input k to
// an output is input_scale[k] times the product of |w| along it (input_scale: how large
// input k is, e.g. a pixel's root-mean-square ink; a pixel that is never inked carries
// nothing, whatever its weight); a unit's strength is its strongest path's, a
// connection's the strongest path through it, which also sets its width and shade. Unit u
// of layer l (0: the input) is labelled names[l][u] where given: left of the inputs, right
// of the outputs, above a hidden unit. Units are drawn in index order, top to bottom.
nn::Figure strongest_paths_diagram(const Network& net, const std::vector<float>& input_scale, const std::string& title,
                                   const std::vector<std::vector<std::string>>& names = {}, size_t max_units = 16,
                                   size_t links = 40);

}  // namespace bp
