"""``Linear`` (``y = x W^T + b``) and ``Identity``."""
import math
from typing import Any

from ... import autograd
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
        dtype = autograd.float32 if dtype is None else dtype
        self.weight = Parameter(autograd.empty(out_features, in_features, dtype=dtype).data)
        if bias:
            self.bias = Parameter(autograd.empty(out_features, dtype=dtype).data)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default initialisation.

        Both from U(-1/sqrt(in_features), 1/sqrt(in_features)), from the generator that
        ``gg.manual_seed`` seeds: the same seed gives the same draw.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> gg.manual_seed(0)
        >>> layer = nn.Linear(3, 2)
        >>> first = layer.weight.numpy().copy()
        >>> layer.reset_parameters()  # a new draw
        >>> bool((layer.weight.numpy() == first).any())
        False
        >>> gg.manual_seed(0)
        >>> layer.reset_parameters()  # the same seed: the first draw again
        >>> bool((layer.weight.numpy() == first).all())
        True
        """
        if self.in_features == 0:
            return
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """``input @ weight.T + bias``; calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.Linear(3, 2)
        >>> with gg.no_grad():
        ...     layer.weight[...] = [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]
        ...     layer.bias[...] = [0.5, -1.0]
        >>> layer.forward(gg.tensor([[1.0, 1.0, 1.0]]))  # [1 + 2 + 3 + 0.5, 1 - 1]
        Tensor([[6.5, 0. ]], dtype=float32, grad_fn=<Linear>)
        """
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The sizes and whether there is a bias, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Linear(3, 2, bias=False)
        Linear(in_features=3, out_features=2, bias=False)
        """
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to drop a head).

    Any constructor arguments are accepted and ignored.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    >>> model[1] = nn.Identity()  # drop the head: the model now returns features
    >>> model(gg.zeros(5, 4)).shape
    (5, 3)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - accepts and ignores any arguments
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Return ``input`` itself (the same object); calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([1.0, 2.0])
        >>> nn.Identity().forward(x) is x
        True
        """
        return input
