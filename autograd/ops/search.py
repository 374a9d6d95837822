"""Search and order: argmax, argmin, sort, argsort, topk, median.

Indices are computed on the raw array and returned as int64 tensors that do not
require grad. Values are gathered from the input with an integer-array index, so
their gradient (each value's gradient goes back to the element it came from) is
the indexing op's, differentiable to any order. Sorting is stable everywhere:
equal values keep their order of appearance (also with ``descending=True``), so
ties give the earliest index first, and NaN sorts as the largest value.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import array_index, backend
from ..backend import namespace
from ..errors import AxisError
from . import keywords, rule_helpers
from .reduce import ValuesIndices

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["check_axis", "axis_keyword", "flat_if_none", "along_axis", "argmax", "argmin",
    "argsort", "sort", "topk", "median"]


def check_axis(op, x, axis):
    """A single axis of ``x`` as a non-negative int (a 0-d tensor has axes -1 and 0)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    ndim = max(x.ndim, 1)
    if not -ndim <= axis < ndim:
        raise AxisError(
            f"{op}: axis {axis} is out of bounds for a tensor of shape {x.shape}")
    return int(axis) % ndim


_ONE_AXIS_WORDS = "axis= (numpy's spelling) or dim= (PyTorch's)"


def axis_keyword(op, axis, dim, unknown, default=None):
    """numpy's ``axis=`` or PyTorch's ``dim=`` (one of them) of an op without keepdims."""
    keywords.reject_unknown(op, unknown, _ONE_AXIS_WORDS)
    return keywords.axis_keywords(op, axis, None, dim, None, default=default)[0]


def _last_axis_keyword(op, axis, dim, unknown):
    """sort, argsort, topk: ``axis`` defaults to -1; ``dim=`` is PyTorch's name for it."""
    keywords.reject_unknown(op, unknown, _ONE_AXIS_WORDS)
    if dim is None:
        return axis
    if axis != -1:
        raise TypeError(f"{op}: got both axis={axis!r} (numpy's spelling) and dim={dim!r} "
                        "(PyTorch's) for the same thing; pass one of them")
    return dim


def flat_if_none(x, axis):
    """numpy's ``axis=None``: work on the flattened tensor along axis 0."""
    return (x.reshape(-1), 0) if axis is None else (x, axis)


def along_axis(indices, axis):
    """An index tuple picking ``x[..., indices[..., j, ...], ...]`` along ``axis``.

    ``x[along_axis(i, axis)]`` is ``numpy.take_along_axis(x, i, axis)`` for an ``i``
    with ``x``'s number of dimensions.
    """
    grids = array_index.open_grid(indices.shape, indices)
    grids[axis] = indices
    return tuple(grids)


def _stable_order(data, axis, descending):
    """Stable argsort along ``axis``; descending keeps equal values in their order."""
    xp = namespace(data)
    if not descending:
        return xp.argsort(data, axis=axis, stable=True)
    n = data.shape[axis]
    # reverse, sort ascending, reverse again: ties come back in their original order
    ascending = xp.argsort(xp.flip(data, axis=axis), axis=axis, stable=True)
    return n - 1 - xp.flip(ascending, axis=axis)


def _as_vector(x):
    """``x`` with at least one axis (0-d tensors sort as one-element vectors)."""
    return x.reshape(1) if x.ndim == 0 else x


def _arg_extreme(op, x, axis, keepdims):
    if x.size == 0:
        raise ValueError(f"{op}: cannot search an empty tensor of shape {x.shape}")
    if axis is not None:
        axis = check_axis(op, x, axis)
        if x.ndim == 0:
            axis = None
    pick = getattr(namespace(x.data), op)  # argmax or argmin
    return rule_helpers.constant(pick(x.data, axis=axis, keepdims=bool(keepdims)))


# ------------------------------------------------------------------ public functions
def argmax(x: Tensor, axis: int | None = None, keepdims: bool | None = None, *,
           dim: int | None = None, keepdim: bool | None = None, **unknown: object) -> Tensor:
    """Index of the largest value along ``axis`` (None: of the flattened tensor).

    Parameters
    ----------
    x : Tensor
    axis, dim : int, optional
        numpy's or PyTorch's name (pass one); None: the flattened tensor.
    keepdims, keepdim : bool, optional
        Keep the reduced axis with length 1.

    Returns
    -------
    Tensor
        int64, no grad. Ties give the first occurrence (numpy and PyTorch); NaN counts
        as the largest value.

    >>> import graphgrad as gg
    >>> gg.argmax(gg.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 2.0]]), axis=1)
    Tensor([1, 0], dtype=int64)
    """
    axis, keepdims = keywords.axis_keywords("argmax", axis, keepdims, dim, keepdim, unknown)
    return _arg_extreme("argmax", x, axis, keepdims)


def argmin(x: Tensor, axis: int | None = None, keepdims: bool | None = None, *,
           dim: int | None = None, keepdim: bool | None = None, **unknown: object) -> Tensor:
    """Index of the smallest value along ``axis`` (None: of the flattened tensor).

    Parameters
    ----------
    x : Tensor
    axis, dim : int, optional
    keepdims, keepdim : bool, optional

    Returns
    -------
    Tensor
        int64, no grad. Ties give the first occurrence.

    >>> import graphgrad as gg
    >>> gg.argmin(gg.tensor([3.0, 1.0, 1.0]))
    Tensor(1, dtype=int64)
    """
    axis, keepdims = keywords.axis_keywords("argmin", axis, keepdims, dim, keepdim, unknown)
    return _arg_extreme("argmin", x, axis, keepdims)


def argsort(x: Tensor, axis: int | None = -1, descending: bool = False, *,
            dim: int | None = None, stable: bool | None = None, **unknown: object) -> Tensor:
    """Indices that sort ``x`` along ``axis``; always stable.

    Parameters
    ----------
    x : Tensor
    axis, dim : int
        Default -1, the last axis (numpy and PyTorch); ``axis=None`` sorts the flattened
        tensor (numpy).
    descending : bool
        Largest first; equal values still keep their order of appearance.
    stable : bool, optional
        Accepted for PyTorch compatibility: the sort is always stable.

    Returns
    -------
    Tensor
        int64, no grad.

    >>> import graphgrad as gg
    >>> gg.argsort(gg.tensor([3.0, 1.0, 3.0, 2.0]), descending=True)
    Tensor([0, 2, 3, 1], dtype=int64)
    """
    x, axis = flat_if_none(x, _last_axis_keyword("argsort", axis, dim, unknown))
    axis = check_axis("argsort", x, axis)
    order = _stable_order(_as_vector(x).data, axis, bool(descending))
    return rule_helpers.constant(rule_helpers.reshape(order, x.shape))


def sort(x: Tensor, axis: int | None = -1, descending: bool = False, *,
         dim: int | None = None, stable: bool | None = None, **unknown: object) -> ValuesIndices:
    """Sorted values and their indices along ``axis`` (PyTorch's ``sort``; stable).

    Unlike ``numpy.sort``, which returns the values only, this returns a named tuple
    ``(values, indices)`` as PyTorch does (``gg.sort(x).values`` is numpy's result).

    Parameters
    ----------
    x : Tensor
    axis, dim : int
        Default -1; ``axis=None`` sorts the flattened tensor (numpy).
    descending : bool
        Largest first; equal values keep their order of appearance.
    stable : bool, optional
        Accepted for PyTorch compatibility: the sort is always stable.

    Returns
    -------
    (values, indices) : named tuple of Tensors
        ``values`` is differentiable (each gradient goes back to the element it came
        from); ``indices`` is int64, no grad.

    >>> import graphgrad as gg
    >>> gg.sort(gg.tensor([3.0, 1.0, 2.0])).values
    Tensor([1., 2., 3.], dtype=float32)
    """
    x, axis = flat_if_none(x, _last_axis_keyword("sort", axis, dim, unknown))
    axis = check_axis("sort", x, axis)
    vector = _as_vector(x)
    order = _stable_order(vector.data, axis, bool(descending))
    values = vector[along_axis(order, axis)]
    return ValuesIndices(values.reshape(x.shape),
                         rule_helpers.constant(rule_helpers.reshape(order, x.shape)))


def topk(x: Tensor, k: int, axis: int = -1, largest: bool = True,
         sorted: bool = True, *, dim: int | None = None,  # noqa: A002 - PyTorch's name
         **unknown: object) -> ValuesIndices:
    """The ``k`` largest (or smallest) values along ``axis`` and their indices.

    Parameters
    ----------
    x : Tensor
    k : int
        How many, ``0 <= k <= x.shape[axis]``.
    axis, dim : int
        Default -1.
    largest : bool
        False: the ``k`` smallest.
    sorted : bool
        Accepted for PyTorch compatibility; the result is always sorted.

    Returns
    -------
    (values, indices) : named tuple of Tensors
        Ties: the earlier element comes first (a stable order, documented; PyTorch
        leaves it unspecified). ``values`` is differentiable.

    >>> import graphgrad as gg
    >>> gg.topk(gg.tensor([1.0, 3.0, 3.0, 2.0]), 2)
    ValuesIndices(values=Tensor([3., 3.], dtype=float32), indices=Tensor([1, 2], dtype=int64))
    """
    axis = check_axis("topk", x, _last_axis_keyword("topk", axis, dim, unknown))
    vector = _as_vector(x)
    n = vector.shape[axis]
    low = 1 if x.ndim == 0 else 0  # a 0-d result cannot hold 0 values
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not low <= k <= n:
        raise ValueError(f"topk: k must be an int in [{low}, {n}] for axis {axis} of shape "
                         f"{x.shape}, got {k!r}")
    order = _stable_order(vector.data, axis, bool(largest))
    order = order[(slice(None),) * axis + (slice(0, int(k)), ...)]
    values = vector[along_axis(order, axis)]
    if x.ndim == 0:
        values, order = values.reshape(()), rule_helpers.reshape(order, ())
    return ValuesIndices(values, rule_helpers.constant(order))


def median(x: Tensor, axis: int | None = None, keepdims: bool | None = None, *,
           dim: int | None = None, keepdim: bool | None = None,
           **unknown: object) -> Tensor | ValuesIndices:
    """The lower median: the middle value, or the lower of the two middle values for an
    even count (PyTorch's rule; ``numpy.median`` averages the two instead).

    Parameters
    ----------
    x : Tensor
    axis, dim : int, optional
        None: the median of all elements, returned as a 0-d Tensor (as PyTorch).
    keepdims, keepdim : bool, optional
        With ``axis``: keep the reduced axis with length 1.

    Returns
    -------
    Tensor or (values, indices) named tuple
        With ``axis``, ``(values, indices)`` as PyTorch. The gradient goes to the one
        element picked (for equal values, the earliest in a stable sort). A slice
        holding NaN has median NaN, at the index of its first NaN.

    >>> import graphgrad as gg
    >>> gg.median(gg.tensor([4.0, 1.0, 3.0, 2.0]))
    Tensor(2., dtype=float32)
    """
    axis, keepdims = keywords.axis_keywords("median", axis, keepdims, dim, keepdim, unknown)
    if x.size == 0:
        raise ValueError(f"median: cannot take the median of an empty tensor of shape "
                         f"{x.shape}")
    whole = axis is None
    source, axis = flat_if_none(x, axis)
    axis = check_axis("median", source, axis)
    source = _as_vector(source)
    data = source.data
    xp = namespace(data)
    order = xp.argsort(data, axis=axis, stable=True)  # NaN sorts last
    n = data.shape[axis]
    if backend.dtype_kind(data.dtype) == "f":
        nan_count = xp.count_nonzero(xp.isnan(data), axis=axis, keepdims=True)
    else:
        nan_count = xp.zeros((1,) * data.ndim, dtype=backend.index_dtype(xp, data.device),
                             device=data.device)
    # the middle of the sorted slice, or its first NaN when it has any
    position = xp.where(nan_count > 0, n - nan_count, (n - 1) // 2)
    index = xp.take_along_axis(order, xp.broadcast_to(position, rule_helpers.keepdims_shape(
        data.shape, axis)), axis=axis)
    values = source[along_axis(index, axis)]
    if whole:
        return values.reshape(())
    if not keepdims or x.ndim == 0:
        reduced = index.shape[:axis] + index.shape[axis + 1:]
        values, index = values.reshape(reduced), xp.reshape(index, reduced)
        if x.ndim == 0:
            values, index = values.reshape(()), xp.reshape(index, ())
    return ValuesIndices(values, rule_helpers.constant(index))
