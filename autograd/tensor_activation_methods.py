# mypy: disable-error-code="misc"
# NOTE: a mixin of Tensor: its methods declare self: Tensor (they exist only as Tensor's),
# which mypy reports as misc ("erased type of self is not a supertype of its class").
"""Tensor methods for the activations beyond relu/sigmoid/tanh: delegations to ``autograd.ops``.

A mixin of ``Tensor``, kept apart from ``tensor_methods.py`` so each file stays short.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .ops import activation as A
from .ops import activation_piecewise as P

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ActivationMethods"]


class ActivationMethods:
    """``x.silu()``, ``x.elu(alpha)``, ... with PyTorch's names and arguments."""

    __slots__ = ()

    def silu(self: Tensor) -> Tensor:
        """``x * sigmoid(x)`` (swish)."""
        return A.silu(self)

    def mish(self: Tensor) -> Tensor:
        """``x * tanh(softplus(x))``."""
        return A.mish(self)

    def logsigmoid(self: Tensor) -> Tensor:
        """``log(sigmoid(x))``, stable for large ``|x|``."""
        return A.logsigmoid(self)

    def softsign(self: Tensor) -> Tensor:
        """``x / (1 + |x|)``."""
        return A.softsign(self)

    def softmin(self: Tensor, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """``softmax(-x)`` along ``axis`` (or ``dim``; default -1)."""
        return A.softmin(self, axis, dim=dim)

    def glu(self: Tensor, dim: int = -1) -> Tensor:
        """Gated linear unit: first half times sigmoid of the second half along ``dim``."""
        return A.glu(self, dim)

    def elu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
        return P.elu(self, alpha)

    def selu(self: Tensor) -> Tensor:
        """Scaled ELU with PyTorch's constants."""
        return P.selu(self)

    def celu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """``x`` if ``x > 0`` else ``alpha * (exp(x / alpha) - 1)``."""
        return P.celu(self, alpha)

    def hardtanh(self: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
        """``x`` clipped to ``[min_val, max_val]``."""
        return P.hardtanh(self, min_val, max_val)

    def relu6(self: Tensor) -> Tensor:
        """``min(max(x, 0), 6)``."""
        return P.relu6(self)

    def hardsigmoid(self: Tensor) -> Tensor:
        """``clip(x / 6 + 1/2, 0, 1)``."""
        return P.hardsigmoid(self)

    def hardswish(self: Tensor) -> Tensor:
        """``x * hardsigmoid(x)``."""
        return P.hardswish(self)

    def prelu(self: Tensor, weight: Tensor) -> Tensor:
        """``x`` if ``x > 0`` else ``weight * x`` (one weight, or one per channel)."""
        return P.prelu(self, weight)
