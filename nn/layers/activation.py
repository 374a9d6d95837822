"""Activation layers: thin modules over ``nn.functional``, PyTorch's names and reprs."""
from ... import autograd
from ...autograd import Tensor
from ...autograd.typing import DTypeLike
from .. import functional as F
from .._validate import positive_int
from ..module import Module, Parameter

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax", "SiLU", "Mish",
    "ELU", "SELU", "CELU", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "Softsign",
    "LogSigmoid", "Softplus", "Softmin", "GLU", "PReLU"]


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


class Softmax(Module):
    """Softmax along ``dim`` (give it: ``nn.Softmax(dim=1)``).

    Each slice along ``dim`` becomes positive and sums to 1.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> p = nn.Softmax(dim=1)(gg.tensor([[1.0, 2.0, 3.0]]))
    >>> p.round(4), p.sum(axis=1)
    (Tensor([[0.09  , 0.2447, 0.6652]], dtype=float32), Tensor([1.], dtype=float32))
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``exp(x) / exp(x).sum(dim)``; calling the module runs this. Adding a
        constant to every entry of a slice changes nothing.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> softmax = nn.Softmax(dim=0)
        >>> softmax.forward(gg.tensor([0.0, 0.0])), softmax.forward(gg.tensor([100.0, 100.0]))
        (Tensor([0.5, 0.5], dtype=float32), Tensor([0.5, 0.5], dtype=float32))
        """
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        """``dim=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Softmax(dim=-1)
        Softmax(dim=-1)
        """
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """Log-softmax along ``dim`` (pair it with ``NLLLoss``).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> logp = nn.LogSoftmax(dim=1)(gg.tensor([[1.0, 2.0, 3.0]]))
    >>> logp.round(4), logp.exp().sum(axis=1)
    (Tensor([[-2.4076, -1.4076, -0.4076]], dtype=float32), Tensor([1.], dtype=float32))
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``x - logsumexp(x, dim)``, computed stably; calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.LogSoftmax(dim=0).forward(gg.tensor([1000.0, 1000.0])).round(4)
        Tensor([-0.6931, -0.6931], dtype=float32)
        """
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        """``dim=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.LogSoftmax(dim=1)
        LogSoftmax(dim=1)
        """
        return f"dim={self.dim}"


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


class ELU(Module):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.ELU()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.6321,  0.    ,  1.    ], dtype=float32)
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input`` where positive, else ``alpha * (exp(input) - 1)``; calling the
        module runs this. The gradient is ``alpha * exp(x)`` on the negative side.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-1.0, 1.0], requires_grad=True)
        >>> nn.ELU().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([0.3679, 1.    ], dtype=float32)
        """
        return F.elu(input, self.alpha)

    def extra_repr(self) -> str:
        """``alpha=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.ELU(alpha=0.5)
        ELU(alpha=0.5)
        """
        return f"alpha={self.alpha}"


class SELU(Module):
    """Scaled ELU with PyTorch's constants.

    ``scale * (x if x > 0 else alpha * (exp(x) - 1))``, ``scale = 1.0507``,
    ``alpha = 1.6733``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.SELU()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-1.1113,  0.    ,  1.0507], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``scale * elu(input, alpha)``; calling the module runs this. The positive side
        has slope ``scale``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([2.0], requires_grad=True)
        >>> nn.SELU().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([1.0507], dtype=float32)
        """
        return F.selu(input)


class CELU(Module):
    """``x`` if positive, else ``alpha * (exp(x / alpha) - 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.CELU(alpha=2.0)(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-0.7869,  0.    ,  1.    ], dtype=float32)
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input`` where positive, else ``alpha * (exp(input / alpha) - 1)``; calling
        the module runs this. The gradient is continuous at 0 (1 on both sides) for every
        ``alpha``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-1e-6, 1e-6], requires_grad=True)
        >>> nn.CELU(alpha=2.0).forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([1., 1.], dtype=float32)
        """
        return F.celu(input, self.alpha)

    def extra_repr(self) -> str:
        """``alpha=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.CELU(alpha=2.0)
        CELU(alpha=2.0)
        """
        return f"alpha={self.alpha}"


class Hardtanh(Module):
    """``x`` clipped to ``[min_val, max_val]``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Hardtanh()(gg.tensor([-3.0, 0.5, 3.0]))
    Tensor([-1. ,  0.5,  1. ], dtype=float32)
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input`` clipped to ``[min_val, max_val]``; calling the module runs this.
        The gradient is 1 inside the interval and 0 where clipped.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-3.0, 0.5, 3.0], requires_grad=True)
        >>> nn.Hardtanh(-2.0, 2.0).forward(x).sum().backward()
        >>> x.grad
        Tensor([0., 1., 0.], dtype=float32)
        """
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        """``min_val=..., max_val=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Hardtanh(-2.0, 2.0)
        Hardtanh(min_val=-2.0, max_val=2.0)
        """
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.ReLU6()(gg.tensor([-1.0, 3.0, 9.0]))
    Tensor([0., 3., 6.], dtype=float32)
    >>> nn.ReLU6()
    ReLU6()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        """``inplace=True`` when set, else empty: the bounds are fixed (PyTorch's repr).

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.ReLU6(), nn.ReLU6(inplace=True)
        (ReLU6(), ReLU6(inplace=True))
        """
        return "inplace=True" if self.inplace else ""


class Hardsigmoid(Module):
    """``clip(x / 6 + 1/2, 0, 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Hardsigmoid()(gg.tensor([-4.0, 0.0, 1.5, 4.0]))
    Tensor([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``clip(input / 6 + 1/2, 0, 1)``; calling the module runs this. The gradient
        is 1/6 on ``(-3, 3)`` and 0 outside.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-4.0, 0.0, 4.0], requires_grad=True)
        >>> nn.Hardsigmoid().forward(x).sum().backward()
        >>> x.grad.round(4)
        Tensor([0.    , 0.1667, 0.    ], dtype=float32)
        """
        return F.hardsigmoid(input)


class Hardswish(Module):
    """``x * hardsigmoid(x)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Hardswish()(gg.tensor([-1.5, 0.0, 3.0, 4.0]))  # -1.5 * (-1.5 / 6 + 1/2)
    Tensor([-0.375,  0.   ,  3.   ,  4.   ], dtype=float32)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input * hardsigmoid(input)``; calling the module runs this. The gradient
        is 0 below -3, ``x / 3 + 1/2`` on ``(-3, 3)`` and 1 above 3.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-4.0, 0.0, 4.0], requires_grad=True)
        >>> nn.Hardswish().forward(x).sum().backward()
        >>> x.grad
        Tensor([0. , 0.5, 1. ], dtype=float32)
        """
        return F.hardswish(input)


class Softsign(Module):
    """``x / (1 + |x|)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Softsign()(gg.tensor([-1.0, 0.0, 3.0]))
    Tensor([-0.5 ,  0.  ,  0.75], dtype=float32)
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``input / (1 + |input|)``; calling the module runs this. The gradient is
        ``1 / (1 + |x|)**2``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
        >>> nn.Softsign().forward(x).sum().backward()
        >>> x.grad
        Tensor([0.25, 1.  , 0.25], dtype=float32)
        """
        return F.softsign(input)


class LogSigmoid(Module):
    """``log(sigmoid(x))``, stable.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.LogSigmoid()(gg.tensor([-1.0, 0.0, 1.0])).round(4)
    Tensor([-1.3133, -0.6931, -0.3133], dtype=float32)
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``-softplus(-input)``; calling the module runs this. Finite where
        ``log(sigmoid(x))`` would give ``log(0) = -inf``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.LogSigmoid().forward(gg.tensor([-200.0, 0.0])).round(4)
        Tensor([-200.    ,   -0.6931], dtype=float32)
        """
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, linear where ``beta x > threshold``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Softplus()(gg.tensor([-1.0, 0.0, 30.0])).round(4)
    Tensor([ 0.3133,  0.6931, 30.    ], dtype=float32)
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``log(1 + exp(beta * input)) / beta``; calling the module runs this. The
        gradient is ``sigmoid(beta * x)``: 0.5 at 0.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x = gg.tensor([0.0], requires_grad=True)
        >>> nn.Softplus(beta=2.0).forward(x).sum().backward()
        >>> x.grad
        Tensor([0.5], dtype=float32)
        """
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """``beta=..., threshold=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Softplus(beta=2.0)
        Softplus(beta=2.0, threshold=20.0)
        """
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmin(Module):
    """``softmax(-x)`` along ``dim``: the smallest entry gets the largest weight.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Softmin(dim=1)(gg.tensor([[1.0, 2.0, 3.0]])).round(4)
    Tensor([[0.6652, 0.2447, 0.09  ]], dtype=float32)
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``softmax(-input, dim)``; calling the module runs this. Each slice sums to 1.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.Softmin(dim=0).forward(gg.tensor([0.0, 0.0, 0.0, 0.0]))
        Tensor([0.25, 0.25, 0.25, 0.25], dtype=float32)
        """
        return F.softmin(input, self.dim)

    def extra_repr(self) -> str:
        """``dim=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Softmin(dim=1)
        Softmin(dim=1)
        """
        return f"dim={self.dim}"


class GLU(Module):
    """Gated linear unit along ``dim`` (default -1): ``a * sigmoid(b)`` of the halves.

    The size along ``dim`` must be even; the output has half of it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.GLU()(gg.tensor([[3.0, -1.0, 0.0, 100.0]]))  # a = [3, -1], b = [0, 100]
    Tensor([[ 1.5, -1. ]], dtype=float32)
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Split ``input`` in halves ``a, b`` along ``dim`` and return
        ``a * sigmoid(b)``; calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.GLU(dim=1).forward(gg.zeros(2, 6, 5)).shape
        (2, 3, 5)
        """
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        """``dim=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.GLU()
        GLU(dim=-1)
        """
        return f"dim={self.dim}"


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
