"""``pad`` with numpy's and PyTorch's modes, and negative widths that crop.

Constant padding is ``shape.Pad`` (its gradient is the un-padded middle). The
other modes pick, per padded axis, source positions along that axis
(``reflect``: mirrored without repeating the edge, ``replicate``: the edge
repeated, ``circular``: wrapped around) and index with them, so the gradient
of a padded element is added back to the element it copies.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from ..errors import ShapeError, constant_number
from .shape import Pad

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor

# PyTorch's names and numpy's, mapped to numpy's (which builds the source positions).
_MODES: dict[str, Literal["constant", "reflect", "edge", "wrap"]] = {
    "constant": "constant", "reflect": "reflect", "replicate": "edge", "edge": "edge",
    "circular": "wrap", "wrap": "wrap"}

__all__ = ["pad"]


def _widths(x, pad_width):
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ShapeError(f"pad: pad_width {pad_width!r} does not fit a tensor of shape "
                         f"{tuple(x.shape)}; give one (before, after) pair per axis, one pair "
                         "for all, or one number") from None
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must hold integers, got {pad_width!r}")
    return widths.astype(int)


def pad(x: Tensor, pad_width: int | Sequence[int] | Sequence[Sequence[int]],
        value: float | str = 0.0, mode: str = "constant", *,
        constant_values: float | None = None) -> Tensor:
    """Pad (or, with negative widths, crop) each axis, as ``numpy.pad``.

    Parameters
    ----------
    x : Tensor
    pad_width : ``((before, after), ...)`` per axis, one pair for all axes, or one int.
        Negative entries crop that many elements (PyTorch's rule), before any padding.
    value : number, the fill of ``mode="constant"`` (numpy: ``constant_values``).
    mode : ``"constant"``, ``"reflect"``, ``"replicate"`` (numpy: ``"edge"``) or
        ``"circular"`` (numpy: ``"wrap"``). numpy's positional ``pad(x, w, "reflect")``
        works too.

    Returns
    -------
    Tensor; each padded element's gradient goes to the element it copies.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.pad(gg.tensor([1.0, 2.0, 3.0]), (2, -1), mode="reflect").tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    if isinstance(value, str):  # numpy's positional mode: pad(x, width, "reflect")
        mode, value = value, 0.0
    if constant_values is not None:
        value = constant_values
    if mode not in _MODES:
        raise ValueError(f"pad: mode {mode!r} is not one of {', '.join(_MODES)}")
    value = constant_number("pad", "value", value)
    widths = _widths(x, pad_width)
    crop = np.maximum(-widths, 0)
    if crop.any():
        kept = [n - lo - hi for (lo, hi), n in zip(crop, x.shape)]
        if min(kept) < 0:
            raise ShapeError(f"pad: negative pad_width {widths.tolist()} crops more than the "
                             f"shape {tuple(x.shape)} holds")
        x = x[tuple(slice(lo, lo + n) for (lo, _), n in zip(crop, kept))]
    grow = np.maximum(widths, 0)
    if not grow.any():
        return x if crop.any() else x[...]
    if mode == "constant":
        return Pad.apply(x, pad_width=grow, value=value)
    for axis, (before, after) in enumerate(grow):
        if before or after:
            if x.shape[axis] == 0:
                raise ShapeError(f"pad: mode {mode!r} cannot pad axis {axis} of length 0 "
                                 f"(shape {tuple(x.shape)}); use mode='constant'")
            source = np.pad(np.arange(x.shape[axis]), (before, after), mode=_MODES[mode])
            x = x[(slice(None),) * axis + (source,)]
    return x
