"""The lean backward loop of Scalar graphs: ``engine.run_backward``'s fast path.

A first-order ``Scalar.backward()`` (no ``create_graph``, no anomaly mode, not
``autograd.grad``) over a graph of the Scalar operators' inline ops with no hook
anywhere needs none of the generic loop's bookkeeping: no versions to check
(Scalars are never modified in place), no saved values to release (floats), no
gradients to fit to a shape (floats), no hooks. ``backward_scalars`` walks such
a graph in the generic loop's Kahn order (hence the same sums, bit for bit: a
test pins the two) straight over the Scalars' own slots: a Scalar made by an
op is its own node, with its op's class in ``_fn``, its input Scalars in ``_x``
and ``_y`` (None for a constant), and the floats its rule needs in ``_a`` and
``_b`` (see ``autograd.scalar``). Anything else (a hook, a custom ``Function``,
a node kept by anomaly mode) makes it return False and the generic loop runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scalar import Scalar

__all__ = ["backward_scalars"]


def backward_scalars(root: Scalar, grad: float) -> bool:
    """Accumulate ``grad`` sent back from ``root`` into every ``.grad`` of its graph.

    Returns False, having changed nothing, if the graph is not one the lean
    loop takes (see the module docstring); True once every ``.grad`` is written.
    """
    consumers = _count_consumers(root)
    if consumers is None:
        return False
    grads = {root: grad}
    finished_values, finished_grads = _propagate(root, grads, consumers)
    # NOTE: .grad is written only now, as in the generic loop. Every Scalar requires and
    # keeps its grad: each one released accumulates, and the leaves' sums, still in
    # grads (a leaf never enters the loop), too. `existing + grad` is
    # Scalar._accumulate_grad's float case (.grad may hold an int, a numpy number, or
    # a Scalar left by a create_graph pass).
    for values in (zip(finished_values, finished_grads), grads.items()):
        for value, value_grad in values:
            value.grad = value.grad + value_grad
    return True


def _count_consumers(root):
    """Map each op-made Scalar reachable from ``root`` to the number of ops using it.

    Leaves get no count (they have nothing to release). None if the graph is
    not one the lean loop takes: a hook, or a Scalar whose node is a
    ``Function`` of its own (``_node`` set while ``_fn`` is None).
    """
    if root._hooks or (root._fn is None and root._node is not None):
        return None
    consumers = {}
    get = consumers.get
    stack = [root] if root._fn is not None else []
    while stack:
        value = stack.pop()
        for parent in (value._x, value._y):
            if parent is None:
                continue
            count = get(parent)
            if count is not None:
                consumers[parent] = count + 1
            elif parent._hooks:
                return None
            elif parent._fn is not None:
                consumers[parent] = 1
                stack.append(parent)
            elif parent._node is not None:
                return None
    return consumers


def _propagate(root, grads, consumers):
    """Release the values in Kahn order; return them and their gradients, in that order.

    A value is released when every op that used it has sent its gradient;
    its op's ``rule(grad, a, b)`` then sends the gradients on to its inputs.
    Leaves' sums stay in ``grads``.
    """
    finished_values, finished_grads = [], []
    pop = grads.pop
    get = grads.get
    ready = [root] if root._fn is not None else []
    while ready:
        value = ready.pop()
        grad = pop(value)
        finished_values.append(value)
        finished_grads.append(grad)
        grad_x, grad_y = value._fn.rule(grad, value._a, value._b)
        for parent, parent_grad in ((value._x, grad_x), (value._y, grad_y)):
            if parent is None:
                continue
            existing = get(parent)
            grads[parent] = parent_grad if existing is None else existing + parent_grad
            if parent._fn is not None:  # a leaf has no count: nothing to release
                remaining = consumers[parent] - 1
                if remaining:
                    consumers[parent] = remaining
                else:
                    ready.append(parent)
    return finished_values, finished_grads
