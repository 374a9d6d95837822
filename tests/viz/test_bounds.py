"""viz stays bounded on big graphs: walks stop at what is drawn, module grouping is linear."""
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from viz_helpers import svg_root, svg_texts

from graphgrad import autograd, nn, viz
from graphgrad.autograd import Scalar
from graphgrad.viz import graph as vgraph
from graphgrad.viz.walk import MORE, GraphWalk

VIZ_DIR = str(Path(vgraph.__file__).resolve().parent)


def _chain(n_ops):
    y = Scalar(0.5, label="x")
    for i in range(n_ops):
        y = (y * 0.999).tanh() if i % 2 else y + 0.01
    return y


def _node_count(walk):
    return len(vgraph._bfs_order(walk))


def _drawn_nodes(svg):
    root = svg_root(svg)
    return [el for el in root.iter("{http://www.w3.org/2000/svg}g") if el.get("class") == "node"]


def _more_count(texts):
    found = [int(m.group(1)) for t in texts for m in [re.match(r"(\d+) more nodes not drawn", t)]
             if m]
    assert len(found) == 1, texts
    return found[0]


def test_walk_with_a_limit_keeps_the_ids_and_counts_the_rest():
    x = autograd.randn(3, requires_grad=True)
    w = autograd.randn(3, requires_grad=True)
    y = x
    for _ in range(30):
        y = (y * w + 2.0).tanh() + x  # shared inputs and constants
    full = GraphWalk(y.sum())
    for limit in (1, 5, 17, len(full.values)):
        part = GraphWalk(y.sum(), limit=limit)
        assert [part.id_of(v) for v in part.values] == [full.id_of(v) for v in
                                                        full.values[:limit]]
        assert _node_count(part) + part.cut == _node_count(full)
        assert all(c == MORE or c in part.constants or int(c[1:]) < limit
                   for edges in part.inputs.values() for c, _ in edges)
    assert GraphWalk(y.sum(), limit=len(full.values)).cut == 0


def test_draw_graph_of_a_long_chain_is_cut_with_a_count():
    root = _chain(10_000)
    total = _node_count(GraphWalk(root))
    graph = viz.draw_graph(root, max_nodes=60)
    drawn = _drawn_nodes(viz.to_svg(graph))
    assert len(drawn) <= 60
    texts = svg_texts(svg_root(viz.to_svg(graph)))
    assert "max_nodes=60" in " ".join(texts)
    assert _more_count(texts) + len(drawn) - 1 == total  # every node drawn or counted once


def test_page_and_picture_of_a_10k_op_graph_are_bounded_with_a_note(tmp_path):
    root = _chain(10_000)
    total_nodes = _node_count(GraphWalk(root))
    total_steps = len(autograd.toposort([root]))
    page = viz.backprop_page(root, tmp_path / "page.html", max_steps=300, max_nodes=120)
    text = page.read_text(encoding="utf-8")
    data = json.loads(text.split('<script type="application/json" id="steps">')[1]
                      .split("</script>")[0])
    assert len(data["steps"]) == 300 < total_steps
    assert f"first 300 of {total_steps} backward steps (max_steps=300)" in data["note"]
    assert "max_nodes=120" in data["note"]
    assert 'setText("note", data.note)' in text and '<p id="note"' in text
    svg = text[text.index("<svg"):text.index("</svg>") + 6]
    drawn = _drawn_nodes(svg)
    assert len(drawn) <= 120
    assert _more_count(svg_texts(svg_root(svg))) + len(drawn) - 1 == total_nodes


def test_page_defaults_are_bounded(tmp_path):
    root = _chain(10_000)
    page = viz.backprop_page(root, tmp_path / "page.html")
    text = page.read_text(encoding="utf-8")
    data = json.loads(text.split('<script type="application/json" id="steps">')[1]
                      .split("</script>")[0])
    assert len(data["steps"]) == viz.trace.MAX_STEPS
    assert f"max_nodes={viz.trace.MAX_PAGE_NODES}" in data["note"]
    assert len(_drawn_nodes(text[text.index("<svg"):text.index("</svg>") + 6])) <= (
        viz.trace.MAX_PAGE_NODES)


def test_small_page_has_no_note_and_truncated_steps_are_a_prefix(tmp_path):
    a, b = Scalar(2.0, label="a"), Scalar(-3.0, label="b")
    root = (a * b + a).tanh()
    page = viz.backprop_page(root, tmp_path / "page.html")
    text = page.read_text(encoding="utf-8")
    assert json.loads(text.split('id="steps">')[1].split("</script>")[0])["note"] == ""
    long = _chain(200)
    steps = viz.backward_steps(long)
    assert viz.backward_steps(long, max_steps=37) == steps[:37]


def _calls_in_viz(fn):
    """How many Python function calls ``fn`` makes to code in viz/ (a cost count, not time)."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call" and frame.f_code.co_filename.startswith(VIZ_DIR):
            count += 1
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def _module_costs(n_layers):
    autograd.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(2, 2) for _ in range(n_layers)])
    x = autograd.Tensor(np.ones((1, 2)))
    holder = {}

    def trace():
        with viz.trace_modules(model) as found:
            holder["loss"] = model(x).sum()
        holder["trace"] = found

    traced = _calls_in_viz(trace)
    # max_nodes = n_layers: every module is walked, and every one collapses into a box
    drawn = _calls_in_viz(lambda: viz.draw_graph(holder["loss"], modules=holder["trace"],
                                                 max_nodes=n_layers).source)
    return traced, drawn, viz.draw_graph(holder["loss"], modules=holder["trace"],
                                         max_nodes=n_layers).source


@pytest.mark.parametrize("which", [0, 1])
def test_trace_modules_and_module_collapse_cost_is_linear(which):
    small, big = _module_costs(40), _module_costs(160)
    assert big[2].count("box3d") > 40 and small[2].count("box3d") > 10  # collapse happened
    assert big[which] <= 5 * small[which], (small[which], big[which])  # 4x the modules
