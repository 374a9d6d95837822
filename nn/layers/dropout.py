"""``Dropout``: inverted dropout in training, the identity in evaluation."""
from .. import functional as F
from .._validate import probability
from ..module import Module


class Dropout(Module):
    """Zero each element with probability ``p`` while training; scale the rest by 1/(1-p).

    In ``eval()`` mode it returns its input unchanged. Draws are seeded by
    ``autograd.manual_seed``.
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p, self.inplace = probability("p", p, "Dropout"), inplace

    def forward(self, input):  # noqa: A002 - PyTorch's name
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
