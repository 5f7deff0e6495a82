"""tensor.py: the ``Tensor`` node, a NumPy array that records the operations applied to it.

Also here: ``tensor()``, ``cat``, ``stack`` and ``where``, and the error ``ShapeError``. Every
tensor operation, recorded or not, runs through one function, ``apply(rule, *operands,
**attrs)``, with a ``Rule`` of ``rules.py`` (where each operation's forward and derivative
live); in-place updates run through one helper (``Tensor._in_place``) with the in-place rules,
which bumps the version counters that make a backward through a stale value raise. The
backward sweep is the engine's (``engine.py``); a ``Tensor`` only says how to apply one rule
backwards (``_backward``, with the array namespace ``rules.NUMPY``, or ``TENSOR_OPS`` when the
backward is recorded) and how to store a finished gradient (``_accumulate``, under a lock).

Dtypes follow PyTorch: Python floats (and lists of them) become ``float32``, Python ints
``int64``; NumPy arrays keep their dtype; Python numbers and NumPy scalars never upcast a
tensor; only floating tensors can require gradients, and ``t.grad.dtype == t.dtype``.
"""

from __future__ import annotations

import builtins
import functools
import itertools
import math
import numbers
import threading
import traceback
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from . import devices, dtypes, engine, return_types, rules
from .engine import AnomalyError, state, watching
from .rules import NUMPY, Rule, sum_to_shape
from .size import Size

DType = np.dtype | type | str
Scalar = int | float | bool

float16, float32, float64 = np.float16, np.float32, np.float64
int32, int64, bool_ = np.int32, np.int64, np.bool_
_F64 = np.dtype(np.float64)
_NO_ATTRS: dict[str, Any] = {}
_new_tensor = object.__new__


class ShapeError(RuntimeError, ValueError):
    """Operands whose shapes do not fit the operation.

    Raised for a failed broadcast, mismatched inner dims of ``@``, a reshape to another number of
    elements, and so on; the message names the operation and the shapes. It is a ``RuntimeError``
    (what PyTorch raises) and also a ``ValueError`` (what NumPy raises).

    Examples:
        >>> tg.ones(2, 3) + tg.ones(4)
        Traceback (most recent call last):
        ...
        tinygrad4h03.tensor.ShapeError: add: cannot apply to operands of shapes (2, 3) and (4,): ...
    """


# --------------------------------------------------------------------------- conversions


def _to_array(data: Any, dtype: DType | None) -> np.ndarray:
    """Turn user data into an array with PyTorch's dtype rules (and our error messages)."""
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, (np.ndarray, np.generic)) or hasattr(type(data), "__array__"):
        array = np.asarray(data)  # arrays and array-likes (a torch tensor) keep their dtype
    else:
        _reject_non_numeric(data)
        try:
            array = np.asarray(data)
        except ValueError:  # nested lists of unequal lengths
            raise ValueError(
                f"Tensor: nested lists must be rectangular, got rows of unequal lengths: {data!r}"
            ) from None
        array = dtypes.python_array(data, array=array)  # no int beyond int64, as PyTorch
        if array.dtype == _F64 and dtype is None:
            array = array.astype(dtypes.get_default_dtype())  # float32 unless changed
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor: cannot make a tensor from {type(data).__name__} with dtype {array.dtype}; "
            "give numbers, nested lists of numbers or a numeric NumPy array"
        )
    wanted = None if dtype is None else dtypes.as_dtype(dtype, "tensor")
    return np.array(array, dtype=wanted, copy=True)


def _leaf(array: np.ndarray, source: Any = None) -> Tensor:
    """A new leaf around ``array``, made outside the rules; a tracer (``tg.compile``) is told
    (``Tracer.made``) what it was made from: ``source`` (a fill value), or ``None`` for values
    computed from a tensor's values in a way it cannot follow (a sort order, positions)."""
    out = Tensor._wrap(array)
    if watching and state.tracer is not None:
        state.tracer.made(out, source)
    return out


def _copy_of(x: Any, dtype: Any = None) -> np.ndarray:
    """A new array of ``x``'s values (a mask, an index); while a thread traces, a tensor's
    through ``__array__`` and an array subclass kept, so that the tracer (``tg.compile``) can
    follow where they came from (else the tensor's array directly: an index costs 0.5 µs less)."""
    if isinstance(x, Tensor) and not watching:
        x = x._data
    return np.array(x, dtype=dtype, subok=isinstance(x, Tensor | np.ndarray))


def _reject_non_numeric(data: Any) -> None:
    if isinstance(data, (str, bytes)):
        raise TypeError(f"Tensor: cannot make a tensor from a string: {data!r}")
    if isinstance(data, (list, tuple)):
        for item in data:
            _reject_non_numeric(item)
    elif not isinstance(data, (numbers.Number, np.ndarray, np.generic, Tensor)):
        raise TypeError(f"Tensor: cannot make a tensor from {type(data).__name__}: {data!r}")


def _operand(x: Any, op: str) -> Tensor | Scalar:
    """An operand of an operator: tensors stay, numbers stay Python numbers (never upcast)."""
    if isinstance(x, np.generic):  # checked first: np.float64 is also a Python float
        return x.item()  # a NumPy scalar behaves as the Python number it holds
    if isinstance(x, (Tensor, int, float)):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        return Tensor(x)
    raise TypeError(f"{op}: unsupported operand of type {type(x).__name__}: {x!r}")


def _normalize_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    if not dims:
        return None  # sum(dim=()) reduces every dim, as PyTorch
    axes = tuple(sorted({_normalize_dim(d, ndim, op) for d in dims}))
    return axes if ndim else ()  # a 0-d tensor accepts dim 0 or -1, as in PyTorch


def _normalize_dim(dim: int, ndim: int, op: str) -> int:
    size = builtins.max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"{op}: dimension out of range (expected to be in range of "
            f"[{-size}, {size - 1}], but got {dim})"
        )
    return int(dim) % size


def _pick(name: str, value: Any, alias: str, alias_value: Any, default: Any) -> Any:
    """``dim``/``axis`` and ``keepdim``/``keepdims`` are both accepted, as in PyTorch."""
    if value is not None and alias_value is not None:
        raise TypeError(f"got both {name}= and {alias}=")
    if value is not None:
        return value
    return default if alias_value is None else alias_value


def _shape_args(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(int(n) for n in shape[0])
    return tuple(int(n) for n in shape)


def _is_basic_index(index: Any) -> bool:
    if not isinstance(index, tuple):  # one item (t[None], t[0]): no generator to run
        # (with __getitem__'s NumPy shape, W1: -10 K instructions per step)
        return isinstance(index, (int, np.integer, slice)) or index is None or index is Ellipsis
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in index)


def _index_array(index: Any, shape: tuple[int, ...]) -> Any:
    if not isinstance(index, (tuple, list, np.ndarray, Tensor)):
        return index  # an int, a slice, None or ...: nothing to copy or check
    items = [_index_item(i) for i in (index if isinstance(index, tuple) else (index,))]
    if not any(_is_mask(i) for i in items):
        return tuple(items) if isinstance(index, tuple) else items[0]
    _check_masks(items, shape)
    if not isinstance(index, tuple):
        return items[0].nonzero() if _is_mask(items[0], 1) else items[0]
    # a 1-D mask inside a tuple selects along one dim
    return tuple(j for i in items for j in (i.nonzero() if _is_mask(i, 1) else (i,)))


def _index_item(item: Any) -> Any:
    if isinstance(item, (Tensor, list, np.ndarray)):
        return _copy_of(item)  # a copy: the node keeps it, and the caller may change theirs
    return item


def _is_mask(item: Any, ndim: int | None = None) -> bool:
    is_mask = isinstance(item, np.ndarray) and item.dtype == np.bool_
    return is_mask and (ndim is None or item.ndim == ndim)


def _dims_taken(item: Any) -> int:
    """How many dims of the indexed tensor one index item consumes."""
    if _is_mask(item):
        return int(item.ndim)
    return 0 if item is None or item is Ellipsis or isinstance(item, (bool, np.bool_)) else 1


def _check_masks(items: list[Any], shape: tuple[int, ...]) -> None:
    """A boolean mask must have the shape of the dims it indexes (IndexError, as PyTorch)."""
    taken = [_dims_taken(i) for i in items]
    dim = 0
    for item, count in zip(items, taken):
        if item is Ellipsis:
            dim += len(shape) - sum(taken)
        elif _is_mask(item) and dim + count <= len(shape):
            for k, n in enumerate(item.shape):
                if n != shape[dim + k]:
                    raise IndexError(
                        f"index: the shape of the mask {list(item.shape)} at index {k} does not "
                        f"match the shape of the indexed tensor {list(shape)} at index {dim + k}"
                    )
        dim += count


# --------------------------------------------------------------------------- applying a rule


def apply(rule: Rule, *operands: Tensor | Scalar, **attrs: Any) -> Tensor:
    """Run ``rule`` on the operands: the one way every tensor operation is computed.

    The rule's NumPy forward runs on the operands' arrays (Python numbers stay numbers); the
    result gets PyTorch's dtype (``_result_array``) and, in grad mode, when an operand requires
    grad and the rule has VJPs, becomes a node of the graph (``_record``). Under
    ``detect_anomaly`` the result is checked for NaN/inf, and a tracer installed on the
    engine's thread state (``engine.state.tracer``) is told ``(rule, operands, attrs, out)``.

    Args:
        rule: the operation, from ``rules.py``.
        *operands: tensors and Python numbers, in the rule's argument order.
        **attrs: the rule's keyword attributes (``axis=``, ``shape=``, ...).

    Returns:
        The result tensor.

    Raises:
        ShapeError: when the operands' shapes do not fit (an ``IndexError`` for a bad index).

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> apply(rules.MUL, x, 3.0)
        tensor([3., 6.], grad_fn=<MulBackward>)
    """
    arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
    try:
        data = rule.forward(*arrays, **attrs) if attrs else rule.forward(*arrays)
    except (ValueError, IndexError) as error:
        raise _shape_error(rule, arrays, error) from None
    if rule.saves:  # (out, the residual its VJPs reuse)
        data, saved = data
        attrs = {**attrs, "saved": saved}
    if type(data) is not np.ndarray or data.dtype is _F64:  # else no dtype to fix: no call
        data = _result_array(rule, data, arrays)
    out = Tensor._wrap(data)
    if rule.view:
        _share_version(out, operands[0])
    watched = state.watched if watching else False  # anomaly or a tracer: one read for both
    if watched and state.anomaly:
        _check_forward(rule, arrays, out._data, out)
    if state.grad_enabled and rule.vjps:
        for x in operands:
            if isinstance(x, Tensor) and x._requires_grad:
                _record(out, rule, operands, attrs)
                break
    if watched and state.tracer is not None:
        state.tracer(rule, operands, attrs, out)
    return out


def _apply_pair(rule: Rule, a: Tensor | Scalar, b: Tensor | Scalar) -> Tensor:
    """``apply`` for an operator's two operands and no attributes, unrolled from the same
    helpers (``_result_array``, ``_record``): the hot path of ``+ - * / @``. Measured on W3
    (100 ops on 4×4) it saves about 0.4 µs of ~3 µs per operation; tests/test_fast_paths.py
    checks that it gives what ``apply`` gives (values, dtype, graph)."""
    a_is_tensor, b_is_tensor = isinstance(a, Tensor), isinstance(b, Tensor)  # asked once
    # mypy cannot narrow a and b through the flags: [union-attr] and [assignment] below
    x = a._data if a_is_tensor else a  # type: ignore[union-attr]
    y = b._data if b_is_tensor else b  # type: ignore[union-attr]
    try:
        data = rule.forward(x, y)
    except (ValueError, IndexError) as error:
        raise _shape_error(rule, (x, y), error) from None
    if type(data) is not np.ndarray or data.dtype is _F64:
        data = _result_array(rule, data, (x, y))
    # Tensor._wrap and _record inlined: 4 % of W3's instructions (3.84M -> 3.69M per step).
    out = _new_tensor(Tensor)
    out._data, out._grad, out._vc, out._retains_grad = data, None, None, False
    watched = state.watched if watching else False  # anomaly or a tracer: one read for both
    if watched and state.anomaly:
        _check_forward(rule, (x, y), data, out)
    if state.grad_enabled and (
        # the flags say which operands are tensors (mypy cannot follow them)
        (a_is_tensor and a._requires_grad) or (b_is_tensor and b._requires_grad)  # type: ignore[union-attr]
    ):
        both = a_is_tensor and b_is_tensor
        out._requires_grad, out._rule, out._attrs = True, rule, _NO_ATTRS
        out._operands = (a, b)
        # the tensors among the operands, chosen by the flags (mypy cannot follow them)
        out._parents = (a, b) if both else ((a,) if a_is_tensor else (b,))  # type: ignore[assignment]
        out._stamp = _CLOCK[0]
    else:
        out._requires_grad, out._parents = False, ()
    if watched and state.tracer is not None:
        state.tracer(rule, (a, b), _NO_ATTRS, out)
    return out


def _apply_one(rule: Rule, a: Tensor) -> Tensor:
    """``apply`` for an elementwise function of one tensor, unrolled like ``_apply_pair``
    (``exp``, ``tanh``, ``-t``, ...; the same measured gain, the same test)."""
    data = rule.forward(a._data)
    if type(data) is not np.ndarray or data.dtype is _F64:
        data = _result_array(rule, data, (a._data,))
    out = _new_tensor(Tensor)  # Tensor._wrap and _record inlined, as in _apply_pair
    out._data, out._grad, out._vc, out._retains_grad = data, None, None, False
    watched = state.watched if watching else False
    if watched and state.anomaly:
        _check_forward(rule, (a._data,), data, out)
    if a._requires_grad and state.grad_enabled:
        out._requires_grad, out._rule, out._attrs = True, rule, _NO_ATTRS
        out._operands = out._parents = (a,)
        out._stamp = _CLOCK[0]
    else:
        out._requires_grad, out._parents = False, ()
    if watched and state.tracer is not None:
        state.tracer(rule, (a,), _NO_ATTRS, out)
    return out


def _result_array(rule: Rule, data: Any, arrays: Sequence[Any]) -> np.ndarray:
    """The forward's result with PyTorch's dtype: float64 only where an operand brings it
    (``int ⊕ Python float`` and ``int / int`` give float32, as PyTorch)."""
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    if data.dtype is _F64 and rule is not rules.TO and not _has_float64(arrays):
        return data.astype(_float_dtype(arrays))
    return data


def _float_dtype(arrays: Sequence[Any]) -> type:
    """The floating dtype of a result that no operand makes float64: float16 where the
    floating operands are float16 (``float16 + int64`` stays float16, as PyTorch), else
    float32 (``int / int``, ``int ⊕ Python float``)."""
    floats = [x for x in arrays if isinstance(x, np.ndarray) and x.dtype.kind == "f"]
    floats = [x for x in floats if x.ndim] or floats
    return np.float16 if floats and all(x.dtype == np.float16 for x in floats) else np.float32


def _record(out: Tensor, rule: Rule, operands: tuple[Any, ...], attrs: dict[str, Any]) -> None:
    """Make ``out`` a node: the rule, its operands (its parents: the tensors among them) and
    attributes, for the backward sweep."""
    out._requires_grad = True
    out._rule = rule
    out._attrs = attrs
    out._operands = out._parents = operands
    for x in operands:  # a loop, not a generator, for the usual case of tensors only
        if not isinstance(x, Tensor):  # W1: -18 K instructions per step
            out._parents = tuple([x for x in operands if isinstance(x, Tensor)])
            break
    out._stamp = _CLOCK[0]


# Version counters, as PyTorch's. A tensor's ``_vc`` is None until needed, then a list
# [version, stamp] shared by the tensor, its ``.data``, ``.detach()`` and its views; every
# in-place write adds 1 to the version and sets the stamp to the next tick of a global clock
# (``_CLOCK[0]`` holds the last tick). A node records the clock when it is made (``_stamp``),
# so its backward need look at its saved values only when the clock has moved since: the
# common case (no in-place write between forward and backward) costs one comparison.
_CLOCK = [0]
_TICKS = itertools.count(1)


def _counter(t: Tensor) -> list[int]:
    if t._vc is None:
        t._vc = [0, 0]
    return t._vc


def _share_version(out: Tensor, source: Any) -> None:
    """A view (or alias) of ``source`` shares its version counter."""
    if isinstance(source, Tensor):
        data, base = out._data, source._data
        owner = data.base
        if data is base or (owner is not None and (owner is base or owner is base.base)):
            out._vc = _counter(source)


class TensorOps(rules.ArrayOps):
    """The array namespace ``xp`` of a recorded backward (``create_graph=True``): tensor
    functions, so the VJPs of ``rules.py`` build a graph of the backward pass.

    Examples:
        >>> x = tg.tensor([-2.0, 3.0], requires_grad=True)
        >>> TENSOR_OPS.where(x > 0, x, 0.0)
        tensor([0., 3.], grad_fn=<WhereBackward>)
    """

    records = True

    # each method narrows NUMPY's signature (arrays) to tensors: [override]
    @staticmethod
    def exp(x: Tensor) -> Tensor:  # type: ignore[override]
        """e^x, recorded."""
        return x.exp()

    # narrows NUMPY's signature to tensors: [override]
    @staticmethod
    def log(x: Tensor) -> Tensor:  # type: ignore[override]
        """ln x, recorded."""
        return x.log()

    # narrows NUMPY's signature to tensors: [override]
    @staticmethod
    def sign(x: Tensor) -> Tensor:  # type: ignore[override]
        """sign(x), recorded (its derivative is 0)."""
        return apply(rules.SIGN, x)

    # narrows NUMPY's signature to tensors: [override]
    @staticmethod
    def where(condition: Any, x: Any, y: Any) -> Tensor:  # type: ignore[override]
        """``where(condition, x, y)``, recorded."""
        return where(condition, x, y)

    # narrows NUMPY's signature to tensors: [override]
    @staticmethod
    def broadcast_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:  # type: ignore[override]
        """``x`` expanded to ``shape``, recorded."""
        return x.expand(*shape)

    # narrows NUMPY's signature to tensors: [override]
    @staticmethod
    def transpose(x: Tensor, axes: tuple[int, ...]) -> Tensor:  # type: ignore[override]
        """``x`` permuted by ``axes``, recorded."""
        return x.permute(*axes)

    @staticmethod
    def astype(x: Tensor, dtype: np.dtype) -> Tensor:
        """``x`` in ``dtype``, recorded."""
        return x.to(dtype)

    @staticmethod
    def softmax(x: Tensor, axis: int) -> Tensor:
        """The softmax of ``x`` along ``axis``, recorded."""
        return x.softmax(axis)

    apply = staticmethod(apply)


TENSOR_OPS = TensorOps()


def _has_float64(arrays: Sequence[Any]) -> bool:
    """Whether PyTorch's promotion gives float64: 0-d operands count only where no operand
    with dimensions is floating (``float32[n] + float64[]`` stays float32, as in PyTorch)."""
    first = arrays[0]
    if type(first) is np.ndarray and first.dtype is _F64 and first.ndim:
        return True  # the common case of a float64 graph, decided at once
    arrays = [x for x in arrays if isinstance(x, np.ndarray)]
    dimensioned = [x for x in arrays if x.ndim]
    if any(x.dtype.kind == "f" for x in dimensioned):
        arrays = dimensioned
    return any(x.dtype == _F64 for x in arrays)


def _shape_error(rule: Rule, arrays: Sequence[Any], error: Exception) -> Exception:
    shapes = " and ".join(str(np.shape(x)) for x in arrays)
    cls = IndexError if isinstance(error, IndexError) else ShapeError
    return cls(f"{rule.name}: cannot apply to operands of shapes {shapes}: {error}")


def _check_forward(rule: Rule, arrays: Sequence[Any], data: np.ndarray, out: Tensor) -> None:
    out._trace = "".join(traceback.format_stack(limit=8)[:-3])
    inputs_finite = all(np.isfinite(x).all() for x in arrays if np.size(x))
    if inputs_finite and not np.isfinite(data).all():
        raise AnomalyError(
            f"detect_anomaly: the forward of '{rule.name}' produced NaN/inf from finite inputs "
            f"of shapes {[np.shape(x) for x in arrays]}"
        )


# --------------------------------------------------------------------------- the Tensor


class Tensor:
    """An n-dimensional array in the autograd graph (PyTorch's ``torch.Tensor``, on NumPy).

    A tensor holds its values in a NumPy array (``t.numpy()``, ``np.asarray(t)``). Every
    operation on tensors that require grad records a node (``grad_fn``, the operation's rule in
    ``rules.py``); then ``backward()`` sweeps the graph from the output back to the leaves, and
    each node turns ``g = ∂E/∂out`` into ``∂E/∂input`` with its vector-Jacobian product: the
    chain rule.

    Operators take a tensor or a number on either side and broadcast as NumPy does; the gradient
    of a broadcast operand is summed back to its shape:

    | operation | ∂out/∂a | ∂out/∂b |
    |---|---|---|
    | ``a + b``, ``a - b`` | 1 | 1, −1 |
    | ``a * b`` | b | a |
    | ``a / b`` | 1/b | −a/b² |
    | ``a ** b`` | b·a^(b−1) | a^b · ln a (0 where a = 0) |
    | ``a @ b`` | ∂E/∂a = g bᵀ | ∂E/∂b = aᵀ g |
    | ``-a`` | −1 | |

    Comparisons (``== != < <= > >=``) give ``bool`` tensors and are not differentiable.
    Indexing ``t[...]`` takes ints, slices, ``None``, ``...``, integer arrays and boolean masks;
    its gradient puts ``g`` back into zeros at the selected places, adding where an index repeats.
    ``+= -= *= /=`` change the array in place and record nothing, so they are refused on a tensor
    that requires grad while grad mode is on (write such updates inside ``tg.no_grad()``).

    Dtypes (as PyTorch): Python floats become ``float32``, Python ints ``int64``; a NumPy array
    keeps its dtype; a Python number or NumPy scalar never upcasts a tensor; only floating
    tensors can require grad, and ``t.grad.dtype == t.dtype``.

    Args:
        data: a number, nested lists of numbers, a NumPy array (or array-like) or a tensor;
            always copied.
        requires_grad: make this a leaf whose ``.grad`` ``backward()`` fills.
        dtype: the dtype to store, e.g. ``tg.float64``, ``"float64"`` or ``np.int32``; by
            default as above.

    Raises:
        TypeError: for strings and other non-numeric data.
        ValueError: for ragged nested lists.
        RuntimeError: for ``requires_grad=True`` with a non-floating dtype.

    Shapes:
        The shape of ``data``: ``()`` for a number, ``(n,)`` for a flat list of n numbers, ...

    Examples:
        >>> x = tg.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.], [6., 8.]])
    """

    __slots__ = (
        "__weakref__",
        "_attrs",
        "_data",
        "_grad",
        "_operands",
        "_parents",
        "_requires_grad",
        "_retains_grad",
        "_rule",
        "_stamp",
        "_trace",
        "_vc",
    )
    _stamp: int  # the clock when this node was recorded (see the version counters)
    _rule: Rule
    __array_ufunc__ = None  # NumPy defers to our reflected operators: np.float64(2) * t is a Tensor
    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __init__(self, data: Any, requires_grad: bool = False, dtype: DType | None = None) -> None:
        self._data = _to_array(data, dtype)
        self._grad: Tensor | None = None
        self._vc: list[int] | None = None
        self._parents: tuple[Tensor, ...] = ()
        self._operands: tuple[Any, ...] = ()
        self._rule = None  # type: ignore[assignment]  # a leaf has no rule
        self._attrs: dict[str, Any] = {}
        self._retains_grad = False
        self._trace = ""
        self._requires_grad = False
        if requires_grad:
            self.requires_grad_(True)
        # tg.compile's hooks (here and in .grad, the conversions) test the process-wide set
        # of tracing threads before the thread's tracer: a thread-local read costs W1 ~6k
        if watching and state.tracer is not None:  # a leaf made from data
            state.tracer.made(self, data)

    @classmethod
    def _wrap(cls, data: np.ndarray) -> Tensor:
        """A new tensor around ``data`` (no copy, no checks): the hot path of every operation."""
        out = object.__new__(Tensor)
        out._data = data
        out._grad = None
        out._requires_grad = False
        out._vc = None
        out._parents = ()
        out._retains_grad = False
        return out

    def _bump_version(self) -> None:
        """Record an in-place change of this tensor's memory (see the version counters)."""
        counter = _counter(self)
        counter[0] += 1
        counter[1] = _CLOCK[0] = next(_TICKS)

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was written in place (PyTorch's ``_version``)."""
        return 0 if self._vc is None else self._vc[0]

    @property
    def data(self) -> Tensor:
        """This tensor's values as a new tensor that shares the memory, outside the graph.

        As PyTorch's ``.data``: the result does not require grad and has no ``grad_fn``, so
        updates through it (``p.data += -lr * p.grad``, ``p.data.normal_()``) are not recorded.
        Assigning ``t.data = other`` (a tensor or an array) makes ``t`` use ``other``'s memory.
        The NumPy array itself is ``t.numpy()`` or ``np.asarray(t)``.

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> w.data += 1
            >>> w, w.data.requires_grad
            (tensor([2., 3.], requires_grad=True), False)
        """
        return apply(rules.ALIAS, self)

    @data.setter
    def data(self, value: Tensor | np.ndarray) -> None:
        if isinstance(value, Tensor):
            self._data = value._data
        elif isinstance(value, np.ndarray):
            self._data = value
        else:
            raise TypeError(
                f"data: can only assign a Tensor or a NumPy array, got {type(value).__name__}"
            )

    # ------------------------------------------------------------------ engine interface

    def _backward(self, grad: Any, create_graph: bool) -> Sequence[Any]:
        """∂E/∂parent for each parent, given ``grad`` = ∂E/∂self (one rule, applied backwards).

        Without ``create_graph`` (and without a tracer) the VJPs see plain arrays and the NumPy
        namespace, and record nothing; otherwise they see the tensors themselves and the tensor
        namespace, so the backward pass goes through ``apply`` (recorded with
        ``create_graph``, seen by the tracer).
        """
        if self._stamp != _CLOCK[0]:  # something was written in place since the forward
            self._check_versions()
        operands, rule = self._operands, self._rule
        if create_graph or (watching and state.watched) or rule.variadic:  # anomaly, a tracer
            return self._parent_grads(grad, create_graph or state.tracer is not None)
        # The plain-array path of one or two operands, unrolled (the sweep's hot loop: about
        # 0.5 µs of ~3 µs per node on W3); tests/test_fast_paths.py checks it against
        # _parent_grads.
        out, attrs, vjps = self._data, self._attrs, rule.vjps
        if len(operands) == 1:
            a = operands[0]
            x = a._data
            g = vjps[0](NUMPY, grad, out, x, **attrs) if attrs else vjps[0](NUMPY, grad, out, x)
            return (g if g.shape == x.shape else self._unbroadcast(g, a, 0),)
        if len(operands) != 2 or attrs:
            return self._parent_grads(grad, False)
        a, b = operands
        a_is_tensor, b_is_tensor = isinstance(a, Tensor), isinstance(b, Tensor)
        x = a._data if a_is_tensor else a
        y = b._data if b_is_tensor else b
        ga = gb = None
        if a_is_tensor and a._requires_grad:
            ga = vjps[0](NUMPY, grad, out, x, y)
            if ga.shape != x.shape:
                ga = self._unbroadcast(ga, a, 0)
        if b_is_tensor and b._requires_grad:
            gb = vjps[1](NUMPY, grad, out, x, y)
            if gb.shape != y.shape:
                gb = self._unbroadcast(gb, b, 1)
        if a_is_tensor and b_is_tensor:
            return (ga, gb)
        return (ga,) if a_is_tensor else (gb,)

    def _parent_grads(self, grad: Any, on_tensors: bool) -> list[Any]:
        """The general backward of one node: every rule, both namespaces."""
        rule, attrs, operands = self._rule, self._attrs, self._operands
        if on_tensors:
            xp: Any = TENSOR_OPS
            out: Any = self
            inputs: Sequence[Any] = operands
        else:
            xp, out = NUMPY, self._data
            inputs = [x._data if isinstance(x, Tensor) else x for x in operands]
        vjps, variadic = rule.vjps, rule.variadic
        every = None if rule.split is None else rule.split(xp, grad, out, inputs, **attrs)
        checked = watching and state.watched and state.anomaly  # once per node, not per parent
        grads: list[Any] = []
        for position, x in enumerate(operands):
            if not isinstance(x, Tensor):
                continue  # a Python number: a constant of the operation, not a parent
            if not x._requires_grad:
                grads.append(None)
                continue
            if every is not None:
                g = every[position]
            elif variadic:
                g = vjps[0](xp, grad, out, *inputs, position=position, **attrs)
            else:
                g = vjps[position](xp, grad, out, *inputs, **attrs)
            if g.shape != x._data.shape:
                g = self._unbroadcast(g, x, position)
            if checked:
                self._check_backward(g, position)
            grads.append(g)
        return grads

    def _check_versions(self) -> None:
        """Raise if a value this node's VJPs read was changed in place after it was recorded."""
        reads = self._rule.reads
        saved = [x for x in self._operands if isinstance(x, Tensor)] if "i" in reads else []
        for t in [*saved, self] if "o" in reads else saved:
            version = t._vc
            if version is not None and version[1] > self._stamp:
                what = "its output" if t is self else f"an input of shape {t.shape}"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: {what} ({t.dtype}) of '{self._rule.name}' "
                    f"({self._rule!r}) is at version {version[0]}, changed after the "
                    "operation saved it. Compute the forward pass again after changing it "
                    "(e.g. call backward before optimizer.step()), or change a copy (.clone())."
                )

    def _unbroadcast(self, g: Any, x: Tensor, position: int) -> Any:
        try:
            return sum_to_shape(g, x._data.shape)
        except (ValueError, IndexError):
            raise ShapeError(
                f"{self._rule.name}: the derivative rule for input {position} returned shape "
                f"{tuple(g.shape)}, which does not reduce to the input's shape {x.shape}"
            ) from None

    def _check_backward(self, g: Any, position: int) -> None:
        values = g._data if isinstance(g, Tensor) else g
        if not np.isfinite(values).all():
            raise AnomalyError(
                f"detect_anomaly: the backward of '{self._rule.name}' produced NaN/inf in the "
                f"gradient of input {position}. The operation was created at:\n"
                f"{getattr(self, '_trace', '') or '(created outside detect_anomaly)'}"
            )

    def _accumulate(self, grad: Any) -> None:
        """Add a finished gradient into ``.grad`` (in the tensor's own dtype).

        Under one lock for all tensors: two threads sweeping into the same leaf both add.
        """
        if isinstance(grad, Tensor):  # create_graph: keep the gradient's own graph
            grad = grad.to(self._data.dtype)
            with _GRAD_LOCK:
                self._grad = grad if self._grad is None else self._grad + grad
            return
        grad = _owned_grad(grad, self._data.dtype, _sweep.handed_out)
        _GRAD_LOCK.acquire()  # not `with`, which looks up and calls two methods: W1: -12 K
        try:
            if self._grad is None:
                self._grad = Tensor._wrap(grad)
            elif self._grad._data.flags.writeable:
                np.add(self._grad._data, grad, out=self._grad._data)  # in place, as PyTorch
            else:
                self._grad._data = np.add(self._grad._data, grad)
        finally:
            _GRAD_LOCK.release()

    # ------------------------------------------------------------------ autograd API

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Back-propagate: add ∂self/∂leaf to the ``.grad`` of every leaf that requires grad.

        More exactly, with ``gradient`` = ∂E/∂self, each leaf ``w`` gets ``w.grad += ∂E/∂w``. The
        engine visits the graph in reverse topological order and applies each node's rule
        (``rules.py``) to turn ∂E/∂out into ∂E/∂input. The graph is kept, so a second call adds the
        same gradients again (zero ``.grad`` between steps, e.g. with ``optimizer.zero_grad()``).

        Args:
            gradient: ∂E/∂self, of ``self``'s shape (a tensor, an array or nested lists); may be
                left out only when ``self`` has one element (it is then 1).
            retain_graph: accepted for PyTorch compatibility; the graph is always kept.
            create_graph: record the backward pass too, so that the gradients are tensors in a graph
                and can be differentiated again (second derivatives, Hessian-vector products).

        Raises:
            RuntimeError: if this tensor does not require grad (the graph was cut before it), or if
                it has several elements and ``gradient`` is left out.
            ShapeError: if ``gradient``'s shape is not ``self``'s.

        Examples:
            >>> w = tg.tensor([1.0, -2.0], requires_grad=True)
            >>> (w ** 2).sum().backward()
            >>> w.grad
            tensor([ 2., -4.])
        """
        (seed,) = backward_seeds([self], [gradient], create_graph, "backward")
        _sweep.handed_out = set()
        try:
            engine.backward([self], [seed], create_graph)
        finally:
            _sweep.handed_out = set()

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (only leaves keep it otherwise).

        Raises:
            RuntimeError: if this tensor does not require grad.

        Examples:
            >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> h = x * 3
            >>> h.retain_grad()
            >>> h.sum().backward()
            >>> h.grad
            tensor([1., 1.])
        """
        if not self.requires_grad:
            raise RuntimeError(
                "retain_grad: can't retain_grad on a tensor that doesn't require grad"
            )
        self._retains_grad = True

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``.

        Only floating tensors can require grad; a non-leaf cannot be switched off (use
        ``detach()`` instead).

        Args:
            requires_grad: the new flag.

        Raises:
            RuntimeError: for a non-floating tensor, or for ``False`` on a non-leaf.

        Examples:
            >>> tg.tensor([1.0, 2.0]).requires_grad_()
            tensor([1., 2.], requires_grad=True)
        """
        if not (requires_grad and self._parents):  # a non-leaf already requires grad
            self.requires_grad = requires_grad
        return self

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded, so that gradients flow back to it.

        Settable as in PyTorch: on leaves only (a computed tensor leaves the graph with
        ``detach()``), and to ``True`` on floating tensors only.

        Examples:
            >>> t = tg.zeros(2); t.requires_grad = True; t.requires_grad
            True
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be a bool, got {type(flag).__name__}")
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients, "
                f"got dtype {self._data.dtype}"
            )
        if self._parents:
            raise RuntimeError(
                "requires_grad: you can only change requires_grad flags of leaf variables; "
                "use var_no_grad = var.detach() for a computed tensor outside the graph"
            )
        self._requires_grad = bool(flag)

    @property
    def grad(self) -> Tensor | None:
        """∂E/∂self summed over the ``backward()`` calls so far, or ``None``.

        Only leaves, and tensors that called ``retain_grad()``, keep it. It may be assigned
        ``None`` or a tensor of this tensor's shape and dtype (anything else raises at once,
        as in PyTorch).

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> w.grad = tg.tensor([0.5, 0.5]); w.grad
            tensor([0.5, 0.5])
        """
        if watching and state.tracer is not None:  # tg.compile follows .grad
            state.tracer.grad_read(self)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad_value(self, value)
        before, self._grad = self._grad, value
        if watching and state.tracer is not None:
            state.tracer.grad_written(self, before)

    @grad.deleter
    def grad(self) -> None:
        self.grad = None

    def detach(self) -> Tensor:
        """The same data (shared, not copied) as a new leaf outside the graph.

        No gradient flows back through the result; use it for values that must count as constants.

        Examples:
            >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> d = x.detach()
            >>> d.requires_grad, np.shares_memory(d.numpy(), x.numpy())
            (False, True)
        """
        return apply(rules.ALIAS, self)

    @property
    def is_leaf(self) -> bool:
        """Whether this tensor is a leaf: made by the user (or under ``no_grad``, or by
        ``detach()``), not computed from tensors that require grad. Only leaves keep ``.grad``."""
        return not self._parents

    @property
    def grad_fn(self) -> Rule | None:
        """The rule that computed this tensor, its node in the graph (shown as e.g.
        ``<MulBackward>``), or ``None`` for a leaf."""
        return self._rule if self._parents else None

    # ------------------------------------------------------------------ attributes

    @property
    def shape(self) -> Size:
        """The size of each dim, a ``tg.Size`` (a tuple of ints; ``()`` for a 0-d tensor)."""
        return tuple.__new__(Size, self._data.shape)  # NumPy's shape is ints: no checks needed

    @property
    def ndim(self) -> int:
        """The number of dims, ``len(t.shape)``."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the values (``float32`` for Python floats)."""
        return self._data.dtype

    def size(self, dim: int | None = None) -> Size | int:
        """The shape as a ``tg.Size``, or the size of dim ``dim``.

        Args:
            dim: a dim (negative counts from the end); ``None`` for the whole shape.

        Examples:
            >>> tg.zeros(2, 3).size(), tg.zeros(2, 3).size(-1)
            ((2, 3), 3)
        """
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[_normalize_dim(dim, self.ndim, "size")]

    def dim(self) -> int:
        """The number of dims (the same as ``ndim``).

        Examples:
            >>> tg.zeros(2, 3).dim()
            2
        """
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements, the product of the shape.

        Examples:
            >>> tg.zeros(2, 3).numel()
            6
        """
        return int(self._data.size)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    # ------------------------------------------------------------------ conversions

    def numpy(self) -> np.ndarray:
        """The underlying NumPy array, shared, not copied: writing into it changes the tensor.

        Unlike PyTorch, it works on a tensor that requires grad too.

        Examples:
            >>> tg.tensor([1.0, 2.0]).numpy()
            array([1., 2.], dtype=float32)
        """
        if watching and state.tracer is not None:
            found = state.tracer.converted(self, "numpy")
            if found is not None:
                return found  # the tracer's stand-in for the array
        return self._data

    def item(self) -> Scalar:
        """The value of a one-element tensor as a Python number.

        Raises:
            RuntimeError: if the tensor has more than one element (or none).

        Examples:
            >>> tg.tensor([[2.5]]).item()
            2.5
        """
        if watching and state.tracer is not None:
            state.tracer.converted(self, "item")
        if self._data.size != 1:
            raise RuntimeError(
                f"item: a Tensor with {self._data.size} elements cannot be converted to a scalar"
            )
        return self._data.item()

    def tolist(self) -> Any:
        """The values as nested Python lists of Python numbers (a number for a 0-d tensor).

        Examples:
            >>> tg.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
        """
        if watching and state.tracer is not None:
            state.tracer.converted(self, "tolist")
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        data = self._data
        if watching and state.tracer is not None:
            found = state.tracer.converted(self, "__array__")
            data = data if found is None else found
        if dtype is None or np.dtype(dtype) == data.dtype:
            return data.copy() if copy else data
        return data.astype(dtype)

    def __float__(self) -> float:
        if watching and state.tracer is not None:
            state.tracer.converted(self, "float")
        _check_scalar(self, "float")
        return float(self.item())

    def __int__(self) -> int:
        if watching and state.tracer is not None:
            state.tracer.converted(self, "int")
        _check_scalar(self, "int")
        return int(self.item())

    def __bool__(self) -> bool:
        if watching and state.tracer is not None:
            state.tracer.converted(self, "bool")
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of a Tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extras = []
        if self._data.dtype not in (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_)):
            extras.append(f"dtype={self._data.dtype}")
        if self._parents:
            extras.append(f"grad_fn={self._rule!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # devices and casts (the device-aware block of creation/devices.py's helper)

    @property
    def device(self) -> devices.device:
        """Where the values live: always ``tg.device("cpu")`` (the only device here)."""
        return devices.CPU

    @property
    def is_cuda(self) -> bool:
        """Whether the values live on a CUDA GPU: never, here."""
        return False

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor on another device and/or in another dtype, as ``torch.Tensor.to``.

        Reads ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)`` (``other``'s
        dtype) and the keywords ``device=``, ``dtype=``, ``non_blocking=``, ``copy=``; returns
        ``self`` when nothing changes (unless ``copy=True``). Between floating dtypes the cast
        is differentiable: ``g`` is cast back to this tensor's dtype. A non-floating result is
        outside the graph, as in PyTorch. The only device is the CPU.

        Raises:
            DeviceUnavailableError: for any device but the CPU, naming it.

        Examples:
            >>> tg.tensor([1.5, 2.5]).to(tg.int64)
            tensor([1, 2])
            >>> tg.tensor([1.5]).to("cpu", tg.float64)
            tensor([1.5], dtype=float64)
        """
        dtype, copy = devices.to_arguments(args, kwargs, Tensor)
        if dtype is None or dtype == self._data.dtype:
            if not copy:
                return self
            dtype = self._data.dtype
        if dtype.kind != "f":  # only floating results take part in the graph, as PyTorch
            return apply(rules.CAST, self, dtype=dtype)
        return apply(rules.TO, self, dtype=dtype)

    def cpu(self) -> Tensor:
        """This tensor on the CPU: ``self`` itself, since it is there already.

        Examples:
            >>> t = tg.ones(2)
            >>> t.cpu() is t
            True
        """
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        """This tensor on a CUDA GPU: raises ``DeviceUnavailableError`` (there is none here).

        Examples:
            >>> tg.ones(2).cuda()
            Traceback (most recent call last):
            ...
            tinygrad4h03.devices.DeviceUnavailableError: cuda: device 'cuda' is not available...
        """
        devices.available_device("cuda" if device is None else f"cuda:{int(device)}", "cuda")
        return self

    def float(self) -> Tensor:
        """This tensor as ``float32``: ``self.to(tg.float32)``.

        Examples:
            >>> tg.tensor([1, 2]).float()
            tensor([1., 2.])
        """
        return self.to(np.float32)

    def double(self) -> Tensor:
        """This tensor as ``float64``: ``self.to(tg.float64)``.

        Examples:
            >>> tg.tensor([1, 2]).double()
            tensor([1., 2.], dtype=float64)
        """
        return self.to(np.float64)

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other: Any) -> Tensor:
        return _apply_pair(
            rules.ADD, self, other if type(other) is Tensor else _operand(other, "+")
        )

    def __radd__(self, other: Any) -> Tensor:
        return _apply_pair(rules.ADD, _operand(other, "+"), self)

    def __sub__(self, other: Any) -> Tensor:
        return _apply_pair(
            rules.SUB, self, other if type(other) is Tensor else _operand(other, "-")
        )

    def __rsub__(self, other: Any) -> Tensor:
        return _apply_pair(rules.SUB, _operand(other, "-"), self)

    def __mul__(self, other: Any) -> Tensor:
        return _apply_pair(
            rules.MUL, self, other if type(other) is Tensor else _operand(other, "*")
        )

    def __rmul__(self, other: Any) -> Tensor:
        return _apply_pair(rules.MUL, _operand(other, "*"), self)

    def __truediv__(self, other: Any) -> Tensor:
        return _apply_pair(
            rules.DIV, self, other if type(other) is Tensor else _operand(other, "/")
        )

    def __rtruediv__(self, other: Any) -> Tensor:
        return _apply_pair(rules.DIV, _operand(other, "/"), self)

    def __pow__(self, other: Any) -> Tensor:
        exponent = _operand(other, "**")
        if isinstance(exponent, Tensor):
            return _apply_pair(rules.POW, self, exponent)
        return apply(rules.POW_SCALAR, self, exponent=exponent)

    def __rpow__(self, other: Any) -> Tensor:
        base = _operand(other, "**")
        if isinstance(base, Tensor):
            return _apply_pair(rules.POW, base, self)
        return apply(rules.RPOW_SCALAR, self, base=base)

    def __matmul__(self, other: Any) -> Tensor:
        other = _operand(other, "@")
        if not isinstance(other, Tensor) or self.ndim == 0 or other.ndim == 0:
            raise ShapeError(
                f"matmul: both operands need at least one dimension, got shapes "
                f"{self.shape} and {np.shape(other)}"
            )
        return _apply_pair(rules.MATMUL, self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        # for a number, _operand gives the number, which has no __matmul__
        return _operand(other, "@").__matmul__(self)  # type: ignore[operator]

    def __neg__(self) -> Tensor:
        return _apply_one(rules.NEG, self)

    # ------------------------------------------------------------------ in place (no grad)
    # As in PyTorch, `w -= lr * w.grad` inside `tg.no_grad()` updates w itself (the same
    # Tensor and array); with grad mode on, a tensor that requires grad refuses.

    def _check_in_place(self, op: str) -> None:
        if self.requires_grad and state.grad_enabled:
            what = "a leaf Variable that requires grad" if self.is_leaf else "a tensor in the graph"
            raise RuntimeError(
                f"{op}: {what} is being used in an in-place operation, which would corrupt the "
                "graph; do it inside `with tg.no_grad():` (e.g. a hand-written update), on "
                "`.data`, or use the out-of-place operator"
            )

    def _in_place(self, rule: Rule, other: Any, op: str, **attrs: Any) -> Tensor:
        """Write ``rule`` (one of the in-place rules) into this tensor's array: the one helper
        of every in-place operation. Not recorded; bumps the version; tells the tracer."""
        self._check_in_place(op)
        value = _operand(other, op)
        array = value._data if isinstance(value, Tensor) else value
        try:
            rule.forward(self._data, array, **attrs)
        except ValueError as error:
            raise ShapeError(
                f"{op}: cannot write a value of shape {np.shape(array)} in place into a tensor "
                f"of shape {self.shape}: {error}"
            ) from None
        except TypeError:
            raise TypeError(
                f"{op}: the result of {self.dtype} {op} {np.asarray(array).dtype} cannot be "
                f"stored in place in a {self.dtype} tensor"
            ) from None
        self._bump_version()
        if state.tracer is not None:
            state.tracer(rule, (self, value), attrs, self)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._in_place(rules.ADD_, other, "+=")

    def __isub__(self, other: Any) -> Tensor:
        return self._in_place(rules.SUB_, other, "-=")

    def __imul__(self, other: Any) -> Tensor:
        return self._in_place(rules.MUL_, other, "*=")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._in_place(rules.DIV_, other, "/=")

    def add_(self, other: Any, *, alpha: Any = None) -> Tensor:
        """``self += other`` in place (``other`` broadcast to this shape); returns ``self``.

        Nothing is recorded: with grad mode on, a tensor that requires grad refuses (a
        ``RuntimeError``), so do updates such as the lecture's ``W ← W − α ∂E/∂W`` inside
        ``tg.no_grad()``. The result must fit this dtype (``float32 += 1`` works, ``int64 += 0.5``
        raises ``TypeError``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> t = tg.tensor([1.0, 2.0])
            >>> t.add_(1)
            tensor([2., 3.])
        """
        return self._in_place(rules.ADD_, _scaled(other, alpha), "add_")

    def sub_(self, other: Any, *, alpha: Any = None) -> Tensor:
        """``self -= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> with tg.no_grad():
            ...     w.sub_(0.5)
            tensor([0.5, 1.5], requires_grad=True)
        """
        return self._in_place(rules.SUB_, _scaled(other, alpha), "sub_")

    def mul_(self, other: Any) -> Tensor:
        """``self *= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> tg.tensor([1.0, 2.0]).mul_(3)
            tensor([3., 6.])
        """
        return self._in_place(rules.MUL_, other, "mul_")

    def div_(self, other: Any) -> Tensor:
        """``self /= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> tg.tensor([1.0, 2.0]).div_(2)
            tensor([0.5, 1. ])
        """
        return self._in_place(rules.DIV_, other, "div_")

    def zero_(self) -> Tensor:
        """Set every element to 0 in place (e.g. ``w.grad.zero_()``); returns ``self``.

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> (w * w).sum().backward()
            >>> w.grad.zero_()
            tensor([0., 0.])
        """
        return self.fill_(0)

    def fill_(self, value: builtins.float) -> Tensor:
        """Set every element to ``value`` in place (cast to this dtype); returns ``self``.

        Args:
            value: the number to store.

        Examples:
            >>> tg.zeros(2).fill_(7)
            tensor([7., 7.])
        """
        return self._in_place(rules.COPY_, value, "fill_")

    def copy_(self, src: Any) -> Tensor:
        """Copy ``src``'s values into this tensor's array (broadcast, cast to its dtype).

        Returns ``self``; not recorded, see ``add_``.

        Args:
            src: a tensor, an array, a list or a number.

        Examples:
            >>> t = tg.zeros(2)
            >>> t.copy_([1.0, 2.0])
            tensor([1., 2.])
        """
        return self._in_place(rules.COPY_, src, "copy_")

    def neg(self) -> Tensor:
        """−x, elementwise (the operator ``-t``); ∂/∂x = −1.

        Examples:
            >>> tg.tensor([1.0, -2.0]).neg()
            tensor([-1.,  2.])
        """
        return _apply_one(rules.NEG, self)

    def add(self, other: Any, *, alpha: Any = None) -> Tensor:
        """``self + other``, elementwise with broadcasting; ∂/∂self = ∂/∂other = 1.

        The gradient of a broadcast operand is summed over the dims it was stretched along.

        Args:
            other: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes, e.g. ``(3, 2)`` and ``(2,)`` give ``(3, 2)``.

        Examples:
            >>> b = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> tg.ones(3, 2).add(b).sum().backward()
            >>> b.grad
            tensor([3., 3.])
        """
        return self + _scaled(other, alpha)

    def sub(self, other: Any, *, alpha: Any = None) -> Tensor:
        """``self - other``, elementwise with broadcasting; ∂/∂self = 1, ∂/∂other = −1.

        Args:
            other: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes.

        Examples:
            >>> tg.tensor([3.0, 5.0]).sub(1)
            tensor([2., 4.])
        """
        return self - _scaled(other, alpha)

    def mul(self, other: Any) -> Tensor:
        """``self * other``, the elementwise (Hadamard) product ⊙, with broadcasting.

        ∂/∂self = other and ∂/∂other = self.

        Args:
            other: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes.

        Examples:
            >>> tg.tensor([1.0, 2.0]).mul(tg.tensor([3.0, 4.0]))
            tensor([3., 8.])
        """
        return self * other

    def div(self, other: Any) -> Tensor:
        """``self / other``, true division, elementwise with broadcasting.

        ∂/∂self = 1/other and ∂/∂other = −self/other². Integer tensors give ``float32``, as PyTorch.

        Args:
            other: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes.

        Examples:
            >>> tg.tensor([1, 2]).div(2)
            tensor([0.5, 1. ])
        """
        return self / other

    def pow(self, exponent: Any) -> Tensor:
        """``self ** exponent``, elementwise with broadcasting: y = aᵇ.

        ∂y/∂a = b·aᵇ⁻¹; for a tensor exponent also ∂y/∂b = aᵇ · ln a, taken as 0 where a = 0 (as
        PyTorch). A number exponent is a constant of the operation.

        Args:
            exponent: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes.

        Examples:
            >>> tg.tensor([1.0, 2.0, 3.0]).pow(2)
            tensor([1., 4., 9.])
        """
        return self**exponent

    def matmul(self, other: Any) -> Tensor:
        """The matrix product ``self @ other`` (NumPy's and PyTorch's ``matmul``).

        With ``g = ∂E/∂out``: ∂E/∂a = g bᵀ and ∂E/∂b = aᵀ g. For a layer ``v = W y`` this is the
        lecture's ∂E/∂W = δ yᵀ. A 1-D operand is taken as a row (left) or column (right) vector and
        that dim is dropped from the result; leading (batch) dims broadcast.

        Args:
            other: a tensor (or an array or a list) with at least one dim.

        Raises:
            ShapeError: for a 0-d operand or inner dims that differ.

        Shapes:
            ``(n, k) @ (k, m)`` → ``(n, m)``; ``(n, k) @ (k,)`` → ``(n,)``;
            ``(*, n, k) @ (*, k, m)`` → ``(*, n, m)``.

        Examples:
            >>> W = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> W.matmul(tg.tensor([1.0, 1.0]))
            tensor([3., 7.])
        """
        return self @ other

    # ------------------------------------------------------------------ comparisons (no grad)

    def _compare(self, other: Any, rule: Rule, op: str) -> Tensor:
        return apply(rule, self, _operand(other, op))

    # elementwise comparisons return a Tensor, not object's bool (PyTorch): [override]
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, rules.EQ, "==")

    # elementwise, as __eq__
    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, rules.NE, "!=")

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, rules.LT, "<")

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, rules.LE, "<=")

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, rules.GT, ">")

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, rules.GE, ">=")

    def argmax(
        self, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None
    ) -> Tensor:
        """The index of the largest value (the first one on ties); not differentiable.

        Used e.g. to read a predicted class off a network's output.

        Args:
            dim: the dim to search along; ``None`` searches the flattened tensor.
            keepdim: keep ``dim`` with size 1.
            axis: NumPy's name for ``dim``.

        Returns:
            An integer tensor of indices: ``()`` for ``dim=None``, else ``self``'s shape without
            ``dim`` (or with size 1 there, with ``keepdim``).

        Examples:
            >>> tg.tensor([[1.0, 5.0], [3.0, 2.0]]).argmax(dim=1)
            tensor([1, 0])
        """
        dim = _pick("dim", dim, "axis", axis, None)
        if dim is None:
            return apply(rules.ARGMAX, self, axis=None, keepdims=False)
        dim = _normalize_dim(dim, self.ndim, "argmax")
        return apply(rules.ARGMAX, self, axis=dim, keepdims=keepdim)

    def argmin(
        self, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None
    ) -> Tensor:
        """The index of the smallest value (the first one on ties), as ``argmax``."""
        dim = _pick("dim", dim, "axis", axis, None)
        if dim is None:
            return apply(rules.ARGMIN, self, axis=None, keepdims=False)
        dim = _normalize_dim(dim, self.ndim, "argmin")
        return apply(rules.ARGMIN, self, axis=dim, keepdims=keepdim)

    # ------------------------------------------------------------------ elementwise functions

    def exp(self) -> Tensor:
        """eˣ, elementwise; ∂/∂x = eˣ (the output itself).

        Examples:
            >>> tg.tensor([0.0, 1.0]).exp()
            tensor([1.    , 2.7183])
        """
        return _apply_one(rules.EXP, self)

    def log(self) -> Tensor:
        """The natural logarithm ln x, elementwise; ∂/∂x = 1/x.

        ln 0 = −inf and ln of a negative number is NaN, as in NumPy.

        Examples:
            >>> tg.tensor([1.0, 4.0]).log()
            tensor([0.    , 1.3863])
        """
        return _apply_one(rules.LOG, self)

    def sqrt(self) -> Tensor:
        """√x, elementwise; ∂/∂x = 1/(2√x) (inf at x = 0).

        Examples:
            >>> tg.tensor([1.0, 4.0]).sqrt()
            tensor([1., 2.])
        """
        return _apply_one(rules.SQRT, self)

    def abs(self) -> Tensor:
        """|x|, elementwise (also ``abs(t)``); ∂/∂x = sign(x), 0 at x = 0 (as PyTorch).

        Examples:
            >>> tg.tensor([-1.5, 2.0]).abs()
            tensor([1.5, 2. ])
        """
        return _apply_one(rules.ABS, self)

    def relu(self) -> Tensor:
        """Rectified linear unit, elementwise: y = max(x, 0).

        The derivative is 1 where x > 0 and 0 elsewhere, also at x = 0 (as PyTorch).

        Examples:
            >>> tg.tensor([-1.0, 0.0, 2.0]).relu()
            tensor([0., 0., 2.])
        """
        return _apply_one(rules.RELU, self)

    def sigmoid(self) -> Tensor:
        """The logistic function σ(x) = 1 / (1 + e⁻ˣ), elementwise.

        Computed so that large |x| do not overflow. Its derivative is σ' = σ(1 − σ): the lecture's
        φ'(v) = y(1 − y) for a logistic activation.

        Examples:
            >>> x = tg.tensor([0.0], requires_grad=True)
            >>> y = x.sigmoid()
            >>> y.backward()
            >>> y, x.grad
            (tensor([0.5], grad_fn=<SigmoidBackward>), tensor([0.25]))
        """
        return _apply_one(rules.SIGMOID, self)

    def tanh(self) -> Tensor:
        """The hyperbolic tangent, elementwise; ∂/∂x = 1 − tanh²x.

        Examples:
            >>> tg.tensor([0.0, 1.0]).tanh()
            tensor([0.    , 0.7616])
        """
        return _apply_one(rules.TANH, self)

    __abs__ = abs

    # ------------------------------------------------------------------ reductions

    def sum(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Σ of the elements over ``dim`` (an int, a tuple of ints, or ``None`` for all).

        The derivative is 1 for every element summed: ``g`` is broadcast back to the input's shape.

        Args:
            dim: the dims to reduce; ``None`` reduces all.
            keepdim: keep each reduced dim with size 1 (so the result broadcasts against ``self``).
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Shapes:
            ``(2, 3)`` over ``dim=1`` gives ``(2,)``, or ``(2, 1)`` with ``keepdim``; over all
            dims ``()``.

        Examples:
            >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=0)
            tensor([4., 6.])
        """
        axes = _normalize_dims(_pick("dim", dim, "axis", axis, None), self.ndim, "sum")
        keep = bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))
        return apply(rules.SUM, self, axis=axes, keepdims=keep)

    def mean(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The mean over ``dim``: Σ x / n, with n the number of elements summed.

        Each element summed gets ∂/∂x = 1/n. Floating tensors only, as in PyTorch.

        Args:
            dim: the dims to reduce; ``None`` reduces all.
            keepdim: keep each reduced dim with size 1.
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Raises:
            RuntimeError: for a non-floating tensor.

        Shapes:
            As ``sum``.

        Examples:
            >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(1)
            tensor([1.5, 3.5])
        """
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"mean: needs a floating tensor, got dtype {self._data.dtype}")
        axes = _normalize_dims(_pick("dim", dim, "axis", axis, None), self.ndim, "mean")
        count = self._data.size if axes is None else int(np.prod([self.shape[d] for d in axes]))
        keep = bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))
        if self._data.dtype == np.float16:  # the sum and the count overflow float16 past 65,504
            return (self.to(np.float32).sum(axes, keep) / count).to(np.float16)
        return self.sum(axes, keep) / count

    def amax(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The largest values over ``dim`` (an int, a tuple, or ``None`` for all dims).

        The gradient goes to the maximal entries, split evenly between ties (as ``torch.amax``).

        Args:
            dim: the dims to reduce; ``None`` reduces all.
            keepdim: keep each reduced dim with size 1.
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Raises:
            IndexError: when a reduced dim has size 0.

        Shapes:
            As ``sum``.

        Examples:
            >>> x = tg.tensor([[2.0, 2.0], [1.0, 3.0]], requires_grad=True)
            >>> x.amax(1).sum().backward()
            >>> x.grad
            tensor([[0.5, 0.5], [0. , 1. ]])
        """
        axes = _normalize_dims(_pick("dim", dim, "axis", axis, None), self.ndim, "amax")
        keep = bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))
        _check_reduced_sizes(self, axes, "amax")
        return apply(rules.MAX, self, axis=axes, keepdims=keep)

    def amin(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The smallest values over ``dim``, computed as ``-(-self).amax(...)``; ties split evenly.

        Args:
            dim: the dims to reduce; ``None`` reduces all.
            keepdim: keep each reduced dim with size 1.
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Examples:
            >>> tg.tensor([[1.0, 5.0], [3.0, 2.0]]).amin(0)
            tensor([1., 2.])
        """
        return -((-self).amax(dim, keepdim, axis=axis, keepdims=keepdims))

    def max(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Any:
        """The largest value; with ``dim``, the named tuple ``(values, indices)`` along it.

        As PyTorch: ``t.max()`` is a tensor (the gradient split evenly between ties), and
        ``t.max(dim)`` returns ``tg.return_types.max(values, indices)`` — ``_, predicted =
        out.max(1)`` — where ``indices`` is the first maximal position along ``dim`` and the
        gradient of ``values`` goes to that position only. (``amax`` keeps the values only.)

        Args:
            dim: one dim to reduce; ``None`` for the whole tensor.
            keepdim: keep ``dim`` with size 1 in both results.
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Raises:
            IndexError: when the reduced dim has size 0 (or the tensor is empty, without dim).

        Examples:
            >>> values, indices = tg.tensor([[1.0, 5.0], [3.0, 2.0]]).max(1)
            >>> values, indices
            (tensor([5., 3.]), tensor([1, 0]))
            >>> tg.tensor([1.0, 4.0]).max()
            tensor(4.)
        """
        return self._extreme(dim, keepdim, axis, keepdims, "max")

    def min(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Any:
        """The smallest value; with ``dim``, the named tuple ``(values, indices)``, as ``max``.

        Args:
            dim: one dim to reduce; ``None`` for the whole tensor.
            keepdim: keep ``dim`` with size 1 in both results.
            axis: NumPy's name for ``dim``.
            keepdims: NumPy's name for ``keepdim``.

        Examples:
            >>> tg.tensor([[1.0, 5.0], [3.0, 2.0]]).min(0)
            tinygrad4h03.return_types.min(
            values=tensor([1., 2.]),
            indices=tensor([0, 1]))
        """
        return self._extreme(dim, keepdim, axis, keepdims, "min")

    def _extreme(self, dim: Any, keepdim: Any, axis: Any, keepdims: Any, op: str) -> Any:
        dim = _pick("dim", dim, "axis", axis, None)
        if isinstance(dim, Tensor):  # t.max(other), tg.max(a, b): elementwise, as PyTorch
            return self.maximum(dim) if op == "max" else self.minimum(dim)
        keep = bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))
        if dim is None:
            if keep:
                raise TypeError(f"{op}: keepdim needs a dim")
            _check_reduced_sizes(self, None, op)
            return self.amax() if op == "max" else self.amin()
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{op}: dim must be an int, got {dim!r} (amax/amin take tuples)")
        d = _normalize_dim(int(dim), self.ndim, op)
        _check_reduced_sizes(self, (d,), op)
        find = rules.ARGMAX if op == "max" else rules.ARGMIN
        indices = apply(find, self, axis=d if self.ndim else None, keepdims=bool(self.ndim))
        values = self[_along(self.shape, d, indices._data)] if self.ndim else self * 1
        if not keep and self.ndim:
            values, indices = values.squeeze(d), indices.squeeze(d)
        result = return_types.max if op == "max" else return_types.min
        return result(values, indices)

    def softmax(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """sᵢ = exp(xᵢ) / Σₖ exp(xₖ) along ``dim``, with the max subtracted first (stable).

        Its Jacobian is diag(s) − s sᵀ, so ∂E/∂x = s ⊙ (g − Σₖ gₖ sₖ).

        Args:
            dim: the dim to normalise along (the last one when not given).
            axis: NumPy's name for ``dim``.

        Shapes:
            ``(*)`` in, ``(*)`` out; the values along ``dim`` sum to 1.

        Examples:
            >>> tg.tensor([1000.0, 1000.0]).softmax()
            tensor([0.5, 0.5])
        """
        dim = _normalize_dim(_pick("dim", dim, "axis", axis, -1), self.ndim, "softmax")
        return apply(rules.SOFTMAX, self, axis=dim)

    def log_softmax(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """xᵢ − log Σₖ exp(xₖ) along ``dim``, the log of ``softmax``, computed stably.

        The max is subtracted first, so large inputs do not overflow. ∂E/∂x = g − softmax(x) Σₖ gₖ.

        Args:
            dim: the dim to normalise along (the last one when not given).
            axis: NumPy's name for ``dim``.

        Shapes:
            ``(*)`` in, ``(*)`` out.

        Examples:
            >>> tg.tensor([0.0, 0.0]).log_softmax()
            tensor([-0.6931, -0.6931])
        """
        dim = _normalize_dim(_pick("dim", dim, "axis", axis, -1), self.ndim, "log_softmax")
        return apply(rules.LOG_SOFTMAX, self, axis=dim)

    # ------------------------------------------------------------------ shapes

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in the given shape (row-major order, as NumPy).

        One size may be −1, inferred from the others. The gradient is ``g`` reshaped back.

        Args:
            *shape: the new sizes, as separate ints or one tuple.

        Raises:
            ShapeError: if the number of elements differs.

        Examples:
            >>> tg.tensor([1.0, 2.0, 3.0, 4.0]).reshape(2, -1)
            tensor([[1., 2.], [3., 4.]])
        """
        shape = _shape_args(shape)
        return apply(rules.RESHAPE, self, shape=shape)

    def view(self, *shape: Any) -> Tensor:
        """The same as ``reshape`` (no contiguity rule applies here, unlike PyTorch).

        Args:
            *shape: the new sizes, as separate ints or one tuple.

        Examples:
            >>> tg.zeros(2, 3).view(-1).shape
            (6,)
        """
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge the dims ``start_dim`` to ``end_dim`` (both included) into one.

        A 0-d tensor becomes shape ``(1,)``, as in PyTorch.

        Args:
            start_dim: the first dim to merge.
            end_dim: the last dim to merge.

        Shapes:
            ``(2, 3, 4)`` gives ``(24,)``, or ``(2, 12)`` with ``start_dim=1``.

        Examples:
            >>> tg.zeros(2, 3, 4).flatten(1).shape
            (2, 12)
        """
        if self.ndim == 0:
            return self.reshape(1)
        start = _normalize_dim(start_dim, self.ndim, "flatten")
        end = _normalize_dim(end_dim, self.ndim, "flatten")
        shape = (*self.shape[:start], -1, *self.shape[end + 1 :])
        return self.reshape(shape)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the dims: dim i of the result is dim ``dims[i]`` of ``self``.

        The gradient is permuted back with the inverse permutation.

        Args:
            *dims: a permutation of ``0 .. ndim − 1`` (negative dims count from the end), as
                separate ints or one tuple.

        Raises:
            ShapeError: if ``dims`` is not a permutation of the dims.

        Examples:
            >>> tg.zeros(2, 3, 4).permute(2, 0, 1).shape
            (4, 2, 3)
        """
        dims = _shape_args(dims)
        axes = tuple(_normalize_dim(d, self.ndim, "permute") for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise ShapeError(
                f"permute: {dims} is not a permutation of the dims of shape {self.shape}"
            )
        return apply(rules.PERMUTE, self, axes=axes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dims (``swapaxes`` is an alias); the gradient is swapped back.

        Args:
            dim0: one dim.
            dim1: the other dim.

        Examples:
            >>> tg.zeros(2, 3).transpose(0, 1).shape
            (3, 2)
        """
        axes = list(range(self.ndim))
        d0 = _normalize_dim(dim0, self.ndim, "transpose")
        d1 = _normalize_dim(dim1, self.ndim, "transpose")
        if axes:  # a 0-d tensor accepts dims 0 and -1 and stays as it is, as in PyTorch
            axes[d0], axes[d1] = axes[d1], axes[d0]
        return apply(rules.PERMUTE, self, axes=tuple(axes))

    swapaxes = transpose
    """An alias of ``transpose``."""

    @property
    def T(self) -> Tensor:
        """The dims in reverse order: Aᵀ for a matrix. For more dims all are reversed (PyTorch
        deprecates ``.T`` there; ``mT`` or ``permute`` say what is meant)."""
        return apply(rules.PERMUTE, self, axes=tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped: every matrix of a batch transposed, ``(*, n, m)`` →
        ``(*, m, n)``."""
        return self.transpose(-2, -1)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dim of size 1 at position ``dim`` (−1 puts it last).

        Args:
            dim: where the new dim goes, in ``−ndim − 1 .. ndim``.

        Examples:
            >>> tg.tensor([1.0, 2.0]).unsqueeze(1).shape
            (2, 1)
        """
        d = _normalize_dim(dim, self.ndim + 1, "unsqueeze")
        return self.reshape((*self.shape[:d], 1, *self.shape[d:]))

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove dims of size 1: all of them, or those among ``dim`` (others stay).

        Args:
            dim: an int or a tuple of dims to remove if their size is 1; ``None`` for all.

        Examples:
            >>> x = tg.zeros(1, 3, 1)
            >>> x.squeeze().shape, x.squeeze(0).shape
            ((3,), (3, 1))
        """
        if dim is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        dims = _normalize_dims(dim, self.ndim, "squeeze") or ()
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in dims or n != 1))

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to ``sizes``: size-1 dims are repeated and new dims are added in front.

        A −1 keeps that dim's size. Each input element feeds several outputs, so the gradient sums
        ``g`` over the repeated and added dims (``rules.sum_to_shape``).

        Args:
            *sizes: the target sizes, as separate ints or one tuple.

        Raises:
            ShapeError: if ``sizes`` has fewer dims than ``self`` or does not fit its shape.

        Examples:
            >>> tg.tensor([[1.0], [2.0]]).expand(-1, 3)
            tensor([[1., 1., 1.], [2., 2., 2.]])
        """
        sizes = _shape_args(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to {sizes}")
        shape = tuple(
            self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes)
        )
        return apply(rules.EXPAND, self, shape=shape)

    def __getitem__(self, index: Any) -> Tensor:
        index = _index_array(index, self._data.shape)  # NumPy's shape: no tg.Size to build
        return apply(rules.INDEX, self, index=index, basic=_is_basic_index(index))

    def __setitem__(self, index: Any, value: Any) -> None:
        # t[i] = v and t[mask] += v write into the array; recorded nothing, so (as in PyTorch)
        # a tensor that requires grad accepts it only under no_grad.
        self._in_place(rules.SETITEM, value, "__setitem__", index=_index_array(index, self.shape))

    # ------------------------------------------------------------------ the everyday surface
    # PyTorch's elementwise functions, scans, sorting, gathers and conversions. Each
    # differentiable one runs a rule of rules.py (its derivative is stated there) or is a
    # composition of differentiable operations.

    def sin(self) -> Tensor:
        """sin, elementwise (``rules.SIN``)."""
        return apply(rules.SIN, self)

    def cos(self) -> Tensor:
        """cos, elementwise (``rules.COS``)."""
        return apply(rules.COS, self)

    def tan(self) -> Tensor:
        """tan, elementwise (``rules.TAN``)."""
        return apply(rules.TAN, self)

    def asin(self) -> Tensor:
        """arcsin, elementwise (``rules.ASIN``)."""
        return apply(rules.ASIN, self)

    def acos(self) -> Tensor:
        """arccos, elementwise (``rules.ACOS``)."""
        return apply(rules.ACOS, self)

    def atan(self) -> Tensor:
        """arctan, elementwise (``rules.ATAN``)."""
        return apply(rules.ATAN, self)

    def sinh(self) -> Tensor:
        """sinh, elementwise (``rules.SINH``)."""
        return apply(rules.SINH, self)

    def cosh(self) -> Tensor:
        """cosh, elementwise (``rules.COSH``)."""
        return apply(rules.COSH, self)

    def expm1(self) -> Tensor:
        """eˣ − 1, accurate near 0 (``rules.EXPM1``)."""
        return apply(rules.EXPM1, self)

    def log1p(self) -> Tensor:
        """ln(1 + x), accurate near 0 (``rules.LOG1P``)."""
        return apply(rules.LOG1P, self)

    def log2(self) -> Tensor:
        """log₂ x = ln x / ln 2."""
        return self.log() / math.log(2.0)

    def log10(self) -> Tensor:
        """log₁₀ x = ln x / ln 10."""
        return self.log() / math.log(10.0)

    def reciprocal(self) -> Tensor:
        """1 / x (floating even for an integer tensor, as PyTorch)."""
        return 1.0 / self

    def rsqrt(self) -> Tensor:
        """1 / √x."""
        return self.sqrt().reciprocal()

    def square(self) -> Tensor:
        """x², elementwise."""
        return self * self

    def sign(self) -> Tensor:
        """−1, 0 or 1 by the sign of each element (gradient 0, ``rules.SIGN``)."""
        return apply(rules.SIGN, self)

    def floor(self) -> Tensor:
        """⌊x⌋ (gradient 0, ``rules.FLOOR``)."""
        return apply(rules.FLOOR, self)

    def ceil(self) -> Tensor:
        """⌈x⌉ (gradient 0, ``rules.CEIL``)."""
        return apply(rules.CEIL, self)

    def trunc(self) -> Tensor:
        """x rounded toward 0 (gradient 0, ``rules.TRUNC``)."""
        return apply(rules.TRUNC, self)

    def round(self, decimals: int = 0) -> Tensor:
        """x rounded half to even to ``decimals`` places, as PyTorch (gradient 0)."""
        return apply(rules.ROUND, self, decimals=int(decimals))

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Each element limited to ``[min, max]`` (either may be ``None``; ``rules.CLAMP``).

        The gradient is 1 where ``min ≤ x ≤ max`` and 0 elsewhere; tensor bounds broadcast.
        """
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            out = self if min is None else self.maximum(min)
            return out if max is None else out.minimum(max)
        return apply(rules.CLAMP, self, low=_bound(min), high=_bound(max))

    clip = clamp

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        """``clamp`` in place."""
        with engine.no_grad():
            clamped = self.clamp(min, max)
        return self._in_place(rules.COPY_, clamped, "clamp_")

    def maximum(self, other: Any) -> Tensor:
        """The larger of ``self`` and ``other`` elementwise; a tie splits the gradient evenly."""
        return apply(rules.MAXIMUM, self, _operand(other, "maximum"))

    def minimum(self, other: Any) -> Tensor:
        """The smaller of ``self`` and ``other`` elementwise; a tie splits the gradient evenly."""
        return apply(rules.MINIMUM, self, _operand(other, "minimum"))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` (a bool tensor broadcasting to ``self``) is true, else
        ``self``."""
        condition = _bool_mask(mask, self.shape, "masked_fill")
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(
                f"masked_fill: only a 0-dimensional value tensor is supported, got shape "
                f"{value.shape}"
            )
        fill = value.to(self.dtype) if isinstance(value, Tensor) else value
        return where(condition, fill, self).to(self.dtype)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """``masked_fill`` in place."""
        condition = np.broadcast_to(_bool_mask(mask, self.shape, "masked_fill_"), self.shape)
        self[condition] = value
        return self

    def var(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: builtins.float | None = None,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The variance over ``dim``: Σ (x − mean)² / (n − correction), correction 1 by default
        (``unbiased=False`` or ``correction=0`` divides by n)."""
        if isinstance(dim, bool):  # var(False): the old positional unbiased
            dim, unbiased = None, dim
        if unbiased is not None and correction is not None:
            raise TypeError("var: got both unbiased= and correction=")
        if correction is None:
            correction = 0 if unbiased is False else 1
        axes = _normalize_dims(_pick("dim", dim, "axis", axis, None), self.ndim, "var")
        keep = bool(_pick("keepdim", keepdim or None, "keepdims", keepdims, False))
        count = self._data.size if axes is None else int(np.prod([self.shape[d] for d in axes]))
        centered = self - self.mean(axes, keepdim=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # n ≤ correction: nan, as PyTorch
            return (centered * centered).sum(axes, keep) / builtins.max(count - correction, 0)

    def std(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: builtins.float | None = None,
        axis: Any = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The standard deviation: √``var`` with the same arguments."""
        return self.var(
            dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims
        ).sqrt()

    def norm(
        self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: DType | None = None
    ) -> Tensor:
        """The p-norm over ``dim`` (all elements by default): (Σ |x|ᵖ)^(1/p); ``p`` may be
        ``"fro"`` (2), ``inf`` or ``0`` (the count of nonzeros). ``rules.NORM``; at the zero
        vector the gradient is 0, as PyTorch."""
        source = self if dtype is None else self.to(dtype)
        power = 2.0 if p in ("fro", None) else p
        if isinstance(power, str):
            raise ValueError(f"norm: unsupported norm type p={p!r} (use a number or 'fro')")
        axes = _normalize_dims(dim, self.ndim, "norm")
        if power == 0:
            return (source != 0).sum(axes, keepdim).to(source.dtype)
        return apply(rules.NORM, source, p=float(power), axis=axes, keepdims=bool(keepdim))

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        """log Σ exp(x) over ``dim``, computed stably (shifted by the maximum)."""
        axes = _normalize_dims(dim, self.ndim, "logsumexp")
        # the shift is a constant of the graph (detached), computed by tensor operations so
        # that a trace (tg.compile) replays it; an infinite maximum shifts by 0
        shift: Any = 0.0
        if self._data.size:
            peak = self.detach().amax(axes, keepdim=True)
            shift = where(peak.isfinite(), peak, 0.0)
        total = (self - shift).exp().sum(axes, keepdim=True).log() + shift
        return total if keepdim else total.squeeze(axes if axes is not None else None)

    def cumsum(self, dim: int, *, dtype: DType | None = None) -> Tensor:
        """Running sums along ``dim`` (``rules.CUMSUM``; integer tensors sum in int64)."""
        source = self if dtype is None else self.to(dtype)
        return apply(rules.CUMSUM, source, axis=_normalize_dim(dim, self.ndim, "cumsum"))

    def flip(self, *dims: Any) -> Tensor:
        """The elements in reverse order along each of ``dims`` (a copy, ``rules.FLIP``)."""
        chosen = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = tuple(_normalize_dim(d, self.ndim, "flip") for d in chosen)
        return apply(rules.FLIP, self, axes=axes)

    def gather(self, dim: int, index: Any) -> Tensor:
        """``out[i][j] = self[index[i][j]][j]`` for ``dim=0`` (and so on): values picked along
        ``dim`` (``rules.GATHER``; the gradient is added back at the picked places)."""
        axis = _normalize_dim(dim, self.ndim, "gather")
        picks = _index_along(index, self, axis, "gather")
        source = self
        if any(n != m for d, (n, m) in enumerate(zip(picks.shape, self.shape)) if d != axis):
            # PyTorch lets the index be smaller than the input in the other dims
            source = self[
                tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(picks.shape))
            ]
        return apply(rules.GATHER, source, index=picks, axis=axis)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        """``(values, indices)`` sorted along ``dim`` (stable); ``values`` is differentiable."""
        from .return_types import sort as sort_result

        indices = self.argsort(dim, descending)
        return sort_result(self._in_order(dim, indices), indices)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The indices that sort ``self`` along ``dim`` (a stable sort)."""
        axis = _normalize_dim(dim, self.ndim, "argsort")
        return apply(rules.ARGSORT, self, axis=axis, descending=bool(descending))

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
        from .return_types import topk as topk_result

        axis = _normalize_dim(dim, self.ndim, "topk")
        size = self.shape[axis] if self.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError(f"topk: k ({k}) is out of range for dimension {dim} of size {size}")
        order = self.argsort(axis, descending=largest)
        indices = order[(slice(None),) * axis + (slice(0, k),)] if self.ndim else order
        return topk_result(self._in_order(axis, indices), indices)

    def _in_order(self, dim: int, indices: Tensor) -> Tensor:
        """The values at ``indices`` along ``dim`` (sort's and topk's values, differentiable);
        a 0-d tensor is taken along a length-1 dimension, as gather needs one."""
        if self.ndim == 0:
            return self.reshape(1).gather(0, indices.reshape(1)).reshape(())
        return self.gather(dim, indices)

    # ------------------------------------------------------------------ moving dims, medians
    # and scatters: PyTorch's movedim, unbind, median, scatter, scatter_add and index_add.

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """The dims ``source`` moved to the positions ``destination`` (ints or tuples of the
        same length), the others keeping their order (``moveaxis`` is an alias); a permute.

        Raises:
            RuntimeError: if the two lengths differ or a dim repeats.
            IndexError: for a dim out of range.

        Examples:
            >>> tg.zeros(2, 3, 4).movedim(0, -1).shape
            (3, 4, 2)
        """
        src = _dim_list(source, self.ndim, "movedim")
        dst = _dim_list(destination, self.ndim, "movedim")
        if len(src) != len(dst):
            raise RuntimeError(
                f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                f"contain the same number of dims as destination ({list(dst)} dims)"
            )
        for name, dims in (("source", src), ("destination", dst)):
            if len(set(dims)) != len(dims):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
        order = [-1] * builtins.max(self.ndim, 1)
        for s, d in zip(src, dst):
            order[d] = s
        rest = iter(d for d in range(len(order)) if d not in src)
        order = [o if o >= 0 else next(rest) for o in order]
        return apply(rules.PERMUTE, self, axes=tuple(order[: self.ndim]))

    moveaxis = movedim

    def swapdims(self, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """An alias of ``transpose``: dims ``dim0`` and ``dim1`` swapped.

        Examples:
            >>> tg.zeros(2, 3).swapdims(0, 1).shape
            (3, 2)
        """
        return self.transpose(dim0, dim1)

    def unbind(self, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``, as a tuple, each without that dim (each differentiable).

        Raises:
            IndexError: on a 0-d tensor, or for a dim out of range.

        Examples:
            >>> a, b = tg.tensor([[1.0, 2.0], [3.0, 4.0]]).unbind(1)
            >>> a, b
            (tensor([1., 3.]), tensor([2., 4.]))
        """
        if self.ndim == 0:
            raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
        axis = _normalize_dim(dim, self.ndim, "unbind")
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def median(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The median: the lower of the two middle values when the count is even, as PyTorch.

        ``t.median()`` is a tensor (``rules.MEDIAN``: the gradient is split evenly between the
        entries equal to it); ``t.median(dim)`` is the named tuple ``(values, indices)`` along
        ``dim``, whose gradient goes to the chosen position. A NaN makes the median NaN
        (``nanmedian`` skips them).

        Raises:
            IndexError: when ``dim`` has size 0, or is out of range.

        Examples:
            >>> tg.tensor([3.0, 1.0, 4.0, 2.0]).median()
            tensor(2.)
            >>> tg.tensor([[3.0, 1.0, 2.0]]).median(1)
            tinygrad4h03.return_types.median(
            values=tensor([2.]),
            indices=tensor([2]))
        """
        return self._median(dim, keepdim, False)

    def nanmedian(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """``median`` with the NaN entries left out (NaN where every entry is NaN).

        Examples:
            >>> tg.tensor([1.0, float("nan"), 3.0, 2.0]).nanmedian()
            tensor(2.)
        """
        return self._median(dim, keepdim, True)

    def _median(self, dim: Any, keepdim: builtins.bool, ignore_nan: builtins.bool) -> Any:
        op = "nanmedian" if ignore_nan else "median"
        if dim is None:
            return apply(rules.MEDIAN, self, ignore_nan=ignore_nan)
        axis = _normalize_dim(dim, self.ndim, op)
        source = self if self.ndim else self.reshape(1)
        _check_reduced_sizes(source, (axis,), op)
        n = source.shape[axis]
        nans = source.isnan().sum(axis, keepdim=True)
        if ignore_nan:  # NaN sorts last: the middle of the numbers before it
            place = ((n - nans - 1) // 2).clamp_min(0)
        else:  # a NaN median takes the first NaN, as PyTorch
            place = where(nans > 0, n - nans, (n - 1) // 2)
        indices = source.argsort(axis).gather(axis, place)
        values = source.gather(axis, indices)
        if not self.ndim:
            values, indices = values.reshape(()), indices.reshape(())
        elif not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        result = return_types.nanmedian if ignore_nan else return_types.median
        return result(values, indices)

    def scatter(
        self, dim: builtins.int, index: Any, src: Any = None, *, value: Any = None
    ) -> Tensor:
        """A copy with ``src`` written at ``index`` along ``dim``: for ``dim=0``,
        ``out[index[i][j]][j] = src[i][j]`` (``src`` a tensor, or a number, also as ``value=``).

        ``rules.SCATTER``: ``self``'s gradient is g with the written places zeroed, ``src``'s
        is g gathered at ``index``. A place written twice keeps one of the values.

        Raises:
            RuntimeError: for an index of another rank, dtype or too large a shape, an index
                out of range, or a ``src`` of another dtype (PyTorch's checks).

        Examples:
            >>> tg.zeros(2, 3).scatter(0, tg.tensor([[1, 0, 1]]), tg.tensor([[5.0, 6.0, 7.0]]))
            tensor([[0., 6., 0.], [5., 0., 7.]])
        """
        axis, picks, source = _scatter_operands(self, dim, index, _pick_src(src, value), "scatter")
        if not self.ndim:
            flat = self.reshape(1).scatter(0, Tensor(picks.reshape(1)), source.reshape(1))
            return flat.reshape(())
        return apply(rules.SCATTER, self, source, index=picks, axis=axis)

    def scatter_(
        self, dim: builtins.int, index: Any, src: Any = None, *, value: Any = None
    ) -> Tensor:
        """``scatter`` in place (not recorded: see ``add_``); returns ``self``.

        Examples:
            >>> tg.zeros(3).scatter_(0, tg.tensor([2]), 1.5)
            tensor([0. , 0. , 1.5])
        """
        self._check_in_place("scatter_")
        axis, picks, source = _scatter_operands(self, dim, index, _pick_src(src, value), "scatter_")
        place = rules._along_index(picks, axis) if self.ndim else ()
        return self._in_place(rules.SETITEM, source, "scatter_", index=place)

    def scatter_add(self, dim: builtins.int, index: Any, src: Tensor) -> Tensor:
        """A copy with ``src`` added at ``index`` along ``dim`` (repeats add up): for ``dim=0``,
        ``out[index[i][j]][j] += src[i][j]``. ``self``'s gradient is g, ``src``'s is g
        gathered at ``index`` (``rules.SCATTER_ALONG``).

        Examples:
            >>> tg.zeros(3).scatter_add(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 3.0]))
            tensor([3., 0., 3.])
        """
        axis, picks, source = _scatter_operands(self, dim, index, src, "scatter_add")
        if not self.ndim:
            flat = self.reshape(1).scatter_add(0, Tensor(picks.reshape(1)), source.reshape(1))
            return flat.reshape(())
        return self + apply(rules.SCATTER_ALONG, source, index=picks, axis=axis, shape=self.shape)

    def scatter_add_(self, dim: builtins.int, index: Any, src: Tensor) -> Tensor:
        """``scatter_add`` in place (not recorded: see ``add_``); returns ``self``.

        Examples:
            >>> tg.ones(2).scatter_add_(0, tg.tensor([1, 1]), tg.tensor([2.0, 3.0]))
            tensor([1., 6.])
        """
        self._check_in_place("scatter_add_")
        axis, picks, source = _scatter_operands(self, dim, index, src, "scatter_add_")
        place = rules._along_index(picks, axis) if self.ndim else ()
        return self._in_place(rules.SCATTER_ADD_, source, "scatter_add_", index=place)

    def index_add(self, dim: builtins.int, index: Any, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """A copy with ``alpha * source[..., i, ...]`` added at ``self[..., index[i], ...]``
        along ``dim`` (``index`` 1-D; repeats add up). A ``scatter_add`` with the index
        spread over ``source``'s shape, so ``source``'s gradient is g picked at ``index``.

        Examples:
            >>> tg.zeros(3, 2).index_add(0, tg.tensor([2, 0]), tg.ones(2, 2), alpha=2)
            tensor([[2., 2.], [0., 0.], [2., 2.]])
        """
        axis, spread = _index_add_operands(self, dim, index, source, "index_add")
        return self.scatter_add(axis, spread, source if alpha == 1 else source * alpha)

    def index_add_(
        self, dim: builtins.int, index: Any, source: Tensor, *, alpha: Any = 1
    ) -> Tensor:
        """``index_add`` in place (not recorded: see ``add_``); returns ``self``.

        Examples:
            >>> tg.zeros(3).index_add_(0, tg.tensor([1, 1]), tg.tensor([1.0, 2.0]))
            tensor([0., 3., 0.])
        """
        axis, spread = _index_add_operands(self, dim, index, source, "index_add_")
        return self.scatter_add_(axis, spread, source if alpha == 1 else source * alpha)

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Whether every element (along ``dim``) is nonzero: a bool tensor."""
        axes = _normalize_dims(dim, self.ndim, "all")
        return apply(rules.ALL, self, axis=axes, keepdims=bool(keepdim))

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Whether some element (along ``dim``) is nonzero: a bool tensor."""
        axes = _normalize_dims(dim, self.ndim, "any")
        return apply(rules.ANY, self, axis=axes, keepdims=bool(keepdim))

    def isnan(self) -> Tensor:
        """Where the elements are NaN: a bool tensor."""
        return apply(rules.ISNAN, self)

    def isinf(self) -> Tensor:
        """Where the elements are ±inf: a bool tensor."""
        return apply(rules.ISINF, self)

    def isfinite(self) -> Tensor:
        """Where the elements are finite: a bool tensor."""
        return apply(rules.ISFINITE, self)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        """The number of nonzero elements (along ``dim``), as int64."""
        return (self != 0).sum(dim)

    def unique(
        self,
        sorted: bool = True,
        return_inverse: bool = False,
        return_counts: bool = False,
        dim: int | None = None,
    ) -> Any:
        """The distinct elements, sorted (and, if asked, the inverse indices and the counts)."""
        values, inverse, counts = np.unique(
            self._data, return_inverse=True, return_counts=True, axis=dim
        )
        result = [_leaf(values)]
        if return_inverse:
            shape = self.shape if dim is None else (self.shape[dim],)
            result.append(_leaf(inverse.reshape(shape).astype(np.int64)))
        if return_counts:
            result.append(_leaf(counts.astype(np.int64)))
        return result[0] if len(result) == 1 else tuple(result)

    def mm(self, other: Tensor) -> Tensor:
        """The product of two matrices (2-D only; ``@`` for the general case)."""
        _check_ranks("mm", 2, self, other)
        return self @ other

    def bmm(self, other: Tensor) -> Tensor:
        """A batch of matrix products: (b, n, m) @ (b, m, p) → (b, n, p)."""
        _check_ranks("bmm", 3, self, other)
        if self.shape[0] != other.shape[0]:
            raise ShapeError(f"bmm: batch sizes differ: {self.shape} and {other.shape}")
        return self @ other

    def t(self) -> Tensor:
        """The transpose of a matrix; a tensor of fewer than 2 dims is returned as it is."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t: expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.transpose(0, 1) if self.ndim == 2 else self

    def view_as(self, other: Tensor) -> Tensor:
        """``self.view(other.shape)``."""
        return self.view(other.shape)

    def expand_as(self, other: Tensor) -> Tensor:
        """``self.expand(other.shape)``."""
        return self.expand(other.shape)

    def repeat(self, *sizes: Any) -> Tensor:
        """The tensor tiled ``sizes[d]`` times along each dim (a view, then one copy)."""
        sizes = _shape_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                f"repeat: the number of repeat dims ({len(sizes)}) can not be smaller than the "
                f"number of dimensions of the tensor ({self.ndim})"
            )
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        spread = self.reshape(tuple(n for s in shape for n in (1, s)))
        tiled = spread.expand(tuple(n for r, s in zip(sizes, shape) for n in (r, s)))
        return tiled.reshape(tuple(r * s for r, s in zip(sizes, shape)))

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the
        listed sizes."""
        axis = _normalize_dim(dim, self.ndim, "split")
        size = self.shape[axis]
        if isinstance(split_size_or_sections, (int, np.integer)):
            step = int(split_size_or_sections)
            sections = [builtins.min(step, size - start) for start in range(0, size, step)] or [0]
        else:
            sections = [int(n) for n in split_size_or_sections]
            if sum(sections) != size:
                raise RuntimeError(
                    f"split: the sections {sections} do not add up to the size {size} of dim {dim}"
                )
        starts = np.cumsum([0, *sections[:-1]])
        lead = (slice(None),) * axis
        return tuple(self[tuple([*lead, slice(s, s + n)])] for s, n in zip(starts, sections))

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``chunks`` pieces along ``dim`` (the last may be smaller), as ``torch.chunk``."""
        size = self.shape[_normalize_dim(dim, self.ndim, "chunk")]
        return self.split(builtins.max(-(-size // chunks), 1), dim)

    def tril(self, diagonal: int = 0) -> Tensor:
        """The lower triangle (zeros above ``diagonal``) of the last two dims."""
        return apply(rules.TRIL, self, k=int(diagonal))

    def triu(self, diagonal: int = 0) -> Tensor:
        """The upper triangle (zeros below ``diagonal``) of the last two dims."""
        return apply(rules.TRIU, self, k=int(diagonal))

    def clone(self, *, memory_format: Any = None) -> Tensor:
        """A copy that stays in the graph (its gradient flows back to ``self``)."""
        return apply(rules.CLONE, self)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        """``self``: NumPy arrays need no relayout for any operation here."""
        return self

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """Whether the elements lie in row-major order in memory."""
        return bool(self._data.flags.c_contiguous)

    def nelement(self) -> int:
        """The number of elements (``numel``)."""
        return self.numel()

    def element_size(self) -> int:
        """The size of one element in bytes."""
        return int(self._data.itemsize)

    def type(self, dtype: Any = None) -> Any:
        """Without ``dtype``, PyTorch's type name (``"torch.FloatTensor"``); with one, the
        tensor converted to it (a dtype, or a name such as ``"torch.LongTensor"``)."""
        if dtype is None:
            return "torch." + _LEGACY_NAMES.get(self._data.dtype, "Tensor")
        name = dtype if isinstance(dtype, str) else getattr(dtype, "__name__", "")
        if name.split(".")[-1] in _LEGACY_DTYPES:  # "torch.LongTensor" or tg.LongTensor
            dtype = _LEGACY_DTYPES[name.split(".")[-1]]
        return self.to(dtype)

    def long(self) -> Tensor:
        """The tensor as int64."""
        return self.to(np.dtype(np.int64))

    def int(self) -> Tensor:
        """The tensor as int32."""
        return self.to(np.dtype(np.int32))

    def short(self) -> Tensor:
        """The tensor as int16."""
        return self.to(np.dtype(np.int16))

    def byte(self) -> Tensor:
        """The tensor as uint8."""
        return self.to(np.dtype(np.uint8))

    def half(self) -> Tensor:
        """The tensor as float16."""
        return self.to(np.dtype(np.float16))

    def bool(self) -> Tensor:
        """The tensor as bool (nonzero is true)."""
        return self.to(np.dtype(np.bool_))

    def equal(self, other: Tensor) -> builtins.bool:
        """Whether ``other`` has the same shape and the same elements (a Python bool)."""
        return bool(np.array_equal(self._data, np.asarray(other)))

    def eq(self, other: Any) -> Tensor:
        """``self == other``, elementwise."""
        return self == other

    def ne(self, other: Any) -> Tensor:
        """``self != other``, elementwise."""
        return self != other

    def lt(self, other: Any) -> Tensor:
        """``self < other``, elementwise."""
        return self < other

    def le(self, other: Any) -> Tensor:
        """``self <= other``, elementwise."""
        return self <= other

    def gt(self, other: Any) -> Tensor:
        """``self > other``, elementwise."""
        return self > other

    def ge(self, other: Any) -> Tensor:
        """``self >= other``, elementwise."""
        return self >= other

    def __floordiv__(self, other: Any) -> Tensor:
        return apply(rules.FLOOR_DIVIDE, self, _operand(other, "//"))

    def __rfloordiv__(self, other: Any) -> Tensor:
        return apply(rules.FLOOR_DIVIDE, _operand(other, "//"), self)

    def __mod__(self, other: Any) -> Tensor:
        return apply(rules.REMAINDER, self, _operand(other, "%"))

    def __rmod__(self, other: Any) -> Tensor:
        return apply(rules.REMAINDER, _operand(other, "%"), self)

    def __and__(self, other: Any) -> Tensor:
        return apply(rules.BITWISE_AND, self, _operand(other, "&"))

    __rand__ = __and__

    def __or__(self, other: Any) -> Tensor:
        return apply(rules.BITWISE_OR, self, _operand(other, "|"))

    __ror__ = __or__

    def __xor__(self, other: Any) -> Tensor:
        return apply(rules.BITWISE_XOR, self, _operand(other, "^"))

    __rxor__ = __xor__

    def __invert__(self) -> Tensor:
        return apply(rules.BITWISE_NOT, self)

    def __index__(self) -> builtins.int:
        if self._data.size != 1 or self._data.dtype.kind not in "biu":
            raise TypeError(
                "only integer tensors of a single element can be converted to an index, got "
                f"a {self._data.dtype} tensor of shape {self.shape}"
            )
        return int(self._data.reshape(()))

    def __format__(self, format_spec: str) -> str:
        # f"{t}" prints the tensor (as PyTorch, which prints a 0-d tensor's number); a spec
        # such as ".2f" formats the number of a one-element tensor (API.md §2)
        if self._data.size == 1 and (format_spec or self._data.ndim == 0):
            return format(self._data.reshape(()).item(), format_spec)
        if format_spec:
            raise TypeError(
                f"format: the spec {format_spec!r} needs a one-element tensor, got shape "
                f"{self.shape}"
            )
        return str(self)

    def normal_(
        self, mean: builtins.float = 0.0, std: builtins.float = 1.0, *, generator: Any = None
    ) -> Tensor:
        """Fill in place with samples of N(mean, std²) from the package's generator."""
        from .random import resolve

        draws = resolve(generator, "normal_").normal(mean, std, self.shape)
        return self._in_place(rules.COPY_, draws.astype(self._data.dtype), "normal_")

    def uniform_(
        self, from_: builtins.float = 0.0, to: builtins.float = 1.0, *, generator: Any = None
    ) -> Tensor:
        """Fill in place with samples of U(from_, to) from the package's generator."""
        from .random import resolve

        draws = resolve(generator, "uniform_").uniform(from_, to, self.shape)
        return self._in_place(rules.COPY_, draws.astype(self._data.dtype), "uniform_")

    # the next layer of the surface: gathers along a dim, diagonals, products, hooks, new_*

    def erf(self) -> Tensor:
        """The error function, elementwise (``rules.ERF``: d erf x / dx = 2/√π · e^(−x²))."""
        return apply(rules.ERF, self if self.is_floating_point() else self.float())

    def is_floating_point(self) -> builtins.bool:
        """Whether the dtype is a floating one."""
        return self._data.dtype.kind == "f"

    def index_select(self, dim: builtins.int, index: Any) -> Tensor:
        """The entries at ``index`` (1-D integers) along ``dim``, in that order (repeats allowed;
        their gradients add up, as for ``t[index]``)."""
        axis = _normalize_dim(dim, self.ndim, "index_select")
        picks = _index_vector(index, self.shape[axis] if self.ndim else 1, "index_select")
        source = self if self.ndim else self.reshape(1)
        shape = (*self.shape[:axis], len(picks), *self.shape[axis + 1 :]) if self.ndim else ()
        return source[(slice(None),) * axis + (picks,)].reshape(shape)

    def diagonal(
        self, offset: builtins.int = 0, dim1: builtins.int = 0, dim2: builtins.int = 1
    ) -> Tensor:
        """The diagonal of the 2-D planes spanned by ``dim1`` and ``dim2``, as the last dim
        (``offset`` > 0 above the main diagonal, < 0 below)."""
        d1 = _normalize_dim(dim1, self.ndim, "diagonal")
        d2 = _normalize_dim(dim2, self.ndim, "diagonal")
        if d1 == d2:
            raise RuntimeError(f"diagonal: dim1 and dim2 cannot be identical, got {dim1}, {dim2}")
        rest = [d for d in range(self.ndim) if d not in (d1, d2)]
        rows, cols = _diagonal_places(self.shape[d1], self.shape[d2], int(offset))
        return self.permute(*rest, d1, d2)[(..., rows, cols)]

    def diag(self, diagonal: builtins.int = 0) -> Tensor:
        """A 1-D tensor → the square matrix with it on the ``diagonal``-th diagonal; a 2-D one →
        that diagonal (``diagonal`` > 0 above the main one, < 0 below)."""
        k = int(diagonal)
        if self.ndim == 2:
            return self.diagonal(k)
        if self.ndim != 1:
            raise RuntimeError(f"diag: expected a 1-D or 2-D tensor, got shape {self.shape}")
        n = self.shape[0] + builtins.abs(k)
        rows, cols = _diagonal_places(n, n, k)
        flat = rows * n + cols
        # each element of self goes to one place of the zero matrix: a gather from [0, self]
        padded = _padded(self, 0, (1, 0), 0)
        where_from = np.zeros(n * n, dtype=np.int64)
        where_from[flat] = np.arange(1, self.shape[0] + 1)
        return padded[where_from].reshape(n, n)

    def trace(self) -> Tensor:
        """The sum of the main diagonal of a matrix (integers sum in int64)."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with shape {self.shape}")
        return self.diagonal().sum()

    def repeat_interleave(
        self,
        repeats: Any,
        dim: builtins.int | None = None,
        *,
        output_size: builtins.int | None = None,
    ) -> Tensor:
        """Each element repeated ``repeats`` times along ``dim`` (the flattened tensor when
        ``dim`` is None); ``repeats`` is an int or a 1-D tensor with one count per element."""
        source = self.reshape(-1) if dim is None else self
        axis = 0 if dim is None else _normalize_dim(dim, self.ndim, "repeat_interleave")
        size = source.shape[axis] if source.ndim else 1
        counts = np.asarray(repeats.numpy() if isinstance(repeats, Tensor) else repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
            raise RuntimeError(
                f"repeat_interleave: repeats must be a non-negative int or a 1-D integer tensor, "
                f"got {repeats!r}"
            )
        if counts.ndim == 1 and counts.size not in (1, size):
            raise RuntimeError(
                f"repeat_interleave: repeats must have the same size as input along dim, got "
                f"{counts.size} repeats for a size of {size}"
            )
        picks = np.repeat(np.arange(size), counts.reshape(-1) if counts.ndim else int(counts))
        if output_size is not None and len(picks) != output_size:
            raise RuntimeError(
                f"repeat_interleave: output_size {output_size} is not the total {len(picks)}"
            )
        return source.index_select(axis, picks)

    def masked_select(self, mask: Any) -> Tensor:
        """The elements where ``mask`` (a bool tensor broadcasting with ``self``) is true, as a
        1-D tensor in row-major order."""
        condition = _copy_of(mask)
        if condition.dtype != np.bool_:
            raise RuntimeError(f"masked_select: expected a bool mask, got dtype {condition.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, condition.shape)
        except ValueError:
            raise RuntimeError(
                f"masked_select: the shape of the mask {condition.shape} does not broadcast with "
                f"the shape of the tensor {self.shape}"
            ) from None
        return self.broadcast_to(shape)[np.broadcast_to(condition, shape).copy()]

    def broadcast_to(self, *size: Any) -> Tensor:
        """``self`` broadcast to ``size`` (``expand``; −1 keeps a dim)."""
        return self.expand(*size)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """The elements shifted ``shifts`` places along ``dims`` (wrapping round); without
        ``dims`` the flattened tensor is rolled and the shape restored."""
        if dims is None:
            if not isinstance(shifts, (int, np.integer)) and len(shifts) != 1:
                raise RuntimeError(f"roll: without dims, shifts must be one int, got {shifts!r}")
            shift = int(shifts if isinstance(shifts, (int, np.integer)) else shifts[0])
            return self.reshape(-1).roll(shift, 0).reshape(self.shape)
        shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(
                f"roll: shifts and dimensions must align. shifts: {len(shifts)}, dims: {len(dims)}"
            )
        out = self
        for shift, dim in zip(shifts, dims):
            axis = _normalize_dim(dim, self.ndim, "roll")
            n = self.shape[axis]
            if n:
                out = out.index_select(axis, (np.arange(n) - int(shift)) % n)
        return out

    def tile(self, *dims: Any) -> Tensor:
        """``repeat`` with ``dims`` padded with leading 1s to ``self``'s number of dims."""
        reps = _shape_args(dims)
        return self.repeat(*((1,) * (self.ndim - len(reps)) + reps))

    def prod(
        self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: DType | None = None
    ) -> Tensor:
        """The product of the elements (along ``dim``); integers and bools multiply in int64.

        Multiplied pairwise in a tree of ⌈log₂ n⌉ ``*`` operations, so the gradient is the exact
        product of the other elements, also where some are 0 (no division by the result).
        """
        source = self if dtype is None else self.to(dtype)
        if source._data.dtype.kind in "biu":
            source = source.long()
        if dim is None:
            return _product_along(source.reshape(-1), 0).reshape(())
        axis = _normalize_dim(dim, self.ndim, "prod")
        if not self.ndim:
            return source.clone()
        out = _product_along(source, axis)
        return out if keepdim else out.squeeze(axis)

    def cumprod(self, dim: builtins.int, *, dtype: DType | None = None) -> Tensor:
        """Running products along ``dim`` (integers in int64).

        A scan of ⌈log₂ n⌉ steps, each multiplying by the result shifted 1, 2, 4, … places, so
        the gradient is exact also where elements are 0.
        """
        source = self if dtype is None else self.to(dtype)
        if source._data.dtype.kind in "biu":
            source = source.long()
        if not self.ndim:
            return source.clone()
        axis = _normalize_dim(dim, self.ndim, "cumprod")
        out, n, shift = source.clone(), self.shape[axis], 1
        while shift < n:
            head = out[(slice(None),) * axis + (slice(0, n - shift),)]
            out = out * _padded(head, axis, (shift, 0), 1)  # [1, …, 1, out[0], …]
            shift *= 2
        return out

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        """The indices of the nonzero elements: an int64 tensor of shape (count, ndim), or with
        ``as_tuple`` one 1-D tensor per dim."""
        values = self._data.reshape(1) if as_tuple and not self.ndim else self._data
        if as_tuple:
            return tuple(_leaf(i.astype(np.int64)) for i in np.nonzero(values))
        return _leaf(np.argwhere(values).astype(np.int64))

    def argwhere(self) -> Tensor:
        """``nonzero()``: the indices of the nonzero elements, shape (count, ndim)."""
        return self.nonzero()

    def where(self, condition: Any, other: Any) -> Tensor:
        """``tg.where(condition, self, other)``."""
        return where(condition, self, other)

    def new_tensor(
        self,
        data: Any,
        *,
        dtype: DType | None = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """A new tensor of ``data`` (copied), with ``self``'s dtype unless ``dtype`` is given."""
        values = data.numpy() if isinstance(data, Tensor) else data
        out = Tensor(values, dtype=self._data.dtype if dtype is None else dtype)
        return _placed(out, device, requires_grad)

    def new_full(
        self,
        size: Any,
        fill_value: Any,
        *,
        dtype: DType | None = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """A tensor of ``size`` filled with ``fill_value``, ``self``'s dtype by default."""
        kind = self._data.dtype if dtype is None else dtypes.as_dtype(dtype, "new_full")
        shape = _shape_args(tuple(size) if isinstance(size, (tuple, list)) else (size,))
        return _placed(
            _leaf(np.full(shape, fill_value, dtype=kind), fill_value), device, requires_grad
        )

    def new_zeros(self, *size: Any, **options: Any) -> Tensor:
        """A tensor of zeros of ``size`` (``dtype=``, ``device=``, ``requires_grad=`` as
        ``new_full``), ``self``'s dtype by default."""
        return self.new_full(_shape_args(size), 0, **options)

    def new_ones(self, *size: Any, **options: Any) -> Tensor:
        """A tensor of ones of ``size``, ``self``'s dtype by default."""
        return self.new_full(_shape_args(size), 1, **options)

    def new_empty(self, *size: Any, **options: Any) -> Tensor:
        """An uninitialised tensor of ``size`` (zeros here), ``self``'s dtype by default."""
        return self.new_full(_shape_args(size), 0, **options)

    def clamp_min(self, min: Any) -> Tensor:
        """``clamp(min=min)``."""
        return self.clamp(min=min)

    def clamp_max(self, max: Any) -> Tensor:
        """``clamp(max=max)``."""
        return self.clamp(max=max)

    def _apply_(self, name: str) -> Tensor:
        """``self.<name>()`` written into ``self`` (the ``exp_``-style in-place methods)."""
        with engine.no_grad():
            result = getattr(self, name)()
        return self._in_place(rules.COPY_, result, f"{name}_")

    def exp_(self) -> Tensor:
        """``exp`` in place."""
        return self._apply_("exp")

    def log_(self) -> Tensor:
        """``log`` in place."""
        return self._apply_("log")

    def abs_(self) -> Tensor:
        """``abs`` in place."""
        return self._apply_("abs")

    def sqrt_(self) -> Tensor:
        """``sqrt`` in place."""
        return self._apply_("sqrt")

    def sigmoid_(self) -> Tensor:
        """``sigmoid`` in place."""
        return self._apply_("sigmoid")

    def tanh_(self) -> Tensor:
        """``tanh`` in place."""
        return self._apply_("tanh")

    def relu_(self) -> Tensor:
        """``relu`` in place."""
        return self._apply_("relu")

    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` with this tensor's gradient whenever backward computes it; a
        tensor that the hook returns replaces the gradient (before it reaches ``.grad`` or the
        inputs). Returns a handle whose ``remove()`` takes the hook off.

        Examples:
            >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda g: g * 10)
            >>> (x * x).sum().backward(); x.grad
            tensor([20., 40.])
            >>> handle.remove()
        """
        if not self._requires_grad:
            raise RuntimeError(
                "register_hook: cannot register a hook on a tensor that doesn't require gradient"
            )
        return engine.add_grad_hook(self, _TensorHook(self, hook))


# --------------------------------------------------------------------------- helpers of the surface

_LEGACY_NAMES = {
    np.dtype(np.float32): "FloatTensor",
    np.dtype(np.float64): "DoubleTensor",
    np.dtype(np.float16): "HalfTensor",
    np.dtype(np.int64): "LongTensor",
    np.dtype(np.int32): "IntTensor",
    np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor",
    np.dtype(np.uint8): "ByteTensor",
    np.dtype(np.bool_): "BoolTensor",
}
_LEGACY_DTYPES = {name: dtype for dtype, name in _LEGACY_NAMES.items()}


def _scaled(other: Any, alpha: Any) -> Any:
    """``alpha * other`` for ``add(other, alpha=)`` and ``sub``: ``other`` itself without alpha."""
    return other if alpha is None else alpha * _operand(other, "alpha")


def _bound(value: Any) -> Any:
    """A clamp bound as a Python number (or ``None``)."""
    return value if value is None or isinstance(value, (int, float)) else np.asarray(value).item()


def _bool_mask(mask: Any, shape: tuple[int, ...], op: str) -> np.ndarray:
    """A copy of a bool mask that broadcasts to ``shape`` (the node keeps it: a copy, so the
    caller's later changes do not reach the gradient)."""
    array = _copy_of(mask)
    if array.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected a bool mask, got dtype {array.dtype}")
    try:
        fits = np.broadcast_shapes(array.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"{op}: the mask of shape {array.shape} does not broadcast to the tensor's shape "
            f"{tuple(shape)}"
        )
    return array


def _index_along(index: Any, source: Tensor, axis: int, op: str) -> np.ndarray:
    """A checked copy of ``gather``'s int64 index: same rank as ``source``, no larger than it
    outside ``axis``, every entry inside ``source.shape[axis]``."""
    picks = _copy_of(index)
    if picks.dtype != np.int64:
        raise RuntimeError(f"{op}(): expected dtype int64 for index, got {picks.dtype}")
    if picks.ndim != source.ndim:
        raise RuntimeError(
            f"{op}(): index tensor must have the same number of dimensions as input tensor: "
            f"index shape {picks.shape}, input shape {source.shape}"
        )
    for d, (n, m) in enumerate(zip(picks.shape, source.shape)):
        if d != axis and n > m:
            raise RuntimeError(
                f"{op}(): size does not match at dimension {d}: index shape {picks.shape}, "
                f"input shape {source.shape}"
            )
    size = source.shape[axis] if source.ndim else 1
    if picks.size and (picks.min() < 0 or picks.max() >= size):
        raise RuntimeError(f"{op}(): index out of bounds for dimension {axis} with size {size}")
    return picks


def _dim_list(dims: Any, ndim: int, op: str) -> tuple[int, ...]:
    """One dim or a sequence of them, each normalised (``movedim``'s source and destination)."""
    items = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    return tuple(_normalize_dim(int(d), ndim, op) for d in items)


def _pick_src(src: Any, value: Any) -> Any:
    """``scatter``'s ``src`` positionally, or ``value=`` (exactly one of the two)."""
    if (src is None) == (value is None):
        raise TypeError("scatter(): give exactly one of src (a tensor or a number) and value=")
    return value if src is None else src


def _scatter_index(index: Any, self: Tensor, op: str) -> np.ndarray:
    """A checked int64 copy of a scatter's index: an integer tensor of ``self``'s rank."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    picks = _copy_of(index)
    if picks.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {picks.dtype}")
    if picks.ndim != self.ndim and not (self.ndim == 0 and picks.ndim <= 1):
        raise RuntimeError(
            f"{op}(): Index tensor must have the same number of dimensions as self tensor: "
            f"index shape {picks.shape}, self shape {self.shape}"
        )
    return picks.astype(np.int64)


def _scatter_operands(
    self: Tensor, dim: int, index: Any, src: Any, op: str
) -> tuple[int, np.ndarray, Tensor]:
    """``scatter``'s checked axis, int64 index and source tensor (of the index's shape)."""
    axis = _normalize_dim(dim, self.ndim, op)
    picks = _scatter_index(index, self, op)
    if isinstance(src, Tensor):
        if src.dtype != self.dtype:
            raise RuntimeError(
                f"{op}(): Expected self.dtype to be equal to src.dtype: {self.dtype} and "
                f"{src.dtype}"
            )
        if src.ndim != picks.ndim:
            raise RuntimeError(
                f"{op}(): Index tensor must have the same number of dimensions as src tensor: "
                f"index shape {picks.shape}, src shape {src.shape}"
            )
    elif op.startswith("scatter_add") or not isinstance(src, (int, float, np.number)):
        raise TypeError(f"{op}(): argument 'src' must be Tensor, not {type(src).__name__}")
    else:
        src = Tensor(np.full(picks.shape, src).astype(self.dtype))
    shape = self.shape if self.ndim else (1,)
    if any(
        n > m or (d != axis and n > s)
        for d, (n, m, s) in enumerate(zip(picks.shape, src.shape, shape))
    ):
        raise RuntimeError(
            f"{op}(): Expected index {list(picks.shape)} to be no larger than self "
            f"{list(self.shape)} apart from dimension {axis} and to be no larger size than src "
            f"{list(src.shape)}"
        )
    size = shape[axis]
    if picks.size and (picks.min() < 0 or picks.max() >= size):
        bad = picks.min() if picks.min() < 0 else picks.max()
        raise RuntimeError(
            f"{op}(): index {bad} is out of bounds for dimension {axis} with size {size}"
        )
    if src.shape != picks.shape:  # PyTorch reads only the index's corner of a larger src
        src = src[tuple(slice(0, n) for n in picks.shape)]
    return axis, picks, src


def _index_add_operands(
    self: Tensor, dim: int, index: Any, source: Tensor, op: str
) -> tuple[int, Tensor]:
    """``index_add``'s checked axis and its 1-D index spread over ``source``'s shape."""
    axis = _normalize_dim(dim, self.ndim, op)
    if not isinstance(index, Tensor) or not isinstance(source, Tensor):
        raise TypeError(f"{op}(): index and source must be Tensors")
    picks = _copy_of(index)
    if picks.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, but got shape {picks.shape}")
    if picks.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index but got {picks.dtype}")
    along = source.shape[axis] if source.ndim else 1
    if picks.size != along:
        raise RuntimeError(
            f"{op}(): Number of indices ({picks.size}) should be equal to source.size(dim): "
            f"({along}), for dim: {axis}"
        )
    if source.ndim != self.ndim or any(
        n != m for d, (n, m) in enumerate(zip(source.shape, self.shape)) if d != axis
    ):
        raise RuntimeError(
            f"{op}(): source {list(source.shape)} and self {list(self.shape)} must have the "
            f"same shape apart from dim {axis}"
        )
    shape = [1] * source.ndim
    if source.ndim:
        shape[axis] = -1
    spread = np.broadcast_to(picks.astype(np.int64).reshape(shape), source.shape)
    return axis, Tensor(np.ascontiguousarray(spread))


def _check_ranks(op: str, rank: int, a: Tensor, b: Any) -> None:
    if not isinstance(b, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(b).__name__}")
    if a.ndim != rank or b.ndim != rank:
        raise RuntimeError(f"{op}: expects {rank}-D tensors, got shapes {a.shape} and {b.shape}")


def _index_vector(index: Any, size: int, op: str) -> np.ndarray:
    """A checked copy of a 1-D (or 0-d) integer index into a dim of ``size``."""
    picks = _copy_of(index)
    if picks.dtype.kind not in "iu" or picks.ndim > 1:
        raise RuntimeError(
            f"{op}(): index must be a 1-D integer tensor, got dtype {picks.dtype} and shape "
            f"{picks.shape}"
        )
    picks = picks.reshape(-1).astype(np.int64)
    if picks.size and (picks.min() < -size or picks.max() >= size):
        raise IndexError(f"{op}(): index out of range in self (dim size {size}, index {picks})")
    return picks % builtins.max(size, 1)


def _diagonal_places(rows: int, cols: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the ``offset``-th diagonal of a ``rows`` × ``cols`` matrix."""
    below, above = builtins.max(-offset, 0), builtins.max(offset, 0)
    steps = np.arange(builtins.max(0, builtins.min(rows - below, cols - above)))
    return steps + below, steps + above


def _product_along(t: Tensor, axis: int) -> Tensor:
    """The product over ``axis`` (kept, of size 1): halves multiplied pairwise until one is left."""
    if t.shape[axis] <= 1:  # a new tensor in the graph (never t itself); 1 for no elements
        return _padded(t, axis, (0, 1 - t.shape[axis]), 1) if t.shape[axis] == 0 else t.clone()
    lead = (slice(None),) * axis
    while t.shape[axis] > 1:
        if t.shape[axis] % 2:
            t = _padded(t, axis, (0, 1), 1)
        half = t.shape[axis] // 2
        low, high = (*lead, slice(0, half)), (*lead, slice(half, None))
        t = t[low] * t[high]
    return t


def _padded(t: Tensor, axis: int, before_after: tuple[int, int], value: float) -> Tensor:
    """``t`` padded with ``value`` along ``axis`` (``rules.PAD``: differentiable, traceable)."""
    widths = tuple(before_after if d == axis else (0, 0) for d in range(t.ndim))
    return apply(rules.PAD, t, pad_width=widths, value=value)


def _placed(out: Tensor, device: Any, requires_grad: bool) -> Tensor:
    """``new_*``'s result on ``device`` (checked) and made a leaf that requires grad if asked."""
    if device is not None:
        out = out.to(device)
    return out.requires_grad_(True) if requires_grad else out


class _TensorHook:
    """A user's gradient hook for one tensor, seen by the engine as ``hook(grad) -> grad``:
    hands the hook a ``Tensor`` and takes back the array (or the tensor when recording)."""

    def __init__(self, tensor: Tensor, fn: Any) -> None:
        self.shape, self.fn = tensor.shape, fn

    def __call__(self, grad: Any) -> Any:
        recorded = isinstance(grad, Tensor)
        result = self.fn(grad if recorded else Tensor._wrap(np.asarray(grad)))
        if result is None:
            return grad
        if not isinstance(result, Tensor):
            raise TypeError(
                f"register_hook: a hook must return a Tensor or None, got {type(result).__name__}"
            )
        if result.shape != self.shape:
            raise RuntimeError(
                f"register_hook: the hook changed the gradient's shape from {self.shape} to "
                f"{result.shape}"
            )
        return result if recorded else result._data


# --------------------------------------------------------------------------- helpers of backward


class _Sweep(threading.local):
    """The arrays this thread's current sweep has stored in some ``.grad`` (by id)."""

    def __init__(self) -> None:
        self.handed_out: set[int] = set()


_sweep = _Sweep()
_GRAD_LOCK = threading.Lock()


def _owned_grad(grad: Any, dtype: np.dtype, handed_out: set[int]) -> np.ndarray:
    """A gradient array safe to store in ``.grad``: the right dtype, writable, not shared.

    Rules pass arrays through unchanged where they can (``a + b`` hands the same ``g`` to both
    operands), so the second leaf to receive an array (or a view of it) gets a copy.
    """
    if type(grad) is not np.ndarray:
        grad = np.asarray(grad)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)  # a new array: nobody else holds it
    elif grad.base is None:  # an array of its own: writable unless handed out already
        if id(grad) in handed_out:
            grad = grad.copy()
    elif not grad.flags.writeable or id(grad.base) in handed_out:  # a view: maybe read-only
        grad = grad.copy()
    handed_out.add(id(grad if grad.base is None else grad.base))
    return grad


def backward_seeds(
    outputs: Sequence[Tensor], gradients: Sequence[Any], create_graph: bool, op: str
) -> list[Any]:
    """∂E/∂output for each output, to start a backward sweep (``backward`` and ``tg.grad``).

    Checks that each output is in a graph, and gives ones for a one-element output without
    a gradient, else the given gradient (of the output's shape) as an array — or as a tensor
    when the sweep runs on tensors (``create_graph``, or a tracer installed).

    Args:
        outputs: the tensors to differentiate.
        gradients: one gradient (or ``None``) per output.
        create_graph: whether the backward pass will be recorded.
        op: the caller's name, for error messages.

    Raises:
        RuntimeError: an output does not require grad, or has several elements and no gradient.
        ShapeError: a gradient's shape is not its output's.

    Examples:
        >>> y = (tg.tensor([1.0, 2.0], requires_grad=True) * 2).sum()
        >>> backward_seeds([y], [None], False, "backward")
        [array(1., dtype=float32)]
    """
    seeds = []
    for t, gradient in zip(outputs, gradients, strict=True):
        _check_differentiable(t, op)
        seeds.append(_seed_for_mode(_seed_gradient(t, gradient, op), create_graph))
    return seeds


def _check_differentiable(t: Tensor, op: str) -> None:
    if not t.requires_grad:
        raise RuntimeError(
            f"{op}: this tensor does not require grad and has no grad_fn, so the graph was cut "
            "before it. Usual causes: it was computed inside `tg.no_grad()`, from a `.detach()`ed "
            "tensor, or only from leaves created without `requires_grad=True`."
        )


def _seed_gradient(t: Tensor, gradient: Any, op: str) -> np.ndarray:
    """∂E/∂t to start the sweep: ones for a one-element ``t``, else what the user gave."""
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError(
                f"{op}: grad can be implicitly created only for scalar outputs, and this tensor "
                f"has shape {t.shape}. Reduce it first (e.g. `.sum()`), or pass "
                "`gradient=` with a tensor of the same shape."
            )
        # every dim is 1: ndmin gives the shape, in one C call (np.ones_like runs Python
        # code: -7 K instructions per backward)
        return np.array(1, dtype=t._data.dtype, ndmin=t._data.ndim)
    seed = _copy_of(gradient, t.dtype)
    if seed.shape != t.shape:
        raise ShapeError(
            f"{op}: gradient has shape {seed.shape} but the tensor has shape {t.shape}"
        )
    return seed


def _seed_for_mode(seed: np.ndarray, create_graph: bool) -> Any:
    traced = state.tracer is not None if watching else False
    return Tensor._wrap(seed) if create_graph or traced else seed


# --------------------------------------------------------------------------- tensor functions


def tensor(
    data: Any,
    requires_grad: bool = False,
    dtype: DType | None = None,
    *,
    device: Any = None,
    pin_memory: bool = False,
) -> Tensor:
    """Make a tensor from data: the same as ``Tensor(data, requires_grad, dtype)``.

    See ``Tensor`` for the dtype rules (Python floats give ``float32``, ints ``int64``).

    Args:
        data: a number, nested lists of numbers, a NumPy array or a tensor (copied).
        requires_grad: make this a leaf whose ``.grad`` ``backward()`` fills (floating only).
        dtype: the dtype to store; by default inferred from ``data``.
        device: only the CPU (``None``, ``"cpu"``, ``tg.device("cpu")``) is available.
        pin_memory: accepted for PyTorch's sake; nothing to pin on the CPU.

    Raises:
        DeviceUnavailableError: for any device but the CPU.

    Shapes:
        The shape of ``data``.

    Examples:
        >>> tg.tensor(2.0, requires_grad=True)
        tensor(2., requires_grad=True)
        >>> tg.tensor([[1, 2], [3, 4]]).dtype
        dtype('int64')
    """
    devices.available_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def cat(tensors: Sequence[Tensor], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim; their shapes must agree in every other dim.

    The gradient of each input is its own slice of ``g`` along ``dim``.

    Args:
        tensors: a non-empty sequence of tensors (arrays and lists are converted).
        dim: the dim to join along.
        axis: NumPy's name for ``dim``.

    Shapes:
        ``(n₁, *)``, ``(n₂, *)``, ... give ``(n₁ + n₂ + ..., *)`` for ``dim=0``.

    Examples:
        >>> tg.cat([tg.ones(2, 3), tg.zeros(1, 3)]).shape
        (3, 3)
    """
    items = _tensor_list(tensors, "cat")
    d = _normalize_dim(_pick("dim", dim, "axis", axis, 0), items[0].ndim, "cat")
    return apply(rules.CAT, *items, axis=d)


def stack(tensors: Sequence[Tensor], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dim, inserted at ``dim``.

    The gradient of input i is ``g``'s slice i along ``dim``.

    Args:
        tensors: a non-empty sequence of tensors of one shape (arrays and lists are converted).
        dim: where the new dim goes.
        axis: NumPy's name for ``dim``.

    Shapes:
        k tensors of shape ``(*)`` give ``(k, *)`` for ``dim=0``.

    Examples:
        >>> tg.stack([tg.ones(3), tg.zeros(3)], dim=1).shape
        (3, 2)
    """
    items = _tensor_list(tensors, "stack")
    d = _normalize_dim(_pick("dim", dim, "axis", axis, 0), items[0].ndim + 1, "stack")
    return apply(rules.STACK, *items, axis=d)


def increment_version(tensors: Tensor | Iterable[Tensor]) -> None:
    """Mark tensors as changed in place (``torch.autograd.graph.increment_version``).

    For code that writes a tensor's array directly (``t.numpy()[...] = ...``, as the optimisers
    do): bumping the version makes a later backward through a graph that saved the tensor
    raise instead of using the new values silently.

    Args:
        tensors: a tensor or an iterable of tensors.

    Examples:
        >>> t = tg.zeros(2)
        >>> tg.autograd.graph.increment_version(t)
    """
    # one clock tick for the whole batch (the optimisers bump every parameter of a step)
    tick = _CLOCK[0] = next(_TICKS)
    for t in [tensors] if isinstance(tensors, Tensor) else tensors:
        counter = t._vc if t._vc is not None else _counter(t)
        counter[0] += 1
        counter[1] = tick


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y``, elementwise with broadcasting.

    ``where(condition)`` alone is ``condition.nonzero(as_tuple=True)``.

    Differentiable in ``x`` and ``y``: ∂/∂x is 1 where ``condition`` holds and 0 elsewhere, and
    ∂/∂y the other way round; ``condition`` itself gets no gradient.

    Args:
        condition: a boolean tensor or array (other values are converted to ``bool``).
        x: the values taken where ``condition`` is true: a tensor or a number.
        y: the values taken elsewhere: a tensor or a number.

    Shapes:
        The broadcast of the three shapes.

    Examples:
        >>> x = tg.tensor([-1.0, 2.0], requires_grad=True)
        >>> tg.where(x > 0, x, 0.0)
        tensor([0., 2.], grad_fn=<WhereBackward>)
    """
    if x is None and y is None:
        source = condition if isinstance(condition, Tensor) else Tensor(condition)
        return source.nonzero(as_tuple=True)
    if x is None or y is None:
        raise TypeError("where: give both x and y, or neither")
    # a copy: the node keeps it, and the caller may change its array afterwards
    cond = _copy_of(condition, bool)
    return apply(rules.WHERE, _operand(x, "where"), _operand(y, "where"), condition=cond)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """``input.max(dim, keepdim)``, as ``torch.max``: a tensor, or ``(values, indices)``.

    Examples:
        >>> _, predicted = tg.max(tg.tensor([[0.1, 0.9], [0.8, 0.2]]), 1)
        >>> predicted
        tensor([1, 0])
    """
    return input.max(dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """``input.min(dim, keepdim)``, as ``torch.min``: a tensor, or ``(values, indices)``.

    Examples:
        >>> tg.min(tg.tensor([3.0, 1.0, 2.0]))
        tensor(1.)
    """
    return input.min(dim, keepdim)


def amax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``input.amax(dim, keepdim)``: the largest values, ties sharing the gradient.

    Examples:
        >>> tg.amax(tg.tensor([[1.0, 4.0], [5.0, 2.0]]), dim=(0, 1))
        tensor(5.)
    """
    return input.amax(dim, keepdim)


def amin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``input.amin(dim, keepdim)``: the smallest values, ties sharing the gradient.

    Examples:
        >>> tg.amin(tg.tensor([[1.0, 4.0], [5.0, 2.0]]), dim=1)
        tensor([1., 2.])
    """
    return input.amin(dim, keepdim)


def _check_grad_value(t: Tensor, value: Any) -> None:
    """PyTorch's checks when ``.grad`` is assigned: a tensor of the same shape and dtype."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"grad: assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}"
        )
    if value.dtype != t.dtype:
        raise RuntimeError(
            f"grad: assigned grad has data of a different type ({value.dtype}) than the "
            f"tensor ({t.dtype}); convert it with .to({t.dtype})"
        )
    if value.shape != t.shape:
        raise RuntimeError(
            f"grad: assigned grad has data of a different size: shape {value.shape}, but the "
            f"tensor has shape {t.shape}"
        )


def _check_reduced_sizes(t: Tensor, axes: tuple[int, ...] | None, op: str) -> None:
    """PyTorch's errors for reducing over nothing (a max of no elements is undefined)."""
    if axes is None and t.numel() == 0:
        raise RuntimeError(
            f"{op}: expected a reduction dim to be given for an empty tensor of shape "
            f"{t.shape}; give `dim`"
        )
    for d in axes or ():
        if t.ndim and t.shape[d] == 0:
            raise IndexError(
                f"{op}: expected reduction dim {d} to have non-zero size (shape {t.shape})"
            )


def _along(shape: tuple[int, ...], dim: int, picked: np.ndarray) -> tuple[Any, ...]:
    """The index that takes ``picked[..]`` (keepdim-shaped) along ``dim``: take_along_axis."""
    grids: list[Any] = list(np.indices(picked.shape, sparse=True))
    grids[dim] = picked
    return tuple(grids)


def _tensor_list(tensors: Sequence[Any], op: str) -> list[Tensor]:
    items = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not items:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
    return items


def _check_scalar(t: Tensor, op: str) -> None:
    """``float(t)``/``int(t)`` of a tensor with more than one element: PyTorch's ValueError."""
    if t._data.size != 1:
        raise ValueError(
            f"{op}(): only one element tensors can be converted to Python scalars, "
            f"got shape {t.shape}"
        )


def _axis_spelling(method: Any) -> Any:
    """``method`` also taking NumPy's ``axis=``/``keepdims=`` for ``dim=``/``keepdim=``."""

    @functools.wraps(method)
    def spelled(*args: Any, **kwargs: Any) -> Any:
        for alias, name in (("axis", "dim"), ("keepdims", "keepdim")):
            if alias in kwargs:
                if name in kwargs:
                    raise TypeError(f"{method.__name__}(): got both {name}= and {alias}=")
                kwargs[name] = kwargs.pop(alias)
        return method(*args, **kwargs)

    return spelled


# the methods and functions whose own signature spells only dim= (the others take both)
for _name in (
    *("squeeze", "unsqueeze", "logsumexp", "cumsum", "sort", "argsort", "topk"),
    *("all", "any", "count_nonzero", "split", "chunk"),
):
    setattr(Tensor, _name, _axis_spelling(getattr(Tensor, _name)))
max, min, amax, amin = (_axis_spelling(f) for f in (max, min, amax, amin))
