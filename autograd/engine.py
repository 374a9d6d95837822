"""Reverse-mode differentiation over the recorded graph.

``run_backward`` walks the graph once, iteratively (no recursion, so a chain
of a million ops works): first it counts, for every value reachable from the
roots, how many recorded ops consumed it; then it releases a value when all
of its consumers have sent their gradient (Kahn's algorithm), calls its op's
backward once, and passes the results on to the op's inputs. Leaves and
values that retain their gradient accumulate it into ``.grad``.
"""
from __future__ import annotations

import gc
import threading
import warnings
from typing import TYPE_CHECKING

from . import grad_mode
from .errors import GradientError
from .indexed_grad import IndexedGrad
from .scalar_backward import backward_scalars

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from .function import Function
    from .scalar import Scalar
    from .tensor import Tensor
    from .typing import ScalarLike, TensorLike

__all__ = ["toposort", "count_consumers", "run_backward", "backward_step", "grad",
           "BackwardPass", "current_backward", "queue_callback"]


class BackwardPass:
    """One running backward pass (see ``current_backward``).

    Attributes
    ----------
    accumulates : bool
        True for ``.backward()`` (leaves accumulate into ``.grad``), False for
        ``autograd.grad`` (gradients are returned, no ``.grad`` changes).
    callbacks : list
        Callables queued with ``queue_callback``; run in order, without
        arguments, after the pass wrote every ``.grad``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.autograd.engine import current_backward
    >>> seen = []
    >>> x = gg.tensor(2.0, requires_grad=True)
    >>> _ = x.register_hook(lambda g: seen.append(current_backward().accumulates))
    >>> (x * x).backward()
    >>> seen
    [True]
    """

    __slots__ = ("accumulates", "callbacks")

    def __init__(self, accumulates: bool) -> None:
        self.accumulates = accumulates
        self.callbacks: list = []


# NOTE: a stack per thread: a hook may itself call backward (a nested pass), and
# threads run their passes independently.
_running = threading.local()
# NOTE: passes in several threads may share leaves (one model, several batches): .grad's
# read-add-write (numpy's += releases the GIL) must not interleave, or a sum is lost.
_grad_writes = threading.Lock()


def current_backward() -> BackwardPass | None:
    """Return the innermost backward pass running on this thread, or None.

    Gradient hooks use it to tell ``.backward()`` (``accumulates`` True) from
    ``autograd.grad`` (False).

    Returns
    -------
    BackwardPass or None

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> seen = []
    >>> handle = x.register_hook(lambda g: seen.append(gg.current_backward().accumulates))
    >>> (x * x).sum().backward(); _ = gg.grad((x * x).sum(), x)
    >>> seen, gg.current_backward() is None
    ([True, False], True)
    """
    stack = getattr(_running, "stack", None)
    return stack[-1] if stack else None


def queue_callback(callback: Callable[[], object]) -> None:
    """Run ``callback()`` once the current backward pass has finished.

    Callable only while a pass runs (from a gradient hook or a Function's
    backward), like PyTorch's ``Variable._execution_engine.queue_callback``.
    Callbacks run in the order queued, after every ``.grad`` of the pass is
    written (for ``autograd.grad``, before its results are returned); a
    callback may queue further callbacks, which run in the same pass. If the
    pass raises, its queued callbacks are dropped.

    Parameters
    ----------
    callback : callable
        Called without arguments.

    Raises
    ------
    GradientError
        When no backward pass runs on this thread.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> log = []
    >>> h = x.register_hook(lambda g: gg.queue_callback(lambda: log.append(x.grad.tolist())))
    >>> (3 * x).sum().backward()
    >>> log
    [[3.0, 3.0]]
    """
    running = current_backward()
    if running is None:
        raise GradientError("queue_callback: no backward pass is running on this thread; call "
                            "it from a gradient hook or a Function's backward")
    if not callable(callback):
        raise GradientError(f"queue_callback: expected a callable, got "
                            f"{type(callback).__name__}")
    running.callbacks.append(callback)


def toposort(roots: Iterable[Tensor | Scalar]) -> list[Tensor | Scalar]:
    """Return the values reachable from ``roots``, each after all its consumers.

    The order is the one backward visits values in; deterministic, because
    inputs are visited in argument order.

    Examples
    --------
    >>> import graphgrad as gg
    >>> a = gg.tensor(1.0, requires_grad=True)
    >>> b = (a * 2).relu()
    >>> [type(v.grad_fn).__name__ if v.grad_fn else "leaf" for v in gg.toposort([b])]
    ['ReLU', 'Mul', 'leaf']
    """
    consumers = count_consumers(roots)
    order = []
    ready = [r for r in dict.fromkeys(roots) if consumers.get(r, 0) == 0]
    while ready:
        value = ready.pop()
        order.append(value)
        node = value.grad_fn
        if node is None:
            continue
        for parent, needed in zip(node.parents, node.needs_input_grad):
            if needed:
                consumers[parent] -= 1
                if consumers[parent] == 0:
                    ready.append(parent)
    return order


def count_consumers(roots):
    """Map each value reachable from ``roots`` to the number of ops that used it."""
    # NOTE: roots start at 0 so that a root reached again as an input is counted
    # but not walked twice; every other value is walked when first counted.
    consumers = dict.fromkeys(roots, 0)
    get = consumers.get
    stack = [r.grad_fn for r in consumers if r.grad_fn is not None]
    while stack:
        node = stack.pop()
        for parent, needed in zip(node.parents, node.needs_input_grad):
            if needed:
                count = get(parent)
                if count is None:
                    consumers[parent] = 1
                    if parent.grad_fn is not None:
                        stack.append(parent.grad_fn)
                else:
                    consumers[parent] = count + 1
    return consumers


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, inputs=None):
    """Send ``root_grads`` back from ``roots`` through the graph.

    With ``inputs=None`` every leaf (and every value that retains its grad)
    accumulates its gradient into ``.grad``. With ``inputs`` given, nothing is
    accumulated and the gradients of ``inputs`` are returned in order (``None``
    for an input the roots do not depend on): this is ``autograd.grad``.
    """
    # NOTE: a float gradient at the root means a Scalar graph (a Tensor's is an array):
    # first order into .grad, it takes the lean loop if it is made of the Scalar
    # operators' ops alone, without hooks (autograd/scalar_backward.py).
    if (inputs is None and not create_graph and len(roots) == 1
            and type(root_grads[0]) is float and not grad_mode.modes.anomaly
            and backward_scalars(roots[0], root_grads[0])):
        return None
    consumers = count_consumers(roots)
    grads = {}
    for root, grad in zip(roots, root_grads):
        grads[root] = grads[root] + grad if root in grads else grad
    wanted = None if inputs is None else {value: None for value in inputs}
    ready = [r for r in dict.fromkeys(roots) if consumers[r] == 0]
    handed = set()  # ids of arrays stored as some .grad (see Tensor._accumulate_grad)
    # NOTE: .grad is written only once the whole pass succeeded, so an error part-way
    # (in-place modified input, freed graph, bad hook) leaves every .grad as it was.
    finished_values, finished_grads = [], []
    # NOTE: the pass allocates a tuple per node but creates no reference cycle, so
    # the cycle collector has nothing to find here; pausing it saves the dozens of
    # collections (some full, over the whole graph) that those allocations trigger.
    pause_collector = gc.isenabled()
    stack = getattr(_running, "stack", None)
    if stack is None:
        stack = _running.stack = []
    running = BackwardPass(wanted is None)
    stack.append(running)
    try:
        if pause_collector:
            gc.disable()
        try:
            _propagate(ready, grads, consumers, wanted, finished_values, finished_grads,
                       retain_graph, create_graph)
        finally:
            if pause_collector:
                gc.enable()
        if any(consumers.values()):
            _raise_for_cycle(consumers)
        with _grad_writes:
            for value, grad in zip(finished_values, finished_grads):
                value._accumulate_grad(grad, handed)
        callbacks = running.callbacks
        index = 0
        while index < len(callbacks):  # NOTE: a callback may queue more callbacks
            callbacks[index]()
            index += 1
    finally:
        stack.pop()
    if wanted is not None:
        return tuple(wanted[value] for value in inputs)
    return None


def _raise_for_cycle(consumers):
    """Some values were never released: an in-place op made the graph a cycle.

    ``a += b`` with ``b`` computed from ``a`` makes ``a``'s new node an input of
    its own history. Kahn's order then never reaches the ops in the cycle, which
    would silently get no gradient; one of them used ``a`` before the write, and
    its version check says which.
    """
    for value, count in consumers.items():
        if count and value.grad_fn is not None and value.grad_fn.versions is not None:
            value.grad_fn.check_versions()
    raise GradientError("backward: the graph has a cycle (a tensor was modified in place with "
                        "a value computed from itself); use an out-of-place op (x = x + y)")


def _propagate(ready, grads, consumers, wanted, finished_values, finished_grads,
               retain_graph, create_graph):
    """The backward loop of ``run_backward``: release values in Kahn order."""
    anomaly = grad_mode.modes.anomaly
    accumulate = wanted is None
    get = grads.get
    pop = grads.pop
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            value = ready.pop()
            grad = pop(value, None)
            if grad is not None:
                if type(grad) is IndexedGrad:
                    grad = grad.to_dense()
                if value._hooks:
                    grad = value._run_hooks(grad)
                if accumulate:
                    # NOTE: requires_grad_(False) after forward freezes a leaf: no .grad
                    # (PyTorch); a non-leaf keeps its grad only after retain_grad().
                    if value._retains_grad if value.grad_fn is not None else value.requires_grad:
                        finished_values.append(value)
                        finished_grads.append(grad)
            if not accumulate and value in wanted:
                wanted[value] = grad
            node = value.grad_fn
            if node is None:
                continue
            parents = node.parents
            if grad is None:
                parent_grads = (None,) * len(parents)
            else:
                parent_grads = _run_rule(node, grad, retain_graph, anomaly)
            # NOTE: one pass fits each gradient to its input and passes it on (_step's fitting)
            for parent, parent_grad, needed in zip(parents, parent_grads, node.needs_input_grad):
                if not needed:
                    continue
                if parent_grad is not None:
                    if type(parent_grad) is not float:  # floats: Scalar graphs, nothing to fit
                        parent_grad = parent._fit_grad(parent_grad, node)
                    existing = get(parent)
                    if existing is None:
                        grads[parent] = parent_grad
                    elif type(parent_grad) is IndexedGrad:
                        # NOTE: IndexedGrad on the left: only numpy's arrays defer `array +
                        # IndexedGrad` to it (array-api-strict's raise TypeError)
                        grads[parent] = parent_grad + existing
                    else:
                        grads[parent] = existing + parent_grad
                remaining = consumers[parent] - 1
                consumers[parent] = remaining
                if not remaining:
                    ready.append(parent)


def _count_error(node, parent_grads):
    parents = node.parents
    return GradientError(
        f"{node.name()}: backward returned {len(parent_grads)} gradients for "
        f"{len(parents)} inputs; return one per input of forward "
        "(None for inputs without a gradient)")


def backward_step(node: Function, grad: Any, retain_graph: bool = False) -> tuple[Any, ...]:
    """Run one recorded op's backward rule on ``grad``, exactly as ``backward()`` does.

    Checks that no input was modified in place since the op was recorded,
    calls ``node.backward(node, grad)``, and fits each returned gradient to
    its input (summed back over broadcast axes, cast to the input's dtype).
    Nothing is accumulated into any ``.grad`` and hooks are not run. Grad
    mode decides, as in backward, whether the rule itself is recorded.

    Parameters
    ----------
    node : Function
        A recorded op: a value's ``grad_fn``.
    grad : array_like or value
        The gradient arriving at the op's output (shaped like the output).
    retain_graph : bool
        Keep the op's saved values, so its backward can run again.

    Returns
    -------
    tuple
        One gradient per input (``node.parents``), None where the input
        needs none.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x * 3.0
    >>> gg.backward_step(y.grad_fn, gg.tensor([1.0, 1.0]).data)
    (array([3., 3.], dtype=float32), None)
    """
    grads = _step(node, grad, retain_graph, grad_mode.modes.anomaly)
    return tuple(g.to_dense() if type(g) is IndexedGrad else g for g in grads)


def _step(node, grad, retain_graph, anomaly):
    """``backward_step``, with anomaly mode read once per pass by the caller."""
    parent_grads = _run_rule(node, grad, retain_graph, anomaly)
    fitted = []
    for parent, parent_grad, needed in zip(node.parents, parent_grads, node.needs_input_grad):
        if not needed:
            parent_grad = None
        elif parent_grad is not None and type(parent_grad) is not float:
            # floats: Scalar graphs, nothing to fit
            parent_grad = parent._fit_grad(parent_grad, node)
        fitted.append(parent_grad)
    return fitted


def _run_rule(node, grad, retain_graph, anomaly):
    """Check ``node``'s inputs, run its rule on ``grad``, free its saved values; one grad each.

    The gradients are returned as the rule gave them (not yet fitted to their inputs).
    """
    if node.versions is not None:
        node.check_versions()
    if anomaly:
        owner, grad_mode.modes.rule_owner = grad_mode.modes.rule_owner, node
        try:
            parent_grads = node.backward(node, grad)
        finally:
            grad_mode.modes.rule_owner = owner
    else:
        parent_grads = node.backward(node, grad)
    if type(parent_grads) is not tuple:
        parent_grads = (parent_grads,)
    if len(parent_grads) != len(node.parents):
        raise _count_error(node, parent_grads)
    if anomaly:
        grad_mode.check_anomaly(node, parent_grads, "backward")
    if node._saved and not retain_graph:
        node.release_saved()
    return parent_grads


def grad(outputs: Tensor | Scalar | Sequence[Tensor | Scalar],
         inputs: Tensor | Scalar | Sequence[Tensor | Scalar],
         grad_outputs: TensorLike | ScalarLike | Sequence[TensorLike | ScalarLike | None]
         | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool | None = None, allow_unused: bool = False) -> tuple[Any, ...]:
    """Return the gradients of ``outputs`` with respect to ``inputs`` (a tuple).

    Like ``torch.autograd.grad``: nothing is accumulated into ``.grad``. With
    ``create_graph=True`` the returned gradients are themselves differentiable.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor(3.0, requires_grad=True)
    >>> (dx,) = gg.grad(x ** 3, x, create_graph=True)   # 3 x^2 = 27
    >>> gg.grad(dx, x)                                   # 6 x = 18
    (Tensor(18., dtype=float32),)
    """
    if only_inputs is not None:
        # NOTE: PyTorch's deprecated keyword, accepted (and ignored) with PyTorch's warning.
        warnings.warn("grad: only_inputs is deprecated and ignored (gradients are only "
                      "computed for inputs)", DeprecationWarning, stacklevel=2)
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    grad_outputs = _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise GradientError(f"grad: got {len(grad_outputs)} grad_outputs for "
                            f"{len(outputs)} outputs; pass one per output")
    for index, value in enumerate(inputs):
        if not value.requires_grad:
            raise GradientError(f"grad: input {index} does not require grad; create it with "
                                "requires_grad=True or call .requires_grad_()")
    roots, root_grads = [], []
    for index, (output, grad_output) in enumerate(zip(outputs, grad_outputs)):
        if not output.requires_grad:
            raise GradientError(f"grad: output {index} does not require grad (it was not "
                                "computed from any input that requires grad)")
        roots.append(output)
        root_grads.append(output._root_grad(grad_output, create_graph, op="grad"))
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(roots, root_grads, retain_graph, create_graph, inputs=inputs)
    wrapped = []
    for index, (value, result) in enumerate(zip(inputs, results)):
        if result is None and not allow_unused:
            raise GradientError(
                f"grad: input {index} (shape {getattr(value, 'shape', ())}) was not used to "
                "compute the outputs; pass allow_unused=True to get None for it")
        wrapped.append(None if result is None else value._wrap_grad(result))
    return tuple(wrapped)


def _as_tuple(values: Any) -> tuple[Any, ...]:
    if isinstance(values, (tuple, list)):
        return tuple(values)
    return (values,)
