r"""The lecture's digit network, trained by either engine, and autograd checked against it.

ChE 4H03's motivating example (and P. Kim, *MATLAB Deep Learning*, ch. 5, ``DeepReLU.m``): a
25-20-20-20-5 network — L = 4 weight layers, ReLU hidden layers, a softmax output with the
cross-entropy loss, no biases — learns the five 5×5 digits one sample at a time. Everything
the command line's ``digits`` and ``compare`` do lives here, so that tests and users can call
it without parsing output:

* :func:`initial_weights` — W^(1) … W^(L) as float64 NumPy arrays (the lecture's uniform
  (−1, 1) or He/Kaiming), the one starting point that both engines copy.
* :func:`build_network` — those arrays as a ``tg.nn.Sequential`` of ``Linear`` layers and
  activations; :func:`network_arrays` reads them back.
* :class:`AutogradTrainer` and :class:`DeltaRuleTrainer` — one interface, two engines: the
  PyTorch loop (``model(x)``, loss, ``zero_grad``, ``backward``, ``SGD.step``) and the
  lecture's hand-derived rule ``tg.deltarule.train_epoch``.
* :func:`train_digits` — the ``digits`` command without the printing.
* :func:`compare_config` — the ``compare`` command's table rows: ∂E/∂W^(l) by autograd beside
  ``tg.deltarule.gradients``; :func:`naive_softmax_check` — why softmax + SSE needs the
  Jacobian.

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
ENGINES = ("autograd", "deltarule")
INITS = ("lecture", "kaiming")

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
    """φ of the hidden layers, φ of the output layer and the loss E (``tg.deltarule``'s names).

    ``hidden`` is one of ``relu sigmoid tanh linear``, ``output`` one of
    ``softmax sigmoid linear``, ``loss`` one of ``cross_entropy sse``.
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
        """Softmax + cross-entropy: the model ends at v^(L), as PyTorch's CrossEntropyLoss wants."""
        return self.output == "softmax" and self.loss == "cross_entropy"

    @property
    def names(self) -> dict[str, str]:
        """The keyword arguments of ``tg.deltarule``'s functions."""
        return {"hidden": self.hidden, "output": self.output, "loss": self.loss}

    def describe(self) -> str:
        """E.g. ``ReLU hidden, softmax output, cross-entropy loss``."""
        return (
            f"{_NAMES[self.hidden]} hidden, {_NAMES[self.output]} output, "
            f"{_NAMES[self.loss]} loss"
        )


LECTURE = Architecture()  # ReLU hidden, softmax output, cross-entropy: the book's DeepReLU.m


# --- weights and the network ---------------------------------------------------------------------


def initial_weights(
    sizes: Sequence[int] = LECTURE_SIZES,
    init: str = "lecture",
    bias: bool = False,
    seed: int | np.random.Generator | None = 0,
) -> tuple[Weights, Biases]:
    """W^(1) … W^(L) (each ``(n_l, n_{l-1})``, float64) and b^(l) (zeros, or ``None``).

    ``init="lecture"``: uniform on (−1, 1), the book's MATLAB ``W = 2*rand(m, n) - 1``
    (``tg.nn.init.lecture_uniform_``; with the same seed the same numbers as
    ``tg.deltarule.lecture_init``). ``init="kaiming"``: He's normal N(0, 2 / n_{l-1})
    (``tg.nn.init.kaiming_normal_`` with the ReLU gain). ``seed`` seeds a NumPy generator, so
    a run is reproducible and independent of ``tg.manual_seed``.
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
    """The network v^(l) = W^(l) y^(l-1) + b^(l), y^(l) = φ(v^(l)) as ``tg.nn.Sequential``.

    One ``Linear(n_{l-1}, n_l, bias=b^(l) is not None, dtype=float64)`` per layer holding a
    copy of W^(l) (and b^(l)), each hidden one followed by its activation module. The output
    activation follows the last ``Linear`` except for softmax + cross-entropy, where the model
    returns the logits v^(L) for ``F.cross_entropy`` (PyTorch's convention).
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
    """Copies of every ``Linear``'s weight and bias (``None`` without one), layer 1 first."""
    linears = _linears(model)
    weights = [m.weight.data.copy() for m in linears]
    biases = [None if m.bias is None else m.bias.data.copy() for m in linears]
    return weights, biases


# --- the loss, by the engine ---------------------------------------------------------------------


def autograd_loss(out: Tensor, target: np.ndarray, arch: Architecture = LECTURE) -> Tensor:
    """The loss E averaged over a batch of rows, from ``tg.nn.functional``.

    ``out`` is the model's output, ``(N, n_L)``: the logits v^(L) for softmax + cross-entropy,
    else y^(L). ``target``: class indices ``(N,)`` for cross-entropy, target rows ``(N, n_L)``
    for SSE.

    * softmax + cross-entropy: ``F.cross_entropy(v, t)`` = −log softmax(v)_t.
    * sigmoid or linear + cross-entropy: the lecture's −Σ_i y_i log y^(L)_i for a one-hot y,
      i.e. −log y^(L)_t (``F.nll_loss`` of log y^(L), taking the log of the target entries
      only: a linear output may be negative elsewhere).
    * SSE: ``F.sse_loss(y^(L), y)`` = ½ Σ (y^(L) − y)², divided by N.
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
    """What ``train_digits`` needs from an engine."""

    def train_epoch(self) -> None: ...
    def loss(self) -> float: ...
    def outputs(self, X: np.ndarray) -> np.ndarray: ...
    def arrays(self) -> tuple[Weights, Biases]: ...


class AutogradTrainer:
    """The network trained by the engine, the PyTorch way, on the rows of ``X``.

    Each step on a batch (consecutive rows, in order; ``batch_size=1`` is the lecture's
    per-sample loop)::

        loss = autograd_loss(model(x), t); opt.zero_grad(); loss.backward(); opt.step()

    with ``tg.optim.SGD(lr)``: W ← W − α ∂E/∂W, the lecture's W ← W + α δ yᵀ.
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
        """One pass over the batches: forward, loss, zero_grad, backward, SGD step."""
        model, optimizer, arch = self.model, self.optimizer, self.arch
        for x, t in self.batches:
            loss = autograd_loss(model(x), t, arch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    def loss(self) -> float:
        """E averaged over every row of ``X``."""
        with no_grad():
            return autograd_loss(self.model(self.X), self.target, self.arch).item()

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """y^(L) for the rows of ``X`` (the class probabilities for a softmax output)."""
        with no_grad():
            out = self.model(Tensor(np.asarray(X, dtype=np.float64)))
            return (out.softmax(dim=-1) if self.arch.returns_logits else out).numpy()

    def arrays(self) -> tuple[Weights, Biases]:
        return network_arrays(self.model)


class DeltaRuleTrainer:
    """The same network trained by the lecture's hand-derived rule, ``tg.deltarule``.

    ``batch_size=1``: per sample in order, δ^(L) … δ^(1) with the old weights, then
    W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ (``deltarule.train_step``); larger: the mean gradient
    of each consecutive mini-batch (``deltarule.train_epoch``).
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
        """One pass of the lecture's loop over the points (or over mini-batches)."""
        deltarule.train_epoch(
            self.weights, self.biases, self.X, self.Y, self.lr, self.batch_size, **self.arch.names
        )

    def loss(self) -> float:
        return deltarule.loss_value(self.weights, self.biases, self.X, self.Y, **self.arch.names)

    def outputs(self, X: np.ndarray) -> np.ndarray:
        arch = self.arch
        _, ys = deltarule.forward(self.weights, self.biases, X, arch.hidden, arch.output)
        return ys[-1]

    def arrays(self) -> tuple[Weights, Biases]:
        biases = [None if b is None else b.copy() for b in self.biases]
        return [W.copy() for W in self.weights], biases


_TRAINERS = {"autograd": AutogradTrainer, "deltarule": DeltaRuleTrainer}


# --- the digits run ------------------------------------------------------------------------------


class ProgressBar(Protocol):
    """The part of ``tqdm`` that :func:`train_digits` uses."""

    def update(self, n: int = 1) -> object: ...
    def set_postfix_str(self, s: str = "", refresh: bool = True) -> object: ...
    def close(self) -> object: ...


@dataclass
class DigitsRun:
    """What :func:`train_digits` returns: the trained network, its outputs and its history."""

    weights: Weights
    biases: Biases
    X: np.ndarray  # the five training digits, (5, 25), unpacked in ``order``
    labels: np.ndarray  # their classes 0 … 4
    probabilities: np.ndarray  # y^(L) of each digit, (5, 5)
    losses: list[tuple[int, float]]  # (epoch, mean loss over the digits), epoch 0 = untrained
    seconds: float  # wall time of the training loop
    trainer: Trainer = field(repr=False)

    def accuracy(self, X: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of rows of ``X`` whose most probable class is the label."""
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
    """Train the lecture's 25-20-20-20-5 network on ``tg.data.lecture_digits``.

    Both ``engine="autograd"`` and ``engine="deltarule"`` start from the same
    :func:`initial_weights` and make the same updates in the same order (per sample 1 … 5, no
    shuffling; or consecutive mini-batches with the mean loss), so in float64 they end with the
    same weights to rounding. ``progress(epochs)`` may return a ``tqdm`` bar. The loss over
    the five digits is recorded before training and every ``record_every`` epochs (by default
    about 500 points in all) and after the last.
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
    ``tg.deltarule.gradients`` (same arguments, same result layout).

    ``x`` is one sample ``(n_0,)`` and ``y`` its target vector ``(n_L,)``; for cross-entropy
    ``y`` must be one-hot (its class is passed to the loss). The sample goes through
    :func:`build_network` as a batch of one row; ``loss.backward()`` fills every ``.grad``.
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
    """One configuration of ``compare``: an architecture on the lecture's network shape."""

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


@dataclass(frozen=True)
class LayerComparison:
    """One row of ``compare``: one parameter's gradient by both engines, over the five digits.

    The norms are those of the gradient of the loss summed over the digits; ``max_diff`` is the
    largest |autograd − delta rule| entry over the five per-sample gradients; ``scale`` is the
    largest |entry| of the delta rule's per-sample gradients, and the two agree when
    ``max_diff <= rtol * scale``.
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
        return self.rtol * self.scale

    @property
    def relative_diff(self) -> float:
        """max_diff / scale (0 when both gradients are exactly zero)."""
        return self.max_diff / self.scale if self.scale else (math.inf if self.max_diff else 0.0)

    @property
    def ok(self) -> bool:
        return self.max_diff <= self.tolerance


def comparison_network(config: Config, seed: int) -> tuple[Weights, Biases]:
    """The lecture's weights; biases (when present) uniform on (−1, 1) too, so they matter."""
    weights, biases = initial_weights(LECTURE_SIZES, "lecture", config.bias, seed)
    rng = np.random.default_rng([seed, 1])
    return weights, [None if b is None else rng.uniform(-1, 1, b.shape) for b in biases]


def compare_config(config: Config, seed: int = 0, rtol: float = 1e-10) -> list[LayerComparison]:
    """∂E/∂W^(l) (and ∂E/∂b^(l)) of each digit's loss by autograd and by the delta rule."""
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
    """δ^(L) = −∂E/∂v^(L) for softmax + SSE, three ways, for one sample."""

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
    """The output δ of a softmax + SSE network, by autograd, the Jacobian and the naive rule."""
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
