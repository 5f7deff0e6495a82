"""loss.py: the loss modules ``MSELoss``, ``SSELoss``, ``CrossEntropyLoss`` and ``NLLLoss``.

Each is a thin module around the function of the same name in ``tg.nn.functional``, where the
formulas are written out; ``loss_fn(prediction, target)`` returns a scalar tensor (or, with
``reduction="none"``, one loss per element or sample). The module only stores the settings
(``reduction``, class ``weight`` as a buffer, ``ignore_index``, ``label_smoothing``).
``SSELoss`` is the lecture's ℰ = ½ Σ (y_L − y)².
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str) -> None:
        super().__init__()
        F._check_reduction(reduction, type(self).__name__)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with optional per-class weights, kept as a buffer (saved in ``state_dict``)."""

    def __init__(self, weight: Any, reduction: str) -> None:
        super().__init__(reduction)
        if weight is not None and not isinstance(weight, Tensor):
            weight = Tensor(np.asarray(weight))
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error, ℓ = mean_i (x_i − y_i)² (``reduction="mean"``, the default).

    ``"sum"`` gives Σ_i (x_i − y_i)², ``"none"`` the elementwise (x_i − y_i)². The mean's
    gradient is ∂ℓ/∂x_i = 2 (x_i − y_i) / n over all n elements. See ``SSELoss`` for the
    lecture's ℰ, which differs by a factor n/2.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Shapes:
        input and target of the same shape → a scalar (or that shape with ``"none"``).

    Examples:
        >>> loss_fn = nn.MSELoss()
        >>> loss_fn(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0])).item()  # (0 + 4) / 2
        2.0
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.mse_loss(input, target, reduction=self.reduction)``.

        Examples:
            >>> nn.MSELoss(reduction="sum").forward(tg.tensor([3.0]), tg.tensor([1.0])).item()
            4.0
        """
        return F.mse_loss(input, target, reduction=self.reduction)


class SSELoss(_Loss):
    """The lecture's loss, ℰ = ½ Σ_i (y_L,i − y_i)²: half the *sum* of squared errors.

    The default ``reduction="sum"`` is the lecture's ℰ (output y_L, target y), whose gradient
    ∂ℰ/∂y_L = y_L − y is the lecture's output error ε = y − y_L with the sign flipped;
    ``"mean"`` gives ½ · mean, ``"none"`` the elementwise ½ (x − y)². PyTorch has no such
    loss; there it is ``0.5 * F.mse_loss(x, y, reduction="sum")``.

    Args:
        reduction: ``"sum"`` (the default), ``"mean"`` or ``"none"``.

    Shapes:
        input and target of the same shape → a scalar (or that shape with ``"none"``).

    Examples:
        >>> y_L = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = nn.SSELoss()(y_L, tg.tensor([1.0, 4.0]))  # ½ (0² + 2²)
        >>> loss.item()
        2.0
        >>> loss.backward(); y_L.grad  # y_L − y = −ε
        tensor([ 0., -2.])
    """

    def __init__(self, reduction: str = "sum") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.sse_loss(input, target, reduction=self.reduction)``.

        Examples:
            >>> nn.SSELoss().forward(tg.tensor([3.0, 0.0]), tg.tensor([1.0, 0.0])).item()
            2.0
        """
        return F.sse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities: ℓ_i = −w_{t_i} x_{i, t_i}.

    ``"mean"`` divides Σ_i ℓ_i by Σ_i w_{t_i} (by N without weights), as PyTorch; samples
    whose target is ``ignore_index`` count nowhere. ``NLLLoss()(LogSoftmax(dim=1)(z), t)``
    equals ``CrossEntropyLoss()(z, t)``. See ``F.nll_loss``.

    Args:
        weight: a weight per class, shape ``(C,)``; kept as a buffer.
        ignore_index: a target value that contributes nothing.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Shapes:
        input ``(N, C)`` (log-probabilities), target ``(N,)`` class indices → a scalar
        (``(N,)`` with ``"none"``); also ``(C,)`` with a 0-d target, and ``(N, C, d1, ...)``.

    Examples:
        >>> logp = tg.tensor([[-1.0, -2.0], [-3.0, -0.5]])
        >>> nn.NLLLoss()(logp, np.array([0, 1])).item()  # (1 + 0.5) / 2
        0.75
        >>> nn.NLLLoss(weight=[1.0, 3.0])(logp, np.array([0, 1])).item()  # (1 + 1.5) / 4
        0.625
    """

    def __init__(
        self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.nll_loss`` with this module's settings.

        Examples:
            >>> nn.NLLLoss(reduction="sum").forward(tg.tensor([[-1.0, -2.0]]), [1]).item()
            2.0
        """
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits: ℓ_i = −w_{t_i} log softmax(x_i)_{t_i} (softmax built in).

    Targets are class indices ``(N,)`` or class probabilities ``(N, C)``; ``label_smoothing``
    and ``ignore_index`` as PyTorch's (see ``F.cross_entropy``). The model's last layer
    therefore has no softmax. Without weights, the gradient with respect to the logits is
    ∂ℓ_i/∂x_i = softmax(x_i) − onehot(t_i) (divided by N for ``"mean"``): the lecture's
    softmax-with-cross-entropy output δ = y − y_L with the sign flipped, no φ' factor.

    Args:
        weight: a weight per class, shape ``(C,)``, for unbalanced classes; kept as a buffer.
        ignore_index: a class-index target value that contributes nothing (and is not counted
            by ``"mean"``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        label_smoothing: ε in [0, 1]; the target becomes (1 − ε) onehot + ε / C.

    Shapes:
        input ``(N, C)`` logits, target ``(N,)`` or ``(N, C)`` → a scalar (``(N,)`` with
        ``"none"``); also ``(C,)`` and ``(N, C, d1, ...)`` as ``F.cross_entropy``.

    Examples:
        >>> logits = tg.tensor([[0.0, 0.0]], requires_grad=True)
        >>> loss = nn.CrossEntropyLoss()(logits, np.array([1]))
        >>> round(loss.item(), 4)  # log 2
        0.6931
        >>> loss.backward(); logits.grad  # softmax − onehot = [0.5, 0.5] − [0, 1]
        tensor([[ 0.5, -0.5]])
    """

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.cross_entropy`` with this module's settings.

        Examples:
            >>> loss_fn = nn.CrossEntropyLoss(reduction="sum")
            >>> round(loss_fn.forward(tg.zeros(2, 2), [0, 1]).item(), 4)  # 2 log 2
            1.3863
        """
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class L1Loss(_Loss):
    """Mean absolute error, ℓ = mean_i |x_i − y_i| (``F.l1_loss``).

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Shapes:
        input and target of the same shape → a scalar (or that shape with ``"none"``).

    Examples:
        >>> nn.L1Loss()(tg.tensor([1.0, 2.0]), tg.tensor([2.0, 4.0])).item()
        1.5
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.l1_loss(input, target, reduction=self.reduction)``."""
        return F.l1_loss(input, target, reduction=self.reduction)


class KLDivLoss(_Loss):
    """ℓ_i = y_i (ln y_i − x_i) with ``x`` log-probabilities (``F.kl_div``).

    Args:
        reduction: ``"mean"``, ``"batchmean"``, ``"sum"`` or ``"none"``.
        log_target: the target is given as log-probabilities too.

    Examples:
        >>> loss = nn.KLDivLoss(reduction="batchmean")
        >>> loss(tg.tensor([[0.5, 0.5]]).log(), tg.tensor([[0.5, 0.5]])).item()
        0.0
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__("mean")
        if reduction not in ("mean", "batchmean", "sum", "none"):
            raise ValueError(f"KLDivLoss: {reduction!r} is not a valid value for reduction")
        self.reduction = reduction  # "batchmean" too, which the other losses do not take
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)``."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class SmoothL1Loss(_Loss):
    """ℓ_i = ½ d² / β for |d| < β, else |d| − ½ β, with d = x_i − y_i (``F.smooth_l1_loss``).

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        beta: where the loss turns from quadratic to linear (0 gives L1).

    Examples:
        >>> nn.SmoothL1Loss(beta=0.5)(tg.tensor([0.25, 2.0]), tg.zeros(2)).item()
        0.90625
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.smooth_l1_loss`` with this module's settings."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """ℓ_i = ½ d² for |d| < δ, else δ (|d| − ½ δ), with d = x_i − y_i (``F.huber_loss``).

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        delta: where the loss turns from quadratic to linear (positive).

    Examples:
        >>> nn.HuberLoss(delta=2.0)(tg.tensor([1.0, 4.0]), tg.zeros(2)).item()  # (0.5 + 6) / 2
        3.25
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.huber_loss`` with this module's settings."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: ℓ_i = −w_i [y_i log x_i + (1 − y_i) log(1 − x_i)].

    Logs are clamped at −100, as PyTorch's (``F.binary_cross_entropy``); the input must lie
    in [0, 1] (a ``Sigmoid`` output). ``BCEWithLogitsLoss`` on the logits is more stable.

    Args:
        weight: multiplies each element's loss (broadcast to the input); kept as a buffer.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Examples:
        >>> round(nn.BCELoss()(tg.tensor([0.8, 0.4]), tg.tensor([1.0, 0.0])).item(), 4)
        0.367
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.binary_cross_entropy`` with this module's settings."""
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits z, with the sigmoid inside: stable for any z.

    ℓ_i = −w_i [p y_i log σ(z_i) + (1 − y_i) log(1 − σ(z_i))], p the ``pos_weight`` of the
    element's class (last dim). See ``F.binary_cross_entropy_with_logits``.

    Args:
        weight: multiplies each element's loss; kept as a buffer.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        pos_weight: the positive examples' weight per class; kept as a buffer.

    Examples:
        >>> round(nn.BCEWithLogitsLoss()(tg.tensor([0.0]), tg.tensor([1.0])).item(), 4)
        0.6931
    """

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(weight, reduction)
        if pos_weight is not None and not isinstance(pos_weight, Tensor):
            pos_weight = Tensor(np.asarray(pos_weight))
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """``F.binary_cross_entropy_with_logits`` with this module's settings."""
        return F.binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
