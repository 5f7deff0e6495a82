"""functions.py: PyTorch's tensor functions — ``tg.sin(x)``, ``tg.matmul(a, b)``, ``tg.std(x, 0)``.

Each function here is the tensor method of the same name called on its first argument
(``tg.sin(x)`` is ``x.sin()``, ``tg.clamp(x, min=0)`` is ``x.clamp(min=0)``): the work is done
there, and every derivative lives in ``rules.py``. What has no method of its own is written out
below: ``einsum``, ``dot``, ``outer`` and the comparisons of whole tensors (``equal``,
``allclose``, ``isclose``).

Examples:
    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> tg.sin(x).sum().backward()
    >>> tg.allclose(x.grad, tg.cos(x))  # d sin x / dx = cos x
    True
    >>> tg.allclose(tg.matmul(tg.ones(2, 3), tg.ones(3)), tg.full((2,), 3.0))
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import rules
from .tensor import Tensor, apply, cat

_METHODS = (
    # elementwise
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "exp",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "rsqrt",
    "square",
    "abs",
    "sign",
    "floor",
    "ceil",
    "trunc",
    "round",
    "reciprocal",
    "neg",
    "sigmoid",
    "relu",
    "isnan",
    "isinf",
    "isfinite",
    "clamp",
    "maximum",
    "minimum",
    "masked_fill",
    "pow",
    "add",
    "sub",
    "mul",
    "div",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    # reductions, scans and sorting
    "sum",
    "mean",
    "std",
    "var",
    "norm",
    "logsumexp",
    "cumsum",
    "argmax",
    "argmin",
    "all",
    "any",
    "count_nonzero",
    "unique",
    "sort",
    "argsort",
    "topk",
    "gather",
    "softmax",
    "log_softmax",
    # shapes and products
    "matmul",
    "mm",
    "bmm",
    "reshape",
    "flatten",
    "squeeze",
    "unsqueeze",
    "transpose",
    "permute",
    "t",
    "flip",
    "tril",
    "triu",
    "chunk",
    "split",
    "clone",
    "numel",
    # the next layer: gathers along a dim, diagonals, products, indices
    "erf",
    "clamp_min",
    "clamp_max",
    "prod",
    "cumprod",
    "diag",
    "diagonal",
    "trace",
    "masked_select",
    "broadcast_to",
    "index_select",
    "roll",
    "tile",
    "argwhere",
    "nonzero",
    # moving dims, medians and scatters
    "movedim",
    "moveaxis",
    "swapaxes",
    "swapdims",
    "unbind",
    "median",
    "nanmedian",
    "scatter",
    "scatter_add",
    "index_add",
)
_ALIASES = {
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "negative": "neg",
    "absolute": "abs",
    "clip": "clamp",
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "true_divide": "div",
}


def _method(name: str) -> Callable[..., Any]:
    """``tg.<name>(input, *args, **kwargs)``: ``input.<name>(*args, **kwargs)``."""

    def function(input: Any, *args: Any, out: Tensor | None = None, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}"
            )
        result = getattr(input, name)(*args, **kwargs)
        return result if out is None else _write_out(out, result, name)

    function.__doc__ = f"``tg.{name}(input, ...)`` is ``input.{name}(...)``: see ``Tensor.{name}``."
    return function


def _write_out(out: Tensor, result: Tensor, name: str) -> Tensor:
    """``out=``: the result copied into ``out`` (same shape), which is returned."""
    if tuple(out.shape) != tuple(result.shape):
        raise RuntimeError(
            f"{name}(): out= has shape {tuple(out.shape)}, but the result has shape "
            f"{tuple(result.shape)}"
        )
    return out.copy_(result.detach())


for _name in _METHODS:
    globals()[_name] = _method(_name)
for _alias, _name in _ALIASES.items():
    globals()[_alias] = _method(_name)

__all__ = [  # the generated names above, then the functions below
    *_METHODS,
    *_ALIASES,
    "allclose",
    "broadcast_tensors",
    "concat",
    "concatenate",
    "dot",
    "einsum",
    "equal",
    "floor_divide",
    "isclose",
    "meshgrid",
    "outer",
    "remainder",
    "repeat_interleave",
]


def pow(input: Any, exponent: Any, *, out: Tensor | None = None) -> Tensor:
    """``input ** exponent`` elementwise; either side may be a number, as ``torch.pow``.

    Examples:
        >>> tg.pow(2, tg.tensor([1.0, 3.0])), tg.pow(tg.tensor([3.0]), 2)
        (tensor([2., 8.]), tensor([9.]))
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(
            f"pow(): expected a Tensor base or exponent, got {type(input).__name__} and "
            f"{type(exponent).__name__}"
        )
    result = input**exponent
    return result if out is None else _write_out(out, result, "pow")


concat = concatenate = cat  # PyTorch's other spellings of tg.cat


def floor_divide(input: Tensor, other: Any) -> Tensor:
    """⌊input / other⌋ elementwise (``input // other``; not differentiable, as PyTorch).

    Examples:
        >>> tg.floor_divide(tg.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return input // other


def remainder(input: Tensor, other: Any) -> Tensor:
    """``input % other`` with the sign of ``other``, as Python and PyTorch.

    Examples:
        >>> tg.remainder(tg.tensor([5.0, -5.0]), 3)
        tensor([2., 1.])
    """
    return input % other


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, as ``numpy.einsum``: ``"ij,jk->ik"`` is a matrix product.

    Differentiable in every operand (``rules.EINSUM``: the gradient of an operand is the
    einsum of the output's gradient with the other operands); an operand with a repeated index
    (a diagonal, ``"ii->i"``) has no gradient here.

    Examples:
        >>> a, b = tg.ones(2, 3), tg.ones(3, 4)
        >>> tuple(tg.einsum("ij,jk->ik", a, b).shape)
        (2, 4)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # einsum("...", [a, b]), as PyTorch accepts
    tensors = [x if isinstance(x, Tensor) else Tensor(x) for x in operands]
    return apply(rules.EINSUM, *tensors, subscripts=subscripts)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two 1-D tensors of the same length.

    Examples:
        >>> tg.dot(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(
            f"dot: 1D tensors expected, but got shapes {input.shape} and {tensor.shape}"
        )
    if input.shape != tensor.shape:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensors of the same size, got shapes "
            f"{input.shape} and {tensor.shape}"
        )
    return input @ tensor


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product ``input[i] * vec2[j]`` of two 1-D tensors.

    Examples:
        >>> tg.outer(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 10.0]))
        tensor([[ 1., 10.], [ 2., 20.]])
    """
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape and the same elements.

    Examples:
        >>> a = tg.tensor([1, 2])
        >>> tg.equal(a, tg.tensor([1, 2])), tg.equal(a, tg.tensor([1, 2, 3]))
        (True, False)
    """
    return bool(np.array_equal(np.asarray(input), np.asarray(other)))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether ``|input − other| ≤ atol + rtol·|other|`` everywhere (after broadcasting).

    Examples:
        >>> tg.allclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-9]))
        True
    """
    return bool(np.allclose(np.asarray(input), np.asarray(other), rtol, atol, equal_nan))


def isclose(
    input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """Elementwise ``|input − other| ≤ atol + rtol·|other|``: a bool tensor.

    Examples:
        >>> tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.5]))
        tensor([ True, False])
    """
    return Tensor(np.isclose(np.asarray(input), np.asarray(other), rtol, atol, equal_nan))


def repeat_interleave(
    input: Tensor, repeats: Any = None, dim: int | None = None, **kwargs: Any
) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; with ``input`` alone (1-D counts),
    ``arange(len(input))`` with each index repeated ``input[i]`` times.

    Examples:
        >>> tg.repeat_interleave(tg.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> tg.repeat_interleave(tg.tensor([2, 1]))
        tensor([0, 0, 1])
    """
    if repeats is None:
        return Tensor(np.arange(input.numel())).repeat_interleave(input, **kwargs)
    return input.repeat_interleave(repeats, dim, **kwargs)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape (differentiable, as ``expand``).

    Raises:
        RuntimeError: if the shapes do not broadcast; it names them.

    Examples:
        >>> a, b = tg.broadcast_tensors(tg.ones(2, 1), tg.zeros(3))
        >>> tuple(a.shape), tuple(b.shape)
        ((2, 3), (2, 3))
    """
    shapes = [tuple(t.shape) for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"broadcast_tensors: the shapes {shapes} do not broadcast") from None
    return tuple(t.expand(shape) for t in tensors)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: with ``indexing="ij"`` output i varies along dim i;
    with ``"xy"`` the first two dims are swapped (Cartesian, as NumPy's default).

    Examples:
        >>> x, y = tg.meshgrid(tg.tensor([1, 2, 3]), tg.tensor([10, 20]), indexing="xy")
        >>> x.tolist(), y.tolist()
        ([[1, 2, 3], [1, 2, 3]], [[10, 10, 10], [20, 20, 20]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'meshgrid: indexing must be "ij" or "xy", got {indexing!r}')
    for t in tensors:  # (``all`` is tg.all in this module)
        if not isinstance(t, Tensor) or t.ndim > 1:
            raise RuntimeError(f"meshgrid: expects 0-D or 1-D tensors, got {t!r}")
    dtypes = [t.dtype for t in tensors]
    if len(set(dtypes)) > 1:
        raise RuntimeError(f"meshgrid: expects all tensors to have the same dtype, got {dtypes}")
    flat = [t.reshape(-1) for t in tensors]
    axes = list(range(len(flat)))
    if indexing == "xy" and len(flat) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(flat)
    for t, axis in zip(flat, axes):
        shape[axis] = t.shape[0]
    return tuple(
        t.reshape(tuple(-1 if d == axis else 1 for d in range(len(flat)))).expand(tuple(shape))
        for t, axis in zip(flat, axes)
    )
