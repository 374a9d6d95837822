"""backend.linear, the forward of nn.Linear: the GEMM in BLAS's faster operand order (float32,
8 to 64 rows, a weight of at least 256 x 256) against ``x @ W.T + b``, and nn.Linear's values
and gradients on that path against torch and against float64."""
import numpy as np
import pytest

import graphgrad.autograd as ag
from graphgrad import nn
from graphgrad.autograd import backend
from graphgrad.nn import functional as F

# rows, out_features, in_features, dtype, bias; the first five take the reordered GEMM
CASES = [
    (16, 512, 784, np.float32, True),
    (8, 256, 256, np.float32, True),
    (64, 300, 257, np.float32, False),
    (33, 1024, 300, np.float32, True),
    (16, 256, 512, np.float32, "float64"),  # a float64 bias is cast into float32, as +=
    (16, 512, 784, np.float64, True),       # float64: numpy's order
    (7, 512, 784, np.float32, True),        # too few rows
    (65, 512, 784, np.float32, True),       # too many
    (16, 255, 784, np.float32, True),       # too small a weight
    (0, 512, 784, np.float32, True),
]


def _operands(rows, out_features, in_features, dtype, bias, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, in_features)).astype(dtype)
    w = rng.standard_normal((out_features, in_features)).astype(dtype)
    b = None
    if bias:
        b = rng.standard_normal(out_features).astype(np.float64 if bias == "float64" else dtype)
    return x, w, b


def _reference(x, w, b):
    out = x @ w.T
    if b is not None:
        out += b
    return out


def _is_openblas():
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    return "openblas" in blas.lower()


@pytest.mark.parametrize("rows, out_features, in_features, dtype, bias", CASES)
def test_linear_is_x_at_w_transposed_plus_b(rows, out_features, in_features, dtype, bias):
    x, w, b = _operands(rows, out_features, in_features, dtype, bias)
    got = backend.linear(x, w, b)
    expected = _reference(x, w, b)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.flags.c_contiguous and got.base is None and got.flags.writeable
    if _is_openblas():  # the operand order the fast path was measured on: the same bits
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


def test_linear_takes_numpys_order_for_other_inputs():
    x, w, b = _operands(16, 512, 784, np.float32, True)
    batched = np.stack([x, x])
    np.testing.assert_array_equal(backend.linear(batched, w, b), _reference(batched, w, b))
    np.testing.assert_array_equal(backend.linear(x[0], w, b), _reference(x[0], w, b))
    xps = pytest.importorskip("array_api_strict")
    device = xps.Device("device1")
    got = backend.linear(*(xps.asarray(v, device=device) for v in (x, w, b)))
    assert got.device == device
    host = np.asarray(xps.asarray(got, device=xps.Device("CPU_DEVICE")))
    np.testing.assert_allclose(host, _reference(x, w, b), rtol=1e-5, atol=1e-4)


def test_linear_layer_on_the_fast_path_matches_torch_and_float64():
    torch = pytest.importorskip("torch")
    x, w, b = _operands(16, 512, 784, np.float32, True, seed=1)
    upstream = np.random.default_rng(2).standard_normal((16, 512)).astype(np.float32)
    layer = nn.Linear(784, 512)
    layer.weight.data, layer.bias.data = w.copy(), b.copy()
    xt = ag.tensor(x, requires_grad=True)
    out = layer(xt)
    (out * upstream).sum().backward()
    tl = torch.nn.Linear(784, 512)
    with torch.no_grad():
        tl.weight.copy_(torch.from_numpy(w))
        tl.bias.copy_(torch.from_numpy(b))
    tx = torch.from_numpy(x).requires_grad_()
    tout = tl(tx)
    (tout * torch.from_numpy(upstream)).sum().backward()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-5, atol=1e-4)
    for ours, theirs in ((xt.grad, tx.grad), (layer.weight.grad, tl.weight.grad),
                         (layer.bias.grad, tl.bias.grad)):
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-5, atol=1e-3)
    # the same layer in float64 (numpy's order): the float32 numbers within float32's rounding
    x64, w64, b64 = (v.astype(np.float64) for v in (x, w, b))
    np.testing.assert_allclose(out.data, x64 @ w64.T + b64, rtol=1e-5, atol=1e-4)


def test_linear_fast_path_records_second_order():
    x, w, b = _operands(16, 256, 256, np.float32, True, seed=3)
    weight = ag.tensor(w, requires_grad=True)
    xt = ag.tensor(x, requires_grad=True)
    loss = (F.linear(xt, weight, ag.tensor(b)) ** 2).sum()
    (gx,) = ag.grad(loss, xt, create_graph=True)
    # d/dx sum((x W^T + b)^2) = 2 (x W^T + b) W, and its derivative in W is recorded
    out = x @ w.T + b
    np.testing.assert_allclose(gx.data, 2 * out @ w, rtol=1e-4, atol=1e-2)
    (gw,) = ag.grad(gx.sum(), weight)
    assert gw.shape == w.shape and np.isfinite(gw.data).all()
    ones = np.ones_like(x)
    # d/dW sum(2 (x W^T + b) W) = 2 [ (ones W^T)^T x + (x W^T + b)^T ones ]
    expected = 2 * ((ones @ w.T).T @ x + out.T @ ones)
    np.testing.assert_allclose(gw.data, expected, rtol=1e-4, atol=1e-1)
