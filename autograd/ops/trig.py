"""Trigonometric and hyperbolic ops: tan, asin, acos, atan, atan2, sinh, cosh, asinh,
acosh, atanh (sin and cos are in ``elementwise.py``).

Each rule is written with operators and ``dual`` helpers, so it is differentiable
again (``create_graph=True``). Outside an op's domain (``asin(2)``) the value is
NaN, as in numpy and PyTorch.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..backend import namespace
from ..function import Function
from . import rule_helpers

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "tan",
    "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh"]


def _sinh(array):
    return namespace(array).sinh(array)


def _cosh(array):
    return namespace(array).cosh(array)


class Tan(Function):
    """out = tan x.  d/dx = 1 + out^2."""

    op_name = "tan"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(Function):
    """out = asin x.  d/dx = 1 / sqrt(1 - x^2)."""

    op_name = "asin"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).asin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - x * x) ** -0.5


class Acos(Function):
    """out = acos x.  d/dx = -1 / sqrt(1 - x^2)."""

    op_name = "acos"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).acos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * (1 - x * x) ** -0.5


class Atan(Function):
    """out = atan x.  d/dx = 1 / (1 + x^2)."""

    op_name = "atan"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).atan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Atan2(Function):
    """out = atan2(y, x), the angle of the point (x, y).

    d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
    """

    op_name = "atan2"

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return rule_helpers.namespace_of(y, x).atan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        need_y, need_x = ctx.needs_input_grad
        scale = grad / (x * x + y * y)
        return (scale * x if need_y else None), (-scale * y if need_x else None)


class Sinh(Function):
    """out = sinh x.  d/dx = cosh x."""

    op_name = "sinh"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * rule_helpers.unary(x, _cosh, Cosh)


class Cosh(Function):
    """out = cosh x.  d/dx = sinh x."""

    op_name = "cosh"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * rule_helpers.unary(x, _sinh, Sinh)


class Asinh(Function):
    """out = asinh x.  d/dx = 1 / sqrt(x^2 + 1)."""

    op_name = "asinh"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).asinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x + 1) ** -0.5


class Acosh(Function):
    """out = acosh x (x >= 1).  d/dx = 1 / sqrt(x^2 - 1)."""

    op_name = "acosh"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).acosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x - 1) ** -0.5


class Atanh(Function):
    """out = atanh x (|x| < 1).  d/dx = 1 / (1 - x^2)."""

    op_name = "atanh"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).atanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


# ------------------------------------------------------------------ public functions
def tan(x: Tensor) -> Tensor:
    """Elementwise tangent.

    Parameters
    ----------
    x : Tensor
        Angles in radians.

    Returns
    -------
    Tensor
        ``tan(x)``; its gradient is ``1 + tan(x)**2``.

    >>> import graphgrad as gg
    >>> gg.tan(gg.tensor([0.0, 0.5])).numpy().round(4)
    array([0.    , 0.5463], dtype=float32)
    """
    return Tan.apply(x)


def asin(x: Tensor) -> Tensor:
    """Elementwise inverse sine (``numpy.arcsin``); NaN outside ``[-1, 1]``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Angles in ``[-pi/2, pi/2]``; the gradient is ``1 / sqrt(1 - x**2)``.

    >>> import graphgrad as gg
    >>> gg.asin(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([0.    , 1.5708], dtype=float32)
    """
    return Asin.apply(x)


def acos(x: Tensor) -> Tensor:
    """Elementwise inverse cosine (``numpy.arccos``); NaN outside ``[-1, 1]``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Angles in ``[0, pi]``; the gradient is ``-1 / sqrt(1 - x**2)``.

    >>> import graphgrad as gg
    >>> gg.acos(gg.tensor([1.0, 0.0])).numpy().round(4)
    array([0.    , 1.5708], dtype=float32)
    """
    return Acos.apply(x)


def atan(x: Tensor) -> Tensor:
    """Elementwise inverse tangent (``numpy.arctan``).

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        Angles in ``(-pi/2, pi/2)``; the gradient is ``1 / (1 + x**2)``.

    >>> import graphgrad as gg
    >>> gg.atan(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([0.    , 0.7854], dtype=float32)
    """
    return Atan.apply(x)


def atan2(y: Tensor, x: Tensor) -> Tensor:
    """Elementwise angle of the point ``(x, y)`` (``numpy.arctan2(y, x)``, ``torch.atan2``).

    Parameters
    ----------
    y, x : Tensor or number
        Broadcast together; ``y`` comes first, as in numpy and PyTorch.

    Returns
    -------
    Tensor
        Angles in ``[-pi, pi]``. At the origin the gradient is NaN (0 / 0).

    >>> import graphgrad as gg
    >>> gg.atan2(gg.tensor([1.0, -1.0]), gg.tensor([0.0, -1.0])).numpy().round(4)
    array([ 1.5708, -2.3562], dtype=float32)
    """
    return Atan2.apply(y, x)


def sinh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic sine.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``sinh(x)``; the gradient is ``cosh(x)``.

    >>> import graphgrad as gg
    >>> gg.sinh(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([0.    , 1.1752], dtype=float32)
    """
    return Sinh.apply(x)


def cosh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic cosine.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``cosh(x)``; the gradient is ``sinh(x)``.

    >>> import graphgrad as gg
    >>> gg.cosh(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([1.    , 1.5431], dtype=float32)
    """
    return Cosh.apply(x)


def asinh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic sine (``numpy.arcsinh``).

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``asinh(x)``; the gradient is ``1 / sqrt(x**2 + 1)``.

    >>> import graphgrad as gg
    >>> gg.asinh(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([0.    , 0.8814], dtype=float32)
    """
    return Asinh.apply(x)


def acosh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic cosine (``numpy.arccosh``); NaN below 1.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``acosh(x)``; the gradient is ``1 / sqrt(x**2 - 1)`` (infinite at 1).

    >>> import graphgrad as gg
    >>> gg.acosh(gg.tensor([1.0, 2.0])).numpy().round(4)
    array([0.   , 1.317], dtype=float32)
    """
    return Acosh.apply(x)


def atanh(x: Tensor) -> Tensor:
    """Elementwise inverse hyperbolic tangent (``numpy.arctanh``); NaN outside ``[-1, 1]``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``atanh(x)``; the gradient is ``1 / (1 - x**2)``.

    >>> import graphgrad as gg
    >>> gg.atanh(gg.tensor([0.0, 0.5])).numpy().round(4)
    array([0.    , 0.5493], dtype=float32)
    """
    return Atanh.apply(x)
