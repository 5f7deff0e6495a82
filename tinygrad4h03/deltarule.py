r"""deltarule.py: the lecture's hand-derived back-propagation (the ε/δ delta rule) in plain NumPy.

This module is the independent reference that the autograd engine is checked against, so it
imports nothing from the rest of the package. It follows ChE 4H03, "Artificial Neural Networks:
Deep Learning" (J. Nease), and the book example it reproduces (P. Kim, *MATLAB Deep Learning*,
ch. 5, ``DeepReLU.m``).

**Network and notation (the lecture's symbols).** Layers are numbered ``l = 1 … L``;
``weights[l - 1]`` is W^(l) with shape ``(n_l, n_{l-1})`` exactly as ``nn.Linear.weight``, and
``biases[l - 1]`` is b^(l) of shape ``(n_l,)`` or ``None`` (the book and the lecture's example
use no biases). Forward pass, for l = 1 … L:

```text
v^(l) = W^(l) y^(l-1) + b^(l)          y^(0) = x
y^(l) = φ(v^(l))                       φ = hidden for l < L, output for l = L
```

Losses, for one sample with target vector y (shape ``(n_L,)``):

- ``"sse"``: the lecture's E = ½ Σ_i (y^(L)_i − y_i)².
- ``"cross_entropy"``: E = −Σ_i y_i log y^(L)_i, applied to the *output activation* y^(L) for
  every output activation (no elementwise binary form for sigmoid). With a softmax output and a
  one-hot or probability target this is PyTorch's ``CrossEntropyLoss`` on the logits v^(L).

**Sign convention.** The lecture's derivation defines δ ≜ ∂ℰ/∂v, but its algorithm (and the
book's code) builds δ from the error ε^(L) = y − y^(L), *target minus output*, and updates
W ← W + α δ (y^(l-1))ᵀ. That δ is therefore the **negative** gradient, and this module uses the
algorithm's convention throughout:

```text
δ^(l) = −∂ℰ/∂v^(l)        ∂ℰ/∂W^(l) = −δ^(l) (y^(l-1))ᵀ        ∂ℰ/∂b^(l) = −δ^(l)
```

so the lecture's update W ← W + α δ yᵀ is exactly gradient descent W ← W − α ∂ℰ/∂W. The
functions return ∂ℰ/∂W and ∂ℰ/∂b (the gradient of the loss, as autograd does).

**Backward pass** (the lecture's "Back Propagation Algorithm Again" slide):

```text
ε^(L) = y − y^(L)                      output error
δ^(L) = φ'(v^(L)) ⊙ ε^(L)              elementwise output (sigmoid, linear) with SSE
ε^(l) = (W^(l+1))ᵀ δ^(l+1)             back propagation, l = L−1 … 1
δ^(l) = φ'(v^(l)) ⊙ ε^(l)
W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ     update (all δ computed with the old weights first)
```

The output layer's δ^(L) = −∂ℰ/∂v^(L) depends on the output activation and the loss; each
combination is derived in `output_delta`. A softmax is a *vector* function, so with SSE its
full Jacobian J = diag(s) − s sᵀ is needed; the tempting elementwise formula
δ = s(1 − s) ⊙ ε keeps only J's diagonal and is wrong (`naive_output_delta`).

**Shapes.** A single sample is a 1-D vector (the lecture's column vector); a batch is a 2-D
array whose *rows* are samples, so the same code evaluates both with ``y @ W.T``.

**The book's next chapters.** Dropout (``DeepDropout.m``): given masks m^(l) (`dropout_mask`),
y^(l) = m^(l) ⊙ φ(v^(l)) and δ^(l) = m^(l) ⊙ φ'(v^(l)) ⊙ ε^(l) (``masks=`` of `gradients`,
`gradients_batch`, `train_epoch`); the book's own rule, which differs for kept units, is
`book_dropout_gradients`. The convolutional network (``MnistConv.m``): `conv_forward`,
`conv_gradients` (the pooling error spread by ``kron``, the ReLU mask, the filter gradient as
the correlation of the input with δ), `conv_train_epoch` (momentum), `conv_init`, `conv_loss`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np

__all__ = [
    "HIDDEN",
    "LOSSES",
    "MASK_KINDS",
    "OUTPUTS",
    "book_dropout_gradients",
    "conv_forward",
    "conv_gradients",
    "conv_init",
    "conv_loss",
    "conv_train_epoch",
    "dropout_mask",
    "forward",
    "gradients",
    "gradients_batch",
    "lecture_init",
    "loss_value",
    "naive_output_delta",
    "output_delta",
    "train_epoch",
    "train_step",
]

Weights = Sequence[np.ndarray]
Biases = Sequence[np.ndarray | None] | None
Gradients = list[tuple[np.ndarray, np.ndarray | None]]
Masks = Sequence[np.ndarray] | None

HIDDEN = ("relu", "sigmoid", "tanh", "linear")
"""The hidden activations φ that ``hidden=`` accepts; φ' = [v > 0], σ(1 − σ), 1 − tanh², 1."""
OUTPUTS = ("softmax", "sigmoid", "linear")
"""The output activations φ of layer L that ``output=`` accepts."""
LOSSES = ("cross_entropy", "sse")
"""The losses ℰ that ``loss=`` accepts: −Σ y log y^(L), or the lecture's ½ Σ (y^(L) − y)²."""


# --- activations φ and their derivatives φ' --------------------------------------------------


def _relu(v: np.ndarray) -> np.ndarray:
    return np.maximum(v, 0.0)


def _sigmoid(v: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^(-v)), written with e^(-|v|) so that it never overflows.
    z = np.exp(-np.abs(v))
    return np.where(v >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _identity(v: np.ndarray) -> np.ndarray:
    return v


def _softmax(v: np.ndarray) -> np.ndarray:
    # φ(v_i) = e^(v_i) / Σ_k e^(v_k) over the last axis; subtracting max(v) changes nothing
    # mathematically and keeps e^(·) from overflowing.
    z = np.exp(v - v.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


# φ and φ'(v) for the elementwise activations. φ' receives v and y = φ(v), and uses whichever
# is cheaper: ReLU'(v) = [v > 0] (0 at v = 0, as the lecture and PyTorch), σ' = y(1 − y),
# tanh' = 1 − y².
_ELEMENTWISE: dict[str, tuple[Callable, Callable]] = {
    "relu": (_relu, lambda v, y: (v > 0).astype(y.dtype)),
    "sigmoid": (_sigmoid, lambda v, y: y * (1.0 - y)),
    "tanh": (np.tanh, lambda v, y: 1.0 - y * y),
    "linear": (_identity, lambda v, y: np.ones_like(y)),
}


def _activate(v: np.ndarray, name: str) -> np.ndarray:
    """y = φ(v) for any hidden or output activation."""
    return _softmax(v) if name == "softmax" else _ELEMENTWISE[name][0](v)


def _phi_prime(v: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    """φ'(v) elementwise (softmax has no elementwise derivative; see output_delta)."""
    return _ELEMENTWISE[name][1](v, y)


# --- the output layer: δ^(L) = −∂ℰ/∂v^(L) for every (output, loss) ---------------------------
#
# With y_L = φ(v), the chain rule gives −∂ℰ/∂v = J_φ(v)ᵀ (−∂ℰ/∂y_L), where
#   SSE:            −∂ℰ/∂y_L = y − y_L = ε^(L)
#   cross-entropy:  −∂ℰ/∂y_L = y / y_L            (ℰ = −Σ y log y_L)
#   J_φ = diag(φ'(v)) for elementwise φ;  J_softmax = diag(s) − s sᵀ (symmetric).
# Each rule below takes (v, y_L, y) and returns δ^(L).


def _softmax_jt(s: np.ndarray, g: np.ndarray) -> np.ndarray:
    """J(v)ᵀ g for the softmax s = φ(v): (diag(s) − s sᵀ) g = s ⊙ g − s (sᵀ g)."""
    return s * g - s * (s * g).sum(axis=-1, keepdims=True)


def _check_log_defined(y: np.ndarray, y_L: np.ndarray) -> None:
    """−Σ y log y_L needs y_L > 0 wherever y ≠ 0 (only a linear output can break this)."""
    if np.any((y != 0) & (y_L <= 0)):
        raise ValueError(
            "cross_entropy needs output activations y_L > 0 wherever the target y is nonzero "
            f"(log y_L is undefined otherwise); got min y_L = {float(np.min(y_L)):.6g}"
        )


def _delta_softmax_sse(v: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _softmax_jt(s, y - s)  # δ^(L) = J(v)ᵀ ε^(L), ε^(L) = y − y^(L)


def _delta_softmax_ce(v: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    # J(v)ᵀ (y / s) = y − s Σ_i y_i; for a one-hot or probability target Σ y = 1 and this is
    # δ^(L) = ε^(L) = y − y^(L), the book's `delta = e` (no φ' factor).
    return y - s * y.sum(axis=-1, keepdims=True)


def _delta_sigmoid_sse(v: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    return s * (1.0 - s) * (y - s)  # δ^(L) = φ'(v^(L)) ε^(L), φ' = s(1 − s)


def _delta_linear_sse(v: np.ndarray, y_L: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y - y_L  # δ^(L) = φ'(v^(L)) ε^(L) = ε^(L), φ' = 1


def _delta_sigmoid_ce(v: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    # φ'(v) ⊙ (y / s) with φ' = s(1 − s) simplifies to y ⊙ (1 − s): no division by s.
    return y * (1.0 - s)


def _delta_linear_ce(v: np.ndarray, y_L: np.ndarray, y: np.ndarray) -> np.ndarray:
    # φ' = 1, so δ^(L) = y / y^(L); a zero target contributes nothing to −Σ y log y_L.
    _check_log_defined(y, y_L)
    return np.divide(y, y_L, out=np.zeros(np.broadcast(y, y_L).shape), where=y != 0)


_OUTPUT_DELTA: dict[tuple[str, str], Callable] = {
    ("softmax", "sse"): _delta_softmax_sse,
    ("softmax", "cross_entropy"): _delta_softmax_ce,
    ("sigmoid", "sse"): _delta_sigmoid_sse,
    ("sigmoid", "cross_entropy"): _delta_sigmoid_ce,
    ("linear", "sse"): _delta_linear_sse,
    ("linear", "cross_entropy"): _delta_linear_ce,
}


def output_delta(
    v: np.ndarray, y: np.ndarray, output: str = "softmax", loss: str = "cross_entropy"
) -> np.ndarray:
    """The output layer's δ^(L) = −∂ℰ/∂v^(L), correctly for every output/loss pair.

    With y^(L) = φ(v^(L)), ε^(L) = y − y^(L) and, for sigmoid and softmax, s = y^(L), the chain
    rule gives δ^(L) = J_φ(v)ᵀ (−∂ℰ/∂y^(L)), where −∂ℰ/∂y^(L) is ε^(L) for SSE and y / y^(L) for
    cross-entropy, and J_φ = diag(φ'(v)) for an elementwise φ:

    | output  | loss          | δ^(L)                                               |
    |---------|---------------|-----------------------------------------------------|
    | sigmoid | sse           | φ'(v) ⊙ ε = s(1 − s) ⊙ ε (the lecture's rule)       |
    | linear  | sse           | ε                                                   |
    | softmax | sse           | J(v)ᵀ ε = s ⊙ ε − s (sᵀ ε), J = diag(s) − s sᵀ      |
    | softmax | cross_entropy | y − s Σ_i y_i (= ε for a one-hot or probability y)  |
    | sigmoid | cross_entropy | φ'(v) ⊙ (y / s) = y ⊙ (1 − s)                       |
    | linear  | cross_entropy | y / y^(L) (needs y^(L) > 0 where y ≠ 0)             |

    The lecture's δ^(L) = φ'(v^(L)) ε^(L) is derived for SSE with an elementwise φ. With a
    softmax output it needs the whole Jacobian (SSE), or none at all (cross-entropy: the book's
    ``delta = e``); the elementwise s(1 − s) ⊙ ε is wrong, see `naive_output_delta`.

    Args:
        v: the output layer's pre-activation v^(L) (the logits).
        y: the target vector.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.

    Returns:
        δ^(L) as a float array.

    Raises:
        ValueError: for an unknown ``output`` or ``loss``, shapes that differ, or a linear output
            with cross-entropy where y^(L) ≤ 0 but y ≠ 0.

    Shapes:
        ``v`` and ``y`` are ``(n_L,)`` for one sample or ``(N, n_L)`` with samples in rows; the
        result has the same shape.

    Examples:
        >>> output_delta(np.zeros(2), np.array([1.0, 0.0])).tolist()   # softmax + CE: ε
        [0.5, -0.5]
        >>> v, y = np.array([2.0, -1.0, 0.5]), np.array([0.0, 1.0, 0.0])
        >>> output_delta(v, y, "softmax", "sse").round(4).tolist()     # J(v)ᵀ ε
        [-0.1377, 0.0615, 0.0763]
    """
    _check_choice("output", output, OUTPUTS)
    _check_choice("loss", loss, LOSSES)
    v, y = np.asarray(v, dtype=float), np.asarray(y, dtype=float)
    if v.shape != y.shape:
        raise ValueError(f"output_delta: v has shape {v.shape} but y has shape {y.shape}")
    return _OUTPUT_DELTA[output, loss](v, _activate(v, output), y)


def naive_output_delta(v: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The WRONG softmax + SSE rule δ = s(1 − s) ⊙ ε, kept to show why it is wrong.

    It treats the softmax s = softmax(v) as if it were elementwise, like the sigmoid, and so keeps
    only the diagonal s_i(1 − s_i) of the Jacobian J = diag(s) − s sᵀ: every output's error is then
    blind to the others, although raising one logit lowers every other probability. The true rule
    is `output_delta` with ``output="softmax", loss="sse"``, δ^(L) = J(v)ᵀ ε^(L).

    Args:
        v: the logits v^(L).
        y: the target vector; ε = y − s.

    Shapes:
        ``v`` and ``y`` are ``(n_L,)`` or ``(N, n_L)``; the result has the same shape.

    Examples:
        >>> v, y = np.array([2.0, -1.0, 0.5]), np.array([0.0, 1.0, 0.0])
        >>> naive_output_delta(v, y).round(4).tolist()   # third entry: wrong sign
        [-0.1323, 0.0361, -0.0253]
        >>> output_delta(v, y, "softmax", "sse").round(4).tolist()
        [-0.1377, 0.0615, 0.0763]
    """
    s = _softmax(np.asarray(v, dtype=float))
    return s * (1.0 - s) * (np.asarray(y, dtype=float) - s)


# --- validation -------------------------------------------------------------------------------


def _check_choice(what: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")


def _check_names(hidden: str, output: str, loss: str) -> None:
    _check_choice("hidden", hidden, HIDDEN)
    _check_choice("output", output, OUTPUTS)
    _check_choice("loss", loss, LOSSES)


def _check_network(weights: Weights, biases: Biases) -> list[np.ndarray | None]:
    """Check that W^(1) … W^(L) chain and that each b^(l) fits; return the biases as a list."""
    if len(weights) == 0:
        raise ValueError("weights must hold at least one layer, got an empty sequence")
    if biases is None:
        biases = [None] * len(weights)
    if len(biases) != len(weights):
        raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} biases")
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        W_shape = np.shape(W)
        if len(W_shape) != 2:
            raise ValueError(f"layer {l}: W must be 2-D (n_out, n_in), got shape {W_shape}")
        if l > 1 and W_shape[1] != np.shape(weights[l - 2])[0]:
            raise ValueError(
                f"layer {l}: W has shape {W_shape}, so it takes {W_shape[1]} inputs, but "
                f"layer {l - 1} gives {np.shape(weights[l - 2])[0]} outputs"
            )
        if b is not None and np.shape(b) != (W_shape[0],):
            raise ValueError(
                f"layer {l}: b must have shape ({W_shape[0]},) to match W {W_shape}, "
                f"got {np.shape(b)}"
            )
    return list(biases)


def _check_data(weights: Weights, x: np.ndarray, y: np.ndarray | None, batch: bool) -> None:
    """Check x (and y) against the first and last layers: one sample, or a batch in rows."""
    n_in, n_out = np.shape(weights[0])[1], np.shape(weights[-1])[0]
    if batch and (x.ndim != 2 or x.shape[1] != n_in):
        raise ValueError(
            f"X must have shape (N, {n_in}), samples in rows, to match layer 1's W "
            f"{np.shape(weights[0])}; got {x.shape}"
        )
    if not batch and x.shape != (n_in,):
        raise ValueError(
            f"x must be one sample of shape ({n_in},) to match layer 1's W "
            f"{np.shape(weights[0])}; got {x.shape}"
        )
    if y is not None and y.shape != (*x.shape[:-1], n_out):
        raise ValueError(
            f"{'Y' if batch else 'y'} must have shape {(*x.shape[:-1], n_out)} to match "
            f"layer {len(weights)}'s W {np.shape(weights[-1])}; got {y.shape}"
        )


def _check_alpha(alpha: float) -> None:
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite learning rate >= 0, got {alpha!r}")


def _check_trainable(weights: Weights, biases: list[np.ndarray | None]) -> None:
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        for name, p in (("W", W), ("b", b)):
            if p is not None and not (
                isinstance(p, np.ndarray) and np.issubdtype(p.dtype, np.floating)
            ):
                raise ValueError(
                    f"layer {l}: {name} is updated in place, so it must be a floating NumPy "
                    f"array; got {type(p).__name__} {getattr(p, 'dtype', '')}".rstrip()
                )


# --- forward and backward passes ----------------------------------------------------------------


def _forward(
    weights: Weights,
    biases: list[np.ndarray | None],
    x: np.ndarray,
    hidden: str,
    output: str,
    masks: Masks = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    vs: list[np.ndarray] = []
    ys = [x]  # y^(0) = x, the output of the input layer
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        v = ys[-1] @ np.asarray(W).T  # v^(l) = W^(l) y^(l-1), one sample per row
        if b is not None:
            v = v + b  # … + b^(l)
        vs.append(v)
        y = _activate(v, output if l == len(weights) else hidden)  # y^(l) = φ(v^(l))
        if masks is not None and l < len(weights):
            y = y * masks[l - 1]  # dropout: y^(l) = m^(l) ⊙ φ(v^(l))
        ys.append(y)
    return vs, ys


def _backward(
    weights: Weights,
    vs: list[np.ndarray],
    ys: list[np.ndarray],
    y: np.ndarray,
    hidden: str,
    output: str,
    loss: str,
    masks: Masks = None,
    book: bool = False,
) -> list[np.ndarray]:
    """δ^(1) … δ^(L), each of v^(l)'s shape, walking the layers from L back to 1.

    With dropout masks, y^(l) = m^(l) ⊙ φ(v^(l)) has the derivative m^(l) ⊙ φ'(v^(l)); the
    book's rule (``book=True``) instead puts the masked y^(l) into σ' = y(1 − y).
    """
    delta = _OUTPUT_DELTA[output, loss](vs[-1], ys[-1], y)  # δ^(L), see output_delta
    deltas = [delta]
    for l in range(len(weights) - 1, 0, -1):
        # ε^(l) = (W^(l+1))ᵀ δ^(l+1); `delta @ W` is that product for a row (or rows) δ.
        eps = delta @ np.asarray(weights[l])
        delta = _hidden_derivative(vs[l - 1], ys[l], hidden, masks, l, book) * eps
        deltas.append(delta)  # δ^(l) = φ'(v^(l)) ε^(l)
    return deltas[::-1]


def _hidden_derivative(
    v: np.ndarray, y: np.ndarray, hidden: str, masks: Masks, l: int, book: bool
) -> np.ndarray:
    """∂y^(l)/∂v^(l) elementwise: φ'(v), times the mask m^(l) with dropout."""
    if masks is None:
        return _phi_prime(v, y, hidden)
    if book:
        return y * (1.0 - y)  # DeepDropout.m: y.*(1-y) of the masked, scaled y
    return masks[l - 1] * _phi_prime(v, _activate(v, hidden), hidden)


def forward(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
    *,
    masks: Masks = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The forward pass, keeping every layer's v^(l) and y^(l).

    For l = 1 … L: v^(l) = W^(l) y^(l-1) + b^(l) and y^(l) = φ(v^(l)), with y^(0) = ``x``,
    φ = ``hidden`` for l < L and φ = ``output`` for l = L.

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        x: the input y^(0): one sample, or a batch with samples in rows.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        masks: dropout masks m^(1) … m^(L−1) (see `dropout_mask`), one per hidden layer, so
            that y^(l) = m^(l) ⊙ φ(v^(l)); ``None`` for no dropout.

    Returns:
        ``(vs, ys)`` with ``vs[l - 1]`` = v^(l) for l = 1 … L and ``ys[l]`` = y^(l) for
        l = 0 … L, where ``ys[0]`` is ``x`` itself and ``ys[-1]`` is the network's output y^(L).

    Shapes:
        ``x`` is ``(n_0,)`` for one sample or ``(N, n_0)`` with samples in rows; then
        ``vs[l - 1]`` and ``ys[l]`` are ``(n_l,)`` or ``(N, n_l)``.

    Examples:
        >>> W1, W2 = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0, 1.0]])
        >>> vs, ys = forward([W1, W2], None, np.array([1.0, 2.0]), output="linear")
        >>> vs[0].tolist(), ys[1].tolist(), ys[2].tolist()   # v^(1), y^(1) = ReLU(v^(1)), y^(2)
        ([-1.0, 4.5], [0.0, 4.5], [4.5])
    """
    _check_choice("hidden", hidden, HIDDEN)
    _check_choice("output", output, OUTPUTS)
    biases = _check_network(weights, biases)
    x = np.asarray(x)
    _check_data(weights, x, None, batch=x.ndim == 2)
    masks = _check_masks(weights, masks, x.shape[:-1])
    return _forward(weights, biases, x, hidden, output, masks)


def gradients(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    y: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
    *,
    masks: Masks = None,
) -> Gradients:
    """∂ℰ/∂W^(l) and ∂ℰ/∂b^(l) of one sample's loss ℰ, by the lecture's delta rule.

    After the forward pass, δ^(L) = −∂ℰ/∂v^(L) comes from `output_delta` (for SSE and an
    elementwise φ, the lecture's δ^(L) = φ'(v^(L)) ⊙ ε^(L) with ε^(L) = y − y^(L)); then for
    l = L−1 … 1, ε^(l) = (W^(l+1))ᵀ δ^(l+1) and δ^(l) = φ'(v^(l)) ⊙ ε^(l). Each layer's
    gradient is ∂ℰ/∂W^(l) = −δ^(l) (y^(l-1))ᵀ and ∂ℰ/∂b^(l) = −δ^(l).

    **Dropout.** Given masks m^(l) (0 for a dropped unit, 1/(1 − p) for a kept one), each hidden
    output is y^(l) = m^(l) ⊙ φ(v^(l)), whose derivative is m^(l) ⊙ φ'(v^(l)); so
    δ^(l) = m^(l) ⊙ φ'(v^(l)) ⊙ ε^(l), and the masked y^(l) enters the next layer's gradient.
    (The book's ``DeepDropout.m`` uses y(1 − y) of the *masked* y instead: see
    `book_dropout_gradients`.)

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        x: one input sample y^(0).
        y: its target vector (one-hot, or a probability vector for ``cross_entropy``; any
            vector works, see `output_delta`).
        hidden: φ of the hidden layers, one of `HIDDEN` (relu, sigmoid, tanh, linear).
        output: φ of the output layer, one of `OUTPUTS` (softmax, sigmoid, linear).
        loss: the loss ℰ, one of `LOSSES` (cross_entropy, sse).
        masks: dropout masks m^(1) … m^(L−1), each ``(n_l,)``; ``None`` for no dropout.

    Returns:
        ``[(dE/dW1, dE/db1), …, (dE/dWL, dE/dbL)]``, with ``None`` for ∂ℰ/∂b^(l) where b^(l)
        is ``None``. The lecture's update W ← W + α δ yᵀ is W ← W − α ∂ℰ/∂W.

    Raises:
        ValueError: for unknown names, weights that do not chain, or ``x``/``y`` of the wrong
            shape (a 2-D ``x`` belongs to `gradients_batch`).

    Shapes:
        ``x`` is ``(n_0,)`` and ``y`` is ``(n_L,)``; ∂ℰ/∂W^(l) has W^(l)'s shape
        ``(n_l, n_{l-1})`` and ∂ℰ/∂b^(l) is ``(n_l,)``.

    Examples:
        >>> W, x, y = np.zeros((1, 2)), np.array([1.0, 2.0]), np.array([1.0])
        >>> (dW, db), = gradients([W], None, x, y, output="sigmoid", loss="sse")
        >>> dW.tolist(), db   # −δ xᵀ with δ = σ'(0) ε = 0.25 · (1 − 0.5)
        ([[-0.125, -0.25]], None)
    """
    _check_names(hidden, output, loss)
    biases = _check_network(weights, biases)
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 2:
        raise ValueError(
            f"gradients takes one sample x of shape (n_in,), got {x.shape}; "
            "use gradients_batch for rows of samples"
        )
    _check_data(weights, x, y, batch=False)
    masks = _check_masks(weights, masks, ())
    vs, ys = _forward(weights, biases, x, hidden, output, masks)
    deltas = _backward(weights, vs, ys, y, hidden, output, loss, masks)
    return _sample_gradients(deltas, ys, biases)


def _sample_gradients(
    deltas: list[np.ndarray], ys: list[np.ndarray], biases: list[np.ndarray | None]
) -> Gradients:
    return [
        (-np.outer(delta, y_prev), None if b is None else -delta)  # −δ^(l) (y^(l-1))ᵀ, −δ^(l)
        for delta, y_prev, b in zip(deltas, ys[:-1], biases, strict=True)
    ]


def gradients_batch(
    weights: Weights,
    biases: Biases,
    X: np.ndarray,
    Y: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
    *,
    masks: Masks = None,
) -> Gradients:
    """The gradient of the *mean* loss (1/N) Σ_n E_n over the rows of a batch, vectorised.

    Each row goes through the same delta rule as `gradients`; stacking the δ^(l) of all samples
    as rows Δ^(l) (shape ``(N, n_l)``) and the layer inputs as rows Y^(l-1) turns the sum of
    outer products into one matrix product:

    ```text
    ∂ℰ/∂W^(l) = −(1/N) (Δ^(l))ᵀ Y^(l-1)        ∂ℰ/∂b^(l) = −(1/N) Σ_n δ_n^(l)
    ```

    The mean (not the sum) matches PyTorch's default ``reduction="mean"`` of ``MSELoss`` and
    ``CrossEntropyLoss``'s mean over samples, so one mini-batch step is W ← W − α ∂ℰ/∂W with the
    same α for every batch size. (PyTorch's ``MSELoss`` also averages over outputs; the lecture's
    SSE sums over them and halves.)

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        X: the inputs, one sample per row.
        Y: the targets, one per row.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.
        masks: dropout masks m^(1) … m^(L−1), each ``(N, n_l)`` (one row per sample) or
            ``(n_l,)`` (one mask for every row); ``None`` for no dropout.

    Returns:
        ``[(dE/dW1, dE/db1), …]`` as `gradients` returns, for the mean loss.

    Shapes:
        ``X`` is ``(N, n_0)`` and ``Y`` is ``(N, n_L)`` with N ≥ 1; the gradients have the shapes
        of W^(l) and b^(l).

    Examples:
        >>> weights, biases = lecture_init((3, 4, 3), rng=0, bias=True)
        >>> X, Y = np.eye(3), np.eye(3)[[1, 2, 0]]
        >>> (dW1, db1), _ = gradients_batch(weights, biases, X, Y)
        >>> per_sample = [gradients(weights, biases, x, y)[0] for x, y in zip(X, Y)]
        >>> np.allclose(dW1, sum(dW for dW, db in per_sample) / 3)   # the mean ∂ℰ/∂W^(1)
        True
    """
    _check_names(hidden, output, loss)
    biases = _check_network(weights, biases)
    X, Y = np.asarray(X), np.asarray(Y)
    _check_data(weights, X, Y, batch=True)
    n = X.shape[0]
    if n == 0:
        raise ValueError("gradients_batch needs at least one sample (row) in X, got 0")
    masks = _check_masks(weights, masks, X.shape[:1])
    vs, ys = _forward(weights, biases, X, hidden, output, masks)
    deltas = _backward(weights, vs, ys, Y, hidden, output, loss, masks)
    return [
        (-(delta.T @ y_prev) / n, None if b is None else -delta.mean(axis=0))
        for delta, y_prev, b in zip(deltas, ys[:-1], biases, strict=True)
    ]


def loss_value(
    weights: Weights,
    biases: Biases,
    X: np.ndarray,
    Y: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
) -> float:
    """The loss ℰ of one sample, or its mean over the rows of a batch.

    ``sse``: the lecture's E = ½ Σ_i (y^(L)_i − y_i)². ``cross_entropy``: E = −Σ_i y_i log y^(L)_i,
    with 0 · log 0 taken as 0; a softmax or sigmoid output uses log φ(v) computed stably from v
    (for softmax, log-softmax: PyTorch's ``CrossEntropyLoss`` on the logits).

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        X: one sample, or a batch with samples in rows.
        Y: the target vector(s), matching ``X``.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.

    Returns:
        ℰ as a Python float (the mean over rows for a batch).

    Shapes:
        ``X`` is ``(n_0,)`` and ``Y`` ``(n_L,)``, or ``X`` is ``(N, n_0)`` and ``Y`` ``(N, n_L)``.

    Examples:
        >>> W, x, y = np.zeros((2, 3)), np.ones(3), np.array([1.0, 0.0])
        >>> round(loss_value([W], None, x, y), 4)   # softmax(0) = (½, ½): E = log 2
        0.6931
        >>> loss_value([W], None, x, y, output="sigmoid", loss="sse")   # ½ (0.5² + 0.5²)
        0.25
    """
    _check_names(hidden, output, loss)
    biases = _check_network(weights, biases)
    X, Y = np.asarray(X), np.asarray(Y, dtype=float)
    _check_data(weights, X, Y, batch=X.ndim == 2)
    vs, ys = _forward(weights, biases, X, hidden, output)
    v, y_L = vs[-1], ys[-1]
    if loss == "sse":
        per_sample = 0.5 * ((y_L - Y) ** 2).sum(axis=-1)
    else:
        per_sample = -(Y * _log_output(v, y_L, Y, output)).sum(axis=-1)
    return float(np.mean(per_sample))


def _log_output(v: np.ndarray, y_L: np.ndarray, y: np.ndarray, output: str) -> np.ndarray:
    """log y^(L), set to 0 where the target is 0 (so that 0 · log 0 = 0)."""
    if output == "softmax":
        shifted = v - v.max(axis=-1, keepdims=True)
        log_y = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    elif output == "sigmoid":
        log_y = -np.logaddexp(0.0, -v)  # log σ(v) = −log(1 + e^(−v))
    else:
        _check_log_defined(y, y_L)
        log_y = np.log(np.where(y != 0, y_L, 1.0))
    return np.where(y != 0, log_y, 0.0)


# --- dropout ----------------------------------------------------------------------------------

MASK_KINDS = ("exact", "bernoulli")
"""How `dropout_mask` picks the kept units: exactly round((1 − p)·n) of them (the book's
``Dropout.m``), or each independently with probability 1 − p (PyTorch's ``nn.Dropout``)."""


def dropout_mask(
    shape: int | tuple[int, ...],
    p: float,
    kind: str = "exact",
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """A dropout mask m: 0 for a dropped unit, 1/(1 − p) for a kept one (inverted dropout).

    ``kind="exact"`` keeps exactly round((1 − p)·n) of the n units of every row, chosen at
    random, as the book's ``Dropout.m`` (``randperm``); ``kind="bernoulli"`` keeps each unit
    independently with probability 1 − p, as PyTorch's ``nn.Dropout``. Either way the expected
    value of m ⊙ y is y, so the network needs no rescaling at inference.

    Args:
        shape: ``n`` for one sample's layer, or ``(N, n)`` for one mask per row.
        p: the probability of dropping a unit, 0 ≤ p < 1.
        kind: one of `MASK_KINDS`.
        rng: a NumPy ``Generator`` or a seed.

    Returns:
        A float64 array of ``shape`` with values 0 and 1/(1 − p).

    Raises:
        ValueError: for p outside [0, 1) or an unknown ``kind``.

    Examples:
        >>> m = dropout_mask(10, 0.2, rng=0)
        >>> sorted(set(m.tolist())), int((m > 0).sum())   # 8 of 10 kept, scaled by 1/0.8
        ([0.0, 1.25], 8)
    """
    _check_choice("kind", kind, MASK_KINDS)
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p < 1.0:
        raise ValueError(f"dropout_mask: p must be a probability in [0, 1), got {p!r}")
    rng = np.random.default_rng(rng)
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if kind == "bernoulli":
        kept = rng.random(shape) >= p
    else:
        n = shape[-1] if shape else 1
        # a random permutation of each row's units; its first round((1 − p) n) are kept
        ranks = rng.random(shape).argsort(axis=-1).argsort(axis=-1)
        kept = ranks < round(n * (1.0 - p))
    return kept / (1.0 - p)


def _check_masks(weights: Weights, masks: Masks, batch: tuple[int, ...]) -> list[np.ndarray] | None:
    """Check one mask per hidden layer, (n_l,) or (*batch, n_l); broadcast to the latter."""
    if masks is None:
        return None
    if len(masks) != len(weights) - 1:
        raise ValueError(
            f"masks: need one dropout mask per hidden layer ({len(weights) - 1}), got {len(masks)}"
        )
    checked = []
    for l, m in enumerate(masks, start=1):
        m, n_l = np.asarray(m, dtype=float), np.shape(weights[l - 1])[0]
        if m.shape not in ((n_l,), (*batch, n_l)):
            raise ValueError(
                f"masks: m^({l}) must have shape {(*batch, n_l)} or ({n_l},) to match "
                f"layer {l}'s W {np.shape(weights[l - 1])}; got {m.shape}"
            )
        checked.append(np.broadcast_to(m, (*batch, n_l)))
    return checked


def book_dropout_gradients(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    y: np.ndarray,
    masks: Sequence[np.ndarray],
    output: str = "softmax",
    loss: str = "cross_entropy",
) -> Gradients:
    """The book's dropout rule exactly as ``DeepDropout.m`` writes it — not the gradient.

    The book masks each sigmoid layer, ỹ = m ⊙ σ(v), and then back-propagates with
    ``delta = y.*(1-y).*e`` on that masked ỹ: δ = ỹ(1 − ỹ) ⊙ ε = m σ (1 − m σ) ⊙ ε. The
    derivative of ỹ is m σ(1 − σ) (`gradients` with ``masks``): the two agree for dropped units
    (m = 0) and differ for kept ones, where m = 1/(1 − p) ≠ 1. Kept to show by how much.

    Args:
        weights: W^(1) … W^(L).
        biases: b^(1) … b^(L) or ``None``.
        x: one input sample y^(0).
        y: its target vector.
        masks: the dropout masks m^(1) … m^(L−1), each ``(n_l,)``.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.

    Returns:
        ``[(dW1, db1), …]`` laid out as `gradients`' result (−δ^(l) (y^(l-1))ᵀ, −δ^(l)).

    Examples:
        >>> weights, _ = lecture_init((4, 3, 2), rng=0)
        >>> x, y, m = np.ones(4), np.array([1.0, 0.0]), [np.array([1.25, 0.0, 1.25])]
        >>> book = book_dropout_gradients(weights, None, x, y, m)
        >>> true = gradients(weights, None, x, y, "sigmoid", masks=m)
        >>> bool(np.allclose(book[0][0], true[0][0]))   # kept units: a different δ^(1)
        False
        >>> bool(np.allclose(book[1][0], true[1][0]))   # the output layer is the same
        True
    """
    _check_names("sigmoid", output, loss)
    biases = _check_network(weights, biases)
    x, y = np.asarray(x), np.asarray(y)
    _check_data(weights, x, y, batch=False)
    checked = _check_masks(weights, masks, ())
    vs, ys = _forward(weights, biases, x, "sigmoid", output, checked)
    deltas = _backward(weights, vs, ys, y, "sigmoid", output, loss, checked, book=True)
    return _sample_gradients(deltas, ys, biases)


# --- training ---------------------------------------------------------------------------------


def _apply(
    weights: Weights, biases: list[np.ndarray | None], grads: Gradients, alpha: float
) -> None:
    """W^(l) ← W^(l) − α ∂ℰ/∂W^(l) = W^(l) + α δ^(l) (y^(l-1))ᵀ, in place, for l = L … 1."""
    for W, b, (dW, db) in reversed(list(zip(weights, biases, grads, strict=True))):
        W -= alpha * dW
        if b is not None:
            b -= alpha * db


def train_step(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    y: np.ndarray,
    alpha: float,
    *,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
    masks: Masks = None,
) -> None:
    """One per-sample update, in place: the body of the lecture's loop over points.

    All δ^(L) … δ^(1) are computed with the *old* weights first (as in `gradients`); then every
    layer is updated, W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ = W^(l) − α ∂ℰ/∂W^(l) (and
    b^(l) ← b^(l) + α δ^(l)), as the book's ``DeepReLU.m``.

    Args:
        weights: W^(1) … W^(L), floating NumPy arrays, modified in place.
        biases: b^(1) … b^(L) (floating NumPy arrays, modified in place) or ``None`` entries;
            or ``None`` for no biases.
        x: one input sample y^(0).
        y: its target vector.
        alpha: the learning rate α ≥ 0.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.
        masks: this sample's dropout masks m^(1) … m^(L−1), or ``None``.

    Raises:
        ValueError: for a negative or non-finite ``alpha``, parameters that are not floating
            NumPy arrays, or anything `gradients` rejects.

    Shapes:
        ``x`` is ``(n_0,)`` and ``y`` is ``(n_L,)``.

    Examples:
        >>> W, x, y = np.zeros((1, 2)), np.array([1.0, 2.0]), np.array([1.0])
        >>> train_step([W], None, x, y, alpha=1.0, output="sigmoid", loss="sse")
        >>> W.tolist()   # W + α δ xᵀ with δ = σ'(0) ε = 0.25 · 0.5
        [[0.125, 0.25]]
    """
    _check_alpha(alpha)
    grads = gradients(weights, biases, x, y, hidden, output, loss, masks=masks)  # old weights
    biases = _check_network(weights, biases)
    _check_trainable(weights, biases)
    _apply(weights, biases, grads, alpha)


def train_epoch(
    weights: Weights,
    biases: Biases,
    X: np.ndarray,
    Y: np.ndarray,
    alpha: float,
    batch_size: int | None = None,
    *,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
    masks: Masks = None,
) -> None:
    """One pass over the rows of ``X`` and ``Y``, in place.

    ``batch_size`` ``None`` or 1: the lecture's loop, one `train_step` per sample in the given
    order (no shuffling), as the book's ``for k = 1:5``. Otherwise consecutive mini-batches of
    ``batch_size`` rows (the last may be shorter), each one step W ← W − α ∂ℰ/∂W with the
    gradient *averaged* over the batch (`gradients_batch`; the mean reduction of PyTorch's
    ``CrossEntropyLoss``). The lecture: "you can update W every point … or take batches".

    Args:
        weights: W^(1) … W^(L), floating NumPy arrays, modified in place.
        biases: b^(1) … b^(L) or ``None`` entries, or ``None``; modified in place.
        X: the inputs, one sample per row.
        Y: the targets, one per row.
        alpha: the learning rate α ≥ 0.
        batch_size: ``None`` or 1 for per-sample updates, else the rows per mini-batch.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss ℰ, one of `LOSSES`.
        masks: dropout masks for the whole pass, m^(l) of shape ``(N, n_l)``: row n is
            sample n's mask (see `dropout_mask`); ``None`` for no dropout.

    Shapes:
        ``X`` is ``(N, n_0)`` and ``Y`` is ``(N, n_L)``.

    Examples:
        >>> weights, _ = lecture_init((2, 3, 2), rng=0)
        >>> X = Y = np.eye(2)
        >>> before = loss_value(weights, None, X, Y)
        >>> train_epoch(weights, None, X, Y, alpha=0.1); loss_value(weights, None, X, Y) < before
        True
    """
    _check_alpha(alpha)
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int | np.integer)
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be None or an integer >= 1, got {batch_size!r}")
    _check_names(hidden, output, loss)
    biases = _check_network(weights, biases)
    _check_trainable(weights, biases)
    X, Y = np.asarray(X), np.asarray(Y)
    _check_data(weights, X, Y, batch=True)
    masks = _check_masks(weights, masks, X.shape[:1])
    names = {"hidden": hidden, "output": output, "loss": loss}
    step = 1 if batch_size is None else batch_size
    for start in range(0, X.shape[0], step):
        rows = slice(start, start + step)
        batch_masks = None if masks is None else [m[rows] for m in masks]
        if step == 1:
            sample_masks = None if batch_masks is None else [m[0] for m in batch_masks]
            train_step(weights, biases, X[start], Y[start], alpha, **names, masks=sample_masks)
            continue
        grads = gradients_batch(weights, biases, X[rows], Y[rows], **names, masks=batch_masks)
        _apply(weights, biases, grads, alpha)


def lecture_init(
    sizes: Sequence[int],
    rng: np.random.Generator | int | None = None,
    bias: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Initial weights as the book's MATLAB ``W = 2*rand(m, n) - 1``: uniform on (−1, 1).

    (The lecture itself suggests normally distributed random numbers; the book's example, which
    it reproduces, uses this uniform draw.)

    Args:
        sizes: the layer widths (n_0, n_1, …, n_L), e.g. the lecture's (25, 20, 20, 20, 5).
        rng: a NumPy ``Generator`` or a seed for ``numpy.random.default_rng``.
        bias: give every layer a zero bias b^(l); the book's network has none.

    Returns:
        ``(weights, biases)``: W^(l) in float64, and b^(l) as zeros or ``None``.

    Shapes:
        W^(l) is ``(n_l, n_{l-1})``; b^(l) is ``(n_l,)``.

    Examples:
        >>> weights, biases = lecture_init((25, 20, 20, 20, 5), rng=0)
        >>> [W.shape for W in weights], biases
        ([(20, 25), (20, 20), (20, 20), (5, 20)], [None, None, None, None])
        >>> bool(all(np.abs(W).max() < 1 for W in weights))
        True
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 for n in sizes
    ):
        raise ValueError(
            f"sizes must be at least two positive integers (n_0, …, n_L), got {sizes!r}"
        )
    rng = np.random.default_rng(rng)
    weights = [2.0 * rng.random((m, n)) - 1.0 for n, m in pairwise(sizes)]
    biases = [np.zeros(m) if bias else None for m in sizes[1:]]
    return weights, biases


# --- the convolutional network of the book's ch. 6 (MnistConv.m) ------------------------------
#
# x (N, C_in, H, W) → v1 = W1 ⋆ x (C filters k×k, "valid") → y1 = ReLU(v1) → y2 = 2×2 mean pool
# → flattened row by row (as nn.Flatten) → v3 = W5 y2 → y3 = ReLU(v3) → v = Wo y3 → softmax.
# No biases, as the book. Shapes are PyTorch's: W1 (C, C_in, k, k) as nn.Conv2d's weight,
# W5 (n_hidden, C·H'·W') and Wo (n_classes, n_hidden) as nn.Linear's.

ConvWeights = tuple[np.ndarray, np.ndarray, np.ndarray]  # (W1, W5, Wo)


def _windows(x: np.ndarray, k: int) -> np.ndarray:
    """Every k×k patch of x (N, C, H, W) as a view (N, C, H − k + 1, W − k + 1, k, k)."""
    return np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))


def _correlate(x: np.ndarray, W1: np.ndarray) -> np.ndarray:
    """v1[n, c, i, j] = Σ_{d,a,b} W1[c, d, a, b] x[n, d, i + a, j + b] (Conv.m, nn.Conv2d)."""
    v = np.tensordot(_windows(x, W1.shape[-1]), W1, axes=([1, 4, 5], [1, 2, 3]))
    return v.transpose(0, 3, 1, 2)  # (N, H1, W1, C) → (N, C, H1, W1)


def _mean_pool(y: np.ndarray) -> np.ndarray:
    """2×2 mean pooling with stride 2 (Pool.m); an odd last row or column is dropped."""
    n, c, h, w = y.shape
    y = y[:, :, : h - h % 2, : w - w % 2]
    return y.reshape(n, c, h // 2, 2, w // 2, 2).mean(axis=(3, 5))


def _unpool(e: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The book's ``kron(e, ones(2)) / 4``: each pooled error spread evenly over its 2×2 block
    (zero for a row or column that pooling dropped)."""
    spread = np.zeros(shape)
    h, w = e.shape[2] * 2, e.shape[3] * 2
    spread[:, :, :h, :w] = e.repeat(2, axis=2).repeat(2, axis=3) / 4.0
    return spread


def _pooled_size(filters: int, kernel: int, image: tuple[int, ...]) -> int:
    """C·H'·W': the length of the flattened pooled maps for images of ``image`` (H, W)."""
    return filters * ((image[0] - kernel + 1) // 2) * ((image[1] - kernel + 1) // 2)


def _check_conv(weights: ConvWeights, X: np.ndarray, Y: np.ndarray | None) -> None:
    if len(weights) != 3:
        raise ValueError(f"conv: weights must be (W1, W5, Wo), got {len(weights)} arrays")
    W1, W5, Wo = (np.asarray(W) for W in weights)
    if W1.ndim != 4 or W1.shape[2] != W1.shape[3]:
        raise ValueError(f"conv: W1 must have shape (C, C_in, k, k), got {W1.shape}")
    if X.ndim != 4 or X.shape[1] != W1.shape[1] or min(X.shape[2:]) < W1.shape[2] + 1:
        raise ValueError(
            f"conv: X must have shape (N, {W1.shape[1]}, H, W) with H, W > {W1.shape[2]} to "
            f"match W1 {W1.shape}; got {X.shape}"
        )
    pooled = _pooled_size(W1.shape[0], W1.shape[2], X.shape[2:])
    if W5.ndim != 2 or W5.shape[1] != pooled:
        raise ValueError(
            f"conv: W5 must have shape (n_hidden, {pooled}) for W1 {W1.shape} and images "
            f"{X.shape[2:]}; got {W5.shape}"
        )
    if Wo.ndim != 2 or Wo.shape[1] != W5.shape[0]:
        raise ValueError(f"conv: Wo must have shape (n_classes, {W5.shape[0]}), got {Wo.shape}")
    if Y is not None and Y.shape != (X.shape[0], Wo.shape[0]):
        raise ValueError(f"conv: Y must have shape {(X.shape[0], Wo.shape[0])}, got {Y.shape}")


def conv_forward(weights: ConvWeights, X: np.ndarray) -> dict[str, np.ndarray]:
    """The book's convolutional network, forward: every intermediate, by the book's names.

    ``v1 = W1 ⋆ x`` (cross-correlation, "valid": MATLAB's ``conv2(x, rot90(W, 2), 'valid')``),
    ``y1 = ReLU(v1)``, ``y2 = pool(y1)`` (2×2 means), ``y4`` = y2 flattened row by row,
    ``v5 = W5 y4``, ``y5 = ReLU(v5)``, ``v = Wo y5``, ``y = softmax(v)``.

    Args:
        weights: ``(W1, W5, Wo)``.
        X: the images.

    Returns:
        A dict with the keys ``v1 y1 y2 y4 v5 y5 v y``.

    Shapes:
        ``X`` is ``(N, C_in, H, W)``; ``W1`` ``(C, C_in, k, k)``; ``v1`` and ``y1``
        ``(N, C, H − k + 1, W − k + 1)``; ``y2`` half that (rounded down); ``y`` ``(N, n_classes)``.

    Examples:
        >>> weights = conv_init((1, 8, 8), filters=4, kernel=3, hidden=6, classes=3, rng=0)
        >>> out = conv_forward(weights, np.ones((2, 1, 8, 8)))
        >>> out["y1"].shape, out["y2"].shape, out["y"].shape
        ((2, 4, 6, 6), (2, 4, 3, 3), (2, 3))
    """
    X = np.asarray(X, dtype=float)
    _check_conv(weights, X, None)
    W1, W5, Wo = weights
    v1 = _correlate(X, np.asarray(W1))
    y1 = _relu(v1)
    y2 = _mean_pool(y1)
    y4 = y2.reshape(len(X), -1)
    v5 = y4 @ np.asarray(W5).T
    y5 = _relu(v5)
    v = y5 @ np.asarray(Wo).T
    return {"v1": v1, "y1": y1, "y2": y2, "y4": y4, "v5": v5, "y5": y5, "v": v, "y": _softmax(v)}


def conv_gradients(weights: ConvWeights, X: np.ndarray, Y: np.ndarray) -> ConvWeights:
    """∂ℰ/∂W1, ∂ℰ/∂W5, ∂ℰ/∂Wo of the mean cross-entropy over a batch, by the book's rule.

    ``MnistConv.m``'s back-propagation, vectorised over the batch (δ = −∂ℰ/∂v as in
    `gradients`):

    ```text
    δ = y_target − y                          softmax + cross-entropy: δ = ε
    δ5 = [v5 > 0] ⊙ Woᵀ δ                     the dense ReLU layer
    e2 = W5ᵀ δ5, reshaped as y2               the error of the pooled maps
    e1 = kron(e2, ones(2, 2)) / 4             each pooled error spread over its 2×2 block
    δ1 = [v1 > 0] ⊙ e1                        the convolution's ReLU
    ∂ℰ/∂W1[c] = −(1/N) Σ_n x_n ⋆ δ1_n[c]      the filter gradient: correlate the input with δ1
    ∂ℰ/∂W5 = −(1/N) Σ_n δ5 y4ᵀ,  ∂ℰ/∂Wo = −(1/N) Σ_n δ y5ᵀ
    ```

    Args:
        weights: ``(W1, W5, Wo)``.
        X: the images.
        Y: one-hot (or probability) targets, one row per image.

    Returns:
        ``(dW1, dW5, dWo)``, the gradient of the mean loss (the book sums the batch's updates
        and divides by its size).

    Shapes:
        ``X`` is ``(N, C_in, H, W)`` and ``Y`` ``(N, n_classes)``; each gradient has its
        weight's shape.

    Examples:
        >>> weights = conv_init((1, 6, 6), filters=2, kernel=3, hidden=4, classes=3, rng=0)
        >>> X, Y = np.random.default_rng(1).random((2, 1, 6, 6)), np.eye(3)[[0, 2]]
        >>> [g.shape for g in conv_gradients(weights, X, Y)]
        [(2, 1, 3, 3), (4, 8), (3, 4)]
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    _check_conv(weights, X, Y)
    W1, W5, Wo = (np.asarray(W) for W in weights)
    f, n = conv_forward(weights, X), len(X)
    delta = Y - f["y"] * Y.sum(axis=1, keepdims=True)  # output_delta, softmax + cross-entropy
    delta5 = (f["v5"] > 0) * (delta @ Wo)
    e2 = (delta5 @ W5).reshape(f["y2"].shape)
    delta1 = (f["v1"] > 0) * _unpool(e2, f["v1"].shape)
    windows = _windows(X, W1.shape[-1])
    dW1 = np.tensordot(delta1, windows, axes=([0, 2, 3], [0, 2, 3]))  # (C, C_in, k, k)
    return -dW1 / n, -(delta5.T @ f["y4"]) / n, -(delta.T @ f["y5"]) / n


def conv_loss(weights: ConvWeights, X: np.ndarray, Y: np.ndarray) -> float:
    """The mean cross-entropy −Σ_i y_i log softmax(v)_i over the rows.

    Examples:
        >>> weights = conv_init((1, 6, 6), filters=2, kernel=3, hidden=4, classes=3, rng=0)
        >>> Wo = weights[2]; Wo[:] = 0   # equal logits: E = log 3
        >>> round(conv_loss(weights, np.ones((1, 1, 6, 6)), np.eye(3)[:1]), 4)
        1.0986
    """
    v = conv_forward(weights, X)["v"]
    shifted = v - v.max(axis=1, keepdims=True)
    log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log softmax(v)
    return float(np.mean(-(np.asarray(Y, dtype=float) * log_y).sum(axis=1)))


def conv_init(
    image_shape: tuple[int, int, int] = (1, 28, 28),
    filters: int = 20,
    kernel: int = 9,
    hidden: int = 100,
    classes: int = 10,
    rng: np.random.Generator | int | None = None,
) -> ConvWeights:
    """Initial ``(W1, W5, Wo)`` as ``MnistConv``'s test script draws them.

    ``W1 = 1e-2 * randn``; W5 and Wo uniform on ±√6 / √(n_in + n_out) (Glorot's uniform: the
    book writes ``sqrt(6)/sqrt(360 + 2000)`` and ``sqrt(6)/sqrt(10 + 100)``).

    Args:
        image_shape: ``(C_in, H, W)`` of one image; MNIST's ``(1, 28, 28)`` by default.
        filters: the number C of filters (the book's 20).
        kernel: the filter size k (the book's 9).
        hidden: the dense ReLU layer's width (the book's 100).
        classes: the number of classes (10).
        rng: a NumPy ``Generator`` or a seed.

    Returns:
        ``(W1, W5, Wo)`` in float64.

    Examples:
        >>> W1, W5, Wo = conv_init(rng=0)   # the book's MNIST network
        >>> W1.shape, W5.shape, Wo.shape
        ((20, 1, 9, 9), (100, 2000), (10, 100))
    """
    rng = np.random.default_rng(rng)
    c_in, h, w = image_shape
    pooled = _pooled_size(filters, kernel, (h, w))
    W1 = 1e-2 * rng.standard_normal((filters, c_in, kernel, kernel))
    W5 = rng.uniform(-1, 1, (hidden, pooled)) * np.sqrt(6.0 / (pooled + hidden))
    Wo = rng.uniform(-1, 1, (classes, hidden)) * np.sqrt(6.0 / (hidden + classes))
    return W1, W5, Wo


def conv_train_epoch(
    weights: ConvWeights,
    velocities: ConvWeights,
    X: np.ndarray,
    Y: np.ndarray,
    alpha: float = 0.01,
    beta: float = 0.95,
    batch_size: int = 100,
) -> None:
    """One pass of ``MnistConv.m`` over the rows, in place: momentum on mini-batch means.

    For each consecutive batch, with g its mean gradient (`conv_gradients`):
    m ← β m − α g and W ← W + m (the book's ``momentum = alpha*dW + beta*momentum``; the same
    as ``tg.optim.SGD(lr=α, momentum=β)``, whose buffer is −m/α).

    Args:
        weights: ``(W1, W5, Wo)``, updated in place.
        velocities: the momenta m, arrays of the weights' shapes (zeros to start), updated in
            place.
        X: the images, ``(N, C_in, H, W)``.
        Y: their one-hot targets, ``(N, n_classes)``.
        alpha: the learning rate α (the book's 0.01).
        beta: the momentum β (the book's 0.95).
        batch_size: images per update (the book's 100).

    Examples:
        >>> weights = conv_init((1, 6, 6), filters=2, kernel=3, hidden=4, classes=2, rng=0)
        >>> X, Y = np.random.default_rng(1).random((4, 1, 6, 6)), np.eye(2)[[0, 1, 0, 1]]
        >>> velocities = tuple(np.zeros_like(W) for W in weights)
        >>> before = conv_loss(weights, X, Y)
        >>> for _ in range(20): conv_train_epoch(weights, velocities, X, Y, 0.5, 0.5, 2)
        >>> conv_loss(weights, X, Y) < before
        True
    """
    _check_alpha(alpha)
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    for start in range(0, len(X), batch_size):
        rows = slice(start, start + batch_size)
        for W, m, g in zip(weights, velocities, conv_gradients(weights, X[rows], Y[rows])):
            m *= beta
            m -= alpha * g
            W += m
