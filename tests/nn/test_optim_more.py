"""NAdam, RAdam, Adamax, Adadelta and LBFGS: published rules in numpy, and torch's trajectories.

The fixed problem: independent quadratics, grad(w) = h * (w - c), on two float64
parameters. The rules below are the algorithm boxes of PyTorch's documentation
(and, for L-BFGS, Nocedal & Wright's two-loop recursion), written independently
of graphgrad's code.
"""
import math

import numpy as np
import pytest

from graphgrad.autograd import Tensor
from graphgrad.nn.optim import LBFGS, Adadelta, Adamax, NAdam, RAdam

RNG = np.random.default_rng(99)
SHAPES = [(3,), (2, 4)]
W0 = [RNG.standard_normal(s) for s in SHAPES]
H = [RNG.uniform(0.5, 2.0, s) for s in SHAPES]
C = [RNG.standard_normal(s) for s in SHAPES]
STEPS = 40


def quadratic_grad(i, w):
    return H[i] * (w - C[i])


def nadam_rule(w, grad, steps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
               momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    m = v = np.zeros_like(w)
    mu_prod = 1.0
    for t in range(1, steps + 1):
        g = -grad(w) if maximize else grad(w)
        if decoupled_weight_decay:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_prod = mu_prod * mu
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        v_hat = v / (1 - b2 ** t)
        w = w - lr * (mu_next * m / (1 - mu_prod * mu_next) + (1 - mu) * g / (1 - mu_prod)) \
            / (np.sqrt(v_hat) + eps)
    return w


def radam_rule(w, grad, steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
               decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    m = v = np.zeros_like(w)
    rho_inf = 2 / (1 - b2) - 1
    for t in range(1, steps + 1):
        g = -grad(w) if maximize else grad(w)
        if decoupled_weight_decay:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat = m / (1 - b1 ** t)
        rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if rho_t > 5:
            l_t = math.sqrt(1 - b2 ** t) / (np.sqrt(v) + eps)
            r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            w = w - lr * m_hat * l_t * r_t
        else:
            w = w - lr * m_hat
    return w


def adamax_rule(w, grad, steps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                maximize=False):
    b1, b2 = betas
    m = u = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = -grad(w) if maximize else grad(w)
        g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)
        w = w - lr * m / ((1 - b1 ** t) * u)
    return w


def adadelta_rule(w, grad, steps, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    v = u = np.zeros_like(w)
    for _ in range(steps):
        g = -grad(w) if maximize else grad(w)
        g = g + weight_decay * w
        v = rho * v + (1 - rho) * g ** 2
        dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx ** 2
        w = w - lr * dx
    return w


CASES = [  # (id, class, kwargs for ours, torch and the rule)
    ("nadam", NAdam, dict(lr=0.05)),
    ("nadam-wd-psi", NAdam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1,
                                 momentum_decay=0.02)),
    ("nadamw", NAdam, dict(lr=0.05, weight_decay=0.2, decoupled_weight_decay=True)),
    ("nadam-maximize", NAdam, dict(lr=0.05, maximize=True)),
    ("radam", RAdam, dict(lr=0.05)),
    ("radam-fast-beta2", RAdam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    ("radamw", RAdam, dict(lr=0.05, betas=(0.9, 0.95), weight_decay=0.2,
                           decoupled_weight_decay=True)),
    ("radam-maximize", RAdam, dict(lr=0.05, betas=(0.9, 0.9), maximize=True)),
    ("adamax", Adamax, dict(lr=0.05)),
    ("adamax-wd-betas", Adamax, dict(lr=0.05, betas=(0.5, 0.7), weight_decay=0.1, eps=1e-3)),
    ("adamax-maximize", Adamax, dict(lr=0.05, maximize=True)),
    ("adadelta", Adadelta, dict()),
    ("adadelta-lr-rho-wd", Adadelta, dict(lr=0.5, rho=0.5, weight_decay=0.1, eps=1e-4)),
    ("adadelta-maximize", Adadelta, dict(maximize=True)),
]
RULES = {NAdam: nadam_rule, RAdam: radam_rule, Adamax: adamax_rule, Adadelta: adadelta_rule}


def make_params(dtype=np.float64):
    return [Tensor(w.astype(dtype), requires_grad=True) for w in W0]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_step_matches_published_rule(case):
    _, cls, kwargs = case
    params = make_params()
    opt = cls(params, **kwargs)
    for _ in range(STEPS):
        for i, p in enumerate(params):
            p.grad = Tensor(quadratic_grad(i, p.data))
        opt.step()
    for i, p in enumerate(params):
        expected = RULES[cls](W0[i], lambda w, i=i: quadratic_grad(i, w), STEPS, **kwargs)
        np.testing.assert_allclose(p.data, expected, rtol=1e-10, atol=1e-12)
    moved = [not np.allclose(p.data, w) for p, w in zip(params, W0)]
    assert all(moved)


@pytest.fixture
def torch64():
    """torch with float64 as its default dtype (its step counters and NAdam's mu_product
    are tensors of the default dtype), restored afterwards."""
    torch = pytest.importorskip("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_trajectory(case, torch64):
    torch = torch64
    _, cls, kwargs = case
    ours = make_params()
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in W0]
    opt, ref = cls(ours, **kwargs), getattr(torch.optim, cls.__name__)(theirs, **kwargs)
    for _ in range(STEPS):
        for i, (p, q) in enumerate(zip(ours, theirs)):
            p.grad = Tensor(quadratic_grad(i, p.data))
            q.grad = torch.tensor(quadratic_grad(i, q.detach().numpy()))
        opt.step()
        ref.step()
        for p, q in zip(ours, theirs):
            # a few ulps may differ (fused multiply-adds in torch's kernels), not more
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("cls", [NAdam, RAdam, Adamax, Adadelta, LBFGS])
def test_defaults_match_torch(cls):
    torch = pytest.importorskip("torch")
    ref = getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)])
    ours = cls(make_params())
    shared = set(ours.defaults) & set(ref.defaults)
    assert shared >= set(ours.defaults) - {"maximize"}
    assert {k: ours.defaults[k] for k in shared} == {k: ref.defaults[k] for k in shared}


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in
                                  ("nadam-wd-psi", "radam", "adamax", "adadelta-lr-rho-wd")],
                         ids=lambda c: c[0])
def test_state_dict_round_trip_continues_identically(case):
    _, cls, kwargs = case
    a_params, b_params = make_params(), make_params()
    a, b = cls(a_params, **kwargs), cls(b_params, **kwargs)
    for step in range(STEPS):
        if step == STEPS // 2:
            b.load_state_dict(a.state_dict())
            for p, q in zip(a_params, b_params):
                q.data[...] = p.data
        for i, (p, q) in enumerate(zip(a_params, b_params)):
            p.grad = Tensor(quadratic_grad(i, p.data))
            q.grad = Tensor(quadratic_grad(i, q.data))
        a.step()
        b.step()
    for p, q in zip(a_params, b_params):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("cls, kwargs, named", [
    (NAdam, dict(momentum_decay=-1), "momentum_decay"),
    (NAdam, dict(betas=(0.9, 1.0)), "betas"),
    (RAdam, dict(lr=-1), "lr"),
    (Adamax, dict(eps=-1), "eps"),
    (Adadelta, dict(rho=1.5), "rho"),
    (LBFGS, dict(max_iter=0), "max_iter"),
    (LBFGS, dict(history_size=0), "history_size"),
    (LBFGS, dict(line_search_fn="armijo"), "line_search_fn"),
    (LBFGS, dict(tolerance_grad=-1.0), "tolerance_grad"),
])
def test_invalid_hyperparameters_raise_naming_the_argument(cls, kwargs, named):
    with pytest.raises(ValueError, match=named):
        cls(make_params(), **kwargs)


# ---------------------------------------------------------------- L-BFGS
def rosenbrock_np(x):
    f = np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return f, g


def lbfgs_fixed_step_rule(x, fg, lr, max_iter, history_size, tolerance_grad=1e-7,
                          tolerance_change=1e-9):
    """One call of L-BFGS with fixed steps (no line search), from scratch, in numpy."""
    f, g = fg(x)
    if np.abs(g).max() <= tolerance_grad:
        return x
    pairs, d, t, g_prev = [], None, None, None
    gamma = 1.0
    for k in range(1, max_iter + 1):
        if k == 1:
            d = -g
        else:
            s, y = d * t, g - g_prev
            if y @ s > 1e-10:
                pairs = (pairs + [(s, y)])[-history_size:]
                gamma = (y @ s) / (y @ y)
            q, alphas = -g, []
            for s_i, y_i in reversed(pairs):
                a = (s_i @ q) / (y_i @ s_i)
                alphas.append(a)
                q = q - a * y_i
            r = gamma * q
            for (s_i, y_i), a in zip(pairs, reversed(alphas)):
                r = r + (a - (y_i @ r) / (y_i @ s_i)) * s_i
            d = r
        g_prev, f_prev = g, f
        t = min(1.0, 1.0 / np.abs(g).sum()) * lr if k == 1 else lr
        if g @ d > -tolerance_change:
            break
        x = x + t * d
        if k == max_iter:
            break
        f, g = fg(x)
        if (np.abs(g).max() <= tolerance_grad or np.abs(d * t).max() <= tolerance_change
                or abs(f - f_prev) < tolerance_change):
            break
    return x


def graphgrad_closure(opt, x, counter=None):
    def closure():
        if counter is not None:
            counter.append(1)
        opt.zero_grad()
        a, b = x[:-1], x[1:]
        loss = (100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2).sum()
        loss.backward()
        return loss
    return closure


X0 = np.array([-1.2, 1.0, -0.5, 0.8])


def test_lbfgs_fixed_step_matches_the_two_loop_recursion_in_numpy():
    x = Tensor(X0.copy(), requires_grad=True)
    opt = LBFGS([x], lr=0.1, max_iter=30, history_size=5)
    opt.step(graphgrad_closure(opt, x))
    expected = lbfgs_fixed_step_rule(X0.copy(), rosenbrock_np, 0.1, 30, 5)
    np.testing.assert_allclose(x.data, expected, rtol=1e-10, atol=1e-12)
    assert not np.allclose(x.data, X0)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.1, max_iter=7, history_size=3),
    dict(lr=1, line_search_fn="strong_wolfe"),
    dict(lr=1, max_iter=5, history_size=2, line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=10, max_eval=12, line_search_fn="strong_wolfe", tolerance_change=1e-5),
], ids=["fixed", "wolfe", "wolfe-short-history", "wolfe-max-eval"])
def test_lbfgs_matches_torch_trajectory_on_rosenbrock(kwargs):
    torch = pytest.importorskip("torch")
    x = Tensor(X0.copy(), requires_grad=True)
    y = torch.tensor(X0.copy(), requires_grad=True)
    opt, ref = LBFGS([x], **kwargs), torch.optim.LBFGS([y], **kwargs)
    ours_calls, their_calls = [], []

    def torch_closure():
        their_calls.append(1)
        ref.zero_grad()
        a, b = y[:-1], y[1:]
        loss = (100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2).sum()
        loss.backward()
        return loss

    closure = graphgrad_closure(opt, x, ours_calls)
    for _ in range(6):
        ours_loss = opt.step(closure)
        their_loss = ref.step(torch_closure)
        # Rosenbrock's curved valley amplifies last-bit differences of the dot products
        # (BLAS vs numpy summation order) by ~100x per outer step; the counts must agree exactly.
        np.testing.assert_allclose(float(ours_loss.item()), their_loss.item(), rtol=1e-7,
                                   atol=1e-12)
        np.testing.assert_allclose(x.data, y.detach().numpy(), rtol=1e-7, atol=1e-9)
        assert len(ours_calls) == len(their_calls)
        assert opt.state[x]["n_iter"] == ref.state[y]["n_iter"]
    ours_state, their_state = opt.state[x], ref.state[y]
    assert ours_state["func_evals"] == their_state["func_evals"]
    assert ours_state["n_iter"] == their_state["n_iter"]
    assert len(ours_state["old_dirs"]) == len(their_state["old_dirs"])


def test_lbfgs_strong_wolfe_minimizes_rosenbrock():
    x = Tensor(X0.copy(), requires_grad=True)
    opt = LBFGS([x], line_search_fn="strong_wolfe", max_iter=200, max_eval=400)
    opt.step(graphgrad_closure(opt, x))
    np.testing.assert_allclose(x.data, np.ones(4), atol=1e-5)


def test_lbfgs_stops_at_once_when_the_gradient_is_tiny_and_counts_evaluations():
    x = Tensor(np.ones(4), requires_grad=True)  # the minimum: the gradient is 0
    opt = LBFGS([x])
    calls = []
    loss = opt.step(graphgrad_closure(opt, x, calls))
    assert len(calls) == 1 and float(loss.item()) == 0.0
    np.testing.assert_array_equal(x.data, np.ones(4))


def test_lbfgs_max_eval_bounds_the_closure_calls():
    x = Tensor(X0.copy(), requires_grad=True)
    opt = LBFGS([x], lr=0.01, max_iter=100, max_eval=9, tolerance_change=0, tolerance_grad=0)
    calls = []
    opt.step(graphgrad_closure(opt, x, calls))
    assert len(calls) == 9


def test_lbfgs_history_is_bounded_by_history_size():
    x = Tensor(X0.copy(), requires_grad=True)
    opt = LBFGS([x], lr=0.05, max_iter=25, history_size=3)
    opt.step(graphgrad_closure(opt, x))
    assert len(opt.state[x]["old_dirs"]) == 3


def test_lbfgs_needs_a_closure_and_one_group():
    x = Tensor(X0.copy(), requires_grad=True)
    opt = LBFGS([x])
    with pytest.raises(TypeError, match="closure"):
        opt.step()
    with pytest.raises(ValueError, match="parameter groups"):
        LBFGS([{"params": [x]}, {"params": [Tensor(np.ones(2), requires_grad=True)]}])
    with pytest.raises(ValueError, match="parameter groups"):
        opt.add_param_group({"params": [Tensor(np.ones(2), requires_grad=True)]})


def test_lbfgs_state_dict_round_trip_continues_identically():
    xa = Tensor(X0.copy(), requires_grad=True)
    xb = Tensor(X0.copy(), requires_grad=True)
    a = LBFGS([xa], lr=0.1, max_iter=4, history_size=3)
    b = LBFGS([xb], lr=0.1, max_iter=4, history_size=3)
    a.step(graphgrad_closure(a, xa))
    saved = a.state_dict()
    b.load_state_dict(saved)
    xb.data[...] = xa.data
    for _ in range(3):
        a.step(graphgrad_closure(a, xa))
        b.step(graphgrad_closure(b, xb))
    np.testing.assert_array_equal(xa.data, xb.data)
    assert saved["state"][0]["n_iter"] == 4  # the snapshot did not move with a


@pytest.mark.parametrize("name", ["nadam", "radam", "adamax", "adadelta", "lbfgs"])
def test_docstring_examples_run(name):
    import doctest
    import importlib
    module = importlib.import_module(f"graphgrad.nn.optim.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
