"""Traced arrays: NumPy code run on them computes the real values and records each call.

A :class:`TracedArray` holds a real ``np.ndarray`` (``.value``) and the name of the
variable the replay keeps it in (``.name``). NumPy hands every ufunc call (``np.add``,
``np.exp``, operators, ``.sum()`` as ``np.add.reduce``) to ``__array_ufunc__`` and every
other NumPy function (``np.where``, ``np.concatenate``...) to ``__array_function__``; the few
array methods the rules and optimisers use (``reshape``, ``.T``, indexing...) are defined
here. Each call runs on the real arrays and appends one line to the :class:`ArrayRecorder`'s
program, so a rule's VJP or an optimiser's update, written once for plain arrays, is traced
as it is. Anything else (``bool()``, ``float()``, ``np.asarray``) raises, so nothing can
silently escape the trace.

A new result is written into a buffer allocated once per trace (``out=`` where NumPy
allows), so a replay allocates nothing that the previous one did not free.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

import numpy as np

from .errors import CompileError, refusal
from .program import Program, Statement

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

# NumPy as its stubs cannot type it: a TracedArray is an ``out=`` and a reduction's operand
# through __array_ufunc__, which the stubs do not model
_np: Any = np
_Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]

_TENSOR = "tinygrad4h03.tensor"  # the module whose _to_array may read a traced array's values

# ufuncs whose out= buffer we may pass (every ufunc's __call__ takes out=)
_UFUNC_METHODS = {"__call__", "reduce"}

# A result gets a buffer of its own (written with out=) from this size on; a smaller one is
# allocated anew: for a few hundred bytes NumPy's allocator costs less than parsing out=.
BUFFER_BYTES = 16384

# ufuncs written as Python operators (the same ufunc, fewer steps for NumPy to take)
_OPERATORS = {
    "add": "+", "subtract": "-", "multiply": "*", "true_divide": "/", "divide": "/",
    "matmul": "@", "power": "**", "greater": ">", "greater_equal": ">=", "less": "<",
    "less_equal": "<=", "equal": "==", "not_equal": "!=",
}  # fmt: skip
_NO = object()
_REDUCE_DEFAULTS = {"keepdims": False, "where": True}
_AUGMENTED = {"add": "+=", "subtract": "-=", "multiply": "*=", "true_divide": "/=", "divide": "/="}


class TracedArray:
    """A NumPy array whose every operation is recorded (see the module docstring)."""

    __slots__ = ("name", "recorder", "value")
    __array_priority__ = 1000.0

    def __init__(self, value: np.ndarray, name: str, recorder: ArrayRecorder) -> None:
        self.value = value
        self.name = name
        self.recorder = recorder

    # ---------------------------------------------------------------- NumPy protocols

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return self.recorder.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(
        self, func: Callable[..., Any], types: Any, args: Any, kwargs: Any
    ) -> Any:
        return self.recorder.function(func, args, kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        caller = sys._getframe(1)
        if caller.f_code.co_name == "_to_array" and caller.f_globals["__name__"] == _TENSOR:
            # Tensor(traced) in library code (a mask made from t.numpy()): the tensor's
            # array is a copy of these values, and the tracer's ``made`` hook names it
            return self.value if dtype is None else self.value.astype(dtype)
        raise CompileError(
            "tg.compile: a traced array was converted with np.asarray/np.array; "
            "this operation is not supported inside a compiled function"
        )

    # ---------------------------------------------------------------- attributes

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return self.value.size

    def __len__(self) -> int:
        return len(self.value)

    # ---------------------------------------------------------------- operators

    def __add__(self, o: Any) -> Any:
        return np.add(self, o)

    def __radd__(self, o: Any) -> Any:
        return np.add(o, self)

    def __sub__(self, o: Any) -> Any:
        return np.subtract(self, o)

    def __rsub__(self, o: Any) -> Any:
        return np.subtract(o, self)

    def __mul__(self, o: Any) -> Any:
        return np.multiply(self, o)

    def __rmul__(self, o: Any) -> Any:
        return np.multiply(o, self)

    def __truediv__(self, o: Any) -> Any:
        return np.true_divide(self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return np.true_divide(o, self)

    def __pow__(self, o: Any) -> Any:
        return np.power(self, o)

    def __rpow__(self, o: Any) -> Any:
        return np.power(o, self)

    def __matmul__(self, o: Any) -> Any:
        return np.matmul(self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return np.matmul(o, self)

    def __neg__(self) -> Any:
        return np.negative(self)

    def __abs__(self) -> Any:
        return np.absolute(self)

    def __gt__(self, o: Any) -> Any:
        return np.greater(self, o)

    def __ge__(self, o: Any) -> Any:
        return np.greater_equal(self, o)

    def __lt__(self, o: Any) -> Any:
        return np.less(self, o)

    def __le__(self, o: Any) -> Any:
        return np.less_equal(self, o)

    def __eq__(self, o: Any) -> Any:
        return np.equal(self, o)

    def __ne__(self, o: Any) -> Any:
        return np.not_equal(self, o)

    def __invert__(self) -> Any:
        return np.invert(self)

    def __and__(self, o: Any) -> Any:
        return np.bitwise_and(self, o)

    def __or__(self, o: Any) -> Any:
        return np.bitwise_or(self, o)

    def __iadd__(self, o: Any) -> Any:
        return _np.add(self, o, out=self)

    def __isub__(self, o: Any) -> Any:
        return _np.subtract(self, o, out=self)

    def __imul__(self, o: Any) -> Any:
        return _np.multiply(self, o, out=self)

    def __itruediv__(self, o: Any) -> Any:
        return _np.true_divide(self, o, out=self)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise refusal("bool()", "tensor")

    def all(self, *args: Any, **kwargs: Any) -> Any:
        raise refusal("a check of every value (.all())", "tensor")

    def any(self, *args: Any, **kwargs: Any) -> Any:
        raise refusal("a check of any value (.any())", "tensor")

    def __float__(self) -> float:
        raise refusal("float()", "tensor")

    def __int__(self) -> int:
        raise refusal("int()", "tensor")

    # ---------------------------------------------------------------- methods

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
        return _np.add.reduce(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.maximum.reduce(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.minimum.reduce(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        return np.mean(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Any:
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return self.recorder.view(self, "reshape", (tuple(shape),))

    def transpose(self, *axes: Any) -> Any:
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return self.recorder.view(self, "transpose", tuple(axes))

    def swapaxes(self, a: int, b: int) -> Any:
        return self.recorder.view(self, "swapaxes", (a, b))

    @property
    def T(self) -> Any:
        return self.recorder.view(self, "T", None)

    @property
    def mT(self) -> Any:
        return self.recorder.view(self, "mT", None)

    def astype(self, dtype: Any, copy: bool = True) -> Any:
        if not copy and np.dtype(dtype) == self.dtype:
            return self
        return self.recorder.call(
            lambda x: x.astype(dtype), (self,), f"{{0}}.astype({_dtype_code(dtype)})", "cast"
        )

    def copy(self) -> Any:
        return np.copy(self)

    def __getitem__(self, index: Any) -> Any:
        return self.recorder.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self.recorder.setitem(self, index, value)

    def __repr__(self) -> str:
        return f"TracedArray({self.name}, shape={self.shape}, dtype={self.dtype})"


def _into(call: str, buffer: str) -> str:
    return f"{call}, out={buffer})"


def _same_layout(view: np.ndarray, base: np.ndarray) -> bool:
    """Whether ``view`` is ``base`` again: the same memory, shape and strides."""
    return (
        view.shape == base.shape
        and view.strides == base.strides
        and view.__array_interface__["data"][0] == base.__array_interface__["data"][0]
    )


def _dtype_code(dtype: Any) -> str:
    return f"np.{np.dtype(dtype).name}"


class ArrayRecorder:
    """Runs NumPy calls on traced arrays for real and records them as lines of a Program.

    ``constant(x)`` names a plain array (an index, a mask) that the replay reuses as it is;
    ``traced(array, hint)`` names a new traced array; ``section`` is written on each line.
    """

    def __init__(self, program: Program) -> None:
        self.program = program
        self.keep: list[Any] = []  # every array named, so ids stay unique while tracing
        self.named: dict[int, TracedArray] = {}  # id(real array) -> its traced array
        self.hint = "t"  # the name the next result gets (set by the tensor tracer)
        self._results: set[int] = set()
        # arrays the replay sees as the same object every time (buffers, parameters guarded by
        # identity, views of them): a view of one is made once, at trace time
        self.static: dict[str, np.ndarray] = {}
        self.frozen: set[str] = set()  # names of arrays whose values never change (constants)
        self.resolver: Callable[[np.ndarray], TracedArray | None] | None = None
        self.tainted: set[int] = set()  # arrays computed from traced values outside the trace
        self._scalars: dict[tuple[Any, ...], np.ndarray] = {}
        self.buffers = True

    # ---------------------------------------------------------------- names

    def traced(self, value: np.ndarray, name: str) -> TracedArray:
        out = TracedArray(value, name, self)
        self.keep.append(value)
        self.named[id(value)] = out
        return out

    def code_of(self, x: Any) -> str:
        """How the replay writes operand ``x``: a variable, a literal or a named constant."""
        if isinstance(x, TracedArray):
            return x.name
        symbol = getattr(x, "symbol", None)  # a traced float (scalar.TracedFloat)
        if isinstance(symbol, str):
            return symbol
        if isinstance(x, bool | type(None)):
            return repr(x)
        if isinstance(x, numbers.Number) and not isinstance(x, np.generic):
            if isinstance(x, float) and not np.isfinite(x):
                return self.program.constant(x, "c")
            return repr(x)
        if isinstance(x, tuple):
            inner = ", ".join(self.code_of(v) for v in x)
            return f"({inner},)" if len(x) == 1 else f"({inner})"
        if isinstance(x, slice):
            return f"slice({self.code_of(x.start)}, {self.code_of(x.stop)}, {self.code_of(x.step)})"
        if x is Ellipsis:
            return "..."
        if isinstance(x, type | np.dtype):
            return _dtype_code(x)
        if isinstance(x, np.ndarray):
            found = self.lookup(x)
            if found is not None:
                return found.name
        if id(x) in self.tainted:
            raise CompileError(
                "tg.compile: library code computed an array from the values of a tensor the "
                "function computed, outside the recorded operations; it cannot be compiled"
            )
        self.keep.append(x)
        return self.program.constant(x, "c")

    def lookup(self, x: np.ndarray) -> TracedArray | None:
        """The traced array behind a plain array: itself, a view of one, or (``resolver``) an
        array library code made from one; ``None`` for a constant."""
        found = self.named.get(id(x))
        if found is None:
            found = self._view(x)
        if found is None and self.resolver is not None:
            found = self.resolver(x)
            if found is not None:
                self.named[id(x)] = found
                self.keep.append(x)
        return found

    def _view(self, x: np.ndarray) -> TracedArray | None:
        """``x`` rebuilt as a view of the traced array whose memory it shares (``y.reshape(-1)``
        in library code), or ``None`` for an array of its own (a constant)."""
        base = x.base
        while isinstance(base, np.ndarray) and id(base) not in self.named:
            base = base.base
        if not isinstance(base, np.ndarray):
            return None
        traced = self.named[id(base)]
        offset = x.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        if x.dtype != base.dtype or offset:
            raise CompileError(
                "tg.compile: library code took a view of a traced array that the trace "
                "cannot rebuild; please report this"
            )
        if x.size == base.size and x.flags.c_contiguous and base.flags.c_contiguous:
            code = f"{traced.name}.reshape({x.shape!r})"
        else:
            code = f"np.lib.stride_tricks.as_strided({traced.name}, {x.shape!r}, {x.strides!r})"
        found = self._emit(x, code, (traced.name,))
        self.named[id(x)] = found
        return found

    @staticmethod
    def real(x: Any) -> Any:
        if isinstance(x, TracedArray):
            return x.value
        if isinstance(x, tuple):
            return tuple(ArrayRecorder.real(v) for v in x)
        if isinstance(x, list):
            return [ArrayRecorder.real(v) for v in x]
        return x

    def owns(self, x: TracedArray) -> bool:
        """Whether ``x`` is a result of the trace (not an input, a load or a constant)."""
        return id(x.value) in self._results

    # ---------------------------------------------------------------- recording

    def _emit(
        self,
        value: Any,
        code: str,
        deps: tuple[str, ...],
        into: Callable[[str], str] | None = None,
    ) -> Any:
        if not isinstance(value, np.ndarray):
            value = np.asarray(value)
        name = self.program.emit(code, deps, self.hint, into=into)
        return self._result(value, name)

    def _result(self, value: np.ndarray, name: str) -> TracedArray:
        self._results.add(id(value))
        return self.traced(value, name)

    def _deps(self, *operands: Any) -> tuple[str, ...]:
        found: list[str] = []
        for x in operands:
            if isinstance(x, TracedArray):
                found.append(x.name)
            elif isinstance(x, tuple | list):
                found.extend(self._deps(*x))
            elif isinstance(x, np.ndarray):
                traced = self.lookup(x)
                if traced is not None:
                    found.append(traced.name)
        return tuple(found)

    def ufunc(
        self, ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if method == "at":
            return self._at(ufunc, inputs)
        if method not in _UFUNC_METHODS:
            raise CompileError(f"tg.compile: np.{ufunc.__name__}.{method} is not supported")
        out = kwargs.pop("out", None)
        out = out[0] if isinstance(out, tuple) else out
        kwargs = {k: v for k, v in kwargs.items() if v is not None or k == "axis"}
        if method == "reduce":  # .min() passes NumPy's defaults: parsing them costs 0.4 µs
            kwargs = {k: v for k, v in kwargs.items() if _REDUCE_DEFAULTS.get(k, _NO) is not v}
        real_kwargs = {k: self.real(v) for k, v in kwargs.items()}
        if out is not None:
            real_kwargs["out"] = self.real(out)
        value = getattr(ufunc, method)(*[self.real(x) for x in inputs], **real_kwargs)
        if out is None and method == "__call__":
            inputs = self._typed_scalars(ufunc, inputs, value)
        args = [self.code_of(x) for x in inputs]
        args += [f"{k}={self.code_of(v)}" for k, v in kwargs.items()]
        call = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        deps = self._deps(*inputs, *kwargs.values())
        if out is not None:  # in place into an array the replay already has
            if not isinstance(out, TracedArray):
                raise CompileError("tg.compile: out= into an untraced array")
            out = self.writable(out)
            augmented = _AUGMENTED.get(ufunc.__name__)
            default = not kwargs or kwargs == {"casting": "same_kind"}  # as a += b casts
            if augmented and method == "__call__" and default and inputs[0] is out:
                code = f"{out.name} {augmented} {args[1]}"  # a += b: np.add(a, b, out=a)
            else:
                code = f"{call}({', '.join(args)}, out={out.name})"
            self.program.effect(code, (*deps, out.name), (out.name,))
            return out
        if self._all_frozen(inputs, kwargs):  # constants only: computed once, now
            return self.constant_result(value)
        if self.buffers and isinstance(value, np.ndarray) and value.nbytes >= BUFFER_BYTES:
            array = np.empty_like(value)
            buffer = self.program.constant(array, self.hint, buffer=True)
            self.static[buffer] = array
            self.program.effect(f"{call}({', '.join(args)}, out={buffer})", deps, (buffer,))
            return self._result(value, buffer)
        into = partial(_into, f"{call}({', '.join(args)}")
        operator = _OPERATORS.get(ufunc.__name__) if method == "__call__" and not kwargs else None
        if operator and len(args) == 2:
            return self._emit(value, f"{args[0]} {operator} {args[1]}", deps, into=into)
        if ufunc is np.negative and method == "__call__" and not kwargs:
            return self._emit(value, f"-{args[0]}", deps, into=into)
        return self._emit(value, f"{call}({', '.join(args)})", deps, into=into)

    def _all_frozen(self, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        traced = [x for x in (*inputs, *kwargs.values()) if isinstance(x, TracedArray)]
        return bool(traced) and all(x.name in self.frozen for x in traced)

    def constant_result(self, value: Any) -> TracedArray:
        """A result computed from constants only: a constant of the replay."""
        value = np.asarray(value)
        name = self.program.constant(value.copy(), self.hint)
        self.frozen.add(name)
        self.static[name] = self.program.constants[name]
        return self._result(value, name)

    def _typed_scalars(
        self, ufunc: np.ufunc, inputs: tuple[Any, ...], value: Any
    ) -> tuple[Any, ...]:
        """Python numbers as 0-d arrays of the dtype NumPy computes in: the same result, and
        NumPy skips converting the number at every call (``np.maximum(v, 0)`` costs twice
        ``np.maximum(v, zero)`` on a small array)."""
        arrays = [self.real(x) for x in inputs if isinstance(x, TracedArray | np.ndarray)]
        numbers_ = [x for x in inputs if type(x) in (int, float)]
        if not arrays or not numbers_ or not any(a.ndim for a in arrays):
            return inputs  # a NumPy scalar (a reduction's) compares faster with the number
        typed = tuple(
            self._scalar(x, np.result_type(*arrays, x)) if type(x) in (int, float) else x
            for x in inputs
        )
        check = ufunc(*[self.real(x) for x in typed])
        same = np.array_equal(check, value, equal_nan=True) and check.dtype == value.dtype
        return typed if same else inputs

    def _scalar(self, x: float, dtype: np.dtype) -> np.ndarray:
        key = (x, np.dtype(dtype).str, type(x))
        found = self._scalars.get(key)
        if found is None:
            found = self._scalars[key] = np.asarray(x, dtype=dtype)
            hint = "k_" + repr(x).replace("-", "minus_").replace(".", "_").replace("+", "")
            self.program.constant(found, hint)
        return found

    def _at(self, ufunc: np.ufunc, inputs: tuple[Any, ...]) -> None:
        """``np.add.at(target, index, values)``: unbuffered in place, into a traced target."""
        target, *rest = inputs
        if not isinstance(target, TracedArray):  # a fresh array (np.zeros): made anew per replay
            target = self.fresh(target)
        target = self.writable(target)
        ufunc.at(target.value, *[self.real(x) for x in rest])
        args = ", ".join([target.name, *(self.code_of(x) for x in rest)])
        deps = (target.name, *self._deps(*rest))
        self.program.effect(f"np.{ufunc.__name__}.at({args})", deps, (target.name,))

    def fresh(self, start: np.ndarray) -> TracedArray:
        """A new array per replay, equal to ``start`` (zeros are written ``np.zeros``)."""
        if not start.any():
            code = f"np.zeros({start.shape!r}, {_dtype_code(start.dtype)})"
        else:
            code = f"np.copy({self.program.constant(start.copy(), 'start')})"
        return self._result(start, self.program.emit(code, (), self.hint))

    def function(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        name = getattr(func, "__name__", "")
        if getattr(np, name, None) is not func:
            raise CompileError(f"tg.compile: {func!r} is not supported on traced arrays")
        if func is np.copyto:  # in place into its first argument
            return self._copyto(*args, **kwargs)
        if "out" in kwargs:
            raise CompileError(f"tg.compile: np.{name}(out=...) is not supported on traced arrays")
        value = func(*self.real(tuple(args)), **{k: self.real(v) for k, v in kwargs.items()})
        code_args = [
            self.code_of(x) if not isinstance(x, list) else self._list_code(x) for x in args
        ]
        code_args += [f"{k}={self.code_of(v)}" for k, v in kwargs.items()]
        return self._emit(
            value, f"np.{name}({', '.join(code_args)})", self._deps(*args, *kwargs.values())
        )

    def _copyto(self, target: Any, value: Any, casting: _Casting = "same_kind") -> None:
        if not isinstance(target, TracedArray):
            raise CompileError("tg.compile: np.copyto into an untraced array")
        target = self.writable(target)
        np.copyto(target.value, self.real(value), casting=casting)
        code = f"np.copyto({target.name}, {self.code_of(value)}, casting={casting!r})"
        self.program.effect(code, (target.name, *self._deps(value)), (target.name,))

    def _list_code(self, items: list[Any]) -> str:
        return "[" + ", ".join(self.code_of(x) for x in items) + "]"

    def call(
        self, fn: Callable[..., Any], operands: tuple[Any, ...], template: str, hint: str
    ) -> Any:
        """Record ``template`` (over the operands' codes) computed by ``fn`` on their values."""
        value = fn(*[self.real(x) for x in operands])
        code = template.format(*[self.code_of(x) for x in operands])
        return self._emit(value, code, self._deps(*operands))

    def view(self, x: TracedArray, method: str, args: tuple[Any, ...] | None) -> Any:
        attribute = getattr(x.value, method)
        value = attribute if args is None else attribute(*args)
        if _same_layout(value, x.value):  # a reshape to the shape it has: x itself
            return x
        if args is None:
            code = f"{x.name}.{method}"
        else:
            code = f"{x.name}.{method}({', '.join(self.code_of(a) for a in args)})"
        fixed = self._static_view(
            x, lambda a: getattr(a, method) if args is None else getattr(a, method)(*args)
        )
        if fixed is not None:
            if method in ("T", "mT"):
                self.hint = f"{x.name}_{method}"
            return self._static_result(x, value, fixed, code)
        return self._emit(value, code, (x.name,))

    def getitem(self, x: TracedArray, index: Any) -> Any:
        value = x.value[self.real(index)]
        index_code = (
            self.code_of(index)
            if not isinstance(index, tuple)
            else ", ".join(self.code_of(i) for i in index) or "()"
        )
        if not self._deps(index):
            fixed = self._static_view(x, lambda a: a[self.real(index)])
            if fixed is not None:
                return self._static_result(x, value, fixed, f"{x.name}[{index_code}]")
        return self._emit(value, f"{x.name}[{index_code}]", (x.name, *self._deps(index)))

    def _static_view(self, x: TracedArray, make: Callable[[np.ndarray], Any]) -> np.ndarray | None:
        """``make`` applied to the fixed array behind ``x``, if that is a view of it."""
        base = self.static.get(x.name)
        if base is None:
            return None
        fixed = make(base)
        if not isinstance(fixed, np.ndarray) or not np.shares_memory(fixed, base):
            return None
        return fixed

    def _static_result(
        self, x: TracedArray, value: np.ndarray, fixed: np.ndarray, code: str
    ) -> TracedArray:
        name = self.program.constant(fixed, self.hint)
        comment = f"# {name} = {code}  (a view, made once)"
        self.program.statements.append(
            Statement(self.program.section, (name,), comment, (x.name,), assign=False)
        )
        self.static[name] = fixed
        self.program.aliases[name] = x.name  # a line using the view needs the base's writes
        if x.name in self.frozen:
            self.frozen.add(name)
        if x.name in self.program.external:
            self.program.external.add(name)
        return self._result(np.asarray(value), name)

    def check(self, x: TracedArray, expected: Any) -> None:
        """A decision library code took on ``x``'s value (``if targets.min() >= 0``): the
        replay computes ``x`` first and traces again where it is no longer ``expected``."""
        if isinstance(expected, bool | np.bool_):
            code = f"if {'not ' * bool(expected)}{x.name}: raise Retrace"
        elif expected != expected:  # NaN: equal to nothing
            code = f"if not np.isnan({x.name}): raise Retrace"
        else:
            code = f"if {x.name} != {self.code_of(expected)}: raise Retrace"
        if not self.program.check(code, x.name):
            raise CompileError(
                "tg.compile: library code decides on values that the function draws at random "
                "or writes in place before the decision; it cannot be compiled"
            )

    def writable(self, x: TracedArray) -> TracedArray:
        """``x``, made a copy per replay first if it is a constant (written in place, a
        constant would carry one replay's writes into the next)."""
        if x.name in self.frozen:
            start = self.program.constant(x.value.copy(), "start")
            x.name = self.program.emit(f"np.copy({start})", (), self.hint)
            self._results.add(id(x.value))
        return x

    def setitem(self, x: TracedArray, index: Any, value: Any) -> None:
        x = self.writable(x)
        x.value[self.real(index)] = self.real(value)
        index_code = (
            self.code_of(index)
            if not isinstance(index, tuple)
            else ", ".join(self.code_of(i) for i in index) or "()"
        )
        code = f"{x.name}[{index_code}] = {self.code_of(value)}"
        self.program.effect(code, (x.name, *self._deps(index, value)), (x.name,))
