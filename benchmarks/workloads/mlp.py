"""One training step of a ReLU MLP with softmax cross-entropy and plain SGD, per framework.

Shared by W1 (the lecture net, one sample per step), W2 (784-512-256-10 on a batch) and W5
(W2's memory). Every builder takes the layer sizes, the dtype and the ``(x, classes)``
batches to cycle through, builds its model once, and returns the step to time: forward, mean
cross-entropy, zero grads, backward, SGD update. Framework imports live inside the builders,
so a missing framework fails only its own worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from .case import Step
from .data import linear_init

LR = 0.01
Batches = Sequence[tuple[np.ndarray, np.ndarray]]
Builder = Callable[[list[int], type, Batches], Step]


def numpy_floor(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """The floor: the same math by hand, no graph; gradients from the chain rule, SGD in place."""
    weights, biases = linear_init(sizes, dtype)
    cycle = itertools.cycle(batches)

    def step() -> float:
        x, classes = next(cycle)
        inputs = []  # each layer's input, kept for its weight gradient
        h = x
        for w, b in zip(weights, biases, strict=True):
            inputs.append(h)
            h = h @ w.T
            h += b
            if len(inputs) < len(weights):
                np.maximum(h, 0, out=h)
        rows = np.arange(len(classes))
        shifted = h - h.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.log(total).mean() - shifted[rows, classes].mean())

        grad = exp / total  # d loss / d logits = (softmax - one_hot) / batch
        grad[rows, classes] -= 1
        grad /= len(classes)
        for layer in reversed(range(len(weights))):
            w, b, a = weights[layer], biases[layer], inputs[layer]
            grad_w, grad_b = grad.T @ a, grad.sum(axis=0)
            if layer:
                grad = (grad @ w) * (a > 0)  # ReLU' from its output, before w changes
            w -= LR * grad_w
            b -= LR * grad_b
        return loss

    return step


def tinygrad4h03(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """The same step written as a PyTorch user writes it, with ``tg.nn`` and ``tg.optim``."""
    import tinygrad4h03 as tg

    model = _cast(tg.nn.Sequential(*_layers(tg.nn, sizes)), dtype)
    optimiser = tg.optim.SGD(model.parameters(), lr=LR)
    cycle = itertools.cycle([(tg.Tensor(x), tg.Tensor(c)) for x, c in batches])

    def step() -> object:
        x, classes = next(cycle)
        loss = tg.nn.functional.cross_entropy(model(x), classes)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    return step


def untraced(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """``tinygrad4h03``'s step through ``tg.compile``, before its first call (the trace)."""
    import tinygrad4h03 as tg

    model = _cast(tg.nn.Sequential(*_layers(tg.nn, sizes)), dtype)
    optimiser = tg.optim.SGD(model.parameters(), lr=LR)
    cycle = itertools.cycle([(tg.Tensor(x), tg.Tensor(c)) for x, c in batches])

    @tg.compile
    def train(x: object, classes: object) -> object:
        loss = tg.nn.functional.cross_entropy(model(x), classes)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    def step() -> object:
        return train(*next(cycle))

    return step


def compiled(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """``tinygrad4h03``'s step through ``tg.compile``, traced: what is timed is the replay."""
    step = untraced(sizes, dtype, batches)
    step()
    return step


def first_call(sizes: list[int], dtype: type, batches: Batches) -> float:
    """Seconds of ``compiled``'s first call: the eager step, its trace and code generation."""
    import time

    step = untraced(sizes, dtype, batches)
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def torch(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """PyTorch eager on the CPU, one thread."""
    import torch

    torch.set_num_threads(1)
    model = torch.nn.Sequential(*_layers(torch.nn, sizes)).to(getattr(torch, np.dtype(dtype).name))
    optimiser = torch.optim.SGD(model.parameters(), lr=LR)
    cycle = itertools.cycle([(torch.from_numpy(x), torch.from_numpy(c)) for x, c in batches])

    def step() -> object:
        x, classes = next(cycle)
        loss = torch.nn.functional.cross_entropy(model(x), classes)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    return step


def autograd(sizes: list[int], dtype: type, batches: Batches) -> Step:
    """HIPS autograd: the loss as a NumPy function of the parameters, ``grad`` of it, SGD."""
    import autograd.numpy as anp
    from autograd import grad

    weights, biases = linear_init(sizes, dtype)
    params = list(zip(weights, biases, strict=True))

    def loss(params: list, x: np.ndarray, classes: np.ndarray) -> np.ndarray:
        h = x
        for w, b in params[:-1]:
            h = anp.maximum(h @ w.T + b, 0)
        w, b = params[-1]
        logits = h @ w.T + b
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_p[np.arange(len(classes)), classes])

    loss_grad = grad(loss)
    cycle = itertools.cycle(batches)

    def step() -> None:
        for (w, b), (grad_w, grad_b) in zip(params, loss_grad(params, *next(cycle)), strict=True):
            w -= LR * grad_w
            b -= LR * grad_b

    return step


def _layers(nn: object, sizes: list[int]) -> list[object]:
    """``Linear, ReLU, ..., Linear`` from ``nn`` (``tg.nn`` or ``torch.nn``)."""
    layers: list[object] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return layers[:-1]


def _cast(model: object, dtype: type) -> object:
    """``model.double()`` as in PyTorch, for float64 runs; by hand where ``double`` is missing."""
    if np.dtype(dtype) == np.float64:
        if hasattr(model, "double"):
            model = model.double()
        else:
            for parameter in model.parameters():
                parameter.data = parameter.data.astype(np.float64)
    found = {np.dtype(p.dtype) for p in model.parameters()}
    if found != {np.dtype(dtype)}:
        raise TypeError(f"parameters are {sorted(map(str, found))}, wanted {np.dtype(dtype)}")
    return model
