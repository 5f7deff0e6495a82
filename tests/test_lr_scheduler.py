"""Learning-rate schedules: the rates equal PyTorch's for 12+ steps (every schedule, several
groups, resumed schedules, state dicts), PyTorch's step order and warnings, and the
closed forms the docstrings state."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.optim import lr_scheduler

EPOCHS = 15
SCHEDULES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("MultiStepLR", {"milestones": [7, 1]}),
    ("ExponentialLR", {"gamma": 0.8}),
    ("CosineAnnealingLR", {"T_max": 5}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),  # past T_max: the cosine rises again
    ("LambdaLR", {"lr_lambda": lambda epoch: 0.95**epoch}),
    ("LambdaLR", {"lr_lambda": [lambda e: 1 / (e + 1), lambda e: 1 + e % 3]}),
    ("MultiplicativeLR", {"lr_lambda": lambda epoch: 0.9}),
    ("MultiplicativeLR", {"lr_lambda": [lambda e: 0.5 if e % 2 else 1.0, lambda e: 0.95]}),
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 4}),
    ("LinearLR", {"start_factor": 0.2, "total_iters": 6}),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10}),
    ("PolynomialLR", {}),
    ("PolynomialLR", {"total_iters": 8, "power": 2.0}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3}),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2, "eta_min": 0.001}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 15}),
    (
        "OneCycleLR",
        {
            "max_lr": [0.5, 0.2],
            "epochs": 3,
            "steps_per_epoch": 5,
            "anneal_strategy": "linear",
            "three_phase": True,
            "pct_start": 0.4,
        },
    ),
]


CLOSED_FORMS = [
    case
    for case in SCHEDULES
    if case[0]
    in {
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "CosineAnnealingLR",
        "ConstantLR",
        "LinearLR",
        "PolynomialLR",
    }
]


def _optimisers(torch: Any, lrs: tuple[float, ...] = (0.1, 0.03)) -> tuple[Any, Any]:
    """Ours and PyTorch's SGD, with one parameter group per learning rate."""
    ours = tg.optim.SGD([{"params": [nn.Parameter(tg.ones(2))], "lr": lr} for lr in lrs], lr=1.0)
    theirs = torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.ones(2))], "lr": lr} for lr in lrs], lr=1.0
    )
    return ours, theirs


def _rates(optimizer: Any, scheduler: Any, epochs: int = EPOCHS) -> list[list[float]]:
    rates = [scheduler.get_last_lr()]
    for _ in range(epochs):
        optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr())
        assert rates[-1] == [g["lr"] for g in optimizer.param_groups]
    return rates


def _schedule_id(case: Any) -> str:
    return (
        case
        if isinstance(case, str)
        else ",".join(
            f"{k}={'fn' if callable(v) or (isinstance(v, list) and callable(v[0])) else v}"
            for k, v in case.items()
        )
    )


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=_schedule_id)
def test_rates_equal_pytorch(name: str, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _optimisers(torch)
    mine = _rates(ours, getattr(lr_scheduler, name)(ours, **kwargs))
    reference = _rates(theirs, getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs))
    assert mine == reference  # the same formulas in the same order: equal floats
    assert [g["momentum"] for g in ours.param_groups] == [  # OneCycleLR cycles it
        g["momentum"] for g in theirs.param_groups
    ]
    assert [g["initial_lr"] for g in ours.param_groups] == [
        g["initial_lr"] for g in theirs.param_groups
    ]  # (OneCycleLR sets its own)


@pytest.mark.parametrize(("name", "kwargs"), CLOSED_FORMS, ids=_schedule_id)
def test_closed_forms_hold(name: str, kwargs: dict[str, Any]) -> None:
    """The recursive rates follow the closed forms in the docstrings (to rounding)."""
    optimizer, _ = _optimisers_without_torch()
    scheduler = getattr(lr_scheduler, name)(optimizer, **kwargs)
    for epoch, rates in enumerate(_rates(optimizer, scheduler)):
        expected = [closed_form(name, kwargs, base, epoch) for base in (0.1, 0.03)]
        np.testing.assert_allclose(
            rates, expected, rtol=1e-12, atol=1e-15, err_msg=f"epoch {epoch}"
        )


def _optimisers_without_torch() -> tuple[tg.optim.SGD, None]:
    groups = [{"params": [nn.Parameter(tg.ones(2))], "lr": lr} for lr in (0.1, 0.03)]
    return tg.optim.SGD(groups, lr=1.0), None


def closed_form(name: str, kwargs: dict[str, Any], base: float, epoch: int) -> float:
    gamma = kwargs.get("gamma", 0.1)
    if name == "StepLR":
        return base * gamma ** (epoch // kwargs["step_size"])
    if name == "MultiStepLR":
        return base * gamma ** sum(m <= epoch for m in kwargs["milestones"])
    if name == "ExponentialLR":
        return base * gamma**epoch
    if name == "ConstantLR":
        factor = kwargs.get("factor", 1 / 3)
        return base * (factor if epoch < kwargs.get("total_iters", 5) else 1.0)
    if name == "LinearLR":
        start, end = kwargs.get("start_factor", 1 / 3), kwargs.get("end_factor", 1.0)
        total = kwargs.get("total_iters", 5)
        return base * (start + (end - start) * min(epoch, total) / total)
    if name == "PolynomialLR":
        total = kwargs.get("total_iters", 5)
        return base * (1 - min(epoch, total) / total) ** kwargs.get("power", 1.0)
    low = kwargs.get("eta_min", 0.0)  # CosineAnnealingLR
    return low + (base - low) * (1 + math.cos(math.pi * epoch / kwargs["T_max"])) / 2


@pytest.mark.parametrize(("name", "kwargs"), CLOSED_FORMS, ids=_schedule_id)
def test_stepping_with_an_epoch_uses_the_closed_form(name: str, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _optimisers(torch)
    schedulers = [
        getattr(lr_scheduler, name)(ours, **kwargs),
        getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs),
    ]
    for epoch in (3, 7, 4):
        for optimizer, scheduler in zip((ours, theirs), schedulers, strict=True):
            optimizer.step()
            with pytest.warns(UserWarning, match="deprecated"):
                scheduler.step(epoch)
        assert schedulers[0].get_last_lr() == schedulers[1].get_last_lr()
        assert schedulers[0].last_epoch == epoch


def test_resuming_from_state_dicts_continues_the_schedule() -> None:
    torch = pytest.importorskip("torch")
    runs = []
    for index, sched in enumerate((lr_scheduler, torch.optim.lr_scheduler)):
        optimizer = _optimisers(torch)[index]
        scheduler = sched.CosineAnnealingLR(optimizer, T_max=6, eta_min=0.001)
        whole = _rates(optimizer, scheduler, epochs=12)
        optimizer = _optimisers(torch)[index]
        scheduler = sched.CosineAnnealingLR(optimizer, T_max=6, eta_min=0.001)
        _rates(optimizer, scheduler, epochs=4)
        saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
        resumed = _optimisers(torch)[index]
        resumed.load_state_dict(saved_optimizer)  # brings "initial_lr" and the rates
        again = sched.CosineAnnealingLR(resumed, T_max=6, eta_min=0.001, last_epoch=3)
        again.load_state_dict(saved_scheduler)
        runs.append(_rates(resumed, again, epochs=8))
        np.testing.assert_allclose(runs[-1], whole[4:], rtol=1e-12)
    assert runs[0] == runs[1]


def test_state_dict_holds_everything_but_the_optimizer() -> None:
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    _rates(optimizer, scheduler, epochs=3)
    saved = scheduler.state_dict()
    assert "optimizer" not in saved
    assert (saved["last_epoch"], saved["step_size"], saved["gamma"]) == (3, 2, 0.5)
    assert saved["base_lrs"] == [0.1, 0.03] and saved["_last_lr"] == [0.05, 0.015]
    other = lr_scheduler.StepLR(_optimisers_without_torch()[0], step_size=5)
    other.load_state_dict(saved)
    assert (other.last_epoch, other.step_size, other.get_last_lr()) == (3, 2, [0.05, 0.015])


def test_lambda_state_dict_keeps_callable_objects_state() -> None:
    class Warmup:
        def __init__(self, epochs: int) -> None:
            self.epochs = epochs

        def __call__(self, epoch: int) -> float:
            return min(1.0, (epoch + 1) / self.epochs)

    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.LambdaLR(optimizer, [Warmup(4), lambda e: 1.0])
    saved = scheduler.state_dict()
    assert saved["lr_lambdas"] == [{"epochs": 4}, None]
    fresh = lr_scheduler.LambdaLR(_optimisers_without_torch()[0], [Warmup(10), lambda e: 1.0])
    fresh.load_state_dict(saved)
    assert fresh.lr_lambdas[0].epochs == 4  # type: ignore[attr-defined]
    optimizer.step()
    fresh.optimizer.step()
    scheduler.step()
    fresh.step()
    assert fresh.get_last_lr() == scheduler.get_last_lr() == [0.05, 0.03]


def test_step_order_warning_as_pytorch() -> None:
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    with pytest.warns(UserWarning, match=r"before optimizer\.step\(\)"):
        scheduler.step()
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    optimizer.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()
    assert scheduler.get_last_lr() == [0.05, 0.015]


def test_two_schedulers_share_the_wrapped_step() -> None:
    optimizer, _ = _optimisers_without_torch()
    first = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    step = optimizer.step
    second = lr_scheduler.MultiStepLR(optimizer, milestones=[1])
    assert optimizer.step is step  # wrapped once
    optimizer.step()
    first.step()
    second.step()
    assert second.get_last_lr() == [0.1 * 0.5 * 0.1, 0.03 * 0.5 * 0.1]


def test_errors_name_the_problem() -> None:
    optimizer, _ = _optimisers_without_torch()
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(optimizer, step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(optimizer, [lambda e: 1.0])
    with pytest.raises(ValueError, match=r"factor should be < 1\.0"):
        lr_scheduler.ReduceLROnPlateau(optimizer, factor=1.0)
    with pytest.raises(ValueError, match="mode 'up' is unknown"):
        lr_scheduler.ReduceLROnPlateau(optimizer, mode="up")
    with pytest.raises(ValueError, match="threshold mode 'log' is unknown"):
        lr_scheduler.ReduceLROnPlateau(optimizer, threshold_mode="log")
    with pytest.raises(ValueError, match="expected 2 min_lrs"):
        lr_scheduler.ReduceLROnPlateau(optimizer, min_lr=[0.1])


def test_get_lr_outside_step_warns() -> None:
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    with pytest.warns(UserWarning, match="get_last_lr"):
        scheduler.get_lr()


# --------------------------------------------------------------------------- ReduceLROnPlateau


def _plateau_rates(optimizer: Any, scheduler: Any, metrics: list[float]) -> list[list[float]]:
    rates = []
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
        rates.append(scheduler.get_last_lr())
    return rates


PLATEAU_SETTINGS: list[dict[str, Any]] = [
    {},
    {"patience": 1, "factor": 0.5},
    {"mode": "max", "patience": 0},
    {"patience": 2, "threshold": 0.1, "threshold_mode": "abs", "cooldown": 2},
    {"mode": "max", "threshold": 0.05, "threshold_mode": "abs", "patience": 1, "factor": 0.2},
    {"patience": 0, "factor": 0.5, "min_lr": [0.02, 0.001]},
    {"patience": 0, "factor": 0.5, "min_lr": 0.02, "eps": 1e-3},
]


@settings(max_examples=25, deadline=None)
@given(
    metrics=st.lists(
        st.sampled_from([3.0, 2.0, 1.9999, 1.5, 1.0, 0.9, 0.5]), min_size=12, max_size=25
    ),
    case=st.sampled_from(PLATEAU_SETTINGS),
)
def test_plateau_rates_equal_pytorch(metrics: list[float], case: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _optimisers(torch)
    mine = lr_scheduler.ReduceLROnPlateau(ours, **case)
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **case)
    assert _plateau_rates(ours, mine, metrics) == _plateau_rates(theirs, reference, metrics)
    assert (mine.best, mine.num_bad_epochs, mine.cooldown_counter, mine.last_epoch) == (
        reference.best,
        reference.num_bad_epochs,
        reference.cooldown_counter,
        reference.last_epoch,
    )


def test_plateau_cuts_after_patience_and_waits_out_the_cooldown() -> None:
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.ReduceLROnPlateau(
        optimizer, factor=0.5, patience=2, cooldown=1, min_lr=0.02
    )
    rates = [r[0] for r in _plateau_rates(optimizer, scheduler, [1.0] * 8)]
    # epoch 1 sets the best; 2, 3, 4 are bad: a cut after the third; 5 is the cooldown (not
    # counted); 6, 7, 8 are bad: the next cut
    assert rates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025]
    assert scheduler.in_cooldown
    _plateau_rates(optimizer, scheduler, [1.0])
    assert not scheduler.in_cooldown and scheduler.num_bad_epochs == 0
    rates = [r[0] for r in _plateau_rates(optimizer, scheduler, [1.0] * 8)]
    assert rates[-1] == 0.02  # the floor
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["mode"] == "min"


def test_plateau_takes_a_one_element_tensor() -> None:
    optimizer, _ = _optimisers_without_torch()
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
    scheduler.step(tg.tensor(2.0))
    scheduler.step(tg.tensor([3.0]))
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.003])


# --------------------------------------------------------------------------- in a training loop


def test_a_scheduled_training_run_equals_pytorch() -> None:
    """Adam with StepLR then a plateau schedule on the validation loss: the same weights."""
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    ours = nn.Sequential(
        nn.Linear(3, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 1, dtype=np.float64)
    )
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    theirs.double()
    theirs.load_state_dict({k: torch.tensor(np.array(v)) for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))

    def run(
        model: Any,
        make_opt: Callable[..., Any],
        sched: Any,
        as_input: Callable[..., Any],
        loss_fn: Callable[..., Any],
    ) -> list[float]:
        optimizer = make_opt(model.parameters(), lr=0.05)
        step_lr = sched.StepLR(optimizer, step_size=4, gamma=0.5)
        plateau = sched.ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
        losses = []
        for _ in range(12):
            optimizer.zero_grad()
            loss = loss_fn(model(as_input(x)), as_input(y))
            loss.backward()
            optimizer.step()
            step_lr.step()
            plateau.step(loss.item())
            losses.append(loss.item())
        return losses

    mine = run(ours, tg.optim.Adam, lr_scheduler, tg.tensor, nn.MSELoss())
    reference = run(
        theirs,
        torch.optim.Adam,
        torch.optim.lr_scheduler,
        torch.from_numpy,
        torch.nn.functional.mse_loss,
    )
    np.testing.assert_allclose(mine, reference, rtol=1e-10)


# --------------------------------------------------------------------------- composite schedules


def _sequential(lib: Any, sched: Any, optimizer: Any, kind: int) -> Any:
    if kind == 0:  # a linear warm-up, then a cosine
        parts = [
            sched.LinearLR(optimizer, start_factor=0.1, total_iters=3),
            sched.CosineAnnealingLR(optimizer, T_max=8, eta_min=0.001),
        ]
        return sched.SequentialLR(optimizer, parts, milestones=[3])
    parts = [
        sched.ConstantLR(optimizer, factor=0.5, total_iters=10),
        sched.ExponentialLR(optimizer, gamma=0.7),
        sched.StepLR(optimizer, step_size=2),
    ]
    return sched.SequentialLR(optimizer, parts, milestones=[2, 6])


@pytest.mark.parametrize("kind", [0, 1])
def test_sequential_rates_and_state_equal_pytorch(kind: int) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _optimisers(torch)
    mine = _sequential(tg, lr_scheduler, ours, kind)
    reference = _sequential(torch, torch.optim.lr_scheduler, theirs, kind)
    assert _rates(ours, mine) == _rates(theirs, reference)
    saved, expected = mine.state_dict(), reference.state_dict()
    assert saved["last_epoch"] == expected["last_epoch"]
    assert [s["last_epoch"] for s in saved["_schedulers"]] == [
        s["last_epoch"] for s in expected["_schedulers"]
    ]
    fresh_opt = _optimisers(torch)[0]
    fresh = _sequential(tg, lr_scheduler, fresh_opt, kind)
    fresh.load_state_dict(saved)
    assert fresh.last_epoch == mine.last_epoch
    assert [s.last_epoch for s in fresh._schedulers] == [s.last_epoch for s in mine._schedulers]


def test_sequential_refuses_mismatched_parts() -> None:
    optimizer, _ = _optimisers_without_torch()
    other, _ = _optimisers_without_torch()
    step = lr_scheduler.StepLR(optimizer, step_size=1)
    with pytest.raises(ValueError, match="at least one scheduler"):
        lr_scheduler.SequentialLR(optimizer, [], milestones=[])
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(optimizer, [step], milestones=[2])
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.SequentialLR(other, [step], milestones=[])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        lr_scheduler.SequentialLR(optimizer, [lr_scheduler.ReduceLROnPlateau(optimizer)], [])


@pytest.mark.parametrize("t_mult", [1, 2])
def test_warm_restarts_with_fractional_epochs_equal_pytorch(t_mult: int) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _optimisers(torch)
    schedulers = [
        lr_scheduler.CosineAnnealingWarmRestarts(ours, T_0=2, T_mult=t_mult),
        torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, T_0=2, T_mult=t_mult),
    ]
    for epoch in range(6):
        for batch in range(4):
            rates = []
            for optimizer, scheduler in zip((ours, theirs), schedulers, strict=True):
                optimizer.step()
                scheduler.step(epoch + batch / 4)
                rates.append(scheduler.get_last_lr())
            assert rates[0] == rates[1], (epoch, batch)
    assert schedulers[0].T_i == schedulers[1].T_i
    with pytest.raises(ValueError, match="non-negative epoch"):
        schedulers[0].step(-1)
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(ours, T_0=0)
    with pytest.raises(ValueError, match="T_mult >= 1"):
        lr_scheduler.CosineAnnealingWarmRestarts(ours, T_0=2, T_mult=0)


def test_one_cycle_drives_adams_beta1_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours = tg.optim.Adam([nn.Parameter(tg.ones(2))], lr=0.01, betas=(0.9, 0.99))
    theirs = torch.optim.Adam([torch.nn.Parameter(torch.ones(2))], lr=0.01, betas=(0.9, 0.99))
    kwargs = {"max_lr": 0.1, "total_steps": 12, "base_momentum": 0.8, "max_momentum": 0.9}
    mine = lr_scheduler.OneCycleLR(ours, **kwargs)
    reference = torch.optim.lr_scheduler.OneCycleLR(theirs, **kwargs)
    betas = []
    for optimizer, scheduler in ((ours, mine), (theirs, reference)):
        _rates(optimizer, scheduler, epochs=12)
        betas.append(optimizer.param_groups[0]["betas"])
    assert betas[0] == betas[1] and betas[0][1] == 0.99
    with pytest.raises(ValueError, match="tried to step 13 times"):
        mine.step()


def test_one_cycle_errors() -> None:
    optimizer, _ = _optimisers_without_torch()
    with pytest.raises(ValueError, match="total_steps or"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=0.1)
    with pytest.raises(ValueError, match="positive integer total_steps"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="pct_start"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=5, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=5, anneal_strategy="exp")
    with pytest.raises(ValueError, match="one value per parameter group"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=[0.1], total_steps=5)
    adagrad = tg.optim.Adagrad([nn.Parameter(tg.ones(1))])
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=5)


def test_factor_schedules_validate_their_factors() -> None:
    optimizer, _ = _optimisers_without_torch()
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(optimizer, factor=1.5)
    with pytest.raises(ValueError, match="start_factor"):
        lr_scheduler.LinearLR(optimizer, start_factor=0.0)
    with pytest.raises(ValueError, match="end_factor"):
        lr_scheduler.LinearLR(optimizer, end_factor=-0.1)
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        lr_scheduler.MultiplicativeLR(optimizer, lr_lambda=0.5)  # type: ignore[arg-type]


def test_the_old_base_class_name_is_there() -> None:
    assert lr_scheduler._LRScheduler is lr_scheduler.LRScheduler
