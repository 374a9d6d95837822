"""Tests and logic: isnan, isinf, isfinite, isclose, logical_and/or/not/xor, any, all,
count_nonzero, and the bitwise operators ``& | ^ << >>`` of integer tensors.

None of these is differentiable: each returns a tensor that does not require grad
(bool for tests and logic, the inputs' integer dtype for bitwise ops).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import backend
from ..backend import namespace
from ..errors import DtypeError, named_error
from . import rule_helpers

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..tensor import Tensor
    from ..typing import Axis

__all__ = ["bitwise", "bitwise_not", "isnan", "isinf", "isfinite", "isclose", "logical_and",
    "logical_or", "logical_xor", "logical_not", "any", "all", "count_nonzero"]


def _apply(op, function: str | Callable, *values, truth=False, **kwargs):
    """``function`` (a name in the values' namespace, or a function of arrays) on the raw
    values; the result is a constant tensor; errors name ``op``. ``truth``: the values as
    truth values first (nonzero is true; the standard's logical functions take bool only).
    """
    raw = [rule_helpers.data_of(v) for v in values]
    try:
        if truth:
            raw = [_truth(r) for r in raw]
        call = getattr(rule_helpers.namespace_of(*raw), function) \
            if isinstance(function, str) else function
        return rule_helpers.constant(call(*raw, **kwargs))
    except (ValueError, TypeError) as exc:
        raise named_error(op, exc, raw) from None


def _truth(data):
    """``data != 0`` as a bool array (a Python number: its truth)."""
    if not hasattr(data, "dtype"):
        return bool(data)
    xp = namespace(data)
    return data if backend.dtype_kind(data.dtype) == "b" else xp.astype(data, xp.bool)


def _dtype_of(value):
    """numpy's dtype of ``value``'s data (of a Python number: the one numpy gives it)."""
    data = rule_helpers.data_of(value)
    return backend.numpy_dtype(data.dtype if hasattr(data, "dtype") else type(data))


def bitwise(op, function, x, y, allow_bool=True):
    """A bitwise operator of integer (or bool) tensors; float tensors are refused.

    ``function`` is the standard's name of the operator (``"bitwise_left_shift"``).
    """
    for value in (x, y):
        dtype = _dtype_of(value)
        if dtype.kind not in ("iub" if allow_bool else "iu"):
            wanted = "integer or bool" if allow_bool else "integer"
            raise DtypeError(
                f"{op}: needs {wanted} tensors, got dtype {dtype}"
                "; for truth values use logical_and/logical_or/logical_xor, for numbers "
                "convert first with .astype(np.int64)")
    return _apply(op, function, x, y)


def bitwise_not(x):
    """``~x``: bitwise not of an integer tensor, logical not of a bool one (no grad)."""
    dtype = _dtype_of(x)
    if dtype.kind not in "iub":
        raise DtypeError(f"invert: needs integer or bool tensors, got dtype {dtype}; for "
                         "truth values use logical_not(x)")
    return _apply("invert", "bitwise_invert", x)


def isnan(x: Tensor) -> Tensor:
    """True where ``x`` is NaN (bool, no grad).

    >>> import graphgrad as gg
    >>> gg.isnan(gg.tensor([1.0, float("nan")]))
    Tensor([False,  True], dtype=bool)
    """
    return _apply("isnan", "isnan", x)


def isinf(x: Tensor) -> Tensor:
    """True where ``x`` is +inf or -inf (bool, no grad).

    >>> import graphgrad as gg
    >>> gg.isinf(gg.tensor([1.0, float("-inf")]))
    Tensor([False,  True], dtype=bool)
    """
    return _apply("isinf", "isinf", x)


def isfinite(x: Tensor) -> Tensor:
    """True where ``x`` is neither NaN nor infinite (bool, no grad).

    >>> import graphgrad as gg
    >>> gg.isfinite(gg.tensor([1.0, float("inf"), float("nan")]))
    Tensor([ True, False, False], dtype=bool)
    """
    return _apply("isfinite", "isfinite", x)


def isclose(x: Tensor, y: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """True where ``|x - y| <= atol + rtol * |y|`` (numpy's and PyTorch's defaults).

    Parameters
    ----------
    x, y : Tensor or number
        Broadcast together.
    rtol, atol : float
        Relative and absolute tolerance (non-negative).
    equal_nan : bool
        Count two NaNs as close.

    Returns
    -------
    Tensor
        bool, no grad.

    >>> import graphgrad as gg
    >>> gg.isclose(gg.tensor([1.0, 1.1]), 1.0)
    Tensor([ True, False], dtype=bool)
    """
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"isclose: rtol and atol must be non-negative, got rtol={rtol!r}, "
                         f"atol={atol!r}")
    return _apply("isclose", backend.isclose, x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)


def logical_and(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise ``x and y`` of truth values (nonzero is true); bool, no grad.

    >>> import graphgrad as gg
    >>> gg.logical_and(gg.tensor([1.0, 0.0, 2.0]), gg.tensor([True, True, False]))
    Tensor([ True, False, False], dtype=bool)
    """
    return _apply("logical_and", "logical_and", x, y, truth=True)


def logical_or(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise ``x or y`` of truth values (nonzero is true); bool, no grad.

    >>> import graphgrad as gg
    >>> gg.logical_or(gg.tensor([1.0, 0.0]), gg.tensor([0.0, 0.0]))
    Tensor([ True, False], dtype=bool)
    """
    return _apply("logical_or", "logical_or", x, y, truth=True)


def logical_xor(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise exclusive or of truth values (nonzero is true); bool, no grad.

    >>> import graphgrad as gg
    >>> gg.logical_xor(gg.tensor([1.0, 1.0]), gg.tensor([0.0, 3.0]))
    Tensor([ True, False], dtype=bool)
    """
    return _apply("logical_xor", "logical_xor", x, y, truth=True)


def logical_not(x: Tensor) -> Tensor:
    """Elementwise ``not x`` (zero is false); bool, no grad.

    >>> import graphgrad as gg
    >>> gg.logical_not(gg.tensor([0.0, 2.0]))
    Tensor([ True, False], dtype=bool)
    """
    return _apply("logical_not", "logical_not", x, truth=True)


def _truth_reduction(op, function, x, axis, keepdims, dim, keepdim, unknown):
    from .keywords import axis_keywords
    from .reduce import normalize_axis_arg
    axis, keepdims = axis_keywords(op, axis, keepdims, dim, keepdim, unknown)
    axis = normalize_axis_arg(axis, len(getattr(rule_helpers.data_of(x), "shape", ())), op)
    return _apply(op, function, x, axis=axis, keepdims=bool(keepdims))


def any(x: Tensor, axis: Axis = None,  # noqa: A001 - numpy's name
        keepdims: bool | None = None, *, dim: Axis = None, keepdim: bool | None = None,
        **unknown: object) -> Tensor:
    """True where some element along ``axis`` (or ``dim``) is nonzero (None: over all);
    bool, no grad.

    >>> import graphgrad as gg
    >>> gg.any(gg.tensor([[0.0, 1.0], [0.0, 0.0]]), axis=1)
    Tensor([ True, False], dtype=bool)
    """
    return _truth_reduction("any", "any", x, axis, keepdims, dim, keepdim, unknown)


def all(x: Tensor, axis: Axis = None,  # noqa: A001 - numpy's name
        keepdims: bool | None = None, *, dim: Axis = None, keepdim: bool | None = None,
        **unknown: object) -> Tensor:
    """True where every element along ``axis`` (or ``dim``) is nonzero (None: over all);
    bool, no grad.

    >>> import graphgrad as gg
    >>> gg.all(gg.tensor([[2.0, 1.0], [0.0, 1.0]]), axis=1)
    Tensor([ True, False], dtype=bool)
    """
    return _truth_reduction("all", "all", x, axis, keepdims, dim, keepdim, unknown)


def count_nonzero(x: Tensor, axis: Axis = None,
                  keepdims: bool | None = None, *, dim: Axis = None,
                  keepdim: bool | None = None, **unknown: object) -> Tensor:
    """Number of nonzero elements along ``axis`` (or ``dim``; None: over all); int64, no
    grad.

    >>> import graphgrad as gg
    >>> gg.count_nonzero(gg.tensor([[0.0, 1.0], [2.0, 3.0]]), axis=1)
    Tensor([1, 2], dtype=int64)
    """
    def count(data, axis, keepdims):
        xp = namespace(data)
        return xp.asarray(xp.count_nonzero(data, axis=axis, keepdims=keepdims), dtype=xp.int64,
                          device=getattr(data, "device", None))
    return _truth_reduction("count_nonzero", count, x, axis, keepdims, dim, keepdim,
                            unknown)
