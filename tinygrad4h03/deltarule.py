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

**Sign convention.** The lecture's derivation defines δ ≜ ∂E/∂v, but its algorithm (and the
book's code) builds δ from the error ε^(L) = y − y^(L), *target minus output*, and updates
W ← W + α δ (y^(l-1))ᵀ. That δ is therefore the **negative** gradient, and this module uses the
algorithm's convention throughout:

```text
δ^(l) = −∂E/∂v^(l)        ∂E/∂W^(l) = −δ^(l) (y^(l-1))ᵀ        ∂E/∂b^(l) = −δ^(l)
```

so the lecture's update W ← W + α δ yᵀ is exactly gradient descent W ← W − α ∂E/∂W. The
functions return ∂E/∂W and ∂E/∂b (the gradient of the loss, as autograd does).

**Backward pass** (the lecture's "Back Propagation Algorithm Again" slide):

```text
ε^(L) = y − y^(L)                      output error
δ^(L) = φ'(v^(L)) ⊙ ε^(L)              elementwise output (sigmoid, linear) with SSE
ε^(l) = (W^(l+1))ᵀ δ^(l+1)             back propagation, l = L−1 … 1
δ^(l) = φ'(v^(l)) ⊙ ε^(l)
W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ     update (all δ computed with the old weights first)
```

The output layer's δ^(L) = −∂E/∂v^(L) depends on the output activation and the loss; each
combination is derived in `output_delta`. A softmax is a *vector* function, so with SSE its
full Jacobian J = diag(s) − s sᵀ is needed; the tempting elementwise formula
δ = s(1 − s) ⊙ ε keeps only J's diagonal and is wrong (`naive_output_delta`).

**Shapes.** A single sample is a 1-D vector (the lecture's column vector); a batch is a 2-D
array whose *rows* are samples, so the same code evaluates both with ``y @ W.T``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np

__all__ = [
    "HIDDEN",
    "LOSSES",
    "OUTPUTS",
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

HIDDEN = ("relu", "sigmoid", "tanh", "linear")
"""The hidden activations φ that ``hidden=`` accepts; φ' = [v > 0], σ(1 − σ), 1 − tanh², 1."""
OUTPUTS = ("softmax", "sigmoid", "linear")
"""The output activations φ of layer L that ``output=`` accepts."""
LOSSES = ("cross_entropy", "sse")
"""The losses E that ``loss=`` accepts: −Σ y log y^(L), or the lecture's ½ Σ (y^(L) − y)²."""


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


# --- the output layer: δ^(L) = −∂E/∂v^(L) for every (output, loss) ---------------------------
#
# With y_L = φ(v), the chain rule gives −∂E/∂v = J_φ(v)ᵀ (−∂E/∂y_L), where
#   SSE:            −∂E/∂y_L = y − y_L = ε^(L)
#   cross-entropy:  −∂E/∂y_L = y / y_L            (E = −Σ y log y_L)
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
    """The output layer's δ^(L) = −∂E/∂v^(L), correctly for every output/loss pair.

    With y^(L) = φ(v^(L)), ε^(L) = y − y^(L) and, for sigmoid and softmax, s = y^(L), the chain
    rule gives δ^(L) = J_φ(v)ᵀ (−∂E/∂y^(L)), where −∂E/∂y^(L) is ε^(L) for SSE and y / y^(L) for
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
        loss: the loss E, one of `LOSSES`.

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
    weights: Weights, biases: list[np.ndarray | None], x: np.ndarray, hidden: str, output: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    vs: list[np.ndarray] = []
    ys = [x]  # y^(0) = x, the output of the input layer
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        v = ys[-1] @ np.asarray(W).T  # v^(l) = W^(l) y^(l-1), one sample per row
        if b is not None:
            v = v + b  # … + b^(l)
        vs.append(v)
        ys.append(_activate(v, output if l == len(weights) else hidden))  # y^(l) = φ(v^(l))
    return vs, ys


def _backward(
    weights: Weights,
    vs: list[np.ndarray],
    ys: list[np.ndarray],
    y: np.ndarray,
    hidden: str,
    output: str,
    loss: str,
) -> list[np.ndarray]:
    """δ^(1) … δ^(L), each of v^(l)'s shape, walking the layers from L back to 1."""
    delta = _OUTPUT_DELTA[output, loss](vs[-1], ys[-1], y)  # δ^(L), see output_delta
    deltas = [delta]
    for l in range(len(weights) - 1, 0, -1):
        # ε^(l) = (W^(l+1))ᵀ δ^(l+1); `delta @ W` is that product for a row (or rows) δ.
        eps = delta @ np.asarray(weights[l])
        delta = _phi_prime(vs[l - 1], ys[l], hidden) * eps  # δ^(l) = φ'(v^(l)) ε^(l)
        deltas.append(delta)
    return deltas[::-1]


def forward(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
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
    return _forward(weights, biases, x, hidden, output)


def gradients(
    weights: Weights,
    biases: Biases,
    x: np.ndarray,
    y: np.ndarray,
    hidden: str = "relu",
    output: str = "softmax",
    loss: str = "cross_entropy",
) -> Gradients:
    """∂E/∂W^(l) and ∂E/∂b^(l) of one sample's loss E, by the lecture's delta rule.

    After the forward pass, δ^(L) = −∂E/∂v^(L) comes from `output_delta` (for SSE and an
    elementwise φ, the lecture's δ^(L) = φ'(v^(L)) ⊙ ε^(L) with ε^(L) = y − y^(L)); then for
    l = L−1 … 1, ε^(l) = (W^(l+1))ᵀ δ^(l+1) and δ^(l) = φ'(v^(l)) ⊙ ε^(l). Each layer's
    gradient is ∂E/∂W^(l) = −δ^(l) (y^(l-1))ᵀ and ∂E/∂b^(l) = −δ^(l).

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        x: one input sample y^(0).
        y: its target vector (one-hot, or a probability vector for ``cross_entropy``; any
            vector works, see `output_delta`).
        hidden: φ of the hidden layers, one of `HIDDEN` (relu, sigmoid, tanh, linear).
        output: φ of the output layer, one of `OUTPUTS` (softmax, sigmoid, linear).
        loss: the loss E, one of `LOSSES` (cross_entropy, sse).

    Returns:
        ``[(dE/dW1, dE/db1), …, (dE/dWL, dE/dbL)]``, with ``None`` for ∂E/∂b^(l) where b^(l)
        is ``None``. The lecture's update W ← W + α δ yᵀ is W ← W − α ∂E/∂W.

    Raises:
        ValueError: for unknown names, weights that do not chain, or ``x``/``y`` of the wrong
            shape (a 2-D ``x`` belongs to `gradients_batch`).

    Shapes:
        ``x`` is ``(n_0,)`` and ``y`` is ``(n_L,)``; ∂E/∂W^(l) has W^(l)'s shape
        ``(n_l, n_{l-1})`` and ∂E/∂b^(l) is ``(n_l,)``.

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
    vs, ys = _forward(weights, biases, x, hidden, output)
    deltas = _backward(weights, vs, ys, y, hidden, output, loss)
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
) -> Gradients:
    """The gradient of the *mean* loss (1/N) Σ_n E_n over the rows of a batch, vectorised.

    Each row goes through the same delta rule as `gradients`; stacking the δ^(l) of all samples
    as rows Δ^(l) (shape ``(N, n_l)``) and the layer inputs as rows Y^(l-1) turns the sum of
    outer products into one matrix product:

    ```text
    ∂E/∂W^(l) = −(1/N) (Δ^(l))ᵀ Y^(l-1)        ∂E/∂b^(l) = −(1/N) Σ_n δ_n^(l)
    ```

    The mean (not the sum) matches PyTorch's default ``reduction="mean"`` of ``MSELoss`` and
    ``CrossEntropyLoss``'s mean over samples, so one mini-batch step is W ← W − α ∂E/∂W with the
    same α for every batch size. (PyTorch's ``MSELoss`` also averages over outputs; the lecture's
    SSE sums over them and halves.)

    Args:
        weights: W^(1) … W^(L), ``weights[l - 1]`` of shape ``(n_l, n_{l-1})``.
        biases: b^(1) … b^(L), each ``(n_l,)`` or ``None``; or ``None`` for no biases at all.
        X: the inputs, one sample per row.
        Y: the targets, one per row.
        hidden: φ of the hidden layers, one of `HIDDEN`.
        output: φ of the output layer, one of `OUTPUTS`.
        loss: the loss E, one of `LOSSES`.

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
        >>> np.allclose(dW1, sum(dW for dW, db in per_sample) / 3)   # the mean ∂E/∂W^(1)
        True
    """
    _check_names(hidden, output, loss)
    biases = _check_network(weights, biases)
    X, Y = np.asarray(X), np.asarray(Y)
    _check_data(weights, X, Y, batch=True)
    n = X.shape[0]
    if n == 0:
        raise ValueError("gradients_batch needs at least one sample (row) in X, got 0")
    vs, ys = _forward(weights, biases, X, hidden, output)
    deltas = _backward(weights, vs, ys, Y, hidden, output, loss)
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
    """The loss E of one sample, or its mean over the rows of a batch.

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
        loss: the loss E, one of `LOSSES`.

    Returns:
        E as a Python float (the mean over rows for a batch).

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


# --- training ---------------------------------------------------------------------------------


def _apply(
    weights: Weights, biases: list[np.ndarray | None], grads: Gradients, alpha: float
) -> None:
    """W^(l) ← W^(l) − α ∂E/∂W^(l) = W^(l) + α δ^(l) (y^(l-1))ᵀ, in place, for l = L … 1."""
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
) -> None:
    """One per-sample update, in place: the body of the lecture's loop over points.

    All δ^(L) … δ^(1) are computed with the *old* weights first (as in `gradients`); then every
    layer is updated, W^(l) ← W^(l) + α δ^(l) (y^(l-1))ᵀ = W^(l) − α ∂E/∂W^(l) (and
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
        loss: the loss E, one of `LOSSES`.

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
    grads = gradients(weights, biases, x, y, hidden, output, loss)  # all δ, old weights
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
) -> None:
    """One pass over the rows of ``X`` and ``Y``, in place.

    ``batch_size`` ``None`` or 1: the lecture's loop, one `train_step` per sample in the given
    order (no shuffling), as the book's ``for k = 1:5``. Otherwise consecutive mini-batches of
    ``batch_size`` rows (the last may be shorter), each one step W ← W − α ∂E/∂W with the
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
        loss: the loss E, one of `LOSSES`.

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
    names = {"hidden": hidden, "output": output, "loss": loss}
    if batch_size is None or batch_size == 1:
        for x, y in zip(X, Y, strict=True):
            train_step(weights, biases, x, y, alpha, **names)
        return
    for start in range(0, X.shape[0], batch_size):
        rows = slice(start, start + batch_size)
        grads = gradients_batch(weights, biases, X[rows], Y[rows], **names)
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
