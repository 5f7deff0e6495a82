"""W7 — the book's convolutional network step (MATLAB Deep Learning, ch. 6, ``MnistConv.m``):
28×28 images, 20 filters of 9×9, ReLU, 2×2 mean pooling, 2,000 → 100 ReLU → 10 softmax with
cross-entropy, no biases, float32, a batch of 100, SGD with momentum 0.95 (lr 0.01). Time per
training step, against a hand-written NumPy im2col step and PyTorch eager."""

from __future__ import annotations

import numpy as np

from .case import Case, Step, ratio_at_most, timed

BATCH, SIDE, FILTERS, KERNEL, HIDDEN, CLASSES = 100, 28, 20, 9, 100, 10
LR, MOMENTUM = 0.01, 0.95
CONV_SIDE = SIDE - KERNEL + 1  # 20
POOLED = FILTERS * (CONV_SIDE // 2) ** 2  # 2,000


def _data() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """A fixed batch in [0, 1), its classes, and the book's initial weights (all float32)."""
    rng = np.random.default_rng(0)
    images = rng.random((BATCH, 1, SIDE, SIDE), dtype=np.float32)
    classes = rng.integers(0, CLASSES, BATCH)
    filters = 1e-2 * rng.standard_normal((FILTERS, 1, KERNEL, KERNEL))
    b5, bo = np.sqrt(6 / (360 + POOLED)), np.sqrt(6 / (CLASSES + HIDDEN))
    w5 = rng.uniform(-b5, b5, (HIDDEN, POOLED))
    wo = rng.uniform(-bo, bo, (CLASSES, HIDDEN))
    return images, classes, [w.astype(np.float32) for w in (filters, w5, wo)]


def numpy_floor() -> Step:
    """The floor: im2col by hand (one copy of the windows, one matrix product per layer, the
    filters on the left so both operands are contiguous), pooling as four strided slices,
    back-propagation by the chain rule, momentum SGD in place. Feature maps are kept
    filter-first, ``(20, N, 20, 20)``, as the product leaves them."""
    x, classes, weights = _data()
    w1, w5, wo = weights
    buffers = [np.zeros_like(w) for w in weights]
    rows = np.arange(BATCH)
    corners = [(slice(p, None, 2), slice(q, None, 2)) for p in range(2) for q in range(2)]

    def step() -> float:
        windows = np.lib.stride_tricks.sliding_window_view(x[:, 0], (KERNEL, KERNEL), axis=(1, 2))
        columns = windows.transpose(3, 4, 0, 1, 2).reshape(KERNEL * KERNEL, -1)  # the copy
        y2 = (w1.reshape(FILTERS, -1) @ columns).reshape(FILTERS, BATCH, CONV_SIDE, CONV_SIDE)
        np.maximum(y2, 0, out=y2)
        pooled = y2[..., ::2, ::2] + y2[..., 1::2, ::2] + y2[..., ::2, 1::2] + y2[..., 1::2, 1::2]
        pooled *= 0.25
        y4 = pooled.transpose(1, 0, 2, 3).reshape(BATCH, POOLED)  # PyTorch's (C, H, W) order
        y5 = y4 @ w5.T
        np.maximum(y5, 0, out=y5)
        logits = y5 @ wo.T
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.log(total).mean() - shifted[rows, classes].mean())

        delta = exp / total  # ∂loss/∂logits = (softmax − onehot) / N
        delta[rows, classes] -= 1
        delta /= BATCH
        grad_wo = delta.T @ y5
        delta5 = (delta @ wo) * (y5 > 0)
        grad_w5 = delta5.T @ y4
        e3 = (delta5 @ w5).reshape(BATCH, FILTERS, CONV_SIDE // 2, -1).transpose(1, 0, 2, 3)
        e3 *= 0.25
        delta2 = np.empty_like(y2)
        for corner in corners:  # the pooling's error spread back over each 2×2 block
            delta2[(Ellipsis, *corner)] = e3
        delta2 *= y2 > 0
        grad_w1 = (delta2.reshape(FILTERS, -1) @ columns.T).reshape(w1.shape)
        for w, m, g in zip(weights, buffers, (grad_w1, grad_w5, grad_wo), strict=True):
            m *= MOMENTUM
            m += g
            w -= LR * m
        return loss

    return step


def _model(nn: object) -> object:
    return nn.Sequential(
        nn.Conv2d(1, FILTERS, KERNEL, bias=False),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(POOLED, HIDDEN, bias=False),
        nn.ReLU(),
        nn.Linear(HIDDEN, CLASSES, bias=False),
    )


def tinygrad4h03() -> Step:
    """The step as a PyTorch user writes it, with ``tg.nn`` and ``tg.optim``."""
    import tinygrad4h03 as tg

    x, classes, weights = _data()
    model = _model(tg.nn)
    model.load_state_dict({"0.weight": weights[0], "4.weight": weights[1], "6.weight": weights[2]})
    optimiser = tg.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    images, targets = tg.tensor(x), tg.tensor(classes)

    def step() -> object:
        loss = tg.nn.functional.cross_entropy(model(images), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    return step


def compiled() -> Step:
    """The same step through ``tg.compile``: traced once, replayed as NumPy code."""
    import tinygrad4h03 as tg

    x, classes, weights = _data()
    model = _model(tg.nn)
    model.load_state_dict({"0.weight": weights[0], "4.weight": weights[1], "6.weight": weights[2]})
    optimiser = tg.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    images, targets = tg.tensor(x), tg.tensor(classes)

    @tg.compile
    def train(images: object, targets: object) -> object:
        loss = tg.nn.functional.cross_entropy(model(images), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    train(images, targets)  # the trace: timing starts with the replays
    return lambda: train(images, targets)


def torch() -> Step:
    """PyTorch eager on the CPU, one thread."""
    import torch

    torch.set_num_threads(1)
    x, classes, weights = _data()
    model = _model(torch.nn)
    state = {"0.weight": weights[0], "4.weight": weights[1], "6.weight": weights[2]}
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimiser = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    images, targets = torch.from_numpy(x), torch.from_numpy(classes)

    def step() -> object:
        loss = torch.nn.functional.cross_entropy(model(images), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss

    return step


FRAMEWORKS = {
    "numpy": numpy_floor,
    "tinygrad4h03": tinygrad4h03,
    "compiled": compiled,
    "torch": torch,
}

CASES = [
    Case(
        name="W7",
        title="the book's CNN (20 9×9 filters, ReLU, 2×2 mean pool, 100, 10), f32, batch 100",
        unit="s",
        per="step",
        floor="numpy",
        implementations={name: timed(build) for name, build in FRAMEWORKS.items()},
        goals=(
            ratio_at_most("tinygrad4h03", "numpy", 1.10, "≤ 1.10× floor"),
            ratio_at_most("tinygrad4h03", "torch", 1.50, "≤ 1.5× PyTorch"),
            ratio_at_most("compiled", "numpy", 1.0, "≤ 1.0× floor (tg.compile)"),
        ),
    )
]
