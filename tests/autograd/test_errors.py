"""The errors of issue 2: their type, a message naming the op, the shapes and the fix,
and that nothing (data, grad, graph) changed when they were raised."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad.autograd import (
    DtypeError,
    GradientError,
    GraphFreedError,
    InplaceModificationError,
    ShapeError,
)


def leaf(value):
    return ag.tensor(np.asarray(value, dtype=np.float64), requires_grad=True)


def snapshot(*tensors):
    """Everything an error must leave alone: data, grad, graph node, version, flag."""
    return [(t.data.copy(), None if t.grad is None else t.grad.data.copy(), t.grad_fn,
             t._version, t.requires_grad) for t in tensors]


def assert_unchanged(before, *tensors):
    for (data, grad, grad_fn, version, requires_grad), t in zip(before, tensors):
        np.testing.assert_array_equal(t.data, data)
        if grad is None:
            assert t.grad is None
        else:
            np.testing.assert_array_equal(t.grad.data, grad)
        assert t.grad_fn is grad_fn and t._version == version
        assert t.requires_grad == requires_grad


# ---------------------------------------------------------------- backward misuse
def test_backward_on_non_scalar_needs_gradient():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * x
    before = snapshot(x, y)
    with pytest.raises(GradientError) as info:
        y.backward()
    message = str(info.value)
    assert "backward" in message and "(2, 2)" in message
    assert "gradient=" in message and "sum()" in message
    assert_unchanged(before, x, y)
    y.backward(gradient=np.ones((2, 2)))  # the graph was not freed by the failed call
    np.testing.assert_array_equal(x.grad.data, 2.0 * x.data)


def test_backward_with_gradient_of_wrong_shape():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2.0
    before = snapshot(x, y)
    with pytest.raises(ShapeError, match=r"\(3,\).*\(2,\)"):
        y.backward(gradient=np.ones(2))
    assert_unchanged(before, x, y)


def test_second_backward_through_freed_graph():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    before = snapshot(x, y)
    with pytest.raises(GraphFreedError) as info:
        y.backward()
    message = str(info.value)
    assert "retain_graph=True" in message and "second time" in message
    assert_unchanged(before, x, y)  # the first backward's gradient is not touched
    assert isinstance(info.value, GradientError)


# ---------------------------------------------------------------- dtypes
@pytest.mark.parametrize("make", [
    lambda: ag.tensor([1, 2], requires_grad=True),
    lambda: ag.Tensor(np.array([1, 2]), requires_grad=True),
    lambda: ag.tensor([True, False], requires_grad=True),
    lambda: ag.zeros(3, dtype=np.int32, requires_grad=True),
])
def test_integer_or_bool_tensor_cannot_require_grad(make):
    with pytest.raises(DtypeError) as info:
        make()
    message = str(info.value)
    assert "floating-point" in message and "dtype" in message
    assert "float32" in message  # the fix: say which dtype to use
    assert isinstance(info.value, TypeError)


def test_requires_grad_on_existing_int_tensor_leaves_it_unchanged():
    t = ag.tensor([1, 2, 3])
    before = snapshot(t)
    with pytest.raises(DtypeError, match="int64"):
        t.requires_grad_()
    assert_unchanged(before, t)


# ---------------------------------------------------------------- shapes
@pytest.mark.parametrize("op, a_shape, b_shape, fn, words", [
    ("matmul", (3, 4), (5, 2), lambda a, b: a @ b, ["not aligned", "4 != 5"]),
    ("matmul", (2, 3, 4), (3, 5, 6), ag.matmul, ["4 != 5"]),
    ("add", (2, 3), (4,), lambda a, b: a + b, ["broadcast"]),
    ("mul", (2, 3), (4,), lambda a, b: a * b, ["broadcast"]),
    ("sub", (5, 1, 2), (3, 3), lambda a, b: a - b, ["broadcast"]),
])
def test_binary_shape_mismatch_names_op_and_both_shapes(op, a_shape, b_shape, fn, words):
    a, b = leaf(np.ones(a_shape)), leaf(np.ones(b_shape))
    before = snapshot(a, b)
    with pytest.raises(ShapeError) as info:
        fn(a, b)
    message = str(info.value)
    assert message.startswith(f"{op}:")
    assert str(a_shape) in message and str(b_shape) in message
    for word in words:
        assert word in message
    assert isinstance(info.value, ValueError)
    assert_unchanged(before, a, b)


def test_reshape_mismatch_names_both_shapes_and_the_fix():
    x = leaf(np.ones((2, 3)))
    before = snapshot(x)
    with pytest.raises(ShapeError) as info:
        x.reshape(4, 2)
    message = str(info.value)
    assert message.startswith("reshape:") and "(2, 3)" in message and "(4, 2)" in message
    assert "same number of elements" in message
    assert_unchanged(before, x)


# ---------------------------------------------------------------- in-place modification
def test_inplace_change_of_saved_input_is_caught_at_backward():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    out = (h * h).sum()     # mul saves h
    with ag.no_grad():
        h += 1.0
    before = snapshot(x, h, out)
    with pytest.raises(InplaceModificationError) as info:
        out.backward()
    message = str(info.value)
    assert message.startswith("mul:") and "modified in place" in message
    assert "(2,)" in message and "out-of-place" in message and "clone" in message
    assert_unchanged(before, x, h, out)


def test_recorded_inplace_change_of_saved_input_is_caught():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    out = h.sin().sum()     # sin saves h
    h *= 3.0                # recorded in grad mode, but sin needs the old h
    with pytest.raises(InplaceModificationError, match=r"^sin: .*version 0 -> 1"):
        out.backward()
    assert x.grad is None


def test_inplace_change_of_saved_output_is_caught():
    x = leaf([0.5, 1.0])
    y = x.exp()             # exp saves its output; y is the root, so exp checks first
    with ag.no_grad():
        y *= 2.0
    with pytest.raises(InplaceModificationError, match=r"^exp: its output was modified"):
        y.backward(gradient=np.ones(2))
    assert x.grad is None


def test_inplace_on_leaf_requiring_grad_in_grad_mode():
    x = leaf([1.0, 2.0])
    before = snapshot(x)
    for modify in (lambda t: t.__iadd__(1.0), lambda t: t.__imul__(2.0), lambda t: t.zero_()):
        with pytest.raises(GradientError) as info:
            modify(x)
        assert "no_grad()" in str(info.value)
        assert_unchanged(before, x)
    with pytest.raises(GradientError, match=r"^add: a leaf tensor .*\(x = x \+ y\)"):
        x += 1.0
    with pytest.raises(GradientError, match="setitem"):
        x[0] = 5.0
    assert_unchanged(before, x)


# ---------------------------------------------------------------- conversion
def test_item_on_multi_element_tensor():
    t = leaf([[1.0, 2.0, 3.0]])
    before = snapshot(t)
    with pytest.raises(ValueError) as info:
        t.item()
    message = str(info.value)
    assert message.startswith("item:") and "3 elements" in message and "(1, 3)" in message
    assert "index or reduce" in message
    assert_unchanged(before, t)
    assert leaf([[4.0]]).item() == 4.0


# ---------------------------------------------------------------- Tensor and Scalar
@pytest.mark.parametrize("fn, op", [(lambda t, s: t + s, "add"), (lambda t, s: s * t, "mul"),
                                    (lambda t, s: t - s, "sub"), (lambda t, s: s / t, "div")])
def test_mixing_tensor_and_scalar_is_refused(fn, op):
    t, s = leaf([1.0, 2.0]), ag.Scalar(3.0)
    before = snapshot(t)
    with pytest.raises(TypeError) as info:
        fn(t, s)
    message = str(info.value)
    assert message.startswith(f"{op}:") and "Tensor" in message and "Scalar" in message
    assert "convert" in message
    assert_unchanged(before, t)
    assert s.data == 3.0 and s.grad == 0.0
