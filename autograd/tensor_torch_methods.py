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

from . import backend, dtypes
from .devices import device_of, to_device
from .errors import ShapeError
from .ops import elementwise as E
from .ops import shape as S
from .ops.transfer import ToDevice

if TYPE_CHECKING:
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
        """Elementwise ``self == other`` (bool, no grad).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1, 2, 3]).eq(gg.tensor([1, 0, 3]))
        Tensor([ True, False,  True], dtype=bool)
        """
        return self == other

    def ne(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise ``self != other`` (bool, no grad).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1, 2, 3]).ne(2)
        Tensor([ True, False,  True], dtype=bool)
        """
        return self != other

    def pow(self: Tensor, exponent: TensorLike) -> Tensor:
        """``self ** exponent``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([2.0, 3.0], requires_grad=True)
        >>> x.pow(2)
        Tensor([4., 9.], dtype=float32, grad_fn=<Pow>)
        >>> x.pow(2).sum().backward()
        >>> x.grad
        Tensor([4., 6.], dtype=float32)
        """
        return E.Pow.apply(self, exponent)

    def clamp(self: Tensor, min: TensorLike | None = None,  # noqa: A002 - PyTorch's names
              max: TensorLike | None = None) -> Tensor:
        """Limit values to ``[min, max]`` (numpy's ``clip``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-2.0, 0.5, 3.0]).clamp(min=0)
        Tensor([0. , 0.5, 3. ], dtype=float32)
        >>> gg.tensor([-2.0, 0.5, 3.0]).clamp(-1, 1)
        Tensor([-1. ,  0.5,  1. ], dtype=float32)
        """
        return E.clip(self, min, max)

    # ------------------------------------------------------------ shape
    def mm(self: Tensor, other: Tensor) -> Tensor:
        """Matrix product of two 2-D tensors (PyTorch's ``mm``; ``@`` for any shape).

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.tensor([[1.0, 2.0]])
        >>> a.mm(gg.tensor([[3.0], [4.0]]))
        Tensor([[11.]], dtype=float32)
        >>> try:
        ...     a.mm(gg.tensor([3.0, 4.0]))
        ... except gg.ShapeError as e:
        ...     print(e)
        mm: expects two 2-D tensors, got shapes (1, 2) and (2,); use @ (matmul) for other shapes
        """
        if self.ndim != 2 or getattr(other, "ndim", 0) != 2:
            raise ShapeError(f"mm: expects two 2-D tensors, got shapes {self.shape} and "
                             f"{getattr(other, 'shape', ())}; use @ (matmul) for other shapes")
        return self @ other

    def view_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other.shape``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> target = gg.zeros(2, 3)
        >>> gg.arange(6).view_as(target)
        Tensor([[0, 1, 2],
                [3, 4, 5]], dtype=int64)
        """
        return S.reshape(self, other.shape)

    def reshape_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other.shape``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.arange(6).reshape_as(gg.zeros(3, 2)).shape
        (3, 2)
        """
        return S.reshape(self, other.shape)

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        """This tensor broadcast to ``other.shape``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> bias = gg.tensor([1.0, 2.0, 3.0])
        >>> bias.expand_as(gg.zeros(2, 3))
        Tensor([[1., 2., 3.],
                [1., 2., 3.]], dtype=float32)
        """
        return S.broadcast_to(self, other.shape)

    def t(self: Tensor) -> Tensor:
        """Transpose of a tensor of at most 2 axes (PyTorch's ``t()``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([[1, 2, 3]]).t()
        Tensor([[1],
                [2],
                [3]], dtype=int64)
        >>> try:
        ...     gg.zeros(2, 3, 4).t()
        ... except gg.ShapeError as e:
        ...     print(e)
        t: expects a tensor of at most 2 axes, got shape (2, 3, 4); use transpose(a, b) or
        permute(...) for more
        """
        if self.ndim > 2:
            raise ShapeError(f"t: expects a tensor of at most 2 axes, got shape {self.shape}; "
                             "use transpose(a, b) or permute(...) for more")
        return S.Transpose.apply(self, axes=None)

    def contiguous(self: Tensor) -> Tensor:
        """This tensor (numpy arrays need no reordering for any op here).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3).T
        >>> x.contiguous() is x
        True
        """
        return self

    def numel(self: Tensor) -> int:
        """Number of elements (``x.size`` in numpy's spelling).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3, 4).numel()
        24
        """
        return int(self.data.size)

    def dim(self: Tensor) -> int:
        """Number of axes (``x.ndim``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3, 4).dim()
        3
        """
        return self.data.ndim

    # ------------------------------------------------------------ new tensors like this one
    def new_zeros(self: Tensor, *size: ShapeLike, dtype: DTypeLike = None,
                  requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """Zeros of ``size`` with this tensor's dtype (unless ``dtype`` is given).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], dtype=gg.float64)
        >>> x.new_zeros(2, 2)
        Tensor([[0., 0.],
                [0., 0.]], dtype=float64)
        """
        return self._new("zeros", size, dtype, requires_grad, device, "new_zeros")

    def new_ones(self: Tensor, *size: ShapeLike, dtype: DTypeLike = None,
                 requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """Ones of ``size`` with this tensor's dtype (unless ``dtype`` is given).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1, 2])
        >>> x.new_ones(3)
        Tensor([1, 1, 1], dtype=int64)
        >>> x.new_ones((2, 2), dtype=gg.float32)
        Tensor([[1., 1.],
                [1., 1.]], dtype=float32)
        """
        return self._new("ones", size, dtype, requires_grad, device, "new_ones")

    def new_full(self: Tensor, size: ShapeLike, fill_value: float, *, dtype: DTypeLike = None,
                 requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        """``fill_value`` everywhere in ``size``, with this tensor's dtype.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.0, 2.0]).new_full((2, 3), 7.0)
        Tensor([[7., 7., 7.],
                [7., 7., 7.]], dtype=float32)
        """
        return self._new("full", (size,), dtype, requires_grad, device, "new_full", fill_value)

    def _new(self: Tensor, make: str, size: tuple[Any, ...], dtype: DTypeLike,
             requires_grad: bool, device: DeviceLike, op: str, *fill: float) -> Tensor:
        """A new leaf made by the array function ``make`` on ``device`` (default: this one's)."""
        where = to_device(op, device) or device_of(self.data)
        xp = where.backend.xp
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        dtype = backend.numpy_dtype(self.data.dtype) if dtype is None else dtypes.to_dtype(op,
                                                                                         dtype)
        array = getattr(xp, make)(tuple(int(n) for n in shape), *fill,
                                  dtype=backend.dtype_in(xp, dtype), device=where.native)
        result = self._from_op(array, None)
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

        Raises ``DeviceError`` when CuPy or a GPU is missing, so a program can fall back.

        Examples
        --------
        >>> import graphgrad as gg
        >>> try:
        ...     x = gg.ones(2).cuda()
        ... except gg.DeviceError:  # no CuPy or no GPU here: stay on the CPU
        ...     x = gg.ones(2)
        >>> x.shape
        (2,)
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
        """True when the tensor lives on a CUDA GPU.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.ones(2).is_cuda
        False
        """
        return self.device.type == "cuda"

    def type(self: Tensor, dtype: DTypeLike = None) -> str | Tensor:
        """Without ``dtype``: PyTorch's type name (``"graphgrad.FloatTensor"``); with: a cast.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.5, 2.5])
        >>> x.type()
        'graphgrad.FloatTensor'
        >>> x.type("graphgrad.LongTensor")
        Tensor([1, 2], dtype=int64)
        >>> x.type(gg.float64).type()
        'graphgrad.DoubleTensor'
        """
        if dtype is None:
            name = backend.numpy_dtype(self.data.dtype).name
            return "graphgrad." + _TYPE_NAMES.get(name, name)
        if isinstance(dtype, str) and dtype.rsplit(".", 1)[-1] in _TYPE_NAMES.values():
            name = dtype.rsplit(".", 1)[-1]
            dtype = next(k for k, v in _TYPE_NAMES.items() if v == name)
        return self.to(dtypes.to_dtype("type", dtype))

    def is_floating_point(self: Tensor) -> bool:
        """True for float16/32/64 tensors.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.0]).is_floating_point(), gg.tensor([1]).is_floating_point()
        (True, False)
        """
        return backend.dtype_kind(self.data.dtype) == "f"

    def half(self: Tensor) -> Tensor:
        """A float16 copy.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([0.1, 2049.0]).half()
        >>> x.dtype
        dtype('float16')
        >>> x.tolist()
        [0.0999755859375, 2048.0]
        """
        return self.astype("float16")

    def long(self: Tensor) -> Tensor:
        """An int64 copy (no grad).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.9, -1.9]).long()
        Tensor([ 1, -1], dtype=int64)
        """
        return self.astype("int64")

    def int(self: Tensor) -> Tensor:
        """An int32 copy (no grad).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.9, -1.9]).int()
        Tensor([ 1, -1], dtype=int32)
        """
        return self.astype("int32")

    def bool(self: Tensor) -> Tensor:
        """A bool copy (no grad).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([0.0, 0.5, -2.0]).bool()
        Tensor([False,  True,  True], dtype=bool)
        """
        return self.astype("bool")

    # ------------------------------------------------------------ printing
    def __format__(self: Tensor, spec: str) -> str:
        """``f"{loss:.3f}"`` formats a 0-d tensor's value, as PyTorch."""
        if not spec:
            return str(self)
        if self.data.ndim == 0:
            return format(self.item(), spec)
        raise TypeError(f"format: the spec {spec!r} needs a 0-d tensor, got shape "
                        f"{self.data.shape}; format t.item() or index one element first")
