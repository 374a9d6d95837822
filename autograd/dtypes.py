"""dtype names (PyTorch's and numpy's) and the one device there is, the CPU.

The dtype names are numpy's scalar types, so ``gg.float64`` is ``np.float64``
and works wherever a dtype is taken. ``to_arguments`` reads the arguments of
``Tensor.to`` and ``Module.to`` (a dtype, a device, or both).
"""
from __future__ import annotations

import re

import numpy as np

from .errors import DeviceError, DtypeError
from .value import is_value

__all__ = ["float16", "half", "float32", "float64", "double", "int8", "int16", "short", "int32",
           "int64", "long", "uint8", "bool_", "device", "is_device", "check_device", "to_dtype",
           "to_arguments"]

float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int8 = np.int8
int16 = short = np.int16
int32 = np.int32
int64 = long = np.int64
uint8 = np.uint8
bool_ = np.bool_

# NOTE: PyTorch's torch.float, torch.int and torch.bool would shadow Python's builtins
# in a star import, so graphgrad serves them on attribute access only (gg.float).
BUILTIN_NAMED = {"float": np.float32, "int": np.int32, "bool": np.bool_}

NAMES = ["float16", "half", "float32", "float64", "double", "int8", "int16", "short", "int32",
         "int64", "long", "uint8", "bool_"]

_DEVICE = re.compile(r"^([a-z_]+)(?::(\d+))?$")
_DEVICE_TYPES = {"cpu", "cuda", "mps", "xpu", "xla", "meta", "hip", "hpu", "ipu", "mtia",
                 "vulkan", "privateuseone"}


class device:  # noqa: N801 - PyTorch's name
    """A device, as ``torch.device``; graphgrad computes with numpy, so only ``"cpu"`` exists.

    Parameters
    ----------
    type : str or device
        ``"cpu"`` or ``"cpu:0"`` (anything else raises ``DeviceError``).
    index : int, optional

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.device("cpu")
    device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu",  # noqa: A002 - PyTorch's name
                 index: int | None = None) -> None:
        text = str(type)
        match = _DEVICE.match(text)
        if match is None or match.group(1) not in _DEVICE_TYPES:
            raise DeviceError(f"device: {text!r} is not a device name; graphgrad runs on 'cpu'")
        if match.group(1) != "cpu":
            raise DeviceError(f"device: {text!r} is not available: graphgrad computes with numpy "
                              "on the CPU; use 'cpu' or leave the device out")
        self.type = "cpu"
        self.index = index if match.group(2) is None else int(match.group(2))

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='cpu'{index})"

    def __str__(self):
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other):
        return isinstance(other, (device, str)) and str(other).split(":")[0] == "cpu"

    def __hash__(self):
        return hash("cpu")


def is_device(value):
    """True for what PyTorch accepts as a device: a device name, a ``device``, an int index."""
    if isinstance(value, device) or hasattr(value, "type") and hasattr(value, "index"):
        return True
    if isinstance(value, str):
        match = _DEVICE.match(value)
        return match is not None and match.group(1) in _DEVICE_TYPES
    return False


def check_device(op, value):
    """Raise ``DeviceError`` unless ``value`` is None or names the CPU."""
    if value is None:
        return
    try:
        device(str(value))
    except DeviceError as exc:
        raise DeviceError(f"{op}: {str(exc).split(': ', 1)[1]}") from None


def to_dtype(op, value):
    """``value`` (a numpy dtype or type, a dtype name, a Tensor) as a numeric numpy dtype."""
    if is_value(value) and hasattr(value, "dtype"):
        value = value.dtype
    try:
        dtype = np.dtype(value)
    except TypeError as exc:
        raise DtypeError(f"{op}: {exc}; pass a dtype such as gg.float64 or a device such as "
                         "'cpu'") from None
    if dtype.kind not in "fiub":
        raise DtypeError(f"{op}: tensors hold numbers (float, int or bool), not {dtype}")
    return dtype


def to_arguments(op, *args, dtype=None, device=None, non_blocking=False, copy=False):
    """Read PyTorch's ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)``.

    Parameters
    ----------
    op : str
        The caller's name, for messages.
    args
        Positional arguments of ``to``: devices, dtypes or a Tensor (its dtype).
    dtype, device
        The keyword forms.
    non_blocking, copy
        Accepted as PyTorch's; there is nothing to overlap on the CPU.

    Returns
    -------
    numpy.dtype or None : the dtype asked for (None: keep it).

    Example
    -------
    >>> to_arguments("to", "cpu", np.float64)
    dtype('float64')
    """
    wanted = None if dtype is None else to_dtype(op, dtype)
    check_device(op, device)
    for arg in args:
        if is_device(arg):
            check_device(op, arg)
            continue
        if wanted is not None:
            raise TypeError(f"{op}: got two dtypes ({wanted} and {arg!r}); pass one")
        wanted = to_dtype(op, arg)
    return wanted
