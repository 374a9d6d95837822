"""RAdam: Adam with a rectified (variance-corrected) adaptive learning rate."""
import math
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .adam import update_moments_
from .optimizer import Optimizer, into

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam (PyTorch's ``torch.optim.RAdam``, same update and defaults).

    Each step ``t`` (from 1), with ``g`` the gradient (negated when ``maximize``)::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay
        g = g + weight_decay * p               otherwise
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p = p - lr * m_hat * r * sqrt(1 - beta2**t) / (sqrt(v) + eps)
        else:
            p = p - lr * m_hat

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
        L2 penalty, or decoupled decay rate with ``decoupled_weight_decay``.
    decoupled_weight_decay : bool
        Decay the weights directly, as AdamW does.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.RAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = opt.step()
    >>> print(w.data.round(4))
    [ 0.8 -1.6]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        return {"step": 0, "exp_avg": xp.zeros_like(p.data), "exp_avg_sq": xp.zeros_like(p.data)}

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        decoupled = group["decoupled_weight_decay"]
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        for param, grad, state, work in self._params_with_grad(group, 0 if decoupled
                                                                else weight_decay):
            xp = backend.namespace(param)
            if decoupled and weight_decay:
                param *= 1.0 - lr * weight_decay
            step = state["step"]
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            update_moments_(exp_avg, exp_avg_sq, grad, beta1, beta2, work)
            bias_correction2 = 1.0 - beta2 ** step
            m_hat = exp_avg / (1.0 - beta1 ** step)
            rho_t = rho_inf - 2.0 * step * beta2 ** step / bias_correction2
            if rho_t > 5.0:
                rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                adaptive = into(work, xp.sqrt, exp_avg_sq)
                adaptive += eps
                into(adaptive, xp.divide, math.sqrt(bias_correction2), adaptive)
                param -= m_hat * lr * adaptive * rect
            else:
                param -= m_hat * lr
