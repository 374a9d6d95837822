"""Spec rows of the rearranging family (``autograd/ops/rearrange.py``) against numpy."""
import numpy as np
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd.op_specs import MAX_DIMS, OpSpec, floats_array


def _with(kwargs_of, min_dims=0):
    """Cases of one array of any shape plus kwargs drawn from its shape."""
    @st.composite
    def case(draw, max_side):
        shape = draw(gst.shapes(min_dims, MAX_DIMS, max_side=max_side))
        return (draw(floats_array(shape)),), draw(kwargs_of(shape))
    return case


def _flip_kwargs(shape):
    return st.fixed_dictionaries({"axis": gst.valid_axes(len(shape))})


def _roll_kwargs(shape):
    n = len(shape)
    single = st.fixed_dictionaries({"shift": st.integers(-4, 4), "axis": st.none()})
    if not n:
        return single
    many = st.lists(st.integers(-n, n - 1), min_size=1, max_size=3).flatmap(
        lambda axes: st.fixed_dictionaries({
            "shift": st.lists(st.integers(-4, 4), min_size=len(axes), max_size=len(axes)).map(
                tuple), "axis": st.just(tuple(axes))}))
    return st.one_of(single, many)


def _tile_kwargs(shape):
    return st.fixed_dictionaries({"reps": st.lists(st.integers(0, 2), max_size=4).map(tuple)})


def _repeat_kwargs(shape):
    return st.fixed_dictionaries({"sizes": st.lists(st.integers(1, 2), min_size=len(shape),
                                                    max_size=len(shape) + 1).map(tuple)})


def _interleave_kwargs(shape):
    if not shape:
        return st.fixed_dictionaries({"repeats": st.integers(0, 2), "axis": st.none()})
    axis = st.integers(-len(shape), len(shape) - 1)
    return axis.flatmap(lambda a: st.fixed_dictionaries({
        "axis": st.just(a), "repeats": st.one_of(st.integers(0, 2), st.lists(
            st.integers(0, 2), min_size=shape[a], max_size=shape[a]).map(np.array))}))


def _diagonal_kwargs(shape):
    n = len(shape)
    pair = st.lists(st.integers(-n, n - 1), min_size=2, max_size=2).filter(
        lambda p: p[0] % n != p[1] % n)
    return pair.flatmap(lambda p: st.fixed_dictionaries({
        "offset": st.integers(-3, 3), "axis1": st.just(p[0]), "axis2": st.just(p[1])}))


def _k_kwargs(shape):
    return st.fixed_dictionaries({"k": st.integers(-3, 3)})


def _moveaxis_kwargs(shape):
    n = len(shape)
    return st.integers(0, n).flatmap(lambda m: st.fixed_dictionaries({
        "source": st.permutations(range(n)).map(lambda p: tuple(p[:m])),
        "destination": st.permutations(range(n)).map(lambda p: tuple(p[:m]))}))


@st.composite
def _unflatten_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    first = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    sizes = draw(st.sampled_from([(first, n // first), (first, -1), (-1,), (1, n, 1)]))
    return (draw(floats_array(shape)),), {"dim": dim, "sizes": sizes}


def _unflatten_ref(x, dim, sizes):
    d = dim % x.ndim
    return x.reshape(x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


@st.composite
def _meshgrid_case(draw, max_side):
    count = draw(st.integers(1, 3))
    arrays = tuple(draw(floats_array((draw(st.integers(1, max_side)),))) for _ in range(count))
    return arrays, {"indexing": draw(st.sampled_from(["ij", "xy"]))}


@st.composite
def _diag_case(draw, max_side):
    shape = draw(gst.shapes(1, 2, max_side=max_side))
    return (draw(floats_array(shape)),), {"k": draw(st.integers(-2, 2))}


REARRANGE_SPECS = [
    OpSpec("flip", lambda x, axis: ag.flip(x, axis), lambda x, axis: np.flip(x, axis),
           custom=_with(_flip_kwargs),
           forms=(lambda x, axis: ag.flip(x, dims=axis),
                  lambda x, axis: x.flip(tuple(range(x.ndim)) if axis is None else axis))),
    OpSpec("roll", lambda x, shift, axis: ag.roll(x, shift, axis), np.roll,
           custom=_with(_roll_kwargs),
           forms=(lambda x, shift, axis: x.roll(shift, axis),
                  lambda x, shift, axis: ag.roll(x, shifts=shift, dims=axis))),
    OpSpec("tile", lambda x, reps: ag.tile(x, reps), np.tile, custom=_with(_tile_kwargs),
           forms=(lambda x, reps: x.tile(reps),)),
    OpSpec("repeat_torch", lambda x, sizes: x.repeat(*sizes), lambda x, sizes: np.tile(x, sizes),
           custom=_with(_repeat_kwargs), forms=(lambda x, sizes: x.repeat(sizes),)),
    OpSpec("repeat_interleave", lambda x, repeats, axis: ag.repeat_interleave(x, repeats, axis),
           lambda x, repeats, axis: np.repeat(x, repeats, axis), custom=_with(_interleave_kwargs),
           forms=(lambda x, repeats, axis: x.repeat_interleave(repeats, dim=axis),)),
    OpSpec("diagonal", lambda x, **kw: ag.diagonal(x, **kw), lambda x, **kw: np.diagonal(x, **kw),
           custom=_with(_diagonal_kwargs, min_dims=2),
           forms=(lambda x, offset, axis1, axis2: x.diagonal(offset, axis1, axis2),)),
    OpSpec("trace", lambda x, **kw: ag.trace(x, **kw), lambda x, **kw: np.trace(x, **kw),
           custom=_with(_diagonal_kwargs, min_dims=2),
           forms=(lambda x, **kw: x.trace(**kw),)),
    OpSpec("diag", lambda x, k: ag.diag(x, k), np.diag, custom=_diag_case,
           forms=(lambda x, k: x.diag(k), lambda x, k: ag.diag(x, diagonal=k))),
    OpSpec("tril", lambda x, k: ag.tril(x, k), lambda x, k: np.tril(x, k),
           custom=_with(_k_kwargs, min_dims=2),
           forms=(lambda x, k: x.tril(k), lambda x, k: ag.tril(x, diagonal=k))),
    OpSpec("triu", lambda x, k: ag.triu(x, k), lambda x, k: np.triu(x, k),
           custom=_with(_k_kwargs, min_dims=2),
           forms=(lambda x, k: x.triu(k), lambda x, k: ag.triu(x, diagonal=k))),
    OpSpec("moveaxis", lambda x, **kw: ag.moveaxis(x, **kw), lambda x, **kw: np.moveaxis(x, **kw),
           custom=_with(_moveaxis_kwargs),
           forms=(lambda x, **kw: x.movedim(kw["source"], kw["destination"]),)),
    OpSpec("unflatten", lambda x, dim, sizes: ag.unflatten(x, dim, sizes), _unflatten_ref,
           custom=_unflatten_case, forms=(lambda x, dim, sizes: x.unflatten(dim, sizes),)),
    OpSpec("meshgrid", lambda *xs, indexing: ag.meshgrid(*xs, indexing=indexing),
           lambda *xs, indexing: tuple(np.meshgrid(*xs, indexing=indexing)),
           custom=_meshgrid_case,
           forms=(lambda *xs, indexing: ag.meshgrid(list(xs), indexing=indexing),)),
]
