"""Tensor itself: construction dtype rules, attributes, conversions, comparisons,
in-place operators and the creation functions."""
import numpy as np
import pytest
from hypothesis import given

import graphgrad.autograd as ag
from graphgrad.autograd import DtypeError
from graphgrad.autograd.testing import gradcheck
from graphgrad.autograd.testing import strategies as gst


# ---------------------------------------------------------------- construction
@pytest.mark.parametrize("make, dtype", [
    (lambda: ag.Tensor([1, 2]), np.float32),            # as torch.Tensor
    (lambda: ag.Tensor(3), np.float32),
    (lambda: ag.Tensor([1.5, 2.0]), np.float32),
    (lambda: ag.tensor([1, 2]), np.int64),              # as torch.tensor
    (lambda: ag.tensor(1.5), np.float32),
    (lambda: ag.tensor([True, False]), np.bool_),
    (lambda: ag.Tensor(np.array([1.0, 2.0])), np.float64),   # numpy keeps its dtype
    (lambda: ag.tensor(np.array([1.0, 2.0])), np.float64),
    (lambda: ag.tensor(np.float64(2.0)), np.float64),
    (lambda: ag.Tensor(np.array([1, 2], dtype=np.int32)), np.int32),
    (lambda: ag.tensor([1, 2], dtype=np.float64), np.float64),
    (lambda: ag.Tensor([1.0], dtype=np.float16), np.float16),
    (lambda: ag.tensor(ag.tensor(np.ones(2))), np.float64),
])
def test_construction_dtype_rules(make, dtype):
    assert make().dtype == dtype


@pytest.mark.parametrize("data", [np.array(["a", "b"]), ["a", "b"],
                                  np.array([object(), 1], dtype=object), [[1.0, 2.0], [3.0]],
                                  {"a": 1}, np.array([1 + 2j])])
@pytest.mark.parametrize("make", [ag.Tensor, ag.tensor])
def test_construction_refuses_non_numbers(make, data):
    with pytest.raises(DtypeError) as info:
        make(data)
    assert str(info.value).startswith(f"{make.__name__}:")


def test_tensor_copies_but_tensor_class_may_share():
    array = np.array([1.0, 2.0])
    copied = ag.tensor(array)
    copied.data[0] = 9.0
    assert array[0] == 1.0
    assert ag.Tensor(array).data is array  # Tensor(ndarray) wraps without copying


# ---------------------------------------------------------------- attributes
def test_attributes():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
    assert x.dtype == np.float64 and x.is_leaf and x.grad is None and x.grad_fn is None
    assert x.T.shape == (3, 2) and x.T.grad_fn is not None
    y = x * 2.0
    assert not y.is_leaf and y.requires_grad and y.grad_fn is not None
    assert "grad_fn=<Mul>" in repr(y) and "requires_grad=True" in repr(x)
    with pytest.raises(TypeError):
        len(ag.tensor(1.0))


def test_conversions():
    x = ag.tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    assert x.numpy() is x.data
    assert x.tolist() == [[1.0, 2.0]]
    assert ag.tensor(np.array([[2.5]])).item() == 2.5
    assert isinstance(ag.tensor([3]).item(), int)
    assert float(ag.tensor(1.5)) == 1.5 and int(ag.tensor(4)) == 4
    np.testing.assert_array_equal(np.asarray(x), x.data)


def test_detach_shares_data_and_leaves_the_graph():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert d.data is y.data and d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert (d * 3.0).grad_fn is None


def test_requires_grad_():
    x = ag.tensor(np.array([1.0]))
    assert x.requires_grad_() is x and x.requires_grad
    assert (x * 2.0).grad_fn is not None
    x.requires_grad_(False)
    assert not x.requires_grad
    with pytest.raises(ag.GradientError, match="detach"):
        (ag.tensor(1.0, requires_grad=True) * 2.0).requires_grad_(False)


def test_zero_():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with ag.no_grad():
        assert x.zero_() is x
    np.testing.assert_array_equal(x.data, [0.0, 0.0])
    assert x._version == 1 and x.requires_grad


def test_astype():
    x = ag.tensor(np.array([1.5, -2.5]), requires_grad=True)
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    i = x.astype(np.int64)  # not differentiable: a constant
    assert i.dtype == np.int64 and i.grad_fn is None and not i.requires_grad
    np.testing.assert_array_equal(i.data, [1, -2])


# ---------------------------------------------------------------- comparisons
@pytest.mark.parametrize("compare, expected", [
    (lambda a, b: a < b, [True, False, False]),
    (lambda a, b: a <= b, [True, True, False]),
    (lambda a, b: a > b, [False, False, True]),
    (lambda a, b: a >= b, [False, True, True]),
    (lambda a, b: a == b, [False, True, False]),
    (lambda a, b: a != b, [True, False, True]),
])
def test_comparisons_give_bool_tensors_without_grad(compare, expected):
    a = ag.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = ag.tensor(np.array([2.0, 2.0, 2.0]), requires_grad=True)
    for result in (compare(a, b), compare(a, 2.0), compare(a, b.data)):
        assert isinstance(result, ag.Tensor) and result.dtype == np.bool_
        assert result.grad_fn is None and not result.requires_grad
        np.testing.assert_array_equal(result.data, expected)


# ---------------------------------------------------------------- in place
@pytest.mark.parametrize("name, value", [("__iadd__", 2.0), ("__isub__", 2.0),
                                         ("__imul__", 2.0), ("__itruediv__", 2.0)])
def test_inplace_under_no_grad_mutates_and_bumps_version(name, value):
    x = ag.tensor(np.array([1.0, 4.0]), requires_grad=True)
    x.grad = ag.tensor(np.array([5.0, 5.0]))
    expected = getattr(x.data.copy(), name)(value)
    with ag.no_grad():
        result = getattr(x, name)(value)
    assert result is x
    np.testing.assert_array_equal(x.data, expected)
    assert x._version == 1 and x.is_leaf and x.requires_grad
    np.testing.assert_array_equal(x.grad.data, [5.0, 5.0])


def test_inplace_statements_keep_the_object():
    x = ag.tensor(np.array([1.0, 4.0]))
    alias = x
    x += 1.0
    x -= ag.tensor(np.array([0.5, 0.5]))
    x *= 4.0
    x /= 2.0
    assert alias is x and x._version == 4
    np.testing.assert_array_equal(x.data, [3.0, 9.0])


def test_inplace_refuses_a_result_that_does_not_fit():
    x = ag.tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match="int64"):
        x += 1.5
    with pytest.raises(ag.ShapeError, match=r"\(2,\)"):
        x += ag.tensor(np.ones((3, 2), dtype=np.int64))
    np.testing.assert_array_equal(x.data, [1, 2])
    assert x._version == 0


@given(gst.broadcastable_shapes(2, max_dims=2, max_side=3).flatmap(
    lambda shapes: gst.tensors(shape=shapes[0]).flatmap(
        lambda x: gst.tensors(shape=np.broadcast_shapes(*shapes), exclude_zero=0.5).map(
            lambda y: (x, y)))))
def test_inplace_in_grad_mode_on_non_leaf_is_recorded(pair):
    x, y = pair

    def chain(a, b):
        h = b * 1.0           # a non-leaf with the broadcast shape
        h += a
        h *= a
        h -= b
        h /= b
        return h

    assert gradcheck(chain, (x, y))
    h = y * 1.0
    version = h._version
    h += x
    assert h.grad_fn is not None and h._version == version + 1


# ---------------------------------------------------------------- creation
@pytest.mark.parametrize("make, shape, value", [
    (lambda: ag.zeros(2, 3), (2, 3), 0.0),
    (lambda: ag.zeros((2, 3)), (2, 3), 0.0),
    (lambda: ag.ones(4), (4,), 1.0),
    (lambda: ag.ones((1, 2)), (1, 2), 1.0),
    (lambda: ag.full((2, 2), 7.5), (2, 2), 7.5),
    (lambda: ag.full(3, -1.0), (3,), -1.0),
    (lambda: ag.zeros_like(ag.ones(2, 5)), (2, 5), 0.0),
    (lambda: ag.ones_like(np.zeros((3,), dtype=np.float32)), (3,), 1.0),
])
def test_constant_creation(make, shape, value):
    t = make()
    assert t.shape == shape and t.dtype == np.float32 and t.is_leaf
    assert not t.requires_grad
    assert np.all(t.data == value)


@pytest.mark.parametrize("fill, dtype", [
    (True, np.bool_), (7, np.int64), (np.int32(3), np.int64), (7.5, np.float32),
    (np.float64(2.0), np.float32)])
def test_full_infers_dtype_from_the_fill_value_as_numpy_and_torch(fill, dtype):
    assert ag.full((2,), fill).dtype == dtype
    np.testing.assert_array_equal(ag.full((2,), fill).data, [fill, fill])
    torch = pytest.importorskip("torch")
    assert str(torch.full((2,), fill).dtype) == "torch." + np.dtype(dtype).name


def test_creation_dtypes_and_requires_grad():
    assert ag.zeros(2, dtype=np.float64).dtype == np.float64
    assert ag.zeros_like(ag.tensor(np.ones(2))).dtype == np.float64
    assert ag.ones_like(ag.tensor([1, 2])).dtype == np.int64
    t = ag.ones(3, requires_grad=True)
    (t * 2.0).sum().backward()
    np.testing.assert_array_equal(t.grad.data, [2.0, 2.0, 2.0])
    with pytest.raises(DtypeError):
        ag.arange(3, requires_grad=True)


def test_eye_arange_linspace():
    np.testing.assert_array_equal(ag.eye(3).data, np.eye(3))
    assert ag.eye(2, 3).shape == (2, 3) and ag.eye(2).dtype == np.float32
    assert ag.arange(5).dtype == np.int64 and ag.arange(5).tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(ag.arange(1.0, 2.0, 0.25).data, [1.0, 1.25, 1.5, 1.75])
    lin = ag.linspace(0.0, 1.0, 5)
    assert lin.dtype == np.float32
    np.testing.assert_allclose(lin.data, [0.0, 0.25, 0.5, 0.75, 1.0])


def test_random_creation_and_manual_seed():
    ag.manual_seed(1234)
    first = (ag.rand(3, 4).data, ag.randn(2, 2).data)
    ag.manual_seed(1234)
    second = (ag.rand(3, 4).data, ag.randn((2, 2)).data)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.float32
    assert first[0].shape == (3, 4) and np.all((first[0] >= 0) & (first[0] < 1))
    assert not np.array_equal(ag.rand(3, 4).data, first[0])  # the stream moves on
    ag.manual_seed(99)
    assert not np.array_equal(ag.rand(3, 4).data, first[0])
    big = ag.randn(10_000, dtype=np.float64).data
    assert big.dtype == np.float64 and abs(big.mean()) < 0.05 and abs(big.std() - 1) < 0.05


@pytest.mark.parametrize("number, dtype", [
    (2.5, np.float32), (2, np.float32), (True, np.float32),  # Python numbers are weak
    (np.float64(2.5), np.float64), (np.float32(2.5), np.float32),  # numpy scalars: 0-d arrays
    (np.int64(2), np.float32), (np.bool_(True), np.float32)])  # float with int keeps float
def test_numbers_and_numpy_scalars_promote_as_the_readme_says(number, dtype):
    x = ag.ones(2)
    for result in (x * number, number * x, x + number):
        assert result.dtype == dtype
