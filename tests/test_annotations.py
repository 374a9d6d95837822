"""Every public function and method of the public modules carries PEP 484 annotations.

Public: each name in the ``__all__`` of graphgrad.autograd (and its public submodules
functional, testing and typing), of graphgrad.nn and graphgrad.viz and of their public modules; for
a class, each method it or a graphgrad base class defines whose name has no leading
underscore, plus ``__init__`` and ``__call__`` (named by the class that defines it).
Annotated: every parameter but ``self``/``cls`` and the return. ``UNANNOTATED``
(tests/unannotated.txt) lists what is not annotated yet; it may only shrink: an entry
that became annotated or is gone fails the test until it is removed.
"""
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

# autograd's own modules are private (tests/test_boundaries.py): its __all__ is the API
AUTOGRAD = ["graphgrad.autograd", "graphgrad.autograd.functional", "graphgrad.autograd.testing",
            "graphgrad.autograd.typing"]
PARTS = ["graphgrad.nn", "graphgrad.viz"]
DUNDERS = ("__init__", "__call__")


def _public_modules():
    names = list(AUTOGRAD)

    def walk(package_name):
        names.append(package_name)
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, package_name + "."):
            if info.name.rsplit(".", 1)[1].startswith("_"):
                continue
            walk(info.name) if info.ispkg else names.append(info.name)

    for part in PARTS:
        walk(part)
    return names


def _callables(obj):
    if inspect.isfunction(obj):
        yield f"{obj.__module__}.{obj.__qualname__}", obj
        return
    for cls in inspect.getmro(obj):
        if not cls.__module__.startswith("graphgrad."):
            continue
        for name, member in vars(cls).items():
            if name.startswith("_") and name not in DUNDERS:
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            elif isinstance(member, property):
                member = member.fget
            # NOTE: typing.Protocol puts its own __init__ on protocol classes (not ours)
            if inspect.isfunction(member) and member.__module__.startswith("graphgrad."):
                yield f"{cls.__module__}.{cls.__qualname__}.{name}", member


def public_callables():
    """{qualified name: function} for every public function and method, each once."""
    found = {}
    seen = set()
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if id(obj) in seen or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("graphgrad."):
                continue  # numpy's dtypes re-exported by name
            seen.add(id(obj))
            for qualname, function in _callables(obj):
                found.setdefault(qualname, function)
    return found


def missing_annotations(function):
    """Names of the parameters (and 'return') of ``function`` without an annotation."""
    signature = inspect.signature(function)
    missing = [name for i, (name, p) in enumerate(signature.parameters.items())
               if p.annotation is inspect.Parameter.empty
               and not (i == 0 and name in ("self", "cls"))]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


# What is not annotated yet, one qualified name a line; it may only shrink.
UNANNOTATED = set(Path(__file__).with_name("unannotated.txt").read_text().split())

PUBLIC = public_callables()


def test_the_walk_finds_the_public_api():
    for name in ["graphgrad.autograd.tensor.Tensor.backward", "graphgrad.autograd.engine.grad",
                 "graphgrad.nn.layers.linear.Linear.forward", "graphgrad.viz.graph.draw_graph",
                 "graphgrad.nn.module.Module.parameters", "graphgrad.nn.optim.sgd.SGD.__init__"]:
        assert name in PUBLIC, name
    assert len(PUBLIC) > 600, len(PUBLIC)


def test_every_public_function_and_method_is_annotated():
    missing = {name: gaps for name, function in PUBLIC.items()
               if (gaps := missing_annotations(function)) and name not in UNANNOTATED}
    assert not missing, "public functions without annotations (annotate them):\n" + "\n".join(
        f"  {name}: {', '.join(gaps)}" for name, gaps in sorted(missing.items()))


def test_the_allow_list_only_shrinks():
    stale = sorted(name for name in UNANNOTATED
                   if name not in PUBLIC or not missing_annotations(PUBLIC[name]))
    assert not stale, "annotated or gone now; remove from UNANNOTATED:\n" + "\n".join(stale)


@pytest.mark.parametrize("source, gaps", [
    ("def f(x: int) -> int: ...", []),
    ("def f(x, y: int): ...", ["x", "return"]),
    ("def f(self, x: int) -> None: ...", []),
    ("def f(*args, **kwargs) -> None: ...", ["args", "kwargs"]),
])
def test_the_checker_sees_each_gap(source, gaps):
    namespace = {}
    exec(source, namespace)
    assert missing_annotations(namespace["f"]) == gaps
