"""Which array library computes a value, and dtypes across libraries.

``namespace(x)`` is one dict lookup by the array's type (numpy itself for numpy arrays and
Python numbers), so numpy's path costs what calling ``np.`` directly does. The dtype helpers
translate between numpy's dtypes (the ones users see: ``Tensor.dtype``) and any
library's.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DeviceError

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["namespace", "is_numpy", "is_foreign_array", "as_array", "numpy_dtype", "dtype_in",
           "is_floating", "dtype_kind", "default_float", "is_array",
           "index_dtype"]

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


def is_array(obj: Any) -> bool:
    """True for an array graphgrad computes with: a numpy ``ndarray`` or a device library's.

    Numbers, lists and other libraries' objects (a torch tensor) are not: they are data to
    convert. Modules use it to wrap an array given as a parameter or buffer, on its device.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> is_array(np.ones(2)), is_array(xps.ones(2)), is_array([1.0]), is_array(1.0)
    (True, True, False, False)
    """
    return isinstance(obj, np.ndarray) or is_foreign_array(obj)


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
    found = getattr(xp, "bool" if name == "bool" else name, None)
    if found is None:  # float16, complex256, ...: not in the standard
        raise DeviceError(f"dtype {name}: {xp.__name__.split('.')[0]} has no {name} (the array "
                          f"API standard does not include it); use float32 or float64 there, "
                          f"or compute in {name} on 'cpu' (t.cpu())")
    return found


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


def index_dtype(xp: ModuleType, device: Any) -> Any:
    """The integer dtype of index arrays of namespace ``xp`` on ``device``: the library's
    default ``"indexing"`` dtype there (int64 for numpy; int32 on array-api-strict's
    ``no_x64`` device, which has no 64-bit integers).

    Indices an op computes (gather's positions, the winners of max along a dim) and index
    arrays it builds (``arange`` for a scatter) take this dtype, so they exist on every
    device.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> index_dtype(np, "cpu"), index_dtype(xps, xps.Device("no_x64"))
    (dtype('int64'), array_api_strict.int32)
    """
    if xp is np:
        return _NUMPY_INDEX
    return xp.__array_namespace_info__().default_dtypes(device=device)["indexing"]


_NUMPY_INDEX = np.dtype(np.int64)
