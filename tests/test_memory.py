"""The graph is freed once its output goes out of scope, and training holds memory flat."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np

import tinygrad4h03 as tg


def lecture_model() -> tg.nn.Sequential:
    tg.manual_seed(0)
    return tg.nn.Sequential(
        tg.nn.Linear(25, 20),
        tg.nn.ReLU(),
        tg.nn.Linear(20, 20),
        tg.nn.ReLU(),
        tg.nn.Linear(20, 5),
    )


def test_graph_is_freed_without_the_cycle_collector() -> None:
    model = lecture_model()
    x = tg.randn(4, 25)
    gc.disable()  # only reference counting: a reference cycle would keep the graph alive
    try:
        hidden = model[1](model[0](x))
        loss = tg.nn.functional.cross_entropy(model[2:](hidden), tg.tensor([0, 1, 2, 3]))
        loss.backward()
        watchers = [weakref.ref(loss), weakref.ref(hidden)]
        del loss, hidden
        assert [w() for w in watchers] == [None, None]
    finally:
        gc.enable()
    assert all(p.grad is not None for p in model.parameters())  # the gradients stay


def test_a_tensor_keeps_no_reference_to_its_consumers() -> None:
    w = tg.randn(3, requires_grad=True)
    out = (w * 2).sum()
    watcher = weakref.ref(out)
    out.backward()
    del out
    assert watcher() is None
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


def test_training_holds_memory_flat() -> None:
    model = lecture_model()
    opt = tg.optim.SGD(model.parameters(), lr=0.01)
    X = tg.Tensor(np.random.default_rng(0).random((5, 25), dtype=np.float32))
    y = tg.arange(5)

    def train(steps: int) -> None:
        for _ in range(steps):
            loss = tg.nn.functional.cross_entropy(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

    tracemalloc.start()
    try:
        # warm up: optimiser scratch arrays, and caches below Python and NumPy that grow by a
        # few bytes a step for the first ~2,000 steps, then stop
        train(2500)
        before = tracemalloc.get_traced_memory()[0]
        train(2000)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 8 * 1024, f"memory grew by {after - before} bytes over 2000 steps"
