"""Elementwise ops: arithmetic, transcendental functions, piecewise ops and casts.

Each op is a ``Function`` with its forward and its gradient rule side by side.
Binary ops broadcast like numpy; the engine sums each gradient back to its
input's shape (``rule_helpers.sum_to_shape``), so rules here never think about it.
Activations (relu, gelu, ...) are in ``activation.py``.
"""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING

from .. import backend
from ..backend import namespace
from ..function import Function
from ..value import is_value
from . import rule_helpers

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import TensorLike

__all__ = ["stable_sigmoid", "Add", "Sub", "Mul", "Div", "Neg", "Pow", "Exp", "Log", "Log1p",
    "Sqrt", "Sin", "Cos", "Tanh", "Sigmoid", "Abs", "Clip", "Maximum", "Minimum", "Where", "Link",
    "Cast", "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs", "clip",
    "maximum", "minimum", "where"]


# ``1 / (1 + e^-x)`` of an array, accurate in both tails (numpy's path works in place)
stable_sigmoid = backend.sigmoid


# ------------------------------------------------------------------ arithmetic
class Add(Function):
    """out = x + y.  d/dx = 1, d/dy = 1."""

    op_name = "add"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        return x + y

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Function):
    """out = x - y.  d/dx = 1, d/dy = -1."""

    op_name = "sub"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        return x - y

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Function):
    """out = x * y.  d/dx = y, d/dy = x."""

    op_name = "mul"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (grad * y if need_x else None), (grad * x if need_y else None)


class Div(Function):
    """out = x / y.  d/dx = 1/y, d/dy = -x/y^2."""

    op_name = "div"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = grad / y if need_x else None
        grad_y = -grad * x / (y * y) if need_y else None
        return grad_x, grad_y


class Neg(Function):
    """out = -x.  d/dx = -1."""

    op_name = "neg"

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """out = x ** y.  d/dx = y x^(y-1), d/dy = out log(x).

    PyTorch's values where these formulas break down: d/dx = 0 where y == 0
    (so ``x ** 0`` at 0 has gradient 0, not 0 * inf); d/dy = 0 at x == 0 for y >= 0, -inf at
    x == 0 for y < 0 (``out log x = inf * -inf``), and NaN for x < 0, where
    ``x ** y`` is not real for nearby y.
    """

    op_name = "pow"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        out = x ** y
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = grad_y = None
        if need_x:
            # NOTE: only at x == 0 does y x^(y-1) give 0 * inf where y == 0; elsewhere the
            # formula is 0 by itself and keeps its derivative in y (second order).
            off = (rule_helpers.data_of(y) == 0) & (rule_helpers.data_of(x) == 0)
            if backend.any_true(off):  # base 1 where masked, so 0 ** -1 never makes 0 * inf
                base = rule_helpers.where(off, 1.0, x)
                grad_x = rule_helpers.select(~off, grad * y * base ** (y - 1))
            else:
                grad_x = grad * y * x ** (y - 1)
        if need_y:
            if not hasattr(x, "shape"):  # a number base (2.0 ** t): log x in out's library
                data = rule_helpers.data_of(out)
                x = namespace(data).asarray(x, dtype=data.dtype, device=data.device)
            x_data = rule_helpers.data_of(x)
            off = (x_data == 0) & (rule_helpers.data_of(y) >= 0)
            with backend.errstate(x_data, invalid="ignore", divide="ignore"):  # log x <= 0: above
                if backend.any_true(off):
                    log_x = rule_helpers.log(rule_helpers.where(off, 1.0, x))
                    grad_y = rule_helpers.select(~off, grad * out * log_x)
                else:
                    grad_y = grad * out * rule_helpers.log(x)
        return grad_x, grad_y


# ------------------------------------------------------------------ transcendental
class Exp(Function):
    """out = e^x.  d/dx = out."""

    op_name = "exp"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """out = ln x.  d/dx = 1/x."""

    op_name = "log"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Log1p(Function):
    """out = ln(1 + x), accurate for tiny x.  d/dx = 1/(1 + x)."""

    op_name = "log1p"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Sqrt(Function):
    """out = sqrt(x).  d/dx = 1 / (2 out)."""

    op_name = "sqrt"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Sin(Function):
    """out = sin x.  d/dx = cos x."""

    op_name = "sin"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * rule_helpers.cos(x)


class Cos(Function):
    """out = cos x.  d/dx = -sin x."""

    op_name = "cos"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * rule_helpers.sin(x)


class Tanh(Function):
    """out = tanh x.  d/dx = 1 - out^2."""

    op_name = "tanh"

    @staticmethod
    def forward(ctx, x):
        out = namespace(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    """out = 1 / (1 + e^-x).  d/dx = out (1 - out)."""

    op_name = "sigmoid"

    @staticmethod
    def forward(ctx, x):
        out = stable_sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


# ------------------------------------------------------------------ piecewise
class Abs(Function):
    """out = |x|.  d/dx = sign(x) (0 at 0, as numpy's sign)."""

    op_name = "abs"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return namespace(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        data = rule_helpers.data_of(x)
        return rule_helpers.link(grad * namespace(data).sign(data), x)


class Clip(Function):
    """out = min(max(x, lo), hi).  d/dx = 1 inside [lo, hi], else 0."""

    op_name = "clip"

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        ctx.save_for_backward(x, lo, hi)
        return namespace(x).clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        data = rule_helpers.data_of(x)
        inside = (data >= lo) if lo is not None else None
        if hi is not None:
            inside = (data <= hi) if inside is None else inside & (data <= hi)
        return rule_helpers.select(inside, grad)


class Maximum(Function):
    """out = max(x, y).  The gradient goes to the larger; ties split it evenly."""

    op_name = "maximum"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        ctx.save_for_backward(x, y)
        return rule_helpers.namespace_of(x, y).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _split_between(grad, rule_helpers.data_of(x), rule_helpers.data_of(y), operator.gt,
                              ctx.needs_input_grad)


class Minimum(Function):
    """out = min(x, y).  The gradient goes to the smaller; ties split it evenly."""

    op_name = "minimum"

    @staticmethod
    def forward(ctx, x, y):
        x, y = rule_helpers.float_wins(x, y)
        ctx.save_for_backward(x, y)
        return rule_helpers.namespace_of(x, y).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _split_between(grad, rule_helpers.data_of(x), rule_helpers.data_of(y), operator.lt,
                              ctx.needs_input_grad)


def _split_between(grad, x, y, wins, needs):
    """Gradients of max/min: winner takes it all, a tie gives each half.

    The loser's share is selected away (not multiplied by 0), so an infinite
    gradient stays 0 there; only ties are scaled, by 1/2.
    """
    tie = x == y
    x_wins = wins(x, y)
    halve = backend.any_true(tie)
    grads = []
    for need, gets in ((needs[0], x_wins | tie), (needs[1], ~x_wins)):
        picked = rule_helpers.select(gets, grad) if need else None
        if halve and picked is not None:
            picked = rule_helpers.where(tie, picked * 0.5, picked)
        grads.append(picked)
    return tuple(grads)


class Where(Function):
    """out = x where condition else y.  The gradient follows the chosen branch."""

    op_name = "where"

    @staticmethod
    def forward(ctx, condition, x, y):
        x, y = rule_helpers.float_wins(x, y)
        # the namespace of the first array: the condition may be a Python bool
        array = next((v for v in (condition, x, y) if hasattr(v, "shape")), condition)
        xp = namespace(array)
        device = getattr(array, "device", None)
        condition = xp.asarray(condition, dtype=xp.bool, device=device)
        if not hasattr(x, "shape") and not hasattr(y, "shape"):  # two numbers: one array
            x = xp.asarray(x, device=device)
        ctx.save_for_backward(condition)
        return xp.where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        _, need_x, need_y = ctx.needs_input_grad
        condition = rule_helpers.data_of(ctx.saved_tensors[0])  # a constant, also when recorded
        grad_x = rule_helpers.select(condition, grad) if need_x else None
        grad_y = rule_helpers.select(~condition, grad) if need_y else None
        return None, grad_x, grad_y


class Link(Function):
    """out = x, recorded as depending on ``source`` too.  d/dx = 1, d/dsource = 0.

    Made by ``rule_helpers.link`` under ``create_graph`` only (see there).
    """

    op_name = "link"

    @staticmethod
    def forward(ctx, x, source):
        ctx.source_like = (namespace(source), source.shape, source.dtype, source.device)
        return x

    @staticmethod
    def backward(ctx, grad):
        zeros = None
        if ctx.needs_input_grad[1]:
            xp, shape, dtype, device = ctx.source_like
            zeros = xp.zeros(shape, dtype=dtype, device=device)
            if not rule_helpers.is_raw(grad):
                zeros = type(grad)._from_op(zeros, None)
        return grad, zeros


class Cast(Function):
    """out = x as another float dtype.  The gradient is cast back."""

    op_name = "astype"

    @staticmethod
    def forward(ctx, x, dtype=None):
        ctx.source_dtype = x.dtype
        return rule_helpers.astype(x, dtype)

    @staticmethod
    def backward(ctx, grad):
        return rule_helpers.astype(grad, ctx.source_dtype)


# ------------------------------------------------------------------ public functions
def exp(x: TensorLike) -> Tensor:
    """Elementwise ``e**x``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([0.0, 1.0], requires_grad=True)
    >>> gg.exp(x).sum().backward()
    >>> x.grad.round(4)
    Tensor([1.    , 2.7183], dtype=float32)
    """
    return Exp.apply(x)


def log(x: TensorLike) -> Tensor:
    """Elementwise natural logarithm.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0], requires_grad=True)
    >>> gg.log(x).sum().backward()
    >>> x.grad
    Tensor([1. , 0.5], dtype=float32)
    """
    return Log.apply(x)


def log1p(x: TensorLike) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate for tiny ``x``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1e-8, 1.0], dtype=gg.float64)
    >>> gg.log1p(x)
    Tensor([9.99999995e-09, 6.93147181e-01], dtype=float64)
    >>> gg.log(1 + x)
    Tensor([9.99999989e-09, 6.93147181e-01], dtype=float64)
    """
    return Log1p.apply(x)


def sqrt(x: TensorLike) -> Tensor:
    """Elementwise square root.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 4.0], requires_grad=True)
    >>> gg.sqrt(x).sum().backward()
    >>> x.grad
    Tensor([0.5 , 0.25], dtype=float32)
    """
    return Sqrt.apply(x)


def sin(x: TensorLike) -> Tensor:
    """Elementwise sine.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([0.0, 3.14159265 / 6], requires_grad=True)
    >>> gg.sin(x).round(4)
    Tensor([0. , 0.5], dtype=float32, grad_fn=<Round>)
    >>> gg.sin(x).sum().backward()
    >>> x.grad.round(4)
    Tensor([1.   , 0.866], dtype=float32)
    """
    return Sin.apply(x)


def cos(x: TensorLike) -> Tensor:
    """Elementwise cosine.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([3.14159265 / 6, 3.14159265 / 3], requires_grad=True)
    >>> gg.cos(x).round(4)
    Tensor([0.866, 0.5  ], dtype=float32, grad_fn=<Round>)
    >>> gg.cos(x).sum().backward()
    >>> x.grad.round(4)
    Tensor([-0.5  , -0.866], dtype=float32)
    """
    return Cos.apply(x)


def tanh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic tangent.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-2.0, 0.0, 2.0], requires_grad=True)
    >>> gg.tanh(x).round(4)
    Tensor([-0.964,  0.   ,  0.964], dtype=float32, grad_fn=<Round>)
    >>> gg.tanh(x).sum().backward()
    >>> x.grad.round(4)
    Tensor([0.0707, 1.    , 0.0707], dtype=float32)
    """
    return Tanh.apply(x)


def sigmoid(x: TensorLike) -> Tensor:
    """Elementwise logistic function ``1 / (1 + e**-x)``, stable for large ``|x|``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    >>> gg.sigmoid(x)
    Tensor([0. , 0.5, 1. ], dtype=float32, grad_fn=<Sigmoid>)
    >>> gg.sigmoid(x).sum().backward()
    >>> x.grad
    Tensor([0.  , 0.25, 0.  ], dtype=float32)
    """
    return Sigmoid.apply(x)


def abs(x: Tensor) -> Tensor:  # noqa: A001 - numpy's name
    """Elementwise absolute value; the gradient at 0 is 0.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> gg.abs(x)
    Tensor([2., 0., 3.], dtype=float32, grad_fn=<Abs>)
    >>> gg.abs(x).sum().backward()
    >>> x.grad
    Tensor([-1.,  0.,  1.], dtype=float32)
    """
    return Abs.apply(x)


def clip(x: Tensor, min: TensorLike | None = None,  # noqa: A002 - numpy's and PyTorch's names
         max: TensorLike | None = None) -> Tensor:
    """Limit values to ``[min, max]``; the gradient is 0 where a bound is active.

    The bounds are numbers, arrays or Tensors (broadcast against ``x``). A Tensor bound is
    an input like ``x``, as in PyTorch's ``clamp``: it receives the gradient where it is
    the active bound. Where ``min > max`` the result is ``max`` (numpy's and PyTorch's rule).

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> gg.clip(x, -1, 1)
    Tensor([-1. ,  0.5,  1. ], dtype=float32, grad_fn=<Clip>)
    >>> gg.clip(x, -1, 1).sum().backward()
    >>> x.grad
    Tensor([0., 1., 0.], dtype=float32)
    >>> gg.clip(x, max=0)
    Tensor([-2.,  0.,  0.], dtype=float32, grad_fn=<Clip>)
    >>> lo = gg.tensor([0.0, 1.0, 0.0], requires_grad=True)
    >>> gg.clip(x, lo, 2.0).sum().backward()
    >>> lo.grad
    Tensor([1., 1., 0.], dtype=float32)
    """
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    if is_value(min) or is_value(max):
        # NOTE: a Tensor bound is an input (PyTorch's clamp), so it must get its gradient:
        # two recorded picks, each routing the gradient to x or to the active bound.
        out = x if min is None else Where.apply(x < min, min, x)
        return out if max is None else Where.apply(out > max, max, out)
    return Clip.apply(x, lo=min, hi=max)


def maximum(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise larger of ``x`` and ``y``; a tie splits the gradient evenly.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = gg.tensor([2.0, 2.0, 2.0], requires_grad=True)
    >>> gg.maximum(x, y).sum().backward()
    >>> x.grad
    Tensor([0. , 0.5, 1. ], dtype=float32)
    >>> y.grad
    Tensor([1. , 0.5, 0. ], dtype=float32)
    """
    return Maximum.apply(x, y)


def minimum(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise smaller of ``x`` and ``y``; a tie splits the gradient evenly.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> gg.minimum(x, 2.0)
    Tensor([1., 2., 2.], dtype=float32, grad_fn=<Minimum>)
    >>> gg.minimum(x, 2.0).sum().backward()
    >>> x.grad
    Tensor([1. , 0.5, 0. ], dtype=float32)
    """
    return Minimum.apply(x, y)


def where(condition: TensorLike, x: TensorLike, y: TensorLike) -> Tensor:
    """Pick ``x`` where ``condition`` holds, else ``y``; gradients follow the pick.

    Examples
    --------
    >>> import graphgrad as gg
    >>> x = gg.tensor([-1.0, 2.0, -3.0], requires_grad=True)
    >>> y = gg.where(x > 0, x, x * 0.1)
    >>> y
    Tensor([-0.1,  2. , -0.3], dtype=float32, grad_fn=<Where>)
    >>> y.sum().backward()
    >>> x.grad
    Tensor([0.1, 1. , 0.1], dtype=float32)
    """
    return Where.apply(condition, x, y)
