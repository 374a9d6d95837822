"""Reductions: sum, mean, max, min, logsumexp (var and std are composed from these).

All take numpy's ``axis=`` (None, an int or a tuple, negatives allowed) and
``keepdims=``. Their rules put the reduced axes back and broadcast the
gradient to the input's shape (``rule_helpers.expand_reduced``).
"""
import math

import numpy as np

from ..function import Function
from . import rule_helpers


class Sum(Function):
    """out = sum of x over axis.  d/dx = 1 for every summed element."""

    op_name = "sum"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)


class Mean(Function):
    """out = mean of x over axis.  d/dx = 1/n for each of the n averaged elements."""

    op_name = "mean"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        axes = rule_helpers.normalize_axes(axis, len(ctx.shape))
        ctx.count = math.prod(ctx.shape[a] for a in axes)
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.expand_reduced(grad / ctx.count, ctx.shape, ctx.axis, ctx.keepdims)


class _Extreme(Function):
    """Shared rule of max and min: the gradient is split evenly between ties."""

    reduce = None

    @classmethod
    def forward(cls, ctx, x, axis=None, keepdims=False):
        if np.size(x) == 0:
            raise ValueError(f"{cls.op_name}: cannot reduce an empty tensor of shape "
                             f"{np.shape(x)}; it has no {cls.op_name}imum")
        out = cls.reduce(x, axis=axis, keepdims=True)
        ctx.winners = np.asarray(x == out)
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return out if keepdims else np.squeeze(out, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        winners = ctx.winners
        share = winners / winners.sum(axis=ctx.axis, keepdims=True)
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        return grad * share.astype(np.result_type(rule_helpers.data_of(grad)), copy=False)


class Max(_Extreme):
    """out = max of x over axis.  d/dx = 1/k at each of the k maximal elements."""

    op_name = "max"
    reduce = staticmethod(np.max)


class Min(_Extreme):
    """out = min of x over axis.  d/dx = 1/k at each of the k minimal elements."""

    op_name = "min"
    reduce = staticmethod(np.min)


class LogSumExp(Function):
    """out = log(sum(exp(x))) over axis, computed stably.  d/dx = exp(x - out)."""

    op_name = "logsumexp"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        peak = np.max(x, axis=axis, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0)
        out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
        ctx.save_for_backward(x)
        ctx.out_kept = out
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return out if keepdims else np.squeeze(out, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        if rule_helpers.is_raw(x):
            return grad * np.exp(x - ctx.out_kept)
        # recorded: recompute out from x so that its own dependence on x is kept
        return grad * (x - x.logsumexp(axis=ctx.axis, keepdims=True)).exp()


def normalize_axis_arg(axis, ndim, op):
    """Validate a reduction's ``axis`` before anything is computed."""
    if axis is None:
        return None
    axes = rule_helpers.normalize_axes(axis, ndim, op)
    return axes[0] if isinstance(axis, (int, np.integer)) else axes


# ------------------------------------------------------------------ public functions
def sum(x, axis=None, keepdims=False):  # noqa: A001 - numpy's name
    """Sum over ``axis`` (None: all axes), as ``numpy.sum``."""
    return Sum.apply(x, axis=normalize_axis_arg(axis, x.ndim, "sum"), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (None: all axes), as ``numpy.mean``."""
    return Mean.apply(x, axis=normalize_axis_arg(axis, x.ndim, "mean"), keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001 - numpy's name
    """Largest value over ``axis`` (values only, as numpy); ties share the gradient."""
    return Max.apply(x, axis=normalize_axis_arg(axis, x.ndim, "max"), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001 - numpy's name
    """Smallest value over ``axis`` (values only, as numpy); ties share the gradient."""
    return Min.apply(x, axis=normalize_axis_arg(axis, x.ndim, "min"), keepdims=keepdims)


def var(x, axis=None, ddof=0, keepdims=False):
    """Variance over ``axis`` with numpy's ``ddof`` (default 0: the population variance)."""
    axis = normalize_axis_arg(axis, x.ndim, "var")
    count = math.prod(x.shape[a] for a in rule_helpers.normalize_axes(axis, x.ndim))
    if count - ddof <= 0:
        raise ValueError(f"var: {count} elements per result and ddof={ddof} leave no degrees "
                         "of freedom; use a smaller ddof")
    centered = x - mean(x, axis=axis, keepdims=True)
    return sum(centered * centered, axis=axis, keepdims=keepdims) / (count - ddof)


def std(x, axis=None, ddof=0, keepdims=False):
    """Standard deviation over ``axis``: ``sqrt(var(x, axis, ddof))``."""
    return var(x, axis=axis, ddof=ddof, keepdims=keepdims).sqrt()


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, without overflow."""
    return LogSumExp.apply(x, axis=normalize_axis_arg(axis, x.ndim, "logsumexp"),
                           keepdims=keepdims)
