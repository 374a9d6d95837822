"""Under CI=true a skipped torch comparison fails (tests/ci_skips.py); elsewhere it skips."""
import types

from ci_skips import torch_skip_as_failure


def _skip(reason, nodeid="tests/x.py::test_x", keywords=()):
    return types.SimpleNamespace(skipped=True, outcome="skipped", nodeid=nodeid,
                                 keywords=dict.fromkeys(keywords, 1),
                                 longrepr=("tests/x.py", 3, f"Skipped: {reason}"))


def test_a_torch_skip_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    report = _skip("could not import 'torch': No module named 'torch'")
    torch_skip_as_failure(report)
    assert report.outcome == "failed" and "CI=true" in report.longrepr


def test_other_skips_and_runs_without_ci_stay_skips(monkeypatch):
    monkeypatch.setenv("CI", "true")
    report = _skip("log is undefined there")
    torch_skip_as_failure(report)
    assert report.outcome == "skipped"
    monkeypatch.delenv("CI")
    report = _skip("could not import 'torch'")
    torch_skip_as_failure(report)
    assert report.outcome == "skipped"


def test_a_gpu_tests_skip_stays_a_skip_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    for report in (_skip("no CUDA GPU: torch-free reason", nodeid="tests/gpu/test_cuda.py"),
                   _skip("could not import 'torch'", keywords=("gpu",))):
        torch_skip_as_failure(report)
        assert report.outcome == "skipped"
