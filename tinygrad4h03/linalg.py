"""linalg.py: ``tg.linalg``, PyTorch's ``torch.linalg`` norms, inverse, determinant and solve.

The norms are composed of tensor operations (``Tensor.norm``'s ``rules.NORM``, ``abs``,
``sum``, ``amax``), so their derivatives come from those rules; ``inv``, ``det`` and
``solve`` are rules of their own (``rules.INV``, ``rules.DET``, ``rules.SOLVE``), their VJPs
written with matrix products so that they can be differentiated again.

Examples:
    >>> tg.linalg.vector_norm(tg.tensor([3.0, -4.0]))
    tensor(5.)
    >>> tg.linalg.matrix_norm(tg.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
    tensor(6.)
"""

from __future__ import annotations

import math
from typing import Any

from . import rules
from .tensor import ShapeError, Tensor, apply

__all__ = ["det", "inv", "matrix_norm", "norm", "solve", "vector_norm"]

_MATRIX_ORDS = ("fro", 1, -1, math.inf, -math.inf)


def _check_floating(x: Any, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if not x.is_floating_point():
        raise RuntimeError(
            f"{op}: Expected a floating point or complex tensor as input. Got {x.dtype}"
        )


def vector_norm(
    x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """The vector ``ord``-norm over ``dim`` (an int, a tuple, or ``None`` for every element):
    (Σ |x|^ord)^(1/ord); ``inf``/``-inf`` the largest/smallest |x|, ``0`` the count of
    nonzeros. At the zero vector the gradient is 0, as PyTorch's.

    Raises:
        RuntimeError: for an integer tensor; ``TypeError`` for an ``ord`` that is not a number.

    Examples:
        >>> x = tg.tensor([[3.0, -4.0], [0.0, 1.0]])
        >>> tg.linalg.vector_norm(x, dim=1), tg.linalg.vector_norm(x, ord=float("inf"))
        (tensor([5., 1.]), tensor(4.))
    """
    _check_floating(x, "linalg.vector_norm")
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be Number, not {ord!r}")
    source = x if dtype is None else x.to(dtype)
    dims = tuple(range(x.ndim)) if dim is None else dim
    if ord == -math.inf:
        return source.abs().amin(dims, keepdim)
    return source.norm(ord, dims, keepdim)


def matrix_norm(
    A: Tensor, ord: Any = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False
) -> Tensor:
    """The matrix norm over the two dims ``dim`` (each matrix of a batch): ``"fro"`` the
    Frobenius norm √Σ a²; ``1``/``-1`` the largest/smallest column sum of |a|; ``inf``/``-inf``
    the largest/smallest row sum of |a|. (``"nuc"`` and ``±2``, which need singular values,
    are not implemented.)

    Raises:
        RuntimeError: for fewer than 2 dims, an integer tensor, an unknown ``ord`` or a
            ``dim`` that is not two different dims.

    Examples:
        >>> A = tg.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> tg.linalg.matrix_norm(A, ord=float("inf")), tg.linalg.matrix_norm(A) ** 2
        (tensor(7.), tensor(30.))
    """
    _check_floating(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError(
            f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions, got shape "
            f"{A.shape}"
        )
    rows, cols = _matrix_dims(dim, A.ndim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} (singular values) is not here")
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord!r} not supported.")
    if ord == "fro":
        return A.norm(2, (rows, cols), keepdim)
    summed, across = (rows, cols) if abs(ord) == 1 else (cols, rows)  # columns for 1, rows for inf
    sums = A.abs().sum(summed, keepdim=True)
    out = sums.amax(across, keepdim=True) if ord > 0 else sums.amin(across, keepdim=True)
    return out if keepdim else out.squeeze((rows, cols))


def _matrix_dims(dim: Any, ndim: int) -> tuple[int, int]:
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple of ints, got {dim!r}")
    for d in dim:
        if not -ndim <= d < ndim:
            raise IndexError(
                f"linalg.matrix_norm: Dimension out of range (expected to be in range of "
                f"[{-ndim}, {ndim - 1}], but got {d})"
            )
    rows, cols = (int(d) % ndim for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different, got {tuple(dim)}")
    return rows, cols


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:
    """PyTorch's dispatch: a vector norm over one dim (or every element, when neither ``ord``
    nor ``dim`` is given), a matrix norm over two dims (or over a 2-D ``A`` with ``ord``).

    Raises:
        RuntimeError: when ``ord`` is given without ``dim`` for a tensor that is not 1-D or 2-D.

    Examples:
        >>> A = tg.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> tg.linalg.norm(A, dim=1), tg.linalg.norm(A, ord=1)
        (tensor([2.2361, 5.    ]), tensor(6.))
    """
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim)
    if ord is None:
        return vector_norm(A, 2, None, keepdim)
    if A.ndim not in (1, 2):
        raise RuntimeError(
            f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim)
    return matrix_norm(A, ord, (-2, -1), keepdim)


def _check_square(A: Any, op: str) -> None:
    _check_floating(A, op)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{op}: A must be batches of square matrices, but they are {tuple(A.shape[-2:])} "
            f"matrices (shape {A.shape})"
        )


def _invertible(rule: rules.Rule, op: str, A: Tensor, *others: Tensor) -> Tensor:
    """``apply(rule, A, *others)``, a singular ``A`` named as such (PyTorch's RuntimeError)."""
    try:
        return apply(rule, A, *others)
    except ShapeError as error:
        if "Singular" not in str(error):
            raise
    raise RuntimeError(
        f"{op}: The input matrix of shape {A.shape} is singular, so it has no inverse"
    )


def inv(A: Tensor) -> Tensor:
    """The inverse A⁻¹ of a square matrix (or of each in a batch), ``rules.INV``:
    ∂ℰ/∂A = −A⁻ᵀ g A⁻ᵀ.

    Raises:
        RuntimeError: for a matrix that is not square, or is singular.

    Examples:
        >>> tg.linalg.inv(tg.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5 , 0.  ], [0.  , 0.25]])
    """
    _check_square(A, "linalg.inv")
    return _invertible(rules.INV, "linalg.inv", A)


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix (or of each in a batch), ``rules.DET``:
    ∂ℰ/∂A = g · det(A) · A⁻ᵀ (so the gradient needs an invertible A).

    Examples:
        >>> tg.linalg.det(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    _check_square(A, "linalg.det")
    return apply(rules.DET, A)


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (``left=False``: X A = B), ``rules.SOLVE``: ``B`` may be a batch of
    matrices, or a vector (``B.ndim == 1``, or one dim fewer than ``A`` with the same batch).
    ∂ℰ/∂B = A⁻ᵀ g and ∂ℰ/∂A = −(A⁻ᵀ g) Xᵀ.

    Raises:
        RuntimeError: for a matrix that is not square or is singular, or shapes that do not
            fit.

    Examples:
        >>> tg.linalg.solve(tg.tensor([[2.0, 0.0], [0.0, 4.0]]), tg.tensor([2.0, 2.0]))
        tensor([1. , 0.5])
    """
    _check_square(A, "linalg.solve")
    _check_floating(B, "linalg.solve")
    if not left:  # X A = B  ⟺  Aᵀ Xᵀ = Bᵀ
        return solve(A.mT, B.mT).mT
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    column = B.unsqueeze(-1) if vector else B
    if column.ndim < 2 or column.shape[-2] != A.shape[-1]:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({tuple(A.shape)} and {tuple(B.shape)})"
        )
    out = _invertible(rules.SOLVE, "linalg.solve", A, column)
    return out.squeeze(-1) if vector else out
