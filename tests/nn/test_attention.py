"""scaled_dot_product_attention and MultiheadAttention: against per-row numpy loops, gradcheck
and gradgradcheck on small float64 cases, masks (bool, float, causal, fully masked rows),
PyTorch's parameter names, and torch itself when installed (state_dict loaded, float64)."""
import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graphgrad.nn.functional as F
from graphgrad import autograd, nn
from graphgrad.autograd import ShapeError, Tensor
from graphgrad.autograd.testing import gradcheck, gradgradcheck
from graphgrad.nn.layers import attention


def ref_attention(q, k, v, keep=None, add=None, scale=None):
    """Row by row: scores, mask, softmax over kept keys (0 when none is kept), weighted sum."""
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    batch = q.shape[:-2]
    out = np.zeros(batch + (q.shape[-2], v.shape[-1]))
    for idx in np.ndindex(*batch):
        for i in range(q.shape[-2]):
            scores = np.array([q[idx][i] @ k[idx][j] * scale for j in range(k.shape[-2])])
            if add is not None:
                scores = scores + np.broadcast_to(add, q.shape[:-1] + (k.shape[-2],))[idx][i]
            allowed = np.isfinite(scores)
            if keep is not None:
                allowed &= np.broadcast_to(keep, q.shape[:-1] + (k.shape[-2],))[idx][i]
            if not allowed.any():
                continue
            e = np.where(allowed, np.exp(scores - scores[allowed].max()), 0.0)
            out[idx][i] = (e / e.sum()) @ v[idx]
    return out


@st.composite
def attention_cases(draw):
    batch = draw(st.lists(st.integers(1, 2), max_size=2))
    L, S, E, Ev = (draw(st.integers(1, 4)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    q, k, v = (rng.standard_normal(tuple(batch) + s) for s in ((L, E), (S, E), (S, Ev)))
    mask = draw(st.sampled_from(["none", "bool", "float", "causal"]))
    return q, k, v, mask, rng


@given(attention_cases())
def test_sdpa_matches_row_loops_and_gradcheck(case):
    q, k, v, kind, rng = case
    L, S = q.shape[-2], k.shape[-2]
    keep = add = None
    kwargs = {}
    if kind == "bool":
        keep = rng.random((L, S)) > 0.4  # some rows fully masked: output 0 there
        kwargs["attn_mask"] = keep
    elif kind == "float":
        add = np.where(rng.random((L, S)) > 0.3, rng.standard_normal((L, S)), -np.inf)
        kwargs["attn_mask"] = add
    elif kind == "causal":
        keep = np.tril(np.ones((L, S), bool))
        kwargs["is_causal"] = True
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), **kwargs)
    np.testing.assert_allclose(out.data, ref_attention(q, k, v, keep, add), rtol=1e-10,
                               atol=1e-12)
    tensors = tuple(Tensor(a, requires_grad=True) for a in (q, k, v))
    assert gradcheck(lambda *t: F.scaled_dot_product_attention(*t, **kwargs), tensors)


def test_sdpa_second_order_and_float_mask_gradient():
    rng = np.random.default_rng(0)
    q, k, v = (Tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((2, 3, 2), (2, 4, 2), (2, 4, 3)))
    bias = Tensor(rng.standard_normal((3, 4)), requires_grad=True)  # a learned float mask
    assert gradcheck(lambda *t: F.scaled_dot_product_attention(*t[:3], attn_mask=t[3]),
                     (q, k, v, bias))
    assert gradgradcheck(lambda *t: F.scaled_dot_product_attention(*t, is_causal=True),
                         (q, k, v))


def test_sdpa_fully_masked_rows_are_zero_with_finite_gradients():
    rng = np.random.default_rng(1)
    q, k, v = (Tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((3, 2), (4, 2), (4, 2)))
    keep = np.ones((3, 4), bool)
    keep[1] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    np.testing.assert_array_equal(out.data[1], 0.0)
    out.sum().backward()
    assert all(np.isfinite(t.grad.data).all() for t in (q, k, v))
    np.testing.assert_array_equal(q.grad.data[1], 0.0)


def test_sdpa_dropout_drops_attention_weights():
    rng = np.random.default_rng(2)
    q, k, v = (Tensor(rng.standard_normal((3, 4, 5))) for _ in range(3))
    autograd.manual_seed(7)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    autograd.manual_seed(7)
    weights = autograd.softmax(q @ k.swapaxes(-1, -2) * (1 / np.sqrt(5)), axis=-1)
    expected = F.dropout(weights, 0.25) @ v
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-6)
    assert not np.allclose(out.data, F.scaled_dot_product_attention(q, k, v).data)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).data, 0)


def test_sdpa_errors_name_the_op_and_shapes():
    x = autograd.randn(2, 3, 4)
    with pytest.raises(ShapeError, match=r"scaled_dot_product_attention.*\(2, 3, 5\)"):
        F.scaled_dot_product_attention(x, autograd.randn(2, 3, 5), x)
    with pytest.raises(ShapeError, match="attn_mask of shape"):
        F.scaled_dot_product_attention(x, x, x, attn_mask=np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="is_causal"):
        F.scaled_dot_product_attention(x, x, x, attn_mask=np.ones((3, 3), bool), is_causal=True)
    with pytest.raises(TypeError, match="bool or float"):
        F.scaled_dot_product_attention(x, x, x, attn_mask=np.ones((3, 3), int))
    with pytest.raises(ValueError, match="dropout_p"):
        F.scaled_dot_product_attention(x, x, x, dropout_p=1.5)
    with pytest.raises(ShapeError, match="enable_gqa"):
        F.scaled_dot_product_attention(autograd.randn(1, 3, 2, 4), autograd.randn(1, 2, 2, 4),
                                       autograd.randn(1, 2, 2, 4), enable_gqa=True)


SDPA_TORCH_CASES = [
    {}, {"is_causal": True}, {"scale": 0.3}, {"attn_mask": "bool"}, {"attn_mask": "float"},
    {"enable_gqa": True},
]


@pytest.mark.parametrize("kwargs", SDPA_TORCH_CASES, ids=str)
def test_sdpa_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    heads_kv = 2 if kwargs.get("enable_gqa") else 4
    arrays = (rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((2, heads_kv, 7, 6)),
              rng.standard_normal((2, heads_kv, 7, 3)))
    kwargs = dict(kwargs)
    if kwargs.get("attn_mask") == "bool":
        kwargs["attn_mask"] = rng.random((5, 7)) > 0.5
    elif kwargs.get("attn_mask") == "float":
        kwargs["attn_mask"] = rng.standard_normal((2, 1, 5, 7))
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    t_kwargs = {n: torch.tensor(a) if isinstance(a, np.ndarray) else a for n, a in kwargs.items()}
    out = F.scaled_dot_product_attention(*ours, **kwargs)
    t_out = torch.nn.functional.scaled_dot_product_attention(*theirs, **t_kwargs)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out ** 2).sum().backward()
    (t_out ** 2).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ MultiheadAttention
def ref_mha(mha, query, key, value, keep=None):
    """Per head, with separate projections: the textbook equations (batch first, numpy)."""
    e, h = mha.embed_dim, mha.num_heads
    d = e // h
    w, b = mha.in_proj_weight.data, mha.in_proj_bias.data
    q, k, v = (x @ w[i * e:(i + 1) * e].T + b[i * e:(i + 1) * e]
               for i, x in enumerate((query, key, value)))
    heads = [ref_attention(q[..., j * d:(j + 1) * d], k[..., j * d:(j + 1) * d],
                           v[..., j * d:(j + 1) * d], keep) for j in range(h)]
    return np.concatenate(heads, axis=-1) @ mha.out_proj.weight.data.T + mha.out_proj.bias.data


def test_mha_matches_per_head_equations_and_gradcheck():
    autograd.manual_seed(0)
    mha = nn.MultiheadAttention(6, 3, batch_first=True).double()
    for p in (mha.in_proj_bias, mha.out_proj.bias):  # zeros at init: make the check see them
        p.data = np.random.default_rng(4).standard_normal(p.shape)
    rng = np.random.default_rng(5)
    q, k, v = (rng.standard_normal(s) for s in ((2, 3, 6), (2, 4, 6), (2, 4, 6)))
    padding = np.array([[False, False, True, True], [True, True, True, True]])
    out, weights = mha(Tensor(q), Tensor(k), Tensor(v), key_padding_mask=padding)
    expected = ref_mha(mha, q, k, v, keep=~padding[:, None, :])
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(weights.data[1], 0.0)  # every key padded: zero, not NaN
    np.testing.assert_allclose(weights.data[0].sum(-1), 1.0)

    def fn(q, k, v, *params):
        return mha(q, k, v, key_padding_mask=padding, average_attn_weights=False)

    inputs = tuple(Tensor(a, requires_grad=True) for a in (q, k, v))
    assert gradcheck(fn, inputs + tuple(mha.parameters()))


def test_mha_names_shapes_init_and_unbatched():
    mha = nn.MultiheadAttention(8, 2)
    assert [(n, p.shape) for n, p in mha.named_parameters()] == [
        ("in_proj_weight", (24, 8)), ("in_proj_bias", (24,)), ("out_proj.weight", (8, 8)),
        ("out_proj.bias", (8,))]
    np.testing.assert_array_equal(mha.in_proj_bias.data, 0)
    assert np.abs(mha.in_proj_weight.data).max() <= np.sqrt(6 / 32)
    other = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True, bias=False)
    assert [n for n, _ in other.named_parameters()] == [
        "q_proj_weight", "k_proj_weight", "v_proj_weight", "bias_k", "bias_v",
        "out_proj.weight"]
    x = autograd.randn(5, 8)
    out, weights = mha(x, x, x)
    assert out.shape == (5, 8) and weights.shape == (5, 5)
    batched, _ = mha(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1))
    np.testing.assert_allclose(out.data, batched.data[:, 0], rtol=1e-6)
    assert mha(x, x, x, need_weights=False)[1] is None


def test_mha_dropout_only_while_training():
    autograd.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, dropout=0.5)
    x = autograd.randn(4, 3, 8)
    first, second = mha(x, x, x)[0], mha(x, x, x)[0]
    assert not np.allclose(first.data, second.data)
    mha.eval()
    np.testing.assert_array_equal(mha(x, x, x)[0].data, mha(x, x, x)[0].data)


def test_mha_bad_arguments():
    with pytest.raises(ValueError, match="divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="num_heads"):
        nn.MultiheadAttention(8, 0)
    mha = nn.MultiheadAttention(8, 2)
    x = autograd.randn(5, 2, 8)
    with pytest.raises(ShapeError, match=r"MultiheadAttention.*\(5, 2, 7\)"):
        mha(x, autograd.randn(5, 2, 7), x)
    with pytest.raises(ShapeError, match=r"attn_mask of shape \(4, 5\)"):
        mha(x, x, x, attn_mask=np.zeros((4, 5), bool))
    with pytest.raises(ShapeError, match=r"key_padding_mask of shape \(5, 2\)"):
        mha(x, x, x, key_padding_mask=np.zeros((5, 2), bool))


MHA_TORCH_CASES = [
    ({}, {}, True), ({"batch_first": True}, {}, True), ({}, {"average_attn_weights": False}, False),
    ({}, {"need_weights": False}, False), ({}, {"attn_mask": "bool"}, False),
    ({}, {"attn_mask": "float"}, False), ({}, {"attn_mask": "3d"}, False),
    ({}, {"key_padding_mask": "bool", "attn_mask": "bool"}, False),
    ({"kdim": 3, "vdim": 5}, {}, False), ({"bias": False}, {}, False),
    ({"add_bias_kv": True}, {"key_padding_mask": "bool", "attn_mask": "bool"}, False),
    ({"add_zero_attn": True}, {"key_padding_mask": "bool", "attn_mask": "bool"}, False),
]


@pytest.mark.parametrize(("init_kw", "call_kw", "self_attention"), MHA_TORCH_CASES, ids=str)
def test_mha_matches_torch(init_kw, call_kw, self_attention):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(8, 2, **init_kw).double()
    ours = nn.MultiheadAttention(8, 2, **init_kw).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(6)
    batch_first = init_kw.get("batch_first", False)
    L, S, N = 4, 6, 2
    shape = (lambda n, d: (N, n, d)) if batch_first else (lambda n, d: (n, N, d))
    arrays = [rng.standard_normal(shape(L, 8)), rng.standard_normal(shape(S, init_kw.get(
        "kdim", 8))), rng.standard_normal(shape(S, init_kw.get("vdim", 8)))]
    masks = {"bool": rng.random((L, S)) > 0.7, "float": rng.standard_normal((L, S)),
             "3d": rng.random((N * 2, L, S)) > 0.7}
    call_kw = {n: (masks[m] if n == "attn_mask" else np.array([[False] * 3 + [True] * 3,
                                                               [False] * 6]))
               if isinstance(m, str) else m for n, m in call_kw.items()}
    if self_attention:
        ours_in = [Tensor(arrays[0], requires_grad=True)] * 3
        theirs_in = [torch.tensor(arrays[0], requires_grad=True)] * 3
    else:
        ours_in = [Tensor(a, requires_grad=True) for a in arrays]
        theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, weights = ours(*ours_in, **call_kw)
    t_out, t_weights = theirs(*theirs_in, **{n: torch.tensor(a) if isinstance(a, np.ndarray)
                                              else a for n, a in call_kw.items()})
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    loss, t_loss = (out ** 2).sum(), (t_out ** 2).sum()
    if t_weights is not None:
        np.testing.assert_allclose(weights.data, t_weights.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)
        loss, t_loss = loss + (weights ** 3).sum(), t_loss + (t_weights ** 3).sum()
    loss.backward()
    t_loss.backward()
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)
    ours_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(ours_params[name].grad.data, p.grad.numpy(), rtol=1e-9,
                                   atol=1e-12)


def test_docstring_examples_run():
    from graphgrad.nn.layers import transformer
    for module in (attention, transformer):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
