"""functional_transpose.py: transposed convolutions, ``conv_transpose1d`` and ``conv_transpose2d``.

A transposed convolution is the vector-Jacobian product of ``conv2d`` with respect to its
input: each input pixel scatters a copy of the filters, scaled by its value, into the output
with the given stride and dilation. It is composed of existing differentiable operations (a
batched matrix product, WINDOW_SUM — the rule that adds every window back where it came from,
the transpose of conv2d's WINDOWS — then padding and a slice), so its gradients of every order
come from their rules. ``tg.nn.functional`` re-exports both functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import rules
from ..tensor import Tensor, apply
from . import functional as F
from .functional_more import _signal_input, _single

__all__: list[str] = ["conv_transpose1d", "conv_transpose2d"]


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """2-D transposed convolution ("deconvolution"): the gradient of ``conv2d`` by its input.

    out[n, o, i·s + p·d − pad, j·s + q·d − pad] += x[n, c, i, j] · W[c, o, p, q], summed over
    c, i, j, p, q (the channels c of o's group), plus b_o. ``output_padding`` adds rows and
    columns at the bottom and right (it picks among the input sizes that a strided ``conv2d``
    maps to the same output size).

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        weight: ``(C, O / groups, KH, KW)`` (input channels first, as PyTorch's).
        bias: ``(O,)`` or ``None``.
        stride, padding, output_padding, dilation: ints or pairs; ``output_padding`` must be
            smaller than the stride or the dilation.
        groups: split the channels into this many independent groups.

    Raises:
        RuntimeError: a weight that does not match the input's channels, bad ``groups``,
            negative padding, too large an ``output_padding``, or an empty output.

    Shapes:
        ``(N, C, H, W)`` → ``(N, O, OH, OW)``, OH = (H − 1) s − 2 pad + d (KH − 1) + op + 1.

    Examples:
        >>> F.conv_transpose2d(tg.ones(1, 1, 2, 2), tg.ones(1, 1, 2, 2), stride=2)
        tensor([[[[1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.]]]])
    """
    x, unbatched = F._image_input(input, "conv_transpose2d")
    _check_weight(x, weight, groups)
    stride, padding, extra, dilation = _settings(stride, padding, output_padding, dilation)
    n, channels, height, width = x.shape
    per_group, kernel = weight.shape[1], (int(weight.shape[2]), int(weight.shape[3]))
    out_channels = per_group * groups
    full = [
        (size - 1) * s + d * (k - 1) + 1
        for size, s, d, k in zip(x.shape[2:], stride, dilation, kernel)
    ]
    out_size = (full[0] - 2 * padding[0] + extra[0], full[1] - 2 * padding[1] + extra[1])
    if min(out_size) <= 0:
        raise RuntimeError(
            f"conv_transpose2d: input size per channel ({height} x {width}) gives the output "
            f"size ({out_size[0]} x {out_size[1]}): output size is too small"
        )
    # every input pixel times every filter tap: (G, O/G · KH · KW, N · H · W)
    filters = weight.reshape(groups, channels // groups, -1).transpose(1, 2)
    pixels = x.reshape(n, groups, channels // groups, height * width).permute(1, 2, 0, 3)
    taps = filters @ pixels.reshape(groups, channels // groups, n * height * width)
    taps = taps.reshape(out_channels, *kernel, n, height, width).permute(3, 0, 4, 5, 1, 2)
    how = {"kernel": kernel, "stride": stride, "dilation": dilation}
    out = apply(rules.WINDOW_SUM, taps, shape=(n, out_channels, *full), **how)
    out = F._constant_pad(out, ((0, extra[0]), (0, extra[1])), 0.0)
    out = out[:, :, padding[0] : padding[0] + out_size[0], padding[1] : padding[1] + out_size[1]]
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1)
    return out.squeeze(0) if unbatched else out


def _check_weight(x: Tensor, weight: Tensor, groups: int) -> None:
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise RuntimeError(
            f"conv_transpose2d: non-positive groups is not supported, got {groups!r}"
        )
    if weight.ndim != 4 or weight.shape[0] != x.shape[1]:
        raise RuntimeError(
            f"conv_transpose2d: weight of shape {weight.shape} (in_channels, out_channels / "
            f"groups, kH, kW) expects an input with {weight.shape[0]} channels, got an input "
            f"of shape {x.shape}"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"conv_transpose2d: weight of shape {weight.shape}: in_channels (dim 0) must be "
            f"divisible by groups={groups}"
        )


def _settings(
    stride: Any, padding: Any, output_padding: Any, dilation: Any
) -> tuple[tuple[int, int], ...]:
    op = "conv_transpose2d"
    stride, padding = F._pair(stride, "stride", op), F._pair(padding, "padding", op)
    extra, dilation = (
        F._pair(output_padding, "output_padding", op),
        F._pair(dilation, "dilation", op),
    )
    if min(stride) <= 0 or min(dilation) <= 0:
        raise RuntimeError(f"{op}: stride and dilation must be positive, got {stride}, {dilation}")
    if min(padding) < 0 or min(extra) < 0:
        raise RuntimeError(f"{op}: negative padding is not supported, got {padding}, {extra}")
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise RuntimeError(
            f"{op}: output padding must be smaller than either stride or dilation, got "
            f"output_padding={extra}, stride={stride}, dilation={dilation}"
        )
    return stride, padding, extra, dilation


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """1-D transposed convolution: ``conv_transpose2d`` on inputs of height 1.

    Shapes:
        ``(N, C, L)`` (or ``(C, L)``) with weight ``(C, O / groups, K)`` → ``(N, O, OL)``,
        OL = (L − 1) s − 2 pad + d (K − 1) + op + 1.

    Examples:
        >>> F.conv_transpose1d(tg.tensor([[[1.0, 2.0]]]), tg.tensor([[[1.0, 10.0]]]), stride=2)
        tensor([[[ 1., 10.,  2., 20.]]])
    """
    x, unbatched = _signal_input(input, "conv_transpose1d")
    if weight.ndim != 3:
        raise RuntimeError(
            f"conv_transpose1d: weight of shape {weight.shape} is not 3-D (in_channels, "
            f"out_channels / groups, kW); the input has shape {x.shape}"
        )
    op = "conv_transpose1d"
    out = conv_transpose2d(
        x.unsqueeze(2),
        weight.unsqueeze(2),
        bias,
        (1, _single(stride, "stride", op)),
        (0, _single(padding, "padding", op)),
        (0, _single(output_padding, "output_padding", op)),
        groups,
        (1, _single(dilation, "dilation", op)),
    ).squeeze(2)
    return out.squeeze(0) if unbatched else out
