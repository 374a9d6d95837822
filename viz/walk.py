"""Walk a recorded graph through its public fields only.

A value (Tensor or Scalar) has ``data``, ``grad``, ``grad_fn`` and ``label``;
a graph node (``grad_fn``) has ``parents`` (aligned with forward's positional
arguments: values or plain constants), ``name()`` and ctx attributes such as
``axis``. ``walk`` numbers what it finds from the root outwards, so the same
graph always gets the same ids: value ``v3`` is made by op ``f3``. A walk with a
``limit`` records only the first ``limit`` values (the same ids as a full walk) and
counts the rest without recording or labelling them.
"""
from typing import Any

import numpy as np

from ..autograd import backend, is_value
from .labels import fmt, host_array

__all__ = ["MORE", "Constant", "GraphWalk", "op_label", "rule_of", "grad_array", "is_scalar_value"]

# NOTE: ctx also holds a rule's bookkeeping (shapes, masks, scales), so only attributes
# named like the usual numpy / PyTorch keyword arguments are shown, minus their defaults.
SHOWN_ATTRS = ("axis", "keepdims", "ddof", "negative_slope", "approximate", "bounds",
               "reduction", "ignore_index", "label_smoothing", "delta", "beta", "eps", "p",
               "kernel_size", "stride", "padding", "dilation", "groups", "dim")
MORE = "more"  # the id that stands for every value past a walk's limit
_DEFAULTS = {"keepdims": False, "axis": None, "approximate": "none", "ddof": 0,
             "reduction": "mean", "dim": None}


class Constant:
    """A positional argument of an op that is not a graph value (a number, an array)."""

    __slots__ = ("value", "node_id")

    def __init__(self, value: Any, node_id: str) -> None:
        self.value, self.node_id = value, node_id

    def text(self) -> str:
        """Short display text: the number, or the shape of an array."""
        value = self.value
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            return fmt(value)
        if not hasattr(value, "shape"):  # a list, a tuple: numpy reads it on the host
            value = host_array(value)
        if value.ndim == 0:
            return str(value)
        return f"const {tuple(value.shape)} {backend.numpy_dtype(value.dtype)}"


class GraphWalk:
    """Every value and op reachable from ``roots``, with stable ids.

    Attributes: ``values`` (root first, breadth-first), ``ids`` (``id(value)``
    to ``"v<k>"``), ``inputs`` (``"v<k>"`` to the list of ``(parent_id,
    position)`` of its op, where parent ids are values' or constants' ids),
    ``constants`` (id to ``Constant``), ``cut`` (how many nodes, values, ops and
    constants, lie past ``limit``: an input past it has the id ``MORE``).
    """

    def __init__(self, roots: Any, limit: int | None = None) -> None:
        roots = list(roots) if isinstance(roots, (list, tuple)) else [roots]
        for root in roots:
            if not is_value(root):
                raise TypeError(f"viz: expected a Tensor or Scalar to draw, got "
                                f"{type(root).__name__}")
        self.values: list[Any] = []
        self.ids: dict[int, str] = {}
        self.inputs = {}
        self.constants = {}
        self.limit = limit
        frontier: dict[int, Any] = {}  # id -> value, reached but past the limit
        for root in roots:
            self._add(root, frontier)
        position = 0
        while position < len(self.values):  # NOTE: iterative, deep graphs are fine
            value = self.values[position]
            position += 1
            node = value.grad_fn
            if node is None:
                continue
            vid = self.ids[id(value)]
            edges = []
            for index, parent in enumerate(node.parents):
                if is_value(parent):
                    edges.append((self._add(parent, frontier), index))
                else:
                    cid = f"c{vid[1:]}_{index}"
                    self.constants[cid] = Constant(parent, cid)
                    edges.append((cid, index))
            self.inputs[vid] = edges
        self.cut = _count_beyond(frontier, self.ids)

    def _add(self, value, frontier):
        key = id(value)
        if key not in self.ids:
            if self.limit is not None and len(self.values) >= self.limit:
                frontier[key] = value
                return MORE
            self.ids[key] = f"v{len(self.values)}"
            self.values.append(value)
        return self.ids[key]

    def value(self, vid: str) -> Any:
        """The value with id ``vid``."""
        return self.values[int(vid[1:])]

    def id_of(self, value: Any) -> str:
        """The id of ``value`` (KeyError if it is not in the graph)."""
        return self.ids[id(value)]


def _count_beyond(frontier, recorded):
    """Nodes (values, ops, constants) reachable from ``frontier`` and not ``recorded``."""
    seen, stack, count = set(frontier), list(frontier.values()), 0
    while stack:
        node = stack.pop().grad_fn
        count += 1
        if node is None:
            continue
        count += 1
        for parent in node.parents:
            if not is_value(parent):
                count += 1
            elif id(parent) not in recorded and id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return count


def op_label(node: Any) -> str:
    """The op's name with the arguments it kept on ctx: ``sum(axis=1)``."""
    name = node.name()
    if "(" in name:
        return name
    attrs = getattr(node, "__dict__", {})
    shown = []
    for key in SHOWN_ATTRS:
        if key not in attrs:
            continue
        item = attrs[key]
        if item is None or not _is_simple(item):
            continue
        if key in _DEFAULTS and item == _DEFAULTS[key]:
            continue
        shown.append(f"{key}={_plain(item)}")
    return f"{name}({', '.join(shown)})" if shown else name


def _is_simple(item):
    if isinstance(item, tuple):
        return len(item) <= 6 and all(_is_simple(x) for x in item)
    return item is None or isinstance(item, (bool, int, float, str, np.integer, np.floating))


def _plain(item):
    if isinstance(item, tuple):
        inner = ", ".join(_plain(x) for x in item)
        return f"({inner},)" if len(item) == 1 else f"({inner})"
    if isinstance(item, (np.integer, np.floating)):
        item = item.item()
    if isinstance(item, float):
        return fmt(item)
    return repr(item)


def rule_of(node: Any) -> str:
    """The op's local derivative rule: the first paragraph of its docstring."""
    doc = type(node).__doc__ or ""
    paragraph = doc.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def grad_array(value: Any) -> np.ndarray | None:
    """``value.grad`` as a float array, or None when no gradient is stored."""
    grad = getattr(value, "grad", None)
    if grad is None:
        return None
    return host_array(grad, dtype=np.float64)


def is_scalar_value(value: Any) -> bool:
    """True for Scalar-like values (a Python float in ``data``)."""
    return isinstance(value.data, (int, float))
