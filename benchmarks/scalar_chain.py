"""A chain of 1,000,000 scalar ops, forward and backward: time and peak memory per op.

graphgrad's ``Scalar`` (and, as a second entry, graphgrad's 0-d ``Tensor``) against
PyTorch on 0-d tensors. A recursive topological sort dies near 1,000 deep; this chain
checks the iterative one completes, and what each node costs.

Memory is measured in a fresh child process per candidate, so that memory freed by an
earlier run (kept by the allocator) cannot hide the cost: after imports and a small
warm-up chain, the peak resident set size is reset (``/proc/self/clear_refs``), the chain
is built and differentiated, and (peak RSS - RSS before) / ops is reported. This sees
every allocation, Python objects and torch's C++ nodes alike.

    python -m benchmarks.scalar_chain [--tiny] [--rounds N]
"""
import json
import subprocess
import sys
from pathlib import Path

from .harness import OURS, REFERENCE, Candidate, Unavailable, compare, require, script_main
from .tiny_chain import chain

NAME = "scalar_chain"
N_OPS = {"full": 1_000_000, "tiny": 10_000}
ROUNDS = 3
TARGETS = {(NAME, "graphgrad", "torch"): 1.0, (NAME + ".memory", "graphgrad", "torch"): 1.0,
           (NAME, "graphgrad-0d", "torch"): 1.0,  # issue 20: 0-d Tensors at torch's speed
           (NAME + ".memory", "graphgrad-0d", "torch"): 1.0}


def _graphgrad_scalar():
    Scalar = require("graphgrad.autograd", "Scalar").Scalar
    return lambda: Scalar(0.5), lambda s: s.tanh(), lambda out, leaf: (out.data, leaf.grad)


def _graphgrad_tensor():
    ag = require("graphgrad.autograd", "Tensor", "tanh")
    import numpy as np
    return (lambda: ag.Tensor(np.array(0.5), requires_grad=True), ag.tanh,
            lambda out, leaf: (out.item(), leaf.grad.item()))


def _torch():
    torch = require("torch")
    return (lambda: torch.tensor(0.5, dtype=torch.float64, requires_grad=True), torch.tanh,
            lambda out, leaf: (out.item(), leaf.grad.item()))


KINDS = {"graphgrad": (OURS, _graphgrad_scalar), "graphgrad-0d": (OURS, _graphgrad_tensor),
         "torch": (REFERENCE, _torch)}


def make_step(kind, n_ops):
    """The timed call: a fresh leaf, ``n_ops`` ops (tiny_chain's cycle), backward."""
    leaf_fn, tanh, read = KINDS[kind][1]()

    def step(n=n_ops):
        leaf = leaf_fn()
        out = chain(leaf, 0.999, n, tanh)
        out.backward()
        return read(out, leaf)[0]

    step(1000)  # warm up lazily initialised machinery on a short chain, untimed
    return step


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def measure_memory_here(kind, n_ops):
    """Peak bytes per op of one forward+backward, in this process (see module docstring)."""
    make_step(kind, 1000)
    leaf_fn, tanh, read = KINDS[kind][1]()
    before = _rss_kib("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
        peak_field = "VmHWM"
    except OSError:
        peak_field = "VmRSS"  # no reset: the RSS with the graph alive is the peak
    leaf = leaf_fn()
    out = chain(leaf, 0.999, n_ops, tanh)
    alive = _rss_kib("VmRSS")
    out.backward()
    peak = max(alive, _rss_kib(peak_field)) if peak_field == "VmHWM" else alive
    read(out, leaf)
    return (peak - before) * 1024 / n_ops


def measure_memory(kind, n_ops):
    """Run ``measure_memory_here`` in a fresh interpreter; bytes per op, or None on failure."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "benchmarks.scalar_chain", "--memory", kind,
                           "--n", str(n_ops)], capture_output=True, text=True, cwd=root,
                          timeout=1200)
    if proc.returncode != 0:
        print(f"  note: {NAME}: memory of {kind} not measured: {proc.stderr.strip()[-300:]}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["bytes_per_op"]


def run(size="full", rounds=ROUNDS, memory=True):
    n_ops = N_OPS[size]
    candidates = [Candidate(kind, role, lambda kind=kind: make_step(kind, n_ops))
                  for kind, (role, _) in KINDS.items()]
    results = compare(NAME, candidates, rounds, warmup=0, ops=n_ops)
    for res in results:
        if memory and not res.skipped:
            res.bytes_per_op = measure_memory(res.candidate, n_ops)
    return results


def _child(argv):
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory", choices=sorted(KINDS), required=True)
    parser.add_argument("--n", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        print(json.dumps({"bytes_per_op": measure_memory_here(args.memory, args.n)}))
    except Unavailable as exc:
        sys.exit(f"{args.memory} unavailable: {exc}")


if __name__ == "__main__":
    if "--memory" in sys.argv:
        _child(sys.argv[1:])
    else:
        script_main(run)
