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


# ---------------------------------------------------------------- math ops of issue 14
def _same_on_device(fn, *arrays, device=DEVICE):
    """``fn`` of Tensors on ``device`` equals ``fn`` on numpy's (values, dtype)."""
    expected = fn(*(gg.tensor(a) for a in arrays))
    got = fn(*(gg.tensor(a, device=device) for a in arrays))
    assert got.device == gg.device(device)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(backend.to_host(got.data), backend.to_host(expected.data))


@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round_to_decimals_matches_numpy_on_a_device(decimals):
    x = np.array([0.125, 2.5, -3.55, 1234.5678, 15.0, -0.0])
    _same_on_device(lambda t: gg.round(t, decimals=decimals), x)


def test_rounding_integers_to_tens_needs_numpy():
    x = gg.tensor(np.array([15, 25]), device=DEVICE)
    with pytest.raises(gg.DeviceError, match="round: decimals=-1 .* 'cpu'"):
        gg.round(x, decimals=-1)
    _same_on_device(lambda t: gg.round(t, decimals=2), np.array([15, 25]))


def test_fmod_keeps_the_sign_of_the_dividend_on_a_device():
    x = np.array([-7.0, 7.0, -0.0, 5.5, -1e300, np.inf])
    y = np.array([3.0, -3.0, 2.0, np.inf, 7.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fmod(inf, 2) is NaN, as numpy says
        _same_on_device(gg.fmod, x, y)
        _same_on_device(lambda t: gg.fmod(t, -2.5), x)
    _same_on_device(gg.fmod, np.array([-7, 7, 6]), np.array([3, -3, 4]))
    got = gg.fmod(gg.tensor(np.array([-0.0, 1.0])), 1.0)
    assert np.signbit(backend.to_host(got.data)[0])


def test_nan_to_num_defaults_to_the_dtype_extremes_on_a_device():
    x = np.array([np.nan, np.inf, -np.inf, 1.0])
    for dtype, device in ((np.float64, DEVICE), (np.float32, "array_api_strict:no_float64")):
        _same_on_device(gg.nan_to_num, x.astype(dtype), device=device)
        _same_on_device(lambda t: gg.nan_to_num(t, nan=1.0, posinf=2.0, neginf=-2.0),
                        x.astype(dtype), device=device)


def test_nan_to_num_gradient_is_zero_at_replaced_entries_also_for_an_infinite_gradient():
    x = gg.tensor(np.array([np.nan, 1.0]), requires_grad=True, device=DEVICE)
    out = gg.nan_to_num(x)
    out.backward(gg.tensor(np.array([np.inf, 2.0]), device=DEVICE))
    np.testing.assert_array_equal(backend.to_host(x.grad.data), [0.0, 2.0])


@pytest.mark.parametrize("equal_nan", [False, True])
def test_isclose_matches_numpy_on_a_device(equal_nan):
    x = np.array([1.0, 1.0 + 1e-6, 1.1, np.inf, np.inf, np.nan, 0.0, 1e-9])
    y = np.array([1.0, 1.0, 1.0, np.inf, -np.inf, np.nan, 1e-9, 0.0])
    _same_on_device(lambda a, b: gg.isclose(a, b, equal_nan=equal_nan), x, y)
    _same_on_device(lambda a: gg.isclose(a, 1.0, rtol=0.2), x)
    _same_on_device(lambda a, b: gg.isclose(a, b), np.array([1, 2, 3]), np.array([1, 3, 3]))


def test_exp2_erf_and_sigmoid_of_integers_compute_in_the_default_float_on_a_device():
    ints = np.array([-2, 0, 3])
    _same_on_device(gg.exp2, ints)
    np.testing.assert_allclose(
        backend.to_host(gg.erf(gg.tensor(np.array([0.3, -2.0]), device=DEVICE)).data),
        backend.to_host(gg.erf(gg.tensor(np.array([0.3, -2.0]))).data), rtol=0, atol=0)


def test_logical_ops_take_numbers_as_truth_values_on_a_device():
    x = np.array([0.0, 2.0, np.nan, -1.0])
    y = np.array([1, 0, 0, 3])
    for op in (gg.logical_and, gg.logical_or, gg.logical_xor):
        _same_on_device(op, x, y)
    _same_on_device(gg.logical_not, x)
    _same_on_device(lambda a: gg.logical_and(a, True), x)


def test_reductions_and_bitwise_operators_on_a_device():
    x = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
    _same_on_device(lambda a: gg.count_nonzero(a, axis=1, keepdims=True), x)
    _same_on_device(lambda a: gg.count_nonzero(a), x)
    _same_on_device(lambda a: gg.any(a, axis=1), x)
    _same_on_device(lambda a: gg.all(a), x)
    i, j = np.array([1, 6, -3]), np.array([2, 3, 1])
    for op in (lambda a, b: a & b, lambda a, b: a | b, lambda a, b: a ^ b,
               lambda a, b: a << b, lambda a, b: a >> b, lambda a, b: ~a, lambda a, b: 3 << b):
        _same_on_device(op, i, j)
    with pytest.raises(gg.DtypeError, match="left_shift: needs integer tensors"):
        gg.tensor(np.array([True]), device=DEVICE) << 1


def test_copysign_with_a_number_sign_routes_the_gradient_on_a_device():
    x = np.array([1.5, -2.0, 0.0])
    for sign in (-0.0, 0.0, -3.0):
        expected, (grad,) = _grads_on("cpu", lambda t, s=sign: gg.copysign(t, s), x)
        got, (got_grad,) = _grads_on(DEVICE, lambda t, s=sign: gg.copysign(t, s), x)
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got_grad, grad)


def test_number_first_operands_take_the_tensor_library():
    x = np.array([0.5, -1.0, 2.0])
    for op in (lambda t: gg.atan2(1.0, t), lambda t: gg.maximum(0.5, t),
               lambda t: gg.minimum(0.5, t), lambda t: gg.logaddexp(0.0, t),
               lambda t: gg.remainder(7.0, t), lambda t: gg.fmod(-7.0, t),
               lambda t: gg.floor_divide(7.0, t)):
        expected, grads = _grads_on("cpu", op, x)
        got, got_grads = _grads_on(DEVICE, op, x)
        np.testing.assert_allclose(got, expected, rtol=1e-15)
        np.testing.assert_allclose(got_grads[0], grads[0], rtol=1e-15)


def test_integer_division_by_zero_raises_on_a_device():
    x = gg.tensor(np.array([3, 4]), device=DEVICE)
    with pytest.raises(ZeroDivisionError, match=r"remainder: integer division by zero .*\(2,\)"):
        x % gg.tensor(np.array([1, 0]), device=DEVICE)
    with pytest.raises(ZeroDivisionError, match="floor_divide"):
        x // 0


def test_softmax_and_log_softmax_of_an_empty_axis_on_a_device():
    _same_on_device(lambda t: gg.softmax(t, axis=1), np.zeros((2, 0)))
    _same_on_device(lambda t: gg.log_softmax(t, axis=0), np.zeros((0, 3)))
