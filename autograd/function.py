"""``Function``: one differentiable operation, and the graph node it records.

An op is a subclass with two static methods, as in PyTorch::

    class Mul(Function):
        @staticmethod
        def forward(ctx, x, y):          # numpy arrays (or Python floats) in
            ctx.save_for_backward(x, y)
            return x * y                 # an array out
        @staticmethod
        def backward(ctx, grad):         # one gradient per input
            x, y = ctx.saved_tensors
            return grad * y, grad * x

``Mul.apply(a, b)`` unwraps the values, runs ``forward`` and wraps the result.
When grad mode is on and some input requires grad, the instance of ``Mul``
created for the call becomes the output's ``grad_fn``: the graph node. It keeps
its inputs (``parents``) but never its output, so a graph holds no reference
cycle and is freed by reference counting alone.

Backward runs in one of two modes, and a rule written with operators and the
helpers in ``autograd.ops.rule_helpers`` serves both:

* first order (the fast path): ``grad`` and ``saved_tensors`` are plain arrays
  and nothing is recorded;
* ``create_graph=True``: ``grad`` is a value (Tensor or Scalar) and
  ``saved_tensors`` returns the very inputs and output that were saved, so the
  backward pass is itself recorded and can be differentiated again.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from . import grad_mode, readonly
from .devices import check_same_device
from .errors import GraphFreedError, InplaceModificationError, named_error
from .value import is_value

if TYPE_CHECKING:
    from typing import Any, ClassVar

__all__ = ["Function"]

_FREED = object()  # marks saved values released after backward
# the types of values and constants that need no device check (numpy's and Python's)
_HOST_VALUES = frozenset({np.ndarray, float})
_HOST_CONSTANTS = frozenset({np.ndarray, float, int, bool, type(None), str, tuple, slice, list,
                             np.float64, np.float32, np.int64, np.bool_})


def _all_tuples(items, longest):
    """Every tuple of 1 to ``longest`` elements drawn from ``items``, mapped to itself."""
    found = [()]
    for _ in range(longest):
        found = [t + (item,) for t in found for item in items]
        yield from found


# NOTE: the needs_input_grad and versions of almost every node are one of these few tuples
# (versions: 0 for a value not modified yet, None for a constant). A node keeps the shared
# one, not its own copy: fewer allocations per op, so the cycle collector runs less often
# on a long graph (its full passes cost time in proportion to the graph).
_SHARED_NEEDS = {t: t for t in _all_tuples((True, False), 4)}
_SHARED_VERSIONS = {t: t for t in _all_tuples((0, None), 4)}


def _distinguish(raw):
    """Give each input position its own array object (a view where one array repeats).

    ``save_for_backward`` receives these objects, so which input a saved array
    is can then be told by identity even for ``c * Tensor(c)`` or ``x * x``.
    """
    if len(raw) == 2:
        if raw[0] is raw[1] and type(raw[1]) is np.ndarray:
            raw[1] = raw[1].view()
        return
    seen = set()
    for index, item in enumerate(raw):
        if id(item) in seen and type(item) is np.ndarray:
            raw[index] = item.view()
        seen.add(id(item))


class Function:
    """Base class of every op; subclass it to write a custom op.

    Subclasses define static ``forward(ctx, *args)`` and
    ``backward(ctx, grad)`` and are called through ``apply``. Inside them,
    ``ctx`` is the graph node: ``ctx.save_for_backward(...)``,
    ``ctx.saved_tensors``, ``ctx.needs_input_grad`` and any attribute you set
    (``ctx.axis = axis``). Keep arrays (masks, indices) with ``save_for_backward``,
    not as attributes: saved values are read-only while the graph lives, freed
    after backward, and a second backward without ``retain_graph`` raises.

    Examples
    --------
    A cube, written as an op: its rule ``3 x**2`` uses operators only, so it also
    serves ``create_graph=True`` (second derivatives).

    >>> import graphgrad as gg
    >>> class Cube(gg.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y.sum().backward()
    >>> y.data.tolist(), x.grad.tolist()
    ([1.0, 8.0], [3.0, 12.0])
    """

    __slots__ = ("parents", "needs_input_grad", "versions", "_saved", "_output_ref",
                 "_output_version", "_raw", "_lock", "__dict__")
    op_name: ClassVar[str]  # set by each op (name() falls back to the class's name)
    parents: tuple[Any, ...]  # the arguments of apply (values and constants)
    needs_input_grad: tuple[bool, ...]
    versions: tuple[int | None, ...] | None  # each input value's _version when recorded
    _saved: Any  # the tuple given to save_for_backward, or _FREED after backward
    _raw: tuple[Any, ...] | None
    _output_ref: weakref.ref[Any] | None
    _output_version: int
    _lock: Any

    # set by tensor.py: the type apply wraps results of raw arguments in
    value_type: type | None = None
    # False for ops whose values are never modified in place (Scalar ops): no versions
    # recorded, no reference to the output kept (see ScalarFunction)
    tracks_versions = True

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on raw values (arrays or floats); return the result.

        Examples
        --------
        ``forward`` sees arrays, not Tensors; ``apply`` wraps its result:

        >>> import graphgrad as gg
        >>> class PlusOne(gg.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         print(type(x).__name__)
        ...         return x + 1
        >>> PlusOne.apply(gg.tensor([1.0])).tolist()
        ndarray
        [2.0]
        """
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        """Return one gradient per input of ``forward`` (None where not needed).

        Examples
        --------
        An op defined without ``backward`` is not differentiable, and says so:

        >>> import graphgrad as gg
        >>> class Floor(gg.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return np.floor(x)
        >>> y = Floor.apply(gg.tensor([1.5], requires_grad=True))
        >>> try:
        ...     y.sum().backward()
        ... except NotImplementedError as e:
        ...     print(e)
        Floor defines no backward(ctx, grad): it is not differentiable
        """
        raise NotImplementedError(
            f"{type(ctx).__name__} defines no backward(ctx, grad): it is not differentiable")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the op on values (Tensors, Scalars, arrays or numbers) and record it.

        Positional arguments that are values take part in differentiation;
        keyword arguments are passed to ``forward`` as constants.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad.autograd.ops.elementwise import Mul
        >>> a = gg.tensor([2.0], requires_grad=True)
        >>> y = Mul.apply(a, 3.0)
        >>> y, y.grad_fn.needs_input_grad
        (Tensor([6.], dtype=float32, grad_fn=<Mul>), (True, False))
        """
        value_type = getattr(args[0], "_value_type", None) if args else None
        if value_type is None:
            value_type = cls._value_type_of(args)
        raw = []
        needs = []
        versions = []  # each input value's _version (None for constants), for check_versions
        record = lists = foreign = False
        for arg in args:
            if isinstance(arg, value_type):
                data = arg.data
                raw.append(data)
                if type(data) not in _HOST_VALUES:
                    foreign = True
                needed = arg.requires_grad
                needs.append(needed)
                versions.append(arg._version)
                record = record or needed
                continue
            kind = type(arg)
            if kind is list:
                # a list operand (x ** [1, 2, 3]) becomes an array once, here, so the rule
                # sees the same array in forward and backward
                arg = np.asarray(arg)
                lists = True
            elif kind not in _HOST_CONSTANTS:  # NOTE: no value's type is among them
                if is_value(arg):
                    raise TypeError(
                        f"{getattr(cls, 'op_name', cls.__name__)}: cannot mix "
                        f"{value_type.__name__} and {type(arg).__name__} in one op; convert "
                        f"one first, e.g. {value_type.__name__}(value)")
                foreign = True
            raw.append(arg)
            needs.append(False)
            versions.append(None)
        if foreign:  # some value is not numpy's: all arrays must share its device
            check_same_device(getattr(cls, "op_name", cls.__name__), *raw)
        ctx = cls.__new__(cls)
        if lists:
            args = tuple(r if type(a) is list else a for a, r in zip(args, raw))
        ctx.parents = args
        ctx._saved = ()
        ctx._output_ref = None
        anomaly = False
        if grad_mode.departed:  # some thread left the defaults: read this thread's modes
            modes = grad_mode.modes
            record = record and modes.grad
            anomaly = modes.anomaly
        if record and len(raw) > 1 and (raw[0] is raw[1] or len(raw) > 2):
            _distinguish(raw)
        flags = tuple(needs) if record else (False,) * len(args)
        ctx.needs_input_grad = _SHARED_NEEDS.get(flags, flags)
        try:
            if anomaly:
                owner = grad_mode.modes.rule_owner
                if owner is None:
                    grad_mode.record_creation_site(ctx)
                    out = cls.forward(ctx, *raw, **kwargs)
                    grad_mode.check_anomaly(ctx, out, "forward")
                else:
                    # NOTE: an op recorded by a backward rule (create_graph) belongs to that
                    # rule: report a NaN here as the owner's backward, at the owner's line.
                    ctx.created_at = getattr(owner, "created_at", "an unknown location")
                    out = cls.forward(ctx, *raw, **kwargs)
                    grad_mode.check_anomaly(owner, out, "backward")
            elif kwargs:
                out = cls.forward(ctx, *raw, **kwargs)
            else:
                out = cls.forward(ctx, *raw)
        except (ValueError, TypeError, IndexError) as exc:
            # numpy's own errors do not say which op of the user's program failed
            raise named_error(ctx.name(), exc, raw) from None
        if not record:
            return value_type._from_op(out, None)
        if not cls.tracks_versions:
            # NOTE: exactly the fields Scalar's inline fast paths set (a test pins them)
            ctx.versions = None
            return value_type._from_op(out, ctx)
        # NOTE: tuples, not lists: the collector stops tracking a tuple of numbers and arrays
        # at its first pass, so a long graph costs it fewer objects.
        recorded = tuple(versions)
        ctx.versions = _SHARED_VERSIONS.get(recorded, recorded)
        result = value_type._from_op(out, ctx)
        saved = ctx._saved
        if saved:
            # NOTE: raw holds one distinct object per input (see _distinguish), so
            # saved_tensors can tell later, by identity, which input a saved value is.
            ctx._raw = raw_inputs = tuple(raw)
            for item in saved:
                if item is out:
                    ctx._output_ref = weakref.ref(result)
                    ctx._output_version = result._version
                    if result.data is not out:
                        # NOTE: numpy returns scalars for 0-d results; _from_op wrapped it in
                        # a new array, so save that array (the output's) in its place.
                        ctx._saved = saved = (result.data,) if len(saved) == 1 else tuple(
                            [result.data if s is out else s for s in saved])
                    break
            ctx._lock = readonly.protect(ctx.parents, raw_inputs, saved, result.data)
        return result

    @staticmethod
    def _value_type_of(args):
        for arg in args:
            value_type = getattr(arg, "_value_type", None)
            if value_type is not None:
                return value_type
        return Function.value_type

    # ------------------------------------------------------------ ctx API
    def save_for_backward(self, *values: Any) -> None:
        """Keep ``values`` (inputs, the output, or constants) for ``backward``.

        Inputs and the output come back as values connected to the graph when
        backward records itself (``create_graph=True``); anything else is a
        constant there.

        Examples
        --------
        >>> import graphgrad as gg
        >>> class Square(gg.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = gg.tensor(3.0, requires_grad=True)
        >>> Square.apply(x).backward()
        >>> x.grad
        Tensor(6., dtype=float32)
        """
        self._saved = values

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The values given to ``save_for_backward``, in the same order.

        On the first-order path they are the raw arrays saved; when backward
        records itself (``create_graph=True``) a saved input or output comes
        back as that graph value, anything else as the constant it is. Inputs
        are told apart by position: each was handed to ``forward`` as its own
        object, so a constant that is the very array of a variable input
        (``c * Tensor(c)``, ``2.0 / a``) stays a constant.

        Examples
        --------
        After backward (without ``retain_graph``) the saved values are freed:

        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * x).sum()
        >>> node = y.grad_fn.parents[0].grad_fn  # the Mul
        >>> len(node.saved_tensors)
        2
        >>> y.backward()
        >>> try:
        ...     node.saved_tensors
        ... except gg.GraphFreedError:
        ...     print("freed")
        freed
        """
        saved = self._saved
        if saved is _FREED:
            raise self._freed_error()
        if not saved or not grad_mode.modes.grad:
            return saved
        raw, ref = self._raw, self._output_ref
        output = None if ref is None else ref()
        values = []
        for item in saved:
            for index, arg in enumerate(raw or ()):  # set while saved values live
                if arg is item:
                    values.append(self.parents[index])
                    break
            else:
                values.append(output if output is not None and output.data is item else item)
        return tuple(values)

    def _freed_error(self):
        return GraphFreedError(
            f"{self.name()}: backward through the graph a second time, but its saved values "
            "were freed by the first backward; pass retain_graph=True to the first backward() "
            "if you need to call it again")

    @property
    def saved_values(self) -> tuple[Any, ...]:
        """Alias of ``saved_tensors`` that reads naturally for Scalar ops.

        Examples
        --------
        >>> import graphgrad as gg
        >>> a = gg.Scalar(3.0)
        >>> node = (a * a).grad_fn
        >>> node.saved_values == node.saved_tensors
        True
        """
        return self.saved_tensors

    def mark_non_differentiable(self, *values: Any) -> None:
        """Accepted for PyTorch compatibility; outputs here are single values.

        Examples
        --------
        >>> import graphgrad as gg
        >>> class Argmax(gg.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.mark_non_differentiable()  # a no-op here, as a port from torch keeps it
        ...         return np.argmax(x, keepdims=True)
        >>> Argmax.apply(gg.tensor([1.0, 5.0, 2.0])).tolist()
        [1]
        """

    # ------------------------------------------------------------ engine API
    def check_versions(self) -> None:
        """Raise if an input or saved output was modified in place since recording.

        Backward calls it on every node; a wrong gradient becomes an error.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x * 2
        >>> y = h * h
        >>> h += 1
        >>> try:
        ...     y.grad_fn.check_versions()
        ... except gg.InplaceModificationError:
        ...     print("modified in place after use")
        modified in place after use
        """
        for arg, version in zip(self.parents, self.versions or ()):  # None: untracked
            if version is not None and arg._version != version:
                raise InplaceModificationError(
                    f"{self.name()}: an input of shape {getattr(arg, 'shape', ())} was modified "
                    f"in place (version {version} -> {arg._version}) after {self.name()} used it, "
                    "so its gradient would be wrong; use an out-of-place op (x = x + y instead "
                    "of x += y) or clone the tensor before modifying it")
        ref = self._output_ref
        if ref is not None:
            output = ref()
            if output is not None and output._version != self._output_version:
                raise InplaceModificationError(
                    f"{self.name()}: its output was modified in place after it was computed, but "
                    f"{self.name()}'s backward needs it; use an out-of-place op instead")

    def release_saved(self) -> None:
        """Drop saved values after backward (unless ``retain_graph``) and unlock their arrays.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0], requires_grad=True)
        >>> node = (x * x).grad_fn
        >>> node.release_saved()
        >>> try:
        ...     node.saved_tensors
        ... except gg.GraphFreedError:
        ...     print("released")
        released
        """
        if self._saved:
            self._saved = _FREED
        self._output_ref = self._raw = self._lock = None

    def name(self) -> str:
        """The op's name as shown in errors and pictures (``matmul``, ``sum(axis=1)``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> (gg.ones((2, 2), requires_grad=True) @ gg.ones((2, 2))).grad_fn.name()
        'matmul'
        """
        return getattr(type(self), "op_name", type(self).__name__.lower())

    def __repr__(self):
        return f"<{type(self).__name__} node>"
