"""``tinygrad4h03.testing``: the strategies draw what they promise, and the assertion catches
wrong derivative rules (including ones a plain ``.sum()`` would miss) and passes right ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03.rules import Rule
from tinygrad4h03.tensor import apply
from tinygrad4h03.testing import (
    arrays,
    assert_gradients_match,
    away_from_zero,
    broadcastable_pairs,
    broadcastable_shapes,
    distinct_arrays,
    matmul_shapes,
    positive_arrays,
    shapes,
    tensors,
)

# --------------------------------------------------------------------------- strategies
# `find` without shrinking: that an example exists is all these tests ask.
_EXISTS = settings(phases=[Phase.generate], max_examples=500, database=None, derandomize=True)


def find(strategy: st.SearchStrategy, condition: object) -> object:
    return hypothesis_find(strategy, condition, settings=_EXISTS)  # type: ignore[arg-type]


@given(shapes(min_dims=1, max_dims=2, min_side=2, max_side=4))
def test_shapes_respect_their_bounds(shape: tuple[int, ...]) -> None:
    assert 1 <= len(shape) <= 2 and all(2 <= n <= 4 for n in shape)


@given(broadcastable_pairs())
def test_broadcastable_pairs_broadcast(pair: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    result = np.broadcast_shapes(*pair)
    assert len(result) <= 3 and all(1 <= n <= 3 for n in result)


@given(st.data())
def test_broadcastable_shapes_broadcast_to_the_given_shape(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    other = data.draw(broadcastable_shapes(shape))
    assert np.broadcast_shapes(shape, other) == shape


def test_pairs_include_zero_dim_size_one_and_missing_axes() -> None:
    find(broadcastable_pairs(), lambda p: () in p and p != ((), ()))
    find(broadcastable_pairs(), lambda p: len(p[0]) == 3 and 1 in p[0] and 1 not in p[1] and p[1])
    find(broadcastable_pairs(), lambda p: 0 < len(p[1]) < len(p[0]))


@given(matmul_shapes())
def test_matmul_shapes_multiply(pair: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    a, b = pair
    assert (np.zeros(a) @ np.zeros(b)).ndim >= 0
    assert len(a) >= 1 and len(b) >= 1


def test_matmul_shapes_include_vectors_and_batches() -> None:
    find(matmul_shapes(), lambda p: len(p[0]) == 1 and len(p[1]) == 1)
    find(matmul_shapes(), lambda p: len(p[0]) == 1 and len(p[1]) == 3)
    find(matmul_shapes(), lambda p: len(p[0]) == 3 and len(p[1]) == 2)
    find(matmul_shapes(), lambda p: len(p[0]) >= 3 and len(p[1]) >= 3 and p[0][:-2] != p[1][:-2])


@given(arrays((2, 3), low=-2, high=5))
def test_arrays_are_float64_finite_and_in_range(x: np.ndarray) -> None:
    assert x.dtype == np.float64 and x.shape == (2, 3)
    assert np.isfinite(x).all() and (x >= -2).all() and (x <= 5).all()


@given(arrays(shapes(), dtype=np.float32))
def test_arrays_take_a_shape_strategy_and_a_dtype(x: np.ndarray) -> None:
    assert x.dtype == np.float32 and x.ndim <= 3


@given(positive_arrays(shapes(), low=0.1))
def test_positive_arrays_are_in_the_domain_of_log(x: np.ndarray) -> None:
    assert (x >= 0.1).all() and np.isfinite(np.log(x)).all()


@given(away_from_zero(shapes(), margin=0.2))
def test_away_from_zero_keeps_its_margin(x: np.ndarray) -> None:
    assert (np.abs(x) >= 0.2).all() and (np.abs(x) <= 3).all()


def test_away_from_zero_has_both_signs() -> None:
    find(away_from_zero((3,)), lambda x: (x > 0).any() and (x < 0).any())


@given(distinct_arrays(shapes(min_dims=1), gap=0.25))
def test_distinct_arrays_have_no_ties(x: np.ndarray) -> None:
    values = np.sort(x.ravel())
    assert (np.diff(values) >= 0.25 - 1e-12).all()


@given(tensors((2,)), tensors(requires_grad=False))
def test_tensors_are_float64_tensors(t: tg.Tensor, u: tg.Tensor) -> None:
    assert isinstance(t, tg.Tensor) and t.requires_grad and t.shape == (2,)
    assert t.dtype == np.float64 and not u.requires_grad


# --------------------------------------------------------------------------- the assertion
# Fake operations whose derivative rules are wrong in ways that matter.

_SQUARE_MISSING_2 = Rule("square", np.square, (lambda xp, g, out, a: g * a,))
# out = reversed a: a right VJP reverses g too. With a plain .sum() (g all ones) reversing
# changes nothing, so only a random output weight exposes the wrong rule.
_REVERSE_UNREVERSED = Rule("reverse", lambda a: a[::-1].copy(), (lambda xp, g, out, a: g,))
_REVERSE = Rule("reverse", lambda a: a[::-1].copy(), (lambda xp, g, out, a: g[::-1],))


def _first_order_only(xp: object, g: object, out: object, a: object) -> object:
    # exp's rule g · out, but with `out` frozen when the backward pass is recorded: right
    # first derivatives, wrong second derivatives.
    return g * (out if isinstance(out, np.ndarray) else out.detach())  # type: ignore[operator,union-attr]


_EXP_FROZEN = Rule("exp", np.exp, (_first_order_only,))


def test_a_right_gradient_passes() -> None:
    x = tg.tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    assert_gradients_match(lambda t: (t * t.sigmoid()).sum(), x, second_order=True)
    assert_gradients_match(lambda t: apply(_REVERSE, t), x)


def test_a_wrong_gradient_is_caught_with_a_clear_message() -> None:
    def square(t: tg.Tensor) -> tg.Tensor:
        return apply(_SQUARE_MISSING_2, t)

    x = tg.tensor(np.array([0.5, -1.5]), requires_grad=True)
    with pytest.raises(AssertionError, match=r"square.*finite differences") as error:
        assert_gradients_match(square, x)
    assert "input 0, index" in str(error.value)


def test_a_wrong_transpose_is_caught_although_sum_would_miss_it() -> None:
    def reverse(t: tg.Tensor) -> tg.Tensor:
        return apply(_REVERSE_UNREVERSED, t)

    x = tg.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    reverse(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])  # looks right
    with pytest.raises(AssertionError, match="finite differences"):
        assert_gradients_match(reverse, x)


def test_a_wrong_second_derivative_is_caught_only_with_second_order() -> None:
    def exp(t: tg.Tensor) -> tg.Tensor:
        return apply(_EXP_FROZEN, t)

    x = tg.tensor(np.array([0.1, 0.7]), requires_grad=True)
    assert_gradients_match(exp, x)
    with pytest.raises(AssertionError, match="second derivatives"):
        assert_gradients_match(exp, x, second_order=True)


def test_numpy_inputs_become_float64_tensors_and_constants_stay() -> None:
    assert_gradients_match(lambda a, b, k: (a @ b) * k, np.ones((2, 3)), np.ones(3), 2.0)
    constant = tg.tensor(np.array([1.0, 2.0]))
    assert_gradients_match(lambda a, c: (a * c).sum(), np.array([3.0, 4.0]), constant)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_pytorch_oracle_when_asked() -> None:
    pytest.importorskip("torch")
    x = tg.tensor(np.array([[0.5, -1.0], [2.0, 0.1]]), requires_grad=True)
    assert_gradients_match(lambda t: (t @ t.T).log_softmax(dim=-1), x, torch_fn=True)
    with pytest.raises(AssertionError, match="PyTorch disagrees on the value"):
        assert_gradients_match(lambda t: t.exp(), x, torch_fn=lambda t: t.exp() * 2)

    def reverse(t: tg.Tensor) -> tg.Tensor:
        return apply(_REVERSE_UNREVERSED, t.reshape(-1))

    with pytest.raises(AssertionError, match="PyTorch disagrees on the gradient"):
        _compare_only_with_torch(reverse, lambda t: t.reshape(-1).flip(0), x)


def _compare_only_with_torch(fn: object, torch_fn: object, x: tg.Tensor) -> None:
    """The PyTorch oracle alone (finite differences would fail first on a wrong rule)."""
    from tinygrad4h03 import testing

    torch = pytest.importorskip("torch")
    testing._compare_with_torch(torch, fn, torch_fn, [x], "reverse", 1e-5, 1e-3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- in five lines


@settings(max_examples=10)
@given(tensors(shapes(min_dims=1)), tensors(shapes(min_dims=1)))
def test_a_users_property_test(x: tg.Tensor, y: tg.Tensor) -> None:
    """What docs/testing.md shows: a property test of one's own function."""

    def swish_distance(a: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        return ((a * a.sigmoid()).sum() - (b.tanh() ** 2).mean()) ** 2

    assert_gradients_match(swish_distance, x, y, second_order=True)
