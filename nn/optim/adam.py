"""Adam and AdamW (Adam with decoupled weight decay)."""
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ...autograd import Tensor, backend
from ._multi_tensor import FlatGroup, flat_group
from .optimizer import Optimizer, into, lerp_

__all__ = ["Adam", "AdamW", "update_moments_"]


def update_moments_(exp_avg: Any, exp_avg_sq: Any, grad: Any, beta1: Any, beta2: Any,
                    work: Any) -> Any:
    """Adam's running moments in place: ``m = lerp(m, g, 1 - b1)``, ``v = b2 v + (1 - b2) g**2``.

    Rounded as PyTorch rounds them; ``work`` is a scratch array (overwritten).
    """
    lerp_(exp_avg, grad, 1.0 - beta1, work)
    exp_avg_sq *= beta2
    into(work, backend.namespace(work).multiply, grad, grad)
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
    foreach : bool or None
        One pass over the whole group's flat buffers (True), parameter by parameter
        (False), or choose (None); as ``SGD``'s, bit for bit the same result.

    Example
    -------
    >>> import graphgrad as gg
    >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1, foreach=True)
    >>> (w * w).sum().backward(); opt.step()
    >>> [round(float(v), 4) for v in w.data]  # the first step moves each weight by lr
    [0.9, -1.9]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False, foreach: bool | None = None) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the moments live on the parameter's device
        state = {"step": 0, "exp_avg": xp.zeros_like(p.data), "exp_avg_sq": xp.zeros_like(p.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = xp.zeros_like(p.data)
        return state

    def _step_group(self, group: dict[str, Any]) -> None:
        flat = flat_group(self._flat_groups, group, group.get("foreach"))
        if flat is not None and self._step_fused(group, flat):
            return
        lr, weight_decay = group["lr"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        # AdamW decays the weights directly; Adam adds weight_decay * p to the gradient.
        l2 = 0 if decoupled else weight_decay
        for param, grad, state, work in self._params_with_grad(group, l2):
            if decoupled and weight_decay:
                param *= 1.0 - lr * weight_decay
            self._update(group, grad, state, work, state)
            into(param, backend.namespace(param).subtract, param, work)

    def _step_fused(self, group: dict[str, Any], flat: FlatGroup) -> bool:
        """``_step_group`` over the group's flat buffers; False (nothing done) if it can't."""
        lr, weight_decay = group["lr"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        params = group["params"]
        states = [self._state_for(p, group) for p in params]
        names = ["exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if group["amsgrad"] else [])
        step = states[0]["step"]
        if (any(s["step"] != step for s in states)
                or any(flat.mixed(states, name) or states[0].get(name) is None
                       for name in names)):
            return False
        flat.begin(params)
        for state in states:
            state["step"] += 1
        grad = flat.gather(params, 0 if decoupled else weight_decay, group["maximize"])
        if decoupled and weight_decay:
            for param in flat.arrays:
                param *= 1.0 - lr * weight_decay
        buffers = {name: flat.adopt(states, name) for name in names}
        self._update(group, grad, states[0], flat.work, buffers)
        flat.subtract_from_params(flat.work)
        return True

    @staticmethod
    def _update(group: dict[str, Any], grad: np.ndarray, state: dict[str, Any], work: np.ndarray,
                buffers: Mapping[str, np.ndarray]) -> None:
        """Write this step's ``lr * m_hat / (sqrt(v_hat) + eps)`` into ``work``.

        ``buffers`` holds the moments (a state dict, or the flat buffers); ``state``
        gives the step count. The caller subtracts ``work`` from the parameters.
        """
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        step = state["step"]
        exp_avg, exp_avg_sq = buffers["exp_avg"], buffers["exp_avg_sq"]
        xp = backend.namespace(work)
        update_moments_(exp_avg, exp_avg_sq, grad, beta1, beta2, work)
        if group["amsgrad"]:
            exp_avg_sq = into(buffers["max_exp_avg_sq"], xp.maximum, buffers["max_exp_avg_sq"],
                              exp_avg_sq)
        step_size = lr / (1.0 - beta1 ** step)
        denom = into(work, xp.sqrt, exp_avg_sq)
        denom /= math.sqrt(1.0 - beta2 ** step)
        denom += eps
        update = into(work, xp.divide, exp_avg, denom)
        update *= step_size


class AdamW(Adam):
    """AdamW: Adam whose weight decay shrinks the weights directly (PyTorch's ``AdamW``).

    Same arguments as ``Adam``; ``weight_decay`` defaults to 1e-2 and is applied
    as ``p = p * (1 - lr * weight_decay)`` before the Adam step, so it does not
    pass through the running averages.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * 0.0).sum().backward()      # a zero gradient: only the decay acts
    >>> opt.step(); w.data              # w * (1 - 0.1 * 0.5)
    array([ 0.95, -1.9 ], dtype=float32)

    ``Adam``'s ``weight_decay`` adds ``0.5 w`` to the gradient instead, which Adam's
    normalisation turns into a full ``lr``-sized step:

    >>> v = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.Adam([v], lr=0.1, weight_decay=0.5)
    >>> (v * 0.0).sum().backward(); opt.step(); v.data.round(4)
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True, foreach=foreach)
