"""Tracing tensor code: forward operations, the backward sweep, ``.grad`` and optimiser steps.

While a trace runs the function eagerly, :class:`TensorTracer` *mirrors* it on traced arrays
(``arrays.py``):

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
  traced tensor raise ``CompileError``.

Every mirrored result is compared with the eager result (bit for bit), so a mirror that
drifted from the engine fails the trace instead of replaying something else.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import engine, rules
from .. import tensor as tensor_module
from ..tensor import Tensor
from .arrays import BUFFER_BYTES, ArrayRecorder, TracedArray
from .errors import CompileError, refusal
from .program import Program, names_in

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

_GRAD = Tensor.__dict__["grad"]
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
        self.inside = 0  # > 0 while library code runs eagerly under a recorded step
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
        self._saved: list[tuple[Any, str, Any]] = []

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
        if x.size == origin.size and np.array_equal(
            np.asarray(x).reshape(-1), origin.value.reshape(-1)
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
        seeds = [x._data if isinstance(x, Tensor) and id(x) in self.born else x for x in seeds]
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
        for node in reversed(engine.topological_order(roots)):
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
            grad = _GRAD.__get__(t)
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
        group = self._group(params)
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

    def _group(self, params: list[Tensor] | None = None) -> str | None:
        """The replay's name for the current parameter group (or the one holding ``params``)."""
        group = self.current_group
        if params is not None:  # the dict whose "params" is this very list
            found = [d for d in gc.get_referrers(params) if isinstance(d, dict)]
            group = next((d for d in found if d.get("params") is params), None)
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

    # ---------------------------------------------------------------- install / remove

    def install(self) -> None:
        """Put the mirrors in place (undone by :meth:`remove`)."""
        tracer = self
        self._patch(Tensor, "grad", property(self._get_grad, self._set_grad))
        for name in ("item", "tolist", "__float__", "__bool__", "__int__", "numpy"):
            self._patch(Tensor, name, self._refusing(name))
        original_wrap, original_init = Tensor._wrap, Tensor.__init__

        def wrap(cls: type, data: np.ndarray) -> Tensor:
            out = original_wrap(data)
            tracer.born.add(id(out))
            tracer.keep.append(out)
            return out

        def init(t: Tensor, *args: Any, **kwargs: Any) -> None:
            original_init(t, *args, **kwargs)
            tracer.born.add(id(t))
            tracer.keep.append(t)
            if id(t._data) not in tracer.arrays.named:  # from Python data: a constant
                tracer.arrays.hint = "const"
                constant = tracer.arrays.constant_result(t._data.copy())
                tracer.arrays.named[id(t._data)] = constant
                tracer.keep.append(t._data)

        self._patch(Tensor, "_wrap", classmethod(wrap))
        self._patch(Tensor, "__init__", init)
        from .. import autograd

        original_result = autograd._as_result

        def as_result(g: Any, t: Tensor, *args: Any) -> Any:
            out = original_result(g, t, *args)
            known = tracer._known(g)
            if out is not None and known is not None and id(out._data) not in tracer.arrays.named:
                same = known if known.dtype == out.dtype else known.astype(out.dtype)
                tracer.arrays.named[id(out._data)] = same
                tracer.keep.append(out._data)
            return out

        self._patch(autograd, "_as_result", as_result)
        self._patch_optimizers()
        self._patch_random()
        self._patch_numpy_of_layers()

    def _patch_numpy_of_layers(self) -> None:
        """``np.asarray(target)`` in ``nn`` code returns an array that remembers the traced
        tensor it came from, through ``.copy()`` and reshapes (cross-entropy's targets)."""
        from ..nn import functional

        self._patch(functional, "np", _TrackingNumpy(self))
        self._patch(TrackedArray, "tracer", self)
        # tg.where's condition and t[index]'s index are copied with np.array: tracked too
        self._patch(tensor_module, "np", _TrackingNumpy(self))

    def _patch_random(self) -> None:
        from .. import creation, random

        tracer = self
        original_resolve, original_to_array = random.resolve, tensor_module._to_array

        def resolve(generator: Any, op: str) -> Any:
            return _RecordedDraws(original_resolve(generator, op), tracer)

        def to_array(data: Any, dtype: Any) -> np.ndarray:
            known = tracer._known(data)
            if known is None:
                return original_to_array(data, dtype)
            data = known
            array = original_to_array(data.value, dtype)
            traced = data if array.dtype == data.dtype else data.astype(array.dtype)
            tracer.keep.append(array)
            tracer.arrays.named[id(array)] = traced
            return array

        self._patch(random, "resolve", resolve)
        self._patch(creation, "generator", lambda: resolve(None, "generator"))
        self._patch(tensor_module, "_to_array", to_array)

    def _patch(self, owner: Any, name: str, new: Any) -> None:
        self._saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, new)

    def remove(self) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn`` run eagerly, unseen: library code on plain arrays (the sweep, a step)."""
        self.inside += 1
        tracer, engine.state.tracer = engine.state.tracer, None
        try:
            return fn(*args, **kwargs)
        finally:
            engine.state.tracer = tracer
            self.inside -= 1

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
            eager = _GRAD.__get__(t)
            if state is not None and eager is not None:
                self._same(state, eager._data, "the gradient")
                self.arrays.named[id(eager._data)] = state
                self.keep.append(eager._data)

    def _get_grad(self, t: Tensor) -> Any:
        if not self.inside:  # known from now on; only a computation with it uses its value
            self._grad_state(t, reading=False)
        return _GRAD.__get__(t)

    def _set_grad(self, t: Tensor, value: Any) -> None:
        try:
            before = _GRAD.__get__(t)
        except AttributeError:  # a tensor being built (its grad starts as None): no change
            _GRAD.__set__(t, value)
            return
        _GRAD.__set__(t, value)
        if self.inside:
            return
        if id(t) not in self.grads:  # its starting .grad is overwritten, never read
            self.first_grad[id(t)] = before
            self.keep.append(t)
        self.initial.discard(id(t))
        self.grads[id(t)] = (t, None if value is None else self.traced(value))

    def _refusing(self, name: str) -> Callable[..., Any]:
        original = Tensor.__dict__[name]
        tracer = self
        call = {"__float__": "float()", "__bool__": "bool()", "__int__": "int()"}.get(
            name, f".{name}()"
        )

        def method(t: Tensor, *args: Any, **kwargs: Any) -> Any:
            if tracer.inside or id(t._data) not in tracer.arrays.named:
                return original(t, *args, **kwargs)
            if name == "numpy" and _called_from_package():
                return tracer.traced(t)
            raise refusal(call, "tensor")

        return method

    def _patch_optimizers(self) -> None:
        from .. import optim
        from ..optim import optimizer as base
        from ..optim import sgd

        tracer = self
        original_with_grads = base.Optimizer._with_grads

        def with_grads(optimizer: Any, group: dict[str, Any], *args: Any) -> Iterator[Any]:
            tracer.current_group = group
            for p in group["params"]:
                if _GRAD.__get__(p) is not None:
                    tracer.traced(p)
                    tracer._grad_state(p)
            items = original_with_grads(optimizer, group, *args)
            while True:  # the optimiser reads plain arrays; its updates are recorded
                try:
                    item = tracer._call(next, items)
                except StopIteration:
                    return
                yield item

        self._patch(base.Optimizer, "_with_grads", with_grads)
        for module in _optimiser_modules(optim):
            for name, fn in list(vars(module).items()):
                if name.endswith("_update") and callable(fn):
                    self._patch(module, name, self._wrap_update(fn, name))
        original_plain = sgd._plain_sgd

        def plain(params: list[Tensor], lr: float) -> None:
            tracer.plain_sgd(params, lr)
            tracer._call(original_plain, params, lr)
            for p in params:
                tracer._refresh(p._data)

        self._patch(sgd, "_plain_sgd", plain)

    def _wrap_update(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        tracer = self

        def update(*args: Any, **hyper: Any) -> Any:
            if tracer.current_group is None:  # called by hand, outside an optimiser's step
                raise CompileError(f"tg.compile: call {name} through an optimiser's step()")
            tracer.update(original, name, args, hyper)
            result = tracer._call(original, *args, **hyper)
            tracer._refresh(args[0])
            return result

        return update


_MISSING = object()


class TrackedArray(np.ndarray):
    """An array handed to library code from a traced tensor: copies and views of it keep
    ``origin``, the traced array of the same values (NumPy passes subclasses along), and a
    ufunc on it is computed on the traced side too, so its result keeps an origin as well."""

    origin: TracedArray | None = None
    tracer: TensorTracer | None = None  # the tracer of the trace running now

    def __array_finalize__(self, obj: Any) -> None:
        self.origin = getattr(obj, "origin", None)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        plain = [x.view(np.ndarray) if isinstance(x, TrackedArray) else x for x in inputs]
        if "out" in kwargs:  # written in place: computed, not followed
            out = tuple(
                x.view(np.ndarray) if isinstance(x, TrackedArray) else x for x in kwargs["out"]
            )
            return getattr(ufunc, method)(*plain, **{**kwargs, "out": out})
        value = getattr(ufunc, method)(*plain, **kwargs)
        tracer = TrackedArray.tracer
        origins = [x.origin if isinstance(x, TrackedArray) else x for x in inputs]
        if tracer is None or tracer.inside or not any(isinstance(x, TracedArray) for x in origins):
            return value
        traced = getattr(ufunc, method)(*origins, **kwargs)  # recorded: a TracedArray
        if not isinstance(value, np.ndarray) or not isinstance(traced, TracedArray):
            return value
        tracked = value.view(TrackedArray)
        tracked.origin = traced
        return tracked

    def nonzero(self) -> Any:
        if self.origin is not None:  # positions depend on the values: a new shape each time
            raise refusal("boolean-mask indexing (the positions of True)", "tensor")
        return super().nonzero()


class _TrackingNumpy:
    """NumPy for library modules while tracing: ``asarray``/``array`` of a traced tensor or
    array return a ``TrackedArray`` (its copies and views remember where they came from)."""

    def __init__(self, tracer: TensorTracer) -> None:
        self._tracer = tracer

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)

    def asarray(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        return self._tracked(x, np.asarray(x, *args, **kwargs))

    def array(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        return self._tracked(x, np.array(x, *args, **kwargs))

    def _tracked(self, x: Any, array: Any) -> Any:
        tracer = self._tracer
        if tracer.inside or not isinstance(array, np.ndarray):
            return array
        known = tracer._known(x)
        if known is None:
            return array
        tracked = array.view(TrackedArray)
        tracked.origin = known
        return tracked


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


def _optimiser_modules(package: Any) -> list[Any]:
    prefix = package.__name__ + "."
    return [m for name, m in sys.modules.items() if name.startswith(prefix) and m is not None]


def _called_from_package() -> bool:
    """Whether the caller's caller is code of this package (not the user's function)."""
    frame = sys._getframe(2)
    name = frame.f_globals.get("__name__", "")
    return name.startswith("tinygrad4h03.") and not name.startswith("tinygrad4h03.compiler")
