"""Helpers for the viz tests: SVG parsing, and skipping (or failing under CI) without a browser."""
import xml.etree.ElementTree as ET

from headless_chromium import unavailable  # noqa: F401 - shared with tests/docs

SVG = "{http://www.w3.org/2000/svg}"


def svg_root(svg_text):
    """Parse SVG text as XML (fails the test on any markup error)."""
    return ET.fromstring(svg_text.encode("utf-8"))


def svg_texts(root):
    """All ``<text>`` contents, in document order (non-breaking spaces as spaces)."""
    return ["".join(el.itertext()).replace("\xa0", " ") for el in root.iter(SVG + "text")]


def svg_node(root, node_id):
    """The ``<g>`` element Graphviz wrote for node ``node_id``."""
    for el in root.iter(SVG + "g"):
        if el.get("id") == node_id:
            return el
    raise KeyError(node_id)


def node_texts(root, node_id):
    return ["".join(t.itertext()).replace("\xa0", " ")
            for t in svg_node(root, node_id).iter(SVG + "text")]


def node_fill(root, node_id):
    """The fill colour of a node's outline shape."""
    for el in svg_node(root, node_id):
        if el.tag in (SVG + "polygon", SVG + "path", SVG + "ellipse"):
            return el.get("fill")
    raise KeyError(node_id)


