"""functional.py: activations, ``linear`` and the losses as functions (``torch.nn.functional``).

The layer and loss modules of ``tg.nn`` call these. Every loss is built from a few tensor
operations (``log_softmax``, one advanced-index gather, a dot product), so its gradient is
autograd's, and the lecture's derivations can be checked against it. ``reduction`` is
``"mean"``, ``"sum"`` or ``"none"`` as in PyTorch.

| function        | ℓ_i (before the reduction)         | note                                   |
|-----------------|------------------------------------|----------------------------------------|
| `mse_loss`      | (x_i − y_i)²                       |                                        |
| `sse_loss`      | ½ (x_i − y_i)²                     | its default `"sum"` is the lecture's ℰ |
| `nll_loss`      | −w_{t_i} · x_{i, t_i}              | x holds log-probabilities              |
| `cross_entropy` | −w_{t_i} · log softmax(x_i)_{t_i}  | t holds class indices                  |
| `cross_entropy` | −Σ_c w_c p_ic · log softmax(x_i)_c | p holds class probabilities            |

With class weights w, ``"mean"`` divides by Σ_i w_{t_i} (not by N), as PyTorch does; targets
equal to ``ignore_index`` contribute nothing and do not count. The lecture's
ℰ = ½ Σ (y_L − y)² is ``sse_loss(y_L, y)``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import creation, rules
from ..autograd import increment_version
from ..tensor import ShapeError, Tensor, apply, where

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "relu",
    "sigmoid",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "sse_loss",
    "tanh",
]

_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Rectified linear unit, elementwise: ``y = max(x, 0)``.

    The derivative is 1 where ``x > 0`` and 0 elsewhere, also at ``x = 0`` (as PyTorch).

    Args:
        input: any tensor.
        inplace: accepted for PyTorch code, no effect (the result is a new tensor, as
            ``nn.ReLU(inplace=True)`` here).

    Returns:
        A tensor of ``input``'s shape and dtype.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.relu(tg.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    return (input if isinstance(input, Tensor) else _tensor(input, "relu")).relu()


def sigmoid(input: Tensor) -> Tensor:
    """The logistic sigmoid, elementwise: ``σ(x) = 1 / (1 + e^−x)``.

    Its derivative σ'(x) = σ(x)(1 − σ(x)) is computed from the output, the lecture's
    φ'(v) = y (1 − y). Values lie in (0, 1).

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
        >>> F.sigmoid(x).sum().backward()
        >>> x.grad  # σ(x)(1 − σ(x))
        tensor([0.25  , 0.1966])
    """
    return _tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent, elementwise: ``tanh(x) = (eˣ − e^−x) / (eˣ + e^−x)``.

    Its derivative is 1 − tanh²(x); values lie in (−1, 1), and tanh(x) = 2σ(2x) − 1.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.tanh(tg.tensor([0.0, 20.0]))
        tensor([0., 1.])
    """
    return _tensor(input, "tanh").tanh()


def softmax(input: Tensor, dim: int = -1) -> Tensor:
    """Softmax along ``dim``: ``s_i = exp(x_i) / Σ_k exp(x_k)`` (numerically stable).

    The maximum is subtracted first, which does not change the result. The Jacobian is
    ∂s_i/∂x_j = s_i (1[i = j] − s_j), so the backward pass maps the upstream gradient g to
    s ⊙ (g − Σ_k g_k s_k): not the elementwise φ'(v) ⊙ ε of the lecture's sigmoid layers.

    Args:
        input: any tensor with at least one dim.
        dim: the dimension whose entries sum to 1.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.softmax(tg.tensor([[1.0, 1.0], [0.0, 0.0]]), dim=0)
        tensor([[0.7311, 0.7311],
                [0.2689, 0.2689]])
    """
    return _tensor(input, "softmax").softmax(dim)


def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    """Log-softmax along ``dim``: ``x_i − log Σ_k exp(x_k)`` (finite for any finite input).

    Computed as x − max − log Σ exp(x − max), so no exp overflows and no log(0) appears,
    unlike ``softmax(x).log()``. The backward pass maps the upstream gradient g to
    g − softmax(x) · Σ_k g_k.

    Args:
        input: any tensor with at least one dim.
        dim: the dimension of the classes.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.log_softmax(tg.tensor([1000.0, 0.0]))
        tensor([    0., -1000.])
    """
    return _tensor(input, "log_softmax").log_softmax(dim)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The affine map ``y = x Wᵀ + b``, the lecture's v = W y + b with samples in rows.

    One fused graph node. For the upstream gradient G = ∂ℰ/∂y (rows are samples):
    ∂ℰ/∂W = Gᵀ x (summed over the batch), ∂ℰ/∂b = Σ_n G_n and ∂ℰ/∂x = G W. A 1-D
    ``weight`` ``(in,)`` gives the plain product ``x @ weight (+ b)``.

    Args:
        input: samples in rows, the last dim of size ``in``.
        weight: W, one row per output (as ``nn.Linear.weight``).
        bias: b, or ``None`` for none.

    Raises:
        ShapeError: when the input's last dim is not ``weight``'s ``in``.

    Shapes:
        input ``(*, in)``, weight ``(out, in)``, bias ``(out,)`` → output ``(*, out)``.

    Examples:
        >>> W = tg.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
        >>> F.linear(tg.tensor([[1.0, 2.0, 3.0]]), W, tg.tensor([0.5, -0.5]))
        tensor([[-1.5,  3.5]])
    """
    x = input if isinstance(input, Tensor) else _tensor(input, "linear")
    if weight.ndim != 2:  # a vector of weights: the plain product
        _check_in_features(x, weight)
        return x @ weight if bias is None else x @ weight + bias
    operands = (x, weight) if bias is None else (x, weight, bias)
    # The shapes are checked only when the product fails (a matmul never lets a wrong
    # in_features through); with no _tensor call for a tensor, here and in relu: W1: -10 K
    # instructions per step.
    try:
        return apply(rules.LINEAR, *operands)  # one fused node: x Wᵀ (+ b)
    except ShapeError:
        _check_in_features(x, weight)  # the usual mistake, said plainly
        raise  # another (a bias of the wrong size): apply's message names the shapes


def _check_in_features(x: Tensor, weight: Tensor) -> None:
    if x.ndim == 0 or x.shape[-1] != weight.shape[-1]:
        raise ShapeError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape}: "
            f"the input's last dim must be in_features = {weight.shape[-1]}"
        )


# --------------------------------------------------------------------------- regression losses


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: ℓ_i = (x_i − y_i)², then reduced.

    ``"mean"`` is (1/n) Σ_i ℓ_i over all n elements (not per sample), with gradient
    ∂/∂x_i = 2 (x_i − y_i) / n; ``"sum"`` is Σ_i ℓ_i; ``"none"`` keeps every ℓ_i.

    Args:
        input: the prediction x.
        target: the target y (a tensor or an array; no gradient flows into an array).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Shapes:
        input and target of the same shape (a broadcastable target warns, as in PyTorch);
        the output is a scalar, or the input's shape for ``reduction="none"``.

    Examples:
        >>> F.mse_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0])).item()
        2.0
        >>> F.mse_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0]), reduction="none")
        tensor([0., 4.])
    """
    squares = _squared_error(input, target, reduction, "mse_loss")
    return _reduce(squares, reduction)


def sse_loss(input: Tensor, target: Any, reduction: str = "sum") -> Tensor:
    """The lecture's half sum of squared errors, ℰ = ½ Σ_i (y_L,i − y_i)².

    Its derivative is ∂ℰ/∂y_L = y_L − y = −ε, the lecture's output error with the opposite sign.
    ``reduction="mean"`` gives ½ · mean and ``"none"`` the elementwise ½ (x − y)². Not a
    PyTorch function: there it is ``0.5 * F.mse_loss(x, y, reduction="sum")``.

    Args:
        input: the network output y_L.
        target: the target y.
        reduction: ``"sum"`` (the default, the lecture's ℰ), ``"mean"`` or ``"none"``.

    Shapes:
        as ``mse_loss``.

    Examples:
        >>> y_L = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> E = F.sse_loss(y_L, tg.tensor([1.0, 4.0]))
        >>> E.backward(); E.item(), y_L.grad  # ½ (0² + 2²) and y_L − y
        (2.0, tensor([ 0., -2.]))
    """
    squares = _squared_error(input, target, reduction, "sse_loss")
    return _reduce(squares, reduction) * 0.5


def _squared_error(input: Any, target: Any, reduction: str, name: str) -> Tensor:
    _check_reduction(reduction, name)
    x, y = _tensor(input, name), _tensor(target, name, "target")
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ShapeError(
            f"{name}: input of shape {x.shape} and target of shape {y.shape} do not match"
        ) from None
    if shape != x.shape or shape != y.shape:
        warnings.warn(
            f"{name}: target of shape {y.shape} differs from input of shape {x.shape}; they are "
            f"broadcast to {shape}, which is likely not what you want",
            UserWarning,
            stacklevel=3,
        )
    diff = x - y
    return diff * diff


# --------------------------------------------------------------------------- classification losses


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ℓ_i = −w_{t_i} · x_{i, t_i}, for log-probabilities ``x``.

    ``"mean"`` gives Σ_i ℓ_i / Σ_i w_{t_i} over the targets not equal to ``ignore_index``
    (w = 1 without weights, so the mean over the kept samples; NaN if all are ignored, as
    PyTorch). The gradient is −w_{t_i} (divided by the mean's denominator) at x_{i, t_i} and
    0 elsewhere. ``nll_loss(log_softmax(z, dim=1), t)`` is ``cross_entropy(z, t)``.

    Args:
        input: log-probabilities x, classes in dim 1 (dim 0 for a single sample).
        target: integer class indices t.
        weight: a weight per class, or ``None`` for all 1.
        ignore_index: a target value that contributes nothing and is not counted.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Raises:
        IndexError: for a target outside ``[0, C)`` that is not ``ignore_index``.

    Shapes:
        input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; target the same without ``C``,
        integer class indices in ``[0, C)``; weight ``(C,)``. The output is a scalar, or the
        target's shape for ``reduction="none"``.

    Examples:
        >>> logp = tg.tensor([[-1.0, -2.0], [-3.0, -0.5]])
        >>> F.nll_loss(logp, np.array([0, 1])).item()  # (1 + 0.5) / 2
        0.75
        >>> F.nll_loss(logp, np.array([0, 1]), reduction="none")
        tensor([1. , 0.5])
    """
    _check_reduction(reduction, "nll_loss")
    logp = _tensor(input, "nll_loss")
    targets = _class_targets(logp, target, "nll_loss")
    return _gathered_loss(logp, targets, weight, ignore_index, reduction, 0.0, "nll_loss")


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits ``x`` against class indices or class probabilities.

    Class indices t: ℓ_i = −w_{t_i} log softmax(x_i)_{t_i}, i.e. ``nll_loss(log_softmax(x))``.
    Class probabilities p (a float target of the input's shape):
    ℓ_i = −Σ_c w_c p_ic log softmax(x_i)_c, and ``"mean"`` divides by N (not by the weights).

    ``label_smoothing`` ε mixes the target with the uniform distribution: the loss becomes
    (1 − ε) ℓ_i + (ε / C) · (−Σ_c w_c log softmax(x_i)_c), as PyTorch's.

    The gradient teaches why the softmax belongs inside the loss: without weights,
    ∂ℓ_i/∂x_i = softmax(x_i) − onehot(t_i) (or softmax(x_i) − p_i), divided by N for
    ``"mean"`` — no softmax Jacobian left over. In the lecture's terms it is −δ^(L) for a
    softmax output layer with cross-entropy, δ^(L) = y − y_L.

    Args:
        input: logits x (unnormalised scores), classes in dim 1 (dim 0 for a single sample).
        target: integer class indices, or float class probabilities of the input's shape.
        weight: a weight per class, or ``None`` for all 1.
        ignore_index: a class-index target value that contributes nothing and is not
            counted (not allowed with probabilities).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        label_smoothing: ε in [0, 1].

    Raises:
        ValueError: for ``label_smoothing`` outside [0, 1], or ``ignore_index >= 0`` with
            probability targets.

    Shapes:
        input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; target either the input's shape
        without ``C`` (integer class indices) or the input's shape (probabilities); weight
        ``(C,)``. The output is a scalar, or ``(N, d1, ...)`` for ``reduction="none"``.

    Examples:
        >>> z = tg.tensor([[0.0, 0.0]], requires_grad=True)
        >>> loss = F.cross_entropy(z, np.array([1]))
        >>> loss.backward(); round(loss.item(), 4), z.grad  # log 2 and softmax − onehot
        (0.6931, tensor([[ 0.5, -0.5]]))
    """
    _check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    x = input if isinstance(input, Tensor) else _tensor(input, "cross_entropy")
    if _is_probability_target(x, target):
        if ignore_index >= 0:
            raise ValueError(
                "cross_entropy: ignore_index is not supported for class-probability targets"
            )
        return _soft_cross_entropy(x, target, weight, reduction, label_smoothing)
    targets = _class_targets(x, target, "cross_entropy")
    shape = x.numpy().shape  # a plain tuple: cheaper to index than tg.Size
    if len(shape) == 2 and weight is None and not label_smoothing and targets.size:
        low, high = _index_range(targets)
        if low >= 0 and high < shape[1] and not low <= ignore_index <= high:
            # every target a class and none ignored, the common case: one fused node for
            # log-softmax, gather and reduction
            # a copy of the targets: the node keeps them, and the caller may change theirs
            return apply(rules.CROSS_ENTROPY, x, target=targets.copy(), reduction=reduction)
    logp = x.log_softmax(dim=_class_dim(x))
    return _gathered_loss(
        logp, targets, weight, ignore_index, reduction, label_smoothing, "cross_entropy"
    )


def _gathered_loss(
    logp: Tensor,
    targets: np.ndarray,
    weight: Any,
    ignore_index: int,
    reduction: str,
    smoothing: float,
    name: str,
) -> Tensor:
    """Σ_i a_i · logp[i, t_i]  (+ Σ_i b_i · Σ_c w_c logp[i, c] with label smoothing).

    The per-row coefficients a_i = −(1 − ε) w_{t_i} / D and b_i = −(ε / C) / D hold the
    sign, the class weights, the ignored rows (0) and the mean's denominator D, so the loss is
    one gather and one dot product on top of ``logp``.
    """
    classes = logp.shape[_class_dim(logp)]
    rows = _classes_last(logp)
    flat = targets.reshape(-1)
    keep = flat != ignore_index
    # no branch on the values: under tg.compile the mask and the count follow each call
    safe = np.where(keep, flat, 0)
    _check_range(safe, classes, ignore_index, name)
    weights = _class_weights(weight, classes, logp.dtype, name)
    row_weight = keep.astype(logp.dtype) if weights is None else _row_weights(weights, safe) * keep
    total = row_weight.sum()
    # the mean's denominator; 0 (every row ignored) gives NaN, as PyTorch, with no branch or
    # warning, so that a compiled replay finds it anew
    scale = 1 / np.where(total == 0, math.nan, total) if reduction == "mean" else 1.0
    nll_coeff = (-(1 - smoothing) * scale) * row_weight
    loss = _weighted(rows[np.arange(len(flat)), safe], nll_coeff, reduction)
    if smoothing:
        class_sum = rows @ (np.ones(classes, logp.dtype) if weights is None else weights)
        smooth_coeff = (-(smoothing / classes) * scale) * keep.astype(logp.dtype)
        loss = loss + _weighted(class_sum, smooth_coeff, reduction)
    if reduction == "mean" and not flat.size:
        loss = loss * math.nan  # the mean of no samples (a dot product of nothing is 0)
    return loss.reshape(targets.shape) if reduction == "none" else loss


def _row_weights(weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``weights[targets]``, written so that NumPy hands it to the targets' array type
    (under tg.compile the targets are followed, so each replay picks the weights anew)."""
    return np.take_along_axis(weights, targets, axis=0)


def _weighted(values: Tensor, coeff: np.ndarray, reduction: str) -> Tensor:
    """coeff ⊙ values for ``"none"``, else the dot product coeff · values (a scalar)."""
    coeff = coeff.astype(values.dtype, copy=False)
    return values * coeff if reduction == "none" else values @ coeff


def _soft_cross_entropy(
    x: Tensor, target: Any, weight: Any, reduction: str, smoothing: float
) -> Tensor:
    """−Σ_c w_c p_ic log softmax(x_i)_c for class probabilities p, reduced."""
    cdim = _class_dim(x)
    classes = x.shape[cdim]
    probs = target if isinstance(target, Tensor) else np.asanyarray(target)
    if smoothing and classes:
        probs = probs * (1 - smoothing) + smoothing / classes
    weights = _class_weights(weight, classes, x.dtype, "cross_entropy")
    if weights is not None:
        probs = probs * weights.reshape((classes,) + (1,) * (x.ndim - cdim - 1))
    count = math.prod(n for d, n in enumerate(x.shape) if d != cdim)  # samples (× positions)
    scale = -1.0 / count if reduction == "mean" and count else -1.0
    products = x.log_softmax(dim=cdim) * (probs * scale)
    if reduction == "none":
        return products.sum(dim=cdim)
    empty = reduction == "mean" and not (count and classes)
    return products.sum() * math.nan if empty else products.sum()  # no mean of nothing: NaN


# --------------------------------------------------------------------------- validation


def _tensor(x: Any, name: str, what: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)):
        return Tensor(x)
    raise TypeError(f"{name}: {what} must be a tg.Tensor or an array, got {type(x).__name__}")


def _check_reduction(reduction: str, name: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _class_dim(x: Tensor) -> int:
    return 0 if x.ndim == 1 else 1


def _classes_last(logp: Tensor) -> Tensor:
    """The scores as a matrix ``(rows, C)``.

    ``(C,)`` → ``(1, C)``; ``(N, C, d…)`` → ``(N·d…, C)``.
    """
    if logp.ndim == 2:
        return logp
    if logp.ndim == 1:
        return logp.reshape(1, -1)
    axes = (0, *range(2, logp.ndim), 1)
    return logp.permute(*axes).reshape(-1, logp.shape[1])


def _is_probability_target(x: Tensor, target: Any) -> bool:
    # class indices: no shapes to compare (with the plain tuples of cross_entropy and
    # _class_targets, W1: -10 K instructions per step)
    if x.ndim == 0 or _dtype_of(target).kind != "f":
        return False
    shape = target.shape if isinstance(target, (Tensor, np.ndarray)) else np.shape(target)
    return tuple(shape) == x.shape


def _index_range(targets: np.ndarray) -> tuple[Any, Any]:
    """The smallest and the largest class index; one sample's without two NumPy reductions
    (W1: -16 K instructions per step)."""
    if targets.size == 1:
        index = targets.item()
        return index, index
    return targets.min(), targets.max()


def _dtype_of(target: Any) -> np.dtype:
    return target.dtype if isinstance(target, (Tensor, np.ndarray)) else np.asarray(target).dtype


def _class_targets(x: Tensor, target: Any, name: str) -> np.ndarray:
    """The target as an integer array of the input's shape without the class dim."""
    shape = x.numpy().shape  # a plain tuple: cheaper to index than tg.Size
    if not shape:
        raise ShapeError(f"{name}: input must have a class dim, got a 0-d tensor")
    targets = np.asanyarray(target)  # a tensor's through __array__: tg.compile follows it
    expected = () if len(shape) == 1 else (shape[0], *shape[2:])
    if targets.dtype.kind not in "iu":
        alternative = f" or class probabilities of shape {x.shape}" * (name == "cross_entropy")
        raise RuntimeError(  # PyTorch's type for a target of the wrong dtype
            f"{name}: input of shape {x.shape} needs integer class indices of shape {expected}"
            f"{alternative}, got a target of dtype {targets.dtype} and shape {targets.shape}"
        )
    if targets.shape != expected:
        raise ShapeError(
            f"{name}: input of shape {x.shape} needs a target of shape {expected} "
            f"(one class index per sample), got a target of shape {targets.shape}"
        )
    return targets


def _check_range(targets: np.ndarray, classes: int, ignore_index: int, name: str) -> None:
    if targets.size:
        low, high = _index_range(targets)
        if low >= 0 and high < classes:
            return
    bad = (targets < 0) | (targets >= classes)
    if bad.any():
        raise IndexError(
            f"{name}: target {int(targets[bad][0])} is out of bounds for {classes} classes "
            f"(valid: 0 … {classes - 1}, or ignore_index={ignore_index})"
        )


def _class_weights(weight: Any, classes: int, dtype: np.dtype, name: str) -> np.ndarray | None:
    if weight is None:
        return None
    weights = np.asanyarray(weight, dtype=dtype)
    if weights.shape != (classes,):
        raise ShapeError(
            f"{name}: weight must have one entry per class, shape ({classes},), "
            f"got shape {weights.shape}"
        )
    return weights


# --------------------------------------------------------------------------- more activations


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """Leaky ReLU, elementwise: ``x`` for x > 0, else ``negative_slope · x``.

    The derivative is 1 for x > 0 and ``negative_slope`` elsewhere (also at 0, as PyTorch).
    ``inplace`` is accepted for PyTorch code; the result is always a new tensor.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.leaky_relu(tg.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2,  3. ])
    """
    x = _tensor(input, "leaky_relu")
    return where(x > 0, x, x * negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: ``x Φ(x)``, Φ the standard normal's distribution function.

    ``approximate="none"`` computes Φ(x) = ½ (1 + erf(x / √2)) exactly; ``"tanh"`` uses
    ½ (1 + tanh(√(2/π) (x + 0.044715 x³))), as PyTorch's.

    Raises:
        RuntimeError: for another ``approximate``.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.gelu(tg.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.    ,  0.8413])
    """
    x = _tensor(input, "gelu")
    if approximate == "none":
        return x * (apply(rules.ERF, x * (1 / math.sqrt(2))) + 1) * 0.5
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
        return x * (inner.tanh() + 1) * 0.5
    raise RuntimeError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Exponential linear unit: ``x`` for x > 0, else ``alpha (eˣ − 1)``.

    The derivative is 1 for x > 0 and ``alpha eˣ`` elsewhere.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.elu(tg.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.    ])
    """
    x = _tensor(input, "elu")
    positive = x > 0
    # exp only of the non-positive part: the unused branch must not overflow (inf · 0 = NaN)
    return where(positive, x, (where(positive, 0.0, x).exp() - 1) * alpha)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Softplus, a smooth ReLU: ``(1/β) log(1 + e^(βx))``, and ``x`` itself where βx > threshold.

    Its derivative is σ(βx). Computed without overflow for any finite x.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.softplus(tg.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.    ])
    """
    x = _tensor(input, "softplus")
    scaled = x * beta
    return where(scaled > threshold, x, _log1p_exp(scaled) * (1 / beta))


def _log1p_exp(z: Tensor) -> Tensor:
    """log(1 + eᶻ) = max(z, 0) + log(1 + e^(−|z|)), with each branch smooth where it is used.

    Written with ``where`` rather than ``relu`` and ``abs``, whose derivatives at 0 are 0: their
    sum would give a derivative of 0 at z = 0 instead of σ(0) = ½.
    """
    positive = z > 0
    return where(positive, z, 0.0) + (where(positive, -z, z).exp() + 1).log()


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1 − p).

    The expected value of every element is unchanged, so nothing is rescaled at evaluation
    time: with ``training=False`` (or p = 0) the input is returned as it is. The mask is drawn
    from the package's generator, so ``tg.manual_seed`` reproduces it. The gradient is the
    same mask times 1/(1 − p).

    Args:
        input: any floating tensor.
        p: the probability of zeroing an element, in [0, 1].
        training: apply dropout (``True``, the default, as PyTorch's function) or not.
        inplace: accepted for PyTorch code; the result is always a new tensor.

    Raises:
        ValueError: for ``p`` outside [0, 1].

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> _ = tg.manual_seed(0)
        >>> y = F.dropout(tg.ones(1000), p=0.25)
        >>> sorted(set(y.tolist())), round(float(y.mean()), 1)  # 0 or 1/0.75; mean about 1
        ([0.0, 1.3333333730697632], 1.0)
    """
    _check_probability(p, "dropout")
    x = _tensor(input, "dropout")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = creation.generator().random(x.shape) >= p
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    return x * Tensor(keep.astype(dtype) * dtype.type(1 / (1 - p)))


def _check_probability(p: float, name: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, but got {p}")


# --------------------------------------------------------------------------- normalisation


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over every dim but the channels (dim 1).

    In training (or without running statistics) each channel c is normalised with its batch
    mean μ_c and biased variance σ²_c: x̂ = (x − μ_c) / √(σ²_c + eps), then y = γ_c x̂ + β_c.
    In training the running statistics are also updated in place:
    r ← (1 − momentum) r + momentum · s, with the *unbiased* variance for ``running_var``.
    At evaluation the running statistics take the batch's place.

    Args:
        input: ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``.
        running_mean: ``(C,)`` or ``None``.
        running_var: ``(C,)`` or ``None``.
        weight: γ, ``(C,)`` or ``None`` for 1.
        bias: β, ``(C,)`` or ``None`` for 0.
        training: use (and update) the batch statistics.
        momentum: the running statistics' update factor.
        eps: added to the variance.

    Raises:
        ValueError: in training with one value per channel.

    Examples:
        >>> x = tg.tensor([[1.0, 10.0], [3.0, 30.0]])
        >>> F.batch_norm(x, None, None, training=True)
        tensor([[-1., -1.],
                [ 1.,  1.]])
    """
    x = _tensor(input, "batch_norm")
    if x.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input with a batch and a channel dim, got {x.shape}"
        )
    axes = (0, *range(2, x.ndim))
    count = x.numel() // x.shape[1] if x.shape[1] else 0
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training or running_mean is None:
        if training and count <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input "
                f"of shape {x.shape}"
            )
        mean = x.mean(dim=axes, keepdim=True)
        centred = x - mean
        var = (centred * centred).mean(dim=axes, keepdim=True)
        if training and running_mean is not None:
            _update_running(running_mean, running_var, mean, var, momentum, count)
    else:
        centred = x - running_mean.reshape(shape)
        var = running_var.reshape(shape)  # type: ignore[union-attr]  # given with running_mean
    out = centred / (var + eps).sqrt()
    return _affine(out, weight, bias, shape)


def _update_running(
    running_mean: Tensor,
    running_var: Tensor | None,
    mean: Tensor,
    var: Tensor,
    momentum: float,
    count: int,
) -> None:
    """r ← (1 − momentum) r + momentum · s, in place (the buffers share memory with state_dict)."""
    means = running_mean.numpy()
    means *= 1 - momentum
    means += momentum * mean.numpy().reshape(-1)
    increment_version(running_mean)
    if running_var is not None:
        variances = running_var.numpy()
        variances *= 1 - momentum
        variances += momentum * var.numpy().reshape(-1) * (count / (count - 1))
        increment_version(running_var)


def _affine(
    x: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]
) -> Tensor:
    if weight is not None:
        x = x * weight.reshape(shape)
    if bias is not None:
        x = x + bias.reshape(shape)
    return x


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalisation over the last dims, those of ``normalized_shape``.

    Each sample is normalised with its own mean and biased variance over those dims:
    y = (x − μ) / √(σ² + eps) · γ + β (γ, β of ``normalized_shape``, elementwise).

    Raises:
        RuntimeError: when the input's last dims are not ``normalized_shape``.

    Shapes:
        input ``(*, *normalized_shape)`` → the same.

    Examples:
        >>> F.layer_norm(tg.tensor([[1.0, 3.0], [0.0, 10.0]]), (2,))
        tensor([[-1.,  1.],
                [-1.,  1.]])
    """
    x = _tensor(input, "layer_norm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or x.shape[x.ndim - len(shape) :] != shape or len(shape) > x.ndim:
        raise RuntimeError(
            f"layer_norm: normalized_shape {shape} must be the input's last dims, got input "
            f"of shape {x.shape}"
        )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    centred = x - x.mean(dim=axes, keepdim=True)
    var = (centred * centred).mean(dim=axes, keepdim=True)
    out = centred / (var + eps).sqrt()
    return _affine(out, weight, bias, shape)


# --------------------------------------------------------------------------- convolution, pooling


def _pair(value: Any, name: str, op: str) -> tuple[int, int]:
    """An int or a pair of ints as a pair (PyTorch's ``_pair``)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def _image_input(input: Any, op: str) -> tuple[Tensor, bool]:
    """The input as ``(N, C, H, W)`` and whether it came without the batch dim."""
    x = _tensor(input, op)
    if x.ndim not in (3, 4):
        raise RuntimeError(
            f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {x.shape}"
        )
    return (x.unsqueeze(0), True) if x.ndim == 3 else (x, False)


def _constant_pad(x: Tensor, pads: tuple[tuple[int, int], tuple[int, int]], value: float) -> Tensor:
    """Pad the last two dims with ``value`` (the PAD rule; its VJP slices the padding off)."""
    if not any(pads[0]) and not any(pads[1]):
        return x
    pad_width = ((0, 0),) * (x.ndim - 2) + pads
    return apply(rules.PAD, x, pad_width=pad_width, value=value)


def _output_size(size: int, kernel: int, stride: int, dilation: int) -> int:
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _check_output(
    x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int], op: str
) -> None:
    """A kernel that does not fit the (padded) input is an error, as PyTorch's."""
    height, width = x.shape[-2:]
    rows = _output_size(height, kernel[0], stride[0], dilation[0])
    cols = _output_size(width, kernel[1], stride[1], dilation[1])
    if rows <= 0 or cols <= 0:
        raise RuntimeError(
            f"{op}: the padded input of size ({height} x {width}) is smaller than the kernel "
            f"{kernel} with dilation {dilation}: the output would be ({rows} x {cols})"
        )
    if min(stride) <= 0:
        raise RuntimeError(f"{op}: stride must be positive, got {stride}")


def _windows(
    x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> Tensor:
    """``(…, H, W)`` → ``(…, OH, OW, KH, KW)``: every window, a strided view (no copy)."""
    return apply(rules.WINDOWS, x, kernel=kernel, stride=stride, dilation=dilation)


def _conv_padding(
    padding: Any, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """``(top, bottom), (left, right)`` for an int, a pair, ``"valid"`` or ``"same"``."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(
                f"conv2d: invalid padding string {padding!r}, should be one of 'valid', 'same'"
            )
        if stride != (1, 1):
            raise ValueError("conv2d: padding='same' is not supported for strided convolutions")
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return (total[0] // 2, total[0] - total[0] // 2), (total[1] // 2, total[1] - total[1] // 2)
    rows, cols = _pair(padding, "padding", "conv2d")
    if rows < 0 or cols < 0:
        raise RuntimeError(f"conv2d: negative padding is not supported, got {padding!r}")
    return (rows, rows), (cols, cols)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation, as in every framework) of images with filters.

    out[n, o, i, j] = b_o + Σ_{c, p, q} W[o, c, p, q] · x[n, c, i·s + p·d, j·s + q·d] on the
    zero-padded input. Computed as im2col: the windows of the padded input (a strided view),
    copied once into a matrix of shape ``(N·OH·OW, C·KH·KW)``, times the filters as a matrix
    ``(O, C·KH·KW)`` — one matrix product, no loop over pixels. Every step is a differentiable
    operation, so the gradient (and the gradient of the gradient) comes from their rules:
    ∂ℰ/∂W = Gᵀ · columns, and ∂ℰ/∂x adds each window's gradient back where it came from.

    Args:
        input: images ``(N, C, H, W)``, or one image ``(C, H, W)``.
        weight: filters ``(O, C / groups, KH, KW)``.
        bias: ``(O,)`` or ``None``.
        stride: the step between windows, an int or ``(sh, sw)``.
        padding: zeros added on each side: an int, ``(ph, pw)``, ``"valid"`` (none) or
            ``"same"`` (the output keeps the input's size; stride 1 only; an odd total puts
            the extra row and column at the bottom and right, as PyTorch).
        dilation: the spacing between kernel taps, an int or ``(dh, dw)``.
        groups: split the channels into this many groups, each convolved with its own
            ``O / groups`` filters (``groups = C`` is a depthwise convolution); the weight is
            then ``(O, C / groups, KH, KW)``.

    Raises:
        RuntimeError: for inputs that are not 3-D or 4-D, a channel count that does not match
            the weight's times ``groups``, out channels not divisible by ``groups``, a kernel
            larger than the padded input, or negative padding.

    Shapes:
        ``(N, C, H, W)`` → ``(N, O, OH, OW)`` with OH = ⌊(H + 2p − d (KH − 1) − 1) / s⌋ + 1.

    Examples:
        >>> x = tg.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.conv2d(x, tg.ones(1, 1, 2, 2), stride=2)  # the sum of each 2×2 block
        tensor([[[[10., 18.],
                  [42., 50.]]]])
    """
    x, unbatched = _image_input(input, "conv2d")
    _check_conv_weight(x, weight, groups, "conv2d")
    out_channels, _, *size = weight.shape
    kernel = (int(size[0]), int(size[1]))
    stride, dilation = _pair(stride, "stride", "conv2d"), _pair(dilation, "dilation", "conv2d")
    x = _constant_pad(x, _conv_padding(padding, kernel, stride, dilation), 0.0)
    _check_output(x, kernel, stride, dilation, "conv2d")
    windows = _windows(x, kernel, stride, dilation)  # (N, C, OH, OW, KH, KW), a view
    n, _, rows, cols = windows.shape[:4]
    if groups != 1:
        out = _grouped_product(windows, weight, groups)
        if bias is not None:
            out = out + bias.reshape(-1, 1, 1, 1)
        out = out.permute(1, 0, 2, 3)
        return out.squeeze(0) if unbatched else out
    # im2col, transposed: (C·KH·KW, N·OH·OW), one copy. Filters on the left keep both matrix
    # operands contiguous, which OpenBLAS multiplies about 3× faster than columns @ Wᵀ.
    columns = windows.permute(1, 4, 5, 0, 2, 3).reshape(-1, n * rows * cols)
    out = weight.reshape(out_channels, -1) @ columns
    if bias is not None:
        out = out + bias.reshape(-1, 1)
    out = out.reshape(out_channels, n, rows, cols).permute(1, 0, 2, 3)
    return out.squeeze(0) if unbatched else out


def _check_conv_weight(x: Tensor, weight: Tensor, groups: int, op: str) -> None:
    """The weight is ``(O, C / groups, KH, KW)`` with O divisible by ``groups``, as PyTorch's."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got groups={groups!r}")
    if weight.ndim != 4 or weight.shape[1] * groups != x.shape[1]:
        expected = weight.shape[1] * groups if weight.ndim == 4 else "?"
        raise RuntimeError(
            f"{op}: weight of shape {weight.shape} with groups={groups} expects an input with "
            f"{expected} channels (weight: (out_channels, in_channels / groups, kH, kW)), got "
            f"an input of shape {x.shape}"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"{op}: weight of shape {weight.shape}: out_channels (dim 0) must be divisible by "
            f"groups={groups}"
        )


def _grouped_product(windows: Tensor, weight: Tensor, groups: int) -> Tensor:
    """Each group's filters times its channels' windows: one batched matrix product over groups.

    ``(N, C, OH, OW, KH, KW)`` windows and ``(O, C/G, KH, KW)`` filters → ``(O, N, OH, OW)``.
    """
    n, channels, rows, cols, kh, kw = windows.shape
    columns = windows.reshape(n, groups, channels // groups, rows, cols, kh, kw)
    columns = columns.permute(1, 2, 5, 6, 0, 3, 4).reshape(groups, -1, n * rows * cols)
    filters = weight.reshape(groups, weight.shape[0] // groups, -1)
    return (filters @ columns).reshape(weight.shape[0], n, rows, cols)


def _pool_settings(
    kernel_size: Any, stride: Any, padding: Any, dilation: Any, op: str
) -> tuple[tuple[int, int], ...]:
    kernel = _pair(kernel_size, "kernel_size", op)
    steps = kernel if stride is None or (not isinstance(stride, int) and not stride) else stride
    pads, dilation = _pair(padding, "padding", op), _pair(dilation, "dilation", op)
    for pad, k in zip(pads, kernel):
        if pad < 0 or pad > k // 2:  # PyTorch bounds it by the kernel, dilation or not
            raise RuntimeError(
                f"{op}: pad should be at most half of kernel size, but got pad={pad} and "
                f"kernel_size={k}"
            )
    return kernel, _pair(steps, "stride", op), pads, dilation


def _ceil_pads(
    x: Tensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    pads: tuple[int, int],
    dilation: tuple[int, int],
    ceil_mode: bool,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The padding ``(top, bottom), (left, right)``; ``ceil_mode`` adds rows and columns at the
    bottom and right for the last, partial window, which must start inside the input or the
    left padding (PyTorch's rule)."""
    extra = [0, 0]
    for axis in (0, 1):
        size, pad = x.shape[-2 + axis] + 2 * pads[axis], pads[axis]
        span, step = dilation[axis] * (kernel[axis] - 1) + 1, stride[axis]
        if ceil_mode and size >= span and step > 0:
            count = -(-(size - span) // step) + 1  # ⌈(size − span) / s⌉ + 1
            if (count - 1) * step >= size - pad:  # the last window would start in the padding
                count -= 1
            extra[axis] = max(0, (count - 1) * step + span - size)
    return (pads[0], pads[0] + extra[0]), (pads[1], pads[1] + extra[1])


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """2-D max pooling: the largest value of each window (padding counts as −∞).

    The gradient of an output goes to the one input it was taken from, the first maximum of
    its window on ties, as PyTorch's: the pooled values are gathered from the input by their
    flat positions, so the backward pass is a scatter-add (twice differentiable).

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the window, an int or ``(kh, kw)``.
        stride: the step between windows; ``None`` means ``kernel_size``.
        padding: −∞ added on each side, at most half the kernel.
        dilation: the spacing between window taps.
        ceil_mode: count a last, partial window at the bottom and right (its start must
            lie inside the input or the left padding), as PyTorch.
        return_indices: also return each maximum's flat position in its input plane (H·W).

    Shapes:
        ``(N, C, H, W)`` → ``(N, C, OH, OW)``, OH = ⌊(H + 2p − d (k − 1) − 1) / s⌋ + 1 (⌈·⌉
        with ``ceil_mode``, one less where the last window would start in the right padding).

    Examples:
        >>> x = tg.tensor([[[[1.0, 2.0], [4.0, 3.0]]]], requires_grad=True)
        >>> y = F.max_pool2d(x, 2); y.sum().backward(); y.item(), x.grad.tolist()
        (4.0, [[[[0.0, 0.0], [1.0, 0.0]]]])
    """
    x, unbatched = _image_input(input, "max_pool2d")
    kernel, stride, pads, dilation = _pool_settings(
        kernel_size, stride, padding, dilation, "max_pool2d"
    )
    pad_width = _ceil_pads(x, kernel, stride, pads, dilation, ceil_mode)
    padded = _constant_pad(x, pad_width, -math.inf)
    _check_output(padded, kernel, stride, dilation, "max_pool2d")
    rows, cols = _argmax_positions(padded.numpy(), kernel, stride, dilation)
    height, width = padded.shape[-2:]
    planes = np.arange(math.prod(x.shape[:-2])).reshape(*x.shape[:-2], 1, 1)
    out = padded.reshape(-1)[(planes * height + rows) * width + cols]
    if unbatched:
        out = out.squeeze(0)
    if not return_indices:
        return out
    indices = (rows - pads[0]) * x.shape[-1] + (cols - pads[1])
    return out, Tensor(indices[0] if unbatched else indices)


def _argmax_positions(
    padded: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Each window's first maximum (its last NaN, as PyTorch), as (row, column) in ``padded``.

    One pass per kernel offset over strided slices (NumPy's argmax over the windows' last axes
    is several times slower).
    """
    rows = _output_size(padded.shape[-2], kernel[0], stride[0], dilation[0])
    cols = _output_size(padded.shape[-1], kernel[1], stride[1], dilation[1])
    taps = rules.tap_slices(kernel, stride, dilation, rows, cols)
    best = padded[taps[0]]
    best_tap = np.zeros(best.shape, np.intp)
    for tap, window_tap in enumerate(taps[1:], start=1):
        values = padded[window_tap]
        better = (values > best) | np.isnan(values)  # PyTorch's test: a later NaN wins
        best = np.where(better, values, best)
        best_tap[better] = tap
    tap_row, tap_col = np.divmod(best_tap, kernel[1])
    rows_at = np.arange(rows).reshape(-1, 1) * stride[0] + tap_row * dilation[0]
    cols_at = np.arange(cols) * stride[1] + tap_col * dilation[1]
    return rows_at, cols_at


def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """2-D average pooling: the mean of each window (zero padding).

    Each output is the sum of its window divided by kh·kw; with ``count_include_pad=False``
    by the number of non-padding entries; with ``divisor_override`` by that number. The
    gradient spreads each output's gradient evenly back over its window.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the window, an int or ``(kh, kw)``.
        stride: the step between windows; ``None`` means ``kernel_size``.
        padding: zeros added on each side, at most half the kernel.
        ceil_mode: count a last, partial window at the bottom and right (its start must
            lie inside the input or the left padding), as PyTorch.
        count_include_pad: whether the padding counts in the mean's denominator (the
            ``padding``, never the rows ``ceil_mode`` adds beyond it, as PyTorch).
        divisor_override: a fixed denominator instead.

    Shapes:
        ``(N, C, H, W)`` → ``(N, C, OH, OW)``, OH = ⌊(H + 2p − k) / s⌋ + 1.

    Examples:
        >>> F.avg_pool2d(tg.arange(16.0).reshape(1, 4, 4), 2)
        tensor([[[ 2.5,  4.5],
                 [10.5, 12.5]]])
    """
    x, unbatched = _image_input(input, "avg_pool2d")
    kernel, stride, pads, dilation = _pool_settings(kernel_size, stride, padding, 1, "avg_pool2d")
    pad_width = _ceil_pads(x, kernel, stride, pads, dilation, ceil_mode)
    padded = _constant_pad(x, pad_width, 0.0)
    _check_output(padded, kernel, stride, dilation, "avg_pool2d")
    sums = apply(rules.POOL_SUM, padded, kernel=kernel, stride=stride, dilation=dilation)
    extra = (pad_width[0][1] - pads[0], pad_width[1][1] - pads[1])
    if divisor_override:
        out = sums / divisor_override
    elif not any(extra) and (count_include_pad or not any(pads)):
        out = sums / (kernel[0] * kernel[1])
    else:  # each window's count of the entries its mean divides by
        counted = np.pad(np.ones(x.shape[-2:], dtype=x.dtype), pad_width)
        if count_include_pad:  # the padding counts too, the rows ceil_mode adds do not
            counted[: x.shape[-2] + 2 * pads[0], : x.shape[-1] + 2 * pads[1]] = 1
        counts = rules.POOL_SUM.forward(counted, kernel=kernel, stride=stride, dilation=dilation)
        out = sums / Tensor(counts)
    return out.squeeze(0) if unbatched else out


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last dims with a constant: ``pad`` = (left, right, top, bottom, ...), last dim first.

    Only ``mode="constant"`` is implemented. The gradient cuts the padding off again.

    Raises:
        ValueError: for an odd-length ``pad`` or one longer than twice the input's dims.
        NotImplementedError: for another ``mode`` or negative padding.

    Examples:
        >>> F.pad(tg.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
        tensor([[9., 1., 2.]])
    """
    x = _tensor(input, "pad")
    sizes = [int(p) for p in pad]
    if len(sizes) % 2 or len(sizes) > 2 * x.ndim:
        raise ValueError(
            f"pad: padding length must be even and at most 2 · {x.ndim}, got {len(sizes)}"
        )
    if mode != "constant" or min(sizes, default=0) < 0:
        raise NotImplementedError(
            f"pad: only non-negative constant padding is implemented, got mode={mode!r}, pad={pad}"
        )
    pairs = [(sizes[i], sizes[i + 1]) for i in range(0, len(sizes), 2)]
    pad_width = ((0, 0),) * (x.ndim - len(pairs)) + tuple(reversed(pairs))
    return apply(rules.PAD, x, pad_width=pad_width, value=0.0 if value is None else value)


# --------------------------------------------------------------------------- embeddings


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Look up rows of ``weight``: ``out[..., :] = weight[input[...], :]``.

    The gradient of each row is the sum of the gradients of the outputs that used it (a
    scatter-add); the row ``padding_idx`` gets none. ``max_norm`` first renormalises, in
    place, each used row whose ``norm_type``-norm exceeds it, as PyTorch's.

    Args:
        input: integer indices of any shape.
        weight: the table, ``(num_embeddings, embedding_dim)``.
        padding_idx: a row that receives no gradient.
        max_norm: the largest norm a used row may have, or ``None``.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: only ``False``.
        sparse: only ``False`` (gradients are dense).

    Raises:
        RuntimeError: for non-integer indices.
        IndexError: for an index outside ``[0, num_embeddings)``.

    Shapes:
        input ``(*)`` → ``(*, embedding_dim)``.

    Examples:
        >>> table = tg.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]])
        >>> F.embedding(tg.tensor([[2, 1]]), table)
        tensor([[[3., 4.],
                 [1., 2.]]])
    """
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse are not implemented")
    indices = np.asanyarray(input)  # a tensor's through __array__: tg.compile follows it
    if indices.dtype.kind not in "iu":
        raise RuntimeError(
            f"embedding: expected integer indices, got a tensor of dtype {indices.dtype}"
        )
    rows = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        raise IndexError(
            f"embedding: index out of range: indices must be in [0, {rows}), got "
            f"{int(indices.min())} … {int(indices.max())}"
        )
    if max_norm is not None:
        _renormalise(weight, indices, max_norm, norm_type)
    out = weight[indices]
    if padding_idx is None:
        return out
    padding = padding_idx + rows if padding_idx < 0 else padding_idx
    used = (indices != padding)[..., None]
    return out if used.all() else where(used, out, out.detach())


def _renormalise(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    table = weight.numpy()
    used = np.unique(indices)
    norms = np.linalg.norm(table[used], ord=norm_type, axis=1)
    too_long = norms > max_norm
    scale = max_norm / (norms[too_long] + 1e-7)
    table[used[too_long]] *= scale[:, None].astype(table.dtype)
    increment_version(weight)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: ``out[..., c] = 1`` where ``tensor[...] == c``, else 0.

    ``num_classes=-1`` takes the largest index plus one. The result is ``int64``, as PyTorch.

    Raises:
        RuntimeError: for non-integer input, negative indices, or an index ≥ ``num_classes``.

    Shapes:
        ``(*)`` → ``(*, num_classes)``.

    Examples:
        >>> F.one_hot(tg.tensor([0, 2]))
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    indices = np.asanyarray(tensor)  # a tensor's through __array__: tg.compile follows it
    if indices.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot: is only applicable to integer tensors, got {indices.dtype}")
    if indices.size and indices.min() < 0:
        raise RuntimeError("one_hot: class values must be non-negative")
    if num_classes == -1:
        if not indices.size:
            raise RuntimeError("one_hot: cannot infer the number of classes from an empty tensor")
        num_classes = int(indices.max()) + 1  # a shape from the values: tg.compile checks it
    elif indices.size and indices.max() >= num_classes:  # a decision, not a number
        raise RuntimeError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got "
            f"{int(indices.max())}"
        )
    return Tensor((indices[..., None] == np.arange(num_classes)).astype(np.int64))


# --------------------------------------------------------------------------- more losses


def _difference(input: Any, target: Any, reduction: str, name: str) -> Tensor:
    """``input − target`` for an elementwise loss, warning when the shapes broadcast."""
    _check_reduction(reduction, name)
    x, y = _tensor(input, name), _tensor(target, name, "target")
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ShapeError(
            f"{name}: input of shape {x.shape} and target of shape {y.shape} do not match"
        ) from None
    if shape != x.shape or shape != y.shape:
        warnings.warn(
            f"{name}: target of shape {y.shape} differs from input of shape {x.shape}; they are "
            f"broadcast to {shape}, which is likely not what you want",
            UserWarning,
            stacklevel=3,
        )
    return x - y


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: ℓ_i = |x_i − y_i|, then reduced.

    The gradient is sign(x_i − y_i) (0 where they are equal), divided by n for the mean.

    Examples:
        >>> F.l1_loss(tg.tensor([1.0, 2.0]), tg.tensor([2.0, 4.0])).item()
        1.5
    """
    return _reduce(_difference(input, target, reduction, "l1_loss").abs(), reduction)


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback–Leibler divergence with ``input`` given as log-probabilities:
    ℓ_i = y_i (ln y_i − x_i) (0 where y_i = 0), or e^{y_i} (y_i − x_i) with ``log_target``.

    ``reduction="batchmean"`` divides the sum by the batch size (the true KL divergence);
    ``"mean"`` averages over every element, as PyTorch.

    Examples:
        >>> p = tg.tensor([[0.5, 0.5]])
        >>> F.kl_div(tg.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean").item() > 0
        True
    """
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(f"kl_div: {reduction!r} is not a valid value for reduction")
    x, y = _tensor(input, "kl_div"), _tensor(target, "kl_div", "target")
    # y ln y taken as 0 at y = 0 (xlogy), so a zero target contributes nothing
    pointwise = y.exp() * (y - x) if log_target else y * where(y > 0, y, 1.0).log() - y * x
    if reduction == "batchmean":
        return pointwise.sum() / (x.shape[0] if x.ndim else 1)
    return _reduce(pointwise, reduction)


def smooth_l1_loss(
    input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """ℓ_i = ½ d² / β where |d| < β, else |d| − ½ β, for d = x_i − y_i (β = 0: L1).

    Quadratic near 0 and linear beyond β, so large errors do not dominate the gradient
    (|∂ℓ/∂d| ≤ 1).

    Raises:
        RuntimeError: for β < 0.

    Examples:
        >>> F.smooth_l1_loss(tg.tensor([0.5, 3.0]), tg.zeros(2), reduction="none")
        tensor([0.125, 2.5  ])
    """
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    d = _difference(input, target, reduction, "smooth_l1_loss")
    if beta == 0:
        return _reduce(d.abs(), reduction)
    size = d.abs()
    return _reduce(where(size < beta, d * d * (0.5 / beta), size - 0.5 * beta), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """ℓ_i = ½ d² where |d| < δ, else δ (|d| − ½ δ), for d = x_i − y_i.

    ``smooth_l1_loss`` with β = δ, times δ.

    Raises:
        RuntimeError: for δ ≤ 0.

    Examples:
        >>> F.huber_loss(tg.tensor([0.5, 3.0]), tg.zeros(2), reduction="none", delta=2.0)
        tensor([0.125, 4.   ])
    """
    if delta <= 0:
        raise RuntimeError(f"huber_loss: delta must be positive, got {delta}")
    d = _difference(input, target, reduction, "huber_loss")
    size = d.abs()
    return _reduce(where(size < delta, d * d * 0.5, (size - 0.5 * delta) * delta), reduction)


def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """ℓ_i = −w_i [y_i log x_i + (1 − y_i) log(1 − x_i)], for probabilities x_i in [0, 1].

    Each log is clamped at −100, as PyTorch's, so x = 0 or 1 gives a finite loss. The
    gradient is w_i (x_i − y_i) / max(x_i (1 − x_i), 10⁻¹²). Use
    ``binary_cross_entropy_with_logits`` on logits: it is stable where this is not.

    Raises:
        ValueError: when the target's shape is not the input's.
        RuntimeError: for input values outside [0, 1].

    Examples:
        >>> F.binary_cross_entropy(tg.tensor([0.5, 1.0]), tg.tensor([1.0, 0.0]), reduction="none")
        tensor([  0.6931, 100.    ])
    """
    _check_reduction(reduction, "binary_cross_entropy")
    x, y = _same_shape_target(input, target, "binary_cross_entropy")
    values = x.numpy()
    if values.size and not ((values >= 0) & (values <= 1)).all():
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 and 1")
    losses = apply(rules.BINARY_CROSS_ENTROPY, x, y)
    return _reduce(_weighted_elements(losses, weight), reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy of logits z: ℓ_i = −w_i [p y_i log σ(z_i) + (1 − y_i) log(1 − σ(z_i))].

    ``pos_weight`` p (one per class, the last dim) weighs the positive term. Computed as
    (1 − y) z + (1 + (p − 1) y) · log(1 + e^(−z)) with a log(1 + eᶻ) that never overflows, so
    it is finite for any logits. The gradient is w (σ(z)(1 + (p − 1) y) − p y).

    Raises:
        ValueError: when the target's shape is not the input's.

    Examples:
        >>> z = tg.tensor([0.0, 100.0], requires_grad=True)
        >>> loss = F.binary_cross_entropy_with_logits(z, tg.tensor([1.0, 0.0]), reduction="sum")
        >>> loss.backward(); round(loss.item(), 4), z.grad
        (100.6931, tensor([-0.5,  1. ]))
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    z, y = _same_shape_target(input, target, "binary_cross_entropy_with_logits")
    softplus_neg = _log1p_exp(-z)  # −log σ(z)
    if pos_weight is None:
        losses = (1 - y) * z + softplus_neg
    else:
        log_weight = (_tensor(pos_weight, "binary_cross_entropy_with_logits") - 1) * y + 1
        losses = (1 - y) * z + log_weight * softplus_neg
    return _reduce(_weighted_elements(losses, weight), reduction)


def _same_shape_target(input: Any, target: Any, name: str) -> tuple[Tensor, Tensor]:
    x, y = _tensor(input, name), _tensor(target, name, "target")
    if x.shape != y.shape:
        raise ValueError(
            f"{name}: target of shape {y.shape} must be the same as the input's {x.shape}"
        )
    if y.dtype != x.dtype and x.dtype.kind == "f":
        y = y.to(x.dtype)
    return x, y


def _weighted_elements(losses: Tensor, weight: Any) -> Tensor:
    if weight is None:
        return losses
    w = _tensor(weight, "loss", "weight")
    return losses * (w.to(losses.dtype) if w.dtype != losses.dtype else w)


# --------------------------------------------------------------- channel dropout, adaptive pooling


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Channel dropout: zero whole channels of ``(N, C, H, W)`` (or ``(C, H, W)``) inputs.

    Each channel map is kept or zeroed together (probability ``p``), the kept ones scaled by
    1/(1 − p), as PyTorch's ``dropout2d``: neighbouring pixels are correlated, so dropping
    single pixels would regularise little. Identity when not training.

    Raises:
        ValueError: for ``p`` outside [0, 1].

    Examples:
        >>> _ = tg.manual_seed(0)
        >>> y = F.dropout2d(tg.ones(1, 6, 2, 2))
        >>> sorted(set(y.reshape(6, 4).max(dim=1).values.tolist()))  # channels: all 0 or 2
        [0.0, 2.0]
    """
    _check_probability(p, "dropout2d")
    x = _tensor(input, "dropout2d")
    if x.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3-D or 4-D input, got shape {x.shape}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    mask_shape = (*x.shape[:-2], 1, 1)
    keep = creation.generator().random(mask_shape) >= p
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    return x * Tensor(keep.astype(dtype) * dtype.type(1 / (1 - p)))


def _averaging_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """``(out, size)``: row i averages PyTorch's window ⌊i·size/out⌋ … ⌈(i+1)·size/out⌉ − 1."""
    rows = np.arange(out)
    starts, stops = rows * size // out, -(-(rows + 1) * size // out)
    columns = np.arange(size)
    inside = (columns >= starts[:, None]) & (columns < stops[:, None])
    return (inside / (stops - starts)[:, None]).astype(dtype)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size, whatever the input's: PyTorch's adaptive windows.

    Output row i averages input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1 (the same for columns), so
    ``output_size=1`` is the global average. Computed as two small matrix products,
    A_H · x · A_Wᵀ with averaging matrices, so it is vectorised and twice differentiable.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size: an int or ``(OH, OW)``; ``None`` in a place keeps the input's size.

    Examples:
        >>> F.adaptive_avg_pool2d(tg.arange(16.0).reshape(1, 4, 4), 1)
        tensor([[[7.5]]])
    """
    x, unbatched = _image_input(input, "adaptive_avg_pool2d")
    pair = isinstance(output_size, (tuple, list))
    sizes = output_size if pair else (output_size, output_size)
    height, width = x.shape[-2:]
    out_h, out_w = (n if s is None else int(s) for s, n in zip(sizes, (height, width)))
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"adaptive_avg_pool2d: output_size must be positive, got {output_size}")
    rows = Tensor(_averaging_matrix(height, out_h, x.dtype))
    cols = Tensor(_averaging_matrix(width, out_w, x.dtype).T.copy())
    out = rows @ (x @ cols)
    return out.squeeze(0) if unbatched else out


# F.normalize, F.cosine_similarity, F.pairwise_distance, F.scaled_dot_product_attention
from .similarity import (  # noqa: E402
    cosine_similarity,
    normalize,
    pairwise_distance,
    scaled_dot_product_attention,
)

__all__ += ["cosine_similarity", "normalize", "pairwise_distance", "scaled_dot_product_attention"]

# F.silu, F.conv1d, F.interpolate, ...: the functions of functional_more.py (which builds on this
# module, so it is imported last)
from . import functional_more as _more  # noqa: E402

globals().update({_name: getattr(_more, _name) for _name in _more.__all__})
__all__ += _more.__all__

# F.conv_transpose1d, F.conv_transpose2d (functional_transpose.py builds on both modules above)
from . import functional_transpose as _transpose  # noqa: E402

globals().update({_name: getattr(_transpose, _name) for _name in _transpose.__all__})
__all__ += _transpose.__all__
