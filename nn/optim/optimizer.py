"""``Optimizer``: the base of every optimizer, with PyTorch's param groups and state_dict.

An optimizer holds ``param_groups``, a list of dicts: each has ``"params"`` (a list
of Tensors) and the hyper-parameters for them (``"lr"``, ...); keys a group does not
set come from ``defaults``. Per-parameter buffers live in ``state[param]``. Updates
work on the raw arrays (``p.data``, ``p.grad.data``) in place, so they record no
graph and allocate nothing per step once the buffers exist.
"""
import numbers
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NoReturn

import numpy as np

from ...autograd import DtypeError, ShapeError, Tensor, backend, enable_grad, writable_data

into = backend.into  # numpy's out=, an assignment for other array libraries

__all__ = ["Optimizer", "lerp_"]

# Hyper-parameters that must be >= 0, checked wherever they appear in a group.
_NON_NEGATIVE = ("lr", "eps", "weight_decay", "momentum", "dampening", "lr_decay", "alpha",
                 "initial_accumulator_value", "momentum_decay", "tolerance_grad",
                 "tolerance_change")


class Optimizer:
    """Base class: holds param groups and state; subclasses define ``_step_group``.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The tensors to optimize (a list, or a generator such as
        ``model.parameters()``), or dicts each with ``"params"`` and its own
        hyper-parameters (param groups).
    defaults : dict
        Hyper-parameters used where a group does not set them.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> import numpy as np
    >>> class SignSGD(nn.optim.Optimizer):   # a new optimizer: defaults + one group update
    ...     def __init__(self, params, lr=0.1):
    ...         super().__init__(params, {"lr": lr})
    ...     def _step_group(self, group):
    ...         for p in group["params"]:
    ...             if p.grad is not None:
    ...                 p.data = p.data - group["lr"] * np.sign(p.grad.data)
    >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SignSGD([w])
    >>> (w * w).sum().backward(); opt.step(); w.data
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Any, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        self._scratch_buffers: dict[Any, Any] = {}
        self._flat_groups: dict[int, Any] = {}  # id(group["params"]) -> its flat buffers
        for group in self._as_groups(params):
            self.add_param_group(group)

    def _as_groups(self, params: Iterable[Any]) -> list[dict[str, Any]]:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got a "
                            "single Tensor; pass a list: [t]")
        if isinstance(params, dict):
            raise TypeError(f"{name}: params must be an iterable of Tensors or a list of "
                            "param-group dicts, got one dict; wrap it in a list: [group], or "
                            "pass model.parameters()")
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: params must be ordered (a list, or a generator such as "
                            "model.parameters()), got a set, whose order is arbitrary")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got "
                            f"{type(params).__name__}") from None
        if not params:
            raise ValueError(f"{name}: got an empty parameter list; pass the tensors to optimize, "
                             "e.g. model.parameters() (a generator can only be used once)")
        if all(isinstance(p, dict) for p in params):
            return params
        if any(isinstance(p, dict) for p in params):
            raise TypeError(f"{name}: params mixes Tensors and dicts; pass either Tensors or "
                            "param-group dicts, each with a 'params' entry")
        return [{"params": params}]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional hyper-parameters).

        Keys the group leaves out take the optimizer's ``defaults``. Useful to
        start training layers that were frozen. Nothing changes if it raises.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> body, head = gg.ones(2, requires_grad=True), gg.zeros(1, requires_grad=True)
        >>> opt = nn.optim.SGD([head], lr=0.1)
        >>> opt.add_param_group({"params": [body], "lr": 0.01})   # unfreeze the body, slower
        >>> [(len(g["params"]), g["lr"], g["momentum"]) for g in opt.param_groups]
        [(1, 0.1, 0), (1, 0.01, 0)]
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}.add_param_group: a param group is a dict with a 'params' "
                            f"entry, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}.add_param_group: the group has no 'params' entry; "
                             "use {'params': tensors, 'lr': ...}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a group's params must be ordered (a list), got a set")
        else:
            params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, but params[{i}] is a "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (params[{i}] was "
                                 "computed by an op); optimize the leaf it came from, or "
                                 "use .detach().requires_grad_()")
        group = {"params": params}
        group.update((k, v) for k, v in param_group.items() if k != "params")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_hyperparameters(group)
        seen: set[int] = set()
        for other in self.param_groups:
            seen.update(id(p) for p in other["params"])
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{name}: a parameter group contains the same tensor twice")
        if seen.intersection(ids):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming the argument and value of any out-of-range setting."""
        name = type(self).__name__
        for key in _NON_NEGATIVE:
            if key in group:
                value = group[key]
                if not isinstance(value, numbers.Real) or isinstance(value, bool):
                    raise TypeError(f"{name}: {key} must be a number, got {value!r}")
                if not float(value) >= 0:  # also rejects NaN
                    raise ValueError(f"{name}: invalid {key}={value!r}: it must be >= 0")
        if "betas" in group:
            betas = group["betas"]
            if not isinstance(betas, (tuple, list)) or len(betas) != 2:
                raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
            for i, beta in enumerate(betas):
                if not isinstance(beta, numbers.Real) or not 0.0 <= float(beta) < 1.0:
                    raise ValueError(f"{name}: invalid betas={tuple(betas)!r}: betas[{i}]={beta!r} "
                                     "must be in [0, 1)")
        foreach = group.get("foreach")
        if not (foreach is None or isinstance(foreach, bool)):
            raise TypeError(f"{name}: foreach must be True, False or None, got "
                            f"{group['foreach']!r}")
        if group.get("nesterov") and (group.get("momentum", 0) <= 0
                                      or group.get("dampening", 0) != 0):
            raise ValueError(f"{name}: nesterov=True requires momentum > 0 and dampening = 0, got "
                             f"momentum={group.get('momentum', 0)!r}, "
                             f"dampening={group.get('dampening', 0)!r}")

    # ------------------------------------------------------------ the loop's calls
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad``: set it to None (default), or fill it with zeros.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nn.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward(); w.grad
        Tensor([ 2., -4.], dtype=float32)
        >>> opt.zero_grad(); print(w.grad)   # call it before each backward: gradients accumulate
        None
        >>> (w * w).sum().backward(); opt.zero_grad(set_to_none=False); w.grad
        Tensor([0., 0.], dtype=float32)
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif p.grad.grad_fn is not None or not backend.is_writable(p.grad.data):
                    p.grad = Tensor(backend.namespace(p.grad.data).zeros_like(p.grad.data))
                else:
                    p.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a ``.grad`` (others are skipped).

        ``closure``, if given, re-evaluates the model and returns the loss
        (it runs with gradients enabled); ``step`` returns that loss.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nn.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()     # grad = 2 w = [2, -4]
        >>> opt.step(); w.data           # w - 0.1 * grad
        array([ 0.8, -1.6], dtype=float32)
        >>> def closure():               # re-evaluates the loss; step returns it
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> round(opt.step(closure).item(), 4), w.data   # the loss before this step
        (3.2, array([ 0.64, -1.28], dtype=float32))
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._check_grads()
        for group in self.param_groups:
            self._step_group(group)
        return loss

    def _check_grads(self) -> None:
        """Raise before any update if some parameter's ``.grad`` does not fit it.

        A gradient must be a float Tensor of the parameter's shape (another float
        dtype is cast by the update, as numpy casts into ``out=``): a 0-d
        or otherwise broadcastable one would update every element by the same
        number, and a mis-shaped one found half-way would leave the earlier
        parameters updated and the later ones not.
        """
        # NOTE: this runs every step: the message is built only when a gradient is refused.
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is not None and (not isinstance(grad, Tensor)
                                         or grad.data.shape != p.data.shape
                                         or backend.dtype_kind(grad.data.dtype) != "f"):
                    self._refuse_grad(p)

    def _refuse_grad(self, param: Tensor) -> NoReturn:
        """Raise the error that says why ``param.grad`` cannot update ``param``."""
        index = next(i for i, p in enumerate(p for g in self.param_groups for p in g["params"])
                     if p is param)
        grad = param.grad
        where = (f"{type(self).__name__}.step: params[{index}] (shape {param.data.shape}, "
                 f"{param.data.dtype})")
        if not isinstance(grad, Tensor):
            raise TypeError(f"{where} has a .grad of type {type(grad).__name__}; "
                            "it must be a Tensor (or None)")
        if grad.data.shape != param.data.shape:
            raise ShapeError(f"{where} has a .grad of shape {grad.data.shape}; it "
                             "must have the parameter's shape (nothing was updated)")
        raise DtypeError(f"{where} has a .grad of dtype {grad.data.dtype}; it "
                         "must be floating-point (nothing was updated)")

    def _step_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define _step_group(group)")

    # ------------------------------------------------------------ helpers for subclasses
    def _scratch(self, like: np.ndarray, slot: int) -> np.ndarray:
        """A reusable work array shaped like ``like``, on its device (not saved; contents
        undefined)."""
        key = (like.shape, like.device, like.dtype, slot)
        buffer = self._scratch_buffers.get(key)
        if buffer is None:
            buffer = self._scratch_buffers[key] = backend.namespace(like).empty_like(like)
        return buffer

    def _effective_grad(self, param: np.ndarray, grad: np.ndarray, weight_decay: float,
                        maximize: bool) -> np.ndarray:
        """The gradient an update uses: ``-grad`` when maximizing, plus ``weight_decay * param``.

        Returns ``grad`` itself when neither applies (it is never modified).
        """
        if not weight_decay and not maximize:
            return grad
        out = self._scratch(param, 0)
        xp = backend.namespace(param)
        if weight_decay:
            into(out, xp.multiply, param, weight_decay)
            into(out, xp.subtract if maximize else xp.add, out, grad)
        else:
            into(out, xp.negative, grad)
        return out

    def _params_with_grad(
            self, group: dict[str, Any], weight_decay: float, with_state: bool = True
    ) -> Iterator[tuple[np.ndarray, np.ndarray, Any, np.ndarray]]:
        """Yield ``(param, grad, state, work)`` for each parameter of ``group`` that has a grad.

        ``param`` is the array to update in place, ``grad`` the effective
        gradient (see ``_effective_grad``), ``state`` its state dict (None
        without ``with_state``; its ``"step"`` already counts this step) and
        ``work`` a scratch array shaped like it.
        """
        for p in group["params"]:
            if p.grad is None:
                continue
            param = writable_data(p)  # a copy if a live graph saved p's array; bumps the version
            state = self._state_for(p, group) if with_state else None
            if state is not None and "step" in state:
                state["step"] += 1
            grad = self._effective_grad(param, p.grad.data, weight_decay, group["maximize"])
            yield param, grad, state, self._scratch(param, 1)

    def _state_for(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = self._init_state(p, group)
        return state

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {}

    # ------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        """A snapshot of the state: ``{"state": {index: {...}}, "param_groups": [...]}``.

        As in PyTorch, parameters are named by their index in the order of
        ``param_groups``; arrays are copies on the parameters' device (``graphgrad.save``
        brings them to the host), so later steps leave it unchanged.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nn.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step()
        >>> snapshot = opt.state_dict()
        >>> snapshot["state"]                  # parameters are named by position
        {0: {'momentum_buffer': array([ 2., -4.], dtype=float32)}}
        >>> snapshot["param_groups"][0]["params"], snapshot["param_groups"][0]["lr"]
        ([0], 0.1)
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: {k: (_copy(v) if _is_array(v) else v) for k, v in s.items()}
                 for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a snapshot from ``state_dict()`` (this optimizer's or one of the same layout).

        Buffers are copied, cast to each parameter's dtype and moved to its device (from
        the host, or from another device); hyper-parameters
        come from the snapshot. Everything is checked first: on error nothing changes.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> w = gg.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nn.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step()
        >>> resumed = nn.optim.SGD([w], lr=0.5, momentum=0.9)   # e.g. after a restart
        >>> resumed.load_state_dict(opt.state_dict())
        >>> resumed.param_groups[0]["lr"], resumed.state[w]["momentum_buffer"]
        (0.1, array([ 2., -4.], dtype=float32))
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and "
                             "'param_groups' (from optimizer.state_dict())")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the loaded state has {len(saved_groups)} "
                             f"parameter groups, this optimizer has {len(self.param_groups)}")
        params_of: dict[Any, Any] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {i} has "
                                 f"{len(saved['params'])} parameters in the loaded state, "
                                 f"{len(group['params'])} here")
            params_of.update(zip(saved["params"], group["params"]))
        new_state: dict[Any, dict[str, Any]] = {}
        problems: list[str] = []
        for key, saved in state_dict["state"].items():
            p = params_of.get(int(key) if isinstance(key, str) and key.isdigit() else key)
            if p is None:
                problems.append(f"state for parameter {key!r}, which no group lists")
                continue
            new_state[p] = {}
            for k, value in saved.items():
                if k == "step":
                    new_state[p][k] = int(float(value))
                elif value is None or isinstance(value, (bool, numbers.Number)):
                    new_state[p][k] = value
                else:
                    host = backend.to_host(value) if _is_array(value) else value
                    array = backend.from_host(host, p.data)
                    if array.shape != p.data.shape:
                        problems.append(f"state[{key!r}][{k!r}] has shape {array.shape}, the "
                                        f"parameter has shape {p.data.shape}")
                    new_state[p][k] = array
        if problems:
            raise ValueError(f"{name}.load_state_dict: the state does not fit this optimizer's "
                             "parameters:\n  " + "\n  ".join(problems))
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            new_group = {"params": group["params"]}
            new_group.update((k, v) for k, v in saved.items() if k != "params")
            self._check_hyperparameters(new_group)
            new_groups.append(new_group)
        self.state = new_state
        self.param_groups = new_groups

    def __getstate__(self) -> dict[str, Any]:
        # NOTE: copies (deepcopy, pickle) leave out the caches: the fused path's flat buffers
        # would come back as copies its views no longer share; the next step rebuilds them
        state = self.__dict__.copy()
        state["_flat_groups"], state["_scratch_buffers"] = {}, {}
        return state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        return "\n".join(lines) + "\n)"


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, work: np.ndarray) -> None:
    """``start += weight * (end - start)`` in place, rounded as ``torch.lerp_`` rounds it.

    ``work`` is a scratch array of the same shape (overwritten).
    """
    xp = backend.namespace(start)
    into(work, xp.subtract, end, start)
    if weight < 0.5:
        work *= weight
        start += work
    else:
        work *= 1.0 - weight
        into(start, xp.subtract, end, work)


def _is_array(value: Any) -> bool:
    """True for an array of any library (numpy's, CuPy's, array-api-strict's)."""
    return hasattr(value, "__array_namespace__") or backend.is_foreign_array(value)


def _copy(array: Any) -> Any:
    """A copy of ``array`` on its device."""
    return backend.namespace(array).asarray(array, copy=True)
