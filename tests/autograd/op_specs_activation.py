"""Spec rows of the activations (``ops/activation.py``, ``ops/activation_piecewise.py``),
against closed forms in numpy. Kinks are declared, so central differences never
straddle one; the choice at each kink is checked against torch in ``test_activations.py``.
"""
import numpy as np
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd.testing import strategies as gst
from tests.autograd.op_specs import MAX_DIMS, OpSpec, floats_array

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _method(name):
    return lambda x, **kw: getattr(x, name)(**kw)


def _act(name, ref, **options):
    """A spec for ``ag.<name>(x, **kw)`` that must agree with ``x.<name>(**kw)``."""
    fn = getattr(ag, name)
    return OpSpec(name, lambda x, **kw: fn(x, **kw), ref, forms=(_method(name),), **options)


def _one_of(**choices):
    return lambda shapes: st.fixed_dictionaries({k: st.sampled_from(v)
                                                 for k, v in choices.items()})


@st.composite
def _glu_case(draw, max_side):
    shape = list(draw(gst.shapes(1, MAX_DIMS, max_side=max_side)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] = 2 * draw(st.integers(1, 2))
    return (draw(floats_array(tuple(shape))),), {"dim": dim}


def _glu_ref(x, dim):
    a, b = np.split(x, 2, axis=dim)
    return a * _sigmoid(b)


@st.composite
def _prelu_case(draw, max_side):
    shape = draw(gst.shapes(0, MAX_DIMS, max_side=max_side))
    per_channel = len(shape) >= 2 and draw(st.booleans())
    count = shape[1] if per_channel else 1
    x = draw(gst.arrays(shape, elements=st.floats(-3, 3).filter(lambda v: abs(v) >= 0.01)))
    return (x, draw(floats_array((count,), 0.0, 1.0))), {}


def _prelu_ref(x, w):
    slope = w.reshape((w.size,) + (1,) * (x.ndim - 2)) if w.size > 1 else w.reshape(())
    return np.where(x > 0, x, slope * x)


ACTIVATION_SPECS = [
    _act("silu", lambda x: x * _sigmoid(x)),
    _act("mish", lambda x: x * np.tanh(np.logaddexp(0.0, x))),
    _act("elu", _elu, kinks=(0.0,), kwargs=_one_of(alpha=[1.0, 0.5])),
    _act("selu", lambda x: _SELU_SCALE * _elu(x, _SELU_ALPHA), kinks=(0.0,)),
    _act("celu", lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
         kinks=(0.0,), kwargs=_one_of(alpha=[1.0, 2.0, 0.5])),
    _act("hardtanh", lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
         kinks=(-1.0, 1.0, -2.0, 0.5), kwargs=_one_of(min_val=[-1.0, -2.0], max_val=[1.0, 0.5])),
    _act("relu6", lambda x: np.clip(x, 0.0, 6.0), kinks=(0.0, 6.0), domain=(-2.0, 8.0)),
    _act("hardsigmoid", lambda x: np.clip(x / 6 + 0.5, 0.0, 1.0), kinks=(-3.0, 3.0)),
    _act("hardswish", lambda x: x * np.clip(x + 3, 0.0, 6.0) / 6, kinks=(-3.0, 3.0)),
    _act("softsign", lambda x: x / (1 + np.abs(x)), kinks=(0.0,)),  # 2nd derivative jumps
    _act("logsigmoid", lambda x: -np.logaddexp(0.0, -x), domain=(-30.0, 30.0)),
    OpSpec("softplus_beta_threshold", lambda x, **kw: ag.softplus(x, **kw),
           lambda x, beta, threshold: np.where(x * beta > threshold, x,
                                               np.logaddexp(0.0, x * beta) / beta),
           kinks=(1.5, 2.0), kwargs=_one_of(beta=[2.0], threshold=[3.0, 4.0]),
           forms=(_method("softplus"),)),
    OpSpec("softmin", lambda x, axis: ag.softmin(x, axis), lambda x, axis: _softmax(-x, axis),
           min_dims=1, kwargs=lambda shapes: st.fixed_dictionaries(
               {"axis": st.integers(-len(shapes[0]), len(shapes[0]) - 1)}),
           forms=(lambda x, axis: x.softmin(dim=axis),)),
    OpSpec("glu", lambda x, dim: ag.glu(x, dim), _glu_ref, custom=_glu_case,
           forms=(lambda x, dim: x.glu(dim),)),
    OpSpec("prelu", ag.prelu, _prelu_ref, custom=_prelu_case, forms=(lambda x, w: x.prelu(w),)),
]
