"""Under CI a skipped PyTorch comparison is a failure (hooked in by tests/conftest.py).

One documented exception: the GPU tests (marker ``gpu``, folder ``tests/gpu``) skip where
CuPy sees no CUDA device, and CI machines have none, so their skip stays a skip whatever
its reason says; they run with ``pytest -m gpu`` on a machine with a GPU.

A module of its own, not a function of conftest.py: a test that imports ``conftest`` gets
whichever conftest module was imported last (tests/viz has one), not necessarily this folder's.
"""
import os


def ci() -> bool:
    """True when the environment variable CI says we run in CI."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def gpu_test(report) -> bool:
    """True for the report of a GPU test (marked ``gpu`` or collected from ``tests/gpu``)."""
    return "gpu" in getattr(report, "keywords", {}) \
        or getattr(report, "nodeid", "").startswith("tests/gpu")


def torch_skip_as_failure(report) -> None:
    """Under CI, a skipped torch comparison is a failure: the check must run there."""
    if ci() and report.skipped and not gpu_test(report) and "torch" in str(report.longrepr).lower():
        report.outcome = "failed"
        report.longrepr = (f"a PyTorch comparison was skipped under CI=true ({report.longrepr}); "
                           "install the test extra (torch is in it) so it runs")
