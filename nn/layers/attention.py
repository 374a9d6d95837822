"""Attention: ``scaled_dot_product_attention`` and ``MultiheadAttention``, as PyTorch.

Composed from autograd ops (batched ``matmul``, the fused ``softmax``, ``where``),
so gradients of every order come from the engine. Masks become one additive
float mask (0 where a key takes part, ``-inf`` where it does not) added to the
scores before the softmax.

A query row whose keys are ALL masked gets weights 0 and output 0, with finite
(zero) gradients, as torch 2.13's ``scaled_dot_product_attention``. PyTorch's
``MultiheadAttention`` gives NaN for such rows when ``need_weights=True`` or on its
inference fast path; ours gives 0 there too.

On a device everything runs in the query's array library, on its device: masks given as
numpy arrays or lists are copied there (as index arrays are), the causal mask is made
there, and a mask (array or Tensor) on another device raises ``DeviceError``.
"""
import math
from typing import Any

from ... import autograd
from ...autograd import ShapeError, Tensor, backend, devices
from ...autograd.typing import DeviceLike, DTypeLike
from .. import functional as F
from .. import init
from .._functional_distance import _broadcast_shapes
from .._validate import positive_int, probability
from ..module import Module, Parameter
from .linear import Linear

__all__ = ["causal_mask", "attend", "scaled_dot_product_attention", "MultiheadAttention"]

#: A mask as the attention functions take it: bool (where to attend) or float (added); a
#: Tensor or an array of any library (numpy's is moved to the query's device) or a list.
Mask = Tensor | Any


# ------------------------------------------------------------------ masks
def _raw(value: Mask) -> Any:
    return value.data if isinstance(value, Tensor) else backend.as_array(value)


def _on_device(mask: Mask, like: Any, op: str) -> Mask:
    """``mask`` on the device of the array ``like`` (the query's), as the masks' arithmetic needs.

    A host mask (numpy array, list) is copied to that device, as an index array is; a
    Tensor is kept (a float mask may be differentiable); a mask on another device raises
    ``DeviceError`` naming ``op`` and both devices.
    """
    raw = _raw(mask)
    if not isinstance(mask, Tensor) and backend.is_numpy(raw) and not backend.is_numpy(like):
        return devices.move(raw, devices.device_of(like))
    devices.check_same_device(op, like, raw)
    return mask if isinstance(mask, Tensor) else raw


def _reshape(mask: Mask, shape: tuple[int, ...]) -> Mask:
    if isinstance(mask, Tensor):
        return mask.reshape(shape)
    return backend.namespace(mask).reshape(mask, shape)


def _where_kept(keep: Any, dtype: Any) -> Any:
    """A bool array as an additive mask in ``dtype``: 0 where True, ``-inf`` where False."""
    xp = backend.namespace(keep)
    zero = xp.asarray(0.0, dtype=dtype, device=keep.device)
    return xp.where(keep, zero, xp.asarray(-math.inf, dtype=dtype, device=keep.device))


def _additive(mask: Mask, dtype: Any, keep_when_true: bool, op: str) -> Mask:
    """A bool mask as 0 / -inf in ``dtype``; a float mask is returned as it is (added).

    ``mask`` is on the query's device already (``_on_device``) and ``dtype`` is of its library.
    """
    raw = _raw(mask)
    kind = backend.dtype_kind(raw.dtype)
    if kind == "b":
        return _where_kept(raw if keep_when_true else ~raw, dtype)
    if kind != "f":
        raise TypeError(f"{op}: a mask must be bool or float, got dtype "
                        f"{backend.numpy_dtype(raw.dtype)}")
    return mask if isinstance(mask, Tensor) else backend.namespace(raw).astype(raw, dtype)


def _causal(size_q: int, size_k: int, xp: Any, dtype: Any, device: Any) -> Any:
    """The additive causal mask in namespace ``xp`` on ``device``: key j is kept for j <= i."""
    rows = xp.arange(size_q, device=device)[:, None]
    return _where_kept(rows >= xp.arange(size_k, device=device)[None, :], dtype)


def _scores_dtype(query: Any) -> Any:
    """The masks' dtype: numpy's ``result_type(query.dtype, float32)`` in the query's library."""
    xp = backend.namespace(query)
    return xp.result_type(query.dtype, xp.float32)


def causal_mask(size_q: int, size_k: int, dtype: DTypeLike = autograd.float32,
                device: DeviceLike = None) -> Any:
    """Additive causal mask (size_q, size_k): 0 on and below the diagonal, -inf above.

    Query i sees keys 0..i (PyTorch's top-left aligned ``tril``). The mask is an array of
    ``device``'s library made there (numpy's on the CPU, the default).

    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.layers.attention.causal_mask(2, 3)
    array([[  0., -inf, -inf],
           [  0.,   0., -inf]], dtype=float32)
    """
    where = devices.to_device("causal_mask", device) or devices.device("cpu")
    xp = where.backend.xp
    return _causal(size_q, size_k, xp, backend.dtype_in(xp, dtype), where.native)


def _add_masks(first: Mask | None, second: Mask | None) -> Mask | None:
    if first is None:
        return second
    if second is None:
        return first
    return first + second


def attend(query: Tensor, key: Tensor, value: Tensor, mask: Mask | None = None,
           dropout_p: float = 0.0) -> tuple[Tensor, Tensor]:
    """Scaled scores ``query @ key^T`` (query already scaled), mask, softmax, dropout, ``@ value``.

    ``mask`` is additive (array or Tensor) broadcastable to the scores. Rows whose
    keys are all masked get weights 0. Returns ``(output, weights)``.
    """
    scores = query @ key.swapaxes(-1, -2)
    dead = None
    if mask is not None:
        raw = _raw(mask)
        xp = backend.namespace(raw)
        dead = xp.all(xp.isinf(raw) & (raw < 0), axis=-1, keepdims=True)
        if backend.any_true(dead):
            # NOTE: a fully masked row would be softmax(-inf, ..., -inf) = 0/0; give it
            # finite scores instead and zero its weights afterwards (0 gradient, no NaN).
            mask = (autograd.where(dead, 0.0, mask) if isinstance(mask, Tensor)
                    else xp.where(dead, xp.zeros((), dtype=raw.dtype, device=raw.device), raw))
        else:
            dead = None
        scores = scores + mask
    weights = autograd.softmax(scores, axis=-1)
    if dead is not None:
        weights = weights * xp.astype(~dead, weights.data.dtype)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p)
    return weights @ value, weights


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Mask | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value``, PyTorch's function.

    Parameters
    ----------
    query : Tensor (..., L, E)
    key : Tensor (..., S, E)
    value : Tensor (..., S, Ev)
    attn_mask : bool or float array/Tensor broadcastable to (..., L, S), optional
        Bool: True where the key TAKES PART. Float: added to the scores.
    dropout_p : float
        Dropout on the attention weights (applied whenever > 0, as PyTorch).
    is_causal : bool
        Query i attends to keys 0..i (give no ``attn_mask`` then, as PyTorch).
    scale : float, optional
        Defaults to ``1 / sqrt(E)``.
    enable_gqa : bool
        Let key and value have fewer heads (axis -3) than query, each shared by a
        group of query heads.

    Returns
    -------
    Tensor (..., L, Ev). Rows with every key masked are 0 (finite gradients).

    Example
    -------
    >>> import graphgrad as gg
    >>> import graphgrad.nn.functional as F
    >>> q = gg.ones((2, 4, 3, 8))
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    (2, 4, 3, 8)
    """
    op = "scaled_dot_product_attention"
    dropout_p = probability("dropout_p", dropout_p, op)
    q_shape, k_shape, v_shape = tuple(query.shape), tuple(key.shape), tuple(value.shape)
    if (len(q_shape) < 2 or len(k_shape) < 2 or len(v_shape) < 2 or q_shape[-1] != k_shape[-1]
            or k_shape[-2] != v_shape[-2]):
        raise ShapeError(f"{op}: query {q_shape}, key {k_shape} and value {v_shape} do not fit: "
                         "expected (..., L, E), (..., S, E) and (..., S, Ev)")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: attn_mask should not be given when is_causal=True (as "
                         "PyTorch); fold the causal mask into attn_mask instead")
    if enable_gqa:
        key, value = (_repeat_heads(t, q_shape, op) for t in (key, value))
    size_q, size_k = q_shape[-2], k_shape[-2]
    like = _raw(query)
    dtype = _scores_dtype(like)
    mask = None
    if attn_mask is not None:
        mask = _additive(_on_device(attn_mask, like, op), dtype, True, op)
        shape = tuple(_raw(mask).shape)
        if _broadcast_shapes(shape, q_shape[:-1] + (size_k,)) is None:
            raise ShapeError(f"{op}: attn_mask of shape {shape} does not broadcast "
                             f"to the scores' shape {q_shape[:-1] + (size_k,)}")
    if is_causal:
        mask = _causal(size_q, size_k, backend.namespace(like), dtype, like.device)
    scale = 1.0 / math.sqrt(q_shape[-1]) if scale is None else float(scale)
    return attend(query * scale, key, value, mask, dropout_p)[0]


def _repeat_heads(t: Tensor, q_shape: tuple[int, ...], op: str) -> Tensor:
    """Key/value with Hkv heads on axis -3 -> Hq heads, each repeated Hq // Hkv times."""
    heads_q, heads_kv = (q_shape[-3] if len(q_shape) > 2 else 1), (t.shape[-3] if t.ndim > 2
                                                                 else 1)
    if t.ndim < 3 or len(q_shape) < 3 or heads_q % heads_kv:
        raise ShapeError(f"{op}: enable_gqa needs query (..., Hq, L, E) and key/value "
                         f"(..., Hkv, S, E) with Hq divisible by Hkv; got {q_shape} and "
                         f"{tuple(t.shape)}")
    group = heads_q // heads_kv
    return t[..., [head for head in range(heads_kv) for _ in range(group)], :, :]


# ------------------------------------------------------------------ module
def _pad_keys(mask: Mask | None, count: int) -> Mask | None:
    """Append ``count`` columns of 0 (take part) to an additive mask's key axis."""
    if mask is None:
        return None
    if isinstance(mask, Tensor):
        return autograd.pad(mask, [(0, 0)] * (mask.ndim - 1) + [(0, count)])
    return backend.pad(mask, ((0, 0),) * (mask.ndim - 1) + ((0, count),))


class MultiheadAttention(Module):
    """Multi-head attention, PyTorch's parameters, arguments and defaults.

    ``out = out_proj(concat_h softmax(q_h k_h^T / sqrt(d) + mask) v_h)`` with
    ``q, k, v`` the input projections (``in_proj_weight`` rows 0:E, E:2E, 2E:3E,
    or ``q_proj_weight``/``k_proj_weight``/``v_proj_weight`` when ``kdim`` or
    ``vdim`` differ from ``embed_dim``) and ``d = embed_dim // num_heads``.

    Parameters
    ----------
    embed_dim, num_heads : int
        ``embed_dim`` must be divisible by ``num_heads``.
    dropout : float
        Dropout on the attention weights while training.
    bias, add_bias_kv, add_zero_attn, kdim, vdim, batch_first
        As PyTorch; inputs are (L, N, E), or (N, L, E) with ``batch_first``, or
        unbatched (L, E).

    Notes
    -----
    The forward returns ``(attn_output, attn_weights)``; masks follow PyTorch:
    a bool ``attn_mask`` ((L, S) or (N * num_heads, L, S)) or ``key_padding_mask``
    ((N, S)) is True where attention is NOT allowed; float masks are added to the
    scores. ``is_causal=True`` without ``attn_mask`` applies the causal mask (PyTorch
    raises there); with ``attn_mask`` it is a hint and ``attn_mask`` is used.
    Weights (after dropout, as PyTorch) are averaged over heads unless
    ``average_attn_weights=False``; None when ``need_weights=False``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
    >>> x = gg.randn(2, 5, 16)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    ((2, 5, 16), (2, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        op = "MultiheadAttention"
        embed_dim = positive_int("embed_dim", embed_dim, op)
        num_heads = positive_int("num_heads", num_heads, op)
        if embed_dim % num_heads:
            raise ValueError(f"{op}: embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.kdim = embed_dim if kdim is None else positive_int("kdim", kdim, op)
        self.vdim = embed_dim if vdim is None else positive_int("vdim", vdim, op)
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout = probability("dropout", dropout, op)
        self.batch_first, self.add_zero_attn = batch_first, add_zero_attn
        dtype = autograd.float32 if dtype is None else dtype

        def param(*shape: int) -> Parameter:
            return Parameter(autograd.zeros(shape, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = param(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = param(embed_dim, embed_dim)
            self.k_proj_weight = param(embed_dim, self.kdim)
            self.v_proj_weight = param(embed_dim, self.vdim)
        if bias:
            self.in_proj_bias = param(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k: Parameter | None
        self.bias_v: Parameter | None
        if add_bias_kv:
            self.bias_k, self.bias_v = param(1, 1, embed_dim), param(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's init: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/v."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None and self.bias_v is not None:  # made together
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _project(self, query: Tensor, key: Tensor,
                 value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        e, b = self.embed_dim, self.in_proj_bias
        bias = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one matmul
                qkv = F.linear(query, w, b)
                return qkv[..., :e], qkv[..., e:2 * e], qkv[..., 2 * e:]
            weights = (w[:e], w[e:2 * e], w[2 * e:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        q, k, v = (F.linear(x, w, bb) for x, w, bb in zip((query, key, value), weights, bias))
        return q, k, v

    def _check(self, query: Tensor, key: Tensor, value: Tensor, unbatched: bool) -> None:
        op = "MultiheadAttention"
        shapes = tuple(tuple(t.shape) for t in (query, key, value))
        dims = {len(s) for s in shapes}
        layout = "(L, E)" if unbatched else ("(N, L, E)" if self.batch_first else "(L, N, E)")
        if (len(dims) != 1 or dims.pop() not in (2, 3) or shapes[0][-1] != self.embed_dim
                or shapes[1][-1] != self.kdim or shapes[2][-1] != self.vdim
                or shapes[1][:-1] != shapes[2][:-1]
                or (not unbatched and shapes[0][1 - self.batch_first]
                    != shapes[1][1 - self.batch_first])):
            raise ShapeError(f"{op}: query {shapes[0]}, key {shapes[1]} and value {shapes[2]} "
                             f"do not fit: expected {layout} with E = embed_dim "
                             f"({self.embed_dim}), kdim ({self.kdim}) and vdim ({self.vdim}) "
                             "and one batch and source length for key and value")

    def _masks(self, attn_mask: Mask | None, key_padding_mask: Mask | None, is_causal: bool,
               batch: int, size_q: int, size_k: int, like: Any) -> Mask | None:
        """One additive mask broadcastable to (N, H, L, S), or None (on ``like``'s device)."""
        op = "MultiheadAttention"
        dtype = _scores_dtype(like)
        mask = None
        if attn_mask is not None:
            mask = _additive(attn_mask, dtype, False, op)
            shape = tuple(_raw(mask).shape)
            if shape == (size_q, size_k):
                pass
            elif shape == (batch * self.num_heads, size_q, size_k):
                mask = _reshape(mask, (batch, self.num_heads, size_q, size_k))
            else:
                raise ShapeError(f"{op}: attn_mask of shape {shape} should be ({size_q}, "
                                 f"{size_k}) or ({batch * self.num_heads}, {size_q}, {size_k}) "
                                 "(L, S) or (N * num_heads, L, S)")
        elif is_causal:
            mask = _causal(size_q, size_k, backend.namespace(like), dtype, like.device)
        if key_padding_mask is not None:
            padding = _additive(key_padding_mask, dtype, False, op)
            if tuple(_raw(padding).shape) != (batch, size_k):
                raise ShapeError(f"{op}: key_padding_mask of shape {_raw(padding).shape} "
                                 f"should be ({batch}, {size_k}) (N, S)")
            mask = _add_masks(mask, _reshape(padding, (batch, 1, 1, size_k)))
        return mask

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Mask | None = None, need_weights: bool = True,
                attn_mask: Mask | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns ``(output, weights or None)``.

        Calling the module runs this. Each query's weights over the keys sum to 1; a
        key masked by ``key_padding_mask`` (True) gets weight 0, and ``is_causal=True``
        hides the later keys.

        Examples
        --------
        >>> import numpy as np
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> mha = nn.MultiheadAttention(4, 2, batch_first=True)
        >>> x = gg.randn(1, 3, 4)
        >>> out, weights = mha.forward(x, x, x, key_padding_mask=np.array([[False, False, True]]))
        >>> out.shape, weights.sum(axis=-1).detach().round(4), weights[0, :, 2].detach()
        ((1, 3, 4), Tensor([[1., 1., 1.]], dtype=float32), Tensor([0., 0., 0.], dtype=float32))
        >>> _, weights = mha.forward(x, x, x, is_causal=True)
        >>> (weights[0] > 0).numpy().astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
        """
        op = "MultiheadAttention"
        unbatched = query.ndim == 2
        self._check(query, key, value, unbatched)
        like = _raw(query)
        attn_mask, key_padding_mask = (None if m is None else _on_device(m, like, op)
                                       for m in (attn_mask, key_padding_mask))
        if unbatched:
            query, key, value = (t.unsqueeze(0) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = _reshape(key_padding_mask, (1, -1))
        elif not self.batch_first:
            same_kv = key is value
            query, key = query.swapaxes(0, 1), (query if key is query else key).swapaxes(0, 1)
            value = key if same_kv else value.swapaxes(0, 1)
        batch, size_q, e = query.shape
        size_k = key.shape[1]
        mask = self._masks(attn_mask, key_padding_mask, is_causal, batch, size_q, size_k, like)
        q, k, v = self._project(query, key, value)
        extra: list[tuple[Tensor, Tensor]] = []
        if self.bias_k is not None and self.bias_v is not None:  # made together
            extra.append((self.bias_k, self.bias_v))
        if self.add_zero_attn:
            zeros = autograd.zeros(1, 1, e, dtype=backend.numpy_dtype(_scores_dtype(like)),
                                   device=query.device)
            extra.append((zeros, zeros))
        for bias_k, bias_v in extra:
            k = autograd.concatenate([k, bias_k.broadcast_to((batch, 1, e))], axis=1)
            v = autograd.concatenate([v, bias_v.broadcast_to((batch, 1, e))], axis=1)
        mask = _pad_keys(mask, len(extra)) if extra else mask
        heads, d = self.num_heads, self.head_dim
        q, k, v = (t.reshape((batch, t.shape[1], heads, d)).swapaxes(1, 2) for t in (q, k, v))
        out, weights = attend(q * (1.0 / math.sqrt(d)), k, v, mask,
                              self.dropout if self.training else 0.0)
        out = self.out_proj(out.swapaxes(1, 2).reshape((batch, size_q, e)))
        if unbatched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return out, (weights.squeeze(0) if unbatched else weights)

    def extra_repr(self) -> str:
        """The sizes, dropout and layout, shown in the repr above ``out_proj``.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.MultiheadAttention(16, 4, dropout=0.1)
        MultiheadAttention(
          embed_dim=16, num_heads=4, dropout=0.1, batch_first=False
          (out_proj): Linear(in_features=16, out_features=16, bias=True)
        )
        """
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"dropout={self.dropout}, batch_first={self.batch_first}")
