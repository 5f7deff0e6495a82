"""utils: ``tg.nn.utils``, gradient clipping and parameters as one vector (as PyTorch's).

- ``clip_grad_norm_``: scale all gradients together so that their joint norm is at most
  ``max_norm``; returns the norm before clipping.
- ``clip_grad_value_``: clamp every gradient entry to ``[−clip_value, clip_value]``.
- ``parameters_to_vector`` / ``vector_to_parameters``: all parameters as one flat vector,
  and back.
- ``rnn`` (``tg.nn.utils.rnn``): padding and packing sequences of
  different lengths for the recurrent layers.

The clipping functions change ``p.grad`` in place and skip parameters without a gradient.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ...autograd import increment_version
from ...tensor import Tensor, cat
from . import rnn

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "rnn",
    "vector_to_parameters",
]


def _tensors(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients in place so that their joint ``norm_type``-norm is at most ``max_norm``.

    The joint norm is the norm of the vector of every gradient's norm (the norm of all
    gradients concatenated). Every gradient is multiplied by
    min(1, max_norm / (norm + 10⁻⁶)), as PyTorch does, so gradients below the limit stay
    (almost exactly) as they are.

    Args:
        parameters: a tensor or an iterable of tensors (e.g. ``model.parameters()``).
        max_norm: the largest joint norm allowed.
        norm_type: p of the p-norm; ``float("inf")`` for the largest absolute entry.
        error_if_nonfinite: raise instead of clipping when the norm is NaN or infinite.
        foreach: accepted for PyTorch code; no effect.

    Returns:
        The joint norm before clipping, a 0-d tensor (0 when no parameter has a gradient).

    Raises:
        RuntimeError: with ``error_if_nonfinite`` for a NaN or infinite norm.

    Examples:
        >>> w = tg.tensor([0.0, 0.0], requires_grad=True)
        >>> (w * tg.tensor([3.0, 4.0])).sum().backward()
        >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)  # the norm of (3, 4)
        tensor(5.)
        >>> w.grad
        tensor([0.6, 0.8])
    """
    tensors = [p.grad for p in _tensors(parameters) if p.grad is not None]
    grads = [g.numpy() for g in tensors]
    if not grads:
        return Tensor(np.array(0.0, dtype=np.float32))
    norms = np.array([np.linalg.norm(g.reshape(-1), ord=norm_type) for g in grads])
    total = np.linalg.norm(norms, ord=norm_type).astype(grads[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable this error and "
            "scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coefficient = min(1.0, float(max_norm) / (float(total) + 1e-6))
    with np.errstate(invalid="ignore"):  # an infinite norm: inf · 0 = NaN, as in PyTorch
        for g in grads:
            g *= g.dtype.type(coefficient)
    increment_version(tensors)
    return Tensor(total)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient entry in place to ``[−clip_value, clip_value]``.

    Args:
        parameters: a tensor or an iterable of tensors.
        clip_value: the largest absolute value allowed.
        foreach: accepted for PyTorch code; no effect.

    Examples:
        >>> w = tg.tensor([0.0, 0.0], requires_grad=True)
        >>> (w * tg.tensor([3.0, -0.5])).sum().backward()
        >>> nn.utils.clip_grad_value_(w, 1.0); w.grad
        tensor([ 1. , -0.5])
    """
    limit = float(clip_value)
    for p in _tensors(parameters):
        if p.grad is not None:
            g = p.grad.numpy()
            np.clip(g, -limit, limit, out=g)
            increment_version(p.grad)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable, as PyTorch's).

    Examples:
        >>> layer = nn.Linear(3, 2)
        >>> nn.utils.parameters_to_vector(layer.parameters()).shape
        (8,)
    """
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Any, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' values (the inverse of
    ``parameters_to_vector``).

    Raises:
        ValueError: when ``vec`` is not one-dimensional or its length is not the parameters'
            total size.

    Examples:
        >>> layer = nn.Linear(1, 1)
        >>> nn.utils.vector_to_parameters(tg.tensor([2.0, 3.0]), layer.parameters())
        >>> layer.weight.tolist(), layer.bias.tolist()
        ([[2.0]], [3.0])
    """
    values = np.asarray(vec)
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if values.ndim != 1 or values.size != total:
        raise ValueError(
            f"vector_to_parameters: expected a vector of {total} values, got shape {values.shape}"
        )
    start = 0
    for p in params:
        target = p.numpy()
        np.copyto(target, values[start : start + target.size].reshape(target.shape))
        increment_version(p)
        start += target.size
