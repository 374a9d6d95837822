"""Training plots with matplotlib: loss curves and per-layer gradient norms.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot, so no global
backend or figure state changes); the file format follows the path's extension
(``.svg``, ``.png``, ``.pdf``).
"""
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from .labels import host_array
from .modules import module_types, parent_path

__all__ = ["plot_losses", "grad_norms", "flag_layers", "plot_grad_flow"]

VANISHING = 1e-7   # absolute: a layer's gradient norm below this is flagged
EXPLODING = 1e3    # absolute: above this
RELATIVE = 1e-4    # below RELATIVE x the largest non-exploding layer's norm is flagged too


def _figure(width=7.0, height=4.0, ncols=1):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(1, ncols, squeeze=False)[0]


def _save(fig, path):
    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    from matplotlib import rc_context
    # NOTE: real <text> in SVG (not glyph paths): smaller, selectable, searchable.
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "graphgrad"}):
        fig.savefig(path, dpi=120)
    return path


def _series(history):
    """``{name: list of floats}`` from a dict of lists, a list of dicts or a list of numbers."""
    if isinstance(history, dict):
        return {str(k): [float(x) for x in v] for k, v in history.items()
                if k != "epoch" and np.ndim(v) == 1}
    records = list(history)
    if records and isinstance(records[0], dict):
        keys = [k for k in records[0] if k != "epoch"]
        return {str(k): [float(r[k]) for r in records if r.get(k) is not None] for k in keys}
    return {"train": [float(x) for x in records]}


def plot_losses(history: Any, path: str | os.PathLike[str],
                title: str = "Training") -> str | os.PathLike[str]:
    """Plot training and validation curves to ``path`` (SVG or PNG by extension).

    Parameters
    ----------
    history : dict or list
        ``{"train": [...], "val": [...]}`` (any names), a list of per-epoch
        dicts (``[{"epoch": 1, "train_loss": 0.9, "val_acc": 0.7}, ...]``) or a
        list of numbers. When some names contain ``loss``, only those and the
        ``acc`` ones are drawn (``epoch_seconds`` is not a curve); ``acc`` ones on a second panel.
    path : str
        Output file; returned.

    Examples
    --------
    >>> import os, pathlib, re, tempfile
    >>> from graphgrad import viz
    >>> history = {"train_loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7],
    ...            "val_acc": [0.5, 0.7, 0.8]}
    >>> path = viz.plot_losses(history, os.path.join(tempfile.mkdtemp(), "curves.svg"))
    >>> svg = pathlib.Path(path).read_text()
    >>> re.search(r'width="([^"]+)" height="([^"]+)"', svg).groups()   # loss and accuracy panels
    ('720pt', '288pt')
    >>> "val_acc" in svg      # the legend's text
    True
    """
    from matplotlib.ticker import MaxNLocator
    series = _series(history)
    if any("loss" in k.lower() for k in series):
        # NOTE: a training history also holds timings and such; plot only the curves.
        series = {k: v for k, v in series.items() if "loss" in k.lower() or "acc" in k.lower()}
    if not series or not any(series.values()):
        raise ValueError("plot_losses: the history holds no numbers to plot; pass e.g. "
                         "{'train': [0.9, 0.5], 'val': [1.0, 0.7]}")
    accuracy = {k: v for k, v in series.items() if "acc" in k.lower() and v}
    losses = {k: v for k, v in series.items() if k not in accuracy and v}
    fig, axes = _figure(10.0 if accuracy and losses else 6.0, 4.0,
                        2 if accuracy and losses else 1)
    panels = [(losses, "loss"), (accuracy, "accuracy")]
    for ax, (group, ylabel) in zip(axes, [p for p in panels if p[0]]):
        for name, values in group.items():
            ax.plot(range(1, len(values) + 1), values, marker="o" if len(values) <= 30 else None,
                    markersize=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return _save(fig, path)


def grad_norms(model: Any) -> dict[str, float | None]:
    """``{layer: L2 norm of its parameters' gradients}`` (None where no grad is stored).

    ``model`` is a Module, a dict ``name -> parameter`` or ``(name, parameter)``
    pairs; a layer is a parameter's module path (``encoder.0.weight`` is in
    ``encoder.0``).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn, viz
    >>> model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    >>> for p in model.parameters():
    ...     _ = nn.init.constant_(p, 0.5)
    >>> model(gg.ones((1, 2))).sum().backward()
    >>> {layer: round(norm, 4) for layer, norm in viz.grad_norms(model).items()}
    {'0': 1.2247, '1': 2.3452}
    """
    if hasattr(model, "named_parameters"):
        pairs = list(model.named_parameters())
    elif isinstance(model, dict):
        pairs = list(model.items())
    else:
        pairs = list(model)
    norms: dict[str, float | None] = {}
    for name, param in pairs:
        layer = parent_path(name) or name
        grad = getattr(param, "grad", None)
        if grad is None:
            norms.setdefault(layer, None)
            continue
        grad = host_array(grad, dtype=np.float64)  # drawn from the host (a device's: copied)
        squared = float(np.sum(np.square(grad)))
        norms[layer] = squared + (norms.get(layer) or 0.0)
    return {k: None if v is None else math.sqrt(v) for k, v in norms.items()}


def flag_layers(norms: Mapping[str, float | None], low: float = VANISHING,
                high: float = EXPLODING, relative: float = RELATIVE) -> dict[str, str]:
    """``{layer: "ok" | "vanishing" | "exploding" | "no grad"}`` for ``grad_norms`` output.

    Examples
    --------
    >>> from graphgrad import viz
    >>> viz.flag_layers({"0": 1.0, "1": 1e-9, "2": 5e3, "3": None})
    {'0': 'ok', '1': 'vanishing', '2': 'exploding', '3': 'no grad'}
    >>> viz.flag_layers({"0": 1.0, "1": 1e-5})   # 1e-4 times the largest healthy layer
    {'0': 'ok', '1': 'vanishing'}
    """
    # NOTE: compare with the largest *healthy* layer, so one exploding layer does not
    # make every other layer look vanishing.
    present = [v for v in norms.values() if v is not None and v <= high]
    largest = max(present) if present else 0.0
    flags = {}
    for layer, norm in norms.items():
        if norm is None:
            flags[layer] = "no grad"
        elif norm > high:
            flags[layer] = "exploding"
        elif norm < low or norm < relative * largest:
            flags[layer] = "vanishing"
        else:
            flags[layer] = "ok"
    return flags


_COLORS = {"ok": "#3182bd", "vanishing": "#9ecae1", "exploding": "#de2d26", "no grad": "#bbbbbb"}


def plot_grad_flow(model: Any, path: str | os.PathLike[str], low: float = VANISHING,
                   high: float = EXPLODING, relative: float = RELATIVE,
                   title: str = "Gradient flow: norm per layer") -> str | os.PathLike[str]:
    """Bar chart of each layer's gradient norm (log scale), flagging bad layers.

    Call after ``loss.backward()``. A layer is flagged *vanishing* when its
    norm is below ``low`` or below ``relative`` times the largest layer's,
    *exploding* above ``high`` (the largest layer that is not exploding is the
    reference for ``relative``); layers without a stored gradient show as
    *no grad*. Written to ``path`` (SVG or PNG by extension), which is returned.

    Examples
    --------
    >>> import os, pathlib, re, tempfile
    >>> import graphgrad as gg
    >>> from graphgrad import nn, viz
    >>> model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    >>> model(gg.ones((1, 2))).sum().backward()
    >>> model[0].weight.grad = model[0].weight.grad * 1e-9    # make layer 0 vanish
    >>> model[0].bias.grad = None
    >>> path = viz.plot_grad_flow(model, os.path.join(tempfile.mkdtemp(), "flow.svg"))
    >>> svg = pathlib.Path(path).read_text()
    >>> re.search(r'width="([^"]+)" height="([^"]+)"', svg).groups()
    ('432pt', '302.4pt')
    >>> svg.count(">vanishing<")      # the bar's flag and the legend's entry
    2
    """
    norms = grad_norms(model)
    if not norms:
        raise ValueError("plot_grad_flow: the model has no parameters")
    flags = flag_layers(norms, low, high, relative)
    layers = list(norms)
    present = [v for v in norms.values() if v]
    floor = min(present + [low]) / 10
    heights = [norms[k] if norms[k] else floor for k in layers]
    fig, (ax,) = _figure(max(6.0, 0.55 * len(layers) + 2), 4.2)
    ax.bar(range(len(layers)), heights, color=[_COLORS[flags[k]] for k in layers],
           edgecolor="#333333", linewidth=0.5)
    ax.set_yscale("log")
    ax.axhline(high, color=_COLORS["exploding"], linestyle="--", linewidth=1)
    ax.axhline(low, color=_COLORS["vanishing"], linestyle="--", linewidth=1)
    for x, layer in enumerate(layers):
        if flags[layer] != "ok":
            ax.annotate(flags[layer], (x, heights[x]), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=8, color="#b00000")
    types = module_types(model) if hasattr(model, "named_modules") else {}
    ticks = [f"{k}\n({types[k]})" if k in types else k for k in layers]
    ax.set_xticks(range(len(layers)), ticks, rotation=45 if len(layers) > 6 else 0,
                  ha="right" if len(layers) > 6 else "center")
    ax.set_ylabel("L2 norm of the layer's gradients")
    ax.set_xlabel("layer (input side on the left)")
    handles = [_patch(_COLORS[f], f) for f in ("ok", "vanishing", "exploding", "no grad")]
    ax.legend(handles=handles, fontsize=8, loc="best")
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title)
    return _save(fig, path)


def _patch(color, label):
    from matplotlib.patches import Patch
    return Patch(facecolor=color, edgecolor="#333333", label=label)
