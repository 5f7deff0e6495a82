"""tensor.py: the ``Tensor`` node, a NumPy array that records the operations applied to it.

Also here: ``tensor()``, ``cat``, ``stack`` and ``where``, and the errors ``ShapeError`` and
``AnomalyError``. Every differentiable method builds its result with ``_apply`` from a ``Rule``
of ``rules.py`` (where each operation's forward and derivative live). The backward sweep is the
engine's (``engine.py``); a ``Tensor`` only says how to apply one rule backwards
(``_backward``) and how to store a finished gradient (``_accumulate``).

Dtypes follow PyTorch: Python floats (and lists of them) become ``float32``, Python ints
``int64``; NumPy arrays keep their dtype; Python numbers and NumPy scalars never upcast a
tensor; only floating tensors can require gradients, and ``t.grad.dtype == t.dtype``.
"""

from __future__ import annotations

import builtins
import numbers
import traceback
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from . import engine, return_types, rules
from .engine import _state
from .rules import Rule, sum_to_shape

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


class AnomalyError(RuntimeError):
    """Raised under ``tg.detect_anomaly()`` when an operation produces NaN or inf.

    The forward check fires when finite inputs give a non-finite result and names the operation;
    the backward check fires when a derivative rule gives a non-finite gradient and also shows
    where that operation was created.

    Examples:
        >>> with tg.detect_anomaly(), np.errstate(divide="ignore"):
        ...     tg.tensor([0.0]).log()
        Traceback (most recent call last):
        ...
        tinygrad4h03.tensor.AnomalyError: detect_anomaly: the forward of 'log' produced NaN/inf ...
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
        if array.dtype == _F64 and dtype is None:
            array = array.astype(np.float32)  # Python floats default to float32, as PyTorch
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor: cannot make a tensor from {type(data).__name__} with dtype {array.dtype}; "
            "give numbers, nested lists of numbers or a numeric NumPy array"
        )
    return np.array(array, dtype=None if dtype is None else np.dtype(dtype), copy=True)


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
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


def _index_array(index: Any) -> Any:
    if isinstance(index, tuple):  # a 1-D mask inside a tuple selects along one dim
        items = [_index_array(i) for i in index]
        return tuple(j for i in items for j in (i if isinstance(i, tuple) else (i,)))
    if isinstance(index, Tensor):
        index = index._data
    elif isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.dtype == np.bool_:
        return index.nonzero() if index.ndim == 1 else index
    return index


# --------------------------------------------------------------------------- applying a rule


def _apply(rule: Rule, *operands: Tensor | Scalar, **attrs: Any) -> Tensor:
    """Run ``rule`` forward on the operands and, when grad mode is on, record the node."""
    arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
    try:
        data = rule.forward(*arrays, **attrs) if attrs else rule.forward(*arrays)
    except (ValueError, IndexError) as error:
        raise _shape_error(rule, arrays, error) from None
    if rule.saves:  # (out, the residual its VJPs reuse)
        data, saved = data
        attrs = {**attrs, "saved": saved}
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    if (
        data.dtype is _F64
        and rule is not rules.TO
        and not _dimensioned_float64(arrays[0], None)
        and not _has_float64(arrays)
    ):
        data = data.astype(np.float32)  # int ⊕ Python float, int / int: float32, as PyTorch
    out = Tensor._wrap(data)
    if _state.anomaly:
        _check_forward(rule, arrays, data, out)
    if _state.grad_enabled:
        for operand in operands:
            if isinstance(operand, Tensor) and operand.requires_grad:
                out.requires_grad = True
                out._rule = rule
                out._attrs = attrs
                out._operands = operands
                out._parents = tuple(x for x in operands if isinstance(x, Tensor))
                break
    return out


def _binary(rule: Rule, a: Tensor | Scalar, b: Tensor | Scalar) -> Tensor:
    """``_apply`` for an operator with two operands and no attributes: the hot path, unrolled."""
    a_is_tensor, b_is_tensor = isinstance(a, Tensor), isinstance(b, Tensor)
    x = a._data if a_is_tensor else a  # type: ignore[union-attr]
    y = b._data if b_is_tensor else b  # type: ignore[union-attr]
    try:
        data = rule.forward(x, y)
    except ValueError as error:
        raise _shape_error(rule, (x, y), error) from None
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    if data.dtype is _F64 and not _dimensioned_float64(x, y) and not _has_float64((x, y)):
        data = data.astype(np.float32)
    out = _new_tensor(Tensor)
    out._data = data
    out.grad = None
    out._retains_grad = False
    if _state.grad_enabled and (
        (a_is_tensor and a.requires_grad) or (b_is_tensor and b.requires_grad)  # type: ignore[union-attr]
    ):
        out.requires_grad = True
        out._rule = rule
        out._attrs = _NO_ATTRS
        out._operands = (a, b)
        both = a_is_tensor and b_is_tensor
        out._parents = (a, b) if both else ((a,) if a_is_tensor else (b,))  # type: ignore[assignment]
    else:
        out.requires_grad = False
        out._parents = ()
    if _state.anomaly:
        _check_forward(rule, (x, y), data, out)
    return out


def _unary(rule: Rule, a: Tensor) -> Tensor:
    """``_apply`` for an elementwise function of one tensor: the hot path, unrolled."""
    data = rule.forward(a._data)
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    if data.dtype is _F64 and a._data.dtype is not _F64:
        data = data.astype(np.float32)  # exp, log, ... of an integer tensor: float32, as PyTorch
    out = Tensor._wrap(data)
    if _state.anomaly:
        _check_forward(rule, (a._data,), data, out)
    if a.requires_grad and _state.grad_enabled:
        out.requires_grad = True
        out._rule = rule
        out._attrs = _NO_ATTRS
        out._operands = out._parents = (a,)
    return out


def _dimensioned_float64(x: Any, y: Any) -> bool:
    return (isinstance(x, np.ndarray) and x.ndim > 0 and x.dtype is _F64) or (
        isinstance(y, np.ndarray) and y.ndim > 0 and y.dtype is _F64
    )


def _assign(target: np.ndarray, value: Any, out: np.ndarray, casting: str) -> None:
    """``out[...] = value`` with the signature of a ufunc called by ``_in_place``."""
    np.copyto(out, value, casting="unsafe")


def _data_of(x: Any) -> Any:
    """The array behind a tensor operand; a Python number stays itself."""
    return x._data if isinstance(x, Tensor) else x


def _has_float64(arrays: Sequence[Any]) -> bool:
    """Whether PyTorch's promotion gives float64: 0-d operands count only where no operand
    with dimensions is floating (``float32[n] + float64[]`` stays float32, as in PyTorch)."""
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
        "_operands",
        "_parents",
        "_retains_grad",
        "_rule",
        "_trace",
        "grad",
        "requires_grad",
    )
    __array_ufunc__ = None  # NumPy defers to our reflected operators: np.float64(2) * t is a Tensor
    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __init__(self, data: Any, requires_grad: bool = False, dtype: DType | None = None) -> None:
        self._data = _to_array(data, dtype)
        self.grad: Tensor | None = None
        """∂E/∂self summed over the ``backward()`` calls so far (of ``self``'s shape and dtype),
        or ``None``. Only leaves, and tensors that called ``retain_grad()``, keep it."""
        self._parents: tuple[Tensor, ...] = ()
        self._operands: tuple[Any, ...] = ()
        self._rule: Rule | None = None
        self._attrs: dict[str, Any] = {}
        self._retains_grad = False
        self._trace = ""
        self.requires_grad = False
        """Whether operations on this tensor are recorded, so that gradients flow back to it."""
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, data: np.ndarray) -> Tensor:
        """A new tensor around ``data`` (no copy, no checks): the hot path of every operation."""
        out = object.__new__(Tensor)
        out._data = data
        out.grad = None
        out.requires_grad = False
        out._parents = ()
        out._retains_grad = False
        return out

    def _constant(self, data: np.ndarray) -> Tensor:
        return Tensor._wrap(np.asarray(data))

    def _bump_version(self) -> None:
        """Record an in-place change of this tensor's memory (version counters: to come)."""

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
        return Tensor._wrap(self._data)

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

    def _backward(self, grad: Any, create_graph: bool) -> list[Any]:
        """∂E/∂parent for each parent, given ``grad`` = ∂E/∂self (one rule, applied backwards).

        Without ``create_graph`` the rule sees plain arrays (``._data``) and records nothing;
        with it, the rule sees the tensors themselves, so the backward pass is recorded.
        """
        operands = self._operands
        rule, attrs = self._rule, self._attrs
        if create_graph or rule.variadic or _state.anomaly:
            inputs = operands if create_graph else [_data_of(x) for x in operands]
            return self._parent_grads(grad, self if create_graph else self._data, inputs)
        out = self._data
        if len(operands) == 1:  # the hot paths, unrolled: one parent ...
            x = operands[0]._data
            g = rule.vjps[0](grad, out, x, **attrs) if attrs else rule.vjps[0](grad, out, x)
            return (g if g.shape == x.shape else self._unbroadcast(g, operands[0], 0),)
        if len(operands) == 2 and not attrs:  # ... and two operands
            a, b = operands
            a_is_tensor, b_is_tensor = isinstance(a, Tensor), isinstance(b, Tensor)
            x = a._data if a_is_tensor else a
            y = b._data if b_is_tensor else b
            ga = gb = None
            if a_is_tensor and a.requires_grad:
                ga = rule.vjps[0](grad, out, x, y)
                if ga.shape != x.shape:
                    ga = self._unbroadcast(ga, a, 0)
            if b_is_tensor and b.requires_grad:
                gb = rule.vjps[1](grad, out, x, y)
                if gb.shape != y.shape:
                    gb = self._unbroadcast(gb, b, 1)
            if a_is_tensor and b_is_tensor:
                return (ga, gb)
            return (ga,) if a_is_tensor else (gb,)
        return self._parent_grads(grad, out, [_data_of(x) for x in operands])

    def _parent_grads(self, grad: Any, out: Any, inputs: Sequence[Any]) -> list[Any]:
        rule, attrs = self._rule, self._attrs
        grads = []
        for position, x in enumerate(self._operands):
            if not isinstance(x, Tensor):
                continue  # a Python number: a constant of the operation, not a parent
            if not x.requires_grad:
                grads.append(None)
                continue
            if rule.variadic:
                g = rule.vjps[0](grad, out, *inputs, position=position, **attrs)
            elif attrs:
                g = rule.vjps[position](grad, out, *inputs, **attrs)
            else:
                g = rule.vjps[position](grad, out, *inputs)
            if g.shape != x._data.shape:
                g = self._unbroadcast(g, x, position)
            if _state.anomaly:
                self._check_backward(g, position)
            grads.append(g)
        return grads

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

    def _accumulate(self, grad: Any, handed_out: set[int]) -> None:
        """Add a finished gradient into ``.grad`` (in the tensor's own dtype)."""
        if isinstance(grad, Tensor):  # create_graph: keep the gradient's own graph
            grad = rules._as_dtype(grad, self._data.dtype)
            self.grad = grad if self.grad is None else self.grad + grad
            return
        grad = _owned_grad(grad, self._data.dtype, handed_out)
        if self.grad is None:
            self.grad = Tensor._wrap(grad)
        else:
            self.grad._data = self.grad._data + grad

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
        _check_differentiable(self, "backward")
        seed = _seed_gradient(self, gradient, "backward")
        engine.backward([self], [_seed_for_mode(seed, create_graph)], create_graph)

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
        if requires_grad and self._data.dtype.kind not in "f":
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients, "
                f"got dtype {self._data.dtype}"
            )
        if self._parents and not requires_grad:
            raise RuntimeError(
                "requires_grad_: you can only change requires_grad flags of leaf tensors; "
                "use .detach() to get a tensor outside the graph"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """The same data (shared, not copied) as a new leaf outside the graph.

        No gradient flows back through the result; use it for values that must count as constants.

        Examples:
            >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> d = x.detach()
            >>> d.requires_grad, np.shares_memory(d.numpy(), x.numpy())
            (False, True)
        """
        return Tensor._wrap(self._data)

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
    def shape(self) -> tuple[int, ...]:
        """The size of each dim, a tuple of ints (``()`` for a 0-d tensor)."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dims, ``len(t.shape)``."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the values (``float32`` for Python floats)."""
        return self._data.dtype

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        """The shape as a tuple, or the size of dim ``dim``.

        Args:
            dim: a dim (negative counts from the end); ``None`` for the whole shape.

        Examples:
            >>> tg.zeros(2, 3).size(), tg.zeros(2, 3).size(-1)
            ((2, 3), 3)
        """
        if dim is None:
            return self._data.shape
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
        return self._data

    def item(self) -> Scalar:
        """The value of a one-element tensor as a Python number.

        Raises:
            RuntimeError: if the tensor has more than one element (or none).

        Examples:
            >>> tg.tensor([[2.5]]).item()
            2.5
        """
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
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self._data.copy() if copy else self._data
        return self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
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

    def to(self, dtype: DType) -> Tensor:
        """This tensor in another dtype (``self`` itself if it has that dtype already).

        Between floating dtypes the cast is differentiable: ``g`` is cast back to this tensor's
        dtype. A non-floating result is outside the graph, as in PyTorch.

        Args:
            dtype: a NumPy dtype, a type such as ``tg.float64``, or its name (``"float64"``).

        Examples:
            >>> tg.tensor([1.5, 2.5]).to(tg.int64)
            tensor([1, 2])
        """
        dtype = np.dtype(dtype)
        if dtype == self._data.dtype:
            return self
        if dtype.kind != "f":  # only floating results take part in the graph, as PyTorch
            return Tensor._wrap(self._data.astype(dtype))
        return _apply(rules.TO, self, dtype=dtype)

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
        return _binary(rules.ADD, self, other if type(other) is Tensor else _operand(other, "+"))

    def __radd__(self, other: Any) -> Tensor:
        return _binary(rules.ADD, _operand(other, "+"), self)

    def __sub__(self, other: Any) -> Tensor:
        return _binary(rules.SUB, self, other if type(other) is Tensor else _operand(other, "-"))

    def __rsub__(self, other: Any) -> Tensor:
        return _binary(rules.SUB, _operand(other, "-"), self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(rules.MUL, self, other if type(other) is Tensor else _operand(other, "*"))

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(rules.MUL, _operand(other, "*"), self)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary(rules.DIV, self, other if type(other) is Tensor else _operand(other, "/"))

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary(rules.DIV, _operand(other, "/"), self)

    def __pow__(self, other: Any) -> Tensor:
        exponent = _operand(other, "**")
        if isinstance(exponent, Tensor):
            return _binary(rules.POW, self, exponent)
        return _apply(rules.POW_SCALAR, self, exponent=exponent)

    def __rpow__(self, other: Any) -> Tensor:
        base = _operand(other, "**")
        if isinstance(base, Tensor):
            return _apply(rules.POW, base, self)
        return _apply(rules.RPOW_SCALAR, self, base=base)

    def __matmul__(self, other: Any) -> Tensor:
        other = _operand(other, "@")
        if not isinstance(other, Tensor) or self.ndim == 0 or other.ndim == 0:
            raise ShapeError(
                f"matmul: both operands need at least one dimension, got shapes "
                f"{self.shape} and {np.shape(other)}"
            )
        return _binary(rules.MATMUL, self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _operand(other, "@").__matmul__(self)  # type: ignore[union-attr]

    def __neg__(self) -> Tensor:
        return _unary(rules.NEG, self)

    # ------------------------------------------------------------------ in place (no grad)
    # As in PyTorch, `w -= lr * w.grad` inside `tg.no_grad()` updates w itself (the same
    # Tensor and array); with grad mode on, a tensor that requires grad refuses.

    def _check_in_place(self, op: str) -> None:
        if self.requires_grad and _state.grad_enabled:
            what = "a leaf Variable that requires grad" if self.is_leaf else "a tensor in the graph"
            raise RuntimeError(
                f"{op}: {what} is being used in an in-place operation, which would corrupt the "
                "graph; do it inside `with tg.no_grad():` (e.g. a hand-written update), on "
                "`.data`, or use the out-of-place operator"
            )

    def _in_place(self, ufunc: np.ufunc, other: Any, op: str) -> Tensor:
        self._check_in_place(op)
        value = _operand(other, op)
        value = value._data if isinstance(value, Tensor) else value
        try:
            ufunc(self._data, value, out=self._data, casting="same_kind")
        except ValueError as error:
            raise ShapeError(
                f"{op}: cannot update shape {self.shape} in place with shape "
                f"{np.shape(value)}: {error}"
            ) from None
        except TypeError:
            raise TypeError(
                f"{op}: the result of {self.dtype} {op} {np.asarray(value).dtype} cannot be "
                f"stored in place in a {self.dtype} tensor"
            ) from None
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._in_place(np.add, other, "+=")

    def __isub__(self, other: Any) -> Tensor:
        return self._in_place(np.subtract, other, "-=")

    def __imul__(self, other: Any) -> Tensor:
        return self._in_place(np.multiply, other, "*=")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._in_place(np.true_divide, other, "/=")

    def add_(self, other: Any) -> Tensor:
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
        return self._in_place(np.add, other, "add_")

    def sub_(self, other: Any) -> Tensor:
        """``self -= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> with tg.no_grad():
            ...     w.sub_(0.5)
            tensor([0.5, 1.5], requires_grad=True)
        """
        return self._in_place(np.subtract, other, "sub_")

    def mul_(self, other: Any) -> Tensor:
        """``self *= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> tg.tensor([1.0, 2.0]).mul_(3)
            tensor([3., 6.])
        """
        return self._in_place(np.multiply, other, "mul_")

    def div_(self, other: Any) -> Tensor:
        """``self /= other`` in place; returns ``self`` (not recorded, see ``add_``).

        Args:
            other: a tensor, a number, an array or a list.

        Examples:
            >>> tg.tensor([1.0, 2.0]).div_(2)
            tensor([0.5, 1. ])
        """
        return self._in_place(np.true_divide, other, "div_")

    def zero_(self) -> Tensor:
        """Set every element to 0 in place (e.g. ``w.grad.zero_()``); returns ``self``.

        Examples:
            >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
            >>> (w * w).sum().backward()
            >>> w.grad.zero_()
            tensor([0., 0.])
        """
        return self.fill_(0)

    def fill_(self, value: float) -> Tensor:
        """Set every element to ``value`` in place (cast to this dtype); returns ``self``.

        Args:
            value: the number to store.

        Examples:
            >>> tg.zeros(2).fill_(7)
            tensor([7., 7.])
        """
        return self._in_place(_assign, value, "fill_")

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
        return self._in_place(_assign, src, "copy_")

    def neg(self) -> Tensor:
        """−x, elementwise (the operator ``-t``); ∂/∂x = −1.

        Examples:
            >>> tg.tensor([1.0, -2.0]).neg()
            tensor([-1.,  2.])
        """
        return _unary(rules.NEG, self)

    def add(self, other: Any) -> Tensor:
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
        return self + other

    def sub(self, other: Any) -> Tensor:
        """``self - other``, elementwise with broadcasting; ∂/∂self = 1, ∂/∂other = −1.

        Args:
            other: a tensor, a number, an array or a list.

        Shapes:
            The broadcast of the two shapes.

        Examples:
            >>> tg.tensor([3.0, 5.0]).sub(1)
            tensor([2., 4.])
        """
        return self - other

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

    def _compare(self, other: Any, fn: Any, op: str) -> Tensor:
        other = _operand(other, op)
        values = other._data if isinstance(other, Tensor) else other
        try:
            return Tensor._wrap(np.asarray(fn(self._data, values)))
        except ValueError as error:
            raise ShapeError(
                f"{op}: cannot compare shapes {self.shape} and {np.shape(values)}: {error}"
            ) from None

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal, "==")

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal, "!=")

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less, "<")

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal, "<=")

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater, ">")

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal, ">=")

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
            return Tensor._wrap(np.asarray(np.argmax(self._data)))
        dim = _normalize_dim(dim, self.ndim, "argmax")
        return Tensor._wrap(np.asarray(np.argmax(self._data, axis=dim, keepdims=keepdim)))

    # ------------------------------------------------------------------ elementwise functions

    def exp(self) -> Tensor:
        """eˣ, elementwise; ∂/∂x = eˣ (the output itself).

        Examples:
            >>> tg.tensor([0.0, 1.0]).exp()
            tensor([1.    , 2.7183])
        """
        return _unary(rules.EXP, self)

    def log(self) -> Tensor:
        """The natural logarithm ln x, elementwise; ∂/∂x = 1/x.

        ln 0 = −inf and ln of a negative number is NaN, as in NumPy.

        Examples:
            >>> tg.tensor([1.0, 4.0]).log()
            tensor([0.    , 1.3863])
        """
        return _unary(rules.LOG, self)

    def sqrt(self) -> Tensor:
        """√x, elementwise; ∂/∂x = 1/(2√x) (inf at x = 0).

        Examples:
            >>> tg.tensor([1.0, 4.0]).sqrt()
            tensor([1., 2.])
        """
        return _unary(rules.SQRT, self)

    def abs(self) -> Tensor:
        """|x|, elementwise (also ``abs(t)``); ∂/∂x = sign(x), 0 at x = 0 (as PyTorch).

        Examples:
            >>> tg.tensor([-1.5, 2.0]).abs()
            tensor([1.5, 2. ])
        """
        return _unary(rules.ABS, self)

    def relu(self) -> Tensor:
        """Rectified linear unit, elementwise: y = max(x, 0).

        The derivative is 1 where x > 0 and 0 elsewhere, also at x = 0 (as PyTorch).

        Examples:
            >>> tg.tensor([-1.0, 0.0, 2.0]).relu()
            tensor([0., 0., 2.])
        """
        return _unary(rules.RELU, self)

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
        return _unary(rules.SIGMOID, self)

    def tanh(self) -> Tensor:
        """The hyperbolic tangent, elementwise; ∂/∂x = 1 − tanh²x.

        Examples:
            >>> tg.tensor([0.0, 1.0]).tanh()
            tensor([0.    , 0.7616])
        """
        return _unary(rules.TANH, self)

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
        return _apply(rules.SUM, self, axis=axes, keepdims=keep)

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
        return self.sum(axes, bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))) / count

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
        return _apply(rules.MAX, self, axis=axes, keepdims=keep)

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
        keep = bool(_pick("keepdim", keepdim, "keepdims", keepdims, False))
        if dim is None:
            if keep:
                raise TypeError(f"{op}: keepdim needs a dim")
            _check_reduced_sizes(self, None, op)
            return self.amax() if op == "max" else self.amin()
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{op}: dim must be an int, got {dim!r} (amax/amin take tuples)")
        d = _normalize_dim(dim, self.ndim, op)
        _check_reduced_sizes(self, (d,), op)
        find = np.argmax if op == "max" else np.argmin
        picked = np.expand_dims(find(self._data, axis=d), d) if self.ndim else np.asarray(0)
        values = self[_along(self.shape, d, picked)] if self.ndim else self * 1
        if not keep and self.ndim:
            values, picked = values.squeeze(d), picked.squeeze(d)
        result = return_types.max if op == "max" else return_types.min
        return result(values, Tensor._wrap(picked.astype(np.int64)))

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
        dim = _normalize_dim(
            _pick("dim", dim, "axis", axis, -1), self.ndim, "softmax"
        )
        return _apply(rules.SOFTMAX, self, axis=dim)

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
        dim = _normalize_dim(
            _pick("dim", dim, "axis", axis, -1), self.ndim, "log_softmax"
        )
        return _apply(rules.LOG_SOFTMAX, self, axis=dim)

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
        return _apply(rules.RESHAPE, self, shape=shape)

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
        return _apply(rules.PERMUTE, self, axes=axes)

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
        return _apply(rules.PERMUTE, self, axes=tuple(axes))

    swapaxes = transpose
    """An alias of ``transpose``."""

    @property
    def T(self) -> Tensor:
        """The dims in reverse order: Aᵀ for a matrix. For more dims all are reversed (PyTorch
        deprecates ``.T`` there; ``mT`` or ``permute`` say what is meant)."""
        return _apply(rules.PERMUTE, self, axes=tuple(reversed(range(self.ndim))))

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
        return _apply(rules.EXPAND, self, shape=shape)

    def __getitem__(self, index: Any) -> Tensor:
        index = _index_array(index)
        return _apply(rules.INDEX, self, index=index, basic=_is_basic_index(index))

    def __setitem__(self, index: Any, value: Any) -> None:
        # t[i] = v and t[mask] += v write into the array; recorded nothing, so (as in PyTorch)
        # a tensor that requires grad accepts it only under no_grad.
        self._check_in_place("__setitem__")
        index = _index_array(index)
        value = _operand(value, "__setitem__")
        value = value._data if isinstance(value, Tensor) else value
        try:
            self._data[index] = value
        except ValueError as error:
            raise ShapeError(
                f"__setitem__: cannot assign a value of shape {np.shape(value)} to the selection "
                f"{index!r} of a tensor of shape {self.shape}: {error}"
            ) from None


Tensor._apply = staticmethod(_apply)  # type: ignore[attr-defined]  (rules.py records through it)


# --------------------------------------------------------------------------- helpers of backward


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
        return np.ones_like(t._data)
    seed = np.array(gradient._data if isinstance(gradient, Tensor) else gradient, dtype=t.dtype)
    if seed.shape != t.shape:
        raise ShapeError(
            f"{op}: gradient has shape {seed.shape} but the tensor has shape {t.shape}"
        )
    return seed


def _seed_for_mode(seed: np.ndarray, create_graph: bool) -> Any:
    return Tensor._wrap(seed) if create_graph else seed


# --------------------------------------------------------------------------- tensor functions


def tensor(data: Any, requires_grad: bool = False, dtype: DType | None = None) -> Tensor:
    """Make a tensor from data: the same as ``Tensor(data, requires_grad, dtype)``.

    See ``Tensor`` for the dtype rules (Python floats give ``float32``, ints ``int64``).

    Args:
        data: a number, nested lists of numbers, a NumPy array or a tensor (copied).
        requires_grad: make this a leaf whose ``.grad`` ``backward()`` fills (floating only).
        dtype: the dtype to store; by default inferred from ``data``.

    Shapes:
        The shape of ``data``.

    Examples:
        >>> tg.tensor(2.0, requires_grad=True)
        tensor(2., requires_grad=True)
        >>> tg.tensor([[1, 2], [3, 4]]).dtype
        dtype('int64')
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None) -> Tensor:
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
    d = _normalize_dim(
        _pick("dim", dim if dim != 0 else None, "axis", axis, 0), items[0].ndim, "cat"
    )
    return _apply(rules.CAT, *items, axis=d)


def stack(tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None) -> Tensor:
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
    d = _normalize_dim(
        _pick("dim", dim if dim != 0 else None, "axis", axis, 0), items[0].ndim + 1, "stack"
    )
    return _apply(rules.STACK, *items, axis=d)


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
    for t in [tensors] if isinstance(tensors, Tensor) else tensors:
        t._bump_version()


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` holds, else ``y``, elementwise with broadcasting.

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
    cond = np.asarray(condition._data if isinstance(condition, Tensor) else condition, dtype=bool)
    return _apply(rules.WHERE, _operand(x, "where"), _operand(y, "where"), condition=cond)


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
    grids = list(np.indices(picked.shape, sparse=True))
    grids[dim] = picked
    return tuple(grids)


def _tensor_list(tensors: Sequence[Any], op: str) -> list[Tensor]:
    items = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not items:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
    return items
