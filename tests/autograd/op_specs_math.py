"""Spec rows of issue 14's ops: trigonometry, powers and logs, rounding and remainders,
tests and logic, integer operators, reductions, search and scans.

Appended to ``op_specs.SPECS``, so the same forward test (against numpy, every spelling,
float32 kept) and gradcheck run on them; rows with ``gradgrad=True`` also get
gradgradcheck. Rows with ``differentiable=False`` return tensors that must not require
grad (int64 or bool). Piecewise-constant ops (floor, sign, ...) are differentiable with
gradient 0: they draw inputs away from their jumps, as ``kinks`` does for relu.
"""
import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd.op_specs import MAX_DIMS, OpSpec, floats_array, reduction_kwargs

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])
_JUMPS = tuple(range(-6, 7))


def _unary(name, ref, **options):
    """``ag.<name>(x, **kw)`` that must agree with ``x.<name>(**kw)``; second order too."""
    fn = getattr(ag, name)
    options.setdefault("gradgrad", options.get("differentiable", True))
    return OpSpec(name, lambda *xs, **kw: fn(*xs, **kw), ref,
                  forms=(lambda x, *rest, **kw: getattr(x, name)(*rest, **kw),), **options)


def _offset_grid(step, offset, count=60):
    """Multiples of ``step`` shifted by ``offset``: stays clear of rounding jumps."""
    return st.integers(-count, count).map(lambda k: k * step + offset)


# ---------------------------------------------------------------- custom cases
@st.composite
def _division_case(draw, max_side):
    """x, y broadcastable with |y| >= 0.5 and x / y at least 0.02 from an integer."""
    x_shape, y_shape = draw(gst.broadcastable_shapes(2, 0, MAX_DIMS, max_side=max_side))
    x = draw(floats_array(x_shape, -4.0, 4.0))
    y = draw(gst.arrays(y_shape, elements=st.floats(0.5, 3.0).flatmap(
        lambda v: st.sampled_from([v, -v]))))
    ratio = x / y
    assume(np.all(np.abs(ratio - np.round(ratio)) > 0.02))
    return (x, y), {}


@st.composite
def _integer_pair(draw, max_side, low=-40, high=40, divisor=False, shift=False):
    x_shape, y_shape = draw(gst.broadcastable_shapes(2, 0, MAX_DIMS, max_side=max_side))
    x = draw(hnp.arrays(np.int64, x_shape, elements=st.integers(0 if shift else low, high)))
    y_elements = st.integers(0, 8) if shift else st.integers(low, high)
    if divisor:
        y_elements = y_elements.filter(lambda v: v != 0)
    return (x, draw(hnp.arrays(np.int64, y_shape, elements=y_elements))), {}


@st.composite
def _special_values(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    elements = st.one_of(st.floats(-5, 5), st.sampled_from([np.nan, np.inf, -np.inf, 0.0]))
    return (draw(hnp.arrays(np.float64, shape, elements=elements)),), {}


@st.composite
def _bool_pair(draw, max_side):
    x_shape, y_shape = draw(gst.broadcastable_shapes(2, 0, MAX_DIMS, max_side=max_side))
    x = draw(hnp.arrays(np.float64, x_shape, elements=st.sampled_from([0.0, -1.5, 2.0])))
    return (x, draw(hnp.arrays(np.bool_, y_shape))), {}


@st.composite
def _close_pair(draw, max_side):
    x_shape, y_shape = draw(gst.broadcastable_shapes(2, 0, MAX_DIMS, max_side=max_side))
    x = draw(hnp.arrays(np.float64, x_shape, elements=st.sampled_from([1.0, 1.0 + 1e-7, 1.1,
                                                                       np.nan])))
    y = draw(hnp.arrays(np.float64, y_shape, elements=st.sampled_from([1.0, np.nan, 0.0])))
    return (x, y), {"equal_nan": draw(st.booleans())}


def _axis_or_none(shapes):
    (shape,) = shapes
    n = max(len(shape), 1)
    return st.fixed_dictionaries({"axis": st.one_of(st.none(), st.integers(-n, n - 1))})


def _axis_keepdims(shapes):
    (shape,) = shapes
    n = max(len(shape), 1)
    return st.fixed_dictionaries({"axis": st.one_of(st.none(), st.integers(-n, n - 1)),
                                  "keepdims": st.booleans()})


@st.composite
def _with_zeros(draw, max_side):
    """Arrays where zeros are common (one or several per slice), for prod and cumprod."""
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    elements = st.one_of(st.just(0.0), st.floats(-2.0, 2.0))
    x = draw(hnp.arrays(np.float64, shape, elements=elements))
    kwargs = draw(reduction_kwargs((shape,)))
    return (x,), kwargs


@st.composite
def _with_zeros_axis(draw, max_side):
    (x,), _ = draw(_with_zeros(max_side))
    return (x,), draw(_axis_or_none((x.shape,)))


@st.composite
def _sort_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    x = draw(gst.tensors(shape=shape, min_value=-5, max_value=5, min_gap=0.01,
                         requires_grad=False)).data
    n = max(len(shape), 1)
    return (x,), {"axis": draw(st.integers(-n, n - 1)), "descending": draw(st.booleans())}


@st.composite
def _topk_case(draw, max_side):
    (x,), kwargs = draw(_sort_case(max_side))
    length = x.shape[kwargs["axis"]] if x.ndim else 1
    return (x,), {"k": draw(st.integers(0 if x.ndim else 1, length)), "axis": kwargs["axis"],
                  "largest": kwargs["descending"]}


@st.composite
def _median_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    x = draw(gst.tensors(shape=shape, min_value=-5, max_value=5, min_gap=0.01,
                         requires_grad=False)).data
    n = max(len(shape), 1)
    return (x,), {"axis": draw(st.integers(-n, n - 1)), "keepdims": draw(st.booleans())}


@st.composite
def _norm_case(draw, max_side, orders, positive=False):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    if positive:  # distinct |x|: inf-norm ties are tested deterministically
        x = draw(gst.tensors(shape=shape, min_value=0.1, max_value=5, min_gap=0.01,
                             requires_grad=False)).data
        x = x * draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    else:
        x = draw(gst.tensors(shape=shape, min_value=-3, max_value=3, exclude_zero=0.1,
                             requires_grad=False)).data
    kwargs = draw(reduction_kwargs((shape,)))
    kwargs["p"] = draw(st.sampled_from(orders))
    return (x,), kwargs


# ---------------------------------------------------------------- references
def _sorted_ref(x, axis, descending):
    if x.ndim == 0:
        return x, np.zeros((), dtype=np.int64)
    order = np.argsort(-x if descending else x, axis=axis, kind="stable")
    return np.take_along_axis(x, order, axis), order


def _topk_ref(x, k, axis, largest):
    values, order = _sorted_ref(x, axis, largest)
    if x.ndim == 0:
        return values, order
    keep = (slice(None),) * (axis % x.ndim) + (slice(0, k),)
    return values[keep], order[keep]


def _median_ref(x, axis, keepdims):
    if x.ndim == 0:
        return x, np.zeros((), dtype=np.int64)
    order = np.argsort(x, axis=axis, kind="stable")
    pick = np.take(order, [(x.shape[axis] - 1) // 2], axis=axis)
    values = np.take_along_axis(x, pick, axis)
    if not keepdims:
        values, pick = values.squeeze(axis), pick.squeeze(axis)
    return values, pick


def _cum_ref(accumulate, x, axis):
    if axis is None:
        x, axis = x.ravel(), 0
    if x.ndim == 0:
        return x, np.zeros((), dtype=np.int64)
    values = accumulate(x, axis=axis)
    n = x.shape[axis]
    indices = np.zeros(x.shape, dtype=np.int64)
    # distinct values: the index is where the running extreme last changed
    moved, best = np.moveaxis(x, axis, -1), np.moveaxis(values, axis, -1)
    out = np.moveaxis(indices, axis, -1)
    for j in range(n):
        out[..., j] = np.argmax(moved[..., : j + 1] == best[..., j:j + 1], axis=-1)
    return values, indices


def _scan_ref(fn):
    def ref(x, axis):
        if axis is None:
            return fn(x.ravel(), axis=0)
        if x.ndim == 0:
            return fn(x.reshape(1), axis=0).reshape(())
        return fn(x, axis=axis)
    return ref


def _vector_norm(x, p, axis, keepdims):
    magnitude = np.abs(x)
    if p == math.inf:
        return np.max(magnitude, axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return np.min(magnitude, axis=axis, keepdims=keepdims)
    if p == 0:
        return np.sum(magnitude != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
    return np.sum(magnitude ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _arg_ref(fn):
    def ref(x, axis, keepdims):
        return np.asarray(fn(x, axis=axis, keepdims=keepdims), dtype=np.int64)
    return ref


# ---------------------------------------------------------------- the table
MATH_SPECS = [
    # trigonometric and hyperbolic
    _unary("tan", np.tan, domain=(-1.2, 1.2)),
    _unary("asin", np.arcsin, domain=(-0.9, 0.9)),
    _unary("acos", np.arccos, domain=(-0.9, 0.9)),
    _unary("atan", np.arctan),
    _unary("atan2", np.arctan2, arity=2, exclude_zero=0.5),
    _unary("sinh", np.sinh, domain=(-3.0, 3.0)),
    _unary("cosh", np.cosh, domain=(-3.0, 3.0)),
    _unary("asinh", np.arcsinh),
    _unary("acosh", np.arccosh, domain=(1.1, 5.0)),
    _unary("atanh", np.arctanh, domain=(-0.9, 0.9)),
    # powers, exponentials and logarithms
    _unary("square", np.square),
    _unary("rsqrt", lambda x: 1 / np.sqrt(x), domain=(0.2, 5.0)),
    _unary("reciprocal", np.reciprocal, exclude_zero=0.5),
    _unary("log2", np.log2, domain=(0.1, 5.0)),
    _unary("log10", np.log10, domain=(0.1, 5.0)),
    _unary("exp2", np.exp2, domain=(-3.0, 3.0)),
    _unary("expm1", np.expm1, domain=(-3.0, 3.0)),
    _unary("logaddexp", np.logaddexp, arity=2),
    # NOTE: erf switches from its series to its Chebyshev fit at |x| = 0.5, a step below
    # 1e-7 that central differences would magnify: inputs stay clear of it.
    _unary("erf", _erf, kinks=(-0.5, 0.5), fwd_tol={"rtol": 2e-7, "atol": 1e-15}),
    _unary("erfc", _erfc, kinks=(-0.5, 0.5), fwd_tol={"rtol": 2e-7, "atol": 1e-15}),
    # rounding (gradient 0), remainders, signs
    _unary("sign", np.sign, gradgrad=False, kinks=(0.0,)),
    _unary("floor", np.floor, gradgrad=False, elements=(_offset_grid(0.1, 0.05),)),
    _unary("ceil", np.ceil, gradgrad=False, elements=(_offset_grid(0.1, 0.05),)),
    _unary("trunc", np.trunc, gradgrad=False, elements=(_offset_grid(0.1, 0.05),)),
    _unary("round", lambda x, decimals: np.round(x, decimals), gradgrad=False,
           elements=(_offset_grid(0.1, 0.02),),
           kwargs=lambda shapes: st.fixed_dictionaries({"decimals": st.sampled_from([0, 1])})),
    _unary("remainder", np.remainder, custom=_division_case),
    OpSpec("remainder_operator", lambda x, y: x % y, np.remainder, custom=_division_case,
           forms=(lambda x, y: y.__rmod__(x),)),
    _unary("fmod", np.fmod, custom=_division_case),
    _unary("floor_divide", np.floor_divide, custom=_division_case, gradgrad=False),
    OpSpec("floor_divide_operator", lambda x, y: x // y, np.floor_divide,
           custom=_division_case, forms=(lambda x, y: y.__rfloordiv__(x),)),
    _unary("copysign", np.copysign, arity=2, exclude_zero=0.1),
    _unary("lerp", lambda s, e, w: s + w * (e - s), arity=3),
    OpSpec("lerp_number_weight", lambda s, e: ag.lerp(s, e, 0.3), lambda s, e: s + 0.3 * (e - s),
           arity=2, forms=(lambda s, e: s.lerp(e, 0.3),), gradgrad=True),
    _unary("nan_to_num", np.nan_to_num),
    # reductions
    _unary("prod", np.prod, kwargs=reduction_kwargs, domain=(-2.0, 2.0)),
    OpSpec("prod_with_zeros", lambda x, **kw: ag.prod(x, **kw), np.prod, custom=_with_zeros,
           forms=(lambda x, **kw: x.prod(**kw),), gradgrad=True),
    OpSpec("sum_dtype", lambda x, **kw: ag.sum(x, dtype=np.float64, **kw),
           lambda x, **kw: np.sum(x, dtype=np.float64, **kw), kwargs=reduction_kwargs,
           forms=(lambda x, **kw: x.sum(dtype=np.float64, **kw),), keeps_dtype=False,
           gradgrad=True),
    OpSpec("mean_dtype", lambda x, **kw: ag.mean(x, dtype=np.float64, **kw),
           lambda x, **kw: np.mean(x, dtype=np.float64, **kw), kwargs=reduction_kwargs,
           forms=(lambda x, **kw: x.mean(dtype=np.float64, **kw),), keeps_dtype=False,
           gradgrad=True),
    OpSpec("norm", lambda x, **kw: ag.norm(x, **kw), _vector_norm, gradgrad=True,
           custom=lambda side: _norm_case(side, (2, 1, 3, 1.5, 0.5, 0, -1)),
           forms=(lambda x, **kw: x.norm(**kw),)),
    OpSpec("norm_inf", lambda x, **kw: ag.norm(x, **kw), _vector_norm, gradgrad=True,
           custom=lambda side: _norm_case(side, (math.inf, -math.inf), positive=True),
           forms=(lambda x, **kw: x.norm(**kw),)),
    OpSpec("norm_ord_vector", lambda x, axis, keepdims, p: ag.norm(x, p, axis, keepdims),
           lambda x, axis, keepdims, p: np.linalg.norm(x, p, axis, keepdims),
           custom=lambda side: _norm_case(side, (None, 1, 2, 3)).filter(
               lambda case: isinstance(case[1]["axis"], int)
               or case[1]["axis"] is None and case[0][0].ndim == 1),
           forms=(lambda x, axis, keepdims, p: x.norm(p, axis, keepdims),)),
    # scans
    _unary("cumsum", _scan_ref(np.cumsum), kwargs=_axis_or_none),
    _unary("cumprod", _scan_ref(np.cumprod), kwargs=_axis_or_none, domain=(-2.0, 2.0)),
    OpSpec("cumprod_with_zeros", lambda x, **kw: ag.cumprod(x, **kw), _scan_ref(np.cumprod),
           custom=_with_zeros_axis, forms=(lambda x, **kw: x.cumprod(**kw),), gradgrad=True),
    _unary("logcumsumexp", _scan_ref(np.logaddexp.accumulate), kwargs=_axis_or_none),
    _unary("cummax", lambda x, axis: _cum_ref(np.maximum.accumulate, x, axis),
           kwargs=_axis_or_none, min_gap=0.01),
    _unary("cummin", lambda x, axis: _cum_ref(np.minimum.accumulate, x, axis),
           kwargs=_axis_or_none, min_gap=0.01),
    # search and order
    _unary("sort", _sorted_ref, custom=_sort_case),
    _unary("topk", _topk_ref, custom=_topk_case),
    _unary("median", _median_ref, custom=_median_case),
    OpSpec("median_all", lambda x: ag.median(x),
           lambda x: np.sort(x, axis=None)[(x.size - 1) // 2], min_gap=0.01,
           forms=(lambda x: x.median(),), gradgrad=True),
    _unary("argmax", _arg_ref(np.argmax), kwargs=_axis_keepdims, differentiable=False),
    _unary("argmin", _arg_ref(np.argmin), kwargs=_axis_keepdims, differentiable=False),
    _unary("argsort", lambda x, axis, descending: _sorted_ref(x, axis, descending)[1],
           custom=_sort_case, differentiable=False),
    # tests and logic (no grad)
    _unary("isnan", np.isnan, custom=_special_values, differentiable=False),
    _unary("isinf", np.isinf, custom=_special_values, differentiable=False),
    _unary("isfinite", np.isfinite, custom=_special_values, differentiable=False),
    _unary("isclose", np.isclose, custom=_close_pair, differentiable=False),
    _unary("logical_and", np.logical_and, custom=_bool_pair, differentiable=False),
    _unary("logical_or", np.logical_or, custom=_bool_pair, differentiable=False),
    _unary("logical_xor", np.logical_xor, custom=_bool_pair, differentiable=False),
    _unary("logical_not", np.logical_not, custom=_special_values, differentiable=False),
    _unary("any", np.any, kwargs=reduction_kwargs, differentiable=False,
           elements=(st.sampled_from([0.0, 0.0, 1.5]),)),
    _unary("all", np.all, kwargs=reduction_kwargs, differentiable=False,
           elements=(st.sampled_from([0.0, 1.5, -2.0]),)),
    _unary("count_nonzero", lambda x, **kw: np.asarray(np.count_nonzero(x, **kw), np.int64),
           kwargs=reduction_kwargs, differentiable=False,
           elements=(st.sampled_from([0.0, 1.5, -2.0]),)),
    # integer operators (no grad)
    OpSpec("int_remainder", lambda x, y: x % y, np.remainder, differentiable=False,
           custom=lambda side: _integer_pair(side, divisor=True),
           forms=(ag.remainder, lambda x, y: y.__rmod__(x))),
    OpSpec("int_floor_divide", lambda x, y: x // y, np.floor_divide, differentiable=False,
           custom=lambda side: _integer_pair(side, divisor=True), forms=(ag.floor_divide,)),
    OpSpec("bitwise_and", lambda x, y: x & y, np.bitwise_and, differentiable=False,
           custom=_integer_pair, forms=(lambda x, y: y.__rand__(x),)),
    OpSpec("bitwise_or", lambda x, y: x | y, np.bitwise_or, differentiable=False,
           custom=_integer_pair, forms=(lambda x, y: y.__ror__(x),)),
    OpSpec("bitwise_xor", lambda x, y: x ^ y, np.bitwise_xor, differentiable=False,
           custom=_integer_pair, forms=(lambda x, y: y.__rxor__(x),)),
    OpSpec("bitwise_not", lambda x: ~x, np.invert, differentiable=False,
           custom=lambda side: _integer_pair(side).map(lambda case: (case[0][:1], {}))),
    OpSpec("left_shift", lambda x, y: x << y, np.left_shift, differentiable=False,
           custom=lambda side: _integer_pair(side, shift=True),
           forms=(lambda x, y: y.__rlshift__(x),)),
    OpSpec("right_shift", lambda x, y: x >> y, np.right_shift, differentiable=False,
           custom=lambda side: _integer_pair(side, shift=True),
           forms=(lambda x, y: y.__rrshift__(x),)),
]
