"""The softmax family with fused, numerically stable rules: softmax and log_softmax.

(Convolution and pooling live in ``conv.py``; ``logsumexp`` in ``reduce.py``.)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..backend import namespace
from ..function import Function
from . import keywords, rule_helpers

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["Softmax", "LogSoftmax", "softmax", "log_softmax"]


def _shifted(x, axis):
    """``x`` minus its max along ``axis``: exp of it cannot overflow.

    An empty axis has no max: the result is empty too, as PyTorch's.
    """
    xp = namespace(x)
    if 0 in x.shape:
        return xp.asarray(x, copy=True)
    peak = xp.max(x, axis=axis, keepdims=True)
    return x - xp.where(xp.isfinite(peak), peak, 0)


class Softmax(Function):
    """out = e^x / sum(e^x) along axis.  d/dx = out * (grad - sum(grad * out))."""

    op_name = "softmax"

    @staticmethod
    def forward(ctx, x, axis=-1):
        xp = namespace(x)
        e = xp.exp(_shifted(x, axis))
        out = e / xp.sum(e, axis=axis, keepdims=True)
        ctx.axis = axis
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - rule_helpers.sum_over(grad * out, axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """out = x - logsumexp(x) along axis.  d/dx = grad - e^out * sum(grad)."""

    op_name = "log_softmax"

    @staticmethod
    def forward(ctx, x, axis=-1):
        xp = namespace(x)
        shifted = _shifted(x, axis)
        out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True)) \
            if 0 not in shifted.shape else shifted
        ctx.axis = axis
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - rule_helpers.exp(out) * rule_helpers.sum_over(grad, axis=ctx.axis,
                                                                    keepdims=True)


def softmax(x: Tensor, axis: int | None = None, *, dim: int | None = None,
            **unknown: object) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (or PyTorch's ``dim``; default -1), stable.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.softmax(gg.zeros(1, 4), dim=1)
    Tensor([[0.25, 0.25, 0.25, 0.25]], dtype=float32)
    """
    axis, _ = keywords.axis_keywords("softmax", axis, None, dim, None, unknown, default=-1)
    return Softmax.apply(x, axis=axis)


def log_softmax(x: Tensor, axis: int | None = None, *, dim: int | None = None,
                **unknown: object) -> Tensor:
    """``x - logsumexp(x)`` along ``axis`` (or ``dim``; default -1): log-probabilities.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.log_softmax(gg.zeros(2), dim=0).exp()
    Tensor([0.5, 0.5], dtype=float32)
    """
    axis, _ = keywords.axis_keywords("log_softmax", axis, None, dim, None, unknown, default=-1)
    return LogSoftmax.apply(x, axis=axis)
