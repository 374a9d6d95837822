"""Activation layers along a dimension: softmax, log-softmax, softmin and GLU (PyTorch's names)."""
from ...autograd import Tensor
from .. import functional as F
from ..module import Module

__all__ = ["Softmax", "LogSoftmax", "Softmin", "GLU"]


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
