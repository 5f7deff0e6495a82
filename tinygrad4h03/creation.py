"""creation.py: factories that make new tensors (``tg.zeros``, ``tg.randn``, ``tg.linspace``...).

Each factory follows its PyTorch namesake: sizes as separate ints, one tuple/list or a
``tg.Size`` (or ``size=``); the keywords ``dtype=`` (floating results default to
``tg.get_default_dtype()``, ``float32`` at start), ``device=`` (only the CPU is available:
any other device raises ``DeviceUnavailableError``) and ``requires_grad=`` (a floating leaf
that collects ``.grad``). Random factories take ``generator=`` (a ``tg.Generator``) and
otherwise draw from the global stream that ``tg.manual_seed`` seeds (``random.py``). Bad
sizes raise PyTorch's errors: ``tg.zeros(2.5)`` and ``tg.zeros("3")`` are ``TypeError``s,
``tg.zeros(-1)`` a ``RuntimeError``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes, random
from .devices import DeviceLike, available_device
from .random import manual_seed
from .size import Size
from .tensor import Tensor

__all__ = [
    "BoolTensor",
    "DoubleTensor",
    "FloatTensor",
    "IntTensor",
    "LongTensor",
    "Variable",
    "arange",
    "as_tensor",
    "bernoulli",
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "generator",
    "is_floating_point",
    "is_tensor",
    "linspace",
    "logspace",
    "manual_seed",
    "multinomial",
    "normal",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "zeros",
    "zeros_like",
]


def generator() -> np.random.Generator:
    """The global ``tg.Generator`` that ``randn``, ``rand`` and ``tg.nn.init`` draw from.

    It is also a NumPy ``np.random.Generator``: draw from it to share the package's seeded
    stream (e.g. for shuffling data).

    Examples:
        >>> rng = manual_seed(0)
        >>> generator() is rng
        True
    """
    return random.resolve(None, "generator")


# --------------------------------------------------------------------------- helpers


def _size(shape: tuple[Any, ...], size: Any, op: str) -> tuple[int, ...]:
    """The sizes given as ``*shape`` (ints, or one tuple/list/Size) or as ``size=``."""
    if size is not None:
        if shape:
            raise TypeError(f"{op}(): give the sizes as arguments or as size=, not both")
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dims = tuple(_dim(n, position, op) for position, n in enumerate(shape, 1))
    if any(n < 0 for n in dims):
        raise RuntimeError(f"{op}(): sizes must be non-negative, got {list(dims)}")
    return dims


def _dim(n: Any, position: int, op: str) -> int:
    if not isinstance(n, bool):
        try:
            return operator.index(n)
        except TypeError:
            pass
    raise TypeError(
        f"{op}(): argument 'size' must be a tuple of ints, but found element of type "
        f"{type(n).__name__} at pos {position}"
    )


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype, op)


def _made(
    array: np.ndarray, dtype: np.dtype, device: DeviceLike, requires_grad: bool, op: str
) -> Tensor:
    available_device(device, op)
    return Tensor(array.astype(dtype, copy=False), requires_grad=requires_grad)


def _tensor_arg(value: Any, name: str, op: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _number(value: Any, name: str, op: str) -> float | int:
    if isinstance(value, Tensor):
        return value.item()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value.item() if isinstance(value, np.generic) else value
    raise TypeError(f"{op}(): argument '{name}' must be a number, not {type(value).__name__}")


# --------------------------------------------------------------------------- constant fills


def zeros(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of zeros.

    Args:
        *shape: the sizes, as separate ints (``zeros(2, 3)``) or one tuple, list or ``Size``.
        size: the sizes as a keyword instead (``zeros(size=(2, 3))``).
        dtype: the element type; ``tg.get_default_dtype()`` (``float32``) when ``None``.
        device: only the CPU (``None``, ``"cpu"``, ``tg.device("cpu")``) is available.
        requires_grad: make the result a leaf that collects ``.grad``.

    Raises:
        TypeError: for a size that is not an int (``zeros(2.5)``, ``zeros("3")``).
        RuntimeError: for a negative size.
        DeviceUnavailableError: for any device but the CPU.

    Shapes:
        ``shape`` out; no sizes give a 0-d tensor.

    Examples:
        >>> zeros(2, 3).shape
        (2, 3)
        >>> zeros(2, dtype=tg.float64, requires_grad=True)
        tensor([0., 0.], dtype=float64, requires_grad=True)
    """
    dims = _size(shape, size, "zeros")
    return _made(np.zeros(dims), _float_dtype(dtype, "zeros"), device, requires_grad, "zeros")


def ones(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ones; the arguments are those of ``zeros``.

    Examples:
        >>> ones(2)
        tensor([1., 1.])
        >>> ones((2, 3), dtype=tg.long).tolist()
        [[1, 1, 1], [1, 1, 1]]
    """
    dims = _size(shape, size, "ones")
    return _made(np.ones(dims), _float_dtype(dtype, "ones"), device, requires_grad, "ones")


def empty(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor whose values are to be overwritten; the arguments are those of ``zeros``.

    PyTorch leaves the memory uninitialised; here it is zeroed, so nothing depends on chance.

    Examples:
        >>> empty(2, 3).shape
        (2, 3)
    """
    dims = _size(shape, size, "empty")
    return _made(np.zeros(dims), _float_dtype(dtype, "empty"), device, requires_grad, "empty")


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ``size`` with every entry ``fill_value``.

    Args:
        size: a tuple, list or ``Size`` of sizes (one argument, unlike ``zeros``).
        fill_value: the value of every entry (a number or a one-element tensor).
        dtype: the element type; when ``None`` inferred from ``fill_value`` as PyTorch
            does: ``bool`` for a bool, ``int64`` for an int, the default dtype otherwise.
        device: only the CPU is available.
        requires_grad: make the result a leaf that collects ``.grad``.

    Raises:
        TypeError: when ``size`` is not a tuple or list of ints.

    Examples:
        >>> full((2,), 7.0)
        tensor([7., 7.])
        >>> full((2,), 7).dtype
        dtype('int64')
    """
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"full(): argument 'size' must be a tuple of ints, not {type(size).__name__}"
        )
    value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    resolved = _fill_dtype(value) if dtype is None else dtypes.as_dtype(dtype, "full")
    array = np.full(_size((size,), None, "full"), value)
    return _made(array, resolved, device, requires_grad, "full")


def _fill_dtype(value: Any) -> np.dtype:
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, (float, np.floating)):
        return dtypes.get_default_dtype()
    raise TypeError(f"full(): fill_value must be a number, not {type(value).__name__}")


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """The identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns; ``n`` when ``None``.
        dtype: the element type; the default dtype when ``None``.
        device: only the CPU is available.
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
    rows, cols = _size((n, n if m is None else m), None, "eye")
    return _made(np.eye(rows, cols), _float_dtype(dtype, "eye"), device, requires_grad, "eye")


# --------------------------------------------------------------------------- like another tensor


def _like(
    input: Tensor, fill: Any, dtype: Any, device: DeviceLike, requires_grad: bool, op: str
) -> Tensor:
    source = _tensor_arg(input, "input", op)
    resolved = source.dtype if dtype is None else dtypes.as_dtype(dtype, op)
    return _made(np.full(source.shape, fill), resolved, device, requires_grad, op)


def zeros_like(
    input: Tensor, *, dtype: Any = None, device: DeviceLike = None, requires_grad: bool = False
) -> Tensor:
    """Zeros of ``input``'s shape and (unless ``dtype`` is given) dtype; not in its graph.

    As in PyTorch, ``requires_grad`` is not copied from ``input``.

    Examples:
        >>> x = tg.tensor([[1.0, 2.0]], requires_grad=True)
        >>> zeros_like(x)
        tensor([[0., 0.]])
    """
    return _like(input, 0, dtype, device, requires_grad, "zeros_like")


def ones_like(
    input: Tensor, *, dtype: Any = None, device: DeviceLike = None, requires_grad: bool = False
) -> Tensor:
    """Ones of ``input``'s shape and (unless ``dtype`` is given) dtype; not in its graph.

    Examples:
        >>> ones_like(tg.tensor([1.0, 2.0], dtype=tg.float64))
        tensor([1., 1.], dtype=float64)
    """
    return _like(input, 1, dtype, device, requires_grad, "ones_like")


def empty_like(
    input: Tensor, *, dtype: Any = None, device: DeviceLike = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ``input``'s shape and dtype to be overwritten (zeroed here, see ``empty``).

    Examples:
        >>> empty_like(tg.tensor([1, 2])).dtype
        dtype('int64')
    """
    return _like(input, 0, dtype, device, requires_grad, "empty_like")


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, in ``input``'s shape and (unless ``dtype`` is given) dtype.

    Examples:
        >>> full_like(tg.tensor([1.0, 2.0]), 0.5)
        tensor([0.5, 0.5])
    """
    value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    return _like(input, value, dtype, device, requires_grad, "full_like")


# --------------------------------------------------------------------------- ranges


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """The evenly spaced values start, start + step, ... < end, as ``torch.arange``.

    ``arange(n)`` gives 0, 1, ..., n − 1. The dtype, when not given, is ``int64`` when every
    argument is an integer and the default dtype (``float32``) otherwise, as in PyTorch. The
    length is ⌈(end − start) / step⌉, computed in double precision.

    Args:
        start: the first value, or the end when ``end`` is ``None``.
        end: the bound, excluded.
        step: the spacing, not zero, with the sign of ``end − start``.
        dtype: the element type, inferred when ``None``.
        device: only the CPU is available.
        requires_grad: make the result a leaf that collects ``.grad`` (floating dtypes only).

    Raises:
        RuntimeError: for a zero step, a step of the wrong sign, or an infinite bound.

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
    start, end, step = (
        _number(v, n, "arange") for v, n in ((start, "start"), (end, "end"), (step, "step"))
    )
    _check_range(start, end, step)
    integral = all(isinstance(v, int) for v in (start, end, step))
    resolved = (
        (np.dtype(np.int64) if integral else dtypes.get_default_dtype())
        if dtype is None
        else dtypes.as_dtype(dtype, "arange")
    )
    count = max(0, math.ceil((end - start) / step))
    values = start + step * np.arange(count, dtype=np.int64 if integral else np.float64)
    return _made(values, resolved, device, requires_grad, "arange")


def _check_range(start: float, end: float, step: float) -> None:
    if not all(math.isfinite(v) for v in (start, end, step)):
        raise RuntimeError(f"arange(): unsupported range: {start} -> {end} with step {step}")
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange(): upper bound and lower bound inconsistent with step sign: "
            f"start={start}, end={end}, step={step}"
        )


def linspace(
    start: Any,
    end: Any,
    steps: int,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Args:
        start: the first value.
        end: the last value.
        steps: how many values (0 gives an empty tensor, 1 gives ``[start]``).
        dtype: the element type; the default dtype when ``None`` (an integer dtype truncates).
        device: only the CPU is available.
        requires_grad: make the result a leaf that collects ``.grad``.

    Raises:
        RuntimeError: for a negative ``steps``.

    Shapes:
        ``(steps,)`` out.

    Examples:
        >>> linspace(0, 1, 5)
        tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    values = _spaced(start, end, steps, "linspace")
    return _made(values, _float_dtype(dtype, "linspace"), device, requires_grad, "linspace")


def logspace(
    start: Any,
    end: Any,
    steps: int,
    base: float = 10.0,
    *,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values from base**start to base**end, evenly spaced in the exponent.

    The arguments are those of ``linspace``, and ``base`` (10 by default).

    Examples:
        >>> logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
        >>> logspace(0, 3, 4, base=2).tolist()
        [1.0, 2.0, 4.0, 8.0]
    """
    exponents = _spaced(start, end, steps, "logspace")
    values = np.power(float(_number(base, "base", "logspace")), exponents)
    return _made(values, _float_dtype(dtype, "logspace"), device, requires_grad, "logspace")


def _spaced(start: Any, end: Any, steps: Any, op: str) -> np.ndarray:
    first, last = _number(start, "start", op), _number(end, "end", op)
    count = _dim(steps, 3, op)
    if count < 0:
        raise RuntimeError(f"{op}(): number of steps must be non-negative, got {count}")
    return np.linspace(first, last, count)


# --------------------------------------------------------------------------- random


def rand(
    *shape: Any,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Independent samples of the uniform distribution on [0, 1).

    Drawn in float64 from ``generator`` (or the global stream, see ``tg.manual_seed``) and
    cast to ``dtype`` (the default dtype when ``None``); the other arguments are those of
    ``zeros``.

    Examples:
        >>> x = rand(1000)
        >>> x.shape, 0.0 <= x.min().item() and x.max().item() < 1.0
        ((1000,), True)
    """
    dims = _size(shape, size, "rand")
    resolved = _random_float(dtype, "rand")
    values = random.resolve(generator, "rand").random(dims)
    return _made(values, resolved, device, requires_grad, "rand")


def randn(
    *shape: Any,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Independent samples of the standard normal distribution N(0, 1).

    Drawn in float64 from ``generator`` (or the global stream) and cast to ``dtype``; the
    arguments are those of ``rand``.

    Examples:
        >>> x = randn(2, 3)
        >>> x.shape, x.dtype
        ((2, 3), dtype('float32'))
    """
    dims = _size(shape, size, "randn")
    resolved = _random_float(dtype, "randn")
    values = random.resolve(generator, "randn").standard_normal(dims)
    return _made(values, resolved, device, requires_grad, "randn")


def _random_float(dtype: Any, op: str) -> np.dtype:
    resolved = _float_dtype(dtype, op)
    if resolved.kind != "f":
        raise NotImplementedError(f"{op}(): samples need a floating dtype, got {resolved}")
    return resolved


def randint(
    *args: Any,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniformly random integers in [low, high): ``randint(high, size)`` or ``(low, high, size)``.

    Args:
        *args: ``high, size`` or ``low, high, size``; ``size`` a tuple (or given as ``size=``).
        size: the sizes as a keyword.
        generator: the stream to draw from; the global one when ``None``.
        dtype: the element type; ``int64`` when ``None``.
        device: only the CPU is available.
        requires_grad: only for a floating ``dtype``.

    Raises:
        TypeError: for a size that is not a tuple of ints.
        RuntimeError: when ``low >= high``.

    Examples:
        >>> x = randint(3, 10, (2, 4))
        >>> x.shape, x.dtype, 3 <= x.min().item() and x.max().item() < 10
        ((2, 4), dtype('int64'), True)
    """
    low, high, dims = _randint_args(args, size)
    resolved = np.dtype(np.int64) if dtype is None else dtypes.as_dtype(dtype, "randint")
    values = _integers(low, high, dims, generator, "randint")
    return _made(values, resolved, device, requires_grad, "randint")


def _randint_args(args: tuple[Any, ...], size: Any) -> tuple[int, int, tuple[int, ...]]:
    if size is not None:
        args = (*args, size)
    if len(args) not in (2, 3):
        raise TypeError(
            f"randint(): expected (high, size) or (low, high, size), got {len(args)} argument(s)"
        )
    *bounds, shape = args
    if not isinstance(shape, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' must be a tuple of ints, not {type(shape).__name__}"
        )
    low, high = (0, *bounds) if len(bounds) == 1 else bounds
    return _dim(low, 1, "randint"), _dim(high, 2, "randint"), _size((shape,), None, "randint")


def _integers(low: int, high: int, dims: tuple[int, ...], generator: Any, op: str) -> np.ndarray:
    if low >= high:
        raise RuntimeError(
            f"{op}(): expects 'low' to be less than 'high', got low={low} >= high={high}"
        )
    return random.resolve(generator, op).integers(low, high, dims, dtype=np.int64)


def randperm(
    n: int,
    *,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of 0, 1, ..., n − 1 (``int64`` unless ``dtype`` is given).

    Raises:
        RuntimeError: for a negative ``n``.

    Examples:
        >>> sorted(randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    count = _dim(n, 1, "randperm")
    if count < 0:
        raise RuntimeError(f"randperm(): n must be non-negative, got {count}")
    resolved = np.dtype(np.int64) if dtype is None else dtypes.as_dtype(dtype, "randperm")
    values = random.resolve(generator, "randperm").permutation(count)
    return _made(values, resolved, device, requires_grad, "randperm")


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of normal distributions N(mean, std²), as ``torch.normal``.

    Either ``mean`` and/or ``std`` are tensors (the result has their broadcast shape and
    floating dtype, one sample per element), or both are numbers and ``size`` gives the shape.

    Raises:
        RuntimeError: for a negative standard deviation.
        TypeError: for two numbers without ``size``.

    Examples:
        >>> normal(2.0, 3.0, size=(2, 2)).shape
        (2, 2)
        >>> normal(tg.zeros(3), 1.0).shape
        (3,)
    """
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if tensors:
        if size is not None:
            raise TypeError("normal(): size= is only for a number mean and std")
        resolved = _normal_dtype(tensors, dtype)
        means, stds = (np.asarray(x.numpy() if isinstance(x, Tensor) else x) for x in (mean, std))
        dims = np.broadcast_shapes(means.shape, stds.shape)
    else:
        if size is None:
            raise TypeError("normal(): with a number mean and std, give the shape as size=")
        resolved, dims = _random_float(dtype, "normal"), _size((size,), None, "normal")
        means, stds = np.asarray(mean, np.float64), np.asarray(std, np.float64)
    if (stds < 0).any():
        raise RuntimeError(f"normal(): expects std >= 0.0, but found std {stds.min()}")
    noise = random.resolve(generator, "normal").standard_normal(dims)
    return _made(means + stds * noise, resolved, device, requires_grad, "normal")


def _normal_dtype(tensors: Sequence[Tensor], dtype: Any) -> np.dtype:
    if dtype is not None:
        return _random_float(dtype, "normal")
    resolved = np.result_type(*(t.dtype for t in tensors))
    if resolved.kind != "f":
        raise NotImplementedError(f"normal(): mean and std need a floating dtype, got {resolved}")
    return resolved


def bernoulli(input: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
    """Random 0s and 1s: each entry is 1 with probability ``input[i]`` (or ``p``).

    The result has ``input``'s shape and dtype.

    Raises:
        RuntimeError: for a probability outside [0, 1].

    Examples:
        >>> bernoulli(tg.tensor([0.0, 1.0, 1.0])).tolist()
        [0.0, 1.0, 1.0]
    """
    source = _tensor_arg(input, "input", "bernoulli")
    probs = np.asarray(source.numpy() if p is None else p, dtype=np.float64)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("bernoulli(): expects every probability p to satisfy 0 <= p <= 1")
    draws = random.resolve(generator, "bernoulli").random(source.shape) < probs
    return _made(draws, source.dtype, None, False, "bernoulli")


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None
) -> Tensor:
    """Category indices drawn with probabilities proportional to the rows of ``input``.

    ``input`` holds non-negative weights (they need not sum to 1): one row of categories, or a
    matrix with one distribution per row. Without ``replacement`` a category is drawn at most
    once per row, and, as in PyTorch, zero-weight categories come after all the others.

    Raises:
        RuntimeError: for ``input`` of 0 or more than 2 dims, negative, infinite or NaN
            weights, a row summing to 0, or more samples than categories without replacement.

    Shapes:
        ``(num_samples,)`` for a 1-d ``input``, ``(rows, num_samples)`` for a 2-d one.

    Examples:
        >>> multinomial(tg.tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
        [1, 1]
        >>> sorted(multinomial(tg.tensor([1.0, 1.0, 1.0]), 3).tolist())
        [0, 1, 2]
    """
    weights = np.asarray(_tensor_arg(input, "input", "multinomial").numpy(), dtype=np.float64)
    count = _dim(num_samples, 2, "multinomial")
    _check_multinomial(weights, count, replacement)
    rows = np.atleast_2d(weights)
    rng = random.resolve(generator, "multinomial")
    indices = _with_replacement(rows, count, rng) if replacement else _without(rows, count, rng)
    return _made(
        indices if weights.ndim == 2 else indices[0], np.dtype(np.int64), None, False, "multinomial"
    )


def _with_replacement(rows: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    cdf = np.cumsum(rows, axis=1)
    cdf /= cdf[:, -1:]  # the last positive category's bound is exactly 1 > every draw
    draws = rng.random((rows.shape[0], count))
    return np.stack([np.searchsorted(c, u, side="right") for c, u in zip(cdf, draws)])


def _without(rows: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    # w / E with E ~ Exp(1) orders the categories as successive weighted draws without
    # replacement would (PyTorch's method); zero weights come last, as in PyTorch
    scores = rows / rng.exponential(size=rows.shape)
    return np.argsort(-scores, axis=1, kind="stable")[:, :count]


def _check_multinomial(weights: np.ndarray, count: int, replacement: bool) -> None:
    if weights.ndim not in (1, 2):
        raise RuntimeError(f"multinomial(): input must be 1 or 2 dim, got shape {weights.shape}")
    if count <= 0:
        raise RuntimeError(f"multinomial(): cannot sample num_samples={count} <= 0 samples")
    if not replacement and count > weights.shape[-1]:
        raise RuntimeError(
            f"multinomial(): cannot sample num_samples={count} > input.size(-1)="
            f"{weights.shape[-1]} samples without replacement"
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError(
            "multinomial(): probability tensor contains either inf, nan or element < 0"
        )
    if (np.atleast_2d(weights).sum(axis=-1) <= 0).any():
        raise RuntimeError(
            "multinomial(): invalid multinomial distribution (sum of probabilities <= 0)"
        )


def rand_like(
    input: Tensor,
    *,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``rand`` in ``input``'s shape and (unless ``dtype`` is given) floating dtype.

    Raises:
        NotImplementedError: for an integer or bool dtype, as PyTorch.

    Examples:
        >>> rand_like(tg.zeros(2, 3, dtype=tg.float64)).dtype
        dtype('float64')
    """
    source = _tensor_arg(input, "input", "rand_like")
    return rand(
        source.shape,
        generator=generator,
        dtype=source.dtype if dtype is None else dtype,
        device=device,
        requires_grad=requires_grad,
    )


def randn_like(
    input: Tensor,
    *,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``randn`` in ``input``'s shape and (unless ``dtype`` is given) floating dtype.

    Raises:
        NotImplementedError: for an integer or bool dtype, as PyTorch.

    Examples:
        >>> randn_like(tg.zeros(2, 3)).shape
        (2, 3)
    """
    source = _tensor_arg(input, "input", "randn_like")
    return randn(
        source.shape,
        generator=generator,
        dtype=source.dtype if dtype is None else dtype,
        device=device,
        requires_grad=requires_grad,
    )


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    generator: Any = None,
    dtype: Any = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """``randint`` in ``input``'s shape and (unless ``dtype`` is given) dtype.

    ``randint_like(x, high)`` or ``randint_like(x, low, high)``, as PyTorch.

    Examples:
        >>> x = randint_like(tg.zeros(4), 5)
        >>> x.dtype, 0 <= x.min().item() and x.max().item() < 5
        (dtype('float32'), True)
    """
    source = _tensor_arg(input, "input", "randint_like")
    if high is None:
        low, high = 0, low
    bounds = _dim(low, 2, "randint_like"), _dim(high, 3, "randint_like")
    values = _integers(*bounds, source.shape, generator, "randint_like")
    resolved = source.dtype if dtype is None else dtypes.as_dtype(dtype, "randint_like")
    return _made(values, resolved, device, requires_grad, "randint_like")


# --------------------------------------------------------------------------- queries


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a ``tg.Tensor`` (a ``Parameter`` is one too).

    Examples:
        >>> is_tensor(tg.zeros(1)), is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input`` has a floating dtype (``float16``, ``float32`` or ``float64``).

    Examples:
        >>> is_floating_point(tg.zeros(1)), is_floating_point(tg.arange(3))
        (True, False)
    """
    return _tensor_arg(input, "input", "is_floating_point").dtype.kind == "f"


# --------------------------------------------------------------------------- from data


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that *shares* ``array``'s memory (no copy), as ``torch.from_numpy``.

    Writing into one changes the other; the dtype is the array's.

    Raises:
        TypeError: when ``array`` is not a NumPy array, or not of a numeric or bool dtype.

    Examples:
        >>> a = np.zeros(3, dtype=np.float32)
        >>> t = from_numpy(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 0., 0.])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy(): expected np.ndarray (got {type(array).__name__})")
    dtypes.as_dtype(array.dtype, "from_numpy")
    shared = Tensor(np.empty(0, dtype=array.dtype))
    shared.data = array
    return shared


def as_tensor(data: Any, dtype: Any = None, device: DeviceLike = None) -> Tensor:
    """``data`` as a tensor, without a copy when it can be avoided, as ``torch.as_tensor``.

    A tensor of the right dtype is returned as it is; a NumPy array of the right dtype is
    shared (see ``from_numpy``); anything else is converted as ``tg.tensor`` does.

    Examples:
        >>> a = np.arange(3.0)
        >>> t = as_tensor(a)
        >>> a[0] = 9.0
        >>> t.tolist()
        [9.0, 1.0, 2.0]
        >>> as_tensor([1, 2], dtype=tg.float32)
        tensor([1., 2.])
    """
    available_device(device, "as_tensor")
    wanted = None if dtype is None else dtypes.as_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if wanted is None or wanted == data.dtype else data.to(wanted)
    if isinstance(data, np.ndarray) and (wanted is None or wanted == data.dtype):
        return from_numpy(data)
    return Tensor(data, dtype=wanted)


# --------------------------------------------------------------------------- legacy constructors


class _TypedTensorMeta(type):
    """``isinstance(t, tg.FloatTensor)`` is true for a ``Tensor`` of that dtype, as PyTorch."""

    dtype: np.dtype[Any]

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


class _TypedTensor(metaclass=_TypedTensorMeta):
    dtype: np.dtype[Any] = np.dtype(np.float32)

    # a factory, as PyTorch's legacy constructors: it returns a Tensor, not an instance [misc]
    def __new__(cls, *args: Any, device: DeviceLike = None) -> Tensor:  # type: ignore[misc]
        available_device(device, cls.__name__)
        if not args:
            return Tensor(np.empty(0, dtype=cls.dtype))
        if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
            return Tensor(args[0], dtype=cls.dtype)  # data: numbers, lists, arrays, tensors
        return Tensor(np.zeros(_size(args, None, cls.__name__), dtype=cls.dtype))


class FloatTensor(_TypedTensor):
    """PyTorch's legacy constructor of ``float32`` tensors: from data, or from sizes.

    ``FloatTensor([1, 2])`` converts the data; ``FloatTensor(2, 3)`` (ints or a ``tg.Size``)
    makes a tensor of that shape (zeros here; PyTorch leaves it uninitialised).

    Examples:
        >>> tg.FloatTensor([1, 2])
        tensor([1., 2.])
        >>> tg.FloatTensor(2, 3).shape
        (2, 3)
    """

    dtype = np.dtype(np.float32)


class DoubleTensor(_TypedTensor):
    """``float64`` tensors from data or sizes, as ``FloatTensor``.

    Examples:
        >>> tg.DoubleTensor([1.5]).dtype
        dtype('float64')
    """

    dtype = np.dtype(np.float64)


class LongTensor(_TypedTensor):
    """``int64`` tensors from data or sizes (floats are truncated), as ``FloatTensor``.

    Examples:
        >>> tg.LongTensor([1.7, 2.0])
        tensor([1, 2])
    """

    dtype = np.dtype(np.int64)


class IntTensor(_TypedTensor):
    """``int32`` tensors from data or sizes, as ``FloatTensor``.

    Examples:
        >>> tg.IntTensor([1, 2]).dtype
        dtype('int32')
    """

    dtype = np.dtype(np.int32)


class BoolTensor(_TypedTensor):
    """``bool`` tensors from data or sizes, as ``FloatTensor``.

    Examples:
        >>> tg.BoolTensor([1, 0]).tolist()
        [True, False]
    """

    dtype = np.dtype(np.bool_)


class _VariableMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)  # every tensor is a Variable, as in PyTorch


class Variable(metaclass=_VariableMeta):
    """PyTorch's old spelling ``tg.autograd.Variable(t, requires_grad=False)``.

    Gives a new leaf tensor that shares ``t``'s memory (outside ``t``'s graph) and requires
    grad if asked; every tensor counts as a ``Variable`` for ``isinstance``.

    Raises:
        TypeError: when ``data`` is not a tensor.
        RuntimeError: for ``requires_grad=True`` on a non-floating tensor.

    Examples:
        >>> x = tg.autograd.Variable(tg.ones(2), requires_grad=True)
        >>> x.requires_grad, x.is_leaf, isinstance(x, tg.autograd.Variable)
        (True, True, True)
    """

    # a factory: it returns the Tensor itself, not a Variable instance [misc]
    def __new__(cls, data: Tensor, requires_grad: bool = False) -> Tensor:  # type: ignore[misc]
        tensor = _tensor_arg(data, "data", "Variable")
        return tensor.detach().requires_grad_(requires_grad)
