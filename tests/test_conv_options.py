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
from tinygrad4h03.testing import arrays, distinct_arrays


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


# --------------------------------------------------------------------------- ceil_mode


@st.composite
def _pooling(draw: st.DrawFn, dilated: bool) -> tuple[Any, ...]:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pads = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilated else (1, 1)
    # at least the kernel's extent: no window lies wholly in the padding
    h, w = (draw(st.integers(d * (k - 1) + 1, 7)) for d, k in zip(dilation, kernel))
    x = draw(distinct_arrays((draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)))
    return x, kernel, stride, pads, dilation


@settings(max_examples=30)
@given(_pooling(dilated=True), st.booleans())
def test_max_pool_ceil_mode_matches_pytorch(case: tuple[Any, ...], ceil_mode: bool) -> None:
    x, kernel, stride, pads, dilation = case
    _against_torch(
        lambda xp, t: xp.nn.functional.max_pool2d(t, kernel, stride, pads, dilation, ceil_mode),
        x,
    )
    _against_torch(
        lambda xp, t: xp.nn.functional.max_pool1d(
            t, kernel[1], stride[1], pads[1], dilation[1], ceil_mode
        ),
        x[:, :, 0],
    )
    torch = pytest.importorskip("torch")
    _, ours = F.max_pool2d(tg.tensor(x), kernel, stride, pads, dilation, True, True)
    _, theirs = torch.nn.functional.max_pool2d(
        torch.tensor(x), kernel, stride, pads, dilation, True, True
    )
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@settings(max_examples=30)
@given(_pooling(dilated=False), st.booleans(), st.sampled_from([None, 3]))
def test_avg_pool_ceil_mode_matches_pytorch(
    case: tuple[Any, ...], count_include_pad: bool, divisor: int | None
) -> None:
    x, kernel, stride, pads, _ = case
    _against_torch(
        lambda xp, t: xp.nn.functional.avg_pool2d(
            t, kernel, stride, pads, True, count_include_pad, divisor
        ),
        x,
    )
    _against_torch(
        lambda xp, t: xp.nn.functional.avg_pool1d(
            t, kernel[1], stride[1], pads[1], True, count_include_pad
        ),
        x[:, :, 0],
    )


def test_ceil_mode_partial_windows_by_hand() -> None:
    # 5 columns, kernel 2, stride 2: ceil_mode adds a last window holding only column 4
    x = tg.arange(5.0).reshape(1, 1, 5)
    assert F.max_pool1d(x, 2, ceil_mode=True).tolist() == [[[1.0, 3.0, 4.0]]]
    assert F.avg_pool1d(x, 2, ceil_mode=True).tolist() == [[[0.5, 2.5, 4.0]]]
    # padding 1, windows [pad 1 2], [2 3 4], [4 pad extra]: the padding counts in the divisor
    # (or not, count_include_pad=False), the extra entry ceil_mode adds never does
    y = tg.arange(1.0, 5.0).reshape(1, 1, 4)
    assert F.avg_pool1d(y, 3, 2, 1, ceil_mode=True).tolist() == [[[1.0, 3.0, 2.0]]]
    assert F.avg_pool1d(y, 3, 2, 1, True, False).tolist() == [[[1.5, 3.0, 4.0]]]
    # a window that would start in the right padding is dropped
    assert F.max_pool1d(tg.arange(4.0).reshape(1, 1, 4), 2, 2, 1, ceil_mode=True).shape == (1, 1, 3)


def test_ceil_mode_pooling_both_orders() -> None:
    x = np.random.default_rng(4).permutation(35).reshape(1, 1, 5, 7) / 4.0
    _both_orders(lambda xp, t: xp.nn.functional.max_pool2d(t, 2, 2, 1, 1, True), x)
    _both_orders(lambda xp, t: xp.nn.functional.avg_pool2d(t, 3, 2, 1, True, False), x)


def test_ceil_mode_layers_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((2, 3, 7, 6))
    for ours, theirs in (
        (nn.MaxPool2d(2, ceil_mode=True), torch.nn.MaxPool2d(2, ceil_mode=True)),
        (nn.AvgPool2d(3, 2, 1, ceil_mode=True), torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True)),
        (nn.MaxPool1d(2, ceil_mode=True), torch.nn.MaxPool1d(2, ceil_mode=True)),
        (nn.AvgPool1d(2, ceil_mode=True), torch.nn.AvgPool1d(2, ceil_mode=True)),
    ):
        data = x if isinstance(ours, (nn.MaxPool2d, nn.AvgPool2d)) else x[:, :, 0]
        out, ref = ours(tg.tensor(data)), theirs(torch.tensor(data))
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)


# --------------------------------------------------------------------------- transposed convolution


@st.composite
def _transposed(draw: st.DrawFn) -> tuple[Any, ...]:
    groups = draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 1)))
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    full = [(n - 1) * s + d * (k - 1) + 1 for n, s, d, k in zip((h, w), stride, dilation, kernel)]
    padding = tuple(min(p, (f + e - 1) // 2) for p, f, e in zip(padding, full, extra))
    x = draw(arrays((draw(st.integers(1, 2)), groups * draw(st.integers(1, 2)), h, w)))
    weight = draw(arrays((x.shape[1], draw(st.integers(1, 2)), *kernel)))
    bias = draw(arrays((weight.shape[1] * groups,)))
    return x, weight, bias, stride, padding, extra, groups, dilation


@settings(max_examples=40)
@given(_transposed())
def test_conv_transpose2d_matches_pytorch(case: tuple[Any, ...]) -> None:
    x, weight, bias, *how = case
    _against_torch(lambda xp, *t: xp.nn.functional.conv_transpose2d(*t, *how), x, weight, bias)


@settings(max_examples=15)
@given(_transposed())
def test_conv_transpose1d_matches_pytorch(case: tuple[Any, ...]) -> None:
    x, weight, bias, stride, padding, extra, groups, dilation = case
    how = (stride[0], padding[0], extra[0], groups, dilation[0])
    _against_torch(
        lambda xp, *t: xp.nn.functional.conv_transpose1d(*t, *how),
        x[:, :, :, 0],
        weight[:, :, :, 0],
        bias,
    )


def test_conv_transpose2d_is_conv2d_input_gradient() -> None:
    # ⟨conv2d(x, W), y⟩ = ⟨x, conv_transpose2d(y, W)⟩: the transpose of the same linear map
    rng = np.random.default_rng(6)
    x, weight = (
        tg.tensor(rng.standard_normal((2, 3, 7, 8))),
        tg.tensor(rng.standard_normal((4, 3, 3, 2))),
    )
    out = F.conv2d(x, weight, stride=2, padding=1, dilation=(1, 2))
    y = tg.tensor(rng.standard_normal(out.shape))
    back = F.conv_transpose2d(
        y, weight, stride=2, padding=1, output_padding=(0, 1), dilation=(1, 2)
    )
    assert back.shape == x.shape
    np.testing.assert_allclose(float((out * y).sum()), float((x * back).sum()), rtol=1e-12)


def test_conv_transpose_both_orders() -> None:
    rng = np.random.default_rng(7)
    x, weight, bias = (
        rng.standard_normal((1, 4, 3, 2)),
        rng.standard_normal((4, 1, 2, 3)),
        rng.standard_normal(2),
    )
    _both_orders(
        lambda xp, *t: xp.nn.functional.conv_transpose2d(*t, (2, 1), 1, (1, 0), 2, (1, 2)),
        x,
        weight,
        bias,
    )
    _both_orders(
        lambda xp, *t: xp.nn.functional.conv_transpose1d(*t, None, 2, 1, 1),
        x[:, :, :, 0],
        weight[:, :, 0],
    )


def test_conv_transpose_layers_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    cases = (
        (
            nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, groups=2, bias=False, dilation=2),
            torch.nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, groups=2, bias=False, dilation=2),
            (2, 4, 5, 3),
        ),
        (nn.ConvTranspose2d(3, 2, (2, 3)), torch.nn.ConvTranspose2d(3, 2, (2, 3)), (3, 4, 4)),
        (nn.ConvTranspose1d(2, 3, 4, 2, 1), torch.nn.ConvTranspose1d(2, 3, 4, 2, 1), (2, 2, 6)),
    )
    for ours, theirs, shape in cases:
        assert repr(ours) == repr(theirs)
        assert ours.weight.shape == tuple(theirs.weight.shape)
        fan_in = math_prod(theirs.weight.shape[1:])
        assert 0 < float(ours.weight.abs().max()) <= 1 / np.sqrt(fan_in)
        theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
        x = np.random.default_rng(8).standard_normal(shape).astype(np.float32)
        np.testing.assert_allclose(
            ours(tg.tensor(x)).numpy(),
            theirs(torch.tensor(x)).detach().numpy(),
            rtol=1e-5,
            atol=1e-6,
        )


def test_conv_transpose_output_size_picks_output_padding() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = (
        nn.ConvTranspose2d(2, 2, 3, stride=3, padding=1),
        torch.nn.ConvTranspose2d(2, 2, 3, stride=3, padding=1),
    )
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(9).standard_normal((1, 2, 4, 4)).astype(np.float32)
    for size in ((10, 12), (1, 2, 11, 10)):
        out = ours(tg.tensor(x), output_size=size)
        ref = theirs(torch.tensor(x), output_size=size)
        assert out.shape == tuple(ref.shape) == (1, 2, *size[-2:])
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="valid sizes"):
        ours(tg.tensor(x), output_size=(13, 10))
    with pytest.raises(ValueError, match="valid sizes"):
        theirs(torch.tensor(x), output_size=(13, 10))


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (
            lambda: F.conv_transpose2d(tg.zeros(1, 5, 5, 5), tg.zeros(4, 2, 3, 3)),
            RuntimeError,
            "conv_transpose2d: .*expects an input with 4 channels",
        ),
        (
            lambda: F.conv_transpose2d(
                tg.zeros(1, 4, 5, 5), tg.zeros(4, 2, 3, 3), stride=2, output_padding=2
            ),
            RuntimeError,
            "output padding must be smaller than either stride or dilation",
        ),
        (
            lambda: F.conv_transpose2d(tg.zeros(1, 4, 2, 2), tg.zeros(4, 2, 3, 3), padding=3),
            RuntimeError,
            "too small",
        ),
        (
            lambda: F.conv_transpose2d(tg.zeros(1, 3, 2, 2), tg.zeros(3, 2, 3, 3), groups=2),
            RuntimeError,
            "divisible by groups=2",
        ),
        (
            lambda: F.conv_transpose2d(tg.zeros(1, 4, 2, 2), tg.zeros(4, 2, 3, 3), padding=-1),
            RuntimeError,
            "negative padding",
        ),
        (lambda: F.conv_transpose1d(tg.zeros(1, 4, 2), tg.zeros(4, 2, 3, 3)), RuntimeError, "3-D"),
        (lambda: nn.ConvTranspose2d(3, 4, 3, groups=2), ValueError, "divisible by groups"),
        (lambda: nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"), ValueError, "zeros"),
        (lambda: nn.ConvTranspose1d(4, 4, 3, groups=0), ValueError, "positive"),
    ],
)
def test_bad_transposed_settings_raise_as_pytorch(
    make: Callable[[], Any], error: type, words: str
) -> None:
    with pytest.raises(error, match=words):
        make()
