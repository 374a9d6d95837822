"""Attention on array-api-strict: the same numbers as numpy, masks on the query's device.

``scaled_dot_product_attention``, ``MultiheadAttention`` and the Transformer layers run on
``array_api_strict`` (its default device), ``device1`` (a second device: any silent copy to
numpy raises there) and ``no_float64`` (float32 only). Each case runs once on numpy and once
on the device from the same values: the forward values and the gradient of every input,
mask and parameter must agree (float64: to rounding; float32: to float32 tolerances), and a
small Transformer trains three Adam steps on the device exactly as on numpy (1e-6).
"""
import copy

import numpy as np
import pytest

import graphgrad as gg
import graphgrad.nn.functional as F
from graphgrad import nn
from graphgrad.autograd import DeviceError, backend
from graphgrad.autograd.devices import device_of
from graphgrad.nn.layers.attention import causal_mask
from tests.portability.nn_device_checks import (
    DEVICES,
    FLOAT64,
    assert_gradients_alike,
    assert_trained_alike,
    dtype_on,
    host,
    leaf,
    tolerance_on,
)

pytest.importorskip("array_api_strict")

SDPA_CASES = {
    # name: (shapes of q, k, v; keyword arguments, "mask" replaced by the mask of that kind)
    "plain": (((2, 3, 4), (2, 5, 4), (2, 5, 3)), {}),
    "bool-mask": (((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"attn_mask": "bool"}),
    "float-mask": (((3, 4), (5, 4), (5, 2)), {"attn_mask": "float"}),
    "float-tensor-mask": (((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"attn_mask": "tensor"}),
    "dead-rows": (((2, 3, 4), (2, 5, 4), (2, 5, 3)), {"attn_mask": "dead"}),
    "causal": (((1, 2, 4, 3), (1, 2, 4, 3), (1, 2, 4, 2)), {"is_causal": True, "scale": 0.7}),
    "gqa": (((1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3)), {"enable_gqa": True}),
}


def _mask(kind, shape, rng):
    if kind == "bool":
        return rng.random(shape) > 0.3
    if kind == "dead":  # row 1 sees no key: weights 0, finite gradients
        keep = rng.random(shape) > 0.3
        keep[..., 1, :] = False
        return keep
    return rng.standard_normal(shape)


def _sdpa(case, where, dtype):
    """Forward and gradients of q, k, v (and a float Tensor mask) on ``where``."""
    shapes, kwargs = SDPA_CASES[case]
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(s) for s in shapes)
    leaves = [leaf(a, where, dtype) for a in (q, k, v)]
    kwargs = dict(kwargs)
    kind = kwargs.get("attn_mask")
    if kind is not None:
        mask = _mask(kind, shapes[0][:-1] + (shapes[1][-2],), rng)
        if kind == "tensor":
            leaves.append(leaf(mask, where, dtype))
            kwargs["attn_mask"] = leaves[-1]
        else:  # a host (numpy) mask: moved to the query's device
            kwargs["attn_mask"] = mask.astype(dtype) if mask.dtype.kind == "f" else mask
    out = F.scaled_dot_product_attention(*leaves[:3], **kwargs)
    weights = rng.standard_normal(out.shape)
    (out * gg.tensor(weights.astype(dtype), device=where)).sum().backward()
    return out, leaves


@pytest.mark.parametrize("where", DEVICES)
@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_on_a_device_matches_numpy(case, where):
    dtype = dtype_on(where)
    expected, expected_leaves = _sdpa(case, "cpu", dtype)
    got, leaves = _sdpa(case, where, dtype)
    assert str(got.device) == where
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(host(got), host(expected), **tolerance_on(where))
    assert np.isfinite(host(got)).all()
    for a, b in zip(leaves, expected_leaves):
        assert a.grad.device == got.device
        np.testing.assert_allclose(host(a.grad), host(b.grad), **tolerance_on(where))


def test_sdpa_mask_on_another_device_raises_device_error():
    q = gg.ones((2, 3, 4), device="array_api_strict:device1")
    on_other = gg.tensor(np.ones((3, 3), bool), device="array_api_strict").data
    with pytest.raises(DeviceError, match="scaled_dot_product_attention.*device1"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=on_other)
    cpu_tensor = gg.zeros((3, 3))  # a Tensor mask is not moved (it may need a gradient)
    with pytest.raises(DeviceError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=cpu_tensor)
    mha = nn.MultiheadAttention(4, 2).to("array_api_strict:device1")
    with pytest.raises(DeviceError, match="MultiheadAttention"):
        mha(q, q, q, key_padding_mask=on_other[:, :2])


@pytest.mark.parametrize("where", DEVICES)
def test_causal_mask_is_made_on_the_device(where):
    mask = causal_mask(3, 4, device=where)
    assert str(device_of(mask)) == where
    np.testing.assert_array_equal(backend.to_host(mask), causal_mask(3, 4))
    assert causal_mask(3, 4).dtype == np.float32
    assert causal_mask(2, 2, np.float64).dtype == np.float64


MHA_CASES = [
    # (constructor keywords, call keywords, self-attention)
    ({}, {}, True),
    ({"batch_first": True}, {"average_attn_weights": False}, False),
    ({}, {"attn_mask": "bool", "key_padding_mask": "bool"}, False),
    ({}, {"attn_mask": "float"}, False),
    ({}, {"attn_mask": "3d", "is_causal": True}, False),
    ({}, {"is_causal": True}, True),
    ({"kdim": 3, "vdim": 5, "bias": False}, {"need_weights": False}, False),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"attn_mask": "bool",
                                                    "key_padding_mask": "bool"}, False),
]
L, S, N, E = 4, 6, 2, 8


def _mha(init_kw, call_kw, self_attention, where, dtype, unbatched=False):
    """Output, weights, inputs and module after ``backward`` of a loss of both, on ``where``."""
    gg.manual_seed(0)
    module = nn.MultiheadAttention(E, 2, **init_kw).to("cpu", dtype).to(where)
    rng = np.random.default_rng(6)
    batch_first = init_kw.get("batch_first", False)

    def shape(n, d):
        if unbatched:
            return (n, d)
        return (N, n, d) if batch_first else (n, N, d)

    arrays = [rng.standard_normal(shape(L, E)),
              rng.standard_normal(shape(S, init_kw.get("kdim", E))),
              rng.standard_normal(shape(S, init_kw.get("vdim", E)))]
    masks = {"bool": rng.random((L, S)) > 0.7, "float": rng.standard_normal((L, S)).astype(dtype),
             "3d": rng.random((N * 2, L, S)) > 0.7}
    padding = np.array([[False] * 3 + [True] * 3, [False] * 6])
    call_kw = {name: (masks[m] if name == "attn_mask" else padding[:1 if unbatched else 2])
               if isinstance(m, str) else m for name, m in call_kw.items()}
    inputs = [leaf(arrays[0], where, dtype)] * 3 if self_attention else [
        leaf(a, where, dtype) for a in arrays]
    out, weights = module(*inputs, **call_kw)
    loss = (out ** 2).sum()
    if weights is not None:
        loss = loss + (weights ** 3).sum()
    loss.backward()
    return out, weights, inputs, module


@pytest.mark.parametrize("where", DEVICES)
@pytest.mark.parametrize(("init_kw", "call_kw", "self_attention"), MHA_CASES, ids=str)
def test_multihead_attention_on_a_device_matches_numpy(init_kw, call_kw, self_attention, where):
    dtype, tolerance = dtype_on(where), tolerance_on(where)
    got = _mha(init_kw, call_kw, self_attention, where, dtype)
    expected = _mha(init_kw, call_kw, self_attention, "cpu", dtype)
    for a, b in zip(got[:2], expected[:2]):
        if b is None:
            assert a is None
            continue
        assert str(a.device) == where
        np.testing.assert_allclose(host(a), host(b), **tolerance)
    for a, b in zip(got[2], expected[2]):
        np.testing.assert_allclose(host(a.grad), host(b.grad), **tolerance)
    assert_gradients_alike(got[3], expected[3], where)


def test_multihead_attention_unbatched_on_device1():
    where, kwargs = "array_api_strict:device1", {"key_padding_mask": "bool", "attn_mask": "bool"}
    got = _mha({}, kwargs, False, where, np.float64, unbatched=True)
    expected = _mha({}, kwargs, False, "cpu", np.float64, unbatched=True)
    assert got[0].shape == (L, E)
    np.testing.assert_allclose(host(got[0]), host(expected[0]), **FLOAT64)
    for a, b in zip(got[2], expected[2]):
        np.testing.assert_allclose(host(a.grad), host(b.grad), **FLOAT64)


class _TinyTransformer(nn.Module):
    """An encoder (2 layers, pre- and post-norm) and a decoder layer, then a linear head."""

    def __init__(self) -> None:
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.decoder = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                                  batch_first=True, norm_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, src, tgt, padding):
        memory = self.encoder(src, src_key_padding_mask=padding)
        out = self.decoder(tgt, memory, tgt_is_causal=True,
                           tgt_mask=causal_mask(tgt.shape[1], tgt.shape[1], np.float64),
                           memory_key_padding_mask=padding)
        return self.head(out)


def _train_transformer(where, steps=3):
    gg.manual_seed(2)
    model = _TinyTransformer().to("cpu", np.float64)
    model = copy.deepcopy(model).to(where)
    rng = np.random.default_rng(2)
    src, tgt = (gg.tensor(rng.standard_normal(s), device=where) for s in ((2, 5, 8), (2, 4, 8)))
    target = gg.tensor(rng.standard_normal((2, 4, 3)), device=where)
    padding = np.array([[False] * 5, [False] * 3 + [True] * 2])
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(src, tgt, padding), target)
        loss.backward()
        optimizer.step()
        losses.append(float(host(loss)))
    return losses, model


@pytest.mark.parametrize("where", DEVICES[:2])
def test_transformer_trains_on_a_device_as_on_numpy(where):
    losses, model = _train_transformer(where)
    expected_losses, expected = _train_transformer("cpu")
    assert_trained_alike(losses, expected_losses, model, expected, where)
