"""``Scalar``: a Python float plus a graph node, differentiated by the same engine.

micrograd's ``Value`` programs run with only the class name changed::

    from graphgrad.autograd import Scalar as Value
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + a.relu()).tanh()
    c.backward()            # a.grad, b.grad, c.grad are floats

Semantics (micrograd's, where they differ from Tensor's):

* every Scalar requires grad and keeps its ``.grad`` (a float, 0.0 at first),
  leaves and intermediate values alike; gradients accumulate over backward
  calls until you reset them (``p.grad = 0``);
* ``.data`` and ``.grad`` are plain assignable floats;
* a Scalar graph may be backpropagated more than once: its saved values are
  floats captured at forward time, so there is nothing to free (and
  reassigning ``.data`` afterwards does not change the gradients);
* comparisons compare values and return bools, like floats; hashing is by
  identity (Scalars are graph nodes).

Interop with Tensor: ``Tensor(s)`` is a new 0-d leaf holding ``s.data``
(float32 like any Python float; ``Tensor(s, dtype=np.float64)`` keeps every
bit), and ``Scalar(t)`` a new leaf holding a one-element tensor's value;
neither is connected to the other's graph. Mixing a Scalar and a Tensor in one
op raises ``TypeError`` (convert one first): a Scalar expression stays on the
float fast path instead of silently turning into array ops.

Speed: a Scalar made by an op is its own graph node. The operators record
the op's class, the input Scalars and the floats its rule needs on the new
Scalar's slots (no ``Function`` object, no tuple of inputs: one object per op
for Python's cycle collector); ``grad_fn`` builds the ``Function`` node
``apply`` would have recorded when something asks for it. ``no_grad`` and
``detect_anomaly`` go through ``Function.apply``. Backward is the shared
engine's ``run_backward``, which takes its lean loop
(``autograd.scalar_backward``) for a first-order pass over these ops with no
hook.

Python's cycle collector: a Scalar graph holds no reference cycle (it is freed
by reference counting), yet the collector runs while it is built and its full
collections walk everything alive; graphgrad never changes its settings. In a
Scalar-heavy training loop you may (measured on micrograd's demo step, time
relative to the default settings, plain process / with torch imported): call
``gc.freeze()`` once after building the model (0.87-1.02x / 0.80x: it pays
when the process holds much else), raise the first-generation threshold
(``gc.set_threshold(100_000)``: 0.72-0.83x / 0.63-0.66x), or ``gc.disable()``
around the loop if your own code makes no cycles (0.75x / 0.60x). See the
README's "Semantics worth knowing".
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from . import grad_mode as _gm
from .engine import run_backward
from .errors import GradientError
from .ops import scalar_ops as S
from .value import is_value, value_type

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, SupportsFloat

    from .function import Function
    from .tensor import _HookHandle
    from .typing import ScalarLike

__all__ = ["Scalar"]

_ONE = (True,)
_NO_SAVED = ()

_new = object.__new__


def _const(other):
    """``other`` as a Python number if it is a real number, else None."""
    kind = type(other)
    if kind is float or kind is int:
        return other
    if isinstance(other, numbers.Real) and not is_value(other):
        return float(other)  # numpy scalars, bools, Fractions: keep data a Python float
    return None


def _leaf(value):
    out = _new(Scalar)
    out.data = value
    out.grad = 0.0
    out._fn = None
    out._node = None
    out._hooks = None
    out._pass = None  # reached by no backward pass yet (scalar_backward.py)
    return out


def _unary(cls, x):
    """Record ``cls`` on one Scalar (the fast path of ``cls.apply(x)``)."""
    if _gm.departed and (not _gm.modes.grad or _gm.modes.anomaly):
        return cls.apply(x)
    out = _new(Scalar)
    out.data = cls.forward(out, x.data)  # the output is its own node: forward saves _a, _b
    out.grad = 0.0
    out._fn = cls
    out._x = x
    out._y = None
    out._node = None
    out._hooks = None
    out._pass = None
    return out


def _binary(cls, value, other, reflected):
    """Record ``cls`` on ``(value, other)`` or, reflected, ``(other, value)``."""
    if type(other) is Scalar:
        other_data = other.data
    else:
        other_data = _const(other)
        if other_data is None:
            if is_value(other):  # a Tensor: apply raises its clear TypeError
                return cls.apply(other, value) if reflected else cls.apply(value, other)
            return NotImplemented
        other = None  # a constant: its value is saved (_a or _b), it is no input Scalar
    if _gm.departed and (not _gm.modes.grad or _gm.modes.anomaly):
        if other is None:
            other = other_data
        return cls.apply(other, value) if reflected else cls.apply(value, other)
    out = _new(Scalar)
    if reflected:
        out.data = cls.forward(out, other_data, value.data)
        out._x = other
        out._y = value
    else:
        out.data = cls.forward(out, value.data, other_data)
        out._x = value
        out._y = other
    out.grad = 0.0
    out._fn = cls
    out._node = None
    out._hooks = None
    out._pass = None
    return out


def _make_node(value):
    """The ``Function`` node ``cls.apply`` would have recorded for an inline Scalar op."""
    cls = value._fn
    node = _new(cls)
    x, a = value._x, value._a
    if cls.arity == 1:
        node.parents = (x,)
        node.needs_input_grad = _ONE
        cls.forward(node, a)  # recomputed on the same floats: saves what apply's saved
    else:
        y, b = value._y, value._b
        node.parents = (a if x is None else x, b if y is None else y)
        node.needs_input_grad = (x is not None, y is not None)
        cls.forward(node, a, b)
    node.versions = None  # Scalars are never modified in place
    node._saved = _NO_SAVED
    node._output_ref = None
    return node


@value_type
class Scalar:
    """A Python float that records the operations applied to it.

    Parameters
    ----------
    data : float, int, or a one-element Tensor
        The value; stored as a Python float.
    label : str
        A name shown in graph pictures.
    _children, _op
        Accepted and ignored, so micrograd's ``Value(x, (a, b), '+')`` runs:
        the graph is recorded by the ops themselves.

    Example
    -------
    >>> x = Scalar(2.0)
    >>> y = x ** 3
    >>> y.backward()
    >>> x.grad
    12.0
    """

    # NOTE: a Scalar made by an op is its own graph node (one object per op for Python's
    # cycle collector, where a node and its tuple of inputs made three): _fn is the op's
    # class (None for a leaf), _x and _y its input Scalars (None for a constant or a unary
    # op's missing second input), _a and _b the floats its rule needs (see
    # ops/scalar_ops.py). grad_fn builds the Function node from them when asked, and
    # keeps it in _node (where Function.apply's own node lives when it cannot be inlined:
    # custom ops, anomaly mode). _pass, _g and _n are the lean backward loop's: the last
    # pass that reached the Scalar, its gradient summed there, and its consumers still to
    # send theirs (see scalar_backward.py).
    __slots__ = ("data", "grad", "_fn", "_x", "_y", "_a", "_b", "_node", "_hooks", "_pass",
                 "_g", "_n", "_label", "__weakref__")
    data: float
    grad: float | Scalar
    __hash__ = object.__hash__  # identity: Scalars are graph nodes, == compares values
    __array_ufunc__ = None  # make numpy defer `np.float64(2) * s` to Scalar.__rmul__

    requires_grad = True  # micrograd: every value takes part in differentiation
    _retains_grad = True  # ... and keeps its .grad, intermediate values included
    _version = 0  # Scalars have no in-place ops

    def __init__(self, data: SupportsFloat, _children: Iterable[object] = (), _op: str = "",
                 label: str = "") -> None:
        if type(data) is not float:
            if not hasattr(data, "__float__") or isinstance(data, (str, bytes)):
                raise TypeError(f"Scalar: cannot make a Scalar from {type(data).__name__}; "
                                "pass a real number (or a one-element Tensor)")
            if isinstance(data, complex):
                raise TypeError("Scalar: complex numbers are not supported")
            data = float(data)
        self.data = data
        self.grad = 0.0
        self._fn = None
        self._node = None
        self._hooks = None
        self._pass = None
        if label:
            self._label = label

    @classmethod
    def _from_op(cls, raw, node):
        out = _leaf(raw if type(raw) is float else float(raw))
        if node is None:
            return out
        if type(node) in S.BUILTIN_OPS and not _gm.modes.anomaly:
            # the operators' own layout (anomaly mode keeps the node: it holds the
            # creation site its errors report)
            parents, needs = node.parents, node.needs_input_grad
            out._fn = type(node)
            out._x = parents[0] if needs[0] else None
            out._y = parents[1] if len(parents) > 1 and needs[1] else None
            out._a = node._a
            out._b = node._b
        else:
            out._node = node
        return out

    # ------------------------------------------------------------ attributes
    @property
    def label(self) -> str:
        """A name shown in graph pictures ("" unless set).

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.Scalar(2.0, label="a")
        >>> a.label
        'a'
        >>> (a * 3).label
        ''
        """
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    @property
    def grad_fn(self) -> Function | None:
        """The op that made this Scalar (a ``Function`` node), None for a leaf.

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.Scalar(2.0)
        >>> y = a * 3.0
        >>> y.grad_fn.name(), y.grad_fn.parents, a.grad_fn
        ('mul', (Scalar(data=2.0, grad=0.0), 3.0), None)
        """
        node = self._node
        if node is None and self._fn is not None:
            node = self._node = _make_node(self)
        return node

    @property
    def is_leaf(self) -> bool:
        """True for Scalars made by the user rather than by a recorded op.

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.Scalar(2.0)
        >>> a.is_leaf, (a * 3).is_leaf
        (True, False)
        """
        return self._fn is None and self._node is None

    @property
    def _prev(self):
        """micrograd's set of children: the Scalars this one was computed from."""
        if self._fn is not None:
            return {p for p in (self._x, self._y) if p is not None}
        node = self._node
        return set() if node is None else {p for p in node.parents if isinstance(p, Scalar)}

    @property
    def _op(self):
        """micrograd's op label: the name of the op that made this Scalar ("" for leaves)."""
        if self._fn is not None:
            return self._fn.op_name
        node = self._node
        return "" if node is None else node.name()

    def __repr__(self):
        label = self.label
        return (f"Scalar(data={self.data}, grad={self.grad}"
                + (f", label={label!r})" if label else ")"))

    def item(self) -> float:
        """The value as a Python float.

        Examples
        --------
        >>> import graphgrad as gg
        >>> (gg.Scalar(1.5) * 2).item()
        3.0
        """
        return self.data

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return bool(self.data)

    # ------------------------------------------------------------ arithmetic
    # NOTE: __add__ and __mul__ (most of a network's ops) are written out in
    # full for speed; the rest go through _binary / _unary, which record the
    # same nodes with one more call each.
    def __add__(self, other):
        if type(other) is Scalar:
            other_data = other.data
        else:
            other_data = _const(other)
            if other_data is None:
                return _binary(S.ScalarAdd, self, other, False)
            other = None  # a constant (see _binary)
        if _gm.departed and (not _gm.modes.grad or _gm.modes.anomaly):
            return _binary(S.ScalarAdd, self, other_data if other is None else other, False)
        out = _new(Scalar)
        out.data = (x := self.data) + other_data
        out.grad = 0.0
        out._fn = S.ScalarAdd
        out._x = self
        out._y = other
        out._a = x  # ScalarAdd.forward's saved floats (see ops/scalar_ops.py)
        out._b = other_data
        out._node = None
        out._hooks = None
        out._pass = None
        return out

    def __mul__(self, other):
        if type(other) is Scalar:
            other_data = other.data
        else:
            other_data = _const(other)
            if other_data is None:
                return _binary(S.ScalarMul, self, other, False)
            other = None  # a constant (see _binary)
        if _gm.departed and (not _gm.modes.grad or _gm.modes.anomaly):
            return _binary(S.ScalarMul, self, other_data if other is None else other, False)
        out = _new(Scalar)
        out.data = (x := self.data) * other_data
        out.grad = 0.0
        out._fn = S.ScalarMul
        out._x = self
        out._y = other
        out._a = x  # ScalarMul.forward's saved floats (see ops/scalar_ops.py)
        out._b = other_data
        out._node = None
        out._hooks = None
        out._pass = None
        return out

    # NOTE: float + and * commute exactly, so the reflected forms are the same ops
    # (as micrograd's); the recorded node lists this Scalar first.
    __radd__ = __add__
    __rmul__ = __mul__

    def __sub__(self, other):
        return _binary(S.ScalarSub, self, other, False)

    def __rsub__(self, other):
        return _binary(S.ScalarSub, self, other, True)

    def __truediv__(self, other):
        return _binary(S.ScalarDiv, self, other, False)

    def __rtruediv__(self, other):
        return _binary(S.ScalarDiv, self, other, True)

    def __pow__(self, other):
        return _binary(S.ScalarPow, self, other, False)

    def __rpow__(self, other):
        return _binary(S.ScalarPow, self, other, True)

    def __neg__(self):
        return _unary(S.ScalarNeg, self)

    def __pos__(self):
        return self

    # ------------------------------------------------------------ math
    def exp(self) -> Scalar:
        """``e ** self``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(1.0)
        >>> y = x.exp()
        >>> y.backward()
        >>> round(y.data, 4), round(x.grad, 4)
        (2.7183, 2.7183)
        """
        return _unary(S.ScalarExp, self)

    def log(self) -> Scalar:
        """Natural logarithm (``ValueError`` for values <= 0).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(4.0)
        >>> x.log().backward()
        >>> x.grad
        0.25
        """
        return _unary(S.ScalarLog, self)

    def tanh(self) -> Scalar:
        """Hyperbolic tangent.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(0.5)
        >>> y = x.tanh()
        >>> y.backward()
        >>> round(y.data, 4), round(x.grad, 4)
        (0.4621, 0.7864)
        """
        return _unary(S.ScalarTanh, self)

    def sigmoid(self) -> Scalar:
        """Logistic sigmoid ``1 / (1 + e**-self)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(0.0)
        >>> y = x.sigmoid()
        >>> y.backward()
        >>> y.data, x.grad
        (0.5, 0.25)
        """
        return _unary(S.ScalarSigmoid, self)

    def relu(self) -> Scalar:
        """``max(self, 0)``; its gradient at 0 is 0 (micrograd's and PyTorch's).

        Examples
        --------
        >>> import graphgrad as gg
        >>> a, b = gg.Scalar(-2.0), gg.Scalar(0.0)
        >>> (a.relu() + b.relu()).backward()
        >>> a.grad, b.grad
        (0.0, 0.0)
        """
        return _unary(S.ScalarReLU, self)

    # ------------------------------------------------------------ comparisons (values)
    def __lt__(self, other):
        return self.data < _value_of(other)

    def __le__(self, other):
        return self.data <= _value_of(other)

    def __gt__(self, other):
        return self.data > _value_of(other)

    def __ge__(self, other):
        return self.data >= _value_of(other)

    def __eq__(self, other):
        other = _comparable(other)
        return NotImplemented if other is None else self.data == other

    def __ne__(self, other):
        other = _comparable(other)
        return NotImplemented if other is None else self.data != other

    # ------------------------------------------------------------ graph
    def detach(self) -> Scalar:
        """A new leaf Scalar with the same value, cut from the graph.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(3.0)
        >>> y = x * x.detach()
        >>> y.backward()
        >>> x.grad
        3.0
        """
        return _leaf(self.data)

    def retain_grad(self) -> None:
        """Nothing to do: every Scalar keeps its ``.grad``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(3.0)
        >>> h = x * 2
        >>> h.retain_grad()
        >>> (h * h).backward()
        >>> h.grad
        12.0
        """

    def register_hook(self, hook: Callable[[Any], ScalarLike | None]) -> _HookHandle:
        """Call ``hook(grad)`` when this Scalar's gradient is computed.

        ``grad`` is a float (a Scalar under ``create_graph=True``); the hook
        may return a replacement. Returns a handle whose ``remove()``
        unregisters it.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.Scalar(3.0)
        >>> handle = x.register_hook(lambda grad: grad * 10)
        >>> (x * 2).backward()
        >>> x.grad
        20.0
        >>> handle.remove()
        """
        from .tensor import add_hook

        return add_hook(self, hook)

    def backward(self, gradient: ScalarLike | None = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(v) into ``v.grad`` for every Scalar ``v`` this one depends on.

        Parameters
        ----------
        gradient : float, optional
            d(something)/d(self); 1.0 by default.
        retain_graph : bool
            Accepted for Tensor compatibility; Scalar graphs are never freed.
        create_graph : bool
            Record the backward pass, so the gradients (then Scalars) can be
            differentiated again. Prefer ``autograd.grad(..., create_graph=True)``:
            gradients stored in ``.grad`` refer back to the graph (a cycle,
            freed by the garbage collector, as in PyTorch).

        Examples
        --------
        >>> import graphgrad as gg
        >>> a, b = gg.Scalar(2.0), gg.Scalar(-3.0)
        >>> c = a * b + a ** 2
        >>> c.backward()
        >>> a.grad, b.grad
        (1.0, 2.0)
        >>> c.backward()
        >>> a.grad
        2.0
        """
        root_grad = self._root_grad(gradient, create_graph, op="backward")
        run_backward((self,), (root_grad,), retain_graph or create_graph, create_graph)

    # ------------------------------------------------------------ engine protocol
    def _root_grad(self, gradient, create_graph, op):
        if gradient is None:
            grad = 1.0
        elif isinstance(gradient, Scalar):
            if create_graph:
                return gradient
            grad = gradient.data
        else:
            grad = _as_float_grad(gradient, op)
        return _leaf(grad) if create_graph else grad

    def _fit_grad(self, grad, node):
        """A gradient as a float (a Scalar under create_graph), whatever the rule returned."""
        kind = type(grad)
        if kind is float or kind is Scalar:
            return grad
        return _as_float_grad(grad, node.name() if node is not None else "backward")

    def _accumulate_grad(self, grad, handed):
        existing = self.grad
        if type(grad) is float:
            self.grad = existing + grad
        elif type(existing) is not Scalar and existing == 0:
            self.grad = grad  # create_graph: keep the gradient's own graph
        else:
            self.grad = existing + grad

    def _run_hooks(self, grad):
        recorded = type(grad) is Scalar
        for hook in list(self._hooks):
            result = hook(grad)
            if result is not None:
                if recorded and type(result) is Scalar:
                    grad = result
                else:
                    name = f"hook {getattr(hook, '__qualname__', type(hook).__name__)}"
                    value = _as_float_grad(result.data if type(result) is Scalar else result,
                                           name)
                    grad = _leaf(value) if recorded else value
        return grad

    def _wrap_grad(self, grad):
        return grad if type(grad) is Scalar else _leaf(float(grad))


def _as_float_grad(grad, op):
    """A rule's or user's gradient for a Scalar (a number, a one-element array) as a float."""
    if isinstance(grad, numbers.Real) and not is_value(grad):
        return float(grad)
    size = getattr(grad, "size", None)
    if size == 1 and not is_value(grad) and hasattr(grad, "__float__"):
        # numpy 2.4 converts only 0-d arrays with float(): a (1,) or (1, 1) array is reshaped
        return float(grad.reshape(()) if getattr(grad, "ndim", 0) else grad)
    raise GradientError(f"{op}: the gradient of a Scalar must be one number (a float, or a "
                        f"Scalar under create_graph), got {type(grad).__name__}"
                        + (f" of size {size}" if size not in (None, 1) else ""))


def _value_of(other):
    """The number to compare with (a Scalar's data, or the number itself)."""
    return other.data if type(other) is Scalar else other


def _comparable(other):
    if isinstance(other, Scalar):
        return other.data
    return _const(other)
