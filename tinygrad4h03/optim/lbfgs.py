"""lbfgs.py: ``LBFGS``, limited-memory BFGS, as ``torch.optim.LBFGS``.

A quasi-Newton method: each ``step(closure)`` runs up to ``max_iter`` iterations, each moving
all parameters (seen as one flat vector θ) along a direction d built from the last
``history_size`` pairs (s, y) of steps and gradient changes, optionally with a strong-Wolfe
line search. The iteration, its stopping tests and its counters follow PyTorch's (itself
after minFunc) so that trajectories agree with PyTorch's to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import engine
from ..autograd import increment_version
from ..engine import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT

__all__ = ["LBFGS"]

_LISTS = ("old_dirs", "old_stps")  # state entries that are lists of flat arrays


def _cubic_interpolate(
    x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: tuple[Any, Any] | None = None
) -> Any:
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clipped
    to ``bounds`` (default: between x1 and x2); their midpoint when the cubic has none."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        position = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        position = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(position, low), high)


class _LineSearch:
    """The strong-Wolfe line search along d from step 0 (loss f, slope gtd = gᵀd < 0): the
    bracketing phase, then zooming in, with cubic interpolation (Nocedal & Wright, Alg. 3.5
    and 3.6, as minFunc and PyTorch implement them)."""

    c1, c2, tolerance_change = 1e-4, 0.9, 1e-9

    def __init__(self, evaluate: Callable[[Any], tuple[float, np.ndarray]], d: np.ndarray):
        self.evaluate, self.d, self.evals = evaluate, d, 0

    def probe(self, t: Any) -> tuple[float, np.ndarray, Any]:
        self.evals += 1
        f, g = self.evaluate(t)
        return f, g, g.dot(self.d)

    def too_high(self, t: Any, f_new: float) -> bool:
        """Armijo's sufficient-decrease condition fails (False for a NaN loss, as PyTorch)."""
        return f_new > self.f0 + self.c1 * t * self.gtd0

    def run(
        self, t: Any, f: float, g: np.ndarray, gtd: Any, max_ls: int
    ) -> tuple[float, np.ndarray, Any, int]:
        """(loss, gradient, step) at the accepted step, and the number of evaluations."""
        self.f0, self.gtd0, self.max_ls = f, gtd, max_ls
        bracket, done, ls_iter = self.bracket_phase(t, f, g.copy(), gtd)
        return (*self.zoom_phase(bracket, done, ls_iter), self.evals)

    def bracket_phase(self, t: Any, f: float, g: np.ndarray, gtd: Any) -> tuple[list, bool, int]:
        """Grow the step until an interval [t_prev, t] holds an acceptable one (or one is
        found): a list of points (t, f, g, gᵀd), whether done, iterations used."""
        f_new, g_new, gtd_new = self.probe(t)
        prev = (0, f, g, gtd)
        ls_iter = 0
        while ls_iter < self.max_ls:
            if self.too_high(t, f_new) or (ls_iter > 1 and f_new >= prev[1]):
                return [prev, (t, f_new, g_new, gtd_new)], False, ls_iter
            if abs(gtd_new) <= -self.c2 * self.gtd0:
                return [(t, f_new, g_new, gtd_new)], True, ls_iter
            if gtd_new >= 0:
                return [prev, (t, f_new, g_new, gtd_new)], False, ls_iter
            bounds = (t + 0.01 * (t - prev[0]), t * 10)
            t_next = _cubic_interpolate(prev[0], prev[1], prev[3], t, f_new, gtd_new, bounds)
            prev = (t, f_new, g_new, gtd_new)
            t = t_next
            f_new, g_new, gtd_new = self.probe(t)
            ls_iter += 1
        return [(0, f, g, gtd), (t, f_new, g_new, gtd_new)], False, ls_iter

    def zoom_phase(self, bracket: list, done: bool, ls_iter: int) -> tuple[float, np.ndarray, Any]:
        """Shrink the interval until a step meets the strong Wolfe conditions; the best end."""
        low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
        insufficient = False
        d_norm = np.abs(self.d).max()
        while not done and ls_iter < self.max_ls:
            if abs(bracket[1][0] - bracket[0][0]) * d_norm < self.tolerance_change:
                break
            t, insufficient = self.next_trial(bracket, insufficient)
            f_new, g_new, gtd_new = self.probe(t)
            ls_iter += 1
            point = (t, f_new, g_new, gtd_new)
            if self.too_high(t, f_new) or f_new >= bracket[low][1]:
                bracket[high] = point
                low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
                continue
            if abs(gtd_new) <= -self.c2 * self.gtd0:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = point
        t, f_new, g_new, _ = bracket[low]
        return f_new, g_new, t

    @staticmethod
    def next_trial(bracket: list, insufficient: bool) -> tuple[Any, bool]:
        """The cubic's minimiser in the interval, pushed 10% away from an end it nears (at the
        second time in a row, or at once when it falls on or outside an end)."""
        (a, fa, _, ga), (b, fb, _, gb) = bracket
        t = _cubic_interpolate(a, fa, ga, b, fb, gb)
        top, bottom = max(a, b), min(a, b)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) >= eps:
            return t, False
        if not (insufficient or t >= top or t <= bottom):
            return t, True
        return (top - eps if abs(t - top) < abs(t - bottom) else bottom + eps), False


def _two_loop(
    grad: np.ndarray, state: dict[str, Any], history_size: int, h_diag: Any
) -> np.ndarray:
    """d = −H g, H the L-BFGS inverse-Hessian estimate from the stored pairs (s_i, y_i) with
    ρ_i = 1/(y_iᵀ s_i), starting from H₀ = h_diag · I (the two-loop recursion)."""
    dirs, stps, ro = state["old_dirs"], state["old_stps"], state["ro"]
    al = state.setdefault("al", [None] * history_size)
    q = -grad
    for i in range(len(dirs) - 1, -1, -1):
        al[i] = stps[i].dot(q) * ro[i]
        q -= al[i] * dirs[i]
    r = q * h_diag
    for i in range(len(dirs)):
        beta = dirs[i].dot(r) * ro[i]
        r += (al[i] - beta) * stps[i]
    return r


class LBFGS(Optimizer):
    """L-BFGS, as ``torch.optim.LBFGS``: quasi-Newton steps from a short history of
    gradients; ``step(closure)`` runs up to ``max_iter`` iterations.

    All parameters form one flat vector θ with gradient g. Iteration k keeps the pairs
    s_i = θ_{i+1} − θ_i and y_i = g_{i+1} − g_i (the last ``history_size`` with yᵀs > 1e-10)
    and moves along

    ```text
    d_k = −H_k g_k            H_k: the two-loop recursion over (s_i, y_i), H₀ = (sᵀy / yᵀy) I
    θ_{k+1} = θ_k + t_k d_k   t_k = γ, the first iteration ever min(1, 1/‖g‖₁) γ
    ```

    (d = −g at the very first iteration), or with t_k from a strong-Wolfe line search when
    ``line_search_fn="strong_wolfe"``. An iteration stops early when max |g| ≤
    ``tolerance_grad``, the directional derivative gᵀd > −``tolerance_change``, max |t d| or
    the change of loss ≤ ``tolerance_change``, or after ``max_eval`` evaluations. As in
    PyTorch there is one parameter group, and ``state[first parameter]`` holds the history
    and the counters ``func_evals`` and ``n_iter`` (over all steps).

    Args:
        params: the parameters (one group: dicts with their own settings are refused).
        lr: γ, the step length (1 by default).
        max_iter: iterations per ``step``.
        max_eval: evaluations of the closure per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when every gradient entry is at most this in size.
        tolerance_change: stop when the step or the loss changes less than this.
        history_size: the number of (s, y) pairs kept.
        line_search_fn: ``None`` or ``"strong_wolfe"``.

    Raises:
        ValueError: a negative ``lr``, or more than one parameter group.

    Examples:
        >>> w = nn.Parameter(tg.tensor([3.0, -2.0], dtype=tg.float64))
        >>> opt = LBFGS([w])
        >>> def closure():
        ...     opt.zero_grad(); loss = ((w - 1.0) ** 2).sum(); loss.backward(); return loss
        >>> opt.step(closure).item()  # the loss before the step
        13.0
        >>> w.numpy().round(12).tolist(), opt.state[w]["n_iter"]
        ([1.0, 1.0], 2)
    """

    _array_state = True

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_iter * 5 // 4 if max_eval is None else max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def _flat_grad(self) -> np.ndarray:
        """Every parameter's gradient, flattened and joined (zeros for a missing one)."""
        return np.concatenate(
            [
                np.zeros(p._data.size, p._data.dtype) if p._grad is None else p._grad._data.ravel()
                for p in self._params
            ]
        )

    def _add_step(self, t: Any, d: np.ndarray) -> None:
        """θ ← θ + t d in place, for each parameter its slice of d."""
        offset = 0
        for p in self._params:
            size = p._data.size
            p._data += t * d[offset : offset + size].reshape(p._data.shape)
            offset += size
        increment_version(self._params)

    def _set_params(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self._params, values, strict=True):
            p._data[...] = value
        increment_version(self._params)

    def _evaluate_at(
        self, closure: Callable[[], Any], start: list[np.ndarray], d: np.ndarray, t: Any
    ) -> tuple[float, np.ndarray]:
        """The loss and flat gradient at θ = start + t d; θ is start again after."""
        self._add_step(t, d)
        with enable_grad():
            loss = float(closure())
        grad = self._flat_grad()
        self._set_params(start)
        return loss, grad

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]  # closure required, as PyTorch
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss of the first evaluation.

        Args:
            closure: zeroes the gradients, recomputes the loss, calls ``backward()`` and
                returns the loss; it is called once per evaluation (several times a step).

        Raises:
            RuntimeError: ``line_search_fn`` is neither ``None`` nor ``"strong_wolfe"``.
            NotImplementedError: under ``tg.compile``, which does not trace it.

        Examples:
            >>> w = nn.Parameter(tg.tensor([2.0], dtype=tg.float64)); opt = LBFGS([w], max_iter=1)
            >>> def closure():
            ...     opt.zero_grad(); loss = (w ** 2).sum(); loss.backward(); return loss
            >>> opt.step(closure).item(), w.item()  # the first step: min(1, 1/|g|₁) γ = 1/4
            (4.0, 1.0)
        """
        if engine.watching and engine.state.tracer is not None:
            raise NotImplementedError("tg.compile does not trace LBFGS.step (it calls a closure)")
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= group["tolerance_grad"]:
            return orig_loss
        self._iterate(closure, group, state, float(orig_loss), flat_grad)
        return orig_loss

    def _iterate(
        self,
        closure: Callable[[], Any],
        group: dict[str, Any],
        state: dict[str, Any],
        loss: float,
        flat_grad: np.ndarray,
    ) -> None:
        evals = 1
        for n_iter in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            d = self._direction(state, flat_grad, group["history_size"])
            state["prev_flat_grad"], state["prev_loss"] = flat_grad.copy(), loss
            lr = group["lr"]
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            state["d"], state["t"] = d, t
            gtd = flat_grad.dot(d)
            if gtd > -group["tolerance_change"]:
                break
            last = n_iter == group["max_iter"]
            loss, flat_grad, t, used = self._move(closure, group, loss, flat_grad, gtd, evals, last)
            state["t"] = t
            evals += used
            state["func_evals"] += used
            if last or evals >= group["max_eval"] or self._converged(group, flat_grad, d, t):
                break
            if abs(loss - state["prev_loss"]) < group["tolerance_change"]:
                break

    def _direction(self, state: dict[str, Any], flat_grad: np.ndarray, history: int) -> np.ndarray:
        """d = −g at the first iteration; else store the newest pair (s, y) when its
        curvature yᵀs is positive and run the two-loop recursion."""
        if state["n_iter"] == 1:
            state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1)
            return -flat_grad
        y = flat_grad - state["prev_flat_grad"]
        s = state["d"] * state["t"]
        ys = y.dot(s)
        if ys > 1e-10:
            if len(state["old_dirs"]) == history:
                for key in ("old_dirs", "old_stps", "ro"):
                    state[key].pop(0)
            state["old_dirs"].append(y)
            state["old_stps"].append(s)
            state["ro"].append(1.0 / ys)
            state["H_diag"] = ys / y.dot(y)
        return _two_loop(flat_grad, state, history, state["H_diag"])

    def _move(
        self,
        closure: Callable[[], Any],
        group: dict[str, Any],
        loss: float,
        flat_grad: np.ndarray,
        gtd: Any,
        evals: int,
        last: bool,
    ) -> tuple[float, np.ndarray, Any, int]:
        """Take the step along d: (new loss, new flat gradient, step length, evaluations)."""
        state = self.state[self._params[0]]
        d, t = state["d"], state["t"]
        search = group["line_search_fn"]
        if search is not None:
            if search != "strong_wolfe":
                raise RuntimeError("only 'strong_wolfe' is supported")
            start = [p._data.copy() for p in self._params]
            line = _LineSearch(lambda step: self._evaluate_at(closure, start, d, step), d)
            loss, flat_grad, t, used = line.run(t, loss, flat_grad, gtd, group["max_eval"] - evals)
            self._add_step(t, d)
            return loss, flat_grad, t, used
        self._add_step(t, d)
        if last:
            return loss, flat_grad, t, 0
        with enable_grad():
            loss = float(closure())
        return loss, self._flat_grad(), t, 1

    @staticmethod
    def _converged(group: dict[str, Any], flat_grad: np.ndarray, d: np.ndarray, t: Any) -> bool:
        small_grad = np.abs(flat_grad).max() <= group["tolerance_grad"]
        return bool(small_grad or np.abs(d * t).max() <= group["tolerance_change"])

    # ------------------------------------------------------------------ state dicts

    def state_dict(self) -> dict[str, Any]:
        """As ``Optimizer.state_dict``, the history lists copied (their arrays as tensors).

        Examples:
            >>> w = nn.Parameter(tg.tensor([3.0], dtype=tg.float64)); opt = LBFGS([w])
            >>> _ = opt.step(lambda: (opt.zero_grad(), (w**2).sum().backward(), (w**2).sum())[2])
            >>> sorted(opt.state_dict()["state"][0])[:3]
            ['H_diag', 'al', 'd']
        """
        saved = super().state_dict()
        for entry in saved["state"].values():
            for key, value in entry.items():
                if isinstance(value, list):
                    entry[key] = [
                        Tensor(v.copy()) if isinstance(v, np.ndarray) else v for v in value
                    ]
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As ``Optimizer.load_state_dict``; the history lists come back as arrays."""
        super().load_state_dict(state_dict)
        for state in self.state.values():
            for key in _LISTS:
                if key in state:
                    state[key] = [
                        np.array(v.numpy() if isinstance(v, Tensor) else v) for v in state[key]
                    ]
            for key in ("ro", "al"):
                if key in state:
                    state[key] = list(state[key])
