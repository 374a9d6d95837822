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

from typing import TYPE_CHECKING

import numpy as np

from ..errors import DtypeError, ShapeError, shape_error
from ..function import Function
from ..value import is_value
from .elementwise import where
from .shape import ScatterAdd, broadcast_to

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import ArrayLike, TensorLike

__all__ = ["int_index", "one_dim", "gather", "take_along_axis", "scatter", "scatter_add",
    "put_along_axis", "index_select", "index_add", "masked_fill", "masked_select", "nonzero",
    "one_hot"]


# ------------------------------------------------------------------ argument checks
def int_index(op, index, name="index"):
    """``index`` (Tensor, array or list of ints) as an integer numpy array."""
    data = np.asarray(index.data if is_value(index) else index)
    if data.dtype.kind not in "iu":
        raise DtypeError(f"{op}: {name} must hold integers, got dtype {data.dtype}; convert "
                         f"it first, e.g. {name}.astype(np.int64)")
    return data.astype(np.intp, copy=False)


def one_dim(op, dim, ndim):
    """``dim`` as a non-negative axis of a tensor with ``ndim`` axes (0-d: only 0 or -1)."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise np.exceptions.AxisError(f"{op}: dim {dim} is out of range for a tensor of {ndim} "
                                      f"dimensions; use a dim in [{-max(ndim, 1)}, "
                                      f"{max(ndim, 1) - 1}]")
    return int(dim) % max(ndim, 1)


def _check_bounds(op, index, size, dim, shape):
    if index.size and (index.min() < -size or index.max() >= size):
        bad = index.min() if index.min() < -size else index.max()
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
    grids = list(np.indices(index.shape if name == "index" else x.shape, sparse=True))
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
    written = np.zeros(x.shape, dtype=bool)
    written[target] = True
    if not is_value(values):  # a constant: no gradient to route
        placed = np.zeros(x.shape, dtype=np.result_type(x.data, values))
        placed[target] = values
        return where(written, placed, x)
    # NOTE: which of several writes to one position numpy keeps is unspecified, so the
    # winners are decided once here and both the value and the gradient follow them.
    order = np.arange(int(np.prod(target_shape))).reshape(target_shape)
    slot = np.full(x.shape, -1, dtype=order.dtype)
    slot[target] = order
    winners = slot[target] == order
    kept = values if winners.all() else where(winners, values, 0.0)
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
    idx = int_index("gather", index)
    dim = one_dim("gather", dim, input.ndim)
    if input.ndim == 0:
        return gather(input.reshape(1), 0, idx.reshape(1)).reshape(idx.shape)
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
    idx = int_index("take_along_axis", indices, "indices")
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    axis = one_dim("take_along_axis", axis, arr.ndim)
    index = _along("take_along_axis", arr, axis, idx, "indices")
    try:
        np.broadcast_shapes(*(np.shape(i) for i in index))
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
    idx = int_index("scatter", index)
    dim = one_dim("scatter", dim, input.ndim)
    if input.ndim == 0:
        return scatter(input.reshape(1), 0, idx.reshape(1), src if np.ndim(src) == 0 else
                       src.reshape(1)).reshape(())  # type: ignore[union-attr]  # ndim > 0: a Tensor
    _check_not_longer("scatter", idx, input.shape, dim, "index")
    target = _along("scatter", input, dim, idx)
    if hasattr(src, "shape") and np.ndim(src):
        _check_src("scatter", src, idx)
        src = _prefix(src, idx.shape)
    return _assign(input, target, src, idx.shape)


def _check_src(op, src, idx):
    if np.ndim(src) != idx.ndim or any(n > m for n, m in zip(idx.shape, np.shape(src))):
        raise shape_error(op, idx.shape, np.shape(src), reason="do not fit (index and src)",
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
    idx = int_index("scatter_add", index)
    dim = one_dim("scatter_add", dim, input.ndim)
    if input.ndim == 0:
        return scatter_add(input.reshape(1), 0, idx.reshape(1), src.reshape(1)).reshape(())
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
    idx = int_index("put_along_axis", indices, "indices")
    if axis is None:
        return put_along_axis(arr.reshape(-1), idx.reshape(-1), values, 0).reshape(arr.shape)
    axis = one_dim("put_along_axis", axis, arr.ndim)
    target = _along("put_along_axis", arr, axis, idx, "indices")
    try:
        shape = np.broadcast_shapes(*(np.shape(i) for i in target), np.shape(values))
        if shape != np.broadcast_shapes(*(np.shape(i) for i in target)):
            raise ValueError
    except ValueError:
        raise shape_error("put_along_axis", arr.shape, idx.shape, np.shape(values),
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
    idx = int_index("index_select", index)
    if idx.ndim > 1:
        raise ShapeError(f"index_select: index must be 1-D, got shape {idx.shape}; flatten it "
                         "or use gather / take_along_axis")
    dim = one_dim("index_select", dim, input.ndim)
    if input.ndim == 0:
        return index_select(input.reshape(1), 0, idx).reshape(idx.shape)
    _check_bounds("index_select", idx, input.shape[dim], dim, input.shape)
    return input[(slice(None),) * dim + (idx.reshape(-1),)]


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
    idx = int_index("index_add", index).reshape(-1)
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
def _bool_mask(op, mask):
    data = np.asarray(mask.data if is_value(mask) else mask)
    if data.dtype != bool:
        raise DtypeError(f"{op}: mask must be boolean, got dtype {data.dtype}; compare first, "
                         "e.g. x > 0")
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
    data = _bool_mask("masked_fill", mask)
    try:
        fits = np.broadcast_shapes(data.shape, input.shape) == tuple(input.shape)
    except ValueError:
        fits = False
    if not fits:
        raise shape_error("masked_fill", input.shape, data.shape, reason="do not fit (input and "
                          "mask)", hint="the mask must broadcast to the input's shape")
    if np.ndim(value) != 0:
        raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape "
                         f"{np.shape(value)}; use where(mask, values, input) for a tensor")
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
    data = _bool_mask("masked_select", mask)
    try:
        shape = np.broadcast_shapes(data.shape, input.shape)
    except ValueError:
        raise shape_error("masked_select", input.shape, data.shape, reason="cannot be broadcast "
                          "together", hint="each axis must match or be 1") from None
    if tuple(input.shape) != shape:
        input = broadcast_to(input, shape)
    return input[np.broadcast_to(data, shape)]


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
    data = input.data if is_value(input) else np.asarray(input)
    if as_tuple:
        return tuple(_constant(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(data)))
    return _constant(np.argwhere(data).astype(np.int64))


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
    labels = int_index("one_hot", tensor, "tensor")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 or a non-negative int, got "
                         f"{num_classes!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels.min() if labels.min() < 0 else labels.max()
        raise IndexError(f"one_hot: class index {bad} is out of range for num_classes="
                         f"{num_classes}; indices must lie in [0, {num_classes})")
    out = (labels[..., None] == np.arange(num_classes)).astype(np.int64)
    return _constant(out)
