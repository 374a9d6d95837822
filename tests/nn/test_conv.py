"""Convolution: values against explicit loops, gradients by gradcheck over geometries,
second order, the Conv2d/Conv1d layers, and an optional cross-check against torch."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Tensor, conv1d, conv2d
from graphgrad.autograd.errors import ShapeError
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.nn.layers.conv import Conv1d, Conv2d
from tests.autograd.window_refs import conv2d_ref


def naive_conv2d(x, w, b, stride, padding, dilation):
    """Cross-correlation with explicit loops (``window_refs.conv2d_ref``) plus the bias."""
    out = conv2d_ref(x, w, stride, padding, dilation, groups=1)
    return out if b is None else out + b[:, None, None]


@st.composite
def conv_cases(draw, max_side=7):
    """A conv geometry whose output is at least 1x1, with float64 inputs."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    span = [d * (k - 1) + 1 - 2 * p for k, d, p in zip(kernel, dilation, padding)]
    h = draw(st.integers(max(1, span[0]), max(1, span[0]) + max_side - 3))
    w = draw(st.integers(max(1, span[1]), max(1, span[1]) + max_side - 3))
    n, c, o = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((n, c, h, w))
    weight = rng.standard_normal((o, c) + kernel)
    bias = rng.standard_normal(o) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation)


@given(conv_cases())
def test_conv2d_forward_matches_loops(case):
    x, w, b, geometry = case
    out = conv2d(Tensor(x), Tensor(w), None if b is None else Tensor(b), **geometry)
    np.testing.assert_allclose(out.data, naive_conv2d(x, w, b, **geometry), rtol=1e-10,
                               atol=1e-10)


@given(conv_cases())
def test_conv2d_gradcheck(case):
    x, w, b, geometry = case
    inputs = [Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)]
    if b is not None:
        inputs.append(Tensor(b, requires_grad=True))
    gradcheck(lambda *t: conv2d(*t, **geometry), tuple(inputs))


@given(conv_cases(max_side=5))
def test_conv2d_gradgradcheck(case):
    x, w, _, geometry = case
    gradgradcheck(lambda a, b: conv2d(a, b, **geometry),
                  (Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)))


def test_conv2d_third_order_through_its_own_rules():
    """d/dw of a gradient of a gradient: conv_t and conv_w differentiate each other."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 2, 3, 3)), requires_grad=True)
    (gx,) = autograd.grad((conv2d(x, w, padding=1) ** 2).sum(), x, create_graph=True)
    (gw,) = autograd.grad((gx ** 2).sum(), w, create_graph=True)
    (gxx,) = autograd.grad(gw.sum(), x)
    assert gxx.shape == x.shape and np.all(np.isfinite(gxx.data))
    gradgradcheck(lambda a, b: autograd.grad((conv2d(a, b, padding=1) ** 2).sum(), a,
                                             create_graph=True)[0], (x, w))


@given(st.integers(1, 3), st.integers(0, 2), st.integers(1, 2), st.integers(0, 2**31))
def test_conv1d_forward_and_gradcheck(stride, padding, dilation, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((2, 3, 8)), rng.standard_normal((2, 3, 3)), rng.standard_normal(2)
    out = conv1d(Tensor(x), Tensor(w), Tensor(b), stride, padding, dilation)
    expected = naive_conv2d(x[:, :, None], w[:, :, None], b, (1, stride), (0, padding),
                            (1, dilation))[:, :, 0]
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-10)
    gradcheck(lambda *t: conv1d(*t, stride=stride, padding=padding, dilation=dilation),
              tuple(Tensor(a, requires_grad=True) for a in (x, w, b)))


def test_conv2d_keeps_float32_and_accepts_one_image():
    x = autograd.randn(3, 6, 6)
    w = autograd.randn(4, 3, 3, 3)
    out = conv2d(x, w, padding=1)
    assert out.shape == (4, 6, 6) and out.dtype == np.float32


@pytest.mark.parametrize("x_shape, w_shape, message", [
    ((1, 2, 5, 5), (3, 3, 3, 3), "same number of channels"),
    ((1, 2, 5, 5), (3, 2, 3, 3, 1), "4-D"),
    ((1, 2, 2, 2), (3, 2, 3, 3), "too small"),
])
def test_conv2d_errors_name_the_shapes(x_shape, w_shape, message):
    with pytest.raises(ShapeError, match=message):
        conv2d(Tensor(np.zeros(x_shape)), Tensor(np.zeros(w_shape)))


def test_conv2d_rejects_bad_geometry_and_groups():
    x, w = Tensor(np.zeros((1, 1, 4, 4))), Tensor(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="stride"):
        conv2d(x, w, stride=0)
    with pytest.raises(ShapeError, match="groups=2"):
        conv2d(x, w, groups=2)  # one input channel cannot be split in two groups


# ---------------------------------------------------------------- layers
def test_conv2d_layer_parameters_and_init():
    autograd.manual_seed(0)
    layer = Conv2d(3, 8, 3, stride=2, padding=1)
    names = dict(layer.named_parameters())
    assert set(names) == {"weight", "bias"}
    assert names["weight"].shape == (8, 3, 3, 3) and names["bias"].shape == (8,)
    bound = 1 / np.sqrt(3 * 9)  # PyTorch: kaiming_uniform(a=sqrt(5)) -> U(-1/sqrt(fan_in), ..)
    assert np.abs(names["weight"].data).max() <= bound
    assert np.abs(names["bias"].data).max() <= bound
    out = layer(autograd.randn(2, 3, 9, 9))
    assert out.shape == (2, 8, 5, 5)
    assert Conv2d(3, 8, (3, 2), bias=False).bias is None


def test_conv1d_layer_shapes():
    layer = Conv1d(2, 5, 3, padding=1)
    assert layer.weight.shape == (5, 2, 3)
    assert layer(autograd.randn(4, 2, 10)).shape == (4, 5, 10)


def test_conv_matches_torch_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    geometry = dict(stride=(2, 1), padding=(1, 1), dilation=(2, 1))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    expected = torch.nn.functional.conv2d(tx, tw, tb, **geometry)
    (expected ** 2).sum().backward()
    ax, aw, ab = (Tensor(a, requires_grad=True) for a in (x, w, b))
    out = conv2d(ax, aw, ab, **geometry)
    (out ** 2).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-10)
    for ours, theirs in ((ax, tx), (aw, tw), (ab, tb)):
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- new layers against torch
from graphgrad import nn  # noqa: E402

LAYER_CASES = [
    ("Conv2d", (6, 4, 3), dict(stride=2, padding=1, groups=2), (2, 6, 7, 7)),
    ("Conv2d", (4, 8, (3, 1)), dict(groups=4, bias=False), (2, 4, 5, 5)),  # depthwise x2
    ("Conv1d", (4, 6, 3), dict(groups=2, dilation=2), (2, 4, 9)),
    ("ConvTranspose2d", (4, 6, 4), dict(stride=2, padding=1, output_padding=1, groups=2),
     (2, 4, 5, 5)),
    ("ConvTranspose2d", (3, 2, (2, 3)), dict(stride=(2, 1), dilation=(1, 2), bias=False),
     (1, 3, 4, 4)),
    ("ConvTranspose1d", (3, 5, 3), dict(stride=3, padding=1, output_padding=1), (2, 3, 6)),
]


@pytest.mark.parametrize("name, args, kwargs, x_shape", LAYER_CASES)
def test_conv_layers_load_torch_state_dict_and_match(name, args, kwargs, x_shape):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert {k: v.shape for k, v in state.items()} == {
        k: v.shape for k, v in ours.state_dict().items()}
    ours.load_state_dict(state)
    x = np.random.default_rng(1).standard_normal(x_shape)
    tx = torch.tensor(x, requires_grad=True)
    expected = theirs(tx)
    (expected ** 2).sum().backward()
    ax = Tensor(x, requires_grad=True)
    for p in ours.parameters():
        p.data = p.data.astype(np.float64)
    out = ours(ax)
    (out ** 2).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-9)
    for (key, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-9,
                                   err_msg=key)


def test_conv_layer_init_bounds_follow_pytorch_fan_in():
    autograd.manual_seed(0)
    layer = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert layer.weight.shape == (4, 3, 3, 3) and layer.bias.shape == (6,)
    bound = 1 / np.sqrt(3 * 9)  # fan_in = weight.shape[1] * kernel, as PyTorch
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.weight.data).max() > bound / 2
    assert nn.Conv2d(6, 6, 3, groups=6).weight.shape == (6, 1, 3, 3)
    assert "groups=2" in repr(layer) and "output_padding" in repr(
        nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=1))


@pytest.mark.parametrize("make, match", [
    (lambda: nn.Conv2d(4, 6, 3, groups=4), "divisible by groups"),
    (lambda: nn.ConvTranspose2d(4, 6, 3, groups=0), "groups"),
    (lambda: nn.ConvTranspose1d(4, 6, 3, output_padding=-1), "output_padding"),
])
def test_conv_layers_reject_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
