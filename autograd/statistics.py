"""Counting functions with no gradient: ``histogram``."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import backend
from .devices import device_of
from .errors import DeviceError
from .tensor import Tensor

__all__ = ["histogram", "HistogramResult"]


class HistogramResult(NamedTuple):
    """``(hist, bin_edges)`` as PyTorch's ``histogram`` returns."""

    hist: Tensor
    bin_edges: Tensor


def histogram(input: Tensor, bins: int | Tensor = 100, *,  # noqa: A002
              range: tuple[float, float] | None = None, weight: Tensor | None = None,
              density: bool = False) -> HistogramResult:
    """Count values into bins, as ``torch.histogram`` (and ``numpy.histogram``).

    Parameters
    ----------
    input : Tensor
        Floating-point values (flattened).
    bins : int or Tensor
        The number of equal bins over ``range``, or the bin edges (increasing).
    range : (float, float), optional
        The lower and upper edge; default: the minimum and maximum of ``input``.
    weight : Tensor, optional
        A weight per element of ``input`` (same shape), summed instead of counted.
    density : bool
        Divide so that the histogram integrates to 1 over the range.

    Returns
    -------
    (hist, bin_edges) : a named tuple of Tensors of ``input``'s dtype (no gradient).

    Example
    -------
    >>> import graphgrad as gg
    >>> hist, edges = gg.histogram(gg.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0))
    >>> hist
    Tensor([0., 2., 1., 0.], dtype=float32)
    """
    for value in (input, bins, weight):
        data = getattr(value, "data", value)
        if backend.is_foreign_array(data):  # NOTE: numpy's histogram; PyTorch's is CPU-only too
            raise DeviceError(f"histogram: counts on the host, but a tensor is on device "
                              f"'{device_of(data)}'; copy it first: gg.histogram(t.cpu(), ...)")
    data = np.asarray(getattr(input, "data", input))
    if data.dtype.kind != "f":
        raise TypeError(f"histogram: input must be floating point (as PyTorch's), got "
                        f"{data.dtype}; convert it with .double() or .float()")
    edges = getattr(bins, "data", bins)
    weights = None if weight is None else np.asarray(getattr(weight, "data", weight))
    if weights is not None and weights.shape != data.shape:
        raise ValueError(f"histogram: weight of shape {weights.shape} must match input's shape "
                         f"{data.shape}")
    try:
        hist, edges = np.histogram(data.ravel(), bins=edges, range=range,
                                   weights=None if weights is None else weights.ravel(),
                                   density=density)
    except ValueError as exc:
        raise ValueError(f"histogram: {exc}") from None
    return HistogramResult(Tensor(hist.astype(data.dtype)), Tensor(edges.astype(data.dtype)))
