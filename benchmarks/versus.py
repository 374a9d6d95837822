"""graphgrad at this checkout against graphgrad at another commit, timed alternately in one run.

    python -m benchmarks.versus REF [--only tiny_chain,mlp_step] [--rounds 40] [--threads 1]

A change that touches every op (the device seam, a faster apply) must show that it did
not slow the numpy path; two separate benchmark runs on a shared machine differ by more
than the effect. So REF is built into a temporary folder (``pip install --target``), and
two worker processes (this checkout's graphgrad and REF's) hold the same workload's
graphgrad step, built by the same benchmark code (this checkout's ``benchmarks/``), and
take turns: each round times both, in alternating order, so load drifts hit both alike.
Prints the median time per step of each and the ratio now/REF with its quartiles.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT = "tiny_chain,mlp_step"

# The worker: builds the graphgrad candidate of a workload (capturing the candidates its
# run() hands to compare(), without timing the others), then times steps on request.
WORKER = r"""
import gc, json, sys, time, importlib
import graphgrad
print(json.dumps({"graphgrad": graphgrad.__file__}), flush=True)
steps = {}
for line in sys.stdin:
    command = json.loads(line)
    if command["do"] == "setup":
        module = importlib.import_module("benchmarks." + command["workload"])
        captured = []
        module.compare = lambda name, candidates, *a, **k: captured.extend(candidates) or []
        module.run(size=command["size"])
        ours = [c for c in captured if c.name == "graphgrad"][0]
        step = steps[command["workload"]] = ours.setup()
        for _ in range(command["warmup"]):
            step()
        print(json.dumps({"ok": True}), flush=True)
    else:
        step = steps[command["workload"]]
        gc.collect()
        start = time.perf_counter()
        step()
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
"""


def _load():
    return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])


def build(ref, into):
    """Install graphgrad at git ``ref`` (no dependencies) into the folder ``into``."""
    source = pathlib.Path(into) / "src"
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(pathlib.Path(into) / "site"), str(source)], check=True)
    return pathlib.Path(into) / "site"


class Worker:
    """One Python process holding one graphgrad's steps."""

    def __init__(self, site, threads, folder):
        env = dict(os.environ)
        # NOTE: the repository root is not put on the path: its graphgrad/ folder would shadow
        # the installed package; a folder holding only a link to benchmarks/ is.
        paths = ([str(site)] if site else []) + [str(folder)]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        if threads:
            for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                env[name] = str(threads)
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], env=env,
                                        cwd=tempfile.gettempdir(), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.graphgrad = self._read()["graphgrad"]

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a benchmark worker died; run the workload alone to see why")
        return json.loads(line)

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()


def race(workers, workload, size, rounds, warmup):
    """Alternate the workers on ``workload``; return each one's list of step times."""
    for worker in workers.values():
        worker.ask(do="setup", workload=workload, size=size, warmup=warmup)
    times = {name: [] for name in workers}
    names = list(workers)
    for rnd in range(rounds):
        for name in (names if rnd % 2 == 0 else names[::-1]):
            times[name].append(workers[name].ask(do="time", workload=workload)["seconds"])
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ref", help="the git commit (or branch) to compare this checkout with")
    parser.add_argument("--only", default=DEFAULT, help=f"workloads (default {DEFAULT})")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads per worker")
    parser.add_argument("--tiny", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        site = build(args.ref, folder)
        (pathlib.Path(folder) / "code").mkdir()
        (pathlib.Path(folder) / "code" / "benchmarks").symlink_to(ROOT / "benchmarks")
        code = pathlib.Path(folder) / "code"
        workers = {"now": Worker(None, args.threads, code),
                   args.ref: Worker(site, args.threads, code)}
        try:
            for name, worker in workers.items():
                print(f"# {name}: {worker.graphgrad}", flush=True)
            print(f"# load average {_load()}", flush=True)
            report = {}
            for workload in [w.strip() for w in args.only.split(",") if w.strip()]:
                times = race(workers, workload, "tiny" if args.tiny else "full", args.rounds,
                             args.warmup)
                now, then = times["now"], times[args.ref]
                ratios = sorted(a / b for a, b in zip(now, then))  # pairs timed back to back
                q1, median, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
                report[workload] = {"now": statistics.median(now),
                                    "ref": statistics.median(then),
                                    "ratio_median": median, "ratio_q1": q1, "ratio_q3": q3}
                print(f"{workload:<14} now {statistics.median(now) * 1e3:8.3f} ms   "
                      f"{args.ref} {statistics.median(then) * 1e3:8.3f} ms   now/ref "
                      f"{median:.3f} (quartiles {q1:.3f}-{q3:.3f}, {args.rounds} pairs)",
                      flush=True)
            print(f"# load average {_load()}")
            print(json.dumps(report))
        finally:
            for worker in workers.values():
                worker.close()


if __name__ == "__main__":
    main()
