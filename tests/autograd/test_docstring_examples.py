"""The ``>>>`` examples in the docstrings of these modules run and print what they show."""
import doctest
import importlib

import pytest

MODULES = [
    "graphgrad.autograd.ops.keywords",
    "graphgrad.autograd.ops.reduce",
    "graphgrad.autograd.ops.softmax",
    "graphgrad.autograd.ops.shape",
    "graphgrad.autograd.dtypes",
    "graphgrad.autograd.random",
    "graphgrad.autograd.statistics",
    "graphgrad.autograd.tensor",
    "graphgrad.autograd.tensor_torch_methods",
    "graphgrad.autograd.creation",
    "graphgrad.autograd.functional",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} docstring examples of {name} failed"
