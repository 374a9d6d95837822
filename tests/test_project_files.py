"""The README's test command is the one CI runs, and the package metadata is sane."""
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text()
    script_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    command = next(line for line in script_lines if line.startswith("bash .ci/setup"))
    assert "pytest" in command
    assert command in readme.splitlines()
    assert script_lines[-1] == command  # the last thing CI does, so its exit code counts


def test_pyproject_packages_and_extras():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "graphgrad"
    extras = meta["project"]["optional-dependencies"]
    assert set(extras) == {"test", "examples", "bench", "dist", "docs", "gpu", "all"}
    assert "graphgrad[docs]" in extras["test"]  # the suite builds the site (tests/docs)
    # every folder with an __init__.py under autograd/, nn/ and viz/ ships as graphgrad.<path>
    folders = sorted({init.parent.relative_to(ROOT) for part in ("autograd", "nn", "viz")
                      for init in (ROOT / part).rglob("__init__.py")})
    expected = {"graphgrad"} | {"graphgrad." + ".".join(folder.parts) for folder in folders}
    assert set(meta["tool"]["setuptools"]["packages"]) == expected
    assert meta["tool"]["setuptools"]["package-dir"] == {
        "graphgrad": "graphgrad", "graphgrad.autograd": "autograd", "graphgrad.nn": "nn",
        "graphgrad.viz": "viz"}


def test_ruff_reports_nothing():
    """The lint configured in pyproject.toml ([tool.ruff]) passes on the whole tree."""
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "--output-format", "concise", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
