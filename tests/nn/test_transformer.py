"""Transformer encoder/decoder layers and stacks: PyTorch's submodule and parameter names,
post-norm and pre-norm blocks against the equations written out, gradcheck on a tiny float64
layer, and torch itself when installed (state_dict loaded, values and gradients)."""
import numpy as np
import pytest

from graphgrad import autograd, nn
from graphgrad.autograd import Tensor
from graphgrad.autograd.testing import gradcheck

ENCODER_NAMES = [
    "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
    "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
    "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
DECODER_NAMES = ENCODER_NAMES[:4] + [n.replace("self_attn", "multihead_attn")
                                     for n in ENCODER_NAMES[:4]] + ENCODER_NAMES[4:] + [
    "norm3.weight", "norm3.bias"]


def test_names_follow_pytorch():
    enc = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert [n for n, _ in enc.named_parameters()] == ENCODER_NAMES
    assert [n for n, _ in enc.named_children()] == [
        "self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"]
    dec = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    assert [n for n, _ in dec.named_parameters()] == DECODER_NAMES
    stack = nn.TransformerEncoder(enc, 2, norm=nn.LayerNorm(8))
    assert [n for n, _ in stack.named_parameters()] == (
        [f"layers.0.{n}" for n in ENCODER_NAMES] + [f"layers.1.{n}" for n in ENCODER_NAMES]
        + ["norm.weight", "norm.bias"])
    assert stack.layers[0] is not enc and stack.layers[0].linear1 is not stack.layers[1].linear1


def ref_encoder_layer(layer, x, keep, norm_first, activation):
    """The block written out with the library's attention, LayerNorm and Linear pieces."""
    def attn(y):
        return layer.self_attn(y, y, y, attn_mask=~keep, need_weights=False)[0]

    def ff(y):
        return layer.linear2(activation(layer.linear1(y)))

    if norm_first:
        x = x + attn(layer.norm1(x))
        return x + ff(layer.norm2(x))
    x = layer.norm1(x + attn(x))
    return layer.norm2(x + ff(x))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_equations_and_gradcheck(norm_first):
    autograd.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0,
                                       activation=autograd.tanh, norm_first=norm_first,
                                       batch_first=True).double()
    x = Tensor(np.random.default_rng(0).standard_normal((2, 3, 4)), requires_grad=True)
    keep = np.tril(np.ones((3, 3), bool))
    out = layer(x, src_mask=~keep)
    np.testing.assert_allclose(out.data, ref_encoder_layer(layer, x, keep, norm_first,
                                                           autograd.tanh).data, rtol=1e-12)
    np.testing.assert_allclose(layer(x, is_causal=True).data, out.data, rtol=1e-12)
    assert gradcheck(lambda x, *p: layer(x, src_mask=~keep), (x,) + tuple(layer.parameters()))


def test_decoder_stack_gradcheck():
    autograd.manual_seed(1)
    layer = nn.TransformerDecoderLayer(4, 2, dim_feedforward=5, dropout=0.0)
    model = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(4)).double()
    rng = np.random.default_rng(1)
    tgt = Tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    memory = Tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    padding = np.array([[False] * 4 + [True], [False] * 5])
    assert gradcheck(lambda t, m: model(t, m, tgt_is_causal=True,
                                        memory_key_padding_mask=padding), (tgt, memory))


def test_dropout_only_in_training_and_bad_arguments():
    autograd.manual_seed(2)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.3)
    x = autograd.randn(4, 3, 8)
    assert not np.allclose(layer(x).data, layer(x).data)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerEncoderLayer(8, 2, activation="swish")
    with pytest.raises(ValueError, match="divisible"):
        nn.TransformerDecoderLayer(9, 2)
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerEncoder(layer, 0)


TORCH_CASES = [(cls, norm_first, activation, batch_first)
               for cls in ("TransformerEncoderLayer", "TransformerDecoderLayer")
               for norm_first in (False, True) for activation in ("relu", "gelu")
               for batch_first in (False, True)]


@pytest.mark.parametrize(("cls", "norm_first", "activation", "batch_first"), TORCH_CASES)
def test_layers_match_torch(cls, norm_first, activation, batch_first):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    kwargs = dict(dim_feedforward=16, dropout=0.0, activation=activation, norm_first=norm_first,
                  batch_first=batch_first)
    theirs = getattr(torch.nn, cls)(8, 2, **kwargs).double()
    ours = getattr(nn, cls)(8, 2, **kwargs).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 8))
    length = 5 if batch_first else 3
    causal = np.triu(np.ones((length, length), bool), 1)
    padding = np.zeros((3, 5) if batch_first else (5, 3), bool)
    padding[0, -1] = True
    tx, ax = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    if cls == "TransformerEncoderLayer":
        out = ours(ax, src_mask=causal, src_key_padding_mask=padding)
        t_out = theirs(tx, src_mask=torch.tensor(causal),
                       src_key_padding_mask=torch.tensor(padding))
    else:
        memory = rng.standard_normal((3, 4, 8) if batch_first else (4, 5, 8))
        mem_padding = np.zeros((3, 4) if batch_first else (5, 4), bool)
        mem_padding[1, 0] = True
        out = ours(ax, Tensor(memory), tgt_mask=causal, memory_key_padding_mask=mem_padding)
        t_out = theirs(tx, torch.tensor(memory), tgt_mask=torch.tensor(causal),
                       memory_key_padding_mask=torch.tensor(mem_padding))
    # NOTE: gelu's erf is a float32-accurate fit (relative error < 1.2e-7), hence the tolerance.
    tol = dict(rtol=1e-6, atol=1e-6) if activation == "gelu" else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), **tol)
    (out ** 2).sum().backward()
    (t_out ** 2).sum().backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), **tol)
    params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(params[name].grad.data, p.grad.numpy(), **tol)


def test_encoder_stack_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0), 2,
                                         norm=torch.nn.LayerNorm(8),
                                         enable_nested_tensor=False).double()
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0), 2,
                                 norm=nn.LayerNorm(8)).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((5, 3, 8))
    padding = np.zeros((3, 5), bool)
    padding[0, 2:] = True
    np.testing.assert_allclose(
        ours(Tensor(x), src_key_padding_mask=padding).data,
        theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(padding)).detach().numpy(),
        rtol=1e-10, atol=1e-12)
