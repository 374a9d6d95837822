"""How numpy's index becomes the array API standard's: the translation behind ``array_index``.

A translated key names every axis with an int, a slice, None or an integer array of the
array's library on its device (``device_index``). Its advanced part (the integers and arrays,
numpy's rule once any array is present) is gathered with one ``take`` along the advanced
axes flattened into one (``gather``), and scattered back with ``backend.scatter_add``
(``scatter_block``); the broadcast index axes go where numpy puts them: at the first advanced
index when the advanced indices are adjacent, else first.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import backend
from .errors import DeviceError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["Place", "device_index", "on_device", "broadcast_shapes", "split", "key_shape",
           "result_shape", "broadcast_values", "linear_index", "gather", "scatter_block"]


class Place:
    """The shape and device of an array not made yet (what ``device_index`` reads of ``x``)."""

    __slots__ = ("shape", "ndim", "device")

    def __init__(self, shape, device):
        self.shape, self.ndim, self.device = tuple(shape), len(shape), device


def on_device(xp, device, value, index=False, dtype=None):
    """``value`` as an array of ``xp`` on ``device`` (as is when it already is one).

    ``dtype`` casts a host value first (a device may lack numpy's default float64). An
    integer ``index`` from the host takes the device's index dtype (``backend.index_dtype``:
    int32 on a device without 64-bit integers; a value out of its range raises IndexError).
    """
    if backend.is_foreign_array(value):
        return value if dtype is None else xp.astype(value, dtype)
    host = np.asarray(value)
    if index and host.size == 0 and host.dtype.kind == "f":  # x[[]]: an empty integer index
        host = host.astype(np.int64)
    if index and host.dtype.kind in "iu" and dtype is None:
        host = _as_index_dtype(host, backend.numpy_dtype(backend.index_dtype(xp, device)))
    if dtype is not None:
        host = host.astype(backend.numpy_dtype(dtype))
    return xp.asarray(host, device=device)


def _as_index_dtype(host, dtype):
    """Host integer indices as ``dtype``, refusing values it cannot hold (never wrapped)."""
    if host.dtype == dtype:
        return host
    info = np.iinfo(dtype)
    if host.size and (host.max() > info.max or host.min() < info.min):
        raise IndexError(f"getitem: index {host.max() if host.max() > info.max else host.min()} "
                         f"is out of range for the device's {dtype} indices")
    return host.astype(dtype)


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """numpy's ``broadcast_shapes`` (``ValueError`` when they do not broadcast).

    Examples
    --------
    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    ndim = max((len(s) for s in shapes), default=0)
    result = []
    for axis in range(ndim):
        sizes = {s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0} - {1}
        if len(sizes) > 1:
            raise ValueError(f"shapes {', '.join(map(str, shapes))} cannot be broadcast together")
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def device_index(x: Any, index: Any, xp: Any = None) -> tuple[Any, ...]:
    """numpy's ``index`` for the non-numpy array ``x``: a tuple naming every axis.

    Integers and slices stay; ``...`` is expanded; numpy arrays, lists and Tensors' arrays
    become arrays of ``x``'s library on ``x``'s device; a boolean mask becomes its
    ``nonzero`` integer arrays (one per axis it covers). Idempotent.
    """
    xp = backend.namespace(x) if xp is None else xp
    items = index if isinstance(index, tuple) else (index,)
    converted: list[Any] = []
    used = 0
    ellipsis = None
    for item in items:
        if item is None:
            converted.append(None)
        elif item is Ellipsis:
            if ellipsis is not None:
                raise IndexError("getitem: an index can only have a single ellipsis ('...')")
            ellipsis = len(converted)
        elif isinstance(item, slice):
            converted.append(item)
            used += 1
        elif isinstance(item, (bool, np.bool_)):
            raise DeviceError(f"getitem: a boolean scalar index ({item!r}) is numpy-only; on "
                              f"{_device_name(x)} use x[None] (True) or an empty slice (False)")
        elif isinstance(item, (int, np.integer)):
            converted.append(int(item))
            used += 1
        else:
            array = _index_array(xp, x, item)
            if backend.dtype_kind(array.dtype) == "b":
                used += _mask_positions(xp, x, array, used, converted)
            else:
                converted.append(array)
                used += 1
    if used > x.ndim:
        raise IndexError(f"getitem: too many indices for a tensor of shape {tuple(x.shape)}: "
                         f"{used} axes indexed")
    fill = [slice(None)] * (x.ndim - used)
    if ellipsis is None:
        converted.extend(fill)
    else:
        converted[ellipsis:ellipsis] = fill
    return tuple(converted)


def _device_name(x):
    return f"device {x.device!r}"


def _index_array(xp, x, item):
    """An index array (numpy's, a list, another library's) as ``x``'s library's, on its device."""
    array = on_device(xp, x.device, item, index=True)
    kind = backend.dtype_kind(array.dtype)
    if kind not in "iub":
        raise IndexError(f"getitem: an index array must hold integers or booleans, got "
                         f"dtype {backend.numpy_dtype(array.dtype)}")
    return array


def _mask_positions(xp, x, mask, used, converted):
    """Append the integer arrays a boolean ``mask`` over axes ``used...`` stands for."""
    covered = tuple(x.shape[used:used + mask.ndim])
    if mask.ndim == 0:
        raise DeviceError(f"getitem: a 0-d boolean index is numpy-only; on {_device_name(x)} "
                          "index with a 1-d mask or use where()")
    if tuple(mask.shape) != covered:
        raise IndexError(f"getitem: a boolean index of shape {tuple(mask.shape)} does not match "
                         f"the indexed axes {covered} of a tensor of shape {tuple(x.shape)}")
    try:
        positions = xp.nonzero(mask)
    except Exception as exc:  # a library without data-dependent shapes
        raise DeviceError(f"getitem: {_device_name(x)} cannot index with a boolean mask "
                          f"({exc}); use where() or move to 'cpu' first") from None
    converted.extend(positions)
    return mask.ndim


def split(key):
    """(basic key with the advanced axes kept whole, {position: index} of the advanced part).

    With any array in ``key``, numpy treats the integers too as advanced indices.
    """
    if not any(hasattr(i, "dtype") for i in key):
        return key, {}
    advanced = {k: i for k, i in enumerate(key) if i is not None and not isinstance(i, slice)}
    basic = tuple(slice(None) if k in advanced else i for k, i in enumerate(key))
    return basic, advanced


def key_shape(shape, key):
    """The shape of ``x[key]`` for a key of ints, slices and None naming every axis."""
    out = []
    axes = iter(shape)
    for item in key:
        if item is None:
            out.append(1)
        elif isinstance(item, slice):
            out.append(len(range(*item.indices(next(axes)))))
        else:
            next(axes)
    return tuple(out)


def result_shape(shape, key):
    """The shape of ``x[key]`` (numpy's rule) for a translated key."""
    basic, advanced = split(key)
    block = key_shape(shape, basic)
    if not advanced:
        return block
    positions = sorted(advanced)
    broadcast = _broadcast_shape([tuple(getattr(advanced[k], "shape", ())) for k in positions])
    rest = tuple(n for k, n in enumerate(block) if k not in advanced)
    at = _first_axis(positions)
    return rest[:at] + broadcast + rest[at:]


def _first_axis(positions):
    """Where numpy puts the broadcast axes: at the first advanced index if they are adjacent."""
    return positions[0] if positions == list(range(positions[0], positions[-1] + 1)) else 0


def broadcast_values(xp, values, out, key):
    shape = result_shape(out.shape, key)
    if getattr(values, "shape", None) == shape:
        return values
    return xp.broadcast_to(xp.asarray(values, dtype=out.dtype, device=out.device), shape)


def _broadcast_shape(shapes):
    try:
        return broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(f"getitem: index arrays of shapes {', '.join(map(str, shapes))} "
                         "cannot be broadcast together") from None


def linear_index(xp, block_shape, advanced, device):
    """The advanced indices as one flat index into their axes (bounds checked)."""
    positions = sorted(advanced)
    sizes = [block_shape[k] for k in positions]
    broadcast = _broadcast_shape([tuple(getattr(advanced[k], "shape", ())) for k in positions])
    dtype = backend.index_dtype(xp, device)
    linear = xp.zeros(broadcast, dtype=dtype, device=device)
    for k, size in zip(positions, sizes):
        index = advanced[k]
        if isinstance(index, int):
            if not -size <= index < size:
                raise IndexError(f"getitem: index {index} is out of bounds for axis {k} with "
                                 f"size {size}")
            linear = linear * size + index % size
            continue
        index = xp.astype(index, dtype)
        if bool(xp.any((index < -size) | (index >= size))):
            raise IndexError(f"getitem: an index array holds values out of bounds for axis {k} "
                             f"with size {size}")
        linear = linear * size + xp.where(index < 0, index + size, index)
    return xp.reshape(linear, (-1,)), positions, sizes, broadcast


def _placement(positions, rest_count, broadcast_ndim):
    """The permutation taking (broadcast axes, rest axes) to numpy's order."""
    at = _first_axis(positions)
    return (list(range(broadcast_ndim, broadcast_ndim + at)) + list(range(broadcast_ndim))
            + list(range(broadcast_ndim + at, broadcast_ndim + rest_count)))


def gather(xp, x, key):
    basic, advanced = split(key)
    if not advanced:
        return x[key]
    block = x[basic]
    linear, positions, sizes, broadcast = linear_index(xp, block.shape, advanced, x.device)
    rest = [k for k in range(block.ndim) if k not in advanced]
    rest_shape = tuple(block.shape[k] for k in rest)
    flat = xp.reshape(xp.permute_dims(block, tuple(positions + rest)),
                      (math.prod(sizes),) + rest_shape)
    picked = xp.reshape(xp.take(flat, linear, axis=0), broadcast + rest_shape)
    order = _placement(positions, len(rest), len(broadcast))
    return xp.permute_dims(picked, tuple(order)) if order != sorted(order) else picked


def scatter_block(xp, values, advanced, block_shape):
    """The gradient of ``gather`` on the block ``x[basic]`` of ``block_shape``."""
    linear, positions, sizes, broadcast = linear_index(xp, block_shape, advanced,
                                                        values.device)
    rest = [k for k in range(len(block_shape)) if k not in advanced]
    rest_shape = tuple(block_shape[k] for k in rest)
    order = _placement(positions, len(rest), len(broadcast))
    if order != sorted(order):
        inverse = [0] * len(order)
        for k, axis in enumerate(order):
            inverse[axis] = k
        values = xp.permute_dims(values, tuple(inverse))
    flat_values = xp.reshape(values, (linear.shape[0],) + rest_shape)
    target = xp.zeros((math.prod(sizes),) + rest_shape, dtype=values.dtype,
                      device=values.device)
    if linear.shape[0]:
        target = backend.scatter_add(target, linear, flat_values)
    back = [0] * len(block_shape)
    for k, axis in enumerate(positions + rest):
        back[axis] = k
    return xp.permute_dims(xp.reshape(target, tuple(sizes) + rest_shape), tuple(back))
