"""Pooling: values against explicit loops, gradients by gradcheck (ties kept apart by
min_gap), the documented tie rule, second order, and the layers."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import Tensor, avg_pool2d, max_pool2d
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as gst
from graphgrad.nn.layers.pooling import AvgPool2d, MaxPool2d


def naive_pool(x, kernel, stride, padding, reduce, pad_value, dilation=(1, 1),
               count_include_pad=True):
    """Pool with explicit loops; ``reduce`` sees the list of a window's values."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    n, c, h, w = x.shape
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c, ho, wo))
    for b in range(n):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    window = []
                    for a in range(kh):
                        for e in range(kw):
                            r, s = i * sh + a * dh - ph, j * sw + e * dw - pw
                            inside = 0 <= r < h and 0 <= s < w
                            if inside:
                                window.append(x[b, ch, r, s])
                            elif count_include_pad:
                                window.append(pad_value)
                    out[b, ch, i, j] = reduce(window)
    return out


@st.composite
def pool_cases(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 6))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 6))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    # NOTE: distinct values 0.01 apart: gradcheck's 1e-6 steps never cross a tie.
    x = draw(gst.tensors(shape=shape, min_gap=0.01, min_value=-5, max_value=5))
    return x, dict(kernel_size=kernel, stride=stride, padding=padding)


@given(pool_cases(), st.integers(1, 2))
def test_max_pool2d_forward_and_gradcheck(case, dilation):
    x, geometry = case
    k, p = geometry["kernel_size"], geometry["padding"]
    if any((x.shape[2 + i] + 2 * p[i] - dilation * (k[i] - 1) - 1) < 0 for i in range(2)):
        dilation = 1
    out = max_pool2d(x, dilation=dilation, **geometry)
    expected = naive_pool(x.data, k, geometry["stride"], p, max, -np.inf, (dilation,) * 2)
    np.testing.assert_array_equal(out.data, expected)
    if np.isfinite(expected).all():  # a window wholly in padding: see the test below
        gradcheck(lambda t: max_pool2d(t, dilation=dilation, **geometry), x)


@given(pool_cases(), st.booleans())
def test_avg_pool2d_forward_and_gradcheck(case, count_include_pad):
    x, geometry = case
    out = avg_pool2d(x, count_include_pad=count_include_pad, **geometry)
    expected = naive_pool(x.data, geometry["kernel_size"], geometry["stride"],
                          geometry["padding"], np.mean, 0.0, count_include_pad=count_include_pad)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    gradcheck(lambda t: avg_pool2d(t, count_include_pad=count_include_pad, **geometry), x)


def test_max_pool2d_ties_go_to_the_first_maximum_in_row_major_order():
    x = Tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0  # the top-left element of each 2x2 window
    np.testing.assert_array_equal(x.grad.data[0, 0], expected)


def test_max_pool2d_overlapping_windows_add_their_gradients():
    data = np.zeros((1, 1, 3, 3))
    data[0, 0, 1, 1] = 5.0  # the centre is the max of all four 2x2 windows (stride 1)
    x = Tensor(data, requires_grad=True)
    out = max_pool2d(x, 2, stride=1)
    (out * Tensor(np.arange(1.0, 5.0).reshape(1, 1, 2, 2))).sum().backward()
    assert x.grad.data[0, 0, 1, 1] == 1 + 2 + 3 + 4
    assert np.count_nonzero(x.grad.data) == 1


def test_max_pool2d_tie_rule_matches_torch_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    data = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(np.float64)  # many ties
    weights = rng.standard_normal((2, 2, 3, 3))
    tx = torch.tensor(data, requires_grad=True)
    pooled = torch.nn.functional.max_pool2d(tx, 3, stride=2, padding=1)
    (pooled * torch.tensor(weights)).sum().backward()
    x = Tensor(data, requires_grad=True)
    (max_pool2d(x, 3, stride=2, padding=1) * Tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pooling_second_order():
    x = Tensor(np.random.default_rng(1).permutation(50).reshape(1, 2, 5, 5) / 7.0,
               requires_grad=True)
    gradgradcheck(lambda t: max_pool2d(t, 2, stride=1) ** 2, x)
    gradgradcheck(lambda t: avg_pool2d(t, 3, stride=2, padding=1) ** 2, x)


def test_pooling_keeps_float32():
    x = autograd.randn(2, 3, 8, 8)
    assert max_pool2d(x, 2).dtype == np.float32 and avg_pool2d(x, 2).dtype == np.float32


def test_pooling_rejects_padding_over_half_the_kernel():
    with pytest.raises(ValueError, match="half the kernel"):
        max_pool2d(autograd.randn(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(ValueError, match="half the kernel"):
        avg_pool2d(autograd.randn(1, 1, 4, 4), 2, padding=2)


def test_pool_layers_default_stride_is_the_kernel():
    x = autograd.randn(2, 3, 8, 8)
    assert MaxPool2d(2)(x).shape == (2, 3, 4, 4)
    assert AvgPool2d(3, stride=1, padding=1)(x).shape == (2, 3, 8, 8)
    assert list(MaxPool2d(2).parameters()) == []


def test_max_pool2d_window_wholly_in_padding_is_minus_inf_with_no_gradient():
    """Dilation 2 over a 1-wide input padded by 1: the only window sees padding alone."""
    x = Tensor(np.array([[[[3.0]]]]), requires_grad=True)
    out = max_pool2d(x, (1, 2), stride=1, padding=(0, 1), dilation=2)
    assert out.shape == (1, 1, 1, 1) and out.data[0, 0, 0, 0] == -np.inf
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        expected = torch.nn.functional.max_pool2d(torch.tensor(x.data), (1, 2), 1, (0, 1), 2)
        np.testing.assert_array_equal(out.data, expected.numpy())
    (gx,) = autograd.grad(out.sum(), x)
    np.testing.assert_array_equal(gx.data, 0.0)
