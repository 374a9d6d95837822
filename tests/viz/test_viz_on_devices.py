"""viz on array-api-strict: pictures of a graph built on a device equal the CPU's.

viz draws from the host: every value it shows is copied there explicitly
(``labels.host_array``, ``backend.to_host``), and the replayed backward pass of
``backward_steps``/``backprop_page`` runs on the graph's device. On ``device1`` any
silent conversion to numpy raises, so these pass only if every copy is the explicit one.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn, viz

pytest.importorskip("array_api_strict")

DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1"]


def _graph(device):
    gg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(gg.float64)
    model = model.to(device)
    x = gg.tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), dtype=gg.float64, device=device)
    loss = (model(x) ** 2).mean() + 0.5
    return model, loss


@pytest.mark.parametrize("device", DEVICES)
def test_draw_graph_of_a_device_graph_shows_the_cpu_graphs_numbers(device):
    pages = {}
    for where in ("cpu", device):
        model, loss = _graph(where)
        params = dict(model.named_parameters())
        before = viz.draw_graph(loss, params=params).source
        viz.retain_grads(loss)
        loss.backward()
        after = viz.draw_graph(loss, params=params).source
        pages[where] = before, after, viz.grad_norms(model)
    assert pages[device][:2] == pages["cpu"][:2]
    assert "min " in pages["cpu"][1]  # it shows data summaries, not only names
    for layer, norm in pages["cpu"][2].items():
        assert pages[device][2][layer] == pytest.approx(norm, rel=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_backward_steps_and_backprop_page_of_a_device_graph(device, tmp_path):
    steps = {}
    for where in ("cpu", device):
        model, loss = _graph(where)
        steps[where] = viz.backward_steps(loss, params=dict(model.named_parameters()))
    assert len(steps[device]) == len(steps["cpu"]) > 5
    for got, want in zip(steps[device], steps["cpu"]):
        assert got == want
    _, loss = _graph(device)
    path = viz.backprop_page(loss, tmp_path / "backprop.html")
    assert "<html" in (tmp_path / "backprop.html").read_text()[:200].lower()
    assert path is not None
    loss.backward()  # the page replayed the pass with retain_graph: backward still runs


def test_constants_and_labels_of_device_values():
    device = "array_api_strict:device1"
    x = gg.tensor([1.0, -2.0], device=device, requires_grad=True)
    mask = gg.tensor([True, False], device=device).data
    y = gg.where(mask, x, x * 2.0).sum()
    source = viz.draw_graph(y).source
    assert "const (2,) bool" in source
    assert viz.labels.summarize(x.data) == "[1, -2]"
    assert viz.labels.rms(x) == pytest.approx(np.sqrt(2.5))
