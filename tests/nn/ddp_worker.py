"""Run by tests/nn/test_parallel.py under ``mpiexec -n 2 python -m mpi4py``.

Each rank runs every scenario and saves what it saw to OUT/rank<R>.npz; the
test compares the ranks with each other and with single-process references
built from the same seeds (``reference`` below is shared with the test).
"""
import sys

import numpy as np

import graphgrad as gg
from graphgrad import nn
from graphgrad.nn import parallel

SMALL_BUCKET_MB = 200 * 8 / 2 ** 20  # 200 float64 numbers: forces several buckets


def model(seed):
    """The float64 MLP every scenario trains (weights from ``seed``)."""
    gg.manual_seed(seed)
    net = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                        nn.Linear(16, 3))
    return net.to(gg.float64)


def batch(seed, n=8):
    """A full batch (n rows); rank r trains on rows r::2."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 5)), rng.standard_normal((n, 3))


def loss_of(net, x, y):
    return ((net(gg.from_numpy(x)) - gg.from_numpy(y)) ** 2).mean()


def grads(net):
    return {name: (None if p.grad is None else p.grad.data.copy())
            for name, p in net.named_parameters()}


def main(out):
    group = parallel.init()
    rank = group.rank
    saved = {}

    def keep(prefix, table):
        for name, value in table.items():
            if value is not None:
                saved[f"{prefix}/{name}"] = value

    # one step's gradients vs the full batch (several buckets)
    ddp = parallel.DistributedDataParallel(model(0), bucket_cap_mb=SMALL_BUCKET_MB)
    saved["bucket_count"] = np.array(len(ddp._buckets))
    x, y = batch(1)
    loss_of(ddp, x[rank::2], y[rank::2]).backward()
    keep("step", grads(ddp.module))

    # ranks start from different weights: rank 0's win at construction
    ddp = parallel.DistributedDataParallel(model(100 + rank))
    keep("constructed", {n: p.data.copy() for n, p in ddp.module.named_parameters()})

    # several SGD / Adam steps keep the ranks bit-identical
    for name, make in (("sgd", lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9)),
                       ("adam", lambda ps: nn.optim.Adam(ps, lr=0.01))):
        ddp = parallel.DistributedDataParallel(model(2), bucket_cap_mb=SMALL_BUCKET_MB)
        optimizer = make(ddp.parameters())
        for step in range(5):
            x, y = batch(10 + step)
            optimizer.zero_grad()
            loss_of(ddp, x[rank::2], y[rank::2]).backward()
            optimizer.step()
        keep(name, {n: p.data.copy() for n, p in ddp.module.named_parameters()})

    # no_sync: the first micro-batch stays local, the second averages the sum
    ddp = parallel.DistributedDataParallel(model(3))
    (x1, y1), (x2, y2) = batch(20), batch(21)
    with ddp.no_sync():
        loss_of(ddp, x1[rank::2], y1[rank::2]).backward()
    keep("no_sync_local", grads(ddp.module))
    loss_of(ddp, x2[rank::2], y2[rank::2]).backward()
    keep("no_sync_synced", grads(ddp.module))

    # autograd.grad stays local and leaves .grad alone
    ddp.zero_grad()
    first = list(ddp.module.parameters())[0]
    (local,) = gg.grad(loss_of(ddp, x1[rank::2], y1[rank::2]), first)
    saved["grad_local"] = local.data.copy()
    saved["grad_local_left_grad_none"] = np.array(first.grad is None)

    # unused parameters: rank 0 uses a and b, rank 1 only a, nobody uses c
    gg.manual_seed(4)
    branches = nn.ModuleList([nn.Linear(5, 3), nn.Linear(5, 3), nn.Linear(5, 3)]).to(gg.float64)
    ddp = parallel.DistributedDataParallel(branches, bucket_cap_mb=SMALL_BUCKET_MB)
    x, y = batch(30)
    used = [0, 1] if rank == 0 else [0]
    out_ = sum(ddp.module[i](gg.from_numpy(x[rank::2])) for i in used)
    ((out_ - gg.from_numpy(y[rank::2])) ** 2).mean().backward()
    keep("unused", grads(ddp.module))
    saved["unused_c_is_none"] = np.array([p.grad is None for p in ddp.module[2].parameters()])

    # buffers: broadcast at construction and at every forward
    gg.manual_seed(5)
    norm_model = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4)).to(gg.float64)
    norm = norm_model[1]
    norm.running_mean.data[...] = rank + 1.0  # differs per rank before wrapping
    ddp = parallel.DistributedDataParallel(norm_model)
    saved["buffer_constructed"] = norm.running_mean.data.copy()
    norm.running_var.data[...] = 7.0 if rank == 0 else 9.0
    ddp.eval()
    ddp(gg.from_numpy(batch(40)[0]))
    saved["buffer_forward"] = norm.running_var.data.copy()

    # a checkpoint saved by rank 0 reloads into a single-process model
    ddp = parallel.DistributedDataParallel(model(6))
    optimizer = nn.optim.SGD(ddp.parameters(), lr=0.1)
    x, y = batch(50)
    loss_of(ddp, x[rank::2], y[rank::2]).backward()
    optimizer.step()
    if rank == 0:
        ddp.module.save(f"{out}/checkpoint.npz")
    keep("checkpointed", {n: p.data.copy() for n, p in ddp.module.named_parameters()})
    group.comm.Barrier()

    # on array-api-strict's device1 (no silent copies to numpy): all-reduce through host
    # buffers; the construction broadcast, one step's gradients and SGD steps as on numpy
    device = "array_api_strict:device1"

    def device_loss(net, x, y):
        return ((net(gg.tensor(x, device=device)) - gg.tensor(y, device=device)) ** 2).mean()

    def host(table):
        return {n: gg.backend.to_host(p.data) for n, p in table}

    ddp = parallel.DistributedDataParallel(model(100 + rank).to(device))
    keep("device_constructed", host(ddp.module.named_parameters()))
    ddp = parallel.DistributedDataParallel(model(0).to(device), bucket_cap_mb=SMALL_BUCKET_MB)
    x, y = batch(1)
    device_loss(ddp, x[rank::2], y[rank::2]).backward()
    keep("device_step", host((n, p.grad) for n, p in ddp.module.named_parameters()))
    saved["device_grads_on_device"] = np.array([str(p.grad.device) == device
                                                for p in ddp.module.parameters()])
    ddp = parallel.DistributedDataParallel(model(2).to(device), bucket_cap_mb=SMALL_BUCKET_MB)
    optimizer = nn.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    for step in range(5):
        x, y = batch(10 + step)
        optimizer.zero_grad()
        device_loss(ddp, x[rank::2], y[rank::2]).backward()
        optimizer.step()
    keep("device_sgd", host(ddp.module.named_parameters()))

    np.savez(f"{out}/rank{rank}.npz", **saved)


if __name__ == "__main__":
    main(sys.argv[1])
