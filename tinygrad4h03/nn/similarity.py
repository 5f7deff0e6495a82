"""similarity.py: ``F.normalize``, ``F.cosine_similarity``, ``F.pairwise_distance`` and
``F.scaled_dot_product_attention``, composed from differentiable tensor operations.

Each follows PyTorch 2.13's definition, including where it puts ``eps`` (so values and
gradients match PyTorch's near zero vectors too); re-exported by ``nn/functional.py``.

Examples:
    >>> from tinygrad4h03.nn import functional as F
    >>> F.normalize(tg.tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["cosine_similarity", "normalize", "pairwise_distance", "scaled_dot_product_attention"]


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``input / max(‖input‖_p, eps)``, the p-norm taken over ``dim``.

    Examples:
        >>> F.normalize(tg.tensor([[1.0, 1.0], [0.0, 2.0]]), p=1, dim=0).sum(0)
        tensor([1., 1.])
    """
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)) over ``dim``, the inputs broadcast.

    As PyTorch, the norms are clamped at ``eps`` in value only: the gradient goes through the
    unclamped norm.

    Examples:
        >>> F.cosine_similarity(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    if not x1.is_floating_point():
        x1 = x1.float()
    if not x2.is_floating_point():
        x2 = x2.float()
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise RuntimeError(
            f"cosine_similarity: the shapes {x1.shape} and {x2.shape} do not broadcast"
        ) from None
    a, b = x1.expand(shape), x2.expand(shape)
    return ((a / _clamped_norm(a, dim, eps)) * (b / _clamped_norm(b, dim, eps))).sum(dim)


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """‖x‖ over ``dim`` (kept) with values below ``eps`` raised to it, the gradient unchanged."""
    norm = x.norm(2, dim, keepdim=True)
    return norm + (norm.clamp_min(eps) - norm).detach()


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """‖x1 − x2 + eps‖_p over the last dim (PyTorch adds ``eps`` to the difference).

    Examples:
        >>> F.pairwise_distance(tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]]), eps=0.0)
        tensor([5.])
    """
    last = max(x1.ndim, x2.ndim) - 1
    return (x1 - x2 + eps).norm(p, last, keepdim)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(q kᵀ · scale + mask) v over the last two dims, as PyTorch's reference.

    ``scale`` is 1/√E by default (E the query's last size); a bool ``attn_mask`` keeps the
    places where it is true, a float one is added to the scores; ``is_causal`` keeps the
    lower triangle; ``dropout_p`` > 0 drops attention weights (always, as PyTorch does in this
    function); ``enable_gqa`` repeats the key/value heads (dim −3) to the query's.

    Shapes:
        query ``(*, L, E)``, key ``(*, S, E)``, value ``(*, S, Ev)`` → ``(*, L, Ev)``.

    Examples:
        >>> q = k = v = tg.ones(1, 2, 4)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        (1, 2, 4)
    """
    from .functional import dropout

    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True"
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query {query.shape}, key {key.shape} and value "
            f"{value.shape} do not fit: the last dims of query and key, and the sequence "
            "dims (-2) of key and value, must agree"
        )
    if enable_gqa:
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * factor
    scores = _masked_scores(scores, attn_mask, is_causal)
    # a row with every place hidden gets weights 0, as PyTorch (not the NaN of softmax(−inf));
    # found with tensor operations, so tg.compile sees them
    dead = (scores == -math.inf).all(-1, keepdim=True)
    weights = scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value


def _masked_scores(scores: Tensor, attn_mask: Any, is_causal: bool) -> Tensor:
    """The scores with −inf where a bool mask (or the causal triangle) hides them, or a float
    mask added."""
    rows, cols = scores.shape[-2:]
    if is_causal:
        attn_mask = Tensor._wrap(np.tril(np.ones((rows, cols), dtype=bool)))
    if attn_mask is None:
        return scores
    mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor(attn_mask)
    if mask.dtype != np.bool_ and mask.dtype != scores.dtype:
        raise RuntimeError(
            f"scaled_dot_product_attention: expected attn_mask dtype to be bool or to match the "
            f"query's dtype {scores.dtype}, got {mask.dtype}"
        )
    if mask.dtype == np.bool_:
        hidden = np.broadcast_to(~mask.numpy(), np.broadcast_shapes(mask.shape, scores.shape))
        return scores.expand(hidden.shape).masked_fill(Tensor(hidden), -math.inf)
    return scores + mask
