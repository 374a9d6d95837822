"""Transfer learning on the 8x8 digits: learn features on 0-4, reuse them for 5-9.

1. Train a CNN (conv body + linear head) on all training images of digits 0-4.
2. Freeze the body (``requires_grad_(False)``, and ``eval()`` so batch-norm
   statistics stay fixed), put a new 5-way head on it and train only the head
   on a FEW examples of digits 5-9 (5 per class by default).
3. Train the same architecture from scratch on those few examples.
Prints the test accuracy on digits 5-9 of both, and the time taken.

    python examples/transfer.py [--shots 5]
"""
import os

# NOTE: small matrices: BLAS threads cost more than they save (see cnn_digits.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from cnn_digits import make_model  # noqa: E402 - the conv body and head of cnn_digits.py
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import graphgrad as gg  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402
from graphgrad import nn  # noqa: E402

SEED = 0


def make_net():
    """cnn_digits.py's CNN with a 5-way head: (body, head)."""
    return make_model(classes=5)


def split_digits(seed=SEED):
    """Train/test images (N, 1, 8, 8) in [0, 1] with labels 0-9."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    return train_test_split(x, digits.target, test_size=0.3, stratify=digits.target,
                            random_state=seed)


def fit(model, x, y, epochs, batch_size=32, lr=3e-3):
    """Adam over the parameters that require grad, on shuffled mini-batches."""
    optimizer = nn.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    rng = gg.autograd.random.generator()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            if len(idx) < 2:
                continue
            loss = F.cross_entropy(model(gg.Tensor(x[idx])), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


@gg.no_grad()
def accuracy(model, x, y):
    model.eval()
    predicted = model(gg.Tensor(x)).data.argmax(axis=1)
    return float(np.mean(predicted == y))


def few_shot(x, y, shots, rng):
    """``shots`` examples of each class in ``y``."""
    picks = np.concatenate([rng.choice(np.flatnonzero(y == c), shots, replace=False)
                            for c in np.unique(y)])
    return x[picks], y[picks]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=5, help="examples per new class")
    parser.add_argument("--head-epochs", type=int, default=100)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    x_train, x_test, y_train, y_test = split_digits()
    old, new = y_train < 5, y_test >= 5

    pretrained = make_net()
    fit(pretrained, x_train[old], y_train[old], epochs=10)
    old_acc = accuracy(pretrained, x_test[~new], y_test[~new])

    x_few, y_few = few_shot(x_train[~old], y_train[~old] - 5, args.shots,
                            np.random.default_rng(SEED))
    body = pretrained[0]
    body.requires_grad_(False)
    transfer = nn.Sequential(body, nn.Linear(128, 5))
    transfer.train()
    body.eval()  # frozen: batch norm uses (and keeps) the statistics learnt on 0-4
    fit(transfer, x_few, y_few, epochs=args.head_epochs, batch_size=len(x_few))
    transfer_acc = accuracy(transfer, x_test[new], y_test[new] - 5)

    scratch = make_net()
    fit(scratch, x_few, y_few, epochs=args.head_epochs, batch_size=len(x_few))
    scratch_acc = accuracy(scratch, x_test[new], y_test[new] - 5)
    elapsed = time.perf_counter() - start
    print(f"transfer: body trained on digits 0-4 ({old.sum()} images): test accuracy on 0-4 "
          f"{old_acc:.2%}")
    print(f"transfer: {args.shots} examples per class of digits 5-9 ({len(x_few)} images), "
          f"tested on {new.sum()} images of 5-9:")
    print(f"transfer:   frozen pretrained body + new head: {transfer_acc:.2%}")
    print(f"transfer:   same net from scratch:             {scratch_acc:.2%}")
    print(f"transfer: time {elapsed:.1f} s")
    return transfer_acc, scratch_acc


if __name__ == "__main__":
    main()
