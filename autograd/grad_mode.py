"""Whether operations are recorded into the graph: ``no_grad`` and friends.

Grad mode and anomaly mode are per thread, as in PyTorch: ``no_grad()`` in one
thread never stops recording in another, and each thread starts with grad
mode on and anomaly mode off.

Hot paths first read ``departed``, a plain module global that counts the
threads whose modes differ from those defaults: while it is 0 (no thread is in
``no_grad`` or ``detect_anomaly``) every thread records and none checks for
anomalies, so the per-thread ``modes`` (a ``threading.local``, several times
slower to read) is consulted only when it is not.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])  # a decorated function keeps its type

__all__ = ["is_grad_enabled", "set_grad_enabled", "no_grad", "enable_grad", "detect_anomaly",
    "is_anomaly_enabled", "record_creation_site", "check_anomaly"]


class _Modes(threading.local):
    """This thread's modes; the class attributes are every new thread's defaults."""

    grad = True
    anomaly = False
    rule_owner = None  # in anomaly mode, the node whose backward rule is running (create_graph)


modes = _Modes()  # NOTE: one object for the process; its attributes are per thread
departed = 0  # threads whose modes are not the defaults (grad on, anomaly off)
_departed_lock = threading.Lock()


def _set_modes(grad, anomaly):
    """Set this thread's modes, keeping ``departed`` exact."""
    global departed
    with _departed_lock:
        was_default = modes.grad and not modes.anomaly
        modes.grad, modes.anomaly = grad, anomaly
        is_default = grad and not anomaly
        if was_default != is_default:
            departed += -1 if is_default else 1


def is_grad_enabled() -> bool:
    """Return True when new operations are being recorded for backward (in this thread).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.is_grad_enabled()
    True
    >>> with gg.no_grad():
    ...     print(gg.is_grad_enabled())
    False
    """
    return modes.grad


class _GradModeContext:
    """Base of the grad-mode switches: a context manager and a decorator."""

    mode = True

    def __enter__(self):
        self.prev = modes.grad
        _set_modes(self.mode, modes.anomaly)
        return self

    def __exit__(self, *exc_info):
        _set_modes(self.prev, modes.anomaly)
        return False

    def __call__(self, fn: F) -> F:
        """Decorate ``fn`` so that every call runs in this mode (``@no_grad()``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> @gg.no_grad()
        ... def predict(x):
        ...     return x * 2
        >>> w = gg.ones(2, requires_grad=True)
        >>> predict(w).requires_grad
        False
        >>> @gg.enable_grad()
        ... def train_step(x):
        ...     return x * 2
        >>> with gg.no_grad():
        ...     print(train_step(w).requires_grad)
        True
        """
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return cast(F, wrapper)


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off; usable as a call, context manager or decorator.

    ``set_grad_enabled(False)`` takes effect at once (in this thread), like
    PyTorch's; as a context manager it restores the previous mode on exit.

    Examples
    --------
    >>> import graphgrad as gg
    >>> w = gg.ones(2, requires_grad=True)
    >>> training = False
    >>> with gg.set_grad_enabled(training):
    ...     y = w * 2
    >>> y.requires_grad
    False
    >>> _ = gg.set_grad_enabled(False)
    >>> gg.is_grad_enabled()
    False
    >>> _ = gg.set_grad_enabled(True)
    >>> gg.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        super().__enter__()

    def __enter__(self):
        return self

    def __call__(self, fn: F) -> F:
        """Decorate ``fn``: ``@set_grad_enabled(False)`` runs every call without recording.

        Examples
        --------
        >>> import graphgrad as gg
        >>> @gg.set_grad_enabled(False)
        ... def evaluate(x):
        ...     return (x * 2).sum()
        >>> evaluate(gg.ones(2, requires_grad=True)).requires_grad
        False
        >>> gg.is_grad_enabled()
        True
        """
        # NOTE: constructing this decorator flipped the thread's flag; undo that.
        self.__exit__(None, None, None)
        return super().__call__(fn)


class no_grad(_GradModeContext):
    """Context manager and decorator that stops operations being recorded.

    Use it for inference and for parameter updates::

        with no_grad():
            w -= lr * w.grad

    Examples
    --------
    >>> import graphgrad as gg
    >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> with gg.no_grad():
    ...     w -= 0.1 * w.grad
    >>> w
    Tensor([0.8, 1.6], dtype=float32, requires_grad=True)
    >>> (w * 2).requires_grad
    True
    >>> with gg.no_grad():
    ...     print((w * 2).requires_grad)
    False
    """

    mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns recording back on inside ``no_grad``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.ones(2, requires_grad=True)
    >>> with gg.no_grad():
    ...     with gg.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    mode = True


# ---------------------------------------------------------------- anomaly mode


class detect_anomaly:
    """Context manager: raise at the first NaN or inf produced by an op.

    The error names the op, its input shapes, whether the value appeared in
    forward or in backward, and the line of user code that created the op.
    Creation sites are recorded only while this mode is on, so the normal
    path pays nothing. Usable as a decorator too. Per thread, like grad mode.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> scale = gg.tensor([1.0, float("inf")])  # a bad value in the data
    >>> with gg.detect_anomaly():
    ...     try:
    ...         y = x * scale
    ...     except gg.AnomalyError as e:
    ...         print(str(e).splitlines()[0])
    mul: inf produced in forward (input shapes: (2,), (2,)).
    """

    def __enter__(self):
        self.prev = modes.anomaly
        _set_modes(modes.grad, True)
        return self

    def __exit__(self, *exc_info):
        _set_modes(modes.grad, self.prev)
        return False

    def __call__(self, fn: F) -> F:
        """Decorate ``fn`` so that every call runs with anomaly detection on.

        Examples
        --------
        >>> import graphgrad as gg
        >>> @gg.detect_anomaly()
        ... def step(x):
        ...     return (x * 2).sum()
        >>> try:
        ...     step(gg.tensor([float("inf")]))
        ... except gg.AnomalyError as e:
        ...     print(str(e).splitlines()[0])
        mul: inf produced in forward (input shapes: (1,)).
        """

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return fn(*args, **kwargs)

        return cast(F, wrapper)


def is_anomaly_enabled() -> bool:
    """Return True inside ``detect_anomaly()`` (in this thread).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.is_anomaly_enabled()
    False
    >>> with gg.detect_anomaly():
    ...     print(gg.is_anomaly_enabled())
    True
    """
    return modes.anomaly


def record_creation_site(node):
    """Remember the first stack frame outside the library that created ``node``."""
    import traceback

    for frame in reversed(traceback.extract_stack()[:-1]):
        if not _is_library_file(frame.filename):
            node.created_at = f'File "{frame.filename}", line {frame.lineno}, in {frame.name}'
            if frame.line:
                node.created_at += f"\n    {frame.line}"
            return
    node.created_at = "an unknown location"


def _is_library_file(filename):
    import os

    library_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.abspath(filename)
    return any(path.startswith(os.path.join(library_root, package) + os.sep)
               for package in ("autograd", "nn", "viz"))


def check_anomaly(node, values, phase):
    """Raise ``AnomalyError`` if ``values`` (one or a tuple) hold NaN or inf."""
    import numpy as np

    from .errors import AnomalyError

    items = values if isinstance(values, tuple) else (values,)
    for item in items:
        if item is None:
            continue
        data = getattr(item, "data", item)
        array = np.asarray(data)
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            shapes = ", ".join(str(getattr(p, "shape", ())) for p in node.parents
                               if hasattr(p, "data"))
            kind = "NaN" if np.isnan(array).any() else "inf"
            where = getattr(node, "created_at", None)
            site = f"\nThe op was created at:\n  {where}" if where else ""
            raise AnomalyError(
                f"{node.name()}: {kind} produced in {phase} (input shapes: {shapes or 'none'})."
                f"{site}")
