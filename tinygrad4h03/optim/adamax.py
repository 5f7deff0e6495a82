"""adamax.py: ``Adamax``, Adam with an infinity norm (Kingma & Ba, 2015, §7.1), as
``torch.optim.Adamax``: the second moment becomes a decaying maximum of |g|."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_nonnegative, _lerp_

__all__ = ["Adamax", "adamax_update"]


def adamax_update(
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
    maximize: bool,
) -> None:
    """One Adamax step on one parameter array, in place (see ``Adamax`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step`` (t), ``exp_avg`` (m) and ``exp_inf`` (u); filled on the first
            call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        beta1: β1, the decay of the first moment.
        beta2: β2, the decay of the infinity norm.
        eps: ε, added to |g| before the maximum.
        weight_decay: λ.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0, -1.0]), {}
        >>> adamax_update(p, np.array([0.5, -2.0]), state, np.empty(2), lr=0.1, beta1=0.9,
        ...               beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False)
        >>> p.round(6).tolist(), state["exp_inf"].round(6).tolist()  # first step: γ · sign(g)
        ([0.9, -0.9], [0.5, 2.0])
    """
    if not state:
        _init_adamax_state(state, param)
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    step = state["step"] = state["step"] + 1
    m, u = state["exp_avg"], state["exp_inf"]
    _lerp_(m, grad, 1 - beta1, work)  # m ← m + (1 − β1)(g − m)
    u *= beta2  # u ← max(β2 u, |g| + ε)
    np.abs(grad, out=work)
    work += eps
    np.maximum(u, work, out=u)
    np.multiply(m, -lr / (1 - beta1**step), out=work)  # PyTorch's order: (−γ_t m) / u
    work /= u
    param += work


def _init_adamax_state(state: dict[str, Any], param: np.ndarray) -> None:
    state["step"] = 0
    state["exp_avg"] = np.zeros_like(param)
    state["exp_inf"] = np.zeros_like(param)


class Adamax(Optimizer):
    """Adamax, as ``torch.optim.Adamax``: Adam with the L∞ norm in place of the second moment.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}                        weight decay λ
    m_t = β1 m_{t−1} + (1 − β1) g_t              m_0 = 0
    u_t = max(β2 u_{t−1}, |g_t| + ε)             u_0 = 0
    θ_t = θ_{t−1} − γ / (1 − β1^t) · m_t / u_t
    ```

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        betas: (β1, β2), each in [0, 1).
        eps: ε.
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ.
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or a beta outside [0, 1).

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0, -1.0], dtype=tg.float64))
        >>> opt = Adamax([w], lr=0.1)
        >>> (w ** 2).sum().backward(); opt.step()
        >>> w.numpy().round(6).tolist()
        [0.9, -0.9]
    """

    _array_state = True

    _update = staticmethod(adamax_update)
    _settings = ("lr", "beta1", "beta2", "eps", "weight_decay", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_betas(group)
        _check_nonnegative(group["eps"], "epsilon value")
        _check_nonnegative(group["weight_decay"], "weight_decay value")


def _check_betas(group: dict[str, Any]) -> None:
    for i, beta in enumerate(group["betas"]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
