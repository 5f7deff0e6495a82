"""LBFGS: trajectories, counters and history equal to PyTorch's (float64, with and without the
strong-Wolfe line search) on a quadratic, Rosenbrock's function and a small MLP; the minimum
of a quadratic against NumPy's solve; stopping tests, validation, state dicts, in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn

Problem = tuple[list[np.ndarray], Callable[[list[Any], Any], Any]]


def quadratic(seed: int = 0, n: int = 5) -> Problem:
    """½ xᵀAx − bᵀx with A symmetric positive definite: the minimum is A⁻¹b."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    a, b = m @ m.T + np.eye(n), rng.standard_normal(n)

    def loss(ps: list[Any], lib: Any) -> Any:
        x = ps[0]
        return 0.5 * (x * (lib.tensor(a) @ x)).sum() - (lib.tensor(b) * x).sum()

    return [rng.standard_normal(n)], loss


def rosenbrock(seed: int = 0) -> Problem:
    def loss(ps: list[Any], lib: Any) -> Any:
        x = ps[0]
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    return [np.array([-1.5, 2.0])], loss


def mlp(seed: int = 0) -> Problem:
    """A 3-8-1 tanh network's mean squared error on random data (three parameters)."""
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((20, 3)), rng.standard_normal((20, 1))
    shapes = [((8, 3), 0.5), ((8,), 0.1), ((1, 8), 0.5)]

    def loss(ps: list[Any], lib: Any) -> Any:
        hidden = (lib.tensor(x) @ ps[0].T + ps[1]).tanh()
        return ((hidden @ ps[2].T - lib.tensor(y)) ** 2).mean()

    return [scale * rng.standard_normal(shape) for shape, scale in shapes], loss


def run(lib: Any, problem: Problem, steps: int, **kwargs: Any) -> tuple[list, Any]:
    """(loss returned and parameters after each step, the optimiser)."""
    arrays, loss_of = problem
    params = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    opt = lib.optim.LBFGS(params, **kwargs)

    def closure() -> Any:
        opt.zero_grad()
        loss = loss_of(params, lib)
        loss.backward()
        return loss

    history = []
    for _ in range(steps):
        loss = opt.step(closure)
        history.append((float(loss.detach()), [p.detach().numpy().copy() for p in params]))
    return history, opt


# Rounding differences (summation order in dot products and reductions) grow over the
# iterations: equal to 1e-13 after a step's first 20 iterations, to 1e-9 after 60 (measured).
RTOLS = (1e-10, 1e-8, 1e-6)


def assert_same_runs(ours: tuple[list, Any], theirs: tuple[list, Any], rtol: float) -> None:
    """Equal losses, parameters after each step (looser by ``RTOLS`` after the first), counters
    and history; ``rtol`` for the first step."""
    for step, ((mine, ps), (reference, rs)) in enumerate(zip(ours[0], theirs[0], strict=True)):
        rtol = max(rtol, RTOLS[step])
        assert mine == pytest.approx(reference, rel=rtol, abs=rtol), f"loss at step {step}"
        for p, r in zip(ps, rs, strict=True):
            np.testing.assert_allclose(p, r, rtol=rtol, atol=rtol, err_msg=f"step {step}")
    state = ours[1].state[ours[1].param_groups[0]["params"][0]]
    reference = theirs[1].state[theirs[1].param_groups[0]["params"][0]]
    assert (state["func_evals"], state["n_iter"]) == (reference["func_evals"], reference["n_iter"])
    assert len(state["old_dirs"]) == len(reference["old_dirs"])
    for mine_dir, their_dir in zip(state["old_dirs"], reference["old_dirs"], strict=True):
        # y = g_{k+1} − g_k cancels digits: looser than the parameters
        np.testing.assert_allclose(mine_dir, their_dir.numpy(), rtol=100 * rtol, atol=100 * rtol)


PROBLEMS = {"quadratic": quadratic, "rosenbrock": rosenbrock, "mlp": mlp}
SETTINGS = [
    {},
    {"lr": 0.5, "max_iter": 7, "history_size": 3},
    {"max_iter": 4, "max_eval": 3},
    {"tolerance_change": 1e-3, "tolerance_grad": 1e-3},
]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("kwargs", SETTINGS)
@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_trajectories_equal_pytorch(name: str, kwargs: dict, line_search_fn: str | None) -> None:
    torch = pytest.importorskip("torch")
    problem = PROBLEMS[name]()
    kwargs = {**kwargs, "line_search_fn": line_search_fn}
    assert_same_runs(run(tg, problem, 3, **kwargs), run(torch, problem, 3, **kwargs), 1e-10)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 4),
    history_size=st.integers(1, 5),
    lr=st.floats(0.1, 1.0),
    line_search_fn=st.sampled_from([None, "strong_wolfe"]),
)
def test_random_quadratics_equal_pytorch(
    seed: int, n: int, history_size: int, lr: float, line_search_fn: str | None
) -> None:
    torch = pytest.importorskip("torch")
    kwargs = {"lr": lr, "history_size": history_size, "line_search_fn": line_search_fn}
    problem = quadratic(seed, n)
    assert_same_runs(run(tg, problem, 2, **kwargs), run(torch, problem, 2, **kwargs), 1e-9)


def test_float32_parameters_stay_float32_and_follow_pytorch() -> None:
    torch = pytest.importorskip("torch")
    arrays, loss_of = mlp(1)
    problem = ([a.astype(np.float32) for a in arrays], loss_of)

    def loss32(ps: list[Any], lib: Any) -> Any:
        return loss_of([p.double() for p in ps], lib).float()

    ours = run(tg, (problem[0], loss32), 1, max_iter=5)
    theirs = run(torch, (problem[0], loss32), 1, max_iter=5)
    assert all(p.dtype == np.float32 for p in ours[0][-1][1])
    for p, r in zip(ours[0][-1][1], theirs[0][-1][1], strict=True):
        np.testing.assert_allclose(p, r, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_reaches_the_minimum_of_a_quadratic(line_search_fn: str | None) -> None:
    arrays, loss_of = quadratic(3, 6)
    rng = np.random.default_rng(3)
    m = rng.standard_normal((6, 6))
    a, b = m @ m.T + np.eye(6), rng.standard_normal(6)
    tight = {"tolerance_change": 0.0, "tolerance_grad": 1e-10}  # stop on the gradient only
    history, _ = run(tg, (arrays, loss_of), 5, line_search_fn=line_search_fn, **tight)
    np.testing.assert_allclose(history[-1][1][0], np.linalg.solve(a, b), atol=1e-9)


def test_first_iteration_scales_the_step_by_the_gradients_l1_norm() -> None:
    w = nn.Parameter(tg.tensor([3.0, -1.0], dtype=tg.float64))
    opt = tg.optim.LBFGS([w], lr=0.5, max_iter=1)
    opt.step(lambda: _quadratic_closure(opt, w))
    g = 2 * np.array([3.0, -1.0])  # ∇‖w‖² at the start; the step is −min(1, 1/‖g‖₁) γ g
    np.testing.assert_allclose(w.numpy(), [3.0, -1.0] - 0.5 / np.abs(g).sum() * g)
    state = opt.state[w]
    assert (state["func_evals"], state["n_iter"]) == (1, 1)  # max_iter reached: no re-evaluation


def _quadratic_closure(opt: tg.optim.Optimizer, w: tg.Tensor) -> tg.Tensor:
    opt.zero_grad()
    loss = (w * w).sum()
    loss.backward()
    return loss


def test_stops_at_once_where_the_gradient_is_small() -> None:
    w = nn.Parameter(tg.tensor([1e-9, 0.0], dtype=tg.float64))
    opt = tg.optim.LBFGS([w])
    loss = opt.step(lambda: _quadratic_closure(opt, w))
    assert loss.item() == pytest.approx(1e-18)
    assert w.numpy().tolist() == [1e-9, 0.0]
    assert (opt.state[w]["func_evals"], opt.state[w]["n_iter"]) == (1, 0)


def test_a_parameter_without_gradient_stays_put() -> None:
    w, unused = nn.Parameter(tg.tensor([2.0])), nn.Parameter(tg.tensor([5.0]))
    opt = tg.optim.LBFGS([w, unused])
    opt.step(lambda: _quadratic_closure(opt, w))
    assert unused.item() == 5.0 and abs(w.item()) < 1e-6


def test_steps_in_place_and_bump_versions() -> None:
    w = nn.Parameter(tg.tensor([2.0, 1.0], dtype=tg.float64))
    array = w.numpy()
    stale = (w * w).sum()  # saved w before the step
    opt = tg.optim.LBFGS([w], max_iter=2)
    opt.step(lambda: _quadratic_closure(opt, w))
    assert w.numpy() is array and not np.allclose(array, [2.0, 1.0])
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation|version"):
        stale.backward()


def test_state_dict_round_trip_resumes_exactly(tmp_path: Any) -> None:
    arrays, loss_of = mlp(2)

    def make(values: list[np.ndarray]) -> tuple[list[tg.Tensor], Any, Callable[[], Any]]:
        params = [tg.tensor(v.copy(), requires_grad=True) for v in values]
        opt = tg.optim.LBFGS(params, max_iter=3, history_size=2)

        def closure() -> Any:
            opt.zero_grad()
            loss = loss_of(params, tg)
            loss.backward()
            return loss

        return params, opt, closure

    params, opt, closure = make(arrays)
    for _ in range(2):
        opt.step(closure)
    assert isinstance(opt.state_dict()["state"][0]["old_dirs"][0], tg.Tensor)
    tg.save(opt.state_dict(), tmp_path / "lbfgs.pth")  # through a file, as a checkpoint
    saved = tg.load(tmp_path / "lbfgs.pth")
    copies, resumed, resumed_closure = make([p.numpy() for p in params])
    resumed.load_state_dict(saved)
    opt.step(closure)
    resumed.step(resumed_closure)
    for p, q in zip(params, copies, strict=True):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert (
        resumed.state[copies[0]]["n_iter"] == opt.state[params[0]]["n_iter"] == 6
    )  # max_eval 3: two a step


def test_state_dict_is_a_snapshot() -> None:
    w = nn.Parameter(tg.tensor([2.0, 1.0], dtype=tg.float64))
    opt = tg.optim.LBFGS([w], max_iter=2)
    opt.step(lambda: (opt.zero_grad(), ((w - 3) ** 4).sum().backward(), ((w - 3) ** 4).sum())[2])
    saved = opt.state_dict()
    before = [d.numpy().copy() for d in saved["state"][0]["old_dirs"]]
    opt.step(lambda: (opt.zero_grad(), ((w - 3) ** 4).sum().backward(), ((w - 3) ** 4).sum())[2])
    assert [d.numpy().tolist() for d in saved["state"][0]["old_dirs"]] == [
        b.tolist() for b in before
    ]


def _errors(lib: Any) -> list[tuple[type[Exception], Callable[[], Any]]]:
    w = lib.zeros(2, requires_grad=True)
    v = lib.zeros(2, requires_grad=True)

    def bad_search() -> Any:
        opt = lib.optim.LBFGS([w], line_search_fn="armijo")
        return opt.step(lambda: (opt.zero_grad(), (w - 1).pow(2).sum().backward(), 1.0)[2])

    return [
        (ValueError, lambda: lib.optim.LBFGS([w], lr=-1.0)),
        (ValueError, lambda: lib.optim.LBFGS([{"params": [w]}, {"params": [v]}])),
        (RuntimeError, bad_search),
    ]


def test_bad_settings_raise_pytorchs_errors() -> None:
    for kind, make in _errors(tg):
        with pytest.raises(kind):
            make()


def test_bad_settings_raise_what_pytorch_raises() -> None:
    torch = pytest.importorskip("torch")
    for (ours, _), (theirs, make) in zip(_errors(tg), _errors(torch), strict=True):
        with pytest.raises(theirs):
            make()
        assert ours is theirs


def test_messages_name_the_problem() -> None:
    w = tg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        tg.optim.LBFGS([w], lr=-1.0)
    with pytest.raises(ValueError, match="parameter groups"):
        tg.optim.LBFGS([{"params": [w]}, {"params": [tg.zeros(1, requires_grad=True)]}])


def test_tg_compile_refuses_it_clearly() -> None:
    w = nn.Parameter(tg.tensor([2.0], dtype=tg.float64))
    opt = tg.optim.LBFGS([w])
    step = tg.compile(lambda: opt.step(lambda: _quadratic_closure(opt, w)))
    with pytest.raises(NotImplementedError, match="LBFGS"):
        step()
