# mypy: disable-error-code="misc"
# NOTE: a mixin of Tensor: its methods declare self: Tensor (they exist only as Tensor's),
# which mypy reports as misc ("erased type of self is not a supertype of its class").
"""The methods and operators of ``Tensor``: one-line delegations to ``autograd.ops``.

Kept apart from ``tensor.py`` so that file shows what a Tensor *is* (data,
graph node, backward) and this one what it can *do*.
"""
from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from . import grad_mode, random
from .errors import DtypeError, GradientError, ShapeError, named_error
from .ops import activation as A
from .ops import einsum, linalg, padding, reduce
from .ops import elementwise as E
from .ops import shape as S
from .ops import softmax as SM
from .tensor_math import TensorMath
from .value import is_value

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from .function import Function
    from .tensor import Tensor
    from .typing import ArrayLike, Axis, DTypeLike, Index, ShapeLike, TensorLike

__all__ = ["TensorMethods"]


def _index_arg(index: Any) -> Any:
    """Turn Tensors inside an index into arrays (numpy does the rest)."""
    if isinstance(index, tuple):
        return tuple(i.data if is_value(i) else i for i in index)
    return index.data if is_value(index) else index


def _raw(x: Any) -> Any:
    return x.data if is_value(x) else x


class TensorMethods(TensorMath):
    """Operators, math, reductions and shape methods shared by every Tensor."""

    __slots__ = ()
    if TYPE_CHECKING:  # assigned by _inplace; declared (with this type) by Tensor
        _hooks: list[Callable[[Any], Any]] | None

    # ------------------------------------------------------------ arithmetic
    def __add__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Add.apply(self, other)

    def __radd__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Add.apply(other, self)

    def __sub__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Sub.apply(self, other)

    def __rsub__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Sub.apply(other, self)

    def __mul__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Mul.apply(self, other)

    def __rmul__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Mul.apply(other, self)

    def __truediv__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Div.apply(self, other)

    def __rtruediv__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Div.apply(other, self)

    def __pow__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Pow.apply(self, other)

    def __rpow__(self: Tensor, other: TensorLike) -> Tensor:
        return E.Pow.apply(other, self)

    def __matmul__(self: Tensor, other: TensorLike) -> Tensor:
        return linalg.MatMul.apply(self, other)

    def __rmatmul__(self: Tensor, other: TensorLike) -> Tensor:
        return linalg.MatMul.apply(other, self)

    def __neg__(self: Tensor) -> Tensor:
        return E.Neg.apply(self)

    def __pos__(self: Tensor) -> Tensor:
        return self

    def __abs__(self: Tensor) -> Tensor:
        return E.Abs.apply(self)

    # ------------------------------------------------------------ comparisons (no grad)
    def __eq__(self: Tensor, other: object) -> Tensor:  # type: ignore[override]  # elementwise
        return self._from_op(self.data == _raw(other), None)

    def __ne__(self: Tensor, other: object) -> Tensor:  # type: ignore[override]  # elementwise
        return self._from_op(self.data != _raw(other), None)

    def __lt__(self: Tensor, other: TensorLike) -> Tensor:
        return self._from_op(self.data < _raw(other), None)

    def __le__(self: Tensor, other: TensorLike) -> Tensor:
        return self._from_op(self.data <= _raw(other), None)

    def __gt__(self: Tensor, other: TensorLike) -> Tensor:
        return self._from_op(self.data > _raw(other), None)

    def __ge__(self: Tensor, other: TensorLike) -> Tensor:
        return self._from_op(self.data >= _raw(other), None)

    # ------------------------------------------------------------ indexing
    def __getitem__(self: Tensor, index: Index) -> Tensor:
        return S.GetItem.apply(self, index=_index_arg(index))

    def __setitem__(self: Tensor, index: Index, value: TensorLike) -> None:
        if grad_mode.modes.grad and (self.requires_grad or getattr(value, "requires_grad", False)):
            raise GradientError(
                "setitem: cannot assign into a tensor while gradients are being recorded for "
                "it; build the result out of place (where(), concatenate()) or assign inside "
                "no_grad()")
        self._write(_index_arg(index), _raw(value))

    # ------------------------------------------------------------ in place
    def __iadd__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Add, other, np.add)

    def __isub__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Sub, other, np.subtract)

    def __imul__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Mul, other, np.multiply)

    def __itruediv__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Div, other, np.true_divide)

    def zero_(self: Tensor) -> Tensor:
        """Set every element to 0 in place; returns self."""
        if grad_mode.modes.grad and self.requires_grad:
            # NOTE: not recorded, so on a non-leaf it would leave a stale gradient rule.
            raise GradientError("zero_: cannot modify a tensor that requires grad while "
                                "gradients are recorded; call it inside no_grad(), or use "
                                "zeros_like(t) out of place")
        self._write(Ellipsis, 0)
        return self

    def add_(self: Tensor, other: Tensor | np.ndarray | float, alpha: float = 1) -> Tensor:
        """``self += alpha * other`` in place (PyTorch's ``add_``); returns self.

        Example
        -------
        >>> import graphgrad as gg
        >>> p = gg.tensor([1.0, 2.0])
        >>> p.add_(gg.tensor([1.0, 1.0]), alpha=-0.5)
        Tensor([0.5, 1.5], dtype=float32)
        """
        return self._inplace(E.Add, other if alpha == 1 else other * alpha, np.add)

    def sub_(self: Tensor, other: Tensor | np.ndarray | float, alpha: float = 1) -> Tensor:
        """``self -= alpha * other`` in place; returns self."""
        return self._inplace(E.Sub, other if alpha == 1 else other * alpha, np.subtract)

    def mul_(self: Tensor, other: TensorLike) -> Tensor:
        """``self *= other`` in place; returns self."""
        return self._inplace(E.Mul, other, np.multiply)

    def div_(self: Tensor, other: TensorLike) -> Tensor:
        """``self /= other`` in place; returns self."""
        return self._inplace(E.Div, other, np.true_divide)

    def fill_(self: Tensor, value: float) -> Tensor:
        """Set every element to ``value`` in place, outside the graph; returns self.

        Example
        -------
        >>> import graphgrad as gg
        >>> gg.zeros(2).fill_(3.0)
        Tensor([3., 3.], dtype=float32)
        """
        return self._overwrite("fill_", value)

    def copy_(self: Tensor, src: TensorLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) in place; returns self."""
        return self._overwrite("copy_", _raw(src))

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0,
                 generator: np.random.Generator | None = None) -> Tensor:
        """Fill in place with draws from U(a, b) (the library's generator by default)."""
        rng = generator if generator is not None else random.generator()
        return self._overwrite("uniform_", rng.uniform(a, b, size=self.data.shape))

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill in place with draws from N(mean, std^2) (the library's generator by default)."""
        rng = generator if generator is not None else random.generator()
        return self._overwrite("normal_", rng.normal(mean, std, size=self.data.shape))

    def _overwrite(self: Tensor, name: str, value: ArrayLike) -> Tensor:
        """Replace every element by ``value``, outside the graph (as ``zero_``)."""
        if grad_mode.modes.grad and self.requires_grad:
            raise GradientError(f"{name}: cannot overwrite a tensor that requires grad while "
                                "gradients are recorded; call it inside no_grad() (as nn.init "
                                "does)")
        self._write(Ellipsis, value)
        return self

    def _write(self: Tensor, index: Any, value: ArrayLike) -> None:
        """Assign ``value`` at ``index`` in place, checking first, bumping the version."""
        # NOTE: write into a copy, never the buffer itself: views (reshape, getitem, .T,
        # detach) share it but keep their own version counters, so a write there would change
        # values a graph saved without any version moving (a silently wrong gradient).
        data = self.data.copy()
        try:
            data[index] = value
        except IndexError as exc:
            raise IndexError(f"setitem: {exc} (tensor of shape {self.data.shape})") from None
        except (ValueError, TypeError) as exc:
            raise ShapeError(f"setitem: cannot assign a value of shape {np.shape(value)} into "
                             f"a tensor of shape {self.data.shape} at {index!r}: {exc}") from None
        self.data = data
        self._version += 1

    def _inplace(self: Tensor, op: type[Function], other: TensorLike, ufunc: np.ufunc) -> Tensor:
        """``self op= other`` keeping this object; recorded like PyTorch's in-place ops."""
        name = op.op_name
        if not (grad_mode.modes.grad and (self.requires_grad or getattr(other, "requires_grad",
                                                                      False))):
            try:
                result = ufunc(self.data, _raw(other))
            except (ValueError, TypeError) as exc:
                raise named_error(name, exc, (self.data, _raw(other))) from None
            if result.shape != self.data.shape:
                raise ShapeError(f"{name}: in-place result of shape {result.shape} does not fit "
                                 f"the tensor's shape {self.data.shape}")
            if not np.can_cast(result.dtype, self.data.dtype, "same_kind"):
                raise TypeError(f"{name}: in-place result of dtype {result.dtype} cannot be "
                                f"stored in a tensor of dtype {self.data.dtype}")
            self._write(Ellipsis, result)
            return self
        if self.requires_grad and self.grad_fn is None:
            raise GradientError(
                f"{name}: a leaf tensor that requires grad cannot be modified in place while "
                "gradients are recorded; update it inside no_grad() (as optimizers do) or use "
                f"an out-of-place op (x = x {'+-*/'[['add', 'sub', 'mul', 'div'].index(name)]} y)")
        # The old value becomes a separate node so the new op can refer to it.
        old = self._from_op(self.data, self.grad_fn)
        old.requires_grad, old._version = self.requires_grad, self._version
        # NOTE: hooks registered so far belong to the old value (PyTorch's rule): they see
        # the gradient with respect to it, not to the result written over it.
        old._hooks = self._hooks
        result = op.apply(old, other)
        if result.shape != self.data.shape:
            raise ShapeError(f"{name}: in-place result of shape {result.shape} does not fit the "
                             f"tensor's shape {self.data.shape}")
        if result.dtype != self.data.dtype:
            result = E.Cast.apply(result, dtype=self.data.dtype)
        self.data, self.grad_fn, self.requires_grad = result.data, result.grad_fn, True
        self._hooks = None
        self._version += 1
        return self

    # ------------------------------------------------------------ elementwise math
    def exp(self: Tensor) -> Tensor:
        """Elementwise ``e**x``."""
        return E.Exp.apply(self)

    def log(self: Tensor) -> Tensor:
        """Elementwise natural logarithm."""
        return E.Log.apply(self)

    def log1p(self: Tensor) -> Tensor:
        """Elementwise ``log(1 + x)``."""
        return E.Log1p.apply(self)

    def sqrt(self: Tensor) -> Tensor:
        """Elementwise square root."""
        return E.Sqrt.apply(self)

    def sin(self: Tensor) -> Tensor:
        """Elementwise sine."""
        return E.Sin.apply(self)

    def cos(self: Tensor) -> Tensor:
        """Elementwise cosine."""
        return E.Cos.apply(self)

    def tanh(self: Tensor) -> Tensor:
        """Elementwise hyperbolic tangent."""
        return E.Tanh.apply(self)

    def sigmoid(self: Tensor) -> Tensor:
        """Elementwise logistic function."""
        return E.Sigmoid.apply(self)

    def relu(self: Tensor) -> Tensor:
        """Elementwise ``max(x, 0)``."""
        return A.ReLU.apply(self)

    def leaky_relu(self: Tensor, negative_slope: float = 0.01) -> Tensor:
        """Elementwise ``x if x > 0 else negative_slope * x``."""
        return A.leaky_relu(self, negative_slope)

    def gelu(self: Tensor, approximate: str = "none") -> Tensor:
        """Gaussian error linear unit."""
        return A.gelu(self, approximate)

    def softplus(self: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """``log(1 + e**(beta x)) / beta``; linear where ``beta x > threshold``."""
        return A.softplus(self, beta, threshold)

    def abs(self: Tensor) -> Tensor:
        """Elementwise absolute value."""
        return E.Abs.apply(self)

    def clip(self: Tensor, min: TensorLike | None = None,  # noqa: A002 - numpy's names
             max: TensorLike | None = None) -> Tensor:
        """Limit values to ``[min, max]``."""
        return E.clip(self, min, max)

    def maximum(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise maximum with ``other``."""
        return E.Maximum.apply(self, other)

    def minimum(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise minimum with ``other``."""
        return E.Minimum.apply(self, other)

    def astype(self: Tensor, dtype: DTypeLike) -> Tensor:
        """A copy converted to ``dtype``; float casts pass gradients through."""
        try:
            dtype = np.dtype(dtype)
        except TypeError as exc:
            raise DtypeError(f"astype: {exc}; use a numpy dtype such as np.float64") from None
        if dtype.kind not in "fiub":
            raise DtypeError(f"astype: tensors hold numbers (float, int or bool), not {dtype}")
        if dtype.kind != "f":
            return self._from_op(self.data.astype(dtype), None)
        return E.Cast.apply(self, dtype=dtype)

    def clone(self: Tensor) -> Tensor:
        """A copy that stays in the graph (gradients flow back to this tensor)."""
        return E.Cast.apply(self, dtype=self.data.dtype)

    def float(self: Tensor) -> Tensor:
        """A float32 copy (``astype(np.float32)``)."""
        return self.astype(np.float32)

    def double(self: Tensor) -> Tensor:
        """A float64 copy (``astype(np.float64)``)."""
        return self.astype(np.float64)

    # ------------------------------------------------------------ reductions
    # NOTE: the op functions themselves, so methods and functions share one signature
    # (numpy's axis=/keepdims= and PyTorch's dim=/keepdim=) and one docstring.
    sum = reduce.sum
    mean = reduce.mean
    max = reduce.max
    min = reduce.min
    var = reduce.var
    std = reduce.std
    logsumexp = reduce.logsumexp
    softmax = SM.softmax
    log_softmax = SM.log_softmax

    # ------------------------------------------------------------ shape
    def reshape(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        return S.reshape(self, *shape)

    def view(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Alias of ``reshape`` (PyTorch's name)."""
        return S.reshape(self, *shape)

    def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one."""
        return S.flatten(self, start_dim, end_dim)

    def transpose(self: Tensor, *axes: int | Sequence[int]) -> Tensor:
        """Reverse axes (no arguments), swap two (``transpose(0, 2)``) or permute (a tuple)."""
        return S.transpose(self, *axes)

    @property
    def T(self: Tensor) -> Tensor:  # noqa: N802 - numpy's name
        """All axes reversed."""
        return S.Transpose.apply(self, axes=None)

    def permute(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """Reorder axes (PyTorch's ``permute``)."""
        return S.permute(self, *dims)

    def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes."""
        return S.swapaxes(self, axis1, axis2)

    def squeeze(self: Tensor, axis: Axis = None) -> Tensor:
        """Remove axes of length 1."""
        return S.squeeze(self, axis)

    def unsqueeze(self: Tensor, axis: int) -> Tensor:
        """Insert an axis of length 1."""
        return S.unsqueeze(self, axis)

    def expand(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Broadcast to a larger shape; -1 keeps an axis."""
        return S.expand(self, *shape)

    def broadcast_to(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Broadcast to a larger shape."""
        return S.broadcast_to(self, *shape)

    split = S.split

    def pad(self: Tensor, pad_width: int | Sequence[int] | Sequence[Sequence[int]],
            value: builtins.float | str = 0.0, mode: str = "constant") -> Tensor:
        """Pad (negative widths crop), as ``numpy.pad``; modes constant/reflect/replicate/
        circular."""
        return padding.pad(self, pad_width, value, mode)

    def matmul(self: Tensor, other: TensorLike) -> Tensor:
        """Matrix product ``self @ other``."""
        return linalg.MatMul.apply(self, other)

    def dot(self: Tensor, other: Tensor) -> Tensor:
        """``numpy.dot``: matmul for 1-D/2-D, N-D contracts the last axis with b's."""
        return einsum.dot(self, other)

