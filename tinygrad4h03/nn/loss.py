"""Loss modules: ``MSELoss``, ``SSELoss`` (the lecture's E), ``CrossEntropyLoss``, ``NLLLoss``.

Each is a thin module around the function of the same name in :mod:`.functional`, where the
formulas are written out; ``loss_fn(prediction, target)`` returns a scalar tensor (or, with
``reduction="none"``, one loss per element or sample).
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

    Shape: input and target of the same shape → a scalar (or that shape with ``"none"``).
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class SSELoss(_Loss):
    """The lecture's loss, E = ½ Σ_i (y_L,i − y_i)²: half the *sum* of squared errors.

    The default ``reduction="sum"`` is the lecture's E, whose gradient ∂E/∂y_L = y_L − y is
    the lecture's output error ε = y − y_L with the sign flipped; ``"mean"`` gives ½ · mean,
    ``"none"`` the elementwise ½ (x − y)².

    Shape: input and target of the same shape → a scalar (or that shape with ``"none"``).
    """

    def __init__(self, reduction: str = "sum") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.sse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities: ℓ_i = −w_{t_i} x_{i, t_i}.

    Shape: input ``(N, C)`` (log-probabilities), target ``(N,)`` class indices → a scalar.
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits: ℓ_i = −w_{t_i} log softmax(x_i)_{t_i} (softmax built in).

    Targets are class indices ``(N,)`` or class probabilities ``(N, C)``; ``label_smoothing``
    and ``ignore_index`` as PyTorch's (see :func:`.functional.cross_entropy`).

    Shape: input ``(N, C)`` logits, target ``(N,)`` or ``(N, C)`` → a scalar.
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)
