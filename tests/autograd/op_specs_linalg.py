"""Spec rows of einsum and the contractions built on it (``autograd/ops/einsum.py``)."""
import numpy as np
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd.op_specs import OpSpec, floats_array

# Subscripts numpy accepts, covering: matrix products, implicit outputs, transposes,
# repeated letters (diagonal, trace), ellipsis with broadcast batches, three operands,
# and explicit letters of length 1 broadcasting against longer ones ("broadcast").
EINSUM_PATTERNS = [
    "ij,jk->ik", "i,i->", "ij->ji", "ii->i", "ii", "ij->", "i,j->ij", "bij,bjk->bik",
    "ijk->kij", "ij,ij->ij", "ab,ab", "ba", "ij,j", "...ij,...jk->...ik", "...ii->...i",
    "i...->...i", "...,...->...", "ij,jk,kl->il", "iij->ji", "i,i,i->i", "->", "ij,->ji",
]
BROADCASTING = {"ij,ij->ij", "i,i,i->i", "...,...->..."}


@st.composite
def _einsum_case(draw, max_side):
    subscripts = draw(st.sampled_from(EINSUM_PATTERNS))
    terms = subscripts.split("->")[0].split(",")
    sizes = {c: draw(st.integers(1, max_side)) for c in set(subscripts) if c.isalpha()}
    with_ellipsis = [t for t in terms if "..." in t]
    batches = iter(draw(gst.broadcastable_shapes(len(with_ellipsis), 0, 2, max_side=max_side))
                   if with_ellipsis else ())
    arrays = []
    for term in terms:
        head, _, tail = term.partition("...")
        batch = next(batches) if "..." in term else ()
        shape = [sizes[c] for c in head] + list(batch) + [sizes[c] for c in tail]
        if subscripts in BROADCASTING:
            shape = [1 if draw(st.booleans()) else n for n in shape]
        arrays.append(draw(floats_array(tuple(shape))))
    return tuple(arrays), {"subscripts": subscripts}


@st.composite
def _tensordot_case(draw, max_side):
    a_shape = draw(gst.shapes(0, 3, max_side=max_side))
    n = draw(st.integers(0, len(a_shape)))
    b_shape = a_shape[len(a_shape) - n:] + draw(gst.shapes(0, 3 - n, max_side=max_side))
    form = draw(st.sampled_from(["int", "pairs"]))
    if form == "int":
        axes = n
    else:
        left = list(range(len(a_shape) - n, len(a_shape)))
        order = draw(st.permutations(range(n)))
        axes = ([left[i] - len(a_shape) * draw(st.booleans()) for i in order], list(order))
    return (draw(floats_array(a_shape)), draw(floats_array(b_shape))), {"axes": axes}


@st.composite
def _inner_case(draw, max_side):
    k = draw(st.integers(1, max_side))
    a = draw(gst.shapes(0, 2, max_side=max_side))
    b = draw(gst.shapes(0, 2, max_side=max_side))
    a, b = (s if not s or draw(st.booleans()) else s + (k,) for s in (a, b))
    a = a + (k,) if a and b and a[-1] != k else a
    b = b + (k,) if a and b and b[-1] != k else b
    return (draw(floats_array(a)), draw(floats_array(b))), {}


@st.composite
def _two_any(draw, max_side):
    shapes = [draw(gst.shapes(0, 3, max_side=max_side)) for _ in range(2)]
    return tuple(draw(floats_array(s)) for s in shapes), {}


@st.composite
def _numpy_dot_case(draw, max_side):
    k = draw(st.integers(1, max_side))
    kind = draw(st.sampled_from(["scalar", "nd_1d", "nd_md"]))
    if kind == "scalar":
        a, b = (), draw(gst.shapes(0, 3, max_side=max_side))
        a, b = (a, b) if draw(st.booleans()) else (b, a)
    elif kind == "nd_1d":
        a, b = draw(gst.shapes(0, 2, max_side=max_side)) + (k,), (k,)
    else:
        a = draw(gst.shapes(0, 2, max_side=max_side)) + (k,)
        b = draw(gst.shapes(0, 1, max_side=max_side)) + (k, draw(st.integers(1, max_side)))
    return (draw(floats_array(a)), draw(floats_array(b))), {}


LINALG_SPECS = [
    OpSpec("einsum", lambda *xs, subscripts: ag.einsum(subscripts, *xs),
           lambda *xs, subscripts: np.einsum(subscripts, *xs), custom=_einsum_case,
           forms=(lambda *xs, subscripts: ag.einsum(subscripts, list(xs)),)),
    OpSpec("tensordot", lambda a, b, axes: ag.tensordot(a, b, axes), np.tensordot,
           custom=_tensordot_case, forms=(lambda a, b, axes: ag.tensordot(a, b, dims=axes),)),
    OpSpec("inner", ag.inner, np.inner, custom=_inner_case, forms=(lambda a, b: a.inner(b),)),
    OpSpec("outer", ag.outer, np.outer, custom=_two_any, forms=(lambda a, b: a.outer(b),)),
    OpSpec("kron", ag.kron, np.kron, custom=_two_any, forms=(lambda a, b: a.kron(b),)),
    OpSpec("dot_numpy_rules", ag.dot, np.dot, custom=_numpy_dot_case,
           forms=(lambda a, b: a.dot(b),)),
]
