"""Indexing ops: gather and scatter, index_select/index_add, masks, one_hot, nonzero.

Each op builds a numpy index and reuses the two indexing rules of ``shape.py``:
``x[index]`` (``GetItem``, whose gradient is added back at the index) and
``ScatterAdd`` (whose gradient is read back at the index). Writing ops
(``scatter``, ``put_along_axis``) pick between the written values and ``x``
with ``where``, so every rule here is made of differentiable ops and second
order comes free. Where an index repeats, one write wins (the forward value
and the gradient agree on which one); PyTorch leaves that case undefined.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from .. import array_index, backend
from ..array_index import broadcast_shapes
from ..backend import namespace
from ..errors import AxisError, DtypeError, ShapeError, shape_error
from ..function import Function
from ..value import is_value
from . import rule_helpers
from .elementwise import where
from .shape import ScatterAdd, broadcast_to

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import ArrayLike, TensorLike

__all__ = ["int_index", "one_dim", "gather", "take_along_axis", "scatter", "scatter_add",
    "put_along_axis", "index_select", "index_add", "masked_fill", "masked_select", "nonzero",
    "one_hot"]


# ------------------------------------------------------------------ argument checks
def int_index(op, index, name="index", like=None):
    """``index`` (Tensor, array or list of ints) as an int64 array on ``like``'s device."""
    data = array_index.as_index(index, like)
    if backend.dtype_kind(data.dtype) not in "iu":
        raise DtypeError(f"{op}: {name} must hold integers, got dtype "
                         f"{backend.numpy_dtype(data.dtype)}; convert it first, e.g. "
                         f"{name}.astype(np.int64)")
    xp = namespace(data)
    return xp.astype(data, backend.index_dtype(xp, data.device), copy=False)


def one_dim(op, dim, ndim):
    """``dim`` as a non-negative axis of a tensor with ``ndim`` axes (0-d: only 0 or -1)."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise AxisError(f"{op}: dim {dim} is out of range for a tensor of {ndim} dimensions; "
                        f"use a dim in [{-max(ndim, 1)}, {max(ndim, 1) - 1}]")
    return int(dim) % max(ndim, 1)


def _check_bounds(op, index, size, dim, shape):
    if not index.size:
        return
    xp = namespace(index)
    low, high = int(xp.min(index)), int(xp.max(index))
    if low < -size or high >= size:
        bad = low if low < -size else high
        raise IndexError(f"{op}: index {bad} is out of range for dim {dim} of size {size} "
                         f"(tensor of shape {tuple(shape)}); indices must lie in "
                         f"[{-size}, {size})")


def _along(op, x, dim, index, name="index"):
    """The numpy index of ``x`` that picks ``index`` along ``dim`` (gather's rule).

    ``index`` has ``x``'s number of axes. For PyTorch's ops (``name="index"``) its
    other axes are at most as long as ``x``'s and the result has its shape; for
    numpy's (``name="indices"``) they broadcast against ``x``'s.
    """
    if index.ndim != x.ndim:
        raise shape_error(op, x.shape, index.shape, reason=f"differ in number of dimensions "
                          f"(input and {name})", hint=f"{name} needs one axis per input axis")
    _check_bounds(op, index, x.shape[dim], dim, x.shape)
    grids = array_index.open_grid(index.shape if name == "index" else x.shape, index)
    grids[dim] = index
    return tuple(grids)


def _check_not_longer(op, index, shape, dim, name):
    for d, (n, m) in enumerate(zip(index.shape, shape)):
        if d != dim and n > m:
            raise shape_error(op, shape, index.shape, reason=f"do not fit: {name} is longer than "
                              f"the input along dim {d} ({n} > {m})",
                              hint=f"{name} may be at most as long as the input on other dims")


def _assign(x, target, values, target_shape):
    """``x`` with ``values`` (shaped like the indexed positions) written at ``target``."""
    written = array_index.mark(x.shape, target, x.data)
    # NOTE: which of several writes to one position numpy keeps is unspecified, so the
    # winners are decided once here and both the value and the gradient follow them.
    winners = array_index.last_writes(target, x.shape, x.data)
    if not is_value(values):  # a constant: no gradient to route
        xp = namespace(x.data)
        if hasattr(values, "shape"):  # an array (a number stays weak: x's dtype wins)
            values = array_index.as_index(values, x.data)
        dtype = xp.result_type(x.data, values)
        values = xp.broadcast_to(xp.asarray(values, dtype=dtype, device=x.data.device),
                                 target_shape)
        values = rule_helpers.constant(xp.where(winners, values, xp.zeros_like(values)))
        return where(written, ScatterAdd.apply(values, index=target, shape=x.shape), x)
    kept = values if namespace(winners).all(winners) else where(winners, values, 0.0)
    return where(written, ScatterAdd.apply(kept, index=target, shape=x.shape), x)


def _prefix(src, shape):
    """The leading block of ``src`` of ``shape`` (PyTorch's src may be larger than index)."""
    if tuple(src.shape) == tuple(shape):
        return src
    return src[tuple(slice(n) for n in shape)]


# ------------------------------------------------------------------ PyTorch's indexing ops
def gather(input: Tensor, dim: int, index: ArrayLike) -> Tensor:  # noqa: A002 - PyTorch's name
    """Pick values along ``dim``: ``out[i][j] = input[index[i][j]][j]`` for ``dim=0``.

    Parameters
    ----------
    input : Tensor
    dim : int
    index : integer Tensor or array with ``input``'s number of axes, at most as long as
        ``input`` on every other axis. The result has ``index``'s shape.

    Returns
    -------
    Tensor; the gradient is added back at the picked positions.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.gather(gg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, gg.tensor([[1, 1], [0, 1]])).tolist()
    [[2.0, 2.0], [3.0, 4.0]]
    """
    idx = int_index("gather", index, like=input.data)
    dim = one_dim("gather", dim, input.ndim)
    if input.ndim == 0:
        return gather(input.reshape(1), 0, rule_helpers.reshape(idx, (1,))).reshape(idx.shape)
    _check_not_longer("gather", idx, input.shape, dim, "index")
    return input[_along("gather", input, dim, idx)]


def take_along_axis(arr: Tensor, indices: ArrayLike, axis: int | None) -> Tensor:
    """numpy's ``take_along_axis``: pick along ``axis``; other axes broadcast.

    ``axis=None`` works on the flattened tensor (``indices`` then 1-D).

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[10.0, 30.0, 20.0]])
    >>> gg.take_along_axis(x, gg.tensor([[1, 2]]), axis=1).tolist()
    [[30.0, 20.0]]
    """
    idx = int_index("take_along_axis", indices, "indices", like=arr.data)
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    axis = one_dim("take_along_axis", axis, arr.ndim)
    index = _along("take_along_axis", arr, axis, idx, "indices")
    try:
        broadcast_shapes(*(tuple(i.shape) for i in index))
    except ValueError:
        raise shape_error("take_along_axis", arr.shape, idx.shape, reason="cannot be broadcast "
                          f"on the axes other than {axis}", hint="each such axis must match "
                          "or be 1") from None
    return arr[index]


def scatter(input: Tensor, dim: int, index: ArrayLike,  # noqa: A002
            src: Tensor | float | None = None, *, value: float | None = None,
            reduce: str | None = None) -> Tensor:
    """``input`` with ``src`` written along ``dim``: ``out[index[i][j]][j] = src[i][j]``.

    Parameters
    ----------
    input : Tensor
    dim : int
    index : integer Tensor or array, ``input``'s number of axes.
    src : Tensor (at least ``index``'s shape; its leading block is used) or a number.
    value : number, PyTorch's keyword form of a number ``src``.
    reduce : None or ``"add"`` (``scatter_add``).

    Returns
    -------
    Tensor; gradients reach ``input`` where it was not overwritten and ``src`` where it
    was written. Where ``index`` repeats a position one write wins, for value and gradient.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.scatter(gg.zeros(2, 3), 1, gg.tensor([[2], [0]]), gg.tensor([[5.0], [7.0]])).tolist()
    [[0.0, 0.0, 5.0], [7.0, 0.0, 0.0]]
    """
    given = [v for v in (src, value) if v is not None]
    if len(given) != 1:
        raise TypeError("scatter: give exactly one of src (a tensor or number) and value")
    src = given[0]
    if reduce == "add":  # NOTE: a number src fails scatter_add's shape check (PyTorch takes it)
        return scatter_add(input, dim, index, src)  # type: ignore[arg-type]
    if reduce is not None:
        raise ValueError(f"scatter: reduce={reduce!r} is not supported; use reduce=None or "
                         "'add' (scatter_add)")
    idx = int_index("scatter", index, like=input.data)
    dim = one_dim("scatter", dim, input.ndim)
    if input.ndim == 0:
        return scatter(input.reshape(1), 0, rule_helpers.reshape(idx, (1,)),
                       src if _ndim(src) == 0 else src.reshape(1)  # type: ignore[union-attr]
                       ).reshape(())  # ndim > 0: a Tensor
    _check_not_longer("scatter", idx, input.shape, dim, "index")
    target = _along("scatter", input, dim, idx)
    if hasattr(src, "shape") and _ndim(src):
        _check_src("scatter", src, idx)
        src = _prefix(src, idx.shape)
    return _assign(input, target, src, idx.shape)


def _ndim(value):
    """numpy's ``np.ndim`` of an array, a Tensor, a number or a (nested) list."""
    ndim = getattr(value, "ndim", None)
    if ndim is not None:
        return ndim
    return 0 if isinstance(value, numbers.Number) else 1 + _ndim(value[0]) if len(value) else 1


def _shape(value):
    return tuple(value.shape) if hasattr(value, "shape") else ()


def _check_src(op, src, idx):
    if _ndim(src) != idx.ndim or any(n > m for n, m in zip(idx.shape, _shape(src))):
        raise shape_error(op, idx.shape, _shape(src), reason="do not fit (index and src)",
                          hint="src needs index's number of axes, each at least as long")


def scatter_add(input: Tensor, dim: int, index: ArrayLike, src: Tensor) -> Tensor:  # noqa: A002
    """``input`` plus ``src`` added along ``dim``: ``out[index[i][j]][j] += src[i][j]``.

    Repeated positions accumulate. Same arguments as ``scatter``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.scatter_add(gg.zeros(3), 0, gg.tensor([0, 0, 2]), gg.tensor([1.0, 2.0, 5.0])).tolist()
    [3.0, 0.0, 5.0]
    """
    idx = int_index("scatter_add", index, like=input.data)
    dim = one_dim("scatter_add", dim, input.ndim)
    if input.ndim == 0:
        return scatter_add(input.reshape(1), 0, rule_helpers.reshape(idx, (1,)),
                           src.reshape(1)).reshape(())
    _check_not_longer("scatter_add", idx, input.shape, dim, "index")
    _check_src("scatter_add", src, idx)
    target = _along("scatter_add", input, dim, idx)
    return input + ScatterAdd.apply(_prefix(src, idx.shape), index=target, shape=input.shape)


def put_along_axis(arr: Tensor, indices: ArrayLike, values: Tensor | float,
                   axis: int | None) -> Tensor:
    """numpy's ``put_along_axis``, out of place: a new tensor with ``values`` written.

    ``values`` broadcasts to the indexed positions; numpy's version writes into
    ``arr`` and returns None, this one leaves ``arr`` alone and returns the result.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.put_along_axis(gg.zeros(1, 3), gg.tensor([[2]]), 9.0, axis=1).tolist()
    [[0.0, 0.0, 9.0]]
    """
    idx = int_index("put_along_axis", indices, "indices", like=arr.data)
    if axis is None:
        return put_along_axis(arr.reshape(-1), rule_helpers.reshape(idx, (-1,)), values,
                              0).reshape(arr.shape)
    axis = one_dim("put_along_axis", axis, arr.ndim)
    target = _along("put_along_axis", arr, axis, idx, "indices")
    try:
        shape = broadcast_shapes(*(tuple(i.shape) for i in target), _shape(values))
        if shape != broadcast_shapes(*(tuple(i.shape) for i in target)):
            raise ValueError
    except ValueError:
        raise shape_error("put_along_axis", arr.shape, idx.shape, _shape(values),
                          reason="do not fit (arr, indices, values)", hint="values must "
                          "broadcast to the positions indices picks") from None
    if is_value(values) and tuple(values.shape) != shape:  # type: ignore[union-attr]
        values = broadcast_to(values, shape)  # type: ignore[arg-type]  # a value: a Tensor
    return _assign(arr, target, values, shape)


def index_select(input: Tensor, dim: int, index: ArrayLike) -> Tensor:  # noqa: A002
    """The slices ``index`` (1-D integers) of ``input`` along ``dim``, in that order.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.index_select(gg.tensor([[1.0, 2.0], [3.0, 4.0]]), 0, gg.tensor([1, 1])).tolist()
    [[3.0, 4.0], [3.0, 4.0]]
    """
    idx = int_index("index_select", index, like=input.data)
    if idx.ndim > 1:
        raise ShapeError(f"index_select: index must be 1-D, got shape {idx.shape}; flatten it "
                         "or use gather / take_along_axis")
    dim = one_dim("index_select", dim, input.ndim)
    if input.ndim == 0:
        return index_select(input.reshape(1), 0, idx).reshape(idx.shape)
    _check_bounds("index_select", idx, input.shape[dim], dim, input.shape)
    return input[(slice(None),) * dim + (rule_helpers.reshape(idx, (-1,)),)]


def index_add(input: Tensor, dim: int, index: ArrayLike, source: Tensor, *,  # noqa: A002
              alpha: float = 1) -> Tensor:
    """``input`` with ``alpha * source[i]`` added to slice ``index[i]`` along ``dim``.

    Repeated indices accumulate. ``source`` has ``input``'s shape with ``dim`` of
    length ``len(index)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.index_add(gg.zeros(3), 0, gg.tensor([2, 2]), gg.tensor([1.0, 4.0])).tolist()
    [0.0, 0.0, 5.0]
    """
    idx = rule_helpers.reshape(int_index("index_add", index, like=input.data), (-1,))
    dim = one_dim("index_add", dim, input.ndim)
    if input.ndim == 0:
        return index_add(input.reshape(1), 0, idx, source.reshape(1), alpha=alpha).reshape(())
    expected = input.shape[:dim] + (idx.size,) + input.shape[dim + 1:]
    if tuple(source.shape) != expected:
        raise shape_error("index_add", input.shape, source.shape, reason="do not fit (input and "
                          "source)", hint=f"source must have shape {expected}")
    _check_bounds("index_add", idx, input.shape[dim], dim, input.shape)
    added = source if alpha == 1 else source * alpha
    return input + ScatterAdd.apply(added, index=(slice(None),) * dim + (idx,),
                                    shape=input.shape)


# ------------------------------------------------------------------ masks
def _bool_mask(op, mask, like):
    data = array_index.as_index(mask, like)
    if backend.dtype_kind(data.dtype) != "b":
        raise DtypeError(f"{op}: mask must be boolean, got dtype "
                         f"{backend.numpy_dtype(data.dtype)}; compare first, e.g. x > 0")
    return data


def masked_fill(input: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:  # noqa: A002
    """``input`` with ``value`` (a number or 0-d Tensor) where ``mask`` is True.

    ``mask`` broadcasts to ``input``'s shape. The gradient reaches ``input``
    where the mask is False and ``value`` (summed) where it is True.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, -2.0, 3.0])
    >>> gg.masked_fill(x, x < 0, 0.0).tolist()
    [1.0, 0.0, 3.0]
    """
    data = _bool_mask("masked_fill", mask, input.data)
    try:
        fits = broadcast_shapes(tuple(data.shape), tuple(input.shape)) == tuple(input.shape)
    except ValueError:
        fits = False
    if not fits:
        raise shape_error("masked_fill", input.shape, data.shape, reason="do not fit (input and "
                          "mask)", hint="the mask must broadcast to the input's shape")
    if _ndim(value) != 0:
        raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape "
                         f"{_shape(value)}; use where(mask, values, input) for a tensor")
    return where(data, value, input)


def masked_select(input: Tensor, mask: TensorLike) -> Tensor:  # noqa: A002
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (row-major order).

    ``input`` and ``mask`` broadcast together.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[1.0, -2.0], [-3.0, 4.0]])
    >>> gg.masked_select(x, x > 0).tolist()
    [1.0, 4.0]
    """
    data = _bool_mask("masked_select", mask, input.data)
    try:
        shape = broadcast_shapes(tuple(data.shape), tuple(input.shape))
    except ValueError:
        raise shape_error("masked_select", input.shape, data.shape, reason="cannot be broadcast "
                          "together", hint="each axis must match or be 1") from None
    xp = namespace(data)
    if not shape:  # NOTE: a 0-d mask is numpy-only indexing; as 1-d, the same one or no element
        return input.reshape((1,))[xp.reshape(data, (1,))]
    if tuple(input.shape) != shape:
        input = broadcast_to(input, shape)
    return input[xp.broadcast_to(data, shape)]


# ------------------------------------------------------------------ integer results (no grad)
def nonzero(input: Tensor, *,  # noqa: A002
            as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """Indices of the nonzero elements, PyTorch's form: an int64 tensor of shape (n, ndim).

    ``as_tuple=True`` gives numpy's form instead: one 1-D index tensor per axis.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.nonzero(gg.tensor([[0.0, 1.0], [2.0, 0.0]])).tolist()
    [[0, 1], [1, 0]]
    """
    data = input.data if is_value(input) else array_index.as_index(input)
    xp = namespace(data)
    vector = xp.reshape(data, (1,)) if data.ndim == 0 else data
    positions = [xp.astype(i, backend.index_dtype(xp, data.device)) for i in xp.nonzero(vector)]
    if as_tuple:
        return tuple(_constant(i) for i in positions)
    if data.ndim == 0:  # numpy's argwhere of a 0-d array: one row (or none) of no columns
        return _constant(xp.zeros((positions[0].shape[0], 0),
                                  dtype=backend.index_dtype(xp, data.device), device=data.device))
    return _constant(xp.stack(positions, axis=1))


def _array_of(value):
    """The array of a Tensor or of an array (None for a list or a number)."""
    if is_value(value):
        return value.data
    return value if hasattr(value, "dtype") and hasattr(value, "shape") else None


def _constant(array):
    """A Tensor outside the graph (integer results)."""
    return Function.value_type._from_op(array, None)


def one_hot(tensor: TensorLike, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: an int64 tensor of shape ``tensor.shape + (C,)``.

    ``num_classes=-1`` takes one more than the largest index (PyTorch's rule).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.one_hot(gg.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    labels = int_index("one_hot", tensor, "tensor", like=_array_of(tensor))
    xp = namespace(labels)
    if num_classes == -1:
        num_classes = int(xp.max(labels)) + 1 if labels.size else 0
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 or a non-negative int, got "
                         f"{num_classes!r}")
    low, high = (int(xp.min(labels)), int(xp.max(labels))) if labels.size else (0, 0)
    if labels.size and (low < 0 or high >= num_classes):
        bad = low if low < 0 else high
        raise IndexError(f"one_hot: class index {bad} is out of range for num_classes="
                         f"{num_classes}; indices must lie in [0, {num_classes})")
    index = backend.index_dtype(xp, labels.device)
    classes = xp.arange(num_classes, dtype=index, device=labels.device)
    out = xp.astype(labels[..., None] == classes, index)
    return _constant(out)
