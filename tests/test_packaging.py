"""What a user installs: one import package, ``graphgrad``, from the built wheel and sdist.

The wheel is built once per run (``pip wheel``, a few seconds), unpacked into a
temporary folder outside the repository (a non-editable install: nothing of
the source tree is on the path) and imported by a fresh Python started in
another directory. A second test puts a user's own top-level ``autograd``
package and ``nn.py`` / ``viz.py`` files first on the path, as HIPS autograd
or a user's script folder would, and shows that both they and graphgrad work.
"""
import json
import pathlib
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLASHING = ("autograd", "nn", "viz")


def _build(kind, out):
    """Build a wheel or sdist of the repository into ``out``; return its path."""
    command = {
        "wheel": [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                  "--no-build-isolation", "-w", str(out), "-q"],
        "sdist": [sys.executable, "-c", "import sys; from setuptools import build_meta; "
                  "print(build_meta.build_sdist(sys.argv[1]))", str(out)],
    }[kind]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("*.whl" if kind == "wheel" else "*.tar.gz")
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return _build("wheel", tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """The wheel unpacked into a folder outside the repository, as pip would install it."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    assert ROOT not in site.parents
    return site


def run_python(code, cwd, path):
    """Run ``code`` in a fresh interpreter in ``cwd`` with ``path`` first on sys.path;
    return what it printed as JSON on its last line."""
    env_path = ":".join(str(p) for p in path)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd,
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin",
                                 "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_wheel_holds_one_import_package_and_its_type_marker(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    version = _pyproject()["project"]["version"]
    assert tops == {"graphgrad", f"graphgrad-{version}.dist-info"}
    assert not tops & set(CLASHING)
    assert "graphgrad/py.typed" in names
    assert f"graphgrad-{version}.dist-info/licenses/LICENSE" in names
    for part in CLASHING:  # every source file of each part is in the wheel, under graphgrad/
        sources = {str(p.relative_to(ROOT)) for p in (ROOT / part).rglob("*.py")}
        assert {f"graphgrad/{s}" for s in sources} <= set(names), part


def test_installed_wheel_imports_from_another_directory(installed, tmp_path):
    report = run_python("""
        import json, sys
        import numpy as np
        import graphgrad as gg
        from graphgrad import nn, viz
        import graphgrad.autograd

        x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        a, b = gg.Scalar(-4.0), gg.Scalar(2.0)
        g = a * b + b ** 3
        g.backward()
        out = nn.Linear(3, 2)(gg.tensor(np.ones((4, 3), dtype=np.float32)))
        files = {name: getattr(module, "__file__", None) or ""
                 for name, module in list(sys.modules.items()) if name.startswith("graphgrad")}
        print(json.dumps({
            "file": gg.__file__, "files": files, "version": gg.__version__,
            "grad": x.grad.tolist(), "scalar": [a.grad, b.grad],
            "same_tensor": type(out) is graphgrad.autograd.Tensor,
            "draw": callable(viz.draw_graph),
            "top_level": sorted(set(sys.modules) & {"autograd", "nn", "viz"}),
        }))
    """, cwd=tmp_path, path=[installed])
    assert pathlib.Path(report["file"]).parent == installed / "graphgrad"
    assert all(pathlib.Path(f).is_relative_to(installed) for f in report["files"].values() if f)
    assert {"graphgrad.autograd", "graphgrad.nn", "graphgrad.viz"} <= set(report["files"])
    assert report["version"] == _pyproject()["project"]["version"]
    assert report["grad"] == [2.0, 4.0, 6.0] and report["scalar"] == [2.0, 8.0]
    assert report["same_tensor"] and report["draw"]
    assert report["top_level"] == []


def test_users_own_autograd_nn_and_viz_do_not_clash(installed, tmp_path):
    user = tmp_path / "user"
    (user / "autograd").mkdir(parents=True)
    (user / "autograd" / "__init__.py").write_text(
        "def grad(f):\n    return lambda x: ('fake autograd', f(x))\n")
    (user / "nn.py").write_text("NAME = 'my nn.py'\n")
    (user / "viz.py").write_text("NAME = 'my viz.py'\n")
    report = run_python("""
        import json
        import autograd, nn, viz                      # the user's own
        import graphgrad as gg
        from graphgrad import nn as gnn, viz as gviz  # the library's
        import autograd as again

        x = gg.tensor([1.0, 2.0], requires_grad=True)
        loss = gnn.MSELoss()(gnn.Linear(2, 1)(x), gg.tensor([0.5]))
        loss.backward()
        print(json.dumps({
            "theirs": [autograd.grad(abs)(-2.0), nn.NAME, viz.NAME],
            "autograd_file": autograd.__file__, "again": again is autograd,
            "engine_file": gg.autograd.__file__, "nn_file": gnn.__file__,
            "viz_file": gviz.__file__, "grad_shape": list(x.grad.shape),
        }))
    """, cwd=user, path=[user, installed])
    assert report["theirs"] == [["fake autograd", 2.0], "my nn.py", "my viz.py"]
    assert pathlib.Path(report["autograd_file"]).is_relative_to(user) and report["again"]
    for key in ("engine_file", "nn_file", "viz_file"):
        assert pathlib.Path(report[key]).is_relative_to(installed / "graphgrad"), key
    assert report["grad_shape"] == [2]


def test_sdist_ships_every_test_and_the_license(tmp_path):
    sdist = _build("sdist", tmp_path)
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tests = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")}
    assert tests and tests <= names, sorted(tests - names)
    assert {"README.md", "LICENSE", "pyproject.toml", "graphgrad/py.typed",
            "autograd/__init__.py", "nn/__init__.py", "viz/__init__.py"} <= names


def test_metadata_declares_license_authors_and_repository_paths():
    project = _pyproject()["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License") and "2026 graphgrad developers" in license_text
    assert project["authors"] == [{"name": "graphgrad developers"}]
    assert "Typing :: Typed" in project["classifiers"]
    for name, url in project["urls"].items():  # repository-relative paths, no external host
        assert "://" not in url and (ROOT / url.split("#")[0]).exists(), (name, url)
