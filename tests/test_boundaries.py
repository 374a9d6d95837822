"""The arrows between the three parts: viz -> nn -> autograd, viz -> autograd.

``nn`` and ``viz`` use only what ``graphgrad.autograd`` exports (its ``__all__``
and the public submodules ``functional``, ``testing`` and ``typing``), and no private
member (``._something``) of the engine's objects; ``autograd`` imports nothing
of ``nn`` or ``viz``. Checked on the source with ``ast``, so a violation fails
here even on a code path no other test runs.
"""
import ast
import inspect
import pathlib

import pytest

import graphgrad.autograd as ag

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENGINE = "graphgrad.autograd"
PUBLIC_SUBMODULES = ("functional", "testing", "typing")
PARTS = {"autograd": ENGINE, "nn": "graphgrad.nn", "viz": "graphgrad.viz"}


def engine_private_names():
    """Every ``_name`` (not dunder) defined by a class of the engine: slots, attributes, methods."""
    import importlib
    import pkgutil

    names = set()
    modules = [ag] + [importlib.import_module(info.name) for info in
                      pkgutil.walk_packages(ag.__path__, prefix=f"{ENGINE}.")]
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not cls.__module__.startswith(ENGINE):
                continue
            for klass in cls.__mro__:
                if klass.__module__.startswith(ENGINE):
                    names.update(vars(klass))
                    names.update(getattr(klass, "__slots__", ()))
            names.update(_assigned_self_attributes(inspect.getsource(cls)))
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _assigned_self_attributes(source):
    """Attribute names an engine class's code assigns (on itself, on ctx, on outputs)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
    return found


def own_private_names(files):
    """``_name`` members that ``files`` define for their own classes (``self._x = ...``,
    methods, class attributes): the same name on an nn/viz object is not the engine's."""
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and \
                    isinstance(node.value, ast.Name) and node.value.id == "self":
                found.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, ast.Assign):
                found.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in found if n.startswith("_") and not n.startswith("__")}


def module_name(path):
    """The import name of a source file: ``nn/layers/conv.py`` -> ``graphgrad.nn.layers.conv``."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    parts[0] = PARTS[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current, node):
    """The absolute module an ``ImportFrom`` reads from, as seen from ``current``.

    ``current`` is a module's dotted name; a package's ``__init__`` is given as
    ``"<package>.__init__"`` so that its relative imports start from itself.
    """
    if node.level == 0:
        return node.module or ""
    package = current.split(".")[:-1]  # the package a module's `from .` refers to
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def is_public_engine_module(dotted):
    """True for ``graphgrad.autograd`` itself and its public submodules (and non-engine modules)."""
    if dotted == ENGINE or not dotted.startswith(ENGINE + "."):
        return True
    return dotted[len(ENGINE) + 1:].split(".")[0] in PUBLIC_SUBMODULES


def is_public_engine_name(name):
    """True for a name ``graphgrad.autograd`` exports or a public submodule of it."""
    return name in ag.__all__ or name in PUBLIC_SUBMODULES


def violations(source, current, engine_private=frozenset()):
    """Every use in ``source`` (module ``current``) of a private module, name or member of
    the engine, as ``"line: what"`` strings."""
    tree = ast.parse(source)
    found = []
    engine_aliases = set()  # local names bound to the graphgrad.autograd module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve(current, node)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if not is_public_engine_module(base):
                    found.append(f"{node.lineno}: imports from private module {base}")
                    break
                if base == ENGINE and not is_public_engine_name(alias.name):
                    found.append(f"{node.lineno}: imports {alias.name}, not in autograd.__all__")
                if target == ENGINE:
                    engine_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not is_public_engine_module(alias.name):
                    found.append(f"{node.lineno}: imports private module {alias.name}")
                if alias.name == ENGINE and alias.asname:
                    engine_aliases.add(alias.asname)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in engine_aliases:
            if not is_public_engine_name(node.attr):
                found.append(f"{node.lineno}: uses autograd.{node.attr}, not in "
                             "autograd.__all__")
        elif node.attr in engine_private:
            found.append(f"{node.lineno}: touches the engine's private member .{node.attr}")
    return found


def _resolve_for(path):
    """``current`` for ``resolve``: a package's ``__init__`` resolves from the package."""
    name = module_name(path)
    return name + ".__init__" if path.name == "__init__.py" else name


def _files(part):
    return sorted((ROOT / part).rglob("*.py"))


def test_nn_and_viz_use_only_the_engines_public_names():
    layered = _files("nn") + _files("viz")
    assert layered, "no nn/ or viz/ sources found"
    private = engine_private_names() - own_private_names(layered)
    problems = []
    for path in layered:
        for problem in violations(path.read_text(), _resolve_for(path), private):
            problems.append(f"{path.relative_to(ROOT)}:{problem}")
    assert not problems, "nn/viz reach under autograd's public API:\n" + "\n".join(problems)


def test_the_engines_private_members_are_all_watched():
    layered = _files("nn") + _files("viz")
    watched = engine_private_names() - own_private_names(layered)
    assert {"_version", "_hooks", "_retains_grad", "_saved", "_from_op", "_root_grad",
            "_fit_grad", "_accumulate_grad", "_run_hooks", "_wrap_grad", "_value_type",
            "_output_ref"} <= watched


def test_autograd_imports_nothing_of_nn_or_viz():
    problems = []
    for path in _files("autograd"):
        current = _resolve_for(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                modules = [resolve(current, node)]
                modules += [f"{modules[0]}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                top = module.split(".")
                if top[0] in ("nn", "viz") or top[:2] in (["graphgrad", "nn"],
                                                          ["graphgrad", "viz"]):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {module}")
    assert not problems, "autograd must not depend on nn or viz:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, expected", [
    ("from ..autograd.ops.conv import conv2d", "private module graphgrad.autograd.ops.conv"),
    ("from ..autograd.engine import toposort", "private module graphgrad.autograd.engine"),
    ("from ..autograd import run_backward", "run_backward, not in autograd.__all__"),
    ("from .. import autograd\nautograd.random.generator()", "autograd.random"),
    ("import graphgrad.autograd as ag\nag.engine", "autograd.engine"),
    ("import graphgrad.autograd.tensor", "private module graphgrad.autograd.tensor"),
    ("from ..autograd.tensor import Tensor", "private module graphgrad.autograd.tensor"),
    ("def f(p):\n    p._version += 1", "private member ._version"),
])
def test_the_checker_catches_each_kind_of_violation(source, expected):
    found = violations(source, "graphgrad.nn.module", frozenset({"_version"}))
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize("source", [
    "from ..autograd import Tensor, no_grad, toposort",
    "from .. import autograd\nautograd.functional.jacobian\nautograd.Tensor",
    "from ..autograd.testing import gradcheck",
    "from ..autograd.typing import Axis, TensorLike",
    "from ._validate import probability\nself._modules",
])
def test_the_checker_accepts_public_uses(source):
    assert violations(source, "graphgrad.nn.module", frozenset({"_version"})) == []


def _public_modules():
    for part in PARTS:
        for path in _files(part):
            if not path.name.startswith("_") or path.name == "__init__.py":
                yield path


@pytest.mark.parametrize("path", list(_public_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_public_module_declares_its_public_names(path):
    """``__all__`` in every public module: complete (each public class and function it
    defines, each name an ``__init__`` re-exports) and resolvable."""
    import importlib

    name = module_name(path)
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{name} has no __all__"
    assert len(set(declared)) == len(declared), f"{name}.__all__ repeats a name"
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not have: {missing}"
    tree = ast.parse(path.read_text())
    defined = {node.name for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    if path.name == "__init__.py":
        defined |= {a.asname or a.name for node in tree.body
                    if isinstance(node, ast.ImportFrom) and node.level > 0 for a in node.names}
    undeclared = sorted(n for n in defined if not n.startswith("_") and n not in declared)
    assert not undeclared, f"{name}: public names missing from __all__: {undeclared}"
