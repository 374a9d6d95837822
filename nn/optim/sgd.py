"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""
from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch's ``torch.optim.SGD``, same update).

    Each step, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                      # L2 penalty, if weight_decay
        b = g (first step), else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b       # if momentum
        p = p - lr * g

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Tensors to optimize, or param-group dicts.
    lr : float
        Learning rate (default 1e-3, as PyTorch).
    momentum, dampening : float
        Momentum factor and dampening of the momentum (default 0).
    weight_decay : float
        L2 penalty coefficient. For an L1 penalty add it to the loss instead:
        ``loss = loss + l1 * sum(p.abs().sum() for p in model.parameters())``.
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening = 0).
    maximize : bool
        Ascend the objective instead of descending it.

    Example
    -------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> model, loss_fn = nn.Linear(3, 1), nn.MSELoss()
    >>> x, y = gg.randn(8, 3), gg.zeros(8, 1)
    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    >>> model.weight.grad.shape
    (1, 3)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _step_group(self, group):
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        nesterov = group["nesterov"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"],
                                                               with_state=bool(momentum)):
            if momentum:
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)
                else:
                    buf *= momentum
                    if dampening:
                        np.multiply(grad, 1.0 - dampening, out=work)
                        buf += work
                    else:
                        buf += grad
                if nesterov:
                    np.multiply(buf, momentum, out=work)
                    grad = np.add(grad, work, out=work)
                else:
                    grad = buf
            np.multiply(grad, lr, out=work)
            np.subtract(param, work, out=param)
