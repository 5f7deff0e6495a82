"""The engine's tracer hook: ``engine.state.tracer`` sees every tensor operation (forward,
backward, in place), and nothing changes in the results while it watches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import tinygrad4h03 as tg
from tinygrad4h03 import engine, rules


@contextmanager
def watching() -> Iterator[list[tuple[str, tuple[Any, ...], Any]]]:
    seen: list[tuple[str, tuple[Any, ...], Any]] = []
    engine.state.tracer = lambda rule, operands, attrs, out: seen.append((rule.name, operands, out))
    try:
        yield seen
    finally:
        engine.state.tracer = None


def test_the_tracer_sees_forward_operations_with_their_operands_and_result() -> None:
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    with watching() as seen:
        y = (x * 3).relu().sum()
        flags = x > 0
    names = [name for name, _, _ in seen]
    assert names == ["mul", "relu", "sum", "gt"]
    assert seen[0][1] == (x, 3) and seen[2][2] is y and seen[3][2] is flags


def test_the_tracer_sees_in_place_updates_and_the_backward_pass() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with watching() as seen:
        loss = (w * w).sum()
        loss.backward()
        with tg.no_grad():
            w -= 0.5 * w.grad
    names = [name for name, _, _ in seen]
    assert names[:2] == ["mul", "sum"]
    assert "sub_" in names and names.index("sub_") > 2  # the update, after the backward ops
    backward = names[2 : names.index("sub_")]
    assert "expand" in backward and "mul" in backward  # sum's and mul's VJPs ran as operations
    assert w.tolist() == [0.0, 0.0]  # the same result as without a tracer


def test_gradients_are_the_same_with_and_without_a_tracer() -> None:
    data = np.array([[0.5, -1.0, 2.0]])
    grads = []
    for traced in (False, True):
        x = tg.tensor(data, requires_grad=True)
        if traced:
            with watching():
                (x.tanh() * x).log_softmax(-1).sum().backward()
        else:
            (x.tanh() * x).log_softmax(-1).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_no_tracer_means_none() -> None:
    assert engine.state.tracer is None
    assert rules.ADD_.vjps == ()  # in-place rules are never recorded
