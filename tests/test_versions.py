"""Version counters, frozen caller arrays, ``requires_grad``/``grad`` as checked properties and
thread-safe accumulation (issue 11 items 1-4): PyTorch's answer or a clear error, never a
silently wrong gradient."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tinygrad4h03 as tg

STALE = "modified by an inplace operation"


def test_changing_a_saved_input_in_place_makes_backward_raise_naming_the_op() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = tg.tensor([3.0, 4.0])
    y = (x * c).sum()
    c.add_(1)
    with pytest.raises(RuntimeError, match=rf"{STALE}.*shape \(2,\).*'mul'.*version 1"):
        y.backward()


@pytest.mark.parametrize("how", ["no_grad", "data", "detach", "view", "setitem", "increment"])
def test_every_route_to_the_memory_bumps_the_shared_version(how: str) -> None:
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    if how == "no_grad":
        with tg.no_grad():
            w.mul_(2)
    elif how == "data":
        w.data += 1
    elif how == "detach":
        w.detach().zero_()
    elif how == "view":
        w.detach().reshape(3, 1)[0] = 5.0
    elif how == "setitem":
        with tg.no_grad():
            w[0] = 7.0
    else:
        tg.autograd.graph.increment_version(w)
    assert w._version == 1
    with pytest.raises(RuntimeError, match=STALE):
        y.backward()


def test_the_everyday_backward_step_backward_raises() -> None:
    model = tg.nn.Linear(3, 2)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    loss = model(tg.ones(4, 3)).sum()
    loss.backward()
    opt.step()
    with pytest.raises(RuntimeError, match=STALE):
        loss.backward()


def test_a_changed_output_that_the_rule_reads_is_caught_too() -> None:
    x = tg.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    with tg.no_grad():
        y.mul_(2)  # exp's VJP reads its output
    with pytest.raises(RuntimeError, match="its output"):
        y.sum().backward()


def test_rules_that_read_no_values_ignore_in_place_changes_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.tensor([3.0, 4.0])
        y = (x + c).sum()
        c.add_(1)
        y.backward()  # add saves nothing: fine in both
        assert x.grad.tolist() == [1.0, 1.0]


def test_the_message_matches_pytorchs_key_phrase() -> None:
    torch = pytest.importorskip("torch")
    messages = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.tensor([3.0, 4.0])
        y = (x * c).sum()
        c.add_(1)
        with pytest.raises(RuntimeError) as error:
            y.backward()
        messages.append(str(error.value))
    assert all(STALE in m and "version 1" in m for m in messages)


def test_caller_arrays_are_copied_when_recorded() -> None:
    x = tg.tensor([1.0, -1.0, 2.0], requires_grad=True)
    condition = np.array([True, False, True])
    index = np.array([0, 0, 2])
    y = tg.where(condition, x, 0.0).sum() + x[index].sum()
    condition[:] = False
    index[:] = 1
    y.backward()
    assert x.grad.tolist() == [3.0, 0.0, 2.0]


def test_cross_entropy_targets_are_copied() -> None:
    logits = tg.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]], requires_grad=True)
    target = np.array([0, 2])
    loss = tg.nn.functional.cross_entropy(logits, target)
    expected = tg.grad(tg.nn.functional.cross_entropy(logits, target.copy()), logits)[0]
    target[:] = 1
    loss.backward()
    np.testing.assert_allclose(logits.grad.numpy(), expected.numpy())


def test_requires_grad_follows_pytorchs_rules_at_assignment() -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 2]).requires_grad = True
    h = tg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        h.requires_grad = False
    with pytest.raises(RuntimeError, match="leaf"):
        h.requires_grad = True  # the setter changes leaves only, as PyTorch's
    assert h.requires_grad_() is h  # the method is a no-op: it already requires grad
    leaf = tg.tensor([1.0])
    leaf.requires_grad = True
    assert leaf.requires_grad and leaf.is_leaf
    with pytest.raises(TypeError, match="bool"):
        leaf.requires_grad = "yes"  # type: ignore[assignment]


def test_grad_accepts_only_none_or_a_tensor_of_the_same_shape_and_dtype() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="Tensor or None"):
        w.grad = 1.0  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="different size"):
        w.grad = tg.zeros(3)
    with pytest.raises(RuntimeError, match="different type"):
        w.grad = tg.zeros(2, dtype=tg.float64)
    w.grad = tg.ones(2)
    assert w.grad.tolist() == [1.0, 1.0]
    w.grad = None
    assert w.grad is None


def test_threads_backpropagating_into_one_parameter_lose_nothing() -> None:
    w = tg.tensor(np.ones(64), requires_grad=True)
    threads, steps = 8, 200

    def work() -> None:
        for _ in range(steps):
            (w * 1.0).sum().backward()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    np.testing.assert_array_equal(w.grad.numpy(), np.full(64, threads * steps))
