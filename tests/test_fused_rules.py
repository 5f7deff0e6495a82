"""The rules fused for speed (LINEAR, CROSS_ENTROPY) against the operations they replace."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import rules
from tinygrad4h03.tensor import apply


def linear_fused(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor | None = None) -> tg.Tensor:
    return apply(rules.LINEAR, *((x, w) if b is None else (x, w, b)))


def linear_composed(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor | None = None) -> tg.Tensor:
    return x @ w.T if b is None else x @ w.T + b


def cross_entropy_fused(z: tg.Tensor, target: np.ndarray, reduction: str) -> tg.Tensor:
    return apply(rules.CROSS_ENTROPY, z, target=target, reduction=reduction)


def cross_entropy_composed(z: tg.Tensor, target: np.ndarray, reduction: str) -> tg.Tensor:
    losses = -z.log_softmax(dim=-1)[np.arange(len(target)), target]
    return {"mean": losses.mean, "sum": losses.sum}.get(reduction, lambda: losses)()


def grads_of(fn, *inputs: tg.Tensor) -> list[np.ndarray]:
    out = fn(*inputs)
    weight = tg.Tensor(np.random.default_rng(1).standard_normal(out.shape))
    return [g.numpy() for g in tg.grad((out * weight).sum(), list(inputs))]


@given(
    lead=st.sampled_from([(), (1,), (3,), (2, 3)]),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    bias=st.sampled_from(["none", "vector", "row"]),
)
def test_linear_matches_matmul_plus_bias(lead: tuple, n_in: int, n_out: int, bias: str) -> None:
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.standard_normal((*lead, n_in)), requires_grad=True)
    w = tg.Tensor(rng.standard_normal((n_out, n_in)), requires_grad=True)
    shapes = {"none": None, "vector": (n_out,), "row": (1, n_out)}
    inputs = (
        [x, w]
        if bias == "none"
        else [x, w, tg.Tensor(rng.standard_normal(shapes[bias]), requires_grad=True)]
    )
    np.testing.assert_allclose(linear_fused(*inputs).numpy(), linear_composed(*inputs).numpy())
    for fused, composed in zip(grads_of(linear_fused, *inputs), grads_of(linear_composed, *inputs)):
        np.testing.assert_allclose(fused, composed, rtol=1e-12, atol=1e-12)
    assert tg.gradgradcheck(linear_fused, inputs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(n=st.integers(1, 5), classes=st.integers(1, 4), seed=st.integers(0, 100))
def test_cross_entropy_matches_log_softmax_gather_mean(
    reduction: str, n: int, classes: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    z = tg.Tensor(rng.standard_normal((n, classes)) * 3, requires_grad=True)
    target = rng.integers(0, classes, n)
    np.testing.assert_allclose(
        cross_entropy_fused(z, target, reduction).numpy(),
        cross_entropy_composed(z, target, reduction).numpy(),
        rtol=1e-12,
    )
    fused = grads_of(lambda t: cross_entropy_fused(t, target, reduction), z)
    composed = grads_of(lambda t: cross_entropy_composed(t, target, reduction), z)
    np.testing.assert_allclose(fused[0], composed[0], rtol=1e-10, atol=1e-12)
    assert tg.gradgradcheck(lambda t: cross_entropy_fused(t, target, reduction), [z])


def test_the_saved_softmax_survives_a_second_backward() -> None:
    z = tg.Tensor(np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), requires_grad=True)
    loss = cross_entropy_fused(z, np.array([2, 1]), "mean")
    loss.backward()
    first = z.grad.numpy().copy()
    loss.backward()
    np.testing.assert_array_equal(z.grad.numpy(), 2 * first)


def test_cross_entropy_stays_finite_at_large_logits() -> None:
    z = tg.Tensor(np.array([[1000.0, -1000.0, 0.0]]), requires_grad=True)
    loss = cross_entropy_fused(z, np.array([1]), "sum")
    loss.backward()
    assert loss.item() == pytest.approx(2000.0)
    np.testing.assert_allclose(z.grad.numpy(), [[1.0, -1.0, 0.0]], atol=1e-12)
