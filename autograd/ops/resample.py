"""Resampling: ``interpolate`` (nearest, nearest-exact, linear, bilinear), as PyTorch.

Every mode is separable and linear in the input: along each spatial axis the
output is a constant (out, in) matrix times the input, so
``interpolate(x) = M_h @ x @ M_w.T`` and its gradients of every order are matmul's.
The matrices hold PyTorch's source-index rules exactly.
"""
from __future__ import annotations

import math
import numbers
import struct
from typing import TYPE_CHECKING

import numpy as np

from ..backend import matrix_transpose, namespace
from ..errors import ShapeError
from . import rule_helpers
from .linalg import matmul

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor

__all__ = ["interpolate"]

_MODES = {"nearest": (3, 4), "nearest-exact": (3, 4), "linear": (3,), "bilinear": (4,)}


def _per_axis(value, count, name):
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(values) != count:
        raise ValueError(f"interpolate: {name}={value!r} must be a number or {count} numbers "
                         f"(one per spatial axis)")
    return values


def _sizes_and_scales(shape, size, scale_factor, recompute_scale_factor):
    """Output sizes and the scale (input step per output step, or None) of each axis."""
    count = len(shape)
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        sizes = _per_axis(size, count, "size")
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1
                   for s in sizes):
            raise ValueError(f"interpolate: size={size!r} must be ints >= 1")
        return tuple(int(s) for s in sizes), (None,) * count
    factors = _per_axis(scale_factor, count, "scale_factor")
    if not all(isinstance(f, numbers.Real) and not isinstance(f, bool) and f > 0
               and math.isfinite(f) for f in factors):
        raise ValueError(f"interpolate: scale_factor={scale_factor!r} must be positive numbers")
    sizes = tuple(int(math.floor(n * f)) for n, f in zip(shape, factors))
    if min(sizes) < 1:
        raise ShapeError(f"interpolate: scale_factor {scale_factor} gives an empty output "
                         f"{sizes} for spatial shape {tuple(shape)}")
    scales = (None,) * count if recompute_scale_factor else tuple(1.0 / f for f in factors)
    return sizes, scales


def _float32(value):
    """``value`` rounded to the nearest float32 (a Python float holding it)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _nearest(size, out, scale, exact):
    """Each output's source: input floor(i * scale) (or floor((i + .5) * scale)), weight 1."""
    # NOTE: PyTorch computes these indices in float32; so do we, for the same picks (the
    # product of two float32 numbers is exact in a Python float, then rounded to float32).
    step = _float32(size / out if scale is None else scale)
    shift = 0.5 if exact else 0.0
    source = [min(math.floor(_float32((i + shift) * step)), size - 1) for i in range(out)]
    return source, [1.0] * out, source, [0.0] * out


def _linear(size, out, scale, align_corners):
    """Two sources and weights per output: linear interpolation at PyTorch's coordinate."""
    if align_corners:
        ratio = (size - 1) / (out - 1) if out > 1 else 0.0
        source = [i * ratio for i in range(out)]
    else:
        step = size / out if scale is None else scale
        source = [max((i + 0.5) * step - 0.5, 0.0) for i in range(out)]
    low = [min(math.floor(s), size - 1) for s in source]
    high = [min(j + 1, size - 1) for j in low]
    weight = [s - j for s, j in zip(source, low)]
    # NOTE: where both sources are the last input (its weights add up), one entry holds both
    return (low, [1.0 - w + (w if j == k else 0.0) for w, j, k in zip(weight, low, high)],
            high, [0.0 if j == k else w for w, j, k in zip(weight, low, high)])


def _matrix(rows, size, like):
    """The (out, size) matrix with weight_a at column a and weight_b at column b of each row,
    of ``like``'s dtype, on its device."""
    first, first_weight, second, second_weight = rows
    xp, device = namespace(like), like.device
    columns = xp.arange(size, device=device)[None, :]

    def part(where, weights):
        picks = xp.asarray(where, dtype=columns.dtype, device=device)[:, None] == columns
        return xp.astype(picks, like.dtype) * xp.asarray(weights, dtype=like.dtype,
                                                          device=device)[:, None]
    return part(first, first_weight) + part(second, second_weight)


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial axes of (N, C, L) or (N, C, H, W), as ``torch.nn.functional.interpolate``.

    Parameters
    ----------
    input : Tensor of shape (N, C, L) or (N, C, H, W)
    size : int or tuple of ints, optional
        The output's spatial size.
    scale_factor : float or tuple of floats, optional
        Multiplier of the spatial size (output size floored). Exactly one of ``size``
        and ``scale_factor``.
    mode : {"nearest", "nearest-exact", "linear", "bilinear"}
        ``linear`` for 3-D input, ``bilinear`` for 4-D.
    align_corners : bool, optional
        linear modes only: True maps the corner pixels' centres onto each other;
        False (the default) maps the corners' edges (half-pixel centres).
    recompute_scale_factor : bool, optional
        True: compute the coordinate scale from the output size rather than using
        ``scale_factor``.
    antialias : bool
        Not supported (must be False).

    Returns
    -------
    Tensor of shape (N, C, *size).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.interpolate(gg.tensor([[[1.0, 3.0]]]), scale_factor=2, mode="linear").tolist()
    [[[1.0, 1.5, 2.5, 3.0]]]
    """
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode={mode!r} is not supported; use one of "
                         f"{', '.join(_MODES)}")
    if input.ndim not in _MODES[mode]:
        raise ShapeError(f"interpolate: mode={mode!r} needs an input with "
                         f"{' or '.join(str(n) for n in _MODES[mode])} dimensions (N, C, ...), "
                         f"got shape {tuple(input.shape)}")
    linear = mode in ("linear", "bilinear")
    if align_corners is not None and not linear:
        raise ValueError("interpolate: align_corners only has an effect with linear modes; "
                         f"leave it None for mode={mode!r}")
    if antialias:
        raise ValueError("interpolate: antialias=True is not supported")
    spatial = tuple(input.shape[2:])
    if min(spatial, default=0) < 1:
        raise ShapeError(f"interpolate: input of shape {tuple(input.shape)} has an empty "
                         "spatial axis")
    sizes, scales = _sizes_and_scales(spatial, size, scale_factor, recompute_scale_factor)
    data = rule_helpers.data_of(input)
    matrices = [_matrix(_linear(n, o, s, bool(align_corners)) if linear
                        else _nearest(n, o, s, mode == "nearest-exact"), n, data)
                for n, o, s in zip(spatial, sizes, scales)]
    if len(matrices) == 1:
        return input @ matrix_transpose(matrices[0])
    # NOTE: matmul(array, Tensor), not array @ Tensor: a strict array's @ rejects a Tensor
    return matmul(matmul(matrices[0], input), matrix_transpose(matrices[1]))
