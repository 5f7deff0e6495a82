"""Tracing ``Value`` arithmetic into straight-line float code.

While a trace is active, :class:`ScalarTracer` wraps ``Value``'s operations (each records one
line: the forward formula of the result), ``engine.backward`` on ``Value`` roots (it emits
the sweep: one line per gradient contribution, accumulated in the eager sweep's order, so
the replay's floats are the eager floats bit for bit) and the ``.data``/``.grad`` attributes
(reading them gives a :class:`TracedFloat`, whose arithmetic records lines too; writing them,
as ``zero_grad`` or a hand-written update ``p.data -= lr * p.grad`` do, records the new value).
Every wrapper is removed when the trace ends.

A ``Value`` that existed before the trace and is not an argument (a weight) is *captured*:
the replay reads its ``.data`` and ``.grad`` at the start and writes back whatever the
function changed, so it always works on the current weights.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from .. import engine, value
from ..value import Value
from .errors import refusal
from .program import Program, names_in

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

_DATA = Value.__dict__["data"]  # the slot descriptors, restored after every trace
_GRAD = Value.__dict__["grad"]

# The helpers the replay calls: the same functions Value's operations call.
HELPERS: dict[str, Any] = {
    "_div": value._div,
    "_exp": value._exp,
    "_log": value._log,
    "_pow": value._pow,
    "_sigmoid": value._sigmoid,
    "tanh": math.tanh,
    "Value": Value,
}


def _literal(x: float, program: Program) -> str:
    x = float(x)
    if math.isfinite(x):
        return repr(x)
    return program.constant(x, "inf" if x > 0 else ("nan" if math.isnan(x) else "minus_inf"))


class TracedFloat(float):
    """A float read from a traced ``Value`` (``.data``/``.grad``): arithmetic on it is recorded.

    Comparisons, ``bool()``, ``int()`` and ``float()`` raise ``CompileError``: the replay
    cannot take a different branch.
    """

    symbol: str
    tracer: ScalarTracer

    def _binary(self, other: Any, template: str, swap: bool = False) -> Any:
        tracer = self.tracer
        if isinstance(other, TracedFloat):
            b, y = other.symbol, float.__float__(other)
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

    def __add__(self, o: Any) -> Any:
        return self._binary(o, "{a} + {b}")

    def __radd__(self, o: Any) -> Any:
        return self._binary(o, "{a} + {b}", swap=True)

    def __sub__(self, o: Any) -> Any:
        return self._binary(o, "{a} - {b}")

    def __rsub__(self, o: Any) -> Any:
        return self._binary(o, "{a} - {b}", swap=True)

    def __mul__(self, o: Any) -> Any:
        return self._binary(o, "{a} * {b}")

    def __rmul__(self, o: Any) -> Any:
        return self._binary(o, "{a} * {b}", swap=True)

    def __truediv__(self, o: Any) -> Any:
        return self._binary(o, "{a} / {b}")

    def __rtruediv__(self, o: Any) -> Any:
        return self._binary(o, "{a} / {b}", swap=True)

    def __pow__(self, o: Any) -> Any:
        return self._binary(o, "{a} ** {b}")

    def __rpow__(self, o: Any) -> Any:
        return self._binary(o, "{a} ** {b}", swap=True)

    def __neg__(self) -> Any:
        code = f"-{self.symbol}"
        if self.tracer.swept:
            self.tracer.program.section = "update"
        return self.tracer.traced(
            -float.__float__(self), self.tracer.program.emit(code, (self.symbol,))
        )

    def __pos__(self) -> Any:
        return self

    def __float__(self) -> float:
        if self.tracer.inside:  # a Value operation reading its operand
            return float.__float__(self)
        raise refusal("float()")

    def __int__(self) -> int:
        raise refusal("int()")

    def __bool__(self) -> bool:
        raise refusal("bool()")

    def __eq__(self, o: object) -> bool:
        raise refusal("==")

    def __ne__(self, o: object) -> bool:
        raise refusal("!=")

    def __lt__(self, o: object) -> bool:
        raise refusal("<")

    def __le__(self, o: object) -> bool:
        raise refusal("<=")

    def __gt__(self, o: object) -> bool:
        raise refusal(">")

    def __ge__(self, o: object) -> bool:
        raise refusal(">=")

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


class ScalarTracer:
    """Records ``Value`` operations, backward sweeps and attribute updates into a Program."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.inside = 0  # > 0 while an original Value method runs: record nothing inside
        self.data: dict[int, str] = {}  # id(Value) -> symbol of its current .data
        self.grad: dict[int, str] = {}  # id(Value) -> symbol of its current .grad
        self.local: dict[int, tuple[str, ...]] = {}  # id(Value) -> g-templates per parent
        self.keep: list[Value] = []  # every Value seen, so that ids stay unique
        self.captured: list[Value] = []
        self.inputs: list[tuple[Value, str]] = []
        self.loaded: list[tuple[Value, str, str, str]] = []
        self.swept = False  # whether a backward sweep has been recorded
        self._saved: dict[str, Any] = {}

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

    def _load(self, v: Value, ref: str) -> str:
        """Read ``v``'s data and grad at the start of the replay, where ``ref`` names ``v``."""
        self.keep.append(v)
        hint = v.label or ref
        self.data[id(v)] = self.program.load(f"{ref}.data", (ref,), hint + "_data")
        self.grad[id(v)] = self.program.load(f"{ref}.grad", (ref,), hint + "_grad")
        self.loaded.append((v, ref, self.data[id(v)], self.grad[id(v)]))
        return self.data[id(v)]

    def symbol(self, operand: Any) -> str:
        """The symbol of a Value (captured on first sight) or the literal of a number."""
        if not isinstance(operand, Value):
            if isinstance(operand, TracedFloat):
                return operand.symbol
            return _literal(operand, self.program)
        found = self.data.get(id(operand))
        if found is None:  # a Value from outside the function: read live at every replay
            self.captured.append(operand)
            ref = self.program.constant(operand, operand.label or "p", bool(operand.label))
            found = self._load(operand, ref)
        return found

    def finish(self) -> None:
        """Write back the data and grad of every outside Value the function changed."""
        self.program.section = "update"
        for v, ref, data, grad in self.loaded:
            if self.data[id(v)] != data:
                self.program.effect(f"{ref}.data = {self.data[id(v)]}", names_in(self.data[id(v)]))
            if self.grad[id(v)] != grad:
                self.program.effect(f"{ref}.grad = {self.grad[id(v)]}", names_in(self.grad[id(v)]))

    def output(self, x: Any) -> tuple[str, tuple[str, ...]] | None:
        """The replay's expression for a returned ``x`` (``None``: not a scalar)."""
        if isinstance(x, TracedFloat):
            return x.symbol, (x.symbol,)
        if not isinstance(x, Value):
            return None
        for v, ref, _, _ in self.loaded:
            if v is x:
                return ref, (ref,)
        data, grad = self.data[id(x)], self.grad[id(x)]
        return f"_value({data}, {grad})", names_in(data, grad)

    def result(
        self, out: Value, code: str, operands: tuple[Any, ...], locals_: Sequence[str]
    ) -> None:
        """Record ``out = code``; ``locals_`` are the g-templates for ``out._parents``."""
        symbols = [self.symbol(x) for x in operands]
        code = code.format(*symbols)
        self.program.section = "forward"
        self.keep.append(out)
        hint = out.label or "t"
        self.data[id(out)] = self.program.emit(code, names_in(*symbols), hint)
        self.grad[id(out)] = "0.0"
        self.local[id(out)] = tuple(t.format(*symbols, out=self.data[id(out)]) for t in locals_)

    # ---------------------------------------------------------------- the sweep

    def backward(self, roots: Sequence[Value], seeds: Sequence[Any], inputs: Any) -> list[str]:
        """Emit the sweep ``engine.backward`` runs; returns the symbols of ``inputs``' grads."""
        program = self.program
        section, program.section = program.section, "backward"
        grads: dict[Value, str] = {}
        for root, seed in zip(roots, seeds):
            seed_symbol = self.symbol(seed)
            grads[root] = self._add(grads.get(root), seed_symbol, "g")
        wanted: dict[Value, str | None] = {} if inputs is None else dict.fromkeys(inputs)
        for node in reversed(engine.topological_order(roots)):
            g = grads.pop(node, None)
            if g is None:
                continue
            if inputs is not None:
                if node in wanted:
                    wanted[node] = g
            else:
                self.grad[id(node)] = self._add(self.grad.get(id(node), "0.0"), g, "grad")
            for parent, template in zip(node._parents, self.local.get(id(node), ())):
                if g == "1.0" and template.startswith("{g} * "):
                    template = template[6:]  # 1.0 * x is x exactly
                contribution = template.format(g=g)
                if contribution != g:
                    contribution = program.emit(contribution, _deps(contribution), "g")
                grads[parent] = self._add(grads.get(parent), contribution, "g")
        program.section = section
        self.swept = True
        return [] if inputs is None else [wanted[v] or "0.0" for v in inputs]

    def _add(self, previous: str | None, g: str, hint: str) -> str:
        if previous is None or previous == "0.0":
            return g
        return self.program.emit(f"{previous} + {g}", names_in(previous, g), hint)

    # ---------------------------------------------------------------- attributes

    def get_data(self, v: Value) -> float:
        raw = _DATA.__get__(v)
        if self.inside:
            return raw
        return self.traced(raw, self.symbol(v))

    def set_data(self, v: Value, x: Any) -> None:
        if not self.inside:
            self.data[id(v)] = self._assigned(v, x, "w")
            x = float.__float__(x) if isinstance(x, TracedFloat) else x
        _DATA.__set__(v, x)

    def get_grad(self, v: Value) -> float:
        raw = _GRAD.__get__(v)
        if self.inside:
            return raw
        self.symbol(v)
        return self.traced(raw, self.grad[id(v)])

    def set_grad(self, v: Value, x: Any) -> None:
        if not self.inside:
            self.grad[id(v)] = self._assigned(v, x, "grad")
            x = float.__float__(x) if isinstance(x, TracedFloat) else x
        _GRAD.__set__(v, x)

    def _assigned(self, v: Value, x: Any, hint: str) -> str:
        self.symbol(v)
        section, self.program.section = self.program.section, "update"
        symbol = self.symbol(x)
        self.program.section = section
        return symbol

    # ---------------------------------------------------------------- install / remove

    def install(self) -> None:
        """Put the recording wrappers on ``Value`` and ``engine`` (undone by :meth:`remove`)."""
        for name, (forward, locals_) in _OPS.items():
            self._wrap_method(name, forward, locals_)
        self._saved["sum"] = Value.__dict__["sum"]
        self._saved["dot"] = Value.__dict__["dot"]
        self._saved["__float__"] = Value.__dict__["__float__"]
        self._saved["__init__"] = Value.__dict__["__init__"]
        self._saved["backward"] = engine.backward
        tracer = self
        original_sum, original_dot = Value.sum, Value.dot
        original_init, original_backward = Value.__init__, engine.backward

        def traced_sum(values: Sequence[Any], start: Any = 0.0) -> Value:
            out = tracer._call(original_sum, values, start)
            nodes = [v for v in values if isinstance(v, Value)]
            numbers = [v for v in values if not isinstance(v, Value)]
            operands = (*nodes, *numbers, start)
            places = [f"{{{i}}}, " for i in range(len(operands) - 1)]
            code = (
                f"sum(({''.join(places[: len(nodes)])})) + sum(({''.join(places[len(nodes) :])}))"
                f" + {{{len(operands) - 1}}}"
            )
            tracer.result(out, code, operands, ["{{g}}"] * len(out._parents))
            return out

        def traced_dot(a: Sequence[Any], b: Sequence[Any], bias: Any = 0.0) -> Value:
            out = tracer._call(original_dot, a, b, bias)
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
            tracer.result(out, code, tuple(operands), locals_)
            return out

        def traced_init(v: Value, data: Any, label: str = "") -> None:
            tracer.inside += 1
            try:
                original_init(
                    v, float.__float__(data) if isinstance(data, TracedFloat) else data, label
                )
            finally:
                tracer.inside -= 1
            if not tracer.inside:
                tracer.keep.append(v)
                if isinstance(data, Value):
                    data = tracer.get_data(data)
                tracer.data[id(v)] = tracer.symbol(data)
                tracer.grad[id(v)] = "0.0"

        def traced_float(v: Value) -> float:
            if tracer.inside:
                return _DATA.__get__(v)
            raise refusal("float()", "Value")

        def traced_backward(
            roots: Any, seeds: Any, create_graph: bool = False, inputs: Any = None
        ) -> Any:
            if not roots or not isinstance(roots[0], Value) or tracer.inside:
                return original_backward(roots, seeds, create_graph, inputs)
            if create_graph:
                raise refusal("a create_graph backward", "Value")
            symbols = tracer.backward(list(roots), list(seeds), inputs)
            found = tracer._call(original_backward, roots, seeds, create_graph, inputs)
            if inputs is None:
                return found
            return [tracer.traced(x, s) for x, s in zip(found, symbols)]

        Value.sum = staticmethod(traced_sum)  # type: ignore[method-assign,assignment]
        Value.dot = staticmethod(traced_dot)  # type: ignore[method-assign,assignment]
        Value.__init__ = traced_init  # type: ignore[method-assign]
        Value.__float__ = traced_float  # type: ignore[method-assign]
        engine.backward = traced_backward
        Value.data = property(tracer.get_data, tracer.set_data)  # type: ignore[assignment]
        Value.grad = property(tracer.get_grad, tracer.set_grad)  # type: ignore[assignment]

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        self.inside += 1
        try:
            return fn(*args)
        finally:
            self.inside -= 1

    def _wrap_method(self, name: str, forward: str, locals_: Sequence[str]) -> None:
        original = Value.__dict__[name]
        self._saved[name] = original
        tracer = self

        def wrapper(v: Value, *args: Any) -> Any:
            if tracer.inside:
                return original(v, *args)
            out = tracer._call(original, v, *args)
            if out is NotImplemented:
                return out
            operands = (v, *args)
            table = _VALUE_OPS.get(name) if args and isinstance(args[0], Value) else None
            code, templates = table if table else (forward, locals_)
            if templates is None:
                templates = _CONSTANT_LOCALS[name](args[0])
            tracer.result(out, code, operands, templates if out._parents else ())
            return out

        setattr(Value, name, wrapper)

    def remove(self) -> None:
        for name, original in self._saved.items():
            if name == "backward":
                engine.backward = original
            else:
                setattr(Value, name, original)
        Value.data = _DATA  # type: ignore[assignment]
        Value.grad = _GRAD  # type: ignore[assignment]
        self._saved.clear()


def _deps(code: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[A-Za-z_]\w*", code))


# Operations with a Value on both sides: (forward, g-templates per parent).
_VALUE_OPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "__add__": ("{0} + {1}", ("{{g}}", "{{g}}")),
    "__radd__": ("{0} + {1}", ("{{g}}", "{{g}}")),
    "__sub__": ("{0} - {1}", ("{{g}}", "-{{g}}")),
    "__mul__": ("{0} * {1}", ("{{g}} * {1}", "{{g}} * {0}")),
    "__rmul__": ("{0} * {1}", ("{{g}} * {1}", "{{g}} * {0}")),
    "__truediv__": ("_div({0}, {1})", ("{{g}} * _div(1.0, {1})", "{{g}} * -_div({out}, {1})")),
    "__pow__": (
        "_pow({0}, {1})",
        (
            "{{g}} * ({1} * _pow({0}, {1} - 1))",
            "{{g}} * (0.0 if {0} == 0.0 else {out} * _log({0}))",
        ),
    ),
}

# Operations of one Value (and a number): the number is a literal in the formula; the
# local derivative of a number operand may fold into a literal (computed as Value does).
_OPS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "__add__": ("{0} + {1}", ("{{g}}",)),
    "__radd__": ("{0} + {1}", ("{{g}}",)),
    "__sub__": ("{0} - {1}", ("{{g}}",)),
    "__rsub__": ("{1} - {0}", ("-{{g}}",)),
    "__mul__": ("{0} * {1}", None),
    "__rmul__": ("{0} * {1}", None),
    "__truediv__": ("_div({0}, {1})", None),
    "__rtruediv__": ("_div({1}, {0})", ("{{g}} * -_div({out}, {0})",)),
    "__pow__": ("_pow({0}, {1})", ("{{g}} * ({1} * _pow({0}, {1} - 1))",)),
    "__rpow__": ("_pow({1}, {0})", ("{{g}} * ({out} * _log({1}) if {out} != 0.0 else 0.0)",)),
    "__neg__": ("-{0}", ("-{{g}}",)),
    # "not x <= 0" is true for NaN too: NaN passes through with its gradient, as Value.relu
    "relu": ("({0} if not {0} <= 0.0 else 0.0)", ("{{g}} * (1.0 if not {0} <= 0.0 else 0.0)",)),
    "tanh": ("tanh({0})", ("{{g}} * (1.0 - {out} * {out})",)),
    "sigmoid": ("_sigmoid({0})", ("{{g}} * ({out} * (1.0 - {out}))",)),
    "exp": ("_exp({0})", ("{{g}} * {out}",)),
    "log": ("_log({0})", ("{{g}} * _div(1.0, {0})",)),
}


def _scaled(c: Any) -> tuple[str, ...]:
    if isinstance(c, TracedFloat):
        return ("{{g}} * " + c.symbol,)
    return (_times(repr(float(c))).replace("{g}", "{{g}}"),)


def _inverse(c: Any) -> tuple[str, ...]:
    if isinstance(c, TracedFloat):
        return ("{{g}} * _div(1.0, " + c.symbol + ")",)
    return (_times(repr(value._div(1.0, float(c)))).replace("{g}", "{{g}}"),)


_CONSTANT_LOCALS: dict[str, Callable[[Any], tuple[str, ...]]] = {
    "__mul__": _scaled,
    "__rmul__": _scaled,
    "__truediv__": _inverse,
}


def _value(data: float, grad: float) -> Value:
    out = Value(data)
    out.grad = grad
    return out


HELPERS["_value"] = _value
