"""Tracing tensor code: forward operations, the backward sweep, ``.grad`` and optimiser steps.

While a trace runs the function eagerly, :class:`TensorTracer` *mirrors* it on traced arrays
(``arrays.py``). It is an ``engine.Tracer``: the core tells it of each step below through
its hooks (``compiler/__init__.py`` installs it, with the scalar tracer, as the thread's
``engine.state.tracer``); nothing is patched.

- **forward**: every rule applied to tensors is run again, its NumPy forward on the traced
  arrays of its operands, so each NumPy call becomes a line;
- **backward**: ``engine.backward`` on tensors is mirrored by the same sweep over the same
  topological order, each rule's VJPs run on traced arrays, contributions summed in the
  eager order, gradients cast and accumulated into ``.grad`` as ``Tensor._accumulate`` does;
- **``.grad``**: assignments (``zero_grad``) and the sweep's results are followed per tensor
  and written back at the end of each replay;
- **optimisers**: each optimiser's per-parameter update function (``sgd_update``,
  ``adam_update``...) becomes one line that calls it on the live arrays and state, with the
  settings read from ``param_groups`` at every replay; plain SGD becomes ``W -= lr * dW``;
- **random numbers**: draws from the package's generator become lines that draw again;
- **conversions**: ``.item()``, ``float()``, ``bool()``, ``.tolist()``, ``.numpy()`` of a
  traced tensor raise ``CompileError``; library code reading a traced tensor's array gets
  the traced array (``.numpy()``) or a ``TrackedArray`` (``np.asanyarray``, a copy through
  ``__array__``), whose copies and ufunc results stay followed (a mask, an index, targets).

Every mirrored result is compared with the eager result (bit for bit), so a mirror that
drifted from the engine fails the trace instead of replaying something else.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, cast

import numpy as np

from .. import engine, rules
from ..tensor import Tensor
from .arrays import BUFFER_BYTES, ArrayRecorder, TracedArray
from .errors import CompileError, refusal
from .program import Program, names_in

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

_ACTIVATIONS = {"relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "leaky_relu"}
_LAYERS = {"linear", "matmul", "conv2d"}


class Retrace(Exception):
    """Raised by a replay whose guards failed: a captured tensor changed shape or dtype."""


def _tensor_of(array: np.ndarray) -> Tensor:
    """A tensor around ``array`` without a copy (the replay's results and ``.grad``)."""
    return Tensor._wrap(array)


def _result(array: Any) -> Tensor:
    """A returned tensor: a copy of the replay's buffer, so later replays do not change it."""
    return Tensor._wrap(np.array(array))


HELPERS: dict[str, Any] = {"np": np, "Retrace": Retrace, "_result": _result}


class TensorTracer(engine.Tracer):
    """Mirrors one eager run of a function on traced arrays (see the module docstring)."""

    def __init__(self, program: Program, names: dict[int, str]) -> None:
        self.program = program
        self.arrays = ArrayRecorder(program)
        self.arrays.resolver = self._tracked
        self.names = names  # id(parameter tensor) -> its dotted module path
        self.keep: list[Any] = []
        self.loaded: dict[int, tuple[Tensor, str]] = {}  # id(tensor) -> (tensor, variable)
        self.refs: dict[int, str] = {}  # id(tensor) -> how the replay names the object
        self.born: set[int] = set()  # tensors made while tracing (kept alive in keep)
        self.settings: dict[tuple[str, str], str] = {}  # (group, key) -> its variable
        self.scratch: dict[tuple[Any, ...], str] = {}
        self.swept = False  # whether a backward sweep has been mirrored
        self.input_names: set[str] = set()  # arrays the replay receives or loads first
        self.value_guards: set[str] = set()
        self.grads: dict[int, tuple[Tensor, TracedArray | None]] = {}  # current .grad
        self.first_grad: dict[int, Any] = {}  # .grad at the start: None or its tensor
        self.initial: set[int] = set()  # tensors whose .grad is still the one at the start
        self.initial_read: set[int] = set()  # ... and whose starting .grad the trace used
        self.layer = 0
        self.current_group: dict[str, Any] | None = None

    # ---------------------------------------------------------------- operands

    def input_array(self, array: np.ndarray, name: str) -> TracedArray:
        """An argument array (or a tensor's array) that the replay receives as ``name``.

        The trace computes on a copy: eager code writes the real array in place (an
        optimiser's step), the mirror writes its copy, and the two are compared."""
        self.keep.append(array)
        traced = self.arrays.traced(array.copy(), name)
        self.arrays.named[id(array)] = traced
        self.input_names.add(name)
        return traced

    def input_view(self, array: np.ndarray, name: str) -> np.ndarray:
        """An argument array, handed to the function as a ``TrackedArray`` view of it (the
        same memory), so that what library code copies or computes from it stays followed
        (a where condition, an index, cross-entropy's targets)."""
        view = array.view(TrackedArray)
        view.origin = self.input_array(array, name)
        return view

    def traced(self, t: Tensor) -> TracedArray:
        """The traced array of tensor ``t``: known, or read live from ``t`` at every replay."""
        array = t._data
        found = self.arrays.named.get(id(array))
        if found is not None:
            return found
        if id(t) in self.born:
            raise CompileError(
                "tg.compile: a tensor made inside the function by an operation the trace "
                f"cannot follow (shape {t.shape}) is used again; please report this"
            )
        return self._load(t, self.names.get(id(t), "c"))

    def _load(
        self, t: Tensor, hint: str, ref: str | None = None, attribute: str = ""
    ) -> TracedArray:
        """Read ``t``'s array in every replay (``ref``: how the replay names ``t``, a constant
        by default). A captured tensor is guarded by identity: its array is the same object
        as long as it is updated in place (a new array traces again), so views of it are
        made once; a ``.grad`` (``attribute``) is read afresh and guarded by shape and dtype."""
        ref = ref or self.ref(t, hint)
        array = t._data
        if attribute:
            name = self.program.load(f"{ref}{attribute}.numpy()", (ref,), hint)
            self.program.prologue.append(_guard(name, array.shape, array.dtype))
        else:
            name = self.program.constant(array, hint)
            code = f"if {ref}.numpy() is not {name}: raise Retrace"
            self.program.prologue.append(_identity_guard(name, code, ref))
            self.arrays.static[name] = array
        self.program.external.add(name)
        self.loaded[id(t)] = (t, name)
        self.keep.append(t)
        traced = self.input_array(array, name)
        self.input_names.discard(name)  # read live: its values are not part of the signature
        return traced

    def ref(self, t: Tensor, hint: str = "") -> str:
        """How the replay refers to the tensor object ``t`` (an argument or a constant)."""
        found = self.refs.get(id(t))
        if found is None:
            found = self.refs[id(t)] = self.program.constant(
                t, (hint or self.names.get(id(t), "c")) + "_t"
            )
            self.keep.append(t)
        return found

    def input_tensor(self, t: Tensor, param: str, name: str) -> None:
        """An argument tensor, the replay's parameter ``param``; its array is called ``name``."""
        self.refs[id(t)] = param
        array = t._data
        self.program.prologue.append(_load_statement(name, f"{param}.numpy()", param))
        self.program.external.add(name)
        self.loaded[id(t)] = (t, name)
        self.keep.append(t)
        self.input_array(array, name)

    def _known(self, data: Any) -> TracedArray | None:
        """The traced array behind ``data`` (a traced array, a known array or tensor)."""
        if isinstance(data, TracedArray):
            return data
        if isinstance(data, Tensor):
            return self.arrays.named.get(id(data._data))
        if isinstance(data, np.ndarray):
            return self.arrays.lookup(data)
        return None

    def operand(self, x: Any) -> Any:
        """A rule's operand or attribute on the traced side (numbers and constants as they are)."""
        if isinstance(x, Tensor):
            return self.traced(x)
        if isinstance(x, np.ndarray):
            found = self.arrays.named.get(id(x))
            if found is None:
                found = self.arrays.lookup(x)
            return x if found is None else found
        if isinstance(x, tuple | list):
            return type(x)(self.operand(v) for v in x)
        return x

    def _tracked(self, x: np.ndarray) -> TracedArray | None:
        """``x`` or an array it is a view of came from a traced tensor (``TrackedArray``)."""
        array: Any = x
        while isinstance(array, np.ndarray):
            if isinstance(array, TrackedArray) and array.origin is not None:
                return self._from_origin(x, array.origin)
            array = array.base
        return None

    def _from_origin(self, x: np.ndarray, origin: TracedArray) -> TracedArray | None:
        """``x``, made by library code from the traced array ``origin`` with plain NumPy.

        A copy, reshape or cast of ``origin`` (cross-entropy's targets) is ``origin`` again.
        Anything else computed from its values (the mask of targets equal to
        ``ignore_index``) is a constant of this trace, which holds only while ``origin`` has
        the values it had: the replay checks them first and traces again when they differ.
        """
        if x.size == origin.size and np.array_equal(  # NaN equals NaN: the same values
            np.asarray(x).reshape(-1),
            origin.value.astype(x.dtype, copy=False).reshape(-1),
            equal_nan=x.dtype.kind in "fc",
        ):
            found = origin if x.shape == origin.shape else origin.reshape(x.shape)
            return found if x.dtype == found.dtype else found.astype(x.dtype)
        if origin.name not in self.input_names:  # refused if it is ever used (code_of)
            self.arrays.tainted.add(id(x))
            self.keep.append(x)
            return None
        if origin.name not in self.value_guards:
            start = self.program.constant(origin.value.copy(), origin.name + "_at_trace")
            code = f"if not np.array_equal({origin.name}, {start}): raise Retrace"
            self.program.prologue.append(_value_guard(origin.name, code))
            self.value_guards.add(origin.name)
        return None

    # ---------------------------------------------------------------- forward

    def applied(
        self, rule: rules.Rule, operands: Sequence[Any], attrs: dict[str, Any], out: Tensor
    ) -> None:
        """Mirror one rule applied eagerly: ``out`` = ``rule`` of ``operands``."""
        traced = [self.operand(x) for x in operands]
        given = {k: self.operand(v) for k, v in attrs.items() if k != "saved"}
        hint = self._hint(rule, operands)
        self.arrays.hint = rule.name
        self.program.section = "forward"
        value = self._run(rule.forward, f"{rule.name}_forward", traced, given)
        if rule.saves:
            value, saved = value
            self._same(saved, attrs["saved"], rule.name)
            self.arrays.named[id(attrs["saved"])] = saved
            self.keep.append(attrs["saved"])
        value = self.arrays.named.get(id(value), value)  # an array filled in place
        if not isinstance(value, TracedArray):
            raise CompileError(f"tg.compile: the forward of '{rule.name}' escaped the trace")
        if value.dtype != out._data.dtype:
            value = value.astype(out._data.dtype)
        self._same(value, out._data, rule.name)
        if hint != rule.name:
            self._rename(value, hint)
        self.keep.append(out._data)
        self.arrays.named[id(out._data)] = value

    def _run(
        self, fn: Callable[..., Any], name: str, args: Sequence[Any], kwargs: dict[str, Any]
    ) -> Any:
        """``fn`` on traced arrays, each NumPy call a line; where that cannot be traced (a
        strided view, an object ufunc), one line calling ``fn`` itself on the arrays."""
        try:
            return fn(*args, **kwargs)
        except (CompileError, AttributeError, TypeError, ValueError, IndexError):
            pass  # genuine errors are raised again by the plain call below
        recorder = self.arrays
        value = fn(
            *[recorder.real(a) for a in args], **{k: recorder.real(v) for k, v in kwargs.items()}
        )
        ref = self.program.constant(fn, name, exact=True)
        code_args = [recorder.code_of(a) for a in args]
        code_args += [f"{k}={recorder.code_of(v)}" for k, v in kwargs.items()]
        deps = recorder._deps(*args, *kwargs.values())
        if isinstance(value, tuple):  # a forward that also saves a residual
            first = recorder._emit(value[0], f"{ref}({', '.join(code_args)})", (ref, *deps))
            whole = first.name
            recorder.program.statements[-1].targets = (whole + "_both",)
            recorder.program.statements[-1].code = f"{ref}({', '.join(code_args)})"
            parts = [
                recorder._emit(v, f"{whole}_both[{i}]", (whole + "_both",))
                for i, v in enumerate(value)
            ]
            return tuple(parts)
        return recorder._emit(value, f"{ref}({', '.join(code_args)})", (ref, *deps))

    def _hint(self, rule: rules.Rule, operands: Sequence[Any]) -> str:
        """The lecture's names: v_l for a layer's net input (a product with a parameter),
        y_l for its activation; other results are named after their rule."""
        if rule.name in _LAYERS and any(id(x) in self.names for x in operands):
            self.layer += 1
            return f"v{self.layer}"
        if rule.name in _ACTIVATIONS and self.layer:
            return f"y{self.layer}"
        return rule.name

    @staticmethod
    def _same(traced: Any, eager: Any, what: str) -> None:
        value = traced.value if isinstance(traced, TracedArray) else traced
        if not np.array_equal(value, eager, equal_nan=True) or np.shape(value) != np.shape(eager):
            raise CompileError(
                f"tg.compile: the trace of '{what}' does not reproduce the eager result; "
                "please report this (the function runs eagerly without tg.compile)"
            )

    # ---------------------------------------------------------------- backward

    def backward(
        self,
        sweep: Callable[..., list[Any] | None],
        roots: Sequence[Any],
        seeds: Sequence[Any],
        create_graph: bool,
        inputs: Sequence[Any] | None,
    ) -> list[Any] | None:
        """The engine's ``backward`` hook: mirror the sweep on tensor roots, then run it."""
        if not roots or not isinstance(roots[0], Tensor):
            return sweep(roots, seeds, create_graph, inputs)
        if create_graph:
            raise CompileError("tg.compile: backward(create_graph=True) cannot be compiled yet")
        # with a tracer installed the engine hands seeds as tensors; the eager sweep below
        # runs without it, on arrays
        seeds = [x._data if isinstance(x, Tensor) else x for x in seeds]
        mirrored = self.mirror_backward(list(roots), list(seeds), inputs)
        found = self._call(sweep, roots, seeds, create_graph, inputs)
        if found is None:
            self._check_grads()
            return found
        for traced, eager in zip(mirrored, found):
            if eager is not None:
                self._same(traced, eager, "backward")
                self.arrays.named[id(eager)] = traced
                self.keep.append(eager)
        return found

    def mirror_backward(
        self, roots: Sequence[Tensor], seeds: Sequence[Any], inputs: Any
    ) -> list[Any]:
        """Mirror ``engine.backward``; returns the traced gradients of ``inputs`` (if given)."""
        self.program.section = "backward"
        grads: dict[Tensor, TracedArray] = {}
        for root, seed in zip(roots, seeds):
            self.arrays.hint = "seed"
            seed_traced = self.operand(seed)
            if not isinstance(seed_traced, TracedArray):
                seed_traced = self.arrays.constant_result(np.asarray(seed))
            grads[root] = seed_traced if root not in grads else grads[root] + seed_traced
        wanted: dict[Tensor, Any] = {} if inputs is None else dict.fromkeys(inputs)
        # tensor roots: every node of their graph is a tensor
        order = cast("list[Tensor]", engine.topological_order(roots))
        for node in reversed(order):
            g = grads.pop(node, None)
            if g is None:
                continue
            self._rename(g, "d" + self._name_of(node))  # dv3 = ∂E/∂v3, the lecture's −δ3
            parents = node._parents
            if inputs is not None:
                if node in wanted:
                    wanted[node] = g
            elif node._retains_grad or not parents:
                self._accumulate(node, g)
            if not parents:
                continue
            for parent, parent_grad in zip(parents, self._vjps(node, g)):
                if parent_grad is not None:
                    previous = grads.get(parent)
                    self.arrays.hint = "d" + self._name_of(parent) + "_"
                    grads[parent] = parent_grad if previous is None else previous + parent_grad
        self.swept = True
        return [] if inputs is None else [wanted[t] for t in inputs]

    def _name_of(self, t: Tensor) -> str:
        found = self.arrays.named.get(id(t._data))
        if found is None:
            return "t"
        return self.program.renamed.get(found.name, found.name)

    def _rename(self, x: TracedArray, hint: str) -> None:
        """Call ``x`` by ``hint`` in the source (a result's own variable or buffer only)."""
        program = self.program
        if x.name not in program.renamed and x.name not in program.external and self.arrays.owns(x):
            program.rename(x.name, hint)

    def _vjps(self, node: Tensor, g: TracedArray) -> list[Any]:
        """``Tensor._parent_grads`` on traced arrays: one VJP per parent, summed to shape."""
        rule = node._rule
        attrs = {k: self.operand(v) for k, v in node._attrs.items()}
        out = self.traced(node)
        inputs = [self.operand(x) for x in node._operands]
        found: list[Any] = []
        for position, x in enumerate(node._operands):
            if not isinstance(x, Tensor):
                continue
            if not x.requires_grad:
                found.append(None)
                continue
            self.arrays.hint = "d" + self._name_of(x) + "_"
            vjp = rule.vjps[0 if rule.variadic else position]
            given = {**attrs, "position": position} if rule.variadic else attrs
            name = f"{rule.name}_vjp{0 if rule.variadic else position}"
            parent_grad = self._run(vjp, name, [rules.NUMPY, g, out, *inputs], given)
            parent_grad = self.arrays.named.get(id(parent_grad), parent_grad)  # made in place
            if not isinstance(parent_grad, TracedArray):
                raise CompileError(f"tg.compile: the VJP of '{rule.name}' escaped the trace")
            if parent_grad.shape != x._data.shape:
                parent_grad = rules.sum_to_shape(parent_grad, x._data.shape)
            found.append(parent_grad)
        return found

    def _accumulate(self, t: Tensor, g: TracedArray) -> None:
        """``Tensor._accumulate``: cast to the tensor's dtype, add to what ``.grad`` holds."""
        dtype = t._data.dtype
        if g.dtype != dtype:
            g = g.astype(dtype)
        _, previous = self._grad_state(t)
        self.initial.discard(id(t))
        self.arrays.hint = "d" + self._name_of(t) + "_"
        self.grads[id(t)] = (t, g if previous is None else previous + g)

    def _grad_state(self, t: Tensor, reading: bool = True) -> tuple[Tensor, TracedArray | None]:
        """What ``t.grad`` holds now in the trace; ``reading``: the value is used."""
        key = id(t)
        found = self.grads.get(key)
        if found is None:  # first sight: whatever .grad holds when the replay starts
            grad = t._grad
            self.first_grad[key] = grad
            self.keep.append(t)
            found = self.grads[key] = (t, None if grad is None else self._load_grad(t, grad))
            self.initial.add(key)
        if reading and key in self.initial:
            self.initial_read.add(key)
        return found

    def _load_grad(self, t: Tensor, grad: Tensor) -> TracedArray:
        hint = self.names.get(id(t), "c") + "_grad"
        return self._load(grad, hint, self.ref(t), ".grad")

    def finish(self) -> list[Tensor]:
        """Write every changed ``.grad`` back; returns the tensors whose gradient is read."""
        self.program.section = "update"
        owners: set[int] = set()
        for key, (t, state) in self.grads.items():
            ref = self.ref(t)
            if key in self.initial_read:  # the replay relies on .grad being None, or not
                self.program.prologue.append(_grad_guard(ref, self.first_grad[key] is None))
            if state is None:
                self.program.effect(f"{ref}.grad = None", (ref,))
                continue
            name = state.name
            root = self._buffer_root(name)
            if root is None or root in owners:  # memory of its own, as eager
                buffer = self.program.constant(np.empty_like(state.value), "d" + name, buffer=True)
                line = self.program.defined.get(name)
                if line is not None and line.into is not None and root is None:
                    line.code = line.into(buffer)  # computed straight into it: name is buffer
                    line.into = None
                    self.arrays.static[name] = self.program.constants[buffer]
                else:
                    self.program.effect(f"np.copyto({buffer}, {name})", (name,), (buffer,))
                self.program.external.add(buffer)
                name, root = buffer, id(self.program.constants[buffer])
            owners.add(root)
            array = self.program.constants[name]
            holder = self.program.constant(
                _tensor_of(array), self.program.renamed.get(name, name) + "_t"
            )
            # the same holder every replay: set (a checked assignment) only when it changed
            code = f"if {ref}.grad is not {holder}: {ref}.grad = {holder}"
            self.program.effect(code, (ref, holder, name, state.name))
        return []

    def _buffer_root(self, name: str) -> int | None:
        """The id of the trace's buffer that the array called ``name`` lives in, if any."""
        fixed = self.arrays.static.get(name)
        if fixed is None or name in self.arrays.frozen:
            return None
        root = fixed if fixed.base is None else fixed.base
        buffers = {id(self.program.constants[b]) for b in self.program.buffers}
        return id(root) if id(root) in buffers else None

    def output(self, x: Any) -> tuple[str, tuple[str, ...]] | None:
        """The replay's expression for a returned tensor (``None``: not a traced tensor)."""
        if not isinstance(x, Tensor):
            return None
        found = self.arrays.named.get(id(x._data))
        if id(x) in self.loaded or (found is None and id(x) not in self.born):
            return None  # a tensor from outside is returned as itself
        if found is None:
            raise CompileError(
                "tg.compile: a returned tensor was computed in a way the trace cannot follow; "
                "compute it with tensor operations, or return it from outside tg.compile"
            )
        return f"_result({found.name})", (found.name,)

    # ---------------------------------------------------------------- optimisers

    def update(
        self, fn: Callable[..., Any], name: str, args: tuple[Any, ...], hyper: dict[str, Any]
    ) -> None:
        """One optimiser update ``fn(param, grad, state, work, **hyper)``: one line, live."""
        param, grad, state, work = args
        codes = [self._array_code(param), self._array_code(grad)]
        codes.append(self.program.constant(state, "state"))
        codes.append(self.program.constant(work, "work"))
        group = self._group()
        values = [self._setting(group, k, v) for k, v in hyper.items()]
        settings = [f"{k}={v}" for k, v in zip(hyper, values)]
        fn_name = self.program.constant(fn, name, exact=True)
        deps = (*codes, fn_name, *names_in(*values))
        self.program.section = "update"
        self.program.effect(f"{fn_name}({', '.join(codes + settings)})", deps)

    def plain_sgd(self, params: list[Tensor], lr: float) -> None:
        """``_plain_sgd``: θ ← θ − γ ∂ℰ/∂θ for each parameter with a gradient."""
        group = self._group()
        lr_code = self._setting(group, "lr", lr)
        self.program.section = "update"
        for param in params:
            _, grad = self._grad_state(param)
            if grad is None:
                continue
            weight = self.traced(param)
            deps = (weight.name, grad.name, *names_in(lr_code))
            if grad.value.nbytes < BUFFER_BYTES:
                self.program.effect(
                    f"{weight.name} -= {lr_code} * {grad.name}", deps, (weight.name,)
                )
                continue
            # a large step γ ∂ℰ/∂θ goes through a scratch buffer: no new memory per replay
            scratch = self._scratch(grad.value)
            self.program.effect(f"np.multiply({lr_code}, {grad.name}, out={scratch})", deps, ())
            self.program.effect(f"{weight.name} -= {scratch}", (weight.name, scratch), ())

    def _scratch(self, like: np.ndarray) -> str:
        """A scratch array of ``like``'s shape and dtype, shared by the update lines."""
        key = (like.shape, like.dtype.str)
        found = self.scratch.get(key)
        if found is None:
            found = self.scratch[key] = self.program.constant(np.empty_like(like), "scratch")
        return found

    def _refresh(self, array: np.ndarray) -> None:
        """After an eager update of ``array`` in place, the trace's copy takes its values."""
        traced = self.arrays.named.get(id(array))
        if traced is not None and traced.value is not array:
            traced.value[...] = array

    def _array_code(self, array: np.ndarray) -> str:
        found = self.arrays.named.get(id(array))
        if found is None:
            raise CompileError("tg.compile: an optimiser received an array outside the trace")
        return found.name

    def _group(self) -> str | None:
        """The replay's name for the parameter group being updated."""
        group = self.current_group
        if group is None:
            return None
        return self.program.constant(group, "group", exact=False)

    def _setting(self, group: str | None, key: str, value: Any) -> str:
        """``group[key]`` read once at the start of each replay, if it holds ``value``."""
        if group is not None:
            live = self.program.constants[group].get(key, _MISSING)
            if live is value or (live == value and type(live) is type(value)):
                found = self.settings.get((group, key))
                if found is None:
                    code = f'{group}["{key}"]'
                    found = self.settings[(group, key)] = self.program.load(code, (group,), key)
                return found
        return self.arrays.code_of(value)

    # ---------------------------------------------------------------- the engine's hooks

    def made(self, node: Any, data: Any = None) -> None:
        """A tensor made inside the function from ``data`` (``Tensor(x)``, a factory, a
        result of ``tg.grad``): ``data``'s traced array when it has one, else a constant;
        with ``data`` ``None`` (an order ``argsort`` found) it is left unknown, so using or
        returning it is refused (``traced``, ``output``)."""
        if not isinstance(node, Tensor):
            return
        self.born.add(id(node))
        self.keep.append(node)
        array = node._data
        if id(array) in self.arrays.named or data is None:
            return
        known = self._known(data)
        self.keep.append(array)
        if known is None:  # from Python data: a constant
            self.arrays.hint = "const"
            known = self.arrays.constant_result(array.copy())
        elif known.dtype != array.dtype:
            known = known.astype(array.dtype)
        self.arrays.named[id(array)] = known

    def grad_read(self, node: Any) -> None:
        """``t.grad`` read: known from now on; only a computation with it uses its value."""
        self._grad_state(node, reading=False)

    def grad_written(self, node: Any, before: Any) -> None:
        """``t.grad = value`` (``zero_grad``, a hand-written gradient): followed per tensor."""
        key, value = id(node), node._grad
        if key not in self.grads:  # its starting .grad is overwritten, never read
            self.first_grad[key] = before
            self.keep.append(node)
        self.initial.discard(key)
        self.grads[key] = (node, None if value is None else self.traced(value))

    def converted(self, node: Any, how: str) -> Any:
        """A traced tensor becomes plain data: refused, except that library code reading its
        array (``.numpy()``, ``np.asarray``) gets the traced array or a ``TrackedArray``."""
        if not isinstance(node, Tensor) or id(node._data) not in self.arrays.named:
            return None
        library = how in ("numpy", "__array__") and _called_from_package()
        if library and how == "numpy":
            return self.traced(node)
        if library and self.traced(node).name in self.arrays.frozen:
            return None  # a constant of the trace: its values are the same at every replay
        if library:
            tracked = node._data.view(TrackedArray)
            tracked.origin = self.traced(node)
            return tracked
        if how == "__array__":  # np.asarray(t) in the function itself: its values, as before
            return None
        raise refusal(_CALLS.get(how, f".{how}()"), "tensor")

    def generator(self, generator: Any, op: str) -> Any:
        """Draws from the package's generators become lines that draw again at each replay."""
        return _RecordedDraws(generator, self)

    def optimizer_update(
        self,
        update: Callable[..., Any],
        group: dict[str, Any],
        param: Any,
        args: Sequence[Any],
        hyper: dict[str, Any],
    ) -> Any:
        """One optimiser update becomes one line calling it on the live arrays and state
        (plain SGD: ``W -= lr * dW``); the eager call runs too, and the trace's copies of
        the updated arrays take its values."""
        self.current_group = group
        if param is None:  # plain SGD on the group's parameters
            params, lr = args
            self.plain_sgd(params, lr)
            self._call(update, *args, **hyper)
            for p in params:
                self._refresh(p._data)
            return None
        self.traced(param)
        self._grad_state(param)
        self.update(update, update.__name__, tuple(args), hyper)
        result = self._call(update, *args, **hyper)
        self._refresh(args[0])
        return result

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn`` run eagerly, unseen (no tracer installed meanwhile): library code on plain
        arrays (the sweep, an optimiser's update)."""
        tracer, engine.state.tracer = engine.state.tracer, None
        try:
            return fn(*args, **kwargs)
        finally:
            engine.state.tracer = tracer

    def __call__(
        self, rule: rules.Rule, operands: Sequence[Any], attrs: dict[str, Any], out: Tensor
    ) -> None:
        """The engine's tracer hook: every ``apply`` and in-place write, after it ran."""
        if operands and out is operands[0]:
            self.in_place(rule, operands, attrs, out)
        else:
            self.applied(rule, operands, attrs, out)

    def in_place(
        self, rule: rules.Rule, operands: Sequence[Any], attrs: dict[str, Any], out: Tensor
    ) -> None:
        """Mirror an in-place write (``t += v``, ``t[i] = v``, ``copy_``) on the trace's copy."""
        target = self.arrays.writable(self.traced(out))
        given = {k: self.operand(v) for k, v in attrs.items()}
        self.arrays.hint = rule.name
        self.program.section = "update" if self.swept else "forward"
        rule.forward(target, *[self.operand(x) for x in operands[1:]], **given)
        self._same(target, out._data, rule.name)

    def _check_grads(self) -> None:
        for t, state in self.grads.values():
            eager = t._grad
            if state is not None and eager is not None:
                self._same(state, eager._data, "the gradient")
                self.arrays.named[id(eager._data)] = state
                self.keep.append(eager._data)


_MISSING = object()
_COMPILER = "tinygrad4h03.compiler"
_CALLS = {"float": "float()", "bool": "bool()", "int": "int()"}


class TrackedArray(np.ndarray):
    """An array handed to library code from a traced tensor: copies and views of it keep
    ``origin``, the traced array of the same values (NumPy passes subclasses along), and a
    NumPy call on it is computed on the traced side too, so its result keeps an origin as
    well (other NumPy functions give plain arrays). Outside a trace it is a plain array."""

    origin: TracedArray | None = None

    def __array_finalize__(self, obj: Any) -> None:
        # a copy or a reshape keeps the values in order (both C-ordered): the origin too
        origin: TracedArray | None = getattr(obj, "origin", None)
        same = self.size == getattr(obj, "size", -1) and self.dtype == obj.dtype
        if origin is None or not (same and self.flags.c_contiguous and obj.flags.c_contiguous):
            self.origin = None
        else:
            shape = self.shape
            self.origin = origin if shape == origin.shape else _named(origin, origin.reshape, shape)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        value = func(*_plain(args), **_plain(kwargs))  # np.where, np.take_along_axis: followed
        return _follow(value, lambda: func(*_origins(args), **_origins(kwargs)), args)

    def __getitem__(self, index: Any) -> Any:
        value = super().__getitem__(index)
        if self.origin is None or not isinstance(value, np.ndarray):
            return value
        return _follow(value, lambda: cast(Any, self.origin)[_origins(index)], self)

    def astype(self, dtype: Any, *args: Any, **kwargs: Any) -> Any:
        value = super().astype(dtype, *args, **kwargs)
        if self.origin is None or value is self:
            return value
        return _follow(value, lambda: cast(Any, self.origin).astype(dtype), self)

    def item(self, *args: Any) -> Any:
        """One value as a followed 0-d array (its comparisons are checked at each replay)."""
        if self.origin is None or args or engine.state.tracer is None:
            return super().item(*args)
        return _follow(self.reshape(()), lambda: cast(Any, self.origin).reshape(()), self)

    def __bool__(self) -> bool:
        value = bool(self.view(np.ndarray))
        self._check(value)
        return value

    def __int__(self) -> int:
        value = int(self.view(np.ndarray))
        self._check(value)
        return value

    def __index__(self) -> int:
        value = operator.index(self.view(np.ndarray))
        self._check(value)
        return value

    def __float__(self) -> float:
        value = float(self.view(np.ndarray))
        self._check(value)
        return value

    def _check(self, value: Any) -> None:
        """Python decides on this value (a branch, an int): the replay checks it is the same."""
        if self.origin is not None and engine.state.tracer is not None and self.size == 1:
            origin = self.origin if self.shape == () else self.origin.reshape(())
            origin.recorder.check(origin, value)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if "out" in kwargs:  # written in place: computed, not followed
            kwargs = {**kwargs, "out": tuple(_plain(x) for x in kwargs["out"])}
            return getattr(ufunc, method)(*[_plain(x) for x in inputs], **kwargs)
        value = getattr(ufunc, method)(*[_plain(x) for x in inputs], **kwargs)
        return _follow(value, lambda: getattr(ufunc, method)(*_origins(inputs), **kwargs), inputs)

    def nonzero(self) -> Any:
        if self.origin is not None:  # positions depend on the values: a new shape each time
            raise refusal("boolean-mask indexing (the positions of True)", "tensor")
        return super().nonzero()


def _plain(x: Any) -> Any:
    """``x`` with every ``TrackedArray`` in it (lists, tuples, dicts) as a plain array."""
    if isinstance(x, TrackedArray):
        return x.view(np.ndarray)
    if isinstance(x, list | tuple):
        return type(x)(_plain(v) for v in x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _origins(x: Any) -> Any:
    """``x`` with every ``TrackedArray`` in it replaced by its traced array (or plain)."""
    if isinstance(x, TrackedArray):
        return x.origin if x.origin is not None else x.view(np.ndarray)
    if isinstance(x, list | tuple):
        return type(x)(_origins(v) for v in x)
    if isinstance(x, dict):
        return {k: _origins(v) for k, v in x.items()}
    return x


def _follow(value: Any, traced_call: Callable[[], Any], inputs: Any) -> Any:
    """``value``, computed from tracked arrays, as a ``TrackedArray`` whose origin is the
    same computation on their traced arrays (run by ``traced_call``, each NumPy call a line)
    while a tracer is installed; plain outside a trace or when no origin was traced."""
    if engine.state.tracer is None or not isinstance(value, np.ndarray | np.generic):
        return value
    origin = _first_origin(inputs)
    if origin is None:
        return value
    try:
        traced = _named(origin, traced_call)
    except (CompileError, TypeError, ValueError, IndexError):  # not followed: plain, as before
        return value
    if not isinstance(traced, TracedArray):
        return value
    tracked = np.asarray(value).view(TrackedArray)  # a reduction's scalar: a 0-d array
    tracked.origin = traced
    return tracked


_ROOT = re.compile(r"(_\d+)+$")


def _named(origin: TracedArray, call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)``, its lines named after the tensor ``origin`` comes from: ``y_1 = y !=
    -100`` for cross-entropy's targets ``y``."""
    recorder, hint = origin.recorder, origin.recorder.hint
    recorder.hint = _ROOT.sub("", recorder.program.renamed.get(origin.name, origin.name)) + "_"
    try:
        return call(*args)
    finally:
        recorder.hint = hint


def _first_origin(x: Any) -> TracedArray | None:
    """The traced array behind the first ``TrackedArray`` in ``x`` (lists, tuples, dicts)."""
    if isinstance(x, TrackedArray):
        return x.origin
    values = x.values() if isinstance(x, dict) else x if isinstance(x, list | tuple) else ()
    for v in values:
        found = _first_origin(v)
        if found is not None:
            return found
    return None


class _RecordedDraws:
    """A generator whose draws are recorded: each replay draws afresh from the same stream."""

    def __init__(self, generator: np.random.Generator, tracer: TensorTracer) -> None:
        self._generator = generator
        self._tracer = tracer

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._generator, name)
        if not callable(method) or name.startswith("_") or name in _NOT_DRAWS:
            return method
        tracer, generator = self._tracer, self._generator

        def draw(*args: Any, **kwargs: Any) -> Any:
            value = method(*args, **kwargs)
            if not isinstance(value, np.ndarray):
                raise CompileError(
                    f"tg.compile: a single random number ({name}() without a size) would be "
                    "the same at every replay; draw a tensor (tg.rand(1)) instead"
                )
            ref = tracer.program.constant(generator, "generator", exact=True)
            recorder = tracer.arrays
            code_args = [recorder.code_of(a) for a in args]
            code_args += [f"{k}={recorder.code_of(v)}" for k, v in kwargs.items()]
            recorder.hint = "noise"
            tracer.program.section = "forward"
            return recorder._emit(value, f"{ref}.{name}({', '.join(code_args)})", (ref,))

        return draw


_NOT_DRAWS = {"manual_seed", "seed", "initial_seed", "get_state", "set_state", "spawn"}


def _guard(name: str, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    """Retrace when a loaded array's shape or dtype changed (kept while ``name`` is used)."""
    from .program import Statement

    code = f"if {name}.shape != {shape!r} or {name}.dtype != np.{dtype.name}: raise Retrace"
    return Statement("load", (name,), code, (name,), assign=False)


def _value_guard(name: str, code: str) -> Any:
    """Retrace when an input's values differ from the trace's (kept with the input)."""
    from .program import Statement

    return Statement("load", (name,), code, (name,), assign=False)


def _identity_guard(name: str, code: str, ref: str) -> Any:
    from .program import Statement

    return Statement("load", (name,), code, (ref,), assign=False)


def _load_statement(name: str, code: str, ref: str) -> Any:
    from .program import Statement

    return Statement("load", (name,), code, (ref,))


def _grad_guard(ref: str, none: bool) -> Any:
    from .program import Statement

    test = "is not None" if none else "is None"
    code = f"if {ref}.grad {test}: raise Retrace"
    return Statement("load", (), code, (ref,), effect=True, assign=False)


def parameter_names(fn: Callable[..., Any]) -> dict[int, str]:
    """Readable names for the parameters of the modules ``fn`` refers to (closure, globals).

    ``0.weight`` becomes ``weight0``, ``fc1.bias`` becomes ``fc1_bias``.
    """
    from ..nn import Module

    found: dict[int, str] = {}
    seen = [c.cell_contents for c in (getattr(fn, "__closure__", None) or ()) if _filled(c)]
    code = getattr(fn, "__code__", None)
    if code is not None:
        seen += [fn.__globals__[n] for n in code.co_names if n in getattr(fn, "__globals__", {})]
    for obj in seen:
        if isinstance(obj, Module):
            for path, p in obj.named_parameters():
                found.setdefault(id(p), _identifier(path))
    return found


def _filled(cell: Any) -> bool:
    try:
        return cell.cell_contents is not None
    except ValueError:  # a closure variable not yet assigned
        return False


def _identifier(path: str) -> str:
    parts = path.split(".")
    words = [p for p in parts[:-1] if not p.isdigit()]
    digits = "".join(p for p in parts[:-1] if p.isdigit())
    return "_".join([*words, parts[-1] + digits])


def _called_from_package() -> bool:
    """Whether the code that called the converting ``Tensor`` method (``.numpy()``,
    ``__array__``) is this package's library code, not the user's function."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_COMPILER):
        frame = frame.f_back  # the tracer's own frames first
    caller = None if frame is None else frame.f_back  # past the Tensor method that told it
    name = "" if caller is None else caller.f_globals.get("__name__", "")
    return name.startswith("tinygrad4h03.") and not name.startswith(_COMPILER)
