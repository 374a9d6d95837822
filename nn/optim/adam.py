"""Adam and AdamW (Adam with decoupled weight decay)."""
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer, lerp_

__all__ = ["Adam", "AdamW", "update_moments_"]


def update_moments_(exp_avg: Any, exp_avg_sq: Any, grad: Any, beta1: Any, beta2: Any,
                    work: Any) -> Any:
    """Adam's running moments in place: ``m = lerp(m, g, 1 - b1)``, ``v = b2 v + (1 - b2) g**2``.

    Rounded as PyTorch rounds them; ``work`` is a scratch array (overwritten).
    """
    lerp_(exp_avg, grad, 1.0 - beta1, work)
    exp_avg_sq *= beta2
    np.multiply(grad, grad, out=work)
    work *= 1.0 - beta2
    exp_avg_sq += work


class Adam(Optimizer):
    """Adam (PyTorch's ``torch.optim.Adam``, same update and defaults).

    Each step ``t`` (from 1), with ``g`` the gradient (negated when ``maximize``)::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p               otherwise (L2 penalty)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = max(v_max, v)                  if amsgrad (then v_max replaces v below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 1e-3).
    betas : (float, float)
        Decay rates of the running averages of the gradient and its square.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty (Adam) or decoupled decay rate (AdamW).
    amsgrad : bool
        Use the running maximum of ``v`` (AMSGrad).
    maximize : bool
        Ascend the objective instead of descending it.
    decoupled_weight_decay : bool
        Decay the weights directly, as AdamW does.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = {"step": 0, "exp_avg": np.zeros_like(p.data), "exp_avg_sq": np.zeros_like(p.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(p.data)
        return state

    def _step_group(self, group):
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        decoupled = group["decoupled_weight_decay"]
        # AdamW decays the weights directly; Adam adds weight_decay * p to the gradient.
        l2 = 0 if decoupled else weight_decay
        for param, grad, state, work in self._params_with_grad(group, l2):
            if decoupled and weight_decay:
                param *= 1.0 - lr * weight_decay
            step = state["step"]
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            update_moments_(exp_avg, exp_avg_sq, grad, beta1, beta2, work)
            if group["amsgrad"]:
                exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq,
                                        out=state["max_exp_avg_sq"])
            step_size = lr / (1.0 - beta1 ** step)
            denom = np.sqrt(exp_avg_sq, out=work)
            denom /= math.sqrt(1.0 - beta2 ** step)
            denom += eps
            update = np.divide(exp_avg, denom, out=work)
            update *= step_size
            np.subtract(param, update, out=param)


class AdamW(Adam):
    """AdamW: Adam whose weight decay shrinks the weights directly (PyTorch's ``AdamW``).

    Same arguments as ``Adam``; ``weight_decay`` defaults to 1e-2 and is applied
    as ``p = p * (1 - lr * weight_decay)`` before the Adam step, so it does not
    pass through the running averages.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
