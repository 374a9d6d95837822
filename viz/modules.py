"""Which module made which graph node: ``trace_modules`` and module paths.

Modules have no hooks, so ``trace_modules(model)`` wraps each submodule's
``forward`` for the duration of a ``with`` block (an instance attribute, so
nothing global is patched) and restores it exactly afterwards, even when the
block raises. After each submodule call, the values computed inside it (those
reachable from its outputs without passing its inputs) are recorded under the
submodule's path, innermost module first.
"""
import contextlib
from collections.abc import Iterator
from typing import Any

from ..autograd import is_value

__all__ = ["named_modules", "module_types", "parent_path", "ModuleTrace", "trace_modules"]


def named_modules(model: Any) -> list[tuple[str, Any]]:
    """``(path, module)`` pairs of ``model`` and all its submodules, root first."""
    if hasattr(model, "named_modules"):
        return list(model.named_modules())
    found, stack = [], [("", model)]
    while stack:
        path, module = stack.pop()
        found.append((path, module))
        children = list(module.named_children()) if hasattr(module, "named_children") else []
        for name, child in reversed(children):
            stack.append((f"{path}.{name}" if path else name, child))
    return found


def module_types(model: Any) -> dict[str, str]:
    """Map each module path of ``model`` to its class name (``"encoder.0": "Linear"``)."""
    return {path: type(module).__name__ for path, module in named_modules(model)}


def parent_path(name: str) -> str:
    """The module path of a parameter name: ``encoder.0.weight`` -> ``encoder.0``."""
    return name.rpartition(".")[0]


class ModuleTrace:
    """What ``trace_modules`` recorded: the module path of each value made inside one.

    It keeps the traced values alive (by reference) until it is dropped.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.types = module_types(model)
        # id(value) -> (value, path); the value is kept so ids stay unique
        self._owner: dict[int, tuple[Any, str]] = {}

    def path_of(self, value: Any) -> str | None:
        """The innermost module path ``value`` was computed in, or None."""
        entry = self._owner.get(id(value))
        return entry[1] if entry is not None and entry[0] is value else None

    def _claim(self, path, outputs, inputs):
        stop = {id(v) for v in _flat_values(inputs)}
        stack = [v for v in _flat_values(outputs)]
        seen = set()
        while stack:
            value = stack.pop()
            if id(value) in seen or id(value) in stop:
                continue
            seen.add(id(value))
            owner = self.path_of(value)
            if owner is None:
                # NOTE: leaves too (a dropout mask made inside forward); parameters are
                # placed by their names instead, see graph._owners.
                self._owner[id(value)] = (value, path)
            elif not _inside(owner, path):
                continue  # made by an earlier, unrelated module: not ours
            if value.grad_fn is not None:
                stack.extend(p for p in value.grad_fn.parents if is_value(p))


def _inside(inner, outer):
    return outer == "" or inner == outer or inner.startswith(outer + ".")


def _flat_values(obj):
    stack, found = [obj], []
    while stack:
        item = stack.pop()
        if is_value(item):
            found.append(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found


@contextlib.contextmanager
def trace_modules(model: Any) -> Iterator[ModuleTrace]:
    """Record which submodule of ``model`` computed each graph value.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn, viz
    >>> model, loss_fn = nn.Sequential(nn.Linear(3, 2), nn.ReLU()), nn.MSELoss()
    >>> with viz.trace_modules(model) as trace:
    ...     loss = loss_fn(model(gg.randn(4, 3)), gg.zeros(4, 2))
    >>> "cluster_m_0" in viz.draw_graph(loss, modules=trace).source   # a cluster "0 (Linear)"
    True
    """
    trace = ModuleTrace(model)
    patched = []
    try:
        for path, module in named_modules(model):
            if path == "":
                continue
            had_own = "forward" in getattr(module, "__dict__", {})
            own = module.__dict__.get("forward") if had_own else None
            original = module.forward
            object.__setattr__(module, "forward", _recording(trace, path, original))
            patched.append((module, had_own, own))
        yield trace
    finally:
        for module, had_own, own in reversed(patched):
            if had_own:
                object.__setattr__(module, "forward", own)
            else:
                object.__delattr__(module, "forward")


def _recording(trace, path, forward):
    def recorded_forward(*args, **kwargs):
        out = forward(*args, **kwargs)
        trace._claim(path, out, (args, kwargs))
        return out
    recorded_forward.__wrapped__ = forward
    return recorded_forward
