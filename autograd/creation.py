"""Functions that make new leaf tensors (numpy's and PyTorch's names)."""
import numpy as np

from . import random
from .errors import DtypeError, named_error
from .tensor import Tensor, _check_can_require_grad

_DEFAULT_DTYPE = np.float32


def _shape_of(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"shape {tuple(shape)} must hold non-negative integers")
    return tuple(int(n) for n in shape)


def _numpy(op, make, *args, **kwargs):
    """Call numpy's constructor ``make``; its errors name ``op`` (``eye``, ``full``, ...)."""
    try:
        return make(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise named_error(op, exc) from None


def _leaf(array, requires_grad, op="creation"):
    if array.dtype.kind not in "fiub":
        raise DtypeError(f"{op}: tensors hold numbers (float, int or bool), not {array.dtype}")
    if requires_grad:
        _check_can_require_grad(array, "creation")
    result = Tensor._from_op(array, None)
    result.requires_grad = bool(requires_grad)
    return result


def zeros(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _leaf(np.zeros(_shape_of(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """A tensor of ones."""
    return _leaf(np.ones(_shape_of(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """A tensor of ``shape`` filled with ``fill_value``."""
    shape = _shape_of((shape,) if isinstance(shape, (int, np.integer)) else (shape,))
    if isinstance(fill_value, (str, bytes)) or not np.isscalar(fill_value) and np.ndim(fill_value):
        raise DtypeError(f"full: fill_value must be a number, got {fill_value!r}")
    return _leaf(_numpy("full", np.full, shape, fill_value, dtype=dtype), requires_grad, "full")


def eye(n, m=None, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """The ``n x m`` identity matrix."""
    for name, size in (("n", n), ("m", m)):
        if size is not None and (not isinstance(size, (int, np.integer)) or size < 0):
            raise ValueError(f"eye: {name} must be a non-negative integer, got {size!r}")
    return _leaf(np.eye(n, m, dtype=dtype), requires_grad, "eye")


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """Evenly spaced values in ``[start, stop)``; integers stay int64 as in numpy."""
    if step == 0:
        raise ValueError("arange: step must not be 0")
    return _leaf(_numpy("arange", np.arange, start, stop, step, dtype=dtype), requires_grad,
                 "arange")


def linspace(start, stop, num=50, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    if not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative integer, got {num!r}")
    return _leaf(_numpy("linspace", np.linspace, start, stop, num, dtype=dtype), requires_grad,
                 "linspace")


def rand(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """Uniform samples in ``[0, 1)`` from the library's seeded generator."""
    return _leaf(random.generator().random(_shape_of(shape)).astype(dtype), requires_grad)


def randn(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False):
    """Standard normal samples from the library's seeded generator."""
    return _leaf(random.generator().standard_normal(_shape_of(shape)).astype(dtype),
                 requires_grad)


def zeros_like(x, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype, unless given) of ``x``."""
    return _leaf(_numpy("zeros_like", np.zeros_like, np.asarray(x), dtype=dtype), requires_grad,
                 "zeros_like")


def ones_like(x, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype, unless given) of ``x``."""
    return _leaf(_numpy("ones_like", np.ones_like, np.asarray(x), dtype=dtype), requires_grad,
                 "ones_like")
