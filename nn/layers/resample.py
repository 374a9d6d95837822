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
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self) -> str:
        what = f"size={self.size}" if self.size is not None else \
            f"scale_factor={self.scale_factor}"
        return f"{what}, mode={self.mode!r}"


class Unfold(Module):
    """Every sliding window as a column: (N, C, H, W) -> (N, C*kh*kw, L)."""

    def __init__(self, kernel_size: IntPair, dilation: IntPair = 1, padding: IntPair = 0,
                 stride: IntPair = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(Module):
    """Columns of windows summed back into ``(N, C, *output_size)``: the adjoint of Unfold."""

    def __init__(self, output_size: IntPair, kernel_size: IntPair, dilation: IntPair = 1,
                 padding: IntPair = 0, stride: IntPair = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size, self.dilation = output_size, kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)
