"""Products: prod and cumprod, with exact gradients where the input holds zeros.

The gradient of a product is the product of the *other* factors. Dividing the
output by each factor gives it only where no factor is 0 (and, recorded for second
order, that form's own derivative divides by x^2, which underflows), so the rules
build the products of the others from exclusive running products instead: no
division, exact with any number of zeros, and differentiable again.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..backend import namespace
from ..function import Function
from . import keywords, rule_helpers
from .reduce import normalize_axis_arg
from .rule_helpers import reshape
from .scan import reverse_cumsum, scan, take

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..typing import Axis, DTypeLike

__all__ = ["exclusive_cumprod", "Cumprod", "Prod", "prod", "cumprod"]


def _cumprod(x, axis):
    if rule_helpers.is_raw(x):
        return namespace(x).cumulative_prod(x, axis=axis)
    return Cumprod.apply(x, axis=axis)


def exclusive_cumprod(x, axis):
    """``out[j] = product of x[i] for i < j`` (1 at j = 0): exact with zeros, no division."""
    data = rule_helpers.data_of(x)
    head = namespace(data).ones(take(x, slice(0, 1), axis).shape, dtype=data.dtype,
                                device=data.device)
    body = _cumprod(x[(slice(None),) * axis + (slice(None, -1),)], axis)
    return rule_helpers.concatenate([head, body], axis)


def _division_is_exact(out):
    """True when every running product is a finite normal number, so dividing it by a
    factor gives back the product of the others: no 0 (a zero factor, or an underflow
    such as 1e-200 * 1e-200), no subnormal (which has lost digits), no inf."""
    xp = namespace(out)
    magnitude, limits = xp.abs(out), xp.finfo(out.dtype)
    return bool(xp.all((magnitude >= limits.smallest_normal) & (magnitude <= limits.max)))


class Cumprod(Function):
    """out[j] = product of x[i], i <= j.

    d/dx[j] = (product of x[i], i < j) * S[j], where S[j] = sum over i >= j of
    grad[i] * (product of x[k], j < k <= i), i.e. S[j] = grad[j] + x[j+1] S[j+1].
    Without zeros this is reverse_cumsum(grad * out) / x.
    """

    op_name = "cumprod"

    @staticmethod
    def forward(ctx, x, axis=0):
        ctx.axis = axis
        out = namespace(x).cumulative_prod(x, axis=axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axis = ctx.axis
        if rule_helpers.data_of(x).shape[axis] == 0:
            return grad
        if rule_helpers.is_raw(x) and _division_is_exact(out):
            return reverse_cumsum(grad * out, axis) / x
        # NOTE: a zero makes the division form 0/0, and recorded, its derivative divides
        # by x^2 (underflow); the recurrence is exact (one step per position along the
        # axis, each a vectorised op over the other axes).
        n = rule_helpers.data_of(x).shape[axis]
        suffix = [take(grad, n - 1, axis)]
        for j in range(n - 2, -1, -1):
            suffix.append(take(grad, j, axis) + take(x, j + 1, axis) * suffix[-1])
        return exclusive_cumprod(x, axis) * rule_helpers.stack(suffix[::-1], axis)


class Prod(Function):
    """out = product of x over axis.  d/dx[i] = product of the other elements of its slice.

    The products of the others come from exclusive running products from both ends,
    so a zero in the input gives exact gradients (not 0/0).
    """

    op_name = "prod"

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        out = namespace(x).prod(x, axis=axis, keepdims=keepdims)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        grad = rule_helpers.expand_reduced(grad, ctx.shape, ctx.axis, ctx.keepdims)
        if rule_helpers.is_raw(x) and _division_is_exact(out):
            # out / x is the product of the others only where out kept its digits (a
            # subnormal or underflowed product did not: 5e-324 * 1.5 / 5e-324 = 2)
            return grad * reshape(out, rule_helpers.keepdims_shape(ctx.shape, ctx.axis)) / x
        # NOTE: recorded rules avoid out / x even without zeros: its derivative divides
        # by x^2, which underflows for tiny x.
        return grad * _product_of_others(x, ctx.axis)


def _product_of_others(x, axis):
    """For each element, the product of the other elements of its reduced slice."""
    shape = rule_helpers.data_of(x).shape
    reduced = rule_helpers.normalize_axes(axis, len(shape))
    kept = tuple(a for a in range(len(shape)) if a not in reduced)
    order = kept + reduced
    # the reduced axes side by side at the end, flattened into one
    lined = reshape(rule_helpers.permute(x, order),
                    tuple(shape[a] for a in kept) + (math.prod(shape[a] for a in reduced),))
    before = exclusive_cumprod(lined, lined.ndim - 1)
    after = rule_helpers.flip(exclusive_cumprod(rule_helpers.flip(lined, -1), lined.ndim - 1), -1)
    others = reshape(before * after, tuple(shape[a] for a in order))
    return rule_helpers.permute(others, tuple(sorted(range(len(order)), key=order.__getitem__)))


# ------------------------------------------------------------------ public functions
def prod(x: Tensor, axis: Axis = None, keepdims: bool | None = None,
         dtype: DTypeLike = None, *, dim: int | None = None,
         keepdim: bool | None = None, **unknown: object) -> Tensor:
    """Product over ``axis`` (None: all axes), as ``numpy.prod``.

    Parameters
    ----------
    x : Tensor
    axis, dim : int or tuple of ints, optional
        numpy's or PyTorch's name (pass one).
    keepdims, keepdim : bool, optional
    dtype : numpy dtype, optional
        Cast ``x`` to it first (``prod(x, dtype=np.float64)``).

    Returns
    -------
    Tensor
        The gradient of each element is the product of the others in its slice, exact
        also where the input holds zeros (one zero: only that element gets a gradient).

    >>> import graphgrad as gg
    >>> x = gg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> gg.prod(x).backward()
    >>> x.grad
    Tensor([0., 6., 0.], dtype=float32)
    """
    axis, keepdims = keywords.axis_keywords("prod", axis, keepdims, dim, keepdim, unknown)
    if dtype is not None:
        x = x.astype(dtype)
    return Prod.apply(x, axis=normalize_axis_arg(axis, x.ndim, "prod"), keepdims=keepdims)


def cumprod(x: Tensor, axis: int | None = None, *, dim: int | None = None,
            **unknown: object) -> Tensor:
    """Running product along ``axis``; the gradient is exact also where ``x`` has zeros.

    Parameters
    ----------
    x : Tensor
    axis, dim : int or None

    Returns
    -------
    Tensor
        Same shape as ``x``.

    >>> import graphgrad as gg
    >>> gg.cumprod(gg.tensor([2.0, 0.0, 3.0]), axis=0)
    Tensor([2., 0., 0.], dtype=float32)
    """
    return scan(Cumprod, "cumprod", x, axis, dim, unknown)
