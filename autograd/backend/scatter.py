"""Writes into arrays: a scatter-add that accumulates repeated indices, and in-place results.

numpy (and CuPy) write in place (``np.add.at``, ``out=``); libraries without in-place
scatter (array-api-strict cannot assign through integer arrays) compute the same numbers
as new arrays. Use each function's result.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .namespaces import index_dtype, namespace

if TYPE_CHECKING:
    from typing import Any

__all__ = ["scatter_add", "add_at_columns", "into", "maximum_into", "masked", "set_masked"]


def scatter_add(target: Any, index: Any, values: Any) -> Any:
    """Add ``values`` into ``target`` at ``index`` in place, accumulating repeated indices.

    ``index`` is anything numpy's fancy indexing takes on the first axes (an integer array,
    a tuple of them, a boolean mask). numpy uses ``np.add.at``, CuPy ``cupyx.scatter_add``;
    other libraries get a one-hot matrix product (exact, O(len(target) * len(values))).
    Returns ``target``.

    Examples
    --------
    >>> scatter_add(np.zeros(3), np.array([0, 0, 2]), np.ones(3))
    array([2., 0., 1.])
    """
    xp = namespace(target)
    if xp is np:
        np.add.at(target, index, values)
        return target
    if "cupy" in xp.__name__:
        import cupyx  # noqa: PLC0415 - optional, only for CUDA devices
        cupyx.scatter_add(target, index, values)
        return target
    return _scatter_add_by_matmul(xp, target, index, values)


def _scatter_add_by_matmul(xp, target, index, values):
    # Flatten the indexed leading axes to one linear index, then add one_hot.T @ values.
    index = index if isinstance(index, tuple) else (index,)
    if len(index) == 1 and xp.isdtype(index[0].dtype, "bool"):
        index = tuple(xp.nonzero(index[0]))
    lead = target.shape[:len(index)]
    dtype = index_dtype(xp, target.device)
    linear = xp.zeros(index[0].shape, dtype=dtype, device=target.device)
    for axis, part in enumerate(index):
        part = xp.astype(part, dtype)
        part = xp.where(part < 0, part + lead[axis], part)
        linear = linear * lead[axis] + part
    count = 1
    for size in lead:
        count *= size
    linear = xp.reshape(linear, (-1,))
    rest = target.shape[len(index):]
    values = xp.broadcast_to(xp.asarray(values, dtype=target.dtype, device=target.device),
                             tuple(index[0].shape) + tuple(rest))
    flat_values = xp.reshape(values, (linear.shape[0], -1))
    positions = xp.arange(count, dtype=dtype, device=target.device)
    one_hot = xp.astype(positions[:, None] == linear[None, :], target.dtype)
    added = xp.reshape(one_hot @ flat_values, target.shape)
    target[...] = target + added
    return target


def maximum_into(out: Any, other: Any) -> Any:
    """The elementwise maximum of ``out`` and ``other``, written into ``out`` where the
    library has ``out=`` (numpy, CuPy); a new array elsewhere. Use the result.

    Examples
    --------
    >>> maximum_into(np.array([1.0, 5.0]), np.array([3.0, 2.0]))
    array([3., 5.])
    """
    if type(out) is np.ndarray:
        return np.maximum(out, other, out=out)
    xp = namespace(out)
    if "cupy" in xp.__name__:
        import cupy  # noqa: PLC0415 - optional, only for CUDA devices
        return cupy.maximum(out, other, out=out)
    return xp.maximum(out, other)


def add_at_columns(target: Any, columns: Any, values: Any) -> Any:
    """``target[i, columns[i]] += values[i]`` for every row ``i`` of a 2-D ``target``.

    One entry per row, so no index repeats: numpy and CuPy add in place through integer
    indexing; other libraries (array-api-strict, which cannot assign through integer arrays)
    add a one-hot selection, which gives the same numbers. Use the result.

    Examples
    --------
    >>> add_at_columns(np.zeros((2, 3)), np.array([2, 0]), np.array([1.0, 5.0]))
    array([[0., 0., 1.],
           [5., 0., 0.]])
    """
    xp = namespace(target)
    if xp is np or "cupy" in xp.__name__:
        target[xp.arange(columns.shape[0], device=target.device), columns] += values
        return target
    classes = xp.arange(target.shape[1], dtype=columns.dtype, device=target.device)
    return target + xp.where(columns[:, None] == classes[None, :], values[:, None], 0)


def into(out: Any, function: Any, *args: Any) -> Any:
    """``function(*args)`` written into the array ``out`` in place; returns ``out``.

    numpy computes straight into ``out`` (its ``out=`` argument: no temporary array, the
    fast path of the fused recurrent layers and the optimizers); other libraries compute
    the result and assign it (``out[...] = ...``, which the standard allows). ``function``
    is the namespace's function (``xp.multiply``, ``xp.matmul``, ``xp.tanh``, ...).

    Examples
    --------
    >>> out = np.zeros(2)
    >>> into(out, np.add, np.ones(2), 2.0)
    array([3., 3.])
    """
    if type(out) is np.ndarray:
        return function(*args, out=out)
    out[...] = function(*args)
    return out


# the unsigned integer of each float size: masked() multiplies a float's bits
_BITS = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def masked(mask: Any, values: Any) -> Any:
    """``values`` where the boolean ``mask`` holds, else +0: ``where(mask, values, 0)``.

    The select of ReLU's and max pooling's gradients. On numpy, for a float array and a
    mask of its shape, the values' bits are multiplied by the mask as unsigned integers: a
    branch-free pass that runs 5-18x faster than ``np.where`` on a random mask (whose
    branches mispredict), with ``where``'s exact result: +0.0 wherever the mask is off
    (also under an infinite or NaN value, where ``values * mask`` would give NaN), every
    bit of the value (its sign, NaN payload) where it is on. Other libraries, dtypes and
    shapes (broadcasting, 0-d) take ``where``.

    Examples
    --------
    >>> masked(np.array([True, False, True]), np.array([-1.5, np.inf, -0.0]))
    array([-1.5,  0. , -0. ])
    """
    bits = _BITS.get(getattr(values, "itemsize", 0))
    if (bits is not None and type(values) is np.ndarray and type(mask) is np.ndarray
            and values.dtype.kind == "f" and mask.dtype == np.bool_ and values.ndim
            and values.shape == mask.shape):
        return np.multiply(values.view(bits), mask, dtype=bits).view(values.dtype)
    return namespace(mask).where(mask, values, 0)


def set_masked(target: Any, index: Any, mask: Any, values: Any) -> Any:
    """``target[index] = masked(mask, values)``; returns ``target`` (use the result).

    numpy writes the select straight into the indexed view (no temporary array); other
    libraries assign ``where``'s result.

    Examples
    --------
    >>> set_masked(np.zeros(4), slice(1, 3), np.array([True, False]), np.array([5.0, 6.0]))
    array([0., 5., 0., 0.])
    """
    bits = _BITS.get(getattr(values, "itemsize", 0))
    if (bits is not None and type(target) is np.ndarray and type(values) is np.ndarray
            and type(mask) is np.ndarray and target.dtype == values.dtype
            and values.dtype.kind == "f" and mask.dtype == np.bool_
            and values.shape == mask.shape == target[index].shape):
        np.multiply(values.view(bits), mask, out=target.view(bits)[index])
        return target
    target[index] = masked(mask, values)
    return target
