"""Data-parallel scaling: training steps per second of one MLP step on a global batch.

Three configurations, same model (784-1024-1024-10, float32, Adam) and same
global batch (256):

* 1 process, 1 BLAS thread (the baseline);
* 1 process, 2 BLAS threads (what the second core gives without MPI);
* 2 processes (``mpiexec -n 2``), 1 BLAS thread each, DistributedDataParallel,
  128 samples per rank.

Each step is split into forward, backward (compute, without the wait at its
end), exposed communication wait (``DistributedDataParallel.wait_seconds``:
allreduce time not hidden behind backward, plus any wait for a slower rank)
and optimizer step. The overlap is ``1 - exposed / allreduce``, where
``allreduce`` is the time the same buckets take reduced back to back with
nothing to hide behind (measured after the timed steps). The machine's load
average (``/proc/loadavg``) is printed with the table: on a shared machine
it says how much of each core the run had.

    python -m benchmarks.ddp_scaling [--steps 30] [--bucket-mb 1] [--tiny]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = {"full": ([784, 1024, 1024, 10], 256), "tiny": ([20, 16, 8, 4], 8)}


def _worker(size, steps, distributed, bucket_mb):
    """Time ``steps`` training steps in this process; print one JSON line (rank 0)."""
    import graphgrad as gg
    from graphgrad import nn

    widths, batch = SIZES[size]
    gg.manual_seed(0)
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    rank, world = 0, 1
    if distributed:
        from graphgrad.nn import parallel
        group = parallel.init()
        rank, world = group.rank, group.world_size
        model = parallel.DistributedDataParallel(model, bucket_cap_mb=bucket_mb)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, widths[0])).astype(np.float32)
    y = rng.integers(0, widths[-1], batch)
    shard = slice(rank * batch // world, (rank + 1) * batch // world)
    xb, yb = gg.Tensor(x[shard]), y[shard]
    optimizer = nn.optim.Adam(model.parameters(), lr=1e-4)
    criterion = nn.CrossEntropyLoss()
    rows = []
    for step in range(steps + 2):  # NOTE: the first two steps warm up, untimed
        if distributed:
            group.comm.Barrier()
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        wait = model.wait_seconds if distributed else 0.0
        if step >= 2:
            rows.append((t1 - t0, t2 - t1 - wait, wait, t3 - t2, t3 - t0))
    allreduce = 0.0
    if distributed:
        from mpi4py import MPI
        reps = 5
        group.comm.Barrier()
        start = time.perf_counter()
        for _ in range(reps):
            for bucket in model._buckets:
                group.comm.Allreduce(MPI.IN_PLACE, bucket.flat, op=MPI.SUM)
        allreduce = (time.perf_counter() - start) / reps
    median = np.median(np.array(rows), axis=0)
    result = dict(zip(["forward", "backward", "wait", "optimizer", "step"], median.tolist()))
    result["allreduce"] = allreduce
    result["buckets"] = len(model._buckets) if distributed else 0
    if rank == 0:
        print(json.dumps(result), flush=True)


def _run(label, threads, ranks, size, steps, bucket_mb):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    worker = [sys.executable, "-m", "benchmarks.ddp_scaling", "--worker", "--size", size,
              "--steps", str(steps), "--bucket-mb", str(bucket_mb)]
    if ranks > 1:
        mpiexec = Path(sys.executable).with_name("mpiexec")
        command = [str(mpiexec), "-launcher", "fork", "-hosts", "localhost", "-n", str(ranks),
                   *worker, "--distributed"]
    else:
        command = worker
    job = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root,
                         timeout=1800)
    if job.returncode:
        raise RuntimeError(f"{label} failed:\n{job.stdout}\n{job.stderr}")
    result = json.loads(job.stdout.strip().splitlines()[-1])
    result["label"] = label
    return result


def table(results, loadavg):
    """The markdown table of ``results`` (per-step medians, milliseconds)."""
    base = results[0]["step"]
    lines = [f"load average before / after: {loadavg[0]} / {loadavg[1]}", "",
             "| configuration | steps/s | speed-up | forward ms | backward ms | exposed wait ms "
             "| optimizer ms | allreduce ms | overlap |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        overlap = "-"
        if r["allreduce"] > 0:
            overlap = f"{max(0.0, 1 - r['wait'] / r['allreduce']):.0%}"
        ms = {k: f"{1e3 * r[k]:.1f}" for k in ("forward", "backward", "wait", "optimizer",
                                                 "allreduce")}
        lines.append(f"| {r['label']} | {1 / r['step']:.2f} | {base / r['step']:.2f}x | "
                     f"{ms['forward']} | {ms['backward']} | {ms['wait']} | {ms['optimizer']} | "
                     f"{ms['allreduce'] if r['allreduce'] else '-'} | {overlap} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--bucket-mb", type=float, default=1.0,
                        help="bucket_cap_mb (the model's 7.3 MB make 8 buckets at 1)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--distributed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.size, args.steps, args.distributed, args.bucket_mb)
        return None
    size = "tiny" if args.tiny else "full"
    before = Path("/proc/loadavg").read_text().split()[0]
    runs = [("1 process, 1 thread", 1, 1), ("1 process, 2 threads", 2, 1),
            ("2 processes, 1 thread each (DDP)", 1, 2)]
    results = [_run(label, threads, ranks, size, args.steps, args.bucket_mb)
               for label, threads, ranks in runs]
    after = Path("/proc/loadavg").read_text().split()[0]
    text = table(results, (before, after))
    print(text)
    return text


if __name__ == "__main__":
    main()
