"""The shared engine: graph order, the sweep, grad mode — for both node kinds."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tinygrad4h03 as tg
from tinygrad4h03 import engine


def test_topological_order_puts_parents_first_and_visits_a_diamond_once() -> None:
    a = tg.Value(1.0)
    b, c = a * 2.0, a * 3.0
    d = b * c
    order = engine.topological_order([d])
    assert len(order) == len({id(n) for n in order}) == 4
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node._parents:
            assert position[id(parent)] < position[id(node)]


def test_topological_order_skips_nodes_that_do_not_require_grad() -> None:
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    x = tg.Tensor([3.0, 4.0])
    out = (w * x).sum()
    ids = {id(node) for node in engine.topological_order([out])}
    assert ids == {id(w), id(out._parents[0]), id(out)}


def test_value_and_tensor_share_the_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = engine.backward

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(type(args[0][0]).__name__)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "backward", spy)
    tg.Value(2.0).exp().backward()
    tg.Tensor([2.0], requires_grad=True).exp().sum().backward()
    assert calls == ["Value", "Tensor"]


def test_deep_tensor_chain_has_no_recursion_limit() -> None:
    x = start = tg.Tensor(np.ones(2), requires_grad=True)
    for _ in range(100_000):
        x = x * 1.0
    x.sum().backward()
    assert start.grad.tolist() == [1.0, 1.0]


def test_no_grad_is_a_context_and_a_decorator() -> None:
    w = tg.Tensor([1.0], requires_grad=True)

    @tg.no_grad()
    def frozen() -> tg.Tensor:
        return w * 2

    assert not frozen().requires_grad
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        with tg.enable_grad():
            assert (w * 2).requires_grad
        assert not (w * 2).requires_grad
    assert tg.is_grad_enabled()


def test_grad_mode_is_thread_local() -> None:
    seen = {}

    def worker() -> None:
        seen["enabled"] = tg.is_grad_enabled()
        seen["records"] = (tg.Tensor([1.0], requires_grad=True) * 2).requires_grad

    with tg.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen == {"enabled": True, "records": True}


def test_grad_mode_restored_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), tg.no_grad():
        raise ZeroDivisionError
    assert tg.is_grad_enabled()


def test_backward_restores_grad_mode_after_a_failing_rule() -> None:
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    out = (w * 2).sum()
    with pytest.raises(RuntimeError):
        out.backward(gradient=tg.Tensor([1.0, 2.0]))  # wrong shape: (2,) for a scalar
    assert tg.is_grad_enabled()


def test_anomaly_mode_is_reported_and_restored() -> None:
    assert not tg.is_anomaly_enabled()
    with tg.detect_anomaly():
        assert tg.is_anomaly_enabled()
    assert not tg.is_anomaly_enabled()


def test_set_grad_enabled_is_a_call_a_context_and_a_decorator_as_in_pytorch() -> None:
    x = tg.tensor([1.0], requires_grad=True)
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad  # restored on exit
    tg.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad  # a plain call holds until switched again
        with tg.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)

    @tg.set_grad_enabled(False)
    def evaluate(t: tg.Tensor) -> tg.Tensor:
        return t * 2

    assert tg.is_grad_enabled()  # decorating does not switch the mode outside calls
    assert not evaluate(x).requires_grad
    assert tg.is_grad_enabled()


def test_detect_anomaly_is_also_a_decorator() -> None:
    @tg.detect_anomaly()
    def bad_log(t: tg.Tensor) -> tg.Tensor:
        assert tg.is_anomaly_enabled()
        return t.log()

    with pytest.raises(tg.AnomalyError, match="log"), np.errstate(invalid="ignore"):
        bad_log(tg.tensor([-1.0], requires_grad=True))
    assert not tg.is_anomaly_enabled()


def test_grad_needs_one_grad_output_per_output() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="2 outputs but 1 grad_outputs"):
        tg.grad([x * 2, x * 3], x, [tg.ones(2)])
    seed = np.array([1.0, 10.0], dtype=np.float32)  # one array for the one output
    (g,) = tg.grad(x * 3, x, seed)
    np.testing.assert_array_equal(g.numpy(), 3 * seed)
