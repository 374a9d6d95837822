"""The pooling, unpooling, resampling and fold layers: each against torch's module of the
same name and arguments (values and input gradients), and their argument errors."""
import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor

CASES = [
    ("AdaptiveAvgPool2d", ((3, None),), {}),
    ("AdaptiveAvgPool2d", (1,), {}),
    ("AdaptiveMaxPool2d", ((2, 4),), {}),
    ("MaxPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True)),
    ("AvgPool2d", (3,), dict(stride=2, ceil_mode=True, count_include_pad=False)),
    ("Upsample", (), dict(scale_factor=2, mode="nearest")),
    ("Upsample", (), dict(size=(9, 4), mode="bilinear", align_corners=True)),
    ("Unfold", ((2, 3),), dict(stride=2, padding=1)),
]


@pytest.mark.parametrize("name, args, kwargs", CASES)
def test_window_layers_match_torch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    tx = torch.tensor(x, requires_grad=True)
    expected = getattr(torch.nn, name)(*args, **kwargs)(tx)
    (expected ** 2).sum().backward()
    ours = Tensor(x, requires_grad=True)
    layer = getattr(nn, name)(*args, **kwargs)
    out = layer(ours)
    (out ** 2).sum().backward()
    assert list(layer.parameters()) == []
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_max_unpool_and_fold_layers_invert_their_partners():
    x = Tensor(np.random.default_rng(1).permutation(64).reshape(1, 1, 8, 8) * 1.0)
    out, indices = nn.MaxPool2d(2, return_indices=True)(x)
    back = nn.MaxUnpool2d(2)(out, indices)
    assert back.shape == x.shape and np.count_nonzero(back.data) == 16
    assert (nn.MaxPool2d(2)(back).data == out.data).all()
    cols = nn.Unfold(2, stride=2)(x)
    np.testing.assert_array_equal(nn.Fold((8, 8), 2, stride=2)(cols).data, x.data)
    pooled, idx = nn.AdaptiveMaxPool2d(3, return_indices=True)(x)
    assert pooled.shape == (1, 1, 3, 3) and idx.shape == (1, 1, 3, 3)


def test_upsample_keeps_float32_and_rejects_bad_modes():
    assert nn.Upsample(scale_factor=2)(autograd.randn(1, 2, 3, 3)).dtype == np.float32
    with pytest.raises(ValueError, match="mode"):
        nn.Upsample(scale_factor=2, mode="bicubic")(autograd.randn(1, 2, 3, 3))
    with pytest.raises(ValueError, match="half"):
        nn.MaxPool2d(2, padding=2)
