"""``nn.functional``'s activations beyond relu/sigmoid/tanh/gelu, PyTorch's signatures.

Each delegates to the op in ``autograd``; ``inplace`` is accepted for
compatibility and ignored (results are always new tensors).
"""
import numpy as np

from .. import autograd
from ..autograd import Tensor


def silu(input: Tensor,  # noqa: A002, ARG001 - PyTorch's signature
         inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)`` (swish)."""
    return autograd.silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input * tanh(softplus(input))``."""
    return autograd.mish(input)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input) - 1)``."""
    return autograd.elu(input, alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """Scaled ELU with PyTorch's constants."""
    return autograd.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input / alpha) - 1)``."""
    return autograd.celu(input, alpha)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002, ARG001
             inplace: bool = False) -> Tensor:
    """``input`` clipped to ``[min_val, max_val]``."""
    return autograd.hardtanh(input, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``min(max(input, 0), 6)``."""
    return autograd.relu6(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``clip(input / 6 + 1/2, 0, 1)``."""
    return autograd.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input * hardsigmoid(input)``."""
    return autograd.hardswish(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``input / (1 + |input|)``."""
    return autograd.softsign(input)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(input))``, stable for large ``|input|``."""
    return autograd.logsigmoid(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * input)) / beta``; linear where ``beta * input > threshold``."""
    return autograd.softplus(input, beta, threshold)


def softmin(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``softmax(-input)`` along ``dim`` (None picks PyTorch's legacy axis, with a warning)."""
    from .functional import _softmax_dim
    return autograd.softmin(input, dim=_softmax_dim("softmin", np.ndim(input), dim))


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``input`` along ``dim``."""
    return autograd.glu(input, dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``input`` if positive, else ``weight * input`` (one weight, or one per channel)."""
    return autograd.prelu(input, weight)
