"""cyclic.py: ``CyclicLR`` (Smith, 2017), as ``torch.optim.lr_scheduler.CyclicLR``: the rate
goes up and down between two bounds in triangles, and the momentum the other way.

``tg.optim.lr_scheduler`` re-exports it, so ``tg.optim.lr_scheduler.CyclicLR`` works as in
PyTorch.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

from .lr_scheduler import LRScheduler, _check_optimizer
from .optimizer import Optimizer

__all__ = ["CyclicLR"]

_MODES = ("triangular", "triangular2", "exp_range")


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per parameter group (PyTorch's ``_format_param``)."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"optimizer.param_groups has {groups} values, {name} has {len(value)}."
            )
        return list(value)
    return [value] * groups


class CyclicLR(LRScheduler):
    """A cyclical learning rate, as ``torch.optim.lr_scheduler.CyclicLR``; call ``step()``
    after every batch.

    With ``last_epoch`` = k, a cycle of S = ``step_size_up`` + ``step_size_down`` steps and
    r = ``step_size_up`` / S:

    ```text
    c = ⌊1 + k / S⌋,   x = 1 + k / S − c                     position in the cycle, in [0, 1)
    f = x / r if x ≤ r else (x − 1) / (r − 1)                up, then down: a triangle in [0, 1]
    lr = base_lr + (max_lr − base_lr) · f · scale(c)         "cycle" scaling (or scale(k))
    momentum = max_momentum − (max_momentum − base_momentum) · f · scale(c)
    ```

    ``mode`` picks scale: ``"triangular"`` 1, ``"triangular2"`` 1/2^(c−1) (the height halves
    each cycle), ``"exp_range"`` γ^k (by iterations); ``scale_fn`` replaces it. With
    ``cycle_momentum`` the optimiser's momentum (SGD's ``momentum``, or β1 of Adam-like
    optimisers) moves against the rate, starting at ``max_momentum``.

    Args:
        optimizer: the optimiser; its rates start at ``base_lr``.
        base_lr: the lower bound, one or one per group.
        max_lr: the upper bound, one or one per group.
        step_size_up: steps from the lower to the upper bound.
        step_size_down: steps back down (``step_size_up`` when ``None``).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
        gamma: γ of ``"exp_range"``.
        scale_fn: a custom scale of the height (replaces ``mode``).
        scale_mode: ``"cycle"`` or ``"iterations"``: the argument of ``scale_fn``.
        cycle_momentum: cycle the momentum inversely to the rate.
        base_momentum: the lowest momentum, one or one per group.
        max_momentum: the highest momentum, one or one per group.
        last_epoch: the index of the last batch, −1 to start.

    Raises:
        ValueError: an unknown ``mode`` without ``scale_fn``, per-group lists of the wrong
            length, or ``cycle_momentum`` with an optimiser without momentum.

    Examples:
        >>> opt = tg.optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1, momentum=0.9)
        >>> scheduler = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
        >>> rates = []
        >>> for _ in range(5):
        ...     opt.step(); scheduler.step(); rates.append(round(scheduler.get_last_lr()[0], 3))
        >>> rates, round(opt.param_groups[0]["momentum"], 3)
        ([0.3, 0.5, 0.3, 0.1, 0.3], 0.85)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in _MODES and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode, self.gamma, self.scale_mode = mode, gamma, scale_mode
        self._scale_fn_custom = scale_fn
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._set_up_momentum(optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _set_up_momentum(self, optimizer: Optimizer, base: Any, top: Any, last_epoch: int) -> None:
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError(
                "CyclicLR: optimizer must support momentum or beta1 with `cycle_momentum` "
                "option enabled"
            )
        self.use_beta1 = "betas" in optimizer.defaults
        self.base_momentums = _per_group("base_momentum", optimizer, base)
        self.max_momentums = _per_group("max_momentum", optimizer, top)
        if last_epoch == -1:
            for high, low, group in zip(
                self.max_momentums, self.base_momentums, optimizer.param_groups
            ):
                self._set_momentum(group, high)
                group["max_momentum"], group["base_momentum"] = high, low

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _init_scale_fn(self) -> None:
        """The built-in scale of ``mode`` and its ``scale_mode``, unless ``scale_fn`` was given."""
        if self._scale_fn_custom is not None:
            return
        self.scale_mode = "iterations" if self.mode == "exp_range" else "cycle"

    def scale_fn(self, x: float) -> float:
        """The height's scale at ``x`` (the cycle, or the iteration for ``scale_mode``
        ``"iterations"``)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        if self.mode == "exp_range":
            return self.gamma**x
        return 1.0

    def get_lr(self) -> list[float]:
        """The rates at batch ``last_epoch`` (with ``cycle_momentum``, sets the momenta too)."""
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        up = x <= self.step_ratio
        factor = x / self.step_ratio if up else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            low + (high - low) * factor * scale for low, high in zip(self.base_lrs, self.max_lrs)
        ]
        if self.cycle_momentum:
            for low, high, group in zip(
                self.base_momentums, self.max_momentums, self.optimizer.param_groups
            ):
                self._set_momentum(group, high - (high - low) * factor * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state; a custom ``scale_fn`` is kept only as a callable object's
        attributes (functions and lambdas are dropped), as PyTorch."""
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None
        if fn is not None and not isinstance(fn, types.FunctionType):
            state["_scale_fn_custom"] = fn.__dict__.copy()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (a custom ``scale_fn`` must exist already)."""
        state = dict(state_dict)
        fn = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if fn is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(fn)
        self._init_scale_fn()
