"""The API reference's list of public names (docs/_ext/public_api.py, read from each
module's ``__all__``): every one has a docstring, and those without a runnable example are
listed in tests/docs/no_examples.txt, which may only shrink.

The examples themselves run in tests/autograd/test_docstring_examples.py (every ``>>>``
in a docstring of autograd, nn and viz).
"""
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import public_api  # noqa: E402 - docs/_ext, put on the path just above

NO_EXAMPLES = pathlib.Path(__file__).with_name("no_examples.txt")


def test_the_reference_covers_the_modules_the_issue_names():
    required = {"graphgrad.autograd", "graphgrad.nn", "graphgrad.nn.functional",
                "graphgrad.nn.optim", "graphgrad.nn.optim.lr_scheduler", "graphgrad.nn.init",
                "graphgrad.viz"}
    assert required <= set(public_api.API_MODULES)


# Named in a documented module's __all__ but without a page of their own (none today).
MODULES_WITHOUT_A_PAGE_YET: set[str] = set()


def test_every_public_submodule_has_a_page():
    # a module in a documented package's __all__ is one users import by name
    # (from graphgrad.nn.utils.rnn import pad_sequence): it needs its own page
    named = {f"{module_name}.{name}" for module_name in public_api.API_MODULES
             for name, _ in public_api.public_names(module_name)["modules"]}
    assert named - set(public_api.API_MODULES) == MODULES_WITHOUT_A_PAGE_YET
    for module_name in ("graphgrad.autograd.typing", "graphgrad.nn.parallel"):
        assert module_name in public_api.API_MODULES


def test_a_name_in_two_documented_modules_has_one_page():
    groups = public_api.public_names("graphgrad.autograd.serialization")
    assert ("save", "graphgrad.autograd.save") in groups["reexports"]
    assert "save" not in groups["functions"] and "save_arrays" in groups["functions"]
    modules_of: dict[int, set[str]] = {}
    for full, obj in public_api.public_objects():
        modules_of.setdefault(id(obj), set()).add(full.rpartition(".")[0])
    assert all(len(modules) == 1 for modules in modules_of.values())


def test_type_aliases_are_described_by_their_comments():
    data = dict(public_api.public_names("graphgrad.autograd.typing")["data"])
    assert data["Axis"].startswith("numpy's ``axis=``")
    assert "Union" not in " ".join(data.values())


def test_every_name_in_all_is_documented_or_linked():
    documented = dict(public_api.documented_names())
    for module_name in public_api.API_MODULES:
        module = importlib.import_module(module_name)
        groups = public_api.public_names(module_name)
        listed = {n for kind in ("classes", "functions", "exceptions")
                  for n in groups[kind]} | {n for kind in ("reexports", "data", "modules")
                                            for n, _ in groups[kind]}
        assert listed == {n for n in module.__all__ if not n.startswith("__")}, module_name
        for name, target in groups["reexports"]:
            assert target in documented, f"{module_name}.{name} links to {target}, no page"
            assert documented[target] is getattr(module, name)


def test_every_public_name_has_a_docstring():
    assert public_api.missing_docstrings() == []


def test_class_pages_show_private_mixins_but_not_public_bases():
    members = dict(public_api.documented_names())
    assert "graphgrad.autograd.Tensor.sum" in members        # from a private mixin
    assert "graphgrad.nn.Module.register_forward_hook" in members
    assert "graphgrad.nn.Linear.register_forward_hook" not in members  # on Module's page
    assert "graphgrad.nn.Linear.forward" in members


def test_names_without_an_example_are_listed_and_the_list_only_shrinks():
    without = sorted(full for full, obj in public_api.documented_names()
                     if not public_api.has_example(obj))
    listed = [line for line in NO_EXAMPLES.read_text().splitlines() if line.strip()]
    new = sorted(set(without) - set(listed))
    stale = sorted(set(listed) - set(without))
    assert not new, ("public names without a '>>>' example (add one; the doctests run it): "
                     f"{new}")
    assert not stale, (f"these have an example now (or are gone): remove them from "
                       f"{NO_EXAMPLES.name}: {stale}")
    assert listed == sorted(listed), f"keep {NO_EXAMPLES.name} sorted"
