"""Tracing ``Value`` arithmetic into straight-line float code, through the engine's hooks.

:class:`ScalarTracer` is an ``engine.Tracer``: it learns of every ``Value`` operation from
the ``value_result`` hook (``Value._result``; the operation and its operands are read from
the caller's frame and keyed into the op tables below), of leaves made inside the function
from ``made``, and of ``engine.backward`` on ``Value`` roots from ``backward``, where it
emits the sweep (one line per gradient contribution, accumulated in the eager sweep's
order, so the replay's floats are the eager floats bit for bit) and then runs it.

Nothing is patched. A ``Value`` the trace follows holds :class:`TracedFloat` s in its
``.data``/``.grad`` slots, so that reading them in the function gives a float whose
arithmetic records lines, and writing them (``zero_grad``, ``p.data -= lr * p.grad``) puts a
new symbol (or a plain constant) in the slot, which the tracer reads back at the next
sweep and at the end. Arithmetic called from ``value.py`` itself acts on plain floats. When
the trace ends every slot holds a plain float again.

A ``Value`` that existed before the trace and is not an argument (a weight) is *captured*:
the replay reads its ``.data`` and ``.grad`` at the start and writes back whatever the
function changed, so it always works on the current weights. It is followed from the
trace's start when the function reaches it through its closure, defaults or the globals it
names (through lists, tuples, dicts and objects' attributes), else from its first operation.
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import re
import sys
import threading
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from .. import engine, value
from ..value import Value
from .errors import CompileError, refusal
from .program import Program, names_in

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

# The helpers the replay calls: the same functions Value's operations call.
HELPERS: dict[str, Any] = {
    "_div": value._div,
    "_exp": value._exp,
    "_log": value._log,
    "_pow": value._pow,
    "_pow_exponent_local": value._pow_exponent_local,
    "_sigmoid": value._sigmoid,
    "tanh": math.tanh,
    "Value": Value,
}

_PLAIN = vars(value)  # value.py's globals: code there computes on the plain floats
_RESULT = Value._result.__code__


def _literal(x: float, program: Program) -> str:
    x = float(x)
    if math.isfinite(x):
        return repr(x) if x >= 0 else f"({x!r})"  # (-2.0) ** 2, not -(2.0 ** 2)
    return program.constant(x, "inf" if x > 0 else ("nan" if math.isnan(x) else "minus_inf"))


def _plain(x: Any) -> Any:
    return float.__float__(x) if isinstance(x, TracedFloat) else x


def _operator(template: str, plain: Callable[[float, Any], Any], swap: bool = False) -> Any:
    """A float operator that records ``template`` while its trace runs in this thread."""

    def method(self: TracedFloat, other: Any) -> Any:
        if sys._getframe(1).f_globals is _PLAIN or not self.tracer.recording():
            return plain(self, other)
        return self._binary(other, template, swap)

    return method


def _refused(call: str, plain: Callable[..., Any]) -> Any:
    """A conversion or comparison: refused in the traced function, plain in ``value.py``."""

    def method(self: TracedFloat, *other: Any) -> Any:
        if sys._getframe(1).f_globals is _PLAIN or not self.tracer.recording():
            return plain(self, *other)
        raise refusal(call)

    return method


class TracedFloat(float):
    """A float in a traced ``Value``'s ``.data``/``.grad`` slot: arithmetic on it is recorded.

    Comparisons, ``bool()``, ``int()`` and ``float()`` raise ``CompileError``: the replay
    cannot take a different branch. Called from ``value.py`` (a ``Value`` operation computing
    its result), from another thread or after the trace, it is a plain float.
    """

    symbol: str
    tracer: ScalarTracer

    def _binary(self, other: Any, template: str, swap: bool = False) -> Any:
        tracer = self.tracer
        if isinstance(other, TracedFloat):
            b, y = tracer.symbol(other), float.__float__(other)
        elif isinstance(other, int | float) and not isinstance(other, bool):
            b, y = _literal(other, tracer.program), float(other)
        else:
            return NotImplemented
        a, x = self.symbol, float.__float__(self)
        if swap:
            (a, x), (b, y) = (b, y), (a, x)
        code = template.format(a=a, b=b)
        if tracer.swept:  # arithmetic on .data/.grad after a backward: an update
            tracer.program.section = "update"
        return tracer.traced(_FLOAT_OPS[template](x, y), tracer.program.emit(code, names_in(a, b)))

    __add__ = _operator("{a} + {b}", float.__add__)
    __radd__ = _operator("{a} + {b}", float.__radd__, swap=True)
    __sub__ = _operator("{a} - {b}", float.__sub__)
    __rsub__ = _operator("{a} - {b}", float.__rsub__, swap=True)
    __mul__ = _operator("{a} * {b}", float.__mul__)
    __rmul__ = _operator("{a} * {b}", float.__rmul__, swap=True)
    __truediv__ = _operator("{a} / {b}", float.__truediv__)
    __rtruediv__ = _operator("{a} / {b}", float.__rtruediv__, swap=True)
    __pow__ = _operator("{a} ** {b}", float.__pow__)
    __rpow__ = _operator("{a} ** {b}", float.__rpow__, swap=True)

    def __neg__(self) -> Any:
        tracer = self.tracer
        if sys._getframe(1).f_globals is _PLAIN or not tracer.recording():
            return float.__neg__(self)
        if tracer.swept:
            tracer.program.section = "update"
        code = f"-{self.symbol}"
        return tracer.traced(-float.__float__(self), tracer.program.emit(code, (self.symbol,)))

    def __pos__(self) -> Any:
        return self

    __float__ = _refused("float()", float.__float__)
    __int__ = _refused("int()", float.__int__)
    __bool__ = _refused("bool()", float.__bool__)
    __eq__ = _refused("==", float.__eq__)
    __ne__ = _refused("!=", float.__ne__)
    __lt__ = _refused("<", float.__lt__)
    __le__ = _refused("<=", float.__le__)
    __gt__ = _refused(">", float.__gt__)
    __ge__ = _refused(">=", float.__ge__)
    __hash__ = float.__hash__


_FLOAT_OPS: dict[str, Callable[[float, float], float]] = {
    "{a} + {b}": float.__add__,
    "{a} - {b}": float.__sub__,
    "{a} * {b}": float.__mul__,
    "{a} / {b}": float.__truediv__,
    "{a} ** {b}": float.__pow__,
}

# --------------------------------------------------------------------------- the op table
# For each Value operation: (the forward formula, one local derivative ∂out/∂parent per
# parent, in the order Value stores its parents). Formulas are templates over the operand
# symbols; a local derivative is a template of ``{g}`` (∂E/∂out) giving g · ∂out/∂parent,
# computed exactly as Value._backward computes it.


def _times(local: str) -> str:
    return "{g}" if local == "1.0" else ("-{g}" if local == "-1.0" else "{g} * " + local)


class ScalarTracer(engine.Tracer):
    """Records ``Value`` operations, backward sweeps and slot updates into a Program."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.local: dict[Value, tuple[str, ...]] = {}  # every Value followed -> g-templates
        self.captured: list[Value] = []
        self.inputs: list[tuple[Value, str]] = []
        self.loaded: list[tuple[Value, str, str, str]] = []  # (value, ref, data, grad symbols)
        self.original: dict[Value, tuple[Any, Any, str, str]] = {}  # slots, their symbols
        self.final: dict[Value, tuple[str, str]] = {}  # data, grad symbols when the trace ended
        self.swept = False  # whether a backward sweep has been recorded
        self.thread = threading.get_ident()
        self.active = False  # between install() and remove()

    def recording(self) -> bool:
        """Whether the trace runs, in this thread (a TracedFloat is plain otherwise)."""
        return self.active and threading.get_ident() == self.thread

    # ---------------------------------------------------------------- symbols

    def traced(self, x: float, symbol: str) -> TracedFloat:
        out = TracedFloat(x)
        out.symbol = symbol
        out.tracer = self
        return out

    def input_value(self, v: Value, name: str) -> None:
        """An argument ``Value`` that the replay receives as the parameter ``name``."""
        self._load(v, name)
        self.inputs.append((v, name))

    def input_float(self, x: float, name: str) -> TracedFloat:
        """An argument float that the replay receives as the parameter ``name``."""
        return self.traced(float(x), name)

    def _load(self, v: Value, ref: str) -> None:
        """Read ``v``'s data and grad at the start of the replay, where ``ref`` names ``v``."""
        hint = v.label or ref
        data = self.program.load(f"{ref}.data", (ref,), hint + "_data")
        grad = self.program.load(f"{ref}.grad", (ref,), hint + "_grad")
        self.original[v] = (v.data, v.grad, data, grad)
        self._follow(v, data, grad, ())
        self.loaded.append((v, ref, data, grad))

    def _follow(self, v: Value, data: str, grad: str, local: tuple[str, ...]) -> None:
        """Put the symbols in ``v``'s slots; ``local``: the g-templates for its parents."""
        self.local[v] = local
        v.data = self.traced(float(_plain(v.data)), data)
        v.grad = self.traced(float(_plain(v.grad)), grad)

    def _capture(self, v: Value) -> None:
        """A Value from outside the function: read live at every replay."""
        self.captured.append(v)
        self._load(v, self.program.constant(v, v.label or "p", bool(v.label)))

    def _slot(self, x: Any) -> str:
        """The symbol of what a followed Value's slot holds (a plain float: a constant)."""
        if isinstance(x, TracedFloat) and x.tracer is self:
            return x.symbol
        return _literal(_plain(x), self.program)

    def symbol(self, operand: Any) -> str:
        """The symbol of a Value's data (captured on first sight) or of a number."""
        if isinstance(operand, Value):
            if operand not in self.local:
                self._capture(operand)
            return self._slot(operand.data)
        return self._slot(operand)

    def grad_symbol(self, v: Value) -> str:
        """The symbol of a Value's ``.grad`` (captured on first sight)."""
        if v not in self.local:
            self._capture(v)
        return self._slot(v.grad)

    # ---------------------------------------------------------------- the hooks

    def value_result(self, out: Any) -> None:
        """Record the ``Value`` operation that made ``out``: its caller's frame says which."""
        frame: types.FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code is not _RESULT:
            frame = frame.f_back
        caller = frame.f_back if frame is not None else None
        if caller is None:
            raise CompileError("tg.compile: a Value result made outside Value._result")
        code = caller.f_code
        local = caller.f_locals
        arguments = tuple(local[name] for name in code.co_varnames[: code.co_argcount])
        out._local = tuple(_plain(d) for d in out._local)
        forward, templates, operands = _formula(code.co_name, arguments, local)
        self.result(out, forward, operands, templates if out._parents else ())

    def made(self, node: Any, data: Any = None) -> None:
        """A ``Value(x)`` made in the function: its data is the symbol of ``x``."""
        if isinstance(node, Value):
            self._follow(node, self.symbol(data), "0.0", ())

    def converted(self, node: Any, how: str) -> Any:
        """``float(v)`` of a ``Value`` while tracing: refused (the replay would reuse it)."""
        raise refusal(f"{how}()", "Value")

    def backward(
        self,
        sweep: Callable[..., list[Any] | None],
        roots: Sequence[Any],
        seeds: Sequence[Any],
        create_graph: bool,
        inputs: Sequence[Any] | None,
    ) -> list[Any] | None:
        """Emit the sweep over ``Value`` roots, then run it (with the tracer off)."""
        if create_graph:
            raise refusal("a create_graph backward", "Value")
        grads, symbols = self._mirror(list(roots), list(seeds), inputs)
        state = engine.state
        tracer, state.tracer = state.tracer, None
        try:
            found = sweep(roots, [_plain(s) for s in seeds], create_graph, inputs)
        finally:
            state.tracer = tracer
        for node, symbol in grads.items():
            node.grad = self.traced(float(node.grad), symbol)
        if found is None:
            return None
        return [x if x is None else self.traced(x, s) for x, s in zip(found, symbols)]

    # ---------------------------------------------------------------- recording

    def result(
        self, out: Value, code: str, operands: tuple[Any, ...], locals_: Sequence[str]
    ) -> None:
        """Record ``out = code``; ``locals_`` are the g-templates for ``out._parents``."""
        symbols = [self.symbol(x) for x in operands]
        code = code.format(*symbols)
        self.program.section = "forward"
        data = self.program.emit(code, names_in(*symbols), out.label or "t")
        local = tuple(t.format(*symbols, out=data) for t in locals_)
        self._follow(out, data, "0.0", local)

    def _mirror(
        self, roots: list[Value], seeds: list[Any], inputs: Any
    ) -> tuple[dict[Value, str], list[str]]:
        """Emit the sweep ``engine.backward`` runs: the new ``.grad`` symbols of the nodes
        (or, with ``inputs``, the symbols of the inputs' gradients)."""
        program = self.program
        section, program.section = program.section, "backward"
        grads: dict[Value, str] = {}
        for root, seed in zip(roots, seeds):
            grads[root] = self._add(grads.get(root), self.symbol(seed), "g")
        wanted: dict[Value, str | None] = {} if inputs is None else dict.fromkeys(inputs)
        written: dict[Value, str] = {}
        order = cast("list[Value]", engine.topological_order(roots))  # roots are Values
        for node in reversed(order):
            g = grads.pop(node, None)
            if g is None:
                continue
            if inputs is not None:
                if node in wanted:
                    wanted[node] = g
            else:
                written[node] = self._add(self.grad_symbol(node), g, "grad")
            for parent, template in zip(node._parents, self.local.get(node, ())):
                if g == "1.0" and template.startswith("{g} * "):
                    template = template[6:]  # 1.0 * x is x exactly
                contribution = template.format(g=g)
                if contribution != g:
                    contribution = program.emit(contribution, _deps(contribution), "g")
                grads[parent] = self._add(grads.get(parent), contribution, "g")
        program.section = section
        self.swept = True
        return written, [] if inputs is None else [wanted[v] or "0.0" for v in inputs]

    def _add(self, previous: str | None, g: str, hint: str) -> str:
        if previous is None or previous == "0.0":
            return g
        return self.program.emit(f"{previous} + {g}", names_in(previous, g), hint)

    # ---------------------------------------------------------------- start / end

    def install(self, fn: Callable[..., Any] | None = None) -> None:
        """Start following; the Values ``fn`` reaches from outside are captured now, so that
        reading or writing their ``.data``/``.grad`` before any operation is followed too."""
        self.active = True
        for v in _reachable_values(fn):
            if v not in self.local:
                self._capture(v)

    def remove(self) -> None:
        """End the trace: note the final symbols, then put plain floats back in every slot
        (a loaded Value the function left alone gets its very objects back)."""
        self.active = False
        for v in self.local:
            data, grad = self._slot(v.data), self._slot(v.grad)
            self.final[v] = (data, grad)
            before = self.original.get(v)
            v.data = before[0] if before and data == before[2] else _plain(v.data)
            v.grad = before[1] if before and grad == before[3] else _plain(v.grad)

    def finish(self) -> None:
        """Write back the data and grad of every outside Value the function changed."""
        self.program.section = "update"
        for v, ref, data, grad in self.loaded:
            new_data, new_grad = self.final[v]
            if new_data != data:
                self.program.effect(f"{ref}.data = {new_data}", names_in(new_data))
            if new_grad != grad:
                self.program.effect(f"{ref}.grad = {new_grad}", names_in(new_grad))

    def output(self, x: Any) -> tuple[str, tuple[str, ...]] | None:
        """The replay's expression for a returned ``x`` (``None``: not a scalar)."""
        if isinstance(x, TracedFloat):
            symbol = self._slot(x)
            return symbol, names_in(symbol)
        if not isinstance(x, Value) or x not in self.final:
            return None
        for v, ref, _, _ in self.loaded:
            if v is x:
                return ref, (ref,)
        data, grad = self.final[x]
        return f"_value({data}, {grad})", names_in(data, grad)


_WALK_LIMIT = 20_000  # objects looked at per trace: beyond, a Value is followed from first use
_OPAQUE = (str, bytes, int, float, complex, type, types.ModuleType, types.BuiltinFunctionType)


def _reachable_values(fn: Any) -> list[Value]:
    """The ``Value``s that ``fn`` reaches through its closure, defaults and the globals its
    code names, through lists, tuples, sets, dicts, other functions and objects' attributes
    (not through modules, classes or the package's other objects)."""
    found: list[Value] = []
    seen: set[int] = set()
    todo = collections.deque([fn])  # breadth first: the names come in the code's order
    while todo and len(seen) < _WALK_LIMIT:
        x = todo.popleft()
        if id(x) in seen or x is None or isinstance(x, _OPAQUE):
            continue
        seen.add(id(x))
        if isinstance(x, Value):
            found.append(x)
        elif isinstance(x, types.FunctionType):
            if not _foreign(x.__module__):
                todo += _function_refs(x)
        elif isinstance(x, types.MethodType):
            todo += [x.__func__, x.__self__]
        elif isinstance(x, functools.partial):
            todo += [x.func, *x.args, *x.keywords.values()]
        elif isinstance(x, list | tuple | set | frozenset):
            todo += itertools.islice(x, _WALK_LIMIT)
        elif isinstance(x, dict):
            todo += itertools.islice(x.values(), _WALK_LIMIT)
        elif not _foreign(type(x).__module__):
            todo += _attributes(x)
    return found


def _foreign(module: str | None) -> bool:
    """Objects of the package (but ``Value``), NumPy and PyTorch hold no user ``Value``."""
    return (module or "").startswith(("tinygrad4h03", "numpy", "torch"))


def _function_refs(fn: types.FunctionType) -> list[Any]:
    """What a function refers to: closure cells, defaults, the globals its code names."""
    refs: list[Any] = [*(fn.__defaults__ or ()), *(fn.__kwdefaults__ or {}).values()]
    for cell in fn.__closure__ or ():
        try:
            refs.append(cell.cell_contents)
        except ValueError:  # a cell not yet filled
            continue
    codes = [fn.__code__]
    while codes:
        code = codes.pop()
        refs += [fn.__globals__[n] for n in code.co_names if n in fn.__globals__]
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return refs


def _attributes(x: Any) -> list[Any]:
    """An object's attributes (its ``__dict__`` and slots) and its class's ``__call__``."""
    try:
        refs: list[Any] = list(object.__getattribute__(x, "__dict__").values())
    except (AttributeError, TypeError):
        refs = []
    for cls in type(x).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            try:
                refs.append(object.__getattribute__(x, name))
            except (AttributeError, TypeError):
                continue
    call = type(x).__dict__.get("__call__")
    return [*refs, call] if isinstance(call, types.FunctionType) else refs


def _formula(
    name: str, arguments: tuple[Any, ...], local: Any
) -> tuple[str, Sequence[str], tuple[Any, ...]]:
    """The forward template, the g-templates and the operands of the Value operation
    ``name`` called with ``arguments`` (its parameters; ``local``: its frame's variables)."""
    if name == "sum":  # the nodes it found: ``values`` may have been a generator
        return _sum_formula(local["nodes"], *arguments)
    if name == "dot":
        return _dot_formula(*arguments)
    if len(arguments) == 2 and isinstance(arguments[1], Value) and name in _VALUE_OPS:
        return (*_VALUE_OPS[name], arguments)
    if name not in _OPS:
        raise CompileError(f"tg.compile: Value.{name} has no float formula for the replay")
    forward, templates = _OPS[name]
    if templates is None:  # a number's local derivative: a literal, or a traced float's symbol
        templates = _CONSTANT_LOCALS[name](arguments[1])
    return forward, templates, arguments


def _sum_formula(
    nodes: Sequence[Value], values: Iterable[Any], start: Any
) -> tuple[str, Sequence[str], tuple[Any, ...]]:
    """``Value.sum``: Σ nodes + Σ numbers + start, in that order (as Value.sum adds)."""
    numbers = [v for v in values if not isinstance(v, Value)]
    operands = (*nodes, *numbers, start)
    places = [f"{{{i}}}, " for i in range(len(operands) - 1)]
    code = (
        f"sum(({''.join(places[: len(nodes)])})) + sum(({''.join(places[len(nodes) :])}))"
        f" + {{{len(operands) - 1}}}"
    )
    return code, ["{{g}}"] * (len(nodes) + isinstance(start, Value)), operands


def _dot_formula(
    a: Sequence[Any], b: Sequence[Any], bias: Any
) -> tuple[str, Sequence[str], tuple[Any, ...]]:
    """``Value.dot``: 0.0 + a_0 b_0 + ... + bias, with ∂/∂a_i = b_i and ∂/∂b_i = a_i."""
    operands: list[Any] = []
    terms: list[str] = []
    locals_: list[str] = []
    for x, y in zip(a, b):
        i = len(operands)
        operands += [x, y]
        terms.append(f"{{{i}}} * {{{i + 1}}}")
        if isinstance(x, Value):
            locals_.append(f"{{{{g}}}} * {{{i + 1}}}")
        if isinstance(y, Value):
            locals_.append(f"{{{{g}}}} * {{{i}}}")
    operands.append(bias)
    if isinstance(bias, Value):
        locals_.append("{{g}}")
    code = "0.0 + " + " + ".join([*terms, f"{{{len(operands) - 1}}}"])
    return code, locals_, tuple(operands)


def _deps(code: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[A-Za-z_]\w*", code))


# The tables are keyed by the name of the function that calls Value._result (``__radd__``
# is ``__add__``, ``__rmul__`` is ``__mul__``; ``a ** b`` of two Values is ``_value_pow``).
# Each local derivative computes exactly what value.py computes, so the floats agree.
_POW_BASE = "{{g}} * (0.0 if {1} == 0 else {1} * _pow({0}, {1} - 1))"

# Operations with a Value on both sides: (forward, g-templates per parent).
_VALUE_OPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "__add__": ("{0} + {1}", ("{{g}}", "{{g}}")),
    "__sub__": ("{0} - {1}", ("{{g}}", "-{{g}}")),
    "__mul__": ("{0} * {1}", ("{{g}} * {1}", "{{g}} * {0}")),
    "__truediv__": ("_div({0}, {1})", ("{{g}} * _div(1.0, {1})", "{{g}} * -_div({out}, {1})")),
    "_value_pow": (
        "_pow({0}, {1})",
        (_POW_BASE, "{{g}} * _pow_exponent_local({0}, {1}, {out})"),
    ),
}

# Operations of one Value (and a number): the number is a literal in the formula; the
# local derivative of a number operand may fold into a literal (computed as Value does).
_OPS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "__add__": ("{0} + {1}", ("{{g}}",)),
    "__sub__": ("{0} - {1}", ("{{g}}",)),
    "__rsub__": ("{1} - {0}", ("-{{g}}",)),
    "__mul__": ("{0} * {1}", None),
    "__truediv__": ("_div({0}, {1})", None),
    "__rtruediv__": ("_div({1}, {0})", ("{{g}} * -_div({out}, {0})",)),
    "__pow__": ("_pow({0}, {1})", None),
    "__rpow__": ("_pow({1}, {0})", ("{{g}} * _pow_exponent_local({1}, {0}, {out})",)),
    "__neg__": ("-{0}", ("-{{g}}",)),
    # "not x <= 0" is true for NaN too: NaN passes through with its gradient, as Value.relu
    "relu": ("({0} if not {0} <= 0.0 else 0.0)", ("{{g}} * (1.0 if not {0} <= 0.0 else 0.0)",)),
    "tanh": ("tanh({0})", ("{{g}} * (1.0 - {out} * {out})",)),
    "sigmoid": ("_sigmoid({0})", ("{{g}} * ({out} * (1.0 - {out}))",)),
    "exp": ("_exp({0})", ("{{g}} * {out}",)),
    "log": ("_log({0})", ("{{g}} * _div(1.0, {0})",)),
}


def _scaled(c: Any) -> tuple[str, ...]:
    """``a * c``: ∂/∂a = c, folded into a literal when ``c`` is a finite number."""
    if isinstance(c, TracedFloat) or not math.isfinite(c):
        return ("{{g}} * {1}",)
    return (_times(repr(float(c))).replace("{g}", "{{g}}"),)


def _inverse(c: Any) -> tuple[str, ...]:
    """``a / c``: ∂/∂a = 1/c (``_div``, as Value), folded when it is a finite number."""
    if not isinstance(c, TracedFloat) and math.isfinite(inverse := value._div(1.0, float(c))):
        return (_times(repr(inverse)).replace("{g}", "{{g}}"),)
    return ("{{g}} * _div(1.0, {1})",)


def _power(c: Any) -> tuple[str, ...]:
    """``a ** c``: ∂/∂a = c · a^(c−1), and 0 for c = 0 (decided now when c is a number)."""
    if isinstance(c, TracedFloat):
        return (_POW_BASE,)
    return ("{{g}} * 0.0",) if c == 0 else ("{{g}} * ({1} * _pow({0}, {1} - 1))",)


_CONSTANT_LOCALS: dict[str, Callable[[Any], tuple[str, ...]]] = {
    "__mul__": _scaled,
    "__truediv__": _inverse,
    "__pow__": _power,
}


def _value(data: float, grad: float) -> Value:
    out = Value(data)
    out.grad = grad
    return out


HELPERS["_value"] = _value
