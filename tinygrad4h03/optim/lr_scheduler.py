"""lr_scheduler.py: learning-rate schedules, as ``torch.optim.lr_scheduler``.

A scheduler changes ``group["lr"]`` of its optimiser's parameter groups each time its
``step()`` is called, which is once per epoch (or per batch), **after** ``optimizer.step()``:

```text
for epoch in range(epochs):
    for batch in data: optimizer.zero_grad(); loss(batch).backward(); optimizer.step()
    scheduler.step()            # ReduceLROnPlateau: scheduler.step(validation_loss)
```

Constructing a scheduler already takes its first step (``last_epoch`` goes from −1 to 0)
and records each group's starting rate as ``group["initial_lr"]`` (the schedule's
``base_lrs``). The rates are computed as PyTorch computes them (the same recursive
formulas, so the same floating-point values), and a call of ``scheduler.step()`` before any
``optimizer.step()`` warns, as in PyTorch, because it skips the schedule's first value.
"""

from __future__ import annotations

import math
import types
import warnings
import weakref
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from .optimizer import Optimizer

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "MultiStepLR",
    "ReduceLROnPlateau",
    "StepLR",
]

_EPOCH_ARGUMENT = (
    "passing an epoch to scheduler.step() is deprecated (as in PyTorch); "
    "call scheduler.step() once per epoch without it"
)


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


class LRScheduler:
    """The base class of the schedules: ``last_epoch``, ``base_lrs``, ``step()``, state dicts.

    A subclass defines ``get_lr()``, the groups' next rates from the current ones (called by
    ``step()`` after it has advanced ``last_epoch``), and may define
    ``_get_closed_form_lr()``, the rates at ``last_epoch`` from ``base_lrs`` directly (used
    when ``step(epoch)`` jumps).

    Args:
        optimizer: the optimiser whose groups' ``"lr"`` the schedule sets.
        last_epoch: the index of the last epoch done; −1 (the default) starts a schedule,
            anything else resumes one and needs ``"initial_lr"`` in every group.

    Attributes:
        optimizer: the optimiser.
        base_lrs: each group's ``"initial_lr"``.
        last_epoch: the number of ``step()`` calls so far, less one (0 after construction).

    Raises:
        TypeError: ``optimizer`` is not an ``Optimizer``.
        KeyError: ``last_epoch`` ≠ −1 and a group has no ``"initial_lr"``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1)
        >>> scheduler = StepLR(opt, step_size=1, gamma=0.5)
        >>> scheduler.last_epoch, scheduler.base_lrs, opt.param_groups[0]["initial_lr"]
        (0, [0.1], 0.1)
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"param 'initial_lr' is not specified in param_groups[{i}] when "
                    f"resuming a scheduler with last_epoch={last_epoch}: load the "
                    "optimizer's state dict first"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
        self._get_lr_called_within_step = False
        self._is_initial = True
        self._step_count = 0
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The groups' rates at ``last_epoch``; each schedule defines it (``step()`` calls it).

        Raises:
            NotImplementedError: in the base class.
        """
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr()")

    def get_last_lr(self) -> list[float]:
        """The rates the last ``step()`` set, one per parameter group.

        Examples:
            >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1)
            >>> ExponentialLR(opt, gamma=0.5).get_last_lr()
            [0.1]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule by one epoch and set each group's ``"lr"``.

        Call it after ``optimizer.step()``.

        Args:
            epoch: deprecated (as in PyTorch): jump to this epoch, using the closed-form
                rate where the schedule has one.

        Examples:
            >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
            >>> scheduler = MultiStepLR(opt, milestones=[2, 3], gamma=0.5)
            >>> rates = []
            >>> for _ in range(4):
            ...     opt.step(); scheduler.step(); rates.append(scheduler.get_last_lr()[0])
            >>> rates
            [1.0, 0.5, 0.25, 0.25]
        """
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(
                "lr_scheduler.step() was called before optimizer.step(): the first "
                "value of the learning-rate schedule is skipped; call "
                "optimizer.step() first (the order since PyTorch 1.1)",
                UserWarning,
                stacklevel=2,
            )
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                warnings.warn(_EPOCH_ARGUMENT, UserWarning, stacklevel=2)
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _warn_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "to get the last learning rate computed by the scheduler, use get_last_lr()",
                UserWarning,
                stacklevel=3,
            )

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything in the scheduler but the optimiser, for checkpoints (as PyTorch).

        Examples:
            >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1)
            >>> saved = StepLR(opt, step_size=3).state_dict()
            >>> saved["last_epoch"], saved["step_size"], saved["base_lrs"]
            (0, 3, [0.1])
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (load the optimiser's state as well)."""
        self.__dict__.update(state_dict)


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    """Wrap ``optimizer.step`` (once) so that it records that it ran, for the order warning."""
    if getattr(optimizer.step, "_wrapped_by_lr_sched", False):
        return
    method = type(optimizer).step
    owner = weakref.ref(optimizer)

    @wraps(method)
    def step(*args: Any, **kwargs: Any) -> Any:
        opt = owner()
        opt._opt_called = True  # type: ignore[union-attr]
        return method(opt, *args, **kwargs)

    step._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    optimizer.step = step  # type: ignore[method-assign]


class LambdaLR(LRScheduler):
    """The rate at epoch e is ``initial_lr · lr_lambda(e)``, as PyTorch's ``LambdaLR``.

    Args:
        optimizer: the optimiser.
        lr_lambda: a function of the epoch giving the factor, or one per parameter group.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: a list of functions whose length is not the number of groups.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1)
        >>> scheduler = LambdaLR(opt, lr_lambda=lambda epoch: 1 / (epoch + 1))
        >>> opt.step(); scheduler.step(); scheduler.get_last_lr()
        [0.05]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(
                    f"LambdaLR: expected {groups} lr_lambdas (one per parameter "
                    f"group), but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``base_lr · λ(last_epoch)`` for each group."""
        self._warn_outside_step()
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]

    def state_dict(self) -> dict[str, Any]:
        """As ``LRScheduler.state_dict``, with a callable object's attributes in place of
        each function that is not a plain function or lambda (those are ``None``)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (the functions stay the current ones)."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attributes in zip(self.lr_lambdas, saved, strict=True):
            if attributes is not None:
                fn.__dict__.update(attributes)


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs, as PyTorch's ``StepLR``.

    The rate at epoch e is ``initial_lr · gamma ** (e // step_size)``.

    Args:
        optimizer: the optimiser.
        step_size: the number of epochs between decays.
        gamma: the factor of each decay.
        last_epoch: as for ``LRScheduler``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = StepLR(opt, step_size=2, gamma=0.1), []
        >>> for _ in range(5):
        ...     rates.append(round(scheduler.get_last_lr()[0], 6)); opt.step(); scheduler.step()
        >>> rates
        [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates, times ``gamma`` at each positive multiple of ``step_size``."""
        self._warn_outside_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each milestone epoch, as PyTorch's ``MultiStepLR``.

    The rate at epoch e is ``initial_lr · gamma ** (number of milestones ≤ e)``; a milestone
    listed twice decays twice.

    Args:
        optimizer: the optimiser.
        milestones: the epochs at which to decay (any order).
        gamma: the factor of each decay.
        last_epoch: as for ``LRScheduler``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = MultiStepLR(opt, milestones=[1, 3], gamma=0.5), []
        >>> for _ in range(4):
        ...     rates.append(scheduler.get_last_lr()[0]); opt.step(); scheduler.step()
        >>> rates
        [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates, times ``gamma`` (per listing) at a milestone."""
        self._warn_outside_step()
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch, as PyTorch's ``ExponentialLR``.

    The rate at epoch e is ``initial_lr · gamma ** e``.

    Args:
        optimizer: the optimiser.
        gamma: the factor of each epoch's decay.
        last_epoch: as for ``LRScheduler``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler = ExponentialLR(opt, gamma=0.5)
        >>> for _ in range(3):
        ...     opt.step(); scheduler.step()
        >>> scheduler.get_last_lr()
        [0.125]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates times ``gamma`` (unchanged by the constructor's step)."""
        self._warn_outside_step()
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the rate along a cosine, as PyTorch's ``CosineAnnealingLR``.

    From η_max = ``initial_lr`` down to η_min = ``eta_min`` over ``T_max`` epochs:

    ```text
    η_e = η_min + ½ (η_max − η_min) (1 + cos(π e / T_max))
    ```

    computed, as PyTorch does, recursively from the previous rate (so a rate changed by hand
    in between is followed), and rising again after ``T_max`` (the cosine's period is
    2 ``T_max``) rather than staying at η_min.

    Args:
        optimizer: the optimiser.
        T_max: the number of epochs of the descent.
        eta_min: η_min, the lowest rate.
        last_epoch: as for ``LRScheduler``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = CosineAnnealingLR(opt, T_max=4, eta_min=0.2), []
        >>> for _ in range(5):
        ...     rates.append(round(scheduler.get_last_lr()[0], 4)); opt.step(); scheduler.step()
        >>> rates
        [1.0, 0.8828, 0.6, 0.3172, 0.2]
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next rates on the cosine, from the current ones (PyTorch's recursion)."""
        self._warn_outside_step()
        e, period, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and e > 0:  # resumed: the closed form
            return self._closed_form()
        if (e - 1 - period) % (2 * period) == 0:  # the cosine's lowest point: step back up
            rise = (1 - math.cos(math.pi / period)) / 2
            return [
                lr + (base - low) * rise
                for base, lr in zip(self.base_lrs, self._current_lrs(), strict=True)
            ]
        ratio = (1 + math.cos(math.pi * e / period)) / (1 + math.cos(math.pi * (e - 1) / period))
        return [ratio * (lr - low) + low for lr in self._current_lrs()]

    def _closed_form(self) -> list[float]:
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * cosine / 2 for base in self.base_lrs]

    def _get_closed_form_lr(self) -> list[float]:
        return self._closed_form()


class ReduceLROnPlateau(LRScheduler):
    """Cut the rate when a metric stops improving, as PyTorch's ``ReduceLROnPlateau``.

    ``step(metric)`` (e.g. the validation loss, once per epoch) counts the epochs since the
    best value so far; when more than ``patience`` epochs in a row were no better, each
    group's rate becomes ``max(lr · factor, min_lr)`` (unless that changes it by ``eps`` or
    less), and the count pauses for ``cooldown`` epochs. "Better" is, with ``best`` the best
    value so far and τ the ``threshold``:

    | ``mode`` | ``threshold_mode="rel"`` | ``threshold_mode="abs"`` |
    |---|---|---|
    | ``"min"`` | metric < best · (1 − τ) | metric < best − τ |
    | ``"max"`` | metric > best · (1 + τ) | metric > best + τ |

    Args:
        optimizer: the optimiser.
        mode: ``"min"`` (a loss) or ``"max"`` (an accuracy).
        factor: the factor of each cut, below 1.
        patience: the number of epochs without improvement to allow before a cut.
        threshold: τ, the least change that counts as an improvement.
        threshold_mode: ``"rel"`` or ``"abs"``, as in the table.
        cooldown: the number of epochs after a cut during which bad epochs are not counted.
        min_lr: the lowest rate, one for all groups or one per group.
        eps: the smallest change of rate worth making.

    Raises:
        TypeError: ``optimizer`` is not an ``Optimizer``.
        ValueError: ``factor`` ≥ 1, an unknown ``mode`` or ``threshold_mode``, or a list of
            ``min_lr`` whose length is not the number of groups.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = ReduceLROnPlateau(opt, factor=0.5, patience=1), []
        >>> for loss in [3.0, 2.0, 2.5, 2.5, 2.5, 2.5, 1.0]:
        ...     opt.step(); scheduler.step(loss); rates.append(scheduler.get_last_lr()[0])
        >>> rates
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor should be < 1.0, got {factor}")
        _check_optimizer(optimizer)
        self.factor = factor
        self.optimizer = optimizer
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != groups:
                raise ValueError(
                    f"ReduceLROnPlateau: expected {groups} min_lrs (one per "
                    f"parameter group), got {len(min_lr)}"
                )
            self.default_min_lr: float | None = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * groups
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self._set_mode(mode, threshold, threshold_mode)
        self._reset()

    def _set_mode(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode {mode!r} is unknown (use 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau: threshold mode {threshold_mode!r} is unknown "
                "(use 'rel' or 'abs')"
            )
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the scheduler is in the ``cooldown`` epochs after a cut."""
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Whether the metric ``a`` improves on ``best`` (the table above)."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record this epoch's metric and cut the rates if it has been on a plateau.

        Args:
            metrics: the epoch's metric (a number or a one-element tensor).
            epoch: deprecated (as in PyTorch): the epoch's number.
        """
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(_EPOCH_ARGUMENT, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self) -> None:
        groups = len(self.optimizer.param_groups)
        if len(self.min_lrs) != groups:
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimizer has {groups} parameter "
                    f"groups but min_lrs has {len(self.min_lrs)} (a group was "
                    "added after the scheduler was made); set min_lrs to match"
                )
            self.min_lrs = [self.default_min_lr] * groups
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned."""
        self.__dict__.update(state_dict)
        self._set_mode(self.mode, self.threshold, self.threshold_mode)
