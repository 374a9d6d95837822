"""micrograd's demo step on Scalars: MLP(2, [16, 16, 1]) over 100 two-moons points.

One step, as micrograd's demo notebook writes it: forward over all 100 points, SVM
max-margin loss plus an L2 term, backward, SGD update. graphgrad's ``Scalar`` runs the
same program with only the class name changed. Two comparisons: as users run them
(Python's cycle collector on), and both with ``gc.disable()`` around the timed call
(``graphgrad-gc-off`` against ``micrograd-gc-off``: the engines' own work, without the
collector that dominates both).

    python -m benchmarks.scalar_vs_micrograd [--tiny] [--rounds N]
"""
import random

import numpy as np

from .harness import OURS, REFERENCE, Candidate, compare, require, script_main

NAME = "scalar_vs_micrograd"
SIZES = {"full": (100, [16, 16, 1]), "tiny": (8, [4, 1])}
ROUNDS = 6
# NOTE: each timed call runs several consecutive steps, as a training loop does: the cycle
# collector's work on one step's garbage then lands in a later step of the same call,
# which one step timed after a forced gc.collect() would hide (micrograd's graphs are
# reference cycles; graphgrad's are not). Figures are per step.
STEPS_PER_CALL = {"full": 4, "tiny": 1}
LR = 0.05
ALPHA = 1e-4
TARGETS = {(NAME, "graphgrad", "micrograd"): 0.15,  # issue 20's targets
           (NAME, "graphgrad-gc-off", "micrograd-gc-off"): 0.8}


def make_moons(n, noise=0.1, seed=0):
    """Two interleaving half circles, labels -1 and +1 (as micrograd's demo uses them)."""
    rng = np.random.default_rng(seed)
    n_top = n // 2
    angle = rng.uniform(0, np.pi, n)
    top = np.arange(n) < n_top
    X = np.where(top[:, None],
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    X += rng.normal(0, noise, X.shape)
    y = np.where(top, -1.0, 1.0)
    return X, y


class Neuron:
    """micrograd's ``nn.Neuron`` over any Value-like class (graphgrad's Scalar here)."""

    def __init__(self, value, nin, nonlin=True):
        self.w = [value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class MLP:
    """micrograd's ``nn.MLP``: same layers, same order of parameters, same ops."""

    def __init__(self, value, nin, nouts):
        sizes = [nin] + nouts
        self.layers = [[Neuron(value, sizes[i], nonlin=i != len(nouts) - 1)
                        for _ in range(sizes[i + 1])] for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            out = [neuron(x) for neuron in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


def demo_step(model, value, X, y, lr=LR):
    """micrograd's demo loop body: loss over all points, backward, SGD. Returns the loss."""
    inputs = [list(map(value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return total_loss.data


def demo_steps(model, value, X, y, steps):
    """``steps`` consecutive ``demo_step`` calls; returns the last loss."""
    for _ in range(steps):
        loss = demo_step(model, value, X, y)
    return loss


def initial_weights(nin, nouts, seed=0):
    """One flat list of weights in micrograd's parameter order (biases 0, as micrograd)."""
    rng = np.random.default_rng(seed)
    sizes = [nin] + nouts
    flat = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        for _ in range(fan_out):
            flat += list(rng.uniform(-1, 1, fan_in)) + [0.0]
    return flat


def _set_weights(model, flat):
    params = model.parameters()
    if len(params) != len(flat):
        raise ValueError(f"model has {len(params)} parameters, weights {len(flat)}")
    for p, w in zip(params, flat):
        p.data = float(w)
    return model


def run(size="full", rounds=ROUNDS):
    n_points, nouts = SIZES[size]
    X, y = make_moons(n_points)
    X, y = X.tolist(), y.tolist()  # micrograd's demo feeds Python floats
    steps = STEPS_PER_CALL[size]
    weights = initial_weights(2, nouts)

    def graphgrad_setup():
        value = require("graphgrad.autograd", "Scalar").Scalar
        model = _set_weights(MLP(value, 2, nouts), weights)
        return lambda: demo_steps(model, value, X, y, steps)

    def micrograd_setup():
        value = require("micrograd.engine", "Value").Value
        mg_nn = require("micrograd.nn", "MLP")
        model = _set_weights(mg_nn.MLP(2, nouts), weights)
        return lambda: demo_steps(model, value, X, y, steps)

    candidates = [Candidate("graphgrad", OURS, graphgrad_setup),
                  Candidate("graphgrad-gc-off", OURS, graphgrad_setup, gc_off=True),
                  Candidate("micrograd", REFERENCE, micrograd_setup),
                  Candidate("micrograd-gc-off", REFERENCE, micrograd_setup, gc_off=True)]
    return compare(NAME, candidates, rounds, warmup=1, ops=steps)


if __name__ == "__main__":
    script_main(run)
