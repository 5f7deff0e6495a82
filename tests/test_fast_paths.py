"""The unrolled fast paths (``_apply_pair``, ``_apply_one`` and the plain-array backward of one
or two operands) give exactly what the general ``apply`` and ``_parent_grads`` give: values,
dtype, graph and gradients."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import engine, rules
from tinygrad4h03.nn import functional as F
from tinygrad4h03.nn.functional import _index_range
from tinygrad4h03.tensor import Tensor, _apply_one, _apply_pair, _is_basic_index, apply
from tinygrad4h03.testing import arrays, broadcastable_pairs, shapes

PAIRS = [rules.ADD, rules.SUB, rules.MUL, rules.DIV]
ONES = [rules.NEG, rules.EXP, rules.TANH, rules.SIGMOID, rules.RELU, rules.ABS]
DTYPES = [np.float32, np.float64, np.int64]


def _same(fast: Tensor, general: Tensor) -> None:
    np.testing.assert_array_equal(fast.numpy(), general.numpy())
    assert fast.dtype == general.dtype and fast.requires_grad == general.requires_grad
    assert fast.grad_fn is general.grad_fn and len(fast._parents) == len(general._parents)


@given(st.sampled_from(PAIRS), broadcastable_pairs(), st.sampled_from(DTYPES), st.data())
def test_apply_pair_equals_apply(
    rule: rules.Rule, shapes: tuple, dtype: type, data: st.DataObject
) -> None:
    a_shape, b_shape = shapes
    a = data.draw(arrays(a_shape)).astype(dtype)
    b = data.draw(arrays(b_shape)).astype(dtype) + (2 if rule is rules.DIV else 0)
    grad = dtype is not np.int64
    operand = data.draw(st.sampled_from(["tensor", "number"]))
    left = tg.tensor(a, requires_grad=grad)
    right = tg.tensor(b) if operand == "tensor" else 1.5
    with np.errstate(all="ignore"):
        _same(_apply_pair(rule, left, right), apply(rule, left, right))
        _same(_apply_pair(rule, right, left), apply(rule, right, left))


@given(st.sampled_from(ONES), arrays(shapes()), st.sampled_from([np.float32, np.float64]))
def test_apply_one_equals_apply(rule: rules.Rule, a: np.ndarray, dtype: type) -> None:
    x = tg.tensor(a.astype(dtype), requires_grad=True)
    _same(_apply_one(rule, x), apply(rule, x))


@given(st.sampled_from(PAIRS + ONES), broadcastable_pairs(), st.data())
def test_the_unrolled_backward_equals_the_general_one(
    rule: rules.Rule, shapes: tuple, data: st.DataObject
) -> None:
    a_shape, b_shape = shapes
    a = tg.tensor(data.draw(arrays(a_shape)), requires_grad=True)
    b = tg.tensor(data.draw(arrays(b_shape)) + 3.0, requires_grad=data.draw(st.booleans()))
    out = apply(rule, a, b) if rule in PAIRS else apply(rule, a)
    g = np.ones(out.shape)
    fast = out._backward(g, False)
    general = out._parent_grads(g, False)
    assert len(fast) == len(general)
    for f, r in zip(fast, general, strict=True):
        if r is None:
            assert f is None
        else:
            np.testing.assert_array_equal(f, r)


# ----------------------------------------------------------- the W1 shortcuts (speed, same answer)

INDEX_ITEMS = st.one_of(
    st.integers(-3, 3),
    st.just(np.int64(1)),
    st.just(True),
    st.none(),
    st.just(Ellipsis),
    st.builds(slice, st.none() | st.integers(-2, 2), st.none() | st.integers(-2, 2)),
    st.lists(st.integers(0, 2), min_size=1, max_size=3),
    st.just(np.array([0, 1])),
)


@given(INDEX_ITEMS)
def test_one_index_item_is_basic_exactly_when_it_is_in_a_tuple(item: object) -> None:
    assert _is_basic_index(item) == _is_basic_index((item,))


@given(arrays(shapes(max_dims=2), low=-5, high=5).map(lambda a: a.astype(np.int64)))
def test_index_range_is_min_and_max(targets: np.ndarray) -> None:
    assert _index_range(targets) == (targets.min(), targets.max())


@given(st.lists(st.sampled_from(["tensor", "leaf", "number"]), min_size=1, max_size=2))
def test_a_node_s_parents_are_its_tensor_operands_in_order(kinds: list[str]) -> None:
    operands = [
        tg.tensor([1.0, 2.0], requires_grad=True)
        if kind == "tensor"
        else (tg.tensor([3.0, 4.0]) if kind == "leaf" else 2.0)
        for kind in kinds
    ]
    if "tensor" not in kinds:
        operands[0] = tg.tensor([1.0, 2.0], requires_grad=True)
    out = apply(rules.ADD, *operands) if len(operands) > 1 else apply(rules.NEG, operands[0])
    expected = [x for x in operands if isinstance(x, Tensor)]
    assert len(out._parents) == len(expected)
    assert all(p is e for p, e in zip(out._parents, expected, strict=True))


def test_a_linear_node_keeps_an_input_that_takes_no_gradient_as_a_parent() -> None:
    x, layer = tg.ones(1, 3), tg.nn.Linear(3, 2)
    out = layer(x)
    assert [id(p) for p in out._parents] == [id(x), id(layer.weight), id(layer.bias)]


def test_linear_names_in_features_only_for_that_mistake() -> None:
    weight, bias = tg.ones(3, 4), tg.ones(3)
    with pytest.raises(tg.ShapeError, match=r"in_features = 4"):
        F.linear(tg.ones(2, 5), weight, bias)
    with pytest.raises(tg.ShapeError, match=r"in_features = 4"):
        F.linear(tg.tensor(1.0), weight)
    with pytest.raises(tg.ShapeError, match=r"in_features = 4"):
        F.linear(tg.ones(2, 5), tg.ones(4))  # a vector of weights
    with pytest.raises(tg.ShapeError, match=r"linear: cannot apply.*\(2,\)") as caught:
        F.linear(tg.ones(2, 4), weight, tg.ones(2))  # the bias is wrong, not in_features
    assert "in_features" not in str(caught.value)


def test_watching_holds_the_threads_whose_checks_are_on() -> None:
    me = threading.get_ident()
    assert me not in engine.watching
    with tg.detect_anomaly():
        assert me in engine.watching
    assert me not in engine.watching
    engine.state.tracer = lambda *args: None
    try:
        assert me in engine.watching
    finally:
        engine.state.tracer = None
    assert me not in engine.watching


def test_another_thread_s_anomaly_check_runs_while_this_one_is_unwatched() -> None:
    raised: list[BaseException] = []

    def worker() -> None:
        x = tg.tensor([-1.0], requires_grad=True)
        with tg.detect_anomaly(), np.errstate(invalid="ignore"):
            try:
                x.log()
            except tg.AnomalyError as error:
                raised.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert threading.get_ident() not in engine.watching
    assert len(raised) == 1 and "log" in str(raised[0])
    with np.errstate(invalid="ignore"):
        assert np.isnan(tg.tensor([-1.0]).log().numpy()).all()  # unchecked here: no error


@given(st.integers(0, 3), st.sampled_from([np.float16, np.float32, np.float64]))
def test_the_implicit_seed_is_ones_like_the_output(ndim: int, dtype: type) -> None:
    x = tg.tensor(np.full((1,) * ndim, 2.0, dtype=dtype), requires_grad=True)
    x.backward()
    expected = np.ones_like(x.numpy())
    assert x.grad is not None and x.grad.dtype == expected.dtype
    assert x.grad.shape == expected.shape and x.grad.numpy().flags.writeable
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    x.backward()  # the stored seed is added into in place, not shared
    np.testing.assert_array_equal(x.grad.numpy(), 2 * expected)
