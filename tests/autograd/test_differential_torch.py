"""Random graphs run by graphgrad and by PyTorch side by side, in float64 (issue 13).

Hypothesis writes a small program: leaves of broadcastable shapes, then a few
steps, each an op on values already made (so values are shared: diamonds and
common subexpressions), a view, a constant that aliases a leaf's array, a
detached copy, an in-place write, or a hook. A random weighted sum of some
values is the loss; then one of: ``backward()``, ``backward`` twice with
``retain_graph``, ``autograd.grad``, or a second-order pass (the gradients'
weighted sum differentiated again). Forward values and every leaf's gradient
(None or its value) must agree with PyTorch's.

In-place writes: graphgrad's write a new buffer, so a value an op saved stays
what it was; PyTorch instead refuses a backward that needs an overwritten value.
So each program also runs in a PyTorch twin with every in-place write done out
of place (``x = x + y``), and graphgrad must either match that twin or raise
``InplaceModificationError`` (never silently differ); where PyTorch ran in
place, it must match the twin too. In-place writes only go to values no view
shares: graphgrad's views do not see writes through another view (README).

``ci`` runs 25 programs; ``HYPOTHESIS_PROFILE=thorough`` runs 2,000.
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad.autograd as ag

torch = pytest.importorskip("torch")

FULL = (2, 3)
SHAPES = [(2, 3), (3,), (2, 1), (1, 3), ()]
RTOL, ATOL = 1e-9, 1e-12


# ---------------------------------------------------------------- ops, spelled for both
def _gram(lib):
    def gram(a, b):
        if tuple(a.shape) != FULL or tuple(b.shape) != FULL:
            return a * b
        return (a @ b.T) @ b  # (2, 2) @ (2, 3)
    return gram


# NOTE: every unary op makes a new value (0-d inputs of the axis ops get x + 0.0): the
# generator's bookkeeping of which values share a buffer relies on it.
UNARY = {  # name: (graphgrad, torch); inputs stay where both are smooth and finite
    "neg": (lambda x: -x, lambda x: -x),
    "tanh": (lambda x: x.tanh(), lambda x: x.tanh()),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: x.sigmoid()),
    "sin": (lambda x: x.sin(), lambda x: x.sin()),
    "exp_tanh": (lambda x: x.tanh().exp(), lambda x: x.tanh().exp()),
    "square": (lambda x: x * x, lambda x: x * x),
    "log1sq": (lambda x: (x * x + 1.0).log(), lambda x: (x * x + 1.0).log()),
    "sqrt1sq": (lambda x: (x * x + 1.0).sqrt(), lambda x: (x * x + 1.0).sqrt()),
    "relu": (lambda x: x.relu(), lambda x: x.relu()),
    "abs": (lambda x: x.abs(), lambda x: x.abs()),
    "leaky_relu": (lambda x: x.leaky_relu(0.1),
                   lambda x: torch.nn.functional.leaky_relu(x, 0.1)),
    "clip": (lambda x: x.clip(-0.5, 0.7), lambda x: x.clamp(-0.5, 0.7)),
    "softplus": (lambda x: x.softplus(), lambda x: torch.nn.functional.softplus(x)),
    "gelu_tanh": (lambda x: x.gelu(approximate="tanh"),
                  lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
    "pow3": (lambda x: x ** 3, lambda x: x ** 3),
    "sum_keep": (lambda x: x.sum(axis=-1, keepdims=True) if x.ndim else x + 0.0,
                 lambda x: x.sum(dim=-1, keepdim=True) if x.ndim else x + 0.0),
    "mean_all": (lambda x: x.mean(), lambda x: x.mean()),
    "max_keep": (lambda x: x.max(axis=-1, keepdims=True) if x.ndim else x + 0.0,
                 lambda x: x.amax(dim=-1, keepdim=True) if x.ndim else x + 0.0),
    "logsumexp": (lambda x: x.logsumexp(axis=-1, keepdims=True) if x.ndim else x + 0.0,
                  lambda x: x.logsumexp(dim=-1, keepdim=True) if x.ndim else x + 0.0),
    "softmax": (lambda x: x.softmax(axis=-1) if x.ndim else x + 0.0,
                lambda x: x.softmax(dim=-1) if x.ndim else x + 0.0),
    "var_keep": (lambda x: x.var(axis=-1, ddof=0, keepdims=True) if x.ndim else x + 0.0,
                 lambda x: x.var(dim=-1, correction=0, keepdim=True) if x.ndim else x + 0.0),
}

VIEWS = {  # shape-preserving views (or copies that read like views)
    "flip": (lambda x: x[::-1] if x.ndim else x, lambda x: x.flip(0) if x.ndim else x),
    "reshape_back": (lambda x: x.reshape(-1).reshape(x.shape),
                     lambda x: x.reshape(-1).reshape(x.shape)),
    "unsqueeze_squeeze": (lambda x: x.unsqueeze(0).squeeze(0),
                          lambda x: x.unsqueeze(0).squeeze(0)),
    "expand_full": (lambda x: x.expand(*FULL), lambda x: x.expand(*FULL)),
    "transpose_twice": (lambda x: x.transpose().transpose(),
                        lambda x: x.permute(tuple(reversed(range(x.ndim)))).permute(
                            tuple(reversed(range(x.ndim))))),
}

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "maximum": (ag.maximum, torch.maximum),
    "minimum": (ag.minimum, torch.minimum),
    "where": (lambda a, b: ag.where(a > b, a, b * 2.0),
              lambda a, b: torch.where(a > b, a, b * 2.0)),
    "gram": (_gram(ag), _gram(torch)),
}

INPLACE = {  # graphgrad, PyTorch, PyTorch out of place
    "iadd": (lambda v, o: v.__iadd__(o), lambda v, o: v.__iadd__(o), lambda v, o: v + o),
    "isub": (lambda v, o: v.__isub__(o), lambda v, o: v.__isub__(o), lambda v, o: v - o),
    "imul": (lambda v, o: v.__imul__(o), lambda v, o: v.__imul__(o), lambda v, o: v * o),
}


class Value:
    """One value of the program: graphgrad's, PyTorch's, and PyTorch's with in-place writes
    done out of place (``pure``: the values graphgrad promises, see the module docstring)."""

    def __init__(self, ours, theirs, pure, family, is_leaf=False):
        self.ours, self.theirs, self.pure = ours, theirs, pure
        self.family, self.is_leaf, self.hooked = family, is_leaf, False


def _gather(lib, x, index):
    return x.reshape(-1)[index].reshape(tuple(x.shape))


# ---------------------------------------------------------------- the program
def _leaf_arrays(draw):
    count = draw(st.integers(1, 3))
    elements = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False).filter(
        lambda v: abs(v) > 1e-3)  # keep off the kinks of relu, abs (at 0)
    return [draw(hnp.arrays(np.float64, draw(st.sampled_from(SHAPES)), elements=elements))
            for _ in range(count)]


def _pick(draw, pool, condition=lambda v: True):
    choices = [v for v in pool if condition(v)]
    return draw(st.sampled_from(choices)) if choices else None


def _step(draw, pool, log):
    """Add one value (or modify one in place) and describe it in ``log``."""
    kind = draw(st.sampled_from(["unary"] * 4 + ["binary"] * 4 + ["view", "gather", "alias",
                                                                  "detach", "inplace",
                                                                  "hook"]))
    families = {}
    for v in pool:
        families[v.family] = families.get(v.family, 0) + 1
    if kind == "unary":
        name = draw(st.sampled_from(sorted(UNARY)))
        x = _pick(draw, pool)
        pool.append(Value(UNARY[name][0](x.ours), UNARY[name][1](x.theirs),
                          UNARY[name][1](x.pure), object()))
    elif kind == "binary":
        name = draw(st.sampled_from(sorted(BINARY)))
        a, b = _pick(draw, pool), _pick(draw, pool)
        pool.append(Value(BINARY[name][0](a.ours, b.ours), BINARY[name][1](a.theirs, b.theirs),
                          BINARY[name][1](a.pure, b.pure), object()))
    elif kind == "view":
        name = draw(st.sampled_from(sorted(VIEWS)))
        x = _pick(draw, pool)
        pool.append(Value(VIEWS[name][0](x.ours), VIEWS[name][1](x.theirs),
                          VIEWS[name][1](x.pure), x.family))
    elif kind == "gather":
        x = _pick(draw, pool)
        size = int(np.prod(x.ours.shape))
        index = np.array(draw(st.lists(st.integers(0, size - 1), min_size=size, max_size=size)))
        pool.append(Value(_gather(ag, x.ours, index),
                          _gather(torch, x.theirs, torch.tensor(index)),
                          _gather(torch, x.pure, torch.tensor(index)), object()))
        name = "gather"
    elif kind == "alias":  # a constant that is the very array of a leaf's data
        x = _pick(draw, pool, lambda v: v.is_leaf)
        pool.append(Value(ag.Tensor(x.ours.data), x.theirs.detach().clone(),
                          x.pure.detach().clone(), x.family))
        name = "alias"
    elif kind == "detach":
        x = _pick(draw, pool)
        pool.append(Value(x.ours.detach(), x.theirs.detach(), x.pure.detach(), x.family))
        name = "detach"
    elif kind == "inplace":
        name = draw(st.sampled_from(sorted(INPLACE)))
        # NOTE: not onto a value with a hook: issue 13 item 7 (a hook registered before an
        # in-place op must see the old value's gradient) is fixed on branch h13a, not yet
        # merged; drop `not v.hooked` when it is.
        target = _pick(draw, pool, lambda v: not v.is_leaf and families[v.family] == 1
                       and not v.hooked)
        if target is None:
            return
        other = _pick(draw, pool, lambda v: v is not target and np.broadcast_shapes(
            v.ours.shape, target.ours.shape) == target.ours.shape)
        if other is None:
            return
        INPLACE[name][0](target.ours, other.ours)
        INPLACE[name][1](target.theirs, other.theirs)
        target.pure = INPLACE[name][2](target.pure, other.pure)
    else:  # a hook on a non-leaf that doubles its gradient (and must run exactly once)
        target = _pick(draw, pool, lambda v: not v.is_leaf and v.ours.requires_grad
                       and v.theirs.requires_grad)
        if target is None:
            return
        for value in (target.ours, target.theirs, target.pure):
            value.register_hook(lambda g: g * 2.0)
        target.hooked = True
        name = "hook"
    log.append(f"{kind}:{name}")


def _loss(draw, pool):
    """A random weighted sum of the last value and up to two others, in each column."""
    chosen = [pool[-1]] + draw(st.lists(st.sampled_from(pool), max_size=2))
    totals = [None, None, None]
    for v in chosen:
        weight = draw(hnp.arrays(np.float64, tuple(v.ours.shape),
                                 elements=st.floats(-1.5, 1.5, allow_subnormal=False)))
        terms = ((v.ours * ag.Tensor(weight)).sum(), (v.theirs * torch.tensor(weight)).sum(),
                 (v.pure * torch.tensor(weight)).sum())
        totals = [t if total is None else total + t for total, t in zip(totals, terms)]
    return totals


def _assert_close(ours, theirs, what):
    if theirs is None or ours is None:
        assert ours is None and theirs is None, (
            f"{what}: graphgrad {'None' if ours is None else 'a value'}, PyTorch "
            f"{'None' if theirs is None else 'a value'}")
        return
    np.testing.assert_allclose(_numpy(ours), _numpy(theirs), rtol=RTOL, atol=ATOL, err_msg=what)


def _numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().numpy(force=True)  # force: second order may give a ZeroTensor
    return np.asarray(value.data)


def _run(mode, lib, leaves, loss, weights):
    """Run ``mode`` in one library; return the leaf gradients and the first-order ones."""
    grad = ag.grad if lib is ag else torch.autograd.grad
    if mode == "backward":
        loss.backward()
    elif mode == "retain_twice":
        loss.backward(retain_graph=True)
        loss.backward()
    elif mode == "grad":
        return list(grad(loss, leaves, allow_unused=True)), []
    else:  # second order: d/dleaves of sum_i <dloss/dleaf_i, w_i>
        firsts = list(grad(loss, leaves, create_graph=True, allow_unused=True))
        total = None
        for g, w in zip(firsts, weights):
            if g is not None and g.requires_grad:
                term = (g * (ag.Tensor(w) if lib is ag else torch.tensor(w))).sum()
                total = term if total is None else total + term
        if total is not None:
            total.backward()
        return [leaf.grad for leaf in leaves], firsts
    return [leaf.grad for leaf in leaves], []


def _outcome(mode, lib, leaves, loss, weights):
    try:
        return _run(mode, lib, leaves, loss, weights), None
    except RuntimeError as exc:  # PyTorch's refusals, and graphgrad's GradientError family
        return None, exc


@settings(max_examples=2000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
          else settings().max_examples,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_random_graph_matches_pytorch(data):
    draw = data.draw
    arrays = _leaf_arrays(draw)
    leaves = ([ag.tensor(a.copy(), requires_grad=True) for a in arrays],
              [torch.tensor(a, requires_grad=True) for a in arrays],
              [torch.tensor(a, requires_grad=True) for a in arrays])
    pool = [Value(o, t, p, object(), is_leaf=True) for o, t, p in zip(*leaves)]
    log = []
    for _ in range(draw(st.integers(1, 8))):
        _step(draw, pool, log)
    for index, v in enumerate(pool):
        _assert_close(v.ours, v.pure, f"forward value {index} after {log}")
    loss_ours, loss_theirs, loss_pure = _loss(draw, pool)
    _assert_close(loss_ours, loss_pure, f"loss after {log}")
    assert loss_ours.requires_grad == loss_pure.requires_grad, log
    if not loss_pure.requires_grad:
        return
    mode = draw(st.sampled_from(["backward", "retain_twice", "grad", "second_order"]))
    log.append(mode)
    weights = [draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-1.5, 1.5,
                                                                       allow_subnormal=False)))
               for a in arrays]
    theirs, theirs_error = _outcome(mode, torch, leaves[1], loss_theirs, weights)
    ours, ours_error = _outcome(mode, ag, leaves[0], loss_ours, weights)
    if ours_error is not None:
        # a refusal is never silent: PyTorch refuses some of these too, and graphgrad's
        # version checks are stricter (README); any other error is a failure
        assert isinstance(ours_error, ag.InplaceModificationError), (log, ours_error)
        return
    if theirs_error is not None:  # PyTorch could not run it in place: its pure twin can
        assert "modified by an inplace operation" in str(theirs_error), (log, theirs_error)
    pure, pure_error = _outcome(mode, torch, leaves[2], loss_pure, weights)
    assert pure_error is None, (log, pure_error)
    (grads_ours, firsts_ours), (grads_pure, firsts_pure) = ours, pure
    for leaf, g, t in zip(leaves[0], firsts_ours, firsts_pure):
        _assert_close(g, t, f"first-order gradient of leaf of shape {leaf.shape} after {log}")
    for leaf, g, t in zip(leaves[0], grads_ours, grads_pure):
        _assert_close(g, t, f"gradient of leaf of shape {leaf.shape} after {log}")
    if theirs_error is None:  # and where PyTorch ran in place, it agrees with its twin
        for g, t in zip(theirs[0], grads_pure):
            _assert_close(g, t, f"PyTorch in place vs out of place after {log}")
