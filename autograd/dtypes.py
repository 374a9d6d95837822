"""dtype names (PyTorch's and numpy's), and the arguments of ``to``.

The dtype names are numpy's scalar types, so ``gg.float64`` is ``np.float64``
and works wherever a dtype is taken. ``to_arguments`` reads the arguments of
``Tensor.to`` and ``Module.to`` (a dtype, a device, or both).
"""
from __future__ import annotations

import numpy as np

from .devices import check_device, device, is_device, to_device
from .errors import DtypeError
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


def to_dtype(op, value):
    """``value`` (a numpy dtype or type, a dtype name, a Tensor) as a numeric numpy dtype.

    Examples
    --------
    >>> to_dtype("astype", "float64"), to_dtype("astype", np.int32)
    (dtype('float64'), dtype('int32'))
    """
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
        Positional arguments of ``to``: devices, dtypes or a Tensor (its dtype and device).
    dtype, device
        The keyword forms.
    non_blocking, copy
        Accepted as PyTorch's; a copy between devices here always completes before it returns.

    Returns
    -------
    (numpy.dtype or None, device or None) : what was asked for (None: keep it).

    Examples
    --------
    >>> to_arguments("to", "cpu", np.float64)
    (dtype('float64'), device(type='cpu'))
    """
    wanted = None if dtype is None else to_dtype(op, dtype)
    where = to_device(op, device)
    for arg in args:
        if is_device(arg):
            if where is not None and to_device(op, arg) != where:
                raise TypeError(f"{op}: got two devices ({where} and {arg}); pass one")
            where = to_device(op, arg)
            continue
        if is_value(arg) and hasattr(arg, "device"):
            where = arg.device if where is None else where
        if wanted is not None:
            raise TypeError(f"{op}: got two dtypes ({wanted} and {arg!r}); pass one")
        wanted = to_dtype(op, arg)
    return wanted, where
