"""lecture/training.py: the digit network trained by either method, from the same start.

- `AutogradTrainer` and `DeltaRuleTrainer`: one interface, two methods: the PyTorch loop
  (``model(x)``, loss, ``zero_grad``, ``backward``, ``SGD.step``) and the lecture's
  hand-derived rule ``tg.deltarule.train_epoch``. With dropout both draw their masks from
  the same `MaskStream`.
- `train_digits`: the ``digits`` command without the printing; `DigitsRun` is its result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .. import data, deltarule, optim
from ..engine import no_grad
from ..tensor import Tensor
from .network import (
    LECTURE,
    LECTURE_SIZES,
    Architecture,
    Biases,
    MaskedDropout,
    Weights,
    autograd_loss,
    batch_slices,
    build_network,
    initial_weights,
    loss_target,
    network_arrays,
)

__all__ = [
    "ENGINES",
    "METHODS",
    "AutogradTrainer",
    "DeltaRuleTrainer",
    "DigitsRun",
    "MaskStream",
    "train_digits",
]

METHODS = ("autograd", "deltarule")
"""The two training methods of `train_digits`: `AutogradTrainer` and `DeltaRuleTrainer`."""
ENGINES = METHODS  # the older name, kept: the command line's --engine is --method's alias

# --- two methods, one interface ------------------------------------------------------------------


class MaskStream:
    """Dropout masks for the hidden layers, drawn batch after batch from one seeded generator.

    Two streams made with the same arguments hand out the same masks in the same order, so the
    autograd and delta-rule trainers, each with its own stream, drop the same units. Each call
    draws one mask per hidden layer with ``deltarule.dropout_mask``.

    Args:
        widths: n_1 … n_{L−1}, the hidden layers' widths.
        p: the dropout probability.
        kind: ``"exact"`` (round((1 − p) n) units kept, the book's ``Dropout.m``) or
            ``"bernoulli"`` (each kept with probability 1 − p, as ``nn.Dropout``).
        seed: the seed of the stream.

    Examples:
        >>> a, b = MaskStream((4, 3), 0.5, seed=1), MaskStream((4, 3), 0.5, seed=1)
        >>> masks = a.draw(2)   # one mask per hidden layer, one row per sample
        >>> [m.shape for m in masks], masks[0][0].tolist()
        ([(2, 4), (2, 3)], [0.0, 0.0, 2.0, 2.0])
        >>> all(np.array_equal(m, n) for m, n in zip(masks, b.draw(2)))   # the same stream
        True
    """

    def __init__(self, widths: Sequence[int], p: float, kind: str = "exact", seed: int = 0) -> None:
        self.widths, self.p, self.kind = tuple(widths), p, kind
        self.rng = np.random.default_rng([seed, 2])
        deltarule.dropout_mask(1, p, kind)  # checks p and kind now, not at the first draw

    def draw(self, rows: int) -> list[np.ndarray]:
        """One mask per hidden layer for ``rows`` samples, each ``(rows, n_l)``."""
        return [deltarule.dropout_mask((rows, n), self.p, self.kind, self.rng) for n in self.widths]


def _mask_stream(
    weights: Sequence[np.ndarray], arch: Architecture, kind: str, seed: int
) -> MaskStream | None:
    widths = [W.shape[0] for W in weights[:-1]]
    return MaskStream(widths, arch.dropout, kind, seed) if arch.dropout else None


class Trainer(Protocol):
    """What `train_digits` needs from a method: `AutogradTrainer` and `DeltaRuleTrainer`
    both provide ``train_epoch``, ``loss``, ``outputs`` and ``arrays`` (an internal protocol,
    not exported)."""

    def train_epoch(self) -> None: ...
    def loss(self) -> float: ...
    def outputs(self, X: np.ndarray) -> np.ndarray: ...
    def arrays(self) -> tuple[Weights, Biases]: ...


class AutogradTrainer:
    """The network trained by the autograd engine, the PyTorch way, on the rows of ``X``.

    Each step on a batch (consecutive rows, in order; ``batch_size=1`` is the lecture's
    per-sample loop):

    ```python
    loss = autograd_loss(model(x), t); opt.zero_grad(); loss.backward(); opt.step()
    ```

    with ``tg.optim.SGD(lr)``: W ← W − α ∂ℰ/∂W, the lecture's W ← W + α δ yᵀ.

    Args:
        weights: the initial W^(1) … W^(L) (copied into the model).
        biases: the initial b^(l), or ``None``.
        X: the training inputs, one per row.
        labels: their class indices.
        arch: the activations and the loss.
        lr: the learning rate α.
        batch_size: rows per step; 1 is the lecture's per-sample update.
        mask_kind: with ``arch.dropout``, how the masks are drawn (see `MaskStream`).
        seed: with ``arch.dropout``, the seed of the mask stream.

    Shapes:
        ``X`` is ``(N, n_0)`` and ``labels`` is ``(N,)``.

    Examples:
        >>> X, labels = data.lecture_digits(order="F")
        >>> trainer = AutogradTrainer(*initial_weights(), X, labels, lr=0.01)
        >>> type(trainer.model).__name__, type(trainer.optimizer).__name__
        ('Sequential', 'SGD')
    """

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray | None] | None,
        X: np.ndarray,
        labels: np.ndarray,
        *,
        arch: Architecture = LECTURE,
        lr: float = 0.01,
        batch_size: int = 1,
        mask_kind: str = "exact",
        seed: int = 0,
    ) -> None:
        self.arch = arch
        self.model = build_network(weights, biases, arch)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lr)
        target = loss_target(labels, weights[-1].shape[0], arch)
        self.X, self.target = Tensor(np.asarray(X, dtype=np.float64)), target
        self.batches = [
            (Tensor(self.X.numpy()[s]), target[s]) for s in batch_slices(len(X), batch_size)
        ]
        self.masks = _mask_stream(weights, arch, mask_kind, seed)
        self.dropouts = [m for m in self.model if isinstance(m, MaskedDropout)]

    def train_epoch(self) -> None:
        """One pass over the batches: forward, loss, ``zero_grad``, ``backward``, SGD step.

        Examples:
            >>> before = trainer.loss()
            >>> trainer.train_epoch()
            >>> trainer.loss() < before
            True
        """
        model, optimizer, arch = self.model, self.optimizer, self.arch
        for x, t in self.batches:
            if self.masks is not None:
                for layer, mask in zip(self.dropouts, self.masks.draw(x.shape[0]), strict=True):
                    layer.mask = mask
            loss = autograd_loss(model(x), t, arch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    def loss(self) -> float:
        """ℰ averaged over every row of ``X``, without recording a graph.

        Examples:
            >>> loss = trainer.loss()
            >>> isinstance(loss, float) and loss > 0
            True
        """
        with no_grad():
            self.model.eval()  # inference without dropout, as the book's test script
            loss = autograd_loss(self.model(self.X), self.target, self.arch).item()
            self.model.train()
            return loss

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """y^(L) for the rows of ``X`` (the class probabilities for a softmax output).

        For softmax + cross-entropy the model returns logits, so the softmax is applied here.

        Shapes:
            ``(M, n_0)`` in, ``(M, n_L)`` out.

        Examples:
            >>> p = trainer.outputs(X)
            >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
            ((5, 5), True)
        """
        with no_grad():
            self.model.eval()
            out = self.model(Tensor(np.asarray(X, dtype=np.float64)))
            self.model.train()
            return (out.softmax(dim=-1) if self.arch.returns_logits else out).numpy()

    def arrays(self) -> tuple[Weights, Biases]:
        """Copies of the current W^(l) and b^(l), as `network_arrays` returns them.

        Examples:
            >>> weights, biases = trainer.arrays()
            >>> weights[-1].shape, biases[-1]
            ((5, 20), None)
        """
        return network_arrays(self.model)


class DeltaRuleTrainer:
    """The same network trained by the lecture's hand-derived rule, ``tg.deltarule``.

    ``batch_size=1``: per sample in order, δ^(L) … δ^(1) with the old weights, then
    W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ (``deltarule.train_step``); larger: the mean gradient of
    each consecutive mini-batch (``deltarule.train_epoch``). The targets are the one-hot rows of
    ``labels`` (the book's ``D = eye(5)``). Same arguments as `AutogradTrainer`, and from the same
    start both make the same updates.

    Args:
        weights: the initial W^(1) … W^(L) (copied, as float64).
        biases: the initial b^(l), or ``None``.
        X: the training inputs, one per row.
        labels: their class indices.
        arch: the activations and the loss.
        lr: the learning rate α.
        batch_size: rows per step; 1 is the lecture's per-sample update.
        mask_kind: with ``arch.dropout``, how the masks are drawn (see `MaskStream`).
        seed: with ``arch.dropout``, the seed of the mask stream: the same as the autograd
            trainer's gives the same masks.

    Shapes:
        ``X`` is ``(N, n_0)`` and ``labels`` is ``(N,)``; the targets ``Y`` are ``(N, n_L)``.

    Examples:
        >>> rule = DeltaRuleTrainer(*initial_weights(), X, labels, lr=0.01)
        >>> rule.Y.shape, rule.weights[0].shape
        ((5, 5), (20, 25))
    """

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray | None] | None,
        X: np.ndarray,
        labels: np.ndarray,
        *,
        arch: Architecture = LECTURE,
        lr: float = 0.01,
        batch_size: int = 1,
        mask_kind: str = "exact",
        seed: int = 0,
    ) -> None:
        self.arch, self.lr, self.batch_size = arch, lr, batch_size
        self.weights = [np.array(W, dtype=np.float64) for W in weights]
        biases = [None] * len(weights) if biases is None else biases
        self.biases = [None if b is None else np.array(b, dtype=np.float64) for b in biases]
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = data.one_hot(labels, self.weights[-1].shape[0])  # the book's D = eye(5)
        self.masks = _mask_stream(self.weights, arch, mask_kind, seed)

    def train_epoch(self) -> None:
        """One pass of the lecture's loop over the points (or over mini-batches).

        Examples:
            >>> auto = AutogradTrainer(*initial_weights(), X, labels, lr=0.01)
            >>> auto.train_epoch(); rule.train_epoch()
            >>> (W_auto, _), (W_rule, _) = auto.arrays(), rule.arrays()
            >>> all(np.allclose(a, r, rtol=0, atol=1e-12) for a, r in zip(W_auto, W_rule))
            True
        """
        if self.masks is None:
            deltarule.train_epoch(
                self.weights,
                self.biases,
                self.X,
                self.Y,
                self.lr,
                self.batch_size,
                hidden=self.arch.hidden,
                output=self.arch.output,
                loss=self.arch.loss,
            )
            return
        for rows in batch_slices(len(self.X), self.batch_size):  # one draw per batch, as autograd's
            masks = self.masks.draw(len(self.X[rows]))
            deltarule.train_epoch(
                self.weights,
                self.biases,
                self.X[rows],
                self.Y[rows],
                self.lr,
                self.batch_size,
                **self.arch.names,
                masks=masks,
            )

    def loss(self) -> float:
        """ℰ averaged over every row of ``X`` (``deltarule.loss_value``).

        Examples:
            >>> abs(rule.loss() - auto.loss()) < 1e-12
            True
        """
        return deltarule.loss_value(self.weights, self.biases, self.X, self.Y, **self.arch.names)

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """y^(L) for the rows of ``X``, by ``deltarule.forward``.

        Shapes:
            ``(M, n_0)`` in, ``(M, n_L)`` out.

        Examples:
            >>> rule.outputs(X).shape
            (5, 5)
        """
        arch = self.arch
        _, ys = deltarule.forward(self.weights, self.biases, X, arch.hidden, arch.output)
        return ys[-1]

    def arrays(self) -> tuple[Weights, Biases]:
        """Copies of the current W^(l) and b^(l).

        Examples:
            >>> weights, biases = rule.arrays()
            >>> weights[0] is rule.weights[0], biases
            (False, [None, None, None, None])
        """
        biases = [None if b is None else b.copy() for b in self.biases]
        return [W.copy() for W in self.weights], biases


_TRAINERS: dict[str, Callable[..., Trainer]] = {
    "autograd": AutogradTrainer,
    "deltarule": DeltaRuleTrainer,
}


# --- the digits run ------------------------------------------------------------------------------


class ProgressBar(Protocol):
    """The part of a ``tqdm`` bar that `train_digits` uses: ``update``, ``set_postfix_str``,
    ``close`` (an internal protocol, not exported)."""

    def update(self, n: int = 1) -> object: ...
    def set_postfix_str(self, s: str = "", refresh: bool = True) -> object: ...
    def close(self) -> object: ...


@dataclass
class DigitsRun:
    """What `train_digits` returns: the trained network, its outputs and its history.

    Attributes:
        weights: the trained W^(1) … W^(L).
        biases: the trained b^(l), or ``None`` entries.
        X: the five training digits, ``(5, 25)``, unpacked in the run's ``order``.
        labels: their classes 0 … 4.
        probabilities: y^(L) of each digit, ``(5, 5)``; row k is the digit k + 1.
        losses: ``(epoch, mean loss over the digits)`` pairs; epoch 0 is the untrained network.
        seconds: the wall time of the training loop.
        trainer: the method that trained it (`AutogradTrainer` or `DeltaRuleTrainer`).

    Examples:
        >>> run = train_digits(epochs=2, method="deltarule")
        >>> run.X.shape, run.probabilities.shape, [epoch for epoch, loss in run.losses]
        ((5, 25), (5, 5), [0, 1, 2])
    """

    weights: Weights
    biases: Biases
    X: np.ndarray
    labels: np.ndarray
    probabilities: np.ndarray
    losses: list[tuple[int, float]]
    seconds: float
    trainer: Trainer = field(repr=False)

    def accuracy(self, X: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of rows of ``X`` whose most probable class is the label.

        Args:
            X: images, ``(M, 25)``, unpacked in the run's order.
            labels: their classes, ``(M,)``.

        Examples:
            >>> Xn, yn = data.noisy_copies(run.X, run.labels, 4, seed=0)
            >>> 0.0 <= run.accuracy(Xn, yn) <= 1.0
            True
        """
        return float(np.mean(self.trainer.outputs(X).argmax(axis=1) == labels))


def train_digits(
    epochs: int = 2000,
    lr: float = 0.01,
    seed: int = 0,
    init: str = "lecture",
    bias: bool = False,
    batch_size: int = 1,
    method: str = "autograd",
    order: str = "F",
    variant: str = "lecture",
    arch: Architecture = LECTURE,
    progress: Callable[[int], ProgressBar] | None = None,
    record_every: int | None = None,
    mask_kind: str = "exact",
    engine: str | None = None,
) -> DigitsRun:
    """Train the lecture's 25-20-20-20-5 network on the five digits: the ``digits`` command.

    Both ``method="autograd"`` and ``method="deltarule"`` start from the same `initial_weights`
    and make the same updates in the same order (per sample 1 … 5, no shuffling; or consecutive
    mini-batches with the mean loss), so in float64 they end with the same weights to rounding.
    The loss over the five digits is recorded before training, every ``record_every`` epochs and
    after the last. With ``arch.dropout`` both methods draw the same masks (`MaskStream` seeded
    by ``seed``) and the recorded loss is the inference loss, without dropout.

    Args:
        epochs: passes over the five digits (the book runs 10,000).
        lr: the learning rate α (the book's 0.01).
        seed: the seed of `initial_weights`.
        init: ``"lecture"`` (uniform (−1, 1)) or ``"kaiming"``.
        bias: give every layer a bias, initialised to 0.
        batch_size: 1 for the lecture's per-sample updates, else consecutive mini-batches.
        method: ``"autograd"`` (`AutogradTrainer`) or ``"deltarule"`` (`DeltaRuleTrainer`).
        order: how the images are unpacked, ``"F"`` (MATLAB's, the default) or ``"C"``.
        variant: ``"lecture"`` or ``"book"`` drawings.
        arch: the activations and the loss.
        progress: called as ``progress(epochs)``; may return a ``tqdm`` bar, updated every epoch.
        record_every: epochs between recorded losses; by default about 500 points in all.
        mask_kind: with dropout, ``"exact"`` (the book's) or ``"bernoulli"`` masks.
        engine: the older name of ``method``; when given, it wins.

    Returns:
        A `DigitsRun`.

    Raises:
        ValueError: for an unknown ``method`` (or ``init``, ``order``, ``variant``).

    Examples:
        >>> run = train_digits(epochs=100, method="deltarule")
        >>> (start, untrained), (end, trained) = run.losses[0], run.losses[-1]
        >>> start, end, trained < untrained, run.accuracy(run.X, run.labels)
        (0, 100, True, 1.0)
    """
    method = method if engine is None else engine
    if method not in _TRAINERS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    X, labels = data.lecture_digits(order=order, variant=variant)
    weights, biases = initial_weights(LECTURE_SIZES, init, bias, seed)
    trainer: Trainer = _TRAINERS[method](
        weights,
        biases,
        X,
        labels,
        arch=arch,
        lr=lr,
        batch_size=batch_size,
        mask_kind=mask_kind,
        seed=seed,
    )
    every = record_every or max(1, epochs // 500)
    start = time.perf_counter()
    losses = _train(trainer, epochs, every, progress)
    seconds = time.perf_counter() - start
    weights, biases = trainer.arrays()
    return DigitsRun(weights, biases, X, labels, trainer.outputs(X), losses, seconds, trainer)


def _train(
    trainer: Trainer, epochs: int, every: int, progress: Callable[[int], ProgressBar] | None
) -> list[tuple[int, float]]:
    losses = [(0, trainer.loss())]
    bar = progress(epochs) if progress is not None else None
    for epoch in range(1, epochs + 1):
        trainer.train_epoch()
        if epoch % every == 0 or epoch == epochs:
            losses.append((epoch, trainer.loss()))
            if bar is not None:
                bar.set_postfix_str(f"loss={losses[-1][1]:.4g}", refresh=False)
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return losses
