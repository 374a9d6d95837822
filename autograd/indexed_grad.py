"""``IndexedGrad``: the gradient of ``x[index]`` kept as (index, values) until it is needed.

The gradient of a slice is zero except at the slice. Building that dense array
for every slice costs a full-size allocation each time, and summing them costs
as much again: slicing a sequence tensor at each of T time steps (an RNN)
becomes O(T^2). Instead ``GetItem``'s first-order rule returns an
``IndexedGrad``; the engine adds these together by collecting their parts, and
turns the sum into one dense array (``to_dense``) when the value is released.

It works on every array library: the parts keep their library's arrays and indices,
``to_dense`` adds them with ``array_index.index_add`` on their device (no copy to the host).
numpy's arrays defer ``array + IndexedGrad`` to it (``__array_ufunc__ = None``); other
libraries' do not (array-api-strict raises TypeError), so the engine always puts the
IndexedGrad on the left of its sums.
"""
from . import array_index
from .backend import namespace

__all__ = ["IndexedGrad"]


class IndexedGrad:
    """A gradient of ``shape`` that is a dense ``base`` (or zero) plus values at indices."""

    __slots__ = ("shape", "dtype", "parts", "base")
    __array_ufunc__ = None  # numpy defers `array + IndexedGrad` to __radd__

    def __init__(self, index, values, shape):
        self.shape = tuple(shape)
        self.dtype = values.dtype
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
        self.dtype = namespace(self.parts[0][1]).result_type(self.dtype, other.dtype)
        return self

    __radd__ = __add__

    def _add_base(self, dense):
        self.base = dense if self.base is None else self.base + dense

    def __array__(self, dtype=None, copy=None):
        dense = self.to_dense()
        return dense if dtype is None else namespace(dense).astype(dense, dtype)

    def astype(self, dtype):
        """The dense gradient in ``dtype``."""
        dense = self.to_dense()
        return namespace(dense).astype(dense, dtype)

    def to_dense(self):
        """Zeros (or ``base``) with every part's values added at its index."""
        values = self.parts[0][1]
        xp = namespace(values)
        if self.base is None:
            out = xp.zeros(self.shape, dtype=self.dtype, device=values.device)
        else:
            out = xp.asarray(xp.broadcast_to(self.base, self.shape), dtype=self.dtype,
                             copy=True)
        for index, part in self.parts:
            array_index.index_add(out, index, part)
        return out
