"""mlp_step's model and SGD step at batch sizes 16 to 2048: the fixed cost per step shows at 16.

The same 784-512-256-10 MLP, weights and step as ``mlp_step``, against numpy by hand and
PyTorch at each batch size: at batch 16 the GEMMs are small and what graphgrad adds per
step (recording, dispatch, the optimizer's loop) is a visible share; at 2048 the GEMMs
dominate and every candidate should converge on BLAS's time.

    python -m benchmarks.mlp_batches [--tiny] [--rounds N]
"""
from . import mlp_step
from .harness import compare, script_main

NAME = "mlp_batches"
BATCHES = {"full": [16, 64, 256, 1024, 2048], "tiny": [2, 8]}
ROUNDS = 40


def workload(batch):
    """The row name of batch size ``batch``."""
    return f"{NAME}@{batch}"


# issue 20: within 5% of numpy by hand at batch 16-64, and at or ahead of PyTorch throughout
TARGETS = {(workload(b), "graphgrad", "numpy"): 1.05 for b in (16, 64)}
TARGETS.update({(workload(b), "graphgrad", "torch"): 1.0 for b in BATCHES["full"]})


def run(size="full", rounds=ROUNDS):
    results = []
    for batch in BATCHES[size]:
        params, x, y = mlp_step.make_problem(size, batch=batch)
        results += compare(workload(batch), mlp_step.candidates(params, x, y), rounds,
                           warmup=3)
    return results


if __name__ == "__main__":
    script_main(run)
