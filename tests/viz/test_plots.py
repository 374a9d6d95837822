"""plot_losses and plot_grad_flow: files by extension, norms, flags."""
import math

import numpy as np
import pytest
from viz_helpers import svg_root, svg_texts

from graphgrad import autograd, viz


def _params(scales):
    """Parameters named like a Sequential's, each with a gradient of a given size."""
    params = {}
    for i, scale in enumerate(scales):
        for kind, shape in (("weight", (3, 2)), ("bias", (2,))):
            p = autograd.ones(*shape, requires_grad=True)
            if scale is not None:
                p.grad = autograd.full(shape, scale)
            params[f"{2 * i}.{kind}"] = p
    return params


def test_plot_losses_svg_and_png(tmp_path):
    history = {"train": [2.0, 1.2, 0.8, 0.6], "val": [2.1, 1.5, 1.1, 1.0],
               "val_acc": [0.2, 0.5, 0.7, 0.75]}
    svg = viz.plot_losses(history, tmp_path / "loss.svg")
    texts = svg_texts(svg_root(svg.read_text(encoding="utf-8")))
    assert {"train", "val", "val_acc", "loss", "accuracy", "epoch"} <= set(texts)
    png = viz.plot_losses(history, tmp_path / "loss.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_losses_accepts_records_and_plain_lists(tmp_path):
    records = [{"epoch": e, "train_loss": 1.0 / e, "val_loss": 1.2 / e} for e in (1, 2, 3)]
    texts = svg_texts(svg_root(viz.plot_losses(records, tmp_path / "a.svg").read_text()))
    assert {"train_loss", "val_loss"} <= set(texts) and "epoch" in texts
    texts = svg_texts(svg_root(viz.plot_losses([3.0, 2.0, 1.0], tmp_path / "b.svg").read_text()))
    assert "train" in texts
    with pytest.raises(ValueError, match="no numbers"):
        viz.plot_losses({}, tmp_path / "c.svg")


def test_grad_norms_per_layer():
    params = _params([0.5, 2.0, None])
    norms = viz.grad_norms(params)
    assert list(norms) == ["0", "2", "4"]
    for layer, scale in (("0", 0.5), ("2", 2.0)):
        expected = math.sqrt(sum(float(np.sum(np.square(params[f"{layer}.{k}"].grad.data)))
                                 for k in ("weight", "bias")))
        assert norms[layer] == pytest.approx(expected)
        assert norms[layer] == pytest.approx(scale * math.sqrt(8))
    assert norms["4"] is None


def test_flags_mark_vanishing_exploding_and_missing():
    flags = viz.flag_layers(viz.grad_norms(_params([1e-9, 1.0, 1e5, None, 1e-6])))
    assert flags == {"0": "vanishing", "2": "ok", "4": "exploding", "6": "no grad",
                     "8": "vanishing"}  # 1e-6 is ok in absolute terms, tiny next to 1e5


def test_plot_grad_flow_flags_in_the_figure(tmp_path):
    path = viz.plot_grad_flow(_params([1e-9, 0.3, 5e3]), tmp_path / "flow.svg")
    texts = svg_texts(svg_root(path.read_text(encoding="utf-8")))
    assert {"0", "2", "4"} <= set(texts)
    assert texts.count("vanishing") >= 2 and texts.count("exploding") >= 2  # label + legend
    png = viz.plot_grad_flow(_params([0.1, 0.2]), tmp_path / "flow.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_plot_losses_skips_non_curve_entries(tmp_path):
    history = {"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "val_acc": [0.5, 0.8],
               "epoch_seconds": [0.2, 0.2], "best_epoch": 2}
    texts = svg_texts(svg_root(viz.plot_losses(history, tmp_path / "h.svg").read_text()))
    assert {"train_loss", "val_loss", "val_acc"} <= set(texts)
    assert "epoch_seconds" not in texts
