"""One optimizer step alone (Adam; SGD with momentum), per parameter and fused (``foreach=``).

The parameters already hold their gradients, so only ``optimizer.step()`` is timed, for
two layouts: ``small`` (six float32 parameters of 4,096 elements, where numpy's call
overhead dominates) and ``mlp`` (mlp_step's 784-512-256-10 weights and biases, 535k
elements, where memory traffic does). graphgrad runs per parameter (``foreach=False``),
fused (``foreach=True``) and with the default (``foreach=None``, which fuses groups of
fewer than 32,768 elements); PyTorch runs with ``foreach=True``. This is the measurement
behind that default (``nn/optim/_multi_tensor.py``).

    python -m benchmarks.optim_step [--tiny] [--rounds N]
"""
import numpy as np

from . import mlp_step
from .harness import OURS, REFERENCE, Candidate, compare, require, script_main

NAME = "optim_step"
LAYOUTS = {"full": ["small", "mlp"], "tiny": ["tiny"]}
STEPS_PER_CALL = {"small": 50, "mlp": 5, "tiny": 2}
ROUNDS = 30
OPTIMIZERS = {"adam": ("Adam", {"lr": 1e-3}), "sgd": ("SGD", {"lr": 1e-3, "momentum": 0.9})}
TARGETS = {}


def workload(optimizer, layout):
    """The row name of ``optimizer`` (adam, sgd) on ``layout``."""
    return f"{NAME}@{optimizer}-{layout}"


def arrays(layout, seed=0):
    """The parameters' initial values and their gradients, float32."""
    if layout == "mlp":
        params, _, _ = mlp_step.make_problem("full")
        values = [a for pair in params for a in pair]
    else:
        rng = np.random.default_rng(seed)
        count, size = (6, 4096) if layout == "small" else (3, 8)
        values = [rng.standard_normal(size).astype(np.float32) for _ in range(count)]
    rng = np.random.default_rng(seed + 1)
    return values, [rng.standard_normal(v.shape).astype(np.float32) for v in values]


def _graphgrad(kind, kwargs, values, grads, foreach, steps):
    ag = require("graphgrad.autograd", "Tensor")
    optim = require("graphgrad.nn", "optim.SGD", "optim.Adam").optim
    params = [ag.Tensor(v.copy(), requires_grad=True) for v in values]
    for p, g in zip(params, grads):
        p.grad = ag.Tensor(g)
    opt = getattr(optim, kind)(params, foreach=foreach, **kwargs)
    return _stepper(opt, steps, lambda: float(params[0].data.reshape(-1)[0]))


def _torch(kind, kwargs, values, grads, steps):
    torch = require("torch")
    params = [torch.tensor(v, requires_grad=True) for v in values]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    opt = getattr(torch.optim, kind)(params, foreach=True, **kwargs)
    return _stepper(opt, steps, lambda: float(params[0].detach().reshape(-1)[0]))


def _stepper(opt, steps, first_element):
    def step():
        for _ in range(steps):
            opt.step()
        return first_element()
    return step


def candidates(kind, kwargs, values, grads, steps):
    """graphgrad with foreach None, False and True, and PyTorch, each on its own copy."""
    def ours(foreach):
        return lambda: _graphgrad(kind, kwargs, values, grads, foreach, steps)

    return [Candidate("graphgrad", OURS, ours(None)),
            Candidate("graphgrad-per-param", OURS, ours(False)),
            Candidate("graphgrad-fused", OURS, ours(True)),
            Candidate("torch", REFERENCE, lambda: _torch(kind, kwargs, values, grads, steps))]


def run(size="full", rounds=ROUNDS):
    results = []
    for layout in LAYOUTS[size]:
        values, grads = arrays(layout)
        steps = STEPS_PER_CALL[layout]
        for name, (kind, kwargs) in OPTIMIZERS.items():
            # NOTE: warmup=0: every call moves the weights, so the first values (after one
            # call of `steps` steps from the same start) are comparable across candidates
            results += compare(workload(name, layout),
                               candidates(kind, kwargs, values, grads, steps), rounds,
                               warmup=0, ops=steps)
    return results


if __name__ == "__main__":
    script_main(run)
