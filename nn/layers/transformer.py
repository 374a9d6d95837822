"""Transformer layers: encoder and decoder layers and stacks, as PyTorch.

Submodule names (``self_attn``, ``multihead_attn``, ``linear1``, ``dropout``,
``linear2``, ``norm1``..``norm3``, ``dropout1``..``dropout3``, ``layers.K``,
``norm``), arguments and defaults are PyTorch's, so its state_dict loads
unchanged. ``norm_first=False`` is the original post-norm block
``x = norm(x + sublayer(x))``; ``norm_first=True`` the pre-norm block
``x = x + sublayer(norm(x))``.
"""
import copy
from collections.abc import Callable

from ...autograd import Tensor
from ...autograd.typing import DTypeLike
from .. import functional as F
from .._validate import positive_int, probability
from ..containers import ModuleList
from ..module import Module
from .attention import Mask, MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .norm import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
    "TransformerDecoder"]

#: ``activation=``: "relu", "gelu" or a function of a Tensor.
Activation = str | Callable[[Tensor], Tensor]

_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation: Activation, op: str) -> Callable[[Tensor], Tensor]:
    if callable(activation):
        return activation
    if activation not in _ACTIVATIONS:
        raise ValueError(f"{op}: activation should be 'relu', 'gelu' or a callable, "
                         f"got {activation!r}")
    return _ACTIVATIONS[activation]


class _Block(Module):
    """What encoder and decoder layers share: checks, submodules (PyTorch's order), blocks."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int, dropout: float,
                 activation: Activation, layer_norm_eps: float, batch_first: bool,
                 norm_first: bool, bias: bool, dtype: DTypeLike, decoder: bool) -> None:
        super().__init__()
        op = type(self).__name__
        d_model = positive_int("d_model", d_model, op)
        nhead = positive_int("nhead", nhead, op)
        dim_feedforward = positive_int("dim_feedforward", dim_feedforward, op)
        dropout = probability("dropout", dropout, op)
        self.activation = _activation(activation, op)
        self.batch_first, self.norm_first = batch_first, norm_first
        heads = 2 if decoder else 1
        for name in ("self_attn", "multihead_attn")[:heads]:
            setattr(self, name, MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                   batch_first=batch_first, dtype=dtype))
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        for k in range(1, heads + 2):
            setattr(self, f"norm{k}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias))
        for k in range(1, heads + 2):
            setattr(self, f"dropout{k}", Dropout(dropout))
        if dtype is not None:
            self.to(dtype)

    def _ff_block(self, x: Tensor, dropout_out: Module) -> Tensor:
        return dropout_out(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _sa_block(self, x: Tensor, attn_mask: Mask | None, key_padding_mask: Mask | None,
                  is_causal: bool, dropout_out: Module) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        return dropout_out(out)


class TransformerEncoderLayer(_Block):
    """Self-attention then a feed-forward block, each with a residual and a LayerNorm.

    Parameters
    ----------
    d_model, nhead : int
    dim_feedforward : int
        Width of the hidden layer of the feed-forward block (default 2048).
    dropout : float
        On the attention weights, in the feed-forward block and on each residual branch.
    activation : "relu", "gelu" or a callable
    layer_norm_eps, batch_first, norm_first, bias
        As PyTorch.

    Notes
    -----
    ``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)``:
    masks as :class:`MultiheadAttention`.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True)
    >>> layer(gg.randn(2, 5, 16)).shape
    (2, 5, 16)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Activation = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True,
                 dtype: DTypeLike = None) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                         batch_first, norm_first, bias, dtype, decoder=False)

    def forward(self, src: Tensor, src_mask: Mask | None = None,
                src_key_padding_mask: Mask | None = None, is_causal: bool = False) -> Tensor:
        """Encode ``src`` ((S, N, E), or (N, S, E) with ``batch_first``, or (S, E)).

        Calling the module runs this. With ``is_causal=True`` (and no ``src_mask``) each
        position attends only to itself and earlier ones.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer = layer.eval()  # no dropout
        >>> x = gg.randn(1, 4, 8)
        >>> later_changed = gg.concatenate([x[:, :1], gg.randn(1, 3, 8)], axis=1)
        >>> a, b = layer.forward(x, is_causal=True), layer.forward(later_changed, is_causal=True)
        >>> bool(np.allclose(a[:, 0].numpy(), b[:, 0].numpy()))  # position 0 sees only itself
        True
        """
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal,
                                   self.dropout1)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal,
                                          self.dropout1))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_Block):
    """Self-attention, attention to ``memory``, then feed-forward; residuals and LayerNorms.

    Arguments as :class:`TransformerEncoderLayer`. ``forward(tgt, memory, tgt_mask=None,
    memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None,
    tgt_is_causal=False, memory_is_causal=False)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.TransformerDecoderLayer(16, 4, dim_feedforward=32, batch_first=True)
    >>> layer(gg.randn(2, 3, 16), gg.randn(2, 5, 16)).shape
    (2, 3, 16)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Activation = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True,
                 dtype: DTypeLike = None) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                         batch_first, norm_first, bias, dtype, decoder=True)

    def _mha_block(self, x: Tensor, memory: Tensor, attn_mask: Mask | None,
                   key_padding_mask: Mask | None, is_causal: bool) -> Tensor:
        out = self.multihead_attn(x, memory, memory, attn_mask=attn_mask,
                                  key_padding_mask=key_padding_mask, need_weights=False,
                                  is_causal=is_causal)[0]
        return self.dropout2(out)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Mask | None = None,
                memory_mask: Mask | None = None, tgt_key_padding_mask: Mask | None = None,
                memory_key_padding_mask: Mask | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        """Decode ``tgt`` attending to ``memory`` (the encoder's output).

        Calling the module runs this. The output has ``tgt``'s shape; ``memory`` may have
        another length.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> tgt, memory = gg.randn(2, 3, 8), gg.randn(2, 5, 8)
        >>> layer.forward(tgt, memory, tgt_is_causal=True).shape
        (2, 3, 8)
        """
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal, self.dropout1)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal,
                                          self.dropout1))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x, self.dropout3))


def _clones(layer: Module, num_layers: int, op: str) -> tuple[ModuleList, int]:
    num_layers = positive_int("num_layers", num_layers, op)
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)]), num_layers


class TransformerEncoder(Module):
    """``num_layers`` deep copies of ``encoder_layer`` in sequence, then ``norm`` if given.

    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)`` passes the
    masks to every layer. (``enable_nested_tensor`` and ``mask_check`` are accepted
    for PyTorch's signature and have no effect.)

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    >>> nn.TransformerEncoder(layer, num_layers=3)(gg.randn(5, 2, 8)).shape
    (5, 2, 8)
    """

    def __init__(self, encoder_layer: "TransformerEncoderLayer", num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.layers, self.num_layers = _clones(encoder_layer, num_layers, "TransformerEncoder")
        self.norm = norm

    def forward(self, src: Tensor, mask: Mask | None = None,
                src_key_padding_mask: Mask | None = None, is_causal: bool | None = None) -> Tensor:
        """Run ``src`` through every layer (and the final norm); calling the module runs
        this.

        ``src_key_padding_mask`` (N, S) is True at padding positions: no other position
        attends to them.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> encoder = nn.TransformerEncoder(layer, num_layers=2).eval()
        >>> x, pad = gg.randn(1, 4, 8), np.array([[False, False, False, True]])
        >>> padding_changed = gg.concatenate([x[:, :3], gg.randn(1, 1, 8)], axis=1)
        >>> a = encoder.forward(x, src_key_padding_mask=pad)
        >>> b = encoder.forward(padding_changed, src_key_padding_mask=pad)
        >>> bool(np.allclose(a[:, :3].numpy(), b[:, :3].numpy(), atol=1e-6))
        True
        """
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(Module):
    """``num_layers`` deep copies of ``decoder_layer`` in sequence, then ``norm`` if given.

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    >>> nn.TransformerDecoder(layer, 2)(gg.randn(3, 2, 8), gg.randn(5, 2, 8)).shape
    (3, 2, 8)
    """

    def __init__(self, decoder_layer: "TransformerDecoderLayer", num_layers: int,
                 norm: Module | None = None) -> None:
        super().__init__()
        self.layers, self.num_layers = _clones(decoder_layer, num_layers, "TransformerDecoder")
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Mask | None = None,
                memory_mask: Mask | None = None, tgt_key_padding_mask: Mask | None = None,
                memory_key_padding_mask: Mask | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        """Run ``tgt`` through every layer, each attending to ``memory``.

        Calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> decoder = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(8))
        >>> decoder.forward(gg.randn(2, 3, 8), gg.randn(2, 7, 8)).shape
        (2, 3, 8)
        """
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)
