"""``max(dim)``/``min(dim)`` return ``(values, indices)`` as PyTorch; ``amax``/``amin`` values."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad4h03 as tg


def test_max_dim_is_a_named_tuple_that_unpacks() -> None:
    out = tg.tensor([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]])
    _, predicted = out.max(1)
    assert predicted.tolist() == [1, 0] and predicted.dtype == np.int64
    result = out.max(dim=1)
    assert isinstance(result, tuple) and isinstance(result, tg.return_types.max)
    assert result.values.tolist() == pytest.approx([0.7, 0.9]) and result[1] is result.indices
    low = out.min(1, keepdim=True)
    assert isinstance(low, tg.return_types.min) and low.values.shape == (2, 1)
    assert low.indices.tolist() == [[0], [1]]


def test_whole_tensor_max_stays_a_tensor_and_ties_share_the_gradient() -> None:
    x = tg.tensor([3.0, 1.0, 3.0], requires_grad=True)
    m = x.max()
    assert isinstance(m, tg.Tensor) and m.item() == 3.0
    m.backward()
    assert x.grad.tolist() == [0.5, 0.0, 0.5]


def test_max_dim_gradient_goes_to_the_first_maximum_only() -> None:
    x = tg.tensor([[2.0, 5.0, 5.0], [1.0, 1.0, 0.0]], requires_grad=True)
    values, indices = x.max(1)
    assert indices.tolist() == [1, 0]
    (values * tg.tensor([1.0, 2.0])).sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]


def test_amax_and_amin_split_ties_evenly() -> None:
    x = tg.tensor([[2.0, 5.0, 5.0], [1.0, 1.0, 4.0]], requires_grad=True)
    (x.amax(1).sum() + x.amin(1).sum()).backward()
    assert x.grad.tolist() == [[1.0, 0.5, 0.5], [0.5, 0.5, 1.0]]
    assert tg.amax(x, dim=(0, 1)).item() == 5.0 and tg.amin(x, 0).tolist() == [1.0, 1.0, 4.0]


def test_module_level_max_and_min_as_torch() -> None:
    x = tg.tensor([[1.0, 9.0], [8.0, 2.0]])
    assert tg.max(x).item() == 9.0 and tg.min(x).item() == 1.0
    assert tg.max(x, 1).indices.tolist() == [1, 0] and tg.min(x, 0).values.tolist() == [1.0, 2.0]


def test_max_dim_matches_pytorch_values_indices_and_gradient() -> None:
    torch = pytest.importorskip("torch")
    data = np.array([[[1.0, 3.0], [3.0, 0.0]], [[2.0, 2.0], [-1.0, 4.0]]])
    for method in ("max", "min"):
        for dim in (0, 1, -1):
            ours = tg.tensor(data, requires_grad=True)
            theirs = torch.tensor(data, requires_grad=True)
            a, b = getattr(ours, method)(dim), getattr(theirs, method)(dim)
            np.testing.assert_array_equal(a.values.numpy(), b.values.detach().numpy())
            np.testing.assert_array_equal(a.indices.numpy(), b.indices.numpy())
            a.values.sum().backward()
            b.values.sum().backward()
            np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_empty_reductions_raise_as_pytorch() -> None:
    with pytest.raises(IndexError, match=r"max: .*dim 0"):
        tg.zeros(0, 3).max(0)
    with pytest.raises(RuntimeError, match=r"min: .*empty tensor"):
        tg.zeros(0).min()
    values, indices = tg.zeros(0, 3).max(1)
    assert values.shape == (0,) and indices.shape == (0,)
    with pytest.raises(TypeError, match="max: dim must be an int"):
        tg.ones(2, 2).max((0, 1))


def test_max_of_a_zero_dim_tensor_along_dim_0() -> None:
    values, indices = tg.tensor(4.0).max(0)
    assert values.item() == 4.0 and indices.item() == 0 and indices.shape == ()
