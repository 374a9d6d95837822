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
        """``x * sigmoid(x)`` (swish).

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-1.0, 0.0, 1.0]).silu().round(4)
        Tensor([-0.2689,  0.    ,  0.7311], dtype=float32)
        """
        return A.silu(self)

    def mish(self: Tensor) -> Tensor:
        """``x * tanh(softplus(x))``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-1.0, 0.0, 1.0]).mish().round(4)
        Tensor([-0.3034,  0.    ,  0.8651], dtype=float32)
        """
        return A.mish(self)

    def logsigmoid(self: Tensor) -> Tensor:
        """``log(sigmoid(x))``, stable for large ``|x|``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-100.0, 0.0, 2.0]).logsigmoid().round(4)
        Tensor([-100.    ,   -0.6931,   -0.1269], dtype=float32)
        """
        return A.logsigmoid(self)

    def softsign(self: Tensor) -> Tensor:
        """``x / (1 + |x|)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-3.0, 0.0, 1.0]).softsign()
        Tensor([-0.75,  0.  ,  0.5 ], dtype=float32)
        """
        return A.softsign(self)

    def softmin(self: Tensor, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """``softmax(-x)`` along ``axis`` (or ``dim``; default -1).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([1.0, 2.0, 3.0])
        >>> x.softmin().round(4)
        Tensor([0.6652, 0.2447, 0.09  ], dtype=float32)
        >>> x.softmin().argmax()
        Tensor(0, dtype=int64)
        """
        return A.softmin(self, axis, dim=dim)

    def glu(self: Tensor, dim: int = -1) -> Tensor:
        """Gated linear unit: first half times sigmoid of the second half along ``dim``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[1.0, 2.0, 0.0, 100.0]])
        >>> x.glu()
        Tensor([[0.5, 2. ]], dtype=float32)
        """
        return A.glu(self, dim)

    def elu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-10.0, -1.0, 2.0])
        >>> x.elu().round(4)
        Tensor([-1.    , -0.6321,  2.    ], dtype=float32)
        >>> x.elu(alpha=0.5).round(4)
        Tensor([-0.5   , -0.3161,  2.    ], dtype=float32)
        """
        return P.elu(self, alpha)

    def selu(self: Tensor) -> Tensor:
        """Scaled ELU with PyTorch's constants.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-10.0, 0.0, 1.0]).selu().round(4)
        Tensor([-1.758 ,  0.    ,  1.0507], dtype=float32)
        """
        return P.selu(self)

    def celu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """``x`` if ``x > 0`` else ``alpha * (exp(x / alpha) - 1)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-10.0, -1.0, 2.0]).celu(alpha=2.0).round(4)
        Tensor([-1.9865, -0.7869,  2.    ], dtype=float32)
        """
        return P.celu(self, alpha)

    def hardtanh(self: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
        """``x`` clipped to ``[min_val, max_val]``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([-3.0, 0.5, 3.0], requires_grad=True)
        >>> x.hardtanh().sum().backward()
        >>> x.hardtanh()
        Tensor([-1. ,  0.5,  1. ], dtype=float32, grad_fn=<Hardtanh>)
        >>> x.grad
        Tensor([0., 1., 0.], dtype=float32)
        """
        return P.hardtanh(self, min_val, max_val)

    def relu6(self: Tensor) -> Tensor:
        """``min(max(x, 0), 6)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-1.0, 3.0, 9.0]).relu6()
        Tensor([0., 3., 6.], dtype=float32)
        """
        return P.relu6(self)

    def hardsigmoid(self: Tensor) -> Tensor:
        """``clip(x / 6 + 1/2, 0, 1)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-4.0, 0.0, 1.5, 4.0]).hardsigmoid()
        Tensor([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
        """
        return P.hardsigmoid(self)

    def hardswish(self: Tensor) -> Tensor:
        """``x * hardsigmoid(x)``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> gg.tensor([-1.0, 0.0, 1.5, 4.0]).hardswish().round(4)
        Tensor([-0.3333,  0.    ,  1.125 ,  4.    ], dtype=float32)
        """
        return P.hardswish(self)

    def prelu(self: Tensor, weight: Tensor) -> Tensor:
        """``x`` if ``x > 0`` else ``weight * x`` (one weight, or one per channel).

        Examples
        --------
        >>> import graphgrad as gg
        >>> x = gg.tensor([[-1.0, 2.0], [-1.0, -3.0]])
        >>> x.prelu(gg.tensor(0.25))
        Tensor([[-0.25,  2.  ],
                [-0.25, -0.75]], dtype=float32)
        >>> x.prelu(gg.tensor([0.1, 0.5]))
        Tensor([[-0.1,  2. ],
                [-0.1, -1.5]], dtype=float32)
        """
        return P.prelu(self, weight)
