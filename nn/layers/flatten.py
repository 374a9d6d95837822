"""``Flatten``: merge axes into one (by default all but the batch axis)."""
from ...autograd import Tensor
from ..module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Merge axes ``start_dim..end_dim``: (N, C, H, W) -> (N, C*H*W) by default.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> nn.Flatten()(gg.zeros(2, 3, 4, 5)).shape
    (2, 60)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Reshape ``input`` so that axes ``start_dim..end_dim`` become one; calling
        the module runs this.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> nn.Flatten(0, 1).forward(gg.zeros(2, 3, 4)).shape
        (6, 4)
        """
        if not isinstance(input, Tensor):
            input = Tensor(input)  # noqa: A001
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """``start_dim=..., end_dim=...``, shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Flatten()
        Flatten(start_dim=1, end_dim=-1)
        """
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
