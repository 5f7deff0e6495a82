"""optim.py: the optimisers ``SGD``, ``Adam``, ``AdamW``, PyTorch's update rules step for step.

This is where the gradients that ``backward()`` leaves in ``.grad`` become weight updates:
the lecture's W ← W + α δ yᵀ is ``SGD`` with momentum 0 (see its docstring).

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

    A subclass supplies ``step()`` (and may validate hyper-parameters); ``SGD``, ``Adam`` and
    ``AdamW`` are the ones provided. As in PyTorch, parameters must be leaf tensors in an
    ordered collection (a ``set`` is refused), each in at most one group.

    Args:
        params: an iterable of tensors, or of dicts each with ``"params"`` and any
            hyper-parameters that override ``defaults`` for that group.
        defaults: the hyper-parameters of every group that does not set its own.

    Attributes:
        defaults: a copy of ``defaults``.
        param_groups: a list of dicts, each ``{"params": [tensors], **hyper_parameters}``.
        state: per-parameter state, ``state[param]`` a dict (e.g. ``momentum_buffer``).

    Raises:
        TypeError: ``params`` is a single tensor or a set, or holds something not a tensor.
        ValueError: ``params`` is empty, holds a non-leaf tensor, or repeats a parameter
            across groups.

    Examples:
        >>> w, b = nn.Parameter(tg.ones(2)), nn.Parameter(tg.zeros(1))
        >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
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
        """Add a group of parameters; unspecified hyper-parameters take the defaults.

        Use it to train a part of the model added later (e.g. an unfrozen layer) with its
        own learning rate.

        Args:
            param_group: a dict with ``"params"`` (a tensor or a list of tensors) and any
                hyper-parameters for this group.

        Raises:
            TypeError: ``param_group`` is not a dict, or its ``"params"`` is a set or holds
                something not a tensor.
            ValueError: a parameter is already in another group, is not a leaf, or a
                hyper-parameter is invalid.

        Examples:
            >>> w, b = nn.Parameter(tg.ones(2)), nn.Parameter(tg.zeros(1))
            >>> opt = SGD([w], lr=0.1, momentum=0.9)
            >>> opt.add_param_group({"params": [b], "lr": 0.01})
            >>> [(g["lr"], g["momentum"]) for g in opt.param_groups]
            [(0.1, 0.9), (0.01, 0.9)]
        """
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
        """Reset the gradients: to ``None`` (PyTorch 2's default), or to zeros in place.

        Call it before each ``backward()``: gradients accumulate into ``.grad``.

        Args:
            set_to_none: set ``.grad`` to ``None``; else fill the existing gradient arrays
                with zeros (a parameter without a gradient keeps ``None``).

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = SGD([w], lr=0.1)
            >>> (w * w).sum().backward(); w.grad
            tensor([2., 2.])
            >>> opt.zero_grad(); w.grad is None
            True
        """
        for group in self.param_groups:
            for param in group["params"]:
                if set_to_none:
                    param.grad = None
                elif param.grad is not None:
                    param.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters from their gradients; each subclass defines it.

        Args:
            closure: an optional function that recomputes the loss (zero the gradients,
                forward, ``backward()``) and returns it; it runs under grad mode first.

        Returns:
            ``closure()``'s result, or ``None`` without a closure.

        Raises:
            NotImplementedError: in the base class.

        Examples:
            >>> Optimizer([nn.Parameter(tg.ones(1))], {"lr": 0.1}).step()
            Traceback (most recent call last):
            ...
            NotImplementedError: Optimizer does not define step()
        """
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
        """The optimiser's state as plain data, for checkpoints: hyper-parameters and buffers.

        The layout is PyTorch's:
        ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [indices]}]}``.
        Parameters are numbered in group order, as PyTorch does; arrays are copies.

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = SGD([w], lr=0.1, momentum=0.9)
            >>> (w * w).sum().backward(); opt.step()
            >>> saved = opt.state_dict()
            >>> saved["state"][0]["momentum_buffer"].tolist(), saved["param_groups"][0]["params"]
            ([2.0, 2.0], [0])
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
        """Restore hyper-parameters and per-parameter state saved by ``state_dict``.

        Parameters are matched by their index, so the groups must have the same sizes as
        when saved. Floating arrays are copied and cast to their parameter's dtype.

        Args:
            state_dict: a dict as ``state_dict()`` returns it.

        Raises:
            ValueError: the number of groups, or of parameters in a group, differs.

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = SGD([w], lr=0.1, momentum=0.9)
            >>> (w * w).sum().backward(); opt.step()
            >>> restored = SGD([w], lr=0.5, momentum=0.9)
            >>> restored.load_state_dict(opt.state_dict())
            >>> restored.param_groups[0]["lr"], restored.state[w]["momentum_buffer"].tolist()
            (0.1, [2.0, 2.0])
        """
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
    """One SGD step on one parameter array, in place (see ``SGD`` for the math).

    The step ``SGD.step`` takes for each parameter, on plain NumPy arrays: θ ← θ − γ d with
    d the (decayed, momentum-averaged) gradient. The keyword arguments are ``SGD``'s
    hyper-parameters: γ = ``lr``, μ = ``momentum``, τ = ``dampening``,
    λ = ``weight_decay``.

    Args:
        param: θ, updated in place.
        grad: g = ∂ℰ/∂θ.
        state: holds ``momentum_buffer`` b (created on the first step with momentum).
        work: a scratch array of ``param``'s shape and dtype.
        lr: γ.
        momentum: μ.
        dampening: τ.
        weight_decay: λ.
        nesterov: use Nesterov momentum.
        maximize: ascend instead of descend.

    Shapes:
        ``param``, ``grad`` and ``work`` have one shape.

    Examples:
        >>> p, g, state = np.array([1.0, 2.0]), np.array([0.5, 0.5]), {}
        >>> sgd_update(p, g, state, np.empty(2), lr=0.1, momentum=0.9, dampening=0.0,
        ...            weight_decay=0.0, nesterov=False, maximize=False)
        >>> p.tolist(), state["momentum_buffer"].tolist()
        ([0.95, 1.95], [0.5, 0.5])
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
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    For each parameter θ with gradient g = ∂ℰ/∂θ (−g when ``maximize``), at step t:

    ```text
    d_t = g_t + λ θ_{t−1}                            weight decay λ
    b_1 = d_1,   b_t = μ b_{t−1} + (1 − τ) d_t       momentum μ, dampening τ
    d_t = d_t + μ b_t  (Nesterov)   or   d_t = b_t   (only if μ ≠ 0)
    θ_t = θ_{t−1} − γ d_t                            learning rate γ
    ```

    The first momentum buffer is the gradient itself, undamped, as in PyTorch. With μ = 0 and
    λ = 0 this is plain gradient descent, θ ← θ − γ ∂ℰ/∂θ, which is the lecture's delta rule
    W ← W + α δ yᵀ with α = γ: the lecture's δ = −∂ℰ/∂v, so ∂ℰ/∂W = −δ yᵀ. That path keeps
    no state and is a single in-place NumPy update per parameter.

    Args:
        params: the parameters, or parameter groups (dicts), as for ``Optimizer``.
        lr: the learning rate γ (the lecture's α).
        momentum: μ; 0 for none.
        dampening: τ, the damping of the gradient's share in the buffer.
        weight_decay: λ, an L2 penalty ½ λ ‖θ‖² added to ℰ.
        nesterov: use Nesterov momentum (needs μ > 0 and τ = 0).
        maximize: ascend ℰ instead of descending.

    Raises:
        ValueError: a negative ``lr``, ``momentum`` or ``weight_decay``, or ``nesterov``
            without momentum or with dampening.

    Examples:
        >>> W = nn.Parameter(tg.tensor([[0.5, -0.5]], dtype=tg.float64)); x = np.array([1.0, 2.0])
        >>> delta = 1.0 - W.data @ x                       # linear output, SSE: δ = y − v
        >>> lecture = W.data + 0.1 * np.outer(delta, x)    # W + α δ yᵀ
        >>> (0.5 * (W @ tg.tensor(x) - 1.0) ** 2).sum().backward(); SGD([W], lr=0.1).step()
        >>> np.allclose(W.data, lecture)
        True
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
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given.

        Parameters whose ``.grad`` is ``None`` are skipped; ``.data`` is updated in place.

        Args:
            closure: an optional function that zeroes the gradients, recomputes the loss,
                calls ``backward()`` and returns the loss.

        Examples:
            >>> w = nn.Parameter(tg.tensor([3.0], dtype=tg.float64)); opt = SGD([w], lr=0.25)
            >>> def closure():
            ...     opt.zero_grad(); loss = (w ** 2).sum(); loss.backward(); return loss
            >>> opt.step(closure).item(), w.data.tolist()      # 3 − 0.25 · 6
            (9.0, [1.5])
        """
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
        >>> w.data.round(6).tolist()
        [0.9, -0.9]
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
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given.

        Parameters whose ``.grad`` is ``None`` are skipped (their step count does not
        advance); ``.data`` is updated in place.

        Args:
            closure: an optional function that zeroes the gradients, recomputes the loss,
                calls ``backward()`` and returns the loss.

        Examples:
            >>> w = nn.Parameter(tg.tensor([3.0], dtype=tg.float64)); opt = Adam([w], lr=0.5)
            >>> (w ** 2).sum().backward(); opt.step()
            >>> round(w.data.item(), 6), opt.state[w]["step"]
            (2.5, 1)
        """
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), *settings = [group[k] for k in _ADAM_SETTINGS]
            for param, grad, state, work in self._with_grads(group):
                adam_update(param, grad, state, work, lr, beta1, beta2, *settings)
        return loss


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
        >>> (w * 0.0).sum().backward(); opt.step(); w.data.tolist()  # zero gradient: decay only
        [0.95]
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
