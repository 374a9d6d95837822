"""Function transforms built on ``grad``: jacobian, hessian, vjp, jvp.

They follow ``torch.autograd.functional``: ``func`` takes one Tensor or a
tuple of Tensors and returns one Tensor or a tuple of Tensors; results come
back in the same structure. Higher derivatives come from
differentiating the recorded backward pass (``create_graph=True``).

Everything is computed on the inputs' device: the seed vectors (ones, the selectors of a
Jacobian's rows, zeros for unused inputs) are made by the inputs' array library there, so
a Jacobian of a function of tensors on ``"cuda"`` is a tensor on ``"cuda"``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import backend
from .engine import grad
from .errors import GradientError
from .tensor import Tensor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = ["vjp", "jvp", "jacobian", "hessian"]


def _as_inputs(inputs, create_graph):
    """Normalise inputs to a tuple of Tensors that require grad.

    Inputs already in a graph keep their connection when ``create_graph`` is
    set (so the result can be differentiated with respect to them);
    otherwise they are detached, and the caller's tensors are left untouched.
    """
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    prepared = []
    for index, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(f"functional: input {index} is a {type(item).__name__}, not a Tensor")
        if item.dtype.kind != "f":
            raise TypeError(f"functional: input {index} has dtype {item.dtype}; differentiation "
                            "needs floating-point tensors")
        if create_graph and item.requires_grad:
            prepared.append(item.clone())
        else:
            prepared.append(item.detach().requires_grad_())
    return is_tuple, tuple(prepared)


def _as_outputs(outputs, op):
    is_tuple = isinstance(outputs, (tuple, list))
    items = tuple(outputs) if is_tuple else (outputs,)
    for index, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(f"{op}: the function returned a {type(item).__name__} as output "
                            f"{index}; it must return Tensors")
    return is_tuple, items


def _filled(value, fill, shape=None, like=None):
    """A constant Tensor on ``value``'s device, with ``value``'s dtype (or ``like``'s)."""
    like = value if like is None else like
    xp = backend.namespace(value.data)
    return Tensor(xp.full(value.shape if shape is None else shape, fill, dtype=like.data.dtype,
                          device=value.data.device))


def _zeros_for(value):
    return _filled(value, 0)


def _shape(vector):
    """The shape of a Tensor, an array of any library, or nested lists of numbers."""
    return tuple(vector.shape if hasattr(vector, "shape") else backend.as_array(vector).shape)


def _grads(outputs, inputs, grad_outputs, create_graph):
    """Gradients of outputs w.r.t. inputs; zeros where an input is unused."""
    live = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not live:
        return tuple(_zeros_for(x) for x in inputs)
    results = grad([o for o, _ in live], inputs, [g for _, g in live], retain_graph=True,
                   create_graph=create_graph, allow_unused=True)
    return tuple(_zeros_for(x) if r is None else r for x, r in zip(inputs, results))


def _detach_all(values, create_graph):
    return values if create_graph else tuple(v.detach() for v in values)


def _vectors_for_outputs(v, outs, outputs_tuple):
    """``v`` as one vector per output, checked against the outputs' shapes (vjp)."""
    if v is None:
        for index, out in enumerate(outs):
            if out.size != 1:
                raise GradientError(f"vjp: output {index} has shape {out.shape}; pass v "
                                    "(one tensor per output, with its shape)")
        return tuple(_filled(out, 1) for out in outs)
    one_in_tuple = isinstance(v, (tuple, list)) and len(v) == 1 and isinstance(v[0], Tensor)
    if outputs_tuple or one_in_tuple:
        if not isinstance(v, (tuple, list)) or len(v) != len(outs):
            count = len(v) if isinstance(v, (tuple, list)) else "one"
            raise GradientError(f"vjp: got {count} vectors for {len(outs)} outputs; pass a "
                                "tuple with one tensor per output")
        vs = tuple(v)
    else:
        vs = (v,)
    for index, (out, vector) in enumerate(zip(outs, vs)):
        if _shape(vector) != out.shape:
            raise GradientError(f"vjp: v[{index}] has shape {_shape(vector)} but "
                                f"output {index} has shape {out.shape}; they must match")
    return vs


def _outputs_back(outs, outputs_tuple, create_graph):
    outs = _detach_all(outs, create_graph)
    return outs if outputs_tuple else outs[0]


def vjp(func: Callable[..., Tensor | Sequence[Tensor]], inputs: Tensor | Sequence[Tensor],
        v: Tensor | Sequence[Tensor] | None = None, create_graph: bool = False) -> tuple[Any, Any]:
    """Vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``.

    Returns ``(func(inputs), vjp)``. ``v`` has the output's shape (it may be
    omitted for one-element outputs); when ``func`` returns a tuple of
    Tensors, ``v`` is a tuple with one vector per output and the products are
    summed, as in ``torch.autograd.functional.vjp``.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0])
    >>> vjp(lambda x: x ** 2, x, gg.tensor([1.0, 1.0]))[1]      # 2 x
    Tensor([2., 4.], dtype=float32)
    >>> vjp(lambda x: (x ** 2, 3 * x), x, (gg.tensor([1.0, 1.0]), gg.tensor([1.0, 0.0])))[1]
    Tensor([5., 4.], dtype=float32)
    """
    is_tuple, xs = _as_inputs(inputs, create_graph)
    outputs_tuple, outs = _as_outputs(func(*xs), "vjp")
    vs = _vectors_for_outputs(v, outs, outputs_tuple)
    result = _detach_all(_grads(outs, xs, vs, create_graph), create_graph)
    return _outputs_back(outs, outputs_tuple, create_graph), (result if is_tuple else result[0])


def jvp(func: Callable[..., Tensor | Sequence[Tensor]], inputs: Tensor | Sequence[Tensor],
        v: Tensor | Sequence[Tensor] | None = None, create_graph: bool = False) -> tuple[Any, Any]:
    """Jacobian-vector product ``J v`` of ``func`` at ``inputs``.

    Returns ``(func(inputs), jvp)``; when ``func`` returns a tuple of Tensors,
    both are tuples with one entry per output, as in
    ``torch.autograd.functional.jvp``. Computed with the double-backward
    trick: ``u -> u^T J`` is linear in ``u``, so differentiating it against
    ``v`` gives ``J v`` without forming ``J``.

    Example
    -------
    >>> import graphgrad as gg
    >>> x = gg.tensor([1.0, 2.0])
    >>> jvp(lambda x: (x ** 2, 3 * x), x, gg.tensor([1.0, 1.0]))[1]
    (Tensor([2., 4.], dtype=float32), Tensor([3., 3.], dtype=float32))
    """
    is_tuple, xs = _as_inputs(inputs, create_graph)
    vs = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if v is None:
        if len(xs) != 1 or xs[0].size != 1:
            raise GradientError("jvp: pass v (one tensor per input, with its shape) unless the "
                                "single input has one element")
        vs = (_filled(xs[0], 1),)
    if len(vs) != len(xs):
        raise GradientError(f"jvp: got {len(vs)} vectors for {len(xs)} inputs; pass one each")
    for index, (x, vector) in enumerate(zip(xs, vs)):
        if _shape(vector) != x.shape:
            raise GradientError(f"jvp: v[{index}] has shape {_shape(vector)} but input "
                                f"{index} has shape {x.shape}; they must match")
    outputs_tuple, outs = _as_outputs(func(*xs), "jvp")
    results = [_zeros_for(out) for out in outs]
    live = [i for i, out in enumerate(outs) if out.requires_grad]
    if live:
        dummies = [_zeros_for(outs[i]).requires_grad_() for i in live]
        vjps = grad([outs[i] for i in live], xs, dummies, retain_graph=True,
                    create_graph=True, allow_unused=True)
        pairs = [(g, vector) for g, vector in zip(vjps, vs) if g is not None and g.requires_grad]
        if pairs:
            found = grad([g for g, _ in pairs], dummies,
                         [vector if isinstance(vector, Tensor) else Tensor(vector)
                          for _, vector in pairs],
                         retain_graph=True, create_graph=create_graph, allow_unused=True)
            for i, r in zip(live, found):
                if r is not None:
                    results[i] = r
    results = _detach_all(tuple(results), create_graph)
    return (_outputs_back(outs, outputs_tuple, create_graph),
            results if outputs_tuple else results[0])


def jacobian(func: Callable[..., Tensor | Sequence[Tensor]], inputs: Tensor | Sequence[Tensor],
             create_graph: bool = False) -> Any:
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``.

    With several inputs (a tuple) the result is a tuple, one block per input;
    with several outputs, a tuple (per output) of such results.

    Example
    -------
    >>> import graphgrad as gg
    >>> jacobian(lambda x: x.sin(), gg.tensor([0.0, 1.0])).data   # diag(cos x)
    array([[1.       , 0.       ],
           [0.       , 0.5403023]], dtype=float32)
    """
    inputs_tuple, xs = _as_inputs(inputs, create_graph)
    outputs_tuple, outs = _as_outputs(func(*xs), "jacobian")
    per_output = []
    for out in outs:
        rows: list[list[Any]] = [[] for _ in xs]
        xp = backend.namespace(out.data)
        for flat_index in range(out.size):
            selector = xp.zeros(out.size, dtype=out.data.dtype, device=out.data.device)
            selector[flat_index] = 1
            grads = _grads((out,), xs, (Tensor(xp.reshape(selector, out.shape)),), create_graph)
            for block, g in zip(rows, grads):
                block.append(g.reshape(-1))
        blocks = []
        for x, block in zip(xs, rows):
            stacked = _stack_rows(block, x, out)
            blocks.append(stacked if create_graph else stacked.detach())
        per_output.append(tuple(blocks) if inputs_tuple else blocks[0])
    return tuple(per_output) if outputs_tuple else per_output[0]


def _stack_rows(rows, x, out):
    from .ops.shape import stack

    if not rows:
        return _filled(out, 0, shape=out.shape + x.shape, like=x)
    return stack(rows).reshape(out.shape + x.shape)


def hessian(func: Callable[..., Tensor], inputs: Tensor | Sequence[Tensor],
            create_graph: bool = False) -> Any:
    """The Hessian of a function with one-element output: ``input.shape * 2``.

    With a tuple of inputs the result is a tuple of tuples: ``H[i][j]`` is
    the block of second derivatives over inputs ``i`` and ``j``.

    Example
    -------
    >>> import graphgrad as gg
    >>> hessian(lambda x: (x ** 3).sum(), gg.tensor([1.0, 2.0])).data   # diag(6 x)
    array([[ 6.,  0.],
           [ 0., 12.]], dtype=float32)
    """
    inputs_tuple, xs = _as_inputs(inputs, create_graph)

    def gradient(*values):
        out = func(*values)
        _, (scalar,) = _as_outputs(out, "hessian")
        if scalar.size != 1:
            raise GradientError(f"hessian: the function must return one element, got shape "
                                f"{scalar.shape}; reduce it (e.g. .sum())")
        ones = _filled(scalar, 1)
        return _grads((scalar,), values, (ones,), create_graph=True)

    blocks = jacobian(gradient, xs, create_graph=create_graph)
    if inputs_tuple:
        return tuple(tuple(row) for row in blocks)
    return blocks[0][0]
