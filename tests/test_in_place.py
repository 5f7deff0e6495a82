"""In-place updates, as PyTorch users write them: `w -= lr * w.grad` inside `no_grad`."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad4h03 as tg


def test_hand_written_sgd_updates_the_same_leaf() -> None:
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.standard_normal((16, 3)))
    y = x @ tg.Tensor([1.0, -2.0, 0.5])  # a target the model can fit
    w = tg.zeros(3, requires_grad=True)
    array = w.numpy()
    losses = []
    for _ in range(50):
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        with tg.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
        losses.append(loss.item())
    assert w.numpy() is array and w.requires_grad and w.is_leaf
    assert losses[-1] < 0.5 * losses[0]
    assert np.all(w.grad.numpy() == 0)


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (lambda t: t.__iadd__(2), [3.0, 4.0]),
        (lambda t: t.__isub__(tg.tensor([1.0, 1.0])), [0.0, 1.0]),
        (lambda t: t.__imul__(np.float64(3)), [3.0, 6.0]),
        (lambda t: t.__itruediv__(2), [0.5, 1.0]),
        (lambda t: t.add_(1).mul_(2).sub_(1).div_(3), [1.0, 5 / 3]),
        (lambda t: t.fill_(7), [7.0, 7.0]),
        (lambda t: t.copy_([5, 6]), [5.0, 6.0]),
        (lambda t: t.zero_(), [0.0, 0.0]),
    ],
)
def test_in_place_operations_keep_object_array_and_dtype(update, expected) -> None:
    t = tg.tensor([1.0, 2.0])
    array = t.numpy()
    assert update(t) is t
    assert t.numpy() is array and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6)


def test_in_place_on_a_tensor_that_requires_grad_needs_no_grad() -> None:
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\+=.*no_grad"):
        w += 1
    with tg.no_grad():
        w += 1
    assert w.tolist() == [2.0, 2.0]


def test_in_place_errors_name_the_operation() -> None:
    ints = tg.tensor([1, 2])
    with pytest.raises(TypeError, match=r"\+=.*int64"):
        ints += 1.5
    with pytest.raises(RuntimeError, match=r"-=.*\(2, 3\).*\(4,\)"):
        tg.zeros(2, 3).__isub__(tg.ones(4))
