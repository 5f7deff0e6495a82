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
