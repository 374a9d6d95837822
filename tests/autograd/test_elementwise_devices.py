"""The elementwise ops' device-specific paths on array-api-strict, against numpy.

The op spec table (run over devices by ``tests/portability``) covers the ordinary cases;
these are the branches a random draw rarely reaches: a number base in ``2.0 ** t``, both
branches of ``where`` numbers, ties of ``maximum``, integer input to ``sigmoid`` on a
device without float64, and numpy's warnings silenced on array-api-strict as on numpy.
"""
import warnings

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import backend

pytest.importorskip("array_api_strict")

DEVICE = "array_api_strict:device1"  # refuses any silent copy to numpy


def _grads_on(device, fn, *arrays):
    leaves = [gg.tensor(a, requires_grad=True, device=device) for a in arrays]
    out = fn(*leaves)
    out.backward(gg.ones_like(out))
    return backend.to_host(out.data), [backend.to_host(leaf.grad.data) for leaf in leaves]


@pytest.mark.parametrize("base", [2.0, 0.0, 0.5])
def test_number_base_power_matches_numpy_on_a_device(base):
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0.0 ** -1.5 = inf, as numpy says
        expected, (grad,) = _grads_on("cpu", lambda t: base ** t, x)
        got, (got_grad,) = _grads_on(DEVICE, lambda t: base ** t, x)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-15)


def test_exponent_gradient_at_a_zero_base_warns_on_neither_backend():
    x = np.array([0.0, 0.0, 2.0])
    y = np.array([2.0, -1.0, 0.5])
    grads = []
    for device in ("cpu", DEVICE):
        exponent = gg.tensor(y, requires_grad=True, device=device)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the forward's 0 ** -1 = inf
            out = gg.tensor(x, device=device) ** exponent
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the rule's log(0) is masked or silenced
            out.backward(gg.ones_like(out))
        grads.append(backend.to_host(exponent.grad.data))
    np.testing.assert_array_equal(grads[1], grads[0])
    assert grads[0][0] == 0 and grads[0][1] == -np.inf


def test_where_of_two_numbers_is_an_array_on_the_condition_device():
    condition = gg.tensor(np.array([True, False, True]), device=DEVICE)
    out = gg.where(condition, 1.0, 2.0)
    assert out.device == gg.device(DEVICE)
    np.testing.assert_array_equal(backend.to_host(out.data), [1.0, 2.0, 1.0])


def test_where_with_a_number_branch_routes_the_gradient_on_a_device():
    x = np.array([0.5, -1.0, 2.0])
    condition = np.array([True, False, True])

    def fn(device):
        c = gg.tensor(condition, device=device)
        return _grads_on(device, lambda t: gg.where(c, t, 0.0) + gg.where(c, 1.0, t), x)

    (expected, grads), (got, got_grads) = fn("cpu"), fn(DEVICE)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_grads[0], grads[0])
    np.testing.assert_array_equal(got_grads[0], [1.0, 1.0, 1.0])


@pytest.mark.parametrize("op", [gg.maximum, gg.minimum])
def test_ties_split_the_gradient_on_a_device(op):
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 0.0, 5.0])
    expected, grads = _grads_on("cpu", op, x, y)
    got, got_grads = _grads_on(DEVICE, op, x, y)
    np.testing.assert_array_equal(got, expected)
    for g, e in zip(got_grads, grads):
        np.testing.assert_array_equal(g, e)
    assert got_grads[0][0] == got_grads[1][0] == 0.5


def test_sigmoid_of_integers_is_the_device_default_float_and_never_overflows():
    x = gg.tensor(np.array([-1000, 0, 1000]), device="array_api_strict:no_float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = x.sigmoid()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(backend.to_host(out.data), [0.0, 0.5, 1.0])
    assert gg.tensor(np.array([0, 1])).sigmoid().dtype == np.float64  # numpy's default


def test_cast_round_trip_keeps_the_device_and_casts_the_gradient_back():
    x = gg.tensor(np.array([0.1, 0.2]), requires_grad=True, device=DEVICE)
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.device == gg.device(DEVICE)
    (y * 3.0).backward(gg.ones_like(y))
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(backend.to_host(x.grad.data), [3.0, 3.0])
