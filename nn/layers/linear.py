"""``Linear`` (``y = x W^T + b``) and ``Identity``."""
import math
from typing import Any

import numpy as np

from ...autograd import Tensor
from ...autograd.typing import DTypeLike
from .. import functional as F
from .. import init
from .._validate import non_negative_int
from ..module import Module, Parameter

__all__ = ["Linear", "Identity"]


class Linear(Module):
    """Affine map ``y = x @ weight.T + bias`` over the last axis.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input's last axis and of the output's.
    bias : bool
        Learn an additive bias (default True).
    dtype : dtype
        Of the parameters (float32 by default).

    Attributes
    ----------
    weight : Parameter (out_features, in_features)
        Initialised, as PyTorch, from U(-1/sqrt(in_features), 1/sqrt(in_features))
        (``kaiming_uniform_`` with ``a=sqrt(5)``).
    bias : Parameter (out_features,) or None
        Initialised from the same interval.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.Linear(64, 10)
    >>> layer(gg.zeros(32, 64)).shape
    (32, 10)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        in_features = non_negative_int("in_features", in_features, "Linear")
        out_features = non_negative_int("out_features", out_features, "Linear")
        self.in_features, self.out_features = in_features, out_features
        dtype = np.float32 if dtype is None else dtype
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default initialisation."""
        if self.in_features == 0:
            return
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to drop a head)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - accepts and ignores any arguments
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return input
