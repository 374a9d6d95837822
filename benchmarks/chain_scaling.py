"""Chains of 10^3 to 10^5 scalar ops (10^6 with ``--long``): time and bytes per op as they grow.

The same chain as ``scalar_chain`` (tiny_chain's cycle of ``* w``, ``+ 0.01``, ``tanh``,
``* 1.5`` on one number, then backward) at several lengths, for graphgrad's ``Scalar``,
graphgrad's 0-d ``Tensor`` and PyTorch's 0-d tensor: a cost per op that grows with the
length (a quadratic step, a cache falling over) shows up as a rising row. Bytes per op
are measured as in ``scalar_chain`` (peak RSS of one forward+backward in a fresh process)
from 10^4 ops up: a shorter graph fits in pages the process already holds.
The default run stops at 10^5 ops; ``python -m benchmarks --long`` adds the 10^6 point.

    python -m benchmarks.chain_scaling [--tiny] [--rounds N]
"""
from . import scalar_chain
from .harness import Candidate, compare, script_main

NAME = "chain_scaling"
N_OPS = {"tiny": [100, 1_000], "full": [1_000, 10_000, 100_000],
         "long": [1_000, 10_000, 100_000, 1_000_000]}
ROUNDS = 5
FEWER_ROUNDS = {100_000: 2, 1_000_000: 1}  # a 10^6 chain takes seconds per call
EXTRA_SIZES = ("long",)  # python -m benchmarks --long runs this size
# NOTE: a child process per point, so not in tiny; and not below 10^4 ops, where the graph
# fits in the pages the warm-up left resident and RSS cannot see it
MEMORY_FROM = {"tiny": None, "full": 10_000, "long": 10_000}


def workload(n_ops):
    """The row name of the chain of ``n_ops`` ops."""
    return f"{NAME}@{n_ops:.0e}".replace("e+0", "e")


TARGETS = {key: 1.0 for n in N_OPS["long"]
           for key in [(workload(n), "graphgrad", "torch"), (workload(n), "graphgrad-0d", "torch"),
                       (workload(n) + ".memory", "graphgrad", "torch"),
                       (workload(n) + ".memory", "graphgrad-0d", "torch")]}


def run(size="full", rounds=ROUNDS):
    results = []
    for n_ops in N_OPS[size]:
        candidates = [Candidate(kind, role, lambda kind=kind, n=n_ops: scalar_chain.make_step(
            kind, n)) for kind, (role, _) in scalar_chain.KINDS.items()]
        found = compare(workload(n_ops), candidates, min(rounds, FEWER_ROUNDS.get(n_ops, rounds)),
                        warmup=0 if n_ops in FEWER_ROUNDS else 1, ops=n_ops)
        for res in found:
            if MEMORY_FROM[size] is not None and n_ops >= MEMORY_FROM[size] and not res.skipped:
                res.bytes_per_op = scalar_chain.measure_memory(res.candidate, n_ops)
        results += found
    return results


if __name__ == "__main__":
    script_main(run)
