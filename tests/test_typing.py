"""Static types: mypy reports no error on the package (configuration: pyproject's [tool.mypy]),
and a user's code type-checks against the API: the aliases of ``graphgrad.autograd.typing``
accept what they document and only that, and Tensor's methods return what they say."""
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mypy(tmp_path_factory):
    """Run mypy (pyproject's config) from a directory holding a linked graphgrad/ tree."""
    pytest.importorskip("mypy")
    tree = tmp_path_factory.mktemp("mypy")
    # The editable install maps autograd/, nn/ and viz/ to graphgrad.* with an import hook
    # that mypy cannot follow, so mypy reads a graphgrad/ tree linking the source folders.
    package = tree / "graphgrad"
    package.mkdir()
    for name in ("__init__.py", "py.typed"):
        shutil.copy(ROOT / "graphgrad" / name, package / name)
    for part in ("autograd", "nn", "viz"):
        (package / part).symlink_to(ROOT / part, target_is_directory=True)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "mypy", *args, "--config-file",
             str(ROOT / "pyproject.toml"), "--cache-dir", str(tree / "cache")],
            cwd=tree, env={**os.environ, "MYPYPATH": str(tree)},
            capture_output=True, text=True, timeout=600)

    run.tree = tree
    return run


def test_mypy_reports_no_error(mypy):
    result = mypy("-p", "graphgrad")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found in" in result.stdout
    checked = int(result.stdout.split("no issues found in ")[1].split()[0])
    assert checked >= 80, result.stdout  # every module of the three parts, not one file


# A user's file: every line marked `# E` must be an error, every other line must pass.
USER_CODE = '''
import numpy as np

import graphgrad as gg
from graphgrad.autograd.typing import (
    ArrayLike, Axis, DeviceLike, DTypeLike, Index, IntPair, ScalarLike, Shape, ShapeLike,
    TensorLike)

data: list[ArrayLike] = [1.0, 3, [[1.0, 2.0]], np.zeros(2), gg.tensor([1.0])]
operands: list[TensorLike] = [gg.tensor(1.0), 2.0, [1, 2], np.ones(3)]
scalars: list[ScalarLike] = [gg.Scalar(1.0), 2.0, 3]
axes: list[Axis] = [0, -1, (0, 1), None]
shapes: list[ShapeLike] = [3, (2, 3), [2, 3]]
shape: Shape = (2, 3)
pairs: list[IntPair] = [3, (2, 3)]
dtypes: list[DTypeLike] = [gg.float32, np.float64, "int64", np.dtype("f4"), None]
devices: list[DeviceLike] = ["cpu", gg.device("cpu"), None]
keys: list[Index] = [0, slice(1, 2), ..., None, (0, slice(None)), np.array([0, 1])]
x = gg.tensor([[1.0, 2.0]], requires_grad=True)
y: gg.Tensor = (x * 2.0 + np.ones(2)).exp().sum(axis=1, keepdims=True)
n: int = x.ndim + x.numel()
shape_of_x: Shape = x.shape
values_indices: tuple[gg.Tensor, gg.Tensor] = x.max(dim=1)
values_only: gg.Tensor = x.max(axis=1)
pieces: list[gg.Tensor] = x.split(1, dim=1)
loss_value: float = x.sum().item()
(dx,) = gg.grad(x.sum(), x)
text_axis: Axis = "rows"  # E
float_axis: Axis = 1.5  # E
list_shape: Shape = [2, 3]  # E
float_shape: ShapeLike = 2.5  # E
triple: IntPair = (1, 2, 3)  # E
text_scalar: ScalarLike = "1.0"  # E
number_device: DeviceLike = 0  # E
values_by_dim: gg.Tensor = x.max(dim=1)  # E
float_total: float = x.sum()  # E
'''


def test_the_aliases_and_the_api_types_accept_what_they_document(mypy):
    source = textwrap.dedent(USER_CODE)
    (mypy.tree / "user_code.py").write_text(source)
    result = mypy("user_code.py")
    flagged = {int(n) for n in re.findall(r"^user_code\.py:(\d+): error", result.stdout, re.M)}
    expected = {i for i, line in enumerate(source.splitlines(), 1) if line.endswith("# E")}
    assert len(expected) == 9
    assert flagged == expected, result.stdout
