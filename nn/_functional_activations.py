"""``nn.functional``'s activations beyond relu/sigmoid/tanh/gelu, PyTorch's signatures.

Each delegates to the op in ``autograd``; ``inplace`` is accepted for
compatibility and ignored (results are always new tensors).
"""
import numpy as np

from .. import autograd


def silu(input, inplace=False):  # noqa: A002, ARG001 - PyTorch's signature
    """``input * sigmoid(input)`` (swish)."""
    return autograd.silu(input)


def mish(input, inplace=False):  # noqa: A002, ARG001
    """``input * tanh(softplus(input))``."""
    return autograd.mish(input)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input) - 1)``."""
    return autograd.elu(input, alpha)


def selu(input, inplace=False):  # noqa: A002, ARG001
    """Scaled ELU with PyTorch's constants."""
    return autograd.selu(input)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input / alpha) - 1)``."""
    return autograd.celu(input, alpha)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002, ARG001
    """``input`` clipped to ``[min_val, max_val]``."""
    return autograd.hardtanh(input, min_val, max_val)


def relu6(input, inplace=False):  # noqa: A002, ARG001
    """``min(max(input, 0), 6)``."""
    return autograd.relu6(input)


def hardsigmoid(input, inplace=False):  # noqa: A002, ARG001
    """``clip(input / 6 + 1/2, 0, 1)``."""
    return autograd.hardsigmoid(input)


def hardswish(input, inplace=False):  # noqa: A002, ARG001
    """``input * hardsigmoid(input)``."""
    return autograd.hardswish(input)


def softsign(input):  # noqa: A002
    """``input / (1 + |input|)``."""
    return autograd.softsign(input)


def logsigmoid(input):  # noqa: A002
    """``log(sigmoid(input))``, stable for large ``|input|``."""
    return autograd.logsigmoid(input)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """``log(1 + exp(beta * input)) / beta``; linear where ``beta * input > threshold``."""
    return autograd.softplus(input, beta, threshold)


def softmin(input, dim=None):  # noqa: A002
    """``softmax(-input)`` along ``dim`` (None picks PyTorch's legacy axis, with a warning)."""
    from .functional import _softmax_dim
    return autograd.softmin(input, dim=_softmax_dim("softmin", np.ndim(input), dim))


def glu(input, dim=-1):  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``input`` along ``dim``."""
    return autograd.glu(input, dim)


def prelu(input, weight):  # noqa: A002
    """``input`` if positive, else ``weight * input`` (one weight, or one per channel)."""
    return autograd.prelu(input, weight)
