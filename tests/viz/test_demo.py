"""examples/demo.py runs end to end (one epoch) and writes every promised file."""
import importlib.util
import math
import pathlib

import pytest
from viz_helpers import svg_root, svg_texts

DEMO = pathlib.Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def test_demo_writes_all_files(tmp_path, capsys):
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("demo_example", DEMO)
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    assert demo.main(["--out", str(tmp_path / "out"), "--epochs", "1"]) == 0
    printed = capsys.readouterr().out
    # g = (relu(ab + b^3 - a - b) + tanh(2(a + b))) / 2 at a=-4, b=2; the relu is active
    dg_da = ((2 - 1) + 2 * (1 - math.tanh(-4.0) ** 2)) / 2
    assert f"a.grad = dg/da = {dg_da:.6f}" in printed
    out = tmp_path / "out"
    files = {p.name for p in out.iterdir()}
    assert files == {"backprop.html", "scalar_graph.svg", "mlp_step.svg", "losses.svg",
                     "grad_flow.svg"}
    step = svg_texts(svg_root((out / "mlp_step.svg").read_text(encoding="utf-8")))
    assert {"0.weight", "3.bias", "linear", "relu", "loss"} <= set(step)
    for name in ("scalar_graph.svg", "losses.svg", "grad_flow.svg"):
        svg_root((out / name).read_text(encoding="utf-8"))
    assert '<script type="application/json" id="steps">' in (out / "backprop.html").read_text()
