"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""
from collections.abc import Iterable
from typing import Any

import numpy as np

from ...autograd import backend
from ._multi_tensor import FlatGroup, flat_group
from .optimizer import Optimizer, into

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
    foreach : bool or None
        Update the whole group in one pass over flat buffers (True), parameter by
        parameter (False), or choose (None, default: one pass when the group holds
        fewer than 32768 elements in all, where it measured faster). Both give
        identical results, bit for bit.

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
                 maximize: bool = False, foreach: bool | None = None) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach}
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        flat = flat_group(self._flat_groups, group, group.get("foreach"))
        if flat is not None and self._step_fused(group, flat):
            return
        lr, momentum = group["lr"], group["momentum"]
        for param, grad, state, work in self._params_with_grad(group, group["weight_decay"],
                                                               with_state=bool(momentum)):
            xp = backend.namespace(param)
            if momentum:
                buf = state.get("momentum_buffer")
                fresh = buf is None
                if fresh:
                    buf = state["momentum_buffer"] = xp.astype(grad, param.dtype, copy=True)
                grad = _direction(group, grad, buf, fresh, work)
            into(work, xp.multiply, grad, lr)
            into(param, xp.subtract, param, work)

    def _step_fused(self, group: dict[str, Any], flat: FlatGroup) -> bool:
        """The update above over the group's flat buffers; False (nothing done) if it can't."""
        lr, momentum = group["lr"], group["momentum"]
        params = group["params"]
        states = [self._state_for(p, group) for p in params] if momentum else []
        if momentum and flat.mixed(states, "momentum_buffer"):
            return False
        flat.begin(params)
        grad = flat.gather(params, group["weight_decay"], group["maximize"])
        if momentum:
            fresh = states[0].get("momentum_buffer") is None
            buf = flat.adopt(states, "momentum_buffer", first=grad)
            grad = _direction(group, grad, buf, fresh, flat.work)
        into(flat.work, backend.namespace(grad).multiply, grad, lr)
        flat.subtract_from_params(flat.work)
        return True


def _direction(group: dict[str, Any], grad: np.ndarray, buf: np.ndarray, fresh: bool,
               work: np.ndarray) -> np.ndarray:
    """The momentum step: ``buf = momentum * buf + (1 - dampening) * grad`` unless ``fresh``
    (then ``buf`` already holds ``grad``); returns ``grad + momentum * buf`` (in ``work``)
    with Nesterov, else ``buf``."""
    momentum, dampening = group["momentum"], group["dampening"]
    xp = backend.namespace(buf)
    if not fresh:
        buf *= momentum
        if dampening:
            into(work, xp.multiply, grad, 1.0 - dampening)
            buf += work
        else:
            buf += grad
    if group["nesterov"]:
        into(work, xp.multiply, buf, momentum)
        return into(work, xp.add, grad, work)
    return buf
