"""A group's update in one pass over flat buffers (PyTorch's ``foreach=``), bit for bit.

numpy has no multi-tensor kernels: a per-parameter update pays numpy's call overhead
(about a microsecond) five to fifteen times per parameter, which dominates for small
parameters. The fused path instead gathers a group's effective gradients into one flat
array (one copy), keeps each state buffer (SGD's momentum, Adam's moments) as one flat
array whose per-parameter views are what ``optimizer.state[p]`` holds, runs the update's
arithmetic once over the flat arrays, and subtracts each parameter's slice of the step
from it. Every element goes through the same ufuncs with the same scalars in the same
order as in the per-parameter update, so the results are identical bit for bit.

A group is fused only when every parameter has a gradient, all parameters and gradients
share one dtype and one device (the flat buffers are allocated there), and (Adam) all have
taken the same number of steps; otherwise the per-parameter path runs, on the same state
arrays. State replaced from outside (by ``load_state_dict``, or by hand) is copied into
fresh flat buffers on the next fused step.
"""
import itertools
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from ...autograd import Tensor, backend, writable_data

into = backend.into  # numpy's out=, an assignment for other array libraries

__all__ = ["FUSE_BELOW", "FlatGroup", "flat_group"]

# NOTE: measured (benchmarks/optim_step.py, 6 float32 parameters, one thread): with 6 x 4096
# elements the fused step took 0.58x (Adam) and 0.92x (SGD, momentum) the per-parameter
# time; with 6 x 16384 it took 1.3-1.4x, as flat buffers of the whole group no longer stay
# in cache while each parameter's do. So foreach=None fuses only groups this small.
FUSE_BELOW = 1 << 15


class FlatGroup:
    """Flat buffers for one group's parameters: the gathered gradient, scratch and state.

    ``arrays`` are the parameters' arrays this step (what the update writes into);
    ``grad`` and ``work`` are flat arrays of the group's total size, and ``grad_views``
    and ``work_views`` their per-parameter views; ``buffers[name]`` is a flat state
    buffer whose views are ``state[p][name]``.
    """

    __slots__ = ("key", "shapes", "bounds", "grad", "work", "grad_views", "work_views",
                 "buffers", "views", "arrays")

    def __init__(self, key: tuple[Any, ...], arrays: list[np.ndarray]) -> None:
        self.key = key
        self.shapes = [a.shape for a in arrays]
        ends = list(itertools.accumulate(a.size for a in arrays))
        self.bounds = list(zip([0] + ends[:-1], ends))
        first = arrays[0]  # the buffers live on the parameters' device (one for the group)
        xp = backend.namespace(first)
        self.grad = xp.empty(ends[-1], dtype=first.dtype, device=first.device)
        self.work = xp.empty(ends[-1], dtype=first.dtype, device=first.device)
        self.grad_views = self.views_of(self.grad)
        self.work_views = self.views_of(self.work)
        self.buffers: dict[str, np.ndarray] = {}
        self.views: dict[str, list[np.ndarray]] = {}
        self.arrays = arrays

    def begin(self, params: Sequence[Tensor]) -> None:
        """Make every parameter's array writable (``writable_data``, which bumps its version)."""
        self.arrays = [writable_data(p) for p in params]

    def views_of(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-parameter views (shaped like the parameters) of a flat array."""
        reshape = backend.namespace(flat).reshape
        return [reshape(flat[a:b], shape) for (a, b), shape in zip(self.bounds, self.shapes)]

    def adopt(self, states: Sequence[dict[str, Any]], name: str,
              first: np.ndarray | None = None) -> np.ndarray:
        """The flat buffer behind ``states[i][name]``, every state made a view of it.

        If the states already are this buffer's views, nothing is copied. Otherwise a
        new flat buffer gets their values, or ``first``'s (a flat array) when no state
        has ``name`` yet, and each state's entry becomes its view. Call ``mixed`` first:
        states of which only some have ``name`` cannot be adopted.
        """
        views = self.views.get(name)
        if views is not None and all(s.get(name) is v for s, v in zip(states, views)):
            return self.buffers[name]
        flat = backend.namespace(self.grad).empty_like(self.grad)
        views = self.views_of(flat)
        if states[0].get(name) is None:
            assert first is not None, f"adopt: no state has {name!r} yet: pass first="
            flat[...] = first
        else:
            for state, view in zip(states, views):
                view[...] = state[name]
        for state, view in zip(states, views):
            state[name] = view
        self.buffers[name], self.views[name] = flat, views
        return flat

    @staticmethod
    def mixed(states: Sequence[dict[str, Any]], name: str) -> bool:
        """True if some of ``states`` have a ``name`` buffer and others do not."""
        have = [s.get(name) is not None for s in states]
        return any(have) and not all(have)

    def gather(self, params: Sequence[Tensor], weight_decay: float, maximize: bool) -> np.ndarray:
        """Write each parameter's effective gradient into ``grad`` (as ``_effective_grad``)."""
        # flat_group fuses only groups whose parameters all have a gradient
        grads = [cast(Tensor, p.grad).data for p in params]
        xp = backend.namespace(self.grad)
        if not weight_decay and not maximize:
            for view, grad in zip(self.grad_views, grads):
                view[...] = grad
            return self.grad
        for param, grad, view in zip(self.arrays, grads, self.grad_views):
            if weight_decay:
                into(view, xp.multiply, param, weight_decay)
                into(view, xp.subtract if maximize else xp.add, view, grad)
            else:
                into(view, xp.negative, grad)
        return self.grad

    def subtract_from_params(self, step: np.ndarray) -> None:
        """``param -= step`` for each parameter, ``step`` a flat array (``work`` or ``grad``)."""
        views = self.work_views if step is self.work else self.views_of(step)
        subtract = backend.namespace(step).subtract
        for param, view in zip(self.arrays, views):
            into(param, subtract, param, view)


def flat_group(cache: dict[int, FlatGroup], group: dict[str, Any],
               foreach: bool | None) -> FlatGroup | None:
    """The group's ``FlatGroup`` for this step, or None if it takes the per-parameter path.

    ``cache`` maps ``id(group["params"])`` to a FlatGroup (the optimizer keeps it). Fuses
    when ``foreach`` is True, or when it is None and the group has at least two parameters
    and fewer than ``FUSE_BELOW`` elements in all. Changes no parameter: call ``begin``
    before updating.
    """
    if foreach is False:
        return None
    params = group["params"]
    first = params[0].data
    dtype, device = first.dtype, first.device
    total = 0
    for p in params:
        grad = p.grad
        if (grad is None or p.data.dtype != dtype or grad.data.dtype != dtype
                or p.data.device != device):
            return None
        total += p.data.size
    if foreach is None and (len(params) < 2 or total >= FUSE_BELOW):
        return None
    key = (dtype, device, tuple((id(p), p.data.shape) for p in params))
    flat = cache.get(id(params))
    if flat is None or flat.key != key:
        flat = cache[id(params)] = FlatGroup(key, [p.data for p in params])
    return flat
