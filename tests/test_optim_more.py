"""Adamax, NAdam, RAdam and CyclicLR against PyTorch step for step; orthogonal_ and
trunc_normal_ by their statistics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn

OPTIMISERS = ["Adamax", "NAdam", "RAdam"]


def _loss(w: Any, target: Any) -> Any:
    """A loss with a different gradient at every step: Σ (w − t)⁴ / 4 + Σ w·t."""
    d = w - target
    return (d * d * d * d).sum() * 0.25 + (w * target).sum()


def _trajectories(
    name: str, kwargs: dict[str, Any], dtype: str, steps: int = 10, seed: int = 0
) -> tuple[list[np.ndarray], list[np.ndarray], Any, Any]:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    start, target = rng.standard_normal((2, 3)).astype(dtype), rng.standard_normal((2, 3))
    ours_w = nn.Parameter(tg.tensor(start))
    theirs_w = torch.nn.Parameter(torch.tensor(start))
    ours = getattr(tg.optim, name)([ours_w], **kwargs)
    theirs = getattr(torch.optim, name)([theirs_w], **kwargs)
    ours_path, theirs_path = [], []
    for _ in range(steps):
        ours.zero_grad()
        _loss(ours_w, tg.tensor(target.astype(dtype))).backward()
        ours.step()
        theirs.zero_grad()
        _loss(theirs_w, torch.tensor(target.astype(dtype))).backward()
        theirs.step()
        ours_path.append(ours_w.numpy().copy())
        theirs_path.append(theirs_w.detach().numpy().copy())
    return ours_path, theirs_path, ours, theirs


def _assert_paths_equal(ours: list[np.ndarray], theirs: list[np.ndarray], dtype: str) -> None:
    rtol = 1e-12 if dtype == "float64" else 2e-6
    for step, (a, b) in enumerate(zip(ours, theirs), start=1):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, err_msg=f"step {step}")


@pytest.mark.parametrize("name", OPTIMISERS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ten_steps_with_defaults_match_pytorch(name: str, dtype: str) -> None:
    ours, theirs, _, _ = _trajectories(name, {"lr": 0.05}, dtype)
    _assert_paths_equal(ours, theirs, dtype)


@pytest.mark.parametrize("name", OPTIMISERS)
@settings(max_examples=15)
@given(
    lr=st.floats(1e-3, 0.3),
    beta1=st.floats(0.0, 0.95),
    beta2=st.floats(0.5, 0.999),
    eps=st.sampled_from([1e-8, 1e-3, 0.1]),
    weight_decay=st.sampled_from([0.0, 0.1]),
    maximize=st.booleans(),
    decoupled=st.booleans(),
    seed=st.integers(0, 99),
)
def test_ten_steps_with_any_settings_match_pytorch(
    name: str,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
    decoupled: bool,
    seed: int,
) -> None:
    kwargs: dict[str, Any] = {
        "lr": lr,
        "betas": (beta1, beta2),
        "eps": eps,
        "weight_decay": weight_decay,
        "maximize": maximize,
    }
    if name != "Adamax":
        kwargs["decoupled_weight_decay"] = decoupled
    if name == "NAdam":
        kwargs["momentum_decay"] = 0.004 if seed % 2 else 0.05
    ours, theirs, _, _ = _trajectories(name, kwargs, "float64", seed=seed)
    _assert_paths_equal(ours, theirs, "float64")


@pytest.mark.parametrize("name", OPTIMISERS)
def test_state_dict_matches_pytorch_and_resumes(name: str) -> None:
    torch = pytest.importorskip("torch")
    _, _, ours, theirs = _trajectories(name, {"lr": 0.05}, "float64", steps=4)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert list(mine["state"][0]) == list(reference["state"][0])
    assert mine["param_groups"][0].keys() == reference["param_groups"][0].keys()
    for key, value in reference["state"][0].items():
        np.testing.assert_allclose(np.asarray(mine["state"][0][key]), value.numpy(), rtol=1e-12)
    # a fresh optimiser loaded from PyTorch's state continues PyTorch's trajectory
    w = nn.Parameter(tg.tensor(theirs.param_groups[0]["params"][0].detach().numpy().copy()))
    resumed = getattr(tg.optim, name)([w], lr=0.05)
    as_arrays = {
        "state": {i: {k: v.numpy() for k, v in st.items()} for i, st in reference["state"].items()},
        "param_groups": reference["param_groups"],
    }
    resumed.load_state_dict(as_arrays)
    target = np.linspace(-1, 1, 6).reshape(2, 3)
    # PyTorch reloaded as well: loading casts floating state (NAdam's mu_product) to θ's dtype
    tw = torch.nn.Parameter(theirs.param_groups[0]["params"][0].detach().clone())
    theirs = getattr(torch.optim, name)([tw], lr=0.05)
    theirs.load_state_dict(reference)
    for _ in range(3):
        resumed.zero_grad()
        _loss(w, tg.tensor(target)).backward()
        resumed.step()
        theirs.zero_grad()
        _loss(tw, torch.tensor(target)).backward()
        theirs.step()
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-12)


def test_radam_switches_to_rectified_steps_after_five() -> None:
    w = nn.Parameter(tg.tensor([1.0], dtype=tg.float64))
    opt = tg.optim.RAdam([w], lr=0.1, betas=(0.0, 0.999))
    moves = []
    for _ in range(8):
        before = w.item()
        opt.zero_grad()
        (w * 2.0).sum().backward()  # a constant gradient 2
        opt.step()
        moves.append(before - w.item())
    # β1 = 0: m̂ = g, so the unrectified steps are γ g = 0.2 exactly; then rectified, smaller
    np.testing.assert_allclose(moves[:5], 0.2, rtol=1e-12)
    assert all(0 < m < 0.2 for m in moves[5:])


def test_optimisers_skip_parameters_without_gradients_and_refuse_bad_settings() -> None:
    for name in OPTIMISERS:
        cls = getattr(tg.optim, name)
        w, idle = nn.Parameter(tg.ones(2)), nn.Parameter(tg.ones(2))
        opt = cls([w, idle], lr=0.1)
        (w * w).sum().backward()
        opt.step()
        assert idle.tolist() == [1.0, 1.0] and w.tolist() != [1.0, 1.0]
        assert idle not in opt.state or not opt.state[idle]
        with pytest.raises(ValueError, match="beta parameter at index 1"):
            cls([w], betas=(0.9, 1.0))
        with pytest.raises(ValueError, match="learning rate"):
            cls([w], lr=-1.0)
        with pytest.raises(ValueError, match="epsilon"):
            cls([w], eps=-1.0)
    with pytest.raises(ValueError, match="momentum_decay"):
        tg.optim.NAdam([nn.Parameter(tg.ones(1))], momentum_decay=-0.1)


# --------------------------------------------------------------------------- CyclicLR


def _schedules(
    optimiser: str, kwargs: dict[str, Any], steps: int = 25
) -> tuple[list[Any], list[Any]]:
    torch = pytest.importorskip("torch")
    key = "momentum" if optimiser == "SGD" else "betas"
    extra = {"momentum": 0.9} if optimiser == "SGD" else {}
    ours_opt = getattr(tg.optim, optimiser)([nn.Parameter(tg.ones(1))], lr=1.0, **extra)
    theirs_opt = getattr(torch.optim, optimiser)(
        [torch.nn.Parameter(torch.ones(1))], lr=1.0, **extra
    )
    ours = tg.optim.lr_scheduler.CyclicLR(ours_opt, **kwargs)
    theirs = torch.optim.lr_scheduler.CyclicLR(theirs_opt, **kwargs)
    ours_rates, theirs_rates = [], []
    for _ in range(steps):
        ours_opt.step()
        ours.step()
        theirs_opt.step()
        theirs.step()
        ours_rates.append((ours.get_last_lr(), ours_opt.param_groups[0].get(key)))
        theirs_rates.append((theirs.get_last_lr(), theirs_opt.param_groups[0].get(key)))
    return ours_rates, theirs_rates


@settings(max_examples=25)
@given(
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    up=st.integers(1, 6),
    down=st.integers(1, 6) | st.none(),
    gamma=st.floats(0.8, 1.0),
    cycle_momentum=st.booleans(),
    optimiser=st.sampled_from(["SGD", "Adam"]),
)
def test_cyclic_lr_matches_pytorch(
    mode: str, up: int, down: int | None, gamma: float, cycle_momentum: bool, optimiser: str
) -> None:
    kwargs = {
        "base_lr": 0.01,
        "max_lr": 0.1,
        "step_size_up": up,
        "step_size_down": down,
        "mode": mode,
        "gamma": gamma,
        "cycle_momentum": cycle_momentum,
    }
    ours, theirs = _schedules(optimiser, kwargs)
    assert ours == theirs  # the same floating-point values: the same formulas, in order


def test_cyclic_lr_with_a_scale_fn_per_group_bounds_and_state_dict() -> None:
    torch = pytest.importorskip("torch")
    kwargs = {
        "base_lr": [0.01, 0.02],
        "max_lr": [0.1, 0.3],
        "step_size_up": 3,
        "scale_fn": lambda x: 0.5 ** (x / 4),
        "scale_mode": "iterations",
        "cycle_momentum": False,
    }
    ours_opt = tg.optim.SGD(
        [{"params": [nn.Parameter(tg.ones(1))]}, {"params": [nn.Parameter(tg.ones(1))]}], lr=1.0
    )
    theirs_opt = torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.ones(1))]},
            {"params": [torch.nn.Parameter(torch.ones(1))]},
        ],
        lr=1.0,
    )
    ours = tg.optim.lr_scheduler.CyclicLR(ours_opt, **kwargs)
    theirs = torch.optim.lr_scheduler.CyclicLR(theirs_opt, **kwargs)
    assert [g["lr"] for g in ours_opt.param_groups] == [0.01, 0.02]
    for _ in range(10):
        ours_opt.step()
        ours.step()
        theirs_opt.step()
        theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr()
    saved = ours.state_dict()
    assert saved["_scale_fn_custom"] is None and saved["last_epoch"] == 10
    fresh_opt = tg.optim.SGD([nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(1))], lr=1.0)
    with pytest.raises(ValueError, match="param_groups"):
        tg.optim.lr_scheduler.CyclicLR(fresh_opt, base_lr=[0.1, 0.2], max_lr=1.0)
    with pytest.raises(ValueError, match="mode is invalid"):
        tg.optim.lr_scheduler.CyclicLR(ours_opt, 0.1, 1.0, mode="sawtooth")
    with pytest.raises(ValueError, match="momentum"):
        tg.optim.lr_scheduler.CyclicLR(tg.optim.Adagrad([nn.Parameter(tg.ones(1))]), 0.1, 1.0)


# --------------------------------------------------------------------------- init


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3), (1, 7)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape: tuple[int, ...]) -> None:
    tg.manual_seed(1)
    w = nn.init.orthogonal_(tg.zeros(*shape), gain=2.0)
    matrix = w.numpy().reshape(shape[0], -1).astype(np.float64)
    rows, cols = matrix.shape
    gram = matrix @ matrix.T if rows <= cols else matrix.T @ matrix
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(tg.zeros(3))


def test_orthogonal_is_uniformly_distributed_like_pytorchs() -> None:
    # with the sign fix, each entry of a Haar-random 2×2 rotation has mean 0; without it the
    # diagonal would be biased towards positive values
    generator = np.random.default_rng(0)
    diagonals = [
        nn.init.orthogonal_(tg.zeros(2, 2, dtype=tg.float64), generator=generator).numpy()[0, 0]
        for _ in range(2000)
    ]
    assert abs(np.mean(diagonals)) < 0.05
    assert abs(np.mean(np.square(diagonals)) - 0.5) < 0.03  # E[cos²θ] = ½


def _truncated_normal_moments(mean: float, std: float, a: float, b: float) -> tuple[float, float]:
    """The mean and standard deviation of N(mean, std²) truncated to [a, b], in closed form."""
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    lo, hi = (a - mean) / std, (b - mean) / std
    mass = cdf(hi) - cdf(lo)
    shift = (pdf(lo) - pdf(hi)) / mass
    variance = 1 + (lo * pdf(lo) - hi * pdf(hi)) / mass - shift**2
    return mean + std * shift, std * math.sqrt(variance)


@pytest.mark.parametrize(
    ("mean", "std", "a", "b"), [(0.5, 1.0, -0.5, 2.0), (0.0, 0.02, -0.04, 0.04)]
)
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(
    mean: float, std: float, a: float, b: float
) -> None:
    w = nn.init.trunc_normal_(
        tg.zeros(200_000, dtype=tg.float64),
        mean=mean,
        std=std,
        a=a,
        b=b,
        generator=np.random.default_rng(0),
    )
    values = w.numpy()
    assert values.min() >= a and values.max() <= b
    expected_mean, expected_std = _truncated_normal_moments(mean, std, a, b)
    assert abs(values.mean() - expected_mean) < 0.01 * std
    assert abs(values.std() - expected_std) < 0.01 * std
    with pytest.warns(UserWarning, match="more than 2 std"):
        nn.init.trunc_normal_(tg.zeros(10), mean=10.0, a=-1.0, b=1.0)
