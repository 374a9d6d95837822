"""A chain of 1,000 tiny ops on 16 floats, forward and backward: the cost of one op's overhead.

With 16 numbers per op the arithmetic is nothing; what is measured is dispatch, graph
recording and the backward loop, per op. References: PyTorch (forward and backward) and
raw numpy (forward only, no autograd: the floor of one numpy call).

    python -m benchmarks.tiny_chain [--tiny] [--rounds N]
"""
import numpy as np

from .harness import OURS, REFERENCE, Candidate, compare, require, script_main

NAME = "tiny_chain"
N_OPS = {"full": 1000, "tiny": 40}
WIDTH = 16
ROUNDS = 100
TARGETS = {(NAME, "graphgrad", "torch"): 1.5}


def chain(x, w, n_ops, tanh):
    """``n_ops`` elementwise ops, cycling ``* w``, ``+ 0.01``, ``tanh``, ``* 1.5``.

    The same code runs on numpy arrays, graphgrad Tensors and torch tensors. The cycle
    keeps values bounded, so a long chain neither overflows nor collapses to zero.
    """
    for i in range(n_ops):
        kind = i % 4
        if kind == 0:
            x = x * w
        elif kind == 1:
            x = x + 0.01
        elif kind == 2:
            x = tanh(x)
        else:
            x = x * 1.5
    return x


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, WIDTH).astype(np.float32)
    w = rng.uniform(0.9, 1.1, WIDTH).astype(np.float32)
    return x, w


def run(size="full", rounds=ROUNDS):
    n_ops = N_OPS[size]
    x0, w0 = _inputs()

    def graphgrad_setup():
        ag = require("graphgrad.autograd", "Tensor", "tensor", "tanh")
        w = ag.tensor(w0)

        def step():
            x = ag.Tensor(x0.copy(), requires_grad=True)
            out = chain(x, w, n_ops, ag.tanh).sum()
            out.backward()
            return out.item()
        return step

    def torch_setup():
        torch = require("torch")
        w = torch.from_numpy(w0)

        def step():
            x = torch.tensor(x0, requires_grad=True)
            out = chain(x, w, n_ops, torch.tanh).sum()
            out.backward()
            return out.item()
        return step

    def numpy_setup():
        return lambda: float(chain(x0, w0, n_ops, np.tanh).sum())

    candidates = [Candidate("graphgrad", OURS, graphgrad_setup),
                  Candidate("torch", REFERENCE, torch_setup),
                  Candidate("numpy-forward", REFERENCE, numpy_setup)]
    return compare(NAME, candidates, rounds, warmup=5, ops=n_ops)


if __name__ == "__main__":
    script_main(run)
