"""``Embedding``: a lookup table of vectors, indexed by integer ids.

The lookup is ``weight[ids]`` (an autograd gather); its gradient adds each
output row's gradient back into row ``ids[i]`` with the engine's scatter-add,
so repeated ids accumulate and no one-hot matrix is ever built.
"""
from typing import Any, TypeVar

import numpy as np

from ... import autograd
from ...autograd import Function, Tensor, backend
from ...autograd.typing import ArrayLike
from .._validate import non_negative_int
from ..module import Module, Parameter

E = TypeVar("E", bound="Embedding")

__all__ = ["embedding", "Embedding"]


class _MaskGrad(Function):
    """out = x.  d/dx = grad * keep: stops the gradient where ``keep`` is 0."""

    op_name = "mask_grad"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
        ctx.save_for_backward(keep)
        return x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * ctx.saved_tensors[0]


def _indices(ids: Tensor | ArrayLike, num_embeddings: int) -> np.ndarray:
    """Integer ids as an array, checked against the table size before any lookup."""
    ids = ids.data if isinstance(ids, Tensor) else backend.as_array(ids)
    if backend.dtype_kind(ids.dtype) not in "iu":
        raise TypeError(f"embedding: ids must be integers, got dtype {ids.dtype}; convert with "
                        ".astype(np.int64)")
    xp = backend.namespace(ids)
    low, high = (int(xp.min(ids)), int(xp.max(ids))) if ids.size else (0, -1)
    if low < 0 or high >= num_embeddings:
        bad = low if low < 0 else high
        raise IndexError(f"embedding: id {bad} is out of range for a table of "
                         f"{num_embeddings} rows (valid ids are 0..{num_embeddings - 1})")
    return ids


def embedding(input: Tensor | ArrayLike, weight: Tensor,  # noqa: A002 - PyTorch's name
              padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` at the integer ids ``input``: shape ``input.shape + (dim,)``.

    Rows at ``padding_idx`` are returned but receive no gradient, as in PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> weight = gg.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], requires_grad=True)
    >>> F.embedding(gg.tensor([[0, 2]]), weight).tolist()  # (1, 2) ids -> (1, 2, 2)
    [[[0.0, 1.0], [4.0, 5.0]]]
    >>> F.embedding(gg.tensor([0, 2, 0]), weight, padding_idx=2).sum().backward()
    >>> weight.grad  # row 0 used twice; the padding row gets nothing
    Tensor([[2., 2.],
            [0., 0.],
            [0., 0.]], dtype=float32)
    """
    ids = _indices(input, weight.shape[0])
    xp = backend.namespace(ids)
    if backend.is_numpy(ids):
        rows = weight[ids]
    else:  # the standard indexes with one 1-D integer array: look the flat ids up
        rows = weight[xp.reshape(ids, (-1,))].reshape(tuple(ids.shape) + (weight.shape[1],))
    if padding_idx is None:
        return rows
    keep = xp.astype((ids != padding_idx)[..., None], backend.dtype_in(xp, weight.dtype))
    return _MaskGrad.apply(rows, keep=keep)


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, initialised N(0, 1).

    Parameters
    ----------
    num_embeddings, embedding_dim : int
    padding_idx : int, optional
        This row starts at zero and is never updated by gradients (negative
        values count from the end).

    Example
    -------
    >>> emb = Embedding(10, 3)
    >>> emb(np.array([[1, 2, 1]])).shape
    (1, 3, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 _weight: Tensor | np.ndarray | None = None) -> None:
        super().__init__()
        num_embeddings = non_negative_int("num_embeddings", num_embeddings, "Embedding")
        embedding_dim = non_negative_int("embedding_dim", embedding_dim, "Embedding")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within "
                                 f"[-{num_embeddings}, {num_embeddings})")
            padding_idx = padding_idx % num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        if _weight is None:
            data = autograd.generator().standard_normal((num_embeddings, embedding_dim))
            data = data.astype(autograd.float32)
            if padding_idx is not None:
                data[padding_idx] = 0.0
        else:
            data = backend.as_array(getattr(_weight, "data", _weight))
            if data.shape != (num_embeddings, embedding_dim):
                raise autograd.ShapeError(f"Embedding: weight of shape {data.shape} is not "
                                          f"({num_embeddings}, {embedding_dim})")
        self.weight = Parameter(data)

    @classmethod
    def from_pretrained(cls: type[E], embeddings: Tensor | ArrayLike, freeze: bool = True,
                        padding_idx: int | None = None) -> E:
        """An Embedding holding ``embeddings`` (2-D); frozen (no grad) by default.

        ``freeze=False`` trains them further.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> table = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
        >>> emb = nn.Embedding.from_pretrained(table)
        >>> emb(np.array([2, 1])), emb.weight.requires_grad
        (Tensor([[3., 4.],
                [1., 2.]], dtype=float32), False)
        """
        data = backend.as_array(getattr(embeddings, "data", embeddings))
        data = backend.namespace(data).asarray(data, copy=True)
        if data.ndim != 2:
            raise autograd.ShapeError(f"Embedding.from_pretrained: embeddings of shape "
                                      f"{data.shape} are not 2-D")
        module = cls(data.shape[0], data.shape[1], padding_idx, _weight=data)
        module.weight.requires_grad_(not freeze)
        return module

    def forward(self, ids: Tensor | ArrayLike) -> Tensor:
        """The rows of ``weight`` at the integer ``ids``: shape ``ids.shape +
        (embedding_dim,)``; calling the module runs this.

        A row's gradient is the sum over the positions that picked it; the
        ``padding_idx`` row gets none.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> emb = nn.Embedding(3, 2, padding_idx=0)
        >>> emb.forward(np.array([0, 1, 1])).sum().backward()
        >>> emb.weight.grad  # row 1 was picked twice, row 0 is padding
        Tensor([[0., 0.],
                [2., 2.],
                [0., 0.]], dtype=float32)
        """
        return embedding(ids, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        """The table's size (and ``padding_idx`` when set), shown in the repr.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Embedding(10, 3, padding_idx=0)
        Embedding(10, 3, padding_idx=0)
        """
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
