"""Gradients of every op: gradcheck in float64 over hypothesis-drawn inputs, tie rules,
and known values worked out by hand."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import gradcheck
from tests.autograd.op_specs import SPECS, cases, float_outputs

GRAD_SPECS = [spec for spec in SPECS if spec.differentiable]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=[spec.name for spec in GRAD_SPECS])
@given(data=st.data())
def test_op_gradcheck(spec, data):
    arrays, kwargs = data.draw(cases(spec, max_side=3))
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(float_outputs(spec, kwargs), leaves, **spec.check)



# ---------------------------------------------------------------- documented tie rules
def _grad_of(fn, *values):
    leaves = [ag.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    fn(*leaves).sum().backward()
    return [leaf.grad.data for leaf in leaves]


@pytest.mark.parametrize("op", ["max", "min"])
def test_reduction_ties_split_gradient_evenly(op):
    sign = 1.0 if op == "max" else -1.0
    x = sign * np.array([1.0, 3.0, 3.0, 2.0])
    (grad,) = _grad_of(lambda t: getattr(t, op)(), x)
    np.testing.assert_array_equal(grad, [0.0, 0.5, 0.5, 0.0])
    (grad,) = _grad_of(lambda t: getattr(ag, op)(t), sign * np.array([2.0, 2.0, 2.0]))
    np.testing.assert_allclose(grad, [1 / 3] * 3, rtol=1e-15)
    rows = sign * np.array([[1.0, 1.0, 0.0], [2.0, 0.0, 5.0]])
    (grad,) = _grad_of(lambda t: getattr(t, op)(axis=1, keepdims=True), rows)
    np.testing.assert_array_equal(grad, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize("op, x_share", [("maximum", [0.5, 1.0, 0.0]),
                                         ("minimum", [0.5, 0.0, 1.0])])
def test_maximum_minimum_ties_split_gradient_evenly(op, x_share):
    fn = getattr(ag, op)
    grad_x, grad_y = _grad_of(fn, [1.0, 2.0, 3.0], [1.0, 0.0, 4.0])
    np.testing.assert_array_equal(grad_x, x_share)
    np.testing.assert_array_equal(grad_y, 1.0 - np.array(x_share))
    # a broadcast operand collects its half of every tie
    grad_x, grad_y = _grad_of(fn, [2.0, 2.0, 7.0 if op == "maximum" else -7.0], 2.0)
    np.testing.assert_array_equal(grad_x, [0.5, 0.5, 1.0])
    assert grad_y == 1.0


@pytest.mark.parametrize("fn, at_kink", [
    (ag.relu, 0.0),                                  # PyTorch's choice
    (ag.abs, 0.0),                                   # numpy's sign(0)
    (lambda t: ag.leaky_relu(t, 0.2), 0.2),          # the negative side's slope
    (lambda t: ag.clip(t, 0.0, 1.0), 1.0),           # bounds belong to the inside
])
def test_gradient_at_a_kink_follows_the_documented_choice(fn, at_kink):
    (grad,) = _grad_of(fn, [0.0])
    assert grad[0] == at_kink


# ---------------------------------------------------------------- known values
def _d(fn, *at):
    """Gradients of a scalar function at Python floats, as Python floats."""
    return [float(g) for g in _grad_of(fn, *at)]


@pytest.mark.parametrize("fn, at, expected", [
    (lambda x: x * x + 3 * x, (2.0,), [7.0]),
    (lambda x: x ** 3, (2.0,), [12.0]),
    (lambda x: 1.0 / x, (2.0,), [-0.25]),
    (lambda x, y: x / y, (6.0, 3.0), [1 / 3, -6 / 9]),
    (lambda x, y: x ** y, (2.0, 3.0), [12.0, 8.0 * np.log(2.0)]),
    (lambda x: 2.0 ** x, (3.0,), [8.0 * np.log(2.0)]),
    (lambda x: x.sin() * x, (np.pi,), [-np.pi]),
    (lambda x: x.log(), (4.0,), [0.25]),
    (lambda x: x.exp(), (1.0,), [np.e]),
    (lambda x: x.sqrt(), (4.0,), [0.25]),
    (lambda x: x.tanh(), (0.0,), [1.0]),
    (lambda x: x.sigmoid(), (0.0,), [0.25]),
    (lambda x: x.softplus(), (0.0,), [0.5]),
    (lambda x: x.gelu(approximate="tanh"), (0.0,), [0.5]),
    (lambda x: x.log1p(), (1.0,), [0.5]),
    (lambda x, y: (x - y) * (x + y), (3.0, 2.0), [6.0, -4.0]),
])
def test_known_derivatives(fn, at, expected):
    np.testing.assert_allclose(_d(fn, *at), expected, rtol=1e-12)


def test_gelu_derivative_within_documented_erf_error():
    # d/dx x Phi(x) = Phi(x) + x phi(x); erf is approximated to 1.2e-7 relative error
    for at in (0.0, 1.0, -2.0):
        phi = np.exp(-at * at / 2) / np.sqrt(2 * np.pi)
        expected = 0.5 * (1 + math.erf(at / np.sqrt(2))) + at * phi
        assert _d(lambda x: x.gelu(), at)[0] == pytest.approx(expected, rel=2e-7, abs=2e-8)


def test_broadcast_gradients_sum_back_to_each_shape():
    grad_x, grad_y = _grad_of(lambda x, y: x + y, np.zeros((3, 1)), np.zeros(4))
    np.testing.assert_array_equal(grad_x, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(grad_y, np.full(4, 3.0))
    grad_x, grad_y = _grad_of(lambda x, y: x * y, np.full((2, 3), 2.0), 5.0)
    np.testing.assert_array_equal(grad_x, np.full((2, 3), 5.0))
    assert grad_y == 12.0


def test_repeated_indices_accumulate():
    (grad,) = _grad_of(lambda x: x[np.array([0, 0, 2, 0])], np.arange(4.0))
    np.testing.assert_array_equal(grad, [3.0, 0.0, 1.0, 0.0])


def test_matmul_and_reduction_known_gradients():
    a, b = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 2.0])
    grad_a, grad_b = _grad_of(lambda x, y: x @ y, a, b)
    np.testing.assert_array_equal(grad_a, np.tile(b, (2, 1)))
    np.testing.assert_array_equal(grad_b, a.sum(axis=0))
    (grad,) = _grad_of(lambda x: x.mean(), np.zeros((2, 2)))
    np.testing.assert_array_equal(grad, np.full((2, 2), 0.25))
    (grad,) = _grad_of(lambda x: x.var(ddof=1), [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(grad, [-1.0, -1 / 3, 1 / 3, 1.0], rtol=1e-12)
    (grad,) = _grad_of(lambda x: x.softmax(), [0.3, -1.0, 2.0])  # softmax sums to 1
    np.testing.assert_allclose(grad, 0.0, atol=1e-15)
