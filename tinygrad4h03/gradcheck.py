"""gradcheck.py: ``tg.gradcheck``/``tg.gradgradcheck``, autograd against finite differences.

The independent oracle for every derivative in ``rules.py`` (and for your own functions):
the analytic gradient from the engine is compared, entry by entry, with a numeric one
computed in float64. The outputs are contracted with a random weight of their own shape
before differentiating (as HIPS autograd's ``check_vjp``): with a plain ``.sum()`` every
output counts the same, and a wrong transpose or a diagonal-only Jacobian can pass
unnoticed. ``tinygrad4h03.testing`` builds property-based tests on these two functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .autograd import grad
from .engine import enable_grad, no_grad
from .tensor import Tensor


class GradcheckError(RuntimeError, AssertionError):
    """An analytic gradient that disagrees with finite differences.

    A ``RuntimeError``, as PyTorch's ``GradcheckError``, and also an ``AssertionError``, so a
    failing check reads as a failed test. The message names the input, the index and both
    values.

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> gradcheck(lambda t: t.detach() * t, [x])  # the detached factor gets no gradient
        Traceback (most recent call last):
        ...
        tinygrad4h03.gradcheck.GradcheckError: gradcheck: input 0, index (...): autograd gives ...
    """


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Compare the autograd gradient of ``fn(*inputs)`` with central differences, in float64.

    Floating tensors among ``inputs`` are copied to float64 first. The outputs y_k of ``fn``
    are contracted with fixed random weights w_k ~ N(0, 1) (drawn from ``seed``) into one
    number L = Σ_k Σ (w_k ⊙ y_k). For every input x with ``requires_grad=True`` the analytic
    ∂L/∂x from ``tg.grad`` is compared, entry by entry, with the central difference
    (L(x + eps·e_i) − L(x − eps·e_i)) / (2 eps); the other inputs are held constant.
    Returns ``True``; at the first disagreement ``|analytic − numeric| > atol + rtol · |numeric|``
    raises ``GradcheckError`` naming the input and the index, and the values of your own
    derivative there: the first Jacobian entry ∂y_k[j]/∂x[index] that disagrees (autograd
    beside finite differences), not the randomly weighted sum.

    Args:
        fn: a function of the inputs returning a tensor or a tuple of tensors.
        inputs: a tensor, or a list/tuple of the arguments of ``fn``.
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        seed: seeds the random output weights.

    Returns:
        ``True`` when every entry agrees.

    Raises:
        GradcheckError: an entry disagrees.
        ValueError: no input has ``requires_grad=True``.

    Shapes:
        Any; the check costs two evaluations of ``fn`` per checked input element.

    Examples:
        >>> x = tg.tensor([0.5, -1.0, 2.0], requires_grad=True)
        >>> gradcheck(lambda t: (t * t.sigmoid()).sum(), [x])
        True
    """
    args = _float64_copies(inputs)
    weights = _output_weights(fn, args, np.random.default_rng(seed))
    checked = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    analytic = _analytic(fn, args, weights, checked)
    for position, expected in zip(checked, analytic, strict=False):
        numeric = _numeric(fn, args, weights, position, eps)
        bad = ~(np.abs(expected - numeric) <= atol + rtol * np.abs(numeric))
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise GradcheckError(_jacobian_report(fn, args, position, index, eps, atol, rtol))
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check second derivatives: the gradient of ``fn``'s (random-weighted) gradient.

    The first gradient G(x) = ∂(Σ_k Σ w_k ⊙ y_k)/∂x, with fixed random weights w_k drawn
    from ``seed + 1``, is taken with ``create_graph=True``, so it is itself a graph. Then
    ``gradcheck(G, inputs)`` contracts G with a second random weight u and compares the
    analytic ∂(Σ u ⊙ G)/∂x — for a scalar ``fn`` the Hessian-vector product H u — with
    central differences of G, in float64. The arguments are those of ``gradcheck``.

    Returns:
        ``True`` when every entry agrees.

    Raises:
        GradcheckError: an entry of the second derivative disagrees.
        ValueError: no input has ``requires_grad=True``.

    Examples:
        >>> x = tg.tensor([0.5, -1.0, 2.0], requires_grad=True)
        >>> gradgradcheck(lambda t: (t ** 3).tanh().sum(), [x])
        True
    """
    args = _float64_copies(inputs)
    weights = _output_weights(fn, args, np.random.default_rng(seed + 1))
    checked = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]

    def first_gradient(*xs: Any) -> tuple[Tensor, ...]:
        wanted = [xs[i] for i in checked]
        with enable_grad():  # also when called from the finite differences, under no_grad
            total = _contract(fn(*xs), weights)
            grads = grad(total, wanted, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else x * 0.0 for g, x in zip(grads, wanted, strict=False))

    return gradcheck(first_gradient, args, eps=eps, atol=atol, rtol=rtol, seed=seed)


def _float64_copies(inputs: Any) -> list[Any]:
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    return [_float64_copy(x) for x in items]


def _float64_copy(x: Any) -> Any:
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor(x.numpy().astype(np.float64), requires_grad=x.requires_grad)
    return x


def _outputs(result: Any) -> list[Tensor]:
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _output_weights(
    fn: Callable[..., Any], args: Sequence[Any], rng: np.random.Generator
) -> list[np.ndarray]:
    with no_grad():
        outputs = _outputs(fn(*args))
    return [rng.standard_normal(np.shape(out)) for out in outputs]


def _contract(result: Any, weights: Sequence[np.ndarray]) -> Tensor:
    outputs = _outputs(result)
    total = (outputs[0] * Tensor(weights[0])).sum()
    for out, w in zip(outputs[1:], weights[1:], strict=False):
        total = total + (out * Tensor(w)).sum()
    return total


def _analytic(
    fn: Callable[..., Any], args: Sequence[Any], weights: Sequence[np.ndarray], checked: list[int]
) -> list[np.ndarray]:
    total = _contract(fn(*args), weights)
    wanted = [args[i] for i in checked]
    if not total.requires_grad:
        return [np.zeros_like(x.numpy()) for x in wanted]
    grads = grad(total, wanted, allow_unused=True)
    return [
        np.zeros_like(x.numpy()) if g is None else g.numpy()
        for g, x in zip(grads, wanted, strict=False)
    ]


def _numeric(
    fn: Callable[..., Any],
    args: Sequence[Any],
    weights: Sequence[np.ndarray],
    position: int,
    eps: float,
) -> np.ndarray:
    base = args[position].numpy()
    numeric = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()  # perturb copies, never the input itself
        plus[index] += eps
        minus[index] -= eps
        numeric[index] = (
            _value_at(fn, args, weights, position, plus)
            - _value_at(fn, args, weights, position, minus)
        ) / (2 * eps)
    return numeric


def _value_at(
    fn: Callable[..., Any],
    args: Sequence[Any],
    weights: Sequence[np.ndarray],
    position: int,
    data: np.ndarray,
) -> float:
    moved = list(args)
    moved[position] = Tensor(data, requires_grad=True)
    with no_grad():
        return float(_contract(fn(*moved), weights).item())


def _jacobian_report(
    fn: Callable[..., Any],
    args: Sequence[Any],
    position: int,
    index: tuple[int, ...],
    eps: float,
    atol: float,
    rtol: float,
) -> str:
    """The message for a mismatch at input ``position``, ``index``: the first Jacobian entry
    ∂y_k[j]/∂x[index] (not the randomly weighted sum) where autograd and differences disagree."""
    numeric = _jacobian_column(fn, args, position, index, eps)
    analytic = _jacobian_column_autograd(fn, args, position, index)
    where = f"gradcheck: input {position}, index {index}: "
    for k, (a, n) in enumerate(zip(analytic, numeric, strict=False)):
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        if bad.any():
            j = tuple(int(i) for i in np.argwhere(bad)[0])
            return (
                f"{where}autograd gives {float(a[j])!r} but finite differences give "
                f"{float(n[j])!r} for the derivative of output {k} at {j} "
                f"(atol={atol}, rtol={rtol})"
            )
    return (  # only the tolerance of the weighted sum was exceeded, no single entry's
        f"{where}autograd gives Jacobian entries that each agree with finite differences "
        f"within atol={atol}, rtol={rtol}, but not their weighted sum"
    )


def _jacobian_column(
    fn: Callable[..., Any], args: Sequence[Any], position: int, index: tuple[int, ...], eps: float
) -> list[np.ndarray]:
    """∂y_k/∂x[index] for every output k, by one central difference."""
    base = args[position].numpy()
    plus, minus = base.copy(), base.copy()
    plus[index] += eps
    minus[index] -= eps
    ends = [_outputs_at(fn, args, position, data) for data in (plus, minus)]
    return [(p - m) / (2 * eps) for p, m in zip(*ends, strict=False)]


def _outputs_at(
    fn: Callable[..., Any], args: Sequence[Any], position: int, data: np.ndarray
) -> list[np.ndarray]:
    moved = list(args)
    moved[position] = Tensor(data, requires_grad=True)
    with no_grad():
        return [np.array(out.numpy(), dtype=np.float64) for out in _outputs(fn(*moved))]


def _jacobian_column_autograd(
    fn: Callable[..., Any], args: Sequence[Any], position: int, index: tuple[int, ...]
) -> list[np.ndarray]:
    """∂y_k[j]/∂x[index] for every output entry, one backward pass per entry."""
    x = args[position]
    column = []
    for out in _outputs(fn(*args)):
        entries = np.zeros(np.shape(out))
        for j in np.ndindex(entries.shape):
            if out.requires_grad:
                (g,) = grad(out[j], [x], retain_graph=True, allow_unused=True)
                entries[j] = 0.0 if g is None else g.numpy()[index]
        column.append(entries)
    return column
