"""Gradient rules of ``Scalar``: lean Functions over Python floats.

Each op is a ``Function`` like the Tensor ops, recorded and differentiated by
the same engine, but ``forward`` works on Python floats with ``math`` and
saves plain floats, so nothing here touches numpy.

Conventions that keep the hot path short (see ``ScalarFunction``):

* ``forward(ctx, ...)`` stores the floats a rule needs in ``ctx._a`` and
  ``ctx._b``, captured at forward time, so reassigning an input's ``.data``
  later does not change its gradient: a binary op's inputs ``x`` and ``y`` in
  order, a unary op's input and output. ``ctx`` is a graph node under
  ``Function.apply``, and the output ``Scalar`` itself on the operators' fast
  path (a Scalar made by an op has the same ``_a``/``_b`` slots and is its own
  node: no separate node object, no tuple of inputs, see ``autograd.scalar``);
* ``rule(grad, a, b)`` is the first-order rule on those floats: it returns
  the gradients of both inputs (``None`` for a unary op's second), computed
  for every input (they cannot raise, and the engine drops those not needed).
  The lean backward loop (``autograd.scalar_backward``) calls it directly;
  ``backward(ctx, grad)`` calls it on the first-order path (``grad`` a float)
  and reads ``ctx.saved_tensors`` under ``create_graph=True`` (``grad`` a
  Scalar), where the inputs come back by position (the node's ``parents``:
  Scalars, or the constants themselves), so the same operator expression
  records the backward pass and differentiates again;
* ops whose fast rule uses their output (exp, tanh, sigmoid) recompute it
  from the recorded input under ``create_graph`` (the node never refers to
  its output: no reference cycles).
"""
import math

from .. import grad_mode
from ..errors import InplaceModificationError
from ..function import Function
from ..value import is_value

__all__ = ["ScalarFunction", "ScalarUnary", "ScalarAdd", "ScalarSub", "ScalarMul", "ScalarDiv",
    "ScalarPow", "ScalarNeg", "ScalarExp", "ScalarLog", "ScalarTanh", "ScalarSigmoid", "ScalarReLU"]


class ScalarFunction(Function):
    """Base of the Scalar ops: saved values are floats, so there is nothing to free.

    Scalars have no in-place ops and rules use the floats saved at forward
    time, so the version check has nothing to check; and freeing a few saved
    floats saves nothing, so a Scalar graph may be backpropagated again (as
    micrograd's), ``retain_graph`` or not.
    """

    __slots__ = ("_a", "_b")  # the saved floats (see the module docstring)
    tracks_versions = False
    arity = 2  # the number of inputs of forward

    @staticmethod
    def rule(grad, a, b):
        """First-order gradients ``(grad_x, grad_y)`` from the saved floats ``a``, ``b``."""
        raise NotImplementedError("a Scalar op defines rule(grad, a, b)")

    @property
    def saved_tensors(self):
        """The inputs, by position: Scalars (connected to the graph) or constants.

        Positions, not values, say which is which: in ``2.0 / a`` with
        ``a.data`` the very float ``2.0``, the first input is still the constant.
        """
        # NOTE: inputs are saved first, in order (a subclass may still use _saved)
        saved = self._saved or (getattr(self, "_a", None), getattr(self, "_b", None))
        for parent, value in zip(self.parents, saved):
            if (value is not None and is_value(parent) and parent.data != value
                    and parent.data == parent.data):
                raise InplaceModificationError(
                    f"{self.name()}: an input Scalar's .data was reassigned ({value!r} -> "
                    f"{parent.data!r}) after {self.name()} used it, so a gradient recorded "
                    "through it (create_graph=True) would be wrong; recompute the forward pass")
        return self.parents

    def release_saved(self):
        """Keep the saved floats: the graph stays reusable, as micrograd's."""


# ---------------------------------------------------------------- arithmetic
class ScalarAdd(ScalarFunction):
    """out = x + y.  d/dx = 1, d/dy = 1."""

    __slots__ = ()
    op_name = "add"

    @staticmethod
    def forward(ctx, x, y):
        ctx._a = x
        ctx._b = y
        return x + y

    @staticmethod
    def rule(grad, a, b):
        return grad, grad

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class ScalarSub(ScalarFunction):
    """out = x - y.  d/dx = 1, d/dy = -1."""

    __slots__ = ()
    op_name = "sub"

    @staticmethod
    def forward(ctx, x, y):
        ctx._a = x
        ctx._b = y
        return x - y

    @staticmethod
    def rule(grad, a, b):
        return grad, -grad

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


class ScalarMul(ScalarFunction):
    """out = x * y.  d/dx = y, d/dy = x."""

    __slots__ = ()
    op_name = "mul"

    @staticmethod
    def forward(ctx, x, y):
        ctx._a = x
        ctx._b = y
        return x * y

    @staticmethod
    def rule(grad, a, b):
        return grad * b, grad * a

    @staticmethod
    def backward(ctx, grad):
        if grad_mode.modes.grad:
            x, y = ctx.saved_tensors
            return grad * y, grad * x
        return ScalarMul.rule(grad, ctx._a, ctx._b)


class ScalarDiv(ScalarFunction):
    """out = x / y.  d/dx = 1 / y, d/dy = -x / y**2."""

    __slots__ = ()
    op_name = "div"

    @staticmethod
    def forward(ctx, x, y):
        ctx._a = x
        ctx._b = y
        if y == 0:
            raise ZeroDivisionError(f"div: Scalar division of {x!r} by zero")
        return x / y

    @staticmethod
    def rule(grad, a, b):
        grad_x = grad / b
        return grad_x, -grad_x * a / b

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.modes.grad:
            return ScalarDiv.rule(grad, ctx._a, ctx._b)
        x, y = ctx.saved_tensors
        grad_x = grad / y
        return grad_x, (-grad_x * x / y if ctx.needs_input_grad[1] else None)


def _power(x, y):
    """``x ** y`` of Python numbers, overflowing to +-inf as ``x * y`` and numpy do.

    Python's float power raises ``OverflowError`` (``1e200 ** 2``) where float
    multiplication gives inf; a Scalar follows multiplication and numpy.
    """
    try:
        return x ** y
    except OverflowError:
        magnitude = math.inf
        odd_integer = float(y).is_integer() and int(y) % 2 == 1
        return -magnitude if x < 0 and odd_integer else magnitude


class ScalarPow(ScalarFunction):
    """out = x ** y.  d/dx = y * x**(y - 1), d/dy = out * log(x).

    PyTorch's values where the formulas break down (the Tensor rule's too):
    d/dx = 0 where y == 0; d/dy = 0 at x == 0 (y >= 0 there: 0 ** y < 0 raises)
    and NaN for x < 0.
    """

    __slots__ = ()
    op_name = "pow"

    @staticmethod
    def forward(ctx, x, y):
        ctx._a = x
        ctx._b = y
        try:
            out = _power(x, y)
        except ZeroDivisionError:
            raise ZeroDivisionError(f"pow: {x!r} ** {y!r}: zero to a negative power") from None
        if type(out) is complex:
            raise ValueError(f"pow: {x!r} ** {y!r} is not a real number (a negative base to "
                             "a fractional power); take abs() of the base first")
        return out

    @staticmethod
    def rule(grad, a, b):
        # NOTE: both gradients, needed or not: a constant base (2.0 ** x) may make grad_x
        # complex, which the engine then drops; none of these raises.
        if b == 0:  # x ** 0 is constant, even at x == 0 where 0 * 0 ** -1 is NaN
            grad_x = 0.0
        elif b - 1 < 0 and a == 0:  # NOTE: float ** negative raises; slope infinite
            grad_x = grad * (b * math.inf)
        else:
            grad_x = grad * b * _power(a, b - 1)
        if a > 0:
            grad_y = grad * _power(a, b) * math.log(a)
        elif a == 0:  # PyTorch's choice at x == 0
            grad_y = 0.0
        else:  # x ** y is not real for y near an integer y at x < 0: NaN, as PyTorch
            grad_y = grad * math.nan
        return grad_x, grad_y

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.modes.grad:
            return ScalarPow.rule(grad, ctx._a, ctx._b)
        x, y = ctx.saved_tensors  # the same cases as rule, on values
        need_x, need_y = ctx.needs_input_grad
        grad_x = None
        if need_x:
            if float(y) == 0:  # x ** 0 is constant, even at x == 0 where 0 * 0 ** -1 is NaN
                grad_x = 0.0
            elif y - 1 < 0 and float(x) == 0:  # NOTE: float ** negative raises; slope infinite
                grad_x = grad * (y * math.inf)
            else:
                grad_x = grad * y * (x ** (y - 1) if is_value(x) else _power(x, y - 1))
        grad_y = None
        if need_y:
            base = float(x)
            if base > 0:
                grad_y = grad * (x ** y if is_value(x) else _power(x, y)) * (
                    x.log() if is_value(x) else math.log(x))
            elif base == 0:  # PyTorch's choice at x == 0
                grad_y = 0.0
            else:  # x ** y is not real for y near an integer y at x < 0: NaN, as PyTorch
                grad_y = grad * math.nan
        return grad_x, grad_y


# ---------------------------------------------------------------- unary: _a = x, _b = out
class ScalarUnary(ScalarFunction):
    """Base of the one-input Scalar ops (``rule`` returns ``(grad_x, None)``)."""

    __slots__ = ()
    arity = 1


class ScalarNeg(ScalarUnary):
    """out = -x.  d/dx = -1."""

    __slots__ = ()
    op_name = "neg"

    @staticmethod
    def forward(ctx, x):
        ctx._a = x
        ctx._b = out = -x
        return out

    @staticmethod
    def rule(grad, a, b):
        return -grad, None

    @staticmethod
    def backward(ctx, grad):
        return -grad


class ScalarExp(ScalarUnary):
    """out = e**x.  d/dx = out."""

    __slots__ = ()
    op_name = "exp"

    @staticmethod
    def forward(ctx, x):
        try:
            out = math.exp(x)
        except OverflowError:
            out = math.inf
        ctx._a = x
        ctx._b = out
        return out

    @staticmethod
    def rule(grad, a, b):
        return grad * b, None

    @staticmethod
    def backward(ctx, grad):
        if grad_mode.modes.grad:
            return grad * ctx.saved_tensors[0].exp()
        return grad * ctx._b


class ScalarLog(ScalarUnary):
    """out = log(x).  d/dx = 1 / x."""

    __slots__ = ()
    op_name = "log"

    @staticmethod
    def forward(ctx, x):
        if x <= 0:
            raise ValueError(f"log: Scalar({x!r}) is outside log's domain (x > 0); clip it "
                             "first or add a small epsilon")
        ctx._a = x
        ctx._b = out = math.log(x)
        return out

    @staticmethod
    def rule(grad, a, b):
        return grad / a, None

    @staticmethod
    def backward(ctx, grad):
        x = ctx.saved_tensors[0] if grad_mode.modes.grad else ctx._a
        return grad / x


class ScalarTanh(ScalarUnary):
    """out = tanh(x).  d/dx = 1 - out**2."""

    __slots__ = ()
    op_name = "tanh"

    @staticmethod
    def forward(ctx, x):
        out = math.tanh(x)
        ctx._a = x
        ctx._b = out
        return out

    @staticmethod
    def rule(grad, a, b):
        return grad * (1.0 - b * b), None

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved_tensors[0].tanh() if grad_mode.modes.grad else ctx._b
        return grad * (1.0 - out * out)


class ScalarSigmoid(ScalarUnary):
    """out = 1 / (1 + e**-x).  d/dx = out * (1 - out)."""

    __slots__ = ()
    op_name = "sigmoid"

    @staticmethod
    def forward(ctx, x):
        # NOTE: two branches so exp never overflows (exp of a non-positive number).
        if x >= 0:
            out = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            out = e / (1.0 + e)
        ctx._a = x
        ctx._b = out
        return out

    @staticmethod
    def rule(grad, a, b):
        return grad * (b * (1.0 - b)), None

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved_tensors[0].sigmoid() if grad_mode.modes.grad else ctx._b
        return grad * (out * (1.0 - out))


class ScalarReLU(ScalarUnary):
    """out = max(x, 0).  d/dx = 1 where x > 0, else 0."""

    __slots__ = ()
    op_name = "relu"

    @staticmethod
    def forward(ctx, x):
        out = x if x > 0 else 0.0
        ctx._a = x
        ctx._b = out
        return out

    @staticmethod
    def rule(grad, a, b):
        # NOTE: a select, not grad * 0.0: an infinite gradient gives 0 where relu is off,
        # as PyTorch's.
        return (grad if b > 0 else 0.0), None

    @staticmethod
    def backward(ctx, grad):
        # NOTE: the mask is a constant (from the saved float) in both modes.
        return grad if ctx._b > 0 else 0.0


# the ops the Scalar operators record inline (see autograd.scalar)
BUILTIN_OPS = frozenset({ScalarAdd, ScalarSub, ScalarMul, ScalarDiv, ScalarPow, ScalarNeg,
                         ScalarExp, ScalarLog, ScalarTanh, ScalarSigmoid, ScalarReLU})
