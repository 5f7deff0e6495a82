"""One catalogue of the differentiable tensor operations of API.md §2, shared by the tests.

Each entry is a hypothesis strategy that draws an :class:`Example`: a function
``fn(xp, *tensors)`` written only with operators and methods that tinygrad4h03 and PyTorch
both have (``xp`` is the module, ``tinygrad4h03`` or ``torch``, for ``cat``/``stack``/
``where``), and the float64 arrays to call it with. The finite-difference tests
(``test_tensor_ops.py``) and the PyTorch cross-checks (``test_torch_crosscheck.py``) run
the same examples.

Inputs are moved into each operation's smooth domain by construction (positive bases and
logarithms, divisors and ``relu``/``abs`` inputs away from 0, distinct values for ``amax`` and
``max(dim)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03.testing import (
    arrays,
    away_from_zero,
    broadcastable_pairs,
    broadcastable_shapes,
    distinct_arrays,
    matmul_shapes,
    positive_arrays,
    shapes,
)


@dataclass(frozen=True)
class Example:
    """``fn(xp, *tensors)``, the arrays to call it with, and what was drawn (for messages)."""

    fn: Callable[..., Any]
    arrays: tuple[np.ndarray, ...]
    label: str

    def on(self, xp: Any) -> Callable[..., Any]:
        """The function for one library: ``on(tg)(*tensors)`` or ``on(torch)(*tensors)``."""
        return partial(self.fn, xp)

    def tensors(self) -> list[tg.Tensor]:
        return [tg.tensor(x, requires_grad=True) for x in self.arrays]


# --------------------------------------------------------------------------- small draws


def _dim(draw: st.DrawFn, ndim: int) -> int:
    """A dim of an ``ndim``-d tensor, negative half the time (0 or −1 for a 0-d tensor)."""
    size = max(ndim, 1)
    return draw(st.integers(-size, size - 1))


def _dims(draw: st.DrawFn, ndim: int) -> Any:
    """``None``, one dim, or a tuple of distinct dims (any of them negative)."""
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int" or ndim == 0:
        return _dim(draw, ndim)
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(d - ndim if draw(st.booleans()) else d for d in chosen)


# --------------------------------------------------------------------------- elementwise


@st.composite
def _binary(
    draw: st.DrawFn,
    op: Callable[..., Any],
    name: str,
    left: Callable[..., Any] = arrays,
    right: Callable[..., Any] = arrays,
) -> Example:
    a_shape, b_shape = draw(broadcastable_pairs())
    a, b = draw(left(a_shape)), draw(right(b_shape))
    return Example(lambda xp, x, y: op(x, y), (a, b), f"{name} {a_shape} {b_shape}")


@st.composite
def _unary(
    draw: st.DrawFn, op: Callable[..., Any], name: str, domain: Callable[..., Any] = arrays
) -> Example:
    shape = draw(shapes())
    return Example(lambda xp, x: op(x), (draw(domain(shape)),), f"{name} {shape}")


_SCALAR_OPS: dict[str, Callable[[Any, float], Any]] = {
    "t + c": lambda t, c: t + c,
    "c + t": lambda t, c: c + t,
    "t - c": lambda t, c: t - c,
    "c - t": lambda t, c: c - t,
    "t * c": lambda t, c: t * c,
    "c * t": lambda t, c: c * t,
    "t / c": lambda t, c: t / c,
}


@st.composite
def _with_scalar(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    name = draw(st.sampled_from(sorted(_SCALAR_OPS)))
    c = draw(st.sampled_from([-2.5, -1, 0.5, 2, 3.0]))
    op = _SCALAR_OPS[name]
    return Example(lambda xp, t: op(t, c), (draw(arrays(shape)),), f"{name} c={c} {shape}")


@st.composite
def _reflected_div(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    c = draw(st.sampled_from([-2.0, 1, 3.5]))
    x = draw(away_from_zero(shape, margin=0.5))
    return Example(lambda xp, t: c / t, (x,), f"{c} / t {shape}")


@st.composite
def _pow_scalar(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    p = draw(st.sampled_from([2, 3, -1, 0.5, -1.5, 2.5]))
    # integer powers are smooth everywhere except negative ones at 0; the others need x > 0
    x = draw(arrays(shape) if p in (2, 3) else positive_arrays(shape, low=0.5))
    return Example(lambda xp, t: t**p, (x,), f"t ** {p} {shape}")


@st.composite
def _rpow(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    c = draw(st.sampled_from([0.5, 2, 3.0]))
    return Example(lambda xp, t: c**t, (draw(arrays(shape, -2, 2)),), f"{c} ** t {shape}")


def _pow_tensor() -> st.SearchStrategy[Example]:
    base = partial(positive_arrays, low=0.5)
    exponent = partial(arrays, low=-2.0, high=2.0)
    return _binary(lambda a, b: a**b, "a ** b", base, exponent)


@st.composite
def _matmul(draw: st.DrawFn) -> Example:
    a_shape, b_shape = draw(matmul_shapes())
    a, b = draw(arrays(a_shape)), draw(arrays(b_shape))
    return Example(lambda xp, x, y: x @ y, (a, b), f"matmul {a_shape} @ {b_shape}")


@st.composite
def _where(draw: st.DrawFn) -> Example:
    (a_shape, b_shape), scalar_other = draw(broadcastable_pairs()), draw(st.booleans())
    a = draw(away_from_zero(a_shape))  # the condition a > 0 never flips under a tiny step
    if scalar_other:
        return Example(lambda xp, x: xp.where(x > 0, x, -0.5), (a,), f"where {a_shape}, -0.5")
    b = draw(arrays(b_shape))
    return Example(lambda xp, x, y: xp.where(x > 0, x, y), (a, b), f"where {a_shape} {b_shape}")


# --------------------------------------------------------------------------- reductions


@st.composite
def _reduction(draw: st.DrawFn, method: str) -> Example:
    shape = draw(shapes())
    dim, keepdim = _dims(draw, len(shape)), draw(st.booleans())
    label = f"{method}(dim={dim}, keepdim={keepdim}) {shape}"
    fn = partial(_reduce_fn, method=method, dim=dim, keepdim=keepdim)
    distinct = method in ("amax", "amin")  # no ties: finite differences see one maximum
    return Example(fn, (draw(distinct_arrays(shape) if distinct else arrays(shape)),), label)


@st.composite
def _max_dim(draw: st.DrawFn, method: str) -> Example:
    # max(dim)/min(dim): the values of the named tuple (values, indices), as PyTorch's.
    shape = draw(shapes(min_dims=1))
    dim, keepdim = _dim(draw, len(shape)), draw(st.booleans())
    fn = partial(_values_fn, method=method, dim=dim, keepdim=keepdim)
    label = f"{method}(dim={dim}, keepdim={keepdim}).values {shape}"
    return Example(fn, (draw(distinct_arrays(shape)),), label)


def _values_fn(xp: Any, t: Any, *, method: str, dim: int, keepdim: bool) -> Any:
    return getattr(t, method)(dim, keepdim=keepdim).values


def _reduce_fn(xp: Any, t: Any, *, method: str, dim: Any, keepdim: bool) -> Any:
    return getattr(t, method)(dim=dim, keepdim=keepdim)


@st.composite
def _softmax(draw: st.DrawFn, method: str) -> Example:
    shape = draw(shapes())
    dim = _dim(draw, len(shape))
    x = draw(arrays(shape, -5, 5))
    return Example(lambda xp, t: getattr(t, method)(dim=dim), (x,), f"{method}({dim}) {shape}")


# --------------------------------------------------------------------------- shapes


def _reshape_target(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    size = math.prod(shape)
    options = [(size,), (-1,), tuple(reversed(shape)), (1, size), (size, 1, 1)]
    if size == 1:
        options.append(())
    return draw(st.sampled_from(options))


@st.composite
def _reshape(draw: st.DrawFn, method: str) -> Example:
    shape = draw(shapes())
    target = _reshape_target(draw, shape)
    as_tuple = draw(st.booleans()) or not target  # t.reshape((2, 3)) and t.reshape(2, 3)

    def fn(xp: Any, t: Any) -> Any:
        return getattr(t, method)(target) if as_tuple else getattr(t, method)(*target)

    return Example(fn, (draw(arrays(shape)),), f"{method}{target} {shape}")


@st.composite
def _flatten(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    start = _dim(draw, len(shape))
    return Example(lambda xp, t: t.flatten(start), (draw(arrays(shape)),), f"flatten({start})")


@st.composite
def _transpose(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    d0, d1 = _dim(draw, len(shape)), _dim(draw, len(shape))
    x = draw(arrays(shape))
    return Example(lambda xp, t: t.transpose(d0, d1), (x,), f"transpose({d0}, {d1}) {shape}")


@st.composite
def _permute(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    order = draw(st.permutations(range(len(shape))))
    dims = tuple(d - len(shape) if draw(st.booleans()) else d for d in order)
    x = draw(arrays(shape))
    return Example(lambda xp, t: t.permute(*dims), (x,), f"permute{dims} {shape}")


@st.composite
def _matrix_t(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=2, max_dims=2))  # PyTorch deprecates .T on other ranks
    return Example(lambda xp, t: t.T, (draw(arrays(shape)),), f"T {shape}")


@st.composite
def _unsqueeze(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    d = draw(st.integers(-len(shape) - 1, len(shape)))
    return Example(lambda xp, t: t.unsqueeze(d), (draw(arrays(shape)),), f"unsqueeze({d})")


@st.composite
def _squeeze(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_side=1, max_side=2))  # sides of 1 are common here
    dim = None if draw(st.booleans()) else _dim(draw, len(shape))
    x = draw(arrays(shape))

    def fn(xp: Any, t: Any) -> Any:
        return t.squeeze() if dim is None else t.squeeze(dim)

    return Example(fn, (x,), f"squeeze({dim}) {shape}")


@st.composite
def _expand(draw: st.DrawFn) -> Example:
    target = draw(shapes())
    shape = draw(broadcastable_shapes(target))
    keep = draw(st.booleans())  # −1 keeps a dim, as in PyTorch
    lead = len(target) - len(shape)
    sizes = tuple(-1 if keep and i >= lead else n for i, n in enumerate(target))
    as_tuple = draw(st.booleans()) or not sizes

    def fn(xp: Any, t: Any) -> Any:
        return t.expand(sizes) if as_tuple else t.expand(*sizes)

    return Example(fn, (draw(arrays(shape)),), f"expand{sizes} {shape}")


# --------------------------------------------------------------------------- indexing


def _basic_item(draw: st.DrawFn, n: int) -> Any:
    kind = draw(st.sampled_from(["int", "slice", "all"]))
    if kind == "int":
        return draw(st.integers(-n, n - 1))
    if kind == "all":
        return slice(None)
    start = draw(st.integers(-n, n - 1))
    stop = draw(st.none() | st.integers(start % n + 1, n))  # never empty
    return slice(start, stop, draw(st.sampled_from([1, 2])))


@st.composite
def _index_basic(draw: st.DrawFn) -> Example:
    """Integers, slices (positive steps: PyTorch has no negative ones), ``None`` and ``...``."""
    shape = draw(shapes(min_dims=1))
    used = draw(st.integers(1, len(shape)))
    items: list[Any] = [_basic_item(draw, n) for n in shape[:used]]
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if used < len(shape) and draw(st.booleans()):
        items.append(Ellipsis)  # after the items: they index the leading dims they were drawn for
    index = tuple(items) if len(items) > 1 or draw(st.booleans()) else items[0]
    return Example(lambda xp, t: t[index], (draw(arrays(shape)),), f"[{index}] {shape}")


def _indices(draw: st.DrawFn, n: int, count: int) -> np.ndarray:
    return np.asarray(draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count)))


@st.composite
def _index_array(draw: st.DrawFn) -> Example:
    """Integer arrays with repeated entries (the gradient adds up, as ``np.add.at``)."""
    shape = draw(shapes(min_dims=1))
    count = draw(st.integers(1, 5))
    rows = _indices(draw, shape[0], count)
    kinds = ["rows", "pairs", "slice then array"] if len(shape) > 1 else ["rows"]
    kind = draw(st.sampled_from(kinds))
    if kind == "rows":
        index: Any = rows
    elif kind == "pairs":
        index = (rows, _indices(draw, shape[1], count))
    else:
        index = (slice(None), _indices(draw, shape[1], count))
    return Example(lambda xp, t: t[index], (draw(arrays(shape)),), f"[{kind}: {index}] {shape}")


@st.composite
def _index_mask(draw: st.DrawFn) -> Example:
    """Boolean masks: of the whole shape, or of one dim (``t[m]``, ``t[:, m]``)."""
    shape = draw(shapes(min_dims=1))
    kind = draw(st.sampled_from(["full", "first", "second"] if len(shape) > 1 else ["full"]))
    mask_shape = {"full": shape, "first": shape[:1], "second": shape[1:2]}[kind]
    size = math.prod(mask_shape)
    flags = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    mask = np.asarray(flags, dtype=bool).reshape(mask_shape)
    index = (slice(None), mask) if kind == "second" else mask
    return Example(lambda xp, t: t[index], (draw(arrays(shape)),), f"[mask {kind}] {shape}")


# --------------------------------------------------------------------------- joining


@st.composite
def _cat(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    count = draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        part = list(shape)
        part[dim] = draw(st.integers(1, 3))
        parts.append(draw(arrays(tuple(part))))
    label = f"cat(dim={dim}) {[p.shape for p in parts]}"
    return Example(lambda xp, *ts: xp.cat(list(ts), dim=dim), tuple(parts), label)


@st.composite
def _stack(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    dim = draw(st.integers(-len(shape) - 1, len(shape)))
    parts = tuple(draw(arrays(shape)) for _ in range(draw(st.integers(1, 3))))
    label = f"stack(dim={dim}) {len(parts)} x {shape}"
    return Example(lambda xp, *ts: xp.stack(list(ts), dim=dim), parts, label)


# --------------------------------------------------------------------------- the catalogue

OPS: dict[str, st.SearchStrategy[Example]] = {
    "add": _binary(lambda a, b: a + b, "a + b"),
    "sub": _binary(lambda a, b: a - b, "a - b"),
    "mul": _binary(lambda a, b: a * b, "a * b"),
    "div": _binary(lambda a, b: a / b, "a / b", right=partial(away_from_zero, margin=0.5)),
    "pow_tensor": _pow_tensor(),
    "pow_scalar": _pow_scalar(),
    "rpow": _rpow(),
    "scalar_operand": _with_scalar(),
    "rdiv": _reflected_div(),
    "matmul": _matmul(),
    "neg": _unary(lambda t: -t, "-t"),
    "exp": _unary(lambda t: t.exp(), "exp"),
    "log": _unary(lambda t: t.log(), "log", positive_arrays),
    "sqrt": _unary(lambda t: t.sqrt(), "sqrt", positive_arrays),
    "abs": _unary(lambda t: t.abs(), "abs", away_from_zero),
    "relu": _unary(lambda t: t.relu(), "relu", away_from_zero),
    "sigmoid": _unary(lambda t: t.sigmoid(), "sigmoid"),
    "tanh": _unary(lambda t: t.tanh(), "tanh"),
    "sum": _reduction("sum"),
    "mean": _reduction("mean"),
    "amax": _reduction("amax"),
    "amin": _reduction("amin"),
    "max_dim": _max_dim("max"),
    "min_dim": _max_dim("min"),
    "softmax": _softmax("softmax"),
    "log_softmax": _softmax("log_softmax"),
    "reshape": _reshape("reshape"),
    "view": _reshape("view"),
    "flatten": _flatten(),
    "transpose": _transpose(),
    "permute": _permute(),
    "T": _matrix_t(),
    "unsqueeze": _unsqueeze(),
    "squeeze": _squeeze(),
    "expand": _expand(),
    "index_basic": _index_basic(),
    "index_array": _index_array(),
    "index_mask": _index_mask(),
    "cat": _cat(),
    "stack": _stack(),
    "where": _where(),
}


# --------------------------------------------------------------------------- layers and losses
# tg.nn.functional's differentiable functions (API.md §3), called as xp.nn.functional.<name>
# in both libraries.


def _nn_f(xp: Any) -> Any:
    return xp.nn.functional


@st.composite
def _conv2d(draw: st.DrawFn) -> Example:
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding: Any = draw(st.sampled_from([0, 1, (1, 0), "valid", "same"]))
    stride = 1 if padding == "same" else draw(st.sampled_from([1, 2, (2, 1)]))
    reach = [d * (k - 1) + 1 for d, k in zip(dilation, (kh, kw))]  # the kernel's extent
    h, w = draw(st.integers(reach[0], reach[0] + 3)), draw(st.integers(reach[1], reach[1] + 3))
    arrays_ = [draw(arrays((n, c, h, w))), draw(arrays((o, c, kh, kw)))]
    if draw(st.booleans()):
        arrays_.append(draw(arrays((o,))))
    label = f"conv2d x{(n, c, h, w)} w{(o, c, kh, kw)} s={stride} p={padding} d={dilation}"

    def fn(xp: Any, x: Any, weight: Any, *bias: Any) -> Any:
        return _nn_f(xp).conv2d(x, weight, *bias, stride=stride, padding=padding, dilation=dilation)

    return Example(fn, tuple(arrays_), label)


@st.composite
def _conv2d_groups(draw: st.DrawFn) -> Example:
    groups = draw(st.integers(2, 3))
    per_in, per_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = draw(st.sampled_from([1, 2, (2, 1)])), draw(st.sampled_from([0, 1]))
    h, w = draw(st.integers(kh, kh + 2)), draw(st.integers(kw, kw + 2))
    x = draw(arrays((draw(st.integers(1, 2)), groups * per_in, h, w)))
    weight = draw(arrays((groups * per_out, per_in, kh, kw)))
    label = f"conv2d x{x.shape} w{weight.shape} groups={groups} s={stride} p={padding}"

    def fn(xp: Any, x: Any, weight: Any, bias: Any) -> Any:
        return _nn_f(xp).conv2d(x, weight, bias, stride, padding, groups=groups)

    return Example(fn, (x, weight, draw(arrays((groups * per_out,)))), label)


@st.composite
def _conv_transpose2d(draw: st.DrawFn) -> Example:
    groups, kh, kw = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))), draw(st.integers(1, 2))
    extra = tuple(draw(st.integers(0, max(s, dilation) - 1)) for s in stride)
    padding = draw(st.integers(0, 1)) if min(kh, kw) == 3 else 0  # a non-empty output
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(arrays((n, groups, h, w)))
    weight = draw(arrays((groups, draw(st.integers(1, 2)), kh, kw)))
    label = f"conv_transpose2d x{x.shape} w{weight.shape} s={stride} p={padding} op={extra}"
    label += f" groups={groups} d={dilation}"

    def fn(xp: Any, x: Any, weight: Any, bias: Any) -> Any:
        return _nn_f(xp).conv_transpose2d(x, weight, bias, stride, padding, extra, groups, dilation)

    return Example(fn, (x, weight, draw(arrays((weight.shape[1] * groups,)))), label)


def _pool_shape(draw: st.DrawFn, reach: tuple[int, int]) -> tuple[int, ...]:
    # at least the kernel's extent: no window lies wholly in the padding
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w = (draw(st.integers(extent, extent + 3)) for extent in reach)
    return n, c, h, w


@st.composite
def _max_pool2d(draw: st.DrawFn) -> Example:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), 1)
    reach = (dilation[0] * (kernel[0] - 1) + 1, kernel[1])
    pads = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    stride = draw(st.sampled_from([None, 1, 2, (1, 2)]))
    shape = _pool_shape(draw, reach)
    x = draw(distinct_arrays(shape))  # no ties: every window has one maximum

    ceil = draw(st.booleans())

    def fn(xp: Any, t: Any) -> Any:
        return _nn_f(xp).max_pool2d(t, kernel, stride, pads, dilation, ceil_mode=ceil)

    label = f"max_pool2d {shape} k={kernel} s={stride} p={pads} d={dilation} ceil={ceil}"
    return Example(fn, (x,), label)


@st.composite
def _avg_pool2d(draw: st.DrawFn) -> Example:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pads = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    stride = draw(st.sampled_from([None, 1, 2, (2, 1)]))
    count_pad = draw(st.booleans())
    shape = _pool_shape(draw, kernel)

    ceil = draw(st.booleans())

    def fn(xp: Any, t: Any) -> Any:
        return _nn_f(xp).avg_pool2d(t, kernel, stride, pads, ceil, count_include_pad=count_pad)

    label = f"avg_pool2d {shape} k={kernel} s={stride} p={pads} count_pad={count_pad} ceil={ceil}"
    return Example(fn, (draw(arrays(shape)),), label)


@st.composite
def _activation(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes())
    if name == "leaky_relu":
        x = draw(away_from_zero(shape))
        kwargs: dict[str, Any] = {"negative_slope": draw(st.sampled_from([0.01, 0.3]))}
    elif name == "elu":
        x, kwargs = draw(away_from_zero(shape)), {"alpha": draw(st.sampled_from([1.0, 0.5]))}
    elif name == "softplus":
        kwargs = {"beta": draw(st.sampled_from([1.0, 2.0])), "threshold": 4.0}
        x = draw(arrays(shape, -3, 1.9))  # clear of the switch to x at β x = threshold
    else:
        x, kwargs = draw(arrays(shape)), {"approximate": draw(st.sampled_from(["none", "tanh"]))}

    def fn(xp: Any, t: Any) -> Any:
        return getattr(_nn_f(xp), name)(t, **kwargs)

    return Example(fn, (x,), f"{name}({kwargs}) {shape}")


@st.composite
def _norm(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes(min_dims=2, max_dims=4, min_side=2))
    x = draw(distinct_arrays(shape))  # a spread: a variance near 0 would magnify rounding
    if name == "layer_norm":
        last = shape[draw(st.integers(1, len(shape) - 1)) :]
        gamma, beta = draw(arrays(last)), draw(arrays(last))

        def fn(xp: Any, t: Any, w: Any, b: Any) -> Any:
            return _nn_f(xp).layer_norm(t, last, w, b)

        return Example(fn, (x, gamma, beta), f"layer_norm({last}) {shape}")
    channels = (shape[1],)

    def batch(xp: Any, t: Any, w: Any, b: Any) -> Any:
        return _nn_f(xp).batch_norm(t, None, None, w, b, training=True)

    affine = (draw(arrays(channels)), draw(arrays(channels)))
    return Example(batch, (x, *affine), f"batch_norm {shape}")


@st.composite
def _embedding(draw: st.DrawFn) -> Example:
    rows, dim = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    index = np.asarray(draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=6)))
    # (padding_idx withholds a gradient on purpose, which finite differences cannot confirm:
    # test_layers.py checks it against PyTorch)

    def fn(xp: Any, table: Any) -> Any:
        return _nn_f(xp).embedding(xp.tensor(index), table)

    return Example(fn, (draw(arrays((rows, dim))),), f"embedding {index}")


@st.composite
def _pad(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    widths = tuple(draw(st.integers(0, 2)) for _ in range(2 * draw(st.integers(1, len(shape)))))
    value = draw(st.sampled_from([0.0, -1.5]))

    def fn(xp: Any, t: Any) -> Any:
        return _nn_f(xp).pad(t, widths, value=value)

    return Example(fn, (draw(arrays(shape)),), f"pad{widths} value={value} {shape}")


@st.composite
def _regression_loss(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes())
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    kwargs: dict[str, Any] = {"reduction": reduction}
    if name == "smooth_l1_loss":
        kwargs["beta"] = draw(st.sampled_from([0.5, 1.0]))
    elif name == "huber_loss":
        kwargs["delta"] = draw(st.sampled_from([0.5, 2.0]))
    target = draw(arrays(shape))
    # differences clear of 0 and of the switch at β or δ (the kinks), by construction
    sizes = draw(st.sampled_from([(0.1, 0.4), (2.5, 4.0)]))  # below 0.5 or above 2
    offsets = draw(arrays(shape, *sizes)) * draw(st.sampled_from([1.0, -1.0]))
    x = target + offsets

    def fn(xp: Any, t: Any, y: Any) -> Any:
        return getattr(_nn_f(xp), name)(t, y, **kwargs)

    return Example(fn, (x, target), f"{name}({kwargs}) {shape}")


@st.composite
def _binary_cross_entropy(draw: st.DrawFn, logits: bool) -> Example:
    shape = draw(shapes(min_dims=1))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    target = draw(arrays(shape, 0.0, 1.0))
    weight = draw(st.none() | positive_arrays(shape))  # a constant: PyTorch refuses its grad
    pos = draw(st.none() | positive_arrays(shape[-1:])) if logits else None
    x = draw(arrays(shape, -6.0, 6.0) if logits else arrays(shape, 0.05, 0.95))

    def fn(xp: Any, t: Any, y: Any) -> Any:
        w = None if weight is None else xp.tensor(weight).to(t.dtype)
        if not logits:
            return _nn_f(xp).binary_cross_entropy(t, y, w, reduction=reduction)
        pw = None if pos is None else xp.tensor(pos).to(t.dtype)
        return _nn_f(xp).binary_cross_entropy_with_logits(
            t, y, w, reduction=reduction, pos_weight=pw
        )

    name = "bce_with_logits" if logits else "binary_cross_entropy"
    label = f"{name} {shape} {reduction} weight={weight is not None} pos_weight={pos is not None}"
    return Example(fn, (x, target), label)


OPS.update(
    {
        "conv2d": _conv2d(),
        "conv2d_groups": _conv2d_groups(),
        "conv_transpose2d": _conv_transpose2d(),
        "max_pool2d": _max_pool2d(),
        "avg_pool2d": _avg_pool2d(),
        "gelu": _activation("gelu"),
        "leaky_relu": _activation("leaky_relu"),
        "elu": _activation("elu"),
        "softplus": _activation("softplus"),
        "layer_norm": _norm("layer_norm"),
        "batch_norm": _norm("batch_norm"),
        "embedding": _embedding(),
        "pad": _pad(),
        "l1_loss": _regression_loss("l1_loss"),
        "smooth_l1_loss": _regression_loss("smooth_l1_loss"),
        "huber_loss": _regression_loss("huber_loss"),
        "binary_cross_entropy": _binary_cross_entropy(logits=False),
        "binary_cross_entropy_with_logits": _binary_cross_entropy(logits=True),
    }
)


# --------------------------------------------------------------------------- the everyday surface
# API.md §2's elementwise functions, scans, sorting, gathers, norms and einsum, called as
# functions (xp.sin) or methods in both libraries.


@st.composite
def _function(draw: st.DrawFn, name: str, domain: Callable[..., Any] = arrays) -> Example:
    shape = draw(shapes())
    return Example(lambda xp, t: getattr(xp, name)(t), (draw(domain(shape)),), f"{name} {shape}")


def _clear_of(x: np.ndarray, points: tuple[float, ...], margin: float = 0.05) -> np.ndarray:
    """``x`` moved off the kinks at ``points`` (finite differences need a smooth neighbourhood)."""
    for p in points:
        x = np.where(np.abs(x - p) < margin, p + 2 * margin, x)
    return x


@st.composite
def _clamp(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    low, high = draw(st.sampled_from([(-0.5, 0.5), (None, 0.3), (-0.2, None)]))
    x = _clear_of(draw(arrays(shape, -1, 1)), tuple(b for b in (low, high) if b is not None))
    return Example(lambda xp, t: t.clamp(low, high), (x,), f"clamp({low}, {high}) {shape}")


@st.composite
def _extremum(draw: st.DrawFn, name: str) -> Example:
    a_shape, b_shape = draw(broadcastable_pairs())
    a, b = draw(arrays(a_shape, -1, 1)), draw(arrays(b_shape, -1, 1)) + 0.0313  # no ties
    return Example(lambda xp, x, y: getattr(xp, name)(x, y), (a, b), f"{name} {a_shape} {b_shape}")


@st.composite
def _scan(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    fn = (lambda xp, t: t.cumsum(dim)) if name == "cumsum" else (lambda xp, t: t.flip(dim))
    return Example(fn, (draw(arrays(shape)),), f"{name}({dim}) {shape}")


@st.composite
def _gather(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    index_shape = tuple(
        draw(st.integers(1, n + 1)) if d == dim % len(shape) else draw(st.integers(1, n))
        for d, n in enumerate(shape)
    )
    index = draw(
        st.lists(
            st.integers(0, shape[dim] - 1),
            min_size=int(np.prod(index_shape)),
            max_size=int(np.prod(index_shape)),
        )
    )
    picks = np.array(index, dtype=np.int64).reshape(index_shape)
    fn = lambda xp, t: t.gather(dim, xp.tensor(picks))  # noqa: E731
    return Example(fn, (draw(arrays(shape)),), f"gather({dim}) {shape} index {index_shape}")


@st.composite
def _triangle(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes(min_dims=2))
    k = draw(st.integers(-2, 2))
    return Example(
        lambda xp, t: getattr(t, name)(k), (draw(arrays(shape)),), f"{name}({k}) {shape}"
    )


@st.composite
def _spread(draw: st.DrawFn, name: str) -> Example:
    shape = draw(shapes(min_dims=1, min_side=2))
    dim = _dims(draw, len(shape))
    unbiased, keepdim = draw(st.booleans()), draw(st.booleans())
    fn = lambda xp, t: getattr(t, name)(dim, unbiased=unbiased, keepdim=keepdim)  # noqa: E731
    label = f"{name}(dim={dim}, unbiased={unbiased}, keepdim={keepdim}) {shape}"
    return Example(fn, (draw(distinct_arrays(shape)),), label)


@st.composite
def _p_norm(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    p = draw(st.sampled_from([1, 2, 3, "fro", float("inf")]))
    dim = None if p == "fro" else _dims(draw, len(shape))
    keepdim = draw(st.booleans())
    if p == float("inf"):  # distinct magnitudes, clear of |x|'s kink at 0
        x = draw(distinct_arrays(shape))
        x = (x - x.min() + 0.1) * np.where(draw(arrays(shape)) > 0, 1.0, -1.0)
    else:
        x = draw(away_from_zero(shape))
    fn = lambda xp, t: t.norm(p, dim, keepdim)  # noqa: E731
    return Example(fn, (x,), f"norm(p={p}, dim={dim}, keepdim={keepdim}) {shape}")


@st.composite
def _logsumexp(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim, keepdim = _dim(draw, len(shape)), draw(st.booleans())
    fn = lambda xp, t: t.logsumexp(dim, keepdim=keepdim)  # noqa: E731
    return Example(fn, (draw(arrays(shape, -5, 5)),), f"logsumexp({dim}, {keepdim}) {shape}")


@st.composite
def _sorted_values(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    if draw(st.booleans()):
        descending = draw(st.booleans())
        fn = lambda xp, t: t.sort(dim, descending=descending).values  # noqa: E731
        label = f"sort({dim}, descending={descending}) {shape}"
    else:
        k = draw(st.integers(1, shape[dim]))
        largest = draw(st.booleans())
        fn = lambda xp, t: t.topk(k, dim, largest=largest).values  # noqa: E731
        label = f"topk({k}, {dim}, largest={largest}) {shape}"
    return Example(fn, (draw(distinct_arrays(shape)),), label)


_EINSUM_CASES = {
    "ij,jk->ik": ((2, 3), (3, 4)),
    "bij,bjk->bik": ((2, 2, 3), (2, 3, 2)),
    "i,i->": ((3,), (3,)),
    "i,j->ij": ((2,), (3,)),
    "ij->ji": ((2, 3),),
    "ij->": ((2, 3),),
    "ij,j": ((2, 3), (3,)),
    "...ij,...jk->...ik": ((2, 2, 3), (3, 2)),
    "ijk,ik->j": ((2, 3, 2), (2, 2)),
}


@st.composite
def _einsum(draw: st.DrawFn) -> Example:
    spec = draw(st.sampled_from(sorted(_EINSUM_CASES)))
    operands = tuple(draw(arrays(s)) for s in _EINSUM_CASES[spec])
    return Example(lambda xp, *ts: xp.einsum(spec, *ts), operands, f"einsum {spec}")


@st.composite
def _products(draw: st.DrawFn) -> Example:
    name = draw(st.sampled_from(["mm", "bmm", "dot", "outer"]))
    a_shape, b_shape = {
        "mm": ((2, 3), (3, 2)),
        "bmm": ((2, 2, 3), (2, 3, 1)),
        "dot": ((3,), (3,)),
        "outer": ((2,), (3,)),
    }[name]
    a, b = draw(arrays(a_shape)), draw(arrays(b_shape))
    return Example(lambda xp, x, y: getattr(xp, name)(x, y), (a, b), f"{name} {a_shape} {b_shape}")


@st.composite
def _pieces(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1, min_side=2))
    dim = _dim(draw, len(shape))
    how = draw(st.sampled_from(["split", "chunk", "repeat", "masked_fill", "clone"]))
    if how in ("split", "chunk"):
        size = draw(st.integers(1, shape[dim]))

        def fn(xp: Any, t: Any) -> Any:
            parts = getattr(t, how)(size, dim)
            return xp.cat([p * (i + 1) for i, p in enumerate(parts)], dim)

    elif how == "repeat":
        times = tuple(draw(st.integers(1, 2)) for _ in range(len(shape) + draw(st.integers(0, 1))))
        fn = lambda xp, t: t.repeat(*times)  # noqa: E731
        size = times
    elif how == "masked_fill":
        mask = draw(arrays(shape)) > 0
        fn = lambda xp, t: t.masked_fill(xp.tensor(mask), -1.5)  # noqa: E731
        size = None
    else:
        fn = lambda xp, t: t.clone() * 2  # noqa: E731
        size = None
    return Example(fn, (draw(arrays(shape)),), f"{how}({size}, {dim}) {shape}")


OPS.update(
    {
        "sin": _function("sin"),
        "cos": _function("cos"),
        "tan": _function("tan", partial(arrays, low=-1.2, high=1.2)),
        "asin": _function("asin", partial(arrays, low=-0.9, high=0.9)),
        "acos": _function("acos", partial(arrays, low=-0.9, high=0.9)),
        "atan": _function("atan"),
        "sinh": _function("sinh"),
        "cosh": _function("cosh"),
        "expm1": _function("expm1"),
        "log1p": _function("log1p", positive_arrays),
        "log2": _function("log2", positive_arrays),
        "log10": _function("log10", positive_arrays),
        "rsqrt": _function("rsqrt", positive_arrays),
        "square": _function("square"),
        "reciprocal": _function("reciprocal", away_from_zero),
        "clamp": _clamp(),
        "maximum": _extremum("maximum"),
        "minimum": _extremum("minimum"),
        "cumsum": _scan("cumsum"),
        "flip": _scan("flip"),
        "gather": _gather(),
        "tril": _triangle("tril"),
        "triu": _triangle("triu"),
        "var": _spread("var"),
        "std": _spread("std"),
        "norm": _p_norm(),
        "logsumexp": _logsumexp(),
        "sort_topk": _sorted_values(),
        "einsum": _einsum(),
        "products": _products(),
        "pieces": _pieces(),
    }
)


# --------------------------------------------------------------------------- the next layer
# Diagonals, gathers along a dim, exact products (zeros included), grids and tg.nn.functional's
# similarity and attention functions (tests/test_surface_more.py checks their values, dtypes
# and errors against PyTorch).


def _with_zeros(draw: st.DrawFn, x: np.ndarray) -> np.ndarray:
    """``x`` with some entries set to exactly 0 (products must stay exact there)."""
    flags = draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    return np.where(np.asarray(flags, dtype=bool).reshape(x.shape), 0.0, x)


@st.composite
def _product(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    x = draw(away_from_zero(shape))  # PyTorch divides by tiny entries in its second order
    x = _with_zeros(draw, x) if draw(st.booleans()) else x
    if draw(st.booleans()):
        dim = _dim(draw, len(shape))
        fn = lambda xp, t: t.cumprod(dim)  # noqa: E731
        return Example(fn, (x,), f"cumprod({dim}) {shape}")
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    keepdim = draw(st.booleans())
    fn = lambda xp, t: t.prod() if dim is None else t.prod(dim, keepdim)  # noqa: E731
    return Example(fn, (x,), f"prod({dim}, keepdim={keepdim}) {shape}")


@st.composite
def _diagonals(draw: st.DrawFn) -> Example:
    how = draw(st.sampled_from(["diag1", "diag2", "diagonal", "trace"]))
    k = draw(st.integers(-2, 2))
    if how == "diag1":
        shape: tuple[int, ...] = draw(shapes(min_dims=1, max_dims=1))
        fn = lambda xp, t: t.diag(k)  # noqa: E731
    elif how == "diag2":
        shape = draw(shapes(min_dims=2, max_dims=2))
        fn = lambda xp, t: xp.diag(t, k)  # noqa: E731
    elif how == "diagonal":
        shape = draw(shapes(min_dims=2))
        d1, d2 = draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2, unique=True))
        fn = lambda xp, t: t.diagonal(k, d1, d2 - len(shape))  # noqa: E731
    else:
        shape = draw(shapes(min_dims=2, max_dims=2))
        fn = lambda xp, t: t.trace()  # noqa: E731
    return Example(fn, (draw(arrays(shape)),), f"{how}({k}) {shape}")


@st.composite
def _selections(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    how = draw(st.sampled_from(["index_select", "repeat_interleave", "roll", "tile", "masked"]))
    if how == "index_select":
        picks = _indices(draw, shape[dim], draw(st.integers(1, 4))) % shape[dim]
        fn = lambda xp, t: t.index_select(dim, xp.tensor(picks))  # noqa: E731
        detail: Any = picks.tolist()
    elif how == "repeat_interleave":
        detail = draw(st.integers(1, 3))
        flat = draw(st.booleans())
        fn = lambda xp, t: t.repeat_interleave(detail, None if flat else dim)  # noqa: E731
    elif how == "roll":
        detail = draw(st.integers(-4, 4))
        weights = np.arange(1.0, math.prod(shape) + 1).reshape(shape)  # tells places apart
        fn = lambda xp, t: t.roll(detail, dim) * xp.tensor(weights, dtype=t.dtype)  # noqa: E731
    elif how == "tile":
        detail = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(1, len(shape) + 1))))
        fn = lambda xp, t: t.tile(detail)  # noqa: E731
    else:
        detail = draw(arrays(shape[1:])) > 0
        fn = lambda xp, t: t.masked_select(xp.tensor(detail))  # noqa: E731
    return Example(fn, (draw(arrays(shape)),), f"{how}({detail}, {dim}) {shape}")


@st.composite
def _grids(draw: st.DrawFn) -> Example:
    a_shape, b_shape = draw(broadcastable_pairs())
    a, b = draw(arrays(a_shape)), draw(arrays(b_shape))
    if draw(st.booleans()):

        def fn(xp: Any, x: Any, y: Any) -> Any:
            u, v = xp.broadcast_tensors(x, y)
            return u * v.broadcast_to(v.shape) + u

        return Example(fn, (a, b), f"broadcast_tensors {a_shape} {b_shape}")
    indexing = draw(st.sampled_from(["ij", "xy"]))
    a, b = a.reshape(-1), b.reshape(-1)

    def grid(xp: Any, x: Any, y: Any) -> Any:
        u, v = xp.meshgrid(x, y, indexing=indexing)
        return u * v + u

    return Example(grid, (a, b), f"meshgrid({indexing}) {a.shape} {b.shape}")


@st.composite
def _similarity(draw: st.DrawFn) -> Example:
    how = draw(st.sampled_from(["normalize", "cosine_similarity", "pairwise_distance"]))
    a_shape, b_shape = draw(broadcastable_pairs())
    a_shape, b_shape = (*a_shape, 2), (*b_shape, 2)  # a last dim of 2 in both
    a, b = draw(away_from_zero(a_shape)), draw(away_from_zero(b_shape))
    if how == "normalize":
        p = draw(st.sampled_from([1.0, 2.0, 3.0]))
        dim = draw(st.integers(-len(a_shape), len(a_shape) - 1))
        fn = lambda xp, x: xp.nn.functional.normalize(x, p=p, dim=dim)  # noqa: E731
        return Example(fn, (a,), f"normalize(p={p}, dim={dim}) {a_shape}")
    if how == "cosine_similarity":
        fn2 = lambda xp, x, y: xp.nn.functional.cosine_similarity(x, y, dim=-1)  # noqa: E731
        return Example(fn2, (a, b), f"cosine_similarity {a_shape} {b_shape}")
    keepdim = draw(st.booleans())
    b = b + 0.5  # x1 − x2 away from 0, where the 2-norm has a kink
    fn3 = lambda xp, x, y: xp.nn.functional.pairwise_distance(x, y, keepdim=keepdim)  # noqa: E731
    return Example(fn3, (a, b), f"pairwise_distance(keepdim={keepdim}) {a_shape} {b_shape}")


@st.composite
def _attention(draw: st.DrawFn) -> Example:
    batch = draw(shapes(max_dims=1, max_side=2))
    length, source, e, ev = (draw(st.integers(1, 3)) for _ in range(4))
    q = draw(arrays((*batch, length, e), -1, 1))
    k = draw(arrays((*batch, source, e), -1, 1))
    v = draw(arrays((*batch, source, ev), -1, 1))
    how = draw(st.sampled_from(["plain", "causal", "bool mask", "float mask", "scale"]))
    mask: Any = None
    if how == "bool mask":
        mask = draw(arrays((length, source))) > -1.0
    elif how == "float mask":
        mask = draw(arrays((length, source)))

    def fn(xp: Any, *qkv: Any) -> Any:
        given = None if mask is None else xp.tensor(mask)
        if mask is not None and mask.dtype != bool:
            given = given.to(qkv[0].dtype)  # PyTorch wants the query's dtype
        return xp.nn.functional.scaled_dot_product_attention(
            *qkv, attn_mask=given, is_causal=how == "causal", scale=0.7 if how == "scale" else None
        )

    return Example(fn, (q, k, v), f"sdpa({how}) q {q.shape} k {k.shape} v {v.shape}")


OPS.update(
    {
        "erf": _function("erf"),
        "prod_cumprod": _product(),
        "diagonals": _diagonals(),
        "selections": _selections(),
        "grids": _grids(),
        "similarity": _similarity(),
        "attention": _attention(),
    }
)


# --------------------------------------------------------------------------- moving dims, medians
# and scatters: movedim, swapdims, unbind, median, nanmedian, scatter, scatter_add, index_add
# (tests/test_tensor_more.py checks their values, indices and errors against PyTorch).


def _distinct_dims(draw: st.DrawFn, n: int, count: int) -> list[int]:
    """``count`` distinct dims of an ``n``-d tensor, any of them negative."""
    dims = st.integers(-n, n - 1)
    return draw(st.lists(dims, min_size=count, max_size=count, unique_by=lambda d: d % n))


@st.composite
def _moved(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    n = len(shape)
    how = draw(st.sampled_from(["movedim", "moveaxis", "swapdims", "unbind"]))
    if how == "unbind":
        dim = _dim(draw, n)

        def fn(xp: Any, t: Any) -> Any:
            return xp.stack([p * (i + 1) for i, p in enumerate(t.unbind(dim))], -1)

        return Example(fn, (draw(arrays(shape)),), f"unbind({dim}) {shape}")
    if how == "swapdims":
        d0, d1 = _dim(draw, n), _dim(draw, n)
        fn2 = lambda xp, t: xp.swapdims(t, d0, d1)  # noqa: E731
        return Example(fn2, (draw(arrays(shape)),), f"swapdims({d0}, {d1}) {shape}")
    count = draw(st.integers(1, n))
    src, dst = _distinct_dims(draw, n, count), _distinct_dims(draw, n, count)
    source, destination = (src[0], dst[0]) if count == 1 else (tuple(src), tuple(dst))
    fn3 = lambda xp, t: getattr(t, how)(source, destination)  # noqa: E731
    return Example(fn3, (draw(arrays(shape)),), f"{how}({source}, {destination}) {shape}")


@st.composite
def _median(draw: st.DrawFn) -> Example:
    shape = draw(shapes())
    name = draw(st.sampled_from(["median", "nanmedian"]))
    x = draw(distinct_arrays(shape))  # no ties: the median is smooth there
    if draw(st.booleans()):
        fn = lambda xp, t: getattr(t, name)()  # noqa: E731
        return Example(fn, (x,), f"{name}() {shape}")
    dim, keepdim = _dim(draw, len(shape)), draw(st.booleans())
    fn2 = lambda xp, t: getattr(xp, name)(t, dim, keepdim).values  # noqa: E731
    return Example(fn2, (x,), f"{name}({dim}, keepdim={keepdim}) {shape}")


def _distinct_index(draw: st.DrawFn, shape: tuple[int, ...], dim: int, size: int) -> np.ndarray:
    """An int64 index of ``shape`` whose entries along ``dim`` are distinct, in ``[0, size)``
    (``shape[dim] ≤ size``): no place is written twice, so scatter is smooth."""
    keys = draw(distinct_arrays((*shape[:dim], size, *shape[dim + 1 :])))
    order = np.argsort(keys, axis=dim)
    return np.take(order, np.arange(shape[dim]), axis=dim).astype(np.int64)


@st.composite
def _scatter(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    dim = _dim(draw, len(shape))
    axis = dim % len(shape)
    index_shape = tuple(draw(st.integers(1, n)) for n in shape)
    how = draw(st.sampled_from(["scatter", "scatter value", "scatter_add", "index_add"]))
    x, src = draw(arrays(shape)), draw(arrays(index_shape))
    if how == "scatter":
        picks = _distinct_index(draw, index_shape, axis, shape[axis])
        fn = lambda xp, t, s: t.scatter(dim, xp.tensor(picks), s)  # noqa: E731
        return Example(fn, (x, src), f"scatter({dim}) {shape} index {index_shape}")
    if how == "scatter value":
        picks = _distinct_index(draw, index_shape, axis, shape[axis])
        fn2 = lambda xp, t: t.scatter(dim, xp.tensor(picks), value=-1.5)  # noqa: E731
        return Example(fn2, (x,), f"scatter({dim}, value=-1.5) {shape} index {index_shape}")
    if how == "scatter_add":  # repeats allowed: they add up
        picks = _indices(draw, shape[axis], int(np.prod(index_shape))) % shape[axis]
        picks = picks.reshape(index_shape)
        fn3 = lambda xp, t, s: xp.scatter_add(t, dim, xp.tensor(picks), s)  # noqa: E731
        return Example(fn3, (x, src), f"scatter_add({dim}) {shape} index {index_shape}")
    count = draw(st.integers(1, 4))
    picks = _indices(draw, shape[axis], count) % shape[axis]
    source = draw(arrays((*shape[:axis], count, *shape[axis + 1 :])))
    alpha = draw(st.sampled_from([1, -0.5]))
    fn4 = lambda xp, t, s: t.index_add(dim, xp.tensor(picks), s, alpha=alpha)  # noqa: E731
    return Example(fn4, (x, source), f"index_add({dim}, {picks.tolist()}, alpha={alpha}) {shape}")


OPS.update({"moved": _moved(), "median": _median(), "scatter": _scatter()})


# --------------------------------------------------------------------------- tg.linalg
# Norms (composed), and inv, det, solve (rules) on well-conditioned matrices.


def _signs(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(draw(arrays(shape)) > 0, 1.0, -1.0)


@st.composite
def _vector_norm(draw: st.DrawFn) -> Example:
    shape = draw(shapes(min_dims=1))
    ord = draw(st.sampled_from([1, 2, 3, 0.5, math.inf, -math.inf]))
    dim, keepdim = _dims(draw, len(shape)), draw(st.booleans())
    if math.isinf(ord):  # distinct magnitudes, clear of |x|'s kink at 0
        x = draw(distinct_arrays(shape))
        x = (x - x.min() + 0.1) * _signs(draw, shape)
    else:
        x = draw(away_from_zero(shape))
    fn = lambda xp, t: xp.linalg.vector_norm(t, ord, dim, keepdim)  # noqa: E731
    return Example(fn, (x,), f"vector_norm(ord={ord}, dim={dim}, keepdim={keepdim}) {shape}")


@st.composite
def _matrix_norm(draw: st.DrawFn) -> Example:
    via_norm = draw(st.booleans())  # tg.linalg.norm(A, ord) of a 2-D A, or matrix_norm
    shape = draw(shapes(min_dims=2, max_dims=2 if via_norm else 3))
    ord = draw(st.sampled_from(["fro", 1, -1, math.inf, -math.inf]))
    keepdim = draw(st.booleans())
    magnitude = draw(arrays(shape, 0.1, 0.6))
    if ord != "fro":  # one clear largest (smallest) column or row sum: a smooth max
        columns = abs(ord) == 1  # ord ±1 compares column sums, ±inf row sums
        steps = np.arange(shape[-1]) if columns else np.arange(shape[-2]).reshape(-1, 1)
        magnitude = magnitude + steps
    x = magnitude * _signs(draw, shape)
    name = "norm" if via_norm else "matrix_norm"
    fn = lambda xp, t: getattr(xp.linalg, name)(t, ord, keepdim=keepdim)  # noqa: E731
    return Example(fn, (x,), f"{name}(ord={ord}, keepdim={keepdim}) {shape}")


def _well_conditioned(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    """Square matrices near (n + 1)·I, strictly diagonally dominant: far from singular."""
    n = shape[-1]
    return draw(arrays(shape, -1, 1)) + (n + 1) * np.eye(n)


@st.composite
def _linalg_solvers(draw: st.DrawFn) -> Example:
    batch = draw(shapes(max_dims=1, max_side=2))
    n = draw(st.integers(1, 3))
    a = _well_conditioned(draw, (*batch, n, n))
    how = draw(st.sampled_from(["inv", "det", "solve", "solve vector", "solve right"]))
    if how in ("inv", "det"):
        fn = lambda xp, t: getattr(xp.linalg, how)(t)  # noqa: E731
        return Example(fn, (a,), f"{how} {a.shape}")
    if how == "solve vector":
        b = draw(arrays((n,)))
        fn2 = lambda xp, t, u: xp.linalg.solve(t, u)  # noqa: E731
        return Example(fn2, (a, b), f"solve {a.shape} {b.shape}")
    k = draw(st.integers(1, 2))
    b = draw(arrays((*batch, n, k) if how == "solve" else (*batch, k, n)))
    left = how == "solve"
    fn3 = lambda xp, t, u: xp.linalg.solve(t, u, left=left)  # noqa: E731
    return Example(fn3, (a, b), f"solve(left={left}) {a.shape} {b.shape}")


OPS.update(
    {
        "vector_norm": _vector_norm(),
        "matrix_norm": _matrix_norm(),
        "linalg_solvers": _linalg_solvers(),
    }
)
