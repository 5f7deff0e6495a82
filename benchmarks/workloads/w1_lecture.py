"""W1 — the lecture's network: 25-20-20-20-5, ReLU, softmax + cross-entropy, float64, biases,
one sample per SGD step (lr 0.01). Time per step: forward, loss, zero grads, backward, update.
"""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np

from . import mlp
from .case import Case, Measurement, Settings, Step, ratio_at_most, timed
from .data import lecture_samples, linear_init

SIZES = [25, 20, 20, 20, 5]


def _one_sample_batches() -> list[tuple[np.ndarray, np.ndarray]]:
    """The five samples, each as a batch of one (``(1, 25)`` and ``(1,)``)."""
    x, classes = lecture_samples()
    return [(x[i : i + 1], classes[i : i + 1]) for i in range(len(x))]


def numpy_floor() -> Step:
    """The floor for one sample: vectors and outer products, as the lecture writes it."""
    weights, biases = linear_init(SIZES, np.float64)
    x_all, classes = lecture_samples()
    cycle = itertools.cycle(zip(x_all, classes, strict=True))

    def step() -> float:
        x, label = next(cycle)
        inputs = []
        h = x
        for w, b in zip(weights, biases, strict=True):
            inputs.append(h)
            h = w @ h + b
            if len(inputs) < len(weights):
                np.maximum(h, 0, out=h)
        exp = np.exp(h - h.max())
        probabilities = exp / exp.sum()
        loss = -math.log(probabilities[label])

        grad = probabilities  # d loss / d logits = softmax - one_hot
        grad[label] -= 1
        for layer in reversed(range(len(weights))):
            w, b, a = weights[layer], biases[layer], inputs[layer]
            grad_w, grad_b = np.outer(grad, a), grad
            if layer:
                grad = (w.T @ grad) * (a > 0)  # ReLU' from its output, before w changes
            w -= mlp.LR * grad_w
            b -= mlp.LR * grad_b
        return loss

    return step


def deltarule() -> Step:
    """The lecture's hand-derived delta rule, ``tg.deltarule.train_step`` (issue 5's reference)."""
    from tinygrad4h03 import deltarule as rule

    weights, biases = linear_init(SIZES, np.float64)
    x_all, classes = lecture_samples()
    targets = np.eye(SIZES[-1])[classes]  # the lecture's one-hot D
    cycle = itertools.cycle(zip(x_all, targets, strict=True))

    def step() -> object:
        x, target = next(cycle)
        return rule.train_step(
            weights,
            biases,
            x,
            target,
            mlp.LR,
            hidden="relu",
            output="softmax",
            loss="cross_entropy",
        )

    return step


def micrograd() -> Step:
    """micrograd 0.1.0's ``MLP`` of scalar ``Value``s; it has no ``exp``/``log``, so the
    softmax cross-entropy adds them as later micrograd versions define them."""
    from micrograd.nn import MLP

    model = MLP(SIZES[0], SIZES[1:])  # ReLU on every layer but the last, as W1
    x_all, classes = lecture_samples()
    cycle = itertools.cycle(zip(x_all.tolist(), classes.tolist(), strict=True))

    def step() -> None:
        x, label = next(cycle)
        logits = model(x)
        top = max(z.data for z in logits)
        loss = _log(sum(_exp(z - top) for z in logits)) - (logits[label] - top)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= mlp.LR * p.grad

    return step


def _exp(v: object) -> object:
    from micrograd.engine import Value

    out = Value(math.exp(v.data), (v,), "exp")

    def backward() -> None:
        v.grad += out.data * out.grad

    out._backward = backward
    return out


def _log(v: object) -> object:
    from micrograd.engine import Value

    out = Value(math.log(v.data), (v,), "log")

    def backward() -> None:
        v.grad += out.grad / v.data

    out._backward = backward
    return out


def _shared(build: mlp.Builder) -> Step:
    return build(SIZES, np.float64, _one_sample_batches())


def compiled_first_call(settings: Settings) -> Measurement:
    """The first call of the compiled W1 step (trace + code generation), median of 5."""
    samples = [mlp.first_call(SIZES, np.float64, _one_sample_batches()) for _ in range(5)]
    return Measurement(value=sorted(samples)[2], samples=samples)


CASES = [
    Case(
        name="W1",
        title="lecture net 25-20-20-20-5, f64, one-sample SGD step",
        unit="s",
        per="step",
        floor="numpy",
        implementations={
            "numpy": timed(numpy_floor),
            "tinygrad4h03": timed(partial(_shared, mlp.tinygrad4h03)),
            "compiled": timed(partial(_shared, mlp.compiled)),
            "deltarule": timed(deltarule),
            "torch": timed(partial(_shared, mlp.torch)),
            "autograd": timed(partial(_shared, mlp.autograd)),
            "micrograd": timed(micrograd),
        },
        goals=(
            ratio_at_most("tinygrad4h03", "numpy", 3.0, "≤ 3.0× floor"),
            ratio_at_most("tinygrad4h03", "torch", 1.0, "< PyTorch"),
            ratio_at_most("tinygrad4h03", "deltarule", 3.0, "≤ 3× deltarule"),
            ratio_at_most("compiled", "numpy", 1.0, "≤ 1.0× floor (tg.compile)"),
        ),
    ),
    Case(
        name="W1-trace",
        title="tg.compile's first call of the W1 step: eager run, trace, code generation",
        unit="s",
        per="trace",
        floor="",
        implementations={"compiled": compiled_first_call},
        rounds=False,
    ),
]
