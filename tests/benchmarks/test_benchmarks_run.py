"""The benchmarks run (tiny sizes, one round) and compare like for like.

Benchmarks are not tests: nothing here checks a speed. It checks that every script runs,
that each reference that is installed is measured (and one that is not is skipped with a
note, never faked), that all candidates start from the same loss, and that the MLP step
written by hand in numpy computes what graphgrad's MLP step computes.
"""
import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import frameworks, mlp_step, numpy_mlp  # noqa: E402
from benchmarks.__main__ import WORKLOADS, main  # noqa: E402
from benchmarks.harness import Result, Unavailable, markdown, ratios  # noqa: E402


def _installed(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


# A reference candidate needs this package; numpy references always run.
NEEDS = {"torch": "torch", "micrograd": "micrograd", "micrograd-gc-off": "micrograd"}


@pytest.mark.parametrize("name", WORKLOADS)
def test_workload_runs_tiny(name, capsys):
    module = importlib.import_module(f"benchmarks.{name}")
    results = module.run(size="tiny", rounds=1)
    out = capsys.readouterr().out
    assert results and all(isinstance(r, Result) for r in results)
    # a workload with several points names its rows NAME@point (chain_scaling@1e3)
    assert {r.workload.split("@")[0] for r in results} == {module.NAME}
    for res in results:
        if res.skipped:
            assert res.note.startswith("skipped"), res
            assert f"skipping {res.candidate}" in out
            assert res.role == "ours" or not _installed(NEEDS.get(res.candidate, "numpy")), (
                f"reference {res.candidate} is installed but was skipped: {res.note}")
        else:
            assert res.median > 0 and res.rounds == 1 and res.q1 <= res.median <= res.q3
    for workload in {r.workload for r in results}:
        firsts = [r.first_value for r in results if r.workload == workload and not r.skipped]
        assert np.allclose(firsts, firsts[0], rtol=1e-3), (
            f"{workload}: candidates did not start from the same value: {firsts}")


def test_main_writes_json_and_markdown(tmp_path, capsys):
    main(["--tiny", "--rounds", "1", "--only", "tiny_chain", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.startswith("# tiny_chain\n") and "\ntiny_chain  graphgrad=" in out
    payload = json.loads((tmp_path / "latest.json").read_text())
    assert payload["machine"]["cores"] >= 1 and payload["machine"]["numpy"] == np.__version__
    assert {r["candidate"] for r in payload["results"]} >= {"numpy-forward"}
    table = (tmp_path / "latest.md").read_text()
    assert "| workload | graphgrad | reference |" in table and "numpy" in table


def test_main_refuses_an_unknown_workload(tmp_path):
    with pytest.raises(SystemExit):
        main(["--tiny", "--only", "no_such_workload", "--out", str(tmp_path)])


def _tiny_problem(seed=1):
    rng = np.random.default_rng(seed)
    params = numpy_mlp.init_params([3, 5, 4, 2], rng, np.float64)
    x = rng.standard_normal((6, 3))
    y = rng.integers(0, 2, 6)
    return params, x, y


def test_numpy_mlp_gradients_match_central_differences():
    params, x, y = _tiny_problem()
    _, grads = numpy_mlp.loss_and_grads(params, x, y)
    eps = 1e-6
    for layer, (W, b) in enumerate(params):
        for which, array in enumerate((W, b)):
            numeric = np.zeros_like(array)
            for idx in np.ndindex(array.shape):
                saved = array[idx]
                array[idx] = saved + eps
                up, _ = numpy_mlp.loss_and_grads(params, x, y)
                array[idx] = saved - eps
                down, _ = numpy_mlp.loss_and_grads(params, x, y)
                array[idx] = saved
                numeric[idx] = (up - down) / (2 * eps)
            np.testing.assert_allclose(grads[layer][which], numeric, rtol=1e-5, atol=1e-8,
                                       err_msg=f"layer {layer}, {'Wb'[which]}")


def test_numpy_mlp_matches_torch():
    torch = pytest.importorskip("torch")
    params, x, y = _tiny_problem()
    loss, grads = numpy_mlp.loss_and_grads(params, x, y)
    tensors = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
               for W, b in params]
    h = torch.tensor(x)
    for i, (W, b) in enumerate(tensors):
        h = h @ W.T + b
        h = torch.relu(h) if i < len(tensors) - 1 else h
    expected = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    for (W, b), (grad_W, grad_b) in zip(tensors, grads):
        np.testing.assert_allclose(grad_W, W.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grad_b, b.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("size", ["tiny", "full"])
def test_graphgrad_mlp_step_matches_numpy_by_hand(size):
    try:
        fw = frameworks.graphgrad("Linear", "ReLU")
    except Unavailable as exc:
        pytest.skip(f"graphgrad's nn is not there yet: {exc}")
    params, x, y = mlp_step.make_problem(size, dtype=np.float64)
    model = mlp_step.build_model(fw.nn, params)
    step = frameworks.sgd_training_step(fw, model, mlp_step.state_dict(params), x, y,
                                        mlp_step.LR)
    loss = step()  # zero_grad, forward, loss, backward, update: the grads stay set

    expected_loss, grads = numpy_mlp.loss_and_grads(params, x, y)
    numpy_mlp.sgd_step(params, grads, mlp_step.LR)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    named = dict(model.named_parameters())
    expected = mlp_step.state_dict(grads)
    updated = mlp_step.state_dict(params)
    for name, param in named.items():
        assert param.dtype == np.float64, f"{name} is {param.dtype}, not float64"
        np.testing.assert_allclose(param.grad.numpy(), expected[name], rtol=1e-10,
                                   atol=1e-13, err_msg=f"grad of {name}")
        np.testing.assert_allclose(param.numpy(), updated[name], rtol=1e-12, atol=1e-15,
                                   err_msg=f"{name} after the SGD step")


def test_viz_draw_rows_put_graphgrad_alone_in_its_own_column(tmp_path, capsys):
    main(["--tiny", "--rounds", "1", "--only", "viz_draw", "--out", str(tmp_path)])
    table = (tmp_path / "latest.md").read_text()
    for entry in ("draw_graph-100", "backprop_page-1000"):
        row = next(line for line in table.splitlines() if f"({entry})" in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == f"viz_draw ({entry})" and cells[1].endswith("/op"), row
        assert cells[2:] == ["", "", "", ""], row


def test_gc_off_candidates_are_compared_only_with_gc_off_references():
    rows = [Result("w", "graphgrad", "ours", 2.0), Result("w", "graphgrad-gc-off", "ours", 1.0,
                                                          gc_off=True),
            Result("w", "micrograd", "reference", 8.0),
            Result("w", "micrograd-gc-off", "reference", 4.0, gc_off=True)]
    pairs = {(o.candidate, r.candidate): x for o, r, x in ratios(rows)}
    assert pairs == {("graphgrad", "micrograd"): 0.25,
                     ("graphgrad-gc-off", "micrograd-gc-off"): 0.25}


def test_peak_rss_gets_its_own_row_with_ratio_and_target():
    rows = [Result("training_rss", "graphgrad", "ours", 1.0, 1.0, 1.0, 1, peak_rss=50 * 2**20),
            Result("training_rss", "torch", "reference", 1.0, 1.0, 1.0, 1,
                   peak_rss=200 * 2**20)]
    machine = {"env": {}, "cpu": "cpu", "cores": 2, "python": "3", "numpy": "2",
               "blas": {"source": "unknown"}, "torch": "2", "micrograd": "0",
               "graphgrad_commit": None, "load_average": None}
    table = markdown(rows, machine, "today", {("training_rss.rss", "graphgrad", "torch"): 1.0})
    row = next(line for line in table.splitlines() if "peak RSS" in line)
    assert [c.strip() for c in row.strip("|").split("|")] == [
        "training_rss peak RSS", "50 MiB", "torch", "200 MiB", "0.25x", "<= 1x met"]


def test_long_reaches_only_workloads_that_have_a_long_size(monkeypatch, tmp_path, capsys):
    from benchmarks import chain_scaling, tiny_chain
    sizes = {}
    for module in (chain_scaling, tiny_chain):
        monkeypatch.setattr(module, "run", lambda size, m=module: sizes.setdefault(
            m.NAME, size) and [])
    main(["--long", "--only", "chain_scaling,tiny_chain", "--out", str(tmp_path)])
    assert sizes == {"chain_scaling": "long", "tiny_chain": "full"}
    assert 10**6 in chain_scaling.N_OPS["long"] and max(chain_scaling.N_OPS["full"]) < 10**6
    with pytest.raises(SystemExit):
        main(["--long", "--tiny", "--out", str(tmp_path)])


def test_versus_races_two_workers_alternately(tmp_path):
    """benchmarks.versus: two worker processes build a workload's graphgrad step and take
    turns timing it (here both run this checkout; building another commit is not tested)."""
    from benchmarks import versus
    code = tmp_path / "code"
    code.mkdir()
    (code / "benchmarks").symlink_to(ROOT / "benchmarks")
    workers = {"a": versus.Worker(None, 1, code), "b": versus.Worker(None, 1, code)}
    try:
        assert workers["a"].graphgrad == workers["b"].graphgrad
        times = versus.race(workers, "tiny_chain", "tiny", rounds=3, warmup=1)
    finally:
        for worker in workers.values():
            worker.close()
    assert set(times) == {"a", "b"}
    assert all(len(t) == 3 and all(s > 0 for s in t) for t in times.values())
