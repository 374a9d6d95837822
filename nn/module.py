"""``Module`` and ``Parameter``: layers that own their tensors, as in PyTorch.

A Module registers what is assigned to it: a ``Parameter`` becomes a
parameter, a Module a child, and ``register_buffer`` adds state that is saved
but not trained (BatchNorm's running statistics). Names are dotted paths
(``"0.weight"``), the same as PyTorch's, so a PyTorch ``state_dict`` converted
to numpy arrays loads unchanged. Checkpoints are ``.npz`` files, read with
``allow_pickle=False``: loading never runs code.
"""
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np

from .. import autograd
from ..autograd import Tensor, backend, devices, dtypes, no_grad
from ..autograd.typing import DeviceLike, DTypeLike
from .checkpoint import MAX_MEMBERS, StateDictError, read_checkpoint, save_arrays
from .hooks import HookMixin

__all__ = ["Parameter", "Module", "IncompatibleKeys"]



class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` and ``load`` report: keys missing and keys not expected."""

    missing_keys: list[str]
    unexpected_keys: list[str]


M = TypeVar("M", bound="Module")


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable: a leaf with ``requires_grad=True``.

    >>> w = Parameter(np.zeros((3, 2), dtype=np.float32))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = autograd.empty(0).data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _check_name(module: "Module", name: object, kind: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a str, got {type(name).__name__}")
    if not name or "." in name:
        raise KeyError(f"{kind} name can't be empty or contain '.', got {name!r}")
    if "_parameters" not in module.__dict__:
        raise AttributeError(f"cannot add {kind} {name!r} before Module.__init__() runs: call "
                             "super().__init__() first in your module's __init__")


class Module(HookMixin):
    """Base class of every layer and model; subclass it and define ``forward``.

    Example
    -------
    >>> from graphgrad import nn
    >>> class MLP(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(64, 32)
    ...         self.fc2 = nn.Linear(32, 10)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> [name for name, _ in MLP().named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    # declared for the type checker only (no class attribute): __init__ sets them
    training: bool
    _parameters: OrderedDict[str, Parameter | None]
    _buffers: OrderedDict[str, Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: OrderedDict[str, "Module | None"]

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_hooks_with_kwargs", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it and call the module, not forward.

        ``module(x)`` runs ``forward(x)`` between the module's hooks; the base class's
        raises ``NotImplementedError``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> Double()(gg.tensor([1.0, 2.0]))
        Tensor([2., 4.], dtype=float32)
        """
        raise NotImplementedError(f"{type(self).__name__} defines no forward(); define "
                                  "forward(self, ...) in your Module subclass")

    # ------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            _check_name(self, name, "parameter")
            self._forget(name, keep=self._parameters)
            self._parameters[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} "
                                "(nn.Parameter or None expected); wrap it: nn.Parameter(value)")
            params[name] = None
        elif isinstance(value, Module):
            _check_name(self, name, "module")
            self._forget(name, keep=d["_modules"])
            d["_modules"][name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as child module {name!r} "
                                "(Module or None expected)")
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer {name!r} "
                                "(Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict[str, Any] | None = None) -> None:
        """Drop ``name`` from every table but ``keep``, the one it is about to be written to.

        Keeping that table keeps the name's position: replacing ``seq.a`` must not move
        layer ``a`` to the end of a Sequential (PyTorch keeps the order too).
        """
        d = self.__dict__
        d.pop(name, None)
        for table in (d["_parameters"], d["_buffers"], d["_modules"]):
            if table is not keep:
                table.pop(name, None)
        d["_non_persistent_buffers"].discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if name in d.get(table, ()):
                del d[table][name]
                d["_non_persistent_buffers"].discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (a ``Parameter`` or None) under ``name``.

        Assigning ``self.name = nn.Parameter(...)`` does the same; None registers the
        name without a tensor (a layer made with ``bias=False``).

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> layer = nn.Module()
        >>> layer.register_parameter("scale", nn.Parameter(np.ones(2, dtype=np.float32)))
        >>> layer.register_parameter("shift", None)
        >>> [name for name, _ in layer.named_parameters()], layer.shift is None
        (['scale'], True)
        """
        _check_name(self, name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__} as parameter {name!r} "
                            "(nn.Parameter or None expected)")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute {name!r} already exists")
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | np.ndarray | None,
                        persistent: bool = True) -> None:
        """Add state that is not trained but is saved (unless ``persistent=False``).

        ``tensor`` is a Tensor, an array (numpy's or a device library's: wrapped) or None.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> layer = nn.Module()
        >>> layer.register_buffer("count", np.zeros(1))
        >>> layer.register_buffer("cache", np.zeros(3), persistent=False)
        >>> [name for name, _ in layer.named_buffers()], list(layer.parameters())
        (['count', 'cache'], [])
        >>> list(layer.state_dict())  # the non-persistent buffer is not saved
        ['count']
        """
        _check_name(self, name, "buffer")
        if backend.is_array(tensor):
            tensor = Tensor(cast(Any, tensor))
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign {type(tensor).__name__} as buffer {name!r} "
                            "(Tensor, numpy array or None expected)")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute {name!r} already exists")
        self._forget(name, keep=self._buffers)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a child module (or None) under ``name``.

        Assigning ``self.name = module`` does the same; ``register_module`` is an alias.
        The child's parameters are then the parent's, named ``name.weight``.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Module()
        >>> model.add_module("encoder", nn.Linear(4, 2))
        >>> [name for name, _ in model.named_parameters()]
        ['encoder.weight', 'encoder.bias']
        """
        _check_name(self, name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        self._forget(name, keep=self._modules)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------ traversal
    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """``(dotted_name, module)`` for this module (name ``""``) and every descendant.

        Depth first, in registration order; a module reached twice is listed once.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
        >>> [(name, type(m).__name__) for name, m in model.named_modules()]
        [('', 'Sequential'), ('0', 'Linear'), ('1', 'Sequential'), ('1.0', 'ReLU'),
         ('1.1', 'Linear')]
        """
        stack = [(prefix, self)]
        seen = set() if memo is None else memo
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{key}" if name else key, child)
                        for key, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator["Module"]:
        """This module and every descendant, depth first.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
        >>> [type(m).__name__ for m in model.modules()]
        ['Sequential', 'Linear', 'Sequential', 'ReLU', 'Linear']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """``(name, module)`` for the direct children.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
        >>> [(name, type(m).__name__) for name, m in model.named_children()]
        [('0', 'Linear'), ('1', 'Sequential')]
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator["Module"]:
        """The direct children (not their descendants: see ``modules``).

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
        >>> [type(m).__name__ for m in model.children()]
        ['Linear', 'Sequential']
        """
        for _, module in self.named_children():
            yield module

    def _named_members(self, table: str, prefix: str,
                       recurse: bool) -> Iterator[tuple[str, Any]]:
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, value in module.__dict__[table].items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, prefix: str = "",
                         recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted_name, Parameter)`` pairs (``"fc1.weight"``); shared ones once.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> [(name, p.shape) for name, p in model.named_parameters()]
        [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
        """
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in registration order (pass it to an optimizer).

        With ``recurse=False``, only this module's own.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> sum(p.size for p in model.parameters())  # (2 * 3 + 3) + (3 * 1 + 1)
        13
        >>> opt = nn.optim.SGD(model.parameters(), lr=0.1)
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "",
                      recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """``(dotted_name, Tensor)`` pairs of the buffers.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
        >>> [name for name, _ in model.named_buffers()]
        ['1.running_mean', '1.running_var', '1.num_batches_tracked']
        """
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (state that is saved but not trained).

        Examples
        --------
        >>> from graphgrad import nn
        >>> bn = nn.BatchNorm1d(3)
        >>> [tuple(b.shape) for b in bn.buffers()]  # running mean, running variance, count
        [(3,), (3,), ()]
        """
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # ------------------------------------------------------------ modes and grads
    def train(self: M, mode: bool = True) -> M:
        """Set training mode here and in every descendant (Dropout, BatchNorm care).

        Returns the module, so ``model.train()`` can be chained.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
        >>> model.train(False)[1].training, model.train()[1].training
        (False, True)
        """
        if not isinstance(mode, bool):
            raise ValueError(f"train: mode is expected to be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self: M) -> M:
        """Set evaluation mode (``train(False)``); returns the module.

        Dropout becomes the identity and BatchNorm uses its running statistics.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)).eval()
        >>> model[1].training
        False
        >>> x = gg.ones(1, 2)
        >>> bool((model(x) == model(x)).all())  # no random drops: repeatable
        True
        """
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Turn gradient tracking of every parameter on or off (freezing).

        Returns the module. A frozen body still passes gradients to the layers after it.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> body, head = nn.Linear(4, 3).requires_grad_(False), nn.Linear(3, 1)
        >>> head(body(gg.ones(2, 4))).sum().backward()
        >>> body.weight.grad is None, head.weight.grad.shape
        (True, (1, 3))
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (or zero) the gradients of every parameter.

        Call it before each backward: gradients accumulate otherwise.
        ``set_to_none=False`` keeps zero-filled gradients instead of None.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer(gg.ones(1, 2)).sum().backward()
        >>> layer.weight.grad
        Tensor([[1., 1.]], dtype=float32)
        >>> layer.zero_grad()
        >>> layer.weight.grad is None
        True
        """
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad = Tensor(backend.namespace(param.data).zeros_like(param.data))

    def to(self: M, *args: Any, dtype: DTypeLike = None, device: DeviceLike = None,
           non_blocking: bool = False) -> M:
        """Move every parameter and buffer to a device and/or cast the floating ones, in place.

        Takes PyTorch's forms: ``to(dtype)``, ``to("cuda")``, ``to(device, dtype)``,
        ``to(tensor)``. Parameters stay the same objects (an optimizer made before keeps
        working); their gradients move with them. Returns the module.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Linear(2, 1).to("cpu", np.float64).weight.dtype
        dtype('float64')
        """
        target, where = dtypes.to_arguments("to", *args, dtype=dtype, device=device,
                                            non_blocking=non_blocking)
        if target is not None and target.kind != "f":
            raise TypeError(f"to: nn.Module.to only accepts floating point dtypes, got {target}")
        if where is not None:
            where.native  # noqa: B018 - fail here, before anything moved, if it is missing
        moved = []  # computed first, assigned after: a failure leaves the module unchanged
        for tensor in list(self.parameters()) + list(self.buffers()):
            data, grad = tensor.data, None if tensor.grad is None else tensor.grad.data
            if where is not None:
                data = devices.move(data, where)
                grad = None if grad is None else devices.move(grad, where)
            if target is not None and tensor.dtype.kind == "f":
                xp = backend.namespace(data)
                data = xp.astype(data, backend.dtype_in(xp, target))
                grad = None if grad is None else xp.astype(grad, data.dtype)
            moved.append((tensor, data, grad))
        for tensor, data, grad in moved:
            if data is not tensor.data:
                tensor.data = data
            if grad is not None and (tensor.grad is None or grad is not tensor.grad.data):
                tensor.grad = Tensor(grad)
        return self

    def cpu(self: M) -> M:
        """Move every parameter and buffer to the CPU (numpy), in place; returns the module.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Linear(2, 1).cpu().weight.device
        device(type='cpu')
        """
        return self.to("cpu")

    def cuda(self: M, device: int | None = None) -> M:
        """Move every parameter and buffer to a CUDA GPU (CuPy), in place; returns the module.

        Raises ``DeviceError`` (and moves nothing) when CuPy or a GPU is missing.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> model = nn.Linear(2, 1)
        >>> try:
        ...     model = model.cuda()
        ... except gg.DeviceError:  # no CuPy or no GPU here: the model stays on the CPU
        ...     pass
        >>> model.weight.shape
        (1, 2)
        """
        return self.to(dtypes.device("cuda", device))

    def apply(self: M, fn: Callable[["Module"], object]) -> M:
        """Call ``fn(module)`` on every submodule, then on this one (PyTorch's order).

        Typical use: custom initialisation, ``model.apply(init_weights)``.
        Returns the module.

        Example
        -------
        >>> from graphgrad import nn
        >>> seen = []
        >>> _ = nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(lambda m: seen.append(type(m)))
        >>> [t.__name__ for t in seen]
        ['Linear', 'ReLU', 'Sequential']
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def double(self: M) -> M:
        """Cast floating-point parameters and buffers to float64 (for gradcheck).

        In place; returns the module.

        Examples
        --------
        >>> from graphgrad import nn
        >>> nn.Linear(2, 1).double().weight.dtype
        dtype('float64')
        """
        return self.to(autograd.float64)

    def float(self: M) -> M:
        """Cast floating-point parameters and buffers to float32.

        In place; returns the module. Integer buffers (BatchNorm's count) keep their dtype.

        Examples
        --------
        >>> from graphgrad import nn
        >>> bn = nn.BatchNorm1d(3).double().float()
        >>> bn.weight.dtype, bn.num_batches_tracked.dtype
        (dtype('float32'), dtype('int64'))
        """
        return self.to(autograd.float32)

    # ------------------------------------------------------------ state
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, in registration order.

        Values are Tensors sharing memory with the module (``keep_vars=False``
        detaches them); copy them to keep a snapshot:
        ``{k: v.numpy().copy() for k, v in model.state_dict().items()}``.

        Examples
        --------
        >>> from graphgrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
        >>> list(model.state_dict())
        ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
         '1.num_batches_tracked']
        """
        result: dict[str, Tensor] = OrderedDict()
        for module_name, module in self.named_modules(prefix=prefix.rstrip(".")):
            items = list(module._parameters.items()) + [
                (k, v) for k, v in module._buffers.items()
                if k not in module._non_persistent_buffers]
            for name, value in items:
                if value is not None:
                    key = f"{module_name}.{name}" if module_name else name
                    result[key] = value if keep_vars else value.detach()
        return result

    def load_state_dict(self, state_dict: Mapping[str, Any],
                        strict: bool = True) -> IncompatibleKeys:
        """Copy arrays (or Tensors) into the parameters and buffers, by dotted name.

        Everything is checked first: keys missing from ``state_dict`` or not in
        the module (ignored when ``strict=False``), wrong shapes and non-numeric
        values are all listed in one ``StateDictError``, and then nothing has
        changed. Values are cast to each parameter's dtype and copied to its device
        (through the host: a checkpoint's numpy arrays, or Tensors of any device).

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``, as in PyTorch.

        Examples
        --------
        >>> import numpy as np
        >>> from graphgrad import nn
        >>> source, target = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> target.load_state_dict(source.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((target.weight == source.weight).all())
        True
        >>> target.load_state_dict({"weight": np.ones((1, 2))}, strict=False)
        IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
        """
        if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
            raise TypeError(f"load_state_dict: expected a dict of arrays, got "
                            f"{type(state_dict).__name__}")
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict.keys() if key not in own]
        problems: list[str] = []
        arrays: dict[str, np.ndarray] = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = value.data if isinstance(value, Tensor) else value
            try:
                array = backend.to_host(backend.as_array(array))  # checked on the host
            except Exception as exc:  # noqa: BLE001 - any conversion failure is reported
                problems.append(f"{key}: cannot convert {type(value).__name__} to an array ({exc})")
                continue
            if array.dtype.kind not in "fiub":
                problems.append(f"{key}: has dtype {array.dtype}, expected numbers")
            elif array.shape != target.data.shape:
                problems.append(f"{key}: shape {array.shape} in the checkpoint, "
                                f"{target.data.shape} in the module")
            else:
                arrays[key] = array
        if strict:
            listed = [("missing", missing), ("unexpected", unexpected)]
            problems[:0] = [f"{kind} key(s): " + ", ".join(repr(k) for k in keys)
                            for kind, keys in listed if keys]
        if problems:
            raise StateDictError(f"Error(s) in loading state_dict for {type(self).__name__} "
                                 "(nothing was changed):\n  " + "\n  ".join(problems))
        with no_grad():
            for key, array in arrays.items():
                # NOTE: an in-place write (cast to the parameter's dtype, on its device) that
                # bumps the version: a graph recorded with the old values refuses to backward
                own[key][...] = backend.from_host(array, own[key].data)
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``state_dict()`` to ``path`` as ``.npz``, atomically.

        The file is written to a temporary name in the same folder and then
        renamed over ``path``, so a crash never leaves a half-written checkpoint.
        The name is used as given (no ``.npz`` is appended). A read-only file is
        refused (``ReadOnlyCheckpointError``). Arrays on a device are copied to the host
        first (``backend.to_host``); ``load`` copies them back to wherever the module's
        parameters are.

        Examples
        --------
        >>> from graphgrad import nn
        >>> import os, tempfile
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.npz")
        >>> nn.Linear(2, 1).save(path)
        >>> sorted(np.load(path).files)
        ['bias', 'weight']
        >>> folder.cleanup()
        """
        save_arrays({key: backend.to_host(value.data)
                     for key, value in self.state_dict().items()}, path)

    def load(self, path: str | os.PathLike[str], strict: bool = True,
             max_members: int = MAX_MEMBERS) -> IncompatibleKeys:
        """Load a checkpoint written by ``save`` (or ``np.savez``); returns the key report.

        The archive's headers are checked against the module before any array
        is read: member count (at most ``max_members``), names, dtypes, and
        declared shapes and sizes. Only the members that will be loaded are
        read (``strict=False`` skips the others unread), never with pickle.
        Any problem raises ``StateDictError`` naming the file and key, and
        then the module is unchanged.

        Examples
        --------
        >>> from graphgrad import nn
        >>> import os, tempfile
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.npz")
        >>> trained, fresh = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> trained.save(path)
        >>> fresh.load(path)
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((fresh.weight == trained.weight).all())
        True
        >>> folder.cleanup()
        """
        expected = {key: value.shape for key, value in self.state_dict().items()}
        arrays, unexpected = read_checkpoint(path, expected, strict, max_members)
        missing = self.load_state_dict(arrays, strict=strict).missing_keys
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr; layers override it.

        Children are printed after it, one per line.

        Examples
        --------
        >>> from graphgrad import nn
        >>> class Scale(nn.Module):
        ...     def __init__(self, factor):
        ...         super().__init__()
        ...         self.factor = factor
        ...     def extra_repr(self):
        ...         return f"factor={self.factor}"
        >>> Scale(2.0)
        Scale(factor=2.0)
        """
        return ""

    def __repr__(self) -> str:
        lines: list[str] = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            body = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        head = type(self).__name__ + "("
        if not lines:
            return head + ")"
        if len(lines) == 1 and not self._modules:
            return head + lines[0] + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
