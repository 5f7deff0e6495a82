"""radam.py: ``RAdam``, rectified Adam (Liu et al., 2020), as ``torch.optim.RAdam``: plain
momentum steps while the second moment's variance is intractable, then rectified Adam steps."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .adamax import _check_betas
from .optimizer import Optimizer, ParamsT, _check_nonnegative, _lerp_

__all__ = ["RAdam", "radam_update"]


def radam_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    work: np.ndarray,
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
    maximize: bool,
) -> None:
    """One RAdam step on one parameter array, in place (see ``RAdam`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step`` (t), ``exp_avg`` (m) and ``exp_avg_sq`` (v); filled on the
            first call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        beta1: β1, the first moment's decay rate.
        beta2: β2, the second moment's decay rate.
        eps: ε.
        weight_decay: λ.
        decoupled: decay θ directly (as AdamW) instead of adding λ θ to g.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0]), {}
        >>> radam_update(p, np.array([0.5]), state, np.empty(1), lr=0.1, beta1=0.9,
        ...              beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
        ...              maximize=False)
        >>> p.round(6).tolist()  # the first steps are momentum steps: θ − γ m̂
        [0.95]
    """
    if not state:
        _init_radam_state(state, param)
    if maximize:
        grad = -grad
    step = state["step"] = state["step"] + 1
    if weight_decay and decoupled:
        param *= 1 - lr * weight_decay
    elif weight_decay:
        grad = grad + weight_decay * param
    m, v = state["exp_avg"], state["exp_avg_sq"]
    _lerp_(m, grad, 1 - beta1, work)
    v *= beta2
    np.multiply(grad, grad, out=work)
    work *= 1 - beta2
    v += work
    bias_correction2 = 1 - beta2**step
    np.divide(m, 1 - beta1**step, out=work)  # m̂
    work *= lr
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2**step / bias_correction2
    if rho_t > 5.0:
        rect = math.sqrt(
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        )
        adaptive = math.sqrt(bias_correction2) / (np.sqrt(v) + eps)
        work *= adaptive
        work *= rect
    param -= work


def _init_radam_state(state: dict[str, Any], param: np.ndarray) -> None:
    state["step"] = 0
    state["exp_avg"] = np.zeros_like(param)
    state["exp_avg_sq"] = np.zeros_like(param)


class RAdam(Optimizer):
    """RAdam, as ``torch.optim.RAdam``: Adam with its adaptive rate rectified by the variance.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}            (or θ_{t−1} ← θ_{t−1}(1 − γλ) when decoupled)
    m_t = β1 m_{t−1} + (1 − β1) g_t,   v_t = β2 v_{t−1} + (1 − β2) g_t²
    m̂_t = m_t / (1 − β1^t)
    ρ_∞ = 2 / (1 − β2) − 1,   ρ_t = ρ_∞ − 2 t β2^t / (1 − β2^t)
    if ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t))
                 θ_t = θ_{t−1} − γ m̂_t · √(1 − β2^t) / (√v_t + ε) · r_t
    else:        θ_t = θ_{t−1} − γ m̂_t
    ```

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        betas: (β1, β2), each in [0, 1).
        eps: ε.
        weight_decay: λ.
        decoupled_weight_decay: decay θ directly, as AdamW.
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or a beta outside [0, 1).

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0], dtype=tg.float64)); opt = RAdam([w], lr=0.1)
        >>> (w ** 2).sum().backward(); opt.step(); round(w.item(), 6)
        0.8
    """

    _array_state = True

    _update = staticmethod(radam_update)
    _settings = ("lr", "beta1", "beta2", "eps", "weight_decay", "decoupled", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["eps"], "epsilon value")
        _check_betas(group)
        _check_nonnegative(group["weight_decay"], "weight_decay value")
