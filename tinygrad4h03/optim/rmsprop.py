"""rmsprop.py: ``RMSprop`` (Hinton's lecture 6e), as ``torch.optim.RMSprop``.

Each coordinate's step is divided by the root of a running average of its squared
gradients. ``rmsprop_update`` is the step on one NumPy array; the class applies it to every
parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_nonnegative, _lerp_

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    work: np.ndarray,
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
) -> None:
    """One RMSprop step on one parameter array, in place (see ``RMSprop`` for the math).

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ (not modified).
        state: holds ``step``, ``square_avg`` (v) and, when used, ``momentum_buffer`` (b)
            and ``grad_avg`` (ḡ); filled on the first call.
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        alpha: α, the decay of the running averages.
        eps: ε, added to the denominator.
        weight_decay: λ.
        momentum: μ; 0 for none.
        centered: divide by an estimate of the gradient's standard deviation instead.
        maximize: ascend instead of descend.

    Examples:
        >>> p, state = np.array([1.0, -1.0]), {}
        >>> rmsprop_update(p, np.array([0.5, -2.0]), state, np.empty(2), lr=0.01, alpha=0.99,
        ...                eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
        ...                maximize=False)
        >>> p.round(4).tolist(), state["step"]    # first step: γ g / √(0.01 g²) = 10 γ sign(g)
        ([0.9, -0.9], 1)
    """
    if not state:
        _init_rmsprop_state(state, param, momentum, centered)
    state["step"] += 1
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    v = state["square_avg"]
    v *= alpha  # v ← α v + (1 − α) g²
    np.multiply(grad, grad, out=work)
    work *= 1 - alpha
    v += work
    if centered:
        mean = state["grad_avg"]
        _lerp_(mean, grad, 1 - alpha, work)  # ḡ ← ḡ + (1 − α)(g − ḡ)
        np.multiply(mean, mean, out=work)
        np.subtract(v, work, out=work)
        np.sqrt(work, out=work)
    else:
        np.sqrt(v, out=work)
    work += eps
    if momentum > 0:
        buf = state["momentum_buffer"]
        buf *= momentum
        buf += np.divide(grad, work, out=work)
        np.multiply(buf, lr, out=work)
    else:
        np.divide(grad, work, out=work)
        work *= lr
    param -= work


def _init_rmsprop_state(
    state: dict[str, Any], param: np.ndarray, momentum: float, centered: bool
) -> None:
    state["step"] = 0
    state["square_avg"] = np.zeros_like(param)
    if momentum > 0:
        state["momentum_buffer"] = np.zeros_like(param)
    if centered:
        state["grad_avg"] = np.zeros_like(param)


_RMSPROP_SETTINGS = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: each entry's step scaled by its recent gradients.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    g_t = g_t + λ θ_{t−1}                         weight decay λ
    v_t = α v_{t−1} + (1 − α) g_t²                v_0 = 0
    ḡ_t = α ḡ_{t−1} + (1 − α) g_t                 (centered; ḡ_0 = 0)
    s_t = √(v_t − ḡ_t²) + ε  (centered)   or   √v_t + ε
    b_t = μ b_{t−1} + g_t / s_t,  θ_t = θ_{t−1} − γ b_t     (momentum μ > 0; b_0 = 0)
    θ_t = θ_{t−1} − γ g_t / s_t                             (otherwise)
    ```

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ.
        alpha: α, the smoothing constant of the running averages.
        eps: ε, for numerical stability.
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ.
        momentum: μ; 0 for none.
        centered: normalise by the running variance of g rather than its second moment.
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``alpha``, ``eps``, ``momentum`` or ``weight_decay``.

    Examples:
        >>> w = nn.Parameter(tg.tensor([1.0, -1.0], dtype=tg.float64))
        >>> opt = RMSprop([w], lr=0.01)
        >>> (w ** 2).sum().backward(); opt.step()
        >>> w.numpy().round(4).tolist()
        [0.9, -0.9]
    """

    _array_state = True

    _update = staticmethod(rmsprop_update)
    _settings = _RMSPROP_SETTINGS

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["eps"], "epsilon value")
        _check_nonnegative(group["momentum"], "momentum value")
        _check_nonnegative(group["weight_decay"], "weight_decay value")
        _check_nonnegative(group["alpha"], "alpha value")
