"""Recycled work buffers: large numpy arrays handed out again once nothing references them.

numpy only. The large work arrays of conv and the fused recurrent layers are allocated
and freed every training step; glibc maps arrays that large afresh each time (or trims
them off its heap), so every step page-faults through megabytes of new memory. A buffer
that nothing references any more (no graph saved it, no view of it lives) is handed out
again instead.
"""
from __future__ import annotations

import math
import sys
import threading
from typing import TYPE_CHECKING

import numpy as np

from .namespaces import namespace

if TYPE_CHECKING:
    from typing import Any

__all__ = ["reusable_empty", "release_reusable"]


_REUSABLE: dict[tuple[tuple[int, ...], Any], list[Any]] = {}
_REUSABLE_MIN_BYTES = 1 << 18  # smaller arrays come from malloc's heap without faults
_REUSABLE_MAX_BYTES = 1 << 27  # at most 128 MiB kept (oldest shapes dropped first)
_REUSABLE_PER_SHAPE = 4
_REUSABLE_LOCK = threading.Lock()  # a buffer is taken (referenced) before another looks


def _references(pool: list[Any], index: int) -> int:
    return sys.getrefcount(pool[index])


# what _references counts for a buffer only its pool holds (calibrated: interpreters differ)
_UNREFERENCED = _references([np.empty(1)], 0)


def reusable_empty(shape: tuple[int, ...], dtype: Any, like: Any) -> Any:
    """An uninitialized array of ``shape`` and ``dtype`` on ``like``'s library and device.

    On numpy a large one (256 KiB or more) may be a buffer an earlier call returned that
    nothing references any more: no graph holds it (a live graph that saved it, or a view
    of it, keeps it from being handed out), so it is only ever reused once free. Up to
    128 MiB of such buffers are kept (``release_reusable`` frees them). Other libraries
    allocate a new array.

    Examples
    --------
    >>> a = reusable_empty((512, 256), np.float32, np.zeros(1))
    >>> address = a.ctypes.data
    >>> del a
    >>> reusable_empty((512, 256), np.float32, np.zeros(1)).ctypes.data == address
    True
    """
    if type(like) is not np.ndarray:
        return namespace(like).empty(shape, dtype=dtype, device=like.device)
    dtype = np.dtype(dtype)
    shape = tuple(int(n) for n in shape)
    if math.prod(shape) * dtype.itemsize < _REUSABLE_MIN_BYTES:
        return np.empty(shape, dtype)
    key = (shape, dtype)
    with _REUSABLE_LOCK:
        pool = _REUSABLE.pop(key, [])
        _REUSABLE[key] = pool  # the most recently used shape last
        for index in range(len(pool)):
            if _references(pool, index) == _UNREFERENCED and pool[index].flags.writeable:
                buffer = pool[index]  # referenced from here on: no other caller takes it
                return buffer
        if not pool:
            buffer_ = np.empty(shape, dtype)
            # NOTE: glibc raises its threshold for mapping fresh memory when a mapped array
            # that size is freed; a kept buffer never is, so free one like it first, or the
            # step's other arrays of about that size would keep being mapped afresh too
            del buffer_
        buffer = np.empty(shape, dtype)
        if len(pool) < _REUSABLE_PER_SHAPE:
            pool.append(buffer)
            _evict()
        return buffer


def _evict() -> None:
    """Drop the least recently used shapes' buffers beyond the byte budget."""
    total = sum(b.nbytes for pool in _REUSABLE.values() for b in pool)
    while total > _REUSABLE_MAX_BYTES and _REUSABLE:
        oldest = next(iter(_REUSABLE))
        total -= sum(b.nbytes for b in _REUSABLE.pop(oldest))


def release_reusable() -> None:
    """Forget every buffer ``reusable_empty`` keeps (arrays still in use stay valid).

    Examples
    --------
    >>> release_reusable()
    """
    with _REUSABLE_LOCK:
        _REUSABLE.clear()
