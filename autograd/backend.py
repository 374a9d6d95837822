"""The array seam: which array library computes a value, and the few things the standard lacks.

graphgrad computes with numpy by default. Any library that implements the Python array API
standard (https://data-apis.org/array-api/) can hold a Tensor's ``.data`` instead: CuPy on a
CUDA GPU (through ``array-api-compat``), ``array-api-strict`` on the CPU (the portability
tests). Gradient rules never name numpy; they ask for the namespace of their input::

    xp = namespace(x)           # numpy for numpy arrays and Python numbers
    return xp.sum(x * y, axis=0)

``namespace`` is one dict lookup by the array's type, so numpy's path stays as fast as
calling ``np.`` directly. What the standard lacks (a scatter-add that accumulates repeated
indices, ``pad``, floating-point error-state control, random numbers on a device, a view
with strides) lives below, as one function each with numpy's fast path first.

Devices (``gg.device("cuda:0")``) are described in ``dtypes.py``; the backend of a device
is found here by its type: ``"cpu"`` is numpy, ``"cuda"`` is CuPy and
``"array_api_strict"`` is the strict reference implementation (devices ``CPU_DEVICE``,
``device1``, ``device2``, ``no_float64``, ``no_x64``).
"""
from __future__ import annotations

import contextlib
import importlib
import math
from typing import TYPE_CHECKING

import numpy as np

from .errors import DeviceError

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["namespace", "is_numpy", "is_foreign_array", "as_array", "backend_of", "Backend",
           "backend_named", "to_host", "scatter_add", "pad", "errstate", "numpy_dtype",
           "dtype_in", "is_floating", "dtype_kind",
           # shims of the ported ops (h19p3) and of nn's layers and optimizers (h19p4)
           "matrix_transpose", "sliding_windows", "einsum", "contiguous", "maximum_into",
           "add_at_columns", "into", "from_host", "is_writable",
           # shims of the structural ops (h19p2)
           "accumulate",
           # shims of the elementwise ops (h19p1)
           "default_float", "sigmoid", "any_true", "exp2", "round_decimals", "fmod",
           "nan_to_num", "isclose"]

# the namespace of each array type seen so far; numpy's types and Python numbers from the start
_NAMESPACES: dict[type, Any] = {t: np for t in (np.ndarray, float, int, bool)}
_NAMESPACES.update((t, np) for t in np.sctypeDict.values())


def namespace(array: Any) -> ModuleType:
    """The array API namespace computing ``array``: numpy for numpy arrays and Python numbers.

    Parameters
    ----------
    array : array or number
        A numpy array or scalar, a Python number, or an array of any library that implements
        the array API standard (``__array_namespace__``, or one ``array-api-compat`` wraps).

    Returns
    -------
    module
        ``numpy`` itself for numpy (numpy 2 implements the standard in its main namespace),
        else the library's standard namespace (``array_api_compat.cupy`` for CuPy).

    Examples
    --------
    >>> import numpy as np
    >>> namespace(np.ones(3)) is np, namespace(2.0) is np
    (True, True)
    """
    try:
        return _NAMESPACES[type(array)]
    except KeyError:
        return _lookup(array)


def _lookup(array: Any) -> ModuleType:
    kind = type(array)
    if isinstance(array, (np.ndarray, np.generic, int, float, complex)):
        found: Any = np
    else:
        try:
            compat = importlib.import_module("array_api_compat")
        except ImportError:
            compat = None
        if compat is not None and compat.is_array_api_obj(array):
            found = compat.array_namespace(array)
        elif hasattr(array, "__array_namespace__"):
            found = array.__array_namespace__()
        else:
            raise TypeError(f"{kind.__name__} is not an array: graphgrad computes with numpy or a "
                            "library implementing the Python array API (CuPy, array-api-strict)")
    _NAMESPACES[kind] = found
    return found


# the libraries graphgrad computes with besides numpy, by the top-level module of their array type
_FOREIGN_MODULES = {"cupy": "cuda", "array_api_strict": "array_api_strict"}


def is_foreign_array(obj: Any) -> bool:
    """True for an array of a library graphgrad computes with other than numpy (CuPy, strict).

    Other array objects (a torch tensor, a list) are data to convert to numpy, as before.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> is_foreign_array(xps.ones(2)), is_foreign_array(np.ones(2)), is_foreign_array([1.0])
    (True, False, False)
    """
    return type(obj).__module__.split(".", 1)[0] in _FOREIGN_MODULES


def as_array(value: Any) -> Any:
    """An op's result as an array: numpy scalars and Python numbers become 0-d numpy arrays.

    Examples
    --------
    >>> as_array(np.float32(2.5))
    array(2.5, dtype=float32)
    """
    if _NAMESPACES.get(type(value)) is np:  # first: numpy's 0-d results are numpy scalars
        return value if type(value) is np.ndarray else np.asarray(value)
    if is_foreign_array(value):
        return value
    return np.asarray(value)


def is_numpy(array: Any) -> bool:
    """True when ``array`` is computed by numpy (the default backend, fast paths included).

    Examples
    --------
    >>> is_numpy(np.ones(2)), is_numpy(1.0)
    (True, True)
    """
    return namespace(array) is np


# ------------------------------------------------------------------ backends and devices
class Backend:
    """One array library graphgrad can compute with, and how to reach its devices.

    Parameters
    ----------
    name : str
        The device type that selects it (``"cpu"``, ``"cuda"``, ``"array_api_strict"``).
    module : str
        The module to import for its namespace.

    Examples
    --------
    >>> backend_named("array_api_strict").xp.__name__
    'array_api_strict'
    """

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self._module = module
        self._xp: Any = None

    @property
    def xp(self) -> ModuleType:
        """The library's array API namespace (imported on first use).

        Examples
        --------
        >>> backend_named("cpu").xp is np
        True
        """
        if self._xp is None:
            try:
                self._xp = importlib.import_module(self._module)
            except ImportError as exc:
                extra = {"cuda": "gpu", "array_api_strict": "test"}.get(self.name, "")
                raise DeviceError(
                    f"device {self.name!r} needs {self._module.split('.')[-1]} ({exc}); install "
                    f"it (pip install 'graphgrad[{extra}]') or use device 'cpu'") from None
        return self._xp

    def native_device(self, index: int | str | None) -> Any:
        """The library's own device object for graphgrad's ``index`` (None: its default).

        Examples
        --------
        >>> backend_named("array_api_strict").native_device("device1")
        array_api_strict.Device('device1')
        """
        if self.name == "cpu":
            return "cpu"
        xp = self.xp
        if self.name == "cuda":
            import cupy  # noqa: PLC0415 - optional, only for CUDA devices
            return cupy.cuda.Device(0 if index is None else int(index))
        info = xp.__array_namespace_info__()
        if index is None:
            return info.default_device()
        for found in info.devices():
            if str(index) in (str(found), getattr(found, "_device", None)):
                return found
        names = ", ".join(str(getattr(d, "_device", d)) for d in info.devices())
        raise DeviceError(f"device: {self.name} has no device {index!r}; it has {names}")

    def device_index(self, native: Any) -> int | str | None:
        """graphgrad's index for the library's device object ``native`` (inverse of above).

        Examples
        --------
        >>> strict = backend_named("array_api_strict")
        >>> strict.device_index(strict.native_device("device1"))
        'device1'
        """
        if self.name == "cpu":
            return None
        if self.name == "cuda":
            return int(native.id)
        return getattr(native, "_device", str(native))


_BACKENDS = {"cpu": Backend("cpu", "numpy"), "cuda": Backend("cuda", "array_api_compat.cupy"),
             "array_api_strict": Backend("array_api_strict", "array_api_strict")}


def backend_named(name: str) -> Backend:
    """The backend of device type ``name``; ``DeviceError`` for one graphgrad cannot use.

    Examples
    --------
    >>> backend_named("cuda").name
    'cuda'
    """
    try:
        return _BACKENDS[name]
    except KeyError:
        raise DeviceError(f"device: graphgrad has no backend for {name!r}; it computes on "
                          f"{', '.join(sorted(_BACKENDS))}") from None


def backend_of(array: Any) -> tuple[Backend, Any]:
    """The backend computing ``array`` and the array's native device object.

    Examples
    --------
    >>> found, native = backend_of(np.ones(2))
    >>> found.name, native
    ('cpu', 'cpu')
    """
    xp = namespace(array)
    if xp is np:
        return _BACKENDS["cpu"], "cpu"
    name = _FOREIGN_MODULES.get(type(array).__module__.split(".", 1)[0], xp.__name__)
    backend = backend_named(name)
    return backend, array.device


def to_host(array: Any) -> np.ndarray:
    """``array`` as a numpy array on the host (a copy unless it already is one).

    Examples
    --------
    >>> to_host(np.arange(3))
    array([0, 1, 2])
    """
    if type(array) is np.ndarray:
        return array
    xp = namespace(array)
    if xp is np:
        return np.asarray(array)
    if hasattr(array, "get"):  # CuPy: the documented device-to-host copy
        return array.get()
    backend, _ = backend_of(array)
    host = xp.asarray(array, device=backend.native_device(None), copy=True)
    return np.asarray(host)


# ------------------------------------------------------------------ dtypes across libraries
_KINDS: dict[tuple[type, Any], str] = {}


def dtype_kind(dtype: Any) -> str:
    """numpy's one-letter kind of any library's dtype: ``"f"``, ``"i"``, ``"u"``, ``"b"``, ``"c"``.

    Examples
    --------
    >>> dtype_kind(np.dtype("float32")), dtype_kind(np.int64)
    ('f', 'i')
    """
    kind = getattr(dtype, "kind", None)  # numpy's dtypes (CuPy's are numpy's) carry it
    if type(kind) is str:
        return kind
    # NOTE: keyed with the type first: a strict dtype compared with a numpy one (in a hash
    # collision) warns, and a warning is an error under the test suite's filters
    key = (type(dtype), dtype)
    kind = _KINDS.get(key)
    if kind is None:
        kind = _KINDS[key] = numpy_dtype(dtype).kind
    return kind


def is_floating(dtype: Any) -> bool:
    """True for a real floating-point dtype of any library.

    Examples
    --------
    >>> is_floating(np.dtype("float16")), is_floating(np.dtype("int64"))
    (True, False)
    """
    return dtype_kind(dtype) == "f"


def numpy_dtype(dtype: Any) -> np.dtype:
    """numpy's dtype of the same name as ``dtype`` (the dtype users see: ``Tensor.dtype``).

    Examples
    --------
    >>> import array_api_strict as xps
    >>> numpy_dtype(xps.float32)
    dtype('float32')
    """
    if isinstance(dtype, np.dtype):
        return dtype
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])  # array_api_strict.float32 -> float32


def dtype_in(xp: ModuleType, dtype: Any) -> Any:
    """The dtype object of namespace ``xp`` named as ``dtype`` (numpy's stays numpy's).

    Examples
    --------
    >>> import array_api_strict as xps
    >>> dtype_in(xps, np.float32)
    array_api_strict.float32
    """
    if xp is np:
        return np.dtype(dtype)
    name = numpy_dtype(dtype).name
    return getattr(xp, "bool" if name == "bool" else name)


# ------------------------------------------------------------------ what the standard lacks
def scatter_add(target: Any, index: Any, values: Any) -> Any:
    """Add ``values`` into ``target`` at ``index`` in place, accumulating repeated indices.

    ``index`` is anything numpy's fancy indexing takes on the first axes (an integer array,
    a tuple of them, a boolean mask). numpy uses ``np.add.at``, CuPy ``cupyx.scatter_add``;
    other libraries get a one-hot matrix product (exact, O(len(target) * len(values))).
    Returns ``target``.

    Examples
    --------
    >>> scatter_add(np.zeros(3), np.array([0, 0, 2]), np.ones(3))
    array([2., 0., 1.])
    """
    xp = namespace(target)
    if xp is np:
        np.add.at(target, index, values)
        return target
    if "cupy" in xp.__name__:
        import cupyx  # noqa: PLC0415 - optional, only for CUDA devices
        cupyx.scatter_add(target, index, values)
        return target
    return _scatter_add_by_matmul(xp, target, index, values)


def _scatter_add_by_matmul(xp, target, index, values):
    # Flatten the indexed leading axes to one linear index, then add one_hot.T @ values.
    index = index if isinstance(index, tuple) else (index,)
    if len(index) == 1 and xp.isdtype(index[0].dtype, "bool"):
        index = tuple(xp.nonzero(index[0]))
    lead = target.shape[:len(index)]
    linear = xp.zeros(index[0].shape, dtype=xp.int64, device=target.device)
    for axis, part in enumerate(index):
        part = xp.astype(part, xp.int64)
        part = xp.where(part < 0, part + lead[axis], part)
        linear = linear * lead[axis] + part
    count = 1
    for size in lead:
        count *= size
    linear = xp.reshape(linear, (-1,))
    rest = target.shape[len(index):]
    values = xp.broadcast_to(xp.asarray(values, dtype=target.dtype, device=target.device),
                             tuple(index[0].shape) + tuple(rest))
    flat_values = xp.reshape(values, (linear.shape[0], -1))
    positions = xp.arange(count, dtype=xp.int64, device=target.device)
    one_hot = xp.astype(positions[:, None] == linear[None, :], target.dtype)
    added = xp.reshape(one_hot @ flat_values, target.shape)
    target[...] = target + added
    return target


def pad(array: Any, widths: tuple[tuple[int, int], ...], value: float = 0.0) -> Any:
    """``array`` padded with ``value``: ``widths`` is one ``(before, after)`` pair per axis.

    Examples
    --------
    >>> pad(np.ones(2), ((1, 2),))
    array([0., 1., 1., 0., 0.])
    """
    xp = namespace(array)
    if xp is np:
        return np.pad(array, widths, constant_values=value)
    shape = tuple(n + before + after for n, (before, after) in zip(array.shape, widths))
    out = xp.full(shape, value, dtype=array.dtype, device=array.device)
    out[tuple(slice(before, before + n) for n, (before, _) in zip(array.shape, widths))] = array
    return out


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


# ---- shims for linear algebra, einsum and conv/pooling windows (h19p3)
def matrix_transpose(array: Any) -> Any:
    """``array`` with its last two axes exchanged (a view where the library can).

    numpy's ``.mT`` attribute costs a tenth of ``np.matrix_transpose`` (0.2 vs 1.9 us, which
    matters in matmul's backward); CuPy has no ``.mT``, so other libraries use the standard's
    function.

    Examples
    --------
    >>> matrix_transpose(np.ones((2, 3))).shape
    (3, 2)
    """
    if type(array) is np.ndarray:
        return array.mT
    return namespace(array).matrix_transpose(array)


def sliding_windows(array: Any, kernel: tuple[int, int], stride: tuple[int, int],
                    dilation: tuple[int, int], out_hw: tuple[int, int]) -> Any:
    """Every window of an (N, C, H, W) array: shape (N, C, Ho, Wo, kh, kw), read only.

    numpy returns a strided view (no copy); other libraries, which have no strided views,
    get one strided slice per kernel offset, stacked (a copy the size of the windows).

    Examples
    --------
    >>> sliding_windows(np.arange(9.0).reshape(1, 1, 3, 3), (2, 2), (1, 1), (1, 1),
    ...                 (2, 2))[0, 0, 1, 1].tolist()
    [[4.0, 5.0], [7.0, 8.0]]
    """
    (kh, kw), (ho, wo) = kernel, out_hw
    if type(array) is np.ndarray:
        sn, sc, sh, sw = array.strides
        shape = array.shape[:2] + (ho, wo, kh, kw)
        strides = (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
        return np.lib.stride_tricks.as_strided(array, shape, strides, writeable=False)
    xp = namespace(array)
    slabs = [array[:, :, a * dilation[0]:a * dilation[0] + stride[0] * (ho - 1) + 1:stride[0],
                   b * dilation[1]:b * dilation[1] + stride[1] * (wo - 1) + 1:stride[1]]
             for a in range(kh) for b in range(kw)]
    return xp.reshape(xp.stack(slabs, axis=-1), tuple(array.shape[:2]) + (ho, wo, kh, kw))


def einsum(terms: tuple[str, ...] | list[str], output: str, *operands: Any) -> Any:
    """``einsum`` of explicit subscripts (no '...', the output written out) on any library.

    numpy and CuPy use their own ``einsum``; libraries without one (array-api-strict: the
    standard has none) contract the operands pairwise with ``matmul`` after permuting and
    reshaping, after taking the diagonals of repeated letters and summing letters only one
    operand has. Size-1 axes broadcast as in numpy.

    Examples
    --------
    >>> einsum(["ij", "jk"], "ik", np.ones((2, 3)), np.ones((3, 4))).shape
    (2, 4)
    """
    xp = namespace(next((v for v in operands if hasattr(v, "shape")), operands[0]))
    if xp is np:
        return np.einsum(",".join(terms) + "->" + output, *operands,
                         optimize=len(operands) > 1)
    native = getattr(xp, "einsum", None)
    if native is not None:
        return native(",".join(terms) + "->" + output, *operands)
    return _einsum_by_matmul(xp, list(terms), output, list(operands))


def _einsum_by_matmul(xp, terms, output, operands):
    items = []
    for i, (term, x) in enumerate(zip(terms, operands)):
        term, x = _diagonals(xp, term, x)
        elsewhere = set(output).union(*(set(t) for j, t in enumerate(terms) if j != i))
        term, x = _sum_letters(xp, term, x, set(term) - elsewhere)
        items.append((term, x))
    term, x = items[0]
    for k in range(1, len(items)):
        keep = set(output).union(*(set(t) for t, _ in items[k + 1:]))
        term, x = _contract_pair(xp, term, x, *items[k], keep)
    return xp.permute_dims(x, tuple(term.index(c) for c in output))


def _diagonals(xp, term, x):
    """Each letter repeated in ``term`` replaced by the diagonal of its axes."""
    while len(set(term)) < len(term):
        c = next(c for c in term if term.count(c) > 1)
        first, second = term.index(c), term.index(c, term.index(c) + 1)
        rest = [k for k in range(len(term)) if k not in (first, second)]
        n = x.shape[first]
        x = xp.permute_dims(x, tuple(rest) + (first, second))
        x = xp.reshape(x, tuple(x.shape[:-2]) + (n * n,))[..., ::n + 1]
        term = "".join(term[k] for k in rest) + c
    return term, x


def _sum_letters(xp, term, x, letters):
    axes = tuple(k for k, c in enumerate(term) if c in letters)
    if not axes:
        return term, x
    return "".join(c for c in term if c not in letters), xp.sum(x, axis=axes)


def _contract_pair(xp, ta, a, tb, b, keep):
    """(letters, array) of the einsum of ``a`` and ``b`` onto the letters in ``keep``."""
    ta, a = _sum_letters(xp, ta, a, set(ta) - set(tb) - keep)
    tb, b = _sum_letters(xp, tb, b, set(tb) - set(ta) - keep)
    shared = [c for c in ta if c in tb]
    summed = [c for c in shared if c not in keep]
    for c in summed:  # a length-1 axis broadcast against a longer one: sum the longer first
        na, nb = a.shape[ta.index(c)], b.shape[tb.index(c)]
        if na != nb and na == 1:
            b = xp.sum(b, axis=tb.index(c), keepdims=True)
        elif na != nb and nb == 1:
            a = xp.sum(a, axis=ta.index(c), keepdims=True)
    batch = [c for c in shared if c in keep]
    only_a = [c for c in ta if c not in tb]
    only_b = [c for c in tb if c not in ta]
    a = xp.permute_dims(a, tuple(ta.index(c) for c in batch + only_a + summed))
    b = xp.permute_dims(b, tuple(tb.index(c) for c in batch + summed + only_b))
    size_a = [a.shape[len(batch) + k] for k in range(len(only_a))]
    size_b = [b.shape[len(batch) + len(summed) + k] for k in range(len(only_b))]
    inner = 1
    for k in range(len(summed)):
        inner *= a.shape[len(batch) + len(only_a) + k]
    a = xp.reshape(a, tuple(a.shape[:len(batch)]) + (_product(size_a), inner))
    b = xp.reshape(b, tuple(b.shape[:len(batch)]) + (inner, _product(size_b)))
    out = a @ b
    out = xp.reshape(out, tuple(out.shape[:len(batch)]) + tuple(size_a) + tuple(size_b))
    return "".join(batch + only_a + only_b), out


def _product(sizes):
    total = 1
    for n in sizes:
        total *= n
    return total


def contiguous(array: Any) -> Any:
    """``array`` in row-major memory order (a copy only if it is not already).

    numpy (and CuPy) keep a permuted view's strides, and elementwise ops on it run slower;
    libraries that choose their own layouts (array-api-strict) return ``array`` as is.

    Examples
    --------
    >>> contiguous(np.ones((2, 3)).T).flags.c_contiguous
    True
    """
    if type(array) is np.ndarray:
        return np.ascontiguousarray(array)
    make = getattr(namespace(array), "ascontiguousarray", None)
    return array if make is None else make(array)


def maximum_into(out: Any, other: Any) -> Any:
    """The elementwise maximum of ``out`` and ``other``, written into ``out`` where the
    library has ``out=`` (numpy, CuPy); a new array elsewhere. Use the result.

    Examples
    --------
    >>> maximum_into(np.array([1.0, 5.0]), np.array([3.0, 2.0]))
    array([3., 5.])
    """
    if type(out) is np.ndarray:
        return np.maximum(out, other, out=out)
    xp = namespace(out)
    if "cupy" in xp.__name__:
        import cupy  # noqa: PLC0415 - optional, only for CUDA devices
        return cupy.maximum(out, other, out=out)
    return xp.maximum(out, other)


def add_at_columns(target: Any, columns: Any, values: Any) -> Any:
    """``target[i, columns[i]] += values[i]`` for every row ``i`` of a 2-D ``target``.

    One entry per row, so no index repeats: numpy and CuPy add in place through integer
    indexing; other libraries (array-api-strict, which cannot assign through integer arrays)
    add a one-hot selection, which gives the same numbers. Use the result.

    Examples
    --------
    >>> add_at_columns(np.zeros((2, 3)), np.array([2, 0]), np.array([1.0, 5.0]))
    array([[0., 0., 1.],
           [5., 0., 0.]])
    """
    xp = namespace(target)
    if xp is np or "cupy" in xp.__name__:
        target[xp.arange(columns.shape[0], device=target.device), columns] += values
        return target
    classes = xp.arange(target.shape[1], dtype=columns.dtype, device=target.device)
    return target + xp.where(columns[:, None] == classes[None, :], values[:, None], 0)


# ---- shims for nn layers, optimizers and host boundaries (h19p4)
def into(out: Any, function: Any, *args: Any) -> Any:
    """``function(*args)`` written into the array ``out`` in place; returns ``out``.

    numpy computes straight into ``out`` (its ``out=`` argument: no temporary array, the
    fast path of the fused recurrent layers and the optimizers); other libraries compute
    the result and assign it (``out[...] = ...``, which the standard allows). ``function``
    is the namespace's function (``xp.multiply``, ``xp.matmul``, ``xp.tanh``, ...).

    Examples
    --------
    >>> out = np.zeros(2)
    >>> into(out, np.add, np.ones(2), 2.0)
    array([3., 3.])
    """
    if type(out) is np.ndarray:
        return function(*args, out=out)
    out[...] = function(*args)
    return out


def from_host(values: Any, like: Any) -> Any:
    """Host (numpy) ``values`` as an array of ``like``'s library, dtype and device.

    The explicit host-to-device copy of values drawn or read on the host (random numbers
    of the seeded Generator, checkpoint arrays); always a new array (never a view of
    ``values``), in ``like``'s dtype.

    Examples
    --------
    >>> from_host([1, 2], np.zeros(2, dtype=np.float32))
    array([1., 2.], dtype=float32)
    """
    dtype = numpy_dtype(like.dtype)
    host = np.array(values, dtype=dtype)
    if type(like) is np.ndarray:
        return host
    xp = namespace(like)
    if "cupy" in xp.__name__:
        with like.device:
            return xp.asarray(host)
    return xp.asarray(host, dtype=dtype_in(xp, dtype), device=like.device)


def is_writable(array: Any) -> bool:
    """False for an array that must not be written in place (numpy's read-only flag).

    numpy arrays a live graph saved are read-only (``readonly.py``); the standard has no
    read-only arrays, so any other library's array is writable (in-place changes of saved
    values are caught by the tensors' version counters instead).

    Examples
    --------
    >>> a = np.ones(2); a.setflags(write=False); is_writable(a)
    False
    """
    if type(array) is np.ndarray:
        return bool(array.flags.writeable)
    return True


# ---- shims for the structural ops: reduce, shape, indexing, search, scan (h19p2)
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


# ---- shims for the elementwise ops (h19p1)
def default_float(array: Any) -> Any:
    """The real floating dtype a non-float ``array`` computes in: its library's default there.

    numpy's is float64; array-api-strict's ``no_float64`` device gives float32.

    Examples
    --------
    >>> default_float(np.arange(3))
    dtype('float64')
    """
    xp = namespace(array)
    if xp is np:
        return np.dtype(np.float64)
    info = xp.__array_namespace_info__()
    return info.default_dtypes(device=array.device)["real floating"]


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
