"""Devices, as ``torch.device``: where a Tensor's array lives and which library computes it.

``"cpu"`` is numpy (the default), ``"cuda"``/``"cuda:1"`` is CuPy on that GPU, and
``"array_api_strict"``/``"array_api_strict:device1"`` is array-api-strict, the standard's
reference implementation on the CPU that refuses anything non-portable (the test suite
runs the ops on it; its ``device1`` refuses silent copies to numpy and ``no_float64`` has
no float64). ``move`` copies an array between devices; nothing else ever does.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from . import backend
from .errors import DeviceError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["device", "is_device", "check_device", "to_device", "device_of", "move",
           "check_same_device"]

_DEVICE = re.compile(r"^([a-z_]+)(?::(\w+))?$")
# PyTorch's device types: recognised (so the error can say "not available" rather than
# "not a device"), computable only where a backend exists
_DEVICE_TYPES = {"cpu", "cuda", "array_api_strict", "mps", "xpu", "xla", "meta", "hip", "hpu",
                 "ipu", "mtia", "vulkan", "privateuseone"}


class device:  # noqa: N801 - PyTorch's name
    """A device, as ``torch.device``: ``"cpu"`` (numpy), ``"cuda:N"`` (CuPy), array-api-strict.

    Parameters
    ----------
    type : str or device
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"array_api_strict"`` or
        ``"array_api_strict:device1"`` (a device of array-api-strict by name).
    index : int or str, optional
        The device's number (or array-api-strict's device name), if not in ``type``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> gg.device("cpu")
    device(type='cpu')
    >>> gg.device("cuda", 1)
    device(type='cuda', index=1)
    """

    __slots__ = ("type", "index")
    type: str
    index: int | str | None

    def __init__(self, type: str | device = "cpu",  # noqa: A002 - PyTorch's name
                 index: int | str | None = None) -> None:
        if isinstance(type, device):
            index = type.index if index is None else index
            type = type.type
        text = str(type)
        match = _DEVICE.match(text)
        if match is None or match.group(1) not in _DEVICE_TYPES:
            raise DeviceError(f"device: {text!r} is not a device name; use 'cpu', 'cuda', "
                              "'cuda:N' or 'array_api_strict'")
        kind, written = match.group(1), match.group(2)
        if kind not in ("cpu", "cuda", "array_api_strict"):
            raise DeviceError(f"device: {text!r} is not available: graphgrad computes with numpy "
                              "on the CPU ('cpu'), CuPy on CUDA GPUs ('cuda') or array-api-strict")
        if written is not None:
            index = written
        if kind != "array_api_strict" and index is not None:
            if not str(index).isdigit():
                raise DeviceError(f"device: the index of a {kind} device is a number, got "
                                  f"{index!r}")
            index = int(index)
        self.type = kind
        self.index = index

    @property
    def backend(self) -> backend.Backend:
        """The array library that computes on this device.

        Examples
        --------
        >>> device("array_api_strict").backend.name
        'array_api_strict'
        """
        return backend.backend_named(self.type)

    @property
    def native(self) -> Any:
        """The library's own device object (``cupy.cuda.Device(1)``, ``"cpu"`` for numpy).

        Examples
        --------
        >>> device("cpu").native
        'cpu'
        """
        return self.backend.native_device(self.index)

    def _key(self) -> tuple[str, Any]:
        if self.type == "cpu":
            return ("cpu", None)  # numpy has one device: cpu and cpu:0 are the same
        if self.type == "cuda":
            return ("cuda", 0 if self.index is None else self.index)
        return (self.type, "CPU_DEVICE" if self.index is None else str(self.index))

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index!r}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except DeviceError:
                return False
        return isinstance(other, device) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


CPU = device("cpu")


def is_device(value: object) -> bool:
    """True for what PyTorch accepts as a device: a device name, a ``device``, an int index.

    Examples
    --------
    >>> is_device("cuda:0"), is_device("float32")
    (True, False)
    """
    if isinstance(value, device) or hasattr(value, "type") and hasattr(value, "index"):
        return True
    if isinstance(value, str):
        match = _DEVICE.match(value)
        return match is not None and match.group(1) in _DEVICE_TYPES
    return False


def to_device(op: str, value: object) -> device | None:
    """``value`` (None, a device name or a ``device``) as a ``device``; errors name ``op``.

    Examples
    --------
    >>> to_device("zeros", "cuda:1"), to_device("zeros", None)
    (device(type='cuda', index=1), None)
    """
    if value is None:
        return None
    if isinstance(value, device):
        return value
    try:
        return device(str(value))
    except DeviceError as exc:
        raise DeviceError(f"{op}: {str(exc).split(': ', 1)[1]}") from None


def check_device(op: str, value: object) -> None:
    """Raise ``DeviceError`` unless ``value`` is None or names a device graphgrad knows.

    Examples
    --------
    >>> check_device("zeros", "cpu")
    >>> try:
    ...     check_device("zeros", "tpu")
    ... except Exception as e:
    ...     print(e)
    zeros: 'tpu' is not a device name; use 'cpu', 'cuda', 'cuda:N' or 'array_api_strict'
    """
    to_device(op, value)


_DEVICES: dict[tuple[str, Any], device] = {}


def device_of(array: Any) -> device:
    """The device an array lives on (``device("cpu")`` for numpy arrays and numbers).

    Examples
    --------
    >>> device_of(np.ones(2))
    device(type='cpu')
    """
    if type(array) is np.ndarray:
        return CPU
    found, native = backend.backend_of(array)
    if found.name == "cpu":
        return CPU
    key = (found.name, found.device_index(native))
    known = _DEVICES.get(key)
    if known is None:
        known = _DEVICES[key] = device(*key)
    return known


def check_same_device(op: str, *arrays: Any) -> None:
    """Raise ``DeviceError`` naming ``op`` and the devices unless ``arrays`` share one device.

    Python numbers, tuples and strings go anywhere; an array only with arrays of its device
    (numpy's are on ``"cpu"``), so nothing is ever copied between devices behind the user.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> check_same_device("add", np.ones(2), 3.0)
    >>> try:
    ...     check_same_device("add", np.ones(2), xps.ones(2))
    ... except Exception as e:
    ...     print(e)
    add: got values on devices 'cpu' and 'array_api_strict:CPU_DEVICE'; move them to one
    device first, e.g. t.to('cpu')
    """
    first = None
    for array in arrays:
        if type(array) is not np.ndarray and not backend.is_foreign_array(array):
            continue  # a number, an index tuple, a string: goes anywhere
        where = device_of(array)
        if first is None:
            first = where
        elif where != first:
            raise DeviceError(f"{op}: got values on devices '{first}' and '{where}'; move them "
                              f"to one device first, e.g. t.to('{first}')")


def move(array: Any, where: device) -> Any:
    """``array`` on device ``where``: itself if it is there already, else a copy.

    Between devices of one library the library's ``to_device`` copies; between libraries
    the data goes through the host (numpy).

    Examples
    --------
    >>> a = np.ones(2)
    >>> move(a, device("cpu")) is a
    True
    """
    source = device_of(array)
    if source == where:
        return array
    target = where.backend
    if source.type == where.type:
        return array.to_device(where.native)
    host = backend.to_host(array)
    if where.type == "cpu":
        return host
    if where.type == "cuda":
        with where.native:
            return target.xp.asarray(host)
    return target.xp.asarray(host, device=where.native)
