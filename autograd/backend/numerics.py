"""Numeric functions numpy has and the standard lacks: floating-point error state,
ufunc accumulation, and elementwise functions (sigmoid, exp2, fmod, round to decimals,
nan_to_num, isclose). numpy runs its own; other libraries compute the same values from the
standard's functions.
"""
from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DeviceError
from .namespaces import default_float, dtype_kind, namespace

if TYPE_CHECKING:
    from typing import Any

__all__ = ["errstate", "accumulate", "sigmoid", "any_true", "exp2", "round_decimals", "fmod",
           "nan_to_num", "isclose"]


def errstate(array: Any, **settings: Any) -> contextlib.AbstractContextManager[Any]:
    """numpy's ``np.errstate(**settings)`` for numpy arrays; nothing for other libraries.

    Rules use it to silence warnings numpy raises for values they handle (``log(0)`` masked
    afterwards); array-api-strict computes with numpy underneath and warns as numpy does,
    so it gets numpy's too; libraries without floating-point error state never warn. A plain
    function returning numpy's own context manager: numpy's path costs what ``np.errstate`` did.

    Examples
    --------
    >>> with errstate(np.zeros(1), divide="ignore"):
    ...     np.log(np.zeros(1))
    array([-inf])
    """
    if namespace(array) is np or type(array).__module__.startswith("array_api_strict"):
        return np.errstate(**settings)
    return contextlib.nullcontext()


def accumulate(name: str, array: Any, axis: int) -> Any:
    """numpy's ``np.<name>.accumulate(array, axis=axis)`` for ``name`` in ``"maximum"``,
    ``"minimum"``, ``"logaddexp"``: the running maximum, minimum or log-sum-exp.

    The standard has ``cumulative_sum`` and ``cumulative_prod`` but no other ufunc's
    ``accumulate``. numpy runs its own; other libraries a scan in ``log2(n)`` steps
    (Hillis-Steele: step ``d`` combines each element with the one ``d`` before it), each
    step one elementwise call of the same function, so NaN propagates as in numpy.

    Examples
    --------
    >>> accumulate("maximum", np.array([1.0, 3.0, 2.0, 5.0]), 0)
    array([1., 3., 3., 5.])
    """
    xp = namespace(array)
    if xp is np:
        return getattr(np, name).accumulate(array, axis=axis)
    combine = getattr(xp, name)
    axis = axis % array.ndim
    length = array.shape[axis]
    out = array
    step = 1
    while step < length:
        head = (slice(None),) * axis + (slice(0, step), ...)
        later = (slice(None),) * axis + (slice(step, None), ...)
        earlier = (slice(None),) * axis + (slice(0, length - step), ...)
        out = xp.concat([out[head], combine(out[later], out[earlier])], axis=axis)
        step *= 2
    return out


def sigmoid(x: Any) -> Any:
    """``1 / (1 + e^-x)`` of an array, accurate in both tails and without overflow warnings.

    Integer and bool arrays give the library's default float (``default_float``). numpy's
    path works in place (four passes, against nine for the two-branch ``e^-|x|`` form).

    Examples
    --------
    >>> sigmoid(np.array([0.0, -1000.0]))
    array([0.5, 0. ])
    """
    xp = namespace(x)
    if xp is np:
        x = np.asarray(x)
        out = np.empty(x.shape, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
        np.negative(x, out=out)
        # NOTE: e^-x overflows to inf only where the true value is below the dtype's
        # smallest number, and 1 / (1 + inf) = 0 is then the right answer.
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)
    if dtype_kind(x.dtype) != "f":
        x = xp.astype(x, default_float(x))
    with errstate(x, over="ignore"):  # e^-x = inf gives 0, the right answer (see above)
        return 1 / (1 + xp.exp(-x))


def any_true(mask: Any) -> bool:
    """True when some element of the boolean array ``mask`` is true (numpy: ``mask.any()``).

    Examples
    --------
    >>> any_true(np.array([False, True])), any_true(np.bool_(False))
    (True, False)
    """
    xp = namespace(mask)
    if xp is np:
        return bool(np.asarray(mask).any())
    return bool(xp.any(mask))


def exp2(x: Any) -> Any:
    """``2**x`` elementwise: numpy's ``exp2``; other libraries (the standard has none) raise
    2.0 to ``x`` in a float dtype (integers: the library's default float).

    Examples
    --------
    >>> exp2(np.array([0.0, 3.0]))
    array([1., 8.])
    """
    xp = namespace(x)
    if xp is np:
        return np.exp2(x)
    if dtype_kind(x.dtype) != "f":
        x = xp.astype(x, default_float(x))
    return 2.0 ** x


def round_decimals(x: Any, decimals: int = 0) -> Any:
    """``x`` rounded to ``decimals`` places, halves to even (numpy's ``round``).

    The standard's ``round`` has no ``decimals``: other libraries scale by ``10**decimals``,
    round and scale back, as numpy does. Integer arrays are returned unchanged for
    ``decimals >= 0``; rounding them to tens (``decimals < 0``) needs numpy.

    Examples
    --------
    >>> round_decimals(np.array([0.125, 2.5]), 2), round_decimals(np.array([15.0]), -1)
    (array([0.12, 2.5 ]), array([20.]))
    """
    xp = namespace(x)
    if xp is np:
        return np.round(x, decimals=decimals)
    if dtype_kind(x.dtype) != "f":
        if decimals < 0:
            raise DeviceError(f"round: decimals={decimals} on integers runs on numpy only; "
                              "move the tensor to 'cpu' first, or round a float tensor")
        return xp.asarray(x, copy=True)
    if decimals == 0:
        return xp.round(x)
    if decimals > 0:
        scale = 10.0 ** decimals
        return xp.round(x * scale) / scale
    scale = 10.0 ** -decimals
    return xp.round(x / scale) * scale


def fmod(x: Any, y: Any) -> Any:
    """C's ``fmod``: the remainder of ``x / y`` with the sign of ``x`` (numpy's ``fmod``).

    Other libraries (the standard has only ``remainder``, Python's ``%``) take the
    remainder of ``|x|`` and ``|y|``, exact as ``fmod`` is, and give it ``x``'s sign.

    Examples
    --------
    >>> fmod(np.array([-7.0, 7.0]), 3.0)
    array([-1.,  1.])
    """
    array = x if hasattr(x, "shape") else y
    xp = namespace(array)
    if xp is np:
        return np.fmod(x, y)
    magnitude = xp.remainder(*(xp.abs(v) if hasattr(v, "shape") else abs(v) for v in (x, y)))
    if not hasattr(x, "shape"):
        return -magnitude if math.copysign(1.0, x) < 0 else magnitude
    if dtype_kind(magnitude.dtype) == "f":
        return xp.copysign(magnitude, x)
    return xp.where(x < 0, -magnitude, magnitude)


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Any:
    """``x`` with NaN, +inf and -inf replaced (numpy's ``nan_to_num``; infinities default to
    the dtype's largest and smallest finite numbers). Non-float arrays come back copied.

    Examples
    --------
    >>> nan_to_num(np.array([np.nan, np.inf, 1.0]), posinf=9.0)
    array([0., 9., 1.])
    """
    xp = namespace(x)
    if xp is np:
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
    if dtype_kind(x.dtype) != "f":
        return xp.asarray(x, copy=True)
    info = xp.finfo(x.dtype)
    out = xp.where(xp.isnan(x), nan, x)
    out = xp.where(xp.isinf(x) & (x > 0), info.max if posinf is None else posinf, out)
    return xp.where(xp.isinf(x) & (x < 0), info.min if neginf is None else neginf, out)


def isclose(x: Any, y: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Any:
    """``|x - y| <= atol + rtol |y|`` elementwise, infinities close only to themselves, NaN
    to NaN when ``equal_nan`` (numpy's ``isclose``, which the standard lacks).

    Examples
    --------
    >>> isclose(np.array([1.0, 1.1, np.inf]), np.array([1.0, 1.0, np.inf]))
    array([ True, False,  True])
    """
    array = x if hasattr(x, "shape") else y
    xp = namespace(array)
    if xp is np:
        return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    dtype = array.dtype if dtype_kind(array.dtype) == "f" else default_float(array)

    def as_float(v: Any) -> Any:
        if not hasattr(v, "shape"):  # a number
            return xp.asarray(v, dtype=dtype, device=array.device)
        return v if dtype_kind(v.dtype) == "f" else xp.astype(v, dtype)

    x, y = as_float(x), as_float(y)
    with errstate(array, invalid="ignore", over="ignore"):
        finite = xp.isfinite(x) & xp.isfinite(y)
        close = xp.where(finite, xp.abs(x - y) <= atol + rtol * xp.abs(y), x == y)
        if equal_nan:
            close = close | (xp.isnan(x) & xp.isnan(y))
    return close
