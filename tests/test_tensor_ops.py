"""Every differentiable operation of API.md §2, against finite differences.

The property test draws random shapes (broadcasting with size-1 and 0-d operands, negative
dims, keepdim both ways) from the catalogue in ``op_catalogue.py`` and checks the gradient
against central differences and the second derivative against central differences of the
first (``tg.gradcheck``, ``tg.gradgradcheck``, both contracting the outputs with a random
weight). The hand-computed tests below pin down the cases a property test cannot see:
ties in ``max``, repeated indices, known answers, diamonds and constants.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_catalogue import OPS

import tinygrad4h03 as tg
from tinygrad4h03.testing import assert_gradients_match

# A gradgradcheck costs two first-gradient passes per input element: fewer, small examples.
SECOND_ORDER = settings(max_examples=20)


@pytest.mark.parametrize("name", sorted(OPS))
@SECOND_ORDER
@given(data=st.data())
def test_derivatives_match_finite_differences(name: str, data: st.DataObject) -> None:
    example = data.draw(OPS[name], label=name)
    assert_gradients_match(example.on(tg), *example.tensors(), second_order=True)
    _check_float32_gradients(example.on(tg), example.arrays)


def _check_float32_gradients(fn: Callable[..., tg.Tensor], arrays: tuple[np.ndarray, ...]) -> None:
    """A float32 graph stays float32; each gradient has its input's shape and dtype."""
    inputs = [tg.tensor(x.astype(np.float32), requires_grad=True) for x in arrays]
    out = fn(*inputs)
    assert out.dtype == np.float32
    (out * tg.ones(*out.shape)).sum().backward()
    for x in inputs:
        assert x.grad is not None
        assert (x.grad.shape, x.grad.dtype) == (x.shape, np.float32)


# --------------------------------------------------------------------------- known answers


def test_max_ties_split_the_gradient_evenly() -> None:
    x = tg.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [0, 0, 0]])
    x.grad = None
    x.amax(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


def test_max_of_tied_values_second_derivative_is_finite() -> None:
    x = tg.tensor([2.0, 2.0, 1.0], requires_grad=True, dtype=tg.float64)
    (g,) = tg.grad(x.max() ** 2, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0, 0.0])
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [1.0, 1.0, 0.0])


def test_repeated_integer_indices_accumulate_like_np_add_at() -> None:
    x = tg.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    index = np.array([0, 2, 0, 0])
    weights = np.arange(8.0).reshape(4, 2)
    (x[index] * tg.tensor(weights)).sum().backward()
    expected = np.zeros((3, 2))
    np.add.at(expected, index, weights)
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_pairs_of_index_arrays_and_tensor_indices() -> None:
    x = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x[tg.tensor([1, 1, 0]), [2, 2, 0]]
    np.testing.assert_allclose(y.numpy(), [5.0, 5.0, 0.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1, 0, 0], [0, 0, 2]])


@pytest.mark.parametrize(
    ("index", "expected_shape"),
    [
        (np.array([True, False, True]), (2, 2)),  # a mask of dim 1 after a slice
        (np.array([[True, False, True], [False, True, True]]), (4,)),  # a mask of the shape
    ],
)
def test_boolean_masks_select_and_route_the_gradient(
    index: np.ndarray, expected_shape: tuple
) -> None:
    data = np.arange(6.0).reshape(2, 3)
    x = tg.tensor(data, requires_grad=True)
    full = (slice(None), index) if index.ndim == 1 else index
    y = x[full]
    assert y.shape == expected_shape
    np.testing.assert_allclose(y.numpy(), data[full])
    y.sum().backward()
    expected = np.zeros_like(data)
    expected[full] = 1.0
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_known_derivatives_by_hand() -> None:
    x = tg.tensor([0.5, 2.0], requires_grad=True, dtype=tg.float64)
    y = (x * x * x + x.exp() + x.log() + x.sqrt() + x.tanh() + x.sigmoid()).sum()
    y.backward()
    v = x.numpy()
    s = 1 / (1 + np.exp(-v))
    expected = 3 * v**2 + np.exp(v) + 1 / v + 0.5 / np.sqrt(v) + 1 - np.tanh(v) ** 2 + s * (1 - s)
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_broadcast_operand_gradient_is_summed_back() -> None:
    a = tg.tensor(np.ones((2, 3)), requires_grad=True)
    b = tg.tensor(np.array([[1.0], [2.0]]), requires_grad=True)  # (2, 1) stretched to (2, 3)
    c = tg.tensor(np.array(3.0), requires_grad=True)  # 0-d
    (a * b * c).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[3, 3, 3], [6, 6, 6]])
    np.testing.assert_allclose(b.grad.numpy(), [[9.0], [9.0]])
    np.testing.assert_allclose(c.grad.numpy(), 9.0)


def test_a_node_used_twice_gets_both_contributions() -> None:
    x = tg.tensor(3.0, requires_grad=True)
    y = x * 2
    z = y * y + y  # the diamond: y reaches z by two paths
    z.backward()
    assert x.grad.item() == pytest.approx(2 * (2 * 6 + 1))


def test_constants_and_identity() -> None:
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    c = tg.tensor([5.0, 7.0])  # a constant: no grad, never in the sweep
    (x * c + 0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0])
    assert c.grad is None
    x.grad = None
    x.reshape(2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_exponent_gradient_at_zero_base_follows_pytorch() -> None:
    a = tg.tensor([0.0, 2.0], requires_grad=True)
    b = tg.tensor([2.0, 3.0], requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [0.0, 8 * np.log(2)], rtol=1e-6)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (0.0**x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.0])


def test_relu_and_abs_derivative_at_zero_is_zero() -> None:
    x = tg.tensor([0.0], requires_grad=True)
    (x.relu() + x.abs()).sum().backward()
    assert x.grad.item() == 0.0


def test_zero_dim_tensors_accept_dim_0_and_minus_1() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    y = x.sum(0) + x.amax(-1) + x.mean(dim=(0,), keepdim=True).sum() + x.transpose(0, -1)
    y.backward()
    assert y.shape == ()
    assert x.grad.item() == 4.0
