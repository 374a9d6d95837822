"""Run candidates alternately in one process and report medians, ratios and the machine.

Each workload gives a list of ``Candidate``s (graphgrad and its references). ``compare``
sets each up, runs warm-up rounds, then ``rounds`` rounds in which every candidate is timed
once, the order rotated each round, so drift on a noisy machine (frequency, other
processes, page cache) falls on all candidates alike. Only ratios taken in one run count.

Garbage collection stays as users run it (on), except for a candidate marked
``gc_off=True``, whose timed call runs inside ``gc.disable()``. Before every timed call an
untimed ``gc.collect()`` clears the cyclic garbage left by the previous call, so one
candidate's garbage is never collected on another candidate's clock; collections that a
call triggers while it runs are timed.
"""
import dataclasses
import gc
import importlib
import importlib.metadata
import json
import operator
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
OURS = "ours"
REFERENCE = "reference"


class Unavailable(ImportError):
    """A candidate cannot run here: its package, or a name in it, is missing."""


def require(module_name, *names):
    """Import ``module_name`` and check it has ``names`` (dotted), or raise Unavailable.

    >>> nn = require("graphgrad.nn", "Linear", "optim.SGD")  # doctest: +SKIP
    """
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - a package mid-edit may fail in any way on import
        raise Unavailable(f"cannot import {module_name} ({type(exc).__name__}: {exc})") from exc
    for name in names:
        obj = module
        for part in name.split("."):
            if not hasattr(obj, part):
                try:  # a submodule not imported by its package's __init__
                    obj = importlib.import_module(f"{obj.__name__}.{part}")
                    continue
                except (ImportError, AttributeError):
                    raise Unavailable(f"{module_name}.{name} does not exist yet") from None
            obj = getattr(obj, part)
    return module


@dataclass
class Candidate:
    """One contender in a workload: ``setup()`` builds it and returns the step to time.

    The step returns a Python float (the loss, or the chain's output), so that the graph
    is freed inside the timed call and the first value can be compared across candidates.
    """

    name: str
    role: str
    setup: object
    gc_off: bool = False


@dataclass
class Result:
    """Timing of one candidate on one workload (seconds per call; None when skipped)."""

    workload: str
    candidate: str
    role: str
    median: float | None
    q1: float | None = None
    q3: float | None = None
    rounds: int = 0
    ops: int = 1                    # ops per call: per-op figures are median / ops
    first_value: float | None = None  # what the first call returned (loss), same weights
    bytes_per_op: float | None = None
    peak_rss: float | None = None     # bytes: peak resident set of the candidate's own process
    note: str = ""
    gc_off: bool = False              # timed with the cycle collector off

    @property
    def skipped(self):
        return self.median is None

    @property
    def iqr(self):
        return None if self.skipped else self.q3 - self.q1

    @property
    def per_op(self):
        return None if self.skipped else self.median / self.ops


def _time_once(step, gc_off):
    gc.collect()
    was_enabled = gc.isenabled()
    if gc_off:
        gc.disable()
    try:
        start = time.perf_counter()
        value = step()
        elapsed = time.perf_counter() - start
    finally:
        if gc_off and was_enabled:
            gc.enable()
    return elapsed, value


def _as_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def compare(workload, candidates, rounds, warmup=2, ops=1):
    """Time ``candidates`` alternately; return one Result per candidate (skipped ones too)."""
    if rounds < 1:
        raise ValueError(f"compare: rounds must be at least 1, got {rounds}")
    steps, results = {}, {}
    for cand in candidates:
        try:
            steps[cand.name] = cand.setup()
        except ImportError as exc:
            print(f"  note: {workload}: skipping {cand.name}: {exc}", flush=True)
            results[cand.name] = Result(workload, cand.name, cand.role, None,
                                        note=f"skipped: {exc}")
    by_name = {cand.name: cand for cand in candidates}
    order = list(steps)
    times = {name: [] for name in order}
    first = {}
    for rnd in range(warmup + rounds):
        shift = rnd % len(order) if order else 0
        for name in order[shift:] + order[:shift]:
            elapsed, value = _time_once(steps[name], by_name[name].gc_off)
            first.setdefault(name, _as_float(value))
            if rnd >= warmup:
                times[name].append(elapsed)
    for name in order:
        sample = sorted(times[name])
        q1, _, q3 = (statistics.quantiles(sample, n=4, method="inclusive")
                     if len(sample) > 1 else (sample[0],) * 3)
        results[name] = Result(workload, name, by_name[name].role, statistics.median(sample),
                               q1, q3, len(sample), ops, first[name],
                               gc_off=by_name[name].gc_off)
    return [results[cand.name] for cand in candidates]


# ---------------------------------------------------------------------------- printing

def format_time(seconds):
    """Seconds in the unit that keeps three significant digits readable."""
    if seconds is None:
        return "skipped"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def _figure(res):
    if res.skipped:
        return "skipped"
    if res.ops > 1:
        return f"{format_time(res.per_op)}/op"
    return format_time(res.median)


def ratios(results, key=lambda r: r.median):
    """(ours, reference, ours/reference) for every measured pair run alike.

    A candidate timed with the cycle collector off is compared only with references
    timed that way too, and one run as users run it only with those run as users run them.
    """
    ours = [r for r in results if r.role == OURS and key(r) is not None]
    refs = [r for r in results if r.role == REFERENCE and key(r)]
    return [(o, r, key(o) / key(r)) for o in ours for r in refs if o.gc_off == r.gc_off]


def _agree(values, rtol=1e-3):
    """Whether the first values (losses on the same weights) agree to float32 rounding."""
    ref = values[0]
    return all(abs(v - ref) <= rtol * max(abs(ref), 1e-12) for v in values)


def _per_op_bytes(value):
    return f"{value:.0f} B/op"


def _mebibytes(value):
    return f"{value / 2**20:.0f} MiB"


# (row suffix, Result attribute, formatter) of the figures other than time
_SIZE_FIGURES = (("memory", "bytes_per_op", _per_op_bytes), ("rss", "peak_rss", _mebibytes))


def summary_lines(results):
    """One line per workload: each candidate's median, then graphgrad / each reference."""
    lines = []
    for workload in dict.fromkeys(r.workload for r in results):
        group = [r for r in results if r.workload == workload]
        parts = [workload] + [f"{r.candidate}={_figure(r)}" for r in group]
        parts += [f"ratio({o.candidate}/{r.candidate})={x:.2f}" for o, r, x in ratios(group)]
        lines.append("  ".join(parts))
        firsts = {r.candidate: r.first_value for r in group if r.first_value is not None}
        if firsts and not _agree(list(firsts.values())):
            lines.append(f"{workload}  WARNING: not like for like, first values differ: "
                         + "  ".join(f"{k}={v:.6g}" for k, v in firsts.items()))
        for suffix, attr, unit in _SIZE_FIGURES:
            key = operator.attrgetter(attr)
            if any(key(r) is not None for r in group):
                line = [f"{workload}.{suffix}"]
                line += [f"{r.candidate}={unit(key(r))}" for r in group if key(r) is not None]
                line += [f"ratio({o.candidate}/{r.candidate})={x:.2f}"
                         for o, r, x in ratios(group, key=key)]
                lines.append("  ".join(line))
    return lines


def print_results(results):
    for line in summary_lines(results):
        print(line, flush=True)


# ------------------------------------------------------------------------- the machine

def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_info():
    import numpy as np
    try:
        from threadpoolctl import threadpool_info
        return {"source": "threadpoolctl", "libraries": threadpool_info()}
    except ImportError:
        pass
    try:
        config = np.show_config(mode="dicts")
        return {"source": "numpy.show_config", "blas": config["Build Dependencies"]["blas"]}
    except (TypeError, KeyError):
        return {"source": "unknown"}


def _git_commit():
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parent, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info():
    """What the figures were measured on: CPU, cores, versions, BLAS and its environment."""
    import numpy as np
    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": _version("torch"),
        "micrograd": _version("micrograd"),
        "graphgrad_commit": _git_commit(),
        # NOTE: a load above ~1 on 2 cores means other processes shared the run, and
        # multi-threaded BLAS then waits on descheduled threads: trust only the ratios.
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "blas": _blas_info(),
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                           "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                if k in os.environ},
    }
    torch = sys.modules.get("torch")  # only when a workload imported it
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    return info


def _blas_summary(blas):
    libs = blas.get("libraries")
    if libs:
        return ", ".join(f"{lib.get('internal_api')} {lib.get('version')} "
                         f"{lib.get('architecture')} x{lib.get('num_threads')}"
                         for lib in libs if lib.get("user_api") == "blas") or "none found"
    return str(blas.get("blas", {}).get("name", "unknown"))


# ----------------------------------------------------------------------------- writing

def write_json(results, machine, path, date):
    payload = {"date": date, "machine": machine,
               "results": [dataclasses.asdict(r) | {"per_op": r.per_op} for r in results]}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def markdown(results, machine, date, targets=None):
    """A Markdown table: one row per (graphgrad, reference) pair, with the target if any."""
    targets = targets or {}
    env = ", ".join(f"{k}={v}" for k, v in machine["env"].items()) or "none set"
    lines = [
        f"Measured {date} on {machine['cpu']}, {machine['cores']} cores; Python "
        f"{machine['python']}, numpy {machine['numpy']} (BLAS: "
        f"{_blas_summary(machine['blas'])}; OpenBLAS env: {env}), torch {machine['torch']}, "
        f"micrograd {machine['micrograd']}, graphgrad {machine['graphgrad_commit']}.",
        f"Load average at the end: {machine['load_average']}. Medians of rounds run "
        "alternately in one process; ratio = graphgrad / reference.",
        "",
        "| workload | graphgrad | reference | reference median | ratio | target |",
        "|---|---|---|---|---|---|",
    ]
    for workload in dict.fromkeys(r.workload for r in results):
        group = [r for r in results if r.workload == workload]
        pairs = ratios(group)
        shown = {r.candidate for o, r, _ in pairs} | {o.candidate for o, _, _ in pairs}
        for ours, ref, ratio in pairs:
            label = workload if ours.candidate == "graphgrad" else (
                f"{workload} ({ours.candidate})")
            target = targets.get((workload, ours.candidate, ref.candidate))
            verdict = "" if target is None else (
                f"<= {target:g}x {'met' if ratio <= target else 'missed'}")
            lines.append(f"| {label} | {_figure(ours)} | {ref.candidate} | {_figure(ref)} "
                         f"| {ratio:.2f}x | {verdict} |")
            for suffix, attr, unit in _SIZE_FIGURES:
                mine, theirs = getattr(ours, attr), getattr(ref, attr)
                if mine is None or not theirs:
                    continue
                ratio = mine / theirs
                target = targets.get((f"{workload}.{suffix}", ours.candidate, ref.candidate))
                verdict = "" if target is None else (
                    f"<= {target:g}x {'met' if ratio <= target else 'missed'}")
                name = "memory" if suffix == "memory" else "peak RSS"
                lines.append(f"| {label} {name} | {unit(mine)} | {ref.candidate} "
                             f"| {unit(theirs)} | {ratio:.2f}x | {verdict} |")
        for res in group:
            if res.candidate not in shown:
                mem = "" if res.bytes_per_op is None else f", {res.bytes_per_op:.0f} B/op"
                if res.role == OURS and not res.skipped:  # graphgrad alone: its own column
                    lines.append(f"| {workload} ({res.candidate}) | {_figure(res)}{mem} "
                                 "| | | | |")
                    continue
                lines.append(f"| {workload} | | {res.candidate} ({res.role}) "
                             f"| {_figure(res)}{mem} | | |")
    return "\n".join(lines) + "\n"


def write_reports(results, out_dir=RESULTS_DIR, targets=None):
    """Write ``latest.json`` and ``latest.md`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    date = time.strftime("%Y-%m-%d %H:%M %Z")
    machine = machine_info()
    json_path, md_path = out_dir / "latest.json", out_dir / "latest.md"
    write_json(results, machine, json_path, date)
    md_path.write_text(markdown(results, machine, date, targets))
    return json_path, md_path


def script_main(run, argv=None):
    """Command line of one workload: ``python -m benchmarks.<name> [--tiny] [--rounds N]``."""
    import argparse
    parser = argparse.ArgumentParser(description=(run.__module__ or "").split(".")[-1])
    parser.add_argument("--tiny", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per candidate")
    args = parser.parse_args(argv)
    kwargs = {} if args.rounds is None else {"rounds": args.rounds}
    results = run(size="tiny" if args.tiny else "full", **kwargs)
    print_results(results)
    return results


def copy_weights(model, arrays, convert):
    """Set every parameter of ``model`` to ``convert(arrays[name].copy())``, names PyTorch's.

    Raises KeyError naming the difference when the model's parameter names are not the
    arrays' names, so that a like-for-like comparison never runs on partial weights.
    """
    named = dict(model.named_parameters())
    if set(named) != set(arrays):
        raise KeyError(f"parameter names differ: model has {sorted(named)}, "
                       f"weights have {sorted(arrays)}")
    for name, param in named.items():
        param.data = convert(arrays[name].copy())
    return model
