"""Spec rows of the indexing family (``autograd/ops/indexing.py``), added to ``op_specs.SPECS``.

References are numpy or plain loops written from PyTorch's documented formulas
(``out[index[i][j]][j] = src[i][j]`` for ``scatter`` along dim 0, ...).
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd.op_specs import MAX_DIMS, OpSpec, floats_array


# ---------------------------------------------------------------- cases
@st.composite
def _shape_dim(draw, max_side, min_dims=0):
    shape = draw(gst.shapes(min_dims, MAX_DIMS, max_side=max_side))
    n = max(len(shape), 1)
    return shape, draw(st.integers(-n, n - 1))


def _indices(draw, shape, size):
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(-size, size - 1)))


@st.composite
def _gather_case(draw, max_side):
    shape, dim = draw(_shape_dim(max_side))
    if not shape:
        return (draw(floats_array(()),),), {"dim": dim, "index": np.array(0)}
    d = dim % len(shape)
    index_shape = tuple(draw(st.integers(1, 3)) if i == d else draw(st.integers(1, n))
                        for i, n in enumerate(shape))
    return (draw(floats_array(shape)),), {"dim": dim,
                                          "index": _indices(draw, index_shape, shape[d])}


def _gather_ref(x, dim, index):
    if x.ndim == 0:
        return x
    d = dim % x.ndim
    out = np.empty(index.shape)
    for pos in np.ndindex(*index.shape):
        src = list(pos)
        src[d] = index[pos]
        out[pos] = x[tuple(src)]
    return out


@st.composite
def _take_along_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    if axis is None:
        return (draw(floats_array(shape)),), {
            "axis": None, "indices": _indices(draw, (draw(st.integers(1, 4)),),
                                              int(np.prod(shape)))}
    a = axis % len(shape)
    index_shape = tuple(draw(st.integers(1, 3)) if i == a else draw(st.sampled_from([1, n]))
                        for i, n in enumerate(shape))
    return (draw(floats_array(shape)),), {"axis": axis,
                                          "indices": _indices(draw, index_shape, shape[a])}


@st.composite
def _scatter_case(draw, max_side, with_src=True):
    shape, dim = draw(_shape_dim(max_side, min_dims=1))
    d = dim % len(shape)
    index_shape = tuple(draw(st.integers(1, n)) for n in shape)
    index = _indices(draw, index_shape, shape[d])
    arrays = (draw(floats_array(shape)),)
    if with_src:
        src_shape = tuple(n + draw(st.integers(0, 1)) for n in index_shape)
        arrays += (draw(floats_array(src_shape)),)
    return arrays, {"dim": dim, "index": index}


def _scatter_ref(x, src, dim, index, add=False):
    out = x.copy()
    d = dim % x.ndim
    for pos in np.ndindex(*index.shape):  # C order: the last write wins
        dst = list(pos)
        dst[d] = index[pos]
        value = src[pos] if np.ndim(src) else src
        out[tuple(dst)] = out[tuple(dst)] + value if add else value
    return out


@st.composite
def _put_along_case(draw, max_side):
    (x,), kw = draw(_take_along_case(max_side))
    positions = np.broadcast_shapes(*(np.shape(i) for i in _positions(x, kw)))
    values_shape = draw(st.sampled_from([positions, positions[1:], (), (1,) * len(positions)]))
    return (x, draw(floats_array(values_shape))), kw


def _positions(x, kw):
    if kw["axis"] is None:
        return (kw["indices"],)
    grids = list(np.indices(kw["indices"].shape, sparse=True))
    grids[kw["axis"] % x.ndim] = kw["indices"]
    return tuple(grids)


def _put_along_ref(x, values, indices, axis):
    out = x.copy()
    if axis is None:
        flat = out.reshape(-1)
        for i, v in zip(indices, np.broadcast_to(values, indices.shape)):
            flat[i] = v
        return flat.reshape(x.shape)
    np.put_along_axis(out, indices, values, axis)
    return out


@st.composite
def _index_select_case(draw, max_side):
    shape, dim = draw(_shape_dim(max_side, min_dims=1))
    count = draw(st.integers(1, 4))
    index = _indices(draw, (count,), shape[dim])
    return (draw(floats_array(shape)),), {"dim": dim, "index": index}


@st.composite
def _index_add_case(draw, max_side):
    (x,), kw = draw(_index_select_case(max_side))
    d = kw["dim"] % x.ndim
    source_shape = x.shape[:d] + (kw["index"].size,) + x.shape[d + 1:]
    return (x, draw(floats_array(source_shape))), kw | {"alpha": draw(st.sampled_from([1, -2.5]))}


def _index_add_ref(x, source, dim, index, alpha):
    out = x.copy()
    np.add.at(np.moveaxis(out, dim, 0), index, alpha * np.moveaxis(source, dim, 0))
    return out


@st.composite
def _mask_case(draw, max_side, mask_first=False):
    x_shape, mask_shape = draw(gst.broadcastable_shapes(2, 0, MAX_DIMS, max_side=max_side))
    if not mask_first:  # masked_fill: the mask broadcasts to x's shape
        mask_shape = mask_shape[len(mask_shape) - len(x_shape):] if len(mask_shape) > len(
            x_shape) else mask_shape
        mask_shape = tuple(1 if m != n else m for m, n in zip(
            mask_shape, x_shape[len(x_shape) - len(mask_shape):]))
    mask = draw(hnp.arrays(np.bool_, mask_shape))
    return (draw(floats_array(x_shape)),), {"mask": mask}


@st.composite
def _masked_fill_tensor_case(draw, max_side):
    (x,), kw = draw(_mask_case(max_side))
    return (x, draw(floats_array(()))), kw


def _masked_select_ref(x, mask):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


@st.composite
def _narrow_case(draw, max_side):
    shape, dim = draw(_shape_dim(max_side, min_dims=1))
    size = shape[dim]
    start = draw(st.integers(-size, size))
    begin = start % size if start < 0 else start
    return (draw(floats_array(shape)),), {"dim": dim, "start": start,
                                          "length": draw(st.integers(0, size - begin))}


def _narrow_ref(x, dim, start, length):
    begin = start % x.shape[dim] if start < 0 else start
    return np.take(x, range(begin, begin + length), axis=dim)


@st.composite
def _chunk_case(draw, max_side):
    shape, dim = draw(_shape_dim(max_side, min_dims=1))
    return (draw(floats_array(shape)),), {"chunks": draw(st.integers(1, 5)), "dim": dim}


def _chunk_ref(x, chunks, dim):
    size = x.shape[dim]
    step = -(-size // chunks)
    return tuple(np.split(x, range(step, size, step), axis=dim))


# ---------------------------------------------------------------- the rows
INDEXING_SPECS = [
    OpSpec("gather", lambda x, **kw: ag.gather(x, **kw), _gather_ref, custom=_gather_case,
           forms=(lambda x, dim, index: x.gather(dim, ag.tensor(index)),)),
    OpSpec("take_along_axis", lambda x, **kw: ag.take_along_axis(x, **kw),
           lambda x, indices, axis: np.take_along_axis(x, indices, axis),
           custom=_take_along_case, forms=(lambda x, **kw: x.take_along_axis(**kw),)),
    OpSpec("scatter", lambda x, src, **kw: ag.scatter(x, src=src, **kw), _scatter_ref,
           custom=_scatter_case, forms=(lambda x, src, dim, index: x.scatter(dim, index, src),)),
    OpSpec("scatter_value", lambda x, **kw: ag.scatter(x, value=-1.5, **kw),
           lambda x, **kw: _scatter_ref(x, -1.5, **kw),
           custom=lambda side: _scatter_case(side, with_src=False),
           forms=(lambda x, dim, index: x.scatter(dim, index, -1.5),)),
    OpSpec("scatter_add", lambda x, src, **kw: ag.scatter_add(x, src=src, **kw),
           lambda x, src, **kw: _scatter_ref(x, src, add=True, **kw), custom=_scatter_case,
           forms=(lambda x, src, dim, index: x.scatter_add(dim, index, src),
                  lambda x, src, dim, index: ag.scatter(x, dim, index, src, reduce="add"))),
    OpSpec("put_along_axis", lambda x, v, **kw: ag.put_along_axis(x, values=v, **kw),
           lambda x, v, **kw: _put_along_ref(x, v, **kw), custom=_put_along_case),
    OpSpec("index_select", lambda x, **kw: ag.index_select(x, **kw),
           lambda x, dim, index: np.take(x, index, axis=dim), custom=_index_select_case,
           forms=(lambda x, dim, index: x.index_select(dim, index),)),
    OpSpec("index_add", lambda x, s, **kw: ag.index_add(x, source=s, **kw),
           lambda x, s, **kw: _index_add_ref(x, s, **kw), custom=_index_add_case,
           forms=(lambda x, s, dim, index, alpha: x.index_add(dim, index, s, alpha=alpha),)),
    OpSpec("masked_fill", lambda x, mask: ag.masked_fill(x, mask, 2.5),
           lambda x, mask: np.where(mask, 2.5, x), custom=_mask_case,
           forms=(lambda x, mask: x.masked_fill(ag.tensor(mask), 2.5),)),
    OpSpec("masked_fill_tensor_value", lambda x, v, mask: ag.masked_fill(x, mask, v),
           lambda x, v, mask: np.where(mask, v, x), custom=_masked_fill_tensor_case),
    OpSpec("masked_select", lambda x, mask: ag.masked_select(x, mask), _masked_select_ref,
           custom=lambda side: _mask_case(side, mask_first=True),
           forms=(lambda x, mask: x.masked_select(ag.tensor(mask)),)),
    OpSpec("narrow", lambda x, **kw: ag.narrow(x, **kw),
           _narrow_ref, custom=_narrow_case,
           forms=(lambda x, dim, start, length: x.narrow(dim, start, length),)),
    OpSpec("chunk", lambda x, **kw: ag.chunk(x, **kw), _chunk_ref, custom=_chunk_case,
           forms=(lambda x, chunks, dim: x.chunk(chunks, dim),)),
    OpSpec("unbind", lambda x, dim: ag.unbind(x, dim),
           lambda x, dim: tuple(np.moveaxis(x, dim, 0)),
           custom=lambda side: _shape_dim(side, min_dims=1).flatmap(
               lambda sd: floats_array(sd[0]).map(lambda a: ((a,), {"dim": sd[1]}))),
           forms=(lambda x, dim: x.unbind(dim),)),
]
