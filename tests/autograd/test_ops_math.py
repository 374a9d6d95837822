"""Issue 14's ops where the spec table cannot reach: documented tie and zero rules,
gradients at kinks, NaN handling, errors, and agreement with PyTorch on the cases
where numpy has no gradient to compare with."""
import math

import numpy as np
import pytest

import graphgrad as gg
import graphgrad.autograd as ag
from graphgrad.autograd.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def _leaf(values):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _torch_grad(fn, values, upstream=None):
    t = torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    out = fn(t)
    out.backward(torch.ones_like(out) if upstream is None else torch.tensor(upstream))
    return t.grad.numpy()


def _our_grad(fn, values, upstream=None):
    x = _leaf(values)
    out = fn(x)
    out.backward(np.ones(out.shape) if upstream is None else np.asarray(upstream))
    return x.grad.data


# ---------------------------------------------------------------- zeros in products
@pytest.mark.parametrize("values, axis", [
    ([2.0, 0.0, 3.0], None),                         # one zero: only it gets a gradient
    ([0.0, 5.0, 0.0, 2.0], None),                    # two zeros: all gradients 0
    ([[0.0, 2.0, 3.0], [1.0, 4.0, 0.5]], 1),
    ([[0.0, 2.0], [3.0, 0.0], [4.0, 5.0]], 0),
    ([[[0.0, 2.0], [3.0, 1.5]], [[1.0, 0.0], [0.0, 2.0]]], (0, 2)),
])
def test_prod_gradient_with_zeros_matches_torch(values, axis):
    def ours(t):
        return ag.prod(t, axis=axis)

    def theirs(t):
        if axis is None:
            return t.prod()
        for a in sorted(axis if isinstance(axis, tuple) else (axis,), reverse=True):
            t = t.prod(dim=a)
        return t
    np.testing.assert_allclose(_our_grad(ours, values), _torch_grad(theirs, values), rtol=1e-12)
    assert gradgradcheck(ours, _leaf(values))


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, 4.0], [0.0, 1.5, 0.0, 2.0],
                                    [1.0, 2.0, 3.0, 0.0], [0.0]])
def test_cumprod_gradient_with_zeros_matches_torch(values):
    upstream = np.linspace(0.5, 2.0, len(values))
    np.testing.assert_allclose(_our_grad(lambda t: ag.cumprod(t, axis=0), values, upstream),
                               _torch_grad(lambda t: t.cumprod(0), values, upstream),
                               rtol=1e-12)
    assert gradgradcheck(lambda t: ag.cumprod(t, axis=0), _leaf(values))


def test_cumprod_second_derivative_with_zeros_matches_torch():
    values = [[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]
    x = _leaf(values)
    (g,) = ag.grad((ag.cumprod(x, axis=1) ** 2).sum(), x, create_graph=True)
    (gg_ours,) = ag.grad(g.sum(), x)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    (gt,) = torch.autograd.grad((t.cumprod(1) ** 2).sum(), t, create_graph=True)
    (gg_torch,) = torch.autograd.grad(gt.sum(), t)
    np.testing.assert_allclose(gg_ours.data, gg_torch.numpy(), rtol=1e-12)


@pytest.mark.parametrize("values, expected", [
    # running products underflow (to 0 or to a subnormal that kept one digit); dividing
    # them by a factor gave 1.0 for 0.909 and 0 for 1.25e-200
    ([5e-324, 5e-324], [0.909, 0.5 * 5e-324]),
    ([1e-200, 1e-200, 3.0], [0.909 + 0.5e-200, 1.25e-200, 0.0]),
    ([2.0, 3.0], [0.909 + 0.5 * 3.0, 1.0]),
])
def test_cumprod_gradient_stays_exact_when_the_running_product_underflows(values, expected):
    upstream = [0.909, 0.5, 0.25][:len(values)]
    np.testing.assert_allclose(_our_grad(lambda t: ag.cumprod(t, axis=0), values, upstream),
                               expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("values, expected", [
    # the product is subnormal (one digit kept): out / x gave 2.0 for 1.5
    ([5e-324, 1.5], [1.5, 5e-324]),
    # the product underflows to 0 although no factor is 0: out / x gave 0 for 1e-200
    ([1e-200, 1e-200], [1e-200, 1e-200]),
    ([2.0, 3.0], [3.0, 2.0]),
])
def test_prod_gradient_stays_exact_when_the_product_underflows(values, expected):
    np.testing.assert_allclose(_our_grad(lambda t: ag.prod(t), values, 1.0), expected,
                               rtol=1e-12, atol=0)


def test_logcumsumexp_gradient_far_apart_values_matches_torch():
    values = [-800.0, 0.0, 700.0, 1.0]  # exp of the range overflows float64
    upstream = [1.0, -2.0, 0.5, 3.0]
    ours = _our_grad(lambda t: ag.logcumsumexp(t, axis=0), values, upstream)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, _torch_grad(lambda t: t.logcumsumexp(0), values, upstream),
                               rtol=1e-12, atol=1e-300)


# ---------------------------------------------------------------- ties and order
def test_cummax_cummin_ties_take_the_latest_index_as_torch():
    values = [1.0, 3.0, 3.0, 2.0, 3.0]
    for name in ("cummax", "cummin"):
        ours = getattr(ag, name)(_leaf(values), axis=0)
        theirs = getattr(torch, name)(torch.tensor(values), 0)
        np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
        np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
        np.testing.assert_array_equal(
            _our_grad(lambda t, n=name: getattr(ag, n)(t, axis=0).values, values),
            _torch_grad(lambda t, n=name: getattr(torch, n)(t, 0).values, values))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_is_stable_in_both_directions_as_torch_stable(descending):
    values = [[2.0, 1.0, 2.0, 3.0, 1.0, 2.0], [0.0, 0.0, -1.0, 0.0, 5.0, 5.0]]
    ours = ag.sort(ag.tensor(values), axis=1, descending=descending)
    theirs = torch.sort(torch.tensor(values), dim=1, descending=descending, stable=True)
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ag.argsort(ag.tensor(values), axis=1,
                                             descending=descending).data, theirs.indices.numpy())
    upstream = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(
        _our_grad(lambda t: ag.sort(t, axis=1, descending=descending).values, values, upstream),
        _torch_grad(lambda t: torch.sort(t, dim=1, descending=descending, stable=True).values,
                    values, upstream))


def test_sort_puts_nan_last_ascending_and_first_descending_as_torch():
    values = [1.0, np.nan, -1.0]
    for descending in (False, True):
        ours = ag.sort(ag.tensor(values), descending=descending).indices.data
        theirs = torch.sort(torch.tensor(values), descending=descending, stable=True).indices
        np.testing.assert_array_equal(ours, theirs.numpy())


def test_topk_ties_keep_order_of_appearance_and_gradient_goes_to_picked():
    values = [1.0, 3.0, 3.0, 2.0, 3.0]
    result = ag.topk(_leaf(values), 2)
    np.testing.assert_array_equal(result.indices.data, [1, 2])
    result.values.sum().backward()
    smallest = ag.topk(ag.tensor(values), 2, largest=False)
    np.testing.assert_array_equal(smallest.indices.data, [0, 3])
    np.testing.assert_array_equal(smallest.values.data, [1.0, 2.0])


def test_median_is_the_lower_median_as_torch():
    values = [[4.0, 1.0, 3.0, 2.0], [2.0, 1.0, 2.0, 2.0]]
    ours = ag.median(ag.tensor(values), axis=1)
    theirs = torch.median(torch.tensor(values), dim=1)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.values.data, [2.0, 2.0])  # numpy's median: 2.5, 2.0
    np.testing.assert_array_equal(ours.indices.data, [3, 0])
    assert ag.median(ag.tensor(values)).item() == torch.median(torch.tensor(values)).item()
    grad = _our_grad(lambda t: ag.median(t, axis=1).values, values)
    np.testing.assert_array_equal(grad, [[0, 0, 0, 1], [1, 0, 0, 0]])


def test_median_of_a_slice_with_nan_is_nan():
    result = ag.median(ag.tensor([[1.0, np.nan, 3.0, np.nan], [1.0, 2.0, 3.0, 4.0]]), axis=1)
    assert np.isnan(result.values.data[0]) and result.indices.data[0] == 1
    assert result.values.data[1] == 2.0


def test_argmax_argmin_first_occurrence_and_no_grad():
    x = _leaf([[1.0, 5.0, 5.0], [7.0, 7.0, 0.0]])
    for name, expected in (("argmax", [1, 0]), ("argmin", [0, 2])):
        out = getattr(ag, name)(x, axis=1)
        np.testing.assert_array_equal(out.data, expected)
        assert out.dtype == np.int64 and not out.requires_grad
        np.testing.assert_array_equal(out.data, getattr(torch, name)(
            torch.tensor(x.data), dim=1).numpy())
    assert x.argmax().item() == 3 and x.argmax(axis=1, keepdims=True).shape == (2, 1)
    with pytest.raises(ValueError, match="argmax: cannot search an empty tensor"):
        ag.argmax(ag.zeros(0))
    with pytest.raises(np.exceptions.AxisError, match="argmin: axis 2"):
        ag.argmin(x, axis=2)


# ---------------------------------------------------------------- norm
def test_norm_gradient_at_zero_is_zero_as_torch():
    for p in (2, 3, 1, 0.5):
        grad = _our_grad(lambda t, p=p: ag.norm(t, p=p), [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(grad, [0.0, 0.0, 0.0])
    grad = _our_grad(lambda t: ag.norm(t, p=3, axis=1), [[0.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(grad, [[0.0, 0.0], [1.0, 0.0]], rtol=1e-15)
    assert gradgradcheck(lambda t: ag.norm(t, p=2), _leaf([1.0, -2.0, 0.5]))


def test_norm_inf_ties_share_the_gradient_as_torch():
    values = [1.0, -1.0, 1.0, 0.5]
    np.testing.assert_allclose(_our_grad(lambda t: ag.norm(t, p=math.inf), values),
                               _torch_grad(lambda t: t.norm(p=math.inf), values), rtol=1e-15)


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 0, math.inf, -math.inf, "fro"])
def test_norm_matches_torch(p):
    values = np.array([[0.3, -1.2, 2.0], [1.5, 0.0, -0.7]])
    for axis, dim in ((None, None), (1, 1), ((0, 1), (0, 1))):
        if p == "fro" and axis == 1:
            continue
        ours = ag.norm(_leaf(values), p=p, axis=axis)
        theirs = torch.norm(torch.tensor(values), p=p, dim=dim)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_norm_refuses_numpy_matrix_orders_and_mixed_spellings():
    m = ag.ones((2, 3))
    with pytest.raises(ValueError, match="matrix norm.*p=2"):
        ag.norm(m, 2)
    with pytest.raises(ValueError, match="matrix norm"):
        m.norm(ord=1, axis=(0, 1))
    assert ag.norm(m, "fro").item() == pytest.approx(math.sqrt(6))
    assert ag.norm(m, 2, axis=1).shape == (2,)  # one axis: numpy's vector norm
    with pytest.raises(TypeError, match="not both"):
        ag.norm(m, 2, p=2)
    with pytest.raises(ValueError, match="'nuc'"):
        ag.norm(m, p="nuc")


# ---------------------------------------------------------------- piecewise ops
@pytest.mark.parametrize("name", ["sign", "floor", "ceil", "round", "trunc"])
def test_piecewise_constant_ops_have_zero_gradient_also_at_jumps(name):
    x = _leaf([-1.5, -1.0, 0.0, 0.5, 2.0, 2.5])
    out = getattr(ag, name)(x)
    assert out.requires_grad  # in the graph, as PyTorch
    np.testing.assert_array_equal(out.data, getattr(np, name)(x.data))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(6))


def test_round_halves_to_even_and_decimals_as_torch():
    values = [0.5, 1.5, 2.5, -0.5, 1.25, 1.35]
    np.testing.assert_array_equal(ag.round(ag.tensor(values)).data,
                                  torch.round(torch.tensor(values)).numpy())
    np.testing.assert_allclose(ag.round(ag.tensor(values, dtype=np.float64), decimals=1).data,
                               torch.round(torch.tensor(values, dtype=torch.float64),
                                           decimals=1).numpy())
    assert round(ag.tensor([1.6])).tolist() == [2.0]
    with pytest.raises(TypeError, match="round: decimals"):
        ag.round(ag.tensor([1.0]), 0.5)


def test_copysign_fmod_remainder_gradients_match_torch():
    x_values, y_values = [1.0, -2.0, 0.0, 3.5], [-1.0, 1.0, -2.0, -0.75]
    for ours, theirs in ((ag.copysign, torch.copysign), (ag.fmod, torch.fmod),
                         (ag.remainder, torch.remainder)):
        x, y = _leaf(x_values), _leaf(y_values)
        ours(x, y).sum().backward()
        tx = torch.tensor(x_values, dtype=torch.float64, requires_grad=True)
        ty = torch.tensor(y_values, dtype=torch.float64, requires_grad=True)
        theirs(tx, ty).sum().backward()
        np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
        np.testing.assert_array_equal(y.grad.data, ty.grad.numpy())


def test_nan_to_num_passes_gradient_only_where_finite():
    x = _leaf([np.nan, 1.0, np.inf, -np.inf, -2.0])
    out = ag.nan_to_num(x, nan=0.5, posinf=7.0)
    np.testing.assert_array_equal(out.data, [0.5, 1.0, 7.0, np.finfo(np.float64).min, -2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="nan_to_num: nan"):
        ag.nan_to_num(x, nan="zero")


def test_lerp_with_tensor_weight_matches_torch():
    s, e, w = _leaf([0.0, 1.0]), _leaf([2.0, -1.0]), _leaf([0.25, 0.9])
    ag.lerp(s, e, w).sum().backward()
    ts, te, tw = (torch.tensor(v.data, requires_grad=True) for v in (s, e, w))
    torch.lerp(ts, te, tw).sum().backward()
    for ours, theirs in ((s, ts), (e, te), (w, tw)):
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-15)


# ---------------------------------------------------------------- erf
def test_erf_and_erfc_relative_error_is_within_the_documented_bound():
    x = np.concatenate([np.linspace(-6, 6, 20001), [1e-300, -1e-12, 1e-8, 0.49999, 0.5]])
    erf = ag.erf(ag.tensor(x)).data
    erfc = ag.erfc(ag.tensor(x)).data
    exact_erf = np.array([math.erf(v) for v in x])
    exact_erfc = np.array([math.erfc(v) for v in x])
    nonzero = exact_erf != 0
    assert np.max(np.abs(erf - exact_erf)[nonzero] / np.abs(exact_erf[nonzero])) < 1.2e-7
    assert np.max(np.abs(erfc - exact_erfc) / exact_erfc) < 1.2e-7
    small = np.abs(x) < 0.5  # the series: float64's own precision
    np.testing.assert_allclose(erf[small], exact_erf[small], rtol=1e-15, atol=0)
    assert ag.erf(ag.tensor([0.0, 1.0])).dtype == np.float32


def test_erf_second_derivative():
    assert gradgradcheck(ag.erf, _leaf([-1.2, 0.3, 2.0]))
    assert gradgradcheck(ag.erfc, _leaf([-1.2, 0.3, 2.0]))


# ---------------------------------------------------------------- dtypes and no-grad ops
def test_sum_and_mean_dtype_cast_first():
    flags = ag.tensor([True, False, True])
    assert ag.sum(flags, dtype=np.int64).item() == 2
    assert ag.sum(flags, dtype=np.int64).dtype == np.int64
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    out = x.mean(dtype=np.float64)
    assert out.dtype == np.float64
    out.backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [0.5, 0.5]
    assert ag.prod(ag.tensor([2, 3, 4]), dtype=np.float64).item() == 24.0


def test_tests_and_logic_do_not_require_grad():
    x = _leaf([1.0, np.nan, np.inf])
    for out in (ag.isnan(x), ag.isinf(x), ag.isfinite(x), ag.isclose(x, 1.0),
                ag.logical_not(x), ag.logical_and(x, x), x.any(), x.all(axis=0),
                ag.count_nonzero(x)):
        assert not out.requires_grad and out.grad_fn is None
    assert ag.count_nonzero(ag.tensor([[0.0, 1.0], [2.0, 3.0]])).item() == 3
    with pytest.raises(ValueError, match="isclose: rtol and atol must be non-negative"):
        ag.isclose(x, x, rtol=-1.0)
    with pytest.raises(np.exceptions.AxisError, match="any: axis 3"):
        x.any(axis=3)


def test_bitwise_operators_refuse_floats_and_integer_division_by_zero_raises():
    ints = ag.tensor([5, 6, -7])
    np.testing.assert_array_equal((ints & 3).data, [1, 2, 1])
    np.testing.assert_array_equal((1 << ag.tensor([0, 3])).data, [1, 8])
    np.testing.assert_array_equal((~ag.tensor([True, False])).data, [False, True])
    np.testing.assert_array_equal((ag.tensor([True, False]) ^ True).data, [False, True])
    for op in (lambda t: t & 1, lambda t: 1 | t, lambda t: t ^ t, lambda t: t << 1,
               lambda t: ~t):
        with pytest.raises(ag.DtypeError,
                           match="needs integer (or bool )?tensors, got dtype float32"):
            op(ag.tensor([1.0, 2.0]))
    with pytest.raises(ag.DtypeError, match="left_shift: needs integer tensors"):
        ag.tensor([True]) << 1
    for op in (lambda t: t // ag.tensor([0, 1, 2]), lambda t: t % 0):
        with pytest.raises(ZeroDivisionError, match="integer division by zero"):
            op(ints)
    with np.errstate(divide="ignore"):
        assert (ag.tensor([7.0]) // 0.0).data[0] == np.inf  # floats: numpy's inf


def test_integer_remainder_and_floor_divide_match_torch():
    x, y = [7, -7, 7, -7, 0], [3, 3, -3, -3, 5]
    np.testing.assert_array_equal((ag.tensor(x) % ag.tensor(y)).data,
                                  (torch.tensor(x) % torch.tensor(y)).numpy())
    np.testing.assert_array_equal((ag.tensor(x) // ag.tensor(y)).data,
                                  (torch.tensor(x) // torch.tensor(y)).numpy())


def test_trig_family_second_derivatives_match_torch():
    values = [0.3, -0.6, 0.8]
    for name in ("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh", "log2",
                 "log10", "exp2", "expm1", "rsqrt", "reciprocal", "square"):
        domain = [abs(v) + 0.2 for v in values] if name in ("log2", "log10", "rsqrt") \
            else values
        x = _leaf(domain)
        (g,) = ag.grad(getattr(ag, name)(x).sum(), x, create_graph=True)
        (h,) = ag.grad(g.sum(), x)
        t = torch.tensor(domain, dtype=torch.float64, requires_grad=True)
        (gt,) = torch.autograd.grad(getattr(torch, name)(t).sum(), t, create_graph=True)
        (ht,) = torch.autograd.grad(gt.sum(), t)
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(h.data, ht.numpy(), rtol=1e-10, err_msg=name)


# ---------------------------------------------------------------- creation
def test_arange_and_linspace_accept_numpy_and_torch_forms():
    assert ag.arange(5).tolist() == torch.arange(5).tolist()
    assert ag.arange(1, 7, 2).tolist() == torch.arange(1, 7, 2).tolist()
    assert ag.arange(0, end=3).tolist() == [0, 1, 2]
    floats = ag.arange(0, 1, 0.25)
    assert floats.dtype == np.float32 and floats.tolist() == torch.arange(0, 1, 0.25).tolist()
    assert ag.arange(3, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(ag.linspace(0, 1, steps=5).data,
                                  torch.linspace(0, 1, steps=5).numpy())
    np.testing.assert_array_equal(ag.linspace(0, end=2, steps=3).data, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(ag.linspace(0, 1, 4, endpoint=False).data,
                               np.linspace(0, 1, 4, endpoint=False), rtol=1e-7)
    assert ag.linspace(0, 1).shape == (50,)
    with pytest.raises(TypeError, match="arange: give stop="):
        ag.arange(0, 3, end=4)
    with pytest.raises(TypeError, match="linspace: give stop=/num="):
        ag.linspace(0, 1, 3, steps=3)
    with pytest.raises(TypeError, match="arange: start must be a real number"):
        ag.arange("3")


def test_like_constructors_keep_shape_and_dtype():
    base = ag.zeros((2, 3), dtype=np.float64)
    for out in (ag.full_like(base, 2.5), ag.empty_like(base), ag.rand_like(base),
                ag.randn_like(base)):
        assert out.shape == (2, 3) and out.dtype == np.float64 and not out.requires_grad
    assert ag.full_like(base, 2.5).tolist() == [[2.5] * 3] * 2
    assert ag.full_like(base, 1, dtype=np.int64).dtype == np.int64
    assert ag.empty(4, 2).shape == (4, 2) and ag.empty((3,)).dtype == np.float32
    assert ag.rand_like(base, requires_grad=True).requires_grad
    with pytest.raises(ag.DtypeError, match="randn_like: needs a float dtype"):
        ag.randn_like(ag.tensor([1, 2]))
    with pytest.raises(ag.DtypeError, match="full_like: fill_value"):
        ag.full_like(base, "x")


def test_random_constructors_are_seeded_and_in_range():
    ag.manual_seed(3)
    first = ag.randint(0, 10, (50,)).tolist()
    ag.manual_seed(3)
    assert ag.randint(0, 10, (50,)).tolist() == first
    assert all(0 <= v < 10 for v in first)
    torch_form = ag.randint(4, (3, 2))                    # torch: randint(high, size)
    assert torch_form.shape == (3, 2) and torch_form.dtype == np.int64
    assert int(ag.randint(4, size=200).data.max()) <= 3   # numpy: randint(high, size=)
    assert ag.randint(2, 5, size=100).data.min() >= 2
    sample = ag.normal(ag.full((20000,), 3.0), 0.5)
    assert sample.shape == (20000,) and abs(float(sample.data.mean()) - 3.0) < 0.02
    assert abs(float(sample.data.std()) - 0.5) < 0.02
    spread = ag.uniform(-2.0, 1.0, size=(20000,))
    assert spread.data.min() >= -2.0 and spread.data.max() < 1.0
    assert abs(float(spread.data.mean()) + 0.5) < 0.03
    assert ag.normal(size=(2, 2)).dtype == np.float32
    with pytest.raises(ValueError, match="randint: high must be larger than low"):
        ag.randint(5, 5)
    with pytest.raises(ValueError, match="normal: std must be non-negative"):
        ag.normal(0.0, -1.0, size=3)
    with pytest.raises(ValueError, match="uniform: size"):
        ag.uniform(size=(-1,))


@pytest.mark.parametrize("row, col, offset", [(3, None, 0), (4, 3, 1), (3, 5, -1), (0, 0, 0)])
def test_tril_triu_indices_match_torch_and_numpy(row, col, offset):
    for name in ("tril_indices", "triu_indices"):
        rows, cols = getattr(ag, name)(row, col=col, offset=offset)
        expected = getattr(torch, name)(row, row if col is None else col, offset)
        np.testing.assert_array_equal(np.stack([rows.data, cols.data]), expected.numpy())
        numpy_rows, numpy_cols = getattr(np, name)(row, k=offset, m=col)
        rows, cols = getattr(ag, name)(row, k=offset, m=col)
        np.testing.assert_array_equal(rows.data, numpy_rows)
        np.testing.assert_array_equal(cols.data, numpy_cols)
    with pytest.raises(TypeError):
        ag.tril_indices(3, 1)  # ambiguous positional: k in numpy, col in PyTorch
    with pytest.raises(TypeError, match="not both"):
        ag.tril_indices(3, col=3, k=1)


def test_every_new_name_is_public_with_a_docstring():
    names = ["argmax", "argmin", "prod", "cumsum", "cumprod", "cummax", "cummin",
             "logcumsumexp", "sort", "argsort", "topk", "median", "any", "all",
             "count_nonzero", "norm", "square", "rsqrt", "reciprocal", "sign", "floor", "ceil",
             "round", "trunc", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh",
             "acosh", "atanh", "log2", "log10", "exp2", "expm1", "logaddexp", "erf", "erfc",
             "copysign", "lerp", "fmod", "remainder", "floor_divide", "isnan", "isinf",
             "isfinite", "isclose", "logical_and", "logical_or", "logical_not", "logical_xor",
             "nan_to_num", "full_like", "empty", "empty_like", "randint", "randn_like",
             "rand_like", "normal", "uniform", "tril_indices", "triu_indices"]
    for name in names:
        assert name in ag.__all__ and getattr(gg, name) is getattr(ag, name), name
        assert ">>> import graphgrad as gg" in getattr(ag, name).__doc__, name
    assert gradcheck(lambda t: t.tan().atan(), _leaf([0.2, -0.4]))


# ---------------------------------------------------------------- PyTorch's keywords
def test_new_reductions_take_pytorch_keywords_with_pytorch_meaning():
    values = np.array([[0.5, -2.0, 3.0], [1.5, 0.0, -1.0]])
    x, t = ag.tensor(values), torch.tensor(values)
    pairs = [("prod", "prod"), ("argmax", "argmax"), ("argmin", "argmin"), ("any", "any"),
             ("all", "all"), ("norm", "norm")]
    for ours, theirs in pairs:
        got = getattr(x, ours)(dim=1, keepdim=True).data
        np.testing.assert_allclose(got, getattr(t, theirs)(dim=1, keepdim=True).numpy(),
                                   rtol=1e-12, err_msg=ours)
        np.testing.assert_array_equal(got, getattr(ag, ours)(x, axis=1, keepdims=True).data)
    assert ag.count_nonzero(x, dim=0).tolist() == torch.count_nonzero(t, dim=0).tolist()
    for name in ("cumsum", "cumprod", "logcumsumexp"):
        np.testing.assert_allclose(getattr(x, name)(dim=1).data,
                                   getattr(t, name)(dim=1).numpy(), rtol=1e-12, err_msg=name)
    for name in ("cummax", "cummin"):
        ours, theirs = getattr(x, name)(dim=0), getattr(t, name)(dim=0)
        np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    np.testing.assert_array_equal(x.sort(dim=0).indices.data,
                                  t.sort(dim=0, stable=True).indices.numpy())
    np.testing.assert_array_equal(x.argsort(dim=0, descending=True).data,
                                  t.argsort(dim=0, descending=True, stable=True).numpy())
    np.testing.assert_array_equal(x.topk(1, dim=0).indices.data, t.topk(1, dim=0).indices)
    np.testing.assert_array_equal(x.median(dim=1).values.data, t.median(dim=1).values)
    assert ag.sort(x, axis=None).values.tolist() == sorted(values.ravel().tolist())
    with pytest.raises(TypeError, match="prod: got both axis=0"):
        ag.prod(x, axis=0, dim=1)
    with pytest.raises(TypeError, match="sort: got both axis=0"):
        ag.sort(x, axis=0, dim=1)
    with pytest.raises(TypeError, match="cumsum\\(\\) got an unexpected keyword argument 'dims'"):
        ag.cumsum(x, dims=1)
