"""``weight_norm``: a weight as ``g * v / ||v||`` (PyTorch's ``weight_g`` and ``weight_v``)."""
from typing import Any, TypeVar

from ...autograd import Tensor
from ..module import Module, Parameter

__all__ = ["weight_norm", "remove_weight_norm"]

M = TypeVar("M", bound=Module)  # both return the module they are given


def _norm_except_dim(v: Tensor, dim: int | None) -> Tensor:
    """The 2-norm of ``v`` over every axis but ``dim`` (kept, size-1 elsewhere); all if None."""
    if dim is None:
        return (v * v).sum().sqrt()
    axes = tuple(a for a in range(v.ndim) if a != dim)
    return (v * v).sum(axis=axes, keepdims=True).sqrt()


class _WeightNorm:
    """The forward pre-hook that rebuilds ``module.<name>`` from ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name: str, dim: int | None) -> None:
        self.name, self.dim = name, dim

    def compute_weight(self, module: Module) -> Tensor:
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / _norm_except_dim(v, self.dim))

    def __call__(self, module: Module, args: tuple[Any, ...]) -> None:
        object.__setattr__(module, self.name, self.compute_weight(module))


def weight_norm(module: M, name: str = "weight", dim: int | None = 0) -> M:
    """Split ``module.<name>`` into a magnitude ``<name>_g`` and a direction ``<name>_v``.

    Before every forward the weight is rebuilt as ``v * g / ||v||`` (norm over
    every axis but ``dim``), so both are trained. As in PyTorch,
    ``dim=None`` (and ``dim=-1``) takes the norm of the whole tensor (``g`` is
    0-d); the parameters are named ``weight_g`` and ``weight_v``, in that order.

    Parameters
    ----------
    module : Module
        The layer (its ``name`` must be a parameter).
    name : str
        The parameter to reparameterize.
    dim : int or None
        The axis that keeps its own norm (0: one per output unit).

    Returns
    -------
    Module
        ``module`` itself.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.utils.weight_norm(nn.Linear(3, 2))
    >>> [(n, p.shape) for n, p in layer.named_parameters()]
    [('bias', (2,)), ('weight_g', (2, 1)), ('weight_v', (2, 3))]
    """
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, _WeightNorm) and hook.name == name:
            raise RuntimeError(f"weight_norm: {name!r} of {type(module).__name__} already has "
                               "weight norm; call remove_weight_norm first")
    weight = module._parameters.get(name)
    if not isinstance(weight, Parameter):
        raise ValueError(f"weight_norm: {type(module).__name__} has no parameter {name!r}")
    if dim is not None:
        if not -weight.ndim <= dim < weight.ndim:
            raise ValueError(f"weight_norm: dim={dim} is out of range for a weight of shape "
                             f"{weight.shape}")
        dim = None if dim == -1 else dim  # PyTorch's meaning: -1 is the whole tensor
    hook = _WeightNorm(name, dim)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(_norm_except_dim(weight, dim).data))
    module.register_parameter(name + "_v", Parameter(weight.data))
    object.__setattr__(module, name, hook.compute_weight(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: M, name: str = "weight") -> M:
    """Undo ``weight_norm``: fold ``g`` and ``v`` back into one parameter ``name``.

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.utils.remove_weight_norm(nn.utils.weight_norm(nn.Linear(3, 2)))
    >>> [n for n, _ in layer.named_parameters()]
    ['bias', 'weight']
    """
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _WeightNorm) and hook.name == name:
            weight = hook.compute_weight(module)
            del module._forward_pre_hooks[hook_id]
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight.data))
            return module
    raise ValueError(f"remove_weight_norm: weight_norm of {name!r} not found in "
                     f"{type(module).__name__}")


