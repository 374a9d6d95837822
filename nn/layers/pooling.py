"""Pooling layers over (N, C, H, W) inputs: ``MaxPool2d``, ``AvgPool2d``, ``MaxUnpool2d``,
``AdaptiveAvgPool2d`` and ``AdaptiveMaxPool2d``."""
from collections.abc import Sequence
from typing import Any

from ...autograd import (
    Tensor,
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool2d,
    max_pool2d,
    max_unpool2d,
)
from ...autograd.typing import IntPair
from .._validate import int_tuple, pool_padding
from ..module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "MaxUnpool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]

#: An adaptive pool's output size: an int, or a pair whose None entries keep the input's.
OutputSize = int | tuple[int | None, int | None]


def _check_geometry(op: str, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
                    dilation: IntPair) -> None:
    """Ints or pairs: kernel, stride, dilation >= 1, padding >= 0 and at most half the kernel."""
    kernel = int_tuple("kernel_size", kernel_size, op, 2, minimum=1)
    if stride is not None:
        int_tuple("stride", stride, op, 2, minimum=1)
    int_tuple("dilation", dilation, op, 2, minimum=1)
    pool_padding(int_tuple("padding", padding, op, 2, minimum=0), kernel, op)


class MaxPool2d(Module):
    """Max over each window; ``stride`` defaults to ``kernel_size``, as PyTorch.

    Padding counts as -inf. Ties: the gradient goes to the first maximum of
    the window in row-major order. ``return_indices=True`` also returns the
    picks (for ``MaxUnpool2d``); ``ceil_mode=True`` keeps a last partial window.
    """

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                 dilation: IntPair = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        _check_geometry("MaxPool2d", kernel_size, stride, padding, dilation)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    # NOTE: Any, not a Union every caller would have to narrow: a Tensor, or (output,
    # indices) when the layer was made with return_indices=True
    def forward(self, x: Tensor) -> Any:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over each window; zero padding is counted unless ``count_include_pad=False``."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        _check_geometry("AvgPool2d", kernel_size, stride, padding, 1)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, bool(ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(Module):
    """The partial inverse of ``MaxPool2d``: values back at their indices, zeros elsewhere.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.randn(1, 3, 4, 4)
    >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> out, indices = pool(x)
    >>> unpool(out, indices).shape == x.shape
    True
    """

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0) -> None:
        super().__init__()
        _check_geometry("MaxUnpool2d", kernel_size, stride, padding, 1)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input: Tensor, indices: Tensor,  # noqa: A002 - PyTorch's names
                output_size: Sequence[int] | None = None) -> Tensor:
        return max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Mean over ``output_size`` bins of each plane, whatever the input's size.

    ``output_size`` is an int or a pair (``None`` keeps that axis's size).
    ``AdaptiveAvgPool2d(1)`` is global average pooling.
    """

    def __init__(self, output_size: OutputSize) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max over ``output_size`` bins of each plane; ``return_indices`` as ``MaxPool2d``."""

    def __init__(self, output_size: OutputSize, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, x: Tensor) -> Any:  # as MaxPool2d's
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
