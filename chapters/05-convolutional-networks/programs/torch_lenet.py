"""The peer that chapter 5's epoch_bench measures our training against: one epoch of the
chapter's LeNet-style net on Fashion-MNIST with PyTorch on the CPU, doing the same work
as fashion_cnn's default run.

    /usr/bin/python3 torch_lenet.py THREADS [IMAGES] [EPOCHS] [DATA_DIR]

IMAGES: train on the first IMAGES training images (all 60000 by default), as
epoch_bench --images does.

The net: conv 5x5x20 - ReLU - max pool 2 - conv 5x5x40 - ReLU - max pool 2 - dense 100 -
ReLU - dense 10, softmax + cross-entropy (inside F.cross_entropy), mini-batches of 64,
SGD with momentum 0.9 at a constant learning rate of 0.01 (fashion_cnn's default run
changes the rate along a cosine, which costs nothing; the work per step is the same).

Prints one line per epoch, which epoch_bench reads:
    lenet threads=1 epoch=1 seconds=30.1 samples_per_s=1993 test_acc=0.8512
The seconds are the training loop alone: not loading the data, not the test evaluation.
Needs Debian's python3-torch and python3-numpy (make bench installs them).
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

# Chapter 3's peer reads the IDX files and times the epochs; a later chapter reuses an
# earlier one.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../03-backpropagation/programs"))
from torch_peers import DEFAULT_DATA, TRAINING_IMAGES, load, train_epochs  # noqa: E402

BATCH = 64


def lenet():
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(20, 40, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(640, 100), nn.ReLU(), nn.Linear(100, 10))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    threads = int(sys.argv[1])
    images = int(sys.argv[2]) if len(sys.argv) > 2 else TRAINING_IMAGES
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    folder = sys.argv[4] if len(sys.argv) > 4 else DEFAULT_DATA
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = load(folder)  # rows of 784 pixels
    x_train, y_train = x_train[:images].reshape(-1, 1, 28, 28), y_train[:images]
    x_test = x_test.reshape(-1, 1, 28, 28)
    layers = lenet()
    sgd = torch.optim.SGD(layers.parameters(), lr=0.01, momentum=0.9)
    train_epochs("lenet", threads, epochs, layers, sgd, F.cross_entropy, x_train, y_train, x_test, y_test, BATCH)


if __name__ == "__main__":
    main()
