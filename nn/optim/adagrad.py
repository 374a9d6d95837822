"""Adagrad: per-coordinate steps shrunk by the sum of all past squared gradients."""
from collections.abc import Iterable
from typing import Any

from ...autograd import Tensor, backend
from .optimizer import Optimizer, into

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (PyTorch's ``torch.optim.Adagrad``, same update and defaults).

    Each step ``t`` (from 1), with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                  # if weight_decay
        s = s + g**2                              # s starts at initial_accumulator_value
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 1e-2).
    lr_decay : float
        Learning-rate decay per step.
    weight_decay : float
        L2 penalty.
    initial_accumulator_value : float
        Starting value of the sum of squared gradients.
    eps : float
        Added to the denominator for numerical stability.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = nn.optim.Adagrad([w], lr=0.1)
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    ...     print(w.data.round(4))   # steps of 0.1, 0.067, 0.053: the sum s only grows
    [ 0.9 -1.9]
    [ 0.8331 -1.8311]
    [ 0.7805 -1.7758]
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0, eps: float = 1e-10,
                 *, maximize: bool = False) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "eps": eps,
                    "maximize": maximize}
        super().__init__(params, defaults)
        for group in self.param_groups:  # as PyTorch: the accumulators exist from the start
            for p in group["params"]:
                self._state_for(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        xp = backend.namespace(p.data)  # the state lives on the parameter's device
        return {"step": 0, "sum": xp.full_like(p.data, group["initial_accumulator_value"])}

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"]):
            xp = backend.namespace(param)
            clr = lr / (1 + (state["step"] - 1) * lr_decay)
            state_sum = state["sum"]
            state_sum += into(work, xp.multiply, grad, grad)
            std = into(work, xp.sqrt, state_sum)
            std += eps
            update = into(work, xp.divide, grad, std)
            update *= clr
            into(param, xp.subtract, param, update)
