"""Pooling layers: ``MaxPool2d`` and ``AvgPool2d`` over (N, C, H, W) inputs."""
from ...autograd.ops.conv import avg_pool2d, max_pool2d
from .._validate import int_tuple, pool_padding
from ..module import Module


def _check_geometry(op, kernel_size, stride, padding, dilation):
    """Ints or pairs: kernel, stride, dilation >= 1, padding >= 0 and at most half the kernel."""
    kernel = int_tuple("kernel_size", kernel_size, op, 2, minimum=1)
    if stride is not None:
        int_tuple("stride", stride, op, 2, minimum=1)
    int_tuple("dilation", dilation, op, 2, minimum=1)
    pool_padding(int_tuple("padding", padding, op, 2, minimum=0), kernel, op)


class MaxPool2d(Module):
    """Max over each window; ``stride`` defaults to ``kernel_size``, as PyTorch.

    Padding counts as -inf. Ties: the gradient goes to the first maximum of
    the window in row-major order.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1):
        super().__init__()
        _check_geometry("MaxPool2d", kernel_size, stride, padding, dilation)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}")


class AvgPool2d(Module):
    """Mean over each window; zero padding is counted unless ``count_include_pad=False``."""

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__()
        _check_geometry("AvgPool2d", kernel_size, stride, padding, 1)
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.count_include_pad = padding, count_include_pad

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
