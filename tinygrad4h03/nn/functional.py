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

import warnings
from typing import Any

import numpy as np

from .. import rules
from ..tensor import ShapeError, Tensor

__all__ = [
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "sse_loss",
    "tanh",
]

_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------- activations


def relu(input: Tensor) -> Tensor:
    """Rectified linear unit, elementwise: ``y = max(x, 0)``.

    The derivative is 1 where ``x > 0`` and 0 elsewhere, also at ``x = 0`` (as PyTorch).

    Args:
        input: any tensor.

    Returns:
        A tensor of ``input``'s shape and dtype.

    Shapes:
        ``(*)`` in, ``(*)`` out.

    Examples:
        >>> F.relu(tg.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    return _tensor(input, "relu").relu()


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
    x = _tensor(input, "linear")
    if x.ndim == 0 or x.shape[-1] != weight.shape[-1]:
        raise ShapeError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape}: "
            f"the input's last dim must be in_features = {weight.shape[-1]}"
        )
    if weight.ndim != 2:  # a vector of weights: the plain product
        return x @ weight if bias is None else x @ weight + bias
    operands = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._apply(rules.LINEAR, *operands)  # one fused node: x Wᵀ (+ b)


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
    x = _tensor(input, "cross_entropy")
    if _is_probability_target(x, target):
        if ignore_index >= 0:
            raise ValueError(
                "cross_entropy: ignore_index is not supported for class-probability targets"
            )
        return _soft_cross_entropy(x, target, weight, reduction, label_smoothing)
    targets = _class_targets(x, target, "cross_entropy")
    if x.ndim == 2 and weight is None and not label_smoothing and targets.size:
        low, high = targets.min(), targets.max()
        if low >= 0 and high < x.shape[1] and not low <= ignore_index <= high:
            # every target a class and none ignored, the common case: one fused node for
            # log-softmax, gather and reduction
            return Tensor._apply(rules.CROSS_ENTROPY, x, target=targets, reduction=reduction)
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
    safe = flat if keep.all() else np.where(keep, flat, 0)
    _check_range(safe, classes, ignore_index, name)
    weights = _class_weights(weight, classes, logp.dtype, name)
    row_weight = keep.astype(logp.dtype) if weights is None else weights[safe] * keep
    with np.errstate(divide="ignore", invalid="ignore"):  # all rows ignored: NaN, as PyTorch
        scale = 1 / row_weight.sum() if reduction == "mean" else 1.0
        nll_coeff = (-(1 - smoothing) * scale) * row_weight
        loss = _weighted(rows[np.arange(len(flat)), safe], nll_coeff, reduction)
        if smoothing:
            class_sum = rows @ (np.ones(classes, logp.dtype) if weights is None else weights)
            smooth_coeff = (-(smoothing / classes) * scale) * keep.astype(logp.dtype)
            loss = loss + _weighted(class_sum, smooth_coeff, reduction)
    return loss.reshape(targets.shape) if reduction == "none" else loss


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
    probs = target if isinstance(target, Tensor) else np.asarray(target)
    if smoothing:
        probs = probs * (1 - smoothing) + smoothing / classes
    weights = _class_weights(weight, classes, x.dtype, "cross_entropy")
    if weights is not None:
        probs = probs * weights.reshape((classes,) + (1,) * (x.ndim - cdim - 1))
    count = x.data.size // classes if classes else 0
    scale = -1.0 / count if reduction == "mean" else -1.0
    products = x.log_softmax(dim=cdim) * (probs * scale)
    return products.sum(dim=cdim) if reduction == "none" else products.sum()


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
    shape = target.shape if isinstance(target, (Tensor, np.ndarray)) else np.shape(target)
    return x.ndim > 0 and tuple(shape) == x.shape and _dtype_of(target).kind == "f"


def _dtype_of(target: Any) -> np.dtype:
    return target.dtype if isinstance(target, (Tensor, np.ndarray)) else np.asarray(target).dtype


def _class_targets(x: Tensor, target: Any, name: str) -> np.ndarray:
    """The target as an integer array of the input's shape without the class dim."""
    if x.ndim == 0:
        raise ShapeError(f"{name}: input must have a class dim, got a 0-d tensor")
    targets = np.asarray(target.data if isinstance(target, Tensor) else target)
    expected = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
    if targets.dtype.kind not in "iu":
        alternative = f" or class probabilities of shape {x.shape}" * (name == "cross_entropy")
        raise TypeError(
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
    if targets.size and targets.min() >= 0 and targets.max() < classes:
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
    weights = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if weights.shape != (classes,):
        raise ShapeError(
            f"{name}: weight must have one entry per class, shape ({classes},), "
            f"got shape {weights.shape}"
        )
    return weights
