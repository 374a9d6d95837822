"""The value protocol: what the engine needs of a value type, written down once.

A *value* is anything that takes part in differentiation: a ``Tensor`` (a
numpy array) or a ``Scalar`` (a Python float), and subclasses such as
``nn.Parameter``. ``Function.apply`` and ``engine.run_backward`` know nothing
else about them than the members of ``Value`` below, so a third value type
would only have to provide these. ``is_value(x)`` is the one test for "is
``x`` a graph value" used throughout the package; ``value_type`` registers a
class as one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .function import Function

__all__ = ["Value", "is_value", "value_type", "increment_version"]

_VALUE_TYPES: tuple[type, ...] = ()


class Value(Protocol):
    """The members the engine uses on a value (Tensor, Scalar).

    Public members, read and written by users, ``nn`` and ``viz``:

    * ``data``: the value (a numpy array, a float); may be reassigned;
    * ``grad``: the accumulated gradient (a value or a number), or None;
    * ``requires_grad``: whether ops on it are recorded;
    * ``grad_fn``: the node (a ``Function`` instance) that made it, None for a leaf.

    Engine members, private to ``graphgrad.autograd`` (``nn`` and ``viz`` never
    touch them; a test keeps it so):

    * ``_value_type``: the class results of ops on it are wrapped in (the
      registered class itself, also for subclasses such as ``nn.Parameter``);
    * ``_version``: bumped by every in-place change; recorded nodes compare it
      at backward time (see ``increment_version``);
    * ``_hooks`` (None or a list) and ``_retains_grad``: what backward must do
      with the gradient arriving at this value;
    * ``_from_op(raw, node)``: wrap an op's raw result (``node`` None: a leaf);
    * ``_root_grad(gradient, create_graph, op)``: the gradient that starts a
      backward pass here (``gradient=None``: the implied one);
    * ``_fit_grad(grad, node)``: a rule's gradient made to fit this value
      (summed to its shape, cast to its dtype);
    * ``_run_hooks(grad)``, ``_accumulate_grad(grad, handed)``,
      ``_wrap_grad(grad)``: run hooks, add into ``.grad``, and wrap a raw
      gradient as a value (for ``grad()``'s results).

    Examples
    --------
    >>> import graphgrad as gg
    >>> for v in (gg.Scalar(3.0), gg.tensor(3.0, requires_grad=True)):
    ...     y = v * v
    ...     y.backward()
    ...     print(type(y).__name__, y.requires_grad, y.grad_fn.name(), v.is_leaf, float(v.grad))
    Scalar True mul True 6.0
    Tensor True mul True 6.0
    """

    data: Any
    grad: Any
    requires_grad: bool
    grad_fn: Function | None
    _value_type: type
    _version: int
    _hooks: list | None
    _retains_grad: bool

    @classmethod
    def _from_op(cls, raw: Any, node: Function | None) -> Value: ...

    def _root_grad(self, gradient: Any, create_graph: bool, op: str) -> Any: ...

    def _fit_grad(self, grad: Any, node: Function) -> Any: ...

    def _run_hooks(self, grad: Any) -> Any: ...

    def _accumulate_grad(self, grad: Any, handed: set[int]) -> None: ...

    def _wrap_grad(self, grad: Any) -> Value: ...


def value_type(cls: type) -> type:
    """Class decorator: register ``cls`` as a value type of the engine.

    Sets ``cls._value_type`` and makes ``is_value`` true for its instances
    (and its subclasses'). The class must provide the members of ``Value``.
    """
    global _VALUE_TYPES
    setattr(cls, "_value_type", cls)  # noqa: B010 - mypy: a plain type has no such member
    _VALUE_TYPES = (*_VALUE_TYPES, cls)
    return cls


def is_value(obj: object) -> bool:
    """True if ``obj`` is a graph value (a Tensor, a Scalar, or a subclass of one).

    Arrays and numbers (the raw values gradient rules see on the fast path)
    are not values.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.is_value(gg.tensor([1.0])), gg.is_value(gg.Scalar(2.0)), gg.is_value(2.0)
    (True, True, False)
    """
    return isinstance(obj, _VALUE_TYPES)


def increment_version(value: Value) -> None:
    """Record that ``value.data`` was changed in place outside any recorded op.

    Code that writes into a tensor's array directly (an optimizer step with
    ``np.add(p.data, ..., out=p.data)``) calls this, so that a graph which
    used the old values raises ``InplaceModificationError`` at backward
    instead of computing a silently wrong gradient (PyTorch's
    ``torch.autograd.graph.increment_version``). An array a live graph saved is
    read-only: use ``writable_data`` to get one to write into. Scalars have no in-place
    ops: reassigning ``Scalar.data`` never changes a recorded graph.

    Example
    -------
    >>> import graphgrad as gg
    >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (w + 1.0).sum()       # add saves nothing, so w's array stays writable
    >>> w.data *= 0.5
    >>> gg.increment_version(w)
    >>> try:
    ...     y.backward()
    ... except gg.InplaceModificationError:
    ...     print("refused: w changed after y used it")
    refused: w changed after y used it
    """
    from .tensor import Tensor  # here: tensor.py imports this module

    if not isinstance(value, Tensor):
        raise TypeError(f"increment_version: expected a Tensor, got {type(value).__name__} "
                        "(Scalars have no in-place ops: reassigning Scalar.data is always safe)")
    value._version += 1
