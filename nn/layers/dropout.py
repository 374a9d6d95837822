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
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p, self.inplace = probability("p", p, "Dropout"), inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
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
        return F.dropout2d(input, self.p, self.training)
