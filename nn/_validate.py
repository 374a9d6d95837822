"""Argument checks shared by the nn constructors, raised before anything is built.

Each check names the op and the argument, says what is allowed and returns the
value normalised (a Python int, a tuple of ints, a float):

>>> from graphgrad import nn
>>> nn.Conv2d(-3, 8, 3)
Traceback (most recent call last):
    ...
ValueError: Conv2d: in_channels must be an int >= 1, got -3
"""
import math
import numbers
from typing import Any, TypeGuard

import numpy as np


def _is_int(value: object) -> TypeGuard[int | np.integer[Any]]:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def int_at_least(name: str, value: object, op: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum``; ValueError otherwise (floats, strings, NaN too)."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{op}: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def positive_int(name: str, value: object, op: str) -> int:
    return int_at_least(name, value, op, 1)


def non_negative_int(name: str, value: object, op: str) -> int:
    return int_at_least(name, value, op, 0)


def int_tuple(name: str, value: object, op: str, dims: int | None = None,
              minimum: int = 0) -> tuple[int, ...]:
    """``3 -> (3,) * dims``; a tuple/list of ``dims`` ints (any length if None), each >= minimum."""
    if _is_int(value):
        values = (value,) * (dims or 1)
    elif isinstance(value, (tuple, list)) and (dims is None or len(value) == dims):
        values = tuple(value)
    else:
        values = None
    if values is None or not all(_is_int(v) and v >= minimum for v in values):
        count = "ints" if dims is None else f"{dims} ints"
        raise ValueError(f"{op}: {name} must be an int >= {minimum} or a tuple of {count} "
                         f">= {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


def probability(name: str, value: object, op: str) -> float:
    """``value`` as a float in [0, 1]: TypeError for non-numbers, ValueError outside (or NaN)."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be a float between 0 and 1, got {value!r}")
    if not 0.0 <= float(value) <= 1.0:  # NOTE: False for NaN too
        raise ValueError(f"{op}: {name} (a probability) has to be between 0 and 1, got {value!r}")
    return float(value)


def pool_padding(padding: tuple[int, ...], kernel: tuple[int, ...], op: str) -> None:
    """PyTorch's rule for 2-D pooling: padding at most half the kernel (dilation not counted)."""
    if any(pad > k // 2 for pad, k in zip(padding, kernel)):
        raise ValueError(f"{op}: padding should be at most half of kernel size, got "
                         f"padding={padding} and kernel_size={kernel}")


def non_negative_float(name: str, value: object, op: str) -> float:
    """``value`` as a float >= 0 that is not NaN (inf is allowed: no clipping)."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be a non-negative float, got {value!r}")
    if math.isnan(value) or value < 0:
        raise ValueError(f"{op}: {name} must be a non-negative float (not NaN), got {value!r}")
    return float(value)


def shape_of(value: Any) -> tuple[int, ...]:
    """The shape of a Tensor, an array of any library, a number or a nested list.

    >>> shape_of([[1.0, 2.0]]), shape_of(3.0)
    ((1, 2), ())
    """
    shape = getattr(value, "shape", None)
    if shape is None:
        from ..autograd import backend
        shape = backend.as_array(value).shape
    return tuple(shape)
