"""Grouped convolutions, ceil_mode pooling and transposed convolutions against PyTorch
(values and the gradients of every input), float64 finite differences of first and second
order, and PyTorch's errors for bad settings; hypothesis draws the shapes and values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.nn import functional as F
from tinygrad4h03.testing import arrays


def _against_torch(fn: Callable[..., Any], *inputs: np.ndarray) -> None:
    """``fn(xp, *tensors)`` in both libraries: the same values and input gradients."""
    torch = pytest.importorskip("torch")
    ours = [tg.tensor(a, requires_grad=True) for a in inputs]
    theirs = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, ref = fn(tg, *ours), fn(torch, *theirs)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    seed = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(tg.tensor(seed))
    ref.backward(torch.tensor(seed))
    for mine, other in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), other.grad.numpy(), rtol=1e-10, atol=1e-10)


def _both_orders(fn: Callable[..., Any], *inputs: np.ndarray) -> None:
    tensors = tuple(tg.tensor(a, requires_grad=True) for a in inputs)
    assert tg.gradcheck(lambda *t: fn(tg, *t), tensors)
    assert tg.gradgradcheck(lambda *t: fn(tg, *t), tensors)


# --------------------------------------------------------------------------- groups


@st.composite
def _grouped(draw: st.DrawFn) -> tuple[Any, ...]:
    groups = draw(st.integers(1, 3))
    per_in, per_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.sampled_from([1, 2, (2, 1)]))
    padding = draw(st.sampled_from([0, 1, (0, 1)]))
    dilation = draw(st.sampled_from([1, (2, 1)]))
    dil = (dilation, dilation) if isinstance(dilation, int) else dilation
    h = draw(st.integers(dil[0] * (kernel[0] - 1) + 1, 6))
    w = draw(st.integers(dil[1] * (kernel[1] - 1) + 1, 6))
    x = draw(arrays((draw(st.integers(1, 2)), groups * per_in, h, w)))
    weight = draw(arrays((groups * per_out, per_in, *kernel)))
    bias = draw(arrays((groups * per_out,)))
    return x, weight, bias, stride, padding, dilation, groups


@settings(max_examples=25)
@given(_grouped())
def test_grouped_conv2d_matches_pytorch(case: tuple[Any, ...]) -> None:
    x, weight, bias, stride, padding, dilation, groups = case
    _against_torch(
        lambda xp, *t: xp.nn.functional.conv2d(*t, stride, padding, dilation, groups),
        x,
        weight,
        bias,
    )


@settings(max_examples=10)
@given(_grouped())
def test_grouped_conv1d_matches_pytorch(case: tuple[Any, ...]) -> None:
    x, weight, bias, stride, padding, dilation, groups = case
    step = stride if isinstance(stride, int) else stride[1]
    pad = padding if isinstance(padding, int) else padding[1]
    dil = dilation if isinstance(dilation, int) else dilation[1]
    _against_torch(
        lambda xp, *t: xp.nn.functional.conv1d(*t, step, pad, dil, groups),
        x[:, :, 0],
        weight[:, :, 0],
        bias,
    )


def test_depthwise_conv2d_both_orders() -> None:
    rng = np.random.default_rng(1)
    x, weight = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((6, 1, 2, 3))
    _both_orders(lambda xp, a, w: xp.nn.functional.conv2d(a, w, padding=1, groups=3), x, weight)


def test_grouped_layers_match_pytorch_shapes_and_repr() -> None:
    torch = pytest.importorskip("torch")
    for ours, theirs in (
        (nn.Conv2d(4, 6, 3, groups=2), torch.nn.Conv2d(4, 6, 3, groups=2)),
        (nn.Conv1d(3, 3, 2, groups=3), torch.nn.Conv1d(3, 3, 2, groups=3)),
    ):
        assert repr(ours) == repr(theirs)
        assert ours.weight.shape == tuple(theirs.weight.shape)
        fan_in = math_prod(theirs.weight.shape[1:])
        assert float(ours.weight.abs().max()) <= 1 / np.sqrt(fan_in)
        theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
        x = np.random.default_rng(2).standard_normal(
            (2, ours.in_channels, *([5] * ours.weight.ndim)[2:])
        )
        np.testing.assert_allclose(
            ours(tg.tensor(x)).numpy(),
            theirs(torch.tensor(x, dtype=torch.float32)).detach().numpy(),
            rtol=1e-5,
            atol=1e-6,
        )


def math_prod(shape: Any) -> int:
    return int(np.prod(tuple(shape)))


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels=3 must be divisible"),
        (lambda: nn.Conv2d(4, 3, 3, groups=2), ValueError, "out_channels=3 must be divisible"),
        (lambda: nn.Conv1d(4, 4, 3, groups=0), ValueError, "groups must be a positive"),
        (
            lambda: F.conv2d(tg.zeros(1, 5, 6, 6), tg.zeros(4, 3, 3, 3), groups=2),
            RuntimeError,
            r"conv2d: .*groups=2 expects an input with 6 channels",
        ),
        (
            lambda: F.conv2d(tg.zeros(1, 6, 6, 6), tg.zeros(3, 3, 3, 3), groups=2),
            RuntimeError,
            "divisible by groups=2",
        ),
        (
            lambda: F.conv2d(tg.zeros(1, 6, 6, 6), tg.zeros(3, 3, 3, 3), groups=0),
            RuntimeError,
            "non-positive groups",
        ),
        (
            lambda: F.conv1d(tg.zeros(1, 5, 6), tg.zeros(4, 3, 3), groups=2),
            RuntimeError,
            "conv1d: .*6 channels",
        ),
    ],
)
def test_bad_groups_raise_as_pytorch(make: Callable[[], Any], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        make()
