"""The lecture's delta rule (tinygrad4h03.deltarule) against float64 finite differences.

NumPy only, no autograd engine: the network's loss is rewritten here from the forward
equations and the loss formulas, and differentiated numerically, entry by entry.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad4h03 import data, deltarule

HIDDEN = ("relu", "sigmoid", "tanh", "linear")
OUTPUTS = ("softmax", "sigmoid", "linear")
LOSSES = ("cross_entropy", "sse")
COMBINATIONS = list(itertools.product(HIDDEN, OUTPUTS, LOSSES))

H = 1e-6  # central-difference step
RTOL = 1e-6  # relative to the largest gradient entry (at least 1)
RELU_MARGIN = 1e-2  # ReLU inputs are kept this far from the kink at 0


# --- the network and its loss, written independently of the module under test ----------------


def softmax(v: np.ndarray) -> np.ndarray:
    z = np.exp(v - v.max())
    return z / z.sum()


PHI = {
    "relu": lambda v: np.maximum(v, 0.0),
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "tanh": np.tanh,
    "linear": lambda v: v,
    "softmax": softmax,
}


def network_output(weights, biases, x, hidden, output):
    """y^(L): v^(l) = W^(l) y^(l-1) + b^(l), y^(l) = φ(v^(l))."""
    y = x
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        v = W @ y + (0.0 if b is None else b)
        y = PHI[output if l == len(weights) else hidden](v)
    return y


def loss_of(y_L: np.ndarray, y: np.ndarray, loss: str) -> float:
    """SSE ½ Σ (y_L − y)², or cross-entropy −Σ y log y_L over the nonzero targets."""
    if loss == "sse":
        return 0.5 * float(np.sum((y_L - y) ** 2))
    nonzero = y != 0
    return -float(np.sum(y[nonzero] * np.log(y_L[nonzero])))


@dataclass
class Case:
    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    x: np.ndarray
    y: np.ndarray
    hidden: str
    output: str
    loss: str

    @property
    def names(self) -> dict[str, str]:
        return {"hidden": self.hidden, "output": self.output, "loss": self.loss}

    def loss_at(self, weights, biases) -> float:
        y_L = network_output(weights, biases, self.x, self.hidden, self.output)
        return loss_of(y_L, self.y, self.loss)


def numeric_gradients(case: Case) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Central differences of the loss for every entry of every W^(l) and b^(l).

    Each evaluation perturbs a copy of one array; the case's own arrays are never touched.
    """

    def partial(layer: int, which: int, index: tuple[int, ...]) -> float:
        values = []
        for step in (H, -H):
            params = [list(case.weights), list(case.biases)]
            p = params[which][layer].copy()
            p[index] += step
            params[which][layer] = p
            values.append(case.loss_at(*params))
        return (values[0] - values[1]) / (2 * H)

    grads = []
    for layer, (W, b) in enumerate(zip(case.weights, case.biases, strict=True)):
        dW = np.array([partial(layer, 0, i) for i in np.ndindex(W.shape)]).reshape(W.shape)
        db = None if b is None else np.array([partial(layer, 1, (i,)) for i in range(b.size)])
        grads.append((dW, db))
    return grads


def assert_gradients_close(actual, expected, rtol: float = RTOL) -> None:
    """Entrywise |actual − expected| ≤ rtol · max(1, largest |expected| entry)."""
    assert len(actual) == len(expected)
    scale = max(1.0, *(np.abs(g).max() for pair in expected for g in pair if g is not None))
    for l, ((dW, db), (eW, eb)) in enumerate(zip(actual, expected, strict=True), start=1):
        assert dW.shape == eW.shape, f"layer {l}: dW shape {dW.shape} != {eW.shape}"
        np.testing.assert_allclose(dW, eW, rtol=0, atol=rtol * scale, err_msg=f"dE/dW{l}")
        assert (db is None) == (eb is None), f"layer {l}: bias gradient presence differs"
        if db is not None:
            np.testing.assert_allclose(db, eb, rtol=0, atol=rtol * scale, err_msg=f"dE/db{l}")


# --- building random networks in the safe domain -------------------------------------------------


def _shift_units(v, target, units, W, b, y_prev) -> None:
    """Move v_i to target_i for the chosen units, through b^(l), else through row i of W^(l)."""
    change = np.where(units, target - v, 0.0)
    if b is not None:
        b += change
    elif y_prev @ y_prev > 0:
        W += np.outer(change, y_prev) / (y_prev @ y_prev)
    # else y^(l-1) = 0 exactly and stays 0 under every perturbation: v^(l) = 0 cannot move.


def make_target(rng: np.random.Generator, n: int, kind: str, loss: str) -> np.ndarray:
    if kind == "one_hot":
        return np.eye(n)[rng.integers(n)]
    if kind == "probability":
        p = rng.random(n) + 0.05
        return p / p.sum()
    # "any": an unnormalised vector (nonnegative for cross-entropy, any sign for SSE)
    return rng.random(n) * 2 if loss == "cross_entropy" else rng.uniform(-1, 1, n)


def make_case(sizes, hidden, output, loss, bias, gain, target, seed) -> Case:
    """A random network moved into the safe domain instead of filtering examples.

    ReLU inputs are pushed at least RELU_MARGIN away from the kink, so that a step of H
    never crosses it; a linear output under cross-entropy is pushed to y_L ≥ 1 (log y_L
    must exist), and where it cannot move the target is set to 0 there.
    """
    rng = np.random.default_rng(seed)
    weights = [
        gain * np.sqrt(3 / n) * rng.uniform(-1, 1, (m, n)) for n, m in itertools.pairwise(sizes)
    ]
    biases = [rng.uniform(-0.5, 0.5, m) if bias else None for m in sizes[1:]]
    x = rng.uniform(-1, 1, sizes[0])
    y = make_target(rng, sizes[-1], target, loss)
    y_prev = x
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        v = W @ y_prev + (0.0 if b is None else b)
        if l < len(weights) and hidden == "relu":
            near = np.abs(v) < RELU_MARGIN
            _shift_units(v, np.where(v < 0, -RELU_MARGIN, RELU_MARGIN), near, W, b, y_prev)
        if l == len(weights) and output == "linear" and loss == "cross_entropy":
            _shift_units(v, np.ones_like(v), v < 1.0, W, b, y_prev)
        v = W @ y_prev + (0.0 if b is None else b)
        if l == len(weights) and output == "linear" and loss == "cross_entropy":
            y = np.where(v > 0, y, 0.0)
        y_prev = PHI[output if l == len(weights) else hidden](v)
    return Case(weights, biases, x, y, hidden, output, loss)


@st.composite
def cases(draw, max_depth: int = 5, max_width: int = 30) -> Case:
    depth = draw(st.integers(1, max_depth))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=depth + 1, max_size=depth + 1))
    hidden, output, loss = draw(st.sampled_from(COMBINATIONS))
    return make_case(
        sizes,
        hidden,
        output,
        loss,
        bias=draw(st.booleans()),
        gain=draw(st.sampled_from([0.5, 1.0, 2.0])),
        target=draw(st.sampled_from(["one_hot", "probability", "any"])),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


# --- gradients against finite differences ------------------------------------------------------


@settings(deadline=None)
@given(cases())
def test_gradients_match_finite_differences(case: Case) -> None:
    grads = deltarule.gradients(case.weights, case.biases, case.x, case.y, **case.names)
    assert_gradients_close(grads, numeric_gradients(case))


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize(("hidden", "output", "loss"), COMBINATIONS)
def test_every_combination_matches_finite_differences(hidden, output, loss, bias) -> None:
    for target in ("one_hot", "probability", "any"):
        case = make_case([4, 5, 3, 4], hidden, output, loss, bias, 1.5, target, seed=7)
        grads = deltarule.gradients(case.weights, case.biases, case.x, case.y, **case.names)
        assert_gradients_close(grads, numeric_gradients(case))


def test_inputs_are_not_modified() -> None:
    case = make_case([3, 4, 2], "relu", "softmax", "cross_entropy", True, 1.0, "one_hot", 1)
    before = [a.copy() for a in [*case.weights, *case.biases, case.x, case.y]]
    deltarule.gradients(case.weights, case.biases, case.x, case.y, **case.names)
    after = [*case.weights, *case.biases, case.x, case.y]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_no_biases_gives_none_bias_gradients() -> None:
    case = make_case([3, 4, 2], "tanh", "sigmoid", "sse", False, 1.0, "any", 2)
    for biases in (case.biases, None):
        grads = deltarule.gradients(case.weights, biases, case.x, case.y, **case.names)
        assert all(db is None for _, db in grads)


def test_relu_derivative_at_zero_is_zero() -> None:
    # v^(1) = [1, -1]·[1, 1] = 0 exactly: ReLU'(0) = 0 (lecture, PyTorch), so nothing flows.
    weights = [np.array([[1.0, -1.0]]), np.array([[2.0], [-1.0]])]
    grads = deltarule.gradients(weights, [np.zeros(1), np.zeros(2)], np.ones(2), np.eye(2)[0])
    assert np.array_equal(grads[0][0], np.zeros((1, 2)))
    assert np.array_equal(grads[0][1], np.zeros(1))


def test_large_logits_stay_finite() -> None:
    # The softmax subtracts max(v): logits of ±1000 must not overflow.
    weights = [np.array([[1000.0], [-1000.0], [0.0]])]
    for loss in LOSSES:
        ((dW, db),) = deltarule.gradients(weights, None, np.ones(1), np.eye(3)[1], loss=loss)
        assert np.all(np.isfinite(dW)) and db is None
    delta = deltarule.output_delta(weights[0][:, 0], np.eye(3)[1])
    np.testing.assert_allclose(delta, [-1.0, 1.0, 0.0])


# --- the output layer's δ^(L) --------------------------------------------------------------------


def minus_numeric_grad_wrt_v(v: np.ndarray, y: np.ndarray, output: str, loss: str) -> np.ndarray:
    """−∂E/∂v by central differences, E = loss(φ(v), y)."""
    grad = np.zeros_like(v)
    for i in range(v.size):
        step = np.zeros_like(v)
        step[i] = H
        grad[i] = (
            loss_of(PHI[output](v + step), y, loss) - loss_of(PHI[output](v - step), y, loss)
        ) / (2 * H)
    return -grad


def test_softmax_sse_needs_the_full_jacobian() -> None:
    v, y = np.array([2.0, -1.0, 0.5]), np.array([0.0, 1.0, 0.0])
    true = minus_numeric_grad_wrt_v(v, y, "softmax", "sse")
    np.testing.assert_allclose(deltarule.output_delta(v, y, "softmax", "sse"), true, atol=1e-8)
    # The elementwise formula s(1 − s) ⊙ ε is off by far more than rounding: here it even
    # gets the sign of the third component wrong.
    naive = deltarule.naive_output_delta(v, y)
    assert np.abs(naive - true).max() > 0.05
    assert np.sign(naive[2]) != np.sign(true[2])


def test_naive_softmax_rule_breaks_the_network_gradient() -> None:
    # Through the whole network: with the naive δ^(L) the last layer's gradient is wrong.
    case = make_case([4, 5, 3], "relu", "softmax", "sse", False, 1.0, "one_hot", 3)
    vs, ys = deltarule.forward(case.weights, None, case.x, case.hidden, case.output)
    naive_dW = -np.outer(deltarule.naive_output_delta(vs[-1], case.y), ys[-2])
    true_dW = numeric_gradients(case)[-1][0]
    assert np.abs(naive_dW - true_dW).max() > 10 * RTOL * max(1.0, np.abs(true_dW).max())


@pytest.mark.parametrize(("output", "loss"), list(itertools.product(OUTPUTS, LOSSES)))
def test_output_delta_is_minus_the_gradient(output: str, loss: str) -> None:
    rng = np.random.default_rng(11)
    v, y = rng.uniform(0.5, 2.0, 4), rng.dirichlet(np.ones(4))
    true = minus_numeric_grad_wrt_v(v, y, output, loss)
    np.testing.assert_allclose(deltarule.output_delta(v, y, output, loss), true, atol=1e-8)


def test_softmax_cross_entropy_delta_is_the_error() -> None:
    # The book's `delta = e`: with a one-hot target, δ^(L) = ε^(L) = y − y^(L), no φ' factor.
    v, y = np.array([0.3, -1.2, 2.0, 0.0, 0.7]), np.eye(5)[3]
    np.testing.assert_allclose(deltarule.output_delta(v, y), y - softmax(v), atol=1e-15)


def test_sigmoid_sse_delta_is_the_lectures_formula() -> None:
    # δ^(L) = φ'(v^(L)) ε^(L) with φ' = s(1 − s), the lecture's output rule.
    v, y = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.0, 0.5])
    s = PHI["sigmoid"](v)
    np.testing.assert_allclose(
        deltarule.output_delta(v, y, "sigmoid", "sse"), s * (1 - s) * (y - s)
    )


# --- forward, batches and the loss ------------------------------------------------------------


def test_forward_keeps_every_layer() -> None:
    case = make_case([3, 4, 5, 2], "tanh", "softmax", "sse", True, 1.0, "any", 4)
    vs, ys = deltarule.forward(case.weights, case.biases, case.x, "tanh", "softmax")
    assert len(vs) == 3 and len(ys) == 4
    assert ys[0] is case.x or np.array_equal(ys[0], case.x)
    for l in range(1, 4):
        W, b = case.weights[l - 1], case.biases[l - 1]
        np.testing.assert_allclose(vs[l - 1], W @ ys[l - 1] + b)  # v^(l)
    np.testing.assert_allclose(
        ys[-1], network_output(case.weights, case.biases, case.x, "tanh", "softmax")
    )


def batch_of(case: Case, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n samples around the case's network; cross-entropy targets vanish where y_L ≤ 0."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, case.x.size))
    Y = np.stack([make_target(rng, case.y.size, "probability", case.loss) for _ in range(n)])
    if case.output == "linear" and case.loss == "cross_entropy":
        outputs = np.stack(
            [network_output(case.weights, case.biases, x, case.hidden, case.output) for x in X]
        )
        Y = np.where(outputs > 0, Y, 0.0)
    return X, Y


@settings(deadline=None)
@given(cases(max_width=12), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_gradients_batch_is_the_mean_of_per_sample_gradients(case: Case, n: int, seed: int) -> None:
    X, Y = batch_of(case, n, seed)
    batch = deltarule.gradients_batch(case.weights, case.biases, X, Y, **case.names)
    per_sample = [
        deltarule.gradients(case.weights, case.biases, x, y, **case.names)
        for x, y in zip(X, Y, strict=True)
    ]
    mean = [
        (
            np.mean([g[l][0] for g in per_sample], axis=0),
            None if case.biases[l] is None else np.mean([g[l][1] for g in per_sample], axis=0),
        )
        for l in range(len(case.weights))
    ]
    assert_gradients_close(batch, mean, rtol=1e-10)  # summation order differs: rounding


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBINATIONS)
def test_loss_value_matches_the_formula(hidden: str, output: str, loss: str) -> None:
    case = make_case([3, 4, 3], hidden, output, loss, True, 1.0, "probability", 5)
    assert deltarule.loss_value(
        case.weights, case.biases, case.x, case.y, **case.names
    ) == pytest.approx(case.loss_at(case.weights, case.biases), rel=1e-12, abs=1e-12)
    X, Y = batch_of(case, 4, 6)
    expected = np.mean(
        [
            loss_of(network_output(case.weights, case.biases, x, hidden, output), y, loss)
            for x, y in zip(X, Y, strict=True)
        ]
    )
    assert deltarule.loss_value(case.weights, case.biases, X, Y, **case.names) == pytest.approx(
        expected, rel=1e-12
    )


# --- training -------------------------------------------------------------------------------------


def copies(arrays):
    return [None if a is None else a.copy() for a in arrays]


@pytest.mark.parametrize("bias", [False, True])
def test_train_step_is_gradient_descent(bias: bool) -> None:
    # W ← W + α δ yᵀ (the lecture) is W ← W − α dE/dW, every layer from the OLD weights.
    case = make_case([5, 4, 4, 3], "relu", "softmax", "cross_entropy", bias, 1.0, "one_hot", 8)
    alpha = 0.3
    grads = deltarule.gradients(case.weights, case.biases, case.x, case.y, **case.names)
    weights, biases = copies(case.weights), copies(case.biases)
    ids = [id(W) for W in weights]
    assert deltarule.train_step(weights, biases, case.x, case.y, alpha, **case.names) is None
    assert [id(W) for W in weights] == ids  # updated in place
    for W, b, W0, b0, (dW, db) in zip(
        weights, biases, case.weights, case.biases, grads, strict=True
    ):
        np.testing.assert_allclose(W, W0 - alpha * dW, rtol=0, atol=1e-15)
        if bias:
            np.testing.assert_allclose(b, b0 - alpha * db, rtol=0, atol=1e-15)
        else:
            assert b is None


def test_train_step_lowers_the_loss() -> None:
    case = make_case([5, 6, 3], "sigmoid", "softmax", "sse", True, 1.0, "one_hot", 9)
    before = case.loss_at(case.weights, case.biases)
    deltarule.train_step(case.weights, case.biases, case.x, case.y, 1e-3, **case.names)
    assert case.loss_at(case.weights, case.biases) < before


@pytest.mark.parametrize("batch_size", [None, 1])
def test_train_epoch_per_sample_is_the_lectures_loop(batch_size) -> None:
    X, labels = data.lecture_digits()
    Y = data.one_hot(labels)
    weights, biases = deltarule.lecture_init([25, 6, 5], rng=0, bias=True)
    expected_w, expected_b = copies(weights), copies(biases)
    for x, y in zip(X, Y, strict=True):  # for each point, in order, no shuffling
        deltarule.train_step(expected_w, expected_b, x, y, 0.1)
    deltarule.train_epoch(weights, biases, X, Y, 0.1, batch_size=batch_size)
    for got, want in zip(weights + biases, expected_w + expected_b, strict=True):
        np.testing.assert_array_equal(got, want)


def test_train_epoch_mini_batches_average_the_gradient() -> None:
    X, labels = data.lecture_digits()
    Y = data.one_hot(labels)
    weights, biases = deltarule.lecture_init([25, 6, 5], rng=1, bias=True)
    expected_w, expected_b = copies(weights), copies(biases)
    for rows in (slice(0, 2), slice(2, 4), slice(4, 5)):  # batch_size 2 over 5 samples
        grads = deltarule.gradients_batch(expected_w, expected_b, X[rows], Y[rows])
        for W, b, (dW, db) in zip(expected_w, expected_b, grads, strict=True):
            W -= 0.1 * dW
            b -= 0.1 * db
    deltarule.train_epoch(weights, biases, X, Y, 0.1, batch_size=2)
    for got, want in zip(weights + biases, expected_w + expected_b, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)


def test_lecture_network_learns_the_five_digits() -> None:
    # The lecture's example: 25-20-20-20-5, ReLU hidden layers, softmax output, no biases,
    # W uniform on (−1, 1), per-sample updates with α = 0.01, the lecture's column-major
    # unpacking. The book runs 10,000 epochs; 2000 suffice here. Like the book's network
    # ReLU is sensitive to the initial weights: a few seeds (3 of the first 20) never train.
    X, labels = data.lecture_digits(order="F")
    Y = data.one_hot(labels)
    weights, biases = deltarule.lecture_init([25, 20, 20, 20, 5], rng=0)
    for _ in range(2000):
        deltarule.train_epoch(weights, biases, X, Y, alpha=0.01)
    probabilities = deltarule.forward(weights, biases, X)[1][-1]
    assert np.array_equal(probabilities.argmax(axis=1), labels)
    assert probabilities[np.arange(5), labels].min() > 0.99


def test_lecture_init() -> None:
    weights, biases = deltarule.lecture_init([25, 20, 20, 20, 5], rng=42)
    assert [W.shape for W in weights] == [(20, 25), (20, 20), (20, 20), (5, 20)]
    assert biases == [None] * 4
    assert all(W.dtype == np.float64 and W.min() >= -1 and W.max() < 1 for W in weights)
    assert np.concatenate([W.ravel() for W in weights]).std() == pytest.approx(
        1 / np.sqrt(3), rel=0.1
    )
    again, _ = deltarule.lecture_init([25, 20, 20, 20, 5], rng=np.random.default_rng(42))
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
    _, zero_biases = deltarule.lecture_init([3, 2], rng=0, bias=True)
    assert len(zero_biases) == 1 and np.array_equal(zero_biases[0], np.zeros(2))


# --- bad inputs ----------------------------------------------------------------------------------

W2 = [np.ones((4, 3)), np.ones((2, 4))]
x3, y2 = np.ones(3), np.array([1.0, 0.0])

BAD_CALLS = {
    "hidden name": (
        lambda: deltarule.gradients(W2, None, x3, y2, hidden="softmax"),
        "hidden must be one of relu, sigmoid, tanh, linear",
    ),
    "output name": (
        lambda: deltarule.gradients(W2, None, x3, y2, output="relu"),
        "output must be one of softmax, sigmoid, linear",
    ),
    "loss name": (
        lambda: deltarule.gradients(W2, None, x3, y2, loss="mse"),
        "loss must be one of cross_entropy, sse",
    ),
    "x length": (
        lambda: deltarule.gradients(W2, None, np.ones(4), y2),
        r"x must be one sample of shape \(3,\).*got \(4,\)",
    ),
    "batch to gradients": (
        lambda: deltarule.gradients(W2, None, np.ones((2, 3)), y2),
        "use gradients_batch",
    ),
    "y length": (
        lambda: deltarule.gradients(W2, None, x3, np.ones(3)),
        r"y must have shape \(2,\).*layer 2.*got \(3,\)",
    ),
    "chain": (
        lambda: deltarule.gradients([np.ones((4, 3)), np.ones((2, 5))], None, x3, y2),
        r"layer 2: W has shape \(2, 5\).*layer 1 gives 4",
    ),
    "1-D weight": (
        lambda: deltarule.gradients([np.ones(3)], None, x3, y2),
        r"layer 1: W must be 2-D",
    ),
    "bias shape": (
        lambda: deltarule.gradients(W2, [np.ones(4), np.ones(3)], x3, y2),
        r"layer 2: b must have shape \(2,\)",
    ),
    "bias count": (
        lambda: deltarule.gradients(W2, [None], x3, y2),
        "2 weight matrices but 1 biases",
    ),
    "no layers": (lambda: deltarule.gradients([], None, x3, y2), "at least one layer"),
    "batch X": (lambda: deltarule.gradients_batch(W2, None, x3, y2), r"X must have shape \(N, 3\)"),
    "batch Y": (
        lambda: deltarule.gradients_batch(W2, None, np.ones((2, 3)), np.ones((3, 2))),
        r"Y must have shape \(2, 2\)",
    ),
    "empty batch": (
        lambda: deltarule.gradients_batch(W2, None, np.ones((0, 3)), np.ones((0, 2))),
        "at least one sample",
    ),
    "log of negative": (
        lambda: deltarule.gradients([-np.ones((2, 3))], None, x3, y2, output="linear"),
        "y_L > 0",
    ),
    "negative alpha": (lambda: deltarule.train_step(copies(W2), None, x3, y2, -0.1), "alpha"),
    "integer weights": (
        lambda: deltarule.train_step([np.ones((2, 3), dtype=int)], None, x3, y2, 0.1),
        "floating NumPy array",
    ),
    "batch size 0": (
        lambda: deltarule.train_epoch(
            copies(W2), None, np.ones((2, 3)), np.ones((2, 2)), 0.1, batch_size=0
        ),
        "batch_size",
    ),
    "init sizes": (lambda: deltarule.lecture_init([25]), "sizes"),
    "init width 0": (lambda: deltarule.lecture_init([25, 0, 5]), "sizes"),
    "output_delta shapes": (lambda: deltarule.output_delta(np.ones(3), np.ones(2)), "shape"),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_inputs_raise_value_error(name: str) -> None:
    call, message = BAD_CALLS[name]
    with pytest.raises(ValueError, match=message):
        call()
