"""The documentation site, built once per test session, and a headless Chromium to read it.

The build runs ``sphinx-build -W`` (every warning is an error) with GRAPHGRAD_DOCS_QUICK=1
(the tutorials shrink their data and epochs) into a temporary folder. Without the docs
extra the site tests skip locally and fail under CI=true, like the browser tests.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys
import time

import pytest
from headless_chromium import chromium, unavailable

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


class Site:
    """A built site: its html folder, the build log and how long the build took."""

    def __init__(self, html: pathlib.Path, log: str, seconds: float):
        self.html = html
        self.log = log
        self.seconds = seconds

    def pages(self, pattern: str = "**/*.html") -> list[pathlib.Path]:
        return sorted(p for p in self.html.glob(pattern) if "_static" not in p.parts)


def _docs_extra_missing():
    missing = [name for name in ("sphinx", "myst_nb", "jupytext", "matplotlib", "sklearn")
               if importlib.util.find_spec(name) is None]
    return missing


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    missing = _docs_extra_missing()
    if missing:
        unavailable(f"the docs extra is not installed (missing {missing}); "
                    "pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, GRAPHGRAD_DOCS_QUICK="1", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"sphinx-build -W failed (exit {result.returncode}) after {seconds:.0f} s:"
                    f"\n{log[-6000:]}")
    return Site(out / "html", log, seconds)


@pytest.fixture(scope="session")
def site_browser():
    """One Chromium for the session's site pages, 1400 px wide as a laptop window."""
    yield from chromium(window_size="1400,1000")
