"""Module hooks: the handle that removes one, and the machinery of full backward hooks.

A full backward hook ``hook(module, grad_input, grad_output)`` is built on the
engine's public tensor hooks only: the module's Tensor inputs that require
grad pass through one identity node (all of them packed into one flat vector
when there are several, so their gradients arrive together), and each output
through its own; tensor hooks on those nodes see ``grad_output`` first and
then ``grad_input``, call the module's hooks, and hand on a replacement
``grad_input`` if a hook returns one.
"""
import itertools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ..autograd import Tensor, cat, is_grad_enabled

__all__ = ["RemovableHandle", "HookMixin", "BackwardHook", "add_hook"]

_next_id = itertools.count()


class RemovableHandle:
    """Returned by ``register_*_hook``: ``remove()`` unregisters the hook (also as ``with``).

    Examples
    --------
    >>> from graphgrad import nn
    >>> layer = nn.Linear(2, 2)
    >>> handle = layer.register_forward_hook(lambda m, args, out: None)
    >>> len(layer._forward_hooks); handle.remove(); len(layer._forward_hooks)
    1
    0
    """

    def __init__(self, *tables: OrderedDict) -> None:
        self.id = next(_next_id)
        self._tables = tables

    def remove(self) -> None:
        """Unregister the hook (removing twice is harmless)."""
        for table in self._tables:
            table.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def add_hook(table: OrderedDict, hook: Callable[..., Any], prepend: bool,
             *extra_tables: OrderedDict) -> RemovableHandle:
    """Put ``hook`` into ``table`` (first if ``prepend``) and return its handle."""
    if not callable(hook):
        raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
    handle = RemovableHandle(table, *extra_tables)
    table[handle.id] = hook
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


class BackwardHook:
    """One forward call's bookkeeping for the module's full backward hooks."""

    def __init__(self, module: "HookMixin") -> None:
        self.module = module
        self.n_args = 0
        self.positions: list[int] = []  # of the positional args that are Tensors requiring grad
        self.grad_outputs: list[Any] = []  # one per output, filled in by the output hooks
        self.n_outputs = 0
        self.outputs_seen = 0

    def setup_inputs(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Route the Tensor arguments that require grad through a hooked identity node."""
        if not is_grad_enabled():
            return args
        self.n_args = len(args)
        self.positions = [i for i, a in enumerate(args)
                          if isinstance(a, Tensor) and a.requires_grad]
        if not self.positions:
            return args
        tensors = [args[i] for i in self.positions]
        routed = list(args)
        if len(tensors) == 1:
            through = tensors[0].view_as(tensors[0])
            through.register_hook(self._input_hook)
            routed[self.positions[0]] = through
            return tuple(routed)
        dtypes = {t.dtype for t in tensors}
        if len(dtypes) != 1:
            raise TypeError(f"{type(self.module).__name__}: a full backward hook needs the "
                            "inputs that require grad to share one dtype, got "
                            f"{sorted(str(d) for d in dtypes)}; cast them first")
        self.shapes = [t.shape for t in tensors]
        packed = cat([t.reshape(-1) for t in tensors])
        packed.register_hook(self._input_hook)
        offset = 0
        for i, shape in zip(self.positions, self.shapes):
            size = tensors[self.positions.index(i)].size
            routed[i] = packed[offset:offset + size].reshape(shape)
            offset += size
        return tuple(routed)

    def setup_outputs(self, result: Any) -> Any:
        """Route each output Tensor that requires grad through a hooked identity node."""
        if not is_grad_enabled():
            return result
        outputs = _as_tuple(result)
        self.n_outputs = len(outputs)
        self.grad_outputs = [None] * len(outputs)
        wrapped = list(outputs)
        self.expected_outputs = 0
        for i, out in enumerate(outputs):
            if isinstance(out, Tensor) and out.requires_grad:
                wrapped[i] = out.view_as(out)
                wrapped[i].register_hook(self._output_hook(i))
                self.expected_outputs += 1
        return tuple(wrapped) if isinstance(result, tuple) else wrapped[0]

    def _output_hook(self, index: int) -> Callable[[Tensor], None]:
        def hook(grad: Tensor) -> None:
            self.grad_outputs[index] = grad
            self.outputs_seen += 1
            if not self.positions and self.outputs_seen == self.expected_outputs:
                self._call_hooks((None,) * self.n_args)  # no input needs a gradient
        return hook

    def _input_hook(self, grad: Tensor) -> Tensor | None:
        if len(self.positions) == 1:
            grads = [grad]
        else:
            grads, offset = [], 0
            for shape in self.shapes:
                size = 1
                for n in shape:
                    size *= n
                grads.append(grad[offset:offset + size].reshape(shape))
                offset += size
        grad_input: list[Tensor | None] = [None] * self.n_args
        for i, g in zip(self.positions, grads):
            grad_input[i] = g
        new = self._call_hooks(tuple(grad_input))
        if new is None:
            return None
        chosen = [new[i] for i in self.positions]
        chosen = [g if g is not None else old * 0 for g, old in zip(chosen, grads)]
        if len(chosen) == 1:
            return chosen[0]
        return cat([g.reshape(-1) for g in chosen])

    def _call_hooks(self, grad_input: tuple[Any, ...]) -> tuple[Any, ...] | None:
        grad_output = tuple(self.grad_outputs)
        result = None
        for hook in list(self.module._backward_hooks.values()):
            out = hook(self.module, grad_input, grad_output)
            if out is None:
                continue
            out = _as_tuple(out)
            if len(out) != len(grad_input):
                raise ValueError(f"{type(self.module).__name__}: a backward hook returned "
                                 f"{len(out)} gradients, but the module has {len(grad_input)} "
                                 "positional inputs; return one per input (None: no gradient)")
            grad_input = result = out
        return result


class HookMixin:
    """Module's call with forward pre-hooks, forward hooks and full backward hooks.

    The hook tables (``_forward_pre_hooks``, ``_forward_hooks``,
    ``_backward_hooks``, ``_hooks_with_kwargs``) are made by ``Module.__init__``.
    """

    # declared for the type checker only (no class attribute): Module.__init__ sets them
    _forward_pre_hooks: OrderedDict[int, Any]
    _forward_hooks: OrderedDict[int, Any]
    _backward_hooks: OrderedDict[int, Any]
    _hooks_with_kwargs: OrderedDict[int, bool]
    forward: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward(*args, **kwargs)`` between the registered hooks; use this, not
        ``forward``, so forward pre-hooks, forward hooks and backward hooks run.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.Linear(2, 3)
        >>> handle = layer.register_forward_hook(lambda m, args, out: print("out", out.shape))
        >>> y = layer(gg.ones(4, 2))
        out (4, 3)
        >>> y = layer.forward(gg.ones(4, 2))  # forward alone skips the hooks
        >>> handle.remove()
        """
        d = self.__dict__
        if not (d.get("_forward_pre_hooks") or d.get("_forward_hooks")
                or d.get("_backward_hooks")):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """``forward`` between the forward pre-hooks and forward hooks, in PyTorch's order."""
        with_kwargs = self._hooks_with_kwargs
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise TypeError(f"{type(self).__name__}: a forward pre-hook registered "
                                        "with_kwargs=True must return None or (args, kwargs)")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if self._backward_hooks:
            backward_hook = BackwardHook(self)
            args = backward_hook.setup_inputs(args)
        output = self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        if backward_hook is not None:
            output = backward_hook.setup_outputs(output)
        return output

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before every ``forward``; it may return new args.

        A non-None result replaces the positional arguments (a single value is
        wrapped in a tuple). With ``with_kwargs=True`` the hook is
        ``hook(module, args, kwargs)`` and returns None or ``(args, kwargs)``.
        Hooks run in registration order (``prepend=True`` puts this one first).

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> double = nn.Identity()
        >>> _ = double.register_forward_pre_hook(lambda m, args: args[0] * 2)
        >>> double(gg.Tensor([1.0, 2.0]))
        Tensor([2., 4.], dtype=float32)
        """
        handle = add_hook(self._forward_pre_hooks, hook, prepend, self._hooks_with_kwargs)
        if with_kwargs:
            self._hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every ``forward``; it may return a new output.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs,
        output)``. ``args`` are those ``forward`` received (after the pre-hooks).
        Hooks run in registration order (``prepend=True`` puts this one first).

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> seen = []
        >>> relu = nn.ReLU()
        >>> handle = relu.register_forward_hook(lambda m, args, out: seen.append(out.shape))
        >>> _ = relu(gg.zeros((2, 3))); handle.remove(); _ = relu(gg.zeros(1))
        >>> seen
        [(2, 3)]
        """
        handle = add_hook(self._forward_hooks, hook, prepend, self._hooks_with_kwargs)
        if with_kwargs:
            self._hooks_with_kwargs[handle.id] = True
        return handle

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the inputs' gradients are known.

        ``grad_input`` has one entry per positional argument of the call (None
        for arguments that are not Tensors or do not require grad) and
        ``grad_output`` one per output (None where no gradient arrived). A
        non-None result (a tuple like ``grad_input``) replaces the gradients
        passed on to the inputs. When no input requires grad the hook runs once
        every output's gradient is known, with ``grad_input`` all None, as in
        PyTorch. Built on the engine's tensor hooks: the inputs that require
        grad go through one identity node (packed into one vector when there
        are several, so they must share a dtype).

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> layer = nn.Linear(2, 1)
        >>> shapes = []
        >>> _ = layer.register_full_backward_hook(
        ...     lambda m, gi, go: shapes.append((gi[0].shape, go[0].shape)))
        >>> layer(gg.ones((4, 2), requires_grad=True)).sum().backward()
        >>> shapes
        [((4, 2), (4, 1))]
        """
        return add_hook(self._backward_hooks, hook, prepend)
