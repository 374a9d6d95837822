"""Computation graphs as Graphviz pictures, with values and gradient-flow shading.

``draw_graph`` builds a ``graphviz.Digraph``: value nodes (boxes: name, shape,
dtype, value, gradient) and op nodes (ellipses: ``matmul``, ``sum(axis=1)``),
edges in the direction data flowed. Value nodes are shaded by the size of their
stored gradient on a log scale, with a legend. Nodes made inside a module are
grouped in labelled clusters, and past ``max_nodes`` whole modules collapse to
one box each.

``draw_graph`` computes nothing: it shows the ``.grad`` the values hold. Leaves
keep theirs after ``backward``; intermediate Tensors keep a gradient only after
``retain_grad()``, so call ``retain_grads(loss)`` before ``loss.backward()`` to
see every gradient in the picture.
"""
import heapq
import math
from collections.abc import Mapping, Sequence
from typing import Any

import graphviz

from . import labels
from .labels import html_text
from .modules import ModuleTrace, module_types, parent_path
from .walk import MORE, GraphWalk, grad_array, is_scalar_value, op_label

__all__ = ["draw_graph", "retain_grads", "GradientScale", "value_label", "choose_rankdir"]

MAX_NODES = 250
# NOTE: the walk stops after WALK_FACTOR * max_nodes values (ids stay those of a full walk),
# enough for whole modules to collapse; the rest is only counted, so a 10^6-op graph costs
# one cheap pass plus the few hundred nodes that are drawn.
WALK_FACTOR = 4
# NOTE: absolute thresholds for flagging (RMS of a gradient); the colours in between
# follow a log scale over the magnitudes present in the picture.
VANISHING = 1e-7
EXPLODING = 1e3
PALETTE = ("#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f")
VANISHING_COLOR = "#c6dbef"
EXPLODING_COLOR = "#67000d"
NO_GRAD_COLOR = "#ffffff"
DARK_FILLS = (PALETTE[-1], EXPLODING_COLOR)  # drawn with white text
# NOTE: choose_rankdir's estimate: a drawn node is about NODE_ASPECT times as wide as tall
# (value boxes hold a line like "data [min -0.12, mean 0.03, max 0.4]"), and "much wider
# than tall" means an LR picture over WIDE_PAGE times as wide as it is tall.
NODE_ASPECT = 3.0
WIDE_PAGE = 2.0


def draw_graph(root: Any, params: Mapping[str, Any] | None = None, show_values: bool = True,
               show_grads: bool = True, rankdir: str = "auto", max_nodes: int = MAX_NODES,
               module: Any = None, modules: Any = None, shade: bool = True,
               show_ids: bool = False) -> graphviz.Digraph:
    """Draw the graph that computed ``root`` (a Tensor, a Scalar, or a list of them).

    Parameters
    ----------
    root : Tensor or Scalar or list
        The output(s); every value and op they were computed from is drawn.
    params : dict, optional
        ``name -> value``, e.g. ``dict(model.named_parameters())``; values are
        matched by identity and shown with their names. Names with dots
        (``encoder.0.weight``) place the parameter in the module's cluster.
    show_values, show_grads : bool
        Show the data / the stored ``.grad`` (value, or min / mean / max).
    rankdir : str
        Graphviz direction: ``"LR"`` (left to right), ``"TB"`` (top to bottom), any
        other Graphviz ``rankdir`` (``"BT"``, ``"RL"``), or ``"auto"`` (the default):
        ``choose_rankdir`` estimates both pictures from the graph's longest path (ranks)
        and its widest rank, and takes TB when the LR picture would be over twice as wide
        as tall and TB is closer to page-shaped (long chains, a training step of a deep
        net); otherwise LR.
    max_nodes : int
        Past this many nodes, modules collapse to one box (largest first), then
        the nodes farthest from the root are folded into one box that says how
        many nodes it stands for. Only ``4 * max_nodes`` values are walked and
        only drawn nodes are labelled, so the cost is bounded by ``max_nodes``
        (plus one pass counting what is left).
    module : Module, optional
        Supplies parameter names and module class names for cluster labels.
    modules : ModuleTrace, optional
        From ``with viz.trace_modules(model) as trace:``; puts op nodes in clusters.
    shade : bool
        Colour value nodes by gradient magnitude and add a legend.
    show_ids : bool
        Show each value's id (``v3``; its op is ``f3``), as ``backprop_page`` does.

    Returns
    -------
    graphviz.Digraph
        Shows inline in Jupyter; ``.source`` is the DOT text; ``render_svg`` writes SVG.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> a, b = gg.Scalar(2.0), gg.Scalar(-3.0)
    >>> c = a * b + a
    >>> c.backward()
    >>> g = viz.draw_graph(c, params={"a": a, "b": b})   # shows inline in Jupyter
    >>> g.graph_attr["rankdir"]                 # "auto" chose top to bottom
    'TB'
    >>> [line.strip() for line in g.source.splitlines() if "->" in line]   # v: values, f: ops
    ['f0 -> v0', 'f1 -> v1', 'v1 -> f0', 'v2 -> f0', 'v2 -> f1', 'v3 -> f1']
    >>> "<B>a</B><BR/>data 2<BR/>grad -2" in g.source    # a's box: dc/da = b + 1
    True
    """
    if isinstance(modules, ModuleTrace) and module is None:
        module = modules.model
    if params is None and module is not None:
        params = dict(module.named_parameters())
    walk = GraphWalk(root, limit=WALK_FACTOR * max(max_nodes, 1))
    names = {id(v): name for name, v in (params or {}).items()}
    types = module_types(module) if module is not None else {}
    if isinstance(modules, ModuleTrace):
        types = {**modules.types, **types}
    owner = _owners(walk, names, modules)
    scale = GradientScale(walk.values) if shade and show_grads else None

    graph = graphviz.Digraph("graph", graph_attr={
        "rankdir": rankdir, "fontname": "Helvetica", "nodesep": "0.25", "ranksep": "0.35"},
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"arrowsize": "0.6", "color": "#555555"})
    collapsed, boxes, box_attrs, folded = _collapse(walk, _bfs_order(walk), owner, types,
                                                    max_nodes, scale)
    nodes = _node_table(walk, names, show_values, show_grads, scale, show_ids,
                        lambda n: n not in folded and n not in boxes)
    edges = _emit(graph, walk, nodes, owner, types, boxes, box_attrs, folded, max_nodes)
    if rankdir == "auto":
        graph.graph_attr["rankdir"] = choose_rankdir(edges)
    if scale is not None and scale.has_grads:
        graph.node("legend", label=scale.legend(), shape="plaintext", id="legend")
    return graph


def choose_rankdir(edges: Sequence[tuple[str, str]]) -> str:
    """``"TB"`` or ``"LR"``: the direction whose picture of ``edges`` is closer to page-shaped.

    Ranks are longest-path levels (what Graphviz lays out in columns for LR, rows
    for TB): with ``L`` ranks and at most ``W`` nodes in one rank, an LR picture is
    about ``L * NODE_ASPECT`` node heights wide and ``W`` tall, a TB picture ``W *
    NODE_ASPECT`` wide and ``L`` tall. TB is taken when the LR picture would be more
    than ``WIDE_PAGE`` times as wide as tall and the TB picture's aspect ratio is
    closer to 1 (a chain of any length goes TB; a short, wide graph stays LR). One
    linear pass over the edges, no layout.

    Parameters
    ----------
    edges : sequence of (tail, head)
        The drawn edges, by node id (a DAG).

    Returns
    -------
    str
        ``"TB"`` or ``"LR"``.

    Example
    -------
    >>> from graphgrad import viz
    >>> viz.choose_rankdir([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    'TB'
    >>> viz.choose_rankdir([("a", "out"), ("b", "out"), ("c", "out")])
    'LR'
    """
    heads: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for tail, head in edges:
        heads.setdefault(tail, []).append(head)
        indegree[head] = indegree.get(head, 0) + 1
        indegree.setdefault(tail, 0)
    rank = {node: 0 for node, count in indegree.items() if count == 0}
    ready = list(rank)
    while ready:  # Kahn's order: a node's rank is final when its last input is done
        node = ready.pop()
        for head in heads.get(node, ()):
            rank[head] = max(rank.get(head, 0), rank[node] + 1)
            indegree[head] -= 1
            if indegree[head] == 0:
                ready.append(head)
    if not rank:
        return "LR"
    per_rank: dict[int, int] = {}
    for level in rank.values():
        per_rank[level] = per_rank.get(level, 0) + 1
    length, width = len(per_rank), max(per_rank.values())
    lr_aspect = length * NODE_ASPECT / width
    tb_aspect = width * NODE_ASPECT / length
    if lr_aspect > WIDE_PAGE and abs(math.log(tb_aspect)) < abs(math.log(lr_aspect)):
        return "TB"
    return "LR"


def retain_grads(root: Any) -> int:
    """Call ``retain_grad()`` on every intermediate Tensor of the graph (before backward).

    Then ``draw_graph`` shows the gradient of every value, not only of leaves.
    Returns the number of values changed.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x * 2
    >>> loss = (y * y).sum()
    >>> viz.retain_grads(loss)          # y, y * y and loss
    3
    >>> loss.backward(); y.grad         # kept: d loss / dy = 2 y
    Tensor([4., 8.], dtype=float32)
    """
    count = 0
    for value in GraphWalk(root).values:
        if value.grad_fn is not None and hasattr(value, "retain_grad"):
            value.retain_grad()
            count += 1
    return count


class GradientScale:
    """Maps a gradient magnitude (RMS) to a fill colour on a log scale.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import viz
    >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * 100).sum().backward()              # gradient RMS 100
    >>> v = gg.tensor([1.0], requires_grad=True)
    >>> (v * 0.01).sum().backward()             # gradient RMS 0.01
    >>> scale = viz.GradientScale([w, v])       # spans the magnitudes present
    >>> round(scale.lo, 4), round(scale.hi, 4)  # log10 of the smallest and largest
    (-2.0, 2.0)
    """

    def __init__(self, values: Sequence[Any]) -> None:
        mags = [m for m in (_magnitude(v) for v in values) if m is not None]
        if mags and all(is_scalar_value(v) for v in values) and not any(mags):
            mags = []  # Scalars before backward: every grad is 0.0, nothing to shade
        self.has_grads = bool(mags)
        usable = [math.log10(m) for m in mags if VANISHING <= m <= EXPLODING]
        self.lo = min(usable) if usable else 0.0
        self.hi = max(usable) if usable else 0.0

    def color(self, magnitude: float | None) -> str:
        """Fill colour for a gradient of this RMS (None: no gradient stored).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import viz
        >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * 100).sum().backward()
        >>> v = gg.tensor([1.0], requires_grad=True)
        >>> (v * 0.01).sum().backward()
        >>> scale = viz.GradientScale([w, v])
        >>> scale.color(0.01), scale.color(1.0), scale.color(100.0)   # light to dark
        ('#fff7ec', '#fdbb84', '#d7301f')
        >>> scale.color(1e-9), scale.color(1e4), scale.color(None)    # vanishing, exploding, none
        ('#c6dbef', '#67000d', '#ffffff')
        """
        if magnitude is None or not self.has_grads:
            return NO_GRAD_COLOR
        if magnitude < VANISHING:
            return VANISHING_COLOR
        if magnitude > EXPLODING:
            return EXPLODING_COLOR
        return PALETTE[self._bin(math.log10(magnitude))]

    def _bin(self, log):
        if self.hi - self.lo < 1e-12:
            return len(PALETTE) // 2
        frac = (log - self.lo) / (self.hi - self.lo)
        return min(len(PALETTE) - 1, int(frac * len(PALETTE)))

    def legend(self) -> str:
        """An HTML-like label: the colour swatches and the magnitudes they stand for.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import viz
        >>> import re
        >>> w = gg.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * 100).sum().backward()
        >>> v = gg.tensor([1.0], requires_grad=True)
        >>> (v * 0.01).sum().backward()
        >>> legend = viz.GradientScale([w, v]).legend()   # draw_graph adds it as a node
        >>> re.findall(r'ALIGN="LEFT">([^<]*)<', legend)   # one row per colour
        ['0.01 to 0.037', '0.037 to 0.14', '0.14 to 0.52', '0.52 to 1.9', '1.9 to 7.2', '7.2 to 27',
         '27 to 1e+02', 'vanishing: below 1e-07', 'exploding: above 1000', 'no gradient stored']
        """
        rows = ['<TR><TD COLSPAN="2"><B>|grad| (RMS), log scale</B></TD></TR>']
        step = (self.hi - self.lo) / len(PALETTE)
        for index, color in enumerate(PALETTE):
            lo, hi = 10 ** (self.lo + index * step), 10 ** (self.lo + (index + 1) * step)
            text = f"{lo:.2g}" if step == 0 else f"{lo:.2g} to {hi:.2g}"
            rows.append(f'<TR><TD BGCOLOR="{color}" WIDTH="18"> </TD><TD ALIGN="LEFT">'
                        f'{html_text(text)}</TD></TR>')
            if step == 0:
                break
        for color, text in ((VANISHING_COLOR, f"vanishing: below {labels.fmt(VANISHING)}"),
                            (EXPLODING_COLOR, f"exploding: above {labels.fmt(EXPLODING)}"),
                            (NO_GRAD_COLOR, "no gradient stored")):
            rows.append(f'<TR><TD BGCOLOR="{color}" WIDTH="18"> </TD><TD ALIGN="LEFT">'
                        f'{html_text(text)}</TD></TR>')
        return ('<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" COLOR="#999999">'
                + "".join(rows) + "</TABLE>>")


def _magnitude(value):
    grad = grad_array(value)
    return None if grad is None else labels.rms(grad)


def _owners(walk, names, modules):
    """Module path of each node id (values, their ops, constants), where known."""
    owner = {}
    for value in walk.values:
        vid = walk.id_of(value)
        path = None
        if id(value) in names:  # a parameter belongs to the module that owns it
            path = parent_path(names[id(value)]) or None
        elif isinstance(modules, ModuleTrace):
            path = modules.path_of(value)
        if path:
            owner[vid] = path
    return owner


def _node_table(walk, names, show_values, show_grads, scale, show_ids, drawn):
    """``node_id -> dict(label=..., attrs)`` for every value, op and constant ``drawn``."""
    nodes = {}
    for value in walk.values:
        vid = walk.id_of(value)
        if not drawn(vid):
            continue
        fill = scale.color(_magnitude(value)) if scale is not None else NO_GRAD_COLOR
        font = "#ffffff" if fill in DARK_FILLS else "#000000"
        label = value_label(value, names.get(id(value)), show_values, show_grads)
        if show_ids:
            label = f'<<FONT POINT-SIZE="9" COLOR="#777777">{vid}</FONT><BR/>{label[1:]}'
        nodes[vid] = dict(label=label,
                          shape="box", style="filled,rounded", fillcolor=fill, fontcolor=font)
        if value.grad_fn is not None and drawn("f" + vid[1:]):
            nodes["f" + vid[1:]] = dict(label=f"<{html_text(op_label(value.grad_fn))}>",
                                        shape="ellipse", style="filled", fillcolor="#e8e8e8")
    for cid, constant in walk.constants.items():
        if drawn(cid):
            nodes[cid] = dict(label=f"<{html_text(constant.text())}>", shape="plaintext",
                              fontcolor="#555555")
    return nodes


def value_label(value: Any, name: str | None = None, show_values: bool = True,
                show_grads: bool = True) -> str:
    """The HTML-like label of a value node: name, shape and dtype, data, grad."""
    lines = []
    name = name if name is not None else getattr(value, "label", "") or ""
    if name:
        lines.append(f"<B>{html_text(name)}</B>")
    if not is_scalar_value(value):
        lines.append(html_text(f"{tuple(value.shape)} {value.dtype}"))
    if show_values:
        lines.append(html_text(f"data {labels.summarize(value.data)}"))
    if show_grads:
        grad = grad_array(value)
        if grad is not None:
            lines.append(html_text(f"grad {labels.summarize(grad)}"))
    return "<" + "<BR/>".join(lines) + ">"


def _collapse(walk, node_ids, owner, types, max_nodes, scale):
    """Decide which module clusters become one box, and which nodes fold away.

    Returns ``collapsed`` (path -> hidden node ids), ``boxes`` (hidden node id -> its
    box's id), ``box_attrs`` (path -> the box's node attributes) and ``folded`` (ids
    drawn as the "more nodes" box). The largest module with no open submodule collapses first
    (ties: the greater path); a heap keeps this linear in the number of modules.
    """
    members = _cluster_members(node_ids, owner)
    children = {}
    for path in members:
        if parent_path(path):
            children.setdefault(parent_path(path), []).append(path)
    open_children = {path: len(children.get(path, ())) for path in members}
    heap = [_Pick(path, len(members[path])) for path in members if not open_children[path]]
    heapq.heapify(heap)
    collapsed = {}
    count = len(node_ids)
    while count > max_nodes and heap:
        path = heapq.heappop(heap).path
        collapsed[path] = members[path]
        count -= len(members[path]) - 1
        for child in children.get(path, ()):
            if child in collapsed:
                count += len(collapsed.pop(child)) - 1  # absorbed by the outer box
        parent = parent_path(path)
        if parent:
            open_children[parent] -= 1
            if not open_children[parent]:
                heapq.heappush(heap, _Pick(parent, len(members[parent])))
    boxes = {node_id: _box_id(path) for path, hidden in collapsed.items() for node_id in hidden}
    folded = set()
    if count + bool(walk.cut) > max_nodes:
        order = [n for n in _bfs_order(walk) if n not in boxes]
        folded = set(order[max(1, max_nodes - len(collapsed) - 1):])
    box_attrs = {}
    for path, hidden in collapsed.items():
        mags = [_magnitude(walk.value(n)) for n in hidden if n.startswith("v")]
        mags = [m for m in mags if m is not None]
        total = math.sqrt(sum(m * m for m in mags) / len(mags)) if mags else None
        fill = scale.color(total) if scale is not None else NO_GRAD_COLOR
        ops = sum(1 for n in hidden if n.startswith("f"))
        text = f"{path} ({types.get(path, 'module')})\n{ops} ops, {len(hidden)} nodes collapsed"
        body = html_text(text)
        if total is not None:
            body += "<BR/>" + html_text(f"|grad| RMS {labels.fmt(total)}")
        box_attrs[path] = dict(label=f"<{body}>", shape="box3d", style="filled",
                               fillcolor=fill)
    return collapsed, boxes, box_attrs, folded


class _Pick:
    """Heap entry: the larger module first, then the greater path."""

    __slots__ = ("path", "size")

    def __init__(self, path, size):
        self.path, self.size = path, size

    def __lt__(self, other):
        return (self.size, self.path) > (other.size, other.path)


def _cluster_members(node_ids, owner):
    """``path -> set of node ids`` inside it (nested paths count for their parents)."""
    members = {}
    for node_id in node_ids:
        path = owner.get("v" + node_id[1:].split("_")[0])
        while path:
            members.setdefault(path, set()).add(node_id)
            path = parent_path(path)
    return members


def _box_id(path):
    return "m_" + "".join(c if c.isalnum() else f"_{ord(c):x}_" for c in path)


def _bfs_order(walk):
    """Node ids from the root outwards: value, its op, the op's inputs."""
    order = []
    for value in walk.values:
        vid = walk.id_of(value)
        order.append(vid)
        if value.grad_fn is not None:
            order.append("f" + vid[1:])
            order.extend(c for c, _ in walk.inputs[vid] if c.startswith("c"))
    return order


def _emit(graph, walk, nodes, owner, types, boxes, box_attrs, folded, max_nodes):
    """Write nodes (in clusters) and edges into ``graph``."""
    def shown(node_id):
        box = boxes.get(node_id)
        if box is not None:
            return box
        return MORE if node_id in folded else node_id

    clusters = {}
    for node_id, attrs in nodes.items():
        clusters.setdefault(owner.get("v" + node_id[1:].split("_")[0]) or "", []).append(
            (node_id, attrs))
    for path, attrs in box_attrs.items():
        clusters.setdefault(parent_path(path), []).append((_box_id(path), attrs))
    more = len(folded) + walk.cut
    if more:
        text = f"{more} more nodes not drawn (max_nodes={max_nodes})"
        clusters.setdefault("", []).append((MORE, dict(
            label=f"<{html_text(text)}>", shape="note", style="filled", fillcolor="#f0f0f0")))
    kids = {}
    for path in clusters:
        while path and path not in kids.get(parent_path(path), ()):
            kids.setdefault(parent_path(path), set()).add(path)
            path = parent_path(path)
    _emit_cluster(graph, "", clusters, types, kids)
    edges = set()
    for vid, inputs in walk.inputs.items():
        op = shown("f" + vid[1:])
        for source, _ in inputs:
            edges.add((shown(source), op))
        edges.add((op, shown(vid)))
    edges = sorted((tail, head) for tail, head in edges if tail != head)
    for tail, head in edges:
        graph.edge(tail, head)
    return edges


def _emit_cluster(graph, path, clusters, types, kids):
    for node_id, attrs in clusters.get(path, []):
        graph.node(node_id, id=node_id, **attrs)
    for child in sorted(kids.get(path, ())):
        with graph.subgraph(name=f"cluster_{_box_id(child)}") as sub:
            kind = types.get(child)
            label = f"<B>{html_text(child)}</B>" + (f" ({html_text(kind)})" if kind else "")
            sub.attr(label=f"<{label}>", style="rounded,dashed", color="#888888",
                     fontname="Helvetica", fontsize="10", id=f"cluster_{_box_id(child)}")
            _emit_cluster(sub, child, clusters, types, kids)
