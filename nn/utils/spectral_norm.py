"""``spectral_norm``: divide a weight by its largest singular value (power iteration).

The power-iteration vectors ``u`` and ``v`` are buffers on the weight's device: drawn on
the host from the seeded global generator (``gg.manual_seed``), then moved there, and
refined there with the array's own namespace.
"""
from typing import Any, TypeVar

import numpy as np

from ...autograd import Tensor, backend, randn
from ..module import Module, Parameter

__all__ = ["spectral_norm", "remove_spectral_norm"]

M = TypeVar("M", bound=Module)  # both return the module they are given
W = TypeVar("W", "np.ndarray", Tensor)  # a weight as an array, or as a Tensor in the graph


def _normalize(x: Any, eps: float) -> Any:
    """``x / max(||x||, eps)`` for a vector of any array library, in place."""
    xp = backend.namespace(x)
    x /= xp.clip(xp.sqrt(xp.vecdot(x, x)), min=eps)
    return x


class _SpectralNorm:
    """The forward pre-hook that sets ``module.<name> = <name>_orig / sigma``."""

    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        self.name, self.n_power_iterations, self.dim, self.eps = (name, n_power_iterations,
                                                                  dim, eps)

    def matrix(self, weight: W) -> W:
        """The weight as a matrix (``dim`` first, the rest flattened), a graph op on Tensors."""
        if self.dim != 0:
            order = [self.dim] + [a for a in range(weight.ndim) if a != self.dim]
            weight = weight.permute(*order) if isinstance(weight, Tensor) else \
                backend.namespace(weight).permute_dims(weight, order)
        if isinstance(weight, Tensor):
            return weight.reshape(weight.shape[0], -1)
        return backend.namespace(weight).reshape(weight, (weight.shape[0], -1))

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u").data
        v = getattr(module, self.name + "_v").data
        if do_power_iteration:
            w = self.matrix(weight.data)
            for _ in range(self.n_power_iterations):  # in place: the buffers keep the estimate
                v[...] = _normalize(w.mT @ u, self.eps)
                u[...] = _normalize(w @ v, self.eps)
        w = self.matrix(weight)
        xp = backend.namespace(u)
        # u^T W v, differentiable in W only (copies: the buffers change in place later)
        sigma = (w @ xp.asarray(v, copy=True) * xp.asarray(u, copy=True)).sum()
        return weight / sigma

    def __call__(self, module: Module, args: tuple[Any, ...]) -> None:
        object.__setattr__(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(module: M, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> M:
    """Constrain ``module.<name>`` to spectral norm 1: ``W = W_orig / sigma(W_orig)``.

    ``sigma = u^T W v`` with ``u``, ``v`` the buffers ``<name>_u`` and
    ``<name>_v``, refined by ``n_power_iterations`` steps of power iteration
    before each forward in training mode (in eval mode the stored ones are
    used unchanged). The trained parameter is ``<name>_orig``; the buffers
    start as normalized standard normal vectors, as in PyTorch, and are saved
    in ``state_dict``. ``dim`` (default 0, 1 for ConvTranspose layers) is the
    output axis that becomes the matrix's rows.

    Parameters
    ----------
    module : Module
        The layer (its ``name`` must be a parameter).
    name : str
        The parameter to normalize.
    n_power_iterations : int
        Power-iteration steps per forward in training mode.
    eps : float
        Lower bound of the norms when normalizing ``u`` and ``v``.
    dim : int or None
        The output axis.

    Returns
    -------
    Module
        ``module`` itself.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.utils.spectral_norm(nn.Linear(3, 2))
    >>> list(layer.state_dict())
    ['bias', 'weight_orig', 'weight_u', 'weight_v']
    """
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, _SpectralNorm) and hook.name == name:
            raise RuntimeError(f"spectral_norm: {name!r} of {type(module).__name__} already has "
                               "spectral norm; call remove_spectral_norm first")
    weight = module._parameters.get(name)
    if not isinstance(weight, Parameter):
        raise ValueError(f"spectral_norm: {type(module).__name__} has no parameter {name!r}")
    if not isinstance(n_power_iterations, int) or n_power_iterations < 0:
        raise ValueError(f"spectral_norm: invalid n_power_iterations={n_power_iterations!r}: "
                         "it must be an integer >= 0")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    dim = dim % weight.ndim
    hook = _SpectralNorm(name, n_power_iterations, dim, eps)
    matrix = hook.matrix(weight.data)
    # from the global generator on the host (gg.manual_seed makes them reproducible), then
    # moved to the weight's device
    u = _normalize(randn(matrix.shape[0], dtype=weight.dtype, device=weight.device).data, eps)
    v = _normalize(randn(matrix.shape[1], dtype=weight.dtype, device=weight.device).data, eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", weight)
    object.__setattr__(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(hook)
    return module


def remove_spectral_norm(module: M, name: str = "weight") -> M:
    """Undo ``spectral_norm``: keep the current normalized weight as parameter ``name``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.utils.remove_spectral_norm(nn.utils.spectral_norm(nn.Linear(3, 2)))
    >>> list(layer.state_dict())
    ['bias', 'weight']
    """
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _SpectralNorm) and hook.name == name:
            weight = hook.compute_weight(module, do_power_iteration=False)
            del module._forward_pre_hooks[hook_id]
            del module._parameters[name + "_orig"]
            del module._buffers[name + "_u"], module._buffers[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight.data))
            return module
    raise ValueError(f"remove_spectral_norm: spectral_norm of {name!r} not found in "
                     f"{type(module).__name__}")
