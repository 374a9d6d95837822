"""Piecewise activations: the ELU family (elu, selu, celu), hard ones (hardtanh, relu6,
hardsigmoid, hardswish) and prelu.

Rules pick between the pieces with ``where`` (a select, never a product with a
0/1 mask, so an infinite gradient stays 0 where it is masked off) and feed
``exp`` only the values of its own piece, so no piece can overflow into the
other. At a kink each op takes PyTorch's side: the ELU family and prelu the
negative piece at 0, hardtanh/relu6/hardsigmoid gradient 0 at their bounds,
hardswish 0 at -3 and 1 at 3.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..backend import namespace
from ..errors import ShapeError, constant_number
from ..function import Function
from . import rule_helpers as rh
from .elementwise import Clip, where

if TYPE_CHECKING:
    from ..tensor import Tensor

# SELU's constants (Klambauer et al., 2017), as PyTorch.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

__all__ = ["ELU", "Hardtanh", "Hardsigmoid", "Hardswish", "elu", "selu", "celu", "hardtanh",
    "relu6", "hardsigmoid", "hardswish", "prelu"]


class ELU(Function):
    """out = scale x if x > 0, else scale alpha (e^(x input_scale) - 1).
    d/dx = scale, or scale alpha input_scale e^(x input_scale)."""

    op_name = "elu"

    @staticmethod
    def forward(ctx, x, alpha=1.0, scale=1.0, input_scale=1.0):
        ctx.save_for_backward(x)
        ctx.constants = (alpha, scale, input_scale)
        xp = namespace(x)
        negative = xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)
        return xp.where(x > 0, x * scale, negative)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.constants
        positive = rh.data_of(x) > 0
        below = rh.where(positive, 0, x)  # exp sees only its own piece: never overflows
        slope = rh.exp(below * input_scale) * (scale * alpha * input_scale)
        return rh.where(positive, grad * scale, grad * slope)


class Hardtanh(Clip):
    """out = clip(x, lo, hi).  d/dx = 1 strictly inside (lo, hi), else 0 (PyTorch's rule;
    ``clip`` counts the bounds as inside)."""

    op_name = "hardtanh"

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors  # Clip.forward saves the bounds with x
        data = rh.data_of(x)
        return rh.link(rh.select((data > lo) & (data < hi), grad), x)


class Hardsigmoid(Function):
    """out = clip(x / 6 + 1/2, 0, 1).  d/dx = 1/6 strictly inside (-3, 3), else 0."""

    op_name = "hardsigmoid"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        data = rh.data_of(x)
        return rh.link(rh.select((data > -3) & (data < 3), grad / 6), x)


class Hardswish(Function):
    """out = x clip(x + 3, 0, 6) / 6.  d/dx = 0 for x <= -3, 1 for x >= 3, else (2x + 3) / 6."""

    op_name = "hardswish"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * namespace(x).clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        data = rh.data_of(x)
        middle = rh.where(data >= 3, grad, grad * (x / 3 + 0.5))
        return rh.where(data <= -3, 0, middle)


# ------------------------------------------------------------------ public functions
def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.elu(gg.tensor([-1.0, 2.0])).tolist()
    [-0.6321205496788025, 2.0]
    """
    return ELU.apply(x, alpha=constant_number("elu", "alpha", alpha))


def selu(x: Tensor) -> Tensor:
    """Scaled ELU: ``scale * elu(x, alpha)`` with PyTorch's (self-normalising) constants.

    Example
    -------
    >>> import graphgrad as gg
    >>> round(gg.selu(gg.tensor([1.0])).item(), 4)
    1.0507
    """
    return ELU.apply(x, alpha=_SELU_ALPHA, scale=_SELU_SCALE)


def celu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Continuously differentiable ELU: ``x`` if ``x > 0`` else ``alpha * (exp(x / alpha) - 1)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> round(gg.celu(gg.tensor([-1.0]), alpha=2.0).item(), 4)
    -0.7869
    """
    alpha = constant_number("celu", "alpha", alpha)
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x); use relu for the limit")
    return ELU.apply(x, alpha=alpha, input_scale=1.0 / alpha)


def hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]``; the gradient is 0 at the bounds (PyTorch).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.hardtanh(gg.tensor([-2.0, 0.5, 2.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    lo = constant_number("hardtanh", "min_val", min_val)
    hi = constant_number("hardtanh", "max_val", max_val)
    if lo > hi:
        raise ValueError(f"hardtanh: min_val {lo} is above max_val {hi}; swap them")
    return Hardtanh.apply(x, lo=lo, hi=hi)


def relu6(x: Tensor) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``, gradient 0 at 0 and 6 (PyTorch).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.relu6(gg.tensor([-1.0, 3.0, 8.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    return Hardtanh.apply(x, lo=0.0, hi=6.0)


def hardsigmoid(x: Tensor) -> Tensor:
    """Piecewise-linear sigmoid ``clip(x / 6 + 1/2, 0, 1)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.hardsigmoid(gg.tensor([-4.0, 0.0, 4.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return Hardsigmoid.apply(x)


def hardswish(x: Tensor) -> Tensor:
    """``x * hardsigmoid(x)`` (MobileNetV3's activation).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.hardswish(gg.tensor([-4.0, 1.0, 4.0])).tolist()
    [-0.0, 0.6666666865348816, 4.0]
    """
    return Hardswish.apply(x)


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """``x`` if ``x > 0`` else ``weight * x``, ``weight`` learnable: one value, or one per
    channel (axis 1 of ``x``).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.prelu(gg.tensor([-2.0, 3.0]), gg.tensor([0.25])).tolist()
    [-0.5, 3.0]
    """
    count = math.prod(weight.shape)
    if len(weight.shape) > 1:
        raise ShapeError(f"prelu: weight must be 0-d or 1-D, got shape {tuple(weight.shape)}")
    if count == 1:
        slope = weight.reshape(())
    elif x.ndim >= 2 and x.shape[1] == count:
        slope = weight.reshape((count,) + (1,) * (x.ndim - 2))
    else:
        raise ShapeError(f"prelu: weight of {count} values does not fit input of shape "
                         f"{tuple(x.shape)}: give one value, or one per channel (axis 1)")
    return where(rh.data_of(x) > 0, x, slope * x)
