"""ReduceLROnPlateau: cut the rate when a validation metric stops improving."""
import math
from collections.abc import Sequence
from typing import SupportsFloat

from ._scheduler_base import LRScheduler, _check_number, _check_optimizer
from .optimizer import Optimizer


class ReduceLROnPlateau(LRScheduler):
    """Multiply the rate by ``factor`` when a metric has stopped improving.

    Call ``step(metric)`` after each validation. A metric counts as better
    than the best so far when (``mode="min"``) it is below
    ``best * (1 - threshold)`` (``threshold_mode="rel"``) or ``best - threshold``
    (``"abs"``); mirrored for ``mode="max"``. After more than ``patience``
    epochs without improvement the rate becomes ``max(lr * factor, min_lr)``
    (changes smaller than ``eps`` are skipped), then ``cooldown`` epochs pass
    before bad epochs count again.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for val_loss in [1.0, 0.9, 0.95, 0.92, 0.91]:
    ...     sched.step(val_loss)              # after each validation
    ...     print(val_loss, sched.num_bad_epochs, sched.get_last_lr())
    1.0 0 [1.0]
    0.9 0 [1.0]
    0.95 1 [1.0]
    0.92 0 [0.5]
    0.91 1 [0.5]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0, eps: float = 1e-8) -> None:
        _check_optimizer(self, optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: invalid mode={mode!r}: use 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: invalid threshold_mode={threshold_mode!r}: "
                             "use 'rel' or 'abs'")
        _check_number(self, "factor", factor, 0)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: invalid factor={factor!r}: it must be < 1.0")
        _check_number(self, "patience", patience, 0, integer=True)
        _check_number(self, "cooldown", cooldown, 0, integer=True)
        _check_number(self, "threshold", threshold, 0)
        _check_number(self, "eps", eps, 0)
        n_groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n_groups:
                raise ValueError(f"ReduceLROnPlateau: expected {n_groups} min_lrs (one per "
                                 f"param group), got {len(min_lr)}")
            min_lrs = list(min_lr)
        else:
            min_lrs = [min_lr] * n_groups
        for value in min_lrs:
            _check_number(self, "min_lr", value, 0)
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.eps = cooldown, eps
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = min_lrs
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = self._current_lrs()

    @property
    def in_cooldown(self) -> bool:
        """True while bad epochs are being ignored after a reduction.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0, cooldown=2)
        >>> for val_loss in [1.0, 1.0, 1.0, 1.0, 1.0]:
        ...     sched.step(val_loss); print(sched.get_last_lr(), sched.in_cooldown)
        [1.0] False
        [0.5] True
        [0.5] True
        [0.5] False
        [0.25] True
        """
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Whether metric ``a`` improves on ``best`` by more than the threshold.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, threshold=0.01)  # 1% better
        >>> sched.is_better(0.995, best=1.0), sched.is_better(0.98, best=1.0)
        (False, True)
        >>> sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", threshold=0.1,
        ...                                                  threshold_mode="abs")
        >>> sched.is_better(1.05, best=1.0), sched.is_better(1.2, best=1.0)  # up by 0.1
        (False, True)
        """
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (1.0 + self.threshold) if self.threshold_mode == "rel"
                    else best + self.threshold)

    # NOTE: PyTorch's signature (the metric first), not the base class's: mypy is right that
    # it does not substitute for LRScheduler.step, as in PyTorch's own annotations
    def step(self, metrics: SupportsFloat,  # type: ignore[override]
             epoch: int | None = None) -> None:
        """Record this epoch's metric (a number or one-element tensor); reduce the rate if stuck.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=2)
        >>> for accuracy in [0.80, 0.85, 0.84, 0.85, 0.83]:
        ...     sched.step(gg.tensor(accuracy))       # a number or a one-element tensor
        >>> round(sched.best, 4), sched.num_bad_epochs, round(sched.get_last_lr()[0], 4)
        (0.85, 0, 0.1)
        """
        current = float(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown are ignored
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"ReduceLROnPlateau: the optimizer now has {len(groups)} param "
                                   f"groups but min_lr listed {len(self.min_lrs)}; set "
                                   "scheduler.min_lrs to one value per group")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
