"""Weight initialisation, in place, with PyTorch's formulas (``torch.nn.init``).

Every function fills ``tensor.data`` in place (no graph is recorded), draws from
``tg.manual_seed``'s generator unless given ``generator=``, and returns the tensor.

Fans: for a weight of shape ``(out, in, *kernel)``, ``fan_in = in · prod(kernel)`` and
``fan_out = out · prod(kernel)`` (so for ``Linear`` they are ``in_features`` and
``out_features``).

================================  ============================================================
``uniform_(t, a, b)``             U(a, b)
``normal_(t, mean, std)``         N(mean, std²)
``constant_ / zeros_ / ones_``    a constant
``xavier_uniform_(t, gain)``      U(−a, a),  a = gain · √(6 / (fan_in + fan_out))
``xavier_normal_(t, gain)``       N(0, σ²),  σ = gain · √(2 / (fan_in + fan_out))
``kaiming_uniform_(t, a, mode)``  U(−b, b),  b = gain · √(3 / fan),  gain = calculate_gain
``kaiming_normal_(t, a, mode)``   N(0, σ²),  σ = gain / √fan
``lecture_uniform_(t)``           U(−1, 1), the lecture's MATLAB ``W = 2*rand(m, n) - 1``
================================  ============================================================
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
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

_UNIT_GAIN = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of the weights for a nonlinearity (PyTorch's table).

    ``linear``, ``identity``, ``sigmoid`` and convolutions: 1; ``tanh``: 5/3; ``relu``: √2;
    ``leaky_relu`` with negative slope ``param`` (0.01 if ``None``): √(2 / (1 + param²));
    ``selu``: 3/4.
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
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         f"2 dimensions (got shape {shape})")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: np.ndarray | float) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a tg.Tensor or a Parameter, got {type(tensor).__name__}")
    tensor.data[...] = values  # in place, in the tensor's own dtype
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return creation.generator() if generator is None else generator


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, *,
             generator: np.random.Generator | None = None) -> Tensor:
    """Fill with samples of U(a, b)."""
    return _fill(tensor, _rng(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: np.random.Generator | None = None) -> Tensor:
    """Fill with samples of N(mean, std²)."""
    return _fill(tensor, _rng(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, *,
                    generator: np.random.Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): U(−a, a) with a = gain · √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, *,
                   generator: np.random.Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, σ²) with σ = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", *,
                     generator: np.random.Generator | None = None) -> Tensor:
    """He et al. (2015): U(−b, b) with b = gain · √(3 / fan).

    gain = ``calculate_gain(nonlinearity, a)``; ``nn.Linear`` uses ``a = √5``, which gives
    b = 1/√fan_in.
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", *,
                    generator: np.random.Generator | None = None) -> Tensor:
    """He et al. (2015): N(0, σ²) with σ = gain / √fan, gain = calculate_gain(nonlinearity, a)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator=generator)


def lecture_uniform_(tensor: Tensor, *, generator: np.random.Generator | None = None) -> Tensor:
    """The lecture's initialisation, uniform on (−1, 1): MATLAB's ``W = 2*rand(m, n) - 1``."""
    return _fill(tensor, 2.0 * _rng(generator).random(tensor.shape) - 1.0)
