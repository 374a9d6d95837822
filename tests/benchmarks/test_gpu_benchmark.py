"""benchmarks/gpu.py: without CUDA it says so and exits 0; its parts run on numpy."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import gpu  # noqa: E402


def test_without_cuda_it_explains_and_exits_0(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(gpu, "cuda_status", lambda: "CuPy is not installed (test)")
    out = tmp_path / "gpu.json"
    assert gpu.main(["--quick", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no CUDA GPU to measure: CuPy is not installed (test)" in printed
    assert "pip install -e '.[gpu]'" in printed and not out.exists()


@pytest.mark.skipif(gpu.cuda_status() is None, reason="this machine has a GPU: not the no-CUDA "
                    "path")
def test_the_script_runs_as_a_file_without_cuda():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu.py")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no CUDA GPU to measure" in done.stdout


def test_steps_and_report_run_on_numpy(tmp_path):
    out = tmp_path / "gpu.json"
    report = gpu.run({"mlp": [8], "cnn": [2]}, [2, 4], ["cpu"], warmup=1, repeats=2, out=out)
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    assert [(r["model"], r["width"], r["batch"]) for r in report["rows"]] == [
        ("mlp", 8, 2), ("mlp", 8, 4), ("cnn", 2, 2), ("cnn", 2, 4)]
    assert all(r["cpu_ms"] > 0 for r in report["rows"]) and report["per_op_us"]["cpu"] > 0


def test_a_training_step_changes_the_weights():
    for step in (gpu.mlp_step(6, 3, "cpu"), gpu.cnn_step(2, 3, "cpu")):
        before = [p.data.copy() for p in step.model.parameters()]
        step()
        after = [p.data for p in step.model.parameters()]
        assert all((a != b).any() for a, b in zip(after, before))


def test_crossover_is_the_first_batch_from_which_the_gpu_always_wins():
    rows = [{"model": "cnn", "width": 4, "batch": b, "cpu_ms": c, "cuda_ms": g}
            for b, c, g in ((1, 1.0, 2.0), (2, 3.0, 2.0), (4, 1.0, 2.0), (8, 9.0, 2.0))]
    assert gpu.crossover(rows) == {"cnn": {"4": 8}}   # batch 2 won once, then lost at 4
    rows[-1]["cuda_ms"] = 99.0
    assert gpu.crossover(rows) == {"cnn": {"4": None}}
