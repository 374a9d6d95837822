"""Convolution: conv2d, conv1d (with groups) and their transposes conv_transpose2d/1d.

Convolution is im2col: one strided slab of the padded input per kernel offset is
copied into a matrix per image holding each window as a column, and one matmul
per image (and group) contracts it with the kernel. Every step is an array API
function, so convolution runs on any backend (``backend/``). Three linear maps close
under differentiation,
so every rule below is written with the other two and second (and higher) derivatives
come for free:

* ``conv(x, w)``       the forward;
* ``conv_t(g, w)``     its adjoint in ``x``: the input gradient, which is also the
                       transposed convolution ``conv_transpose2d``;
* ``conv_w(x, g)``     its adjoint in ``w``: the weight gradient.

Groups split the channels into ``groups`` blocks that never mix: the weight is
(O, C/groups, kh, kw) and output block ``g`` sees only input block ``g``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..backend import namespace
from ..errors import ShapeError, shape_error
from ..function import Function
from . import rule_helpers
from .windows import col2im, im2col, out_hw, pair

if TYPE_CHECKING:
    from ..tensor import Tensor

__all__ = ["Conv2d", "ConvTranspose2d", "ConvWeight", "conv2d", "conv_transpose2d", "conv1d",
    "conv_transpose1d"]


# ------------------------------------------------------------------ array kernels
def _conv(x, w, stride, padding, dilation, groups=1, cols=None, hw=None):
    """out[n,o,i,j] = sum_{c in o's group,a,b} xpad[n, c, i*s + a*d, j*s + b*d] * w[o,c,a,b].

    ``hw`` keeps only the first windows: the adjoint of a transposed conv whose
    output_padding made its output longer than a conv of it would give back.
    """
    if hw is None:
        hw = out_hw(x.shape, w.shape[2:], stride, padding, dilation, "conv2d")
    if cols is None:
        cols = im2col(x, w.shape[2:], stride, padding, dilation, hw)  # (N, C*kh*kw, L)
    (n, o), xp = (x.shape[0], w.shape[0]), namespace(w)
    kernels = xp.reshape(w, (groups, o // groups, -1))                  # (G, Og, K)
    blocks = xp.reshape(cols, (n, groups, -1, cols.shape[-1]))          # (N, G, K, L)
    # NOTE: one matmul per image (and group) gives (N, O, L): already the output's layout
    return xp.reshape(kernels @ blocks, (n, o) + tuple(hw))


def _conv_weight(x, g, stride, padding, dilation, w_shape, groups=1, cols=None):
    """The adjoint of ``_conv`` in ``w``: dw[o,c,a,b] = sum_{n,i,j} g[n,o,i,j] xpad[...]."""
    if cols is None:
        cols = im2col(x, w_shape[2:], stride, padding, dilation, g.shape[2:])
    (n, o), xp = g.shape[:2], namespace(g)
    rows = xp.reshape(g, (n, groups, o // groups, -1))                  # (N, G, Og, L)
    blocks = xp.reshape(cols, (n, groups, -1, cols.shape[-1]))          # (N, G, K, L)
    # NOTE: per image, then summed: contracting (N, L) in one matmul would first copy
    # both operands into (N*L)-long rows
    return xp.reshape(xp.sum(rows @ backend.matrix_transpose(blocks), axis=0), w_shape)


def _conv_t(g, w, stride, padding, dilation, x_shape, groups=1):
    """The adjoint of ``_conv`` in ``x``: each window's share added back (col2im)."""
    (n, o), xp = g.shape[:2], namespace(g)
    kernels = xp.reshape(w, (groups, o // groups, -1))                  # (G, Og, K)
    rows = xp.reshape(g, (n, groups, o // groups, -1))                  # (N, G, Og, L)
    cols = backend.reusable_empty((n, groups, kernels.shape[-1], rows.shape[-1]),
                                  xp.result_type(kernels, rows), g)  # (N, G, K, L), recycled
    cols = backend.into(cols, xp.matmul, backend.matrix_transpose(kernels), rows)
    shape = (n, x_shape[1]) + tuple(w.shape[2:]) + tuple(g.shape[2:])
    return col2im(xp.reshape(cols, shape), x_shape, stride, padding, dilation)


def _dispatch(op, kernel, a, b, **geometry):
    """Arrays on the fast path; a recorded op when either operand is a Tensor."""
    if rule_helpers.is_raw(a) and rule_helpers.is_raw(b):
        return kernel(a, b, **geometry)
    return op.apply(a, b, **geometry)


# ------------------------------------------------------------------ Functions
class Conv2d(Function):
    """out = conv(x, w).  d/dx = conv_t(grad, w), d/dw = conv_w(x, grad)."""

    op_name = "conv2d"

    @staticmethod
    def forward(ctx, x, w, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1, hw=None):
        x_shape, w_shape = x.shape, w.shape
        if (len(x_shape) != 4 or len(w_shape) != 4 or x_shape[1] != w_shape[1] * groups
                or w_shape[0] % groups):
            raise shape_error("conv2d", x_shape, w_shape,
                              reason="do not fit an input (N, C, H, W) and a weight "
                                     f"(O, C/groups, kh, kw) with groups={groups}",
                              hint="both must be 4-D with the same number of channels C "
                                   "(weight: C/groups), and O divisible by groups")
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        ctx.x_shape, ctx.w_shape = x_shape, w_shape
        if hw is None:
            hw = out_hw(x_shape, w_shape[2:], stride, padding, dilation, "conv2d")
        cols = im2col(x, w_shape[2:], stride, padding, dilation, hw)
        # NOTE: the weight gradient needs the same im2col matrix: keep it rather than
        # copying the windows again in backward.
        ctx.save_for_backward(x, w, cols if ctx.needs_input_grad[1] else None)
        return _conv(x, w, stride, padding, dilation, groups, cols=cols, hw=hw)

    @staticmethod
    def backward(ctx, grad):
        x, w, cols = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        grad_x = (_dispatch(ConvTranspose2d, _conv_t, grad, w, x_shape=ctx.x_shape,
                            **ctx.geometry) if need_x else None)
        grad_w = None
        if need_w and rule_helpers.is_raw(x) and rule_helpers.is_raw(grad):
            grad_w = _conv_weight(x, grad, w_shape=ctx.w_shape, cols=cols, **ctx.geometry)
        elif need_w:
            grad_w = ConvWeight.apply(x, grad, w_shape=ctx.w_shape, **ctx.geometry)
        return grad_x, grad_w


class ConvTranspose2d(Function):
    """out = conv_t(g, w), the input gradient of conv.

    d/dg = conv(grad, w), d/dw = conv_w(grad, g).
    """

    op_name = "conv_transpose2d"

    @staticmethod
    def forward(ctx, g, w, stride=(1, 1), padding=(0, 0), dilation=(1, 1), x_shape=None,
                groups=1):
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        ctx.w_shape, ctx.g_hw = w.shape, g.shape[2:]
        ctx.save_for_backward(g, w)
        return _conv_t(g, w, stride, padding, dilation, x_shape, groups)

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad
        grad_g = (_dispatch(Conv2d, _conv, grad, w, hw=ctx.g_hw, **ctx.geometry)
                  if need_g else None)
        grad_w = (_dispatch(ConvWeight, _conv_weight, grad, g, w_shape=ctx.w_shape,
                            **ctx.geometry) if need_w else None)
        return grad_g, grad_w


class ConvWeight(Function):
    """out = conv_w(x, g), the weight gradient of conv.

    d/dx = conv_t(g, grad), d/dg = conv(x, grad).
    """

    op_name = "conv2d_weight"

    @staticmethod
    def forward(ctx, x, g, stride=(1, 1), padding=(0, 0), dilation=(1, 1), w_shape=None,
                groups=1):
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        ctx.x_shape, ctx.g_hw = x.shape, g.shape[2:]
        ctx.save_for_backward(x, g)
        return _conv_weight(x, g, stride, padding, dilation, w_shape, groups)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        grad_x = (_dispatch(ConvTranspose2d, _conv_t, g, grad, x_shape=ctx.x_shape,
                            **ctx.geometry) if need_x else None)
        grad_g = (_dispatch(Conv2d, _conv, x, grad, hw=ctx.g_hw, **ctx.geometry)
                  if need_g else None)
        return grad_x, grad_g


# ------------------------------------------------------------------ public functions
def _groups(groups, op):
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{op}: groups={groups!r} must be an int >= 1")
    return int(groups)


def _one_image(x, op, ndim):
    """True for one unbatched sample; ShapeError unless ``x`` has ``ndim`` or ``ndim - 1`` axes."""
    if x.ndim not in (ndim - 1, ndim):
        layout = "(N, C, H, W) or (C, H, W)" if ndim == 4 else "(N, C, L) or (C, L)"
        raise ShapeError(f"{op}: input of shape {tuple(x.shape)} is not {layout}")
    return x.ndim == ndim - 1


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) (or (C, H, W) for one image)
    weight : Tensor of shape (O, C / groups, kh, kw)
    bias : Tensor of shape (O,), optional
    stride, padding, dilation : int or pair of ints
    groups : int
        Split the channels into blocks convolved separately (``groups=C``: depthwise).

    Returns
    -------
    Tensor of shape (N, O, Ho, Wo), ``Ho = (H + 2p - d (kh - 1) - 1) // s + 1``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.conv2d(gg.randn(8, 1, 28, 28), gg.randn(4, 1, 3, 3), padding=1).shape
    (8, 4, 28, 28)
    """
    single = _one_image(input, "conv2d", 4)
    x = input.reshape((1,) + input.shape) if single else input
    out = Conv2d.apply(x, weight, stride=pair(stride, "stride", "conv2d", 1),
                       padding=pair(padding, "padding", "conv2d", 0),
                       dilation=pair(dilation, "dilation", "conv2d", 1),
                       groups=_groups(groups, "conv2d"))
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out.reshape(out.shape[1:]) if single else out


def conv_transpose2d(input: Tensor, weight: Tensor,  # noqa: A002
                     bias: Tensor | None = None, stride: int | tuple[int, ...] = 1,
                     padding: int | tuple[int, ...] = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """2-D transposed convolution (the gradient of conv2d in its input), as PyTorch.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) (or (C, H, W))
    weight : Tensor of shape (C, O / groups, kh, kw)
    bias : Tensor of shape (O,), optional
    stride, padding, output_padding, dilation : int or pair of ints
        ``output_padding`` (smaller than stride or dilation) adds rows and columns at
        the end, to pick among the input sizes a strided conv maps to the same size.
    groups : int

    Returns
    -------
    Tensor of shape (N, O, Ho, Wo), ``Ho = (H - 1) s - 2p + d (kh - 1) + output_padding + 1``.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.conv_transpose2d(gg.randn(2, 4, 5, 5), gg.randn(4, 3, 3, 3), stride=2).shape
    (2, 3, 11, 11)
    """
    op = "conv_transpose2d"
    single = _one_image(input, op, 4)
    x = input.reshape((1,) + input.shape) if single else input
    stride, padding = pair(stride, "stride", op, 1), pair(padding, "padding", op, 0)
    dilation, groups = pair(dilation, "dilation", op, 1), _groups(groups, op)
    extra = pair(output_padding, "output_padding", op, 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{op}: output_padding {extra} must be smaller than either stride "
                         f"{stride} or dilation {dilation}")
    if weight.ndim != 4 or x.shape[1] != weight.shape[0] or weight.shape[0] % groups:
        raise shape_error(op, x.shape, weight.shape, reason="do not fit an input (N, C, H, W) "
                          f"and a weight (C, O/groups, kh, kw) with groups={groups}",
                          hint="the weight's first axis is the input's channels C, "
                               "divisible by groups")
    size = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in
            zip(x.shape[2:], stride, padding, dilation, weight.shape[2:], extra)]
    if min(size) < 1:
        raise ShapeError(f"{op}: input of shape {tuple(x.shape)} with padding {padding} gives "
                         f"an empty output {tuple(size)}; use less padding")
    x_shape = (x.shape[0], weight.shape[1] * groups) + tuple(size)
    out = ConvTranspose2d.apply(x, weight, stride=stride, padding=padding, dilation=dilation,
                                x_shape=x_shape, groups=groups)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out.reshape(out.shape[1:]) if single else out


def _ints(op: str, **values: int | tuple[int, ...]) -> list[int]:
    for name, value in values.items():
        if not isinstance(value, (int, np.integer)) and not (
                isinstance(value, (tuple, list)) and len(value) == 1):
            raise ValueError(f"{op}: {name}={value!r} must be an int or a 1-tuple")
    return [v if isinstance(v, (int, np.integer)) else v[0] for v in values.values()]


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) with (O, C / groups, k), as PyTorch.

    Computed as conv2d on a height-1 image.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.conv1d(gg.randn(2, 4, 10), gg.randn(6, 2, 3), groups=2).shape
    (2, 6, 8)
    """
    stride, padding, dilation = _ints("conv1d", stride=stride, padding=padding,
                                      dilation=dilation)
    single = _one_image(input, "conv1d", 3)
    x = input.reshape((1,) + input.shape) if single else input
    if weight.ndim != 3:
        raise shape_error("conv1d", x.shape, weight.shape,
                          reason="are not an input (N, C, L) and a weight (O, C/groups, k)")
    out = conv2d(x.reshape(x.shape[:2] + (1, -1)), weight.reshape(weight.shape[:2] + (1, -1)),
                 bias, (1, stride), (0, padding), (1, dilation), groups)
    out = out.reshape(out.shape[:2] + (out.shape[3],))
    return out.reshape(out.shape[1:]) if single else out


def conv_transpose1d(input: Tensor, weight: Tensor,  # noqa: A002
                     bias: Tensor | None = None, stride: int | tuple[int, ...] = 1,
                     padding: int | tuple[int, ...] = 0, output_padding: int | tuple[int, ...] = 0,
                     groups: int = 1, dilation: int | tuple[int, ...] = 1) -> Tensor:
    """1-D transposed convolution of (N, C, L) with (C, O / groups, k), as PyTorch.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.conv_transpose1d(gg.randn(2, 4, 5), gg.randn(4, 3, 3), stride=2).shape
    (2, 3, 11)
    """
    stride, padding, output_padding, dilation = _ints(
        "conv_transpose1d", stride=stride, padding=padding, output_padding=output_padding,
        dilation=dilation)
    single = _one_image(input, "conv_transpose1d", 3)
    x = input.reshape((1,) + input.shape) if single else input
    if weight.ndim != 3:
        raise shape_error("conv_transpose1d", x.shape, weight.shape,
                          reason="are not an input (N, C, L) and a weight (C, O/groups, k)")
    out = conv_transpose2d(x.reshape(x.shape[:2] + (1, -1)),
                           weight.reshape(weight.shape[:2] + (1, -1)), bias, (1, stride),
                           (0, padding), (0, output_padding), groups, (1, dilation))
    out = out.reshape(out.shape[:2] + (out.shape[3],))
    return out.reshape(out.shape[1:]) if single else out
