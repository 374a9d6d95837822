"""Peak resident memory of a 2,000-step Adam training loop, graphgrad against PyTorch.

mlp_step's MLP (784-512-256-10, batch 128, float32) trained with Adam for 2,000 steps,
each framework in its own fresh interpreter (so neither pays for the other's imports or
allocator pools): the child reports its peak RSS (``VmHWM``: imports, model, optimizer
state and the loop's high-water mark, everything a user's process would hold) and the
loop's time per step. Same weights and batch, so the first losses agree.

    python -m benchmarks.training_rss [--tiny] [--rounds N]
"""
import json
import subprocess
import sys
import time
from pathlib import Path

from . import mlp_step
from .frameworks import FRAMEWORKS
from .harness import Result, Unavailable, copy_weights, script_main

NAME = "training_rss"
STEPS = {"full": 2_000, "tiny": 5}
LR = 1e-3
TARGETS = {(NAME + ".rss", "graphgrad", "torch"): 1.0}


def _peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("/proc/self/status has no VmHWM")


def train_here(framework, size, steps):
    """Train in this process; return seconds per step, the first loss and the peak RSS."""
    factory = dict((name, f) for name, _, f in FRAMEWORKS)[framework]
    fw = factory("Linear", "ReLU")
    params, x, y = mlp_step.make_problem(size)
    model = copy_weights(mlp_step.build_model(fw.nn, params), mlp_step.state_dict(params),
                         fw.param_data)
    opt = fw.optim.Adam(model.parameters(), lr=LR)
    inputs, targets = fw.tensor(x), fw.tensor(y)
    cross_entropy = fw.nn.functional.cross_entropy
    first = None
    start = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = cross_entropy(model(inputs), targets)
        loss.backward()
        opt.step()
        value = loss.item()
        first = value if first is None else first
    seconds = (time.perf_counter() - start) / steps
    return {"seconds_per_step": seconds, "first_loss": first, "peak_rss": _peak_rss_bytes()}


def measure(framework, size, steps):
    """``train_here`` in a fresh interpreter; its JSON, or None (with a note) on failure."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "benchmarks.training_rss", "--child", framework,
                           "--size", size, "--steps", str(steps)], capture_output=True,
                          text=True, cwd=root, timeout=3600)
    if proc.returncode != 0:
        return None, proc.stderr.strip()[-300:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), ""


def run(size="full", rounds=1):
    """One child process per framework and round; the median of the rounds is reported."""
    steps = STEPS[size]
    results = []
    for name, role, _ in FRAMEWORKS:
        found, note = [], ""
        for _ in range(max(1, rounds)):
            payload, note = measure(name, size, steps)
            if payload is None:
                break
            found.append(payload)
        if not found:
            print(f"  note: {NAME}: skipping {name}: {note}", flush=True)
            results.append(Result(NAME, name, role, None, note=f"skipped: {note}"))
            continue
        times = sorted(p["seconds_per_step"] for p in found)
        rss = sorted(p["peak_rss"] for p in found)
        results.append(Result(NAME, name, role, times[len(times) // 2] * steps, times[0] * steps,
                              times[-1] * steps, len(found), ops=steps,
                              first_value=found[0]["first_loss"],
                              peak_rss=rss[len(rss) // 2]))
    return results


def _child(argv):
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--steps", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        print(json.dumps(train_here(args.child, args.size, args.steps)))
    except Unavailable as exc:
        sys.exit(f"{args.child} unavailable: {exc}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child(sys.argv[1:])
    else:
        script_main(run)
