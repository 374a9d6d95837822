"""Adadelta: steps scaled by the ratio of running RMS of updates and of gradients."""
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .optimizer import Optimizer, into

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (PyTorch's ``torch.optim.Adadelta``, same update and defaults).

    Each step, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p               # if weight_decay
        v = rho * v + (1 - rho) * g**2
        dx = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx**2
        p = p - lr * dx

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Coefficient of the update (default 1.0).
    rho : float
        Decay rate of the running averages, in [0, 1].
    eps : float
        Added inside both square roots for numerical stability.
    weight_decay : float
        L2 penalty.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.Adadelta([w])
    >>> (w * w).sum().backward(); _ = opt.step()
    >>> print(w.data.round(4))
    [ 0.9968 -1.9968]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        if not isinstance(rho, (int, float)) or isinstance(rho, bool) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"Adadelta: invalid rho={rho!r}: it must be in [0, 1]")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        return {"step": 0, "square_avg": xp.zeros_like(p.data),
                "acc_delta": xp.zeros_like(p.data)}

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"]):
            xp = backend.namespace(param)
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            square_avg *= rho
            into(work, xp.multiply, grad, grad)
            work *= 1.0 - rho
            square_avg += work
            delta = xp.sqrt(acc_delta + eps)
            delta /= into(work, xp.sqrt, into(work, xp.add, square_avg, eps))
            delta *= grad
            acc_delta *= rho
            acc_delta += (1.0 - rho) * delta * delta
            delta *= lr
            param -= delta
