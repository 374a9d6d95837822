"""One spec table for every Tensor op: drives the forward and the gradient tests.

Each ``OpSpec`` names an op, how to call it on Tensors (``fn``), its numpy
reference (``ref``), and how to draw valid inputs. ``cases(spec, max_side)``
turns a spec into a hypothesis strategy of ``(arrays, kwargs)``: ``arrays``
are the float64 inputs that get differentiated, ``kwargs`` the constants (axes,
shapes, indices, masks) passed to both ``fn`` and ``ref``.

Non-smooth ops (relu, abs, clip, max/min, maximum/minimum) draw inputs away
from their kinks, by filtering (``kinks``) or by construction (grids, unique
values), so central differences never straddle one; their tie rules are
tested deterministically in ``test_ops_gradients.py``.
"""
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd import window_refs as win

MAX_DIMS = 3


@dataclass(frozen=True)
class OpSpec:
    """An op, its numpy reference, and the inputs it is defined on."""

    name: str
    fn: Callable                      # (*tensors, **kwargs) -> Tensor or tuple of Tensors
    ref: Callable                     # (*arrays, **kwargs) -> array or tuple of arrays
    arity: int = 1
    domain: tuple = (-5.0, 5.0)       # (low, high) for every input, or one pair per input
    broadcast: bool = True            # arity > 1: mutually broadcastable shapes, else equal
    min_dims: int = 0
    exclude_zero: float = 0.0         # keep |x| >= this
    kinks: tuple = ()                 # keep every element >= 0.01 away from these points
    min_gap: float | None = None   # distinct elements, at least this far apart
    elements: tuple | None = None  # one element strategy per input, replacing the above
    kwargs: Callable | None = None  # shapes -> strategy of a kwargs dict
    custom: Callable | None = None  # max_side -> strategy of (arrays, kwargs); replaces all
    forms: tuple = ()                 # other spellings (method, operator) that must agree
    check: dict = field(default_factory=dict)    # gradcheck keyword overrides
    fwd_tol: dict = field(default_factory=dict)  # assert_allclose keyword overrides
    keeps_dtype: bool = True          # float32 in -> float32 out
    differentiable: bool = True       # False: no gradcheck; outputs must not require grad
    gradgrad: bool = False            # also run gradgradcheck (second order)


# ---------------------------------------------------------------- input strategies
def _element_strategy(spec, index):
    if spec.elements is not None:
        return spec.elements[index]
    low, high = spec.domain[index] if isinstance(spec.domain[0], tuple) else spec.domain
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if spec.exclude_zero:
        floats = floats.filter(lambda v: abs(v) >= spec.exclude_zero)
    if spec.kinks:
        floats = floats.filter(lambda v: all(abs(v - k) >= 0.01 for k in spec.kinks))
    return floats


def _array(draw, spec, index, shape):
    if spec.min_gap is not None:
        low, high = spec.domain
        return draw(gst.tensors(shape=shape, min_value=low, max_value=high,
                                min_gap=spec.min_gap, requires_grad=False)).data
    return draw(gst.tensors(shape=shape, elements=_element_strategy(spec, index),
                            requires_grad=False)).data


@st.composite
def _default_case(draw, spec, max_side):
    if spec.arity == 1:
        shapes = (draw(gst.shapes(spec.min_dims, MAX_DIMS, max_side=max_side)),)
    elif spec.broadcast:
        shapes = draw(gst.broadcastable_shapes(spec.arity, spec.min_dims, MAX_DIMS,
                                               max_side=max_side))
    else:
        shapes = (draw(gst.shapes(spec.min_dims, MAX_DIMS, max_side=max_side)),) * spec.arity
    arrays = tuple(_array(draw, spec, i, shape) for i, shape in enumerate(shapes))
    kwargs = draw(spec.kwargs(shapes)) if spec.kwargs else {}
    return arrays, kwargs


def cases(spec, max_side=3):
    """Strategy of ``(arrays, kwargs)`` on which ``spec`` is defined and smooth."""
    if spec.custom is not None:
        return spec.custom(max_side)
    return _default_case(spec, max_side)


def float_outputs(spec, kwargs):
    """``spec.fn`` with ``kwargs``, keeping only float outputs (sort's values, not indices)."""
    def fn(*xs):
        outs = spec.fn(*xs, **kwargs)
        if not isinstance(outs, (tuple, list)):
            return outs
        return tuple(out for out in outs if out.dtype.kind == "f")
    return fn


def floats_array(shape, low=-3.0, high=3.0):
    """Finite float64 arrays of ``shape`` (for custom cases)."""
    return gst.arrays(shape, elements=(low, high))


def _grid(offset):
    """Multiples of 0.01 shifted by ``offset``: two grids with offsets 0 and 0.005 never tie."""
    return st.integers(-300, 300).map(lambda k: k * 0.01 + offset)


# ---------------------------------------------------------------- kwargs strategies
def _count(shape, axis):
    axes = range(len(shape)) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    return math.prod(shape[a] for a in axes)


def reduction_kwargs(shapes):
    (shape,) = shapes
    return st.fixed_dictionaries({"axis": gst.valid_axes(len(shape)),
                                  "keepdims": st.booleans()})


def variance_kwargs(min_count):
    """axis/keepdims/ddof with at least ``min_count`` elements and one degree of freedom."""
    def build(shapes):
        (shape,) = shapes
        return st.fixed_dictionaries({
            "axis": gst.valid_axes(len(shape)), "keepdims": st.booleans(),
            "ddof": st.sampled_from([0, 1])}).filter(
                lambda kw: _count(shape, kw["axis"]) >= max(min_count, kw["ddof"] + 1))
    return build


def one_axis(shapes):
    (shape,) = shapes
    return st.fixed_dictionaries({"axis": st.integers(-len(shape), len(shape) - 1)})


# ---------------------------------------------------------------- custom cases
@st.composite
def _reshape_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    size = math.prod(shape)
    target = draw(st.sampled_from([(size,), (-1,), shape[::-1], (1,) + shape, shape + (1,),
                                   (-1, 1), (1, -1)]))
    return (draw(floats_array(shape)),), {"shape": target}


@st.composite
def _flatten_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    n = len(shape)
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start, n - 1))
    return (draw(floats_array(shape)),), {"start_dim": start - n * draw(st.booleans()),
                                          "end_dim": end - n * draw(st.booleans())}


@st.composite
def _transpose_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    n = len(shape)
    kind = draw(st.sampled_from(["none", "permutation", "swap"] if n >= 2 else ["none"]))
    if kind == "none":
        axes = ()
    elif kind == "permutation":  # a tuple (numpy's permutation), or 3+ integers
        perm = tuple(draw(st.permutations(range(n))))
        axes = (perm,) if n == 2 or draw(st.booleans()) else perm
    else:
        axes = tuple(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
    return (draw(floats_array(shape)),), {"axes": axes}


def _transpose_ref(x, axes):
    if len(axes) == 2:  # two integers swap those axes for every ndim (PyTorch's meaning)
        return np.swapaxes(x, *axes)
    if len(axes) == 1:  # one tuple: numpy's permutation
        return np.transpose(x, axes[0])
    return np.transpose(x, axes or None)


@st.composite
def _permute_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    return (draw(floats_array(shape)),), {"dims": tuple(draw(st.permutations(range(len(shape)))))}


@st.composite
def _swapaxes_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    n = len(shape)
    a, b = (draw(st.integers(-n, n - 1)) for _ in range(2))
    return (draw(floats_array(shape)),), {"axis1": a, "axis2": b}


@st.composite
def _squeeze_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS + 1, max_side=max_side).map(
        lambda s: tuple(1 if i % 2 else n for i, n in enumerate(s))))
    ones = [i for i, n in enumerate(shape) if n == 1]
    axis = draw(st.one_of(st.none(), st.sampled_from(ones) if ones else st.none()))
    return (draw(floats_array(shape)),), {"axis": axis}


@st.composite
def _unsqueeze_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    n = len(shape) + 1
    return (draw(floats_array(shape)),), {"axis": draw(st.integers(-n, n - 1))}


@st.composite
def _broadcast_target(draw, max_side):
    """An input shape and a larger shape it broadcasts to."""
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    target = lead + tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    return shape, target


@st.composite
def _broadcast_case(draw, max_side):
    shape, target = draw(_broadcast_target(max_side))
    return (draw(floats_array(shape)),), {"shape": target}


@st.composite
def _expand_case(draw, max_side):
    shape, target = draw(_broadcast_target(max_side))
    offset = len(target) - len(shape)
    # PyTorch's -1 keeps an existing axis's length.
    target = tuple(-1 if i >= offset and n == shape[i - offset] and draw(st.booleans()) else n
                   for i, n in enumerate(target))
    return (draw(floats_array(shape)),), {"shape": target}


def _expand_ref(x, shape):
    offset = len(shape) - x.ndim
    return np.broadcast_to(x, tuple(x.shape[i - offset] if n == -1 else n
                                    for i, n in enumerate(shape)))


@st.composite
def _basic_index_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    index = draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    return (draw(floats_array(shape)),), {"index": index}


@st.composite
def _int_array_index_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    picks = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=4))
    picks = np.array(picks + [picks[0]])  # at least one repeat: its gradients must add up
    index = draw(st.sampled_from([picks, (picks,), (Ellipsis, picks) if len(shape) == 1
                                  else (slice(None), picks % shape[1])]))
    return (draw(floats_array(shape)),), {"index": index}


@st.composite
def _mask_index_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    depth = draw(st.integers(1, len(shape)))
    mask = draw(hnp.arrays(np.bool_, shape[:depth]))
    return (draw(floats_array(shape)),), {"index": mask}


@st.composite
def _concatenate_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    arrays = []
    for n in sizes:
        piece = list(shape)
        piece[axis] = n
        arrays.append(draw(floats_array(tuple(piece))))
    return tuple(arrays), {"axis": axis}


@st.composite
def _stack_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS - 1, max_side=max_side))
    count = draw(st.integers(1, 3))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return tuple(draw(floats_array(shape)) for _ in range(count)), {"axis": axis}


@st.composite
def _split_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    length = shape[axis]
    sections = [d for d in range(1, length + 1) if length % d == 0]
    how = draw(st.one_of(st.sampled_from(sections),
                         st.lists(st.integers(0, length), max_size=3).map(sorted)))
    return (draw(floats_array(shape)),), {"indices_or_sections": how, "axis": axis}


@st.composite
def _pad_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in shape)
    value = draw(st.sampled_from([0.0, 1.5]))
    return (draw(floats_array(shape)),), {"pad_width": widths, "value": value}


@st.composite
def _matmul_case(draw, max_side):
    # numpy's own gufunc signature: 1-D operands, matrices, broadcast batches.
    drawn = draw(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature,
                                                   max_dims=2, max_side=max_side))
    return tuple(draw(floats_array(s)) for s in drawn.input_shapes), {}


@st.composite
def _dot_case(draw, max_side):
    m, n, p = (draw(st.integers(1, max_side)) for _ in range(3))
    shapes = draw(st.sampled_from([((n,), (n,)), ((m, n), (n, p)), ((m, n), (n,)),
                                   ((n,), (n, p))]))
    return tuple(draw(floats_array(s)) for s in shapes), {}


@st.composite
def _where_case(draw, max_side):
    x_shape, y_shape, cond_shape = draw(gst.broadcastable_shapes(3, max_side=max_side,
                                                                 max_dims=MAX_DIMS))
    cond = draw(hnp.arrays(np.bool_, cond_shape))
    return (draw(floats_array(x_shape)), draw(floats_array(y_shape))), {"cond": cond}


@st.composite
def _pow_int_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    base = draw(gst.tensors(shape=shape, min_value=-3, max_value=3, exclude_zero=0.2,
                            requires_grad=False)).data
    return (base,), {"p": draw(st.sampled_from([-2, -1, 0, 1, 2, 3]))}


# ---------------------------------------------------------------- reference helpers
def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def _logsumexp(x, axis=None, keepdims=False):
    top = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x, axis):
    return x - _logsumexp(x, axis=axis, keepdims=True)


def _unary(name, ref, **options):
    """A spec for ``ag.<name>(x)`` that must agree with ``x.<name>()``."""
    fn = getattr(ag, name)
    return OpSpec(name, lambda x, **kw: fn(x, **kw), ref,
                  forms=(lambda x, **kw: getattr(x, name)(**kw),), **options)


def _reduction(name, ref, **options):
    fn = getattr(ag, name)
    return OpSpec(name, lambda x, **kw: fn(x, **kw), ref,
                  forms=(lambda x, **kw: getattr(x, name)(**kw),), **options)


def _torch_kwargs(build):
    """A kwargs strategy with numpy's names turned into PyTorch's (axis -> dim, ...)."""
    return lambda shapes: build(shapes).map(lambda kw: {_TORCH_NAMES.get(k, k): v
                                                        for k, v in kw.items()})


_TORCH_NAMES = {"axis": "dim", "keepdims": "keepdim", "ddof": "correction",
                "indices_or_sections": "split_size_or_sections"}
_NUMPY_NAMES = {v: k for k, v in _TORCH_NAMES.items()}


def _numpy_ref(ref):
    """``ref`` called with PyTorch's keyword names turned back into numpy's."""
    return lambda *xs, **kw: ref(*xs, **{_NUMPY_NAMES.get(k, k): v for k, v in kw.items()})


def _torch_reduction(name, ref, kwargs, **options):
    """``ag.<name>(x, dim=, keepdim=, ...)`` must match numpy's ``ref(x, axis=, ...)``."""
    fn = getattr(ag, name)
    return OpSpec(f"{name}_torch_keywords", lambda x, **kw: fn(x, **kw), _numpy_ref(ref),
                  kwargs=_torch_kwargs(kwargs),
                  forms=(lambda x, **kw: getattr(x, name)(**kw),), **options)


def one_dim_keepdim(shapes):
    (shape,) = shapes
    return st.fixed_dictionaries({"dim": st.integers(-len(shape), len(shape) - 1),
                                  "keepdim": st.booleans()})


def _torch_split_ref(x, split_size_or_sections, dim):
    """torch.split in numpy: pieces of one size (the last may be shorter), or given sizes."""
    length = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        cuts = list(range(split_size_or_sections, length, split_size_or_sections))
    else:
        cuts = list(np.cumsum(split_size_or_sections[:-1]))
    return tuple(np.split(x, cuts, axis=dim))


@st.composite
def _torch_split_case(draw, max_side):
    shape = draw(gst.shapes(1, MAX_DIMS, max_side=max_side))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    length = shape[dim]
    size = st.integers(1, max(length, 1))
    sizes = st.lists(st.integers(0, length), max_size=3).map(
        lambda cuts: np.diff([0, *sorted(cuts), length]).tolist())
    how = draw(st.one_of(size, sizes))
    return (draw(floats_array(shape)),), {"split_size_or_sections": how, "dim": dim}


@st.composite
def _unbiased_case(draw, max_side):
    """A shape with every side >= 2, so n - 1 > 0 along any dim."""
    shape = draw(gst.shapes(1, MAX_DIMS, min_side=2, max_side=max(max_side, 2)))
    x = draw(gst.tensors(shape=shape, min_value=-5.0, max_value=5.0, min_gap=0.05,
                         requires_grad=False)).data
    return (x,), draw(one_dim_keepdim((shape,)))


@st.composite
def _at_most_2d_case(draw, max_side):
    return (draw(floats_array(draw(gst.shapes(0, 2, max_side=max_side)))),), {}


def _first_extreme_values(pick):
    """numpy reference of PyTorch's ``max(dim=)[0]``: the values at the first arg-extreme."""
    def ref(x, dim, keepdim):
        index = pick(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, index, axis=dim)
        return values if keepdim else np.squeeze(values, axis=dim)
    return ref


def _arange_like(x, start=0):
    """An int64 tensor of ``x``'s shape on ``x``'s device: start, start + 1, ..."""
    return ag.tensor(np.arange(start, start + x.size).reshape(x.shape), device=x.device)


# ---------------------------------------------------------------- the table
SPECS = [
    # arithmetic (operators; Python numbers on either side)
    OpSpec("add", lambda x, y: x + y, np.add, arity=2, forms=(lambda x, y: y.__radd__(x),)),
    OpSpec("sub", lambda x, y: x - y, np.subtract, arity=2),
    OpSpec("mul", lambda x, y: x * y, np.multiply, arity=2),
    OpSpec("div", lambda x, y: x / y, np.divide, arity=2, exclude_zero=0.5),
    OpSpec("neg", lambda x: -x, np.negative),
    OpSpec("number_minus_tensor", lambda x: 2.5 - x, lambda x: 2.5 - x),
    OpSpec("number_over_tensor", lambda x: 2.5 / x, lambda x: 2.5 / x, exclude_zero=0.5),
    OpSpec("pow_tensor_tensor", lambda x, y: x ** y, np.power, arity=2,
           domain=((0.2, 3.0), (-2.0, 2.0))),
    OpSpec("pow_tensor_int", lambda x, p: x ** p, lambda x, p: x ** float(p),
           custom=_pow_int_case),
    OpSpec("pow_number_tensor", lambda x: 2.0 ** x, lambda x: 2.0 ** x),
    # transcendental and activations
    _unary("exp", np.exp, domain=(-3.0, 3.0)),
    _unary("log", np.log, domain=(0.1, 5.0)),
    _unary("log1p", np.log1p, domain=(-0.9, 5.0)),
    _unary("sqrt", np.sqrt, domain=(0.1, 5.0)),
    _unary("sin", np.sin),
    _unary("cos", np.cos),
    _unary("tanh", np.tanh),
    _unary("sigmoid", _sigmoid),
    _unary("relu", lambda x: np.maximum(x, 0.0), kinks=(0.0,)),
    _unary("leaky_relu", lambda x, negative_slope: np.where(x > 0, x, negative_slope * x),
           kinks=(0.0,), kwargs=lambda shapes: st.fixed_dictionaries(
               {"negative_slope": st.sampled_from([0.01, 0.2])})),
    # NOTE: erf is approximated (1.2e-7), with a jump of 3e-8 at 0: central differences of
    # gelu's first derivative across 0 would see it (gradgradcheck), so stay away from 0.
    OpSpec("gelu", lambda x: ag.gelu(x), _gelu, forms=(lambda x: x.gelu(),), kinks=(0.0,),
           fwd_tol={"rtol": 1e-6, "atol": 1e-7}),
    OpSpec("gelu_tanh", lambda x: ag.gelu(x, approximate="tanh"), _gelu_tanh,
           forms=(lambda x: x.gelu(approximate="tanh"),)),
    _unary("softplus", lambda x: np.logaddexp(0.0, x)),
    _unary("abs", np.abs, kinks=(0.0,)),
    OpSpec("abs_operator", lambda x: abs(x), np.abs, kinks=(0.0,)),
    OpSpec("clip", lambda x, lo, hi: ag.clip(x, lo, hi), lambda x, lo, hi: np.clip(x, lo, hi),
           kinks=(-1.0, -0.5, 0.5, 1.0), domain=(-2.0, 2.0),
           forms=(lambda x, lo, hi: x.clip(min=lo, max=hi),),
           kwargs=lambda shapes: st.sampled_from([{"lo": -1.0, "hi": 1.0}, {"lo": None, "hi": 0.5},
                                                  {"lo": -0.5, "hi": None}])),
    # Tensor bounds are inputs too (PyTorch's clamp); three grids never tie, so every element
    # is strictly inside or outside [lo, hi]; lo > hi happens too (the result is then hi)
    OpSpec("clip_tensor_bounds", lambda x, lo, hi: ag.clip(x, lo, hi),
           lambda x, lo, hi: np.clip(x, lo, hi), arity=3,
           elements=(_grid(0.0), _grid(0.005), _grid(0.0025)),
           forms=(lambda x, lo, hi: x.clip(min=lo, max=hi), lambda x, lo, hi: x.clamp(lo, hi))),
    OpSpec("clip_tensor_min", lambda x, lo: ag.clip(x, lo), lambda x, lo: np.clip(x, lo, None),
           arity=2, elements=(_grid(0.0), _grid(0.005)),
           forms=(lambda x, lo: x.clamp(min=lo),)),
    OpSpec("maximum", ag.maximum, np.maximum, arity=2, elements=(_grid(0.0), _grid(0.005)),
           forms=(lambda x, y: x.maximum(y),)),
    OpSpec("minimum", ag.minimum, np.minimum, arity=2, elements=(_grid(0.0), _grid(0.005)),
           forms=(lambda x, y: x.minimum(y),)),
    OpSpec("where", lambda x, y, cond: ag.where(cond, x, y),
           lambda x, y, cond: np.where(cond, x, y),
           custom=_where_case, forms=(lambda x, y, cond: ag.where(ag.tensor(cond), x, y),)),
    # reductions
    _reduction("sum", np.sum, kwargs=reduction_kwargs),
    _reduction("mean", np.mean, kwargs=reduction_kwargs),
    _reduction("max", np.max, kwargs=reduction_kwargs, min_gap=0.01),
    _reduction("min", np.min, kwargs=reduction_kwargs, min_gap=0.01),
    _reduction("var", np.var, kwargs=variance_kwargs(1), min_gap=0.05),
    _reduction("std", np.std, kwargs=variance_kwargs(2), min_gap=0.05),
    _reduction("logsumexp", _logsumexp, kwargs=reduction_kwargs),
    _reduction("softmax", _softmax, kwargs=one_axis, min_dims=1),
    _reduction("log_softmax", _log_softmax, kwargs=one_axis, min_dims=1),
    # shape
    OpSpec("reshape", lambda x, shape: ag.reshape(x, shape), lambda x, shape: x.reshape(shape),
           custom=_reshape_case, forms=(lambda x, shape: x.reshape(*shape),)),
    OpSpec("view", lambda x, shape: x.view(shape), lambda x, shape: x.reshape(shape),
           custom=_reshape_case, forms=(lambda x, shape: ag.view(x, shape),)),
    OpSpec("flatten", lambda x, **kw: ag.flatten(x, **kw),
           lambda x, start_dim, end_dim: x.reshape(
               x.shape[:start_dim % x.ndim] + (-1,) + x.shape[end_dim % x.ndim + 1:]),
           custom=_flatten_case, forms=(lambda x, **kw: x.flatten(**kw),)),
    OpSpec("transpose", lambda x, axes: x.transpose(*axes), _transpose_ref,
           custom=_transpose_case, forms=(lambda x, axes: ag.transpose(x, *axes),)),
    OpSpec("T", lambda x: x.T, lambda x: x.T),
    OpSpec("permute", lambda x, dims: x.permute(*dims), lambda x, dims: np.transpose(x, dims),
           custom=_permute_case, forms=(lambda x, dims: ag.permute(x, dims),)),
    OpSpec("swapaxes", lambda x, **kw: ag.swapaxes(x, **kw), lambda x, **kw: np.swapaxes(x, **kw),
           custom=_swapaxes_case, forms=(lambda x, **kw: x.swapaxes(**kw),)),
    OpSpec("squeeze", lambda x, axis: ag.squeeze(x, axis), lambda x, axis: np.squeeze(x, axis),
           custom=_squeeze_case, forms=(lambda x, axis: x.squeeze(axis),)),
    OpSpec("unsqueeze", lambda x, axis: ag.unsqueeze(x, axis),
           lambda x, axis: np.expand_dims(x, axis), custom=_unsqueeze_case,
           forms=(lambda x, axis: x.unsqueeze(axis),)),
    OpSpec("broadcast_to", lambda x, shape: ag.broadcast_to(x, shape), np.broadcast_to,
           custom=_broadcast_case, forms=(lambda x, shape: x.broadcast_to(*shape),)),
    OpSpec("expand", lambda x, shape: x.expand(*shape), _expand_ref, custom=_expand_case,
           forms=(lambda x, shape: ag.expand(x, shape),)),
    OpSpec("getitem_basic", lambda x, index: x[index], lambda x, index: x[index],
           custom=_basic_index_case),
    OpSpec("getitem_int_array", lambda x, index: x[index], lambda x, index: x[index],
           custom=_int_array_index_case),
    OpSpec("getitem_bool_mask", lambda x, index: x[index], lambda x, index: x[index],
           custom=_mask_index_case, forms=(lambda x, index: x[ag.tensor(index)],)),
    OpSpec("concatenate", lambda *xs, axis: ag.concatenate(xs, axis=axis),
           lambda *xs, axis: np.concatenate(xs, axis=axis), custom=_concatenate_case),
    OpSpec("stack", lambda *xs, axis: ag.stack(xs, axis=axis),
           lambda *xs, axis: np.stack(xs, axis=axis), custom=_stack_case),
    OpSpec("split", lambda x, **kw: tuple(ag.split(x, **kw)),
           lambda x, **kw: tuple(np.split(x, **kw)), custom=_split_case,
           forms=(lambda x, **kw: tuple(x.split(**kw)),)),
    OpSpec("pad", lambda x, pad_width, value: ag.pad(x, pad_width, value),
           lambda x, pad_width, value: np.pad(x, pad_width, constant_values=value),
           custom=_pad_case, forms=(lambda x, pad_width, value: x.pad(pad_width, value),)),
    # PyTorch's spellings (dim=, keepdim=, correction=, unbiased=, cat, split sizes)
    _torch_reduction("sum", np.sum, reduction_kwargs),
    _torch_reduction("mean", np.mean, reduction_kwargs),
    _torch_reduction("logsumexp", _logsumexp, reduction_kwargs),
    _torch_reduction("var", np.var, variance_kwargs(1), min_gap=0.05),
    _torch_reduction("std", np.std, variance_kwargs(2), min_gap=0.05),
    _torch_reduction("softmax", _softmax, one_axis, min_dims=1),
    _torch_reduction("log_softmax", _log_softmax, one_axis, min_dims=1),
    OpSpec("std_unbiased", lambda x, **kw: ag.std(x, unbiased=True, **kw),
           lambda x, dim, keepdim: np.std(x, axis=dim, keepdims=keepdim, ddof=1),
           custom=_unbiased_case,
           forms=(lambda x, dim, keepdim: x.std(dim, keepdim=keepdim),)),
    OpSpec("max_dim_values", lambda x, **kw: ag.max(x, **kw).values,
           _first_extreme_values(np.argmax), kwargs=one_dim_keepdim, min_dims=1, min_gap=0.01,
           forms=(lambda x, dim, keepdim: x.max(dim, keepdim=keepdim)[0],)),
    OpSpec("min_dim_values", lambda x, **kw: ag.min(x, **kw).values,
           _first_extreme_values(np.argmin), kwargs=one_dim_keepdim, min_dims=1, min_gap=0.01,
           forms=(lambda x, dim, keepdim: x.min(dim, keepdim=keepdim)[0],)),
    OpSpec("cat", lambda *xs, axis: ag.cat(xs, dim=axis),
           lambda *xs, axis: np.concatenate(xs, axis=axis), custom=_concatenate_case,
           forms=(lambda *xs, axis: ag.concatenate(xs, dim=axis),)),
    OpSpec("stack_dim", lambda *xs, axis: ag.stack(xs, dim=axis),
           lambda *xs, axis: np.stack(xs, axis=axis), custom=_stack_case),
    OpSpec("split_torch_sizes", lambda x, **kw: tuple(ag.split(x, **kw)), _torch_split_ref,
           custom=_torch_split_case,
           forms=(lambda x, split_size_or_sections, dim:
                  tuple(x.split(split_size_or_sections, dim=dim)),)),
    OpSpec("clamp", lambda x, lo, hi: x.clamp(lo, hi), lambda x, lo, hi: np.clip(x, lo, hi),
           kinks=(-1.0, -0.5, 0.5, 1.0), domain=(-2.0, 2.0),
           forms=(lambda x, lo, hi: x.clamp(min=lo, max=hi),),
           kwargs=lambda shapes: st.sampled_from([{"lo": -1.0, "hi": 1.0}, {"lo": None, "hi": 0.5},
                                                  {"lo": -0.5, "hi": None}])),
    OpSpec("pow_method", lambda x, y: x.pow(y), np.power, arity=2,
           domain=((0.5, 3.0), (-2.0, 2.0))),
    OpSpec("view_as", lambda x: x.view_as(ag.zeros(x.size, device=x.device)),
           lambda x: x.reshape(-1),
           forms=(lambda x: x.reshape_as(ag.zeros(x.size, device=x.device)),)),
    OpSpec("t", lambda x: x.t(), lambda x: x.T, custom=_at_most_2d_case),
    OpSpec("expand_as", lambda x: x.expand_as(ag.zeros((2,) + x.shape, device=x.device)),
           lambda x: np.broadcast_to(x, (2,) + x.shape)),
    # a float tensor with an integer tensor keeps the float's dtype (PyTorch's promotion)
    OpSpec("mul_int_tensor", lambda x: x * _arange_like(x),
           lambda x: x * np.arange(x.size).reshape(x.shape),
           forms=(lambda x: _arange_like(x) * x,)),
    OpSpec("div_by_int_tensor", lambda x: x / _arange_like(x, 1),
           lambda x: x / np.arange(1, x.size + 1).reshape(x.shape)),
    OpSpec("matmul_int_tensor", lambda a: a @ ag.tensor(np.arange(a.shape[-1] * 2).reshape(-1, 2),
                                                         device=a.device),
           lambda a: a @ np.arange(a.shape[-1] * 2).reshape(-1, 2), min_dims=1),
    # linear algebra
    OpSpec("matmul", lambda a, b: a @ b, np.matmul, custom=_matmul_case,
           forms=(ag.matmul, lambda a, b: a.matmul(b))),
    OpSpec("dot", ag.dot, np.dot, custom=_dot_case, forms=(lambda a, b: a.dot(b),)),
    # dtype and copies
    OpSpec("astype_float32_roundtrip", lambda x: x.astype(np.float32).astype(np.float64),
           lambda x: x.astype(np.float32).astype(np.float64), domain=(-2.0, 2.0),
           # float32 rounding makes eps=1e-6 differences meaningless: step over it.
           check={"eps": 1e-3, "atol": 1e-3, "rtol": 1e-3}, keeps_dtype=False),
    OpSpec("astype_float64", lambda x: x.astype(np.float64), lambda x: x.astype(np.float64),
           forms=(lambda x: x.double(),), keeps_dtype=False),
    OpSpec("clone", lambda x: x.clone(), np.copy),
    # convolution, pooling and resampling (naive-loop references in window_refs.py)
    OpSpec("conv2d_groups", lambda x, w, **kw: ag.conv2d(x, w, **kw), win.conv2d_ref,
           custom=win.conv_groups_case, fwd_tol={"atol": 1e-10}),
    OpSpec("conv_transpose2d", lambda x, w, **kw: ag.conv_transpose2d(x, w, **kw),
           win.conv_transpose2d_ref, custom=win.conv_transpose_case, fwd_tol={"atol": 1e-10}),
    OpSpec("unfold", lambda x, **kw: ag.unfold(x, **kw),
           lambda x, kernel_size, **kw: win.unfold_ref(x, kernel_size, kw["dilation"],
                                                       kw["padding"], kw["stride"]),
           custom=win.unfold_case),
    OpSpec("fold", lambda x, **kw: ag.fold(x, **kw),
           lambda x, output_size, kernel_size, **kw: win.fold_ref(
               x, output_size, kernel_size, kw["dilation"], kw["padding"], kw["stride"]),
           custom=win.fold_case),
    OpSpec("adaptive_avg_pool2d", lambda x, output_size: ag.adaptive_avg_pool2d(x, output_size),
           lambda x, output_size: win.adaptive_pool_ref(x, output_size, np.mean),
           custom=win.adaptive_avg_case),
    OpSpec("adaptive_max_pool2d", lambda x, output_size: ag.adaptive_max_pool2d(x, output_size),
           lambda x, output_size: win.adaptive_pool_ref(x, output_size, np.max),
           custom=win.adaptive_max_case),
    OpSpec("interpolate_bilinear",
           lambda x, size, align_corners: ag.interpolate(x, size, mode="bilinear",
                                                         align_corners=align_corners),
           win.bilinear_ref, custom=win.bilinear_case),
    OpSpec("max_unpool2d", lambda x, indices, size: ag.max_unpool2d(x, indices, 2),
           win.max_unpool_ref, custom=win.unpool_case),
]

# Op families with tables of their own (each imports OpSpec from this module).
from tests.autograd.op_specs_activation import ACTIVATION_SPECS  # noqa: E402
from tests.autograd.op_specs_indexing import INDEXING_SPECS  # noqa: E402
from tests.autograd.op_specs_linalg import LINALG_SPECS  # noqa: E402
from tests.autograd.op_specs_math import MATH_SPECS  # noqa: E402
from tests.autograd.op_specs_rearrange import REARRANGE_SPECS  # noqa: E402

SPECS += INDEXING_SPECS + LINALG_SPECS + REARRANGE_SPECS + ACTIVATION_SPECS
SPECS += MATH_SPECS

SPEC_IDS = [spec.name for spec in SPECS]
