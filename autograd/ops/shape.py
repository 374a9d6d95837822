"""Shape ops: reshape, transpose, broadcast, indexing, joining and padding.

None of them changes a value, only where values sit, so every rule moves the
gradient back to where its value came from.
"""
from __future__ import annotations

import itertools
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np

from .. import array_index, backend
from ..array_index import is_basic_index
from ..backend import namespace
from ..errors import AxisError, ShapeError, shape_error
from ..function import Function
from . import keywords, rule_helpers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor
    from ..typing import Axis, ShapeLike

__all__ = ["Reshape", "Transpose", "BroadcastTo", "is_basic_index", "GetItem", "ScatterAdd",
    "Concatenate", "Pad", "reshape", "flatten", "transpose", "permute", "swapaxes", "squeeze",
    "unsqueeze", "broadcast_to", "expand", "concatenate", "stack", "split", "pad_widths"]


class Reshape(Function):
    """out = x with a new shape.  The gradient is reshaped back."""

    op_name = "reshape"

    @staticmethod
    def forward(ctx, x, shape=None):
        ctx.shape = x.shape
        try:
            return namespace(x).reshape(x, shape)
        except ValueError:
            raise shape_error("reshape", ctx.shape, shape,
                              reason=f"do not match: cannot reshape {x.size} elements",
                              hint="the new shape must hold the same number of elements") from None

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.reshape(grad, ctx.shape)


class Transpose(Function):
    """out = x with axes permuted.  The gradient is permuted back."""

    op_name = "transpose"

    @staticmethod
    def forward(ctx, x, axes=None):
        ndim = x.ndim
        if axes is None:
            axes = tuple(reversed(range(ndim)))
        if len(axes) != ndim:
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {ndim} axes of "
                             f"a tensor of shape {x.shape}")
        # NOTE: out-of-range axes raise (numpy's and PyTorch's rule), never wrap around.
        axes = _axes_in_range(axes, x.shape, "transpose")
        inverse = [0] * ndim
        for position, axis in enumerate(axes):
            inverse[axis] = position
        ctx.inverse = tuple(inverse)
        return namespace(x).permute_dims(x, axes)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.permute(grad, ctx.inverse)


class BroadcastTo(Function):
    """out = x broadcast to a larger shape.  The gradient is summed back."""

    op_name = "broadcast_to"

    @staticmethod
    def forward(ctx, x, shape=None):
        ctx.shape = x.shape
        try:
            return namespace(x).broadcast_to(x, shape)
        except ValueError:
            raise shape_error("broadcast_to", ctx.shape, shape, reason="are not compatible",
                              hint="each axis must match or be 1 in the input") from None

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.sum_to_shape(grad, ctx.shape, "broadcast_to")


class GetItem(Function):
    """out = x[index].  The gradient is added back at index (repeats accumulate)."""

    op_name = "getitem"

    @staticmethod
    def forward(ctx, x, index=None):
        ctx.shape = x.shape
        # NOTE: basic indexing returns a view of x, as reshape and transpose do. That is
        # safe: in-place ops on Tensors write a new buffer (TensorMethods._write), and
        # optimizers' in-place updates bump the version that backward checks.
        out, index = array_index.getitem(x, index)  # the index as x's library takes it
        ctx.save_for_backward(index)
        return out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        if rule_helpers.is_raw(grad):
            from ..indexed_grad import IndexedGrad  # the engine densifies it when needed
            return IndexedGrad(index, grad, ctx.shape)
        return ScatterAdd.apply(grad, index=index, shape=ctx.shape)


class ScatterAdd(Function):
    """out = zeros(shape) with x added at index.  d/dx = grad[index]."""

    op_name = "scatter_add"

    @staticmethod
    def forward(ctx, x, index=None, shape=None):
        out = array_index.scatter(x, index, shape)
        ctx.save_for_backward(index)
        return out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return array_index.getitem(grad, index)[0] if rule_helpers.is_raw(grad) else grad[index]


class Concatenate(Function):
    """out = xs joined along axis.  Each input gets its slice of the gradient."""

    op_name = "concatenate"

    @staticmethod
    def forward(ctx, *xs, axis=0):
        xp = namespace(xs[0])
        shapes = [x.shape for x in xs]
        floats = [x.dtype for x in xs if backend.dtype_kind(x.dtype) == "f"]
        if floats and len(floats) < len(xs):  # PyTorch's rule: integers join as the floats' type
            dtype = xp.result_type(*floats)
            xs = [xp.astype(x, dtype, copy=False) for x in xs]
        try:
            out = xp.concat(xs, axis=axis)
        except ValueError:
            raise shape_error("concatenate", *shapes, reason=f"cannot be joined along axis {axis}",
                              hint="all axes but the joined one must match") from None
        ctx.axis = axis % out.ndim
        ctx.bounds = list(itertools.accumulate([s[ctx.axis] for s in shapes], initial=0))
        return out

    @staticmethod
    def backward(ctx, grad):
        axis, bounds = ctx.axis, ctx.bounds
        before = (slice(None),) * axis
        return tuple(grad[before + (slice(int(lo), int(hi)), ...)] if need else None
                     for lo, hi, need in zip(bounds[:-1], bounds[1:], ctx.needs_input_grad))


class Pad(Function):
    """out = x padded with a constant.  The gradient is the un-padded middle."""

    op_name = "pad"

    @staticmethod
    def forward(ctx, x, pad_width=None, value=0.0):
        widths = pad_widths(pad_width, x.shape)
        if any(n < 0 for pair in widths for n in pair):
            raise ValueError(
                f"pad: pad_width {pad_width} has negative entries; use slicing to crop")
        ctx.middle = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return backend.pad(x, widths, value)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.middle]


def pad_widths(pad_width, shape, op="pad"):
    """numpy's ``pad_width`` (an int, a pair, or one pair per axis) as one int pair per axis."""
    rows = pad_width
    ints = Integral  # numpy's integers are registered as Integral
    try:
        if isinstance(rows, ints) or (len(rows) in (1, 2) and all(isinstance(n, ints)
                                                                 for n in rows)):
            rows = [rows]  # one row for every axis
        rows = [[n] if isinstance(n, ints) else list(n) for n in rows]
    except TypeError:
        raise TypeError(f"{op}: pad_width must hold integers, got {pad_width!r}") from None
    if len(rows) == 1:
        rows = rows * len(shape)
    if len(rows) != len(shape) or any(len(row) not in (1, 2) for row in rows):
        raise ShapeError(f"{op}: pad_width {pad_width!r} does not fit a tensor of shape "
                         f"{tuple(shape)}; give one (before, after) pair per axis, one pair "
                         "for all, or one number")
    if not all(isinstance(n, ints) and not isinstance(n, bool) for row in rows for n in row):
        raise TypeError(f"{op}: pad_width must hold integers, got {pad_width!r}")
    return tuple((int(row[0]), int(row[-1])) for row in rows)


# ------------------------------------------------------------------ public functions
def _axes_in_range(axes, shape, op):
    """``axes`` as non-negative ints; an axis out of range or repeated raises, never wraps."""
    ndim = len(shape)
    if ndim == 0 and axes:
        raise AxisError(f"{op}: axis {axes[0]} is out of bounds for a 0-d tensor")
    return rule_helpers.normalize_axes(tuple(axes), ndim, op)


def _shape_arg(shape):
    """Accept numpy's ``f((2, 3))`` and PyTorch's ``f(2, 3)`` forms."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def reshape(x: Tensor, *shape: ShapeLike) -> Tensor:
    """Same values in a new shape; one axis may be -1 (inferred).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.arange(6.0, requires_grad=True)
    >>> y = gg.reshape(x, (2, -1))
    >>> y.shape
    (2, 3)
    >>> (y * gg.tensor([[1.0], [2.0]])).sum().backward()
    >>> x.grad
    Tensor([1., 1., 1., 2., 2., 2.], dtype=float32)
    """
    return Reshape.apply(x, shape=_shape_arg(shape))


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim..end_dim`` into one (all axes by default).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.zeros(8, 3, 4, 4)
    >>> gg.flatten(x).shape
    (384,)
    >>> gg.flatten(x, 1).shape
    (8, 48)
    """
    if x.ndim == 0:
        return reshape(x, 1)
    (start,), (end,) = (_axes_in_range((a,), x.shape, "flatten") for a in (start_dim, end_dim))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for "
                         f"shape {x.shape}")
    return reshape(x, x.shape[:start] + (-1,) + x.shape[end + 1:])


def transpose(x: Tensor, *axes: int | Sequence[int]) -> Tensor:
    """Reverse, swap or permute axes.

    ``transpose()`` (and ``.T``) reverses all axes; ``transpose(a, b)`` with
    exactly two integers swaps axes ``a`` and ``b`` whatever the number of
    dimensions (PyTorch's ``transpose(dim0, dim1)``); a tuple, or three or more
    integers, is numpy's permutation (``out.shape[i] == x.shape[axes[i]]``).
    An axis out of range raises ``AxisError``.

    Parameters
    ----------
    x : Tensor
    *axes : int or tuple of int

    Returns
    -------
    Tensor

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.zeros((2, 3, 4))
    >>> x.transpose(0, 2).shape, x.transpose((1, 0, 2)).shape, x.transpose().shape
    ((4, 3, 2), (3, 2, 4), (4, 3, 2))
    """
    if not axes:
        return Transpose.apply(x, axes=None)
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
        return _swap(x, *axes, op="transpose")
    return Transpose.apply(x, axes=_axes_in_range(_shape_arg(axes), x.shape, "transpose"))


def permute(x: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reorder the axes: ``out.shape[i] == x.shape[dims[i]]`` (out of range: ``AxisError``).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.permute(gg.zeros(2, 3, 4), (2, 0, 1)).shape
    (4, 2, 3)
    >>> gg.permute(gg.zeros(2, 3, 4), 1, 2, 0).shape
    (3, 4, 2)
    """
    return Transpose.apply(x, axes=_axes_in_range(_shape_arg(dims), x.shape, "permute"))


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.swapaxes(gg.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    """
    return _swap(x, axis1, axis2, op="swapaxes")


def _swap(x, axis1, axis2, op):
    axes = list(range(x.ndim))
    (axis1,), (axis2,) = (_axes_in_range((a,), x.shape, op) for a in (axis1, axis2))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return Transpose.apply(x, axes=tuple(axes))


def squeeze(x: Tensor, axis: Axis = None) -> Tensor:
    """Remove axes of length 1 (all of them, or those in ``axis``).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.zeros(1, 3, 1)
    >>> gg.squeeze(x).shape
    (3,)
    >>> gg.squeeze(x, -1).shape
    (1, 3)
    >>> try:
    ...     gg.squeeze(x, 1)
    ... except gg.ShapeError as e:
    ...     print(e)
    squeeze: axis 1 of shape (1, 3, 1) has length 3, not 1
    """
    if axis is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    # NOTE: a 0-d tensor accepts axis 0 or -1 and is returned as is, as in PyTorch
    axes = rule_helpers.normalize_axes(axis, max(x.ndim, 1), "squeeze")
    if x.ndim == 0:
        return reshape(x, ())
    for a in axes:
        if x.shape[a] != 1:
            raise ShapeError(f"squeeze: axis {a} of shape {x.shape} has length {x.shape[a]}, "
                             "not 1")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def unsqueeze(x: Tensor, axis: int) -> Tensor:
    """Insert an axis of length 1 at position ``axis``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0])
    >>> gg.unsqueeze(x, 0)
    Tensor([[1., 2.]], dtype=float32)
    >>> gg.unsqueeze(x, 1)
    Tensor([[1.],
            [2.]], dtype=float32)
    """
    ndim = x.ndim + 1
    if not -ndim <= axis < ndim:
        raise AxisError(f"unsqueeze: axis {axis} is out of range for a result of {ndim} "
                        "dimensions")
    shape = list(x.shape)
    shape.insert(axis % ndim, 1)
    return reshape(x, tuple(shape))


def broadcast_to(x: Tensor, *shape: ShapeLike) -> Tensor:
    """Repeat ``x`` along axes of length 1 (and new leading axes) to ``shape``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[1.0], [2.0]], requires_grad=True)
    >>> y = gg.broadcast_to(x, (2, 3))
    >>> y
    Tensor([[1., 1., 1.],
            [2., 2., 2.]], dtype=float32, grad_fn=<BroadcastTo>)
    >>> y.sum().backward()
    >>> x.grad
    Tensor([[3.],
            [3.]], dtype=float32)
    """
    return BroadcastTo.apply(x, shape=_shape_arg(shape))


def expand(x: Tensor, *shape: ShapeLike) -> Tensor:
    """PyTorch's ``expand``: ``broadcast_to`` where -1 keeps an axis's length.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[1.0], [2.0]])
    >>> gg.expand(x, 2, 3).shape
    (2, 3)
    >>> gg.expand(x, 4, -1, 5).shape
    (4, 2, 5)
    """
    shape = _shape_arg(shape)
    offset = len(shape) - x.ndim
    shape = tuple(x.shape[i - offset] if n == -1 and i >= offset else n
                  for i, n in enumerate(shape))
    return BroadcastTo.apply(x, shape=shape)


def concatenate(tensors: Sequence[Tensor], axis: int | None = None, *,
                dim: int | None = None, **unknown: object) -> Tensor:
    """Join tensors along an existing axis (``axis`` or PyTorch's ``dim``; default 0).

    Parameters
    ----------
    tensors : sequence of Tensor
    axis, dim : int, optional
        The axis to join along (numpy's or PyTorch's name; pass one).

    Returns
    -------
    Tensor

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.cat([gg.ones(2, 1), gg.zeros(2, 2)], dim=1).shape
    (2, 3)
    """
    axis, _ = keywords.axis_keywords("concatenate", axis, None, dim, None, unknown, default=0)
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    return Concatenate.apply(*tensors, axis=axis)


def stack(tensors: Sequence[Tensor], axis: int | None = None, *,
          dim: int | None = None, **unknown: object) -> Tensor:
    """Join tensors of one shape along a new axis (``axis`` or ``dim``; default 0).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.stack([gg.ones(3), gg.zeros(3)], dim=1).shape
    (3, 2)
    """
    axis, _ = keywords.axis_keywords("stack", axis, None, dim, None, unknown, default=0)
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise shape_error("stack", *sorted(shapes), reason="differ",
                          hint="stack needs tensors of one shape")
    return concatenate([unsqueeze(t, axis) for t in tensors], axis=axis)


_SPLIT_WORDS = ("indices_or_sections= and axis= (numpy's spelling) or split_size_or_sections= "
                "and dim= (PyTorch's)")


def split(x: Tensor, sections: int | Sequence[int] | None = None, /, *,
          indices_or_sections: int | Sequence[int] | None = None, axis: int | None = None,
          split_size_or_sections: int | Sequence[int] | None = None,
          dim: int | None = None, **unknown: object) -> list[Tensor]:
    """Split into a list of tensors, as ``numpy.split`` or as ``torch.split``.

    The two libraries read the same call differently: numpy's ``split(x, 2)``
    makes 2 equal sections and a list gives cut points; PyTorch's makes pieces
    of size 2 and a list gives sizes. The keywords say which is meant; a
    positional ``sections`` alone (``x.split(2)``) is refused.

    Parameters
    ----------
    x : Tensor
    sections : int or list of ints, optional
        Positional form; needs ``axis=`` (numpy) or ``dim=`` (PyTorch).
    indices_or_sections, axis : numpy's spelling
        A number of equal sections, or the indices to cut at; the axis (default 0).
    split_size_or_sections, dim : PyTorch's spelling
        The size of each piece (the last may be smaller), or a list of sizes; the axis.

    Returns
    -------
    list of Tensor

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.arange(6.0)
    >>> [p.shape for p in x.split(2, axis=0)], [p.shape for p in x.split(2, dim=0)]
    ([(3,), (3,)], [(2,), (2,), (2,)])
    """
    keywords.reject_unknown("split", unknown, _SPLIT_WORDS)
    family = keywords.convention("split", {"indices_or_sections": indices_or_sections,
                                           "axis": axis},
                                 {"split_size_or_sections": split_size_or_sections, "dim": dim})
    if sections is not None:
        if indices_or_sections is not None or split_size_or_sections is not None:
            raise TypeError("split: got the sections both positionally and as a keyword")
        if family is None:
            what = ("cuts at those indices", "makes pieces of those sizes") if isinstance(
                sections, (list, tuple)) else (f"makes {sections} equal sections",
                                               f"makes pieces of size {sections}")
            raise keywords.ambiguous("split", f"x.split({sections!r})",
                                     f"x.split({sections!r}, axis=0)", what[0],
                                     f"x.split({sections!r}, dim=0)", what[1])
    axis = dim if family == keywords.TORCH else axis
    (axis,) = _axes_in_range((0 if axis is None else axis,), x.shape, "split")
    length = x.shape[axis]
    if family == keywords.TORCH:
        sizes = sections if sections is not None else split_size_or_sections
        cuts = _torch_cuts(sizes, length, axis)
    else:
        cuts = _numpy_cuts(sections if sections is not None else indices_or_sections, length,
                           axis)
    bounds = [0] + cuts + [length]
    before = (slice(None),) * axis
    return [x[before + (slice(lo, hi), ...)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def _numpy_cuts(indices_or_sections, length, axis):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(f"split: axis {axis} of length {length} does not split into "
                             f"{sections} equal sections; pass split points instead")
        return [length // sections * i for i in range(1, sections)]
    return list(indices_or_sections)


def _torch_cuts(sizes, length, axis):
    if isinstance(sizes, (int, np.integer)):
        if sizes <= 0:
            raise ValueError(f"split: the piece size must be positive, got {sizes}")
        return list(range(int(sizes), length, int(sizes)))
    sizes = [int(n) for n in sizes]
    if sum(sizes) != length or any(n < 0 for n in sizes):
        raise ValueError(f"split: sizes {sizes} do not add up to the length {length} of axis "
                         f"{axis}; give non-negative sizes that sum to it")
    return list(itertools.accumulate(sizes[:-1]))
