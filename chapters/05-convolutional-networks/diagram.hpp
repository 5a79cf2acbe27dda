#pragma once
// Chapter 5: a convolutional network drawn as the textbooks draw LeNet-5, its feature
// maps as stacks of sheets, left to right.
#include <string>

#include "05-convolutional-networks/net.hpp"
#include "common/plot.hpp"

namespace cnn {

// The net's activations left to right: the input and the output of every convolution,
// batch norm, pooling and dropout on maps as a stack of min(C, 8) sheets in an oblique
// projection (a sheet's height proportional to H, its width to W, the same scale for
// every stack), "C @ HxW" under it; after the flatten, each dense layer (and a dropout
// of its outputs) as a bar whose height grows with the log of its width, its width under
// it. Between two drawings, an arrow and the operation ("conv 5x5, ReLU", "max pool 2",
// "dense, ReLU"): a ReLU, which keeps the shape, is named with the layer it follows.
// The coordinates are pixels of a PNG of architecture_size(net).
nn::Figure architecture_figure(const Net& net, const std::string& title);

// The PNG size whose pixels are the figure's units, so that its labels get the room
// the layout gave them.
nn::Size architecture_size(const Net& net);

}  // namespace cnn
