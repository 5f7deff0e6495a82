"""Autograd computes exactly what the lecture's hand derivation says.

The key proof: for random networks of every shape and every hidden/output/loss combination,
the engine's ∂E/∂W^(l) and ∂E/∂b^(l) equal ``tg.deltarule.gradients`` to 1e-10 relative in
float64. Then the same for training: the lecture's network trained by ``tg.nn`` +
``tg.optim.SGD`` and by the delta rule, from the same start, ends with the same weights.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import data, deltarule, lecture

F = tg.nn.functional
RTOL = 1e-10
COMBINATIONS = list(itertools.product(deltarule.HIDDEN, deltarule.OUTPUTS, deltarule.LOSSES))


# --- the engine's gradient, written here with plain tensor operations ----------------------------

ACTIVATION = {
    "relu": tg.Tensor.relu,
    "sigmoid": tg.Tensor.sigmoid,
    "tanh": tg.Tensor.tanh,
    "linear": lambda v: v,
}


def engine_gradients(weights, biases, x, y, hidden, output, loss):
    """∂E/∂W, ∂E/∂b by tg.Tensor ops and tg.nn.functional losses, for one sample (1-D)."""
    Ws = [tg.Tensor(W, requires_grad=True) for W in weights]
    bs = [None if b is None else tg.Tensor(b, requires_grad=True) for b in biases]
    h = tg.Tensor(x)
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True), start=1):
        v = W @ h if b is None else W @ h + b  # v^(l) = W^(l) y^(l-1) + b^(l)
        h = v if l == len(Ws) else ACTIVATION[hidden](v)
    target = int(np.argmax(y))
    if output == "softmax" and loss == "cross_entropy":
        E = F.cross_entropy(h, np.array(target))  # logits, one sample: −log softmax(v)_t
    else:
        y_L = h.softmax(dim=-1) if output == "softmax" else ACTIVATION[output](h)
        E = F.sse_loss(y_L, y) if loss == "sse" else -y_L[target].log()
    E.backward()
    return [(W.grad.numpy(), None if b is None else b.grad.numpy()) for W, b in zip(Ws, bs)]


def assert_close(auto: np.ndarray, rule: np.ndarray, what: str) -> None:
    scale = np.max(np.abs(rule))
    diff = np.max(np.abs(auto - rule))
    assert diff <= RTOL * scale, f"{what}: autograd and delta rule differ by {diff} (scale {scale})"


def assert_same_gradients(auto, rule) -> None:
    assert len(auto) == len(rule)
    for l, ((aW, ab), (dW, db)) in enumerate(zip(auto, rule, strict=True), start=1):
        assert aW.shape == dW.shape and aW.dtype == np.float64
        assert_close(aW, dW, f"W{l}")
        assert (ab is None) == (db is None)
        if ab is not None:
            assert_close(ab, db, f"b{l}")


# --- random networks -----------------------------------------------------------------------------


@st.composite
def networks(draw):
    """Depth 1–5, widths 1–30, any hidden/output/loss, biases on or off; float64 arrays.

    Weights are N(0, 1/n_in) (a seeded NumPy draw: hypothesis picks the structure and the
    seed), so activations stay O(1) at any depth and no sigmoid or softmax saturates to 0.
    """
    depth = draw(st.integers(1, 5))
    sizes = draw(st.lists(st.integers(1, 30), min_size=depth + 1, max_size=depth + 1))
    hidden, output, loss = draw(st.sampled_from(COMBINATIONS))
    bias = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    weights = [rng.normal(0, 1 / np.sqrt(n), (m, n)) for n, m in itertools.pairwise(sizes)]
    biases = [rng.normal(0, 1, m) if bias else None for m in sizes[1:]]
    x = rng.normal(0, 1, sizes[0])
    target = int(rng.integers(sizes[-1]))
    y = (
        data.one_hot(np.array([target]), sizes[-1])[0]
        if loss == "cross_entropy"
        else (rng.uniform(0, 1, sizes[-1]))
    )
    if (output, loss) == ("linear", "cross_entropy"):
        # a dead ReLU layer without biases gives v = 0 exactly: log 0 is undefined either way
        assume(_make_target_output_positive(weights, biases, x, target, hidden))
    return weights, biases, x, y, hidden, output, loss


def _make_target_output_positive(weights, biases, x, target, hidden) -> bool:
    """−log y^(L)_t needs y^(L)_t > 0: flip the sign of that output's row if it is negative.

    Returns whether y^(L)_t is now safely positive.
    """
    v = deltarule.forward(weights, biases, x, hidden, "linear")[0][-1]
    if v[target] < 0:
        weights[-1][target] *= -1
        if biases[-1] is not None:
            biases[-1][target] *= -1
    return abs(v[target]) > 1e-6


@given(networks())
def test_delta_rule_equals_autograd_on_random_networks(network) -> None:
    weights, biases, x, y, hidden, output, loss = network
    rule = deltarule.gradients(weights, biases, x, y, hidden, output, loss)
    auto = engine_gradients(weights, biases, x, y, hidden, output, loss)
    assert_same_gradients(auto, rule)


@given(networks())
def test_lecture_autograd_gradients_equal_the_delta_rule(network) -> None:
    """The same through tg.nn.Sequential (lecture.build_network), batches of one row."""
    weights, biases, x, y, hidden, output, loss = network
    arch = lecture.Architecture(hidden, output, loss)
    auto = lecture.autograd_gradients(weights, biases, x, y, arch)
    assert_same_gradients(auto, deltarule.gradients(weights, biases, x, y, **arch.names))


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBINATIONS)
def test_every_combination_on_the_lecture_network(hidden, output, loss) -> None:
    weights, biases = lecture.initial_weights(init="kaiming", bias=True, seed=3)
    biases = [np.full(b.shape, 0.1) for b in biases]
    X, labels = data.lecture_digits(order="F")
    Y = data.one_hot(labels)
    for x, y in zip(X, Y, strict=True):
        if (output, loss) == ("linear", "cross_entropy"):
            assert _make_target_output_positive(weights, biases, x, int(np.argmax(y)), hidden)
        rule = deltarule.gradients(weights, biases, x, y, hidden, output, loss)
        assert_same_gradients(engine_gradients(weights, biases, x, y, hidden, output, loss), rule)


# --- the softmax caveat --------------------------------------------------------------------------


def test_naive_softmax_delta_disagrees_with_autograd_while_the_jacobian_agrees() -> None:
    weights, biases = lecture.comparison_network(lecture.CONFIGS["sse-softmax"], seed=0)
    X, labels = data.lecture_digits(order="F")
    check = lecture.naive_softmax_check(weights, biases, X[0], data.one_hot(labels)[0])
    scale = np.max(np.abs(check.autograd))
    assert scale > 0.1
    assert np.max(np.abs(check.jacobian - check.autograd)) <= RTOL * scale
    assert np.max(np.abs(check.naive - check.autograd)) > 0.3 * scale


@given(st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_naive_softmax_rule_is_wrong_for_any_logits(n: int, seed: int) -> None:
    """−∂E/∂v of E = ½ Σ (softmax(v) − y)² by autograd: the Jacobian rule, not s(1 − s) ⊙ ε."""
    rng = np.random.default_rng(seed)
    v, y = rng.normal(0, 1, n), rng.uniform(0, 1, n)
    logits = tg.Tensor(v, requires_grad=True)
    F.sse_loss(logits.softmax(dim=-1), y).backward()
    autograd_delta = -logits.grad.numpy()
    jacobian = deltarule.output_delta(v, y, "softmax", "sse")
    np.testing.assert_allclose(jacobian, autograd_delta, rtol=0, atol=1e-14)
    assert np.max(np.abs(deltarule.naive_output_delta(v, y) - autograd_delta)) > 1e-6


# --- training: the same weights from either engine -----------------------------------------------


def assert_same_weights(a: lecture.DigitsRun, b: lecture.DigitsRun, tol: float = 1e-9) -> None:
    for l, (Wa, Wb) in enumerate(zip(a.weights, b.weights, strict=True), start=1):
        assert np.max(np.abs(Wa - Wb)) <= tol, f"W{l} differs"
    for l, (ba, bb) in enumerate(zip(a.biases, b.biases, strict=True), start=1):
        assert (ba is None) == (bb is None)
        if ba is not None:
            assert np.max(np.abs(ba - bb)) <= tol, f"b{l} differs"


def train_both(**options) -> tuple[lecture.DigitsRun, lecture.DigitsRun]:
    return tuple(lecture.train_digits(method=m, **options) for m in lecture.METHODS)


def test_both_engines_train_the_lecture_network_to_the_same_weights() -> None:
    """300 per-sample updates (60 epochs × 5 digits) of the lecture's network."""
    auto, rule = train_both(epochs=60)
    start, _ = lecture.initial_weights()
    assert np.max(np.abs(auto.weights[0] - start[0])) > 1e-3  # it did train
    assert_same_weights(auto, rule)
    np.testing.assert_allclose(auto.probabilities, rule.probabilities, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        [l for _, l in auto.losses], [l for _, l in rule.losses], rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize(
    "options",
    [
        {"init": "kaiming", "bias": True},
        {"arch": lecture.Architecture("sigmoid", "sigmoid", "sse"), "bias": True, "lr": 0.5},
        {"arch": lecture.Architecture("tanh", "softmax", "sse"), "order": "C"},
        {"variant": "book", "lr": 0.05},
    ],
    ids=["kaiming-bias", "sigmoid-sse", "tanh-softmax-sse", "book-digits"],
)
def test_both_engines_agree_for_other_settings(options) -> None:
    assert_same_weights(*train_both(epochs=40, **options))


@pytest.mark.parametrize("batch_size", [2, 3, 5])
def test_mini_batches_give_the_same_weights_with_either_engine(batch_size: int) -> None:
    auto, rule = train_both(epochs=60, batch_size=batch_size, bias=True, lr=0.05)
    assert_same_weights(auto, rule)


def test_mini_batch_of_everything_is_full_batch_gradient_descent() -> None:
    """One batch of all five digits: W ← W − α (1/5) Σ_k ∂E_k/∂W, by hand from deltarule."""
    run = lecture.train_digits(epochs=1, batch_size=5, method="autograd", lr=0.1)
    weights, biases = lecture.initial_weights()
    X, labels = data.lecture_digits(order="F")
    grads = deltarule.gradients_batch(weights, biases, X, data.one_hot(labels))
    for W, (dW, _), trained in zip(weights, grads, run.weights, strict=True):
        np.testing.assert_allclose(trained, W - 0.1 * dW, rtol=0, atol=1e-12)


# --- the pieces ----------------------------------------------------------------------------------


def test_lecture_init_is_the_delta_rules() -> None:
    weights, biases = lecture.initial_weights(seed=7)
    expected, _ = deltarule.lecture_init(lecture.LECTURE_SIZES, rng=7)
    for W, E in zip(weights, expected, strict=True):
        np.testing.assert_array_equal(W, E)
    assert biases == [None] * 4
    assert all(W.dtype == np.float64 and np.abs(W).max() < 1 for W in weights)


def test_kaiming_init_has_he_scale() -> None:
    weights, biases = lecture.initial_weights((400, 300, 10), init="kaiming", bias=True, seed=1)
    assert weights[0].shape == (300, 400)
    assert abs(weights[0].std() - np.sqrt(2 / 400)) < 0.01 * np.sqrt(2 / 400) * 3
    assert all(np.all(b == 0) for b in biases)


def test_build_network_round_trips_the_arrays() -> None:
    weights, biases = lecture.initial_weights(bias=True, seed=2)
    model = lecture.build_network(weights, biases)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU"] * 3 + ["Linear"]
    assert model.state_dict()["0.weight"].dtype == np.float64
    back_w, back_b = lecture.network_arrays(model)
    for a, b in zip(weights + biases, back_w + back_b, strict=True):
        np.testing.assert_array_equal(a, b)
    back_w[0][0, 0] = 99.0  # copies, not views
    assert model[0].weight.numpy()[0, 0] != 99.0


def test_build_network_ends_with_the_output_activation_unless_softmax_cross_entropy() -> None:
    weights, _ = lecture.initial_weights((3, 4, 2))
    sse = lecture.build_network(weights, None, lecture.Architecture("tanh", "softmax", "sse"))
    assert [type(m).__name__ for m in sse] == ["Linear", "Tanh", "Linear", "Softmax"]
    linear = lecture.build_network(weights, None, lecture.Architecture("linear", "linear", "sse"))
    assert [type(m).__name__ for m in linear] == ["Linear", "Linear"]


def test_compare_config_agrees_for_every_configuration() -> None:
    for config in lecture.CONFIGS.values():
        rows = lecture.compare_config(config, seed=1)
        expected = [f"{p}{l}" for l in range(1, 5) for p in ("Wb" if config.bias else "W")]
        assert [r.parameter for r in rows] == expected
        if config.expected_to_agree:
            assert all(r.ok and r.autograd_norm > 0 for r in rows), config.name


def test_the_books_dropout_rule_differs_from_the_gradient_in_the_hidden_layers() -> None:
    """DeepDropout.m's δ = ỹ(1 − ỹ) ε on the masked ỹ = m σ is not m σ(1 − σ) ε: the hidden
    layers' gradients differ by about their own size; the output layer's does not."""
    rows = lecture.compare_config(lecture.CONFIGS["dropout-book"], seed=0)
    assert [r.ok for r in rows] == [False, False, False, True]
    assert all(r.relative_diff > 0.5 for r in rows[:3])
    exact = lecture.compare_config(lecture.CONFIGS["dropout"], seed=0)
    assert all(r.ok for r in exact)
    assert [r.autograd_norm for r in rows] == [r.autograd_norm for r in exact]  # same masks


def test_bad_names_raise() -> None:
    with pytest.raises(ValueError, match="hidden must be one of"):
        lecture.Architecture("softplus")
    with pytest.raises(ValueError, match="init must be one of"):
        lecture.initial_weights(init="xavier")
    with pytest.raises(ValueError, match="method must be one of"):
        lecture.train_digits(epochs=1, method="torch")
    with pytest.raises(ValueError, match="method must be one of"):
        lecture.train_digits(epochs=1, engine="torch")  # the older name of method
    with pytest.raises(ValueError, match="dropout must be a probability"):
        lecture.Architecture("sigmoid", dropout=1.0)
    with pytest.raises(ValueError, match="one-hot"):
        lecture.autograd_gradients(*lecture.initial_weights(), np.zeros(25), np.full(5, 0.2))
