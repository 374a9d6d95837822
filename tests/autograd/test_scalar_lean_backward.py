"""The lean backward loop of Scalar graphs (``autograd.scalar_backward``) against the generic
one, and the objects a Scalar op leaves for Python's cycle collector.

A first-order ``Scalar.backward()`` over the Scalar operators' ops alone, with no hook, takes
the lean loop; everything else (hooks, ``create_graph``, anomaly mode, ``autograd.grad``,
custom Functions on Scalars) takes the generic ``_propagate``. The lean loop keeps the
generic loop's order, so every gradient must be bit-for-bit the same, sums of many
contributions included.
"""
import gc
import math
import sys
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Function, Scalar, engine, scalar_backward
from graphgrad.autograd.ops import scalar_ops as S

BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: b - a,
          lambda a, b: a / (b * b + 1.0), lambda a, b: (a * a + 0.5) ** b, lambda a, b: a * 0.75,
          lambda a, b: 1.5 - b, lambda a, b: 2.0 ** (b * 0.1), lambda a, b: a ** 3]
UNARY = [lambda a: -a, lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a.relu(),
         lambda a: (a * 0.1).exp(), lambda a: (a * a + 1.0).log()]


def _program(seed, n_ops, n_leaves=4):
    """A random Scalar graph: values reused many times (many contributions to sum)."""
    rng = np.random.default_rng(seed)
    leaves = [Scalar(float(v)) for v in rng.uniform(-1.5, 1.5, n_leaves)]
    pool = list(leaves)
    for _ in range(n_ops):
        if rng.random() < 0.6:
            op = BINARY[rng.integers(len(BINARY))]
            out = op(pool[rng.integers(len(pool))], pool[rng.integers(len(pool))])
        else:
            out = UNARY[rng.integers(len(UNARY))](pool[rng.integers(len(pool))])
        pool.append(out)
    root = pool[-1]
    for value in pool[-6:-1]:  # several paths meet at the root
        root = root + value * 0.5
    return pool + [root], root


def _grads(values):
    return [v.grad for v in values]


@pytest.fixture
def lean_calls(monkeypatch):
    """The passes the lean loop took (1) or turned down (0)."""
    calls = []
    original = engine.backward_scalars

    def spy(*args):
        taken = original(*args)
        calls.append(int(taken))
        return taken

    monkeypatch.setattr(engine, "backward_scalars", spy)
    return calls


def _no_lean(root, grad):
    return False


@pytest.fixture
def generic_only(monkeypatch):
    """Make every pass take the generic loop."""
    def force():
        monkeypatch.setattr(engine, "backward_scalars", _no_lean)
    return force


@given(seed=st.integers(0, 2**32 - 1), n_ops=st.integers(1, 60))
def test_lean_loop_gives_the_generic_loops_gradients_bit_for_bit(seed, n_ops):
    values, root = _program(seed, n_ops)
    root.backward()
    lean = _grads(values)
    for v in values:
        v.grad = 0.0
    original = engine.backward_scalars
    engine.backward_scalars = _no_lean
    try:
        root.backward()
    finally:
        engine.backward_scalars = original
    np.testing.assert_array_equal(lean, _grads(values))  # NaN where both are NaN


def test_micrograd_style_step_takes_the_lean_loop_with_the_same_result(lean_calls,
                                                                        generic_only):
    values, root = _program(7, 200)
    root.backward()
    assert lean_calls == [1]
    lean = _grads(values)
    for v in values:
        v.grad = 0  # micrograd's zero_grad writes an int
    generic_only()
    root.backward()
    assert lean_calls == [1]
    np.testing.assert_array_equal(lean, _grads(values))


def test_gradients_accumulate_over_calls_and_into_whatever_grad_holds(lean_calls):
    x = Scalar(3.0)
    y = x * x + x
    y.backward()
    y.backward()
    assert lean_calls == [1, 1]
    assert x.grad == 14.0 and y.grad == 2.0
    x.grad = np.float64(1.0)  # a user's numpy number: added to, as Scalar._accumulate_grad does
    y.backward()
    assert x.grad == 8.0


def test_a_leaf_root_gets_its_gradient(lean_calls):
    x = Scalar(2.0)
    x.backward(3.0)
    assert x.grad == 3.0 and lean_calls == [1]


@pytest.mark.parametrize("where", ["leaf", "non-leaf", "root"])
def test_a_hook_anywhere_takes_the_generic_loop(where, lean_calls):
    x = Scalar(2.0)
    h = x * 3.0
    y = h.tanh() * h
    target = {"leaf": x, "non-leaf": h, "root": y}[where]
    seen = []
    handle = target.register_hook(lambda g: seen.append(g) or g * 2.0)
    y.backward()
    assert lean_calls == [0] and len(seen) == 1
    expected = (math.tanh(6.0) + 6.0 * (1 - math.tanh(6.0) ** 2)) * 3.0 * 2.0
    assert x.grad == pytest.approx(expected, rel=1e-12)
    handle.remove()
    x.grad = h.grad = y.grad = 0.0
    y.backward()  # a removed hook leaves an empty list: lean again
    assert lean_calls == [0, 1]
    assert x.grad == pytest.approx(expected / 2.0, rel=1e-12)


def test_create_graph_anomaly_and_grad_take_the_generic_loop(lean_calls):
    x = Scalar(0.5)
    y = (x * x).tanh()
    y.backward(create_graph=True)
    with autograd.detect_anomaly():
        y.backward()
    (dx,) = autograd.grad(y, x)
    assert lean_calls == []
    assert dx.data == pytest.approx(2 * 0.5 * (1 - math.tanh(0.25) ** 2), rel=1e-12)


class _Cube(Function):
    """A custom op on Scalars (tracks versions, frees what it saved)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


def test_custom_function_on_scalars_takes_the_generic_loop_and_frees_its_values(lean_calls):
    x = Scalar(2.0)
    y = _Cube.apply(x) * 1.0
    y.backward()
    assert x.grad == 12.0 and lean_calls == [0]
    with pytest.raises(autograd.GraphFreedError):
        y.backward()


def _doubling_op(rule):
    """A Scalar op ``2 * x`` whose backward is ``rule``."""
    return type("_Doubling", (S.ScalarFunction,), {
        "__slots__": (), "forward": staticmethod(lambda ctx, x: 2.0 * x),
        "backward": staticmethod(rule)})


_Broken = _doubling_op(lambda ctx, grad: (grad, grad))  # two gradients for one input
_NumpyRule = _doubling_op(lambda ctx, grad: np.float64(2.0) * grad)  # fitted to a float


def test_custom_scalar_op_takes_the_generic_loop_and_its_error_changes_no_grad(lean_calls):
    x = Scalar(1.0)
    a = x * 2.0
    y = _Broken.apply(a) + x
    with pytest.raises(autograd.GradientError, match="2 gradients for 1 inputs"):
        y.backward()
    assert lean_calls == [0]
    assert x.grad == 0.0 and a.grad == 0.0 and y.grad == 0.0


def test_lean_loop_error_part_way_changes_no_grad_and_leaves_nothing_stale(lean_calls,
                                                                             monkeypatch):
    x = Scalar(0.5)
    h = (x * 3.0).tanh()
    y = h * h + x

    def broken(grad, a, b):
        raise RuntimeError("rule failed")

    with monkeypatch.context() as patch:
        patch.setattr(S.ScalarTanh, "rule", staticmethod(broken))
        with pytest.raises(RuntimeError, match="rule failed"):
            y.backward()  # mul's and add's rules ran before tanh's
    assert x.grad == 0.0 and h.grad == 0.0 and y.grad == 0.0
    y.backward()  # what the failed pass left on the Scalars' slots is never read
    assert lean_calls == [1]  # the failed pass raised: it recorded no call
    assert x.grad == 2 * math.tanh(1.5) * (1 - math.tanh(1.5) ** 2) * 3.0 + 1.0


def test_passes_over_overlapping_graphs_start_afresh(lean_calls):
    """A value reached by an earlier pass is counted and summed anew by the next one."""
    x = Scalar(0.5)
    h = x * x
    y = h * 3.0
    y.backward()
    z = h * h + y  # h and y were reached (and summed) by y's pass
    z.backward()
    assert lean_calls == [1, 1]
    assert h.grad == 3.0 + (2 * 0.25 + 3.0) and x.grad == 3.0 + (2 * 0.25 + 3.0) * 1.0


def test_a_pass_finding_the_lean_loop_busy_takes_the_generic_one(lean_calls):
    """Another thread's lean pass (or one started inside it) holds the Scalars' slots."""
    values, root = _program(11, 300)
    root.backward()
    lean = _grads(values)
    for v in values:
        v.grad = 0.0
    with scalar_backward._lock:
        root.backward()
    assert lean_calls == [1, 0]
    np.testing.assert_array_equal(lean, _grads(values))


def test_concurrent_passes_on_shared_parameters_give_each_its_sum():
    shared = [Scalar(v) for v in np.linspace(-1.0, 1.0, 8)]

    def step(seed):
        rng = np.random.default_rng(seed)
        out = Scalar(0.0)
        for _ in range(3000):
            a, b = shared[rng.integers(8)], shared[rng.integers(8)]
            out = out + (a * b).tanh() * 0.01
        return out

    roots = [step(seed) for seed in range(4)]
    for root in roots:  # one at a time: the expected sums
        root.backward()
    expected = [p.grad for p in shared]
    for p in shared:
        p.grad = 0.0
    threads = [threading.Thread(target=root.backward) for root in roots]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    np.testing.assert_allclose([p.grad for p in shared], expected, rtol=1e-12)


def test_custom_scalar_op_gradients_are_fitted_to_floats(lean_calls):
    x = Scalar(1.5)
    y = _NumpyRule.apply(x) * x
    y.backward()
    assert lean_calls == [0]
    assert type(x.grad) is float and x.grad == 6.0


def test_apply_of_a_scalar_op_records_what_the_operator_records(lean_calls):
    a, b = Scalar(1.5), Scalar(-2.0)
    y = S.ScalarMul.apply(S.ScalarTanh.apply(a), b)
    y.backward()
    assert lean_calls == [1]
    assert (y._fn, y._x._fn, y._y) == (S.ScalarMul, S.ScalarTanh, b)
    assert a.grad == -2.0 * (1 - math.tanh(1.5) ** 2) and b.grad == math.tanh(1.5)


def test_anomaly_mode_keeps_the_node_with_its_creation_site(lean_calls):
    a = Scalar(1.5)
    with autograd.detect_anomaly():
        y = a.tanh()
    assert y._fn is None and y.grad_fn is y._node and "test_scalar" in y.grad_fn.created_at
    y.backward()
    assert lean_calls == [0] and a.grad == 1 - math.tanh(1.5) ** 2


def test_grad_fn_is_built_once_and_leaves_the_lean_loop_its_graph(lean_calls):
    a, b = Scalar(2.0), Scalar(-3.0)
    y = (a * b).relu() + a / b
    node = y.grad_fn
    assert y.grad_fn is node and node.parents[0].grad_fn is node.parents[0].grad_fn
    assert node.parents == (y._x, y._y) and node.needs_input_grad == (True, True)
    y.backward()
    assert lean_calls == [1] and (a.grad, b.grad) == (1 / -3.0, -(2.0 / 9.0))


def test_lean_backward_triggers_no_collection():
    """The lean loop allocates no lasting tracked object: nothing for the collector."""
    values, root = _program(3, 3000)
    started = []

    def count(phase, info):
        if phase == "start":
            started.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.enable()
    gc.collect()
    gc.callbacks.append(count)
    try:
        root.backward()
    finally:
        gc.callbacks.remove(count)
        if not was_enabled:
            gc.disable()
    assert started == []


def test_every_scalar_requires_and_retains_its_grad():
    """What lets the lean loop accumulate every value reached (no per-value checks)."""
    x = Scalar(1.0)
    for name in ("requires_grad", "_retains_grad"):
        with pytest.raises(AttributeError):
            setattr(x, name, False)


@pytest.mark.parametrize("op", [lambda x: x * 0.999, lambda x: x * x, lambda x: x + x,
                                lambda x: x - 1.0, lambda x: x.tanh(), lambda x: x.exp(),
                                lambda x: x.relu(), lambda x: x / 1.001, lambda x: x ** 1.0])
def test_a_scalar_op_leaves_one_tracked_object(op):
    """The Scalar alone: it is its own node, inputs and saved floats on its slots."""
    n = 2000
    x = Scalar(0.5)
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(n):
            x = op(x)
        per_op = (len(gc.get_objects()) - before) / n
    finally:
        if was_enabled:
            gc.enable()
    assert per_op <= 1.0 + 10 / n
