"""Convolution layers: ``Conv2d``, ``Conv1d``, ``ConvTranspose2d``, ``ConvTranspose1d``
(PyTorch's arguments, parameter names, shapes and init)."""
import math

from ... import autograd
from ...autograd import Tensor, conv1d, conv2d, conv_transpose1d, conv_transpose2d
from ...autograd.typing import IntPair
from .._validate import int_at_least, int_tuple, positive_int
from ..module import Module, Parameter

__all__ = ["Conv2d", "Conv1d", "ConvTranspose2d", "ConvTranspose1d"]

SizeN = int | tuple[int, ...]


def _uniform(shape: tuple[int, ...], bound: float) -> Parameter:
    """A float32 Parameter drawn on the host from U(-bound, bound) (``Module.to`` moves it)."""
    data = autograd.generator().uniform(-bound, bound, shape)
    return Parameter(data.astype(autograd.float32))


class _ConvNd(Module):
    """Shared parameters of the convolutions: weight (out, in / groups, *kernel), or
    (in, out / groups, *kernel) when transposed, and bias (out,)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: SizeN, stride: SizeN,
                 padding: SizeN, dilation: SizeN, bias: bool, dims: int, groups: int = 1,
                 transposed: bool = False, output_padding: SizeN = 0) -> None:
        super().__init__()
        op = type(self).__name__
        in_channels = positive_int("in_channels", in_channels, op)
        out_channels = positive_int("out_channels", out_channels, op)
        groups = positive_int("groups", groups, op)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{op}: in_channels={in_channels} and out_channels={out_channels} "
                             f"must both be divisible by groups={groups}")
        kernel = int_tuple("kernel_size", kernel_size, op, dims, minimum=1)
        # NOTE: conv1d takes plain ints for the geometry, conv2d ints or pairs.
        for name, value, minimum in (("stride", stride, 1), ("padding", padding, 0),
                                     ("dilation", dilation, 1),
                                     ("output_padding", output_padding, 0)):
            if dims == 1:
                int_at_least(name, value, op, minimum)
            else:
                int_tuple(name, value, op, dims, minimum)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding, self.dilation = (kernel, stride, padding,
                                                                      dilation)
        self.groups, self.output_padding = groups, output_padding
        # NOTE: PyTorch's default init, kaiming_uniform_(a=sqrt(5)), is U(+-1/sqrt(fan_in)),
        # fan_in being the weight's second axis times the kernel (for the transposed
        # convolutions too, as PyTorch computes it).
        if transposed:
            shape = (in_channels, out_channels // groups) + kernel
        else:
            shape = (out_channels, in_channels // groups) + kernel
        bound = 1.0 / math.sqrt(shape[1] * math.prod(kernel))
        self.weight = _uniform(shape, bound)
        if bias:
            self.bias = _uniform((out_channels,), bound)
        else:
            self.register_parameter("bias", None)

    def extra_repr(self) -> str:
        """Channels, kernel and stride, then the options that differ from their defaults;
        shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        Conv2d(3, 16, kernel_size=(3, 3), stride=2, padding=1, bias=False)
        """
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != 0:
            text += f", padding={self.padding}"
        if self.output_padding != 0:
            text += f", output_padding={self.output_padding}"
        if self.dilation != 1:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W) inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : int or pair of ints
    groups : int
        Channel blocks convolved separately (``groups=in_channels``: depthwise).
    bias : bool
        Learn an additive bias per output channel.

    Example
    -------
    >>> Conv2d(1, 8, 3, padding=1)(autograd.randn(64, 1, 28, 28)).shape
    (64, 8, 28, 28)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair,
                 stride: IntPair = 1, padding: IntPair = 0, dilation: IntPair = 1, groups: int = 1,
                 bias: bool = True) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=2, groups=groups)

    def forward(self, x: Tensor) -> Tensor:
        """Cross-correlate ``x`` (N, C_in, H, W) with ``weight``, add ``bias``; calling
        the module runs this. Output (N, C_out, H_out, W_out).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> conv = nn.Conv2d(1, 1, 2, bias=False)
        >>> with gg.no_grad():
        ...     conv.weight[...] = 1.0  # each output sums a 2x2 window
        >>> conv.forward(gg.arange(9.0).reshape(1, 1, 3, 3))  # rows [0 1 2], [3 4 5], [6 7 8]
        Tensor([[[[ 8., 12.],
                  [20., 24.]]]], dtype=float32, grad_fn=<Conv2d>)
        """
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) inputs (int stride, padding and dilation).

    Parameters as :class:`Conv2d`; the weight is (out_channels, in_channels / groups, k).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> conv = nn.Conv1d(4, 8, 3, padding=1)
    >>> conv(gg.zeros(2, 4, 10)).shape, conv.weight.shape
    ((2, 8, 10), (8, 4, 3))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int],
                 stride: int = 1, padding: int = 0, dilation: int = 1, groups: int = 1,
                 bias: bool = True) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=1, groups=groups)

    def forward(self, x: Tensor) -> Tensor:
        """Cross-correlate ``x`` (N, C_in, L) with ``weight``, add ``bias``; calling the
        module runs this. As in PyTorch the kernel is not flipped.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> conv = nn.Conv1d(1, 1, 3, bias=False)
        >>> with gg.no_grad():
        ...     conv.weight[...] = [[[1.0, 0.0, -1.0]]]  # out[i] = x[i] - x[i + 2]
        >>> conv.forward(gg.tensor([[[1.0, 2.0, 4.0, 7.0, 11.0]]]))
        Tensor([[[-3., -5., -7.]]], dtype=float32, grad_fn=<Reshape>)
        """
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution over (N, C, H, W): the gradient of a conv in its input.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, output_padding, dilation : int or pair of ints
    groups : int
    bias : bool

    The weight is (in_channels, out_channels / groups, kh, kw), as PyTorch's.

    Example
    -------
    >>> ConvTranspose2d(8, 4, 4, stride=2, padding=1)(autograd.randn(2, 8, 7, 7)).shape
    (2, 4, 14, 14)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair,
                 stride: IntPair = 1, padding: IntPair = 0, output_padding: IntPair = 0,
                 groups: int = 1, bias: bool = True, dilation: IntPair = 1) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=2, groups=groups, transposed=True,
                         output_padding=output_padding)

    def forward(self, x: Tensor) -> Tensor:
        """The transposed convolution of ``x`` (N, C_in, H, W); calling the module runs
        this. Each input pixel adds ``value * kernel`` into the output at ``stride`` steps.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> up = nn.ConvTranspose2d(1, 1, 2, stride=2, bias=False)
        >>> with gg.no_grad():
        ...     up.weight[...] = 1.0  # each pixel becomes a 2x2 block
        >>> up.forward(gg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        Tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]], dtype=float32, grad_fn=<ConvTranspose2d>)
        """
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                self.output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvNd):
    """1-D transposed convolution over (N, C, L); weight (in, out / groups, k).

    Output length ``(L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.ConvTranspose1d(8, 4, 4, stride=2, padding=1)(gg.zeros(2, 8, 10)).shape
    (2, 4, 20)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int],
                 stride: int = 1, padding: int = 0, output_padding: int = 0,
                 groups: int = 1, bias: bool = True, dilation: int = 1) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=1, groups=groups, transposed=True,
                         output_padding=output_padding)

    def forward(self, x: Tensor) -> Tensor:
        """The transposed convolution of ``x`` (N, C_in, L); calling the module runs
        this. Each input value adds ``value * kernel`` into the output at ``stride`` steps.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> up = nn.ConvTranspose1d(1, 1, 2, stride=2, bias=False)
        >>> with gg.no_grad():
        ...     up.weight[...] = [[[1.0, 10.0]]]
        >>> up.forward(gg.tensor([[[1.0, 2.0, 3.0]]]))
        Tensor([[[ 1., 10.,  2., 20.,  3., 30.]]], dtype=float32, grad_fn=<Reshape>)
        """
        return conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding,
                                self.output_padding, self.groups, self.dilation)
