"""lecture/conv.py: the book's convolutional network (ch. 6, ``MnistConv.m``) by either method.

20 filters (9×9 on MNIST; 3×3 on scikit-learn's 8×8 digits), ReLU, 2×2 mean pooling, a dense
ReLU layer of 100, a softmax output; no biases; momentum 0.95 on mini-batch means.

- `build_conv_network`: the network as ``tg.nn`` modules (``Conv2d``, ``ReLU``, ``AvgPool2d``,
  ``Flatten``, ``Linear``), holding copies of ``(W1, W5, Wo)``; `conv_arrays` reads them back.
- `ConvAutogradTrainer` (``tg.optim.SGD`` with momentum, ``backward``) and `ConvDeltaRuleTrainer`
  (``tg.deltarule.conv_train_epoch``): the same updates from the same start.
- `train_conv`: the ``conv`` command without the printing; `conv_comparison`: the gradient of
  every weight by both methods, for ``compare``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import data, deltarule, nn, optim
from ..engine import no_grad
from ..tensor import Tensor
from .comparison import LayerComparison

__all__ = [
    "ConvAutogradTrainer",
    "ConvDeltaRuleTrainer",
    "ConvRun",
    "build_conv_network",
    "conv_arrays",
    "conv_autograd_gradients",
    "conv_comparison",
    "train_conv",
]

ConvWeights = tuple[np.ndarray, np.ndarray, np.ndarray]


def build_conv_network(weights: ConvWeights) -> nn.Sequential:
    """``(W1, W5, Wo)`` as a ``tg.nn.Sequential`` in float64, without biases (as the book).

    Examples:
        >>> model = build_conv_network(deltarule.conv_init((1, 8, 8), kernel=3, rng=0))
        >>> [type(m).__name__ for m in model]
        ['Conv2d', 'ReLU', 'AvgPool2d', 'Flatten', 'Linear', 'ReLU', 'Linear']
        >>> model(Tensor(np.zeros((2, 1, 8, 8)))).shape
        (2, 10)
    """
    W1, W5, Wo = (np.asarray(W, dtype=np.float64) for W in weights)
    f64 = np.float64
    model = nn.Sequential(
        nn.Conv2d(W1.shape[1], W1.shape[0], W1.shape[2], bias=False, dtype=f64),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(W5.shape[1], W5.shape[0], bias=False, dtype=f64),
        nn.ReLU(),
        nn.Linear(Wo.shape[1], Wo.shape[0], bias=False, dtype=f64),
    )
    for index, W in zip((0, 4, 6), (W1, W5, Wo), strict=True):
        model[index].load_state_dict({"weight": W})
    return model


def conv_arrays(model: nn.Sequential) -> ConvWeights:
    """Copies of the network's ``(W1, W5, Wo)``, the inverse of `build_conv_network`.

    Examples:
        >>> weights = deltarule.conv_init((1, 8, 8), kernel=3, rng=0)
        >>> back = conv_arrays(build_conv_network(weights))
        >>> all(np.array_equal(a, b) for a, b in zip(back, weights))
        True
    """
    W1, W5, Wo = (model[i].weight.numpy().copy() for i in (0, 4, 6))
    return W1, W5, Wo


def conv_autograd_gradients(weights: ConvWeights, X: np.ndarray, labels: np.ndarray) -> ConvWeights:
    """∂ℰ/∂W1, ∂ℰ/∂W5, ∂ℰ/∂Wo of the mean cross-entropy by autograd: the twin of
    ``tg.deltarule.conv_gradients``.

    Examples:
        >>> weights = deltarule.conv_init((1, 6, 6), 2, 3, hidden=4, classes=3, rng=0)
        >>> X, labels = np.random.default_rng(1).random((2, 1, 6, 6)), np.array([0, 2])
        >>> auto = conv_autograd_gradients(weights, X, labels)
        >>> rule = deltarule.conv_gradients(weights, X, data.one_hot(labels, 3))
        >>> all(np.allclose(a, r, rtol=1e-10, atol=0) for a, r in zip(auto, rule))
        True
    """
    model = build_conv_network(weights)
    loss = nn.functional.cross_entropy(model(Tensor(np.asarray(X, dtype=np.float64))), labels)
    loss.backward()
    dW1, dW5, dWo = (model[i].weight.grad.numpy() for i in (0, 4, 6))
    return dW1, dW5, dWo


class ConvAutogradTrainer:
    """The convolutional network trained the PyTorch way: ``SGD(lr, momentum)`` on batch means.

    Args:
        weights: the initial ``(W1, W5, Wo)`` (copied).
        lr: the learning rate α.
        momentum: β.
        batch_size: images per step, consecutive, in order.

    Examples:
        >>> trainer = ConvAutogradTrainer(deltarule.conv_init((1, 8, 8), kernel=3, rng=0))
        >>> type(trainer.optimizer).__name__, trainer.optimizer.param_groups[0]["momentum"]
        ('SGD', 0.95)
    """

    def __init__(
        self, weights: ConvWeights, lr: float = 0.01, momentum: float = 0.95, batch_size: int = 10
    ) -> None:
        self.model = build_conv_network(weights)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lr, momentum=momentum)
        self.batch_size = batch_size

    def train_epoch(self, X: np.ndarray, labels: np.ndarray) -> None:
        """One pass over consecutive batches: forward, loss, ``zero_grad``, ``backward``, step."""
        for start in range(0, len(X), self.batch_size):
            rows = slice(start, start + self.batch_size)
            loss = nn.functional.cross_entropy(self.model(Tensor(X[rows])), labels[rows])
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """softmax(v) for each image, ``(N, n_classes)``."""
        with no_grad():
            return self.model(Tensor(np.asarray(X, dtype=np.float64))).softmax(dim=-1).numpy()

    def arrays(self) -> ConvWeights:
        """Copies of ``(W1, W5, Wo)``."""
        return conv_arrays(self.model)


class ConvDeltaRuleTrainer:
    """The same network trained by the book's hand-derived rule (``deltarule.conv_train_epoch``).

    Same arguments as `ConvAutogradTrainer`; from the same start both make the same updates.

    Examples:
        >>> rule = ConvDeltaRuleTrainer(deltarule.conv_init((1, 8, 8), kernel=3, rng=0))
        >>> [m.shape for m in rule.velocities][0], float(rule.velocities[0].max())
        ((20, 1, 3, 3), 0.0)
    """

    def __init__(
        self, weights: ConvWeights, lr: float = 0.01, momentum: float = 0.95, batch_size: int = 10
    ) -> None:
        W1, W5, Wo = (np.array(W, dtype=np.float64) for W in weights)
        self.weights: ConvWeights = (W1, W5, Wo)
        self.velocities: ConvWeights = (np.zeros_like(W1), np.zeros_like(W5), np.zeros_like(Wo))
        self.lr, self.momentum, self.batch_size = lr, momentum, batch_size

    def train_epoch(self, X: np.ndarray, labels: np.ndarray) -> None:
        """One pass of ``MnistConv.m`` over consecutive batches."""
        Y = data.one_hot(labels, self.weights[2].shape[0])
        deltarule.conv_train_epoch(
            self.weights,
            self.velocities,
            X,
            Y,
            self.lr,
            self.momentum,
            self.batch_size,
        )

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """softmax(v) for each image, ``(N, n_classes)``."""
        return deltarule.conv_forward(self.weights, X)["y"]

    def arrays(self) -> ConvWeights:
        """Copies of ``(W1, W5, Wo)``."""
        W1, W5, Wo = (W.copy() for W in self.weights)
        return W1, W5, Wo


_CONV_TRAINERS: dict[str, Any] = {
    "autograd": ConvAutogradTrainer,
    "deltarule": ConvDeltaRuleTrainer,
}


@dataclass
class ConvRun:
    """What `train_conv` returns.

    Attributes:
        weights: the trained ``(W1, W5, Wo)``.
        accuracies: ``(epoch, test accuracy)`` after every epoch (epoch 0: untrained).
        losses: ``(epoch, mean training cross-entropy)``, the same epochs.
        probabilities: softmax(v) of every test image after training.
        seconds: the wall time of the training loop.

    Examples:
        >>> X = np.random.default_rng(0).random((20, 1, 8, 8)); y = np.arange(20) % 10
        >>> run = train_conv(X, y, X, y, epochs=1, method="deltarule")
        >>> [epoch for epoch, _ in run.accuracies], run.probabilities.shape
        ([0, 1], (20, 10))
    """

    weights: ConvWeights
    accuracies: list[tuple[int, float]]
    losses: list[tuple[int, float]]
    probabilities: np.ndarray
    seconds: float = field(repr=False)


def train_conv(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    *,
    filters: int = 20,
    kernel: int = 3,
    hidden: int = 100,
    epochs: int = 30,
    lr: float = 0.01,
    momentum: float = 0.95,
    batch_size: int = 10,
    method: str = "autograd",
    seed: int = 0,
    progress: Callable[[int], Any] | None = None,
) -> ConvRun:
    """Train the book's convolutional network: the ``conv`` command without the printing.

    Both methods start from `deltarule.conv_init` with ``seed`` and visit the batches in order,
    so in float64 they end with the same weights to rounding.

    Args:
        X_train: training images, ``(N, C_in, H, W)``.
        y_train: their classes 0 … 9.
        X_test: test images.
        y_test: their classes.
        filters: the number of filters (the book's 20).
        kernel: the filter size (the book's 9 on MNIST; 3 suits 8×8 images).
        hidden: the dense layer's width (the book's 100).
        epochs: passes over the training images.
        lr: α (the book's 0.01).
        momentum: β (the book's 0.95).
        batch_size: images per update (the book's 100; 10 learns the 1,438 small digits faster).
        method: ``"autograd"`` or ``"deltarule"``.
        seed: the seed of the initial weights.
        progress: called as ``progress(epochs)``; may return a ``tqdm`` bar.

    Returns:
        A `ConvRun`.

    Examples:
        >>> X = np.random.default_rng(0).random((20, 1, 8, 8)); y = np.arange(20) % 10
        >>> runs = [train_conv(X, y, X, y, filters=2, epochs=2, method=m)
        ...         for m in ("autograd", "deltarule")]
        >>> all(np.allclose(a, b, rtol=1e-10) for a, b in zip(runs[0].weights, runs[1].weights))
        True
    """
    if method not in _CONV_TRAINERS:
        raise ValueError(f"method must be one of autograd, deltarule; got {method!r}")
    classes = int(max(y_train.max(), y_test.max())) + 1
    weights = deltarule.conv_init(X_train.shape[1:], filters, kernel, hidden, classes, rng=seed)
    trainer = _CONV_TRAINERS[method](weights, lr, momentum, batch_size)
    bar = progress(epochs) if progress is not None else None
    Y_train = data.one_hot(y_train, classes)

    def measure(epoch: int) -> None:
        p = trainer.probabilities(X_test)
        accuracies.append((epoch, float(np.mean(p.argmax(axis=1) == y_test))))
        losses.append((epoch, deltarule.conv_loss(trainer.arrays(), X_train, Y_train)))

    accuracies: list[tuple[int, float]] = []
    losses: list[tuple[int, float]] = []
    measure(0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        trainer.train_epoch(X_train, y_train)
        measure(epoch)
        if bar is not None:
            bar.set_postfix_str(f"test accuracy={accuracies[-1][1]:.3f}", refresh=False)
            bar.update()
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - start
    return ConvRun(trainer.arrays(), accuracies, losses, trainer.probabilities(X_test), seconds)


def conv_comparison(seed: int = 0, rtol: float = 1e-10) -> list[LayerComparison]:
    """∂ℰ/∂W of each image's loss by autograd and by ``deltarule.conv_gradients``: ``compare``.

    A small network (4 filters 3×3 on random 10×10 images, 8 hidden units, 5 classes) so that the
    comparison takes a moment; one row per weight, as `compare_config`.

    Examples:
        >>> [(row.parameter, row.ok) for row in conv_comparison()]
        [('W1', True), ('W5', True), ('Wo', True)]
    """
    rng = np.random.default_rng([seed, 3])
    X, labels = rng.random((5, 1, 10, 10)), np.arange(5)
    weights = deltarule.conv_init((1, 10, 10), 4, 3, 8, 5, rng=rng)
    weights = (weights[0] * 30, *weights[1:])  # filters large enough that every layer matters
    Y = data.one_hot(labels, 5)
    auto = [conv_autograd_gradients(weights, X[k : k + 1], labels[k : k + 1]) for k in range(5)]
    rule = [deltarule.conv_gradients(weights, X[k : k + 1], Y[k : k + 1]) for k in range(5)]
    rows = []
    for i, name in enumerate(("W1", "W5", "Wo")):
        a, r = np.array([g[i] for g in auto]), np.array([g[i] for g in rule])
        rows.append(
            LayerComparison(
                "conv",
                name,
                float(np.linalg.norm(a.sum(axis=0))),
                float(np.linalg.norm(r.sum(axis=0))),
                float(np.max(np.abs(a - r))),
                float(np.max(np.abs(r))),
                rtol,
            )
        )
    return rows
