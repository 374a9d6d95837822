"""Matrix products: ``matmul`` with numpy's rules for 1-D and batched operands."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import backend
from ..errors import shape_error
from ..function import Function
from . import rule_helpers
from .rule_helpers import reshape

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import TensorLike

__all__ = ["MatMul", "matmul"]


def _swap_last(x):
    return backend.matrix_transpose(x) if rule_helpers.is_raw(x) else x.swapaxes(-1, -2)


class MatMul(Function):
    """out = a @ b.  d/da = grad @ b^T, d/db = a^T @ grad (batch axes summed back).

    1-D operands follow numpy: a vector on the left is a row, on the right a
    column, and the added axis is removed from the result.
    """

    op_name = "matmul"

    @staticmethod
    def forward(ctx, a, b):
        a_shape, b_shape = getattr(a, "shape", ()), getattr(b, "shape", ())
        if len(a_shape) == 0 or len(b_shape) == 0:
            raise shape_error("matmul", a_shape, b_shape, reason="include a 0-d operand",
                              hint="use * to multiply by a scalar")
        inner_a = a_shape[-1]
        inner_b = b_shape[-2] if len(b_shape) > 1 else b_shape[0]
        if inner_a != inner_b:
            raise shape_error("matmul", a_shape, b_shape,
                              reason=f"are not aligned: {inner_a} != {inner_b}",
                              hint="the last axis of the first must equal the second-to-last "
                                   "axis of the second")
        a, b = rule_helpers.float_wins(a, b)
        ctx.save_for_backward(a, b)
        try:
            return a @ b
        except ValueError:
            raise shape_error("matmul", a_shape, b_shape,
                              reason="have batch axes that cannot be broadcast") from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a_vec, b_vec = a.ndim == 1, b.ndim == 1
        a2 = reshape(a, (1, -1)) if a_vec else a
        b2 = reshape(b, (-1, 1)) if b_vec else b
        if a_vec and b_vec:
            grad = reshape(grad, (1, 1))
        elif a_vec:
            grad = reshape(grad, grad.shape[:-1] + (1, grad.shape[-1]))
        elif b_vec:
            grad = reshape(grad, grad.shape + (1,))
        grad_a = grad_b = None
        if need_a:
            grad_a = grad @ _swap_last(b2)
            grad_a = reshape(grad_a, grad_a.shape[:-2] + (-1,)) if a_vec else grad_a
        if need_b:
            grad_b = _swap_last(a2) @ grad
            grad_b = reshape(grad_b, grad_b.shape[:-1]) if b_vec else grad_b
        return grad_a, grad_b


def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """Matrix product with numpy's rules (1-D operands, batch broadcasting).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.matmul(gg.ones((3, 4)), gg.ones((4, 2))).shape
    (3, 2)
    """
    return MatMul.apply(a, b)

