"""The peer that epoch_bench measures our training against: one epoch of chapter 3's
networks on Fashion-MNIST with PyTorch on the CPU, doing the same work as bp::train_epoch.

    /usr/bin/python3 torch_peers.py MODEL THREADS [EPOCHS] [DATA_DIR]

MODEL is one of
    mlp30    [784, 30, 10], sigmoid everywhere, quadratic cost, mini-batches of 10, eta 3
             (Nielsen, chapter 1)
    mlp100   [784, 100, 10], sigmoid hidden layer, softmax + cross-entropy, mini-batches
             of 10, eta 0.5 (Nielsen, chapter 3)

Prints one line per epoch, which epoch_bench reads:
    mlp30 threads=1 epoch=1 seconds=2.90 samples_per_s=20690 test_acc=0.8155
The seconds are the training loop alone: not loading the data, not the test evaluation.
Needs Debian's python3-torch and python3-numpy (make bench installs them).
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"
TRAINING_IMAGES = 60000


def read_idx(folder, name, header_bytes):
    """An IDX file as a flat array of bytes, gzipped or not (as common/idx.cpp reads it)."""
    path = os.path.join(folder, name)
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return np.frombuffer(data, np.uint8, offset=header_bytes)


def load(folder):
    """Images as rows of 784 floats in [0, 1], labels as class numbers."""
    images = lambda name: read_idx(folder, name, 16).reshape(-1, 784).astype(np.float32) / 255
    labels = lambda name: read_idx(folder, name, 8).astype(np.int64)
    return (torch.from_numpy(images("train-images-idx3-ubyte")), torch.from_numpy(labels("train-labels-idx1-ubyte")),
            torch.from_numpy(images("t10k-images-idx3-ubyte")), torch.from_numpy(labels("t10k-labels-idx1-ubyte")))


def network(model):
    """The layers, mini-batch size, eta and cost of each model."""
    if model == "mlp30":
        layers = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
        return layers, 10, 3.0, "quadratic"
    if model == "mlp100":  # the softmax is inside F.cross_entropy
        layers = nn.Sequential(nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10))
        return layers, 10, 0.5, "cross-entropy"
    sys.exit(f"torch_peers.py: unknown model '{model}' (mlp30 or mlp100)")


def cost(output, y, kind):
    """The mean cost of a mini-batch, as chapter 3 defines it."""
    if kind == "quadratic":  # C = 1/(2n) sum ||y - a||^2
        return 0.5 * ((output - F.one_hot(y, 10).float()) ** 2).sum() / len(y)
    return F.cross_entropy(output, y)


def train_epochs(name, threads, epochs, layers, optimizer, loss, x_train, y_train, x_test, y_test, batch):
    """Trains layers for epochs epochs, each a pass over the training set in a fresh random
    order (torch.randperm), in mini-batches of batch rows: optimizer steps on the mean
    loss(layers(x), y) of each. After each epoch, prints the line epoch_bench reads
    (common/peer.cpp), its seconds the training loop alone, not the test evaluation."""
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(x_train))
        start = time.perf_counter()
        for first in range(0, len(x_train), batch):
            rows = order[first:first + batch]
            mean_loss = loss(layers(x_train[rows]), y_train[rows])
            optimizer.zero_grad()
            mean_loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            accuracy = (layers(x_test).argmax(1) == y_test).float().mean().item()
        print(f"{name} threads={threads} epoch={epoch} seconds={seconds:.2f} "
              f"samples_per_s={len(x_train) / seconds:.0f} test_acc={accuracy:.4f}", flush=True)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    model, threads = sys.argv[1], int(sys.argv[2])
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    folder = sys.argv[4] if len(sys.argv) > 4 else DEFAULT_DATA
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = load(folder)
    layers, batch, eta, kind = network(model)
    sgd = torch.optim.SGD(layers.parameters(), lr=eta)
    train_epochs(model, threads, epochs, layers, sgd, lambda output, y: cost(output, y, kind),
                 x_train, y_train, x_test, y_test, batch)


if __name__ == "__main__":
    main()
