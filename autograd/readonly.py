"""Arrays a live graph saved are read-only until the graph is freed.

A recorded op's backward reads the arrays it saved. Writing into one of them
afterwards, through any name for that memory (``t.data``, ``t.numpy()``,
``np.asarray(t)``, ``t.detach()``, a numpy view, the user's own constant), would
change the gradient without a word. So ``Function.apply`` locks what it saves
(``protect``): each array (and the array a view was taken from) is made
read-only, counted in a registry, and made writable again when the last node
that saved it lets go (after backward without ``retain_graph``, or when its
graph is dropped). Fresh arrays computed by recorded ops stay read-only.

Raw writes then fail with numpy's "read-only" ``ValueError``; the library's own
updates (optimizers, ``nn.init``, ``.grad`` accumulation) test ``is_shared``
first and write a new buffer instead, bumping the tensor's version.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .value import is_value

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["protect", "lock", "is_shared", "writable_data"]

# id(array) -> [array, count]: arrays made read-only by a live node
_locks: dict[int, list[Any]] = {}
# id(base) -> views whose unlock waits for their base (numpy's rule)
_waiting: dict[int, list[Any]] = {}


def protect(parents, raw, saved, out):
    """Make the arrays a node saved read-only; return a token that unlocks them, or None.

    ``parents`` are the node's inputs, ``raw`` the objects ``forward`` got for
    them, ``saved`` what it saved and ``out`` its output array. A fresh array
    computed by a recorded op (an intermediate input, the output) is made
    read-only for good: nothing but this graph uses it, and the unlock would
    cost as much as the op. Everything else (leaves' arrays, constants, indices,
    views and their bases) is counted and unlocked when the last node that
    saved it lets go.
    """
    counted = None
    for item in saved:
        if type(item) is not np.ndarray:
            if type(item) is tuple:  # an index: its arrays
                counted = (counted or []) + list(item)
            continue
        if item is out:
            if item.base is None:
                item.setflags(False)
            else:
                counted = (counted or []) + [item]
            continue
        index = 0
        for arg in raw:
            if arg is item:
                break
            index += 1
        else:  # state the rule keeps: a mask, an index, a matrix
            counted = (counted or []) + [item]
            continue
        parent = parents[index]
        if item.base is None and getattr(parent, "grad_fn", None) is not None:
            item.setflags(False)
        else:
            data = parent.data if is_value(parent) else parent
            # NOTE: item may be a view _distinguish made of data: lock both
            counted = (counted or []) + ([data] if item is data else [data, item])
    return None if counted is None else lock(counted)


def lock(items):
    """Make the arrays among ``items`` (and their bases) read-only; return a token or None.

    The arrays stay read-only while the returned token lives; anything in
    ``items`` that is not an array is ignored.
    """
    taken = []
    locks = _locks
    for item in items:
        if type(item) is not np.ndarray:
            continue
        base = item.base
        if base is not None and type(base) is np.ndarray:
            _take(base, taken)  # NOTE: before the view: unlocking in order frees it first
        entry = locks.get(id(item))
        if entry is not None:
            entry[1] += 1
        elif item.flags.writeable:
            item.setflags(False)
            locks[id(item)] = [item, 1]
        else:
            continue  # read-only already, not by us: nothing to undo later
        taken.append(item)
    return _Lock(taken) if taken else None


def _take(array, taken):
    entry = _locks.get(id(array))
    if entry is not None:
        entry[1] += 1
    elif array.flags.writeable:
        array.setflags(False)
        _locks[id(array)] = [array, 1]
    else:
        return  # read-only already, not by us: nothing to undo later
    taken.append(array)


def _release(arrays):
    for array in arrays:
        entry = _locks.get(id(array))
        if entry is None:
            continue
        entry[1] -= 1
        if entry[1] == 0:
            del _locks[id(array)]
            _unlock(array)


def _unlock(array):
    try:
        array.setflags(True)
    except ValueError:  # numpy keeps a view read-only while its base is: retry with the base
        _waiting.setdefault(id(array.base), []).append(array)
        return
    if _waiting:
        for view in _waiting.pop(id(array), ()):
            if id(view) not in _locks:
                _unlock(view)


class _Lock:
    """Held by a node; unlocks its arrays when released or garbage-collected."""

    __slots__ = ("arrays",)

    def __init__(self, arrays):
        self.arrays = arrays

    def __del__(self):
        if _release is not None:  # NOTE: module globals may be gone at interpreter exit
            _release(self.arrays)


def is_shared(array):
    """True if ``array`` must not be written in place: a live graph reads it, or it is read-only.

    The library's in-place updates write a new buffer instead. Arrays of other libraries
    (CuPy, array-api-strict) are never locked: False (their version counters still
    catch a saved value changed in place).
    """
    if type(array) is not np.ndarray:
        return False
    if not array.flags.writeable:
        return True
    base = array.base
    return type(base) is np.ndarray and not base.flags.writeable


def writable_data(tensor: Tensor) -> np.ndarray:
    """The array of ``tensor``, ready for an in-place update outside the graph.

    If a live graph saved that array (it is read-only then), the tensor gets a
    copy first: the graph keeps the values it was computed with, and backward
    through it raises ``InplaceModificationError``, because the version is
    bumped here either way. Optimizers, BatchNorm's running statistics and your
    own in-place updates of a parameter's raw array go through it.

    Parameters
    ----------
    tensor : Tensor
        The tensor about to be changed in place.

    Returns
    -------
    numpy.ndarray
        ``tensor.data``, which the caller may now write into.

    Example
    -------
    >>> import graphgrad as gg
    >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (w * w).sum()                   # saves w's array: it is read-only now
    >>> gg.writable_data(w)[...] -= 0.5     # w gets a new array; y keeps the old one
    >>> w
    Tensor([0.5, 1.5], dtype=float32, requires_grad=True)
    >>> try:
    ...     y.backward()
    ... except gg.InplaceModificationError:
    ...     print("refused: w changed after y used it")
    refused: w changed after y used it
    """
    data = tensor.data
    if is_shared(data):
        data = tensor.data = data.copy()
    tensor._version += 1
    return data
