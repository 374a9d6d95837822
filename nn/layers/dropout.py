"""``Dropout`` and ``Dropout2d``: inverted dropout in training, the identity in evaluation."""
from ...autograd import Tensor
from .. import functional as F
from .._validate import probability
from ..module import Module

__all__ = ["Dropout", "Dropout2d"]


class Dropout(Module):
    """Zero each element with probability ``p`` while training; scale the rest by 1/(1-p).

    In ``eval()`` mode it returns its input unchanged. Draws are seeded by
    ``autograd.manual_seed``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> gg.manual_seed(0)
    >>> drop = nn.Dropout(0.5)
    >>> drop(gg.ones(8))  # kept entries are scaled by 1 / (1 - 0.5)
    Tensor([2., 2., 2., 0., 0., 0., 0., 0.], dtype=float32)
    >>> drop.eval()(gg.ones(8))
    Tensor([1., 1., 1., 1., 1., 1., 1., 1.], dtype=float32)
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p, self.inplace = probability("p", p, "Dropout"), inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Inverted dropout of ``input`` in training mode, the input itself in eval
        mode; calling the module runs this. The mean is kept on average.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> gg.manual_seed(0)
        >>> out = nn.Dropout(0.2).forward(gg.ones(10000))
        >>> sorted(set(out.numpy().tolist())), round(float(out.mean()), 1)
        ([0.0, 1.25], 1.0)
        """
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        """``p=..., inplace=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Dropout(0.2)
        Dropout(p=0.2, inplace=False)
        """
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero whole channels of (N, C, H, W) inputs with probability ``p`` while training.

    Example
    -------
    >>> import graphgrad as gg
    >>> Dropout2d(0.2)(gg.randn(4, 8, 5, 5)).shape
    (4, 8, 5, 5)
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        Module.__init__(self)
        self.p, self.inplace = probability("p", p, "Dropout2d"), inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Zero whole channels (each ``input[n, c]`` plane) in training mode, scaling
        the kept ones by 1/(1-p); the input itself in eval mode. Calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> gg.manual_seed(0)
        >>> out = nn.Dropout2d(0.5).forward(gg.ones(1, 4, 2, 2))
        >>> out[0, :, 0, 0], out[0, :, 1, 1]  # a channel is kept or dropped whole
        (Tensor([2., 2., 2., 0.], dtype=float32), Tensor([2., 2., 2., 0.], dtype=float32))
        """
        return F.dropout2d(input, self.p, self.training)
