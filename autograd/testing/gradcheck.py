"""Check gradients against central differences: ``gradcheck``, ``gradgradcheck``.

The analytic side runs backward once: a non-scalar output (or several
outputs) is reduced to a scalar by a fixed random projection ``sum(out * v)``
(v = 1 for a single one-element output), so one backward gives
``v^T J`` for every input element at once. The numerical side perturbs each
input element by ``+-eps`` and projects the two outputs with the same ``v``.
Every element of every input that requires grad is compared; nothing is
sampled. The entries of ``v`` have magnitude in [0.5, 1.5], so no output
element is weighted (nearly) away.

Tensors on any device are checked where they live: the perturbed copies of an input and
every evaluation of ``fn`` (the numerical side) and the backward pass (the analytic side)
run on the input's device, with ``v`` drawn on the host and copied there once per
evaluation; only the projected numbers and the gradients come to the host
(``backend.to_host``), where the comparison is made.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..devices import device_of, move
from ..engine import grad as _grad
from ..errors import AutogradError
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ..value import is_value

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from ..typing import TensorLike

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]

_SEED = 20240607  # fixed: a failing check fails the same way every run


class GradcheckError(AutogradError, AssertionError):
    """Analytic and numerical gradients disagree (raised by ``gradcheck``).

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.autograd.testing import GradcheckError, gradcheck
    >>> x = gg.tensor([1.0, 2.0], dtype=gg.float64, requires_grad=True)
    >>> try:
    ...     gradcheck(lambda t: (t.detach() * t).sum(), x)  # backward misses one factor
    ... except GradcheckError as e:
    ...     print(str(e).splitlines()[0])
    gradcheck: the gradient computed by backward disagrees with central differences (eps=1e-06,
    atol=1e-05, rtol=0.001) in 2 element(s):
    """


def gradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Compare the gradients of ``fn`` with central differences, element by element.

    Parameters
    ----------
    fn : callable
        Called as ``fn(*inputs)``; returns a value (Tensor or Scalar) or a
        tuple of them.
    inputs : Tensor or tuple
        The arguments of ``fn``. Every value with ``requires_grad=True`` is
        checked and must be float64; anything else is passed through.
    eps : float
        Step of the central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``.
    atol, rtol : float
        An element passes when ``|analytic - numerical| <= atol + rtol * |numerical|``.
    raise_exception : bool
        Raise ``GradcheckError`` on a mismatch (default) or return False.

    Returns
    -------
    bool
        True when every element agrees.

    Example
    -------
    >>> x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    >>> gradcheck(lambda t: (t * t).sum(), x)
    True
    """
    inputs = _as_tuple(inputs)
    checked = _checked_indices(inputs, "gradcheck")
    saved_grads = [value.grad for value in inputs if is_value(value)]
    try:
        projections: list[Any] = []
        analytic = _analytic_grads(fn, inputs, checked, projections)
        failures = []
        for index in checked:
            numerical = _numerical_grad(fn, inputs, index, eps, projections)
            failure = _compare(index, analytic[index], numerical, atol, rtol)
            if failure is not None:
                failures.append(failure)
    finally:
        for value, grad in zip((v for v in inputs if is_value(v)), saved_grads):
            value.grad = grad
    if not failures:
        return True
    if raise_exception:
        projected = not all(np.all(v == 1.0) for v in projections)
        raise GradcheckError(_failure_message(failures, eps, atol, rtol, projected))
    return False


def gradgradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: TensorLike | Sequence[TensorLike] | None = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True) -> bool:
    """Check second derivatives of ``fn`` by ``gradcheck`` on its gradient.

    The gradients ``g_i = d sum(out * u) / d input_i`` are taken with
    ``create_graph=True`` and reduced to ``sum_i sum(g_i * w_i)``, with fixed
    random ``u`` (or ``grad_outputs``) and ``w_i``; ``gradcheck`` then checks
    that function of the inputs.

    Parameters
    ----------
    fn, inputs, eps, atol, rtol, raise_exception
        As for ``gradcheck``.
    grad_outputs : array_like or tuple, optional
        The weights ``u`` of the outputs (one per output); random by default.

    Returns
    -------
    bool
        True when every element of every input agrees.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad.autograd.testing import gradgradcheck
    >>> x = gg.tensor([0.5, -1.0], dtype=gg.float64, requires_grad=True)
    >>> gradgradcheck(lambda t: t.tanh() * t, x)
    True
    >>> gradgradcheck(lambda t: t * t.detach() ** 2, x, raise_exception=False)
    False
    """
    inputs = _as_tuple(inputs)
    checked = _checked_indices(inputs, "gradgradcheck")
    rng = np.random.default_rng(_SEED + 1)
    if grad_outputs is not None:
        grad_outputs = [_on_host(u) for u in _as_tuple(grad_outputs)]
    weights = {}

    def first_derivatives(*args):
        with enable_grad():
            outputs = _as_tuple(fn(*args))
            _check_outputs(outputs)
            if grad_outputs is not None and len(grad_outputs) != len(outputs):
                raise ValueError(f"gradgradcheck: got {len(grad_outputs)} grad_outputs for "
                                 f"{len(outputs)} outputs; pass one per output")
            if "u" not in weights:
                weights["u"] = grad_outputs or [_random_projection(rng, out) for out in outputs]
            root = _project(outputs, weights["u"])
            diff_inputs = [args[i] for i in checked]
            if root is None or not root.requires_grad:
                grads = [None] * len(diff_inputs)
            else:
                grads = _grad(root, diff_inputs, create_graph=True, allow_unused=True)
            for i in checked:
                if i not in weights:
                    weights[i] = _random_projection(rng, args[i])
            total = _project(grads, [weights[i] for i in checked])
        if total is None:
            first = args[checked[0]].data
            xp = backend.namespace(first)
            return Tensor(xp.zeros((), dtype=xp.float64, device=getattr(first, "device", "cpu")))
        return total

    return gradcheck(first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)


# ---------------------------------------------------------------- helpers
def _as_tuple(values: Any) -> tuple[Any, ...]:
    return tuple(values) if isinstance(values, (tuple, list)) else (values,)


def _shape_of(data):
    """The shape of a value's data: an array of any library, or a Scalar's number (``()``)."""
    return tuple(data.shape) if hasattr(data, "shape") else ()


def _dtype_of(data):
    """numpy's dtype of a value's data, whatever its device."""
    return backend.numpy_dtype(data.dtype) if hasattr(data, "dtype") else np.asarray(data).dtype


def _on_host(value):
    """A value (Tensor, array of any library, number, list) as a float64 numpy array."""
    data = value.data if is_value(value) else value
    return np.asarray(backend.to_host(backend.as_array(data)), dtype=np.float64)


def _weight_on(weight, data):
    """The host weight ``weight`` on the device of ``data`` (itself for numpy and numbers)."""
    return weight if backend.is_numpy(data) else move(weight, device_of(data))


def _checked_indices(inputs, op):
    """Indices of the inputs to check; refuse low-precision ones."""
    checked = []
    for index, value in enumerate(inputs):
        if not (is_value(value) and value.requires_grad):
            continue
        dtype = _dtype_of(value.data)
        if dtype != np.float64:
            where = "" if backend.is_numpy(value.data) else (
                f" (if its device, {device_of(value.data)}, has no float64, check a float64 "
                "copy on another: x.to('cpu', gg.float64))")
            raise ValueError(
                f"{op}: input {index} has dtype {dtype}, but central differences need "
                "float64 to be accurate; make the input float64, e.g. "
                f"Tensor(np.asarray(data, dtype=np.float64), requires_grad=True){where}")
        checked.append(index)
    if not checked:
        raise ValueError(f"{op}: no input requires grad, so there is nothing to check; "
                         "pass inputs created with requires_grad=True")
    return checked


def _check_outputs(outputs):
    for index, out in enumerate(outputs):
        if not is_value(out):
            raise TypeError(f"gradcheck: output {index} of fn is a {type(out).__name__}; fn "
                            "must return a Tensor or Scalar (or a tuple of them)")
        dtype = _dtype_of(out.data)
        if dtype.kind == "f" and dtype != np.float64:
            raise ValueError(
                f"gradcheck: output {index} of fn has dtype {dtype}; central differences "
                "need float64 outputs: check for float32 constants inside fn")


def _random_projection(rng, value):
    """A fixed weight per element: random sign, magnitude in [0.5, 1.5]."""
    shape = _shape_of(value.data)
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 1.5, size=shape)


def _project(values, weights):
    """``sum(value * weight)`` over values (None values skipped), as a graph value."""
    total = None
    for value, weight in zip(values, weights):
        if value is None:
            continue
        if isinstance(value, Tensor):
            term = (value * Tensor(_weight_on(weight, value.data))).sum()
        else:  # a Scalar: its data is a float
            term = value * float(weight)
        total = term if total is None else total + term
    return total


def _analytic_grads(fn, inputs, checked, projections):
    """``v^T J`` for each checked input (zeros where the output does not depend on it)."""
    with enable_grad():
        outputs = _as_tuple(fn(*inputs))
        _check_outputs(outputs)
        rng = np.random.default_rng(_SEED)
        if len(outputs) == 1 and math.prod(_shape_of(outputs[0].data)) == 1:
            # NOTE: a scalar output needs no projection; weight 1 keeps the
            # reported values equal to the gradient the user would compute.
            projections.append(np.ones(_shape_of(outputs[0].data)))
        else:
            projections.extend(_random_projection(rng, out) for out in outputs)
        root = _project(outputs, projections)
        diff_inputs = [inputs[i] for i in checked]
        if root.requires_grad:
            grads = _grad(root, diff_inputs, allow_unused=True)
        else:
            grads = [None] * len(diff_inputs)
    analytic = {}
    for index, grad in zip(checked, grads):
        shape = _shape_of(inputs[index].data)
        if grad is None:
            analytic[index] = np.zeros(shape)
        else:
            analytic[index] = _on_host(grad)
    return analytic


def _projected_value(fn, inputs, projections):
    with no_grad():
        outputs = _as_tuple(fn(*inputs))
    total = 0.0
    for out, v in zip(outputs, projections):  # summed on the output's device
        data = out.data
        total += float(backend.namespace(data).sum(data * _weight_on(v, data)))
    return total


def _numerical_grad(fn, inputs, index, eps, projections):
    """Central differences of the projected output for every element of one input.

    The input's array is swapped for a private copy that is perturbed in place (on its
    device, by its library), and the original array object is put back afterwards, even
    on exceptions: the user's data is never written to.
    """
    value = inputs[index]
    original = value.data
    is_array = isinstance(original, np.ndarray) or backend.is_foreign_array(original)
    xp = backend.namespace(original)
    work = xp.asarray(original, dtype=xp.float64, copy=True) if is_array else float(original)
    numerical = np.zeros(_shape_of(original))
    try:
        for element in np.ndindex(_shape_of(original)):
            results = []
            for step in (eps, -eps):
                if is_array:
                    work[element] = original[element] + step
                    value.data = work
                else:
                    value.data = original + step
                results.append(_projected_value(fn, inputs, projections))
            if is_array:
                work[element] = original[element]
            numerical[element] = (results[0] - results[1]) / (2 * eps)
    finally:
        value.data = original
    return numerical


def _compare(index, analytic, numerical, atol, rtol):
    """Describe the disagreeing elements of one input as a dict, or return None."""
    if analytic.shape != numerical.shape:
        raise GradcheckError(f"gradcheck: the analytic gradient of input {index} has shape "
                             f"{analytic.shape}, but the input has shape {numerical.shape}")
    bad = ~(np.abs(analytic - numerical) <= atol + rtol * np.abs(numerical))
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return {"input": index, "element": first, "analytic": float(analytic[first]),
            "numerical": float(numerical[first]), "count": int(bad.sum()),
            "size": analytic.size}


def _failure_message(failures, eps, atol, rtol, projected):
    lines = []
    for f in failures:
        a, n = f["analytic"], f["numerical"]
        lines.append(
            f"  input {f['input']}, element {f['element']}: analytic {a!r} != numerical {n!r} "
            f"(|difference| {abs(a - n):.3g} > atol + rtol*|numerical| = "
            f"{atol + rtol * abs(n):.3g}); {f['count']} of {f['size']} elements of input "
            f"{f['input']} disagree")
    total = sum(f["count"] for f in failures)
    head = (f"gradcheck: the gradient computed by backward disagrees with central "
            f"differences (eps={eps}, atol={atol}, rtol={rtol}) in {total} element(s):")
    if projected:
        lines.append("  (fn's output is not a single number, so the values compared are the "
                     "gradients of sum(out * v) for a fixed random v of the output's shape)")
    return "\n".join([head] + lines)
