"""Indexing across array libraries: numpy's indexing rules on any array-API backend.

numpy indexes with anything: several integer arrays, masks next to slices, lists, integers
mixed with arrays. The array API standard guarantees less (ints, slices, ``...``, None; an
integer array only where every index is an integer or integer array; a boolean mask only as
the sole index), and array-api-strict enforces exactly that, down to wanting every axis
indexed. Gradient rules index with numpy's meaning, so the ops call these three functions:

* ``getitem(x, index)``: ``x[index]`` and the index as this backend takes it;
* ``scatter(values, index, shape)``: zeros of ``shape`` with ``values`` added at ``index``
  (repeated positions accumulate: the gradient of ``getitem``);
* ``index_add(out, index, values)``: the same, added into ``out`` in place.

numpy runs the index as is (its fast path). Another library gets the index translated:
numpy arrays and lists become integer arrays on ``x``'s device, masks become their
``nonzero`` positions, every axis is named, and the advanced part (integers and arrays
together, numpy's rule) becomes one ``take`` along a flattened axis (and ``scatter_add``
back), the result's axes placed where numpy places them. Nothing is copied to the host.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import backend
from .index_translation import (
    Place,
    broadcast_shapes,
    broadcast_values,
    device_index,
    gather,
    key_shape,
    linear_index,
    on_device,
    result_shape,
    scatter_block,
    split,
)
from .value import is_value

if TYPE_CHECKING:
    from typing import Any

__all__ = ["is_basic_index", "getitem", "scatter", "index_add", "device_index", "open_grid",
           "as_index", "broadcast_shapes", "mark", "last_writes", "setitem"]


def is_basic_index(index: Any) -> bool:
    """True when ``x[index]`` picks each element at most once (no integer arrays)."""
    items = index if isinstance(index, tuple) else (index,)
    for i in items:
        if i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)):
            continue
        dtype = getattr(i, "dtype", None)
        if dtype is None or getattr(i, "ndim", 0) == 0 or backend.dtype_kind(dtype) != "b":
            return False
    return True


def getitem(x: Any, index: Any) -> tuple[Any, Any]:
    """``(x[index], key)``: numpy's indexing on any backend, and the index it became.

    ``key`` is ``index`` itself for numpy; for another library it is the index translated
    to that library (arrays on ``x``'s device, every axis named), which ``scatter`` and
    ``index_add`` take as it is, so a rule translates once.

    Examples
    --------
    >>> out, key = getitem(np.arange(5), np.array([4, 0]))
    >>> out
    array([4, 0])
    """
    if type(x) is np.ndarray:
        return x[index], index
    xp = backend.namespace(x)
    if xp is np:
        return np.asarray(x)[index], index
    key = device_index(x, index, xp)
    return gather(xp, x, key), key


def scatter(values: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` (``values``'s dtype and device) with ``values`` added at ``index``.

    The gradient of ``getitem``: repeated positions accumulate.

    Examples
    --------
    >>> scatter(np.ones(3), np.array([0, 0, 2]), (4,))
    array([2., 0., 1., 0.])
    """
    xp = backend.namespace(values)
    if xp is np:
        out = np.zeros(shape, dtype=np.result_type(values))
        if is_basic_index(index):
            out[index] = values
        else:
            np.add.at(out, index, values)
        return out
    out = xp.zeros(shape, dtype=values.dtype, device=values.device)
    return index_add(out, index, values)


def index_add(out: Any, index: Any, values: Any) -> Any:
    """Add ``values`` into ``out`` at ``index`` in place (repeats accumulate); return ``out``.

    Examples
    --------
    >>> index_add(np.ones(3), (slice(1, None),), np.ones(2))
    array([1., 2., 2.])
    """
    xp = backend.namespace(out)
    if xp is np:
        if is_basic_index(index):
            out[index] += values
        else:
            np.add.at(out, index, values)
        return out
    key = device_index(out, index, xp)
    values = broadcast_values(xp, values, out, key)
    basic, advanced = split(key)
    if advanced:
        values = scatter_block(xp, values, advanced, key_shape(out.shape, basic))
    kept, values = _without_new_axes(xp, basic, values)
    out[kept] = out[kept] + values
    return out


def setitem(out: Any, index: Any, value: Any) -> Any:
    """``out[index] = value`` in place, numpy's meaning on any backend; returns ``out``.

    ``value`` (a number or an array) is cast to ``out``'s dtype and broadcast to the indexed
    shape. Where an index repeats a position one write is kept (see ``last_writes``).

    Examples
    --------
    >>> setitem(np.zeros(3), np.array([2, 0]), 1.0)
    array([1., 0., 1.])
    """
    xp = backend.namespace(out)
    if xp is np:
        out[index] = value
        return out
    key = device_index(out, index, xp)
    shape = result_shape(out.shape, key)
    values = xp.broadcast_to(on_device(xp, out.device, value, dtype=out.dtype), shape)
    basic, advanced = split(key)
    if not advanced:
        kept, values = _without_new_axes(xp, key, values)
        out[kept] = values
        return out
    # general case: the flat positions the index picks, then one kept write per position
    size = math.prod(out.shape)
    flat = xp.arange(size, dtype=backend.index_dtype(xp, out.device), device=out.device)
    places = gather(xp, xp.reshape(flat, out.shape), key)
    places = xp.reshape(places, (-1,))
    flat_values = xp.reshape(values, (-1,))
    if backend.dtype_kind(out.dtype) == "b":
        flat_values = xp.astype(flat_values, xp.int8)
    kept = xp.where(last_writes(places, (size,), out), flat_values,
                    xp.zeros_like(flat_values))
    placed = scatter(kept, places, (size,))
    if backend.dtype_kind(out.dtype) == "b":
        placed = placed != 0
    flat = xp.where(mark((size,), places, out), placed, xp.reshape(out, (-1,)))
    out[...] = xp.reshape(flat, out.shape)
    return out


def _without_new_axes(xp, key, values):
    """A basic ``key`` without its None items (setitem takes no new axes), and ``values``
    (shaped like ``x[key]``) without their length-1 axes."""
    axes = [i for i in key if i is None or isinstance(i, slice)]  # the axes values has
    drop = tuple(k for k, i in enumerate(axes) if i is None)
    return tuple(i for i in key if i is not None), xp.squeeze(values, axis=drop) if drop \
        else values


def open_grid(shape: tuple[int, ...], like: Any) -> list[Any]:
    """numpy's ``np.ogrid`` for ``shape`` on ``like``'s library and device.

    One integer array per axis, of length ``shape[d]`` along axis ``d`` and 1 elsewhere:
    with one of them replaced by an index array, ``x[tuple(grid)]`` is
    ``take_along_axis``.

    Examples
    --------
    >>> [g.shape for g in open_grid((2, 3), np.zeros(1))]
    [(2, 1), (1, 3)]
    """
    xp = backend.namespace(like)
    return [xp.reshape(xp.arange(n, dtype=backend.index_dtype(xp, like.device), device=like.device),
                       tuple(n if d == k else 1 for d in range(len(shape))))
            for k, n in enumerate(shape)]


def as_index(value: Any, like: Any = None) -> Any:
    """An index or mask (a Tensor, an array, a list, a number) as an array of ``like``'s
    library on ``like``'s device (numpy for None): no copy when it already is one.

    Examples
    --------
    >>> as_index([2, 0])
    array([2, 0])
    """
    data = value.data if is_value(value) else value
    if like is None or type(like) is np.ndarray or backend.namespace(like) is np:
        return np.asarray(data)
    return on_device(backend.namespace(like), like.device, data, index=True)


def mark(shape: tuple[int, ...], index: Any, like: Any) -> Any:
    """A boolean array of ``shape`` on ``like``'s device, True where ``index`` points.

    Examples
    --------
    >>> mark((3,), np.array([2, 2]), np.zeros(1))
    array([False, False,  True])
    """
    xp = backend.namespace(like)
    if xp is np:
        out = np.zeros(shape, dtype=bool)
        out[index] = True
        return out
    key = device_index(Place(shape, like.device), index, xp)
    ones = xp.ones(result_shape(shape, key), dtype=xp.float32, device=like.device)
    return scatter(ones, key, shape) > 0


def last_writes(index: Any, shape: tuple[int, ...], like: Any) -> Any:
    """For a write ``out[index] = values`` into ``shape``: True for the write that is kept
    at each position (of ``index``'s broadcast shape), False for the ones overwritten.

    Several writes to one position keep one (numpy's choice on numpy, the last in row-major
    order elsewhere); a rule that follows this mask gives value and gradient the same winner.

    Examples
    --------
    >>> last_writes(np.array([0, 1, 0]), (2,), np.zeros(1))
    array([False,  True,  True])
    """
    xp = backend.namespace(like)
    if xp is np:
        target_shape = np.broadcast_shapes(*(np.shape(i) for i in index)) \
            if isinstance(index, tuple) else np.shape(index)
        order = np.arange(math.prod(target_shape)).reshape(target_shape)
        slot = np.full(shape, -1, dtype=order.dtype)
        slot[index] = order
        return slot[index] == order
    key = device_index(Place(shape, like.device), index, xp)
    basic, advanced = split(key)
    if not advanced or any(isinstance(i, slice) for i in basic if i != slice(None)):
        raise ValueError("last_writes: takes one integer array (or int) per axis")
    linear, _, _, broadcast = linear_index(xp, shape, advanced, like.device)
    count = linear.shape[0]
    if count == 0:
        return xp.zeros(broadcast, dtype=xp.bool, device=like.device)
    order = xp.argsort(linear, stable=True)
    ranked = xp.take(linear, order, axis=0)
    last = xp.concat([ranked[:-1] != ranked[1:], xp.ones(1, dtype=xp.bool, device=like.device)])
    return xp.reshape(xp.take(last, xp.argsort(order), axis=0), broadcast)
