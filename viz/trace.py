"""A page that steps through the backward pass, one value at a time.

``backprop_page(root, path)`` writes ONE self-contained HTML file (no network
access, no CDN): the graph as inline SVG, the steps as JSON inside
``<script type="application/json">``, and a little inline JavaScript. Next /
Previous (or the arrow keys) walk the values in the order backward visits
them (reverse topological order, ``autograd.toposort``); each step
highlights the value and the op that made it, and shows the gradients arriving
from its consumers, their sum, the op's local derivative rule (the formula
line of its docstring) and what it sends on to its inputs.

The gradients are computed for the page by replaying backward one node at a
time with ``autograd.backward_step`` (the engine's own step: version check,
the op's rule, gradients fitted to each input), without touching any
``.grad``. Tensor hooks are not run. Build the page before ``backward()`` frees the graph, or call
``backward(retain_graph=True)``.

The graph opens at Graphviz's own size (node text about 13 px, never shrunk to
fit the panel) in a scrolling viewport: drag to pan, the + / - / fit / 100%
buttons or Ctrl + wheel to zoom; each step scrolls its value to the centre.

Big graphs are bounded: the page holds the first ``max_steps`` steps (default
2,000) and the picture ``max_nodes`` nodes (default 1,000; the rest is one
"more nodes" box), and a note at the top of the panel says what was left out.
"""
import html
import json
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import GraphFreedError, backend, backward_step, toposort
from . import labels
from .graph import draw_graph
from .render import to_svg, write_text_atomically
from .walk import MORE, GraphWalk, is_scalar_value, op_label, rule_of

__all__ = ["backward_steps", "display_name", "shape_text", "grad_text", "backprop_page"]

MAX_SHOWN = 16  # gradients with more elements are summarised as min / mean / max
MAX_STEPS = 2000  # backprop_page's default: steps kept on the page
MAX_PAGE_NODES = 1000  # backprop_page's default: nodes drawn (Graphviz layout is superlinear)


def backward_steps(root: Any, params: Mapping[str, Any] | None = None,
                   max_steps: int | None = None) -> list[dict[str, Any]]:
    """The steps of the page: one dict per value, in the order backward visits them.

    Each step has ``node`` (the value's id in the drawn graph), ``op`` (the id
    of the op that made it, or None), ``name``, ``rule``, ``arriving`` (a list
    of ``{"from", "from_label", "grad"}``), ``accumulated``, ``sends`` and,
    for checking, ``value`` (the accumulated gradient as nested lists). With
    ``max_steps``, only the first ``max_steps`` steps are computed.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> a, b = gg.Scalar(2.0), gg.Scalar(-3.0)
    >>> c = a * b + a
    >>> for step in viz.backward_steps(c, params={"a": a, "b": b}):
    ...     print(step["name"], "| grad", step["accumulated"])   # dc/da = b + 1 = -2
    v0 = add(v1, v2) | grad 1
    v1 = mul(v2, v3) | grad 1
    b (v3 = leaf) | grad 2
    a (v2 = leaf) | grad -2
    """
    return _steps(root, params, max_steps)[0]


def _steps(root, params, max_steps):
    """``(steps, total)``: the first ``max_steps`` steps and how many there are in all."""
    if not getattr(root, "requires_grad", True):
        raise autograd.GradientError("backprop_page: the root does not require grad, so there "
                                     "is no backward pass to show; create its inputs with "
                                     "requires_grad=True")
    walk = GraphWalk(root)
    names = {id(v): name for name, v in (params or {}).items()}
    # the seed lives where the root does: the backward steps run on the graph's device
    seed = 1.0 if is_scalar_value(root) else backend.namespace(root.data).ones_like(root.data)
    pending = {id(root): seed}
    arriving = {id(root): [{"from": None, "from_label": "seed (d root / d root)",
                            "grad": grad_text(seed)}]}
    steps = []
    order = toposort([root])
    with autograd.no_grad():
        for value in order[:max_steps]:
            vid = walk.id_of(value)
            total = pending.pop(id(value), None)
            node = value.grad_fn
            step = dict(node=vid, op=None if node is None else "f" + vid[1:],
                        name=display_name(value, names, walk), shape=shape_text(value),
                        data=labels.summarize(value.data), arriving=arriving.pop(id(value), []),
                        accumulated="no gradient" if total is None else grad_text(total),
                        value=None if total is None else labels.host_array(
                            total, dtype=float).tolist(),
                        op_label=None, rule=None, sends=[])
            if node is not None:
                step["op_label"], step["rule"] = op_label(node), rule_of(node)
                if total is not None:
                    step["sends"] = _send(node, total, vid, walk, names, pending, arriving)
            steps.append(step)
    return steps, len(order)


def _send(node, total, vid, walk, names, pending, arriving):
    """Run one node's backward step, as the engine does, and route the results."""
    try:
        results = backward_step(node, total, retain_graph=True)
    except GraphFreedError:
        raise GraphFreedError(
            "backprop_page: the graph's saved values were already freed by backward(); build "
            "the page before calling backward(), or call backward(retain_graph=True)") from None
    sends = []
    for parent, grad in zip(node.parents, results):
        if grad is None:
            continue
        key = id(parent)
        pending[key] = grad if key not in pending else pending[key] + grad
        arriving.setdefault(key, []).append(
            {"from": "f" + vid[1:], "from_label": op_label(node), "grad": grad_text(grad)})
        sends.append({"to": walk.id_of(parent), "to_name": display_name(parent, names, walk),
                      "grad": grad_text(grad)})
    return sends


def display_name(value: Any, names: Mapping[int, str], walk: GraphWalk) -> str:
    """``name`` (param name or label) or the value's id, with what made it."""
    vid = walk.id_of(value)
    name = names.get(id(value)) or getattr(value, "label", "") or ""
    node = value.grad_fn
    if node is None:
        made = "leaf"
    else:
        args = ", ".join(c for c, _ in walk.inputs[vid])
        made = f"{op_label(node)}({args})"
    return f"{name} ({vid} = {made})" if name else f"{vid} = {made}"


def shape_text(value: Any) -> str:
    """``(2, 3) float32`` for a Tensor, ``""`` for a Scalar."""
    return "" if is_scalar_value(value) else f"{tuple(value.shape)} {value.dtype}"


def grad_text(grad: Any) -> str:
    """A gradient in 6 significant digits, all elements when small, else a summary."""
    array = labels.host_array(grad, dtype=np.float64)
    if array.size > MAX_SHOWN:
        return labels.summarize(array)
    return _nested(array)


def _nested(array):
    if array.ndim == 0:
        return f"{float(array):.6g}"
    return "[" + ", ".join(_nested(item) for item in array) + "]"


def backprop_page(root: Any, path: str | os.PathLike[str], params: Mapping[str, Any] | None = None,
                  title: str = "Backpropagation, step by step", max_steps: int = MAX_STEPS,
                  max_nodes: int = MAX_PAGE_NODES) -> str | os.PathLike[str]:
    """Write the step-by-step backward page for ``root`` to ``path``; returns ``path``.

    ``root`` is a Scalar or a one-element Tensor whose graph has not been freed
    (build the page before ``backward()``). ``params`` names values as in
    ``draw_graph``. The page keeps the first ``max_steps`` steps of backward and
    draws at most ``max_nodes`` nodes; a note on the page says what was left out.

    Example
    -------
    >>> import os, tempfile
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> a, b = gg.Scalar(2.0, label="a"), gg.Scalar(-3.0, label="b")
    >>> path = os.path.join(tempfile.mkdtemp(), "backprop.html")
    >>> viz.backprop_page((a * b + a).tanh(), path) == path
    True
    """
    steps, total = _steps(root, params, max_steps)
    graph = draw_graph(root, params=params, show_grads=False, shade=False, max_nodes=max_nodes,
                       show_ids=True)
    svg = to_svg(graph)
    svg = svg[svg.index("<svg"):]
    note = _limits_note(len(steps), total, graph, max_steps, max_nodes)
    payload = json.dumps(_visible({"title": title, "note": note, "steps": steps}),
                         ensure_ascii=False)
    # NOTE: inside <script>, "</script" would end the element; \u003c is the same
    # character to JSON.parse and cannot close anything.
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace(
        "\u2029", "\\u2029")
    # NOTE: the pieces are joined, never substituted into the page, so a label or title
    # holding "%SVG%" or "%DATA%" comes through as text
    head, middle, tail, end = _TEMPLATE_PARTS
    page = "".join((head, html.escape(labels.visible(title)), middle, svg, tail, payload, end))
    write_text_atomically(path, page)
    return path


def _limits_note(shown, total, graph, max_steps, max_nodes):
    """What the page left out (``""`` when nothing was)."""
    parts = []
    if shown < total:
        parts.append(f"Showing the first {shown} of {total} backward steps "
                     f"(max_steps={max_steps}).")
    source = graph.source
    if f"\t{MORE} [" in source or "box3d" in source:
        parts.append(f"The picture is cut at max_nodes={max_nodes}: its boxes say which "
                     "modules were collapsed and how many nodes were not drawn.")
    return " ".join(parts)


def _visible(item):
    """Every string in ``item`` (nested dicts and lists) through ``labels.visible``."""
    if isinstance(item, str):
        return labels.visible(item)
    if isinstance(item, dict):
        return {key: _visible(value) for key, value in item.items()}
    if isinstance(item, list):
        return [_visible(value) for value in item]
    return item


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>%TITLE%</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }
#graph { flex: 3; display: flex; flex-direction: column; min-width: 0;
  border-right: 1px solid #ccc; }
#zoombar { padding: 4px 8px; border-bottom: 1px solid #eee; font-size: 12px; color: #555; }
#zoombar button { font-size: 13px; padding: 2px 10px; margin-right: 4px; }
#viewport { flex: 1; overflow: auto; padding: 8px; cursor: grab; }
#viewport.panning { cursor: grabbing; user-select: none; }
#viewport svg { display: block; }
#panel { flex: 2; overflow: auto; padding: 12px 16px; min-width: 320px; }
#panel h1 { font-size: 18px; margin: 0 0 8px; }
button { font-size: 14px; padding: 4px 14px; margin-right: 6px; }
.label { color: #555; font-size: 12px; text-transform: uppercase; margin-top: 12px; }
.mono { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
ul { margin: 4px 0; padding-left: 18px; }
#accumulated { font-weight: bold; }
g.node.done polygon, g.node.done path { fill: #e5f5e0; }
g.node.current polygon, g.node.current path, g.node.current ellipse
  { stroke: #d62728; stroke-width: 4px; }
g.node.current-op ellipse { stroke: #d62728; stroke-width: 3px; fill: #fde0dd; }
g.node.receiving polygon, g.node.receiving path { stroke: #1f77b4; stroke-width: 3px; }
</style>
</head>
<body>
<div id="graph">
  <div id="zoombar"><button id="zoom-in" type="button" title="Zoom in">+</button><button
    id="zoom-out" type="button" title="Zoom out">&minus;</button><button id="zoom-fit"
    type="button" title="Fit the whole graph">fit</button><button id="zoom-reset" type="button"
    title="Readable size">100%</button> <span id="zoom-level"></span> &middot; drag to pan,
    Ctrl + wheel to zoom</div>
  <div id="viewport">%SVG%</div>
</div>
<div id="panel">
  <h1 id="title"></h1>
  <p id="note" style="color:#a33"></p>
  <div><button id="prev" type="button">&larr; Previous</button><button id="next"
    type="button">Next &rarr;</button> <span id="counter"></span></div>
  <div class="label">Value</div><div id="node-name" class="mono"></div>
  <div id="node-shape" class="mono"></div><div id="node-data" class="mono"></div>
  <div class="label">Gradient arriving</div><ul id="arriving" class="mono"></ul>
  <div class="label">Accumulated gradient</div><div id="accumulated" class="mono"></div>
  <div class="label">Local derivative rule</div><div id="rule" class="mono"></div>
  <div class="label">Sends to its inputs</div><ul id="sends" class="mono"></ul>
  <p style="color:#777;font-size:12px">Arrow keys also step. Red: this value and the op
  that made it; blue: inputs receiving a gradient; green: values already done.</p>
</div>
<script type="application/json" id="steps">%DATA%</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("steps").textContent);
const steps = data.steps;
let index = 0;
function byId(id) { return document.getElementById(id); }
function setText(id, text) { byId(id).textContent = text; }
function fillList(id, items) {
  const list = byId(id);
  list.replaceChildren();
  for (const text of items) {
    const item = document.createElement("li");
    item.textContent = text;
    list.appendChild(item);
  }
}
function mark(id, cls) { const el = id && byId(id); if (el) { el.classList.add(cls); } }
function show(i) {
  index = Math.max(0, Math.min(steps.length - 1, i));
  const step = steps[index];
  for (const cls of ["current", "current-op", "receiving", "done"]) {
    for (const el of Array.from(document.querySelectorAll("g." + cls))) {
      el.classList.remove(cls);
    }
  }
  for (let k = 0; k < index; k++) { mark(steps[k].node, "done"); }
  mark(step.node, "current");
  mark(step.op, "current-op");
  for (const send of step.sends) { mark(send.to, "receiving"); }
  setText("counter", "Step " + (index + 1) + " of " + steps.length);
  setText("node-name", step.name);
  setText("node-shape", step.shape);
  setText("node-data", "data " + step.data);
  fillList("arriving", step.arriving.map(a => "from " + a.from_label + ": " + a.grad));
  setText("accumulated", step.accumulated);
  setText("rule", step.rule === null ? "leaf: the gradient is stored in .grad"
                                     : step.op_label + ": " + step.rule);
  fillList("sends", step.sends.map(s => s.to_name + ": " + s.grad));
  byId("prev").disabled = index === 0;
  byId("next").disabled = index === steps.length - 1;
  centre(byId(step.node));
}
// Zoom: 1 is Graphviz's own size (10 pt node text, about 13 px); the page opens there
// (never shrunk to fit) and the viewport scrolls and pans.
const viewport = byId("viewport");
const svg = viewport.querySelector("svg");
const box = svg ? svg.viewBox.baseVal : null;
const PT = 4 / 3;  // CSS px per pt: the SVG's user unit is a point
let zoom = 1;
function setZoom(z, cx, cy) {
  if (!svg || !box) { return; }
  const rect = viewport.getBoundingClientRect();
  cx = cx === undefined ? rect.width / 2 : cx;
  cy = cy === undefined ? rect.height / 2 : cy;
  const fx = (viewport.scrollLeft + cx) / zoom, fy = (viewport.scrollTop + cy) / zoom;
  zoom = Math.max(0.05, Math.min(8, z));
  svg.setAttribute("width", (box.width * PT * zoom) + "px");
  svg.setAttribute("height", (box.height * PT * zoom) + "px");
  viewport.scrollLeft = fx * zoom - cx;
  viewport.scrollTop = fy * zoom - cy;
  setText("zoom-level", Math.round(zoom * 100) + "%");
}
function fitZoom() {
  const rect = viewport.getBoundingClientRect();
  return Math.min((rect.width - 20) / (box.width * PT), (rect.height - 20) / (box.height * PT));
}
function centre(el) {
  if (!el || !el.getBoundingClientRect) { return; }
  const outer = viewport.getBoundingClientRect(), inner = el.getBoundingClientRect();
  viewport.scrollLeft += (inner.left + inner.width / 2) - (outer.left + outer.width / 2);
  viewport.scrollTop += (inner.top + inner.height / 2) - (outer.top + outer.height / 2);
}
byId("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
byId("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
byId("zoom-fit").addEventListener("click", () => { if (box) { setZoom(fitZoom()); } });
byId("zoom-reset").addEventListener("click", () => {
  setZoom(1);
  centre(byId(steps[index].node));
});
// NOTE: only Ctrl / Cmd + wheel (and touchpad pinch, which sends ctrlKey) zooms: a plain
// wheel scrolls the graph, and inside a tutorial's iframe it must still scroll the page.
viewport.addEventListener("wheel", event => {
  if (!event.ctrlKey && !event.metaKey) { return; }
  event.preventDefault();
  const rect = viewport.getBoundingClientRect();
  setZoom(zoom * Math.exp(-event.deltaY / 500), event.clientX - rect.left,
          event.clientY - rect.top);
}, {passive: false});
let drag = null;
viewport.addEventListener("pointerdown", event => {
  if (event.button !== 0) { return; }
  drag = {x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop};
  viewport.classList.add("panning");
});
window.addEventListener("pointermove", event => {
  if (!drag) { return; }
  viewport.scrollLeft = drag.left - (event.clientX - drag.x);
  viewport.scrollTop = drag.top - (event.clientY - drag.y);
});
window.addEventListener("pointerup", () => { drag = null; viewport.classList.remove("panning"); });
setZoom(1);
setText("title", data.title);
setText("note", data.note);
byId("next").addEventListener("click", () => show(index + 1));
byId("prev").addEventListener("click", () => show(index - 1));
document.addEventListener("keydown", event => {
  if (event.key === "ArrowRight" || event.key === "ArrowDown") { show(index + 1); }
  else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { show(index - 1); }
  else { return; }
  event.preventDefault();
});
show(0);
</script>
</body>
</html>
"""
_TEMPLATE_PARTS = re.split("%TITLE%|%SVG%|%DATA%", _TEMPLATE)
