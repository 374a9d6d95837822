"""Train the digits MLP data-parallel on MPI: one process per rank, gradients averaged.

Every rank builds the model from its own seed (DistributedDataParallel replaces
the weights with rank 0's), reads a disjoint shard of each epoch
(``DataLoader(shard=(rank, world_size))``) with a per-rank batch of
``batch_size / world_size`` samples, so the global batch, the number of steps
and the learning rate are those of the single-process run. Prints each rank's
throughput and, on rank 0, the test accuracy; run it with ``-n 1`` for the
single-process figure to compare against.

    .venv/bin/mpiexec -n 2 .venv/bin/python -m mpi4py examples/ddp_digits.py [--epochs 30]
    .venv/bin/mpiexec -n 1 .venv/bin/python -m mpi4py examples/ddp_digits.py
"""
import argparse
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits import SEED, evaluate, load_data, make_model  # noqa: E402

import graphgrad as gg  # noqa: E402
from graphgrad import nn  # noqa: E402
from graphgrad.nn import parallel  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64, help="global batch (all ranks)")
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args(argv)

    group = parallel.init()
    if args.batch_size % group.world_size:
        raise SystemExit(f"--batch-size {args.batch_size} is not divisible by "
                         f"{group.world_size} ranks")
    (x_train, y_train), _, (x_test, y_test) = load_data()
    gg.manual_seed(SEED + group.rank)  # different on purpose: rank 0's weights win
    model = parallel.DistributedDataParallel(make_model())
    gg.manual_seed(SEED + 1000 + group.rank)  # dropout masks differ per rank, as in PyTorch
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train),
                                batch_size=args.batch_size // group.world_size, shuffle=True,
                                generator=SEED, shard=(group.rank, group.world_size))
    optimizer = nn.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()

    samples, start = 0, time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            criterion(model(xb), yb).backward()
            optimizer.step()
            samples += len(xb)
    seconds = time.perf_counter() - start

    rates = group.comm.gather(samples / seconds, root=0)
    digest = hashlib.sha256(b"".join(p.data.tobytes() for p in model.parameters())).hexdigest()
    digests = group.comm.gather(digest, root=0)
    if group.rank == 0:
        same = len(set(digests)) == 1
        for rank, rate in enumerate(rates):
            print(f"rank {rank}: {rate:,.0f} samples/s")
        print(f"{group.world_size} rank(s), {args.epochs} epochs, global batch "
              f"{args.batch_size}: {sum(rates):,.0f} samples/s in total, "
              f"{seconds:.1f} s; weights identical on every rank: {same}")
        _, accuracy = evaluate(model.module, x_test, y_test)
        print(f"test accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
