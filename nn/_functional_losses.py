"""Loss functions (re-exported by ``nn.functional``), with PyTorch's arguments and reductions.

Regression losses are compositions of autograd ops. The classification losses
are fused ops with stable forwards and cheap backwards: ``cross_entropy`` is one
node (log-softmax, pick, reduce; backward ``softmax - target``), finite for
logits of +-1e4; ``binary_cross_entropy_with_logits`` never exponentiates a
large positive number; ``binary_cross_entropy`` clamps its logs at -100 as
PyTorch does.
"""
import math
from typing import Any

import numpy as np

from ..autograd import Function, ShapeError, Tensor, where
from ._reduction import apply as _reduce

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str, op: str) -> None:
    """Raise ``ValueError`` naming ``reduction`` unless it is one of ``REDUCTIONS``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction={reduction!r} is not a valid value; use 'mean', "
                         "'sum' or 'none'")


def _raw(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _numeric_target(target: Any, op: str) -> np.ndarray:
    """The target as an array of numbers; ``TypeError`` naming ``op`` for strings, objects."""
    target = _raw(target)
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{op}: target must hold numbers (class indices or probabilities), "
                        f"got dtype {target.dtype}; convert it with .astype(...)")
    return target


# Rules below receive arrays (first-order backward) or Tensors (create_graph=True);
# these helpers work on both (typed Any), so one rule serves both modes.
def _is_raw(x: Any) -> bool:
    return not isinstance(x, Tensor)


def _log(x: Any) -> Any:
    return np.log(x) if _is_raw(x) else x.log()


def _sigmoid(x: Any) -> Any:
    if not _is_raw(x):
        return x.sigmoid()
    z = np.exp(-np.abs(x))  # NOTE: e^-|x| never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _softplus(x: Any) -> Any:
    return np.logaddexp(0, x) if _is_raw(x) else x.softplus()


def _same_shape(input: Any, target: Any, op: str) -> None:  # noqa: A002
    if tuple(np.shape(input)) != tuple(np.shape(target)):
        raise ShapeError(f"{op}: input of shape {tuple(np.shape(input))} and target of shape "
                         f"{tuple(np.shape(target))} differ; broadcasting them would silently "
                         "compare every pair: reshape the target to the input's shape")


# ------------------------------------------------------------------ regression
def mse_loss(input: Tensor, target: Tensor | np.ndarray, *,  # noqa: A002 - PyTorch's argument names
             reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target)^2``, reduced.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([0.5, 2.0, 4.0], requires_grad=True)
    >>> y = gg.tensor([1.0, 2.0, 2.0])
    >>> loss = F.mse_loss(x, y)  # (0.25 + 0 + 4) / 3
    >>> round(loss.item(), 4)
    1.4167
    >>> loss.backward(); x.grad.round(4)  # 2 (x - y) / 3
    Tensor([-0.3333,  0.    ,  1.3333], dtype=float32)
    """
    check_reduction(reduction, "mse_loss")
    _same_shape(input, target, "mse_loss")
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Tensor | np.ndarray, *,  # noqa: A002
            reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``, reduced.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([0.5, 2.0, 4.0], requires_grad=True)
    >>> y = gg.tensor([1.0, 2.0, 2.0])
    >>> loss = F.l1_loss(x, y)  # (0.5 + 0 + 2) / 3
    >>> round(loss.item(), 4)
    0.8333
    >>> loss.backward(); x.grad.round(4)  # sign(x - y) / 3: the same pull for every error
    Tensor([-0.3333,  0.    ,  0.3333], dtype=float32)
    """
    check_reduction(reduction, "l1_loss")
    _same_shape(input, target, "l1_loss")
    return _reduce(abs(input - target), reduction)


def huber_loss(input: Tensor, target: Tensor | np.ndarray, reduction: str = "mean",  # noqa: A002
               delta: float = 1.0) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    ``d = input - target``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([0.5, 2.0, 4.0])
    >>> F.huber_loss(x, gg.tensor([1.0, 2.0, 2.0]), reduction="none")  # quadratic, then linear
    Tensor([0.125, 0.   , 1.5  ], dtype=float32)
    """
    check_reduction(reduction, "huber_loss")
    _same_shape(input, target, "huber_loss")
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    diff = input - target
    size = abs(diff)
    loss = where(_raw(size) < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ classification
def _classes_last(x: Any, ndim: int) -> Any:
    """(N, C, d1, ...) -> (N * d1 * ..., C) for arrays and Tensors alike."""
    if ndim <= 2:
        return x.reshape((-1, x.shape[-1]))
    moved = x.transpose(0, *range(2, ndim), 1)
    return moved.reshape((-1, moved.shape[-1]))


def _classes_back(rows: Any, shape: tuple[int, ...]) -> Any:
    """Inverse of ``_classes_last``: rows back to the input's layout."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    moved = rows.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],))
    n = len(shape)
    return moved.transpose(0, n - 1, *range(1, n - 1))


def _class_targets(target: np.ndarray, shape: tuple[int, ...], ignore_index: int,
                   op: str) -> tuple[np.ndarray, np.ndarray]:
    """Flat integer targets, their validity mask, and a safe index (0 where ignored)."""
    expected = (shape[0],) + tuple(shape[2:]) if len(shape) > 1 else ()
    if target.shape != expected:
        raise ShapeError(f"{op}: input of shape {shape} needs class-index targets of shape "
                         f"{expected}, got {target.shape}")
    flat = target.reshape(-1)
    valid = flat != ignore_index
    classes = shape[1] if len(shape) > 1 else shape[0]
    bad = valid & ((flat < 0) | (flat >= classes))
    if bad.any():
        raise IndexError(f"{op}: target {int(flat[bad][0])} is out of bounds for {classes} "
                         f"classes (targets are class indices 0..{classes - 1}, or "
                         f"ignore_index={ignore_index})")
    return valid, np.where(valid, flat, 0)


class CrossEntropy(Function):
    """loss_i = -sum_c q_ic log softmax(z_i)_c.  d/dz_i = s_i softmax(z_i) - q_i, s_i = sum_c q_ic.

    For class-index targets without smoothing, ``q_i`` is ``a_i`` (the class
    weight, 0 if ignored) at the target class: kept sparse, never built.
    """

    op_name = "cross_entropy"

    @staticmethod
    def forward(ctx: Any, logits: np.ndarray, target: np.ndarray,
                weight: np.ndarray | None = None, ignore_index: int = -100,
                reduction: str = "mean", label_smoothing: float = 0.0) -> np.ndarray:
        shape = logits.shape
        z = _classes_last(logits, logits.ndim)
        rows, classes = z.shape
        index = np.arange(rows)
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        log_total = np.log(total)[:, 0]
        e /= total
        ctx.shape, ctx.reduction, ctx.smoothing = shape, reduction, label_smoothing
        w = None if weight is None else weight.astype(z.dtype, copy=False)
        # d/dq = -log softmax: keep it only when asked
        log_probs = shifted - log_total[:, None] if ctx.needs_input_grad[1] else None
        q: Any = None  # dense target rows, when needed (smoothing or probabilities)
        t: np.ndarray | None  # class indices, for sparse targets
        if target.dtype.kind in "iu":
            valid, t = _class_targets(target, shape, ignore_index, "cross_entropy")
            a = valid.astype(z.dtype) if w is None else w[t] * valid
            denominator = a.sum()
            if label_smoothing:
                q = np.zeros_like(z)
                q[index, t] = (1.0 - label_smoothing) * a
                q += (label_smoothing / classes) * (1.0 if w is None else w) * valid[:, None]
        else:
            if target.shape != shape:
                raise ShapeError(f"cross_entropy: class-probability targets must have the "
                                 f"input's shape {shape}, got {target.shape}")
            q = _dense_target(_classes_last(target.astype(z.dtype, copy=False), target.ndim),
                              label_smoothing, classes, w)
            denominator = rows
        if target.dtype.kind in "iu" and not label_smoothing:
            s = a
            loss = a * (log_total - shifted[index, t])
        else:
            s, t = q.sum(axis=1), None
            loss = s * log_total - (q * shifted).sum(axis=1)
        ctx.save_for_backward(logits, target, e, q, t, s, w, log_probs)
        if reduction == "none":
            return loss.reshape(shape[:1] + shape[2:] if len(shape) > 1 else ())
        total_loss = loss.sum()
        if reduction == "mean":
            # NOTE: no weight to average over (every target ignore_index, or weighted 0):
            # the loss is the mean of nothing, NaN as PyTorch's; its gradient is 0, so a step
            # leaves the weights as they are (see _mean_over_weights).
            ctx.scale = 1.0 / denominator if denominator else 0.0
            total_loss = total_loss * ctx.scale if denominator else np.nan
        else:
            ctx.scale = 1.0
        return np.asarray(total_loss, dtype=z.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        coef = grad.reshape((-1, 1)) if ctx.reduction == "none" else grad * ctx.scale
        need_z, need_q = ctx.needs_input_grad
        logits, target, probs, q, t, s, w, log_probs = ctx.saved_tensors
        if _is_raw(grad) and q is None:
            rows = coef * s[:, None]
            grad_z = probs * rows
            grad_z[np.arange(len(t)), t] -= rows[:, 0]
            return _classes_back(grad_z, ctx.shape), None
        if q is None:  # create_graph with sparse targets: build the dense q once
            q = np.zeros_like(probs)
            q[np.arange(len(t)), t] = s
        elif not _is_raw(target):  # a target in the graph: rebuild q from it
            q = _dense_target(_classes_last(target, len(ctx.shape)), ctx.smoothing,
                              ctx.shape[1] if len(ctx.shape) > 1 else ctx.shape[0], w)
            s = q.sum(axis=1)
        grad_z = grad_q = None
        if need_z:
            if not _is_raw(grad):
                probs = _classes_last(logits, len(ctx.shape)).softmax(axis=-1)
            grad_z = _classes_back((probs * s.reshape((-1, 1)) - q) * coef, ctx.shape)
        if need_q:
            if not _is_raw(grad):
                log_probs = _classes_last(logits, len(ctx.shape)).log_softmax(axis=-1)
            scale = 1.0 - ctx.smoothing
            grad_q = -(log_probs * (scale if w is None else scale * w)) * coef
            grad_q = _classes_back(grad_q, ctx.shape)
        return grad_z, grad_q



def _dense_target(q: Any, smoothing: float, classes: int, weight: Any) -> Any:
    """Class-probability rows mixed with the uniform distribution, then class-weighted."""
    if smoothing:
        q = q * (1.0 - smoothing) + smoothing / classes
    return q if weight is None else q * weight


def cross_entropy(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                  weight: Tensor | np.ndarray | None = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and targets, with a fused, stable log-softmax.

    Parameters
    ----------
    input : Tensor
        Logits, (N, C), (C,) or (N, C, d1, ...).
    target : Tensor or array
        Class indices (N,) (integers, ``ignore_index`` skipped), or class
        probabilities of the input's shape (floats; a Tensor that requires grad gets
        the gradient ``-(1 - label_smoothing) * weight * log_softmax(input)``).
    weight : array, optional
        Per-class weights (C,); ``mean`` divides by the summed target weights.
    reduction : {"mean", "sum", "none"}
    label_smoothing : float
        Mix the target with the uniform distribution (0 to 1).

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> round(F.cross_entropy(gg.tensor([[2.0, 0.0]]), gg.tensor([0])).item(), 4)  # log(1 + e^-2)
    0.1269
    """
    check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got "
                         f"{label_smoothing}")
    if np.ndim(input) == 0:
        raise ShapeError("cross_entropy: input must have a class axis, got a 0-d tensor")
    if not (isinstance(target, Tensor) and target.dtype.kind == "f"):
        target = _numeric_target(target, "cross_entropy")
    return CrossEntropy.apply(input, target,
                               weight=None if weight is None else _raw(weight),
                               ignore_index=ignore_index, reduction=reduction,
                               label_smoothing=float(label_smoothing))


def nll_loss(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
             weight: Tensor | np.ndarray | None = None, *, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices: ``-input[i, target[i]]``.

    ``input`` holds log-probabilities.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> log_probs = gg.tensor([[-0.1, -2.5, -3.0], [-2.0, -0.3, -1.9]])
    >>> F.nll_loss(log_probs, gg.tensor([0, 1]))  # (0.1 + 0.3) / 2
    Tensor(0.2, dtype=float32)
    >>> F.nll_loss(log_probs, gg.tensor([0, 1]), reduction="none")
    Tensor([0.1, 0.3], dtype=float32)
    """
    check_reduction(reduction, "nll_loss")
    target = _numeric_target(target, "nll_loss")
    shape = tuple(np.shape(input))
    if len(shape) == 0:
        raise ShapeError("nll_loss: input must have a class axis, got a 0-d tensor")
    valid, t = _class_targets(target, shape, ignore_index, "nll_loss")
    a = valid.astype(np.result_type(_raw(input)))
    if weight is not None:
        a = a * _raw(weight).astype(a.dtype)[t]
    picked = _classes_last(input, len(shape))[np.arange(len(t)), t]
    loss = -(picked * a)
    if reduction == "none":
        return loss.reshape(target.shape)
    if reduction == "sum":
        return loss.sum()
    return _mean_over_weights(loss.sum(), float(a.sum()))


def _mean_over_weights(total: Tensor, weight_sum: float) -> Tensor:
    """``total / weight_sum``; with no weight at all, NaN with gradient 0 (not NaN).

    Every target ``ignore_index`` (or of weight 0) leaves nothing to average:
    the value is NaN, as PyTorch's, and the gradient 0, as PyTorch's when every
    target is ignored (PyTorch gives NaN gradients when the weights are 0 instead;
    here both cases leave the parameters untouched by a step).
    """
    if weight_sum:
        return total / weight_sum
    return total * 0.0 + math.nan


class BinaryCrossEntropy(Function):
    """loss = -(t log p + (1-t) log(1-p)), logs clamped at -100.

    d/dp = (p - t) / max(p (1-p), 1e-12), d/dt = log(1-p) - log p.
    """

    op_name = "binary_cross_entropy"

    @staticmethod
    def forward(ctx: Any, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        if p.size and (p.min() < 0 or p.max() > 1):
            raise ValueError("binary_cross_entropy: all elements of input should be between 0 "
                             "and 1 (probabilities); for logits use "
                             "binary_cross_entropy_with_logits")
        ctx.save_for_backward(p, t)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_q = np.maximum(np.log1p(-p), -100.0)
        return -(t * log_p + (1 - t) * log_q)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        p, t = ctx.saved_tensors
        need_p, need_t = ctx.needs_input_grad
        grad_p = grad_t = None
        if need_p:
            grad_p = grad * (p - t) / (p * (1 - p)).clip(min=1e-12)
        if need_t:
            with np.errstate(divide="ignore"):
                log_p = _log(p).clip(min=-100.0)
                log_q = _log(1 - p).clip(min=-100.0)
            grad_t = grad * (log_q - log_p)
        return grad_p, grad_t


def _as_float_target(target: Any, input: Any, op: str) -> Any:  # noqa: A002
    """A target that is not a Tensor is a constant: give it the input's float dtype."""
    if isinstance(target, Tensor):
        return target
    return _numeric_target(target, op).astype(_raw(input).dtype, copy=False)


def binary_cross_entropy(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                         weight: Tensor | np.ndarray | None = None, *,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities ``input`` in [0, 1] against ``target``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> p = gg.tensor([0.9, 0.2])
    >>> F.binary_cross_entropy(p, gg.tensor([1.0, 0.0]), reduction="none").round(4)
    Tensor([0.1054, 0.2231], dtype=float32)
    >>> F.binary_cross_entropy(gg.tensor([0.0]), gg.tensor([1.0]))  # log clamped at -100
    Tensor(100., dtype=float32)
    """
    check_reduction(reduction, "binary_cross_entropy")
    _same_shape(input, target, "binary_cross_entropy")
    loss = BinaryCrossEntropy.apply(input, _as_float_target(target, input,
                                                           "binary_cross_entropy"))
    if weight is not None:
        loss = loss * _raw(weight)
    return _reduce(loss, reduction)


class BinaryCrossEntropyWithLogits(Function):
    """loss = (1-t) softplus(x) + w_pos t softplus(-x).

    d/dx = (1-t) sigmoid(x) - w_pos t sigmoid(-x), d/dt = w_pos softplus(-x) - softplus(x).
    """

    op_name = "binary_cross_entropy_with_logits"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, t: np.ndarray,
                pos_weight: np.ndarray | None = None) -> np.ndarray:
        ctx.save_for_backward(x, t, pos_weight)
        softplus = np.logaddexp(0, x).astype(x.dtype, copy=False)  # -log(1 - sigmoid(x))
        if pos_weight is None:
            return softplus - t * x
        return (1 - t) * softplus + pos_weight * t * (softplus - x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        x, t, w = ctx.saved_tensors
        need_x, need_t = ctx.needs_input_grad
        grad_x = grad_t = None
        if need_x:
            sig = _sigmoid(x)
            grad_x = grad * (sig - t if w is None else (1 - t) * sig - w * t * (1 - sig))
        if need_t:
            grad_t = grad * (-x if w is None else w * _softplus(-x) - _softplus(x))
        return grad_x, grad_t


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor | np.ndarray,  # noqa: A002
                                     weight: Tensor | np.ndarray | None = None, *,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | np.ndarray | None = None) -> Tensor:
    """Sigmoid plus binary cross-entropy in one stable op (any finite logits).

    ``pos_weight`` (broadcast over the last axis) scales the positive term.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.nn import functional as F
    >>> x = gg.tensor([2.0, -1.0], requires_grad=True)
    >>> loss = F.binary_cross_entropy_with_logits(x, gg.tensor([1.0, 0.0]))
    >>> round(loss.item(), 4)
    0.2201
    >>> loss.backward(); x.grad.round(4)  # (sigmoid(x) - target) / 2
    Tensor([-0.0596,  0.1345], dtype=float32)
    >>> F.binary_cross_entropy_with_logits(gg.tensor([100.0]), gg.tensor([0.0]))  # no overflow
    Tensor(100., dtype=float32)
    """
    check_reduction(reduction, "binary_cross_entropy_with_logits")
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    dtype = np.result_type(_raw(input))
    pos = None if pos_weight is None else _raw(pos_weight).astype(dtype)
    target = _as_float_target(target, input, "binary_cross_entropy_with_logits")
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight=pos)
    if weight is not None:
        loss = loss * _raw(weight).astype(dtype)
    return _reduce(loss, reduction)
