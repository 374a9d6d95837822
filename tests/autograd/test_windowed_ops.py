"""Convolution with groups, transposed convolution, unfold/fold, pooling options, adaptive
pools and interpolate: second order (gradgradcheck), closed forms, torch, and errors.

Forward values against naive loops and first-order gradcheck run from the spec table
(``op_specs.py`` rows built on ``window_refs.py``).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphgrad.autograd as ag
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from tests.autograd import window_refs as win

RNG = np.random.default_rng(0)


def _t(*shape, seed=0):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


# ---------------------------------------------------------------- second order
@settings(max_examples=10)
@given(st.data())
def test_conv_groups_and_transpose_gradgradcheck(data):
    (x, w), kw = data.draw(win.conv_groups_case(3))
    gradgradcheck(lambda a, b: ag.conv2d(a, b, **kw), (Tensor(x, requires_grad=True),
                                                       Tensor(w, requires_grad=True)))
    (x, w), kw = data.draw(win.conv_transpose_case(3))
    gradgradcheck(lambda a, b: ag.conv_transpose2d(a, b, **kw),
                  (Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)))


def test_conv_transpose_output_padding_beyond_stride_second_order():
    """output_padding >= stride (allowed when < dilation): the adjoint conv is cropped."""
    x, w = _t(1, 2, 3, 3), _t(2, 1, 2, 2, seed=1)
    kw = dict(stride=1, output_padding=1, dilation=2)
    out = ag.conv_transpose2d(x, w, **kw)
    np.testing.assert_allclose(out.data, win.conv_transpose2d_ref(
        x.data, w.data, (1, 1), (0, 0), (1, 1), 1, (2, 2)), atol=1e-12)
    gradcheck(lambda a, b: ag.conv_transpose2d(a, b, **kw) ** 2, (x, w))
    gradgradcheck(lambda a, b: ag.conv_transpose2d(a, b, **kw) ** 2, (x, w))


@pytest.mark.parametrize("fn", [
    lambda t: ag.unfold(t, 2, padding=1, stride=(1, 2)) ** 2,
    lambda t: ag.fold(ag.unfold(t, 3, dilation=(1, 2)), (4, 5), 3, dilation=(1, 2)) ** 2,
    lambda t: ag.adaptive_avg_pool2d(t, (3, 2)) ** 2,
    lambda t: ag.adaptive_max_pool2d(t, (3, 2)) ** 2,
    lambda t: ag.interpolate(t, size=(7, 3), mode="bilinear", align_corners=False) ** 2,
    lambda t: ag.interpolate(t, scale_factor=1.5, mode="nearest") ** 2,
    lambda t: ag.max_pool2d(t, 2, ceil_mode=True) ** 2,
    lambda t: ag.avg_pool2d(t, 3, stride=2, padding=1, ceil_mode=True,
                            count_include_pad=False) ** 2,
], ids=["unfold", "fold", "adaptive_avg", "adaptive_max", "bilinear", "nearest",
        "max_pool_ceil", "avg_pool_ceil"])
def test_windowed_ops_gradgradcheck(fn):
    x = Tensor(np.random.default_rng(2).permutation(40).reshape(1, 2, 4, 5) / 7.0,
               requires_grad=True)
    gradcheck(fn, x)
    gradgradcheck(fn, x)


def test_max_unpool2d_gradgradcheck():
    x = _t(1, 2, 2, 3)
    _, indices = ag.max_pool2d(_t(1, 2, 4, 6, seed=3), 2, return_indices=True)
    gradgradcheck(lambda t: ag.max_unpool2d(t, indices, 2) ** 2, x)


# ---------------------------------------------------------------- closed forms
def test_depthwise_conv_is_one_filter_per_channel():
    x, w = _t(2, 3, 5, 5), _t(3, 1, 3, 3, seed=1)
    out = ag.conv2d(x, w, padding=1, groups=3)
    for c in range(3):
        alone = ag.conv2d(x[:, c:c + 1], w[c:c + 1], padding=1)
        np.testing.assert_allclose(out.data[:, c:c + 1], alone.data, atol=1e-12)


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv(x, w), g> == <x, conv_transpose(g, w)> for every geometry and groups."""
    x, w, g = _t(2, 4, 7, 6), _t(6, 2, 3, 2, seed=1), _t(2, 6, 4, 4, seed=2)
    kw = dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
    left = (ag.conv2d(x, w, **kw) * g).sum().item()
    right = (x * ag.conv_transpose2d(g, w, **kw)).sum().item()
    assert left == pytest.approx(right, rel=1e-12)


def test_fold_of_unfold_counts_window_coverage():
    ones = Tensor(np.ones((1, 1, 4, 4)))
    covered = ag.fold(ag.unfold(ones, 2), (4, 4), 2)
    np.testing.assert_array_equal(covered.data[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2],
                                                       [2, 4, 4, 2], [1, 2, 2, 1]])


def test_nearest_integer_scale_repeats_and_align_corners_keeps_a_ramp():
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    out = ag.interpolate(Tensor(x), scale_factor=2)
    np.testing.assert_array_equal(out.data, x.repeat(2, axis=2).repeat(2, axis=3))
    ramp = np.arange(4.0).reshape(1, 1, 4)
    out = ag.interpolate(Tensor(ramp), size=7, mode="linear", align_corners=True)
    np.testing.assert_allclose(out.data[0, 0], np.linspace(0, 3, 7), atol=1e-12)


def test_adaptive_pools_to_one_are_global_mean_and_max():
    x = _t(2, 3, 5, 4)
    np.testing.assert_allclose(ag.adaptive_avg_pool2d(x, 1).data,
                               x.data.mean(axis=(2, 3), keepdims=True), atol=1e-12)
    out, index = ag.adaptive_max_pool2d(x, (1, None), return_indices=True)
    np.testing.assert_array_equal(out.data, x.data.max(axis=2, keepdims=True))
    assert out.shape == (2, 3, 1, 4) and index.shape == (2, 3, 1, 4)


def test_max_pool_indices_and_unpool_round_trip():
    x = Tensor(RNG.permutation(36).reshape(1, 1, 6, 6).astype(np.float64))
    out, indices = ag.max_pool2d(x, 2, return_indices=True)
    back = ag.max_unpool2d(out, indices, 2)
    kept = back.data != 0
    np.testing.assert_array_equal(back.data[kept], x.data[kept])
    assert kept.sum() == 9 and (ag.max_pool2d(back, 2).data == out.data).all()


def test_pooling_ceil_mode_output_sizes():
    x = Tensor(np.zeros((1, 1, 5, 5)))
    assert ag.max_pool2d(x, 2, ceil_mode=True).shape == (1, 1, 3, 3)
    assert ag.avg_pool2d(x, 2, ceil_mode=True).shape == (1, 1, 3, 3)
    # the last window would start in the right padding: dropped, as PyTorch
    assert ag.max_pool2d(Tensor(np.zeros((1, 1, 4, 4))), 2, stride=2, padding=1,
                         ceil_mode=True).shape == (1, 1, 3, 3)


def test_grouped_conv_and_unbatched_inputs_keep_float32():
    x, w = ag.randn(4, 6, 6), ag.randn(4, 2, 3, 3)
    out = ag.conv2d(x, w, groups=2)
    assert out.shape == (4, 4, 4) and out.dtype == np.float32
    assert ag.conv_transpose2d(ag.randn(4, 3, 3), ag.randn(4, 2, 2, 2)).dtype == np.float32
    assert ag.conv1d(ag.randn(2, 4, 9), ag.randn(6, 2, 3), groups=2).shape == (2, 6, 7)
    assert ag.conv_transpose1d(ag.randn(4, 5), ag.randn(4, 3, 3), stride=2).shape == (3, 11)


# ---------------------------------------------------------------- torch
TORCH_CASES = [
    ("conv2d", dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=3), (2, 6, 7, 8),
     (9, 2, 3, 3), 9),
    ("conv_transpose2d", dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1),
     (2, 4, 5, 4), (4, 3, 3, 3), 6),
    ("conv_transpose2d", dict(stride=(1, 3), padding=(0, 1), output_padding=(1, 2),
                              dilation=(2, 1)), (1, 2, 4, 3), (2, 3, 2, 3), 3),
    ("conv1d", dict(stride=2, padding=1, groups=2), (2, 4, 9), (6, 2, 3), 6),
    ("conv_transpose1d", dict(stride=3, padding=1, output_padding=2), (2, 3, 5), (3, 2, 4), 2),
]


@pytest.mark.parametrize("name, kw, x_shape, w_shape, bias", TORCH_CASES)
def test_convolutions_match_torch(name, kw, x_shape, w_shape, bias):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    arrays = (rng.standard_normal(x_shape), rng.standard_normal(w_shape),
              rng.standard_normal(bias))
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = getattr(torch.nn.functional, name)(*theirs, **kw)
    (expected ** 2).sum().backward()
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    out = getattr(ag, name)(*ours, **kw)
    (out ** 2).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-10)
    for mine, torch_leaf in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.data, torch_leaf.grad.numpy(), rtol=1e-9,
                                   atol=1e-9)


RESAMPLE_CASES = [
    ("interpolate", dict(size=(7, 5), mode="bilinear", align_corners=False)),
    ("interpolate", dict(size=(3, 9), mode="bilinear", align_corners=True)),
    ("interpolate", dict(scale_factor=1.7, mode="bilinear", align_corners=False)),
    ("interpolate", dict(scale_factor=(0.6, 2.5), mode="nearest")),
    ("interpolate", dict(size=(7, 11), mode="nearest")),
    ("interpolate", dict(size=(5, 3), mode="nearest-exact")),
    ("interpolate", dict(scale_factor=1.7, mode="nearest", recompute_scale_factor=True)),
    ("adaptive_avg_pool2d", dict(output_size=(4, 3))),
    ("adaptive_max_pool2d", dict(output_size=(3, 5))),
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=(2, 3), stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=2, divisor_override=3)),
    ("unfold", dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2))),
]


@pytest.mark.parametrize("name, kw", RESAMPLE_CASES)
def test_resampling_and_pooling_match_torch(name, kw):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((2, 3, 6, 7))
    tx = torch.tensor(x, requires_grad=True)
    expected = getattr(torch.nn.functional, name)(tx, **kw)
    weights = np.random.default_rng(6).standard_normal(tuple(expected.shape))
    (expected * torch.tensor(weights)).sum().backward()
    ours = Tensor(x, requires_grad=True)
    out = getattr(ag, name)(ours, **kw)
    (out * Tensor(weights)).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_indices_fold_and_unpool_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.random.default_rng(7).standard_normal((2, 3, 7, 6))
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)):
        expected, expected_index = F.max_pool2d(torch.tensor(x), return_indices=True, **kw)
        out, index = ag.max_pool2d(Tensor(x), return_indices=True, **kw)
        np.testing.assert_array_equal(index, expected_index.numpy())
        unpool = dict(kernel_size=kw["kernel_size"], stride=kw.get("stride"),
                      padding=kw.get("padding", 0), output_size=(7, 6))
        np.testing.assert_array_equal(ag.max_unpool2d(out, index, **unpool).data,
                                      F.max_unpool2d(expected, expected_index, **unpool).numpy())
    _, expected_index = F.adaptive_max_pool2d(torch.tensor(x), (3, 4), return_indices=True)
    np.testing.assert_array_equal(ag.adaptive_max_pool2d(Tensor(x), (3, 4), True)[1],
                                  expected_index.numpy())
    cols = np.random.default_rng(8).standard_normal((2, 12, 9))
    np.testing.assert_allclose(ag.fold(Tensor(cols), (5, 6), (2, 3), padding=1, stride=2).data,
                               F.fold(torch.tensor(cols), (5, 6), (2, 3), padding=1,
                                      stride=2).numpy(), atol=1e-12)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("call, error, match", [
    (lambda: ag.conv2d(ag.zeros((1, 4, 5, 5)), ag.zeros((3, 2, 3, 3)), groups=2), ShapeError,
     "divisible by groups"),
    (lambda: ag.conv2d(ag.zeros((1, 4, 5, 5)), ag.zeros((4, 2, 3, 3)), groups=0), ValueError,
     "groups"),
    (lambda: ag.conv_transpose2d(ag.zeros((1, 4, 5, 5)), ag.zeros((3, 2, 3, 3))), ShapeError,
     "conv_transpose2d"),
    (lambda: ag.conv_transpose2d(ag.zeros((1, 2, 5, 5)), ag.zeros((2, 2, 3, 3)), stride=2,
                                 output_padding=2), ValueError, "output_padding"),
    (lambda: ag.conv2d(ag.zeros((5, 5)), ag.zeros((1, 1, 3, 3))), ShapeError, "conv2d"),
    (lambda: ag.fold(ag.zeros((1, 8, 5)), (4, 4), 2), ShapeError, "fold"),
    (lambda: ag.unfold(ag.zeros((4, 4)), 2), ShapeError, "unfold"),
    (lambda: ag.interpolate(ag.zeros((1, 1, 4, 4)), size=3, scale_factor=2), ValueError,
     "exactly one"),
    (lambda: ag.interpolate(ag.zeros((1, 1, 4, 4)), size=3, mode="linear"), ShapeError,
     "linear"),
    (lambda: ag.interpolate(ag.zeros((1, 1, 4, 4)), size=3, mode="cubic"), ValueError,
     "cubic"),
    (lambda: ag.interpolate(ag.zeros((1, 1, 4, 4)), size=3, align_corners=True), ValueError,
     "align_corners"),
    (lambda: ag.adaptive_avg_pool2d(ag.zeros((1, 1, 4, 4)), (0, 2)), ValueError, "output_size"),
    (lambda: ag.max_unpool2d(ag.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 3), int), 2),
     ShapeError, "max_unpool2d"),
    (lambda: ag.max_unpool2d(ag.zeros((1, 1, 2, 2)), np.full((1, 1, 2, 2), 16), 2),
     IndexError, "max_unpool2d"),
    (lambda: ag.avg_pool2d(ag.zeros((1, 1, 4, 4)), 2, divisor_override=0), ValueError,
     "divisor_override"),
])
def test_windowed_ops_reject_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
