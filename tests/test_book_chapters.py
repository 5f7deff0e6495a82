"""The book's next chapters (dropout, vanishing gradients, convolution): each hand-derived twin
in ``tg.deltarule`` against autograd (1e-10), float64 finite differences and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import data, deltarule, lecture
from tinygrad4h03.lecture import conv as lconv
from tinygrad4h03.lecture import vanishing

RTOL = 1e-10


def assert_close(auto, rule, rtol: float = RTOL) -> None:
    for a, r in zip(auto, rule, strict=True):
        scale = max(np.max(np.abs(r)), 1e-300)
        assert np.max(np.abs(np.asarray(a) - r)) <= rtol * scale


# --- dropout --------------------------------------------------------------------------------------


@st.composite
def dropout_cases(draw):
    depth = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 6)) for _ in range(depth)] + [draw(st.integers(2, 4))]
    seed = draw(st.integers(0, 2**32 - 1))
    p = draw(st.sampled_from([0.1, 0.2, 0.5]))
    kind = draw(st.sampled_from(deltarule.MASK_KINDS))
    hidden = draw(st.sampled_from(["sigmoid", "relu", "tanh"]))
    rng = np.random.default_rng(seed)
    weights, _ = deltarule.lecture_init(sizes, rng=rng)
    masks = [deltarule.dropout_mask(n, p, kind, rng) for n in sizes[1:-1]]
    x = rng.uniform(-1, 1, sizes[0])
    label = int(rng.integers(sizes[-1]))
    return weights, masks, x, label, hidden, p


@settings(deadline=None)
@given(dropout_cases())
def test_dropout_rule_equals_autograd_for_any_masks(case) -> None:
    weights, masks, x, label, hidden, p = case
    arch = lecture.Architecture(hidden, dropout=p)
    y = np.eye(weights[-1].shape[0])[label]
    auto = lecture.autograd_gradients(weights, None, x, y, arch, masks)
    rule = deltarule.gradients(weights, None, x, y, hidden, masks=masks)
    assert_close([g for g, _ in auto], [g for g, _ in rule])


@settings(deadline=None, max_examples=15)
@given(dropout_cases())
def test_dropout_rule_equals_finite_differences(case) -> None:
    weights, masks, x, label, hidden, _ = case
    if hidden == "relu":
        hidden = "tanh"  # keep away from ReLU's kink
    y = np.eye(weights[-1].shape[0])[label]
    rule = deltarule.gradients(weights, None, x, y, hidden, masks=masks)
    h = 1e-6

    def masked_loss(ws):
        _, ys = deltarule.forward(ws, None, x, hidden, masks=masks)
        return -np.log(ys[-1][label])

    for l, W in enumerate(weights):
        numeric = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            plus = [V.copy() for V in weights]
            minus = [V.copy() for V in weights]
            plus[l][index] += h
            minus[l][index] -= h
            numeric[index] = (masked_loss(plus) - masked_loss(minus)) / (2 * h)
        scale = max(1.0, np.max(np.abs(numeric)))
        assert np.max(np.abs(numeric - rule[l][0])) <= 1e-6 * scale


def test_dropout_rule_equals_pytorch() -> None:
    torch = pytest.importorskip("torch")
    weights, _ = deltarule.lecture_init(lecture.LECTURE_SIZES, rng=5)
    masks = [deltarule.dropout_mask(20, 0.2, rng=k) for k in range(3)]
    X, _ = data.lecture_digits(order="F")
    tw = [torch.tensor(W, requires_grad=True) for W in weights]
    y = torch.tensor(X[2])
    for W, m in zip(tw[:-1], masks, strict=True):
        y = torch.sigmoid(W @ y) * torch.tensor(m)
    torch.nn.functional.cross_entropy((tw[-1] @ y)[None], torch.tensor([2])).backward()
    rule = deltarule.gradients(weights, None, X[2], np.eye(5)[2], "sigmoid", masks=masks)
    assert_close([W.grad.numpy() for W in tw], [g for g, _ in rule])


def test_the_books_rule_is_the_gradient_only_for_dropped_units() -> None:
    weights, _ = deltarule.lecture_init((3, 4, 2), rng=0)
    x, y = np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.0])
    none_kept = [np.zeros(4)]
    all_kept_unscaled = [np.ones(4)]  # m = 1: the book's rule is σ(1 − σ), exact
    for masks in (none_kept, all_kept_unscaled):
        book = deltarule.book_dropout_gradients(weights, None, x, y, masks)
        exact = deltarule.gradients(weights, None, x, y, "sigmoid", masks=masks)
        assert_close([g for g, _ in book], [g for g, _ in exact])
    scaled = [np.full(4, 1.25)]
    book = deltarule.book_dropout_gradients(weights, None, x, y, scaled)
    exact = deltarule.gradients(weights, None, x, y, "sigmoid", masks=scaled)
    _, ys = deltarule.forward(weights, None, x, "sigmoid", masks=scaled)
    s = ys[1] / 1.25
    ratio = (1 - 1.25 * s) / (1 - s)  # m s (1 − m s) over m s (1 − s), unit by unit
    assert np.allclose(book[0][0], exact[0][0] * ratio[:, None])
    assert np.allclose(book[1][0], exact[1][0])  # the output layer is untouched


@given(
    n=st.integers(1, 40),
    rows=st.integers(1, 5),
    p=st.floats(0.0, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_exact_masks_keep_round_1_minus_p_n_units_per_row(n, rows, p, seed) -> None:
    m = deltarule.dropout_mask((rows, n), p, "exact", seed)
    assert m.shape == (rows, n)
    assert ((m > 0).sum(axis=1) == round(n * (1 - p))).all()
    assert set(np.unique(m)) <= {0.0, 1 / (1 - p)}


def test_bernoulli_masks_keep_each_unit_with_probability_1_minus_p() -> None:
    m = deltarule.dropout_mask((200, 500), 0.2, "bernoulli", 0)
    kept = (m > 0).mean()
    assert abs(kept - 0.8) < 0.005 and np.isclose(m.mean(), 1.0, atol=0.01)
    assert len(np.unique((m > 0).sum(axis=1))) > 1  # not a fixed count


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_mask_refuses_a_bad_probability(p) -> None:
    with pytest.raises(ValueError, match="p must be a probability"):
        deltarule.dropout_mask(3, p)


def test_masks_of_the_wrong_shape_are_refused() -> None:
    weights, _ = deltarule.lecture_init((3, 4, 2), rng=0)
    with pytest.raises(ValueError, match="one dropout mask per hidden layer"):
        deltarule.gradients(weights, None, np.ones(3), np.eye(2)[0], masks=[])
    with pytest.raises(ValueError, match=r"m\^\(1\) must have shape \(4,\)"):
        deltarule.gradients(weights, None, np.ones(3), np.eye(2)[0], masks=[np.ones(3)])


@pytest.mark.parametrize("batch_size", [1, 2])
@pytest.mark.parametrize("kind", deltarule.MASK_KINDS)
def test_dropout_training_gives_the_same_weights_either_way(batch_size, kind) -> None:
    arch = lecture.Architecture("sigmoid", dropout=0.2)
    runs = [
        lecture.train_digits(
            epochs=25, method=m, arch=arch, batch_size=batch_size, mask_kind=kind, lr=0.5
        )
        for m in lecture.METHODS
    ]
    for a, d in zip(runs[0].weights, runs[1].weights, strict=True):
        assert np.max(np.abs(a - d)) <= 1e-10
    no_dropout = lecture.train_digits(
        epochs=25,
        method="deltarule",
        lr=0.5,
        arch=lecture.Architecture("sigmoid"),
        batch_size=batch_size,
    )
    assert not np.allclose(no_dropout.weights[0], runs[1].weights[0])


# --- vanishing gradients --------------------------------------------------------------------------


def test_vanishing_norms_are_autograds() -> None:
    rng = np.random.default_rng(0)
    sizes = [25, 20, 20, 20, 20, 5]
    weights, _ = deltarule.lecture_init(sizes, rng=rng)
    X, labels = data.lecture_digits(order="F")
    norms = vanishing.layer_gradient_norms(weights, X, data.one_hot(labels), "sigmoid")
    model = lecture.build_network(weights, None, lecture.Architecture("sigmoid"))
    loss = lecture.autograd_loss(model(tg.tensor(X)), labels)
    loss.backward()
    auto = [float(np.linalg.norm(m.weight.grad.numpy())) for m in model if hasattr(m, "weight")]
    assert np.allclose(norms, auto, rtol=1e-10, atol=0)


def test_sigmoid_gradients_shrink_layer_by_layer_at_initialisation() -> None:
    rows = vanishing.vanishing_gradients(depth=10, epochs=0)
    for r in rows:
        if r.hidden == "sigmoid":
            assert r.ratio < 1e-2
            assert sum(a < b for a, b in zip(r.norms, r.norms[1:])) >= 8  # mostly increasing
        else:
            assert r.ratio > 0.3


# --- convolution ----------------------------------------------------------------------------------


@st.composite
def conv_cases(draw):
    c_in = draw(st.integers(1, 2))
    filters = draw(st.integers(1, 3))
    kernel = draw(st.integers(1, 4))
    height = draw(st.integers(kernel + 1, kernel + 5))
    width = draw(st.integers(kernel + 1, kernel + 5))
    hidden, classes, n = draw(st.integers(1, 5)), draw(st.integers(2, 4)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    weights = deltarule.conv_init((c_in, height, width), filters, kernel, hidden, classes, rng)
    weights = (weights[0] * 50, weights[1] * 3, weights[2])  # every ReLU sometimes on
    X = rng.uniform(-1, 1, (n, c_in, height, width))
    labels = rng.integers(0, classes, n)
    return weights, X, labels


@settings(deadline=None)
@given(conv_cases())
def test_conv_rule_equals_autograd(case) -> None:
    weights, X, labels = case
    auto = lconv.conv_autograd_gradients(weights, X, labels)
    rule = deltarule.conv_gradients(weights, X, np.eye(weights[2].shape[0])[labels])
    for a, r in zip(auto, rule, strict=True):
        assert a.shape == r.shape
        assert np.max(np.abs(a - r)) <= RTOL * max(np.max(np.abs(r)), 1e-12)


@settings(deadline=None, max_examples=10)
@given(conv_cases())
def test_conv_rule_equals_pytorch(case) -> None:
    torch = pytest.importorskip("torch")
    weights, X, labels = case
    tw = [torch.tensor(W, requires_grad=True) for W in weights]
    y = torch.relu(torch.nn.functional.conv2d(torch.tensor(X), tw[0]))
    y = torch.nn.functional.avg_pool2d(y, 2).flatten(1)
    v = torch.relu(y @ tw[1].T) @ tw[2].T
    loss = torch.nn.functional.cross_entropy(v, torch.tensor(labels))
    loss.backward()
    Y = np.eye(weights[2].shape[0])[labels]
    assert np.isclose(loss.item(), deltarule.conv_loss(weights, X, Y), rtol=1e-12)
    rule = deltarule.conv_gradients(weights, X, Y)
    for t, r in zip(tw, rule, strict=True):
        assert np.max(np.abs(t.grad.numpy() - r)) <= RTOL * max(np.max(np.abs(r)), 1e-12)


def test_conv_rule_equals_finite_differences() -> None:
    rng = np.random.default_rng(1)
    weights = deltarule.conv_init((1, 7, 6), 2, 3, 4, 3, rng)
    weights = (weights[0] * 50, weights[1] * 3, weights[2])
    X, Y = rng.uniform(-1, 1, (2, 1, 7, 6)), np.eye(3)[[0, 2]]
    rule = deltarule.conv_gradients(weights, X, Y)
    h = 1e-6
    for i, W in enumerate(weights):
        for index in list(np.ndindex(W.shape))[:30]:
            shifted = []
            for sign in (1, -1):
                ws = [V.copy() for V in weights]
                ws[i][index] += sign * h
                shifted.append(deltarule.conv_loss(tuple(ws), X, Y))
            numeric = (shifted[0] - shifted[1]) / (2 * h)
            assert abs(numeric - rule[i][index]) <= 1e-6 * max(1.0, abs(numeric))


def test_unpooling_is_the_books_kron() -> None:
    e = np.arange(4.0).reshape(1, 1, 2, 2)
    spread = deltarule._unpool(e, (1, 1, 5, 4))  # an odd row: pooling dropped it
    expected = np.kron(e[0, 0], np.ones((2, 2))) / 4
    assert np.array_equal(spread[0, 0, :4], expected) and not spread[0, 0, 4].any()


def test_conv_training_gives_the_same_weights_either_way() -> None:
    rng = np.random.default_rng(2)
    X, y = rng.random((30, 1, 8, 8)), np.arange(30) % 10
    runs = [
        lconv.train_conv(X, y, X[:5], y[:5], filters=3, hidden=12, epochs=3, method=m, lr=0.05)
        for m in lecture.METHODS
    ]
    for a, d in zip(runs[0].weights, runs[1].weights, strict=True):
        assert np.max(np.abs(a - d)) <= 1e-10 * np.max(np.abs(d))
    start = deltarule.conv_init((1, 8, 8), 3, 3, 12, 10, rng=0)
    assert not np.allclose(start[0], runs[1].weights[0])  # they did train


def test_momentum_is_pytorchs_sgd() -> None:
    """m ← β m − α g, W ← W + m equals SGD(lr=α, momentum=β): buffer b = −m/α."""
    rng = np.random.default_rng(3)
    weights = deltarule.conv_init((1, 6, 6), 2, 3, 5, 3, rng)
    X, Y = rng.random((4, 1, 6, 6)), np.eye(3)[[0, 1, 2, 0]]
    by_hand = tuple(W.copy() for W in weights)
    velocity = tuple(np.zeros_like(W) for W in weights)
    deltarule.conv_train_epoch(by_hand, velocity, X, Y, 0.1, 0.9, 2)
    expected = [W.copy() for W in weights]
    buffers = [np.zeros_like(W) for W in weights]
    for rows in (slice(0, 2), slice(2, 4)):
        grads = deltarule.conv_gradients(tuple(expected), X[rows], Y[rows])
        for W, b, g in zip(expected, buffers, grads, strict=True):
            b *= 0.9
            b += g
            W -= 0.1 * b
    assert_close(by_hand, expected, 1e-12)


def test_bad_conv_shapes_are_refused() -> None:
    weights = deltarule.conv_init((1, 8, 8), 2, 3, 4, 3, rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 1, H, W\)"):
        deltarule.conv_gradients(weights, np.zeros((2, 8, 8)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="W5 must have shape"):
        deltarule.conv_forward(weights, np.zeros((2, 1, 10, 10)))
