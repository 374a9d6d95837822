"""Functions that make new leaf tensors (numpy's and PyTorch's names)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import backend, random
from .devices import CPU, device_of, move, to_device
from .errors import DtypeError, named_error
from .tensor import Tensor, _check_can_require_grad

if TYPE_CHECKING:
    from .typing import DeviceLike, DTypeLike, ShapeLike, TensorLike

__all__ = ["zeros", "ones", "full", "eye", "arange", "linspace", "rand", "randn", "zeros_like",
    "ones_like", "full_like", "empty", "empty_like", "randint", "rand_like", "randn_like",
    "normal", "uniform", "tril_indices", "triu_indices", "multinomial"]

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


def _leaf_on(device, array, requires_grad, op="creation"):
    """``_leaf`` on ``device``: made and checked on the host, then copied there."""
    result = _leaf(array, requires_grad, op)
    if device is not None and device != CPU:
        result.data = move(result.data, device)
    return result


def _on_host(value):
    """The numbers of a Tensor (any device), array or number as a numpy array on the host.

    Random numbers are drawn on the host (``random.py``): a distribution's parameters on a
    device are copied here explicitly, and the draws go back to that device.
    """
    data = value.data if isinstance(value, Tensor) else value
    return backend.to_host(backend.as_array(data))


def _parameters_device(*values):
    """The device of the first Tensor among ``values`` (None when all are host values)."""
    for value in values:
        if isinstance(value, Tensor):
            return device_of(value.data)
    return None


def _like_device(op, device, x):
    """The device a ``*_like`` result goes to: ``device`` if given, else ``x``'s (PyTorch's)."""
    where = to_device(op, device)
    if where is None and isinstance(x, Tensor):
        where = device_of(x.data)
    return where


def _template(x):
    """A host array with ``x``'s shape and dtype, for numpy's ``*_like`` (x may be on a GPU)."""
    if isinstance(x, Tensor) and type(x.data) is not np.ndarray:
        return np.broadcast_to(np.zeros((), dtype=x.dtype), x.shape)
    return np.asarray(x)


def zeros(*shape: ShapeLike, dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False,
          device: DeviceLike = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.zeros(2, 3)
    Tensor([[0., 0., 0.],
            [0., 0., 0.]], dtype=float32)
    >>> gg.zeros((2,), dtype=gg.int64)
    Tensor([0, 0], dtype=int64)
    >>> gg.zeros(3, requires_grad=True)
    Tensor([0., 0., 0.], dtype=float32, requires_grad=True)
    """
    device = to_device("zeros", device)
    return _leaf_on(device, np.zeros(_shape_of(shape), dtype=dtype), requires_grad)


def ones(*shape: ShapeLike, dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False,
         device: DeviceLike = None) -> Tensor:
    """A tensor of ones.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.ones(2, 2)
    Tensor([[1., 1.],
            [1., 1.]], dtype=float32)
    >>> gg.ones((3,), dtype=gg.float64)
    Tensor([1., 1., 1.], dtype=float64)
    """
    device = to_device("ones", device)
    return _leaf_on(device, np.ones(_shape_of(shape), dtype=dtype), requires_grad)


def full(shape: ShapeLike, fill_value: float, dtype: DTypeLike | None = None,
         requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value``.

    Without ``dtype``, the fill value decides, as in numpy and PyTorch: a bool gives bool, an
    int int64, a float the default float32.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.full((2, 3), 0.5)
    Tensor([[0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5]], dtype=float32)
    >>> gg.full(3, 7)
    Tensor([7, 7, 7], dtype=int64)
    >>> gg.full(2, 7, dtype=gg.float64)
    Tensor([7., 7.], dtype=float64)
    """
    device = to_device("full", device)
    shape = _shape_of((shape,) if isinstance(shape, (int, np.integer)) else (shape,))
    if isinstance(fill_value, (str, bytes)) or not np.isscalar(fill_value) and np.ndim(fill_value):
        raise DtypeError(f"full: fill_value must be a number, got {fill_value!r}")
    if dtype is None:
        dtype = _dtype_of_fill(fill_value)
    return _leaf_on(device,
                    _numpy("full", np.full, shape, fill_value, dtype=dtype), requires_grad, "full")


def _dtype_of_fill(fill_value) -> np.dtype:
    """numpy's and PyTorch's dtype for ``full`` without one: bool, int64 or the default float."""
    if isinstance(fill_value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(fill_value, (int, np.integer)):
        return np.dtype(np.int64)
    return np.dtype(_DEFAULT_DTYPE)


def eye(n: int, m: int | None = None, dtype: DTypeLike = _DEFAULT_DTYPE,
        requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
    """The ``n x m`` identity matrix.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.eye(3)
    Tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]], dtype=float32)
    >>> gg.eye(2, 3)
    Tensor([[1., 0., 0.],
            [0., 1., 0.]], dtype=float32)
    """
    device = to_device("eye", device)
    for name, size in (("n", n), ("m", m)):
        if size is not None and (not isinstance(size, (int, np.integer)) or size < 0):
            raise ValueError(f"eye: {name} must be a non-negative integer, got {size!r}")
    return _leaf_on(device, np.eye(n, m, dtype=dtype), requires_grad, "eye")


def _number(op, name, value):
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{op}: {name} must be a real number, got {value!r}")
    return value


def arange(start: float, stop: float | None = None, step: float = 1, dtype: DTypeLike = None,
           requires_grad: bool = False, device: DeviceLike = None, *,
           end: float | None = None) -> Tensor:
    """Evenly spaced values in ``[start, stop)``: numpy's ``arange`` and PyTorch's.

    Parameters
    ----------
    start, stop, step : numbers
        ``arange(n)`` is ``0 .. n-1``; PyTorch's ``end=`` is accepted for ``stop``.
    dtype : numpy dtype, optional
        Default: int64 when every argument is an integer, else float32 (the library's
        float default, as PyTorch; numpy would give float64).
    requires_grad : bool
    device : "cpu" or None

    Returns
    -------
    Tensor

    >>> import graphgrad as gg
    >>> gg.arange(1, 7, 2)
    Tensor([1, 3, 5], dtype=int64)
    >>> gg.arange(0, end=1, step=0.25)
    Tensor([0.  , 0.25, 0.5 , 0.75], dtype=float32)
    """
    device = to_device("arange", device)
    if end is not None:
        if stop is not None:
            raise TypeError("arange: give stop= (numpy) or end= (PyTorch), not both")
        stop = end
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if value is not None:
            _number("arange", name, value)
    if step == 0:
        raise ValueError("arange: step must not be 0")
    if dtype is None and any(isinstance(v, (float, np.floating)) for v in (start, stop, step)):
        dtype = _DEFAULT_DTYPE
    return _leaf_on(device,
                    _numpy("arange", np.arange, start, stop, step, dtype=dtype), requires_grad,
                    "arange")


def linspace(start: float, stop: float | None = None, num: int | None = None,
             endpoint: bool = True, dtype: DTypeLike = _DEFAULT_DTYPE,
             requires_grad: bool = False, device: DeviceLike = None, *,
             end: float | None = None, steps: int | None = None) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``: numpy's and PyTorch's forms.

    Parameters
    ----------
    start, stop : numbers
        PyTorch's ``end=`` is accepted for ``stop``.
    num : int
        How many values (default 50, as numpy); PyTorch's ``steps=`` is accepted.
    endpoint : bool
        Include ``stop`` (numpy's option; default True, as both).
    dtype : numpy dtype
        Default float32.
    requires_grad : bool

    Returns
    -------
    Tensor

    >>> import graphgrad as gg
    >>> gg.linspace(0, 1, 5)
    Tensor([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    >>> gg.linspace(0, end=1, steps=3)
    Tensor([0. , 0.5, 1. ], dtype=float32)
    """
    device = to_device("linspace", device)
    if end is not None and stop is not None or steps is not None and num is not None:
        raise TypeError("linspace: give stop=/num= (numpy) or end=/steps= (PyTorch), not both")
    stop = end if stop is None else stop
    num = (50 if steps is None else steps) if num is None else num
    if stop is None:
        raise TypeError("linspace: missing the end point: linspace(start, stop, num)")
    _number("linspace", "start", start)
    _number("linspace", "stop", stop)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative integer, got {num!r}")
    return _leaf_on(device, _numpy("linspace", np.linspace, start, stop, num, endpoint=endpoint,
                        dtype=dtype), requires_grad, "linspace")


def rand(*shape: ShapeLike, dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False,
         generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Uniform samples in ``[0, 1)`` from ``generator`` (default: the library's, seeded).

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.manual_seed(0)
    >>> x = gg.rand(2, 3)
    >>> x.shape, x.dtype
    ((2, 3), dtype('float32'))
    >>> bool((x >= 0).all() and (x < 1).all())
    True
    >>> gg.manual_seed(0)
    >>> bool((gg.rand(2, 3) == x).all())
    True
    """
    device = to_device("rand", device)
    rng = random.resolve(generator, "rand")
    return _leaf_on(device, rng.random(_shape_of(shape)).astype(dtype), requires_grad)


def randn(*shape: ShapeLike, dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False,
          generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Standard normal samples from ``generator`` (default: the library's, seeded).

    Examples
    --------
    >>> import graphgrad as gg
    >>> w = gg.randn(10000, generator=gg.Generator().manual_seed(0))
    >>> round(float(w.mean()), 1), round(float(w.std(ddof=0)), 1)
    (0.0, 1.0)
    >>> gg.randn(2, 3, dtype=gg.float64, requires_grad=True).shape
    (2, 3)
    """
    device = to_device("randn", device)
    rng = random.resolve(generator, "randn")
    return _leaf_on(device, rng.standard_normal(_shape_of(shape)).astype(dtype), requires_grad)


def zeros_like(x: Tensor, dtype: DTypeLike = None, requires_grad: bool = False,
               device: DeviceLike = None) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of ``x``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([[1, 2, 3]])
    >>> gg.zeros_like(x)
    Tensor([[0, 0, 0]], dtype=int64)
    >>> gg.zeros_like(x, dtype=gg.float32)
    Tensor([[0., 0., 0.]], dtype=float32)
    """
    device = _like_device("zeros_like", device, x)
    return _leaf_on(device,
                    _numpy("zeros_like", np.zeros_like, _template(x), dtype=dtype), requires_grad,
                    "zeros_like")


def ones_like(x: Tensor, dtype: DTypeLike = None, requires_grad: bool = False,
              device: DeviceLike = None) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``x``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> w = gg.randn(2, 2, dtype=gg.float64)
    >>> gg.ones_like(w)
    Tensor([[1., 1.],
            [1., 1.]], dtype=float64)
    """
    device = _like_device("ones_like", device, x)
    return _leaf_on(device,
                    _numpy("ones_like", np.ones_like, _template(x), dtype=dtype), requires_grad,
                    "ones_like")


def multinomial(input: TensorLike, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: np.random.Generator | None = None) -> Tensor:
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
    Tensor of int64, shape ``(num_samples,)`` or ``(n, num_samples)``, on ``input``'s
    device (drawn on the host from a copy of the weights, as every random number).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.multinomial(gg.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    Tensor([1, 1], dtype=int64)
    """
    weights = np.asarray(_on_host(input), dtype=np.float64)
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
    return _leaf_on(_parameters_device(input),
                    draws.reshape(weights.shape[:-1] + (int(num_samples),)), False, "multinomial")


def full_like(x: Tensor, fill_value: float, dtype: DTypeLike = None, requires_grad: bool = False,
              device: DeviceLike = None) -> Tensor:
    """``fill_value`` with the shape (and dtype, unless given) of ``x``.

    >>> import graphgrad as gg
    >>> gg.full_like(gg.zeros(2), 7.0)
    Tensor([7., 7.], dtype=float32)
    """
    device = _like_device("full_like", device, x)
    if isinstance(fill_value, (str, bytes)) or not np.isscalar(fill_value) and np.ndim(fill_value):
        raise DtypeError(f"full_like: fill_value must be a number, got {fill_value!r}")
    return _leaf_on(device,
                    _numpy("full_like", np.full_like, _template(x), fill_value, dtype=dtype),
                    requires_grad, "full_like")


def empty(*shape: ShapeLike, dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False,
          device: DeviceLike = None) -> Tensor:
    """A tensor of ``shape`` whose values are arbitrary (numpy's and PyTorch's ``empty``).

    >>> import graphgrad as gg
    >>> gg.empty(2, 3).shape
    (2, 3)
    """
    device = to_device("empty", device)
    return _leaf_on(device, _numpy("empty", np.empty, _shape_of(shape), dtype=dtype), requires_grad,
                 "empty")


def empty_like(x: Tensor, dtype: DTypeLike = None, requires_grad: bool = False,
               device: DeviceLike = None) -> Tensor:
    """An uninitialised tensor with the shape (and dtype, unless given) of ``x``.

    >>> import graphgrad as gg
    >>> gg.empty_like(gg.zeros(4)).shape
    (4,)
    """
    device = _like_device("empty_like", device, x)
    return _leaf_on(device,
                    _numpy("empty_like", np.empty_like, _template(x), dtype=dtype), requires_grad,
                    "empty_like")


def _size_of(op, size):
    """A ``size=`` argument (None, an int or a sequence of ints) as a shape tuple."""
    if size is None:
        return ()
    try:
        return _shape_of((size,) if isinstance(size, (int, np.integer)) else tuple(size))
    except (TypeError, ValueError):
        raise ValueError(f"{op}: size must be a non-negative int or a tuple of them, "
                         f"got {size!r}") from None


def randint(low: int, high: int | None = None, size: ShapeLike | None = None,
            dtype: DTypeLike = np.int64, requires_grad: bool = False, *,
            generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Uniform random integers in ``[low, high)`` from the library's seeded generator.

    Both argument forms work: numpy's ``randint(high)``, ``randint(low, high, size)``,
    and PyTorch's ``randint(high, size)`` (a tuple second argument is the size, with
    ``low = 0``) and ``randint(low, high, size)``.

    ``generator=`` picks the random stream (default: the library's, seeded).

    Returns
    -------
    Tensor
        int64 by default; no grad.

    >>> import graphgrad as gg
    >>> gg.manual_seed(0)
    >>> gg.randint(0, 10, (2, 3)).shape
    (2, 3)
    >>> gg.randint(5, (4,)).dtype
    dtype('int64')
    """
    device = to_device("randint", device)
    if isinstance(high, (tuple, list)) and size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"randint: {name} must be an int, got {value!r}")
    if high <= low:
        raise ValueError(f"randint: high must be larger than low, got low={low}, high={high}")
    rng = random.resolve(generator, "randint")
    values = rng.integers(low, high, size=_size_of("randint", size), dtype=dtype)
    return _leaf_on(device, np.asarray(values), requires_grad, "randint")


def rand_like(x: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, *,
              generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Uniform samples in ``[0, 1)`` with the shape (and dtype, unless given) of ``x``.

    >>> import graphgrad as gg
    >>> gg.rand_like(gg.zeros((2, 2))).shape
    (2, 2)
    """
    device = _like_device("rand_like", device, x)
    data = _template(x)
    dtype = np.dtype(data.dtype if dtype is None else dtype)
    if dtype.kind != "f":
        raise DtypeError(f"rand_like: needs a float dtype, got {dtype}; pass dtype=np.float32")
    rng = random.resolve(generator, "rand_like")
    return _leaf_on(device, rng.random(data.shape).astype(dtype), requires_grad, "rand_like")


def randn_like(x: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, *,
               generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Standard normal samples with the shape (and dtype, unless given) of ``x``.

    >>> import graphgrad as gg
    >>> gg.randn_like(gg.zeros(3)).shape
    (3,)
    """
    device = _like_device("randn_like", device, x)
    data = _template(x)
    dtype = np.dtype(data.dtype if dtype is None else dtype)
    if dtype.kind != "f":
        raise DtypeError(f"randn_like: needs a float dtype, got {dtype}; pass dtype=np.float32")
    rng = random.resolve(generator, "randn_like")
    return _leaf_on(device,
                    rng.standard_normal(data.shape).astype(dtype), requires_grad, "randn_like")


def _distribution(op, method, first, second, size, dtype, requires_grad, generator, device):
    device = to_device(op, device) or _parameters_device(first, second)
    draw = getattr(random.resolve(generator, op), method)
    a, b = (_on_host(v) for v in (first, second))
    if a.dtype.kind not in "fiu" or b.dtype.kind not in "fiu":
        raise TypeError(f"{op}: parameters must be numbers or tensors of numbers, got "
                        f"{first!r} and {second!r}")
    shape = _size_of(op, size) if size is not None else np.broadcast_shapes(a.shape, b.shape)
    return _leaf_on(device, np.asarray(draw(a, b, shape)).astype(dtype), requires_grad, op)


def normal(mean: TensorLike = 0.0, std: TensorLike = 1.0, size: ShapeLike | None = None,
           dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False, *,
           generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Normal samples with ``mean`` and standard deviation ``std`` (numbers or tensors,
    broadcast; numpy's ``loc``/``scale`` and PyTorch's ``mean``/``std`` in that order).

    ``size`` gives the shape; by default it is the broadcast shape of ``mean`` and ``std``.

    >>> import graphgrad as gg
    >>> gg.normal(2.0, 0.5, size=(3,)).shape
    (3,)
    """
    if np.any(_on_host(std) < 0):
        raise ValueError(f"normal: std must be non-negative, got {std!r}")
    return _distribution("normal", "normal", mean, std, size, dtype, requires_grad, generator,
                         device)


def uniform(low: TensorLike = 0.0, high: TensorLike = 1.0, size: ShapeLike | None = None,
            dtype: DTypeLike = _DEFAULT_DTYPE, requires_grad: bool = False, *,
            generator: np.random.Generator | None = None, device: DeviceLike = None) -> Tensor:
    """Uniform samples in ``[low, high)`` (numbers or tensors, broadcast), as numpy's.

    >>> import graphgrad as gg
    >>> bool(((gg.uniform(-1, 1, size=100) >= -1) & (gg.uniform(-1, 1, size=100) < 1)).all())
    True
    """
    return _distribution("uniform", "uniform", low, high, size, dtype, requires_grad,
                         generator, device)


def _triangle_indices(op, keep, row, col, offset, k, m):
    if (k is not None or m is not None) and (col is not None or offset != 0):
        raise TypeError(f"{op}: give col=/offset= (PyTorch) or k=/m= (numpy), not both")
    col = m if col is None else col
    offset = k if k is not None else offset
    col = row if col is None else col
    for name, value in (("row", row), ("col", col), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    if row < 0 or col < 0:
        raise ValueError(f"{op}: row and col must be non-negative, got {row} and {col}")
    rows, cols = np.nonzero(keep(np.ones((row, col), dtype=bool), offset))
    return (_leaf(rows.astype(np.int64), False, op), _leaf(cols.astype(np.int64), False, op))


def tril_indices(row: int, *, col: int | None = None, offset: int = 0, k: int | None = None,
                 m: int | None = None) -> tuple[Tensor, Tensor]:
    """Row and column indices of the lower triangle of a ``row x col`` matrix.

    Only ``row`` is positional: ``tril_indices(3, 1)`` means ``k=1`` in numpy but
    ``col=1`` in PyTorch, so the others are keywords, in either library's names
    (``col``/``offset`` or ``m``/``k``). Returns a tuple of two int64 tensors (numpy's
    form, which indexes directly: ``x[gg.tril_indices(3)]``); PyTorch returns them
    stacked, ``gg.stack(gg.tril_indices(3))``.

    >>> import graphgrad as gg
    >>> rows, cols = gg.tril_indices(3)
    >>> rows, cols
    (Tensor([0, 1, 1, 2, 2, 2], dtype=int64), Tensor([0, 0, 1, 0, 1, 2], dtype=int64))
    """
    return _triangle_indices("tril_indices", np.tril, row, col, offset, k, m)


def triu_indices(row: int, *, col: int | None = None, offset: int = 0, k: int | None = None,
                 m: int | None = None) -> tuple[Tensor, Tensor]:
    """Row and column indices of the upper triangle of a ``row x col`` matrix.

    Keywords as ``tril_indices`` (``col``/``offset`` or numpy's ``m``/``k``).

    >>> import graphgrad as gg
    >>> gg.triu_indices(3, offset=1)
    (Tensor([0, 0, 1], dtype=int64), Tensor([1, 2, 2], dtype=int64))
    """
    return _triangle_indices("triu_indices", np.triu, row, col, offset, k, m)
