"""Activation functions: ReLU, leaky ReLU, GELU (and erf), softplus, SiLU, Mish, and the
compositions logsigmoid, softsign, softmin and glu.

Elementwise like ``elementwise.py``, kept apart so each file stays short; the
piecewise ELU and hard families are in ``activation_piecewise.py``.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..backend import namespace
from ..errors import ShapeError, constant_number
from ..function import Function
from . import elementwise as E
from . import keywords, rule_helpers
from .explog import Erf
from .explog import erf_array as erf
from .indexing import one_dim
from .rearrange import narrow
from .softmax import softmax

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["ReLU", "LeakyReLU", "Softplus", "erf", "GELU", "Erf", "relu", "leaky_relu", "gelu",
    "softplus", "SiLU", "Mish", "silu", "mish", "logsigmoid", "softsign", "softmin", "glu"]


class ReLU(Function):
    """out = max(x, 0).  d/dx = 1 where x > 0, else 0."""

    op_name = "relu"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return rule_helpers.link(rule_helpers.select(rule_helpers.data_of(out) > 0, grad), out)


class LeakyReLU(Function):
    """out = x if x > 0 else slope x.  d/dx = 1 or slope."""

    op_name = "leaky_relu"

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return namespace(x).where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        positive = rule_helpers.data_of(x) > 0
        return rule_helpers.link(rule_helpers.where(positive, grad, grad * ctx.negative_slope),
                                 x)


def _softplus_of(x):
    """``log(1 + e^x)`` of an array or, recorded, of a Tensor."""
    return namespace(x).logaddexp(0, x) if rule_helpers.is_raw(x) else Softplus.apply(x)


class Softplus(Function):
    """out = log(1 + e^(beta x)) / beta, or x where beta x > threshold.
    d/dx = sigmoid(beta x), or 1."""

    op_name = "softplus"

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        ctx.save_for_backward(x)
        ctx.constants = (beta, threshold)
        xp = namespace(x)
        scaled = x * beta
        smooth = xp.logaddexp(0, scaled) / beta
        return rule_helpers.cast_like(xp.where(scaled > threshold, x, smooth), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.constants
        linear = rule_helpers.data_of(x) * beta > threshold
        return rule_helpers.where(linear, grad, grad * rule_helpers.sigmoid(x * beta))


class SiLU(Function):
    """out = x sigmoid(x).  d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""

    op_name = "silu"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * rule_helpers.sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = rule_helpers.sigmoid(x)
        return grad * s * (1 + x * (1 - s))


class Mish(Function):
    """out = x tanh(softplus(x)).  d/dx = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x))."""

    op_name = "mish"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = namespace(x)
        return rule_helpers.cast_like(x * xp.tanh(xp.logaddexp(0, x)), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = rule_helpers.tanh(_softplus_of(x))
        return grad * (t + x * (1 - t * t) * rule_helpers.sigmoid(x))


# NOTE: Python floats, not numpy float64 scalars: those would upcast float32 data.
_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Function):
    """out = x Phi(x), Phi the normal CDF.  d/dx = Phi(x) + x phi(x).

    ``approximate="tanh"`` uses PyTorch's tanh form instead of the exact CDF.
    """

    op_name = "gelu"

    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
            return rule_helpers.cast_like(0.5 * x * (1 + namespace(x).tanh(inner)), x)
        return rule_helpers.cast_like(0.5 * x * (1 + erf(x / _SQRT_2)), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
            th = rule_helpers.tanh(inner)
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * d_inner)
        cdf = 0.5 * (1 + _erf_of(x / _SQRT_2))
        pdf = rule_helpers.exp(-0.5 * x * x) * _INV_SQRT_2PI
        return grad * (cdf + x * pdf)


def _erf_of(x):
    """erf on an array, or on a Tensor as a recorded op (for higher order)."""
    return erf(x) if rule_helpers.is_raw(x) else Erf.apply(x)


# ------------------------------------------------------------------ public functions
def relu(x: Tensor) -> Tensor:
    """Elementwise ``max(x, 0)``; the gradient at 0 is 0 (as PyTorch).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> gg.relu(x)
    Tensor([0., 0., 2.], dtype=float32, grad_fn=<ReLU>)
    >>> gg.relu(x).sum().backward()
    >>> x.grad
    Tensor([0., 0., 1.], dtype=float32)
    """
    return ReLU.apply(x)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """Elementwise ``x`` if ``x > 0`` else ``negative_slope * x``.

    ``negative_slope`` is a number (a constant, as in PyTorch): a Tensor raises
    ``DtypeError`` rather than silently getting no gradient.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-100.0, 0.0, 10.0], requires_grad=True)
    >>> gg.leaky_relu(x)
    Tensor([-1.,  0., 10.], dtype=float32, grad_fn=<LeakyReLU>)
    >>> gg.leaky_relu(x, 0.2).sum().backward()
    >>> x.grad
    Tensor([0.2, 0.2, 1. ], dtype=float32)
    """
    slope = constant_number("leaky_relu", "negative_slope", negative_slope)
    return LeakyReLU.apply(x, negative_slope=slope)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate="tanh"`` as PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-3.0, 0.0, 1.0], requires_grad=True)
    >>> gg.gelu(x).round(4)
    Tensor([-0.004 ,  0.    ,  0.8413], dtype=float32, grad_fn=<Round>)
    >>> gg.gelu(x).sum().backward()
    >>> x.grad.round(4)
    Tensor([-0.0119,  0.5   ,  1.0833], dtype=float32)
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(x, approximate=approximate)


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + e**(beta x)) / beta``, stable; ``x`` itself where ``beta x > threshold``.

    PyTorch's ``beta`` and ``threshold`` (defaults 1 and 20).

    Example
    -------
    >>> import graphgrad as gg
    >>> round(gg.softplus(gg.tensor([0.0])).item(), 4)
    0.6931
    """
    beta = constant_number("softplus", "beta", beta)
    if beta == 0:
        raise ValueError("softplus: beta must not be 0 (it divides the result)")
    return Softplus.apply(x, beta=beta,
                          threshold=constant_number("softplus", "threshold", threshold))


def silu(x: Tensor) -> Tensor:
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.silu(gg.tensor([0.0, 1.0])).tolist()
    [0.0, 0.7310585975646973]
    """
    return SiLU.apply(x)


def mish(x: Tensor) -> Tensor:
    """``x * tanh(softplus(x))``.

    Example
    -------
    >>> import graphgrad as gg
    >>> round(gg.mish(gg.tensor([1.0])).item(), 4)
    0.8651
    """
    return Mish.apply(x)


def logsigmoid(x: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, exact and finite for any finite ``x``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.logsigmoid(gg.tensor([-200.0])).tolist()
    [-200.0]
    """
    return -Softplus.apply(-x, beta=1.0, threshold=math.inf)


def softsign(x: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.softsign(gg.tensor([-3.0, 1.0])).tolist()
    [-0.75, 0.5]
    """
    return x / (1 + E.abs(x))


def softmin(x: Tensor, axis: int | None = None, *, dim: int | None = None,
            **unknown: object) -> Tensor:
    """``softmax(-x)`` along ``axis`` (or PyTorch's ``dim``; default -1).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.softmin(gg.tensor([0.0, 0.0]), dim=0).tolist()
    [0.5, 0.5]
    """
    axis, _ = keywords.axis_keywords("softmin", axis, None, dim, None, unknown, default=-1)
    return softmax(-x, axis=axis)


def glu(x: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``x`` along ``dim``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.glu(gg.tensor([2.0, 0.0])).tolist()
    [1.0]
    """
    d = one_dim("glu", dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    if x.ndim == 0 or n % 2:
        raise ShapeError(f"glu: dim {dim} of shape {tuple(x.shape)} has odd length {n}; glu "
                         "halves it, so it needs an even length")
    return narrow(x, d, 0, n // 2) * E.sigmoid(narrow(x, d, n // 2, n // 2))
