"""The engine: accumulation, each node once, hooks, grad modes, retain_grad, depth,
graph freeing, custom Functions and dtype preservation."""
import weakref

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd.testing import gradcheck


def leaf(value, dtype=np.float64):
    return ag.tensor(np.asarray(value, dtype=dtype), requires_grad=True)


class CountedSquare(ag.Function):
    """out = x^2, counting how often forward and backward run."""

    calls = {"forward": 0, "backward": 0}

    @staticmethod
    def forward(ctx, x):
        CountedSquare.calls["forward"] += 1
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        CountedSquare.calls["backward"] += 1
        (x,) = ctx.saved_tensors
        return 2.0 * x * grad


@pytest.fixture
def counted():
    CountedSquare.calls.update(forward=0, backward=0)
    return CountedSquare


# ---------------------------------------------------------------- accumulation
def test_diamond_graph_accumulates_both_paths():
    x = leaf(1.5)
    a, b = x * 2.0, x * 3.0
    (a * b).backward()  # 6 x^2 -> 12 x
    assert x.grad.item() == 18.0


def test_tensor_used_twice_in_one_op_gets_the_sum():
    x = leaf([1.0, -2.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, -4.0])


def test_shared_subgraph_backward_runs_once(counted):
    x = leaf([1.0, 2.0])
    shared = counted.apply(x)                      # x^2, consumed three times
    out = (shared + shared * 2.0 + shared.exp()).sum()
    out.backward()
    assert counted.calls == {"forward": 1, "backward": 1}
    np.testing.assert_allclose(x.grad.data, (3.0 + np.exp([1.0, 4.0])) * 2.0 * x.data)


def test_gradients_accumulate_across_backward_calls():
    x = leaf(2.0)
    (x * x).backward()
    (x * 3.0).backward()
    assert x.grad.item() == 4.0 + 3.0
    x.grad = None
    (x * 3.0).backward()
    assert x.grad.item() == 3.0


def test_retain_graph_allows_a_second_backward():
    x = leaf(2.0)
    y = x.exp() * x
    y.backward(retain_graph=True)
    first = x.grad.item()
    y.backward()
    assert x.grad.item() == pytest.approx(2 * first, rel=1e-15)


def test_grad_arrays_are_not_shared_between_leaves():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + y).sum().backward()  # add's backward returns one array for both inputs
    assert isinstance(x.grad, ag.Tensor)
    assert not np.shares_memory(x.grad.data, y.grad.data)
    x.grad.data += 10.0
    with ag.no_grad():
        x.grad += 1.0
    np.testing.assert_array_equal(y.grad.data, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [12.0, 12.0])


def test_root_gradient_is_not_aliased_by_grad():
    x = leaf([1.0, 2.0])
    seed = np.array([1.0, 1.0])
    (x * 1.0).backward(gradient=seed)
    x.grad.data += 5.0
    np.testing.assert_array_equal(seed, [1.0, 1.0])


# ---------------------------------------------------------------- hooks
def test_hooks_see_gradients_of_leaves_and_non_leaves():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    seen = {}
    x.register_hook(lambda g: seen.setdefault("x", g.data.copy()))
    h.register_hook(lambda g: seen.setdefault("h", g.data.copy()))
    (h * h).sum().backward()
    np.testing.assert_array_equal(seen["h"], 2.0 * h.data)
    np.testing.assert_array_equal(seen["x"], 18.0 * x.data)
    assert isinstance(x.grad, ag.Tensor)


def test_hook_on_non_leaf_replaces_gradient_flowing_further():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    h.register_hook(lambda g: g * 0.0 + 1.0)
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_hook_on_leaf_replaces_stored_gradient():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 2.0)
    x.register_hook(lambda g: None)  # None keeps the gradient as is
    (x * 5.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [10.0, 10.0])


def test_removed_hook_is_not_called():
    x = leaf(1.0)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    (x * 2.0).backward()
    handle.remove()
    handle.remove()  # safe twice
    (x * 2.0).backward()
    assert calls == [1]
    assert x.grad.item() == 4.0


# ---------------------------------------------------------------- grad mode
def test_no_grad_records_nothing():
    x = leaf([1.0, 2.0])
    with ag.no_grad():
        y = (x * 2.0).exp().sum()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_no_grad_as_decorator():
    @ag.no_grad()
    def infer(t):
        assert not ag.is_grad_enabled()
        return t * 2.0

    out = infer(leaf(1.0))
    assert out.grad_fn is None
    assert ag.is_grad_enabled()
    assert infer.__name__ == "infer"


def test_enable_grad_inside_no_grad():
    x = leaf(3.0)
    with ag.no_grad():
        with ag.enable_grad():
            y = x * x
        z = x * x
    assert y.grad_fn is not None and z.grad_fn is None
    y.backward()
    assert x.grad.item() == 6.0

    @ag.enable_grad()
    def recorded(t):
        return t * t

    with ag.no_grad():
        assert recorded(x).grad_fn is not None


def test_set_grad_enabled_as_context_call_and_decorator():
    x = leaf(1.0)
    with ag.set_grad_enabled(False):
        assert (x * 2.0).grad_fn is None
    assert ag.is_grad_enabled()
    with ag.no_grad():
        with ag.set_grad_enabled(True):
            assert (x * 2.0).grad_fn is not None
        assert not ag.is_grad_enabled()
    ag.set_grad_enabled(False)  # a plain call takes effect at once, like PyTorch
    try:
        assert (x * 2.0).grad_fn is None
    finally:
        ag.set_grad_enabled(True)

    @ag.set_grad_enabled(False)
    def frozen(t):
        return t * 2.0

    assert ag.is_grad_enabled()  # building the decorator changed nothing
    assert frozen(x).grad_fn is None
    assert ag.is_grad_enabled()


def test_grad_mode_restored_after_exception():
    with pytest.raises(KeyError):
        with ag.no_grad():
            raise KeyError("boom")
    assert ag.is_grad_enabled()


# ---------------------------------------------------------------- retain_grad
def test_non_leaf_grad_is_kept_only_after_retain_grad():
    x = leaf([1.0, 2.0])
    kept, dropped = x * 2.0, x * 3.0
    kept.retain_grad()
    (kept * dropped).sum().backward()
    np.testing.assert_array_equal(kept.grad.data, dropped.data)
    assert dropped.grad is None
    np.testing.assert_array_equal(x.grad.data, 12.0 * x.data)


# ---------------------------------------------------------------- depth and freeing
def test_million_op_chain_backpropagates_without_recursion(cycle_collector_off):
    # NOTE: the collector is off to show that refcounting alone frees the chain (and
    # because 1,000,000 tracked nodes make its passes cost a third of the test).
    x = leaf([1.0, 2.0])
    y = x
    for step in range(1_000_000):
        y = y * 1.0000001
        if step == 500_000:
            middle = weakref.ref(y.grad_fn)
    y.sum().backward()
    expected = 1.0000001 ** 1_000_000
    np.testing.assert_allclose(x.grad.data, [expected, expected], rtol=1e-9)
    del y
    assert middle() is None


def test_graph_is_freed_by_reference_counting(cycle_collector_off):
    x = leaf([1.0, 2.0])
    hidden = (x * 2.0).tanh()
    out = (hidden * hidden).sum()
    refs = [weakref.ref(hidden), weakref.ref(hidden.grad_fn), weakref.ref(out.grad_fn)]
    del hidden
    assert all(r() is not None for r in refs)  # the graph lives while its output does
    del out
    assert all(r() is None for r in refs)


def test_graph_is_freed_after_backward(cycle_collector_off):
    x = leaf([1.0, 2.0])
    hidden = x.exp()
    out = (hidden * x).sum()
    refs = [weakref.ref(hidden), weakref.ref(hidden.grad_fn), weakref.ref(out.grad_fn)]
    del hidden
    out.backward()
    del out
    assert all(r() is None for r in refs)
    assert x.grad is not None


# ---------------------------------------------------------------- custom Functions
class ScaledExp(ag.Function):
    """out = a e^(x) with a a tensor too.  d/dx = out, d/da = e^x."""

    @staticmethod
    def forward(ctx, x, a, shift=0.0):
        out = a * np.exp(x + shift)
        ctx.save_for_backward(a, out)
        ctx.seen_needs = ctx.needs_input_grad
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        grad_x = grad * out if ctx.needs_input_grad[0] else None
        grad_a = grad * out / a if ctx.needs_input_grad[1] else None
        return grad_x, grad_a


def test_custom_function_written_as_in_pytorch_passes_gradcheck():
    x = leaf([0.1, -0.5, 1.0])
    a = leaf([2.0, 1.5, -1.0])
    assert gradcheck(lambda t, s: ScaledExp.apply(t, s, shift=0.25), (x, a))
    out = ScaledExp.apply(x, a)
    assert isinstance(out.grad_fn, ScaledExp)
    assert out.grad_fn.seen_needs == (True, True)
    assert out.grad_fn.parents == (x, a)


def test_custom_function_needs_input_grad_skips_constant_inputs():
    x = leaf([0.1, 0.2])
    a = ag.tensor(np.array([2.0, 3.0]))  # no grad
    out = ScaledExp.apply(x, a)
    assert out.grad_fn.seen_needs == (True, False)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, a.data * np.exp(x.data), rtol=1e-15)
    assert a.grad is None


def test_custom_function_on_constants_records_nothing():
    out = ScaledExp.apply(ag.tensor(np.array([0.0])), ag.tensor(np.array([2.0])))
    assert out.grad_fn is None and not out.requires_grad
    np.testing.assert_array_equal(out.data, [2.0])


# ---------------------------------------------------------------- dtype
def test_float32_stays_float32_end_to_end():
    x = leaf([0.5, -1.5, 2.0], dtype=np.float32)
    w = leaf([[1.0], [2.0], [3.0]], dtype=np.float32)
    hidden = (x * 1.0001 + 2.5) / 3.0 - 0.5 ** x + 2 * x.tanh() ** 2
    out = (hidden.reshape(1, 3) @ w).sigmoid().log().mean() * 0.1
    assert hidden.dtype == np.float32 and out.dtype == np.float32
    out.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32
