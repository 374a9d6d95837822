"""``nn.functional``'s activations beyond relu/sigmoid/tanh/gelu, PyTorch's signatures.

Each delegates to the op in ``autograd``; ``inplace`` is accepted for
compatibility and ignored (results are always new tensors).
"""
from .. import autograd
from ..autograd import Tensor
from ._validate import shape_of


def silu(input: Tensor,  # noqa: A002, ARG001 - PyTorch's signature
         inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)`` (swish).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.silu(gg.tensor([-2.0, 0.0, 3.0])).round(4)  # 3 * sigmoid(3)
    Tensor([-0.2384,  0.    ,  2.8577], dtype=float32)
    """
    return autograd.silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input * tanh(softplus(input))``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.mish(gg.tensor([-2.0, 0.0, 3.0])).round(4)
    Tensor([-0.2525,  0.    ,  2.9865], dtype=float32)
    """
    return autograd.mish(input)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input) - 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.elu(gg.tensor([-2.0, 0.0, 3.0])).round(4)  # e^-2 - 1; saturates at -alpha
    Tensor([-0.8647,  0.    ,  3.    ], dtype=float32)
    """
    return autograd.elu(input, alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """Scaled ELU with PyTorch's constants.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.selu(gg.tensor([-2.0, 0.0, 3.0])).round(4)  # scale * elu(x, alpha)
    Tensor([-1.5202,  0.    ,  3.1521], dtype=float32)
    """
    return autograd.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input`` if positive, else ``alpha * (exp(input / alpha) - 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.celu(gg.tensor([-2.0, 0.0, 3.0]), alpha=2.0).round(4)  # 2 (e^-1 - 1)
    Tensor([-1.2642,  0.    ,  3.    ], dtype=float32)
    """
    return autograd.celu(input, alpha)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002, ARG001
             inplace: bool = False) -> Tensor:
    """``input`` clipped to ``[min_val, max_val]``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> F.hardtanh(x).sum().backward(); x.grad  # no gradient where clipped
    Tensor([0., 1., 0.], dtype=float32)
    >>> F.hardtanh(x.detach(), min_val=0.0, max_val=2.0)
    Tensor([0. , 0.5, 2. ], dtype=float32)
    """
    return autograd.hardtanh(input, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``min(max(input, 0), 6)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.relu6(gg.tensor([-1.0, 3.0, 8.0]))
    Tensor([0., 3., 6.], dtype=float32)
    """
    return autograd.relu6(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``clip(input / 6 + 1/2, 0, 1)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.hardsigmoid(gg.tensor([-4.0, 0.0, 1.5, 4.0]))  # linear on [-3, 3]
    Tensor([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    return autograd.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002, ARG001
    """``input * hardsigmoid(input)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.hardswish(gg.tensor([-4.0, 0.0, 1.5, 4.0]))  # 1.5 * 0.75
    Tensor([-0.   ,  0.   ,  1.125,  4.   ], dtype=float32)
    """
    return autograd.hardswish(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``input / (1 + |input|)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.softsign(gg.tensor([-2.0, 0.0, 3.0])).round(4)  # -2/3, 0, 3/4
    Tensor([-0.6667,  0.    ,  0.75  ], dtype=float32)
    """
    return autograd.softsign(input)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(input))``, stable for large ``|input|``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.logsigmoid(gg.tensor([-100.0, 0.0, 100.0])).round(4)  # log(1/2) in the middle
    Tensor([-100.    ,   -0.6931,   -0.    ], dtype=float32)
    """
    return autograd.logsigmoid(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * input)) / beta``; linear where ``beta * input > threshold``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.softplus(gg.tensor([-2.0, 0.0, 3.0])).round(4)  # a smooth relu; log 2 at 0
    Tensor([0.1269, 0.6931, 3.0486], dtype=float32)
    >>> F.softplus(gg.tensor([-2.0, 0.0, 3.0]), beta=2.0).round(4)  # closer to relu
    Tensor([0.0091, 0.3466, 3.0012], dtype=float32)
    """
    return autograd.softplus(input, beta, threshold)


def softmin(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``softmax(-input)`` along ``dim`` (None picks PyTorch's legacy axis, with a warning).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.softmin(gg.tensor([[1.0, 2.0, 3.0]]), dim=1).round(4)  # the smallest gets the most
    Tensor([[0.6652, 0.2447, 0.09  ]], dtype=float32)
    """
    from .functional import _softmax_dim
    return autograd.softmin(input, dim=_softmax_dim("softmin", len(shape_of(input)), dim))


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``input`` along ``dim``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.glu(gg.tensor([[1.0, 2.0, 0.0, 100.0]]))  # a = [1, 2] gated by sigmoid([0, 100])
    Tensor([[0.5, 2. ]], dtype=float32)
    """
    return autograd.glu(input, dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``input`` if positive, else ``weight * input`` (one weight, or one per channel).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([[-1.0, 2.0], [-3.0, -4.0]])   # (N, C): one slope per channel
    >>> F.prelu(x, gg.tensor([0.1, 0.5]))
    Tensor([[-0.1,  2. ],
            [-0.3, -2. ]], dtype=float32)
    """
    return autograd.prelu(input, weight)
