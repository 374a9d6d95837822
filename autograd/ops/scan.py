"""Cumulative ops along one axis: cumsum, cummax, cummin, logcumsumexp (cumprod is in
``products.py``).

``axis=None`` flattens first, as numpy (PyTorch always names a dim). Each rule is
written with library ops, so it can be differentiated again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import backend
from ..backend import namespace
from ..function import Function
from . import rule_helpers
from .reduce import ValuesIndices
from .search import along_axis, axis_keyword, check_axis, flat_if_none

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["take", "reverse_cumsum", "scan", "Cumsum", "LogCumSumExp", "cumsum", "logcumsumexp",
           "cummax", "cummin"]


def take(x, j, axis):
    """``x`` at position ``j`` of ``axis`` (that axis dropped); arrays and Tensors alike."""
    return x[(slice(None),) * axis + (j, ...)]


def _cumsum(x, axis):
    if rule_helpers.is_raw(x):
        return namespace(x).cumulative_sum(x, axis=axis)
    return Cumsum.apply(x, axis=axis)


def reverse_cumsum(x, axis):
    """``out[j] = sum of x[i] for i >= j`` along ``axis``."""
    return rule_helpers.flip(_cumsum(rule_helpers.flip(x, axis), axis), axis)


class Cumsum(Function):
    """out[j] = sum of x[i], i <= j.  d/dx[j] = sum of grad[i], i >= j."""

    op_name = "cumsum"

    @staticmethod
    def forward(ctx, x, axis=0):
        ctx.axis = axis
        return namespace(x).cumulative_sum(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return reverse_cumsum(grad, ctx.axis)


def _reverse_logcumsumexp(x, axis):
    xp = namespace(x)
    flipped = xp.flip(x, axis=axis)
    return xp.flip(backend.accumulate("logaddexp", flipped, axis), axis=axis)


def _log_or_minus_inf(xp, part):
    """``log(part)`` of a non-negative array, ``-inf`` at 0 without a divide-by-zero warning
    (the double ``where``: no library's error state to silence)."""
    positive = part > 0
    return xp.where(positive, xp.log(xp.where(positive, part, xp.ones_like(part))), -xp.inf)


class LogCumSumExp(Function):
    """out[j] = log(sum of e^x[i], i <= j).

    d/dx[j] = sum over i >= j of grad[i] e^(x[j] - out[i]).
    """

    op_name = "logcumsumexp"

    @staticmethod
    def forward(ctx, x, axis=0):
        ctx.axis = axis
        out = backend.accumulate("logaddexp", x, axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axis = ctx.axis
        if rule_helpers.is_raw(grad) and rule_helpers.is_raw(x):
            # Positive and negative parts of grad each summed in log space: no overflow
            # however far apart the values are (log 0 = -inf is exact here).
            xp = namespace(grad)
            parts = [_reverse_logcumsumexp(_log_or_minus_inf(xp, part) - out, axis)
                     for part in (xp.maximum(grad, 0), xp.maximum(-grad, 0))]
            return xp.exp(x + parts[0]) - xp.exp(x + parts[1])
        # Recorded (create_graph): the same sum shifted by each slice's largest x, a constant.
        data = rule_helpers.data_of(x)
        xp = namespace(data)
        shift = xp.max(data, axis=axis, keepdims=True)
        shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))
        return rule_helpers.exp(x - shift) * reverse_cumsum(
            grad * rule_helpers.exp(shift - out), axis)


def _cum_extreme(op, x, axis, accumulate):
    """cummax (``accumulate="maximum"``) or cummin (``"minimum"``): values and indices."""
    x, axis = flat_if_none(x, axis)
    axis = check_axis(op, x, axis)
    xp = namespace(x.data)
    data = xp.reshape(x.data, (1,)) if x.ndim == 0 else x.data
    best = backend.accumulate(accumulate, data, axis)
    # NOTE: ties take the latest position (PyTorch's cummax/cummin); after a NaN the
    # running value stays NaN and the index stays at that NaN.
    fresh = (data == best) | xp.isnan(data)
    positions = xp.reshape(xp.arange(data.shape[axis], dtype=backend.index_dtype(xp, data.device),
                                     device=data.device),
                           (-1,) + (1,) * (data.ndim - axis - 1))
    indices = backend.accumulate("maximum", xp.where(fresh, positions, 0), axis)
    source = x.reshape(1) if x.ndim == 0 else x
    values = source[along_axis(indices, axis)]
    if x.ndim == 0:
        values, indices = values.reshape(()), xp.reshape(indices, ())
    return ValuesIndices(values, rule_helpers.constant(indices))


def scan(op_class: type[Function], name: str, x: Tensor, axis: int | None, dim: int | None,
         unknown: dict) -> Tensor:
    """Run a running-total op along one axis (flattened when ``axis`` is None; 0-d as 1-d)."""
    x, axis = flat_if_none(x, axis_keyword(name, axis, dim, unknown))
    axis = check_axis(name, x, axis)
    if x.ndim == 0:
        return op_class.apply(x.reshape(1), axis=0).reshape(())
    return op_class.apply(x, axis=axis)


# ------------------------------------------------------------------ public functions
def cumsum(x: Tensor, axis: int | None = None, *, dim: int | None = None,
           **unknown: object) -> Tensor:
    """Running sum along ``axis``.

    Parameters
    ----------
    x : Tensor
    axis, dim : int or None
        The axis to accumulate along (numpy's or PyTorch's name; negative counts from the
        end); None flattens, as numpy.

    Returns
    -------
    Tensor
        Same shape as ``x``; the gradient at ``j`` sums the incoming gradient over ``i >= j``.

    >>> import graphgrad as gg
    >>> gg.cumsum(gg.tensor([1.0, 2.0, 3.0]), axis=0)
    Tensor([1., 3., 6.], dtype=float32)
    """
    return scan(Cumsum, "cumsum", x, axis, dim, unknown)


def logcumsumexp(x: Tensor, axis: int | None = None, *, dim: int | None = None,
                 **unknown: object) -> Tensor:
    """Running ``log(sum(exp(x)))`` along ``axis``, without overflow or underflow.

    Parameters
    ----------
    x : Tensor
    axis, dim : int or None

    Returns
    -------
    Tensor
        Same shape as ``x``.

    >>> import graphgrad as gg
    >>> gg.logcumsumexp(gg.tensor([0.0, 0.0, 1000.0]), axis=0).numpy().round(4).tolist()
    [0.0, 0.6930999755859375, 1000.0]
    """
    return scan(LogCumSumExp, "logcumsumexp", x, axis, dim, unknown)


def cummax(x: Tensor, axis: int | None = None, *, dim: int | None = None,
           **unknown: object) -> ValuesIndices:
    """Running maximum along ``axis`` and where it was found (PyTorch's ``cummax``).

    Parameters
    ----------
    x : Tensor
    axis, dim : int or None

    Returns
    -------
    (values, indices) : named tuple of Tensors
        ``values`` is differentiable: each gradient goes to the element at ``indices``.
        On ties the index is the latest position, as in PyTorch.

    >>> import graphgrad as gg
    >>> gg.cummax(gg.tensor([1.0, 3.0, 3.0, 2.0]), axis=0).indices
    Tensor([0, 1, 2, 2], dtype=int64)
    """
    axis = axis_keyword("cummax", axis, dim, unknown)
    return _cum_extreme("cummax", x, axis, "maximum")


def cummin(x: Tensor, axis: int | None = None, *, dim: int | None = None,
           **unknown: object) -> ValuesIndices:
    """Running minimum along ``axis`` and where it was found (PyTorch's ``cummin``).

    Parameters
    ----------
    x : Tensor
    axis, dim : int or None

    Returns
    -------
    (values, indices) : named tuple of Tensors
        As ``cummax``: ties give the latest position.

    >>> import graphgrad as gg
    >>> gg.cummin(gg.tensor([3.0, 1.0, 2.0]), axis=0).indices
    Tensor([0, 1, 1], dtype=int64)
    """
    axis = axis_keyword("cummin", axis, dim, unknown)
    return _cum_extreme("cummin", x, axis, "minimum")
