"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .optimizer import Optimizer, into, lerp_

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (PyTorch's ``torch.optim.Adamax``, same update and defaults).

    Each step ``t`` (from 1), with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p               # if weight_decay
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1**t) * m / u

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 2e-3).
    betas : (float, float)
        Decay rates of the running average of the gradient and of the norm.
    eps : float
        Added to ``|g|`` for numerical stability.
    weight_decay : float
        L2 penalty.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.Adamax([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = opt.step()
    >>> print(w.data.round(4))
    [ 0.9 -1.9]
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        return {"step": 0, "exp_avg": xp.zeros_like(p.data), "exp_inf": xp.zeros_like(p.data)}

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"]):
            xp = backend.namespace(param)
            exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
            lerp_(exp_avg, grad, 1.0 - beta1, work)
            exp_inf *= beta2
            into(work, xp.abs, grad)
            work += eps
            into(exp_inf, xp.maximum, exp_inf, work)
            update = into(work, xp.divide, exp_avg, exp_inf)
            update *= lr / (1.0 - beta1 ** state["step"])
            param -= update
