"""adam.py: ``Adam`` and ``AdamW``, as ``torch.optim.Adam`` and ``torch.optim.AdamW``.

Steps from bias-corrected running averages of the gradient and of its square; ``AdamW``
decays the weights directly. ``adam_update`` is the step on one NumPy array.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_nonnegative, _lerp_

__all__ = ["Adam", "AdamW", "adam_update"]


def adam_update(
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
    amsgrad: bool,
    maximize: bool,
    decoupled: bool,
) -> None:
    """One Adam (``decoupled``: AdamW) step on one parameter array, in place.

    The step ``Adam.step`` and ``AdamW.step`` take for each parameter, on plain NumPy arrays;
    see ``Adam`` for the math.

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step`` (t), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with
            ``amsgrad``, ``max_exp_avg_sq``; filled on the first call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        beta1: β1, the decay of the first moment.
        beta2: β2, the decay of the second moment.
        eps: ε, added to the denominator.
        weight_decay: λ.
        amsgrad: use the running maximum of v (AMSGrad).
        maximize: ascend instead of descend.
        decoupled: decay θ directly (AdamW) instead of adding λ θ to g (Adam).

    Shapes:
        ``param``, ``grad`` and ``work`` have one shape.

    Examples:
        >>> p, state = np.array([1.0, -1.0]), {}
        >>> adam_update(p, np.array([0.5, -2.0]), state, np.empty(2), lr=0.1, beta1=0.9,
        ...             beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False,
        ...             maximize=False, decoupled=False)
        >>> p.round(6).tolist(), state["step"]       # the first step is γ · sign(g)
        ([0.9, -0.9], 1)
    """
    if not state:
        _init_adam_state(state, param, amsgrad)
    if maximize:
        grad = -grad
    if weight_decay and decoupled:
        param *= 1 - lr * weight_decay
    elif weight_decay:
        grad = grad + weight_decay * param
    step = state["step"] = state["step"] + 1
    m, v = state["exp_avg"], state["exp_avg_sq"]
    _lerp_(m, grad, 1 - beta1, work)  # m ← m + (1 − β1)(g − m)
    v *= beta2  # v ← β2 v + (1 − β2) g²
    np.multiply(grad, grad, out=work)
    work *= 1 - beta2
    v += work
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
    np.sqrt(v, out=work)  # denominator √v / √(1 − β2^t) + ε
    work /= math.sqrt(1 - beta2**step)
    work += eps
    np.divide(m, work, out=work)
    work *= -lr / (1 - beta1**step)
    param += work


def _init_adam_state(state: dict[str, Any], param: np.ndarray, amsgrad: bool) -> None:
    state["step"] = 0
    state["exp_avg"] = np.zeros_like(param)
    state["exp_avg_sq"] = np.zeros_like(param)
    if amsgrad:
        state["max_exp_avg_sq"] = np.zeros_like(param)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``, with optional AMSGrad.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step
    t = 1, 2, …:

    ```text
    g_t = g_t + λ θ_{t−1}                   weight decay λ (L2; AdamW decouples it)
    m_t = β1 m_{t−1} + (1 − β1) g_t         first moment,  m_0 = 0
    v_t = β2 v_{t−1} + (1 − β2) g_t²        second moment, v_0 = 0
    v̂_t = max(v̂_{t−1}, v_t)  (AMSGrad)   or   v_t
    θ_t = θ_{t−1} − γ / (1 − β1^t) · m_t / (√v̂_t / √(1 − β2^t) + ε)
    ```

    with learning rate γ. The last line is θ ← θ − γ m̂ / (√v̂' + ε) with the bias-corrected
    moments m̂ = m / (1 − β1^t) and v̂' = v̂ / (1 − β2^t), which undo the start at m_0 = v_0 = 0;
    the corrections are applied exactly where PyTorch applies them (ε is added *after*
    dividing √v̂ by √(1 − β2^t)). The first step therefore moves each entry by about γ,
    against the sign of its gradient.

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        betas: (β1, β2), the decay rates of the two moments, each in [0, 1).
        eps: ε, for numerical stability.
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ (decoupled when
            ``decoupled_weight_decay``).
        amsgrad: use the running maximum of the second moment (AMSGrad).
        maximize: ascend ℰ instead of descending.
        decoupled_weight_decay: decay θ directly, as ``AdamW``.

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or a beta outside [0, 1).

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0, -1.0], dtype=tg.float64)); opt = Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward(); opt.step()
        >>> w.numpy().round(6).tolist()
        [0.9, -0.9]
    """

    _array_state = True

    _update = staticmethod(adam_update)
    _settings = ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize", "decoupled")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["eps"], "epsilon value")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        _check_nonnegative(group["weight_decay"], "weight_decay value")


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    The same as ``Adam`` except that the decay shrinks the parameter directly instead of
    entering the gradient (and so the moments m and v):

    ```text
    θ ← θ (1 − γ λ), then the Adam step with the plain gradient g_t.
    ```

    ``weight_decay`` defaults to 0.01, as PyTorch's. The arguments are ``Adam``'s, without
    ``decoupled_weight_decay``.

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0], dtype=tg.float64))
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * 0.0).sum().backward(); opt.step(); w.tolist()  # zero gradient: decay only
        [0.95]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )
