"""adadelta.py: ``Adadelta`` (Zeiler, 2012), as ``torch.optim.Adadelta``.

Each coordinate's step is scaled by running averages of its squared gradients and of its
squared updates. ``adadelta_update`` is the step on one NumPy array; the class applies it to
every parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_nonnegative

__all__ = ["Adadelta", "adadelta_update"]


def adadelta_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    work: np.ndarray,
    *,
    lr: float,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adadelta step on one parameter array, in place (see ``Adadelta`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step``, ``square_avg`` (v) and ``acc_delta`` (u); filled on the
            first call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ, the factor applied to the step.
        rho: ρ, the decay of the running averages.
        eps: ε, inside both square roots.
        weight_decay: λ.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0]), {}
        >>> adadelta_update(p, np.array([2.0]), state, np.empty(1), lr=1.0, rho=0.9, eps=1e-6,
        ...                 weight_decay=0.0, maximize=False)
        >>> p.round(6).tolist(), state["square_avg"].round(6).tolist()  # Δ = √ε / √(0.4 + ε) · 2
        ([0.996838], [0.4])
    """
    if not state:
        state["step"] = 0
        state["square_avg"] = np.zeros_like(param)
        state["acc_delta"] = np.zeros_like(param)
    state["step"] += 1
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    v, u = state["square_avg"], state["acc_delta"]
    v *= rho  # v ← ρ v + (1 − ρ) g²
    np.multiply(grad, grad, out=work)
    work *= 1 - rho
    v += work
    np.add(v, eps, out=work)
    np.sqrt(work, out=work)
    delta = np.add(u, eps)  # Δ = √(u + ε) / √(v + ε) · g
    np.sqrt(delta, out=delta)
    delta /= work
    delta *= grad
    u *= rho  # u ← ρ u + (1 − ρ) Δ²
    np.multiply(delta, delta, out=work)
    work *= 1 - rho
    u += work
    delta *= lr
    param -= delta


_ADADELTA_SETTINGS = ("lr", "rho", "eps", "weight_decay", "maximize")


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``: steps in the units of θ, with no set step size.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}                         weight decay λ
    v_t = ρ v_{t−1} + (1 − ρ) g_t²                v_0 = 0
    Δ_t = √(u_{t−1} + ε) / √(v_t + ε) · g_t        u_0 = 0
    u_t = ρ u_{t−1} + (1 − ρ) Δ_t²
    θ_t = θ_{t−1} − γ Δ_t
    ```

    The ratio of the two running root-mean-squares gives Δ the units of θ (Zeiler's
    argument), so the learning rate γ is a plain factor, 1 by default.

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: γ, the factor applied to Δ.
        rho: ρ in [0, 1], the decay of the running averages.
        eps: ε, for numerical stability (it also sets the size of the first steps).
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ.
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or ``rho`` outside [0, 1].

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0], dtype=tg.float64)); opt = Adadelta([w])
        >>> (w ** 2).sum().backward(); opt.step(); round(w.item(), 6)
        0.996838
    """

    _array_state = True

    _update = staticmethod(adadelta_update)
    _settings = _ADADELTA_SETTINGS

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        _check_nonnegative(group["eps"], "epsilon value")
        _check_nonnegative(group["weight_decay"], "weight_decay value")
