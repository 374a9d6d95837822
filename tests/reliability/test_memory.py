"""Memory: a long training run frees every graph by reference counting alone.

2,000 steps of a small MLP (``nn.Linear`` layers, Adam, cross-entropy, a
``DataLoader``) run with the cycle collector disabled. Each step's graph
(loss, activations, nodes) must be unreachable the moment the step ends
(weak references die), no step may create a reference cycle (``gc.collect``
finds nothing afterwards), and the traced heap must not grow from step 100 to
step 2,000 beyond a small tolerance.
"""
import gc
import tracemalloc
import weakref

import numpy as np

import graphgrad.autograd as ag
import graphgrad.nn.functional as F
from graphgrad import nn

STEPS = 2_000
WARMUP = 100  # optimizer state and numpy caches are allocated in the first steps
TOLERANCE_BYTES = 64 * 1024  # a leak of 33 bytes per step would already exceed this


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((256, 8)).astype(np.float32)
    labels = (features[:, 0] + features[:, 1] > 0).astype(np.int64) + (features[:, 2] > 1)
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(),
                          nn.Linear(32, 3))
    optimizer = nn.optim.Adam(model.parameters(), lr=1e-2)
    loader = nn.data.DataLoader(nn.data.TensorDataset(features, labels), batch_size=32,
                                shuffle=True, generator=seed)
    return model, optimizer, loader


def batches(loader):
    while True:
        yield from loader


def train_step(model, optimizer, xb, yb, probes):
    """One step; records weak references to its graph in ``probes``; returns the loss value."""
    optimizer.zero_grad()
    hidden = model[0](xb)
    logits = model[4](model[3](model[2](model[1](hidden))))
    loss = F.cross_entropy(logits, yb)
    probes.extend([weakref.ref(loss), weakref.ref(loss.grad_fn), weakref.ref(logits),
                   weakref.ref(logits.grad_fn), weakref.ref(hidden), weakref.ref(hidden.grad_fn)])
    loss.backward()
    optimizer.step()
    return loss.item()


def test_training_run_frees_every_graph_and_does_not_grow(cycle_collector_off):
    model, optimizer, loader = make_problem()
    stream = batches(loader)
    losses = np.zeros(STEPS)  # preallocated: the record itself must not grow the heap
    tracemalloc.start()
    try:
        for step in range(STEPS):
            if step == WARMUP:
                # NOTE: a full collection also empties CPython's free lists (tuples, floats),
                # which otherwise keep up to thousands of freed blocks counted as allocated.
                assert gc.collect() == 0, "the warm-up steps left reference cycles"
                before = tracemalloc.take_snapshot()
                before_bytes = tracemalloc.get_traced_memory()[0]
            xb, yb = next(stream)
            probes = []
            losses[step] = train_step(model, optimizer, xb, yb, probes)
            del xb, yb
            alive = [p for p in probes if p() is not None]
            assert not alive, (f"step {step}: {len(alive)} graph objects still alive after the "
                               f"step, e.g. {alive[0]()!r}")
        cycles = gc.collect()
        after_bytes = tracemalloc.get_traced_memory()[0]
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    growth = after_bytes - before_bytes
    top = "\n".join(str(s) for s in after.compare_to(before, "lineno")[:5])
    print(f"traced heap at step {WARMUP}: {before_bytes} B, at step {STEPS}: {after_bytes} B, "
          f"growth {growth} B")
    assert growth < TOLERANCE_BYTES, f"heap grew by {growth} bytes over the run:\n{top}"
    assert cycles == 0, f"the run left {cycles} objects in reference cycles"
    assert np.mean(losses[-100:]) < np.mean(losses[:100]), "the model did not train"


def test_saved_arrays_freed_when_output_dropped_after_backward(cycle_collector_off):
    """Inputs stay reachable through the graph while its output lives; then all goes."""
    x = ag.Tensor(np.ones((64, 64), dtype=np.float64), requires_grad=True)
    hidden = x.tanh()  # saves its output
    saved = weakref.ref(hidden.data)
    y = (hidden * 2.0).sum()  # mul saves hidden's array too
    del hidden
    assert saved() is not None  # the graph still needs it
    y.backward()
    node = weakref.ref(y.grad_fn)
    del y
    assert saved() is None and node() is None


def test_retain_graph_keeps_saved_arrays_until_output_dropped(cycle_collector_off):
    x = ag.Tensor(np.ones((8, 8)), requires_grad=True)
    y = x.exp().sum()  # exp saves its output, which nothing else references
    saved = [weakref.ref(item) for item in y.grad_fn.parents[0].grad_fn._saved]
    y.backward(retain_graph=True)
    assert all(ref() is not None for ref in saved)
    y.backward()  # the second pass frees them
    node = weakref.ref(y.grad_fn)
    del y
    assert all(ref() is None for ref in saved) and node() is None


def test_create_graph_double_backward_leaves_no_cycles(cycle_collector_off):
    gc.collect()
    x = ag.Tensor(np.linspace(-1, 1, 5), requires_grad=True)
    for _ in range(50):
        (g,) = ag.grad((x ** 3).sum(), x, create_graph=True)
        probe = weakref.ref(g.grad_fn)
        g.sum().backward()
        x.grad = None
        del g
        assert probe() is None
    assert gc.collect() == 0
