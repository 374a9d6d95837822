"""Tensor methods for indexing, rearranging and contracting: delegations to ``autograd.ops``.

A mixin of ``Tensor`` kept apart from ``tensor_methods.py`` so each file stays
short. PyTorch's method names and argument order (``x.gather(dim, index)``).
"""
from .ops import einsum as C
from .ops import indexing as I
from .ops import rearrange as R

__all__ = ["IndexMethods"]


class IndexMethods:
    """Gather/scatter, masks and splitting along a dim, as PyTorch's Tensor methods."""

    __slots__ = ()

    def gather(self, dim, index):
        """Pick values along ``dim`` (see ``autograd.gather``)."""
        return I.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        """Out-of-place scatter of ``src`` along ``dim`` (see ``autograd.scatter``)."""
        return I.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        """Out-of-place scatter-add of ``src`` along ``dim``."""
        return I.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        """The slices ``index`` along ``dim``."""
        return I.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        """Out-of-place ``index_add``: ``alpha * source`` added at slices ``index``."""
        return I.index_add(self, dim, index, source, alpha=alpha)

    def take_along_axis(self, indices, axis):
        """numpy's ``take_along_axis`` on this tensor."""
        return I.take_along_axis(self, indices, axis)

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` is True, else this tensor's values."""
        return I.masked_fill(self, mask, value)

    def masked_select(self, mask):
        """The elements where ``mask`` is True, as a 1-D tensor."""
        return I.masked_select(self, mask)

    def nonzero(self, *, as_tuple=False):
        """Indices of the nonzero elements, shape (n, ndim) (``as_tuple``: numpy's form)."""
        return I.nonzero(self, as_tuple=as_tuple)

    def narrow(self, dim, start, length):
        """The slice ``start:start + length`` along ``dim``."""
        return R.narrow(self, dim, start, length)

    def chunk(self, chunks, dim=0):
        """PyTorch's ``chunk``: a tuple of pieces of ``ceil(n / chunks)`` along ``dim``."""
        return R.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        """The slices along ``dim`` with ``dim`` removed, as a tuple."""
        return R.unbind(self, dim)

    # ------------------------------------------------------------ products
    def outer(self, other):
        """Outer product with ``other`` (both flattened)."""
        return C.outer(self, other)

    def inner(self, other):
        """Sum of products over the last axes (``numpy.inner``)."""
        return C.inner(self, other)

    def kron(self, other):
        """Kronecker product with ``other``."""
        return C.kron(self, other)

    # ------------------------------------------------------------ rearranging
    def flip(self, *dims):
        """Reverse along ``dims`` (all axes if none): ``x.flip(0)``, ``x.flip((0, 1))``."""
        return R.flip(self, _dims_arg(dims))

    def roll(self, shifts, dims=None):
        """Shift cyclically by ``shifts`` along ``dims`` (flattened if None)."""
        return R.roll(self, shifts, dims)

    def repeat(self, *sizes):
        """PyTorch's ``repeat``: tile ``sizes[i]`` times along axis ``i`` (not numpy's)."""
        return R.repeat(self, *sizes)

    def tile(self, reps):
        """numpy's ``tile``."""
        return R.tile(self, reps)

    def repeat_interleave(self, repeats, dim=None):
        """Repeat each element ``repeats`` times along ``dim`` (``numpy.repeat``)."""
        return R.repeat_interleave(self, repeats, dim)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of axes ``dim1``/``dim2``, as the last axis."""
        return R.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        """1-D: a diagonal matrix; 2-D: the diagonal ``diagonal``."""
        return R.diag(self, diagonal)

    def trace(self, offset=0, axis1=0, axis2=1):
        """Sum along a diagonal."""
        return R.trace(self, offset, axis1, axis2)

    def tril(self, diagonal=0):
        """Zero above ``diagonal`` of the last two axes."""
        return R.tril(self, diagonal)

    def triu(self, diagonal=0):
        """Zero below ``diagonal`` of the last two axes."""
        return R.triu(self, diagonal)

    def moveaxis(self, source, destination):
        """Move axes ``source`` to ``destination``."""
        return R.moveaxis(self, source, destination)

    movedim = moveaxis

    def unflatten(self, dim, sizes):
        """Split axis ``dim`` into ``sizes``."""
        return R.unflatten(self, dim, sizes)


def _dims_arg(dims):
    """``f(0, 1)`` or ``f((0, 1))`` as one tuple; ``f()`` as None (every axis)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims) or None
