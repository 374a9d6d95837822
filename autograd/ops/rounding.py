"""Rounding, signs and remainders: sign, floor, ceil, round, trunc, floor_divide, fmod,
remainder, copysign, plus lerp and nan_to_num.

Piecewise-constant ops (sign, floor, ceil, round, trunc, floor_divide) have gradient 0
everywhere, as in PyTorch: their outputs stay in the graph but pass nothing back.
On integer tensors the division ops raise ``ZeroDivisionError`` on a zero divisor
(PyTorch's rule; numpy would return 0 with a warning).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..backend import namespace
from ..function import Function
from . import rule_helpers

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["Sign", "Floor", "Ceil", "Round", "Trunc", "FloorDivide", "Remainder", "Fmod",
    "Copysign", "NanToNum", "sign", "floor", "ceil", "round", "trunc", "floor_divide", "remainder",
    "fmod", "copysign", "lerp", "nan_to_num"]


class _Flat(Function):
    """A piecewise-constant op: d/dx = 0 (also at the jumps, as PyTorch)."""

    array_name: str  # the namespace's function, set by each subclass

    @classmethod
    def forward(cls, ctx, x):
        return getattr(namespace(x), cls.array_name)(x)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.zeros_like(grad)


class Sign(_Flat):
    """out = sign(x) in {-1, 0, 1}.  d/dx = 0."""

    op_name = "sign"
    array_name = "sign"


class Floor(_Flat):
    """out = largest integer <= x.  d/dx = 0."""

    op_name = "floor"
    array_name = "floor"


class Ceil(_Flat):
    """out = smallest integer >= x.  d/dx = 0."""

    op_name = "ceil"
    array_name = "ceil"


class Round(_Flat):
    """out = x rounded to ``decimals``, halves to even.  d/dx = 0."""

    op_name = "round"

    @staticmethod
    def forward(ctx, x, decimals=0):
        return backend.round_decimals(x, decimals)


class Trunc(_Flat):
    """out = x rounded toward 0.  d/dx = 0."""

    op_name = "trunc"
    array_name = "trunc"


def _check_integer_divisor(op, x, y):
    kinds = [backend.dtype_kind(v.dtype) if hasattr(v, "dtype") else "f" for v in (x, y)
             if not isinstance(v, (bool, int))]  # Python ints take the other's dtype
    if all(kind in "iub" for kind in kinds) and backend.any_true(y == 0):
        raise ZeroDivisionError(f"{op}: integer division by zero (divisor of shape "
                                f"{getattr(y, 'shape', ())} holds a 0); use a float tensor to "
                                "get inf/nan")


class FloorDivide(Function):
    """out = floor(x / y).  d/dx = d/dy = 0 (piecewise constant)."""

    op_name = "floor_divide"

    @staticmethod
    def forward(ctx, x, y):
        _check_integer_divisor("floor_divide", x, y)
        return rule_helpers.namespace_of(x, y).floor_divide(x, y)

    @staticmethod
    def backward(ctx, grad):
        zero = rule_helpers.zeros_like(grad)
        return tuple(zero if need else None for need in ctx.needs_input_grad)


class Remainder(Function):
    """out = x - floor(x / y) y, the sign of y (Python's %).  d/dx = 1, d/dy = -floor(x/y)."""

    op_name = "remainder"

    @staticmethod
    def array_fn(x, y):
        return rule_helpers.namespace_of(x, y).remainder(x, y)

    @staticmethod
    def quotient(x, y):
        return rule_helpers.namespace_of(x, y).floor_divide(x, y)

    @classmethod
    def forward(cls, ctx, x, y):
        _check_integer_divisor(cls.op_name, x, y)
        ctx.save_for_backward(x, y)
        return cls.array_fn(x, y)

    @classmethod
    def backward(cls, ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        quotient = cls.quotient(rule_helpers.data_of(x), rule_helpers.data_of(y))
        return (grad if need_x else None), (-grad * quotient if need_y else None)


class Fmod(Remainder):
    """out = x - trunc(x / y) y, the sign of x (C's fmod).  d/dx = 1, d/dy = -trunc(x/y)."""

    op_name = "fmod"
    array_fn = staticmethod(backend.fmod)

    @staticmethod
    def quotient(x, y):
        return rule_helpers.namespace_of(x, y).trunc(x / y)


class Copysign(Function):
    """out = |x| with the sign of y.  d/dx = out / x (0 at x = 0, as PyTorch), d/dy = 0."""

    op_name = "copysign"

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return rule_helpers.namespace_of(x, y).copysign(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = None
        if need_x:
            x_data, y_data = rule_helpers.data_of(x), rule_helpers.data_of(y)
            xp = namespace(x_data)
            sign = xp.sign(x_data)
            if hasattr(y_data, "shape"):
                sign = xp.where(xp.signbit(y_data), -sign, sign)
            elif math.copysign(1.0, y_data) < 0:  # a number: its sign (of -0.0 too)
                sign = -sign
            grad_x = grad * sign
        return grad_x, (rule_helpers.zeros_like(grad) if need_y else None)


class NanToNum(Function):
    """out = x with NaN and infinities replaced.  d/dx = 1 where x is finite, else 0."""

    op_name = "nan_to_num"

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        ctx.finite = namespace(x).isfinite(x)
        return backend.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.select(ctx.finite, grad)


# ------------------------------------------------------------------ public functions
def sign(x: Tensor) -> Tensor:
    """Elementwise sign: -1, 0 or 1 (NaN stays NaN); its gradient is 0.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Same dtype as ``x``.

    >>> import graphgrad as gg
    >>> gg.sign(gg.tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.], dtype=float32)
    """
    return Sign.apply(x)


def floor(x: Tensor) -> Tensor:
    """Elementwise floor; its gradient is 0 (PyTorch's choice, also at integers).

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Same dtype as ``x``.

    >>> import graphgrad as gg
    >>> gg.floor(gg.tensor([-1.5, 1.5]))
    Tensor([-2.,  1.], dtype=float32)
    """
    return Floor.apply(x)


def ceil(x: Tensor) -> Tensor:
    """Elementwise ceiling; its gradient is 0.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Same dtype as ``x``.

    >>> import graphgrad as gg
    >>> gg.ceil(gg.tensor([-1.5, 1.5]))
    Tensor([-1.,  2.], dtype=float32)
    """
    return Ceil.apply(x)


def round(x: Tensor, decimals: int = 0) -> Tensor:  # noqa: A001 - numpy's and PyTorch's name
    """Round to ``decimals`` places, halves to even (numpy and PyTorch); gradient 0.

    Parameters
    ----------
    x : Tensor
    decimals : int
        Places after the point (negative: before it).

    Returns
    -------
    Tensor
        Same dtype as ``x``.

    >>> import graphgrad as gg
    >>> gg.round(gg.tensor([0.5, 1.5, 2.675]), decimals=0)
    Tensor([0., 2., 3.], dtype=float32)
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}")
    return Round.apply(x, decimals=int(decimals))


def trunc(x: Tensor) -> Tensor:
    """Round toward zero, elementwise; its gradient is 0.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Same dtype as ``x``.

    >>> import graphgrad as gg
    >>> gg.trunc(gg.tensor([-1.7, 1.7]))
    Tensor([-1.,  1.], dtype=float32)
    """
    return Trunc.apply(x)


def floor_divide(x: Tensor, y: Tensor) -> Tensor:
    """``floor(x / y)`` elementwise, the ``//`` operator; its gradient is 0.

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together. Integer inputs give integers; an integer 0 divisor raises
        ``ZeroDivisionError``.

    Returns
    -------
    Tensor

    >>> import graphgrad as gg
    >>> gg.tensor([7, -7]) // 2
    Tensor([ 3, -4], dtype=int64)
    """
    return FloorDivide.apply(x, y)


def remainder(x: Tensor, y: Tensor) -> Tensor:
    """``x - floor(x / y) * y``: the sign of ``y``, Python's and numpy's ``%``.

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together. An integer 0 divisor raises ``ZeroDivisionError``.

    Returns
    -------
    Tensor
        The gradients are 1 for ``x`` and ``-floor(x / y)`` for ``y``.

    >>> import graphgrad as gg
    >>> gg.remainder(gg.tensor([-3.0, 3.0]), 2.0)
    Tensor([1., 1.], dtype=float32)
    """
    return Remainder.apply(x, y)


def fmod(x: Tensor, y: Tensor) -> Tensor:
    """``x - trunc(x / y) * y``: the sign of ``x``, as C's ``fmod``.

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together. An integer 0 divisor raises ``ZeroDivisionError``.

    Returns
    -------
    Tensor
        The gradients are 1 for ``x`` and ``-trunc(x / y)`` for ``y``.

    >>> import graphgrad as gg
    >>> gg.fmod(gg.tensor([-3.0, 3.0]), 2.0)
    Tensor([-1.,  1.], dtype=float32)
    """
    return Fmod.apply(x, y)


def copysign(x: Tensor, y: Tensor) -> Tensor:
    """``|x|`` with the sign of ``y`` (``-0.0`` counts as negative).

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together.

    Returns
    -------
    Tensor
        The gradient is ``out / x`` for ``x`` (0 where ``x`` is 0, as PyTorch) and 0
        for ``y``.

    >>> import graphgrad as gg
    >>> gg.copysign(gg.tensor([1.0, -2.0]), gg.tensor([-1.0, 1.0]))
    Tensor([-1.,  2.], dtype=float32)
    """
    return Copysign.apply(x, y)


def lerp(start: Tensor, end: Tensor, weight: Tensor | float) -> Tensor:
    """Linear interpolation ``start + weight * (end - start)`` (PyTorch's ``lerp``).

    Parameters
    ----------
    start, end : Tensor
    weight : Tensor or float
        Broadcast with the others; differentiable when it is a Tensor.

    Returns
    -------
    Tensor

    >>> import graphgrad as gg
    >>> gg.lerp(gg.tensor([0.0, 10.0]), gg.tensor([1.0, 20.0]), 0.25)
    Tensor([ 0.25, 12.5 ], dtype=float32)
    """
    return start + weight * (end - start)


def nan_to_num(x: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the
    dtype's largest/smallest finite value), as numpy and PyTorch.

    Parameters
    ----------
    x : Tensor
    nan, posinf, neginf : float, optional

    Returns
    -------
    Tensor
        The gradient passes where ``x`` is finite and is 0 at replaced entries.

    >>> import graphgrad as gg
    >>> gg.nan_to_num(gg.tensor([float("nan"), 1.0, float("inf")]), posinf=9.0)
    Tensor([0., 1., 9.], dtype=float32)
    """
    for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if value is not None and (isinstance(value, bool)
                                  or not isinstance(value, (int, float, np.number))):
            raise TypeError(f"nan_to_num: {name} must be a number or None, got {value!r}")
    return NanToNum.apply(x, nan=nan, posinf=posinf, neginf=neginf)
