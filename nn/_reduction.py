"""How losses reduce: PyTorch's ``reduction`` strings and its legacy ``size_average`` /
``reduce`` flags (still accepted in PyTorch's argument positions)."""
import warnings
from collections.abc import Sequence

from ..autograd import Tensor


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str,
                     op: str) -> str:
    """``reduction``, or the one the legacy flags name (with PyTorch's deprecation warning)."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(f"{op}: size_average and reduce are deprecated; use reduction='mean', "
                  "'sum' or 'none'", UserWarning, stacklevel=3)
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def check(reduction: str, op: str, allowed: Sequence[str] = ("mean", "sum", "none")) -> str:
    """Raise ``ValueError`` naming ``op`` unless ``reduction`` is one of ``allowed``."""
    if reduction not in allowed:
        raise ValueError(f"{op}: reduction={reduction!r} is not a valid value; use "
                         + ", ".join(repr(a) for a in allowed))
    return reduction


def apply(loss: Tensor, reduction: str) -> Tensor:
    """Mean, sum or the elementwise loss itself."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
