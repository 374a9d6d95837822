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
        """Pick values along ``dim`` (see ``autograd.gather``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        >>> picked = x.gather(1, gg.tensor([[2], [0]]))
        >>> picked
        Tensor([[3.],
                [4.]], dtype=float32, grad_fn=<GetItem>)
        >>> picked.sum().backward()
        >>> x.grad
        Tensor([[0., 0., 1.],
                [1., 0., 0.]], dtype=float32)
        """
        return I.gather(self, dim, index)

    def scatter(self: Tensor, dim: int, index: ArrayLike, src: Tensor | float | None = None, *,
                value: float | None = None, reduce: str | None = None) -> Tensor:
        """Out-of-place scatter of ``src`` along ``dim`` (see ``autograd.scatter``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3)
        >>> x.scatter(1, gg.tensor([[2], [0]]), gg.tensor([[7.0], [8.0]]))
        Tensor([[0., 0., 7.],
                [8., 0., 0.]], dtype=float32)
        >>> x.scatter(1, gg.tensor([[1], [1]]), value=1.0)
        Tensor([[0., 1., 0.],
                [0., 1., 0.]], dtype=float32)
        """
        return I.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self: Tensor, dim: int, index: ArrayLike, src: Tensor) -> Tensor:
        """Out-of-place scatter-add of ``src`` along ``dim``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> counts = gg.zeros(3)
        >>> counts.scatter_add(0, gg.tensor([0, 2, 2, 2]), gg.ones(4))
        Tensor([1., 0., 3.], dtype=float32)
        """
        return I.scatter_add(self, dim, index, src)

    def index_select(self: Tensor, dim: int, index: ArrayLike) -> Tensor:
        """The slices ``index`` along ``dim``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        >>> x.index_select(0, gg.tensor([2, 0, 2]))
        Tensor([[5., 6.],
                [1., 2.],
                [5., 6.]], dtype=float32, grad_fn=<GetItem>)
        >>> x.index_select(0, gg.tensor([2, 0, 2])).sum().backward()
        >>> x.grad
        Tensor([[1., 1.],
                [0., 0.],
                [2., 2.]], dtype=float32)
        """
        return I.index_select(self, dim, index)

    def index_add(self: Tensor, dim: int, index: ArrayLike, source: Tensor, *,
                  alpha: float = 1) -> Tensor:
        """Out-of-place ``index_add``: ``alpha * source`` added at slices ``index``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(3, 2)
        >>> x.index_add(0, gg.tensor([0, 2, 0]), gg.ones(3, 2), alpha=10)
        Tensor([[20., 20.],
                [ 0.,  0.],
                [10., 10.]], dtype=float32)
        """
        return I.index_add(self, dim, index, source, alpha=alpha)

    def take_along_axis(self: Tensor, indices: ArrayLike, axis: int | None) -> Tensor:
        """numpy's ``take_along_axis`` on this tensor.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[3.0, 1.0, 2.0], [0.0, 9.0, 4.0]])
        >>> order = x.argsort(axis=1)
        >>> x.take_along_axis(order, axis=1)
        Tensor([[1., 2., 3.],
                [0., 4., 9.]], dtype=float32)
        """
        return I.take_along_axis(self, indices, axis)

    def masked_fill(self: Tensor, mask: TensorLike, value: TensorLike) -> Tensor:
        """``value`` where ``mask`` is True, else this tensor's values.

        Examples
        --------
        >>> import graphgrad as gg
        >>> scores = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> causal = gg.tensor([[False, True], [False, False]])
        >>> scores.masked_fill(causal, float("-inf")).softmax(axis=-1)
        Tensor([[1.       , 0.       ],
                [0.2689414, 0.7310586]], dtype=float32)
        """
        return I.masked_fill(self, mask, value)

    def masked_select(self: Tensor, mask: TensorLike) -> Tensor:
        """The elements where ``mask`` is True, as a 1-D tensor.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1.0, -2.0], [-3.0, 4.0]])
        >>> x.masked_select(x > 0)
        Tensor([1., 4.], dtype=float32)
        """
        return I.masked_select(self, mask)

    def nonzero(self: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        """Indices of the nonzero elements, shape (n, ndim) (``as_tuple``: numpy's form).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[0, 5], [7, 0]])
        >>> x.nonzero()
        Tensor([[0, 1],
                [1, 0]], dtype=int64)
        >>> x.nonzero(as_tuple=True)
        (Tensor([0, 1], dtype=int64), Tensor([1, 0], dtype=int64))
        """
        return I.nonzero(self, as_tuple=as_tuple)

    def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
        """The slice ``start:start + length`` along ``dim``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.arange(12).reshape(3, 4)
        >>> x.narrow(1, 1, 2)
        Tensor([[ 1,  2],
                [ 5,  6],
                [ 9, 10]], dtype=int64)
        """
        return R.narrow(self, dim, start, length)

    def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """PyTorch's ``chunk``: a tuple of pieces of ``ceil(n / chunks)`` along ``dim``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> [c.tolist() for c in gg.arange(5).chunk(3)]
        [[0, 1], [2, 3], [4]]
        """
        return R.chunk(self, chunks, dim)

    def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim`` with ``dim`` removed, as a tuple.

        Examples
        --------
        >>> import graphgrad as gg
        >>> rows = gg.tensor([[1, 2], [3, 4]]).unbind()
        >>> rows
        (Tensor([1, 2], dtype=int64), Tensor([3, 4], dtype=int64))
        >>> gg.tensor([[1, 2], [3, 4]]).unbind(dim=1)
        (Tensor([1, 3], dtype=int64), Tensor([2, 4], dtype=int64))
        """
        return R.unbind(self, dim)

    # ------------------------------------------------------------ products
    def outer(self: Tensor, other: Tensor) -> Tensor:
        """Outer product with ``other`` (both flattened).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.0, 2.0]).outer(gg.tensor([1.0, 10.0, 100.0]))
        Tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]], dtype=float32)
        """
        return C.outer(self, other)

    def inner(self: Tensor, other: Tensor) -> Tensor:
        """Sum of products over the last axes (``numpy.inner``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> a.inner(gg.tensor([1.0, 1.0]))
        Tensor([3., 7.], dtype=float32)
        >>> a.inner(a)
        Tensor([[ 5., 11.],
                [11., 25.]], dtype=float32)
        """
        return C.inner(self, other)

    def kron(self: Tensor, other: Tensor) -> Tensor:
        """Kronecker product with ``other``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.eye(2).kron(gg.tensor([[1.0, 2.0]]))
        Tensor([[1., 2., 0., 0.],
                [0., 0., 1., 2.]], dtype=float32)
        """
        return C.kron(self, other)

    # ------------------------------------------------------------ rearranging
    def flip(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """Reverse along ``dims`` (all axes if none): ``x.flip(0)``, ``x.flip((0, 1))``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1, 2], [3, 4]])
        >>> x.flip(0)
        Tensor([[3, 4],
                [1, 2]], dtype=int64)
        >>> x.flip()
        Tensor([[4, 3],
                [2, 1]], dtype=int64)
        """
        return R.flip(self, _dims_arg(dims))

    def roll(self: Tensor, shifts: int | Sequence[int], dims: Axis = None) -> Tensor:
        """Shift cyclically by ``shifts`` along ``dims`` (flattened if None).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1, 2, 3, 4])
        >>> x.roll(1)
        Tensor([4, 1, 2, 3], dtype=int64)
        >>> x.roll(-1)
        Tensor([2, 3, 4, 1], dtype=int64)
        """
        return R.roll(self, shifts, dims)

    def repeat(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """PyTorch's ``repeat``: tile ``sizes[i]`` times along axis ``i`` (not numpy's).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1, 2])
        >>> x.repeat(2)
        Tensor([1, 2, 1, 2], dtype=int64)
        >>> x.repeat(2, 2)
        Tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]], dtype=int64)
        """
        return R.repeat(self, *sizes)

    def tile(self: Tensor, reps: ShapeLike) -> Tensor:
        """numpy's ``tile``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([[1, 2]]).tile((2, 2))
        Tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]], dtype=int64)
        """
        return R.tile(self, reps)

    def repeat_interleave(self: Tensor, repeats: int | Sequence[int] | Tensor,
                          dim: int | None = None) -> Tensor:
        """Repeat each element ``repeats`` times along ``dim`` (``numpy.repeat``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1, 2, 3])
        >>> x.repeat_interleave(2)
        Tensor([1, 1, 2, 2, 3, 3], dtype=int64)
        >>> x.repeat_interleave([1, 0, 3])
        Tensor([1, 3, 3, 3], dtype=int64)
        """
        return R.repeat_interleave(self, repeats, dim)

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal of axes ``dim1``/``dim2``, as the last axis.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.arange(9).reshape(3, 3)
        >>> x.diagonal()
        Tensor([0, 4, 8], dtype=int64)
        >>> x.diagonal(offset=1)
        Tensor([1, 5], dtype=int64)
        >>> gg.zeros(5, 3, 3).diagonal(dim1=1, dim2=2).shape
        (5, 3)
        """
        return R.diagonal(self, offset, dim1, dim2)

    def diag(self: Tensor, diagonal: int = 0) -> Tensor:
        """1-D: a diagonal matrix; 2-D: the diagonal ``diagonal``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1, 2]).diag()
        Tensor([[1, 0],
                [0, 2]], dtype=int64)
        >>> gg.arange(4).reshape(2, 2).diag()
        Tensor([0, 3], dtype=int64)
        """
        return R.diag(self, diagonal)

    def trace(self: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Sum along a diagonal.

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> a.trace()
        Tensor(5., dtype=float32, grad_fn=<Sum>)
        >>> a.trace().backward()
        >>> a.grad
        Tensor([[1., 0.],
                [0., 1.]], dtype=float32)
        """
        return R.trace(self, offset, axis1, axis2)

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """Zero above ``diagonal`` of the last two axes.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.ones(3, 3).tril()
        Tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]], dtype=float32)
        >>> gg.ones(3, 3).tril(-1)
        Tensor([[0., 0., 0.],
                [1., 0., 0.],
                [1., 1., 0.]], dtype=float32)
        """
        return R.tril(self, diagonal)

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """Zero below ``diagonal`` of the last two axes.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.ones(3, 3).triu()
        Tensor([[1., 1., 1.],
                [0., 1., 1.],
                [0., 0., 1.]], dtype=float32)
        >>> gg.ones(3, 3).triu(1)
        Tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]], dtype=float32)
        """
        return R.triu(self, diagonal)

    def moveaxis(self: Tensor, source: int | Sequence[int],
                 destination: int | Sequence[int]) -> Tensor:
        """Move axes ``source`` to ``destination``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> images = gg.zeros(8, 32, 32, 3)
        >>> images.moveaxis(-1, 1).shape
        (8, 3, 32, 32)
        >>> images.movedim(-1, 1).shape
        (8, 3, 32, 32)
        """
        return R.moveaxis(self, source, destination)

    movedim = moveaxis

    def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
        """Split axis ``dim`` into ``sizes``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(4, 6).unflatten(1, (2, 3)).shape
        (4, 2, 3)
        >>> gg.zeros(4, 6).unflatten(1, (-1, 3)).shape
        (4, 2, 3)
        """
        return R.unflatten(self, dim, sizes)


def _dims_arg(dims: tuple[Any, ...]) -> tuple[int, ...] | None:
    """``f(0, 1)`` or ``f((0, 1))`` as one tuple; ``f()`` as None (every axis)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims) or None
