"""lecture/network.py: the lecture's digit network as ``tg.nn`` modules, and its loss.

- `initial_weights`: W^(1) … W^(L) as float64 NumPy arrays (the lecture's uniform (−1, 1) or
  He/Kaiming), the one starting point that both training methods copy.
- `Architecture`: the hidden and output activations, the loss and the dropout rate.
- `build_network`: those arrays as a ``tg.nn.Sequential`` of ``Linear`` layers, activations and
  (for the book's ``DeepDropout.m``) `MaskedDropout`; `network_arrays` reads them back.
- `autograd_loss`: the loss ℰ of a batch, from ``tg.nn.functional``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .. import data, deltarule, nn
from ..tensor import Tensor

__all__ = [
    "INITS",
    "LECTURE",
    "LECTURE_SIZES",
    "Architecture",
    "MaskedDropout",
    "autograd_loss",
    "batch_slices",
    "build_network",
    "initial_weights",
    "linear_layers",
    "loss_target",
    "network_arrays",
]

LECTURE_SIZES = (25, 20, 20, 20, 5)  # n_0 … n_L of the lecture's (and the book's) network
"""The layer widths n_0 … n_L of the lecture's (and the book's) network: 25 pixels, 3 × 20, 5."""
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
    """One network's activations and loss: φ of the hidden layers, φ of the output layer, and ℰ.

    The names are ``tg.deltarule``'s (`deltarule.HIDDEN`, `deltarule.OUTPUTS`,
    `deltarule.LOSSES`); `LECTURE` is the default, the book's ``DeepReLU.m``.

    Attributes:
        hidden: φ of layers 1 … L−1: ``"relu"``, ``"sigmoid"``, ``"tanh"`` or ``"linear"``.
        output: φ of layer L: ``"softmax"``, ``"sigmoid"`` or ``"linear"``.
        loss: the loss ℰ: ``"cross_entropy"`` (−Σ y log y^(L)) or ``"sse"`` (the lecture's
            ½ Σ (y^(L) − y)²).
        dropout: the probability p of dropping a hidden unit while training (0: no dropout;
            the book's ``DeepDropout.m`` uses 0.2 with sigmoid hidden layers).

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
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1), got {self.dropout!r}")
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
        words = (
            f"{_NAMES[self.hidden]} hidden, {_NAMES[self.output]} output, {_NAMES[self.loss]} loss"
        )
        return words + (f", dropout {self.dropout:g}" if self.dropout else "")


LECTURE = Architecture()  # ReLU hidden, softmax output, cross-entropy: the book's DeepReLU.m
"""ReLU hidden layers, softmax output, cross-entropy loss: the book's ``DeepReLU.m``."""


# --- weights and the network ---------------------------------------------------------------------


def initial_weights(
    sizes: Sequence[int] = LECTURE_SIZES,
    init: str = "lecture",
    bias: bool = False,
    seed: int | np.random.Generator | None = 0,
) -> tuple[Weights, Biases]:
    """W^(1) … W^(L) and b^(1) … b^(L) as float64 NumPy arrays: the one start both methods copy.

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
        weights.append(W.numpy())
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
        if arch.dropout and l < len(weights):
            modules.append(MaskedDropout(arch.dropout))
    return nn.Sequential(*modules)


class MaskedDropout(nn.Module):
    """Inverted dropout whose mask is chosen outside: y ↦ m ⊙ y in training, y in eval.

    ``nn.Dropout`` draws its own mask; this layer multiplies by ``self.mask``, set before each
    forward pass, so that autograd and ``tg.deltarule`` can be driven by the same masks (0 for a
    dropped unit, 1/(1 − p) for a kept one, ``deltarule.dropout_mask``). The mask is a constant
    of the graph: ∂(m ⊙ y)/∂y = m.

    Args:
        p: the dropout probability, for ``repr`` and for checking the masks' values.

    Examples:
        >>> layer = MaskedDropout(0.2)
        >>> layer.mask = np.array([[1.25, 0.0, 1.25]])
        >>> layer(Tensor(np.ones((1, 3)))).tolist()
        [[1.25, 0.0, 1.25]]
        >>> layer.eval()(Tensor(np.ones((1, 3)))).tolist()   # inference: no dropout
        [[1.0, 1.0, 1.0]]
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p
        self.mask: np.ndarray | None = None

    def forward(self, y: Tensor) -> Tensor:
        """m ⊙ y while training; y itself after ``eval()``."""
        if not self.training:
            return y
        if self.mask is None or self.mask.shape != tuple(y.shape):
            shape = None if self.mask is None else self.mask.shape
            raise ValueError(
                f"MaskedDropout: set .mask to an array of the input's shape {tuple(y.shape)} "
                f"before the forward pass (got {shape})"
            )
        return y * Tensor(self.mask)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def linear_layers(model: nn.Sequential) -> list[nn.Linear]:
    """The ``Linear`` modules of a network, layer 1 first: W^(1) … W^(L).

    Examples:
        >>> [m.weight.shape for m in linear_layers(build_network(*initial_weights()))][0]
        (20, 25)
    """
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
    linears = linear_layers(model)
    weights = [m.weight.numpy().copy() for m in linears]
    biases = [None if m.bias is None else m.bias.numpy().copy() for m in linears]
    return weights, biases


# --- the loss, by autograd -----------------------------------------------------------------------


def autograd_loss(out: Tensor, target: np.ndarray, arch: Architecture = LECTURE) -> Tensor:
    """The loss ℰ averaged over a batch of rows, from ``tg.nn.functional``.

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


def loss_target(labels: np.ndarray, n_out: int, arch: Architecture) -> np.ndarray:
    """What `autograd_loss` takes: class indices (cross-entropy) or one-hot rows (SSE).

    Examples:
        >>> loss_target(np.array([1, 0]), 2, LECTURE).tolist()
        [1, 0]
        >>> loss_target(np.array([1, 0]), 2, Architecture(loss="sse")).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    return data.one_hot(labels, n_out) if arch.loss == "sse" else labels


def batch_slices(n: int, batch_size: int) -> list[slice]:
    """Consecutive slices of ``batch_size`` rows (the last may be shorter), in order.

    Examples:
        >>> batch_slices(5, 2)
        [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None)]
    """
    return [slice(start, start + batch_size) for start in range(0, n, batch_size)]
