"""Learning-rate schedulers (PyTorch's ``torch.optim.lr_scheduler``): they write ``group["lr"]``.

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``;
``ReduceLROnPlateau.step(metric)`` takes the validation metric.
"""
import math
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ._cyclic_schedulers import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from ._plateau import ReduceLROnPlateau
from ._scheduler_base import LRScheduler, _check_number, _check_optimizer, _format_param
from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau",
           "LambdaLR", "MultiStepLR", "LinearLR", "SequentialLR", "OneCycleLR", "CyclicLR",
           "CosineAnnealingWarmRestarts"]


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (epoch // step_size)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for epoch in range(5):   # an epoch of opt.step() calls, then:
    ...     sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs                      # halved every 2 epochs
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _check_number(self, "step_size", step_size, 0, low_open=True, integer=True)
        _check_number(self, "gamma", gamma, 0)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch``; ``step()`` calls it and writes them.

        The current rates times ``gamma`` at a multiple of ``step_size``, else unchanged: a
        rate set by hand is carried along, as in PyTorch.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); opt.param_groups[0]["lr"] = 0.3   # epoch 1: a rate set by hand...
        >>> sched.step(); sched.get_last_lr()               # epoch 2: ...halved
        [0.15]
        """
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr = base_lr * gamma ** epoch``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for epoch in range(3):
    ...     sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_number(self, "gamma", gamma, 0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch``: the current ones times ``gamma``.

        ``step()`` calls it. Recursive, as in PyTorch: a rate set by hand is carried along.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> opt.param_groups[0]["lr"] = 0.1     # set by hand
        >>> sched.step(); sched.get_last_lr()   # 0.1 * 0.5, not 1.0 * 0.5
        [0.05]
        """
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the rate along a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` epochs.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``.
    As in PyTorch, ``step()`` uses the recursive form (so a rate changed by
    hand is carried along) and the rate rises again after ``T_max`` epochs.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.2)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for epoch in range(6):
    ...     sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
    >>> lrs      # down to eta_min at epoch T_max, then back up
    [1.0, 0.8828, 0.6, 0.3172, 0.2, 0.3172, 0.6]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_number(self, "T_max", T_max, 0, low_open=True, integer=True)
        _check_number(self, "eta_min", eta_min, 0)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch`` (``step()`` calls it), in the recursive form.

        ``(lr - eta_min)`` is multiplied by the ratio of successive cosine factors
        ``(1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max))``, so a rate set by hand
        keeps being annealed from where it was put, as in PyTorch.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        >>> sched.step(); round(sched.get_last_lr()[0], 4)      # the cosine at t = 1
        0.8536
        >>> opt.param_groups[0]["lr"] = 0.5                     # set by hand
        >>> sched.step(); round(sched.get_last_lr()[0], 4)      # 0.5 * 0.5 / 0.8536
        0.2929
        """
        epoch, t_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and epoch > 0:
            return self._get_closed_form_lr()
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            # NOTE: at the bottom of the cosine the ratio below is 0/0; step up explicitly.
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                    for lr, base_lr in zip(self._current_lrs(), self.base_lrs)]
        ratio = ((1 + math.cos(math.pi * epoch / t_max))
                 / (1 + math.cos(math.pi * (epoch - 1) / t_max)))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    """Set the rate to ``base_lr * lr_lambda(epoch)`` (one function, or one per param group).

    ``state_dict`` saves callable objects' ``__dict__`` but not plain functions
    or lambdas (as in PyTorch): pass the same functions when rebuilding.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=0.1)
    >>> sched = nn.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
    >>> sched.step(); sched.get_last_lr()
    [0.05]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        _check_optimizer(self, optimizer)
        lambdas = _format_param(self, "lr_lambda", optimizer, lr_lambda)
        for i, fn in enumerate(lambdas):
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda[{i}] must be callable (epoch -> factor), "
                                f"got {type(fn).__name__}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch``: ``base_lr * lr_lambda(last_epoch)`` per group.

        A closed form: unlike ``StepLR``'s, it overwrites a rate set by hand.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
        >>> opt.param_groups[0]["lr"] = 0.01    # set by hand: replaced at the next step
        >>> sched.step(); sched.get_last_lr()   # 1.0 * 1 / 2
        [0.5]
        """
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas,
                                                                     self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The state without the functions (callable objects keep their ``__dict__``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> class Halve:                          # a callable object: its attributes are saved
        ...     def __init__(self): self.rate = 0.5
        ...     def __call__(self, epoch): return self.rate ** epoch
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.LambdaLR(opt, Halve())
        >>> sched.state_dict()["lr_lambdas"], sched.state_dict()["last_epoch"]
        ([{'rate': 0.5}], 0)
        >>> nn.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"]  # lost
        [None]
        """
        state = {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; the functions stay those given to the constructor.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> class Decay:
        ...     def __init__(self, rate): self.rate = rate
        ...     def __call__(self, epoch): return self.rate ** epoch
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.LambdaLR(opt, Decay(0.5))
        >>> sched.step(); sched.step()
        >>> resumed = nn.optim.lr_scheduler.LambdaLR(opt, Decay(0.9))
        >>> resumed.load_state_dict(sched.state_dict())   # epoch 2 and the rate 0.5 come back
        >>> resumed.last_epoch, resumed.lr_lambdas[0].rate
        (2, 0.5)
        """
        saved = state_dict.get("lr_lambdas", [])
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "lr_lambdas"})
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                fn.__dict__.update(attributes)


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each milestone epoch (a repeated milestone counts twice).

    ``lr = base_lr * gamma ** (number of milestones <= epoch)``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> for _ in range(4): sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        milestones = list(milestones)
        for m in milestones:
            _check_number(self, "milestones", m, 0, integer=True)
        _check_number(self, "gamma", gamma, 0)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch``: the current rates times ``gamma`` at a milestone.

        Recursive, as in PyTorch: a rate set by hand is carried along.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 3], gamma=0.5)
        >>> opt.param_groups[0]["lr"] = 0.1    # set by hand at epoch 0
        >>> lrs = []
        >>> for epoch in range(4):
        ...     sched.step(); lrs.append(sched.get_last_lr()[0])
        >>> lrs                                # halved at epochs 2 and 3
        [0.1, 0.05, 0.025, 0.025]
        """
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the rate by a factor going linearly from ``start_factor`` to ``end_factor``.

    ``lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``;
    the usual warm-up (compose it with ``SequentialLR``). As PyTorch, ``step()``
    uses the recursive form, so a rate changed by hand is carried along.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> [round(sched.get_last_lr()[0], 4) for _ in range(5) if sched.step() is None]
    [0.5, 0.75, 1.0, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        _check_number(self, "start_factor", start_factor, 0, low_open=True)
        _check_number(self, "end_factor", end_factor, 0)
        for name, value in (("start_factor", start_factor), ("end_factor", end_factor)):
            if value > 1.0:
                raise ValueError(f"LinearLR: invalid {name}={value!r}: it must be <= 1")
        _check_number(self, "total_iters", total_iters, 0, low_open=True, integer=True)
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates for epoch ``last_epoch`` (``step()`` calls it), in the recursive form.

        Each step multiplies the current rates by the ratio of successive factors
        (``start + (end - start) * t / total_iters`` over the same at ``t - 1``), so a rate set
        by hand is carried along, as in PyTorch.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> sched.step(); sched.get_last_lr()   # factor 0.25 -> 0.5
        [0.5]
        >>> opt.param_groups[0]["lr"] = 0.1     # set by hand
        >>> sched.step(); round(sched.get_last_lr()[0], 4)   # 0.1 * 0.75 / 0.5
        0.15
        """
        start, end, epoch = self.start_factor, self.end_factor, self.last_epoch
        if epoch == 0:
            return [lr * start for lr in self._current_lrs()]
        if self._is_initial or epoch > self.total_iters:
            return self._current_lrs()
        factor = 1.0 + (end - start) / (self.total_iters * start + (epoch - 1) * (end - start))
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        fraction = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)
                for base_lr in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the ``milestones`` epochs.

    At a milestone the next scheduler restarts from its epoch 0 (its closed
    form, so it starts from the base rates). Construction undoes the first step
    the schedulers' own constructors made and restarts the first one, as PyTorch.
    A SequentialLR may be nested in another (PyTorch raises when the outer one
    reaches the inner one's milestone; ours restarts the inner one at its epoch 0).
    A linear warm-up then cosine annealing::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        cosine = CosineAnnealingLR(opt, T_max=95)
        sched = SequentialLR(opt, [warmup, cosine], milestones=[5])

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> warm = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> sched = nn.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
    >>> [sched.get_last_lr()[0] for _ in range(5) if sched.step() is None]
    [0.75, 1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        _check_optimizer(self, optimizer)
        schedulers, milestones = list(schedulers), list(milestones)
        if not schedulers:
            raise ValueError("SequentialLR: expects at least one scheduler, got none")
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau) or not isinstance(scheduler, LRScheduler):
                raise TypeError(f"SequentialLR: schedulers[{i}] is a "
                                f"{type(scheduler).__name__}; it takes epoch-driven schedulers "
                                "(not ReduceLROnPlateau, whose step needs a metric)")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR: schedulers[{i}] ({type(scheduler).__name__}) "
                                 "belongs to another optimizer; all must share this one")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: expects one milestone fewer than schedulers, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers, self._milestones = schedulers, milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)
        first = self._schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @staticmethod
    def _undo_initial_steps(scheduler: LRScheduler) -> None:
        for inner in getattr(scheduler, "_schedulers", []):
            if hasattr(inner, "_schedulers"):
                SequentialLR._undo_initial_steps(inner)
            else:
                inner.last_epoch -= 1

    # NOTE: PyTorch's signature (no epoch=): as in PyTorch, it does not substitute for
    # LRScheduler.step(epoch)
    def step(self) -> None:  # type: ignore[override]
        """Step the scheduler in force; at a milestone, restart the next one at its epoch 0.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> warm = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
        >>> decay = nn.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
        >>> sched = nn.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
        >>> for epoch in range(1, 4):
        ...     sched.step(); print(epoch, round(sched.get_last_lr()[0], 4))
        1 0.75
        2 1.0
        3 0.1
        """
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        """Jump to ``epoch`` (when nested in another SequentialLR, which restarts it at 0)."""
        if epoch is None:
            self.step()
            return
        self.last_epoch = epoch
        index = bisect_right(self._milestones, epoch)
        start = self._milestones[index - 1] if index else 0
        self._schedulers[index]._update_lr(epoch - start)
        self._last_lr = self._schedulers[index].get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Own counters plus each wrapped scheduler's ``state_dict()``.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> warm = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
        >>> decay = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched = nn.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
        >>> sched.step()
        >>> state = sched.state_dict()
        >>> state["last_epoch"], [inner["last_epoch"] for inner in state["_schedulers"]]
        (1, [1, -1])
        """
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_milestones"] = list(self._milestones)
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``, the wrapped schedulers' states included.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> def schedule(opt):
        ...     warm = nn.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
        ...     decay = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        ...     return nn.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = schedule(opt)
        >>> for _ in range(3): sched.step()
        >>> resumed = schedule(opt)                  # e.g. after a restart
        >>> resumed.load_state_dict(sched.state_dict())
        >>> resumed.step(); resumed.last_epoch, resumed.get_last_lr()
        (4, [0.25])
        """
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)
