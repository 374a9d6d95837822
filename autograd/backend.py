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
from typing import TYPE_CHECKING

import numpy as np

from .errors import DeviceError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType
    from typing import Any

__all__ = ["namespace", "is_numpy", "is_foreign_array", "as_array", "backend_of", "Backend",
           "backend_named", "to_host", "scatter_add", "pad", "errstate", "numpy_dtype",
           "dtype_in", "is_floating", "dtype_kind"]

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
    """
    return type(obj).__module__.split(".", 1)[0] in _FOREIGN_MODULES


def as_array(value: Any) -> Any:
    """An op's result as an array: numpy scalars and Python numbers become 0-d numpy arrays."""
    if type(value) is np.ndarray or is_foreign_array(value):
        return value
    return np.asarray(value)


def is_numpy(array: Any) -> bool:
    """True when ``array`` is computed by numpy (the default backend, fast paths included)."""
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
    """

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self._module = module
        self._xp: Any = None

    @property
    def xp(self) -> ModuleType:
        """The library's array API namespace (imported on first use)."""
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
        """The library's own device object for graphgrad's ``index`` (None: its default)."""
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
        """graphgrad's index for the library's device object ``native`` (inverse of above)."""
        if self.name == "cpu":
            return None
        if self.name == "cuda":
            return int(native.id)
        return getattr(native, "_device", str(native))


_BACKENDS = {"cpu": Backend("cpu", "numpy"), "cuda": Backend("cuda", "array_api_compat.cupy"),
             "array_api_strict": Backend("array_api_strict", "array_api_strict")}


def backend_named(name: str) -> Backend:
    """The backend of device type ``name``; ``DeviceError`` for one graphgrad cannot use."""
    try:
        return _BACKENDS[name]
    except KeyError:
        raise DeviceError(f"device: graphgrad has no backend for {name!r}; it computes on "
                          f"{', '.join(sorted(_BACKENDS))}") from None


def backend_of(array: Any) -> tuple[Backend, Any]:
    """The backend computing ``array`` and the array's native device object."""
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
_KINDS: dict[Any, str] = {}


def dtype_kind(dtype: Any) -> str:
    """numpy's one-letter kind of any library's dtype: ``"f"``, ``"i"``, ``"u"``, ``"b"``, ``"c"``.

    Examples
    --------
    >>> dtype_kind(np.dtype("float32")), dtype_kind(np.int64)
    ('f', 'i')
    """
    kind = _KINDS.get(dtype)
    if kind is None:
        kind = _KINDS[dtype] = numpy_dtype(dtype).kind
    return kind


def is_floating(dtype: Any) -> bool:
    """True for a real floating-point dtype of any library."""
    return dtype_kind(dtype) == "f"


def numpy_dtype(dtype: Any) -> np.dtype:
    """numpy's dtype of the same name as ``dtype`` (the dtype users see: ``Tensor.dtype``)."""
    if isinstance(dtype, np.dtype):
        return dtype
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])  # array_api_strict.float32 -> float32


def dtype_in(xp: ModuleType, dtype: Any) -> Any:
    """The dtype object of namespace ``xp`` named as ``dtype`` (numpy's stays numpy's)."""
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


@contextlib.contextmanager
def errstate(array: Any, **settings: str) -> Iterator[None]:
    """numpy's ``np.errstate(**settings)`` for numpy arrays; nothing for other libraries.

    Rules use it to silence warnings numpy raises for values they handle (``log(0)`` masked
    afterwards); libraries without floating-point error state never warn.
    """
    if namespace(array) is np:
        with np.errstate(**settings):
            yield
    else:
        yield
