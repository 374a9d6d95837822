"""Convolution layers: ``Conv2d`` and ``Conv1d`` (PyTorch's arguments, names and init)."""
import numpy as np

from ... import autograd
from ...autograd.ops.conv import conv1d, conv2d
from .._validate import int_at_least, int_tuple, positive_int
from ..module import Module, Parameter


def _uniform(shape, bound):
    data = autograd.random.generator().uniform(-bound, bound, shape)
    return Parameter(data.astype(np.float32))


class _ConvNd(Module):
    """Shared parameters of Conv1d/Conv2d: weight (out, in, *kernel) and bias (out,)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 bias, dims):
        super().__init__()
        op = type(self).__name__
        in_channels = positive_int("in_channels", in_channels, op)
        out_channels = positive_int("out_channels", out_channels, op)
        kernel_size = int_tuple("kernel_size", kernel_size, op, dims, minimum=1)
        # NOTE: conv1d takes plain ints for the geometry, conv2d ints or pairs.
        for name, value, minimum in (("stride", stride, 1), ("padding", padding, 0),
                                     ("dilation", dilation, 1)):
            if dims == 1:
                int_at_least(name, value, op, minimum)
            else:
                int_tuple(name, value, op, dims, minimum)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding, self.dilation = (kernel_size, stride,
                                                                      padding, dilation)
        # NOTE: PyTorch's default init, kaiming_uniform_(a=sqrt(5)), is U(+-1/sqrt(fan_in)).
        bound = 1.0 / np.sqrt(in_channels * int(np.prod(kernel_size)))
        self.weight = _uniform((out_channels, in_channels) + kernel_size, bound)
        if bias:
            self.bias = _uniform((out_channels,), bound)
        else:
            self.register_parameter("bias", None)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != 0:
            text += f", padding={self.padding}"
        if self.dilation != 1:
            text += f", dilation={self.dilation}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W) inputs.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : int or pair of ints
    bias : bool
        Learn an additive bias per output channel.

    Example
    -------
    >>> Conv2d(1, 8, 3, padding=1)(autograd.randn(64, 1, 28, 28)).shape
    (64, 8, 28, 28)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=2)

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) inputs (int stride, padding and dilation)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         bias, dims=1)

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
