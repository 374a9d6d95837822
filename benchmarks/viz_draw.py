"""viz on long graphs: ``draw_graph`` and ``backprop_page`` of scalar chains of 10^3-10^5 ops.

Both are bounded by ``max_nodes`` (and the page by ``max_steps``) at their defaults: the
walk stops after the values that will be drawn and only counts the rest, so the time
grows with one cheap pass over the graph, not with the layout of every node. Each
candidate is one entry point at one size; the chain (``* 1.0`` and ``+ 0.0`` in turn,
a value, an op and a constant per op) is built untimed, once, and each timed call
returns the root's value (0.5 at every size). ``draw_graph`` is timed to its DOT text;
``backprop_page`` to the written HTML file, Graphviz layout included.

    python -m benchmarks.viz_draw [--tiny] [--rounds N]
"""
import os
import shutil
import tempfile

from .harness import OURS, Candidate, Unavailable, compare, require, script_main

NAME = "viz_draw"
SIZES = {"full": (1_000, 10_000, 100_000), "tiny": (100, 1_000)}
ROUNDS = 3
TARGETS = {}


def scalar_chain(n_ops):
    """A Scalar chain of ``n_ops`` ops whose value stays 0.5: ``* 1.0`` and ``+ 0.0`` in turn."""
    Scalar = require("graphgrad.autograd", "Scalar").Scalar
    y = Scalar(0.5, label="x")
    for i in range(n_ops):
        y = y * 1.0 if i % 2 == 0 else y + 0.0
    return y


def _draw(n_ops):
    viz = require("graphgrad.viz", "draw_graph")
    root = scalar_chain(n_ops)

    def step():
        viz.draw_graph(root).source  # noqa: B018 - the DOT text is what draw_graph makes
        return root.data
    return step


def _page(n_ops):
    viz = require("graphgrad.viz", "backprop_page")
    if shutil.which("dot") is None:
        raise Unavailable("Graphviz 'dot' is not on PATH (apt-get install graphviz)")
    root = scalar_chain(n_ops)
    folder = tempfile.mkdtemp(prefix="viz-draw-")

    def step():
        viz.backprop_page(root, os.path.join(folder, "page.html"))
        return root.data
    return step


def run(size="full", rounds=ROUNDS):
    results = []
    for n_ops in SIZES[size]:
        candidates = [Candidate(f"draw_graph-{n_ops}", OURS, lambda n=n_ops: _draw(n)),
                      Candidate(f"backprop_page-{n_ops}", OURS, lambda n=n_ops: _page(n))]
        results += compare(NAME, candidates, rounds, warmup=0, ops=n_ops)
    return results


if __name__ == "__main__":
    script_main(run)
