"""A small CNN, batch 64 of 1x28x28, float32: one SGD step.

conv 1->8 (3x3), ReLU, max-pool 2, conv 8->16 (3x3), ReLU, max-pool 2, flatten, linear
16*5*5 -> 10; cross-entropy on integer labels, backward, SGD. graphgrad against PyTorch
eager, from the same initial weights and batch.

    python -m benchmarks.cnn_step [--tiny] [--rounds N]
"""
import numpy as np

from .frameworks import training_candidates
from .harness import compare, script_main

NAME = "cnn_step"
SIZES = {"full": (64, 28), "tiny": (4, 12)}  # (batch, image side)
ROUNDS = 50
LR = 0.01
TARGETS = {(NAME, "graphgrad", "torch"): 1.0}  # issue 20: at or ahead of PyTorch eager


def _flat_features(side):
    for _ in range(2):  # conv 3x3 (valid), then pool 2 (floor)
        side = (side - 2) // 2
    return 16 * side * side


def build_model(nn, side):
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(_flat_features(side), 10))


def make_problem(size="full", dtype=np.float32, seed=0):
    """Seeded weights under PyTorch's names (default-init bounds), a batch and labels."""
    batch, side = SIZES[size]
    rng = np.random.default_rng(seed)
    shapes = {"0": ((8, 1, 3, 3), 9), "3": ((16, 8, 3, 3), 72),
              "7": ((10, _flat_features(side)), _flat_features(side))}
    weights = {}
    for index, (shape, fan_in) in shapes.items():
        bound = 1 / np.sqrt(fan_in)
        weights[f"{index}.weight"] = rng.uniform(-bound, bound, shape).astype(dtype)
        weights[f"{index}.bias"] = rng.uniform(-bound, bound, shape[0]).astype(dtype)
    x = rng.standard_normal((batch, 1, side, side)).astype(dtype)
    y = rng.integers(0, 10, batch)
    return weights, x, y


def run(size="full", rounds=ROUNDS):
    weights, x, y = make_problem(size)
    side = SIZES[size][1]
    candidates = training_candidates(["Conv2d", "MaxPool2d", "ReLU", "Flatten", "Linear"],
                                     lambda nn: build_model(nn, side), weights, x, y, LR)
    return compare(NAME, candidates, rounds, warmup=3)


if __name__ == "__main__":
    script_main(run)
