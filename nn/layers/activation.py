"""Activation layers, the classic ones: thin modules over ``nn.functional`` (PyTorch's names)."""
from ... import autograd
from ...autograd import Tensor
from ...autograd.typing import DTypeLike
from .. import functional as F
from .._validate import positive_int
from ..module import Module, Parameter

__all__ = ["ReLU", "LeakyReLU", "PReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Mish"]


class ReLU(Module):
    """``max(x, 0)``. ``inplace`` is accepted for compatibility; the result is a new tensor.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.ReLU()(gg.tensor([-2.0, 0.0, 3.0]))
    Tensor([0., 0., 3.], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """``max(input, 0)``; calling the module runs this. The gradient is 1 where
        ``input > 0``, else 0.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-2.0, 3.0], requires_grad=True)
        >>> nn.ReLU().forward(x).sum().backward()
        >>> x.grad
        Tensor([0., 1.], dtype=float32)
        """
        return F.relu(input)

    def extra_repr(self) -> str:
        """``inplace=True`` when set (the text inside ``ReLU(...)``), else empty.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.ReLU(inplace=True).extra_repr(), nn.ReLU().extra_repr()
        ('inplace=True', '')
        >>> nn.ReLU(inplace=True)
        ReLU(inplace=True)
        """
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.LeakyReLU(0.2)(gg.tensor([-5.0, 5.0]))
    Tensor([-1.,  5.], dtype=float32)
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Scale the negative entries of ``input`` by ``negative_slope``; calling the
        module runs this. The gradient is 1 where ``input > 0``, else ``negative_slope``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-2.0, 3.0], requires_grad=True)
        >>> nn.LeakyReLU(0.1).forward(x).sum().backward()
        >>> x.grad
        Tensor([0.1, 1. ], dtype=float32)
        """
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        """``negative_slope=...`` (and ``inplace=True`` when set), shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.LeakyReLU(0.2).extra_repr()
        'negative_slope=0.2'
        """
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """``x`` if positive, else ``weight * x``, ``weight`` learned: one value
    (``num_parameters=1``) or one per channel (axis 1), initialised to ``init``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> prelu = nn.PReLU()
    >>> prelu(gg.tensor([-2.0, 3.0])), prelu.weight.shape
    (Tensor([-0.5,  3. ], dtype=float32, grad_fn=<Where>), (1,))
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        self.num_parameters = positive_int("num_parameters", num_parameters, "PReLU")
        self.init = init
        dtype = autograd.float32 if dtype is None else dtype
        self.weight = Parameter(autograd.full((self.num_parameters,), init, dtype=dtype).data)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input`` where positive, else ``weight * input`` (``weight`` per channel on
        axis 1); calling the module runs this. ``weight`` gets the gradient
        ``sum(x)`` over the negative entries.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> prelu = nn.PReLU()
        >>> prelu.forward(gg.tensor([-2.0, -1.0, 3.0])).sum().backward()
        >>> prelu.weight.grad
        Tensor([-3.], dtype=float32)
        """
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        """``num_parameters=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.PReLU(3)
        PReLU(num_parameters=3)
        """
        return f"num_parameters={self.num_parameters}"


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Sigmoid()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([0.2689, 0.5   , 0.7311], dtype=float32)
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``1 / (1 + exp(-input))``; calling the module runs this. The gradient is
        ``s * (1 - s)``: 0.25 at 0, small where the sigmoid saturates.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0, 2.0], requires_grad=True)
        >>> nn.Sigmoid().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([0.25 , 0.105], dtype=float32)
        """
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Tanh()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.7616,  0.    ,  0.7616], dtype=float32)
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``tanh(input)``; calling the module runs this. The gradient is
        ``1 - tanh(x)**2``: 1 at 0, 0.42 at 1.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0, 1.0], requires_grad=True)
        >>> nn.Tanh().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([1.  , 0.42], dtype=float32)
        """
        return F.tanh(input)


class GELU(Module):
    """``x * Phi(x)``; ``approximate="tanh"`` for the tanh form.

    ``Phi`` is the standard normal CDF: GELU(1) = Phi(1) = 0.8413.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.GELU()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input * Phi(input)``; calling the module runs this. The gradient is
        ``Phi(x) + x * phi(x)``: 0.5 at 0, 0.8413 + 0.2420 = 1.0833 at 1.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0, 1.0], requires_grad=True)
        >>> nn.GELU().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([0.5   , 1.0833], dtype=float32)
        """
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        """``approximate='none'`` or ``approximate='tanh'``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
        """
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)`` (swish).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.SiLU()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.2689,  0.    ,  0.7311], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input * sigmoid(input)``; calling the module runs this. The gradient at 0
        is ``sigmoid(0) = 0.5``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0], requires_grad=True)
        >>> nn.SiLU().forward(x).sum().backward()
        >>> x.grad
        Tensor([0.5], dtype=float32)
        """
        return F.silu(input)


class Mish(Module):
    """``x * tanh(softplus(x))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Mish()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.3034,  0.    ,  0.8651], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input * tanh(softplus(input))``; calling the module runs this. The gradient
        at 0 is ``tanh(log 2) = 0.6``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0], requires_grad=True)
        >>> nn.Mish().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([0.6], dtype=float32)
        """
        return F.mish(input)
