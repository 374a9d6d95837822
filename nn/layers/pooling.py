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

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
    >>> nn.MaxPool2d(2)(x)  # the max of each 2x2 block
    Tensor([[[[ 5.,  7.],
              [13., 15.]]]], dtype=float32)
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
        """Pool ``x`` of shape (N, C, H, W); calling the module runs this.

        Returns the pooled Tensor, or ``(output, indices)`` with ``return_indices=True``
        (flat positions in each H x W plane). The gradient goes to each window's maximum.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(16.0).reshape(1, 1, 4, 4).requires_grad_()  # rows [0 1 2 3], ...
        >>> out, indices = nn.MaxPool2d(2, return_indices=True).forward(x)
        >>> indices.tolist()
        [[[[5, 7], [13, 15]]]]
        >>> out.sum().backward()
        >>> x.grad[0, 0]
        Tensor([[0., 0., 0., 0.],
                [0., 1., 0., 1.],
                [0., 0., 0., 0.],
                [0., 1., 0., 1.]], dtype=float32)
        """
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        """The window geometry, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.MaxPool2d(3, stride=2, padding=1)
        MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)
        """
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over each window; zero padding is counted unless ``count_include_pad=False``.

    ``stride`` defaults to ``kernel_size``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
    >>> nn.AvgPool2d(2)(x)  # (0 + 1 + 4 + 5) / 4 = 2.5, ...
    Tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]], dtype=float32)
    """

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        _check_geometry("AvgPool2d", kernel_size, stride, padding, 1)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, bool(ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        """Average ``x`` of shape (N, C, H, W) over each window; calling the module
        runs this. Each input gets ``1 / window size`` of the gradient of every window it is in.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> ones = gg.ones(1, 1, 3, 3)
        >>> nn.AvgPool2d(3, stride=1, padding=1).forward(ones)[0, 0, 0, 0].round(4)  # 4 / 9
        Tensor(0.4444, dtype=float32)
        >>> nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False).forward(ones)[0, 0, 0, 0]
        Tensor(1., dtype=float32)
        """
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        """``kernel_size``, ``stride`` and ``padding``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.AvgPool2d(2)
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        """
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
        """Put each value of ``input`` back at its position in ``indices`` (from
        ``MaxPool2d(return_indices=True)``), zeros elsewhere; calling the module runs this.
        ``output_size`` picks the size when several are possible.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
        >>> out, indices = nn.MaxPool2d(2, return_indices=True)(x)
        >>> nn.MaxUnpool2d(2).forward(out, indices)
        Tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  5.,  0.,  7.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 13.,  0., 15.]]]], dtype=float32)
        >>> nn.MaxUnpool2d(2).forward(out, indices, output_size=(5, 5)).shape
        (1, 1, 5, 5)
        """
        return max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self) -> str:
        """``kernel_size``, ``stride`` and ``padding``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.MaxUnpool2d(2)
        MaxUnpool2d(kernel_size=2, stride=2, padding=0)
        """
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Mean over ``output_size`` bins of each plane, whatever the input's size.

    ``output_size`` is an int or a pair (``None`` keeps that axis's size).
    ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> pool = nn.AdaptiveAvgPool2d((2, 2))
    >>> pool(gg.zeros(8, 3, 32, 32)).shape, pool(gg.zeros(8, 3, 7, 5)).shape
    ((8, 3, 2, 2), (8, 3, 2, 2))
    """

    def __init__(self, output_size: OutputSize) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        """Average each plane of ``x`` (N, C, H, W) over ``output_size`` bins; calling
        the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
        >>> nn.AdaptiveAvgPool2d(1).forward(x)  # the mean of 0..15
        Tensor([[[[7.5]]]], dtype=float32)
        >>> nn.AdaptiveAvgPool2d((2, None)).forward(x).shape
        (1, 1, 2, 4)
        """
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        """``output_size=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.AdaptiveAvgPool2d((2, 2))
        AdaptiveAvgPool2d(output_size=(2, 2))
        """
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max over ``output_size`` bins of each plane; ``return_indices`` as ``MaxPool2d``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.AdaptiveMaxPool2d(1)(gg.zeros(8, 3, 7, 5)).shape  # global max pooling
    (8, 3, 1, 1)
    """

    def __init__(self, output_size: OutputSize, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, x: Tensor) -> Any:  # as MaxPool2d's
        """The max of each of the ``output_size`` bins of each plane of ``x``; calling
        the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
        >>> nn.AdaptiveMaxPool2d((1, 2)).forward(x)  # the left and right halves
        Tensor([[[[13., 15.]]]], dtype=float32)
        """
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        """``output_size=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.AdaptiveMaxPool2d((1, 2))
        AdaptiveMaxPool2d(output_size=(1, 2))
        """
        return f"output_size={self.output_size}"
