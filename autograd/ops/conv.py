"""Convolution and pooling: conv2d, conv1d, max_pool2d, avg_pool2d.

Convolution is im2col by strides: a read-only ``as_strided`` view of the padded
input holds every window, and ONE ``tensordot`` contracts it with the kernel.
Three linear maps close under differentiation, so every rule below is written
with the other two and second (and higher) derivatives come for free:

* ``conv(x, w)``       the forward;
* ``conv_t(g, w)``     its adjoint in ``x``: the input gradient (transposed conv);
* ``conv_w(x, g)``     its adjoint in ``w``: the weight gradient.

``avg_pool2d`` is a conv with a constant kernel, so it inherits all of this.
``max_pool2d`` sends each output's gradient to the one input its window picked
(a scatter-add, itself differentiable through ``rule_helpers.scatter_add``).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import ShapeError, shape_error
from ..function import Function
from . import rule_helpers


# ------------------------------------------------------------------ helpers
def _pair(value, name, op, minimum):
    """``3 -> (3, 3)``; validate a 2-tuple of ints >= ``minimum``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum
                                 for v in pair):
        raise ValueError(f"{op}: {name}={value!r} must be an int >= {minimum} or a pair of them")
    return int(pair[0]), int(pair[1])


def _out_size(size, kernel, stride, padding, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _out_hw(shape, kernel, stride, padding, dilation, op):
    """Output height and width; a clear error when the kernel does not fit."""
    (_, _, h, w), (kh, kw) = shape, kernel
    ho = _out_size(h, kh, stride[0], padding[0], dilation[0])
    wo = _out_size(w, kw, stride[1], padding[1], dilation[1])
    if ho < 1 or wo < 1:
        raise ShapeError(f"{op}: input of shape {tuple(shape)} is too small for kernel {kernel} "
                         f"with padding {padding} and dilation {dilation} (output would be "
                         f"{ho}x{wo}); pad the input or use a smaller kernel")
    return ho, wo


def _windows(xp, kernel, stride, dilation, out_hw):
    """Read-only view (N, C, Ho, Wo, kh, kw) of every window of the padded input."""
    sn, sc, sh, sw = xp.strides
    shape = xp.shape[:2] + tuple(out_hw) + tuple(kernel)
    strides = (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
    return as_strided(xp, shape, strides, writeable=False)


def _padded(x, padding, value=0.0):
    ph, pw = padding
    if not (ph or pw):
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


# ------------------------------------------------------------------ array kernels
def _im2col(x, kernel, stride, padding, dilation, out_hw):
    """Every window as a row: a (N*Ho*Wo, C*kh*kw) matrix (the one copy conv makes)."""
    cols = _windows(_padded(x, padding), kernel, stride, dilation, out_hw)
    n, c, ho, wo, kh, kw = cols.shape
    return cols.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)


def _conv(x, w, stride, padding, dilation, cols=None):
    """out[n,o,i,j] = sum_{c,a,b} xpad[n, c, i*s + a*d, j*s + b*d] * w[o,c,a,b]."""
    out_hw = _out_hw(x.shape, w.shape[2:], stride, padding, dilation, "conv2d")
    if cols is None:
        cols = _im2col(x, w.shape[2:], stride, padding, dilation, out_hw)
    out = cols @ w.reshape(w.shape[0], -1).T  # (N*Ho*Wo, O): the one matmul
    out = out.reshape((x.shape[0],) + tuple(out_hw) + (w.shape[0],))
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _conv_weight(x, g, stride, padding, dilation, w_shape, cols=None):
    """The adjoint of ``_conv`` in ``w``: dw[o,c,a,b] = sum_{n,i,j} g[n,o,i,j] xpad[...]."""
    if cols is None:
        cols = _im2col(x, w_shape[2:], stride, padding, dilation, g.shape[2:])
    rows = g.transpose(0, 2, 3, 1).reshape(-1, g.shape[1])  # (N*Ho*Wo, O)
    return (rows.T @ cols).reshape(w_shape)


def _conv_t(g, w, stride, padding, dilation, x_shape):
    """The adjoint of ``_conv`` in ``x``: each window's share added back (col2im)."""
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    n, c, h, wd = x_shape
    ho, wo = g.shape[2:]
    cols = np.tensordot(g, w, axes=([1], [0]))  # (N, Ho, Wo, C, kh, kw)
    cols = cols.transpose(0, 3, 1, 2, 4, 5)
    out = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=cols.dtype)
    # NOTE: a loop over the kh*kw kernel offsets only (9 for 3x3), each a strided slab add.
    for a in range(w.shape[2]):
        for b in range(w.shape[3]):
            out[:, :, a * dh:a * dh + sh * (ho - 1) + 1:sh,
                b * dw:b * dw + sw * (wo - 1) + 1:sw] += cols[..., a, b]
    return out[:, :, ph:ph + h, pw:pw + wd]


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
    def forward(ctx, x, w, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        x_shape, w_shape = np.shape(x), np.shape(w)
        if len(x_shape) != 4 or len(w_shape) != 4 or x_shape[1] != w_shape[1]:
            raise shape_error("conv2d", x_shape, w_shape,
                              reason="do not fit an input (N, C, H, W) and a weight (O, C, kh, kw)",
                              hint="both must be 4-D with the same number of channels C")
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation)
        ctx.x_shape, ctx.w_shape = x_shape, w_shape
        ctx.save_for_backward(x, w)
        out_hw = _out_hw(x_shape, w_shape[2:], stride, padding, dilation, "conv2d")
        cols = _im2col(x, w_shape[2:], stride, padding, dilation, out_hw)
        # NOTE: the weight gradient needs the same im2col matrix: keep it rather than
        # copying the windows again in backward.
        ctx.cols = cols if ctx.needs_input_grad[1] else None
        return _conv(x, w, stride, padding, dilation, cols=cols)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        grad_x = (_dispatch(ConvTranspose2d, _conv_t, grad, w, x_shape=ctx.x_shape,
                            **ctx.geometry) if need_x else None)
        grad_w = None
        if need_w and rule_helpers.is_raw(x) and rule_helpers.is_raw(grad):
            grad_w = _conv_weight(x, grad, w_shape=ctx.w_shape, cols=ctx.cols, **ctx.geometry)
        elif need_w:
            grad_w = ConvWeight.apply(x, grad, w_shape=ctx.w_shape, **ctx.geometry)
        return grad_x, grad_w

    def release_saved(self):
        """Drop the im2col matrix with the saved values."""
        super().release_saved()
        self.cols = None


class ConvTranspose2d(Function):
    """out = conv_t(g, w), the input gradient of conv.

    d/dg = conv(grad, w), d/dw = conv_w(grad, g).
    """

    op_name = "conv_transpose2d"

    @staticmethod
    def forward(ctx, g, w, stride=(1, 1), padding=(0, 0), dilation=(1, 1), x_shape=None):
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation)
        ctx.w_shape = np.shape(w)
        ctx.save_for_backward(g, w)
        return _conv_t(g, w, stride, padding, dilation, x_shape)

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad
        grad_g = _dispatch(Conv2d, _conv, grad, w, **ctx.geometry) if need_g else None
        grad_w = (_dispatch(ConvWeight, _conv_weight, grad, g, w_shape=ctx.w_shape,
                            **ctx.geometry) if need_w else None)
        return grad_g, grad_w


class ConvWeight(Function):
    """out = conv_w(x, g), the weight gradient of conv.

    d/dx = conv_t(g, grad), d/dg = conv(x, grad).
    """

    op_name = "conv2d_weight"

    @staticmethod
    def forward(ctx, x, g, stride=(1, 1), padding=(0, 0), dilation=(1, 1), w_shape=None):
        ctx.geometry = dict(stride=stride, padding=padding, dilation=dilation)
        ctx.x_shape = np.shape(x)
        ctx.save_for_backward(x, g)
        return _conv_weight(x, g, stride, padding, dilation, w_shape)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        grad_x = (_dispatch(ConvTranspose2d, _conv_t, g, grad, x_shape=ctx.x_shape,
                            **ctx.geometry) if need_x else None)
        grad_g = _dispatch(Conv2d, _conv, x, grad, **ctx.geometry) if need_g else None
        return grad_x, grad_g


def _offset_slices(kernel, stride, dilation, out_hw):
    """For each kernel offset (a, b), in row-major order, the slice of the padded input
    holding that offset's element of every window: one strided slab per offset."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    return [(slice(None), slice(None), slice(a * dh, a * dh + sh * (ho - 1) + 1, sh),
             slice(b * dw, b * dw + sw * (wo - 1) + 1, sw))
            for a in range(kernel[0]) for b in range(kernel[1])]


class MaxPool2d(Function):
    """out = max over each window.  d/dx = grad sent to the element each window picked.

    Ties: the FIRST maximum of a window in row-major order wins (what PyTorch's
    CPU kernel picks); overlapping windows that pick the same element add their
    gradients there. Both directions loop over the kh*kw kernel offsets, each a
    strided slab of the input (no window copies, no argmax).
    """

    op_name = "max_pool2d"

    @staticmethod
    def forward(ctx, x, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1)):
        x_shape = np.shape(x)
        if len(x_shape) != 4:
            raise ShapeError(f"max_pool2d: input of shape {x_shape} is not (N, C, H, W)")
        out_hw = _out_hw(x_shape, kernel, stride, padding, dilation, "max_pool2d")
        xp = _padded(x, padding, -np.inf)
        slices = _offset_slices(kernel, stride, dilation, out_hw)
        out = xp[slices[0]].copy()
        for where in slices[1:]:
            np.maximum(out, xp[where], out=out)
        # NOTE: a window wholly in the padding (possible with dilation) gives -inf, as
        # PyTorch's; its gradient lands in the padding and is cropped away.
        ctx.padded, ctx.out, ctx.slices = xp, out, slices
        ctx.x_shape, ctx.geometry = x_shape, (kernel, stride, padding, dilation)
        return out

    @staticmethod
    def backward(ctx, grad):
        xp, out = ctx.padded, ctx.out
        taken = np.zeros(out.shape, dtype=bool)
        if rule_helpers.is_raw(grad):
            grad_xp = np.zeros(xp.shape, dtype=np.result_type(grad))
            for where in ctx.slices:
                hit = xp[where] == out
                hit &= ~taken
                taken |= hit
                grad_xp[where] += grad * hit
            (ph, pw), (_, _, h, w) = ctx.geometry[2], ctx.x_shape
            return grad_xp[:, :, ph:ph + h, pw:pw + w]
        # create_graph: route through a differentiable scatter-add at the picked indices
        pick = np.zeros(out.shape, dtype=np.int64)
        for k, where in enumerate(ctx.slices):
            hit = (xp[where] == out) & ~taken
            taken |= hit
            pick[hit] = k
        size = int(np.prod(ctx.x_shape))
        flat = _picked_flat_index(pick, ctx.x_shape, *ctx.geometry)
        summed = rule_helpers.scatter_add(grad.reshape(-1), (flat,), (size + 1,))
        return summed[:size].reshape(ctx.x_shape)

    def release_saved(self):
        """Drop the padded input and the output kept for the gradient."""
        super().release_saved()
        self.padded = self.out = None


def _picked_flat_index(pick, x_shape, kernel, stride, padding, dilation):
    """The flat index into x of the element each window picked.

    A window wholly in the padding picks a spare slot past the end, dropped by
    the caller.
    """
    n, c, h, w = x_shape
    ho, wo = pick.shape[2:]
    rows = np.arange(ho)[:, None] * stride[0] + (pick // kernel[1]) * dilation[0] - padding[0]
    columns = np.arange(wo) * stride[1] + (pick % kernel[1]) * dilation[1] - padding[1]
    base = (np.arange(n)[:, None] * c + np.arange(c))[:, :, None, None] * (h * w)
    outside = (rows < 0) | (rows >= h) | (columns < 0) | (columns >= w)
    return np.where(outside, n * c * h * w, base + rows * w + columns).ravel()


# ------------------------------------------------------------------ public functions
def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (groups=1).

    Parameters
    ----------
    x : Tensor of shape (N, C, H, W) (or (C, H, W) for one image)
    weight : Tensor of shape (O, C, kh, kw)
    bias : Tensor of shape (O,), optional
    stride, padding, dilation : int or pair of ints

    Returns
    -------
    Tensor of shape (N, O, Ho, Wo), ``Ho = (H + 2p - d (kh - 1) - 1) // s + 1``.

    Example
    -------
    >>> conv2d(randn(8, 1, 28, 28), randn(4, 1, 3, 3), padding=1).shape
    (8, 4, 28, 28)
    """
    if groups != 1:
        raise NotImplementedError("conv2d: only groups=1 is supported")
    single = x.ndim == 3
    if single:
        x = x.reshape((1,) + x.shape)
    out = Conv2d.apply(x, weight, stride=_pair(stride, "stride", "conv2d", 1),
                       padding=_pair(padding, "padding", "conv2d", 0),
                       dilation=_pair(dilation, "dilation", "conv2d", 1))
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out.reshape(out.shape[1:]) if single else out


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation of (N, C, L) with (O, C, k): conv2d on a height-1 image."""
    for name, value in (("stride", stride), ("padding", padding), ("dilation", dilation)):
        if not isinstance(value, (int, np.integer)):
            raise ValueError(f"conv1d: {name}={value!r} must be an int")
    if x.ndim != 3 or weight.ndim != 3:
        raise shape_error("conv1d", x.shape, weight.shape,
                          reason="are not an input (N, C, L) and a weight (O, C, k)")
    n, c, length = x.shape
    out = conv2d(x.reshape(n, c, 1, length), weight.reshape(weight.shape[:2] + (1, -1)), bias,
                 (1, stride), (0, padding), (1, dilation), groups)
    return out.reshape(out.shape[:2] + (out.shape[3],))


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1):
    """Max over each ``kernel_size`` window (stride defaults to the kernel), as PyTorch.

    Padding counts as -inf and may be at most half the kernel. Ties go to the
    first maximum of the window in row-major order.
    """
    kernel = _pair(kernel_size, "kernel_size", "max_pool2d", 1)
    stride = kernel if stride is None else _pair(stride, "stride", "max_pool2d", 1)
    padding = _pair(padding, "padding", "max_pool2d", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"max_pool2d: padding {padding} must be at most half the kernel "
                         f"{kernel}")
    return MaxPool2d.apply(x, kernel=kernel, stride=stride, padding=padding,
                           dilation=_pair(dilation, "dilation", "max_pool2d", 1))


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    """Mean over each ``kernel_size`` window, as PyTorch (zero padding counted by default).

    Computed as a conv of each channel with a constant kernel, so its gradient
    (and the gradient's gradient) are the conv rules.
    """
    kernel = _pair(kernel_size, "kernel_size", "avg_pool2d", 1)
    stride = kernel if stride is None else _pair(stride, "stride", "avg_pool2d", 1)
    padding = _pair(padding, "padding", "avg_pool2d", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"avg_pool2d: padding {padding} must be at most half the kernel "
                         f"{kernel}")
    if x.ndim != 4:
        raise ShapeError(f"avg_pool2d: input of shape {x.shape} is not (N, C, H, W)")
    n, c, h, w = x.shape
    ones = np.ones((1, 1) + kernel, dtype=x.dtype)
    geometry = dict(stride=stride, padding=padding, dilation=(1, 1))
    out = Conv2d.apply(x.reshape(n * c, 1, h, w), ones, **geometry)
    if count_include_pad:
        out = out / float(kernel[0] * kernel[1])
    else:
        counts = _conv(np.ones((1, 1, h, w), dtype=x.dtype), ones, **geometry)
        out = out / counts
    return out.reshape((n, c) + out.shape[2:])
