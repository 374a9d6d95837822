"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (in place, PyTorch's rules);
``parameters_to_vector``/``vector_to_parameters``; ``weight_norm`` and ``spectral_norm``;
``nn.utils.rnn``: packed variable-length sequences.

L1 regularisation has no optimizer flag; add it to the loss in one line::

    loss = criterion(model(x), y) + 1e-4 * sum(p.abs().sum() for p in model.parameters())

(L2 is ``weight_decay=`` of the optimizers.)
"""
import math
from typing import Any

from ...autograd import GradientError, Tensor, no_grad
from ...autograd import backend as _backend
from ...autograd import tensor as _tensor
from ...autograd import zeros as _zeros
from .._validate import non_negative_float as _non_negative_float
from . import rnn  # noqa: F401 - nn.utils.rnn: packed sequences
from .convert import parameters_to_vector, vector_to_parameters
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["GradientError", "Tensor", "no_grad", "rnn", "clip_grad_norm_",
    "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "spectral_norm",
    "remove_spectral_norm", "weight_norm", "remove_weight_norm"]


def _grads(parameters: Any) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so their joint norm is at most ``max_norm``.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensors
        Typically ``model.parameters()``; those without ``.grad`` are skipped.
    max_norm : float
    norm_type : float
        The p of the p-norm; ``float("inf")`` for the largest absolute value,
        ``0`` for PyTorch's count: how many gradients have a non-zero entry (the
        0-"norm", ``vector_norm(ord=0)``, of the per-gradient 0-"norms").
    error_if_nonfinite : bool
        Raise if the total norm is NaN or inf (else the gradients become NaN).

    Returns
    -------
    Tensor
        The total norm of the gradients before clipping (a 0-d float tensor).
    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.tensor([0.0, 0.0], requires_grad=True)
    >>> (w * gg.tensor([3.0, 4.0])).sum().backward()  # w.grad = [3, 4], norm 5
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    Tensor(5., dtype=float32)
    >>> w.grad.round(4)  # same direction, norm 1
    Tensor([0.6, 0.8], dtype=float32)
    """
    max_norm = _non_negative_float("max_norm", max_norm, "clip_grad_norm_")
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return _zeros(())
    # NOTE: each gradient's part is reduced on its device; float() brings the number to the
    # host, where the parts are added (the sum in float64, as before, on every device)
    if math.isinf(norm_type):
        total = max(float(_xp(g).max(_xp(g).abs(g.data))) if g.data.size else 0.0
                    for g in grads)
    elif norm_type == 0:  # PyTorch's: the 0-"norm" of the per-gradient 0-"norms"
        total = float(sum(bool(_xp(g).any(g.data != 0)) for g in grads))
    else:
        total = sum(float(_xp(g).sum(_xp(g).abs(_float64(g.data)) ** norm_type))
                    for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise GradientError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                            "gradients is non-finite, so it cannot be clipped; set "
                            "error_if_nonfinite=False to scale them anyway")
    coef = min(max_norm / (total + 1e-6), 1.0)
    if coef < 1.0 or not math.isfinite(total):
        with no_grad():
            for g in grads:
                g *= coef
    return _tensor(total, dtype=grads[0].dtype, device=grads[0].device)


def clip_grad_value_(parameters: Any, clip_value: float) -> None:
    """Clip every gradient element to ``[-clip_value, clip_value]`` in place.

    Each element is clipped on its own, so the gradient's direction can change
    (``clip_grad_norm_`` keeps it).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.tensor([0.0, 0.0, 0.0], requires_grad=True)
    >>> (w * gg.tensor([-3.0, 0.5, 2.0])).sum().backward()
    >>> nn.utils.clip_grad_value_([w], clip_value=1.0)
    >>> w.grad
    Tensor([-1. ,  0.5,  1. ], dtype=float32)
    """
    clip_value = _non_negative_float("clip_value", clip_value, "clip_grad_value_")
    with no_grad():
        for g in _grads(parameters):
            g[...] = _xp(g).clip(g.data, -clip_value, clip_value)


def _xp(grad: Tensor) -> Any:
    """The array namespace of a gradient's array."""
    return _backend.namespace(grad.data)


def _float64(array: Any) -> Any:
    """``array`` in float64 (numpy's cast for numpy arrays), on its device."""
    xp = _backend.namespace(array)
    return xp.astype(array, _backend.dtype_in(xp, "float64"))
