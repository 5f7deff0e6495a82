"""W3 — per-operation overhead: 100 elementwise ops on a 4×4 float32 leaf that requires grad
(add, mul, relu in turn; the other operand of add and mul a constant 4×4 float32 tensor), then
sum and backward. Time per op: one forward+backward of the chain divided by 100."""

from __future__ import annotations

import numpy as np

from .case import Case, Step, ratio_at_most, timed
from .data import SEED

OPS = 100
GROUPS, REST = divmod(OPS, 3)  # 33 × (add, mul, relu), then one more add
assert REST == 1


def _inputs() -> tuple[np.ndarray, np.ndarray]:
    """The leaf and the constant; the constant stays near 1 so 33 products stay normal floats."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((4, 4), dtype=np.float32)
    return x, rng.uniform(0.9, 1.1, (4, 4)).astype(np.float32)


def numpy_floor() -> Step:
    """The same forward as bare NumPy calls, and the chain's backward written by hand."""
    x, c = _inputs()

    def step() -> np.ndarray:
        relu_outputs = []
        h = x
        for _ in range(GROUPS):
            h = np.maximum((h + c) * c, 0)
            relu_outputs.append(h)
        h = h + c
        h.sum()
        grad = np.ones_like(h)  # d sum / d h; add passes it through unchanged
        for out in reversed(relu_outputs):
            grad = grad * (out > 0) * c
        return grad

    return step


def tinygrad4h03() -> Step:
    import tinygrad4h03 as tg

    x_np, c_np = _inputs()
    x, c = tg.Tensor(x_np, requires_grad=True), tg.Tensor(c_np)

    def step() -> None:
        h = x
        for _ in range(GROUPS):
            h = ((h + c) * c).relu()
        (h + c).sum().backward()
        x.grad = None

    return step


def compiled() -> Step:
    """The same chain through ``tg.compile``; ``x.grad`` is reset outside, as in the eager step."""
    import tinygrad4h03 as tg

    x_np, c_np = _inputs()
    x, c = tg.Tensor(x_np, requires_grad=True), tg.Tensor(c_np)

    @tg.compile
    def chain() -> None:
        h = x
        for _ in range(GROUPS):
            h = ((h + c) * c).relu()
        (h + c).sum().backward()

    def step() -> None:
        chain()
        x.grad = None

    step()  # the trace: timing starts with the replays
    return step


def torch() -> Step:
    import torch

    torch.set_num_threads(1)
    x_np, c_np = _inputs()
    x, c = torch.tensor(x_np, requires_grad=True), torch.tensor(c_np)

    def step() -> None:
        h = x
        for _ in range(GROUPS):
            h = ((h + c) * c).relu()
        (h + c).sum().backward()
        x.grad = None

    return step


def autograd() -> Step:
    import autograd.numpy as anp
    from autograd import grad

    x, c = _inputs()

    def chain(h: np.ndarray) -> np.ndarray:
        for _ in range(GROUPS):
            h = anp.maximum((h + c) * c, 0)
        return anp.sum(h + c)

    chain_grad = grad(chain)
    return lambda: chain_grad(x)


def micrograd() -> Step:
    """Each 4×4 tensor as 16 scalar ``Value``s, each op as 16 scalar ops."""
    from micrograd.engine import Value

    x_np, c_np = _inputs()
    x, c = [Value(float(v)) for v in x_np.flat], c_np.ravel().tolist()

    def step() -> None:
        h = x
        for _ in range(GROUPS):
            h = [((hi + ci) * ci).relu() for hi, ci in zip(h, c, strict=True)]
        total = sum(hi + ci for hi, ci in zip(h, c, strict=True))
        for xi in x:
            xi.grad = 0
        total.backward()

    return step


CASES = [
    Case(
        name="W3",
        title="100 elementwise ops on 4×4 f32, sum, backward",
        unit="s",
        per="op",
        floor="numpy",
        implementations={
            "numpy": timed(numpy_floor, per_step=OPS),
            "tinygrad4h03": timed(tinygrad4h03, per_step=OPS),
            "compiled": timed(compiled, per_step=OPS),
            "torch": timed(torch, per_step=OPS),
            "autograd": timed(autograd, per_step=OPS),
            "micrograd": timed(micrograd, per_step=OPS),
        },
        goals=(
            ratio_at_most("tinygrad4h03", "numpy", 2.5, "≤ 2.5× floor per op"),
            ratio_at_most("compiled", "numpy", 1.0, "≤ 1.0× floor per op (tg.compile)"),
        ),
    )
]
