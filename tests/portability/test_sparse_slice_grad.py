"""The gradient of ``x[index]`` stays sparse on every device (``autograd/indexed_grad.py``).

Slicing a sequence at each of T steps (an RNN) must not build T dense gradients of the
whole sequence (O(T^2)): ``GetItem``'s rule returns an ``IndexedGrad`` on every library,
the engine sums those by collecting their parts and densifies the sum once. Checked on
array-api-strict's devices (``device1`` refuses any copy to numpy) against numpy's values.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import backend
from graphgrad.autograd.indexed_grad import IndexedGrad

pytest.importorskip("array_api_strict")

DEVICES = ["cpu", "array_api_strict", "array_api_strict:device1", "array_api_strict:no_float64"]


def _sequence_loss(x, w):
    """An RNN-like loop reading x[:, t] at every step, plus a dense and a fancy use of x."""
    h = x[:, 0] * 0.0
    for t in range(x.shape[1]):
        h = gg.tanh(x[:, t] @ w + h)
    repeated = x[gg.tensor(np.array([1, 1, 0]), device=x.device)]  # repeats accumulate
    return (h * h).sum() + (x * 0.5).sum() + x[:, ::2].sum() + repeated.sum()


def _gradients(device, dtype):
    rng = np.random.default_rng(3)
    x = gg.tensor(rng.standard_normal((3, 7, 4)).astype(dtype), requires_grad=True,
                  device=device)
    w = gg.tensor((0.3 * rng.standard_normal((4, 4))).astype(dtype), requires_grad=True,
                  device=device)
    _sequence_loss(x, w).backward()
    assert x.grad.device == gg.device(device) and x.grad.dtype == dtype
    return backend.to_host(x.grad.data), backend.to_host(w.grad.data)


@pytest.mark.parametrize("device", DEVICES)
def test_slice_gradients_sum_sparsely_and_densify_once(device, monkeypatch):
    dtype = np.float32 if device.endswith("no_float64") else np.float64
    densified = []
    original = IndexedGrad.to_dense

    def counting(self):
        densified.append(len(self.parts))
        return original(self)

    monkeypatch.setattr(IndexedGrad, "to_dense", counting)
    got = _gradients(device, dtype)
    # x's gradient: x[:, 0] for h's start, 7 step slices, the strided slice and the repeated
    # rows (the dense use is the base), summed as parts and made one dense array once
    assert densified == [10]
    monkeypatch.setattr(IndexedGrad, "to_dense", original)
    expected = _gradients("cpu", dtype)
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12}
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, **tolerance)


@pytest.mark.parametrize("device", DEVICES[1:])
def test_getitem_rule_returns_an_indexed_grad_on_the_device(device):
    x = gg.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3), requires_grad=True, device=device)
    y = x[1]
    grad = gg.ones(3, dtype=x.dtype, device=device).data
    (sparse,) = (y.grad_fn.backward(y.grad_fn, grad),)
    assert type(sparse) is IndexedGrad
    dense = sparse.to_dense()
    assert backend.is_foreign_array(dense)
    np.testing.assert_array_equal(backend.to_host(dense), [[0, 0, 0], [1, 1, 1]])
