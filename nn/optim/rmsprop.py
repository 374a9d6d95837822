"""RMSprop: scale each step by a running root-mean-square of the gradient."""
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .optimizer import Optimizer, into, lerp_

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (PyTorch's ``torch.optim.RMSprop``, same update and defaults).

    Each step, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                  # if weight_decay
        v = alpha * v + (1 - alpha) * g**2
        avg = sqrt(v - a**2) + eps, with a = alpha * a + (1 - alpha) * g   if centered
        avg = sqrt(v) + eps                                                otherwise
        b = momentum * b + g / avg;  p = p - lr * b                        if momentum > 0
        p = p - lr * g / avg                                               otherwise

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 1e-2).
    alpha : float
        Smoothing constant of the running average of ``g**2``.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty.
    momentum : float
        Momentum factor.
    centered : bool
        Normalize by an estimate of the gradient's variance instead of its second moment.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.RMSprop([w], lr=0.01)
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    ...     print(w.data.round(4))   # first step lr / sqrt(1 - alpha) = 0.1 for both weights
    [ 0.9 -1.9]
    [ 0.8329 -1.8309]
    [ 0.78   -1.7753]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        state = {"step": 0, "square_avg": xp.zeros_like(p.data)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = xp.zeros_like(p.data)
        if group["centered"]:
            state["grad_avg"] = xp.zeros_like(p.data)
        return state

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"]):
            xp = backend.namespace(param)
            square_avg = state["square_avg"]
            square_avg *= alpha
            into(work, xp.multiply, grad, grad)
            work *= 1.0 - alpha
            square_avg += work
            if group["centered"]:
                grad_avg = state["grad_avg"]
                lerp_(grad_avg, grad, 1.0 - alpha, work)
                into(work, xp.multiply, grad_avg, grad_avg)
                into(work, xp.subtract, square_avg, work)
                avg = into(work, xp.sqrt, work)
            else:
                avg = into(work, xp.sqrt, square_avg)
            avg += eps
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf *= momentum
                buf += into(work, xp.divide, grad, avg)
                update = into(work, xp.multiply, buf, lr)
            else:
                update = into(work, xp.divide, grad, avg)
                update *= lr
            into(param, xp.subtract, param, update)
