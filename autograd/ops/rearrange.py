"""Rearranging ops: flip, roll, tile/repeat, repeat_interleave, narrow/chunk/unbind,
diagonals and triangles, moveaxis, unflatten, meshgrid.

All are compositions of differentiable ops (indexing, reshape, broadcast,
concatenate, where), so their gradients, of any order, come from those rules:
a flip's gradient is the flipped gradient, a tile's is summed over the copies,
a diagonal's is placed back on the diagonal.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..backend import namespace
from ..errors import ShapeError
from .elementwise import where
from .indexing import index_select, int_index, one_dim
from .rule_helpers import normalize_axes
from .shape import ScatterAdd, broadcast_to, concatenate, permute, reshape

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor
    from ..typing import Axis, ShapeLike

__all__ = ["flip", "roll", "tile", "repeat", "repeat_interleave", "narrow", "chunk", "unbind",
    "diagonal", "trace", "diag", "tril", "triu", "moveaxis", "movedim", "unflatten", "meshgrid"]


def _axes_arg(op, axis, dims, ndim):
    """numpy's ``axis`` or PyTorch's ``dims`` (one of them) as a tuple of axes."""
    if axis is not None and dims is not None:
        raise TypeError(f"{op}: got both axis={axis!r} (numpy's spelling) and dims={dims!r} "
                        "(PyTorch's); pass one of them")
    return normalize_axes(dims if axis is None else axis, ndim, op)


def flip(x: Tensor, axis: Axis = None, *, dims: Axis = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (numpy) or ``dims`` (PyTorch); all
    axes by default.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.flip(gg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1).tolist()
    [[2.0, 1.0], [4.0, 3.0]]
    """
    axes = _axes_arg("flip", axis, dims, x.ndim)
    return x[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))]


def roll(x: Tensor, shift: int | Sequence[int] | None = None, axis: Axis = None, *,
         shifts: int | Sequence[int] | None = None, dims: Axis = None) -> Tensor:
    """Shift elements cyclically by ``shift`` along ``axis`` (numpy's names) or ``shifts``
    along ``dims`` (PyTorch's); with no axis the flattened tensor is rolled.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.roll(gg.tensor([1.0, 2.0, 3.0]), 1).tolist()
    [3.0, 1.0, 2.0]
    """
    given_shifts = [s for s in (shift, shifts) if s is not None]
    if len(given_shifts) != 1:
        raise TypeError("roll: give the shift once, as shift= (numpy) or shifts= (PyTorch)")
    shift = given_shifts[0]
    if axis is None and dims is None:
        if not isinstance(shift, (int, np.integer)):
            raise ValueError(f"roll: without an axis the shift must be one int, got {shift!r}")
        return roll(x.reshape(-1), shift, 0).reshape(x.shape)
    if axis is not None and dims is not None:
        raise TypeError("roll: got both axis= (numpy's spelling) and dims= (PyTorch's); pass one")
    given = axis if dims is None else dims
    axes = tuple(one_dim("roll", a, x.ndim) for a in
                 (given if isinstance(given, (tuple, list)) else (given,)))
    steps = (shift,) * len(axes) if isinstance(shift, (int, np.integer)) else tuple(shift)
    if len(steps) != len(axes):
        raise ValueError(f"roll: {len(steps)} shifts for {len(axes)} axes; give one per axis")
    out = x[...]  # a new node even when nothing moves, as PyTorch's roll
    for step, a in zip(steps, axes):
        n = x.shape[a] if x.ndim else 1
        step = int(step) % n if n else 0
        if step:
            before = (slice(None),) * a
            out = concatenate([out[before + (slice(n - step, None),)],
                               out[before + (slice(0, n - step),)]], axis=a)
    return out


def tile(x: Tensor, reps: ShapeLike) -> Tensor:
    """Repeat the whole tensor ``reps[i]`` times along axis ``i``, as ``numpy.tile``.

    A shorter ``reps`` is padded with leading 1s, a shorter shape with leading axes.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tile(gg.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    counts = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(isinstance(r, bool) or not isinstance(r, (int, np.integer)) or r < 0 for r in counts):
        raise ValueError(f"tile: reps must be non-negative ints, got {counts!r}")
    ndim = max(x.ndim, len(counts))
    counts = (1,) * (ndim - len(counts)) + counts
    shape = (1,) * (ndim - x.ndim) + tuple(x.shape)
    spread = broadcast_to(x.reshape(tuple(v for n in shape for v in (1, n))),
                          tuple(v for r, n in zip(counts, shape) for v in (r, n)))
    return spread.reshape(tuple(r * n for r, n in zip(counts, shape)))


def repeat(x, *sizes):
    """PyTorch's ``Tensor.repeat``: tile the tensor ``sizes[i]`` times along axis ``i``.

    Not ``numpy.repeat`` (that is ``repeat_interleave``). ``sizes`` needs at
    least one entry per axis; extra entries add leading axes.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tensor([1.0, 2.0]).repeat(2).tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) \
        else sizes
    if len(sizes) < x.ndim:
        raise ValueError(f"repeat: {len(sizes)} sizes for a tensor of shape {tuple(x.shape)}; "
                         "give one per axis (PyTorch's rule; tile pads with 1s, and numpy's "
                         "repeat is repeat_interleave)")
    return tile(x, sizes)


def repeat_interleave(x: Tensor, repeats: int | Sequence[int] | Tensor,
                      dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``dim``, as ``numpy.repeat``.

    ``repeats`` is an int or one int per element along ``dim``; with no
    ``dim`` (or numpy's ``axis``) the flattened tensor is used.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.repeat_interleave(gg.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    dim = _axes_arg("repeat_interleave", axis, dim, x.ndim)[0] if (
        axis is not None or dim is not None) else None
    if dim is None:
        x, dim = x.reshape(-1), 0
    counts = int_index("repeat_interleave", repeats, "repeats", like=x.data)
    xp = namespace(counts)
    n = x.shape[dim] if x.ndim else 1
    if counts.ndim > 1 or counts.size not in (1, n) or bool(xp.any(counts < 0)):
        raise ValueError(f"repeat_interleave: repeats must be a non-negative int or one per "
                         f"element along dim {dim} ({n}), got {tuple(counts.shape)} values")
    counts = xp.reshape(counts, (-1,))
    positions = xp.arange(n, dtype=backend.index_dtype(xp, counts.device), device=counts.device)
    # NOTE: the standard's repeat takes an int or one count per element, not a length-1 array
    return index_select(x, dim, xp.repeat(positions, int(counts[0]) if counts.shape[0] == 1
                                          else counts))


# ------------------------------------------------------------------ splitting along a dim
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """The slice ``start:start + length`` of ``input`` along ``dim`` (start may be negative).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.narrow(gg.arange(5.0), 0, 1, 3).tolist()
    [1.0, 2.0, 3.0]
    """
    dim = one_dim("narrow", dim, input.ndim)
    size = input.shape[dim] if input.ndim else 1
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size} "
                         f"(shape {tuple(input.shape)})")
    start = start % size if start < 0 else start
    if length < 0 or start + length > size:
        raise IndexError(f"narrow: start {start} + length {length} exceeds dim {dim} of size "
                         f"{size} (shape {tuple(input.shape)}); use a length in [0, "
                         f"{size - start}]")
    return input[(slice(None),) * dim + (slice(start, start + length), ...)]


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """Split into ``chunks`` pieces along ``dim`` as PyTorch: each ``ceil(n / chunks)`` long.

    The last piece may be shorter and fewer pieces may come back (``chunk(arange(5), 4)``
    gives lengths 2, 2, 1). Returns a tuple of tensors.

    Example
    -------
    >>> import graphgrad as gg
    >>> [t.tolist() for t in gg.chunk(gg.arange(5.0), 2)]
    [[0.0, 1.0, 2.0], [3.0, 4.0]]
    """
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
    dim = one_dim("chunk", dim, input.ndim)
    if input.ndim == 0:
        raise ShapeError("chunk: a 0-d tensor has no dim to split; reshape it to 1-D first")
    size = input.shape[dim]
    step = -(-size // chunks) if size else 1
    return tuple(narrow(input, dim, lo, min(step, size - lo)) for lo in range(0, size, step)) \
        or (input,)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """The slices of ``input`` along ``dim``, with ``dim`` removed (a tuple).

    Example
    -------
    >>> import graphgrad as gg
    >>> [t.tolist() for t in gg.unbind(gg.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1)]
    [[1.0, 3.0], [2.0, 4.0]]
    """
    dim = one_dim("unbind", dim, input.ndim)
    if input.ndim == 0:
        raise ShapeError("unbind: a 0-d tensor has no dim to unbind; reshape it to 1-D first")
    return tuple(input[(slice(None),) * dim + (i,)] for i in range(input.shape[dim]))


# ------------------------------------------------------------------ diagonals and triangles
def _diagonal_index(n1, n2, offset, like):
    """(rows, cols) of diagonal ``offset`` of an ``n1`` by ``n2`` matrix, on ``like``'s device."""
    length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    xp = namespace(like)
    steps = xp.arange(length, dtype=backend.index_dtype(xp, like.device), device=like.device)
    return steps + max(-offset, 0), steps + max(offset, 0)


def diagonal(x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1, *,
             dim1: int | None = None, dim2: int | None = None) -> Tensor:
    """The diagonal of axes ``axis1``/``axis2`` (PyTorch: ``dim1``/``dim2``), as a last axis.

    ``offset > 0`` is above the main diagonal. numpy's and PyTorch's meaning.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.diagonal(gg.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 4.0]
    """
    a1 = one_dim("diagonal", axis1 if dim1 is None else dim1, x.ndim)
    a2 = one_dim("diagonal", axis2 if dim2 is None else dim2, x.ndim)
    if x.ndim < 2 or a1 == a2:
        raise ShapeError(f"diagonal: needs two different axes of a tensor with at least 2, got "
                         f"axes {a1} and {a2} of shape {tuple(x.shape)}")
    return _take_diagonal(x, int(offset), a1, a2)


def _take_diagonal(x, offset, a1, a2):
    moved = permute(x, [i for i in range(x.ndim) if i not in (a1, a2)] + [a1, a2])
    rows, cols = _diagonal_index(x.shape[a1], x.shape[a2], offset, x.data)
    return moved[..., rows, cols]


def trace(x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Sum along a diagonal, as ``numpy.trace`` (for a matrix, PyTorch's ``trace``).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.trace(gg.tensor([[1.0, 2.0], [3.0, 4.0]])).item()
    5.0
    """
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)


def diag(x: Tensor, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """A 1-D tensor as a diagonal matrix, or a matrix's diagonal (numpy's and PyTorch's).

    ``k`` (PyTorch: ``diagonal``) picks the diagonal: above the main one for ``k > 0``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.diag(gg.tensor([1.0, 2.0])).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    k = int(k if diagonal is None else diagonal)
    if x.ndim == 2:
        return _take_diagonal(x, k, 0, 1)
    if x.ndim != 1:
        raise ShapeError(f"diag: takes a 1-D or 2-D tensor, got shape {tuple(x.shape)}; use "
                         "diagonal() for more axes")
    size = x.shape[0] + abs(k)
    rows, cols = _diagonal_index(size, size, k, x.data)
    return ScatterAdd.apply(x, index=(rows, cols), shape=(size, size))


def _triangle(op, x, k, keep_lower):
    if x.ndim < 2:
        raise ShapeError(f"{op}: needs a tensor with at least 2 axes, got shape "
                         f"{tuple(x.shape)}")
    n, m = x.shape[-2:]
    xp = namespace(x.data)
    index = backend.index_dtype(xp, x.data.device)
    rows = xp.arange(n, dtype=index, device=x.data.device)
    cols = xp.arange(m, dtype=index, device=x.data.device)
    # numpy's tri(n, m, k): True on and below diagonal k
    lower = cols[None, :] - rows[:, None] <= (int(k) if keep_lower else int(k) - 1)
    return where(lower if keep_lower else ~lower, x, 0)


def tril(x: Tensor, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Zero above diagonal ``k`` (PyTorch: ``diagonal``) of the last two axes.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tril(gg.ones((2, 2))).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle("tril", x, k if diagonal is None else diagonal, True)


def triu(x: Tensor, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Zero below diagonal ``k`` (PyTorch: ``diagonal``) of the last two axes.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.triu(gg.ones((2, 2))).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return _triangle("triu", x, k if diagonal is None else diagonal, False)


# ------------------------------------------------------------------ axes
def moveaxis(x: Tensor, source: int | Sequence[int],
             destination: int | Sequence[int]) -> Tensor:
    """Move axes ``source`` to positions ``destination`` (numpy's ``moveaxis``, PyTorch's
    ``movedim``); the other axes keep their order.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.moveaxis(gg.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    src = normalize_axes(source, x.ndim, "moveaxis")
    dst = normalize_axes(destination, x.ndim, "moveaxis")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: {len(src)} source axes but {len(dst)} destinations; "
                         "give as many of each")
    order = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(x, order)


def unflatten(x: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split axis ``dim`` into axes of ``sizes`` (one may be -1), as PyTorch.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.unflatten(gg.zeros((2, 6)), 1, (3, -1)).shape
    (2, 3, 2)
    """
    dim = one_dim("unflatten", dim, x.ndim)
    return reshape(x, tuple(x.shape[:dim]) + tuple(sizes) + tuple(x.shape[dim + 1:]))


def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors; ``indexing`` is required: ``'ij'`` or ``'xy'``.

    PyTorch's default is ``'ij'`` (matrix indexing) and numpy's ``'xy'``
    (the first two outputs' axes swapped), so a call without it would mean
    different things to the two; it is refused.

    Example
    -------
    >>> import graphgrad as gg
    >>> [g.shape for g in gg.meshgrid(gg.zeros(2), gg.zeros(3), indexing="ij")]
    [(2, 3), (2, 3)]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' (PyTorch's default) or 'xy' "
                         f"(numpy's default), got {indexing!r}; the defaults differ, so pass it")
    flat = [t.reshape(-1) for t in tensors]
    shape = [t.shape[0] for t in flat]
    axes = list(range(len(flat)))
    if indexing == "xy" and len(flat) > 1:
        shape[0], shape[1] = shape[1], shape[0]
        axes[0], axes[1] = 1, 0
    return tuple(broadcast_to(t.reshape(tuple(-1 if i == a else 1 for i in range(len(flat)))),
                              tuple(shape)) for t, a in zip(flat, axes))


movedim = moveaxis
