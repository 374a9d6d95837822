"""Functions that make new leaf tensors (numpy's and PyTorch's names)."""
import numpy as np

from . import random
from .dtypes import check_device
from .errors import DtypeError, named_error
from .tensor import Tensor, _check_can_require_grad

__all__ = ["zeros", "ones", "full", "eye", "arange", "linspace", "rand", "randn", "zeros_like",
    "ones_like", "multinomial"]

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


def zeros(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False, device=None):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    check_device("zeros", device)
    return _leaf(np.zeros(_shape_of(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False, device=None):
    """A tensor of ones."""
    check_device("ones", device)
    return _leaf(np.ones(_shape_of(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=_DEFAULT_DTYPE, requires_grad=False, device=None):
    """A tensor of ``shape`` filled with ``fill_value``."""
    check_device("full", device)
    shape = _shape_of((shape,) if isinstance(shape, (int, np.integer)) else (shape,))
    if isinstance(fill_value, (str, bytes)) or not np.isscalar(fill_value) and np.ndim(fill_value):
        raise DtypeError(f"full: fill_value must be a number, got {fill_value!r}")
    return _leaf(_numpy("full", np.full, shape, fill_value, dtype=dtype), requires_grad, "full")


def eye(n, m=None, dtype=_DEFAULT_DTYPE, requires_grad=False, device=None):
    """The ``n x m`` identity matrix."""
    check_device("eye", device)
    for name, size in (("n", n), ("m", m)):
        if size is not None and (not isinstance(size, (int, np.integer)) or size < 0):
            raise ValueError(f"eye: {name} must be a non-negative integer, got {size!r}")
    return _leaf(np.eye(n, m, dtype=dtype), requires_grad, "eye")


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """Evenly spaced values in ``[start, stop)``; integers stay int64 as in numpy."""
    check_device("arange", device)
    if step == 0:
        raise ValueError("arange: step must not be 0")
    return _leaf(_numpy("arange", np.arange, start, stop, step, dtype=dtype), requires_grad,
                 "arange")


def linspace(start, stop, num=50, dtype=_DEFAULT_DTYPE, requires_grad=False, device=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    check_device("linspace", device)
    if not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative integer, got {num!r}")
    return _leaf(_numpy("linspace", np.linspace, start, stop, num, dtype=dtype), requires_grad,
                 "linspace")


def rand(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False, generator=None, device=None):
    """Uniform samples in ``[0, 1)`` from ``generator`` (default: the library's, seeded)."""
    check_device("rand", device)
    rng = random.resolve(generator, "rand")
    return _leaf(rng.random(_shape_of(shape)).astype(dtype), requires_grad)


def randn(*shape, dtype=_DEFAULT_DTYPE, requires_grad=False, generator=None, device=None):
    """Standard normal samples from ``generator`` (default: the library's, seeded)."""
    check_device("randn", device)
    rng = random.resolve(generator, "randn")
    return _leaf(rng.standard_normal(_shape_of(shape)).astype(dtype), requires_grad)


def zeros_like(x, dtype=None, requires_grad=False, device=None):
    """Zeros with the shape (and dtype, unless given) of ``x``."""
    check_device("zeros_like", device)
    return _leaf(_numpy("zeros_like", np.zeros_like, np.asarray(x), dtype=dtype), requires_grad,
                 "zeros_like")


def ones_like(x, dtype=None, requires_grad=False, device=None):
    """Ones with the shape (and dtype, unless given) of ``x``."""
    check_device("ones_like", device)
    return _leaf(_numpy("ones_like", np.ones_like, np.asarray(x), dtype=dtype), requires_grad,
                 "ones_like")


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """Draw category indices with probabilities proportional to ``input``, as PyTorch's.

    Parameters
    ----------
    input : Tensor or array_like
        Non-negative weights of shape ``(k,)`` or ``(n, k)`` (need not sum to 1).
    num_samples : int
        Draws per row.
    replacement : bool
        Draw with replacement; without it, each row needs ``num_samples`` nonzero weights.
    generator : Generator, optional
        The random stream (default: the library's).

    Returns
    -------
    Tensor of int64, shape ``(num_samples,)`` or ``(n, num_samples)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.multinomial(gg.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    Tensor([1, 1], dtype=int64)
    """
    weights = np.asarray(getattr(input, "data", input), dtype=np.float64)
    if weights.ndim not in (1, 2) or weights.shape[-1] == 0:
        raise ValueError(f"multinomial: input must have shape (k,) or (n, k) with k > 0, got "
                         f"{weights.shape}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) \
            or num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be a positive integer, got "
                         f"{num_samples!r}")
    rows = weights.reshape(-1, weights.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any() or (rows.sum(axis=1) <= 0).any():
        raise ValueError("multinomial: weights must be finite, non-negative, and each row must "
                         "have a positive sum")
    if not replacement and ((rows > 0).sum(axis=1) < num_samples).any():
        raise ValueError(f"multinomial: without replacement every row needs at least "
                         f"{num_samples} nonzero weights; pass replacement=True")
    rng = random.resolve(generator, "multinomial")
    draws = np.stack([rng.choice(rows.shape[1], size=int(num_samples), replace=bool(replacement),
                                 p=row / row.sum()) for row in rows]).astype(np.int64)
    return _leaf(draws.reshape(weights.shape[:-1] + (int(num_samples),)), False, "multinomial")
