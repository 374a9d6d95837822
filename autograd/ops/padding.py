"""``pad`` with numpy's and PyTorch's modes, and negative widths that crop.

Constant padding is ``shape.Pad`` (its gradient is the un-padded middle). The
other modes pick, per padded axis, source positions along that axis
(``reflect``: mirrored without repeating the edge, ``replicate``: the edge
repeated, ``circular``: wrapped around) and index with them, so the gradient
of a padded element is added back to the element it copies.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .. import array_index
from ..errors import ShapeError, constant_number
from .shape import Pad, pad_widths

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor

# PyTorch's names and numpy's, mapped to numpy's.
_MODES: dict[str, Literal["constant", "reflect", "edge", "wrap"]] = {
    "constant": "constant", "reflect": "reflect", "replicate": "edge", "edge": "edge",
    "circular": "wrap", "wrap": "wrap"}

__all__ = ["pad"]


def _source(mode, n, before, after):
    """The positions along an axis of length ``n`` that numpy's ``pad(mode)`` copies."""
    positions = range(-before, n + after)
    if mode == "edge":
        return [min(max(p, 0), n - 1) for p in positions]
    if mode == "wrap":
        return [p % n for p in positions]
    if n == 1:  # reflect: mirrored about the edges without repeating them (period 2n - 2)
        return [0] * len(positions)
    return [m if m < n else 2 * n - 2 - m for m in (p % (2 * n - 2) for p in positions)]


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
    widths = pad_widths(pad_width, x.shape)
    crop = tuple((max(-lo, 0), max(-hi, 0)) for lo, hi in widths)
    cropped = any(lo or hi for lo, hi in crop)
    if cropped:
        kept = [n - lo - hi for (lo, hi), n in zip(crop, x.shape)]
        if min(kept) < 0:
            raise ShapeError(f"pad: negative pad_width {[list(w) for w in widths]} crops more "
                             f"than the shape {tuple(x.shape)} holds")
        x = x[tuple(slice(lo, lo + n) for (lo, _), n in zip(crop, kept))]
    grow = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
    if not any(lo or hi for lo, hi in grow):
        return x if cropped else x[...]
    if mode == "constant":
        return Pad.apply(x, pad_width=grow, value=value)
    for axis, (before, after) in enumerate(grow):
        if before or after:
            if x.shape[axis] == 0:
                raise ShapeError(f"pad: mode {mode!r} cannot pad axis {axis} of length 0 "
                                 f"(shape {tuple(x.shape)}); use mode='constant'")
            source = _source(_MODES[mode], x.shape[axis], before, after)
            x = x[(slice(None),) * axis + (array_index.as_index(source, x.data), ...)]
    return x
