"""lecture/vanishing.py: why ReLU: the gradient norm of every layer of a deep network.

The lecture says sigmoids "diminish the effects of hidden layers". The δ recursion shows why:
δ^(l) = φ'(v^(l)) ⊙ (W^(l+1))ᵀ δ^(l+1), and σ' = σ(1 − σ) ≤ 1/4, so each sigmoid layer scales
δ by at most a quarter (times the weights), while ReLU's φ' is 0 or 1. `vanishing_gradients`
measures ‖∂ℰ/∂W^(l)‖ for every layer of a deep network on the lecture's digits, with sigmoid and
with ReLU hidden layers, at initialisation and after some training — the ``vanishing`` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .. import data, deltarule

__all__ = [
    "ACTIVATIONS",
    "VANISHING_INITS",
    "GradientNorms",
    "layer_gradient_norms",
    "vanishing_gradients",
]

ACTIVATIONS = ("sigmoid", "relu")
"""The hidden activations `vanishing_gradients` compares."""
VANISHING_INITS = ("book", "pytorch")
"""uniform (−1, 1) as the book's ``2*rand-1``; or U(±1/√n_in), ``nn.Linear``'s default."""


@dataclass(frozen=True)
class GradientNorms:
    """‖∂ℰ/∂W^(l)‖ (Frobenius) of every layer l = 1 … L of one network at one moment.

    Attributes:
        hidden: the hidden activation, ``"sigmoid"`` or ``"relu"``.
        init: the initialisation, one of `VANISHING_INITS`.
        epoch: 0 at initialisation, else the epochs trained.
        norms: one norm per layer, layer 1 first.

    Examples:
        >>> row = GradientNorms("sigmoid", "book", 0, (1e-6, 1e-3))
        >>> row.ratio   # first layer's over the last's
        0.001
    """

    hidden: str
    init: str
    epoch: int
    norms: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """‖∂ℰ/∂W^(1)‖ / ‖∂ℰ/∂W^(L)‖: far below 1 when the gradient vanishes on its way back."""
        return self.norms[0] / self.norms[-1] if self.norms[-1] else float("nan")


def _init(sizes: list[int], init: str, rng: np.random.Generator) -> list[np.ndarray]:
    if init == "book":
        return deltarule.lecture_init(sizes, rng=rng)[0]
    return [rng.uniform(-1, 1, (m, n)) / np.sqrt(n) for n, m in pairwise(sizes)]


def layer_gradient_norms(
    weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray, hidden: str
) -> tuple[float, ...]:
    """‖∂ℰ/∂W^(l)‖ for every layer, ℰ the mean cross-entropy over the rows (softmax output).

    Examples:
        >>> X, labels = data.lecture_digits(order="F")
        >>> weights, _ = deltarule.lecture_init((25, 20, 20, 5), rng=0)
        >>> len(layer_gradient_norms(weights, X, data.one_hot(labels), "sigmoid"))
        3
    """
    grads = deltarule.gradients_batch(weights, None, X, Y, hidden=hidden)
    return tuple(float(np.linalg.norm(dW)) for dW, _ in grads)


def vanishing_gradients(
    depth: int = 10,
    width: int = 20,
    epochs: int = 200,
    lr: float = 0.01,
    seed: int = 0,
    inits: tuple[str, ...] = VANISHING_INITS,
) -> list[GradientNorms]:
    """Per-layer gradient norms of a deep network on the five digits, sigmoid against ReLU.

    For each initialisation and hidden activation the network 25 → ``depth`` × ``width`` → 5
    (softmax, cross-entropy, no biases; the same starting weights for both activations) is
    measured at initialisation, then trained for ``epochs`` epochs of the lecture's per-sample
    updates (``tg.deltarule.train_epoch``) and measured again.

    Args:
        depth: the number of hidden layers.
        width: their width.
        epochs: the epochs of training before the second measurement.
        lr: the learning rate α.
        seed: the seed of the weights.
        inits: which of `VANISHING_INITS` to run.

    Returns:
        Two `GradientNorms` (epoch 0 and ``epochs``) per (init, activation), in that order.

    Examples:
        >>> rows = vanishing_gradients(depth=6, epochs=5)
        >>> [(r.init, r.hidden, r.epoch) for r in rows][:2]
        [('book', 'sigmoid', 0), ('book', 'sigmoid', 5)]
        >>> sigmoid, relu = rows[0], rows[2]
        >>> bool(sigmoid.ratio < 0.05 < 1 < relu.ratio)   # the sigmoid's first layer hardly learns
        True
    """
    X, labels = data.lecture_digits(order="F")
    Y = data.one_hot(labels)
    sizes = [X.shape[1], *[width] * depth, Y.shape[1]]
    rows = []
    for init in inits:
        start = _init(sizes, init, np.random.default_rng(seed))
        for hidden in ACTIVATIONS:
            weights = [W.copy() for W in start]
            rows.append(GradientNorms(hidden, init, 0, layer_gradient_norms(weights, X, Y, hidden)))
            with np.errstate(all="ignore"):
                for _ in range(epochs):
                    deltarule.train_epoch(weights, None, X, Y, lr, hidden=hidden)
                norms = layer_gradient_norms(weights, X, Y, hidden)
            rows.append(GradientNorms(hidden, init, epochs, norms))
    return rows
