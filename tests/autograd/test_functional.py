"""Higher-order gradients and the function transforms of ``autograd.functional``."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag
from graphgrad.autograd.functional import hessian, jacobian, jvp, vjp

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def vectors(min_size=1, max_size=5):
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=finite)


def test_third_derivative_of_sin_is_minus_cos():
    x = ag.tensor(0.7, dtype=np.float64, requires_grad=True)
    (d1,) = ag.grad(x.sin(), x, create_graph=True)
    (d2,) = ag.grad(d1, x, create_graph=True)
    (d3,) = ag.grad(d2, x)
    assert d1.item() == pytest.approx(np.cos(0.7), rel=1e-12)
    assert d2.item() == pytest.approx(-np.sin(0.7), rel=1e-12)
    assert d3.item() == pytest.approx(-np.cos(0.7), rel=1e-12)


def test_backward_create_graph_gives_differentiable_grad():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    (second,) = ag.grad(first.sum(), x)
    np.testing.assert_allclose(second.data, 6 * x.data)


@given(vectors())
def test_hessian_of_sum_of_cubes_is_diag_6x(values):
    x = ag.tensor(values)
    h = hessian(lambda t: (t ** 3).sum(), x)
    np.testing.assert_allclose(h.data, np.diag(6 * values), atol=1e-12)


@given(st.integers(1, 4).flatmap(
    lambda n: st.tuples(hnp.arrays(np.float64, (n, n), elements=finite),
                        hnp.arrays(np.float64, n, elements=finite))))
def test_hessian_of_quadratic_form_is_a_plus_a_transpose(matrix_and_vector):
    a, values = matrix_and_vector
    h = hessian(lambda t: t @ ag.tensor(a) @ t, ag.tensor(values))
    np.testing.assert_allclose(h.data, a + a.T, atol=1e-10)


@given(vectors())
def test_jacobian_of_elementwise_function_is_diagonal(values):
    j = jacobian(lambda t: t.tanh() * 2, ag.tensor(values))
    np.testing.assert_allclose(j.data, np.diag(2 * (1 - np.tanh(values) ** 2)), atol=1e-12)


@given(vectors(2, 4))
def test_hessian_agrees_with_jacobian_of_gradient(values):
    def f(t):
        return (t.sin() * t.exp()).sum() + (t * t).sum() * t[0]

    def gradient(t):
        return ag.grad(f(t), t, create_graph=True)[0]

    x = ag.tensor(values)
    np.testing.assert_allclose(hessian(f, x).data, jacobian(gradient, x).data, atol=1e-10)


def test_jacobian_with_several_inputs_and_outputs():
    a = ag.tensor([1.0, 2.0], dtype=np.float64)
    b = ag.tensor([3.0, 4.0], dtype=np.float64)
    (ja, jb), (ka, kb) = jacobian(lambda x, y: (x * y, x.sum() + y), (a, b))
    np.testing.assert_allclose(ja.data, np.diag(b.data))
    np.testing.assert_allclose(jb.data, np.diag(a.data))
    np.testing.assert_allclose(ka.data, np.ones((2, 2)))
    np.testing.assert_allclose(kb.data, np.eye(2))


def test_hessian_blocks_for_tuple_inputs():
    a = ag.tensor([1.0, 2.0], dtype=np.float64)
    b = ag.tensor([3.0, 5.0], dtype=np.float64)
    ((haa, hab), (hba, hbb)) = hessian(lambda x, y: (x * x * y).sum(), (a, b))
    np.testing.assert_allclose(haa.data, np.diag(2 * b.data))
    np.testing.assert_allclose(hab.data, np.diag(2 * a.data))
    np.testing.assert_allclose(hba.data, np.diag(2 * a.data))
    np.testing.assert_allclose(hbb.data, np.zeros((2, 2)))


@given(st.integers(1, 3).flatmap(
    lambda n: st.tuples(hnp.arrays(np.float64, (n + 1, n), elements=finite),
                        hnp.arrays(np.float64, n, elements=finite),
                        hnp.arrays(np.float64, n, elements=finite),
                        hnp.arrays(np.float64, n + 1, elements=finite))))
def test_vjp_and_jvp_match_the_jacobian(case):
    a, values, v_in, v_out = case

    def f(t):
        return (ag.tensor(a) @ t).tanh()

    x = ag.tensor(values)
    j = jacobian(f, x).data
    out, vj = vjp(f, x, ag.tensor(v_out))
    np.testing.assert_allclose(out.data, np.tanh(a @ values))
    np.testing.assert_allclose(vj.data, v_out @ j, atol=1e-10)
    _, jv = jvp(f, x, ag.tensor(v_in))
    np.testing.assert_allclose(jv.data, j @ v_in, atol=1e-10)


def test_transforms_leave_the_callers_tensors_alone():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    hessian(lambda t: (t ** 3).sum(), x)
    jacobian(lambda t: t * 2, x)
    assert x.grad is None and x.is_leaf


def test_grad_without_allow_unused_names_the_unused_input():
    x = ag.tensor([1.0], requires_grad=True)
    unused = ag.tensor([2.0, 3.0], requires_grad=True)
    message = r"input 1 \(shape \(2,\)\) was not used.*allow_unused=True"
    with pytest.raises(ag.GradientError, match=message):
        ag.grad((x * 2).sum(), (x, unused))
    gx, gu = ag.grad((x * 2).sum(), (x, unused), allow_unused=True)
    assert gu is None and gx.data.tolist() == [2.0]


def test_grad_does_not_touch_dot_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.grad((x * x).sum(), x)
    assert x.grad is None
    np.testing.assert_allclose(g.data, [2.0, 4.0])


def test_first_order_backward_records_nothing():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x.exp() * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_create_graph_step_is_freed_without_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        x = ag.tensor(np.linspace(-1, 1, 5), requires_grad=True)
        y = x.exp()
        z = (y.tanh() * x.sigmoid()).sum()
        (g,) = ag.grad(z, x, create_graph=True)
        (g * g).sum().backward()
        refs = [weakref.ref(obj) for obj in (y, z, g, z.grad_fn, y.grad_fn, g.grad_fn)]
        del y, z, g
        x.grad = None
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()
