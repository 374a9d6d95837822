"""trace_modules: op nodes land in their module's cluster; forward is restored exactly."""
import re

import numpy as np
import pytest
from viz_helpers import svg_root, svg_texts

from graphgrad import autograd, nn, viz
from graphgrad.viz import labels
from graphgrad.viz.walk import GraphWalk


class Affine:
    """A stand-in module speaking the protocol viz uses (named_* and __call__ -> forward)."""

    def __init__(self, n_in, n_out):
        self.weight = autograd.randn(n_in, n_out, requires_grad=True)
        self.bias = autograd.zeros(n_out, requires_grad=True)

    def named_children(self):
        return []

    def named_parameters(self):
        return [("weight", self.weight), ("bias", self.bias)]

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        return x @ self.weight + self.bias


class Chain(Affine):
    def __init__(self, **children):
        self.children = children

    def named_children(self):
        return list(self.children.items())

    def named_parameters(self):
        return [(f"{name}.{p}", v) for name, child in self.children.items()
                for p, v in child.named_parameters()]

    def forward(self, x):
        for child in self.children.values():
            x = child(x).tanh()
        return x


def _model():
    autograd.manual_seed(3)
    return Chain(encoder=Chain(a=Affine(4, 3), b=Affine(3, 3)), head=Affine(3, 2))


def _cluster_block(source, path):
    name = "cluster_m_" + "".join(c if c.isalnum() else f"_{ord(c):x}_" for c in path)
    start = source.index(f"subgraph {name} {{")
    depth, opening = 0, source.index("{", start)
    for end in range(opening, len(source)):
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        if depth == 0:
            break
    return source[start:end]


def test_op_nodes_are_clustered_by_module():
    model = _model()
    x = autograd.randn(5, 4)
    with viz.trace_modules(model) as trace:
        out = model(x)
        loss = (out * out).mean()
    loss.backward()
    source = viz.draw_graph(loss, modules=trace).source
    walk = GraphWalk(loss)
    head_matmul = "f" + walk.id_of(out.grad_fn.parents[0])[1:]  # tanh(head(x)): add's op
    head = _cluster_block(source, "head")
    assert "head</B> (Affine)" in head
    assert f"\t{head_matmul} [" in head
    inner = _cluster_block(source, "encoder.a")
    assert "encoder.a</B> (Affine)" in inner
    assert inner in _cluster_block(source, "encoder")  # nested cluster
    assert re.search(r"\tf\d+ \[label=<matmul>", inner)
    assert f"\t{walk.id_of(model.children['encoder'].children['a'].weight)} [" in inner
    loss_op = "f" + walk.id_of(loss)[1:]
    assert f"\t{loss_op} [" not in _cluster_block(source, "encoder")
    assert f"\t{loss_op} [" not in head


def test_modules_collapse_past_max_nodes():
    model = _model()
    with viz.trace_modules(model) as trace:
        loss = model(autograd.randn(5, 4)).sum()
    full = viz.draw_graph(loss, modules=trace, max_nodes=10 ** 6).source
    count = full.count("[label=")
    one = viz.draw_graph(loss, modules=trace, max_nodes=count - 1).source
    small = viz.draw_graph(loss, modules=trace, max_nodes=12).source
    assert "box3d" not in full
    assert one.count("box3d") == 1 and re.search(r"(encoder\.a|encoder\.b|head) \(Affine\)", one)
    assert one.count("[label=") <= count - 1
    assert "encoder (Chain)" in small and "encoder.a (Affine)" not in small
    assert small.count("[label=") <= 12


def test_forward_is_restored_exactly_even_on_error():
    model = _model()
    own = model.children["head"]
    custom = own.forward
    own.forward = custom  # an instance attribute that must survive
    with pytest.raises(RuntimeError, match="boom"):
        with viz.trace_modules(model):
            assert model.children["encoder"].children["a"].forward.__wrapped__ is not None
            raise RuntimeError("boom")
    assert "forward" not in vars(model.children["encoder"].children["a"])
    assert "forward" not in vars(model.children["encoder"])
    assert vars(own)["forward"] is custom
    assert "forward" not in vars(model)  # the root module is never wrapped


def test_real_nn_mlp_training_step():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(0.5), nn.Linear(5, 3))
    x = autograd.randn(4, 6)
    with viz.trace_modules(model) as trace:
        logits = model(x)
    loss = nn.CrossEntropyLoss()(logits, np.array([0, 1, 2, 0]))
    viz.retain_grads(loss)
    loss.backward()
    graph = viz.draw_graph(loss, modules=trace)
    source = graph.source
    walk = GraphWalk(loss)
    assert "0</B> (Linear)" in _cluster_block(source, "0")
    assert f"\t{walk.id_of(model[0].weight)} [" in _cluster_block(source, "0")
    dropout = _cluster_block(source, "2")
    assert "2</B> (Dropout)" in dropout
    assert re.search(r"\tv\d+ \[label=<\(4, 5\) float32<BR/>data", dropout)  # its mask
    texts = svg_texts(svg_root(viz.to_svg(graph)))
    for name, param in model.named_parameters():
        assert name in texts
        assert f"grad {labels.summarize(param.grad.data)}" in texts
    assert "forward" not in vars(model[0])
