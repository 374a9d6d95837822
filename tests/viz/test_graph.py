"""draw_graph / render_svg: content, shading, clusters, collapsing, safety, missing dot."""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from viz_helpers import node_fill, node_texts, svg_node, svg_root, svg_texts

from graphgrad import autograd, viz
from graphgrad.viz import graph as vgraph
from graphgrad.viz import labels


def _mlp_step(sizes=(5, 4, 3), batch=6, seed=0):
    """One training step of a tiny MLP written with raw tensors: (loss, params)."""
    autograd.manual_seed(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        params[f"{2 * i}.weight"] = autograd.randn(n_in, n_out, requires_grad=True)
        params[f"{2 * i}.bias"] = autograd.zeros(n_out, requires_grad=True)
    x = autograd.randn(batch, sizes[0])
    h = x
    for i in range(len(sizes) - 1):
        h = h @ params[f"{2 * i}.weight"] + params[f"{2 * i}.bias"]
        if i < len(sizes) - 2:
            h = h.relu()
    loss = (h * h).sum(axis=1).mean()
    return loss, params


def _svg(root, **kwargs):
    return svg_root(viz.to_svg(viz.draw_graph(root, **kwargs)))


def test_graph_svg_shows_ops_params_shapes_and_grads():
    loss, params = _mlp_step()
    loss.backward()
    walk_ids = {id(v): name for name, v in params.items()}
    root = _svg(loss, params=params)
    texts = svg_texts(root)
    for op in ("matmul", "add", "relu", "mul", "sum(axis=1)", "mean"):
        assert op in texts, op
    for name, value in params.items():
        assert name in texts
        assert f"{tuple(value.shape)} {value.dtype}" in texts
        assert f"grad {labels.summarize(value.grad.data)}" in texts
    assert f"data {labels.summarize(loss.data)}" in texts
    assert len(walk_ids) == len(params)


def test_intermediate_grads_shown_only_when_retained():
    loss, params = _mlp_step()
    hidden = loss.grad_fn.parents[0]
    loss.backward(retain_graph=True)
    before = _svg(loss, params=params)
    assert not any(t.startswith("grad") for t in node_texts(before, "v1"))
    loss2, _ = _mlp_step()
    assert viz.retain_grads(loss2) > 0
    loss2.backward()
    texts = node_texts(_svg(loss2), "v1")
    grad = loss2.grad_fn.parents[0].grad
    assert f"grad {labels.summarize(grad.data)}" in texts
    assert hidden.grad is None


def test_op_arguments_appear_in_op_labels():
    x = autograd.randn(3, 4, requires_grad=True)
    y = x.sum(axis=1).mean(axis=0, keepdims=True).sum() + autograd.leaky_relu(x, 0.2).sum()
    texts = svg_texts(_svg(y))
    assert "sum(axis=1)" in texts
    assert "mean(axis=0, keepdims=True)" in texts
    assert "leaky_relu(negative_slope=0.2)" in texts


def _luminance(color):
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_shading_follows_gradient_magnitude():
    scales = [1e-3, 1e-2, 1.0, 1e2]
    leaves = [autograd.ones(3, requires_grad=True) for _ in scales]
    tiny = autograd.ones(2, requires_grad=True)
    huge = autograd.ones(2, requires_grad=True)
    loss = (tiny * 1e-9).sum() + (huge * 1e6).sum()
    for leaf, scale in zip(leaves, scales):
        loss = loss + (leaf * scale).sum()
    loss.backward()
    graph = viz.draw_graph(loss)
    walk = vgraph.GraphWalk(loss)
    root = svg_root(viz.to_svg(graph))
    fills = [node_fill(root, walk.id_of(leaf)) for leaf in leaves]
    lum = [_luminance(f) for f in fills]
    assert lum == sorted(lum, reverse=True) and lum[0] > lum[-1]  # bigger grad: darker
    assert node_fill(root, walk.id_of(tiny)) == vgraph.VANISHING_COLOR
    assert node_fill(root, walk.id_of(huge)) == vgraph.EXPLODING_COLOR
    legend = " ".join(node_texts(root, "legend"))
    assert "vanishing" in legend and "exploding" in legend and "log scale" in legend


def test_no_shading_or_legend_before_backward():
    loss, params = _mlp_step()
    root = _svg(loss, params=params)
    with pytest.raises(KeyError):
        svg_node(root, "legend")
    assert node_fill(root, "v0") == vgraph.NO_GRAD_COLOR


def _clusters(root):
    ns = "{http://www.w3.org/2000/svg}"
    return {el.get("id"): " ".join("".join(t.itertext()) for t in el.iter(ns + "text")
                                   if t in list(el))
            for el in root.iter(ns + "g") if el.get("class") == "cluster"}


def test_clusters_from_parameter_names_carry_module_paths():
    loss, params = _mlp_step()
    named = {f"encoder.{k}": v for k, v in params.items()}
    root = _svg(loss, params=named)
    labels_ = set(_clusters(root).values())
    assert {"encoder", "encoder.0", "encoder.2"} <= labels_
    source = viz.draw_graph(loss, params=named).source
    block = source[source.index("subgraph cluster_m_encoder_2e_0 {"):]
    block = block[:block.index("}")]
    walk = vgraph.GraphWalk(loss)
    assert f"\t{walk.id_of(named['encoder.0.weight'])} [" in block
    assert f"\t{walk.id_of(named['encoder.2.weight'])} [" not in block


def test_max_nodes_collapses_module_clusters():
    loss, params = _mlp_step(sizes=(4, 4, 4, 4, 4, 2))
    full = viz.draw_graph(loss, params=params, max_nodes=10 ** 6)
    small = viz.draw_graph(loss, params=params, max_nodes=20)
    count = lambda g: len(re.findall(r"^\s+\S+ \[label=", g.source, re.M))  # noqa: E731
    assert count(small) <= 20 + 1 < count(full)  # + the legend-free graph has no legend
    assert "collapsed" in small.source and "box3d" in small.source


def test_max_nodes_folds_a_plain_chain():
    x = autograd.ones(2, requires_grad=True)
    y = x
    for _ in range(60):
        y = (y * 1.0).tanh()
    graph = viz.draw_graph(y.sum(), max_nodes=25)
    root = svg_root(viz.to_svg(graph))
    nodes = [el for el in root.iter("{http://www.w3.org/2000/svg}g") if el.get("class") == "node"]
    assert len(nodes) <= 25
    assert any("more nodes" in t for t in svg_texts(root))


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\t]")


def _expected_lines(name):
    """Independent of viz: the label's text lines as a reader sees them."""
    return [line.replace("\xa0", " ") for line in re.split(r"\r\n|\r|\n", name) if line]


@given(st.text(max_size=40))
def test_arbitrary_names_are_text_in_the_svg(name):
    x = autograd.ones(2, requires_grad=True)
    x.label = name
    y = (x * 2.0).sum()
    y.backward()
    root = svg_root(viz.to_svg(viz.draw_graph(y, params={name + "!": x})))  # parses as XML
    texts = svg_texts(root)
    walk = vgraph.GraphWalk(y)
    mine = node_texts(root, walk.id_of(x))
    if not _XML_BAD.search(name) and len(name) < labels.MAX_LINE:
        lines = _expected_lines(name + "!")
        assert mine[:len(lines)] == lines
    assert texts  # the rest of the picture is intact too
    assert "mul" in texts and "sum" in texts


def test_unsafe_characters_become_visible_escapes():
    x = autograd.ones(2, requires_grad=True)
    x.label = "a\x00b\x1bc\ud800"
    root = _svg((x * 1.0).sum())
    assert "a\\x00b\\x1bc\\ud800" in svg_texts(root)


def test_markup_in_names_stays_text():
    x = autograd.ones(2, requires_grad=True)
    x.label = '<B>bold</B> & "quoted" {braces} \\n back\\slash'
    svg = viz.to_svg(viz.draw_graph((x * 1.0).sum()))
    assert x.label in svg_texts(svg_root(svg))
    assert "<B>" not in svg


def test_missing_dot_gives_install_hint_but_source_still_works(tmp_path, monkeypatch):
    loss, params = _mlp_step()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on PATH
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render_svg(loss, tmp_path / "g.svg", params=params)
    message = str(info.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert ".source" in message
    source = viz.draw_graph(loss, params=params).source
    assert source.startswith("digraph") and "0.weight" in source
    assert not (tmp_path / "g.svg").exists()


def test_render_svg_writes_file(tmp_path):
    loss, params = _mlp_step()
    loss.backward()
    path = viz.render_svg(loss, tmp_path / "sub" / "g.svg", params=params)
    root = svg_root((tmp_path / "sub" / "g.svg").read_text(encoding="utf-8"))
    assert path == tmp_path / "sub" / "g.svg"
    assert "0.weight" in svg_texts(root)


def test_graph_of_several_roots_and_constants():
    a = autograd.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3.0
    c = 2.5 - a
    texts = svg_texts(_svg([b, c]))
    assert "3" in texts and "2.5" in texts and "sub" in texts and "mul" in texts
    with pytest.raises(TypeError, match="Tensor or Scalar"):
        viz.draw_graph(np.ones(3))


def test_scalar_graphs_draw_like_tensor_graphs():
    a, b = autograd.Scalar(2.0, label="a"), autograd.Scalar(-3.0, label="b")
    c = a * b + a.tanh()
    c.label = "c"
    before = _svg(c)
    with pytest.raises(KeyError):
        svg_node(before, "legend")  # every grad is still 0.0: nothing to shade yet
    c.backward()
    root = _svg(c)
    walk = vgraph.GraphWalk(c)
    for value in (a, b, c):
        texts = node_texts(root, walk.id_of(value))
        assert texts[0] == value.label
        assert f"data {labels.fmt(value.data)}" in texts
        assert f"grad {labels.fmt(value.grad)}" in texts
        assert not any("float" in t for t in texts)  # no shape or dtype line for Scalars
    assert {"mul", "add", "tanh"} <= set(svg_texts(root))
    svg_node(root, "legend")


def _svg_size(root):
    """The picture's width and height in points, from Graphviz's SVG attributes."""
    return tuple(float(root.get(key).removesuffix("pt")) for key in ("width", "height"))


RANKDIR_CASES = [  # (edges, expected): long chains go top to bottom, short wide graphs stay LR
    ([("a", "b"), ("b", "c"), ("c", "d")], "TB"),
    ([(f"x{i}", f"x{i + 1}") for i in range(40)], "TB"),
    ([("a", "out"), ("b", "out"), ("c", "out")], "LR"),
    ([("a", "b")], "TB"),  # 2 ranks of 1: LR about 6:1, TB 1:2, closer to square
    ([(f"x{i}", "out") for i in range(10)] + [("out", "y")], "LR"),
    ([], "LR"),
]


@pytest.mark.parametrize("edges, expected", RANKDIR_CASES)
def test_choose_rankdir_spec(edges, expected):
    assert viz.choose_rankdir(edges) == expected


def test_choose_rankdir_ranks_by_longest_path():
    # a skip edge a -> d must not put d at rank 1: the chain a-b-c-d has 4 ranks of 1 node
    assert viz.choose_rankdir([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]) == "TB"
    # 3 ranks, 5 nodes in the widest: LR is 9:5 wide (under 2), stays LR
    fan = [(f"x{i}", f"y{i}") for i in range(5)] + [(f"y{i}", "out") for i in range(5)]
    assert viz.choose_rankdir(fan) == "LR"


def test_auto_rankdir_makes_an_mlp_step_page_shaped_and_keeps_explicit_choices():
    loss, params = _mlp_step(sizes=(8, 8, 8, 8, 3))
    auto = _svg(loss, params=params)
    lr = _svg(loss, params=params, rankdir="LR")
    lr_w, lr_h = _svg_size(lr)
    auto_w, auto_h = _svg_size(auto)
    assert lr_w / lr_h > 3  # the old default: one long row
    assert 0.4 < auto_w / auto_h < 2, (auto_w, auto_h)
    assert 'rankdir=TB' in viz.draw_graph(loss, params=params).source
    assert 'rankdir=LR' in viz.draw_graph(loss, params=params, rankdir="LR").source
    assert 'rankdir=BT' in viz.draw_graph(loss, params=params, rankdir="BT").source
    pairs = [autograd.Scalar(float(i)) * autograd.Scalar(2.0) for i in range(8)]
    assert 'rankdir=LR' in viz.draw_graph(pairs).source  # 3 ranks, 16 leaves: shallow, wide
    wide_w, wide_h = _svg_size(_svg(pairs))
    assert wide_w / wide_h < 2
