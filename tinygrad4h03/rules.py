"""rules.py: the derivative table, every tensor operation's forward and its VJPs.

``tensor.py`` defines no derivative itself: each differentiable ``Tensor`` operation runs a
``Rule`` from the table at the bottom of this file, and the engine (``engine.py``) calls the
rule's vector-Jacobian products (VJPs) in the backward sweep.

**The VJP convention.** ℰ is the scalar the sweep started from (the loss). A rule's VJP for
input i receives g = ∂ℰ/∂out, of the output's shape, and returns
∂ℰ/∂input_i = gᵀ · ∂out/∂input_i, of the input's shape (or the broadcast shape). Its
signature is ``vjp(g, out, *inputs, **attrs)``: the output and the inputs of the forward,
and its keyword attributes (``axis``, ``shape``, ...). In the lecture's notation the
incoming g is the error signal with the opposite sign: g = −ε^(l) at a layer's output
y^(l) and g = −δ^(l) at its net input v^(l), because the lecture's algorithm starts from
ε^(L) = y − y^(L) (target minus output), so its δ = −∂ℰ/∂v. ``TANH``'s VJP
``g * (1 - out * out)`` is the lecture's δ = φ'(v) ε with both signs flipped.

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
| ``ABS``, ``RELU`` | abs(a), max(a, 0) | g ⊙ sign(a), g ⊙ [a > 0] |
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
| ``TO`` | a cast to ``dtype`` | g cast back to a's dtype |
| ``CAT``, ``STACK`` | inputs joined along ``axis`` | input i's slice of g |

**Two kinds of operand.** A VJP is written once for both:

- plain NumPy arrays — the common case, ``backward()`` without ``create_graph``: nothing is
  recorded and the rule costs what the NumPy calls cost;
- ``Tensor`` nodes — ``create_graph=True``: the same expression then records the backward
  pass, so the gradient can be differentiated again (Hessian-vector products).

So VJPs use only operators and methods that ``np.ndarray`` and ``Tensor`` share
(``+ - * / ** @``, ``.sum(axis=, keepdims=)``, ``.reshape``, ``.mT``, indexing) and the small
dispatching helpers below for the rest. A VJP may return a gradient of the *broadcast* shape;
``Tensor._backward`` sums it back to the operand's shape in exactly one place
(``sum_to_shape``). Only the VJPs of inputs that require grad are called.
"""

from __future__ import annotations

import math
from collections.abc import Callable
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
        vjps: one function per input, ``vjp(g, out, *inputs, **attrs)`` → ∂ℰ/∂input given
            g = ∂ℰ/∂out.
        variadic: the rule takes any number of inputs (``cat``, ``stack``) and has a single
            VJP that is told the input's ``position=``.
        saves: the forward also returns a residual, which the VJPs get as ``saved=`` (a
            NumPy array: used on the plain-array path only; a recorded backward recomputes
            it from the tensors).

    Examples:
        >>> x = np.array([0.5]); out = TANH.forward(x)
        >>> TANH.vjps[0](np.ones(1), out, x).round(4).tolist()  # 1 − tanh²(0.5)
        [0.7864]
        >>> tg.tensor([0.5], requires_grad=True).tanh().grad_fn is TANH
        True
    """

    name: str
    forward: Callable[..., np.ndarray]
    vjps: tuple[Callable[..., Array], ...]
    variadic: bool = False
    saves: bool = False

    def __repr__(self) -> str:
        return "<" + "".join(part.capitalize() for part in self.name.split("_")) + "Backward>"


# ----------------------------------------------------------------------------- helpers
# Each dispatches on the operand kind: NumPy arrays on the fast path, Tensors when recording.


def _is_array(x: Array) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def _exp(x: Array) -> Array:
    return np.exp(x) if _is_array(x) else x.exp()


def _log(x: Array) -> Array:
    return np.log(x) if _is_array(x) else x.log()


def _sign(x: Array) -> Array:
    return np.sign(x) if _is_array(x) else x._constant(np.sign(x.numpy()))


def _as_dtype(x: Array, dtype: np.dtype) -> Array:
    if _is_array(x):
        return x.astype(dtype, copy=False)
    return x if x.dtype == dtype else x.to(dtype)


def _is_plain(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic, int, float))


def _where(condition: Array, x: Array | float, y: Array | float) -> Array:
    """``np.where`` that records the graph when ``x`` or ``y`` is a Tensor."""
    condition = condition if _is_plain(condition) else np.asarray(condition)
    if _is_plain(x) and _is_plain(y):
        return np.where(condition, x, y)
    node = y if _is_plain(x) else x
    return node._apply(WHERE, x, y, condition=condition)


def _softmax(x: Array, axis: int) -> Array:
    return _softmax_forward(x, axis=axis) if _is_array(x) else x.softmax(axis)


def _expand(x: Array, shape: tuple[int, ...]) -> Array:
    return np.broadcast_to(x, shape) if _is_array(x) else x.expand(*shape)


def _permute(x: Array, axes: tuple[int, ...]) -> Array:
    return np.transpose(x, axes) if _is_array(x) else x.permute(*axes)


def _scatter_add(g: Array, index: Any, shape: tuple[int, ...], basic: bool) -> Array:
    if _is_array(g):
        return _scatter_add_forward(g, index=index, shape=shape, basic=basic)
    return g._apply(SCATTER_ADD, g, index=index, shape=shape, basic=basic)


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


def _pow_exponent_vjp(g: Array, out: Array, a: Array, b: Array) -> Array:
    # ∂(a^b)/∂b = a^b · ln a, taken as 0 where a = 0 (PyTorch's convention: the limit for b > 0).
    at_zero = a == 0
    return g * _where(at_zero, 0.0, out * _log(_where(at_zero, 1.0, a)))


def _rpow_scalar_vjp(g: Array, out: Array, a: Array, *, base: float) -> Array:
    # ∂(c^a)/∂a = c^a · ln c. For c = 0 it is taken as 0 where a >= 0 (PyTorch's convention);
    # for c < 0, ln c is NaN, as in PyTorch.
    if base > 0:
        return g * out * math.log(base)
    if base == 0:
        return g * _where(a >= 0, 0.0, -math.inf)  # c^a ln c = inf · (−inf) for a < 0
    return g * out * math.nan


def _matmul_vjp_a(g: Array, out: Array, a: Array, b: Array) -> Array:
    # out = a @ b  ⇒  ∂ℰ/∂a = g @ bᵀ (1-D operands are promoted to matrices and back).
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if b.ndim == 1:
        return g[..., None] * b
    if a.ndim == 1:
        return (g[..., None, :] @ b.mT)[..., 0, :]
    return g @ b.mT


def _matmul_vjp_b(g: Array, out: Array, a: Array, b: Array) -> Array:
    # out = a @ b  ⇒  ∂ℰ/∂b = aᵀ @ g.
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:
        return a[:, None] * g[..., None, :]
    if b.ndim == 1:
        return (a.mT @ g[..., None])[..., 0]
    return a.mT @ g


def _max_vjp(
    g: Array, out: Array, a: Array, *, axis: tuple[int, ...] | None, keepdims: bool
) -> Array:
    # The gradient goes to the maximal entries, split evenly between ties (as torch.amax).
    g = _unreduce(g, a.shape, axis, keepdims)
    is_max = _as_dtype(a == _unreduce(out, a.shape, axis, keepdims), g.dtype)
    return g * is_max / is_max.sum(axis=axis, keepdims=True)


def _softmax_vjp(g: Array, s: Array, a: Array, *, axis: int) -> Array:
    # s = softmax(a): ∂ℰ/∂a = s ⊙ (g − Σ g ⊙ s), the Jacobian diag(s) − s sᵀ applied to g.
    return s * (g - (g * s).sum(axis=axis, keepdims=True))


def _log_softmax_vjp(g: Array, out: Array, a: Array, *, axis: int) -> Array:
    # out = a − logsumexp(a): ∂ℰ/∂a = g − softmax(a) · Σ g.
    return g - _exp(out) * g.sum(axis=axis, keepdims=True)


def _index_vjp(g: Array, out: Array, a: Array, *, index: Any, basic: bool) -> Array:
    # Every selected position receives its gradient; repeated indices add up (np.add.at).
    return _scatter_add(g, index, a.shape, basic)


def _slice_along(axis: int, start: int, stop: int | None = None) -> tuple[Any, ...]:
    position = start if stop is None else slice(start, stop)
    return (slice(None),) * axis + (position,)


def _cat_vjp(g: Array, out: Array, *inputs: Array, axis: int, position: int) -> Array:
    start = sum(x.shape[axis] for x in inputs[:position])
    return g[_slice_along(axis, start, start + inputs[position].shape[axis])]


def _stack_vjp(g: Array, out: Array, *inputs: Array, axis: int, position: int) -> Array:
    return g[_slice_along(axis, position)]


def _linear_vjp_weight(g: Array, out: Array, x: Array, w: Array, *bias: Array) -> Array:
    # out = x Wᵀ + b  ⇒  ∂ℰ/∂W = Σ_rows gᵀ x: the lecture's δ (y^(l−1))ᵀ, summed over samples.
    return g.reshape(-1, g.shape[-1]).mT @ x.reshape(-1, x.shape[-1])


def _linear_vjp_bias(g: Array, out: Array, x: Array, w: Array, b: Array) -> Array:
    # ∂ℰ/∂b = Σ_rows g. One sample: g itself, reshaped; else sum_to_shape sums the rows.
    return g.reshape(b.shape) if g.size == b.size else g


def _cross_entropy_vjp(
    g: Array, out: Array, logits: Array, *, target: np.ndarray, reduction: str, saved: np.ndarray
) -> Array:
    # loss_n = −log softmax(z_n)[t_n]  ⇒  ∂loss_n/∂z_n = softmax(z_n) − onehot(t_n): the
    # lecture's δ^(L) = −ε^(L) for a softmax output with cross-entropy (no φ' factor).
    rows = np.arange(len(target))
    if _is_array(logits):
        delta = saved.copy()  # softmax(z) from the forward pass; a copy: backward may run again
        delta[rows, target] -= 1
    else:
        onehot = np.zeros(logits.shape, dtype=logits.dtype)
        onehot[rows, target] = 1
        delta = logits.softmax(-1) - onehot
    if reduction == "none":
        return delta * g.reshape(-1, 1)
    return delta * (g / len(target) if reduction == "mean" else g)


# ----------------------------------------------------------------------------- forwards


def _sigmoid_forward(a: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^−a) written as e^(−log(1 + e^−a)): no overflow at ±1000. (The Python 0 does not
    # change a float dtype; an integer input gives a float result, as in PyTorch.)
    return np.exp(-np.logaddexp(0, -a))


def _softmax_forward(a: np.ndarray, *, axis: int) -> np.ndarray:
    e = np.exp(a - a.max(axis=axis, keepdims=True))  # shifting by the max keeps exp finite
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_forward(a: np.ndarray, *, axis: int) -> np.ndarray:
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

ADD = Rule("add", np.add, (lambda g, out, a, b: g, lambda g, out, a, b: g))
SUB = Rule("sub", np.subtract, (lambda g, out, a, b: g, lambda g, out, a, b: -g))
MUL = Rule("mul", np.multiply, (lambda g, out, a, b: g * b, lambda g, out, a, b: g * a))
DIV = Rule("div", np.true_divide, (lambda g, out, a, b: g / b, lambda g, out, a, b: -g * out / b))
NEG = Rule("neg", np.negative, (lambda g, out, a: -g,))
POW = Rule("pow", np.power, (lambda g, out, a, b: g * b * a ** (b - 1), _pow_exponent_vjp))
POW_SCALAR = Rule(
    "pow",
    lambda a, *, exponent: np.power(a, exponent),
    (lambda g, out, a, *, exponent: g * exponent * a ** (exponent - 1),),
)
RPOW_SCALAR = Rule("pow", lambda a, *, base: np.power(base, a), (_rpow_scalar_vjp,))
MATMUL = Rule("matmul", np.matmul, (_matmul_vjp_a, _matmul_vjp_b))

EXP = Rule("exp", np.exp, (lambda g, out, a: g * out,))
LOG = Rule("log", np.log, (lambda g, out, a: g / a,))
SQRT = Rule("sqrt", np.sqrt, (lambda g, out, a: g / (2 * out),))
ABS = Rule("abs", np.abs, (lambda g, out, a: g * _sign(a),))
RELU = Rule("relu", lambda a: np.maximum(a, 0), (lambda g, out, a: g * (a > 0),))
SIGMOID = Rule("sigmoid", _sigmoid_forward, (lambda g, out, a: g * out * (1 - out),))
TANH = Rule("tanh", np.tanh, (lambda g, out, a: g * (1 - out * out),))
WHERE = Rule(
    "where",
    lambda a, b, *, condition: np.where(condition, a, b),
    (
        lambda g, out, a, b, *, condition: _where(condition, g, 0.0),
        lambda g, out, a, b, *, condition: _where(condition, 0.0, g),
    ),
)

SUM = Rule(
    "sum",
    lambda a, *, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims),
    (lambda g, out, a, *, axis, keepdims: _expand(_unreduce(g, a.shape, axis, keepdims), a.shape),),
)
MAX = Rule(
    "max",
    lambda a, *, axis, keepdims: np.max(a, axis=axis, keepdims=keepdims),
    (_max_vjp,),
)
SOFTMAX = Rule("softmax", _softmax_forward, (_softmax_vjp,))
LOG_SOFTMAX = Rule("log_softmax", _log_softmax_forward, (_log_softmax_vjp,))

# Fused for measured speed (one node instead of three or four); tested against the composed ops.
LINEAR = Rule(
    "linear",
    _linear_forward,
    (lambda g, out, x, w, *bias: g @ w, _linear_vjp_weight, _linear_vjp_bias),
)
CROSS_ENTROPY = Rule("cross_entropy", _cross_entropy_forward, (_cross_entropy_vjp,), saves=True)

RESHAPE = Rule(
    "reshape",
    lambda a, *, shape: np.reshape(a, shape),
    (lambda g, out, a, *, shape: g.reshape(a.shape),),
)
PERMUTE = Rule(
    "permute",
    lambda a, *, axes: np.transpose(a, axes),
    (lambda g, out, a, *, axes: _permute(g, tuple(np.argsort(axes))),),
)
# expand's VJP hands g back unchanged: sum_to_shape, applied to every rule's result, sums
# the broadcast axes away.
EXPAND = Rule(
    "expand", lambda a, *, shape: np.broadcast_to(a, shape), (lambda g, out, a, *, shape: g,)
)
INDEX = Rule("index", lambda a, *, index, basic: a[index], (_index_vjp,))
SCATTER_ADD = Rule(
    "scatter_add",
    _scatter_add_forward,
    (lambda g, out, a, *, index, shape, basic: g[index],),
)
TO = Rule(
    "to",
    lambda a, *, dtype: a.astype(dtype),
    (lambda g, out, a, *, dtype: _as_dtype(g, a.dtype),),
)
CAT = Rule("cat", lambda *xs, axis: np.concatenate(xs, axis=axis), (_cat_vjp,), variadic=True)
STACK = Rule("stack", lambda *xs, axis: np.stack(xs, axis=axis), (_stack_vjp,), variadic=True)


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


def _tap_slices(
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    rows: int,
    cols: int,
) -> list[tuple[Any, ...]]:
    """For each kernel offset (p, q), the strided slice of the input it reads in every window."""
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
    taps = _tap_slices(kernel, stride, dilation, rows, cols)
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
    first, *rest = _tap_slices(kernel, stride, dilation, rows, cols)
    out = a[first].copy()
    for where in rest:
        out += a[where]
    return out


def _windows(
    g: Array, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> Array:
    if _is_array(g):
        return _windows_forward(g, kernel=kernel, stride=stride, dilation=dilation)
    return g._apply(WINDOWS, g, kernel=kernel, stride=stride, dilation=dilation)


def _window_sum(g: Array, a: Array, **how: tuple[int, int]) -> Array:
    """Each window's gradient added back where the window came from, into ``a``'s shape."""
    if _is_array(g):  # into zeros laid out as a is in memory: later rules then run contiguous
        return _add_windows(np.zeros_like(a, dtype=g.dtype), g, **how)
    return g._apply(WINDOW_SUM, g, shape=a.shape, **how)


def _pool_sum_vjp(g: Array, out: Array, a: Array, **how: tuple[int, int]) -> Array:
    # Every entry of a window receives its window's gradient.
    return _window_sum(_expand(g[..., None, None], (*g.shape, *how["kernel"])), a, **how)


ERF = Rule(
    "erf",
    _erf_forward,
    (lambda g, out, a: g * (2 / math.sqrt(math.pi)) * _exp(-(a * a)),),
)
PAD = Rule(
    "pad",
    lambda a, *, pad_width, value: np.pad(a, pad_width, constant_values=value),
    (lambda g, out, a, *, pad_width, value: g[_unpad_index(pad_width, a.shape)],),
)
WINDOWS = Rule("windows", _windows_forward, (lambda g, out, a, **how: _window_sum(g, a, **how),))
WINDOW_SUM = Rule(
    "window_sum",
    _window_sum_forward,
    (lambda g, out, a, *, shape, **how: _windows(g, **how),),
)
# Fused SUM of WINDOWS over the last two axes, for measured speed (avg_pool2d: about 15× faster
# than NumPy's reduction of the strided view); tested against the composition.
POOL_SUM = Rule("pool_sum", _pool_sum_forward, (_pool_sum_vjp,))


def _clamped_log(x: Array) -> Array:
    # PyTorch's binary_cross_entropy clamps each log at −100, so a 0 or 1 gives a finite loss.
    if _is_array(x):
        with np.errstate(divide="ignore"):
            return np.maximum(np.log(x), -100.0)
    log = x.log()
    return _where(log > -100.0, log, -100.0)


def _bce_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -(y * _clamped_log(x) + (1 - y) * _clamped_log(1 - x))


def _bce_vjp_input(g: Array, out: Array, x: Array, y: Array) -> Array:
    # ∂ℓ/∂x = (x − y) / (x (1 − x)), the denominator kept ≥ 1e-12 as PyTorch does.
    spread = x * (1 - x)
    if _is_array(spread):
        return g * (x - y) / np.maximum(spread, 1e-12)
    floor = _where(spread > 1e-12, spread, 1e-12)
    return g * (x - y) / floor


BINARY_CROSS_ENTROPY = Rule(
    "binary_cross_entropy",
    _bce_forward,
    (_bce_vjp_input, lambda g, out, x, y: g * (_log(1 - x) - _log(x))),
)
