"""Naive-loop references and hypothesis cases for the windowed ops (conv with groups,
conv_transpose2d, unfold, fold, max_unpool2d, adaptive pools, interpolate).

Each reference is written from the op's definition, one output element (or one input
element's contribution) at a time, with no shared code with the library.
"""
import math

import numpy as np
from hypothesis import strategies as st

from graphgrad.autograd.testing import strategies as gst


def _floats(draw, shape):
    return draw(gst.arrays(shape, elements=(-3.0, 3.0)))


# ---------------------------------------------------------------- references
def conv2d_ref(x, w, stride, padding, dilation, groups):
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, ho, wo))
    for b, f, i, j in np.ndindex(n, o, ho, wo):
        group = f // (o // groups)
        for ch, a, e in np.ndindex(cg, kh, kw):
            out[b, f, i, j] += xp[b, group * cg + ch, i * sh + a * dh, j * sw + e * dw] * \
                w[f, ch, a, e]
    return out


def conv_transpose2d_ref(x, w, stride, padding, output_padding, groups, dilation):
    """Each input element scatters ``x * w`` into the output at ``i s + a d - p``."""
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = stride, padding, output_padding, dilation
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    ho = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oh + 1
    wo = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + ow + 1
    out = np.zeros((n, og * groups, ho, wo))
    cg = c // groups
    for b, ch, i, j in np.ndindex(n, c, h, wd):
        group = ch // cg
        for f, a, e in np.ndindex(og, kh, kw):
            r, s = i * sh + a * dh - ph, j * sw + e * dw - pw
            if 0 <= r < ho and 0 <= s < wo:
                out[b, group * og + f, r, s] += x[b, ch, i, j] * w[ch, f, a, e]
    return out


def unfold_ref(x, kernel, dilation, padding, stride):
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    n, c, h, w = x.shape
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c * kh * kw, ho * wo))
    for b, ch, a, e, i, j in np.ndindex(n, c, kh, kw, ho, wo):
        r, s = i * sh + a * dh - ph, j * sw + e * dw - pw
        if 0 <= r < h and 0 <= s < w:
            out[b, (ch * kh + a) * kw + e, i * wo + j] = x[b, ch, r, s]
    return out


def fold_ref(cols, output_size, kernel, dilation, padding, stride):
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (output_size, kernel, dilation, padding,
                                                      stride)
    n, rows, _ = cols.shape
    c = rows // (kh * kw)
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c, h, w))
    for b, ch, a, e, i, j in np.ndindex(n, c, kh, kw, ho, wo):
        r, s = i * sh + a * dh - ph, j * sw + e * dw - pw
        if 0 <= r < h and 0 <= s < w:
            out[b, ch, r, s] += cols[b, (ch * kh + a) * kw + e, i * wo + j]
    return out


def bins(size, out):
    return [(math.floor(i * size / out), math.ceil((i + 1) * size / out)) for i in range(out)]


def adaptive_pool_ref(x, output_size, reduce):
    n, c, h, w = x.shape
    out = np.zeros((n, c) + tuple(output_size))
    for i, (r0, r1) in enumerate(bins(h, output_size[0])):
        for j, (c0, c1) in enumerate(bins(w, output_size[1])):
            out[:, :, i, j] = reduce(x[:, :, r0:r1, c0:c1].reshape(n, c, -1), axis=-1)
    return out


def linear_resize_ref(x, size, align_corners):
    """Resize the last axis by linear interpolation at PyTorch's source coordinates."""
    n = x.shape[-1]
    out = np.zeros(x.shape[:-1] + (size,))
    for i in range(size):
        if align_corners:
            src = i * (n - 1) / (size - 1) if size > 1 else 0.0
        else:
            src = max((i + 0.5) * n / size - 0.5, 0.0)
        low = min(int(math.floor(src)), n - 1)
        high = min(low + 1, n - 1)
        out[..., i] = x[..., low] * (1 - (src - low)) + x[..., high] * (src - low)
    return out


def bilinear_ref(x, size, align_corners):
    rows = linear_resize_ref(np.swapaxes(x, -1, -2), size[0], align_corners)
    return linear_resize_ref(np.swapaxes(rows, -1, -2), size[1], align_corners)


def max_unpool_ref(x, indices, size):
    n, c = x.shape[:2]
    out = np.zeros((n, c, size[0] * size[1]))
    for b, ch, i, j in np.ndindex(*x.shape):
        out[b, ch, indices[b, ch, i, j]] = x[b, ch, i, j]
    return out.reshape((n, c) + tuple(size))


# ---------------------------------------------------------------- hypothesis cases
def _geometry(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    return kernel, stride, dilation, padding


def _fitting_side(draw, kernel, dilation, padding, max_side):
    least = max(1, dilation * (kernel - 1) + 1 - 2 * padding)
    return draw(st.integers(least, least + max_side - 1))


@st.composite
def conv_groups_case(draw, max_side):
    kernel, stride, dilation, padding = _geometry(draw)
    groups = draw(st.integers(1, 3))
    cg, og, n = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h = _fitting_side(draw, kernel[0], dilation[0], padding[0], max_side)
    w = _fitting_side(draw, kernel[1], dilation[1], padding[1], max_side)
    x = _floats(draw, (n, cg * groups, h, w))
    weight = _floats(draw, (og * groups, cg) + kernel)
    return (x, weight), dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


@st.composite
def conv_transpose_case(draw, max_side):
    kernel, stride, dilation, padding = _geometry(draw)
    groups = draw(st.integers(1, 2))
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    cg, og, n = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    sides = []
    for k, s, d, p, e in zip(kernel, stride, dilation, padding, extra):
        least = 1
        while (least - 1) * s - 2 * p + d * (k - 1) + e + 1 < 1:
            least += 1
        sides.append(draw(st.integers(least, least + max_side - 2)))
    x = _floats(draw, (n, cg * groups) + tuple(sides))
    weight = _floats(draw, (cg * groups, og) + kernel)
    return (x, weight), dict(stride=stride, padding=padding, output_padding=extra,
                             groups=groups, dilation=dilation)


@st.composite
def unfold_case(draw, max_side):
    kernel, stride, dilation, padding = _geometry(draw)
    h = _fitting_side(draw, kernel[0], dilation[0], padding[0], max_side)
    w = _fitting_side(draw, kernel[1], dilation[1], padding[1], max_side)
    x = _floats(draw, (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w))
    return (x,), dict(kernel_size=kernel, dilation=dilation, padding=padding, stride=stride)


@st.composite
def fold_case(draw, max_side):
    (x,), geometry = draw(unfold_case(max_side))
    k, d, p, s = (geometry[name] for name in ("kernel_size", "dilation", "padding", "stride"))
    n, c, h, w = x.shape
    ho, wo = ((size + 2 * pp - dd * (kk - 1) - 1) // ss + 1
              for size, kk, dd, pp, ss in zip((h, w), k, d, p, s))
    cols = _floats(draw, (n, c * k[0] * k[1], ho * wo))
    return (cols,), dict(geometry, output_size=(h, w))


@st.composite
def adaptive_case(draw, max_side):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, max_side + 2)),
             draw(st.integers(1, max_side + 2)))
    size = (draw(st.integers(1, max_side + 1)), draw(st.integers(1, max_side + 1)))
    return shape, size


@st.composite
def adaptive_avg_case(draw, max_side):
    shape, size = draw(adaptive_case(max_side))
    return (_floats(draw, shape),), {"output_size": size}


@st.composite
def adaptive_max_case(draw, max_side):
    shape, size = draw(adaptive_case(max_side))
    # NOTE: distinct values 0.01 apart: gradcheck's steps never cross a tie.
    x = draw(gst.tensors(shape=shape, min_gap=0.01, min_value=-5, max_value=5)).data
    return (x,), {"output_size": size}


@st.composite
def bilinear_case(draw, max_side):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, max_side)),
             draw(st.integers(1, max_side)))
    size = (draw(st.integers(1, 2 * max_side)), draw(st.integers(1, 2 * max_side)))
    return (_floats(draw, shape),), {"size": size, "align_corners": draw(st.booleans())}


@st.composite
def unpool_case(draw, max_side):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ho, wo = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    size = (2 * ho, 2 * wo)
    # one index inside each 2x2 window, as max_pool2d(2) gives
    rows = np.arange(ho)[:, None] * 2 + draw(gst.arrays((n, c, ho, wo), np.int64, (0, 1)))
    columns = np.arange(wo) * 2 + draw(gst.arrays((n, c, ho, wo), np.int64, (0, 1)))
    indices = (rows * size[1] + columns).astype(np.int64)
    return (_floats(draw, (n, c, ho, wo)),), {"indices": indices, "size": size}
