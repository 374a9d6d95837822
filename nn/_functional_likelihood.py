"""Divergence and likelihood losses (re-exported by ``nn.functional``): ``kl_div``,
``smooth_l1_loss``, ``gaussian_nll_loss`` and ``poisson_nll_loss``, PyTorch's arguments.

All are compositions of autograd ops (gradients of every order from the engine), and
differentiable in the target too where the target is a Tensor that requires grad.
"""
import math
import numbers
import warnings

import numpy as np

from ..autograd import ShapeError, Tensor, backend, where
from . import _reduction
from ._functional_losses import _same_shape


def _as_float(target: Tensor | np.ndarray | float, input: Tensor,  # noqa: A002
              op: str) -> Tensor:
    """A Tensor target stays in the graph; anything else becomes a float constant."""
    if isinstance(target, Tensor):
        return target
    values = backend.as_array(target)
    if backend.dtype_kind(values.dtype) not in "biuf":
        raise TypeError(f"{op}: target must hold numbers, got dtype {values.dtype}")
    xp = backend.namespace(values)
    return Tensor(xp.astype(values, backend.dtype_in(xp, input.dtype), copy=False))


def _xlogx(t: Tensor) -> Tensor:
    """``t log t`` with 0 at t = 0; the unused branch never sees log(0)."""
    positive = t.data > 0
    return where(positive, t * where(positive, t, 1.0).log(), 0.0)


def kl_div(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
           size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``target (log target - input)`` of log-probabilities
    ``input``, as PyTorch.

    Parameters
    ----------
    input : Tensor
        Log-probabilities.
    target : Tensor or array
        Probabilities (or log-probabilities with ``log_target=True``).
    reduction : {"mean", "batchmean", "sum", "none"}
        ``batchmean`` (the mathematical KL divergence of a batch) divides the sum by the
        batch size; ``mean`` divides by the number of elements (PyTorch warns; so do we).

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> p = gg.tensor([[0.5, 0.5]])
    >>> F.kl_div(p.log(), p, reduction="batchmean").item()
    0.0
    """
    op = "kl_div"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op,
                                 ("mean", "batchmean", "sum", "none"))
    _same_shape(input, target, op)
    target = _as_float(target, input, op)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / float(input.shape[0]) if input.ndim else loss.sum()
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size "
                      "and the support size; 'batchmean' divides only by the batch size, "
                      "which is the KL divergence", UserWarning, stacklevel=2)
    return _reduction.apply(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                   size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input - target``).

    ``beta=0`` is the L1 loss. Huber loss is ``beta * smooth_l1_loss`` with ``delta=beta``.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> F.smooth_l1_loss(gg.tensor([0.5, 3.0]), gg.tensor([0.0, 0.0]), reduction="none").tolist()
    [0.125, 2.5]
    """
    op = "smooth_l1_loss"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op)
    if not isinstance(beta, numbers.Real) or not beta >= 0:
        raise ValueError(f"{op}: beta must be a non-negative number, got {beta!r}")
    _same_shape(input, target, op)
    diff = input - target
    size = abs(diff)
    if beta == 0:
        return _reduction.apply(size, reduction)
    loss = where(size.data < beta, (0.5 / beta) * diff * diff, size - 0.5 * beta)
    return _reduction.apply(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                      var: Tensor | np.ndarray | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under N(``input``, ``var``), as PyTorch.

    ``0.5 (log max(var, eps) + (input - target)^2 / max(var, eps))`` (+ ``0.5 log 2 pi``
    with ``full``). ``var`` has the input's shape, or lacks its last axis, or has 1 there
    (one variance shared by the last axis). As in PyTorch, the clamp at ``eps`` changes
    the value only: the gradient passes to ``var`` as if it were not clamped.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> mean, target = gg.tensor([0.0, 0.0]), gg.tensor([1.0, 1.0])
    >>> F.gaussian_nll_loss(mean, target, gg.tensor([1.0, 4.0]), reduction="none").round(4)
    Tensor([0.5   , 0.8181], dtype=float32)
    """
    op = "gaussian_nll_loss"
    _reduction.check(reduction, op)
    variance = _as_float(var, input, op)
    if variance.shape != input.shape:
        if input.shape[:-1] == variance.shape:
            variance = variance.unsqueeze(-1)
        elif not (input.shape[:-1] == variance.shape[:-1] and variance.shape[-1:] == (1,)):
            raise ShapeError(f"{op}: var of shape {variance.shape} does not fit input of shape "
                             f"{input.shape}: give the input's shape, it without the last "
                             "axis, or 1 in the last axis")
    values = variance.data
    xp = backend.namespace(values)
    if bool(xp.any(values < 0)):
        raise ValueError(f"{op}: var has negative entry/entries")
    _same_shape(input, target, op)
    # NOTE: value clamped, gradient straight through (PyTorch clamps in place under no_grad).
    variance = variance + Tensor(xp.clip(values, min=eps) - values)
    loss = 0.5 * (variance.log() + (input - target) ** 2 / variance)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduction.apply(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                     log_input: bool = True, full: bool = False, size_average: bool | None = None,
                     eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of counts ``target`` under Poisson(rate), as PyTorch.

    ``exp(input) - target * input`` with ``log_input`` (input is the log-rate), else
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term
    ``target log target - target + 0.5 log(2 pi target)`` where ``target > 1``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> counts = gg.tensor([2.0, 2.0])
    >>> F.poisson_nll_loss(gg.tensor([0.0, 1.0]), counts, reduction="none").round(4)  # e^x - 2x
    Tensor([1.    , 0.7183], dtype=float32)
    >>> F.poisson_nll_loss(gg.tensor([1.0, 2.0]), counts, log_input=False,
    ...                    reduction="none").round(4)                          # rate - 2 log(rate)
    Tensor([1.    , 0.6137], dtype=float32)
    """
    op = "poisson_nll_loss"
    reduction = _reduction.check(_reduction.legacy_reduction(size_average, reduce, reduction,
                                                             op), op)
    _same_shape(input, target, op)
    target = _as_float(target, input, op)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        big = target.data > 1
        safe = where(big, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(big, stirling, 0.0)
    return _reduction.apply(loss, reduction)
