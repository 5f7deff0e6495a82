"""Optimisers, PyTorch's update rules step for step: ``SGD``, ``Adam`` and ``AdamW``.

An optimiser holds *parameter groups* (a list of dicts: ``"params"`` and the group's
hyper-parameters) and *per-parameter state* (``optimizer.state[param]``, e.g. the momentum
buffer). ``step()`` updates every parameter's ``.data`` array **in place** (the ``Parameter``
objects and their arrays stay the same) and skips parameters whose ``.grad`` is ``None``.

Each update is one function on NumPy arrays (``sgd_update``, ``adam_update``) that works in
place through a scratch array per parameter, so a step costs what a hand-written in-place
NumPy update costs, plus a Python loop over the parameters.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .engine import enable_grad
from .tensor import Tensor

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "adam_update", "sgd_update"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]
_UNORDERED = ("optimizer parameters need to be organized in ordered collections, but the "
              "ordering of tensors in sets changes between runs; use a list")


class Optimizer:
    """The base class: parameter groups, per-parameter state, ``zero_grad``, state dicts.

    ``params`` is an iterable of tensors, or of dicts each with ``"params"`` and any
    hyper-parameters that override ``defaults`` for that group.
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._work: dict[Tensor, np.ndarray] = {}  # each parameter's view of a shared scratch
        self._scratch: dict[np.dtype, np.ndarray] = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        if isinstance(params, set):
            raise TypeError(_UNORDERED)
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters; unspecified hyper-parameters take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_UNORDERED)
        group = {**self.defaults, **param_group, "params": list(params)}
        for param in group["params"]:
            _check_param(param)
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            warnings.warn("optimizer contains a parameter group with duplicate parameters",
                          UserWarning, stacklevel=2)
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate a group's hyper-parameters (each optimiser adds its own checks)."""
        _check_nonnegative(group["lr"], "learning rate")

    # ------------------------------------------------------------------ gradients and steps

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (PyTorch 2's default), or to zeros in place."""
        for group in self.param_groups:
            for param in group["params"]:
                if set_to_none:
                    param.grad = None
                elif param.grad is not None:
                    param.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _with_grads(self, group: dict[str, Any], keeps_state: bool = True) -> Iterator[
            tuple[np.ndarray, np.ndarray, dict[str, Any], np.ndarray]]:
        """``(θ array, gradient array, state, scratch array)`` for each parameter of ``group``
        whose ``.grad`` is not ``None``."""
        states, views = self.state, self._work
        for param in group["params"]:
            grad = param.grad
            if grad is None:
                continue
            data = param.data
            work = views.get(param)
            if work is None or work.shape != data.shape or work.dtype != data.dtype:
                work = views[param] = self._scratch_view(data)
            yield data, grad.data, states.setdefault(param, {}) if keeps_state else {}, work

    def _scratch_view(self, data: np.ndarray) -> np.ndarray:
        """A scratch array of ``data``'s shape: a view of one buffer per dtype, as large as the
        largest parameter (the updates run one after another), so scratch costs that much
        memory, not a copy of the model."""
        base = self._scratch.get(data.dtype)
        if base is None or base.size < data.size:
            base = self._scratch[data.dtype] = np.empty(data.size, dtype=data.dtype)
            self._work.clear()  # the other views move to the new buffer as they are next used
        return base[: data.size].reshape(data.shape)

    # ------------------------------------------------------------------ state dicts

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {name: value}}, "param_groups": [{..., "params": [indices]}]}``.

        Parameters are numbered in group order, as PyTorch does; arrays are copies.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            groups.append({**_copy_values(group, skip="params"),
                           "params": [index[id(p)] for p in group["params"]]})
        state = {index[id(p)]: _copy_values(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and per-parameter state saved by :meth:`state_dict`."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups "
                             f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})")
        by_index: dict[int, Tensor] = {}
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match "
                                 f"the size of optimizer's group ({len(saved['params'])} "
                                 f"parameters, expected {len(group['params'])})")
            by_index.update(zip(saved["params"], group["params"], strict=True))
        self.state = defaultdict(dict, {by_index[int(i)]: _state_for(by_index[int(i)], s)
                                        for i, s in state_dict["state"].items()})
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            group.update(_copy_values(saved, skip="params"))

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join([*lines, ")"])


def _check_param(param: Any) -> None:
    if not isinstance(param, Tensor):
        raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                        f"{type(param).__name__}")
    if not param.is_leaf:
        raise ValueError("can't optimize a non-leaf Tensor")


def _check_nonnegative(value: float, what: str) -> None:
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"Invalid {what}: {value}")


def _copy_values(mapping: dict[str, Any], skip: str | None = None) -> dict[str, Any]:
    return {k: (v.copy() if isinstance(v, np.ndarray) else v)
            for k, v in mapping.items() if k != skip}


def _state_for(param: Tensor, saved: dict[str, Any]) -> dict[str, Any]:
    """A copy of saved state, floating arrays cast to the parameter's dtype (as PyTorch)."""
    state = {}
    for key, value in saved.items():
        if isinstance(value, Tensor):
            value = value.data
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            value = value.astype(param.dtype)  # a copy, in the parameter's dtype
        elif isinstance(value, np.ndarray):
            value = value.copy()
        state[key] = value
    return state


# --------------------------------------------------------------------------- SGD


def sgd_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], work: np.ndarray,
               lr: float, momentum: float, dampening: float, weight_decay: float,
               nesterov: bool, maximize: bool) -> None:
    """One SGD step on one parameter array, in place (see :class:`SGD` for the math).

    ``work`` is a scratch array of ``param``'s shape; ``state`` holds ``momentum_buffer``.
    """
    d = grad
    if weight_decay:  # d = ±g + λθ
        d = np.multiply(param, weight_decay, out=work)
        if maximize:
            d -= grad
        else:
            d += grad
    elif maximize:
        d = np.negative(grad, out=work)
    if momentum:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = d.copy()
        else:
            buf *= momentum
            buf += d if dampening == 0 else (1 - dampening) * d
        # Nesterov: d + μ b (a temporary: the rarer path); otherwise the buffer itself
        d = np.add(d, buf * momentum, out=work) if nesterov else buf
    np.multiply(d, lr, out=work)
    param -= work


_SGD_SETTINGS = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    For each parameter θ with gradient g (−g when ``maximize``), at step t::

        d_t = g_t + λ θ_{t−1}                            weight decay λ
        b_1 = d_1,   b_t = μ b_{t−1} + (1 − τ) d_t       momentum μ, dampening τ
        d_t = d_t + μ b_t  (Nesterov)   or   d_t = b_t   (if μ ≠ 0)
        θ_t = θ_{t−1} − γ d_t                            learning rate γ

    With μ = 0 this is the lecture's W ← W − α ∂E/∂W (= W + α δ yᵀ).
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["momentum"], "momentum value")
        _check_nonnegative(group["weight_decay"], "weight_decay value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            settings = [group[k] for k in _SGD_SETTINGS]
            if not any(settings[1:]):  # plain SGD, θ ← θ − γ g: one in-place NumPy update
                _plain_sgd(group["params"], settings[0])
                continue
            # plain SGD keeps no state, as in PyTorch
            for param, grad, state, work in self._with_grads(group, bool(group["momentum"])):
                sgd_update(param, grad, state, work, *settings)
        return loss


def _plain_sgd(params: list[Tensor], lr: float) -> None:
    for param in params:
        if param.grad is not None:
            param.data -= lr * param.grad.data


# --------------------------------------------------------------------------- Adam


def adam_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], work: np.ndarray,
                lr: float, beta1: float, beta2: float, eps: float, weight_decay: float,
                amsgrad: bool, maximize: bool, decoupled: bool) -> None:
    """One Adam (``decoupled``: AdamW) step on one parameter array, in place.

    See :class:`Adam` for the math. ``state`` holds ``step``, ``exp_avg``, ``exp_avg_sq``
    (and ``max_exp_avg_sq`` with ``amsgrad``); ``work`` is a scratch array.
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
    np.subtract(grad, m, out=work)  # m ← m + (1 − β1)(g − m), PyTorch's lerp
    work *= 1 - beta1
    m += work
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


_ADAM_SETTINGS = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize",
                  "decoupled_weight_decay")


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``, with optional AMSGrad.

    For each parameter θ with gradient g (−g when ``maximize``), at step t = 1, 2, …::

        g_t = g_t + λ θ_{t−1}                   weight decay λ (L2; AdamW decouples it)
        m_t = β1 m_{t−1} + (1 − β1) g_t         first moment,  m_0 = 0
        v_t = β2 v_{t−1} + (1 − β2) g_t²        second moment, v_0 = 0
        v̂_t = max(v̂_{t−1}, v_t)  (AMSGrad)   or   v_t
        θ_t = θ_{t−1} − γ / (1 − β1^t) · m_t / (√v̂_t / √(1 − β2^t) + ε)

    with learning rate γ: the bias corrections 1 − β^t are applied exactly where PyTorch
    applies them (ε is added *after* dividing √v̂ by √(1 − β2^t)).
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_nonnegative(group["eps"], "epsilon value")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        _check_nonnegative(group["weight_decay"], "weight_decay value")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), *settings = [group[k] for k in _ADAM_SETTINGS]
            for param, grad, state, work in self._with_grads(group):
                adam_update(param, grad, state, work, lr, beta1, beta2, *settings)
        return loss


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    The same as :class:`Adam` except that the decay shrinks the parameter directly instead
    of entering the gradient::

        θ ← θ (1 − γ λ), then the Adam step with the plain gradient g_t.

    ``weight_decay`` defaults to 0.01, as PyTorch's.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
