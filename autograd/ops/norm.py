"""Vector norms: ``norm`` with numpy's ``ord`` or PyTorch's ``p``.

The p-norm ``(sum |x|^p)^(1/p)`` over the chosen axes (all of them by default) is
one op; the orders 0, 1, inf and -inf are composed from ``sign``, ``abs``, ``sum``,
``max`` and ``min``. Where the norm is 0 the gradient is 0, PyTorch's subgradient
(the formula would divide 0 by 0).

numpy's ``ord`` over two axes of a matrix means a *matrix* norm (``ord=2`` is the
largest singular value) while PyTorch's ``p`` always means the norm of the entries:
rather than let one user silently get the other's number, matrix orders raise.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..backend import namespace
from ..function import Function
from . import keywords, rule_helpers
from .reduce import normalize_axis_arg
from .rounding import sign

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import Axis

__all__ = ["PNorm", "norm"]

_MATRIX_ORDERS = (1, -1, 2, -2, math.inf, -math.inf, "nuc")


class PNorm(Function):
    """out = (sum |x|^p)^(1/p) over axis.  d/dx = sign(x) |x|^(p-1) / out^(p-1).

    Where out = 0 (and, for the |x|^(p-1) factor, where x = 0) the gradient is 0.
    """

    op_name = "norm"

    @staticmethod
    def forward(ctx, x, p=2.0, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims, ctx.p = x.shape, axis, keepdims, p
        xp = namespace(x)
        if p == 2:
            out = xp.sqrt(xp.sum(x * x, axis=axis, keepdims=keepdims))
        else:
            out = xp.sum(xp.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1 / p)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p = ctx.p
        kept = rule_helpers.keepdims_shape(ctx.shape, ctx.axis)
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        out = rule_helpers.reshape(out, kept)
        out_data, x_data = rule_helpers.data_of(out), rule_helpers.data_of(x)
        xp = namespace(x_data)
        zero_norm = out_data == 0
        # NOTE: a constant 1 where out = 0, so nothing divides by 0
        safe_out = out + xp.astype(zero_norm, out_data.dtype)
        if p == 2:
            return grad * x / safe_out
        safe_abs = abs(x) + xp.astype(x_data == 0, x_data.dtype)
        sign = xp.sign(x_data)
        return rule_helpers.select(~zero_norm,
                                   grad * sign * safe_abs ** (p - 1) / safe_out ** (p - 1))


def _order(op, ord, p):  # noqa: A002 - numpy's name
    if ord is not None and p is not None:
        raise TypeError(f"{op}: give ord= (numpy) or p= (PyTorch), not both")
    order = p if p is not None else ord
    if order is None or order == "fro":
        return 2.0
    if isinstance(order, str) or isinstance(order, bool) or not isinstance(
            order, (int, float, np.integer, np.floating)) or math.isnan(order):
        raise ValueError(f"{op}: order must be a number, inf, -inf or 'fro', got {order!r} "
                         "(matrix norms such as 'nuc' are not supported)")
    return float(order)


def norm(x: Tensor, ord: float | str | None = None,  # noqa: A002 - numpy's name
         axis: Axis = None, keepdims: bool | None = None, *,
         p: float | str | None = None, dim: Axis = None,
         keepdim: bool | None = None, **unknown: object) -> Tensor:
    """The vector norm of ``x`` over ``axis`` (all elements by default).

    Parameters
    ----------
    x : Tensor
    ord : number, inf, -inf or 'fro', optional
        numpy's name for the order (default 2). Over two axes of a matrix numpy's
        ``ord`` in ``1, -1, 2, -2, inf, -inf`` means a matrix norm: that raises (use
        ``p=`` for the norm of the entries).
    axis, dim : int or tuple of ints, optional
        The axes to reduce (None: all); numpy's or PyTorch's name.
    keepdims, keepdim : bool, optional
    p : number, inf, -inf or 'fro', keyword only
        PyTorch's name: always the norm of the entries over ``axis``.

    Returns
    -------
    Tensor
        ``(sum |x|**p) ** (1/p)``; ``p=0`` counts nonzeros (gradient 0), ``inf``/``-inf``
        take the largest/smallest ``|x|`` (ties share the gradient evenly, as PyTorch).
        At a zero norm the gradient is 0.

    >>> import graphgrad as gg
    >>> gg.norm(gg.tensor([3.0, -4.0]))
    Tensor(5., dtype=float32)
    >>> gg.norm(gg.tensor([[1.0, -2.0], [3.0, 0.0]]), p=1, axis=1)
    Tensor([3., 3.], dtype=float32)
    """
    keywords.reject_unknown("norm", unknown, "ord=/p=, axis=/dim= and keepdims=/keepdim=")
    axis, keepdims = keywords.axis_keywords("norm", axis, keepdims, dim, keepdim)
    order = _order("norm", ord, p)
    axis = normalize_axis_arg(axis, x.ndim, "norm")
    reduced = x.ndim if axis is None else (1 if isinstance(axis, int) else len(axis))
    if ord is not None and ord != "fro" and reduced == 2 and order in _MATRIX_ORDERS:
        raise ValueError(
            f"norm: ord={ord!r} over the two axes of shape {x.shape} is numpy's matrix norm, "
            "which graphgrad does not compute; for the norm of the entries pass "
            f"p={ord!r} (PyTorch's meaning) or flatten first")
    if order == 0:
        return abs(sign(x)).sum(axis=axis, keepdims=keepdims)
    if order == 1:
        return abs(x).sum(axis=axis, keepdims=keepdims)
    if order == math.inf:
        return abs(x).max(axis=axis, keepdims=keepdims)
    if order == -math.inf:
        return abs(x).min(axis=axis, keepdims=keepdims)
    return PNorm.apply(x, p=order, axis=axis, keepdims=keepdims)
