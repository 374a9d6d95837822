"""nn.parallel.DistributedDataParallel, run for real: `mpiexec -n 2` in a subprocess.

tests/nn/ddp_worker.py runs every scenario on two ranks and saves what each
rank saw; these tests compare the ranks with each other and with
single-process references built from the same seeds. Skips without mpi4py or
mpiexec, fails instead under CI (env var CI set).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn

HERE = Path(__file__).parent
TIMEOUT = 240  # seconds for a whole mpiexec job on a loaded machine


def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the MPI tests may not skip: {reason}")
    pytest.skip(reason)


def mpiexec():
    """The mpiexec beside this Python (the mpich wheel's) or on PATH, or skip."""
    if importlib.util.find_spec("mpi4py") is None:
        _unavailable("mpi4py is not installed; pip install 'graphgrad[dist]'")
    found = Path(sys.executable).with_name("mpiexec")
    path = str(found) if found.exists() else shutil.which("mpiexec")
    if path is None:
        _unavailable("no mpiexec found; pip install mpich")
    return path


def run_job(script, *args, ranks=2, timeout=TIMEOUT):
    """Run ``script`` on ``ranks`` local processes under ``python -m mpi4py``."""
    # NOTE: -launcher fork starts the ranks as children on this machine (no ssh); the
    # ranks talk over shared memory / loopback only.
    command = [mpiexec(), "-launcher", "fork", "-hosts", "localhost", "-n", str(ranks),
               sys.executable, "-m", "mpi4py", str(script), *map(str, args)]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def load_worker():
    spec = importlib.util.spec_from_file_location("ddp_worker", HERE / "ddp_worker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


worker = load_worker()


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    """What ranks 0 and 1 saved, and the job's folder (one job for all tests)."""
    out = tmp_path_factory.mktemp("ddp")
    job = run_job(HERE / "ddp_worker.py", out)
    assert job.returncode == 0, f"mpiexec failed:\n{job.stdout}\n{job.stderr}"
    saved = [dict(np.load(out / f"rank{r}.npz")) for r in (0, 1)]
    return saved, out


def table(saved, prefix):
    return {k[len(prefix) + 1:]: v for k, v in saved.items() if k.startswith(prefix + "/")}


def reference_grads(net, pieces):
    """Single-process gradients of the sum of full-batch losses."""
    net.zero_grad()
    for x, y in pieces:
        worker.loss_of(net, x, y).backward()
    return {n: p.grad.data for n, p in net.named_parameters()}


def test_one_step_gradients_equal_the_full_batch_gradients(ranks):
    (rank0, rank1), _ = ranks
    assert int(rank0["bucket_count"]) > 2  # the small cap really made several buckets
    expected = reference_grads(worker.model(0), [worker.batch(1)])
    for saved in (rank0, rank1):
        got = table(saved, "step")
        assert got.keys() == expected.keys()
        for name in expected:
            np.testing.assert_allclose(got[name], expected[name], rtol=1e-10, atol=0)
    for name in expected:  # and the ranks agree to the bit
        assert np.array_equal(table(rank0, "step")[name], table(rank1, "step")[name])


def test_ranks_starting_from_different_weights_hold_rank0s_after_construction(ranks):
    (rank0, rank1), _ = ranks
    rank0_init = dict(worker.model(100).named_parameters())
    rank1_init = dict(worker.model(101).named_parameters())
    for name, p in rank0_init.items():
        assert not np.array_equal(p.data, rank1_init[name].data)  # they did start apart
        assert np.array_equal(table(rank0, "constructed")[name], p.data)
        assert np.array_equal(table(rank1, "constructed")[name], p.data)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_optimizer_steps_keep_ranks_bit_identical(ranks, optimizer):
    (rank0, rank1), _ = ranks
    start = dict(worker.model(2).named_parameters())
    got0, got1 = table(rank0, optimizer), table(rank1, optimizer)
    assert got0.keys() == start.keys()
    for name in start:
        assert not np.array_equal(got0[name], start[name].data)  # training moved them
        assert np.array_equal(got0[name], got1[name])


def test_optimizer_steps_match_single_process_training(ranks):
    (rank0, _), _ = ranks
    net = worker.model(2)
    optimizer = nn.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for step in range(5):
        optimizer.zero_grad()
        worker.loss_of(net, *worker.batch(10 + step)).backward()
        optimizer.step()
    for name, p in net.named_parameters():
        np.testing.assert_allclose(table(rank0, "sgd")[name], p.data, rtol=1e-10, atol=1e-14)


def test_no_sync_accumulates_locally_then_averages_the_sum(ranks):
    (rank0, rank1), _ = ranks
    x1, y1 = worker.batch(20)
    for rank, saved in enumerate((rank0, rank1)):
        local = reference_grads(worker.model(3), [(x1[rank::2], y1[rank::2])])
        for name, value in local.items():  # inside no_sync: this rank's own gradient
            np.testing.assert_allclose(table(saved, "no_sync_local")[name], value, rtol=1e-12)
    assert not np.array_equal(table(rank0, "no_sync_local")["0.weight"],
                              table(rank1, "no_sync_local")["0.weight"])
    expected = reference_grads(worker.model(3), [worker.batch(20), worker.batch(21)])
    for saved in (rank0, rank1):
        for name, value in expected.items():
            np.testing.assert_allclose(table(saved, "no_sync_synced")[name], value,
                                       rtol=1e-10, atol=0)


def test_autograd_grad_stays_local(ranks):
    (rank0, rank1), _ = ranks
    x1, y1 = worker.batch(20)
    for rank, saved in enumerate((rank0, rank1)):
        net = worker.model(3)
        first = list(net.parameters())[0]
        (local,) = gg.grad(worker.loss_of(net, x1[rank::2], y1[rank::2]), first)
        np.testing.assert_allclose(saved["grad_local"], local.data, rtol=1e-12)
        assert bool(saved["grad_local_left_grad_none"])


def test_unused_parameters_average_with_zeros_and_untouched_stay_none(ranks):
    (rank0, rank1), _ = ranks
    gg.manual_seed(4)
    branches = nn.ModuleList([nn.Linear(5, 3), nn.Linear(5, 3), nn.Linear(5, 3)]).to(gg.float64)
    x, y = worker.batch(30)
    per_rank = []
    for rank, used in ((0, [0, 1]), (1, [0])):
        branches.zero_grad()
        out = sum(branches[i](gg.from_numpy(x[rank::2])) for i in used)
        ((out - gg.from_numpy(y[rank::2])) ** 2).mean().backward()
        per_rank.append({n: None if p.grad is None else p.grad.data.copy()
                         for n, p in branches.named_parameters()})
    for saved in (rank0, rank1):
        got = table(saved, "unused")
        assert sorted(got) == ["0.bias", "0.weight", "1.bias", "1.weight"]
        for name in ("0.weight", "0.bias"):
            np.testing.assert_allclose(got[name], (per_rank[0][name] + per_rank[1][name]) / 2,
                                       rtol=1e-10)
        for name in ("1.weight", "1.bias"):  # rank 1 did not use it: its share is zero
            np.testing.assert_allclose(got[name], per_rank[0][name] / 2, rtol=1e-10)
        assert saved["unused_c_is_none"].all()


def test_buffers_are_broadcast_at_construction_and_forward(ranks):
    (rank0, rank1), _ = ranks
    for saved in (rank0, rank1):
        assert np.array_equal(saved["buffer_constructed"], np.full(4, 1.0))  # rank 0's value
        assert np.array_equal(saved["buffer_forward"], np.full(4, 7.0))  # eval: no update


def test_checkpoint_saved_by_rank0_reloads_single_process(ranks):
    (rank0, rank1), out = ranks
    net = worker.model(99)
    net.load(out / "checkpoint.npz")
    for name, p in net.named_parameters():
        assert np.array_equal(p.data, table(rank0, "checkpointed")[name])
        assert np.array_equal(p.data, table(rank1, "checkpointed")[name])
    x, _ = worker.batch(50)
    trained = worker.model(6)
    trained.load(out / "checkpoint.npz")
    assert np.array_equal(net(gg.from_numpy(x)).data, trained(gg.from_numpy(x)).data)


FAILING = '''
import sys
import numpy as np
import graphgrad as gg
from graphgrad import nn
from graphgrad.nn import parallel

group = parallel.init()
ddp = parallel.DistributedDataParallel(nn.Linear(3, 1))
if group.rank == 1:
    raise RuntimeError("rank 1 failed on purpose")
ddp(gg.tensor(np.ones((2, 3), dtype=np.float32))).sum().backward()  # rank 0 waits in allreduce
'''


def test_a_model_on_a_device_all_reduces_through_host_buffers_as_numpy(ranks):
    """On array_api_strict:device1 (no silent copy to numpy) DDP gives numpy's numbers."""
    (rank0, rank1), _ = ranks
    for saved in (rank0, rank1):
        assert saved["device_grads_on_device"].all()  # the averages came back to the device
        for name, value in table(saved, "step").items():
            assert np.array_equal(table(saved, "device_step")[name], value), name
        for name, value in table(rank0, "constructed").items():  # rank 0's weights won
            assert np.array_equal(table(saved, "device_constructed")[name], value), name
        for name, value in table(saved, "sgd").items():
            assert np.array_equal(table(saved, "device_sgd")[name], value), name


def test_a_rank_that_raises_aborts_the_whole_job(tmp_path):
    script = tmp_path / "failing.py"
    script.write_text(FAILING)
    start = time.monotonic()
    job = run_job(script, timeout=TIMEOUT)  # a hang would raise TimeoutExpired
    assert job.returncode != 0
    assert "rank 1 failed on purpose" in job.stderr
    assert time.monotonic() - start < TIMEOUT


def test_modules_that_differ_between_ranks_are_refused(tmp_path):
    script = tmp_path / "differ.py"
    script.write_text('''
from graphgrad import nn
from graphgrad.nn import parallel
group = parallel.init()
try:
    parallel.DistributedDataParallel(nn.Linear(3, 2 + group.rank))
except parallel.DistributedError as error:
    print(f"rank {group.rank}: {error}")
''')
    job = run_job(script)
    assert job.returncode == 0, job.stderr
    for rank in (0, 1):
        assert f"rank {rank}: DistributedDataParallel: rank 1's module differs" in job.stdout


def test_single_rank_ddp_is_the_plain_module():
    mpiexec()  # skips (or fails under CI) without mpi4py
    from graphgrad.nn import parallel
    net = worker.model(7)
    ddp = parallel.DistributedDataParallel(worker.model(7))
    x, y = worker.batch(60)
    expected = reference_grads(net, [(x, y)])
    worker.loss_of(ddp, x, y).backward()
    for name, p in ddp.module.named_parameters():
        assert np.array_equal(p.grad.data, expected[name])


def test_ddp_digits_example_runs_on_two_ranks():
    pytest.importorskip("sklearn")
    job = run_job(HERE.parent.parent / "examples" / "ddp_digits.py", "--epochs", "1")
    assert job.returncode == 0, job.stderr
    assert "rank 0:" in job.stdout and "rank 1:" in job.stdout
    assert "2 rank(s)" in job.stdout and "weights identical on every rank: True" in job.stdout
    accuracy = float(job.stdout.split("test accuracy:")[1].split()[0])
    assert accuracy > 0.5  # one epoch of 64-sample steps learns the digits well past chance


def test_ddp_scaling_benchmark_runs_tiny():
    mpiexec()
    sys.path.insert(0, str(HERE.parent.parent))
    try:
        from benchmarks import ddp_scaling
    finally:
        sys.path.pop(0)
    text = ddp_scaling.main(["--tiny", "--steps", "2", "--bucket-mb", "0.0001"])
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ms" not in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| 1 process, 1 thread", "| 1 process, 2 threads", "| 2 processes, 1 thread each (DDP)"]
    assert rows[2].split(" | ")[-1].endswith("% |")  # the overlap was measured
