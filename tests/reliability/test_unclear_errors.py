"""Inputs that used to fail with a bare numpy/builtin error (issue 17, item 6).

Each now gets PyTorch's result where PyTorch has one (softmax over an empty
axis, ``squeeze(0)`` of a 0-d tensor, integer max pooling with padding,
several outputs in ``jvp``/``vjp``, the 0-"norm" of ``clip_grad_norm_``),
inf where floats overflow (``Scalar ** y``), or the library's own error
naming the layer and shape (an LSTM on a length-0 sequence).
"""
import math

import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad import nn
from graphgrad.autograd.errors import ShapeError
from graphgrad.autograd.functional import jvp, vjp


@pytest.mark.parametrize("base, exponent, expected", [
    (1e200, 2, math.inf), (-1e200, 3, -math.inf), (-1e200, 2, math.inf),
    (10.0, 400.5, math.inf), (1e-200, -2, math.inf), (2.0, 10, 1024.0)])
def test_scalar_pow_overflows_to_inf_like_multiplication(base, exponent, expected):
    x = ag.Scalar(base)
    out = x ** exponent
    assert out.data == expected
    with np.errstate(over="ignore"):
        assert out.data == float(np.power(np.float64(base), np.float64(exponent)))


def test_scalar_pow_overflowing_gradient_is_inf_not_an_error():
    x = ag.Scalar(1e200)
    (x ** 3).backward()
    assert x.grad == math.inf  # 3 * x ** 2 overflows, as 3 * x * x does
    y = ag.Scalar(3.0)
    (ag.Scalar(1e200) ** y).backward()
    assert y.grad == math.inf


@pytest.mark.parametrize("dim", [0, -1])
def test_squeeze_of_0d_tensor_returns_it_as_pytorch(dim):
    x = ag.tensor(2.5, requires_grad=True)
    out = x.squeeze(dim)
    assert out.shape == () and out.item() == 2.5
    out.backward()
    assert x.grad.item() == 1.0
    with pytest.raises(np.exceptions.AxisError, match="squeeze"):
        x.squeeze(1)


@pytest.mark.parametrize("shape, axis", [((3, 0), 1), ((0, 3), 0), ((2, 0, 4), 1)])
@pytest.mark.parametrize("op", [ag.softmax, ag.log_softmax])
def test_softmax_over_empty_axis_is_empty_as_pytorch(op, shape, axis):
    x = ag.tensor(np.zeros(shape), requires_grad=True)
    out = op(x, dim=axis)
    assert out.shape == shape
    out.sum().backward()
    assert x.grad.shape == shape


def test_max_pool2d_of_integers_pads_with_the_dtype_minimum():
    torch = pytest.importorskip("torch")
    data = np.arange(-8, 17, dtype=np.int64).reshape(1, 1, 5, 5)
    for padding in (1, (1, 0)):
        ours = nn.functional.max_pool2d(ag.tensor(data), 2, padding=padding)
        theirs = torch.nn.functional.max_pool2d(torch.tensor(data), 2, padding=padding)
        assert ours.dtype == np.int64
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    negative = ag.tensor(-np.ones((1, 1, 2, 2), dtype=np.int32))
    np.testing.assert_array_equal(
        nn.functional.max_pool2d(negative, 2, padding=1).data, -np.ones((1, 1, 2, 2)))


@pytest.mark.parametrize("layer", [nn.LSTM(3, 4), nn.GRU(3, 4), nn.RNN(3, 4),
                                   nn.LSTM(3, 4, batch_first=True)])
@pytest.mark.parametrize("unbatched", [False, True])
def test_recurrent_layer_refuses_a_length_0_sequence_clearly(layer, unbatched):
    shape = (0, 3) if unbatched else ((2, 0, 3) if layer.batch_first else (0, 2, 3))
    with pytest.raises(ShapeError, match=rf"{type(layer).__name__}: input of shape "
                                         rf"\({', '.join(map(str, shape))}\).*length of 0"):
        layer(ag.tensor(np.zeros(shape, dtype=np.float32)))


def test_clip_grad_norm_order_0_counts_nonzero_gradients_as_pytorch():
    torch = pytest.importorskip("torch")
    grads = [np.array([0.0, 3.0, -4.0]), np.array([[0.5, 0.0], [0.0, 0.0]]), np.zeros(2)]
    ours = [ag.tensor(np.ones_like(g), requires_grad=True) for g in grads]
    theirs = [torch.nn.Parameter(torch.ones(g.shape, dtype=torch.float64)) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad = ag.tensor(g.copy())
        q.grad = torch.tensor(g.copy())
    total = nn.utils.clip_grad_norm_(ours, 1.5, norm_type=0)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type=0)
    assert total.item() == expected.item() == 2.0  # two gradients have a non-zero entry
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12)


def _two_outputs(x, y):
    return (x * y).sin(), (x ** 2).sum() + y.exp().sum(), x * 1.0


def test_vjp_and_jvp_with_several_outputs_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=3), rng.normal(size=3)]
    us = [rng.normal(size=3), rng.normal(size=()), rng.normal(size=3)]
    vs = [rng.normal(size=3), rng.normal(size=3)]

    def ours(values):
        return tuple(ag.tensor(v, dtype=np.float64) for v in values)

    def theirs(values):
        return tuple(torch.tensor(v) for v in values)

    outs, got = vjp(_two_outputs, ours(xs), ours(us))
    t_outs, want = torch.autograd.functional.vjp(_two_outputs, theirs(xs), theirs(us))
    assert isinstance(outs, tuple) and len(outs) == 3 and isinstance(got, tuple)
    for a, b in zip(outs + got, t_outs + want):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)
    outs, got = jvp(_two_outputs, ours(xs), ours(vs))
    t_outs, want = torch.autograd.functional.jvp(_two_outputs, theirs(xs), theirs(vs))
    assert isinstance(got, tuple) and len(got) == 3
    for a, b in zip(outs + got, t_outs + want):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)


def test_several_outputs_with_an_output_independent_of_the_inputs():
    x = ag.tensor([1.0, 2.0], dtype=np.float64)
    outs, got = jvp(lambda x: (x * 3, ag.tensor([7.0])), x, ag.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(got[0].data, [3.0, -3.0])
    np.testing.assert_array_equal(got[1].data, [0.0])
    _, back = vjp(lambda x: (x * 3, ag.tensor([7.0])), x, (ag.tensor([1.0, 1.0]),
                                                          ag.tensor([5.0])))
    np.testing.assert_array_equal(back.data, [3.0, 3.0])


def test_vjp_several_outputs_needs_one_vector_each():
    x = ag.tensor([1.0, 2.0], dtype=np.float64)
    with pytest.raises(ag.GradientError, match="vjp: got 1 vectors for 2 outputs"):
        vjp(lambda x: (x, x * 2), x, (ag.tensor([1.0, 1.0]),))
    with pytest.raises(ag.GradientError, match=r"vjp: v\[1\] has shape \(3,\)"):
        vjp(lambda x: (x, x * 2), x, (ag.tensor([1.0, 1.0]), ag.tensor([1.0, 1.0, 1.0])))
    with pytest.raises(ag.GradientError, match="vjp: output 0 has shape"):
        vjp(lambda x: (x, x.sum()), x)
    total = vjp(lambda x: (x.sum(), (x * x).sum()), x)[1]  # v omitted: one-element outputs
    np.testing.assert_array_equal(total.data, [3.0, 5.0])
