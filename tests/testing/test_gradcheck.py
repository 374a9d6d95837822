"""Tests of autograd.testing: gradcheck, gradgradcheck and the hypothesis strategies."""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Function, Tensor
from graphgrad.autograd.testing import GradcheckError, gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as gst


def leaf(values, requires_grad=True, dtype=np.float64):
    return Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


class Square(Function):
    """out = x * x.  d/dx = 2 x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class MulAdd(Function):
    """out = x * y + y.  d/dx = y, d/dy = x + 1."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y + y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * y, grad * (x + 1)


class MulAddWrongAt(MulAdd):
    """MulAdd whose gradient for y is off by 1 at element (1, 2) only."""

    @staticmethod
    def backward(ctx, grad):
        grad_x, grad_y = MulAdd.backward(ctx, grad)
        error = np.zeros(np.shape(grad_y))
        error[1, 2] = 1.0
        return grad_x, grad_y + error


class Cube(Function):
    """out = x**3.  d/dx = 3 x**2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class CubeFlatSecond(Cube):
    """Cube with a backward that is right once but constant in x.

    The factor ``3 x**2`` is taken from the raw array, so under
    ``create_graph=True`` it is a constant and the second derivative is lost.
    """

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        raw = np.asarray(getattr(x, "data", x))
        return grad * Tensor(3 * raw ** 2) if isinstance(grad, Tensor) else grad * 3 * raw ** 2


class CubeWrongFactor(Cube):
    """Cube with the wrong rule d/dx = 2 x**2."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x


# ---------------------------------------------------------------- gradcheck passes
def test_gradcheck_custom_function_passes():
    x = leaf([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    assert gradcheck(Square.apply, x) is True


def test_gradcheck_two_inputs_passes():
    x = leaf(np.arange(12.0).reshape(3, 4) / 7)
    y = leaf(np.linspace(-1, 1, 12).reshape(3, 4))
    assert gradcheck(MulAdd.apply, (x, y)) is True


def test_gradcheck_zero_dim_and_builtin_ops_pass():
    x = leaf(0.7)
    y = leaf([0.3, -1.2, 2.0])
    assert gradcheck(lambda a, b: (a * b).tanh() + b.exp() * a, [x, y])


def test_gradcheck_passes_non_tensor_arguments_through():
    x = leaf([1.0, 2.0, 3.0])
    assert gradcheck(lambda a, scale, name: a * a * scale, (x, 2.5, "unused"))


def test_gradcheck_checks_only_inputs_that_require_grad():
    x = leaf([1.0, 2.0])
    constant = leaf([3.0, 4.0], requires_grad=False, dtype=np.float32)
    assert gradcheck(lambda a, c: a * Tensor(c.data.astype(np.float64)), (x, constant))


def test_gradcheck_multiple_outputs():
    x = leaf([[0.5, -0.5], [1.5, 2.0]])
    assert gradcheck(lambda a: (a * a, a.exp().sum()), x)


def test_gradcheck_input_unused_by_the_output_gets_zero_gradient():
    x = leaf([1.0, 2.0])
    unused = leaf([5.0, 6.0, 7.0])
    assert gradcheck(lambda a, b: a * a, (x, unused))


def test_gradcheck_output_independent_of_every_input():
    x = leaf([1.0, 2.0])
    assert gradcheck(lambda a: Tensor(np.array([1.0, 2.0])), x)


def test_gradcheck_works_inside_no_grad():
    x = leaf([1.0, 2.0])
    with autograd.no_grad():
        assert gradcheck(Square.apply, x)


# ---------------------------------------------------------------- gradcheck fails
def test_gradcheck_wrong_backward_names_input_and_element():
    x = leaf(np.arange(12.0).reshape(3, 4) / 5)
    y = leaf(np.linspace(-2, 2, 12).reshape(3, 4))
    with pytest.raises(GradcheckError) as info:
        gradcheck(MulAddWrongAt.apply, (x, y))
    message = str(info.value)
    assert "input 1, element (1, 2)" in message
    assert "1 of 12 elements" in message
    assert "input 0" not in message
    # The output is not scalar: the values named are those of sum(out * v), with
    # |v| in [0.5, 1.5], so they differ by the error (1.0) times |v|.
    analytic, numerical = map(float, re.search(r"analytic (\S+) != numerical (\S+)",
                                               message).groups())
    assert 0.5 <= abs(analytic - numerical) <= 1.5
    assert "sum(out * v)" in message
    assert isinstance(info.value, AssertionError)


def test_gradcheck_every_element_is_checked():
    x = leaf(np.arange(1.0, 7.0).reshape(2, 3))
    with pytest.raises(GradcheckError, match=r"input 0, element \(0, 0\).*6 of 6 elements"):
        gradcheck(CubeWrongFactor.apply, x)


def test_gradcheck_scalar_output_reports_the_plain_gradient():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a: CubeWrongFactor.apply(a).sum(), x)
    message = str(info.value)
    # d/dx x**3 = 3 x**2 = 3 at x = 1; the wrong rule says 2 x**2 = 2
    analytic, numerical = map(float, re.search(r"analytic (\S+) != numerical (\S+)",
                                               message).groups())
    assert "input 0, element (0,)" in message and "3 of 3 elements" in message
    assert analytic == pytest.approx(2.0) and numerical == pytest.approx(3.0, abs=1e-6)
    assert "sum(out * v)" not in message


def test_gradcheck_raise_exception_false_returns_false():
    x = leaf(np.ones((3, 4)))
    y = leaf(np.ones((3, 4)))
    assert gradcheck(MulAddWrongAt.apply, (x, y), raise_exception=False) is False


def test_gradcheck_rejects_float32_inputs():
    x = leaf([1.0, 2.0], dtype=np.float32)
    with pytest.raises(ValueError, match="input 0 has dtype float32.*float64"):
        gradcheck(Square.apply, x)


def test_gradcheck_rejects_inputs_without_grad():
    x = leaf([1.0, 2.0], requires_grad=False)
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(Square.apply, x)


def test_gradcheck_rejects_float32_outputs():
    x = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match="output 0 .*float32"):
        gradcheck(lambda a: a.astype(np.float32), x)


# ---------------------------------------------------------------- state is restored
def test_gradcheck_restores_data_and_grad():
    x = leaf([[1.0, -2.0], [0.1, 3.0]])
    y = leaf([[0.5, 0.5], [2.0, -1.0]])
    x_array, x_copy = x.data, x.data.copy()
    old_grad = Tensor(np.full((2, 2), 7.0))
    x.grad = old_grad
    gradcheck(MulAdd.apply, (x, y))
    assert x.data is x_array
    np.testing.assert_array_equal(x.data, x_copy)
    assert x.grad is old_grad
    np.testing.assert_array_equal(old_grad.data, np.full((2, 2), 7.0))
    assert y.grad is None


def test_gradcheck_restores_data_when_fn_raises():
    x = leaf([1.0, 2.0, 3.0])
    original = x.data.copy()
    calls = []

    def flaky(a):
        calls.append(1)
        if len(calls) > 3:  # fails during the central differences
            raise RuntimeError("boom")
        return a * a

    with pytest.raises(RuntimeError, match="boom"):
        gradcheck(flaky, x)
    np.testing.assert_array_equal(x.data, original)
    assert x.grad is None


def test_gradcheck_restores_grad_even_if_fn_calls_backward():
    x = leaf([1.0, 2.0])

    def calls_backward(a):
        out = a * a
        if autograd.is_grad_enabled():
            (out.sum()).backward(retain_graph=True)
        return out

    gradcheck(calls_backward, x)
    assert x.grad is None


# ---------------------------------------------------------------- gradgradcheck
def test_gradgradcheck_passes_on_twice_differentiable_ops():
    x = leaf([[0.3, -0.7], [1.1, 0.2]])
    y = leaf([0.5, -1.5])
    assert gradgradcheck(lambda a, b: (a * b).tanh() * a, (x, y))


def test_gradgradcheck_passes_with_given_grad_outputs():
    x = leaf([0.3, -0.7, 1.1])
    assert gradgradcheck(Cube.apply, x, grad_outputs=np.array([1.0, -2.0, 0.5]))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    x = leaf([0.5, -1.0, 2.0])
    assert gradcheck(CubeFlatSecond.apply, x)
    with pytest.raises(GradcheckError, match="input 0, element \\(0,\\)"):
        gradgradcheck(CubeFlatSecond.apply, x)


def test_gradgradcheck_linear_function_has_zero_second_derivative():
    x = leaf([1.0, 2.0])
    assert gradgradcheck(lambda a: a * 3.0 + 1.0, x)


# ---------------------------------------------------------------- Scalar
def test_gradcheck_on_scalars():
    a, b = autograd.Scalar(0.7), autograd.Scalar(-1.3)
    assert gradcheck(lambda p, q: (p * q).tanh() + p ** 2, (a, b))
    assert a.data == 0.7 and b.data == -1.3


# ---------------------------------------------------------------- property tests
@given(gst.tensors(min_value=-3, max_value=3))
def test_gradcheck_passes_on_random_tensors(x):
    assert gradcheck(lambda a: (a * a).tanh() + a.exp(), x)


@given(gst.tensors(max_value=3, exclude_zero=True))
def test_gradcheck_passes_near_but_not_at_zero(x):
    assert gradcheck(lambda a: Tensor(np.ones(a.shape)) / a, x)


@given(gst.shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_gradcheck_names_the_one_wrong_element(shape):
    x = leaf(np.full(shape, 0.5))

    class WrongAtLast(Function):
        @staticmethod
        def forward(ctx, a):
            return 2 * a

        @staticmethod
        def backward(ctx, grad):
            error = np.zeros(shape)
            error[-1] = 3.0  # the whole last slab along axis 0
            return grad * 2 + error

    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongAtLast.apply, x)
    first = (shape[0] - 1,) + (0,) * (len(shape) - 1)
    count = int(np.prod(shape[1:]))
    assert f"element {first}" in str(info.value)
    assert f"{count} of {int(np.prod(shape))} elements" in str(info.value)


# ---------------------------------------------------------------- strategies
@given(gst.shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_shapes_respect_bounds(shape):
    assert isinstance(shape, tuple) and 1 <= len(shape) <= 3
    assert all(2 <= side <= 4 for side in shape)


@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n),
                                                     gst.broadcastable_shapes(num_shapes=n))))
def test_broadcastable_shapes_broadcast(drawn):
    count, shapes = drawn
    assert isinstance(shapes, tuple) and len(shapes) == count
    assert all(isinstance(shape, tuple) for shape in shapes)
    np.broadcast_shapes(*shapes)  # raises if they do not broadcast


@given(gst.arrays(gst.shapes(), elements=(-2, 3)))
def test_arrays_are_finite_float64_in_bounds(array):
    assert isinstance(array, np.ndarray) and array.dtype == np.float64
    assert np.all(np.isfinite(array)) and np.all((-2 <= array) & (array <= 3))


@given(gst.arrays((2, 3), dtype=np.int64, elements=(0, 5)))
def test_arrays_integer_dtype(array):
    assert array.shape == (2, 3) and array.dtype == np.int64
    assert np.all((0 <= array) & (array <= 5))


@given(gst.tensors())
def test_tensors_default_to_float64_leaves_requiring_grad(x):
    assert isinstance(x, Tensor)
    assert x.dtype == np.float64 and x.requires_grad and x.is_leaf and x.grad is None
    assert x.ndim <= 4 and all(1 <= side <= 5 for side in x.shape)
    assert np.all(np.abs(x.data) <= 10)


@given(gst.tensors(shape=(3, 2), dtype=np.float32, requires_grad=False, min_value=0,
                   max_value=1))
def test_tensors_fixed_shape_and_dtype(x):
    assert x.shape == (3, 2) and x.dtype == np.float32 and not x.requires_grad
    assert np.all((0 <= x.data) & (x.data <= 1))


@given(gst.tensors(exclude_zero=True), gst.tensors(exclude_zero=0.5, max_value=2))
def test_tensors_exclude_zero(x, y):
    assert np.all(np.abs(x.data) >= 0.1)
    assert np.all(np.abs(y.data) >= 0.5)


@given(gst.tensors(shape=gst.shapes(min_dims=1), unique=True))
def test_tensors_unique(x):
    assert len(np.unique(x.data)) == x.size


@given(gst.tensors(shape=gst.shapes(min_dims=1), min_value=-1, max_value=1, min_gap=0.01))
def test_tensors_min_gap_separates_elements(x):
    assert x.dtype == np.float64 and np.all(np.abs(x.data) <= 1)
    assert np.all(np.diff(np.sort(x.data.ravel())) >= 0.01 * (1 - 1e-9))


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_tensors_refuse_grad_on_integers():
    with pytest.raises(ValueError, match="cannot require grad"):
        gst.tensors(dtype=np.int64).example()


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_tensors_exclude_zero_needs_room():
    with pytest.raises(ValueError, match="exclude_zero"):
        gst.tensors(min_value=-0.05, max_value=0.05, exclude_zero=True).example()


@given(st.integers(0, 4).flatmap(lambda n: st.tuples(st.just(n), gst.valid_axes(n))))
def test_valid_axes_are_accepted_by_numpy(drawn):
    ndim, axis = drawn
    assert axis is None or isinstance(axis, (int, tuple))
    if isinstance(axis, tuple):
        normalized = [a % ndim for a in axis]
        assert len(set(normalized)) == len(axis)
    array = np.ones((2,) * ndim)
    np.sum(array, axis=axis)  # raises on an invalid axis


@given(gst.valid_axes(3, allow_none=False))
def test_valid_axes_without_none(axis):
    assert axis is not None
