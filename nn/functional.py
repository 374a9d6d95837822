"""The function forms of layers and losses (``import nn.functional as F``), PyTorch's names.

Activations delegate to autograd's ops; ``linear`` is one fused op
(``x @ W.T + b`` in one graph node); ``dropout`` draws from
``autograd.generator()`` so ``autograd.manual_seed`` makes it repeatable.
The losses live in ``nn/_functional_losses.py``, ``_functional_distance.py`` (with
``normalize``, ``cosine_similarity``, ``pairwise_distance``) and
``_functional_likelihood.py``, and are re-exported here.
"""
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import Function, ShapeError, Tensor, backend, devices
from ._functional_activations import (  # noqa: F401
    celu,
    elu,
    glu,
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    prelu,
    relu6,
    selu,
    silu,
    softmin,
    softplus,
    softsign,
)
from ._functional_distance import (  # noqa: F401
    cosine_embedding_loss,
    cosine_similarity,
    margin_ranking_loss,
    normalize,
    pairwise_distance,
    triplet_margin_loss,
)
from ._functional_likelihood import (  # noqa: F401
    gaussian_nll_loss,
    kl_div,
    poisson_nll_loss,
    smooth_l1_loss,
)
from ._functional_losses import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
)
from ._validate import probability, shape_of

__all__ = ["cosine_embedding_loss", "cosine_similarity", "margin_ranking_loss", "normalize",
    "pairwise_distance", "triplet_margin_loss", "gaussian_nll_loss", "kl_div", "poisson_nll_loss",
    "smooth_l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "huber_loss", "l1_loss", "mse_loss", "nll_loss", "Linear", "linear", "relu", "leaky_relu",
    "sigmoid", "tanh", "gelu", "softmax", "log_softmax", "dropout", "dropout2d",
    "adaptive_avg_pool2d", "adaptive_max_pool2d", "avg_pool2d", "conv1d", "conv2d",
    "conv_transpose1d", "conv_transpose2d", "fold", "interpolate", "max_pool2d", "max_unpool2d",
    "unfold", "scaled_dot_product_attention", "embedding", "batch_norm", "group_norm",
    "instance_norm", "layer_norm", "silu", "mish", "elu", "selu", "celu", "hardtanh", "relu6",
    "hardsigmoid", "hardswish", "softsign", "logsigmoid", "softplus", "softmin", "glu", "prelu",
    "pad", "one_hot"]


class Linear(Function):
    """out = x @ W^T + b.  d/dx = grad @ W, d/dW = grad^T @ x, d/db = sum(grad) over rows.

    The op behind ``linear`` and ``nn.Linear``: one graph node for the matmul and the bias.
    Call it through ``Linear.apply(x, weight, bias)`` (or ``linear``, which checks shapes).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn.functional import Linear
    >>> out = Linear.apply(gg.ones((2, 3)), gg.ones((4, 3), requires_grad=True))
    >>> out.shape, out.grad_fn.name()
    ((2, 4), 'linear')
    """

    op_name = "linear"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, weight: np.ndarray,
                bias: np.ndarray | None = None) -> np.ndarray:
        """``x @ weight.T + bias`` on arrays; saves ``x`` and ``weight`` for backward.

        ``Linear.apply`` unwraps its Tensors, runs this and wraps the result.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad.nn.functional import Linear
        >>> x = gg.tensor([[1.0, 2.0]])
        >>> w = gg.tensor([[1.0, 0.0], [1.0, 1.0]])
        >>> Linear.apply(x, w, gg.tensor([0.5, -3.0]))  # [1 + 0.5, 1 + 2 - 3]
        Tensor([[1.5, 0. ]], dtype=float32)
        """
        ctx.save_for_backward(x, weight)
        return backend.linear(x, weight, bias)  # BLAS's faster operand order where it has one

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any, Any]:
        """``grad @ W``, ``grad^T @ x`` and ``grad`` summed over rows (None where not needed).

        ``backward()`` on a result calls it; leading axes of ``x`` are flattened into rows.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad.nn.functional import Linear
        >>> x = gg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> w = gg.ones((1, 2), requires_grad=True)
        >>> b = gg.zeros(1, requires_grad=True)
        >>> Linear.apply(x, w, b).sum().backward()
        >>> w.grad, b.grad  # x summed over rows; one per row
        (Tensor([[4., 6.]], dtype=float32), Tensor([2.], dtype=float32))
        """
        # grad: an array, or a Tensor under create_graph=True (as the saved x and weight)
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        grad_x = grad @ weight if need_x else None
        rows = grad if grad.ndim == 2 else _reshape(grad, (-1, weight.shape[0]))
        grad_w = grad_b = None
        if need_w:
            grad_w = rows.T @ (x if x.ndim == 2 else _reshape(x, (-1, weight.shape[1])))
        if need_b:
            grad_b = (rows.sum(axis=0) if isinstance(rows, Tensor)
                      else backend.namespace(rows).sum(rows, axis=0))
        return grad_x, grad_w, grad_b


def _reshape(x: Any, shape: tuple[int, ...]) -> Any:
    """``x`` reshaped: an array of any library, or a Tensor (recorded)."""
    return x.reshape(shape) if isinstance(x, Tensor) else backend.namespace(x).reshape(x, shape)


def linear(input: Tensor, weight: Tensor,  # noqa: A002 - PyTorch's argument name
           bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` in one op.

    ``input`` is ``(*, in)``, ``weight`` ``(out, in)``, ``bias`` ``(out,)``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.linear(gg.ones((2, 3)), gg.ones((4, 3)), gg.zeros(4)).shape
    (2, 4)
    """
    in_features, shape = weight.shape[-1], shape_of(input)
    if not shape or shape[-1] != in_features:
        raise ShapeError(f"linear: input of shape {shape} does not fit weight "
                         f"of shape {tuple(weight.shape)}: the last axis must have "
                         f"in_features={in_features} elements")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeError(f"linear: bias of shape {tuple(bias.shape)} does not fit weight of "
                         f"shape {tuple(weight.shape)}; expected ({weight.shape[0]},)")
    return Linear.apply(input, weight, bias)


# ------------------------------------------------------------------ activations
def relu(input: Tensor,  # noqa: A002, ARG001 - PyTorch's signature; never in place
         inplace: bool = False) -> Tensor:
    """``max(input, 0)`` elementwise; the gradient is 1 where ``input > 0``, else 0.

    ``inplace`` is accepted for PyTorch's signature and ignored (a new tensor is returned).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> F.relu(x)
    Tensor([0., 0., 3.], dtype=float32, grad_fn=<ReLU>)
    >>> F.relu(x).sum().backward(); x.grad
    Tensor([0., 0., 1.], dtype=float32)
    """
    return autograd.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002, ARG001
               inplace: bool = False) -> Tensor:
    """``input`` where positive, else ``negative_slope * input``.

    Negative inputs keep a small gradient (``negative_slope``), so no unit dies.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> F.leaky_relu(x, 0.1)
    Tensor([-0.2,  0. ,  3. ], dtype=float32, grad_fn=<LeakyReLU>)
    >>> F.leaky_relu(x, 0.1).sum().backward(); x.grad
    Tensor([0.1, 0.1, 1. ], dtype=float32)
    """
    return autograd.leaky_relu(input, negative_slope)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-input))``, stable for large ``|input|``.

    The gradient ``s (1 - s)`` is at most 0.25 (at 0) and vanishes as ``|input|`` grows.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> F.sigmoid(x).round(4)
    Tensor([0.1192, 0.5   , 0.9526], dtype=float32, grad_fn=<Round>)
    >>> F.sigmoid(x).sum().backward(); x.grad.round(4)
    Tensor([0.105 , 0.25  , 0.0452], dtype=float32)
    """
    return autograd.sigmoid(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, into (-1, 1); the gradient is ``1 - tanh(input)^2``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> F.tanh(x).round(4)
    Tensor([-0.964 ,  0.    ,  0.9951], dtype=float32, grad_fn=<Round>)
    >>> F.tanh(x).sum().backward(); x.grad.round(4)
    Tensor([0.0707, 1.    , 0.0099], dtype=float32)
    """
    return autograd.tanh(input)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """``input * Phi(input)`` (Phi: the normal CDF); ``approximate="tanh"`` as PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([-1.0, 0.0, 1.0])
    >>> F.gelu(x).round(4)  # Phi(1) = 0.8413
    Tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    >>> F.gelu(x, approximate="tanh").round(4)
    Tensor([-0.1588,  0.    ,  0.8412], dtype=float32)
    """
    return autograd.gelu(input, approximate)


def _softmax_dim(name: str, ndim: int, dim: int | None) -> int:
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                      "call to include dim=X as an argument.", stacklevel=3)
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``; pass ``dim`` (None picks PyTorch's legacy axis).

    Each slice along ``dim`` becomes a probability distribution (positive, summing to 1).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> p = F.softmax(gg.tensor([[1.0, 2.0, 3.0]]), dim=1)
    >>> p.round(4), round(p.sum().item(), 4)
    (Tensor([[0.09  , 0.2447, 0.6652]], dtype=float32), 1.0)
    """
    return autograd.softmax(input, axis=_softmax_dim("softmax", len(shape_of(input)), dim))


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``, stable for any finite input.

    The log of ``softmax`` without its underflow: pair it with ``nll_loss``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.log_softmax(gg.tensor([[1.0, 2.0, 3.0]]), dim=1).round(4)
    Tensor([[-2.4076, -1.4076, -0.4076]], dtype=float32)
    >>> F.log_softmax(gg.tensor([[0.0, 1000.0]]), dim=1)  # log(softmax) would give -inf
    Tensor([[-1000.,     0.]], dtype=float32)
    """
    return autograd.log_softmax(input, axis=_softmax_dim("log_softmax", len(shape_of(input)),
                                                           dim))


# ------------------------------------------------------------------ padding
def pad(input: Tensor, pad: Sequence[int],  # noqa: A002 - PyTorch's signature
        mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad as PyTorch does: ``pad`` gives (before, after) pairs from the last axis backwards.

    ``(1, 2)`` pads the last axis by 1 and 2, ``(1, 2, 3, 4)`` also the one before
    it by 3 and 4. Negative entries crop. Modes ``constant reflect replicate circular``.

    Example
    -------
    >>> import graphgrad as gg, graphgrad.nn.functional as F
    >>> F.pad(gg.ones((1, 2)), (1, 0), value=5.0).tolist()
    [[5.0, 1.0, 1.0]]
    """
    pad, shape = tuple(pad), shape_of(input)
    if len(pad) % 2 or len(pad) // 2 > len(shape):
        raise ValueError(f"pad: pad {pad} must have an even length of at most 2 * ndim "
                         f"({2 * len(shape)} for shape {shape})")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    widths = [(0, 0)] * (len(shape) - len(pairs)) + pairs[::-1]
    return autograd.pad(input, widths, 0.0 if value is None else value, mode)


# ------------------------------------------------------------------ dropout
def dropout(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002, ARG001
            inplace: bool = False, generator: np.random.Generator | None = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Inverted dropout: the expected value is unchanged, so evaluation
    (``training=False``) is the identity. Draws come from ``generator`` or
    ``autograd.generator()``, so ``gg.manual_seed`` makes the mask repeatable.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> gg.manual_seed(0)
    >>> F.dropout(gg.ones(8), p=0.5)  # kept elements scaled by 1 / (1 - p) = 2
    Tensor([2., 2., 2., 0., 0., 0., 0., 0.], dtype=float32)
    >>> F.dropout(gg.ones(3), p=0.5, training=False)  # evaluation: unchanged
    Tensor([1., 1., 1.], dtype=float32)
    """
    p = probability("p", p, "dropout")
    return _dropout(input, p, training, None, generator)


def _dropout(input: Tensor, p: float, training: bool,  # noqa: A002
             mask_shape: tuple[int, ...] | None, generator: np.random.Generator | None) -> Tensor:
    """``input`` times a kept/dropped mask of ``mask_shape`` (the input's by default)."""
    if not training or p == 0.0:
        return input
    data = input.data if isinstance(input, Tensor) else backend.as_array(input)
    xp = backend.namespace(data)
    dtype = backend.numpy_dtype(data.dtype)
    dtype = dtype if dtype.kind == "f" else backend.numpy_dtype("float32")
    shape = data.shape if mask_shape is None else mask_shape
    if p == 1.0:
        return input * Tensor(xp.zeros(shape, dtype=backend.dtype_in(xp, dtype),
                                       device=data.device))
    rng = generator if generator is not None else autograd.generator()
    # NOTE: drawn on the host by the seeded generator (the same masks on every device),
    # then copied to the input's device
    keep = rng.random(shape, dtype="float64" if dtype.name == "float64" else "float32") >= p
    mask = keep.astype(dtype)
    mask *= 1.0 / (1.0 - p)
    return input * Tensor(devices.move(mask, devices.device_of(data)))


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002, ARG001
              inplace: bool = False) -> Tensor:
    """Zero whole channels with probability ``p`` (scale the rest by ``1 / (1 - p)``).

    ``input`` is (N, C, H, W) or (C, H, W); one draw per channel of each sample. A 3-D
    input is taken as (N, C, L) with a warning, as PyTorch does.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.dropout2d(gg.ones((2, 3, 4, 4)), 0.5).shape
    (2, 3, 4, 4)
    """
    p = probability("p", p, "dropout2d")
    ndim = len(shape_of(input))
    if ndim not in (3, 4):
        raise ShapeError(f"dropout2d: input of shape {shape_of(input)} is not "
                         "(N, C, H, W) or (C, H, W)")
    if ndim == 3:
        warnings.warn("dropout2d: received a 3-D input; assuming (N, C, L) and dropping "
                      "channels of axis 1, as PyTorch (use dropout1d for 1-D channels)",
                      UserWarning, stacklevel=2)
    shape = shape_of(input)[:2] + (1,) * (ndim - 2)
    return _dropout(input, p, training, shape, None)


# Convolution, pooling, normalisation and embedding live beside their layers.
from ..autograd import (  # noqa: E402, F401
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    fold,
    interpolate,
    max_pool2d,
    max_unpool2d,
    one_hot,
    unfold,
)
from .layers.attention import scaled_dot_product_attention  # noqa: E402, F401
from .layers.embedding import embedding  # noqa: E402, F401
from .layers.norm import batch_norm, group_norm, instance_norm, layer_norm  # noqa: E402, F401
