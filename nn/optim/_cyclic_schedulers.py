"""Schedulers that cycle the rate within an epoch's steps: OneCycleLR, CyclicLR, warm restarts.

Re-exported by ``lr_scheduler``; see there.
"""
import math
import numbers
import types
from collections.abc import Callable, Sequence
from typing import Any

from ._scheduler_base import (
    LRScheduler,
    _check_cycle_momentum,
    _check_number,
    _check_optimizer,
    _format_param,
    _set_momentum,
)
from .optimizer import Optimizer


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """The 1cycle policy: warm the rate up to ``max_lr``, then anneal it far below the start.

    Step it after every batch, ``total_steps`` times (or ``epochs *
    steps_per_epoch``). The rate starts at ``max_lr / div_factor``, reaches
    ``max_lr`` after ``pct_start * total_steps - 1`` steps and ends at
    ``start / final_div_factor`` on step ``total_steps - 1`` (``"cos"`` or
    ``"linear"`` annealing); with ``three_phase`` it first comes back down to
    the start and only then anneals to the end. With ``cycle_momentum`` the
    momentum (or Adam's beta1) moves inversely between ``max_momentum`` and
    ``base_momentum``. Stepping past ``total_steps`` raises, as in PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    >>> sched = nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(sched.get_last_lr()[0], 4), opt.param_groups[0]["momentum"]
    (0.04, 0.95)
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        _check_optimizer(self, optimizer)
        if total_steps is not None:
            _check_number(self, "total_steps", total_steps, 0, low_open=True, integer=True)
        elif epochs is not None and steps_per_epoch is not None:
            _check_number(self, "epochs", epochs, 0, low_open=True, integer=True)
            _check_number(self, "steps_per_epoch", steps_per_epoch, 0, low_open=True,
                          integer=True)
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR: pass total_steps, or epochs and steps_per_epoch")
        if not isinstance(pct_start, numbers.Real) or not 0.0 <= pct_start <= 1.0:
            raise ValueError(f"OneCycleLR: invalid pct_start={pct_start!r}: it must be a float "
                             "in [0, 1]")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: invalid anneal_strategy={anneal_strategy!r}: use "
                             "'cos' or 'linear'")
        if cycle_momentum:
            _check_cycle_momentum(self, optimizer)
        self.total_steps: int = total_steps
        self.anneal_strategy: str = anneal_strategy
        self.cycle_momentum: bool = cycle_momentum
        warm_end = float(pct_start * total_steps) - 1
        # (last step of the phase, lr from, lr to, momentum from, momentum to)
        self._schedule_phases: list[tuple[float, str, str, str, str]]
        if three_phase:
            self._schedule_phases = [
                (warm_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr",
                 "base_momentum", "max_momentum"),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self._schedule_phases = [
                (warm_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        max_lrs = _format_param(self, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            tops = _format_param(self, "max_momentum", optimizer, max_momentum)
            bottoms = _format_param(self, "base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups, tops, bottoms):
                    _set_momentum(optimizer, group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for step ``last_epoch`` (``step()`` calls it); also sets the momentum.

        Each phase anneals (cosine or linear) between its two end points; the momentum (or
        beta1) moves the opposite way. Raises past ``total_steps``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=4, pct_start=0.5)
        >>> for step in range(4):
        ...     group = opt.param_groups[0]
        ...     print(step, round(group["lr"], 4), round(group["momentum"], 4))
        ...     sched.step()
        0 0.04 0.95
        1 1.0 0.85
        2 0.5 0.9
        3 0.0 0.95
        """
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times, but total_steps is "
                             f"{self.total_steps}; make total_steps cover every step() call")
        anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self._schedule_phases):
                if step <= end or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        _set_momentum(self.optimizer, group,
                                      anneal(group[m_from], group[m_to], pct))
                    break
                start = end
        return lrs


class CyclicLR(LRScheduler):
    """Cycle the rate between ``base_lr`` and ``max_lr`` (triangular waves), stepped per batch.

    A cycle rises for ``step_size_up`` steps and falls for ``step_size_down``
    (default: the same). The wave's height is scaled by ``mode``:
    ``"triangular"`` (1), ``"triangular2"`` (halved each cycle) or
    ``"exp_range"`` (``gamma ** step``), or by a custom ``scale_fn(x)`` of the
    cycle number or step (``scale_mode``). With ``cycle_momentum`` the momentum
    (or beta1) cycles inversely between ``max_momentum`` and ``base_momentum``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    >>> sched = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2)
    >>> [round(sched.get_last_lr()[0], 4) for _ in range(5) if sched.step() is None]
    [0.3, 0.5, 0.3, 0.1, 0.3]
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | Sequence[float],
                 max_lr: float | Sequence[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
                 scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float | Sequence[float] = 0.8,
                 max_momentum: float | Sequence[float] = 0.9, last_epoch: int = -1) -> None:
        _check_optimizer(self, optimizer)
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"CyclicLR: invalid mode={mode!r}: use 'triangular', "
                             "'triangular2' or 'exp_range', or pass scale_fn")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"CyclicLR: invalid scale_mode={scale_mode!r}: use 'cycle' or "
                             "'iterations'")
        _check_number(self, "step_size_up", step_size_up, 0, low_open=True)
        if step_size_down is not None:
            _check_number(self, "step_size_down", step_size_down, 0, low_open=True)
        if cycle_momentum:
            _check_cycle_momentum(self, optimizer)
        base_lrs = _format_param(self, "base_lr", optimizer, base_lr)
        self.max_lrs = _format_param(self, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.base_momentums = _format_param(self, "base_momentum", optimizer, base_momentum)
            self.max_momentums = _format_param(self, "max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups, self.max_momentums,
                                              self.base_momentums):
                    _set_momentum(optimizer, group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The wave's height factor at cycle (or step) ``x``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, 2, mode="triangular2")
        >>> [sched.scale_fn(cycle) for cycle in (1, 2, 3)]   # each cycle half as high
        [1.0, 0.5, 0.25]
        """
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        """The rates for step ``last_epoch`` (``step()`` calls it); also cycles the momentum.

        ``base_lr + (max_lr - base_lr) * wave * scale_fn(...)``, with ``wave`` rising from 0 to
        1 over ``step_size_up`` steps and falling back; the momentum moves the opposite way.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2)
        >>> for step in range(5):
        ...     group = opt.param_groups[0]
        ...     print(step, round(group["lr"], 4), round(group["momentum"], 4))
        ...     sched.step()
        0 0.1 0.9
        1 0.3 0.85
        2 0.5 0.8
        3 0.3 0.85
        4 0.1 0.9
        """
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, bottom, top in zip(self.optimizer.param_groups, self.base_momentums,
                                          self.max_momentums):
                _set_momentum(self.optimizer, group, top - (top - bottom) * scale_factor * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The state; a custom ``scale_fn`` object is saved as its ``__dict__`` (a function not).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, 2, scale_fn=lambda x: 0.5 ** x)
        >>> sched.step()
        >>> state = sched.state_dict()
        >>> state["last_epoch"], state["total_size"], state["_scale_fn_custom"]  # a lambda: None
        (1, 4.0, None)
        """
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        keep = fn is not None and not isinstance(fn, types.FunctionType)
        state["_scale_fn_custom"] = dict(fn.__dict__) if keep else None
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; a custom ``scale_fn`` stays the constructor's.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2)
        >>> sched.step()
        >>> resumed = nn.optim.lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2)  # a restart
        >>> resumed.load_state_dict(sched.state_dict())
        >>> resumed.step(); round(resumed.get_last_lr()[0], 4)   # step 2: the top of the wave
        0.5
        """
        saved = state_dict.get("_scale_fn_custom")
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_scale_fn_custom"})
        if saved is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(saved)


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from ``base_lr`` to ``eta_min``, restarting every ``T_i`` epochs (SGDR).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``,
    with ``T_0`` the first period and each next one ``T_mult`` times longer.
    ``step(epoch)`` may be given a fractional epoch (``epoch + batch / n_batches``)
    to anneal within an epoch, as in PyTorch.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> [round(sched.get_last_lr()[0], 4) for _ in range(4) if sched.step() is None]
    [0.5, 1.0, 0.5, 1.0]
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_number(self, "T_0", T_0, 0, low_open=True, integer=True)
        _check_number(self, "T_mult", T_mult, 1, integer=True)
        _check_number(self, "eta_min", eta_min, 0)
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates at ``T_cur`` epochs into the current period of ``T_i`` (``step()`` calls it).

        ``eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``: a closed form.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
        >>> for epoch in range(1, 5):
        ...     sched.step(); print(epoch, sched.T_cur, sched.T_i, round(sched.get_lr()[0], 4))
        1 1 2 0.5
        2 0 4 1.0
        3 1 4 0.8536
        4 2 4 0.5
        """
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (a float is allowed: fractions of an epoch).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> n_batches = 2
        >>> for epoch in range(2):
        ...     for batch in range(n_batches):   # opt.step() here, then anneal within the epoch
        ...         sched.step(epoch + (batch + 1) / n_batches)
        ...         print(sched.T_cur, round(sched.get_last_lr()[0], 4))
        0.5 0.8536
        1.0 0.5
        1.5 0.1464
        0.0 1.0
        """
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"CosineAnnealingWarmRestarts: expected a non-negative epoch, "
                                 f"got {epoch!r}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult ** n
            else:
                self.T_i, self.T_cur = self.T_0, epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()
