"""BatchNorm and LayerNorm: values and running statistics against their formulas,
eval mode, gradcheck in train mode, PyTorch names, and an optional torch cross-check."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphgrad import autograd
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.autograd.testing import strategies as gst
from graphgrad.nn.layers.norm import BatchNorm1d, BatchNorm2d, LayerNorm, batch_norm, layer_norm


def loops_batch_norm(x, gamma, beta, eps):
    """Per channel c: (x - mean_c) / sqrt(var_c + eps) * gamma_c + beta_c, with loops."""
    out = np.empty_like(x)
    for c in range(x.shape[1]):
        values = x[:, c].ravel()
        mean = sum(values) / len(values)
        var = sum((v - mean) ** 2 for v in values) / len(values)
        out[:, c] = (x[:, c] - mean) / np.sqrt(var + eps) * gamma[c] + beta[c]
    return out


bn_shapes = st.one_of(gst.shapes(2, 2, min_side=2, max_side=5), gst.shapes(3, 3, 1, 4),
                      gst.shapes(4, 4, 1, 3)).filter(lambda s: np.prod(s) // s[1] > 1)


@given(bn_shapes, st.integers(0, 2**31))
def test_batch_norm_train_forward_and_gradcheck(shape, seed):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal(shape) * 3 + 1, requires_grad=True)
    gamma = Tensor(rng.uniform(0.5, 2, shape[1]), requires_grad=True)
    beta = Tensor(rng.standard_normal(shape[1]), requires_grad=True)
    out = batch_norm(x, None, None, gamma, beta, training=True, eps=1e-3)
    np.testing.assert_allclose(out.data, loops_batch_norm(x.data, gamma.data, beta.data, 1e-3),
                               rtol=1e-9, atol=1e-9)
    gradcheck(lambda *t: batch_norm(t[0], None, None, t[1], t[2], training=True, eps=1e-3),
              (x, gamma, beta))


def test_batch_norm_second_order():
    x = Tensor(np.random.default_rng(0).standard_normal((4, 3, 2, 2)), requires_grad=True)
    gradgradcheck(lambda t: batch_norm(t, None, None, training=True) ** 2, x)


def test_running_statistics_follow_the_formula_over_steps():
    rng = np.random.default_rng(1)
    bn = BatchNorm2d(3, momentum=0.2)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(4):
        x = rng.standard_normal((5, 3, 2, 3)) * 2 + 0.5
        bn(Tensor(x))
        n = x.size // 3
        batch_mean = x.mean(axis=(0, 2, 3))
        batch_var = ((x - batch_mean[None, :, None, None]) ** 2).sum(axis=(0, 2, 3)) / (n - 1)
        mean = 0.8 * mean + 0.2 * batch_mean
        var = 0.8 * var + 0.2 * batch_var
    np.testing.assert_allclose(bn.running_mean.data, mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data, var, rtol=1e-5)
    assert int(bn.num_batches_tracked.data) == 4


def test_momentum_none_is_the_cumulative_average():
    rng = np.random.default_rng(2)
    bn = BatchNorm1d(2, momentum=None)
    batches = [rng.standard_normal((6, 2)) + i for i in range(3)]
    for x in batches:
        bn(Tensor(x))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([x.mean(axis=0) for x in batches],
                                                             axis=0), rtol=1e-5)


def test_eval_mode_uses_running_statistics_and_does_not_update_them():
    rng = np.random.default_rng(3)
    bn = BatchNorm1d(4)
    bn.running_mean.data[...] = rng.standard_normal(4)
    bn.running_var.data[...] = rng.uniform(0.5, 2, 4)
    bn.weight.data[...] = rng.uniform(0.5, 2, 4)
    bn.bias.data[...] = rng.standard_normal(4)
    before = bn.running_mean.data.copy()
    bn.eval()
    x = rng.standard_normal((3, 4, 5))
    out = bn(Tensor(x))
    rm, rv = bn.running_mean.data[:, None], bn.running_var.data[:, None]
    expected = (x - rm) / np.sqrt(rv + bn.eps) * bn.weight.data[:, None] + bn.bias.data[:, None]
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    np.testing.assert_array_equal(bn.running_mean.data, before)
    assert int(bn.num_batches_tracked.data) == 0
    one = bn(Tensor(x[:1, :, :1]))  # a single value per channel is fine in eval
    assert one.shape == (1, 4, 1)


def test_without_tracking_batch_statistics_are_used_in_eval_too():
    bn = BatchNorm2d(2, affine=False, track_running_stats=False).eval()
    x = np.random.default_rng(4).standard_normal((3, 2, 2, 2))
    out = bn(Tensor(x))
    np.testing.assert_allclose(out.data, loops_batch_norm(x, np.ones(2), np.zeros(2), 1e-5),
                               rtol=1e-9)
    assert bn.running_mean is None and list(bn.parameters()) == []


def test_batch_norm_names_shapes_and_errors():
    bn = BatchNorm2d(5)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]
    assert bn.running_mean.shape == (5,) and bn.num_batches_tracked.data.dtype == np.int64
    with pytest.raises(ShapeError, match="5 channels"):
        bn(autograd.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match="more than 1 value"):
        BatchNorm1d(3)(autograd.randn(1, 3))
    assert int(bn.num_batches_tracked.data) == 0  # a rejected call changed nothing


@given(gst.shapes(2, 4, min_side=1, max_side=4), st.integers(1, 2), st.integers(0, 2**31))
def test_layer_norm_forward_and_gradcheck(shape, k, seed):
    k = min(k, len(shape))
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal(shape) * 2, requires_grad=True)
    norm_shape = shape[-k:]
    w = Tensor(rng.uniform(0.5, 2, norm_shape), requires_grad=True)
    b = Tensor(rng.standard_normal(norm_shape), requires_grad=True)
    out = layer_norm(x, norm_shape, w, b, eps=1e-3)
    flat = x.data.reshape(-1, int(np.prod(norm_shape)))
    expected = np.array([(row - row.mean()) / np.sqrt(row.var() + 1e-3) for row in flat])
    np.testing.assert_allclose(out.data, expected.reshape(shape) * w.data + b.data, rtol=1e-9,
                               atol=1e-9)
    gradcheck(lambda *t: layer_norm(t[0], norm_shape, t[1], t[2], eps=1e-3), (x, w, b))


def test_layer_norm_module_and_errors():
    ln = LayerNorm((3, 4))
    assert [(n, p.shape) for n, p in ln.named_parameters()] == [("weight", (3, 4)),
                                                                 ("bias", (3, 4))]
    assert ln(autograd.randn(2, 3, 4)).shape == (2, 3, 4)
    with pytest.raises(ShapeError, match="normalized_shape"):
        ln(autograd.randn(2, 4, 3))
    assert list(LayerNorm(4, elementwise_affine=False).parameters()) == []


def test_norms_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3, 5, 5))
    ours, theirs = BatchNorm2d(3, momentum=0.3), torch.nn.BatchNorm2d(3, momentum=0.3).double()
    for _ in range(2):
        out, expected = ours(Tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-6, atol=1e-6)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, name).data, getattr(theirs, name).numpy(),
                                   rtol=1e-6)
    ln = torch.nn.LayerNorm(5).double()
    np.testing.assert_allclose(layer_norm(Tensor(x), 5).data, ln(torch.tensor(x)).detach().numpy(),
                               rtol=1e-9, atol=1e-9)
