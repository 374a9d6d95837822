"""Pins for 0-d Tensor ops (issue 20 speeds up their per-op overhead): a random chain of 0-d
ops gives the values, dtypes and gradients of the same chain on one-element 1-d Tensors
(which no 0-d shortcut takes), bit for bit, in float32 and float64, with Python numbers on
either side; hooks and ``retain_grad`` on 0-d intermediates, a 0-d value
broadcast against a vector, an input that does not require grad, in-place writes after use,
and second order.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad as gg
from graphgrad import autograd
from graphgrad.autograd.errors import InplaceModificationError

BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: b - a,
          lambda a, b: a / (b * b + 1.0), lambda a, b: (a * a + 0.5) ** 1.5,
          lambda a, b: gg.maximum(a, b), lambda a, b: gg.where(a > b, a, b * 2.0)]
UNARY = [lambda a: -a, lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a.relu(),
         lambda a: (a * 0.1).exp(), lambda a: (a * a + 1.0).log(), lambda a: a.abs(),
         lambda a: 2.0 * a, lambda a: np.float32(0.5) * a, lambda a: a * np.float64(1.5),
         lambda a: 3 - a, lambda a: 1.0 / (a * a + 2), lambda a: a ** 2,
         lambda a: (a * a + 1e-3).sqrt()]


def _program(seed, n_ops, leaves):
    rng = np.random.default_rng(seed)
    pool = list(leaves)
    for _ in range(n_ops):
        if rng.random() < 0.5:
            op = BINARY[rng.integers(len(BINARY))]
            pool.append(op(pool[rng.integers(len(pool))], pool[rng.integers(len(pool))]))
        else:
            pool.append(UNARY[rng.integers(len(UNARY))](pool[rng.integers(len(pool))]))
    root = pool[-1]
    for value in pool[-4:-1]:
        root = root + value
    return root.sum()


@given(seed=st.integers(0, 2**32 - 1), n_ops=st.integers(1, 30),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_a_zero_d_chain_equals_the_same_chain_on_one_element_vectors(seed, n_ops, dtype):
    values = np.random.default_rng(seed).uniform(-1.5, 1.5, 3).astype(dtype)
    results = []
    for shape in ((), (1,)):
        leaves = [gg.tensor(v.reshape(shape), requires_grad=True) for v in values]
        out = _program(seed, n_ops, leaves)
        out.backward()
        results.append((out, [leaf.grad for leaf in leaves]))
    (out0, grads0), (out1, grads1) = results
    assert out0.dtype == out1.dtype  # np.float64 numbers are strong (numpy's rule) in both
    np.testing.assert_array_equal(out0.data, out1.data)
    for g0, g1 in zip(grads0, grads1):
        assert (g0 is None) == (g1 is None)
        if g0 is not None:
            assert g0.shape == () and g0.dtype == g1.dtype == dtype  # the leaf's dtype
            np.testing.assert_array_equal(g0.data, g1.data.reshape(()))


@pytest.mark.parametrize("number", [2.5, 2, True])
@pytest.mark.parametrize("side", ["left", "right"])
def test_numbers_on_either_side_of_a_float32_zero_d_tensor_are_weak(number, side):
    x = gg.tensor(np.float32(1.25), requires_grad=True)
    out = (number * x + number) if side == "left" else (x * number - number)
    assert out.dtype == np.float32 and out.shape == ()
    out.backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == ()
    assert float(x.grad.data) == float(np.float32(number))


def test_hooks_and_retain_grad_on_zero_d_intermediates():
    x = gg.tensor(1.5, dtype=np.float64, requires_grad=True)
    h = x * x
    h.retain_grad()
    seen = []
    h.register_hook(lambda grad: seen.append(float(grad.data)) or grad * 10)
    (h * 3.0 + x).backward()
    assert seen == [3.0] and float(h.grad.data) == 30.0  # PyTorch: retain_grad runs last
    assert float(x.grad.data) == 10 * 3.0 * 2 * 1.5 + 1.0


def test_a_zero_d_value_broadcast_against_a_vector_gets_the_summed_gradient():
    x = gg.tensor(2.0, dtype=np.float64, requires_grad=True)
    v = gg.tensor(np.array([1.0, -2.0, 4.0]), requires_grad=True)
    (x * v + x).sum().backward()
    assert x.grad.shape == () and float(x.grad.data) == 3.0 + 3.0
    np.testing.assert_array_equal(v.grad.data, [2.0, 2.0, 2.0])


def test_a_zero_d_input_that_does_not_require_grad_gets_none():
    x = gg.tensor(2.0, dtype=np.float64, requires_grad=True)
    c = gg.tensor(3.0, dtype=np.float64)
    (x * c + c * c).backward()
    assert float(x.grad.data) == 3.0 and c.grad is None


def test_an_in_place_write_to_a_used_zero_d_tensor_is_detected():
    x = gg.tensor(2.0, dtype=np.float64, requires_grad=True)
    h = x * 1.0
    y = h * h
    h += 1.0
    with pytest.raises(InplaceModificationError):
        y.backward()


def test_second_order_through_a_zero_d_chain():
    x = gg.tensor(0.7, dtype=np.float64, requires_grad=True)
    y = (x * x * x).tanh() + 2.0 ** x
    (dx,) = autograd.grad(y, x, create_graph=True)
    (ddx,) = autograd.grad(dx, x)
    v = 0.7
    t = np.tanh(v ** 3)
    first = (1 - t * t) * 3 * v * v + np.log(2) * 2 ** v
    second = (-2 * t * (1 - t * t) * 9 * v ** 4 + (1 - t * t) * 6 * v
              + np.log(2) ** 2 * 2 ** v)
    assert float(dx.data) == pytest.approx(first, rel=1e-12)
    assert float(ddx.data) == pytest.approx(second, rel=1e-12)
