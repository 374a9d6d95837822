"""Under CI a skipped PyTorch comparison is a failure (hooked in by tests/conftest.py).

A module of its own, not a function of conftest.py: a test that imports ``conftest`` gets
whichever conftest module was imported last (tests/viz has one), not necessarily this folder's.
"""
import os


def ci() -> bool:
    """True when the environment variable CI says we run in CI."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def torch_skip_as_failure(report) -> None:
    """Under CI, a skipped torch comparison is a failure: the check must run there."""
    if ci() and report.skipped and "torch" in str(report.longrepr).lower():
        report.outcome = "failed"
        report.longrepr = (f"a PyTorch comparison was skipped under CI=true ({report.longrepr}); "
                           "install the test extra (torch is in it) so it runs")
