"""testing.py: property-based testing of gradients, hypothesis strategies and one assertion.

This is the toolkit the package's own test suite uses to check every rule in ``rules.py``,
offered for testing your own functions: strategies that draw shapes, arrays and tensors, and
``assert_gradients_match``, which runs ``tg.gradcheck`` (and optionally ``tg.gradgradcheck``
and PyTorch) on one example. Install the ``test`` extra first
(``pip install tinygrad4h03[test]``), which brings hypothesis; this module imports it at the
top and is not imported by ``tinygrad4h03`` itself. A property test of your own function
takes five lines:

```python
from hypothesis import given
import tinygrad4h03 as tg
from tinygrad4h03.testing import arrays, assert_gradients_match, shapes

@given(arrays(shapes(min_dims=1)))
def test_my_fn(x):
    assert_gradients_match(lambda t: (t * t.sigmoid()).sum(), tg.tensor(x, requires_grad=True))
```

Strategies draw **float64** data in ranges where finite differences are reliable, and
small shapes (1–3 per axis), because a finite-difference check costs two evaluations per
input element. Inputs that a function only accepts on part of the real line are moved into
its domain by construction (``positive_arrays`` for ``log``/``sqrt``, ``away_from_zero`` for
the kinks of ``relu``/``abs``, ``distinct_arrays`` for ``max``), so no example is wasted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .autograd import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .tensor import Tensor

Shape = tuple[int, ...]
ShapeLike = Shape | st.SearchStrategy[Shape]

__all__ = [
    "arrays",
    "assert_gradients_match",
    "away_from_zero",
    "broadcastable_pairs",
    "broadcastable_shapes",
    "distinct_arrays",
    "matmul_shapes",
    "positive_arrays",
    "shapes",
    "tensors",
]


# --------------------------------------------------------------------------- shapes


def shapes(
    min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3
) -> st.SearchStrategy[Shape]:
    """Shapes of ``min_dims..max_dims`` axes with ``min_side..max_side`` each (``()`` included).

    Args:
        min_dims: the fewest axes; 0 allows the 0-d shape ``()``.
        max_dims: the most axes.
        min_side: the smallest size of an axis.
        max_side: the largest size of an axis.

    Returns:
        A strategy of shape tuples.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(shapes(max_dims=2))
        ... def check(shape):
        ...     assert len(shape) <= 2 and all(1 <= n <= 3 for n in shape)
        >>> check()
    """
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


@st.composite
def broadcastable_shapes(
    draw: st.DrawFn, shape: Shape, min_dims: int = 0, max_dims: int | None = None
) -> Shape:
    """A shape that broadcasts against ``shape`` to exactly ``shape``.

    Drawn by keeping a suffix of ``shape`` (``min_dims`` axes at least, so ``()`` — a 0-d
    operand — is possible) and setting any of the kept axes to 1.

    Args:
        shape: the shape to broadcast against.
        min_dims: the fewest axes to keep.
        max_dims: the most axes to keep; all of ``shape``'s when ``None``.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(broadcastable_shapes((2, 3)))
        ... def check(shape):
        ...     assert np.broadcast_shapes(shape, (2, 3)) == (2, 3)
        >>> check()
    """
    top = len(shape) if max_dims is None else min(max_dims, len(shape))
    ndim = draw(st.integers(min(min_dims, top), top))
    kept = shape[len(shape) - ndim :]
    ones = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))
    return tuple(1 if one else n for n, one in zip(kept, ones, strict=True))


@st.composite
def broadcastable_pairs(
    draw: st.DrawFn, min_dims: int = 0, max_dims: int = 3, max_side: int = 3
) -> tuple[Shape, Shape]:
    """Two shapes that broadcast together: size-1 axes, missing leading axes and 0-d operands.

    ``np.broadcast_shapes(a, b)`` is defined for every pair drawn: one shape keeps every axis
    of a drawn shape (some set to 1), the other a suffix of it (some set to 1), in either
    order.

    Args:
        min_dims: the fewest axes of the drawn shape.
        max_dims: the most axes of the drawn shape.
        max_side: the largest size of an axis.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(broadcastable_pairs())
        ... def check(pair):
        ...     assert len(np.broadcast_shapes(*pair)) == max(len(pair[0]), len(pair[1]))
        >>> check()
    """
    result = draw(shapes(min_dims, max_dims, 1, max_side))
    full = draw(broadcastable_shapes(result, min_dims=len(result)))  # all axes, some set to 1
    other = draw(broadcastable_shapes(result))
    return (full, other) if draw(st.booleans()) else (other, full)


@st.composite
def matmul_shapes(
    draw: st.DrawFn, max_batch_dims: int = 2, max_side: int = 3
) -> tuple[Shape, Shape]:
    """Shapes ``(a, b)`` for which ``a @ b`` is defined, as NumPy and PyTorch define it.

    Covers vector · vector, vector · matrix, matrix · vector, matrix · matrix and batched
    operands whose batch axes broadcast (size-1 and missing batch axes included): ``a`` is
    ``(k,)`` or ``(*batch_a, n, k)`` and ``b`` is ``(k,)`` or ``(*batch_b, k, m)``.

    Args:
        max_batch_dims: the most batch axes.
        max_side: the largest of n, k, m and the batch sizes.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(matmul_shapes())
        ... def check(pair):
        ...     assert (np.ones(pair[0]) @ np.ones(pair[1])).ndim <= 4
        >>> check()
    """
    n, k, m = (draw(st.integers(1, max_side)) for _ in range(3))
    batch = draw(shapes(0, max_batch_dims, 1, max_side))
    a = (k,) if draw(st.booleans()) else (*draw(broadcastable_shapes(batch)), n, k)
    b = (k,) if draw(st.booleans()) else (*draw(broadcastable_shapes(batch)), k, m)
    return a, b


# --------------------------------------------------------------------------- arrays and tensors


def arrays(
    shape: ShapeLike, low: float = -3.0, high: float = 3.0, dtype: Any = np.float64
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``shape`` (a tuple, or a strategy of tuples) with values in ``[low, high]``.

    No NaN or infinity; float64 unless ``dtype`` says otherwise.

    Args:
        shape: a shape tuple, or a strategy of them (e.g. ``shapes()``).
        low: the smallest value.
        high: the largest value.
        dtype: a floating NumPy dtype.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(arrays((2, 3)))
        ... def check(x):
        ...     assert x.shape == (2, 3) and x.dtype == np.float64 and np.abs(x).max() <= 3
        >>> check()
    """
    width = 8 * np.dtype(dtype).itemsize
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=width)
    return hnp.arrays(np.dtype(dtype), shape, elements=elements)


def positive_arrays(
    shape: ShapeLike, low: float = 0.1, high: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays in ``[low, high]`` with ``low > 0``, the domain of ``log`` and ``sqrt``.

    Each value is ``low + |x|``: moved into the domain, never filtered.

    Args:
        shape: a shape tuple, or a strategy of them.
        low: the smallest value, > 0.
        high: the largest value.

    Raises:
        ValueError: ``low <= 0``.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(positive_arrays((3,)))
        ... def check(x):
        ...     assert (x >= 0.1).all() and (x <= 3.0).all()
        >>> check()
    """
    if low <= 0:
        raise ValueError(f"positive_arrays: low must be > 0, got {low}")
    return arrays(shape, 0.0, high - low).map(lambda x: low + np.abs(x))


def away_from_zero(
    shape: ShapeLike, margin: float = 0.1, high: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays with ``margin <= |x| <= high``: clear of the kinks of ``relu`` and ``abs`` at 0.

    Each value is ``sign(x) · (margin + |x|)``, with ``sign(0)`` taken as +1.

    Args:
        shape: a shape tuple, or a strategy of them.
        margin: the smallest distance from 0.
        high: the largest distance from 0.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(away_from_zero((3,)))
        ... def check(x):
        ...     assert (np.abs(x) >= 0.1).all()
        >>> check()
    """
    return arrays(shape, -(high - margin), high - margin).map(
        lambda x: np.where(x >= 0, 1.0, -1.0) * (margin + np.abs(x))
    )


@st.composite
def distinct_arrays(draw: st.DrawFn, shape: ShapeLike, gap: float = 0.25) -> np.ndarray:
    """Arrays whose values are pairwise at least ``gap`` apart (no ties: ``max`` is smooth there).

    The values are a random permutation of ``gap · (0, 1, ..., n−1)``, shifted to centre on 0.

    Args:
        shape: a shape tuple, or a strategy of them.
        gap: the distance between neighbouring values.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(distinct_arrays((2, 2)))
        ... def check(x):
        ...     assert np.diff(np.sort(x, axis=None)).min() >= 0.25
        >>> check()
    """
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    size = int(np.prod(shape, dtype=np.int64))
    order = draw(st.permutations(range(size)))
    values = gap * (np.asarray(order, dtype=np.float64) - (size - 1) / 2)
    return values.reshape(shape)


def tensors(
    shape: ShapeLike | None = None,
    requires_grad: bool = True,
    elements: Callable[[ShapeLike], st.SearchStrategy[np.ndarray]] = arrays,
) -> st.SearchStrategy[Tensor]:
    """float64 tensors of ``shape`` (any small shape when ``None``) with values from ``elements``.

    Args:
        shape: a shape tuple, a strategy of them, or ``None`` for ``shapes()``.
        requires_grad: whether the drawn tensors require grad.
        elements: one of the array strategies above (``arrays``, ``positive_arrays``, ...).

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, derandomize=True)
        ... @given(tensors((2,), elements=positive_arrays))
        ... def check(t):
        ...     assert t.requires_grad and t.shape == (2,) and (t.numpy() > 0).all()
        >>> check()
    """
    return elements(shapes() if shape is None else shape).map(
        lambda x: Tensor(x, requires_grad=requires_grad)
    )


# --------------------------------------------------------------------------- the assertion


def assert_gradients_match(
    fn: Callable[..., Any],
    *inputs: Any,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    second_order: bool = False,
    torch_fn: Callable[..., Any] | bool | None = None,
) -> None:
    """Assert that autograd differentiates ``fn(*inputs)`` right; else raise ``AssertionError``.

    Oracles, in order:

    1. central finite differences in float64 with the outputs contracted by a random
       weight (``tg.gradcheck``), for every input with ``requires_grad=True``;
    2. with ``second_order=True``, the same for the gradient itself (``tg.gradgradcheck``);
    3. PyTorch, when it is importable and ``torch_fn`` is given: ``True`` runs ``fn`` itself
       on ``torch.Tensor`` inputs (for a function written only with operators and methods
       that both libraries have), a callable runs that function instead. Values and
       gradients (of the outputs contracted with random weights) must agree within
       ``atol``/``rtol``. Without PyTorch this oracle is skipped.

    Args:
        fn: the function under test, of tensors, returning a tensor or a tuple of them.
        *inputs: its arguments. NumPy float arrays among them become float64 tensors with
            ``requires_grad=True``.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        second_order: also check second derivatives.
        torch_fn: ``True``, a PyTorch function, or ``None`` to skip the PyTorch oracle.

    Raises:
        AssertionError: an oracle disagrees; the message names the oracle, the input and
            the index.

    Examples:
        >>> x = np.array([0.5, -1.0, 2.0])
        >>> assert_gradients_match(lambda t: (t * t.sigmoid()).sum(), x, second_order=True)
        >>> assert_gradients_match(lambda t: t.detach() * t, x)
        Traceback (most recent call last):
        ...
        AssertionError: assert_gradients_match(<lambda>): finite differences disagree ...
    """
    args = [_as_input(x) for x in inputs]
    name = getattr(fn, "__name__", repr(fn))
    _check("finite differences", name, lambda: gradcheck(fn, args, atol=atol, rtol=rtol))
    if second_order:
        _check("second derivatives", name, lambda: gradgradcheck(fn, args, atol=atol, rtol=rtol))
    torch = _import_torch() if torch_fn else None
    if torch is not None and torch_fn:
        reference = fn if isinstance(torch_fn, bool) else torch_fn
        _compare_with_torch(torch, fn, reference, args, name, atol, rtol)


def _as_input(x: Any) -> Any:
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return Tensor(x.astype(np.float64), requires_grad=True)
    return x


def _check(oracle: str, name: str, run: Callable[[], object]) -> None:
    try:
        run()
    except GradcheckError as error:
        raise AssertionError(
            f"assert_gradients_match({name}): {oracle} disagree with autograd: {error}"
        ) from None


def _import_torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


def _compare_with_torch(
    torch: Any,
    fn: Callable[..., Any],
    reference: Callable[..., Any],
    args: Sequence[Any],
    name: str,
    atol: float,
    rtol: float,
) -> None:
    """Run ``fn`` and ``reference`` (on torch tensors) in float64; compare values and gradients."""
    ours = [_float64_copy(x) for x in args]
    theirs = [_to_torch(torch, x) for x in ours]
    out, ref = _outputs(fn(*ours)), _outputs(reference(*theirs))
    values = [r.detach().numpy() for r in ref]
    _assert_close(name, "value", [o.numpy() for o in out], values, atol, rtol)
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(o.shape) for o in out]
    wanted = [i for i, x in enumerate(ours) if isinstance(x, Tensor) and x.requires_grad]
    if not wanted or not any(o.requires_grad for o in out):
        return
    pairs = zip(out, ref, weights, strict=True)
    total = sum((o * Tensor(w)).sum() for o, _, w in pairs if o.requires_grad)
    ours_grads = grad(total, [ours[i] for i in wanted], allow_unused=True)
    pairs = zip(out, ref, weights, strict=True)
    ref_total = sum((r * torch.from_numpy(w)).sum() for o, r, w in pairs if o.requires_grad)
    ref_grads = torch.autograd.grad(ref_total, [theirs[i] for i in wanted], allow_unused=True)
    _assert_close(
        name,
        "gradient",
        [_grad_array(g, ours[i]) for g, i in zip(ours_grads, wanted, strict=True)],
        [_grad_array(r, ours[i]) for r, i in zip(ref_grads, wanted, strict=True)],
        atol,
        rtol,
    )


def _float64_copy(x: Any) -> Any:
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor(x.numpy().astype(np.float64), requires_grad=x.requires_grad)
    return x


def _to_torch(torch: Any, x: Any) -> Any:
    if not isinstance(x, Tensor):
        return x
    return torch.tensor(x.numpy(), requires_grad=x.requires_grad)


def _outputs(result: Any) -> list[Any]:
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _grad_array(g: Any, like: Tensor) -> np.ndarray:
    if g is None:
        return np.zeros_like(like.numpy())
    return g.numpy() if isinstance(g, Tensor) else g.detach().numpy()


def _assert_close(
    name: str,
    what: str,
    ours: Sequence[np.ndarray],
    theirs: Sequence[np.ndarray],
    atol: float,
    rtol: float,
) -> None:
    if len(ours) != len(theirs):
        raise AssertionError(
            f"assert_gradients_match({name}): {len(ours)} outputs here, {len(theirs)} in PyTorch"
        )
    for position, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if np.shape(a) != np.shape(b) or not np.allclose(a, b, atol=atol, rtol=rtol):
            raise AssertionError(
                f"assert_gradients_match({name}): PyTorch disagrees on the {what} #{position}: "
                f"ours {np.asarray(a).tolist()} (shape {np.shape(a)}), "
                f"PyTorch's {np.asarray(b).tolist()} (shape {np.shape(b)})"
            )
