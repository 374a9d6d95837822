"""Pooling: max_pool2d, avg_pool2d (ceil_mode, return_indices), max_unpool2d and the
adaptive pools.

``avg_pool2d`` is a conv with a constant kernel and ``adaptive_avg_pool2d`` two
matmuls with constant averaging matrices, so both inherit their gradients (of any
order) from those ops. The max pools send each output's gradient to the one input
its window picked: ``max_pool2d`` through a scatter-add (itself differentiable
through ``rule_helpers.scatter_add``), ``adaptive_max_pool2d`` by indexing the picked elements.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import array_index, backend
from ..backend import namespace
from ..devices import check_same_device
from ..errors import ShapeError, shape_error
from ..function import Function
from . import rule_helpers
from .conv import Conv2d, _conv
from .linalg import matmul
from .rule_helpers import reshape
from .shape import Pad
from .windows import out_hw, padded, pair

if TYPE_CHECKING:
    Pair = tuple[int, int]
    from collections.abc import Sequence

    from ..tensor import Tensor
    from ..typing import IntPair, TensorLike

__all__ = ["MaxPool2d", "max_pool2d", "avg_pool2d", "MaxUnpool", "max_unpool2d",
    "adaptive_avg_pool2d", "adaptive_max_pool2d"]


# ------------------------------------------------------------------ helpers
def _offset_slices(kernel, stride, dilation, hw):
    """For each kernel offset (a, b), in row-major order, the slice of the padded input
    holding that offset's element of every window: one strided slab per offset."""
    (ho, wo), (sh, sw), (dh, dw) = hw, stride, dilation
    return [(slice(None), slice(None), slice(a * dh, a * dh + sh * (ho - 1) + 1, sh),
             slice(b * dw, b * dw + sw * (wo - 1) + 1, sw))
            for a in range(kernel[0]) for b in range(kernel[1])]


def _ceil_extra(shape, hw, kernel, stride, padding, dilation):
    """Rows and columns ``ceil_mode``'s last windows reach past the padded input."""
    return tuple(max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
                 for n, o, k, s, p, d in zip(shape[2:], hw, kernel, stride, padding, dilation))


def _four_d(x, op):
    if x.ndim not in (3, 4):
        raise ShapeError(f"{op}: input of shape {tuple(x.shape)} is not (N, C, H, W) or "
                         "(C, H, W)")
    return x.ndim == 3


def _lowest(x):
    """The padding value of max pooling: -inf, or the dtype's minimum for integers (as PyTorch)."""
    kind = backend.dtype_kind(x.dtype)
    if kind in "iu":
        return int(namespace(x).iinfo(x.dtype).min)
    return False if kind == "b" else -math.inf


def _pool_geometry(op: str, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
                   dilation: IntPair) -> tuple[Pair, Pair, Pair, Pair]:
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op, 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel {kernel}")
    return kernel, stride, padding, pair(dilation, "dilation", op, 1)


# ------------------------------------------------------------------ max_pool2d
class MaxPool2d(Function):
    """out = max over each window.  d/dx = grad sent to the element each window picked.

    Ties: the FIRST maximum of a window in row-major order wins (what PyTorch's
    CPU kernel picks); overlapping windows that pick the same element add their
    gradients there. Both directions loop over the kh*kw kernel offsets, each a
    strided slab of the input (no window copies, no argmax).
    """

    op_name = "max_pool2d"

    @staticmethod
    def forward(ctx, x, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1),
                ceil_mode=False):
        x_shape = x.shape
        if len(x_shape) != 4:
            raise ShapeError(f"max_pool2d: input of shape {x_shape} is not (N, C, H, W)")
        hw = out_hw(x_shape, kernel, stride, padding, dilation, "max_pool2d", ceil_mode)
        extra = _ceil_extra(x_shape, hw, kernel, stride, padding, dilation)
        xpad = padded(x, padding, _lowest(x), extra)
        slices = _offset_slices(kernel, stride, dilation, hw)
        if len(slices) == 1:
            out = namespace(x).asarray(xpad[slices[0]], copy=True)
        else:
            out = namespace(x).maximum(xpad[slices[0]], xpad[slices[1]])
        for where in slices[2:]:
            out = backend.maximum_into(out, xpad[where])
        # NOTE: a window wholly in the padding (possible with dilation) gives -inf, as
        # PyTorch's; its gradient lands in the padding and is cropped away.
        ctx.save_for_backward(xpad, out)
        ctx.slices = slices
        ctx.x_shape, ctx.geometry = x_shape, (kernel, stride, padding, dilation)
        return out

    @staticmethod
    def backward(ctx, grad):
        xpad, out = (rule_helpers.data_of(v) for v in ctx.saved_tensors)  # constants either way
        if rule_helpers.is_raw(grad):
            xp = namespace(grad)
            free = xp.ones(out.shape, dtype=xp.bool, device=out.device)  # no maximum taken yet
            grad_xp = xp.zeros(xpad.shape, dtype=grad.dtype, device=grad.device)
            kernel, stride, _, dilation = ctx.geometry
            # windows that do not overlap (stride >= span, the usual pool 2) write their
            # offsets' slabs, which are disjoint, instead of adding to them
            apart = all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))
            for where in ctx.slices:
                hit = xpad[where] == out
                hit &= free  # only a window's first maximum
                free ^= hit
                # a select, not grad * hit: inf * 0 would be NaN
                if apart:
                    grad_xp = backend.set_masked(grad_xp, where, hit, grad)
                else:
                    grad_xp[where] += backend.masked(hit, grad)
            (ph, pw), (_, _, h, w) = ctx.geometry[2], ctx.x_shape
            return grad_xp[:, :, ph:ph + h, pw:pw + w]
        # create_graph: route through a differentiable scatter-add at the picked indices
        size = math.prod(ctx.x_shape)
        flat = _picked_flat_index(_picks(xpad, out, ctx.slices), ctx.x_shape, *ctx.geometry)
        summed = rule_helpers.scatter_add(grad.reshape(-1), (flat,), (size + 1,))
        return rule_helpers.link(summed[:size].reshape(ctx.x_shape), ctx.parents[0])


def _picks(xpad, out, slices):
    """Which kernel offset (row-major number) each window picked: its first maximum."""
    xp = namespace(out)
    pick = xp.full(out.shape, -1, dtype=backend.index_dtype(xp, out.device), device=out.device)
    for k, where in enumerate(slices):
        pick = xp.where((pick < 0) & (xpad[where] == out), k, pick)
    # NOTE: a NaN window (NaN == NaN is False) picks nothing: offset 0, as before
    return xp.where(pick < 0, 0, pick)


def _picked_rows_columns(pick, kernel, stride, padding, dilation):
    ho, wo = pick.shape[2:]
    xp, device = namespace(pick), pick.device
    rows = (xp.arange(ho, dtype=pick.dtype, device=device)[:, None] * stride[0]
            + (pick // kernel[1]) * dilation[0] - padding[0])
    columns = (xp.arange(wo, dtype=pick.dtype, device=device) * stride[1]
               + (pick % kernel[1]) * dilation[1] - padding[1])
    return rows, columns


def _picked_flat_index(pick, x_shape, kernel, stride, padding, dilation):
    """The flat index into x of the element each window picked.

    A window wholly in the padding picks a spare slot past the end, dropped by
    the caller.
    """
    n, c, h, w = x_shape
    rows, columns = _picked_rows_columns(pick, kernel, stride, padding, dilation)
    xp, like = namespace(pick), dict(dtype=pick.dtype, device=pick.device)
    base = xp.reshape(xp.arange(n * c, **like), (n, c, 1, 1)) * (h * w)
    outside = (rows < 0) | (rows >= h) | (columns < 0) | (columns >= w)
    return xp.reshape(xp.where(outside, n * c * h * w, base + rows * w + columns), (-1,))


def max_pool2d(input: Tensor, kernel_size: IntPair,  # noqa: A002
               stride: IntPair | None = None, padding: IntPair = 0,
               dilation: IntPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, np.ndarray]:
    """Max over each ``kernel_size`` window (stride defaults to the kernel), as PyTorch.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size, stride, padding, dilation : int or pair of ints
        Padding counts as -inf and may be at most half the kernel.
    ceil_mode : bool
        Round the output size up: a last partial window that starts inside the input
        or its left padding is kept.
    return_indices : bool
        Also return, for each output, the flat index ``row * W + column`` of the
        element it picked within its (H, W) plane (what ``max_unpool2d`` takes).

    Returns
    -------
    Tensor (and an int64 array of indices). Ties go to the first maximum of the window
    in row-major order.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.max_pool2d(gg.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    geometry = _pool_geometry("max_pool2d", kernel_size, stride, padding, dilation)
    single = _four_d(input, "max_pool2d")
    x = input.reshape((1,) + input.shape) if single else input
    kernel, stride, padding, dilation = geometry
    out = MaxPool2d.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                          ceil_mode=bool(ceil_mode))
    out = out.reshape(out.shape[1:]) if single else out
    if not return_indices:
        return out
    data = rule_helpers.data_of(x)
    hw = tuple(out.shape[-2:])
    xpad = padded(data, padding, _lowest(data), _ceil_extra(data.shape, hw, *geometry))
    pick = _picks(xpad, namespace(data).reshape(rule_helpers.data_of(out), data.shape[:2] + hw),
                  _offset_slices(kernel, stride, dilation, hw))
    rows, columns = _picked_rows_columns(pick, *geometry)
    indices = rows * data.shape[3] + columns
    return out, (indices[0] if single else indices)


# ------------------------------------------------------------------ avg_pool2d
def avg_pool2d(input: Tensor, kernel_size: IntPair,  # noqa: A002
               stride: IntPair | None = None, padding: IntPair = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each ``kernel_size`` window, as PyTorch.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size, stride, padding : int or pair of ints
    ceil_mode : bool
        Round the output size up (see ``max_pool2d``); the part of a window past the
        padded input is never counted.
    count_include_pad : bool
        Count the zero padding in each window's divisor.
    divisor_override : int, optional
        Divide every window's sum by this instead.

    Computed as a conv of each channel with a constant kernel, so its gradient
    (and the gradient's gradient) are the conv rules.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.avg_pool2d(gg.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    op = "avg_pool2d"
    kernel, stride, padding, _ = _pool_geometry(op, kernel_size, stride, padding, 1)
    if divisor_override is not None and (not isinstance(divisor_override, (int, np.integer))
                                         or divisor_override < 1):
        raise ValueError(f"{op}: divisor_override must be a positive int, got "
                         f"{divisor_override!r}")
    single = _four_d(input, op)
    x = input.reshape((1,) + input.shape) if single else input
    n, c, h, w = x.shape
    hw = out_hw(x.shape, kernel, stride, padding, (1, 1), op, ceil_mode)
    (eh, ew), (ph, pw) = _ceil_extra(x.shape, hw, kernel, stride, padding, (1, 1)), padding
    data = rule_helpers.data_of(x)
    xp, like = namespace(data), dict(dtype=data.dtype, device=data.device)
    ones = xp.ones((1, 1) + kernel, **like)
    # NOTE: pad explicitly (ceil_mode can need more at the end than at the start).
    xpad = Pad.apply(x.reshape(n * c, 1, h, w), pad_width=((0, 0), (0, 0), (ph, ph + eh),
                                                           (pw, pw + ew)))
    out = Conv2d.apply(xpad, ones, stride=stride)
    if divisor_override is not None:
        out = out / float(divisor_override)
    else:
        counted = xp.zeros((1, 1, h + 2 * ph + eh, w + 2 * pw + ew), **like)
        if count_include_pad:
            counted[..., :h + 2 * ph, :w + 2 * pw] = 1.0
        else:
            counted[..., ph:ph + h, pw:pw + w] = 1.0
        out = out / _conv(counted, ones, stride, (0, 0), (1, 1))
    out = out.reshape((n, c) + out.shape[2:])
    return out.reshape(out.shape[1:]) if single else out


# ------------------------------------------------------------------ max_unpool2d
class MaxUnpool(Function):
    """out = zeros(shape) with out[index] = x.  d/dx = grad[index] (PyTorch's rule).

    Repeated indices (overlapping windows that picked the same element, so the
    same value) write it once and each reads the gradient back.
    """

    op_name = "max_unpool2d"

    @staticmethod
    def forward(ctx, x, index=None, shape=None):
        ctx.save_for_backward(index)
        ctx.x_shape = x.shape
        xp = namespace(x)
        out = xp.zeros(math.prod(shape), dtype=x.dtype, device=x.device)
        return xp.reshape(array_index.setitem(out, index, xp.reshape(x, (-1,))), shape)

    @staticmethod
    def backward(ctx, grad):
        return reshape(reshape(grad, (-1,))[ctx.saved_tensors[0]], ctx.x_shape)


def max_unpool2d(input: Tensor, indices: TensorLike,  # noqa: A002
                 kernel_size: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """Put each value back at the index ``max_pool2d(..., return_indices=True)`` gave it.

    Parameters
    ----------
    input : Tensor of shape (N, C, Ho, Wo) or (C, Ho, Wo)
    indices : int array or Tensor of the input's shape (flat index into each (H, W) plane)
    kernel_size, stride, padding : int or pair of ints, as given to ``max_pool2d``
    output_size : pair of ints (or a shape ending in them), optional
        (H, W); by default ``(Ho - 1) * stride - 2 * padding + kernel_size``.

    Returns
    -------
    Tensor of shape (N, C, H, W), zero where no index points. The gradient is ``grad``
    read back at ``indices``; a repeated index (overlapping windows that picked the
    same element) is written once, as PyTorch.

    Example
    -------
    >>> import graphgrad as gg
    >>> out, idx = gg.max_pool2d(gg.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> gg.max_unpool2d(out, idx, 2)[0, 0].tolist()[1]
    [0.0, 5.0, 0.0, 7.0]
    """
    op = "max_unpool2d"
    kernel, stride, padding, _ = _pool_geometry(op, kernel_size, stride, padding, 1)
    single = _four_d(input, op)
    x = input.reshape((1,) + input.shape) if single else input
    index = backend.as_array(rule_helpers.data_of(indices))
    check_same_device(op, rule_helpers.data_of(x), index)
    if tuple(index.shape) != tuple(input.shape) or backend.dtype_kind(index.dtype) not in "iu":
        raise shape_error(op, input.shape, index.shape,
                          reason="are not an input and integer indices of the same shape",
                          hint="pass the indices max_pool2d(..., return_indices=True) gave")
    n, c, ho, wo = x.shape
    if output_size is None:
        size = tuple((o - 1) * s - 2 * p + k for o, s, p, k in zip((ho, wo), stride, padding,
                                                                    kernel))
    else:
        size = tuple(int(v) for v in tuple(output_size)[-2:])
    plane = size[0] * size[1]
    xp = namespace(index)
    low, high = (int(xp.min(index)), int(xp.max(index))) if math.prod(index.shape) else (0, 0)
    if low < 0 or high >= plane:
        raise IndexError(f"{op}: indices must lie in [0, {plane}) for output_size {size}, got "
                         f"{low}..{high}")
    planes = xp.reshape(xp.arange(n * c, dtype=index.dtype, device=index.device), (n, c, 1, 1))
    flat = xp.reshape(planes * plane + xp.reshape(index, x.shape), (-1,))
    out = MaxUnpool.apply(x, index=flat, shape=(n, c) + size)
    return out.reshape(out.shape[1:]) if single else out


# ------------------------------------------------------------------ adaptive pools
def _adaptive_size(output_size, shape, op):
    """PyTorch's output_size: an int, or a pair whose None entries keep the input's size."""
    pair_ = (output_size, output_size) if not isinstance(output_size, (tuple, list)) \
        else tuple(output_size)
    if len(pair_) != 2:
        raise ValueError(f"{op}: output_size={output_size!r} must be an int or a pair")
    size = tuple(shape[i - 2] if v is None else v for i, v in enumerate(pair_))
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
               for v in size):
        raise ValueError(f"{op}: output_size={output_size!r} must hold ints >= 1 (or None)")
    return int(size[0]), int(size[1])


def _bins(size, out):
    """PyTorch's adaptive bins: bin i covers [floor(i n / o), ceil((i + 1) n / o))."""
    return ([(i * size) // out for i in range(out)],
            [-((-(i + 1) * size) // out) for i in range(out)])


def _averaging(size, out, like):
    """(out, size) matrix whose row i averages bin i, of ``like``'s dtype and device."""
    start, end = _bins(size, out)
    xp, device = namespace(like), like.device
    cols = xp.arange(size, device=device)
    first = xp.asarray(start, dtype=cols.dtype, device=device)[:, None]
    last = xp.asarray(end, dtype=cols.dtype, device=device)[:, None]
    counts = xp.asarray([e - s for s, e in zip(start, end)], dtype=like.dtype, device=device)
    return xp.astype((cols >= first) & (cols < last), like.dtype) / counts[:, None]


def adaptive_avg_pool2d(input: Tensor,  # noqa: A002 - PyTorch's name
                        output_size: int | tuple[int | None, int | None]) -> Tensor:
    """Mean over ``output_size`` bins of each (H, W) plane, as PyTorch.

    Bin ``i`` of an axis of length ``n`` split into ``o`` covers
    ``[floor(i n / o), ceil((i + 1) n / o))``: bins may overlap and differ in size. The
    mean is separable, so the op is ``A_h @ x @ A_w.T`` with constant averaging matrices.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.adaptive_avg_pool2d(gg.arange(6.0).reshape(1, 1, 2, 3), 1).tolist()
    [[[[2.5]]]]
    """
    _four_d(input, "adaptive_avg_pool2d")
    (h, w), data = input.shape[-2:], rule_helpers.data_of(input)
    ho, wo = _adaptive_size(output_size, input.shape[-2:], "adaptive_avg_pool2d")
    # NOTE: matmul(array, Tensor), not array @ Tensor: a strict array's @ rejects a Tensor
    return matmul(matmul(_averaging(h, ho, data), input),
                  backend.matrix_transpose(_averaging(w, wo, data)))


def adaptive_max_pool2d(input: Tensor, output_size: int | tuple[int | None, int | None],  # noqa: A002
                        return_indices: bool = False) -> Tensor | tuple[Tensor, np.ndarray]:
    """Max over ``output_size`` bins of each (H, W) plane (bins as ``adaptive_avg_pool2d``).

    Ties go to the first maximum of the bin in row-major order; the gradient goes to the
    picked element. With ``return_indices`` also return each pick's flat index
    ``row * W + column`` in its plane.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.adaptive_max_pool2d(gg.arange(6.0).reshape(1, 1, 2, 3), (1, 2)).tolist()
    [[[[4.0, 5.0]]]]
    """
    op = "adaptive_max_pool2d"
    _four_d(input, op)
    data = rule_helpers.data_of(input)
    h, w = data.shape[-2:]
    ho, wo = _adaptive_size(output_size, (h, w), op)
    if not h or not w:
        raise ShapeError(f"{op}: input of shape {data.shape} has an empty plane")
    # NOTE: a bin's max is the max over its rows of each row's max over the column bin;
    # taking the first maximum at both steps is the first maximum in row-major order.
    xp = namespace(data)
    picks = [s + xp.argmax(data[..., s:e], axis=-1) for s, e in zip(*_bins(w, wo))]
    col_pick = xp.stack(picks, axis=-1)
    col_best = xp.take_along_axis(data, col_pick, axis=-1)
    rows = []
    for s, e in zip(*_bins(h, ho)):
        row = s + xp.argmax(col_best[..., s:e, :], axis=-2)
        column = xp.take_along_axis(col_pick, row[..., None, :], axis=-2)[..., 0, :]
        rows.append(row * w + column)
    index = xp.stack(rows, axis=-2)
    planes = xp.arange(math.prod(data.shape[:-2]), dtype=index.dtype, device=data.device)
    planes = xp.reshape(planes, data.shape[:-2] + (1, 1)) * (h * w)
    out = input.reshape(-1)[xp.reshape(planes + index, (-1,))].reshape(index.shape)
    return (out, index) if return_indices else out
