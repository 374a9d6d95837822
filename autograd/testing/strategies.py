"""Hypothesis strategies for property tests of ops: shapes, arrays, tensors, axes.

Built on ``hypothesis.extra.numpy``. Shapes include 0-d arrays and size-1
axes by default, because that is where broadcasting and reduction rules break.

Example
-------
>>> from hypothesis import given
>>> from graphgrad.autograd.testing import gradcheck, strategies as gst
>>> @given(gst.tensors(exclude_zero=True))
... def test_div_self(x):
...     gradcheck(lambda t: t / t, x)
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..tensor import Tensor

__all__ = ["shapes", "broadcastable_shapes", "arrays", "tensors", "valid_axes"]

_DEFAULT_MAGNITUDE = 0.1  # exclude_zero=True keeps |x| >= this: 1/x and log stay tame


def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Array shapes: tuples of ``min_dims..max_dims`` sides in ``min_side..max_side``.

    Returns
    -------
    SearchStrategy[tuple[int, ...]]
        Includes ``()`` (0-d) when ``min_dims == 0``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from graphgrad.autograd.testing import strategies as gst
    >>> find(gst.shapes(), lambda shape: len(shape) == 3)
    (1, 1, 1)
    >>> find(gst.shapes(min_side=2), lambda shape: len(shape) == 2)
    (2, 2)
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Tuples of ``num_shapes`` shapes that broadcast together, numpy's rules.

    Returns
    -------
    SearchStrategy[tuple[tuple[int, ...], ...]]
        For example ``((3, 1), (4, 3, 5))``; ``np.broadcast_shapes(*shapes)``
        always succeeds on the result.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import find, given
    >>> from graphgrad.autograd.testing import strategies as gst
    >>> @given(gst.broadcastable_shapes(num_shapes=3))
    ... def test_they_broadcast(shapes):
    ...     assert len(np.broadcast_shapes(*shapes)) == max(len(s) for s in shapes)
    >>> test_they_broadcast()
    >>> find(gst.broadcastable_shapes(), lambda s: len(s[0]) == 2 and s[0] != s[1])
    ((1, 1), ())
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda drawn: tuple(drawn.input_shapes))


def _float_elements(dtype, min_value, max_value, exclude_zero):
    """Finite floats in ``[min_value, max_value]``, optionally away from zero."""
    floats = st.floats(min_value=min_value, max_value=max_value, allow_nan=False,
                       allow_infinity=False, allow_subnormal=False,
                       width=8 * np.dtype(dtype).itemsize)
    if not exclude_zero:
        return floats
    magnitude = _DEFAULT_MAGNITUDE if exclude_zero is True else float(exclude_zero)
    if not (magnitude > 0 and (max_value >= magnitude or min_value <= -magnitude)):
        raise ValueError(f"exclude_zero={exclude_zero!r}: no value in [{min_value}, "
                         f"{max_value}] has magnitude >= {magnitude}")
    return floats.filter(lambda x: abs(x) >= magnitude)


def _elements_for(dtype, elements, exclude_zero=False):
    dtype = np.dtype(dtype)
    if elements is None:
        elements = (-10, 10)
    if not isinstance(elements, tuple):
        return elements  # already a strategy
    low, high = elements
    if dtype.kind == "f":
        return _float_elements(dtype, low, high, exclude_zero)
    if dtype.kind in "iu":
        return st.integers(int(np.ceil(low)), int(np.floor(high)))
    if dtype.kind == "b":
        return st.booleans()
    raise ValueError(f"arrays: unsupported dtype {dtype}; use a float, integer or bool dtype")


def _as_shape_strategy(shape):
    if shape is None:
        return shapes()
    if isinstance(shape, int):
        return st.just((shape,))
    if isinstance(shape, tuple):
        return st.just(shape)
    return shape  # already a strategy


def arrays(shape, dtype=np.float64, elements=(-10, 10), unique=False):
    """Numpy arrays of a shape (tuple, int or strategy) with finite elements.

    Parameters
    ----------
    shape : tuple, int or SearchStrategy
        The shape, or a strategy drawing one (e.g. ``shapes()``).
    dtype : dtype
        float, integer or bool.
    elements : (low, high) or SearchStrategy
        Bounds of the elements (inclusive), or a strategy for them.
    unique : bool
        All elements distinct (ties make ``max``/``sort`` gradients ambiguous).

    Returns
    -------
    SearchStrategy[np.ndarray]

    Examples
    --------
    >>> from hypothesis import find
    >>> from graphgrad.autograd.testing import strategies as gst
    >>> find(gst.arrays((2, 2), elements=(1, 5)), lambda a: a.sum() > 10)
    array([[3., 3.],
           [3., 3.]])
    """
    return hnp.arrays(dtype=dtype, shape=_as_shape_strategy(shape),
                      elements=_elements_for(dtype, elements), unique=unique)


def _grid_elements(min_value, max_value, min_gap, exclude_zero):
    """Floats on a grid of spacing ``min_gap``: distinct ones are ``min_gap`` apart."""
    steps = st.integers(int(np.ceil(min_value / min_gap)), int(np.floor(max_value / min_gap)))
    values = steps.map(lambda k: k * min_gap)
    if exclude_zero:
        magnitude = _DEFAULT_MAGNITUDE if exclude_zero is True else float(exclude_zero)
        values = values.filter(lambda x: abs(x) >= magnitude)
    return values


@st.composite
def tensors(draw, shape=None, dtype=np.float64, min_value=-10, max_value=10,
            requires_grad=True, exclude_zero=False, unique=False, min_gap=None,
            elements=None):
    """``autograd.Tensor`` leaves with finite elements, float64 by default.

    Parameters
    ----------
    shape : tuple, int, SearchStrategy or None
        The shape; ``None`` draws one from ``shapes()``.
    dtype : dtype
        float64 by default, as ``gradcheck`` needs.
    min_value, max_value : float
        Bounds of the elements (inclusive).
    requires_grad : bool
        Whether the tensors require grad (float dtypes only).
    exclude_zero : bool or float
        Keep elements away from zero (``|x| >= 0.1``, or ``|x| >=`` the number
        given): for ``1/x``, ``log|x|``, and the kinks of ``abs`` and ``relu``.
    unique : bool
        All elements distinct.
    min_gap : float, optional
        All elements distinct and at least this far apart (drawn on a grid of
        this spacing): for ``max``, ``min`` and sorting, whose gradients jump
        where two elements (nearly) tie, e.g. ``min_gap=1e-3`` with gradcheck.
    elements : SearchStrategy, optional
        A strategy for the elements, replacing the bounds above.

    Returns
    -------
    SearchStrategy[Tensor]

    Examples
    --------
    >>> from hypothesis import find, given
    >>> from graphgrad.autograd.testing import gradcheck, strategies as gst
    >>> @given(gst.tensors(shape=gst.shapes(max_dims=2), exclude_zero=True))
    ... def test_reciprocal_grad(x):
    ...     assert gradcheck(lambda t: 1 / t, x)
    >>> test_reciprocal_grad()
    >>> find(gst.tensors(shape=2), lambda t: True)
    Tensor([0., 0.], dtype=float64, requires_grad=True)
    """
    if requires_grad and np.dtype(dtype).kind != "f":
        raise ValueError(f"tensors: dtype {np.dtype(dtype)} cannot require grad; pass "
                         "requires_grad=False or a float dtype")
    if min_gap is not None:
        if np.dtype(dtype).kind != "f" or not min_gap > 0:
            raise ValueError(f"tensors: min_gap={min_gap!r} needs a float dtype and a "
                             "positive gap")
        elements = _grid_elements(min_value, max_value, min_gap, exclude_zero)
        unique = True
    elif elements is None:
        elements = _elements_for(dtype, (min_value, max_value), exclude_zero)
    array = draw(hnp.arrays(dtype=dtype, shape=_as_shape_strategy(shape), elements=elements,
                            unique=unique))
    return Tensor(array, requires_grad=requires_grad)


def valid_axes(ndim, allow_none=True, min_size=0, max_size=None):
    """The ``axis=`` arguments a reduction over ``ndim`` axes accepts.

    Draws ``None`` (all axes), a single int in ``[-ndim, ndim)``, or a tuple of
    distinct axes (negative ones included, never two naming the same axis).

    Parameters
    ----------
    ndim : int
        Number of axes of the array reduced.
    allow_none : bool
        Include ``None``.
    min_size, max_size : int
        Bounds on the length of tuples (``()`` reduces nothing, as in numpy).

    Returns
    -------
    SearchStrategy[None | int | tuple[int, ...]]

    Examples
    --------
    >>> from hypothesis import find
    >>> from graphgrad.autograd.testing import strategies as gst
    >>> find(gst.valid_axes(3), lambda axis: isinstance(axis, tuple) and len(axis) == 2)
    (0, 1)
    >>> find(gst.valid_axes(3, allow_none=False), lambda axis: True)
    0
    """
    options = [hnp.valid_tuple_axes(ndim, min_size=min_size, max_size=max_size)]
    if ndim > 0:
        options.insert(0, st.integers(-ndim, ndim - 1))
    if allow_none:
        options.insert(0, st.none())
    return st.one_of(*options)
