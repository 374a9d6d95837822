"""Activation layers: the exponential-linear, soft and piecewise-linear variants."""
from ...autograd import Tensor
from .. import functional as F
from ..module import Module

__all__ = ["ELU", "SELU", "CELU", "Softplus", "LogSigmoid", "Softsign", "Hardtanh", "ReLU6",
    "Hardsigmoid", "Hardswish"]


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
