"""Sliding windows: the im2col/col2im array kernels that conv and pooling share, and their
public, differentiable forms ``unfold`` (im2col) and ``fold`` (col2im).

``unfold`` and ``fold`` are adjoint linear maps, so each one's gradient is the other
and every order of derivative comes from these two rules.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..backend import namespace
from ..errors import ShapeError
from ..function import Function
from . import rule_helpers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor
    from ..typing import IntPair

__all__ = ["pair", "out_size", "out_hw", "padded", "im2col", "col2im", "Unfold",
    "Fold", "unfold", "fold"]


# ------------------------------------------------------------------ geometry helpers
def pair(value: IntPair | Sequence[int], name: str, op: str, minimum: int) -> tuple[int, int]:
    """``3 -> (3, 3)``; validate a 2-tuple of ints >= ``minimum``."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    pair_ = (value, value) if is_int else tuple(value) if isinstance(value, (tuple, list)) \
        else ()
    if len(pair_) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                  and v >= minimum for v in pair_):
        raise ValueError(f"{op}: {name}={value!r} must be an int >= {minimum} or a pair of them")
    return int(pair_[0]), int(pair_[1])


def out_size(size, kernel, stride, padding, dilation, ceil_mode=False):
    """Windows along one axis; with ``ceil_mode`` a last partial window that starts
    inside the input or its left padding counts too (PyTorch's pooling rule)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return span // stride + 1
    count = -(-span // stride) + 1
    if (count - 1) * stride >= size + padding:
        count -= 1
    return count


def out_hw(shape, kernel, stride, padding, dilation, op, ceil_mode=False):
    """Output height and width of (N, C, H, W); a clear error when the kernel does not fit."""
    (h, w), (kh, kw) = shape[-2:], kernel
    ho = out_size(h, kh, stride[0], padding[0], dilation[0], ceil_mode)
    wo = out_size(w, kw, stride[1], padding[1], dilation[1], ceil_mode)
    if ho < 1 or wo < 1:
        raise ShapeError(f"{op}: input of shape {tuple(shape)} is too small for kernel {kernel} "
                         f"with padding {padding} and dilation {dilation} (output would be "
                         f"{ho}x{wo}); pad the input or use a smaller kernel")
    return ho, wo


def padded(x, padding, value=0.0, extra=(0, 0)):
    """``x`` padded by ``padding`` on both sides of H and W, plus ``extra`` at the end."""
    (ph, pw), (eh, ew) = padding, extra
    if not (ph or pw or eh or ew):
        return x
    return backend.pad(x, ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew)), value)


def im2col(x, kernel, stride, padding, dilation, out_hw_):
    """Every window as a column of its image: a (N, C*kh*kw, Ho*Wo) array, rows in
    (c, a, b) order (PyTorch's ``unfold`` layout; the one copy conv makes).

    Image ``n``'s matrix is contiguous, so conv contracts it with the kernel in one
    matmul per image and the result is already (N, O, Ho*Wo): no transposing copies.
    """
    xp = padded(x, padding)
    (n, c), (ho, wo), (kh, kw) = x.shape[:2], out_hw_, kernel
    (sh, sw), (dh, dw) = stride, dilation
    space = namespace(xp)
    # NOTE: recycled once no graph holds it (a step's conv finds the last step's buffer)
    cols = backend.reusable_empty((n, c, kh, kw, ho, wo), xp.dtype, xp)
    # NOTE: one slab copy per kernel offset (9 for 3x3), rows of Wo contiguous on both
    # sides; copying the windows view instead (innermost axis the kernel's few columns)
    # runs several times slower. Same matrix.
    for a in range(kh):
        for b in range(kw):
            cols[:, :, a, b, :, :] = xp[:, :, a * dh:a * dh + sh * (ho - 1) + 1:sh,
                                  b * dw:b * dw + sw * (wo - 1) + 1:sw]
    return space.reshape(cols, (n, c * kh * kw, ho * wo))


def col2im(cols, x_shape, stride, padding, dilation):
    """The adjoint of ``im2col``: cols (N, C, kh, kw, Ho, Wo) added back into
    (N, C, H, W), overlaps summed, padding cropped."""
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    n, c, h, wd = x_shape
    kh, kw, ho, wo = cols.shape[2:]
    out = namespace(cols).zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=cols.dtype,
                                device=cols.device)
    # NOTE: a loop over the kh*kw kernel offsets only (9 for 3x3), each a strided slab add.
    for a in range(kh):
        for b in range(kw):
            out[:, :, a * dh:a * dh + sh * (ho - 1) + 1:sh,
                b * dw:b * dw + sw * (wo - 1) + 1:sw] += cols[:, :, a, b, :, :]
    return out[:, :, ph:ph + h, pw:pw + wd]


# ------------------------------------------------------------------ unfold / fold
def _unfold(x, kernel, stride, padding, dilation):
    hw = out_hw(x.shape, kernel, stride, padding, dilation, "unfold")
    return im2col(x, kernel, stride, padding, dilation, hw)


def _fold(cols, x_shape, kernel, stride, padding, dilation):
    hw = out_hw(x_shape, kernel, stride, padding, dilation, "fold")
    blocks = namespace(cols).reshape(cols, tuple(x_shape[:2]) + tuple(kernel) + hw)
    return col2im(blocks, x_shape, stride, padding, dilation)


class Unfold(Function):
    """out[n, (c, a, b), (i, j)] = xpad[n, c, i s + a d, j s + b d].  d/dx = fold(grad)."""

    op_name = "unfold"

    @staticmethod
    def forward(ctx, x, kernel=(1, 1), stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        ctx.geometry = dict(kernel=kernel, stride=stride, padding=padding, dilation=dilation)
        ctx.x_shape = x.shape
        return _unfold(x, kernel, stride, padding, dilation)

    @staticmethod
    def backward(ctx, grad):
        if rule_helpers.is_raw(grad):
            return _fold(grad, ctx.x_shape, **ctx.geometry)
        return Fold.apply(grad, x_shape=ctx.x_shape, **ctx.geometry)


class Fold(Function):
    """out = sum of each column block added back at its window (col2im).  d/dx = unfold(grad)."""

    op_name = "fold"

    @staticmethod
    def forward(ctx, cols, x_shape=None, kernel=(1, 1), stride=(1, 1), padding=(0, 0),
                dilation=(1, 1)):
        ctx.geometry = dict(kernel=kernel, stride=stride, padding=padding, dilation=dilation)
        return _fold(cols, x_shape, kernel, stride, padding, dilation)

    @staticmethod
    def backward(ctx, grad):
        if rule_helpers.is_raw(grad):
            return _unfold(grad, **ctx.geometry)
        return Unfold.apply(grad, **ctx.geometry)


def _batched(x, op):
    if x.ndim not in (3, 4):
        raise ShapeError(f"{op}: input of shape {tuple(x.shape)} is not (N, C, H, W) or "
                         "(C, H, W)")
    return x.ndim == 3


def unfold(input: Tensor, kernel_size: IntPair, dilation: IntPair = 1,  # noqa: A002
           padding: IntPair = 0, stride: IntPair = 1) -> Tensor:
    """Every sliding window as a column: (N, C, H, W) -> (N, C*kh*kw, L), as PyTorch.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor of shape (N, C*kh*kw, L), ``L`` the number of windows (``Ho * Wo``).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.unfold(gg.ones((1, 2, 4, 4)), 2).shape
    (1, 8, 9)
    """
    single = _batched(input, "unfold")
    x = input.reshape((1,) + input.shape) if single else input
    out = Unfold.apply(x, kernel=pair(kernel_size, "kernel_size", "unfold", 1),
                       stride=pair(stride, "stride", "unfold", 1),
                       padding=pair(padding, "padding", "unfold", 0),
                       dilation=pair(dilation, "dilation", "unfold", 1))
    return out.reshape(out.shape[1:]) if single else out


def fold(input: Tensor, output_size: IntPair, kernel_size: IntPair,  # noqa: A002
         dilation: IntPair = 1, padding: IntPair = 0, stride: IntPair = 1) -> Tensor:
    """Sum columns of windows back into an image: the adjoint of ``unfold``, as PyTorch.

    Parameters
    ----------
    input : Tensor of shape (N, C*kh*kw, L) or (C*kh*kw, L)
    output_size : int or pair of ints
        (H, W) of the image the windows came from.
    kernel_size, dilation, padding, stride : int or pair of ints

    Returns
    -------
    Tensor of shape (N, C, H, W); where windows overlap their values add.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.fold(gg.ones((1, 4, 9)), (4, 4), 2, stride=1)[0, 0, 1].tolist()
    [2.0, 4.0, 4.0, 2.0]
    """
    kernel = pair(kernel_size, "kernel_size", "fold", 1)
    geometry = dict(kernel=kernel, stride=pair(stride, "stride", "fold", 1),
                    padding=pair(padding, "padding", "fold", 0),
                    dilation=pair(dilation, "dilation", "fold", 1))
    size = pair(output_size, "output_size", "fold", 1)
    if input.ndim not in (2, 3):
        raise ShapeError(f"fold: input of shape {tuple(input.shape)} is not (N, C*kh*kw, L) "
                         "or (C*kh*kw, L)")
    single = input.ndim == 2
    x = input.reshape((1,) + input.shape) if single else input
    n, rows, length = x.shape
    blocks = kernel[0] * kernel[1]
    ho, wo = out_hw((1, 1) + size, kernel, geometry["stride"], geometry["padding"],
                    geometry["dilation"], "fold")
    if rows % blocks or length != ho * wo:
        raise ShapeError(f"fold: input of shape {tuple(input.shape)} does not fit kernel "
                         f"{kernel} and output_size {size}: expected (N, C*{blocks}, {ho * wo})")
    out = Fold.apply(x, x_shape=(n, rows // blocks) + size, **geometry)
    return out.reshape(out.shape[1:]) if single else out
