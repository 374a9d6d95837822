"""Tensor methods for the activations beyond relu/sigmoid/tanh: delegations to ``autograd.ops``.

A mixin of ``Tensor``, kept apart from ``tensor_methods.py`` so each file stays short.
"""
from .ops import activation as A
from .ops import activation_piecewise as P

__all__ = ["ActivationMethods"]


class ActivationMethods:
    """``x.silu()``, ``x.elu(alpha)``, ... with PyTorch's names and arguments."""

    __slots__ = ()

    def silu(self):
        """``x * sigmoid(x)`` (swish)."""
        return A.silu(self)

    def mish(self):
        """``x * tanh(softplus(x))``."""
        return A.mish(self)

    def logsigmoid(self):
        """``log(sigmoid(x))``, stable for large ``|x|``."""
        return A.logsigmoid(self)

    def softsign(self):
        """``x / (1 + |x|)``."""
        return A.softsign(self)

    def softmin(self, axis=None, *, dim=None):
        """``softmax(-x)`` along ``axis`` (or ``dim``; default -1)."""
        return A.softmin(self, axis, dim=dim)

    def glu(self, dim=-1):
        """Gated linear unit: first half times sigmoid of the second half along ``dim``."""
        return A.glu(self, dim)

    def elu(self, alpha=1.0):
        """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
        return P.elu(self, alpha)

    def selu(self):
        """Scaled ELU with PyTorch's constants."""
        return P.selu(self)

    def celu(self, alpha=1.0):
        """``x`` if ``x > 0`` else ``alpha * (exp(x / alpha) - 1)``."""
        return P.celu(self, alpha)

    def hardtanh(self, min_val=-1.0, max_val=1.0):
        """``x`` clipped to ``[min_val, max_val]``."""
        return P.hardtanh(self, min_val, max_val)

    def relu6(self):
        """``min(max(x, 0), 6)``."""
        return P.relu6(self)

    def hardsigmoid(self):
        """``clip(x / 6 + 1/2, 0, 1)``."""
        return P.hardsigmoid(self)

    def hardswish(self):
        """``x * hardsigmoid(x)``."""
        return P.hardswish(self)

    def prelu(self, weight):
        """``x`` if ``x > 0`` else ``weight * x`` (one weight, or one per channel)."""
        return P.prelu(self, weight)
