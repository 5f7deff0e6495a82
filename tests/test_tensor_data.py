"""``.data`` as PyTorch's (a tensor sharing memory, outside the graph), item assignment and
``increment_version``."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad4h03 as tg


def test_data_is_a_tensor_that_shares_memory_and_is_outside_the_graph() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, tg.Tensor) and not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), w.numpy())
    h = (w * 2).data
    assert not h.requires_grad and h.tolist() == [2.0, 4.0]


def test_updates_through_data_change_the_tensor_and_record_nothing() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    array = w.numpy()
    w.data += -0.5 * w.grad  # grad mode is on: .data does not require grad
    assert w.numpy() is array and w.tolist() == [0.0, 0.0]
    w.data.mul_(3).add_(1)
    assert w.tolist() == [1.0, 1.0] and w.is_leaf and w.requires_grad


def test_data_methods_as_pytorch_programs_use_them() -> None:
    p = tg.tensor([[3.0, 4.0]], requires_grad=True)
    assert float((p.data**2).sum().sqrt()) == pytest.approx(5.0)
    p.data.fill_(2.0)
    assert p.tolist() == [[2.0, 2.0]]


def test_assigning_data_replaces_the_storage() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    new = tg.tensor([5.0, 6.0, 7.0])
    w.data = new
    assert w.shape == (3,) and np.shares_memory(w.numpy(), new.numpy()) and w.requires_grad
    w.data = np.array([1.0])
    assert w.tolist() == [1.0]
    with pytest.raises(TypeError, match="data"):
        w.data = [1.0, 2.0]  # type: ignore[assignment]


def test_setitem_writes_into_the_tensor() -> None:
    t = tg.zeros(2, 3)
    t[0] = 1.0
    t[1, 1:] = tg.tensor([2.0, 3.0])
    t[t > 1.5] += 10
    np.testing.assert_array_equal(t.numpy(), [[1, 1, 1], [0, 12, 13]])
    t[tg.tensor([0, 1]), tg.tensor([0, 0])] = -1.0
    assert t[:, 0].tolist() == [-1.0, -1.0]


def test_setitem_on_a_tensor_that_requires_grad_needs_no_grad() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w[0] = 5.0
    with tg.no_grad():
        w[0] = 5.0
    assert w.tolist() == [5.0, 2.0] and w.requires_grad
    h = w * 1
    with pytest.raises(RuntimeError, match="in-place"):
        h[0] = 1.0


def test_setitem_of_a_mismatched_shape_names_the_shapes() -> None:
    t = tg.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"__setitem__.*\(4,\).*\(2, 3\)"):
        t[0] = tg.zeros(4)


def test_increment_version_accepts_a_tensor_or_an_iterable() -> None:
    from tinygrad4h03.autograd import increment_version

    a, b = tg.zeros(2), tg.ones(2)
    increment_version(a)
    tg.autograd.graph.increment_version([a, b])
    assert a.tolist() == [0.0, 0.0] and b.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("join", [tg.cat, tg.stack])
def test_dim_and_axis_together_raise_whatever_their_values(join: object) -> None:
    for dim in (0, 1):
        with pytest.raises(TypeError, match="both dim= and axis="):
            join([tg.zeros(2, 2), tg.zeros(2, 2)], dim=dim, axis=1)  # type: ignore[operator]
    assert join([tg.zeros(2, 2), tg.zeros(2, 2)], axis=1).shape[1] in (2, 4)  # type: ignore[operator]


def test_pow_rules_have_distinct_names() -> None:
    x = tg.tensor([2.0], requires_grad=True)
    names = {repr((x**2).grad_fn), repr((2**x).grad_fn), repr((x**x).grad_fn)}
    assert names == {"<PowScalarBackward>", "<RpowScalarBackward>", "<PowBackward>"}
