"""GroupNorm, InstanceNorm2d and Dropout2d: closed forms, gradcheck/gradgradcheck in
float64, torch's modules (values, gradients, running statistics, state_dict), errors."""
import numpy as np
import pytest

import graphgrad.nn.functional as F
from graphgrad import autograd, nn
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck


def _x(*shape, seed=0):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_group_norm_closed_form_and_extremes():
    x = _x(2, 6, 3, 4)
    w, b = np.arange(1.0, 7.0), np.linspace(-1, 1, 6)
    out = F.group_norm(x, 3, Tensor(w), Tensor(b), eps=1e-5)
    g = x.data.reshape(2, 3, -1)
    ref = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5))
    ref = ref.reshape(x.shape) * w[:, None, None] + b[:, None, None]
    np.testing.assert_allclose(out.data, ref, atol=1e-12)
    # one group is LayerNorm over (C, H, W); C groups is InstanceNorm
    np.testing.assert_allclose(F.group_norm(x, 1).data,
                               F.layer_norm(x, x.shape[1:]).data, atol=1e-12)
    np.testing.assert_allclose(F.group_norm(x, 6).data, F.instance_norm(x).data, atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda x, w, b: F.group_norm(x, 2, w, b),
    lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
], ids=["group_norm", "instance_norm"])
def test_norms_gradcheck_and_gradgradcheck(fn):
    x, w, b = _x(2, 4, 3, 3), _x(4, seed=1), _x(4, seed=2)
    gradcheck(fn, (x, w, b))
    gradgradcheck(fn, (x, w, b))


MODULE_CASES = [
    ("GroupNorm", (2, 6), {}),
    ("GroupNorm", (3, 6), dict(affine=False, eps=1e-3)),
    ("InstanceNorm2d", (6,), {}),
    ("InstanceNorm2d", (6,), dict(affine=True)),
    ("InstanceNorm2d", (6,), dict(affine=True, track_running_stats=True, momentum=0.3)),
]


@pytest.mark.parametrize("name, args, kwargs", MODULE_CASES)
def test_norm_modules_match_torch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p))
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert sorted(state) == sorted(ours.state_dict())
    for p in ours.parameters():  # float64 first: loading casts to the parameter's dtype
        p.data = p.data.astype(np.float64)
    ours.load_state_dict(state)
    for step in range(2):  # training twice (running stats move), then evaluation
        x = np.random.default_rng(step).standard_normal((3, 6, 4, 5)) * 2 + 1
        tx, ax = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
        expected, out = theirs(tx), ours(ax)
        (expected ** 3).sum().backward()
        (out ** 3).sum().backward()
        np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-8, atol=1e-9)
        for (key, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-8, err_msg=key)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].data, value.numpy(), rtol=1e-6,
                                   err_msg=key)
    theirs.eval()
    ours.eval()
    x = np.random.default_rng(9).standard_normal((2, 6, 3, 3))
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


def test_instance_norm_defaults_and_unbatched_input():
    layer = nn.InstanceNorm2d(3)
    assert layer.weight is None and layer.running_mean is None
    assert dict(layer.named_parameters()) == {} and layer.state_dict() == {}
    x = autograd.randn(3, 4, 4)
    out = layer(x)
    assert out.shape == (3, 4, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out.data.mean(axis=(1, 2)), 0, atol=1e-5)


def test_dropout2d_zeroes_whole_channels_and_scales():
    autograd.manual_seed(0)
    x = Tensor(np.ones((8, 16, 3, 3)), requires_grad=True)
    out = F.dropout2d(x, 0.25)
    per_channel = out.data.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 1 / 0.75).all(-1))
    dropped = (per_channel == 0).all(-1).mean()
    assert 0.1 < dropped < 0.4
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)  # d/dx = the mask
    layer = nn.Dropout2d(0.5)
    layer.eval()
    assert layer(x) is x
    with pytest.warns(UserWarning, match="3-D"):
        F.dropout2d(Tensor(np.ones((2, 3, 4))), 0.5)


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.GroupNorm(4, 6), ValueError, "divisible"),
    (lambda: F.group_norm(autograd.randn(2, 6, 3), 4), ShapeError, "group_norm"),
    (lambda: nn.GroupNorm(2, 6)(autograd.randn(2, 4, 3)), ShapeError, "GroupNorm"),
    (lambda: nn.InstanceNorm2d(3)(autograd.randn(2, 4, 3, 3)), ShapeError, "InstanceNorm2d"),
    (lambda: F.instance_norm(autograd.randn(2, 3, 1, 1)), ValueError, "spatial"),
    (lambda: F.instance_norm(autograd.randn(2, 3, 4), use_input_stats=False), ValueError,
     "running_mean"),
    (lambda: F.dropout2d(autograd.randn(2, 3), 0.5), ShapeError, "dropout2d"),
    (lambda: nn.Dropout2d(1.5), ValueError, "Dropout2d"),
])
def test_norm_and_dropout2d_reject_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
