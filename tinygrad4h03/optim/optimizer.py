"""optimizer.py: ``Optimizer``, the base class of every optimiser in ``tg.optim``.

An optimiser holds *parameter groups* (a list of dicts: ``"params"`` and the group's
hyper-parameters) and *per-parameter state* (``optimizer.state[param]``, e.g. the momentum
buffer). ``step()`` updates every parameter's array **in place** (the ``Parameter``
objects and their arrays stay the same), bumps its version counter, and skips parameters
whose ``.grad`` is ``None``.

Each optimiser's update is one function on NumPy arrays (``sgd_update``, ``adam_update``, …)
with keyword-only hyper-parameters, working in place through a scratch array per parameter,
so a step costs what a hand-written in-place NumPy update costs, plus a Python loop over the
parameters.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .. import engine
from ..autograd import increment_version
from ..engine import enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "ParamsT"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]
_UNORDERED = (
    "optimizer parameters need to be organized in ordered collections, but the "
    "ordering of tensors in sets changes between runs; use a list"
)


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
        >>> opt = tg.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
    """

    _array_state = False  # the optimisers here keep NumPy arrays in ``state``; others tensors
    _opt_called = False  # set when step() runs, once a learning-rate scheduler wraps it

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._work: dict[Tensor, np.ndarray] = {}  # each parameter's view of a shared scratch
        self._scratch: dict[np.dtype, np.ndarray] = {}
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                f"Tensors or dicts, but got {type(params).__name__}"
            )
        if isinstance(params, set):
            raise TypeError(_UNORDERED)
        groups: list[Any] = list(params)  # tensors or dicts: add_param_group checks each
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
            >>> opt = tg.optim.SGD([w], lr=0.1, momentum=0.9)
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
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters",
                UserWarning,
                stacklevel=2,
            )
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate a group's hyper-parameters (each optimiser adds its own checks)."""
        if "lr" in group:  # a user's own optimiser may have none
            _check_nonnegative(group["lr"], "learning rate")

    # ------------------------------------------------------------------ gradients and steps

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (PyTorch 2's default), or to zeros in place.

        Call it before each ``backward()``: gradients accumulate into ``.grad``.

        Args:
            set_to_none: set ``.grad`` to ``None``; else fill the existing gradients with
                zeros in place (a parameter without a gradient keeps ``None``).

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = tg.optim.SGD([w], lr=0.1)
            >>> (w * w).sum().backward(); w.grad
            tensor([2., 2.])
            >>> opt.zero_grad(); w.grad is None
            True
        """
        # The default, set_to_none, sets the attribute itself unless a tracer (tg.compile)
        # follows .grad through the property; the process-wide set of tracing threads is
        # read first. W1's zero_grad: 9.8k instructions through the property, 5.8k here
        # (5.8k in the baseline, 683eda6).
        if set_to_none and not (engine.watching and engine.state.tracer is not None):
            for group in self.param_groups:
                for param in group["params"]:
                    param._grad = None
            return
        for group in self.param_groups:
            if set_to_none:
                for param in group["params"]:
                    param.grad = None
                continue
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if grad.requires_grad:  # from create_graph=True: leave that graph intact
                    param.grad = Tensor(np.zeros_like(grad.numpy()))
                else:
                    grad.numpy()[...] = 0
                    increment_version(grad)

    # An optimiser that updates each parameter with one function (Adam, RMSprop, ...) names
    # it, the keyword arguments it reads from each group and, if its state needs filling on
    # the first step, the function that fills it; it inherits ``step``. Others define ``step``.
    _update: Callable[..., None] | None = None
    _settings: tuple[str, ...] = ()
    _prepare: Callable[[dict[str, Any], np.ndarray, dict[str, Any]], None] | None = None

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters from their gradients (``_update`` on each; or the subclass's).

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
        if self._update is None:
            raise NotImplementedError(f"{type(self).__name__} does not define step()")
        loss = self._evaluate(closure)
        for group in self.param_groups:
            hyper = _settings_of(group, self._settings)
            self._update_each(group, self._update, hyper, prepare=self._prepare)
        return loss

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _update_each(
        self,
        group: dict[str, Any],
        update: Callable[..., Any],
        hyper: dict[str, Any],
        keeps_state: bool = True,
        prepare: Callable[[dict[str, Any], np.ndarray, dict[str, Any]], None] | None = None,
    ) -> None:
        """``update(θ, g, state, work, **hyper)`` on the arrays of each parameter of ``group``
        that has a gradient (``prepare(state, θ, group)`` first while its state is empty).

        The one place an optimiser updates a parameter: a tracer (``tg.compile``) is handed
        each call (``Tracer.optimizer_update``) and makes it."""
        tracer = engine.state.tracer if engine.watching else None
        for param, args in self._with_grads(group, keeps_state):
            if prepare is not None and not args[2]:
                prepare(args[2], args[0], group)
            if tracer is None:
                update(*args, **hyper)
            else:
                tracer.optimizer_update(update, group, param, args, hyper)

    def _with_grads(
        self, group: dict[str, Any], keeps_state: bool = True
    ) -> Iterator[tuple[Tensor, tuple[np.ndarray, np.ndarray, dict[str, Any], np.ndarray]]]:
        """``(parameter, (θ array, gradient array, state, scratch array))`` for each parameter
        of ``group`` whose ``.grad`` is not ``None``; the version counters of the parameters
        the caller has updated (the loop body ran) are bumped at the end, in one call (W6-sgd:
        0.5 µs per parameter one by one, 0.2 µs together)."""
        states, views, updated = self.state, self._work, []
        try:
            for param in group["params"]:
                grad = param._grad  # the attributes: a tracer follows the update itself
                if grad is None:
                    continue
                data = param._data
                work = views.get(param)
                if work is None or work.shape != data.shape or work.dtype != data.dtype:
                    work = views[param] = self._scratch_view(data)
                kept = states.setdefault(param, {}) if keeps_state else {}
                yield param, (data, grad._data, kept, work)
                updated.append(param)
        finally:
            increment_version(updated)

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
        Parameters are numbered in group order, as PyTorch does. Buffers are tensors (copies,
        so a checkpoint does not change as training goes on) and ``step`` a float32 scalar
        tensor, as in PyTorch; ``tg.save`` writes the whole dict.

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = tg.optim.SGD([w], lr=0.1, momentum=0.9)
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
            groups.append(
                {
                    **_copy_values(group, skip="params"),
                    "params": [index[id(p)] for p in group["params"]],
                }
            )
        state = {index[id(p)]: _exported(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and per-parameter state saved by ``state_dict``.

        Parameters are matched by their index, so the groups must have the same sizes as
        when saved. Floating buffers (tensors or arrays) are copied and cast to their
        parameter's dtype; the keys may be strings, as after a round trip through a file.

        Args:
            state_dict: a dict as ``state_dict()`` returns it.

        Raises:
            ValueError: the number of groups, or of parameters in a group, differs.

        Examples:
            >>> w = nn.Parameter(tg.ones(2)); opt = tg.optim.SGD([w], lr=0.1, momentum=0.9)
            >>> (w * w).sum().backward(); opt.step()
            >>> restored = tg.optim.SGD([w], lr=0.5, momentum=0.9)
            >>> restored.load_state_dict(opt.state_dict())
            >>> restored.param_groups[0]["lr"], restored.state[w]["momentum_buffer"].tolist()
            (0.1, [2.0, 2.0])
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})"
            )
        by_index: dict[int, Tensor] = {}
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match "
                    f"the size of optimizer's group ({len(saved['params'])} "
                    f"parameters, expected {len(group['params'])})"
                )
            by_index.update(zip(map(int, saved["params"]), group["params"], strict=True))
        self.state = defaultdict(
            dict,
            {
                by_index[int(i)]: _state_for(by_index[int(i)], s, self._array_state)
                for i, s in state_dict["state"].items()
            },
        )
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
        raise TypeError(
            f"optimizer can only optimize Tensors, but one of the params is {type(param).__name__}"
        )
    if not param.is_leaf:
        raise ValueError("can't optimize a non-leaf Tensor")


def _settings_of(group: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """An update function's keyword arguments, read from a parameter group: ``beta1`` and
    ``beta2`` from its ``betas``, ``decoupled`` from ``decoupled_weight_decay``, the others
    by their own names."""
    hyper = {}
    for name in names:
        if name in ("beta1", "beta2"):
            hyper[name] = group["betas"][name == "beta2"]
        else:
            hyper[name] = group["decoupled_weight_decay" if name == "decoupled" else name]
    return hyper


def _check_nonnegative(value: float, what: str) -> None:
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"Invalid {what}: {value}")


def _copy_values(mapping: dict[str, Any], skip: str | None = None) -> dict[str, Any]:
    return {
        k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in mapping.items() if k != skip
    }


def _exported(state: dict[str, Any]) -> dict[str, Any]:
    """Per-parameter state as PyTorch shows it: buffers as tensors (copies), ``step`` as a
    float32 scalar tensor."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if key == "step":
            value = Tensor(np.array(value, dtype=np.float32))
        elif isinstance(value, np.ndarray):
            value = Tensor(value.copy())
        out[key] = value
    return out


def _state_for(param: Tensor, saved: dict[str, Any], as_arrays: bool) -> dict[str, Any]:
    """A copy of saved state, floating buffers cast to the parameter's dtype (as PyTorch):
    as arrays and ``step`` as an int for the optimisers here, which work on arrays; tensors
    stay tensors for a user's own optimiser."""
    if not as_arrays:
        return {k: _cast_tensor(v, param) for k, v in saved.items()}
    state = {}
    for key, value in saved.items():
        if isinstance(value, Tensor):
            value = value.numpy()
        if key == "step":
            value = int(np.asarray(value).item())
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            value = value.astype(param.dtype)  # a copy, in the parameter's dtype
        elif isinstance(value, np.ndarray):
            value = value.copy()
        state[key] = value
    return state


def _cast_tensor(value: Any, param: Tensor) -> Any:
    if isinstance(value, Tensor) and value.dtype.kind == "f":
        return Tensor(value.numpy().astype(param.dtype))
    return value


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float, work: np.ndarray) -> None:
    """start ← start + weight (end − start) in place, rounded as PyTorch's ``lerp_``: from the
    nearer end (end − (end − start)(1 − weight) when weight ≥ ½), so weight 1 gives ``end``."""
    np.subtract(end, start, out=work)
    if abs(weight) < 0.5:
        work *= weight
        start += work
    else:
        work *= 1 - weight
        np.subtract(end, work, out=start)
