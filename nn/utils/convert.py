"""``parameters_to_vector`` and ``vector_to_parameters``: all parameters as one flat vector."""
from collections.abc import Iterable

from ...autograd import Tensor, cat, increment_version

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Flatten and concatenate ``parameters`` into one vector (differentiable, as PyTorch).

    Parameters
    ----------
    parameters : iterable of Tensor
        Typically ``model.parameters()``.

    Returns
    -------
    Tensor
        A 1-D tensor of all their elements, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from graphgrad import nn
    >>> layer = nn.Linear(2, 1).double()
    >>> nn.utils.parameters_to_vector(layer.parameters()).shape
    (3,)
    """
    parameters = list(parameters)
    if not parameters:
        raise ValueError("parameters_to_vector: got no parameters; pass model.parameters()")
    for i, p in enumerate(parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"parameters_to_vector: expected Tensors, but parameters[{i}] is a "
                            f"{type(p).__name__}")
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (in place).

    The inverse of ``parameters_to_vector``. Unlike PyTorch, whose parameters
    then alias ``vec``'s memory, the values are copied; nothing is recorded.

    Parameters
    ----------
    vec : Tensor
        A 1-D tensor with exactly as many elements as the parameters together.
    parameters : iterable of Tensor
        The tensors to overwrite, in the order ``parameters_to_vector`` used.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> layer = nn.Linear(2, 1).double()
    >>> nn.utils.vector_to_parameters(gg.Tensor([1.0, 2.0, 3.0]), layer.parameters())
    >>> layer.weight.numpy().tolist(), layer.bias.numpy().tolist()
    ([[1.0, 2.0]], [3.0])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    parameters = list(parameters)
    total = sum(p.data.size for p in parameters)
    if vec.ndim != 1 or vec.data.size != total:
        raise ValueError(f"vector_to_parameters: vec has shape {vec.shape}, but the parameters "
                         f"hold {total} elements; pass a 1-D tensor of that length")
    offset = 0
    for p in parameters:
        n = p.data.size
        p.data[...] = vec.data[offset:offset + n].reshape(p.data.shape)
        increment_version(p)
        offset += n
