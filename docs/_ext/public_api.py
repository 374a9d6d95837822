"""The public names the API reference documents, read from each module's ``__all__``.

Shared by ``docs/conf.py`` (autosummary's templates, the missing-docstring check) and the
tests in ``tests/docs/`` (examples, the site), so both see one list.
"""
from __future__ import annotations

import doctest
import importlib
import inspect
from collections.abc import Iterator
from types import ModuleType
from typing import Any

# Every module a user imports by name (``from graphgrad.nn.utils.rnn import ...``): a module
# named in a documented package's ``__all__`` gets a page too (tests/docs/test_api_names.py).
# A name listed in two of them is documented at the first and linked from the other.
API_MODULES = [
    "graphgrad.autograd", "graphgrad.autograd.functional", "graphgrad.autograd.serialization",
    "graphgrad.autograd.typing", "graphgrad.autograd.testing", "graphgrad.autograd.backend",
    "graphgrad.autograd.devices", "graphgrad.autograd.dtypes",
    "graphgrad.autograd.testing.strategies",
    "graphgrad.nn", "graphgrad.nn.functional", "graphgrad.nn.init", "graphgrad.nn.optim",
    "graphgrad.nn.optim.lr_scheduler", "graphgrad.nn.utils", "graphgrad.nn.utils.rnn",
    "graphgrad.nn.data", "graphgrad.nn.parallel",
    "graphgrad.viz",
]
DOCUMENTED_KINDS = ("classes", "functions", "exceptions")


def _kind(obj: Any) -> str:
    if inspect.ismodule(obj):
        return "modules"
    if inspect.isclass(obj):
        return "exceptions" if issubclass(obj, BaseException) else "classes"
    if callable(obj):
        return "functions"
    return "data"


def _home(module: ModuleType) -> str:
    """The package whose names a module documents: itself if a package, else its parent."""
    return module.__name__ if hasattr(module, "__path__") else module.__name__.rpartition(".")[0]


def _owned(module: ModuleType, obj: Any) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith(_home(module))


def public_names(module_name: str) -> dict[str, list]:
    """The module's ``__all__`` sorted into classes, functions, exceptions, data, modules.

    A name re-exported from elsewhere in graphgrad (``nn.utils`` re-exports ``Tensor``), or
    documented by an earlier module of ``API_MODULES`` (``serialization.save`` is
    ``graphgrad.autograd.save``; aliases within one module keep their pages), goes to
    ``reexports`` as ``(name, where it is documented)``:
    one page per object, linked. ``data`` holds ``(name, what it is)``, as reST: constants,
    aliases of numpy's names, and type aliases (described by their ``#:`` comment).
    """
    module = importlib.import_module(module_name)
    groups: dict[str, list] = {"classes": [], "functions": [], "exceptions": [], "data": [],
                               "modules": [], "reexports": []}
    comments = _attribute_comments(module_name)
    for name in module.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(module, name)
        kind = _kind(obj)
        origin = getattr(obj, "__module__", None) or ""
        if kind == "data" or (kind != "modules" and not origin.startswith("graphgrad")):
            # a constant, or an alias of a numpy name (gg.float32 is numpy.float32)
            groups["data"].append((name, comments.get(name) or f"``{_describe(obj)}``"))
        elif kind in DOCUMENTED_KINDS and documented_at(obj).rpartition(".")[0] != module_name:
            groups["reexports"].append((name, documented_at(obj)))
        elif kind == "modules":
            # (name, has a page): a submodule outside API_MODULES is named, not linked
            groups["modules"].append((name, f"{module_name}.{name}" in API_MODULES))
        else:
            groups[kind].append(name)
    return groups


def _attribute_comments(module_name: str) -> dict[str, str]:
    """``name -> text`` of the ``#:`` comments above module attributes (type aliases)."""
    try:
        from sphinx.pycode import ModuleAnalyzer
        docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
    except Exception:  # noqa: BLE001 - no Sphinx, or no source: fall back to the repr
        return {}
    return {name: " ".join(line.strip() for line in lines if line.strip())
            for (scope, name), lines in docs.items() if not scope}


def _describe(obj: Any) -> str:
    if inspect.isclass(obj):
        return f"{obj.__module__}.{obj.__qualname__}"
    return repr(obj)


def documented_at(obj: Any) -> str:
    """The full name of the page that documents ``obj``."""
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if getattr(module, name) is obj and _owned(module, obj):
                return f"{module_name}.{name}"
    return f"{obj.__module__}.{obj.__qualname__}"


def public_objects() -> Iterator[tuple[str, Any]]:
    """(full name, object) of every documented class, function and exception."""
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        groups = public_names(module_name)
        for kind in DOCUMENTED_KINDS:
            for name in groups[kind]:
                yield f"{module_name}.{name}", getattr(module, name)


def _excluded_classes(cls: type, public: set[int]) -> list[type]:
    """The bases whose members a class page does not repeat: those documented on their own
    page and everything they inherit, and those outside graphgrad (numpy's Generator,
    Exception). Members of private graphgrad bases (Tensor's mixins) are shown."""
    found: dict[int, type] = {}
    for base in cls.__mro__[1:]:
        if id(base) in public or not base.__module__.startswith("graphgrad"):
            found.update((id(b), b) for b in base.__mro__)
    return list(found.values())


def excluded_bases() -> dict[str, str]:
    """For each public class, the names of ``_excluded_classes`` (autodoc's option
    ``:inherited-members:`` takes class names, and in Sphinx 9 it filters a member only
    when the class that defines it is named, so every ancestor is listed)."""
    classes = {full: obj for full, obj in public_objects() if inspect.isclass(obj)}
    public = {id(c) for c in classes.values()}
    return {full: ", ".join(dict.fromkeys(b.__name__ for b in _excluded_classes(cls, public)))
            for full, cls in classes.items()}


def public_members(full: str, cls: type) -> Iterator[tuple[str, Any]]:
    """(full name, attribute) of the public methods and properties a class page shows."""
    public = {id(obj) for _, obj in public_objects() if inspect.isclass(obj)}
    skip = {id(b) for b in _excluded_classes(cls, public)}
    for name in sorted(dir(cls)):
        if name.startswith("_") and name != "__call__":
            continue
        owner = next((c for c in cls.__mro__ if name in c.__dict__), None)
        if owner is None or id(owner) in skip:
            continue
        raw = owner.__dict__[name]
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        if callable(raw) or isinstance(raw, property):
            yield f"{full}.{name}", getattr(cls, name)


def documented_names() -> Iterator[tuple[str, Any]]:
    """Every public name the reference documents: module-level names and class members."""
    for full, obj in public_objects():
        yield full, obj
        if inspect.isclass(obj):
            yield from public_members(full, obj)


def missing_docstrings() -> list[str]:
    return [full for full, obj in documented_names() if not inspect.getdoc(obj)]


def has_example(obj: Any) -> bool:
    """True when the object's own docstring holds a ``>>>`` example (the doctests in
    tests/autograd/test_docstring_examples.py run every such example)."""
    doc = getattr(obj, "__doc__", None) or ""
    return bool(doctest.DocTestParser().get_examples(doc))
