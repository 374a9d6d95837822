"""Regression tests of issue 13 (no silent wrong gradient) and issue 21's zero-not-None.

Each test is one case that gave a wrong number, a NaN where PyTorch's value is
finite, or wrapped an axis, without any error. Values are checked against the
numbers PyTorch 2.13 gives (written out here, so the tests run without torch).
"""
import numpy as np
import pytest

import graphgrad.autograd as ag


def _t(values, requires_grad=True):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# ---------------------------------------------------------------- item 6: axes never wrap
@pytest.mark.parametrize("call", [
    lambda x: x.transpose(1, 2),
    lambda x: x.transpose(2, 0),
    lambda x: x.transpose((0, 2)),
    lambda x: x.transpose(0, 1, 2),
    lambda x: x.permute(2, 1),
    lambda x: x.permute(0, -3),
    lambda x: ag.permute(x, (1, 2)),
    lambda x: x.swapaxes(0, 2),
    lambda x: x.flatten(0, 2),
    lambda x: x.flatten(-3),
    lambda x: x.split(1, axis=2),
    lambda x: x.split(1, axis=-3),
], ids=["transpose(1,2)", "transpose(2,0)", "transpose((0,2))", "transpose(0,1,2)",
        "permute(2,1)", "permute(0,-3)", "ag.permute((1,2))", "swapaxes(0,2)",
        "flatten(0,2)", "flatten(-3)", "split(axis=2)", "split(axis=-3)"])
def test_axis_out_of_range_raises_never_wraps(call):
    with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
        call(ag.zeros((2, 3)))


def test_repeated_axis_in_a_permutation_raises():
    with pytest.raises(ValueError, match="repeated axis"):
        ag.zeros((2, 3)).permute(0, 0)


def test_transpose_with_two_integers_swaps_for_every_ndim():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(ag.tensor(x).transpose(0, 2).data, np.swapaxes(x, 0, 2))
    np.testing.assert_array_equal(ag.tensor(x).transpose(-1, 1).data, np.swapaxes(x, -1, 1))
    m = np.arange(6.0).reshape(2, 3)
    # 2-D: transpose(0, 1) swaps (PyTorch), where numpy's transpose(0, 1) is the identity
    np.testing.assert_array_equal(ag.tensor(m).transpose(0, 1).data, m.T)
    np.testing.assert_array_equal(ag.tensor(m).transpose(1, 0).data, m.T)
    # a tuple is numpy's permutation: (0, 1) keeps the order
    np.testing.assert_array_equal(ag.tensor(m).transpose((0, 1)).data, m)
    np.testing.assert_array_equal(ag.tensor(x).transpose(2, 0, 1).data, x.transpose(2, 0, 1))
    np.testing.assert_array_equal(ag.tensor(x).transpose().data, x.T)
    np.testing.assert_array_equal(ag.tensor(x).T.data, x.T)
    # and the gradient goes back through the swap
    leaf = _t(m)
    (leaf.transpose(0, 1) * ag.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(leaf.grad.data, np.arange(6.0).reshape(3, 2).T)


# ---------------------------------------------------------------- item 4: masks select
MASKED = {
    "relu_sqrt": (lambda x: x.relu().sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "relu_log": (lambda x: x.relu().log(), [-1.0, 4.0], [0.0, 0.25]),
    "clip_sqrt": (lambda x: x.clip(0.0, None).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "where_sqrt": (lambda x: ag.where(x > 0, x, 0.0).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "where_other_branch": (lambda x: ag.where(x < 0, 0.0, x).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "maximum_sqrt": (lambda x: ag.maximum(x, 0.0).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "minimum_sqrt": (lambda x: (-ag.minimum(-x, 0.0)).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    "max_sqrt": (lambda x: x.max(axis=0).sqrt(), [[0.0, -1.0], [-2.0, 4.0]],
                 [[np.inf, 0.0], [0.0, 0.25]]),
    "max_pool2d_sqrt": (lambda x: ag.max_pool2d(x.reshape(1, 1, 1, 4), (1, 2)).sqrt(),
                        [-1.0, 0.0, 4.0, 1.0], [0.0, np.inf, 0.25, 0.0]),
}


@pytest.mark.parametrize("case", MASKED.values(), ids=MASKED.keys())
def test_masked_gradient_of_an_infinite_gradient_is_zero_not_nan(case):
    fn, at, expected = case
    x = _t(at)
    with np.errstate(divide="ignore"):  # sqrt'(0) and log'(0) are infinite: no warning
        fn(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, expected)


def test_masked_gradient_under_create_graph_is_zero_not_nan():
    x = _t([-1.0, 4.0])
    with np.errstate(divide="ignore"):
        (g,) = ag.grad(x.relu().sqrt().sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [0.0, 0.25])


def test_scalar_relu_of_an_infinite_gradient_is_zero_not_nan():
    a = ag.Scalar(-1.0)
    (a.relu() ** 0.5).backward()
    assert a.grad == 0.0


# ---------------------------------------------------------------- issue 21: zero, not None
@pytest.mark.parametrize("op", [
    lambda z: z.relu(),
    lambda z: z.abs(),
    lambda z: z.leaky_relu(0.1),
    lambda z: ag.max_pool2d(z.reshape(1, 1, 1, 3), (1, 2), stride=1),
], ids=["relu", "abs", "leaky_relu", "max_pool2d"])
def test_double_backward_gives_zero_not_none_to_a_parameter_behind_a_mask(op):
    # b reaches d(out)/dx only through a piecewise-constant factor: PyTorch gives it 0
    x, b = _t([0.3, -0.7, 1.2]), _t(0.1)
    (gx,) = ag.grad(op(x + b).sum(), x, create_graph=True)
    gx.sum().backward()
    assert b.grad is not None
    assert b.grad.data == 0.0


CONNECTIVITY_OPS = {  # graphgrad's spelling; the torch one is in the test
    "relu": lambda z: z.relu(),
    "abs": lambda z: z.abs(),
    "leaky_relu": lambda z: z.leaky_relu(0.1),
    "clip": lambda z: z.clip(-0.5, 0.5),
    "where": lambda z: ag.where(z > 0, z, 2 * z),
    "maximum": lambda z: ag.maximum(z, ag.zeros(3, dtype=np.float64)),
    "max": lambda z: z.max(),
    "max_pool2d": lambda z: ag.max_pool2d(z.reshape(1, 1, 1, 3), (1, 2), stride=1),
}


@pytest.mark.parametrize("name", CONNECTIVITY_OPS)
def test_double_backward_zero_or_unconnected_as_pytorch(name):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    torch_ops = {
        "relu": lambda z: z.relu(), "abs": lambda z: z.abs(),
        "leaky_relu": lambda z: tf.leaky_relu(z, 0.1), "clip": lambda z: z.clamp(-0.5, 0.5),
        "where": lambda z: torch.where(z > 0, z, 2 * z),
        "maximum": lambda z: torch.maximum(z, torch.zeros(3, dtype=torch.float64)),
        "max": lambda z: z.max(),
        "max_pool2d": lambda z: tf.max_pool2d(z.reshape(1, 1, 1, 3), (1, 2), stride=1),
    }
    x, b = _t([0.3, -0.7, 1.2]), _t(0.1)
    (gx,) = ag.grad(CONNECTIVITY_OPS[name](x + b).sum(), x, create_graph=True)
    tx = torch.tensor([0.3, -0.7, 1.2], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    (tgx,) = torch.autograd.grad(torch_ops[name](tx + tb).sum(), tx, create_graph=True)
    np.testing.assert_array_equal(gx.data, tgx.detach().numpy())
    assert gx.requires_grad == tgx.requires_grad
    if tgx.requires_grad:
        (gb,) = ag.grad(gx.sum(), b, allow_unused=True)
        (tgb,) = torch.autograd.grad(tgx.sum(), tb, allow_unused=True)
        assert (gb is None) == (tgb is None)
        if tgb is not None:
            assert gb.data == tgb.item()


def test_adam_after_double_backward_through_relu_matches_pytorch():
    torch = pytest.importorskip("torch")
    from graphgrad import nn

    def run(lib, tensor, grad, adam):
        w = tensor([0.5, -1.5], requires_grad=True)
        b = tensor(0.2, requires_grad=True)
        x = tensor([1.0, 2.0], requires_grad=True)
        opt = adam([w, b], lr=0.1)
        for step in range(3):
            opt.zero_grad()
            y = (x * w + b).relu().sum()
            if step == 0:
                y.backward()                  # b gets a gradient: Adam has state for it
            else:                             # then b reaches the loss only through relu's mask
                (gx,) = grad(y, x, create_graph=True)
                (gx * gx).sum().backward()
            opt.step()
        return float(w.detach().numpy()[0]), float(b.detach().numpy())

    ours = run(ag, lambda v, requires_grad: ag.tensor(np.asarray(v, dtype=np.float64),
                                                      requires_grad=requires_grad),
               ag.grad, nn.optim.Adam)
    theirs = run(torch, lambda v, requires_grad: torch.tensor(v, dtype=torch.float64,
                                                              requires_grad=requires_grad),
                 torch.autograd.grad, torch.optim.Adam)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ---------------------------------------------------------------- item 5: finite, not NaN
def test_std_of_a_constant_column_has_a_finite_gradient():
    x = _t([[1.0, 2.0], [1.0, 3.0]])
    (x / (x.std(axis=0, ddof=1) + 1e-5)).sum().backward()
    # PyTorch 2.13: [[1e5, 8.48506138], [1e5, -5.65667425]]
    np.testing.assert_allclose(x.grad.data, [[1e5, 8.48506138], [1e5, -5.65667425]],
                               rtol=1e-8)
    y = _t([2.0, 2.0, 2.0])
    (g,) = ag.grad(y.std(ddof=0), y, create_graph=True)
    np.testing.assert_array_equal(g.data, [0.0, 0.0, 0.0])
    g.sum().backward()  # and the second derivative is finite too
    assert np.isfinite(y.grad.data).all()


@pytest.mark.parametrize("fn, at, expected", [
    (lambda x: x ** 0, ([0.0, 2.0],), [[0.0, 0.0]]),
    (lambda x: x ** 0.0, ([0.0],), [[0.0]]),
    (lambda x, y: x ** y, ([0.0], [0.0]), [[0.0], [0.0]]),
    (lambda x, y: x ** y, ([0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]),
     [[-np.inf, np.inf, 0.0], [-np.inf, 0.0, 0.0]]),
    (lambda y: 0.0 ** y, ([1.0, -1.0, 0.0],), [[0.0, -np.inf, 0.0]]),
], ids=["x**0 at 0", "x**0.0 at 0", "x**y at (0,0)", "0**y", "number 0**y"])
def test_pow_at_zero_gives_pytorchs_values(fn, at, expected):
    leaves = [_t(v) for v in at]
    with np.errstate(divide="ignore"):
        fn(*leaves).sum().backward()
    for leaf, want in zip(leaves, expected):
        np.testing.assert_array_equal(leaf.grad.data, want)


def test_scalar_pow_at_zero_gives_pytorchs_values():
    a, b = ag.Scalar(0.0), ag.Scalar(0.0)
    (a ** b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)
    c = ag.Scalar(0.0)
    (c ** 0).backward()
    assert c.grad == 0.0


@pytest.mark.parametrize("kwargs", [{}, {"label_smoothing": 0.1}, {"weight": [1.0, 2.0]}],
                         ids=["plain", "label_smoothing", "weight"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_loss_with_every_target_ignored_is_nan_with_zero_gradient(loss, kwargs):
    from graphgrad.nn import functional as F

    if loss == "nll_loss" and "label_smoothing" in kwargs:
        pytest.skip("nll_loss has no label_smoothing")
    kwargs = {k: np.asarray(v) if k == "weight" else v for k, v in kwargs.items()}
    z = _t([[1.0, 2.0], [3.0, 4.0]])
    out = getattr(F, loss)(z, np.array([-100, -100]), **kwargs)
    assert np.isnan(out.item())  # the mean of nothing, as PyTorch's
    out.backward()
    np.testing.assert_array_equal(z.grad.data, np.zeros((2, 2)))  # as PyTorch's: no NaN step


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_loss_with_zero_total_weight_does_not_poison_a_step(loss):
    from graphgrad import nn
    from graphgrad.nn import functional as F

    layer = nn.Linear(2, 2)
    before = [p.data.copy() for p in layer.parameters()]
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    logits = layer(ag.tensor([[1.0, 2.0], [3.0, 4.0]]))
    scores = logits if loss == "cross_entropy" else logits.log_softmax(axis=1)
    getattr(F, loss)(scores, np.array([0, 0]), weight=np.array([0.0, 1.0])).backward()
    opt.step()
    for p, old in zip(layer.parameters(), before):
        np.testing.assert_array_equal(p.data, old)


# ---------------------------------------------------------------- item 8: other silent cases
def test_requires_grad_off_after_forward_leaves_grad_unset():
    w, v = _t([1.0, 2.0]), _t([3.0, 4.0])
    loss = (w * v).sum()
    w.requires_grad_(False)  # frozen between forward and backward, as PyTorch allows
    loss.backward()
    assert w.grad is None
    np.testing.assert_array_equal(v.grad.data, [1.0, 2.0])


def test_frozen_parameter_is_not_updated_by_an_optimizer():
    from graphgrad import nn

    layer = nn.Linear(2, 1)
    frozen = layer.weight.data.copy()
    loss = layer(ag.tensor([[1.0, 2.0]])).sum()
    layer.weight.requires_grad_(False)
    loss.backward()
    nn.optim.SGD(layer.parameters(), lr=0.1).step()
    np.testing.assert_array_equal(layer.weight.data, frozen)
    assert layer.bias.grad is not None


@pytest.mark.parametrize("call", [
    lambda x, t: x.leaky_relu(t),
    lambda x, t: ag.leaky_relu(x, negative_slope=t),
    lambda x, t: x.pad(((1, 1),), t),
    lambda x, t: ag.pad(x, 1, value=t),
], ids=["leaky_relu method", "leaky_relu", "pad method", "pad"])
def test_tensor_as_a_constant_argument_is_refused(call):
    x, t = _t([-1.0, 2.0]), _t(0.1)
    with pytest.raises(ag.DtypeError, match=r"(negative_slope|value) must be a number, got Tensor"):
        call(x, t)


def test_number_constant_arguments_still_work():
    x = _t([-1.0, 2.0])
    np.testing.assert_allclose(x.leaky_relu(np.float64(0.5)).data, [-0.5, 2.0])
    np.testing.assert_array_equal(x.pad(((1, 0),), 7).data, [7.0, -1.0, 2.0])


def test_pow_base_below_zero_gives_nan_for_the_exponent_in_tensor_and_scalar():
    # PyTorch 2.13: d(x ** y)/dy at x = -2, y = 2 is NaN (log of a negative number)
    x, y = _t([-2.0]), _t([2.0])
    (x ** y).sum().backward()
    assert np.isnan(y.grad.data[0]) and x.grad.data[0] == -4.0
    a, b = ag.Scalar(-2.0), ag.Scalar(2.0)
    (a ** b).backward()
    assert np.isnan(b.grad) and a.grad == -4.0


# ---------------------------------------------------------------- found by the differential test
def test_inplace_write_of_a_value_computed_from_itself_raises_not_none():
    # a += b with b made from a: a's new node is an input of its own history, a cycle that
    # backward used to stop at silently, leaving x.grad None (PyTorch: a value)
    x = _t(1.0)
    a = x.abs()
    b = a.tanh().exp()
    a += b
    with pytest.raises(ag.InplaceModificationError, match="tanh"):
        (b * 2.0).sum().backward()
    assert x.grad is None
