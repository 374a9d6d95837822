"""Render graphs to SVG with Graphviz's ``dot`` program."""
import os

import graphviz

from .graph import draw_graph

__all__ = ["GraphvizNotFoundError", "to_svg", "render_svg"]

INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install graphviz`")


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on PATH)."""


def to_svg(graph):
    """The SVG text of a ``graphviz.Digraph`` (raises GraphvizNotFoundError without dot)."""
    try:
        return graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(
            "viz: the Graphviz 'dot' program was not found on PATH, so the graph cannot be "
            f"rendered; {INSTALL_HINT}. Without it, draw_graph(...).source still gives the "
            "DOT text.") from None


def render_svg(root, path, **kwargs):
    """Draw the graph of ``root`` and write it to ``path`` as SVG; returns ``path``.

    ``root`` is a Tensor or Scalar (the keyword arguments go to ``draw_graph``)
    or an already drawn ``graphviz.Digraph``.

    Example
    -------
    >>> loss.backward()
    >>> viz.render_svg(loss, "step.svg", params=dict(model.named_parameters()))
    'step.svg'
    """
    graph = root if isinstance(root, graphviz.Digraph) else draw_graph(root, **kwargs)
    svg = to_svg(graph)
    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(svg)
    return path
