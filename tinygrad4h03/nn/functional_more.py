"""functional_more.py: more of ``torch.nn.functional`` — activations, 1-D convolution and
pooling, group normalisation, interpolation and multi-head attention.

Everything here is composed from differentiable tensor operations (``where``, ``exp``,
matrix products, advanced indexing, ``conv2d`` on a unit height), so every function is
twice differentiable through the rules it is built from. ``tg.nn.functional`` re-exports
all of them, so ``F.silu`` works as ``torch.nn.functional.silu``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor, where
from . import functional as F

__all__ = [
    "adaptive_max_pool2d",
    "avg_pool1d",
    "conv1d",
    "group_norm",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "interpolate",
    "logsigmoid",
    "max_pool1d",
    "mish",
    "multi_head_attention_forward",
    "prelu",
    "relu6",
    "selu",
    "silu",
    "softmin",
    "softsign",
    "tanhshrink",
]

# SELU's constants (Klambauer et al., 2017), as PyTorch rounds them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# --------------------------------------------------------------------------- activations


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Sigmoid linear unit (swish): ``x σ(x)``, elementwise.

    Examples:
        >>> F.silu(tg.tensor([0.0, 1.0]))
        tensor([0.    , 0.7311])
    """
    x = F._tensor(input, "silu")
    return x * x.sigmoid()


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]``; the derivative is 1 strictly inside, else 0.

    Raises:
        ValueError: ``min_val > max_val``.

    Examples:
        >>> F.hardtanh(tg.tensor([-2.0, 0.5, 3.0]))
        tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(
            f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})"
        )
    x = F._tensor(input, "hardtanh")
    return where(x <= min_val, min_val, where(x >= max_val, max_val, x))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(0, x), 6)``, elementwise (``hardtanh(x, 0, 6)``).

    Examples:
        >>> F.relu6(tg.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(F._tensor(input, "relu6"), 0.0, 6.0)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU: ``scale · elu(x, alpha)`` with Klambauer et al.'s α ≈ 1.6733, scale ≈ 1.0507.

    Examples:
        >>> F.selu(tg.tensor([1.0]))
        tensor([1.0507])
    """
    return F.elu(F._tensor(input, "selu"), _SELU_ALPHA) * _SELU_SCALE


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Mish: ``x tanh(softplus(x))``, elementwise.

    Examples:
        >>> F.mish(tg.tensor([1.0]))
        tensor([0.8651])
    """
    x = F._tensor(input, "mish")
    return x * F._log1p_exp(x).tanh()


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``, elementwise.

    Examples:
        >>> F.softsign(tg.tensor([-3.0, 1.0]))
        tensor([-0.75,  0.5 ])
    """
    x = F._tensor(input, "softsign")
    return x / (x.abs() + 1)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x · relu6(x + 3) / 6``: 0 below −3, ``x`` above 3, ``x (x + 3) / 6`` between.

    The derivative at −3 is 0 and at 3 is 1 (the outer pieces'), as PyTorch's.

    Examples:
        >>> F.hardswish(tg.tensor([-4.0, 0.0, 1.0, 4.0]))
        tensor([0.    , 0.    , 0.6667, 4.    ])
    """
    x = F._tensor(input, "hardswish")
    middle = x * (x + 3) * (1 / 6)
    return where(x <= -3, 0.0, where(x < 3, middle, x))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``: 0 below −3, 1 above 3; the derivative is 1/6 strictly between.

    Examples:
        >>> F.hardsigmoid(tg.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.  , 0.5 , 0.75, 1.  ])
    """
    x = F._tensor(input, "hardsigmoid")
    inside = (x > -3) & (x < 3)
    return where(inside, x * (1 / 6) + 0.5, where(x >= 3, 1.0, 0.0))


def tanhshrink(input: Tensor) -> Tensor:
    """``x − tanh(x)``, elementwise.

    Examples:
        >>> F.tanhshrink(tg.tensor([1.0]))
        tensor([0.2384])
    """
    x = F._tensor(input, "tanhshrink")
    return x - x.tanh()


def logsigmoid(input: Tensor) -> Tensor:
    """``log σ(x) = −log(1 + e^(−x))``, without overflow for any finite x.

    Examples:
        >>> F.logsigmoid(tg.tensor([0.0, -200.0]))
        tensor([  -0.6931, -200.    ])
    """
    return -F._log1p_exp(-F._tensor(input, "logsigmoid"))


def softmin(input: Tensor, dim: int | None = None) -> Tensor:
    """``softmax(−x, dim)``: weights that favour the smallest entries.

    ``dim=None`` picks PyTorch's legacy dimension: 0 for 0-, 1- and 3-D inputs, else 1.

    Examples:
        >>> F.softmin(tg.tensor([1.0, 2.0]), dim=0)
        tensor([0.7311, 0.2689])
    """
    x = F._tensor(input, "softmin")
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return F.softmax(-x, dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Parametric ReLU: ``x`` for x > 0, else ``a · x``, with ``a`` learnable per channel.

    ``weight`` holds one slope, or one per channel (dim 1 of the input).

    Raises:
        RuntimeError: a weight whose size is neither 1 nor the number of channels.

    Examples:
        >>> F.prelu(tg.tensor([[-2.0, 3.0]]), tg.tensor([0.25]))
        tensor([[-0.5,  3. ]])
    """
    x = F._tensor(input, "prelu")
    slopes = weight.numel()
    if slopes != 1:
        channels = x.shape[1] if x.ndim >= 2 else 1
        if weight.ndim != 1 or slopes != channels:
            raise RuntimeError(
                f"prelu: weight of shape {weight.shape} does not match the input's "
                f"{channels} channels (input of shape {x.shape})"
            )
        weight = weight.reshape(-1, *([1] * (x.ndim - 2)))
    elif weight.ndim > x.ndim:
        weight = weight.reshape(())
    return where(x > 0, x, x * weight)


# --------------------------------------------------------------------------- 1-D convolution


def _single(value: Any, name: str, op: str) -> int:
    """An int or a one-element sequence as an int (PyTorch's ``_single``)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    items = tuple(value)
    if len(items) != 1 or not isinstance(items[0], (int, np.integer)):
        raise ValueError(f"{op}: {name} must be an int or a one-element tuple, got {value!r}")
    return int(items[0])


def _signal_input(input: Any, op: str) -> tuple[Tensor, bool]:
    """The input as ``(N, C, L)`` and whether it came without the batch dim."""
    x = F._tensor(input, op)
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape {x.shape}"
        )
    return (x.unsqueeze(0), True) if x.ndim == 2 else (x, False)


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution (cross-correlation): ``conv2d`` on inputs of height 1.

    out[n, o, i] = b_o + Σ_{c, k} W[o, c, k] · x[n, c, i·s + k·d] on the zero-padded input;
    with ``groups`` = G, output channel o sees only the C/G input channels of its group.

    Shapes:
        ``(N, C, L)`` (or ``(C, L)``) with weight ``(O, C / G, K)`` → ``(N, O, OL)``,
        OL = ⌊(L + 2p − d (K − 1) − 1) / s⌋ + 1.

    Examples:
        >>> F.conv1d(tg.arange(5.0).reshape(1, 1, 5), tg.ones(1, 1, 2))
        tensor([[[1., 3., 5., 7.]]])
    """
    x, unbatched = _signal_input(input, "conv1d")
    if weight.ndim != 3:
        raise RuntimeError(
            f"conv1d: weight of shape {weight.shape} is not 3-D (out_channels, "
            f"in_channels / groups, kW); the input has shape {x.shape}"
        )
    F._check_conv_weight(x.unsqueeze(2), weight.unsqueeze(2), groups, "conv1d")
    pad = padding if isinstance(padding, str) else (0, _single(padding, "padding", "conv1d"))
    out = F.conv2d(
        x.unsqueeze(2),
        weight.unsqueeze(2),
        bias,
        (1, _single(stride, "stride", "conv1d")),
        pad,
        (1, _single(dilation, "dilation", "conv1d")),
        groups,
    ).squeeze(2)
    return out.squeeze(0) if unbatched else out


def max_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """1-D max pooling: ``max_pool2d`` on inputs of height 1 (the same tie and NaN rules).

    Shapes:
        ``(N, C, L)`` or ``(C, L)`` → ``(N, C, OL)``.

    Examples:
        >>> F.max_pool1d(tg.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[3., 2.]])
    """
    x = F._tensor(input, "max_pool1d")
    if x.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d: expected a 2-D or 3-D input, got shape {x.shape}")
    kernel = _single(kernel_size, "kernel_size", "max_pool1d")
    step = kernel if stride is None or stride == () else _single(stride, "stride", "max_pool1d")
    result = F.max_pool2d(
        x.unsqueeze(-2),
        (1, kernel),
        (1, step),
        (0, _single(padding, "padding", "max_pool1d")),
        (1, _single(dilation, "dilation", "max_pool1d")),
        ceil_mode,
        return_indices,
    )
    if isinstance(result, tuple):
        out, indices = result
        return out.squeeze(-2), indices.squeeze(-2)
    return result.squeeze(-2)


def avg_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """1-D average pooling: ``avg_pool2d`` on inputs of height 1.

    Shapes:
        ``(N, C, L)`` or ``(C, L)`` → ``(N, C, OL)``.

    Examples:
        >>> F.avg_pool1d(tg.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[2., 1.]])
    """
    x = F._tensor(input, "avg_pool1d")
    if x.ndim not in (2, 3):
        raise RuntimeError(f"avg_pool1d: expected a 2-D or 3-D input, got shape {x.shape}")
    kernel = _single(kernel_size, "kernel_size", "avg_pool1d")
    step = kernel if stride is None or stride == () else _single(stride, "stride", "avg_pool1d")
    out = F.avg_pool2d(
        x.unsqueeze(-2),
        (1, kernel),
        (1, step),
        (0, _single(padding, "padding", "avg_pool1d")),
        ceil_mode,
        count_include_pad,
    )
    return out.squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling to a fixed output size with PyTorch's adaptive windows.

    Output row i takes input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1 (the same for columns); the
    maxima are gathered by index, so the gradient flows to the first maximum of each window.

    Examples:
        >>> F.adaptive_max_pool2d(tg.arange(16.0).reshape(1, 4, 4), 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
    """
    x, unbatched = F._image_input(input, "adaptive_max_pool2d")
    pair = isinstance(output_size, (tuple, list))
    sizes = output_size if pair else (output_size, output_size)
    height, width = x.shape[-2:]
    out_h, out_w = (n if s is None else int(s) for s, n in zip(sizes, (height, width)))
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"adaptive_max_pool2d: output_size must be positive, got {output_size}")
    values = x.numpy().reshape(-1, height, width)
    flat = np.empty((values.shape[0], out_h, out_w), np.int64)
    for i in range(out_h):
        r0, r1 = i * height // out_h, -(-(i + 1) * height // out_h)
        for j in range(out_w):
            c0, c1 = j * width // out_w, -(-(j + 1) * width // out_w)
            window = values[:, r0:r1, c0:c1].reshape(values.shape[0], -1)
            at = _first_max(window)
            flat[:, i, j] = (r0 + at // (c1 - c0)) * width + c0 + at % (c1 - c0)
    planes = np.arange(values.shape[0]).reshape(-1, 1, 1) * height * width
    out = x.reshape(-1)[planes + flat].reshape(*x.shape[:-2], out_h, out_w)
    indices = Tensor(flat.reshape(*x.shape[:-2], out_h, out_w))
    if unbatched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def _first_max(window: np.ndarray) -> np.ndarray:
    """Each row's first maximum, a NaN winning (PyTorch's rule)."""
    nan = np.isnan(window)
    return np.where(nan.any(axis=1), nan.argmax(axis=1), window.argmax(axis=1))


# --------------------------------------------------------------------------- normalisation


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Group normalisation: the channels split into ``num_groups`` groups, each normalised
    per sample over its channels and positions, then an affine map per channel.

    y = (x − μ_g) / √(σ_g² + eps) · γ_c + β_c, with the biased variance.

    Raises:
        RuntimeError: a channel count not divisible by ``num_groups``.

    Shapes:
        ``(N, C, *)`` → the same.

    Examples:
        >>> F.group_norm(tg.tensor([[1.0, 3.0, 2.0, 2.0]]), 2)
        tensor([[-1.,  1.,  0.,  0.]])
    """
    x = F._tensor(input, "group_norm")
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(
            f"group_norm: expected an input (N, C, *) with C divisible by num_groups="
            f"{num_groups}, got shape {x.shape}"
        )
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and tuple(value.shape) != (x.shape[1],):
            raise RuntimeError(
                f"group_norm: expected {name} of shape ({x.shape[1]},) for an input of shape "
                f"{x.shape}, got {value.shape}"
            )
    grouped = x.reshape(x.shape[0], num_groups, -1)
    centred = grouped - grouped.mean(dim=-1, keepdim=True)
    variance = (centred * centred).mean(dim=-1, keepdim=True)
    out = (centred * (variance + eps).rsqrt()).reshape(x.shape)
    per_channel = (-1,) + (1,) * (x.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


# --------------------------------------------------------------------------- interpolation

_SAMPLING_MODES = ("nearest", "nearest-exact", "area")  # the modes without align_corners


def _interpolation_sizes(
    x: Tensor, size: Any, scale_factor: Any, recompute: bool | None
) -> tuple[list[int], list[float | None]]:
    """The output sizes and the scales PyTorch uses for the source positions."""
    dims = x.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: exactly one of size or scale_factor must be defined")
    if size is not None:
        sizes = [int(s) for s in size] if isinstance(size, (tuple, list)) else [int(size)] * dims
        if len(sizes) != dims:
            raise ValueError(
                f"interpolate: size {size} must have {dims} entries for an input of shape {x.shape}"
            )
        return sizes, [None] * dims
    scales = (
        [float(s) for s in scale_factor]
        if isinstance(scale_factor, (tuple, list))
        else [float(scale_factor)] * dims
    )
    if len(scales) != dims:
        raise ValueError(
            f"interpolate: scale_factor {scale_factor} must have {dims} entries for an input of "
            f"shape {x.shape}"
        )
    sizes = [math.floor(n * s) for n, s in zip(x.shape[2:], scales)]
    return sizes, [None] * dims if recompute else list(scales)


def _nearest_matrix(
    size: int, out: int, scale: float | None, dtype: np.dtype, exact: bool = False
) -> np.ndarray:
    """``(out, size)``: row i picks source ⌊i · size/out⌋ (⌊i / scale_factor⌋ when given), or
    ⌊(i + ½) · size/out⌋ for ``"nearest-exact"``; in float32, as PyTorch computes it."""
    ratio = np.float32(size / out if scale is None else 1 / scale)
    rows = np.arange(out, dtype=np.float32) + np.float32(0.5 if exact else 0.0)
    source = np.minimum(np.floor(rows * ratio).astype(np.int64), size - 1)
    matrix = np.zeros((out, size), dtype)
    matrix[np.arange(out), source] = 1
    return matrix


def _linear_matrix(
    size: int, out: int, scale: float | None, align_corners: bool, dtype: np.dtype
) -> np.ndarray:
    """``(out, size)``: row i mixes the two source samples around PyTorch's source position."""
    rows = np.arange(out, dtype=np.float64)
    if align_corners:
        source = rows * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        ratio = size / out if scale is None else 1 / scale
        source = np.maximum((rows + 0.5) * ratio - 0.5, 0.0)
    low = np.minimum(np.floor(source).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    weight = source - low
    matrix = np.zeros((out, size), np.float64)
    np.add.at(matrix, (np.arange(out), low), 1 - weight)
    np.add.at(matrix, (np.arange(out), high), weight)
    return matrix.astype(dtype)


def interpolate(
    input: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)`` inputs to ``size`` or by
    ``scale_factor``, with ``mode`` ``"nearest"``, ``"nearest-exact"``, ``"area"``,
    ``"linear"`` (3-D), ``"bilinear"`` (4-D) or ``"trilinear"`` (5-D).

    Each spatial dim is resized by a small matrix (a row per output sample: a one-hot row for
    nearest, two weights for linear, a window's mean for area), applied as a matrix product,
    so the result is vectorised and twice differentiable. Source positions follow PyTorch:
    nearest takes ⌊i · in/out⌋, nearest-exact ⌊(i + ½) · in/out⌋, area averages the adaptive
    pooling windows; linear takes (i + ½) · in/out − ½ clamped at 0, or i · (in − 1)/(out − 1)
    with ``align_corners=True``.

    Raises:
        ValueError: both or neither of ``size`` and ``scale_factor``, or ``align_corners``
            with nearest.
        NotImplementedError: another mode, or ``antialias``.

    Examples:
        >>> F.interpolate(tg.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
    """
    x = F._tensor(input, "interpolate")
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"interpolate: expected a 3-D, 4-D or 5-D input, got shape {x.shape}")
    linear = {"linear": 3, "bilinear": 4, "trilinear": 5}
    if (mode not in _SAMPLING_MODES and mode not in linear) or antialias:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} (antialias={antialias}) is not implemented; "
            "use 'nearest', 'nearest-exact', 'area', 'linear', 'bilinear' or 'trilinear'"
        )
    if mode in _SAMPLING_MODES and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    if mode in linear and linear[mode] != x.ndim:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} expects a {linear[mode]}-D input, got shape {x.shape}"
        )
    sizes, scales = _interpolation_sizes(x, size, scale_factor, recompute_scale_factor)
    out = x
    for axis, (n, target, scale) in enumerate(zip(x.shape[2:], sizes, scales), start=2):
        if mode == "area":
            matrix = F._averaging_matrix(n, target, x.dtype)
        elif mode in _SAMPLING_MODES:
            matrix = _nearest_matrix(n, target, scale, x.dtype, exact=mode == "nearest-exact")
        else:
            matrix = _linear_matrix(n, target, scale, bool(align_corners), x.dtype)
        out = (out.transpose(axis, -1) @ Tensor(matrix.T.copy())).transpose(axis, -1)
    return out


# --------------------------------------------------------------------------- attention


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    num_heads: int,
    weights: tuple[Tensor, Tensor, Tensor],
    biases: tuple[Tensor | None, Tensor | None, Tensor | None],
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    *,
    dropout_p: float = 0.0,
    training: bool = True,
    key_padding_mask: Any = None,
    need_weights: bool = True,
    attn_mask: Any = None,
    average_attn_weights: bool = True,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head scaled dot-product attention on ``(L, N, E)`` inputs (sequence first).

    Each head h attends with softmax(Q_h K_hᵀ / √d + M) V_h, d = E / num_heads, M the
    masks (−∞ where a boolean mask is True, or a float mask added); the heads are joined and
    projected by the output weights. Returns the output ``(L, N, E)`` and the attention
    weights ``(N, L, S)`` averaged over the heads (``(N, H, L, S)`` without averaging).

    Examples:
        >>> e = tg.eye(2)
        >>> out, w = F.multi_head_attention_forward(
        ...     tg.ones(1, 1, 2), tg.ones(3, 1, 2), tg.ones(3, 1, 2), 1, (e, e, e),
        ...     (None, None, None), e, None)
        >>> out.shape, w.shape
        ((1, 1, 2), (1, 1, 3))
    """
    tgt, batch, embed = query.shape
    src = key.shape[0]
    head = embed // num_heads
    q = F.linear(query, weights[0], biases[0])
    k = F.linear(key, weights[1], biases[1])
    v = F.linear(value, weights[2], biases[2])
    # (L, N, E) → (N, H, L, d)
    q = q.reshape(tgt, batch, num_heads, head).permute(1, 2, 0, 3) * (1 / math.sqrt(head))
    k = k.reshape(src, batch, num_heads, head).permute(1, 2, 0, 3)
    v = v.reshape(src, batch, num_heads, head).permute(1, 2, 0, 3)
    scores = q @ k.transpose(-2, -1)
    mask = _attention_mask(attn_mask, key_padding_mask, batch, num_heads, tgt, src, query.dtype)
    if mask is not None:
        scores = scores + Tensor(mask)
    attention = F.softmax(scores, dim=-1)
    dropped = F.dropout(attention, dropout_p, training) if dropout_p > 0 else attention
    joined = (dropped @ v).permute(2, 0, 1, 3).reshape(tgt, batch, embed)
    out = F.linear(joined, out_proj_weight, out_proj_bias)
    if not need_weights:
        return out, None
    # the weights returned are the ones used: after dropout, as PyTorch's
    return out, dropped.mean(dim=1) if average_attn_weights else dropped


def _attention_mask(
    attn_mask: Any,
    key_padding_mask: Any,
    batch: int,
    heads: int,
    tgt: int,
    src: int,
    dtype: np.dtype,
) -> np.ndarray | None:
    """The additive mask ``(N, H, L, S)`` (or broadcastable) from the two masks, or ``None``."""
    total = None
    if attn_mask is not None:
        mask = _additive(attn_mask, dtype)
        if mask.ndim == 3:
            if mask.shape != (batch * heads, tgt, src):
                raise RuntimeError(
                    f"multi_head_attention: the 3-D attn_mask should be of shape "
                    f"{(batch * heads, tgt, src)}, got {mask.shape}"
                )
            mask = mask.reshape(batch, heads, tgt, src)
        elif mask.shape != (tgt, src):
            raise RuntimeError(
                f"multi_head_attention: the 2-D attn_mask should be of shape {(tgt, src)}, "
                f"got {mask.shape}"
            )
        total = mask
    if key_padding_mask is not None:
        padding = _additive(key_padding_mask, dtype)
        if padding.shape != (batch, src):
            raise RuntimeError(
                f"multi_head_attention: key_padding_mask should be of shape {(batch, src)}, "
                f"got {padding.shape}"
            )
        padding = padding.reshape(batch, 1, 1, src)
        total = padding if total is None else total + padding
    return total


def _additive(mask: Any, dtype: np.dtype) -> np.ndarray:
    """A boolean mask (True: not allowed) as 0/−∞, or a float mask as it is."""
    array = mask.numpy() if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype == np.bool_:
        return np.where(array, -np.inf, 0.0).astype(dtype)
    return array.astype(dtype)
