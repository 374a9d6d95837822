"""The base of the learning-rate schedulers and their argument checks (see ``lr_scheduler``)."""
import numbers
import warnings
from typing import Any

from .optimizer import Optimizer


def _check_optimizer(scheduler: Any, optimizer: Optimizer) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(scheduler).__name__}: expected an Optimizer, got "
                        f"{type(optimizer).__name__}")


def _check_number(scheduler: Any, name: str, value: object, low: float, low_open: bool = False,
                  integer: bool = False) -> None:
    """Raise naming the argument and value unless ``value`` is a number above ``low``."""
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{type(scheduler).__name__}: {name} must be "
                        f"{'an integer' if integer else 'a number'}, got {value!r}")
    number = float(value)  # a Real (checked above): NaN fails both comparisons
    if not (number > low if low_open else number >= low):
        raise ValueError(f"{type(scheduler).__name__}: invalid {name}={value!r}: it must be "
                         f"{'>' if low_open else '>='} {low}")


class LRScheduler:
    """Base class: sets every group's ``lr`` from ``get_lr()`` at each ``step()``.

    ``last_epoch`` counts the calls to ``step()`` (construction makes the
    first, to epoch 0); ``base_lrs`` are the groups' ``initial_lr``. To resume,
    pass ``last_epoch`` and an optimizer whose groups have ``initial_lr``
    (from its loaded ``state_dict``), or use the scheduler's ``load_state_dict``.

    Examples
    --------
    >>> import graphgrad as gg
    >>> from graphgrad import nn
    >>> class Halving(nn.optim.lr_scheduler.LRScheduler):        # a schedule is one method, get_lr
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = Halving(opt)                 # construction sets epoch 0
    >>> sched.step(); sched.step()
    >>> sched.last_epoch, sched.base_lrs, opt.param_groups[0]["lr"]
    (2, [1.0], 0.25)
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(self, optimizer)
        if last_epoch != -1:
            missing = [i for i, group in enumerate(optimizer.param_groups)
                       if "initial_lr" not in group]
            if missing:
                raise KeyError(f"{type(self).__name__}: param_groups{missing} have no "
                               "'initial_lr', needed to resume with last_epoch >= 0; load the "
                               "optimizer's state_dict first, or start with last_epoch=-1")
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._is_initial = False
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and make the first step (to ``last_epoch + 1``)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The next learning rate of each group (called by ``step``).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> class Warmup(nn.optim.lr_scheduler.LRScheduler):   # ramp up over 3 epochs
        ...     def get_lr(self):
        ...         return [base * min(1.0, (self.last_epoch + 1) / 3) for base in self.base_lrs]
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = Warmup(opt)
        >>> lrs = [round(sched.get_last_lr()[0], 4)]
        >>> for epoch in range(3):
        ...     sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.3333, 0.6667, 1.0, 1.0]
        """
        raise NotImplementedError(f"{type(self).__name__} must define get_lr()")

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per param group.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> head, body = gg.zeros(1, requires_grad=True), gg.zeros(1, requires_grad=True)
        >>> opt = nn.optim.SGD([{"params": [head], "lr": 1.0}, {"params": [body], "lr": 0.1}])
        >>> sched = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched.step(); sched.get_last_lr()   # read rates here; get_lr() defines them
        [0.5, 0.05]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new rates into ``optimizer.param_groups``.

        ``epoch`` (deprecated, as in PyTorch) jumps to that epoch using the closed form.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
        >>> for epoch in range(2):
        ...     opt.step()        # the batches of one epoch (opt.step() first, as in PyTorch)
        ...     sched.step()      # then the schedule
        >>> sched.last_epoch, opt.param_groups[0]["lr"]
        (2, 0.1)
        """
        self._step_count += 1
        if epoch is not None:
            warnings.warn("passing epoch to scheduler.step() is deprecated (as in PyTorch); "
                          "call step() once per epoch", DeprecationWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Advance one epoch (``epoch=None``) or jump to ``epoch`` by the closed form; set rates."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, as a dict (lists copied).

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> state = sched.state_dict()
        >>> state["last_epoch"], state["base_lrs"], state["_last_lr"], state["step_size"]
        (2, [1.0], [0.5], 2)
        """
        return {key: (list(value) if isinstance(value, list) else value)
                for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned.

        Examples
        --------
        >>> import graphgrad as gg
        >>> from graphgrad import nn
        >>> opt = nn.optim.SGD([gg.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> resumed = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)  # a restart
        >>> resumed.load_state_dict(sched.state_dict())
        >>> resumed.last_epoch, resumed.get_last_lr()
        (2, [0.5])
        """
        self.__dict__.update({key: (list(value) if isinstance(value, list) else value)
                              for key, value in state_dict.items()})


def _format_param(scheduler: Any, name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per param group: ``value`` repeated, or a list/tuple of exactly that many."""
    n_groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n_groups:
            raise ValueError(f"{type(scheduler).__name__}: expected {n_groups} values for {name} "
                             f"(one per param group), got {len(value)}")
        return list(value)
    return [value] * n_groups


def _set_momentum(optimizer: Optimizer, group: dict[str, Any], momentum: float) -> None:
    """Write ``momentum`` into a group: as beta1 of ``betas`` (Adam family) or as ``momentum``."""
    if "betas" in optimizer.defaults:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _check_cycle_momentum(scheduler: Any, optimizer: Optimizer) -> None:
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{type(scheduler).__name__}: cycle_momentum=True needs an optimizer with "
                         f"momentum or betas, and {type(optimizer).__name__} has neither; pass "
                         "cycle_momentum=False")
