"""Reductions: sum, mean, max, min, logsumexp (var and std are composed from these).

All take numpy's ``axis=`` (None, an int or a tuple, negatives allowed) and
``keepdims=``. Their rules put the reduced axes back and broadcast the
gradient to the input's shape (``rule_helpers.expand_reduced``).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple, overload

import numpy as np

from .. import array_index, backend
from ..backend import namespace
from ..function import Function
from ..value import is_value
from . import keywords, rule_helpers
from .elementwise import Sqrt

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import Axis, DTypeLike, TensorLike

__all__ = ["Sum", "Mean", "Max", "Min", "LogSumExp", "StdOfVar", "normalize_axis_arg",
    "ValuesIndices", "sum", "mean", "max", "min", "var", "std", "logsumexp"]


class Sum(Function):
    """out = sum of x over axis.  d/dx = 1 for every summed element."""

    op_name = "sum"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return namespace(x).sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)


class Mean(Function):
    """out = mean of x over axis.  d/dx = 1/n for each of the n averaged elements."""

    op_name = "mean"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        axes = rule_helpers.normalize_axes(axis, len(ctx.shape))
        ctx.count = math.prod(ctx.shape[a] for a in axes)
        return namespace(x).mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.expand_reduced(grad / ctx.count, ctx.shape, ctx.axis, ctx.keepdims)


class _Extreme(Function):
    """Shared rule of max and min: the gradient is split evenly between ties."""

    reduce: str  # the namespace's function: "max" or "min", set by each subclass

    @classmethod
    def forward(cls, ctx, x, axis=None, keepdims=False):
        if x.size == 0:
            raise ValueError(f"{cls.op_name}: cannot reduce an empty tensor of shape "
                             f"{x.shape}; it has no {cls.op_name}imum")
        xp = namespace(x)
        out = getattr(xp, cls.reduce)(x, axis=axis, keepdims=True)
        ctx.save_for_backward(xp.asarray(x == out))
        ctx.shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return out if keepdims else _drop_axes(xp, out, axis)

    @staticmethod
    def backward(ctx, grad):
        (winners,) = ctx.saved_tensors
        xp = namespace(winners)
        count = xp.count_nonzero(winners, axis=ctx.axis, keepdims=True)
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        # NOTE: select the winners (an infinite gradient stays 0 elsewhere), then share ties.
        picked = rule_helpers.select(winners, grad)
        if xp.any(count > 1):
            picked = picked * (1 / xp.astype(count, rule_helpers.data_of(grad).dtype))
        return picked


class Max(_Extreme):
    """out = max of x over axis.  d/dx = 1/k at each of the k maximal elements."""

    op_name = "max"
    reduce = "max"


class Min(_Extreme):
    """out = min of x over axis.  d/dx = 1/k at each of the k minimal elements."""

    op_name = "min"
    reduce = "min"


class LogSumExp(Function):
    """out = log(sum(exp(x))) over axis, computed stably.  d/dx = exp(x - out)."""

    op_name = "logsumexp"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        xp = namespace(x)
        peak = xp.max(x, axis=axis, keepdims=True)
        peak = xp.where(xp.isfinite(peak), peak, xp.zeros_like(peak))
        out = xp.log(xp.sum(xp.exp(x - peak), axis=axis, keepdims=True)) + peak
        ctx.save_for_backward(x, out)
        ctx.shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return out if keepdims else _drop_axes(xp, out, axis)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        if rule_helpers.is_raw(x):
            return grad * namespace(x).exp(x - out)
        # recorded: recompute out from x so that its own dependence on x is kept
        return grad * (x - x.logsumexp(axis=ctx.axis, keepdims=True)).exp()


class StdOfVar(Sqrt):
    """out = sqrt(v), v a variance (Sqrt's forward).  d/dv = 1 / (2 out), and 0 where out == 0.

    All values equal give std 0, where sqrt's slope is infinite and the
    variance's gradient 0: PyTorch takes the product as 0, which keeps
    ``x / (x.std(0) + eps)`` finite for a constant column.
    """

    op_name = "std"

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        data = rule_helpers.data_of(out)
        xp = namespace(data)
        zero = xp.asarray(data == 0)
        if not xp.any(zero):
            return grad / (2 * out)
        # NOTE: divide by 1 where masked, so neither this rule nor its derivative is NaN.
        return rule_helpers.select(~zero, grad / (2 * rule_helpers.where(zero, 1.0, out)))


def _drop_axes(xp, out, axis):
    """A reduction's ``keepdims=True`` result without the reduced axes (None: all)."""
    if axis is None:
        return xp.reshape(out, ())
    return xp.squeeze(out, axis=axis)


def normalize_axis_arg(axis, ndim, op):
    """Validate a reduction's ``axis`` before anything is computed."""
    if axis is None:
        return None
    axes = rule_helpers.normalize_axes(axis, ndim, op)
    return axes[0] if isinstance(axis, (int, np.integer)) else axes


# ------------------------------------------------------------------ public functions
class ValuesIndices(NamedTuple):
    """``(values, indices)`` as PyTorch's max/min(dim=), sort, topk, median, cummax return."""

    values: Tensor
    indices: Tensor


def sum(x: Tensor, axis: Axis = None, keepdims: bool | None = None,  # noqa: A001
        dtype: DTypeLike = None, *, dim: Axis = None, keepdim: bool | None = None,
        **unknown: object) -> Tensor:
    """Sum over ``axis`` (None: all axes), as ``numpy.sum`` and ``torch.sum``.

    Parameters
    ----------
    x : Tensor
    axis, dim : int or tuple of ints, optional
        The axes to sum over (numpy's or PyTorch's name; pass one).
    keepdims, keepdim : bool, optional
        Keep the summed axes with length 1 (default False).
    dtype : numpy dtype, optional
        Cast ``x`` to it first (numpy's and PyTorch's ``dtype=``).

    Returns
    -------
    Tensor

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.sum(gg.ones(2, 3), dim=1, keepdim=True).shape
    (2, 1)
    """
    axis, keepdims = keywords.axis_keywords("sum", axis, keepdims, dim, keepdim, unknown)
    if dtype is not None:
        x = x.astype(dtype)
    return Sum.apply(x, axis=normalize_axis_arg(axis, x.ndim, "sum"), keepdims=keepdims)


def mean(x: Tensor, axis: Axis = None, keepdims: bool | None = None,
         dtype: DTypeLike = None, *, dim: Axis = None, keepdim: bool | None = None,
         **unknown: object) -> Tensor:
    """Mean over ``axis`` (None: all axes); ``dim=``/``keepdim=`` are accepted too;
    ``dtype`` casts ``x`` first.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tensor([[1.0, 3.0]]).mean(dim=1)
    Tensor([2.], dtype=float32)
    """
    axis, keepdims = keywords.axis_keywords("mean", axis, keepdims, dim, keepdim, unknown)
    if dtype is not None:
        x = x.astype(dtype)
    return Mean.apply(x, axis=normalize_axis_arg(axis, x.ndim, "mean"), keepdims=keepdims)


def _extreme(op, x, positional, axis, keepdims, dim, keepdim, unknown):
    """max and min: values (numpy's spelling) or (values, indices) (PyTorch's)."""
    keywords.reject_unknown(op, unknown, keywords._AXIS_WORDS)
    if is_value(positional) or backend.is_array(positional):
        if any(v is not None for v in (axis, keepdims, dim, keepdim)):
            raise TypeError(f"{op}: with a second tensor, {op} is elementwise and takes no axis")
        from .elementwise import Maximum, Minimum
        return (Maximum if op == "max" else Minimum).apply(x, positional)
    if positional is not None:
        if axis is not None or dim is not None:
            raise TypeError(f"{op}: got the axis both positionally and as a keyword")
        family = keywords.convention(op, {"keepdims": keepdims}, {"keepdim": keepdim})
        if family is None:
            raise keywords.ambiguous(
                op, f"x.{op}({positional!r})", f"x.{op}(axis={positional!r})",
                "returns the values only", f"x.{op}(dim={positional!r})",
                "returns (values, indices)")
        axis, dim = (positional, None) if family == keywords.NUMPY else (None, positional)
    family = keywords.convention(op, {"axis": axis, "keepdims": keepdims},
                                 {"dim": dim, "keepdim": keepdim})
    axis, keepdims = keywords.axis_keywords(op, axis, keepdims, dim, keepdim)
    axis = normalize_axis_arg(axis, x.ndim, op)
    if family == keywords.TORCH and axis is not None:
        return _values_indices(op, x, axis, keepdims)
    return (Max if op == "max" else Min).apply(x, axis=axis, keepdims=keepdims)


def _values_indices(op, x, axis, keepdims):
    """PyTorch's ``max(dim)``: the first extreme's index; its gradient goes to that element."""
    if not isinstance(axis, int):
        raise TypeError(f"{op}: dim= takes one axis, got {axis!r}; reduce one axis at a time "
                        "or use axis= (numpy's spelling, values only)")
    if x.shape[axis] == 0:
        raise ValueError(f"{op}: cannot reduce axis {axis} of length 0 (shape {x.shape})")
    xp = namespace(x.data)
    indices = (xp.argmax if op == "max" else xp.argmin)(x.data, axis=axis, keepdims=True)
    where = array_index.open_grid(indices.shape, x.data)
    where[axis] = indices
    values = x[tuple(where)]
    if not keepdims:
        values, indices = values.squeeze(axis), xp.squeeze(indices, axis=axis)
    indices = xp.astype(indices, backend.index_dtype(xp, indices.device), copy=False)
    return ValuesIndices(values, type(x)._from_op(indices, None))


# dim= always gives (values, indices); numpy's spelling alone, the values
@overload
def max(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: int,
        keepdim: bool | None = None, **unknown: object) -> ValuesIndices: ...
@overload
def max(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: None = None,
        keepdim: None = None, **unknown: object) -> Tensor: ...
@overload
def max(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: int | None = None,
        keepdim: bool | None = None, **unknown: object) -> Tensor | ValuesIndices: ...
def max(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001 - numpy's name
        axis: Axis = None, keepdims: bool | None = None, dim: int | None = None,
        keepdim: bool | None = None, **unknown: object) -> Tensor | ValuesIndices:
    """Largest value over an axis: numpy's values, or PyTorch's ``(values, indices)``.

    ``x.max(axis=1)`` returns the values (ties share the gradient evenly, as
    numpy's amax); ``x.max(dim=1)`` returns ``(values, indices)`` as PyTorch
    (the first maximal index, which alone receives the gradient). A bare
    positional axis means different things in the two libraries, so
    ``x.max(1)`` is refused unless ``keepdims=`` or ``keepdim=`` says which.
    ``x.max(other_tensor)`` is the elementwise ``maximum``.

    Parameters
    ----------
    x : Tensor
    other : int or Tensor, optional
        An axis (with ``keepdims=`` or ``keepdim=``), or a tensor to compare with.
    axis, keepdims : numpy's spelling: values only.
    dim, keepdim : PyTorch's spelling: ``(values, indices)`` when ``dim`` is given.

    Returns
    -------
    Tensor, or a named tuple ``(values, indices)`` for ``dim=``.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[1.0, 5.0], [7.0, 2.0]])
    >>> x.max(axis=1)
    Tensor([5., 7.], dtype=float32)
    >>> x.max(dim=1).indices
    Tensor([1, 0], dtype=int64)
    """
    return _extreme("max", x, other, axis, keepdims, dim, keepdim, unknown)


# dim= always gives (values, indices); numpy's spelling alone, the values
@overload
def min(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: int,
        keepdim: bool | None = None, **unknown: object) -> ValuesIndices: ...
@overload
def min(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: None = None,
        keepdim: None = None, **unknown: object) -> Tensor: ...
@overload
def min(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001
        axis: Axis = None, keepdims: bool | None = None, dim: int | None = None,
        keepdim: bool | None = None, **unknown: object) -> Tensor | ValuesIndices: ...
def min(x: Tensor, other: TensorLike | None = None, /, *,  # noqa: A001 - numpy's name
        axis: Axis = None, keepdims: bool | None = None, dim: int | None = None,
        keepdim: bool | None = None, **unknown: object) -> Tensor | ValuesIndices:
    """Smallest value over an axis; the same spellings and rules as ``max``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tensor([[1.0, 5.0], [7.0, 2.0]]).min(dim=0)
    ValuesIndices(values=Tensor([1., 2.], dtype=float32), indices=Tensor([0, 1], dtype=int64))
    """
    return _extreme("min", x, other, axis, keepdims, dim, keepdim, unknown)


_VAR_WORDS = ("axis=, keepdims= and ddof= (numpy's spelling) or dim=, keepdim= and "
              "correction= or unbiased= (PyTorch's)")


def _ddof(op, x, positional, axis, ddof, keepdims, dim, keepdim, correction, unbiased, unknown):
    """Resolve var/std's spellings to (axis, ddof, keepdims); refuse calls that do not say."""
    keywords.reject_unknown(op, unknown, _VAR_WORDS)
    if positional is not None and (axis is not None or dim is not None):
        raise TypeError(f"{op}: got the axis both positionally and as a keyword")
    if correction is not None and unbiased is not None:
        raise TypeError(f"{op}: got both correction= and unbiased=; pass one of them")
    if unbiased is not None:
        correction = 1 if unbiased else 0
    family = keywords.convention(op, {"axis": axis, "ddof": ddof, "keepdims": keepdims},
                                 {"dim": dim, "keepdim": keepdim, "correction": correction})
    if family is None:
        call = f"x.{op}({'' if positional is None else repr(positional)})"
        where = "" if positional is None else f"axis={positional!r}, "
        torch_where = "" if positional is None else f"dim={positional!r}, "
        raise keywords.ambiguous(
            op, call, f"x.{op}({where}ddof=0)", "divides by n (its default)",
            f"x.{op}({torch_where}correction=1)", "by n - 1 (its default)")
    if family == keywords.NUMPY:
        axis = positional if positional is not None else axis
        return axis, (0 if ddof is None else ddof), bool(keepdims)
    dim = positional if positional is not None else dim
    return dim, (1 if correction is None else correction), bool(keepdim)


def var(x: Tensor, dim_or_axis: Axis = None, /, *, axis: Axis = None,
        ddof: float | None = None, keepdims: bool | None = None, dim: Axis = None,
        keepdim: bool | None = None, correction: float | None = None,
        unbiased: bool | None = None, **unknown: object) -> Tensor:
    """Variance over an axis, with numpy's ``ddof`` or PyTorch's ``correction``.

    numpy and PyTorch divide by different counts by default (n and n - 1), so
    the call must say which library it follows: numpy's keywords (``axis=``,
    ``ddof=``, ``keepdims=``, default ``ddof=0``) or PyTorch's (``dim=``,
    ``keepdim=``, ``correction=``/``unbiased=``, default ``correction=1``).
    ``x.var()`` and ``x.var(0)`` alone are refused with both spellings shown.

    Parameters
    ----------
    x : Tensor
    dim_or_axis : int or tuple of ints, optional
        A positional axis; a keyword must then say which convention applies.
    axis, dim : int or tuple of ints, optional
        The axes to reduce (None: all).
    ddof, correction : int
        The result is ``sum((x - mean)**2) / (n - ddof)``.
    unbiased : bool
        PyTorch's older spelling of ``correction=1`` (True) or ``0`` (False).

    Returns
    -------
    Tensor

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0, 3.0, 4.0])
    >>> x.var(ddof=0), x.var(correction=1)
    (Tensor(1.25, dtype=float32), Tensor(1.6666666, dtype=float32))
    """
    axis, ddof, keepdims = _ddof("var", x, dim_or_axis, axis, ddof, keepdims, dim, keepdim,
                                 correction, unbiased, unknown)
    axis = normalize_axis_arg(axis, x.ndim, "var")
    count = math.prod(x.shape[a] for a in rule_helpers.normalize_axes(axis, x.ndim))
    if count - ddof <= 0:
        raise ValueError(f"var: {count} elements per result and ddof={ddof} leave no degrees "
                         "of freedom; use a smaller ddof")
    centered = x - mean(x, axis=axis, keepdims=True)
    return sum(centered * centered, axis=axis, keepdims=keepdims) / (count - ddof)


def std(x: Tensor, dim_or_axis: Axis = None, /, *, axis: Axis = None,
        ddof: float | None = None, keepdims: bool | None = None, dim: Axis = None,
        keepdim: bool | None = None, correction: float | None = None,
        unbiased: bool | None = None, **unknown: object) -> Tensor:
    """Standard deviation ``sqrt(var(x, ...))``; the same spellings and rules as ``var``.

    Where all the values are equal the gradient is 0 (PyTorch's choice), not NaN.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tensor([[1.0, 3.0]]).std(dim=1, unbiased=False)
    Tensor([1.], dtype=float32)
    """
    axis, ddof, keepdims = _ddof("std", x, dim_or_axis, axis, ddof, keepdims, dim, keepdim,
                                 correction, unbiased, unknown)
    return StdOfVar.apply(var(x, dim=axis, correction=ddof, keepdim=keepdims))


def logsumexp(x: Tensor, axis: Axis = None, keepdims: bool | None = None, *,
              dim: Axis = None, keepdim: bool | None = None,
              **unknown: object) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis`` (or ``dim``), without overflow.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.logsumexp(gg.zeros(2, 4), dim=1)
    Tensor([1.3862944, 1.3862944], dtype=float32)
    """
    axis, keepdims = keywords.axis_keywords("logsumexp", axis, keepdims, dim, keepdim, unknown)
    return LogSumExp.apply(x, axis=normalize_axis_arg(axis, x.ndim, "logsumexp"),
                           keepdims=keepdims)
