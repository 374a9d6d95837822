"""Pins on the one-object-per-op Scalar (an op-made Scalar is its own graph node) that the
Scalar and lean-loop tests leave open: copies and pickles of op-made Scalars, the
forward-time values both backward loops use after ``.data`` is reassigned, passes that switch
between the lean and the generic loop, second order through the ``.grad`` that
``backward(create_graph=True)`` stores for every op (reflected constants included, against
float64 Tensors), number types on either side of an operator, and the generic loop on a deep
chain.
"""
import copy
import math
import pickle

import numpy as np
import pytest

from graphgrad import autograd
from graphgrad.autograd import Scalar, Tensor

# name -> f(x) for one input x (a Scalar or a float64 0-d Tensor); constants on both sides
SECOND_ORDER = {
    "cube": lambda x: x * x * x,
    "exp": lambda x: (x * 0.3).exp(),
    "log": lambda x: (x * x + 1.0).log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "constant ** x": lambda x: 2.0 ** x,
    "x ** fraction": lambda x: x ** 2.5,
    "x ** x": lambda x: x ** x,
    "constant / x": lambda x: 1.5 / x,
    "x / x squared plus one": lambda x: x / (x * x + 1.0),
    "relu times x": lambda x: x.relu() * x,
    "constant - x squared": lambda x: 3.0 - x * x,
    "neg": lambda x: -(x * x),
}


def _tensor(value):
    return Tensor(np.float64(value), requires_grad=True)


@pytest.mark.parametrize("name", SECOND_ORDER)
@pytest.mark.parametrize("at", [0.7, 1.6])
def test_second_order_through_the_grad_backward_create_graph_stores(name, at):
    f = SECOND_ORDER[name]
    t = _tensor(at)
    (dt,) = autograd.grad(f(t), t, create_graph=True)
    (ddt,) = autograd.grad(dt, t)
    x = Scalar(at)
    f(x).backward(create_graph=True)
    first = x.grad
    assert type(first) is Scalar
    assert first.data == pytest.approx(float(dt.data), rel=1e-12)
    x.grad = 0.0
    first.backward()  # the lean loop, over the recorded backward pass
    assert x.grad == pytest.approx(float(ddt.data), rel=1e-12)


def _graph():
    x, w = Scalar(0.5), Scalar(-1.5)
    return x, w, ((x * w + 1.0).tanh() * 2.0 - w / (x * x + 1.0)) ** 2


def _expected_grads():
    x, w = _tensor(0.5), _tensor(-1.5)
    (((x * w + 1.0).tanh() * 2.0 - w / (x * x + 1.0)) ** 2).backward()
    return float(x.grad.data), float(w.grad.data)


def test_copies_and_pickles_of_an_op_made_scalar_backpropagate_to_their_own_leaves():
    expected = _expected_grads()
    x, w, out = _graph()
    shallow = copy.copy(out)  # the same inputs: its backward reaches x and w
    shallow.backward()
    assert (x.grad, w.grad) == pytest.approx(expected, rel=1e-12)
    for clone in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        assert clone.data == out.data and clone.grad_fn.name() == "pow"
        clone.backward()  # its own copies of the leaves, not x and w
        assert (x.grad, w.grad) == pytest.approx(expected, rel=1e-12)
        leaves = sorted(clone._prev, key=id)
        assert all(v is not x and v is not w for v in leaves)


@pytest.mark.parametrize("loop", ["lean", "generic"])
def test_reassigning_data_after_forward_keeps_the_forward_time_gradients(loop):
    expected = _expected_grads()
    x, w, out = _graph()
    if loop == "generic":
        x.register_hook(lambda grad: None)  # a hook takes the generic loop
    x.data, w.data = 10.0, 20.0
    out.backward()
    assert (x.grad, w.grad) == pytest.approx(expected, rel=1e-12)


def test_passes_switching_between_the_loops_accumulate_the_same_sums():
    expected = np.array(_expected_grads())
    x, w, out = _graph()
    handle = w.register_hook(lambda grad: None)
    out.backward()  # generic
    out.backward()  # generic again: nothing of a Scalar graph is freed
    handle.remove()
    out.backward()  # lean
    np.testing.assert_allclose((x.grad, w.grad), 3 * expected, rtol=1e-12)
    assert out.grad == 3.0


NUMBERS = [3.0, 3, np.float64(3.0), np.float32(3.0), np.int64(3)]
# name -> (f(constant, x), d/dx at x = 2 with the constant 3)
SIDES = {
    "c * x": (lambda c, x: c * x, 3.0),
    "x * c": (lambda c, x: x * c, 3.0),
    "c + x": (lambda c, x: c + x, 1.0),
    "c - x": (lambda c, x: c - x, -1.0),
    "x - c": (lambda c, x: x - c, 1.0),
    "c / x": (lambda c, x: c / x, -0.75),
    "x / c": (lambda c, x: x / c, 1 / 3),
    "x ** c": (lambda c, x: x ** c, 12.0),
    "c ** x": (lambda c, x: c ** x, 9.0 * math.log(3.0)),
}


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: type(n).__name__)
@pytest.mark.parametrize("name", SIDES)
def test_a_number_on_either_side_is_a_constant_of_a_float_graph(name, number):
    f, slope = SIDES[name]
    x = Scalar(2.0)
    out = f(number, x)
    assert type(out) is Scalar and type(out.data) is float
    assert out.data == pytest.approx(f(3.0, 2.0), rel=1e-15)
    out.backward()
    assert type(x.grad) is float
    assert x.grad == pytest.approx(slope, rel=1e-12)
    assert out.grad_fn.parents.count(x) == 1  # the constant is no input


def test_generic_loop_and_grad_on_a_20000_deep_chain():
    x = Scalar(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.00001 + 0.0
    x.register_hook(lambda grad: None)  # the generic loop
    y.backward()
    assert x.grad == pytest.approx(1.00001 ** 20_000, rel=1e-9)
    (dx,) = autograd.grad(y, x)
    assert dx.data == pytest.approx(1.00001 ** 20_000, rel=1e-9)
