"""MLP 784-512-256-10, batch 128, float32: one SGD step (forward, cross-entropy, backward, update).

graphgrad against the same step written by hand in numpy (the speed limit of a
numpy-backed engine) and PyTorch eager, all from the same initial weights and batch.

    python -m benchmarks.mlp_step [--tiny] [--rounds N]
"""
import numpy as np

from . import numpy_mlp
from .frameworks import training_candidates
from .harness import REFERENCE, Candidate, compare, script_main

NAME = "mlp_step"
SIZES = {"full": ([784, 512, 256, 10], 128), "tiny": ([20, 16, 8, 4], 8)}
ROUNDS = 100
LR = 0.01
TARGETS = {(NAME, "graphgrad", "numpy"): 1.10, (NAME, "graphgrad", "torch"): 1.0}


def make_problem(size="full", dtype=np.float32, seed=0, batch=None):
    """Seeded weights (a list of ``(W, b)``), a batch of inputs and integer labels.

    ``batch`` overrides the size's batch (the weights do not depend on it).
    """
    sizes, default_batch = SIZES[size]
    batch = default_batch if batch is None else batch
    rng = np.random.default_rng(seed)
    params = numpy_mlp.init_params(sizes, rng, dtype)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], batch)
    return params, x, y


def state_dict(params):
    """The weights under the names PyTorch gives a Sequential(Linear, ReLU, ..., Linear)."""
    return {f"{2 * i}.{kind}": array for i, (W, b) in enumerate(params)
            for kind, array in (("weight", W), ("bias", b))}


def build_model(nn, params):
    """Sequential(Linear, ReLU, Linear, ReLU, Linear) shaped like ``params``, in ``nn``."""
    layers = []
    for i, (W, _) in enumerate(params):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(W.shape[1], W.shape[0]))
    return nn.Sequential(*layers)


def candidates(params, x, y):
    """graphgrad, numpy by hand and PyTorch, each one SGD step on its own copy of ``params``."""
    def numpy_setup():
        own = [(W.copy(), b.copy()) for W, b in params]
        return lambda: numpy_mlp.train_step(own, x, y, LR)

    found = training_candidates(["Linear", "ReLU"], lambda nn: build_model(nn, params),
                                state_dict(params), x, y, LR)
    found.insert(1, Candidate("numpy", REFERENCE, numpy_setup))
    return found


def run(size="full", rounds=ROUNDS):
    return compare(NAME, candidates(*make_problem(size)), rounds, warmup=5)


if __name__ == "__main__":
    script_main(run)
