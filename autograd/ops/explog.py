"""Powers, exponentials and logarithms: square, rsqrt, reciprocal, log2, log10, exp2,
expm1, logaddexp, erf, erfc (exp, log, log1p, sqrt are in ``elementwise.py``).

Every rule is written with operators and ``dual`` helpers, so it is differentiable
again (``create_graph=True``).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import backend
from ..backend import namespace
from ..function import Function
from . import rule_helpers

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["erf_array", "erfc_array", "Square", "Rsqrt", "Reciprocal", "Log2", "Log10", "Exp2",
    "Expm1", "LogAddExp", "Erf", "Erfc", "square", "rsqrt", "reciprocal", "log2", "log10", "exp2",
    "expm1", "logaddexp", "erf", "erfc"]

# NOTE: Python floats, not numpy float64 scalars: those would upcast float32 data.
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# erf's Maclaurin series, 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)): below |x| = 0.5
# thirteen terms reach float64's precision, where 1 - erfc(x) would lose all of it.
_ERF_SERIES = [(-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(13)]


def _erfc_fit(z):
    """erfc(z) for z >= 0: Numerical Recipes' Chebyshev fit, relative error < 1.2e-7."""
    t = 1 / (1 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    return t * namespace(poly).exp(poly)


def _erf_series(x):
    x2 = x * x
    total = _ERF_SERIES[-1]
    for c in reversed(_ERF_SERIES[:-1]):
        total = total * x2 + c
    return _TWO_OVER_SQRT_PI * x * total


def _float_array(x):
    """``x`` as an array of its library in a float dtype (integers: the library's default)."""
    xp = namespace(x)
    x = xp.asarray(x)
    if backend.dtype_kind(x.dtype) != "f":
        x = xp.astype(x, backend.default_float(x))
    return xp, x


def erf_array(x):
    """The error function of an array (the standard has none); relative error < 1.2e-7.

    Exact to float64 precision for ``|x| < 0.5`` (series), the Chebyshev fit beyond.
    """
    xp, x = _float_array(x)
    z = xp.abs(x)
    small = z < 0.5
    tail = 1 - _erfc_fit(xp.where(small, 1.0, z))
    return xp.where(small, _erf_series(xp.where(small, x, 0.0)), xp.where(x >= 0, tail, -tail))


def erfc_array(x):
    """``1 - erf(x)`` of an array, without cancellation for large ``x``."""
    xp, x = _float_array(x)
    z = xp.abs(x)
    small = z < 0.5
    fit = _erfc_fit(xp.where(small, 1.0, z))
    return xp.where(small, 1 - _erf_series(xp.where(small, x, 0.0)),
                    xp.where(x >= 0, fit, 2 - fit))


class Square(Function):
    """out = x^2.  d/dx = 2x."""

    op_name = "square"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class Rsqrt(Function):
    """out = 1 / sqrt(x).  d/dx = -out^3 / 2."""

    op_name = "rsqrt"

    @staticmethod
    def forward(ctx, x):
        out = 1 / namespace(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * -0.5 * out * out * out


class Reciprocal(Function):
    """out = 1 / x.  d/dx = -out^2."""

    op_name = "reciprocal"

    @staticmethod
    def forward(ctx, x):
        out = 1 / x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class Log2(Function):
    """out = log2 x.  d/dx = 1 / (x ln 2)."""

    op_name = "log2"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(Function):
    """out = log10 x.  d/dx = 1 / (x ln 10)."""

    op_name = "log10"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


class Exp2(Function):
    """out = 2^x.  d/dx = out ln 2."""

    op_name = "exp2"

    @staticmethod
    def forward(ctx, x):
        out = backend.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * _LN2


class Expm1(Function):
    """out = e^x - 1, accurate for tiny x.  d/dx = out + 1."""

    op_name = "expm1"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class LogAddExp(Function):
    """out = log(e^x + e^y), without overflow.  d/dx = e^(x - out), d/dy = e^(y - out)."""

    op_name = "logaddexp"

    @staticmethod
    def forward(ctx, x, y):
        out = rule_helpers.namespace_of(x, y).logaddexp(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (grad * rule_helpers.exp(x - out) if need_x else None,
                grad * rule_helpers.exp(y - out) if need_y else None)


class Erf(Function):
    """out = erf(x).  d/dx = 2/sqrt(pi) e^(-x^2)."""

    op_name = "erf"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return rule_helpers.cast_like(erf_array(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * rule_helpers.exp(-x * x)


class Erfc(Function):
    """out = erfc(x) = 1 - erf(x).  d/dx = -2/sqrt(pi) e^(-x^2)."""

    op_name = "erfc"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return rule_helpers.cast_like(erfc_array(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * _TWO_OVER_SQRT_PI * rule_helpers.exp(-x * x)


# ------------------------------------------------------------------ public functions
def square(x: Tensor) -> Tensor:
    """Elementwise ``x * x``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``x**2``; the gradient is ``2 x``.

    >>> import graphgrad as gg
    >>> gg.square(gg.tensor([-2.0, 3.0]))
    Tensor([4., 9.], dtype=float32)
    """
    return Square.apply(x)


def rsqrt(x: Tensor) -> Tensor:
    """Elementwise reciprocal square root ``1 / sqrt(x)`` (PyTorch's ``rsqrt``).

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``x**-0.5`` (inf at 0, NaN below); the gradient is ``-x**-1.5 / 2``.

    >>> import graphgrad as gg
    >>> gg.rsqrt(gg.tensor([4.0, 0.25]))
    Tensor([0.5, 2. ], dtype=float32)
    """
    return Rsqrt.apply(x)


def reciprocal(x: Tensor) -> Tensor:
    """Elementwise ``1 / x``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``1 / x``; the gradient is ``-1 / x**2``.

    >>> import graphgrad as gg
    >>> gg.reciprocal(gg.tensor([2.0, -4.0]))
    Tensor([ 0.5 , -0.25], dtype=float32)
    """
    return Reciprocal.apply(x)


def log2(x: Tensor) -> Tensor:
    """Elementwise base-2 logarithm.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``log2(x)`` (-inf at 0, NaN below); the gradient is ``1 / (x ln 2)``.

    >>> import graphgrad as gg
    >>> gg.log2(gg.tensor([1.0, 8.0]))
    Tensor([0., 3.], dtype=float32)
    """
    return Log2.apply(x)


def log10(x: Tensor) -> Tensor:
    """Elementwise base-10 logarithm.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``log10(x)`` (-inf at 0, NaN below); the gradient is ``1 / (x ln 10)``.

    >>> import graphgrad as gg
    >>> gg.log10(gg.tensor([1.0, 100.0])).numpy().round(4)
    array([0., 2.], dtype=float32)
    """
    return Log10.apply(x)


def exp2(x: Tensor) -> Tensor:
    """Elementwise ``2**x``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``2**x``; the gradient is ``2**x ln 2``.

    >>> import graphgrad as gg
    >>> gg.exp2(gg.tensor([0.0, 3.0]))
    Tensor([1., 8.], dtype=float32)
    """
    return Exp2.apply(x)


def expm1(x: Tensor) -> Tensor:
    """Elementwise ``e**x - 1``, accurate for tiny ``x``.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``expm1(x)``; the gradient is ``e**x``.

    >>> import graphgrad as gg
    >>> gg.expm1(gg.tensor([0.0, 1e-10], dtype="float64")).numpy()
    array([0.e+00, 1.e-10])
    """
    return Expm1.apply(x)


def logaddexp(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise ``log(e**x + e**y)`` without overflow (numpy's and PyTorch's name).

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together.

    Returns
    -------
    Tensor
        The gradients are ``e**(x - out)`` and ``e**(y - out)`` (they sum to 1).

    >>> import graphgrad as gg
    >>> gg.logaddexp(gg.tensor([1000.0]), gg.tensor([1000.0])).numpy().round(4)
    array([1000.6932], dtype=float32)
    """
    return LogAddExp.apply(x, y)


def erf(x: Tensor) -> Tensor:
    """Elementwise error function ``2/sqrt(pi) * integral of e**(-t**2)`` from 0 to x.

    Relative error below 1.2e-7 (float32 precision; exact in float64 for ``|x| < 0.5``),
    computed without SciPy.

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``erf(x)`` in ``[-1, 1]``; the gradient is ``2/sqrt(pi) e**(-x**2)``.

    >>> import graphgrad as gg
    >>> gg.erf(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([0.    , 0.8427], dtype=float32)
    """
    return Erf.apply(x)


def erfc(x: Tensor) -> Tensor:
    """Elementwise complementary error function ``1 - erf(x)``, accurate for large ``x``.

    Relative error below 1.2e-7, also in the far tail (``erfc(5)`` is about 1.5e-12).

    Parameters
    ----------
    x : Tensor

    Returns
    -------
    Tensor
        ``erfc(x)`` in ``[0, 2]``; the gradient is ``-2/sqrt(pi) e**(-x**2)``.

    >>> import graphgrad as gg
    >>> gg.erfc(gg.tensor([0.0, 1.0])).numpy().round(4)
    array([1.    , 0.1573], dtype=float32)
    """
    return Erfc.apply(x)
