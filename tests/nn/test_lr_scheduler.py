"""Learning-rate schedulers against their closed forms, and ReduceLROnPlateau's rules."""
import math
import re

import numpy as np
import pytest

from graphgrad.autograd import Tensor
from graphgrad.nn.optim import SGD, Adam
from graphgrad.nn.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LRScheduler,
    ReduceLROnPlateau,
    StepLR,
)

BASE_LRS = [0.1, 0.03]


def make_optimizer(cls=SGD):
    groups = [{"params": [Tensor(np.ones(2), requires_grad=True)], "lr": lr} for lr in BASE_LRS]
    return cls(groups)


def lr_sequence(scheduler, epochs):
    """The rates in force during epochs 0 .. epochs-1 (step() after each epoch)."""
    rates = []
    for _ in range(epochs):
        rates.append([g["lr"] for g in scheduler.optimizer.param_groups])
        assert scheduler.get_last_lr() == rates[-1]
        scheduler.optimizer.step()
        scheduler.step()
    return rates


CLOSED_FORMS = [  # (id, make the scheduler, closed form lr(base_lr, epoch))
    ("step", lambda opt: StepLR(opt, step_size=3, gamma=0.5),
     lambda base, e: base * 0.5 ** (e // 3)),
    ("step-size-1", lambda opt: StepLR(opt, step_size=1),
     lambda base, e: base * 0.1 ** e),
    ("exponential", lambda opt: ExponentialLR(opt, gamma=0.93),
     lambda base, e: base * 0.93 ** e),
    ("cosine", lambda opt: CosineAnnealingLR(opt, T_max=10),
     lambda base, e: base * (1 + math.cos(math.pi * e / 10)) / 2),
    ("cosine-eta-min", lambda opt: CosineAnnealingLR(opt, T_max=7, eta_min=0.01),
     lambda base, e: 0.01 + (base - 0.01) * (1 + math.cos(math.pi * e / 7)) / 2),
]


@pytest.mark.parametrize("case", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_scheduler_follows_its_closed_form(case):
    _, make, closed_form = case
    scheduler = make(make_optimizer())
    assert scheduler.last_epoch == 0
    epochs = 45  # several cosine periods: past T_max the rate rises again, as in PyTorch
    rates = lr_sequence(scheduler, epochs)
    assert scheduler.last_epoch == epochs
    expected = [[closed_form(base, e) for base in BASE_LRS] for e in range(epochs)]
    np.testing.assert_allclose(rates, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_step_with_epoch_jumps_to_the_closed_form(case):
    _, make, closed_form = case
    scheduler = make(make_optimizer())
    with pytest.warns(DeprecationWarning):
        scheduler.step(17)
    np.testing.assert_allclose(scheduler.get_last_lr(), [closed_form(b, 17) for b in BASE_LRS])


def test_scheduler_records_initial_lr_and_base_lrs():
    opt = make_optimizer()
    scheduler = ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == BASE_LRS
    assert scheduler.base_lrs == BASE_LRS
    scheduler.step()
    assert [g["initial_lr"] for g in opt.param_groups] == BASE_LRS


def test_cosine_recursive_form_carries_a_manual_change():
    opt = make_optimizer()
    scheduler = CosineAnnealingLR(opt, T_max=10)
    scheduler.step()
    opt.param_groups[0]["lr"] *= 2  # a hand-made change is scaled along, as in PyTorch
    scheduler.step()
    ratio = (1 + math.cos(math.pi * 2 / 10)) / (1 + math.cos(math.pi / 10))
    expected = 2 * BASE_LRS[0] * (1 + math.cos(math.pi / 10)) / 2 * ratio
    assert scheduler.get_last_lr()[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("make", [lambda opt: StepLR(opt, 4, gamma=0.3),
                                  lambda opt: ExponentialLR(opt, 0.9),
                                  lambda opt: CosineAnnealingLR(opt, T_max=6, eta_min=0.001)])
def test_state_dict_round_trip_resumes_the_schedule(make):
    opt = make_optimizer(Adam)
    scheduler = make(opt)
    lr_sequence(scheduler, 5)
    opt_state, sched_state = opt.state_dict(), scheduler.state_dict()
    assert "optimizer" not in sched_state
    expected = lr_sequence(scheduler, 12)

    opt2 = make_optimizer(Adam)
    opt2.load_state_dict(opt_state)
    scheduler2 = make(opt2)
    scheduler2.load_state_dict(sched_state)
    for group, lr in zip(opt2.param_groups, sched_state["_last_lr"]):
        assert group["lr"] == lr
    np.testing.assert_allclose(lr_sequence(scheduler2, 12), expected, rtol=1e-12)


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(make_optimizer(), step_size=2, last_epoch=4)
    opt = make_optimizer()
    StepLR(opt, step_size=2)
    resumed = StepLR(opt, step_size=2, last_epoch=4)
    assert resumed.last_epoch == 5


@pytest.mark.parametrize("make, named", [
    (lambda opt: StepLR(opt, step_size=0), "step_size=0"),
    (lambda opt: StepLR(opt, step_size=2, gamma=-0.5), "gamma=-0.5"),
    (lambda opt: ExponentialLR(opt, gamma=-1.0), "gamma=-1.0"),
    (lambda opt: CosineAnnealingLR(opt, T_max=0), "T_max=0"),
    (lambda opt: CosineAnnealingLR(opt, T_max=5, eta_min=-0.1), "eta_min=-0.1"),
    (lambda opt: ReduceLROnPlateau(opt, factor=1.0), "factor=1.0"),
    (lambda opt: ReduceLROnPlateau(opt, mode="avg"), "mode='avg'"),
    (lambda opt: ReduceLROnPlateau(opt, threshold_mode="pct"), "threshold_mode='pct'"),
    (lambda opt: ReduceLROnPlateau(opt, patience=-1), "patience=-1"),
    (lambda opt: ReduceLROnPlateau(opt, cooldown=-2), "cooldown=-2"),
    (lambda opt: ReduceLROnPlateau(opt, threshold=-0.1), "threshold=-0.1"),
    (lambda opt: ReduceLROnPlateau(opt, min_lr=-1e-3), "min_lr=-0.001"),
    (lambda opt: ReduceLROnPlateau(opt, min_lr=[0.0]), "expected 2 min_lrs"),
])
def test_invalid_arguments_raise_naming_them_and_change_nothing(make, named):
    opt = make_optimizer()
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(ValueError, match=re.escape(named)):
        make(opt)
    assert opt.param_groups == before


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="Optimizer"):
        StepLR([{"lr": 0.1}], step_size=1)
    with pytest.raises(NotImplementedError, match="get_lr"):
        LRScheduler(make_optimizer())


# ---------------------------------------------------------------- ReduceLROnPlateau
def plateau_rates(scheduler, metrics):
    rates = []
    for metric in metrics:
        scheduler.step(metric)
        rates.append(scheduler.get_last_lr()[0])
    return rates


def test_plateau_reduces_after_more_than_patience_bad_epochs():
    scheduler = ReduceLROnPlateau(make_optimizer(), patience=2, factor=0.5)
    # epoch 1 sets best; epochs 2, 3 are bad but within patience; epoch 4 is the third bad one
    rates = plateau_rates(scheduler, [1.0, 1.0, 1.0, 1.0])
    assert rates == [0.1, 0.1, 0.1, 0.05]
    assert scheduler.num_bad_epochs == 0 and scheduler.best == 1.0


def test_plateau_improvement_resets_the_count():
    scheduler = ReduceLROnPlateau(make_optimizer(), patience=1, factor=0.5)
    rates = plateau_rates(scheduler, [1.0, 1.0, 0.5, 0.5, 0.5])
    assert rates == [0.1, 0.1, 0.1, 0.1, 0.05]


def test_plateau_cooldown_ignores_bad_epochs_after_a_reduction():
    scheduler = ReduceLROnPlateau(make_optimizer(), patience=0, cooldown=2, factor=0.5)
    # patience 0: every bad epoch reduces, except the 2 cooldown epochs after a reduction
    rates = plateau_rates(scheduler, [1.0] * 8)
    assert rates == [0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]


def test_plateau_min_lr_floors_each_group_and_eps_skips_tiny_changes():
    opt = make_optimizer()
    scheduler = ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.004, 0.02])
    for _ in range(6):
        scheduler.step(1.0)
    assert scheduler.get_last_lr() == [0.004, 0.02]
    opt2 = make_optimizer()
    scheduler2 = ReduceLROnPlateau(opt2, patience=0, factor=0.5, eps=0.06)
    plateau_rates(scheduler2, [1.0, 1.0])
    assert scheduler2.get_last_lr() == [0.1, 0.03]  # 0.1 -> 0.05 is a change below eps


@pytest.mark.parametrize("mode, threshold_mode, threshold, metrics, improved", [
    ("min", "rel", 0.1, [1.0, 0.95], False),   # needs < 1.0 * (1 - 0.1)
    ("min", "rel", 0.1, [1.0, 0.89], True),
    ("min", "abs", 0.1, [1.0, 0.91], False),   # needs < 1.0 - 0.1
    ("min", "abs", 0.1, [1.0, 0.89], True),
    ("max", "rel", 0.1, [1.0, 1.05], False),   # needs > 1.0 * (1 + 0.1)
    ("max", "rel", 0.1, [1.0, 1.11], True),
    ("max", "abs", 0.5, [1.0, 1.4], False),    # needs > 1.0 + 0.5
    ("max", "abs", 0.5, [1.0, 1.6], True),
])
def test_plateau_threshold_modes(mode, threshold_mode, threshold, metrics, improved):
    scheduler = ReduceLROnPlateau(make_optimizer(), mode=mode, threshold_mode=threshold_mode,
                                  threshold=threshold, patience=0)
    plateau_rates(scheduler, metrics)
    assert scheduler.best == (metrics[1] if improved else metrics[0])
    assert (scheduler.get_last_lr()[0] == 0.1) == improved


def test_plateau_accepts_a_one_element_tensor_and_round_trips_state():
    scheduler = ReduceLROnPlateau(make_optimizer(), patience=1, cooldown=1)
    scheduler.step(Tensor(np.array(2.0)))
    scheduler.step(np.float32(3.0))
    state = scheduler.state_dict()
    expected = plateau_rates(scheduler, [3.0] * 6)
    fresh = ReduceLROnPlateau(make_optimizer(), patience=1, cooldown=1)
    fresh.load_state_dict(state)
    assert plateau_rates(fresh, [3.0] * 6) == expected


# ---------------------------------------------------------------- against PyTorch (optional)
@pytest.mark.parametrize("name, kwargs", [("StepLR", dict(step_size=4, gamma=0.7)),
                                          ("ExponentialLR", dict(gamma=0.95)),
                                          ("CosineAnnealingLR", dict(T_max=9, eta_min=0.002))])
def test_matches_torch_schedulers(name, kwargs):
    torch = pytest.importorskip("torch")
    import graphgrad.nn.optim.lr_scheduler as ours_module

    ours = getattr(ours_module, name)(make_optimizer(), **kwargs)
    ref_opt = torch.optim.SGD([{"params": [torch.ones(2, requires_grad=True)], "lr": lr}
                               for lr in BASE_LRS])
    ref = getattr(torch.optim.lr_scheduler, name)(ref_opt, **kwargs)
    for _ in range(40):
        np.testing.assert_allclose(ours.get_last_lr(), ref.get_last_lr(), rtol=1e-12)
        ours.optimizer.step()
        ref_opt.step()
        ours.step()
        ref.step()


def test_matches_torch_reduce_on_plateau():
    torch = pytest.importorskip("torch")
    kwargs = dict(patience=2, cooldown=1, factor=0.5, min_lr=[0.001, 0.01], threshold=0.01)
    ours = ReduceLROnPlateau(make_optimizer(), **kwargs)
    ref_opt = torch.optim.SGD([{"params": [torch.ones(2, requires_grad=True)], "lr": lr}
                               for lr in BASE_LRS])
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(ref_opt, **kwargs)
    rng = np.random.default_rng(3)
    metrics = np.concatenate([np.linspace(1.0, 0.5, 10), rng.uniform(0.45, 0.6, 40)])
    for metric in metrics:
        ours.step(metric)
        ref.step(metric)
        assert ours.get_last_lr() == ref.get_last_lr()
