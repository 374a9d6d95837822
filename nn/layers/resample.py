"""Resampling layers: ``Upsample`` (over ``interpolate``), ``Unfold`` and ``Fold``."""
from ...autograd import Tensor, fold, interpolate, unfold
from ...autograd.typing import IntPair
from ..module import Module

__all__ = ["Upsample", "Unfold", "Fold"]


class Upsample(Module):
    """Resize (N, C, L) or (N, C, H, W) inputs; see ``interpolate`` for the modes.

    Parameters
    ----------
    size : int or tuple of ints, optional
    scale_factor : float or tuple of floats, optional
    mode : {"nearest", "nearest-exact", "linear", "bilinear"}
    align_corners : bool, optional
    recompute_scale_factor : bool, optional

    Example
    -------
    >>> import graphgrad as gg
    >>> Upsample(scale_factor=2, mode="bilinear")(gg.randn(1, 3, 4, 4)).shape
    (1, 3, 8, 8)
    """

    def __init__(self, size: int | tuple[int, ...] | None = None,
                 scale_factor: float | tuple[float, ...] | None = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Resize ``input`` to ``size`` or by ``scale_factor`` with ``mode``; calling the
        module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([[[1.0, 2.0]]])  # (N, C, L)
        >>> nn.Upsample(scale_factor=2).forward(x)  # nearest: each value repeated
        Tensor([[[1., 1., 2., 2.]]], dtype=float32)
        >>> nn.Upsample(scale_factor=2, mode="linear", align_corners=True).forward(x).round(4)
        Tensor([[[1.    , 1.3333, 1.6667, 2.    ]]], dtype=float32)
        """
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self) -> str:
        """``size`` or ``scale_factor``, and ``mode``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Upsample(size=5), nn.Upsample(scale_factor=2, mode="bilinear")
        (Upsample(size=5, mode='nearest'), Upsample(scale_factor=2.0, mode='bilinear'))
        """
        scale = self.scale_factor  # printed as floats, as PyTorch stores it
        scale = tuple(map(float, scale)) if isinstance(scale, tuple) else \
            None if scale is None else float(scale)
        what = f"size={self.size}" if self.size is not None else f"scale_factor={scale}"
        return f"{what}, mode={self.mode!r}"


class Unfold(Module):
    """Every sliding window as a column: (N, C, H, W) -> (N, C*kh*kw, L).

    ``L`` is the number of windows. ``Unfold`` then a matmul with the flattened kernel
    is a convolution (im2col).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Unfold(3, padding=1)(gg.zeros(2, 4, 8, 8)).shape  # 4 * 3 * 3 rows, 8 * 8 windows
    (2, 36, 64)
    """

    def __init__(self, kernel_size: IntPair, dilation: IntPair = 1, padding: IntPair = 0,
                 stride: IntPair = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The windows of ``input`` as columns; calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)  # rows [0 1 2 3], [4 5 6 7], ...
        >>> nn.Unfold(2, stride=2).forward(x)  # column j: the j-th 2x2 block, row-major
        Tensor([[[ 0.,  2.,  8., 10.],
                 [ 1.,  3.,  9., 11.],
                 [ 4.,  6., 12., 14.],
                 [ 5.,  7., 13., 15.]]], dtype=float32)
        """
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        """The window geometry, shown in the repr (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Unfold(2, stride=2)
        Unfold(kernel_size=2, dilation=1, padding=0, stride=2)
        """
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns of windows summed back into ``(N, C, *output_size)``: the adjoint of Unfold.

    Where windows overlap their values add up.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> x = gg.arange(16.0).reshape(1, 1, 4, 4)
    >>> cols = nn.Unfold(2, stride=2)(x)  # non-overlapping windows
    >>> bool((nn.Fold((4, 4), 2, stride=2)(cols) == x).all())
    True
    """

    def __init__(self, output_size: IntPair, kernel_size: IntPair, dilation: IntPair = 1,
                 padding: IntPair = 0, stride: IntPair = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size, self.dilation = output_size, kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Sum the columns of ``input`` (N, C*kh*kw, L) back into their windows;
        calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> cols = nn.Unfold(2)(gg.ones(1, 1, 3, 3))  # four overlapping 2x2 windows
        >>> nn.Fold((3, 3), 2).forward(cols)  # how many windows cover each pixel
        Tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]], dtype=float32)
        """
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        """The output size and window geometry, shown in the repr (PyTorch's format).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Fold((4, 4), 2, stride=2)
        Fold(output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=2)
        """
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
