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

from . import array_index, backend, grad_mode, random
from .backend import namespace
from .errors import DtypeError, GradientError, ShapeError, named_error
from .ops import activation as A
from .ops import einsum, linalg, padding, reduce, rule_helpers
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


def _copy_of(array: Any) -> Any:
    """A copy of an array of another library than numpy, on its device."""
    from .backend import namespace
    return namespace(array).asarray(array, copy=True)


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
        return self._inplace(E.Add, other, "add")

    def __isub__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Sub, other, "subtract")

    def __imul__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Mul, other, "multiply")

    def __itruediv__(self: Tensor, other: TensorLike) -> Tensor:
        return self._inplace(E.Div, other, "divide")

    def zero_(self: Tensor) -> Tensor:
        """Set every element to 0 in place; returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> w = gg.ones(3, requires_grad=True)
        >>> with gg.no_grad():
        ...     _ = w.zero_()
        >>> w
        Tensor([0., 0., 0.], dtype=float32, requires_grad=True)
        """
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
        return self._inplace(E.Add, other if alpha == 1 else other * alpha, "add")

    def sub_(self: Tensor, other: Tensor | np.ndarray | float, alpha: float = 1) -> Tensor:
        """``self -= alpha * other`` in place; returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> p = gg.tensor([1.0, 2.0])
        >>> p.sub_(gg.tensor([2.0, 2.0]), alpha=0.5)
        Tensor([0., 1.], dtype=float32)
        >>> p
        Tensor([0., 1.], dtype=float32)
        """
        return self._inplace(E.Sub, other if alpha == 1 else other * alpha, "subtract")

    def mul_(self: Tensor, other: TensorLike) -> Tensor:
        """``self *= other`` in place; returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0])
        >>> x.mul_(10)
        Tensor([10., 20., 30.], dtype=float32)
        >>> x
        Tensor([10., 20., 30.], dtype=float32)
        """
        return self._inplace(E.Mul, other, "multiply")

    def div_(self: Tensor, other: TensorLike) -> Tensor:
        """``self /= other`` in place; returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0])
        >>> x.div_(gg.tensor([2.0, 4.0, 6.0]))
        Tensor([0.5, 0.5, 0.5], dtype=float32)
        """
        return self._inplace(E.Div, other, "divide")

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
        """Copy ``src`` (broadcast to this shape, cast to this dtype) in place; returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3)
        >>> x.copy_(gg.tensor([1.0, 2.0, 3.0]))
        Tensor([[1., 2., 3.],
                [1., 2., 3.]], dtype=float32)
        """
        return self._overwrite("copy_", _raw(src))

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0,
                 generator: np.random.Generator | None = None) -> Tensor:
        """Fill in place with draws from U(a, b) (the library's generator by default).

        Examples
        --------
        >>> import graphgrad as gg
        >>> w = gg.zeros(1000)
        >>> _ = w.uniform_(-0.5, 0.5, generator=gg.Generator().manual_seed(0))
        >>> bool(w.min() >= -0.5), bool(w.max() < 0.5), round(float(w.mean()), 1)
        (True, True, 0.0)
        """
        rng = generator if generator is not None else random.generator()
        return self._overwrite("uniform_", rng.uniform(a, b, size=self.data.shape))

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill in place with draws from N(mean, std^2) (the library's generator by default).

        Examples
        --------
        >>> import graphgrad as gg
        >>> w = gg.zeros(10000)
        >>> _ = w.normal_(mean=2.0, std=0.5, generator=gg.Generator().manual_seed(0))
        >>> round(float(w.mean()), 1), round(float(w.std(ddof=0)), 1)
        (2.0, 0.5)
        """
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
        data = self.data
        data = data.copy() if type(data) is np.ndarray else _copy_of(data)
        try:
            array_index.setitem(data, index, value)
        except IndexError as exc:
            raise IndexError(f"setitem: {exc} (tensor of shape {self.data.shape})") from None
        except (ValueError, TypeError) as exc:
            raise ShapeError(f"setitem: cannot assign a value of shape {np.shape(value)} into "
                             f"a tensor of shape {self.data.shape} at {index!r}: {exc}") from None
        self.data = data
        self._version += 1

    def _inplace(self: Tensor, op: type[Function], other: TensorLike, ufunc: str) -> Tensor:
        """``self op= other`` keeping this object; recorded like PyTorch's in-place ops.

        ``ufunc`` names the array function of ``op`` (``"add"``) that computes it unrecorded.
        """
        name = op.op_name
        if not (grad_mode.modes.grad and (self.requires_grad or getattr(other, "requires_grad",
                                                                      False))):
            try:
                result = getattr(namespace(self.data), ufunc)(self.data, _raw(other))
            except (ValueError, TypeError) as exc:
                raise named_error(name, exc, (self.data, _raw(other))) from None
            if result.shape != self.data.shape:
                raise ShapeError(f"{name}: in-place result of shape {result.shape} does not fit "
                                 f"the tensor's shape {self.data.shape}")
            if not np.can_cast(backend.numpy_dtype(result.dtype),
                               backend.numpy_dtype(self.data.dtype), "same_kind"):
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
        """Elementwise ``e**x``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([0.0, 1.0], requires_grad=True)
        >>> y = x.exp()
        >>> y.sum().backward()
        >>> y.round(4)
        Tensor([1.    , 2.7183], dtype=float32, grad_fn=<Round>)
        >>> x.grad.round(4)
        Tensor([1.    , 2.7183], dtype=float32)
        """
        return E.Exp.apply(self)

    def log(self: Tensor) -> Tensor:
        """Elementwise natural logarithm.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 4.0], requires_grad=True)
        >>> x.log().sum().backward()
        >>> x.grad
        Tensor([1.  , 0.25], dtype=float32)
        """
        return E.Log.apply(self)

    def log1p(self: Tensor) -> Tensor:
        """Elementwise ``log(1 + x)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1e-10, 1.0], dtype=gg.float64)
        >>> x.log1p()
        Tensor([1.00000000e-10, 6.93147181e-01], dtype=float64)
        >>> (1 + x).log()
        Tensor([1.00000008e-10, 6.93147181e-01], dtype=float64)
        """
        return E.Log1p.apply(self)

    def sqrt(self: Tensor) -> Tensor:
        """Elementwise square root.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([4.0, 9.0], requires_grad=True)
        >>> x.sqrt().sum().backward()
        >>> x.grad
        Tensor([0.25      , 0.16666667], dtype=float32)
        """
        return E.Sqrt.apply(self)

    def sin(self: Tensor) -> Tensor:
        """Elementwise sine.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([0.0, 3.14159265 / 3], requires_grad=True)
        >>> x.sin().sum().backward()
        >>> x.grad.round(4)
        Tensor([1. , 0.5], dtype=float32)
        """
        return E.Sin.apply(self)

    def cos(self: Tensor) -> Tensor:
        """Elementwise cosine.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([3.14159265 / 6, 3.14159265 / 2], requires_grad=True)
        >>> x.cos().sum().backward()
        >>> x.grad.round(4)
        Tensor([-0.5, -1. ], dtype=float32)
        """
        return E.Cos.apply(self)

    def tanh(self: Tensor) -> Tensor:
        """Elementwise hyperbolic tangent.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([0.0, 3.0], requires_grad=True)
        >>> y = x.tanh()
        >>> y.sum().backward()
        >>> y.round(4)
        Tensor([0.    , 0.9951], dtype=float32, grad_fn=<Round>)
        >>> x.grad.round(4)
        Tensor([1.    , 0.0099], dtype=float32)
        """
        return E.Tanh.apply(self)

    def sigmoid(self: Tensor) -> Tensor:
        """Elementwise logistic function.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-100.0, 0.0, 100.0], requires_grad=True)
        >>> y = x.sigmoid()
        >>> y.sum().backward()
        >>> y
        Tensor([0. , 0.5, 1. ], dtype=float32, grad_fn=<Sigmoid>)
        >>> x.grad
        Tensor([0.  , 0.25, 0.  ], dtype=float32)
        """
        return E.Sigmoid.apply(self)

    def relu(self: Tensor) -> Tensor:
        """Elementwise ``max(x, 0)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> x.relu().sum().backward()
        >>> x.grad
        Tensor([0., 0., 1.], dtype=float32)
        """
        return A.ReLU.apply(self)

    def leaky_relu(self: Tensor, negative_slope: float = 0.01) -> Tensor:
        """Elementwise ``x if x > 0 else negative_slope * x``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-2.0, 3.0], requires_grad=True)
        >>> x.leaky_relu(0.1).sum().backward()
        >>> x.leaky_relu(0.1)
        Tensor([-0.2,  3. ], dtype=float32, grad_fn=<LeakyReLU>)
        >>> x.grad
        Tensor([0.1, 1. ], dtype=float32)
        """
        return A.leaky_relu(self, negative_slope)

    def gelu(self: Tensor, approximate: str = "none") -> Tensor:
        """Gaussian error linear unit.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-1.0, 0.0, 1.0])
        >>> x.gelu().round(4)
        Tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
        >>> x.gelu(approximate="tanh").round(4)
        Tensor([-0.1588,  0.    ,  0.8412], dtype=float32)
        """
        return A.gelu(self, approximate)

    def softplus(self: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """``log(1 + e**(beta x)) / beta``; linear where ``beta x > threshold``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-10.0, 0.0, 30.0])
        >>> x.softplus().round(4)
        Tensor([ 0.    ,  0.6931, 30.    ], dtype=float32)
        """
        return A.softplus(self, beta, threshold)

    def abs(self: Tensor) -> Tensor:
        """Elementwise absolute value.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> x.abs().sum().backward()
        >>> x.grad
        Tensor([-1.,  0.,  1.], dtype=float32)
        """
        return E.Abs.apply(self)

    def clip(self: Tensor, min: TensorLike | None = None,  # noqa: A002 - numpy's names
             max: TensorLike | None = None) -> Tensor:
        """Limit values to ``[min, max]``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        >>> x.clip(0, 1).sum().backward()
        >>> x.clip(0, 1)
        Tensor([0. , 0.5, 1. ], dtype=float32, grad_fn=<Clip>)
        >>> x.grad
        Tensor([0., 1., 0.], dtype=float32)
        """
        return E.clip(self, min, max)

    def maximum(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise maximum with ``other``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x.maximum(2.0).sum().backward()
        >>> x.grad
        Tensor([0. , 0.5, 1. ], dtype=float32)
        """
        return E.Maximum.apply(self, other)

    def minimum(self: Tensor, other: TensorLike) -> Tensor:
        """Elementwise minimum with ``other``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 5.0], requires_grad=True)
        >>> y = gg.tensor([3.0, 4.0], requires_grad=True)
        >>> x.minimum(y).sum().backward()
        >>> x.grad, y.grad
        (Tensor([1., 0.], dtype=float32), Tensor([0., 1.], dtype=float32))
        """
        return E.Minimum.apply(self, other)

    def astype(self: Tensor, dtype: DTypeLike) -> Tensor:
        """A copy converted to ``dtype``; float casts pass gradients through.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.5, -2.5], requires_grad=True)
        >>> x.astype(np.float64)
        Tensor([ 1.5, -2.5], dtype=float64, grad_fn=<Cast>)
        >>> x.astype(np.int64)
        Tensor([ 1, -2], dtype=int64)
        """
        try:
            dtype = backend.numpy_dtype(dtype)  # the dtype of any library, as numpy names it
        except TypeError as exc:
            raise DtypeError(f"astype: {exc}; use a numpy dtype such as np.float64") from None
        if dtype.kind not in "fiub":
            raise DtypeError(f"astype: tensors hold numbers (float, int or bool), not {dtype}")
        if dtype.kind != "f":
            return self._from_op(rule_helpers.astype(self.data, dtype), None)
        return E.Cast.apply(self, dtype=dtype)

    def clone(self: Tensor) -> Tensor:
        """A copy that stays in the graph (gradients flow back to this tensor).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x.clone()
        >>> y.mul_(3)
        Tensor([3., 6.], dtype=float32, grad_fn=<Mul>)
        >>> y.sum().backward()
        >>> x, x.grad
        (Tensor([1., 2.], dtype=float32, requires_grad=True), Tensor([3., 3.], dtype=float32))
        """
        return E.Cast.apply(self, dtype=self.data.dtype)

    def float(self: Tensor) -> Tensor:
        """A float32 copy (``astype(np.float32)``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1, 2]).float()
        Tensor([1., 2.], dtype=float32)
        """
        return self.astype("float32")

    def double(self: Tensor) -> Tensor:
        """A float64 copy (``astype(np.float64)``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([0.1, 0.2]).double().dtype
        dtype('float64')
        """
        return self.astype("float64")

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
        """Same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.arange(6)
        >>> x.reshape(2, 3)
        Tensor([[0, 1, 2],
                [3, 4, 5]], dtype=int64)
        >>> x.reshape((3, -1)).shape
        (3, 2)
        """
        return S.reshape(self, *shape)

    def view(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Alias of ``reshape`` (PyTorch's name).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.arange(6).view(3, 2)
        Tensor([[0, 1],
                [2, 3],
                [4, 5]], dtype=int64)
        """
        return S.reshape(self, *shape)

    def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3, 4, 5)
        >>> x.flatten().shape
        (120,)
        >>> x.flatten(1).shape
        (2, 60)
        >>> x.flatten(1, 2).shape
        (2, 12, 5)
        """
        return S.flatten(self, start_dim, end_dim)

    def transpose(self: Tensor, *axes: int | Sequence[int]) -> Tensor:
        """Reverse axes (no arguments), swap two (``transpose(0, 2)``) or permute (a tuple).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3, 4)
        >>> x.transpose(0, 2).shape
        (4, 3, 2)
        >>> x.transpose().shape
        (4, 3, 2)
        """
        return S.transpose(self, *axes)

    @property
    def T(self: Tensor) -> Tensor:  # noqa: N802 - numpy's name
        """All axes reversed.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([[1, 2, 3], [4, 5, 6]]).T
        Tensor([[1, 4],
                [2, 5],
                [3, 6]], dtype=int64)
        """
        return S.Transpose.apply(self, axes=None)

    def permute(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """Reorder axes (PyTorch's ``permute``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        return S.permute(self, *dims)

    def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3, 4).swapaxes(0, -1).shape
        (4, 3, 2)
        """
        return S.swapaxes(self, axis1, axis2)

    def squeeze(self: Tensor, axis: Axis = None) -> Tensor:
        """Remove axes of length 1.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(1, 3, 1)
        >>> x.squeeze().shape
        (3,)
        >>> x.squeeze(0).shape
        (3, 1)
        """
        return S.squeeze(self, axis)

    def unsqueeze(self: Tensor, axis: int) -> Tensor:
        """Insert an axis of length 1.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0])
        >>> x.unsqueeze(0).shape
        (1, 3)
        >>> x.unsqueeze(-1).shape
        (3, 1)
        """
        return S.unsqueeze(self, axis)

    def expand(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Broadcast to a larger shape; -1 keeps an axis.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1.0], [2.0]], requires_grad=True)
        >>> y = x.expand(-1, 3)
        >>> y
        Tensor([[1., 1., 1.],
                [2., 2., 2.]], dtype=float32, grad_fn=<BroadcastTo>)
        >>> y.sum().backward()
        >>> x.grad
        Tensor([[3.],
                [3.]], dtype=float32)
        """
        return S.expand(self, *shape)

    def broadcast_to(self: Tensor, *shape: ShapeLike) -> Tensor:
        """Broadcast to a larger shape.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> x.broadcast_to(3, 2).sum().backward()
        >>> x.grad
        Tensor([3., 3.], dtype=float32)
        """
        return S.broadcast_to(self, *shape)

    split = S.split

    def pad(self: Tensor, pad_width: int | Sequence[int] | Sequence[Sequence[int]],
            value: builtins.float | str = 0.0, mode: str = "constant") -> Tensor:
        """Pad (negative widths crop), as ``numpy.pad``; modes constant/reflect/replicate/
        circular.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0])
        >>> x.pad(1)
        Tensor([0., 1., 2., 3., 0.], dtype=float32)
        >>> x.pad((2, 0), mode="reflect")
        Tensor([3., 2., 1., 2., 3.], dtype=float32)
        >>> x.pad((0, -1))
        Tensor([1., 2.], dtype=float32)
        """
        return padding.pad(self, pad_width, value, mode)

    def matmul(self: Tensor, other: TensorLike) -> Tensor:
        """Matrix product ``self @ other``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> b = gg.tensor([[1.0], [1.0]])
        >>> a.matmul(b)
        Tensor([[3.],
                [7.]], dtype=float32, grad_fn=<MatMul>)
        >>> a.matmul(b).sum().backward()
        >>> a.grad
        Tensor([[1., 1.],
                [1., 1.]], dtype=float32)
        """
        return linalg.MatMul.apply(self, other)

    def dot(self: Tensor, other: Tensor) -> Tensor:
        """``numpy.dot``: matmul for 1-D/2-D, N-D contracts the last axis with b's.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x.dot(gg.tensor([4.0, 5.0, 6.0]))
        Tensor(32., dtype=float32, grad_fn=<MatMul>)
        >>> x.dot(x).backward()
        >>> x.grad
        Tensor([2., 4., 6.], dtype=float32)
        """
        return einsum.dot(self, other)

