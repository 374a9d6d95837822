"""Type aliases for annotating code that uses graphgrad (as ``numpy.typing`` for numpy).

Public: ``from graphgrad.autograd.typing import ArrayLike, Axis, TensorLike``. The
aliases name what the API accepts, so signatures read as their docstrings do::

    def scale(x: TensorLike, axis: Axis = None) -> Tensor: ...

They are for static checkers (mypy) and readers; nothing checks them at run time.
"""
from __future__ import annotations

from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, TypeAlias, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .dtypes import device
    from .scalar import Scalar
    from .tensor import Tensor

__all__ = ["ArrayLike", "TensorLike", "ScalarLike", "Axis", "Shape", "ShapeLike", "IntPair",
           "DTypeLike", "DeviceLike", "Index"]

# NOTE: Tensor, Scalar and device are imported for the type checker only (their modules
# use these aliases: a run-time import would be a cycle), so the aliases naming them use
# Union[...] with the name quoted.

#: What ``gg.tensor`` and ``Tensor(...)`` accept: a number, a (nested) sequence of numbers,
#: a numpy array, or anything with ``__array__`` (a Tensor too).
ArrayLike: TypeAlias = npt.ArrayLike

#: An operand of a Tensor op: a Tensor, or data that becomes a constant (not recorded) one.
TensorLike: TypeAlias = Union["Tensor", npt.ArrayLike]

#: An operand of a Scalar op: a Scalar, or a Python number (an int is accepted as a float).
ScalarLike: TypeAlias = Union["Scalar", float]

#: numpy's ``axis=`` (PyTorch's ``dim=``): one axis, several, or None for all of them.
Axis: TypeAlias = int | tuple[int, ...] | None

#: A tensor's shape, as ``Tensor.shape`` returns it.
Shape: TypeAlias = tuple[int, ...]

#: A shape as the creation functions and ``reshape`` take it: an int or a sequence of ints.
ShapeLike: TypeAlias = int | Sequence[int]

#: A window size, stride, padding or dilation of conv2d and pooling: one int for both
#: spatial axes, or one per axis (height, width).
IntPair: TypeAlias = int | tuple[int, int]

#: A dtype: ``gg.float32``, ``np.float64``, ``"int64"``, a ``np.dtype``, or None (the default).
DTypeLike: TypeAlias = npt.DTypeLike | None

#: A device as ``device=`` takes it: ``"cpu"``, ``"cpu:0"``, a ``gg.device`` or None.
DeviceLike: TypeAlias = Union[str, "device", None]

#: A key of ``Tensor.__getitem__``/``__setitem__``: numpy's basic and advanced indexing.
Index: TypeAlias = Union[int, slice, EllipsisType, None, "Tensor", np.ndarray, Sequence[Any],
                         tuple[Any, ...]]
