"""rules.py: the derivative table, every tensor operation's forward and its VJPs.

``tensor.py`` defines no derivative itself: each differentiable ``Tensor`` operation runs a
``Rule`` from the table at the bottom of this file, and the engine (``engine.py``) calls the
rule's vector-Jacobian products (VJPs) in the backward sweep.

**The VJP convention.** ℰ is the scalar the sweep started from (the loss). A rule's VJP for
input i receives g = ∂ℰ/∂out, of the output's shape, and returns
∂ℰ/∂input_i = gᵀ · ∂out/∂input_i, of the input's shape (or the broadcast shape). Its
signature is ``vjp(xp, g, out, *inputs, **attrs)``: the array namespace (below), the
output and the inputs of the forward, and its keyword attributes (``axis``, ``shape``,
...). In the lecture's notation the incoming g is the error signal with the opposite sign:
g = −ε^(l) at a layer's output y^(l) and g = −δ^(l) at its net input v^(l), because the
lecture's algorithm starts from ε^(L) = y − y^(L) (target minus output), so its
δ = −∂ℰ/∂v. ``TANH``'s VJP ``g * (1 - out * out)`` is the lecture's δ = φ'(v) ε with both
signs flipped.

**How to find an operation's derivative.** Ask the result: ``t.grad_fn`` *is* the rule
(``<TanhBackward>`` is ``rules.TANH``) and ``t.grad_fn.vjps[i]`` is the VJP for input i. Or
search this file for the operation's name in capitals (``TANH = Rule(``, ``MATMUL = Rule(``):
a one-expression VJP is a lambda in the entry; a longer one is a ``_<name>_vjp`` function in
the "named VJPs" section just above the table. ``docs/lecture.md`` maps each line of the
lecture's algorithm to the rule that computes it. The table in brief (⊙ elementwise; for
``CROSS_ENTROPY`` with the mean, g is divided by the number of rows N):

| rule | forward | ∂ℰ/∂input for each input, given g |
|---|---|---|
| ``ADD``, ``SUB`` | a + b, a − b | g, ±g |
| ``MUL`` | a ⊙ b | g ⊙ b, g ⊙ a |
| ``DIV`` | a / b | g / b, −g ⊙ out / b |
| ``NEG`` | −a | −g |
| ``POW`` | a^b | g ⊙ b a^(b−1), g ⊙ a^b ln a (0 where a = 0) |
| ``POW_SCALAR``, ``RPOW_SCALAR`` | a^c, c^a | g ⊙ c a^(c−1), g ⊙ c^a ln c |
| ``MATMUL`` | a @ b | g @ bᵀ, aᵀ @ g (1-D operands promoted) |
| ``EXP``, ``LOG``, ``SQRT`` | e^a, ln a, √a | g ⊙ out, g / a, g / (2 out) |
| ``ABS``, ``RELU`` | abs(a), max(a, 0) | g ⊙ sign(a), g ⊙ [out ≠ 0] |
| ``SIGMOID``, ``TANH`` | σ(a), tanh a | g ⊙ out ⊙ (1 − out), g ⊙ (1 − out²) |
| ``WHERE`` | where(c, a, b) | where(c, g, 0), where(c, 0, g) |
| ``SUM`` | Σ over ``axis`` | g broadcast back over the summed axes |
| ``MAX`` | max over ``axis`` | g to the maximal entries, split evenly between ties |
| ``SOFTMAX`` | s = softmax(a) | s ⊙ (g − Σ g ⊙ s), i.e. (diag(s) − s sᵀ) g |
| ``LOG_SOFTMAX`` | a − logsumexp(a) | g − softmax(a) Σ g |
| ``LINEAR`` (fused) | x Wᵀ + b | g W, Σ_rows gᵀ x, Σ_rows g |
| ``CROSS_ENTROPY`` (fused) | −log softmax(z_n)[t_n], reduced | (softmax(z_n) − onehot(t_n)) · g |
| ``RESHAPE``, ``PERMUTE`` | a reshaped, a permuted | g reshaped back, g permuted back |
| ``EXPAND`` | a broadcast to ``shape`` | g (``sum_to_shape`` sums it back) |
| ``INDEX`` | a[index] | zeros with g added at index (repeats add up) |
| ``SCATTER_ADD`` | zeros with a added at index | g[index] |
| ``SCATTER`` | a with src written at index | g zeroed at index, g[index] |
| ``MEDIAN`` | the lower middle value of all of a | g to the entries equal to it, split evenly |
| ``INV``, ``DET`` | A⁻¹, det A | −A⁻ᵀ g A⁻ᵀ, g det(A) A⁻ᵀ |
| ``SOLVE`` | X = A⁻¹ B | −(A⁻ᵀ g) Xᵀ, A⁻ᵀ g |
| ``TO`` | a cast to ``dtype`` | g cast back to a's dtype |
| ``CAT``, ``STACK`` | inputs joined along ``axis`` | input i's slice of g |
| ``SIGN`` | sign(a) | 0 |
| ``EQ`` … ``GE``, ``ARGMAX``, ``CAST``, ``ALIAS`` | comparisons, indices, casts, ``.data`` | none |
| ``ARGSORT`` | the order that sorts ``a`` | none |
| ``ADD_`` … ``DIV_``, ``COPY_``, ``SETITEM``, ``SCATTER_ADD_`` | writes into operand 0 | none |

**Two kinds of operand, one namespace.** A VJP is written once for both:

- plain NumPy arrays — the common case, ``backward()`` without ``create_graph``: nothing is
  recorded and the rule costs what the NumPy calls cost; ``xp`` is ``NUMPY``;
- ``Tensor`` nodes — ``create_graph=True``: the same expression then records the backward
  pass, so the gradient can be differentiated again (Hessian-vector products); ``xp`` is
  ``tensor.py``'s namespace of tensor functions.

So VJPs use only operators and methods that ``np.ndarray`` and ``Tensor`` share
(``+ - * / ** @``, ``.sum(axis=, keepdims=)``, ``.reshape``, ``.mT``, indexing) and ``xp``
(``ArrayOps``) for the rest: ``xp.exp``, ``xp.where``, ``xp.apply(RULE, ...)``. This file
imports neither node kind. A VJP may return a gradient of the *broadcast* shape; the tensor's
backward sums it back to the operand's shape in exactly one place (``sum_to_shape``). Only
the VJPs of inputs that require grad are called.

**In-place updates** (``add_``, ``copy_``, ``t[i] = v``, ...) are rules too, at the bottom of
the file, with no VJP: they are never recorded, but naming them lets a tracer (``tg.compile``)
see them, and each bumps the tensor's version counter. ``Rule.reads`` says which values a
rule's VJPs read (inputs, output), so that a backward through a value changed in place since
the forward raises instead of using the new values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

Array = Any  # an np.ndarray, or a Tensor when the backward pass is being recorded


class Rule(NamedTuple):
    """One differentiable operation: its NumPy forward and one VJP per input (a ``NamedTuple``).

    A tensor's ``grad_fn`` is the rule that made it; its ``repr`` is PyTorch-like,
    ``<TanhBackward>``. See the module docstring for the VJP convention.

    Attributes:
        name: the operation's name, e.g. ``"tanh"``; ``grad_fn``'s repr is made from it.
        forward: ``forward(*inputs, **attrs)`` on NumPy arrays, returning the output array
            (or ``(out, residual)`` when ``saves``).
        vjps: one function per input, ``vjp(xp, g, out, *inputs, **attrs)`` → ∂ℰ/∂input
            given g = ∂ℰ/∂out, computed with the array namespace ``xp``.
        variadic: the rule takes any number of inputs (``cat``, ``stack``) and has a single
            VJP that is told the input's ``position=``.
        saves: the forward also returns a residual, which the VJPs get as ``saved=`` (a
            NumPy array: used on the plain-array path only; a recorded backward recomputes
            it from the tensors).
        reads: what the VJPs read besides shapes: ``"i"`` the inputs, ``"o"`` the output
            (both by default); a backward raises if one of them was changed in place since.
        view: the forward may return a view of its first input (``reshape``, ``index``, ...):
            the result then shares the input's version counter.
        split: for a variadic rule, ``split(xp, g, out, inputs, **attrs)`` gives every
            input's gradient in one call (``inputs`` a sequence): the sweep uses it, so a
            backward through ``cat`` of n inputs costs O(n), not O(n²).

    Examples:
        >>> x = np.array([0.5]); out = TANH.forward(x)
        >>> TANH.vjps[0](NUMPY, np.ones(1), out, x).round(4).tolist()  # 1 − tanh²(0.5)
        [0.7864]
        >>> tg.tensor([0.5], requires_grad=True).tanh().grad_fn is TANH
        True
    """

    name: str
    forward: Callable[..., Any]  # an array; (out, residual) when saves; None in place
    vjps: tuple[Callable[..., Array], ...]
    variadic: bool = False
    saves: bool = False
    reads: str = "io"
    view: bool = False
    split: Callable[..., list[Array]] | None = None

    def __repr__(self) -> str:
        return "<" + "".join(part.capitalize() for part in self.name.split("_")) + "Backward>"


# ----------------------------------------------------------------------------- helpers


class ArrayOps:
    """The array namespace ``xp`` that a VJP computes with: NumPy's functions on plain arrays.

    A VJP receives ``xp`` first and uses it for everything that is not an operator or a method
    that arrays and tensors share (``+ - * / ** @``, ``.sum``, ``.reshape``, ``.mT``, indexing).
    This class is the plain-array namespace (``NUMPY``), the one the sweep passes without
    ``create_graph``; ``tensor.py`` subclasses it with the tensor functions, so that with
    ``create_graph=True`` the same VJP records the backward pass. ``xp.apply(rule, ...)`` runs
    another rule: its NumPy forward here, a recorded operation there.

    Examples:
        >>> NUMPY.where(np.array([True, False]), 1.0, 0.0).tolist(), NUMPY.records
        ([1.0, 0.0], False)
    """

    records = False
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sign = staticmethod(np.sign)
    where = staticmethod(np.where)
    broadcast_to = staticmethod(np.broadcast_to)
    transpose = staticmethod(np.transpose)

    @staticmethod
    def astype(x: Array, dtype: np.dtype) -> Array:
        """``x`` in ``dtype`` (``x`` itself when it has that dtype already)."""
        return x.astype(dtype, copy=False)

    @staticmethod
    def softmax(x: Array, axis: int) -> Array:
        """The softmax of ``x`` along ``axis``, computed stably."""
        return _softmax_forward(x, axis=axis)

    @staticmethod
    def apply(rule: Rule, *operands: Any, **attrs: Any) -> Array:
        """Another rule's forward on the operands (recorded in the tensor namespace)."""
        return rule.forward(*operands, **attrs)


NUMPY = ArrayOps()


def sum_to_shape(grad: Array, shape: tuple[int, ...]) -> Array:
    """Undo NumPy broadcasting: sum ``grad`` over the axes that broadcasting created or stretched.

    If an operand of shape ``shape`` was broadcast to ``grad.shape``, each of its entries was
    used once per copy, so its gradient is the sum of the copies' gradients: Σ over the
    leading axes broadcasting added and over the axes where ``shape`` has size 1. The one
    place where broadcasting is undone, for every binary rule and ``expand``. Works on NumPy
    arrays and on recording ``Tensor``s alike.

    Args:
        grad: a gradient of the broadcast shape.
        shape: the operand's shape, which broadcasts to ``grad.shape``.

    Returns:
        ``grad`` summed to ``shape`` (``grad`` itself when nothing was broadcast).

    Shapes:
        ``grad``: the broadcast shape; result: ``shape``.

    Examples:
        >>> g = np.ones((2, 3))
        >>> sum_to_shape(g, (3,)).tolist(), sum_to_shape(g, (2, 1)).tolist()
        ([2.0, 2.0, 2.0], [[3.0], [3.0]])
    """
    lead = grad.ndim - len(shape)
    stretched = tuple(i + lead for i, n in enumerate(shape) if n == 1 and grad.shape[i + lead] != 1)
    axes = tuple(range(lead)) + stretched
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape) if lead else grad


def _keepdim_shape(shape: tuple[int, ...], axis: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape of a reduction over ``axis`` with ``keepdims=True``."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _unreduce(
    g: Array, shape: tuple[int, ...], axis: tuple[int, ...] | None, keepdims: bool
) -> Array:
    """Put back the axes a reduction removed, so ``g`` broadcasts against the input."""
    return g if keepdims else g.reshape(_keepdim_shape(shape, axis))


# ----------------------------------------------------------------------------- named VJPs
# Rules longer than one expression, each right above the table entry that uses it.


def _sum_forward(a: np.ndarray, *, axis: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    # NumPy adds pairwise (accurately) only along one contiguous run; across rows it adds a
    # row at a time, and a float32 sum(0) over 10^6 rows drifts by ~1 %. Such reductions of
    # float32 accumulate in float64 and round once; float16 always does (PyTorch accumulates
    # it in float32: a count past 65,504 stays finite).
    size = a.dtype.itemsize if a.dtype.kind == "f" else 8
    pairwise = a.flags.c_contiguous and (axis is None or axis == (a.ndim - 1,))
    if size == 2 or (size == 4 and not pairwise):
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=np.float64).astype(a.dtype)
    return np.sum(a, axis=axis, keepdims=keepdims)


def _pow_base_vjp(xp: Any, g: Array, out: Array, a: Array, b: Array) -> Array:
    # ∂(a^b)/∂a = b · a^(b−1), taken as 0 where a = b = 0 (PyTorch): 0 · 0^(−1) would be NaN.
    # Masked only there, so the mixed second derivative at b = 0, a ≠ 0 stays a^(−1).
    return xp.where((a == 0) & (b == 0), 0.0, g * b * a ** (b - 1))


def _pow_exponent_vjp(xp: Any, g: Array, out: Array, a: Array, b: Array) -> Array:
    # ∂(a^b)/∂b = a^b · ln a, taken as 0 where a = 0 and b >= 0 (PyTorch's convention: the
    # limit for b > 0); for a = 0 and b < 0 it is ∞ · (−∞) = −∞, as PyTorch.
    at_zero = (a == 0) & (b >= 0)
    return g * xp.where(at_zero, 0.0, out * xp.log(xp.where(at_zero, 1.0, a)))


def _pow_scalar_vjp(xp: Any, g: Array, out: Array, a: Array, *, exponent: float) -> Array:
    # ∂(a^p)/∂a = p · a^(p−1); for p = 0 it is 0 everywhere, also at a = 0 (PyTorch).
    if exponent == 0:
        return g * 0.0
    return g * exponent * a ** (exponent - 1)


def _rpow_scalar_vjp(xp: Any, g: Array, out: Array, a: Array, *, base: float) -> Array:
    # ∂(c^a)/∂a = c^a · ln c. For c = 0 it is taken as 0 where a >= 0 (PyTorch's convention);
    # for c < 0, ln c is NaN, as in PyTorch.
    if base > 0:
        return g * out * math.log(base)
    if base == 0:
        return g * xp.where(a >= 0, 0.0, -math.inf)  # c^a ln c = inf · (−inf) for a < 0
    return g * out * math.nan


def _matmul_vjp_a(xp: Any, g: Array, out: Array, a: Array, b: Array) -> Array:
    # out = a @ b  ⇒  ∂ℰ/∂a = g @ bᵀ (1-D operands are promoted to matrices and back).
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if b.ndim == 1:
        return g[..., None] * b
    if a.ndim == 1:
        return (g[..., None, :] @ b.mT)[..., 0, :]
    return g @ b.mT


def _matmul_vjp_b(xp: Any, g: Array, out: Array, a: Array, b: Array) -> Array:
    # out = a @ b  ⇒  ∂ℰ/∂b = aᵀ @ g.
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:
        return a[:, None] * g[..., None, :]
    if b.ndim == 1:
        return (a.mT @ g[..., None])[..., 0]
    return a.mT @ g


def _max_vjp(
    xp: Any, g: Array, out: Array, a: Array, *, axis: tuple[int, ...] | None, keepdims: bool
) -> Array:
    # The gradient goes to the maximal entries, split evenly between ties (as torch.amax).
    g = _unreduce(g, a.shape, axis, keepdims)
    is_max = xp.astype(a == _unreduce(out, a.shape, axis, keepdims), g.dtype)
    return g * is_max / is_max.sum(axis=axis, keepdims=True)


def _softmax_vjp(xp: Any, g: Array, s: Array, a: Array, *, axis: int) -> Array:
    # s = softmax(a): ∂ℰ/∂a = s ⊙ (g − Σ g ⊙ s), the Jacobian diag(s) − s sᵀ applied to g.
    return s * (g - (g * s).sum(axis=axis, keepdims=True))


def _log_softmax_vjp(xp: Any, g: Array, out: Array, a: Array, *, axis: int) -> Array:
    # out = a − logsumexp(a): ∂ℰ/∂a = g − softmax(a) · Σ g.
    return g - xp.exp(out) * g.sum(axis=axis, keepdims=True)


def _index_vjp(xp: Any, g: Array, out: Array, a: Array, *, index: Any, basic: bool) -> Array:
    # Every selected position receives its gradient; repeated indices add up (np.add.at).
    return xp.apply(SCATTER_ADD, g, index=index, shape=a.shape, basic=basic)


def _slice_along(axis: int, start: int, stop: int | None = None) -> tuple[Any, ...]:
    position = start if stop is None else slice(start, stop)
    return (slice(None),) * axis + (position,)


def _cat_vjp(xp: Any, g: Array, out: Array, *inputs: Array, axis: int, position: int) -> Array:
    start = sum(x.shape[axis] for x in inputs[:position])
    return g[_slice_along(axis, start, start + inputs[position].shape[axis])]


def _stack_vjp(xp: Any, g: Array, out: Array, *inputs: Array, axis: int, position: int) -> Array:
    return g[_slice_along(axis, position)]


def _cat_split(xp: Any, g: Array, out: Array, inputs: Sequence[Array], *, axis: int) -> list[Array]:
    # every input's slice of g in one pass: linear in the number of inputs (the per-input
    # VJP above sums the sizes before it, and each call is handed all the inputs)
    ends = np.cumsum([x.shape[axis] for x in inputs]).tolist()
    return [g[_slice_along(axis, end - x.shape[axis], end)] for x, end in zip(inputs, ends)]


def _stack_split(
    xp: Any, g: Array, out: Array, inputs: Sequence[Array], *, axis: int
) -> list[Array]:
    return [g[_slice_along(axis, i)] for i in range(len(inputs))]


def _linear_vjp_weight(xp: Any, g: Array, out: Array, x: Array, w: Array, *bias: Array) -> Array:
    # out = x Wᵀ + b  ⇒  ∂ℰ/∂W = Σ_rows gᵀ x: the lecture's δ (y^(l−1))ᵀ, summed over samples.
    return g.reshape(-1, g.shape[-1]).mT @ x.reshape(-1, x.shape[-1])


def _linear_vjp_bias(xp: Any, g: Array, out: Array, x: Array, w: Array, b: Array) -> Array:
    # ∂ℰ/∂b = Σ_rows g. One sample: g itself, reshaped; else sum_to_shape sums the rows.
    return g.reshape(b.shape) if g.size == b.size else g


def _cross_entropy_vjp(
    xp: Any,
    g: Array,
    out: Array,
    logits: Array,
    *,
    target: np.ndarray,
    reduction: str,
    saved: np.ndarray,
) -> Array:
    # loss_n = −log softmax(z_n)[t_n]  ⇒  ∂loss_n/∂z_n = softmax(z_n) − onehot(t_n): the
    # lecture's δ^(L) = −ε^(L) for a softmax output with cross-entropy (no φ' factor).
    rows = np.arange(len(target))
    if not xp.records:
        delta = saved.copy()  # softmax(z) from the forward pass; a copy: backward may run again
        delta[rows, target] -= 1
    else:
        onehot = np.zeros(logits.shape, dtype=logits.dtype)
        onehot[rows, target] = 1
        delta = xp.softmax(logits, -1) - onehot
    if reduction == "none":
        return delta * g.reshape(-1, 1)
    return delta * (g / len(target) if reduction == "mean" else g)


# ----------------------------------------------------------------------------- forwards


def _sigmoid_forward(a: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^−a) written as e^(−log(1 + e^−a)): no overflow at ±1000. (The Python 0 does not
    # change a float dtype; an integer input gives a float result, as in PyTorch.)
    return np.exp(-np.logaddexp(0, -a))


def _softmax_forward(a: np.ndarray, *, axis: int) -> np.ndarray:
    if a.size == 0:  # nothing to normalise: an empty result, as PyTorch (np.max would raise)
        return a.copy()
    e = np.exp(a - a.max(axis=axis, keepdims=True))  # shifting by the max keeps exp finite
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_forward(a: np.ndarray, *, axis: int) -> np.ndarray:
    if a.size == 0:
        return a.copy()
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    out = np.matmul(x, w.T)
    if b is None:
        return out
    if b.ndim == 1 and b.dtype == out.dtype and out.ndim and b.shape[0] == out.shape[-1]:
        out += b  # in place: one temporary fewer than x @ w.T + b
        return out
    return out + b


def _cross_entropy_forward(
    logits: np.ndarray, *, target: np.ndarray, reduction: str
) -> tuple[np.ndarray, np.ndarray]:
    logp = _log_softmax_forward(logits, axis=-1)
    losses = -logp[np.arange(len(target)), target]
    if reduction != "none":
        losses = losses.sum() / len(target) if reduction == "mean" else losses.sum()
    return losses, np.exp(logp)  # the loss, and softmax(z) saved for the backward pass


def _scatter_add_forward(
    g: np.ndarray, *, index: Any, shape: tuple[int, ...], basic: bool
) -> np.ndarray:
    grad = np.zeros(shape, dtype=g.dtype)
    if basic:  # ints, slices, None and ...: no position is selected twice
        grad[index] = g
    else:
        np.add.at(grad, index, g)
    return grad


# ----------------------------------------------------------------------------- the table
# name, forward, one VJP per input: ∂ℰ/∂input given g = ∂ℰ/∂out.

ADD = Rule("add", np.add, (lambda xp, g, out, a, b: g, lambda xp, g, out, a, b: g), reads="")
SUB = Rule("sub", np.subtract, (lambda xp, g, out, a, b: g, lambda xp, g, out, a, b: -g), reads="")
MUL = Rule(
    "mul", np.multiply, (lambda xp, g, out, a, b: g * b, lambda xp, g, out, a, b: g * a), reads="i"
)
DIV = Rule(
    "div", np.true_divide, (lambda xp, g, out, a, b: g / b, lambda xp, g, out, a, b: -g * out / b)
)
NEG = Rule("neg", np.negative, (lambda xp, g, out, a: -g,), reads="")
POW = Rule("pow", np.power, (_pow_base_vjp, _pow_exponent_vjp))
POW_SCALAR = Rule(
    "pow_scalar", lambda a, *, exponent: np.power(a, exponent), (_pow_scalar_vjp,), reads="i"
)
RPOW_SCALAR = Rule("rpow_scalar", lambda a, *, base: np.power(base, a), (_rpow_scalar_vjp,))
MATMUL = Rule("matmul", np.matmul, (_matmul_vjp_a, _matmul_vjp_b), reads="i")

EXP = Rule("exp", np.exp, (lambda xp, g, out, a: g * out,), reads="o")
LOG = Rule("log", np.log, (lambda xp, g, out, a: g / a,), reads="i")
SQRT = Rule("sqrt", np.sqrt, (lambda xp, g, out, a: g / (2 * out),), reads="o")
ABS = Rule("abs", np.abs, (lambda xp, g, out, a: g * xp.sign(a),), reads="i")
# ReLU's VJP reads the output, as PyTorch's: [out ≠ 0] is [a > 0] except that a NaN (whose
# output is NaN) passes its gradient on; one comparison either way
RELU = Rule("relu", lambda a: np.maximum(a, 0), (lambda xp, g, out, a: g * (out != 0),), reads="o")
SIGMOID = Rule("sigmoid", _sigmoid_forward, (lambda xp, g, out, a: g * out * (1 - out),), reads="o")
TANH = Rule("tanh", np.tanh, (lambda xp, g, out, a: g * (1 - out * out),), reads="o")
WHERE = Rule(
    "where",
    lambda a, b, *, condition: np.where(condition, a, b),
    (
        lambda xp, g, out, a, b, *, condition: xp.where(condition, g, 0.0),
        lambda xp, g, out, a, b, *, condition: xp.where(condition, 0.0, g),
    ),
    reads="",
)

SUM = Rule(
    "sum",
    _sum_forward,
    (
        lambda xp, g, out, a, *, axis, keepdims: xp.broadcast_to(
            _unreduce(g, a.shape, axis, keepdims), a.shape
        ),
    ),
    reads="",
)
MAX = Rule(
    "max",
    lambda a, *, axis, keepdims: np.max(a, axis=axis, keepdims=keepdims),
    (_max_vjp,),
)
SOFTMAX = Rule("softmax", _softmax_forward, (_softmax_vjp,), reads="o")
LOG_SOFTMAX = Rule("log_softmax", _log_softmax_forward, (_log_softmax_vjp,), reads="o")

# Fused for measured speed (one node instead of three or four); tested against the composed ops.
LINEAR = Rule(
    "linear",
    _linear_forward,
    (lambda xp, g, out, x, w, *bias: g @ w, _linear_vjp_weight, _linear_vjp_bias),
    reads="i",
)
CROSS_ENTROPY = Rule(
    "cross_entropy", _cross_entropy_forward, (_cross_entropy_vjp,), saves=True, reads="i"
)

RESHAPE = Rule(
    "reshape",
    lambda a, *, shape: np.reshape(a, shape),
    (lambda xp, g, out, a, *, shape: g.reshape(a.shape),),
    reads="",
    view=True,
)
PERMUTE = Rule(
    "permute",
    lambda a, *, axes: np.transpose(a, axes),
    (lambda xp, g, out, a, *, axes: xp.transpose(g, tuple(np.argsort(axes))),),
    reads="",
    view=True,
)
# expand's VJP hands g back unchanged: sum_to_shape, applied to every rule's result, sums
# the broadcast axes away.
EXPAND = Rule(
    "expand",
    lambda a, *, shape: np.broadcast_to(a, shape),
    (lambda xp, g, out, a, *, shape: g,),
    reads="",
    view=True,
)
INDEX = Rule("index", lambda a, *, index, basic: a[index], (_index_vjp,), reads="", view=True)
SCATTER_ADD = Rule(
    "scatter_add",
    _scatter_add_forward,
    (lambda xp, g, out, a, *, index, shape, basic: g[index],),
    reads="",
)
TO = Rule(
    "to",
    lambda a, *, dtype: a.astype(dtype),
    (lambda xp, g, out, a, *, dtype: xp.astype(g, a.dtype),),
    reads="",
)
SIGN = Rule("sign", np.sign, (lambda xp, g, out, a: g * 0.0,), reads="")

# Not differentiable (no VJP: the result is never recorded), but rules all the same so that
# every tensor operation runs through one apply (and a tracer sees it).
EQ = Rule("eq", np.equal, ())
NE = Rule("ne", np.not_equal, ())
LT = Rule("lt", np.less, ())
LE = Rule("le", np.less_equal, ())
GT = Rule("gt", np.greater, ())
GE = Rule("ge", np.greater_equal, ())
ARGMAX = Rule(
    "argmax",
    lambda a, *, axis, keepdims: np.argmax(a, axis=axis, keepdims=keepdims).astype(np.int64),
    (),
)


def _argsort_forward(a: np.ndarray, *, axis: int, descending: bool) -> np.ndarray:
    # stable in both directions: equal values keep their order (PyTorch's stable=True)
    if a.ndim == 0:  # a scalar is its own order: index 0, of shape () as PyTorch's
        return np.zeros((), dtype=np.int64)
    keys = a.astype(np.int64) if a.dtype.kind in "bu" else a
    return np.argsort(-keys if descending else keys, axis=axis, kind="stable").astype(np.int64)


ARGSORT = Rule("argsort", _argsort_forward, ())
ARGMIN = Rule(
    "argmin",
    lambda a, *, axis, keepdims: np.argmin(a, axis=axis, keepdims=keepdims).astype(np.int64),
    (),
)
# .data and .detach(): the same array, outside the graph
ALIAS = Rule("alias", lambda a: a, (), view=True)
CAST = Rule("cast", lambda a, *, dtype: a.astype(dtype), ())  # to a non-floating dtype
CAT = Rule(
    "cat",
    lambda *xs, axis: np.concatenate(xs, axis=axis),
    (_cat_vjp,),
    variadic=True,
    reads="",
    split=_cat_split,
)
STACK = Rule(
    "stack",
    lambda *xs, axis: np.stack(xs, axis=axis),
    (_stack_vjp,),
    variadic=True,
    reads="",
    split=_stack_split,
)


# ------------------------------------------------------------------------ convolution and pooling
# The primitives of tg.nn's Conv2d, MaxPool2d, AvgPool2d and GELU. A convolution is PAD, then
# WINDOWS (every kernel-sized patch of the last two axes, a strided view: no copy), then one
# matrix product; WINDOWS's VJP is WINDOW_SUM (each window's gradient added back where the
# window came from) and WINDOW_SUM's is WINDOWS, so both are differentiable any number of times.


def _erf_forward(a: np.ndarray) -> np.ndarray:
    dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
    return np.asarray(_erf_function()(a), dtype=dtype)  # (frompyfunc: objects, or a float)


def _erf_function() -> Callable[[np.ndarray], Any]:
    # NumPy has no erf: SciPy's ufunc when it is installed (found on first use, so importing
    # the package stays fast), else math.erf element by element; both within an ulp or two.
    if not _ERF:
        try:
            from scipy.special import erf
        except ImportError:
            _ERF.append(np.frompyfunc(math.erf, 1, 1))
        else:
            _ERF.append(erf)
    return _ERF[0]


_ERF: list[Callable[[np.ndarray], Any]] = []


def _unpad_index(pad_width: tuple[tuple[int, int], ...], shape: tuple[int, ...]) -> tuple:
    """The slices that cut the padding off again (``shape`` is the unpadded input's)."""
    return tuple(slice(before, before + n) for (before, _), n in zip(pad_width, shape))


def _window_count(size: int, kernel: int, stride: int, dilation: int) -> int:
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _windows_forward(
    a: np.ndarray, *, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    # (..., H, W) -> (..., OH, OW, KH, KW): out[..., i, j, p, q] = a[..., i·s + p·d, j·s + q·d]
    rows = _window_count(a.shape[-2], kernel[0], stride[0], dilation[0])
    cols = _window_count(a.shape[-1], kernel[1], stride[1], dilation[1])
    step_h, step_w = a.strides[-2:]
    shape = (*a.shape[:-2], rows, cols, *kernel)
    strides = (
        *a.strides[:-2],
        step_h * stride[0],
        step_w * stride[1],
        step_h * dilation[0],
        step_w * dilation[1],
    )
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=False)


def tap_slices(
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    rows: int,
    cols: int,
) -> list[tuple[Any, ...]]:
    """For each kernel offset (p, q), the strided slice of the input it reads in every window.

    ``rows`` × ``cols`` is the output's size; convolution and pooling read their windows
    through these slices, one strided view per offset instead of one window per pixel.

    Examples:
        >>> x = np.arange(16.0).reshape(4, 4)
        >>> [x[s].tolist() for s in tap_slices((1, 2), (2, 2), (1, 1), 2, 2)]
        [[[0.0, 2.0], [8.0, 10.0]], [[1.0, 3.0], [9.0, 11.0]]]
    """
    slices = []
    for p in range(kernel[0]):
        top = p * dilation[0]
        for q in range(kernel[1]):
            left = q * dilation[1]
            slices.append(
                (
                    Ellipsis,
                    slice(top, top + stride[0] * (rows - 1) + 1, stride[0]),
                    slice(left, left + stride[1] * (cols - 1) + 1, stride[1]),
                )
            )
    return slices


def _add_windows(
    out: np.ndarray,
    g: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    # The transpose of _windows_forward: one strided add per kernel offset (p, q), none per
    # pixel. g has the windows' shape (..., OH, OW, KH, KW) or broadcasts to it.
    rows, cols = out.shape[-2:]
    rows = _window_count(rows, kernel[0], stride[0], dilation[0])
    cols = _window_count(cols, kernel[1], stride[1], dilation[1])
    taps = tap_slices(kernel, stride, dilation, rows, cols)
    # windows that do not overlap (the kernel's extent within the stride, as pooling's usual
    # k = s): each entry is written once, so assigning is enough
    disjoint = all(d * (k - 1) < s for k, s, d in zip(kernel, stride, dilation))
    for (p, q), where in zip(np.ndindex(*kernel), taps):
        if disjoint:
            out[where] = g[..., p, q]
        else:
            out[where] += g[..., p, q]
    return out


def _window_sum_forward(
    g: np.ndarray,
    *,
    shape: tuple[int, ...],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    return _add_windows(np.zeros(shape, dtype=g.dtype), g, kernel, stride, dilation)


def _pool_sum_forward(
    a: np.ndarray,
    *,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    # The sum of every window, as one add of strided slices per kernel offset (a reduction
    # over the windows' last axes is several times slower in NumPy).
    rows = _window_count(a.shape[-2], kernel[0], stride[0], dilation[0])
    cols = _window_count(a.shape[-1], kernel[1], stride[1], dilation[1])
    first, *rest = tap_slices(kernel, stride, dilation, rows, cols)
    out = a[first].copy()
    for where in rest:
        out += a[where]
    return out


def _window_sum(xp: Any, g: Array, a: Array, **how: tuple[int, int]) -> Array:
    """Each window's gradient added back where the window came from, into ``a``'s shape."""
    if not xp.records:  # into zeros laid out as a is in memory: later rules then run contiguous
        return _add_windows(np.zeros_like(a, dtype=g.dtype), g, **how)
    return xp.apply(WINDOW_SUM, g, shape=a.shape, **how)


def _pool_sum_vjp(xp: Any, g: Array, out: Array, a: Array, **how: tuple[int, int]) -> Array:
    # Every entry of a window receives its window's gradient.
    spread = xp.broadcast_to(g[..., None, None], (*g.shape, *how["kernel"]))
    return _window_sum(xp, spread, a, **how)


ERF = Rule(
    "erf",
    _erf_forward,
    (lambda xp, g, out, a: g * (2 / math.sqrt(math.pi)) * xp.exp(-(a * a)),),
    reads="i",
)
PAD = Rule(
    "pad",
    lambda a, *, pad_width, value: np.pad(a, pad_width, constant_values=value),
    (lambda xp, g, out, a, *, pad_width, value: g[_unpad_index(pad_width, a.shape)],),
    reads="",
)
WINDOWS = Rule(
    "windows",
    _windows_forward,
    (lambda xp, g, out, a, **how: _window_sum(xp, g, a, **how),),
    reads="",
)
WINDOW_SUM = Rule(
    "window_sum",
    _window_sum_forward,
    (lambda xp, g, out, a, *, shape, **how: xp.apply(WINDOWS, g, **how),),
    reads="",
)
# Fused SUM of WINDOWS over the last two axes, for measured speed (avg_pool2d: about 15× faster
# than NumPy's reduction of the strided view); tested against the composition.
POOL_SUM = Rule("pool_sum", _pool_sum_forward, (_pool_sum_vjp,), reads="")


def _clamped_log(x: np.ndarray) -> np.ndarray:
    # PyTorch's binary_cross_entropy clamps each log at −100, so a 0 or 1 gives a finite loss.
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), -100.0)


def _bce_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -(y * _clamped_log(x) + (1 - y) * _clamped_log(1 - x))


def _bce_vjp_input(xp: Any, g: Array, out: Array, x: Array, y: Array) -> Array:
    # ∂ℓ/∂x = (x − y) / (x (1 − x)), the denominator kept ≥ 1e-12 as PyTorch does.
    spread = x * (1 - x)
    return g * (x - y) / xp.where(spread > 1e-12, spread, 1e-12)


BINARY_CROSS_ENTROPY = Rule(
    "binary_cross_entropy",
    _bce_forward,
    (_bce_vjp_input, lambda xp, g, out, x, y: g * (xp.log(1 - x) - xp.log(x))),
    reads="i",
)


# ----------------------------------------------------------------------------- in place
# Updates of a tensor's own array: never recorded (no VJP), refused on a tensor that requires
# grad while grad mode is on. Each forward writes into ``target`` and returns nothing.


def _update(ufunc: np.ufunc) -> Callable[..., None]:
    def write(target: np.ndarray, value: Any) -> None:
        ufunc(target, value, out=target, casting="same_kind")

    return write


def _copy_into(target: np.ndarray, value: Any) -> None:
    np.copyto(target, value, casting="unsafe")  # cast to the target's dtype, as copy_/fill_


def _set_item(target: np.ndarray, value: Any, *, index: Any) -> None:
    target[index] = value


def _add_at(target: np.ndarray, value: Any, *, index: Any) -> None:
    np.add.at(target, index, value)  # a repeated index adds each value


ADD_ = Rule("add_", _update(np.add), ())
SUB_ = Rule("sub_", _update(np.subtract), ())
MUL_ = Rule("mul_", _update(np.multiply), ())
DIV_ = Rule("div_", _update(np.true_divide), ())
COPY_ = Rule("copy_", _copy_into, ())
SETITEM = Rule("setitem", _set_item, ())
SCATTER_ADD_ = Rule("scatter_add_", _add_at, ())


# ------------------------------------------------------------------------ the everyday surface
# PyTorch's elementwise functions, scans, gathers, norms and einsum. Each VJP below is the
# textbook derivative; ``xp.apply(RULE, ...)`` lets a VJP use another rule's forward so that a
# recorded backward (create_graph=True) stays differentiable.


def _zero_vjp(xp: Any, g: Array, out: Array, a: Array, **attrs: Any) -> Array:
    return g * 0.0  # piecewise constant (floor, round, ...): zero almost everywhere, as PyTorch


def _clamp_forward(a: np.ndarray, *, low: float | None, high: float | None) -> np.ndarray:
    out = a if low is None else np.maximum(a, low)
    return out if high is None else np.minimum(out, high)


def _clamp_vjp(xp: Any, g: Array, out: Array, a: Array, *, low: Any, high: Any) -> Array:
    # 1 where low ≤ a ≤ high (both ends inclusive, as PyTorch), else 0
    if low is not None:
        g = xp.where(a >= low, g, 0.0)
    return g if high is None else xp.where(a <= high, g, 0.0)


def _maximum_vjp(xp: Any, g: Array, out: Array, a: Array, b: Array, *, first: bool) -> Array:
    # the larger operand takes g; on a tie each takes g/2 (PyTorch's convention)
    mine, other = (a, b) if first else (b, a)
    return xp.where(mine > other, g, xp.where(mine == other, g * 0.5, 0.0))


def _minimum_vjp(xp: Any, g: Array, out: Array, a: Array, b: Array, *, first: bool) -> Array:
    mine, other = (a, b) if first else (b, a)
    return xp.where(mine < other, g, xp.where(mine == other, g * 0.5, 0.0))


def _cumsum_forward(a: np.ndarray, *, axis: int) -> np.ndarray:
    dtype = np.int64 if a.dtype.kind in "biu" else a.dtype  # integer sums widen, as PyTorch
    return np.cumsum(a, axis=axis, dtype=dtype)


def _cumsum_vjp(xp: Any, g: Array, out: Array, a: Array, *, axis: int) -> Array:
    # out_i = Σ_{j ≤ i} a_j, so ∂ℰ/∂a_j = Σ_{i ≥ j} g_i: a cumulative sum from the end
    flipped = xp.apply(FLIP, g, axes=(axis,))
    return xp.apply(FLIP, xp.apply(CUMSUM, flipped, axis=axis), axes=(axis,))


def _along_index(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """The full index tuple that ``take_along_axis(·, index, axis)`` reads."""
    grids = list(np.ix_(*(np.arange(n) for n in index.shape)))
    grids[axis] = index
    return tuple(grids)


def _gathered(xp: Any, g: Array, index: np.ndarray, axis: int) -> Array:
    """g at ``index`` along ``axis`` (a scatter's VJP); an index smaller than g in the other
    dims reads only their first entries (take_along_axis would broadcast it)."""
    corner = tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(index.shape))
    return xp.apply(GATHER, g[corner], index=index, axis=axis)


def _scatter_along_forward(
    g: np.ndarray, *, index: np.ndarray, axis: int, shape: tuple[int, ...]
) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, _along_index(index, axis), g)  # repeated indices add up
    return out


def _norm_forward(a: np.ndarray, *, p: float, axis: Any, keepdims: bool) -> np.ndarray:
    magnitude = np.abs(a)
    if p == 2:
        return np.sqrt(np.sum(magnitude * magnitude, axis=axis, keepdims=keepdims))
    if p == math.inf:
        return np.max(magnitude, axis=axis, keepdims=keepdims)
    if p == 1:
        return np.sum(magnitude, axis=axis, keepdims=keepdims)
    return np.sum(magnitude**p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _norm_vjp(
    xp: Any, g: Array, out: Array, a: Array, *, p: float, axis: Any, keepdims: bool
) -> Array:
    g = _unreduce(g, a.shape, axis, keepdims)
    n = _unreduce(out, a.shape, axis, keepdims)
    sign = xp.sign(a)
    if p == 1:
        return g * sign
    if p == math.inf:  # to the entries of largest magnitude, ties split evenly
        top = (a * sign) == n
        return xp.where(top, g * sign / top.sum(axis=axis, keepdims=True), 0.0)
    # ∂‖a‖_p/∂a = sign(a) |a|^(p−1) / ‖a‖^(p−1), and 0 at the zero vector (as PyTorch)
    safe = xp.where(n == 0, 1.0, n)
    if p == 2:
        return xp.where(n == 0, 0.0, g * a / safe)
    return xp.where(n == 0, 0.0, g * sign * (a * sign / safe) ** (p - 1))


def _einsum_explicit(subscripts: str, ndims: list[int]) -> tuple[list[str], str]:
    """Each operand's letters and the output's, with ``...`` spelled out and ``->`` filled in."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    operands = inputs.split(",")
    used = set(spec) - set(".,->")
    spare = iter(c for c in "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba" if c not in used)
    ranks = [n - len(s.replace("...", "")) for s, n in zip(operands, ndims) if "..." in s]
    ellipsis_rank = max(ranks, default=0)
    broadcast = "".join(next(spare) for _ in range(ellipsis_rank))
    letters = []
    for s, n in zip(operands, ndims):
        if "..." in s:
            rank = n - len(s.replace("...", ""))
            s = s.replace("...", broadcast[ellipsis_rank - rank :])
        letters.append(s)
    if not arrow:
        counts = {c: "".join(letters).count(c) for c in set("".join(letters))}
        once = sorted(c for c, k in counts.items() if k == 1 and c not in broadcast)
        output = broadcast + "".join(once)
    else:
        output = output.replace("...", broadcast)
    return letters, output


def _einsum_forward(*xs: np.ndarray, subscripts: str) -> np.ndarray:
    return np.einsum(subscripts, *xs)


def _einsum_vjp(xp: Any, g: Array, out: Array, *xs: Array, subscripts: str, position: int) -> Array:
    letters, output = _einsum_explicit(subscripts, [x.ndim for x in xs])
    mine = letters[position]
    if len(set(mine)) != len(mine):
        raise NotImplementedError(
            f"einsum: the gradient of operand {position} ('{mine}') with a repeated index "
            "(a diagonal) is not implemented"
        )
    others = [s for i, s in enumerate(letters) if i != position]
    present = set(output).union(*others)
    kept = "".join(c for c in mine if c in present)  # letters summed away only in this operand
    spec = ",".join([output, *others]) + "->" + kept
    grad = xp.apply(EINSUM, g, *(x for i, x in enumerate(xs) if i != position), subscripts=spec)
    if kept != mine:  # broadcast back over the letters this operand alone summed
        shape = xs[position].shape
        grad = grad.reshape(tuple(n if c in present else 1 for n, c in zip(shape, mine)))
        grad = xp.broadcast_to(grad, shape)
    return grad


SIN = Rule("sin", np.sin, (lambda xp, g, out, a: g * xp.apply(COS, a),), reads="i")
COS: Rule = Rule("cos", np.cos, (lambda xp, g, out, a: -g * xp.apply(SIN, a),), reads="i")
TAN = Rule("tan", np.tan, (lambda xp, g, out, a: g * (1 + out * out),), reads="o")
ASIN = Rule("asin", np.arcsin, (lambda xp, g, out, a: g / xp.apply(SQRT, 1 - a * a),), reads="i")
ACOS = Rule("acos", np.arccos, (lambda xp, g, out, a: -g / xp.apply(SQRT, 1 - a * a),), reads="i")
ATAN = Rule("atan", np.arctan, (lambda xp, g, out, a: g / (1 + a * a),), reads="i")
SINH = Rule("sinh", np.sinh, (lambda xp, g, out, a: g * xp.apply(COSH, a),), reads="i")
COSH: Rule = Rule("cosh", np.cosh, (lambda xp, g, out, a: g * xp.apply(SINH, a),), reads="i")
EXPM1 = Rule("expm1", np.expm1, (lambda xp, g, out, a: g * (out + 1),), reads="o")
LOG1P = Rule("log1p", np.log1p, (lambda xp, g, out, a: g / (1 + a),), reads="i")
FLOOR = Rule("floor", np.floor, (_zero_vjp,), reads="")
CEIL = Rule("ceil", np.ceil, (_zero_vjp,), reads="")
ROUND = Rule("round", lambda a, *, decimals: np.round(a, decimals), (_zero_vjp,), reads="")
TRUNC = Rule("trunc", np.trunc, (_zero_vjp,), reads="")
CLAMP = Rule("clamp", _clamp_forward, (_clamp_vjp,), reads="i")
MAXIMUM = Rule(
    "maximum",
    np.maximum,
    (
        lambda xp, g, out, a, b: _maximum_vjp(xp, g, out, a, b, first=True),
        lambda xp, g, out, a, b: _maximum_vjp(xp, g, out, a, b, first=False),
    ),
    reads="i",
)
MINIMUM = Rule(
    "minimum",
    np.minimum,
    (
        lambda xp, g, out, a, b: _minimum_vjp(xp, g, out, a, b, first=True),
        lambda xp, g, out, a, b: _minimum_vjp(xp, g, out, a, b, first=False),
    ),
    reads="i",
)
# a mod b = a − b·floor(a/b): ∂/∂a = 1, ∂/∂b = −floor(a/b)
REMAINDER = Rule(
    "remainder",
    np.remainder,
    (lambda xp, g, out, a, b: g, lambda xp, g, out, a, b: -g * xp.apply(FLOOR, a / b)),
    reads="i",
)
FLOOR_DIVIDE = Rule("floor_divide", np.floor_divide, ())  # not differentiable, as PyTorch
CUMSUM = Rule("cumsum", _cumsum_forward, (_cumsum_vjp,), reads="")
FLIP: Rule = Rule(
    "flip",
    lambda a, *, axes: np.flip(a, axes).copy(),  # a copy, as PyTorch's flip
    (lambda xp, g, out, a, *, axes: xp.apply(FLIP, g, axes=axes),),
    reads="",
)
GATHER = Rule(
    "gather",
    lambda a, *, index, axis: np.take_along_axis(a, index, axis),
    (
        lambda xp, g, out, a, *, index, axis: xp.apply(
            SCATTER_ALONG, g, index=index, axis=axis, shape=a.shape
        ),
    ),
    reads="",
)
SCATTER_ALONG: Rule = Rule(
    "scatter_add",
    _scatter_along_forward,
    (lambda xp, g, out, a, *, index, axis, shape: _gathered(xp, g, index, axis),),
    reads="",
)
TRIL: Rule = Rule(
    "tril",
    lambda a, *, k: np.tril(a, k),
    (lambda xp, g, out, a, *, k: xp.apply(TRIL, g, k=k),),
    reads="",
)
TRIU: Rule = Rule(
    "triu",
    lambda a, *, k: np.triu(a, k),
    (lambda xp, g, out, a, *, k: xp.apply(TRIU, g, k=k),),
    reads="",
)
CLONE = Rule("clone", np.copy, (lambda xp, g, out, a: g,), reads="")


def _scatter_forward(a: np.ndarray, src: np.ndarray, *, index: np.ndarray, axis: int) -> np.ndarray:
    out = a.copy()
    out[_along_index(index, axis)] = src  # a repeated index keeps the last write, as PyTorch's CPU
    return out


def _scatter_vjp_self(
    xp: Any, g: Array, out: Array, a: Array, src: Array, *, index: np.ndarray, axis: int
) -> Array:
    written = np.zeros(a.shape, dtype=bool)  # the overwritten places get no gradient
    written[_along_index(index, axis)] = True
    return xp.where(written, 0.0, g)


SCATTER = Rule(
    "scatter",
    _scatter_forward,
    (
        _scatter_vjp_self,
        lambda xp, g, out, a, src, *, index, axis: _gathered(xp, g, index, axis),
    ),
    reads="",
)


def _median_forward(a: np.ndarray, *, ignore_nan: bool) -> np.ndarray:
    flat = a.reshape(-1)
    if ignore_nan:
        flat = flat[~np.isnan(flat)] if flat.dtype.kind == "f" else flat
    elif flat.dtype.kind == "f" and np.isnan(flat).any():
        return np.array(np.nan, dtype=a.dtype)
    if flat.size == 0:
        return np.array(np.nan, dtype=a.dtype)
    return np.sort(flat)[(flat.size - 1) // 2].reshape(())  # the lower of the middle two


def _median_vjp(xp: Any, g: Array, out: Array, a: Array, *, ignore_nan: bool) -> Array:
    # as PyTorch's: g split evenly between the entries equal to the median (x != x is NaN:
    # a NaN median takes the NaN entries)
    nan_out = xp.astype(out != out, g.dtype)
    hit = xp.astype(a == out, g.dtype) + nan_out * xp.astype(a != a, g.dtype)
    return g * hit / hit.sum()


MEDIAN = Rule("median", _median_forward, (_median_vjp,))


# Linear algebra (tg.linalg), each VJP made of matrix products and the rules themselves, so
# that a recorded backward is differentiable again.
INV: Rule = Rule("inv", np.linalg.inv, (lambda xp, g, out, a: -(out.mT @ g @ out.mT),), reads="o")


def _det_vjp(xp: Any, g: Array, out: Array, a: Array) -> Array:
    # ∂ det A / ∂A = det(A) A⁻ᵀ (Jacobi's formula)
    scale = (g * out).reshape((*g.shape, 1, 1))
    return scale * xp.apply(INV, a).mT


DET = Rule("det", np.linalg.det, (_det_vjp,))


def _solve_vjp_b(xp: Any, g: Array, out: Array, a: Array, b: Array) -> Array:
    return xp.apply(SOLVE, a.mT, g)  # X = A⁻¹ B: ∂ℰ/∂B = A⁻ᵀ g


SOLVE: Rule = Rule(
    "solve",
    np.linalg.solve,
    (
        lambda xp, g, out, a, b: -(_solve_vjp_b(xp, g, out, a, b) @ out.mT),
        _solve_vjp_b,
    ),
)
NORM = Rule("norm", _norm_forward, (_norm_vjp,))
EINSUM = Rule("einsum", _einsum_forward, (_einsum_vjp,), variadic=True, reads="i")

# Not differentiable: tests and bitwise logic (bool masks), as rules so one apply runs them all.
ALL = Rule("all", lambda a, *, axis, keepdims: np.all(a, axis=axis, keepdims=keepdims), ())
ANY = Rule("any", lambda a, *, axis, keepdims: np.any(a, axis=axis, keepdims=keepdims), ())
ISNAN = Rule("isnan", np.isnan, ())
ISINF = Rule("isinf", np.isinf, ())
ISFINITE = Rule("isfinite", np.isfinite, ())
BITWISE_AND = Rule("bitwise_and", np.bitwise_and, ())
BITWISE_OR = Rule("bitwise_or", np.bitwise_or, ())
BITWISE_XOR = Rule("bitwise_xor", np.bitwise_xor, ())
BITWISE_NOT = Rule("bitwise_not", np.invert, ())
