"""A small CNN on scikit-learn's 8x8 handwritten digits: conv, batch norm, pooling, Adam.

1,797 images ship inside scikit-learn (no download); 80% train, 20% test (stratified).
Conv(1->16, 3x3) BN ReLU MaxPool -> Conv(16->32, 3x3) BN ReLU MaxPool -> Linear(128 -> 10).
Prints the test accuracy (target: at least 97%) and the time taken.

    python examples/cnn_digits.py [--epochs 15]
"""
import os

# NOTE: these matrices are small; BLAS threads cost more than they save, and on a busy
# machine spinning threads make every matmul ten times slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import graphgrad as gg  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402
from graphgrad import nn  # noqa: E402

SEED = 0


def make_body():
    """Two conv blocks, 8x8 -> 4x4 -> 2x2: (N, 1, 8, 8) -> 128 features."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten())


def make_model(classes=10):
    """The conv body and a linear classifier."""
    return nn.Sequential(make_body(), nn.Linear(32 * 2 * 2, classes))


def load_images(seed=SEED):
    """(x_train, y_train), (x_test, y_test): images (N, 1, 8, 8) in [0, 1], float32."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y,
                                                        random_state=seed)
    return (x_train, y_train), (x_test, y_test)


@gg.no_grad()
def accuracy(model, x, y):
    """Fraction of ``x`` classified as ``y``, in eval mode."""
    model.eval()
    predicted = model(gg.Tensor(x)).data.argmax(axis=1)
    model.train()
    return float(np.mean(predicted == y))


def train(model, x, y, epochs, batch_size=32, lr=3e-3):
    """Adam on shuffled mini-batches; returns the last epoch's mean loss."""
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    rng = gg.autograd.random.generator()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            if len(idx) < 2:
                continue  # batch norm needs more than one example per batch
            loss = F.cross_entropy(model(gg.Tensor(x[idx])), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return float(np.mean(losses))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    (x_train, y_train), (x_test, y_test) = load_images()
    model = make_model()
    loss = train(model, x_train, y_train, args.epochs)
    acc = accuracy(model, x_test, y_test)
    elapsed = time.perf_counter() - start
    print(f"cnn_digits: {len(x_train)} train / {len(x_test)} test images, {args.epochs} epochs, "
          f"final train loss {loss:.4f}")
    print(f"cnn_digits: test accuracy {acc:.2%} (target >= 97%)  time {elapsed:.1f} s")
    return acc


if __name__ == "__main__":
    main()
