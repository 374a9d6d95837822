"""``einsum`` and the contractions built on it: tensordot, inner, outer, kron, dot.

Subscripts are first made explicit (ellipses replaced by spare letters, the
implicit output written out) so that the rule can name every axis. The
gradient of an operand is itself an einsum: of the incoming gradient with the
other operands, onto the operand's letters. Three cases need more than that,
and each is one more constant operand in the same einsum call: a letter only
this operand has (summed away: its gradient is broadcast back, a ``ones``
operand), a letter repeated in one term (``'ii->i'``: the gradient sits on the
diagonal, an ``eye`` operand per repeat), and an axis of length 1 that
broadcast against a longer one (summed back to length 1).
"""
from __future__ import annotations

import string
from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..function import Function
from . import linalg
from .rule_helpers import data_of, is_raw, sum_over

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..tensor import Tensor

__all__ = ["Einsum", "einsum", "tensordot", "outer", "inner", "kron", "dot"]


def _parse(subscripts, shapes):
    """Explicit ``(terms, output)`` for numpy's subscripts and the operands' shapes."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got "
                        f"{subscripts!r}")
    text = subscripts.replace(" ", "")
    if text.count("->") > 1 or set(text) - set(string.ascii_letters + ".,->"):
        raise ValueError(f"einsum: cannot read subscripts {subscripts!r}: use letters, ',', "
                         "'...' and one '->'")
    lhs, arrow, out = text.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(terms)} operands but "
                         f"{len(shapes)} were given")
    spare = [c for c in string.ascii_letters if c not in text]
    covered = []
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if ("..." in term and named > len(shape)) or ("..." not in term and named != len(shape)):
            raise ShapeError(f"einsum: term {term!r} of {subscripts!r} does not fit an operand of "
                             f"shape {tuple(shape)}: one letter per axis (or '...' for the rest)")
        covered.append(len(shape) - named if "..." in term else 0)
    ellipsis = "".join(spare[:max(covered, default=0)])
    terms = [t.replace("...", ellipsis[len(ellipsis) - k:]) for t, k in zip(terms, covered)]
    if not arrow:
        letters = "".join(terms)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        return terms, ellipsis + "".join(once)
    if ellipsis and "..." not in out:
        raise ValueError(f"einsum: the operands of {subscripts!r} have axes under '...' but the "
                         "output has no '...'; add it to the output (sum afterwards to drop them)")
    out = out.replace("...", ellipsis)
    if len(set(out)) != len(out) or set(out) - set("".join(terms)):
        raise ValueError(f"einsum: output {out!r} of {subscripts!r} repeats a letter or names "
                         "one no operand has")
    return terms, out


def _einsum(terms, output, *values):
    """einsum on arrays (nothing recorded) or on Tensors (recorded, for higher order)."""
    if all(is_raw(v) for v in values):
        return backend.einsum(terms, output, *values)
    return Einsum.apply(*values, terms=tuple(terms), output=output)


def _operand_grad(grad, operands, i, terms, output):
    """The gradient of ``operands[i]``: einsum of ``grad`` with the other operands."""
    term, shape = terms[i], operands[i].shape
    sizes = {c: n for c, n in zip(term, shape)}
    others = [(terms[j], operands[j]) for j in range(len(operands)) if j != i]
    available = set(output).union(*(set(t) for t, _ in others))
    unique = "".join(dict.fromkeys(term))
    kept = "".join(c for c in unique if c in available)
    g = _einsum([output] + [t for t, _ in others], kept, grad, *(v for _, v in others))
    stretched = tuple(k for k, c in enumerate(kept) if sizes[c] == 1 and g.shape[k] != 1)
    if stretched:  # the operand's length-1 axis broadcast against a longer one
        g = sum_over(g, axis=stretched, keepdims=True)
    if kept == term:
        return g
    spare = iter(c for c in string.ascii_letters if c not in "".join(terms) + output)
    data = data_of(g)
    xp, where = backend.namespace(data), dict(dtype=data.dtype, device=data.device)
    extra_terms, extra_values, target = [], [], ""
    for c in unique:
        if c not in available:  # summed only here: the gradient is the same along it
            extra_terms.append(c)
            extra_values.append(xp.ones(sizes[c], **where))
    seen = set()
    for c in term:
        if c in seen:  # a repeated letter: the gradient lives on the diagonal
            fresh = next(spare)
            extra_terms.append(c + fresh)
            extra_values.append(xp.eye(sizes[c], **where))
            target += fresh
        else:
            seen.add(c)
            target += c
    return _einsum([kept] + extra_terms, target, g, *extra_values)


class Einsum(Function):
    """out = einsum(terms -> output).  d/d operand = einsum(grad, other operands -> its term)."""

    op_name = "einsum"

    @staticmethod
    def forward(ctx, *operands, terms=(), output=""):
        ctx.terms, ctx.output = terms, output
        ctx.save_for_backward(*operands)
        return backend.einsum(terms, output, *operands)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        return tuple(_operand_grad(grad, operands, i, ctx.terms, ctx.output) if need else None
                     for i, need in enumerate(ctx.needs_input_grad))


# ------------------------------------------------------------------ public functions
def einsum(subscripts: str, *operands: Tensor | Sequence[Tensor]) -> Tensor:
    """Einstein summation with numpy's subscripts (``'ij,jk->ik'``, ``'...ii->...i'``).

    Any subscripts ``numpy.einsum`` accepts: implicit output, ellipsis
    (broadcast), repeated letters (diagonals, traces). The gradient of each
    operand is itself an einsum, so it can be differentiated again. PyTorch's
    form ``einsum(subscripts, [a, b])`` (a list of operands) is accepted too.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.einsum("ij,j->i", gg.ones((2, 3)), gg.tensor([1.0, 2.0, 3.0])).tolist()
    [6.0, 6.0]
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum: give at least one operand after the subscripts")
    shapes = [v.shape if hasattr(v, "shape") else backend.as_array(v).shape for v in operands]
    terms, output = _parse(subscripts, shapes)
    return Einsum.apply(*operands, terms=tuple(terms), output=output)


def _letters(n, start=0):
    return string.ascii_letters[start:start + n]


def tensordot(a: Tensor, b: Tensor,
              axes: int | tuple[Sequence[int], Sequence[int]] = 2, *,
              dims: int | tuple[Sequence[int], Sequence[int]] | None = None) -> Tensor:
    """Sum products over ``axes`` of ``a`` and ``b``, as ``numpy.tensordot``.

    ``axes`` (or PyTorch's ``dims``) is an int N (the last N axes of ``a`` with
    the first N of ``b``) or a pair of axis sequences.

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.tensordot(gg.ones((2, 3, 4)), gg.ones((3, 4, 5))).shape
    (2, 5)
    """
    axes = axes if dims is None else dims
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} does not fit shapes {tuple(a.shape)} and "
                             f"{tuple(b.shape)}; use 0..{min(a.ndim, b.ndim)}")
        axes = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    left, right = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    if len(left) != len(right):
        raise ValueError(f"tensordot: axes {axes} pair {len(left)} axes of a with "
                         f"{len(right)} of b; give as many of each")
    left = [int(i) % max(a.ndim, 1) for i in left]
    right = [int(i) % max(b.ndim, 1) for i in right]
    ta, tb = list(_letters(a.ndim)), list(_letters(b.ndim, a.ndim))
    for i, j in zip(left, right):
        tb[j] = ta[i]
    out = "".join(c for k, c in enumerate(ta) if k not in left) + "".join(
        c for k, c in enumerate(tb) if k not in right)
    return einsum("".join(ta) + "," + "".join(tb) + "->" + out, a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """Outer product ``out[i, j] = a[i] * b[j]`` (inputs flattened, as numpy).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.outer(gg.tensor([1.0, 2.0]), gg.tensor([1.0, 10.0])).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    return einsum("i,j->ij", a.reshape(-1), b.reshape(-1))


def inner(a: Tensor, b: Tensor) -> Tensor:
    """Sum of products over the last axes, as ``numpy.inner`` (0-d operands multiply).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.inner(gg.ones((2, 3)), gg.ones((4, 3))).shape
    (2, 4)
    """
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, axes=([-1], [-1]))


def kron(a: Tensor, b: Tensor) -> Tensor:
    """Kronecker product, as ``numpy.kron`` (the shorter shape gets leading 1s).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.kron(gg.eye(2), gg.ones((1, 2))).tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    """
    ndim = max(a.ndim, b.ndim)
    a = a.reshape((1,) * (ndim - a.ndim) + tuple(a.shape))
    b = b.reshape((1,) * (ndim - b.ndim) + tuple(b.shape))
    ta, tb = _letters(ndim), _letters(ndim, ndim)
    out = einsum(ta + "," + tb + "->" + "".join(x + y for x, y in zip(ta, tb)), a, b)
    return out.reshape(tuple(m * n for m, n in zip(a.shape, b.shape)))


def dot(a: Tensor, b: Tensor) -> Tensor:
    """``numpy.dot``: 0-d operands multiply, 1-D and 2-D are ``matmul``, N-D contract the last
    axis of ``a`` with the second-to-last of ``b`` (the last, if ``b`` is 1-D).

    Example
    -------
    >>> import graphgrad as gg
    >>> gg.dot(gg.ones((2, 3, 4)), gg.ones((5, 4, 6))).shape
    (2, 3, 5, 6)
    """
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return linalg.matmul(a, b)
    if a.shape[-1] != b.shape[-1 if b.ndim == 1 else -2]:
        raise ShapeError(f"dot: shapes {tuple(a.shape)} and {tuple(b.shape)} are not aligned: "
                         f"the last axis of a must match the {'last' if b.ndim == 1 else 'second'}"
                         f"{'' if b.ndim == 1 else '-to-last'} axis of b")
    return tensordot(a, b, axes=([-1], [-1 if b.ndim == 1 else -2]))
