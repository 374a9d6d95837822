# mypy: disable-error-code="misc"
# NOTE: a mixin of Tensor: its methods declare self: Tensor (they exist only as Tensor's),
# which mypy reports as misc ("erased type of self is not a supertype of its class").
"""Tensor methods under PyTorch's names: conversions, devices, and short aliases.

A mixin of ``Tensor`` kept apart from ``tensor_methods.py`` (numpy's names)
so each file stays short. Each method is a delegation to an op or a numpy
call; none holds math of its own.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import dtypes
from .devices import device_of
from .errors import ShapeError
from .ops import elementwise as E
from .ops import shape as S
from .ops.transfer import ToDevice

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .tensor import Tensor
    from .typing import DeviceLike, DTypeLike, ShapeLike, TensorLike

__all__ = ["TorchMethods"]

_TYPE_NAMES = {"float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
               "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor",
               "int64": "LongTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class TorchMethods:
    """PyTorch's Tensor methods that numpy spells otherwise (``x.long()``, ``x.to("cpu")``)."""

    __slots__ = ()

    # ------------------------------------------------------------ comparisons and math
    def eq(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise ``self == other`` (bool, no grad)."""
        return self == other

    def ne(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise ``self != other`` (bool, no grad)."""
        return self != other

    def pow(self: Tensor, exponent: TensorLike) -> Tensor:
        """``self ** exponent``."""
        return E.Pow.apply(self, exponent)

    def clamp(self: Tensor, min: TensorLike | None = None,  # noqa: A002 - PyTorch's names
              max: TensorLike | None = None) -> Tensor:
        """Limit values to ``[min, max]`` (numpy's ``clip``)."""
        return E.clip(self, min, max)

    # ------------------------------------------------------------ shape
    def mm(self: Tensor, other: Tensor) -> Tensor:
        """Matrix product of two 2-D tensors (PyTorch's ``mm``; ``@`` for any shape)."""
        if self.ndim != 2 or getattr(other, "ndim", 0) != 2:
            raise ShapeError(f"mm: expects two 2-D tensors, got shapes {self.shape} and "
                             f"{getattr(other, 'shape', ())}; use @ (matmul) for other shapes")
        return self @ other

    def view_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other.shape``."""
        return S.reshape(self, other.shape)

    def reshape_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other.shape``."""
        return S.reshape(self, other.shape)

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor broadcast to ``other.shape``."""
        return S.broadcast_to(self, other.shape)

    def t(self: Tensor) -> Tensor:
        """Transpose of a tensor of at most 2 axes (PyTorch's ``t()``)."""
        if self.ndim > 2:
            raise ShapeError(f"t: expects a tensor of at most 2 axes, got shape {self.shape}; "
                             "use transpose(a, b) or permute(...) for more")
        return S.Transpose.apply(self, axes=None)

    def contiguous(self: Tensor) -> Tensor:
        """This tensor (numpy arrays need no reordering for any op here)."""
        return self

    def numel(self: Tensor) -> int:
        """Number of elements (``x.size`` in numpy's spelling)."""
        return int(self.data.size)

    def dim(self: Tensor) -> int:
        """Number of axes (``x.ndim``)."""
        return self.data.ndim

    # ------------------------------------------------------------ new tensors like this one
    def new_zeros(self: Tensor, *size: ShapeLike, dtype: DTypeLike = None,
                  requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """Zeros of ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        return self._new(np.zeros, size, dtype, requires_grad, device, "new_zeros")

    def new_ones(self: Tensor, *size: ShapeLike, dtype: DTypeLike = None,
                 requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """Ones of ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        return self._new(np.ones, size, dtype, requires_grad, device, "new_ones")

    def new_full(self: Tensor, size: ShapeLike, fill_value: float, *, dtype: DTypeLike = None,
                 requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """``fill_value`` everywhere in ``size``, with this tensor's dtype."""
        return self._new(lambda shape, dtype: np.full(shape, fill_value, dtype=dtype), (size,),
                         dtype, requires_grad, device, "new_full")

    def _new(self: Tensor, make: Callable[..., np.ndarray], size: tuple[Any, ...],
             dtype: DTypeLike, requires_grad: bool, device: DeviceLike, op: str) -> Tensor:
        dtypes.check_device(op, device)
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        dtype = self.data.dtype if dtype is None else dtypes.to_dtype(op, dtype)
        result = self._from_op(make(tuple(int(n) for n in shape), dtype=dtype), None)
        return result.requires_grad_(requires_grad) if requires_grad else result

    # ------------------------------------------------------------ dtype and device
    def to(self: Tensor, *args: DTypeLike | DeviceLike | Tensor, dtype: DTypeLike = None,
           device: DeviceLike = None, non_blocking: bool = False, copy: bool = False) -> Tensor:
        """This tensor as another dtype and/or on another device: ``to("cuda")``, ``to(gg.double)``.

        Takes PyTorch's forms: ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
        ``to(other)`` (other's dtype and device). Returns ``self`` when nothing changes (as
        PyTorch) unless ``copy=True``. A copy to another device is recorded: the gradient
        flows back to this tensor's device.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.ones(2).to("cpu", gg.float64).dtype
        dtype('float64')
        >>> x = gg.ones(2, requires_grad=True)
        >>> x.to("cpu") is x
        True
        """
        wanted, where = dtypes.to_arguments("to", *args, dtype=dtype, device=device,
                                            non_blocking=non_blocking, copy=copy)
        result = self
        if where is not None and where != self.device:
            where.native  # noqa: B018 - fail here, before any copy, if the device is missing
            result = ToDevice.apply(self, where)
        if wanted is not None and wanted != self.dtype:
            result = result.astype(wanted)
        if result is self and copy:
            return self.clone()
        return result

    def cpu(self: Tensor) -> Tensor:
        """This tensor on the CPU (numpy): itself if it is there, else a recorded copy.

        Examples
        --------
        >>> import graphgrad as gg
        >>> t = gg.ones(2)
        >>> t.cpu() is t
        True
        """
        return self.to("cpu")

    def cuda(self: Tensor, device: int | DeviceLike = None) -> Tensor:
        """This tensor on a CUDA GPU (CuPy): ``cuda()`` for GPU 0, ``cuda(1)`` for GPU 1.

        Raises ``DeviceError`` when CuPy or a GPU is missing.
        """
        if device is None or isinstance(device, int):
            device = dtypes.device("cuda", device)
        return self.to(device)

    @property
    def device(self: Tensor) -> dtypes.device:
        """The device the data lives on: ``device(type='cpu')`` for numpy arrays.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(3).device
        device(type='cpu')
        """
        return device_of(self.data)

    @property
    def is_cuda(self: Tensor) -> bool:
        """True when the tensor lives on a CUDA GPU."""
        return self.device.type == "cuda"

    def type(self: Tensor, dtype: DTypeLike = None) -> str | Tensor:
        """Without ``dtype``: PyTorch's type name (``"graphgrad.FloatTensor"``); with: a cast."""
        if dtype is None:
            return "graphgrad." + _TYPE_NAMES.get(self.data.dtype.name, self.data.dtype.name)
        if isinstance(dtype, str) and dtype.rsplit(".", 1)[-1] in _TYPE_NAMES.values():
            name = dtype.rsplit(".", 1)[-1]
            dtype = next(k for k, v in _TYPE_NAMES.items() if v == name)
        return self.to(dtypes.to_dtype("type", dtype))

    def is_floating_point(self: Tensor) -> bool:
        """True for float16/32/64 tensors."""
        return self.data.dtype.kind == "f"

    def half(self: Tensor) -> Tensor:
        """A float16 copy."""
        return self.astype(np.float16)

    def long(self: Tensor) -> Tensor:
        """An int64 copy (no grad)."""
        return self.astype(np.int64)

    def int(self: Tensor) -> Tensor:
        """An int32 copy (no grad)."""
        return self.astype(np.int32)

    def bool(self: Tensor) -> Tensor:
        """A bool copy (no grad)."""
        return self.astype(np.bool_)

    # ------------------------------------------------------------ printing
    def __format__(self: Tensor, spec: str) -> str:
        """``f"{loss:.3f}"`` formats a 0-d tensor's value, as PyTorch."""
        if not spec:
            return str(self)
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        raise TypeError(f"format: the spec {spec!r} needs a 0-d tensor, got shape "
                        f"{self.data.shape}; format t.item() or index one element first")
