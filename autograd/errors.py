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
    "shape_error", "constant_number", "named_error", "AxisError"]

# numpy's AxisError (an IndexError and a ValueError), raised for an axis out of range so that
# numpy users' except clauses keep working on every backend; ops import it from here
AxisError = np.exceptions.AxisError


class AutogradError(Exception):
    """Base class of every error raised by the engine.

    Examples
    --------
    >>> import graphgrad as gg
    >>> try:
    ...     gg.ones(2, 3) @ gg.ones(2, 3)
    ... except gg.AutogradError as e:
    ...     print(type(e).__name__, "-", e)
    ShapeError - matmul: shapes (2, 3) and (2, 3) are not aligned: 3 != 2; the last axis of the
    first must equal the second-to-last axis of the second
    """


class ShapeError(AutogradError, ValueError):
    """Shapes that cannot be combined: broadcasting, matmul, reshape, ...

    Examples
    --------
    >>> import graphgrad as gg
    >>> try:
    ...     gg.ones(3, 4) @ gg.ones(5, 2)
    ... except gg.ShapeError as e:
    ...     print(e)
    matmul: shapes (3, 4) and (5, 2) are not aligned: 4 != 5; the last axis of the first must equal
    the second-to-last axis of the second
    >>> try:
    ...     gg.ones(3) + gg.ones(4)
    ... except ValueError as e:
    ...     print(type(e).__name__)
    ShapeError
    """


class DtypeError(AutogradError, TypeError):
    """A value of the wrong dtype (object, string, integer where float is needed).

    Examples
    --------
    >>> import graphgrad as gg
    >>> try:
    ...     gg.tensor([1, 2], requires_grad=True)
    ... except gg.DtypeError as e:
    ...     print(e)
    tensor: only floating-point tensors can require grad, got dtype int64; convert first, e.g.
    tensor(data, dtype=np.float32, requires_grad=True)
    """


class GradientError(AutogradError, RuntimeError):
    """A gradient cannot be computed as asked (non-scalar root, no grad, ...).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.ones(3, requires_grad=True)
    >>> try:
    ...     (x * 2).backward()
    ... except gg.GradientError as e:
    ...     print(e)
    backward: the gradient can only be implied for a one-element tensor, but this one has shape
    (3,); pass gradient= of that shape (e.g. ones_like(t)) or reduce it first (t.sum())
    """


class GraphFreedError(GradientError):
    """Backward through a graph whose saved values were already freed.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.ones(2, requires_grad=True)
    >>> loss = x.exp().sum()
    >>> loss.backward()
    >>> try:
    ...     loss.backward()
    ... except gg.GraphFreedError as e:
    ...     print(e)
    exp: backward through the graph a second time, but its saved values were freed by the first
    backward; pass retain_graph=True to the first backward() if you need to call it again
    """


class InplaceModificationError(GradientError):
    """A tensor that backward needs was modified in place after it was used.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.ones(2, requires_grad=True)
    >>> h = x * 2
    >>> y = h * h
    >>> h += 1
    >>> try:
    ...     y.sum().backward()
    ... except gg.InplaceModificationError as e:
    ...     print(e)
    mul: an input of shape (2,) was modified in place (version 0 -> 1) after mul used it, so its
    gradient would be wrong; use an out-of-place op (x = x + y instead of x += y) or clone the
    tensor before modifying it
    """


class AnomalyError(AutogradError, FloatingPointError):
    """A NaN or inf appeared while ``detect_anomaly()`` was active.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, float("inf")], requires_grad=True)
    >>> with gg.detect_anomaly():
    ...     try:
    ...         y = x * 0.5 + 1
    ...     except gg.AnomalyError as e:
    ...         print(str(e).splitlines()[0])
    mul: inf produced in forward (input shapes: (2,)).
    """


class SerializationError(AutogradError, ValueError):
    """A file that ``load`` cannot read as one ``save`` (or ``numpy.savez``) wrote.

    Examples
    --------
    >>> import os, tempfile
    >>> import graphgrad as gg
    >>> path = os.path.join(tempfile.mkdtemp(), "broken.pt")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"not a checkpoint")
    >>> try:
    ...     gg.load(path)
    ... except gg.SerializationError as e:
    ...     print(str(e).replace(path, "broken.pt"))
    load: cannot read 'broken.pt' as a graphgrad/.npz file of arrays: it is neither a .npz archive
    nor a .npy array (load reads only what save or numpy.savez wrote, and never unpickles)
    """


class DeviceError(AutogradError, RuntimeError):
    """A device that is missing or not available, or values on two devices in one op.

    Examples
    --------
    >>> import graphgrad as gg
    >>> try:
    ...     gg.device("mps")
    ... except gg.DeviceError as e:
    ...     print(type(e).__name__)
    DeviceError
    """


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
