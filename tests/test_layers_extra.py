"""Channel dropout and adaptive average pooling, against PyTorch and finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.nn import functional as F
from tinygrad4h03.testing import assert_gradients_match


@settings(max_examples=20)
@given(
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    out=st.tuples(st.integers(1, 5), st.integers(1, 5) | st.none()),
    seed=st.integers(0, 1000),
)
def test_adaptive_avg_pool2d_matches_pytorch(
    height: int, width: int, out: tuple[int, Any], seed: int
) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(seed).standard_normal((2, 3, height, width))
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = nn.AdaptiveAvgPool2d(out)(a)
    theirs = torch.nn.AdaptiveAvgPool2d(out)(b)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(seed + 1).standard_normal(theirs.shape)
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_adaptive_avg_pool2d_is_twice_differentiable_and_takes_one_image() -> None:
    x = np.random.default_rng(0).standard_normal((2, 5, 7))
    assert_gradients_match(lambda t: F.adaptive_avg_pool2d(t * t, (3, 2)), x, second_order=True)
    assert F.adaptive_avg_pool2d(tg.tensor(x), 1).shape == (2, 1, 1)
    np.testing.assert_allclose(
        F.adaptive_avg_pool2d(tg.tensor(x), 1).numpy()[:, 0, 0], x.mean(axis=(1, 2))
    )
    assert repr(nn.AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"
    with pytest.raises(RuntimeError, match="positive"):
        F.adaptive_avg_pool2d(tg.tensor(x), 0)


def test_dropout2d_zeros_whole_channels() -> None:
    tg.manual_seed(0)
    x = tg.ones(4, 50, 3, 3, requires_grad=True)
    y = F.dropout2d(x, p=0.4)
    per_channel = y.numpy().reshape(4, 50, 9)
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all()  # a channel is one value
    np.testing.assert_allclose(np.unique(per_channel), [0.0, 1 / 0.6], rtol=1e-6)
    assert 0.25 < (per_channel[..., 0] == 0).mean() < 0.55
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.numpy())  # the gradient is the same mask


def test_dropout2d_module_train_eval_and_errors() -> None:
    torch = pytest.importorskip("torch")
    drop = nn.Dropout2d(0.3)
    assert repr(drop) == repr(torch.nn.Dropout2d(0.3))
    x = tg.randn(2, 3, 4, 4)
    assert drop.eval()(x) is x
    tg.manual_seed(3)
    first = drop.train()(x).numpy().copy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(drop(x).numpy(), first)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(2.0)
    with pytest.raises(RuntimeError, match="3-D or 4-D"):
        F.dropout2d(tg.ones(3, 3))


def test_layers_take_the_default_dtype_and_refuse_other_devices() -> None:
    tg.set_default_dtype(tg.float64)
    try:
        made = [
            nn.Linear(2, 3),
            nn.Conv2d(1, 2, 3),
            nn.Embedding(4, 2),
            nn.BatchNorm2d(2),
            nn.LayerNorm(3),
        ]
        assert all(p.dtype == np.float64 for m in made for p in m.parameters())
    finally:
        tg.set_default_dtype(tg.float32)
    assert nn.Conv2d(1, 2, 3, device="cpu").weight.dtype == np.float32
    for make in (
        lambda: nn.Linear(2, 3, device="cuda"),
        lambda: nn.Conv2d(1, 2, 3, device="cuda"),
        lambda: nn.BatchNorm1d(2, device="mps"),
    ):
        with pytest.raises(RuntimeError, match="not available"):
            make()


def test_erf_without_scipy_falls_back_to_math_erf(monkeypatch: pytest.MonkeyPatch) -> None:
    import math

    from tinygrad4h03 import rules

    x = np.linspace(-4, 4, 41)
    fast = rules._erf_forward(x)
    monkeypatch.setattr(rules, "_ERF", [np.frompyfunc(math.erf, 1, 1)])  # as without SciPy
    slow = rules._erf_forward(x)
    np.testing.assert_allclose(fast, slow, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(slow, [math.erf(v) for v in x], rtol=0, atol=0)
    assert rules._erf_forward(np.array(0.5, np.float32)).dtype == np.float32


def test_max_pool_padding_is_bounded_by_the_kernel_not_its_dilated_extent() -> None:
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 1, 5, 5))
    with pytest.raises(RuntimeError, match="half of kernel size"):
        torch.nn.functional.max_pool2d(torch.tensor(x), 3, padding=2, dilation=2)
    with pytest.raises(RuntimeError, match="half of kernel size"):
        F.max_pool2d(tg.tensor(x), 3, padding=2, dilation=2)
    assert F.max_pool2d(tg.tensor(x), 3, 1, padding=1, dilation=2).shape == (1, 1, 3, 3)
