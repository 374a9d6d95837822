"""Scalar: gradients against central differences and against 0-d Tensors, micrograd's
sanity checks, deep chains, accumulation, interop and the absence of reference cycles."""
import gc
import math
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Scalar, Tensor
from graphgrad.autograd.testing import gradcheck

# ---------------------------------------------------------------- op table
_wide = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
_positive = st.floats(0.1, 3.0)
_away_from_zero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))
_exponent = st.floats(-3.0, 3.0).filter(lambda p: abs(p - round(p)) > 1e-3 or p == round(p))

# name -> (function of Scalars/numbers, strategies of its inputs, how many are Scalars)
UNARY = {
    "neg": (lambda x: -x, _wide),
    "exp": (lambda x: x.exp(), _wide),
    "log": (lambda x: x.log(), _positive),
    "tanh": (lambda x: x.tanh(), _wide),
    "sigmoid": (lambda x: x.sigmoid(), _wide),
    "relu": (lambda x: x.relu(), _away_from_zero),
}
BINARY = {
    "add": (lambda x, y: x + y, _wide, _wide),
    "sub": (lambda x, y: x - y, _wide, _wide),
    "mul": (lambda x, y: x * y, _wide, _wide),
    "div": (lambda x, y: x / y, _wide, _away_from_zero),
    "pow": (lambda x, y: x ** y, _positive, _wide),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_op_gradient_matches_central_differences(name, data):
    fn, domain = UNARY[name]
    x = Scalar(data.draw(domain))
    assert gradcheck(fn, (x,))


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_op_gradient_matches_central_differences(name, data):
    fn, x_domain, y_domain = BINARY[name]
    x, y = Scalar(data.draw(x_domain)), Scalar(data.draw(y_domain))
    assert gradcheck(fn, (x, y))
    # a Python number on either side: the Scalar alone is differentiated
    assert gradcheck(lambda s: fn(s, y.data), (x,))
    assert gradcheck(lambda s: fn(x.data, s), (y,))


@given(_positive, _exponent)
def test_pow_constant_exponent_gradient_matches_central_differences(base, exponent):
    assert gradcheck(lambda s: s ** exponent, (Scalar(base),))


# ---------------------------------------------------------------- Scalar vs Tensor
_N_VARS = 3
_UNARY_TREE = ["neg", "tanh", "sigmoid", "relu", "exp_tanh", "log_sigmoid", "square"]
_BINARY_TREE = ["add", "sub", "mul", "soft_div"]

_leaves = st.one_of(st.tuples(st.just("var"), st.integers(0, _N_VARS - 1)),
                    st.tuples(st.just("const"), st.floats(-2.0, 2.0)))
expressions = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(_UNARY_TREE), children),
        st.tuples(st.sampled_from(_BINARY_TREE), children, children)),
    max_leaves=12)


def _evaluate(tree, variables):
    """Evaluate an expression tree on Scalars or 0-d Tensors (the ops stay finite)."""
    kind = tree[0]
    if kind == "var":
        return variables[tree[1]]
    if kind == "const":
        return tree[1]
    args = [_evaluate(child, variables) for child in tree[1:]]
    if kind == "neg":
        return -args[0]
    x = args[0]
    if not hasattr(x, "grad_fn"):  # a constant subtree: a fresh leaf, as every Scalar is
        x = Scalar(x) if isinstance(variables[0], Scalar) else \
            Tensor(np.float64(x), requires_grad=True)
    if kind == "tanh":
        return x.tanh()
    if kind == "sigmoid":
        return x.sigmoid()
    if kind == "relu":
        return x.relu()
    if kind == "exp_tanh":
        return x.tanh().exp()
    if kind == "log_sigmoid":
        return (x.sigmoid() + 0.5).log()
    if kind == "square":
        return x ** 2
    y = args[1]
    if kind == "add":
        return x + y
    if kind == "sub":
        return y - x
    if kind == "mul":
        return x.tanh() * y
    return x / (1.0 + y * y)  # soft_div: the divisor stays >= 1


@given(expressions, st.lists(st.floats(-2.0, 2.0), min_size=_N_VARS, max_size=_N_VARS))
def test_scalar_and_tensor_give_the_same_gradients(tree, values):
    scalars = [Scalar(v) for v in values]
    tensors = [Tensor(np.float64(v), requires_grad=True) for v in values]
    out_s = _evaluate(tree, scalars)
    out_t = _evaluate(tree, tensors)
    if not hasattr(out_s, "grad_fn"):  # the tree is a constant
        assert out_s == out_t
        return
    assert out_s.data == pytest.approx(float(out_t.data), rel=1e-12, abs=1e-12)
    out_s.backward()
    out_t.backward()
    for s, t in zip(scalars, tensors):
        expected = 0.0 if t.grad is None else float(t.grad.data)
        assert type(s.grad) is float
        assert s.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------- micrograd's sanity checks
def test_micrograd_sanity_check():
    x = Scalar(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    # By hand: z = 3x + 2 = -10 (< 0, so relu(z) = 0 with slope 0); q = z x = 40;
    # h = z^2 = 100; y = h + q (1 + x) = 100 + 40 * (-3) = -20.
    # dy/dx = dh/dx + dq/dx (1 + x) + q, with dh/dx = 2 z * 3 = 6 z and
    # dq/dx = (dz/dx) x + z = 3 x + z.
    xv = -4.0
    zv = 3 * xv + 2
    qv = zv * xv
    expected_y = zv * zv + qv * (1 + xv)
    expected_dx = 6 * zv + (3 * xv + zv) * (1 + xv) + qv
    assert (expected_y, expected_dx) == (-20.0, 46.0)  # the values PyTorch prints
    assert y.data == pytest.approx(expected_y, abs=1e-6)
    assert x.grad == pytest.approx(expected_dx, abs=1e-6)


def test_micrograd_more_ops():
    a = Scalar(-4.0)
    b = Scalar(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    # By hand: c = 2(2(a + b) + 1) + 1 - a = 3a + 4b + 3 = -1.
    # d: d0 = ab + b^3 = 0; d1 = 3 d0 + relu(a + b) = 3 d0 (a + b = -2 < 0, slope 0);
    #    d = 4 d1 + relu(b - a) = 12 ab + 12 b^3 + (b - a) = 6   (b - a = 6 > 0).
    # e = c - d = -7; g = e^2 / 2 + 10 / e^2, so dg/de = e - 20 / e^3.
    # de/da = 3 - (12 b - 1) = -20;  de/db = 4 - (12 a + 36 b^2 + 1) = -93.
    av, bv = -4.0, 2.0
    cv = 3 * av + 4 * bv + 3
    dv = 12 * av * bv + 12 * bv ** 3 + (bv - av)
    ev = cv - dv
    dg_de = ev - 20 / ev ** 3
    expected_g = ev ** 2 / 2 + 10 / ev ** 2
    expected_da = dg_de * (3 - (12 * bv - 1))
    expected_db = dg_de * (4 - (12 * av + 36 * bv ** 2 + 1))
    # PyTorch prints 24.70408163265306, 138.83381924198252, 645.5772594752186
    assert expected_g == pytest.approx(24.70408163265306, abs=1e-12)
    assert expected_da == pytest.approx(138.83381924198252, abs=1e-9)
    assert expected_db == pytest.approx(645.5772594752186, abs=1e-9)
    assert g.data == pytest.approx(expected_g, abs=1e-6)
    assert a.grad == pytest.approx(expected_da, abs=1e-6)
    assert b.grad == pytest.approx(expected_db, abs=1e-6)


# ---------------------------------------------------------------- engine behaviour
def test_scalar_chain_100000_deep_backpropagates():
    x = Scalar(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.000001
    y.backward()
    assert x.grad == pytest.approx(1.000001 ** 100_000, rel=1e-9)


def test_scalar_grads_accumulate_until_reset():
    x = Scalar(3.0)
    y = x * x  # dy/dx = 6
    y.backward()
    assert x.grad == 6.0 and y.grad == 1.0  # every Scalar keeps its grad, as micrograd's
    (x * 2).backward()
    assert x.grad == 8.0
    y.backward()  # a Scalar graph may be backpropagated again: it accumulates again
    assert x.grad == 14.0
    x.grad = 0
    (x * x).backward()
    assert x.grad == 6.0


def test_scalar_graph_has_no_reference_cycles():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        x = Scalar(0.5)
        w = Scalar(-1.5)
        hidden = (x * w + 1.0).tanh()
        out = (hidden.exp() + hidden.sigmoid() + hidden.relu()) / (hidden ** 2 + 1.0)
        out.backward()
        refs = [weakref.ref(v) for v in (hidden, out, x, w)]
        del x, w, hidden, out
        assert [r() for r in refs] == [None] * 4  # freed by reference counting alone
    finally:
        if was_enabled:
            gc.enable()


def test_scalar_second_derivative_of_cube():
    x = Scalar(2.0)
    (dx,) = autograd.grad(x ** 3, x, create_graph=True)
    (ddx,) = autograd.grad(dx, x)
    assert (dx.data, ddx.data) == (12.0, 12.0)  # 3 x^2 and 6 x at 2
    x = Scalar(2.0)
    (x ** 3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Scalar) and first.data == 12.0
    x.grad = 0.0
    first.backward()
    assert x.grad == 12.0


@pytest.mark.parametrize("name", ["exp", "tanh", "sigmoid", "log"])
def test_scalar_second_derivative_matches_tensor(name):
    s = Scalar(0.7)
    t = Tensor(np.float64(0.7), requires_grad=True)
    (ds,) = autograd.grad(getattr(s, name)(), s, create_graph=True)
    (dt,) = autograd.grad(getattr(t, name)(), t, create_graph=True)
    (dds,) = autograd.grad(ds, s)
    (ddt,) = autograd.grad(dt, t)
    assert dds.data == pytest.approx(float(ddt.data), rel=1e-12)


def test_scalar_hooks_see_and_replace_the_gradient():
    x = Scalar(1.0)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g) or g * 10)
    (x * 3).backward()
    assert seen == [3.0] and x.grad == 30.0
    handle.remove()
    (x * 3).backward()
    assert x.grad == 33.0


@pytest.mark.parametrize("one", [np.array(4.0), np.array([4.0]), np.array([[4.0]]),
                                 np.float32(4.0)])
def test_scalar_gradients_given_as_one_element_arrays_are_read_as_numbers(one):
    x = Scalar(1.0)
    (x * 3).backward(gradient=one)
    assert x.grad == 12.0
    y = Scalar(1.0)
    y.register_hook(lambda g: one)
    (y * 3).backward()
    assert y.grad == 4.0
    with pytest.raises(autograd.GradientError, match="one number"):
        (Scalar(1.0) * 3).backward(gradient=np.array([1.0, 2.0]))


def test_scalar_ops_in_no_grad_and_anomaly_modes():
    x = Scalar(2.0)
    with autograd.no_grad():
        y = x * 3 + 1
    assert y.data == 7.0 and y.grad_fn is None
    with autograd.detect_anomaly():
        z = (x * x + x).tanh()
    z.backward()
    assert x.grad == pytest.approx((1 - math.tanh(6.0) ** 2) * 5)


# ---------------------------------------------------------------- values and interop
def test_scalar_values_are_python_floats():
    s = Scalar(3)
    assert type(s.data) is float and type(s.grad) is float
    assert type((np.int64(-1) * s).data) is float  # numpy scalars defer to Scalar
    s.data = 1.5  # plain assignable floats
    s.grad = 2.0
    assert (s.data, s.grad) == (1.5, 2.0)
    assert Scalar(1.0, (s,), "+", label="a").label == "a"  # micrograd's Value signature


def test_scalar_comparisons_are_by_value():
    a, b = Scalar(1.0), Scalar(2.0)
    assert a < b and a <= 1.0 and b > a and b >= 2 and a == 1.0 and a != b
    assert Scalar(1.0) == Scalar(1.0) and len({Scalar(1.0), Scalar(1.0)}) == 2


def test_scalar_tensor_conversion_both_ways():
    s = Scalar(1.25)
    t = Tensor(s)
    assert t.shape == () and t.dtype == np.float32 and float(t) == 1.25  # as Tensor(1.25)
    assert Tensor(s, dtype=np.float64).data == 1.25
    back = Scalar(Tensor(np.float64(2.5), requires_grad=True))
    assert back.data == 2.5 and back.grad_fn is None
    with pytest.raises(ValueError, match="one-element"):
        Scalar(Tensor([1.0, 2.0]))


def test_scalar_and_tensor_in_one_op_is_a_type_error():
    s, t = Scalar(1.0), Tensor(1.0, requires_grad=True)
    for op in (lambda: s + t, lambda: t + s, lambda: s * t, lambda: t * s, lambda: s / t,
               lambda: t - s, lambda: s ** t):
        with pytest.raises(TypeError, match="cannot mix"):
            op()


def test_scalar_errors_name_the_op():
    with pytest.raises(TypeError, match="cannot make a Scalar from str"):
        Scalar("1.0")
    with pytest.raises(ValueError, match="log: .* domain"):
        Scalar(-1.0).log()
    with pytest.raises(ZeroDivisionError, match="div"):
        Scalar(1.0) / 0
    with pytest.raises(ValueError, match="pow: .* not a real number"):
        Scalar(-8.0) ** (1 / 3)
    with pytest.raises(autograd.GradientError, match="one number"):
        Scalar(1.0).exp().backward(np.ones(2))
