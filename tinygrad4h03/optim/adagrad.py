"""adagrad.py: ``Adagrad`` (Duchi, Hazan & Singer, 2011), as ``torch.optim.Adagrad``.

Each coordinate's step is divided by the root of the sum of its squared gradients so far.
``adagrad_update`` is the step on one NumPy array; the class applies it to every parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_nonnegative

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    work: np.ndarray,
    *,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """One Adagrad step on one parameter array, in place (see ``Adagrad`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step`` (t) and ``sum`` (s, the running sum of g²), as ``Adagrad``
            creates them.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        lr_decay: η, the learning rate's decay.
        weight_decay: λ.
        eps: ε, added to the denominator.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0, -1.0]), {"step": 0, "sum": np.zeros(2)}
        >>> adagrad_update(p, np.array([0.5, -2.0]), state, np.empty(2), lr=0.1, lr_decay=0.0,
        ...                weight_decay=0.0, eps=1e-10, maximize=False)
        >>> p.round(6).tolist(), state["sum"].tolist()    # first step: γ · sign(g)
        ([0.9, -0.9], [0.25, 4.0])
    """
    step = state["step"] = state["step"] + 1
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    s = state["sum"]
    np.multiply(grad, grad, out=work)  # s ← s + g²
    s += work
    np.sqrt(s, out=work)
    work += eps
    np.divide(grad, work, out=work)
    work *= lr / (1 + (step - 1) * lr_decay)
    param -= work


_ADAGRAD_SETTINGS = ("lr", "lr_decay", "weight_decay", "eps", "maximize")


def _init_adagrad_state(state: dict[str, Any], param: np.ndarray, group: dict[str, Any]) -> None:
    state["step"] = 0
    state["sum"] = np.full_like(param, group["initial_accumulator_value"])


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: each entry's step divided by its gradients' norm.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}                       weight decay λ
    γ_t = γ / (1 + (t − 1) η)                   learning-rate decay η
    s_t = s_{t−1} + g_t²                        s_0 = initial_accumulator_value
    θ_t = θ_{t−1} − γ_t g_t / (√s_t + ε)
    ```

    As in PyTorch, the state (``step`` and ``sum``) of the parameters given to the
    constructor exists from the start, before the first ``step()``.

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        lr_decay: η.
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ.
        initial_accumulator_value: s_0, the starting value of every entry of the sum.
        eps: ε, for numerical stability.
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``lr_decay``, ``weight_decay``,
            ``initial_accumulator_value`` or ``eps``.

    Examples:
        >>> w = nn.Parameter(tg.tensor([3.0], dtype=tg.float64)); opt = Adagrad([w], lr=0.5)
        >>> for _ in range(2):
        ...     opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> round(w.item(), 4), opt.state[w]["sum"].round(6).tolist()  # 6² + 5²
        (2.1799, [61.0])
    """

    _array_state = True

    _update = staticmethod(adagrad_update)
    _settings = _ADAGRAD_SETTINGS
    _prepare = staticmethod(_init_adagrad_state)  # a parameter added later: on its first step

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for param in group["params"]:
                _init_adagrad_state(self.state[param], param.numpy(), group)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["lr_decay"], "lr_decay value")
        _check_nonnegative(group["weight_decay"], "weight_decay value")
        _check_nonnegative(group["initial_accumulator_value"], "initial_accumulator_value value")
        _check_nonnegative(group["eps"], "epsilon value")
