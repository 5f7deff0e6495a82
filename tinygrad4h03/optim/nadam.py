"""nadam.py: ``NAdam``, Adam with Nesterov momentum (Dozat, 2016), as ``torch.optim.NAdam``,
with its momentum schedule μ_t and optional decoupled weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from .adamax import _check_betas
from .optimizer import Optimizer, ParamsT, _check_nonnegative, _lerp_

__all__ = ["NAdam", "nadam_update"]


def nadam_update(
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
    momentum_decay: float,
    decoupled: bool,
    maximize: bool,
) -> None:
    """One NAdam step on one parameter array, in place (see ``NAdam`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step`` (t), ``mu_product`` (Π μ_i, a 0-d array in the default
            scalar dtype, as PyTorch keeps it), ``exp_avg`` (m) and ``exp_avg_sq`` (v);
            filled on the first call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        beta1: β1, the first moment's decay rate.
        beta2: β2, the second moment's decay rate.
        eps: ε.
        weight_decay: λ.
        momentum_decay: ψ, the momentum schedule's decay.
        decoupled: decay θ directly (as AdamW) instead of adding λ θ to g.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0]), {}
        >>> nadam_update(p, np.array([0.5]), state, np.empty(1), lr=0.1, beta1=0.9,
        ...              beta2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
        ...              decoupled=False, maximize=False)
        >>> state["step"], round(float(state["mu_product"]), 4)
        (1, 0.4501)
    """
    if not state:
        _init_nadam_state(state, param)
    if maximize:
        grad = -grad
    step = state["step"] = state["step"] + 1
    bias_correction2 = 1 - beta2**step
    if weight_decay and decoupled:
        param *= 1 - lr * weight_decay
    elif weight_decay:
        grad = grad + weight_decay * param
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product = state["mu_product"]
    mu_product *= mu  # rounded in its own dtype, as PyTorch's scalar tensor
    product = float(mu_product)
    m, v = state["exp_avg"], state["exp_avg_sq"]
    _lerp_(m, grad, 1 - beta1, work)
    v *= beta2  # v ← β2 v + (1 − β2) g²
    np.multiply(grad, grad, out=work)
    work *= 1 - beta2
    v += work
    denom = np.sqrt(v / bias_correction2)
    denom += eps
    np.multiply(grad, -lr * (1.0 - mu) / (1.0 - product), out=work)
    work /= denom
    param += work
    np.multiply(m, (-lr * mu_next) / (1.0 - product * mu_next), out=work)
    work /= denom
    param += work


def _scalar_dtype() -> np.dtype:
    """PyTorch's ``_get_scalar_dtype``: float64 when that is the default dtype, else float32."""
    return np.dtype(np.float64) if get_default_dtype() == np.float64 else np.dtype(np.float32)


def _init_nadam_state(state: dict[str, Any], param: np.ndarray) -> None:
    state["step"] = 0
    state["mu_product"] = np.ones((), _scalar_dtype())
    state["exp_avg"] = np.zeros_like(param)
    state["exp_avg_sq"] = np.zeros_like(param)


class NAdam(Optimizer):
    """NAdam, as ``torch.optim.NAdam``: Adam whose step looks ahead with Nesterov momentum.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}            (or θ_{t−1} ← θ_{t−1}(1 − γλ) when decoupled)
    μ_t = β1 (1 − ½ · 0.96^(t ψ))    the momentum schedule, ψ = momentum_decay
    m_t = β1 m_{t−1} + (1 − β1) g_t,   v_t = β2 v_{t−1} + (1 − β2) g_t²
    d_t = √(v_t / (1 − β2^t)) + ε
    θ_t = θ_{t−1} − γ (1 − μ_t) / (1 − Π_{i≤t} μ_i) · g_t / d_t
                  − γ μ_{t+1} / (1 − Π_{i≤t+1} μ_i) · m_t / d_t
    ```

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        betas: (β1, β2), each in [0, 1).
        eps: ε.
        weight_decay: λ.
        momentum_decay: ψ.
        decoupled_weight_decay: decay θ directly, as AdamW (NAdamW).
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``eps``, ``weight_decay`` or ``momentum_decay``, or a
            beta outside [0, 1).

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0], dtype=tg.float64)); opt = NAdam([w], lr=0.1)
        >>> (w ** 2).sum().backward(); opt.step(); round(w.item(), 4)
        0.8944
    """

    _array_state = True

    _update = staticmethod(nadam_update)
    _settings = (
        "lr",
        "beta1",
        "beta2",
        "eps",
        "weight_decay",
        "momentum_decay",
        "decoupled",
        "maximize",
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
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
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["eps"], "epsilon value")
        _check_betas(group)
        _check_nonnegative(group["weight_decay"], "weight_decay value")
        _check_nonnegative(group["momentum_decay"], "momentum_decay value")
