"""Distances and the losses built on them (re-exported by ``nn.functional``): ``normalize``,
``cosine_similarity``, ``pairwise_distance``, ``cosine_embedding_loss``,
``margin_ranking_loss`` and ``triplet_margin_loss``, with PyTorch's arguments.

All are compositions of autograd ops, so gradients of every order come from the engine.
A norm of an all-zero vector has gradient 0 there (the subgradient PyTorch picks), never
NaN: the square root only ever sees positive sums.
"""
import math
import numbers

import numpy as np

from ..autograd import ShapeError, Tensor, backend, minimum, where
from . import _reduction


def _tensor(x: object, op: str, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
    return x


def _order(p: object, op: str) -> float:
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0 < float(p) < math.inf:
        raise ValueError(f"{op}: p={p!r} must be a positive finite number")
    return float(p)


def _axis(dim: object, ndim: int, op: str) -> int:
    if not isinstance(dim, (int, np.integer)) or not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ShapeError(f"{op}: dim={dim!r} is out of range for a tensor of {ndim} "
                         "dimensions")
    return int(dim) % max(ndim, 1)


def vector_norm(x: Tensor, p: float, axis: int | None, keepdims: bool = False) -> Tensor:
    """``(sum |x|^p)^(1/p)`` along ``axis``; gradient 0 (not NaN) where the sum is 0."""
    powered = x * x if p == 2.0 else abs(x) ** p
    total = powered.sum(axis=axis, keepdims=keepdims)
    positive = total.data > 0
    # NOTE: the root sees 1 where the sum is 0, so its derivative stays finite, and
    # `where` sends that branch no gradient.
    safe = where(positive, total, 1.0)
    return where(positive, safe.sqrt() if p == 2.0 else safe ** (1.0 / p), 0.0)


def _broadcast_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """numpy's broadcast of two shapes, or None where they do not broadcast."""
    a, b = (1,) * (len(b) - len(a)) + a, (1,) * (len(a) - len(b)) + b
    if any(m != n and 1 not in (m, n) for m, n in zip(a, b)):
        return None
    return tuple(n if m == 1 else m for m, n in zip(a, b))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1,  # noqa: A002 - PyTorch's names
              eps: float = 1e-12) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``, as PyTorch.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.normalize(gg.tensor([[3.0, 4.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """
    _tensor(input, "normalize", "input")
    axis = _axis(dim, input.ndim, "normalize")
    norm = vector_norm(input, _order(p, "normalize"), axis, keepdims=True)
    return input / norm.clip(min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine similarity along ``dim``: ``dot(x1, x2) / (max(||x1||, eps) max(||x2||, eps))``.

    The inputs broadcast against each other.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.cosine_similarity(gg.tensor([[1.0, 0.0]]), gg.tensor([[1.0, 1.0]])).tolist()
    [0.7071067690849304]
    """
    _tensor(x1, "cosine_similarity", "x1")
    _tensor(x2, "cosine_similarity", "x2")
    shape = _broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    if shape is None:
        raise ShapeError(f"cosine_similarity: shapes {x1.shape} and {x2.shape} cannot be "
                         "broadcast together")
    axis = _axis(dim, len(shape), "cosine_similarity")
    x1, x2 = x1.broadcast_to(shape), x2.broadcast_to(shape)
    n1 = vector_norm(x1, 2.0, axis, keepdims=True).clip(min=eps)
    n2 = vector_norm(x2, 2.0, axis, keepdims=True).clip(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis=axis)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last axis, as PyTorch.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> round(F.pairwise_distance(gg.tensor([[0.0, 0.0]]), gg.tensor([[3.0, 4.0]])).item(), 4)
    5.0
    """
    _tensor(x1, "pairwise_distance", "x1")
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        raise ShapeError("pairwise_distance: inputs must have at least one axis")
    return vector_norm(diff, _order(p, "pairwise_distance"), diff.ndim - 1, keepdim)


# ------------------------------------------------------------------ losses
def _signs(target: Tensor | np.ndarray, shape: tuple[int, ...], op: str) -> np.ndarray:
    """Targets of +1/-1 as an array of ``shape``."""
    values = backend.as_array(target.data if isinstance(target, Tensor) else target)
    if tuple(values.shape) != tuple(shape):
        raise ShapeError(f"{op}: target of shape {tuple(values.shape)} does not match the "
                         f"expected shape {tuple(shape)}")
    if not bool(backend.namespace(values).all((values == 1) | (values == -1))):
        raise ValueError(f"{op}: target values must be 1 or -1")
    return values


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                          margin: float = 0.0, size_average: bool | None = None,
                          reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``1 - cos`` where ``target`` is 1, ``max(0, cos - margin)`` where it is -1.

    ``cos`` is taken along axis 1 of (N, D) inputs (axis 0 of (D,)), with PyTorch's
    ``sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12))`` denominator.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> a = gg.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> b = gg.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> F.cosine_embedding_loss(a, b, gg.tensor([1, -1]), reduction="none")
    Tensor([1., 1.], dtype=float32)
    """
    op = "cosine_embedding_loss"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op)
    if input1.shape != input2.shape or input1.ndim not in (1, 2):
        raise ShapeError(f"{op}: inputs of shapes {input1.shape} and {input2.shape} must be "
                         "equal, (N, D) or (D,)")
    axis = input1.ndim - 1
    signs = _signs(target, input1.shape[:axis], op)
    dot = (input1 * input2).sum(axis=axis)
    square1 = (input1 * input1).sum(axis=axis) + 1e-12
    square2 = (input2 * input2).sum(axis=axis) + 1e-12
    cos = dot / (square1 * square2).sqrt()
    loss = where(signs == 1, 1.0 - cos, 0.0) + where(signs == -1, (cos - margin).relu(), 0.0)
    return _reduction.apply(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                        margin: float = 0.0, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``max(0, -target (input1 - input2) + margin)``: rank input1 above input2 where 1.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> scores1, scores2 = gg.tensor([3.0, 1.0]), gg.tensor([1.0, 2.0])
    >>> F.margin_ranking_loss(scores1, scores2, gg.tensor([1, 1]), reduction="none")
    Tensor([0., 1.], dtype=float32)
    >>> F.margin_ranking_loss(scores1, scores2, gg.tensor([1, 1]), margin=3.0, reduction="none")
    Tensor([1., 4.], dtype=float32)
    """
    op = "margin_ranking_loss"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op)
    if input1.shape != input2.shape:
        raise ShapeError(f"{op}: inputs of shapes {input1.shape} and {input2.shape} differ")
    signs = _signs(target, input1.shape, op)
    xp = backend.namespace(signs)
    signs = xp.astype(signs, backend.dtype_in(xp, input1.dtype))
    return _reduction.apply(((input1 - input2) * -signs + margin).relu(), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d = pairwise_distance(., ., p, eps)``.

    ``swap`` uses ``min(d(a, n), d(p, n))`` as the negative distance.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> anchor = gg.tensor([[0.0, 0.0], [0.0, 0.0]])
    >>> positive = gg.tensor([[0.0, 1.0], [0.0, 1.0]])   # at distance 1
    >>> negative = gg.tensor([[3.0, 0.0], [1.0, 0.0]])   # far enough (3), too close (1)
    >>> F.triplet_margin_loss(anchor, positive, negative, reduction="none").round(4)
    Tensor([0., 1.], dtype=float32)
    """
    op = "triplet_margin_loss"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op)
    if not anchor.shape == positive.shape == negative.shape or anchor.ndim not in (1, 2):
        raise ShapeError(f"{op}: anchor, positive and negative of shapes {anchor.shape}, "
                         f"{positive.shape}, {negative.shape} must be equal, (N, D) or (D,)")
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduction.apply((d_pos - d_neg + margin).relu(), reduction)
