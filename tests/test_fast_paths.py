"""The unrolled fast paths (``_apply_pair``, ``_apply_one`` and the plain-array backward of one
or two operands) give exactly what the general ``apply`` and ``_parent_grads`` give: values,
dtype, graph and gradients."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import rules
from tinygrad4h03.tensor import Tensor, _apply_one, _apply_pair, apply
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
