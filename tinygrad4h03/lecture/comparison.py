"""lecture/comparison.py: autograd's gradients beside the delta rule's, layer by layer.

- `autograd_gradients`: ∂ℰ/∂W^(l) by the engine, the twin of ``tg.deltarule.gradients``.
- `Config`, `CONFIGS`, `compare_config`, `LayerComparison`: the rows of ``tinygrad4h03 compare``.
- `naive_softmax_check`: why softmax + SSE needs the Jacobian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import data, deltarule
from ..autograd import grad
from ..tensor import Tensor
from .network import (
    LECTURE,
    LECTURE_SIZES,
    Architecture,
    Biases,
    Gradients,
    MaskedDropout,
    Weights,
    autograd_loss,
    build_network,
    initial_weights,
    linear_layers,
)
from .training import MaskStream

__all__ = [
    "CONFIGS",
    "Config",
    "LayerComparison",
    "NaiveCheck",
    "autograd_gradients",
    "compare_config",
    "comparison_network",
    "naive_softmax_check",
]

# --- autograd against the delta rule, gradient by gradient ---------------------------------------


def autograd_gradients(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None] | None,
    x: np.ndarray,
    y: np.ndarray,
    arch: Architecture = LECTURE,
    masks: Sequence[np.ndarray] | None = None,
) -> Gradients:
    """∂ℰ/∂W^(l) and ∂ℰ/∂b^(l) of one sample's loss, by the engine: the twin of
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
        masks: with ``arch.dropout``, the dropout masks m^(1) … m^(L−1), each ``(n_l,)``.

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
    dropouts = [m for m in model if isinstance(m, MaskedDropout)]
    for layer, mask in zip(dropouts, masks or [], strict=True):
        layer.mask = np.asarray(mask, dtype=np.float64)[None]  # one sample: one row
    target = _sample_target(np.asarray(y, dtype=np.float64), arch)
    loss = autograd_loss(model(Tensor(np.asarray(x, dtype=np.float64)[None])), target, arch)
    loss.backward()
    return [
        (_grad(m.weight), None if m.bias is None else _grad(m.bias)) for m in linear_layers(model)
    ]


def _grad(parameter: Tensor) -> np.ndarray:
    assert parameter.grad is not None, "backward() reaches every parameter"
    return parameter.grad.numpy()


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
    rule: str = "exact"  # "book": DeepDropout.m's own rule, deltarule.book_dropout_gradients

    @property
    def expected_to_agree(self) -> bool:
        """False for the book's dropout rule, which is not the gradient (shown, not failed)."""
        return self.rule == "exact"


_DROPOUT = Architecture("sigmoid", dropout=0.2)

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
        Config("dropout", _DROPOUT, False, "the book's DeepDropout.m, masks fixed"),
        Config("dropout-book", _DROPOUT, False, "the book's own rule: expected to differ", "book"),
    )
}
"""The configurations of ``tinygrad4h03 compare``, by name (see `Config`)."""


@dataclass(frozen=True)
class LayerComparison:
    """One row of ``compare``: one parameter's gradient by both methods, over the five digits.

    Attributes:
        config: the `Config`'s name.
        parameter: ``"W1"``, ``"b1"``, …: which W^(l) or b^(l).
        autograd_norm: the norm of autograd's ∂ℰ/∂P for the loss summed over the digits.
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
        """True when the two methods agree: ``max_diff <= tolerance``."""
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
    """∂ℰ/∂W^(l) (and ∂ℰ/∂b^(l)) of each digit's loss by autograd and by the delta rule.

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
    pairs = []
    for x, y, masks in zip(X, Y, _digit_masks(config, weights, seed), strict=True):
        auto = autograd_gradients(weights, biases, x, y, config.arch, masks)
        pairs.append((auto, _rule_gradients(config, weights, biases, x, y, masks)))
    rows = []
    for l in range(len(weights)):
        for k, symbol in enumerate("Wb"):
            if k == 1 and biases[l] is None:
                continue
            by_autograd = np.array([a[l][k] for a, _ in pairs])  # (digits, *parameter shape)
            by_rule = np.array([d[l][k] for _, d in pairs])
            rows.append(
                LayerComparison(
                    config.name,
                    f"{symbol}{l + 1}",
                    float(np.linalg.norm(by_autograd.sum(axis=0))),
                    float(np.linalg.norm(by_rule.sum(axis=0))),
                    float(np.max(np.abs(by_autograd - by_rule))),
                    float(np.max(np.abs(by_rule))),
                    rtol,
                )
            )
    return rows


def _digit_masks(config: Config, weights: Weights, seed: int) -> list[list[np.ndarray] | None]:
    """One set of masks per digit (exact round((1 − p) n) units kept), or ``None`` each."""
    if not config.arch.dropout:
        return [None] * 5
    stream = MaskStream([W.shape[0] for W in weights[:-1]], config.arch.dropout, seed=seed)
    return [[m[0] for m in stream.draw(1)] for _ in range(5)]


def _rule_gradients(
    config: Config,
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    y: np.ndarray,
    masks: list[np.ndarray] | None,
) -> Gradients:
    if config.rule == "book":
        assert masks is not None, "the book's rule is a dropout rule"
        return deltarule.book_dropout_gradients(
            weights, biases, x, y, masks, config.arch.output, config.arch.loss
        )
    arch = config.arch
    return deltarule.gradients(
        weights, biases, x, y, arch.hidden, arch.output, arch.loss, masks=masks
    )


@dataclass(frozen=True)
class NaiveCheck:
    """δ^(L) = −∂ℰ/∂v^(L) for softmax + SSE, three ways, for one sample (`naive_softmax_check`).

    Attributes:
        autograd: −∂ℰ/∂v^(L) by the engine (``tg.grad`` through the ``Softmax`` module).
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

    autograd: np.ndarray
    jacobian: np.ndarray
    naive: np.ndarray


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
    assert dE_dv is not None
    v_L = v.numpy()[0]
    return NaiveCheck(
        -dE_dv.numpy()[0],
        deltarule.output_delta(v_L, y, "softmax", "sse"),
        deltarule.naive_output_delta(v_L, y),
    )
