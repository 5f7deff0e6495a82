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
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
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
        self._is_initial = False
        self._initial_step()

    def _initial_step(self) -> None:
        """The constructor's step (``last_epoch`` −1 → 0), which most schedules make a no-op."""
        self._step_count = 0
        self._is_initial = True
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
        if epoch is not None:
            warnings.warn(_EPOCH_ARGUMENT, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Advance ``last_epoch`` (or set it to ``epoch``, with the closed form) and set the
        groups' rates."""
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        self._set_lrs(values)

    def _set_lrs(self, values: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

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


_LRScheduler = LRScheduler  # PyTorch's old name, still subclassed by older code


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    """Wrap ``optimizer.step`` (once) so that it records that it ran, for the order warning."""
    if getattr(optimizer.step, "_wrapped_by_lr_sched", False):
        return
    method = type(optimizer).step
    owner = weakref.ref(optimizer)

    @wraps(method)
    def step(*args: Any, **kwargs: Any) -> Any:
        opt = owner()
        if opt is None:
            raise ReferenceError("step(): its optimizer no longer exists")
        opt._opt_called = True
        return method(opt, *args, **kwargs)

    # Marks the wrapper and replaces the instance's method: PyTorch's LRScheduler does the
    # same, so that code written for it (which checks these) keeps working
    step._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    optimizer.step = step  # type: ignore[method-assign]


class _FunctionSchedule(LRScheduler):
    """A schedule driven by functions of the epoch, one per group (``LambdaLR``,
    ``MultiplicativeLR``): their checks and state dicts."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        name, groups = type(self).__name__, len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(
                    f"{name}: expected {groups} lr_lambdas (one per parameter "
                    f"group), but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"{name}: lr_lambda should be a function, but got {type(fn).__name__}"
                )
        super().__init__(optimizer, last_epoch)

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


class LambdaLR(_FunctionSchedule):
    """The rate at epoch e is ``initial_lr · lr_lambda(e)``, as PyTorch's ``LambdaLR``.

    Args:
        optimizer: the optimiser.
        lr_lambda: a function of the epoch giving the factor, or one per parameter group.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: a list of functions whose length is not the number of groups.
        TypeError: an ``lr_lambda`` that is not callable.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1)
        >>> scheduler = LambdaLR(opt, lr_lambda=lambda epoch: 1 / (epoch + 1))
        >>> opt.step(); scheduler.step(); scheduler.get_last_lr()
        [0.05]
    """

    def get_lr(self) -> list[float]:
        """``base_lr · λ(last_epoch)`` for each group."""
        self._warn_outside_step()
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]


class MultiplicativeLR(_FunctionSchedule):
    """Multiply the rate by ``lr_lambda(e)`` at each epoch e ≥ 1, as PyTorch's ``MultiplicativeLR``.

    Args:
        optimizer: the optimiser.
        lr_lambda: a function of the epoch giving the factor, or one per parameter group.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: a list of functions whose length is not the number of groups.
        TypeError: an ``lr_lambda`` that is not callable.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler = MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5)
        >>> for _ in range(3):
        ...     opt.step(); scheduler.step()
        >>> scheduler.get_last_lr()
        [0.125]
    """

    def get_lr(self) -> list[float]:
        """The current rates times λ(last_epoch) (unchanged by the constructor's step)."""
        self._warn_outside_step()
        if self._is_initial:
            return self._current_lrs()
        return [
            lr * fn(self.last_epoch)
            for fn, lr in zip(self.lr_lambdas, self._current_lrs(), strict=True)
        ]


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

    # PyTorch's signature: the metric comes first, unlike the other schedulers' step(epoch)
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


class ConstantLR(LRScheduler):
    """Scale the rate by ``factor`` for ``total_iters`` epochs, as PyTorch's ``ConstantLR``.

    The rate at epoch e is ``initial_lr · factor`` for e < ``total_iters``, then
    ``initial_lr``: a constant warm-up.

    Args:
        optimizer: the optimiser.
        factor: the scale of the first epochs, in [0, 1].
        total_iters: the number of scaled epochs.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: ``factor`` outside [0, 1].

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = ConstantLR(opt, factor=0.5, total_iters=2), []
        >>> for _ in range(4):
        ...     rates.append(scheduler.get_last_lr()[0]); opt.step(); scheduler.step()
        >>> rates
        [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 <= factor <= 1.0:
            raise ValueError(f"ConstantLR: the factor must be between 0 and 1, got {factor}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates times ``factor`` at epoch 0, divided by it again at ``total_iters``."""
        self._warn_outside_step()
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        done = self.last_epoch >= self.total_iters
        return [base * (self.factor + done * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Ramp the rate's factor linearly over ``total_iters`` epochs, as PyTorch's ``LinearLR``.

    The rate at epoch e is ``initial_lr · (s + (f − s) · min(e, total_iters) / total_iters)``
    with s = ``start_factor`` and f = ``end_factor``: a linear warm-up (or decay).

    Args:
        optimizer: the optimiser.
        start_factor: s, in (0, 1].
        end_factor: f, in [0, 1].
        total_iters: the number of epochs of the ramp.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: a factor outside its range.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = LinearLR(opt, start_factor=0.25, total_iters=3), []
        >>> for _ in range(5):
        ...     rates.append(scheduler.get_last_lr()[0]); opt.step(); scheduler.step()
        >>> rates
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1.0:
            raise ValueError(
                f"LinearLR: start_factor must be greater than 0 and at most 1, got {start_factor}"
            )
        if not 0 <= end_factor <= 1.0:
            raise ValueError(f"LinearLR: end_factor must be between 0 and 1, got {end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next rates on the ramp, from the current ones (PyTorch's recursion)."""
        self._warn_outside_step()
        start, end, e = self.start_factor, self.end_factor, self.last_epoch
        if e == 0:
            return [lr * start for lr in self._current_lrs()]
        if self._is_initial or e > self.total_iters:
            return self._current_lrs()
        ratio = 1.0 + (end - start) / (self.total_iters * start + (e - 1) * (end - start))
        return [lr * ratio for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        start, end = self.start_factor, self.end_factor
        done = min(self.total_iters, self.last_epoch)
        return [base * (start + (end - start) * done / self.total_iters) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the rate polynomially to 0 over ``total_iters`` epochs, as PyTorch's ``PolynomialLR``.

    The rate at epoch e is ``initial_lr · (1 − min(e, total_iters) / total_iters) ** power``.

    Args:
        optimizer: the optimiser.
        total_iters: the number of epochs of the decay.
        power: the polynomial's power.
        last_epoch: as for ``LRScheduler``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = PolynomialLR(opt, total_iters=4, power=2.0), []
        >>> for _ in range(5):
        ...     rates.append(scheduler.get_last_lr()[0]); opt.step(); scheduler.step()
        >>> rates
        [1.0, 0.5625, 0.25, 0.0625, 0.0]
    """

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates times this epoch's decay factor (PyTorch's recursion)."""
        self._warn_outside_step()
        e, n = self.last_epoch, self.total_iters
        if self._is_initial or e > n:
            return self._current_lrs()
        factor = ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** self.power
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        done = min(self.total_iters, self.last_epoch)
        return [base * (1.0 - done / self.total_iters) ** self.power for base in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run schedules one after another, switching at the milestones, as PyTorch's ``SequentialLR``.

    Schedule i runs from milestone i − 1 (0 for the first) up to milestone i; at a
    milestone the next schedule restarts at its epoch 0 from the groups' initial rates.
    The usual use: a warm-up (``LinearLR``) and then a decay.

    Args:
        optimizer: the optimiser all the schedules belong to.
        schedulers: the schedules, made on ``optimizer`` beforehand.
        milestones: the epochs at which to switch, one fewer than the schedules.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: no schedules, a ``ReduceLROnPlateau`` among them, one on another
            optimiser, or the wrong number of milestones.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> warmup = LinearLR(opt, start_factor=0.5, total_iters=2)
        >>> decay = ExponentialLR(opt, gamma=0.5)
        >>> scheduler, rates = SequentialLR(opt, [warmup, decay], milestones=[2]), []
        >>> for _ in range(5):
        ...     rates.append(scheduler.get_last_lr()[0]); opt.step(); scheduler.step()
        >>> rates
        [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        if not schedulers:
            raise ValueError("SequentialLR expects at least one scheduler, got none")
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"SequentialLR does not support ReduceLROnPlateau (index {i}): "
                    "its step() needs the metric"
                )
            if getattr(scheduler, "optimizer", None) is not optimizer:
                raise ValueError(
                    f"SequentialLR expects all schedulers to belong to the same "
                    f"optimizer, but the one at index {i} does not"
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR expects one milestone fewer than schedulers, got "
                f"{len(schedulers)} schedulers and {len(milestones)} milestones"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # undo the schedules' own first steps
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        first = schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    # PyTorch's signature: no epoch argument (the schedules it chains keep their own)
    def step(self) -> None:  # type: ignore[override]
        """Advance by one epoch: step the current schedule, or start the next at a milestone."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimiser, with each schedule's own state dict."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned, each schedule's state included."""
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, own in zip(self._schedulers, saved, strict=True):
            scheduler.load_state_dict(own)


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing restarted every cycle (SGDR), as PyTorch's ``CosineAnnealingWarmRestarts``.

    With T_cur the epochs since the last restart and T_i the current cycle's length
    (``T_0``, then multiplied by ``T_mult`` at each restart):

    ```text
    η = η_min + ½ (η_max − η_min) (1 + cos(π T_cur / T_i))
    ```

    ``step(epoch)`` may take a fractional epoch (e.g. ``epoch + i / batches`` inside an epoch).

    Args:
        optimizer: the optimiser.
        T_0: the length of the first cycle, a positive int.
        T_mult: the factor by which each cycle is longer than the last, an int ≥ 1.
        eta_min: η_min, the lowest rate.
        last_epoch: as for ``LRScheduler``.

    Raises:
        ValueError: a ``T_0`` or ``T_mult`` out of range, or a negative epoch.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
        >>> scheduler, rates = CosineAnnealingWarmRestarts(opt, T_0=2), []
        >>> for _ in range(5):
        ...     rates.append(round(scheduler.get_last_lr()[0], 3)); opt.step(); scheduler.step()
        >>> rates
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected a positive integer T_0, got {T_0}"
            )
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected an integer T_mult >= 1, got {T_mult}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates on the current cycle's cosine."""
        self._warn_outside_step()
        cosine = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base - self.eta_min) * cosine / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance by one epoch, or go to ``epoch`` (which may be fractional).

        Args:
            epoch: the (fractional) epoch to go to; by default the next one.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            self._go_to(epoch)
        self.last_epoch = math.floor(epoch)
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        self._set_lrs(values)

    def _go_to(self, epoch: float) -> None:
        if epoch < 0:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected a non-negative epoch, got {epoch}"
            )
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:  # the cycle n with T_0 (T_mult^n − 1) / (T_mult − 1) ≤ epoch
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult**n


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin), stepped once per batch, as PyTorch's ``OneCycleLR``.

    The rate rises from ``max_lr / div_factor`` to ``max_lr`` over the first ``pct_start`` of
    the ``total_steps`` steps, then falls to ``max_lr / (div_factor · final_div_factor)``
    (with ``three_phase``: back to the start first, then to the end), each phase along a
    half cosine (``anneal_strategy="cos"``) or a line (``"linear"``). With
    ``cycle_momentum`` the momentum (SGD's ``momentum``, Adam's β1) moves the opposite way,
    between ``max_momentum`` and ``base_momentum``. Call ``step()`` after every batch, at
    most ``total_steps`` times.

    Args:
        optimizer: the optimiser.
        max_lr: the peak rate, one for all groups or one per group.
        total_steps: the number of steps; or give ``epochs`` and ``steps_per_epoch``.
        epochs: the number of epochs (with ``steps_per_epoch``).
        steps_per_epoch: the number of steps per epoch (with ``epochs``).
        pct_start: the fraction of the steps spent rising, in [0, 1].
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: cycle the momentum inversely to the rate.
        base_momentum: the lowest momentum (at the peak rate), one or one per group.
        max_momentum: the highest momentum (at the ends), one or one per group.
        div_factor: the starting rate is ``max_lr / div_factor``.
        final_div_factor: the last rate is the starting rate divided by this.
        three_phase: rise, fall back to the start, then anneal to the end.
        last_epoch: the index of the last step done; −1 starts the cycle.

    Raises:
        ValueError: neither ``total_steps`` nor ``epochs`` and ``steps_per_epoch``, a
            ``pct_start`` outside [0, 1], an unknown ``anneal_strategy``, momentum cycling
            on an optimiser without momentum, or more steps than ``total_steps``.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1, momentum=0.9)
        >>> scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=4, anneal_strategy="linear")
        >>> rates = [scheduler.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step(); scheduler.step(); rates.append(round(scheduler.get_last_lr()[0], 6))
        >>> rates, opt.param_groups[0]["momentum"]
        ([0.04, 0.714287, 0.357145, 4e-06], 0.95)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(
                f"OneCycleLR: expected a float between 0 and 1 for pct_start, got {pct_start}"
            )
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self._anneal_func_type = anneal_strategy
        self._schedule_phases = _one_cycle_phases(self.total_steps, pct_start, three_phase)
        if last_epoch == -1:
            for group, peak in zip(
                optimizer.param_groups, _per_group("max_lr", optimizer, max_lr), strict=True
            ):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._set_up_momentum(optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _set_up_momentum(
        self,
        optimizer: Optimizer,
        base: float | list[float],
        top: float | list[float],
        last_epoch: int,
    ) -> None:
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError(
                "OneCycleLR: optimizer must support momentum or beta1 with cycle_momentum=True"
            )
        self.use_beta1 = "betas" in optimizer.defaults
        tops, bases = (
            _per_group("max_momentum", optimizer, top),
            _per_group("base_momentum", optimizer, base),
        )
        if last_epoch == -1:
            for high, low, group in zip(tops, bases, optimizer.param_groups, strict=True):
                self._set_momentum(group, high)
                group["max_momentum"], group["base_momentum"] = high, low

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """The rates at step ``last_epoch`` (and, with ``cycle_momentum``, sets the momenta)."""
        self._warn_outside_step()
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; the specified number "
                f"of total steps is {self.total_steps}"
            )
        rates = []
        for group in self.optimizer.param_groups:
            begin, phases = 0.0, self._schedule_phases
            for i, phase in enumerate(phases):
                end = phase["end_step"]
                if step <= end or i == len(phases) - 1:
                    pct = (step - begin) / (end - begin)
                    rates.append(
                        self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    )
                    if self.cycle_momentum:
                        self._set_momentum(
                            group,
                            self._anneal(
                                group[phase["start_momentum"]], group[phase["end_momentum"]], pct
                            ),
                        )
                    break
                begin = end
        return rates


def _total_steps(total_steps: int | None, epochs: int | None, steps_per_epoch: int | None) -> int:
    if total_steps is not None:
        if not isinstance(total_steps, int) or total_steps <= 0:
            raise ValueError(
                f"OneCycleLR: expected a positive integer total_steps, got {total_steps}"
            )
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("OneCycleLR: define either total_steps or (epochs and steps_per_epoch)")
    for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"OneCycleLR: expected a positive integer {name}, got {value}")
    return epochs * steps_per_epoch


def _one_cycle_phases(total: int, pct_start: float, three_phase: bool) -> list[dict[str, Any]]:
    """The 1cycle's phases: the step each ends at, and the group keys of its end points."""
    rise = {
        "end_step": float(pct_start * total) - 1,
        "start_lr": "initial_lr",
        "end_lr": "max_lr",
        "start_momentum": "max_momentum",
        "end_momentum": "base_momentum",
    }
    last = {
        "end_step": total - 1,
        "start_lr": "max_lr",
        "end_lr": "min_lr",
        "start_momentum": "base_momentum",
        "end_momentum": "max_momentum",
    }
    if not three_phase:
        return [rise, last]
    back = {
        "end_step": float(2 * pct_start * total) - 2,
        "start_lr": "max_lr",
        "end_lr": "initial_lr",
        "start_momentum": "base_momentum",
        "end_momentum": "max_momentum",
    }
    return [rise, back, {**last, "start_lr": "initial_lr", "start_momentum": "max_momentum"}]


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(
                f"OneCycleLR: {name} must have one value per parameter group "
                f"({groups}), got {len(value)}"
            )
        return list(value)
    return [value] * groups


# CyclicLR lives in cyclic.py (it subclasses LRScheduler), re-exported here as in PyTorch
from .cyclic import CyclicLR  # noqa: E402
