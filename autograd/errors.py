"""The exceptions the engine raises, so users can catch them precisely.

Every message names the op, the shapes involved and what to do about it.
Each class also derives from the builtin exception a numpy user would expect
(``ValueError``, ``RuntimeError``), so ``except ValueError`` keeps working.
"""


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


def shape_error(op, *shapes, reason="", hint=""):
    """Build a ``ShapeError`` that names ``op`` and every shape involved."""
    listed = " and ".join(str(tuple(s)) for s in shapes)
    message = f"{op}: shapes {listed} {reason}".rstrip()
    if hint:
        message += f"; {hint}"
    return ShapeError(message)
