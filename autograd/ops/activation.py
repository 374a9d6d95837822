"""Activation functions: ReLU, leaky ReLU, GELU (and erf), softplus.

Elementwise like ``elementwise.py``, kept apart so each file stays short.
"""
import math

import numpy as np

from ..errors import constant_number
from ..function import Function
from . import rule_helpers

__all__ = ["ReLU", "LeakyReLU", "Softplus", "erf", "GELU", "Erf", "relu", "leaky_relu", "gelu",
    "softplus"]


class ReLU(Function):
    """out = max(x, 0).  d/dx = 1 where x > 0, else 0."""

    op_name = "relu"

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
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
        return np.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        data = rule_helpers.data_of(x)
        factor = np.where(data > 0, 1, ctx.negative_slope).astype(data.dtype, copy=False)
        return rule_helpers.link(grad * factor, x)


class Softplus(Function):
    """out = ln(1 + e^x), computed stably.  d/dx = sigmoid(x)."""

    op_name = "softplus"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0, x).astype(np.result_type(x), copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * rule_helpers.sigmoid(x)


def erf(x):
    """The error function, elementwise (numpy has none; relative error < 1.2e-7).

    Numerical Recipes' Chebyshev fit of erfc, accurate to float32 precision.
    """
    z = np.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1 - erfc, erfc - 1)


# NOTE: Python floats, not numpy float64 scalars: those would upcast float32 data.
_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class GELU(Function):
    """out = x Phi(x), Phi the normal CDF.  d/dx = Phi(x) + x phi(x).

    ``approximate="tanh"`` uses PyTorch's tanh form instead of the exact CDF.
    """

    op_name = "gelu"

    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        dtype = np.result_type(x)
        if approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
            return (0.5 * x * (1 + np.tanh(inner))).astype(dtype, copy=False)
        return (0.5 * x * (1 + erf(x / _SQRT_2))).astype(dtype, copy=False)

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


class Erf(Function):
    """out = erf(x).  d/dx = 2/sqrt(pi) e^(-x^2)."""

    op_name = "erf"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf(x).astype(np.result_type(x), copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * rule_helpers.exp(-x * x)



# ------------------------------------------------------------------ public functions
def relu(x):
    """Elementwise ``max(x, 0)``; the gradient at 0 is 0 (as PyTorch)."""
    return ReLU.apply(x)


def leaky_relu(x, negative_slope=0.01):
    """Elementwise ``x`` if ``x > 0`` else ``negative_slope * x``.

    ``negative_slope`` is a number (a constant, as in PyTorch): a Tensor raises
    ``DtypeError`` rather than silently getting no gradient.
    """
    slope = constant_number("leaky_relu", "negative_slope", negative_slope)
    return LeakyReLU.apply(x, negative_slope=slope)


def gelu(x, approximate="none"):
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate="tanh"`` as PyTorch."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(x, approximate=approximate)


def softplus(x):
    """Elementwise ``log(1 + e**x)``, stable for large ``|x|``."""
    return Softplus.apply(x)
