"""The ``>>>`` examples in the docstrings of autograd, nn and viz run and print what they show.

Every module is imported through the package (``graphgrad.autograd.tensor``, never a
top-level ``autograd``, which would load a second copy of the engine), and each example
imports what it uses (``>>> import graphgrad as gg``) or names the module's own globals.
"""
import doctest
import importlib
import pkgutil
import sys

import pytest

PARTS = ["graphgrad.autograd", "graphgrad.nn", "graphgrad.viz"]


def _modules():
    found = []

    def walk(package_name):
        found.append(package_name)
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, package_name + "."):
            walk(info.name) if info.ispkg else found.append(info.name)

    for part in PARTS:
        walk(part)
    return found


MODULES = _modules()


def _examples(name):
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module, name) if test.examples]


def test_every_part_has_examples_and_is_imported_through_the_package():
    counts = {part: sum(len(_examples(m)) for m in MODULES if m.startswith(part))
              for part in PARTS}
    assert all(count > 0 for count in counts.values()), counts
    assert sum(counts.values()) >= 140, counts
    for top in ("autograd", "nn", "viz"):
        assert top not in sys.modules, f"a top-level {top!r} was imported: a second copy"


@pytest.mark.parametrize("name", [m for m in MODULES if _examples(m)])
def test_docstring_examples_run(name):
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report = []
    for test in _examples(name):
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, "".join(report)
