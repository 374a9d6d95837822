"""``Tensor``: a numpy array that remembers how it was computed.

A Tensor holds its value in ``.data`` and, when it was computed by a recorded
op, the graph node in ``.grad_fn``. It holds no math of its own: every method
below delegates to an op in ``autograd.ops`` (see ``tensor_methods.py``).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import backend
from .devices import check_same_device, device_of, move, to_device
from .engine import run_backward
from .errors import DeviceError, DtypeError, GradientError, ShapeError, shape_error
from .function import Function
from .ops.rule_helpers import sum_to_shape
from .readonly import is_shared
from .tensor_activation_methods import ActivationMethods
from .tensor_index_methods import IndexMethods
from .tensor_methods import TensorMethods
from .tensor_torch_methods import TorchMethods
from .value import is_value, value_type

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .typing import ArrayLike, DeviceLike, DTypeLike, Shape, TensorLike

__all__ = ["Tensor", "ElementCount", "add_hook", "tensor", "from_numpy"]

_FLOAT_DEFAULT = np.float32
_NUMPY_SCALARS = frozenset(np.sctypeDict.values()) - {np.object_, np.str_, np.bytes_, np.void}
_new = object.__new__


def _device_inside(data):
    """The device of the first Tensor off the host inside nested lists/tuples (for errors)."""
    for item in data:
        if isinstance(item, Tensor) and type(item.data) is not np.ndarray:
            return item.device
        if isinstance(item, (list, tuple)):
            found = _device_inside(item)
            if found is not None:
                return found
    return None


def _to_array(data, dtype, op, infer_ints):
    """Convert user data to a numpy array with the documented dtype rules."""
    if isinstance(data, Tensor):
        array = data.data
        if type(array) is not np.ndarray:
            return _foreign_array(array, dtype, op)
    elif is_value(data):  # a Scalar: its float
        array = np.asarray(data.data, dtype=_FLOAT_DEFAULT)
    elif isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, np.generic):
        array = np.asarray(data)
    elif backend.is_foreign_array(data):
        return _foreign_array(data, dtype, op)
    else:
        try:
            array = np.asarray(data)
        except (ValueError, TypeError) as exc:
            raise DtypeError(
                f"{op}: cannot make a tensor from {type(data).__name__}: {exc}") from None
        except DeviceError:  # a list of tensors on a device: numpy refuses each one
            raise DeviceError(
                f"{op}: the {type(data).__name__} holds tensors on device "
                f"'{_device_inside(data)}', not on the host; gather them there with "
                "gg.stack([...]), or copy each to the host with .cpu() first") from None
        if dtype is None and array.dtype.kind == "f":
            array = array.astype(_FLOAT_DEFAULT)
        elif dtype is None and array.dtype.kind in "iu" and not infer_ints:
            array = array.astype(_FLOAT_DEFAULT)
    if array.dtype.kind not in "fiub":
        raise DtypeError(
            f"{op}: cannot make a tensor of dtype {array.dtype} from {type(data).__name__}; "
            "tensors hold numbers (float, int or bool): convert the data first, e.g. "
            "np.asarray(data, dtype=np.float32)")
    if dtype is not None:
        try:
            array = array.astype(dtype, copy=False)
        except TypeError as exc:
            raise DtypeError(f"{op}: dtype={dtype!r}: {exc}") from None
    return array


def _foreign_array(data, dtype, op):
    """An array of another array-API library (CuPy, array-api-strict), kept on its device."""
    xp = backend.namespace(data)
    kind = backend.dtype_kind(data.dtype)
    if kind not in "fiub":
        raise DtypeError(f"{op}: tensors hold numbers (float, int or bool), not {data.dtype}")
    if dtype is not None:
        data = xp.astype(data, backend.dtype_in(xp, dtype))
    return data


def _check_can_require_grad(array, op):
    if backend.dtype_kind(array.dtype) != "f":
        raise DtypeError(
            f"{op}: only floating-point tensors can require grad, got dtype {array.dtype}; "
            "convert first, e.g. tensor(data, dtype=np.float32, requires_grad=True)")


class ElementCount(int):
    """The element count of a shape (an int) that, called, answers PyTorch's ``size()``.

    Example
    -------
    >>> n = ElementCount((2, 3))
    >>> n, n(), n(-1)
    (6, (2, 3), 3)
    """

    # NOTE: no __slots__: int subclasses cannot have non-empty ones; _shape lives in __dict__.

    def __new__(cls, shape):
        count = super().__new__(cls, math.prod(shape))
        count._shape = shape
        return count

    def __call__(self, dim=None):
        shape = self._shape
        if dim is None:
            return shape
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) \
                or not -len(shape) <= dim < len(shape):
            raise IndexError(f"size: dim {dim!r} is out of range for a tensor of shape {shape}")
        return shape[dim]


@value_type
class Tensor(TensorMethods, IndexMethods, TorchMethods, ActivationMethods):
    """A numpy array plus a node of the computation graph.

    Parameters
    ----------
    data : array_like
        Python floats and lists become float32 (as ``torch.Tensor``); numpy
        arrays keep their dtype. Integer and bool tensors exist but cannot
        require grad.
    requires_grad : bool
        Record operations on this tensor so ``backward`` can reach it.

    Example
    -------
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4., 6.], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "_version", "_hooks",
                 "_retains_grad", "label", "__weakref__")
    data: np.ndarray
    grad: Tensor | None
    requires_grad: bool
    grad_fn: Function | None
    _version: int
    _hooks: list[Callable[[Any], Any]] | None
    _retains_grad: bool
    label: str
    __hash__ = object.__hash__  # identity: Tensors are graph nodes, == is elementwise
    _value_type: type  # declared for mypy (the Value protocol); value.register sets it

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None,
                 label: str = "") -> None:
        array = _to_array(data, dtype, "Tensor", infer_ints=False)
        if requires_grad:
            _check_can_require_grad(array, "Tensor")
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        self._version = 0
        self._hooks = None
        self._retains_grad = False
        self.label = label

    @classmethod
    def _from_op(cls, array, node):
        """Wrap an op's result (fast: no conversion beyond numpy scalars)."""
        tensor = _new(Tensor)
        kind = type(array)
        if kind is not np.ndarray:
            # NOTE: numpy returns a scalar for a 0-d result; its __array__ is the cheapest way
            # back to a 0-d array (a third of np.asarray's cost)
            array = array.__array__() if kind in _NUMPY_SCALARS else backend.as_array(array)
        tensor.data = array
        tensor.grad = None
        tensor.requires_grad = node is not None
        tensor.grad_fn = node
        tensor._version = 0
        tensor._hooks = None
        tensor._retains_grad = False
        tensor.label = ""
        return tensor

    # ------------------------------------------------------------ attributes
    @property
    def shape(self) -> Shape:
        """The shape of ``data``, a tuple.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3).shape
        (2, 3)
        >>> gg.tensor(5.0).shape
        ()
        """
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Number of axes.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.zeros(2, 3).ndim, gg.tensor(5.0).ndim
        (2, 0)
        """
        return self.data.ndim

    @property
    def size(self) -> ElementCount:
        """Number of elements, an int that PyTorch users may also call: ``x.size(0)``.

        ``x.size`` is numpy's element count; ``x.size()`` is the shape and
        ``x.size(d)`` the length of axis ``d``, as ``torch.Tensor.size``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.zeros(2, 3)
        >>> x.size
        6
        >>> x.size()
        (2, 3)
        >>> x.size(1)
        3
        """
        return ElementCount(self.data.shape)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of ``data``, as numpy's dtype whatever the device (``float32``, ...).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([1.0]).dtype, gg.tensor([1]).dtype
        (dtype('float32'), dtype('int64'))
        """
        return backend.numpy_dtype(self.data.dtype)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by a recorded op.

        Examples
        --------
        >>> import graphgrad as gg
        >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> y = w * 2
        >>> w.is_leaf, y.is_leaf, y.detach().is_leaf
        (True, False, True)
        """
        return self.grad_fn is None

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]  # NOTE: the standard's arrays have no len()

    def __repr__(self):
        body = np.array2string(backend.to_host(self.data), separator=", ", prefix="Tensor(")
        extra = f", dtype={self.dtype}"
        where = self.device
        if where.type != "cpu":
            extra += f", device='{where}'"
        if self.grad_fn is not None:
            extra += f", grad_fn=<{type(self.grad_fn).__name__}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    # ------------------------------------------------------------ conversion
    def item(self) -> int | float | bool:
        """The value of a one-element tensor as a Python number.

        Examples
        --------
        >>> import graphgrad as gg
        >>> loss = (gg.tensor([1.0, 2.0]) ** 2).mean()
        >>> loss.item()
        2.5
        """
        if self.data.size != 1:
            raise ValueError(f"item: the tensor has {self.data.size} elements (shape "
                             f"{self.data.shape}); only one-element tensors convert to a "
                             "Python number: index or reduce it first")
        return backend.to_host(self.data).item()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied); on another device, an error.

        As ``torch.Tensor.numpy``: a tensor on a GPU (or any device but ``"cpu"``) must be
        copied to the host first, with ``.cpu()``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0])
        >>> a = x.numpy()
        >>> a[0] = 10.0
        >>> x
        Tensor([10.,  2.], dtype=float32)
        """
        if type(self.data) is not np.ndarray:
            raise DeviceError(f"numpy: the tensor is on device '{self.device}'; copy it to the "
                              "host first: t.cpu().numpy()")
        return self.data

    def tolist(self) -> Any:
        """The value as (nested) Python lists (copied to the host from any device).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return backend.to_host(self.data).tolist()

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        """numpy meets a Tensor: ``array * t`` is ``t.__rmul__(array)``; ``array += t`` writes.

        An operator with an array (or numpy number) on the left runs the
        Tensor's reflected operator, so it is recorded like ``t * array``.
        Writing into an array (``p.data += -lr * p.grad``, ``out=``) is a raw
        numpy update outside the graph, refused by numpy if a live graph saved
        that array (see ``readonly.py``). Other ufuncs on Tensors are not
        supported: use the Tensor's methods (``t.exp()``).
        """
        if method != "__call__":
            return NotImplemented
        if out is not None:
            if any(isinstance(o, Tensor) for o in out):
                return NotImplemented
            raw = [x.data if isinstance(x, Tensor) else x for x in inputs]
            return ufunc(*raw, out=out, **kwargs)
        names = _OPERATORS.get(ufunc)
        if names is None or len(inputs) != 2 or kwargs:
            return NotImplemented
        left, right = inputs
        if isinstance(left, Tensor):
            return getattr(left, names[0])(right)
        return getattr(right, names[1])(left)

    def __array__(self, dtype=None, copy=None):
        data = self.numpy()
        return data if dtype is None else data.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor with {self.data.size} elements is "
                             "ambiguous; use .any() or .all()")
        return bool(self.item())

    def __index__(self):
        if backend.dtype_kind(self.data.dtype) not in "iu" or self.data.size != 1:
            raise TypeError("only one-element integer tensors can be used as an index")
        return int(self.item())

    # ------------------------------------------------------------ graph
    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 3).detach()
        >>> y
        Tensor([3., 6.], dtype=float32)
        >>> y.requires_grad, y.is_leaf
        (False, True)
        """
        return Tensor._from_op(self.data, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only); returns self.

        Examples
        --------
        >>> import graphgrad as gg
        >>> w = gg.zeros(2).requires_grad_()
        >>> w
        Tensor([0., 0.], dtype=float32, requires_grad=True)
        >>> (w * 2).sum().backward()
        >>> w.grad
        Tensor([2., 2.], dtype=float32)
        """
        if not self.is_leaf and not requires_grad:
            raise GradientError("requires_grad_: cannot turn off requires_grad on a tensor "
                                "computed by an op; use .detach() instead")
        if requires_grad:
            _check_can_require_grad(self.data, "requires_grad_")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always do).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x * 3
        >>> h.retain_grad()
        >>> (h ** 2).sum().backward()
        >>> h.grad
        Tensor([ 6., 12.], dtype=float32)
        >>> x.grad
        Tensor([18., 36.], dtype=float32)
        """
        if not self.requires_grad:
            raise GradientError("retain_grad: the tensor does not require grad")
        if self.grad_fn is not None:
            self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], TensorLike | None]) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a replacement gradient. Returns a handle whose
        ``remove()`` unregisters it.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda grad: print("grad:", grad.tolist()))
        >>> (x * 5).sum().backward()
        grad: [5.0, 5.0]
        >>> handle.remove()
        >>> _ = x.register_hook(lambda grad: grad.clip(-1, 1))  # replaces the gradient
        >>> x.grad = None
        >>> (x * 5).sum().backward()
        >>> x.grad
        Tensor([1., 1.], dtype=float32)
        """
        if not self.requires_grad:
            raise GradientError("register_hook: the tensor does not require grad, so no "
                                "gradient will ever reach a hook")
        return add_hook(self, hook)

    def backward(self, gradient: TensorLike | None = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of its leaves.

        Parameters
        ----------
        gradient : array_like, optional
            d(something)/d(self); required unless this tensor has one element.
        retain_graph : bool
            Keep saved values so backward can run through the graph again.
        create_graph : bool
            Record the backward pass, so the gradients can be differentiated.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x ** 2).sum().backward()
        >>> x.grad
        Tensor([2., 4., 6.], dtype=float32)
        >>> y = x * 2
        >>> y.backward(gradient=gg.tensor([1.0, 0.0, 0.0]))  # adds to x.grad
        >>> x.grad
        Tensor([4., 4., 6.], dtype=float32)
        """
        if not self.requires_grad:
            raise GradientError(
                "backward: this tensor does not require grad and has no grad_fn: nothing to "
                "differentiate; create the inputs with requires_grad=True")
        root_grad = self._root_grad(gradient, create_graph, op="backward")
        run_backward((self,), (root_grad,), retain_graph or create_graph, create_graph)

    # ------------------------------------------------------------ engine protocol
    def _root_grad(self, gradient, create_graph, op):
        """The gradient that starts backward at this tensor."""
        if gradient is None:
            if self.data.size != 1:
                raise GradientError(
                    f"{op}: the gradient can only be implied for a one-element tensor, but this "
                    f"one has shape {self.data.shape}; pass gradient= of that shape (e.g. "
                    "ones_like(t)) or reduce it first (t.sum())")
            grad = backend.namespace(self.data).ones_like(self.data)
        else:
            grad = gradient.data if isinstance(gradient, Tensor) else backend.as_array(gradient)
            if grad.shape != self.data.shape:
                raise shape_error(op, self.data.shape, grad.shape, reason="do not match",
                                  hint="gradient= must have the tensor's shape")
            if backend.dtype_kind(grad.dtype) not in "fiub":
                raise DtypeError(f"{op}: gradient= must hold numbers, got dtype {grad.dtype}")
            check_same_device("backward", self.data, grad)
            # a copy: the engine may accumulate in place
            grad = backend.namespace(grad).astype(grad, self.data.dtype, copy=True)
            if create_graph and isinstance(gradient, Tensor):
                return gradient
        return Tensor._from_op(grad, None) if create_graph else grad

    def _fit_grad(self, grad, node):
        """Sum a broadcast gradient back to this tensor's shape and dtype."""
        data = self.data
        if grad.shape != data.shape:
            grad = sum_to_shape(grad, data.shape, node.name())
        if grad.dtype is data.dtype:  # the common case, told apart cheaply (dtype objects)
            return grad
        if isinstance(grad, Tensor):  # create_graph: cast on the graph (numpy dtypes)
            if grad.dtype != self.dtype:
                grad = grad.astype(self.dtype)
        elif grad.dtype != self.data.dtype:
            grad = backend.namespace(grad).astype(grad, self.data.dtype)
        return grad

    def _run_hooks(self, grad):
        raw = not isinstance(grad, Tensor)
        for hook in list(self._hooks):
            result = hook(Tensor._from_op(grad, None) if raw else grad)
            if result is not None:
                grad = self._hook_result(hook, result, raw)
        return grad

    def _hook_result(self, hook, result, raw):
        """A hook's replacement gradient, checked and as a new array of this tensor's dtype.

        A float Tensor or array of this tensor's shape, or a Python float for a
        0-d tensor, is accepted; it is copied (so a later accumulation into
        ``.grad`` never writes into the hook's own array) and cast to the dtype.
        """
        name = f"hook {getattr(hook, '__qualname__', type(hook).__name__)}"
        if isinstance(result, Tensor):
            array = result.data
        elif isinstance(result, (float, np.floating, np.ndarray)) \
                or backend.is_foreign_array(result):
            array = backend.as_array(result)
        else:
            raise GradientError(f"{name} returned a {type(result).__name__}; a hook must return "
                                "None or a float Tensor (or array) of the tensor's shape")
        if backend.dtype_kind(array.dtype) != "f":
            raise DtypeError(f"{name} returned a gradient of dtype {array.dtype}; return a "
                             f"floating-point one (the tensor is {self.data.dtype})")
        if array.shape != self.data.shape:
            raise ShapeError(f"{name} returned a gradient of shape {array.shape} for a tensor "
                             f"of shape {self.data.shape}; return the same shape")
        if not raw and isinstance(result, Tensor):  # create_graph: keep the result's graph
            return result if result.dtype == self.data.dtype else result.astype(self.data.dtype)
        check_same_device(name, self.data, array)
        array = backend.namespace(array).astype(array, self.data.dtype, copy=True)
        return array if raw else Tensor._from_op(array, None)

    def _accumulate_grad(self, grad, handed):
        """Add ``grad`` into ``.grad`` (in place when that is safe).

        ``handed`` holds the ids of arrays already stored as some ``.grad`` in
        this backward pass: a rule may return one array for several inputs
        (add's backward returns ``grad`` twice), and each ``.grad`` must own
        its memory before anyone adds into it in place.
        """
        if isinstance(grad, Tensor):  # create_graph: keep the gradient's own graph
            self.grad = grad if self.grad is None else self.grad + grad
            return
        existing = self.grad
        # NOTE: never add into an array a live graph saved (it is read-only then: see
        # readonly.py): the graph keeps the old .grad, this tensor gets a new one.
        if existing is not None and not existing.requires_grad \
                and not is_shared(existing.data) and existing.data.shape == self.data.shape:
            existing.data += grad
            return
        if type(grad) is not np.ndarray:
            # another library's array: no view or write flags to ask, so always own a copy
            grad = backend.namespace(grad).astype(grad, self.data.dtype, copy=True)
        elif grad.base is not None or not grad.flags.writeable or id(grad) in handed:
            grad = np.array(grad, dtype=self.data.dtype)
        handed.add(id(grad))
        self.grad = Tensor._from_op(grad if existing is None else existing.data + grad, None)

    def _wrap_grad(self, grad):
        return grad if isinstance(grad, Tensor) else Tensor._from_op(backend.as_array(grad), None)


Function.value_type = Tensor  # what ops on raw arrays alone return

# numpy's ufunc for each operator: (the Tensor's method, its reflected form)
_OPERATORS = {
    np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"), np.matmul: ("__matmul__", "__rmatmul__"),
    np.equal: ("__eq__", "__eq__"), np.not_equal: ("__ne__", "__ne__"),
    np.less: ("__lt__", "__gt__"), np.less_equal: ("__le__", "__ge__"),
    np.greater: ("__gt__", "__lt__"), np.greater_equal: ("__ge__", "__le__"),
}


def add_hook(value, hook):
    """Append ``hook`` to ``value._hooks`` (made on first use); return its handle."""
    if value._hooks is None:
        value._hooks = []
    value._hooks.append(hook)
    return _HookHandle(value._hooks, hook)


class _HookHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("hooks", "hook")

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        """Unregister the hook (safe to call twice)."""
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None,
           device: DeviceLike = None) -> Tensor:
    """Make a Tensor; like ``torch.tensor``, lists of Python ints stay integers.

    Python floats and float lists become float32; numpy arrays keep their
    dtype unless ``dtype`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> import graphgrad as gg
    >>> gg.tensor([1, 2])
    Tensor([1, 2], dtype=int64)
    >>> gg.tensor([1.0, 2.0])
    Tensor([1., 2.], dtype=float32)
    >>> gg.tensor(np.array([1.0, 2.0]))
    Tensor([1., 2.], dtype=float64)
    >>> gg.tensor([[1, 2]], dtype=gg.float64, requires_grad=True)
    Tensor([[1., 2.]], dtype=float64, requires_grad=True)
    """
    where = to_device("tensor", device)
    array = _to_array(data, dtype, "tensor", infer_ints=True)
    if where is not None and device_of(array) != where:
        array = move(array, where)  # a copy
    elif array is data or isinstance(data, Tensor) and array is data.data:
        # NOTE: always a copy, as torch.tensor: also when dtype= is the data's own dtype
        array = backend.namespace(array).asarray(array, copy=True)
    if requires_grad:
        _check_can_require_grad(array, "tensor")
    result = Tensor._from_op(array, None)
    result.requires_grad = bool(requires_grad)
    return result


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with the numpy ``array``, as ``torch.from_numpy``.

    The dtype is kept (float64 stays float64). Writing into ``array`` later
    changes the tensor too; copy it first (``tensor(array)``) if that is not wanted.

    Example
    -------
    >>> import numpy as np, graphgrad as gg
    >>> a = np.arange(3.0)
    >>> t = gg.from_numpy(a)
    >>> a[0] = 7.0
    >>> t
    Tensor([7., 1., 2.], dtype=float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy array, got {type(array).__name__}; "
                        "use tensor(data) for other data")
    if array.dtype.kind not in "fiub":
        raise DtypeError(f"from_numpy: tensors hold numbers (float, int or bool), not "
                         f"{array.dtype}")
    return Tensor._from_op(array, None)
