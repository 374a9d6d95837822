"""Numerical stability: finite values and gradients for inputs up to +-1e4, float32 and float64.

Ops: softmax, log_softmax, logsumexp, sigmoid, softplus, tanh, log1p, and the fused
losses binary_cross_entropy_with_logits and cross_entropy of ``nn.functional``.

One spec table drives every check. Each row gives the op under test and a float64
reference computed stably here (``np.logaddexp``, never ``log(sum(exp))``), for
the value and for the gradient of ``sum(w * op(x))`` with a random weight ``w``.
Agreement is normwise: the error may grow with ``eps * max|x|``, which is how
much rounding the float input itself already carries.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag
import graphgrad.nn.functional as F

LIMIT = 1e4
# Values where naive formulas break: exp over/underflow thresholds of float32 and float64,
# tanh/sigmoid saturation, the limits of the range, and signed tiny values.
SPECIAL = (LIMIT, -LIMIT, 1e3, -1e3, 745.0, -745.0, 709.0, -709.0, 104.0, -104.0, 88.7, -88.7,
           40.0, -40.0, 17.0, -17.0, 1.0, -1.0, 1e-8, -1e-8, 0.0)


# ------------------------------------------------------------------ stable float64 references
def _lse(x, axis=-1, keepdims=True):
    return np.logaddexp.reduce(x, axis=axis, keepdims=keepdims)


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def _sigmoid(x):
    return np.exp(_log_sigmoid(x))


def _softmax(x):
    return np.exp(x - _lse(x))


def _ref_softmax(x, w):
    s = _softmax(x)
    return s, s * (w - np.sum(w * s, axis=-1, keepdims=True))


def _ref_log_softmax(x, w):
    return x - _lse(x), w - _softmax(x) * np.sum(w, axis=-1, keepdims=True)


def _ref_logsumexp(x, w):
    w = w[..., 0]
    return _lse(x, keepdims=False), w[..., None] * _softmax(x)


def _ref_sigmoid(x, w):
    # d sigmoid = sigmoid(x) sigmoid(-x), each from its log: no 1 - s cancellation
    return _sigmoid(x), w * np.exp(_log_sigmoid(x) + _log_sigmoid(-x))


def _ref_softplus(x, w):
    return np.logaddexp(0.0, x), w * _sigmoid(x)


def _ref_tanh(x, w):
    # 1 - tanh^2 = 4 sigmoid(2x) sigmoid(-2x), from logs: exact where tanh saturates
    return np.tanh(x), w * 4 * np.exp(_log_sigmoid(2 * x) + _log_sigmoid(-2 * x))


def _ref_log1p(x, w):
    return np.log1p(x), w / (1.0 + x)


def _targets(x):
    """Fixed soft targets in [0, 1] for binary cross-entropy, one per element."""
    return np.linspace(0.0, 1.0, x.size).reshape(x.shape).astype(x.dtype)


def _classes(x):
    """Fixed class-index targets, one per row of the last axis."""
    rows = x.reshape(-1, x.shape[-1]).shape[0]
    return np.arange(rows) % x.shape[-1]


def _bce_with_logits(t):
    return F.binary_cross_entropy_with_logits(t, _targets(t.data), reduction="none")


def _bce_with_logits_pos_weight(t):
    return F.binary_cross_entropy_with_logits(t, _targets(t.data), reduction="none",
                                              pos_weight=np.full(t.shape[-1:], 3.0))


def _cross_entropy(t):
    rows = t.reshape(-1, t.shape[-1])
    return F.cross_entropy(rows, _classes(t.data), reduction="none").reshape(t.shape[:-1])


def _ref_bce_with_logits(x, w, pos_weight=1.0):
    y = _targets(x)
    # (1 - y) softplus(x) + p y softplus(-x); d/dx = (1 - y) sigmoid(x) - p y sigmoid(-x)
    value = (1 - y) * np.logaddexp(0.0, x) + pos_weight * y * np.logaddexp(0.0, -x)
    return value, w * ((1 - y) * _sigmoid(x) - pos_weight * y * _sigmoid(-x))


def _ref_cross_entropy(x, w):
    w = w[..., 0]
    rows = x.reshape(-1, x.shape[-1])
    picked = rows[np.arange(len(rows)), _classes(x)]
    value = (_lse(rows, keepdims=False) - picked).reshape(x.shape[:-1])
    onehot = np.zeros_like(rows)
    onehot[np.arange(len(rows)), _classes(x)] = 1.0
    grad = (_softmax(rows) - onehot).reshape(x.shape) * w[..., None]
    return value, grad


# name, op, reference (value, grad of sum(w * value)), lowest allowed input, reduces last axis
SPECS = [
    ("softmax", lambda t: ag.softmax(t, axis=-1), _ref_softmax, -LIMIT, False),
    ("log_softmax", lambda t: t.log_softmax(axis=-1), _ref_log_softmax, -LIMIT, False),
    ("logsumexp", lambda t: ag.logsumexp(t, axis=-1), _ref_logsumexp, -LIMIT, True),
    ("sigmoid", ag.sigmoid, _ref_sigmoid, -LIMIT, False),
    ("softplus", ag.softplus, _ref_softplus, -LIMIT, False),
    ("tanh", ag.tanh, _ref_tanh, -LIMIT, False),
    ("log1p", ag.log1p, _ref_log1p, -1.0, False),
    ("bce_with_logits", _bce_with_logits, _ref_bce_with_logits, -LIMIT, False),
    ("bce_with_logits_pos_weight", _bce_with_logits_pos_weight,
     lambda x, w: _ref_bce_with_logits(x, w, pos_weight=3.0), -LIMIT, False),
    ("cross_entropy", _cross_entropy, _ref_cross_entropy, -LIMIT, True),
]
DTYPES = (np.float32, np.float64)


def _elements(dtype, low):
    dtype = np.dtype(dtype)
    special = sorted({float(dtype.type(v)) for v in SPECIAL if v > low})
    floats = st.floats(min_value=low, max_value=LIMIT, exclude_min=low > -LIMIT,
                       allow_nan=False, allow_infinity=False, width=8 * dtype.itemsize)
    near_low = [float(np.nextafter(dtype.type(low), dtype.type(0)))] if low > -LIMIT else []
    return st.one_of(st.sampled_from(special + near_low), floats)


def run_op(op, x, w, reduces):
    """The op's value and the gradient of ``sum(w * value)`` for input array ``x``."""
    t = ag.Tensor(x.copy(), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # an overflow warning is a failure
        out = op(t)
        weight = w[..., 0] if reduces else w
        (out * ag.Tensor(weight)).sum().backward()
    return out.data, t.grad.data


def check_stable(name, op, reference, reduces, x, w):
    dtype = x.dtype
    value, grad = run_op(op, x, w, reduces)
    assert value.dtype == dtype and grad.dtype == dtype, f"{name}: dtype changed"
    assert np.isfinite(value).all(), f"{name}: non-finite value for {x!r}: {value!r}"
    assert np.isfinite(grad).all(), f"{name}: non-finite gradient for {x!r}: {grad!r}"
    ref_value, ref_grad = reference(x.astype(np.float64), w.astype(np.float64))
    eps = float(np.finfo(dtype).eps)
    scale = 1.0 + float(np.max(np.abs(x), initial=0.0))
    for what, got, ref in (("value", value, ref_value), ("gradient", grad, ref_grad)):
        if not np.isfinite(ref).all():
            continue
        bound = 32 * eps * scale * (1.0 + float(np.max(np.abs(ref), initial=0.0)))
        error = float(np.max(np.abs(got.astype(np.float64) - ref), initial=0.0))
        assert error <= bound, (f"{name} {dtype.name}: {what} off by {error:.3g} (bound "
                                f"{bound:.3g}) for x={x!r}:\n got {got!r}\n ref {ref!r}")


@st.composite
def extreme_case(draw, dtype, low):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=_elements(dtype, low)))
    width = 8 * np.dtype(dtype).itemsize
    w = draw(hnp.arrays(dtype, shape, elements=st.floats(-2, 2, width=width)))
    return x, w


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, op, reference, low, reduces", SPECS, ids=[s[0] for s in SPECS])
@given(data=st.data())
def test_op_stable_on_extreme_inputs(name, op, reference, low, reduces, dtype, data):
    x, w = data.draw(extreme_case(dtype, low))
    check_stable(name, op, reference, reduces, x, w)


def _fixed_rows(low):
    """Every ordered pair of special values plus a few all-equal / mixed rows."""
    values = [v for v in SPECIAL if v > low]
    rows = [[a, b] for a in values for b in values]
    rows += [[v] for v in values]
    rows += [[LIMIT, LIMIT, LIMIT], [-LIMIT] * 3, [LIMIT, -LIMIT, 0.0, 1e-8]]
    return [r for r in rows if min(r) > low]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, op, reference, low, reduces", SPECS, ids=[s[0] for s in SPECS])
def test_op_stable_on_every_pair_of_special_values(name, op, reference, low, reduces, dtype):
    rows = _fixed_rows(low)
    for row in rows:
        x = np.asarray(row, dtype=dtype)
        w = np.linspace(-1.5, 1.0, x.size).astype(dtype)
        check_stable(name, op, reference, reduces, x, w)

