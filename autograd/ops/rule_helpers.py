"""Helpers for gradient rules, working on raw arrays and on recorded values alike.

A rule receives plain arrays on the fast first-order path (numpy's, or another
array-API library's: see ``backend/``) and Tensors when ``create_graph=True``
records the backward pass. Operators (``+ * / @``, indexing) work on both; the
standard's arrays have almost no methods, so what numpy spells as a method
(``x.sum()``, ``x.reshape()``, ``x.astype()``) is a function here that takes
either, so one rule serves both modes and every library, and stays
differentiable to any order.
"""
import numpy as np

from .. import backend
from ..backend import namespace
from ..errors import AxisError, shape_error
from ..value import is_value

_PYTHON_NUMBERS = frozenset({float, int, bool})

__all__ = ["is_raw", "data_of", "exp", "log", "sin", "cos", "tanh", "sigmoid", "broadcast_to",
    "expand_reduced", "keepdims_shape", "normalize_axes", "sum_to_shape", "scatter_add", "select",
    "where", "link", "float_wins", "constant", "zeros_like", "unary", "concatenate", "stack",
    "permute", "flip", "xp_of", "reshape", "sum_over", "swapaxes", "astype", "matrix_transpose",
    "namespace_of", "cast_like"]


def is_raw(x):
    """True for plain arrays and numbers (the fast path), False for values (Tensors)."""
    return not is_value(x)


def data_of(x):
    """The raw array behind ``x`` (for masks and other constants in rules)."""
    return x if is_raw(x) else x.data


def xp_of(x):
    """The array namespace of ``x``: of its array for a Tensor, numpy for numbers."""
    return namespace(x if is_raw(x) else x.data)


def namespace_of(*values):
    """The namespace of the first array among raw ``values`` (numbers go with any library).

    For ops whose first operand may be a number (``atan2(1.0, t)``, ``maximum(0.5, t)``).
    """
    for value in values:
        if hasattr(value, "shape"):
            return namespace(value)
    return namespace(values[0])


def cast_like(array, x):
    """``array`` in the dtype of the array ``x`` (no copy when it has it; numbers: as is)."""
    if not hasattr(x, "dtype"):
        return array
    return namespace(array).astype(array, x.dtype, copy=False)


def exp(x):
    """``e**x`` of an array or a Tensor."""
    return namespace(x).exp(x) if is_raw(x) else x.exp()


def log(x):
    """Natural log of an array or a Tensor."""
    return namespace(x).log(x) if is_raw(x) else x.log()


def sin(x):
    """Sine of an array or a Tensor."""
    return namespace(x).sin(x) if is_raw(x) else x.sin()


def cos(x):
    """Cosine of an array or a Tensor."""
    return namespace(x).cos(x) if is_raw(x) else x.cos()


def tanh(x):
    """Hyperbolic tangent of an array or a Tensor."""
    return namespace(x).tanh(x) if is_raw(x) else x.tanh()


def reshape(x, shape):
    """``x`` with a new ``shape`` (a view where the library can; recorded for a Tensor)."""
    return namespace(x).reshape(x, shape) if is_raw(x) else x.reshape(shape)


def sum_over(x, axis=None, keepdims=False):
    """The sum of ``x`` over ``axis`` (None: all), an array or a Tensor."""
    if is_raw(x):
        return namespace(x).sum(x, axis=axis, keepdims=keepdims)
    return x.sum(axis=axis, keepdims=keepdims)


def swapaxes(x, first, second):
    """``x`` with two axes exchanged (array or Tensor)."""
    if not is_raw(x):
        return x.swapaxes(first, second)
    axes = list(range(x.ndim))
    axes[first], axes[second] = axes[second], axes[first]
    return namespace(x).permute_dims(x, tuple(axes))


def matrix_transpose(x):
    """``x`` with its last two axes exchanged (numpy's ``x.swapaxes(-1, -2)``, PyTorch's ``mT``)."""
    return backend.matrix_transpose(x) if is_raw(x) else x.swapaxes(-1, -2)  # numpy: .mT


def astype(x, dtype):
    """``x`` cast to ``dtype`` (any library's dtype or a numpy one), array or Tensor."""
    if not is_raw(x):
        return x.astype(backend.numpy_dtype(dtype))
    xp = namespace(x)
    return xp.astype(x, backend.dtype_in(xp, dtype) if xp is not np else dtype)


def sigmoid(x):
    """Logistic sigmoid of an array or a Tensor."""
    if is_raw(x):
        from .elementwise import stable_sigmoid
        return stable_sigmoid(x)
    return x.sigmoid()


def constant(array):
    """A Tensor that requires no grad holding ``array`` (results of non-differentiable ops)."""
    from ..function import Function
    return Function.value_type._from_op(backend.as_array(array), None)


def zeros_like(grad):
    """A zero gradient of ``grad``'s shape and dtype, in ``grad``'s mode (array or Tensor)."""
    data = data_of(grad)
    zeros = namespace(data).zeros_like(data)
    return zeros if is_raw(grad) else constant(zeros)


def unary(x, array_fn, function):
    """``array_fn(x)`` on an array; ``function.apply(x)``, recorded, on a Tensor."""
    return array_fn(x) if is_raw(x) else function.apply(x)


def concatenate(values, axis):
    """Join arrays or Tensors along ``axis`` (recorded when any is a Tensor)."""
    if all(is_raw(v) for v in values):
        return namespace(values[0]).concat(values, axis=axis)
    from .shape import concatenate as join
    return join(values, axis=axis)


def stack(values, axis):
    """Stack arrays or Tensors along a new ``axis`` (recorded when any is a Tensor)."""
    if all(is_raw(v) for v in values):
        return namespace(values[0]).stack(values, axis=axis)
    from .shape import stack as join
    return join(values, axis=axis)


def permute(x, axes):
    """``x`` with its axes reordered by the permutation ``axes`` (array or Tensor)."""
    return namespace(x).permute_dims(x, tuple(axes)) if is_raw(x) else x.permute(*axes)


def flip(x, axis):
    """``x`` reversed along ``axis`` (a view for arrays, a recorded getitem for Tensors)."""
    index = (slice(None),) * (axis % x.ndim) + (slice(None, None, -1), ...)
    return x[index]


def broadcast_to(x, shape):
    """Broadcast an array or a Tensor to ``shape`` (a read-only view for arrays)."""
    return namespace(x).broadcast_to(x, shape) if is_raw(x) else x.broadcast_to(shape)


def expand_reduced(grad, shape, axis, keepdims):
    """Undo a reduction's shape: put back reduced axes, then broadcast to ``shape``."""
    if not keepdims and axis is not None:
        grad = reshape(grad, keepdims_shape(shape, axis))
    elif not keepdims:
        grad = reshape(grad, (1,) * len(shape))
    return broadcast_to(grad, shape)


def keepdims_shape(shape, axis):
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    if axis is None:
        return (1,) * len(shape)
    axes = normalize_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def normalize_axes(axis, ndim, op="reduce"):
    """Turn ``axis`` (None, int or tuple, negatives allowed) into a tuple of ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(axes, (tuple, list)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got {axis!r}")
    result = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise AxisError(
                f"{op}: axis {a} is out of bounds for a tensor of {ndim} dimensions")
        result.append(int(a) % max(ndim, 1))
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(result)


def sum_to_shape(grad, shape, op="broadcast"):
    """Sum a broadcast gradient back down to an input's ``shape``.

    This is the one place broadcasting is undone: leading axes that
    broadcasting added are summed away, and axes that were stretched from
    size 1 are summed with ``keepdims``. Works on arrays and Tensors.
    """
    grad_shape = grad.shape
    if grad_shape == shape:
        return grad
    extra = len(grad_shape) - len(shape)
    if extra < 0:
        raise shape_error(op, grad_shape, shape, reason="do not match: the gradient has fewer "
                          "dimensions than the input", hint="the op's backward is wrong")
    stretched = tuple(i + extra for i, n in enumerate(shape)
                      if n == 1 and grad_shape[i + extra] != 1)
    for i, n in enumerate(shape):
        if n != 1 and grad_shape[i + extra] != n:
            raise shape_error(op, grad_shape, shape, reason="cannot be summed to each other",
                              hint="the gradient's shape must broadcast from the input's")
    axes = tuple(range(extra)) + stretched
    if axes:
        grad = sum_over(grad, axis=axes, keepdims=True)
    if extra:
        grad = reshape(grad, shape)
    return grad


def scatter_add(grad, index, shape):
    """A zero array of ``shape`` with ``grad`` added at ``index`` (repeats accumulate)."""
    if is_raw(grad):
        xp = namespace(grad)
        grad = xp.asarray(grad)
        out = xp.zeros(shape, dtype=grad.dtype, device=grad.device)
        return backend.scatter_add(out, index, grad)
    from .shape import ScatterAdd
    return ScatterAdd.apply(grad, index=index, shape=shape)


def select(mask, grad):
    """``grad`` where the constant boolean ``mask`` holds, else 0.

    A select, not a product: an infinite ``grad`` gives 0 where it is masked
    off (``inf * 0`` would be NaN), as PyTorch's masked rules do.
    """
    if is_raw(grad):
        return backend.masked(mask, grad)  # numpy: a branch-free select
    return where(mask, grad, 0)  # a Python 0 keeps grad's dtype (NumPy 2)


def where(mask, x, y):
    """``x`` where the constant boolean ``mask`` holds, else ``y`` (arrays, Tensors, numbers).

    With ``mask`` also used to make an operand safe (``x ** (y - 1)`` with the
    base replaced by 1 where it is masked off), a rule stays finite and its
    derivative too: the double-``where`` way of writing a piecewise rule.
    """
    if is_raw(x) and is_raw(y):
        return namespace(mask).where(mask, x, y)
    from .elementwise import Where
    return Where.apply(mask, x, y)


def link(value, source):
    """``value``, recorded (under ``create_graph``) as depending on ``source`` with slope 0.

    For rules whose result depends on an input only through a piecewise-constant
    factor (relu's mask, abs's sign): double backward then reaches that input with
    a zero gradient, not None, as PyTorch's does, so a stateful optimizer treats
    it as PyTorch does.
    """
    if is_raw(value) or is_raw(source) or not source.requires_grad:
        return value
    from .elementwise import Link
    return Link.apply(value, source)


def float_wins(x, y):
    """PyTorch's promotion of a float array with an integer or bool one: the float's dtype.

    numpy would give float64 for float32 with int64; PyTorch keeps float32 (an
    integer tensor does not upcast a float tensor, as a Python number does not).
    Python numbers and two floats are left to numpy (weak scalars, float64 wins).
    """
    if type(y) in _PYTHON_NUMBERS or type(x) in _PYTHON_NUMBERS:  # the common constants
        return x, y
    x_dtype, y_dtype = getattr(x, "dtype", None), getattr(y, "dtype", None)
    if x_dtype is None or y_dtype is None or x_dtype == y_dtype:
        return x, y
    x_kind, y_kind = backend.dtype_kind(x_dtype), backend.dtype_kind(y_dtype)
    if x_kind == "f" and y_kind in "iub":
        return x, namespace(y).astype(y, x_dtype)
    if y_kind == "f" and x_kind in "iub":
        return namespace(x).astype(x, y_dtype), y
    return x, y
