"""CuPy on a CUDA GPU against numpy: MLP and CNN training steps over widths and batch sizes.

    python benchmarks/gpu.py [--quick] [--widths 256,1024,4096] [--batches 16,128,1024,8192]
                             [--warmup 5] [--repeats 20] [--out benchmarks/results/gpu.json]

For every model, width and batch size, one training step (forward, cross-entropy,
backward, SGD update) of the same float32 model is timed on ``"cpu"`` (numpy, wall
clock) and on ``"cuda"`` (CuPy, CUDA events around the step, after ``--warmup`` untimed
steps so kernels are compiled and memory pooled); the median of ``--repeats`` is kept.
The report gives, per model and width, the crossover: the smallest batch from which the
GPU is faster. The per-op overhead is the time per op of a chain of tiny (one-element)
ops, forward and backward: the fixed cost a GPU pays per kernel launch, which decides
how large a batch must be before the GPU wins. Results go to ``--out`` as JSON.

Without CuPy or a visible CUDA device it says so and exits with status 0: there is
nothing to measure (install with ``pip install -e '.[gpu]'`` on a machine with an
NVIDIA GPU).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import graphgrad as gg
from graphgrad import nn

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "gpu.json"
WIDTHS = {"mlp": [256, 1024, 4096], "cnn": [16, 32, 64]}   # hidden units / channels
BATCHES = [16, 128, 1024, 8192]
QUICK = {"widths": {"mlp": [256, 1024], "cnn": [16]}, "batches": [16, 256]}
CHAIN = 200  # ops in the per-op overhead chain


def cuda_status() -> str | None:
    """None when CuPy sees a CUDA device; otherwise why not (one line)."""
    try:
        import cupy  # noqa: PLC0415 - optional
    except ImportError as exc:
        return f"CuPy is not installed ({exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001 - any CUDA runtime failure means no GPU here
        return f"CuPy sees no CUDA device ({type(exc).__name__}: {exc})"
    return None if count > 0 else "CuPy sees no CUDA device (0 devices)"


# ---------------------------------------------------------------- the workloads
def mlp_step(width: int, batch: int, device: str) -> Callable[[], None]:
    """One SGD step of Linear(width, width)-ReLU-Linear(width, width)-ReLU-Linear(width, 10)."""
    gg.manual_seed(0)
    model = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10)).to(device)
    rng = np.random.default_rng(0)
    x = gg.tensor(rng.standard_normal((batch, width), dtype=np.float32), device=device)
    y = gg.tensor(rng.integers(0, 10, batch), device=device)
    return _step(model, x, y)


def cnn_step(channels: int, batch: int, device: str) -> Callable[[], None]:
    """One SGD step of two 3x3 Conv2d-ReLU-MaxPool2d blocks and a Linear on 32x32 RGB images."""
    gg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(channels * 8 * 8, 10)).to(device)
    rng = np.random.default_rng(0)
    x = gg.tensor(rng.standard_normal((batch, 3, 32, 32), dtype=np.float32), device=device)
    y = gg.tensor(rng.integers(0, 10, batch), device=device)
    return _step(model, x, y)


def _step(model: nn.Module, x: gg.Tensor, y: gg.Tensor) -> Callable[[], None]:
    opt = nn.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    step.model = model  # type: ignore[attr-defined]  # for tests: the weights it trains
    return step


def op_chain(device: str) -> Callable[[], None]:
    """``CHAIN`` one-element multiply-adds, forward and backward: per-op fixed cost."""
    x = gg.tensor(np.ones(1, dtype=np.float32), requires_grad=True, device=device)

    def chain() -> None:
        y = x
        for _ in range(CHAIN // 2):
            y = y * 1.0001 + 0.5
        y.sum().backward()
    return chain


STEPS = {"mlp": mlp_step, "cnn": cnn_step}


# ---------------------------------------------------------------- timers
def time_cpu(fn: Callable[[], None], warmup: int, repeats: int) -> float:
    """Median wall-clock milliseconds of ``fn()`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def time_cuda(fn: Callable[[], None], warmup: int, repeats: int) -> float:
    """Median milliseconds of ``fn()`` between two CUDA events, after ``warmup`` calls."""
    import cupy  # noqa: PLC0415 - optional

    for _ in range(warmup):
        fn()
    cupy.cuda.Device().synchronize()
    times = []
    for _ in range(repeats):
        start, end = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(cupy.cuda.get_elapsed_time(start, end))
    return statistics.median(times)


TIMERS = {"cpu": time_cpu, "cuda": time_cuda}


# ---------------------------------------------------------------- measuring and reporting
def measure(model: str, width: int, batch: int, devices: list[str], warmup: int,
            repeats: int) -> dict[str, Any]:
    """One row: milliseconds per step on each device, and numpy's time over each device's."""
    row: dict[str, Any] = {"model": model, "width": width, "batch": batch}
    for device in devices:
        row[f"{device}_ms"] = TIMERS[device](STEPS[model](width, batch, device), warmup, repeats)
    for device in devices:
        if device != "cpu" and "cpu_ms" in row:
            row[f"{device}_speedup"] = row["cpu_ms"] / row[f"{device}_ms"]
    return row


def crossover(rows: list[dict[str, Any]], device: str = "cuda") -> dict[str, dict[str, Any]]:
    """Per model and width, the smallest batch from which ``device`` beats numpy (None: never).

    "From which" means at that batch and every larger one measured.

    Examples
    --------
    >>> rows = [{"model": "mlp", "width": 8, "batch": b, "cpu_ms": c, "cuda_ms": 2.0}
    ...         for b, c in ((1, 1.0), (10, 3.0), (100, 9.0))]
    >>> crossover(rows)
    {'mlp': {'8': 10}}
    """
    found: dict[str, dict[str, Any]] = {}
    for model in dict.fromkeys(r["model"] for r in rows):
        for width in dict.fromkeys(r["width"] for r in rows if r["model"] == model):
            mine = sorted((r for r in rows if r["model"] == model and r["width"] == width),
                          key=lambda r: r["batch"])
            wins = [r[f"{device}_ms"] < r["cpu_ms"] for r in mine]
            first = None
            for index in range(len(mine)):
                if all(wins[index:]):
                    first = mine[index]["batch"]
                    break
            found.setdefault(model, {})[str(width)] = first
    return found


def per_op_overhead(devices: list[str], warmup: int, repeats: int) -> dict[str, float]:
    """Microseconds per tiny op (forward and backward) on each device."""
    return {device: TIMERS[device](op_chain(device), warmup, repeats) * 1e3 / CHAIN
            for device in devices}


def environment() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {"python": platform.python_version(), "numpy": np.__version__,
                            "machine": platform.machine(), "cpus": os.cpu_count()}
    try:
        info["loadavg"] = os.getloadavg()
    except OSError:
        pass
    try:
        import cupy  # noqa: PLC0415 - optional

        info["cupy"] = cupy.__version__
        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        info["gpu"] = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    except Exception:  # noqa: BLE001 - absent CuPy or GPU: the report says cpu only
        pass
    return info


def run(widths: dict[str, list[int]], batches: list[int], devices: list[str], warmup: int,
        repeats: int, out: Path | None = None) -> dict[str, Any]:
    """Measure every model, width and batch on ``devices``; write JSON to ``out``; return it."""
    rows = []
    for model, sizes in widths.items():
        for width in sizes:
            for batch in batches:
                row = measure(model, width, batch, devices, warmup, repeats)
                rows.append(row)
                print("  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in row.items()), flush=True)
    report = {"environment": environment(), "devices": devices, "warmup": warmup,
              "repeats": repeats, "rows": rows,
              "crossover": {d: crossover(rows, d) for d in devices if d != "cpu"},
              "per_op_us": per_op_overhead(devices, warmup, repeats)}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
    return report


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, check for CUDA, measure; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python benchmarks/gpu.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two widths, two batch sizes")
    parser.add_argument("--widths", default=None, help="MLP widths, comma-separated")
    parser.add_argument("--channels", default=None, help="CNN channel counts, comma-separated")
    parser.add_argument("--batches", default=None, help="batch sizes, comma-separated")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    parser.add_argument("--repeats", type=int, default=20, help="timed steps (median kept)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    args = parser.parse_args(argv)
    reason = cuda_status()
    if reason is not None:
        print(f"benchmarks/gpu.py: no CUDA GPU to measure: {reason}. Nothing was timed. On a "
              "machine with an NVIDIA GPU: pip install -e '.[gpu]' && python benchmarks/gpu.py")
        return 0
    widths = dict(QUICK["widths"] if args.quick else WIDTHS)
    if args.widths:
        widths["mlp"] = _ints(args.widths)
    if args.channels:
        widths["cnn"] = _ints(args.channels)
    batches = _ints(args.batches) if args.batches else (QUICK["batches"] if args.quick
                                                        else BATCHES)
    report = run(widths, batches, ["cpu", "cuda"], args.warmup, args.repeats, args.out)
    print(json.dumps({"crossover": report["crossover"], "per_op_us": report["per_op_us"]}))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
