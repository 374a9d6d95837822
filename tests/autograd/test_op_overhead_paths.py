"""The cheap paths of per-op bookkeeping (issue 20, item 4) give the numbers the full paths give.

``Function.apply`` keeps shared ``needs_input_grad``/``versions`` tuples, ``Tensor._from_op``
wraps numpy's 0-d results through ``__array__``, ``Tensor._fit_grad`` returns early when the
dtype object is the input's, ``float_wins`` returns early for Python numbers, and the
engine fits and passes gradients on in one loop. Each is pinned here to what the slow
path computes: values and gradients on 0-d and broadcast inputs against PyTorch and
gradcheck, second order, hooks, retain_grad, grad modes and in-place detection.
"""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd.engine import backward_step
from graphgrad.autograd.function import _SHARED_NEEDS, _SHARED_VERSIONS
from graphgrad.autograd.ops.rule_helpers import float_wins
from graphgrad.autograd.testing import gradcheck, gradgradcheck


def _chain(x, w, n_ops, tanh):
    """benchmarks.tiny_chain's cycle: * w, + 0.01, tanh, * 1.5."""
    for i in range(n_ops):
        kind = i % 4
        x = x * w if kind == 0 else x + 0.01 if kind == 1 else tanh(x) if kind == 2 else x * 1.5
    return x


@pytest.mark.parametrize("shape", [(), (1,), (3,), (2, 3)])
def test_0d_and_small_chains_match_torch_values_and_gradients(shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-1, 1, shape)
    w0 = rng.uniform(0.9, 1.1, shape[-1:])  # broadcast against x along the last axis
    x, w = ag.tensor(x0, requires_grad=True), ag.tensor(w0, requires_grad=True)
    tx = torch.tensor(x0, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    out = _chain(x, w, 41, ag.tanh).sum()
    t_out = _chain(tx, tw, 41, torch.tanh).sum()
    out.backward()
    t_out.backward()
    np.testing.assert_allclose(out.item(), t_out.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10)
    assert x.grad.shape == shape and w.grad.shape == w0.shape


def test_0d_chain_passes_gradcheck_and_gradgradcheck():
    x = ag.tensor(np.array(0.3), requires_grad=True)
    w = ag.tensor(np.array(1.05), requires_grad=True)
    fn = lambda a, b: _chain(a, b, 12, ag.tanh)  # noqa: E731
    assert gradcheck(fn, [x, w])
    assert gradgradcheck(fn, [x, w])


def test_0d_second_order_matches_torch():
    torch = pytest.importorskip("torch")
    x = ag.tensor(np.array(0.4), requires_grad=True)
    tx = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    (g,) = ag.grad(_chain(x, 0.999, 9, ag.tanh), x, create_graph=True)
    (tg,) = torch.autograd.grad(_chain(tx, 0.999, 9, torch.tanh), tx, create_graph=True)
    g.backward()
    tg.backward()
    np.testing.assert_allclose(g.item(), tg.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.item(), tx.grad.item(), rtol=1e-10)


def test_hooks_and_retain_grad_on_0d_intermediates():
    x = ag.tensor(np.array(0.5), requires_grad=True)
    h = x * 3.0
    h.retain_grad()
    seen = []
    h.register_hook(lambda g: seen.append(g.item()) or g * 2.0)  # doubles what flows on
    y = ag.tanh(h)
    y.backward()
    slope = 1.0 - np.tanh(1.5) ** 2
    assert seen == [pytest.approx(slope)]
    assert h.grad.item() == pytest.approx(2.0 * slope)  # retained after the hook, as PyTorch
    assert x.grad.item() == pytest.approx(6.0 * slope)


def test_frozen_leaf_and_grad_modes_on_the_one_loop():
    x = ag.tensor(np.array(2.0), requires_grad=True)
    w = ag.tensor(np.array(3.0), requires_grad=True)
    y = x * w
    w.requires_grad_(False)  # after forward: no .grad for w (PyTorch)
    y.backward()
    assert x.grad.item() == 3.0 and w.grad is None
    with ag.no_grad():
        z = x * 5.0
    assert z.grad_fn is None and not z.requires_grad
    assert ag.grad(x * x * 0.5, x)[0].item() == 2.0  # autograd.grad: nothing accumulated
    assert x.grad.item() == 3.0


def test_shared_tuples_are_the_nodes_own_values():
    x = ag.tensor(np.array(1.0), requires_grad=True)
    c = ag.tensor(np.array(2.0))
    node = (c * x).grad_fn
    assert node.needs_input_grad == (False, True) and node.versions == (0, 0)
    assert node.needs_input_grad is _SHARED_NEEDS[(False, True)]
    assert node.versions is _SHARED_VERSIONS[(0, 0)]
    assert (x * 2.0).grad_fn.versions == (0, None)
    with ag.no_grad():
        x += 1.0  # bumps x's version: a later node records it, not a shared tuple
    node = (x * 2.0).grad_fn
    assert node.versions == (1, None) and node.versions is not _SHARED_VERSIONS.get((1, None))


def test_inplace_change_after_recording_is_still_caught():
    x = ag.tensor(np.array(1.0), requires_grad=True)
    h = x * 2.0
    y = h * h  # versions (0, 0): the shared tuple
    h += 1.0
    with pytest.raises(ag.InplaceModificationError):
        y.backward()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_0d_results_are_writable_0d_arrays_of_the_dtype(dtype):
    out = ag.tensor(np.array(0.5, dtype)) * 3.0
    assert type(out.data) is np.ndarray and out.shape == () and out.dtype == dtype
    out.data[...] = 1.0  # nothing saved it: an ordinary array
    assert out.item() == 1.0


def test_fit_grad_casts_and_sums_when_the_dtype_or_shape_differs():
    x = ag.tensor(np.ones((2, 1), np.float32), requires_grad=True)
    y = x * 1.0
    fitted = x._fit_grad(np.full((3, 2, 4), 0.5), y.grad_fn)  # float64, broadcast
    assert fitted.dtype == np.float32 and fitted.shape == (2, 1)
    np.testing.assert_array_equal(fitted, np.full((2, 1), 6.0, np.float32))
    grads = backward_step((x * ag.tensor(np.ones(3, np.float32))).grad_fn,
                          np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(grads[0], np.full((2, 1), 3.0, np.float32))


def test_float_wins_keeps_python_numbers_weak():
    a = np.ones(2, np.float32)
    assert float_wins(a, 2.0) == (a, 2.0) and float_wins(3, a) == (3, a)
    x, y = float_wins(a, np.array([1, 2]))
    assert y.dtype == np.float32
    assert (ag.tensor(a) * 1.0001).dtype == np.float32
