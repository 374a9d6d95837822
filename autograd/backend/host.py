"""The libraries graphgrad computes with, their devices, and copies between host and device.

A device's type selects a ``Backend``: ``"cpu"`` is numpy, ``"cuda"`` is CuPy and
``"array_api_strict"`` the strict reference implementation (devices ``CPU_DEVICE``,
``device1``, ``device2``, ``no_float64``, ``no_x64``). ``to_host`` and ``from_host`` are the
only explicit copies between numpy and another library.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DeviceError
from .namespaces import _FOREIGN_MODULES, dtype_in, namespace, numpy_dtype

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["Backend", "backend_named", "backend_of", "to_host", "from_host", "is_writable",
           "host_zeros"]


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


def host_zeros(shape: int | tuple[int, ...], dtype: Any) -> np.ndarray:
    """A numpy array of zeros in host memory, for buffers that a host library must fill.

    MPI (``nn.parallel``'s all-reduce) reads and writes host memory only: gradients of
    any device are copied into such buffers (``to_host``), reduced there, and copied
    back (``from_host``). ``dtype`` may be any library's dtype.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> host_zeros(3, xps.float32)
    array([0., 0., 0.], dtype=float32)
    """
    return np.zeros(shape, dtype=numpy_dtype(dtype))
