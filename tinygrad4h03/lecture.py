"""lecture.py: the lecture's digit network, trained by either engine, autograd checked against it.

ChE 4H03's motivating example (and P. Kim, *MATLAB Deep Learning*, ch. 5, ``DeepReLU.m``): a
25-20-20-20-5 network — L = 4 weight layers, ReLU hidden layers, a softmax output with the
cross-entropy loss, no biases — learns the five 5×5 digits one sample at a time. Everything
the command line's ``digits`` and ``compare`` do lives here, so that tests and users can call
it without parsing output:

- `initial_weights` — W^(1) … W^(L) as float64 NumPy arrays (the lecture's uniform (−1, 1) or
  He/Kaiming), the one starting point that both engines copy.
- `build_network` — those arrays as a ``tg.nn.Sequential`` of ``Linear`` layers and
  activations; `network_arrays` reads them back.
- `AutogradTrainer` and `DeltaRuleTrainer` — one interface, two engines: the PyTorch loop
  (``model(x)``, loss, ``zero_grad``, ``backward``, ``SGD.step``) and the lecture's
  hand-derived rule ``tg.deltarule.train_epoch``.
- `train_digits` — the ``digits`` command without the printing.
- `compare_config` — the ``compare`` command's table rows: ∂E/∂W^(l) by autograd beside
  ``tg.deltarule.gradients``; `naive_softmax_check` — why softmax + SSE needs the Jacobian.

All arrays are float64 so that the two engines agree to rounding (1e-9 after thousands of
updates, 1e-10 relative for one gradient).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

import numpy as np

from . import data, deltarule, nn, optim
from .autograd import grad
from .engine import no_grad
from .tensor import Tensor

__all__ = [
    "CONFIGS",
    "ENGINES",
    "INITS",
    "LECTURE",
    "LECTURE_SIZES",
    "Architecture",
    "AutogradTrainer",
    "Config",
    "DeltaRuleTrainer",
    "DigitsRun",
    "LayerComparison",
    "NaiveCheck",
    "autograd_gradients",
    "autograd_loss",
    "build_network",
    "compare_config",
    "comparison_network",
    "initial_weights",
    "naive_softmax_check",
    "network_arrays",
    "train_digits",
]

LECTURE_SIZES = (25, 20, 20, 20, 5)  # n_0 … n_L of the lecture's (and the book's) network
"""The layer widths n_0 … n_L of the lecture's (and the book's) network: 25 pixels, 3 × 20, 5."""
ENGINES = ("autograd", "deltarule")
"""The two trainers of `train_digits`: `AutogradTrainer` and `DeltaRuleTrainer`."""
INITS = ("lecture", "kaiming")
"""The initialisations of `initial_weights`: uniform (−1, 1) as the book, or He normal."""

Weights = list[np.ndarray]
Biases = list[np.ndarray | None]
Gradients = list[tuple[np.ndarray, np.ndarray | None]]

_NAMES = {
    "relu": "ReLU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "linear": "linear",
    "softmax": "softmax",
    "cross_entropy": "cross-entropy",
    "sse": "SSE",
}
_MODULES: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softmax": nn.Softmax,
}


@dataclass(frozen=True)
class Architecture:
    """One network's activations and loss: φ of the hidden layers, φ of the output layer, and E.

    The names are ``tg.deltarule``'s (`deltarule.HIDDEN`, `deltarule.OUTPUTS`,
    `deltarule.LOSSES`); `LECTURE` is the default, the book's ``DeepReLU.m``.

    Attributes:
        hidden: φ of layers 1 … L−1: ``"relu"``, ``"sigmoid"``, ``"tanh"`` or ``"linear"``.
        output: φ of layer L: ``"softmax"``, ``"sigmoid"`` or ``"linear"``.
        loss: the loss E: ``"cross_entropy"`` (−Σ y log y^(L)) or ``"sse"`` (the lecture's
            ½ Σ (y^(L) − y)²).

    Raises:
        ValueError: for a name that ``tg.deltarule`` does not know.

    Examples:
        >>> arch = Architecture("sigmoid", "sigmoid", "sse")
        >>> arch.names, arch.returns_logits, LECTURE.returns_logits
        ({'hidden': 'sigmoid', 'output': 'sigmoid', 'loss': 'sse'}, False, True)
    """

    hidden: str = "relu"
    output: str = "softmax"
    loss: str = "cross_entropy"

    def __post_init__(self) -> None:
        for what, value, allowed in (
            ("hidden", self.hidden, deltarule.HIDDEN),
            ("output", self.output, deltarule.OUTPUTS),
            ("loss", self.loss, deltarule.LOSSES),
        ):
            if value not in allowed:
                raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")

    @property
    def returns_logits(self) -> bool:
        """True for softmax + cross-entropy: the model then ends at the logits v^(L), as PyTorch's
        ``CrossEntropyLoss`` wants, and the softmax is folded into the loss.
        """
        return self.output == "softmax" and self.loss == "cross_entropy"

    @property
    def names(self) -> dict[str, str]:
        """``{"hidden": …, "output": …, "loss": …}``: the keyword arguments of ``tg.deltarule``."""
        return {"hidden": self.hidden, "output": self.output, "loss": self.loss}

    def describe(self) -> str:
        """The architecture in words, as the command line prints it.

        Examples:
            >>> LECTURE.describe()
            'ReLU hidden, softmax output, cross-entropy loss'
        """
        return (
            f"{_NAMES[self.hidden]} hidden, {_NAMES[self.output]} output, "
            f"{_NAMES[self.loss]} loss"
        )


LECTURE = Architecture()  # ReLU hidden, softmax output, cross-entropy: the book's DeepReLU.m
"""ReLU hidden layers, softmax output, cross-entropy loss: the book's ``DeepReLU.m``."""


# --- weights and the network ---------------------------------------------------------------------


def initial_weights(
    sizes: Sequence[int] = LECTURE_SIZES,
    init: str = "lecture",
    bias: bool = False,
    seed: int | np.random.Generator | None = 0,
) -> tuple[Weights, Biases]:
    """W^(1) … W^(L) and b^(1) … b^(L) as float64 NumPy arrays: the one start both engines copy.

    ``init="lecture"``: uniform on (−1, 1), the book's MATLAB ``W = 2*rand(m, n) - 1``
    (``tg.nn.init.lecture_uniform_``; with the same seed the same numbers as
    ``tg.deltarule.lecture_init``). ``init="kaiming"``: He's normal N(0, 2 / n_{l-1})
    (``tg.nn.init.kaiming_normal_`` with the ReLU gain).

    Args:
        sizes: the layer widths (n_0, …, n_L); the lecture's (25, 20, 20, 20, 5) by default.
        init: ``"lecture"`` or ``"kaiming"``.
        bias: give every layer a bias b^(l) of zeros; else ``None`` (as the book).
        seed: seeds a NumPy generator, so a run is reproducible and independent of
            ``tg.manual_seed``.

    Returns:
        ``(weights, biases)``.

    Shapes:
        W^(l) is ``(n_l, n_{l-1})`` (as ``nn.Linear.weight``); b^(l) is ``(n_l,)``.

    Examples:
        >>> weights, biases = initial_weights()
        >>> [W.shape for W in weights], biases
        ([(20, 25), (20, 20), (20, 20), (5, 20)], [None, None, None, None])
        >>> same, _ = deltarule.lecture_init(LECTURE_SIZES, rng=0)
        >>> all(np.array_equal(W, V) for W, V in zip(weights, same))
        True
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    generator = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in pairwise(sizes):
        W = Tensor(np.zeros((n_out, n_in)))
        if init == "lecture":
            nn.init.lecture_uniform_(W, generator=generator)
        else:
            nn.init.kaiming_normal_(W, nonlinearity="relu", generator=generator)
        weights.append(W.data)
    biases: Biases = [np.zeros(n) if bias else None for n in sizes[1:]]
    return weights, biases


def build_network(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None] | None = None,
    arch: Architecture = LECTURE,
) -> nn.Sequential:
    """The network v^(l) = W^(l) y^(l-1) + b^(l), y^(l) = φ(v^(l)) as a ``tg.nn.Sequential``.

    One ``Linear(n_{l-1}, n_l, bias=b^(l) is not None, dtype=float64)`` per layer holding a copy
    of W^(l) (and b^(l)), each hidden one followed by its activation module (none for
    ``"linear"``). The output activation follows the last ``Linear`` except for softmax +
    cross-entropy, where the model returns the logits v^(L) for ``F.cross_entropy`` (PyTorch's
    convention).

    Args:
        weights: W^(1) … W^(L), each ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L) (``(n_l,)`` or ``None`` each), or ``None`` for no biases.
        arch: the activations and the loss.

    Returns:
        A new ``tg.nn.Sequential``; the arrays passed in are not shared with it.

    Shapes:
        The model maps ``(N, n_0)`` to ``(N, n_L)``.

    Examples:
        >>> model = build_network(*initial_weights())
        >>> [type(m).__name__ for m in model]   # no Softmax: it returns the logits v^(L)
        ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
        >>> model(Tensor(np.ones((2, 25)))).shape
        (2, 5)
    """
    biases = [None] * len(weights) if biases is None else list(biases)
    modules: list[nn.Module] = []
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        linear = nn.Linear(W.shape[1], W.shape[0], bias=b is not None, dtype=np.float64)
        state = {"weight": W} if b is None else {"weight": W, "bias": b}
        linear.load_state_dict(state)
        modules.append(linear)
        name = arch.hidden if l < len(weights) else arch.output
        if name != "linear" and not (l == len(weights) and arch.returns_logits):
            modules.append(_MODULES[name]())
    return nn.Sequential(*modules)


def _linears(model: nn.Sequential) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


def network_arrays(model: nn.Sequential) -> tuple[Weights, Biases]:
    """Copies of every ``Linear``'s W^(l) and b^(l) (``None`` without one), layer 1 first.

    The inverse of `build_network`.

    Args:
        model: a ``tg.nn.Sequential`` whose ``Linear`` modules are the layers.

    Returns:
        ``(weights, biases)`` as NumPy arrays.

    Examples:
        >>> weights, biases = initial_weights(bias=True)
        >>> W, b = network_arrays(build_network(weights, biases))
        >>> all(np.array_equal(a, c) for a, c in zip(W, weights)), b[-1].shape
        (True, (5,))
    """
    linears = _linears(model)
    weights = [m.weight.data.copy() for m in linears]
    biases = [None if m.bias is None else m.bias.data.copy() for m in linears]
    return weights, biases


# --- the loss, by the engine ---------------------------------------------------------------------


def autograd_loss(out: Tensor, target: np.ndarray, arch: Architecture = LECTURE) -> Tensor:
    """The loss E averaged over a batch of rows, from ``tg.nn.functional``.

    - softmax + cross-entropy: ``F.cross_entropy(v, t)`` = −log softmax(v)_t.
    - sigmoid or linear + cross-entropy: the lecture's −Σ_i y_i log y^(L)_i for a one-hot y,
      i.e. −log y^(L)_t (``F.nll_loss`` of log y^(L), taking the log of the target entries only:
      a linear output may be negative elsewhere).
    - SSE: ``F.sse_loss(y^(L), y)`` = ½ Σ (y^(L) − y)², divided by N.

    Args:
        out: the model's output, the logits v^(L) for softmax + cross-entropy, else y^(L).
        target: class indices for cross-entropy, target rows for SSE.
        arch: the activations and the loss.

    Returns:
        A scalar tensor, part of the graph for ``backward()``.

    Shapes:
        ``out`` is ``(N, n_L)``; ``target`` is ``(N,)`` (cross-entropy) or ``(N, n_L)`` (SSE).

    Examples:
        >>> round(autograd_loss(Tensor(np.zeros((1, 2))), np.array([0])).item(), 4)   # log 2
        0.6931
        >>> sse = Architecture("relu", "linear", "sse")
        >>> autograd_loss(Tensor(np.zeros((2, 2))), np.ones((2, 2)), sse).item()   # ½ · 2 per row
        1.0
    """
    F = nn.functional
    if arch.loss == "sse":
        return F.sse_loss(out, target) / out.shape[0]
    if arch.returns_logits:
        return F.cross_entropy(out, target)
    rows = np.arange(out.shape[0])
    picked = out[rows, target].log().reshape(-1, 1)  # log y^(L)_t, one column per sample
    return F.nll_loss(picked, np.zeros(out.shape[0], dtype=np.int64))


def _engine_target(labels: np.ndarray, n_out: int, arch: Architecture) -> np.ndarray:
    """What the engine's loss takes: class indices (cross-entropy) or one-hot rows (SSE)."""
    return data.one_hot(labels, n_out) if arch.loss == "sse" else labels


def _batches(n: int, batch_size: int) -> list[slice]:
    """Consecutive slices of ``batch_size`` rows (the last may be shorter), in order."""
    return [slice(start, start + batch_size) for start in range(0, n, batch_size)]


# --- two engines, one interface ------------------------------------------------------------------


class Trainer(Protocol):
    """What `train_digits` needs from an engine: `AutogradTrainer` and `DeltaRuleTrainer`
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

    with ``tg.optim.SGD(lr)``: W ← W − α ∂E/∂W, the lecture's W ← W + α δ yᵀ.

    Args:
        weights: the initial W^(1) … W^(L) (copied into the model).
        biases: the initial b^(l), or ``None``.
        X: the training inputs, one per row.
        labels: their class indices.
        arch: the activations and the loss.
        lr: the learning rate α.
        batch_size: rows per step; 1 is the lecture's per-sample update.

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
    ) -> None:
        self.arch = arch
        self.model = build_network(weights, biases, arch)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lr)
        target = _engine_target(labels, weights[-1].shape[0], arch)
        self.X, self.target = Tensor(np.asarray(X, dtype=np.float64)), target
        self.batches = [(Tensor(self.X.data[s]), target[s]) for s in _batches(len(X), batch_size)]

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
            loss = autograd_loss(model(x), t, arch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    def loss(self) -> float:
        """E averaged over every row of ``X``, without recording a graph.

        Examples:
            >>> loss = trainer.loss()
            >>> isinstance(loss, float) and loss > 0
            True
        """
        with no_grad():
            return autograd_loss(self.model(self.X), self.target, self.arch).item()

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
            out = self.model(Tensor(np.asarray(X, dtype=np.float64)))
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
    ) -> None:
        self.arch, self.lr, self.batch_size = arch, lr, batch_size
        self.weights = [np.array(W, dtype=np.float64) for W in weights]
        biases = [None] * len(weights) if biases is None else biases
        self.biases = [None if b is None else np.array(b, dtype=np.float64) for b in biases]
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = data.one_hot(labels, self.weights[-1].shape[0])  # the book's D = eye(5)

    def train_epoch(self) -> None:
        """One pass of the lecture's loop over the points (or over mini-batches).

        Examples:
            >>> auto = AutogradTrainer(*initial_weights(), X, labels, lr=0.01)
            >>> auto.train_epoch(); rule.train_epoch()
            >>> (W_auto, _), (W_rule, _) = auto.arrays(), rule.arrays()
            >>> all(np.allclose(a, r, rtol=0, atol=1e-12) for a, r in zip(W_auto, W_rule))
            True
        """
        deltarule.train_epoch(
            self.weights, self.biases, self.X, self.Y, self.lr, self.batch_size, **self.arch.names
        )

    def loss(self) -> float:
        """E averaged over every row of ``X`` (``deltarule.loss_value``).

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


_TRAINERS = {"autograd": AutogradTrainer, "deltarule": DeltaRuleTrainer}


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
        trainer: the engine that trained it (`AutogradTrainer` or `DeltaRuleTrainer`).

    Examples:
        >>> run = train_digits(epochs=2, engine="deltarule")
        >>> run.X.shape, run.probabilities.shape, [epoch for epoch, loss in run.losses]
        ((5, 25), (5, 5), [0, 1, 2])
    """

    weights: Weights
    biases: Biases
    X: np.ndarray  # the five training digits, (5, 25), unpacked in ``order``
    labels: np.ndarray  # their classes 0 … 4
    probabilities: np.ndarray  # y^(L) of each digit, (5, 5)
    losses: list[tuple[int, float]]  # (epoch, mean loss over the digits), epoch 0 = untrained
    seconds: float  # wall time of the training loop
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
    engine: str = "autograd",
    order: str = "F",
    variant: str = "lecture",
    arch: Architecture = LECTURE,
    progress: Callable[[int], ProgressBar] | None = None,
    record_every: int | None = None,
) -> DigitsRun:
    """Train the lecture's 25-20-20-20-5 network on the five digits: the ``digits`` command.

    Both ``engine="autograd"`` and ``engine="deltarule"`` start from the same `initial_weights`
    and make the same updates in the same order (per sample 1 … 5, no shuffling; or consecutive
    mini-batches with the mean loss), so in float64 they end with the same weights to rounding.
    The loss over the five digits is recorded before training, every ``record_every`` epochs and
    after the last.

    Args:
        epochs: passes over the five digits (the book runs 10,000).
        lr: the learning rate α (the book's 0.01).
        seed: the seed of `initial_weights`.
        init: ``"lecture"`` (uniform (−1, 1)) or ``"kaiming"``.
        bias: give every layer a bias, initialised to 0.
        batch_size: 1 for the lecture's per-sample updates, else consecutive mini-batches.
        engine: ``"autograd"`` (`AutogradTrainer`) or ``"deltarule"`` (`DeltaRuleTrainer`).
        order: how the images are unpacked, ``"F"`` (MATLAB's, the default) or ``"C"``.
        variant: ``"lecture"`` or ``"book"`` drawings.
        arch: the activations and the loss.
        progress: called as ``progress(epochs)``; may return a ``tqdm`` bar, updated every epoch.
        record_every: epochs between recorded losses; by default about 500 points in all.

    Returns:
        A `DigitsRun`.

    Raises:
        ValueError: for an unknown ``engine`` (or ``init``, ``order``, ``variant``).

    Examples:
        >>> run = train_digits(epochs=100, engine="deltarule")
        >>> (start, untrained), (end, trained) = run.losses[0], run.losses[-1]
        >>> start, end, trained < untrained, run.accuracy(run.X, run.labels)
        (0, 100, True, 1.0)
    """
    if engine not in _TRAINERS:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    X, labels = data.lecture_digits(order=order, variant=variant)
    weights, biases = initial_weights(LECTURE_SIZES, init, bias, seed)
    trainer = _TRAINERS[engine](weights, biases, X, labels, arch=arch, lr=lr, batch_size=batch_size)
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


# --- autograd against the delta rule, gradient by gradient ---------------------------------------


def autograd_gradients(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None] | None,
    x: np.ndarray,
    y: np.ndarray,
    arch: Architecture = LECTURE,
) -> Gradients:
    """∂E/∂W^(l) and ∂E/∂b^(l) of one sample's loss, by the engine: the twin of
    ``tg.deltarule.gradients`` (same result layout).

    The sample goes through `build_network` as a batch of one row; ``loss.backward()`` fills every
    ``.grad``, which is returned as NumPy arrays.

    Args:
        weights: W^(1) … W^(L), each ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L) (``(n_l,)`` or ``None`` each), or ``None`` for no biases.
        x: one sample y^(0).
        y: its target vector; for cross-entropy it must be one-hot (its class is passed to the
            loss).
        arch: the activations and the loss.

    Returns:
        ``[(dE/dW1, dE/db1), …, (dE/dWL, dE/dbL)]``, ``None`` for a missing bias.

    Raises:
        ValueError: for a cross-entropy target that is not one-hot.

    Shapes:
        ``x`` is ``(n_0,)``, ``y`` is ``(n_L,)``; each gradient has its parameter's shape.

    Examples:
        >>> weights, _ = initial_weights()
        >>> X, labels = data.lecture_digits(order="F")
        >>> x, y = X[0], np.eye(5)[0]   # the digit 1 and its target
        >>> by_autograd = autograd_gradients(weights, None, x, y)
        >>> by_hand = deltarule.gradients(weights, None, x, y)
        >>> pairs = zip(by_autograd, by_hand)
        >>> all(np.allclose(a, r, rtol=1e-10, atol=0) for (a, _), (r, _) in pairs)
        True
    """
    model = build_network(weights, biases, arch)
    target = _sample_target(np.asarray(y, dtype=np.float64), arch)
    loss = autograd_loss(model(Tensor(np.asarray(x, dtype=np.float64)[None])), target, arch)
    loss.backward()
    return [
        (m.weight.grad.numpy(), None if m.bias is None else m.bias.grad.numpy())
        for m in _linears(model)
    ]


def _sample_target(y: np.ndarray, arch: Architecture) -> np.ndarray:
    if arch.loss == "sse":
        return y[None]
    if np.count_nonzero(y) != 1 or y.max() != 1:
        raise ValueError(f"cross-entropy targets must be one-hot here, got {y}")
    return np.array([int(np.argmax(y))])


@dataclass(frozen=True)
class Config:
    """One configuration of ``compare``: an architecture on the lecture's network shape.

    `CONFIGS` holds the seven that ``tinygrad4h03 compare`` checks.

    Attributes:
        name: the name on the command line, e.g. ``"sse-softmax"``.
        arch: the activations and the loss.
        bias: whether every layer has a bias b^(l).
        note: a few words printed in ``compare --help``.

    Examples:
        >>> config = CONFIGS["sse-softmax"]
        >>> config.arch.describe(), config.bias, config.note
        ('ReLU hidden, softmax output, SSE loss', False, 'needs the Jacobian')
    """

    name: str
    arch: Architecture
    bias: bool
    note: str = ""


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in (
        Config("lecture", LECTURE, False, "the lecture's and the book's network"),
        Config("lecture-bias", LECTURE, True, "the same with biases b^(l)"),
        Config("sigmoid-hidden", Architecture("sigmoid"), False, "the book's dropout net"),
        Config("tanh-hidden", Architecture("tanh"), True),
        Config("sse-sigmoid", Architecture("sigmoid", "sigmoid", "sse"), True, "the lecture's SSE"),
        Config("sse-linear", Architecture("relu", "linear", "sse"), True),
        Config("sse-softmax", Architecture("relu", "softmax", "sse"), False, "needs the Jacobian"),
    )
}
"""The configurations of ``tinygrad4h03 compare``, by name (see `Config`)."""


@dataclass(frozen=True)
class LayerComparison:
    """One row of ``compare``: one parameter's gradient by both engines, over the five digits.

    Attributes:
        config: the `Config`'s name.
        parameter: ``"W1"``, ``"b1"``, …: which W^(l) or b^(l).
        autograd_norm: the norm of autograd's ∂E/∂P for the loss summed over the digits.
        deltarule_norm: the same by the delta rule.
        max_diff: the largest |autograd − delta rule| entry over the five per-sample gradients.
        scale: the largest |entry| of the delta rule's per-sample gradients.
        rtol: the tolerance relative to ``scale``; the two agree when
            ``max_diff <= rtol * scale``.

    Examples:
        >>> row = compare_config(CONFIGS["lecture"])[0]
        >>> row.parameter, row.ok, row.max_diff <= row.tolerance
        ('W1', True, True)
    """

    config: str
    parameter: str  # "W1", "b1", …
    autograd_norm: float
    deltarule_norm: float
    max_diff: float
    scale: float
    rtol: float

    @property
    def tolerance(self) -> float:
        """The largest allowed difference, ``rtol * scale``."""
        return self.rtol * self.scale

    @property
    def relative_diff(self) -> float:
        """``max_diff / scale`` (0 when both are exactly zero, inf when only autograd's is not)."""
        return self.max_diff / self.scale if self.scale else (math.inf if self.max_diff else 0.0)

    @property
    def ok(self) -> bool:
        """True when the two engines agree: ``max_diff <= tolerance``."""
        return self.max_diff <= self.tolerance


def comparison_network(config: Config, seed: int) -> tuple[Weights, Biases]:
    """The lecture's weights for ``compare``; biases (when present) uniform on (−1, 1) too.

    The weights are `initial_weights` with ``init="lecture"``; nonzero biases (drawn from a second
    generator seeded by ``[seed, 1]``) make their gradients matter.

    Args:
        config: which layers get biases (``config.bias``).
        seed: the seed of the weights and biases.

    Returns:
        ``(weights, biases)`` of the 25-20-20-20-5 network.

    Examples:
        >>> weights, biases = comparison_network(CONFIGS["lecture-bias"], seed=0)
        >>> [b.shape for b in biases], bool(np.abs(biases[0]).max() < 1)
        ([(20,), (20,), (20,), (5,)], True)
    """
    weights, biases = initial_weights(LECTURE_SIZES, "lecture", config.bias, seed)
    rng = np.random.default_rng([seed, 1])
    return weights, [None if b is None else rng.uniform(-1, 1, b.shape) for b in biases]


def compare_config(config: Config, seed: int = 0, rtol: float = 1e-10) -> list[LayerComparison]:
    """∂E/∂W^(l) (and ∂E/∂b^(l)) of each digit's loss by autograd and by the delta rule.

    For each of the five digits (unpacked column by column) `autograd_gradients` and
    ``tg.deltarule.gradients`` are evaluated on `comparison_network`; each parameter gives one
    `LayerComparison` row.

    Args:
        config: the configuration to check.
        seed: the seed of the weights.
        rtol: the tolerance relative to each gradient's largest entry.

    Returns:
        The rows W1, (b1,) W2, … in layer order.

    Examples:
        >>> rows = compare_config(CONFIGS["sse-softmax"])
        >>> [row.parameter for row in rows], all(row.ok for row in rows)
        (['W1', 'W2', 'W3', 'W4'], True)
    """
    weights, biases = comparison_network(config, seed)
    X, labels = data.lecture_digits(order="F")
    Y = data.one_hot(labels)
    pairs = [
        (
            autograd_gradients(weights, biases, x, y, config.arch),
            deltarule.gradients(weights, biases, x, y, **config.arch.names),
        )
        for x, y in zip(X, Y, strict=True)
    ]
    rows = []
    for l in range(len(weights)):
        for k, symbol in enumerate("Wb"):
            if k == 1 and biases[l] is None:
                continue
            auto = np.array([a[l][k] for a, _ in pairs])  # (digits, *parameter shape)
            rule = np.array([d[l][k] for _, d in pairs])
            rows.append(
                LayerComparison(
                    config.name,
                    f"{symbol}{l + 1}",
                    float(np.linalg.norm(auto.sum(axis=0))),
                    float(np.linalg.norm(rule.sum(axis=0))),
                    float(np.max(np.abs(auto - rule))),
                    float(np.max(np.abs(rule))),
                    rtol,
                )
            )
    return rows


@dataclass(frozen=True)
class NaiveCheck:
    """δ^(L) = −∂E/∂v^(L) for softmax + SSE, three ways, for one sample (`naive_softmax_check`).

    Attributes:
        autograd: −∂E/∂v^(L) by the engine (``tg.grad`` through the ``Softmax`` module).
        jacobian: J(v)ᵀ ε^(L) with J = diag(s) − s sᵀ, ``tg.deltarule.output_delta``: right.
        naive: s(1 − s) ⊙ ε^(L), ``tg.deltarule.naive_output_delta``: wrong.

    Shapes:
        Each is ``(n_L,)``.

    Examples:
        >>> weights, biases = comparison_network(CONFIGS["sse-softmax"], seed=0)
        >>> X, labels = data.lecture_digits(order="F")
        >>> x, y = X[0], np.eye(5)[0]   # the digit 1 and its target
        >>> check = naive_softmax_check(weights, biases, x, y)
        >>> bool(np.allclose(check.jacobian, check.autograd)), check.autograd.shape
        (True, (5,))
    """

    autograd: np.ndarray  # −∂E/∂v^(L) by the engine (tg.grad through the Softmax module)
    jacobian: np.ndarray  # J(v)ᵀ ε, tg.deltarule.output_delta
    naive: np.ndarray  # s(1 − s) ⊙ ε, tg.deltarule.naive_output_delta: wrong


def naive_softmax_check(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None] | None,
    x: np.ndarray,
    y: np.ndarray,
    hidden: str = "relu",
) -> NaiveCheck:
    """The output δ^(L) of a softmax + SSE network, by autograd, the Jacobian and the naive rule.

    The lecture's δ^(L) = φ'(v^(L)) ε^(L) holds for an elementwise φ; a softmax needs its Jacobian,
    δ^(L) = J(v)ᵀ ε^(L). This puts the naive elementwise version beside the right one and
    autograd's.

    Args:
        weights: W^(1) … W^(L).
        biases: b^(1) … b^(L) or ``None``.
        x: one sample y^(0), ``(n_0,)``.
        y: its target vector, ``(n_L,)``.
        hidden: φ of the hidden layers.

    Returns:
        A `NaiveCheck`.

    Examples:
        >>> check = naive_softmax_check(weights, biases, x, y)   # the digit 1, seed 0
        >>> round(float(np.abs(check.naive - check.autograd).max()), 3)   # the naive rule's error
        0.098
    """
    arch = Architecture(hidden, "softmax", "sse")
    model = build_network(weights, biases, arch)  # ends with nn.Softmax
    v = model[:-1](Tensor(np.asarray(x, dtype=np.float64)[None]))  # v^(L), (1, n_L)
    loss = autograd_loss(model[-1](v), np.asarray(y, dtype=np.float64)[None], arch)
    (dE_dv,) = grad(loss, v)
    v_L = v.numpy()[0]
    return NaiveCheck(
        -dE_dv.numpy()[0],
        deltarule.output_delta(v_L, y, "softmax", "sse"),
        deltarule.naive_output_delta(v_L, y),
    )
