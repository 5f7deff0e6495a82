"""Functions that make new tensors, and the seeded random generator behind them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import DType, Tensor, _shape_args

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Make ``randn``, ``rand`` and weight initialisation reproducible."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """The generator that ``randn``, ``rand`` and ``tg.nn.init`` draw from."""
    return _generator


def _made(data: np.ndarray, dtype: DType | None, requires_grad: bool) -> Tensor:
    out = Tensor._wrap(data.astype(np.float32 if dtype is None else dtype, copy=False))
    return out.requires_grad_(True) if requires_grad else out


def zeros(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _made(np.zeros(_shape_args(shape)), dtype, requires_grad)


def ones(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _made(np.ones(_shape_args(shape)), dtype, requires_grad)


def full(
    shape: Any, fill_value: float, dtype: DType | None = None, requires_grad: bool = False
) -> Tensor:
    shape = _shape_args((shape,) if isinstance(shape, int) else tuple(shape))
    return _made(np.full(shape, fill_value), dtype, requires_grad)


def zeros_like(t: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal distribution."""
    return _made(_generator.standard_normal(_shape_args(shape)), dtype, requires_grad)


def rand(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Samples of the uniform distribution on [0, 1)."""
    return _made(_generator.random(_shape_args(shape)), dtype, requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DType | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``arange(n)`` or ``arange(start, end, step)``: int64 for integers, else float32."""
    if end is None:
        start, end = 0, start
    data = np.arange(start, end, step)
    if dtype is None and data.dtype.kind == "f":
        dtype = np.float32
    return _made(data, dtype or data.dtype, requires_grad)


def eye(
    n: int, m: int | None = None, *, dtype: DType | None = None, requires_grad: bool = False
) -> Tensor:
    return _made(np.eye(n, m), dtype, requires_grad)
