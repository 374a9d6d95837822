"""Distance layers: ``CosineSimilarity`` and ``PairwiseDistance`` (PyTorch's arguments)."""
from ...autograd import Tensor
from .. import functional as F
from ..module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``; see ``F.cosine_similarity``.

    Example
    -------
    >>> import graphgrad as gg
    >>> CosineSimilarity()(gg.randn(4, 8), gg.randn(4, 8)).shape
    (4,)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """``cos(x1, x2)`` along ``dim`` (the module's); calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x1 = gg.tensor([[1.0, 0.0], [1.0, 1.0]])
        >>> x2 = gg.tensor([[0.0, 1.0], [2.0, 2.0]])
        >>> nn.CosineSimilarity(dim=1).forward(x1, x2).round(4)  # orthogonal, parallel
        Tensor([0., 1.], dtype=float32)
        """
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``||x1 - x2 + eps||_p`` along the last axis; see ``F.pairwise_distance``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> pdist = nn.PairwiseDistance(p=2.0)
    >>> pdist(gg.tensor([[0.0, 0.0], [1.0, 1.0]]), gg.tensor([[3.0, 4.0], [1.0, 1.0]])).round(4)
    Tensor([5., 0.], dtype=float32)
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """The ``p``-norm of ``x1 - x2 + eps`` over the last axis, one value per row;
        calling the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> x1, x2 = gg.tensor([[0.0, 0.0]]), gg.tensor([[3.0, 4.0]])
        >>> nn.PairwiseDistance(p=1.0).forward(x1, x2).round(4)  # |3| + |4|
        Tensor([7.], dtype=float32)
        >>> nn.PairwiseDistance(keepdim=True).forward(x1, x2).shape
        (1, 1)
        """
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
