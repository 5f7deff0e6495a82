"""W6 — the optimiser alone (issue 4): one ``step()`` over the parameters of the W2 MLP
(784-512-256-10, float32) with fixed random gradients, SGD (lr 0.01) and Adam (PyTorch's
defaults), against the same update written by hand in NumPy."""

from __future__ import annotations

import math

import numpy as np

from .case import Case, Step, ratio_at_most, timed
from .data import SEED, linear_init

SIZES = [784, 512, 256, 10]
LR_SGD, LR_ADAM, BETAS, EPS = 0.01, 1e-3, (0.9, 0.999), 1e-8


def _parameters_and_grads() -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights, biases = linear_init(SIZES, np.float32)
    params = [p for pair in zip(weights, biases, strict=True) for p in pair]
    rng = np.random.default_rng(SEED + 1)
    return params, [rng.standard_normal(p.shape, dtype=np.float32) for p in params]


def numpy_sgd() -> Step:
    params, grads = _parameters_and_grads()

    def step() -> None:
        for p, g in zip(params, grads, strict=True):
            p -= LR_SGD * g

    return step


def numpy_adam() -> Step:
    """PyTorch's Adam by hand, with no temporaries (m, v and one work array per parameter):

    m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
    p ← p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
    """
    params, grads = _parameters_and_grads()
    first, second, work = ([np.zeros_like(p) for p in params] for _ in range(3))
    (beta1, beta2), count = BETAS, 0

    def step() -> None:
        nonlocal count
        count += 1
        step_size = LR_ADAM / (1 - beta1**count)
        root_correction = math.sqrt(1 - beta2**count)
        for p, g, m, v, w in zip(params, grads, first, second, work, strict=True):
            m *= beta1
            np.multiply(g, 1 - beta1, out=w)
            m += w
            v *= beta2
            np.multiply(g, g, out=w)
            w *= 1 - beta2
            v += w
            np.sqrt(v, out=w)
            w /= root_correction
            w += EPS
            np.divide(m, w, out=w)
            w *= step_size
            p -= w

    return step


def _tinygrad4h03(optimiser: str) -> Step:
    import tinygrad4h03 as tg

    arrays, grads = _parameters_and_grads()
    params = [tg.nn.Parameter(a) for a in arrays]
    for p, g in zip(params, grads, strict=True):
        p.grad = tg.Tensor(g)
    if optimiser == "sgd":
        return tg.optim.SGD(params, lr=LR_SGD).step
    return tg.optim.Adam(params, lr=LR_ADAM, betas=BETAS, eps=EPS).step


def _torch(optimiser: str) -> Step:
    import torch

    torch.set_num_threads(1)
    arrays, grads = _parameters_and_grads()
    params = [torch.nn.Parameter(torch.from_numpy(a)) for a in arrays]
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.from_numpy(g)
    if optimiser == "sgd":
        return torch.optim.SGD(params, lr=LR_SGD).step
    return torch.optim.Adam(params, lr=LR_ADAM, betas=BETAS, eps=EPS).step


CASES = [
    Case(
        name="W6-sgd",
        title="SGD step() over the 784-512-256-10 parameters",
        unit="s",
        per="step",
        floor="numpy",
        implementations={
            "numpy": timed(numpy_sgd),
            "tinygrad4h03": timed(lambda: _tinygrad4h03("sgd")),
            "torch": timed(lambda: _torch("sgd")),
        },
        goals=(ratio_at_most("tinygrad4h03", "numpy", 1.10, "≤ 1.10× hand-written"),),
    ),
    Case(
        name="W6-adam",
        title="Adam step() over the 784-512-256-10 parameters",
        unit="s",
        per="step",
        floor="numpy",
        implementations={
            "numpy": timed(numpy_adam),
            "tinygrad4h03": timed(lambda: _tinygrad4h03("adam")),
            "torch": timed(lambda: _torch("adam")),
        },
        goals=(ratio_at_most("tinygrad4h03", "numpy", 1.20, "≤ 1.2× hand-written"),),
    ),
]
