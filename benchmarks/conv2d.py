"""Conv2d(1, 8, 3) on a batch of 64 1x28x28 images, float32: forward, and forward + backward.

graphgrad's strided im2col + one tensordot against PyTorch eager, same weights and batch.
The backward computes the weight, bias and input gradients (the input requires grad, as
it would below any first layer).

    python -m benchmarks.conv2d [--tiny] [--rounds N]
"""
import numpy as np

from .harness import OURS, REFERENCE, Candidate, compare, require, script_main

SIZES = {"full": (64, 1, 28, 8), "tiny": (4, 1, 8, 2)}
ROUNDS = 50


def make_problem(size="full", seed=0):
    batch, channels, side, out = SIZES[size]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, channels, side, side)).astype(np.float32)
    w = (rng.standard_normal((out, channels, 3, 3)) / 3).astype(np.float32)
    b = np.zeros(out, dtype=np.float32)
    return x, w, b


def ours(x, w, b, backward):
    def setup():
        autograd = require("graphgrad.autograd")
        F = require("graphgrad.nn.functional", "conv2d")
        tx = autograd.Tensor(x, requires_grad=backward)
        tw, tb = (autograd.Tensor(a, requires_grad=backward) for a in (w, b))

        def step():
            out = F.conv2d(tx, tw, tb)
            loss = (out * out).sum()
            if backward:
                loss.backward()
            return loss.item()
        return step
    return setup


def torch_ref(x, w, b, backward):
    def setup():
        torch = require("torch")
        torch.set_num_threads(1)
        tx = torch.tensor(x, requires_grad=backward)
        tw, tb = (torch.tensor(a, requires_grad=backward) for a in (w, b))

        def step():
            out = torch.nn.functional.conv2d(tx, tw, tb)
            loss = (out * out).sum()
            if backward:
                loss.backward()
            return loss.item()
        return step
    return setup


def run(size="full", rounds=ROUNDS):
    x, w, b = make_problem(size)
    results = []
    for name, backward in (("conv2d_forward", False), ("conv2d_forward_backward", True)):
        candidates = [Candidate("graphgrad", OURS, ours(x, w, b, backward)),
                      Candidate("torch", REFERENCE, torch_ref(x, w, b, backward))]
        results += compare(name, candidates, rounds, warmup=3)
    return results


if __name__ == "__main__":
    script_main(run)
