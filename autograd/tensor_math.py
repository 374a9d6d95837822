# mypy: disable-error-code="misc"
# NOTE: a mixin of Tensor: its methods declare self: Tensor (they exist only as Tensor's),
# which mypy reports as misc ("erased type of self is not a supertype of its class").
"""More Tensor methods: the elementwise, logical, search and cumulative ops of issue 14.

The methods *are* the op functions (``Tensor.tan is gg.tan``), so a method and its
function share one signature (numpy's and PyTorch's keywords) and one docstring;
operators are one-line delegations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .ops import explog, logical, norm, products, rounding, scan, search, trig

if TYPE_CHECKING:
    from .tensor import Tensor
    from .typing import TensorLike

__all__ = ["TensorMath"]


class TensorMath:
    """Elementwise math, tests, logic, integer operators, search and scans."""

    __slots__ = ()

    # ------------------------------------------------------------ trigonometric
    tan = trig.tan
    asin = trig.asin
    acos = trig.acos
    atan = trig.atan
    atan2 = trig.atan2
    sinh = trig.sinh
    cosh = trig.cosh
    asinh = trig.asinh
    acosh = trig.acosh
    atanh = trig.atanh

    # ------------------------------------------------------------ powers, exponentials, logarithms
    square = explog.square
    rsqrt = explog.rsqrt
    reciprocal = explog.reciprocal
    log2 = explog.log2
    log10 = explog.log10
    exp2 = explog.exp2
    expm1 = explog.expm1
    logaddexp = explog.logaddexp
    erf = explog.erf
    erfc = explog.erfc

    # ------------------------------------------------------------ rounding, signs, remainders
    sign = rounding.sign
    floor = rounding.floor
    ceil = rounding.ceil
    round = rounding.round
    trunc = rounding.trunc
    copysign = rounding.copysign
    lerp = rounding.lerp
    fmod = rounding.fmod
    remainder = rounding.remainder
    floor_divide = rounding.floor_divide
    nan_to_num = rounding.nan_to_num

    # ------------------------------------------------------------ tests and logic (no grad)
    isnan = logical.isnan
    isinf = logical.isinf
    isfinite = logical.isfinite
    isclose = logical.isclose
    logical_and = logical.logical_and
    logical_or = logical.logical_or
    logical_xor = logical.logical_xor
    logical_not = logical.logical_not
    any = logical.any
    all = logical.all
    count_nonzero = logical.count_nonzero

    # ------------------------------------------------------------ products and norms
    prod = products.prod
    cumprod = products.cumprod
    norm = norm.norm

    # ------------------------------------------------------------ search and order
    argmax = search.argmax
    argmin = search.argmin
    sort = search.sort
    argsort = search.argsort
    topk = search.topk
    median = search.median

    # ------------------------------------------------------------ scans
    cumsum = scan.cumsum
    logcumsumexp = scan.logcumsumexp
    cummax = scan.cummax
    cummin = scan.cummin

    def __round__(self: Tensor, ndigits: int | None = None) -> Tensor:
        return rounding.round(self, 0 if ndigits is None else ndigits)

    def __mod__(self: Tensor, other: TensorLike) -> Tensor:
        return rounding.Remainder.apply(self, other)

    def __rmod__(self: Tensor, other: TensorLike) -> Tensor:
        return rounding.Remainder.apply(other, self)

    def __floordiv__(self: Tensor, other: TensorLike) -> Tensor:
        return rounding.FloorDivide.apply(self, other)

    def __rfloordiv__(self: Tensor, other: TensorLike) -> Tensor:
        return rounding.FloorDivide.apply(other, self)

    def __invert__(self: Tensor) -> Tensor:
        return logical.bitwise_not(self)

    def __and__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_and", "bitwise_and", self, other)

    def __rand__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_and", "bitwise_and", other, self)

    def __or__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_or", "bitwise_or", self, other)

    def __ror__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_or", "bitwise_or", other, self)

    def __xor__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_xor", "bitwise_xor", self, other)

    def __rxor__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("bitwise_xor", "bitwise_xor", other, self)

    def __lshift__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("left_shift", "bitwise_left_shift", self, other, allow_bool=False)

    def __rlshift__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("left_shift", "bitwise_left_shift", other, self, allow_bool=False)

    def __rshift__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("right_shift", "bitwise_right_shift", self, other, allow_bool=False)

    def __rrshift__(self: Tensor, other: TensorLike) -> Tensor:
        return logical.bitwise("right_shift", "bitwise_right_shift", other, self, allow_bool=False)
