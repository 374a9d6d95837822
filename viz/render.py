"""Render graphs to SVG with Graphviz's ``dot`` program."""
import os
import secrets
from typing import Any

import graphviz

from .graph import draw_graph

__all__ = ["GraphvizNotFoundError", "to_svg", "render_svg", "write_text_atomically"]

INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install graphviz`")


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on PATH).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> import os
    >>> graph = viz.draw_graph(gg.Scalar(1.0) * 2)     # building the DOT text needs no dot
    >>> saved, os.environ["PATH"] = os.environ["PATH"], ""   # pretend dot is missing
    >>> try:
    ...     viz.to_svg(graph)
    ... except viz.GraphvizNotFoundError as error:
    ...     print(str(error).split(";")[0])
    ... finally:
    ...     os.environ["PATH"] = saved
    viz: the Graphviz 'dot' program was not found on PATH, so the graph cannot be rendered
    """


def to_svg(graph: graphviz.Digraph) -> str:
    """The SVG text of a ``graphviz.Digraph`` (raises GraphvizNotFoundError without dot).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> a, b = gg.Scalar(2.0), gg.Scalar(-3.0)
    >>> c = a * b + a
    >>> c.backward()
    >>> svg = viz.to_svg(viz.draw_graph(c))   # text: embed it in a page, no file written
    >>> svg.count('class="node"'), svg.count('class="edge"')   # 4 values, 2 ops, the legend
    (7, 6)
    """
    try:
        return graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(
            "viz: the Graphviz 'dot' program was not found on PATH, so the graph cannot be "
            f"rendered; {INSTALL_HINT}. Without it, draw_graph(...).source still gives the "
            "DOT text.") from None


def render_svg(root: Any, path: str | os.PathLike[str], **kwargs: Any) -> str | os.PathLike[str]:
    """Draw the graph of ``root`` and write it to ``path`` as SVG; returns ``path``.

    ``root`` is a Tensor or Scalar (the keyword arguments go to ``draw_graph``)
    or an already drawn ``graphviz.Digraph``.

    Example
    -------
    >>> import os, tempfile
    >>> import graphgrad as gg
    >>> from graphgrad import nn, viz
    >>> model = nn.Linear(2, 1)
    >>> loss = model(gg.ones(1, 2)).sum()
    >>> loss.backward()
    >>> path = os.path.join(tempfile.mkdtemp(), "step.svg")
    >>> viz.render_svg(loss, path, params=dict(model.named_parameters())) == path
    True
    """
    graph = root if isinstance(root, graphviz.Digraph) else draw_graph(root, **kwargs)
    write_text_atomically(path, to_svg(graph))
    return path


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    The text is encoded first and the old file is replaced only once the new
    one is complete, so a failure never leaves a truncated file. Missing
    folders are created; a new file gets the umask's mode.
    """
    data = text.encode("utf-8")
    path = os.fspath(path)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}."
                                   f"{secrets.token_hex(4)}.tmp")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
