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
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _check_number(self, "step_size", step_size, 0, low_open=True, integer=True)
        _check_number(self, "gamma", gamma, 0)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr = base_lr * gamma ** epoch``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_number(self, "gamma", gamma, 0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
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
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_number(self, "T_max", T_max, 0, low_open=True, integer=True)
        _check_number(self, "eta_min", eta_min, 0)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
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
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas,
                                                                     self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The state without the functions (callable objects keep their ``__dict__``)."""
        state = {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; the functions stay those given to the constructor."""
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
        """Step the scheduler in force; at a milestone, restart the next one at its epoch 0."""
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
        """Own counters plus each wrapped scheduler's ``state_dict()``."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_milestones"] = list(self._milestones)
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``, the wrapped schedulers' states included."""
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)
