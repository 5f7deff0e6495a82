"""creation.py: factories that make new tensors (``tg.zeros``, ``tg.randn``, ...) and the RNG.

Each factory follows its PyTorch namesake: sizes as separate ints or one tuple, a ``dtype=``
keyword (``float32`` by default) and ``requires_grad=`` to make the result a leaf that
collects gradients. ``randn``, ``rand`` and the initialisers of ``tg.nn.init`` all draw from
one NumPy ``Generator`` in this file, which ``tg.manual_seed`` replaces.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import DType, Tensor, _shape_args

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Make ``randn``, ``rand`` and weight initialisation reproducible.

    Replaces the package's generator with ``np.random.default_rng(seed)`` (so the numbers
    differ from PyTorch's for the same seed) and returns it.

    Examples:
        >>> _ = manual_seed(0); a = randn(3)
        >>> _ = manual_seed(0); b = randn(3)
        >>> a.tolist() == b.tolist()
        True
    """
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """The ``np.random.Generator`` that ``randn``, ``rand`` and ``tg.nn.init`` draw from.

    Draw from it to share the package's seeded stream (e.g. for shuffling data).

    Examples:
        >>> rng = manual_seed(0)
        >>> generator() is rng
        True
    """
    return _generator


def _made(data: np.ndarray, dtype: DType | None, requires_grad: bool) -> Tensor:
    out = Tensor._wrap(data.astype(np.float32 if dtype is None else dtype, copy=False))
    return out.requires_grad_(True) if requires_grad else out


def zeros(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    Args:
        *shape: the sizes, as separate ints (``zeros(2, 3)``) or one tuple (``zeros((2, 3))``).
        dtype: the element type; ``float32`` when ``None``.
        requires_grad: make the result a leaf that collects ``.grad``.

    Shapes:
        ``shape`` out; no sizes give a 0-d tensor.

    Examples:
        >>> zeros(2, 3).shape
        (2, 3)
        >>> zeros(2, dtype=tg.float64, requires_grad=True)
        tensor([0., 0.], dtype=float64, requires_grad=True)
    """
    return _made(np.zeros(_shape_args(shape)), dtype, requires_grad)


def ones(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones; the arguments are those of ``zeros``.

    Shapes:
        ``shape`` out.

    Examples:
        >>> ones(2)
        tensor([1., 1.])
        >>> ones((2, 3)).shape
        (2, 3)
    """
    return _made(np.ones(_shape_args(shape)), dtype, requires_grad)


def full(
    shape: Any, fill_value: float, dtype: DType | None = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ``shape`` with every entry ``fill_value``.

    Args:
        shape: an int or a tuple of sizes (one argument, unlike ``zeros``).
        fill_value: the value of every entry.
        dtype: the element type; when ``None`` inferred from ``fill_value`` as PyTorch
            does: ``bool`` for a bool, ``int64`` for an int, ``float32`` otherwise.
        requires_grad: make the result a leaf that collects ``.grad``.

    Shapes:
        ``shape`` out.

    Examples:
        >>> full((2,), 7.0)
        tensor([7., 7.])
        >>> full((2,), 7).dtype
        dtype('int64')
    """
    shape = _shape_args((shape,) if isinstance(shape, int) else tuple(shape))
    if dtype is None and isinstance(fill_value, bool | np.bool_):
        dtype = np.bool_
    elif dtype is None and isinstance(fill_value, int | np.integer):
        dtype = np.int64
    return _made(np.full(shape, fill_value), dtype, requires_grad)


def zeros_like(t: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``t``'s shape and (unless ``dtype`` is given) dtype; not in ``t``'s graph.

    As in PyTorch, ``requires_grad`` is not copied from ``t``.

    Shapes:
        ``t.shape`` out.

    Examples:
        >>> x = tg.tensor([[1.0, 2.0]], requires_grad=True)
        >>> zeros_like(x)
        tensor([[0., 0.]])
    """
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``t``'s shape and (unless ``dtype`` is given) dtype; not in ``t``'s graph.

    As in PyTorch, ``requires_grad`` is not copied from ``t``.

    Shapes:
        ``t.shape`` out.

    Examples:
        >>> ones_like(tg.tensor([1.0, 2.0], dtype=tg.float64))
        tensor([1., 1.], dtype=float64)
    """
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Independent samples of the standard normal distribution N(0, 1).

    Drawn in float64 from the package's generator (``manual_seed``), then cast to ``dtype``
    (``float32`` when ``None``). The arguments are those of ``zeros``.

    Shapes:
        ``shape`` out.

    Examples:
        >>> x = randn(2, 3)
        >>> x.shape, x.dtype
        ((2, 3), dtype('float32'))
    """
    return _made(_generator.standard_normal(_shape_args(shape)), dtype, requires_grad)


def rand(*shape: Any, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Independent samples of the uniform distribution on [0, 1).

    Drawn from the package's generator (``manual_seed``); the arguments are those of
    ``zeros``.

    Shapes:
        ``shape`` out.

    Examples:
        >>> x = rand(1000)
        >>> x.shape, 0.0 <= x.min().item() and x.max().item() < 1.0
        ((1000,), True)
    """
    return _made(_generator.random(_shape_args(shape)), dtype, requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DType | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """The evenly spaced values start, start + step, ... < end, as ``np.arange``.

    ``arange(n)`` gives 0, 1, ..., n − 1. The dtype, when not given, is ``int64`` when every
    argument is an integer and ``float32`` otherwise, as in PyTorch.

    Args:
        start: the first value, or the end when ``end`` is ``None``.
        end: the bound, excluded.
        step: the spacing.
        dtype: the element type, inferred when ``None``.
        requires_grad: make the result a leaf that collects ``.grad`` (floating dtypes only).

    Shapes:
        ``(ceil((end − start) / step),)`` out.

    Examples:
        >>> arange(3)
        tensor([0, 1, 2])
        >>> arange(0, 1, 0.25)
        tensor([0.  , 0.25, 0.5 , 0.75])
    """
    if end is None:
        start, end = 0, start
    data = np.arange(start, end, step)
    if dtype is None:  # PyTorch: float32 when any argument is a float, else int64
        dtype = np.float32 if data.dtype.kind == "f" else np.int64
    return _made(data, dtype or data.dtype, requires_grad)


def eye(
    n: int, m: int | None = None, *, dtype: DType | None = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns; ``n`` when ``None``.
        dtype: the element type; ``float32`` when ``None``.
        requires_grad: make the result a leaf that collects ``.grad``.

    Shapes:
        ``(n, m)`` out.

    Examples:
        >>> eye(2)
        tensor([[1., 0.],
                [0., 1.]])
        >>> eye(2, 3).shape
        (2, 3)
    """
    return _made(np.eye(n, m), dtype, requires_grad)
