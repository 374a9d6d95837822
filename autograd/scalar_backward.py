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

The pass keeps its sums and counts on the Scalars too, not in dicts: ``_g`` is
the gradient summed so far and ``_n`` the number of consumers still to send
theirs, both valid only while ``_pass`` is the pass's own token (a value whose
``_pass`` is anything else has not been reached yet; what older passes left
there is never read, so an error or interrupt part-way leaves nothing to clean
up). One pass at a time may write these slots: a pass that finds the lock
taken (another thread's pass, or a pass started from inside one) takes the
generic loop, which keeps its sums in dicts.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scalar import Scalar

__all__ = ["backward_scalars"]

_lock = threading.Lock()


class _NotLean(Exception):
    """The graph is not one the lean loop takes (see ``_count_consumers``)."""


def backward_scalars(root: Scalar, grad: float) -> bool:
    """Accumulate ``grad`` sent back from ``root`` into every ``.grad`` of its graph.

    Returns False, having changed nothing, if the graph is not one the lean
    loop takes (see the module docstring) or another pass holds the loop;
    True once every ``.grad`` is written.
    """
    if not _lock.acquire(blocking=False):
        return False
    try:
        token = object()
        try:
            reached = _count_consumers(root, grad, token)
        except _NotLean:
            return False
        _propagate(root)
        # NOTE: .grad is written only now, as in the generic loop. Every Scalar requires
        # and keeps its grad: each one reached accumulates. `existing + grad` is
        # Scalar._accumulate_grad's float case (.grad may hold an int, a numpy number,
        # or a Scalar left by a create_graph pass).
        for value in reached:
            value.grad = value.grad + value._g
        return True
    finally:
        _lock.release()


def _count_consumers(root, grad, token):
    """Reach every Scalar ``root`` depends on; return them (``root`` first).

    Each one reached gets ``_pass = token`` and ``_g = -0.0`` (the root:
    ``grad``); each op-made one ``_n``, the number of ops of the graph using it
    (leaves have nothing to release). Raises ``_NotLean`` at a hook, or at a
    Scalar whose node is a ``Function`` of its own (``_node`` set while ``_fn``
    is None).
    """
    if root._hooks or (root._fn is None and root._node is not None):
        raise _NotLean
    root._pass = token
    root._g = grad
    reached = [root]
    stack = [root] if root._fn is not None else []
    pop, push, reach = stack.pop, stack.append, reached.append
    # NOTE: -0.0 is the sum of nothing: -0.0 + g is g bit for bit, even for g = -0.0, so
    # the sums equal the generic loop's (which starts from the first gradient).
    while stack:
        value = pop()
        for parent in (value._x, value._y):
            if parent is None:
                continue
            if parent._pass is token:
                if parent._fn is not None:
                    parent._n += 1
            elif parent._hooks or (parent._fn is None and parent._node is not None):
                raise _NotLean
            else:
                parent._pass = token
                parent._g = -0.0
                reach(parent)
                if parent._fn is not None:
                    parent._n = 1
                    push(parent)
    return reached


def _propagate(root):
    """Release the values in Kahn order, summing each one's gradient into ``_g``.

    A value is released when every op that used it has sent its gradient;
    its op's ``rule(grad, a, b)`` then sends the gradients on to its inputs.
    """
    ready = [root] if root._fn is not None else []
    pop, push = ready.pop, ready.append
    # NOTE: the two inputs are handled by two copies of the same lines, not a loop over
    # ((value._x, grad_x), (value._y, grad_y)): those tuples and the loop per value
    # cost a fifth of the loop.
    while ready:
        value = pop()
        grad_x, grad_y = value._fn.rule(value._g, value._a, value._b)
        parent = value._x
        if parent is not None:
            parent._g += grad_x
            if parent._fn is not None:  # a leaf has no count: nothing to release
                remaining = parent._n - 1
                parent._n = remaining
                if not remaining:
                    push(parent)
        parent = value._y
        if parent is not None:
            parent._g += grad_y
            if parent._fn is not None:
                remaining = parent._n - 1
                parent._n = remaining
                if not remaining:
                    push(parent)
