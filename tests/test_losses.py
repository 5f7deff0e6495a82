"""Losses: values and gradients against float64 finite differences (always), against the
lecture's delta rule, and against PyTorch (when installed); validation errors; the size of
the cross-entropy graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad4h03 as tg
from tinygrad4h03 import deltarule, engine, nn
from tinygrad4h03.nn import functional as F
from tinygrad4h03.testing import assert_gradients_match

REDUCTIONS = ("mean", "sum", "none")
FEW = settings(max_examples=15)  # each test is parametrized over the reductions already
IGNORE = -100


@st.composite
def classification(draw: st.DrawFn, min_dims: int = 2, max_dims: int = 2) -> dict[str, Any]:
    """Logits ``(N, C, d…)`` in float64, integer targets (some ignored), class weights and
    class-probability targets of the same shape."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    extra = tuple(draw(st.lists(st.integers(1, 2), min_size=min_dims - 2, max_size=max_dims - 2)))
    shape, target_shape = (n, c, *extra), (n, *extra)
    floats = st.floats(-4, 4, allow_nan=False, width=64)
    logits = draw(hnp.arrays(np.float64, shape, elements=floats))
    target = draw(hnp.arrays(np.int64, target_shape, elements=st.integers(0, c - 1)))
    ignored = draw(hnp.arrays(np.bool_, target_shape))
    ignored.flat[0] = False  # keep at least one target, so "mean" is defined
    weight = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.2, 2.0)))
    raw = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.05, 1.0)))
    return {
        "logits": logits,
        "target": target,
        "with_ignored": np.where(ignored, IGNORE, target),
        "weight": weight,
        "probs": raw / raw.sum(axis=1, keepdims=True),
    }


def _leaf(x: np.ndarray) -> tg.Tensor:
    return tg.tensor(x, requires_grad=True)


def _contraction_weights(shape: tuple[int, ...]) -> np.ndarray:
    """Unequal weights for a ``"none"`` loss, so every element's gradient is seen."""
    return np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape)


def _scalar(loss: tg.Tensor) -> tg.Tensor:
    return loss if loss.ndim == 0 else (loss * tg.tensor(_contraction_weights(loss.shape))).sum()


def _torch_scalar(torch: Any, loss: Any) -> Any:
    if loss.ndim == 0:
        return loss
    return (loss * torch.tensor(_contraction_weights(tuple(loss.shape)))).sum()


# --------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FEW
@given(case=classification(max_dims=3))
def test_cross_entropy_gradients(reduction: str, case: dict[str, Any]) -> None:
    for kwargs in (
        {"target": case["target"]},
        {"target": case["with_ignored"], "weight": case["weight"], "label_smoothing": 0.2},
        {"target": case["probs"], "weight": case["weight"], "label_smoothing": 0.1},
    ):
        assert tg.gradcheck(
            lambda x, kw=kwargs: F.cross_entropy(x, reduction=reduction, **kw),
            [_leaf(case["logits"])],
        )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FEW
@given(case=classification())
def test_nll_and_probability_target_gradients(reduction: str, case: dict[str, Any]) -> None:
    logp = np.log(case["probs"])
    assert tg.gradcheck(
        lambda x: F.nll_loss(x, case["with_ignored"], weight=case["weight"], reduction=reduction),
        [_leaf(logp)],
    )
    # gradients flow into class-probability targets too, as in PyTorch
    assert tg.gradcheck(
        lambda x, p: F.cross_entropy(x, p, reduction=reduction),
        [_leaf(case["logits"]), _leaf(case["probs"])],
    )


@pytest.mark.parametrize("loss", [F.mse_loss, F.sse_loss])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@FEW
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), seed=st.integers(0, 1000))
def test_regression_loss_gradients(
    loss: Callable[..., tg.Tensor], reduction: str, shape: tuple[int, ...], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(shape), rng.standard_normal(shape)
    assert tg.gradcheck(lambda a, b: loss(a, b, reduction=reduction), [_leaf(x), _leaf(y)])


# --------------------------------------------------------------------------- known answers


def test_sse_is_the_lectures_half_sum_of_squares() -> None:
    y_out, y = np.array([[0.2, 0.9], [0.6, 0.1]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    out = _leaf(y_out)
    loss = nn.SSELoss()(out, y)
    assert loss.item() == pytest.approx(0.5 * ((y_out - y) ** 2).sum())
    loss.backward()
    np.testing.assert_allclose(out.grad.numpy(), y_out - y)  # ∂E/∂y_L = y_L − y = −ε
    assert nn.SSELoss("mean")(out, y).item() == pytest.approx(0.5 * ((y_out - y) ** 2).mean())


def test_mse_known_value() -> None:
    assert nn.MSELoss()(tg.tensor([1.0, 2.0, 4.0]), [1.0, 1.0, 1.0]).item() == pytest.approx(10 / 3)
    losses = nn.MSELoss("none")(tg.tensor([1.0, 3.0]), [0.0, 1.0])
    np.testing.assert_allclose(losses.numpy(), [1, 4])


def test_cross_entropy_known_value_and_module_settings() -> None:
    logits = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    loss = nn.CrossEntropyLoss()(tg.tensor(logits), [0, 2])
    assert loss.item() == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2)
    weighted = nn.CrossEntropyLoss(weight=[1.0, 1.0, 3.0], reduction="sum")
    expected = -np.log(0.5) - 3 * np.log(0.8)
    assert weighted(tg.tensor(logits), [0, 2]).item() == pytest.approx(expected)
    assert list(weighted.state_dict()) == ["weight"]  # a buffer, as in PyTorch
    assert nn.NLLLoss(ignore_index=0)(
        tg.tensor(np.log([[0.5, 0.5], [0.2, 0.8]])), [0, 1]
    ).item() == pytest.approx(-np.log(0.8))


def test_all_targets_ignored_gives_nan_as_pytorch() -> None:
    assert np.isnan(F.cross_entropy(tg.randn(2, 3), [IGNORE, IGNORE]).item())


def test_fused_and_composed_cross_entropy_agree() -> None:
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    for reduction in REDUCTIONS:
        fused_x, composed_x = _leaf(x), _leaf(x)
        fused = F.cross_entropy(fused_x, t, reduction=reduction)
        composed = F.cross_entropy(composed_x, t, weight=np.ones(4), reduction=reduction)
        np.testing.assert_allclose(fused.numpy(), composed.numpy(), rtol=1e-12)
        _scalar(fused).backward()
        _scalar(composed).backward()
        np.testing.assert_allclose(
            fused_x.grad.numpy(), composed_x.grad.numpy(), rtol=1e-12, atol=1e-15
        )


def test_cross_entropy_graph_is_small() -> None:
    x = tg.randn(8, 5, requires_grad=True)
    for kwargs in ({}, {"ignore_index": 1}):
        loss = F.cross_entropy(x, np.arange(8) % 5, **kwargs)
        operations = [node for node in engine.topological_order([loss]) if node._parents]
        assert len(operations) <= 3  # fused: 1; composed: log_softmax, gather, dot product


def test_float32_stays_float32() -> None:
    x = tg.randn(3, 4, requires_grad=True)
    for loss in (
        F.cross_entropy(x, [0, 1, 2]),
        F.cross_entropy(x, [0, 1, 2], label_smoothing=0.1),
        F.mse_loss(x, np.zeros((3, 4), np.float32)),
        F.nll_loss(x, [0, 1, 3]),
    ):
        assert loss.dtype == np.float32


# --------------------------------------------------------------------------- the delta rule


@pytest.mark.parametrize(
    ("output", "loss_name"), [("softmax", "cross_entropy"), ("linear", "sse"), ("sigmoid", "sse")]
)
def test_losses_match_the_delta_rule(output: str, loss_name: str) -> None:
    rng = np.random.default_rng(4)
    tg.manual_seed(4)
    model = nn.Sequential(
        nn.Linear(5, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 3, dtype=np.float64)
    )
    x, y = rng.standard_normal(5), np.array([0.0, 1.0, 0.0])
    logits = model(tg.tensor(x))
    if loss_name == "cross_entropy":
        loss = F.cross_entropy(logits, np.int64(1))
    else:
        prediction = logits.sigmoid() if output == "sigmoid" else logits
        loss = F.sse_loss(prediction, y)
    loss.backward()
    weights = [model[0].weight.numpy(), model[2].weight.numpy()]
    biases = [model[0].bias.numpy(), model[2].bias.numpy()]
    expected = deltarule.gradients(
        weights, biases, x, y, hidden="tanh", output=output, loss=loss_name
    )
    for layer, (d_weight, d_bias) in zip((model[0], model[2]), expected, strict=True):
        np.testing.assert_allclose(layer.weight.grad.numpy(), d_weight, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(layer.bias.grad.numpy(), d_bias, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- validation


def test_wrong_target_length_names_the_loss_and_shapes() -> None:
    message = r"cross_entropy: input of shape \(3, 5\) needs a target of shape \(3,\).*\(4,\)"
    with pytest.raises(tg.ShapeError, match=message):
        F.cross_entropy(tg.randn(3, 5), [0, 1, 2, 3])
    with pytest.raises(tg.ShapeError, match=r"nll_loss: input of shape \(3, 5\)"):
        nn.NLLLoss()(tg.randn(3, 5), np.zeros((3, 1), dtype=np.int64))


def test_bad_targets_and_settings() -> None:
    x = tg.randn(3, 5)
    with pytest.raises(
        RuntimeError,
        match=r"integer class indices of shape \(3,\) or class "
        r"probabilities of shape \(3, 5\)",
    ):
        F.cross_entropy(x, np.zeros(3))
    with pytest.raises(IndexError, match="cross_entropy: target 7 is out of bounds for 5 classes"):
        F.cross_entropy(x, [0, 7, 1])
    with pytest.raises(IndexError, match="target -1 is out of bounds"):
        F.nll_loss(x, [0, -1, 1])
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(tg.ShapeError, match=r"weight must have one entry per class, shape \(5,\)"):
        F.cross_entropy(x, [0, 1, 2], weight=np.ones(4))
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        F.cross_entropy(x, [0, 1, 2], label_smoothing=1.5)
    with pytest.raises(ValueError, match="ignore_index is not supported"):
        F.cross_entropy(x, np.full((3, 5), 0.2), ignore_index=0)
    with pytest.raises(
        tg.ShapeError,
        match=r"mse_loss: input of shape \(3, 5\) and target of "
        r"shape \(4,\)",
    ):
        F.mse_loss(x, np.zeros(4))
    with pytest.warns(UserWarning, match="broadcast"):
        F.mse_loss(x, np.zeros(5, np.float32))


# --------------------------------------------------------------------------- PyTorch


def _torch_pair(
    torch: Any,
    ours: Callable[..., tg.Tensor],
    theirs: Callable[..., Any],
    x: np.ndarray,
    *args: Any,
    **kwargs: Any,
) -> None:
    """The same loss in both frameworks: equal values and equal gradients."""
    ours_x, their_x = _leaf(x), torch.tensor(x, requires_grad=True)
    to_torch = lambda a: torch.tensor(a) if isinstance(a, (np.ndarray, np.generic)) else a  # noqa: E731
    mine = ours(ours_x, *args, **kwargs)
    reference = theirs(their_x, *map(to_torch, args), **{k: to_torch(v) for k, v in kwargs.items()})
    np.testing.assert_allclose(mine.numpy(), reference.detach().numpy(), rtol=1e-10, atol=1e-12)
    _scalar(mine).backward()
    _torch_scalar(torch, reference).backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), their_x.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=8)  # 14 loss pairs per example
@given(case=classification(max_dims=3))
def test_classification_losses_match_pytorch(reduction: str, case: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x, weight = case["logits"], case["weight"]
    for target in (case["target"], case["with_ignored"], case["probs"]):
        for kwargs in (
            {},
            {"weight": weight},
            {"label_smoothing": 0.15},
            {"weight": weight, "label_smoothing": 0.3},
        ):
            _torch_pair(
                torch, F.cross_entropy, tf.cross_entropy, x, target, reduction=reduction, **kwargs
            )
    for target in (case["target"], case["with_ignored"]):
        _torch_pair(torch, F.nll_loss, tf.nll_loss, x, target, weight=weight, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_unbatched_and_regression_losses_match_pytorch(reduction: str) -> None:
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(5)
    x = rng.standard_normal(4)
    _torch_pair(torch, F.cross_entropy, tf.cross_entropy, x, np.int64(2), reduction=reduction)
    _torch_pair(torch, F.cross_entropy, tf.cross_entropy, x, np.full(4, 0.25), reduction=reduction)
    y = rng.standard_normal((3, 2))
    _torch_pair(torch, F.mse_loss, tf.mse_loss, rng.standard_normal((3, 2)), y, reduction=reduction)


def test_loss_modules_match_pytorch_modules() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x, t = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    pairs = [
        (nn.CrossEntropyLoss(label_smoothing=0.1), torch.nn.CrossEntropyLoss(label_smoothing=0.1)),
        (nn.NLLLoss(reduction="sum"), torch.nn.NLLLoss(reduction="sum")),
        (
            nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 3.0]), ignore_index=1),
            torch.nn.CrossEntropyLoss(
                weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), ignore_index=1
            ),
        ),
    ]
    for ours, theirs in pairs:
        assert ours(tg.tensor(x), t).item() == pytest.approx(
            theirs(torch.tensor(x), torch.tensor(t)).item(), rel=1e-12
        )
    assert nn.MSELoss()(tg.tensor(x), x * 2).item() == pytest.approx(
        torch.nn.MSELoss()(torch.tensor(x), torch.tensor(x * 2)).item(), rel=1e-12
    )


# ----------------------------------------------------------------- L1, smooth L1, Huber, BCE


def _module_pair(torch: Any, ours: nn.Module, theirs: Any, x: np.ndarray, y: np.ndarray) -> None:
    """Loss values and input gradients of a module here and in PyTorch, in float32."""
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(a, tg.tensor(y)), theirs(b, torch.tensor(y))
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    w = np.random.default_rng(0).standard_normal(ref.shape).astype(np.float32)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_loss_modules_match_pytorch(reduction: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 5)).astype(np.float32) * 3
    y = rng.standard_normal((4, 5)).astype(np.float32)
    y[0, :2] = x[0, :2]  # differences of exactly 0: the gradient there is 0 in both
    for name, kwargs in [
        ("L1Loss", {}),
        ("SmoothL1Loss", {}),
        ("SmoothL1Loss", {"beta": 0.3}),
        ("SmoothL1Loss", {"beta": 0.0}),
        ("HuberLoss", {}),
        ("HuberLoss", {"delta": 2.5}),
    ]:
        ours = getattr(nn, name)(reduction=reduction, **kwargs)
        theirs = getattr(torch.nn, name)(reduction=reduction, **kwargs)
        _module_pair(torch, ours, theirs, x, y)
        assert repr(ours) == repr(theirs)


def test_smooth_l1_and_huber_known_answers() -> None:
    d = tg.tensor([0.5, -3.0])
    assert F.smooth_l1_loss(d, tg.zeros(2), reduction="none").tolist() == [0.125, 2.5]
    assert F.huber_loss(d, tg.zeros(2), reduction="none", delta=2.0).tolist() == [0.125, 4.0]
    # Huber is smooth L1 scaled by δ (β = δ)
    x, y = tg.randn(10), tg.randn(10)
    np.testing.assert_allclose(
        F.huber_loss(x, y, delta=0.7).item(),
        0.7 * F.smooth_l1_loss(x, y, beta=0.7).item(),
        rtol=1e-6,
    )
    with pytest.raises(RuntimeError, match="beta"):
        F.smooth_l1_loss(x, y, beta=-1.0)
    with pytest.raises(RuntimeError, match="delta"):
        F.huber_loss(x, y, delta=0.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_modules_match_pytorch_with_weights(reduction: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    probs = rng.uniform(0.01, 0.99, (6, 3)).astype(np.float32)
    logits = (rng.standard_normal((6, 3)) * 4).astype(np.float32)
    y = rng.integers(0, 2, (6, 3)).astype(np.float32)
    weight = rng.uniform(0.5, 2.0, (6, 3)).astype(np.float32)
    pos = np.array([1.0, 3.0, 0.5], dtype=np.float32)
    _module_pair(
        torch, nn.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), probs, y
    )
    _module_pair(
        torch,
        nn.BCELoss(weight=weight, reduction=reduction),
        torch.nn.BCELoss(weight=torch.from_numpy(weight), reduction=reduction),
        probs,
        y,
    )
    _module_pair(
        torch,
        nn.BCEWithLogitsLoss(reduction=reduction),
        torch.nn.BCEWithLogitsLoss(reduction=reduction),
        logits,
        y,
    )
    _module_pair(
        torch,
        nn.BCEWithLogitsLoss(weight=weight, pos_weight=pos, reduction=reduction),
        torch.nn.BCEWithLogitsLoss(
            weight=torch.from_numpy(weight), pos_weight=torch.from_numpy(pos), reduction=reduction
        ),
        logits,
        y,
    )


def test_bce_at_zero_and_one_is_clamped_like_pytorch() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([0.0, 1.0, 0.0, 1.0, 1e-30, 0.5])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.3])
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = F.binary_cross_entropy(a, tg.tensor(y), reduction="none")
    ref = torch.nn.functional.binary_cross_entropy(b, torch.tensor(y), reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy())  # 0, 0, 100, 100, ...
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())  # (x − y) / max(x(1 − x), 1e-12)


def test_bce_with_logits_is_stable_for_huge_logits_and_exact_at_zero() -> None:
    z = tg.tensor([-1000.0, 1000.0, 0.0, 0.0], requires_grad=True)
    y = tg.tensor([1.0, 0.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [1000, 1000, np.log(2), np.log(2)], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [-1, 1, -0.5, 0.5])  # σ(z) − y, also at z = 0


def test_bce_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"\(2, 1\)"):
        F.binary_cross_entropy(tg.tensor([[0.5], [0.5]]), tg.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="same as the input"):
        nn.BCEWithLogitsLoss()(tg.zeros(3), tg.zeros(2))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nn.BCELoss()(tg.tensor([1.5]), tg.tensor([1.0]))
    with pytest.raises(ValueError, match="reduction"):
        nn.L1Loss(reduction="avg")


def test_bce_is_differentiable_in_the_target_too() -> None:
    # ∂ℓ/∂y = log(1 − x) − log x (PyTorch's); checked against finite differences, twice
    x, y = np.array([0.2, 0.7, 0.5]), np.array([0.1, 0.9, 0.4])
    assert_gradients_match(
        lambda p, t: F.binary_cross_entropy(p, t, reduction="sum"), x, y, second_order=True
    )


def test_new_loss_modules_keep_weights_as_buffers() -> None:
    loss = nn.BCEWithLogitsLoss(weight=[1.0, 2.0], pos_weight=[3.0, 4.0])
    assert sorted(loss.state_dict()) == ["pos_weight", "weight"]
    assert list(loss.parameters()) == []
