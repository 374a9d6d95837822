"""The exceptions the engine raises, so users can catch them precisely.

Every message names the op, the shapes involved and what to do about it.
Each class also derives from the builtin exception a numpy user would expect
(``ValueError``, ``RuntimeError``), so ``except ValueError`` keeps working.
"""
import numbers

import numpy as np

from .value import is_value

__all__ = ["AutogradError", "ShapeError", "DtypeError", "GradientError", "GraphFreedError",
    "InplaceModificationError", "AnomalyError", "SerializationError", "DeviceError",
    "shape_error", "constant_number", "named_error"]


class AutogradError(Exception):
    """Base class of every error raised by the engine."""


class ShapeError(AutogradError, ValueError):
    """Shapes that cannot be combined: broadcasting, matmul, reshape, ..."""


class DtypeError(AutogradError, TypeError):
    """A value of the wrong dtype (object, string, integer where float is needed)."""


class GradientError(AutogradError, RuntimeError):
    """A gradient cannot be computed as asked (non-scalar root, no grad, ...)."""


class GraphFreedError(GradientError):
    """Backward through a graph whose saved values were already freed."""


class InplaceModificationError(GradientError):
    """A tensor that backward needs was modified in place after it was used."""


class AnomalyError(AutogradError, FloatingPointError):
    """A NaN or inf appeared while ``detect_anomaly()`` was active."""


class SerializationError(AutogradError, ValueError):
    """A file that ``load`` cannot read as one ``save`` (or ``numpy.savez``) wrote."""


class DeviceError(AutogradError, RuntimeError):
    """A device other than the CPU was asked for (graphgrad computes with numpy)."""


def shape_error(op, *shapes, reason="", hint=""):
    """Build a ``ShapeError`` that names ``op`` and every shape involved."""
    listed = " and ".join(str(tuple(s)) for s in shapes)
    message = f"{op}: shapes {listed} {reason}".rstrip()
    if hint:
        message += f"; {hint}"
    return ShapeError(message)


def constant_number(op, name, value):
    """``value`` as a Python float, or a ``DtypeError`` naming ``op`` and ``name``.

    For arguments that are constants of an op, never differentiated (leaky_relu's
    ``negative_slope``, pad's ``value``): a Tensor there would silently get no
    gradient, so it is refused, as PyTorch refuses it.
    """
    if isinstance(value, numbers.Real):
        return float(value)
    kind = type(value).__name__
    hint = "; it is a constant of the op and gets no gradient: pass float(t) to use its value" \
        if is_value(value) else ""
    raise DtypeError(f"{op}: {name} must be a number, got {kind}{hint}")


_FOREIGN_MODULES = ("builtins", "numpy", "numpy.exceptions", "numpy._core._exceptions")


def named_error(op, exc, values=()):
    """Re-raise-able copy of a numpy/builtin error raised inside ``op``, naming ``op``.

    Errors of the library itself, of user code (custom exception types), and
    messages that already name the op are returned unchanged. A failed
    broadcast becomes a ``ShapeError`` listing every input shape; a type
    mismatch (strings, objects, None) a ``DtypeError``.
    """
    text = str(exc)
    if isinstance(exc, AutogradError) or type(exc).__module__ not in _FOREIGN_MODULES \
            or text.startswith(f"{op}:"):
        return exc
    shapes = [tuple(v.shape) for v in values if hasattr(v, "shape") and hasattr(v, "dtype")]
    if isinstance(exc, ValueError) and "broadcast" in text and shapes:
        return shape_error(op, *shapes, reason="cannot be broadcast together",
                           hint="each axis must match or be 1 (numpy's broadcasting rules)")
    kinds = [f"{type(v).__name__}" if not hasattr(v, "dtype") else f"{v.dtype}" for v in values]
    detail = f" (inputs: {', '.join(kinds)})" if kinds else ""
    message = f"{op}: {text}{detail}"
    if isinstance(exc, TypeError):
        return DtypeError(message)
    for kind in (np.exceptions.AxisError, IndexError, ValueError):
        if isinstance(exc, kind):
            return kind(message)
    return exc
