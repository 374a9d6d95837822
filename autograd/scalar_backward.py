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
    stack = [root] if root._fn is not None else []
    pop, push = stack.pop, stack.append
    # NOTE: the two inputs are handled by two copies of the same lines, not a loop over
    # (value._x, value._y): that tuple and loop per value cost a fifth of the pass.
    while stack:
        value = pop()
        parent = value._x
        if parent is not None:
            if parent in consumers:
                consumers[parent] += 1
            elif parent._hooks:
                return None
            elif parent._fn is not None:
                consumers[parent] = 1
                push(parent)
            elif parent._node is not None:
                return None
        parent = value._y
        if parent is not None:
            if parent in consumers:
                consumers[parent] += 1
            elif parent._hooks:
                return None
            elif parent._fn is not None:
                consumers[parent] = 1
                push(parent)
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
    finish_value, finish_grad = finished_values.append, finished_grads.append
    take, get = grads.pop, grads.get
    ready = [root] if root._fn is not None else []
    pop, push = ready.pop, ready.append
    # NOTE: two copies of the same lines for the two inputs (see _count_consumers)
    while ready:
        value = pop()
        grad = take(value)  # out of grads, which so stays small
        finish_value(value)
        finish_grad(grad)
        grad_x, grad_y = value._fn.rule(grad, value._a, value._b)
        parent = value._x
        if parent is not None:
            existing = get(parent)
            grads[parent] = grad_x if existing is None else existing + grad_x
            if parent._fn is not None:  # a leaf has no count: nothing to release
                remaining = consumers[parent] - 1
                if remaining:
                    consumers[parent] = remaining
                else:
                    push(parent)
        parent = value._y
        if parent is not None:
            existing = get(parent)
            grads[parent] = grad_y if existing is None else existing + grad_y
            if parent._fn is not None:
                remaining = consumers[parent] - 1
                if remaining:
                    consumers[parent] = remaining
                else:
                    push(parent)
    return finished_values, finished_grads
