"""init.py: weight initialisation, in place, with PyTorch's formulas (``torch.nn.init``).

Every function fills the tensor's array in place (no graph is recorded), draws from
``tg.manual_seed``'s generator unless given ``generator=``, and returns the tensor.

Fans: for a weight of shape ``(out, in, *kernel)``, ``fan_in = in · prod(kernel)`` and
``fan_out = out · prod(kernel)`` (so for ``Linear`` they are ``in_features`` and
``out_features``).

| function                       | distribution  | scale                                       |
|--------------------------------|---------------|---------------------------------------------|
| `uniform_(t, a, b)`            | U(a, b)       |                                             |
| `normal_(t, mean, std)`        | N(mean, std²) |                                             |
| `constant_`, `zeros_`, `ones_` | a constant    |                                             |
| `xavier_uniform_(t, gain)`     | U(−a, a)      | a = gain · √(6 / (fan_in + fan_out))        |
| `xavier_normal_(t, gain)`      | N(0, σ²)      | σ = gain · √(2 / (fan_in + fan_out))        |
| `kaiming_uniform_(t, a, mode)` | U(−b, b)      | b = gain · √(3 / fan)                       |
| `kaiming_normal_(t, a, mode)`  | N(0, σ²)      | σ = gain / √fan                             |
| `lecture_uniform_(t)`          | U(−1, 1)      | the lecture's MATLAB `W = 2*rand(m, n) - 1` |
| `orthogonal_(t, gain)`         | orthogonal    | gain · Q, Q of the QR of a normal matrix    |
| `trunc_normal_(t, mean, std, a, b)` | N(mean, std²) on [a, b] | redrawn outside [a, b]       |

The Kaiming functions take gain = ``calculate_gain(nonlinearity, a)`` and fan = ``fan_in``
or ``fan_out`` by ``mode``. A uniform U(−a, a) has variance a²/3, so both Xavier functions
give Var(W) = gain² · 2 / (fan_in + fan_out) and both Kaiming functions Var(W) = gain² / fan.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import creation
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "lecture_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

_UNIT_GAIN = (
    "linear",
    "identity",
    "sigmoid",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of the weights for a nonlinearity (PyTorch's table).

    ``linear``, ``identity``, ``sigmoid`` and convolutions: 1; ``tanh``: 5/3; ``relu``: √2;
    ``leaky_relu`` with negative slope ``param`` (0.01 if ``None``): √(2 / (1 + param²));
    ``selu``: 3/4. The gain compensates for how much the nonlinearity shrinks the variance of
    its input (ReLU zeroes half of it, hence √2).

    Args:
        nonlinearity: the name of the activation that follows the layer.
        param: the negative slope for ``leaky_relu`` (ignored otherwise).

    Raises:
        ValueError: for an unknown name or a non-numeric ``param``.

    Examples:
        >>> nn.init.calculate_gain("relu"), nn.init.calculate_gain("tanh")
        (1.4142135623730951, 1.6666666666666667)
        >>> round(nn.init.calculate_gain("leaky_relu", 5 ** 0.5), 4)  # √(1/3), nn.Linear's
        0.5774
    """
    if nonlinearity in _UNIT_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + _negative_slope(param) ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _negative_slope(param: float | None) -> float:
    if param is None:
        return 0.01
    if isinstance(param, bool) or not isinstance(param, (int, float)):
        raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
    return float(param)


def _fans(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``."""
    shape = _shape_of(tensor)
    if len(shape) < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than "
            f"2 dimensions (got shape {shape})"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _shape_of(tensor: Tensor) -> tuple[int, ...]:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a tg.Tensor or a Parameter, got {type(tensor).__name__}")
    return tensor.shape


def _fill(tensor: Tensor, values: np.ndarray | float) -> Tensor:
    _shape_of(tensor)
    tensor.numpy()[...] = values  # in place, in the tensor's own dtype
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return creation.generator() if generator is None else generator


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, *, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with samples of U(a, b), the uniform distribution on [a, b); returns ``tensor``.

    Args:
        tensor: the tensor or ``Parameter`` to overwrite.
        a: the lower bound.
        b: the upper bound.
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.uniform_(tg.zeros(3, 4), -0.1, 0.1)
        >>> w.shape, bool(np.all(np.abs(w.numpy()) <= 0.1))
        ((3, 4), True)
    """
    return _fill(tensor, _rng(generator).uniform(a, b, size=_shape_of(tensor)))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    *,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with samples of N(mean, std²), the normal distribution; returns ``tensor``.

    Args:
        tensor: the tensor or ``Parameter`` to overwrite.
        mean: the mean.
        std: the standard deviation (not the variance).
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.normal_(tg.zeros(100, 100), mean=1.0, std=2.0)
        >>> abs(float(w.mean()) - 1.0) < 0.1, abs(float(w.numpy().std()) - 2.0) < 0.1
        (True, True)
    """
    return _fill(tensor, _rng(generator).normal(mean, std, size=_shape_of(tensor)))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``; returns ``tensor``.

    Examples:
        >>> nn.init.constant_(tg.zeros(2, 2), 0.5)
        tensor([[0.5, 0.5],
                [0.5, 0.5]])
    """
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0; returns ``tensor``.

    Meant for biases: all-zero weights would make every neuron of a layer learn the same
    thing (their δ and updates would stay identical).

    Examples:
        >>> nn.init.zeros_(nn.Linear(2, 3).bias)
        Parameter containing:
        tensor([0., 0., 0.], requires_grad=True)
    """
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1; returns ``tensor``.

    Examples:
        >>> nn.init.ones_(tg.zeros(3))
        tensor([1., 1., 1.])
    """
    return _fill(tensor, 1.0)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, *, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot & Bengio (2010): U(−a, a) with a = gain · √(6 / (fan_in + fan_out)).

    Then Var(W) = gain² · 2 / (fan_in + fan_out), which keeps the variance of the signals
    roughly the same forward (v = W y) and backward (Wᵀ δ) for sigmoid and tanh layers.

    Args:
        tensor: a weight of at least 2 dims, ``(out, in, *kernel)``.
        gain: a scale, e.g. ``calculate_gain("tanh")``.
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.xavier_uniform_(tg.zeros(20, 25))  # a = √(6 / 45)
        >>> bool(np.abs(w.numpy()).max() <= (6 / 45) ** 0.5)
        True
    """
    fan_in, fan_out = _fans(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, *, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot & Bengio (2010): N(0, σ²) with σ = gain · √(2 / (fan_in + fan_out)).

    The normal twin of ``xavier_uniform_``, with the same variance.

    Args:
        tensor: a weight of at least 2 dims, ``(out, in, *kernel)``.
        gain: a scale, e.g. ``calculate_gain("tanh")``.
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.xavier_normal_(tg.zeros(300, 500))  # σ = √(2 / 800) = 0.05
        >>> abs(float(w.numpy().std()) - 0.05) < 0.005
        True
    """
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He et al. (2015): U(−b, b) with b = gain · √(3 / fan).

    gain = ``calculate_gain(nonlinearity, a)``; ``nn.Linear`` uses ``a = √5``, which gives
    b = 1/√fan_in. Then Var(W) = gain² / fan, which keeps the variance of ReLU layers'
    signals (forward with ``"fan_in"``, backward with ``"fan_out"``). A tensor with no
    elements is left alone, with a warning.

    Args:
        tensor: a weight of at least 2 dims, ``(out, in, *kernel)``.
        a: the negative slope of a leaky ReLU (used only by ``"leaky_relu"``).
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: the activation's name, as ``calculate_gain``.
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.kaiming_uniform_(tg.zeros(20, 25), a=5 ** 0.5)  # as nn.Linear(25, 20)
        >>> bool(np.abs(w.numpy()).max() <= 1 / 25 ** 0.5)
        True
    """
    if 0 in _shape_of(tensor):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He et al. (2015): N(0, σ²) with σ = gain / √fan, gain = calculate_gain(nonlinearity, a).

    The normal twin of ``kaiming_uniform_``, with the same variance gain² / fan; a tensor
    with no elements is left alone, with a warning.

    Args:
        tensor: a weight of at least 2 dims, ``(out, in, *kernel)``.
        a: the negative slope of a leaky ReLU (used only by ``"leaky_relu"``).
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: the activation's name, as ``calculate_gain``.
        generator: a NumPy ``Generator`` to draw from instead of the global one.

    Examples:
        >>> w = nn.init.kaiming_normal_(tg.zeros(256, 512), nonlinearity="relu")
        >>> abs(float(w.numpy().std()) - 2 ** 0.5 / 512 ** 0.5) < 0.005  # σ = √2 / √512
        True
    """
    if 0 in _shape_of(tensor):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator=generator)


def lecture_uniform_(tensor: Tensor, *, generator: np.random.Generator | None = None) -> Tensor:
    """The lecture's initialisation, uniform on (−1, 1): MATLAB's ``W = 2*rand(m, n) - 1``.

    Independent of the layer's size, unlike PyTorch's default: with 25 inputs each v = W y
    sums 25 such terms, so sigmoid layers start nearer saturation than with ``nn.Linear``'s
    U(−1/√25, 1/√25).

    Examples:
        >>> w = nn.init.lecture_uniform_(nn.Linear(25, 20).weight)
        >>> w.shape, bool(np.abs(w.numpy()).max() <= 1)
        ((20, 25), True)
    """
    return _fill(tensor, 2.0 * _rng(generator).random(_shape_of(tensor)) - 1.0)


def orthogonal_(
    tensor: Tensor, gain: float = 1.0, *, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2014); returns ``tensor``.

    The tensor is seen as a matrix of ``shape[0]`` rows (the other dims flattened); its rows
    (or its columns, whichever are fewer) are orthonormal. As PyTorch: Q of the QR
    decomposition of a standard normal matrix, with each column's sign fixed by R's diagonal,
    so that Q is uniformly distributed.

    Raises:
        ValueError: a tensor with fewer than 2 dims.

    Examples:
        >>> w = nn.init.orthogonal_(tg.zeros(3, 5))
        >>> np.allclose(w.numpy() @ w.numpy().T, np.eye(3), atol=1e-6)
        True
    """
    shape = _shape_of(tensor)
    if len(shape) < 2:
        raise ValueError(
            f"Only tensors with 2 or more dimensions are supported (orthogonal_ got shape {shape})"
        )
    rows = shape[0]
    cols = math.prod(shape) // rows if rows else 0
    if rows == 0 or cols == 0:
        return tensor
    flat = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(shape))


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    *,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with N(mean, std²) truncated to [a, b] (values outside are redrawn); returns
    ``tensor``.

    ``a`` and ``b`` are absolute bounds, not multiples of ``std``, as PyTorch's. Warns when
    ``mean`` is more than 2 std outside [a, b], where the draw is inexact in PyTorch too.

    Examples:
        >>> w = nn.init.trunc_normal_(tg.zeros(1000), std=0.02, a=-0.04, b=0.04)
        >>> bool(np.abs(w.numpy()).max() <= 0.04)
        True
    """
    shape = _shape_of(tensor)
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    rng = _rng(generator)
    values = rng.normal(mean, std, size=shape)
    outside = (values < a) | (values > b)
    for _ in range(1000):  # each round keeps the accepted share; far tails give up below
        if not outside.any():
            break
        values[outside] = rng.normal(mean, std, size=int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, np.clip(values, a, b))
