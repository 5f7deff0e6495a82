"""Fixed inputs and initial weights shared by every framework, so all do the same math."""

from __future__ import annotations

import itertools

import numpy as np

SEED = 0


def linear_init(sizes: list[int], dtype: type) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights ``(n_out, n_in)`` and biases ``(n_out,)``, uniform on ±1/√n_in as PyTorch does."""
    rng = np.random.default_rng(SEED)
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(sizes):
        bound = 1.0 / np.sqrt(n_in)
        weights.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(dtype))
        biases.append(rng.uniform(-bound, bound, n_out).astype(dtype))
    return weights, biases


def lecture_samples() -> tuple[np.ndarray, np.ndarray]:
    """Five binary 5×5 images (float64, shape ``(5, 25)``) and their classes ``0..4``."""
    rng = np.random.default_rng(SEED)
    return rng.integers(0, 2, (5, 25)).astype(np.float64), np.arange(5)


def batch(size: int, n_in: int = 784, classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random float32 batch ``(size, n_in)`` and integer classes ``(size,)``."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((size, n_in), dtype=np.float32)
    return x, rng.integers(0, classes, size)
