"""``IndexedGrad``: the gradient of ``x[index]`` kept as (index, values) until it is needed.

The gradient of a slice is zero except at the slice. Building that dense array
for every slice costs a full-size allocation each time, and summing them costs
as much again: slicing a sequence tensor at each of T time steps (an RNN)
becomes O(T^2). Instead ``GetItem``'s first-order rule returns an
``IndexedGrad``; the engine adds these together by collecting their parts, and
turns the sum into one dense array (``to_dense``) when the value is released.
"""
import numpy as np

from .ops.shape import is_basic_index

__all__ = ["IndexedGrad"]


class IndexedGrad:
    """A gradient of ``shape`` that is a dense ``base`` (or zero) plus values at indices."""

    __slots__ = ("shape", "dtype", "parts", "base")
    __array_ufunc__ = None  # numpy defers `array + IndexedGrad` to __radd__

    def __init__(self, index, values, shape):
        self.shape = tuple(shape)
        self.dtype = np.result_type(values)
        self.parts = [(index, values)]
        self.base = None

    def __add__(self, other):
        # NOTE: only the engine holds an IndexedGrad while summing, so growing it in
        # place is safe and keeps a sum of T slices O(T).
        if type(other) is IndexedGrad:
            self.parts.extend(other.parts)
            if other.base is not None:
                self._add_base(other.base)
        else:
            self._add_base(other)
        self.dtype = np.result_type(self.dtype, other.dtype)
        return self

    __radd__ = __add__

    def _add_base(self, dense):
        self.base = dense if self.base is None else self.base + dense

    def __array__(self, dtype=None, copy=None):
        dense = self.to_dense()
        return dense if dtype is None else dense.astype(dtype)

    def astype(self, dtype):
        """The dense gradient in ``dtype``."""
        return self.to_dense().astype(dtype)

    def to_dense(self):
        """Zeros (or ``base``) with every part's values added at its index."""
        if self.base is None:
            out = np.zeros(self.shape, dtype=self.dtype)
        else:
            out = np.array(np.broadcast_to(self.base, self.shape), dtype=self.dtype)
        for index, values in self.parts:
            if is_basic_index(index):
                out[index] += values
            else:
                np.add.at(out, index, values)
        return out
