"""W4 — the scalar engine: micrograd's ``MLP(2, [16, 16, 1])`` per sample (forward, squared
error, zero grads, backward), ``tg.Value`` against micrograd 0.1.0 and plain Python floats;
and the deepest chain ``x = x * 1.0001 + 0.0`` whose backward still works."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable

from .case import (
    Case,
    Goal,
    Measurement,
    Results,
    Settings,
    Step,
    ratio_at_most,
    speedup_at_least,
    timed,
)
from .data import SEED

SIZES = [2, 16, 16, 1]
SAMPLES = 50


def _samples() -> list[tuple[list[float], float]]:
    """Points in the square and a ±1 target (the sign of x·y)."""
    rng = random.Random(SEED)
    points = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(SAMPLES)]
    return [(p, 1.0 if p[0] * p[1] > 0 else -1.0) for p in points]


class Neuron:
    """micrograd's neuron over any scalar ``Value`` class: weights and bias as ``Value``s."""

    def __init__(self, value: type, n_in: int, nonlinear: bool, rng: random.Random) -> None:
        self.w = [value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x: list) -> object:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlinear else act

    def parameters(self) -> list:
        return [*self.w, self.b]


class DotNeuron(Neuron):
    """The same neuron with ``v = Σ w_i x_i + b`` as one fused node (``tg.Value.dot``)."""

    def __call__(self, x: list) -> object:
        act = type(self.b).dot(self.w, x, self.b)
        return act.relu() if self.nonlinear else act


class MLP:
    """micrograd's ``MLP``: ReLU on every layer but the last, which is linear."""

    def __init__(self, value: type, sizes: list[int], neuron: type = Neuron) -> None:
        rng = random.Random(SEED)
        last = len(sizes) - 2
        self.layers = [
            [neuron(value, n_in, i != last, rng) for _ in range(n_out)]
            for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes))
        ]

    def __call__(self, x: list) -> object:
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x[0]

    def parameters(self) -> list:
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


def _value_step(model: object) -> Step:
    cycle = itertools.cycle(_samples())

    def step() -> None:
        x, target = next(cycle)
        loss = (model(x) - target) ** 2
        model.zero_grad()
        loss.backward()

    return step


def tinygrad4h03() -> Step:
    import tinygrad4h03 as tg

    return _value_step(MLP(tg.Value, SIZES))


def tinygrad4h03_dot() -> Step:
    """The same MLP and weights, each neuron one ``Value.dot`` node instead of 2n nodes."""
    import tinygrad4h03 as tg

    return _value_step(MLP(tg.Value, SIZES, DotNeuron))


def tinygrad4h03_compiled() -> Step:
    """The same MLP and step through ``tg.compile``: the sample comes in as arguments."""
    import tinygrad4h03 as tg

    model = MLP(tg.Value, SIZES)

    @tg.compile
    def train(x0: float, x1: float, target: float) -> object:
        loss = (model([x0, x1]) - target) ** 2
        model.zero_grad()
        loss.backward()
        return loss

    cycle = itertools.cycle(_samples())

    def step() -> object:
        (x0, x1), target = next(cycle)
        return train(x0, x1, target)

    step()  # the trace: timing starts with the replays
    return step


def micrograd() -> Step:
    from micrograd.nn import MLP as MicrogradMLP

    return _value_step(MicrogradMLP(SIZES[0], SIZES[1:]))


def python_floor() -> Step:
    """Plain Python floats: the same forward, and its backward written by hand."""
    rng = random.Random(SEED)
    weights = [
        [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
        for n_in, n_out in itertools.pairwise(SIZES)
    ]
    biases = [[0.0] * n_out for n_out in SIZES[1:]]
    cycle = itertools.cycle(_samples())

    def step() -> tuple[float, tuple[list, list]]:
        x, target = next(cycle)
        outputs = _float_forward(weights, biases, x)
        y = outputs[-1][0]
        loss = (y - target) ** 2
        return loss, _float_backward(weights, outputs, [2.0 * (y - target)])

    return step


def _float_forward(weights: list, biases: list, x: list[float]) -> list[list[float]]:
    """Every layer's output (the input first): ``relu(W a + b)``, the last layer linear."""
    outputs = [x]
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        a = outputs[-1]
        v = [
            bj + sum(wji * ai for wji, ai in zip(wj, a, strict=True))
            for wj, bj in zip(w, b, strict=True)
        ]
        outputs.append(v if layer == len(weights) - 1 else [max(vj, 0.0) for vj in v])
    return outputs


def _float_backward(weights: list, outputs: list, grad: list[float]) -> tuple[list, list]:
    """Fresh (zeroed) gradients of every weight and bias, layer by layer from the output."""
    grad_w, grad_b = [], []
    for layer in reversed(range(len(weights))):
        if layer != len(weights) - 1:  # ReLU': pass the gradient where the output is positive
            grad = [g if y > 0 else 0.0 for g, y in zip(grad, outputs[layer + 1], strict=True)]
        a = outputs[layer]
        grad_w.append([[g * ai for ai in a] for g in grad])
        grad_b.append(grad)
        w = weights[layer]
        grad = [sum(g * w[j][i] for j, g in enumerate(grad)) for i in range(len(a))]
    return grad_w[::-1], grad_b[::-1]


def chain_depth(value: Callable[[float], object], settings: Settings) -> Measurement:
    """Build ``x = x * 1.0001 + 0.0`` ``settings.size`` times, backward, check d x / d x0."""
    depth = settings.size or 1000
    start = time.perf_counter()
    x0 = x = value(1.0)
    for _ in range(depth):
        x = x * 1.0001 + 0.0
    x.backward()
    seconds = time.perf_counter() - start
    if not math.isclose(x0.grad, 1.0001**depth, rel_tol=1e-6):
        raise ArithmeticError(f"d x / d x0 = {x0.grad}, expected {1.0001**depth}")
    return Measurement(value=depth, extra={"seconds": seconds})


def tinygrad4h03_depth(settings: Settings) -> Measurement:
    import tinygrad4h03 as tg

    return chain_depth(tg.Value, settings)


def micrograd_depth(settings: Settings) -> Measurement:
    from micrograd.engine import Value

    return chain_depth(Value, settings)


GOAL_DEPTH = 10**6


def _depth_reached(results: Results) -> float | None:
    """tinygrad4h03's deepest working chain; ``None`` when the probe stopped short of the goal
    without a failure (``--quick`` probes only to 10^5)."""
    found = results.get("tinygrad4h03")
    if found is None or ("failed_at" not in found.extra and found.value < GOAL_DEPTH):
        return None
    return found.value


def _powers_of_ten(depth: float) -> str:
    return f"10^{math.log10(depth):.0f}" if depth > 0 else "none"


CASES = [
    Case(
        name="W4",
        title="scalar MLP(2, [16, 16, 1]) per sample: forward, loss, zero grads, backward",
        unit="s",
        per="sample",
        floor="python",
        implementations={
            "python": timed(python_floor),
            "tinygrad4h03": timed(tinygrad4h03),
            "tinygrad4h03-dot": timed(tinygrad4h03_dot),
            "compiled": timed(tinygrad4h03_compiled),
            "micrograd": timed(micrograd),
        },
        goals=(
            speedup_at_least("tinygrad4h03", "micrograd", 5.0, "≥ 5× faster than micrograd"),
            speedup_at_least(
                "tinygrad4h03-dot", "micrograd", 5.0, "≥ 5× faster than micrograd (Value.dot)"
            ),
            ratio_at_most("compiled", "python", 1.0, "≤ 1.0× Python floats (tg.compile)"),
        ),
    ),
    Case(
        name="W4-depth",
        title="deepest chain x = x * 1.0001 + 0.0 whose backward works",
        unit="depth",
        per="chain",
        floor="",
        implementations={
            "tinygrad4h03": tinygrad4h03_depth,
            "micrograd": micrograd_depth,
        },
        goals=(
            Goal(
                "tinygrad4h03",
                "depth 10^6",
                _depth_reached,
                GOAL_DEPTH,
                at_least=True,
                shown=_powers_of_ten,
            ),
        ),
        sizes=(10**3, 10**4, 10**5, 10**6),
        quick_sizes=(10**3, 10**4, 10**5),
    ),
]
