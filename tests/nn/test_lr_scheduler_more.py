"""LambdaLR MultiStepLR LinearLR SequentialLR OneCycleLR CyclicLR CosineAnnealingWarmRestarts.

Each schedule is checked against its published rule written out below (independent
of graphgrad's recursive updates), and against torch's schedulers step by step.
"""
import math
import re

import numpy as np
import pytest

from graphgrad.autograd import Tensor
from graphgrad.nn.optim import SGD, Adagrad, Adam
from graphgrad.nn.optim.lr_scheduler import (
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

BASE_LRS = [0.1, 0.03]
EPOCHS = 40


def make_optimizer(cls=SGD, **kwargs):
    groups = [{"params": [Tensor(np.ones(2), requires_grad=True)], "lr": lr} for lr in BASE_LRS]
    return cls(groups, **kwargs)


def trace(scheduler, epochs=EPOCHS, key="lr"):
    """The values of ``group[key]`` in force during steps 0 .. epochs-1."""
    values = []
    for _ in range(epochs):
        values.append([g[key] for g in scheduler.optimizer.param_groups])
        if key == "lr":
            assert scheduler.get_last_lr() == values[-1]
        scheduler.step()
    return np.array(values, dtype=float)


# ---------------------------------------------------------------- published rules
def warm_restarts_rule(base, t, t0, mult, eta_min):
    period, t_cur = t0, t
    while t_cur >= period:
        t_cur -= period
        period *= mult
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / period)) / 2


def triangle(t, up, down):
    """Fraction of the way up the wave at step t (0 at the bottom, 1 at the top)."""
    p = t % (up + down)
    return p / up if p <= up else 1 - (p - up) / down


def cyclic_scale(mode, t, up, down, gamma):
    cycle = t // (up + down) + 1
    return {"triangular": 1.0, "triangular2": 0.5 ** (cycle - 1), "exp_range": gamma ** t}[mode]


def one_cycle_rule(t, total, top, pct, div, final_div, anneal, three_phase=False,
                   m_top=0.95, m_bottom=0.85):
    start = top / div
    end = start / final_div

    def cos(a, b, f):
        return b + (a - b) * (1 + math.cos(math.pi * f)) / 2

    def lin(a, b, f):
        return a + (b - a) * f
    f_ = cos if anneal == "cos" else lin
    warm = pct * total - 1
    if three_phase:
        down = 2 * pct * total - 2
        if t <= warm:
            return f_(start, top, t / warm), f_(m_top, m_bottom, t / warm)
        if t <= down:
            r = (t - warm) / (down - warm)
            return f_(top, start, r), f_(m_bottom, m_top, r)
        r = (t - down) / (total - 1 - down)
        return f_(start, end, r), m_top
    if t <= warm:
        return f_(start, top, t / warm), f_(m_top, m_bottom, t / warm)
    r = (t - warm) / (total - 1 - warm)
    return f_(top, end, r), f_(m_bottom, m_top, r)


CLOSED_FORMS = [  # (id, make, rule(base, t))
    ("lambda", lambda o: LambdaLR(o, lambda e: 1 / (1 + e)), lambda b, t: b / (1 + t)),
    ("lambda-per-group", lambda o: LambdaLR(o, [lambda e: 0.9 ** e, lambda e: e % 3 + 1]),
     None),
    ("multistep", lambda o: MultiStepLR(o, milestones=[30, 5, 12], gamma=0.3),
     lambda b, t: b * 0.3 ** sum(t >= m for m in (5, 12, 30))),
    ("multistep-repeated", lambda o: MultiStepLR(o, milestones=[4, 4, 9]),
     lambda b, t: b * 0.1 ** sum(t >= m for m in (4, 4, 9))),
    ("linear-warmup", lambda o: LinearLR(o, start_factor=0.1, total_iters=8),
     lambda b, t: b * (0.1 + 0.9 * min(t, 8) / 8)),
    ("linear-decay", lambda o: LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=15),
     lambda b, t: b * (1.0 - 0.8 * min(t, 15) / 15)),
    ("warm-restarts", lambda o: CosineAnnealingWarmRestarts(o, T_0=7, eta_min=0.001),
     lambda b, t: warm_restarts_rule(b, t, 7, 1, 0.001)),
    ("warm-restarts-mult", lambda o: CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
     lambda b, t: warm_restarts_rule(b, t, 3, 2, 0.0)),
    ("sequential-warmup-cosine",
     lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.2, total_iters=5),
                                CosineAnnealingLR(o, T_max=20, eta_min=0.001)], milestones=[5]),
     lambda b, t: (b * (0.2 + 0.8 * t / 5) if t < 5
                   else 0.001 + (b - 0.001) * (1 + math.cos(math.pi * (t - 5) / 20)) / 2)),
    ("sequential-three",
     lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.5, total_iters=4),
                                StepLR(o, step_size=3, gamma=0.5),
                                ExponentialLR(o, gamma=0.9)], milestones=[4, 13]),
     lambda b, t: (b * (0.5 + 0.5 * t / 4) if t < 4 else b * 0.5 ** ((t - 4) // 3) if t < 13
                   else b * 0.9 ** (t - 13))),
    ("sequential-nested",  # torch raises at the inner milestone; ours restarts the inner one
     lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.3, total_iters=3),
                                SequentialLR(o, [ExponentialLR(o, gamma=0.9), StepLR(o, 4)],
                                             milestones=[5]),
                                MultiStepLR(o, [2, 5])], milestones=[3, 20]),
     lambda b, t: (b * (0.3 + 0.7 * t / 3) if t < 3 else b * 0.9 ** (t - 3) if t < 8
                   else b * 0.1 ** ((t - 8) // 4) if t < 20
                   else b * 0.1 ** sum(t - 20 >= m for m in (2, 5)))),
]


@pytest.mark.parametrize("case", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_scheduler_follows_its_published_rule(case):
    name, make, rule = case
    rates = trace(make(make_optimizer()))
    if name == "lambda-per-group":
        expected = [[BASE_LRS[0] * 0.9 ** t, BASE_LRS[1] * (t % 3 + 1)] for t in range(EPOCHS)]
    else:
        expected = [[rule(b, t) for b in BASE_LRS] for t in range(EPOCHS)]
    np.testing.assert_allclose(rates, expected, rtol=1e-9, atol=1e-13)


CYCLIC = [  # (id, kwargs) with base_lr=0.01/0.002 and max_lr=0.1/0.05
    ("triangular", dict(step_size_up=4)),
    ("asymmetric", dict(step_size_up=3, step_size_down=5)),
    ("triangular2", dict(step_size_up=4, mode="triangular2")),
    ("exp_range", dict(step_size_up=3, step_size_down=2, mode="exp_range", gamma=0.97)),
]


@pytest.mark.parametrize("cls", [SGD, Adam])
@pytest.mark.parametrize("case", CYCLIC, ids=[c[0] for c in CYCLIC])
def test_cyclic_lr_and_momentum_follow_the_triangle_rule(case, cls):
    _, kwargs = case
    extra = dict(momentum=0.5) if cls is SGD else {}
    opt = make_optimizer(cls, **extra)
    bases, tops = [0.01, 0.002], [0.1, 0.05]
    sched = CyclicLR(opt, bases, tops, base_momentum=0.7, max_momentum=0.9, **kwargs)
    lrs, momenta = [], []
    for _ in range(EPOCHS):
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append([g["betas"][0] if cls is Adam else g["momentum"]
                        for g in opt.param_groups])
        sched.step()
    up, down = kwargs["step_size_up"], kwargs.get("step_size_down", kwargs["step_size_up"])
    mode, gamma = kwargs.get("mode", "triangular"), kwargs.get("gamma", 1.0)
    h = [[triangle(t, up, down) * cyclic_scale(mode, t, up, down, gamma)] for t in range(EPOCHS)]
    np.testing.assert_allclose(lrs, np.array(bases) + (np.array(tops) - bases) * np.array(h),
                               rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(momenta, 0.9 - 0.2 * np.array(h) * np.ones(2), rtol=1e-9,
                               atol=1e-13)
    if cls is Adam:
        assert all(g["betas"][1] == 0.999 for g in opt.param_groups)


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(pct_start=0.25, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0),
    dict(three_phase=True, pct_start=0.4),
], ids=["cos", "linear", "three-phase"])
def test_one_cycle_follows_the_1cycle_rule(kwargs):
    total = 30
    opt = make_optimizer(SGD, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=[1.0, 0.4], total_steps=total, **kwargs)
    lrs, momenta = [], []
    for t in range(total):
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append(opt.param_groups[0]["momentum"])
        if t < total - 1:
            sched.step()
    rule_kwargs = dict(pct=kwargs.get("pct_start", 0.3), div=kwargs.get("div_factor", 25.0),
                       final_div=kwargs.get("final_div_factor", 1e4),
                       anneal=kwargs.get("anneal_strategy", "cos"),
                       three_phase=kwargs.get("three_phase", False))
    expected = [[one_cycle_rule(t, total, top, **rule_kwargs)[0] for top in (1.0, 0.4)]
                for t in range(total)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(momenta, [one_cycle_rule(t, total, 1.0, **rule_kwargs)[1]
                                         for t in range(total)], rtol=1e-9)
    assert lrs[-1][0] == pytest.approx(1.0 / rule_kwargs["div"] / rule_kwargs["final_div"])
    sched.step()  # step total_steps - 0: still allowed, as in PyTorch
    with pytest.raises(ValueError, match="total_steps"):
        sched.step()


def test_one_cycle_epochs_times_steps_per_epoch_and_betas():
    opt = make_optimizer(Adam)
    sched = OneCycleLR(opt, max_lr=0.5, epochs=3, steps_per_epoch=4)
    assert sched.total_steps == 12
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5 / 25)


def test_warm_restarts_fractional_epochs_anneal_within_an_epoch():
    opt = make_optimizer()
    sched = CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2)
    for epoch in np.arange(0, 20, 0.25):
        sched.step(float(epoch))
        expected = [warm_restarts_rule(b, float(epoch), 4, 2, 0.0) for b in BASE_LRS]
        np.testing.assert_allclose(sched.get_last_lr(), expected, rtol=1e-9, atol=1e-13)
        assert sched.last_epoch == math.floor(epoch)
    with pytest.raises(ValueError, match="non-negative epoch"):
        sched.step(-1)


# ---------------------------------------------------------------- against torch
def torch_pair(cls_name, **opt_kwargs):
    torch = pytest.importorskip("torch")
    ours = make_optimizer({"SGD": SGD, "Adam": Adam}[cls_name], **opt_kwargs)
    theirs = getattr(torch.optim, cls_name)(
        [{"params": [torch.ones(2, requires_grad=True)], "lr": lr} for lr in BASE_LRS],
        **opt_kwargs)
    return torch, ours, theirs


TORCH_CASES = [  # (id, optimizer, its kwargs, make(lr_scheduler module, optimizer))
    ("lambda", "SGD", {}, lambda m, o: m.LambdaLR(o, lambda e: 0.95 ** e + 0.01 * e)),
    ("multistep", "SGD", {}, lambda m, o: m.MultiStepLR(o, [3, 3, 10, 17], gamma=0.5)),
    ("linear", "SGD", {}, lambda m, o: m.LinearLR(o, start_factor=0.05, end_factor=0.7,
                                                  total_iters=13)),
    ("sequential", "SGD", {}, lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=6), m.CosineAnnealingLR(o, T_max=25)],
        milestones=[6])),
    ("warm-restarts", "SGD", {}, lambda m, o: m.CosineAnnealingWarmRestarts(o, 5, T_mult=3,
                                                                            eta_min=1e-3)),
    ("cyclic-sgd", "SGD", dict(momentum=0.9), lambda m, o: m.CyclicLR(
        o, [0.01, 0.001], [0.2, 0.04], step_size_up=3, step_size_down=6, mode="triangular2")),
    ("cyclic-adam-exp", "Adam", {}, lambda m, o: m.CyclicLR(
        o, 0.001, 0.1, step_size_up=4, mode="exp_range", gamma=0.95)),
    ("cyclic-custom", "SGD", dict(momentum=0.5), lambda m, o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")),
    ("onecycle", "SGD", dict(momentum=0.9), lambda m, o: m.OneCycleLR(
        o, max_lr=[0.5, 0.2], total_steps=EPOCHS + 1)),
    ("onecycle-adam-3phase-linear", "Adam", {}, lambda m, o: m.OneCycleLR(
        o, max_lr=0.5, epochs=5, steps_per_epoch=9, three_phase=True, anneal_strategy="linear",
        pct_start=0.35)),
]


@pytest.mark.parametrize("case", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_torch_step_by_step(case):
    from graphgrad.nn.optim import lr_scheduler as ours_module
    _, opt_name, opt_kwargs, make = case
    torch, ours_opt, their_opt = torch_pair(opt_name, **opt_kwargs)
    ours, theirs = make(ours_module, ours_opt), make(torch.optim.lr_scheduler, their_opt)
    for _ in range(EPOCHS):
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)
        for mine, ref in zip(ours_opt.param_groups, their_opt.param_groups):
            assert mine["lr"] == pytest.approx(ref["lr"], rel=1e-12)
            for key in ("momentum", "betas"):
                if key in ref:
                    np.testing.assert_allclose(mine[key], ref[key], rtol=1e-12)
        ours_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
    assert ours.last_epoch == theirs.last_epoch


# ---------------------------------------------------------------- saving, errors
@pytest.mark.parametrize("make", [
    lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=4),
                               CosineAnnealingLR(o, T_max=12)], milestones=[4]),
    lambda o: CyclicLR(o, 0.01, 0.1, step_size_up=3),
    lambda o: OneCycleLR(o, max_lr=0.3, total_steps=40),
    lambda o: CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    lambda o: MultiStepLR(o, [3, 8]),
    lambda o: LinearLR(o, total_iters=9),
], ids=["sequential", "cyclic", "onecycle", "warm-restarts", "multistep", "linear"])
def test_state_dict_round_trip_resumes_the_same_schedule(make):
    a_opt = make_optimizer(SGD, momentum=0.9)
    a = make(a_opt)
    for _ in range(7):
        a.step()
    saved_sched, saved_opt = a.state_dict(), a_opt.state_dict()
    rest = trace(a, 20)
    b_opt = make_optimizer(SGD, momentum=0.9)
    b = make(b_opt)
    b_opt.load_state_dict(saved_opt)
    b.load_state_dict(saved_sched)
    np.testing.assert_allclose(trace(b, 20), rest, rtol=1e-12)


def test_lambda_state_dict_keeps_callable_objects_state_but_not_functions():
    class Factor:
        def __init__(self):
            self.scale = 0.5

        def __call__(self, epoch):
            return self.scale ** epoch

    fn = Factor()
    sched = LambdaLR(make_optimizer(), [fn, lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"scale": 0.5}, None]
    fn2 = Factor()
    fn2.scale = 0.9
    other = LambdaLR(make_optimizer(), [fn2, lambda e: 1.0])
    other.load_state_dict(state)
    assert fn2.scale == 0.5


@pytest.mark.parametrize("make, error, message", [
    (lambda o: LinearLR(o, start_factor=0.0), ValueError, "start_factor=0.0"),
    (lambda o: LinearLR(o, end_factor=1.5), ValueError, "end_factor=1.5"),
    (lambda o: LambdaLR(o, [lambda e: 1.0]), ValueError, "expected 2 values for lr_lambda"),
    (lambda o: LambdaLR(o, 3.0), TypeError, "callable"),
    (lambda o: MultiStepLR(o, [2, -1]), ValueError, "milestones=-1"),
    (lambda o: SequentialLR(o, [StepLR(o, 2)], milestones=[3]), ValueError, "milestone"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), ReduceLROnPlateau(o)], milestones=[3]),
     TypeError, "ReduceLROnPlateau"),
    (lambda o: SequentialLR(o, [StepLR(make_optimizer(), 2)], milestones=[]), ValueError,
     "another optimizer"),
    (lambda o: OneCycleLR(o, 0.1), ValueError, "total_steps"),
    (lambda o: OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5), ValueError, "pct_start"),
    (lambda o: OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"), ValueError,
     "anneal_strategy"),
    (lambda o: CyclicLR(o, 0.1, 0.2, mode="sine"), ValueError, "mode='sine'"),
    (lambda o: CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "T_0=0"),
    (lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "T_mult=0"),
])
def test_invalid_arguments_raise_naming_them(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make(make_optimizer())


@pytest.mark.parametrize("make", [lambda o: CyclicLR(o, 0.01, 0.1),
                                  lambda o: OneCycleLR(o, 0.1, total_steps=10)])
def test_cycle_momentum_needs_an_optimizer_with_momentum(make):
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        make(make_optimizer(Adagrad))


@pytest.mark.parametrize("name", ["lr_scheduler", "_cyclic_schedulers"])
def test_docstring_examples_run(name):
    import doctest
    import importlib
    module = importlib.import_module(f"graphgrad.nn.optim.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
