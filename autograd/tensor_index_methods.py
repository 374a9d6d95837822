# mypy: disable-error-code="misc"
# NOTE: a mixin of Tensor: its methods declare self: Tensor (they exist only as Tensor's),
# which mypy reports as misc ("erased type of self is not a supertype of its class").
"""Tensor methods for indexing, rearranging and contracting: delegations to ``autograd.ops``.

A mixin of ``Tensor`` kept apart from ``tensor_methods.py`` so each file stays
short. PyTorch's method names and argument order (``x.gather(dim, index)``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .ops import einsum as C
from .ops import indexing as I
from .ops import rearrange as R

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .tensor import Tensor
    from .typing import ArrayLike, Axis, ShapeLike, TensorLike

__all__ = ["IndexMethods"]


class IndexMethods:
    """Gather/scatter, masks and splitting along a dim, as PyTorch's Tensor methods."""

    __slots__ = ()

    def gather(self: Tensor, dim: int, index: ArrayLike) -> Tensor:
        """Pick values along ``dim`` (see ``autograd.gather``)."""
        return I.gather(self, dim, index)

    def scatter(self: Tensor, dim: int, index: ArrayLike, src: Tensor | float | None = None, *,
                value: float | None = None, reduce: str | None = None) -> Tensor:
        """Out-of-place scatter of ``src`` along ``dim`` (see ``autograd.scatter``)."""
        return I.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self: Tensor, dim: int, index: ArrayLike, src: Tensor) -> Tensor:
        """Out-of-place scatter-add of ``src`` along ``dim``."""
        return I.scatter_add(self, dim, index, src)

    def index_select(self: Tensor, dim: int, index: ArrayLike) -> Tensor:
        """The slices ``index`` along ``dim``."""
        return I.index_select(self, dim, index)

    def index_add(self: Tensor, dim: int, index: ArrayLike, source: Tensor, *,
                  alpha: float = 1) -> Tensor:
        """Out-of-place ``index_add``: ``alpha * source`` added at slices ``index``."""
        return I.index_add(self, dim, index, source, alpha=alpha)

    def take_along_axis(self: Tensor, indices: ArrayLike, axis: int | None) -> Tensor:
        """numpy's ``take_along_axis`` on this tensor."""
        return I.take_along_axis(self, indices, axis)

    def masked_fill(self: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:
        """``value`` where ``mask`` is True, else this tensor's values."""
        return I.masked_fill(self, mask, value)

    def masked_select(self: Tensor, mask: TensorLike) -> Tensor:
        """The elements where ``mask`` is True, as a 1-D tensor."""
        return I.masked_select(self, mask)

    def nonzero(self: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        """Indices of the nonzero elements, shape (n, ndim) (``as_tuple``: numpy's form)."""
        return I.nonzero(self, as_tuple=as_tuple)

    def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
        """The slice ``start:start + length`` along ``dim``."""
        return R.narrow(self, dim, start, length)

    def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """PyTorch's ``chunk``: a tuple of pieces of ``ceil(n / chunks)`` along ``dim``."""
        return R.chunk(self, chunks, dim)

    def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim`` with ``dim`` removed, as a tuple."""
        return R.unbind(self, dim)

    # ------------------------------------------------------------ products
    def outer(self: Tensor, other: Tensor) -> Tensor:
        """Outer product with ``other`` (both flattened)."""
        return C.outer(self, other)

    def inner(self: Tensor, other: Tensor) -> Tensor:
        """Sum of products over the last axes (``numpy.inner``)."""
        return C.inner(self, other)

    def kron(self: Tensor, other: Tensor) -> Tensor:
        """Kronecker product with ``other``."""
        return C.kron(self, other)

    # ------------------------------------------------------------ rearranging
    def flip(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """Reverse along ``dims`` (all axes if none): ``x.flip(0)``, ``x.flip((0, 1))``."""
        return R.flip(self, _dims_arg(dims))

    def roll(self: Tensor, shifts: int | Sequence[int], dims: Axis = None) -> Tensor:
        """Shift cyclically by ``shifts`` along ``dims`` (flattened if None)."""
        return R.roll(self, shifts, dims)

    def repeat(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """PyTorch's ``repeat``: tile ``sizes[i]`` times along axis ``i`` (not numpy's)."""
        return R.repeat(self, *sizes)

    def tile(self: Tensor, reps: ShapeLike) -> Tensor:
        """numpy's ``tile``."""
        return R.tile(self, reps)

    def repeat_interleave(self: Tensor, repeats: int | Sequence[int] | Tensor,
                          dim: int | None = None) -> Tensor:
        """Repeat each element ``repeats`` times along ``dim`` (``numpy.repeat``)."""
        return R.repeat_interleave(self, repeats, dim)

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal of axes ``dim1``/``dim2``, as the last axis."""
        return R.diagonal(self, offset, dim1, dim2)

    def diag(self: Tensor, diagonal: int = 0) -> Tensor:
        """1-D: a diagonal matrix; 2-D: the diagonal ``diagonal``."""
        return R.diag(self, diagonal)

    def trace(self: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Sum along a diagonal."""
        return R.trace(self, offset, axis1, axis2)

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """Zero above ``diagonal`` of the last two axes."""
        return R.tril(self, diagonal)

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """Zero below ``diagonal`` of the last two axes."""
        return R.triu(self, diagonal)

    def moveaxis(self: Tensor, source: int | Sequence[int],
                 destination: int | Sequence[int]) -> Tensor:
        """Move axes ``source`` to ``destination``."""
        return R.moveaxis(self, source, destination)

    movedim = moveaxis

    def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
        """Split axis ``dim`` into ``sizes``."""
        return R.unflatten(self, dim, sizes)


def _dims_arg(dims: tuple[Any, ...]) -> tuple[int, ...] | None:
    """``f(0, 1)`` or ``f((0, 1))`` as one tuple; ``f()`` as None (every axis)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims) or None
