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

from ..autograd import Function, ShapeError, Tensor, backend, devices, where
from ._reduction import apply as _reduce
from ._validate import shape_of

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str, op: str) -> None:
    """Raise ``ValueError`` naming ``reduction`` unless it is one of ``REDUCTIONS``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction={reduction!r} is not a valid value; use 'mean', "
                         "'sum' or 'none'")


def _raw(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else backend.as_array(x)


def _numeric_target(target: Any, op: str) -> np.ndarray:
    """The target as an array of numbers; ``TypeError`` naming ``op`` for strings, objects."""
    target = _raw(target)
    if backend.dtype_kind(target.dtype) not in "biuf":
        raise TypeError(f"{op}: target must hold numbers (class indices or probabilities), "
                        f"got dtype {target.dtype}; convert it with .astype(...)")
    return target


# Rules below receive arrays (first-order backward) or Tensors (create_graph=True);
# these helpers work on both (typed Any), so one rule serves both modes.
def _is_raw(x: Any) -> bool:
    return not isinstance(x, Tensor)


def _log(x: Any) -> Any:
    return backend.namespace(x).log(x) if _is_raw(x) else x.log()


def _sigmoid(x: Any) -> Any:
    if not _is_raw(x):
        return x.sigmoid()
    xp = backend.namespace(x)
    z = xp.exp(-xp.abs(x))  # NOTE: e^-|x| never overflows
    return xp.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _softplus(x: Any) -> Any:
    return backend.namespace(x).logaddexp(0.0, x) if _is_raw(x) else x.softplus()


def _reshape(x: Any, shape: tuple[int, ...]) -> Any:
    return backend.namespace(x).reshape(x, shape) if _is_raw(x) else x.reshape(shape)


def _sum_rows(x: Any) -> Any:
    """The sum over axis 1 of an array or a Tensor."""
    return backend.namespace(x).sum(x, axis=1) if _is_raw(x) else x.sum(axis=1)


def _clip_below(x: Any, low: float) -> Any:
    return backend.namespace(x).clip(x, min=low) if _is_raw(x) else x.clip(min=low)


def _as_dtype(x: Any, dtype: Any) -> Any:
    """The array ``x`` cast to ``dtype`` (any library's; no copy if it already has it)."""
    xp = backend.namespace(x)
    return xp.astype(x, backend.dtype_in(xp, backend.numpy_dtype(dtype)), copy=False)


def _same_shape(input: Any, target: Any, op: str) -> None:  # noqa: A002
    if shape_of(input) != shape_of(target):
        raise ShapeError(f"{op}: input of shape {shape_of(input)} and target of shape "
                         f"{shape_of(target)} differ; broadcasting them would silently "
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
    if ndim == 2:
        return x
    if ndim < 2:
        return _reshape(x, (-1, x.shape[-1]))
    axes = (0, *range(2, ndim), 1)
    moved = backend.namespace(x).permute_dims(x, axes) if _is_raw(x) else x.transpose(*axes)
    return _reshape(moved, (-1, moved.shape[-1]))


def _classes_back(rows: Any, shape: tuple[int, ...]) -> Any:
    """Inverse of ``_classes_last``: rows back to the input's layout."""
    if len(shape) == 2:
        return rows
    if len(shape) < 2:
        return _reshape(rows, shape)
    moved = _reshape(rows, (shape[0],) + tuple(shape[2:]) + (shape[1],))
    n = len(shape)
    axes = (0, n - 1, *range(1, n - 1))
    return backend.namespace(moved).permute_dims(moved, axes) if _is_raw(moved) \
        else moved.transpose(*axes)


def _class_targets(target: np.ndarray, shape: tuple[int, ...], ignore_index: int,
                   op: str) -> tuple[np.ndarray, np.ndarray]:
    """Flat integer targets, their validity mask, and a safe index (0 where ignored)."""
    expected = (shape[0],) + tuple(shape[2:]) if len(shape) > 1 else ()
    if target.shape != expected:
        raise ShapeError(f"{op}: input of shape {shape} needs class-index targets of shape "
                         f"{expected}, got {target.shape}")
    xp = backend.namespace(target)
    flat = xp.reshape(target, (-1,))
    valid = flat != ignore_index
    classes = shape[1] if len(shape) > 1 else shape[0]
    bad = valid & ((flat < 0) | (flat >= classes))
    if bool(xp.any(bad)):
        raise IndexError(f"{op}: target {int(flat[bad][0])} is out of bounds for {classes} "
                         f"classes (targets are class indices 0..{classes - 1}, or "
                         f"ignore_index={ignore_index})")
    return valid, xp.where(valid, flat, 0)


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
        xp = backend.namespace(logits)
        z = _classes_last(logits, logits.ndim)
        rows, classes = z.shape
        index = xp.arange(rows, device=z.device)
        shifted = z - xp.max(z, axis=1, keepdims=True)
        e = xp.exp(shifted)
        total = xp.sum(e, axis=1, keepdims=True)
        log_total = xp.log(total)[:, 0]
        e /= total
        ctx.shape, ctx.reduction, ctx.smoothing = shape, reduction, label_smoothing
        w = None if weight is None else xp.astype(weight, z.dtype, copy=False)
        # d/dq = -log softmax: keep it only when asked
        log_probs = shifted - log_total[:, None] if ctx.needs_input_grad[1] else None
        q: Any = None  # dense target rows, when needed (smoothing or probabilities)
        t: np.ndarray | None  # class indices, for sparse targets
        sparse = backend.dtype_kind(target.dtype) in "iu"
        if sparse:
            valid, t = _class_targets(target, shape, ignore_index, "cross_entropy")
            a = xp.astype(valid, z.dtype) if w is None else w[t] * xp.astype(valid, z.dtype)
            denominator = xp.sum(a)
            if label_smoothing:
                uniform = (label_smoothing / classes) * (1.0 if w is None else w)
                spread = xp.zeros_like(z) + uniform * xp.astype(valid, z.dtype)[:, None]
                q = backend.add_at_columns(spread, t, (1.0 - label_smoothing) * a)
        else:
            if target.shape != shape:
                raise ShapeError(f"cross_entropy: class-probability targets must have the "
                                 f"input's shape {shape}, got {target.shape}")
            q = _dense_target(_classes_last(xp.astype(target, z.dtype, copy=False), target.ndim),
                              label_smoothing, classes, w)
            denominator = rows
        if sparse and not label_smoothing:
            s = a
            loss = a * (log_total - shifted[index, t])
        else:
            s, t = xp.sum(q, axis=1), None
            loss = s * log_total - xp.sum(q * shifted, axis=1)
        # NOTE: the rule's own arrays (probabilities, class indices, row weights, log-softmax)
        # are new and nothing else holds them: saved in one list, which save_for_backward's
        # lock passes over (it locks arrays and index tuples), they cost no read-only lock
        # and unlock per step, and are still freed after backward. What may be the caller's
        # own array (the logits, a dense target or q made of it, the class weights) is
        # saved as itself and locked; a sparse target is not needed (t is its copy).
        ctx.save_for_backward(logits, None if sparse else target, q, w, [e, t, s, log_probs])
        if reduction == "none":
            return xp.reshape(loss, shape[:1] + shape[2:] if len(shape) > 1 else ())
        total_loss = xp.sum(loss)
        if reduction == "mean":
            # NOTE: no weight to average over (every target ignore_index, or weighted 0):
            # the loss is the mean of nothing, NaN as PyTorch's; its gradient is 0, so a step
            # leaves the weights as they are (see _mean_over_weights).
            ctx.scale = 1.0 / denominator if denominator else 0.0
            total_loss = total_loss * ctx.scale if denominator else math.nan
        else:
            ctx.scale = 1.0
        return xp.asarray(total_loss, dtype=z.dtype, device=z.device)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        coef = _reshape(grad, (-1, 1)) if ctx.reduction == "none" else grad * ctx.scale
        need_z, need_q = ctx.needs_input_grad
        logits, target, q, w, (probs, t, s, log_probs) = ctx.saved_tensors
        if _is_raw(grad) and q is None:
            rows = coef * s[:, None]
            grad_z = backend.add_at_columns(probs * rows, t, -rows[:, 0])
            return _classes_back(grad_z, ctx.shape), None
        if q is None:  # create_graph with sparse targets: build the dense q once
            q = backend.add_at_columns(backend.namespace(probs).zeros_like(probs), t, s)
        elif not _is_raw(target):  # a target in the graph: rebuild q from it
            q = _dense_target(_classes_last(target, len(ctx.shape)), ctx.smoothing,
                              ctx.shape[1] if len(ctx.shape) > 1 else ctx.shape[0], w)
            s = q.sum(axis=1)
        grad_z = grad_q = None
        if need_z:
            if not _is_raw(grad):
                probs = _classes_last(logits, len(ctx.shape)).softmax(axis=-1)
            grad_z = _classes_back((probs * _reshape(s, (-1, 1)) - q) * coef, ctx.shape)
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
    if not shape_of(input):
        raise ShapeError("cross_entropy: input must have a class axis, got a 0-d tensor")
    if not (isinstance(target, Tensor) and target.dtype.kind == "f"):
        target = _numeric_target(target, "cross_entropy")
    if weight is not None:
        weight = _raw(weight)
        devices.check_same_device("cross_entropy", _raw(input), weight)
    return CrossEntropy.apply(input, target, weight=weight,
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
    shape = shape_of(input)
    if len(shape) == 0:
        raise ShapeError("nll_loss: input must have a class axis, got a 0-d tensor")
    devices.check_same_device("nll_loss", _raw(input), target)
    valid, t = _class_targets(target, shape, ignore_index, "nll_loss")
    xp = backend.namespace(t)
    a = _as_dtype(valid, _raw(input).dtype)
    if weight is not None:
        devices.check_same_device("nll_loss", _raw(input), _raw(weight))
        a = a * _as_dtype(_raw(weight), a.dtype)[t]
    picked = _classes_last(input, len(shape))[xp.arange(t.shape[0], device=t.device), t]
    loss = -(picked * a)
    if reduction == "none":
        return loss.reshape(target.shape)
    if reduction == "sum":
        return loss.sum()
    return _mean_over_weights(loss.sum(), float(xp.sum(a)))


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
        xp = backend.namespace(p)
        if math.prod(p.shape) and (bool(xp.min(p) < 0) or bool(xp.max(p) > 1)):
            raise ValueError("binary_cross_entropy: all elements of input should be between 0 "
                             "and 1 (probabilities); for logits use "
                             "binary_cross_entropy_with_logits")
        ctx.save_for_backward(p, t)
        with backend.errstate(p, divide="ignore"):
            log_p = xp.clip(xp.log(p), min=-100.0)
            log_q = xp.clip(xp.log1p(-p), min=-100.0)
        return -(t * log_p + (1 - t) * log_q)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        p, t = ctx.saved_tensors
        need_p, need_t = ctx.needs_input_grad
        grad_p = grad_t = None
        if need_p:
            grad_p = grad * (p - t) / _clip_below(p * (1 - p), 1e-12)
        if need_t:
            with backend.errstate(_raw(p), divide="ignore"):
                log_p = _clip_below(_log(p), -100.0)
                log_q = _clip_below(_log(1 - p), -100.0)
            grad_t = grad * (log_q - log_p)
        return grad_p, grad_t


def _as_float_target(target: Any, input: Any, op: str) -> Any:  # noqa: A002
    """A target that is not a Tensor is a constant: give it the input's float dtype."""
    if isinstance(target, Tensor):
        return target
    return _as_dtype(_numeric_target(target, op), _raw(input).dtype)


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
        softplus = _as_dtype(_softplus(x), x.dtype)  # -log(1 - sigmoid(x))
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
    dtype = _raw(input).dtype
    pos = None if pos_weight is None else _as_dtype(_raw(pos_weight), dtype)
    if pos is not None:
        devices.check_same_device("binary_cross_entropy_with_logits", _raw(input), pos)
    target = _as_float_target(target, input, "binary_cross_entropy_with_logits")
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight=pos)
    if weight is not None:
        loss = loss * _as_dtype(_raw(weight), dtype)
    return _reduce(loss, reduction)
