"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .adam import update_moments_
from .optimizer import Optimizer, into

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (PyTorch's ``torch.optim.NAdam``, same update and defaults).

    Each step ``t`` (from 1), with ``g`` the gradient (negated when ``maximize``)::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay
        g = g + weight_decay * p               otherwise
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay));  prod = prod * mu_t
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g**2
        denom = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - prod) * g / denom
              - lr * mu_{t+1} / (1 - prod * mu_{t+1}) * m / denom

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 2e-3).
    betas : (float, float)
        Decay rates of the running averages of the gradient and its square.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty, or decoupled decay rate with ``decoupled_weight_decay``.
    momentum_decay : float
        The ``psi`` of the momentum schedule ``mu_t`` (default 4e-3).
    decoupled_weight_decay : bool
        Decay the weights directly, as AdamW does (NAdamW).
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.NAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = opt.step()
    >>> print(w.data.round(4))
    [ 0.8944 -1.8944]
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        return {"step": 0, "mu_product": 1.0, "exp_avg": xp.zeros_like(p.data),
                "exp_avg_sq": xp.zeros_like(p.data)}

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        psi = group["momentum_decay"]
        decoupled = group["decoupled_weight_decay"]
        for param, grad, state, work in self._params_with_grad(group, 0 if decoupled
                                                                else weight_decay):
            xp = backend.namespace(param)
            if decoupled and weight_decay:
                param *= 1.0 - lr * weight_decay
            step = state["step"]
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
            state["mu_product"] *= mu
            mu_product = state["mu_product"]
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            update_moments_(exp_avg, exp_avg_sq, grad, beta1, beta2, work)
            denom = into(work, xp.divide, exp_avg_sq, 1.0 - beta2 ** step)
            into(denom, xp.sqrt, denom)
            denom += eps
            param -= grad / denom * (lr * (1.0 - mu) / (1.0 - mu_product))
            param -= exp_avg / denom * (lr * mu_next / (1.0 - mu_product * mu_next))
