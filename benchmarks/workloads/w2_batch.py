"""W2 — an MLP 784-512-256-10, ReLU, mean cross-entropy, float32, SGD (lr 0.01), on a fixed
random batch of 128 and of 1024. Time per training step."""

from __future__ import annotations

from functools import partial

import numpy as np

from . import mlp
from .case import Case, Measurement, Settings, Step, ratio_at_most, timed
from .data import batch

SIZES = [784, 512, 256, 10]
FRAMEWORKS: dict[str, mlp.Builder] = {
    "numpy": mlp.numpy_floor,
    "tinygrad4h03": mlp.tinygrad4h03,
    "compiled": mlp.compiled,
    "torch": mlp.torch,
    "autograd": mlp.autograd,
}


def build(framework: str, batch_size: int) -> Step:
    """``framework``'s W2 training step on the fixed batch of ``batch_size``."""
    return FRAMEWORKS[framework](SIZES, np.float32, [batch(batch_size)])


def _case(batch_size: int, bound: float) -> Case:
    return Case(
        name=f"W2-{batch_size}",
        title=f"MLP 784-512-256-10, f32, batch {batch_size}, SGD step",
        unit="s",
        per="step",
        floor="numpy",
        implementations={name: timed(partial(build, name, batch_size)) for name in FRAMEWORKS},
        goals=(
            ratio_at_most("tinygrad4h03", "numpy", bound, f"≤ {bound:.2f}× floor"),
            ratio_at_most("compiled", "numpy", 1.0, "≤ 1.0× floor (tg.compile)"),
        ),
    )


def compiled_first_call(batch_size: int, settings: Settings) -> Measurement:
    """The first call of the compiled W2 step (trace + code generation), median of 3."""
    runs = [mlp.first_call(SIZES, np.float32, [batch(batch_size)]) for _ in range(3)]
    return Measurement(value=sorted(runs)[1], samples=runs)


def _trace_case(batch_size: int) -> Case:
    return Case(
        name=f"W2-{batch_size}-trace",
        title=f"tg.compile's first call of the W2-{batch_size} step: eager run, trace, codegen",
        unit="s",
        per="trace",
        floor="",
        implementations={"compiled": partial(compiled_first_call, batch_size)},
        rounds=False,
    )


CASES = [_case(128, 1.10), _case(1024, 1.05), _trace_case(128), _trace_case(1024)]
